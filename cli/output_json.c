// SPDX-License-Identifier: GPL-2.0
/*
 * JSON writer (json-c, so escaping and numbers are a library's job).
 * The schema is documented in docs/json-schema.md; bump MI_SCHEMA_VERSION
 * on any incompatible change.
 */
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>

#include "output.h"
#include "util.h"

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

static json_object *node_json(const struct mi_report *r, const struct mi_node *n,
			      const struct mi_cpu_row *rows, size_t nr_rows)
{
	bool counts = r->sources & MI_SRC_PROCFS;
	json_object *o = json_object_new_object(), *a;
	double traced = mi_node_deferred_traced(n);
	double secs = traced >= 0 ? traced : n->deferred_ms >= 0 ? n->deferred_ms / 1e3 : -1;
	size_t i;
	int k;

	add(o, "id", json_object_new_int(n->id));
	add(o, "memoryless", json_object_new_boolean(n->memoryless));
	add(o, "cpus", n->cpulist[0] ? json_object_new_string(n->cpulist) : NULL);
	add(o, "mem_total_kb", n->mem_total_kb ? u64(n->mem_total_kb) : NULL);
	add(o, "spanned_pages", counts ? u64(mi_node_spanned(n)) : NULL);
	add(o, "present_pages", counts ? u64(mi_node_present(n)) : NULL);
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
	add(o, "deferred_s_per_tib", counts ? num_or_null(mi_seconds_per_tib(secs, mi_node_present(n))) : NULL);
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
	return o;
}

static json_object *table_json(const struct mi_hash_table *t)
{
	json_object *o = json_object_new_object(), *np = NULL;
	int k;

	add(o, "name", json_object_new_string(t->name));
	add(o, "entries", u64(t->entries));
	add(o, "bytes", u64(t->bytes));
	add(o, "order", json_object_new_int(t->order));
	add(o, "placement", json_object_new_string(mi_hash_kind_name(t->kind)));
	add(o, "printk_s", num_or_null(t->printed));
	add(o, "start_s", num_or_null(t->start));
	add(o, "time_ms_bound", ms_or_null(mi_table_seconds(t)));
	add(o, "caller", t->caller[0] ? json_object_new_string(t->caller) : NULL);
	if (t->nr_node_pages) {
		np = json_object_new_object();
		for (k = 0; k < t->nr_node_pages; k++) {
			char key[16];

			if (!t->node_pages[k])
				continue;
			snprintf(key, sizeof(key), "%d", k);
			add(np, key, u64(t->node_pages[k]));
		}
	}
	add(o, "node_pages", np);
	add(o, "node_pages_matched_by_size", json_object_new_boolean(t->placement_by_size));
	return o;
}

static json_object *sources_json(unsigned int s)
{
	json_object *a = json_object_new_array();

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

int mi_write_json(FILE *f, const struct mi_report *r)
{
	json_object *root = json_object_new_object(), *a, *o;
	struct mi_cpu_row *rows = NULL;
	size_t nr_rows = 0, i;
	int err = 0;

	if (mi_report_cpu_rows(r, &rows, &nr_rows)) {
		json_object_put(root);
		return -1;
	}
	add(root, "schema", json_object_new_string(MI_SCHEMA_NAME));
	add(root, "schema_version", json_object_new_int(MI_SCHEMA_VERSION));
	add(root, "meminit_version", json_object_new_string(MEMINIT_VERSION));
	add(root, "kernel", r->kernel[0] ? json_object_new_string(r->kernel) : NULL);
	add(root, "source", json_object_new_string(r->sources & MI_SRC_FTRACE ?
						   "boot-ftrace" : "dmesg"));
	add(root, "sources", sources_json(r->sources));
	add(root, "live", json_object_new_boolean(r->live));
	add(root, "clock", json_object_new_string("local_clock (printk), seconds since boot"));
	add(root, "hz", r->hz ? json_object_new_int(r->hz) : NULL);
	add(root, "log_complete", json_object_new_boolean(r->log_complete));
	add(root, "total_pages", r->total_pages ? u64(r->total_pages) : NULL);
	add(root, "memory_total_kb", r->mem_total_kb ? u64(r->mem_total_kb) : NULL);
	add(root, "memory_available_kb", r->mem_avail_kb ? u64(r->mem_avail_kb) : NULL);
	o = json_object_new_object();
	add(o, "start_s", num_or_null(r->early_window_start));
	add(o, "end_s", num_or_null(r->early_window_end));
	add(o, "timed", json_object_new_boolean(false));
	add(o, "what", json_object_new_string("early memmap init of all nodes on the boot CPU, "
					      "bounded by printk lines"));
	add(root, "early_window", o);
	add(root, "smp_done_s", num_or_null(r->smp_done));
	add(root, "deferred_begin_s", num_or_null(r->deferred_begin));
	a = json_object_new_array();
	for (i = 0; i < r->nr_nodes; i++)
		json_object_array_add(a, node_json(r, &r->nodes[i], rows, nr_rows));
	add(root, "nodes", a);
	a = json_object_new_array();
	for (i = 0; i < r->nr_chunks; i++) {
		const struct mi_chunk *c = &r->chunks[i];

		o = json_object_new_object();
		add(o, "node", c->node >= 0 ? json_object_new_int(c->node) : NULL);
		add(o, "cpu", json_object_new_int(c->cpu));
		add(o, "task", json_object_new_string(c->task));
		add(o, "start_s", json_object_new_double(c->start));
		add(o, "end_bound_s", num_or_null(c->end_bound));
		json_object_array_add(a, o);
	}
	add(root, "deferred_chunks", a);
	add(root, "deferred_method", r->ftrace_method[0] ?
	    json_object_new_string(r->ftrace_method) :
	    json_object_new_string("the kernel's per-node line, jiffies resolution"));
	a = json_object_new_array();
	for (i = 0; i < r->nr_tables; i++)
		json_object_array_add(a, table_json(&r->tables[i]));
	add(root, "hash_tables", a);
	a = json_object_new_array();
	for (i = 0; i < r->nr_notes; i++)
		json_object_array_add(a, json_object_new_string(r->notes[i]));
	add(root, "notes", a);
	if (fprintf(f, "%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
			      JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
		err = -1;
	json_object_put(root);
	free(rows);
	return err;
}
