#!/bin/bash
# The experiment series (kernel-patches/experiments/NAME/series, issue 15)
# against the meminit series they carry: every file named is there; the
# meminit series follows the changes under study, whole and in its own
# order, each patch as it is or as a rebased copy of the same subject
# (experiments/NAME/meminit-NNNN-*.patch); the changes under study keep
# their upstream author and say where they come from. The kernel builds
# are tests/vm/test_case_deferred.sh's, checkpatch of the rebased copies
# tests/vm/test_patched.sh's.
source "$(dirname "$0")/../lib.sh"
T="experiments"
kp=$TOP/kernel-patches
subject() { sed -n '/^Subject: /{s/^Subject: \(\[PATCH[^]]*\] \)\?//;N;s/\n / /;s/\n.*//;p;q}' "$1"; }
main=$(grep -v '^\s*#' "$kp/series" | sed '/^\s*$/d')
n=0
for s in "$kp"/experiments/*/series; do
	[ -f "$s" ] || continue
	name=$(basename "$(dirname "$s")") n=$((n + 1))
	list=$(grep -v '^\s*#' "$s" | sed '/^\s*$/d')
	missing=$(while read -r p; do [ -f "$kp/$p" ] || echo "$p"; done <<< "$list")
	[ -z "$missing" ] && pass "$T: $name: the $(wc -l <<< "$list") patches its series names are there" ||
		fail "$T: $name: series" "missing: $(tr '\n' ' ' <<< "$missing")"

	# The meminit part: the main series, in order, each patch itself or
	# its rebased copy with the same subject.
	mine=$(grep -E '^[0-9]{4}-|/meminit-[0-9]{4}-' <<< "$list")
	paste -d' ' <(echo "$main") <(echo "$mine") | while read -r m e; do
		if [ "$m" = "$e" ]; then continue; fi
		# a rebased copy: .../meminit-NNNN-... with the main patch's NNNN
		if [ -z "$e" ] || [ "${e##*/meminit-}" = "$e" ] || [ "${e##*/meminit-}" = "${e##*/meminit-"${m%%-*}"-}" ] ||
			[ "$(subject "$kp/$m")" != "$(subject "$kp/$e")" ]; then
			echo "$m -> ${e:-nothing}"
		fi
	done > "$OUTROOT/experiments-$name.diff"
	bad=$(cat "$OUTROOT/experiments-$name.diff")
	[ "$(wc -l <<< "$mine")" = "$(wc -l <<< "$main")" ] && [ -z "$bad" ] &&
		pass "$T: $name: carries the meminit series whole and in order ($(grep -c /meminit- <<< "$mine") rebased)" ||
		fail "$T: $name: the meminit series" "$(wc -l <<< "$mine") of $(wc -l <<< "$main"); $(tr '\n' ';' <<< "$bad")"
	# Before it, the changes under study: upstream's author, and where from.
	first_mine=$(grep -nE '^[0-9]{4}-|/meminit-[0-9]{4}-' <<< "$list" | head -n1 | cut -d: -f1)
	study=$(head -n $((first_mine - 1)) <<< "$list" | sed '/^$/d')
	ok=1
	while read -r p; do
		[ -n "$p" ] || { ok=0; break; }
		grep -q '^From: meminit' "$kp/$p" && { ok=0; echo "    $p: meminit's own"; }
		grep -qE '^commit [0-9a-f]{12,40} upstream\.$|^Link: https://' "$kp/$p" ||
			{ ok=0; echo "    $p: no 'commit ... upstream.' or Link: line"; }
	done <<< "$study"
	[ $ok = 1 ] && [ -n "$study" ] &&
		pass "$T: $name: $(wc -l <<< "$study") changes under study first, each with its upstream author and origin" ||
		fail "$T: $name: changes under study" "see above"
done
[ $n -gt 0 ] || fail "$T" "no kernel-patches/experiments/*/series"
exit 0
