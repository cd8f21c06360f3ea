# What the tools people use today show of a memory-init phase, derived from
# their own output of one boot (sourced by boot-views.sh and boot-cost.sh;
# tests/vm/test_bench_boot_views.sh checks the derivation). Nothing here is a
# typed verdict: each answer names what was searched and what was found.

# initcall_of DMESG STAMP: the initcall whose calling..returned window holds
# the printk stamp STAMP (s), or nothing when none does (initcall_debug log).
initcall_of() {
	awk -v t="$2" '
		match($0, /^\[ *[0-9.]+\]/) { s = substr($0, RSTART + 1, RLENGTH - 2) + 0 }
		/ calling  [A-Za-z0-9_.]+\+/ { n = $0; sub(/.* calling  /, "", n); sub(/\+.*/, "", n); open[n] = s }
		/ initcall [A-Za-z0-9_.]+\+.* returned / { n = $0; sub(/.* initcall /, "", n); sub(/\+.*/, "", n)
			if ((n in open) && open[n] <= t && s >= t) { print n; exit }
			delete open[n] }' "$1"
}

# deferred_vs_initcalls DMESG: where each node's deferred-init line sits
# among the initcalls of an initcall_debug log, one phrase.
deferred_vs_initcalls() {
	local dm=$1 stamps inside="" s ic first
	stamps=$(sed -n 's/^\[ *\([0-9.]*\)\] node [0-9]* deferred pages initialised in .*/\1/p' "$dm")
	[ -n "$stamps" ] || { echo "no deferred-init line in the log"; return; }
	for s in $stamps; do
		ic=$(initcall_of "$dm" "$s")
		[ -n "$ic" ] && inside="$inside $ic"
	done
	first=$(sed -n 's/^\[ *\([0-9.]*\)\] calling  .*/\1/p' "$dm" | head -n1)
	if [ -n "$inside" ]; then
		echo "inside initcall(s)$(echo "$inside" | tr ' ' '\n' | sort -u | paste -sd' ' | sed 's/^/ /')"
	elif [ -z "$first" ]; then
		echo "no initcall in the log (initcall_debug off)"
	else
		echo "in no initcall's window (deferred lines at $(echo "$stamps" | paste -sd/ ) s; initcalls from $first s)"
	fi
}

# hash_in_initcalls DMESG: the hash-table lines that fall inside an
# initcall's window, grouped by initcall: "inet_init 5, vfs_caches_init ..." or "none".
hash_in_initcalls() {
	local dm=$1 s name ic
	sed -n 's/^\[ *\([0-9.]*\)\] \(.*\) hash table entries: .*/\1/p' "$dm" | while read -r s; do
		ic=$(initcall_of "$dm" "$s")
		echo "${ic:--}"
	done | sort | uniq -c | awk '$2 != "-" { printf "%s%s %d", (n++ ? ", " : ""), $2, $1 } END { if (!n) printf "none" }'
	echo
}

# seen_in FILE PATTERN...: the first PATTERN (extended regex) found in FILE,
# with its line, else "not in its output (FILE, N lines)".
seen_in() {
	local f=$1 p hit
	shift
	for p in "$@"; do
		hit=$(grep -Em1 -- "$p" "$f" 2>/dev/null | tr -d '|' | cut -c1-80)
		[ -n "$hit" ] && { echo "shown: '$hit'"; return; }
	done
	echo "— (not in its output: $(basename "$f"), $(grep -c '' "$f" 2>/dev/null || echo 0) lines)"
}

# tracer_vs_deferred DMESG TRACER: when the boot tracer started against the
# deferred-init lines: "started at X s, after deferred init (last line Y s)".
tracer_vs_deferred() {
	local dm=$1 tr=$2 start last
	start=$(sed -n "s/^\[ *\([0-9.]*\)\] Starting tracer '$tr'.*/\1/p" "$dm" | head -n1)
	last=$(sed -n 's/^\[ *\([0-9.]*\)\] node [0-9]* deferred pages initialised in .*/\1/p' "$dm" | tail -n1)
	[ -n "$start" ] || { echo "no 'Starting tracer' line for $tr"; return; }
	[ -n "$last" ] || { echo "the tracer started at $start s; no deferred-init line"; return; }
	awk -v a="$start" -v b="$last" 'BEGIN { if (a + 0 > b + 0) printf "the tracer started at %s s, after deferred init (last line %s s)\n", a, b
		else printf "the tracer started at %s s, before deferred init ended (%s s)\n", a, b }'
}
