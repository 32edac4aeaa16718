/*
 * test_phases.c - load phases (sim/core/phases.c, workload.phases): the
 * next arrival across boundaries against hand-worked values, and whole
 * runs against the Poisson process they are meant to be, an independent
 * source: per client and phase the count of arrivals is Poisson with mean
 * rate x length (checked by a chi-square over every count and by the index
 * of dispersion, which is 1 for Poisson counts and far from it for evenly
 * spaced or clumped ones); the wait for the first arrival of a phase is
 * exponential with that phase's rate (memoryless at the boundary); and the
 * arrivals are the same under every policy.
 */
#include "testutil.h"

#include "sim/core/phases.h"

static const struct load_phase three[] = {
	{.end = 10 * KERNEL_S, .rate = 2},  /* 0 to 10 s: 2/s */
	{.end = 20 * KERNEL_S, .rate = 0},  /* 10 to 20 s: none */
	{.end = 25 * KERNEL_S, .rate = 10}, /* 20 to 25 s: 10/s, then on */
};

/* e is the integral of the rate up to the next arrival: worked by hand. */
static void test_next_by_hand(void **state)
{
	(void)state;
	/* within the first phase: e / 2 s */
	assert_int_equal(phases_next(three, 3, 0, 1.0), KERNEL_S / 2);
	assert_int_equal(phases_next(three, 3, 3 * KERNEL_S, 4.0), 5 * KERNEL_S);
	/* phase 0 holds e up to 2 x 10 = 20: e = 19.999999 lies 0.5 us before
	 * its end (19.999999 / 2 s = 9.9999995 s); e = 21 uses all of phase 0,
	 * phase 1 adds nothing, and the remaining 1 takes 1/10 s of phase 2 */
	assert_int_equal(phases_next(three, 3, 0, 19.999999), 9999999500);
	assert_int_equal(phases_next(three, 3, 0, 21.0), 20 * KERNEL_S + KERNEL_S / 10);
	/* from inside the pause: the next falls in phase 2, 5 / 10 s after 20 s */
	assert_int_equal(phases_next(three, 3, 15 * KERNEL_S, 5.0), 20 * KERNEL_S + KERNEL_S / 2);
	/* past the last boundary the last rate holds: 10/s */
	assert_int_equal(phases_next(three, 3, 30 * KERNEL_S, 10.0), 31 * KERNEL_S);
	/* e = 2 x 10 + 10 x 5 + 10 x 2 = 90 from 0: at 27 s */
	assert_int_equal(phases_next(three, 3, 0, 90.0), 27 * KERNEL_S);
	/* a last phase of rate 0: no arrival after it */
	const struct load_phase stop[] = {{.end = KERNEL_S, .rate = 5}, {.end = 2 * KERNEL_S, .rate = 0}};
	assert_int_equal(phases_next(stop, 2, 0, 6.0), -1);
	assert_int_equal(phases_next(stop, 2, 3 * KERNEL_S, 0.1), -1);
	/* a rate so small that the wait overflows: phase 0 takes 1e-12 of e,
	 * and the rest, 30 / 1e-12 s = 3e22 ns from its end, is capped at 4e18
	 * ns after it (phases.h), never wrapped */
	const struct load_phase slow[] = {{.end = KERNEL_S, .rate = 1e-12}};
	assert_int_equal(phases_next(slow, 1, 0, 30.0), 4000000000000000000LL + KERNEL_S);
	assert_int_equal(phases_next(slow, 1, 5 * KERNEL_S, 30.0), 4000000000000000000LL + 5 * KERNEL_S);
	/* expected arrivals: the integral */
	check_near(phases_expected(three, 3, 25 * KERNEL_S), 2 * 10 + 0 + 10 * 5, 1e-9, "to 25 s");
	check_near(phases_expected(three, 3, 5 * KERNEL_S), 10, 1e-9, "to 5 s");
	check_near(phases_expected(three, 3, 35 * KERNEL_S), 170, 1e-9, "to 35 s");
}

#define CLIENTS 8
#define SEEDS 12
#define NPH 4

/* The phases of the run below: 20 s at 5/s a client, 10 s at 50/s, 10 s
 * at 0, 20 s at 80/s in all (10/s a client), stopped at 60 s. */
static struct run_config phased(const char *policy, uint64_t seed)
{
	struct run_config c = test_config(policy);
	c.clients = CLIENTS;
	c.keys = 64;
	c.arrival = ARRIVAL_OPEN;
	c.stop_ops = 0;
	c.stop_time = 60 * KERNEL_S;
	c.seed = seed;
	c.record_ops = true;
	c.phases[0] = (struct load_phase){.end = 20 * KERNEL_S, .rate = 5};
	c.phases[1] = (struct load_phase){.end = 30 * KERNEL_S, .rate = 50};
	c.phases[2] = (struct load_phase){.end = 40 * KERNEL_S, .rate = 0};
	c.phases[3] = (struct load_phase){.end = 60 * KERNEL_S, .rate = 10, .total_rate = 80, .total = true};
	c.nphases = NPH;
	return c;
}

static const double mean_of[NPH] = {5 * 20, 50 * 10, 0, 10 * 20};
static const int64_t start_of[NPH] = {0, 20 * KERNEL_S, 30 * KERNEL_S, 40 * KERNEL_S};

static int phase_of(int64_t t)
{
	for (int i = NPH - 1; i > 0; i--)
		if (t >= start_of[i])
			return i;
	return 0;
}

static void test_poisson_counts(void **state)
{
	(void)state;
	double chi2 = 0, disp[NPH] = {0}, first_wait = 0;
	int df = 0, nwait = 0;
	for (uint64_t seed = 1; seed <= SEEDS; seed++) {
		struct run_config c = phased("lww", seed);
		struct run_result r;
		test_run(&c, &r);
		long count[CLIENTS][NPH] = {{0}};
		int64_t first[CLIENTS];
		for (int k = 0; k < CLIENTS; k++)
			first[k] = INT64_MAX;
		for (size_t i = 0; i < r.rec.nops; i++) {
			const struct op_row *o = &r.rec.ops[i];
			count[o->client][phase_of(o->begin)]++;
			if (o->begin >= start_of[1] && o->begin < first[o->client])
				first[o->client] = o->begin;
		}
		for (int k = 0; k < CLIENTS; k++) {
			for (int p = 0; p < NPH; p++) {
				if (mean_of[p] == 0) {
					if (count[k][p] != 0)
						fail_msg("seed %llu client %d: %ld arrivals in a phase of rate 0",
							 (unsigned long long)seed, k, count[k][p]);
					continue;
				}
				double z = ((double)count[k][p] - mean_of[p]) / sqrt(mean_of[p]);
				if (fabs(z) > 5)
					fail_msg("seed %llu client %d phase %d: %ld arrivals, Poisson mean %g (z = %.2f)",
						 (unsigned long long)seed, k, p, count[k][p], mean_of[p], z);
				chi2 += z * z;
				disp[p] += z * z;
				df++;
			}
			/* the first arrival after the boundary at 20 s (from phase 0,
			 * whose last arrival says nothing about it) */
			first_wait += (double)(first[k] - start_of[1]) / 1e9;
			nwait++;
		}
		run_result_free(&r);
	}
	/* chi-square with df degrees of freedom: mean df, sd sqrt(2 df) */
	double sd = sqrt(2.0 * df);
	print_message("chi-square %.1f over %d counts (expected %d +- %.1f)\n", chi2, df, df, sd);
	if (fabs(chi2 - df) > 5 * sd)
		fail_msg("arrival counts: chi-square %.1f, expected %d +- %.1f", chi2, df, 5 * sd);
	/* index of dispersion per phase: about 1 for Poisson counts */
	int n = CLIENTS * SEEDS;
	for (int p = 0; p < NPH; p++) {
		if (mean_of[p] == 0)
			continue;
		double d = disp[p] / n, dsd = sqrt(2.0 / n);
		print_message("phase %d: index of dispersion %.3f (1 +- %.3f)\n", p, d, dsd);
		check_near(d, 1, 5 * dsd, "index of dispersion");
	}
	/* memoryless at the boundary: the wait is exponential of mean 1/50 s */
	double mean_wait = first_wait / nwait, se = (1.0 / 50) / sqrt(nwait);
	print_message("first arrival after the boundary: %.4f s (1/50 = 0.02 +- %.4f)\n", mean_wait, se);
	check_near(mean_wait, 1.0 / 50, 5 * se, "mean wait for the first arrival of phase 1");
}

/* With phases, every policy sees the same arrivals, keys and kinds. */
static void test_same_for_every_policy(void **state)
{
	(void)state;
	struct run_result base;
	for (size_t p = 0; p < registry_count(); p++) {
		struct run_config c = phased(registry_at(p)->name, 7);
		c.stop_time = 35 * KERNEL_S;
		c.mix[OP_READ] = 0.3;
		struct run_result r;
		test_run(&c, &r);
		qsort(r.rec.ops, r.rec.nops, sizeof(*r.rec.ops), test_by_client_then_begin);
		if (p == 0) {
			base = r;
			continue;
		}
		assert_int_equal(r.rec.nops, base.rec.nops);
		for (size_t i = 0; i < r.rec.nops; i++) {
			const struct op_row *a = &r.rec.ops[i], *b = &base.rec.ops[i];
			if (a->begin != b->begin || a->client != b->client || a->key != b->key ||
			    a->kind != b->kind)
				fail_msg("%s: operation %zu differs from %s's", c.policy->name, i,
					 registry_at(0)->name);
		}
		run_result_free(&r);
	}
	run_result_free(&base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_next_by_hand),
		cmocka_unit_test(test_poisson_counts),
		cmocka_unit_test(test_same_for_every_policy),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
