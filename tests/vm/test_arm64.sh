#!/bin/bash
# meminit on Debian's stock arm64 kernels (issue 17, item 3): the arm64
# build (make ARCH=arm64) inside qemu-system-aarch64 guests (-M virt, TCG,
# emulated NUMA nodes, one memoryless), checked against the kernel's own
# truth of the same boot as on x86 (tests/vm/report-checks.sh): pages per
# node = zoneinfo exactly, memoryless nodes = sysfs, deferred-init lines,
# every hash table line; what 'meminit check' says of the kernel; and the
# boot trace 'meminit arm' sets up, as on x86 (check_armed).
source "$(dirname "$0")/../lib.sh"
source "$TOP/tests/vm/report-checks.sh"
T=arm64
need_vm "$T" || exit 0
for t in qemu-system-aarch64 aarch64-linux-gnu-gcc; do
	command -v $t > /dev/null || { skip_missing deps "$T" "$t missing (make deps)"; exit 0; }
done
if ! make -C "$TOP" --no-print-directory -j"$(nproc)" ARCH=arm64 > "$OUTROOT/arm64-make.log" 2>&1; then
	fail "$T: make ARCH=arm64" "$(grep -m1 -E 'error|Error' "$OUTROOT/arm64-make.log")"
	exit 0
fi

# boot NAME KERNEL NODES CPUS [APPEND]: sets BOOT_DIR; its FAIL goes to
# stdout like every result (never call it inside $(...)).
boot() {
	local t=$1 d=$OUTROOT/arm64-$1
	BOOT_DIR=
	rm -rf "$d"
	if ! "$TOP/tests/vm/guest.sh" --arch arm64 --kernel "$2" --nodes "$3" --node-cpus "$4" \
		--append "${5:-}" --out "$d" "$TOP/tests/vm/guest-report.sh" > "$d.log" 2>&1; then
		fail "$T $t: guest boot" "$(tail -n1 "$d.log")"
		return 1
	fi
	pass "$T $t: booted $(sed -n 's/.*Linux version \([^ ]*\).*/\1/p' "$d/dmesg.txt" 2>/dev/null |
		head -n1) on $(grep -c '^' "$d/nodes.txt") nodes ($(cat "$d/boot-seconds") s)"
	BOOT_DIR=$d
}

# What 'meminit arm' prints for a stock kernel, less x86's TSC frequency
# (tsc_early_khz=): arm64's architected timer counts from the start, so
# printk and the trace have a clock before memmap init without it.
arm_params=$("$MEMINIT" arm --quiet | sed 's/ tsc_early_khz=[0-9]*//')

for k in 6.12 6.1; do
	boot "$k" "$k" 2G,1G,0 2,1,1 || continue
	check_boot "arm64 $k" "$BOOT_DIR"
	check_page_truth "arm64 $k" "$BOOT_DIR"
	c=$BOOT_DIR/check.json
	jq -e '.btf and (.config_source | startswith("/boot/config-")) and
		.config.CONFIG_DEFERRED_STRUCT_PAGE_INIT == "y" and (.patched | not)' "$c" > /dev/null &&
		pass "$T $k: check sees BTF, the kernel's config, deferred init, no meminit patches" ||
		fail "$T $k: check" "$(jq -c '{btf, config_source, patched}' "$c" 2>&1 | head -c 300)"
	# Which BPF attach types this kernel takes, as check probed them by
	# loading programs; stated, not assumed to be x86's.
	echo "    arm64 $k attach: $(jq -r '.attach | to_entries | map("\(.key) \(if .value.ok then "yes" else "no" end)") | join(", ")' "$c" 2>/dev/null)"
done

# The boot trace meminit arms on a stock kernel, on arm64: deferred init per
# node and CPU and the hash tables timed, against the same boot's lines.
if boot 6.12-armed 6.12 3G,1G 2,2 "$arm_params"; then
	check_boot "arm64 6.12-armed" "$BOOT_DIR"
	check_page_truth "arm64 6.12-armed" "$BOOT_DIR"
	check_armed "arm64 6.12-armed" "$BOOT_DIR"
fi

# Hotplug on arm64 (issue 17, item 3): the virt board booted with -kernel has
# no ACPI memory hotplug, so the path is virtio-mem, as arm64 clouds use it:
# a virtio-mem-pci device of 1 GiB, plugged by Debian's virtio_mem module at
# boot and left offline (memhp_default_state=offline), then onlined by
# 'meminit hotplug --node N': the pages it counts and times are exactly the
# growth of node N in the kernel's zoneinfo and meminfo, as x86's DIMM, in
# the guest kernel's pages and memory blocks (hotplug_geometry). Which node:
# booted from a device tree, the kernel takes no node from the device (its
# node is an ACPI proximity domain) and adds the memory to a node of its
# own choice, seen to be the last node with memory (node 1 of 2G,1G; node 3
# of 1G,0,1536M,512M): the test names that node, to QEMU too, and checks
# that virtio_mem says so.
# virtio_mem_boot KERNEL NODES CPUS NODE [REPORT]: with REPORT, the guest
# also runs tests/vm/guest-report.sh into DIR/REPORT once the device's
# blocks are plugged, before any is onlined (one boot for both); sets
# VMEM_DIR.
source "$TOP/tests/vm/hotplug-checks.sh"
virtio_mem_boot() {
	local k=$1 d=$OUTROOT/arm64-$1-hotplug t="$T $1 virtio-mem" ps=4096
	DIMM_NODE=$4
	[ "$k" = 6.12 ] && d=$OUTROOT/arm64-hotplug
	case "$k" in *-16k) ps=16384 ;; esac
	VMEM_DIR=
	rm -rf "$d"
	mkdir -p "$d"
	{ echo "MODE=virtio-mem"; echo "VMEM_BYTES=$DIMM_BYTES"; echo "VMEM_NODE=$4"; echo "REPORT=${5:-}"; cat "$TOP/tests/vm/guest-hotplug.sh"; } > "$d/guest-script.sh"
	if ! "$TOP/tests/vm/guest.sh" --arch arm64 --kernel "$k" --nodes "$2" --node-cpus "$3" \
		--maxmem 8G --modules virtio_mem --append "memhp_default_state=offline" \
		--qemu "-object memory-backend-ram,id=vmem1,size=1G -device virtio-mem-pci,id=vm1,memdev=vmem1,node=$4,requested-size=1G" \
		--file "$TOP/tests/vm/guest-report.sh:/guest-report.sh" \
		--timeout 600 --out "$d" "$d/guest-script.sh" > "$d/guest.log" 2>&1; then
		fail "$t: guest" "$(tail -n1 "$d/guest.log")"
		return 1
	fi
	pass "$t: guest booted and ran ($(cat "$d/kernel.txt"), $(cat "$d/boot-seconds") s)"
	VMEM_DIR=$d
	grep -q "virtio_mem virtio[0-9]*: nid: $4\$" "$d/virtio-mem.txt" ||
		{ fail "$t: node" "virtio_mem added its memory to another node than $4: $(grep -o 'nid: .*' "$d/virtio-mem.txt")"; return 1; }
	# The GiB in this kernel's pages and blocks, as it states them.
	if hotplug_geometry "$d" && [ $((DIMM_PAGE_KB * 1024)) = $ps ]; then
		pass "$t: 1 GiB = $DIMM_BLOCKS blocks of $((DIMM_BYTES / DIMM_BLOCKS >> 20)) MiB (block_size_bytes), $DIMM_PAGES pages of $DIMM_PAGE_KB KiB (KernelPageSize)"
	else
		fail "$t: geometry" "page size '$(cat "$d/pagesize")' (want $ps), block size '$(cat "$d/block_size_bytes")'"
		return 1
	fi
	check_dimm "$t hotplug" "$d" hotplug.out 0
	check_kernel_counts "$t" "$d" "$d/hotplug.out"
	echo "    attach: $(jq -r '[.probes[] | "\(.function) \(.attach)"] | join(", ")' "$d/hotplug.out" 2>/dev/null)"
}

# A kexec loop on arm64 (issue 17): Debian's arm64 kernels have no
# kexec_file_load, so 'meminit kexec' loads each next kernel with kexec_load
# and the segments it prepares (the Image, the initrd, this boot's device
# tree with a new /chosen, its purgatory), each on the kernel's page size.
# A cold boot and 2 kexec boots; each run's report against the kernel's own
# truth: its zoneinfo of the cold boot and of the last run (the same memory,
# so the same present pages per node), its page size (smaps), each node's
# s/TiB over those pages, and the last run's deferred ms = that boot's lines.
# kexec_loop KERNEL NODES CPUS [MEMINIT KEXEC ARGS...]
nodes_present() {
	awk '/^Node/ {n = $2 + 0} $1 == "present" {s[n] += $2} END {for (i in s) if (s[i]) print i, s[i]}' "$1" |
		sort -n | tr '\n' ' '
}
kexec_loop() {
	local k=$1 nodes=$2 cpus=$3 d=$OUTROOT/arm64-$1-kexec t="$T $1 kexec"
	shift 3
	KEXEC_DIR=
	[ "$k" = 6.12 ] && d=$OUTROOT/arm64-kexec
	rm -rf "$d"
	mkdir -p "$d/seed"
	cat > "$d/seed/start.sh" <<EOS
cat /proc/zoneinfo > /mnt/zoneinfo.cold
awk '\$1 == "KernelPageSize:" {print \$2 * 1024; exit}' /proc/self/smaps > /mnt/pagesize.cold
sync
exec meminit kexec --runs 2 --out /mnt/kx --kernel /mnt/boot/vmlinuz --initrd /mnt/boot/initrd.gz \
	--reuse-cmdline --max-failures 1 $* --yes
EOS
	cat > "$d/seed/after.sh" <<'EOS'
cat /proc/zoneinfo > /out/zoneinfo.last
cp /mnt/zoneinfo.cold /mnt/pagesize.cold /out/
cp -r /mnt/kx /out/kx
EOS
	if ! mkfs.ext4 -q -F -d "$d/seed" "$d/disk.img" 64M; then
		fail "$t" "mkfs.ext4 failed"
		return 1
	fi
	if ! "$TOP/tests/vm/guest.sh" --arch arm64 --kernel "$k" --nodes "$nodes" --node-cpus "$cpus" \
		--disk "$d/disk.img" --timeout 400 --out "$d/out" "$TOP/tests/vm/guest-kexec.sh" > "$d/guest.log" 2>&1; then
		fail "$t: guest" "$(tail -n1 "$d/guest.log")"
		return 1
	fi
	KEXEC_DIR=$d
	check_kexec_runs "$t" "$d/out"
}
# check_kexec_runs NAME OUT: the checks of one loop's outputs (guest.sh --out).
check_kexec_runs() {
	local t=$1 d=$2 kx=$2/kx n calls boots cold last ok f got want ps bad nb
	n=$(find "$kx/runs" -name 'run-*.json' 2>/dev/null | wc -l)
	calls=$(jq -r .load_syscall "$kx"/runs/run-*.json 2>/dev/null | sort -u | tr '\n' ' ')
	boots=$(jq -r .boot_id "$kx"/runs/run-*.json 2>/dev/null | sort -u | wc -l)
	[ "$n" = 2 ] && [ "$boots" = 2 ] && [ "$calls" = "kexec_load " ] && grep -q "failures: 0" "$d/status.txt" &&
		pass "$t: 2 kexec boots ($(cat "$d/boot-seconds") s in all), each loaded with kexec_load and collected, no failure" ||
		fail "$t: loop" "$n runs, $boots boots, loaded with '$calls'; $(tr '\n' '|' < "$d/status.txt" 2>/dev/null | head -c 300)"
	# "node pages " for each node with present pages (a memoryless node's
	# zones have none; a run lists it with none).
	cold=$(nodes_present "$d/zoneinfo.cold") last=$(nodes_present "$d/zoneinfo.last")
	ok=1
	for f in "$kx"/runs/run-*.json; do
		got=$(jq -r '[.report.nodes[] | select(.present_pages > 0) | "\(.id) \(.present_pages)"] | join(" ")' "$f")
		[ "$got " = "$cold" ] || { ok=0; echo "    $(basename "$f"): $got, cold boot's zoneinfo $cold"; }
	done
	[ $ok = 1 ] && [ -n "$cold" ] && [ "$cold" = "$last" ] &&
		pass "$t: present pages per node in every run = the kernel's zoneinfo ($cold)" ||
		fail "$t: pages" "runs against zoneinfo: cold $cold, last $last"
	# Every run in the kernel's page size; its s/TiB over the kernel's pages.
	ps=$(cat "$d/pagesize.cold")
	bad=$(jq -s --argjson ps "${ps:-0}" --slurpfile z <(awk '/^Node/ {k = $2 + 0} $1 == "present" {p[k] += $2}
		END {for (k in p) print k, p[k]}' "$d/zoneinfo.cold" |
		jq -R -s 'split("\n") | map(select(length > 0) | split(" ") | {key: .[0], value: (.[1] | tonumber)}) | from_entries') \
		'[.[] | .report | select(.page_size != $ps or ([.nodes[] | select(.deferred_init_ms != null)] | length) == 0),
		  (.nodes[] | select(.deferred_init_ms != null) |
		   (.deferred_init_ms / 1000 / ($z[0][.id | tostring] * $ps / 1099511627776)) as $w |
		   select(((.deferred_s_per_tib - $w) | fabs) > 1e-6 * $w))] | length' "$kx"/runs/run-*.json)
	[ "$bad" = 0 ] && [ "${ps:-0}" -gt 0 ] &&
		pass "$t: every run in pages of $ps (the kernel's KernelPageSize), s/TiB per node over zoneinfo's pages x $ps" ||
		fail "$t: page size and s/TiB" "kernel's page size '$ps', runs $(jq -c '[.report.page_size, .report.page_size_from]' "$kx"/runs/run-*.json | tr '\n' ' '), $bad wrong"
	# The last run was collected on the boot whose log init printed last.
	f=$(ls "$kx"/runs/run-*.json | tail -n1)
	got=$(jq -r '[.report.nodes[] | select(.deferred_init_ms != null) | "\(.id) \(.deferred_init_ms)"] | sort | join(",")' "$f")
	want=$(sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/\1 \2/p' "$d/guest-dmesg.txt" | LC_ALL=C sort | paste -sd,)
	[ -n "$want" ] && [ "$got" = "$want" ] &&
		pass "$t: the last run's deferred ms = its boot's lines ($want)" ||
		fail "$t: last run's deferred ms" "run '$got', the kernel's lines '$want'"
	nb=$(grep -a -o 'guest-kexec: boot [0-9a-f-]*' "$d/console.log" | sort -u | wc -l)
	[ "$nb" = 3 ] && [ "$(jq -r .report.kernel "$kx"/runs/run-*.json | sort -u)" = "$(jq -r .report.kernel "$kx"/runs/run-0000.json)" ] &&
		pass "$t: three boots on one console (the cold one, then two kexec'd $(jq -r .report.kernel "$kx"/runs/run-0000.json))" ||
		fail "$t: boots" "$nb boots on the console"
}

virtio_mem_boot 6.12 2G,1G 1,1 1
kexec_loop 6.12 2G,1G 1,1

# Debian's stock arm64-16k kernel (16 KiB base pages; issue 26), on the
# shape issue 26 reported on: 4 nodes, 1G; memoryless; 1536M; 512M without
# CPUs. Two boots: the report and virtio-mem hotplug in one (onto node 3,
# the one without CPUs), a kexec_load loop in the other. Every count in the kernel's
# own pages, every per-page figure over pages x 16384, checked against the
# kernel (zoneinfo, its deferred lines, vmallocinfo, sysfs, smaps).
k16=6.12-16k
w=$OUTROOT/arm64-$k16-can-fail
rm -rf "$w" && mkdir -p "$w"
# caught CHECK NAME PATTERN DIR: CHECK on DIR, a wrong copy, fails on PATTERN.
caught() {
	"$1" mutated "$4" > "$w/$2.out" 2>&1
	grep -Eq "^FAIL mutated: $3" "$w/$2.out" &&
		pass "$T $k16: can fail: $2: caught by '$(grep -Em1 "^FAIL mutated: $3" "$w/$2.out" | cut -c6-90)'" ||
		fail "$T $k16: can fail: $2" "no FAIL matching '$3' (see $w/$2.out)"
}
# (the report's checks whatever became of the hotplug's)
virtio_mem_boot $k16 1G,0,1536M,512M 1,1,1,0 3 report
if [ -n "$VMEM_DIR" ]; then
	r=$VMEM_DIR/report
	check_boot "arm64 $k16" "$r"
	check_page_truth "arm64 $k16" "$r"
	jq -e '.page_size == 16384 and .config.CONFIG_PAGE_SHIFT == "14"' \
		"$r/check.json" > /dev/null &&
		pass "$T $k16: check states 16384-byte pages and CONFIG_PAGE_SHIFT 14" ||
		fail "$T $k16: check" "$(jq -c '{page_size, s: .config.CONFIG_PAGE_SHIFT}' "$r/check.json" 2>&1 | head -c 200)"
	# These checks can fail: each on a wrong copy of this boot's outputs.
	#  - the report as meminit gave it before issue 26: 4 KiB pages, every
	#    s/TiB 4x (zoneinfo's 16 KiB pages taken for 4 KiB ones);
	#  - vmallocinfo with one page of one area moved to another node, or
	#    with an area more, of no table and no table's page array;
	#  - the kernel's deferred line of one node 4 ms (a jiffy) longer.
	cp -a "$r" "$w/4k"
	jq '.page_size = 4096 | .nodes[] |= (if .deferred_s_per_tib then .deferred_s_per_tib *= 4 else . end)' \
		"$r/report.json" > "$w/4k/report.json"
	caught check_page_truth "4k-page-size" "page size" "$w/4k"
	caught check_page_truth "4k-s-per-tib" "s/TiB per node" "$w/4k"
	cp -a "$r" "$w/table"
	v=$(jq '.nodes[] | select(.id == 0) | .deferred_s_per_tib' "$r/report.json")
	sed -E "/^0 /s/ $(printf %.1f "$v") / $(awk -v v="$v" 'BEGIN { printf "%.1f", 4 * v }') /" "$r/report.txt" > "$w/table/report.txt"
	caught check_page_truth "table-s-per-tib-4x" "s/TiB per node" "$w/table"
	cp -a "$r" "$w/vmalloc"
	awk '!done && /alloc_large_system_hash/ && match($0, / N[0-9]+=[0-9]+ N[0-9]+=[0-9]+/) {
		n = split(substr($0, RSTART + 1, RLENGTH - 1), f, /[ =]/)
		if (f[2] > 0) { sub(f[1] "=" f[2] " " f[3] "=" f[4], f[1] "=" f[2] - 1 " " f[3] "=" f[4] + 1); done = 1 } }
		{ print }' "$r/vmallocinfo" > "$w/vmalloc/vmallocinfo"
	cmp -s "$r/vmallocinfo" "$w/vmalloc/vmallocinfo" || caught check_page_truth "vmallocinfo-one-page-moved" "hash tables" "$w/vmalloc"
	cmp -s "$r/vmallocinfo" "$w/vmalloc/vmallocinfo" && fail "$T $k16: can fail: vmallocinfo" "no area with two nodes to move a page between"
	cp -a "$r" "$w/vmalloc-extra"
	awk '{ print } !done && /alloc_large_system_hash/ { print; done = 1 }' "$r/vmallocinfo" > "$w/vmalloc-extra/vmallocinfo"
	caught check_page_truth "vmallocinfo-an-area-no-table-has" "hash tables" "$w/vmalloc-extra"
	cp -a "$r" "$w/line"
	awk '!done && match($0, /deferred pages initialised in [0-9]+ms/) {
		ms = substr($0, RSTART + 30, RLENGTH - 32); sub(/in [0-9]+ms/, "in " ms + 4 "ms"); done = 1 } { print }' \
		"$r/dmesg.txt" > "$w/line/dmesg.txt"
	caught check_page_truth "deferred-line-a-jiffy-longer" "s/TiB per node" "$w/line"
fi
kexec_loop $k16 1G,0,1536M,512M 1,1,1,0 --syscall kexec_load
# The loop's checks can fail too: its last run as meminit wrote it before
# issue 26 (4 KiB pages, s/TiB 4x); a run whose deferred ms is not its boot's.
if [ -n "$KEXEC_DIR" ]; then
	cp -a "$KEXEC_DIR/out" "$w/kexec-4k"
	f=$(ls "$w"/kexec-4k/kx/runs/run-*.json | tail -n1)
	jq '.report.page_size = 4096 | .report.nodes[] |= (if .deferred_s_per_tib then .deferred_s_per_tib *= 4 else . end)' \
		"$KEXEC_DIR/out/kx/runs/$(basename "$f")" > "$f"
	caught check_kexec_runs "kexec-run-4k" "page size and s/TiB" "$w/kexec-4k"
	cp -a "$KEXEC_DIR/out" "$w/kexec-ms"
	jq '.report.nodes[] |= (if .deferred_init_ms then .deferred_init_ms += 4 | .deferred_s_per_tib *= (.deferred_init_ms / (.deferred_init_ms - 4)) else . end)' \
		"$KEXEC_DIR/out/kx/runs/$(basename "$f")" > "$w/kexec-ms/kx/runs/$(basename "$f")"
	caught check_kexec_runs "kexec-run-a-jiffy-longer" "last run's deferred ms" "$w/kexec-ms"
fi
