#!/bin/bash
# A kexec loop seen only through its serial console (issue 12): the real
# console of a 'meminit kexec --runs 4' loop on stock Debian 6.12, nodes 1G +
# 2G, kernel messages at loglevel 7, with the loop's own run directory
# (tests/fixtures/6.12-kexec-console, captured by tests/vm/capture-kexec-console.sh).
# The console holds the cold boot that started the loop and the 4 kexec boots;
# stats over the kexec boots of the console must equal stats over the run
# directory for the kernel-line metrics, which both read from the same lines.
source "$(dirname "$0")/../lib.sh"
T="kexec console"
fx=$TOP/tests/fixtures/6.12-kexec-console
o=$OUTROOT/kexec-console
rm -rf "$o" && mkdir -p "$o"
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
[ -f "$fx/console.log" ] || { fail "$T" "fixture $fx missing"; exit 0; }
n=$("$MEMINIT" report --dmesg "$fx/console.log" --boot all --format json 2> "$o/all.err" | jq length)
[ "$n" = 5 ] && pass "$T: 5 boots in the console (the cold boot and 4 kexec boots)" ||
	fail "$T: boots" "$n ($(head -n1 "$o/all.err"))"
# The loop's runs are the kexec boots: the console from the first kexec on.
first=$(grep -n 'Linux version' "$fx/console.log" | sed -n 2p | cut -d: -f1)
tail -n +"$first" "$fx/console.log" > "$o/runs.log"
"$MEMINIT" stats --format json "$o/runs.log" > "$o/log.json" 2> "$o/err" &&
	"$MEMINIT" stats --format json "$fx/kx" > "$o/dir.json" 2>> "$o/err" ||
	{ fail "$T: stats" "$(head -n1 "$o/err")"; exit 0; }
m='[.variants[0].metrics[] | select(.phase | startswith("deferred init (kernel line")) | {phase, node, n, median_ms, values_ms}]'
a=$(jq -c "$m" "$o/log.json") b=$(jq -c "$m" "$o/dir.json")
if [ -n "$a" ] && [ "$a" != "[]" ] && [ "$a" = "$b" ]; then
	pass "$T: stats over the console's kexec boots = stats over the loop's run directory ($(echo "$a" | jq -c '[.[] | "node \(.node): n \(.n), median \(.median_ms) ms"]'))"
else
	fail "$T: stats" "console $a, run directory $b"
fi
