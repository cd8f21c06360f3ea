#!/usr/bin/env python3
"""The case study's method checks (issue 28), from one loop's run files and
its 'meminit compare' JSON: what the runs can and cannot say.

- The control arm's floor: the base kernel against itself with a larger
  dentry hash cannot change any other phase, so whatever interval its
  compare gives for another phase is what the loop alone produces. A
  variant's change in that phase is decided only beyond that floor: its
  interval is widened by it on both sides.
- States: under -icount a boot is deterministic but the memory layout after
  each kexec is not, so runs fall into a few discrete states rather than
  around one value. They are found per variant and phase as gaps between
  sorted values much wider than the spread on either side, and counted.
- Shared CPUs: a node's deferred time is that node's cost only where no
  other node's deferred work ran on the same CPU at the same time (chunk
  records: cpu, start, end). Where it did, only the span over all nodes is
  a cost; per-node claims are withheld.
- -icount: the guest's clock advances 2^shift ns per instruction, so its
  milliseconds are instructions executed; they are stated as such.

usage: case_method.py MODE_DIR VARIANTS [--icount-shift N]
Reads MODE_DIR/guest/kx/runs/run-*.json and MODE_DIR/compare-VARIANT.json
(VARIANTS: comma-separated, the control 'hash' among them); writes
MODE_DIR/method.json (the floors, for case-deferred.sh's
prediction checks) and prints the Markdown section's part on stdout."""
import glob
import json
import os
import statistics
import sys

CONTROL = "hash"
# The phases whose states and verdicts the write-up reads.
KEY = [("deferred", 0), ("deferred", 1), ("deferred, all nodes (span)", None),
       ("reserved", 0), ("reserved", 1)]
SPAN = "deferred, all nodes (span)"


def fail(msg):
    print(f"case_method.py: {msg}", file=sys.stderr)
    sys.exit(1)


def load_runs(kx):
    runs = []
    for f in sorted(glob.glob(os.path.join(kx, "runs", "run-*.json"))):
        try:
            with open(f) as fh:
                runs.append(json.load(fh))
        except (OSError, ValueError) as e:
            fail(f"cannot read {f}: {e}")
    if not runs:
        fail(f"no run files in {kx}/runs")
    return runs


def run_values(run):
    """{(phase, node): ms} of one run: the phases per node, the deferred
    span over all nodes and the reserved pass summed over nodes."""
    rep = run.get("report") or {}
    v = {}
    for p in rep.get("phases", []):
        if p.get("node") is not None and p.get("wall_ms") is not None:
            v[(p["phase"], p["node"])] = p["wall_ms"]
    dfr = [e for e in rep.get("events", []) if e.get("phase") in ("deferred_node", "deferred_chunk")
           and e.get("start_ns") is not None and e.get("end_ns") is not None]
    if dfr:
        v[(SPAN, None)] = (max(e["end_ns"] for e in dfr) - min(e["start_ns"] for e in dfr)) / 1e6
    res = [ms for (ph, _), ms in v.items() if ph == "reserved"]
    if res:
        v[("reserved, all nodes (sum)", None)] = sum(res)
    return v


def states(vals, resolution=1e-6):
    """The runs' values as discrete states: split the sorted values at the
    widest gap while it is at least four times the spread (sd) of either
    side, wider than the clock's resolution and than 0.1% of the median,
    and leaves two runs or more on each side (a lone run is an outlier, for
    'meminit stats' to flag). Returns [(lo, hi, count)], lowest first."""
    v = sorted(vals)
    if len(v) < 4:
        return [(v[0], v[-1], len(v))] if v else []
    # a microsecond at least: under -icount smaller steps are real but
    # below anything a claim here is made on
    floor_gap = max(resolution, 1e-3, 1e-3 * abs(statistics.median(v)))

    def split(xs):
        best = None
        for i in range(2, len(xs) - 1):
            gap = xs[i] - xs[i - 1]
            if best is None or gap > best[0]:
                best = (gap, i)
        if best is None:
            return [xs]
        gap, i = best
        left, right = xs[:i], xs[i:]
        spread = max(statistics.pstdev(left), statistics.pstdev(right))
        if gap <= floor_gap or gap < 4 * spread:
            return [xs]
        return split(left) + split(right)

    return [(s[0], s[-1], len(s)) for s in split(v)]


def shared_cpu_runs(run):
    """{node: True/False}: whether any of the node's deferred chunks ran on
    a CPU at the same time as another node's chunk, in this run."""
    rep = run.get("report") or {}
    ch = [e for e in rep.get("events", []) if e.get("phase") == "deferred_chunk"
          and e.get("cpu") is not None and e.get("start_ns") is not None and e.get("end_ns") is not None]
    out = {}
    for a in ch:
        hit = any(b["node"] != a["node"] and b["cpu"] == a["cpu"] and
                  b["start_ns"] < a["end_ns"] and a["start_ns"] < b["end_ns"] for b in ch)
        out[a["node"]] = out.get(a["node"], False) or hit
    return out


def cpus_of(run):
    rep = run.get("report") or {}
    cpus = {}
    for e in rep.get("events", []):
        if e.get("phase") == "deferred_chunk" and e.get("cpu") is not None:
            cpus.setdefault(e["node"], set()).add(e["cpu"])
    return cpus


def load_compare(mode_dir, var):
    f = os.path.join(mode_dir, f"compare-{var}.json")
    try:
        with open(f) as fh:
            c = json.load(fh)
    except (OSError, ValueError) as e:
        fail(f"cannot read {f}: {e}")
    return {(m["phase"], m["node"]): m for m in c.get("metrics", []) if m.get("cpu") is None}


def rel_interval(m):
    a = m.get("median_a_ms") or 0
    if a <= 0 or m.get("shift_ci_ms") is None:
        return None
    lo, hi = m["shift_ci_ms"]
    return (m["shift_ms"] / a * 100, lo / a * 100, hi / a * 100)


def floors(control):
    """{(phase, node): floor %}: how far the control's interval reaches for
    every phase it cannot change: not the hash tables (a larger dentry hash
    moves the VFS's other tables and what the boot allocates after it: the
    inode hash came out 10% apart under -icount), not the loop's own rows."""
    out = {}
    for key, m in control.items():
        if key[0].startswith(("boot:", "hash ")):
            continue
        r = rel_interval(m)
        if r is not None:
            out[key] = max(abs(r[1]), abs(r[2]))
    return out


def verdict(m, floor):
    """The change with its interval widened by the floor: faster or slower
    beyond it, else no change beyond the widened interval's reach."""
    r = rel_interval(m)
    if r is None:
        return None
    rel, lo, hi = r
    if m.get("verdict") == "too few runs":
        return {"rel": rel, "lo": lo, "hi": hi, "floor": floor, "verdict": "too few runs", "reach": None}
    # a time cannot shrink by more than all of it
    wlo, whi = max(lo - floor, -100.0), hi + floor
    v = "faster" if whi < 0 else "slower" if wlo > 0 else "not decided"
    return {"rel": rel, "lo": lo, "hi": hi, "floor": floor, "wlo": wlo, "whi": whi, "verdict": v,
            "reach": max(abs(wlo), abs(whi)), "raw_verdict": m.get("verdict")}


def fmt_pct(x):
    return f"{x:+.2f}%"


def fmt_node(n):
    return "-" if n is None else str(n)


def main():
    args = sys.argv[1:]
    shift = None
    if "--icount-shift" in args:
        i = args.index("--icount-shift")
        try:
            shift = int(args[i + 1])
        except (IndexError, ValueError):
            fail("--icount-shift wants a number")
        del args[i:i + 2]
    if len(args) != 2:
        fail("usage: case_method.py MODE_DIR VARIANTS [--icount-shift N]")
    mode_dir, variants = args[0], args[1].split(",")
    if CONTROL not in variants:
        fail(f"no control arm '{CONTROL}' among the variants {variants}")
    runs = load_runs(os.path.join(mode_dir, "guest", "kx"))
    by_var = {}
    for r in runs:
        by_var.setdefault(r.get("variant"), []).append(r)
    cmp_ = {v: load_compare(mode_dir, v) for v in variants}
    fl = floors(cmp_[CONTROL])

    out = {"floors": [{"phase": p, "node": n, "floor_pct": f} for (p, n), f in sorted(
        fl.items(), key=lambda x: (x[0][0], -1 if x[0][1] is None else x[0][1]))]}
    ipms = 1e6 / 2 ** shift if shift is not None else None

    print("### The method's checks")
    print()
    if shift is not None:
        print(f"Clock: `-icount shift={shift}`: the guest's clock advances {2 ** shift} ns per instruction")
        print(f"executed, so 1 ms here is {ipms:,.0f} instructions; every time below is instructions")
        print("executed, shown in the clock's milliseconds.")
        print()
    print(f"The control arm's floor (`{CONTROL}` against `base`: phases it cannot change, the reach of")
    print("its interval; a variant's change in that phase is decided only beyond it):")
    print()
    print("| phase, control arm | node | control's change [interval] | floor |")
    print("|---|---|---|---|")
    for (p, n), f in sorted(fl.items(), key=lambda x: (x[0][0], -1 if x[0][1] is None else x[0][1])):
        m = cmp_[CONTROL].get((p, n))
        r = rel_interval(m)
        cell = f"{fmt_pct(r[0])} [{fmt_pct(r[1])}, {fmt_pct(r[2])}], {m['verdict']}"
        print(f"| {p} | {fmt_node(n)} | {cell} | {f:.2f}% |")
    print()

    # States, per variant and phase, from the run files.
    print("States: runs of one variant whose values fall into separate groups (a gap at least four")
    print("times the spread on either side, two runs or more in each); every (variant, phase) with")
    print("more than one state:")
    print()
    print("| variant | phase | node | states (ms: lowest-highest, runs) |")
    print("|---|---|---|---|")
    nstates = 0
    for var in ["base"] + variants:
        vals = {}
        for r in by_var.get(var, []):
            for k, ms in run_values(r).items():
                vals.setdefault(k, []).append(ms)
        for (p, n), vs in sorted(vals.items(), key=lambda x: (x[0][0], -1 if x[0][1] is None else x[0][1])):
            st = states(vs)
            if len(st) > 1:
                nstates += 1
                print(f"| {var} | {p} | {fmt_node(n)} | "
                      + "; ".join(f"{lo:.3f}-{hi:.3f} ({c})" for lo, hi, c in st) + " |")
    if not nstates:
        print("| - | none | - | - |")
    print()

    # Shared CPUs, per variant and node.
    print("Shared CPUs: in how many runs a node's deferred chunks ran on a CPU at the same time as")
    print("another node's (then its time is not its own cost, and only the span over all nodes is):")
    print()
    print("| variant | node | CPUs of its chunks | runs sharing a CPU |")
    print("|---|---|---|---|")
    shared_any = {}
    for var in ["base"] + variants:
        rs = by_var.get(var, [])
        counts, cpus = {}, {}
        for r in rs:
            for node, hit in shared_cpu_runs(r).items():
                counts[node] = counts.get(node, 0) + (1 if hit else 0)
            for node, cs in cpus_of(r).items():
                cpus.setdefault(node, set()).update(cs)
        for node in sorted(cpus):
            print(f"| {var} | {node} | {','.join(map(str, sorted(cpus[node])))} | "
                  f"{counts.get(node, 0)} of {len(rs)} |")
            if counts.get(node, 0):
                shared_any[node] = True
    print()

    # Verdicts with the floor.
    print("Verdicts with the floor (the compare interval widened by the control's floor on both sides;")
    print("per node only where no run of either kernel shared the node's CPUs):")
    print()
    unit = "M instructions" if ipms else "ms"
    print(f"| variant | phase | node | median base -> variant ({unit}) | change [interval] | floor | "
          "widened | verdict |")
    print("|---|---|---|---|---|---|---|---|")
    for var in variants:
        if var == CONTROL:
            continue
        for p, n in KEY:
            m = cmp_[var].get((p, n))
            if m is None or (p, n) not in fl:
                continue
            v = verdict(m, fl[(p, n)])
            if v is None:
                continue
            # sharing is of deferred init's threads; the other phases run
            # on the boot CPU alone
            own = n is None or not p.startswith("deferred") or not shared_any.get(n)
            a, b = m["median_a_ms"], m["median_b_ms"]
            med = (f"{a * ipms / 1e6:.3f} -> {b * ipms / 1e6:.3f}" if ipms else f"{a:.3f} -> {b:.3f}")
            word = v["verdict"]
            if word == "not decided":
                word = f"not decided (no change beyond +-{v['reach']:.2f}%)"
            if not own:
                word += "; not this node's own cost (its CPUs were shared)"
            wid = f"[{fmt_pct(v['wlo'])}, {fmt_pct(v['whi'])}]" if "wlo" in v else "-"
            print(f"| {var} | {p} | {fmt_node(n)} | {med} | {fmt_pct(v['rel'])} [{fmt_pct(v['lo'])}, "
                  f"{fmt_pct(v['hi'])}] | {v['floor']:.2f}% | {wid} | {word} |")
    print()
    try:
        with open(os.path.join(mode_dir, "method.json.tmp"), "w") as fh:
            json.dump(out, fh, indent=1)
        os.replace(os.path.join(mode_dir, "method.json.tmp"), os.path.join(mode_dir, "method.json"))
    except OSError as e:
        fail(f"cannot write {mode_dir}/method.json: {e}")


if __name__ == "__main__":
    main()
