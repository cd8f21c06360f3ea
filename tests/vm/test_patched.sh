#!/bin/bash
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
done < "$TOP/kernel-patches/series"
if offdir=$("$TOP/kernel-patches/build.sh" --off 2> "$OUTROOT/kernel-build-off.log" | tail -n1) &&
	[ -f "$offdir/bzImage" ] && grep -q '^# CONFIG_MEMINIT_STATS is not set' "$offdir/config"; then
	pass "patched kernel: builds with CONFIG_MEMINIT_STATS=n"
else
	fail "patched kernel: builds with CONFIG_MEMINIT_STATS=n" "$(tail -n 2 "$OUTROOT/kernel-build-off.log" | tr '\n' ' ')"
fi
# ids LIST: one past the highest id of a sysfs range list ("0-4,7" -> 8).
ids() { tr ',-' '\n\n' <<< "$1" | sort -n | tail -n1 | awk '{print $1 + 1}'; }

# check_capacity D LABEL: the buffer was sized at boot from the CPUs and
# nodes (Documentation/mm/meminit_stats.rst: 64 + early records + 16 per
# node id + 8 per CPU id; the early buffer stays when it is larger), and the
# kernel's own line says what the header says.
check_capacity() {
	local d=$1 L=$2 r=$1/records.txt nc nn base cap nrec over line early how
	nc=$(ids "$(sed -n 1p "$d/possible.txt")") nn=$(ids "$(sed -n 2p "$d/possible.txt")")
	early=$(sed -n 's/^CONFIG_MEMINIT_STATS_EARLY_RECORDS=//p' "$kdir/config")
	read -r nrec over cap <<< "$(sed -n 's/^# records \([0-9]*\) overflow \([0-9]*\) capacity \([0-9]*\) .*/\1 \2 \3/p' "$r")"
	base=$((64 + 16 * nn + 8 * nc))
	if [ $((base + nrec)) -le "${early:-0}" ]; then
		how="the early buffer ($early) holds more than $base + early records"
		[ "${cap:-0}" = "$early" ]
	else
		how="from memblock: 64 + 16/node + 8/CPU = $base, + early records; early buffer $early"
		[ "${cap:-0}" -ge $base ] && [ "$cap" -le $((base + nrec)) ]
	fi && pass "${L}records: capacity $cap sized at boot for $nc CPU ids and $nn node ids ($how)" ||
		fail "${L}records: capacity sized at boot" "capacity ${cap:-?} ($how; $nc CPUs, $nn nodes)"
	line=$(grep -o 'meminit_stats: [0-9]* records of [0-9]*, [0-9]* lost to overflow' "$d/dmesg.txt")
	[ "$line" = "meminit_stats: $nrec records of $cap, $over lost to overflow" ] &&
		pass "${L}records: the kernel's line says what the header says" ||
		fail "${L}records: the kernel's line" "'$line' against header $nrec/$cap/$over"
}

# check_boot D LABEL: the boot records of the guest in D against the
# kernel's own ground truth of the same boot.
check_boot() {
	local d=$1 L=$2 r=$1/records.txt hdr nrec over rec_on ok n id kb cpus want got ms rec_ms c sz
	# header: "# records N overflow N capacity N recording on"
	hdr=$(sed -n 's/^# records \([0-9]*\) overflow \([0-9]*\) .*recording \(on\|off\)$/\1 \2 \3/p' "$r")
	read -r nrec over rec_on <<< "$hdr"
	[ "${rec_on:-}" = on ] && [ "${nrec:-0}" -gt 0 ] && pass "${L}records: $nrec records, recording on" ||
		fail "${L}records: header" "got '$(head -2 "$r" | tr '\n' ' ')'"
	[ "${over:-x}" = 0 ] && pass "${L}records: overflow counter is 0" || fail "${L}records: overflow" "${over:-missing}"
	check_capacity "$d" "$L"

	# Per node with memory: vmemmap, early and deferred records.
	ok=1
	while read -r id kb cpus; do
		[ "$kb" = 0 ] && continue
		for ph in vmemmap memmap_early reserved free_early deferred_node deferred_chunk page_ext; do
			awk -v n="$id" -v p="$ph" '$1 == p && $2 == n {f=1} END {exit !f}' "$r" ||
				{ ok=0; echo "    node $id has no $ph record"; }
		done
	done < "$d/nodes.txt"
	[ $ok = 1 ] && pass "${L}records: every node with memory has vmemmap, early, reserved, free, deferred and page_ext records" ||
		fail "${L}records: phases per node" "missing"

	# Struct pages per node: early + reserved (late) + deferred chunks + grow
	# = the node's present pages in /proc/zoneinfo, exactly.
	ok=1
	while read -r id want; do
		got=$(awk -v n="$id" '$2 == n && ($1 == "memmap_early" || $1 == "reserved" ||
			$1 == "deferred_chunk" || $1 == "deferred_grow") {s += $10} END {print s + 0}' "$r")
		echo "    node $id: records $got pages, zoneinfo present $want"
		[ "$got" = "$want" ] || ok=0
	done < <(awk '/^Node/ {n=$2+0} $1=="present" {s[n]+=$2} END {for (i in s) print i, s[i]}' "$d/zoneinfo")
	[ $ok = 1 ] && pass "${L}records: struct pages per node = zoneinfo present (none twice, none lost)" ||
		fail "${L}records: struct pages per node" "mismatch"

	# Deferred time per node against the kernel's own line (jiffies, 2 jiffies under TCG).
	ok=1 n=0
	while read -r id ms; do
		rec_ms=$(awk -v n="$id" '$1 == "deferred_node" && $2 == n {printf "%.3f", ($7 - $6) / 1e6}' "$r")
		n=$((n + 1))
		echo "    node $id: record ${rec_ms} ms, kernel line ${ms} ms"
		awk -v a="$rec_ms" -v b="$ms" 'BEGIN {d = a - b; if (d < 0) d = -d; exit !(a != "" && d <= 8)}' || ok=0
	done < <(sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/\1 \2/p' "$d/dmesg.txt")
	[ $n -gt 0 ] && [ $ok = 1 ] && pass "${L}records: deferred time per node within 2 jiffies of the kernel's line" ||
		fail "${L}records: deferred time vs kernel" "off or missing"

	# Every hash table the kernel printed has a record of the same size.
	diff <(sed -n 's/^\[[ 0-9.]*\] \(.*\) hash table entries: \([0-9]*\) (order: [0-9]*, \([0-9]*\) bytes.*/\1|\2|\3/p' "$d/dmesg.txt" | sort) \
		<(awk '$1 == "hash" {name = $14; for (i = 15; i <= NF; i++) name = name " " $i; print name "|" $10 "|" $11}' "$r" | sort) \
		> "$d/hash.diff" && pass "${L}records: every hash table line has a record of its size ($(grep -c '^hash ' "$r"))" ||
		fail "${L}records: hash tables" "see $d/hash.diff"

	# Padata splits a node's deferred init among helper threads, but under
	# TCG a helper may start after the node's own thread took every chunk,
	# so one node on one CPU is the kernel's choice, not a lost record.
	# What must hold: some node with 2+ CPUs shows chunks on 2+ CPUs.
	ok=0
	while read -r id kb cpus; do
		[ "$kb" = 0 ] && continue
		c=$(awk -v n="$id" '$1 == "deferred_chunk" && $2 == n {print $4}' "$r" | sort -u | wc -l)
		echo "    node $id (cpus $cpus): chunks on $c CPU(s)"
		case "$cpus" in *[-,]*) [ "$c" -ge 2 ] && ok=1 ;; esac
	done < "$d/nodes.txt"
	[ $ok = 1 ] && pass "${L}records: a node with 2+ CPUs has chunks on 2+ CPUs" ||
		fail "${L}records: chunks per CPU" "every node's chunks ran on one CPU"

	# The replay reaches meminit:meminit_replay, one event per record.
	got=$(grep -c 'meminit_replay:' "$d/replay.txt")
	[ "$got" = "$nrec" ] && pass "${L}replay: $got events, one per record" || fail "${L}replay" "$got events for $nrec records"
	# records.bin: header magic and size.
	sz=$(stat -c %s "$d/records.bin")
	[ "$sz" = $((32 + nrec * 96)) ] && [ "$(head -c 8 "$d/records.bin")" = MMEMINIT ] &&
		pass "${L}records.bin: header and $nrec records of 96 bytes" || fail "${L}records.bin" "size $sz"

	# The report's split per node (meminit report in the guest, BPF replay):
	# its chunks and its slowest CPU's busy time are the records' own.
	ok=1 n=0
	while read -r id want; do
		n=$((n + 1))
		got=$(jq -r --argjson n "$id" '.nodes[] | select(.id == $n) | .deferred_balance |
			"\(.chunks) \(.cpus) \(.busy_ms_max * 1000 | round)"' "$d/report.json")
		[ "$got" = "$want" ] || { ok=0; echo "    node $id: report '$got', records '$want'"; }
	done < <(awk '$1 == "deferred_chunk" { c[$2]++; b[$2 " " $4] += $7 - $6; cpu[$2 " " $4] = 1 }
		END { for (k in b) { split(k, x, " "); if (b[k] > m[x[1]]) m[x[1]] = b[k]; nc[x[1]]++ }
		      for (i in c) printf "%s %d %d %d\n", i, c[i], nc[i], int(m[i] / 1e3 + 0.5) }' "$r")
	[ $n -gt 0 ] && [ $ok = 1 ] &&
		pass "${L}report: per-node split (chunks, CPUs, slowest CPU's busy us) = the records' for $n nodes" ||
		fail "${L}report: per-node split" "$(head -c 300 "$d/report.err")"
	held=$(jq -r '.nodes[] | select(.deferred_balance.one_cpu_dominates or .deferred_balance.one_chunk_dominates) |
		"node \(.id)"' "$d/report.json" | tr '\n' ' ')
	echo "    held up by one CPU or chunk: ${held:-none}"
}

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
	cpuless=$(awk '$2 > 0 && $3 == "" {print $1}' "$dm/nodes.txt")
	c=$(awk -v n="${cpuless:--1}" '$1 == "deferred_chunk" && $2 == n' "$dm/records.txt" | wc -l)
	[ -n "$cpuless" ] && [ "$c" -gt 0 ] &&
		pass "32 vCPUs: the CPU-less node $cpuless has $c deferred chunk(s), run by other nodes' CPUs" ||
		fail "32 vCPUs: CPU-less node" "node '${cpuless}': $c deferred chunk records ($(tr '\n' ';' < "$dm/nodes.txt"))"
else
	fail "patched kernel: 32 vCPUs, 8 nodes: boot" "$(tail -n1 "$dm.log")"
fi

# A buffer too small for the boot (meminit_stats=N): the records that fit
# are kept whole, the rest counted; the kernel's line, both files' headers
# and the report say so, and the size the report asks for keeps them all.
small_boot() {	# small_boot N DIR
	rm -rf "$2"
	GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --kernel "$kdir/bzImage" --nodes 2G,1G \
		--node-cpus 2,1 --append "meminit_stats=$1" --out "$2" "$TOP/tests/vm/guest-records.sh" > "$2.log" 2>&1
}
ds=$OUTROOT/patched-small
if small_boot 24 "$ds"; then
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
