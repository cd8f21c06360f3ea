# Runs inside the guest (busybox sh) for tests/vm/test_hotplug.sh.
# Ground truth is saved around every meminit run: /proc/zoneinfo and every
# node's meminfo, and each of node 1's blocks with its state.
# MODE is set by the line the test puts above this file: 612, 61, lockdown or
# virtio-mem (with VMEM_BLOCKS, the blocks the device plugs).
cd /out || exit 1
snap() {
	cat /proc/zoneinfo > "zoneinfo.$1"
	for n in /sys/devices/system/node/node[0-9]*; do
		sed -n 's/^Node \([0-9]*\) MemTotal: *\([0-9]*\) kB/\1 \2/p' "$n/meminfo"
	done > "memtotal.$1"
	for b in /sys/devices/system/node/node1/memory[0-9]*; do
		echo "${b##*/memory} $(cat "$b/state")"
	done > "blocks1.$1"
}
. /guest-lib.sh
uname -r > kernel.txt
if [ "$MODE" = virtio-mem ]; then
	# virtio-mem plugs its memory after its driver probes, in the
	# background: wait until node 1 holds VMEM_BLOCKS offline blocks.
	i=0
	while [ "$(cat /sys/devices/system/node/node1/memory[0-9]*/state 2> /dev/null | grep -c offline)" -lt "$VMEM_BLOCKS" ] &&
		[ $i -lt 120 ]; do
		sleep 1
		i=$((i + 1))
	done
	dmesg | grep -i 'virtio_mem' > virtio-mem.txt
fi
snap before
if [ "$MODE" = 612 ]; then
	# A trace running beside the hotplug run: two attachments, one truth.
	start_trace --duration 600 --format json
	run hotplug hotplug --node 1 --cpu 1 --movable --format json
	kill -INT $tp
	wait $tp
	echo $? > trace.rc
	snap after
	# The DIMM is now in ZONE_MOVABLE: offline and re-online it, kprobes only,
	# with a trace beside it exporting Prometheus text.
	TRACE_OUT=traceprom start_trace --duration 600 --format prom
	run cycle hotplug --node 1 --cycle --attach kprobe --format json
	kill -INT $tp
	wait $tp
	echo $? > traceprom.rc
	snap cycled
	run table hotplug --node 1
elif [ "$MODE" = virtio-mem ]; then
	run hotplug hotplug --node 1 --format json
	snap after
elif [ "$MODE" = lockdown ]; then
	# Booted with lockdown=confidentiality: BPF may not read kernel memory.
	mount -t securityfs securityfs /sys/kernel/security 2>/dev/null
	cat /sys/kernel/security/lockdown > lockdown.txt 2>&1
	run hotplug hotplug --node 1 --format json
	snap after
else
	run hotplug hotplug --node 1 --cpu 1 --movable --cycle --format json
	snap after
	# Without BPF: offline and re-online the same movable blocks, sysfs only.
	run nobpf hotplug --node 1 --cycle --no-bpf --format json
	# Once more with BPF, exported as CSV: the step in the name column.
	run cyclecsv hotplug --node 1 --cycle --format csv
	run memoryless hotplug --node 2
	run badcpu hotplug --node 1 --cpu 63
fi
run badnode hotplug --node 7
exit 0
