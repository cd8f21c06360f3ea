#!/bin/bash
# Repeat speed of 'meminit kexec': the cycle of one kexec repeat (kexec boot +
# collection) against a reboot of the same guest through the firmware (QEMU
# system_reset: SeaBIOS, the kernel and initrd loaded again), in ONE guest run
# (same kernel, NUMA nodes, disk), cycles interleaved A B A B so that host
# noise (other QEMU runs on the 2 shared cores) falls on both alike; figures
# are ratios of the two.
#
# bench/repeat.sh [--small] [--groups N] [--no-icount]
#   groups: 'meminit kexec --runs 2' loops (bench/guest-repeat.sh), each one
#   kexec cycle A and one firmware cycle B; default 8 (--small: 2, and no
#   -icount run). The full run boots the same chain once more under
#   -icount shift=3,sleep=off (single-threaded TCG, deterministic guest clock).
#
# Clocks: host wall = the host's clock when a marker line reaches the serial
# console file (stamped as it arrives); guest clock = the guest kernel's
# uptime (starts with the kernel, so it leaves out firmware, kernel loading,
# decompression and, for kexec, purgatory); collect_s = meminit's own timing
# of the report it collects (CLOCK_MONOTONIC in the guest, in the run file).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/.." && pwd)
groups=8 small=0 icount=1 summarize_only=0
chains_wanted=""
while [ $# -gt 0 ]; do
	case "$1" in
	--small) small=1 groups=2 icount=0 ;;
	--groups) groups=${2:?--groups N}; shift ;;
	--no-icount) icount=0 ;;
	--chains) chains_wanted=${2:?--chains LIST}; shift ;;
	--summarize) summarize_only=1 ;;
	*) echo "repeat.sh: unknown option $1 (--small, --groups N, --no-icount, --chains LIST, --summarize)" >&2; exit 2 ;;
	esac
	shift
done
[[ "$groups" =~ ^[1-9][0-9]*$ ]] || { echo "repeat.sh: --groups: '$groups' is not a positive number" >&2; exit 2; }
# Before anything of an earlier run is removed.
for c in ${chains_wanted//,/ }; do
	case $c in mttcg|icount|ovmf) ;; *) echo "repeat.sh: --chains: no chain '$c' (mttcg, icount, ovmf)" >&2; exit 2 ;; esac
done
out=${MEMINIT_BENCH_OUT:-$top/build/bench}/repeat
for t in jq mkfs.ext4 debugfs qemu-system-x86_64; do
	command -v $t >/dev/null || { echo "repeat.sh: $t missing (make deps)" >&2; exit 1; }
done
[ -x "$top/build/meminit-static" ] || { echo "repeat.sh: build/meminit-static not built (make)" >&2; exit 1; }
nodes=2G,2G node_cpus=1,1
if [ $summarize_only = 1 ]; then
	# --summarize: the tables again from the raw files of the last run, no boot.
	[ -f "$out/params" ] || { echo "repeat.sh: --summarize: no earlier run in $out" >&2; exit 1; }
	# shellcheck source=/dev/null
	source "$out/params"
else
	rm -rf "$out"
	mkdir -p "$out"
fi

# The patched kernel (collection then reads its boot records), else stock 6.12.
kernel=6.12 kname=${kname:-"stock Debian 6.12"} append="" kenv=()
if [ $summarize_only = 0 ] && kdir=$("$top/kernel-patches/build.sh" 2> "$out/kernel.log" | tail -n1) && [ -f "$kdir/bzImage" ]; then
	kernel=$kdir/bzImage kname="patched 6.12 (kernel-patches/), meminit_stats" append=meminit_stats
	kenv=(GUEST_CONFIG="$kdir/config")
fi

# stamp: each console line with the host time of its arrival, \r stripped.
stamp() {
	local line
	while IFS= read -r line; do
		printf '%s %s\n' "$EPOCHREALTIME" "${line%$'\r'}"
	done
}

# chain NAME ACCEL QEMU-ARGS: one guest run of GROUPS groups into $out/NAME.
chain() {
	local name=$1 accel=$2 qargs=$3 d=$out/$1 tpid rc=0
	mkdir -p "$d/seed"
	echo "$groups" > "$d/seed/groups"
	# mke2fs -d names each file it creates on stdout, -q or not.
	mkfs.ext4 -q -F -d "$d/seed" "$d/disk.img" 64M > "$d/mkfs.log" 2>&1 ||
		{ echo "repeat.sh: mkfs.ext4 failed: $(tail -n1 "$d/mkfs.log")" >&2; return 1; }
	# The console file appears when QEMU starts (guest.sh may first wait for the
	# QEMU lock); tail then follows it, polling every 10 ms where inotify is not used.
	(
		while [ ! -f "$d/guest/console.log" ]; do sleep 0.01; done
		exec tail -f -s 0.01 -n +1 "$d/guest/console.log"
	) > >(stamp > "$d/stamped.log") &
	tpid=$!
	env "${kenv[@]}" MEMINIT_ACCEL="$accel" "$top/tests/vm/guest.sh" --kernel "$kernel" \
		--nodes "$nodes" --node-cpus "$node_cpus" --append "$append" --disk "$d/disk.img" \
		--firmware-reboot yes --qemu "$qargs" --timeout $((60 + groups * 60)) \
		--out "$d/guest" "$here/guest-repeat.sh" > "$d/guest.log" 2>&1 || rc=$?
	sleep 1		# the last lines reach the stamper
	kill "$tpid" 2>/dev/null || true
	wait "$tpid" 2>/dev/null || true
	sleep 0.2
	[ $rc = 0 ] || { echo "repeat.sh: the $name guest run failed: $(tail -n1 "$d/guest.log")" >&2; return 1; }
	# run files: group run collect_s prev_hook_s boot_to_hook_s
	for f in "$d"/guest/kx/kx*/run-*.json; do
		g=${f%/run-*}; g=${g##*/kx}
		jq -r --arg g "$g" '"\($g) \(.run) \(.collect_s // "nan") \(.prev_hook_s // "nan") \(.boot_to_hook_s // "nan")"' "$f"
	done > "$d/runs.txt"
	cycles "$d/runs.txt" "$d/stamped.log" > "$d/cycles.txt"
}

# cycles RUNS STAMPED: one line per cycle (boot i to boot i+1):
#   type group host_s guest_s collect_host_s collect_guest_s prep_s reboot_s
# prep_s: host time from the end of the collection to the line that announces
# the reboot (A: kexec_file_load, pending.json, sync; B: the loop's end, sync,
# umount); reboot_s: from that line to the next boot's start marker.
# type A = kexec (hook collects, kexecs), B = firmware (hook collects, the
# loop ends, reboot -f), S = kexec from a firmware boot (no collection).
cycles() {
	awk 'NR == FNR { cs[$1 " " $2] = $3; ph[$1 " " $2] = $4; next }
	function upv(s) { sub(/.* up=/, "", s); sub(/ .*/, "", s); return s + 0 }
	function grp(s) { sub(/.*group=/, "", s); sub(/ .*/, "", s); return s + 0 }
	function close_boot(t, u) {
		if (nb > 0 && type != "") {
			if (type == "A") gend = hu + ph[g " " (run + 1)]
			else if (type == "S") gend = ku + ph[g " 0"]
			else gend = fu
			printf "%s %d %.3f %.3f %s %s %s %.3f\n", type, g, t - ts, gend - su + u,
				(type == "S" ? "nan" : sprintf("%.3f", tc - th)),
				(type == "S" ? "nan" : cs[g " " run]),
				(type == "S" ? "nan" : sprintf("%.3f", tr - tc)), t - tr
		}
	}
	{ t = $1; $1 = ""; l = substr($0, 2) }
	l ~ /^BENCH-MARK start / { u = upv(l); close_boot(t, u); nb++; ts = t; su = u; type = ""; th = tc = ""; next }
	l ~ /^BENCH-MARK kexec-start / { g = grp(l); ku = upv(l); type = "S"; next }
	l ~ /^BENCH-MARK hook / { g = grp(l); hu = upv(l); th = t; next }
	l ~ /^meminit: kexec: run [0-9]+ of [0-9]+ .* collected/ { tc = t; split(l, w, " "); run = w[4] - 1; next }
	l ~ /^meminit: kexec: rebooting into run/ { if (type != "S") type = "A"; tr = t; next }
	l ~ /^BENCH-MARK fw-reboot / { fu = upv(l); type = "B"; tr = t; next }
	' "$1" "$2"
}

# summary NAME: the rows of one chain
summary() {
	local c=$out/$1/cycles.txt
	awk -v name="$1" '
	function med(a, n,   i, j, x) { for (i = 2; i <= n; i++) { x = a[i]; for (j = i - 1; j >= 1 && a[j] > x; j--) a[j + 1] = a[j]; a[j + 1] = x }
		return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
	function cp(src, n, dst,   i) { for (i = 1; i <= n; i++) dst[i] = src[i] }
	{ n[$1]++; h[$1, n[$1]] = $3; gs[$1, n[$1]] = $4; ch[$1, n[$1]] = $5; cg[$1, n[$1]] = $6
	  pr[$1, n[$1]] = $7; rb[$1, n[$1]] = $8
	  if ($1 == "A") ha[$2] = $3; if ($1 == "B") hb[$2] = $3 }
	END {
		label["A"] = "kexec repeat (hook collects, kexecs)"
		label["B"] = "firmware reboot (hook collects, reboot -f, " (name == "ovmf" ? "OVMF UEFI" : "SeaBIOS") ")"
		label["S"] = "kexec without collection (loop start)"
		split("A B S", order, " ")
		for (k = 1; k <= 3; k++) { ty = order[k]; m = n[ty]; if (!m) continue
			delete x; for (i = 1; i <= m; i++) x[i] = h[ty, i]; mh[ty] = med(x, m); lo = x[1]; hi = x[m]
			delete x; for (i = 1; i <= m; i++) x[i] = gs[ty, i]; mg = med(x, m)
			mc = "-"; mcg = "-"; share = "-"
			if (ty != "S") {
				delete x; for (i = 1; i <= m; i++) x[i] = ch[ty, i]; mc = sprintf("%.3f", med(x, m))
				delete x; for (i = 1; i <= m; i++) x[i] = cg[ty, i]; mcg = sprintf("%.3f", med(x, m))
				share = sprintf("%.1f%%", 100 * mc / mh[ty])
			}
			printf "| %s | %s | %d | %.3f | %.3f..%.3f | %.3f | %s | %s | %s |\n", name, label[ty], m, mh[ty], lo, hi, mg, mcg, mc, share
			if (ty != "S") {
				delete x; for (i = 1; i <= m; i++) x[i] = pr[ty, i]; mp = med(x, m)
				delete x; for (i = 1; i <= m; i++) x[i] = rb[ty, i]; mr = med(x, m)
				printf "SPLIT | %s | %s | %.3f | %.3f | %.3f |\n", name, ty == "A" ? "kexec repeat" : "firmware reboot", mc, mp, mr
			}
		}
		np = 0; for (gg in ha) if (gg in hb) r[++np] = hb[gg] / ha[gg]
		if (np) printf "RATIO %s %.2f %.2f %d\n", name, mh["B"] / mh["A"], med(r, np), np
	}' "$c"
}

# Rows: SeaBIOS (QEMU's default firmware: no POST work, the kernel comes
# over fw_cfg DMA: about the quickest firmware reboot there is) under the
# usual accelerator, and in the full run under -icount and with OVMF (UEFI,
# Debian's ovmf package, as pflash), a firmware with real start-up work.
# OVMF boots a kernel through its EFI stub, which the tinyconfig test kernel
# lacks (it then finds no ACPI RSDP: no SRAT, no NUMA), so the ovmf chain
# runs the stock Debian 6.12 kernel, collected from its log.
if [ $summarize_only = 1 ]; then
	for c in "${chains[@]}"; do
		cycles "$out/$c/runs.txt" "$out/$c/stamped.log" > "$out/$c/cycles.txt"
	done
else
	if [ -z "$chains_wanted" ]; then
		chains_wanted=mttcg
		[ $icount = 1 ] && chains_wanted="$chains_wanted icount"
		[ $small = 0 ] && [ -f /usr/share/OVMF/OVMF_CODE.fd ] && chains_wanted="$chains_wanted ovmf"
	fi
	chains=()
	for c in ${chains_wanted//,/ }; do
		case $c in
		mttcg) chain mttcg "$("$top/tests/vm/accel.sh")" "" ;;
		icount) chain icount tcg "-icount shift=3,sleep=off" ;;
		ovmf)
			[ -f /usr/share/OVMF/OVMF_CODE.fd ] || { echo "repeat.sh: OVMF missing (package ovmf)" >&2; exit 1; }
			cp /usr/share/OVMF/OVMF_VARS.fd "$out/ovmf-vars.fd"
			saved=("$kernel" "$append" "$kname")
			skenv=("${kenv[@]}")
			kernel=6.12 append="" kenv=()
			chain ovmf "$("$top/tests/vm/accel.sh")" \
				"-drive if=pflash,format=raw,readonly=on,file=/usr/share/OVMF/OVMF_CODE.fd -drive if=pflash,format=raw,file=$out/ovmf-vars.fd"
			kernel=${saved[0]} append=${saved[1]} kname=${saved[2]} kenv=("${skenv[@]}") ;;
		esac
		chains+=("$c")
	done
	printf 'groups=%s small=%s icount=%s kname=%q chains=(%s)\n' "$groups" "$small" "$icount" \
		"$kname" "${chains[*]}" > "$out/params"
fi
for c in "${chains[@]}"; do summary "$c"; done > "$out/summary.txt"

host=$(nproc) mem=$(awk '/MemTotal/ {printf "%.0f", $2 / 1048576}' /proc/meminfo)
qv=$(qemu-system-x86_64 --version | sed -n 1p | sed 's/.*version \([0-9.]*\).*/\1/')
{
	echo "## Repeat speed: kexec cycle vs firmware reboot (\`bench/repeat.sh$([ $small = 1 ] && echo " --small")\`)"
	echo
	echo "$(date -u +%Y-%m-%d), $host CPUs / $mem GiB host, QEMU $qv; kernel: $kname;"
	echo "guest: nodes $nodes, vCPUs $node_cpus, ext4 on virtio-blk; one guest run per row group:"
	echo "$groups groups, each a \`meminit kexec --runs 2\` loop, cycles interleaved S A B S A B ..."
	echo "(\`mttcg\`: multi-threaded TCG, host noise included; \`icount\`: single-threaded TCG,"
	echo "-icount shift=3,sleep=off; firmware: QEMU's SeaBIOS, kernel and initrd over fw_cfg;"
	echo "\`ovmf\`: multi-threaded TCG, firmware OVMF (UEFI) from pflash, kernel stock Debian 6.12"
	echo "collected from its log, since the patched test kernel has no EFI stub)."
	echo
	echo "| run | cycle | n | median host wall (s) | min..max | median guest clock (s) | collection, meminit collect_s (s) | collection, host view (s) | host view / median cycle |"
	echo "|---|---|---|---|---|---|---|---|---|"
	grep '^|' "$out/summary.txt"
	echo
	echo "Where a cycle goes, host view (medians, s): collection (hook marker to meminit's"
	echo "\"collected\" line); then up to the reboot call (A: kexec_file_load of kernel and"
	echo "initrd, which also hashes them for purgatory, pending.json, sync; B: end of the loop,"
	echo "sync, umount); then the reboot to the next boot's first userspace marker (A: shutdown,"
	echo "purgatory, decompression, kernel init; B: reset, SeaBIOS, fw_cfg load, the same kernel init)."
	echo
	echo "| run | cycle | collection | to the reboot call | reboot to next userspace |"
	echo "|---|---|---|---|---|"
	sed -n 's/^SPLIT //p' "$out/summary.txt"
	echo
	while read -r _ name r1 r2 np; do
		echo "- $name: firmware reboot / kexec repeat = $r1 (ratio of medians), $r2 (median of the $np per-group ratios, A and B of a group adjacent)."
	done < <(grep '^RATIO' "$out/summary.txt")
	echo
	echo "Host wall: a cycle is the time between two boots' first userspace marker as the"
	echo "host sees it arrive on the serial console file (includes firmware, kernel loading,"
	echo "decompression, QEMU reset). Guest clock: the guest kernel's uptime clock summed over"
	echo "the part of the cycle it covers (kernel start to the reboot call), so it leaves out"
	echo "everything before the kernel's clock starts. collect_s: meminit's own timing of"
	echo "the report it collects per run (CLOCK_MONOTONIC in the guest, \`collect_s\` of the"
	echo "run file); the host view is hook marker to meminit's \"collected\" line (meminit's start,"
	echo "lock, the report, the run file written and fsynced): the share uses it, on the"
	echo "same clock as the cycle. Under -icount with sleep=off the guest clock jumps to the"
	echo "next timer whenever the vCPUs idle (disk I/O waits: loading the kernel for kexec,"
	echo "sync), so its guest-clock column counts instructions plus those jumps, not time; its"
	echo "host wall is the comparable figure."
} > "$out/section.md"
cat "$out/section.md"
