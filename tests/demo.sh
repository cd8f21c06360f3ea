#!/bin/bash
# make demo: boot a 2-node guest on the stock Debian 6.12 kernel under QEMU,
# with a 1 GiB DIMM coldplugged on node 1 and left offline, run
# 'meminit report' and 'meminit hotplug --node 1' inside it, and print what
# they printed.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)
out=${MEMINIT_DEMO_OUT:-$top/build/demo}
script=$(mktemp)
trap 'rm -f "$script"' EXIT
cat > "$script" <<'GUEST'
echo "### meminit check"
meminit check
echo
echo "### meminit report"
meminit report
echo
echo "### meminit hotplug --node 1"
meminit hotplug --node 1
GUEST
echo "meminit demo: booting Debian $("$top/tests/vm/kernel.sh" version 6.12) on 2 emulated NUMA nodes" \
	"(3 GiB + 1 GiB, 2 vCPUs, +1 GiB offline DIMM on node 1) under QEMU; about a minute."
rm -rf "$out"
if ! "$top/tests/vm/guest.sh" --kernel 6.12 --nodes 3G,1G --node-cpus 1,1 --maxmem 8G \
	--append "memhp_default_state=offline" \
	--qemu "-object memory-backend-ram,id=dimm1,size=1G -device pc-dimm,id=d1,memdev=dimm1,node=1" \
	--out "$out" "$script"; then
	echo "meminit demo: the guest run failed; its console log is $out/console.log" >&2
	exit 1
fi
tr -d '\r' < "$out/console.log" | sed -n '/^=== MEMINIT-GUEST-START/,/^=== MEMINIT-GUEST-RC/p' | sed '1d;$d'
echo
echo "(guest console log: $out/console.log)"
