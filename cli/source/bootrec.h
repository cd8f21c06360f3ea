/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The patched kernel's meminit:* tracepoints through BPF (bpf/records.bpf.c):
 * typed records over a ring buffer (perf buffer where the kernel has no ring
 * buffer). Library style like live_bpf.h: an opaque handle, no printing; the
 * reason for a refusal comes back in @why.
 */
#ifndef MEMINIT_BOOTREC_H
#define MEMINIT_BOOTREC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "bpfstats.h"
#include "model.h"

enum mi_bootrec_buf {
	MI_BOOTREC_AUTO,	/* ring buffer when the kernel has it */
	MI_BOOTREC_PERFBUF,	/* perf buffer even where a ring buffer works */
};

/* Does this kernel have the patches' tracepoints (tracefs or BTF)? */
bool mi_bootrec_kernel_patched(void);

/* What a replay's BPF program cost, when its run time was counted. */
struct mi_bootrec_replay_stats {
	bool counted;
	size_t delivered;		/* records the program delivered */
	const char *buf_name;		/* "ring buffer", "perf buffer" */
	struct mi_bpf_stats how;	/* how counting was turned on */
	struct mi_bpf_prog_stat *progs;	/* the loaded programs' counters */
	size_t nr_progs;
};

struct mi_bootrec_opts {
	enum mi_bootrec_buf buf;
	/* Count the run time of the programs (bpfstats.h); also on with MEMINIT_BPF_STATS. */
	bool bpf_stats;
	struct mi_bootrec_replay_stats *stats;	/* out when counted; may be NULL */
};

/*
 * Attach tp_btf to meminit:meminit_replay, write meminit/replay, and append
 * every boot record received to r->events; the record count and overflow
 * come from records.bin's header, and a short delivery is refused.
 * Returns 0, or -errno with @why saying why (BPF refused, not patched...).
 */
int mi_bootrec_replay(struct mi_report *r, const struct mi_bootrec_opts *o,
		      char *why, size_t why_len);
void mi_bootrec_replay_stats_free(struct mi_bootrec_replay_stats *s);

struct mi_bootrec;

/*
 * Attach tp_btf to meminit:meminit_record: phases as they end (hotplug...);
 * BPF_STATS counts the program's run time.
 */
int mi_bootrec_live_open(struct mi_bootrec **out, bool bpf_stats, char *why, size_t why_len);
/* Poll for up to @timeout_ms; returns 0 or -errno. */
int mi_bootrec_live_poll(struct mi_bootrec *b, int timeout_ms);
/* The events received so far, and those the buffer dropped. */
const struct mi_event *mi_bootrec_events(const struct mi_bootrec *b, size_t *n);
uint64_t mi_bootrec_lost(const struct mi_bootrec *b);
const char *mi_bootrec_buf_name(const struct mi_bootrec *b);
void mi_bootrec_destroy(struct mi_bootrec *b);

/* How stats were turned on, and the counters of @b's loaded programs appended to *v. */
int mi_bootrec_bpf_stats(const struct mi_bootrec *b, const struct mi_bpf_stats **s,
			 struct mi_bpf_prog_stat **v, size_t *n);

#endif
