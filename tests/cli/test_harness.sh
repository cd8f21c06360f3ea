#!/bin/bash
# The test harness refuses the patterns that let a result vanish.
#
# 1. A shell function that prints a result line (it calls pass, fail, skip,
#    need_vm, check or one_error) must never run inside $(...): the command
#    substitution swallows its FAIL or SKIP and the run never counts it
#    (test_report.sh's boot() did exactly that).
# 2. tests/run-all.sh counts what a script does not say: a script that exits
#    non-zero, prints no result line, or calls a command that does not
#    exist is a FAIL; a missing unit-test folder is a FAIL.
# 3. A SKIP that names no prerequisite, names an unknown one, or one this
#    machine has is a FAIL; a retried guest boot is a RETRY line, and more
#    than 2 in a run fail it.
source "$(dirname "$0")/../lib.sh"
T=harness
o=$OUTROOT/harness
rm -rf "$o"
mkdir -p "$o"

# printers FILE...: names of the functions defined in FILEs whose body prints
# a result line (directly or through another such function).
printers() {
	awk '
		/^[A-Za-z_][A-Za-z0-9_]*\(\) *\{/ { name = $1; sub(/\(\).*/, "", name); body = ""; infn = 1
			# a one-line function: name() { ...; }
			if ($0 ~ /\}[ \t]*$/) { bodies[name] = $0; infn = 0 }
			next }
		infn && /^\}/ { bodies[name] = body; infn = 0; next }
		infn { body = body "\n" $0 }
		END {
			p["pass"] = p["fail"] = p["skip"] = 1
			do {
				changed = 0
				for (n in bodies) {
					if (n in p) continue
					# q called as a command: at a line start or after ; & | ( { ! then do else
					for (q in p) if (bodies[n] ~ ("(^|\n|[;&|({!]|then|do|else)[ \t]*" q "([ \t]|\n|$)")) {
						p[n] = 1; changed = 1; break
					}
				}
			} while (changed)
			for (n in p) print n
		}' "$@"
}

bad=""
for f in "$TOP"/tests/cli/test_*.sh "$TOP"/tests/vm/test_*.sh; do
	[ "${f##*/}" = test_harness.sh ] && continue	# this checker's own awk text
	names=$(printers "$TOP/tests/lib.sh" "$TOP/tests/vm/report-checks.sh" "$f" | paste -sd'|')
	# $(name ...) or `name ...` at the start of a command substitution
	hits=$(grep -nE "\\\$\\((${names})( |\\))" "$f" | grep -vE '^\s*[0-9]+:\s*#')
	[ -n "$hits" ] && bad="$bad ${f#"$TOP"/}:$(echo "$hits" | cut -d: -f1 | paste -sd,)"
done
[ -z "$bad" ] && pass "$T: no result-printing function runs inside \$(...)" ||
	fail "$T: result lines swallowed by \$(...)" "$bad"

# The check itself can fail: a test written the old way is caught.
cat > "$o/test_swallow.sh" <<'EOF'
boot() { need_vm x || return 1; fail x "boot failed"; return 1; }
d=$(boot 6.12) && echo "$d"
EOF
names=$(printers "$TOP/tests/lib.sh" "$o/test_swallow.sh" | paste -sd'|')
grep -qE "\\\$\\((${names})( |\\))" "$o/test_swallow.sh" &&
	pass "$T: a boot() inside \$(...) is caught" || fail "$T: swallow check" "did not catch $o/test_swallow.sh"

# run-all.sh against scripts that misbehave, in a copy of the tree's layout.
fake=$o/tree
mkdir -p "$fake/tests/cli" "$fake/tests/vm" "$fake/build/tests"
cp "$TOP/tests/run-all.sh" "$TOP/tests/lib.sh" "$TOP/tests/deps.sh" "$fake/tests/"
printf '#!/bin/sh\necho "PASS unit ok"\n' > "$fake/build/tests/test_unit"
chmod +x "$fake/build/tests/test_unit"
printf 'echo "PASS fine"\n' > "$fake/tests/cli/test_a_fine.sh"
printf 'echo "PASS half"\nexit 3\n' > "$fake/tests/cli/test_b_exit.sh"
printf 'echo "nothing to say"\n' > "$fake/tests/cli/test_c_silent.sh"
printf 'echo "PASS before"\nmeminit_no_such_command_here --x\necho "PASS after"\n' > "$fake/tests/cli/test_d_notfound.sh"
printf 'echo "guest boot /x retried: Oops: int3" >> "$MEMINIT_GUEST_EVENTS"\necho "PASS booted"\n' \
	> "$fake/tests/vm/test_e_retry.sh"
# VM tests run in the order of their "# needs:" line: none first.
printf '# needs: patched-kernel\necho "PASS kernel test"\n' > "$fake/tests/vm/test_a_kernel.sh"
printf 'echo "PASS plain test"\n' > "$fake/tests/vm/test_z_plain.sh"
printf '# needs: a-pony\necho "PASS bogus need"\n' > "$fake/tests/vm/test_f_bogus.sh"
cat > "$fake/tests/cli/test_g_skips.sh" <<'EOF'
source "$(dirname "$0")/../lib.sh"
skip "bare skip" "names no prerequisite"
skip_missing a-pony "pony skip" "no such prerequisite word"
skip_missing vm "vm skip" "VM tests off"
EOF
env -u MEMINIT_NO_VM bash "$fake/tests/run-all.sh" > "$o/run-all.out" 2>&1
rc=$?
order=$(sed -n 's|^--- tests/vm/||p' "$o/run-all.out" | paste -sd' ')
[ "$order" = "test_e_retry.sh test_z_plain.sh test_a_kernel.sh test_f_bogus.sh" ] &&
	pass "$T: run-all: VM tests with no need first, then by need, an unknown need last" ||
	fail "$T: run-all: VM test order" "$order"
grep -q "^FAIL tests/vm/test_f_bogus.sh: unknown '# needs: a-pony'" "$o/run-all.out" &&
	pass "$T: run-all: an unknown need fails by name" ||
	fail "$T: run-all: unknown need" "not reported in $o/run-all.out"
summary=$(tail -n1 "$o/run-all.out")
want_fail() { grep -q "^FAIL tests/cli/$1: $2" "$o/run-all.out" && pass "$T: run-all: $3" ||
	fail "$T: run-all: $3" "no 'FAIL tests/cli/$1: $2' in $o/run-all.out"; }
want_fail test_b_exit.sh "exited with 3" "a script that exits non-zero fails"
want_fail test_c_silent.sh "printed no result line" "a script with no result line fails"
want_fail test_d_notfound.sh "the harness ran into: .*command not found" "a command not found fails"
grep -q '^RETRY tests/vm/test_e_retry.sh: guest boot /x retried: Oops: int3' "$o/run-all.out" &&
	! grep -q '^SKIP tests/vm/test_e_retry.sh' "$o/run-all.out" &&
	pass "$T: run-all: a retried guest boot is a RETRY line in the summary, not a SKIP" ||
	fail "$T: run-all: retried boot" "no RETRY line in $o/run-all.out"
grep -q '^FAIL bare skip: names no prerequisite: a SKIP must name the prerequisite' "$o/run-all.out" &&
	grep -q "^FAIL pony skip: no such prerequisite word \[missing: a-pony\]: skipped on 'a-pony', no prerequisite" "$o/run-all.out" &&
	pass "$T: run-all: a SKIP naming no prerequisite, or an unknown one, is a FAIL" ||
	fail "$T: run-all: SKIP without a known prerequisite" "not failed in $o/run-all.out"
# vm: present where QEMU is and MEMINIT_NO_VM is unset (as in that run).
vm_skip=1 vm_fail=0
have_qemu && vm_skip=0 vm_fail=1
if [ $vm_fail = 1 ]; then
	grep -q "^FAIL vm skip: VM tests off \[missing: vm\]: skipped, but this machine has 'vm'" "$o/run-all.out" &&
		pass "$T: run-all: a SKIP whose prerequisite this machine has is a FAIL" ||
		fail "$T: run-all: SKIP with its prerequisite present" "not failed in $o/run-all.out"
fi
[ "$rc" != 0 ] && [ "$summary" = "9 passed, $((6 + vm_fail)) failed, $vm_skip skipped" ] &&
	pass "$T: run-all: summary '$summary', exit $rc" || fail "$T: run-all summary" "rc $rc: $summary"
# Where the prerequisite is absent the SKIP stands (MEMINIT_NO_VM: no VM tests).
MEMINIT_NO_VM=1 bash "$fake/tests/run-all.sh" "$fake/tests/cli/test_g_skips.sh" > "$o/run-all-novm.out" 2>&1
grep -q '^SKIP vm skip: VM tests off \[missing: vm\]$' "$o/run-all-novm.out" &&
	[ "$(tail -n1 "$o/run-all-novm.out")" = "0 passed, 2 failed, 1 skipped" ] &&
	pass "$T: run-all: a SKIP whose prerequisite is absent here stands" ||
	fail "$T: run-all: SKIP with its prerequisite absent" "$(tail -n1 "$o/run-all-novm.out") (see $o/run-all-novm.out)"
# Retried boots: each one listed; a third in one run fails it.
r=$fake/tests/vm/test_e_retry.sh
bash "$fake/tests/run-all.sh" "$r" "$r" > "$o/run-all-2retries.out" 2>&1
rc2=$?
bash "$fake/tests/run-all.sh" "$r" "$r" "$r" > "$o/run-all-3retries.out" 2>&1
rc3=$?
[ $rc2 = 0 ] && [ "$(tail -n1 "$o/run-all-2retries.out")" = "2 passed, 0 failed, 0 skipped" ] &&
	[ "$(grep -c '^RETRY ' "$o/run-all-2retries.out")" = 2 ] &&
	[ $rc3 != 0 ] && [ "$(tail -n1 "$o/run-all-3retries.out")" = "3 passed, 1 failed, 0 skipped" ] &&
	grep -q '^FAIL guest boots retried: 3 in this run, more than 2' "$o/run-all-3retries.out" &&
	pass "$T: run-all: 2 retried boots pass, each a RETRY line; a third fails the run" ||
	fail "$T: run-all: retry limit" "rc $rc2, $rc3 (see $o/run-all-[23]retries.out)"
rm -rf "$fake/build/tests"
bash "$fake/tests/run-all.sh" > "$o/run-all-nounit.out" 2>&1
grep -q '^FAIL unit tests: none in build/tests' "$o/run-all-nounit.out" &&
	pass "$T: run-all: no unit tests built is a failure" ||
	fail "$T: run-all: no unit tests" "$(tail -n1 "$o/run-all-nounit.out")"
exit 0
