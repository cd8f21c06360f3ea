#!/bin/bash
# bench/large-memory.sh pack [DIR]: the large-memory run of issue 18, prepared
# for a machine of 16 cores and 128 GiB that has nothing installed (the device
# machine some sessions are lent): the patched 6.12 kernel on a guest of
# 96 GiB, 8 nodes of 12 GiB with 2 vCPUs each, booted with meminit_stats, and
# the guest script of the patched-kernel test (boot records, dmesg, zoneinfo,
# 'meminit report --format json'), packed with this QEMU, its libraries and
# firmware into DIR (default build/large-memory) and DIR.tar.xz.
#
# On that machine: tar xJf large-memory.tar.xz && large-memory/run.sh OUT
# (KVM when /dev/kvm opens, else TCG), then here:
# bench/large-memory.sh check OUT   the kernel's own truths against the
#                                    records, and a Markdown section on stdout.
# NODES, NODE_CPUS and TIMEOUT override the shape (a small one checks the
# packing on this machine: NODES=512M,512M NODE_CPUS=1,1).
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
nodes=${NODES:-12G,12G,12G,12G,12G,12G,12G,12G}
cpus=${NODE_CPUS:-2,2,2,2,2,2,2,2}

case "${1:-}" in
pack)
	dir=${2:-$top/build/large-memory}
	kdir=$("$top/kernel-patches/build.sh" | tail -n1)
	[ -f "$kdir/bzImage" ] || { echo "large-memory.sh: no patched kernel (kernel-patches/build.sh)" >&2; exit 1; }
	GUEST_CONFIG=$kdir/config "$top/tests/vm/guest.sh" --kernel "$kdir/bzImage" --nodes "$nodes" \
		--node-cpus "$cpus" --timeout "${TIMEOUT:-1200}" --append "meminit_stats page_owner=on" \
		--pack "$dir" "$top/tests/vm/guest-records.sh"
	tar -C "$(dirname "$dir")" -cJf "$dir.tar.xz" "$(basename "$dir")"
	echo "large-memory.sh: $dir.tar.xz ($(du -h "$dir.tar.xz" | cut -f1)); on the big machine:"
	echo "  tar xJf $(basename "$dir").tar.xz && $(basename "$dir")/run.sh OUT"
	;;
check)
	d=${2:?usage: bench/large-memory.sh check OUT}
	for f in nodes.txt dmesg.txt zoneinfo records.txt report.json accel boot-seconds host; do
		[ -s "$d/$f" ] || { echo "large-memory.sh: $d has no $f: the guest did not run to its end" >&2; exit 1; }
	done
	ok=1
	mapfile -t host < "$d/host"
	echo "## Large-memory guest: $(wc -l < "$d/nodes.txt") nodes, $(awk '$2 > 0' "$d/nodes.txt" | wc -l) with memory"
	echo
	echo "Run on ${host[0]} (${host[1]} CPUs, ${host[2]}), checked $(date -u +%F);" \
		"accelerator $(cat "$d/accel"), boot $(cat "$d/boot-seconds") s," \
		"kernel $(sed -n 's/.*Linux version \([^ ]*\).*/\1/p' "$d/dmesg.txt" | head -n1)."
	echo
	echo "| node | zoneinfo present | record pages | deferred ms (records) | deferred ms (kernel line) | held up |"
	echo "|---|---|---|---|---|---|"
	while read -r id want; do
		got=$(awk -v n="$id" '$2 == n && ($1 == "memmap_early" || $1 == "reserved" ||
			$1 == "deferred_chunk" || $1 == "deferred_grow") {s += $10} END {print s + 0}' "$d/records.txt")
		rec=$(awk -v n="$id" '$1 == "deferred_node" && $2 == n {printf "%.3f", ($7 - $6) / 1e6}' "$d/records.txt")
		line=$(sed -n "s/.*node $id deferred pages initialised in \\([0-9]*\\)ms.*/\\1/p" "$d/dmesg.txt")
		held=$(jq -r --argjson n "$id" '.nodes[] | select(.id == $n) | .deferred_balance //
			{} | if .one_chunk_dominates then "one chunk" elif .one_cpu_dominates then "one CPU" else "no" end' \
			"$d/report.json")
		echo "| $id | $want | $got | ${rec:--} | ${line:--} | $held |"
		[ "$got" = "$want" ] || ok=0
	done < <(awk '/^Node/ {n=$2+0} $1=="present" {s[n]+=$2} END {for (i in s) print i, s[i]}' "$d/zoneinfo" | sort -n)
	echo
	[ $ok = 1 ] && echo "Struct pages per node equal zoneinfo's present pages on every node." ||
		{ echo "Struct pages per node DIFFER from zoneinfo's present pages."; exit 1; }
	;;
*)
	echo "usage: bench/large-memory.sh pack [DIR] | check OUT" >&2
	exit 2
	;;
esac
