#!/bin/bash
# Regenerate the series from a kernel tree whose branch holds it on top of
# the tag "base" (linux-source-6.12 as unpacked by build.sh):
#   format.sh TREE
# The cover letter's subject and text come from cover-letter.txt (first line
# is the subject).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
tree=${1:?usage: format.sh KERNEL-TREE}
rm -f "$here"/0*.patch
git -C "$tree" format-patch -q --cover-letter -o "$here" base..HEAD
(cd "$here" && ls 0*.patch | grep -v '^0000-' > series)
subject=$(head -n1 "$here/cover-letter.txt")
tail -n +3 "$here/cover-letter.txt" > "$here/.blurb"
awk -v subj="$subject" -v blurb="$here/.blurb" '
	/\*\*\* SUBJECT HERE \*\*\*/ { sub(/\*\*\* SUBJECT HERE \*\*\*/, subj) }
	/^\*\*\* BLURB HERE \*\*\*$/ { while ((getline l < blurb) > 0) print l; next }
	{ print }' "$here/0000-cover-letter.patch" > "$here/.cover"
mv "$here/.cover" "$here/0000-cover-letter.patch"
rm -f "$here/.blurb"
echo "format.sh: $(wc -l < "$here/series") patches and the cover letter in $here"
