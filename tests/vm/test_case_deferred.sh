#!/bin/bash
# needs: kernel-variants
# The case study's pipeline (issue 15), small: bench/case-deferred.sh
# --small builds the deferred-simplify experiment beside the meminit kernel
# (same cache, the object directory shared: only what the experiment
# changes recompiles), runs one kexec loop of 2 runs per variant (base,
# simplify, valid-pfn, simplify-valid-pfn, and hash: the base kernel with a
# larger dentry hash), every boot with a soft-reserved range, and checks
# every boot's struct pages per node against its zoneinfo (it fails
# otherwise). Checked here: what each step left, never a timing.
source "$(dirname "$0")/../lib.sh"

T="case study"
need_vm "$T" || exit 0
have_root || { skip "$T" "needs root (debugfs on the disk image, QEMU)"; exit 0; }
for t in mkfs.ext4 debugfs jq; do
	command -v $t >/dev/null || { skip "$T" "$t missing (make deps)"; exit 0; }
done
o=$MEMINIT_BENCH_OUT/case-deferred/mttcg
if ! "$TOP/bench/case-deferred.sh" --small > "$OUTROOT/case-deferred.md" 2> "$OUTROOT/case-deferred.err"; then
	fail "$T: case-deferred.sh --small" "$(tail -n1 "$OUTROOT/case-deferred.err")"
	exit 0
fi
pass "$T: case-deferred.sh --small ran: 2 runs per variant collected, struct pages per node = zoneinfo in every boot"
simp=$(sed -n 's/^build.sh: \(built in [0-9]*s\|cached\).*/\1/p' "$o/kernel-simplify.log" | head -n1)
[ -n "$simp" ] && pass "$T: the experiment kernel: $simp (MEMINIT_SERIES=deferred-simplify)" ||
	fail "$T: the experiment kernel" "no build line in $o/kernel-simplify.log"

# The five variants in the loop, as many runs each, ABBA.
v=$(jq -r '.variant' "$o"/guest/kx/runs/run-*.json | sort | uniq -c | awk '{printf "%s %s;", $2, $1}')
[ "$v" = "base 2;hash 2;simplify 2;simplify-valid-pfn 2;valid-pfn 2;" ] &&
	pass "$T: one loop, 2 runs of each variant" || fail "$T: variants in the loop" "$v"
# The meminit kernel has CONFIG_KEXEC and the guest boots through the BIOS:
# every next kernel is loaded with meminit's own segments (issue 15's loop cost).
calls=$(jq -r '.load_syscall' "$o"/guest/kx/runs/run-*.json | sort | uniq -c | awk '{printf "%s %s;", $2, $1}')
[ "$calls" = "kexec_load 10;" ] && pass "$T: every run's kernel loaded with kexec_load" ||
	fail "$T: load syscall" "$calls"
# Each experiment boots its own image (its release string names it); hash
# the base image with its parameter, which the kernel's own dentry hash
# line then shows; every boot has the soft-reserved range.
ks=$(jq -r '"\(.variant) \(.report.kernel)"' "$o"/guest/kx/runs/run-*.json | sort -u |
	awk '{k[$1] = $2; n[$1]++} END {ok = n["base"] == 1 && n["hash"] == 1 && k["base"] == k["hash"] &&
		k["base"] !~ /-(deferred-simplify|valid-pfn)/ && k["simplify"] ~ /-deferred-simplify\+?$/ &&
		k["valid-pfn"] ~ /[0-9]-valid-pfn\+?$/ && k["simplify-valid-pfn"] ~ /-simplify-valid-pfn\+?$/;
		for (v in n) ok = ok && n[v] == 1
		print (ok ? "ok" : "base " k["base"] ", simplify " k["simplify"] ", valid-pfn " k["valid-pfn"] ", both " k["simplify-valid-pfn"] ", hash " k["hash"])}')
[ "$ks" = ok ] && pass "$T: every boot ran its variant's image (release strings: each experiment's names it)" ||
	fail "$T: kernels per variant" "$ks"
sr=$(jq -r '.cmdline' "$o"/guest/kx/runs/run-*.json | grep -c 'memmap=16G%0x1000000000+0xefffffff')
[ "$sr" = 10 ] && pass "$T: every boot had the soft-reserved range on its command line" ||
	fail "$T: soft-reserved range" "in $sr of 10 boots' command lines"
hv=$(jq -r 'select(.variant == "hash") | [.report.hash_tables[]? | select(.name == "Dentry cache") | .entries] | first // "none"' \
	"$o"/guest/kx/runs/run-*.json | sort -u)
[ "$hv" = 4194304 ] && pass "$T: the hash variant's dentry hash has the 4194304 entries it asked for" ||
	fail "$T: hash variant" "dentry hash entries: $hv"

for var in simplify valid-pfn simplify-valid-pfn hash; do
	# compare rows for the deferred phase of both memory nodes, 2 runs a
	# side: an interval at its own level, no verdict (too few runs).
	rows=$(jq '[.metrics[] | select(.phase == "deferred" and .cpu == null and (.node == 0 or .node == 1)
		and .n_a == 2 and .n_b == 2 and (.shift_ci_ms | length) == 2 and .runs_to_detect != null
		and .verdict == "too few runs" and .ns_per_page_a != null)] | length' "$o/compare-$var.json")
	[ "$rows" = 2 ] && pass "$T: $var: compare has the deferred rows of nodes 0 and 1, 2 runs a side, an interval, no verdict" ||
		fail "$T: $var: compare rows" "$rows of 2"
	# Every prediction got an outcome from the data (none 'not measured'),
	# counted as the script reads them: neither blank, nor a comment, nor
	# the header.
	pf=$TOP/bench/case-deferred/predictions.tsv
	[ $var = simplify ] || pf=$TOP/bench/case-deferred/predictions-$var.tsv
	np=$(awk -F'\t' '$1 != "" && $1 !~ /^#/ && $1 != "metric"' "$pf" | wc -l)
	got=$(wc -l < "$o/predictions-$var.out")
	nm=$(awk -F'\t' '$5 == "not measured" || $5 ~ /^unknown/' "$o/predictions-$var.out" | wc -l)
	[ "$got" = "$np" ] && [ "$nm" = 0 ] && pass "$T: $var: all $np predictions checked against the data" ||
		fail "$T: $var: predictions" "$got of $np checked, $nm not measured: $(awk -F'\t' '$5 == "not measured" {printf "%s %s; ", $1, $2}' "$o/predictions-$var.out")"
done
# The section has the tables it promises, and the A/B page its view.
grep -q '^| metric | node | predicted |' "$OUTROOT/case-deferred.md" &&
	grep -q '^| phase | node | median base |' "$OUTROOT/case-deferred.md" &&
	grep -q '^| node | variant | chunk records |' "$OUTROOT/case-deferred.md" &&
	pass "$T: the section has the predictions, compare and chunk tables" ||
	fail "$T: section" "a table is missing (see $OUTROOT/case-deferred.md)"
grep -q "simplify" "$o/ab-simplify.html" && grep -q "<th>bound</th>" "$o/ab-simplify.html" &&
	grep -q "valid-pfn" "$o/ab-valid-pfn.html" && grep -q "hash" "$o/ab-hash.html" &&
	pass "$T: an HTML A/B page per variant, with the bound" ||
	fail "$T: HTML A/B pages" "ab-simplify.html (with a bound column) or ab-hash.html is not what it should be"
exit 0
