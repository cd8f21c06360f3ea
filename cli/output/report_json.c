// SPDX-License-Identifier: GPL-2.0
/*
 * The report's JSON codec: schema meminit-report v2 (docs/json-schema.md)
 * in both directions, the only place its member names are spelled; v1
 * (pages of 4 KiB, no page_size) is read too.
 * json-c does escaping and numbers. Bump MI_SCHEMA_VERSION on any
 * incompatible change.
 */
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "attrib.h"
#include "json_get.h"
#include "output.h"
#include "records_file.h"
#include "util.h"

/* How deferred init was timed when no boot trace timed it. */
#define DEFERRED_METHOD_LINE	"the kernel's per-node line, jiffies resolution"

/* Unknown values are null, never 0 or -1. */
static json_object *num_or_null(double v)
{
	return v >= 0 ? json_object_new_double(v) : NULL;
}

static json_object *ms_or_null(double seconds)
{
	return seconds >= 0 ? json_object_new_double(seconds * 1e3) : NULL;
}

static void add(json_object *o, const char *k, json_object *v)
{
	json_object_object_add(o, k, v);
}

static json_object *u64(uint64_t v)
{
	return json_object_new_int64((int64_t)v);
}

static json_object *zone_json(const struct mi_zone *z, bool counts)
{
	json_object *o = json_object_new_object();

	add(o, "name", json_object_new_string(z->name));
	add(o, "start_pfn", counts ? u64(z->start_pfn) : NULL);
	add(o, "spanned_pages", counts ? u64(z->spanned) : NULL);
	add(o, "present_pages", counts ? u64(z->present) : NULL);
	add(o, "managed_pages", counts ? u64(z->managed) : NULL);
	add(o, "hole_pages", u64(z->hole_pages));
	return o;
}

/* How the node's deferred init was shared out (records), or null. */
static json_object *balance_json(const struct mi_report *r, const struct mi_attrib *at, int node)
{
	struct mi_node_balance b;
	json_object *o;

	if (!at || mi_attrib_node_balance(r, at, node, &b))
		return NULL;
	o = json_object_new_object();
	add(o, "threads", b.threads ? json_object_new_int(b.threads) : NULL);
	add(o, "chunks", json_object_new_int(b.chunks));
	add(o, "chunk_pages_min", u64(b.chunk_pages_min));
	add(o, "chunk_pages_max", u64(b.chunk_pages_max));
	add(o, "cpus", json_object_new_int(b.cpus));
	add(o, "busy_ms_min", ms_or_null(b.busy_min));
	add(o, "busy_ms_median", ms_or_null(b.busy_median));
	add(o, "busy_ms_max", ms_or_null(b.busy_max));
	add(o, "slowest_cpu", json_object_new_int(b.slowest_cpu));
	add(o, "slowest_cpu_chunks", json_object_new_int(b.slowest_cpu_chunks));
	add(o, "slow_cpu", json_object_new_int(b.slow_cpu));
	add(o, "slow_cpu_ns_per_page", num_or_null(b.slow_cpu_ns_per_page));
	add(o, "slow_cpu_busy_ms", ms_or_null(b.slow_cpu_busy));
	add(o, "others_ns_per_page_median", num_or_null(b.others_ns_per_page));
	add(o, "chunk_ms_median", ms_or_null(b.chunk_median));
	add(o, "longest_chunk_ms", ms_or_null(b.longest_chunk));
	add(o, "longest_chunk_cpu", json_object_new_int(b.longest_chunk_cpu));
	add(o, "longest_chunk_start_pfn", u64(b.longest_chunk_pfn));
	add(o, "longest_chunk_pages", u64(b.longest_chunk_pages));
	add(o, "wall_ms", ms_or_null(b.wall));
	add(o, "one_cpu_dominates", json_object_new_boolean(b.cpu_dominates));
	add(o, "one_chunk_dominates", json_object_new_boolean(b.chunk_dominates));
	return o;
}

static json_object *node_json(const struct mi_report *r, const struct mi_node *n,
			      const struct mi_cpu_row *rows, size_t nr_rows,
			      const struct mi_attrib *at)
{
	bool counts = r->sources & MI_SRC_PROCFS;
	json_object *o = json_object_new_object(), *a;
	double traced = mi_node_deferred_traced(n);
	double secs = mi_node_deferred_seconds(n);
	const char *present_from;
	uint64_t present = mi_node_present_pages(r, n, &present_from);
	size_t i;
	int k;

	add(o, "id", json_object_new_int(n->id));
	add(o, "memoryless", json_object_new_boolean(n->memoryless));
	add(o, "cpus", n->cpulist[0] ? json_object_new_string(n->cpulist) : NULL);
	add(o, "mem_total_kb", n->mem_total_kb ? u64(n->mem_total_kb) : NULL);
	add(o, "spanned_pages", counts ? u64(mi_node_spanned(n)) : NULL);
	add(o, "present_pages", present_from ? u64(present) : NULL);
	add(o, "present_pages_from", present_from ? json_object_new_string(present_from) : NULL);
	add(o, "managed_pages", counts ? u64(mi_node_managed(n)) : NULL);
	add(o, "hole_pages", u64(mi_node_holes(n)));
	a = json_object_new_array();
	for (k = 0; k < n->nr_ranges; k++) {
		json_object *rg = json_object_new_object();

		add(rg, "start", u64(n->ranges[k].start));
		add(rg, "end", u64(n->ranges[k].end));
		json_object_array_add(a, rg);
	}
	add(o, "ranges", a);
	a = json_object_new_array();
	for (k = 0; k < n->nr_zones; k++)
		json_object_array_add(a, zone_json(&n->zones[k], counts && n->zones[k].from_zoneinfo));
	add(o, "zones", a);
	add(o, "deferred_init_ms", num_or_null(n->deferred_ms));
	add(o, "deferred_init_resolution_ms", num_or_null(mi_deferred_resolution_ms(r)));
	add(o, "deferred_done_s", num_or_null(n->deferred_done));
	add(o, "deferred_start_s", num_or_null(n->deferred_start));
	add(o, "deferred_traced_ms", ms_or_null(traced));
	add(o, "deferred_threads", n->deferred_threads ? json_object_new_int(n->deferred_threads) : NULL);
	add(o, "deferred_s_per_tib", num_or_null(mi_report_s_per_tib(r, secs, present)));
	a = json_object_new_array();
	for (i = 0; i < nr_rows; i++) {
		json_object *c;

		if (rows[i].node != n->id)
			continue;
		c = json_object_new_object();
		add(c, "cpu", json_object_new_int(rows[i].cpu));
		add(c, "chunks", json_object_new_int(rows[i].chunks));
		add(c, "busy_ms_bound", json_object_new_double(rows[i].busy * 1e3));
		json_object_array_add(a, c);
	}
	add(o, "deferred_cpus", a);
	if (r->nr_events) {
		uint64_t got = mi_attrib_node_pages(r, n->id);

		add(o, "record_pages", u64(got));
		add(o, "record_hole_pages", u64(mi_attrib_node_holes(r, n->id)));
		add(o, "record_pages_equal_present", counts && r->rec_overflow == 0 ?
		    json_object_new_boolean(got == mi_node_present(n)) : NULL);
		add(o, "deferred_balance", balance_json(r, at, n->id));
	}
	return o;
}

/* A table's pages per node ({"0": pages, ...}), or null when unknown. */
static json_object *node_pages_json(const struct mi_hash_table *t)
{
	json_object *np;
	int k;

	if (!t || !t->nr_node_pages)
		return NULL;
	np = json_object_new_object();
	for (k = 0; k < t->nr_node_pages; k++) {
		char key[16];

		if (!t->node_pages[k])
			continue;
		snprintf(key, sizeof(key), "%d", k);
		add(np, key, u64(t->node_pages[k]));
	}
	return np;
}

static json_object *table_json(const struct mi_hash_table *t)
{
	json_object *o = json_object_new_object();

	add(o, "name", json_object_new_string(t->name));
	add(o, "entries", u64(t->entries));
	add(o, "bytes", u64(t->bytes));
	add(o, "order", t->order >= 0 ? json_object_new_int(t->order) : NULL);
	add(o, "numa_nodes", t->numa_nodes ? json_object_new_int(t->numa_nodes) : NULL);
	add(o, "bytes_per_node", t->numa_nodes ? u64(t->bytes_per_node) : NULL);
	add(o, "placement", json_object_new_string(mi_hash_kind_name(t->kind)));
	add(o, "printk_s", num_or_null(t->printed));
	add(o, "start_s", num_or_null(t->start));
	add(o, "time_ms_bound", ms_or_null(mi_table_seconds(t)));
	add(o, "caller", t->caller[0] ? json_object_new_string(t->caller) : NULL);
	add(o, "node_pages", node_pages_json(t));
	add(o, "node_pages_matched_by_size", json_object_new_boolean(t->placement_by_size));
	return o;
}

static json_object *sources_json(unsigned int s)
{
	json_object *a = json_object_new_array();

	if (s & MI_SRC_RECORDS)
		json_object_array_add(a, json_object_new_string("boot-records"));
	if (s & MI_SRC_PERF)
		json_object_array_add(a, json_object_new_string("meminit-events"));
	if (s & MI_SRC_DMESG)
		json_object_array_add(a, json_object_new_string("dmesg"));
	if (s & MI_SRC_PROCFS)
		json_object_array_add(a, json_object_new_string("procfs"));
	if (s & MI_SRC_VMALLOCINFO)
		json_object_array_add(a, json_object_new_string("vmallocinfo"));
	if (s & MI_SRC_FTRACE)
		json_object_array_add(a, json_object_new_string("boot-ftrace"));
	return a;
}

static json_object *records_json(const struct mi_report *r, const struct mi_attrib *a)
{
	json_object *o = json_object_new_object();

	add(o, "via", json_object_new_string(r->rec_via));
	add(o, "version", r->rec_version ? json_object_new_int(r->rec_version) : NULL);
	add(o, "nr_records", u64(r->nr_events));
	add(o, "overflow", r->rec_overflow >= 0 ? json_object_new_int64(r->rec_overflow) : NULL);
	add(o, "capacity", r->rec_capacity >= 0 ? json_object_new_int64(r->rec_capacity) : NULL);
	add(o, "complete", json_object_new_boolean(a->complete));
	add(o, "duplicates_dropped", u64(r->rec_dups));
	return o;
}

static json_object *phase_json(const struct mi_report *r, const struct mi_phase_sum *p)
{
	json_object *o = json_object_new_object();
	uint64_t norm = p->node >= 0 ? mi_attrib_node_norm_pages(r, p->node) : 0;
	bool split = p->part1 >= 0;

	add(o, "phase", json_object_new_string(mi_attrib_phase_label(p->phase)));
	add(o, "node", p->node >= 0 ? json_object_new_int(p->node) : NULL);
	add(o, "records", json_object_new_int(p->records));
	add(o, "untimed_records", json_object_new_int(p->untimed));
	add(o, "cpus", json_object_new_int(p->cpus));
	add(o, "threads", p->threads ? json_object_new_int(p->threads) : NULL);
	add(o, "pages", u64(p->pages));
	add(o, "bytes", u64(p->bytes));
	add(o, "start_s", json_object_new_double(p->start));
	add(o, "end_s", json_object_new_double(p->end));
	add(o, "wall_ms", ms_or_null(p->wall));
	add(o, "cpu_ms", ms_or_null(p->cpu));
	add(o, "init_ms", split ? ms_or_null(p->part1) : NULL);
	add(o, "free_ms", split ? ms_or_null(p->part2) : NULL);
	add(o, "ns_per_page", num_or_null(mi_ns_per_page(p->cpu, p->pages)));
	add(o, "s_per_tib", num_or_null(mi_report_s_per_tib(r, p->wall, norm)));
	add(o, "cpu_s_per_tib", num_or_null(mi_report_s_per_tib(r, p->cpu, norm)));
	add(o, "write_gbps_per_cpu", num_or_null(mi_phase_gbps(p)));
	return o;
}

static json_object *cpu_json(const struct mi_cpu_sum *c)
{
	json_object *o = json_object_new_object();

	add(o, "cpu", json_object_new_int(c->cpu));
	add(o, "phase", json_object_new_string(mi_phase_name(c->phase)));
	add(o, "node", c->node >= 0 ? json_object_new_int(c->node) : NULL);
	add(o, "records", json_object_new_int(c->records));
	add(o, "pages", u64(c->pages));
	add(o, "busy_ms", json_object_new_double(c->busy * 1e3));
	add(o, "start_s", json_object_new_double(c->start));
	add(o, "end_s", json_object_new_double(c->end));
	return o;
}

static json_object *hash_record_json(const struct mi_report *r, const struct mi_event *e)
{
	json_object *o = json_object_new_object();
	const struct mi_hash_table *t = NULL;
	size_t j;

	for (j = 0; j < r->nr_tables; j++)
		if (!strcmp(r->tables[j].name, e->name))
			t = &r->tables[j];
	add(o, "name", json_object_new_string(e->name));
	add(o, "entries", u64(e->pages));
	add(o, "bytes", u64(e->bytes));
	add(o, "placement", json_object_new_string(mi_hash_record_kind(e)));
	add(o, "node", e->node >= 0 ? json_object_new_int(e->node) : NULL);
	add(o, "cpu", json_object_new_int(e->cpu));
	add(o, "start_s", json_object_new_double(e->start_ns / 1e9));
	add(o, "end_s", json_object_new_double(e->end_ns / 1e9));
	add(o, "total_ms", ms_or_null(mi_event_seconds(e)));
	add(o, "alloc_ms", ms_or_null(mi_event_part1(e)));
	add(o, "zero_ms", ms_or_null(mi_event_part2(e)));
	add(o, "zeroing", json_object_new_string(e->flags & MI_REC_HASH_ZERO ? "timed apart" :
		e->flags & MI_REC_HASH_CALLER_INITS ? "by the caller, after" : "unknown"));
	add(o, "zero_gbps", num_or_null(mi_hash_zero_gbps(e)));
	add(o, "hash_flags", json_object_new_int((int)e->aux));
	add(o, "node_pages", node_pages_json(t));
	return o;
}

static json_object *event_json(const struct mi_event *e)
{
	json_object *o = json_object_new_object();

	add(o, "phase", json_object_new_string(mi_phase_name(e->phase)));
	add(o, "node", e->node >= 0 ? json_object_new_int(e->node) : NULL);
	add(o, "zone", e->zone >= 0 ? json_object_new_int(e->zone) : NULL);
	add(o, "cpu", json_object_new_int(e->cpu));
	add(o, "threads", json_object_new_int(e->threads));
	add(o, "start_ns", u64(e->start_ns));
	add(o, "end_ns", u64(e->end_ns));
	add(o, "split_ns", e->flags & MI_REC_SPLIT ? u64(e->split_ns) : NULL);
	add(o, "start_pfn", u64(e->start_pfn));
	add(o, "pages", u64(e->pages));
	add(o, "bytes", u64(e->bytes));
	add(o, "flags", json_object_new_int((int)e->flags));
	add(o, "aux", json_object_new_int64(e->aux));
	add(o, "name", e->name[0] ? json_object_new_string(e->name) : NULL);
	add(o, "live", json_object_new_boolean(e->live));
	return o;
}

/*
 * The report goes out one top-level member at a time and each array one
 * element at a time, every object freed once written, in json-c's own
 * pretty layout: a report of a million records never holds them all as
 * json-c objects (3.2 KB a record) and as text at once.
 */
#define JSON_FLAGS (JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE)

struct json_writer {
	FILE *f;		/* the text goes here, or */
	json_object *tree;	/* the members are added to this object */
	json_object *array;	/* the open array of the tree */
	bool err;
	size_t members;		/* written at the top level */
	size_t elems;		/* written in the open array */
};

static void jw_puts(struct json_writer *w, const char *s, size_t len)
{
	if (len && fwrite(s, 1, len, w->f) != len)
		w->err = true;
}

/* Write @v at @depth (nested lines indented 2 spaces a level) and free it. */
static void jw_value(struct json_writer *w, json_object *v, int depth)
{
	static const char pad[] = "        ";	/* 4 levels; the report nests 2 */
	size_t indent = (size_t)depth * 2 < sizeof(pad) - 1 ? (size_t)depth * 2 : sizeof(pad) - 1;
	const char *s = v ? json_object_to_json_string_ext(v, JSON_FLAGS) : "null";
	const char *nl;

	/* json-c escapes newlines in strings: each one here ends a line. */
	while ((nl = strchr(s, '\n'))) {
		jw_puts(w, s, (size_t)(nl + 1 - s));
		jw_puts(w, pad, indent);
		s = nl + 1;
	}
	jw_puts(w, s, strlen(s));
	json_object_put(v);
}

static void jw_key(struct json_writer *w, const char *key)
{
	if (fprintf(w->f, "%s\n  \"%s\":", w->members++ ? "," : "{", key) < 0)
		w->err = true;
}

static void jw_member(struct json_writer *w, const char *key, json_object *v)
{
	if (w->tree) {
		if (json_object_object_add(w->tree, key, v)) {
			json_object_put(v);
			w->err = true;
		}
		return;
	}
	jw_key(w, key);
	jw_value(w, v, 1);
}

static void jw_array_begin(struct json_writer *w, const char *key)
{
	if (w->tree) {
		w->array = json_object_new_array();
		jw_member(w, key, w->array);
		w->err |= !w->array;
		return;
	}
	jw_key(w, key);
	jw_puts(w, "[", 1);
	w->elems = 0;
}

static void jw_elem(struct json_writer *w, json_object *v)
{
	if (w->tree) {
		if (!w->array || json_object_array_add(w->array, v)) {
			json_object_put(v);
			w->err = true;
		}
		return;
	}
	if (w->elems++)
		jw_puts(w, ",", 1);
	jw_puts(w, "\n    ", 5);
	jw_value(w, v, 2);
}

static void jw_array_end(struct json_writer *w)
{
	if (w->tree)
		w->array = NULL;
	else
		jw_puts(w, "\n  ]", 4);
}

static int jw_end(struct json_writer *w)
{
	if (w->tree)
		return w->err ? -1 : 0;
	jw_puts(w, "\n}\n", 3);
	return w->err || ferror(w->f) ? -1 : 0;
}

static void write_records(struct json_writer *w, const struct mi_report *r,
			  const struct mi_attrib *a)
{
	size_t i;

	jw_member(w, "records", records_json(r, a));
	jw_member(w, "split_method", json_object_new_string(mi_split_method));
	jw_array_begin(w, "phases");
	for (i = 0; i < a->nr_phases; i++)
		jw_elem(w, phase_json(r, &a->phases[i]));
	jw_array_end(w);
	jw_array_begin(w, "cpus");
	for (i = 0; i < a->nr_cpus; i++)
		jw_elem(w, cpu_json(&a->cpus[i]));
	jw_array_end(w);
	jw_array_begin(w, "hash_records");
	for (i = 0; i < r->nr_events; i++)
		if (r->events[i].phase == MI_PH_HASH)
			jw_elem(w, hash_record_json(r, &r->events[i]));
	jw_array_end(w);
	jw_array_begin(w, "events");
	for (i = 0; i < a->nr_timeline; i++)
		jw_elem(w, event_json(&r->events[a->timeline[i]]));
	jw_array_end(w);
}

/* The one writer of the schema, into W's text or tree. */
static int write_report(struct json_writer w, const struct mi_report *r)
{
	struct mi_cpu_row *rows = NULL;
	size_t nr_rows = 0, i;
	struct mi_attrib at;
	json_object *o;
	int err;

	/* All that can fail before the first byte: never half a report. */
	if (mi_report_cpu_rows(r, &rows, &nr_rows))
		return -1;
	if (r->nr_events && mi_attrib_build(r, &at)) {
		free(rows);
		return -1;
	}
	jw_member(&w, "schema", json_object_new_string(MI_SCHEMA_NAME));
	jw_member(&w, "schema_version", json_object_new_int(MI_SCHEMA_VERSION));
	jw_member(&w, "meminit_version", json_object_new_string(MEMINIT_VERSION));
	jw_member(&w, "kernel", r->kernel[0] ? json_object_new_string(r->kernel) : NULL);
	jw_member(&w, "source", json_object_new_string(mi_report_source_name(r)));
	jw_member(&w, "sources", sources_json(r->sources));
	jw_member(&w, "live", json_object_new_boolean(r->live));
	jw_member(&w, "clock", json_object_new_string("local_clock (printk), seconds since boot"));
	jw_member(&w, "hz", r->hz ? json_object_new_int(r->hz) : NULL);
	jw_member(&w, "page_size", u64(mi_page_size(r)));
	jw_member(&w, "page_size_from", json_object_new_string(r->page_size_from[0] ?
							       r->page_size_from : "assumed"));
	jw_member(&w, "lazy_deferred_pages", r->lazy_deferred_pages ?
		  json_object_new_int64((int64_t)r->lazy_deferred_pages) : NULL);
	jw_member(&w, "log_complete", json_object_new_boolean(r->log_complete));
	jw_member(&w, "total_pages", r->total_pages ? u64(r->total_pages) : NULL);
	jw_member(&w, "memory_total_kb", r->mem_total_kb ? u64(r->mem_total_kb) : NULL);
	jw_member(&w, "memory_available_kb", r->mem_avail_kb ? u64(r->mem_avail_kb) : NULL);
	o = json_object_new_object();
	add(o, "start_s", num_or_null(r->early_window_start));
	add(o, "end_s", num_or_null(r->early_window_end));
	add(o, "timed", json_object_new_boolean(r->nr_events > 0));
	add(o, "what", json_object_new_string("early memmap init of all nodes on the boot CPU, "
					      "bounded by printk lines"));
	jw_member(&w, "early_window", o);
	jw_member(&w, "smp_done_s", num_or_null(r->smp_done));
	jw_member(&w, "deferred_begin_s", num_or_null(r->deferred_begin));
	jw_array_begin(&w, "nodes");
	for (i = 0; i < r->nr_nodes; i++)
		jw_elem(&w, node_json(r, &r->nodes[i], rows, nr_rows, r->nr_events ? &at : NULL));
	jw_array_end(&w);
	jw_array_begin(&w, "deferred_chunks");
	for (i = 0; i < r->nr_chunks; i++) {
		const struct mi_chunk *c = &r->chunks[i];

		o = json_object_new_object();
		add(o, "node", c->node >= 0 ? json_object_new_int(c->node) : NULL);
		add(o, "cpu", json_object_new_int(c->cpu));
		add(o, "task", json_object_new_string(c->task));
		add(o, "start_s", json_object_new_double(c->start));
		add(o, "end_bound_s", num_or_null(c->end_bound));
		jw_elem(&w, o);
	}
	jw_array_end(&w);
	jw_member(&w, "deferred_method", r->ftrace_method[0] ?
		  json_object_new_string(r->ftrace_method) :
		  json_object_new_string(DEFERRED_METHOD_LINE));
	jw_array_begin(&w, "hash_tables");
	for (i = 0; i < r->nr_tables; i++)
		jw_elem(&w, table_json(&r->tables[i]));
	jw_array_end(&w);
	free(rows);
	if (r->nr_events) {
		write_records(&w, r, &at);
		mi_attrib_free(&at);
	}
	jw_array_begin(&w, "notes");
	for (i = 0; i < r->nr_notes; i++)
		jw_elem(&w, json_object_new_string(r->notes[i]));
	jw_array_end(&w);
	/* 'meminit collect' names the machine; other reports leave it out */
	if (r->host[0])
		jw_member(&w, "host", json_object_new_string(r->host));
	if (r->boot_id[0])
		jw_member(&w, "boot_id", json_object_new_string(r->boot_id));
	if (r->collected_unix)
		jw_member(&w, "collected_unix", json_object_new_int64(r->collected_unix));
	err = jw_end(&w);
	return err;
}

int mi_write_json(FILE *f, const struct mi_report *r)
{
	return write_report((struct json_writer){ .f = f }, r);
}

json_object *mi_report_json(const struct mi_report *r)
{
	json_object *o = json_object_new_object();

	if (!o || write_report((struct json_writer){ .tree = o }, r)) {
		json_object_put(o);
		mi_err("out of memory");
		return NULL;
	}
	return o;
}

/*
 * The reading half: a report JSON back into struct mi_report, so that a
 * saved report, a kexec run and a fleet archive give every output the
 * same model a collection gives, and each derived number is computed
 * again by the one function that defines it. Members that mi_write_json
 * derives (s/TiB, traced times, the attribution) are not read: they
 * follow from what is. A member that is absent or null stays unknown, as
 * in a report of older sources; one of a wrong kind is refused.
 */
static int bad(const char *what, const char *member, const char *why)
{
	mi_err("%s: %s %s", what, member, why);
	return -EINVAL;
}

static double opt_num(json_object *o, const char *k)
{
	return mi_j_num(o, k) >= 0 ? mi_j_num(o, k) : MI_UNKNOWN;
}

static void copy_str(char *dst, size_t size, json_object *o, const char *k)
{
	mi_strlcpy(dst, mi_j_str(o, k) ?: "", size);
}

static unsigned int read_sources(json_object *o)
{
	static const struct { const char *name; unsigned int bit; } names[] = {
		{ "boot-records", MI_SRC_RECORDS }, { "meminit-events", MI_SRC_PERF },
		{ "dmesg", MI_SRC_DMESG }, { "procfs", MI_SRC_PROCFS },
		{ "vmallocinfo", MI_SRC_VMALLOCINFO }, { "boot-ftrace", MI_SRC_FTRACE },
	};
	json_object *a = mi_j_arr(o, "sources");
	unsigned int bits = 0;
	size_t i, k;

	for (i = 0; a && i < json_object_array_length(a); i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(a, i));

		for (k = 0; s && k < ARRAY_SIZE(names); k++)
			if (!strcmp(s, names[k].name))
				bits |= names[k].bit;
	}
	return bits;
}

static int read_zones(struct mi_node *n, json_object *a, const char *what)
{
	size_t i;

	for (i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		const char *name = mi_j_str(e, "name");
		struct mi_zone *z;

		if (!name)
			return bad(what, "a zone", "has no name");
		z = mi_node_zone(n, name);
		if (!z)
			return bad(what, "a node", "has more zones than a kernel has");
		/* zoneinfo's counts, written only when it was read */
		z->from_zoneinfo = mi_j_num(e, "present_pages") >= 0;
		z->start_pfn = mi_j_u64(e, "start_pfn", 0);
		z->spanned = mi_j_u64(e, "spanned_pages", 0);
		z->present = mi_j_u64(e, "present_pages", 0);
		z->managed = mi_j_u64(e, "managed_pages", 0);
		z->hole_pages = mi_j_u64(e, "hole_pages", 0);
	}
	return 0;
}

static int read_node(struct mi_report *r, json_object *e, const char *what)
{
	json_object *ranges = mi_j_arr(e, "ranges");
	const char *from = mi_j_str(e, "present_pages_from");
	int id = mi_j_int(e, "id");
	struct mi_node *n;
	size_t i;

	if (id < 0 || id >= MI_MAX_NODES)
		return bad(what, "a node", "has no valid id");
	if (mi_report_find_node(r, id))
		return bad(what, "a node id", "appears twice");
	n = mi_report_node(r, id);
	if (!n)
		return -ENOMEM;
	n->memoryless = mi_j_bool(e, "memoryless");
	copy_str(n->cpulist, sizeof(n->cpulist), e, "cpus");
	n->mem_total_kb = mi_j_u64(e, "mem_total_kb", 0);
	for (i = 0; ranges && i < json_object_array_length(ranges); i++) {
		json_object *g = json_object_array_get_idx(ranges, i);

		if (n->nr_ranges == MI_MAX_RANGES)
			return bad(what, "a node", "has more ranges than meminit keeps");
		n->ranges[n->nr_ranges].start = mi_j_u64(g, "start", 0);
		n->ranges[n->nr_ranges++].end = mi_j_u64(g, "end", 0);
	}
	/* The log's count is the one present_pages gives when zoneinfo was not read. */
	if (from && !strcmp(from, "kernel log"))
		n->log_present_bytes = mi_j_u64(e, "present_pages", 0) * mi_page_size(r);
	n->deferred_ms = opt_num(e, "deferred_init_ms");
	n->deferred_done = opt_num(e, "deferred_done_s");
	n->deferred_start = opt_num(e, "deferred_start_s");
	n->deferred_threads = mi_j_int(e, "deferred_threads") > 0 ?
			      mi_j_int(e, "deferred_threads") : 0;
	return read_zones(n, mi_j_arr(e, "zones"), what);
}

static int read_chunk(struct mi_report *r, json_object *e)
{
	struct mi_chunk *c = mi_report_add_chunk(r);

	if (!c)
		return -ENOMEM;
	c->node = mi_j_int(e, "node");
	c->cpu = mi_j_int(e, "cpu");
	copy_str(c->task, sizeof(c->task), e, "task");
	c->start = mi_j_num(e, "start_s");
	c->end_bound = opt_num(e, "end_bound_s");
	return 0;
}

static enum mi_hash_kind hash_kind_of(const char *name)
{
	enum mi_hash_kind k;

	for (k = MI_HASH_LINEAR; k <= MI_HASH_VMALLOC_HUGE; k++)
		if (name && !strcmp(name, mi_hash_kind_name(k)))
			return k;
	return MI_HASH_UNKNOWN;
}

static int read_node_pages(struct mi_hash_table *t, json_object *np)
{
	int max = -1, id;

	if (!np)
		return 0;
	json_object_object_foreach(np, key, val) {
		id = atoi(key);
		(void)val;
		if (id >= 0 && id < MI_MAX_NODES && id > max)
			max = id;
	}
	if (max < 0)
		return 0;
	t->node_pages = calloc((size_t)max + 1, sizeof(*t->node_pages));
	if (!t->node_pages)
		return -ENOMEM;
	t->nr_node_pages = max + 1;
	json_object_object_foreach(np, k2, v2) {
		id = atoi(k2);
		if (id >= 0 && id <= max && json_object_is_type(v2, json_type_int) &&
		    json_object_get_int64(v2) > 0)
			t->node_pages[id] = (uint64_t)json_object_get_int64(v2);
	}
	return 0;
}

static int read_table(struct mi_report *r, json_object *e, const char *what)
{
	struct mi_hash_table *t;

	if (!mi_j_str(e, "name"))
		return bad(what, "a hash table", "has no name");
	t = mi_report_add_table(r);
	if (!t)
		return -ENOMEM;
	copy_str(t->name, sizeof(t->name), e, "name");
	t->entries = mi_j_u64(e, "entries", 0);
	t->bytes = mi_j_u64(e, "bytes", 0);
	t->order = mi_j_int(e, "order");
	t->numa_nodes = mi_j_int(e, "numa_nodes") > 0 ? mi_j_int(e, "numa_nodes") : 0;
	t->bytes_per_node = mi_j_u64(e, "bytes_per_node", 0);
	t->kind = hash_kind_of(mi_j_str(e, "placement"));
	t->printed = opt_num(e, "printk_s");
	t->start = opt_num(e, "start_s");
	copy_str(t->caller, sizeof(t->caller), e, "caller");
	t->placement_by_size = mi_j_bool(e, "node_pages_matched_by_size");
	return read_node_pages(t, mi_j_obj(e, "node_pages"));
}

static int read_event(struct mi_report *r, json_object *o, const char *what)
{
	const char *phase = mi_j_str(o, "phase");
	struct mi_event e = { .phase = phase ? mi_phase_from_name(phase) : -1 };

	if (e.phase < 0)
		return bad(what, "a record", "has no phase this meminit knows");
	e.node = mi_j_int(o, "node");
	e.zone = mi_j_int(o, "zone");
	e.cpu = mi_j_int(o, "cpu");
	e.threads = mi_j_int(o, "threads") > 0 ? mi_j_int(o, "threads") : 0;
	e.start_ns = mi_j_u64(o, "start_ns", 0);
	e.end_ns = mi_j_u64(o, "end_ns", 0);
	e.split_ns = mi_j_u64(o, "split_ns", 0);
	e.start_pfn = mi_j_u64(o, "start_pfn", 0);
	e.pages = mi_j_u64(o, "pages", 0);
	e.bytes = mi_j_u64(o, "bytes", 0);
	e.flags = (unsigned int)mi_j_u64(o, "flags", 0);
	e.aux = (unsigned int)mi_j_u64(o, "aux", 0);
	copy_str(e.name, sizeof(e.name), o, "name");
	e.live = mi_j_bool(o, "live");
	if (e.end_ns < e.start_ns)
		return bad(what, "a record", "ends before it starts");
	return mi_report_add_event(r, &e);
}

/*
 * "events" is in timeline order (by CPU, then start), "hash_records" in the
 * order the records came (the kernel's buffer): put the hash records back
 * in that order among the slots they hold, so the read report lists its
 * tables as the collected one did.
 */
static int order_hash_events(struct mi_report *r, json_object *hash)
{
	size_t nr = hash ? json_object_array_length(hash) : 0, i, k, n = 0, *slot;
	struct mi_event *ordered;
	bool *taken;
	int err = -ENOMEM;

	if (!nr)
		return 0;
	slot = calloc(r->nr_events, sizeof(*slot));
	ordered = calloc(r->nr_events, sizeof(*ordered));
	taken = calloc(r->nr_events, sizeof(*taken));
	if (!slot || !ordered || !taken)
		goto out;
	for (k = 0; k < r->nr_events; k++)
		if (r->events[k].phase == MI_PH_HASH)
			slot[n++] = k;
	for (i = 0; i < nr && i < n; i++) {
		json_object *h = json_object_array_get_idx(hash, i);
		const char *name = mi_j_str(h, "name") ?: "";
		int cpu = mi_j_int(h, "cpu");
		double start = mi_j_num(h, "start_s");

		for (k = 0; k < n; k++) {
			const struct mi_event *e = &r->events[slot[k]];

			if (!taken[k] && !strcmp(e->name, name) && e->cpu == cpu &&
			    e->start_ns / 1e9 == start)
				break;
		}
		if (k == n)
			break;	/* not the report's own list: keep timeline order */
		taken[k] = true;
		ordered[i] = r->events[slot[k]];
	}
	if (i == n)
		for (k = 0; k < n; k++)
			r->events[slot[k]] = ordered[k];
	err = 0;
out:
	free(slot);
	free(ordered);
	free(taken);
	return err;
}

static int read_records(struct mi_report *r, json_object *o, const char *what)
{
	json_object *rec = mi_j_obj(o, "records"), *a = mi_j_arr(o, "events");
	size_t i;
	int err = 0;

	if (!rec)
		return 0;
	copy_str(r->rec_via, sizeof(r->rec_via), rec, "via");
	r->rec_version = mi_j_int(rec, "version") > 0 ? mi_j_int(rec, "version") : 0;
	r->rec_overflow = mi_j_num(rec, "overflow") >= 0 ? (long long)mi_j_u64(rec, "overflow", 0) : -1;
	r->rec_capacity = mi_j_num(rec, "capacity") >= 0 ? (long long)mi_j_u64(rec, "capacity", 0) : -1;
	r->rec_dups = mi_j_u64(rec, "duplicates_dropped", 0);
	for (i = 0; !err && a && i < json_object_array_length(a); i++)
		err = read_event(r, json_object_array_get_idx(a, i), what);
	if (!err && !r->nr_events)
		err = bad(what, "\"records\"", "is there but no record is");
	return err ?: order_hash_events(r, mi_j_arr(o, "hash_records"));
}

int mi_report_json_check(json_object *o, const char *what)
{
	const char *schema;
	int version;

	if (!o || !json_object_is_type(o, json_type_object)) {
		mi_err("%s: not a JSON object", what);
		return -EINVAL;
	}
	schema = mi_j_str(o, "schema");
	version = mi_j_int(o, "schema_version");
	if (!schema || strcmp(schema, MI_SCHEMA_NAME)) {
		mi_err("%s: not a meminit report (schema %s%s%s, expected \"%s\")", what,
		       schema ? "\"" : "", schema ?: "missing", schema ? "\"" : "", MI_SCHEMA_NAME);
		return -EINVAL;
	}
	if (version < 1 || version > MI_SCHEMA_VERSION) {
		mi_err("%s: %s schema version %d, this meminit reads versions 1 to %d", what,
		       MI_SCHEMA_NAME, version, MI_SCHEMA_VERSION);
		return -EINVAL;
	}
	return 0;
}

/*
 * The page size of the report's kernel: version 2 states it; version 1
 * counted every page as 4 KiB, which is taken as such, and said.
 */
static int read_page_size(struct mi_report *r, json_object *o, const char *what)
{
	uint64_t ps = mi_j_u64(o, "page_size", 0);

	if (mi_j_int(o, "schema_version") < 2) {
		r->page_size = MI_PAGE_SIZE_ASSUMED;
		mi_strlcpy(r->page_size_from, "schema v1", sizeof(r->page_size_from));
		return mi_report_note(r, "%s: a schema version 1 report, which has no page size: "
				      "its pages are taken as 4 KiB", what);
	}
	if (!mi_page_size_valid(ps))
		return bad(what, "page_size", "is not a page size of a kernel (4 to 256 KiB, a "
			   "power of two)");
	r->page_size = ps;
	copy_str(r->page_size_from, sizeof(r->page_size_from), o, "page_size_from");
	return 0;
}

int mi_read_json(struct mi_report *r, json_object *o, const char *what)
{
	const char *method = mi_j_str(o, "deferred_method");
	json_object *a, *w = mi_j_obj(o, "early_window");
	size_t i;
	int err;

	mi_report_init(r);
	err = mi_report_json_check(o, what);
	if (err)
		return err;
	copy_str(r->kernel, sizeof(r->kernel), o, "kernel");
	copy_str(r->host, sizeof(r->host), o, "host");
	copy_str(r->boot_id, sizeof(r->boot_id), o, "boot_id");
	r->collected_unix = (long long)mi_j_u64(o, "collected_unix", 0);
	r->sources = read_sources(o);
	r->live = mi_j_bool(o, "live");
	r->hz = mi_j_int(o, "hz") > 0 ? mi_j_int(o, "hz") : 0;
	r->lazy_deferred_pages = mi_j_u64(o, "lazy_deferred_pages", 0);
	r->log_complete = mi_j_bool(o, "log_complete");
	r->total_pages = mi_j_u64(o, "total_pages", 0);
	r->mem_total_kb = mi_j_u64(o, "memory_total_kb", 0);
	r->mem_avail_kb = mi_j_u64(o, "memory_available_kb", 0);
	r->early_window_start = opt_num(w, "start_s");
	r->early_window_end = opt_num(w, "end_s");
	r->smp_done = opt_num(o, "smp_done_s");
	r->deferred_begin = opt_num(o, "deferred_begin_s");
	err = read_page_size(r, o, what);
	a = mi_j_arr(o, "nodes");
	for (i = 0; !err && a && i < json_object_array_length(a); i++)
		err = read_node(r, json_object_array_get_idx(a, i), what);
	a = mi_j_arr(o, "deferred_chunks");
	for (i = 0; !err && a && i < json_object_array_length(a); i++)
		err = read_chunk(r, json_object_array_get_idx(a, i));
	if (method && strcmp(method, DEFERRED_METHOD_LINE))
		mi_strlcpy(r->ftrace_method, method, sizeof(r->ftrace_method));
	a = mi_j_arr(o, "hash_tables");
	for (i = 0; !err && a && i < json_object_array_length(a); i++)
		err = read_table(r, json_object_array_get_idx(a, i), what);
	if (!err)
		err = read_records(r, o, what);
	a = mi_j_arr(o, "notes");
	for (i = 0; !err && a && i < json_object_array_length(a); i++)
		err = mi_report_note(r, "%s", json_object_get_string(json_object_array_get_idx(a, i)));
	if (err == -ENOMEM)
		mi_err("%s: out of memory", what);
	if (err)
		mi_report_free(r);
	return err;
}
