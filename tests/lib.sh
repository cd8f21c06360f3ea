# Shared by the shell tests. Every test result is one line on stdout:
#   PASS <name>            FAIL <name>: <why>            SKIP <name>: <why>
# tests/run-all.sh counts them. A test that cannot run says why and skips;
# a skip is never a pass.
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MEMINIT=${MEMINIT_BIN:-$TOP/build/meminit}	# MEMINIT_BIN: another build (build-asan)
OUTROOT=${MEMINIT_TEST_OUT:-$TOP/build/test-out}
mkdir -p "$OUTROOT"
# Benchmarks run by tests (--small) write here, not over make bench's
# results in build/bench/.
export MEMINIT_BENCH_OUT=$OUTROOT/bench

pass() { echo "PASS $1"; }
fail() { echo "FAIL $1: $2"; }
skip() { echo "SKIP $1: $2"; }
# check NAME CONDITION-DESCRIPTION command...: PASS if the command succeeds.
check() {
	local name=$1 what=$2
	shift 2
	if "$@" >/dev/null 2>&1; then pass "$name"; else fail "$name" "$what"; fi
}

# Prerequisites, as git's t/ states them.
have_root() { [ "$(id -u)" = 0 ]; }
have_qemu() { command -v qemu-system-x86_64 >/dev/null && [ -x /bin/busybox ]; }
# What this kernel lets BPF attach, read by tools other than meminit, so a
# test can derive the answer meminit must give instead of accepting either.
# host_kfunc: bpftrace's own feature probe (it loads a tracing program on a
# kernel function); prints yes or no, nothing when bpftrace cannot tell.
host_kfunc() { bpftrace --info 2>&1 | sed -n 's/^ *kfunc: *\(yes\|no\)$/\1/p' | head -n1; }
# host_kprobes: the kprobe PMU or tracefs kprobe_events exists.
host_kprobes() {
	[ -e /sys/bus/event_source/devices/kprobe/type ] ||
		[ -e /sys/kernel/tracing/kprobe_events ] || [ -e /sys/kernel/debug/tracing/kprobe_events ]
}
# skip_missing PREREQ NAME WHY: the one way to skip: SKIP naming the
# prerequisite this machine lacks. tests/run-all.sh probes it again
# (prereq_present) and counts the SKIP as a FAIL where it is present after
# all, or where a SKIP line names none: a test that can run here runs.
skip_missing() { skip "$2" "$3 [missing: $1]"; }
# prereq_present PREREQ: 0 when this machine has it, 1 when it has not,
# 2 when PREREQ is no prerequisite word.
prereq_present() {
	case "$1" in
	root) have_root ;;
	qemu) have_qemu ;;
	vm) have_qemu && [ -z "${MEMINIT_NO_VM:-}" ] ;;	# VM tests may run here
	kvm) [ -w /dev/kvm ] ;;
	arm64-host) [ "$(uname -m)" = aarch64 ] ;;
	deps) "$TOP/tests/deps.sh" --check > /dev/null 2>&1 ;;	# all that make deps installs
	btf) [ -r /sys/kernel/btf/vmlinux ] ;;
	nobody) id nobody > /dev/null 2>&1 ;;	# a user to drop root to
	dmesg-restrict) [ "$(cat /proc/sys/kernel/dmesg_restrict 2> /dev/null)" = 1 ] ;;
	stock-kernel) "$TOP/tests/vm/kernel.sh" path 6.12 > /dev/null 2>&1 ;;	# cached, or apt can fetch it
	no-kexec) [ ! -e /sys/kernel/kexec_loaded ] ;;	# a host kernel without kexec
	*) return 2 ;;
	esac
}
# need_vm NAME: print SKIP and return 1 when a VM test cannot run here.
need_vm() {
	if ! have_qemu; then skip_missing qemu "$1" "qemu-system-x86_64 or busybox-static missing (make deps)"; return 1; fi
	if [ -n "${MEMINIT_NO_VM:-}" ]; then skip_missing vm "$1" "MEMINIT_NO_VM is set"; return 1; fi
	return 0
}
# console_clean NAME LOG [REGEX...]: PASS when tests/vm/console-scan.sh finds
# no kernel line in LOG, nor in the kernel log guest.sh's init printed into
# it, that no REGEX expects (a guest not booted by tests/vm/guest.sh, which
# scans its own).
console_clean() {
	local name=$1 log=$2 hit e args=() files=("$2") dm=${2%.log}.dmesg.txt
	shift 2
	for e in "$@"; do args+=(--expect "$e"); done
	"$TOP/tests/vm/console-scan.sh" --extract-dmesg "$log" > "$dm" && files+=("$dm") || rm -f "$dm"
	if hit=$("$TOP/tests/vm/console-scan.sh" "${args[@]}" "${files[@]}"); then
		pass "$name: no crash, WARNING, BUG, call trace or taint on the console"
	else
		fail "$name" "a kernel line no test expects: ${hit:-console-scan.sh failed on $log}"
	fi
}

# The kernel's "node N deferred pages initialised in M ms" is a jiffies
# difference (deferred_init_memmap(): jiffies_to_msecs(jiffies - start)),
# within 2 jiffies of a clock's figure for the same span (the boot trace, a
# boot record) while the tick is handled on time. A tick handled late (TCG
# on a loaded host; arm64's TCG timer) makes the line short, never long,
# so a clock's figure above the line is allowed, but never beyond what the
# console's own printk stamps (local_clock(), meminit writes none of them)
# put around the node's work:
#
#   line - 2 jiffies  <=  clock  <=  max(line + 2 jiffies, console span + 1 ms)
#
# deferred_span_ms LOG NODE: that console span, in ms: from the stamp of the
# last line that smp_init() and the arch's smp_cpus_done() print before
# the boot's first deferred line ("smp: Brought up N nodes, M CPUs", then
# x86's "smpboot: Total of ...", arm64's "SMP:", "CPU features:",
# "alternatives:", "SVE:" lines) to the stamp of node NODE's line. In
# kernel_init_freeable() (6.1 and 6.12 alike) smp_init() comes before
# sched_init_smp(), padata_init() and page_alloc_init_late(), which starts
# the pgdatinit threads, and nothing between them prints; the node's work
# ends with its line. Other lines in that window (an interrupt's, a
# worker's) are not taken as the start. LOG is a dmesg or a console; of
# several boots, the last one's (a boot starts at its "Linux version"
# line). Prints nothing and returns 1 where the log has no such pair of
# stamped lines, or the start is stamped 0.000000 (no clock yet): then only
# the 2-jiffy bound applies.
deferred_span_ms() {
	awk -v node="$2" '
	function stamp(s) {
		if (!match(s, /^\[ *[0-9]+\.[0-9]+\]/))
			return -1
		return substr(s, RSTART + 1, RLENGTH - 2) + 0
	}
	{ t = stamp($0) }
	t >= 0 && /^\[ *[0-9.]+\] Linux version / { up = -1; anchor = -1; first = 0; end = -1; next }
	t >= 0 && / deferred pages initialised in [0-9]+ms/ {
		if (!first) { first = 1; anchor = up }
		if (match($0, /node [0-9]+ deferred/) && substr($0, RSTART + 5) + 0 == node + 0)
			end = t
		next
	}
	first || t < 0 { next }
	/^\[ *[0-9.]+\] smp: Brought up / { up = t; next }
	up >= 0 && /^\[ *[0-9.]+\] (smpboot|SMP|CPU|CPU features|alternatives|SVE|SME): / { up = t }
	END {
		if (!(anchor > 0) || !(end > anchor))
			exit 1
		printf "%.3f\n", (end - anchor) * 1000
	}' "$1"
}
# jiffies_line_ok CLOCK_MS LINE_MS HZ [SPAN_MS]: the clock's figure against
# the kernel's line under that rule; SPAN_MS from deferred_span_ms (empty:
# none, the line + 2 jiffies is the upper bound). The 1 ms covers the
# stamps' microsecond truncation and a boot record's end, taken after its
# line's printk returns (0.1 ms in tests/fixtures/6.12-patched-3node); a
# clock that differs between CPUs (an unstable TSC: sched_clock_cpu() keeps
# each CPU within a tick of its last tick) is covered by the silent time
# between the start line and the threads' start, 16 to 74 ms in every
# capture in tests/fixtures.
jiffies_line_ok() {
	awk -v c="$1" -v l="$2" -v hz="$3" -v span="${4:-}" 'BEGIN {
		if (c == "" || l == "" || c == "null" || l == "null" || c == "nan" || l == "nan" || !(hz > 0))
			exit 1
		j = 1000 / hz
		if (c < l - 2 * j)
			exit 1
		if (c <= l + 2 * j)
			exit 0
		exit !(span != "" && span > 0 && c <= span + 1) }'
}

# Deliberately wrong copies of real captures, for the tests that prove a
# check can fail (tests/cli/test_can_fail.sh, tests/vm/test_suite_can_fail.sh).
# zoneinfo_one_page_fewer IN OUT: node 0's first "present" count minus one.
zoneinfo_one_page_fewer() {
	awk '/^Node 0, zone/ { inz = 1 }
		inz && $1 == "present" && !done { sub(/[0-9]+$/, $2 - 1); done = 1 } 1' "$1" > "$2"
}
# deferred_line_moved IN OUT MS: node 0's "deferred pages initialised in Nms" + MS.
deferred_line_moved() {
	awk -v d="$3" '{ if (match($0, /node 0 deferred pages initialised in [0-9]+ms/)) {
		s = substr($0, RSTART, RLENGTH); v = s; gsub(/[^0-9]/, "", v); v = substr(v, 2) + d
		$0 = substr($0, 1, RSTART - 1) "node 0 deferred pages initialised in " v "ms" substr($0, RSTART + RLENGTH) }
		print }' "$1" > "$2"
}

# fixture_runs DIR RUNS NAME...: a kexec directory (tests/gen-kexec-dir.py)
# of RUNS runs for each variant NAME, every run the report of the real 6.12
# 2-node log (tests/fixtures/6.12-2node-ftrace), its timings scaled a little.
# 0, or non-zero when it cannot be built.
fixture_runs() {
	local dir=$1 runs=$2 rep=$1.report.json n spec=()
	shift 2
	"$MEMINIT" report --dmesg "$TOP/tests/fixtures/6.12-2node-ftrace/dmesg.txt" --format json > "$rep" ||
		return 1
	for n in "$@"; do spec+=("$n=$rep"); done
	python3 "$TOP/tests/gen-kexec-dir.py" "$dir" "$runs" "${spec[@]}" > /dev/null
}

# compare_fixture_reports SCRATCH CMD...: 'report' of every fixture (its
# log, and its boot trace where it has one), table and JSON, run by CMD
# against build/meminit's: sets FIXTURE_RUNS and FIXTURE_BAD ("dir/format:
# why;" for each run that exited non-zero or printed other bytes).
compare_fixture_reports() {
	local out=$1 d log f args
	shift
	FIXTURE_RUNS=0 FIXTURE_BAD=""
	for d in "$TOP"/tests/fixtures/*/; do
		log=$d/dmesg.txt	# or a console of several boots (6.12-kexec-console)
		[ -f "$log" ] || log=$d/console.log
		[ -f "$log" ] || continue
		args=(report --dmesg "$log" --hz 250)
		[ -f "$d/trace.txt" ] && args+=(--ftrace "$d/trace.txt")
		for f in table json; do
			FIXTURE_RUNS=$((FIXTURE_RUNS + 1))
			"$@" "${args[@]}" --format $f > "$out" 2>&1 ||
				{ FIXTURE_BAD="$FIXTURE_BAD $(basename "$d")/$f: exit $?;"; continue; }
			"$TOP/build/meminit" "${args[@]}" --format $f 2>&1 | cmp -s - "$out" ||
				FIXTURE_BAD="$FIXTURE_BAD $(basename "$d")/$f: output differs;"
		done
	done
}
