#!/bin/bash
# meminit report --records / import-perf on files of the patched guest
# (tests/fixtures/6.12-patched-3node) and on bad copies of them: a clear
# error (exit 1, one line) or, for an overflowed buffer, a clear warning and
# a report marked INCOMPLETE; never a number printed as if it were right.
source "$(dirname "$0")/../lib.sh"

T=records-input
fx=$TOP/tests/fixtures/6.12-patched-3node
d=$OUTROOT/records-input
rm -rf "$d"
mkdir -p "$d"
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built"; exit 0; }
command -v jq > /dev/null || { skip_missing deps "$T" "jq not installed (make deps)"; exit 0; }

# Good input: the three forms give one report.
for f in records.txt records.bin replay-trace.txt; do
	"$MEMINIT" report --records "$fx/$f" --format json > "$d/$f.json" 2> "$d/$f.err" ||
		fail "$T: report --records $f" "$(cat "$d/$f.err")"
done
strip='del(.records, .meminit_version, .notes, .source, .sources) | del(.events[].live)'
diff <(jq -S "$strip" "$d/records.txt.json") <(jq -S "$strip" "$d/records.bin.json") > /dev/null &&
	pass "$T: records text and records.bin give the same report" || fail "$T: text vs bin" "differ"
diff <(jq -S "$strip" "$d/replay-trace.txt.json") <(jq -S "$strip" "$d/records.bin.json") > /dev/null &&
	pass "$T: replayed events give the same report" || fail "$T: events vs bin" "differ"
jq -e '.records.overflow == null and .records.complete == false' "$d/replay-trace.txt.json" > /dev/null &&
	pass "$T: events without a header: overflow unknown, not claimed complete" ||
	fail "$T: events header" "$(jq -c .records "$d/replay-trace.txt.json")"

# Two records whose clock held still: the fixture's Mount-cache and
# Mountpoint-cache (same size) given the same times, as a CI boot under TCG
# recorded them. Both stay; only an event seen twice is counted once.
mc=$(grep 'name=Mount-cache$' "$fx/replay-trace.txt")
times=$(grep -o 'start_ns=[0-9]* end_ns=[0-9]* split_ns=[0-9]*' <<< "$mc")
grep -v 'name=Mountpoint-cache$' "$fx/replay-trace.txt" > "$d/held.txt"
sed "s/start_ns=[0-9]* end_ns=[0-9]* split_ns=[0-9]*/$times/; s/name=Mount-cache$/name=Mountpoint-cache/" \
	<<< "$mc" >> "$d/held.txt"
grep 'meminit_replay' "$d/held.txt" > "$d/held-again.txt"
cat "$d/held-again.txt" >> "$d/held.txt"
if "$MEMINIT" import-perf "$d/held.txt" --format json > "$d/held.json" 2> "$d/held.err"; then
	n_fx=$(jq '.events | length' "$d/replay-trace.txt.json")
	jq -e --argjson n "$n_fx" '(.events | length) == $n and
		([.events[] | select(.name == "Mount-cache" or .name == "Mountpoint-cache")] | length) == 2' \
		"$d/held.json" > /dev/null &&
		pass "$T: two tables with the same times both kept, repeated events once ($n_fx events)" ||
		fail "$T: held clock" "$(jq -c '[.events[] | .name] ' "$d/held.json")"
else
	fail "$T: held clock" "$(cat "$d/held.err")"
fi

# bad NAME WANT-IN-STDERR FILE [CMD]: exit 1 and one line naming the fault.
bad() {
	local name=$1 want=$2 file=$3 verb=${4:-report --records} out rc
	out=$("$MEMINIT" $verb "$file" 2>&1 > /dev/null)
	rc=$?
	if [ $rc = 1 ] && [ "$(printf '%s\n' "$out" | wc -l)" = 1 ] && grep -q "$want" <<< "$out"; then
		pass "$T: $name: $out"
	else
		fail "$T: $name" "exit $rc: $out"
	fi
}
head -c 4000 "$fx/records.bin" > "$d/cut.bin"
bad "truncated records.bin" truncated "$d/cut.bin"
head -c 20 "$fx/records.bin" > "$d/cut-header.bin"
bad "records.bin cut in its header" truncated "$d/cut-header.bin"
{ printf 'XMEMINIT'; tail -c +9 "$fx/records.bin"; } > "$d/magic.bin"
bad "records.bin with a foreign magic" magic "$d/magic.bin"
{ head -c 8 "$fx/records.bin"; printf '\002'; tail -c +10 "$fx/records.bin"; } > "$d/v2.bin"
bad "records.bin of version 2" "version 2" "$d/v2.bin"
sed '1s/v1/v2/' "$fx/records.txt" > "$d/v2.txt"
bad "records text of version 2" "version 2" "$d/v2.txt"
head -n -1 "$fx/records.txt" > "$d/cut.txt"
bad "records text cut short" truncated "$d/cut.txt"
bad "perf script of other events" "no meminit" "$TOP/tests/fixtures/6.12-2node-ftrace/trace.txt" import-perf
# Overflow: nr_overflow (bytes 20..23) = 3 in a copy of the real file.
{ head -c 20 "$fx/records.bin"; printf '\003\000\000\000'; tail -c +25 "$fx/records.bin"; } > "$d/over.bin"
if "$MEMINIT" report --records "$d/over.bin" > "$d/over.out" 2> "$d/over.err"; then
	grep -q 'overflowed: 3 records lost' "$d/over.err" && grep -q 'INCOMPLETE' "$d/over.out" &&
		pass "$T: overflowed buffer: warning, report marked INCOMPLETE" ||
		fail "$T: overflow" "no warning: $(cat "$d/over.err")"
	"$MEMINIT" report --records "$d/over.bin" --format json 2> /dev/null |
		jq -e '.records.complete == false and .records.overflow == 3' > /dev/null &&
		pass "$T: overflowed buffer: JSON complete=false, overflow=3" || fail "$T: overflow JSON" "wrong"
else
	fail "$T: overflow" "exit $?: $(cat "$d/over.err")"
fi
