# shellcheck shell=sh
# Runs inside the guest (busybox sh) for bench/bpf-cost.sh: meminit's BPF
# programs with their run-time statistics on (--bpf-stats), on the DIMM the
# kernel left offline on node 1. MODE (stock or patched) is set by the line
# bench/bpf-cost.sh puts above this file.
cd /out || exit 1
. /guest-lib.sh
uname -r > kernel.txt
cat /proc/sys/kernel/bpf_stats_enabled > stats-sysctl.txt 2>&1
if [ "$MODE" = patched ]; then
	# Every boot record through tp_btf on meminit:meminit_replay.
	grep '^# records' /sys/kernel/debug/meminit/records > records-header.txt
	meminit report --via bpf --bpf-stats --format json > replay.out 2> replay.err
	echo $? > replay.rc
	# meminit:meminit_record of each hotplug memmap init, beside the live programs.
	start_trace --duration 600 --bpf-stats --format json
	run hotplug hotplug --node 1 --cpu 1 --movable --bpf-stats --format json
	kill -INT $tp
	wait $tp
	echo $? > trace.rc
else
	# fentry/fexit on the online path, then the same blocks offlined and
	# onlined again with kprobe/kretprobe.
	run hotplug hotplug --node 1 --cpu 1 --movable --bpf-stats --format json
	run kprobe hotplug --node 1 --cpu 1 --cycle --attach kprobe --bpf-stats --format json
fi
exit 0
