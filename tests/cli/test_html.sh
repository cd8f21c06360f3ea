#!/bin/bash
# meminit export --format html, rendered by headless Debian chromium: a
# screenshot is taken and the DOM after rendering is checked: one lane per
# CPU that ran a phase in the report (ground truth: the report's own CPUs),
# the lane labels, the node rows, and nothing loaded from outside the file.
. "$(dirname "$0")/../lib.sh"
out=$OUTROOT/html
rm -rf "$out"
mkdir -p "$out"
fx=$TOP/tests/fixtures
m=$MEMINIT

$m report --dmesg $fx/6.12-patched-3node/dmesg.txt --records $fx/6.12-patched-3node/records.bin \
	--format json > "$out/patched.json"
$m report --dmesg $fx/6.1-2node-ftrace/dmesg.txt --ftrace $fx/6.1-2node-ftrace/trace.txt --hz 250 \
	--format json > "$out/a.json"
$m report --dmesg $fx/6.12-2node-ftrace/dmesg.txt --ftrace $fx/6.12-2node-ftrace/trace.txt --hz 250 \
	--format json > "$out/b.json"
python3 "$TOP/tests/gen-kexec-dir.py" "$out/kx" 6 a="$out/a.json" b="$out/b.json"

browser=$(command -v chromium || command -v chromium-browser || true)
for case in patched b kx; do
	from=$out/$case.json
	[ $case = kx ] && from=$out/kx
	if ! $m export --format html --from "$from" --output "$out/$case.html" 2>"$out/$case.err"; then
		fail "html $case: export" "$(cat "$out/$case.err")"
		continue
	fi
	# Self-contained: no URL to fetch, no script.
	if grep -Eiq '(src|href)=|url\(|<script|@import' "$out/$case.html"; then
		fail "html $case: self-contained" "a reference to outside the file"
	else
		pass "html $case: self-contained (no src, href, url(), script)"
	fi
	if [ -z "$browser" ]; then
		skip_missing deps "html $case: chromium" "chromium missing (Debian package chromium; make deps)"
		continue
	fi
	flags="--headless --no-sandbox --disable-gpu --disable-extensions --no-first-run --hide-scrollbars"
	# shellcheck disable=SC2086
	timeout 60 $browser $flags --window-size=1200,2400 --screenshot="$out/$case.png" \
		"file://$out/$case.html" > "$out/$case.chromium.log" 2>&1
	# shellcheck disable=SC2086
	timeout 60 $browser $flags --dump-dom "file://$out/$case.html" > "$out/$case.dom" \
		2>>"$out/$case.chromium.log"
	if [ -s "$out/$case.png" ] && [ "$(head -c 4 "$out/$case.png" | tail -c 3)" = PNG ] &&
	   [ "$(stat -c %s "$out/$case.png")" -gt 20000 ]; then
		pass "html $case: chromium screenshot ($(stat -c %s "$out/$case.png") bytes)"
	else
		fail "html $case: chromium screenshot" "no PNG; see $out/$case.chromium.log"
	fi
	rep=$from
	[ $case = kx ] && rep=$out/a.json
	if [ $case = patched ]; then
		want=$(jq -r '[.events[] | select(.live | not) | .cpu] | unique | map("CPU \(.)") | join(" ")' "$rep")
	else
		want=$(jq -r '[.deferred_chunks[].cpu] | unique | map("CPU \(.)") | join(" ")' "$rep")
	fi
	got=$(grep -o '<g class="lane" data-cpu="[0-9]*" data-node="-\?[0-9]*"><text class="lbl"[^>]*>CPU [0-9]*' \
		"$out/$case.dom" | sed 's/.*>//' | awk '!seen[$0]++' | sort -V | tr '\n' ' ' | sed 's/ $//')
	if [ -n "$want" ] && [ "$got" = "$want" ]; then
		pass "html $case: rendered lanes and labels = the report's CPUs ($got)"
	else
		fail "html $case: lanes" "want '$want' got '$got'"
	fi
	spans=$(grep -o '<rect class="span"' "$out/$case.dom" | wc -l)
	[ "$spans" -gt 5 ] && pass "html $case: $spans phase spans drawn" ||
		fail "html $case: spans" "only $spans"
	nodes=$(jq '.nodes | length' "$rep")
	rows=$(sed -n '/<table id="nodes"/,/<\/table>/p' "$out/$case.dom" | grep -o '<tr>' | wc -l)
	[ "$rows" = $((nodes + 1)) ] && pass "html $case: node table has the report's $nodes nodes" ||
		fail "html $case: node table" "$rows rows for $nodes nodes"
	grep -q 'id="tib-bars"' "$out/$case.dom" && pass "html $case: s/TiB bars" ||
		fail "html $case: s/TiB bars" "missing"
done
# A 64-node, 1024-CPU machine (bench/gen-scale.c records): one lane per CPU,
# grouped by node (a rule and a label per node), thin enough that the whole
# boot is one picture, rendered and photographed by chromium.
if cc -O2 -std=gnu11 -o "$out/gen-scale" "$TOP/bench/gen-scale.c" -lm 2> "$out/gen.err" &&
	"$out/gen-scale" records "$out/big.bin" 8192 64 1024 > /dev/null &&
	$m export --format html --records "$out/big.bin" --output "$out/big.html" 2> "$out/big.err"; then
	svg=$(sed -n 's/.*<svg id="timeline-all"[^>]* height="\([0-9]*\)".*/\1/p' "$out/big.html")
	lanes=$(grep -c '^<g class="lane"' "$out/big.html")
	groups=$(grep -o '<g class="group" data-node="[0-9]*" data-cpus="[0-9]*">' "$out/big.html" | head -64 | wc -l)
	order=$(grep -o '^<g class="lane" data-cpu="[0-9]*" data-node="[0-9]*"' "$out/big.html" | head -1024 |
		sed 's/.*data-node="\([0-9]*\)"/\1/' | awk 'NR > 1 && $1 < prev {bad = 1} {prev = $1} END {exit bad}' && echo sorted)
	if [ "$lanes" -ge 1024 ] && [ "$groups" = 64 ] && [ "$order" = sorted ] && [ "${svg:-99999}" -le 5000 ]; then
		pass "html 1024 CPUs: $lanes lanes in 64 node groups, in node order, the timeline $svg px tall"
	else
		fail "html 1024 CPUs" "lanes $lanes, groups $groups, order '$order', height '$svg'"
	fi
	if [ -n "$browser" ]; then
		# shellcheck disable=SC2086
		timeout 120 $browser --headless --no-sandbox --disable-gpu --disable-extensions \
			--no-first-run --hide-scrollbars --window-size=1200,5200 \
			--screenshot="$out/big.png" "file://$out/big.html" > "$out/big.chromium.log" 2>&1
		[ -s "$out/big.png" ] && [ "$(stat -c %s "$out/big.png")" -gt 20000 ] &&
			pass "html 1024 CPUs: chromium screenshot ($out/big.png, $(stat -c %s "$out/big.png") bytes)" ||
			fail "html 1024 CPUs: chromium screenshot" "see $out/big.chromium.log"
	fi
else
	fail "html 1024 CPUs: export" "$(head -c 300 "$out/gen.err" "$out/big.err" 2>/dev/null)"
fi
if [ -n "$browser" ] && [ -f "$out/kx.dom" ]; then
	n=$(grep -o '<g class="dist" data-n="6"' "$out/kx.dom" | wc -l)
	ab=$(sed -n '/<table id="ab"/,/<\/table>/p' "$out/kx.dom" | grep -c 'class="l slower"\|class="l faster"\|class="l "')
	if [ "$n" -gt 0 ] && [ "$ab" -gt 0 ]; then
		pass "html kexec directory: $n phases with 6 runs each, $ab A/B rows"
	else
		fail "html kexec directory" "distribution rows $n, A/B rows $ab"
	fi
fi
