/*
 * test_policies.c - the contract every registered policy must meet (a new
 * policy gets these tests for free), and the safety properties of the safe
 * ones over many seeds.
 */
#include "testutil.h"

#include "sim/truth/checker.h"

struct values {
	int64_t sum;	  /* sum of the keys' scalar values, or -1 if untracked */
	uint64_t effects; /* sum over keys of the effects in the final state */
};

static void sum_values(const void *world, const struct history *h, const struct run_result *r,
		       void *arg)
{
	(void)r;
	struct values *v = arg;
	v->sum = 0;
	v->effects = 0;
	for (uint32_t k = 0; k < h->nkeys; k++) {
		int64_t x = world_key_value(world, k);
		if (x < 0)
			v->sum = -1;
		else if (v->sum >= 0)
			v->sum += x;
		uint32_t n, scratch;
		const uint32_t *vs = history_state(h, h->final[k], &n, &scratch);
		for (uint32_t i = 0; i < n; i++)
			v->effects += history_effects(h, vs[i]);
	}
}

static void run_inspect(const struct run_config *c, struct run_result *r, struct values *v)
{
	int rc = runner_run(c, r, sum_values, v);
	if (rc != 0)
		fail_msg("%s: run failed (%d)", c->policy->name, rc);
}

/* Contract 1, against arithmetic: one client incrementing alone is a serial
 * counter.  Every operation succeeds at its first attempt, nothing is lost,
 * and the keys' values add up to the number of increments. */
static void test_serial_counter(void **state)
{
	(void)state;
	for (size_t i = 0; i < registry_count(); i++) {
		const struct policy *p = registry_at(i);
		struct run_config c = test_config(p->name);
		c.clients = 1;
		c.keys = 4;
		c.stop_ops = 300;
		struct run_result r;
		struct values v;
		run_inspect(&c, &r, &v);
		const char *n = p->name;
		if (metric(&r, "ops_ok") != 300 || metric(&r, "attempts") != 300 ||
		    metric(&r, "lost_updates") != 0 || metric(&r, "conflicts") != 0)
			fail_msg("%s: ok %g attempts %g lost %g conflicts %g (expected 300 300 0 0)",
				 n, metric(&r, "ops_ok"), metric(&r, "attempts"),
				 metric(&r, "lost_updates"), metric(&r, "conflicts"));
		if (v.sum >= 0 && v.sum != 300)
			fail_msg("%s: values add up to %lld, expected 300", n, (long long)v.sum);
		if (v.effects != 300)
			fail_msg("%s: final state holds %lu effects, expected 300", n,
				 (unsigned long)v.effects);
		run_result_free(&r);
	}
}

/* Contract 2, invariants of bookkeeping under contention, for every policy
 * with its default options and with each option value:
 *  - conservation: ops = ok + aborted + failed;
 *  - without timeouts, every conflict is followed by a retry or an abort:
 *    attempts = ops + conflicts - aborted;
 *  - lost <= writes acknowledged; percentiles in order;
 *  - for incr-only work, the data plane (the values clients read and wrote)
 *    agrees with the checker (the version graph):
 *    sum of values = writes_acked - lost_updates + unacked_effects;
 *  - the same config twice gives the same metrics (but wall time).
 */
static void contract(const struct run_config *base, const char *what)
{
	struct run_config c = *base;
	c.clients = 8;
	c.keys = 3;
	c.key = (struct keys_spec){.kind = KEYS_ZIPF, .s = 0.9};
	c.stop_ops = 2000;
	c.timeout = 0;
	c.think = dexp(2 * KERNEL_MS);
	c.offset = (struct dist){.kind = DIST_NORMAL, .a = 0, .b = 2 * KERNEL_MS};
	struct run_result r, r2;
	struct values v, v2;
	run_inspect(&c, &r, &v);
	double ops = metric(&r, "ops"), ok = metric(&r, "ops_ok");
	double aborted = metric(&r, "ops_aborted"), failed = metric(&r, "ops_failed");
	if (ops != ok + aborted + failed || ops != 2000)
		fail_msg("%s: ops %g != ok %g + aborted %g + failed %g", what, ops, ok, aborted, failed);
	double attempts = metric(&r, "attempts"), conflicts = metric(&r, "conflicts");
	if (attempts != ops + conflicts - aborted)
		fail_msg("%s: attempts %g != ops %g + conflicts %g - aborted %g", what, attempts,
			 ops, conflicts, aborted);
	double lost = metric(&r, "lost_updates"), acked = metric(&r, "writes_acked");
	double unacked = metric(&r, "unacked_effects");
	assert_true(lost <= acked);
	assert_true(metric(&r, "latency_p50_ms") <= metric(&r, "latency_p90_ms"));
	assert_true(metric(&r, "latency_p90_ms") <= metric(&r, "latency_p99_ms"));
	assert_true(metric(&r, "latency_p99_ms") <= metric(&r, "latency_p999_ms"));
	assert_true(metric(&r, "latency_p999_ms") <= metric(&r, "latency_max_ms"));
	assert_true(metric(&r, "throughput_ops_s") > 0);
	if (v.sum >= 0 && (double)v.sum != acked - lost + unacked)
		fail_msg("%s: values add up to %lld, checker says %g acked - %g lost + %g unacked",
			 what, (long long)v.sum, acked, lost, unacked);
	if ((double)v.effects != acked - lost + unacked && c.policy != registry_find("siblings"))
		fail_msg("%s: %lu effects in final states, checker says %g", what,
			 (unsigned long)v.effects, acked - lost + unacked);
	for (const struct metric_info *m = c.policy->metrics; m && m->name; m++)
		assert_false(isnan(run_metric(&r, m->name)));
	run_inspect(&c, &r2, &v2);
	assert_int_equal(r.nmetrics, r2.nmetrics);
	for (size_t i = 0; i < r.nmetrics; i++)
		if (i != M_WALL && memcmp(&r.metric[i], &r2.metric[i], sizeof(double)) != 0)
			fail_msg("%s: %s differs between two runs: %.17g and %.17g", what,
				 r.metric_name[i], r.metric[i], r2.metric[i]);
	run_result_free(&r);
	run_result_free(&r2);
}

static void test_contract(void **state)
{
	(void)state;
	for (size_t i = 0; i < registry_count(); i++) {
		const struct policy *p = registry_at(i);
		struct run_config c = test_config(p->name);
		contract(&c, p->name);
		/* every value of every enum and bool option */
		for (const struct field *o = p->options; o && o->name; o++) {
			const char *values = o->type == FT_BOOL ? "true|false"
					     : o->type == FT_ENUM ? o->choices : NULL;
			if (!values)
				continue;
			char buf[128];
			snprintf(buf, sizeof(buf), "%s", values);
			for (char *save, *val = strtok_r(buf, "|", &save); val;
			     val = strtok_r(NULL, "|", &save)) {
				struct run_config co = test_config(p->name);
				test_option(&co, o->name, val);
				char what[96];
				snprintf(what, sizeof(what), "%s(%s=%s)", p->name, o->name, val);
				contract(&co, what);
			}
		}
	}
}

/* Safety over many seeds, under contention (6 clients, 2 keys, skewed
 * clocks, a mix of every kind): the safe policies never lose an update, and
 * every state change replaced only versions the write had read, so no key
 * is ever unclean (history.h) and no read can be stale. */
static void safe_over_seeds(const char *policy, const char *opt1, const char *val1,
			    const char *opt2, const char *val2, const double *mix)
{
	double contention = 0;
	for (uint64_t seed = 1; seed <= 40; seed++) {
		struct run_config c = test_config(policy);
		if (opt1)
			test_option(&c, opt1, val1);
		if (opt2)
			test_option(&c, opt2, val2);
		c.seed = seed;
		c.clients = 6;
		c.keys = 2;
		c.stop_ops = 600;
		c.think = dexp(1 * KERNEL_MS);
		c.offset = (struct dist){.kind = DIST_NORMAL, .a = 0, .b = 5 * KERNEL_MS};
		c.retries = 50;
		memcpy(c.mix, mix, sizeof(c.mix));
		struct run_result r;
		test_run(&c, &r);
		/* blind writes make keys unclean (they replace what they did not
		 * read), so with puts the reads are checked one by one */
		bool puts = mix[OP_PUT] > 0;
		if (metric(&r, "lost_updates") != 0 || metric(&r, "stale_reads") != 0 ||
		    (!puts && r.check.reads_checked != 0) || (puts && r.check.reads_checked == 0))
			fail_msg("%s %s=%s %s=%s seed %lu: lost %g, stale %g, reads of unclean keys %lu",
				 policy, opt1 ? opt1 : "", opt1 ? val1 : "", opt2 ? opt2 : "",
				 opt2 ? val2 : "", (unsigned long)seed, metric(&r, "lost_updates"),
				 metric(&r, "stale_reads"), (unsigned long)r.check.reads_checked);
		assert_true(metric(&r, "writes_acked") > 0);
		/* evidence that the writes did collide */
		contention += metric(&r, "conflicts");
		if (!isnan(run_metric(&r, "lock_wait_mean_ms")))
			contention += metric(&r, "lock_wait_mean_ms");
		if (!isnan(run_metric(&r, "siblings_max")))
			contention += metric(&r, "siblings_max") - 1;
		run_result_free(&r);
	}
	if (!(contention > 0))
		fail_msg("%s %s=%s: no conflict, wait or sibling in 40 runs: the test shows nothing",
			 policy, opt1 ? opt1 : "", opt1 ? val1 : "");
}

static void test_safety(void **state)
{
	(void)state;
	const double rmw_reads[OP_NKINDS] = {[OP_INCR] = 0.4, [OP_ADD] = 0.3, [OP_READ] = 0.3};
	const double adds[OP_NKINDS] = {[OP_ADD] = 0.8, [OP_READ] = 0.2};
	const double with_puts[OP_NKINDS] = {[OP_INCR] = 0.35, [OP_ADD] = 0.25, [OP_PUT] = 0.1,
					     [OP_READ] = 0.3};
	safe_over_seeds("version", NULL, NULL, NULL, NULL, rmw_reads);
	safe_over_seeds("version", NULL, NULL, NULL, NULL, with_puts);
	safe_over_seeds("lock", "lease", "10s", "fencing", "true", with_puts);
	safe_over_seeds("lock", "lease", "10s", "mode", "wait", rmw_reads);
	safe_over_seeds("lock", "lease", "10s", "mode", "fail", rmw_reads);
	safe_over_seeds("lock", "lease", "10s", "scope", "readwrite", rmw_reads);
	safe_over_seeds("siblings", "merge", "union", "clock", "dvv", adds);
	safe_over_seeds("siblings", "merge", "union", "clock", "vnode", adds);
	safe_over_seeds("siblings", "merge", "union", "clock", "client", adds);
}

/* The unsafe settings do lose updates under the same contention: the safety
 * test above is not passing because nothing ever conflicts. */
static void test_unsafe_lose(void **state)
{
	(void)state;
	struct {
		const char *policy, *opt, *val;
	} cases[] = {
		{"lww", "timestamps", "client"},
		{"lww", "timestamps", "server"},
		{"siblings", "merge", "max"},
		{"siblings", "merge", "lww"},
		{"lock", "lease", "1ms"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct run_config c = test_config(cases[i].policy);
		test_option(&c, cases[i].opt, cases[i].val);
		c.clients = 6;
		c.keys = 2;
		c.stop_ops = 2000;
		c.think = dexp(1 * KERNEL_MS);
		c.offset = (struct dist){.kind = DIST_NORMAL, .a = 0, .b = 5 * KERNEL_MS};
		c.mix[OP_INCR] = 0.7;
		c.mix[OP_READ] = 0.3;
		struct run_result r;
		test_run(&c, &r);
		if (!(metric(&r, "lost_updates") > 0))
			fail_msg("%s %s=%s lost nothing under contention", cases[i].policy,
				 cases[i].opt, cases[i].val);
		/* and the checker examined the reads of the keys made unclean */
		assert_true(r.check.reads_checked > 0);
		run_result_free(&r);
	}
}

/* Pruning (Riak's rule) shortens the client clocks the store keeps and
 * returns, and, when it leaves each writer's newest entry, loses nothing;
 * pruning every entry makes each write descend the stored (empty) clocks:
 * false descendants, and concurrent updates are lost.  The pruned write is
 * compared before it is pruned, so a write never looks concurrent with what
 * it read: sibling counts match the unpruned run. */
static void test_pruning(void **state)
{
	(void)state;
	double entries[3], lost[3], sib[3];
	const char *settings[3][3] = {{"50", "50", "20s"}, {"2", "4", "0"}, {"0", "0", "0"}};
	for (int i = 0; i < 3; i++) {
		struct run_config c = test_config("siblings");
		test_option(&c, "clock", "client");
		test_option(&c, "prune.small", settings[i][0]);
		test_option(&c, "prune.big", settings[i][1]);
		test_option(&c, "prune.young", settings[i][2]);
		c.clients = 16;
		c.keys = 8;
		c.stop_ops = 4000;
		c.mix[OP_INCR] = 0;
		c.mix[OP_ADD] = 0.9;
		c.mix[OP_READ] = 0.1;
		struct run_result r;
		test_run(&c, &r);
		entries[i] = metric(&r, "vclock_entries_mean");
		lost[i] = metric(&r, "lost_updates");
		sib[i] = metric(&r, "siblings_mean");
		run_result_free(&r);
	}
	/* shorter clocks (a read returns the join of its siblings' clocks,
	 * each at most `big` entries long) */
	assert_true(entries[1] < entries[0] / 2);
	assert_true(lost[0] == 0 && lost[1] == 0);
	check_near(sib[1], sib[0], 0, "siblings per read with and without pruning");
	assert_true(entries[2] == 0);
	assert_true(lost[2] > 0); /* false descendants */
}

/* Option parsing through the table. */
/* clock: client with one open-loop client, whose operations overlap: they
 * share the client's actor, so a write sent later descends one sent earlier
 * that it never read (test_traces works the replacing case by hand).  Here
 * latencies vary, so later writes also overtake earlier ones in the
 * network, and the earlier one arrives to find a sibling that descends it:
 * dropped as obsolete.  With one client no sibling can have read a write
 * still in flight, so every obsolete write is a false descendant; and
 * since the union merge loses nothing else, every lost add was cut by one
 * at least once.  Hence obsolete <= false_descendants and lost <=
 * false_descendants, both non-zero; with dotted version vectors, nothing is
 * lost and nothing is falsely descended. */
static void test_one_client_actor(void **state)
{
	(void)state;
	const char *clocks[] = {"client", "dvv"};
	for (int i = 0; i < 2; i++) {
		struct run_config c = test_config("siblings");
		test_option(&c, "clock", clocks[i]);
		c.clients = 1;
		c.keys = 1;
		c.arrival = ARRIVAL_OPEN;
		c.rate = 400;
		c.mix[OP_INCR] = 0;
		c.mix[OP_ADD] = 1;
		c.latency = dexp(1 * KERNEL_MS);
		c.compute = dexp(1 * KERNEL_MS);
		c.stop_ops = 2000;
		struct run_result r;
		struct values v;
		run_inspect(&c, &r, &v);
		double obsolete = metric(&r, "obsolete_writes"), lost = metric(&r, "lost_updates");
		double fd = metric(&r, "false_descendants");
		print_message("clock %s: lost %g, obsolete %g, false descendants %g\n", clocks[i], lost,
			      obsolete, fd);
		if (i == 0) {
			assert_true(obsolete > 0 && lost > 0);
			assert_true(obsolete <= fd && lost <= fd);
		} else {
			check_near(lost, 0, 0, "dvv: lost adds");
			check_near(fd, 0, 0, "dvv: false descendants");
		}
		run_result_free(&r);
	}
}

static void test_options(void **state)
{
	(void)state;
	const struct policy *p = registry_find("lock");
	unsigned char opts[POLICY_OPTS_MAX];
	struct parse_error e;
	assert_int_equal(policy_defaults(p, opts), 0);
	assert_int_equal(policy_set_option(p, opts, "mode", "fail", &e), 0);
	assert_int_equal(policy_set_option(p, opts, "mode", "sleep", &e), -1);
	assert_non_null(strstr(e.msg, "wait or fail"));
	assert_int_equal(policy_set_option(p, opts, "lease", "0", &e), -1);
	assert_non_null(strstr(e.msg, "between"));
	assert_int_equal(policy_set_option(p, opts, "fencing", "yes", &e), -1);
	assert_int_equal(policy_set_option(p, opts, "colour", "red", &e), -1);
	assert_non_null(strstr(e.msg, "its options are mode, lease, fencing, scope"));
	assert_int_equal(policy_set_option(registry_find("version"), opts, "x", "1", &e), -1);
	assert_non_null(strstr(e.msg, "its options are check"));
	const struct policy *s = registry_find("siblings");
	assert_int_equal(policy_defaults(s, opts), 0);
	assert_int_equal(policy_set_option(s, opts, "prune.small", "60", &e), 0);
	assert_int_equal(s->validate(opts, &e), -1);
	assert_non_null(strstr(e.msg, "prune.big"));
	/* every policy's defaults parse and fit */
	for (size_t i = 0; i < registry_count(); i++) {
		assert_true(registry_at(i)->options_size <= POLICY_OPTS_MAX);
		assert_int_equal(policy_defaults(registry_at(i), opts), 0);
	}
}

/* A run that cannot advance time (every delay 0) stops with -ELOOP once
 * its instant limit is passed, and the message quotes that limit, not the
 * default (the fuzz harness sets a lower one). */
static void test_zero_time_loop(void **state)
{
	(void)state;
	struct run_config c = test_config("version");
	c.think = c.latency = c.compute = c.backoff = c.service = dconst(0);
	c.stop_ops = 1000000;
	c.instant_limit = 1000;
	struct run_result r;
	assert_int_equal(runner_run(&c, &r, NULL, NULL), -ELOOP);
	char msg[600];
	runner_strerror(-ELOOP, &r, msg, sizeof(msg));
	if (!strstr(msg, "more than 1000 events ran at the simulated instant t = 0 s"))
		fail_msg("message: %s", msg);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_serial_counter),
		cmocka_unit_test(test_contract),
		cmocka_unit_test(test_safety),
		cmocka_unit_test(test_unsafe_lose),
		cmocka_unit_test(test_pruning),
		cmocka_unit_test(test_one_client_actor),
		cmocka_unit_test(test_options),
		cmocka_unit_test(test_zero_time_loop),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
