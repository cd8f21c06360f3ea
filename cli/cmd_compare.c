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
#include "runstate.h"
#include "stats.h"
#include "util.h"

#define TIB_PAGES	(1024.0 * 1024 * 1024 * 1024 / 4096)
#define ALPHA		0.05

static void usage(FILE *f)
{
	fprintf(f,
"Usage: meminit compare [--format table|json] A B\n"
"\n"
"A and B are kexec result directories (meminit kexec --out) or variants of one,\n"
"DIR:VARIANT. For every phase, node and CPU that both have: the medians, their\n"
"difference B - A with a 95%% confidence interval (" MI_STATS_BOOT_METHOD "),\n"
"the relative change, the Mann-Whitney U test (two-sided; exact permutation\n"
"distribution with midranks for ties up to %d runs in all, else the normal\n"
"approximation with tie and continuity corrections) and a verdict: faster or\n"
"slower when p < %.2f, else no detectable change at this n. The s/TiB view\n"
"divides each median by the node's present memory, as the deferred page init\n"
"series reports its results.\n", MI_STATS_EXACT_MAX, ALPHA);
}

struct row {
	const struct mi_metric *a, *b;
	double ma, mb, diff, lo, hi, rel, tib_a, tib_b;
	struct mi_mwu t;
	const char *verdict;
};

static int compute(const struct mi_metric *a, const struct mi_metric *b, struct row *r)
{
	memset(r, 0, sizeof(*r));
	r->a = a;
	r->b = b;
	r->ma = mi_median(a->v, a->n);
	r->mb = mi_median(b->v, b->n);
	mi_median_diff_ci(a->v, a->n, b->v, b->n, &r->diff, &r->lo, &r->hi);
	r->rel = r->ma != 0 ? r->diff / r->ma : NAN;
	r->tib_a = a->norm_pages > 0 ? r->ma / 1e3 / (a->norm_pages / TIB_PAGES) : NAN;
	r->tib_b = b->norm_pages > 0 ? r->mb / 1e3 / (b->norm_pages / TIB_PAGES) : NAN;
	if (mi_mann_whitney(a->v, a->n, b->v, b->n, &r->t))
		return -1;
	if (r->t.p < ALPHA && r->diff < 0)
		r->verdict = "faster";
	else if (r->t.p < ALPHA && r->diff > 0)
		r->verdict = "slower";
	else
		r->verdict = "no detectable change";
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
	json_object_object_add(o, "median_a_ms", dbl(r->ma));
	json_object_object_add(o, "median_b_ms", dbl(r->mb));
	json_object_object_add(o, "diff_ms", dbl(r->diff));
	json_object_array_add(ci, dbl(r->lo));
	json_object_array_add(ci, dbl(r->hi));
	json_object_object_add(o, "diff_ci_ms", ci);
	json_object_object_add(o, "relative", dbl(r->rel));
	json_object_object_add(o, "u", dbl(r->t.u));
	json_object_object_add(o, "p", dbl(r->t.p));
	json_object_object_add(o, "test", json_object_new_string(r->t.exact ?
			       "Mann-Whitney U, exact" : "Mann-Whitney U, normal approximation"));
	json_object_object_add(o, "verdict", json_object_new_string(r->verdict));
	json_object_object_add(o, "s_per_tib_a", dbl(r->tib_a));
	json_object_object_add(o, "s_per_tib_b", dbl(r->tib_b));
	json_object_object_add(o, "s_per_tib_diff", dbl(r->tib_b - r->tib_a));
	return o;
}

static void print_row(const struct row *r)
{
	char nd[16] = "-", cp[16] = "-", ci[48], tib[48] = "-";

	if (r->a->node >= 0)
		snprintf(nd, sizeof(nd), "%d", r->a->node);
	if (r->a->cpu >= 0)
		snprintf(cp, sizeof(cp), "%d", r->a->cpu);
	snprintf(ci, sizeof(ci), "[%.3f, %.3f]", r->lo, r->hi);
	if (isfinite(r->tib_a) && isfinite(r->tib_b))
		snprintf(tib, sizeof(tib), "%.2f -> %.2f (%+.2f)", r->tib_a, r->tib_b,
			 r->tib_b - r->tib_a);
	printf("%-40s %4s %4s %5d/%-3d %9.3f %9.3f %9.3f %21s %7.1f%% %6.1f %7.4f%s %-21s %s\n",
	       r->a->phase, nd, cp, r->a->n, r->b->n, r->ma, r->mb, r->diff, ci,
	       isfinite(r->rel) ? r->rel * 100 : 0.0, r->t.u, r->t.p, r->t.exact ? "e" : "n",
	       r->verdict, tib);
}

int cmd_compare(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "format", required_argument, NULL, 'f' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 }
	};
	struct mi_runset a, b;
	json_object *root = NULL, *arr = NULL;
	int fmt = MI_FMT_TABLE, c, shown = 0, err = 0;
	size_t i;

	optind = 1;
	while ((c = getopt_long(argc, argv, "f:h", opts, NULL)) != -1) {
		switch (c) {
		case 'f':
			fmt = mi_parse_format(optarg);
			if (fmt < 0)
				return MI_EXIT_USAGE;
			break;
		case 'h':
			usage(stdout);
			return MI_EXIT_OK;
		default:
			usage(stderr);
			return MI_EXIT_USAGE;
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
		json_object_object_add(root, "schema_version", json_object_new_int(1));
		json_object_object_add(root, "a", json_object_new_string(argv[optind]));
		json_object_object_add(root, "b", json_object_new_string(argv[optind + 1]));
		mi_kx_add_str(root, "kernel_a", a.kernel);
		mi_kx_add_str(root, "kernel_b", b.kernel);
		json_object_object_add(root, "unit", json_object_new_string("ms"));
		json_object_object_add(root, "diff_ci_method", json_object_new_string(MI_STATS_BOOT_METHOD));
		json_object_object_add(root, "alpha", json_object_new_double(ALPHA));
	} else {
		printf("meminit compare: A = %s (%d runs, %s), B = %s (%d runs, %s)\n",
		       argv[optind], a.nr_runs, a.kernel, argv[optind + 1], b.nr_runs, b.kernel);
		printf("times in ms; diff = median(B) - median(A), 95%% CI: %s;\n"
		       "p: Mann-Whitney U two-sided, e = exact permutation distribution (midranks for\n"
		       "ties), n = normal approximation; verdict at p < %.2f\n\n",
		       MI_STATS_BOOT_METHOD, ALPHA);
		printf("%-40s %4s %4s %9s %9s %9s %9s %21s %8s %6s %8s %-21s %s\n", "phase", "node",
		       "cpu", "n A/B", "median A", "median B", "diff", "CI of diff", "change", "U",
		       "p", "verdict", "s/TiB A -> B");
	}
	for (i = 0; i < a.nr && !err; i++) {
		struct mi_metric *mb = mi_runset_find(&b, &a.m[i]);
		struct row r;

		if (!mb)
			continue;
		if (compute(&a.m[i], mb, &r)) {
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
