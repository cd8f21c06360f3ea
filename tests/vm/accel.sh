#!/bin/sh
# Print the QEMU accelerator the testbed should use: kvm when a quick probe
# shows that KVM boots a guest to its init, tcg,thread=multi otherwise (nested
# KVM on these machines hangs at boot). The answer is cached per host kernel
# and QEMU version.
set -eu
cache=${MEMINIT_CACHE:-/var/cache/meminit}
mkdir -p "$cache"
key="$cache/accel-$(uname -r)-$(qemu-system-x86_64 --version | head -n1 | tr -cd '0-9.')"
if [ -n "${MEMINIT_ACCEL:-}" ]; then echo "$MEMINIT_ACCEL"; exit 0; fi
if [ -f "$key" ]; then cat "$key"; exit 0; fi
answer=tcg,thread=multi
if [ -w /dev/kvm ]; then
	here=$(cd "$(dirname "$0")" && pwd)
	img=$("$here/kernel.sh" path 6.12)
	tmp=$(mktemp -d)
	mkdir -p "$tmp/r/bin"
	cp /bin/busybox "$tmp/r/bin/"
	printf '#!/bin/busybox sh\necho KVM-PROBE-OK\n/bin/busybox poweroff -f\n' > "$tmp/r/init"
	chmod +x "$tmp/r/init"
	(cd "$tmp/r" && find . | cpio -o -H newc --quiet | gzip -1) > "$tmp/i.gz"
	timeout 25 qemu-system-x86_64 -accel kvm -m 512M -kernel "$img" -initrd "$tmp/i.gz" \
		-append "console=ttyS0 panic=-1 quiet" -display none -serial "file:$tmp/log" \
		-no-reboot >/dev/null 2>&1 || true
	grep -q KVM-PROBE-OK "$tmp/log" 2>/dev/null && answer=kvm
	rm -rf "$tmp"
fi
echo "$answer" > "$key"
echo "$answer"
