// SPDX-License-Identifier: GPL-2.0
/*
 * meminit fleet DIR...: many hosts' reports (one JSON per host and boot) as
 * the distribution of s/TiB per kernel release, machine shape and phase,
 * and the hosts that stand out (the outlier rule of 'meminit stats').
 */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmds.h"
#include "view.h"
#include "report_files.h"
#include "stats.h"
#include "util.h"
#include "verb_opts.h"

#define MAX_SHOWN	5	/* outliers listed per group in the table */

struct sample {
	double v;		/* s/TiB */
	char host[64];
};

struct group {
	char kernel[128], shape[96], phase[32];
	int node;		/* -1: the whole machine */
	struct sample *s;
	size_t n, cap;
};

struct fleet {
	struct group *g;
	size_t nr, cap;
	int reports;
};

static void usage(FILE *f)
{
	fprintf(f,
"Usage: meminit fleet [--format table|json] [--skip-bad] PATH...\n"
"\n"
"Read report JSONs (meminit report --format json, meminit collect's archive, a\n"
"kexec directory; a directory is searched for *.json) from many hosts and\n"
"print, per kernel release and machine shape (GiB per node), the distribution\n"
"of seconds per TiB of each phase and node (one sample per host and boot; hash\n"
"tables: all of them per TiB of the machine), and the hosts that stand out:\n"
"" MI_STATS_OUTLIER_RULE_MAD ". A host is the report's \"host\" (meminit\n"
"collect), else its file name.\n"
"  --skip-bad   warn about a file that is not a meminit-report v1 and go on\n"
"               (default: stop with an error naming it)\n");
}

static struct group *group_of(struct fleet *fl, const struct mi_view *f, const char *phase,
			      int node)
{
	struct group *g;
	size_t i;

	for (i = 0; i < fl->nr; i++) {
		g = &fl->g[i];
		if (g->node == node && !strcmp(g->phase, phase) && !strcmp(g->shape, f->shape) &&
		    !strcmp(g->kernel, f->kernel))
			return g;
	}
	if (mi_grow((void **)&fl->g, &fl->cap, fl->nr, sizeof(*fl->g)))
		return NULL;
	g = &fl->g[fl->nr++];
	memset(g, 0, sizeof(*g));
	mi_strlcpy(g->kernel, f->kernel, sizeof(g->kernel));
	mi_strlcpy(g->shape, f->shape, sizeof(g->shape));
	mi_strlcpy(g->phase, phase, sizeof(g->phase));
	g->node = node;
	return g;
}

static int add(struct fleet *fl, const struct mi_view *f, const char *phase, int node, double v,
	       const char *host)
{
	struct group *g = group_of(fl, f, phase, node);
	struct sample *s;

	if (!g || mi_grow((void **)&g->s, &g->cap, g->n, sizeof(*g->s)))
		return -ENOMEM;
	s = &g->s[g->n++];
	s->v = v;
	mi_strlcpy(s->host, host, sizeof(s->host));
	return 0;
}

static void host_of(const struct mi_report_src *src, const struct mi_view *f, char *buf,
		    size_t size)
{
	const char *b;
	char *dot;

	if (f->host[0]) {
		mi_strlcpy(buf, f->host, size);
		return;
	}
	b = strrchr(src->path, '/');
	mi_strlcpy(buf, b ? b + 1 : src->path, size);
	dot = strrchr(buf, '.');
	if (dot && dot != buf)
		*dot = '\0';
}

static int on_report(const struct mi_report_src *src, void *arg)
{
	struct fleet *fl = arg;
	double hash = 0, total = 0;
	bool have_hash = false;
	struct mi_view f;
	char host[64];
	size_t i;
	int err;

	err = mi_view_from_json(&f, src->report, src->path);
	if (err)
		return err;
	fl->reports++;
	host_of(src, &f, host, sizeof(host));
	for (i = 0; !err && i < f.nr_rows; i++) {
		const struct mi_view_row *r = &f.rows[i];
		double v;

		if (r->cpu >= 0 || r->node < 0 || !strcmp(r->phase, "hash_table"))
			continue;
		v = mi_view_s_per_tib(&f, r->node, r->seconds);
		if (v >= 0)
			err = add(fl, &f, r->phase, r->node, v, host);
	}
	for (i = 0; i < f.nr_tables; i++)
		if (f.tables[i].seconds >= 0) {
			hash += f.tables[i].seconds;
			have_hash = true;
		}
	for (i = 0; i < f.nr_nodes; i++)
		total += f.nodes[i].bytes;
	if (!err && have_hash && total > 0)
		err = add(fl, &f, "hash_tables", -1, mi_seconds_per_tib_bytes(hash, total), host);
	mi_view_free(&f);
	if (err)
		mi_err("out of memory");
	return err;
}

static int cmp_group(const void *a, const void *b)
{
	const struct group *x = a, *y = b;
	int c = strcmp(x->kernel, y->kernel);

	if (!c)
		c = strcmp(x->shape, y->shape);
	if (!c)
		c = strcmp(x->phase, y->phase);
	return c ? c : x->node - y->node;
}

static int cmp_dbl(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static int cmp_sample_desc(const void *a, const void *b)
{
	const struct sample *x = a, *y = b;

	return x->v > y->v ? -1 : x->v < y->v;
}

struct gstats {
	struct mi_summary s;
	double p10, p90;
};

/* Summary, and the samples sorted by value, largest first. */
static int summarize(struct group *g, struct gstats *gs)
{
	double *v = malloc(g->n * sizeof(*v));
	size_t i;

	if (!v)
		return -ENOMEM;
	for (i = 0; i < g->n; i++)
		v[i] = g->s[i].v;
	mi_summarize(v, (int)g->n, &gs->s);
	qsort(v, g->n, sizeof(*v), cmp_dbl);
	gs->p10 = mi_quantile_sorted(v, g->n, 0.10);
	gs->p90 = mi_quantile_sorted(v, g->n, 0.90);
	free(v);
	qsort(g->s, g->n, sizeof(*g->s), cmp_sample_desc);
	return 0;
}

static void print_table(struct fleet *fl)
{
	size_t i, k;

	printf("%d report%s; s/TiB per phase (deferred: wall time per TiB of the node's memory)\n"
	       "outliers: %s\n\n", fl->reports, fl->reports == 1 ? "" : "s", MI_STATS_OUTLIER_RULE_MAD);
	printf("%-24s %-14s %-14s %4s %6s %9s %9s %9s %9s %9s  %s\n", "kernel", "shape", "phase",
	       "node", "n", "median", "p10", "p90", "min", "max", "hosts that stand out");
	for (i = 0; i < fl->nr; i++) {
		struct group *g = &fl->g[i];
		struct gstats gs;
		int shown = 0, out = 0;

		if (summarize(g, &gs))
			continue;
		char nd[16] = "all";

		if (g->node >= 0)
			snprintf(nd, sizeof(nd), "%d", g->node);
		printf("%-24s %-14s %-14s %4s %6zu %9.3f %9.3f %9.3f %9.3f %9.3f  ", g->kernel,
		       g->shape, g->phase, nd, g->n, gs.s.median, gs.p10, gs.p90, gs.s.min, gs.s.max);
		for (k = 0; k < g->n; k++) {
			if (!mi_is_outlier(&gs.s, g->s[k].v, 0))
				continue;
			out++;
			if (shown++ < MAX_SHOWN) {
				printf("%s%s %.3f", shown > 1 ? ", " : "", g->s[k].host, g->s[k].v);
			}
		}
		if (out > MAX_SHOWN)
			printf(", and %d more", out - MAX_SHOWN);
		if (!out)
			printf("-");
		printf("\n");
	}
}

static json_object *dbl(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

static int print_json(struct fleet *fl)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t i, k;
	int err = 0;

	json_object_object_add(o, "schema", json_object_new_string("meminit-fleet"));
	json_object_object_add(o, "schema_version", json_object_new_int(1));
	json_object_object_add(o, "reports", json_object_new_int(fl->reports));
	json_object_object_add(o, "unit", json_object_new_string("s/TiB"));
	json_object_object_add(o, "outlier_rule", json_object_new_string(MI_STATS_OUTLIER_RULE_MAD));
	for (i = 0; i < fl->nr; i++) {
		struct group *g = &fl->g[i];
		json_object *e = json_object_new_object(), *ol = json_object_new_array();
		struct gstats gs;

		if (summarize(g, &gs)) {
			err = -ENOMEM;
			json_object_put(e);
			json_object_put(ol);
			break;
		}
		json_object_object_add(e, "kernel", json_object_new_string(g->kernel));
		json_object_object_add(e, "shape", json_object_new_string(g->shape));
		json_object_object_add(e, "phase", json_object_new_string(g->phase));
		json_object_object_add(e, "node", g->node >= 0 ? json_object_new_int(g->node) : NULL);
		json_object_object_add(e, "n", json_object_new_int((int)g->n));
		json_object_object_add(e, "median", dbl(gs.s.median));
		json_object_object_add(e, "p10", dbl(gs.p10));
		json_object_object_add(e, "p90", dbl(gs.p90));
		json_object_object_add(e, "min", dbl(gs.s.min));
		json_object_object_add(e, "max", dbl(gs.s.max));
		json_object_object_add(e, "mad", dbl(gs.s.mad));
		for (k = 0; k < g->n; k++) {
			json_object *x;

			if (!mi_is_outlier(&gs.s, g->s[k].v, 0))
				continue;
			x = json_object_new_object();
			json_object_object_add(x, "host", json_object_new_string(g->s[k].host));
			json_object_object_add(x, "s_per_tib", dbl(g->s[k].v));
			json_object_array_add(ol, x);
		}
		json_object_object_add(e, "outliers", ol);
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "groups", a);
	if (!err)
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							       JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(o);
	if (err)
		mi_err("out of memory");
	return err;
}

int cmd_fleet(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "skip-bad", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mi_walk_opts wo = { 0 };
	struct fleet fl = { 0 };
	bool json = false;
	int ch, i, err = 0;
	size_t k;

	optind = 1;
	while ((ch = mi_verb_getopt("fleet", argc, argv, "f:sh", opts)) != -1) {
		switch (ch) {
		case 'f':
			if (mi_opt_format(optarg, mi_formats_table_json) < 0)
				return MI_EXIT_USAGE;
			json = !strcmp(optarg, "json");
			break;
		case 's':
			wo.skip_bad = true;
			break;
		default:
			return mi_verb_other(ch, usage);
		}
	}
	if (optind >= argc) {
		mi_err("fleet: give one or more directories or report files");
		return MI_EXIT_USAGE;
	}
	for (i = optind; !err && i < argc; i++)
		err = mi_reports_walk(argv[i], on_report, &fl, &wo);
	if (!err && !fl.reports) {
		mi_err("fleet: no meminit report found in the %d path%s given", argc - optind,
		       argc - optind == 1 ? "" : "s");
		err = -ENOENT;
	}
	if (!err) {
		if (wo.skipped)
			mi_warn("%d file%s skipped", wo.skipped, wo.skipped == 1 ? "" : "s");
		qsort(fl.g, fl.nr, sizeof(*fl.g), cmp_group);
		if (json)
			err = print_json(&fl);
		else
			print_table(&fl);
		if (!err && fflush(stdout)) {
			mi_err("cannot write to standard output");
			err = -EIO;
		}
	}
	for (k = 0; k < fl.nr; k++)
		free(fl.g[k].s);
	free(fl.g);
	return err ? MI_EXIT_ERROR : MI_EXIT_OK;
}
