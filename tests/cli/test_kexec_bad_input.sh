#!/bin/bash
# meminit kexec, stats and compare on bad input, on the host: one error line,
# exit 1 (2 for a bad command line), and nothing in DIR created or destroyed.
# This never reboots anything: every row fails before the kernel is loaded, and
# the one that passes a real kernel with --yes runs only where this kernel has
# no kexec at all (the host of these machines) or as an unprivileged user.
source "$(dirname "$0")/../lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kernel=$("$TOP/tests/vm/kernel.sh" path 6.12 2>/dev/null) || kernel=""

# row NAME RC TEXT -- ARGS...
row() {
	local name=$1 want_rc=$2 text=$3 rc
	shift 4
	"$MEMINIT" "$@" > "$tmp/out" 2> "$tmp/err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		fail "kexec bad input: $name" "exit $rc, want $want_rc; stderr: $(head -c 300 "$tmp/err")"
	elif [ "$(wc -l < "$tmp/err")" != 1 ]; then
		fail "kexec bad input: $name" "$(wc -l < "$tmp/err") stderr lines, want 1: $(head -c 300 "$tmp/err")"
	elif ! grep -qF -- "$text" "$tmp/err"; then
		fail "kexec bad input: $name" "no '$text' in: $(head -c 300 "$tmp/err")"
	else
		pass "kexec bad input: $name"
	fi
}
tree() { (cd "$1" && find . -printf '%p %s %m\n' | sort && find . -type f -exec sha256sum {} + | sort); }

row "missing kernel image" 1 "kernel image $tmp/nope: No such file" -- \
	kexec --runs 2 --out "$tmp/d1" --kernel "$tmp/nope" --yes
head -c 4096 /bin/sh > "$tmp/elf"
row "an ELF file as kernel" 1 "is not a kernel image" -- \
	kexec --runs 2 --out "$tmp/d1" --kernel "$tmp/elf" --yes
row "a directory as kernel" 1 "is not a regular file" -- \
	kexec --runs 2 --out "$tmp/d1" --kernel "$tmp" --yes
[ -e "$tmp/d1" ] && fail "kexec bad input: nothing written" "$tmp/d1 exists" ||
	pass "kexec bad input: no DIR created by a refused plan"
row "no --out" 2 "--runs N and --out DIR are required" -- kexec --runs 2 --kernel /x
row "runs 0" 2 "--runs: '0'" -- kexec --runs 0 --out "$tmp/d1" --kernel /x
row "unknown --syscall" 2 "--syscall: 'kexec_lod' is not auto, kexec_load or kexec_file_load" -- \
	kexec --runs 2 --out "$tmp/d1" --kernel /x --syscall kexec_lod
row "two modes" 2 "give one of" -- kexec --status "$tmp" --stop "$tmp"
row "status of a non-kexec dir" 1 "is not a meminit kexec directory" -- kexec --status "$tmp"
row "stats of a non-kexec dir" 1 "is not a meminit kexec directory" -- stats "$tmp"

# A foreign directory: files that are not ours are never written over.
mkdir -p "$tmp/foreign" && echo data > "$tmp/foreign/keep"
before=$(tree "$tmp/foreign")
if [ -n "$kernel" ]; then
	row "non-empty foreign --out" 1 "is not empty and holds no kexec plan" -- \
		kexec --runs 2 --out "$tmp/foreign" --kernel "$kernel" --yes
else
	skip_missing stock-kernel "kexec bad input: non-empty foreign --out" "no stock 6.12 kernel cached (make test fetches it)"
fi
echo '{"schema": "something-else", "schema_version": 1}' > "$tmp/foreign/plan.json"
mkdir -p "$tmp/foreign/runs" "$tmp/foreign/failures"
before=$(tree "$tmp/foreign")
row "foreign plan.json: status" 1 "is not a meminit kexec plan" -- kexec --status "$tmp/foreign"
row "foreign plan.json: stop" 1 "is not a meminit kexec plan" -- kexec --stop "$tmp/foreign"
row "foreign plan.json: stats" 1 "is not a meminit kexec plan" -- stats "$tmp/foreign"
row "foreign plan.json: compare" 1 "is not a meminit kexec plan" -- compare "$tmp/foreign" "$tmp/foreign"
echo '{"schema": "meminit-kexec-pl' > "$tmp/foreign/plan.json"
row "truncated plan.json" 1 "plan.json is corrupt" -- kexec --status "$tmp/foreign"
for sc in '"kexec_lod"' null 7; do
	echo '{"schema": "meminit-kexec-plan", "schema_version": 1, "runs_per_variant": 1, "syscall": '"$sc"',
	"variants": [{"name": "a", "kernel": "/x"}]}' > "$tmp/foreign/plan.json"
	row "plan.json with syscall $sc" 1 "syscall is not auto, kexec_file_load or kexec_load" -- \
		kexec --status "$tmp/foreign"
done
echo '{"schema": "something-else", "schema_version": 1}' > "$tmp/foreign/plan.json"
[ "$before" = "$(tree "$tmp/foreign")" ] && pass "kexec bad input: the foreign directory is unchanged" ||
	fail "kexec bad input: foreign directory" "changed"

# Not root: refused before anything is written (setpriv drops to nobody).
if [ -n "$kernel" ] && have_root && command -v setpriv >/dev/null; then
	chmod 755 "$tmp"
	setpriv --reuid=65534 --regid=65534 --clear-groups "$MEMINIT" kexec --runs 2 \
		--out "$tmp/d2" --kernel "$kernel" --yes > "$tmp/out" 2> "$tmp/err"
	rc=$?
	[ $rc = 1 ] && [ "$(wc -l < "$tmp/err")" = 1 ] && grep -q "needs root" "$tmp/err" && [ ! -e "$tmp/d2" ] &&
		pass "kexec bad input: not root ($(cat "$tmp/err"))" ||
		fail "kexec bad input: not root" "rc $rc: $(cat "$tmp/err")"
elif [ -z "$kernel" ]; then
	skip_missing stock-kernel "kexec bad input: not root" "no stock 6.12 kernel cached (make test fetches it)"
elif ! have_root; then
	skip_missing root "kexec bad input: not root" "needs root to drop to nobody"
else
	skip_missing deps "kexec bad input: not root" "setpriv missing (make deps)"
fi

# No kexec in the running kernel: only where that is true (never reboots).
if [ -n "$kernel" ] && have_root && [ ! -e /sys/kernel/kexec_loaded ]; then
	row "no kexec in this kernel" 1 "this kernel has no kexec" -- \
		kexec --runs 2 --out "$tmp/d3" --kernel "$kernel" --yes
	[ ! -e "$tmp/d3" ] && pass "kexec bad input: nothing written without kexec support" ||
		fail "kexec bad input: no kexec" "$tmp/d3 was created"
	"$MEMINIT" check > "$tmp/check" 2>&1
	grep -E '^ +kexec +no' "$tmp/check" >/dev/null &&
		pass "check says: $(grep -E '^ +kexec ' "$tmp/check" | sed 's/  */ /g')" ||
		fail "check: kexec line" "$(grep -E '^ +kexec' "$tmp/check")"
elif [ -z "$kernel" ]; then
	skip_missing stock-kernel "kexec bad input: no kexec in this kernel" "no stock 6.12 kernel cached (make test fetches it)"
elif ! have_root; then
	skip_missing root "kexec bad input: no kexec in this kernel" "needs root (meminit kexec refuses others first)"
else
	skip_missing no-kexec "kexec bad input: no kexec in this kernel" "this kernel has kexec: not tried here (it would reboot)"
fi
