#!/bin/bash
# needs: distro-root
# Issue 16, items 1-3: meminit as Debian users get it. The .deb that make
# deb builds from this tree (contents, conffile, lintian), installed by dpkg
# into a Debian 12 root (tests/distro/root.sh, mmdebstrap, cached), booted
# with systemd as init, Debian's stock 6.12 kernel, NUMA nodes and
# node_exporter: meminit-boot.service runs from the package at boot, and its
# journal, archive and textfile - and node_exporter's scrape of it - hold
# this boot's own numbers, against the kernel's zoneinfo and its lines.
# Then a fleet of four such guests (three of one shape, one of them booted
# with init_on_free=1, which zeroes all memory as deferred init frees it;
# one of another shape) scraped by a real Prometheus loading
# contrib/prometheus/meminit.rules.yml: the recorded s/TiB of every host
# and node, and the slow-host alert firing for the planted host only.
source "$(dirname "$0")/../lib.sh"

need_vm "distribution guest" || exit 0
o=$OUTROOT/distro
rm -rf "$o"
mkdir -p "$o"

# --- the package --------------------------------------------------------
if ! (cd "$TOP" && make -s deb) > "$o/deb.log" 2>&1; then
	fail "deb: make deb" "$(tail -n 3 "$o/deb.log" | tr '\n' ' ')"
	exit 0
fi
deb=$(ls "$TOP"/build/deb/meminit_*_amd64.deb)
ver=$(cat "$TOP/VERSION")
pass "deb: make deb built $(basename "$deb") ($(stat -c %s "$deb") bytes)"
dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|' > "$o/contents.txt"
missing=""
for f in /usr/sbin/meminit /lib/systemd/system/meminit-boot.service /lib/systemd/system/meminit-kexec.service \
	/usr/share/man/man8/meminit.8.gz /usr/share/bash-completion/completions/meminit \
	/usr/share/meminit/prometheus/meminit.rules.yml /usr/share/meminit/prometheus/meminit-federation.rules.yml \
	/usr/share/meminit/prometheus/meminit-global.rules.yml /etc/meminit/meminit.conf; do
	grep -qx "$f" "$o/contents.txt" || missing="$missing $f"
done
[ -z "$missing" ] && pass "deb: binary, both units, man page, completion, rules, config" ||
	fail "deb: contents" "missing:$missing"
dpkg-deb --ctrl-tarfile "$deb" | tar -xO ./conffiles > "$o/conffiles" 2>/dev/null
grep -qx /etc/meminit/meminit.conf "$o/conffiles" && pass "deb: /etc/meminit/meminit.conf is a conffile" ||
	fail "deb: conffile" "conffiles: $(tr '\n' ' ' < "$o/conffiles")"
[ "$(dpkg-deb -f "$deb" Version)" = "$ver" ] && pass "deb: version $ver = VERSION" ||
	fail "deb: version" "$(dpkg-deb -f "$deb" Version) against $ver"
# lintian as a user: it warns when run as root.
lintian -I --pedantic "$deb" > "$o/lintian.txt" 2>&1
tags=$(grep -E '^[EWIPX]: ' "$o/lintian.txt" | wc -l)
[ "$tags" = 0 ] && pass "deb: lintian --pedantic -I: no tag left (overrides in debian/ say why)" ||
	fail "deb: lintian" "$tags tags: $(grep -E '^[EWIPX]: ' "$o/lintian.txt" | head -3 | tr '\n' ' ')"

# --- the guest ----------------------------------------------------------
img=$o/disk.img
if ! "$TOP/tests/distro/guest.sh" image "$deb" "$img" > "$o/image.log" 2>&1; then
	fail "distro: root filesystem and image" "$(tail -n 3 "$o/image.log" | tr '\n' ' ')"
	exit 0
fi
pass "distro: Debian 12 root (mmdebstrap, cached) with the .deb installed by dpkg"
# Every guest its own copy of the fresh image, made before any boots.
for n in a b c d e; do
	cp --sparse=always "$img" "$o/disk-$n.img" && cp "$img.vmlinuz" "$o/disk-$n.img.vmlinuz" &&
		cp "$img.initrd" "$o/disk-$n.img.initrd" || { fail "distro: disk copies" "cp failed"; exit 0; }
done
# Four guests, one after another (two cores), all up at once for the scrape.
G="$TOP/tests/distro/guest.sh"
names=(a b c d)
shapes=(2G,1G 2G,1G 2G,1G 1G,1G,1G)
cpus=(1,1 1,1 1,1 1,1,1)
extra=("" "" "init_on_free=1" "")
planted=guest-c
base=$((19100 + RANDOM % 400 * 5))
booted=0
for i in 0 1 2 3; do
	n=${names[$i]} d=$o/run-${names[$i]} gi=$o/disk-${names[$i]}.img
	t0=$(date +%s)
	if "$G" start "$gi" "$d" --nodes "${shapes[$i]}" --node-cpus "${cpus[$i]}" --port $((base + i)) \
		--append "systemd.hostname=guest-$n ${extra[$i]}" > "$d.log" 2>&1 &&
		"$G" wait "$d" MEMINIT-TEST-READY 900 >> "$d.log" 2>&1; then
		booted=$((booted + 1))
		pass "distro: guest-$n (${shapes[$i]}${extra[$i]:+, ${extra[$i]}}): systemd boot to the test unit in $(( $(date +%s) - t0 )) s"
	else
		fail "distro: guest-$n: boot" "$(tail -n 2 "$d.log" | tr '\n' ' '); console: $(tail -n 3 "$d/console.log" | tr '\n' ' ')"
	fi
done
curl -s --max-time 30 "http://127.0.0.1:$base/metrics" > "$o/metrics.txt" ||
	fail "distro: scrape node_exporter" "curl 127.0.0.1:$base failed"

# --- a real Prometheus scrapes them -------------------------------------
[ $booted = 4 ] && source "$TOP/tests/distro/scrape.sh"

for n in "${names[@]}"; do
	"$G" stop "$o/run-$n" 300 >> "$o/run-$n.log" 2>&1 &&
		grep -q 'reboot: Power down' "$o/run-$n/console.log" ||
		fail "distro: guest-$n: clean shutdown" "$(tail -n 2 "$o/run-$n/console.log" | tr '\n' ' ')"
done
grep -q 'reboot: Power down' "$o/run-a/console.log" &&
	pass "distro: clean shutdown by systemd (ACPI power button)"
# Each kernel's own lines (not quiet here) from boot to power-off: no crash,
# warning, call trace or taint (tests/vm/console-scan.sh; systemd's own
# "System is tainted" is no kernel taint).
for n in "${names[@]}"; do
	[ ! -s "$o/run-$n/console.log" ] || console_clean "distro: guest-$n" "$o/run-$n/console.log"
done
[ $booted -gt 0 ] || exit 0

"$G" fetch "$o/disk-a.img" /var/tmp/meminit-test "$o" > /dev/null 2>&1
b=$(ls "$o/meminit-test" 2>/dev/null | head -n1)
g=$o/meminit-test/$b
[ -n "$b" ] && [ -f "$g/zoneinfo" ] || { fail "distro: results from the guest's disk" "none in $o/meminit-test"; exit 0; }

[ "$(cat "$g/dpkg-version")" = "$ver" ] && grep -q '/etc/meminit/meminit.conf' "$g/conffiles" &&
	pass "distro: dpkg in the guest has meminit $ver with its conffile" ||
	fail "distro: dpkg in the guest" "$(cat "$g/dpkg-version") $(cat "$g/conffiles")"
grep -q '^Result=success' "$g/unit.txt" && grep -q '^ExecMainStatus=0' "$g/unit.txt" &&
	pass "distro: meminit-boot.service ran at boot, enabled by the package, and succeeded" ||
	fail "distro: meminit-boot.service" "$(tr '\n' ' ' < "$g/unit.txt")"
grep -q 'meminit' "$g/unit-journal.txt" && ! grep -qi 'error\|failed' "$g/unit-journal.txt" &&
	pass "distro: its journal: $(grep -c . "$g/unit-journal.txt") lines, no error" ||
	fail "distro: the unit's journal" "$(grep -i 'error\|failed' "$g/unit-journal.txt" | head -2 | tr '\n' ' ')"

r=$g/report.json
[ -f "$r" ] && [ "$(jq -r '.schema + " " + .boot_id + " " + .host' "$r")" = "meminit-report $b guest-a" ] &&
	pass "distro: the archive holds this boot's report (boot id $b, host guest-a)" ||
	fail "distro: archive" "$(cat "$g/archive-ls.txt" | tr '\n' ' ')"
# Pages per node: the report against this boot's zoneinfo, exactly.
ok=1 n=0
while read -r id want; do
	n=$((n + 1))
	got=$(jq -r --argjson n "$id" '.nodes[] | select(.id == $n) | .present_pages' "$r")
	[ "$got" = "$want" ] || { ok=0; echo "    node $id: report $got, zoneinfo $want"; }
done < <(awk '/^Node/ {n = $2 + 0} $1 == "present" {s[n] += $2} END {for (i in s) if (s[i]) print i, s[i]}' "$g/zoneinfo")
[ $n -gt 0 ] && [ $ok = 1 ] && pass "distro: present pages of $n nodes = zoneinfo" || fail "distro: pages per node" "mismatch"
samples() { "$TOP/tests/tools/prom-samples.py" "$1" meminit_; }
# ms_of FILE NODE: meminit_phase_wall_seconds of deferred init on NODE, in ms.
ms_of() {
	samples "$1" | awk -v m="meminit_phase_wall_seconds{node=\"$2\",phase=\"deferred\"}" '$1 == m {print $2 * 1000}'
}
# Deferred init per node: the archive, the textfile and node_exporter's
# scrape against the kernel's own line in this boot's journal.
ok=1 n=0
while read -r id ms; do
	n=$((n + 1))
	a=$(jq -r --argjson n "$id" '.nodes[] | select(.id == $n) | .deferred_init_ms' "$r")
	p=$(ms_of "$g/meminit.prom" "$id")
	s=$(ms_of "$o/metrics.txt" "$id")
	echo "    node $id: kernel line $ms ms, archive $a, textfile $p, node_exporter $s"
	[ "$a" = "$ms" ] && [ "$p" = "$ms" ] && [ "$s" = "$ms" ] || ok=0
done < <(sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/\1 \2/p' "$g/kernel-journal.txt")
[ $n -gt 0 ] && [ $ok = 1 ] &&
	pass "distro: deferred ms of $n nodes: archive = textfile = node_exporter's scrape = the kernel's journal line" ||
	fail "distro: deferred per node" "$n nodes; see above"
# Every meminit series of the textfile is served by node_exporter, same value.
nser=$(samples "$g/meminit.prom" | wc -l)
diff <(samples "$g/meminit.prom" | sort) <(samples "$o/metrics.txt" | sort) > "$o/prom.diff" && [ "$nser" -gt 0 ] &&
	pass "distro: node_exporter serves all $nser meminit series of the textfile, unchanged" ||
	fail "distro: node_exporter's scrape" "$nser series in the textfile; see $o/prom.diff"

# --- item 4: a kexec loop under systemd ------------------------------------
# A fifth guest starts a loop of 4 runs; meminit-kexec.service (enabled by
# then) collects each boot and asks systemd to kexec into the next, so
# systemd shuts down cleanly between boots and every boot's journal stays.
runs=4
ke=$o/disk-e.img
t0=$(date +%s)
if "$G" start "$ke" "$o/run-e" --nodes 2G,1G --node-cpus 1,1 \
	--append "systemd.hostname=guest-e meminit_test_kexec=$runs" > "$o/run-e.log" 2>&1 &&
	"$G" wait "$o/run-e" MEMINIT-TEST-READY 1200 >> "$o/run-e.log" 2>&1; then
	pass "kexec: a loop of $runs kexec boots under systemd, to its end in $(( $(date +%s) - t0 )) s"
else
	fail "kexec: loop" "$(tail -n 2 "$o/run-e.log" | tr '\n' ' '); console: $(tail -n 3 "$o/run-e/console.log" | tr '\n' ' ')"
fi
"$G" stop "$o/run-e" 300 >> "$o/run-e.log" 2>&1
[ ! -s "$o/run-e/console.log" ] || console_clean "kexec: every boot of the loop" "$o/run-e/console.log"
rm -rf "$o/e"
"$G" fetch "$ke" /var/tmp/meminit-test "$o/e" > /dev/null 2>&1
ge=$(grep -l . "$o"/e/meminit-test/*/stats.json 2> /dev/null | head -n1 | xargs -r dirname)
if [ -z "$ge" ]; then
	fail "kexec: results" "no stats.json from the loop's last boot in $o/e"
	exit 0
fi
grep -q 'done' "$ge/kexec-status.txt" && pass "kexec: meminit kexec --status: $(grep -m1 -o '[0-9]* of [0-9]* runs[^.]*' "$ge/kexec-status.txt" || head -n1 "$ge/kexec-status.txt")" ||
	fail "kexec: status" "$(head -n 3 "$ge/kexec-status.txt" | tr '\n' ' ')"
# Every boot's journal kept: the cold boot, the loop's runs, the last one.
nboots=$(ls "$ge" | grep -c '^kernel-[0-9a-f]\{32\}\.txt$')
[ "$nboots" = $((runs + 1)) ] && pass "kexec: the journal keeps all $nboots boots (the cold one and the $runs runs)" ||
	fail "kexec: journals" "$nboots boots in the journal ($(tr '\n' ';' < "$ge/boots.txt"))"
# systemd shut each boot down before kexec: every boot but the last ran
# systemd-kexec.service, and systemd-shutdown's final stage stopped the journal.
clean=0
for j in "$ge"/journal-*.txt; do
	grep -q 'Starting systemd-kexec.service' "$j" && grep -q 'systemd-shutdown\[1\]: Sending SIGTERM' "$j" &&
		grep -q 'Journal stopped' "$j" && clean=$((clean + 1))
done
[ "$clean" = "$runs" ] && pass "kexec: $clean boots shut down by systemd into kexec (systemd-kexec.service, systemd-shutdown, journal stopped)" ||
	fail "kexec: clean shutdowns" "$clean boots shut down by systemd into kexec, want $runs"
# meminit stats on the loop = the kernel's line of each run's boot journal.
ok=1 n=0
for rj in "$ge"/loop/runs/run-*.json; do
	id=$(jq -r '.boot_id // .report.boot_id // empty' "$rj" | tr -d '-')
	k=$ge/kernel-$id.txt
	[ -f "$k" ] || { ok=0; echo "    $(basename "$rj"): no journal for boot '$id'"; continue; }
	n=$((n + 1))
	echo "    $(basename "$rj") boot $id: $(sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/node \1 \2 ms/p' "$k" | tr '\n' ' ')"
done
want=$(for rj in "$ge"/loop/runs/run-*.json; do
	id=$(jq -r '.boot_id // .report.boot_id // empty' "$rj" | tr -d '-')
	sed -n 's/.*node \([0-9]*\) deferred pages initialised in \([0-9]*\)ms.*/\1 \2/p' "$ge/kernel-$id.txt" 2> /dev/null
done | awk '{v[$1] = v[$1] " " $2} END {for (i in v) print i v[i]}' | sort)
got=$(jq -r '.variants[0].metrics[] | select(.phase | test("^deferred init \\(kernel line")) |
	"\(.node) \(.values_ms | map(tostring) | join(" "))"' "$ge/stats.json" | sort)
echo "    kernel lines per node: $(echo "$want" | tr '\n' ';')"
echo "    meminit stats:         $(echo "$got" | tr '\n' ';')"
[ $ok = 1 ] && [ "$n" = "$runs" ] && [ -n "$want" ] && [ "$want" = "$got" ] &&
	pass "kexec: meminit stats on the loop = the kernel's deferred line in each of the $runs boots' journals" ||
	fail "kexec: stats vs journals" "$n runs matched to journals; stats '$got' against '$want'"
