#!/bin/bash
# needs: patched-kernel
# Attribution on the patched kernel (kernel-patches/) under QEMU: 3 nodes
# (3 GiB + 1 GiB + memoryless, 2+2+1 vCPUs), booted with meminit_stats, a
# 1 GiB pc-dimm on node 1 left offline (memhp_default_state=offline).
#
# Ground truth, from the same boot: /proc/zoneinfo present pages per node,
# the kernel's "node N deferred pages initialised" and "hash table entries"
# lines, records.bin/records as the kernel wrote them, and the DIMM's size
# (1 GiB = 262144 pages, all on node 1).
source "$(dirname "$0")/../lib.sh"

T=attribution
DIMM_PAGES=262144
if ! have_root; then
	skip_missing root "$T" "needs root (QEMU, kernel cache)"
	exit 0
fi
need_vm "$T" || exit 0
command -v jq >/dev/null || { skip_missing deps "$T" "jq not installed (make deps)"; exit 0; }
[ -x "$TOP/build/meminit-static" ] || { fail "$T" "build/meminit-static not built (make)"; exit 0; }
# MEMINIT_PATCHED_KDIR: an already built patched kernel (bzImage + config).
if [ -n "${MEMINIT_PATCHED_KDIR:-}" ]; then
	kdir=$MEMINIT_PATCHED_KDIR
elif ! kdir=$("$TOP/kernel-patches/build.sh" 2> "$OUTROOT/kernel-build-attr.log" | tail -n1) ||
	[ ! -f "$kdir/bzImage" ]; then
	fail "$T: patched kernel" "$(tail -n 3 "$OUTROOT/kernel-build-attr.log" | tr '\n' ' ')"
	exit 0
fi
d=$OUTROOT/attribution
rm -rf "$d"
mkdir -p "$d"
bins=()
[ -x /usr/bin/perf ] && file -L /usr/bin/perf | grep -q ELF && bins=(--bin /usr/bin/perf)
if ! GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --kernel "$kdir/bzImage" --nodes 3G,1G,0 \
	--node-cpus 2,2,1 --maxmem 8G --append "meminit_stats trace_event=meminit:meminit_record trace_clock=global memhp_default_state=offline" \
	--qemu "-object memory-backend-ram,id=dimm1,size=1G -device pc-dimm,id=d1,memdev=dimm1,node=1" \
	"${bins[@]}" --timeout 600 --out "$d" "$TOP/tests/vm/guest-attribution.sh" > "$d/guest.log" 2>&1; then
	fail "$T: patched guest booted and ran" "$(tail -n1 "$d/guest.log")"
	exit 0
fi
pass "$T: patched guest booted and ran ($(cat "$d/uname"), $(cat "$d/boot-seconds") s)"

ok_run() { [ "$(cat "$d/$1.rc")" = 0 ] && jq -e . "$d/$1.out" > /dev/null; }
# perfbuf too: the series' config has CONFIG_EPOLL=y (kernel-patches/config).
for r in auto ringbuf perfbuf bin text; do
	ok_run $r && pass "$T: report run '$r' ($(jq -r .records.via "$d/$r.out"))" ||
		fail "$T: report run '$r'" "exit $(cat "$d/$r.rc"): $(head -c 300 "$d/$r.err")"
done
j=$d/auto.out
jq -e '.source == "boot-records" and .records.complete and .records.overflow == 0' "$j" > /dev/null &&
	pass "$T: source boot-records, no overflow" || fail "$T: source" "$(jq -c .records "$j")"

# Boot armed with the patched parameters: the boot trace's meminit_record
# events are the same phases as the boot records, merged without counting twice.
grep -q '^meminit_stats trace_event=meminit:meminit_record' "$d/arm.txt" &&
	pass "$T: arm on the patched kernel prints meminit_stats and trace_event=meminit:meminit_record" ||
	fail "$T: arm" "$(cat "$d/arm.txt" "$d/arm.err")"
nb=$(grep -c 'meminit_record: ' "$d/boot-trace.txt")
nrec=$(sed -n 's/^# records \([0-9]*\) .*/\1/p' "$d/records.txt")
jq -e --argjson nb "$nb" --argjson nrec "$nrec" \
	'.records.duplicates_dropped == $nb and (.events | length) == $nrec and $nb > 0' "$j" > /dev/null &&
	pass "$T: boot trace merged: $nb meminit_record events, all already in the $nrec records, none counted twice" ||
	fail "$T: boot trace merge" "$nb trace events, $nrec records: $(jq -c .records "$j")"

# Ground truth 1: pages per node = /proc/zoneinfo present, exactly.
ok=1
while read -r id want; do
	got=$(jq -r ".nodes[] | select(.id == $id) | .record_pages // 0" "$j")
	echo "    node $id: records $got pages, zoneinfo present $want"
	[ "$got" = "$want" ] || ok=0
done < <(awk '/^Node/ {n=$2+0} $1=="present" {s[n]+=$2} END {for (i in s) print i, s[i]}' "$d/zoneinfo")
[ $ok = 1 ] && pass "$T: report pages per node = zoneinfo present (early+reserved+deferred+grow)" ||
	fail "$T: pages per node" "differ from zoneinfo"
jq -e '[.nodes[] | select(.record_pages_equal_present == false)] | length == 0' "$j" > /dev/null &&
	pass "$T: report's own check agrees" || fail "$T: record_pages_equal_present" "false somewhere"
# Holes: the kernel's "pages in unavailable ranges" lines, per node.
ok=1
while read -r id want; do
	got=$(jq -r ".nodes[] | select(.id == $id) | .record_hole_pages" "$j")
	[ "$got" = "$want" ] || { ok=0; echo "    node $id holes: records $got, log $want"; }
done < <(sed -n 's/.*On node \([0-9]*\), zone [A-Za-z0-9]*: \([0-9]*\) pages in unavailable ranges/\1 \2/p' "$d/dmesg.txt" |
	awk '{s[$1]+=$2} END {for (i in s) print i, s[i]}')
[ $ok = 1 ] && pass "$T: hole pages per node = the kernel's unavailable-range lines" ||
	fail "$T: holes" "differ"

# Ground truth 2: per-CPU deferred rows sum to the node's deferred row.
ok=1
for id in $(jq -r '.phases[] | select(.phase == "deferred") | .node' "$j"); do
	a=$(jq "[.cpus[] | select(.phase == \"deferred_chunk\" and .node == $id) | .pages] | add" "$j")
	b=$(jq ".phases[] | select(.phase == \"deferred\" and .node == $id) | .pages" "$j")
	ca=$(jq "[.cpus[] | select(.phase == \"deferred_chunk\" and .node == $id) | .busy_ms] | add" "$j")
	cb=$(jq ".phases[] | select(.phase == \"deferred\" and .node == $id) | .cpu_ms" "$j")
	n=$(jq "[.cpus[] | select(.phase == \"deferred_chunk\" and .node == $id)] | length" "$j")
	echo "    node $id: $n CPUs, pages $a of $b, cpu ms $ca of $cb"
	[ "$a" = "$b" ] && awk -v x="$ca" -v y="$cb" 'BEGIN {d = x - y; exit !(d < 1e-6 && d > -1e-6)}' || ok=0
	[ "$n" -ge 2 ] || ok=0
done
[ $ok = 1 ] && pass "$T: per-CPU deferred rows (2+ CPUs a node) sum to the node's pages and CPU time" ||
	fail "$T: per-CPU deferred sums" "differ"
# Ground truth 3: deferred wall time vs the kernel's jiffies line, above it
# only as far as the console's own stamps allow (tests/lib.sh).
ok=1 n=0
hz=$(jq -r '.hz // 0' "$j")
while read -r id ms; do
	w=$(jq ".phases[] | select(.phase == \"deferred\" and .node == $id) | .wall_ms" "$j")
	span=$(deferred_span_ms "$d/dmesg.txt" "$id")
	n=$((n + 1))
	echo "    node $id: record ${w} ms, kernel line ${ms} ms (HZ $hz), console span ${span:-none} ms"
	jiffies_line_ok "$w" "$ms" "$hz" "$span" || ok=0
done < <(sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/\1 \2/p' "$d/dmesg.txt")
[ $n -gt 0 ] && [ $ok = 1 ] && pass "$T: deferred wall time per node within 2 jiffies of the kernel's line, or above it within the console's span of the node's work" ||
	fail "$T: deferred wall vs kernel" "off by more than 2 jiffies, or beyond the console's span"
# Ground truth 4: every hash table line has a record of that size, zeroing split stated.
diff <(sed -n 's/^\[[ 0-9.]*\] \(.*\) hash table entries: \([0-9]*\) (order: [0-9]*, \([0-9]*\) bytes.*/\1|\2|\3/p' "$d/dmesg.txt" | sort) \
	<(jq -r '.hash_records[] | "\(.name)|\(.entries)|\(.bytes)"' "$j" | sort) > "$d/hash.diff" &&
	pass "$T: hash tables = the kernel's lines ($(jq '.hash_records | length' "$j")), $(jq '[.hash_records[] | select(.zero_ms != null)] | length' "$j") with zeroing timed apart" ||
	fail "$T: hash tables" "see $d/hash.diff"
jq -e '.split_method | test("split_ns")' "$j" > /dev/null && pass "$T: the split method is stated" ||
	fail "$T: split method" "missing"
grep -q '^Timeline per CPU' "$d/table.out" && grep -q '^Split method:' "$d/table.out" &&
	pass "$T: table has the timeline and the method" || fail "$T: table" "sections missing"

# The BPF paths and the debugfs paths give the same report.
strip='del(.records.via, .meminit_version)'
same() { diff <(jq -S "$strip" "$d/$1.out") <(jq -S "$strip" "$d/$2.out") > "$d/$1-$2.diff"; }
same ringbuf bin && pass "$T: BPF replay (ring buffer) = debugfs records.bin" ||
	fail "$T: BPF vs records.bin" "see $d/ringbuf-bin.diff"
same perfbuf bin && pass "$T: BPF replay (perf buffer) = debugfs records.bin" ||
	fail "$T: perf buffer vs records.bin" "see $d/perfbuf-bin.diff"
same text bin && pass "$T: debugfs text = records.bin" || fail "$T: text vs bin" "see $d/text-bin.diff"
jq -e '.records.via | test("BPF tp_btf.*ring buffer")' "$d/auto.out" > /dev/null &&
	pass "$T: auto takes the BPF ring buffer" || fail "$T: auto" "$(jq -r .records.via "$d/auto.out")"

# Saved files and event text: the same events as the live report.
ev='[.events[] | del(.live)]'
"$MEMINIT" report --records "$d/records.bin" --format json > "$d/file-bin.json" 2> "$d/file-bin.err" &&
	diff <(jq -S "$ev" "$d/file-bin.json") <(jq -S "$ev" "$j") > /dev/null &&
	pass "$T: --records records.bin (host) = live report's events" || fail "$T: --records bin" "differs"
cmp_import() {
	local name=$1 file=$2 out=$d/import-$1.json
	if ! "$MEMINIT" import-perf "$file" --format json > "$out" 2> "$out.err"; then
		fail "$T: import-perf $name" "$(head -c 200 "$out.err")"
		return
	fi
	diff <(jq -S "$ev" "$out") <(jq -S "$ev" "$d/file-bin.json") > "$out.diff" &&
	diff <(jq -S '.phases' "$out") <(jq -S '.phases' "$d/file-bin.json") >> "$out.diff" &&
		pass "$T: import-perf $name = records.bin ($(jq '.events | length' "$out") events, same phases)" ||
		fail "$T: import-perf $name" "see $out.diff"
}
cmp_import tracefs "$d/replay-trace.txt"
# perf is in the guest (make deps installs it, guest.sh --bin carries it):
# a guest where it did not run is a failure.
if [ -s "$d/perf-script.txt" ]; then
	cmp_import perf-script "$d/perf-script.txt"
else
	fail "$T: import-perf perf-script" "perf did not run in the guest: $(tr '\n' ' ' < "$d/perf-record.log" 2>/dev/null | head -c 200)"
fi

# Hotplug: meminit trace's meminit_record rows = the DIMM, node 1 only.
t=$d/trace.out
if [ "$(cat "$d/trace.rc")" = 0 ] && jq -e .records "$t" > /dev/null; then
	jq -r '.records.rows[] | "\(.phase) \(.node) \(.records) \(.pages) \(.ns)"' "$t" > "$d/trace.rows"
	awk -v p=$DIMM_PAGES '$1 == "hotplug" && $2 == 1 {s += $4; ns += $5} END {exit !(s == p && ns > 0)}' "$d/trace.rows" &&
		pass "$T: trace: meminit_record hotplug rows on node 1 = $DIMM_PAGES pages (the DIMM)" ||
		fail "$T: trace hotplug rows" "$(tr '\n' ';' < "$d/trace.rows")"
	[ "$(awk '$2 != 1' "$d/trace.rows" | wc -l)" = 0 ] && pass "$T: trace: no hotplug pages on other nodes" ||
		fail "$T: trace other nodes" "$(tr '\n' ';' < "$d/trace.rows")"
	got=$(awk '/^Node/ {n=$2+0} $1=="present" && n==1 {s+=$2} END {print s}' "$d/zoneinfo.after")
	was=$(awk '/^Node/ {n=$2+0} $1=="present" && n==1 {s+=$2} END {print s}' "$d/zoneinfo.before")
	[ $((got - was)) = $DIMM_PAGES ] && pass "$T: zoneinfo node 1 present grew by $DIMM_PAGES" ||
		fail "$T: zoneinfo growth" "$was -> $got"
	# The same hotplug through tracefs' meminit_record events.
	n=$(grep -c 'meminit_record: phase=hotplug nid=1' "$d/hotplug-trace.txt")
	[ "$n" = "$(awk '$1 == "hotplug" {s += $3} END {print s + 0}' "$d/trace.rows")" ] &&
		pass "$T: trace rows = tracefs meminit_record events ($n)" ||
		fail "$T: trace vs tracefs" "$n tracefs events"
else
	fail "$T: trace ran" "exit $(cat "$d/trace.rc"): $(head -c 300 "$d/trace.err")"
fi

# The next boot as 'meminit arm' in the guest said to boot it (issue 12):
# its line carries tsc_early_khz= (the TSC this guest measured), so the
# clock runs before memmap init even when the quick PIT calibration fails.
# Every early phase of every node with memory must then be timed, inside
# the printk window that holds them: from "NODE_DATA(0) allocated" (NUMA
# setup, before sparse_init) to "Memory: ... available" (after the early free).
e=$d/early-clock
params=$(head -n1 "$d/arm.txt")
case "$params" in
*tsc_early_khz=[0-9]*)
	if GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --kernel "$kdir/bzImage" --nodes 3G,1G,0 \
		--node-cpus 2,2,1 --append "$params" --timeout 300 --out "$e" \
		"$TOP/tests/vm/guest-early-clock.sh" > "$e.log" 2>&1 && [ "$(cat "$e/report.rc")" = 0 ]; then
		lo=$(sed -n 's/^\[ *\([0-9.]*\)\] NODE_DATA(0) allocated.*/\1/p' "$e/dmesg.txt" | head -n1)
		hi=$(sed -n 's/^\[ *\([0-9.]*\)\] Memory: [0-9]*K\/[0-9]*K available.*/\1/p' "$e/dmesg.txt" | head -n1)
		bad=$(jq -r --argjson lo "${lo:-0}" --argjson hi "${hi:-0}" '
			[.nodes[] | select(.memoryless | not) | .id] as $mem
			| [.phases[] | select(.phase == "vmemmap" or .phase == "memmap_early" or
			     .phase == "reserved" or .phase == "free_early")
			   | select(.node as $n | $mem | index($n))
			   | select((.wall_ms // 0) <= 0 or .start_s < $lo - 1e-6 or .end_s > $hi + 1e-6)
			   | "\(.phase) node \(.node): \(.wall_ms) ms at \(.start_s)..\(.end_s)"] | join("; ")' \
			"$e/report.json")
		n=$(jq '[.phases[] | select(.phase == "vmemmap" or .phase == "memmap_early" or .phase == "reserved" or .phase == "free_early") | select(.node == 0 or .node == 1)] | length' "$e/report.json")
		if [ -n "$lo" ] && [ -n "$hi" ] && [ -z "$bad" ] && [ "$n" -ge 7 ]; then
			pass "$T: booted with arm's line (${params##* }): all $n early phases of nodes 0 and 1 timed, inside $lo..$hi s"
		else
			fail "$T: early phases with arm's line" "window '$lo'..'$hi', $n phases, untimed or outside: $bad"
		fi
	else
		fail "$T: boot with arm's line" "$(tail -n1 "$e.log") $(cat "$e/report.err" 2>/dev/null | head -n1)"
	fi ;;
*)	fail "$T: arm in the guest" "no tsc_early_khz= in '$params' ($(cat "$d/arm.err"))" ;;
esac
