// SPDX-License-Identifier: GPL-2.0
/* A report JSON flattened into rows, spans, nodes and tables (see flat.h). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "flat.h"
#include "model.h"
#include "util.h"

double mi_j_num(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) ||
	    !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return -1;
	return json_object_get_double(v);
}

int mi_j_int(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int(v);
}

const char *mi_j_str(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

json_object *mi_j_arr(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

static bool j_bool(json_object *o, const char *k)
{
	json_object *v;

	return o && json_object_object_get_ex(o, k, &v) &&
	       json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

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

int mi_flat_check(json_object *o, const char *what)
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
	if (version != MI_SCHEMA_VERSION) {
		mi_err("%s: %s schema version %d, this meminit reads version %d only", what,
		       MI_SCHEMA_NAME, version, MI_SCHEMA_VERSION);
		return -EINVAL;
	}
	return 0;
}

static double sec(double ms)
{
	return ms >= 0 ? ms / 1e3 : -1;
}

static struct mi_flat_row *add_row(struct mi_flat *f, const char *phase, const char *name,
				   int node, int cpu, double seconds, enum mi_quality q)
{
	struct mi_flat_row *r;

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

static int add_span(struct mi_flat *f, const char *phase, const char *name, int node, int cpu,
		    double start, double end, bool thin)
{
	struct mi_flat_span *s;

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

static struct mi_flat_node *node_of(struct mi_flat *f, int id)
{
	return (struct mi_flat_node *)mi_flat_find_node(f, id);
}

const struct mi_flat_node *mi_flat_find_node(const struct mi_flat *f, int id)
{
	size_t i;

	for (i = 0; i < f->nr_nodes; i++)
		if (f->nodes[i].id == id)
			return &f->nodes[i];
	return NULL;
}

double mi_flat_s_per_tib(const struct mi_flat *f, int id, double seconds)
{
	const struct mi_flat_node *n = mi_flat_find_node(f, id);

	if (!n || n->bytes <= 0 || seconds < 0)
		return -1;
	return seconds / (n->bytes / MI_TIB);
}

static int build_nodes(struct mi_flat *f, json_object *o)
{
	json_object *a = mi_j_arr(o, "nodes");
	size_t i, k, len = 0;

	for (i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i), *rg = mi_j_arr(e, "ranges");
		struct mi_flat_node *n;
		double traced;

		if (mi_j_int(e, "id") < 0)
			continue;
		if (mi_grow((void **)&f->nodes, &f->cap_nodes, f->nr_nodes, sizeof(*f->nodes)))
			return -ENOMEM;
		n = &f->nodes[f->nr_nodes++];
		n->id = mi_j_int(e, "id");
		n->memoryless = j_bool(e, "memoryless");
		n->present_pages = mi_j_num(e, "present_pages");
		n->bytes = 0;
		if (n->present_pages > 0) {
			n->bytes = n->present_pages * 4096;
		} else {
			for (k = 0; rg && k < json_object_array_length(rg); k++) {
				json_object *r = json_object_array_get_idx(rg, k);
				double s = mi_j_num(r, "start"), end = mi_j_num(r, "end");

				if (s >= 0 && end >= s)
					n->bytes += end - s + 1;
			}
		}
		n->deferred_kernel_s = sec(mi_j_num(e, "deferred_init_ms"));
		traced = sec(mi_j_num(e, "deferred_traced_ms"));
		n->deferred_s = traced >= 0 ? traced : n->deferred_kernel_s;
		n->threads = mi_j_int(e, "deferred_threads");
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
 * its notes). Reports write their time as null (older ones as 0): unknown.
 */
static void zero_is_unknown(struct mi_flat_row *r)
{
	if (r->seconds <= 0 && r->pages > 0) {
		r->seconds = -1;
		r->quality = MI_Q_UNKNOWN;
		if (r->cpu_seconds <= 0)
			r->cpu_seconds = -1;
	}
}

/* A hash table row from a report's JSON entry: name, placement, size. */
static struct mi_flat_table *add_table(struct mi_flat *f, json_object *e)
{
	struct mi_flat_table *t;

	if (mi_grow((void **)&f->tables, &f->cap_tables, f->nr_tables, sizeof(*f->tables)))
		return NULL;
	t = &f->tables[f->nr_tables++];
	mi_strlcpy(t->name, mi_j_str(e, "name") ?: "?", sizeof(t->name));
	mi_strlcpy(t->placement, mi_j_str(e, "placement") ?: "unknown", sizeof(t->placement));
	t->entries = mi_j_num(e, "entries");
	t->bytes = mi_j_num(e, "bytes");
	return t;
}

/* Patched kernel: phases per node, per CPU, hash records, every record. */
static int build_patched(struct mi_flat *f, json_object *o)
{
	json_object *a;
	size_t i;

	a = mi_j_arr(o, "phases");
	for (i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		struct mi_flat_row *r;
		struct mi_flat_node *n;

		r = add_row(f, mi_j_str(e, "phase"), NULL, mi_j_int(e, "node"), -1,
			    sec(mi_j_num(e, "wall_ms")), MI_Q_MEASURED);
		if (!r)
			return -ENOMEM;
		r->cpu_seconds = sec(mi_j_num(e, "cpu_ms"));
		r->pages = mi_j_num(e, "pages");
		r->bytes = mi_j_num(e, "bytes");
		r->start_s = mi_j_num(e, "start_s");
		r->end_s = mi_j_num(e, "end_s");
		zero_is_unknown(r);
		n = node_of(f, r->node);
		if (n && !strcmp(r->phase, "deferred")) {
			n->deferred_s = r->seconds;
			if (mi_j_int(e, "threads") >= 0)
				n->threads = mi_j_int(e, "threads");
		}
	}
	a = mi_j_arr(o, "cpus");
	for (i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		struct mi_flat_row *r;

		r = add_row(f, mi_j_str(e, "phase"), NULL, mi_j_int(e, "node"), mi_j_int(e, "cpu"),
			    sec(mi_j_num(e, "busy_ms")), MI_Q_MEASURED);
		if (!r)
			return -ENOMEM;
		r->pages = mi_j_num(e, "pages");
		r->start_s = mi_j_num(e, "start_s");
		r->end_s = mi_j_num(e, "end_s");
		zero_is_unknown(r);
	}
	a = mi_j_arr(o, "hash_records");
	for (i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		struct mi_flat_table *t;

		t = add_table(f, e);
		if (!t)
			return -ENOMEM;
		t->seconds = sec(mi_j_num(e, "total_ms"));
		t->alloc_s = sec(mi_j_num(e, "alloc_ms"));
		t->zero_s = sec(mi_j_num(e, "zero_ms"));
		t->quality = MI_Q_MEASURED;
	}
	a = mi_j_arr(o, "events");
	for (i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		const char *ph = mi_j_str(e, "phase");
		double s = mi_j_num(e, "start_ns"), end = mi_j_num(e, "end_ns");

		if (j_bool(e, "live") || s < 0 || end < 0)
			continue;
		if (add_span(f, ph, mi_j_str(e, "name"), mi_j_int(e, "node"), mi_j_int(e, "cpu"),
			     s / 1e9, end / 1e9, ph && !strcmp(ph, "deferred_node")))
			return -ENOMEM;
	}
	return 0;
}

/* Stock kernel: the kernel's lines, the boot function trace. */
static int build_stock(struct mi_flat *f, json_object *o)
{
	json_object *a = mi_j_arr(o, "nodes"), *w;
	double unattr[1024] = { 0 };
	bool seen[1024] = { false };
	size_t i, k;

	for (i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i), *cpus = mi_j_arr(e, "deferred_cpus");
		int id = mi_j_int(e, "id");
		const struct mi_flat_node *n = mi_flat_find_node(f, id);
		struct mi_flat_row *r;

		if (!n || n->deferred_s < 0)
			continue;
		r = add_row(f, "deferred", NULL, id, -1, n->deferred_s,
			    mi_j_num(e, "deferred_traced_ms") >= 0 ? MI_Q_MEASURED : MI_Q_JIFFIES);
		if (!r)
			return -ENOMEM;
		r->pages = n->present_pages;
		r->start_s = mi_j_num(e, "deferred_start_s");
		r->end_s = mi_j_num(e, "deferred_done_s");
		for (k = 0; cpus && k < json_object_array_length(cpus); k++) {
			json_object *c = json_object_array_get_idx(cpus, k);

			r = add_row(f, "deferred_chunk", NULL, id, mi_j_int(c, "cpu"),
				    sec(mi_j_num(c, "busy_ms_bound")), MI_Q_BOUND);
			if (!r)
				return -ENOMEM;
		}
	}
	a = mi_j_arr(o, "deferred_chunks");
	for (i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		int cpu = mi_j_int(e, "cpu"), node = mi_j_int(e, "node");
		double s = mi_j_num(e, "start_s"), end = mi_j_num(e, "end_bound_s");

		if (add_span(f, "deferred_chunk", NULL, node, cpu, s, end, false))
			return -ENOMEM;
		if (node < 0 && cpu >= 0 && cpu < 1024 && s >= 0 && end >= s) {
			unattr[cpu] += end - s;
			seen[cpu] = true;
		}
	}
	for (i = 0; i < 1024; i++)
		if (seen[i] && !add_row(f, "deferred_chunk", NULL, -1, (int)i, unattr[i], MI_Q_BOUND))
			return -ENOMEM;
	if (json_object_object_get_ex(o, "early_window", &w) && !j_bool(w, "timed")) {
		f->early_start_s = mi_j_num(w, "start_s");
		f->early_end_s = mi_j_num(w, "end_s");
		if (f->early_start_s >= 0 && f->early_end_s >= f->early_start_s) {
			struct mi_flat_row *r = add_row(f, "early_window", NULL, -1, -1,
							f->early_end_s - f->early_start_s, MI_Q_BOUND);

			if (!r || add_span(f, "early_window", NULL, -1, -1, f->early_start_s,
					   f->early_end_s, false))
				return -ENOMEM;
			r->start_s = f->early_start_s;
			r->end_s = f->early_end_s;
		}
	}
	return 0;
}

/* Hash tables from the kernel's lines (and the boot trace), when no records. */
static int build_tables(struct mi_flat *f, json_object *o)
{
	json_object *a = mi_j_arr(o, "hash_tables");
	size_t i;

	for (i = 0; a && i < json_object_array_length(a); i++) {
		json_object *e = json_object_array_get_idx(a, i);
		struct mi_flat_table *t;

		t = add_table(f, e);
		if (!t)
			return -ENOMEM;
		t->seconds = sec(mi_j_num(e, "time_ms_bound"));
		t->alloc_s = t->zero_s = -1;
		t->quality = MI_Q_BOUND;
		if (add_span(f, "hash", t->name, -1, -1, mi_j_num(e, "start_s"),
			     mi_j_num(e, "printk_s"), false))
			return -ENOMEM;
	}
	return 0;
}

int mi_flat_build(struct mi_flat *f, json_object *o, const char *what)
{
	int err;
	size_t i;

	memset(f, 0, sizeof(*f));
	f->early_start_s = f->early_end_s = -1;
	err = mi_flat_check(o, what);
	if (err)
		return err;
	mi_strlcpy(f->kernel, mi_j_str(o, "kernel") ?: "unknown", sizeof(f->kernel));
	mi_strlcpy(f->source, mi_j_str(o, "source") ?: "unknown", sizeof(f->source));
	mi_strlcpy(f->host, mi_j_str(o, "host") ?: "", sizeof(f->host));
	f->patched = mi_j_arr(o, "phases") != NULL;
	err = build_nodes(f, o);
	if (!err)
		err = f->patched ? build_patched(f, o) : build_stock(f, o);
	if (!err && !f->nr_tables)
		err = build_tables(f, o);
	/* Hash tables are rows too: phase "hash_table", not tied to a node. */
	for (i = 0; !err && i < f->nr_tables; i++) {
		const struct mi_flat_table *t = &f->tables[i];
		struct mi_flat_row *r = add_row(f, "hash_table", t->name, -1, -1, t->seconds,
						t->quality);

		if (!r)
			err = -ENOMEM;
		else
			r->bytes = t->bytes;
	}
	if (err) {
		if (err == -ENOMEM)
			mi_err("%s: out of memory", what);
		mi_flat_free(f);
	}
	return err;
}

void mi_flat_free(struct mi_flat *f)
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
