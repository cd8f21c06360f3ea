# Sourced by tests/vm/test_distro.sh while its four guests are up (their
# node_exporters on 127.0.0.1:$base..$base+3, named guest-a..d, $planted the
# slow one): a real Prometheus (Debian's package) scrapes them with
# contrib/prometheus/meminit.rules.yml loaded. Its alerts wait 30 minutes
# before firing ("for: 30m"); this copy waits 10 s, the only change.
# Scrapes every 5 s, the rules every 2 s.
p=$o/prometheus
mkdir -p "$p"
sed 's/^\( *\)for: 30m$/\1for: 10s/' "$TOP/contrib/prometheus/meminit.rules.yml" > "$p/rules.yml"
{
	echo "global: {scrape_interval: 5s, scrape_timeout: 5s, evaluation_interval: 2s}"
	echo "rule_files: [rules.yml]"
	echo "scrape_configs:"
	echo "  - job_name: node"
	# Only the textfile collector: a full node_exporter scrape of four
	# TCG guests on two cores takes longer than the interval.
	echo "    params: {'collect[]': [textfile]}"
	echo "    static_configs:"
	for i in 0 1 2 3; do
		echo "      - targets: ['127.0.0.1:$((base + i))']"
		echo "        labels: {instance: guest-${names[$i]}}"
	done
} > "$p/prometheus.yml"
promtool check config "$p/prometheus.yml" > "$p/check.log" 2>&1 &&
	pass "prometheus: config with the meminit rules passes promtool check config" ||
	fail "prometheus: promtool check config" "$(tail -n 2 "$p/check.log" | tr '\n' ' ')"
# Each guest's own exposition, for the expected s/TiB.
for i in 0 1 2 3; do
	curl -s --max-time 30 "http://127.0.0.1:$((base + i))/metrics" > "$p/metrics-${names[$i]}.txt"
done
pport=$((base + 4))
prometheus --config.file="$p/prometheus.yml" --storage.tsdb.path="$p/data" \
	--web.listen-address="127.0.0.1:$pport" > "$p/prometheus.log" 2>&1 &
ppid=$!
query() { curl -s --max-time 10 -G "http://127.0.0.1:$pport/api/v1/query" --data-urlencode "query=$1"; }
firing() {
	curl -s --max-time 10 "http://127.0.0.1:$pport/api/v1/alerts" |
		jq -r '.data.alerts[] | select(.state == "firing") |
			"\(.labels.alertname) \(.labels.instance // "-") \(.labels.node) \(.labels.phase)"' 2> /dev/null
}
# Until an alert fires, then past its 10 s and two more scrapes.
t=0
while [ $t -lt 180 ] && [ -z "$(firing)" ]; do sleep 2; t=$((t + 2)); done
sleep 16
curl -s --max-time 10 "http://127.0.0.1:$pport/api/v1/targets" |
	jq -r '.data.activeTargets[] | "\(.labels.instance) \(.health) \(.lastScrapeDuration) \(.lastError)"' > "$p/targets.txt"
query 'instance_node_phase:meminit_s_per_tib:ratio' > "$p/s_per_tib.json"
firing | sort > "$p/firing.txt"
query 'kernel_shape_node_phase:meminit_hosts:count' > "$p/hosts.json"

# The recorded s/TiB of every host and node = the host's own series:
# deferred seconds / the node's bytes * 2^40, per phase.
if python3 - "$p" "${names[@]}" > "$p/s_per_tib.check" 2>&1 <<'PY'; then
import json, re, sys
d, names = sys.argv[1], sys.argv[2:]
sample = re.compile(r'^(\w+)\{([^}]*)\}\s+(\S+)')
want = {}
for n in names:
    wall, mem = {}, {}
    for line in open(f"{d}/metrics-{n}.txt"):
        m = sample.match(line)
        if not m:
            continue
        lab = dict(re.findall(r'(\w+)="([^"]*)"', m.group(2)))
        if m.group(1) == "meminit_phase_wall_seconds":
            wall[(lab["node"], lab["phase"])] = float(m.group(3))
        elif m.group(1) == "meminit_node_memory_bytes":
            mem[lab["node"]] = float(m.group(3))
    for (node, phase), s in wall.items():
        if mem.get(node, 0) > 0:
            want[(f"guest-{n}", node, phase)] = s / mem[node] * 2**40
got = {}
for r in json.load(open(f"{d}/s_per_tib.json"))["data"]["result"]:
    l = r["metric"]
    got[(l["instance"], l["node"], l["phase"])] = float(r["value"][1])
bad = [k for k in want if k not in got or abs(got[k] - want[k]) > 1e-9 * max(1, want[k])]
extra = [k for k in got if k not in want]
for k in sorted(want):
    if k[2] == "deferred":
        print("%s node %s deferred: %.3f s/TiB" % (k[0], k[1], got.get(k, float("nan"))))
print("series", len(got), "expected", len(want), "bad", bad, "extra", extra)
sys.exit(1 if bad or extra or not want else 0)
PY
	pass "prometheus: the recorded s/TiB of every host, node and phase = the host's own series ($(tail -n1 "$p/s_per_tib.check" | cut -d' ' -f2) series)"
else
	fail "prometheus: recorded s/TiB" "$(tail -n 1 "$p/s_per_tib.check")"
fi
sed 's/^/    target /' "$p/targets.txt"
sed 's/^/    /' "$p/s_per_tib.check" | grep deferred
echo "    firing: $(tr '\n' ';' < "$p/firing.txt")"
# The slow-host alert fires for the planted host, and nothing else fires.
others=$(grep -v "^MeminitHostSlow $planted " "$p/firing.txt" | wc -l)
mine=$(grep -c "^MeminitHostSlow $planted " "$p/firing.txt")
[ "$mine" -gt 0 ] && [ "$others" = 0 ] &&
	pass "prometheus: MeminitHostSlow fires for $planted only ($mine node/phase series), no other alert" ||
	fail "prometheus: alerts" "$mine for $planted, $others others: $(tr '\n' ';' < "$p/firing.txt")"

# Prometheus's own graph of the series, in a real browser.
if command -v chromium > /dev/null; then
	url="http://127.0.0.1:$pport/graph?g0.expr=instance_node_phase%3Ameminit_s_per_tib%3Aratio%7Bphase%3D%22deferred%22%7D&g0.tab=0&g0.range_input=1m"
	timeout 90 chromium --headless --no-sandbox --disable-gpu --no-first-run --hide-scrollbars \
		--window-size=1400,1000 --virtual-time-budget=15000 --screenshot="$p/graph.png" "$url" \
		> "$p/chromium.log" 2>&1
	[ -s "$p/graph.png" ] && pass "prometheus: chromium screenshot of the s/TiB graph ($p/graph.png, $(stat -c %s "$p/graph.png") bytes)" ||
		fail "prometheus: screenshot" "see $p/chromium.log"
else
	skip_missing deps "prometheus: screenshot" "chromium missing (make deps)"
fi
kill "$ppid" 2> /dev/null
wait "$ppid" 2> /dev/null
