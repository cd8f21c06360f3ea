# Sourced by tests/vm/test_hotplug.sh (pc-dimm, x86) and tests/vm/test_arm64.sh
# (virtio-mem, arm64): the checks of one hotplug run of 1 GiB onto node 1,
# from "meminit hotplug --format json" and the guest's ground truth
# (tests/vm/guest-hotplug.sh). 1 GiB of 4 KiB pages in 8 blocks of 128 MiB.
DIMM_PAGES=262144
DIMM_BLOCKS=8
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
	# online_pages: exactly the DIMM, 8 calls, node 1 only, time measured.
	want_calls=$DIMM_BLOCKS
	phases "$d/$j" "$step" > "$d/$t.phases"
	awk -v c=$want_calls -v p=$DIMM_PAGES '$1=="online_pages" && $2==1 && $3==c && $4==p && $5>0 {ok=1} END {exit !ok}' \
		"$d/$t.phases" &&
		pass "$t: online_pages node 1 = $want_calls calls, $DIMM_PAGES pages" ||
		fail "$t: online_pages node 1" "$(grep online_pages "$d/$t.phases" | tr '\n' ';')"
	ok=$(awk '$2!=1' "$d/$t.phases" | wc -l)
	[ "$ok" = 0 ] && pass "$t: no pages on other nodes" ||
		fail "$t: no pages on other nodes" "$(awk '$2!=1' "$d/$t.phases" | tr '\n' ';')"
	awk -v p=$DIMM_PAGES '$1=="move_pfn_range_to_zone" && $2==1 && $4==p && $5>0 {ok=1} END {exit !ok}' "$d/$t.phases" &&
		pass "$t: move_pfn_range_to_zone node 1 = $DIMM_PAGES pages, ns/page $(jq -r ".steps[$step].phases[] | select(.phase == \"move_pfn_range_to_zone\") | .ns_per_page | floor" "$d/$j")" ||
		fail "$t: move_pfn_range_to_zone node 1" "$(grep move_pfn "$d/$t.phases" | tr '\n' ';')"
	# Nested levels: the inner phase's time fits inside the outer one.
	awk '{ns[$1]=$5} END {exit !(ns["move_pfn_range_to_zone"] <= ns["online_pages"] &&
		(!("memmap_init_range" in ns) || ns["memmap_init_range"] <= ns["move_pfn_range_to_zone"]))}' "$d/$t.phases" &&
		pass "$t: nested phases: inner ns <= outer ns" || fail "$t: nested phases" "inner time exceeds outer"
}

# check_kernel_counts LABEL DIR JSON: the kernel's own counters before and
# after step 0 (zoneinfo present, node meminfo MemTotal) grew by exactly the
# hotplugged GiB on node 1 and not at all on node 0, as meminit counted, and
# node 1's offline blocks in sysfs are all online.
check_kernel_counts() {
	local t=$1 d=$2 j=$3 zb1 za1 zb0 za0 mb1 ma1
	zb1=$(present "$d/zoneinfo.before" 1) za1=$(present "$d/zoneinfo.after" 1)
	zb0=$(present "$d/zoneinfo.before" 0) za0=$(present "$d/zoneinfo.after" 0)
	[ $((za1 - zb1)) = $DIMM_PAGES ] && [ $((za0 - zb0)) = 0 ] &&
		pass "$t: zoneinfo present: node 1 +$((za1 - zb1)), node 0 +0" ||
		fail "$t: zoneinfo present" "node 1 +$((za1 - zb1)), node 0 +$((za0 - zb0))"
	mb1=$(memtotal "$d/memtotal.before" 1) ma1=$(memtotal "$d/memtotal.after" 1)
	[ $((ma1 - mb1)) = $((DIMM_PAGES * 4)) ] &&
		[ "$(jq '.steps[0].nodes[] | select(.id == 1) | .delta_pages' "$j")" = $DIMM_PAGES ] &&
		[ "$(jq '.steps[0].nodes[] | select(.id == 0) | .delta_pages' "$j")" = 0 ] &&
		pass "$t: node meminfo MemTotal: node 1 +$((ma1 - mb1)) kB, as meminit saw" ||
		fail "$t: node meminfo MemTotal" "node 1 +$((ma1 - mb1)) kB; meminit $(jq -c '.steps[0].nodes' "$j")"
	[ "$(awk '$2=="offline"' "$d/blocks1.before" | wc -l)" = $DIMM_BLOCKS ] &&
		[ "$(awk '$2=="offline"' "$d/blocks1.after" | wc -l)" = 0 ] &&
		pass "$t: sysfs: node 1's $DIMM_BLOCKS offline blocks now online" ||
		fail "$t: sysfs block states" "before $(tr '\n' ' ' < "$d/blocks1.before"); after $(tr '\n' ' ' < "$d/blocks1.after")"
}
