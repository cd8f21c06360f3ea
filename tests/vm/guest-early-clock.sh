#!/bin/sh
# Runs inside the patched guest booted with what 'meminit arm' printed (for
# tests/vm/test_attribution.sh): the log and the report of that boot.
cd /out || exit 1
dmesg > dmesg.txt
meminit report --format json > report.json 2> report.err
echo $? > report.rc
