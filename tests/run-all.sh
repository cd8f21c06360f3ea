#!/bin/bash
# Run every test meminit has (or the scripts named) and end with one line:
# N passed, N failed, N skipped.
# Unit tests are C programs in build/tests/; VM and CLI tests are
# tests/*/test_*.sh. Each prints PASS/FAIL/SKIP lines (tests/lib.sh).
#
# The harness does not take a script's word for it: a script that exits
# non-zero, prints no result line at all, or runs into a command the shell
# cannot find is a FAIL with its name, and so is a guest boot that
# tests/vm/guest.sh had to retry (reported here as SKIP with the oops line:
# that boot tested nothing of meminit's on its first try).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=build/test-out/results.txt
mkdir -p build/test-out
: > "$log"
# guest.sh appends one line per retried boot here (see its crash retry).
export MEMINIT_GUEST_EVENTS=$top/build/test-out/guest-events.txt
: > "$MEMINIT_GUEST_EVENTS"
start=$(date +%s)

run() {
	local label=$1 out rc events_before
	shift
	local t0
	t0=$(date +%s)
	out=$(mktemp)
	events_before=$(wc -l < "$MEMINIT_GUEST_EVENTS")
	echo "--- $label"
	"$@" 2>&1 | tee "$out" | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	cat "$out" >> "$log"
	{
		if [ "$rc" -ne 0 ]; then
			echo "FAIL $label: exited with $rc"
		elif ! grep -qE '^(PASS|FAIL|SKIP) ' "$out"; then
			echo "FAIL $label: printed no result line"
		fi
		grep -E '^[^ ]+: (line [0-9]+: )?[^ ]+: command not found$' "$out" | head -n 3 |
			sed "s|^|FAIL $label: the harness ran into: |"
		tail -n +$((events_before + 1)) "$MEMINIT_GUEST_EVENTS" | sed "s|^|SKIP $label: |"
	} | tee -a "$log" | sed 's/^/    /'
	rm -f "$out"
	echo "    ($(( $(date +%s) - t0 )) s)"
}

if [ $# -gt 0 ]; then
	# Only the scripts named (make test-scale).
	for t in "$@"; do
		[ -f "$t" ] && run "$t" bash "$t" || echo "FAIL $t: no such test" | tee -a "$log"
	done
else
	units=0
	for t in build/tests/test_*; do
		[ -x "$t" ] || continue
		units=$((units + 1))
		run "$(basename "$t")" "$t" "$top/tests/fixtures"
	done
	if [ "$units" = 0 ]; then
		echo "FAIL unit tests: none in build/tests (make unit-tests)" | tee -a "$log"
	fi
	for t in tests/cli/test_*.sh tests/vm/test_*.sh; do
		[ -f "$t" ] && run "$t" bash "$t"
	done
fi

p=$(grep -c '^PASS ' "$log")
f=$(grep -c '^FAIL ' "$log")
s=$(grep -c '^SKIP ' "$log")
echo
grep -E '^(FAIL|SKIP) ' "$log" || true
echo "total time $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
