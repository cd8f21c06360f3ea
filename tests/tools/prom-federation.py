#!/usr/bin/env python3
"""Two promtool test files for the federation rules, from real exports:

  prom-federation.py OUTDIR SITE:HOST:FILE.prom ...

site.yml   meminit.rules.yml + meminit-federation.rules.yml on each site's
           hosts: the site-level count, s/TiB sum and histogram buckets.
global.yml meminit-global.rules.yml on those site series (with a site
           label, as a global tier sees them): fleet count, mean, median,
           p90 and the fleet regression alert.
Expected values are computed here from the exports (s/TiB = wall seconds /
node bytes x 2^40), the quantiles as Prometheus's histogram_quantile does.
It also prints each fleet median beside the exact median of the hosts and
fails if the bucketed one is more than one bucket (2^(1/4)) away.
"""
import os
import re
import statistics
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
CONTRIB = os.path.join(HERE, "..", "..", "contrib", "prometheus")
BOUNDS = [2 ** (k / 4) for k in range(-4, 57)]
SAMPLE = re.compile(r'^(\w+)\{([^}]*)\}\s+(\S+)')
LABEL = re.compile(r'(\w+)="([^"]*)"')


def le(b):
    return "%.6g" % b


def read_prom(path):
    out = []
    for line in open(path, encoding="utf-8"):
        m = SAMPLE.match(line)
        if m:
            out.append((m.group(1), dict(LABEL.findall(m.group(2))), m.group(3)))
    return out


def ratios(samples):
    """(kernel, shape, node, phase) -> s/TiB, as the site rules record it."""
    info = next(l for n, l, v in samples if n == "meminit_info")
    mem = {l["node"]: float(v) for n, l, v in samples if n == "meminit_node_memory_bytes"}
    out = {}
    for n, l, v in samples:
        if n == "meminit_phase_wall_seconds" and mem.get(l["node"], 0) > 0:
            out[(info["kernel"], info["shape"], l["node"], l["phase"])] = float(v) / mem[l["node"]] * 2 ** 40
    return out


def quantile(q, buckets):
    """Prometheus's bucketQuantile on [(upper bound, cumulative count)]."""
    buckets = sorted(buckets)
    observations = buckets[-1][1]
    if observations == 0:
        return float("nan")
    rank = q * observations
    b = next(i for i in range(len(buckets) - 1) if buckets[i][1] >= rank) \
        if any(buckets[i][1] >= rank for i in range(len(buckets) - 1)) else len(buckets) - 1
    if b == len(buckets) - 1:
        return buckets[-2][0]
    start = 0.0 if b == 0 else buckets[b - 1][0]
    end, count = buckets[b]
    if b > 0:
        count -= buckets[b - 1][1]
        rank -= buckets[b - 1][1]
    return start + (end - start) * (rank / count)


def labels(d):
    return ",".join('%s="%s"' % kv for kv in sorted(d.items()))


def series_line(name, lab, value):
    return "      - series: '%s{%s}'\n        values: '%s+0x60'\n" % (name, labels(lab), value)


def main():
    outdir, args = sys.argv[1], sys.argv[2:]
    hosts = []  # (site, host, samples, ratios)
    for a in args:
        site, host, path = a.split(":", 2)
        s = read_prom(path)
        hosts.append((site, host, s, ratios(s)))
    sites = sorted({h[0] for h in hosts})
    keys = sorted({k for h in hosts for k in h[3]})

    def group(k):
        return dict(zip(("kernel", "shape", "node", "phase"), k))

    # --- site.yml: one promtool test per site.
    site_out = {}  # (site, key) -> (count, sum, {le: count})
    with open(os.path.join(outdir, "site.yml"), "w") as f:
        f.write("rule_files:\n  - %s/meminit.rules.yml\n  - %s/meminit-federation.rules.yml\n"
                % (CONTRIB, CONTRIB))
        f.write("evaluation_interval: 1m\ntests:\n")
        for site in sites:
            f.write("  - interval: 1m\n    input_series:\n")
            for s_, host, samples, _ in hosts:
                if s_ != site:
                    continue
                for n, l, v in samples:
                    f.write(series_line(n, dict(l, instance=host, job="node"), v))
            f.write("    promql_expr_test:\n")
            mine = {}
            for s_, host, _, r in hosts:
                if s_ == site:
                    for k, v in r.items():
                        mine.setdefault(k, []).append(v)
            f.write("      - expr: kernel_shape_node_phase:meminit_s_per_tib:sum\n        eval_time: 5m\n        exp_samples:\n")
            for k in sorted(mine):
                f.write("          - labels: 'kernel_shape_node_phase:meminit_s_per_tib:sum{%s}'\n            value: %r\n"
                        % (labels(group(k)), sum(mine[k])))
            f.write("      - expr: kernel_shape_node_phase:meminit_s_per_tib:bucket\n        eval_time: 5m\n        exp_samples:\n")
            for k in sorted(mine):
                cum = {}
                for b in BOUNDS:
                    cum[le(b)] = sum(1 for v in mine[k] if v <= float(le(b)))
                cum["+Inf"] = len(mine[k])
                site_out[(site, k)] = (len(mine[k]), sum(mine[k]), cum)
                for bl, c in cum.items():
                    f.write("          - labels: 'kernel_shape_node_phase:meminit_s_per_tib:bucket{%s}'\n            value: %d\n"
                            % (labels(dict(group(k), le=bl)), c))

    # --- global.yml: the site series as a global tier receives them.
    with open(os.path.join(outdir, "global.yml"), "w") as f:
        f.write("rule_files:\n  - %s/meminit-global.rules.yml\n" % CONTRIB)
        f.write("evaluation_interval: 1m\ntests:\n  - interval: 1m\n    input_series:\n")
        for (site, k), (cnt, tot, cum) in sorted(site_out.items()):
            f.write(series_line("kernel_shape_node_phase:meminit_s_per_tib:sum", dict(group(k), site=site), repr(tot)))
            for bl, c in cum.items():
                f.write(series_line("kernel_shape_node_phase:meminit_s_per_tib:bucket",
                                    dict(group(k), site=site, le=bl), c))
        f.write("    promql_expr_test:\n")
        med, bad = {}, 0
        for what, q in (("global_median", 0.5), ("global_p90", 0.9)):
            f.write("      - expr: kernel_shape_node_phase:meminit_s_per_tib:%s\n        eval_time: 5m\n        exp_samples:\n" % what)
            for k in keys:
                merged = {}
                for site in sites:
                    if (site, k) in site_out:
                        for bl, c in site_out[(site, k)][2].items():
                            merged[bl] = merged.get(bl, 0) + c
                buckets = [(float("inf") if bl == "+Inf" else float(bl), c) for bl, c in merged.items()]
                v = quantile(q, buckets)
                if q == 0.5:
                    med[k] = v
                f.write("          - labels: 'kernel_shape_node_phase:meminit_s_per_tib:%s{%s}'\n            value: %r\n"
                        % (what, labels(group(k)), v))
        f.write("      - expr: kernel_shape_node_phase:meminit_s_per_tib:global_mean\n        eval_time: 5m\n        exp_samples:\n")
        for k in keys:
            cnt = sum(site_out[(s, k)][0] for s in sites if (s, k) in site_out)
            tot = sum(site_out[(s, k)][1] for s in sites if (s, k) in site_out)
            f.write("          - labels: 'kernel_shape_node_phase:meminit_s_per_tib:global_mean{%s}'\n            value: %r\n"
                    % (labels(group(k)), tot / cnt))
        # The fleet regression alert, from the bucketed medians.
        best = {}
        for k, v in med.items():
            sk = (k[1], k[2], k[3])
            best[sk] = min(best.get(sk, v), v)
        firing = []
        for k, v in med.items():
            cnt = sum(site_out[(s, k)][0] for s in sites if (s, k) in site_out)
            b = best[(k[1], k[2], k[3])]
            if v > 1.2 * b and v - b > 1 and cnt >= 2:
                firing.append(k)
        f.write("    alert_rule_test:\n      - eval_time: 40m\n        alertname: MeminitFleetPhaseRegression\n        exp_alerts:\n")
        for k in sorted(firing):
            f.write("          - exp_labels: {%s, severity: warning}\n            exp_annotations:\n"
                    "              summary: \"Fleet: boot memory init regressed: %s on node %s, kernel %s, shape %s\"\n"
                    % (", ".join('%s: "%s"' % kv for kv in sorted(group(k).items())), k[3], k[2], k[0], k[1]))
        if not firing:
            f.write("          []\n")
    # The bucketed fleet median against the exact median of every host.
    for k in keys:
        exact = statistics.median([h[3][k] for h in hosts if k in h[3]])
        off = med[k] / exact if exact else 1.0
        ok = 2 ** -0.25 <= off <= 2 ** 0.25
        bad += not ok
        print("%s %s node %s %s: fleet median %.3f s/TiB from buckets, exact %.3f (x%.3f)%s"
              % (k[0], k[1], k[2], k[3], med[k], exact, off, "" if ok else "  ** more than one bucket off"))
    print("firing:", " ".join("%s/%s/node%s/%s" % k for k in sorted(firing)) or "none")
    sys.exit(1 if bad else 0)


if __name__ == "__main__":
    main()
