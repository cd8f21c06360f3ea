#!/bin/sh
# Test only (tests/distro/): this boot's results into /var/tmp/meminit-test/
# BOOT_ID/, read by the host from the disk after a clean shutdown.
b=$(cat /proc/sys/kernel/random/boot_id)
o=/var/tmp/meminit-test/$b
mkdir -p "$o"
systemctl show meminit-boot.service -p ActiveState -p Result -p ExecMainStatus \
	-p ExecMainStartTimestampMonotonic > "$o/unit.txt"
journalctl -b -u meminit-boot.service -o short-monotonic --no-pager > "$o/unit-journal.txt"
journalctl -b -k -o cat --no-pager > "$o/kernel-journal.txt"
dmesg > "$o/dmesg.txt"
cat /proc/zoneinfo > "$o/zoneinfo"
for n in /sys/devices/system/node/node[0-9]*; do
	echo "${n##*node} $(awk '/MemTotal/ {print $4}' "$n/meminfo") $(cat "$n/cpulist")"
done > "$o/nodes.txt"
cat /proc/cmdline > "$o/cmdline"
uname -r > "$o/uname"
ls -l /var/lib/meminit/boots > "$o/archive-ls.txt" 2>&1
cp /var/lib/meminit/boots/"$b".json "$o/report.json" 2>/dev/null
cp /var/lib/prometheus/node-exporter/meminit.prom "$o/" 2>/dev/null
dpkg-query -W -f '${Version}\n' meminit > "$o/dpkg-version"
dpkg-query -W -f '${Conffiles}\n' meminit > "$o/conffiles"

# The kexec loop (meminit_test_kexec=N on the command line): the first boot
# starts a loop of N runs through the installed meminit-kexec.service; its
# boots pass (the hook kexecs on); the boot after the last one hands over
# every boot's journal, the loop's directory and meminit's view of it.
n=$(sed -n 's/.*meminit_test_kexec=\([0-9]*\).*/\1/p' /proc/cmdline)
loop=/var/lib/meminit/loop
if [ -n "$n" ]; then
	if [ ! -e "$loop" ]; then
		systemctl enable meminit-kexec.service
		echo "MEMINIT-TEST-LOOP-START $b" > /dev/kmsg
		exec meminit kexec --runs "$n" --out "$loop" --kernel /vmlinuz --initrd /initrd.img \
			--reuse-cmdline --yes
	fi
	[ -e /var/lib/meminit/kexec-active ] && exit 0
	journalctl --list-boots --no-pager > "$o/boots.txt"
	for id in $(awk '$2 ~ /^[0-9a-f]+$/ && length($2) == 32 {print $2}' "$o/boots.txt"); do
		journalctl -b "$id" -k -o cat --no-pager > "$o/kernel-$id.txt"
		journalctl -b "$id" -o short-monotonic --no-pager > "$o/journal-$id.txt"
	done
	meminit kexec --status "$loop" > "$o/kexec-status.txt" 2>&1
	meminit stats --format json "$loop" > "$o/stats.json" 2> "$o/stats.err"
	cp -r "$loop" "$o/loop"
fi
sync
# Through the kernel's log, not /dev/console: printk writes the serial
# console itself, where a tty write can still be queued when agetty opens
# ttyS0 and flushes it (seen once: the unit ran, the line never came).
echo "MEMINIT-TEST-READY $b" > /dev/kmsg
