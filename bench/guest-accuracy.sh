#!/bin/sh
# Runs in the guest (busybox sh) on every boot of bench/accuracy.sh. The
# first (cold) boot starts a 'meminit kexec' loop of $(cat /mnt/runs) runs on
# the disk (/dev/vda); every kexec boot saves the kernel's own figures of
# that boot (dmesg, /proc/zoneinfo, the node layout) under acc/<boot_id>.*
# before the hook collects the boot records and kexecs the next run. The
# boot that ends the loop copies everything to /out.
mkdir -p /mnt
mount -t ext4 /dev/vda /mnt || { echo "guest-accuracy: cannot mount /dev/vda"; exit 1; }
D=/mnt/kx
A=/mnt/acc
bid=$(cat /proc/sys/kernel/random/boot_id)
mkdir -p $A
layout() {
	for n in /sys/devices/system/node/node[0-9]*; do
		# CPUs and memory blocks; MemTotal is not compared: the memory the
		# kexec'd kernel and initrd were loaded into differs between boots.
		echo "node ${n##*node} cpus $(cat $n/cpulist) blocks $(cd $n && ls -d memory[0-9]* 2>/dev/null | sed 's/memory//' | sort -n | tr '\n' ',')"
	done
}
if [ ! -f $D/plan.json ]; then
	layout > $A/cold.nodes
	cat /proc/zoneinfo > $A/cold.zoneinfo
	meminit kexec --runs "$(cat /mnt/runs)" --out $D --kernel /mnt/boot/vmlinuz \
		--initrd /mnt/boot/initrd.gz --reuse-cmdline --max-failures 2 --yes
	echo "guest-accuracy: the first kexec did not happen"
	umount /mnt
	exit 1
fi
dmesg > $A/$bid.dmesg
cat /proc/zoneinfo > $A/$bid.zoneinfo
layout > $A/$bid.nodes
sync
meminit kexec --hook $D
rc=$?
# Only reached when the loop is over.
meminit kexec --status $D > /out/status.txt 2>&1
cp -r $D/runs /out/runs
[ -d $D/failures ] && cp -r $D/failures /out/failures
cp $D/plan.json /out/
cp $D/done.json /out/ 2>/dev/null
cp -r $A /out/acc
umount /mnt
exit $rc
