#!/bin/bash
# The unit tests and the CLI tests again, against the AddressSanitizer +
# UndefinedBehaviorSanitizer build (make asan: build-asan/, dynamic). Every
# sanitizer report goes to a log file as well as ending the process with an
# abort: a test that saw one fails on its exit code, and any log file left
# here is one more FAIL naming it. LeakSanitizer is on: a leak is a report.
source "$(dirname "$0")/../lib.sh"
T=asan
asan=$TOP/${ASAN_OUT:-build-asan}
[ -x "$asan/meminit" ] || { fail "$T" "$asan/meminit not built (make asan)"; exit 0; }
logs=$OUTROOT/asan
rm -rf "$logs"
mkdir -p "$logs"
export ASAN_OPTIONS="halt_on_error=1:abort_on_error=1:detect_leaks=1:log_path=$logs/asan"
export UBSAN_OPTIONS="halt_on_error=1:abort_on_error=1:print_stacktrace=1:log_path=$logs/ubsan"

# suite NAME CMD...: one PASS with the count of its passes, its FAILs and
# SKIPs passed through with the prefix, and a FAIL if it exits non-zero.
suite() {
	local name=$1 out=$logs/$(echo "$1" | tr -c 'a-z0-9_\n' _).out rc
	shift
	"$@" > "$out" 2>&1
	rc=$?
	grep -E '^(FAIL|SKIP) ' "$out" | sed -E "s/^(FAIL|SKIP) /\1 $T: /"
	if [ $rc != 0 ] && [ $rc != 1 -o -z "$(grep '^FAIL ' "$out")" ]; then
		fail "$T: $name" "exited with $rc: $(grep -m1 -E 'ERROR|runtime error' "$out" "$logs"/*san* 2>/dev/null | head -c 300)"
	elif ! grep -q '^FAIL ' "$out"; then
		pass "$T: $name ($(grep -c '^PASS ' "$out") checks)"
	fi
}

for t in "$asan"/tests/test_*; do
	[ -x "$t" ] && suite "$(basename "$t")" "$t" "$TOP/tests/fixtures"
done
# The CLI tests that drive the meminit binary (test_probe links its own
# driver against build/, the fuzz and sanitizer tests are not re-run, lint
# reads the sources, and the scale benchmark times build/meminit).
for t in "$TOP"/tests/cli/test_*.sh; do
	case ${t##*/} in
	test_sanitizers.sh|test_fuzz.sh|test_probe.sh|test_lint.sh|test_bench_scale.sh) continue ;;
	esac
	suite "${t##*/}" env MEMINIT_BIN="$asan/meminit" bash "$t"
done
# Every fixture through every source and output.
for d in "$TOP"/tests/fixtures/*/; do
	args=(report --dmesg "$d/dmesg.txt" --hz 250)
	[ -f "$d/trace.txt" ] && args+=(--ftrace "$d/trace.txt")
	for f in table json; do
		"$asan/meminit" "${args[@]}" --format $f > "$logs/out" 2>&1 ||
			fail "$T: report $(basename "$d") $f" "exit $?: $(head -c 300 "$logs/out")"
	done
done
pass "$T: report of every fixture, table and json"
if have_root; then
	for a in "report" "report --format json" "check" "check --format json"; do
		# shellcheck disable=SC2086
		"$asan/meminit" $a > "$logs/out" 2>&1
		rc=$?
		# report may refuse a host without the boot messages; a crash is 134
		[ $rc -le 2 ] && pass "$T: live $a (exit $rc)" ||
			fail "$T: live $a" "exit $rc: $(head -c 300 "$logs/out")"
	done
fi
for f in "$logs"/asan* "$logs"/ubsan*; do
	[ -f "$f" ] && fail "$T: sanitizer report" "$f: $(grep -m1 -E 'ERROR|runtime error' "$f")"
done
exit 0
