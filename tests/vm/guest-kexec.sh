#!/bin/sh
# The init-script form of the kexec boot hook, run by the guest's /init on
# every boot of the loop (cold, kexec or firmware reboot alike). The disk
# (/dev/vda, ext4) holds the loop's directory kx/, the kernel and initrd to
# kexec (boot/, written by guest.sh --disk), start.sh (the first boot's
# 'meminit kexec ... --yes') and, in the fault test, test-panic (a run index).
mkdir -p /mnt
mount -t ext4 /dev/vda /mnt || { echo "guest-kexec: cannot mount /dev/vda"; exit 1; }
D=/mnt/kx
echo "guest-kexec: boot $(cat /proc/sys/kernel/random/boot_id), uptime $(cut -d' ' -f1 /proc/uptime) s"
if [ -f "$D/plan.json" ]; then
	tp=""
	[ -f /mnt/test-panic ] && tp="--test-panic $(cat /mnt/test-panic)"
	# shellcheck disable=SC2086
	meminit kexec --hook "$D" $tp
else
	sh /mnt/start.sh
fi
rc=$?
echo "guest-kexec: the loop returned $rc"
# Only reached when there is no next kexec: the loop is over (or failed).
meminit kexec --status "$D" > /out/status.txt 2>&1
[ -f /mnt/after.sh ] && sh /mnt/after.sh
sync
umount /mnt
exit $rc
