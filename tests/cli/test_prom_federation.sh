#!/bin/bash
# Issue 16, item 5: a fleet past one Prometheus. The site rules
# (contrib/prometheus/meminit-federation.rules.yml, generated) record
# mergeable series per kernel, shape, node and phase; the global rules
# (meminit-global.rules.yml) merge them across sites. promtool test rules
# on series from 'meminit export' of five real boots on two sites: the
# site buckets and sums, the fleet count, mean, median and p90 (as
# histogram_quantile computes them) and the fleet regression alert, all
# expected values computed by tests/tools/prom-federation.py from the
# exports; each fleet median within one bucket of the hosts' exact median.
. "$(dirname "$0")/../lib.sh"
out=$OUTROOT/prom-federation
rm -rf "$out"
mkdir -p "$out"
c=$TOP/contrib/prometheus
fx=$TOP/tests/fixtures

if ! command -v promtool > /dev/null; then
	skip_missing deps "prom federation" "promtool missing (Debian package prometheus; make deps)"
	exit 0
fi
"$c/gen-federation-rules.py" > "$out/federation.rules.yml"
check "prom federation: meminit-federation.rules.yml is what its generator writes" \
	"regenerate: contrib/prometheus/gen-federation-rules.py > contrib/prometheus/meminit-federation.rules.yml" \
	cmp "$out/federation.rules.yml" "$c/meminit-federation.rules.yml"
for r in meminit-federation meminit-global; do
	check "prom federation: promtool check rules $r.rules.yml" "promtool check rules fails" \
		promtool check rules "$c/$r.rules.yml"
done

# Five hosts on two sites: two 6.1 and two 6.12 boots of one shape, one
# 6.12 boot of another.
hosts=(a:h1:6.1-2node-ftrace b:h2:6.1-2node-ftrace a:h3:6.12-2node-ftrace
	b:h4:6.12-2node-ftrace b:h5:6.12-3node-memoryless)
args=()
for h in "${hosts[@]}"; do
	IFS=: read -r site name fixture <<< "$h"
	a=(--dmesg "$fx/$fixture/dmesg.txt")
	[ -f "$fx/$fixture/trace.txt" ] && a+=(--ftrace "$fx/$fixture/trace.txt" --hz 250)
	if ! "$MEMINIT" export --format prom "${a[@]}" --output "$out/$name.prom" 2> "$out/$name.err"; then
		fail "prom federation: export $name" "$(head -n1 "$out/$name.err")"
		exit 0
	fi
	args+=("$site:$name:$out/$name.prom")
done
if "$TOP/tests/tools/prom-federation.py" "$out" "${args[@]}" > "$out/expect.txt" 2>&1; then
	pass "prom federation: every fleet median from the merged buckets within one bucket (19 %) of the exact one"
else
	fail "prom federation: bucketed medians" "$(grep -m1 'more than one bucket\|Error\|Traceback' "$out/expect.txt")"
fi
sed 's/^/    /' "$out/expect.txt"
for t in site global; do
	promtool test rules "$out/$t.yml" > "$out/$t.log" 2>&1 &&
		pass "prom federation: promtool test rules: $t tier ($(grep -c 'labels:\|exp_labels:' "$out/$t.yml") expected samples and alerts)" ||
		fail "prom federation: $t tier" "$(grep -v '^ *$' "$out/$t.log" | head -n 4 | tr '\n' ' ')"
done
