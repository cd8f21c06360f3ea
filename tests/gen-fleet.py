#!/usr/bin/env python3
"""Write N report JSONs, one per host, from real reports (the fixtures'):
host i gets base report i mod len(bases), its own "host"/"boot_id", and its
timings scaled by a factor drawn around 1 (sd 3 %, fixed seed). Every
STRIDE-th host is made twice as slow: those are the hosts 'meminit fleet'
must single out. Prints the planted hosts, one a line.
usage: gen-fleet.py OUTDIR N STRIDE BASE.json..."""
import json
import os
import random
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from gen_fleet_scale import scale  # noqa: E402

out, n, stride, bases = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4:]
reps = [json.load(open(b)) for b in bases]
rnd = random.Random(0x6d656d)


os.makedirs(out, exist_ok=True)
for i in range(n):
    base = reps[i % len(reps)]
    rep = json.loads(json.dumps(base))
    host = "host%05d" % i
    f = max(0.5, rnd.gauss(1.0, 0.03))
    if stride and i % stride == stride - 1:
        f = 2.0
        print(host)
    scale(rep, f)
    rep["host"] = host
    rep["boot_id"] = "%08x-0000-4000-8000-%012x" % (i, i)
    d = os.path.join(out, host[:6])
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, host + ".json"), "w") as fh:
        json.dump(rep, fh)
