# Runs inside the patched guest (busybox sh) for tests/vm/test_attribution.sh:
# the boot records every way meminit reads them, the kernel's own ground
# truth of the same boot, a tracefs and a perf capture of the replay, and a
# hotplug DIMM onlined under 'meminit trace'.
cd /out || exit 1
d=/sys/kernel/debug/meminit
t=/sys/kernel/tracing
uname -r > uname
cat /proc/cmdline > cmdline
dmesg > dmesg.txt
cat /proc/zoneinfo > zoneinfo
cat /proc/vmallocinfo > vmallocinfo
for n in /sys/devices/system/node/node[0-9]*; do
	cat $n/meminfo
	echo "Node ${n##*node} cpulist $(cat $n/cpulist)"
done > node-meminfo
cat $t/trace > boot-trace.txt
meminit arm -q > arm.txt 2> arm.err
cp $d/records records.txt
cat $d/records.bin > records.bin
. /guest-lib.sh
run auto report --format json
run ringbuf report --via bpf --format json
run perfbuf report --via perfbuf --format json
run bin report --via bin --format json
run text report --via text --format json
run table report --timeline
# The replay through tracefs: the text 'perf script' also prints.
echo > $t/trace
echo 1 > $t/events/meminit/meminit_replay/enable
echo 1 > $d/replay
cat $t/trace > replay-trace.txt
echo 0 > $t/events/meminit/meminit_replay/enable
echo > $t/trace
# perf, if the test put it in the guest.
if [ -x /usr/bin/perf ]; then
	/usr/bin/perf record -e 'meminit:*' -a -o /tmp/perf.data -- sh -c "echo 1 > $d/replay" \
		> perf-record.log 2>&1
	echo $? > perf-record.rc
	/usr/bin/perf script -i /tmp/perf.data > perf-script.txt 2> perf-script.err
	echo $? > perf-script.rc
fi
# Hotplug: the DIMM on node 1 is offline (memhp_default_state=offline).
cat /proc/zoneinfo > zoneinfo.before
echo 1 > $t/events/meminit/meminit_record/enable
start_trace --duration 600 --format json
for b in /sys/devices/system/node/node1/memory[0-9]*; do
	[ "$(cat $b/state)" = offline ] && echo "${b##*/memory}" >> blocks-onlined &&
		echo online > $b/state
done
sleep 1
kill -INT $tp
wait $tp
echo $? > trace.rc
cat $t/trace > hotplug-trace.txt
echo 0 > $t/events/meminit/meminit_record/enable
cat /proc/zoneinfo > zoneinfo.after
exit 0
