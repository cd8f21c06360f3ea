/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Attribution of the boot records (mi_report.events): per node and phase,
 * per CPU, and per hash table. Derived views shared by every output, so the
 * table and the JSON always agree.
 */
#ifndef MEMINIT_ATTRIB_H
#define MEMINIT_ATTRIB_H

#include <stddef.h>
#include <stdint.h>

#include "model.h"

#define MI_STRUCT_PAGE_BYTES	64	/* sizeof(struct page): x86-64, arm64 of any base page size */

/*
 * How split_ns divides a record (kernel-patches/0003 and 0006): stated in
 * every report that shows the split.
 */
extern const char *const mi_split_method;

/*
 * One phase on one node. MI_PH_DEFERRED_CHUNK rows stand for deferred init:
 * pages and CPU time from the chunks, wall time and threads from the node's
 * MI_PH_DEFERRED_NODE record. Hash tables have their own rows.
 */
struct mi_phase_sum {
	int phase;
	int node;		/* -1: not tied to one node */
	int records;
	int untimed;		/* records without a duration (clock not running) */
	int cpus;		/* distinct CPUs that ran it */
	int threads;		/* deferred: threads the kernel started; else 0 */
	uint64_t pages, bytes;
	double start, end;	/* seconds: first start, last end */
	double wall;		/* seconds: the union of its records' spans */
	double cpu;		/* seconds: summed over records (and CPUs) */
	double part1, part2;	/* split records: init | free; MI_UNKNOWN if none */
};

/* Per (cpu, node, phase). */
struct mi_cpu_sum {
	int cpu, node, phase;
	int records;
	uint64_t pages;
	double busy;		/* seconds */
	double start, end;
};

struct mi_attrib {
	struct mi_phase_sum *phases;
	size_t nr_phases;
	struct mi_cpu_sum *cpus;
	size_t nr_cpus;
	size_t *timeline;	/* indexes into r->events, by cpu then start */
	size_t nr_timeline;
	bool complete;		/* no record lost to overflow, and it is known */
};

/* Returns 0 or -ENOMEM. */
int mi_attrib_build(const struct mi_report *r, struct mi_attrib *a);
void mi_attrib_free(struct mi_attrib *a);

/* The report's name for a phase row: "deferred" for the chunk rows. */
const char *mi_attrib_phase_label(int phase);

/*
 * Struct pages a node's records initialized: memmap_early + reserved +
 * deferred chunks + deferred grow (holes apart). Equals zoneinfo present.
 */
uint64_t mi_attrib_node_pages(const struct mi_report *r, int node);
uint64_t mi_attrib_node_holes(const struct mi_report *r, int node);

/* Derived numbers; MI_UNKNOWN when they cannot be computed. */
double mi_ns_per_page(double seconds, uint64_t pages);
/* GB/s (1e9 bytes) writing @bytes in @seconds. */
double mi_gbps(double bytes, double seconds);
/* A record without a duration: the kernel's clock was not running or held still. */
bool mi_event_untimed(const struct mi_event *e);
/* Time of a record, seconds; MI_UNKNOWN when it is untimed. */
double mi_event_seconds(const struct mi_event *e);
/* First and second part of a split record, seconds; MI_UNKNOWN without a split. */
double mi_event_part1(const struct mi_event *e);
double mi_event_part2(const struct mi_event *e);
/*
 * Write bandwidth of a phase row on one CPU, GB/s: struct pages (64 bytes a
 * page) over the init part where the kernel splits it, else the summed
 * time; page_ext: its bytes. MI_UNKNOWN where the phase writes no struct
 * pages: free_early, and vmemmap, which allocates and maps the memory map
 * without writing it (seen: "723 GB/s").
 */
double mi_phase_gbps(const struct mi_phase_sum *p);
/* Zeroing bandwidth of a HASH_ZERO table, GB/s, or MI_UNKNOWN. */
double mi_hash_zero_gbps(const struct mi_event *e);
/* "memblock", "linear", "vmalloc", "vmalloc hugepage" from the record flags. */
const char *mi_hash_record_kind(const struct mi_event *e);
/* Node memory for s/TiB: zoneinfo present pages, else the records' pages. */
uint64_t mi_attrib_node_norm_pages(const struct mi_report *r, int node);

/*
 * How a node's deferred init was shared out (records): the kernel's padata
 * split (threads, chunks, pages per chunk), the busy time of the CPUs that
 * ran it, and whether one CPU or one chunk held up the node: the question
 * a user asks first on a large machine. Times in seconds, MI_UNKNOWN when
 * the records carry none (a clock that did not advance).
 */
struct mi_node_balance {
	int node;
	int threads;		/* padata threads the kernel started (node record) */
	int chunks;
	uint64_t chunk_pages_min, chunk_pages_max;
	int cpus;		/* CPUs that ran its chunks */
	double busy_min, busy_median, busy_max;
	int slowest_cpu, slowest_cpu_chunks;	/* the busiest */
	/*
	 * The CPU slowest per page, its ns/page and busy time, and the median
	 * ns/page of the other CPUs: a CPU that ran two chunks where the others
	 * ran one is busier, not slower.
	 */
	int slow_cpu;
	double slow_cpu_ns_per_page, slow_cpu_busy, others_ns_per_page;
	double longest_chunk, chunk_median;
	int longest_chunk_cpu;
	uint64_t longest_chunk_pfn, longest_chunk_pages;
	double wall;		/* the node's deferred init, its node record */
	/*
	 * One CPU held the node up: it initialized its pages more than
	 * MI_BALANCE_FACTOR x slower than the other CPUs' median, and was busy
	 * for more than half the node's wall time.
	 */
	bool cpu_dominates;
	/*
	 * One chunk held the node up: it took more than half the node's wall
	 * time, and more than MI_BALANCE_FACTOR x the median chunk (with few
	 * chunks per thread any chunk is near half the wall).
	 */
	bool chunk_dominates;
};

#define MI_BALANCE_FACTOR	2.0

/*
 * 0 with B filled; -ENOENT when NODE has no timed deferred chunk records,
 * -ENOMEM.
 */
int mi_attrib_node_balance(const struct mi_report *r, const struct mi_attrib *a, int node,
			   struct mi_node_balance *b);

/* The hash record of a table name, or NULL. */
const struct mi_event *mi_attrib_hash_event(const struct mi_report *r, const char *name);

#endif
