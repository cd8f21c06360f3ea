# The ground-truth checks of one report guest's outputs (tests/vm/guest-report.sh),
# sourced by test_report.sh, which boots the guests, and by
# test_suite_can_fail.sh, which runs them again on wrong copies to show they
# can fail. Needs tests/lib.sh.

# check_boot NAME DIR: every ground-truth comparison for one boot.
check_boot() {
	local t=$1 d=$2 ok id want got bad
	if [ "$(cat "$d/report.rc")" != 0 ]; then
		fail "$t: report ran" "exit $(cat "$d/report.rc"): $(cat "$d/report.err")"
		return
	fi
	pass "$t: report ran"
	# Pages per node, per kind, exactly as /proc/zoneinfo sums them.
	ok=1
	for kind in spanned present managed; do
		while read -r id want; do
			got=$(jq ".nodes[] | select(.id == $id) | .${kind}_pages" "$d/report.json")
			[ "$got" = "$want" ] || { ok=0; echo "    node $id $kind: report $got, zoneinfo $want"; }
		done < <(awk -v k="$kind" '/^Node/ {n=$2+0} $1==k {s[n]+=$2} END {for (i in s) print i, s[i]}' "$d/zoneinfo")
	done
	[ $ok = 1 ] && pass "$t: pages per node = zoneinfo" || fail "$t: pages per node = zoneinfo" "mismatch"
	# The nodes sysfs lists, memoryless exactly where MemTotal is 0.
	ok=1
	while read -r id kb cpus; do
		got=$(jq -r ".nodes[] | select(.id == $id) | .memoryless" "$d/report.json")
		want=false; [ "$kb" = 0 ] && want=true
		[ "$got" = "$want" ] || { ok=0; echo "    node $id memoryless: report $got, sysfs MemTotal $kb kB"; }
	done < "$d/nodes.txt"
	[ "$(jq '.nodes | length' "$d/report.json")" = "$(wc -l < "$d/nodes.txt")" ] || ok=0
	[ $ok = 1 ] && pass "$t: nodes and memoryless = sysfs" || fail "$t: nodes and memoryless = sysfs" "mismatch"
	# The running kernel's page size (sysconf), which its own counts confirm:
	# managed pages x page size = the node's MemTotal; s/TiB over those bytes.
	ok=1
	jq -e '.page_size_from == "sysconf"' "$d/report.json" > /dev/null || ok=0
	while read -r id kb cpus; do
		got=$(jq ".page_size as \$ps | .nodes[] | select(.id == $id) | .managed_pages * \$ps / 1024" "$d/report.json")
		[ "$got" = "$kb" ] || { ok=0; echo "    node $id: managed pages x page size $got kB, sysfs MemTotal $kb kB"; }
	done < "$d/nodes.txt"
	# over the time the report states (the boot trace's where it has one,
	# else the kernel's line)
	bad=$(jq '.page_size as $ps | [.nodes[] | (.deferred_traced_ms // .deferred_init_ms) as $ms |
		select($ms != null and .present_pages > 0) |
		select(((.deferred_s_per_tib - $ms / 1000 / (.present_pages * $ps / 1099511627776)) |
		fabs) > 1e-6 * .deferred_s_per_tib)] | length' "$d/report.json")
	[ "$bad" = 0 ] || { ok=0; echo "    $bad nodes: s/TiB not over present pages x page size"; }
	[ $ok = 1 ] && pass "$t: page size $(jq .page_size "$d/report.json") (sysconf) = the kernel's MemTotal per node; s/TiB over it" ||
		fail "$t: page size" "$(jq -c '{page_size, page_size_from}' "$d/report.json")"
	# Deferred init per node = the kernel's own line.
	ok=1 n=0
	while read -r id ms; do
		got=$(jq ".nodes[] | select(.id == $id) | .deferred_init_ms" "$d/report.json")
		n=$((n + 1))
		[ "${got%.0}" = "$ms" ] || { ok=0; echo "    node $id deferred: report $got, dmesg $ms"; }
	done < <(sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/\1 \2/p' "$d/dmesg.txt")
	[ $n -gt 0 ] && [ $ok = 1 ] && pass "$t: deferred ms = kernel lines ($n nodes)" ||
		fail "$t: deferred ms = kernel lines" "mismatch or no line"
	# Every hash table the kernel printed, with its size; vmalloc ones placed on nodes.
	diff <(sed -n 's/^\[[ 0-9.]*\] \(.*\) hash table entries: \([0-9]*\) (order: [0-9]*, \([0-9]*\) bytes.*/\1|\2|\3/p' "$d/dmesg.txt") \
		<(jq -r '.hash_tables[] | "\(.name)|\(.entries)|\(.bytes)"' "$d/report.json") > "$d/tables.diff" &&
		pass "$t: hash tables = kernel lines ($(jq '.hash_tables | length' "$d/report.json"))" ||
		fail "$t: hash tables = kernel lines" "see $d/tables.diff"
	got=$(jq '.page_size as $ps | [.hash_tables[] | select(.placement | startswith("vmalloc")) |
		select(.node_pages == null or ((.node_pages | add) != ((.bytes + $ps - 1) / $ps | floor)))] | length' "$d/report.json")
	[ "$got" = 0 ] && pass "$t: vmalloc tables placed per node (vmallocinfo)" ||
		fail "$t: vmalloc tables placed per node" "$got tables unplaced or wrong"
	# The saved-log path agrees with the live one on what the log says.
	[ "$(jq -c '[.nodes[] | [.id, .hole_pages, .deferred_init_ms]]' "$d/report.json")" = \
	  "$(jq -c '[.nodes[] | [.id, .hole_pages, .deferred_init_ms]]' "$d/report-file.json")" ] &&
		pass "$t: --dmesg FILE = live" || fail "$t: --dmesg FILE = live" "differ"
	[ "$(cat "$d/badnode.rc")" = 1 ] && [ "$(wc -l < "$d/badnode.err")" = 1 ] &&
		grep -q 'node 99 does not exist' "$d/badnode.err" &&
		pass "$t: a node that does not exist: one error line" ||
		fail "$t: a node that does not exist" "rc $(cat "$d/badnode.rc"): $(cat "$d/badnode.err")"
	jq -e '.schema == "meminit-report" and .schema_version == 2 and (.source | type) == "string"' \
		"$d/report.json" >/dev/null && pass "$t: JSON schema fields" || fail "$t: JSON schema fields" "missing"
}

# check_armed NAME DIR: an armed boot, per-CPU chunks and hash-table times
# from the boot trace, against the kernel's own lines of the same boot
# (DIR/dmesg.txt).
check_armed() {
	local t=$1 r=$2/report.json bad n lag id tr km hz span
	jq -e '.source == "boot-ftrace"' "$r" >/dev/null && pass "$t: source is the boot trace" ||
		fail "$t: source is the boot trace" "$(jq -c '.source, .notes' "$r")"
	# Traced deferred time against the kernel's line, a difference of two
	# jiffies readings: within 2 jiffies, or longer where the tick fell
	# behind (late and bursty under TCG: seen 80 ms printed for 75.2 ms
	# traced at HZ=250 on x86, half the clock on arm64), but then never
	# beyond the span the console's own stamps give the node's work; a line
	# longer than the trace by more never passes (tests/lib.sh).
	bad="" lag=0
	hz=$(jq -r '.hz // 0' "$r")
	while read -r id tr km; do
		span=$(deferred_span_ms "$2/dmesg.txt" "$id")
		awk -v c="$tr" -v l="$km" -v hz="$hz" 'BEGIN { exit !(hz > 0 && c > l + 2000 / hz) }' && lag=$((lag + 1))
		jiffies_line_ok "$tr" "$km" "$hz" "$span" ||
			bad="$bad node $id: traced $tr ms, line $km ms, console span ${span:-none} ms;"
	done < <(jq -r '.nodes[] | select(.deferred_init_ms != null) | "\(.id) \(.deferred_traced_ms) \(.deferred_init_ms)"' "$r")
	[ -z "$bad" ] && pass "$t: traced deferred within 2 jiffies of the kernel's line, or above it within the console's span for $lag node(s)" ||
		fail "$t: traced deferred vs kernel" "$bad"
	# The chunks of a node's own pgdatinit thread are that node's.
	bad=$(jq '[.deferred_chunks[] | select(.task | startswith("pgdatinit")) |
		select(.node != (.task | ltrimstr("pgdatinit") | split("-")[0] | tonumber))] | length' "$r")
	n=$(jq '[.deferred_chunks[].cpu] | unique | length' "$r")
	[ "$bad" = 0 ] && [ "$n" -ge 2 ] && pass "$t: chunks on $n CPUs, pgdatinit chunks on their node" ||
		fail "$t: chunks per CPU" "$bad misattributed, $n CPUs"
	bad=$(jq '[.nodes[] | . as $n | select(([.deferred_cpus[].chunks] | add // 0) !=
		([$r[0].deferred_chunks[] | select(.node == $n.id)] | length))] | length' --slurpfile r "$r" "$r")
	[ "$bad" = 0 ] && pass "$t: per-CPU rows sum to the node's chunks" ||
		fail "$t: per-CPU rows sum" "$bad nodes"
	n=$(jq '[.hash_tables[] | select(.time_ms_bound != null)] | length' "$r")
	[ "$n" -ge 9 ] && pass "$t: $n hash tables timed" || fail "$t: hash tables timed" "only $n"
}

# kernel_page_size DIR: the guest kernel's page size in its own words
# (tests/vm/guest-report.sh): the KernelPageSize of a mapping (smaps), which
# its config's page size option, where it has one, must confirm. Prints it,
# or nothing where the two disagree or smaps said nothing.
kernel_page_size() {
	local ps cfg
	ps=$(cat "$1/pagesize" 2> /dev/null)
	[[ "$ps" =~ ^[1-9][0-9]*$ ]] || return 1
	cfg=$(awk -F= '$1 == "CONFIG_PAGE_SHIFT" {print 2 ^ $2; exit}
		$1 ~ /^CONFIG_ARM64_[0-9]+K_PAGES$/ && $2 == "y" {s = $1; sub(/^CONFIG_ARM64_/, "", s); sub(/K_PAGES$/, "", s); print s * 1024; exit}' \
		"$1/page-config" 2> /dev/null)
	[ -z "$cfg" ] || [ "$cfg" = "$ps" ] || return 1
	echo "$ps"
}

# check_page_truth NAME DIR: a report guest's per-node figures against the
# kernel's own, in the kernel's page size (issue 26): the page size the
# report states = the kernel's (kernel_page_size); each node's s/TiB, in the
# JSON and in the table to its 0.1, = the kernel's deferred line (on a boot
# armed with a trace, the traced time, which check_armed holds to the line)
# over the node's zoneinfo present pages x that page size; every vmalloc'd
# hash table's pages per node = what /proc/vmallocinfo says of its area (in
# the kernel's pages), as a whole: tables of one size are matched by meminit
# in address order, the check takes the sizes' pages per node as a
# multiset. The areas left over are exactly the page arrays of the tables
# vmallocinfo marks "vpages" (an area of more pages than a page of pointers
# holds gets its array of struct page pointers vmalloc'd too, with the same
# caller: 8 bytes a page, e.g. 2 pages for the 4 MiB Dentry cache on 4 KiB).
check_page_truth() {
	local t=$1 d=$2 r=$2/report.json ps ok id ms pages got want row n tib="" traced src="the kernel's deferred line"
	if ! ps=$(kernel_page_size "$d"); then
		fail "$t: kernel page size" "smaps '$(cat "$d/pagesize" 2> /dev/null)', config '$(tr '\n' ' ' < "$d/page-config" 2> /dev/null)'"
		return
	fi
	got=$(jq -r .page_size "$r")
	[ "$got" = "$ps" ] &&
		pass "$t: page size $ps = the kernel's (smaps KernelPageSize; config: $(paste -sd' ' "$d/page-config"))" ||
		fail "$t: page size" "report $got, the kernel's $ps"
	ok=1 n=0
	while read -r id ms; do
		n=$((n + 1))
		pages=$(awk -v want="$id" '/^Node/ {k = $2 + 0} $1 == "present" && k == want {s += $2} END {print s + 0}' "$d/zoneinfo")
		got=$(jq ".nodes[] | select(.id == $id) | .deferred_s_per_tib" "$r")
		traced=$(jq ".nodes[] | select(.id == $id) | .deferred_traced_ms // empty" "$r")
		[ -z "$traced" ] || ms=$traced src="the boot trace's time (armed)"
		want=$(awk -v ms="$ms" -v p="$pages" -v ps="$ps" 'BEGIN { if (p > 0) printf "%.17g", ms / 1000 / (p * ps / 1099511627776) }')
		if [ -z "$want" ] || ! awk -v g="$got" -v w="$want" 'BEGIN { d = g - w; if (d < 0) d = -d; exit !(g != "null" && d <= 1e-6 * w) }'; then
			ok=0; echo "    node $id: report ${got:-nothing} s/TiB, the kernel's ${ms} ms over $pages pages x $ps: ${want:-nothing}"
			continue
		fi
		# The table's row for the node prints it to 0.1.
		row=$(printf '%.1f' "$want")
		grep -qE "^$id .* $row( |\$)" "$d/report.txt" ||
			{ ok=0; echo "    node $id: no $row s/TiB in the table's row: $(grep -E "^$id " "$d/report.txt" | head -n1)"; }
		tib="$tib node $id $row"
	done < <(sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/\1 \2/p' "$d/dmesg.txt")
	[ $n -gt 0 ] && [ $ok = 1 ] && pass "$t: s/TiB per node = $src over zoneinfo's pages x $ps (JSON, table):$tib" ||
		fail "$t: s/TiB per node" "against the kernel's line over zoneinfo's pages x $ps ($n lines)"
	# Hash tables: "PAGES node=pages ..." for each area, and for each table.
	awk '/alloc_large_system_hash/ { p = ""; s = ""
		for (i = 1; i <= NF; i++) { if ($i ~ /^pages=/) p = substr($i, 7); if ($i ~ /^N[0-9]+=/) s = s " " substr($i, 2) }
		print p s }' "$d/vmallocinfo" | LC_ALL=C sort > "$d/hash-vmallocinfo"
	jq -r --argjson ps "$ps" '.hash_tables[] | select(.placement | startswith("vmalloc")) |
		"\((.bytes + $ps - 1) / $ps | floor)" + ((.node_pages // {}) | to_entries | sort_by(.key | tonumber) |
		map(" \(.key)=\(.value)") | join(""))' "$r" | LC_ALL=C sort > "$d/hash-report"
	# The page arrays: for each "vpages" area of P pages, one of ceil(P x 8 / page size).
	awk -v ps="$ps" '/alloc_large_system_hash/ && / vpages / { for (i = 1; i <= NF; i++) if ($i ~ /^pages=/)
		print int((substr($i, 7) * 8 + ps - 1) / ps) }' "$d/vmallocinfo" | LC_ALL=C sort > "$d/hash-arrays"
	n=$(wc -l < "$d/hash-report")
	LC_ALL=C comm -23 "$d/hash-vmallocinfo" "$d/hash-report" | cut -d' ' -f1 | LC_ALL=C sort > "$d/hash-leftover"
	{ echo "tables not so in vmallocinfo:"; LC_ALL=C comm -13 "$d/hash-vmallocinfo" "$d/hash-report"
	  echo "areas left over (pages), then the vpages arrays':"; cat "$d/hash-leftover"; echo "--"; cat "$d/hash-arrays"; } \
		> "$d/hash-placement.diff"
	[ "$n" -gt 0 ] && [ -z "$(LC_ALL=C comm -13 "$d/hash-vmallocinfo" "$d/hash-report")" ] &&
		cmp -s "$d/hash-leftover" "$d/hash-arrays" &&
		pass "$t: $n vmalloc'd hash tables: pages per node = vmallocinfo's, in pages of $ps$( [ -s "$d/hash-arrays" ] &&
			echo " (and $(wc -l < "$d/hash-arrays") vpages array(s) of $(paste -sd, "$d/hash-arrays") page(s))")" ||
		fail "$t: hash tables' pages per node = vmallocinfo's" "$n tables; see $d/hash-placement.diff"
}
