# Runs inside a test guest (tests/vm/test_bpf_matrix.sh): every BPF program
# meminit has, loaded and attached through the verbs that use them.
#   probe.bpf (fentry, kprobe, tp_btf, raw_tp) and the per-function attach
#   probes: meminit check; live.bpf, fentry/fexit then kprobe/kretprobe
#   pairs: meminit trace --attach; records.bpf (tp_btf on meminit_replay
#   and meminit_record, ring buffer or perf buffer): meminit report --via.
meminit check --format json > /out/check.json 2> /out/check.err
for a in fentry kprobe auto; do
	meminit trace --attach $a --duration 1 --format json > /out/trace-$a.json 2> /out/trace-$a.err
	echo $? > /out/trace-$a.rc
done
for v in bpf perfbuf; do
	meminit report --via $v --format json > /out/report-$v.json 2> /out/report-$v.err
	echo $? > /out/report-$v.rc
done
uname -r > /out/uname
true
