#!/bin/bash
# What the meminit patches cost the boot phases they time, measured under
# QEMU with -icount (guest time counts instructions, sleep=off skips idle
# time, single-threaded TCG), so the same kernel gives the same times and a
# difference between kernels is not noise. Four kernels, each booted RUNS
# times: unpatched, patched with CONFIG_MEMINIT_STATS=n, patched with it =y
# and no boot parameter, and =y with meminit_stats. Each boot's times come
# from the kernel's own printk stamps (on the icount clock).
#
# measure-cost.sh [RUNS]     prints a Markdown table on stdout
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
runs=${1:-3}
cache=${MEMINIT_CACHE:-/var/cache/meminit}
out=$top/build/cost
mkdir -p "$out"

# Per kernel, mean over its boots: the early memmap window (last "Initmem
# setup" line to the last unavailable-range line), deferred init (smp up to
# the last node's line), and two absolute stamps for the rest of boot. The
# relative columns compare with the unpatched kernel.
summarize() {
	echo "| kernel | boots | early memmap window (ms) | vs unpatched | deferred init, smp up to last node line (ms) | min..max | vs unpatched | Mountpoint-cache line at (ms) | initmem freed at (ms) |"
	echo "|---|---|---|---|---|---|---|---|---|"
	awk '{
		k = $1; early = $4 - $3; dl = ($6 > $7 ? $6 : $7) - $5
		if (!(k in n)) order[++m] = k
		n[k]++; e[k] += early; d[k] += dl; h[k] += $8; b[k] += $9
		if (n[k] == 1 || dl < dmin[k]) dmin[k] = dl
		if (n[k] == 1 || dl > dmax[k]) dmax[k] = dl
	} END {
		e0 = e[order[1]] / n[order[1]]; d0 = d[order[1]] / n[order[1]]
		for (i = 1; i <= m; i++) { k = order[i]
			printf "| %s | %d | %.3f | %+.3f%% | %.3f | %.3f..%.3f | %+.3f%% | %.3f | %.3f |\n", k, n[k],
				e[k] / n[k], (e[k] / n[k] - e0) * 100 / e0,
				d[k] / n[k], dmin[k], dmax[k], (d[k] / n[k] - d0) * 100 / d0,
				h[k] / n[k], b[k] / n[k] }
	}' "$1"
}

[ "${1:-}" = --summarize ] && { summarize "$out/stamps.txt"; exit 0; }


unpatched=$(MEMINIT_SERIES=none "$top/kernel-patches/build.sh" 2>/dev/null | tail -n1)
off=$("$top/kernel-patches/build.sh" --off 2>/dev/null | tail -n1)
on=$("$top/kernel-patches/build.sh" 2>/dev/null | tail -n1)

script=$(mktemp)
trap 'rm -f "$script"' EXIT
echo 'dmesg > /out/dmesg.txt' > "$script"

# stamp FILE REGEX: printk time of the first line matching REGEX, in ms
stamp() { sed -n "s/^\[ *\([0-9.]*\)\] .*$2.*/\1/p" "$1" | head -n1 | awk '{printf "%.3f", $1 * 1000}'; }

boot() { # NAME KERNEL APPEND -> one line of times
	local name=$1 k=$2 append=$3 i d
	for i in $(seq 1 "$runs"); do
		d=$out/$name-$i
		rm -rf "$d"
		MEMINIT_ACCEL=tcg GUEST_CONFIG=$k/config "$top/tests/vm/guest.sh" --kernel "$k/bzImage" \
			--nodes 2G,2G --node-cpus 1,1 --append "$append" \
			--qemu "-icount shift=3,sleep=off" --out "$d" "$script" >/dev/null 2>&1 ||
			{ echo "measure-cost: $name boot $i failed (see $d)" >&2; exit 1; }
		f=$d/dmesg.txt
		# early: memmap_init() window; deferred: page_alloc_init_late() to
		# the last node's line; hashes: dentry and inode tables; boot: to init
		echo "$name $i $(stamp "$f" 'Initmem setup node 1') $(stamp "$f" 'On node 1, zone') \
$(stamp "$f" 'smp: Brought up') $(stamp "$f" 'node 1 deferred pages initialised') \
$(stamp "$f" 'node 0 deferred pages initialised') $(stamp "$f" 'Mountpoint-cache hash table') \
$(stamp "$f" 'Freeing unused kernel image (initmem)')"
	done
}

{
	boot unpatched "$unpatched" ""
	boot off "$off" ""
	boot on-param-off "$on" ""
	boot on-param-on "$on" "meminit_stats"
} > "$out/stamps.txt"

summarize "$out/stamps.txt"
