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
#include <stddef.h>

#define MI_STATS_CI_METHOD	"exact order-statistics interval (binomial, distribution-free)"
#define MI_STATS_OUTLIER_RULE	"|x - median| > 3 * max(1.4826 * MAD, resolution)"
/* Where the values have no one resolution (fleet: s/TiB of many hosts). */
#define MI_STATS_OUTLIER_RULE_MAD	"|x - median| > 3 * 1.4826 * MAD"
#define MI_STATS_SHIFT_METHOD	"Hodges-Lehmann shift (median of the pairwise differences B - A) " \
				"with its distribution-free interval from the Mann-Whitney distribution"
#define MI_STATS_ALPHA		0.05
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

/* Where a metric's resolution came from, for the rule above. */
enum mi_res_from {
	MI_RES_NONE,	/* unknown: MAD 0 flags nothing */
	MI_RES_UNIT,	/* the unit the source records in (1 ns, 1 us, the uptime's 10 ms) */
	MI_RES_HZ,	/* one jiffy of the HZ the report states */
	MI_RES_GRID,	/* inferred from the values: mi_grid_resolution() */
};
/* "none", "unit", "hz", "grid". */
const char *mi_res_from_name(enum mi_res_from from);
/*
 * The resolution of quantized values whose unit is not known, inferred
 * from the grid they sit on: the largest of the NSTEPS candidate STEPS
 * (> 0) of which every one of the N values is a whole multiple, or 0 where
 * none is (or N < 1). The values bound the step only from above: 40 and 80
 * sit on a 40 ms grid as well as on a 4 ms one, so the candidates are the
 * steps the quantity can have (a whole-ms jiffy: 10, 4 or 1 ms), never
 * the values' greatest common divisor itself.
 */
double mi_grid_resolution(const double *x, int n, const double *steps, int nsteps);
double mi_median(const double *x, int n);
/* Sort X ascending, in place. */
void mi_sort_doubles(double *x, size_t n);
/*
 * Of values sorted ascending (n >= 1): the median, and the Q quantile
 * interpolated between order statistics (Hyndman-Fan type 7, R's and
 * numpy's default).
 */
double mi_median_sorted(const double *sorted, size_t n);
double mi_quantile_sorted(const double *sorted, size_t n, double q);

struct mi_mwu {
	double u;		/* U of sample a: pairs (a_i > b_j) + half the ties */
	double p;		/* two-sided */
	bool exact;
};
/* 0, or -ENOMEM. */
int mi_mann_whitney(const double *a, int na, const double *b, int nb, struct mi_mwu *r);

/*
 * How far B lies from A: the Hodges-Lehmann shift, the median of the
 * na * nb differences b_j - a_i, with its exact interval [D(k+1), D(N-k)]
 * (Moses) from the Mann-Whitney null distribution, 95% or, where the
 * samples are too small for that, all the differences at their own level.
 * Above MI_STATS_EXACT_MAX values in all, k from the normal approximation.
 */
struct mi_shift {
	double shift, lo, hi, level;
};
int mi_hodges_lehmann(const double *a, int na, const double *b, int nb, struct mi_shift *s);

/*
 * A against B for compare and the HTML A/B view: direction, size and
 * interval from one estimator (the shift above); the verdict is "faster" or
 * "slower" when the interval excludes 0, else "no detectable change", and
 * "too few runs" where the interval's level is below 95% (under 4 a side,
 * mi_ab_decides() false). The
 * Mann-Whitney p of the same ranks is given with it; AGREE is false where,
 * with ties, p < MI_STATS_ALPHA and the interval say different things.
 */
struct mi_ab {
	double median_a, median_b;
	struct mi_shift d;
	struct mi_mwu t;
	const char *verdict;
	bool agree;
};
int mi_ab_compare(const double *a, int na, const double *b, int nb, struct mi_ab *r);
bool mi_ab_decides(const struct mi_ab *r);

/*
 * Where the interval of the shift holds 0: the largest change it leaves
 * possible, max(|lo|, |hi|) / median A (NAN where it excludes 0, where its
 * level is below 95%, or median A is 0). "No change beyond +-x%", at the interval's level.
 */
double mi_ab_bound(const struct mi_ab *r);

/*
 * Runs per variant for the Mann-Whitney test to find a shift of DELTA
 * (same unit as the values) with power MI_STATS_POWER at MI_STATS_ALPHA
 * two-sided: the normal-theory n = 2 (z_a/2 + z_b)^2 s^2 / DELTA^2 of a
 * t test, over the test's asymptotic efficiency 3/pi, s the pooled
 * standard deviation of A and B; at least MI_STATS_MIN_RUNS (the fewest
 * with which the exact test can reach p < 0.05 at all). -1 without two
 * runs on each side or DELTA <= 0.
 */
#define MI_STATS_POWER		0.80
/* The shift, % of median A, that run counts are sized for by default. */
#define MI_STATS_DETECT_PCT	5.0
#define MI_STATS_MIN_RUNS	4
int mi_runs_to_detect(const double *a, int na, const double *b, int nb, double delta);

#endif
