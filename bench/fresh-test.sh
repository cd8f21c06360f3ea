#!/bin/bash
# make test as a fresh machine runs it (issue 16: within 40 minutes on two
# cores): a clone of HEAD, run with an empty MEMINIT_CACHE (no kernels, no
# ccache, no distribution root; the Debian packages installed). Prints a
# Markdown section: the wall time, the harness's result line, what each
# background build took (tests/prepare.sh) and the longest scripts. Not in
# `make bench`'s default list (it takes the machine for most of an hour):
# `make bench BENCH=fresh-test`.
#
#   fresh-test.sh [--cache DIR]   DIR must be empty or absent
#                                 (default /var/tmp/meminit-fresh-cache)
#   fresh-test.sh --target T      another make target the same way: test-arm64
#                                 (issue 17: the arm64 guests and the series
#                                 cross-built for arm64), section fresh-test-arm64
#   fresh-test.sh --log FILE      the section from an earlier run's log
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cache=/var/tmp/meminit-fresh-cache log="" target=test
while [ $# -gt 0 ]; do
	case "$1" in
	--cache) cache=${2:?--cache DIR}; shift ;;
	--log) log=${2:?--log FILE}; shift ;;
	--target) target=${2:?--target T}; shift ;;
	*) echo "fresh-test.sh: unknown argument $1" >&2; exit 2 ;;
	esac
	shift
done
case "$target" in test) name=fresh-test ;; test-arm64) name=fresh-test-arm64 ;;
*) echo "fresh-test.sh: --target: '$target' is not test or test-arm64" >&2; exit 2 ;; esac
out=${MEMINIT_BENCH_OUT:-$top/build/bench}/$name
mkdir -p "$out" || exit 1

if [ -z "$log" ]; then
	if [ -e "$cache" ] && [ -n "$(ls -A "$cache" 2> /dev/null)" ]; then
		echo "fresh-test.sh: $cache is not empty; name an empty or absent --cache DIR" >&2
		exit 1
	fi
	clone=$out/clone
	rm -rf "$clone" && git clone -q "$top" "$clone" || { echo "fresh-test.sh: git clone failed" >&2; exit 1; }
	# The commit measured is the clone's, whatever HEAD is by the end.
	rev=$(git -C "$clone" rev-parse --short HEAD) || exit 1
	git -C "$top" diff --quiet "$rev" 2> /dev/null ||
		echo "fresh-test.sh: the clone is of $rev; changes not committed are not in it" >&2
	mkdir -p "$cache" || exit 1
	log=$out/make-test.log
	# The machine's CPU counters around the run (/proc/stat, in ticks):
	# how busy the cores were, and how much of it was the niced
	# background builds (tests/prepare.sh runs at nice 19).
	stat0=$(sed -n 's/^cpu  //p' /proc/stat)
	t0=$(date +%s)
	(cd "$clone" && MEMINIT_CACHE=$cache make "$target") > "$log" 2>&1
	rc=$?
	wall=$(( $(date +%s) - t0 ))
	stat1=$(sed -n 's/^cpu  //p' /proc/stat)
	printf 'rev=%q\nrc=%q\nwall=%q\ndate=%q\ncores=%q\nstat0=%q\nstat1=%q\ntarget=%q\n' "$rev" "$rc" "$wall" \
		"$(date -u -d "@$t0" '+%F %H:%M')" "$(nproc)" "$stat0" "$stat1" "$target" > "$log.meta"
fi
[ -f "$log" ] && [ -f "$log.meta" ] || { echo "fresh-test.sh: no $log (or its .meta)" >&2; exit 1; }
# shellcheck disable=SC1090
. "$log.meta"
result=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -n1)
harness=$(sed -n 's/^total time \([0-9]*\) s$/\1/p' "$log" | tail -n1)
[ -n "$result" ] && [ -n "$harness" ] ||
	{ echo "fresh-test.sh: $log has no result line (make test exited $rc)" >&2; exit 1; }

echo "## make $target on a fresh clone, empty caches"
echo
echo "meminit at $rev, $date UTC: \`make $target\` in a fresh clone with an empty"
echo "\`MEMINIT_CACHE\` (the Debian packages installed), $cores cores."
echo
echo "| measure | value |"
echo "|---|---|"
echo "| make $target wall (s) | $wall |"
echo "| harness total (s) | $harness |"
echo "| make $target exit | $rc |"
echo "| result | $result |"
# user nice system idle iowait irq softirq steal: cores busy on average,
# and the niced share (the background builds).
if [ -n "${stat0:-}" ] && [ -n "${stat1:-}" ]; then
	read -r busy niced <<< "$(echo "$stat0 $stat1" | awk '{ for (i = 1; i <= 8; i++) d[i] = $(i + 10) - $i
		all = 0; for (i = 1; i <= 8; i++) all += d[i]
		printf "%.2f %.2f", (all - d[4] - d[5]) / all * n, d[2] / all * n }' n="$cores")"
	echo "| cores busy, average of $cores | $busy |"
	echo "| of them niced (background builds) | $niced |"
fi
steps=$(sed -n -e 's/^ *prepare: \([a-z0-9.-]*\) done in \([0-9]*\) s$/| \1 | \2 | done |/p' \
	-e 's/^ *prepare: \([a-z0-9.-]*\) failed (exit \([0-9]*\)) after \([0-9]*\) s.*/| \1 | \3 | failed (exit \2) |/p' "$log")
# make test builds in the background (tests/prepare.sh); make test-arm64's
# scripts build what they need themselves.
if [ -n "$steps" ]; then
	echo
	echo "What tests/prepare.sh built in the background, niced, while the tests"
	echo "that need none of it ran:"
	echo
	echo "| background step | seconds | result |"
	echo "|---|---|---|"
	echo "$steps"
fi
echo
echo "The longest scripts (wall seconds, including any wait for a build):"
echo
echo "| script | seconds |"
echo "|---|---|"
awk '/^--- /{ name = $2 } /^    \([0-9]+ s\)$/{ gsub(/[()]/, "", $1); print $1 "\t" name }' "$log" |
	sort -rn | head -n 8 | awk -F'\t' '{ printf "| %s | %s |\n", $2, $1 }'
