/*
 * test_determinism.c - same scenario and seed, same results; common random
 * numbers across policies; a new client changes no other client's draws.
 */
#include "testutil.h"

#include "sim/truth/record.h"

static struct run_config busy(const char *policy)
{
	struct run_config c = test_config(policy);
	c.clients = 6;
	c.keys = 4;
	c.key = (struct keys_spec){.kind = KEYS_ZIPF, .s = 1.1};
	c.mix[OP_INCR] = 0.4;
	c.mix[OP_ADD] = 0.2;
	c.mix[OP_PUT] = 0.1;
	c.mix[OP_READ] = 0.3;
	c.offset = (struct dist){.kind = DIST_NORMAL, .a = 0, .b = 3 * KERNEL_MS};
	c.drift = (struct dist){.kind = DIST_NORMAL, .a = 0, .b = 50};
	c.sync_period = 200 * KERNEL_MS;
	c.sync_error = (struct dist){.kind = DIST_NORMAL, .a = 0, .b = 100 * KERNEL_US};
	c.stop_ops = 3000;
	c.record_ops = true;
	c.record_trace = true;
	return c;
}

/* The same config twice: every metric (but wall time), every operation row
 * and every trace row identical, byte for byte. */
static void test_same_seed_same_results(void **state)
{
	(void)state;
	for (size_t p = 0; p < registry_count(); p++) {
		struct run_config c = busy(registry_at(p)->name);
		struct run_result a, b;
		test_run(&c, &a);
		test_run(&c, &b);
		assert_int_equal(a.nmetrics, b.nmetrics);
		for (size_t i = 0; i < a.nmetrics; i++)
			if (i != M_WALL && memcmp(&a.metric[i], &b.metric[i], sizeof(double)))
				fail_msg("%s: metric %s %.17g vs %.17g", c.policy->name,
					 a.metric_name[i], a.metric[i], b.metric[i]);
		assert_int_equal(a.rec.nops, b.rec.nops);
		assert_int_equal(a.rec.ntrace, b.rec.ntrace);
		assert_memory_equal(a.rec.ops, b.rec.ops, a.rec.nops * sizeof(*a.rec.ops));
		assert_memory_equal(a.rec.trace, b.rec.trace, a.rec.ntrace * sizeof(*a.rec.trace));
		assert_memory_equal(a.latency, b.latency, sizeof(a.latency));
		/* a different seed gives a different run */
		c.seed = 2;
		struct run_result d;
		test_run(&c, &d);
		assert_true(memcmp(&a.metric[M_LATENCY_MEAN], &d.metric[M_LATENCY_MEAN],
				   sizeof(double)) != 0);
		run_result_free(&a);
		run_result_free(&b);
		run_result_free(&d);
	}
}

/* Open loop: arrivals do not depend on completions, so with one seed every
 * policy sees exactly the same operations: same issue times, clients, keys
 * and kinds. */
static void test_common_arrivals(void **state)
{
	(void)state;
	struct run_result base;
	for (size_t p = 0; p < registry_count(); p++) {
		struct run_config c = busy(registry_at(p)->name);
		c.arrival = ARRIVAL_OPEN;
		c.rate = 100;
		c.record_trace = false;
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
				fail_msg("%s vs %s: operation %zu differs (t %lld/%lld key %u/%u)",
					 c.policy->name, registry_at(0)->name, i, (long long)a->begin,
					 (long long)b->begin, a->key, b->key);
		}
		run_result_free(&r);
	}
	run_result_free(&base);
}

/* Calls fn on each pair of operations that are the k-th of the same
 * client in runs a and b (their rows sorted by client, then issue time);
 * returns how many pairs there were. */
static size_t pair_ops(struct run_result *a, struct run_result *b,
		       void (*fn)(const struct op_row *x, const struct op_row *y, size_t *count),
		       size_t *count)
{
	qsort(a->rec.ops, a->rec.nops, sizeof(*a->rec.ops), test_by_client_then_begin);
	qsort(b->rec.ops, b->rec.nops, sizeof(*b->rec.ops), test_by_client_then_begin);
	size_t i = 0, j = 0, pairs = 0;
	while (i < a->rec.nops && j < b->rec.nops) {
		const struct op_row *x = &a->rec.ops[i], *y = &b->rec.ops[j];
		if (x->client != y->client) {
			/* one run gave this client more operations: skip to the next */
			if (x->client < y->client)
				i++;
			else
				j++;
			continue;
		}
		fn(x, y, count);
		i++;
		j++;
		pairs++;
	}
	return pairs;
}

static void same_choices(const struct op_row *x, const struct op_row *y, size_t *count)
{
	(void)count;
	assert_int_equal(x->key, y->key);
	assert_int_equal(x->kind, y->kind);
}

/* Closed loop: issue times depend on latencies, which differ by policy, but
 * each client's sequence of keys and kinds is the same. */
static void test_common_choices_closed(void **state)
{
	(void)state;
	struct run_config c1 = busy("lww"), c2 = busy("lock");
	c1.record_trace = c2.record_trace = false;
	struct run_result a, b;
	test_run(&c1, &a);
	test_run(&c2, &b);
	size_t compared = pair_ops(&a, &b, same_choices, NULL);
	assert_true(compared > 2500);
	run_result_free(&a);
	run_result_free(&b);
}

/* Adding a client leaves every other client's draws unchanged: with open
 * arrivals, clients 0..4 issue the same operations at the same times with
 * 5 clients or 6. */
static void test_adding_a_client(void **state)
{
	(void)state;
	struct run_result r[2];
	for (int i = 0; i < 2; i++) {
		struct run_config c = busy("version");
		c.arrival = ARRIVAL_OPEN;
		c.rate = 50;
		c.clients = 5 + (uint32_t)i;
		c.stop_ops = 0;
		c.stop_time = 2 * KERNEL_S;
		c.record_trace = false;
		test_run(&c, &r[i]);
		qsort(r[i].rec.ops, r[i].rec.nops, sizeof(*r[i].rec.ops), test_by_client_then_begin);
	}
	size_t n5 = r[0].rec.nops, matched = 0;
	for (size_t i = 0; i < n5; i++) {
		const struct op_row *a = &r[0].rec.ops[i], *b = &r[1].rec.ops[i];
		assert_int_equal(a->client, b->client);
		assert_int_equal(a->begin, b->begin);
		assert_int_equal(a->key, b->key);
		assert_int_equal(a->kind, b->kind);
		matched++;
	}
	/* the sixth client's operations come after, sorted by client */
	assert_true(r[1].rec.nops > n5);
	assert_int_equal(r[1].rec.ops[n5].client, 5);
	assert_true(matched > 400);
	run_result_free(&r[0]);
	run_result_free(&r[1]);
}

static void same_latency(const struct op_row *x, const struct op_row *y, size_t *same)
{
	assert_int_equal(x->kind, y->kind);
	if (x->attempts != 1 || y->attempts != 1 || x->status != OPST_OK || y->status != OPST_OK)
		return;
	if (x->end - x->begin != y->end - y->begin)
		fail_msg("client %u: an operation took %lld ns under lww, %lld under version", x->client,
			 (long long)(x->end - x->begin), (long long)(y->end - y->begin));
	(*same)++;
}

/* Common random numbers per operation (design section 2): the compute time
 * and the message latencies of a client's n-th operation at its first
 * attempt are the same under every policy, even after the other policy
 * retried more before it.  Under lww (which never retries) and version
 * (which does, under this contention) with one seed, every operation that
 * succeeded at its first attempt under both took exactly the same time:
 * its four messages and its compute time were the same draws.  Closed loop,
 * so the operations start at different times under the two policies. */
static void test_common_latencies(void **state)
{
	(void)state;
	struct run_config c1 = busy("lww"), c2 = busy("version");
	c1.record_trace = c2.record_trace = false;
	c1.mix[OP_PUT] = c2.mix[OP_PUT] = 0;
	struct run_result a, b;
	test_run(&c1, &a);
	test_run(&c2, &b);
	assert_true(metric(&b, "conflicts") > 100); /* version did retry */
	size_t same = 0;
	pair_ops(&a, &b, same_latency, &same);
	assert_true(same > 1500);
	print_message("%zu operations at their first attempt under both: identical latencies\n", same);
	run_result_free(&a);
	run_result_free(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_same_seed_same_results),
		cmocka_unit_test(test_common_arrivals),
		cmocka_unit_test(test_common_choices_closed),
		cmocka_unit_test(test_adding_a_client),
		cmocka_unit_test(test_common_latencies),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
