/* SPDX-License-Identifier: GPL-2.0 */
/*
 * One 'meminit hotplug' run: steps that write a state to memory blocks
 * (online, offline, re-online) with the live BPF counters zeroed before
 * and read after each, and every node's MemTotal around it; and the run
 * printed as a table or as JSON (schema meminit-hotplug v1).
 */
#ifndef MEMINIT_HOTPLUG_RUN_H
#define MEMINIT_HOTPLUG_RUN_H

#include <stdint.h>
#include <stdio.h>

#include "bpfstats.h"
#include "live_bpf.h"
#include "memblock.h"

#define MI_HP_SCHEMA	"meminit-hotplug"
#define MI_HP_MAX_STEPS	3

/* One block's state write. */
struct mi_hp_op {
	unsigned int id;
	char before[24], after[24], zone[64];
	int err;		/* -errno of the state write, 0 if done */
};

struct mi_hp_mem {
	int id;
	long long before_kb, after_kb;	/* MemTotal; -1 when unreadable */
};

struct mi_hp_step {
	const char *name;	/* "online", "offline", "reonline" */
	const char *action;	/* what was written to state */
	struct mi_hp_op *ops;
	size_t nops, ndone;
	struct mi_hp_mem *mem;
	size_t nmem;
	uint64_t wall_ns;
	struct mi_live_row *rows, *sums;
	size_t nrows, nsums;
};

struct mi_hp_run {
	int node, cpu;		/* cpu -1: not pinned */
	char kernel[65];	/* uname release */
	unsigned long long block_bytes;
	long page_size;
	struct mi_memblock *blocks;	/* the node's, before the run */
	size_t nblocks;
	int *nodes;		/* every node in sysfs, for the per-node MemTotal */
	size_t nnodes;
	struct mi_live *live;	/* NULL: not timed */
	char no_time[512];	/* why time was not measured; "" if it was */
	struct mi_hp_step steps[MI_HP_MAX_STEPS];
	size_t nsteps;
	/* --bpf-stats: the programs' run count and time over the whole run */
	const struct mi_bpf_stats *bhow;
	struct mi_bpf_prog_stat *bps;
	size_t nbps;
};

/*
 * Run one step: write ACTION to each block in IDS, with the BPF counters
 * zeroed before and read after, and MemTotal of every node around it.
 * 0, or -errno after one error line; a refused write is kept in the step.
 */
int mi_hp_step(struct mi_hp_run *h, const char *name, const char *action,
	       const unsigned int *ids, size_t nids);
/* Frees what the run holds (not the live handle). */
void mi_hp_run_free(struct mi_hp_run *h);
uint64_t mi_hp_block_pages(const struct mi_hp_run *h);

void mi_hp_print_table(const struct mi_hp_run *h);
/* 0, or -EIO (the caller says so). */
int mi_hp_print_json(const struct mi_hp_run *h);

#endif
