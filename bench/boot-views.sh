#!/bin/bash
# What the tools people use today report of one boot, beside meminit
# (issue 8, item 2c). One boot of stock Debian 6.12 under QEMU with systemd
# as PID 1 (rdinit=, from the host's own systemd package), the kernel log
# made for bootgraph.py (initcall_debug) and meminit's boot trace armed
# ('meminit arm'). Then, of that same boot:
#   systemd-analyze       run inside the guest by the boot's only unit
#   bootgraph.py          the kernel's tools/power/pm-graph, on the guest's log
#   meminit report        in the guest, live
# and each figure is checked against the kernel's own lines and zoneinfo.
#
# boot-views.sh [--small]   Markdown on stdout and in build/bench/boot-views/section.md
#   (--small: smaller guest; the same three tools)
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${MEMINIT_BENCH_OUT:-$top/build/bench}/boot-views
nodes=3G,1G cpus=2,2
case "${1:-}" in
--small) nodes=1G,1G cpus=1,1 ;;
"") ;;
*) echo "boot-views.sh: unknown argument $1" >&2; exit 2 ;;
esac
m=$top/build/meminit
for f in "$m" /lib/systemd/systemd /usr/bin/systemd-analyze; do
	[ -x "$f" ] || { echo "boot-views.sh: $f missing (make; systemd package)" >&2; exit 1; }
done
bg=${MEMINIT_CACHE:-/var/cache/meminit}/src/linux-6.12/tools/power/pm-graph/bootgraph.py
[ -f "$bg" ] || { echo "boot-views.sh: $bg missing (make kernel unpacks the kernel source)" >&2; exit 1; }
# The host's tsc_early_khz= is left out: a guest's TSC is not the host's.
arm=$("$m" arm -q 2>/dev/null | sed -n 1p | sed 's/ tsc_early_khz=[0-9]*//')
case "$arm" in ftrace=function\ *) ;; *) echo "boot-views.sh: 'meminit arm' printed '$arm'" >&2; exit 1 ;; esac

rm -rf "$out"
mkdir -p "$out"
g=$out/guest
# log_buf_len: initcall_debug writes hundreds of lines; the log must keep
# the start of boot for bootgraph.py and for meminit.
MEMINIT_ACCEL=tcg "$top/tests/vm/guest.sh" --kernel 6.12 --nodes "$nodes" --node-cpus "$cpus" \
	--bin /lib/systemd/systemd --bin /usr/bin/systemd-analyze \
	--file "$top/bench/systemd/meminit-bench.service:/etc/systemd/system/meminit-bench.service" \
	--append "rdinit=/lib/systemd/systemd systemd.unit=meminit-bench.service initcall_debug log_buf_len=8M $arm" \
	--timeout 600 --out "$g" "$top/bench/guest-boot-views.sh" > "$out/guest.log" 2>&1 ||
	{ echo "boot-views.sh: the guest failed (see $out/guest.log)" >&2; exit 1; }
[ "$(cat "$g/pid1")" = systemd ] || { echo "boot-views.sh: PID 1 was $(cat "$g/pid1"), not systemd" >&2; exit 1; }
grep -q '^Startup finished' "$g/analyze.txt" ||
	{ echo "boot-views.sh: systemd-analyze answered: $(head -c 200 "$g/analyze.err")" >&2; exit 1; }
(cd "$out" && python3 "$bg" -dmesg "$g/dmesg.txt" -result "$out/bootgraph-result.txt" -o bootgraph \
	> "$out/bootgraph.log" 2>&1) || { echo "boot-views.sh: bootgraph.py failed (see $out/bootgraph.log)" >&2; exit 1; }
j=$g/report.json
jq -e . "$j" > /dev/null || { echo "boot-views.sh: meminit report failed: $(head -c 200 "$g/report.err")" >&2; exit 1; }

# --- figures of the one boot -----------------------------------------------
ms() { awk '{ printf "%.2f", $1 }'; }
sd_kernel=$(sed -n 's/^Startup finished in \([0-9.]*m*s\) (kernel).*/\1/p' "$g/analyze.txt")
bg_boot=$(sed -n 's/^boot: //p' "$out/bootgraph-result.txt")
bg_calls=$(grep -c 'initcall .* returned' "$g/dmesg.txt" || true)
# bootgraph.py's timeline is the initcalls: the five longest, as it draws them.
bg_top=$(sed -n 's/.*initcall \([a-z0-9_]*\)+.* returned .* after \([0-9]*\) usecs/\2 \1/p' "$g/dmesg.txt" |
	sort -rn | sed -n 1,5p | awk '{ printf "%s%s %.1f ms", (NR > 1 ? ", " : ""), $2, $1 / 1000 }')
# The initcall that holds the network hash tables, as bootgraph sees them.
inet=$(sed -n 's/.*initcall inet_init+.* returned .* after \([0-9]*\) usecs/\1/p' "$g/dmesg.txt" | ms_us=1 awk '{ printf "%.2f", $1 / 1000 }')
init_s=$(sed -n 's/^\[ *\([0-9.]*\)\] Run \/init as init process.*/\1/p' "$g/dmesg.txt" | sed -n 1p)
[ -n "$init_s" ] || init_s=$(sed -n 's/^\[ *\([0-9.]*\)\] Run .* as init process.*/\1/p' "$g/dmesg.txt" | sed -n 1p)
kline=$(sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms/node \1: \2 ms/p' "$g/dmesg.txt" | paste -sd';' | sed 's/;/; /g')
traced=$(jq -r '[.nodes[] | select(.deferred_traced_ms != null) | "node \(.id): \(.deferred_traced_ms * 100 | round / 100) ms"] | join("; ")' "$j")
chunks=$(jq -r '"\([.nodes[].deferred_cpus[]?.chunks] | add // 0) chunks on \([.nodes[].deferred_cpus[]?.cpu] | unique | length) CPUs"' "$j")
hashes=$(jq '[.hash_tables[] | select(.time_ms_bound != null)] | length' "$j")
hlines=$(grep -cE 'hash table entries: [0-9]+ \(order: ' "$g/dmesg.txt" || true)
early=$(jq -r '.early_window | if .start_s == null then "not bounded in this boot (its early lines are stamped 0.000000: the clock was not running yet), and said so" else "\((.end_s - .start_s) * 1000 | .*100 | round / 100) ms window (upper bound)" end' "$j")
want=$(awk '/^Node/ { n = $2 + 0 } $1 == "present" { p[n] += $2 } END { for (k in p) print k ":" p[k] }' "$g/zoneinfo" | sort | paste -sd' ')
got=$(jq -r '[.nodes[] | select(.present_pages != null) | "\(.id):\(.present_pages)"] | join(" ")' "$j")
pages="$got"; [ "$got" = "$want" ] && pages="$got (= zoneinfo)" || pages="$got (zoneinfo: $want)"

# What systemd-analyze and bootgraph.py show of each phase, searched in
# their own output of this boot (bench/tool-views.sh), never typed in.
source "$top/bench/tool-views.sh"
sd_all=$out/systemd-analyze.txt
cat "$g/analyze.txt" "$g/blame.txt" "$g/critical-chain.txt" > "$sd_all"
bg_html=$(find "$out" -name '*.html' -newer "$g/dmesg.txt" | head -n1)
[ -n "$bg_html" ] || { echo "boot-views.sh: bootgraph.py wrote no HTML (see $out/bootgraph.log)" >&2; exit 1; }
cp "$bg_html" "$out/bootgraph.html" 2>/dev/null || true
# bootgraph.py embeds the whole log (and so the command line, which names
# the traced functions) in its page: what it draws is the rest.
grep -vE '^[[:space:]]*\[ *[0-9]+\.[0-9]+\]' "$out/bootgraph.html" > "$out/bootgraph-drawn.txt" || true
sd_deferred=$(seen_in "$sd_all" 'deferred' 'pgdatinit')
bg_deferred=$(seen_in "$out/bootgraph-drawn.txt" 'deferred_init' 'pgdatinit')
bg_deferred_where=$(deferred_vs_initcalls "$g/dmesg.txt")
sd_chunks=$(seen_in "$sd_all" 'deferred_init_memmap_chunk' 'padata')
bg_chunks=$(seen_in "$out/bootgraph-drawn.txt" 'deferred_init_memmap_chunk' 'padata')
sd_early=$(seen_in "$sd_all" '\bmemmap_init\b' '\bfree_area_init\b')
bg_early=$(seen_in "$out/bootgraph-drawn.txt" '\bmemmap_init\b' '\bfree_area_init\b')
sd_hash=$(seen_in "$sd_all" 'hash table' 'alloc_large_system_hash')
bg_hash=$(seen_in "$out/bootgraph-drawn.txt" 'hash table entries' 'alloc_large_system_hash')
bg_hash_where=$(hash_in_initcalls "$g/dmesg.txt")
sd_pages=$(seen_in "$sd_all" 'present' 'struct page')
bg_pages=$(seen_in "$out/bootgraph-drawn.txt" 'zoneinfo' 'present pages')

{
echo "### What each tool reports of the same boot ($(date -u +%F))"
echo
echo "One boot of stock Debian $(cat "$g/dmesg.txt" | sed -n 's/.*Linux version \([^ ]*\).*/\1/p' | sed -n 1p)" \
	"under QEMU $(qemu-system-x86_64 --version | sed -n '1s/.*version \([^ ]*\).*/\1/p') TCG (multi-threaded)," \
	"nodes $nodes with $cpus vCPUs, systemd $(systemd --version 2>/dev/null | sed -n '1s/^systemd \([0-9]*\).*/\1/p') as PID 1," \
	"command line: initcall_debug (for bootgraph.py) and 'meminit arm' (boot function trace)."
echo
echo "| of this boot | systemd-analyze | bootgraph.py (kernel log, initcall_debug) | meminit report (stock kernel, armed) | the kernel's own |"
echo "|---|---|---|---|---|"
echo "| kernel phase in all | $sd_kernel (kernel), one number | boot $bg_boot ms to the last initcall | every phase below, per node and CPU | /init at ${init_s:-?} s |"
echo "| deferred struct page init, per node | $sd_deferred | $bg_deferred; $bg_deferred_where | traced: $traced | $kline (jiffies) |"
echo "| deferred init chunks per CPU | $sd_chunks | $bg_chunks | $chunks | — |"
echo "| early memmap init | $sd_early | $bg_early | $early, from the log's stamps | — |"
echo "| large system hash tables | $sd_hash | $bg_hash; inside initcalls: $bg_hash_where (inet_init $inet ms) | $hashes of $hlines timed, sizes and pages per node | $hlines lines, no time |"
echo "| struct pages per node | $sd_pages | $bg_pages | $pages | zoneinfo present |"
echo "| what it does time | units: $(grep -c . "$g/blame.txt" || true) in blame (this boot has one unit) | $bg_calls initcalls; longest: $bg_top | | |"
} | tee "$out/section.md"
