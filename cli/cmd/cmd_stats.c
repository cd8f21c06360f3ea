// SPDX-License-Identifier: GPL-2.0
/* meminit stats DIR[:VARIANT]: per phase, node and CPU over the runs of a kexec loop. */
#include <errno.h>
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "cmds.h"
#include "output.h"
#include "runset.h"
#include "kexec_dir.h"
#include "stats.h"
#include "util.h"
#include "verb_opts.h"


static void usage(FILE *f)
{
	fprintf(f,
"Usage: meminit stats [--format table|json] DIR[:VARIANT] | LOG\n"
"\n"
"Per phase, node and CPU over the runs in DIR (meminit kexec --out DIR), or\n"
"over the boots of a saved LOG, one run per boot (a kexec loop's serial\n"
"console): n,\n"
"median, mean, standard deviation, min/max, a confidence interval of the median\n"
"(" MI_STATS_CI_METHOD ": 95%%, or\n"
"[min, max] with its own lower coverage when n < 6), ns/page and s/TiB of the\n"
"node's present memory. Outliers (" MI_STATS_OUTLIER_RULE ") are flagged\n"
"with their run number and kept in every number; the resolution, the scale\n"
"when most runs agree exactly, is what the metric was measured in, and the\n"
"resolution column says where it came from: hz, a jiffy of the HZ the runs\n"
"state, for the kernel's line; grid, where they state none (a saved log),\n"
"the coarsest of 10, 4 and 1 ms (a jiffy at HZ=100, 250, 1000) that all the\n"
"line's values sit on; unit, the source's own (10 ms for the uptime, 1 us\n"
"for printk and trace stamps, 1 ns for the kernel's records); none, where\n"
"no grid fits, and MAD 0 then flags nothing. Times are milliseconds.\n"
"A directory of several variants gives one block per variant.\n");
}

static void node_cpu(char *buf, size_t size, int v)
{
	if (v < 0)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%d", v);
}

/* "4 ms hz", "10 ms grid", "1 us unit", "- none": the resolution and its origin. */
static void res_cell(char *buf, size_t size, const struct mi_metric *m)
{
	const char *from = mi_res_from_name(m->resolution_from);
	double r = m->resolution;

	if (!(r > 0))
		snprintf(buf, size, "- %s", from);
	else if (r >= 1)
		snprintf(buf, size, "%g ms %s", r, from);
	else if (r >= 1e-3)
		snprintf(buf, size, "%g us %s", r * 1e3, from);
	else
		snprintf(buf, size, "%g ns %s", r * 1e6, from);
}

static void print_block(const struct mi_runset *rs)
{
	size_t i;

	printf("\n%s%s%s: %d run%s, kernel %s, source %s\n", rs->dir, rs->variant[0] ? ":" : "",
	       rs->variant, rs->nr_runs, rs->nr_runs == 1 ? "" : "s", rs->kernel, rs->source);
	printf("%-40s %4s %4s %3s %9s %9s %8s %9s %9s %21s %5s %8s %7s %-11s  %s\n", "phase",
	       "node", "cpu", "n", "median", "mean", "sd", "min", "max", "CI of the median",
	       "level", "ns/page", "s/TiB", "resolution", "outliers (run)");
	for (i = 0; i < rs->nr; i++) {
		const struct mi_metric *m = &rs->m[i];
		struct mi_summary s;
		char nd[16], cp[16], ci[48], npp[16] = "-", tib[16] = "-", out[128] = "", res[32];
		int k, len = 0;

		mi_summarize(m->v, m->n, &s);
		node_cpu(nd, sizeof(nd), m->node);
		node_cpu(cp, sizeof(cp), m->cpu);
		snprintf(ci, sizeof(ci), "[%.3f, %.3f]", s.ci_lo, s.ci_hi);
		if (m->pages > 0)
			snprintf(npp, sizeof(npp), "%.2f", s.median * 1e6 / m->pages);
		if (m->norm_bytes > 0)
			snprintf(tib, sizeof(tib), "%.2f",
				 mi_seconds_per_tib_bytes(s.median / 1e3, m->norm_bytes));
		for (k = 0; k < m->n; k++)
			if (mi_is_outlier(&s, m->v[k], m->resolution) && len < (int)sizeof(out) - 24)
				len += snprintf(out + len, sizeof(out) - len, "%s%.3f (%d)",
						len ? ", " : "", m->v[k], m->run[k] + 1);
		res_cell(res, sizeof(res), m);
		printf("%-40s %4s %4s %3d %9.3f %9.3f %8.3f %9.3f %9.3f %21s %4.1f%% %8s %7s %-11s  %s\n",
		       m->phase, nd, cp, s.n, s.median, s.mean, isnan(s.sd) ? 0 : s.sd, s.min, s.max,
		       ci, s.ci_level * 100, npp, tib, res, out);
	}
}

static json_object *dbl(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

static json_object *block_json(const struct mi_runset *rs)
{
	json_object *o = json_object_new_object(), *a = json_object_new_array();
	size_t i;

	mi_kx_add_str(o, "variant", rs->variant);
	json_object_object_add(o, "runs", json_object_new_int(rs->nr_runs));
	mi_kx_add_str(o, "kernel", rs->kernel);
	mi_kx_add_str(o, "source", rs->source);
	for (i = 0; i < rs->nr; i++) {
		const struct mi_metric *m = &rs->m[i];
		json_object *e = json_object_new_object(), *ol = json_object_new_array();
		struct mi_summary s;
		int k;

		mi_summarize(m->v, m->n, &s);
		json_object_object_add(e, "phase", json_object_new_string(m->phase));
		json_object_object_add(e, "node", m->node >= 0 ? json_object_new_int(m->node) : NULL);
		json_object_object_add(e, "cpu", m->cpu >= 0 ? json_object_new_int(m->cpu) : NULL);
		json_object_object_add(e, "n", json_object_new_int(s.n));
		json_object_object_add(e, "median_ms", dbl(s.median));
		json_object_object_add(e, "mean_ms", dbl(s.mean));
		json_object_object_add(e, "sd_ms", dbl(s.sd));
		json_object_object_add(e, "min_ms", dbl(s.min));
		json_object_object_add(e, "max_ms", dbl(s.max));
		json_object_object_add(e, "median_ci_ms", json_object_new_array());
		json_object_array_add(json_object_object_get(e, "median_ci_ms"), dbl(s.ci_lo));
		json_object_array_add(json_object_object_get(e, "median_ci_ms"), dbl(s.ci_hi));
		json_object_object_add(e, "median_ci_level", dbl(s.ci_level));
		json_object_object_add(e, "pages", m->pages > 0 ? dbl(m->pages) : NULL);
		mi_kx_add_str(e, "pages_what", m->pages > 0 ? m->pages_what : NULL);
		json_object_object_add(e, "resolution_ms", m->resolution > 0 ? dbl(m->resolution) : NULL);
		json_object_object_add(e, "resolution_from",
				       json_object_new_string(mi_res_from_name(m->resolution_from)));
		json_object_object_add(e, "ns_per_page",
				       m->pages > 0 ? dbl(s.median * 1e6 / m->pages) : NULL);
		json_object_object_add(e, "s_per_tib", m->norm_bytes > 0 ?
				       dbl(mi_seconds_per_tib_bytes(s.median / 1e3, m->norm_bytes)) : NULL);
		for (k = 0; k < m->n; k++)
			if (mi_is_outlier(&s, m->v[k], m->resolution)) {
				json_object *x = json_object_new_object();

				json_object_object_add(x, "run", json_object_new_int(m->run[k]));
				json_object_object_add(x, "ms", dbl(m->v[k]));
				json_object_array_add(ol, x);
			}
		json_object_object_add(e, "outliers", ol);
		json_object_object_add(e, "values_ms", json_object_new_array());
		for (k = 0; k < m->n; k++)
			json_object_array_add(json_object_object_get(e, "values_ms"), dbl(m->v[k]));
		json_object_array_add(a, e);
	}
	json_object_object_add(o, "metrics", a);
	return o;
}

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mi_runset rs[MI_KX_MAX_VARIANTS];
	struct mi_kx_plan plan = { 0 };
	int fmt = MI_FMT_TABLE, c, i, nr = 0, err = 0;
	bool one_variant;
	const char *spec;
	struct stat st;

	optind = 1;
	while ((c = mi_verb_getopt("stats", argc, argv, "f:h", opts)) != -1) {
		switch (c) {
		case 'f':
			fmt = mi_opt_format(optarg, mi_formats_table_json);
			if (fmt < 0)
				return MI_EXIT_USAGE;
			break;
		default:
			return mi_verb_other(c, usage);
		}
	}
	if (optind != argc - 1) {
		mi_err("stats: give one directory (meminit kexec --out DIR), optionally DIR:VARIANT, "
		       "or a saved log of several boots");
		return MI_EXIT_USAGE;
	}
	spec = argv[optind];
	/* A file is a saved log: one run per boot in it. */
	one_variant = strchr(spec, ':') != NULL || (!stat(spec, &st) && S_ISREG(st.st_mode));
	if (!one_variant && mi_kx_plan_read(spec, &plan))
		return MI_EXIT_ERROR;
	if (one_variant || plan.nr_variants == 1) {
		err = mi_runset_load(&rs[0], spec, false);
		nr = !err;
	} else {
		for (i = 0; i < plan.nr_variants && !err; i++) {
			char s[2048];

			snprintf(s, sizeof(s), "%s:%s", spec, plan.v[i].name);
			err = mi_runset_load(&rs[nr], s, false);
			if (!err)
				nr++;
		}
	}
	if (err) {
		for (i = 0; i < nr; i++)
			mi_runset_free(&rs[i]);
		return MI_EXIT_ERROR;
	}
	if (fmt == MI_FMT_JSON) {
		json_object *o = json_object_new_object(), *a = json_object_new_array();

		json_object_object_add(o, "schema", json_object_new_string("meminit-stats"));
		json_object_object_add(o, "schema_version", json_object_new_int(1));
		mi_kx_add_str(o, "dir", rs[0].dir);
		json_object_object_add(o, "unit", json_object_new_string("ms"));
		json_object_object_add(o, "median_ci_method", json_object_new_string(MI_STATS_CI_METHOD));
		json_object_object_add(o, "outlier_rule", json_object_new_string(MI_STATS_OUTLIER_RULE));
		for (i = 0; i < nr; i++)
			json_object_array_add(a, block_json(&rs[i]));
		json_object_object_add(o, "variants", a);
		printf("%s\n", json_object_to_json_string_ext(o, JSON_C_TO_STRING_PRETTY |
							      JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(o);
	} else {
		printf("meminit stats: times in ms; CI of the median: %s,\n"
		       "95%% or, below n = 6, [min, max] at the level shown; outliers: %s\n"
		       "(flagged, kept; resolution as its column says: hz, a jiffy of the runs'\n"
		       "HZ; grid, none stated, the coarsest of 10, 4, 1 ms all the values sit\n"
		       "on; unit, the clock's; none: MAD 0 flags nothing); ns/page over the\n"
		       "pages the phase covered; s/TiB of the node's present memory\n",
		       MI_STATS_CI_METHOD, MI_STATS_OUTLIER_RULE);
		for (i = 0; i < nr; i++)
			print_block(&rs[i]);
	}
	for (i = 0; i < nr; i++)
		mi_runset_free(&rs[i]);
	return fflush(stdout) ? MI_EXIT_ERROR : MI_EXIT_OK;
}
