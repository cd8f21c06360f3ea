#!/bin/bash
# A saved dmesg alone gives present pages per node from its early memory node
# ranges (issue 12), labelled as from the log, so s/TiB exists without a
# zoneinfo. Ground truth: the same boot's /proc/zoneinfo (present), summed
# per node, for every fixture (QEMU guests of stock Debian 6.1 and 6.12, and
# the patched 6.12). The HTML export of the same log shows the same s/TiB.
source "$(dirname "$0")/../lib.sh"
T="present from the log"
o=$OUTROOT/present-from-log
rm -rf "$o" && mkdir -p "$o"
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
for d in "$TOP"/tests/fixtures/*/; do
	n=$(basename "$d")
	[ -f "$d/dmesg.txt" ] && [ -f "$d/zoneinfo" ] || continue
	want=$(awk '/^Node/ { k = $2 + 0 } $1 == "present" { p[k] += $2 } END { for (k in p) if (p[k]) print k ":" p[k] }' \
		"$d/zoneinfo" | sort -n | paste -sd' ')
	"$MEMINIT" report --dmesg "$d/dmesg.txt" --format json > "$o/$n.json" 2> "$o/$n.err" ||
		{ fail "$T: $n" "report failed: $(head -n1 "$o/$n.err")"; continue; }
	got=$(jq -r '[.nodes[] | select(.present_pages != null) | "\(.id):\(.present_pages)"] | join(" ")' "$o/$n.json")
	from=$(jq -r '[.nodes[] | select(.present_pages != null) | .present_pages_from] | unique | join(",")' "$o/$n.json")
	if [ "$got" = "$want" ] && [ "$from" = "kernel log" ]; then
		pass "$T: $n: every node's present pages from the log = zoneinfo ($got)"
	else
		fail "$T: $n" "log gives '$got' ($from), zoneinfo '$want'"
	fi
	# s/TiB of each node with a deferred line: in the JSON, and the same in HTML.
	tib=$(jq -r '[.nodes[] | select(.deferred_s_per_tib != null) | "\(.id):\(.deferred_s_per_tib * 100 | round / 100)"] | join(" ")' "$o/$n.json")
	lines=$(jq '[.nodes[] | select(.deferred_init_ms != null and .present_pages != null)] | length' "$o/$n.json")
	if [ -z "$tib" ] || [ "$(echo "$tib" | wc -w)" != "$lines" ]; then
		fail "$T: $n: s/TiB" "JSON gives '$tib' for $lines nodes with a deferred line"
		continue
	fi
	"$MEMINIT" export --dmesg "$d/dmesg.txt" --format html --output "$o/$n.html" 2>> "$o/$n.err" ||
		{ fail "$T: $n: html" "$(tail -n1 "$o/$n.err")"; continue; }
	html=$(/usr/bin/python3 - "$o/$n.html" <<'PY'
import re, sys
h = open(sys.argv[1], encoding="utf-8").read()
sec = h[h.index("s/TiB</th>"):]
sec = sec[:sec.index("</table>")]
out = []
for row in re.findall(r"<tr>(.*?)</tr>", sec, re.S):
    cells = [re.sub(r"<[^>]+>", "", c).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
    if cells and cells[-1] not in ("", "-", "—", "–"):
        out.append(f"{int(cells[0].split()[0])}:{float(cells[-1]):g}")
print(" ".join(out))
PY
)
	want_html=$(echo "$tib" | tr ' ' '\n' | awk -F: '{ printf "%s%d:%g", (NR > 1 ? " " : ""), $1, $2 }')
	if [ "$html" = "$want_html" ]; then
		pass "$T: $n: HTML shows the JSON's s/TiB ($html)"
	else
		fail "$T: $n: HTML s/TiB" "HTML '$html', JSON '$want_html'"
	fi
done
