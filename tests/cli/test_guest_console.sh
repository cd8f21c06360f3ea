#!/bin/bash
# A kernel's crash or warning turns the suite red, without a real boot: a
# fake qemu-system-x86_64 first on PATH writes a planted console into the
# serial file tests/vm/guest.sh gives it, boot by boot, and guest.sh must
#   - fail a crash of a kernel this project builds (--kernel PATH), with its
#     oops lines, and never boot it again;
#   - boot a stock kernel again only on its one known oops (an int3 in
#     sched_clock before the guest script), once, and record the retry;
#   - fail a WARNING, BUG, call trace, taint or records lost to overflow in
#     the console or in the kernel log init prints, unless --expect-console
#     names it; and pass what the guest script prints itself;
# and tests/run-all.sh must end red on a planted panic in a test of the
# patched series and on a planted WARNING (issue 28: a QEMU wrapper that
# planted an oops in test_patched.sh's first boot got "48 passed, 0 failed").
source "$(dirname "$0")/../lib.sh"
T="guest console"
o=$OUTROOT/guest-console
rm -rf "$o"
mkdir -p "$o/bin" "$o/cache" "$o/empty" "$o/run"
[ -x "$TOP/build/meminit-static" ] || { fail "$T" "build/meminit-static not built (make)"; exit 0; }
for t in cpio gzip base64; do
	command -v $t > /dev/null || { skip_missing deps "$T" "$t missing (make deps)"; exit 0; }
done
[ -x /bin/busybox ] || { skip_missing qemu "$T" "busybox-static missing (make deps)"; exit 0; }

# The fake QEMU: console-N (else console) into the -serial file; counts boots.
fake=$o/fake
mkdir -p "$fake"
cat > "$o/bin/qemu-system-x86_64" <<'EOF'
#!/bin/sh
[ "$1" = --version ] && { echo "QEMU emulator version 0.0.0 (fake)"; exit 0; }
serial=""
for a; do case "$a" in file:*) serial=${a#file:} ;; esac; done
n=$(( $(cat "$FAKE_QEMU/count" 2> /dev/null || echo 0) + 1 ))
echo $n > "$FAKE_QEMU/count"
c=$FAKE_QEMU/console-$n
[ -f "$c" ] || c=$FAKE_QEMU/console
cp "$c" "$serial"
EOF
chmod +x "$o/bin/qemu-system-x86_64"
# A stock 6.12 in a cache of its own (kernel.sh reuses an unpacked package).
k=$o/cache/kernels/linux-image-6.12.999+deb12-amd64
mkdir -p "$k/boot"
: > "$k/boot/vmlinuz-6.12.999+deb12-amd64"
: > "$k/boot/config-6.12.999+deb12-amd64"
touch "$k/.unpacked"
# "Our" kernel: any path.
mkdir -p "$o/kdir"
: > "$o/kdir/bzImage"
env_fake=(env PATH="$o/bin:$PATH" FAKE_QEMU="$fake" MEMINIT_CACHE="$o/cache" MEMINIT_ACCEL=tcg
	MEMINIT_GUEST_EVENTS="$o/events.txt")

# A real 6.12 boot's kernel log (2 nodes: it has the testbed's topology
# WARNING, hence taint 512), and its first lines as the console shows them.
real=$TOP/tests/fixtures/6.12-2node-ftrace/dmesg.txt
# console DMESG TAINT [SCRIPT-LINE...]: a console as guest.sh's init writes it.
console() {
	local dmesg=$1 taint=$2
	shift 2
	{
		head -n 3 "$real"
		echo "=== MEMINIT-GUEST-START"
		printf '%s\n' "$@"
		echo "=== MEMINIT-GUEST-RC 0"
		echo "=== MEMINIT-TAINT $taint"
		echo "=== MEMINIT-DMESG-BEGIN"
		gzip -c "$dmesg" | base64
		echo "=== MEMINIT-DMESG-END"
		echo "=== MEMINIT-OUT-BEGIN"
		tar czf - -C "$o/empty" . | base64
		echo "=== MEMINIT-OUT-END"
	} | sed 's/$/\r/'
}
# Consoles of a crash before the guest script: the issue's planted oops in
# the series, the stock kernel's known int3, and another stock oops.
crash() {	# OOPS RIP-FUNCTION [LINE BEFORE THE OOPS]
	head -n 3 "$real"
	sed 's/$/\r/' <<EOF
${3:+[    0.912345] $3
}[    0.912345] Oops: $1 [#1] PREEMPT SMP NOPTI
[    0.912345] CPU: 0 UID: 0 PID: 1 Comm: swapper/0 Not tainted 6.12.117+ #4
[    0.912345] RIP: 0010:$2+0x2a/0x90
[    0.912345] Call Trace:
[    0.912345]  <TASK>
[    0.912345]  </TASK>
[    0.912345] ---[ end trace 0000000000000000 ]---
[    0.912345] Kernel panic - not syncing: Attempted to kill init! exitcode=0x00000009
EOF
}
crash 0000 meminit_stats_init "BUG: kernel NULL pointer dereference, address: 0000000000000010" > "$o/oops-series"
crash int3: sched_clock_cpu > "$o/oops-int3"
crash "general protection fault: 0000" native_sched_clock > "$o/oops-other"
console "$real" 512 "meminit report: WARNING: this text is meminit's own" \
	"Call Trace and Tainted: and 3 lost to overflow, as a guest script may print them" > "$o/clean"

# guest KERNEL NAME CONSOLE-1 [CONSOLE-2] [-- GUEST.SH OPTIONS]: one guest.sh
# run on the fake QEMU; sets RC, BOOTS, LAST (guest.sh's last stderr line).
guest() {
	local kernel=$1 name=$2 c1=$3 c2=$3
	shift 3
	[ $# -gt 0 ] && [ "$1" != -- ] && { c2=$1; shift; }
	[ "${1:-}" = -- ] && shift
	rm -rf "$fake" && mkdir -p "$fake"
	cp "$c1" "$fake/console-1"
	cp "$c2" "$fake/console"
	printf 'exit 0\n' > "$o/script.sh"
	"${env_fake[@]}" "$TOP/tests/vm/guest.sh" --kernel "$kernel" "$@" --out "$o/run/$name" "$o/script.sh" \
		> "$o/run/$name.log" 2>&1
	RC=$?
	BOOTS=$(cat "$fake/count" 2> /dev/null || echo 0)
	LAST=$(tail -n1 "$o/run/$name.log")
}
: > "$o/events.txt"

# 1. The series crashes (issue 28's planted oops), then would boot fine.
guest "$o/kdir/bzImage" series-oops "$o/oops-series" "$o/clean"
[ $RC != 0 ] && [ "$BOOTS" = 1 ] && [[ "$LAST" == *"BUG: kernel NULL pointer"*"RIP: 0010:meminit_stats_init"*"Kernel panic"* ]] &&
	[ ! -s "$o/events.txt" ] &&
	pass "$T: our kernel's crash fails, booted once, with its oops: ${LAST:0:160}" ||
	fail "$T: our kernel's crash" "rc $RC, $BOOTS boots: $LAST"
# The same crash as the stock kernel's known int3 signature, on our kernel.
guest "$o/kdir/bzImage" series-int3 "$o/oops-int3" "$o/clean"
[ $RC != 0 ] && [ "$BOOTS" = 1 ] && [ ! -s "$o/events.txt" ] &&
	pass "$T: our kernel is never booted again, not even on the stock kernel's known oops" ||
	fail "$T: our kernel with the int3 oops" "rc $RC, $BOOTS boots: $LAST"

# 2. Stock 6.12: the int3 in sched_clock_cpu once, then a clean boot.
guest 6.12 stock-int3 "$o/oops-int3" "$o/clean"
[ $RC = 0 ] && [ "$BOOTS" = 2 ] && [ -f "$o/run/stock-int3/console.log.crashed" ] &&
	grep -q "^guest boot $o/run/stock-int3 retried: stock 6.12 oopsed .*Oops: int3.*RIP: 0010:sched_clock_cpu" "$o/events.txt" &&
	pass "$T: stock 6.12's int3 oops in sched_clock: booted once more, the retry recorded" ||
	fail "$T: stock int3 retry" "rc $RC, $BOOTS boots: $LAST; events: $(cat "$o/events.txt")"
: > "$o/events.txt"
guest 6.12 stock-int3-twice "$o/oops-int3" "$o/oops-int3"
[ $RC != 0 ] && [ "$BOOTS" = 2 ] && [[ "$LAST" == *"Oops: int3"* ]] &&
	pass "$T: stock 6.12 crashing again on the retry fails" ||
	fail "$T: stock int3 twice" "rc $RC, $BOOTS boots: $LAST"
: > "$o/events.txt"
guest 6.12 stock-other "$o/oops-other" "$o/clean"
[ $RC != 0 ] && [ "$BOOTS" = 1 ] && [[ "$LAST" == *"Oops: general protection fault"*"RIP: 0010:native_sched_clock"* ]] &&
	[ ! -s "$o/events.txt" ] &&
	pass "$T: any other stock oops fails, never retried" ||
	fail "$T: other stock oops" "rc $RC, $BOOTS boots: $LAST"

# 3. A clean boot passes; its output is unchanged by the scan.
guest "$o/kdir/bzImage" clean "$o/clean"
[ $RC = 0 ] && [ "$BOOTS" = 1 ] && cmp -s "$o/run/clean/guest-dmesg.txt" "$real" &&
	pass "$T: a clean boot passes (the script's own WARNING text, the testbed's topology WARNING); the kernel log kept as guest-dmesg.txt" ||
	fail "$T: clean boot" "rc $RC: $LAST"

# 4. Planted lines in the kernel log init prints: through guest.sh, a
#    WARNING; the other kinds straight through the scanner it calls.
plant() {	# NAME LINE [TAINT]: the real log with LINE after line 210 -> console $o/NAME
	sed "210a [    1.500000] $2" "$real" > "$o/$1.dmesg"
	console "$o/$1.dmesg" "${3:-512}" > "$o/$1"
}
plant warning "WARNING: CPU: 1 PID: 1 at mm/mm_init.c:2345 deferred_init_memmap+0x1e/0x2c0"
guest "$o/kdir/bzImage" k-warning "$o/warning"
[ $RC != 0 ] && [[ "$LAST" == *"guest-dmesg.txt:211: WARNING: CPU: 1 PID: 1 at mm/mm_init.c"* ]] &&
	pass "$T: a planted WARNING in the kernel log fails the boot: ${LAST:0:160}" ||
	fail "$T: planted WARNING" "rc $RC: $LAST"
guest "$o/kdir/bzImage" k-warning-expected "$o/warning" -- --expect-console 'WARNING: .* at mm/mm_init\.c:[0-9]+ deferred_init_memmap'
[ $RC = 0 ] && pass "$T: the same WARNING passes where the test expects it (--expect-console)" ||
	fail "$T: expected WARNING" "rc $RC: $LAST"
scan=$TOP/tests/vm/console-scan.sh
plant bug "BUG: sleeping function called from invalid context at mm/page_alloc.c:4321"
plant trace "Call Trace:"
plant taint "meminit_test: loading out-of-tree module taints kernel."
plant overflow "meminit_stats: 24 records of 24, 17 lost to overflow"
plant arm64 "Internal error: Oops: 0000000096000004 [#1] PREEMPT SMP"
plant taint-only "random: crng init done" 4608
for c in bug:"BUG: sleeping function" trace:"Call Trace:" taint:"taints kernel" \
	overflow:"17 lost to overflow" arm64:"Internal error: Oops" taint-only:"tainted: 4608 (O)"; do
	n=${c%%:*} want=${c#*:}
	hit=$("$scan" "$o/$n" "$o/$n.dmesg")
	[ $? = 1 ] && [[ "$hit" == *"$want"* ]] && pass "$T: console-scan.sh: a planted '$want' is a hit" ||
		fail "$T: console-scan.sh: planted $n" "got '$hit'"
done
"$scan" --expect 'records of 24, [0-9]+ lost to overflow' "$o/overflow" "$o/overflow.dmesg" &&
	pass "$T: console-scan.sh: records lost to overflow pass where the test overflows on purpose" ||
	fail "$T: console-scan.sh: expected overflow" "a hit"
! "$scan" --expect 'WARNING: .* at mm/page_alloc' "$o/warning" "$o/warning.dmesg" > /dev/null &&
	pass "$T: console-scan.sh: an expectation of another WARNING does not cover this one" ||
	fail "$T: console-scan.sh: expectation too wide" "no hit"
# A console read without guest.sh (tests/lib.sh console_clean: the packed
# guest, the distribution guests): the kernel log inside it is read too.
cp "$o/warning" "$o/cc-warning.log" && cp "$o/clean" "$o/cc-clean.log"
console_clean x "$o/cc-warning.log" > "$o/cc-warning.out"
console_clean x "$o/cc-clean.log" > "$o/cc-clean.out"
grep -q '^FAIL x: .*cc-warning.dmesg.txt:211: WARNING: CPU: 1 PID: 1 at mm/mm_init.c' "$o/cc-warning.out" &&
	grep -q '^PASS x' "$o/cc-clean.out" &&
	pass "$T: console_clean fails on a WARNING in the kernel log inside a console, passes the clean one" ||
	fail "$T: console_clean" "$(cat "$o/cc-warning.out" "$o/cc-clean.out")"
# On the console itself, run into the guest script's output (no line start).
{ sed -n '1,/MEMINIT-GUEST-START/p' "$o/clean"; printf 'meminit: collecting[    9.100000] WARNING: CPU: 0 PID: 77 at kernel/foo.c:1 foo+0x1/0x2\r\n'
	sed -n '/MEMINIT-GUEST-START/,$p' "$o/clean" | sed 1d; } > "$o/console-warning"
guest 6.12 console-warning "$o/console-warning"
[ $RC != 0 ] && [ "$BOOTS" = 1 ] && [[ "$LAST" == *"console.log:"*"WARNING: CPU: 0 PID: 77 at kernel/foo.c"* ]] &&
	pass "$T: a WARNING on the console, inside the guest script's output, fails the boot" ||
	fail "$T: console WARNING" "rc $RC, $BOOTS boots: $LAST"

# 5. The same through tests/run-all.sh, in a copy of its layout: a test of
#    the series whose guest crashes, and one whose guest warns.
tree=$o/tree
mkdir -p "$tree/tests/vm" "$tree/build/tests"
cp "$TOP/tests/run-all.sh" "$TOP/tests/lib.sh" "$TOP/tests/deps.sh" "$tree/tests/"
for n in series-oops:oops-series warning:warning; do
	cat > "$tree/tests/vm/test_${n%%:*}.sh" <<EOF
source "\$(dirname "\$0")/../lib.sh"
rm -rf "$fake" && mkdir -p "$fake" && cp "$o/${n#*:}" "$fake/console-1" && cp "$o/clean" "$fake/console"
printf 'exit 0\\n' > "$o/script.sh"
if "$TOP/tests/vm/guest.sh" --kernel "$o/kdir/bzImage" --out "$o/tree-${n%%:*}" "$o/script.sh" > "$o/tree-${n%%:*}.log" 2>&1; then
	pass "${n%%:*}: guest booted"
else
	fail "${n%%:*}: guest boot" "\$(tail -n1 "$o/tree-${n%%:*}.log")"
fi
EOF
done
"${env_fake[@]}" bash "$tree/tests/run-all.sh" "$tree/tests/vm/test_series-oops.sh" "$tree/tests/vm/test_warning.sh" \
	> "$o/run-all.out" 2>&1
rc=$?
[ $rc != 0 ] && [ "$(tail -n1 "$o/run-all.out")" = "0 passed, 2 failed, 0 skipped" ] &&
	grep -q '^FAIL series-oops: guest boot: .*RIP: 0010:meminit_stats_init' "$o/run-all.out" &&
	grep -q '^FAIL warning: guest boot: .*WARNING: CPU: 1 PID: 1 at mm/mm_init.c' "$o/run-all.out" &&
	pass "$T: run-all ends red on a planted panic in the series and a planted WARNING (exit $rc)" ||
	fail "$T: run-all on planted lines" "exit $rc, $(tail -n1 "$o/run-all.out") (see $o/run-all.out)"
exit 0
