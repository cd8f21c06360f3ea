#!/bin/bash
# make install with DESTDIR and PREFIX; the man page renders without warnings
# and names every verb and every option the verbs' --help lists; --version,
# help VERB, and the bash completion.
. "$(dirname "$0")/../lib.sh"
out=$OUTROOT/install
rm -rf "$out"
mkdir -p "$out"
m=$MEMINIT
root=$out/root
if make -C "$TOP" --no-print-directory install DESTDIR="$root" PREFIX=/usr > "$out/make.log" 2>&1; then
	pass "make install DESTDIR PREFIX=/usr"
else
	fail "make install" "$(tail -3 "$out/make.log")"
	exit 0
fi
for f in usr/sbin/meminit usr/share/man/man8/meminit.8 usr/lib/systemd/system/meminit-boot.service \
	 usr/lib/systemd/system/meminit-kexec.service usr/share/bash-completion/completions/meminit \
	 etc/meminit/meminit.conf usr/share/meminit/prometheus/meminit.rules.yml \
	 usr/share/meminit/prometheus/meminit-federation.rules.yml usr/share/meminit/prometheus/meminit-global.rules.yml; do
	[ -s "$root/$f" ] && pass "install: /$f" || fail "install: /$f" "missing"
done
grep -qx 'ExecStart=/usr/sbin/meminit collect --config /etc/meminit/meminit.conf' \
	"$root/usr/lib/systemd/system/meminit-boot.service" &&
	grep -qx 'Type=oneshot' "$root/usr/lib/systemd/system/meminit-boot.service" &&
	grep -q '^After=local-fs.target' "$root/usr/lib/systemd/system/meminit-boot.service" &&
	pass "install: meminit-boot.service is a oneshot after local-fs running /usr/sbin/meminit collect" ||
	fail "install: meminit-boot.service" "ExecStart/Type/After wrong"
if command -v systemd-analyze >/dev/null; then
	# verify needs the binary at the unit's path: point it at the installed tree
	sed "s|/usr/sbin/meminit|$root/usr/sbin/meminit|" "$root/usr/lib/systemd/system/meminit-boot.service" \
		> "$out/meminit-boot.service"
	if systemd-analyze verify --man=no "$out/meminit-boot.service" > "$out/verify.log" 2>&1; then
		pass "install: systemd-analyze verify meminit-boot.service"
	else
		fail "install: systemd-analyze verify" "$(head -3 "$out/verify.log")"
	fi
fi
# The installed config is the one collect reads.
"$root/usr/sbin/meminit" collect --config "$root/etc/meminit/meminit.conf" --help >/dev/null &&
	sed -e "s|^archive_dir = .*|archive_dir = $out/arch|" -e "s|^textfile_dir = .*|textfile_dir =|" \
		"$root/etc/meminit/meminit.conf" > "$out/c.conf" &&
	"$root/usr/sbin/meminit" collect --config "$out/c.conf" --boot-id 1 \
		--dmesg "$TOP/tests/fixtures/6.12-2node-ftrace/dmesg.txt" >/dev/null 2>&1 &&
	[ -f "$out/arch/1.json" ] && pass "install: the shipped config parses and drives collect" ||
	fail "install: shipped config" "collect failed"

man8=$root/usr/share/man/man8/meminit.8
warn=$(LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -l "$man8" 2>&1 >/dev/null)
text=$(LC_ALL=C.UTF-8 MANWIDTH=200 man -l "$man8" 2>/dev/null)
if [ -z "$warn" ] && [ -n "$text" ]; then
	pass "man -l meminit.8 renders without warnings ($(echo "$text" | wc -l) lines)"
else
	fail "man -l meminit.8" "${warn:-empty output}"
fi
verbs=$($m --help | awk '/^Verbs:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
missing=""
for v in $verbs; do
	echo "$text" | grep -q "meminit $v" || missing="$missing $v"
	for o in $($m "$v" --help 2>&1 | grep -o -- '--[a-z][a-z-]*' | sort -u); do
		echo "$text" | grep -q -- "$o" || missing="$missing $v:$o"
	done
done
[ -z "$missing" ] && pass "man page: all $(echo $verbs | wc -w) verbs and every option of their --help" ||
	fail "man page covers every verb and option" "missing:$missing"
echo "$text" | grep -q "EXIT STATUS" && pass "man page: exit status documented" ||
	fail "man page: exit status" "missing"

v=$(cat "$TOP/VERSION")
[ "$($m --version)" = "meminit $v" ] && pass "meminit --version = VERSION ($v)" ||
	fail "meminit --version" "$($m --version)"
$m help export | grep -q '^Usage: meminit export' && $m help fleet | grep -q '^Usage: meminit fleet' &&
	pass "meminit help VERB" || fail "meminit help VERB" "no usage"
$m help nosuchverb 2>/dev/null
[ $? = 2 ] && pass "meminit help of an unknown verb exits 2" || fail "help unknown verb" "exit status"
comp=$(PATH="$(dirname "$m"):$PATH" bash -c '. "$1"; COMP_WORDS=(meminit exp); COMP_CWORD=1; _meminit;
	echo "${COMPREPLY[*]}"; COMP_WORDS=(meminit export --format ""); COMP_CWORD=3; _meminit;
	echo "${COMPREPLY[*]}"' _ "$root/usr/share/bash-completion/completions/meminit")
[ "$comp" = "$(printf 'export\nprom csv html json')" ] && pass "bash completion: verbs and export formats" ||
	fail "bash completion" "$comp"
