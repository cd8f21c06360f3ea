/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The runs of a kexec directory (or of one of its variants) as samples:
 * one metric per (phase, node, cpu, table), one value per run, in ms, with
 * the pages it covers (ns/page) and the node's present pages (s/TiB).
 */
#ifndef MEMINIT_RUNSET_H
#define MEMINIT_RUNSET_H

#include <stdbool.h>
#include <stddef.h>

#include "index.h"
#include "stats.h"

struct mi_metric {
	char phase[64];		/* "deferred init (kernel line)", "hash dentry"... */
	int node, cpu;		/* -1: none */
	double *v;		/* ms, one per run that has it */
	int *run;		/* the run index of each value */
	int n, cap;
	double pages;		/* pages the phase covered (median over runs), 0 = unknown */
	double norm_bytes;	/* the node's memory (its present pages in bytes), 0 = unknown */
	const char *pages_what;	/* what 'pages' counts */
	double resolution;	/* ms, the unit it was measured in (a jiffy...), 0 = unknown */
	enum mi_res_from resolution_from;	/* where 'resolution' came from */
	bool whole_jiffies;	/* the kernel's line: whole jiffies, printed in whole ms */
};

struct mi_runset {
	char dir[1024];
	char variant[32];	/* "" = every run */
	char kernel[128];	/* of the first run */
	char source[32];	/* best source of the first run */
	int nr_runs;
	int nr_variants;	/* in the plan */
	struct mi_metric *m;	/* sorted by phase, node, cpu once loaded */
	size_t nr, cap;
	struct mi_index idx;	/* while loading: m by phase, node and cpu */
};

/*
 * SPEC: DIR or DIR:VARIANT. A directory of several variants needs one named
 * (unless ALL). A file is a saved log, one run per boot in it (boots.h).
 * 0 or -errno after one line.
 */
int mi_runset_load(struct mi_runset *rs, const char *spec, bool all);
void mi_runset_free(struct mi_runset *rs);
/* The metric of @like's phase, node and cpu in a loaded set (binary search), or NULL. */
struct mi_metric *mi_runset_find(const struct mi_runset *rs, const struct mi_metric *like);

#endif
