#!/bin/bash
# meminit trace and meminit hotplug on the host: a trace smoke test and the
# bad input of both verbs. Nothing here writes a memory block's state: every
# hotplug case fails before it could (the host's memory is never offlined
# or onlined; that happens only in tests/vm/test_hotplug.sh's guests).
# Ground truth: what the host offers, read independently of meminit
# (/sys/devices/system/node, the kprobe PMU, tracefs).
source "$(dirname "$0")/../lib.sh"
T=live
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
command -v jq > /dev/null || { skip_missing deps "$T" "jq not installed (make deps)"; exit 0; }
o=$OUTROOT/live
mkdir -p "$o"

# one_error NAME WANT-RC PATTERN CMD...: exit WANT-RC and exactly one stderr
# line "meminit: ..." matching PATTERN, nothing on stdout.
one_error() {
	local name=$1 want=$2 pat=$3 rc
	shift 3
	"$@" > "$o/out" 2> "$o/err"
	rc=$?
	if [ $rc = "$want" ] && [ "$(wc -l < "$o/err")" = 1 ] && [ ! -s "$o/out" ] &&
		grep -Eq "^meminit: .*$pat" "$o/err"; then
		pass "$T: $name: $(cat "$o/err")"
	else
		fail "$T: $name" "rc $rc (want $want): $(head -c 300 "$o/err")"
	fi
}

# --- trace smoke test --------------------------------------------------------
if have_root && [ -r /sys/kernel/btf/vmlinux ]; then
	# What must happen is derived from the kernel, by tools other than
	# meminit: a probe attaches where fentry (bpftrace's probe) or kprobes
	# (the kprobe PMU, kprobe_events) work; otherwise trace refuses.
	"$MEMINIT" trace --duration 1 --format json > "$o/trace.json" 2> "$o/trace.err"
	rc=$?
	kfunc=$(host_kfunc)
	expect=refuse
	{ [ "$kfunc" = yes ] || host_kprobes; } && expect=attach
	if [ -z "$kfunc" ]; then
		fail "$T: trace --duration 1" "bpftrace --info gave no kfunc line (make deps installs bpftrace)"
	elif [ $expect = attach ]; then
		# A valid report, six probes, at least one attached, no calls invented.
		[ $rc = 0 ] && jq -e '.schema == "meminit-trace" and .schema_version == 1 and (.probes | length) == 6 and
			([.probes[] | select(.attach != "none")] | length) > 0 and (.rows | type) == "array"' \
			"$o/trace.json" > /dev/null &&
			pass "$T: trace --duration 1: attached $(jq -r .attach "$o/trace.json") (kfunc: $kfunc), valid JSON" ||
			fail "$T: trace --duration 1" "rc $rc where kfunc: $kfunc or kprobes exist: $(head -c 300 "$o/trace.err")"
	else
		# One line that says why, and no half report on stdout.
		[ $rc = 1 ] && [ "$(wc -l < "$o/trace.err")" = 1 ] && [ ! -s "$o/trace.json" ] &&
			grep -q '^meminit: trace: no probe attached (online_pages: ' "$o/trace.err" &&
			pass "$T: trace where fentry and kprobes are both refused (kfunc: no, no kprobe PMU): $(cat "$o/trace.err")" ||
			fail "$T: trace --duration 1" "rc $rc where nothing can attach: $(head -c 300 "$o/trace.err")"
	fi
	one_error "trace --node of a node that does not exist" 1 "node 4096 does not exist" \
		"$MEMINIT" trace --node 4096 --duration 1
elif ! have_root; then
	skip_missing root "$T: trace smoke test" "needs root (BPF)"
else
	skip_missing btf "$T: trace smoke test" "no kernel BTF here"
fi
one_error "trace --duration 0" 2 "--duration wants seconds > 0" "$MEMINIT" trace --duration 0
one_error "trace --format xml" 2 "--format: 'xml' is not table, json, prom or csv" "$MEMINIT" trace --format xml
one_error "trace --attach uprobe" 2 "--attach wants auto, fentry or kprobe" "$MEMINIT" trace --attach uprobe

# --- hotplug bad input (never reaches a state write) -------------------------
one_error "hotplug without --node" 2 "--node N is required" "$MEMINIT" hotplug
one_error "hotplug --node -1" 2 "--node wants a node number" "$MEMINIT" hotplug --node -1
one_error "hotplug --node 1x" 2 "--node wants a node number" "$MEMINIT" hotplug --node 1x
one_error "hotplug extra argument" 2 "unexpected argument 'now'" "$MEMINIT" hotplug --node 0 now
one_error "hotplug --bogus" 2 "unknown option '--bogus'" "$MEMINIT" hotplug --bogus
one_error "hotplug --node without a value" 2 "--node needs a value" "$MEMINIT" hotplug --node
if have_root; then
	one_error "hotplug node that does not exist" 1 "node 4096 does not exist" \
		"$MEMINIT" hotplug --node 4096
else
	skip_missing root "$T: hotplug node that does not exist" "needs root"
fi
if command -v setpriv > /dev/null; then
	one_error "hotplug not root" 1 "hotplug: needs root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$MEMINIT" hotplug --node 0
	one_error "trace not root" 1 "trace: BPF needs root" \
		setpriv --reuid=65534 --regid=65534 --clear-groups "$MEMINIT" trace --duration 1
else
	skip_missing deps "$T: not root" "setpriv missing (make deps)"
fi
exit 0
