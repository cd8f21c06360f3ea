/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Statistics over repeated boots: robust summaries, a distribution-free
 * confidence interval of the median, a bootstrap interval of a difference
 * of medians (fixed seed: the same data give the same interval), and the
 * Mann-Whitney U test (exact permutation distribution for small samples,
 * ties included; normal approximation with tie correction above).
 */
#ifndef MEMINIT_STATS_H
#define MEMINIT_STATS_H

#include <stdbool.h>

#define MI_STATS_CI_METHOD	"exact order-statistics interval (binomial, distribution-free)"
#define MI_STATS_OUTLIER_RULE	"|x - median| > 3 * max(1.4826 * MAD, resolution)"
/* Where the values have no one resolution (fleet: s/TiB of many hosts). */
#define MI_STATS_OUTLIER_RULE_MAD	"|x - median| > 3 * 1.4826 * MAD"
#define MI_STATS_BOOT_METHOD	"percentile bootstrap, 10000 resamples, seed 0x6d656d696e6974"
#define MI_STATS_EXACT_MAX	60	/* exact U distribution up to this many values */

struct mi_summary {
	int n;
	double median, mean, sd, min, max;
	double mad;		/* median absolute deviation, unscaled */
	/* CI of the median: [x(lo_rank), x(hi_rank)], 1-based order statistics */
	double ci_lo, ci_hi, ci_level;	/* ci_level: the coverage actually achieved */
	int lo_rank, hi_rank;
};

/* X is not modified. n >= 1. */
void mi_summarize(const double *x, int n, struct mi_summary *s);
/*
 * Outlier by MI_STATS_OUTLIER_RULE. RESOLUTION is the metric's unit of
 * measurement (one jiffy for the kernel's line): the scale when MAD is 0,
 * as with quantized values that mostly agree. 0 = unknown: then MAD 0
 * flags nothing.
 */
bool mi_is_outlier(const struct mi_summary *s, double v, double resolution);
double mi_median(const double *x, int n);
/* Difference of medians median(b) - median(a) and its 95% bootstrap interval. */
void mi_median_diff_ci(const double *a, int na, const double *b, int nb,
		       double *diff, double *lo, double *hi);

struct mi_mwu {
	double u;		/* U of sample a: pairs (a_i > b_j) + half the ties */
	double p;		/* two-sided */
	bool exact;
};
/* 0, or -ENOMEM. */
int mi_mann_whitney(const double *a, int na, const double *b, int nb, struct mi_mwu *r);

#endif
