// SPDX-License-Identifier: GPL-2.0
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "stats.h"

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

void mi_sort_doubles(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

double mi_median_sorted(const double *x, size_t n)
{
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

double mi_quantile_sorted(const double *x, size_t n, double q)
{
	double pos = q * (n - 1);
	size_t i = (size_t)pos;

	return i + 1 < n ? x[i] + (pos - i) * (x[i + 1] - x[i]) : x[n - 1];
}

double mi_median(const double *x, int n)
{
	double *c = malloc(n * sizeof(*c)), m;

	if (!c)
		return NAN;
	memcpy(c, x, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	m = mi_median_sorted(c, n);
	free(c);
	return m;
}

/*
 * P(X <= k) for X ~ Binomial(n, 1/2). The terms are kept as logarithms:
 * 2^-n itself underflows to 0 from n = 1075 on, which made every sum 0.
 */
static double binom_cdf_half(int n, int k)
{
	double p = 0, lt = -n * M_LN2;	/* log(C(n,0) / 2^n) */
	int i;

	for (i = 0; i <= k && i <= n; i++) {
		p += exp(lt);
		lt += log((double)(n - i) / (i + 1));
	}
	return p;
}

void mi_summarize(const double *x, int n, struct mi_summary *s)
{
	double *c = malloc(n * sizeof(*c)), sum = 0, ss = 0, cdf, lt;
	int i, k;

	memset(s, 0, sizeof(*s));
	s->n = n;
	if (!c || n < 1) {
		free(c);
		s->median = s->mean = s->sd = NAN;
		return;
	}
	memcpy(c, x, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	s->median = mi_median_sorted(c, n);
	s->min = c[0];
	s->max = c[n - 1];
	for (i = 0; i < n; i++)
		sum += c[i];
	s->mean = sum / n;
	for (i = 0; i < n; i++)
		ss += (c[i] - s->mean) * (c[i] - s->mean);
	s->sd = n > 1 ? sqrt(ss / (n - 1)) : NAN;
	/*
	 * Exact interval: [x(k), x(n-k+1)] covers the median with probability
	 * 1 - 2 P(B <= k-1), B ~ Bin(n, 1/2). Take the largest k that keeps
	 * 95%; below n = 6 no k does, and [min, max] with its own (lower)
	 * coverage is given instead.
	 */
	s->lo_rank = 1;
	/* P(B <= k-1) grows with k: add one term per k, stop at the first miss. */
	cdf = 0;
	lt = -n * M_LN2;
	for (k = 1; 2 * k <= n; k++) {
		cdf += exp(lt);
		lt += log((double)(n - k + 1) / k);
		if (1 - 2 * cdf < 0.95)
			break;
		s->lo_rank = k;
	}
	s->hi_rank = n - s->lo_rank + 1;
	s->ci_lo = c[s->lo_rank - 1];
	s->ci_hi = c[s->hi_rank - 1];
	s->ci_level = 1 - 2 * binom_cdf_half(n, s->lo_rank - 1);
	for (i = 0; i < n; i++)
		c[i] = fabs(c[i] - s->median);
	qsort(c, n, sizeof(*c), cmp_double);
	s->mad = mi_median_sorted(c, n);
	free(c);
}

bool mi_is_outlier(const struct mi_summary *s, double v, double resolution)
{
	double scale = 1.4826 * s->mad;

	if (s->n < 3)
		return false;
	if (scale < resolution)
		scale = resolution;
	if (scale <= 0)
		return false;
	return fabs(v - s->median) > 3 * scale;
}

const char *mi_res_from_name(enum mi_res_from from)
{
	switch (from) {
	case MI_RES_UNIT:
		return "unit";
	case MI_RES_HZ:
		return "hz";
	case MI_RES_GRID:
		return "grid";
	default:
		return "none";
	}
}

/* V a whole multiple of STEP, to the rounding of a decimal ms figure. */
static bool on_grid(double v, double step)
{
	double q = v / step;

	return fabs(q - round(q)) <= 1e-6 * (fabs(q) > 1 ? fabs(q) : 1);
}

double mi_grid_resolution(const double *x, int n, const double *steps, int nsteps)
{
	double best = 0;
	int i, k;

	if (n < 1)
		return 0;
	for (k = 0; k < nsteps; k++) {
		if (!(steps[k] > best))
			continue;
		for (i = 0; i < n && isfinite(x[i]) && on_grid(x[i], steps[k]); i++)
			;
		if (i == n)
			best = steps[k];
	}
	return best;
}

struct ranked {
	double v;
	int from_a;
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v, &((const struct ranked *)b)->v);
}

/* Exact two-sided p of the doubled rank sum W2 of a, by counting subsets. */
static double exact_p(const int *r2, int n, int na, long w2_obs)
{
	long smax = 0, s, k;
	double *cnt, total, mean2, dev, p = 0;
	int i;

	for (i = 0; i < n; i++)
		smax += r2[i];
	cnt = calloc((size_t)(na + 1) * (smax + 1), sizeof(*cnt));
	if (!cnt)
		return NAN;
#define CNT(k, s) cnt[(size_t)(k) * (smax + 1) + (s)]
	CNT(0, 0) = 1;
	for (i = 0; i < n; i++)
		for (k = (i + 1 < na ? i + 1 : na); k >= 1; k--)
			for (s = smax; s >= r2[i]; s--)
				CNT(k, s) += CNT(k - 1, s - r2[i]);
	total = 0;
	for (s = 0; s <= smax; s++)
		total += CNT(na, s);
	/* E[W2] = na (n + 1) */
	mean2 = (double)na * (n + 1);
	dev = fabs(w2_obs - mean2);
	for (s = 0; s <= smax; s++)
		if (CNT(na, s) && fabs(s - mean2) >= dev - 1e-9)
			p += CNT(na, s);
#undef CNT
	free(cnt);
	p /= total;
	return p > 1 ? 1 : p;
}

int mi_mann_whitney(const double *a, int na, const double *b, int nb, struct mi_mwu *r)
{
	int n = na + nb, i, j, *r2;
	struct ranked *v = malloc(n * sizeof(*v));
	double ties = 0, ra = 0;
	long w2 = 0;

	r2 = malloc(n * sizeof(*r2));
	if (!v || !r2) {
		free(v);
		free(r2);
		return -ENOMEM;
	}
	for (i = 0; i < na; i++)
		v[i] = (struct ranked){ a[i], 1 };
	for (i = 0; i < nb; i++)
		v[na + i] = (struct ranked){ b[i], 0 };
	qsort(v, n, sizeof(*v), cmp_ranked);
	/* Midranks, doubled so that they stay integers: 2 * (i + j + 1) / 2. */
	for (i = 0; i < n; i = j) {
		double t;

		for (j = i; j < n && v[j].v == v[i].v; j++)
			;
		t = j - i;
		ties += t * t * t - t;
		for (int k = i; k < j; k++) {
			r2[k] = i + j + 1;
			if (v[k].from_a)
				w2 += r2[k];
		}
	}
	ra = w2 / 2.0;
	r->u = ra - na * (na + 1) / 2.0;
	if (n <= MI_STATS_EXACT_MAX) {
		/* The permutation distribution of W2 given these (tied) ranks. */
		int *order = malloc(n * sizeof(*order));

		if (!order) {
			free(v);
			free(r2);
			return -ENOMEM;
		}
		memcpy(order, r2, n * sizeof(*order));
		r->p = exact_p(order, n, na, w2);
		r->exact = true;
		free(order);
	} else {
		double mu = na * nb / 2.0;
		double sigma = sqrt(na * nb / 12.0 * ((n + 1) - ties / ((double)n * (n - 1))));
		double d = fabs(r->u - mu) - 0.5;

		r->p = sigma > 0 ? erfc((d > 0 ? d : 0) / sigma / sqrt(2)) : 1;
		r->exact = false;
	}
	free(v);
	free(r2);
	return 0;
}

/*
 * The null distribution of U for na and nb values without ties: the
 * coefficients of the Gaussian binomial [na + nb choose na] in q, built one
 * factor (1 - q^(nb + i)) / (1 - q^i) at a time so that every step is the
 * (nonnegative) distribution for i values. Returns CDF[0..na * nb], or NULL.
 */
static double *mw_null_cdf(int na, int nb)
{
	int n = na * nb, i, u;
	double *c = calloc((size_t)n + 1, sizeof(*c)), total = 0;

	if (!c)
		return NULL;
	c[0] = 1;
	for (i = 1; i <= na; i++) {
		for (u = n; u >= nb + i; u--)
			c[u] -= c[u - nb - i];
		for (u = i; u <= n; u++)
			c[u] += c[u - i];
	}
	for (u = 0; u <= n; u++) {
		total += c[u];
		c[u] = total;
	}
	for (u = 0; u <= n; u++)
		c[u] /= total;
	return c;
}

int mi_hodges_lehmann(const double *a, int na, const double *b, int nb, struct mi_shift *s)
{
	size_t n = (size_t)na * nb, k, i, j;
	double *d = malloc(n * sizeof(*d));

	if (!d)
		return -ENOMEM;
	for (i = 0; i < (size_t)na; i++)
		for (j = 0; j < (size_t)nb; j++)
			d[i * nb + j] = b[j] - a[i];
	qsort(d, n, sizeof(*d), cmp_double);
	s->shift = n % 2 ? d[n / 2] : (d[n / 2 - 1] + d[n / 2]) / 2;
	/*
	 * [D(k+1), D(n-k)] covers the shift with probability 1 - 2 P(U <= k):
	 * the largest k that keeps 95%, or k = 0 (all the differences) with its
	 * own lower coverage when even that cannot.
	 */
	if (na + nb <= MI_STATS_EXACT_MAX) {
		double *cdf = mw_null_cdf(na, nb);

		if (!cdf) {
			free(d);
			return -ENOMEM;
		}
		for (k = 0; k + 1 < n && cdf[k + 1] <= MI_STATS_ALPHA / 2 + 1e-12; k++)
			;
		s->level = 1 - 2 * cdf[k];
		free(cdf);
	} else {
		double c = n / 2.0 - 1.959964 * sqrt(na * (double)nb * (na + nb + 1) / 12.0) - 0.5;

		k = c > 0 ? (size_t)c : 0;
		s->level = 1 - MI_STATS_ALPHA;
	}
	s->lo = d[k];
	s->hi = d[n - 1 - k];
	free(d);
	return 0;
}

int mi_ab_compare(const double *a, int na, const double *b, int nb, struct mi_ab *r)
{
	bool interval_says;

	r->median_a = mi_median(a, na);
	r->median_b = mi_median(b, nb);
	if (mi_hodges_lehmann(a, na, b, nb, &r->d) || mi_mann_whitney(a, na, b, nb, &r->t))
		return -ENOMEM;
	/*
	 * Below 4 runs a side even all the differences cover the shift with
	 * less than 95% (2 vs 2: 67%): no verdict, and no p can reach alpha.
	 */
	if (!mi_ab_decides(r)) {
		r->verdict = "too few runs";
		r->agree = true;
		return 0;
	}
	interval_says = r->d.lo > 0 || r->d.hi < 0;
	r->verdict = r->d.lo > 0 ? "slower" : r->d.hi < 0 ? "faster" : "no detectable change";
	/* With ties the test's p and the interval's ends can fall apart. */
	r->agree = interval_says == (r->t.p < MI_STATS_ALPHA);
	return 0;
}

bool mi_ab_decides(const struct mi_ab *r)
{
	return r->d.level >= 1 - MI_STATS_ALPHA - 1e-9;
}

double mi_ab_bound(const struct mi_ab *r)
{
	if (!mi_ab_decides(r) || r->d.lo > 0 || r->d.hi < 0 || r->median_a == 0)
		return NAN;
	return fmax(fabs(r->d.lo), fabs(r->d.hi)) / fabs(r->median_a);
}

/* Sum of squared deviations from the mean. */
static double sum_sq_dev(const double *x, int n)
{
	double mean = 0, ss = 0;
	int i;

	for (i = 0; i < n; i++)
		mean += x[i] / n;
	for (i = 0; i < n; i++)
		ss += (x[i] - mean) * (x[i] - mean);
	return ss;
}

int mi_runs_to_detect(const double *a, int na, const double *b, int nb, double delta)
{
	const double z = 1.959964 + 0.841621;	/* alpha/2 = 0.025, power 0.80 */
	double var, n;

	if (na < 2 || nb < 2 || !(delta > 0))
		return -1;
	var = (sum_sq_dev(a, na) + sum_sq_dev(b, nb)) / (na + nb - 2);
	n = 2 * z * z * var / (delta * delta) / 0.954930;	/* 3 / pi */
	if (!(n < 1e6))
		return -1;
	return n < MI_STATS_MIN_RUNS ? MI_STATS_MIN_RUNS : (int)ceil(n);
}

