#!/bin/bash
# Run the libFuzzer targets of build-fuzz/ (make fuzz-build).
#   run.sh SECONDS [TARGET...]   fuzz each target for SECONDS (make fuzz: 60,
#                                make test: FUZZ_TEST_TIME, default 3)
#   run.sh replay [TARGET...]    run each target once on its seeds and on the
#                                crash inputs kept in tests/fuzz/regress/TARGET
# Seeds: the real captures of tests/fixtures plus tests/fuzz/seeds/TARGET.
# The working corpus grows in build-fuzz/corpus/TARGET; a crash leaves its
# input in build-fuzz/crashes/TARGET/ and is a FAIL: keep it in regress/ once
# the parser is fixed. One PASS/FAIL/SKIP line per target (tests/lib.sh).
source "$(dirname "$0")/../lib.sh"
out=$TOP/${FUZZ_OUT:-build-fuzz}
fx=$TOP/tests/fixtures
mode=${1:?usage: run.sh SECONDS|replay [TARGET...]}
shift
targets=("$@")
if [ ${#targets[@]} = 0 ]; then
	for b in "$TOP"/tests/fuzz/fuzz_*.c; do
		b=${b##*/}
		targets+=("${b%.c}")
	done
fi
# Sanitizer reports end the run with an error exit and a stack.
export ASAN_OPTIONS=${ASAN_OPTIONS:-halt_on_error=1:abort_on_error=1:detect_leaks=1:allocator_may_return_null=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-halt_on_error=1:abort_on_error=1:print_stacktrace=1}

# seed TARGET DIR: the fixtures a target's parser reads, one file each.
seed() {
	local d f
	case $1 in
	fuzz_dmesg|fuzz_boots) f=dmesg.txt ;;
	fuzz_zoneinfo) f=zoneinfo ;;
	fuzz_vmallocinfo) f=vmallocinfo ;;
	fuzz_ftrace) f=trace.txt ;;
	fuzz_records) f=records ;;
	*) f= ;;
	esac
	mkdir -p "$2"
	if [ -n "$f" ]; then
		for d in "$fx"/*/; do
			[ -f "$d/$f" ] && cp "$d/$f" "$2/$(basename "$d")-$f"
		done
	fi
	if [ -d "$TOP/tests/fuzz/seeds/${1#fuzz_}" ]; then
		cp "$TOP/tests/fuzz/seeds/${1#fuzz_}"/* "$2/" 2>/dev/null
	fi
	return 0
}

for t in "${targets[@]}"; do
	bin=$out/$t
	name="fuzz ${t#fuzz_}"
	if [ ! -x "$bin" ]; then
		skip_missing deps "$name" "$bin not built (make fuzz-build needs clang with libFuzzer: libclang-rt-14-dev)"
		continue
	fi
	seeds=$out/seeds/$t
	regress=$TOP/tests/fuzz/regress/${t#fuzz_}
	rm -rf "$seeds"
	seed "$t" "$seeds"
	log=$out/logs/$t.log
	mkdir -p "$out/logs" "$out/crashes/$t" "$out/corpus/$t"
	if [ "$mode" = replay ]; then
		files=("$seeds"/*)
		[ -d "$regress" ] && files+=("$regress"/*)
		name="$name replay"
		if "$bin" -runs=1 "${files[@]}" > "$log" 2>&1; then
			pass "$name (${#files[@]} inputs)"
		else
			fail "$name" "a kept input fails again: $(grep -a -m1 -E 'ERROR|runtime error|Running:' "$log" | tail -c 200) (log: $log)"
		fi
		continue
	fi
	dirs=("$out/corpus/$t" "$seeds")
	[ -d "$regress" ] && dirs+=("$regress")
	"$bin" -max_total_time="$mode" -timeout=10 -rss_limit_mb=2048 -max_len=65536 \
		-close_fd_mask=3 -print_final_stats=1 \
		-artifact_prefix="$out/crashes/$t/" "${dirs[@]}" > "$log" 2>&1
	rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	cov=$(grep -aoE 'cov: [0-9]+' "$log" | tail -1)
	if [ $rc = 0 ]; then
		pass "$name (${mode} s, ${execs:-?} runs, ${cov:-cov ?})"
	else
		art=$(grep -aoE "$out/crashes/$t/[^ ]+" "$log" | tail -1)
		fail "$name" "$(grep -a -m1 -E 'ERROR: |runtime error|deadly signal|timeout' "$log" | tail -c 200); input: ${art:-?} (log: $log)"
	fi
done
