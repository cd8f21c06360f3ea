#!/bin/bash
# needs: patched-kernel
# bench/boot-views.sh on its small guest: one boot with systemd as PID 1,
# then systemd-analyze, bootgraph.py and meminit on that boot, each checked
# against the kernel's own lines of it.
source "$(dirname "$0")/../lib.sh"
T="bench boot-views"

need_vm "$T" || exit 0
for f in /lib/systemd/systemd /usr/bin/systemd-analyze; do
	[ -x "$f" ] || { skip_missing deps "$T" "$f missing (Debian package systemd; make deps)"; exit 0; }
done
command -v python3 > /dev/null || { skip_missing deps "$T" "python3 missing (make deps)"; exit 0; }
# bootgraph.py comes with the kernel source that build.sh unpacks (and on a
# fresh machine builds the patched kernel from, as test_patched.sh would).
if ! "$TOP/kernel-patches/build.sh" > /dev/null 2> "$OUTROOT/boot-views-kernel.log" ||
	[ ! -f "${MEMINIT_CACHE:-/var/cache/meminit}/src/linux-6.12/tools/power/pm-graph/bootgraph.py" ]; then
	fail "$T: kernel source for bootgraph.py" "$(tail -n 2 "$OUTROOT/boot-views-kernel.log" | tr '\n' ' ')"
	exit 0
fi
out=$MEMINIT_BENCH_OUT/boot-views
g=$out/guest
if ! "$TOP/bench/boot-views.sh" --small > "$OUTROOT/boot-views.md" 2> "$OUTROOT/boot-views.err"; then
	fail "$T: runs" "$(tail -n1 "$OUTROOT/boot-views.err")"
	exit 0
fi
pass "$T: --small ran, PID 1 was $(cat "$g/pid1")"

# systemd-analyze's kernel figure is the monotonic clock when PID 1 started:
# after the kernel's "Run /init" line, before the guest script's own uptime.
k=$(sed -n 's/^Startup finished in \([0-9.]*\)\(m*s\) (kernel).*/\1 \2/p' "$g/analyze.txt" |
	awk '{ print ($2 == "ms" ? $1 / 1000 : $1) }')
r=$(sed -n 's/^\[ *\([0-9.]*\)\] Run .* as init process.*/\1/p' "$g/dmesg.txt" | head -n1)
u=$(cat "$g/uptime-at-script")
awk -v k="$k" -v r="$r" -v u="$u" 'BEGIN { exit !(k != "" && r != "" && k + 0.001 >= r && k <= u) }' &&
	pass "$T: systemd-analyze kernel ${k} s lies between the kernel's Run /init ($r s) and the script ($u s)" ||
	fail "$T: systemd-analyze" "kernel '$k' s, Run /init $r s, script $u s"
grep -q '^result: pass' "$out/bootgraph-result.txt" &&
	pass "$T: bootgraph.py parsed the boot's log" || fail "$T: bootgraph.py" "see $out/bootgraph.log"

j=$g/report.json
want=$(awk '/^Node/ { n = $2 + 0 } $1 == "present" { p[n] += $2 } END { for (k in p) print k ":" p[k] }' "$g/zoneinfo" | sort | paste -sd' ')
got=$(jq -r '[.nodes[] | "\(.id):\(.present_pages)"] | join(" ")' "$j")
[ "$got" = "$want" ] && pass "$T: meminit pages per node = zoneinfo present ($got)" ||
	fail "$T: pages" "meminit $got, zoneinfo $want"
# Traced deferred init against the kernel's own jiffies line, above it only
# as far as the console's own stamps allow (tests/lib.sh).
hz=$(jq -r '.hz // 0' "$j") bad=""
while read -r id tr km; do
	span=$(deferred_span_ms "$g/dmesg.txt" "$id")
	jiffies_line_ok "$tr" "$km" "$hz" "$span" || bad="$bad node $id: $tr vs $km (console span ${span:-none});"
done < <(jq -r '.nodes[] | select(.memoryless | not) | "\(.id) \(.deferred_traced_ms) \(.deferred_init_ms)"' "$j")
[ -z "$bad" ] && pass "$T: traced deferred init per node within 2 jiffies of the kernel's line, or above it within the console's span of the node's work" ||
	fail "$T: deferred" "$bad"
# The systemd-analyze and bootgraph.py cells are derived from those tools'
# output of this boot: recomputed here, a "—" must mean the phase is in
# neither output, and the initcall placement must be the log's.
cell() { grep -F "| $1 |" "$out/section.md" | head -n1 | awk -F'|' -v c="$2" '{ print $(c + 2) }'; }
sd=$(cell "deferred struct page init, per node" 1)
if grep -Eq 'deferred|pgdatinit' "$out/systemd-analyze.txt"; then want=shown; else want="—"; fi
case "$sd" in " $want"*) pass "$T: systemd-analyze cell for deferred init: '$want', as its output says" ;;
	*) fail "$T: systemd-analyze cell" "'$sd' where its output gives $want" ;; esac
bgc=$(cell "deferred struct page init, per node" 2)
# What bootgraph.py draws: its page less the log it embeds (one log line
# per line, each starting with its printk stamp).
if awk '!/^[ \t]*\[ *[0-9]+\.[0-9]+\]/' "$out/bootgraph.html" | grep -Eq 'deferred_init|pgdatinit'; then
	want=shown; else want="—"; fi
case "$bgc" in " $want"*) pass "$T: bootgraph.py cell for deferred init: '$want', as its HTML says" ;;
	*) fail "$T: bootgraph.py cell" "'$bgc' where its HTML gives $want" ;; esac
# Early memmap init is memmap_init (free_area_init) by name: a function that
# only contains it in its name (firmware_memmap_init, an initcall of
# /sys/firmware/memmap) is not it.
bge=$(cell "early memmap init" 2)
if awk '!/^[ \t]*\[ *[0-9]+\.[0-9]+\]/' "$out/bootgraph.html" |
	grep -Eq '(^|[^a-z_])(memmap_init|free_area_init)([^a-z_]|$)'; then want=shown; else want="—"; fi
case "$bge" in " $want"*) pass "$T: bootgraph.py cell for early memmap: '$want', as its HTML says" ;;
	*) fail "$T: bootgraph.py early memmap cell" "'$bge' where its HTML gives $want" ;; esac
# Is a deferred-init line inside an initcall's window? Counted here with a
# depth of open initcalls, not with bench/tool-views.sh's windows by name.
inside=$(awk '/ calling  / { d++ } / initcall .* returned / { d-- }
	/ deferred pages initialised in / && d > 0 { n++ } END { print n + 0 }' "$g/dmesg.txt")
if [ "$inside" = 0 ]; then
	[[ "$bgc" == *"in no initcall's window"* ]] && pass "$T: deferred init in no initcall, as the log says" ||
		fail "$T: deferred vs initcalls" "the log has it in none: '$bgc'"
else
	[[ "$bgc" == *"inside initcall"* ]] && pass "$T: deferred init inside an initcall, as the log says" ||
		fail "$T: deferred vs initcalls" "the log has $inside lines inside: '$bgc'"
fi
