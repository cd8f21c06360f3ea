#!/bin/bash
# A vendor kernel booted with deferred_init=lazy leaves struct pages to
# deferred_grow_zone() at runtime and says so in one line (issue 12):
#   deferred_init=lazy: 5361468 pages left to deferred_grow_zone()
# report must state that deferral, never "this kernel initialized every
# struct page early". The log: the real stock 6.12 3-node boot
# (tests/fixtures/6.12-3node-memoryless) with its deferred-init lines
# replaced by that line, as such a kernel prints it instead.
source "$(dirname "$0")/../lib.sh"
T="lazy deferral"
o=$OUTROOT/lazy-deferral
rm -rf "$o" && mkdir -p "$o"
[ -x "$MEMINIT" ] || { fail "$T" "build/meminit not built (make)"; exit 0; }
fx=$TOP/tests/fixtures/6.12-3node-memoryless/dmesg.txt
n=$(grep -c 'deferred pages initialised' "$fx")
awk '/deferred pages initialised/ { if (!done++) { sub(/\].*/, "] deferred_init=lazy: 5361468 pages left to deferred_grow_zone()"); print }; next } { print }' \
	"$fx" > "$o/lazy.txt"
grep -q 'deferred_init=lazy: 5361468' "$o/lazy.txt" && [ "$n" -gt 0 ] ||
	{ fail "$T" "could not make the log"; exit 0; }
"$MEMINIT" report --dmesg "$o/lazy.txt" --format json > "$o/r.json" 2> "$o/r.err" ||
	{ fail "$T" "$(head -n1 "$o/r.err")"; exit 0; }
pages=$(jq -r .lazy_deferred_pages "$o/r.json")
note=$(jq -r '.notes[] | select(contains("deferred_init=lazy"))' "$o/r.json")
early=$(jq -r '.notes[] | select(contains("every struct page early"))' "$o/r.json")
if [ "$pages" = 5361468 ] && [[ "$note" == *"5361468 pages (20.5 GiB)"*"at runtime"* ]] && [ -z "$early" ]; then
	pass "$T: the report says: $note"
else
	fail "$T" "pages '$pages', note '$note', early '$early'"
fi
# The same log without that line, and without deferred lines: then, and
# only from a log that starts at boot, every struct page was early.
grep -v 'deferred_init=lazy' "$o/lazy.txt" > "$o/none.txt"
"$MEMINIT" report --dmesg "$o/none.txt" --format json > "$o/n.json" 2>&1
jq -e '.notes[] | select(contains("every struct page early"))' "$o/n.json" > /dev/null &&
	pass "$T: no deferral line and no deferred line: every struct page early, said" ||
	fail "$T: no deferred line" "no such note"
grep -v 'Linux version' "$o/none.txt" > "$o/cut.txt"
"$MEMINIT" report --dmesg "$o/cut.txt" --format json > "$o/c.json" 2>&1
if jq -e '.notes[] | select(contains("cannot be told"))' "$o/c.json" > /dev/null &&
	! jq -e '.notes[] | select(contains("every struct page early"))' "$o/c.json" > /dev/null; then
	pass "$T: a log that does not start at boot makes no claim about early init"
else
	fail "$T: cut log" "claims early init or says nothing"
fi
