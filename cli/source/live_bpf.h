/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Live BPF timing of the runtime struct page paths (bpf/live.bpf.c), as a
 * small library in retsnoop's style: an opaque handle, an *_opts struct,
 * and no printing; cmd_trace.c and cmd_hotplug.c parse options and print.
 *
 *	struct mi_live_opts opts = { .sz = sizeof(opts), .node = -1 };
 *	struct mi_live *live;
 *	char why[256];
 *
 *	if (mi_live_open(&opts, &live, why, sizeof(why)))
 *		... BPF unusable here; why says so ...
 *	... let the kernel work ...
 *	mi_live_read(live, &rows, &n);
 *	mi_live_destroy(live);
 */
#ifndef MEMINIT_CLI_LIVE_H
#define MEMINIT_CLI_LIVE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/types.h>

#include "bpfstats.h"

#include "../../bpf/live.h"

enum mi_live_mode {
	MI_LIVE_AUTO,		/* fentry where it attaches, kprobe otherwise */
	MI_LIVE_FENTRY_ONLY,
	MI_LIVE_KPROBE_ONLY,
};

enum mi_live_how {
	MI_LIVE_NONE,		/* not attached; reason says why */
	MI_LIVE_FENTRY,		/* fentry + fexit */
	MI_LIVE_KPROBE,		/* kprobe + kretprobe */
};

struct mi_live_opts {
	size_t sz;		/* sizeof(struct mi_live_opts) */
	enum mi_live_mode mode;
	int node;		/* count only this node; -1 = every node */
	bool bpf_stats;		/* count the programs' run time (bpfstats.h) */
};

struct mi_live_probe {
	const char *func;	/* kernel function = phase name */
	int level;		/* nesting: 0 outermost; a deeper level runs inside the one above */
	const char *within;	/* the function it runs inside at run time, or NULL */
	enum mi_live_how how;
	int err;		/* -errno of the last failed try, 0 if attached */
	char reason[256];	/* why not attached, or why not fentry; "" if fentry attached */
};

struct mi_live_row {
	unsigned int phase;	/* enum live_phase */
	unsigned int node;	/* LIVE_NODE_NONE when unknown */
	unsigned int cpu;	/* UINT32_MAX in per-node sums */
	uint64_t calls, pages, ns, max_ns, fails;
};

struct mi_live;

/*
 * Probe every target, load one program pair per function and attach.
 * Returns 0 with *out set, even when no probe attached (then
 * mi_live_nr_attached() is 0 and every probe's reason says why); returns
 * -errno with @err filled when BPF cannot be used at all (not root, no BTF,
 * object refused).
 */
int mi_live_open(const struct mi_live_opts *opts, struct mi_live **out,
		 char *err, size_t err_len);
void mi_live_destroy(struct mi_live *live);

/* The probes, one per enum live_phase, in phase order. */
const struct mi_live_probe *mi_live_probes(const struct mi_live *live, size_t *n);
int mi_live_nr_attached(const struct mi_live *live);
/* "fentry", "kprobe", or "fentry+kprobe" when mixed, "none" */
const char *mi_live_attach_summary(const struct mi_live *live);

/*
 * Snapshot the counters, sorted by phase, node, cpu. *rows is malloc'ed
 * (free() it). Returns 0 or -errno.
 */
int mi_live_read(struct mi_live *live, struct mi_live_row **rows, size_t *n);
/* Zero the counters (between the steps of a hotplug run). */
int mi_live_reset(struct mi_live *live);
/* Samples lost to full maps since open; a non-zero count makes totals short. */
uint64_t mi_live_lost(const struct mi_live *live);

/*
 * With opts.bpf_stats: how run-time statistics were turned on (*s), and
 * the counters of every loaded program, appended to *v (realloc'ed, *n
 * entries). Returns 0 or -errno.
 */
int mi_live_bpf_stats(const struct mi_live *live, const struct mi_bpf_stats **s,
		      struct mi_bpf_prog_stat **v, size_t *n);

const char *mi_live_phase_func(unsigned int phase);
/*
 * True when @func is one of the live functions that may be __init (freed
 * once boot ends) and /proc/kallsyms shows it is on this kernel, or does not
 * list it; @why then says which. A kernel that keeps it resident (a vendor
 * kernel with deferred_init=lazy) gets it probed like any other.
 */
bool mi_live_boot_only(const char *func, char *why, size_t len);
const char *mi_live_how_name(enum mi_live_how how);

/*
 * Sum rows over CPUs: one row per (phase, node), cpu = UINT32_MAX.
 * Never sums across phases: they nest. *out is malloc'ed.
 */
int mi_live_sum_nodes(const struct mi_live_row *rows, size_t n,
		      struct mi_live_row **out, size_t *n_out);

#endif
