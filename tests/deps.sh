#!/bin/sh
# Install every build and test dependency meminit needs on Debian 12, then
# check that every program and Python module the build, the tests and the
# benchmarks call is there. Installs nothing (and needs no network) when all
# packages are present; a missing program is named on one line each and
# fails, so a test never runs into "command not found" and reads it as an
# empty result.
#
#   deps.sh            install what is missing, then check
#   deps.sh --check    only check (exit 1 naming what is missing)
set -eu

# One line per package: the package, then what the project calls from it: a
# program, an absolute path, or "py:MODULE", a module of Debian's
# /usr/bin/python3 (the one checkpatch runs: test_patched.sh puts /usr/bin
# first in PATH). A package with nothing listed is a library or data the
# build or a guest needs.
TABLE='
make            make
gcc             gcc cc
clang           clang
llvm            llvm-strip
bpftool         bpftool
libbpf-dev
libelf-dev
zlib1g-dev
libzstd-dev
libjson-c-dev
libc6-dev
pkg-config      pkg-config
binutils        ar objdump
qemu-system-x86 qemu-system-x86_64
busybox-static  /bin/busybox
cpio            cpio
kexec-tools     kexec
jq              jq
zstd            zstd
xz-utils        xz
kmod            modinfo
linux-perf      perf
libclang-rt-14-dev
cppcheck        cppcheck
clang-tidy      clang-tidy
linux-source-6.12 /usr/src/linux-source-6.12.tar.xz
ccache          ccache
dwarves         pahole
flex            flex
bison           bison
bc              bc
libssl-dev
python3         /usr/bin/python3
python3-ply     py:ply
python3-git     py:git
prometheus      promtool prometheus
chromium        chromium
man-db          man
groff-base      groff
git             git
perl            perl
e2fsprogs       mkfs.ext4 debugfs
util-linux      setpriv flock
bpftrace        bpftrace
valgrind        valgrind
time            /usr/bin/time
systemd         systemd-analyze
ovmf            /usr/share/ovmf/OVMF.fd
gzip            gzip
dpkg-dev        dpkg-buildpackage
debhelper       dh
lintian         lintian
mmdebstrap      mmdebstrap
curl            curl
gcc-aarch64-linux-gnu aarch64-linux-gnu-gcc
libbpf-dev:arm64 /usr/lib/aarch64-linux-gnu/libbpf.a
libelf-dev:arm64 /usr/lib/aarch64-linux-gnu/libelf.a
zlib1g-dev:arm64 /usr/lib/aarch64-linux-gnu/libz.a
libzstd-dev:arm64 /usr/lib/aarch64-linux-gnu/libzstd.a
libjson-c-dev:arm64 /usr/lib/aarch64-linux-gnu/libjson-c.a
libfdt-dev:arm64 /usr/lib/aarch64-linux-gnu/libfdt.a
qemu-user-static qemu-aarch64-static
qemu-system-arm qemu-system-aarch64
'
# The :arm64 packages are the cross build's (make ARCH=arm64) libraries,
# through dpkg's foreign architecture. Never busybox-static:arm64: it would
# replace this machine's /bin/busybox, which the x86 guests boot with.
# libfdt (arm64's kexec_load loader edits the device tree) only for arm64:
# its -dev package is not multi-arch, so the host's and arm64's exclude
# each other, and x86's loader needs none.

pkgs=$(printf '%s\n' "$TABLE" | awk 'NF { print $1 }')

# check: print one line per missing program or module; exit 1 if any.
check() {
	printf '%s\n' "$TABLE" | while read -r pkg progs; do
		[ -n "$pkg" ] || continue
		for p in $progs; do
			case "$p" in
			py:*) /usr/bin/python3 -c "import ${p#py:}" 2>/dev/null && continue ;;
			/*) [ -e "$p" ] && continue ;;
			*) command -v "$p" >/dev/null 2>&1 && continue ;;
			esac
			echo "meminit: missing ${p#py:} (Debian package $pkg; make deps installs it)"
		done
	done | { missing=$(cat); [ -z "$missing" ] || { printf '%s\n' "$missing" >&2; exit 1; }; }
}

if [ "${1:-}" = --check ]; then
	check
	exit
fi

missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q '^install ok installed$' ||
		missing="$missing $p"
done
if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "meminit: make deps: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "  APT     $missing"
	export DEBIAN_FRONTEND=noninteractive
	case "$missing" in *:arm64*)
		dpkg --print-foreign-architectures | grep -qx arm64 || dpkg --add-architecture arm64 ;;
	esac
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi
check
