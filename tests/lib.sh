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
# need_vm NAME: print SKIP and return 1 when a VM test cannot run here.
need_vm() {
	if ! have_qemu; then skip "$1" "qemu-system-x86_64 or busybox-static missing (make deps)"; return 1; fi
	if [ -n "${MEMINIT_NO_VM:-}" ]; then skip "$1" "MEMINIT_NO_VM is set"; return 1; fi
	return 0
}

# The kernel's "node N deferred pages initialised in M ms" is a jiffies
# difference: within 2 jiffies of a clock's figure for the same span (a
# boot record, the boot trace), except that a tick handled late (TCG on a
# loaded host; arm64's TCG timer) leaves it short by more. meminit names
# each such node in its report's notes; only a named node may be short.
# lag_named JSON ID: yes when the report (or a run file's .report) names
# node ID's line as behind its clock, else no.
lag_named() {
	jq -r --argjson id "$2" '[((.notes // .report.notes) // [])[] |
		select(test("^node \($id): the kernel.s deferred-init line says"))] |
		if length > 0 then "yes" else "no" end' "$1"
}
# jiffies_line_ok CLOCK_MS LINE_MS HZ NAMED: the line against the clock's
# figure under that rule (NAMED: lag_named's answer).
jiffies_line_ok() {
	awk -v c="$1" -v l="$2" -v hz="$3" -v named="$4" 'BEGIN {
		if (c == "" || l == "" || c == "null" || l == "null" || !(hz > 0)) exit 1
		j = 2000 / hz; d = c - l
		exit !(d >= -j && (d <= j || named == "yes")) }'
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
