# Runs inside a test guest (tests/vm/test_report.sh): meminit's views of
# this boot, and the kernel's own ground truth beside them, into /out, or
# into REPORT_OUT where a guest script that does more sets it.
O=${REPORT_OUT:-/out}
mkdir -p "$O"
meminit report --format json > $O/report.json 2> $O/report.err
echo $? > $O/report.rc
meminit report > $O/report.txt 2>&1
meminit check --format json > $O/check.json 2> $O/check.err
dmesg > $O/dmesg.txt
uname -r > $O/uname
cat /proc/cmdline > $O/cmdline
for n in /sys/devices/system/node/node[0-9]*; do
	cat $n/meminfo
	echo "Node ${n##*node} cpulist $(cat $n/cpulist)"
done > $O/node-meminfo
cat /proc/zoneinfo > $O/zoneinfo
cat /proc/vmallocinfo > $O/vmallocinfo
# The kernel's page size in its own words, not meminit's: the size of the
# pages mapping this awk (smaps' KernelPageSize), and its config's option.
awk '$1 == "KernelPageSize:" {print $2 * 1024; exit}' /proc/self/smaps > $O/pagesize
grep -E '^CONFIG_(PAGE_SHIFT|ARM64_(4K|16K|64K)_PAGES)=' "/boot/config-$(uname -r)" > $O/page-config 2>/dev/null
cat /sys/kernel/tracing/trace > $O/trace.txt 2>/dev/null
for n in /sys/devices/system/node/node[0-9]*; do
	id=${n##*node}
	echo "$id $(awk '/MemTotal/ {print $4}' $n/meminfo) $(cat $n/cpulist)"
done > $O/nodes.txt
meminit report --dmesg $O/dmesg.txt --format json > $O/report-file.json 2> $O/report-file.err
meminit report --node 99 > $O/badnode.out 2> $O/badnode.err
echo $? > $O/badnode.rc
true
