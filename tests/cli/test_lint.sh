#!/bin/bash
# make lint inside make test: cppcheck and clang-tidy on every C file of
# meminit, each finding explained in tests/lint/ or a failure.
source "$(dirname "$0")/../lib.sh"
for t in cppcheck clang-tidy; do
	command -v $t > /dev/null || { skip_missing deps "lint" "$t missing (make deps)"; exit 0; }
done
if "$TOP/tests/lint/run.sh" > "$OUTROOT/lint.txt" 2>&1; then
	pass "lint: $(grep -E '^(cppcheck|clang-tidy):' "$OUTROOT/lint.txt" | paste -sd';' | sed 's/;/; /')"
else
	fail "lint" "$(grep -vE '^(cppcheck|clang-tidy):|^make' "$OUTROOT/lint.txt" | head -n3 | paste -sd' ')"
fi
