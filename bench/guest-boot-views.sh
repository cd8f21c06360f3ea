# Runs in the guest (busybox sh, under systemd as PID 1) for
# bench/boot-views.sh: what systemd-analyze, the kernel log (for bootgraph.py)
# and meminit each report of this one boot.
cut -d' ' -f1 /proc/uptime > /out/uptime-at-script
cat /proc/1/comm > /out/pid1
# The manager answers once its job queue is empty (this unit has started).
i=0
until /usr/bin/systemd-analyze > /out/analyze.txt 2> /out/analyze.err; do
	i=$((i + 1))
	[ $i -ge 150 ] && break
	sleep 0.2
done
/usr/bin/systemd-analyze blame > /out/blame.txt 2>> /out/analyze.err
/usr/bin/systemd-analyze critical-chain > /out/critical-chain.txt 2>> /out/analyze.err
dmesg > /out/dmesg.txt
cat /proc/zoneinfo > /out/zoneinfo
meminit report --format json > /out/report.json 2> /out/report.err
meminit report > /out/report.txt 2>> /out/report.err
exit 0
