#!/bin/bash
# The page size of the kernel that produced the data (issue 26, item 1), on
# the real capture of Debian's stock arm64-16k 6.12.118 with 4 nodes (1G,
# memoryless, 1536M, 512M): its log states 16 KiB pages ("hash table
# entries" lines: a table's bytes are PAGE_SIZE << order), so pages per node
# from the log = the same boot's zoneinfo, and s/TiB is each node's own
# "deferred pages initialised" line over its pages x 16384 bytes. Every
# output says so: JSON, table, Prometheus, HTML, the fleet's shape.
# --page-size overrides and is reported as such; a log that states no page
# size gets 4 KiB "assumed", and a note; a saved version 1 report reads as
# 4 KiB pages, and says so.
source "$(dirname "$0")/../lib.sh"
T="page size"
o=$OUTROOT/page-size
fx=$TOP/tests/fixtures/6.12-arm64-16k-4node
rm -rf "$o" && mkdir -p "$o"
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
m=$MEMINIT

"$m" report --dmesg "$fx/dmesg.txt" --format json > "$o/r.json" 2> "$o/r.err" ||
	{ fail "$T: report" "$(cat "$o/r.err")"; exit 0; }
jq -e '.schema_version == 2 and .page_size == 16384 and .page_size_from == "kernel log"' \
	"$o/r.json" > /dev/null && pass "$T: the 16k log states 16384-byte pages (schema version 2)" ||
	fail "$T: stated" "$(jq -c '{schema_version, page_size, page_size_from}' "$o/r.json")"

# Pages per node from the log = the same boot's zoneinfo.
want=$(awk '/^Node/ { k = $2 + 0 } $1 == "present" { p[k] += $2 } END { for (k in p) if (p[k]) print k ":" p[k] }' \
	"$fx/zoneinfo" | sort -n | paste -sd' ')
got=$(jq -r '[.nodes[] | select(.present_pages != null) | "\(.id):\(.present_pages)"] | join(" ")' "$o/r.json")
[ "$got" = "$want" ] && pass "$T: present pages per node = zoneinfo ($got)" ||
	fail "$T: pages" "report '$got', zoneinfo '$want'"

# s/TiB: the kernel's own line over the node's pages x 16384 bytes, per node.
bad=$(jq --slurpfile z <(awk '/^Node/ { k = $2 + 0 } $1 == "present" { p[k] += $2 } END { for (k in p) print k, p[k] }' "$fx/zoneinfo" |
	jq -R -s 'split("\n") | map(select(length > 0) | split(" ") | {key: .[0], value: (.[1] | tonumber)}) | from_entries') \
	'[.nodes[] | select(.deferred_init_ms != null) |
	  (.deferred_init_ms / 1000 / ($z[0][.id | tostring] * 16384 / 1099511627776)) as $want |
	  select(((.deferred_s_per_tib - $want) | fabs) > 1e-9 * $want)] | length' "$o/r.json")
tib=$(jq -r '[.nodes[] | select(.deferred_s_per_tib != null) | "\(.id):\(.deferred_s_per_tib * 10 | round / 10)"] | join(" ")' "$o/r.json")
[ "$bad" = 0 ] && [ "$(wc -w <<< "$tib")" = 3 ] &&
	pass "$T: s/TiB per node = the kernel's line over pages x 16 KiB ($tib)" ||
	fail "$T: s/TiB" "$bad nodes off; $tib"

# The table says it, in its source lines and the nodes' header.
"$m" report --dmesg "$fx/dmesg.txt" > "$o/r.txt" 2>&1
grep -q '^page size: 16 KiB (kernel log)$' "$o/r.txt" && grep -q '^Nodes (pages of 16 KiB;' "$o/r.txt" &&
	pass "$T: the table states 16 KiB pages and their source" ||
	fail "$T: table" "$(grep -i 'page' "$o/r.txt" | head -n3 | tr '\n' '|')"

# Prometheus: the page size, and each node's bytes = its pages x 16384.
"$m" export --from "$o/r.json" --format prom -o "$o/r.prom" 2> "$o/prom.err" || fail "$T: prom" "$(cat "$o/prom.err")"
grep -q '^meminit_page_size_bytes{from="kernel log"} 16384$' "$o/r.prom" &&
	grep -q '^meminit_node_memory_bytes{node="0"} 1073741824$' "$o/r.prom" &&
	grep -q '^meminit_node_memory_bytes{node="2"} 1610612736$' "$o/r.prom" &&
	grep -q 'shape="1G+0G+1.5G+0.5G"' "$o/r.prom" &&
	pass "$T: prom: page size 16384, node memory = pages x 16 KiB, shape 1G+0G+1.5G+0.5G" ||
	fail "$T: prom" "$(grep -E 'page_size|node_memory|meminit_info' "$o/r.prom" | tr '\n' '|')"
"$m" export --from "$o/r.json" --format html -o "$o/r.html" 2> "$o/html.err" &&
	grep -q 'present pages x 16 KiB (the kernel.s page size, from kernel log)' "$o/r.html" &&
	pass "$T: html: memory is present pages x 16 KiB" || fail "$T: html" "$(cat "$o/html.err")"

# The fleet groups the host under its real shape.
mkdir -p "$o/fleet" && cp "$o/r.json" "$o/fleet/h1.json"
"$m" fleet --format json "$o/fleet" > "$o/fleet.json" 2> "$o/fleet.err" &&
	jq -e '[.. | objects | select(has("shape")) | .shape] | unique == ["1G+0G+1.5G+0.5G"]' "$o/fleet.json" > /dev/null &&
	pass "$T: fleet: the shape in GiB per node from 16 KiB pages" ||
	fail "$T: fleet" "$(cat "$o/fleet.err") $(jq -c '[.. | objects | select(has("shape")) | .shape] | unique' "$o/fleet.json" 2>&1)"

# --page-size overrides, and says so: the log's 16 KiB is noted.
"$m" report --dmesg "$fx/dmesg.txt" --page-size 4K --format json > "$o/p4.json" 2> "$o/p4.err"
jq -e '.page_size == 4096 and .page_size_from == "--page-size" and
	([.notes[] | select(test("kernel log says 16384 bytes where --page-size says 4096"))] | length) == 1' \
	"$o/p4.json" > /dev/null && pass "$T: --page-size 4K wins, and the log's 16 KiB is a note" ||
	fail "$T: --page-size" "$(jq -c '{page_size, page_size_from}' "$o/p4.json" 2>&1) $(cat "$o/p4.err")"
ok=1
for bad in 12K 3000 -4096 16M x; do
	"$m" report --dmesg "$fx/dmesg.txt" --page-size "$bad" > /dev/null 2> "$o/bad.err"
	rc=$?
	[ $rc = 2 ] && [ "$(wc -l < "$o/bad.err")" = 1 ] && grep -q -- "--page-size: '$bad' is not" "$o/bad.err" ||
		{ ok=0; echo "    --page-size $bad: rc $rc: $(cat "$o/bad.err")"; }
done
[ $ok = 1 ] && pass "$T: --page-size refuses 12K, 3000, -4096, 16M, x (usage error, one line)" ||
	fail "$T: --page-size refusals" "see above"

# A log that states nothing: 4 KiB assumed, said in a note, and --page-size mends it.
grep -v 'hash table entries' "$fx/dmesg.txt" > "$o/nohash.txt"
"$m" report --dmesg "$o/nohash.txt" --format json > "$o/nh.json" 2> "$o/nh.err"
jq -e '.page_size == 4096 and .page_size_from == "assumed" and
	([.notes[] | select(test("page size: no source states"))] | length) == 1' "$o/nh.json" > /dev/null &&
	pass "$T: a log without hash table lines: 4 KiB assumed, and a note says so" ||
	fail "$T: assumed" "$(jq -c '{page_size, page_size_from}' "$o/nh.json" 2>&1)"
"$m" report --dmesg "$o/nohash.txt" --page-size 16384 --format json > "$o/nh16.json" 2>> "$o/nh.err"
[ "$(jq -c '[.nodes[] | .deferred_s_per_tib]' "$o/nh16.json")" = "$(jq -c '[.nodes[] | .deferred_s_per_tib]' "$o/r.json")" ] &&
	pass "$T: ... and with --page-size 16384 its s/TiB = the stated log's" ||
	fail "$T: --page-size mends" "$(jq -c '[.nodes[] | .deferred_s_per_tib]' "$o/nh16.json")"

# A saved report of schema version 1 (no page_size): 4 KiB pages, and said.
jq '.schema_version = 1 | del(.page_size, .page_size_from)' "$o/r.json" > "$o/v1.json"
"$m" export --from "$o/v1.json" --format prom -o "$o/v1.prom" 2> "$o/v1.err" &&
	grep -q '^meminit_page_size_bytes{from="schema v1"} 4096$' "$o/v1.prom" &&
	pass "$T: a version 1 report reads as 4 KiB pages, labelled schema v1" ||
	fail "$T: v1" "$(cat "$o/v1.err") $(grep page_size "$o/v1.prom")"
