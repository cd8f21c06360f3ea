#!/bin/bash
# The VM checks can fail: test_report.sh's ground-truth checks run again on
# wrong copies of the outputs its guests just wrote (this script runs after
# it), and each wrong input must be caught by the check that guards it:
#   zoneinfo with one present page fewer   -> pages per node = zoneinfo
#   the kernel's deferred line 1 ms off    -> deferred ms = kernel lines
#   an armed boot's deferred line moved one jiffy beyond the 2-jiffy bound,
#   re-reported on the host from its log and its boot trace
#                                          -> traced within 2 jiffies
#   node 0's traced time planted 10 jiffies above, then 10 below, what
#   the boot trace gave                    -> traced within 2 jiffies, or
#                                             within the console's span
# tests/cli/test_can_fail.sh does the same for the unit checks, and
# tests/cli/test_guest_console.sh for the guests: a planted crash of the
# series and a planted WARNING turn tests/run-all.sh red.
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/vm/report-checks.sh"
T="VM checks can fail"
o=$OUTROOT/vm-can-fail
rm -rf "$o"
mkdir -p "$o"

plain=$OUTROOT/report-6.12-memoryless
armed=$OUTROOT/report-6.12-armed
for d in "$plain" "$armed"; do
	[ -f "$d/report.json" ] || { skip_missing vm "$T" "no outputs of test_report.sh's guest in $d (it did not run here)"; exit 0; }
done

# caught NAME PATTERN CHECK DIR: CHECK on DIR prints a FAIL matching PATTERN.
caught() {
	local name=$1 pat=$2 fn=$3 dir=$4
	"$fn" mutated "$dir" > "$o/${name// /_}.out" 2>&1
	if grep -Eq "^FAIL mutated: $pat" "$o/${name// /_}.out"; then
		pass "$T: $name: caught by '$(grep -Em1 "^FAIL mutated: $pat" "$o/${name// /_}.out" | cut -c6-100)'"
	else
		fail "$T: $name" "no FAIL matching '$pat' (see $o/${name// /_}.out)"
	fi
}
copy() { rm -rf "$o/$2" && cp -a "$1" "$o/$2" && echo "$o/$2"; }

# The real outputs pass (test_report.sh said so); else the rest proves nothing.
check_boot real "$plain" > "$o/real.out" 2>&1
grep -q '^FAIL ' "$o/real.out" && { fail "$T" "the real outputs fail already (see $o/real.out)"; exit 0; }

d=$(copy "$plain" zoneinfo)
zoneinfo_one_page_fewer "$plain/zoneinfo" "$d/zoneinfo"
caught "zoneinfo with one page fewer on node 0" "pages per node = zoneinfo" check_boot "$d"

d=$(copy "$plain" dmesg)
deferred_line_moved "$plain/dmesg.txt" "$d/dmesg.txt" 1
caught "the deferred line 1 ms off" "deferred ms = kernel lines" check_boot "$d"

# The armed boot, re-reported on the host from its own log and boot trace:
# first as it is (must pass), then with node 0's line moved beyond the bound.
[ -s "$armed/trace.txt" ] || { fail "$T: armed boot" "no trace.txt in $armed"; exit 0; }
d=$(copy "$armed" armed-real)
"$MEMINIT" report --dmesg "$armed/dmesg.txt" --ftrace "$armed/trace.txt" --hz 250 --format json \
	> "$d/report.json" 2> "$o/armed-real.err" || { fail "$T: armed re-report" "$(head -n1 "$o/armed-real.err")"; exit 0; }
check_armed real "$d" > "$o/armed-real.out" 2>&1
grep -q '^FAIL real: traced deferred' "$o/armed-real.out" &&
	{ fail "$T: armed re-report" "fails as it is (see $o/armed-real.out)"; exit 0; }
# Bound: 2 jiffies of the kernel's resolution. Put the line 3 jiffies past
# the traced time, whichever side of it the line was.
traced=$(jq '.nodes[] | select(.id == 0) | .deferred_traced_ms' "$d/report.json")
res=$(jq '.nodes[] | select(.id == 0) | .deferred_init_resolution_ms' "$d/report.json")
want=$(awk -v t="$traced" -v r="$res" 'BEGIN { printf "%d", t + 3 * r + 1 }')
d=$(copy "$armed" armed-off)
sed -E "s/(node 0 deferred pages initialised in )[0-9]+ms/\\1${want}ms/" "$armed/dmesg.txt" > "$d/dmesg.txt"
"$MEMINIT" report --dmesg "$d/dmesg.txt" --ftrace "$armed/trace.txt" --hz 250 --format json \
	> "$d/report.json" 2> "$o/armed-off.err" || { fail "$T: armed re-report" "$(head -n1 "$o/armed-off.err")"; exit 0; }
caught "node 0's line ${want} ms against ${traced} ms traced" "traced deferred vs kernel" check_armed "$d"
# A traced time 10 jiffies off, either way: below, the line would be longer
# than the clock by more than 2 jiffies, which a late tick cannot do; above,
# beyond 2 jiffies it passes only within the span the console's own stamps
# give node 0's work (tests/lib.sh), which meminit did not write.
span=$(deferred_span_ms "$armed/dmesg.txt" 0)
line=$(jq '.nodes[] | select(.id == 0) | .deferred_init_ms' "$armed/report.json")
for dir in above below; do
	off=$(awk -v r="$res" -v s="$dir" 'BEGIN { printf "%.3f", (s == "above" ? 10 : -10) * r }')
	d=$(copy "$armed" "armed-traced-$dir")
	"$MEMINIT" report --dmesg "$armed/dmesg.txt" --ftrace "$armed/trace.txt" --hz 250 --format json \
		> "$d/full.json" 2> "$o/armed-$dir.err" || { fail "$T: armed re-report" "$(head -n1 "$o/armed-$dir.err")"; exit 0; }
	jq --argjson off "$off" '(.nodes[] | select(.id == 0) | .deferred_traced_ms) |= . + $off' \
		"$d/full.json" > "$d/report.json"
	caught "node 0's traced ${traced} ms planted $off ms off (line $line ms, console span ${span:-none} ms)" \
		"traced deferred vs kernel" check_armed "$d"
done
exit 0
