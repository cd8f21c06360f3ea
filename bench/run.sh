#!/bin/bash
# make bench: every benchmark at full size, one after the other (they share
# the QEMU lock and the 2 cores; running them together would only add noise).
# Each prints its Markdown section; this keeps it in bench/sections/NAME.md
# with the run's host, date, commit and wall time in bench/sections/host.md,
# then bench/results.py writes bench/RESULTS.md and the figures README.md and
# docs/ quote from those sections. Nothing there is edited by hand.
#
# bench/run.sh [NAME...]    default: all, in the order below
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
all="boot-cost boot-views hotplug-peers bpf-cost repeat accuracy accuracy-icount memset-floor scale"
all="$all case-deferred case-deferred-icount"
# fresh-test (make test from a fresh clone with empty caches, most of an
# hour) and fresh-test-arm64 (make test-arm64 the same way) run only when named.
names=${*:-$all}
known="$all fresh-test fresh-test-arm64"
out=$top/build/bench
sections=$top/bench/sections
mkdir -p "$out" "$sections" || exit 1
host=$sections/host.md

# measured_at: the commit a benchmark measures, read before it starts (a
# commit made while it runs is not what it measured), with "+dirty" when
# the tree differs from it; what make bench itself writes (the sections,
# the case study's pages, the files results.py rewrites) does not count.
measured_at() {
	local rev
	rev=$(git -C "$top" rev-parse --short HEAD 2>/dev/null) || { echo unknown; return; }
	[ -z "$(git -C "$top" status --porcelain -- . ':!bench/sections' ':!docs/case-studies' \
		':!bench/RESULTS.md' ':!README.md' ':!docs/kexec.md' 2>/dev/null)" ] || rev=$rev+dirty
	echo "$rev"
}

# host.md: the host line, then one row per benchmark naming the run its
# section came from; a rerun of some benchmarks replaces their rows only.
record_run() {	# NAME SECONDS COMMIT
	local rows
	rows=$(grep -E '^\| [a-z0-9-]+ \| [0-9]' "$host" 2>/dev/null | grep -v "^| $1 |")
	{
		echo "Host: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
			"$(uname -sr), $(qemu-system-x86_64 --version 2>/dev/null | sed -n 1p)."
		echo
		echo "| benchmark | run (UTC) | meminit at | wall (s) |"
		echo "|---|---|---|---|"
		{ [ -z "$rows" ] || echo "$rows"
		  echo "| $1 | $(date -u '+%F %H:%M') | $3 | $2 |"
		} | awk -v order="$known" 'BEGIN { n = split(order, o, " "); for (i = 1; i <= n; i++) r[o[i]] = i }
			{ split($0, c, " "); print r[c[2]] "\t" $0 }' | sort -n | cut -f2-
	} > "$host.tmp" && mv "$host.tmp" "$host"
}

failed=""
for n in $names; do
	case " $known " in *" $n "*) ;; *) echo "bench/run.sh: no benchmark '$n' (one of: $known)" >&2; exit 2 ;; esac
	cmd=("$top/bench/$n.sh")
	[ "$n" = accuracy-icount ] && cmd=("$top/bench/accuracy.sh" --icount)
	[ "$n" = case-deferred-icount ] && cmd=("$top/bench/case-deferred.sh" --icount)
	[ "$n" = fresh-test-arm64 ] &&
		cmd=("$top/bench/fresh-test.sh" --target test-arm64 --cache /var/tmp/meminit-fresh-cache-arm64)
	echo "=== $n"
	t0=$(date +%s)
	rev=$(measured_at)
	if "${cmd[@]}" > "$out/$n.md" 2> "$out/$n.err"; then
		cat "$out/$n.md"
		# A fresh test measures the clone it made: its section names it.
		case $n in fresh-test*)
			rev=$(sed -n 's/^meminit at \([0-9a-f+dirty]*\), .*/\1/p' "$out/$n.md" | head -n1)
			[ -n "$rev" ] || { echo "bench/run.sh: $n's section names no commit" >&2; exit 1; } ;;
		esac
		cp "$out/$n.md" "$sections/$n.md" && record_run "$n" $(( $(date +%s) - t0 )) "$rev" ||
			{ echo "bench/run.sh: could not keep $n's section in $sections" >&2; exit 1; }
		# The case study's HTML A/B pages go with its write-up.
		case $n in case-deferred|case-deferred-icount)
			mode=mttcg; [ $n = case-deferred-icount ] && mode=icount
			pages=$top/docs/case-studies/deferred-simplify-$mode
			rm -rf "$pages" && mkdir -p "$pages" && cp "$out/case-deferred/$mode"/ab-*.html "$pages/" ||
				{ echo "bench/run.sh: could not keep $n's A/B pages in $pages" >&2; exit 1; } ;;
		esac
	else
		failed="$failed $n"
		echo "bench/run.sh: $n failed: $(tail -n1 "$out/$n.err")"
	fi
	echo "($n: $(( $(date +%s) - t0 )) s wall)"
done
[ -z "$failed" ] || { echo "bench/run.sh: failed:$failed; bench/RESULTS.md not rewritten" >&2; exit 1; }
/usr/bin/python3 "$top/bench/results.py" || exit 1
echo "bench/RESULTS.md, README.md and docs/ rewritten from bench/sections/"
