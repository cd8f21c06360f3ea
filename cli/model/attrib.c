// SPDX-License-Identifier: GPL-2.0
/*
 * Attribution of the patched kernel's boot records: where every recorded
 * nanosecond went, per node and phase, per CPU and per hash table.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "records_file.h"
#include "stats.h"
#include "util.h"

const char *const mi_split_method =
	"the kernel's own split (split_ns, kernel-patches 0003 and 0006): for deferred "
	"chunks and deferred_grow, local_clock() around each MAX_ORDER block's struct "
	"page init loop, summed, is the init part and the rest of the chunk is freeing "
	"to the buddy allocator; for a HASH_ZERO hash table, the kernel allocates "
	"without __GFP_ZERO and times its memset() apart, so the first part is "
	"allocation and the second zeroing. Early memmap, reserved and hotplug records "
	"are struct page init only (no zeroing: vmemmap pages are zeroed when "
	"populated, inside the vmemmap record)";

/*
 * A record whose end stamp is not past its start has no duration: the
 * kernel's clock was not running yet (early TSC calibration failed) or
 * held still (local_clock() before sched_clock_init_late() does not pass
 * the next tick). Its time is unknown, never 0.
 */
bool mi_event_untimed(const struct mi_event *e)
{
	return e->end_ns <= e->start_ns;
}

double mi_event_seconds(const struct mi_event *e)
{
	return mi_event_untimed(e) ? MI_UNKNOWN : (e->end_ns - e->start_ns) / 1e9;
}

double mi_event_part1(const struct mi_event *e)
{
	if (!(e->flags & MI_REC_SPLIT) || mi_event_untimed(e) ||
	    e->split_ns < e->start_ns || e->split_ns > e->end_ns)
		return MI_UNKNOWN;
	return (e->split_ns - e->start_ns) / 1e9;
}

double mi_event_part2(const struct mi_event *e)
{
	if (!(e->flags & MI_REC_SPLIT) || mi_event_untimed(e) ||
	    e->split_ns < e->start_ns || e->split_ns > e->end_ns)
		return MI_UNKNOWN;
	return (e->end_ns - e->split_ns) / 1e9;
}

double mi_ns_per_page(double seconds, uint64_t pages)
{
	return seconds >= 0 && pages ? seconds * 1e9 / (double)pages : MI_UNKNOWN;
}

double mi_gbps(double bytes, double seconds)
{
	return seconds > 0 && bytes > 0 ? bytes / seconds / 1e9 : MI_UNKNOWN;
}

/* The record's own name, but the chunk rows sum a node's deferred init. */
const char *mi_attrib_phase_label(int phase)
{
	return phase == MI_PH_DEFERRED_CHUNK ? "deferred" : mi_phase_name(phase);
}

static bool counts_struct_pages(int phase)
{
	return phase == MI_PH_MEMMAP_EARLY || phase == MI_PH_RESERVED ||
	       phase == MI_PH_DEFERRED_CHUNK || phase == MI_PH_DEFERRED_GROW;
}

uint64_t mi_attrib_node_pages(const struct mi_report *r, int node)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < r->nr_events; i++)
		if (r->events[i].node == node && !r->events[i].live &&
		    counts_struct_pages(r->events[i].phase))
			s += r->events[i].pages;
	return s;
}

static double median_of_copy(double *v, size_t n)
{
	if (!n)
		return MI_UNKNOWN;
	mi_sort_doubles(v, n);
	return mi_median_sorted(v, n);
}

int mi_attrib_node_balance(const struct mi_report *r, const struct mi_attrib *a, int node,
			   struct mi_node_balance *b)
{
	double *busy = NULL, *rate = NULL, *chunk;
	size_t i, n = 0, k = 0, nc = 0;
	int err = -ENOENT;

	memset(b, 0, sizeof(*b));
	b->node = node;
	b->slowest_cpu = b->longest_chunk_cpu = b->slow_cpu = -1;
	b->longest_chunk = b->chunk_median = b->wall = MI_UNKNOWN;
	b->slow_cpu_ns_per_page = b->others_ns_per_page = MI_UNKNOWN;
	chunk = calloc(r->nr_events + 1, sizeof(*chunk));
	if (!chunk)
		return -ENOMEM;
	for (i = 0; i < r->nr_events; i++) {
		const struct mi_event *e = &r->events[i];
		double s = mi_event_seconds(e);

		if (e->phase != MI_PH_DEFERRED_CHUNK || e->node != node || e->live)
			continue;
		if (!b->chunks || e->pages < b->chunk_pages_min)
			b->chunk_pages_min = e->pages;
		if (e->pages > b->chunk_pages_max)
			b->chunk_pages_max = e->pages;
		b->chunks++;
		if (s >= 0)
			chunk[nc++] = s;
		if (s > b->longest_chunk) {
			b->longest_chunk = s;
			b->longest_chunk_cpu = e->cpu;
			b->longest_chunk_pfn = e->start_pfn;
			b->longest_chunk_pages = e->pages;
		}
	}
	b->chunk_median = median_of_copy(chunk, nc);
	if (!b->chunks || b->longest_chunk < 0)
		goto out;
	err = -ENOMEM;
	busy = calloc(a->nr_cpus + 1, sizeof(*busy));
	rate = calloc(a->nr_cpus + 1, sizeof(*rate));
	if (!busy || !rate)
		goto out;
	for (i = 0; i < a->nr_cpus; i++) {
		const struct mi_cpu_sum *c = &a->cpus[i];
		double ns_page = c->pages ? c->busy * 1e9 / (double)c->pages : -1;

		if (c->phase != MI_PH_DEFERRED_CHUNK || c->node != node)
			continue;
		if (!n || c->busy > b->busy_max) {
			b->busy_max = c->busy;
			b->slowest_cpu = c->cpu;
			b->slowest_cpu_chunks = c->records;
		}
		if (ns_page > b->slow_cpu_ns_per_page) {
			b->slow_cpu_ns_per_page = ns_page;
			b->slow_cpu = c->cpu;
			b->slow_cpu_busy = c->busy;
		}
		busy[n++] = c->busy;
	}
	err = n ? 0 : -ENOENT;
	b->cpus = (int)n;
	/* the other CPUs' ns/page: what the slow one is compared with */
	for (i = 0; i < a->nr_cpus; i++) {
		const struct mi_cpu_sum *c = &a->cpus[i];

		if (c->phase == MI_PH_DEFERRED_CHUNK && c->node == node && c->cpu != b->slow_cpu &&
		    c->pages)
			rate[k++] = c->busy * 1e9 / (double)c->pages;
	}
	b->others_ns_per_page = median_of_copy(rate, k);
	b->busy_median = median_of_copy(busy, n);
	b->busy_min = n ? busy[0] : MI_UNKNOWN;
	for (i = 0; i < a->nr_phases; i++) {
		const struct mi_phase_sum *p = &a->phases[i];

		if (p->phase == MI_PH_DEFERRED_CHUNK && p->node == node) {
			b->wall = p->wall;
			b->threads = p->threads;
		}
	}
	b->cpu_dominates = b->others_ns_per_page > 0 && b->wall > 0 &&
			   b->slow_cpu_ns_per_page > MI_BALANCE_FACTOR * b->others_ns_per_page &&
			   b->slow_cpu_busy > b->wall / 2;
	b->chunk_dominates = b->chunks > 1 && b->wall > 0 && b->longest_chunk > b->wall / 2 &&
			     b->longest_chunk > MI_BALANCE_FACTOR * b->chunk_median;
out:
	free(chunk);
	free(busy);
	free(rate);
	return err;
}

uint64_t mi_attrib_node_holes(const struct mi_report *r, int node)
{
	uint64_t s = 0;
	size_t i;

	for (i = 0; i < r->nr_events; i++)
		if (r->events[i].node == node && r->events[i].phase == MI_PH_HOLES)
			s += r->events[i].pages;
	return s;
}

const struct mi_event *mi_attrib_hash_event(const struct mi_report *r, const char *name)
{
	size_t i;

	for (i = 0; i < r->nr_events; i++)
		if (r->events[i].phase == MI_PH_HASH && !strcmp(r->events[i].name, name))
			return &r->events[i];
	return NULL;
}

struct span {
	uint64_t s, e;
};

static int span_cmp(const void *a, const void *b)
{
	const struct span *x = a, *y = b;

	return (x->s > y->s) - (x->s < y->s);
}

/* Seconds covered by the union of the spans of @phase on @node. */
static double union_seconds(const struct mi_report *r, int phase, int node)
{
	struct span *v;
	uint64_t tot = 0, cs = 0, ce = 0;
	size_t i, n = 0;
	bool open = false;

	v = malloc(sizeof(*v) * (r->nr_events ? r->nr_events : 1));
	if (!v)
		return MI_UNKNOWN;
	for (i = 0; i < r->nr_events; i++) {
		const struct mi_event *e = &r->events[i];

		if (e->phase == phase && e->node == node && e->end_ns >= e->start_ns)
			v[n++] = (struct span){ e->start_ns, e->end_ns };
	}
	qsort(v, n, sizeof(*v), span_cmp);
	for (i = 0; i < n; i++) {
		if (open && v[i].s <= ce) {
			if (v[i].e > ce)
				ce = v[i].e;
			continue;
		}
		if (open)
			tot += ce - cs;
		cs = v[i].s;
		ce = v[i].e;
		open = true;
	}
	if (open)
		tot += ce - cs;
	free(v);
	return tot / 1e9;
}

static int phase_cmp(const void *a, const void *b)
{
	const struct mi_phase_sum *x = a, *y = b;

	if (x->node != y->node)
		return x->node < 0 ? 1 : y->node < 0 ? -1 : (x->node > y->node) - (x->node < y->node);
	return (x->phase > y->phase) - (x->phase < y->phase);
}

static int cpu_cmp(const void *a, const void *b)
{
	const struct mi_cpu_sum *x = a, *y = b;

	if (x->cpu != y->cpu)
		return (x->cpu > y->cpu) - (x->cpu < y->cpu);
	if (x->start != y->start)
		return (x->start > y->start) - (x->start < y->start);
	return (x->phase > y->phase) - (x->phase < y->phase);
}

static const struct mi_report *sort_r;

static int timeline_cmp(const void *a, const void *b)
{
	size_t i = *(const size_t *)a, j = *(const size_t *)b;
	const struct mi_event *x = &sort_r->events[i], *y = &sort_r->events[j];

	if (x->cpu != y->cpu)
		return (x->cpu > y->cpu) - (x->cpu < y->cpu);
	if (x->start_ns != y->start_ns)
		return (x->start_ns > y->start_ns) - (x->start_ns < y->start_ns);
	if (x->end_ns != y->end_ns)
		return (x->end_ns > y->end_ns) - (x->end_ns < y->end_ns);
	/*
	 * Records the clock could not tell apart (TCG holds it to a tick) keep
	 * the order they came in, so a report read back from its JSON lists
	 * them as the collection did.
	 */
	return (i > j) - (i < j);
}

/*
 * Sums are kept in integer nanoseconds (as doubles holding integers, exact
 * below 2^53) and turned into seconds at the end: the report must not
 * depend on the order the records arrived in (BPF, debugfs, a trace).
 */
static bool has_split(const struct mi_event *e)
{
	return (e->flags & MI_REC_SPLIT) && e->split_ns >= e->start_ns && e->split_ns <= e->end_ns;
}

/* Record time in ns, as a double holding an integer (no float-to-int cast). */
static double ev_ns(const struct mi_event *e)
{
	return e->end_ns >= e->start_ns ? (double)(e->end_ns - e->start_ns) : 0;
}

static int add_phase_event(struct mi_attrib *a, size_t *cap, const struct mi_event *e)
{
	struct mi_phase_sum *p = NULL;
	double t = ev_ns(e);
	double p1 = has_split(e) ? (double)(e->split_ns - e->start_ns) : MI_UNKNOWN;
	double p2 = has_split(e) ? (double)(e->end_ns - e->split_ns) : MI_UNKNOWN;
	size_t i;

	for (i = 0; i < a->nr_phases; i++)
		if (a->phases[i].phase == e->phase && a->phases[i].node == e->node) {
			p = &a->phases[i];
			break;
		}
	if (!p) {
		if (mi_grow((void **)&a->phases, cap, a->nr_phases, sizeof(*p)))
			return -ENOMEM;
		p = &a->phases[a->nr_phases++];
		memset(p, 0, sizeof(*p));
		p->phase = e->phase;
		p->node = e->node;
		p->start = e->start_ns / 1e9;
		p->end = e->end_ns / 1e9;
		p->part1 = MI_UNKNOWN;
		p->part2 = MI_UNKNOWN;
	}
	p->records++;
	p->untimed += mi_event_untimed(e);
	p->pages += e->pages;
	p->bytes += e->bytes;
	p->cpu += t;
	if (e->start_ns / 1e9 < p->start)
		p->start = e->start_ns / 1e9;
	if (e->end_ns / 1e9 > p->end)
		p->end = e->end_ns / 1e9;
	if (p1 >= 0) {
		p->part1 = (p->part1 < 0 ? 0 : p->part1) + p1;
		p->part2 = (p->part2 < 0 ? 0 : p->part2) + p2;
	}
	return 0;
}

static int add_cpu_event(struct mi_attrib *a, size_t *cap, const struct mi_event *e)
{
	struct mi_cpu_sum *c = NULL;
	size_t i;

	for (i = 0; i < a->nr_cpus; i++)
		if (a->cpus[i].cpu == e->cpu && a->cpus[i].node == e->node &&
		    a->cpus[i].phase == e->phase) {
			c = &a->cpus[i];
			break;
		}
	if (!c) {
		if (mi_grow((void **)&a->cpus, cap, a->nr_cpus, sizeof(*c)))
			return -ENOMEM;
		c = &a->cpus[a->nr_cpus++];
		memset(c, 0, sizeof(*c));
		c->cpu = e->cpu;
		c->node = e->node;
		c->phase = e->phase;
		c->start = e->start_ns / 1e9;
		c->end = e->end_ns / 1e9;
	}
	c->records++;
	c->pages += e->pages;
	c->busy += ev_ns(e);
	if (e->start_ns / 1e9 < c->start)
		c->start = e->start_ns / 1e9;
	if (e->end_ns / 1e9 > c->end)
		c->end = e->end_ns / 1e9;
	return 0;
}

/* Distinct CPUs of @phase on @node. */
static int count_cpus(const struct mi_attrib *a, int phase, int node)
{
	size_t i;
	int n = 0;

	for (i = 0; i < a->nr_cpus; i++)
		n += a->cpus[i].phase == phase && a->cpus[i].node == node;
	return n;
}

int mi_attrib_build(const struct mi_report *r, struct mi_attrib *a)
{
	size_t pcap = 0, ccap = 0, i, j;

	memset(a, 0, sizeof(*a));
	a->complete = r->rec_overflow == 0;
	for (i = 0; i < r->nr_events; i++) {
		const struct mi_event *e = &r->events[i];

		/* Deferred node records give wall time and threads, not sums. */
		if (e->phase != MI_PH_DEFERRED_NODE && e->phase != MI_PH_HASH &&
		    add_phase_event(a, &pcap, e))
			goto nomem;
		if (add_cpu_event(a, &ccap, e))
			goto nomem;
	}
	for (i = 0; i < a->nr_cpus; i++)
		a->cpus[i].busy /= 1e9;
	for (i = 0; i < a->nr_phases; i++) {
		struct mi_phase_sum *p = &a->phases[i];

		p->cpu /= 1e9;
		if (p->part1 >= 0) {
			p->part1 /= 1e9;
			p->part2 /= 1e9;
		}
		p->wall = union_seconds(r, p->phase, p->node);
		p->cpus = count_cpus(a, p->phase, p->node);
		if (p->untimed == p->records) {
			/* no record of it has a duration: unknown, not 0 */
			p->wall = MI_UNKNOWN;
			p->cpu = MI_UNKNOWN;
		}
		if (p->phase != MI_PH_DEFERRED_CHUNK)
			continue;
		/* The node's record spans its whole deferred init, all threads. */
		for (j = 0; j < r->nr_events; j++) {
			const struct mi_event *e = &r->events[j];

			if (e->phase != MI_PH_DEFERRED_NODE || e->node != p->node)
				continue;
			p->wall = mi_event_seconds(e);
			p->threads = e->threads;
			if (e->start_ns / 1e9 < p->start)
				p->start = e->start_ns / 1e9;
			if (e->end_ns / 1e9 > p->end)
				p->end = e->end_ns / 1e9;
		}
	}
	if (a->nr_phases)
		qsort(a->phases, a->nr_phases, sizeof(*a->phases), phase_cmp);
	if (a->nr_cpus)
		qsort(a->cpus, a->nr_cpus, sizeof(*a->cpus), cpu_cmp);
	a->timeline = malloc(sizeof(size_t) * (r->nr_events ? r->nr_events : 1));
	if (!a->timeline)
		goto nomem;
	for (i = 0; i < r->nr_events; i++)
		a->timeline[i] = i;
	a->nr_timeline = r->nr_events;
	sort_r = r;
	if (r->nr_events)
		qsort(a->timeline, r->nr_events, sizeof(size_t), timeline_cmp);
	sort_r = NULL;
	return 0;
nomem:
	mi_attrib_free(a);
	return -ENOMEM;
}

void mi_attrib_free(struct mi_attrib *a)
{
	free(a->phases);
	free(a->cpus);
	free(a->timeline);
	memset(a, 0, sizeof(*a));
}

double mi_phase_gbps(const struct mi_phase_sum *p)
{
	double t = p->part1 >= 0 ? p->part1 : p->cpu;

	switch (p->phase) {
	case MI_PH_PAGE_EXT:
		return mi_gbps((double)p->bytes, p->cpu);
	case MI_PH_VMEMMAP:	/* maps the memory map, writes none of it */
	case MI_PH_FREE_EARLY:
		return MI_UNKNOWN;
	default:
		return mi_gbps((double)p->pages * MI_STRUCT_PAGE_BYTES, t);
	}
}

double mi_hash_zero_gbps(const struct mi_event *e)
{
	if (!(e->flags & MI_REC_HASH_ZERO))
		return MI_UNKNOWN;
	return mi_gbps((double)e->bytes, mi_event_part2(e));
}

const char *mi_hash_record_kind(const struct mi_event *e)
{
	if (e->flags & MI_REC_HASH_MEMBLOCK)
		return "memblock";
	if (e->flags & MI_REC_HASH_HUGE)
		return "vmalloc hugepage";
	if (e->flags & MI_REC_HASH_VMALLOC)
		return "vmalloc";
	if (e->flags & MI_REC_HASH_LINEAR)
		return "linear";
	return "unknown";
}

uint64_t mi_attrib_node_norm_pages(const struct mi_report *r, int node)
{
	const struct mi_node *n = mi_report_find_node(r, node);
	uint64_t present = n ? mi_node_present_pages(r, n, NULL) : 0;

	return present ? present : mi_attrib_node_pages(r, node);
}
