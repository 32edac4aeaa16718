/*
 * test_dist.c - distributions, against their closed-form moments; the
 * parsers of distributions and units.
 *
 * Bound used for moments: with n independent draws, the sample mean has
 * standard deviation sigma/sqrt(n), and the sample variance s^2 has standard
 * deviation sqrt((mu4 - sigma^4)/n) to first order, mu4 being the fourth
 * central moment.  Each check allows 5 standard deviations: a correct
 * sampler fails one with probability below 1e-6 (the seeds are fixed, so a
 * passing test passes every time).
 */
#include "testutil.h"

#include <gsl/gsl_statistics_double.h>

#include "sim/core/dist.h"
#include "sim/core/rng.h"
#include "sim/core/units.h"

struct moment_case {
	const char *text;
	double mu4_over_var2; /* fourth central moment / variance^2 (kurtosis) */
};

static double lognormal_kurtosis(double s)
{
	double s2 = s * s;
	return exp(4 * s2) + 2 * exp(3 * s2) + 3 * exp(2 * s2) - 6 + 3;
}

static double pareto_kurtosis(double a)
{
	return 6 * (a * a * a + a * a - 6 * a - 2) / (a * (a - 3) * (a - 4)) + 3;
}

static void test_moments(void **state)
{
	(void)state;
	const struct moment_case cases[] = {
		{"const(3ms)", 0},
		{"uniform(1ms, 5ms)", 9.0 / 5.0}, /* (b-a)^4/80 over ((b-a)^2/12)^2 */
		{"exp(10ms)", 9},
		{"normal(50ms, 5ms)", 3},
		{"lognormal(10ms, 0.5)", lognormal_kurtosis(0.5)},
		{"pareto(1ms, 5)", pareto_kurtosis(5)},
	};
	enum { N = 400000 };
	double *x = malloc(N * sizeof(*x));
	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct dist d;
		struct parse_error e;
		if (dist_parse(cases[c].text, DIST_DURATION, &d, &e) < 0)
			fail_msg("%s: %s", cases[c].text, e.msg);
		gsl_rng *r = rng_new(rng_stream_seed(11, 0, 0, (uint32_t)c));
		for (int i = 0; i < N; i++)
			x[i] = dist_sample(&d, r);
		rng_free(r);
		double mean = gsl_stats_mean(x, 1, N);
		double var = gsl_stats_variance(x, 1, N);
		double tmean = dist_mean(&d), tvar = dist_variance(&d);
		double sd_mean = sqrt(tvar / N);
		double sd_var = sqrt((cases[c].mu4_over_var2 - 1) * tvar * tvar / N);
		char what[96];
		snprintf(what, sizeof(what), "%s mean", cases[c].text);
		check_near(mean, tmean, 5 * sd_mean + 1e-9 * fabs(tmean), what);
		snprintf(what, sizeof(what), "%s variance", cases[c].text);
		check_near(var, tvar, 5 * sd_var + 1e-9 * tvar, what);
	}
	free(x);
}

/* Durations clamp at zero; exp(0) and const(0) draw 0. */
static void test_sample_ns(void **state)
{
	(void)state;
	struct dist d = {.kind = DIST_NORMAL, .a = 0, .b = 1e6};
	gsl_rng *r = rng_new(5);
	int zeros = 0;
	for (int i = 0; i < 10000; i++) {
		long long v = dist_sample_ns(&d, r);
		assert_true(v >= 0);
		zeros += v == 0;
	}
	/* about half the draws of normal(0, 1ms) are negative */
	assert_true(zeros > 4500 && zeros < 5500);
	struct dist z = {.kind = DIST_EXP, .a = 0, .b = 0};
	assert_int_equal(dist_sample_ns(&z, r), 0);
	rng_free(r);
}

/* A distribution of one value is drawn without a stream where the model
 * knows it is constant (dist_is_const; keyed draws, the network, the
 * store): every form of it gives its value, the one it is written with.
 * normal(10ms, 0) once crashed there (GSL drew from no stream), found by
 * the fuzz harness running the scenarios it loads. */
static void test_const_without_stream(void **state)
{
	(void)state;
	static const char *const texts[] = {"10ms", "const(10ms)", "normal(10ms, 0)",
					    "lognormal(10ms, 0)", "uniform(10ms, 10ms)",
					    "mix(0.3, normal(10ms, 0), 10ms)"};
	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++) {
		struct dist d;
		struct parse_error e;
		if (dist_parse(texts[i], DIST_DURATION, &d, &e) < 0)
			fail_msg("%s: %s", texts[i], e.msg);
		assert_true(dist_is_const(&d));
		long long v = dist_sample_ns(&d, NULL);
		if (v != 10000000)
			fail_msg("%s drawn without a stream: %lld ns, written 10 ms", texts[i], v);
		assert_int_equal(dist_keyed_ns(&d, 12345), 10000000);
	}
	struct dist zero;
	struct parse_error e;
	assert_int_equal(dist_parse("exp(0)", DIST_DURATION, &zero, &e), 0);
	assert_int_equal(dist_sample_ns(&zero, NULL), 0);
}

struct parse_case {
	const char *text;
	enum dist_unit unit;
	int ok;
	const char *expect; /* formatted back, or a fragment of the error */
	int col;	    /* error column */
};

static void test_parse(void **state)
{
	(void)state;
	const struct parse_case cases[] = {
		{"exp(10ms)", DIST_DURATION, 1, "exp(10ms)", 0},
		{"10ms", DIST_DURATION, 1, "const(10ms)", 0},
		{" normal( 0 , 1.5ms ) ", DIST_DURATION, 1, "normal(0, 1500us)", 0},
		{"lognormal(2ms, 0.25)", DIST_DURATION, 1, "lognormal(2ms, 0.25)", 0},
		{"pareto(1ms, 2.5)", DIST_DURATION, 1, "pareto(1ms, 2.5)", 0},
		{"uniform(1s, 2s)", DIST_DURATION, 1, "uniform(1s, 2s)", 0},
		{"normal(0, 20)", DIST_NUMBER, 1, "normal(0, 20)", 0},
		{"expo(1ms)", DIST_DURATION, 0, "unknown distribution 'expo'", 0},
		{"exp(1ms", DIST_DURATION, 0, "missing ')'", 7},
		{"exp(1ms, 2ms)", DIST_DURATION, 0, "exp(mean) takes 1 argument, found 2", 3},
		{"exp(5)", DIST_DURATION, 0, "needs a unit", 5},
		{"exp(5 parsecs)", DIST_DURATION, 0, "unknown unit 'parsecs'", 6},
		{"uniform(5ms, 1ms)", DIST_DURATION, 0, "a <= b", 8},
		{"exp(-1ms)", DIST_DURATION, 0, "mean >= 0", 4},
		{"normal(0, -1ms)", DIST_DURATION, 0, "sigma >= 0", 7},
		{"pareto(0, 2)", DIST_DURATION, 0, "scale > 0", 7},
		{"lognormal(1ms, 2ms)", DIST_DURATION, 0, "expected a plain number without a unit", 15},
		{"banana", DIST_DURATION, 0, "expected a value or a distribution", 0},
		{"exp(nan)", DIST_DURATION, 0, "expected a duration", 4},
		{"1e400ms", DIST_DURATION, 0, "expected a duration", 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		struct dist d;
		struct parse_error e = {0};
		int rc = dist_parse(c->text, c->unit, &d, &e);
		if (c->ok) {
			if (rc < 0)
				fail_msg("'%s' should parse: %s", c->text, e.msg);
			char buf[80];
			dist_format(&d, c->unit, buf, sizeof(buf));
			if (strcmp(buf, c->expect) != 0)
				fail_msg("'%s' formats as '%s', expected '%s'", c->text, buf, c->expect);
		} else {
			if (rc == 0)
				fail_msg("'%s' should not parse", c->text);
			if (!strstr(e.msg, c->expect))
				fail_msg("'%s': message '%s' lacks '%s'", c->text, e.msg, c->expect);
			if (e.col != c->col)
				fail_msg("'%s': column %d, expected %d (%s)", c->text, e.col, c->col, e.msg);
		}
	}
}

static void test_units(void **state)
{
	(void)state;
	int64_t ns;
	double x;
	struct parse_error e;
	assert_int_equal(units_duration_ns("1.5ms", &ns, &e), 0);
	assert_int_equal(ns, 1500000);
	assert_int_equal(units_duration_ns("0", &ns, &e), 0);
	assert_int_equal(ns, 0);
	assert_int_equal(units_duration_ns("250ns", &ns, &e), 0);
	assert_int_equal(ns, 250);
	assert_int_equal(units_duration_ns("2s", &ns, &e), 0);
	assert_int_equal(ns, 2000000000);
	assert_int_equal(units_duration_ns("5", &ns, &e), -1);
	assert_int_equal(units_duration_ns("5m", &ns, &e), -1);
	assert_int_equal(units_duration_ns("0x10ms", &ns, &e), -1);
	assert_int_equal(units_duration_ns("inf", &ns, &e), -1);
	assert_int_equal(units_duration_ns("1ms junk", &ns, &e), -1);
	assert_int_equal(units_rate("100/s", &x, &e), 0);
	check_near(x, 100, 0, "100/s");
	assert_int_equal(units_rate("2/ms", &x, &e), 0);
	check_near(x, 2000, 0, "2/ms");
	assert_int_equal(units_rate("100", &x, &e), -1);
	char buf[32];
	units_format_duration(1500000, buf, sizeof(buf));
	assert_string_equal(buf, "1500us");
	units_format_duration(3e9, buf, sizeof(buf));
	assert_string_equal(buf, "3s");
	units_format_number(0.1, buf, sizeof(buf));
	assert_string_equal(buf, "0.1");
	uint64_t n;
	assert_int_equal(units_count("42", &n, &e), 0);
	assert_int_equal(n, 42);
	assert_int_equal(units_count("-1", &n, &e), -1);
	assert_int_equal(units_count("1.5", &n, &e), -1);
	assert_int_equal(units_count("99999999999999999999999", &n, &e), -1);
}

/* rng_below is unbiased: chi-square over 7 cells (an odd n exposes modulo
 * bias); the statistic must stay below the 0.9999 quantile of chi2(6),
 * 27.86 (GSL's gsl_cdf_chisq_Pinv gives it). */
static void test_below_uniform(void **state)
{
	(void)state;
	enum { N = 700000, K = 7 };
	long count[K] = {0};
	gsl_rng *r = rng_new(3);
	for (int i = 0; i < N; i++)
		count[rng_below(r, K)]++;
	rng_free(r);
	double chi = 0, expect = (double)N / K;
	for (int i = 0; i < K; i++)
		chi += (count[i] - expect) * (count[i] - expect) / expect;
	if (chi > 27.86)
		fail_msg("chi-square %.2f over 7 cells exceeds 27.86", chi);
}

/* Streams are named: a stream's draws do not depend on any other stream. */
static void test_stream_independence(void **state)
{
	(void)state;
	gsl_rng *a = rng_new(rng_stream_seed(1, 1, 5, 2));
	double first[5];
	for (int i = 0; i < 5; i++)
		first[i] = rng_uniform(a);
	/* Other streams, created and drawn from in between, change nothing. */
	gsl_rng *b = rng_new(rng_stream_seed(1, 1, 6, 2));
	for (int i = 0; i < 1000; i++)
		rng_uniform(b);
	gsl_rng *a2 = rng_new(rng_stream_seed(1, 1, 5, 2));
	for (int i = 0; i < 5; i++)
		assert_true(rng_uniform(a2) == first[i]);
	/* Different names give different streams. */
	assert_true(rng_stream_seed(1, 1, 5, 2) != rng_stream_seed(2, 1, 5, 2));
	assert_true(rng_stream_seed(1, 1, 5, 2) != rng_stream_seed(1, 1, 5, 3));
	assert_true(rng_stream_seed(1, 1, 5, 2) != rng_stream_seed(1, 2, 5, 2));
	rng_free(a);
	rng_free(a2);
	rng_free(b);
}

/* A keyed draw without a stream is the draw of the stream, bit for bit. */
static void test_keyed_draws(void **state)
{
	(void)state;
	static const char *const texts[] = {"exp(0.5ms)", "uniform(1ms, 3ms)", "const(2ms)",
					    "normal(1ms, 0.2ms)", "lognormal(1ms, 0.5)",
					    "mix(0.5, exp(1ms), const(3ms))"};
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++) {
		struct dist d;
		assert_int_equal(dist_parse(texts[t], DIST_DURATION, &d, NULL), 0);
		for (uint64_t i = 0; i < 2000; i++) {
			uint64_t key = rng_key(rng_stream_seed(9, 3, (uint32_t)i, 7), i * 31);
			struct rng_stream s;
			rng_stream_init(&s, key);
			double u = rng_uniform(&s.rng);
			if (u != rng_key_uniform(key))
				fail_msg("key %llu: uniform %.17g against %.17g", (unsigned long long)key,
					 rng_key_uniform(key), u);
			rng_stream_init(&s, key);
			long long a = dist_keyed_ns(&d, key), b = dist_sample_ns(&d, &s.rng);
			if (a != b)
				fail_msg("%s, key %llu: keyed %lld, from the stream %lld", texts[t],
					 (unsigned long long)key, a, b);
		}
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_moments),
		cmocka_unit_test(test_sample_ns),
		cmocka_unit_test(test_const_without_stream),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_below_uniform),
		cmocka_unit_test(test_stream_independence),
		cmocka_unit_test(test_keyed_draws),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
