#!/bin/bash
# needs: patched-kernel
# bench/memset-floor.sh --small: two boots of the patched kernel (2 nodes,
# multi-threaded TCG and -icount), meminit report and bench/membw in the same
# guest. Checks what must hold whatever the timings: membw's pages were on the
# node it named (move_pages and numa_maps), it ran on a CPU of the node it
# named, its numbers parse and agree with each other, the report's struct
# pages per node equal /proc/zoneinfo present of that guest, and every node
# with memory has its rows (early memmap, deferred init, multiple of the floor).
source "$(dirname "$0")/../lib.sh"

T=bench-memset
if ! have_root; then
	skip_missing root "$T" "needs root (QEMU, kernel cache)"
	exit 0
fi
need_vm "$T" || exit 0
command -v jq > /dev/null || { skip_missing deps "$T" "jq not installed (make deps)"; exit 0; }
# membw is a static C program: glibc's static libraries must be there.
probe=$(mktemp -d)
trap 'rm -rf "$probe"' EXIT
printf 'int main(void) { return 0; }\n' > "$probe/p.c"
if ! cc -static -o "$probe/p" "$probe/p.c" 2> /dev/null; then
	skip_missing deps "$T" "cc -static does not link (libc6-dev; make deps)"
	exit 0
fi
[ -x "$TOP/build/meminit-static" ] || { fail "$T" "build/meminit-static not built (make)"; exit 0; }

d=$MEMINIT_BENCH_OUT/memset-floor
log=$OUTROOT/bench-memset.log
if ! "$TOP/bench/memset-floor.sh" --small > "$log" 2>&1; then
	fail "$T: memset-floor.sh --small ran" "$(tail -n 2 "$log" | tr '\n' ' ')"
	exit 0
fi
pass "$T: memset-floor.sh --small ran ($(cat "$d/mttcg/uname"), boots $(cat "$d/mttcg/boot-seconds") s and $(cat "$d/icount/boot-seconds") s with the QEMU lock)"
cmp -s "$log" "$d/section.md" && pass "$T: stdout is section.md" || fail "$T: section.md" "differs from stdout"

# membw refuses bad input with one line and exit 2.
m=$TOP/build/bench/membw
for bad in "-s 3" "-p 0" "-p x" "extra"; do
	# shellcheck disable=SC2086
	"$m" $bad > "$probe/bad.out" 2> "$probe/bad.err"
	rc=$?
	[ $rc = 2 ] && [ ! -s "$probe/bad.out" ] && [ -s "$probe/bad.err" ] ||
		{ fail "$T: membw $bad" "exit $rc, $(head -c 200 "$probe/bad.err")"; continue; }
	pass "$T: membw $bad: exit 2, $(head -n1 "$probe/bad.err")"
done

for b in mttcg icount; do
	j=$d/$b/membw.json
	jq -e . "$j" > /dev/null || { fail "$T: $b membw.json" "not JSON"; continue; }
	# Ground truth from the same guest: nodes with memory and CPUs, per zoneinfo
	# and the node CPU lists.
	mapfile -t memnodes < <(awk '/^Node/ {n = $2 + 0} $1 == "present" {s[n] += $2}
		END {for (i in s) if (s[i] > 0) print i}' "$d/$b/zoneinfo" | sort -n)
	declare -A cpulist=()
	while read -r _ n _ l; do cpulist[$n]=$l; done < <(grep ' cpulist ' "$d/$b/node-meminfo")

	# Every buffer on the node membw named, by both checks; none elsewhere.
	bad=$(jq -r '.runs[] | select(.pages_on_node != .pages or .pages_elsewhere != 0 or
		.numa_maps_on_node != .pages or .numa_maps != "N\(.mem_node)=\(.pages)") |
		"\(.cpu_node)->\(.mem_node): \(.pages_on_node)/\(.pages), numa_maps \(.numa_maps)"' "$j")
	n=$(jq '.runs | length' "$j")
	[ -z "$bad" ] && [ "$n" -gt 0 ] &&
		pass "$T: $b: all pages of membw's $n buffers on the node it named (move_pages and numa_maps)" ||
		fail "$T: $b: pages on node" "$bad"
	# Local runs for each node with memory, and the remote pairs (-x).
	ok=1
	for n in "${memnodes[@]}"; do
		jq -e --argjson n "$n" '[.runs[] | select(.cpu_node == $n and .mem_node == $n)] | length == 1' "$j" > /dev/null || ok=0
		jq -e --argjson n "$n" '[.runs[] | select(.cpu_node != $n and .mem_node == $n)] | length >= 1' "$j" > /dev/null || ok=0
	done
	[ $ok = 1 ] && [ ${#memnodes[@]} -ge 2 ] &&
		pass "$T: $b: a local and a remote membw run for each of nodes ${memnodes[*]}" ||
		fail "$T: $b: membw runs" "nodes ${memnodes[*]}: $(jq -c '[.runs[] | [.cpu_node, .mem_node]]' "$j")"
	# Pinned: the CPU it reports is in its node's cpulist, and it stayed there.
	ok=1
	while read -r cn cpu after; do
		[ "$cpu" = "$after" ] || ok=0
		awk -v c="$cpu" -v l="${cpulist[$cn]:-}" 'BEGIN {
			n = split(l, p, ","); for (i = 1; i <= n; i++) {
				m = split(p[i], ab, "-"); hi = m > 1 ? ab[2] : ab[1]
				if (c + 0 >= ab[1] + 0 && c + 0 <= hi + 0) exit 0 }
			exit 1 }' || ok=0
	done < <(jq -r '.runs[] | "\(.cpu_node) \(.cpu) \(.cpu_after)"' "$j")
	[ $ok = 1 ] && pass "$T: $b: membw ran on a CPU of the node it named" ||
		fail "$T: $b: pinning" "$(jq -c '[.runs[] | [.cpu_node, .cpu, .cpu_after]]' "$j")"
	# Numbers parse, are > 0 and agree: GB/s = bytes / best ns, ns per 64 B and
	# per 4 KiB from the same best pass, best <= median, 4 patterns a run.
	bad=$(jq -r '.runs[] | . as $r | .patterns[] |
		select((.best_ns > 0 and .median_ns >= .best_ns and .best_gbps > 0 and .median_gbps > 0 and
			.ns_per_64b > 0 and .ns_per_4k > 0 and
			((.best_gbps - $r.bytes / .best_ns) | fabs) <= 0.0001 * .best_gbps + 0.0001 and
			((.ns_per_64b - .best_ns / $r.struct_pages) | fabs) <= 0.0001 * .ns_per_64b + 0.0001 and
			((.ns_per_4k - .ns_per_64b * 64) | fabs) <= 0.001 * .ns_per_4k + 0.01) | not) |
		"\($r.cpu_node)->\($r.mem_node) \(.name)"' "$j")
	np=$(jq '[.runs[] | .patterns | length] | unique' "$j")
	[ -z "$bad" ] && [ "$np" = "[
  4
]" ] && pass "$T: $b: bandwidth numbers parse, > 0, consistent (4 patterns a run)" ||
		fail "$T: $b: bandwidth numbers" "$bad patterns $np"

	# The report's struct pages per node = zoneinfo present of the same guest.
	r=$d/$b/report.json
	ok=1
	while read -r id want; do
		got=$(jq -r ".nodes[] | select(.id == $id) | .record_pages // 0" "$r")
		[ "$got" = "$want" ] || { ok=0; echo "    $b node $id: records $got, zoneinfo present $want"; }
	done < <(awk '/^Node/ {n = $2 + 0} $1 == "present" {s[n] += $2} END {for (i in s) print i, s[i]}' "$d/$b/zoneinfo")
	[ $ok = 1 ] && pass "$T: $b: report pages per node = zoneinfo present" || fail "$T: $b: pages per node" "differ"

	# A ratio row for each node with memory: early memmap and deferred init,
	# in floor.json and in the Markdown table.
	ok=1
	for n in "${memnodes[@]}"; do
		for ph in memmap_early deferred; do
			jq -e --arg b "$b" --argjson n "$n" --arg ph "$ph" '.[] | select(.boot == $b) | .phases[] |
				select(.node == $n and .phase == $ph) | .pages > 0 and (.floor_ns > 0) and
				(if .timed then .multiple > 0 and .ns_per_page > 0 else .multiple == null end)' \
				"$d/floor.json" > /dev/null || { ok=0; echo "    $b node $n $ph: no row in floor.json"; }
			grep -q "^| $b | $n | $ph (" "$d/section.md" || { ok=0; echo "    $b node $n $ph: no Markdown row"; }
		done
		# deferred init is always timed (local_clock runs by then), with the split
		jq -e --arg b "$b" --argjson n "$n" '.[] | select(.boot == $b) | .phases[] |
			select(.node == $n and .phase == "deferred") | .timed and .free_ns_per_page > 0' \
			"$d/floor.json" > /dev/null || { ok=0; echo "    $b node $n: deferred init not timed apart from freeing"; }
	done
	[ $ok = 1 ] && pass "$T: $b: a multiple-of-floor row for early memmap and deferred init on nodes ${memnodes[*]}" ||
		fail "$T: $b: ratio rows" "missing"
	# Deferred pages of a node = the sum of its chunks (the rows' page counts
	# are the kernel's).
	ok=1
	for n in "${memnodes[@]}"; do
		jq -e --argjson n "$n" '([.events[] | select(.phase == "deferred_chunk" and .node == $n) | .pages] | add) ==
			(.phases[] | select(.phase == "deferred" and .node == $n) | .pages)' "$r" > /dev/null || ok=0
	done
	[ $ok = 1 ] && pass "$T: $b: deferred pages per node = the sum of its chunk records" ||
		fail "$T: $b: deferred pages" "differ from the chunks"
	# Every hash table whose zeroing was timed has its row.
	want=0 got=0
	while IFS=$'\t' read -r name bytes; do
		want=$((want + 1))
		grep -qF "| $b | $name | $bytes | " "$d/section.md" && got=$((got + 1))
	done < <(jq -r '.hash_records[] | select(.zero_ms != null and .zero_ms > 0) | "\(.name)\t\(.bytes)"' "$r")
	[ "$want" -gt 0 ] && [ "$got" = "$want" ] &&
		pass "$T: $b: $want hash tables with zeroing timed, each compared with user space" ||
		fail "$T: $b: hash rows" "$got rows for $want timed tables"
done
