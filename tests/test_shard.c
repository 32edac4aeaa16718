/*
 * test_shard.c - slices of a run list (sim/app/shard.c): parsing I/N, the
 * cost estimate, and the dealing.
 *
 * Expected values come from outside the code under test: the cost formulas
 * as documented in shard.h, worked by hand for each case; a dealing of five
 * runs worked by hand with the rule "largest first, to the least loaded
 * slice, the lowest-numbered on a tie"; Graham's bound for that rule (no
 * slice above the mean by more than one run's cost); and a count-based
 * contiguous split computed here, which the cost-based one must beat on a
 * sweep whose costs differ.
 */
#include "testutil.h"

#include "sim/app/scenario.h"
#include "sim/app/shard.h"

static struct scenario *parse(const char *text)
{
	struct sdiag d;
	struct scenario *s = scenario_parse("t.yaml", text, strlen(text), NULL, 0, &d);
	if (!s || scenario_check(s, &d) < 0)
		fail_msg("scenario does not load: %s", d.text);
	return s;
}

static void test_parse(void **state)
{
	(void)state;
	static const struct {
		const char *text;
		int ok;
		unsigned index, count;
	} cases[] = {
		{"1/1", 1, 1, 1},     {"2/7", 1, 2, 7},	     {"7/7", 1, 7, 7}, {"100000/100000", 1, 100000, 100000},
		{"0/3", 0, 0, 0},     {"4/3", 0, 0, 0},	     {"1/0", 0, 0, 0}, {"3", 0, 0, 0},
		{"", 0, 0, 0},	      {"1/", 0, 0, 0},	     {"/3", 0, 0, 0},  {"-1/3", 0, 0, 0},
		{"1/3x", 0, 0, 0},    {" 1/3", 0, 0, 0},     {"1 /3", 0, 0, 0}, {"1/100001", 0, 0, 0},
		{"1/99999999999999999999", 0, 0, 0},	     {"a/b", 0, 0, 0}, {"1.5/3", 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct shard sh = {0, 0};
		char err[256] = "";
		int rc = shard_parse(cases[i].text, &sh, err, sizeof(err));
		if (cases[i].ok) {
			if (rc != 0 || sh.index != cases[i].index || sh.count != cases[i].count)
				fail_msg("'%s': rc %d, %u/%u", cases[i].text, rc, sh.index, sh.count);
		} else {
			if (rc == 0)
				fail_msg("'%s' accepted as %u/%u", cases[i].text, sh.index, sh.count);
			if (!strstr(err, "--shard expects I/N") || !strstr(err, cases[i].text))
				fail_msg("'%s': message '%s'", cases[i].text, err);
		}
	}
}

/* The cost of the only run of a scenario with one policy. */
static uint64_t cost_of(const char *text)
{
	struct scenario *s = parse(text);
	struct run_spec rs;
	struct sdiag d;
	if (scenario_resolve(s, 0, 0, &rs, &d) < 0)
		fail_msg("%s", d.text);
	uint64_t c = shard_cost(&rs.cfg);
	run_spec_free(&rs);
	scenario_free(s);
	return c;
}

static void test_cost(void **state)
{
	(void)state;
	/* stop.ops alone: ops x 6 events with one copy */
	assert_int_equal(cost_of("name: c\npolicies: [lww]\nstop: {ops: 1234}\n"), 1234 * 6);
	/* 5 nodes, one copy each (no replication): the same */
	assert_int_equal(cost_of("name: c\npolicies: [lww]\nstop: {ops: 1234}\ncluster: {nodes: 5}\n"), 1234 * 6);
	/* a quorum of 3 copies: 6 + 2 x 4 = 14 per operation */
	assert_int_equal(cost_of("name: c\npolicies: [lww]\nstop: {ops: 1000}\n"
				 "cluster: {nodes: 5, replication: {quorum: {n: 3, r: 2, w: 2}}}\n"),
			 14000);
	/* two probes after each write, writes 80% of the mix: 1000 x (1 + 2 x
	 * 0.8) = 2600 operations x 14 */
	assert_int_equal(cost_of("name: c\npolicies: [lww]\nstop: {ops: 1000}\n"
				 "workload: {mix: {incr: 0.8, read: 0.2}, probe: [0ms, 1ms]}\n"
				 "cluster: {nodes: 3, replication: {quorum: {n: 3}}}\n"),
			 2600 * 14);
	/* closed loop, stop.time 1 s: cycle = think 10 + compute 2 + 4 x 0.5
	 * latency + 2 x 0 service = 14 ms; 4 clients x 1000/14 = 285.71 ops,
	 * rounded 286, x 6 = 1716 */
	assert_int_equal(cost_of("name: c\npolicies: [lww]\nstop: {time: 1s}\n"
				 "workload: {clients: 4, think: const(10ms), compute: const(2ms)}\n"
				 "network: {latency: const(0.5ms)}\n"),
			 1716);
	/* the same capped by stop.ops: 100 ops x 6 */
	assert_int_equal(cost_of("name: c\npolicies: [lww]\nstop: {time: 1s, ops: 100}\n"
				 "workload: {clients: 4, think: const(10ms), compute: const(2ms)}\n"
				 "network: {latency: const(0.5ms)}\n"),
			 600);
	/* open loop: 3 clients x 100/s x 2 s = 600 ops x 6 */
	assert_int_equal(cost_of("name: c\npolicies: [lww]\nstop: {time: 2s}\n"
				 "workload: {clients: 3, arrival: open, rate: 100/s}\n"),
			 3600);
}

static const char five[] =
	"name: five\npolicies: [lww]\nstop: {ops: $n}\nsweep: {n: [1000, 2000, 3000, 4000, 5000]}\n";

/* Worked by hand: costs 5000, 4000, 3000, 2000, 1000 (x 6).  5000 -> 1;
 * 4000 -> 2; 3000 -> 2 (4000 < 5000); 2000 -> 1 (5000 < 7000); 1000 -> 1
 * (7000 = 7000: the lower number).  Slice 1 = {5000, 2000, 1000} = 8000,
 * slice 2 = {4000, 3000} = 7000. */
static void test_deal_by_hand(void **state)
{
	(void)state;
	struct scenario *s = parse(five);
	struct shard_plan p;
	char err[256];
	assert_int_equal(shard_plan_build(&s, 1, 2, &p, err, sizeof(err)), 0);
	assert_int_equal(p.nruns, 5);
	static const unsigned want[5] = {1, 1, 2, 2, 1}; /* runs in order n = 1000 .. 5000 */
	for (size_t i = 0; i < 5; i++)
		if (p.runs[i].slice != want[i] || p.runs[i].run != i)
			fail_msg("run %zu (n=%zu): slice %u, expected %u", i, (i + 1) * 1000,
				 p.runs[i].slice, want[i]);
	assert_int_equal(p.load[0], 8000 * 6);
	assert_int_equal(p.load[1], 7000 * 6);
	assert_int_equal(p.total, 15000 * 6);
	bool *sel = shard_select(&p, 0, 5, 2);
	assert_non_null(sel);
	assert_true(!sel[0] && !sel[1] && sel[2] && sel[3] && !sel[4]);
	free(sel);
	shard_plan_free(&p);
	scenario_free(s);
}

static const char skewed[] =
	"name: skewed\nreplications: 3\npolicies: [lww, version]\nstop: {ops: $n}\n"
	"sweep: {n: [100, 200, 400, 800, 1600, 3200, 6400]}\n";
static const char flat[] = "name: flat\npolicies: [lww, version, siblings]\nstop: {ops: 700}\n";

/* Every run in exactly one slice, the loads add up, Graham's bound holds,
 * and the slices do not depend on the order the scenarios are named in. */
static void test_partition(void **state)
{
	(void)state;
	struct scenario *a = parse(skewed), *b = parse(flat);
	struct scenario *ab[2] = {a, b}, *ba[2] = {b, a};
	size_t nruns = 42 + 3; /* 7 points x 2 policies x 3 replications, and 3 */
	static const unsigned counts[] = {1, 2, 3, 7, 13, 45, 50};
	for (size_t c = 0; c < sizeof(counts) / sizeof(counts[0]); c++) {
		unsigned n = counts[c];
		struct shard_plan p, q;
		char err[256];
		assert_int_equal(shard_plan_build(ab, 2, n, &p, err, sizeof(err)), 0);
		assert_int_equal(shard_plan_build(ba, 2, n, &q, err, sizeof(err)), 0);
		assert_int_equal(p.nruns, nruns);
		uint64_t sum[64] = {0}, maxcost = 0, total = 0;
		for (size_t i = 0; i < p.nruns; i++) {
			const struct shard_run *r = &p.runs[i];
			assert_true(r->slice >= 1 && r->slice <= n);
			sum[r->slice - 1] += r->cost;
			total += r->cost;
			maxcost = r->cost > maxcost ? r->cost : maxcost;
			/* the same run in the other order of scenarios */
			const struct shard_run *o = &q.runs[r->scenario == 0 ? 3 + r->run : r->run];
			if (strcmp(o->params, r->params) || o->slice != r->slice)
				fail_msg("N=%u: run %zu in slice %u, or %u when the scenarios are named the other way round",
					 n, i, r->slice, o->slice);
		}
		assert_int_equal(total, p.total);
		for (unsigned k = 0; k < n; k++) {
			assert_int_equal(sum[k], p.load[k]);
			if ((double)sum[k] > (double)total / n + (double)maxcost)
				fail_msg("N=%u: slice %u has cost %llu, above the mean %.0f plus the largest run %llu",
					 n, k + 1, (unsigned long long)sum[k], (double)total / n,
					 (unsigned long long)maxcost);
		}
		/* each slice, by shard_select, is exactly the runs dealt to it,
		 * and the slices together select every run once */
		size_t hits[2][64] = {{0}};
		for (unsigned k = 1; k <= n; k++)
			for (size_t sc = 0; sc < 2; sc++) {
				uint64_t m = scenario_runs(ab[sc]);
				bool *sel = shard_select(&p, sc, m, k);
				for (uint64_t r = 0; r < m; r++)
					hits[sc][r] += sel[r];
				free(sel);
			}
		for (size_t sc = 0; sc < 2; sc++)
			for (uint64_t r = 0; r < scenario_runs(ab[sc]); r++)
				if (hits[sc][r] != 1)
					fail_msg("N=%u: run %llu of scenario %zu selected %zu times", n,
						 (unsigned long long)r, sc, hits[sc][r]);
		shard_plan_free(&p);
		shard_plan_free(&q);
	}
	scenario_free(a);
	scenario_free(b);
}

/* Against two splits by count, on a sweep whose costs grow by doubling:
 * runs 0..k-1 to slice 1 and so on (the cost-based largest slice is
 * smaller), and run i to slice i mod N (it is no larger). */
static void test_balance_beats_count(void **state)
{
	(void)state;
	struct scenario *a = parse(skewed);
	for (unsigned n = 2; n <= 7; n++) {
		struct shard_plan p;
		char err[256];
		assert_int_equal(shard_plan_build(&a, 1, n, &p, err, sizeof(err)), 0);
		uint64_t by_count[8] = {0}, round_robin[8] = {0}, worst_count = 0, worst_rr = 0, worst = 0;
		for (size_t i = 0; i < p.nruns; i++) {
			by_count[i * n / p.nruns] += p.runs[i].cost;
			round_robin[i % n] += p.runs[i].cost;
		}
		for (unsigned k = 0; k < n; k++) {
			worst_count = by_count[k] > worst_count ? by_count[k] : worst_count;
			worst_rr = round_robin[k] > worst_rr ? round_robin[k] : worst_rr;
			worst = p.load[k] > worst ? p.load[k] : worst;
		}
		print_message("N=%u: largest slice %.1f%% of the total by cost, %.1f%% by contiguous count, %.1f%% round robin\n",
			      n, 100.0 * (double)worst / (double)p.total,
			      100.0 * (double)worst_count / (double)p.total,
			      100.0 * (double)worst_rr / (double)p.total);
		if (worst >= worst_count || worst > worst_rr)
			fail_msg("N=%u: largest slice %llu by cost, %llu by contiguous count, %llu round robin", n,
				 (unsigned long long)worst, (unsigned long long)worst_count,
				 (unsigned long long)worst_rr);
		shard_plan_free(&p);
	}
	scenario_free(a);
}

/* A scenario named twice: its runs are the same runs, in the same slice. */
static void test_same_run_twice(void **state)
{
	(void)state;
	struct scenario *a = parse(five), *b = parse(five);
	struct scenario *aa[2] = {a, b};
	struct shard_plan p;
	char err[256];
	assert_int_equal(shard_plan_build(aa, 2, 3, &p, err, sizeof(err)), 0);
	for (size_t i = 0; i < 5; i++)
		assert_int_equal(p.runs[i].slice, p.runs[5 + i].slice);
	assert_int_equal(p.total, 15000 * 6); /* counted once */
	shard_plan_free(&p);
	scenario_free(a);
	scenario_free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_cost),
		cmocka_unit_test(test_deal_by_hand),
		cmocka_unit_test(test_partition),
		cmocka_unit_test(test_balance_beats_count),
		cmocka_unit_test(test_same_run_twice),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
