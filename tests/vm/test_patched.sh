#!/bin/bash
# needs: kernel-variants
# The patched kernel (kernel-patches/) under QEMU, 2 nodes with 2 vCPUs each
# and a memoryless third node, booted with meminit_stats: its boot records
# against the kernel's own ground truth of the same boot (issue 3, item 7).
source "$(dirname "$0")/../lib.sh"

need_vm "patched kernel" || exit 0
if ! kdir=$("$TOP/kernel-patches/build.sh" 2> "$OUTROOT/kernel-build.log" | tail -n1) || [ ! -f "$kdir/bzImage" ]; then
	fail "patched kernel: build" "$(tail -n 3 "$OUTROOT/kernel-build.log" | tr '\n' ' ')"
	exit 0
fi
pass "patched kernel: built or cached ($(cat "$kdir/build-seconds") s to build, $(wc -l < "$kdir/series.log") patches)"

# Upstream quality: every patch checkpatch --strict clean, and the tree
# builds with the option off too.
tree=${MEMINIT_CACHE:-/var/cache/meminit}/src/linux-6.12
while read -r p; do
	# Debian's python3 has ply for checkpatch's SPDX check.
	res=$(cd "$tree" && PATH=/usr/bin:$PATH perl scripts/checkpatch.pl --strict --no-signoff \
		"$TOP/kernel-patches/$p" 2>&1 | grep -E '^total:|Traceback')
	case "$res" in
	"total: 0 errors, 0 warnings, 0 checks"*) pass "checkpatch --strict: $p" ;;
	*) fail "checkpatch --strict: $p" "$res" ;;
	esac
done < <(cat "$TOP/kernel-patches/series"
	# The experiments' rebased copies of meminit patches are our text too
	# (the changes under study are upstream's, checked upstream).
	cd "$TOP/kernel-patches" && ls experiments/*/meminit-*.patch 2>/dev/null)
if offdir=$("$TOP/kernel-patches/build.sh" --off 2> "$OUTROOT/kernel-build-off.log" | tail -n1) &&
	[ -f "$offdir/bzImage" ] && grep -q '^# CONFIG_MEMINIT_STATS is not set' "$offdir/config"; then
	pass "patched kernel: builds with CONFIG_MEMINIT_STATS=n"
else
	fail "patched kernel: builds with CONFIG_MEMINIT_STATS=n" "$(tail -n 2 "$OUTROOT/kernel-build-off.log" | tr '\n' ' ')"
fi
source "$TOP/tests/vm/records-checks.sh"

d=$OUTROOT/patched
rm -rf "$d"
if ! GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --kernel "$kdir/bzImage" --nodes 3G,1G,0 \
	--node-cpus 2,2,1 --append "meminit_stats page_owner=on" --out "$d" "$TOP/tests/vm/guest-records.sh" \
	> "$d.log" 2>&1; then
	fail "patched kernel: boot" "$(tail -n1 "$d.log")"
	exit 0
fi
pass "patched kernel: boots with meminit_stats on 3 nodes"
check_boot "$d" ""

# Many CPUs (issue 18): 32 vCPUs on 8 nodes, 1 GiB each, with a CPU-less
# node and a memoryless one (QEMU's 7th and 8th; the kernel numbers its
# nodes as the ACPI SRAT lists them, so the test reads which is which from
# sysfs): the same truths, and the report's per-node split, at the scale
# where padata attribution matters.
dm=$OUTROOT/patched-32cpu
rm -rf "$dm"
if GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --kernel "$kdir/bzImage" \
	--nodes 1G,1G,1G,1G,1G,1G,1G,0 --node-cpus 5,5,5,5,5,5,0,2 --timeout 600 \
	--append "meminit_stats page_owner=on" --out "$dm" "$TOP/tests/vm/guest-records.sh" > "$dm.log" 2>&1; then
	pass "patched kernel: boots with meminit_stats on 32 vCPUs and 8 nodes (a CPU-less, a memoryless)"
	check_boot "$dm" "32 vCPUs: "
	check_cpuless "$dm" "32 vCPUs: "
else
	fail "patched kernel: 32 vCPUs, 8 nodes: boot" "$(tail -n1 "$dm.log")"
fi

# A buffer too small for the boot (meminit_stats=N): the records that fit
# are kept whole, the rest counted; the kernel's line, both files' headers
# and the report say so, and the size the report asks for keeps them all.
small_boot() {	# small_boot N DIR [GUEST.SH OPTION...]
	local n=$1 d=$2
	shift 2
	rm -rf "$d"
	GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --kernel "$kdir/bzImage" --nodes 2G,1G \
		--node-cpus 2,1 --append "meminit_stats=$n" "$@" --out "$d" "$TOP/tests/vm/guest-records.sh" > "$d.log" 2>&1
}
ds=$OUTROOT/patched-small
# This boot overflows on purpose: only the kernel's line for 24 records may say so.
if small_boot 24 "$ds" --expect-console 'meminit_stats: 24 records of 24, [0-9]+ lost to overflow$'; then
	read -r nrec over cap <<< "$(sed -n 's/^# records \([0-9]*\) overflow \([0-9]*\) capacity \([0-9]*\) .*/\1 \2 \3/p' "$ds/records.txt")"
	[ "$nrec" = 24 ] && [ "$cap" = 24 ] && [ "${over:-0}" -gt 0 ] &&
		pass "meminit_stats=24: 24 records kept, $over counted as overflow" ||
		fail "meminit_stats=24: header" "$(sed -n 2p "$ds/records.txt")"
	grep -q "meminit_stats: 24 records of 24, $over lost to overflow" "$ds/dmesg.txt" &&
		pass "meminit_stats=24: the kernel's line counts the $over lost" ||
		fail "meminit_stats=24: the kernel's line" "$(grep 'meminit_stats:' "$ds/dmesg.txt")"
	# Every kept record whole: a known phase, 14+ fields (a hash table's name
	# may have spaces), end >= start.
	bad=$(awk 'NR > 3 && (NF < 14 || $7 < $6 || $1 !~ /^(vmemmap|memmap_early|holes|reserved|free_early|deferred_node|deferred_chunk|deferred_grow|hash|page_ext)$/)' "$ds/records.txt" | wc -l)
	kept=$(awk 'NR > 3' "$ds/records.txt" | wc -l)
	sz=$(stat -c %s "$ds/records.bin")
	[ "$bad" = 0 ] && [ "$kept" = 24 ] && [ "$sz" = $((32 + 24 * 96)) ] &&
		pass "meminit_stats=24: the 24 kept records are whole (text and records.bin)" ||
		fail "meminit_stats=24: kept records" "$bad malformed, $kept lines, records.bin $sz bytes"
	want=$(jq -r '.notes[]? | select(test("INCOMPLETE")) | capture("meminit_stats=(?<n>[0-9]+)").n' "$ds/report.json" 2> /dev/null)
	if [ -n "$want" ] && [ "$want" -ge $((24 + over)) ]; then
		pass "meminit_stats=24: the report says INCOMPLETE and asks for meminit_stats=$want"
		if small_boot "$want" "$ds-fits"; then
			grep -q "^# records [0-9]* overflow 0 capacity $want " "$ds-fits/records.txt" &&
				pass "meminit_stats=$want: nothing lost ($(sed -n 's/^# records \([0-9]*\) .*/\1/p' "$ds-fits/records.txt") records)" ||
				fail "meminit_stats=$want: nothing lost" "$(sed -n 2p "$ds-fits/records.txt")"
		else
			fail "meminit_stats=$want: boot" "$(tail -n1 "$ds-fits.log")"
		fi
	else
		fail "meminit_stats=24: the report" "no INCOMPLETE note asking for at least $((24 + over)) ($(head -c 300 "$ds/report.err"))"
	fi
else
	fail "patched kernel: meminit_stats=24 boot" "$(tail -n1 "$ds.log")"
fi

# Tracing without the boot buffer: trace_event= sees deferred init as it
# happens (event tracing is up from early_initcall), recording stays off.
d2=$OUTROOT/patched-trace-event
rm -rf "$d2"
cat > "$d2.sh" <<'GUEST'
cat /sys/kernel/tracing/trace > /out/trace.txt
head -2 /sys/kernel/debug/meminit/records > /out/records-head.txt
dmesg > /out/dmesg.txt
GUEST
if GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --kernel "$kdir/bzImage" --nodes 2G,1G \
	--node-cpus 1,1 --append "trace_event=meminit:meminit_record trace_buf_size=1M" \
	--out "$d2" "$d2.sh" > "$d2.log" 2>&1; then
	nodes=$(grep -c 'deferred pages initialised' "$d2/dmesg.txt")
	got=$(grep -c 'meminit_record: phase=deferred_node' "$d2/trace.txt")
	chunks=$(grep -c 'meminit_record: phase=deferred_chunk' "$d2/trace.txt")
	[ "$got" = "$nodes" ] && [ "$chunks" -ge "$nodes" ] &&
		pass "trace_event=meminit:meminit_record: $got deferred_node and $chunks chunk events" ||
		fail "trace_event= sees deferred init" "$got node events for $nodes nodes, $chunks chunks"
	grep -q '^# records 0 overflow 0 .*recording off$' "$d2/records-head.txt" &&
		pass "without meminit_stats nothing is recorded" ||
		fail "without meminit_stats nothing is recorded" "$(tr '\n' ' ' < "$d2/records-head.txt")"
else
	fail "patched kernel: trace_event boot" "$(tail -n1 "$d2.log")"
fi
