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
command -v jq > /dev/null || { skip_missing deps "$T" "jq not installed (make deps)"; exit 0; }
have_root || { skip_missing root "$T" "needs root (BPF)"; exit 0; }
o=$OUTROOT/bpf-matrix
rm -rf "$o"
mkdir -p "$o"

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
	# Debian's stock arm64 kernels (issue 17), with the arm64 build: its
	# compiler and QEMU come with make deps, so a failed build is a FAIL.
	if ! command -v qemu-system-aarch64 aarch64-linux-gnu-gcc > /dev/null; then
		skip_missing deps "$T: arm64 rows" "qemu-system-aarch64 or aarch64-linux-gnu-gcc missing (make deps)"
	elif ! make -C "$TOP" --no-print-directory -j"$(nproc)" ARCH=arm64 > "$o/arm64-make.log" 2>&1; then
		fail "$T: arm64 rows" "make ARCH=arm64 failed: $(tail -n1 "$o/arm64-make.log")"
	else
		for k in 6.12 6.1; do
			if "$TOP/tests/vm/guest.sh" --arch arm64 --kernel $k --nodes 1G,1G --node-cpus 1,1 \
				--out "$o/arm64-$k" "$TOP/tests/vm/guest-bpf-matrix.sh" > "$o/arm64-$k.log" 2>&1; then
				kernels+=("arm64-$k")
			else
				fail "$T: arm64 $k guest" "$(tail -n1 "$o/arm64-$k.log")"
			fi
		done
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

source "$TOP/tests/vm/bpf-matrix-cells.sh"

# Checks: every cell answers; what the kernels are known to allow holds.
matrix_rows "${kernels[@]}"
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
