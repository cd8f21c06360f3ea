#!/bin/bash
# meminit report inside real Debian kernels under QEMU, checked against the
# kernel's own ground truth from the same boot: /proc/zoneinfo (pages per
# node, exactly), node meminfo (memoryless nodes), its "deferred pages
# initialised" lines and its "hash table entries" lines.
source "$(dirname "$0")/../lib.sh"

source "$TOP/tests/vm/report-checks.sh"

# boot NAME KERNEL NODES CPUS [APPEND]: boots a guest into $OUTROOT/report-NAME
# and sets BOOT_DIR. Its FAIL or SKIP line goes to stdout like every result:
# never call it inside $(...), which would swallow that line. A previous
# run's outputs go first, booted or not: no check here (nor
# test_suite_can_fail.sh's) may read them as this run's.
BOOTED=" "
boot() {
	local t=$1 d=$OUTROOT/report-$1
	BOOT_DIR=
	rm -rf "$d" "$d.log"
	need_vm "$t" || return 1
	if ! "$TOP/tests/vm/guest.sh" --kernel "$2" --nodes "$3" --node-cpus "$4" \
		--append "${5:-}" --out "$d" "$TOP/tests/vm/guest-report.sh" > "$d.log" 2>&1; then
		fail "$t: guest boot" "$(tail -n1 "$d.log")"
		return 1
	fi
	BOOT_DIR=$d
	BOOTED+="$t "
}

# What 'meminit arm' prints on this host, less the host's own TSC frequency
# (tsc_early_khz=): a guest's TSC is not the host's.
arm_params=$("$MEMINIT" arm --quiet | sed 's/ tsc_early_khz=[0-9]*//')

boot 6.12-memoryless 6.12 2G,1G,0 1,1,1 && check_boot 6.12-memoryless "$BOOT_DIR"
boot 6.1-4node 6.1 2G,1G,512M,0 1,1,1,1 && check_boot 6.1-4node "$BOOT_DIR"

for k in 6.12 6.1; do
	if boot "$k-armed" "$k" 3G,1G 2,2 "$arm_params"; then
		check_boot "$k-armed" "$BOOT_DIR"
		check_armed "$k-armed" "$BOOT_DIR"
	fi
done

# meminit check inside the same guests: attach support is probed, and the
# facts measured by hand on these kernels hold (issue 2, "Facts measured").
for k in 6.12 6.1; do
	c=$OUTROOT/report-$k-armed/check.json
	[[ "$BOOTED" == *" $k-armed "* ]] || { skip_missing vm "$k: check" "the $k guest did not boot in this run"; continue; }
	jq -e --arg k "$k" '.btf and (.config_source | startswith("/boot/config-")) and
		.config.CONFIG_DEFERRED_STRUCT_PAGE_INIT == "y" and .attach.fentry.ok and
		.functions.move_pfn_range_to_zone.fentry.ok and .functions.online_pages.kprobe.ok and
		(.can_measure | length) >= 4 and (.patched | not) and .boot_traced' "$c" >/dev/null &&
		pass "$k: check sees BTF, config, fentry, kprobe, the armed trace" ||
		fail "$k: check" "$(jq -c '{btf, config_source, attach, patched, boot_traced}' "$c")"
done
c=$OUTROOT/report-6.12-armed/check.json
[[ "$BOOTED" == *" 6.12-armed "* ]] && { jq -e '.functions.memmap_init_range.fentry.ok' "$c" >/dev/null &&
	pass "6.12: check says memmap_init_range takes fentry" ||
	fail "6.12: memmap_init_range fentry" "$(jq -c .functions.memmap_init_range "$c")"; }
c=$OUTROOT/report-6.1-armed/check.json
[[ "$BOOTED" == *" 6.1-armed "* ]] && { jq -e '(.functions.memmap_init_range.fentry.ok | not) and
	(.functions.memmap_init_range.fentry.reason | test("notrace")) and
	(.functions.memmap_init_range.kprobe.ok | not)' "$c" >/dev/null &&
	pass "6.1: check says memmap_init_range is notrace (fentry and kprobe refused)" ||
	fail "6.1: memmap_init_range notrace" "$(jq -c .functions.memmap_init_range "$c")"; }
exit 0
