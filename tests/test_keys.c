/*
 * test_keys.c - key choosers against their exact probabilities.
 *
 * For each chooser, a million draws are binned and compared with the exact
 * probabilities (computed here from the definition, not by the chooser) by
 * Pearson's chi-square test.  The statistic must stay below the 0.9999
 * quantile of chi-square with (cells - 1) degrees of freedom (from GSL): a
 * correct sampler fails with probability 1e-4, and the seeds are fixed.
 */
#include "testutil.h"

#include <gsl/gsl_cdf.h>

#include "sim/core/keys.h"
#include "sim/core/rng.h"

static void chi_square(const char *spec_text, uint32_t n, const double *p, uint64_t seed)
{
	struct keys_spec spec;
	struct parse_error e;
	if (keys_parse(spec_text, &spec, &e) < 0)
		fail_msg("%s: %s", spec_text, e.msg);
	struct keys k;
	keys_init(&k, &spec, n);
	enum { N = 1000000 };
	uint64_t *count = calloc(n, sizeof(*count));
	gsl_rng *r = rng_new(seed);
	for (int i = 0; i < N; i++) {
		uint32_t key = keys_pick(&k, r);
		if (key >= n)
			fail_msg("%s: key %u out of range %u", spec_text, key, n);
		count[key]++;
	}
	rng_free(r);
	double chi = 0;
	for (uint32_t i = 0; i < n; i++) {
		double expect = p[i] * N;
		chi += (count[i] - expect) * (count[i] - expect) / expect;
	}
	double limit = gsl_cdf_chisq_Pinv(0.9999, n - 1);
	if (chi > limit)
		fail_msg("%s over %u keys: chi-square %.1f above %.1f (hottest key %lu, expected %.0f)",
			 spec_text, n, chi, limit, (unsigned long)count[0], p[0] * N);
	free(count);
}

static void zipf_case(double s, uint32_t n, uint64_t seed)
{
	double *p = malloc(n * sizeof(*p));
	double total = 0;
	for (uint32_t i = 0; i < n; i++)
		total += p[i] = pow(i + 1, -s);
	for (uint32_t i = 0; i < n; i++)
		p[i] /= total;
	char text[32];
	snprintf(text, sizeof(text), "zipf(%g)", s);
	chi_square(text, n, p, seed);
	free(p);
}

static void test_zipf(void **state)
{
	(void)state;
	zipf_case(0.99, 100, 1);
	zipf_case(1.0, 100, 2); /* the exponent where H has a log form */
	zipf_case(0.5, 1000, 3);
	zipf_case(2.0, 50, 4);
	zipf_case(1.2, 2, 5);
	zipf_case(0, 20, 6); /* uniform */
}

/* A billion keys: no table, constant memory, and still keys in range with
 * key 0 drawn with its exact probability 1/H(n, s) (H computed by summing
 * the Euler-Maclaurin form of the generalised harmonic number). */
static void test_zipf_huge(void **state)
{
	(void)state;
	uint32_t n = 1000000000u;
	double s = 1.1;
	/* H(n,s) ~ zeta(s) - n^(1-s)/(s-1) + n^-s/2 ; zeta(1.1) = 10.58444846 */
	double h = 10.584448464950809 - pow(n, 1 - s) / (s - 1) + pow(n, -s) / 2;
	struct keys_spec spec = {.kind = KEYS_ZIPF, .s = s};
	struct keys k;
	keys_init(&k, &spec, n);
	gsl_rng *r = rng_new(9);
	enum { N = 400000 };
	int zero = 0;
	for (int i = 0; i < N; i++) {
		uint32_t key = keys_pick(&k, r);
		assert_true(key < n);
		zero += key == 0;
	}
	rng_free(r);
	double p0 = 1 / h;
	double sd = sqrt(p0 * (1 - p0) / N);
	check_near((double)zero / N, p0, 5 * sd, "P(key 0) for zipf(1.1) over 1e9 keys");
}

static void test_hot(void **state)
{
	(void)state;
	/* hot(0.2, 0.8) over 10 keys: keys 0 and 1 share 0.8, the other 8
	 * share 0.2. */
	double p[10];
	for (int i = 0; i < 10; i++)
		p[i] = i < 2 ? 0.4 : 0.025;
	chi_square("hot(0.2, 0.8)", 10, p, 7);
	double u[16];
	for (int i = 0; i < 16; i++)
		u[i] = 1.0 / 16;
	chi_square("uniform", 16, u, 8);
}

static void test_parse(void **state)
{
	(void)state;
	struct keys_spec s;
	struct parse_error e;
	assert_int_equal(keys_parse("zipf(0.99)", &s, &e), 0);
	assert_int_equal(s.kind, KEYS_ZIPF);
	assert_int_equal(keys_parse("hot(0.1, 0.9)", &s, &e), 0);
	char buf[40];
	keys_format(&s, buf, sizeof(buf));
	assert_string_equal(buf, "hot(0.1, 0.9)");
	assert_int_equal(keys_parse("zipf", &s, &e), -1);
	assert_non_null(strstr(e.msg, "zipf(s)"));
	assert_int_equal(keys_parse("zipf(-1)", &s, &e), -1);
	assert_int_equal(keys_parse("hot(1.5, 0.5)", &s, &e), -1);
	assert_int_equal(keys_parse("hot(0.5, 2)", &s, &e), -1);
	assert_int_equal(keys_parse("normal(1, 2)", &s, &e), -1);
	assert_non_null(strstr(e.msg, "unknown key chooser"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zipf),
		cmocka_unit_test(test_zipf_huge),
		cmocka_unit_test(test_hot),
		cmocka_unit_test(test_parse),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
