#!/bin/bash
# compare takes direction, size and interval from one estimator, the
# Hodges-Lehmann shift (issue 12): on two-humped samples, where B's median
# is below A's but B is larger in most pairs, it must not say "faster", and
# its JSON, table and HTML A/B view must say the same thing. Runs: the real
# 6.12 2-node report (tests/fixtures/6.12-2node-ftrace, stock Debian 6.12
# guest) as two variants of 9 runs, node 0's deferred line set per run.
source "$(dirname "$0")/../lib.sh"
T="compare shift"
o=$OUTROOT/compare-shift
rm -rf "$o" && mkdir -p "$o"
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
fixture_runs "$o/kx" 9 a b ||
	{ fail "$T" "could not build the run sets from the fixture"; exit 0; }
python3 - "$o/kx/runs" <<'PY'
import glob, json, sys
vals = {"a": [1, 2, 3, 4, 100, 101, 102, 103, 104], "b": [50, 51, 52, 53, 54, 200, 201, 202, 203]}
for f in sorted(glob.glob(sys.argv[1] + "/run-*.json")):
    r = json.load(open(f))
    v = vals[r["variant"]].pop(0)
    for n in r["report"]["nodes"]:
        if n["id"] == 0:
            n["deferred_init_ms"] = v
    json.dump(r, open(f, "w"))
PY
"$MEMINIT" compare --format json "$o/kx:a" "$o/kx:b" > "$o/c.json" 2> "$o/c.err" &&
	"$MEMINIT" compare "$o/kx:a" "$o/kx:b" > "$o/c.txt" 2>> "$o/c.err" &&
	"$MEMINIT" export --from "$o/kx" --format html --output "$o/c.html" 2>> "$o/c.err" ||
	{ fail "$T" "$(head -n1 "$o/c.err")"; exit 0; }
sel='.metrics[] | select(.phase == "deferred init (kernel line, jiffies)" and .node == 0)'
got=$(jq -r "[.schema_version, ($sel | .median_a_ms, .median_b_ms, .shift_ms, .shift_ci_ms[0], .shift_ci_ms[1], .verdict, .test_agrees)] | @tsv" "$o/c.json")
IFS=$'\t' read -r ver ma mb shift lo hi verdict agree <<< "$got"
if [ "$ver" = 2 ] && awk -v a="$ma" -v b="$mb" -v s="$shift" -v l="$lo" -v h="$hi" \
	'BEGIN { exit !(b < a && s > 0 && l <= s && s <= h) }' && [ "$verdict" != faster ] && [ "$agree" = true ]; then
	pass "$T: medians $ma -> $mb ms, yet shift +$shift [$lo, $hi]: '$verdict', not 'faster'"
else
	fail "$T: two humps" "schema $ver, medians $ma -> $mb, shift $shift [$lo, $hi], '$verdict', agree $agree"
fi
row=$(grep -E '^deferred init \(kernel line, jiffies\) +0 ' "$o/c.txt")
case "$row" in *" $verdict "*) pass "$T: the table says '$verdict' too" ;;
	*) fail "$T: table" "'$row'" ;; esac
hrow=$(sed -n '/<table id="ab"/,/<\/table>/p' "$o/c.html" | grep -F 'deferred init (kernel line, jiffies)' | grep -F 'node 0' | head -n1)
case "$hrow" in *">$verdict<"*) pass "$T: the HTML A/B view says '$verdict' too" ;;
	*) fail "$T: html" "'$(echo "$hrow" | cut -c1-200)'" ;; esac
