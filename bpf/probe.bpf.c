// SPDX-License-Identifier: GPL-2.0
/*
 * Tiny programs that cli/source/probe.c loads and attaches, one at a time, to find
 * out what this kernel really allows (fentry, kprobe, tp_btf, raw_tp) on a
 * given target, in the spirit of libbpf-tools' fentry_can_attach() but going
 * one step further: attach, because some kernels (lockdown, notrace) refuse
 * only at attach time. The target is set at run time with
 * bpf_program__set_attach_target() or passed to the attach call, so the
 * section names carry none.
 */
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

SEC("fentry")
int BPF_PROG(probe_fentry)
{
	return 0;
}

SEC("kprobe")
int BPF_KPROBE(probe_kprobe)
{
	return 0;
}

SEC("tp_btf")
int BPF_PROG(probe_tp_btf)
{
	return 0;
}

SEC("raw_tp")
int BPF_PROG(probe_raw_tp)
{
	return 0;
}

char LICENSE[] SEC("license") = "GPL";
