#!/bin/bash
# Issue 17, item 4: the meminit series on arm64. kernel-patches/build.sh
# --arch arm64 cross-builds Debian's 6.12 with the series (tinyconfig +
# config/meminit.config + config/arm64.config, cached like x86's), and a
# qemu-system-aarch64 guest (-M virt, TCG, NUMA nodes from the device tree,
# a memoryless node) booted with meminit_stats holds the same truths as
# x86's (tests/vm/records-checks.sh): struct pages per node = zoneinfo
# present exactly, deferred time per node against the kernel's line, every
# hash table line has its record, chunks on 2+ CPUs, the replay and the
# report's split. Then which BPF attach types the patched arm64 kernel
# takes, as 'meminit check' probed them in the guest.
# The cross build costs a fresh machine about as much as x86's, so this is
# not part of make test: make test-arm64 runs it (with tests/vm/test_arm64.sh).
source "$(dirname "$0")/../lib.sh"
T="arm64 patched"
need_vm "$T" || exit 0
for t in qemu-system-aarch64 aarch64-linux-gnu-gcc; do
	command -v $t > /dev/null || { skip_missing deps "$T" "$t missing (make deps)"; exit 0; }
done
[ -f /usr/src/linux-source-6.12.tar.xz ] ||
	{ skip_missing deps "$T" "linux-source-6.12 missing (make deps)"; exit 0; }
if ! make -C "$TOP" --no-print-directory -j"$(nproc)" ARCH=arm64 > "$OUTROOT/arm64-make.log" 2>&1; then
	fail "$T: make ARCH=arm64" "$(grep -m1 -E 'error|Error' "$OUTROOT/arm64-make.log")"
	exit 0
fi
if ! kdir=$("$TOP/kernel-patches/build.sh" --arch arm64 2> "$OUTROOT/kernel-build-arm64.log" | tail -n1) ||
	[ ! -f "$kdir/Image" ]; then
	fail "$T: kernel build" "$(tail -n 3 "$OUTROOT/kernel-build-arm64.log" | tr '\n' ' ')"
	exit 0
fi
pass "$T: kernel built or cached ($(cat "$kdir/build-seconds") s to build, $(wc -l < "$kdir/series.log") patches, $(file -b "$kdir/Image" | cut -d, -f1))"
source "$TOP/tests/vm/records-checks.sh"

d=$OUTROOT/arm64-patched
rm -rf "$d"
if ! GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --arch arm64 --kernel "$kdir/Image" \
	--nodes 2G,1G,0 --node-cpus 2,1,1 --append "meminit_stats page_owner=on" --out "$d" \
	"$TOP/tests/vm/guest-records.sh" > "$d.log" 2>&1; then
	fail "$T: boot" "$(tail -n1 "$d.log")"
	exit 0
fi
pass "$T: boots with meminit_stats on 3 nodes ($(cat "$d/boot-seconds") s)"
# arm64's jiffies fall behind its clock under TCG: the records may then be
# above the line, within the console's span of the node's work
# (tests/lib.sh, jiffies_line_ok).
check_boot "$d" "arm64: "

# What the kernel's arm64-specific memory map code did: vmemmap is
# populated by arch code (vmemmap_populate) but recorded by the generic
# sparse code per node; 6.12 arm64 has no HugeTLB vmemmap optimization.
if grep -q '^CONFIG_HUGETLB_PAGE_OPTIMIZE_VMEMMAP=y' "$kdir/config"; then
	fail "$T: config" "HUGETLB_PAGE_OPTIMIZE_VMEMMAP set: say what it records"
else
	pass "$T: no HugeTLB vmemmap optimization on 6.12 arm64 (nothing of it to record)"
fi

# The BPF load matrix's patched arm64 row (tests/vm/test_bpf_matrix.sh has
# the stock arm64 rows): every program attaches or says why not, through
# the verbs in the guest; the records come through BPF.
o=$OUTROOT/arm64-bpf-matrix
rm -rf "$o"
mkdir -p "$o"
if GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --arch arm64 --kernel "$kdir/Image" \
	--nodes 1G,1G --node-cpus 1,1 --append meminit_stats --out "$o/arm64-patched" \
	"$TOP/tests/vm/guest-bpf-matrix.sh" > "$o/arm64-patched.log" 2>&1; then
	source "$TOP/tests/vm/bpf-matrix-cells.sh"
	matrix_rows arm64-patched
	for p in probe:fentry probe:kprobe probe:tp_btf probe:raw_tp records:bpf; do
		c=$(matrix_cell arm64-patched $p)
		[ "$c" = ok ] && pass "$T: $p attaches" || fail "$T: $p" "$c"
	done
	echo "    arm64 patched: $(awk -F'|' '$2 ~ /^probe:/ {printf "%s %s; ", substr($2, 7), $3}' "$o/matrix.txt")"
else
	fail "$T: BPF matrix guest" "$(tail -n1 "$o/arm64-patched.log")"
fi

# A kexec loop on the patched arm64 kernel: 2 runs loaded with kexec_load
# (meminit's segments; the kernel also has kexec_file_load, auto prefers the
# cheaper call), each collected from its boot records, struct pages per node
# in every run = the zoneinfo of the boot that ended the loop.
d=$OUTROOT/arm64-patched-kexec
rm -rf "$d"
mkdir -p "$d/seed"
cat > "$d/seed/start.sh" <<'EOS'
exec meminit kexec --runs 2 --out /mnt/kx --kernel /mnt/boot/vmlinuz --initrd /mnt/boot/initrd.gz \
	--reuse-cmdline --max-failures 1 --yes
EOS
cat > "$d/seed/after.sh" <<'EOS'
cat /proc/zoneinfo > /out/zoneinfo.last
cp -r /mnt/kx /out/kx
EOS
if ! mkfs.ext4 -q -F -d "$d/seed" "$d/disk.img" 64M; then
	fail "$T kexec" "mkfs.ext4 failed"
elif GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --arch arm64 --kernel "$kdir/Image" \
	--nodes 2G,1G --node-cpus 1,1 --append meminit_stats --disk "$d/disk.img" --timeout 300 \
	--out "$d/out" "$TOP/tests/vm/guest-kexec.sh" > "$d/guest.log" 2>&1; then
	kx=$d/out/kx
	n=$(find "$kx/runs" -name 'run-*.json' 2>/dev/null | wc -l)
	calls=$(jq -r .load_syscall "$kx"/runs/run-*.json 2>/dev/null | sort -u | tr '\n' ' ')
	src=$(jq -r .report.source "$kx"/runs/run-*.json 2>/dev/null | sort -u | tr '\n' ' ')
	[ "$n" = 2 ] && [ "$calls" = "kexec_load " ] && [ "$src" = "boot-records " ] &&
		pass "$T kexec: 2 kexec boots loaded with kexec_load, collected from their boot records" ||
		fail "$T kexec: loop" "$n runs, loaded with '$calls', sources '$src'"
	want=$(awk '/^Node/ {n = $2 + 0} $1 == "present" {s[n] += $2} END {for (i in s) print i, s[i]}' \
		"$d/out/zoneinfo.last" 2>/dev/null | sort -n | tr '\n' ' ')
	ok=1
	for f in "$kx"/runs/run-*.json; do
		got=$(jq -r '[.report.nodes[] | select(.record_pages > 0) | "\(.id) \(.record_pages)"] | join(" ")' "$f")
		[ "$got " = "$want" ] || { ok=0; echo "    $(basename "$f"): records $got, zoneinfo $want"; }
	done
	[ $ok = 1 ] && [ -n "$want" ] &&
		pass "$T kexec: struct pages per node in every run's records = zoneinfo present ($want)" ||
		fail "$T kexec: pages" "records against zoneinfo $want"
else
	fail "$T kexec: guest" "$(tail -n1 "$d/guest.log")"
fi
