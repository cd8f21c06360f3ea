#!/bin/bash
# 'meminit kexec --status' on a loop directory in the layout the hook writes
# (pretty JSON, the report the run file's last member), from the real 6.12
# 2-node report (tests/fixtures/6.12-2node-ftrace, stock Debian 6.12 guest)
# with set timings: the wall clock per boot over the loop's span and its
# split; and the hook's scan reads each run's fields before its report
# only (a run whose report is cut off still counts; stats, which needs the
# report, refuses it), while a foreign layout is still read whole.
source "$(dirname "$0")/../lib.sh"
T="kexec status"
o=$OUTROOT/kexec-status
rm -rf "$o" && mkdir -p "$o"
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
fixture_runs "$o/kx" 4 a b || { fail "$T" "could not build the run sets from the fixture"; exit 0; }
# Each boot: 3 s of kernel to hook, a 1 s hook before it (0.5 or 0.6 s of
# it the next kernel's load), 0.25 s collection;
# the first kexec at unix 1000, one boot every 5 s: 1 s unaccounted each.
python3 - "$o/kx/runs" <<'PY'
import glob, json, sys
for f in sorted(glob.glob(sys.argv[1] + "/run-*.json")):
    r = json.load(open(f))
    k = r["run"]
    rep = r.pop("report")
    r.update({"kexec_issued_unix": 1000 + 5 * k, "collected_unix": 1000 + 5 * k + 4.25,
              "boot_to_hook_s": 3.0, "collect_s": 0.25, "prev_hook_s": 1.0,
              "prev_load_s": 0.5 + 0.1 * (k % 2)})
    # clocked_s, the cycle on the kernels' clocks; cycle_s in older runs.
    r["clocked_s" if k % 2 else "cycle_s"] = 4.0
    r["report"] = rep
    # json-c's pretty layout: two spaces, no space after the colon.
    open(f, "w").write(json.dumps(r, indent=2, separators=(",", ":")) + "\n")
PY
"$MEMINIT" kexec --status "$o/kx" > "$o/status.txt" 2> "$o/status.err" ||
	{ fail "$T" "$(head -n1 "$o/status.err")"; exit 0; }
# 8 boots over 1000 .. 1039.25: a cycle of 4.91 s per boot, the hook and
# the collection shares of it (one definition of the cycle, docs/kexec.md).
if grep -q '^  progress: 8 of 8 runs done (a 4/4, b 4/4)$' "$o/status.txt" &&
	grep -q '^  cycle:    4.91 s per boot on the wall clock (first kexec to last collection, 8 boots' "$o/status.txt" &&
	grep -q '^  collect:  median 0.250 s over 8 runs (5.1% of the cycle)$' "$o/status.txt" &&
	grep -q "^  clocked:  median 4.00 s over 8 runs (min 4.00, max 4.00): the cycle on the kernels' own clocks" "$o/status.txt" &&
	[ "$(grep -c 'cycle' "$o/status.txt")" = 3 ] &&
	grep -q 'kernel clock start to hook 3.00 s (median), hook 1.00 s (20.4%), kexec call to kernel clock start 0.91 s' "$o/status.txt" &&
	grep -q "of the hook, the next kernel's load after the collection: 0.55 s (median)" "$o/status.txt"; then
	pass "$T: the cycle, wall clock per boot over the loop's span, split into boot, hook and the rest; collection a share of it"
else
	fail "$T: wall" "$(tr '\n' '|' < "$o/status.txt")"
fi
# export of one variant (DIR:VARIANT): its runs only; an unknown one is
# one error line and no file.
"$MEMINIT" export --format csv --from "$o/kx:b" > "$o/b.csv" 2> "$o/b.err" &&
	[ "$(awk -F, 'NR > 1 {print $2}' "$o/b.csv" | sort -u)" = b ] &&
	"$MEMINIT" export --format html --from "$o/kx:a" --compare "$o/kx:b" --output "$o/ab.html" 2>> "$o/b.err" &&
	grep -q 'A = [^<]*kx:a (4 runs' "$o/ab.html" &&
	pass "$T: export --from DIR:VARIANT: that variant's runs (csv), A/B against another (html)" ||
	fail "$T: export of a variant" "$(head -n1 "$o/b.err")"
"$MEMINIT" export --format csv --from "$o/kx:c" --output "$o/c.csv" 2> "$o/c.err"
rc=$?
[ $rc = 1 ] && [ ! -e "$o/c.csv" ] && [ "$(wc -l < "$o/c.err")" = 1 ] && grep -q "no run of variant 'c'" "$o/c.err" &&
	pass "$T: export of an unknown variant: $(cat "$o/c.err")" ||
	fail "$T: export of an unknown variant" "exit $rc: $(head -n1 "$o/c.err")"
# The report of one run cut off: the scan never reads it, stats must.
f=$o/kx/runs/run-0005.json
python3 - "$f" <<'PY'
import sys
p = sys.argv[1]
s = open(p).read()
open(p, "w").write(s[:s.index('\n  "report":') + 40])
PY
if "$MEMINIT" kexec --status "$o/kx" > "$o/status2.txt" 2>&1 &&
	grep -q '^  progress: 8 of 8 runs done' "$o/status2.txt"; then
	pass "$T: the scan reads a run's fields before its report only"
else
	fail "$T: head-only scan" "$(head -n3 "$o/status2.txt" | tr '\n' '|')"
fi
"$MEMINIT" stats "$o/kx" > /dev/null 2> "$o/stats.err"
rc=$?
[ $rc = 1 ] && [ "$(wc -l < "$o/stats.err")" = 1 ] && grep -q 'run-0005.json' "$o/stats.err" &&
	pass "$T: stats, which reads the report, refuses the cut run: $(cat "$o/stats.err")" ||
	fail "$T: stats on a cut run" "exit $rc: $(head -n2 "$o/stats.err" | tr '\n' '|')"
# A foreign layout (the report first, compact) is read whole: a wrong run
# index in it is still caught.
python3 - "$o/kx/runs/run-0005.json" "$o/kx/runs/run-0003.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[2]))
r = {"report": r.pop("report"), **r}
open(sys.argv[1], "w").write(json.dumps(r))
PY
"$MEMINIT" kexec --status "$o/kx" > /dev/null 2> "$o/status3.err"
rc=$?
[ $rc = 1 ] && grep -q 'run-0005.json is not a run of this plan' "$o/status3.err" &&
	pass "$T: a run file of another layout is read whole (its wrong run index caught)" ||
	fail "$T: foreign layout" "exit $rc: $(head -n1 "$o/status3.err")"
exit 0
