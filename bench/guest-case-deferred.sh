#!/bin/sh
# Runs in the guest (busybox sh) on every boot of bench/case-deferred.sh.
# The first (cold) boot starts one 'meminit kexec' loop of the variants
# bench/case-deferred.sh wrote to /mnt/kexec_args, $(cat /mnt/runs) runs
# each, alternated ABBA: base (the meminit kernel this guest booted,
# /mnt/boot/vmlinuz), each experiment's kernel (/mnt/kernels/VARIANT), and
# hash (base with a command line addition, the control arm). Every kexec
# boot saves its /proc/zoneinfo under acc/<boot_id>.zoneinfo (the ground
# truth of its struct pages) before the hook collects it and kexecs the
# next run. The boot that ends the loop copies everything to /out.
mkdir -p /mnt
mount -t ext4 /dev/vda /mnt || { echo "guest-case-deferred: cannot mount /dev/vda"; exit 1; }
D=/mnt/kx
A=/mnt/acc
mkdir -p $A
if [ ! -f $D/plan.json ]; then
	meminit kexec --runs "$(cat /mnt/runs)" --out $D --kernel /mnt/boot/vmlinuz \
		--initrd /mnt/boot/initrd.gz --reuse-cmdline --max-failures 2 \
		$(cat /mnt/kexec_args) --yes
	echo "guest-case-deferred: the first kexec did not happen"
	umount /mnt
	exit 1
fi
cat /proc/zoneinfo > "$A/$(cat /proc/sys/kernel/random/boot_id).zoneinfo"
sync
meminit kexec --hook $D
rc=$?
# Only reached when the loop is over.
meminit kexec --status $D > /out/status.txt 2>&1
cp -r $D /out/kx
cp -r $A /out/acc
umount /mnt
exit $rc
