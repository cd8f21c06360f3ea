#!/bin/bash
# Build the patched test kernel reproducibly: Debian's linux-source-6.12,
# the series in kernel-patches/ (git am), tinyconfig plus
# kernel-patches/config/meminit.config and the architecture's fragment
# (config/x86_64.config, config/arm64.config). Results are cached outside
# the repo under $MEMINIT_CACHE/patched/<hash of every input>/, so a second
# run does not rebuild. Prints the cache directory on stdout as its last
# line; it holds bzImage (x86_64) or Image (arm64), vmlinux and config.
#
#   build.sh [--off] [--arch x86_64|arm64]
#       --off: the same tree with CONFIG_MEMINIT_STATS=n
#       --arch: the kernel's architecture (default: x86_64); arm64 is
#               cross-built with aarch64-linux-gnu-gcc on any other host
#   MEMINIT_SERIES=none      the same tree without the series
#   MEMINIT_SERIES=NAME      experiments/NAME/series instead of ./series
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
cache=${MEMINIT_CACHE:-/var/cache/meminit}
variant=on arch=x86_64
while [ $# -gt 0 ]; do
	case "$1" in
	--off) variant=off ;;
	--arch) [ $# -ge 2 ] || { echo "build.sh: --arch needs a value (x86_64 or arm64)" >&2; exit 2; }
		arch=$2; shift ;;
	*) echo "build.sh: unknown argument '$1' (--off, --arch x86_64|arm64)" >&2; exit 2 ;;
	esac
	shift
done
# The kernel's make variables for the architecture, its image and objects.
kvars=() cross=""
case "$arch" in
x86_64|x86|amd64)
	arch=x86_64 image=bzImage imgpath=arch/x86/boot/bzImage objdir=build-meminit
	[ "$(uname -m)" = x86_64 ] || cross=x86_64-linux-gnu- ;;
arm64|aarch64)
	arch=arm64 image=Image imgpath=arch/arm64/boot/Image objdir=build-meminit-arm64
	[ "$(uname -m)" = aarch64 ] || cross=aarch64-linux-gnu- ;;
*) echo "build.sh: --arch '$arch': x86_64 or arm64" >&2; exit 2 ;;
esac
if [ -n "$cross" ]; then
	command -v "${cross}gcc" > /dev/null ||
		{ echo "build.sh: ${cross}gcc missing (make deps)" >&2; exit 1; }
	kvars=(ARCH="$arch" CROSS_COMPILE="$cross")
fi
tarball=/usr/src/linux-source-6.12.tar.xz
[ -f "$tarball" ] || { echo "build.sh: $tarball missing (apt-get install linux-source-6.12)" >&2; exit 1; }
srcver=$(dpkg-query -W -f='${Version}' linux-source-6.12)

# MEMINIT_SERIES=none builds the same tree unpatched, for comparisons;
# MEMINIT_SERIES=NAME the experiment in experiments/NAME/: its series file
# lists, relative to kernel-patches/, the changes under study and the
# meminit series as rebased on them (experiments/README.md).
series=() series_file=$here/series label_series=""
case "${MEMINIT_SERIES:-}" in
""|none) ;;
*[!a-z0-9-]*) echo "build.sh: MEMINIT_SERIES='$MEMINIT_SERIES': none or an experiment name" >&2; exit 2 ;;
*)	series_file=$here/experiments/$MEMINIT_SERIES/series label_series=$MEMINIT_SERIES
	[ -f "$series_file" ] || { echo "build.sh: no experiment '$MEMINIT_SERIES' ($series_file)" >&2; exit 2; } ;;
esac
[ -f "$series_file" ] && [ "${MEMINIT_SERIES:-}" != none ] &&
	mapfile -t series < <(grep -v '^\s*#' "$series_file" | sed '/^\s*$/d')
for p in "${series[@]}"; do
	[ -f "$here/$p" ] || { echo "build.sh: $series_file names $p, which is not in kernel-patches/" >&2; exit 2; }
done
frags=("$here/config/meminit.config" "$here/config/$arch.config")
key=$( { echo "$srcver $variant $arch"; cat "$here/build.sh" "${frags[@]}";
	for p in "${series[@]}"; do cat "$here/$p"; done; } | sha256sum | cut -c1-16)
out=$cache/patched/$key
print_if_cached() {
	[ -f "$out/$image" ] && [ -f "$out/vmlinux" ] || return 0
	echo "build.sh: cached ($arch $srcver, ${label_series:+$label_series: }${#series[@]} patches, CONFIG_MEMINIT_STATS $variant)" >&2
	echo "$out"
	exit 0
}
print_if_cached

# One persistent tree: reset to the pristine base, then apply the series,
# so make only rebuilds what the patches touch. One build at a time; a
# caller that waited for another (make test builds ahead in the background)
# finds its kernel cached once it has the lock.
# Git tracks only the files some patch of the series touches (a commit of
# the whole tree costs a fresh machine half a minute of CPU and 600 MB of
# writes): a file no patch has touched is as the tarball left it, so one a
# new series touches is added to the base as it is.
tree=$cache/src/linux-6.12
mkdir -p "$cache"
exec 9> "$cache/kernel-build.lock"
flock 9
print_if_cached
gitc() { git -C "$tree" -c user.name=meminit -c user.email=meminit@localhost "$@"; }
if [ ! -f "$tree/.meminit-base" ] || [ "$(cat "$tree/.meminit-base")" != "$srcver" ]; then
	echo "build.sh: unpacking linux-source-6.12 $srcver" >&2
	rm -rf "$tree" && mkdir -p "$tree"
	tar -xJf "$tarball" -C "$tree" --strip-components=1
	rm -rf "$tree/.git"
	gitc init -q
	gitc commit -q --allow-empty -m "linux-source-6.12 $srcver"
	gitc tag -f base >/dev/null
	echo "$srcver" > "$tree/.meminit-base"
fi
# The tree the series gives is made in an index of its own and checked out
# from whatever the last build left there: git rewrites only the files that
# differ, so only they get new times (what make goes by). Switching between
# variants and experiments recompiles the users of what changed, not the
# users of every header the series touches.
gitc am --abort >/dev/null 2>&1 || true		# a tree from before this scheme
idx=$tree/.git/meminit-index
export GIT_INDEX_FILE=$idx
gitc read-tree base
touched=()
for p in "${series[@]}"; do
	while read -r f; do
		# not in base, nor in the last build's tree (a file a patch created)
		[ -e "$tree/$f" ] && ! gitc ls-files --error-unmatch -- "$f" >/dev/null 2>&1 &&
			! gitc cat-file -e "HEAD:$f" 2>/dev/null && touched+=("$f")
	done < <(sed -n 's|^diff --git a/\(.*\) b/.*|\1|p' "$here/$p")
done
# checkpatch's SPDX check reads LICENSES/ through git (spdxcheck.py).
gitc cat-file -e base:LICENSES 2>/dev/null || touched+=(LICENSES)
if [ ${#touched[@]} -gt 0 ]; then
	# Never tracked means no patch ever changed it: pristine, into the base.
	gitc add -f -- "${touched[@]}"
	gitc tag -f base "$(gitc commit-tree "$(gitc write-tree)" -p base \
		-m "pristine files the series touches")" >/dev/null
fi
for p in "${series[@]}"; do
	gitc apply --cached "$here/$p" ||
		{ echo "build.sh: $p does not apply to linux-source-6.12 $srcver" >&2; exit 1; }
done
target=$(gitc commit-tree "$(gitc write-tree)" -p base -m "meminit build: ${label_series:-series} ${#series[@]} patches")
unset GIT_INDEX_FILE
rm -f "$idx"
gitc checkout -q -f --detach "$target"

# The variants (on, off, unpatched) differ in a few mm/ files and one config
# symbol, so they share one object directory: Kbuild's per-symbol config
# dependencies and the files' times make it recompile only what a variant
# changes (6 objects read CONFIG_MEMINIT_STATS; mm/internal.h's users when
# the series comes or goes), not the 1600 objects a directory of its own
# costs even through ccache's preprocessor mode. ccache makes a return to an
# earlier variant cheap; objects carry debug info, so the build directory
# must not be part of its hash.
# -fno-var-tracking: the debug info is there for pahole's BTF, which takes
# types and functions, not where a variable lives at each instruction;
# without GCC's location tracking each object compiles 10-15% faster
# (mm/page_alloc.c 2.58 -> 2.32 s) and its BTF is the same, type for type
# and function for function (checked on six objects with pahole 1.24). It
# changes no generated code.
kmake=(make -C "$tree" "${kvars[@]}" KCFLAGS=-fno-var-tracking)
# An experiment's kernel says which it is in its release string (uname -r,
# every report's "kernel"), so that a loop of variants shows which image
# each boot ran; only the version files recompile, the config is the same.
[ -n "$label_series" ] && kmake+=(LOCALVERSION="-$label_series")
if command -v ccache >/dev/null; then
	export CCACHE_DIR=${CCACHE_DIR:-$cache/ccache} CCACHE_BASEDIR=$tree CCACHE_NOHASHDIR=1
	export CCACHE_MAXSIZE=${CCACHE_MAXSIZE:-4G}
	# Depend mode: hash what the compiler's own -MMD lists instead of running
	# the preprocessor a second time on every miss (a fresh machine misses
	# on every file); the variants share objects through Kbuild, not ccache.
	export CCACHE_DEPEND=1
	kmake+=(CC="ccache ${cross}gcc")
	ccache -z >/dev/null
fi

obj=$tree/$objdir
mkdir -p "$obj"
"${kmake[@]}" O="$obj" -s tinyconfig >/dev/null
frag=$obj/meminit.config
cat "${frags[@]}" > "$frag"
[ "$variant" = off ] || [ ${#series[@]} = 0 ] &&
	sed -i -e 's/^CONFIG_MEMINIT_STATS=y/# CONFIG_MEMINIT_STATS is not set/' \
		-e '/^CONFIG_MEMINIT_STATS_/d' "$frag"
(cd "$obj" && "$tree/scripts/kconfig/merge_config.sh" -m -O "$obj" "$obj/.config" "$frag" >/dev/null)
"${kmake[@]}" O="$obj" -s olddefconfig >/dev/null
# Every option the fragment asks for must have landed (a missing dependency
# would otherwise drop it silently).
missing=0
while IFS= read -r line; do
	case "$line" in CONFIG_*=n) opt=${line%%=*}; grep -q "^$opt=" "$obj/.config" && { echo "build.sh: $opt still set" >&2; missing=1; } ;;
	CONFIG_*) grep -qx "$line" "$obj/.config" || { echo "build.sh: $line did not take (dependency?)" >&2; missing=1; } ;;
	esac
done < "$frag"
[ $missing = 0 ] || exit 1

start=$(date +%s)
label=$variant
[ ${#series[@]} = 0 ] && label=unpatched
[ -n "$label_series" ] && label="$label_series, $variant"
echo "build.sh: building ($arch, $label, ${#series[@]} patches) in $obj" >&2
if ! nice "${kmake[@]}" O="$obj" -j"$(nproc)" "$image" > "$obj/build.log" 2>&1; then
	tail -n 30 "$obj/build.log" >&2
	echo "build.sh: kernel build failed; full log in $obj/build.log" >&2
	exit 1
fi
secs=$(( $(date +%s) - start ))
mkdir -p "$out"
cp "$obj/$imgpath" "$out/$image.tmp" && mv "$out/$image.tmp" "$out/$image"
cp "$obj/.config" "$out/config"
cp "$obj/vmlinux" "$out/vmlinux.tmp" && mv "$out/vmlinux.tmp" "$out/vmlinux"
for p in "${series[@]}"; do
	sed -n '/^Subject: /{s/^Subject: \(\[PATCH[^]]*\] \)\?//;N;s/\n / /;s/\n.*//;p;q}' "$here/$p"
done > "$out/series.log"
echo "$secs" > "$out/build-seconds"
command -v ccache >/dev/null && ccache --print-stats 2>/dev/null |
	awk -F'\t' '$1 ~ /^(direct_cache_hit|preprocessed_cache_hit|cache_miss)$/ { printf "%s=%s ", $1, $2 }
		END { print "" }' > "$out/ccache-stats"
echo "build.sh: built in ${secs}s ($(cat "$out/ccache-stats" 2>/dev/null)): $out" >&2
echo "$out"
