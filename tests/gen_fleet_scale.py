"""Scale the timings of a report JSON (shared by the test generators)."""


def scale(rep, f):
    for node in rep.get("nodes", []):
        for k in ("deferred_init_ms", "deferred_traced_ms"):
            if node.get(k) is not None:
                node[k] *= f
    for t in rep.get("hash_tables", []):
        if t.get("time_ms_bound") is not None:
            t["time_ms_bound"] *= f
    for p in rep.get("phases", []):
        for k in ("wall_ms", "cpu_ms"):
            if p.get(k) is not None:
                p[k] *= f
