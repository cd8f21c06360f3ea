#!/bin/bash
# meminit collect (the boot service's verb) and meminit fleet, on reports of
# real captures: the archive keeps exactly the last K boots, the .prom file
# passes promtool, and fleet singles out exactly the hosts planted slow.
. "$(dirname "$0")/../lib.sh"
out=$OUTROOT/collect
rm -rf "$out"
mkdir -p "$out/tf"
fx=$TOP/tests/fixtures/6.12-2node-ftrace
m=$MEMINIT
cat > "$out/meminit.conf" <<CONF
# test config
archive_dir = $out/archive
keep = 3
textfile_dir = $out/tf
CONF
ok=1
for i in 1 2 3 4 5; do
	$m collect --config "$out/meminit.conf" --boot-id "0000000$i" --host t1 \
		--dmesg $fx/dmesg.txt --ftrace $fx/trace.txt --hz 250 > "$out/c$i.log" 2>&1 || ok=0
done
left=$(ls "$out/archive" | tr '\n' ' ')
if [ $ok = 1 ] && [ "$left" = "00000003.json 00000004.json 00000005.json " ]; then
	pass "collect: 5 boots, keep = 3 leaves the last 3 ($left)"
else
	fail "collect: keep last K" "ok=$ok left='$left' $(cat "$out/c5.log")"
fi
[ "$(stat -c %a "$out/archive")" = 700 ] && [ "$(stat -c %a "$out/archive/00000005.json")" = 600 ] &&
	pass "collect: archive 0700, reports 0600" || fail "collect: modes" "$(ls -la "$out/archive")"
if [ "$(jq -r '.host + " " + .boot_id + " " + .schema' "$out/archive/00000005.json")" = \
     "t1 00000005 meminit-report" ]; then
	pass "collect: the archived report carries host and boot_id"
else
	fail "collect: host and boot_id" "missing"
fi
if command -v promtool >/dev/null && promtool check metrics < "$out/tf/meminit.prom" >/dev/null 2>&1 &&
   [ "$(ls -A "$out/tf")" = meminit.prom ]; then
	pass "collect: textfile meminit.prom passes promtool, no temporary left"
else
	fail "collect: textfile" "$(ls -A "$out/tf")"
fi
printf 'keep = 0\n' > "$out/bad.conf"
$m collect --config "$out/bad.conf" --boot-id 1 --dmesg $fx/dmesg.txt 2> "$out/bad.err"
[ $? = 1 ] && grep -q "bad.conf:1: keep must be" "$out/bad.err" &&
	pass "collect: a bad config value names file and line" || fail "collect: bad config" "$(cat "$out/bad.err")"
printf 'archive_dir = /x\nbogus = 1\n' > "$out/bad.conf"
$m collect --config "$out/bad.conf" --boot-id 1 --dmesg $fx/dmesg.txt 2> "$out/bad.err"
[ $? = 1 ] && grep -q "bad.conf:2: unknown key 'bogus'" "$out/bad.err" &&
	pass "collect: an unknown config key is refused" || fail "collect: unknown key" "$(cat "$out/bad.err")"

# fleet: 2000 hosts from three real reports, every 97th made twice as slow.
$m report --dmesg $fx/dmesg.txt --ftrace $fx/trace.txt --hz 250 --format json > "$out/a.json"
f61=$TOP/tests/fixtures/6.1-2node-ftrace
$m report --dmesg $f61/dmesg.txt --ftrace $f61/trace.txt --hz 250 --format json > "$out/b.json"
fp=$TOP/tests/fixtures/6.12-patched-3node
$m report --dmesg $fp/dmesg.txt --records $fp/records.bin --format json > "$out/c.json"
python3 "$TOP/tests/gen-fleet.py" "$out/fleet" 2000 97 "$out/a.json" "$out/b.json" "$out/c.json" \
	| sort > "$out/planted"
if $m fleet --format json "$out/fleet" > "$out/fleet.json" 2> "$out/fleet.err"; then
	jq -r '.groups[] | select(.phase == "deferred") | .outliers[].host' "$out/fleet.json" |
		sort -u > "$out/found"
	reports=$(jq .reports "$out/fleet.json")
	groups=$(jq '.groups | length' "$out/fleet.json")
	missed=$(comm -23 "$out/planted" "$out/found" | wc -l)
	extra=$(comm -13 "$out/planted" "$out/found" | wc -l)
	# Extra: hosts whose 3 % jitter alone passes the 3-MAD rule (~0.3 % of a normal sample).
	if [ "$reports" = 2000 ] && [ "$missed" = 0 ] && [ "$extra" -le 20 ]; then
		pass "fleet: 2000 reports, $groups groups, all $(wc -l < "$out/planted") planted slow hosts stand out ($extra more from jitter beyond 3 MAD)"
	else
		fail "fleet: outliers" "reports=$reports planted=$(wc -l < "$out/planted") missed=$missed extra=$extra"
	fi
	med=$(jq -r --arg k "$(jq -r .kernel "$out/a.json")" '.groups[] | select(.kernel == $k and
		.phase == "deferred" and .node == 1) | .median' "$out/fleet.json")
	want=$(jq -r '.nodes[1].deferred_traced_ms / 1000 / (1073741824 / 1099511627776)' "$out/a.json")
	if awk -v a="$med" -v b="$want" 'BEGIN { exit !(a > b * 0.98 && a < b * 1.02) }'; then
		pass "fleet: median s/TiB of node 1 ($med) within 2 % of the real report's ($want)"
	else
		fail "fleet: median" "got $med want $want"
	fi
else
	fail "fleet" "$(cat "$out/fleet.err")"
fi
jq '.schema_version = 3' "$out/a.json" > "$out/fleet/zz-v3.json"
$m fleet "$out/fleet" > /dev/null 2> "$out/fleet.err"
[ $? = 1 ] && grep -q "zz-v3.json: meminit-report schema version 3" "$out/fleet.err" &&
	pass "fleet: a report of schema version 3 is an error naming the file" ||
	fail "fleet: version 3" "$(cat "$out/fleet.err")"
$m fleet --skip-bad "$out/fleet" > /dev/null 2> "$out/fleet.err"
[ $? = 0 ] && grep -q "skipping .*zz-v3.json" "$out/fleet.err" &&
	pass "fleet --skip-bad: warns and goes on" || fail "fleet --skip-bad" "$(cat "$out/fleet.err")"
