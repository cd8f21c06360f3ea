#!/bin/bash
# make lint: cppcheck and clang-tidy on the committed C sources. Nothing may
# be left unexplained: cppcheck.supp and clang-tidy.known give each
# suppression its reason. Exit 0 only when no finding remains.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top"
here=tests/lint
# the layers of cli/, one include folder each (as the Makefile's CLI_DIRS)
cli_inc=$(for d in lib source model output runs cmd; do printf -- '-Icli/%s ' "$d"; done)
mapfile -t srcs < <(git ls-files 'cli/*/*.c' 'tests/unit/*.c' 'tests/fuzz/*.c' 'tests/cli/*.c')
[ -f build/live.skel.h ] || make --no-print-directory -s build/live.skel.h build/probe.skel.h >/dev/null ||
	{ echo "lint: cannot build the skeletons (make)"; exit 1; }
found=0

# cppcheck: every check but unusedFunction (the library's API is used by
# tests and by verbs in other files; cppcheck sees one file at a time here).
supp=$(mktemp)
trap 'rm -f "$supp"' EXIT
grep -Ev '^(#|$)' $here/cppcheck.supp > "$supp"	# cppcheck takes no comments
out=$(cppcheck --quiet --enable=warning,style,performance,portability --std=c11 \
	--error-exitcode=3 --inline-suppr --suppressions-list="$supp" -D__x86_64__ -D_GNU_SOURCE \
	-DFIXTURES='""' $cli_inc -Ibuild -Itests/unit -Itests/fuzz -j2 \
	--template='{file}:{line}: {severity}({id}): {message}' "${srcs[@]}" 2>&1)
rc=$?
if [ -n "$out" ] || [ $rc != 0 ]; then
	echo "$out"
	n=$(echo "$out" | grep -c ': .*(.*): ')
	[ "$n" = 0 ] && n=1	# cppcheck itself failed
	found=$((found + n))
fi
echo "cppcheck: ${#srcs[@]} files, $found findings"

# clang-tidy: the static analyzer and bugprone checks that find real bugs.
# Left out, with reasons: easily-swappable-parameters and reserved-identifier
# (style; LLVMFuzzerTestOneInput and kernel __u32 names), narrowing-conversions
# (u64 counts to double for rates is intended, dozens of sites),
# suspicious-string-compare (kernel style writes !strcmp()), and the
# DeprecatedOrUnsafeBufferHandling analyzer check (asks for Annex K *_s
# functions, which glibc does not have).
checks='-*,clang-analyzer-*,bugprone-*,-bugprone-easily-swappable-parameters,-bugprone-reserved-identifier,-bugprone-narrowing-conversions,-bugprone-suspicious-string-compare,-clang-analyzer-security.insecureAPI.DeprecatedOrUnsafeBufferHandling'
tidy_one() {
	clang-tidy --quiet --checks="$checks" --header-filter="^$top/(cli|tests)/" "$@" -- \
		-std=gnu11 -D_GNU_SOURCE -DMEMINIT_VERSION='""' -DFIXTURES='""' \
		$cli_inc -Ibuild -Itests/unit -Itests/fuzz 2>&1
}
export -f tidy_one
export checks top cli_inc
raw=$(printf '%s\n' "${srcs[@]}" | xargs -P2 -n4 bash -c 'tidy_one "$@"' _ |
	grep -E '^[^ ].*: (warning|error): ' | sed "s|^$top/||" | sort -u)
tidy=0
while IFS= read -r f; do
	[ -z "$f" ] && continue
	file=${f%%:*}
	check=$(echo "$f" | sed -n 's/.*\[\([^]]*\)\]$/\1/p')
	known=0
	while IFS='|' read -r kf kc km _; do
		case $kf in ''|'#'*) continue ;; esac
		if [[ $file == $kf ]] && [ "$kc" = "$check" ] && [[ $f == *"$km"* ]]; then
			known=1
			break
		fi
	done < $here/clang-tidy.known
	[ $known = 1 ] && continue
	echo "$f"
	tidy=$((tidy + 1))
done <<< "$raw"
echo "clang-tidy: ${#srcs[@]} files, $tidy findings not explained in $here/clang-tidy.known"
found=$((found + tidy))
[ $found = 0 ]
