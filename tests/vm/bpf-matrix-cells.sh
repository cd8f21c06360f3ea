# Sourced by tests/vm/test_bpf_matrix.sh and tests/arm64/test_patched.sh:
# one row of the BPF load matrix per kernel, from what
# tests/vm/guest-bpf-matrix.sh (or the host's run) left in $o/KERNEL/.
# Needs $o (the matrix folder) and $T (the result label).
funcs="online_pages move_pfn_range_to_zone memmap_init_range memmap_init_zone_device __add_pages deferred_grow_zone"

# cell KERNEL PROGRAM: "ok" or "no: reason", one line.
cell() {
	local d=$o/$1 p=$2 kind f j rc
	case $p in
	probe:*)
		kind=${p#probe:}
		jq -r --arg k "$kind" '.attach[$k] | if .ok then "ok" else "no: \(.reason)" end' "$d/check.json" 2>/dev/null ||
			echo "no: check failed: $(head -c 100 "$d/check.err")"
		;;
	live:*)
		kind=${p##*:} f=${p#live:}
		f=${f%:*}
		j=$d/trace-$kind.json
		if [ -s "$j" ]; then
			jq -r --arg f "$f" '[.probes[] | select(.function == $f)][0] |
				if . == null then "no: not in the probe list"
				elif .attach != "none" then "ok"
				else "no: \(.reason)" end' "$j"
		else
			# trace refused every probe: the per-function reason from check
			jq -r --arg f "$f" --arg k "$kind" '.functions[$f][$k] |
				if . == null then "no: check does not list it"
				elif .ok then "no: check attaches but trace did not"
				else "no: \(.reason)" end' "$d/check.json" 2>/dev/null
		fi
		;;
	records:*)
		kind=${p#records:}
		rc=$(cat "$d/report-$kind.rc" 2>/dev/null)
		if [ "$rc" = 0 ] && jq -e '.records.via | startswith("BPF")' "$d/report-$kind.json" > /dev/null 2>&1; then
			echo "ok"
		elif [ "$rc" = 0 ] && jq -e '.patched == false' "$d/check.json" > /dev/null 2>&1; then
			# report does not try records.bpf where check finds no meminit tracepoints
			echo "no: not loaded: no meminit:* tracepoints (kernel without kernel-patches/)"
		else
			echo "no: $(sed 's/^meminit: //' "$d/report-$kind.err" | head -n1 | cut -c1-150)"
		fi
		;;
	esac
}

progs="probe:fentry probe:kprobe probe:tp_btf probe:raw_tp"
for f in $funcs; do progs="$progs live:$f:fentry live:$f:kprobe"; done
progs="$progs records:bpf records:perfbuf"

# matrix_rows KERNEL...: each kernel's cells into $o/matrix.txt, and one
# result per kernel: every program attaches or says why not.
matrix_rows() {
	local k p c bad
	for k in "$@"; do
		bad=0
		for p in $progs; do
			c=$(cell "$k" "$p")
			echo "$k|$p|$c" >> "$o/matrix.txt"
			case $c in
			ok) ;;
			"no: "?*) [ "$c" = "no: null" ] && bad=$((bad + 1)) ;;
			*) bad=$((bad + 1)) ;;
			esac
		done
		[ $bad = 0 ] && pass "$T: $k ($(cat "$o/$k/uname")): every program attaches or says why not" ||
			fail "$T: $k" "$bad programs without an answer (see $o/matrix.txt)"
	done
}
# matrix_cell KERNEL PROGRAM: its cell in matrix.txt (whole names: "6.1"
# is not "arm64-6.1").
matrix_cell() { awk -F'|' -v k="$1" -v p="$2" '$1 == k && $2 == p { sub(/^[^|]*\|[^|]*\|/, ""); print }' "$o/matrix.txt"; }
