"""Scale the timings of a report JSON (shared by the test generators).

meminit reads a report back into its model and derives every time from
the model's own members (the kernel's line, the boot trace's entry and
exit stamps, the records' start and end), so those are what is scaled;
the derived members are scaled too, for the tests that read them with jq.
"""


def stretch(start, end, f):
    """END moved so that END - START is F times as long."""
    return start + (end - start) * f


def scale_events(rep, f):
    for e in rep.get("events", []):
        s, end = e.get("start_ns"), e.get("end_ns")
        if s is None or end is None:
            continue
        if e.get("split_ns") is not None:
            e["split_ns"] = s + round((e["split_ns"] - s) * f)
        e["end_ns"] = s + round((end - s) * f)
    for h in rep.get("hash_records", []):
        for k in ("total_ms", "alloc_ms", "zero_ms"):
            if h.get(k) is not None:
                h[k] *= f


def scale(rep, f):
    for node in rep.get("nodes", []):
        for k in ("deferred_init_ms", "deferred_traced_ms"):
            if node.get(k) is not None:
                node[k] *= f
        s, end = node.get("deferred_start_s"), node.get("deferred_done_s")
        if s is not None and end is not None:
            node["deferred_done_s"] = stretch(s, end, f)
    for c in rep.get("deferred_chunks", []):
        if c.get("end_bound_s") is not None:
            c["end_bound_s"] = stretch(c["start_s"], c["end_bound_s"], f)
    for t in rep.get("hash_tables", []):
        if t.get("time_ms_bound") is not None:
            t["time_ms_bound"] *= f
        if t.get("start_s") is not None and t.get("printk_s") is not None:
            t["start_s"] = stretch(t["printk_s"], t["start_s"], f)
    for p in rep.get("phases", []):
        for k in ("wall_ms", "cpu_ms"):
            if p.get(k) is not None:
                p[k] *= f
    scale_events(rep, f)
