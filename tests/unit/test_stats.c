// SPDX-License-Identifier: GPL-2.0
/*
 * Statistics of meminit stats/compare against values computed here by
 * brute force: the exact Mann-Whitney p by enumerating every split of the
 * pooled values, the order-statistics CI by its binomial definition.
 */
#include <math.h>

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

int main(int argc, char **argv)
{
	static const double a[] = { 156, 152, 160, 148 }, b[] = { 260, 256, 264, 252 };
	static const double ta[] = { 4, 4, 8, 8, 12 }, tb[] = { 8, 8, 12, 16, 16, 20 };
	static const double x[] = { 5, 1, 9, 3, 7, 2, 8, 4, 6, 10, 100 };
	struct mi_summary s;
	struct mi_mwu r;
	double d, lo, hi;

	(void)argc;
	(void)argv;
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
	mi_summarize(a, 4, &s);
	EXPECT("stats: n = 4 gives [min, max] at 87.5%", s.ci_lo == 148 && s.ci_hi == 160 &&
	       fabs(s.ci_level - 0.875) < 1e-12);
	mi_median_diff_ci(a, 4, b, 4, &d, &lo, &hi);
	EXPECT("stats: difference of medians 104 inside its bootstrap CI [92, 116]",
	       d == 104 && lo >= 92 && hi <= 116 && lo <= d && d <= hi);
	return unit_failed;
}
