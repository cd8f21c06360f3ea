#!/bin/bash
# needs: patched-kernel
# BPF load matrix: every BPF program meminit has, on stock Debian 6.1, stock
# 6.12 (x86 and arm64) and the patched 6.12 guest, and on the host kernel (where this
# project's hosts allow only tp_btf and raw_tp). Each program attaches or is
# reported unavailable with the kernel's reason; meminit falls back as
# documented (fentry -> kprobe, records.bpf -> records.bin/text). Driven
# through the verbs (check, trace --attach, report --via), nothing else.
# Prints the matrix as a table at the end.
source "$(dirname "$0")/../lib.sh"
T=bpf-matrix
command -v jq > /dev/null || { skip "$T" "jq not installed (make deps)"; exit 0; }
have_root || { skip "$T" "needs root (BPF)"; exit 0; }
o=$OUTROOT/bpf-matrix
rm -rf "$o"
mkdir -p "$o"
funcs="online_pages move_pfn_range_to_zone memmap_init_range memmap_init_zone_device __add_pages deferred_grow_zone"

# Run the guest script's commands on the host, into DIR.
host_run() {
	local d=$1 a v
	mkdir -p "$d"
	"$MEMINIT" check --format json > "$d/check.json" 2> "$d/check.err"
	for a in fentry kprobe auto; do
		"$MEMINIT" trace --attach $a --duration 1 --format json > "$d/trace-$a.json" 2> "$d/trace-$a.err"
		echo $? > "$d/trace-$a.rc"
	done
	for v in bpf perfbuf; do
		"$MEMINIT" report --via $v --format json > "$d/report-$v.json" 2> "$d/report-$v.err"
		echo $? > "$d/report-$v.rc"
	done
	uname -r > "$d/uname"
}

kernels=(host)
host_run "$o/host"
if need_vm "$T: guests"; then
	for k in 6.1 6.12; do
		if "$TOP/tests/vm/guest.sh" --kernel $k --nodes 1G,1G --node-cpus 1,1 --out "$o/$k" \
			"$TOP/tests/vm/guest-bpf-matrix.sh" > "$o/$k.log" 2>&1; then
			kernels+=("$k")
		else
			fail "$T: $k guest" "$(tail -n1 "$o/$k.log")"
		fi
	done
	# Debian's stock arm64 kernels (issue 17), with the arm64 build.
	if command -v qemu-system-aarch64 aarch64-linux-gnu-gcc > /dev/null &&
		make -C "$TOP" --no-print-directory -j"$(nproc)" ARCH=arm64 > "$o/arm64-make.log" 2>&1; then
		for k in 6.12 6.1; do
			if "$TOP/tests/vm/guest.sh" --arch arm64 --kernel $k --nodes 1G,1G --node-cpus 1,1 \
				--out "$o/arm64-$k" "$TOP/tests/vm/guest-bpf-matrix.sh" > "$o/arm64-$k.log" 2>&1; then
				kernels+=("arm64-$k")
			else
				fail "$T: arm64 $k guest" "$(tail -n1 "$o/arm64-$k.log")"
			fi
		done
	else
		skip "$T: arm64 rows" "no qemu-system-aarch64, cross compiler, or make ARCH=arm64 failed ($o/arm64-make.log)"
	fi
	if kdir=$("$TOP/kernel-patches/build.sh" 2> "$o/kernel-build.log" | tail -n1) && [ -f "$kdir/bzImage" ]; then
		if GUEST_CONFIG=$kdir/config "$TOP/tests/vm/guest.sh" --kernel "$kdir/bzImage" \
			--nodes 1G,1G --node-cpus 1,1 --append meminit_stats --out "$o/patched" \
			"$TOP/tests/vm/guest-bpf-matrix.sh" > "$o/patched.log" 2>&1; then
			kernels+=(patched)
		else
			fail "$T: patched guest" "$(tail -n1 "$o/patched.log")"
		fi
	else
		fail "$T: patched kernel" "kernel-patches/build.sh: $(tail -n1 "$o/kernel-build.log")"
	fi
fi

# cell KERNEL PROGRAM: "ok" or "no: reason", one line.
cell() {
	local d=$o/$1 p=$2 kind f j rc
	case $p in
	probe:*)
		kind=${p#probe:}
		jq -r --arg k "$kind" '.attach[$k] | if .ok then "ok" else "no: \(.reason)" end' "$d/check.json" 2>/dev/null ||
			echo "no: check failed: $(head -c 100 "$d/check.err")"
		;;
	live:*)
		kind=${p##*:} f=${p#live:}
		f=${f%:*}
		j=$d/trace-$kind.json
		if [ -s "$j" ]; then
			jq -r --arg f "$f" '[.probes[] | select(.function == $f)][0] |
				if . == null then "no: not in the probe list"
				elif .attach != "none" then "ok"
				else "no: \(.reason)" end' "$j"
		else
			# trace refused every probe: the per-function reason from check
			jq -r --arg f "$f" --arg k "$kind" '.functions[$f][$k] |
				if . == null then "no: check does not list it"
				elif .ok then "no: check attaches but trace did not"
				else "no: \(.reason)" end' "$d/check.json" 2>/dev/null
		fi
		;;
	records:*)
		kind=${p#records:}
		rc=$(cat "$d/report-$kind.rc" 2>/dev/null)
		if [ "$rc" = 0 ] && jq -e '.records.via | startswith("BPF")' "$d/report-$kind.json" > /dev/null 2>&1; then
			echo "ok"
		elif [ "$rc" = 0 ] && jq -e '.patched == false' "$d/check.json" > /dev/null 2>&1; then
			# report does not try records.bpf where check finds no meminit tracepoints
			echo "no: not loaded: no meminit:* tracepoints (kernel without kernel-patches/)"
		else
			echo "no: $(sed 's/^meminit: //' "$d/report-$kind.err" | head -n1 | cut -c1-150)"
		fi
		;;
	esac
}

progs="probe:fentry probe:kprobe probe:tp_btf probe:raw_tp"
for f in $funcs; do progs="$progs live:$f:fentry live:$f:kprobe"; done
progs="$progs records:bpf records:perfbuf"

# Checks: every cell answers; what the kernels are known to allow holds.
for k in "${kernels[@]}"; do
	bad=0
	for p in $progs; do
		c=$(cell "$k" "$p")
		echo "$k|$p|$c" >> "$o/matrix.txt"
		case $c in
		ok) ;;
		"no: "?*) [ "$c" = "no: null" ] && bad=$((bad + 1)) ;;
		*) bad=$((bad + 1)) ;;
		esac
	done
	[ $bad = 0 ] && pass "$T: $k ($(cat "$o/$k/uname")): every program attaches or says why not" ||
		fail "$T: $k" "$bad programs without an answer (see $o/matrix.txt)"
done
# matrix_cell KERNEL PROGRAM: its cell in matrix.txt (whole names: "6.1"
# is not "arm64-6.1").
matrix_cell() { awk -F'|' -v k="$1" -v p="$2" '$1 == k && $2 == p { sub(/^[^|]*\|[^|]*\|/, ""); print }' "$o/matrix.txt"; }
want() { # KERNEL PROGRAM ok|no WHY
	local c
	[ -f "$o/$1/uname" ] || return 0
	c=$(matrix_cell "$1" "$2")
	case "$3:$c" in
	ok:ok|no:no:*) pass "$T: $1 $2 $3 ($4)" ;;
	*) fail "$T: $1 $2" "want $3 ($4), got '$c'" ;;
	esac
}
want host probe:tp_btf ok "the host allows tp_btf"
want host probe:raw_tp ok "the host allows raw_tp"
want host records:bpf no "a stock host kernel has no meminit tracepoints"
want 6.12 live:memmap_init_range:fentry ok "6.12 traces memmap_init_range"
want 6.12 live:online_pages:kprobe ok "6.12 has kprobes"
want 6.12 records:bpf no "stock 6.12 has no meminit tracepoints"
want 6.1 live:memmap_init_range:fentry no "__meminit is notrace in 6.1"
want 6.1 live:memmap_init_range:kprobe no "kprobes refuse notrace memmap_init_range in 6.1"
want 6.1 live:move_pfn_range_to_zone:fentry ok "the 6.1 fallback for memmap init"
want patched records:bpf ok "tp_btf on meminit_replay over a ring buffer"
want patched records:perfbuf ok "tp_btf on meminit_replay over a perf buffer"
# The documented fallback: auto picks fentry where it attaches, else kprobe.
for k in "${kernels[@]}"; do
	j=$o/$k/trace-auto.json
	[ -s "$j" ] || continue
	bad=$(jq --slurpfile c "$o/$k/check.json" '[.probes[] | select(.attach != "none") as $p |
		$c[0].functions[$p.function] as $f | select($f != null) |
		select(($p.attach == "kprobe" and $f.fentry.ok) or ($p.attach == "fentry" and ($f.fentry.ok | not)))] | length' "$j")
	[ "$bad" = 0 ] && pass "$T: $k: trace --attach auto takes fentry where it attaches, else kprobe" ||
		fail "$T: $k: auto fallback" "$bad probes attached the other way"
done

# The matrix.
{
	printf '\n%-40s' "BPF program"
	for k in "${kernels[@]}"; do printf ' | %-10s' "$k"; done
	printf '\n'
	for p in $progs; do
		printf '%-40s' "$p"
		for k in "${kernels[@]}"; do
			c=$(matrix_cell "$k" "$p")
			[ "$c" = ok ] && c=ok || c=no
			printf ' | %-10s' "$c"
		done
		printf '\n'
	done
	printf '\nreasons:\n'
	cut -d'|' -f3- "$o/matrix.txt" | grep '^no: ' | sort | uniq -c | sort -rn | sed 's/^/  /'
	printf '(full matrix with reasons: %s)\n' "$o/matrix.txt"
} | sed 's/^/# /'
exit 0
