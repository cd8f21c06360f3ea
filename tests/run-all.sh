#!/bin/bash
# Run every test meminit has (or the scripts named) and end with one line:
# N passed, N failed, N skipped.
# Unit tests are C programs in build/tests/; VM and CLI tests are
# tests/*/test_*.sh. Each prints PASS/FAIL/SKIP lines (tests/lib.sh).
#
# The harness does not take a script's word for it: a script that exits
# non-zero, prints no result line at all, or runs into a command the shell
# cannot find is a FAIL with its name. A SKIP must name the prerequisite it
# lacks (tests/lib.sh skip_missing): the harness probes it again, and a
# SKIP whose prerequisite this machine has, or that names none, is a FAIL.
# A guest boot that tests/vm/guest.sh retried (a stock kernel's one known
# oops) is a RETRY line, listed before the count and counted apart; more
# than MAX_RETRIES in one run fail it.
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
log=build/test-out/results.txt
mkdir -p build/test-out
: > "$log"
# guest.sh appends one line per retried boot here (see its crash retry).
export MEMINIT_GUEST_EVENTS=$top/build/test-out/guest-events.txt
: > "$MEMINIT_GUEST_EVENTS"
start=$(date +%s)
MAX_RETRIES=2

# judge_skips FILE: each SKIP line of FILE that does not name a prerequisite
# this machine verifiably lacks becomes a FAIL line in FILE; prints those.
declare -A prereq_here=()	# the probes' answers, once per run
judge_skips() {
	local line p why
	while IFS= read -r line || [ -n "$line" ]; do	# a last line without its newline too
		case "$line" in "SKIP "*) ;; *) printf '%s\n' "$line"; continue ;; esac
		p=$(sed -n 's/.* \[missing: \([a-z0-9-]*\)\]$/\1/p' <<< "$line")
		if [ -z "$p" ]; then
			why="a SKIP must name the prerequisite it lacks (tests/lib.sh skip_missing)"
		else
			if [ -z "${prereq_here[$p]:-}" ]; then
				bash -c 'source "$1/tests/lib.sh" && prereq_present "$2"' _ "$top" "$p" > /dev/null 2>&1
				prereq_here[$p]=$?
			fi
			case ${prereq_here[$p]} in
			1) printf '%s\n' "$line"; continue ;;
			0) why="skipped, but this machine has '$p' (tests/lib.sh prereq_present)" ;;
			*) why="skipped on '$p', no prerequisite tests/lib.sh knows" ;;
			esac
		fi
		printf 'FAIL %s: %s\n' "${line#SKIP }" "$why" | tee -a "$1.skips"
	done < "$1" > "$1.new"
	mv "$1.new" "$1"
	[ ! -f "$1.skips" ] || { cat "$1.skips"; rm -f "$1.skips"; }
}

run() {
	local label=$1 out rc events_before
	shift
	local t0
	t0=$(date +%s)
	out=$(mktemp)
	events_before=$(wc -l < "$MEMINIT_GUEST_EVENTS")
	echo "--- $label"
	"$@" 2>&1 | tee "$out" | sed 's/^/    /'
	rc=${PIPESTATUS[0]}
	# Here, not in a subshell: the probes' answers are kept for the run.
	judge_skips "$out" > "$out.judged"
	sed 's/^/    /' "$out.judged"
	cat "$out" >> "$log"
	{
		if [ "$rc" -ne 0 ]; then
			echo "FAIL $label: exited with $rc"
		elif ! grep -qE '^(PASS|FAIL|SKIP) ' "$out"; then
			echo "FAIL $label: printed no result line"
		fi
		grep -E '^[^ ]+: (line [0-9]+: )?[^ ]+: command not found$' "$out" | head -n 3 |
			sed "s|^|FAIL $label: the harness ran into: |"
		tail -n +$((events_before + 1)) "$MEMINIT_GUEST_EVENTS" | sed "s|^|RETRY $label: |"
	} | tee -a "$log" | sed 's/^/    /'
	rm -f "$out" "$out.judged"
	echo "    ($(( $(date +%s) - t0 )) s)"
}

# The VM tests in the order their needs are ready: each declares, in a
# "# needs:" line, what tests/prepare.sh builds for it (distro-root,
# patched-kernel, kernel-variants); those with none run first, while the
# builds go on in the background. A test with a need this list does not
# know runs last, and fails here by name.
VM_NEEDS="distro-root patched-kernel kernel-variants"	# in the order they are ready
vm_needs() { sed -n 's/^# needs: *//p' "$1" | head -n1; }
known_need() { [ -z "$1" ] || case " $VM_NEEDS " in *" $1 "*) true ;; *) false ;; esac; }
vm_tests_in_order() {
	local need t
	for need in "" $VM_NEEDS; do
		for t in tests/vm/test_*.sh; do
			[ "$(vm_needs "$t")" = "$need" ] && echo "$t"
		done
	done
	for t in tests/vm/test_*.sh; do
		known_need "$(vm_needs "$t")" || echo "$t"
	done
}
check_vm_needs() {
	local t
	for t in tests/vm/test_*.sh; do
		known_need "$(vm_needs "$t")" ||
			echo "FAIL $t: unknown '# needs: $(vm_needs "$t")' (tests/run-all.sh)" | tee -a "$log"
	done
}

# On a fresh machine the kernels and the distribution root take longer to
# build than the tests that need none of them take to run: build them in
# the background, niced, so the two overlap (a test that needs one waits
# for it through the build scripts' own locks).
prep=""
start_prepare() {
	[ -z "${MEMINIT_NO_VM:-}" ] && [ -x tests/prepare.sh ] &&
		command -v qemu-system-x86_64 > /dev/null || return 0
	mkdir -p build/test-out/prepare
	setsid nice -n 19 tests/prepare.sh build/test-out/prepare > build/test-out/prepare.txt 2>&1 &
	prep=$!
	trap 'kill -TERM -- -$prep 2> /dev/null' EXIT
	echo "--- tests/prepare.sh: building the test kernels and the distribution root in the background"
}
finish_prepare() {
	[ -n "$prep" ] || return 0
	echo "--- tests/prepare.sh"
	# Every test that needed a build has waited for it; anything still
	# building is for no test that ran (they skipped).
	if kill -0 "$prep" 2> /dev/null; then
		kill -TERM -- -"$prep" 2> /dev/null
		echo "    stopped: no test left that needs what it was building"
	fi
	wait "$prep" 2> /dev/null
	trap - EXIT
	sed 's/^/    /' build/test-out/prepare.txt
}

# --build CMD: meminit's own build, run once the background builds started.
build_cmd=""
if [ "${1:-}" = --build ]; then
	build_cmd=${2:?run-all.sh: --build needs a command}
	shift 2
fi
# The background builds are the critical path of a fresh run: they start
# first, then meminit's own build, then the tests.
[ $# -gt 0 ] || start_prepare
build_failed=""
if [ -n "$build_cmd" ]; then
	echo "--- build: $build_cmd"
	bash -c "$build_cmd" || { echo "FAIL build: '$build_cmd' failed" | tee -a "$log"; build_failed=1; }
fi
if [ -n "$build_failed" ]; then
	:	# a failed build runs no test
elif [ $# -gt 0 ]; then
	# Only the scripts named (make test-scale).
	for t in "$@"; do
		[ -f "$t" ] && run "$t" bash "$t" || echo "FAIL $t: no such test" | tee -a "$log"
	done
else
	check_vm_needs
	units=0
	for t in build/tests/test_*; do
		[ -x "$t" ] || continue
		units=$((units + 1))
		run "$(basename "$t")" "$t" "$top/tests/fixtures"
	done
	if [ "$units" = 0 ]; then
		echo "FAIL unit tests: none in build/tests (make unit-tests)" | tee -a "$log"
	fi
	for t in tests/cli/test_*.sh $(vm_tests_in_order); do
		[ -f "$t" ] && run "$t" bash "$t"
	done
fi
finish_prepare

# More retried boots than a flake explains fail the run.
r=$(grep -c '^RETRY ' "$log")
[ "$r" -le $MAX_RETRIES ] ||
	echo "FAIL guest boots retried: $r in this run, more than $MAX_RETRIES (RETRY lines)" >> "$log"
p=$(grep -c '^PASS ' "$log")
f=$(grep -c '^FAIL ' "$log")
s=$(grep -c '^SKIP ' "$log")
echo
grep -E '^(FAIL|SKIP|RETRY) ' "$log" || true
echo "total time $(( $(date +%s) - start )) s"
echo "$p passed, $f failed, $s skipped"
[ "$f" -eq 0 ] && [ "$p" -gt 0 ]
