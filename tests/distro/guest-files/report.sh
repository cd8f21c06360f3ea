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
sync
echo "MEMINIT-TEST-READY $b" > /dev/console
