#!/bin/bash
# Issue 18: the patched kernel on 64 vCPUs and 16 nodes (15 of 512 MiB, one
# of them CPU-less, and a memoryless one with 8 vCPUs), booted with
# meminit_stats: the same truths as tests/vm/test_patched.sh. About 3.5
# minutes of TCG on a 2-core machine, so not part of make test: make
# test-scale runs it.
source "$(dirname "$0")/../lib.sh"

need_vm "64-vCPU guest" || exit 0
if ! kdir=$("$TOP/kernel-patches/build.sh" 2> "$OUTROOT/kernel-build-scale.log" | tail -n1) || [ ! -f "$kdir/bzImage" ]; then
	fail "patched kernel: build" "$(tail -n 3 "$OUTROOT/kernel-build-scale.log" | tr '\n' ' ')"
	exit 0
fi
source "$TOP/tests/vm/records-checks.sh"

d=$OUTROOT/patched-64cpu
rm -rf "$d"
mem=$(printf '512M,%.0s' $(seq 15))0
cpus=$(printf '4,%.0s' $(seq 14))0,8
t0=$(date +%s)
if GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --kernel "$kdir/bzImage" \
	--nodes "$mem" --node-cpus "$cpus" --timeout 900 \
	--append "meminit_stats page_owner=on" --out "$d" "$TOP/tests/vm/guest-records.sh" > "$d.log" 2>&1; then
	pass "patched kernel: boots with meminit_stats on 64 vCPUs and 16 nodes ($(( $(date +%s) - t0 )) s)"
	check_boot "$d" "64 vCPUs: "
	check_cpuless "$d" "64 vCPUs: "
else
	fail "patched kernel: 64 vCPUs, 16 nodes: boot" "$(tail -n1 "$d.log")"
fi
