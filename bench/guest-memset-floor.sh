# shellcheck shell=sh
# Runs inside the patched guest (busybox sh) for bench/memset-floor.sh: this
# boot's meminit report and, in the same guest, membw's store bandwidth per
# node, with the kernel's ground truth (zoneinfo, node CPU lists, CPU flags
# that pick the kernel's memset and clear_page) beside them. membw's path and
# options come on the kernel command line (membw_bin=, membw_args=).
cd /out || exit 1
uname -r > "./uname"
cat /proc/cmdline > cmdline
dmesg > dmesg.txt
cat /proc/zoneinfo > zoneinfo
for n in /sys/devices/system/node/node[0-9]*; do
	cat $n/meminfo
	echo "Node ${n##*node} cpulist $(cat $n/cpulist)"
done > node-meminfo
# erms/fsrm/fsrs/rep_good decide which of membw's patterns is the kernel's own
sed -n 's/^flags[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p > cpu-flags
meminit report --format json > report.json 2> report.err
echo $? > report.rc
meminit report > report.txt 2>&1
bin=$(sed -n 's/.*membw_bin=\([^ ]*\).*/\1/p' /proc/cmdline)
args=$(sed -n 's/.*membw_args=\([^ ]*\).*/\1/p' /proc/cmdline | tr , ' ')
[ -x "$bin" ] || { echo "membw not in the guest: '$bin'"; exit 1; }
# shellcheck disable=SC2086
"$bin" $args > membw.json 2> membw.err
echo $? > membw.rc
# Ground truth again after membw: the buffers it bound are freed, nothing moved
cat /proc/zoneinfo > zoneinfo.after
exit 0
