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

# suite NAME PLAIN-CMD -- ASAN-CMD: runs the suite on the plain build and on
# the sanitizer build. It passes under the sanitizers only when that run
# exits 0 like the plain one and passes the same checks, by name and count
# (numbers in a name masked: timings differ); FAIL and SKIP lines come
# through with the prefix. A suite whose plain run passes nothing proves
# nothing here: never a pass; its SKIP lines come through, or it fails.
results() {
	grep -E "^$1 " "$2" | sed -E -e "s|$logs/(plain\|asan)-out|OUT|g" -e 's/[0-9]+(\.[0-9]+)?/#/g' | sort
}
suite() {
	local name=$1 f plain asan_out rc_plain rc plain_cmd=() missing extra
	f=$logs/$(echo "$1" | tr -c 'a-z0-9_\n' _)
	plain=$f.plain asan_out=$f.out
	shift
	while [ "$1" != -- ]; do plain_cmd+=("$1"); shift; done
	shift
	"${plain_cmd[@]}" > "$plain" 2>&1
	rc_plain=$?
	"$@" > "$asan_out" 2>&1
	rc=$?
	grep -E '^(FAIL|SKIP) ' "$asan_out" | sed -E "s/^(FAIL|SKIP) /\1 $T: /"
	missing=$(comm -23 <(results PASS "$plain") <(results PASS "$asan_out") | head -n 3 | paste -sd';')
	extra=$(comm -13 <(results PASS "$plain") <(results PASS "$asan_out") | head -n 3 | paste -sd';')
	if [ $rc != 0 ]; then
		fail "$T: $name" "exited with $rc (plain build: $rc_plain): $(grep -m1 -hE 'ERROR|runtime error' \
			"$asan_out" "$logs"/*san* 2>/dev/null | head -c 300)"
	elif [ -n "$missing$extra" ]; then
		fail "$T: $name" "checks differ from the plain build's: only plain: ${missing:-none}; only asan: ${extra:-none}"
	elif ! grep -q '^PASS ' "$plain"; then
		# Nothing passed in either build: the suite's own SKIP lines (above,
		# each naming what this machine lacks) say why; with none, it fails.
		grep -q '^SKIP ' "$asan_out" ||
			fail "$T: $name" "no check passed in the plain run (exit $rc_plain) and no SKIP says why"
	elif ! grep -q '^FAIL ' "$asan_out"; then
		pass "$T: $name (the plain build's $(grep -c '^PASS ' "$plain") checks, same names)"
	fi
}

for t in "$asan"/tests/test_*; do
	[ -x "$t" ] && suite "$(basename "$t")" "$TOP/build/tests/${t##*/}" "$TOP/tests/fixtures" -- \
		"$t" "$TOP/tests/fixtures"
done
# The CLI tests that drive the meminit binary (test_probe links its own
# driver against build/, the fuzz and sanitizer tests are not re-run, lint
# reads the sources, the scale benchmark times build/meminit, and the guest
# console test boots nothing of meminit's but the static build; the
# harness, the benchmarks' figures and claims, the doc numbers and the
# experiment series run no meminit at all, and the arm64 build test runs
# build/arm64's: a second run of those tests nothing of the sanitizers').
for t in "$TOP"/tests/cli/test_*.sh; do
	case ${t##*/} in
	test_sanitizers.sh|test_fuzz.sh|test_probe.sh|test_lint.sh|test_bench_scale.sh|test_guest_console.sh) continue ;;
	test_harness.sh|test_bench_claim.sh|test_bench_results.sh|test_bench_run_label.sh) continue ;;
	test_doc_numbers.sh|test_experiments.sh|test_arm64_build.sh) continue ;;
	esac
	suite "${t##*/}" env MEMINIT_BIN="$TOP/build/meminit" MEMINIT_TEST_OUT="$logs/plain-out" bash "$t" -- \
		env MEMINIT_BIN="$asan/meminit" MEMINIT_TEST_OUT="$logs/asan-out" bash "$t"
done
# Every fixture through every source and output: the same bytes as the
# plain build, and exit 0.
compare_fixture_reports "$logs/out" "$asan/meminit"
[ -z "$FIXTURE_BAD" ] && [ $FIXTURE_RUNS -gt 0 ] &&
	pass "$T: report of every fixture, table and json ($FIXTURE_RUNS), same as the plain build" ||
	fail "$T: report of every fixture" "${FIXTURE_BAD:-no fixture}"
if have_root; then
	for a in "report" "report --format json" "check" "check --format json"; do
		# shellcheck disable=SC2086
		"$TOP/build/meminit" $a > "$logs/plain" 2>&1
		want=$?
		# shellcheck disable=SC2086
		"$asan/meminit" $a > "$logs/out" 2>&1
		rc=$?
		# The host may refuse report (no boot messages left); the sanitizer
		# build must do exactly what the plain one does.
		[ $rc = $want ] && pass "$T: live $a (exit $rc, as the plain build)" ||
			fail "$T: live $a" "exit $rc, plain build $want: $(head -c 300 "$logs/out")"
	done
fi
for f in "$logs"/asan* "$logs"/ubsan*; do
	[ -f "$f" ] && fail "$T: sanitizer report" "$f: $(grep -m1 -E 'ERROR|runtime error' "$f")"
done
exit 0
