#!/bin/bash
# contrib/prometheus/meminit.rules.yml: promtool check rules, then promtool
# test rules on series generated here from 'meminit export' of real boots:
# two hosts on the 6.1 capture and two on the 6.12 capture (same shape,
# 3G+1G). Ground truth: the s/TiB the rules record must equal the export's
# wall seconds / node bytes x 2^40, and the regression alert must fire for
# exactly the (kernel, node, phase) whose median is > 20 % and > 1 s/TiB
# above the best release, as computed here from the same numbers.
. "$(dirname "$0")/../lib.sh"
out=$OUTROOT/prom-rules
rm -rf "$out"
mkdir -p "$out"
rules=$TOP/contrib/prometheus/meminit.rules.yml
fx=$TOP/tests/fixtures

if ! command -v promtool >/dev/null; then
	skip_missing deps "prom rules" "promtool missing (Debian package prometheus; make deps)"
	exit 0
fi
check "prom rules: promtool check rules" "promtool check rules $rules fails" \
	promtool check rules "$rules"

export_one() {	# NAME FIXTURE
	"$MEMINIT" export --format prom --dmesg "$fx/$2/dmesg.txt" --ftrace "$fx/$2/trace.txt" \
		--hz 250 --output "$out/$1.prom"
}
ok=1
export_one h1 6.1-2node-ftrace && export_one h2 6.1-2node-ftrace &&
	export_one h3 6.12-2node-ftrace && export_one h4 6.12-2node-ftrace || ok=0
if [ $ok = 0 ]; then
	fail "prom rules: export" "meminit export failed"
	exit 0
fi

# Series: every sample of every host, constant over 1 h at 1 m steps.
{
	echo "rule_files:"
	echo "  - $rules"
	echo "evaluation_interval: 1m"
	echo "tests:"
	echo "  - interval: 1m"
	echo "    input_series:"
	for h in h1 h2 h3 h4; do
		grep -v '^#' "$out/$h.prom" | awk -v h=$h '{
			v = $NF; $NF = ""; sub(/ +$/, "");
			sub(/}$/, ",instance=\"" h "\",job=\"node\"}");
			gsub(/'\''/, "'\'''\''");
			printf "      - series: '\''%s'\''\n        values: '\''%sx60'\''\n", $0, v " "
		}' | sed "s/values: '\\(.*\\) x60'/values: '\\1+0x60'/"
	done
} > "$out/test.yml"

# Expected values, from the exports: s/TiB per (kernel, node) of phase deferred.
tib() {	# HOST NODE
	local w b
	w=$(awk -v n="$2" -F'[{}]' '$1 == "meminit_phase_wall_seconds" && $2 ~ "phase=\"deferred\"" &&
		$2 ~ "node=\"" n "\"" { split($3, a, " "); print a[1] }' "$out/$1.prom")
	b=$(awk -v n="$2" -F'[{}]' '$1 == "meminit_node_memory_bytes" && $2 == "node=\"" n "\"" {
		split($3, a, " "); print a[1] }' "$out/$1.prom")
	awk -v w="$w" -v b="$b" 'BEGIN { printf "%.17g", w / b * 1099511627776 }'
}
k61=$(sed -n 's/^meminit_info{kernel="\([^"]*\)".*/\1/p' "$out/h1.prom")
k612=$(sed -n 's/^meminit_info{kernel="\([^"]*\)".*/\1/p' "$out/h3.prom")
{
	echo "    promql_expr_test:"
	for n in 0 1; do
		for pair in "h1 $k61" "h3 $k612"; do
			set -- $pair
			echo "      - expr: kernel_shape_node_phase:meminit_s_per_tib:median{kernel=\"$2\",node=\"$n\",phase=\"deferred\"}"
			echo "        eval_time: 10m"
			echo "        exp_samples:"
			echo "          - labels: 'kernel_shape_node_phase:meminit_s_per_tib:median{kernel=\"$2\",node=\"$n\",phase=\"deferred\",shape=\"3G+1G\"}'"
			echo "            value: $(tib "$1" $n)"
		done
	done
	echo "      - expr: kernel_shape_node_phase:meminit_hosts:count{phase=\"deferred\",node=\"1\"}"
	echo "        eval_time: 10m"
	echo "        exp_samples:"
	echo "          - labels: 'kernel_shape_node_phase:meminit_hosts:count{kernel=\"$k61\",node=\"1\",phase=\"deferred\",shape=\"3G+1G\"}'"
	echo "            value: 2"
	echo "          - labels: 'kernel_shape_node_phase:meminit_hosts:count{kernel=\"$k612\",node=\"1\",phase=\"deferred\",shape=\"3G+1G\"}'"
	echo "            value: 2"
	echo "    alert_rule_test:"
	echo "      - eval_time: 20m"
	echo "        alertname: MeminitPhaseRegression"
	echo "        exp_alerts: []"
	echo "      - eval_time: 45m"
	echo "        alertname: MeminitHostSlow"
	echo "        exp_alerts: []"
	echo "      - eval_time: 45m"
	echo "        alertname: MeminitPhaseRegression"
	echo "        exp_alerts:"
	nr_alerts=0
	for n in 0 1; do
		a=$(tib h1 $n) b=$(tib h3 $n)
		for pair in "$k612 $b $a" "$k61 $a $b"; do
			set -- $pair
			if awk -v x="$2" -v y="$3" 'BEGIN { exit !(x > 1.2 * y && x - y > 1) }'; then
				nr_alerts=$((nr_alerts + 1))
				echo "          - exp_labels:"
				echo "              severity: warning"
				echo "              kernel: \"$1\""
				echo "              shape: \"3G+1G\""
				echo "              node: \"$n\""
				echo "              phase: deferred"
				echo "            exp_annotations:"
				echo "              summary: \"Boot memory init regressed: deferred on node $n, kernel $1, shape 3G+1G\""
				echo "              description: \"Median $(awk -v x="$2" 'BEGIN { printf "%.2f", x }') s/TiB, more than 20 % above the best release on machines of shape 3G+1G.\""
			fi
		done
	done
	echo "$nr_alerts" > "$out/nr_alerts"
} >> "$out/test.yml"

if promtool test rules "$out/test.yml" > "$out/promtool.log" 2>&1; then
	pass "prom rules: promtool test rules ($(cat "$out/nr_alerts") regression alert(s) from real 6.1 vs 6.12 boots)"
else
	fail "prom rules: promtool test rules" "see $out/promtool.log: $(tail -5 "$out/promtool.log" | tr '\n' ' ')"
fi
# The real captures differ: 6.12's node 1 deferred init is slower than 6.1's.
if [ "$(cat "$out/nr_alerts")" -ge 1 ]; then
	pass "prom rules: the generated series exercise a firing alert"
else
	fail "prom rules: the generated series exercise a firing alert" "no expected alert"
fi
