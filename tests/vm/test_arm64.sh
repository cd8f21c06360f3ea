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
	check_armed "arm64 6.12-armed" "$BOOT_DIR"
fi

# Hotplug on arm64 (issue 17, item 3): the virt board booted with -kernel has
# no ACPI memory hotplug, so the path is virtio-mem, as arm64 clouds use it:
# a virtio-mem-pci device of 1 GiB on node 1, plugged by Debian's virtio_mem
# module at boot and left offline (memhp_default_state=offline), then onlined
# by 'meminit hotplug --node 1': the pages it counts and times are exactly
# the growth of node 1 in the kernel's zoneinfo and meminfo, as x86's DIMM.
source "$TOP/tests/vm/hotplug-checks.sh"
d=$OUTROOT/arm64-hotplug
rm -rf "$d"
mkdir -p "$d"
{ echo "MODE=virtio-mem"; echo "VMEM_BLOCKS=$DIMM_BLOCKS"; cat "$TOP/tests/vm/guest-hotplug.sh"; } > "$d/guest-script.sh"
if "$TOP/tests/vm/guest.sh" --arch arm64 --kernel 6.12 --nodes 2G,1G --node-cpus 1,1 \
	--maxmem 8G --modules virtio_mem --append "memhp_default_state=offline" \
	--qemu "-object memory-backend-ram,id=vmem1,size=1G -device virtio-mem-pci,id=vm1,memdev=vmem1,node=1,requested-size=1G" \
	--timeout 600 --out "$d" "$d/guest-script.sh" > "$d/guest.log" 2>&1; then
	t="$T 6.12 virtio-mem"
	pass "$t: guest booted and ran ($(cat "$d/kernel.txt"), $(cat "$d/boot-seconds") s)"
	check_dimm "$t hotplug" "$d" hotplug.out 0
	check_kernel_counts "$t" "$d" "$d/hotplug.out"
	echo "    attach: $(jq -r '[.probes[] | "\(.function) \(.attach)"] | join(", ")' "$d/hotplug.out" 2>/dev/null)"
else
	fail "$T 6.12 virtio-mem: guest" "$(tail -n1 "$d/guest.log")"
fi

# A kexec loop on arm64 (issue 17): Debian's arm64 kernel has no
# kexec_file_load, so 'meminit kexec' loads each next kernel with kexec_load
# and the segments it prepares (the Image, the initrd, this boot's device
# tree with a new /chosen, its purgatory). A cold boot and 2 kexec boots;
# each run's report against the kernel's own zoneinfo of the cold boot and
# of the last run (the same memory, so the same present pages per node).
d=$OUTROOT/arm64-kexec
rm -rf "$d"
mkdir -p "$d/seed"
cat > "$d/seed/start.sh" <<'EOS'
cat /proc/zoneinfo > /mnt/zoneinfo.cold
exec meminit kexec --runs 2 --out /mnt/kx --kernel /mnt/boot/vmlinuz --initrd /mnt/boot/initrd.gz \
	--reuse-cmdline --max-failures 1 --yes
EOS
cat > "$d/seed/after.sh" <<'EOS'
cat /proc/zoneinfo > /out/zoneinfo.last
cp /mnt/zoneinfo.cold /out/zoneinfo.cold
cp -r /mnt/kx /out/kx
EOS
t="$T 6.12 kexec"
if ! mkfs.ext4 -q -F -d "$d/seed" "$d/disk.img" 64M; then
	fail "$t" "mkfs.ext4 failed"
elif "$TOP/tests/vm/guest.sh" --arch arm64 --kernel 6.12 --nodes 2G,1G --node-cpus 1,1 \
	--disk "$d/disk.img" --timeout 400 --out "$d/out" "$TOP/tests/vm/guest-kexec.sh" > "$d/guest.log" 2>&1; then
	kx=$d/out/kx
	n=$(find "$kx/runs" -name 'run-*.json' 2>/dev/null | wc -l)
	calls=$(jq -r .load_syscall "$kx"/runs/run-*.json 2>/dev/null | sort -u | tr '\n' ' ')
	boots=$(jq -r .boot_id "$kx"/runs/run-*.json 2>/dev/null | sort -u | wc -l)
	[ "$n" = 2 ] && [ "$boots" = 2 ] && [ "$calls" = "kexec_load " ] && grep -q "failures: 0" "$d/out/status.txt" &&
		pass "$t: 2 kexec boots, each loaded with kexec_load and collected, no failure" ||
		fail "$t: loop" "$n runs, $boots boots, loaded with '$calls'; $(tr '\n' '|' < "$d/out/status.txt" 2>/dev/null | head -c 300)"
	present() { awk '/^Node/ {n = $2 + 0} $1 == "present" {s[n] += $2} END {for (i in s) print i, s[i]}' "$1" | sort -n | tr '\n' ' '; }
	cold=$(present "$d/out/zoneinfo.cold") last=$(present "$d/out/zoneinfo.last")
	ok=1
	for f in "$kx"/runs/run-*.json; do
		got=$(jq -r '[.report.nodes[] | select(.present_pages > 0) | "\(.id) \(.present_pages)"] | join(" ")' "$f")
		[ "$got " = "$cold" ] || { ok=0; echo "    $(basename "$f"): $got, cold boot's zoneinfo $cold"; }
	done
	[ $ok = 1 ] && [ -n "$cold" ] && [ "$cold" = "$last" ] &&
		pass "$t: present pages per node in every run = the kernel's zoneinfo ($cold)" ||
		fail "$t: pages" "runs against zoneinfo: cold $cold, last $last"
	nb=$(grep -a -o 'guest-kexec: boot [0-9a-f-]*' "$d/out/console.log" | sort -u | wc -l)
	[ "$nb" = 3 ] && [ "$(jq -r .report.kernel "$kx"/runs/run-*.json | sort -u)" = "$(jq -r .report.kernel "$kx"/runs/run-0000.json)" ] &&
		pass "$t: three boots on one console (the cold one, then two kexec'd $(jq -r .report.kernel "$kx"/runs/run-0000.json))" ||
		fail "$t: boots" "$nb boots on the console"
else
	fail "$t: guest" "$(tail -n1 "$d/guest.log")"
fi
