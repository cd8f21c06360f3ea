#!/bin/bash
# Run every test meminit has and end with one line: N passed, N failed, N skipped.
# Unit tests are C programs in build/tests/; VM and CLI tests are
# tests/*/test_*.sh. Each prints PASS/FAIL/SKIP lines (tests/lib.sh).
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=build/test-out/results.txt
mkdir -p build/test-out
: > "$log"
start=$(date +%s)

run() {
	local label=$1
	shift
	local t0=$(date +%s) rc
	echo "--- $label"
	"$@" 2>&1 | tee -a "$log" | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	if [ "$rc" -ne 0 ]; then
		echo "FAIL $label: exited with $rc" | tee -a "$log" | sed 's/^/    /'
	fi
	echo "    ($(( $(date +%s) - t0 )) s)"
}

for t in build/tests/test_*; do
	[ -x "$t" ] && run "$(basename "$t")" "$t" "$top/tests/fixtures"
done
for t in tests/cli/test_*.sh tests/vm/test_*.sh; do
	[ -f "$t" ] && run "$t" bash "$t"
done

p=$(grep -c '^PASS ' "$log")
f=$(grep -c '^FAIL ' "$log")
s=$(grep -c '^SKIP ' "$log")
echo
grep -E '^(FAIL|SKIP) ' "$log" || true
echo "total time $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
