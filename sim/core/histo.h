/*
 * histo.h - latency histograms of fixed size with bounded relative error.
 *
 * Values are non-negative integers (nanoseconds).  Values below 256 have a
 * bucket each; above, every power of two is split into 128 equal buckets, so
 * a bucket's width is at most 1/128 of its lower bound.  A percentile is
 * reported as the middle of its bucket, clamped to the observed min and max:
 * its relative error is at most 1/256 (0.4%), within the design's 1%.
 * The mean, count, min and max are exact.  The histogram takes 58 KiB
 * whatever the number of values: memory does not grow with a run's length.
 *
 * Invariant: the buckets are in groups of HISTO_SUB; a group's counters
 * hold meaning only when its bit in `touched` is set, and are cleared when
 * the first value enters the group.  So histo_init clears 40 bytes, not
 * 58 KiB (a run of 100 operations used to spend a third of its time
 * clearing its six histograms), and pages of groups never touched are
 * never written.
 */
#ifndef CLOBBER_HISTO_H
#define CLOBBER_HISTO_H

#include <stddef.h>
#include <stdint.h>

#define HISTO_SUB_BITS 7
#define HISTO_SUB (1u << HISTO_SUB_BITS)
#define HISTO_BUCKETS (2 * HISTO_SUB + (63 - HISTO_SUB_BITS) * HISTO_SUB)
#define HISTO_GROUPS (HISTO_BUCKETS / HISTO_SUB) /* 58: one bit each in `touched` */

struct histo {
	uint64_t count;
	double sum;
	int64_t min, max;
	uint64_t touched; /* bit g: the counters of group g are live */
	uint64_t bucket[HISTO_BUCKETS];
};

void histo_init(struct histo *h);
void histo_add(struct histo *h, int64_t v);

/* Adds every value of src to dst. */
void histo_merge(struct histo *dst, const struct histo *src);

double histo_mean(const struct histo *h);

/* The quantiles of the recorded values at n levels q[0] <= q[1] <= ...
 * (0 < q <= 1), in one pass over the buckets: out[i] is the smallest
 * recorded value v such that at least a fraction q[i] of the values are
 * <= v, within the stated error; 0 for an empty histogram. */
void histo_quantiles(const struct histo *h, const double *q, size_t n, double *out);

/* The bucket of v and the range [lo, hi] of values it holds: for tests. */
uint32_t histo_bucket_of(int64_t v);
void histo_bucket_range(uint32_t b, int64_t *lo, int64_t *hi);

#endif
