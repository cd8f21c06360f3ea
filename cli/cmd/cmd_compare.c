// SPDX-License-Identifier: GPL-2.0
/* meminit compare A B: two kexec directories, or two variants of one. */
#include <getopt.h>
#include <json-c/json.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

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
"Usage: meminit compare [--format table|json] [--detect PCT] A B\n"
"\n"
"A and B are kexec result directories (meminit kexec --out) or variants of one,\n"
"DIR:VARIANT, or saved logs of several boots (one run per boot). For every phase, node and CPU that both have: the medians; how far\n"
"B lies from A, the " MI_STATS_SHIFT_METHOD ",\n"
"95%% (or, for few runs, all the differences at their own level, shown);\n"
"the relative change (shift / median A); the Mann-Whitney U test of the same\n"
"ranks (two-sided; exact permutation distribution with midranks for ties up\n"
"to %d runs in all, else the normal approximation with tie and continuity\n"
"corrections); and a verdict from the interval alone: faster or slower when it\n"
"excludes 0, else no detectable change at this n; too few runs where the\n"
"interval's level is below 95%% (under 4 runs a side). Where ties make p < %.2f and\n"
"the interval disagree, the row says so ('!'). The s/TiB view divides each\n"
"median by the node's present memory, as the deferred page init series\n"
"reports its results. Where the interval holds 0, 'bound' is the largest\n"
"change it leaves possible (no change beyond +-x%%, at its level); 'runs'\n"
"is how many runs per variant the test needs to find a shift of PCT%% of\n"
"median A (--detect, default %g) with %.0f%% power, from the runs' pooled\n"
"standard deviation.\n", MI_STATS_EXACT_MAX, MI_STATS_ALPHA, MI_STATS_DETECT_PCT,
		MI_STATS_POWER * 100);
}

struct row {
	const struct mi_metric *a, *b;
	struct mi_ab ab;
	double rel, tib_a, tib_b;
	double npp_a, npp_b;	/* ns per page the phase covered; NAN unknown */
	double bound;		/* no change beyond this, relative; NAN if a change */
	int runs;		/* per variant to detect the --detect shift; -1 unknown */
};

static int compute(const struct mi_metric *a, const struct mi_metric *b, double detect_pct,
		   struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->a = a;
	r->b = b;
	if (mi_ab_compare(a->v, a->n, b->v, b->n, &r->ab))
		return -1;
	r->rel = r->ab.median_a != 0 ? r->ab.d.shift / r->ab.median_a : NAN;
	r->bound = mi_ab_bound(&r->ab);
	r->runs = mi_runs_to_detect(a->v, a->n, b->v, b->n,
				    fabs(r->ab.median_a) * detect_pct / 100);
	r->tib_a = a->norm_bytes > 0 ? mi_seconds_per_tib_bytes(r->ab.median_a / 1e3, a->norm_bytes) :
		   NAN;
	r->tib_b = b->norm_bytes > 0 ? mi_seconds_per_tib_bytes(r->ab.median_b / 1e3, b->norm_bytes) :
		   NAN;
	r->npp_a = a->pages > 0 ? r->ab.median_a * 1e6 / a->pages : NAN;
	r->npp_b = b->pages > 0 ? r->ab.median_b * 1e6 / b->pages : NAN;
	return 0;
}

static json_object *dbl(double v)
{
	return isfinite(v) ? json_object_new_double(v) : NULL;
}

static json_object *row_json(const struct row *r)
{
	json_object *o = json_object_new_object(), *ci = json_object_new_array();

	json_object_object_add(o, "phase", json_object_new_string(r->a->phase));
	json_object_object_add(o, "node", r->a->node >= 0 ? json_object_new_int(r->a->node) : NULL);
	json_object_object_add(o, "cpu", r->a->cpu >= 0 ? json_object_new_int(r->a->cpu) : NULL);
	json_object_object_add(o, "n_a", json_object_new_int(r->a->n));
	json_object_object_add(o, "n_b", json_object_new_int(r->b->n));
	json_object_object_add(o, "median_a_ms", dbl(r->ab.median_a));
	json_object_object_add(o, "median_b_ms", dbl(r->ab.median_b));
	json_object_object_add(o, "shift_ms", dbl(r->ab.d.shift));
	json_object_array_add(ci, dbl(r->ab.d.lo));
	json_object_array_add(ci, dbl(r->ab.d.hi));
	json_object_object_add(o, "shift_ci_ms", ci);
	json_object_object_add(o, "shift_ci_level", dbl(r->ab.d.level));
	json_object_object_add(o, "relative", dbl(r->rel));
	json_object_object_add(o, "u", dbl(r->ab.t.u));
	json_object_object_add(o, "p", dbl(r->ab.t.p));
	json_object_object_add(o, "test", json_object_new_string(r->ab.t.exact ?
			       "Mann-Whitney U, exact" : "Mann-Whitney U, normal approximation"));
	json_object_object_add(o, "verdict", json_object_new_string(r->ab.verdict));
	json_object_object_add(o, "test_agrees", json_object_new_boolean(r->ab.agree));
	json_object_object_add(o, "no_change_beyond", dbl(r->bound));
	json_object_object_add(o, "runs_to_detect", r->runs > 0 ? json_object_new_int(r->runs) : NULL);
	json_object_object_add(o, "s_per_tib_a", dbl(r->tib_a));
	json_object_object_add(o, "s_per_tib_b", dbl(r->tib_b));
	json_object_object_add(o, "s_per_tib_diff", dbl(r->tib_b - r->tib_a));
	json_object_object_add(o, "ns_per_page_a", dbl(r->npp_a));
	json_object_object_add(o, "ns_per_page_b", dbl(r->npp_b));
	return o;
}

static void print_row(const struct row *r)
{
	char nd[16] = "-", cp[16] = "-", ci[48], tib[48] = "-", bound[16] = "-", runs[16] = "-";
	char npp[48] = "-";

	if (r->a->node >= 0)
		snprintf(nd, sizeof(nd), "%d", r->a->node);
	if (r->a->cpu >= 0)
		snprintf(cp, sizeof(cp), "%d", r->a->cpu);
	if (r->ab.d.level < 1 - MI_STATS_ALPHA - 1e-9)
		snprintf(ci, sizeof(ci), "[%.3f, %.3f]%.0f%%", r->ab.d.lo, r->ab.d.hi,
			 r->ab.d.level * 100);
	else
		snprintf(ci, sizeof(ci), "[%.3f, %.3f]", r->ab.d.lo, r->ab.d.hi);
	if (isfinite(r->bound))
		snprintf(bound, sizeof(bound), "+-%.1f%%", r->bound * 100);
	if (r->runs > 0)
		snprintf(runs, sizeof(runs), "%d", r->runs);
	if (isfinite(r->tib_a) && isfinite(r->tib_b))
		snprintf(tib, sizeof(tib), "%.2f -> %.2f (%+.2f)", r->tib_a, r->tib_b,
			 r->tib_b - r->tib_a);
	if (isfinite(r->npp_a) && isfinite(r->npp_b))
		snprintf(npp, sizeof(npp), "%.2f -> %.2f", r->npp_a, r->npp_b);
	printf("%-40s %4s %4s %5d/%-3d %9.3f %9.3f %9.3f %24s %7.1f%% %6.1f %7.4f%s%s %-21s %8s %6s %-22s %s\n",
	       r->a->phase, nd, cp, r->a->n, r->b->n, r->ab.median_a, r->ab.median_b,
	       r->ab.d.shift, ci, isfinite(r->rel) ? r->rel * 100 : 0.0, r->ab.t.u, r->ab.t.p,
	       r->ab.t.exact ? "e" : "n", r->ab.agree ? " " : "!", r->ab.verdict, bound, runs, tib, npp);
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "detect", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mi_runset a, b;
	json_object *root = NULL, *arr = NULL;
	int fmt = MI_FMT_TABLE, c, shown = 0, err = 0;
	double detect_pct = MI_STATS_DETECT_PCT;
	size_t i;

	optind = 1;
	while ((c = mi_verb_getopt("compare", argc, argv, "f:d:h", opts)) != -1) {
		switch (c) {
		case 'd':
			if (mi_parse_double("--detect", optarg, 0.01, 1000, "a shift in percent",
					    &detect_pct))
				return MI_EXIT_USAGE;
			break;
		case 'f':
			fmt = mi_opt_format(optarg, mi_formats_table_json);
			if (fmt < 0)
				return MI_EXIT_USAGE;
			break;
		default:
			return mi_verb_other(c, usage);
		}
	}
	if (optind != argc - 2) {
		mi_err("compare: give two result sets, A and B (DIR or DIR:VARIANT)");
		return MI_EXIT_USAGE;
	}
	if (mi_runset_load(&a, argv[optind], false))
		return MI_EXIT_ERROR;
	if (mi_runset_load(&b, argv[optind + 1], false)) {
		mi_runset_free(&a);
		return MI_EXIT_ERROR;
	}
	if (fmt == MI_FMT_JSON) {
		root = json_object_new_object();
		arr = json_object_new_array();
		json_object_object_add(root, "schema", json_object_new_string("meminit-compare"));
		json_object_object_add(root, "schema_version", json_object_new_int(2));
		json_object_object_add(root, "a", json_object_new_string(argv[optind]));
		json_object_object_add(root, "b", json_object_new_string(argv[optind + 1]));
		mi_kx_add_str(root, "kernel_a", a.kernel);
		mi_kx_add_str(root, "kernel_b", b.kernel);
		json_object_object_add(root, "unit", json_object_new_string("ms"));
		json_object_object_add(root, "shift_method", json_object_new_string(MI_STATS_SHIFT_METHOD));
		json_object_object_add(root, "alpha", json_object_new_double(MI_STATS_ALPHA));
		json_object_object_add(root, "detect_pct", json_object_new_double(detect_pct));
		json_object_object_add(root, "power", json_object_new_double(MI_STATS_POWER));
	} else {
		printf("meminit compare: A = %s (%d runs, %s), B = %s (%d runs, %s)\n",
		       argv[optind], a.nr_runs, a.kernel, argv[optind + 1], b.nr_runs, b.kernel);
		printf("times in ms; shift: %s,\n"
		       "95%% (or its own level, shown); verdict: the interval excludes 0 (too few\n"
		       "runs: no interval reaches 95%%); p: Mann-Whitney U two-sided of the same\n"
		       "ranks, e = exact permutation distribution (midranks for ties), n = normal\n"
		       "approximation, ! = p < %.2f and the interval disagree (ties); bound: no\n"
		       "change beyond it (the interval holds 0); runs: per variant to find a %g%%\n"
		       "shift with %.0f%% power; ns/page over the pages the phase covered\n\n",
		       MI_STATS_SHIFT_METHOD, MI_STATS_ALPHA, detect_pct, MI_STATS_POWER * 100);
		printf("%-40s %4s %4s %9s %9s %9s %9s %24s %8s %6s %9s %-21s %8s %6s %-22s %s\n", "phase",
		       "node", "cpu", "n A/B", "median A", "median B", "shift", "interval of the shift",
		       "change", "U", "p", "verdict", "bound", "runs", "s/TiB A -> B", "ns/page A -> B");
	}
	for (i = 0; i < a.nr && !err; i++) {
		struct mi_metric *mb = mi_runset_find(&b, &a.m[i]);
		struct row r;

		if (!mb)
			continue;
		if (compute(&a.m[i], mb, detect_pct, &r)) {
			mi_err("out of memory");
			err = -1;
			break;
		}
		shown++;
		if (fmt == MI_FMT_JSON)
			json_object_array_add(arr, row_json(&r));
		else
			print_row(&r);
	}
	if (!err && !shown) {
		mi_err("%s and %s have no phase in common", argv[optind], argv[optind + 1]);
		err = -1;
	}
	if (fmt == MI_FMT_JSON) {
		json_object_object_add(root, "metrics", arr);
		if (!err)
			printf("%s\n", json_object_to_json_string_ext(root, JSON_C_TO_STRING_PRETTY |
					JSON_C_TO_STRING_NOSLASHESCAPE));
		json_object_put(root);
	}
	mi_runset_free(&a);
	mi_runset_free(&b);
	if (!err && fflush(stdout))
		err = -1;
	return err ? MI_EXIT_ERROR : MI_EXIT_OK;
}
