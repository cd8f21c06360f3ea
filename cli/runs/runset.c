// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <math.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect.h"
#include "view.h"
#include "json_get.h"
#include "runset.h"
#include "kexec_dir.h"
#include "stats.h"
#include "util.h"

static int cmp_metric(const void *a, const void *b)
{
	const struct mi_metric *x = a, *y = b;
	int c = strcmp(x->phase, y->phase);

	if (c)
		return c;
	if (x->node != y->node)
		return x->node - y->node;
	return x->cpu - y->cpu;
}

struct mi_metric *mi_runset_find(const struct mi_runset *rs, const struct mi_metric *like)
{
	if (!rs->nr)
		return NULL;
	return bsearch(like, rs->m, rs->nr, sizeof(*rs->m), cmp_metric);
}

/*
 * While loading, metrics are found by a hash of (phase, node, cpu): a run
 * of a 1024-CPU machine has ~1400 metrics, and a linear search per sample
 * made each run cost O(metrics^2) (56% of the instructions of stats at
 * 4096 CPUs; bench/scale.sh).
 */
static uint64_t metric_hash(const void *item)
{
	const struct mi_metric *k = item;
	uint64_t h = mi_hash_bytes(MI_HASH_START, k->phase, strlen(k->phase));

	h = mi_hash_bytes(h, &k->node, sizeof(k->node));
	return mi_hash_bytes(h, &k->cpu, sizeof(k->cpu));
}

static bool metric_same(const void *a, const void *b)
{
	const struct mi_metric *m = a, *k = b;

	return m->node == k->node && m->cpu == k->cpu && !strcmp(m->phase, k->phase);
}

static struct mi_index_of metrics_of(const struct mi_runset *rs)
{
	return (struct mi_index_of){ .items = rs->m, .size = sizeof(*rs->m),
				     .hash = metric_hash, .same = metric_same };
}

/*
 * What each source measures in, in ms: the outlier rule's scale when the
 * runs mostly agree exactly (stats.h).
 */
#define RES_NS		1e-6	/* local_clock(), CLOCK_MONOTONIC */
#define RES_US		1e-3	/* printk and ftrace stamps */
#define RES_UPTIME	10.0	/* /proc/uptime: hundredths of a second */
/*
 * The kernel's deferred line where no HZ is known (a saved log): the jiffy
 * it is counted in is one of these whole-ms steps (CONFIG_HZ 100, 250 and
 * 1000; HZ=300's 3.33 ms jiffy prints as no whole-ms grid, and its lines
 * sit on the 1 ms one, the unit the line prints), and the values show the
 * coarsest they all sit on (mi_grid_resolution()).
 */
static const double jiffy_steps_ms[] = { 10, 4, 1 };

/*
 * One value of a metric, in ms (< 0: none, skipped). RESOLUTION in ms and
 * where it came from: MI_RES_UNIT with the source's unit (RES_*), or
 * MI_RES_HZ for the kernel's line with one jiffy of the report's HZ, 0
 * where the report states none (inferred once loaded: infer_resolutions()).
 */
static int add_sample_res(struct mi_runset *rs, const char *phase, int node, int cpu,
			  double ms, int run, double pages, double norm_bytes, const char *pages_what,
			  double resolution, enum mi_res_from from)
{
	struct mi_metric like = { .node = node, .cpu = cpu }, *m;
	struct mi_index_of of;
	size_t *slot;

	if (ms < 0)
		return 0;
	mi_strlcpy(like.phase, phase, sizeof(like.phase));
	of = metrics_of(rs);
	if (mi_index_reserve(&rs->idx, &of, rs->nr + 1))
		return -ENOMEM;
	slot = mi_index_slot(&rs->idx, &of, &like);
	if (*slot) {
		m = &rs->m[*slot - 1];
	} else {
		if (mi_grow((void **)&rs->m, &rs->cap, rs->nr, sizeof(*rs->m)))
			return -ENOMEM;
		m = &rs->m[rs->nr++];
		*m = like;
		m->pages_what = pages_what;
		m->whole_jiffies = from == MI_RES_HZ;
		*slot = rs->nr;
	}
	/* A run that states its HZ gives the line's jiffy to one that did not. */
	if (resolution > 0 && !(m->resolution > 0)) {
		m->resolution = resolution;
		m->resolution_from = from;
	}
	if (m->n == m->cap) {
		int ncap = m->cap ? 2 * m->cap : 8;
		double *v = realloc(m->v, ncap * sizeof(*v));
		int *r;

		if (!v)
			return -ENOMEM;
		m->v = v;
		r = realloc(m->run, ncap * sizeof(*r));
		if (!r)
			return -ENOMEM;
		m->run = r;
		m->cap = ncap;
	}
	m->v[m->n] = ms;
	m->run[m->n] = run;
	m->n++;
	/* Pages change little between runs of one variant: keep the largest seen. */
	if (pages > m->pages)
		m->pages = pages;
	if (norm_bytes > m->norm_bytes)
		m->norm_bytes = norm_bytes;
	return 0;
}

/* A sample of a source whose unit RESOLUTION (RES_*) is known. */
static int add_sample(struct mi_runset *rs, const char *phase, int node, int cpu, double ms,
		      int run, double pages, double norm_bytes, const char *pages_what,
		      double resolution)
{
	return add_sample_res(rs, phase, node, cpu, ms, run, pages, norm_bytes, pages_what, resolution,
			      MI_RES_UNIT);
}

/*
 * Deferred init of all nodes together, from the first node's start to the
 * last node's end: what it held the boot. The per-node rows are per-node
 * costs only where no other node's threads shared their CPUs; on a machine
 * with fewer CPUs than nodes (or one vCPU under -icount) they are not, and
 * this span is the figure that still means what it says.
 */
static int add_deferred_span(struct mi_runset *rs, const struct mi_view *f, int idx)
{
	double start = -1, end = -1, pages = 0, norm = 0;
	int nodes = 0;
	size_t i;

	for (i = 0; i < f->nr_rows; i++) {
		const struct mi_view_row *r = &f->rows[i];
		const struct mi_view_node *n;

		if (r->cpu >= 0 || r->node < 0 || strcmp(r->phase, "deferred"))
			continue;
		if (r->start_s < 0 || r->end_s < r->start_s)
			return 0;	/* one node untimed: no span */
		if (start < 0 || r->start_s < start)
			start = r->start_s;
		if (r->end_s > end)
			end = r->end_s;
		pages += r->pages > 0 ? r->pages : 0;
		n = mi_view_find_node(f, r->node);
		norm += n ? n->bytes : 0;
		nodes++;
	}
	if (nodes < 2)
		return 0;	/* one node: its own row says it all */
	return add_sample(rs, "deferred, all nodes (span)", -1, -1, (end - start) * 1e3, idx,
			  pages, norm, "pages of the phase, all nodes", RES_NS);
}

/*
 * Every metric one report's view gives (view.h), with what the run file
 * says of its boot (RUN: NULL for a boot of a saved log). The metric names
 * say how each time was measured, since a stock kernel's phases have two
 * (its line and the boot trace).
 */
static int add_view(struct mi_runset *rs, json_object *run, const struct mi_view *f, int idx)
{
	/* The kernel's deferred line is whole jiffies of the report's HZ. */
	double jiffy_ms = f->hz > 0 ? 1e3 / f->hz : 0;
	size_t i;
	int err;
	char name[64];

	err = add_sample(rs, "boot: kernel start to hook", -1, -1,
			 mi_j_num(run, "boot_to_hook_s") >= 0 ? mi_j_num(run, "boot_to_hook_s") * 1e3 : -1,
			 idx, 0, 0, NULL, RES_UPTIME);
	/* meminit's own collection of this run: what a repeat costs beyond the boot */
	if (!err)
		err = add_sample(rs, "boot: collection", -1, -1,
				 mi_j_num(run, "collect_s") >= 0 ? mi_j_num(run, "collect_s") * 1e3 : -1,
				 idx, 0, 0, NULL, RES_NS);
	for (i = 0; !err && f->patched && i < f->nr_rows; i++) {
		const struct mi_view_row *r = &f->rows[i];
		const struct mi_view_node *n = mi_view_find_node(f, r->node);
		double ms = r->seconds >= 0 ? r->seconds * 1e3 : -1;

		if (!strcmp(r->phase, "hash_table"))
			continue;
		if (r->cpu < 0) {
			err = add_sample(rs, r->phase, r->node, -1, ms, idx,
					 r->pages > 0 ? r->pages : 0, n ? n->bytes : 0,
					 "pages of the phase", RES_NS);
		} else {
			snprintf(name, sizeof(name), "%s (busy)", r->phase);
			err = add_sample(rs, name, r->node, r->cpu, ms, idx,
					 r->pages > 0 ? r->pages : 0, 0,
					 "pages of the phase on this CPU", RES_NS);
		}
	}
	if (!err && f->patched)
		err = add_deferred_span(rs, f, idx);
	for (i = 0; !err && !f->patched && i < f->nr_nodes; i++) {
		const struct mi_view_node *n = &f->nodes[i];
		double pages = (double)n->norm_pages;

		err = add_sample_res(rs, "deferred init (kernel line, jiffies)", n->id, -1,
				     n->deferred_kernel_s >= 0 ? n->deferred_kernel_s * 1e3 : -1, idx,
				     pages, n->bytes, "present pages of the node", jiffy_ms, MI_RES_HZ);
		if (!err)
			err = add_sample(rs, "deferred init (boot trace)", n->id, -1,
					 n->deferred_traced_s >= 0 ? n->deferred_traced_s * 1e3 : -1,
					 idx, pages, n->bytes, "present pages of the node", RES_US);
	}
	for (i = 0; !err && !f->patched && i < f->nr_rows; i++) {
		const struct mi_view_row *r = &f->rows[i];

		/* the boot trace's chunks of each node, on each CPU */
		if (r->cpu < 0 || r->node < 0 || strcmp(r->phase, "deferred_chunk"))
			continue;
		err = add_sample(rs, "deferred chunks (trace bound)", r->node, r->cpu,
				 r->seconds * 1e3, idx, 0, 0, NULL, RES_US);
	}
	for (i = 0; !err && i < f->nr_tables; i++) {
		const struct mi_view_table *t = &f->tables[i];

		snprintf(name, sizeof(name), f->patched ? "hash %s" : "hash %s (trace bound)",
			 t->name);
		err = add_sample(rs, name, -1, -1, t->seconds >= 0 ? t->seconds * 1e3 : -1, idx,
				 t->bytes > 0 ? ceil(t->bytes / (double)f->page_size) : 0, 0,
				 "pages of the table",
				 f->patched ? RES_NS : RES_US);
	}
	if (!err && !f->patched && f->early_start_s >= 0 && f->early_end_s >= f->early_start_s)
		err = add_sample(rs, "early window (printk bound)", -1, -1,
				 (f->early_end_s - f->early_start_s) * 1e3, idx, 0, 0, NULL, RES_US);
	if (err)
		mi_err("out of memory");
	return err;
}

/* A run's report, read back through the codec into its view. */
static int add_run(struct mi_runset *rs, json_object *run, json_object *rep, int idx,
		   const char *path)
{
	struct mi_view f;
	int err = mi_view_from_json(&f, rep, path);

	if (err)
		return err;
	if (!rs->nr_runs) {
		mi_strlcpy(rs->kernel, f.kernel, sizeof(rs->kernel));
		mi_strlcpy(rs->source, f.source, sizeof(rs->source));
	}
	rs->nr_runs++;
	err = add_view(rs, run, &f, idx);
	mi_view_free(&f);
	return err;
}

/* A run number and the directory entry that holds it. */
struct run_file {
	int run;
	int name;
};

static int cmp_run_file(const void *a, const void *b)
{
	const struct run_file *x = a, *y = b;

	return x->run != y->run ? (x->run > y->run) - (x->run < y->run) : x->name - y->name;
}

/* Sorts F by run; the index of the first of two entries with one run, or -1. */
static int duplicate_run(struct run_file *f, int n)
{
	int i;

	qsort(f, (size_t)n, sizeof(*f), cmp_run_file);
	for (i = 0; i + 1 < n; i++)
		if (f[i].run == f[i + 1].run)
			return i;
	return -1;
}

/*
 * The kernel's line of runs that stated no HZ: its jiffy inferred from the
 * grid its values sit on, or none (the outlier rule then has the MAD alone).
 */
static void infer_resolutions(struct mi_runset *rs)
{
	size_t i;

	for (i = 0; i < rs->nr; i++) {
		struct mi_metric *m = &rs->m[i];
		double step;

		if (m->resolution > 0 || !m->whole_jiffies)
			continue;
		step = mi_grid_resolution(m->v, m->n, jiffy_steps_ms, ARRAY_SIZE(jiffy_steps_ms));
		m->resolution = step;
		m->resolution_from = step > 0 ? MI_RES_GRID : MI_RES_NONE;
	}
}

/* The end of a load: freed on ERR, else its metrics sorted for lookups. */
static int finish_load(struct mi_runset *rs, int err)
{
	/* The index holds positions, which the sort below changes. */
	mi_index_free(&rs->idx);
	if (err) {
		mi_runset_free(rs);
		return err;
	}
	/* Runs can hold no metric at all (a report with no node): nothing to sort. */
	if (rs->nr)
		qsort(rs->m, rs->nr, sizeof(*rs->m), cmp_metric);
	infer_resolutions(rs);
	return 0;
}

/*
 * A saved log of several boots (a serial console of a kexec loop) as a run
 * set: one run per boot, each read as 'meminit report --dmesg FILE --boot
 * K' reads it, so that a loop seen only through a console gets statistics
 * with nothing installed on the machine measured.
 */
static int load_log(struct mi_runset *rs, const char *path)
{
	size_t n, k;
	int err;

	mi_strlcpy(rs->dir, path, sizeof(rs->dir));
	rs->nr_variants = 1;
	err = mi_collect_log_boots(path, &n);
	for (k = 1; !err && k <= n; k++) {
		struct mi_collect_opts co = { .dmesg_path = path, .boot = (int)k };
		struct mi_report r;
		struct mi_view f;

		mi_report_init(&r);
		err = mi_collect(&r, &co);
		if (!err)
			err = mi_view_build(&f, &r);
		mi_report_free(&r);
		if (err)
			break;
		if (!rs->nr_runs) {
			mi_strlcpy(rs->kernel, f.kernel, sizeof(rs->kernel));
			mi_strlcpy(rs->source, f.source, sizeof(rs->source));
		}
		rs->nr_runs++;
		err = add_view(rs, NULL, &f, (int)k - 1);
		mi_view_free(&f);
	}
	return finish_load(rs, err);
}

int mi_runset_load(struct mi_runset *rs, const char *spec, bool all)
{
	struct mi_kx_plan plan;
	char dir[1024], path[2048];
	const char *colon;
	struct stat st;
	struct dirent **names = NULL;
	int nr_names, i, err = 0, vi = -1, nr_runs_seen = 0;
	struct run_file *run_file;

	memset(rs, 0, sizeof(*rs));
	if (!stat(spec, &st) && S_ISREG(st.st_mode))
		return load_log(rs, spec);
	mi_strlcpy(dir, spec, sizeof(dir));
	colon = strrchr(spec, ':');
	if (stat(spec, &st) && colon) {
		/* DIR:VARIANT */
		mi_strlcpy(dir, spec, (size_t)(colon - spec) + 1 < sizeof(dir) ?
			   (size_t)(colon - spec) + 1 : sizeof(dir));
		mi_strlcpy(rs->variant, colon + 1, sizeof(rs->variant));
	}
	mi_strlcpy(rs->dir, dir, sizeof(rs->dir));
	err = mi_kx_plan_read(dir, &plan);
	if (err)
		return err;
	rs->nr_variants = plan.nr_variants;
	if (rs->variant[0]) {
		for (i = 0; i < plan.nr_variants; i++)
			if (!strcmp(plan.v[i].name, rs->variant))
				vi = i;
		if (vi < 0) {
			mi_err("%s has no variant '%s'", dir, rs->variant);
			return -ENOENT;
		}
	} else if (plan.nr_variants > 1 && !all) {
		mi_err("%s holds %d variants: name one as %s:%s", dir, plan.nr_variants, dir,
		       plan.v[0].name);
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "%s/runs", dir);
	nr_names = scandir(path, &names, NULL, alphasort);
	if (nr_names < 0) {
		err = -errno;
		mi_err("cannot read %s: %s", path, strerror(-err));
		return err;
	}
	/*
	 * Which file holds each run number: a run counted twice (a file copied
	 * by hand, a restore that left both) would weigh that boot double in
	 * every statistic, so it is refused, never merged.
	 */
	run_file = calloc((size_t)nr_names + 1, sizeof(*run_file));
	if (!run_file) {
		err = -ENOMEM;
		mi_err("out of memory");
	}
	for (i = 0; i < nr_names; i++) {
		const char *n = names[i]->d_name;
		json_object *o, *rep;
		int run;

		if (strncmp(n, "run-", 4) || !strstr(n, ".json") || strcmp(strstr(n, ".json"), ".json"))
			continue;
		if (err)
			continue;
		snprintf(path, sizeof(path), "%s/runs/%s", dir, n);
		o = mi_kx_read_json(path);
		if (!o) {
			err = -EINVAL;
			continue;
		}
		run = mi_j_int(o, "run");
		rep = mi_j_obj(o, "report");
		if (!mi_j_str(o, "schema") || strcmp(mi_j_str(o, "schema"), MI_KX_RUN_SCHEMA) ||
		    run < 0 || !rep || !mi_j_str(rep, "schema")) {
			mi_err("%s is not a meminit kexec run with a report", path);
			err = -EINVAL;
			json_object_put(o);
			continue;
		}
		run_file[nr_runs_seen].run = run;
		run_file[nr_runs_seen++].name = i;
		if (vi < 0 || mi_j_int(o, "variant_index") == vi)
			err = add_run(rs, o, rep, run, path);
		json_object_put(o);
	}
	if (!err && (i = duplicate_run(run_file, nr_runs_seen)) >= 0) {
		mi_err("%s/runs: run %d is in both %s and %s; a run must be counted once", dir,
		       run_file[i].run, names[run_file[i].name]->d_name,
		       names[run_file[i + 1].name]->d_name);
		err = -EINVAL;
	}
	free(run_file);
	for (i = 0; i < nr_names; i++)
		free(names[i]);
	free(names);
	if (!err && !rs->nr_runs) {
		mi_err("%s%s%s has no completed runs yet", dir, rs->variant[0] ? ":" : "",
		       rs->variant);
		err = -ENOENT;
	}
	return finish_load(rs, err);
}

void mi_runset_free(struct mi_runset *rs)
{
	size_t i;

	for (i = 0; i < rs->nr; i++) {
		free(rs->m[i].v);
		free(rs->m[i].run);
	}
	free(rs->m);
	mi_index_free(&rs->idx);
	rs->m = NULL;
	rs->nr = rs->cap = 0;
}
