#!/bin/bash
# The distribution guest (issue 16): a Debian 12 root (tests/distro/root.sh)
# with meminit's .deb installed, booted with systemd as init under QEMU.
#
#   guest.sh image DEB IMG            disk image: the root, the .deb, the test unit
#   guest.sh start IMG DIR [options]  boot it in the background (DIR: console.log,
#                                     qemu.pid, monitor socket)
#       --nodes 1G,1G  --node-cpus 1,1  --port P (node_exporter on 127.0.0.1:P)
#       --append "ARGS"
#   guest.sh wait DIR PATTERN SECS    wait for PATTERN on the serial console
#   guest.sh stop DIR [SECS]          ACPI power button, wait for QEMU to exit
#   guest.sh fetch IMG PATH DEST      copy PATH out of the (stopped) guest's disk
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$here/../.." && pwd)

image() {
	local deb=$1 img=$2 tar r
	tar=$("$here/root.sh") || exit 1
	r=$(mktemp -d)
	# Nothing is mounted under $r (dpkg runs in a plain chroot), so it can go.
	trap 'findmnt -rn -o TARGET | grep -q "^$r/" || rm -rf "$r"' RETURN
	tar -x -C "$r" -f "$tar"
	cp "$deb" "$r/tmp/meminit.deb"
	# The package's own maintainer scripts enable meminit-boot.service.
	chroot "$r" dpkg -i /tmp/meminit.deb > "$img.dpkg.log" 2>&1 ||
		{ tail -n 5 "$img.dpkg.log" >&2; echo "guest.sh: dpkg -i failed" >&2; return 1; }
	rm "$r/tmp/meminit.deb"
	install -D -m 0755 "$here/guest-files/report.sh" "$r/usr/local/lib/meminit-test/report.sh"
	install -D -m 0644 "$here/guest-files/meminit-test-report.service" \
		"$r/etc/systemd/system/meminit-test-report.service"
	ln -sf /etc/systemd/system/meminit-test-report.service \
		"$r/etc/systemd/system/multi-user.target.wants/meminit-test-report.service"
	# The kernel and initramfs beside the image: QEMU boots them directly.
	cp -L "$r/vmlinuz" "$img.vmlinuz"
	cp -L "$r/initrd.img" "$img.initrd"
	rm -f "$img"
	mkfs.ext4 -q -F -L root -d "$r" "$img" 3G
}

start() {
	local img=$1 dir=$2 nodes=1G node_cpus="" port=0 append="" i mb c ncpu=0 total=0 numa=()
	shift 2
	while [ $# -gt 0 ]; do
		case $1 in
		--nodes) nodes=$2 ;; --node-cpus) node_cpus=$2 ;;
		--port) port=$2 ;; --append) append=$2 ;;
		*) echo "guest.sh start: unknown option $1" >&2; return 2 ;;
		esac
		shift 2
	done
	mkdir -p "$dir"
	IFS=, read -r -a sizes <<< "$nodes"
	IFS=, read -r -a cpus <<< "${node_cpus:-}"
	for i in "${!sizes[@]}"; do
		mb=${sizes[$i]%G}; mb=$((mb * 1024))
		c=${cpus[$i]:-1}
		local cpuarg=""
		[ "$c" -gt 0 ] && cpuarg=",cpus=$ncpu-$((ncpu + c - 1))"
		ncpu=$((ncpu + c))
		if [ "$mb" -gt 0 ]; then
			numa+=(-object "memory-backend-ram,id=m$i,size=${mb}M" -numa "node,nodeid=$i$cpuarg,memdev=m$i")
		else
			numa+=(-numa "node,nodeid=$i$cpuarg")
		fi
		total=$((total + mb))
	done
	local net=(-nic none)
	[ "$port" -gt 0 ] && net=(-nic "user,model=virtio-net-pci,hostfwd=tcp:127.0.0.1:$port-:9100")
	qemu-system-x86_64 -accel "$("$top/tests/vm/accel.sh")" -cpu max -m "${total}M" -smp "$ncpu" "${numa[@]}" \
		-kernel "$img.vmlinuz" -initrd "$img.initrd" \
		-append "root=/dev/vda rw console=ttyS0 panic=-1 $append" \
		-drive "file=$img,format=raw,if=virtio,cache=unsafe" "${net[@]}" \
		-display none -serial "file:$dir/console.log" -monitor "unix:$dir/mon.sock,server,nowait" \
		-no-reboot -pidfile "$dir/qemu.pid" -daemonize
}

wait_for() {
	local dir=$1 pat=$2 secs=$3 t=0
	while [ $t -lt "$secs" ]; do
		grep -q -- "$pat" "$dir/console.log" 2>/dev/null && return 0
		kill -0 "$(cat "$dir/qemu.pid" 2>/dev/null)" 2>/dev/null || { echo "guest.sh: QEMU exited" >&2; return 1; }
		sleep 2; t=$((t + 2))
	done
	echo "guest.sh: no '$pat' on the console in $secs s" >&2
	return 1
}

monitor() {	# monitor DIR COMMAND
	python3 - "$1/mon.sock" "$2" <<'PY'
import socket, sys, time
s = socket.socket(socket.AF_UNIX)
s.connect(sys.argv[1])
s.sendall((sys.argv[2] + "\n").encode())
time.sleep(0.5)
s.close()
PY
}

stop() {
	local dir=$1 secs=${2:-180} pid t=0
	pid=$(cat "$dir/qemu.pid" 2>/dev/null) || return 0
	kill -0 "$pid" 2>/dev/null || return 0
	monitor "$dir" system_powerdown || true
	while kill -0 "$pid" 2>/dev/null && [ $t -lt "$secs" ]; do sleep 2; t=$((t + 2)); done
	if kill -0 "$pid" 2>/dev/null; then
		echo "guest.sh: no clean shutdown in $secs s; QEMU stopped" >&2
		kill "$pid"
		return 1
	fi
}

fetch() {
	mkdir -p "$3"
	debugfs -R "rdump $2 $3" "$1" > /dev/null 2>&1
	[ -e "$3/$(basename "$2")" ] || { echo "guest.sh: no $2 on $1" >&2; return 1; }
}

cmd=${1:-}; shift || true
case "$cmd" in
image) image "$@" ;;
start) start "$@" ;;
wait) wait_for "$@" ;;
stop) stop "$@" ;;
fetch) fetch "$@" ;;
*) sed -n '2,/^set -euo/p' "$0" | sed '$d'; exit 2 ;;
esac
