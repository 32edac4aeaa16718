/*
 * histo.c - log-linear histogram (the layout of HdrHistogram, simplified).
 *
 * Bucket index for v:
 *   v < 2*SUB               : v itself
 *   v >= 2*SUB, with e = floor(log2 v) - SUB_BITS (e >= 1):
 *                             2*SUB + (e-1)*SUB + ((v >> e) - SUB)
 * so the buckets of [2^(e+SUB_BITS), 2^(e+SUB_BITS+1)) have width 2^e.
 */
#include "sim/core/histo.h"

#include <math.h>
#include <string.h>

_Static_assert(HISTO_GROUPS <= 64 && HISTO_BUCKETS % HISTO_SUB == 0, "a group per bit");

void histo_init(struct histo *h)
{
	h->count = 0;
	h->sum = 0;
	h->min = INT64_MAX;
	h->max = 0;
	h->touched = 0;
}

/* Adds n to bucket b, clearing its group first if it was never touched. */
static void bucket_add(struct histo *h, uint32_t b, uint64_t n)
{
	uint32_t g = b >> HISTO_SUB_BITS;
	if (__builtin_expect(!(h->touched >> g & 1), 0)) {
		memset(&h->bucket[g << HISTO_SUB_BITS], 0, HISTO_SUB * sizeof(h->bucket[0]));
		h->touched |= (uint64_t)1 << g;
	}
	h->bucket[b] += n;
}

uint32_t histo_bucket_of(int64_t v)
{
	if (v < 0)
		v = 0;
	uint64_t u = (uint64_t)v;
	if (u < 2 * HISTO_SUB)
		return (uint32_t)u;
	int e = 63 - __builtin_clzll(u) - HISTO_SUB_BITS;
	return 2 * HISTO_SUB + (uint32_t)(e - 1) * HISTO_SUB +
	       (uint32_t)((u >> e) - HISTO_SUB);
}

void histo_bucket_range(uint32_t b, int64_t *lo, int64_t *hi)
{
	if (b < 2 * HISTO_SUB) {
		*lo = *hi = b;
		return;
	}
	uint32_t e = (b - 2 * HISTO_SUB) / HISTO_SUB + 1;
	uint64_t sub = (b - 2 * HISTO_SUB) % HISTO_SUB + HISTO_SUB;
	*lo = (int64_t)(sub << e);
	*hi = (int64_t)(((sub + 1) << e) - 1);
}

void histo_add(struct histo *h, int64_t v)
{
	if (v < 0)
		v = 0;
	h->count++;
	h->sum += (double)v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
	bucket_add(h, histo_bucket_of(v), 1);
}

void histo_merge(struct histo *dst, const struct histo *src)
{
	if (src->count == 0)
		return;
	dst->count += src->count;
	dst->sum += src->sum;
	if (src->min < dst->min)
		dst->min = src->min;
	if (src->max > dst->max)
		dst->max = src->max;
	for (uint32_t g = 0; g < HISTO_GROUPS; g++)
		if (src->touched >> g & 1)
			for (uint32_t b = g << HISTO_SUB_BITS; b < (g + 1) << HISTO_SUB_BITS; b++)
				if (src->bucket[b])
					bucket_add(dst, b, src->bucket[b]);
}

double histo_mean(const struct histo *h)
{
	return h->count ? h->sum / (double)h->count : 0;
}

/* The rank of level q among `count` values: at least 1. */
static uint64_t rank_of(double q, uint64_t count)
{
	double qi = q > 1 ? 1 : q;
	uint64_t rank = (uint64_t)ceil(qi * (double)count);
	return rank < 1 ? 1 : rank;
}

void histo_quantiles(const struct histo *h, const double *q, size_t n, double *out)
{
	size_t i = 0;
	if (h->count == 0) {
		for (; i < n; i++)
			out[i] = 0;
		return;
	}
	/* one pass over the buckets from the minimum's (those below are
	 * empty): the ranks of ascending levels ascend, and a level not
	 * reached at a bucket is not reached at the empty ones after it */
	uint64_t seen = 0;
	uint64_t rank = n ? rank_of(q[0], h->count) : 0;
	for (uint32_t b = histo_bucket_of(h->min); b < HISTO_BUCKETS && i < n; b++) {
		if (!(h->touched >> (b >> HISTO_SUB_BITS) & 1)) {
			b |= HISTO_SUB - 1; /* the group is empty: on to the next */
			continue;
		}
		uint64_t c = h->bucket[b];
		if (!c)
			continue;
		seen += c;
		while (i < n && seen >= rank) {
			int64_t lo, hi;
			histo_bucket_range(b, &lo, &hi);
			double mid = ((double)lo + (double)hi) / 2;
			if (mid < (double)h->min)
				mid = (double)h->min;
			if (mid > (double)h->max)
				mid = (double)h->max;
			out[i++] = mid;
			if (i < n)
				rank = rank_of(q[i], h->count);
		}
	}
	for (; i < n; i++)
		out[i] = (double)h->max;
}
