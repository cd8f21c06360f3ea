#!/bin/bash
# Scan a guest's kernel output for what no test may pass over: a crash, a
# WARNING or BUG splat, a call trace, a taint, records lost to overflow.
#
# console-scan.sh [--expect REGEX]... FILE...
# console-scan.sh --extract-dmesg CONSOLE   prints the kernel log guest.sh's
#          init printed after the guest script (the last one: a loop boots
#          several kernels); exit 1 where there is none
#   FILE     a serial console (console.log), a dmesg; CR bytes are ignored
#   --expect an extended regex for a kernel line the caller provokes on
#            purpose; when it matches a splat's headline (WARNING:, BUG:,
#            Oops, Kernel panic...), the splat's own lines up to its
#            "---[ end" line are expected with it
# Prints nothing and exits 0 when clean; else prints one line, the first
# unexpected hit as FILE:LINE: TEXT (with the crash's RIP/pc and panic lines
# after ' | ') and exits 1.
#
# Only kernel lines are read: those with a printk stamp "[    1.234567]"
# (anywhere in the line: a guest script's output may run into it), and the
# "=== MEMINIT-TAINT N" line guest.sh's init prints. What the guest script
# prints itself (meminit's own words, the base64 of /out) has no stamp.
# The taint value may carry W only where a WARNING line was seen.
set -euo pipefail
if [ "${1:-}" = --extract-dmesg ]; then
	awk '{ sub(/\r$/, "") } /^=== MEMINIT-DMESG-BEGIN/ { s = ""; on = 1; next }
		/^=== MEMINIT-DMESG-END/ { last = s; on = 0; next } on { s = s $0 "\n" }
		END { printf "%s", last }' "$2" | base64 -d 2> /dev/null | gunzip 2> /dev/null
	exit
fi
exp=()
while [ $# -gt 0 ]; do
	case "$1" in
	--expect) exp+=("$2"); shift 2 ;;
	--) shift; break ;;
	-*) echo "console-scan.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
[ $# -gt 0 ] || { echo "usage: console-scan.sh [--expect REGEX]... FILE..." >&2; exit 2; }
# Every guest with more than one NUMA node warns once at boot: QEMU puts all
# vCPUs in one LLC, the NUMA nodes split them (smpboot.c's topology_sane).
# That splat is the testbed's, not the kernel's under test.
exp+=('^WARNING: CPU: [0-9]+ PID: [0-9]+ at arch/x86/kernel/smpboot\.c:[0-9]+ topology_sane')
EXPECT=$(printf '%s\n' "${exp[@]}") awk '
	BEGIN {
		nexp = split(ENVIRON["EXPECT"], re, "\n")
		# " [#1]": the die counter of every oops header ("int3: 0000 [#1]"
		# in 6.1 has no "Oops")
		hit = "WARNING:|BUG:|Call Trace|Oops|Kernel panic|Internal error:|kernel BUG at|" \
			"Unable to handle kernel|general protection fault| [[]#[0-9]+[]]|Tainted: |" \
			"taints kernel|tainting kernel|due to kernel taint|(^|[^0-9])[1-9][0-9]* lost to overflow"
		head = "WARNING:|BUG:|Oops|Kernel panic|Internal error:|kernel BUG at|" \
			"Unable to handle kernel|general protection fault| [[]#[0-9]+[]]"
		split("P F S R M B U D A W C I O E L K X T N", flag, " ")
	}
	function expected(m,   i) {
		for (i = 1; i <= nexp; i++) if (re[i] != "" && m ~ re[i]) return 1
		return 0
	}
	FNR == 1 { win = 0 }
	{ gsub(/\r/, "") }
	/^=== MEMINIT-TAINT [0-9]+$/ { taint = $3; tfile = FILENAME; tline = FNR; next }
	!match($0, /\[ *[0-9]+\.[0-9][0-9][0-9][0-9][0-9][0-9]\]/) { next }
	{
		m = substr($0, RSTART + RLENGTH)
		sub(/^\[ *[CT][0-9]+\]/, "", m)	# CONFIG_PRINTK_CALLER
		sub(/^ /, "", m)
	}
	found {
		# after the hit: the crash context, then stop
		if (rip == "" && m ~ /^(RIP: |pc : )/) rip = m
		if (panic == "" && m ~ /Kernel panic/) panic = m
		if (++ctx > 80 || (rip != "" && panic != "")) exit
		next
	}
	m ~ /WARNING:/ { warned = 1 }
	win > 0 {
		# inside an expected splat
		if (m ~ /^---\[ end / || --win == 0) win = 0
		next
	}
	m !~ hit { next }
	expected(m) { if (m ~ head) win = 200; next }
	{ found = FILENAME ":" FNR ": " m; if (m ~ /Kernel panic/) panic = m; if (m ~ /^(RIP: |pc : )/) rip = m }
	END {
		if (found != "") {
			if (rip != "" && index(found, rip) == 0) found = found " | " rip
			if (panic != "" && index(found, panic) == 0) found = found " | " panic
			print found
			exit 1
		}
		if (taint == "") exit 0
		v = taint + 0; s = ""
		for (b = 0; v > 0; b++) {
			if (v % 2 == 1 && !(b == 9 && warned)) s = s (b < 19 ? flag[b + 1] : "bit" b)
			v = int(v / 2)
		}
		if (s == "") exit 0
		m = "the kernel is tainted: " taint " (" s ")"
		if (expected(m)) exit 0
		print tfile ":" tline ": " m
		exit 1
	}' "$@"
