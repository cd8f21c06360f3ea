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
have_root || { skip_missing root "$T" "needs root (debugfs on the disk image, QEMU)"; exit 0; }
for t in mkfs.ext4 debugfs jq; do
	command -v $t >/dev/null || { skip_missing deps "$T" "$t missing (make deps)"; exit 0; }
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
# The section's tables hold this run's numbers, each under its variant:
# the deferred rows of nodes 0 and 1 show that variant's compare medians,
# the predictions table has a row per prediction, and the chunk table a row
# per node and variant whose pages lie within that variant's runs' pages.
sec=$OUTROOT/case-deferred.md
block() { awk -v h="### base against $1" '$0 == h { on = 1; next } on && /^### / { exit } on' "$sec"; }
bad=""
for var in simplify valid-pfn simplify-valid-pfn hash; do
	block "$var" > "$o/section-$var.md"
	for n in 0 1; do
		jq -r --argjson n $n '.metrics[] | select(.phase == "deferred" and .cpu == null and .node == $n) |
			"\(.median_a_ms) \(.median_b_ms)"' "$o/compare-$var.json" > "$o/want.txt"
		awk -F' *[|] *' -v n=$n 'NR == FNR { a = $1; b = $2; split($0, w, " "); next }
			$2 == "deferred" && $3 == n { got = 1; ok = (w[1] - $4)^2 < 1e-6 && (w[2] - $5)^2 < 1e-6 }
			END { exit !(got && ok) }' "$o/want.txt" "$o/section-$var.md" || bad="$bad $var:node$n"
	done
	pf=$TOP/bench/case-deferred/predictions.tsv
	[ $var = simplify ] || pf=$TOP/bench/case-deferred/predictions-$var.tsv
	np=$(awk -F'\t' '$1 != "" && $1 !~ /^#/ && $1 != "metric"' "$pf" | wc -l)
	rows=$(awk '/^[|] metric [|] node [|] predicted [|]/ { on = 1; getline; next } on && !/^[|]/ { exit } on' \
		"$o/section-$var.md" | wc -l)
	[ "$rows" = "$np" ] || bad="$bad $var:predictions($rows of $np)"
done
# chunk table rows: node variant records init free pages
awk -F' *[|] *' '/^[|] node [|] variant [|] chunk records/ { on = 1; getline; next } on && !/^[|]/ { exit }
	on { print $2, $3, $4, $7 }' "$sec" > "$o/chunk-rows.txt"
[ "$(wc -l < "$o/chunk-rows.txt")" = 10 ] || bad="$bad chunk-table:$(wc -l < "$o/chunk-rows.txt")-rows"
while read -r n v rec pages; do
	jq -r --arg v "$v" --argjson n "$n" 'select(.variant == $v) | .report.phases[] |
		select(.phase == "deferred" and .node == $n) | .pages' "$o"/guest/kx/runs/run-*.json > "$o/pages.txt"
	awk -v p="$pages" -v r="$rec" 'NR == 1 || $1 < lo { lo = $1 } NR == 1 || $1 > hi { hi = $1 }
		END { exit !(NR == 2 && p >= lo && p <= hi && r > 0) }' "$o/pages.txt" || bad="$bad chunks:$v:node$n"
done < "$o/chunk-rows.txt"
[ -z "$bad" ] && pass "$T: the section's tables hold each variant's compare medians, predictions and chunk rows" ||
	fail "$T: section tables" "wrong or missing:$bad (see $sec)"
# Each A/B page compares base (A) with its variant (B), both sides' runs
# and kernels as the run files have them, a row per phase and node.
bad=""
for var in simplify valid-pfn simplify-valid-pfn hash; do
	h=$o/ab-$var.html
	kb=$(jq -r 'select(.variant == "base") | .report.kernel' "$o"/guest/kx/runs/run-*.json | head -n1)
	kv=$(jq -r --arg v "$var" 'select(.variant == $v) | .report.kernel' "$o"/guest/kx/runs/run-*.json | head -n1)
	ab=$(sed -n '/<table id="ab">/,/<\/table>/p' "$h" | grep -c '^<tr><td class="l">deferred')
	grep -qF ":base (2 runs, kernel $kb), B = " "$h" && grep -qF ":$var (2 runs, kernel $kv). Shift B - A" "$h" &&
		[ "$ab" -ge 2 ] || bad="$bad $var"
done
[ -z "$bad" ] && pass "$T: each A/B page is base against its variant, 2 runs a side, their kernels, the deferred rows" ||
	fail "$T: HTML A/B pages" "wrong for:$bad (see $o/ab-*.html)"
exit 0
