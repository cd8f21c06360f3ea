#!/bin/bash
# Bad input table: each row is an input, the exit code expected, and the text
# its one error line must hold. Nothing here needs a VM: the inputs are
# files, real fixtures cut or garbled.
source "$(dirname "$0")/../lib.sh"
fx=$TOP/tests/fixtures/6.12-2node-ftrace
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

: > "$tmp/empty"
head -c 8192 /bin/sh > "$tmp/binary"
tail -n +300 "$fx/dmesg.txt" > "$tmp/tail.txt"
head -n 40 "$fx/dmesg.txt" > "$tmp/head.txt"
printf '# tracer: function_graph\n#\n' > "$tmp/graph.txt"
sed 's/^\[ *[0-9.]*\] //' "$fx/dmesg.txt" > "$tmp/notimes.txt"
awk '{print substr($0, 1, 100000)} END {for (i = 0; i < 200000; i++) printf "x"; print ""}' \
	"$fx/dmesg.txt" > "$tmp/hugeline.txt"

# row NAME RC "TEXT" -- ARGS...: run meminit ARGS, expect RC and, when RC is
# non-zero, exactly one stderr line containing TEXT.
row() {
	local name=$1 want_rc=$2 text=$3 rc
	shift 4
	"$MEMINIT" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		fail "bad input: $name" "exit $rc, want $want_rc; stderr: $(head -c 300 "$tmp/err")"
	elif [ "$want_rc" != 0 ] && [ "$(wc -l < "$tmp/err")" != 1 ]; then
		fail "bad input: $name" "$(wc -l < "$tmp/err") stderr lines, want 1"
	elif ! grep -qF -- "$text" "$tmp/err" "$tmp/out"; then
		fail "bad input: $name" "no '$text' in: $(head -c 300 "$tmp/err")"
	elif [ "$want_rc" != 0 ] && [ -s "$tmp/out" ]; then
		fail "bad input: $name" "printed a report despite the error"
	else
		pass "bad input: $name"
	fi
}

row "missing dmesg file"     1 "cannot read $tmp/nope: No such file" -- report --dmesg "$tmp/nope"
row "empty dmesg"            1 "no timestamped kernel log lines"     -- report --dmesg "$tmp/empty"
row "binary dmesg"           1 "binary data at byte"                 -- report --dmesg "$tmp/binary"
row "foreign file as dmesg"  1 "no timestamped kernel log lines"     -- report --dmesg "$fx/zoneinfo"
row "log without timestamps" 1 "printk.time=0"                       -- report --dmesg "$tmp/notimes.txt"
row "log cut before memory"  1 "no memory initialization messages"   -- report --dmesg "$tmp/head.txt" --node 5
row "log that wrapped"       0 "does not start at boot"              -- report --dmesg "$tmp/tail.txt"
row "huge line"              0 "Dentry cache"                        -- report --dmesg "$tmp/hugeline.txt"
row "a directory as dmesg"   1 "cannot read $tmp"                    -- report --dmesg "$tmp"
row "dmesg as ftrace"        1 "not an ftrace function trace"        -- report --dmesg "$fx/dmesg.txt" --ftrace "$fx/dmesg.txt"
row "function_graph trace"   1 "'function_graph' tracer"             -- report --dmesg "$fx/dmesg.txt" --ftrace "$tmp/graph.txt"
row "node that does not exist" 1 "node 7 does not exist"             -- report --dmesg "$fx/dmesg.txt" --node 7
row "node not a number"      2 "--node: 'x1' is not a node number"   -- report --dmesg "$fx/dmesg.txt" --node x1
row "negative node"          2 "is not a node number"                -- report --dmesg "$fx/dmesg.txt" --node -1
row "overflowing node"       2 "is not a node number"                -- report --dmesg "$fx/dmesg.txt" --node 99999999999999999999
row "bad format"             2 "--format: 'xml' is not table or json" -- report --dmesg "$fx/dmesg.txt" --format xml
row "bad hz"                 2 "--hz: '0' is not a kernel HZ"        -- report --dmesg "$fx/dmesg.txt" --hz 0
row "stray argument"         2 "unexpected argument 'extra'"         -- report --dmesg "$fx/dmesg.txt" extra
# Every verb says a bad option, a missing value or a stray argument in one
# line of its own (getopt's messages and a usage text used to follow).
for v in check report arm hotplug trace import-perf kexec stats compare export collect fleet; do
	row "$v: unknown option"   2 "$v: unknown option '--bogus' (see 'meminit $v --help')" -- $v --bogus
done
row "report: unknown short option" 2 "report: unknown option '-x'"     -- report -x
row "report: option without its value" 2 "report: --dmesg needs a value" -- report --dmesg
row "stats: --format without its value" 2 "stats: --format needs a value" -- stats --format
row "unknown verb"           2 "unknown verb 'frobnicate'"           -- frobnicate
row "unknown global option"  2 "unknown option '--bogus'"            -- --bogus report
row "unknown help topic"     2 "unknown verb 'nope'"                 -- help nope

# A file that is fine gives a report and exit 0.
row "good dmesg + trace"     0 "boot function trace"                 -- report --dmesg "$fx/dmesg.txt" --ftrace "$fx/trace.txt" --hz 250
"$MEMINIT" report --dmesg "$fx/dmesg.txt" --format json | jq -e '.schema_version == 2' >/dev/null &&
	pass "report --format json is valid JSON" || fail "report --format json is valid JSON" "jq refused it"

# Without root: check still answers and names the missing privilege.
if have_root && id nobody >/dev/null 2>&1 && command -v setpriv >/dev/null; then
	setpriv --reuid=nobody --regid=nogroup --clear-groups "$MEMINIT" check > "$tmp/out" 2>&1
	rc=$?
	if [ $rc = 0 ] && grep -q 'running as root *no' "$tmp/out" && grep -qiE 'root|CAP_' "$tmp/out"; then
		pass "check without root says what it lacks"
	else
		fail "check without root" "exit $rc: $(head -c 300 "$tmp/out")"
	fi
elif ! have_root; then
	skip_missing root "check without root" "needs root to drop privileges"
elif ! id nobody > /dev/null 2>&1; then
	skip_missing nobody "check without root" "no 'nobody' user to drop to"
else
	skip_missing deps "check without root" "setpriv missing (make deps)"
fi
