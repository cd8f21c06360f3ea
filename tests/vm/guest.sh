#!/bin/bash
# Boot a real kernel under QEMU with emulated NUMA nodes and run a script in it.
#
# guest.sh [options] SCRIPT
#   --arch x86|arm64         the guest's architecture (default x86): arm64 boots
#                            Debian's arm64 kernel under qemu-system-aarch64
#                            (-M virt, TCG) with build/arm64/meminit-static
#                            (make ARCH=arm64) and Debian's arm64 busybox
#   --kernel 6.1|6.12|PATH   stock Debian kernel (fetched and cached) or a bzImage;
#                            6.12-16k: arm64's flavour with 16 KiB pages
#   --nodes SIZES            memory per node, e.g. 3G,1G,0 (0 = memoryless node)
#   --node-cpus LIST         vCPUs per node, e.g. 1,1,1 (default 1 each)
#   --append ARGS            extra kernel command line
#   --qemu ARGS              extra QEMU arguments (pc-dimm devices...)
#   --maxmem SIZE            enable memory hotplug slots up to SIZE
#   --out DIR                console.log, and whatever the script leaves in /out
#   --timeout SECONDS        (default 300)
#   --expect-console REGEX   a kernel line this guest provokes on purpose (a
#                            forced panic, records lost to overflow): not a
#                            failure (repeatable; tests/vm/console-scan.sh)
#   --bin PATH               a host program to put in the guest at the same path,
#                            with the shared libraries ldd names (e.g. /usr/bin/perf);
#                            the guest's /tmp is the initramfs's own, so a program
#                            from a checkout under /tmp is not hidden by a mount
#   --disk FILE              an ext4 image attached as virtio-blk (/dev/vda), kept
#                            across runs; the guest's kernel and initrd are written
#                            into its /boot (debugfs, no mount; a fresh disk only) so
#                            the guest can kexec
#                            itself, and a stock kernel's virtio_blk/ext4 modules
#                            (decompressed, dependencies first) are loaded before SCRIPT
#   --modules LIST           a stock kernel's modules to load before SCRIPT
#                            (comma-separated, e.g. virtio_mem; dependencies
#                            first, built-in ones skipped)
#   --file SRC:DEST          a host file put into the initramfs at DEST (a unit
#                            file, a config), beside the --bin programs
#   --firmware-reboot yes    panic=1 and no -no-reboot: a panic reboots through the
#                            firmware into the same kernel and initrd
#   --pack DIR               boot nothing: put the kernel, the initramfs, this
#                            QEMU with its libraries and firmware, and a run.sh
#                            into DIR, a folder that boots the same guest on
#                            another x86-64 machine with nothing installed
#                            (tests/vm/pack-run.sh: DIR/run.sh OUTDIR)
# The script runs as root in a busybox initramfs with meminit (static) at
# /bin/meminit, the helpers of tests/vm/guest-lib.sh at /guest-lib.sh and the
# kernel's config at /boot/config-$(uname -r); files it
# writes to /out come back through the serial console (tar | base64).
# The kernel's output is scanned (tests/vm/console-scan.sh: the console, and
# the whole kernel log that init prints after the script, kept in
# DIR/guest-dmesg.txt): a crash, a WARNING or BUG splat, a call trace, a
# taint or records lost to overflow that no --expect-console names fails
# the boot, with that line. A kernel this project builds is never booted
# twice; a stock one only on the one crash of its own seen here (below).
# QEMU boots are serialized with a lock so parallel tests share the 2 cores.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)
cache=${MEMINIT_CACHE:-/var/cache/meminit}
arch=x86 kernel=6.12 nodes=2G,1G node_cpus="" append="" qemu_extra="" maxmem="" out="" timeout_s=300
bins=() files=() mods=() disk="" fw_reboot="" pack="" expects=()

while [ $# -gt 1 ]; do
	case "$1" in
	--arch) arch=$2 ;;
	--kernel) kernel=$2 ;;
	--nodes) nodes=$2 ;;
	--node-cpus) node_cpus=$2 ;;
	--append) append=$2 ;;
	--qemu) qemu_extra=$2 ;;
	--maxmem) maxmem=$2 ;;
	--out) out=$2 ;;
	--timeout) timeout_s=$2 ;;
	--bin) bins+=("$2") ;;
	--file) files+=("$2") ;;
	--modules) IFS=, read -ra m <<< "$2"; mods+=("${m[@]}") ;;
	--disk) disk=$2 ;;
	--firmware-reboot) fw_reboot=$2 ;;
	--pack) pack=$2 ;;
	--expect-console) expects+=(--expect "$2") ;;
	*) echo "guest.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
script=${1:?guest.sh: missing SCRIPT}
[ -n "$out" ] || [ -n "$pack" ] || { echo "guest.sh: --out DIR is required" >&2; exit 2; }
[ -n "$out" ] && mkdir -p "$out"

case "$arch" in
x86) debarch=amd64 static="$top/build/meminit-static" busybox=/bin/busybox
	qemu=qemu-system-x86_64 console=ttyS0 ;;
arm64) debarch=arm64 static="$top/build/arm64/meminit-static"
	busybox=$("$here/busybox.sh" arm64) || exit 1
	qemu=qemu-system-aarch64 console=ttyAMA0
	[ -z "$pack" ] || { echo "guest.sh: --pack is for x86 guests" >&2; exit 2; } ;;
*) echo "guest.sh: unknown --arch $arch (x86 or arm64)" >&2; exit 2 ;;
esac
case "$kernel" in
6.1|6.12|6.12-16k)
	kver=("${kernel%-16k}" "$debarch")
	case "$kernel" in *-16k) kver+=(16k) ;; esac
	image=$("$here/kernel.sh" path "${kver[@]}")
	config=$("$here/kernel.sh" config "${kver[@]}") ;;
*)
	image=$kernel
	config=${GUEST_CONFIG:-$(dirname "$kernel")/config} ;;
esac
[ -f "$image" ] || { echo "guest.sh: no kernel image $image" >&2; exit 1; }

[ -x "$static" ] || { echo "guest.sh: $static not built (make ARCH=$arch)" >&2; exit 1; }

# --- initramfs ---------------------------------------------------------
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
mkdir -p "$root"/{bin,sbin,proc,sys,dev,tmp,out,boot,etc,run}
cp "$busybox" "$root/bin/busybox"
# The applets of this machine's busybox: the same Debian package and
# configuration as the guest's, and runnable here. One process for them all
# (an ln each took seconds of every boot on a loaded host).
# shellcheck disable=SC2046
perl -e 'chdir shift or die; for (@ARGV) { next if $_ eq "busybox"; unlink; symlink("busybox", $_) or die "$_: $!\n" }' \
	"$root/bin" $(/bin/busybox --list)
cp "$static" "$root/bin/meminit"
cp "$script" "$root/test.sh"
cp "$here/guest-lib.sh" "$root/guest-lib.sh"
for b in "${bins[@]}"; do
	[ -x "$b" ] || { echo "guest.sh: --bin $b is not an executable" >&2; exit 1; }
	for f in "$b" $(ldd "$b" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}'); do
		mkdir -p "$root$(dirname "$f")"
		cp -L "$f" "$root$f"
	done
done
for f in "${files[@]}"; do
	src=${f%%:*} dest=${f#*:}
	[ -f "$src" ] && [ "$dest" != "$f" ] && [ "${dest#/}" != "$dest" ] ||
		{ echo "guest.sh: --file wants SRC:/DEST with SRC a file, not '$f'" >&2; exit 1; }
	mkdir -p "$root$(dirname "$dest")"
	cp -L "$src" "$root$dest"
done
[ -f "$config" ] && cp "$config" "$root/boot/config-kernel"
# Modules on a stock kernel, for the disk (Debian builds virtio_blk and ext4
# as modules, xz-compressed) and --modules: decompressed here, loaded in
# dependency order.
[ ${#mods[@]} = 0 ] || [[ "$kernel" == 6.* ]] ||
	{ echo "guest.sh: --modules come from a stock kernel (--kernel 6.1|6.12), not $kernel" >&2; exit 2; }
diskmods=()
[ -n "$disk" ] && diskmods=(virtio_ring virtio virtio_pci virtio_blk crc32c_generic ext4)
if [[ "$kernel" == 6.* ]] && [ $(( ${#mods[@]} + ${#diskmods[@]} )) -gt 0 ]; then
	moddir=$("$here/kernel.sh" dir "${kver[@]}")/lib/modules
	mkdir -p "$root/lib/modules"
	: > "$root/lib/modules/order"
	addmod() {
		local f name dep
		f=$(find "$moddir" -name "$1.ko*" | head -n1)
		[ -n "$f" ] || return 0	# built in
		name=$(basename "$f"); name=${name%%.ko*}
		[ -f "$root/lib/modules/$name.ko" ] && return 0
		case "$f" in *.xz) xz -dc "$f" ;; *.zst) zstd -dcq "$f" ;; *) cat "$f" ;; esac \
			> "$root/lib/modules/$name.ko"
		for dep in $(modinfo -F depends "$root/lib/modules/$name.ko" | tr , ' '); do
			addmod "$dep"
		done
		echo "$name" >> "$root/lib/modules/order"
	}
	for m in "${diskmods[@]}"; do addmod "$m"; done
	for m in "${mods[@]}"; do
		[ -n "$(find "$moddir" -name "$m.ko*" | head -n1)" ] ||
			grep -qw "$m" "$moddir"/*/modules.builtin 2> /dev/null ||
			{ echo "guest.sh: no module $m in $kernel ($debarch)" >&2; exit 2; }
		addmod "$m"
	done
fi
cat > "$root/init" <<'INIT'
#!/bin/sh
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev 2>/dev/null
mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
[ -f /boot/config-kernel ] && mv /boot/config-kernel "/boot/config-$(uname -r)"
[ -f /lib/modules/order ] && for m in $(cat /lib/modules/order); do insmod "/lib/modules/$m.ko"; done
echo "=== MEMINIT-GUEST-START"
sh /test.sh 2>&1
echo "=== MEMINIT-GUEST-RC $?"
# For the host's scan: the taint flags and the whole kernel log (the
# console shows only errors: quiet loglevel=4).
echo "=== MEMINIT-TAINT $(cat /proc/sys/kernel/tainted)"
echo "=== MEMINIT-DMESG-BEGIN"
dmesg | gzip | base64
echo "=== MEMINIT-DMESG-END"
echo "=== MEMINIT-OUT-BEGIN"
(cd /out && tar cf - . | gzip | base64)
echo "=== MEMINIT-OUT-END"
poweroff -f
INIT
chmod +x "$root/init" "$root/test.sh"
(cd "$root" && find . | cpio -o -H newc --quiet | gzip -1) > "$work/initrd.gz"

# --- QEMU command line ---------------------------------------------------
IFS=, read -ra sizes <<< "$nodes"
IFS=, read -ra cpus_per <<< "${node_cpus:-}"
numa=() ncpu=0 total_mb=0
to_mb() { case "$1" in *G) echo $(( ${1%G} * 1024 ));; *M) echo "${1%M}";; *) echo "$1";; esac; }
for i in "${!sizes[@]}"; do
	mb=$(to_mb "${sizes[$i]}")
	c=${cpus_per[$i]:-1}
	cpuarg=""
	if [ "$c" -gt 0 ]; then
		cpuarg=",cpus=$ncpu-$((ncpu + c - 1))"
		ncpu=$((ncpu + c))
	fi
	if [ "$mb" -gt 0 ]; then
		numa+=(-object "memory-backend-ram,id=m$i,size=${mb}M" -numa "node,nodeid=$i$cpuarg,memdev=m$i")
	else
		# A memoryless node: a NUMA node with CPUs and no memdev.
		numa+=(-numa "node,nodeid=$i$cpuarg")
	fi
	total_mb=$((total_mb + mb))
done
mem="${total_mb}M"
panic=-1 noreboot=-no-reboot
[ "$fw_reboot" = yes ] && panic=1 noreboot=""
diskargs=()
if [ -n "$disk" ]; then
	[ -f "$disk" ] || { echo "guest.sh: no disk image $disk" >&2; exit 1; }
	# Kernel and initrd of this guest into the disk's /boot, for kexec; only
	# into a fresh disk: one that a guest used may hold an unreplayed journal
	# (power cut), which the guest's kernel, not the host, must recover.
	if ! debugfs -R "stat boot/initrd.gz" "$disk" 2>/dev/null | grep -q 'Size:'; then
		printf 'mkdir boot\nwrite %s boot/vmlinuz\nwrite %s boot/initrd.gz\n' \
			"$image" "$work/initrd.gz" > "$work/debugfs.cmds"
		debugfs -w -f "$work/debugfs.cmds" "$disk" >/dev/null 2>&1
		debugfs -R "stat boot/initrd.gz" "$disk" 2>/dev/null | grep -q "Size: $(stat -c %s "$work/initrd.gz")" ||
			{ echo "guest.sh: cannot write the kernel and initrd into $disk (ext4?)" >&2; exit 1; }
	fi
	diskargs=(-drive "file=$disk,format=raw,if=virtio,cache=writeback")
fi
[ -n "$maxmem" ] && mem="$mem,slots=4,maxmem=$maxmem"

if [ -n "$pack" ]; then
	# The guest as a folder: the same QEMU arguments, paths made relative.
	rm -rf "$pack"
	mkdir -p "$pack/qemu/lib" "$pack/qemu/share"
	cp "$image" "$pack/bzImage"
	cp "$work/initrd.gz" "$pack/initrd.gz"
	q=$(command -v qemu-system-x86_64)
	cp "$q" "$pack/qemu/"
	ldd "$q" | awk '$2 == "=>" && $3 ~ /^\// {print $3} $1 ~ /^\// {print $1}' |
		while read -r f; do cp -L "$f" "$pack/qemu/lib/"; done
	# Debian's QEMU loads its accelerators as modules (QEMU_MODULE_DIR)
	mkdir -p "$pack/qemu/modules"
	cp /usr/lib/x86_64-linux-gnu/qemu/accel-*.so "$pack/qemu/modules/" 2>/dev/null || true
	for f in /usr/share/seabios/bios-256k.bin /usr/share/qemu/kvmvapic.bin \
		/usr/share/qemu/linuxboot_dma.bin /usr/share/qemu/linuxboot.bin \
		/usr/share/seabios/vgabios-stdvga.bin /usr/share/qemu/efi-e1000.rom; do
		[ -f "$f" ] && cp -L "$f" "$pack/qemu/share/"
	done
	{
		echo "-cpu max -m $mem -smp $ncpu -nic none"
		printf '%s\n' "${numa[@]}"
		echo "-append"
		echo "console=$console panic=$panic quiet loglevel=4 $append"
	} > "$pack/qemu-args"
	echo "$timeout_s" > "$pack/timeout"
	cp "$here/pack-run.sh" "$pack/run.sh"
	chmod +x "$pack/run.sh"
	echo "guest.sh: packed into $pack ($(du -sh "$pack" | cut -f1))"
	exit 0
fi
machine=() cpu=max
if [ "$arch" = x86 ]; then
	accel=$("$here/accel.sh")
else
	# QEMU's virt board, as Debian's arm64 kernel expects it (device tree,
	# PL011 console, PSCI power-off); TCG, this machine being x86.
	# Without FEAT_LPA2: with it 6.12 runs 52-bit virtual addresses on five
	# levels, where kexec_load oopses in trans_pgd_create_copy() (its
	# copy_p4d() never allocates the p4d table; fixed in later kernels).
	accel=tcg,thread=multi machine=(-M virt) cpu=max,lpa2=off
fi
log=$out/console.log
# shellcheck disable=SC2086
cmd=("$qemu" "${machine[@]}" -accel "$accel" -cpu "$cpu" -m "$mem" -smp "$ncpu" "${numa[@]}"
	-kernel "$image" -initrd "$work/initrd.gz"
	-append "console=$console panic=$panic quiet loglevel=4 $append"
	"${diskargs[@]}" -display none -serial "file:$log" $noreboot $qemu_extra)
echo "${cmd[*]}" > "$out/qemu-cmdline"
mkdir -p "$cache"
# Stock 6.12 once oopsed on an int3 in sched_clock_cpu while patching its
# text under multi-threaded TCG, before the guest script started: that one
# signature, on a stock kernel (Debian's, fetched by kernel.sh), is booted
# once more, and said so (tests/run-all.sh lists each retry and fails a run
# with more than a few). Any other crash is the boot's result: a kernel this
# project builds (--kernel PATH) is never booted again after one.
stock=""
case "$kernel" in 6.1|6.12|6.12-16k) stock=yes ;; esac
# stock_flake LOG: the first oops before the guest script is an int3 with
# its RIP in sched_clock*; prints those two lines.
stock_flake() {
	awk '{ sub(/\r$/, "") }
		/^=== MEMINIT-GUEST-START/ { exit }
		!oops && /Oops: / { oops = 1; int3 = /Oops: int3/; o = $0; next }
		oops && /RIP: [0-9a-f]+:/ { ok = int3 && /RIP: [0-9a-f]+:(native_)?sched_clock/; r = $0; exit }
		END { if (ok) print o " | " r; exit !ok }' "$1"
}
for attempt in 1 2; do
	start=$(date +%s)
	set +e
	flock "$cache/qemu.lock" timeout "$timeout_s" "${cmd[@]}" > "$out/qemu.log" 2>&1
	rc=$?
	set -e
	echo "$(( $(date +%s) - start ))" > "$out/boot-seconds"
	if [ $attempt = 1 ] && [ -n "$stock" ] && [ "$arch" = x86 ] && oops=$(stock_flake "$log"); then
		mv "$log" "$log.crashed"
		why="stock $kernel oopsed before the guest script started ($oops): the known int3 in sched_clock under multi-threaded TCG; booted once more (first console: $log.crashed)"
		echo "guest.sh: $why" >&2
		[ -n "${MEMINIT_GUEST_EVENTS:-}" ] && echo "guest boot $out retried: $why" >> "$MEMINIT_GUEST_EVENTS"
		continue
	fi
	break
done
[ -f "$log" ] || { echo "guest.sh: QEMU exited with $rc and wrote no console; see $out/qemu.log" >&2; exit 1; }
tr -d '\r' < "$log" > "$work/log"
# The kernel log init printed after the script (the last one, where a loop
# booted several kernels), then the scan of it and of the console.
"$here/console-scan.sh" --extract-dmesg "$work/log" > "$out/guest-dmesg.txt" || rm -f "$out/guest-dmesg.txt"
scan=("$log")
[ -s "$out/guest-dmesg.txt" ] && scan+=("$out/guest-dmesg.txt")
if ! hit=$("$here/console-scan.sh" "${expects[@]}" "${scan[@]}"); then
	echo "guest.sh: a kernel line no --expect-console names: ${hit:-console-scan.sh failed}" >&2
	exit 1
fi
if [ $rc -ne 0 ]; then
	echo "guest.sh: QEMU exited with $rc (124 = timeout); see $log" >&2
	exit 1
fi
sed -n '/^=== MEMINIT-OUT-BEGIN/,/^=== MEMINIT-OUT-END/p' "$work/log" | sed '1d;$d' |
	base64 -d 2>/dev/null | tar xzf - -C "$out" 2>/dev/null ||
	{ echo "guest.sh: no /out archive in $log" >&2; exit 1; }
grc=$(sed -n 's/^=== MEMINIT-GUEST-RC \([0-9]*\)$/\1/p' "$work/log")
[ "$grc" = 0 ] || { echo "guest.sh: guest script exited with ${grc:-nothing}; see $log" >&2; exit 1; }
exit 0
