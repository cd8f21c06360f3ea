#!/bin/bash
# meminit export, collect and fleet on real captures (tests/fixtures).
# Ground truth: the report JSON of the same capture (meminit report), which
# the unit and VM tests check against the kernel; promtool for the format.
. "$(dirname "$0")/../lib.sh"
out=$OUTROOT/export
rm -rf "$out"
mkdir -p "$out"
fx=$TOP/tests/fixtures
m=$MEMINIT

src() {	# the report options of a fixture
	local d=$fx/$1 a="--dmesg $fx/$1/dmesg.txt --hz 250"
	[ -f "$d/trace.txt" ] && a="$a --ftrace $d/trace.txt"
	[ -f "$d/records.bin" ] && a="--dmesg $d/dmesg.txt --records $d/records.bin"
	echo "$a"
}
fixtures="6.1-2node-ftrace 6.1-4node-uneven 6.12-2node-ftrace 6.12-3node-memoryless 6.12-patched-3node"

# 1. Prometheus text of every capture: promtool accepts it, no timestamps.
for f in $fixtures; do
	# shellcheck disable=SC2046
	if ! $m report $(src $f) --format json > "$out/$f.json" 2>"$out/$f.err" ||
	   ! $m export --format prom $(src $f) --output "$out/$f.prom" 2>>"$out/$f.err"; then
		fail "export prom $f" "$(cat "$out/$f.err")"
		continue
	fi
	if ! command -v promtool >/dev/null; then
		skip_missing deps "export prom $f: promtool" "promtool missing (make deps)"
	elif promtool check metrics < "$out/$f.prom" > "$out/$f.promtool" 2>&1; then
		pass "export prom $f: promtool check metrics"
	else
		fail "export prom $f: promtool check metrics" "$(head -3 "$out/$f.promtool")"
	fi
	# A sample is NAME{LABELS} VALUE: a third field would be a timestamp.
	if grep -v '^#' "$out/$f.prom" | awk '{ sub(/^[^}]*}/, ""); if (NF != 1) exit 1 }'; then
		pass "export prom $f: no timestamps"
	else
		fail "export prom $f: no timestamps" "a sample has more than one value field"
	fi
	# --from the saved JSON gives the same file as collecting again.
	$m export --format prom --from "$out/$f.json" > "$out/$f.from.prom" 2>>"$out/$f.err"
	check "export prom $f: --from JSON equals live sources" "the two differ" \
		cmp "$out/$f.prom" "$out/$f.from.prom"
done

# 2. Numbers equal the report's: deferred wall per node, node memory.
f=6.12-2node-ftrace
want=$(jq -r '.nodes[] | "\(.id) \(.deferred_traced_ms / 1000)"' "$out/$f.json" | sort)
got=$(sed -n 's/^meminit_phase_wall_seconds{phase="deferred",node="\([0-9]*\)"} \(.*\)/\1 \2/p' \
	"$out/$f.prom" | sort)
if [ -n "$want" ] && [ "$(echo "$want" | awk '{printf "%s %.6f\n", $1, $2}')" = \
     "$(echo "$got" | awk '{printf "%s %.6f\n", $1, $2}')" ]; then
	pass "export prom: deferred seconds per node = report's deferred_traced_ms ($(echo $got))"
else
	fail "export prom: deferred seconds per node" "want '$want' got '$got'"
fi
f=6.12-patched-3node
want=$(jq -r '[.phases[] | select(.phase == "deferred") | "\(.node) \(.pages)"] | .[]' "$out/$f.json")
got=$(sed -n 's/^meminit_phase_pages{phase="deferred",node="\([0-9]*\)"} \(.*\)/\1 \2/p' "$out/$f.prom")
if [ -n "$want" ] && [ "$want" = "$got" ]; then
	pass "export prom patched: deferred pages per node = boot records' ($(echo $got))"
else
	fail "export prom patched: deferred pages" "want '$want' got '$got'"
fi
zeros=$(jq '[.phases[] | select(.wall_ms == null and .pages > 0 and .untimed_records == .records)] | length' "$out/$f.json")
if ! grep -q 'meminit_phase_wall_seconds{phase="memmap_early",node="0"}' "$out/$f.prom" &&
   [ "$zeros" -gt 0 ]; then
	pass "export prom patched: $zeros phases whose clock did not advance are left out, not 0"
else
	fail "export prom patched: stalled clock" "a 0 ns phase with pages was exported as 0"
fi

# Cardinality: series per node by default; per CPU only with --cpus all,
# one per (node, CPU) of the report's deferred chunks (node none: the trace
# could not tell the node).
f=6.12-2node-ftrace
want=$(jq '[.deferred_chunks[] | "\(.node) \(.cpu)"] | unique | length' "$out/$f.json")
# shellcheck disable=SC2046
$m export --format prom --cpus all $(src $f) > "$out/$f.cpus.prom"
got=$(grep -c '^meminit_phase_seconds{' "$out/$f.cpus.prom")
if ! grep -q '^meminit_phase_seconds' "$out/$f.prom" && [ "$want" -gt 0 ] && [ "$got" = "$want" ]; then
	pass "export prom: per node by default; --cpus all adds $got per-CPU series, one per (node, CPU) of the chunks"
else
	fail "export prom: cardinality" "default has $(grep -c '^meminit_phase_seconds{' "$out/$f.prom") per-CPU series; --cpus all $got, want $want"
fi

# 3. --textfile-dir: atomic, 0644, nothing else left in the directory.
mkdir -p "$out/tf"
# shellcheck disable=SC2046
if $m export --format prom $(src 6.12-2node-ftrace) --textfile-dir "$out/tf" &&
   [ "$(ls -A "$out/tf")" = meminit.prom ] && [ "$(stat -c %a "$out/tf/meminit.prom")" = 644 ]; then
	pass "export --textfile-dir: meminit.prom alone, mode 0644"
else
	fail "export --textfile-dir" "$(ls -la "$out/tf")"
fi

# 4. CSV: a header, the same number of fields on every row, rows of every run.
f=6.12-2node-ftrace
$m export --format csv --from "$out/$f.json" > "$out/$f.csv"
if python3 - "$out/$f.csv" "$out/$f.json" <<'PY'
import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1], newline="")))
rep = json.load(open(sys.argv[2]))
assert rows and all(len(r) == 20 for r in rows), "ragged rows"
d = {r["node"]: float(r["seconds"]) for r in rows if r["phase"] == "deferred" and r["scope"] == "node"}
for n in rep["nodes"]:
    assert abs(d[str(n["id"])] - n["deferred_traced_ms"] / 1e3) < 1e-9, n["id"]
cpu = [r for r in rows if r["scope"] == "cpu" and r["node"] != ""]
want = sum(len(n["deferred_cpus"]) for n in rep["nodes"])
assert len(cpu) == want, (len(cpu), want)
PY
then
	pass "export csv: header, 20 fields a row, deferred per node = report's, one cpu row per deferred CPU"
else
	fail "export csv" "python check failed"
fi
$m report $(src 6.1-2node-ftrace) --format json > "$out/a.json"
python3 "$TOP/tests/gen-kexec-dir.py" "$out/kx" 4 a="$out/a.json" b="$out/6.12-2node-ftrace.json"
$m export --format csv --from "$out/kx" > "$out/kx.csv"
runs=$(tail -n +2 "$out/kx.csv" | cut -d, -f1 | sort -un | wc -l)
variants=$(tail -n +2 "$out/kx.csv" | cut -d, -f2 | sort -u | tr '\n' ' ')
if [ "$runs" = 8 ] && [ "$variants" = "a b " ]; then
	pass "export csv of a kexec directory: rows of 8 runs, variants a and b"
else
	fail "export csv of a kexec directory" "runs=$runs variants=$variants"
fi

# 5. Bad input: clear error, exit 1, nothing half-written left behind.
bad() {	# NAME EXPECTED-MESSAGE DIR-TO-CHECK-EMPTY command...
	local name=$1 msg=$2 dir=$3
	shift 3
	"$@" > "$out/bad.out" 2> "$out/bad.err"
	local rc=$?
	if [ $rc = 1 ] && grep -q -- "$msg" "$out/bad.err" && [ "$(wc -l < "$out/bad.err")" = 1 ] &&
	   { [ -z "$dir" ] || [ -z "$(ls -A "$dir" | grep -v '^victim$\|^meminit.prom$')" ]; }; then
		pass "export bad input: $name"
	else
		fail "export bad input: $name" "rc=$rc stderr='$(cat "$out/bad.err")' dir: $(ls -A "$dir" 2>/dev/null | tr '\n' ' ')"
	fi
}
jq '.schema_version = 3' "$out/6.12-2node-ftrace.json" > "$out/v3.json"
mkdir -p "$out/b1"
bad "report of schema version 3" "schema version 3, this meminit reads versions 1 to 2" "$out/b1" \
	$m export --format prom --from "$out/v3.json" --textfile-dir "$out/b1"
[ ! -e "$out/b1/meminit.prom" ] && pass "export bad input: version 3 leaves no .prom" ||
	fail "export bad input: version 3 leaves no .prom" "file written"
jq '.schema = "other-tool"' "$out/6.12-2node-ftrace.json" > "$out/other.json"
bad "another schema" "not a meminit report" "" $m export --format csv --from "$out/other.json" -o "$out/b1/x.csv"
[ ! -e "$out/b1/x.csv" ] && pass "export bad input: another schema leaves no CSV" ||
	fail "export bad input: another schema leaves no CSV" "x.csv written"
mkdir -p "$out/b2"
echo precious > "$out/victim"
ln -s "$out/victim" "$out/b2/meminit.prom"
bad "symlink planted as the .prom" "symbolic link" "$out/b2" \
	$m export --format prom --from "$out/6.12-2node-ftrace.json" --textfile-dir "$out/b2"
ln -s "$out/victim" "$out/b2/report.html"
bad "symlink planted as --output" "symbolic link" "" \
	$m export --format html --from "$out/6.12-2node-ftrace.json" --output "$out/b2/report.html"
check "export bad input: the symlinks' target is untouched" "victim changed" \
	grep -qx precious "$out/victim"
bad "missing textfile directory" "textfile directory $out/nodir: No such file" "" \
	$m export --format prom --from "$out/a.json" --textfile-dir "$out/nodir"
if have_root && command -v setpriv >/dev/null; then
	mkdir -p "$out/ro" && chmod 0755 "$out/ro" && chmod 0755 "$out" && chmod o+r "$out/a.json"
	chmod o+x "$OUTROOT" "$TOP/build" 2>/dev/null
	bad "unwritable textfile directory (as nobody)" \
		"cannot create a temporary file next to $out/ro/meminit.prom: Permission denied" "$out/ro" \
		setpriv --reuid=nobody --regid=nogroup --clear-groups \
		$m export --format prom --from "$out/a.json" --textfile-dir "$out/ro"
elif ! have_root; then
	skip_missing root "export bad input: unwritable textfile directory" "needs root to drop to nobody"
else
	skip_missing deps "export bad input: unwritable textfile directory" "setpriv missing (make deps)"
fi
bad "prom of many reports" "exports one" "" $m export --format prom --from "$out/kx"
$m export --format csv --textfile-dir "$out" --from "$out/a.json" 2>/dev/null
[ $? = 2 ] && pass "export usage: --textfile-dir with csv exits 2" ||
	fail "export usage: --textfile-dir with csv exits 2" "other exit status"
