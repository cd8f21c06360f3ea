#!/bin/sh
# Runs in the guest (busybox sh) on every boot of bench/repeat.sh, cold,
# kexec or firmware reboot alike. The disk (/dev/vda, ext4) holds groups
# (the number of groups to run) and group (the current one). Each group is a
# 'meminit kexec --runs 2' loop, so one guest alternates:
#   firmware boot F: start loop kx<g> (plan + kexec, no collection)
#   kexec boot K0:   the hook collects run 0 and kexecs          -> cycle A (kexec)
#   kexec boot K1:   the hook collects run 1, the loop ends, then
#                    reboot -f through the firmware (system_reset) -> cycle B (firmware)
# Every boot prints BENCH-MARK lines that the host stamps as they arrive.
up() { cut -d' ' -f1 /proc/uptime; }
echo "BENCH-MARK start up=$(up) boot=$(cat /proc/sys/kernel/random/boot_id)"
mkdir -p /mnt
mount -t ext4 /dev/vda /mnt || { echo "guest-repeat: cannot mount /dev/vda"; exit 1; }
n=$(cat /mnt/groups)
g=$(cat /mnt/group 2>/dev/null || echo 0)
D=/mnt/kx$g
finish() {
	mkdir -p /out/kx
	for d in /mnt/kx*; do
		[ -d "$d" ] && cp -r "$d/runs" "/out/kx/${d##*/}"
	done
	cp /mnt/group /out/group
	echo "BENCH-MARK finish up=$(up)"
	umount /mnt
	exit 0
}
if [ "$g" -ge "$n" ]; then
	finish
elif [ -f "$D/plan.json" ]; then
	echo "BENCH-MARK hook up=$(up) group=$g"
	meminit kexec --hook "$D"
	rc=$?
	# Only reached when the loop of this group is over.
	echo "BENCH-MARK loop-end up=$(up) group=$g rc=$rc"
	[ $rc = 0 ] || { umount /mnt; exit $rc; }
	echo $((g + 1)) > /mnt/group
	sync
	umount /mnt
	echo "BENCH-MARK fw-reboot up=$(up) group=$g"
	reboot -f
	sleep 60	# not reached: the firmware reboots the guest
else
	echo "BENCH-MARK kexec-start up=$(up) group=$g"
	meminit kexec --runs 2 --out "$D" --kernel /mnt/boot/vmlinuz --initrd /mnt/boot/initrd.gz \
		--reuse-cmdline --max-failures 1 --yes
	echo "guest-repeat: the kexec into group $g did not happen"
	umount /mnt
	exit 1
fi
