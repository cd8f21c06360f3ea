#!/bin/bash
# The libFuzzer targets (make fuzz-build): replay every seed and every kept
# crash input once, then fuzz each target for FUZZ_TEST_TIME seconds (3) so
# CI catches a regression; 'make fuzz' runs them for 60 s each.
source "$(dirname "$0")/../lib.sh"
"$TOP/tests/fuzz/run.sh" replay
"$TOP/tests/fuzz/run.sh" "${FUZZ_TEST_TIME:-3}"
