// SPDX-License-Identifier: GPL-2.0
#include <dirent.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect.h"
#include "rjson.h"
#include "runset.h"
#include "runstate.h"
#include "stats.h"
#include "util.h"

static double num(json_object *o, const char *k)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, k, &v) ||
	    !(json_object_is_type(v, json_type_double) || json_object_is_type(v, json_type_int)))
		return -1;
	return json_object_get_double(v);
}

static int inum(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_int))
		return -1;
	return json_object_get_int(v);
}

static const char *str(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

static json_object *arr(json_object *o, const char *k)
{
	json_object *v;

	if (!json_object_object_get_ex(o, k, &v) || !json_object_is_type(v, json_type_array))
		return NULL;
	return v;
}

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

static int add_sample(struct mi_runset *rs, const char *phase, int node, int cpu, double ms,
		      int run, double pages, double norm, const char *pages_what,
		      double resolution)
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
		m->resolution = resolution;
		*slot = rs->nr;
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
	if (norm > m->norm_pages)
		m->norm_pages = norm;
	return 0;
}

static double node_present(json_object *rep, int node)
{
	json_object *nodes = arr(rep, "nodes");
	size_t i;

	for (i = 0; nodes && i < json_object_array_length(nodes); i++) {
		json_object *n = json_object_array_get_idx(nodes, i);

		if (inum(n, "id") == node)
			return num(n, "present_pages") > 0 ? num(n, "present_pages") :
			       num(n, "record_pages");
	}
	return 0;
}

/* Every metric one report gives. */
static int add_report(struct mi_runset *rs, json_object *run, json_object *rep, int idx)
{
	json_object *a, *e;
	bool patched = arr(rep, "phases") != NULL;
	/* The kernel's deferred line is whole jiffies of the report's HZ. */
	double jiffy_ms = num(rep, "hz") > 0 ? 1e3 / num(rep, "hz") : 0;
	size_t i, k;
	int err = 0, node;
	char name[64];

	err = add_sample(rs, "boot: kernel start to hook", -1, -1,
			 num(run, "boot_to_hook_s") >= 0 ? num(run, "boot_to_hook_s") * 1e3 : -1,
			 idx, 0, 0, NULL, RES_UPTIME);
	/* meminit's own collection of this run: what a repeat costs beyond the boot */
	if (!err)
		err = add_sample(rs, "boot: collection", -1, -1,
				 num(run, "collect_s") >= 0 ? num(run, "collect_s") * 1e3 : -1,
				 idx, 0, 0, NULL, RES_NS);
	a = arr(rep, "phases");
	for (i = 0; !err && a && i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		node = inum(e, "node");
		snprintf(name, sizeof(name), "%s", str(e, "phase") ?: "?");
		err = add_sample(rs, name, node, -1, num(e, "wall_ms"), idx,
				 num(e, "pages") > 0 ? num(e, "pages") : 0,
				 node >= 0 ? node_present(rep, node) : 0, "pages of the phase", RES_NS);
	}
	a = arr(rep, "cpus");
	for (i = 0; !err && a && i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		snprintf(name, sizeof(name), "%s (busy)", str(e, "phase") ?: "?");
		err = add_sample(rs, name, inum(e, "node"), inum(e, "cpu"), num(e, "busy_ms"),
				 idx, num(e, "pages") > 0 ? num(e, "pages") : 0, 0,
				 "pages of the phase on this CPU", RES_NS);
	}
	a = arr(rep, "hash_records");
	for (i = 0; !err && a && i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		snprintf(name, sizeof(name), "hash %s", str(e, "name") ?: "?");
		err = add_sample(rs, name, -1, -1, num(e, "total_ms"), idx,
				 num(e, "bytes") > 0 ? num(e, "bytes") / 4096 : 0, 0,
				 "4 KiB pages of the table", RES_NS);
	}
	a = arr(rep, "nodes");
	for (i = 0; !err && a && i < json_object_array_length(a); i++) {
		json_object *cpus;
		double present;

		e = json_object_array_get_idx(a, i);
		node = inum(e, "id");
		present = node_present(rep, node);
		if (!patched) {
			err = add_sample(rs, "deferred init (kernel line, jiffies)", node, -1,
					 num(e, "deferred_init_ms"), idx, present, present,
					 "present pages of the node", jiffy_ms);
			if (!err)
				err = add_sample(rs, "deferred init (boot trace)", node, -1,
						 num(e, "deferred_traced_ms"), idx, present, present,
						 "present pages of the node", RES_US);
		}
		cpus = arr(e, "deferred_cpus");
		for (k = 0; !err && cpus && k < json_object_array_length(cpus); k++) {
			json_object *c = json_object_array_get_idx(cpus, k);

			err = add_sample(rs, "deferred chunks (trace bound)", node, inum(c, "cpu"),
					 num(c, "busy_ms_bound"), idx, 0, 0, NULL, RES_US);
		}
	}
	a = arr(rep, "hash_tables");
	for (i = 0; !err && !patched && a && i < json_object_array_length(a); i++) {
		e = json_object_array_get_idx(a, i);
		snprintf(name, sizeof(name), "hash %s (trace bound)", str(e, "name") ?: "?");
		err = add_sample(rs, name, -1, -1, num(e, "time_ms_bound"), idx,
				 num(e, "bytes") > 0 ? num(e, "bytes") / 4096 : 0, 0,
				 "4 KiB pages of the table", RES_US);
	}
	if (!err && !patched) {
		json_object *w;
		double s0, s1;

		if (json_object_object_get_ex(rep, "early_window", &w)) {
			s0 = num(w, "start_s");
			s1 = num(w, "end_s");
			if (s0 >= 0 && s1 >= s0)
				err = add_sample(rs, "early window (printk bound)", -1, -1,
						 (s1 - s0) * 1e3, idx, 0, 0, NULL, RES_US);
		}
	}
	return err ? -ENOMEM : 0;
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
	json_object *run = json_object_new_object();
	size_t n, k;
	int err;

	if (!run) {
		mi_err("out of memory");
		return -ENOMEM;
	}
	mi_strlcpy(rs->dir, path, sizeof(rs->dir));
	rs->nr_variants = 1;
	err = mi_collect_log_boots(path, &n);
	for (k = 1; !err && k <= n; k++) {
		struct mi_collect_opts co = { .dmesg_path = path, .boot = (int)k };
		json_object *rep = mi_rjson_collect(&co);

		if (!rep) {
			err = -EINVAL;
			break;
		}
		if (!rs->nr_runs) {
			mi_strlcpy(rs->kernel, str(rep, "kernel") ?: "?", sizeof(rs->kernel));
			mi_strlcpy(rs->source, str(rep, "source") ?: "?", sizeof(rs->source));
		}
		rs->nr_runs++;
		err = add_report(rs, run, rep, (int)k - 1);
		if (err)
			mi_err("out of memory");
		json_object_put(rep);
	}
	json_object_put(run);
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
		run = inum(o, "run");
		if (!str(o, "schema") || strcmp(str(o, "schema"), MI_KX_RUN_SCHEMA) || run < 0 ||
		    !json_object_object_get_ex(o, "report", &rep) ||
		    !json_object_is_type(rep, json_type_object) ||
		    !str(rep, "schema") || strcmp(str(rep, "schema"), "meminit-report")) {
			mi_err("%s is not a meminit kexec run with a report", path);
			err = -EINVAL;
			json_object_put(o);
			continue;
		}
		run_file[nr_runs_seen].run = run;
		run_file[nr_runs_seen++].name = i;
		if (vi < 0 || inum(o, "variant_index") == vi) {
			if (!rs->nr_runs) {
				mi_strlcpy(rs->kernel, str(rep, "kernel") ?: "?", sizeof(rs->kernel));
				mi_strlcpy(rs->source, str(rep, "source") ?: "?", sizeof(rs->source));
			}
			rs->nr_runs++;
			err = add_report(rs, o, rep, run);
			if (err)
				mi_err("out of memory");
		}
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
