#!/bin/bash
# make bench: every benchmark at full size, one after the other (they share
# the QEMU lock and the 2 cores; running them together would only add noise).
# Each prints its Markdown section and keeps it in build/bench/NAME/section.md;
# this gathers them into build/bench/RESULTS.generated.md, from which
# bench/RESULTS.md is updated by hand with the date, machine and reading.
#
# bench/run.sh [NAME...]    default: all, in the order below
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
all="boot-cost boot-views hotplug-peers bpf-cost repeat accuracy memset-floor scale"
names=${*:-$all}
out=$top/build/bench
mkdir -p "$out"
gen=$out/RESULTS.generated.md
{
	echo "# meminit benchmarks, generated $(date -u '+%F %H:%M UTC')"
	echo
	echo "Host: $(nproc) cores, $(awk '/MemTotal/ { printf "%.0f GiB", $2 / 1048576 }' /proc/meminfo)," \
		"$(uname -sr), $(qemu-system-x86_64 --version 2>/dev/null | sed -n 1p), meminit $(cat "$top/VERSION" 2>/dev/null)" \
		"at $(git -C "$top" rev-parse --short HEAD 2>/dev/null)."
	echo
} > "$gen"
failed=""
for n in $names; do
	s=$top/bench/$n.sh
	[ -x "$s" ] || { echo "bench/run.sh: no benchmark '$n' (one of: $all)" >&2; exit 2; }
	echo "=== $n"
	t0=$(date +%s)
	if "$s" > "$out/$n.md" 2> "$out/$n.err"; then
		cat "$out/$n.md" | tee -a "$gen"
		echo >> "$gen"
	else
		failed="$failed $n"
		echo "bench/run.sh: $n failed: $(tail -n1 "$out/$n.err")" | tee -a "$gen"
	fi
	echo "($n: $(( $(date +%s) - t0 )) s wall)"
done
echo "sections gathered in $gen"
[ -z "$failed" ] || { echo "bench/run.sh: failed:$failed" >&2; exit 1; }
