#!/usr/bin/env python3
"""Write a kexec results directory (the layout of cli/runs/kexec_dir.h: plan.json,
runs/run-NNNN.json) from real reports, one variant per report: variant i
gets RUNS runs of report i with its timings scaled by a factor around 1
(sd 3 %, fixed seed), in the ABBA order of 'meminit kexec'. It stands in for
the results of a real kexec loop where a test needs one without a VM.
usage: gen-kexec-dir.py OUTDIR RUNS NAME=REPORT.json..."""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_fleet_scale import scale  # noqa: E402

out, runs, specs = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
names = [s.split("=", 1)[0] for s in specs]
reps = [json.load(open(s.split("=", 1)[1])) for s in specs]
rnd = random.Random(0xab)
os.makedirs(os.path.join(out, "runs"), mode=0o700)
os.makedirs(os.path.join(out, "failures"), mode=0o700)
plan = {"schema": "meminit-kexec-plan", "schema_version": 1, "runs_per_variant": runs,
        "max_failures": 3, "delay_s": 0, "created_unix": 0,
        "variants": [{"name": n, "kernel": "/boot/vmlinuz-" + r["kernel"], "initrd": None,
                      "cmdline": "console=ttyS0"} for n, r in zip(names, reps)]}
json.dump(plan, open(os.path.join(out, "plan.json"), "w"))
nv = len(reps)
for run in range(runs * nv):
    block, pos = divmod(run, nv)
    vi = pos if block % 2 == 0 else nv - 1 - pos
    rep = json.loads(json.dumps(reps[vi]))
    scale(rep, rnd.gauss(1.0, 0.03))
    o = {"schema": "meminit-kexec-run", "schema_version": 1, "run": run, "variant_index": vi,
         "variant": names[vi], "attempt": 1, "boot_to_hook_s": None, "report": rep}
    json.dump(o, open(os.path.join(out, "runs", "run-%04d.json" % run), "w"))
