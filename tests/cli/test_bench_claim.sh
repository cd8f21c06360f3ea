#!/bin/bash
# The case study's claim outcome (bench/results.py claim_outcome and
# case_verdict) on synthetic compare rows: tests/cli/bench_claim_test.py, a
# Python unittest, one PASS or FAIL line per test case. A faster row of
# -0.30% against the claimed -5.17% must be "smaller than claimed", never
# "the claim holds". Host only.
source "$(dirname "$0")/../lib.sh"
T="bench claim"
o=$OUTROOT/bench-claim
rm -rf "$o" && mkdir -p "$o"
py=/usr/bin/python3
(cd "$TOP" && $py -m unittest -v tests/cli/bench_claim_test.py) > "$o/unittest.out" 2>&1
rc=$?
# unittest -v: "test_x (module.Class.test_x) ... ok" (or FAIL, ERROR),
# the docstring's first line after it where there is one.
n=0
while read -r name cls verdict; do
	n=$((n + 1))
	cls=${cls%."$name"}	# Python 3.11 names the method too
	case $verdict in
	ok) pass "$T: ${cls##*.} $name" ;;
	*) fail "$T: ${cls##*.} $name" "$verdict (see $o/unittest.out)" ;;
	esac
done < <(sed -n 's/^\(test_[A-Za-z0-9_]*\) (\([A-Za-z0-9_.]*\)) \.\.\. \(.*\)$/\1 \2 \3/p' "$o/unittest.out" |
	sed 's/[()]//g')
if [ $rc = 0 ] && [ $n -gt 0 ] && grep -q "^OK" "$o/unittest.out"; then
	pass "$T: $n unit tests, python3 -m unittest exit 0"
else
	fail "$T: python3 -m unittest" "exit $rc, $n tests read: $(grep -m1 -E '^(FAILED|Error|ImportError|AttributeError|.*Error:)' "$o/unittest.out")"
fi
