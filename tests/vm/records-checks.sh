# Sourced by the patched-kernel tests (tests/vm/test_patched.sh,
# tests/scale/test_64cpu.sh): the boot records of a guest that ran
# tests/vm/guest-records.sh against the kernel's own ground truth of the
# same boot. Needs $kdir, the patched kernel's build folder.

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
# kernel's own ground truth of the same boot (D/dmesg.txt; D/report.json,
# meminit's report of it, for HZ).
check_boot() {
	local d=$1 L=$2 r=$1/records.txt hz span hdr nrec over rec_on ok n id kb cpus want got ms rec_ms c sz
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

	# Deferred time per node against the kernel's own line, above it only as
	# far as the console's own stamps allow (tests/lib.sh).
	ok=1 n=0
	hz=$(jq -r '.hz // 0' "$d/report.json" 2> /dev/null)
	while read -r id ms; do
		rec_ms=$(awk -v n="$id" '$1 == "deferred_node" && $2 == n {printf "%.3f", ($7 - $6) / 1e6}' "$r")
		span=$(deferred_span_ms "$d/dmesg.txt" "$id")
		n=$((n + 1))
		echo "    node $id: record ${rec_ms} ms, kernel line ${ms} ms (HZ ${hz:-?}), console span ${span:-none} ms"
		jiffies_line_ok "$rec_ms" "$ms" "${hz:-0}" "$span" || ok=0
	done < <(sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/\1 \2/p' "$d/dmesg.txt")
	[ $n -gt 0 ] && [ $ok = 1 ] && pass "${L}records: deferred time per node within 2 jiffies of the kernel's line, or above it within the console's span of the node's work" ||
		fail "${L}records: deferred time vs kernel" "off by more than 2 jiffies, beyond the console's span, or missing"

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


# check_cpuless D LABEL: the node with memory and no CPUs had its deferred
# init run by other nodes' CPUs, and recorded.
check_cpuless() {
	local d=$1 L=$2 cpuless c
	cpuless=$(awk '$2 > 0 && $3 == "" {print $1}' "$d/nodes.txt")
	c=$(awk -v n="${cpuless:--1}" '$1 == "deferred_chunk" && $2 == n' "$d/records.txt" | wc -l)
	[ -n "$cpuless" ] && [ "$c" -gt 0 ] &&
		pass "${L}the CPU-less node $cpuless has $c deferred chunk(s), run by other nodes' CPUs" ||
		fail "${L}CPU-less node" "node '${cpuless}': $c deferred chunk records ($(tr '\n' ';' < "$d/nodes.txt"))"
}
