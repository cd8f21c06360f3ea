/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The report model: one boot of one machine. Sources (dmesg, /proc and /sys,
 * the boot ftrace buffer, /proc/vmallocinfo) fill it; outputs only read it.
 * Times are seconds on the kernel's local_clock() (printk) timeline; a value
 * below 0 means "not known from the sources used".
 */
#ifndef MEMINIT_MODEL_H
#define MEMINIT_MODEL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "index.h"

#define MI_SCHEMA_NAME		"meminit-report"
/* 2: pages are the kernel's own (page_size); 1 read as 4 KiB pages, and said */
#define MI_SCHEMA_VERSION	2
#define MI_MAX_NODES		1024	/* MAX_NUMNODES with NODES_SHIFT=10 */
#define MI_MAX_CPUS		8192	/* x86_64 MAXSMP's NR_CPUS */
#define MI_MAX_RANGES		32
#define MI_MAX_ZONES		6	/* DMA DMA32 Normal Movable Device + slack */
#define MI_UNKNOWN		(-1.0)
/* What pages are taken as when no source states the kernel's page size. */
#define MI_PAGE_SIZE_ASSUMED	4096

enum mi_source {
	MI_SRC_DMESG		= 1 << 0,	/* kernel log: live /dev/kmsg or a file */
	MI_SRC_PROCFS		= 1 << 1,	/* /proc/zoneinfo, node meminfo, cpulists */
	MI_SRC_FTRACE		= 1 << 2,	/* the boot function trace (meminit arm) */
	MI_SRC_VMALLOCINFO	= 1 << 3,	/* per-node placement of hash tables */
	MI_SRC_RECORDS		= 1 << 4,	/* patched kernel: boot records */
	MI_SRC_PERF		= 1 << 5,	/* perf script / tracefs text of meminit:* */
};

/*
 * Phases of the patched kernel's records (enum meminit_phase of
 * include/linux/meminit_stats.h, kernel-patches/0001), same numbers.
 */
enum mi_phase {
	MI_PH_VMEMMAP,
	MI_PH_MEMMAP_EARLY,
	MI_PH_HOLES,
	MI_PH_RESERVED,
	MI_PH_FREE_EARLY,
	MI_PH_DEFERRED_NODE,
	MI_PH_DEFERRED_CHUNK,
	MI_PH_DEFERRED_GROW,
	MI_PH_HASH,
	MI_PH_PAGE_EXT,
	MI_PH_HOTPLUG,
	MI_PH_DEVICE,
	MI_PH_NR,
};

/* Record flags (MEMINIT_REC_*). */
#define MI_REC_HASH_MEMBLOCK	0x0001
#define MI_REC_HASH_LINEAR	0x0002
#define MI_REC_HASH_VMALLOC	0x0004
#define MI_REC_HASH_HUGE	0x0008
#define MI_REC_HASH_ZERO	0x0010
#define MI_REC_HASH_CALLER_INITS 0x0020
#define MI_REC_SPLIT		0x0040

/*
 * One record of the patched kernel: a phase on one node (or zone range,
 * padata chunk, hash table), timed with local_clock() on one CPU.
 */
struct mi_event {
	int phase;		/* enum mi_phase */
	int node;		/* -1: not tied to one node */
	int zone;		/* zone index, -1 when not applicable */
	int cpu;
	int threads;		/* deferred node: threads that took part */
	uint64_t start_ns, end_ns;
	uint64_t split_ns;	/* with MI_REC_SPLIT: end of the first part */
	uint64_t start_pfn;
	uint64_t pages;		/* struct pages; a hash record: entries */
	uint64_t bytes;
	unsigned int flags, aux;
	bool live;		/* meminit_record after boot, not a boot record */
	char name[32];		/* hash table name, "" if none */
};

enum mi_hash_kind {
	MI_HASH_UNKNOWN,
	MI_HASH_LINEAR,		/* memblock or page allocator, physically contiguous */
	MI_HASH_VMALLOC,	/* vmalloc, interleaved over nodes with hashdist */
	MI_HASH_VMALLOC_HUGE,	/* vmalloc backed by huge pages */
};

struct mi_range {
	uint64_t start, end;	/* physical, inclusive end as the kernel prints it */
};

struct mi_zone {
	char name[16];
	uint64_t start_pfn;
	uint64_t spanned, present, managed;	/* /proc/zoneinfo */
	uint64_t hole_pages;	/* "pages in unavailable ranges" lines of dmesg */
	bool from_zoneinfo;
};

/* One deferred-init chunk as the boot function trace saw it. */
struct mi_chunk {
	int node;		/* -1 when the trace does not say which node */
	int cpu;
	char task[32];		/* comm-pid of the thread that ran it */
	double start;		/* entry of deferred_init_memmap_chunk */
	double end_bound;	/* next entry of the same thread, or the node's end */
};

struct mi_node {
	int id;
	bool memoryless;
	bool seen_dmesg, seen_sysfs;
	struct mi_range span;	/* "Initmem setup node" */
	struct mi_range ranges[MI_MAX_RANGES];
	int nr_ranges;
	/* Bytes of every "node N: [mem ...]" range line, kept or not. */
	uint64_t log_present_bytes;
	struct mi_zone zones[MI_MAX_ZONES];
	int nr_zones;
	uint64_t mem_total_kb;	/* node meminfo MemTotal */
	char cpulist[128];
	/* Deferred init: the kernel's own line, jiffies resolution. */
	double deferred_ms;	/* "deferred pages initialised in N ms" */
	double deferred_done;	/* printk time of that line */
	/* From the boot function trace: the entry of deferred_init_memmap. */
	double deferred_start;
	int deferred_threads;	/* threads seen running its chunks */
};

struct mi_hash_table {
	char name[64];
	uint64_t entries, bytes;
	int order;
	enum mi_hash_kind kind;
	double printed;		/* printk time of its "hash table entries" line */
	/*
	 * One table per NUMA node, not from alloc_large_system_hash: the
	 * futex hash since FUTEX2_NUMA prints "N (B bytes on K NUMA nodes,
	 * total T KiB, kind)". 0 = one table; order is then unknown (-1).
	 */
	int numa_nodes;
	uint64_t bytes_per_node;
	double start;		/* entry of alloc_large_system_hash (boot trace) */
	char caller[64];	/* its caller, from the boot trace */
	/* /proc/vmallocinfo: pages per node, when the area could be matched */
	uint64_t *node_pages;	/* the kernel's pages (mi_page_size) */
	int nr_node_pages;
	bool placement_by_size;	/* matched on size among equal-sized areas */
};

struct mi_report {
	char kernel[128];
	/* 'meminit collect': the machine, its boot, when; "" and 0 otherwise */
	char host[128];
	char boot_id[80];
	long long collected_unix;
	char cmdline[1024];
	unsigned int sources;	/* enum mi_source bits actually used */
	bool live;
	int hz;			/* CONFIG_HZ when known, for jiffies resolution */
	/*
	 * The page size of the kernel that produced the data, in bytes: what
	 * every page count of zoneinfo, vmallocinfo, the log and the records
	 * is in. 0 until a source states it (mi_report_set_page_size); read
	 * through mi_page_size(). PAGE_SIZE_FROM says which source: "sysconf"
	 * (the running kernel, live), "kernel log", "vmallocinfo", "kernel
	 * config", "--page-size", "assumed" (4 KiB no source stated: the notes
	 * say so), or what a saved report said.
	 */
	uint64_t page_size;
	char page_size_from[32];
	bool log_complete;	/* the log starts with "Linux version" */
	bool early_unstamped;	/* memmap init lines stamped 0: clock not running */
	bool log_has_times;
	uint64_t total_pages;	/* "Built N zonelists ... Total pages: N" */
	/*
	 * x86's TSC as the log tells it: the frequency the kernel measured
	 * ("Refined TSC clocksource calibration", else "Detected"), in kHz, and
	 * the line of "Fast TSC calibration failed" (0 = none): then sched_clock
	 * starts after memmap init and the early phases go untimed.
	 */
	unsigned long tsc_khz;
	size_t tsc_early_failed_line;
	size_t sched_clock_line;	/* "sched_clock: N bits at ...": the clock starts */
	/* "deferred_init=lazy: N pages left to deferred_grow_zone()" (vendor kernels) */
	uint64_t lazy_deferred_pages;
	uint64_t mem_avail_kb, mem_total_kb;	/* "Memory: A/T available" */
	/* Early memmap init: only bounded by printk lines on a stock kernel. */
	double early_window_start, early_window_end;
	double smp_done;	/* "smp: Brought up" */
	double deferred_begin;	/* page_alloc_init_late entry, else the first
				   deferred_init_memmap entry (trace) */

	struct mi_node *nodes;
	size_t nr_nodes, cap_nodes;
	struct mi_hash_table *tables;
	size_t nr_tables, cap_tables;
	struct mi_chunk *chunks;
	size_t nr_chunks, cap_chunks;
	char **notes;		/* what the sources could not see, one sentence each */
	size_t nr_notes, cap_notes;
	char ftrace_method[256];
	bool ftrace_global_clock;	/* the boot trace was on printk's clock */

	/* Patched kernel: boot records (records_file.c, bootrec.c), attribution in attrib.c. */
	struct mi_event *events;
	size_t nr_events, cap_events;
	char rec_via[160];	/* how the records were read */
	int rec_version;	/* 0 when no header was seen */
	long long rec_overflow;	/* -1: unknown (no header) */
	long long rec_capacity;	/* -1: unknown */
	uint64_t rec_dups;	/* duplicates dropped when merging sources */
	/* records_file.c: events by content, to drop a record seen twice */
	struct mi_index event_index;
	size_t nr_indexed;	/* events[0, nr_indexed) are in it */
};

void mi_report_init(struct mi_report *r);
void mi_report_free(struct mi_report *r);
/* Find node id, creating it; NULL on bad id or no memory. */
struct mi_node *mi_report_node(struct mi_report *r, int id);
struct mi_node *mi_report_find_node(const struct mi_report *r, int id);
struct mi_zone *mi_node_zone(struct mi_node *n, const char *name);
struct mi_hash_table *mi_report_add_table(struct mi_report *r);
struct mi_chunk *mi_report_add_chunk(struct mi_report *r);
int mi_report_note(struct mi_report *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void mi_report_sort_nodes(struct mi_report *r);
/* Append a copy of @e; returns 0 or -ENOMEM. */
int mi_report_add_event(struct mi_report *r, const struct mi_event *e);
/* Keep the first @nr events (after moving the ones to keep to the front). */
void mi_report_truncate_events(struct mi_report *r, size_t nr);

/*
 * The page size of R's kernel (struct mi_report's page_size): every
 * conversion between pages and bytes goes through it. MI_PAGE_SIZE_ASSUMED
 * until a source states it.
 */
uint64_t mi_page_size(const struct mi_report *r);
/* PAGES of R's kernel in bytes. */
double mi_pages_bytes(const struct mi_report *r, uint64_t pages);
/* A base page size some kernel has: a power of two from 4 KiB to 256 KiB. */
bool mi_page_size_valid(uint64_t bytes);
/*
 * Source FROM states the page size BYTES. The first source to state one
 * keeps it; one that disagrees is noted, never silently dropped.
 * 0, or -EINVAL for a size no kernel has.
 */
int mi_report_set_page_size(struct mi_report *r, uint64_t bytes, const char *from);
/* After every source: 4 KiB "assumed", and a note, when none stated it. */
void mi_report_page_size_finish(struct mi_report *r);

const char *mi_hash_kind_name(enum mi_hash_kind k);
/* The best source of R's numbers: "boot-records", "boot-ftrace", "dmesg"... */
const char *mi_report_source_name(const struct mi_report *r);
uint64_t mi_node_spanned(const struct mi_node *n);
uint64_t mi_node_present(const struct mi_node *n);
uint64_t mi_node_managed(const struct mi_node *n);
uint64_t mi_node_holes(const struct mi_node *n);
/*
 * N's present pages, and *FROM where they come from: "zoneinfo" when it
 * was read (0 for a memoryless node), else "kernel log" (the sum of the
 * node's early memory ranges, from a log that starts at "Linux version").
 * 0 and NULL when unknown.
 */
uint64_t mi_node_present_pages(const struct mi_report *r, const struct mi_node *n,
			       const char **from);
/* Summed chunk time per node (bounded), and the chunk count; node -1 = unattributed. */
double mi_node_chunk_seconds(const struct mi_report *r, int node, int *nr_chunks);


/* Derived views, shared by every output so they agree. */
struct mi_cpu_row {
	int node;		/* -1: not tied to a node */
	int cpu;
	int chunks;
	double busy;		/* summed chunk time, seconds (upper bound) */
	double first, last;	/* first chunk start, last chunk end */
};

/* Per (node, cpu) rows of deferred-init chunks, sorted. Caller frees *rows. */
int mi_report_cpu_rows(const struct mi_report *r, struct mi_cpu_row **rows, size_t *nr);
/* Deferred init of node n measured by the boot trace, seconds, or MI_UNKNOWN. */
double mi_node_deferred_traced(const struct mi_node *n);
void mi_note_lagging_jiffies(struct mi_report *r);
/*
 * Seconds per TiB: the unit the deferred page init series reported in.
 * The one definition, over BYTES of memory; mi_seconds_per_tib takes PAGES
 * of PAGE_SIZE bytes (the kernel's: mi_page_size), mi_report_s_per_tib
 * pages of R's kernel. MI_UNKNOWN when the time or the size is unknown.
 */
double mi_seconds_per_tib_bytes(double seconds, double bytes);
double mi_seconds_per_tib(double seconds, uint64_t pages, uint64_t page_size);
double mi_report_s_per_tib(const struct mi_report *r, double seconds, uint64_t pages);
/*
 * A stock kernel's deferred init of node N, seconds: the boot trace's
 * span, else the kernel's own line (jiffies); MI_UNKNOWN without either.
 */
double mi_node_deferred_seconds(const struct mi_node *n);
/* Time from alloc_large_system_hash entry to its line, seconds, or MI_UNKNOWN. */
double mi_table_seconds(const struct mi_hash_table *t);
/* Resolution of the kernel's deferred-init line in ms, or MI_UNKNOWN. */
double mi_deferred_resolution_ms(const struct mi_report *r);
#endif
