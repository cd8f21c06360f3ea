#!/bin/bash
# Every output is valid UTF-8 whatever the input (issue 12). Inputs: the real
# fixtures (tests/fixtures, QEMU guests of stock Debian 6.1 and 6.12 and the
# patched 6.12), with bytes that are not UTF-8 put in:
#   1. a hash table's name starting with 0xa5, as a serial console printed
#      "\xa5CP bind": the report must keep the table, name it with U+FFFD,
#      and say the input had invalid bytes;
#   2. 24 random bytes of each dmesg (and of a boot trace) set to random
#      values 0x80..0xff (fixed seed): whatever meminit makes of it (a report,
#      or one error line), JSON, CSV, Prometheus, HTML and the terminal table
#      must decode as strict UTF-8 and the JSON must parse.
# A saved JSON report with such bytes is refused (json-c's UTF-8 check).
source "$(dirname "$0")/../lib.sh"
T="utf-8"
py=/usr/bin/python3
o=$OUTROOT/utf8
rm -rf "$o" && mkdir -p "$o"
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }

# strict FILE [json]: FILE decodes as UTF-8 (and parses as JSON).
strict() {
	$py - "$@" <<'PY'
import json, sys
b = open(sys.argv[1], "rb").read()
try:
    s = b.decode("utf-8", errors="strict")
except UnicodeDecodeError as e:
    sys.exit(f"byte {e.start}: {b[max(0, e.start - 20):e.start + 4]!r}")
if len(sys.argv) > 2:
    json.loads(s)
PY
}

# outputs NAME ARGS...: every format of the report collected with ARGS.
outputs() {
	local name=$1 f bad="" rc
	shift
	"$MEMINIT" report "$@" --format json > "$o/$name.json" 2> "$o/$name.err"
	rc=$?
	if [ $rc != 0 ]; then
		if [ "$(wc -l < "$o/$name.err")" = 1 ] && strict "$o/$name.err" 2> "$o/$name.why"; then
			pass "$T: $name: refused in one UTF-8 line: $(cut -c1-90 "$o/$name.err")"
		else
			fail "$T: $name" "exit $rc, $(wc -l < "$o/$name.err") lines, $(cat "$o/$name.why" 2>/dev/null)"
		fi
		return 1
	fi
	"$MEMINIT" report "$@" > "$o/$name.txt" 2>&1 || bad="$bad table"
	for f in csv prom html; do
		"$MEMINIT" export "$@" --format $f --output "$o/$name.$f" 2>> "$o/$name.err" || bad="$bad $f"
	done
	[ -z "$bad" ] || { fail "$T: $name" "report ok but failed:$bad ($(tail -n1 "$o/$name.err"))"; return 1; }
	for f in json txt csv prom html; do
		strict "$o/$name.$f" $([ $f = json ] && echo json) 2> "$o/$name.why" ||
			bad="$bad $f ($(cat "$o/$name.why"))"
	done
	if [ -z "$bad" ]; then
		pass "$T: $name: JSON, table, CSV, Prometheus and HTML are valid UTF-8"
	else
		fail "$T: $name" "not valid UTF-8:$bad"
	fi
}

# 1. A name with line noise.
fx=$TOP/tests/fixtures/6.12-2node-ftrace
sed 's/\] TCP bind hash table entries/] \xa5CP bind hash table entries/' "$fx/dmesg.txt" > "$o/noise.log"
grep -qa $'\xa5CP bind' "$o/noise.log" || { fail "$T" "could not put the noise in"; exit 0; }
if outputs noise --dmesg "$o/noise.log"; then
	names=$(jq -r '.hash_tables[].name' "$o/noise.json" | grep -c 'CP bind')
	rep=$(jq -r '.hash_tables[].name | select(endswith("CP bind"))' "$o/noise.json")
	note=$(jq -r '.notes[] | select(contains("not valid UTF-8"))' "$o/noise.json")
	if [ "$names" = 1 ] && [ "$rep" = $'\xef\xbf\xbdCP bind' ] && [ -n "$note" ]; then
		pass "$T: the table is kept as '$rep', and the report says: $note"
	else
		fail "$T: line noise in a name" "tables '$rep' ($names), note '$note'"
	fi
fi

# 2. Random bytes in each fixture's dmesg, and in a boot trace.
for d in "$TOP"/tests/fixtures/*/; do
	[ -f "$d/dmesg.txt" ] || continue
	n=$(basename "$d")
	$py - "$d/dmesg.txt" "$o/$n.dmesg" "$n" <<'PY'
import random, sys
b = bytearray(open(sys.argv[1], "rb").read())
rnd = random.Random(sys.argv[3])
for _ in range(24):
    b[rnd.randrange(len(b))] = rnd.randrange(0x80, 0x100)
open(sys.argv[2], "wb").write(b)
PY
	outputs "$n" --dmesg "$o/$n.dmesg"
done
$py - "$fx/trace.txt" "$o/trace.txt" <<'PY'
import random, sys
b = bytearray(open(sys.argv[1], "rb").read())
rnd = random.Random(7)
for _ in range(24):
    b[rnd.randrange(len(b))] = rnd.randrange(0x80, 0x100)
open(sys.argv[2], "wb").write(b)
PY
outputs boot-trace --dmesg "$fx/dmesg.txt" --ftrace "$o/trace.txt"

# A saved report with a byte that is not UTF-8 is refused, one line.
"$MEMINIT" report --dmesg "$fx/dmesg.txt" --format json > "$o/good.json" &&
	sed 's/"TCP bind"/"\xa5CP bind"/' "$o/good.json" > "$o/bad.json"
"$MEMINIT" export --from "$o/bad.json" --format csv > "$o/bad.csv" 2> "$o/bad.err"
rc=$?
if [ $rc = 1 ] && [ "$(wc -l < "$o/bad.err")" = 1 ] && grep -q "UTF-8\|utf-8\|invalid" "$o/bad.err"; then
	pass "$T: a saved report with invalid UTF-8 is refused: $(cat "$o/bad.err")"
else
	fail "$T: saved report with invalid UTF-8" "exit $rc: $(head -n2 "$o/bad.err" | paste -sd' ')"
fi
