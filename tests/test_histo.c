/*
 * test_histo.c - latency histograms: quantiles within the stated relative
 * error (1/256) of the exact order statistic, computed here by sorting.
 */
#include <string.h>

#include "testutil.h"

#include "sim/core/histo.h"
#include "sim/core/rng.h"

static int cmp_i64(const void *a, const void *b)
{
	int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;
	return (x > y) - (x < y);
}

/* The exact q-quantile: the smallest value with at least q of the values
 * at or below it, the definition histo.h states. */
static int64_t exact_quantile(const int64_t *sorted, size_t n, double q)
{
	size_t rank = (size_t)ceil(q * (double)n);
	if (rank < 1)
		rank = 1;
	return sorted[rank - 1];
}

static void test_quantiles(void **state)
{
	(void)state;
	enum { N = 200000 };
	int64_t *v = malloc(N * sizeof(*v));
	gsl_rng *r = rng_new(17);
	struct histo *h = malloc(sizeof(*h));
	/* garbage where no value went: histo_init clears only the header, and
	 * a group's counters when its first value arrives (histo.h) */
	memset(h, 0xa5, sizeof(*h));
	histo_init(h);
	double sum = 0;
	for (int i = 0; i < N; i++) {
		/* log-uniform over 1ns .. 10s: every bucket scale is used */
		v[i] = (int64_t)exp(rng_uniform(r) * log(1e10));
		histo_add(h, v[i]);
		sum += (double)v[i];
	}
	rng_free(r);
	qsort(v, N, sizeof(*v), cmp_i64);
	const double qs[] = {0.001, 0.1, 0.5, 0.9, 0.99, 0.999, 1.0};
	for (size_t i = 0; i < sizeof(qs) / sizeof(qs[0]); i++) {
		double exact = (double)exact_quantile(v, N, qs[i]);
		double got;
		histo_quantiles(h, &qs[i], 1, &got);
		char what[48];
		snprintf(what, sizeof(what), "quantile %g", qs[i]);
		check_near(got, exact, exact / 256 + 0.5, what);
	}
	/* all levels in one pass (ascending, repeated levels included) against
	 * the same exact quantiles of the sorted values */
	const double many[] = {0.001, 0.001, 0.2, 0.5, 0.5, 0.75, 0.999, 1.0, 1.5};
	enum { NMANY = sizeof(many) / sizeof(many[0]) };
	double many_got[NMANY];
	histo_quantiles(h, many, NMANY, many_got);
	for (size_t i = 0; i < NMANY; i++) {
		double exact = (double)exact_quantile(v, N, many[i] > 1 ? 1 : many[i]);
		char what[48];
		snprintf(what, sizeof(what), "one-pass quantile %g", many[i]);
		check_near(many_got[i], exact, exact / 256 + 0.5, what);
	}
	check_near(histo_mean(h), sum / N, 1e-9 * sum / N, "mean");
	assert_int_equal(h->max, v[N - 1]);
	assert_int_equal(h->min, v[0]);
	free(h);
	free(v);
}

/* Buckets tile the integers: consecutive, no gaps, widths within 1/128. */
static void test_buckets(void **state)
{
	(void)state;
	int64_t prev_hi = -1;
	for (uint32_t b = 0; b < HISTO_BUCKETS; b++) {
		int64_t lo, hi;
		histo_bucket_range(b, &lo, &hi);
		if (lo != prev_hi + 1)
			fail_msg("bucket %u starts at %lld, previous ended at %lld", b,
				 (long long)lo, (long long)prev_hi);
		assert_true(hi >= lo);
		assert_true((double)(hi - lo + 1) <= (double)lo / 128 + 1);
		assert_int_equal(histo_bucket_of(lo), b);
		assert_int_equal(histo_bucket_of(hi), b);
		prev_hi = hi;
		if (hi < 0 || hi > INT64_MAX / 2)
			break;
	}
}

static void test_merge_and_empty(void **state)
{
	(void)state;
	struct histo *a = malloc(sizeof(*a)), *b = malloc(sizeof(*b));
	memset(a, 0x5a, sizeof(*a));
	memset(b, 0xa5, sizeof(*b));
	histo_init(a);
	histo_init(b);
	const double half = 0.5;
	double median;
	histo_quantiles(a, &half, 1, &median);
	assert_true(median == 0);
	for (int i = 1; i <= 100; i++)
		histo_add(i % 2 ? a : b, i);
	/* one value in a group of b only: merged into a group a never touched */
	histo_add(b, 1000000);
	histo_add(a, 0);
	histo_merge(a, b);
	assert_int_equal(a->count, 102);
	const double top = 1;
	double max;
	histo_quantiles(a, &top, 1, &max);
	check_near(max, 1000000, 0, "the maximum merged from b (clamped to the observed max)");
	const double low = 0.01;
	double lowest;
	histo_quantiles(a, &low, 1, &lowest);
	check_near(lowest, 1, 0, "1% of 0, 1..100, 1e6: the second value (exact below 256)");
	histo_quantiles(a, &half, 1, &median);
	check_near(median, 50, 0, "median of 0, 1..100, 1e6: the 51st (exact below 256)");
	check_near(histo_mean(a), (5050.0 + 1e6) / 102, 1e-9, "mean of 0, 1..100, 1e6");
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_quantiles),
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_merge_and_empty),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
