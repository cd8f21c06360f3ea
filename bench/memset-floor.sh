#!/bin/bash
# Struct page init against the physical limit: the patched kernel boots with
# meminit_stats on 2 NUMA nodes, and in the same guest bench/membw.c measures
# each node's store bandwidth (libc memset, 8-byte stores, rep stosq, rep
# stosb). The kernel's ns per struct page (init part only, free to buddy
# apart) is then read as a multiple of the ns per 64 B that plain stores
# take there, and each hash table's memset as a fraction of the same store
# pattern in user space.
#
# Two boots: multi-threaded TCG (the usual testbed), and single-threaded TCG
# with -icount shift=3,sleep=off, where guest time is 8 ns per instruction,
# so its ratios are deterministic (and are instruction-count ratios).
#
# memset-floor.sh [--small]     Markdown on stdout, raw files in build/bench/memset-floor/
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
small=0 again=0
case "${1:-}" in
--small) small=1 ;;
--again) again=1 ;;	# the tables again from the last run's raw files, no boot
"") ;;
*) echo "usage: memset-floor.sh [--small|--again]" >&2; exit 2 ;;
esac
command -v jq > /dev/null || { echo "memset-floor: jq not installed (make deps)" >&2; exit 1; }
out=${MEMINIT_BENCH_OUT:-$top/build/bench}/memset-floor
if [ $again = 1 ]; then
	[ -f "$out/run.env" ] || { echo "memset-floor: no earlier run in $out" >&2; exit 1; }
	# shellcheck disable=SC1091
	source "$out/run.env"
else
	rm -rf "$out"
	mkdir -p "$out"
fi

membw=$top/build/bench/membw
if [ $again = 0 ]; then
	# membw: static, so it runs in the busybox guest; -Werror keeps it warning-free.
	mkdir -p "$(dirname "$membw")"
	cc -O2 -static -Wall -Wextra -Werror -o "$membw" "$top/bench/membw.c"
	[ -x "$top/build/meminit-static" ] || make -C "$top" -s > "$out/make.log" 2>&1 ||
		{ echo "memset-floor: make failed, see $out/make.log" >&2; exit 1; }
	if [ -n "${MEMINIT_PATCHED_KDIR:-}" ]; then
		kdir=$MEMINIT_PATCHED_KDIR
	else
		kdir=$("$top/kernel-patches/build.sh" 2> "$out/kernel-build.log" | tail -n1)
	fi
	[ -f "$kdir/bzImage" ] || { echo "memset-floor: no patched kernel (kernel-patches/build.sh)" >&2; exit 1; }

	if [ $small = 1 ]; then
		nodes=1G,1G mt_args=-s,32,-p,3,-x ic_args=-s,8,-p,3,-x
	else
		nodes=2G,2G mt_args=-s,256,-p,7,-x ic_args=-s,32,-p,3,-x
	fi
	cpus=1,1
	# The host's own bandwidth, native: a scale for the published figures only.
	"$membw" -s "$([ $small = 1 ] && echo 64 || echo 512)" -p 5 > "$out/host-membw.json"

	boot() { # NAME ACCEL MEMBW-ARGS QEMU-EXTRA
		local d=$out/$1
		if ! MEMINIT_ACCEL=$2 GUEST_CONFIG=$kdir/config "$top/tests/vm/guest.sh" --kernel "$kdir/bzImage" \
			--nodes "$nodes" --node-cpus "$cpus" \
			--append "meminit_stats membw_bin=$membw membw_args=$3" --qemu "$4" \
			--bin "$membw" --timeout 600 --out "$d" "$top/bench/guest-memset-floor.sh" > "$d.log" 2>&1; then
			echo "memset-floor: $1 boot failed: $(tail -n1 "$d.log")" >&2
			exit 1
		fi
		for f in report membw; do
			[ "$(cat "$d/$f.rc")" = 0 ] ||
				{ echo "memset-floor: $1: $f failed: $(head -c 300 "$d/$f.err")" >&2; exit 1; }
		done
	}
	boot mttcg tcg,thread=multi "$mt_args" ""
	boot icount tcg "$ic_args" "-icount shift=3,sleep=off"

	# One JSON per boot with what the tables need: the report, membw, the CPU ->
	# node map and zoneinfo present per node from the same guest.
	combine() { # NAME
		local d=$out/$1
		jq -n --arg boot "$1" --slurpfile r "$d/report.json" --slurpfile m "$d/membw.json" \
			--argjson cpunode "$(awk '$3 == "cpulist" {
				n = split($4, parts, ","); for (i = 1; i <= n; i++) {
					m = split(parts[i], ab, "-"); hi = m > 1 ? ab[2] : ab[1]
					for (c = ab[1]; c <= hi; c++) printf "%s\"%d\": %d", (k++ ? ", " : "{"), c, $2 } }
				END { print (k ? "}" : "{}") }' "$d/node-meminfo")" \
			--argjson present "$(awk '/^Node/ {n = $2 + 0} $1 == "present" {s[n] += $2}
				END { printf "{"; for (i in s) printf "%s\"%d\": %d", (k++ ? ", " : ""), i, s[i]; print "}" }' \
				"$d/zoneinfo")" \
			--arg flags "$(cat "$d/cpu-flags")" \
			'{boot: $boot, report: $r[0], membw: $m[0], cpunode: $cpunode, present: $present,
			  flags: ($flags | split(" "))}' > "$d/combined.json"
	}
	combine mttcg
	combine icount
	echo "small=$small nodes=$nodes cpus=$cpus kdir=$kdir" > "$out/run.env"
fi

# How the kernel zeroes a HASH_ZERO table: its memset() may be compiled
# inline (GCC emits rep stosb for it in the test kernel), else it calls
# memset(), which 6.12 runs as rep stosb only with FSRS (CPUID, not shown in
# /proc/cpuinfo; membw reads it) and as memset_orig's 8-byte stores otherwise.
kmemset=cpuid
if [ -f "$kdir/vmlinux" ] && command -v objdump > /dev/null; then
	read -r addr size < <(nm -S "$kdir/vmlinux" | awk '$4 == "alloc_large_system_hash" {print $1, $2; exit}') || true
	if [ -n "${addr:-}" ]; then
		objdump -d --no-show-raw-insn "$kdir/vmlinux" --start-address=0x$addr \
			--stop-address="$(printf '0x%x' $((0x$addr + 0x$size)))" > "$out/alloc_large_system_hash.s"
		if grep -q 'rep stos %al' "$out/alloc_large_system_hash.s"; then
			kmemset=stosb
		fi
	fi
fi

# Rows of the main table, computed once (the test reads floor.json too).
jq -s --arg kmemset "$kmemset" -f /dev/stdin "$out/mttcg/combined.json" "$out/icount/combined.json" > "$out/floor.json" <<'JQ'
def floor_run(c; m): [.membw.runs[] | select(.cpu_node == c and .mem_node == m)][0];
def best(run): run.patterns | min_by(.ns_per_64b);
def pat(run; n): [run.patterns[] | select(.name == n)][0];
# The kernel's memset on x86-64 6.12: rep stosb with FSRS (a CPUID bit that
# /proc/cpuinfo does not show; membw reads it), else memset_orig, an unrolled
# loop of 8-byte stores (store64 here).
def kmemset: if $kmemset != "cpuid" then $kmemset elif .membw.cpuid.fsrs then "stosb" else "store64" end;
[.[] | . as $b | .report as $r |
 {boot, kernel: $r.kernel, kernel_memset: kmemset,
  flags: ([.membw.cpuid | to_entries[] | select(.value) | .key] +
	  [.flags[] | select(. == "rep_good")]),
  nodes: [$r.nodes[] | select(.memoryless | not) | .id as $n |
	{node: $n, record_pages: .record_pages, present: $b.present[($n | tostring)],
	 local: ($b | floor_run($n; $n))}],
  phases: [$r.phases[] | select(.phase == "memmap_early" or .phase == "reserved" or .phase == "deferred") |
	. as $p |
	# the node of the CPU that did most of the phase's pages: the floor is
	# the membw run with that CPU node and this memory node
	([$r.events[] | select(.node == $p.node and (.phase == $p.phase or
		($p.phase == "deferred" and .phase == "deferred_chunk")))] |
	 group_by($b.cpunode[(.cpu | tostring)]) | map({cn: $b.cpunode[(.[0].cpu | tostring)], pages: (map(.pages) | add)}) |
	 max_by(.pages).cn) as $cn |
	($b | floor_run($cn; $p.node)) as $run |
	(if $p.init_ms != null then $p.init_ms else $p.cpu_ms end) as $t |
	{phase: $p.phase, node: $p.node, cpu_node: $cn, pages: $p.pages, timed: ($t > 0),
	 ns_per_page: (if $t > 0 then $t * 1e6 / $p.pages else null end),
	 free_ns_per_page: (if $p.free_ms != null then $p.free_ms * 1e6 / $p.pages else null end),
	 gbps: $p.write_gbps_per_cpu,
	 floor_pattern: best($run).name, floor_ns: best($run).ns_per_64b, floor_gbps: best($run).best_gbps,
	 store64_ns: pat($run; "store64").ns_per_64b, memset_ns: pat($run; "memset").ns_per_64b,
	 memset_gbps: pat($run; "memset").best_gbps}
	| . + {multiple: (if .ns_per_page then .ns_per_page / .floor_ns else null end),
	       multiple_store64: (if .ns_per_page then .ns_per_page / .store64_ns else null end)}],
  hashes: [$r.hash_records[] | select(.zero_ms != null and .zero_ms > 0) | . as $h |
	$b.cpunode[($h.cpu | tostring)] as $cn | ($b | floor_run($cn; $cn)) as $run |
	{name, bytes, zero_ms, zero_gbps, cpu, cpu_node: $cn, pattern: ($b | kmemset),
	 user_gbps: pat($run; ($b | kmemset)).best_gbps}
	| . + {fraction: (.zero_gbps / .user_gbps), extra_ms: (.zero_ms - .bytes / .user_gbps / 1e6)}],
  membw: .membw.runs}]
JQ

f3() { awk -v x="$1" 'BEGIN { if (x == "" || x == "null") print "—"; else printf "%.3g", x }'; }
host_cpu=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | sed -n 1p)
section() {
	local k
	k=$(jq -r '.[0].kernel' "$out/floor.json")
	echo "## Struct page init against the store-bandwidth floor (\`bench/memset-floor.sh$([ $small = 1 ] && echo ' --small')\`)"
	echo
	echo "$(date +%F): $(nproc) host cores ($host_cpu), QEMU $(qemu-system-x86_64 --version | sed -n 1p | awk '{print $4}'), patched $k with \`meminit_stats\`, 2 nodes ($nodes), $cpus vCPUs, \`-cpu max\`. Two boots: multi-threaded TCG, and single-threaded TCG with \`-icount shift=3,sleep=off\` (guest time = 8 ns per guest instruction). In each guest, after boot, \`bench/membw\` pinned to a CPU of a node, with a buffer \`mbind\`-ed there ($(jq -r '[.[] | "\(.boot): \(.membw[0].bytes / 1048576) MiB, \(.membw[0].patterns[0].passes) passes"] | join("; ")' "$out/floor.json"); every page checked on its node with \`move_pages\` and \`numa_maps\`)."
	echo
	echo "**Read the ratios, not the nanoseconds.** TCG emulates: absolute ns say nothing about hardware, and TCG has no cache or DRAM model, so the floor is the cost of emulated stores, not of a memory system. Under \`-icount\` every figure is an instruction count × 8 ns: a ratio there is instructions per struct page over instructions per 64 B of stores (and \`rep stosb\` counts one instruction per byte). The multiple of the floor is the figure that carries, and only roughly."
	echo
	echo "| boot | node | phase (CPU node → memory node) | pages | ns/page (init part, per CPU) | free to buddy ns/page | floor ns per 64 B (pattern) | **multiple of floor** | multiple of store64 | init GB/s per CPU | floor GB/s | libc memset ns per 64 B |"
	echo "|---|---|---|---|---|---|---|---|---|---|---|---|"
	jq -r '.[] | .boot as $b | .phases[] | [$b, .node, "\(.phase) (\(.cpu_node) → \(.node))", .pages,
		.ns_per_page, .free_ns_per_page, .floor_ns, .floor_pattern, .multiple, .multiple_store64, .gbps, .floor_gbps,
		.memset_ns] | map(tostring) | join("\t")' "$out/floor.json" |
	while IFS=$'\t' read -r b n ph pg ns fr fl fp mu ms gb fg me; do
		if [ "$ns" = null ]; then
			ns="untimed (local_clock still 0: TSC calibration not done)"
		else
			ns=$(f3 "$ns")
		fi
		echo "| $b | $n | $ph | $pg | $ns | $(f3 "$fr") | $(f3 "$fl") ($fp) | **$(f3 "$mu")** | $(f3 "$ms") | $(f3 "$gb") | $(f3 "$fg") | $(f3 "$me") |"
	done
	echo
	echo "Pages per node in the records = /proc/zoneinfo present: $(jq -r '[.[] | .boot as $b | .nodes[] | "\($b) node \(.node) \(.record_pages) = \(.present)"] | join(", ")' "$out/floor.json")."
	echo "Early memmap and reserved pages are struct page init only; the deferred row's init part is the kernel's own split (\`split_ns\`), and freeing to the buddy allocator is the column beside it. The floor is the fastest of membw's four patterns for that CPU node and memory node (early memmap of node 1 runs on the boot CPU, so its floor is the remote pair)."
	echo
	echo "Store bandwidth in the guests (best of the passes; median in brackets):"
	echo
	echo "| boot | CPU node → memory node | pattern | GB/s | ns per 64 B (struct page) | ns per 4 KiB (clear_page) | pages on the node (move_pages) |"
	echo "|---|---|---|---|---|---|---|"
	jq -r '.[] | .boot as $b | .membw[] | . as $r | .patterns[] | [$b, "\($r.cpu_node) → \($r.mem_node)", .name,
		.best_gbps, .median_gbps, .ns_per_64b, .median_ns_per_64b, .ns_per_4k, "\($r.pages_on_node)/\($r.pages)"] |
		map(tostring) | join("\t")' "$out/floor.json" |
	while IFS=$'\t' read -r b p name g gm n nm k on; do
		echo "| $b | $p | $name | $(f3 "$g") ($(f3 "$gm")) | $(f3 "$n") ($(f3 "$nm")) | $(f3 "$k") | $on |"
	done
	echo
	if [ "$kmemset" = cpuid ]; then
		how="the kernel calls memset(); the guest CPU ($(jq -r '.[0].flags | join(", ")' "$out/floor.json")) makes that $(jq -r '.[0].kernel_memset' "$out/floor.json") (6.12: \`rep stosb\` only with FSRS, else memset_orig's 8-byte stores)"
	else
		how="the compiler inlined the kernel's memset() in alloc_large_system_hash as \`rep stosb\` (objdump of the test kernel's vmlinux), whatever the CPU flags ($(jq -r '.[0].flags | join(", ")' "$out/floor.json"))"
	fi
	echo "Kernel memset in the same boot: the hash tables allocated with HASH_ZERO, zeroing timed apart by the patches; $how. User space is membw's same pattern on the CPU's node."
	echo
	echo "| boot | table | bytes | zero ms | kernel GB/s | user-space GB/s (pattern, node) | kernel / user | ms beyond the user-space rate |"
	echo "|---|---|---|---|---|---|---|---|"
	jq -r '.[] | .boot as $b | .hashes[] | [$b, .name, .bytes, .zero_ms, .zero_gbps, .user_gbps, .pattern, .cpu_node, .fraction, .extra_ms] |
		map(tostring) | join("\t")' "$out/floor.json" |
	while IFS=$'\t' read -r b name by z g u p cn fr ex; do
		echo "| $b | $name | $by | $(f3 "$z") | $(f3 "$g") | $(f3 "$u") ($p, node $cn) | $(f3 "$fr") | $(f3 "$ex") |"
	done
	echo
	echo "Every interval here is local_clock() from start to end, so an interrupt taken inside it counts: the hash tables are zeroed with interrupts on (vfs_caches_init), as is deferred init; early memmap runs before interrupts are enabled. In TCG, \`rep stosb\` is $(jq -r '[.[] | "\(.boot) \((.membw[0].patterns | map({(.name): .ns_per_64b}) | add) as $p | $p.stosb / $p.store64 * 10 | round / 10)×"] | join(", ")' "$out/floor.json") slower than 8-byte stores, so libc memset (which uses it for large sizes) is no floor there; the floor is the fastest pattern."
	echo
	echo "Published hardware figures, for scale (not measured here):"
	echo
	echo "| source | figure | per page |"
	echo "|---|---|---|"
	echo "| issue 8, one thread, 2018–2020 Xeons | struct page init | 12–20 ns |"
	echo "| issue 8, 2017 | zeroing struct pages alone | 42 ns |"
	echo "| Tatashin, complete deferred page init v4–v6 cover letter (2017, Xeon E7-8895 v3) | saved by zeroing in __init_single_page: 7.6 s/TiB single-threaded, 10.2 s/TiB deferred | 28 ns, 38 ns |"
	echo
	echo "This host, native (not TCG): $(jq -r '.runs[0] | [.patterns[] | "\(.name) \(.best_gbps * 100 | round / 100) GB/s = \(.ns_per_64b * 1000 | round / 1000) ns per 64 B"] | join(", ")' "$out/host-membw.json") ($(jq -r '.runs[0].bytes / 1048576' "$out/host-membw.json") MiB, best of 5, shared machine). At that floor, 12–20 ns/page would be $(jq -r '(.runs[0].patterns | min_by(.ns_per_64b).ns_per_64b) as $f | "\(12 / $f | round)–\(20 / $f | round)×"' "$out/host-membw.json") the floor — a different CPU than the published ones, order of magnitude only."
}
section | tee "$out/section.md"
