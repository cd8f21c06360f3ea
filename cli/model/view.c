// SPDX-License-Identifier: GPL-2.0
/* The view: a report flattened into rows, spans, nodes and tables (see view.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "attrib.h"
#include "view.h"
#include "json_get.h"
#include "model.h"
#include "output.h"
#include "records_file.h"
#include "util.h"

const char *mi_quality_name(enum mi_quality q)
{
	switch (q) {
	case MI_Q_MEASURED:
		return "measured";
	case MI_Q_BOUND:
		return "upper_bound";
	case MI_Q_JIFFIES:
		return "jiffies";
	case MI_Q_UNKNOWN:
		return "clock_stalled";
	}
	return "?";
}

static struct mi_view_row *add_row(struct mi_view *f, const char *phase, const char *name,
				   int node, int cpu, double seconds, enum mi_quality q)
{
	struct mi_view_row *r;

	if (mi_grow((void **)&f->rows, &f->cap_rows, f->nr_rows, sizeof(*f->rows)))
		return NULL;
	r = &f->rows[f->nr_rows++];
	memset(r, 0, sizeof(*r));
	mi_strlcpy(r->phase, phase ?: "?", sizeof(r->phase));
	mi_strlcpy(r->name, name ?: "", sizeof(r->name));
	r->node = node;
	r->cpu = cpu;
	r->seconds = seconds;
	r->cpu_seconds = r->pages = r->bytes = r->start_s = r->end_s = -1;
	r->quality = q;
	return r;
}

static int add_span(struct mi_view *f, const char *phase, const char *name, int node, int cpu,
		    double start, double end, bool thin)
{
	struct mi_view_span *s;

	if (start < 0 || end < start)
		return 0;
	if (mi_grow((void **)&f->spans, &f->cap_spans, f->nr_spans, sizeof(*f->spans)))
		return -ENOMEM;
	s = &f->spans[f->nr_spans++];
	mi_strlcpy(s->phase, phase ?: "?", sizeof(s->phase));
	mi_strlcpy(s->name, name ?: "", sizeof(s->name));
	s->node = node;
	s->cpu = cpu;
	s->start_s = start;
	s->end_s = end;
	s->thin = thin;
	return 0;
}

static struct mi_view_node *node_of(struct mi_view *f, int id)
{
	return (struct mi_view_node *)mi_view_find_node(f, id);
}

const struct mi_view_node *mi_view_find_node(const struct mi_view *f, int id)
{
	size_t i;

	for (i = 0; i < f->nr_nodes; i++)
		if (f->nodes[i].id == id)
			return &f->nodes[i];
	return NULL;
}

double mi_view_row_ns_per_page(const struct mi_view_row *r)
{
	double t = r->cpu_seconds >= 0 ? r->cpu_seconds : r->seconds;

	return r->pages > 0 ? mi_ns_per_page(t, (uint64_t)r->pages) : -1;
}

double mi_view_s_per_tib(const struct mi_view *f, int id, double seconds)
{
	const struct mi_view_node *n = mi_view_find_node(f, id);

	return n ? mi_seconds_per_tib_bytes(seconds, n->bytes) : -1;
}

static int build_nodes(struct mi_view *f, const struct mi_report *r)
{
	size_t i, len = 0;

	for (i = 0; i < r->nr_nodes; i++) {
		const struct mi_node *m = &r->nodes[i];
		struct mi_view_node *n;
		const char *from;
		uint64_t present = mi_node_present_pages(r, m, &from);

		if (mi_grow((void **)&f->nodes, &f->cap_nodes, f->nr_nodes, sizeof(*f->nodes)))
			return -ENOMEM;
		n = &f->nodes[f->nr_nodes++];
		memset(n, 0, sizeof(*n));
		n->id = m->id;
		n->memoryless = m->memoryless;
		n->present_pages = from ? (double)present : -1;
		n->norm_pages = mi_attrib_node_norm_pages(r, m->id);
		n->bytes = mi_pages_bytes(r, n->norm_pages);
		n->deferred_kernel_s = m->deferred_ms >= 0 ? m->deferred_ms / 1e3 : -1;
		n->deferred_traced_s = mi_node_deferred_traced(m);
		n->deferred_s = mi_node_deferred_seconds(m);
		n->threads = m->deferred_threads ? m->deferred_threads : -1;
	}
	/* Shape: the nodes' memory in GiB, by node id. */
	f->shape[0] = 0;
	for (i = 0; i < f->nr_nodes && len < sizeof(f->shape) - 16; i++)
		len += snprintf(f->shape + len, sizeof(f->shape) - len, "%s%.3gG",
				i ? "+" : "", f->nodes[i].bytes / (1024.0 * 1024 * 1024));
	if (!f->nr_nodes)
		mi_strlcpy(f->shape, "unknown", sizeof(f->shape));
	return 0;
}

/*
 * Records with pages and no duration: local_clock() did not advance across
 * them (sched_clock held to a tick, as under QEMU TCG; the report says so in
 * its notes): unknown, never 0.
 */
static void zero_is_unknown(struct mi_view_row *r)
{
	if (r->seconds <= 0 && r->pages > 0) {
		r->seconds = -1;
		r->quality = MI_Q_UNKNOWN;
		if (r->cpu_seconds <= 0)
			r->cpu_seconds = -1;
	}
}

static struct mi_view_table *add_table(struct mi_view *f, const char *name,
				       const char *placement, double entries, double bytes)
{
	struct mi_view_table *t;

	if (mi_grow((void **)&f->tables, &f->cap_tables, f->nr_tables, sizeof(*f->tables)))
		return NULL;
	t = &f->tables[f->nr_tables++];
	mi_strlcpy(t->name, name, sizeof(t->name));
	mi_strlcpy(t->placement, placement, sizeof(t->placement));
	t->entries = entries;
	t->bytes = bytes;
	return t;
}

/* Patched kernel: phases per node, per CPU, hash records, every record. */
static int build_patched(struct mi_view *f, const struct mi_report *r, const struct mi_attrib *a)
{
	size_t i;

	for (i = 0; i < f->nr_nodes; i++) {
		struct mi_view_node *n = &f->nodes[i];
		struct mi_node_balance b;
		int err = mi_attrib_node_balance(r, a, n->id, &b);

		if (err == -ENOMEM)
			return err;
		if (err)
			continue;
		n->has_balance = true;
		n->balance_cpus = b.cpus;
		n->held_by_cpu = b.cpu_dominates;
		n->held_by_chunk = b.chunk_dominates;
	}

	for (i = 0; i < a->nr_phases; i++) {
		const struct mi_phase_sum *p = &a->phases[i];
		struct mi_view_row *row;
		struct mi_view_node *n;

		row = add_row(f, mi_attrib_phase_label(p->phase), NULL, p->node, -1, p->wall,
			      MI_Q_MEASURED);
		if (!row)
			return -ENOMEM;
		row->cpu_seconds = p->cpu;
		row->pages = (double)p->pages;
		row->bytes = (double)p->bytes;
		row->start_s = p->start;
		row->end_s = p->end;
		zero_is_unknown(row);
		n = node_of(f, row->node);
		if (n && p->phase == MI_PH_DEFERRED_CHUNK) {
			n->deferred_s = row->seconds;
			if (p->threads)
				n->threads = p->threads;
		}
	}
	for (i = 0; i < a->nr_cpus; i++) {
		const struct mi_cpu_sum *c = &a->cpus[i];
		struct mi_view_row *row;

		row = add_row(f, mi_phase_name(c->phase), NULL, c->node, c->cpu, c->busy,
			      MI_Q_MEASURED);
		if (!row)
			return -ENOMEM;
		row->pages = (double)c->pages;
		row->start_s = c->start;
		row->end_s = c->end;
		zero_is_unknown(row);
	}
	for (i = 0; i < r->nr_events; i++) {
		const struct mi_event *e = &r->events[i];
		struct mi_view_table *t;

		if (e->phase != MI_PH_HASH)
			continue;
		t = add_table(f, e->name, mi_hash_record_kind(e), (double)e->pages,
			      (double)e->bytes);
		if (!t)
			return -ENOMEM;
		t->seconds = mi_event_seconds(e);
		t->alloc_s = mi_event_part1(e);
		t->zero_s = mi_event_part2(e);
		t->quality = MI_Q_MEASURED;
	}
	for (i = 0; i < a->nr_timeline; i++) {
		const struct mi_event *e = &r->events[a->timeline[i]];

		if (e->live)
			continue;
		if (add_span(f, mi_phase_name(e->phase), e->name, e->node, e->cpu,
			     e->start_ns / 1e9, e->end_ns / 1e9, e->phase == MI_PH_DEFERRED_NODE))
			return -ENOMEM;
	}
	return 0;
}

/* Stock kernel: the kernel's lines, the boot function trace. */
static int build_stock(struct mi_view *f, const struct mi_report *r)
{
	double unattr[MI_MAX_CPUS] = { 0 };
	bool seen[MI_MAX_CPUS] = { false };
	struct mi_cpu_row *cpus = NULL;
	size_t i, k, nr_cpus = 0;

	if (mi_report_cpu_rows(r, &cpus, &nr_cpus))
		return -ENOMEM;
	for (i = 0; i < f->nr_nodes; i++) {
		const struct mi_view_node *n = &f->nodes[i];
		const struct mi_node *m = mi_report_find_node(r, n->id);
		struct mi_view_row *row;

		if (n->deferred_s < 0)
			continue;
		row = add_row(f, "deferred", NULL, n->id, -1, n->deferred_s,
			      n->deferred_traced_s >= 0 ? MI_Q_MEASURED : MI_Q_JIFFIES);
		if (!row)
			goto nomem;
		row->pages = n->present_pages;
		row->start_s = m->deferred_start;
		row->end_s = m->deferred_done;
		for (k = 0; k < nr_cpus; k++)
			if (cpus[k].node == n->id &&
			    !add_row(f, "deferred_chunk", NULL, n->id, cpus[k].cpu, cpus[k].busy,
				     MI_Q_BOUND))
				goto nomem;
	}
	free(cpus);
	for (i = 0; i < r->nr_chunks; i++) {
		const struct mi_chunk *c = &r->chunks[i];

		if (add_span(f, "deferred_chunk", NULL, c->node, c->cpu, c->start, c->end_bound,
			     false))
			return -ENOMEM;
		if (c->node < 0 && c->cpu >= 0 && c->cpu < MI_MAX_CPUS && c->start >= 0 &&
		    c->end_bound >= c->start) {
			unattr[c->cpu] += c->end_bound - c->start;
			seen[c->cpu] = true;
		}
	}
	for (i = 0; i < MI_MAX_CPUS; i++)
		if (seen[i] && !add_row(f, "deferred_chunk", NULL, -1, (int)i, unattr[i], MI_Q_BOUND))
			return -ENOMEM;
	if (!r->nr_events) {
		f->early_start_s = r->early_window_start;
		f->early_end_s = r->early_window_end;
		if (f->early_start_s >= 0 && f->early_end_s >= f->early_start_s) {
			struct mi_view_row *row = add_row(f, "early_window", NULL, -1, -1,
							  f->early_end_s - f->early_start_s,
							  MI_Q_BOUND);

			if (!row || add_span(f, "early_window", NULL, -1, -1, f->early_start_s,
					     f->early_end_s, false))
				return -ENOMEM;
			row->start_s = f->early_start_s;
			row->end_s = f->early_end_s;
		}
	}
	return 0;
nomem:
	free(cpus);
	return -ENOMEM;
}

/* Hash tables from the kernel's lines (and the boot trace), when no records. */
static int build_tables(struct mi_view *f, const struct mi_report *r)
{
	size_t i;

	for (i = 0; i < r->nr_tables; i++) {
		const struct mi_hash_table *h = &r->tables[i];
		struct mi_view_table *t;

		t = add_table(f, h->name, mi_hash_kind_name(h->kind), (double)h->entries,
			      (double)h->bytes);
		if (!t)
			return -ENOMEM;
		t->seconds = mi_table_seconds(h);
		t->alloc_s = t->zero_s = -1;
		t->quality = MI_Q_BOUND;
		if (add_span(f, "hash", t->name, -1, -1, h->start, h->printed, false))
			return -ENOMEM;
	}
	return 0;
}

int mi_view_build(struct mi_view *f, const struct mi_report *r)
{
	struct mi_attrib a = { 0 };
	int err = 0;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->early_start_s = f->early_end_s = -1;
	mi_strlcpy(f->kernel, r->kernel[0] ? r->kernel : "unknown", sizeof(f->kernel));
	mi_strlcpy(f->source, mi_report_source_name(r), sizeof(f->source));
	mi_strlcpy(f->host, r->host, sizeof(f->host));
	f->hz = r->hz;
	f->page_size = mi_page_size(r);
	mi_strlcpy(f->page_size_from, r->page_size_from[0] ? r->page_size_from : "assumed",
		   sizeof(f->page_size_from));
	f->patched = r->nr_events > 0;
	if (f->patched)
		err = mi_attrib_build(r, &a);
	if (!err)
		err = build_nodes(f, r);
	if (!err)
		err = f->patched ? build_patched(f, r, &a) : build_stock(f, r);
	if (!err && !f->nr_tables)
		err = build_tables(f, r);
	/* Hash tables are rows too: phase "hash_table", not tied to a node. */
	for (i = 0; !err && i < f->nr_tables; i++) {
		const struct mi_view_table *t = &f->tables[i];
		struct mi_view_row *row = add_row(f, "hash_table", t->name, -1, -1, t->seconds,
						  t->quality);

		if (!row)
			err = -ENOMEM;
		else
			row->bytes = t->bytes;
	}
	if (f->patched)
		mi_attrib_free(&a);
	if (err) {
		if (err == -ENOMEM)
			mi_err("out of memory");
		mi_view_free(f);
	}
	return err;
}

int mi_view_from_json(struct mi_view *f, json_object *o, const char *what)
{
	struct mi_report r;
	int err;

	memset(f, 0, sizeof(*f));
	err = mi_read_json(&r, o, what);
	if (err)
		return err;
	mi_strlcpy(r.host, mi_j_str(o, "host") ?: "", sizeof(r.host));
	err = mi_view_build(f, &r);
	mi_report_free(&r);
	return err;
}

void mi_view_live_init(struct mi_view *f, const char *kernel)
{
	long ps;

	memset(f, 0, sizeof(*f));
	f->early_start_s = f->early_end_s = -1;
	f->live = true;
	mi_strlcpy(f->kernel, kernel && kernel[0] ? kernel : "unknown", sizeof(f->kernel));
	mi_strlcpy(f->source, "live-bpf", sizeof(f->source));
	mi_strlcpy(f->shape, "unknown", sizeof(f->shape));
	/* A live verb runs on the kernel it measures. */
	ps = sysconf(_SC_PAGESIZE);
	f->page_size = ps > 0 ? (uint64_t)ps : 0;
	mi_strlcpy(f->page_size_from, "sysconf", sizeof(f->page_size_from));
}

int mi_view_add_live(struct mi_view *f, const struct mi_live_row *rows, size_t n,
		     const char *step)
{
	size_t i;

	for (i = 0; i < n; i++) {
		const struct mi_live_row *l = &rows[i];
		bool node_sum = l->cpu == UINT32_MAX;
		double secs = (double)l->ns / 1e9;
		struct mi_view_row *r;

		r = add_row(f, mi_live_phase_func(l->phase), step,
			    l->node == LIVE_NODE_NONE ? -1 : (int)l->node,
			    node_sum ? -1 : (int)l->cpu, node_sum ? -1 : secs, MI_Q_MEASURED);
		if (!r) {
			mi_err("out of memory");
			return -ENOMEM;
		}
		if (node_sum)
			r->cpu_seconds = secs;
		r->pages = (double)l->pages;
	}
	return 0;
}

void mi_view_free(struct mi_view *f)
{
	free(f->rows);
	free(f->spans);
	free(f->nodes);
	free(f->tables);
	f->rows = NULL;
	f->spans = NULL;
	f->nodes = NULL;
	f->tables = NULL;
	f->nr_rows = f->nr_spans = f->nr_nodes = f->nr_tables = 0;
}
