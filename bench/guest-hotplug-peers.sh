# Runs inside the guest (busybox sh) for bench/hotplug-peers.sh. The lines
# above this file set REPS, CONDS, TIMER (the static online-timer) and
# BPFTRACE (its path, empty without it), DIAG (tracers to run once more
# with -v, for a start-up timeline), and write the bpftrace scripts to /tmp.
#
# Per condition: start the tracer (none, meminit trace, bpftrace) and time
# its start-up to ready, then REPS times online node 1's offline blocks as
# ZONE_MOVABLE (timed) and offline them again (not timed), then stop the
# tracer and keep its output, peak RSS and CPU time. Files in /out, per
# condition C: C.launch (pid, ready_ns), C.online / C.offline (one
# online-timer line per rep), C.tool (the tracer's output), C.json
# (meminit's JSON), C.status (/proc/PID/status at the end), C.stat.
cd /out || exit 1
uname -r > kernel.txt
cat /proc/cmdline > cmdline.txt
cat /sys/devices/system/memory/block_size_bytes > block_size_bytes.txt
cs=/sys/devices/system/clocksource/clocksource0/current_clocksource
echo "start $(cat $cs)" > clocksource.txt
# bpftrace -c runs this once its probes are attached: the ready signal. The
# sleep holds no copy of the output pipe, so the output ends with bpftrace.
printf '#!/bin/sh\necho MEMINIT-BENCH-READY\nexec sleep 100000 >/dev/null 2>&1 </dev/null\n' > /tmp/ready.sh
if [ -n "$BPFTRACE" ]; then
	"$BPFTRACE" --info > bpftrace-info.txt 2>&1
	"$BPFTRACE" -l 'kfunc:vmlinux:online_pages' > bpftrace-list.txt 2>&1
fi
for f in /sys/devices/system/node/node1/memory[0-9]*; do
	echo "${f##*/memory} $(cat "$f/state")"
done > blocks1.before
# One untimed round first: the first online of a DIMM may differ from later ones.
"$TIMER" 1 online_movable > warmup.online 2> warmup.err
"$TIMER" 1 offline > warmup.offline 2>> warmup.err

# wait_done FILE: until the copier saw the tracer's output end (at most 600 s).
wait_done() {
	i=0
	while [ ! -e "$1.done" ] && [ $i -lt 600 ]; do
		sleep 1
		i=$((i + 1))
	done
	[ -e "$1.done" ]
}

# launch C BASE: start the tracer of condition C (BASE without the round
# suffix); C.launch gets "pid=P ready_ns=N", or stays empty on failure.
launch() {
	case $2 in
	meminit-fentry|meminit-kprobe|meminit-auto)
		# stdout (the JSON) to its own file, stderr through the timer's pipe.
		"$TIMER" launch "$1.tool" "tracing with" -- sh -c \
			"exec meminit $MEMINIT_V trace --attach ${2#meminit-} --format json > $1.json" \
			> "$1.launch" 2> "$1.launch.err" ;;
	bpftrace-kfunc|bpftrace-kprobe)
		"$TIMER" launch "$1.tool" MEMINIT-BENCH-READY --mark Attaching -- \
			"$BPFTRACE" "/tmp/live-${2#bpftrace-}.bt" -c "/bin/sh /tmp/ready.sh" \
			> "$1.launch" 2> "$1.launch.err" ;;
	esac
}

for c in $CONDS; do
	base=${c%.*}
	pid=""
	: > "$c.launch"
	echo "$c $(cat $cs)" >> clocksource.txt
	if [ "$base" != none ]; then
		MEMINIT_V="" launch "$c" "$base"
		pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' "$c.launch")
		if [ -z "$pid" ]; then
			echo "$c: not started: $(cat "$c.launch.err")" >> errors.txt
			continue
		fi
	fi
	r=0
	while [ $r -lt "$REPS" ]; do
		"$TIMER" 1 online_movable >> "$c.online" 2>> "$c.err"
		"$TIMER" 1 offline >> "$c.offline" 2>> "$c.err"
		r=$((r + 1))
	done
	if [ -n "$pid" ]; then
		cat "/proc/$pid/status" > "$c.status"
		cat "/proc/$pid/stat" > "$c.stat"
		kill -INT "$pid"
		wait_done "$c.tool" || echo "$c: output did not end in 600 s" >> errors.txt
	fi
done
# Where meminit's start-up goes: its -v lines (libbpf's included), each with
# the time it arrived (diag-*.tool.times). Not part of the measurement.
for m in $DIAG; do
	MEMINIT_V=-v launch "diag-$m" "$m"
	pid=$(sed -n 's/^pid=\([0-9]*\) .*/\1/p' "diag-$m.launch")
	[ -n "$pid" ] || continue
	kill -INT "$pid"
	wait_done "diag-$m.tool" || echo "diag-$m: output did not end in 600 s" >> errors.txt
done
for f in /sys/devices/system/node/node1/memory[0-9]*; do
	echo "${f##*/memory} $(cat "$f/state")"
done > blocks1.after
echo "end $(cat $cs)" >> clocksource.txt
dmesg > dmesg.txt
getconf CLK_TCK > clk_tck.txt 2>/dev/null || echo 100 > clk_tck.txt
exit 0
