# Shell helpers for the scripts that run inside a guest (busybox sh); guest.sh
# puts this file at /guest-lib.sh. Source it with '. /guest-lib.sh'.

# run NAME ARGS...: meminit's stdout, stderr and exit status into NAME.*
run() {
	name=$1
	shift
	meminit "$@" > "$name.out" 2> "$name.err"
	echo $? > "$name.rc"
}

# start_trace ARGS...: 'meminit trace ARGS' in the background into trace.out
# and trace.err ($TRACE_OUT.out and .err when set), returning once it says
# it is attached (or has exited, or after 120 s); its pid is in $tp.
start_trace() {
	to=${TRACE_OUT:-trace}
	meminit trace "$@" > "$to.out" 2> "$to.err" &
	tp=$!
	i=0
	while ! grep -q 'tracing with' "$to.err" && kill -0 $tp 2>/dev/null && [ $i -lt 120 ]; do
		sleep 1
		i=$((i + 1))
	done
}
