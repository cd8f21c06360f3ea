# Runs inside a patched guest (tests/vm/test_patched.sh): the boot records
# and the kernel's own ground truth of the same boot.
cp /sys/kernel/debug/meminit/records /out/records.txt
cat /sys/kernel/debug/meminit/records.bin > /out/records.bin
dmesg > /out/dmesg.txt
cat /proc/zoneinfo > /out/zoneinfo
for n in /sys/devices/system/node/node[0-9]*; do
	echo "${n##*node} $(awk '/MemTotal/ {print $4}' $n/meminfo) $(cat $n/cpulist)"
done > /out/nodes.txt
cat /sys/devices/system/cpu/possible /sys/devices/system/node/possible > /out/possible.txt
# The replay reaches the tracepoint: enable it, replay, read it back.
t=/sys/kernel/tracing
echo 1 > $t/events/meminit/meminit_replay/enable
echo 1 > /sys/kernel/debug/meminit/replay
cat $t/trace > /out/replay.txt
echo 0 > $t/events/meminit/meminit_replay/enable
meminit report --format json > /out/report.json 2> /out/report.err
true
