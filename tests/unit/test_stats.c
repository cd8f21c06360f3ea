// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics of meminit stats/compare against values computed here by
 * brute force: the exact Mann-Whitney p by enumerating every split of the
 * pooled values, the order-statistics CI by its binomial definition.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"
#include "unit.h"

/* Two-sided exact p of U by enumerating all C(n, na) splits (n <= 12). */
static double brute_p(const double *a, int na, const double *b, int nb)
{
	double pool[16], u_obs = 0, mu = na * nb / 2.0;
	int n = na + nb, mask, i, j, hits = 0, total = 0;

	for (i = 0; i < na; i++)
		pool[i] = a[i];
	for (i = 0; i < nb; i++)
		pool[na + i] = b[i];
	for (i = 0; i < na; i++)
		for (j = 0; j < nb; j++)
			u_obs += a[i] > b[j] ? 1 : a[i] == b[j] ? 0.5 : 0;
	for (mask = 0; mask < 1 << n; mask++) {
		double u = 0;

		if (__builtin_popcount(mask) != na)
			continue;
		for (i = 0; i < n; i++)
			for (j = 0; j < n; j++)
				if ((mask >> i & 1) && !(mask >> j & 1))
					u += pool[i] > pool[j] ? 1 : pool[i] == pool[j] ? 0.5 : 0;
		total++;
		hits += fabs(u - mu) >= fabs(u_obs - mu) - 1e-9;
	}
	return (double)hits / total;
}

/* P(U <= k) for na and nb distinct values, by enumerating every split. */
static double brute_cdf(int na, int nb, int k)
{
	int n = na + nb, mask, i, hits = 0, total = 0;

	for (mask = 0; mask < 1 << n; mask++) {
		int u = 0, below = 0;

		if (__builtin_popcount(mask) != na)
			continue;
		/* value i is rank i: U = pairs (a_i < b_j) counted from the bottom */
		for (i = 0; i < n; i++) {
			if (mask >> i & 1)
				below++;
			else
				u += below;
		}
		total++;
		hits += u <= k;
	}
	return (double)hits / total;
}

static int cmp_d(const void *x, const void *y)
{
	double a = *(const double *)x, b = *(const double *)y;

	return (a > b) - (a < b);
}

/*
 * The Hodges-Lehmann shift and its interval against their definitions: the
 * median of the pairwise differences, and [D(k+1), D(N-k)] with k the
 * largest count whose brute-force P(U <= k) is at most 2.5%.
 */
static void test_shift(void)
{
	double a[10], b[10], d[100];
	struct mi_shift s;
	struct mi_ab ab;
	int i, j, k;

	for (i = 0; i < 10; i++) {
		a[i] = 100 + 3.1 * i + (i % 3) * 0.7;
		b[i] = 104 + 2.9 * i - (i % 4) * 0.5;
	}
	for (i = 0; i < 10; i++)
		for (j = 0; j < 10; j++)
			d[i * 10 + j] = b[j] - a[i];
	qsort(d, 100, sizeof(*d), cmp_d);
	for (k = 0; brute_cdf(10, 10, k + 1) <= 0.025; k++)
		;
	EXPECT("shift: 10 vs 10 computes", mi_hodges_lehmann(a, 10, b, 10, &s) == 0);
	EXPECT("shift: the median of the 100 differences", fabs(s.shift - (d[49] + d[50]) / 2) < 1e-12);
	EXPECT("shift: interval [D(k+1), D(N-k)], k from the brute-force U distribution",
	       s.lo == d[k] && s.hi == d[99 - k] && k == 23);
	EXPECT("shift: its level is 1 - 2 P(U <= k)",
	       fabs(s.level - (1 - 2 * brute_cdf(10, 10, k))) < 1e-9 && s.level >= 0.95);
	{
		/* 4 vs 4: no k keeps 95%: all 16 differences, at 1 - 2/70. */
		const double x[] = { 148, 152, 156, 160 }, y[] = { 252, 256, 262, 270 };

		mi_hodges_lehmann(x, 4, y, 4, &s);
		EXPECT("shift: 4 vs 4 gives [min, max] of the differences at 97.1%",
		       s.lo == 92 && s.hi == 122 && fabs(s.level - (1 - 2.0 / 70)) < 1e-12);
	}
	{
		/*
		 * Two humps: B's median is below A's (54 < 100), yet B is larger
		 * in most pairs (56 of 81). Direction, size and interval come from
		 * the shift, so the verdict can never be "faster" here.
		 */
		const double x[] = { 1, 2, 3, 4, 100, 101, 102, 103, 104 };
		const double y[] = { 50, 51, 52, 53, 54, 200, 201, 202, 203 };

		EXPECT("two humps: compares", mi_ab_compare(x, 9, y, 9, &ab) == 0);
		EXPECT("two humps: medians say B is lower", ab.median_b < ab.median_a);
		EXPECT("two humps: the shift follows the ranks (B larger), inside its interval",
		       ab.d.shift > 0 && ab.d.lo <= ab.d.shift && ab.d.shift <= ab.d.hi);
		EXPECT("two humps: no 'faster' verdict", strcmp(ab.verdict, "faster") != 0);
		EXPECT("two humps: test and interval agree", ab.agree);
	}
	{
		/* Kernel lines in 4 ms jiffies, most runs equal: one jiffy slower. */
		const double x[] = { 24, 24, 24, 28, 24, 24, 28, 24 };
		const double y[] = { 28, 28, 32, 28, 28, 28, 32, 28 };

		mi_ab_compare(x, 8, y, 8, &ab);
		EXPECT("jiffies with ties: shift one jiffy, interval above 0, slower",
		       ab.d.shift == 4 && ab.d.lo > 0 && !strcmp(ab.verdict, "slower"));
		EXPECT("jiffies with ties: p agrees", ab.agree && ab.t.p < MI_STATS_ALPHA);
		mi_ab_compare(x, 8, x, 8, &ab);
		EXPECT("identical samples: shift 0, no detectable change",
		       ab.d.shift == 0 && !strcmp(ab.verdict, "no detectable change") && ab.agree);
	}
}

/*
 * The bound and the run count, worked by hand: samples {0, 2} twice pool to
 * s^2 = (2 + 2) / 2 = 2; for a shift of 1 the t-test's n is
 * 2 * (1.959964 + 0.841621)^2 * 2 = 31.40, over 3/pi: 32.88, so 33 runs.
 */
static void test_power_and_bound(void)
{
	const double x[] = { 0, 2 }, one[] = { 5 };
	const double a[] = { 100, 101, 99, 100, 102, 98 }, b[] = { 101, 100, 99, 101, 100, 99 };
	struct mi_ab ab;

	EXPECT_EQ_U64("runs: s^2 = 2, shift 1: 33 per variant", mi_runs_to_detect(x, 2, x, 2, 1), 33);
	EXPECT_EQ_U64("runs: a shift far above the spread still needs 4",
		      mi_runs_to_detect(x, 2, x, 2, 100), MI_STATS_MIN_RUNS);
	EXPECT("runs: one run on a side: unknown", mi_runs_to_detect(one, 1, x, 2, 1) == -1);
	EXPECT("runs: no shift asked: unknown", mi_runs_to_detect(x, 2, x, 2, 0) == -1);
	mi_ab_compare(a, 6, b, 6, &ab);
	EXPECT("bound: the interval holds 0: max(|lo|, |hi|) / median A",
	       ab.d.lo <= 0 && ab.d.hi >= 0 &&
	       fabs(mi_ab_bound(&ab) - fmax(fabs(ab.d.lo), fabs(ab.d.hi)) / 100) < 1e-12);
	{
		const double y[] = { 28, 28, 32, 28, 28, 28, 32, 28 };
		const double z[] = { 24, 24, 24, 28, 24, 24, 28, 24 };

		mi_ab_compare(z, 8, y, 8, &ab);
		EXPECT("bound: none where the interval excludes 0", isnan(mi_ab_bound(&ab)));
	}
	{
		/*
		 * 2 vs 2, B above A in every pair: all four differences cover
		 * the shift with 1 - 2 * 2/6 = 67% only, and the smallest exact
		 * p is 1/3: no verdict and no bound, however far apart.
		 */
		const double lo[] = { 10, 11 }, hi[] = { 20, 21 };

		mi_ab_compare(lo, 2, hi, 2, &ab);
		EXPECT("2 vs 2: interval at 67%, too few runs, no bound",
		       fabs(ab.d.level - 2.0 / 3) < 1e-12 && ab.d.lo > 0 &&
		       !strcmp(ab.verdict, "too few runs") && isnan(mi_ab_bound(&ab)));
		mi_ab_compare(lo, 2, lo, 2, &ab);
		EXPECT("2 vs 2, identical: too few runs, not 'no change'",
		       !strcmp(ab.verdict, "too few runs") && isnan(mi_ab_bound(&ab)));
	}
}

/*
 * A kernel line from a log that states no HZ: its jiffy inferred from the
 * grid its values sit on, among the whole-ms jiffies (HZ 100, 250, 1000).
 */
static void test_grid(void)
{
	static const double steps[] = { 10, 4, 1 };
	const double forty[] = { 40, 40, 40, 40, 40, 40, 80 };
	const double hz250[] = { 40, 44, 40, 40, 48 };
	const double hz300[] = { 23, 27, 30, 23 };	/* jiffies_to_msecs at HZ=300 */
	const double odd[] = { 40, 40.5 };
	const double zero[] = { 0, 0, 0 };
	const double jitter[] = { 40.000000001, 80, 40 };
	struct mi_summary s;

	EXPECT("stats grid: 40s and 80 sit on 10 ms (HZ=100's jiffy), the coarsest candidate",
	       mi_grid_resolution(forty, 7, steps, 3) == 10);
	mi_summarize(forty, 7, &s);
	EXPECT("stats grid: six 40s and an 80: MAD 0, median 40", s.mad == 0 && s.median == 40);
	EXPECT("stats grid: 80 among 40s is flagged on the inferred 10 ms, 40 is not",
	       mi_is_outlier(&s, 80, mi_grid_resolution(forty, 7, steps, 3)) &&
	       !mi_is_outlier(&s, 40, 10));
	EXPECT("stats grid: 80 among 40s with no resolution at all: not flagged (the old rule)",
	       !mi_is_outlier(&s, 80, 0));
	EXPECT("stats grid: 40, 44, 48 sit on 4 ms (HZ=250), not on 10",
	       mi_grid_resolution(hz250, 5, steps, 3) == 4);
	EXPECT("stats grid: HZ=300's lines sit on 1 ms only, the unit the line prints",
	       mi_grid_resolution(hz300, 4, steps, 3) == 1);
	EXPECT("stats grid: 40.5 is on no whole-ms grid: none", mi_grid_resolution(odd, 2, steps, 3) == 0);
	EXPECT("stats grid: all zero sits on every grid: the coarsest",
	       mi_grid_resolution(zero, 3, steps, 3) == 10);
	EXPECT("stats grid: a decimal ms figure's rounding is still on the grid",
	       mi_grid_resolution(jitter, 3, steps, 3) == 10);
	EXPECT("stats grid: no values, no grid", mi_grid_resolution(forty, 0, steps, 3) == 0);
	EXPECT("stats grid: origin names", !strcmp(mi_res_from_name(MI_RES_GRID), "grid") &&
	       !strcmp(mi_res_from_name(MI_RES_HZ), "hz") &&
	       !strcmp(mi_res_from_name(MI_RES_UNIT), "unit") &&
	       !strcmp(mi_res_from_name(MI_RES_NONE), "none"));
}

int main(int argc, char **argv)
{
	static const double a[] = { 156, 152, 160, 148 }, b[] = { 260, 256, 264, 252 };
	static const double ta[] = { 4, 4, 8, 8, 12 }, tb[] = { 8, 8, 12, 16, 16, 20 };
	static const double x[] = { 5, 1, 9, 3, 7, 2, 8, 4, 6, 10, 100 };
	struct mi_summary s;
	struct mi_mwu r;

	(void)argc;
	(void)argv;
	test_power_and_bound();
	mi_mann_whitney(a, 4, b, 4, &r);
	EXPECT("stats: U exact, separated 4 vs 4: p = 2/70", r.exact && fabs(r.p - 2.0 / 70) < 1e-12);
	EXPECT("stats: U of the lower sample is 0", r.u == 0);
	mi_mann_whitney(ta, 5, tb, 6, &r);
	EXPECT("stats: U exact with ties equals brute-force enumeration",
	       fabs(r.p - brute_p(ta, 5, tb, 6)) < 1e-12);
	mi_mann_whitney(a, 4, a, 4, &r);
	EXPECT("stats: U of identical samples: p = 1", fabs(r.p - 1) < 1e-12);
	mi_summarize(x, 11, &s);
	EXPECT("stats: median of 11", s.median == 6);
	/* n = 11: k = 2 gives 1 - 2 P(B <= 1) = 1 - 24/2048 = 98.8%, k = 3: 93.5% < 95% */
	EXPECT("stats: exact CI of the median of 11 is [x(2), x(10)]",
	       s.lo_rank == 2 && s.hi_rank == 10 && s.ci_lo == 2 && s.ci_hi == 10 &&
	       fabs(s.ci_level - (1 - 24.0 / 2048)) < 1e-12);
	EXPECT("stats: 100 among 1..10 is an outlier",
	       mi_is_outlier(&s, 100, 0) && !mi_is_outlier(&s, 10, 0));
	/*
	 * Kernel lines in whole jiffies (HZ=250: 4 ms) mostly agree, MAD 0:
	 * one jiffy is the scale, so 40 ms off is flagged and 10 is not; with
	 * no resolution known nothing can be.
	 */
	{
		const double q[] = { 10, 10, 10, 10, 50 };

		mi_summarize(q, 5, &s);
		EXPECT("stats: [10, 10, 10, 10, 50] ms has MAD 0", s.mad == 0 && s.median == 10);
		EXPECT("stats: MAD 0, one 4 ms jiffy: 50 is an outlier, 10 is not",
		       mi_is_outlier(&s, 50, 4) && !mi_is_outlier(&s, 10, 4));
		EXPECT("stats: MAD 0, 12 ms off is 3 jiffies: not beyond the bound",
		       !mi_is_outlier(&s, 22, 4) && mi_is_outlier(&s, 22.5, 4));
		EXPECT("stats: MAD 0 and no resolution: nothing flagged", !mi_is_outlier(&s, 50, 0));
	}
	test_grid();
	mi_summarize(a, 4, &s);
	EXPECT("stats: n = 4 gives [min, max] at 87.5%", s.ci_lo == 148 && s.ci_hi == 160 &&
	       fabs(s.ci_level - 0.875) < 1e-12);
	test_shift();
	return unit_failed;
}
