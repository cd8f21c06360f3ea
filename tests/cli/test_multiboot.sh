#!/bin/bash
# One text log, several boots (issue 12): a journal or console of several
# boots, and a console log with a dmesg dump of the same boot appended. The
# boots are the real fixture logs (tests/fixtures: QEMU guests of stock
# Debian 6.1 and 6.12 and the patched 6.12), put one after another as a
# console holds them; the console copy of a boot is its own log with lines a
# console at a lower log level leaves out removed, CR line ends and lines of
# user space in between. What each boot gives must be what its own log gives.
source "$(dirname "$0")/../lib.sh"
T="multi-boot log"
o=$OUTROOT/multiboot
fx=$TOP/tests/fixtures
rm -rf "$o" && mkdir -p "$o"
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
boots=(6.12-2node-ftrace 6.12-3node-memoryless 6.12-patched-3node 6.12-systemd-untimed-early)
for b in "${boots[@]}"; do cat "$fx/$b/dmesg.txt"; done > "$o/four.log"
# What a report holds of its boot, without its notes (they name the file).
view() { jq -S 'del(.notes, .collected_unix)' "$1"; }

# 1. Four boots: each --boot K is the report of that boot's own log.
same=0
for k in 1 2 3 4; do
	b=${boots[$((k - 1))]}
	"$MEMINIT" report --dmesg "$fx/$b/dmesg.txt" --format json > "$o/own-$k.json" &&
		"$MEMINIT" report --dmesg "$o/four.log" --boot $k --format json > "$o/boot-$k.json" ||
		{ fail "$T: boot $k" "report failed"; continue; }
	if cmp -s <(view "$o/own-$k.json") <(view "$o/boot-$k.json"); then
		same=$((same + 1))
	else
		fail "$T: boot $k of four" "differs from $b's own report"
	fi
done
[ $same = 4 ] && pass "$T: each of four boots in one log = its own log's report"
note=$(jq -r '.notes[] | select(contains("holds 4 boots"))' "$o/boot-2.json")
[[ "$note" == *"this is boot 2 of 4"* ]] && pass "$T: the report says: $note" ||
	fail "$T: boot note" "'$note'"
"$MEMINIT" report --dmesg "$o/four.log" --format json > "$o/last.json"
cmp -s <(view "$o/last.json") <(view "$o/own-4.json")
check "$T: without --boot, the last boot" "not the last boot's report" test $? = 0
n=$("$MEMINIT" report --dmesg "$o/four.log" --boot all --format json | jq 'length')
[ "$n" = 4 ] && pass "$T: --boot all gives 4 reports" || fail "$T: --boot all" "$n reports"

# 2. A console log with a dmesg dump of the same boot appended: one boot.
b=6.12-3node-memoryless
python3 - "$fx/$b/dmesg.txt" "$o/console.log" <<'PY'
import sys
lines = open(sys.argv[1]).read().splitlines()
out = []
for i, l in enumerate(lines):
    if i % 7 == 3 and i > 0:
        continue                       # below the console's log level
    out.append(l + "\r")
    if i == 200:
        out.append("Debian GNU/Linux 12 guest ttyS0\r")
        out.append("guest login: root (automatic login)\r")
out.append("root@guest:~# dmesg\r")
open(sys.argv[2], "w").write("\n".join(out) + "\n" + "\n".join(lines) + "\n")
PY
"$MEMINIT" report --dmesg "$o/console.log" --format json > "$o/console.json" 2> "$o/console.err" ||
	{ fail "$T: console + dmesg dump" "$(head -n1 "$o/console.err")"; exit 0; }
"$MEMINIT" report --dmesg "$fx/$b/dmesg.txt" --format json > "$o/own.json"
note=$(jq -r '.notes[] | select(contains("copy"))' "$o/console.json")
if cmp -s <(view "$o/own.json") <(view "$o/console.json") && [[ "$note" == *"holds 1 boot and 1 copy"* ]]; then
	pass "$T: console log + dmesg dump of one boot = that boot: $note"
else
	fail "$T: console + dmesg dump" "not the boot's own report, or note '$note'"
fi

# 3. stats on the log = stats over a kexec directory of the same reports.
kx=$o/kx
mkdir -p "$kx/runs" && python3 - "$kx" "$o" <<'PY'
import json, sys
kx, o = sys.argv[1], sys.argv[2]
plan = {"schema": "meminit-kexec-plan", "schema_version": 1, "runs_per_variant": 4,
        "max_failures": 3, "delay_s": 0, "created_unix": 0,
        "variants": [{"name": "log", "kernel": "/boot/vmlinuz", "initrd": None, "cmdline": ""}]}
json.dump(plan, open(kx + "/plan.json", "w"))
for k in range(4):
    rep = json.load(open(f"{o}/own-{k + 1}.json"))
    run = {"schema": "meminit-kexec-run", "schema_version": 1, "run": k, "variant_index": 0,
           "variant": "log", "attempt": 1, "boot_to_hook_s": None, "report": rep}
    json.dump(run, open(f"{kx}/runs/run-{k:04d}.json", "w"))
PY
"$MEMINIT" stats --format json "$o/four.log" > "$o/stats-log.json" 2> "$o/stats.err" &&
	"$MEMINIT" stats --format json "$kx" > "$o/stats-dir.json" 2>> "$o/stats.err" ||
	{ fail "$T: stats" "$(head -n1 "$o/stats.err")"; exit 0; }
m='[.variants[0].metrics[] | select(.phase | startswith("deferred init (kernel line")) | del(.outliers)]'
a=$(jq -c "$m" "$o/stats-log.json") b=$(jq -c "$m" "$o/stats-dir.json")
if [ -n "$a" ] && [ "$a" != "[]" ] && [ "$a" = "$b" ]; then
	pass "$T: stats on the log = stats on the same runs as a kexec directory ($(echo "$a" | jq length) kernel-line metrics, n = $(echo "$a" | jq '.[0].n'))"
else
	fail "$T: stats on the log" "differs from the kexec directory's"
fi
rows=$("$MEMINIT" export --dmesg "$o/four.log" --format csv | tail -n +2 | cut -d, -f1 | sort -u | paste -sd' ')
[ "$rows" = "0 1 2 3" ] && pass "$T: export --format csv: one run per boot ($rows)" ||
	fail "$T: csv" "runs '$rows'"

# 4. Bad input: one line, exit 1 or 2, nothing written.
"$MEMINIT" report --dmesg "$o/four.log" --boot 5 > "$o/bad.out" 2> "$o/bad.err"
rc=$?
[ $rc = 1 ] && [ ! -s "$o/bad.out" ] && [ "$(wc -l < "$o/bad.err")" = 1 ] &&
	pass "$T: --boot 5 of 4: $(cat "$o/bad.err")" || fail "$T: --boot 5" "rc $rc: $(head -n2 "$o/bad.err")"
"$MEMINIT" report --boot 2 > "$o/bad.out" 2> "$o/bad.err"
rc=$?
[ $rc = 1 ] && [ "$(wc -l < "$o/bad.err")" = 1 ] &&
	pass "$T: --boot without a log: $(cat "$o/bad.err")" || fail "$T: --boot without --dmesg" "rc $rc"
"$MEMINIT" report --dmesg "$o/four.log" --boot 0 > "$o/bad.out" 2> "$o/bad.err"
rc=$?
[ $rc = 2 ] && [ "$(wc -l < "$o/bad.err")" = 1 ] &&
	pass "$T: --boot 0: $(cat "$o/bad.err")" || fail "$T: --boot 0" "rc $rc"
