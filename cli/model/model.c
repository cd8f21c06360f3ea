// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "model.h"
#include "util.h"

void mi_report_init(struct mi_report *r)
{
	memset(r, 0, sizeof(*r));
	r->early_window_start = MI_UNKNOWN;
	r->early_window_end = MI_UNKNOWN;
	r->smp_done = MI_UNKNOWN;
	r->deferred_begin = MI_UNKNOWN;
	r->rec_overflow = -1;
	r->rec_capacity = -1;
}

void mi_report_free(struct mi_report *r)
{
	size_t i;

	for (i = 0; i < r->nr_tables; i++)
		free(r->tables[i].node_pages);
	for (i = 0; i < r->nr_notes; i++)
		free(r->notes[i]);
	free(r->nodes);
	free(r->tables);
	free(r->chunks);
	free(r->events);
	mi_index_free(&r->event_index);
	free(r->notes);
	memset(r, 0, sizeof(*r));
}

struct mi_node *mi_report_find_node(const struct mi_report *r, int id)
{
	size_t i;

	for (i = 0; i < r->nr_nodes; i++)
		if (r->nodes[i].id == id)
			return &r->nodes[i];
	return NULL;
}

struct mi_node *mi_report_node(struct mi_report *r, int id)
{
	struct mi_node *n;

	if (id < 0 || id >= MI_MAX_NODES)
		return NULL;
	n = mi_report_find_node(r, id);
	if (n)
		return n;
	if (mi_grow((void **)&r->nodes, &r->cap_nodes, r->nr_nodes, sizeof(*n)))
		return NULL;
	n = &r->nodes[r->nr_nodes++];
	memset(n, 0, sizeof(*n));
	n->id = id;
	n->deferred_ms = MI_UNKNOWN;
	n->deferred_done = MI_UNKNOWN;
	n->deferred_start = MI_UNKNOWN;
	return n;
}

struct mi_zone *mi_node_zone(struct mi_node *n, const char *name)
{
	int i;

	for (i = 0; i < n->nr_zones; i++)
		if (!strcmp(n->zones[i].name, name))
			return &n->zones[i];
	if (n->nr_zones >= MI_MAX_ZONES)
		return NULL;
	memset(&n->zones[n->nr_zones], 0, sizeof(n->zones[0]));
	mi_strlcpy(n->zones[n->nr_zones].name, name, sizeof(n->zones[0].name));
	return &n->zones[n->nr_zones++];
}

uint64_t mi_page_size(const struct mi_report *r)
{
	return r->page_size ? r->page_size : MI_PAGE_SIZE_ASSUMED;
}

double mi_pages_bytes(const struct mi_report *r, uint64_t pages)
{
	return (double)pages * (double)mi_page_size(r);
}

bool mi_page_size_valid(uint64_t bytes)
{
	return bytes >= 4096 && bytes <= 262144 && !(bytes & (bytes - 1));
}

int mi_report_set_page_size(struct mi_report *r, uint64_t bytes, const char *from)
{
	if (!mi_page_size_valid(bytes))
		return -EINVAL;
	if (!r->page_size) {
		r->page_size = bytes;
		mi_strlcpy(r->page_size_from, from, sizeof(r->page_size_from));
	} else if (r->page_size != bytes) {
		mi_report_note(r, "page size: %s says %llu bytes where %s says %llu; the "
			       "report keeps %s's", from, (unsigned long long)bytes,
			       r->page_size_from, (unsigned long long)r->page_size,
			       r->page_size_from);
	}
	return 0;
}

void mi_report_page_size_finish(struct mi_report *r)
{
	if (r->page_size)
		return;
	r->page_size = MI_PAGE_SIZE_ASSUMED;
	mi_strlcpy(r->page_size_from, "assumed", sizeof(r->page_size_from));
	mi_report_note(r, "page size: no source states the kernel's (no \"hash table entries\" "
		       "line with an order, not the running kernel): pages are taken as 4 KiB; "
		       "give --page-size for a kernel of 16 or 64 KiB pages");
}

struct mi_hash_table *mi_report_add_table(struct mi_report *r)
{
	struct mi_hash_table *t;

	if (mi_grow((void **)&r->tables, &r->cap_tables, r->nr_tables, sizeof(*t)))
		return NULL;
	t = &r->tables[r->nr_tables++];
	memset(t, 0, sizeof(*t));
	t->printed = MI_UNKNOWN;
	t->start = MI_UNKNOWN;
	t->order = -1;
	return t;
}

struct mi_chunk *mi_report_add_chunk(struct mi_report *r)
{
	struct mi_chunk *c;

	if (mi_grow((void **)&r->chunks, &r->cap_chunks, r->nr_chunks, sizeof(*c)))
		return NULL;
	c = &r->chunks[r->nr_chunks++];
	memset(c, 0, sizeof(*c));
	c->node = -1;
	c->end_bound = MI_UNKNOWN;
	return c;
}

int mi_report_add_event(struct mi_report *r, const struct mi_event *e)
{
	if (mi_grow((void **)&r->events, &r->cap_events, r->nr_events, sizeof(*e)))
		return -ENOMEM;
	r->events[r->nr_events++] = *e;
	return 0;
}

void mi_report_truncate_events(struct mi_report *r, size_t nr)
{
	r->nr_events = nr;
	/* The events moved or went: the content index is rebuilt when next needed. */
	mi_index_free(&r->event_index);
	r->nr_indexed = 0;
}

int mi_report_note(struct mi_report *r, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	if (mi_grow((void **)&r->notes, &r->cap_notes, r->nr_notes, sizeof(char *))) {
		free(s);
		return -ENOMEM;
	}
	r->notes[r->nr_notes++] = s;
	return 0;
}

static int node_cmp(const void *a, const void *b)
{
	const struct mi_node *x = a, *y = b;

	return (x->id > y->id) - (x->id < y->id);
}

void mi_report_sort_nodes(struct mi_report *r)
{
	if (r->nr_nodes)
		qsort(r->nodes, r->nr_nodes, sizeof(r->nodes[0]), node_cmp);
}

const char *mi_report_source_name(const struct mi_report *r)
{
	if (r->sources & MI_SRC_RECORDS)
		return "boot-records";
	if (r->nr_events && (r->sources & MI_SRC_FTRACE))
		return "boot-ftrace-events";
	if (r->nr_events)
		return "meminit-events";
	return r->sources & MI_SRC_FTRACE ? "boot-ftrace" : "dmesg";
}

const char *mi_hash_kind_name(enum mi_hash_kind k)
{
	switch (k) {
	case MI_HASH_LINEAR:
		return "linear";
	case MI_HASH_VMALLOC:
		return "vmalloc";
	case MI_HASH_VMALLOC_HUGE:
		return "vmalloc hugepage";
	default:
		return "unknown";
	}
}

#define NODE_SUM(field)							\
uint64_t mi_node_##field(const struct mi_node *n)			\
{									\
	uint64_t s = 0;							\
	int i;								\
									\
	for (i = 0; i < n->nr_zones; i++)				\
		s += n->zones[i].field;					\
	return s;							\
}
NODE_SUM(spanned)
NODE_SUM(present)
NODE_SUM(managed)

uint64_t mi_node_holes(const struct mi_node *n)
{
	uint64_t s = 0;
	int i;

	for (i = 0; i < n->nr_zones; i++)
		s += n->zones[i].hole_pages;
	return s;
}

/*
 * The "Early memory node ranges" are memblock's memory: zoneinfo's present
 * pages are exactly their pages (checked on every fixture with a zoneinfo).
 * The "pages in unavailable ranges" lines count the gaps between them, so
 * nothing is subtracted.
 */
uint64_t mi_node_present_pages(const struct mi_report *r, const struct mi_node *n,
			       const char **from)
{
	const char *src = NULL;
	uint64_t pages = 0;

	if (r->sources & MI_SRC_PROCFS) {
		/* zoneinfo's count, 0 for a memoryless node, when it was read */
		src = "zoneinfo";
		pages = mi_node_present(n);
	} else if (r->log_complete && n->log_present_bytes) {
		src = "kernel log";
		pages = n->log_present_bytes / mi_page_size(r);
	}
	if (from)
		*from = src;
	return pages;
}

double mi_node_chunk_seconds(const struct mi_report *r, int node, int *nr_chunks)
{
	double s = 0;
	size_t i;
	int n = 0;

	for (i = 0; i < r->nr_chunks; i++) {
		const struct mi_chunk *c = &r->chunks[i];

		if (c->node != node || c->end_bound < 0)
			continue;
		s += c->end_bound - c->start;
		n++;
	}
	if (nr_chunks)
		*nr_chunks = n;
	return s;
}

static int cpu_row_cmp(const void *a, const void *b)
{
	const struct mi_cpu_row *x = a, *y = b;

	if (x->node != y->node)
		return x->node < 0 ? 1 : y->node < 0 ? -1 : (x->node > y->node) - (x->node < y->node);
	return (x->cpu > y->cpu) - (x->cpu < y->cpu);
}

int mi_report_cpu_rows(const struct mi_report *r, struct mi_cpu_row **rows, size_t *nr)
{
	struct mi_cpu_row *v = NULL;
	size_t n = 0, cap = 0, i, j;

	for (i = 0; i < r->nr_chunks; i++) {
		const struct mi_chunk *c = &r->chunks[i];

		for (j = 0; j < n; j++)
			if (v[j].node == c->node && v[j].cpu == c->cpu)
				break;
		if (j == n) {
			if (mi_grow((void **)&v, &cap, n, sizeof(*v))) {
				free(v);
				return -ENOMEM;
			}
			memset(&v[n], 0, sizeof(v[n]));
			v[n].node = c->node;
			v[n].cpu = c->cpu;
			v[n].first = c->start;
			v[n].last = MI_UNKNOWN;
			n++;
		}
		v[j].chunks++;
		if (c->start < v[j].first)
			v[j].first = c->start;
		if (c->end_bound >= 0) {
			v[j].busy += c->end_bound - c->start;
			if (c->end_bound > v[j].last)
				v[j].last = c->end_bound;
		}
	}
	if (n)
		qsort(v, n, sizeof(*v), cpu_row_cmp);
	*rows = v;
	*nr = n;
	return 0;
}

double mi_node_deferred_traced(const struct mi_node *n)
{
	if (n->deferred_start < 0 || n->deferred_done < n->deferred_start)
		return MI_UNKNOWN;
	return n->deferred_done - n->deferred_start;
}

/* A node's deferred_node boot record, in ms, or MI_UNKNOWN. */
static double node_deferred_recorded_ms(const struct mi_report *r, int node)
{
	size_t i;

	for (i = 0; i < r->nr_events; i++) {
		const struct mi_event *e = &r->events[i];

		if (e->phase == MI_PH_DEFERRED_NODE && e->node == node && !e->live &&
		    e->end_ns >= e->start_ns)
			return (e->end_ns - e->start_ns) / 1e6;
	}
	return MI_UNKNOWN;
}

/*
 * The kernel's "deferred pages initialised in N ms" counts jiffies, which
 * only advance when the tick is handled: a tick that comes late or not at
 * all (a guest whose vCPUs wait for the host's CPUs; seen on arm64 under
 * TCG, 76 ms printed for 160 ms of its clock, and on x86 under TCG on a
 * loaded host, 20 ms printed for 28.3 ms recorded) makes the line short,
 * never long. Said per node where the clock's figure is longer by more than
 * two jiffies: the boot trace's on printk's clock (trace_clock=global),
 * else the node's boot record (local_clock). Needs HZ.
 */
void mi_note_lagging_jiffies(struct mi_report *r)
{
	double jiffy_ms = mi_deferred_resolution_ms(r);
	size_t i;

	if (jiffy_ms <= 0)
		return;
	for (i = 0; i < r->nr_nodes; i++) {
		const struct mi_node *n = &r->nodes[i];
		double traced = mi_node_deferred_traced(n);
		double clock_ms = MI_UNKNOWN;
		const char *how = NULL;

		if (r->ftrace_global_clock && traced >= 0) {
			clock_ms = traced * 1e3;
			how = "the boot trace, from the thread's start to that line";
		} else {
			clock_ms = node_deferred_recorded_ms(r, n->id);
			how = "its boot record";
		}
		if (clock_ms < 0 || n->deferred_ms < 0 || clock_ms - n->deferred_ms <= 2 * jiffy_ms)
			continue;
		mi_report_note(r, "node %d: the kernel's deferred-init line says %.0f ms, counted in "
			       "jiffies, where its clock shows %.1f ms (%s): the tick fell behind "
			       "(late or lost timer interrupts), so the line undercounts; the report "
			       "uses the clock's figure",
			       n->id, n->deferred_ms, clock_ms, how);
	}
}

double mi_seconds_per_tib_bytes(double seconds, double bytes)
{
	if (seconds < 0 || bytes <= 0)
		return MI_UNKNOWN;
	return seconds / (bytes / (double)(1ULL << 40));
}

double mi_seconds_per_tib(double seconds, uint64_t pages, uint64_t page_size)
{
	return mi_seconds_per_tib_bytes(seconds, (double)pages * (double)page_size);
}

double mi_report_s_per_tib(const struct mi_report *r, double seconds, uint64_t pages)
{
	return mi_seconds_per_tib(seconds, pages, mi_page_size(r));
}

double mi_node_deferred_seconds(const struct mi_node *n)
{
	double traced = mi_node_deferred_traced(n);

	if (traced >= 0)
		return traced;
	return n->deferred_ms >= 0 ? n->deferred_ms / 1e3 : MI_UNKNOWN;
}

double mi_table_seconds(const struct mi_hash_table *t)
{
	if (t->start < 0 || t->printed < t->start)
		return MI_UNKNOWN;
	return t->printed - t->start;
}

double mi_deferred_resolution_ms(const struct mi_report *r)
{
	return r->hz > 0 ? 1000.0 / r->hz : MI_UNKNOWN;
}
