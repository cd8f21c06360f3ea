# Runs in the guest (busybox sh) for bench/boot-cost.sh: saves what each
# tool recorded of this boot. Nothing runs before it but the initramfs's /init
# mounts, so /proc/uptime here is when userspace started (what systemd-analyze
# calls the end of the kernel phase).
cut -d' ' -f1 /proc/uptime > /out/uptime-at-init
dmesg > /out/dmesg.txt
cat /proc/zoneinfo > /out/zoneinfo
cat /proc/cmdline > /out/cmdline
t=/sys/kernel/tracing
if [ -r $t/trace ] && [ "$(cat $t/current_tracer)" != nop ] || grep -q trace_event= /proc/cmdline; then
	cat $t/current_tracer > /out/tracer
	cat $t/trace > /out/trace.txt
	# Entries the ring buffer dropped, per CPU: a trace that lost entries
	# cannot be trusted for durations.
	for c in $t/per_cpu/cpu*; do
		echo "${c##*/} $(sed -n 's/^overrun: //p' $c/stats)"
	done > /out/overrun
fi
meminit report --format json > /out/report.json 2> /out/report.err
echo $? > /out/report.rc
exit 0
