#!/bin/bash
# Bad input table, second part (issue 7): malformed kernel logs, boot traces,
# boot records and output paths. Each row: the input, the exit code and the
# exact error line meminit must print (stderr, one line, nothing on stdout).
# Inputs are real fixtures, cut or garbled. tests/cli/test_bad_input.sh has
# the first part (missing files, command line).
source "$(dirname "$0")/../lib.sh"
fx=$TOP/tests/fixtures/6.12-2node-ftrace
rec=$TOP/tests/fuzz/seeds/records
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cd "$tmp" || exit 1
d=$fx/dmesg.txt

# Inputs.
head -c 2000 "$d" > trunc.txt				# cut mid-line, before the memory lines
head -c 4096 /dev/urandom | tr -d '\000' > garbage.bin	# binary garbage without a NUL
sed 's/Dentry cache hash table entries: [0-9]*/Dentry cache hash table entries: -5/' "$d" > neg-hash.txt
sed 's/Dentry cache hash table entries: [0-9]*/Dentry cache hash table entries: 99999999999999999999999/' "$d" > ovf-hash.txt
sed 's/node 1 deferred pages initialised in [0-9]*ms/node 1 deferred pages initialised in -7ms/' "$d" > neg-deferred.txt
sed 's/Initmem setup node 1 /Initmem setup node 4096 /' "$d" > node-range.txt
sed 's/Initmem setup node 1 /Initmem setup node 0 /' "$d" > dup-node.txt
sed 's/node 1 deferred pages initialised/node 0 deferred pages initialised/' "$d" > dup-deferred.txt
cat "$d" "$d" > two-boots.txt
sed 's/^\[ *[0-9.]*\]/[nan]/' "$d" > nan-times.txt
{ head -n 150 "$d"; printf '[    0.5] '; head -c 300000 /dev/zero | tr '\0' x; echo; tail -n +151 "$d"; } > huge-line.txt
sed 's/\[003\]/[047]/' "$fx/trace.txt" > cpu47-trace.txt
sed 's/^# meminit records v1/# meminit records v2/' "$rec/6.12-patched-2node-records.txt" > rec-v2.txt
head -n 20 "$rec/6.12-patched-2node-records.txt" > rec-trunc.txt
head -c 1000 "$rec/6.12-patched-2node-records.bin" > rec-trunc.bin
cp "$rec/6.12-patched-2node-records.bin" rec-v2.bin &&
	printf '\002\000\000\000' | dd of=rec-v2.bin bs=1 seek=8 count=4 conv=notrunc status=none
echo secret > victim
ln -s victim link
ln -s nowhere dangling
mkfifo fifo

# row NAME RC "EXACT ERROR LINE" -- ARGS...: meminit ARGS exits RC with exactly
# that one line on stderr and nothing on stdout (RC 0: anything on stderr,
# a report on stdout).
row() {
	local name=$1 want_rc=$2 want=$3 rc
	shift 4
	"${pre[@]}" "$MEMINIT" "$@" > out 2> err
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		fail "bad input: $name" "exit $rc, want $want_rc; stderr: $(head -c 300 err)"
	elif [ "$want_rc" != 0 ] && [ "$(cat err)" != "$want" ]; then
		fail "bad input: $name" "stderr '$(head -c 300 err)', want '$want'"
	elif [ "$want_rc" != 0 ] && [ -s out ]; then
		fail "bad input: $name" "printed a report despite the error"
	elif [ "$want_rc" = 0 ] && ! grep -qF -- "$want" out; then
		fail "bad input: $name" "no '$want' in the report"
	else
		pass "bad input: $name"
	fi
}
M="meminit:"
pre=()
row "truncated log"           1 "$M trunc.txt: no memory initialization messages in 24 kernel log lines: not a boot log" -- report --dmesg trunc.txt
row "binary garbage, no NUL"  1 "$M garbage.bin: no timestamped kernel log lines ($(awk 'END {print NR}' garbage.bin) lines read): not a dmesg or console log, or printk.time=0" -- report --dmesg garbage.bin
row "negative hash entries"   1 "$M neg-hash.txt: line 156: '-5 (order: 10, 4194304 b': a number no kernel prints (negative or past 64 bits)" -- report --dmesg neg-hash.txt
row "overflowing hash entries" 1 "$M ovf-hash.txt: line 156: '99999999999999999999999 ': a number no kernel prints (negative or past 64 bits)" -- report --dmesg ovf-hash.txt
row "negative deferred ms"    1 "$M neg-deferred.txt: line 207: '-7ms': a number no kernel prints (negative or past 64 bits)" -- report --dmesg neg-deferred.txt
row "node out of range"       1 "$M node-range.txt: line 63: node 4096 out of range (0-1023)" -- report --dmesg node-range.txt
row "duplicate node"          1 "$M dup-node.txt: line 63: node 0 is set up twice" -- report --dmesg dup-node.txt
row "duplicate deferred line" 1 "$M dup-deferred.txt: line 208: node 0 finishes deferred init twice" -- report --dmesg dup-deferred.txt
row "a boot past the log's"   1 "$M two-boots.txt holds 1 boot: there is no boot 2" -- report --dmesg two-boots.txt --boot 2
row "--boot all elsewhere"    1 "$M --boot all: one report per boot is 'meminit report' only" -- export --dmesg two-boots.txt --boot all --format json
row "nan timestamps"          1 "$M nan-times.txt: no timestamped kernel log lines ($(wc -l < nan-times.txt) lines read): not a dmesg or console log, or printk.time=0" -- report --dmesg nan-times.txt
row "huge line (300 kB)"      0 "Dentry cache" -- report --dmesg huge-line.txt
row "CPU that does not exist" 1 "$M cpu47-trace.txt: line 18: an entry of CPU 47, but the trace has 4 CPUs (#P:4)" -- report --dmesg "$d" --ftrace cpu47-trace.txt
row "records: wrong version"  1 "$M rec-v2.txt: records version 2; this meminit reads version 1" -- report --records rec-v2.txt
row "records: truncated text" 1 "$M rec-trunc.txt: truncated: the header says 47 records, the file has 17" -- report --records rec-trunc.txt
row "records.bin: wrong version" 1 "$M rec-v2.bin: records version 2; this meminit reads version 1" -- report --records rec-v2.bin
row "records.bin: truncated"  1 "$M rec-trunc.bin: truncated: the header says 47 records (4544 bytes), the file has 1000 bytes" -- report --records rec-trunc.bin
row "output: planted symlink" 1 "$M link is a symbolic link: refusing to write through it" -- report --dmesg "$d" --output link
row "output: dangling symlink" 1 "$M dangling is a symbolic link: refusing to write through it" -- report --dmesg "$d" --output dangling
row "output: a fifo"          1 "$M fifo exists and is not a regular file" -- report --dmesg "$d" --output fifo
row "output: a directory"     1 "$M $tmp exists and is not a regular file" -- report --dmesg "$d" --output "$tmp"
row "output: no such dir"     1 "$M cannot open the directory of nodir/r.json: No such file or directory" -- report --dmesg "$d" --output nodir/r.json
[ "$(cat victim)" = secret ] && [ ! -e nowhere ] && [ -L link ] && [ -L dangling ] &&
	pass "output: nothing written through a planted symlink" ||
	fail "output: nothing written through a planted symlink" "victim: $(cat victim), nowhere: $(ls nowhere 2>&1)"

# A full standard output: one line naming it, exit 1, for one boot and for
# every boot of a console log (which once failed without a line).
con=$TOP/tests/fixtures/6.12-kexec-console/console.log
for args in "--dmesg $d" "--dmesg $con --boot all" "--dmesg $con --boot all --format json"; do
	# shellcheck disable=SC2086
	"$MEMINIT" report $args > /dev/full 2> err
	rc=$?
	if [ "$rc" = 1 ] && [ "$(cat err)" = "$M cannot write the report to standard output" ]; then
		pass "output: report ${args/$TOP\/tests\/fixtures\//} to a full disk: one line, exit 1"
	else
		fail "output: report $args to a full disk" "exit $rc, stderr '$(head -c 300 err)'"
	fi
done

# A good --output: 0600 whatever the umask, atomic, no temporary left.
(umask 000 && "$MEMINIT" report --dmesg "$d" --format json --output r.json) &&
	[ "$(stat -c %a r.json)" = 600 ] && jq -e '.schema_version == 2' r.json > /dev/null &&
	[ -z "$(ls -A | grep '^\.')" ] &&
	pass "output: report --output is 0600 under umask 000, valid JSON, no temporary left" ||
	fail "output: report --output" "mode $(stat -c %a r.json 2>&1); $(ls -A)"
# An error after --output leaves the old file whole.
cp r.json r.json.before
"$MEMINIT" report --dmesg garbage.bin --output r.json 2> /dev/null
cmp -s r.json r.json.before && pass "output: a failed report leaves the old file" ||
	fail "output: a failed report leaves the old file" "r.json changed"

# Without the capability: the message names it.
if have_root && command -v setpriv > /dev/null && [ "$(cat /proc/sys/kernel/dmesg_restrict)" = 1 ]; then
	pre=(setpriv --reuid=nobody --regid=nogroup --clear-groups)
	row "live report not root"  1 "$M cannot read the kernel log /dev/kmsg: Operation not permitted (needs root: CAP_SYSLOG, or kernel.dmesg_restrict=0)" \
		-- report
	pre=()
elif ! have_root; then
	skip_missing root "bad input: live report not root" "needs root to drop to nobody"
elif ! command -v setpriv > /dev/null; then
	skip_missing deps "bad input: live report not root" "setpriv missing (make deps)"
else
	skip_missing dmesg-restrict "bad input: live report not root" "kernel.dmesg_restrict is 0: any user reads the log"
fi
exit 0
