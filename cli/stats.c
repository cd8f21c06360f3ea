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

static double median_sorted(const double *x, int n)
{
	return n % 2 ? x[n / 2] : (x[n / 2 - 1] + x[n / 2]) / 2;
}

double mi_median(const double *x, int n)
{
	double *c = malloc(n * sizeof(*c)), m;

	if (!c)
		return NAN;
	memcpy(c, x, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	m = median_sorted(c, n);
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
	s->median = median_sorted(c, n);
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
	s->mad = median_sorted(c, n);
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

/* xorshift64*: small, fixed, the same everywhere. */
static uint64_t rng_next(uint64_t *st)
{
	uint64_t x = *st;

	x ^= x >> 12;
	x ^= x << 25;
	x ^= x >> 27;
	*st = x;
	return x * 0x2545f4914f6cdd1dULL;
}

/* A value and where it came from, to rank a sample once. */
struct indexed {
	double v;
	int i;
};

static int cmp_indexed(const void *a, const void *b)
{
	return cmp_double(&((const struct indexed *)a)->v, &((const struct indexed *)b)->v);
}

/*
 * One sample, sorted, and the rank of each of its values: a resample then
 * counts how often each rank was drawn, and its median is read off the
 * counts in O(n), with no sort (compare runs this 10,000 times per metric).
 */
struct ranked_sample {
	double *sorted;
	int *rank, *count;
	int n;
};

static int ranked_sample_init(struct ranked_sample *s, const double *x, int n)
{
	struct indexed *ix = malloc(n * sizeof(*ix));
	int i;

	s->n = n;
	s->sorted = malloc(n * sizeof(*s->sorted));
	s->rank = malloc(n * sizeof(*s->rank));
	s->count = malloc(n * sizeof(*s->count));
	if (!ix || !s->sorted || !s->rank || !s->count) {
		free(ix);
		return -1;
	}
	for (i = 0; i < n; i++)
		ix[i] = (struct indexed){ x[i], i };
	qsort(ix, n, sizeof(*ix), cmp_indexed);
	for (i = 0; i < n; i++) {
		s->sorted[i] = ix[i].v;
		s->rank[ix[i].i] = i;
	}
	free(ix);
	return 0;
}

static void ranked_sample_free(struct ranked_sample *s)
{
	free(s->sorted);
	free(s->rank);
	free(s->count);
}

/* Median of n draws with replacement: the same draws, the same median as sorting them. */
static double resample_median(struct ranked_sample *s, uint64_t *st)
{
	int n = s->n, lo = (n - 1) / 2, hi = n / 2, seen = 0, p;
	double vlo = 0;

	memset(s->count, 0, n * sizeof(*s->count));
	for (p = 0; p < n; p++)
		s->count[s->rank[rng_next(st) % (uint64_t)n]]++;
	for (p = 0; p < n; p++) {
		if (seen <= lo && seen + s->count[p] > lo)
			vlo = s->sorted[p];
		seen += s->count[p];
		if (seen > hi)
			break;
	}
	/* the n draws always pass rank hi: p < n */
	return (vlo + s->sorted[p < n ? p : n - 1]) / 2;
}

void mi_median_diff_ci(const double *a, int na, const double *b, int nb,
		       double *diff, double *lo, double *hi)
{
	enum { B = 10000 };
	struct ranked_sample sa = { 0 }, sb = { 0 };
	double *d = malloc(B * sizeof(*d));
	uint64_t st = 0x6d656d696e6974ULL;
	int i;

	*diff = mi_median(b, nb) - mi_median(a, na);
	*lo = *hi = NAN;
	if (!d || ranked_sample_init(&sa, a, na) || ranked_sample_init(&sb, b, nb))
		goto out;
	for (i = 0; i < B; i++) {
		double ma = resample_median(&sa, &st);

		d[i] = resample_median(&sb, &st) - ma;
	}
	qsort(d, B, sizeof(*d), cmp_double);
	*lo = d[(int)(0.025 * B)];
	*hi = d[(int)(0.975 * B) - 1];
out:
	free(d);
	ranked_sample_free(&sa);
	ranked_sample_free(&sb);
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
