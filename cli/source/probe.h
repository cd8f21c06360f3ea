/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Run-time BPF feature probes: what can this kernel attach, to what?
 *
 * Every answer comes from really loading and attaching a tiny program
 * (bpf/probe.bpf.c), never from the kernel version: distributions backport
 * and lock down independently of the version number. Stable interface, used
 * by 'meminit check' (cmd_check.c) and by the live BPF module (live_bpf.c).
 */
#ifndef MEMINIT_PROBE_H
#define MEMINIT_PROBE_H

#include <stdbool.h>
#include <stddef.h>

enum mi_attach_kind {
	MI_ATTACH_FENTRY,	/* BPF trampoline on a kernel function (needs BTF) */
	MI_ATTACH_KPROBE,	/* kprobe on a kernel symbol (perf kprobe PMU or tracefs) */
	MI_ATTACH_TP_BTF,	/* BTF-typed raw tracepoint, target = tracepoint name */
	MI_ATTACH_RAW_TP,	/* raw tracepoint, target = tracepoint name */
};

/* "fentry", "kprobe", "tp_btf", "raw_tp". */
const char *mi_attach_kind_name(enum mi_attach_kind kind);

/*
 * Load a tiny program of @kind, attach it to @target (a kernel function for
 * FENTRY/KPROBE, a tracepoint such as "sched_switch" for TP_BTF/RAW_TP),
 * detach and unload it.
 *
 * Returns 0 when it attached. Otherwise returns -errno (never 0 or positive)
 * and, when @reason is not NULL, writes a short human reason that names the
 * cause, e.g. "fentry refused by this kernel (EPERM)",
 * "memmap_init_range is notrace here (fentry: ENOTSUPP)",
 * "kprobes are not configured in this kernel", "no kernel BTF
 * (/sys/kernel/btf/vmlinux missing)". On success @reason is set to "".
 *
 * libbpf's own messages are silenced unless meminit runs with -v.
 * Needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN); without it the
 * answer is -EPERM with a reason that says so.
 */
int mi_probe_attach(enum mi_attach_kind kind, const char *target,
		    char *reason, size_t reason_len);

/*
 * Route libbpf's messages through meminit: printed (as debug lines) only
 * with -v. Idempotent; mi_probe_attach() and the live module call it.
 */
void mi_bpf_init(void);

/* True when the kernel exposes its BTF (/sys/kernel/btf/vmlinux). */
bool mi_have_btf(void);

/*
 * Is a kernel function traceable, per tracefs' available_filter_functions:
 * 1 = yes, 0 = no, -1 = unknown (file not readable).
 */
int mi_ksym_traceable(const char *func);
/*
 * Does @func stay after boot, per /proc/kallsyms: 1 = yes (outside the init
 * text), 0 = no (__init: in [_sinittext, _einittext), freed once boot ends),
 * -ENOENT = not listed (not built, or inlined), -1 = unknown (unreadable, or
 * addresses hidden by kptr_restrict).
 */
int mi_ksym_after_boot(const char *func);

#endif
