/* SPDX-License-Identifier: GPL-2.0 */
/*
 * A report flattened into what the exporters, 'meminit stats' and 'meminit
 * fleet' need: tidy phase rows (one per phase x node x cpu), timeline spans
 * (one per record or traced chunk, by CPU), nodes with their memory, and
 * hash tables. It is built from struct mi_report: a saved report, a kexec
 * run or an archive is read back into one first (mi_read_json), so a
 * collection and its saved JSON give the same rows.
 */
#ifndef MEMINIT_VIEW_H
#define MEMINIT_VIEW_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "live_bpf.h"
#include "model.h"

/* How a row's time was obtained. */
enum mi_quality {
	MI_Q_MEASURED,		/* timed by the kernel's records or a traced span */
	MI_Q_BOUND,		/* an upper bound (boot trace: next entry, printk) */
	MI_Q_JIFFIES,		/* the kernel's own line, one-jiffy resolution */
	MI_Q_UNKNOWN,		/* records that took 0 ns: the clock did not advance */
};

struct mi_view_row {
	char phase[32];		/* "deferred", "hash", "deferred_chunk"... */
	char name[64];		/* hash table name, "" otherwise */
	int node;		/* -1: not tied to one node */
	int cpu;		/* -1: the phase on its node across CPUs (wall) */
	double seconds;		/* wall (cpu -1) or busy time on that CPU */
	double cpu_seconds;	/* cpu -1 only: summed over CPUs, -1 unknown */
	double pages, bytes;	/* -1: unknown */
	double start_s, end_s;	/* -1: unknown */
	enum mi_quality quality;
};

struct mi_view_span {
	char phase[32];
	char name[64];
	int node, cpu;		/* -1: unknown */
	double start_s, end_s;
	bool thin;		/* encloses other spans of its CPU (a node thread) */
};

struct mi_view_node {
	int id;
	bool memoryless;
	uint64_t norm_pages;	/* what s/TiB divides by (mi_attrib_node_norm_pages); 0 unknown */
	double bytes;		/* norm_pages x the kernel's page size */
	double present_pages;	/* mi_node_present_pages, -1 unknown */
	double deferred_s;	/* wall: records, else the trace, else the line; -1 unknown */
	double deferred_traced_s; /* the boot trace's, -1 unknown */
	double deferred_kernel_s; /* the kernel's line, -1 unknown */
	int threads;		/* -1 unknown */
	/* How its deferred init was shared out (mi_attrib_node_balance): records only */
	bool has_balance;
	int balance_cpus;	/* CPUs that ran its chunks */
	bool held_by_cpu, held_by_chunk;
};

struct mi_view_table {
	char name[64];
	char placement[24];
	double entries, bytes;
	double seconds, alloc_s, zero_s;	/* -1 unknown */
	enum mi_quality quality;
};

struct mi_view {
	char kernel[128];
	char source[32];
	char host[128];		/* "host" of 'meminit collect', else "" */
	char shape[96];		/* "3G+1G": the nodes' memory in GiB */
	uint64_t page_size;	/* the kernel's, bytes: what every row's pages are; 0 live */
	char page_size_from[32];	/* mi_report's page_size_from */
	int hz;			/* of the kernel's deferred line; 0 unknown */
	bool patched;		/* the report has boot records */
	bool live;		/* rows of a live verb (trace, hotplug): name = its step */
	struct mi_view_row *rows;
	size_t nr_rows, cap_rows;
	struct mi_view_span *spans;
	size_t nr_spans, cap_spans;
	struct mi_view_node *nodes;
	size_t nr_nodes, cap_nodes;
	struct mi_view_table *tables;
	size_t nr_tables, cap_tables;
	double early_start_s, early_end_s;	/* stock: bounded window, -1 unknown */
};

/*
 * A view of a live verb's BPF rows (live_bpf.h), so that 'trace' and
 * 'hotplug' export as a report does: mi_view_live_init once, then
 * mi_view_add_live for each set of rows. A row's phase is the probed
 * function, its name STEP (hotplug: "online", "reonline"; NULL: none); a
 * node's row (cpu -1) has the calls' time summed over its CPUs as CPU
 * time and no wall time, a CPU's row that sum as its busy time.
 * 0, or -ENOMEM after one line.
 */
void mi_view_live_init(struct mi_view *f, const char *kernel);
int mi_view_add_live(struct mi_view *f, const struct mi_live_row *rows, size_t n,
		     const char *step);

/* Fill F from report R. 0, or -ENOMEM after one line. */
int mi_view_build(struct mi_view *f, const struct mi_report *r);
/* Fill F from the report JSON O (mi_read_json). 0, or -errno after one line naming WHAT. */
int mi_view_from_json(struct mi_view *f, json_object *o, const char *what);
void mi_view_free(struct mi_view *f);
const struct mi_view_node *mi_view_find_node(const struct mi_view *f, int id);
/*
 * ns per page of a row: its CPU time over its pages where the CPU time is
 * known (the report's ns_per_page, mi_ns_per_page), else its time on the
 * clock (a stock kernel's line or trace span, a CPU's busy time); -1.
 */
double mi_view_row_ns_per_page(const struct mi_view_row *r);
/* Seconds per TiB of node ID's memory, or -1. */
double mi_view_s_per_tib(const struct mi_view *f, int id, double seconds);
const char *mi_quality_name(enum mi_quality q);

#endif
