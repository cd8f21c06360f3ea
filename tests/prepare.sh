#!/bin/bash
# Build ahead what the VM tests will ask for, so that on a fresh machine
# the long builds run while the tests that need none of them do
# (tests/run-all.sh starts this in the background at nice 19; the tests
# still call the same scripts, which wait for a build under way and then
# find its result cached). Two lines of work at once:
#   downloads: the stock Debian kernels, x86 and arm64 (tests/vm/kernel.sh),
#              arm64's busybox (tests/vm/busybox.sh), arm64's 16 KiB
#              kernel (arm64-16k, the last arm64 guests'), then the
#              Debian 12 root of the distribution guest (tests/distro/root.sh),
#              mostly network and dpkg;
#   kernels:   the patched kernel, then the case study's experiments
#              (kernel-patches/experiments/: deferred-simplify, valid-pfn,
#              simplify-valid-pfn), its CONFIG_MEMINIT_STATS=n and
#              unpatched variants
#              (kernel-patches/build.sh), in the order the tests need them.
# One line per step on stdout with its time and result; each step's own
# output goes to $1/<step>.log. Exits non-zero if a step failed (the test
# that needs it then reports the failure in its own words).
#
#   prepare.sh LOGDIR
set -uo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
logs=${1:?usage: prepare.sh LOGDIR}
mkdir -p "$logs" || exit 1
# run-all.sh starts this in a session of its own (to stop it as a group):
# with the scheduler's autogroups a session competes as a whole, so its
# processes' own nice value does nothing against the tests' session; the
# session's is what gives the tests the cores first. (Without it, a fresh
# run's CLI tests took 2.6 times as long as alone.)
echo 19 > /proc/self/autogroup 2> /dev/null || true

step() {
	local name=$1 t0 rc
	shift
	t0=$(date +%s)
	"$@" > "$logs/$name.log" 2>&1
	rc=$?
	if [ $rc = 0 ]; then
		echo "prepare: $name done in $(( $(date +%s) - t0 )) s"
	else
		echo "prepare: $name failed (exit $rc) after $(( $(date +%s) - t0 )) s: $(tail -n1 "$logs/$name.log")"
	fi
	return $rc
}

downloads() {
	local rc=0
	step kernel-6.1 "$top/tests/vm/kernel.sh" path 6.1 || rc=1
	step kernel-6.12 "$top/tests/vm/kernel.sh" path 6.12 || rc=1
	if command -v qemu-system-aarch64 > /dev/null; then
		step kernel-6.12-arm64 "$top/tests/vm/kernel.sh" path 6.12 arm64 || rc=1
		step kernel-6.1-arm64 "$top/tests/vm/kernel.sh" path 6.1 arm64 || rc=1
		step busybox-arm64 "$top/tests/vm/busybox.sh" arm64 || rc=1
		step kernel-6.12-arm64-16k "$top/tests/vm/kernel.sh" path 6.12 arm64 16k || rc=1
	fi
	if command -v mmdebstrap > /dev/null; then
		step distro-root "$top/tests/distro/root.sh" || rc=1
	fi
	return $rc
}

kernels() {
	[ -f /usr/src/linux-source-6.12.tar.xz ] || return 0	# the tests say so
	local rc=0
	step kernel-patched "$top/kernel-patches/build.sh" || rc=1
	# The experiments next: from the patched tree each changes one file.
	for e in deferred-simplify valid-pfn simplify-valid-pfn; do
		step kernel-$e env MEMINIT_SERIES=$e "$top/kernel-patches/build.sh" || rc=1
	done
	step kernel-stats-off "$top/kernel-patches/build.sh" --off || rc=1
	step kernel-unpatched env MEMINIT_SERIES=none "$top/kernel-patches/build.sh" || rc=1
	return $rc
}

downloads &
d=$!
kernels
k=$?
wait $d
dl=$?
[ $k = 0 ] && [ $dl = 0 ]
