#!/bin/bash
# meminit hotplug / trace inside real Debian kernels under QEMU.
#
# Guest shape: 2 NUMA nodes (2 GiB on node 0, 1 GiB on node 1, one vCPU
# each; on 6.1 a third, memoryless node with a vCPU), plus a coldplugged
# 1 GiB pc-dimm on node 1 that the kernel leaves offline
# (memhp_default_state=offline).
#
# Ground truth, from the same boot: the DIMM is 1 GiB = 262144 pages of
# 4 KiB in 8 memory blocks of 128 MiB, so onlining it is 8 online_pages
# calls of 32768 pages, all on node 1. The kernel's own counts must agree:
# /proc/zoneinfo present pages of node 1 grow by 262144 and node 0's by 0,
# node meminfo MemTotal of node 1 grows by 1048576 kB, node 1's blocks go
# from offline to online in sysfs.
source "$(dirname "$0")/../lib.sh"

T=hotplug
source "$TOP/tests/vm/hotplug-checks.sh"

if ! have_root; then
	skip_missing root "$T" "needs root (QEMU, kernel cache)"
	exit 0
fi
need_vm "$T" || exit 0
[ -x "$TOP/build/meminit-static" ] || { fail "$T" "build/meminit-static not built (make)"; exit 0; }
command -v jq >/dev/null || { skip_missing deps "$T" "jq not installed (make deps)"; exit 0; }

# Two runs of this test (two make test at once) would share the output
# directories below: take turns.
exec 9> "$OUTROOT/test_hotplug.lock"
flock 9

# boot NAME KERNEL NODES CPUS MODE [APPEND]: one guest run, its /out in $OUTROOT/NAME.
boot() {
	local name=$1 kernel=$2 nodes=$3 cpus=$4 mode=$5 append=${6:-} d=$OUTROOT/$1 script
	rm -rf "$d"
	mkdir -p "$d"
	script=$d/guest-script.sh
	{ echo "MODE=$mode"; cat "$TOP/tests/vm/guest-hotplug.sh"; } > "$script"
	if ! "$TOP/tests/vm/guest.sh" --kernel "$kernel" --nodes "$nodes" --node-cpus "$cpus" \
		--maxmem 8G --append "memhp_default_state=offline $append" \
		--qemu "-object memory-backend-ram,id=dimm1,size=1G -device pc-dimm,id=d1,memdev=dimm1,node=1" \
		--timeout 600 --out "$d" "$script" > "$d/guest.log" 2>&1; then
		fail "$name: guest booted and ran" "$(tail -n1 "$d/guest.log")"
		return 1
	fi
	pass "$name: guest booted and ran ($(cat "$d/kernel.txt"), $(cat "$d/boot-seconds") s)"
}

# --- stock 6.12: fentry everywhere, memmap_init_range traceable --------------
if boot "$T 6.12" 6.12 2G,1G 1,1 612; then
	d=$OUTROOT/$T\ 6.12
	t="$T 6.12"
	check_dimm "$t hotplug" "$d" hotplug.out 0
	j=$d/hotplug.out
	jq -e '[.probes[] | select(.function == "online_pages" or .function == "move_pfn_range_to_zone" or .function == "memmap_init_range") | .attach] == ["fentry","fentry","fentry"]' "$j" > /dev/null &&
		pass "$t: online_pages, move_pfn_range_to_zone, memmap_init_range attach by fentry" ||
		fail "$t: fentry attach" "$(jq -c '[.probes[] | [.function, .attach, .reason]]' "$j")"
	awk -v p=$DIMM_PAGES '$1=="memmap_init_range" && $2==1 && $4==p && $5>0 {ok=1} END {exit !ok}' "$d/$t hotplug.phases" &&
		pass "$t: memmap_init_range node 1 = $DIMM_PAGES pages, ns/page $(jq -r '.steps[0].phases[] | select(.phase == "memmap_init_range") | .ns_per_page | floor' "$j")" ||
		fail "$t: memmap_init_range node 1" "$(grep memmap_init_range "$d/$t hotplug.phases" | tr '\n' ';')"
	[ "$(jq '[.steps[0].rows[] | select(.cpu != 1)] | length' "$j")" = 0 ] &&
		pass "$t: --cpu 1: every call ran on CPU 1" ||
		fail "$t: --cpu 1" "$(jq -c '[.steps[0].rows[] | [.phase, .cpu]]' "$j")"
	check_kernel_counts "$t" "$d" "$j"
	za1=$(present "$d/zoneinfo.after" 1)
	# The trace that ran beside it saw the same calls.
	if [ "$(cat "$d/trace.rc")" = 0 ] &&
		jq -e ".totals[] | select(.phase == \"online_pages\" and .node == 1 and .calls == $DIMM_BLOCKS and .pages == $DIMM_PAGES)" \
			"$d/trace.out" > /dev/null &&
		[ "$(jq '[.totals[] | select(.node != 1 and (.phase == "online_pages" or .phase == "memmap_init_range"))] | length' "$d/trace.out")" = 0 ]; then
		pass "$t: trace beside it: online_pages node 1 = $DIMM_BLOCKS calls, $DIMM_PAGES pages"
	else
		fail "$t: trace beside it" "rc $(cat "$d/trace.rc"): $(head -c 300 "$d/trace.err") $(jq -c .totals "$d/trace.out" 2>/dev/null)"
	fi
	# --cycle with kprobes: offline the 8 movable blocks, online them again.
	check_dimm "$t cycle kprobe" "$d" cycle.out 2
	jq -e '.attach == "kprobe" and ([.steps[].step] == ["online","offline","reonline"]) and .steps[0].blocks_requested == 0 and .steps[1].blocks_done == 8' \
		"$d/cycle.out" > /dev/null &&
		pass "$t cycle kprobe: kprobe only; nothing left to online, 8 offlined, 8 re-onlined" ||
		fail "$t cycle kprobe" "$(jq -c '[.attach, [.steps[] | [.step, .blocks_requested, .blocks_done]]]' "$d/cycle.out")"
	# The trace beside the cycle, as Prometheus text through the report's view.
	want=$(jq '[.steps[2].phases[] | select(.phase == "online_pages" and .node == 1) | .pages] | add' "$d/cycle.out")
	got=$(sed -n 's/^meminit_phase_pages{phase="online_pages",node="1"} //p' "$d/traceprom.out")
	if [ "$(cat "$d/traceprom.rc")" = 0 ] && [ "$got" = "$DIMM_PAGES" ] && [ "$want" = "$DIMM_PAGES" ] &&
		grep -q '^meminit_phase_cpu_seconds{phase="online_pages",node="1"} [0-9.e-]*$' "$d/traceprom.out"; then
		pass "$t: trace --format prom: online_pages node 1 = $got pages, as hotplug's reonline step"
	else
		fail "$t: trace --format prom" "rc $(cat "$d/traceprom.rc"), pages '$got' (hotplug '$want'): $(head -c 300 "$d/traceprom.err")"
	fi
	if ! command -v promtool > /dev/null; then
		skip_missing deps "$t: trace --format prom: promtool" "promtool missing (make deps)"
	elif promtool check metrics < "$d/traceprom.out" > "$d/traceprom.promtool" 2>&1; then
		pass "$t: trace --format prom: promtool check metrics"
	else
		fail "$t: trace --format prom: promtool" "$(head -3 "$d/traceprom.promtool")"
	fi
	zc1=$(present "$d/zoneinfo.cycled" 1)
	[ "$zc1" = "$za1" ] && pass "$t cycle kprobe: zoneinfo present of node 1 back to $zc1" ||
		fail "$t cycle kprobe: zoneinfo" "node 1 present $zc1, was $za1"
	[ "$(cat "$d/table.rc")" = 0 ] && grep -q 'nothing to online' "$d/table.out" &&
		pass "$t: table output, nothing left to online" || fail "$t: table output" "$(head -c 300 "$d/table.err")"
	[ "$(cat "$d/badnode.rc")" = 1 ] && [ "$(wc -l < "$d/badnode.err")" = 1 ] &&
		grep -q '^meminit: hotplug: node 7 does not exist' "$d/badnode.err" &&
		pass "$t: a node that does not exist: one error line" ||
		fail "$t: bad node" "rc $(cat "$d/badnode.rc"): $(cat "$d/badnode.err")"
fi

# --- stock 6.1: memmap_init_range is notrace; time from move_pfn_range_to_zone
if boot "$T 6.1" 6.1 2G,1G,0 1,1,1 61; then
	d=$OUTROOT/$T\ 6.1
	t="$T 6.1"
	check_dimm "$t hotplug" "$d" hotplug.out 0
	j=$d/hotplug.out
	jq -e '.probes[] | select(.function == "memmap_init_range") | .attach == "none" and (.reason | test("notrace"))' "$j" > /dev/null &&
		pass "$t: memmap_init_range unavailable: $(jq -r '.probes[] | select(.function == "memmap_init_range") | .reason' "$j")" ||
		fail "$t: memmap_init_range unavailable" "$(jq -c '.probes[] | select(.function == "memmap_init_range")' "$j")"
	zb1=$(present "$d/zoneinfo.before" 1) za1=$(present "$d/zoneinfo.after" 1)
	[ $((za1 - zb1)) = $DIMM_PAGES ] &&
		pass "$t: zoneinfo present: node 1 +$((za1 - zb1)) after online + cycle" ||
		fail "$t: zoneinfo present" "node 1 +$((za1 - zb1))"
	check_dimm "$t cycle" "$d" hotplug.out 2
	[ "$(cat "$d/nobpf.rc")" = 0 ] && [ ! -s "$d/nobpf.err" ] &&
		jq -e '.attach == "none" and .timing.measured == false and .timing.reason == "--no-bpf" and
			.steps[1].blocks_done == 8 and .steps[2].blocks_done == 8 and .steps[2].pages == 262144 and
			(.steps[2].nodes[] | select(.id == 1) | .delta_pages) == 262144 and
			(.steps[2].phases | length) == 0' "$d/nobpf.out" > /dev/null &&
		pass "$t: --no-bpf --cycle: 8 blocks offlined and re-onlined, counted from sysfs, exit 0" ||
		fail "$t: --no-bpf" "rc $(cat "$d/nobpf.rc"): $(cat "$d/nobpf.err") $(jq -c '[.attach, .timing, [.steps[] | [.step, .blocks_done, .pages]]]' "$d/nobpf.out")"
	# hotplug --format csv: one row per step, function, node (and CPU).
	c=$d/cyclecsv.out
	hdr=run,variant,host,kernel,source,shape,phase,name,scope,node,cpu,seconds,cpu_seconds,pages,bytes,start_s,end_s,s_per_tib,ns_per_page,quality
	rows=$(awk -F, '$7 == "move_pfn_range_to_zone" && $8 == "reonline" && $9 == "node" && $10 == 1 {print $14}' "$c")
	if [ "$(cat "$d/cyclecsv.rc")" = 0 ] && [ "$(head -n1 "$c" | tr -d '\r')" = "$hdr" ] &&
		[ "$rows" = $DIMM_PAGES ] && awk -F, 'NR > 1 && $5 != "live-bpf" {exit 1}' "$c"; then
		pass "$t: hotplug --format csv: move_pfn_range_to_zone reonline node 1 = $rows pages"
	else
		fail "$t: hotplug --format csv" "rc $(cat "$d/cyclecsv.rc"), pages '$rows': $(head -c 300 "$d/cyclecsv.err") $(head -c 300 "$c")"
	fi
	[ "$(cat "$d/memoryless.rc")" = 1 ] && [ "$(wc -l < "$d/memoryless.err")" = 1 ] &&
		grep -q 'node 2 has no memory blocks' "$d/memoryless.err" &&
		pass "$t: memoryless node: one error line" ||
		fail "$t: memoryless node" "rc $(cat "$d/memoryless.rc"): $(cat "$d/memoryless.err")"
	[ "$(cat "$d/badcpu.rc")" = 1 ] && [ "$(wc -l < "$d/badcpu.err")" = 1 ] &&
		grep -q 'cannot run on CPU 63' "$d/badcpu.err" &&
		pass "$t: a CPU that does not exist: one error line" ||
		fail "$t: bad cpu" "rc $(cat "$d/badcpu.rc"): $(cat "$d/badcpu.err")"
fi
# --- stock 6.12, lockdown=confidentiality: the kernel refuses BPF that reads
# kernel memory. hotplug must still online and count from sysfs, say why the
# time is missing in one line, and exit non-zero.
if boot "$T lockdown" 6.12 2G,1G 1,1 lockdown lockdown=confidentiality; then
	d=$OUTROOT/$T\ lockdown
	t="$T 6.12 lockdown"
	# Debian's 6.12 has the lockdown LSM: the parameter must take.
	if ! grep -q '\[confidentiality\]' "$d/lockdown.txt"; then
		fail "$t" "lockdown=confidentiality not in force ($(cat "$d/lockdown.txt"))"
	else
		j=$d/hotplug.out
		[ "$(cat "$d/hotplug.rc")" = 1 ] && [ "$(wc -l < "$d/hotplug.err")" = 1 ] &&
			grep -q '^meminit: hotplug: time not measured: ' "$d/hotplug.err" &&
			pass "$t: one error line: $(cat "$d/hotplug.err")" ||
			fail "$t: error line" "rc $(cat "$d/hotplug.rc"): $(cat "$d/hotplug.err")"
		zb1=$(present "$d/zoneinfo.before" 1) za1=$(present "$d/zoneinfo.after" 1)
		jq -e ".timing.measured == false and (.timing.reason | length) > 0 and
			.steps[0].blocks_done == $DIMM_BLOCKS and .steps[0].pages == $DIMM_PAGES and
			(.steps[0].nodes[] | select(.id == 1) | .delta_pages) == $DIMM_PAGES" "$j" > /dev/null &&
			[ $((za1 - zb1)) = $DIMM_PAGES ] &&
			pass "$t: still onlined and counted $DIMM_PAGES pages (zoneinfo +$((za1 - zb1))), time not measured" ||
			fail "$t: sysfs-only report" "$(jq -c '[.timing, .steps[0].blocks_done, .steps[0].pages]' "$j"), zoneinfo +$((za1 - zb1))"
	fi
fi
exit 0
