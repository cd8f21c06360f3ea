#!/bin/bash
# mi_probe_attach() on the host kernel, through a small driver built against
# build/libmeminit.a. Ground truth is what the kernel itself exposes:
# /sys/kernel/btf/vmlinux and the sched_switch tracepoint for tp_btf/raw_tp;
# the kprobe PMU or tracefs kprobe_events for kprobes; bpftrace's own
# feature probe for fentry (this project's hosts refuse it).
source "$(dirname "$0")/../lib.sh"
T=probe
have_root || { skip_missing root "$T" "needs root (BPF)"; exit 0; }
[ -r /sys/kernel/btf/vmlinux ] || { skip_missing btf "$T" "no kernel BTF here"; exit 0; }
[ -f "$TOP/build/libmeminit.a" ] || { fail "$T" "build/libmeminit.a not built (make)"; exit 0; }
bin=$OUTROOT/probe-attach
# shellcheck disable=SC2046 # one -I per layer of cli/
cc -std=gnu11 -D_GNU_SOURCE $(for d in "$TOP"/cli/*/; do printf -- '-I%s ' "$d"; done) -I"$TOP/build" "$TOP/tests/cli/probe-attach.c" \
	"$TOP/build/libmeminit.a" -lbpf -lelf -lz -o "$bin" 2> "$OUTROOT/probe-attach.cc.log" ||
	{ fail "$T: driver builds" "$(head -n3 "$OUTROOT/probe-attach.cc.log")"; exit 0; }

# probe KIND TARGET: sets rc and why; stderr into $OUTROOT/probe.err
probe() {
	local out
	out=$("$bin" "$@" 2> "$OUTROOT/probe.err")
	rc=${out%%$'\t'*}
	why=${out#*$'\t'}
}

probe tp_btf sched_switch
[ "$rc" = 0 ] && pass "$T: tp_btf sched_switch attaches (kernel has BTF)" ||
	fail "$T: tp_btf sched_switch" "rc $rc: $why"
probe raw_tp sched_switch
[ "$rc" = 0 ] && pass "$T: raw_tp sched_switch attaches" || fail "$T: raw_tp sched_switch" "rc $rc: $why"

# fentry: the answer bpftrace's own probe gives on this kernel (it loads a
# tracing program on a kernel function), never "either is fine".
kfunc=$(host_kfunc)
probe fentry online_pages
case "$kfunc" in
yes) [ "$rc" = 0 ] && pass "$T: fentry online_pages attaches, as bpftrace's probe says (kfunc: yes)" ||
	fail "$T: fentry online_pages" "refused ($why) where bpftrace --info says kfunc: yes" ;;
no) [ "$rc" -lt 0 ] && [ -n "$why" ] &&
	pass "$T: fentry online_pages refused, as bpftrace's probe says (kfunc: no): $why" ||
	fail "$T: fentry online_pages" "rc $rc ($why) where bpftrace --info says kfunc: no" ;;
*) fail "$T: fentry online_pages" "bpftrace --info gave no kfunc line (make deps installs bpftrace)" ;;
esac
[ ! -s "$OUTROOT/probe.err" ] && pass "$T: libbpf is silent without -v" ||
	fail "$T: libbpf silent without -v" "$(head -n1 "$OUTROOT/probe.err")"

have_kprobes=no
host_kprobes && have_kprobes=yes
probe kprobe online_pages
if [ $have_kprobes = no ]; then
	[ "$rc" -lt 0 ] && [ "$why" = "kprobes are not configured in this kernel" ] &&
		pass "$T: kprobe: no kprobe PMU nor kprobe_events, reported as: $why" ||
		fail "$T: kprobe without kprobes" "rc $rc: $why"
else
	[ "$rc" = 0 ] && pass "$T: kprobe online_pages attaches (kprobes configured)" ||
		fail "$T: kprobe online_pages" "rc $rc: $why"
fi

probe tp_btf meminit_no_such_tracepoint
[ "$rc" -lt 0 ] && [[ "$why" == *"meminit_no_such_tracepoint has no BTF entry"* ]] &&
	pass "$T: unknown tracepoint: $why" || fail "$T: unknown tracepoint" "rc $rc: $why"
probe fentry meminit_no_such_function
[ "$rc" -lt 0 ] && [[ "$why" == *meminit_no_such_function* ]] &&
	pass "$T: unknown function: $why" || fail "$T: unknown function" "rc $rc: $why"
"$bin" -v fentry meminit_no_such_function > /dev/null 2> "$OUTROOT/probe.err"
grep -q '^meminit: debug' "$OUTROOT/probe.err" && pass "$T: -v shows libbpf's messages" ||
	fail "$T: -v shows libbpf's messages" "nothing on stderr"

if command -v setpriv > /dev/null; then
	out=$(setpriv --reuid=65534 --regid=65534 --clear-groups "$bin" tp_btf sched_switch 2>&1)
	[[ "$out" == -1$'\t'"tp_btf needs root"* ]] && pass "$T: not root: ${out#*$'\t'}" ||
		fail "$T: not root" "$out"
else
	skip_missing deps "$T: not root" "setpriv missing (make deps)"
fi
# deferred_grow_zone is __init on most kernels and resident on others (6.18,
# vendor kernels with deferred_init=lazy): check must say what this kernel's
# /proc/kallsyms says, never assume (issue 12). Expected from kallsyms here:
# its address against [_sinittext, _einittext).
want=$(awk '$3 == "deferred_grow_zone" { a = $1 } $3 == "_sinittext" { s = $1 } $3 == "_einittext" { e = $1 }
	END { if (a == "") print "absent"; else if (a ~ /^0+$/) print "unknown";
	      else { a = sprintf("%32s", a); s = sprintf("%32s", s); e = sprintf("%32s", e)
		     print (a >= s && a < e) ? "init" : "resident" } }' /proc/kallsyms 2>/dev/null)
why=$("$MEMINIT" check --format json 2>/dev/null | jq -r '.functions.deferred_grow_zone.fentry.reason // .live_functions.deferred_grow_zone.fentry.reason // empty')
case "$want:$why" in
init:*"__init on this kernel"*|absent:*"not in /proc/kallsyms"*)
	pass "probe: deferred_grow_zone is $want per this kernel's kallsyms: '$why'" ;;
resident:*__init*|unknown:*__init*)
	fail "probe: deferred_grow_zone" "kallsyms says $want, check says '$why'" ;;
resident:*|unknown:*)
	pass "probe: deferred_grow_zone is $want per this kernel's kallsyms, so it was tried: '$why'" ;;
*)	fail "probe: deferred_grow_zone" "kallsyms says '$want', check says '$why'" ;;
esac
# Did this boot's clock run before memmap init? check must say what this
# host's own log says (issue 12): its "Initmem setup node" lines stamped above 0.
stamped=$(dmesg 2>/dev/null | awk '/Initmem setup node/ { n++; if ($0 !~ /^\[ *0\.000000\]/) s++ } END { print n + 0, s + 0 }')
line=$("$MEMINIT" check 2>/dev/null | grep -m1 'early phases:')
case "$stamped:$line" in
"0 "*:*"cannot be told"*) pass "probe: early clock: the log has no memory lines, and check says: ${line#*early phases: }" ;;
[1-9]*" 0":*"untimed in this boot"*) pass "probe: early clock: unstamped memory lines, and check says: ${line#*early phases: }" ;;
[1-9]*" "[1-9]*:*"ran before memmap init"*) pass "probe: early clock: stamped memory lines ($stamped), and check says so" ;;
*) fail "probe: early clock" "log: $stamped (lines, stamped); check: '$line'" ;;
esac
exit 0
