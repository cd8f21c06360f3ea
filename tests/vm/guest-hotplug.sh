# Runs inside the guest (busybox sh) for tests/vm/test_hotplug.sh.
# Ground truth is saved around every meminit run: /proc/zoneinfo and every
# node's meminfo, and each of the hotplug node's blocks with its state.
# MODE is set by the line the test puts above this file: 612, 61, lockdown or
# virtio-mem (with VMEM_BYTES, the memory the device plugs, and VMEM_NODE,
# the node the kernel adds it to); REPORT, where set, a folder under /out
# for /guest-report.sh's outputs, once virtio-mem has plugged its blocks and
# before any is onlined. The DIMM of the other modes is on node 1.
cd /out || exit 1
N=${VMEM_NODE:-1}
snap() {
	cat /proc/zoneinfo > "zoneinfo.$1"
	for n in /sys/devices/system/node/node[0-9]*; do
		sed -n 's/^Node \([0-9]*\) MemTotal: *\([0-9]*\) kB/\1 \2/p' "$n/meminfo"
	done > "memtotal.$1"
	for b in /sys/devices/system/node/node$N/memory[0-9]*; do
		echo "${b##*/memory} $(cat "$b/state")"
	done > "blocks.$1"
}
. /guest-lib.sh
uname -r > kernel.txt
# The kernel's page and memory block sizes, in its own words.
awk '$1 == "KernelPageSize:" {print $2 * 1024; exit}' /proc/self/smaps > pagesize
cat /sys/devices/system/memory/block_size_bytes > block_size_bytes
if [ "$MODE" = virtio-mem ]; then
	# virtio-mem plugs its memory after its driver probes, in the
	# background: wait until its node holds all its blocks, offline (a memory
	# block is 128 MiB on 4 and 16 KiB pages, 512 MiB on 64 KiB).
	VMEM_BLOCKS=$((VMEM_BYTES / 0x$(cat block_size_bytes)))
	i=0
	while [ "$(cat /sys/devices/system/node/node$N/memory[0-9]*/state 2> /dev/null | grep -c offline)" -lt "$VMEM_BLOCKS" ] &&
		[ $i -lt 120 ]; do
		sleep 1
		i=$((i + 1))
	done
	dmesg | grep -i 'virtio_mem' > virtio-mem.txt
	[ -z "${REPORT:-}" ] || REPORT_OUT=/out/$REPORT sh /guest-report.sh
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
	run hotplug hotplug --node "$N" --format json
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
