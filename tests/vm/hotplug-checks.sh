# Sourced by tests/vm/test_hotplug.sh (pc-dimm, x86) and tests/vm/test_arm64.sh
# (virtio-mem, arm64): the checks of one hotplug run of 1 GiB onto node
# DIMM_NODE (1 unless the caller says), from "meminit hotplug --format json"
# and the guest's ground truth (tests/vm/guest-hotplug.sh). 1 GiB, by
# default of 4 KiB pages in 8 blocks of 128 MiB; hotplug_geometry sets them
# from what a guest kernel says.
DIMM_NODE=1
DIMM_BYTES=$((1 << 30))
DIMM_PAGE_KB=4
DIMM_PAGES=262144
DIMM_BLOCKS=8
# hotplug_geometry DIR: the GiB in the pages and memory blocks of the guest's
# kernel, as it stated them (DIR/pagesize: smaps' KernelPageSize,
# DIR/block_size_bytes: sysfs, hex); fails where it stated neither.
hotplug_geometry() {
	local ps bs
	ps=$(cat "$1/pagesize" 2> /dev/null) bs=$(cat "$1/block_size_bytes" 2> /dev/null)
	[[ "$ps" =~ ^[1-9][0-9]*$ ]] && [[ "$bs" =~ ^[0-9a-f]+$ ]] && [ $((16#$bs)) -gt 0 ] || return 1
	DIMM_PAGE_KB=$((ps / 1024)) DIMM_PAGES=$((DIMM_BYTES / ps)) DIMM_BLOCKS=$((DIMM_BYTES / 16#$bs))
}
# The rows of one step's per-node phase sums: "phase node calls pages ns".
phases() { jq -r ".steps[$2].phases[] | \"\(.phase) \(.node) \(.calls) \(.pages) \(.ns)\"" "$1"; }
# present pages of NODE in a zoneinfo file
present() { awk -v want="$2" '/^Node/ {n=$2+0} $1=="present" && n==want {s+=$2} END {print s+0}' "$1"; }
memtotal() { awk -v want="$2" '$1==want {print $2}' "$1"; }

# The checks both kernels share, on hotplug.out step 0 (or the step given).
check_dimm() {
	local t=$1 d=$2 j=$3 step=$4 want_calls ok
	if [ "$(cat "$d/${j%.out}.rc")" != 0 ]; then
		fail "$t: ran" "exit $(cat "$d/${j%.out}.rc"): $(head -c 300 "$d/${j%.out}.err")"
		return 1
	fi
	jq -e . "$d/$j" > /dev/null || { fail "$t: JSON" "not valid JSON"; return 1; }
	jq -e ".steps[$step] | .blocks_done == $DIMM_BLOCKS and .blocks_failed == 0 and .pages == $DIMM_PAGES" \
		"$d/$j" > /dev/null &&
		pass "$t: $DIMM_BLOCKS blocks, $DIMM_PAGES pages per sysfs" ||
		fail "$t: blocks per sysfs" "$(jq -c ".steps[$step] | [.blocks_done, .blocks_failed, .pages]" "$d/$j")"
	# online_pages: exactly the DIMM, one call a block, its node only, time measured.
	want_calls=$DIMM_BLOCKS
	phases "$d/$j" "$step" > "$d/$t.phases"
	awk -v c=$want_calls -v p=$DIMM_PAGES -v n=$DIMM_NODE '$1=="online_pages" && $2==n && $3==c && $4==p && $5>0 {ok=1} END {exit !ok}' \
		"$d/$t.phases" &&
		pass "$t: online_pages node $DIMM_NODE = $want_calls calls, $DIMM_PAGES pages" ||
		fail "$t: online_pages node $DIMM_NODE" "$(grep online_pages "$d/$t.phases" | tr '\n' ';')"
	ok=$(awk -v n=$DIMM_NODE '$2!=n' "$d/$t.phases" | wc -l)
	[ "$ok" = 0 ] && pass "$t: no pages on other nodes" ||
		fail "$t: no pages on other nodes" "$(awk -v n=$DIMM_NODE '$2!=n' "$d/$t.phases" | tr '\n' ';')"
	awk -v p=$DIMM_PAGES -v n=$DIMM_NODE '$1=="move_pfn_range_to_zone" && $2==n && $4==p && $5>0 {ok=1} END {exit !ok}' "$d/$t.phases" &&
		pass "$t: move_pfn_range_to_zone node $DIMM_NODE = $DIMM_PAGES pages, ns/page $(jq -r ".steps[$step].phases[] | select(.phase == \"move_pfn_range_to_zone\") | .ns_per_page | floor" "$d/$j")" ||
		fail "$t: move_pfn_range_to_zone node $DIMM_NODE" "$(grep move_pfn "$d/$t.phases" | tr '\n' ';')"
	# Nested levels: the inner phase's time fits inside the outer one.
	awk '{ns[$1]=$5} END {exit !(ns["move_pfn_range_to_zone"] <= ns["online_pages"] &&
		(!("memmap_init_range" in ns) || ns["memmap_init_range"] <= ns["move_pfn_range_to_zone"]))}' "$d/$t.phases" &&
		pass "$t: nested phases: inner ns <= outer ns" || fail "$t: nested phases" "inner time exceeds outer"
}

# check_kernel_counts LABEL DIR JSON: the kernel's own counters before and
# after step 0 (zoneinfo present, node meminfo MemTotal) grew by exactly the
# hotplugged GiB on node DIMM_NODE and not at all on the other nodes, as
# meminit counted, and that node's offline blocks in sysfs are all online.
check_kernel_counts() {
	local t=$1 d=$2 j=$3 n=$DIMM_NODE zb za mb ma others
	zb=$(present "$d/zoneinfo.before" $n) za=$(present "$d/zoneinfo.after" $n)
	# "node +pages" of every other node whose present pages changed
	others=$(awk -v n=$n '/^Node/ {k = $2 + 0} $1 == "present" && k != n {s[FILENAME, k] += $2; ks[k]}
		END {for (k in ks) if (s[ARGV[1], k] != s[ARGV[2], k]) printf " node %d %+d", k, s[ARGV[2], k] - s[ARGV[1], k]}' \
		"$d/zoneinfo.before" "$d/zoneinfo.after")
	[ $((za - zb)) = $DIMM_PAGES ] && [ -z "$others" ] &&
		pass "$t: zoneinfo present: node $n +$((za - zb)), the other nodes +0" ||
		fail "$t: zoneinfo present" "node $n +$((za - zb));${others:- the others +0}"
	mb=$(memtotal "$d/memtotal.before" $n) ma=$(memtotal "$d/memtotal.after" $n)
	[ $((ma - mb)) = $((DIMM_PAGES * DIMM_PAGE_KB)) ] &&
		[ "$(jq ".steps[0].nodes[] | select(.id == $n) | .delta_pages" "$j")" = $DIMM_PAGES ] &&
		[ "$(jq "[.steps[0].nodes[] | select(.id != $n) | .delta_pages | select(. != 0)] | length" "$j")" = 0 ] &&
		pass "$t: node meminfo MemTotal: node $n +$((ma - mb)) kB, as meminit saw" ||
		fail "$t: node meminfo MemTotal" "node $n +$((ma - mb)) kB; meminit $(jq -c '.steps[0].nodes' "$j")"
	[ "$(awk '$2=="offline"' "$d/blocks.before" | wc -l)" = $DIMM_BLOCKS ] &&
		[ "$(awk '$2=="offline"' "$d/blocks.after" | wc -l)" = 0 ] &&
		pass "$t: sysfs: node $n's $DIMM_BLOCKS offline blocks now online" ||
		fail "$t: sysfs block states" "before $(tr '\n' ' ' < "$d/blocks.before"); after $(tr '\n' ' ' < "$d/blocks.after")"
}
