# Runs inside a test guest (tests/vm/test_report.sh): meminit's views of
# this boot, and the kernel's own ground truth beside them.
meminit report --format json > /out/report.json 2> /out/report.err
echo $? > /out/report.rc
meminit report > /out/report.txt 2>&1
meminit check --format json > /out/check.json 2> /out/check.err
dmesg > /out/dmesg.txt
uname -r > /out/uname
cat /proc/cmdline > /out/cmdline
for n in /sys/devices/system/node/node[0-9]*; do
	cat $n/meminfo
	echo "Node ${n##*node} cpulist $(cat $n/cpulist)"
done > /out/node-meminfo
cat /proc/zoneinfo > /out/zoneinfo
cat /proc/vmallocinfo > /out/vmallocinfo
cat /sys/kernel/tracing/trace > /out/trace.txt 2>/dev/null
for n in /sys/devices/system/node/node[0-9]*; do
	id=${n##*node}
	echo "$id $(awk '/MemTotal/ {print $4}' $n/meminfo) $(cat $n/cpulist)"
done > /out/nodes.txt
meminit report --dmesg /out/dmesg.txt --format json > /out/report-file.json 2> /out/report-file.err
meminit report --node 99 > /out/badnode.out 2> /out/badnode.err
echo $? > /out/badnode.rc
true
