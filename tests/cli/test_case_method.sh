#!/bin/bash
# bench/case_method.py, the case study's method checks (issue 28): the
# control arm's floor, states across boots, shared CPUs, on synthetic rows
# shaped like the -icount runs the issue describes, then end to end on a
# kexec directory of real records (tests/fixtures/6.12-patched-3node,
# Debian 6.12 with the meminit series, 3 nodes, QEMU TCG).
source "$(dirname "$0")/../lib.sh"
T=case-method
out=$OUTROOT/case-method
rm -rf "$out" && mkdir -p "$out/mode/guest"
python3 - "$TOP/bench" <<'PY' | sed "s/^/$T: /; s/^$T: \(PASS\|FAIL\) /\1 $T: /"
import sys
sys.path.insert(0, sys.argv[1])
import case_method as cm

def check(name, cond, why=""):
    print(("PASS " if cond else "FAIL ") + name + ("" if cond else ": " + why))

# The smaller node's base times of the -icount runs: two clusters.
two = [218.3, 218.5, 218.9, 219.0, 219.2, 219.4, 222.4, 222.9, 223.5, 223.9]
st = cm.states(two)
check("two clusters of deferred times are two states (6 and 4 runs)",
      [c for _, _, c in st] == [6, 4], f"got {st}")
# 4.069 ms of reserved-page work moving between nodes: exact values.
rv = [3.696] * 6 + [7.765] * 4
st = cm.states(rv)
check("a reserved pass at two exact values is two states", [c for _, _, c in st] == [6, 4], f"got {st}")
one = [100.0, 100.4, 99.7, 100.2, 99.9, 100.1, 100.3, 99.8, 100.0, 100.6]
check("noise around one value is one state", len(cm.states(one)) == 1, f"got {cm.states(one)}")
lone = [50.0, 50.0, 50.0, 50.0, 50.0, 80.0]
check("a lone run apart is an outlier, not a state", len(cm.states(lone)) == 1, f"got {cm.states(lone)}")
tiny = [10.0, 10.0, 10.0, 10.000001, 10.000001, 10.000001]
check("a gap under 0.1% of the median is no state", len(cm.states(tiny)) == 1, f"got {cm.states(tiny)}")

def chunk(node, cpu, s, e):
    return {"phase": "deferred_chunk", "node": node, "cpu": cpu, "start_ns": s, "end_ns": e}
run = {"report": {"events": [chunk(0, 0, 0, 100), chunk(1, 0, 50, 150), chunk(0, 1, 0, 100)]}}
check("chunks of two nodes at once on one CPU share it", cm.shared_cpu_runs(run) == {0: True, 1: True},
      f"got {cm.shared_cpu_runs(run)}")
run = {"report": {"events": [chunk(0, 0, 0, 100), chunk(1, 0, 100, 150)]}}
check("one after the other on one CPU shares nothing", cm.shared_cpu_runs(run) == {0: False, 1: False},
      f"got {cm.shared_cpu_runs(run)}")
run = {"report": {"events": [chunk(0, 0, 0, 100), chunk(1, 1, 0, 100)]}}
check("at once on two CPUs shares nothing", cm.shared_cpu_runs(run) == {0: False, 1: False},
      f"got {cm.shared_cpu_runs(run)}")

def row(a, shift, lo, hi, verdict="faster"):
    return {"median_a_ms": a, "shift_ms": shift, "shift_ci_ms": [lo, hi], "verdict": verdict}
# simplify's -5.01% [-5.02%, -5.00%] against a control floor of 0.16%
v = cm.verdict(row(100, -5.01, -5.02, -5.00), 0.16)
check("a change far beyond the floor is decided", v["verdict"] == "faster" and abs(v["whi"] + 4.84) < 1e-9,
      f"got {v}")
v = cm.verdict(row(100, -0.10, -0.15, -0.05), 0.16)
check("a 'faster' inside the control's floor is not decided", v["verdict"] == "not decided", f"got {v}")
v = cm.verdict(row(100, 0.3, 0.2, 0.4, "slower"), 0.1)
check("a slower change beyond the floor is slower", v["verdict"] == "slower", f"got {v}")
control = {("hash Dentry cache", None): row(70, 470, 468, 472, "slower"),
           ("hash Inode-cache", None): row(39, -4, -4.1, -3.9, "faster"),
           ("boot: collection", None): row(600, 1, -9, 12, "no detectable change"),
           ("deferred", 0): row(333, 0.53, 0.50, 0.53, "slower")}
fl = cm.floors(control)
check("the floor leaves out the hash tables the control moves and the loop's own rows",
      set(fl) == {("deferred", 0)} and abs(fl[("deferred", 0)] - 0.53 / 333 * 100) < 1e-9, f"got {fl}")
PY
rc=${PIPESTATUS[0]}
[ "$rc" = 0 ] || fail "$T: unit checks" "python exited $rc (a check after the last line above is missing)"
fx=$TOP/tests/fixtures/6.12-patched-3node
"$MEMINIT" report --records "$fx/records.bin" --dmesg "$fx/dmesg.txt" --format json > "$out/report.json" &&
	python3 "$TOP/tests/gen-kexec-dir.py" "$out/mode/guest/kx" 5 base="$out/report.json" \
		simplify="$out/report.json" hash="$out/report.json" > /dev/null ||
	{ fail "$T: kexec dir" "report or gen-kexec-dir.py failed"; exit 0; }
for v in simplify hash; do
	"$MEMINIT" compare --format json "$out/mode/guest/kx:base" "$out/mode/guest/kx:$v" > "$out/mode/compare-$v.json" ||
		{ fail "$T: compare" "meminit compare base $v failed"; exit 0; }
done
if python3 "$TOP/bench/case_method.py" "$out/mode" simplify,hash --icount-shift 3 > "$out/method.md" 2> "$out/err"; then
	# The span's floor is what the control's compare row for it reaches.
	want=$(jq '.metrics[] | select(.phase == "deferred, all nodes (span)") |
		[(.shift_ci_ms[0] / .median_a_ms * 100 | fabs), (.shift_ci_ms[1] / .median_a_ms * 100 | fabs)] | max' \
		"$out/mode/compare-hash.json")
	got=$(jq '.floors[] | select(.phase == "deferred, all nodes (span)") | .floor_pct' "$out/mode/method.json")
	[ -n "$want" ] && [ "$got" = "$want" ] && pass "$T: the span's floor is the control's interval reach ($got%)" ||
		fail "$T: span floor" "method.json has '$got', the control's compare row reaches '$want'"
	grep -q '^| simplify | deferred, all nodes (span) | - | ' "$out/method.md" &&
		pass "$T: a verdict row for the span over all nodes" ||
		fail "$T: span verdict" "no verdict row for the span in $out/method.md"
else
	fail "$T: case_method.py" "exited non-zero: $(tail -n1 "$out/err")"
fi
python3 "$TOP/bench/case_method.py" "$out/mode" simplify > /dev/null 2> "$out/err2" &&
	fail "$T: no control" "ran without the control arm" ||
	{ grep -q "no control arm" "$out/err2" && pass "$T: without the control arm it refuses, saying why" ||
		fail "$T: no control" "said: $(cat "$out/err2")"; }
