/*
 * test_traces.c - hand-worked traces, step by step.
 *
 * Each scenario is scripted (arrival: script) with constant latencies so
 * that every time below can be worked out by hand; the test then follows
 * the recorded trace and checks each step, the final value and the
 * checker's verdict.  Timing used throughout: one-way latency 1 ms, no
 * service time, so a read-modify-write issued at t reads at t+1, has the
 * reply at t+2, computes 1 ms, writes at t+4 and is acknowledged at t+5.
 */
#include "testutil.h"

#include "sim/truth/record.h"

struct trace_ctx {
	int64_t final_value[4];
	uint64_t final_effects[4];
	uint32_t final_siblings[4];
};

static void inspect(const void *world, const struct history *h, const struct run_result *r,
		    void *arg)
{
	(void)r;
	struct trace_ctx *t = arg;
	const struct world *w = world;
	for (uint32_t k = 0; k < 4 && k < h->nkeys; k++) {
		t->final_value[k] = world_key_value(w, k);
		uint32_t n, scratch;
		const uint32_t *vs = history_state(h, h->final[k], &n, &scratch);
		t->final_siblings[k] = n;
		/* effects of the final state: |union of incl(v)| */
		uint64_t e = 0;
		for (uint32_t i = 0; i < n; i++)
			e = history_effects(h, vs[i]) > e ? history_effects(h, vs[i]) : e;
		t->final_effects[k] = e;
	}
}

static struct run_config scripted(const char *policy, const struct script_op *ops, uint32_t n,
				  uint32_t clients)
{
	struct run_config c = test_config(policy);
	c.arrival = ARRIVAL_SCRIPT;
	c.script = ops;
	c.nscript = n;
	c.clients = clients;
	c.keys = 1;
	c.latency = dconst(1 * KERNEL_MS);
	c.compute = dconst(1 * KERNEL_MS);
	c.backoff = dconst(2 * KERNEL_MS);
	c.record_trace = true;
	c.record_ops = true;
	return c;
}

/* The code of the trace event named `name` in any policy's vocabulary. */
static unsigned E(const char *name)
{
	for (size_t i = 0; i < registry_count(); i++)
		for (unsigned code = TR_POLICY; code < TR_REPL; code++) {
			const struct trace_vocab *v = model_event(registry_at(i), NULL, code);
			if (!v)
				break;
			if (strcmp(v->name, name) == 0)
				return code;
		}
	fail_msg("no trace event %s", name);
	return 0;
}

static const char *ev_name(unsigned code)
{
	for (size_t i = 0; i < registry_count(); i++) {
		const struct trace_vocab *v = model_event(registry_at(i), NULL, code);
		if (v)
			return v->name;
	}
	return "?";
}

/* The first trace row from *pos on with this event, actor and time (in ms;
 * -1: any), or fail; then checks its value (-1: any) and moves *pos past it.
 * Successive calls thus check the order of the steps. */
static const struct trace_row *expect(const struct run_result *r, size_t *pos,
				      unsigned ev, uint32_t actor, int64_t at_ms,
				      int64_t value)
{
	for (size_t i = *pos; i < r->rec.ntrace; i++) {
		const struct trace_row *t = &r->rec.trace[i];
		if (t->event != ev || t->actor != actor)
			continue;
		if (at_ms >= 0 && t->time != at_ms * KERNEL_MS)
			continue;
		if (value >= 0 && t->value != value)
			fail_msg("%s by %d at %.3f ms: value %lld, expected %lld",
				 ev_name(ev), (int)actor, t->time / 1e6,
				 (long long)t->value, (long long)value);
		*pos = i + 1;
		return t;
	}
	fail_msg("no %s by actor %d at %lld ms after trace row %zu", ev_name(ev),
		 (int)actor, (long long)at_ms, *pos);
	return NULL;
}

#define STORE TRACE_STORE

/* Two workers read 2 and both write 3. */
static const struct script_op counter_ops[] = {
	{.at = 0, .client = 0, .kind = OP_INCR, .compute = -1},
	{.at = 10 * KERNEL_MS, .client = 0, .kind = OP_INCR, .compute = -1},
	{.at = 20 * KERNEL_MS, .client = 0, .kind = OP_INCR, .compute = -1},
	{.at = 20 * KERNEL_MS, .client = 1, .kind = OP_INCR, .compute = -1},
};

static void test_counter_lww(void **state)
{
	(void)state;
	struct run_config c = scripted("lww", counter_ops, 4, 2);
	struct run_result r;
	struct trace_ctx t;
	assert_int_equal(runner_run(&c, &r, inspect, &t), 0);
	size_t pos = 0;
	/* the first two increments leave 2 */
	expect(&r, &pos, TR_APPLIED, STORE, 4, 1);
	expect(&r, &pos, TR_APPLIED, STORE, 14, 2);
	/* both read 2 at 21 ms */
	expect(&r, &pos, TR_READ, STORE, 21, 2);
	expect(&r, &pos, TR_READ, STORE, 21, 2);
	/* both write 3 at 24 ms: client 0's arrives first and is applied; client
	 * 1's has the same timestamp (23 ms) and wins the tie (higher client
	 * id), so it is applied too and client 0's increment is gone */
	const struct trace_row *w0 = expect(&r, &pos, TR_APPLIED, STORE, 24, 3);
	const struct trace_row *w1 = expect(&r, &pos, TR_APPLIED, STORE, 24, 3);
	/* both acknowledged at 25 ms */
	size_t p2 = pos;
	expect(&r, &p2, TR_ACK, 0, 25, 3);
	p2 = pos;
	expect(&r, &p2, TR_ACK, 1, 25, 3);
	assert_true(w0->lost);
	assert_false(w1->lost);
	assert_int_equal(t.final_value[0], 3);
	check_near(metric(&r, "lost_updates"), 1, 0, "lost updates");
	check_near(metric(&r, "writes_acked"), 4, 0, "writes acknowledged");
	check_near(metric(&r, "conflicts"), 0, 0, "conflicts");
	run_result_free(&r);
}

static void test_counter_version(void **state)
{
	(void)state;
	struct run_config c = scripted("version", counter_ops, 4, 2);
	struct run_result r;
	struct trace_ctx t;
	assert_int_equal(runner_run(&c, &r, inspect, &t), 0);
	size_t pos = 0;
	expect(&r, &pos, TR_APPLIED, STORE, 14, 2);
	expect(&r, &pos, TR_READ, STORE, 21, 2);
	expect(&r, &pos, TR_READ, STORE, 21, 2);
	/* client 0 expected version 2 and gets it: 3 */
	expect(&r, &pos, TR_APPLIED, STORE, 24, 3);
	/* client 1 expected version 2 too: rejected */
	expect(&r, &pos, TR_REJECTED, STORE, 24, 3);
	expect(&r, &pos, TR_CONFLICT, 1, 25, -1);
	/* backs off 2 ms, re-reads 3 at 28 ms, writes 4 at 31 ms */
	expect(&r, &pos, TR_READ, STORE, 28, 3);
	expect(&r, &pos, TR_APPLIED, STORE, 31, 4);
	expect(&r, &pos, TR_ACK, 1, 32, 4);
	assert_int_equal(t.final_value[0], 4);
	check_near(metric(&r, "lost_updates"), 0, 0, "lost updates");
	check_near(metric(&r, "conflicts"), 1, 0, "conflicts");
	check_near(metric(&r, "attempts"), 5, 0, "attempts");
	run_result_free(&r);
}

/* The shopping cart: x is in the cart; two clients add a and b at once; a
 * third add reads the two siblings and merges. */
static const struct script_op cart_ops[] = {
	{.at = 0, .client = 0, .kind = OP_ADD, .compute = -1},		      /* x */
	{.at = 10 * KERNEL_MS, .client = 0, .kind = OP_ADD, .compute = -1},  /* a */
	{.at = 10 * KERNEL_MS, .client = 1, .kind = OP_ADD, .compute = -1},  /* b */
	{.at = 30 * KERNEL_MS, .client = 0, .kind = OP_ADD, .compute = -1},  /* c */
};

static void cart(const char *merge, const char *clock, struct run_result *r,
		 struct trace_ctx *t)
{
	struct run_config c = scripted("siblings", cart_ops, 4, 2);
	test_option(&c, "merge", merge);
	test_option(&c, "clock", clock);
	assert_int_equal(runner_run(&c, r, inspect, t), 0);
	size_t pos = 0;
	/* a and b both read {x} at 11 ms and are written at 14 ms: the second
	 * did not see the first, so the store keeps both as siblings */
	expect(r, &pos, TR_READ, STORE, 11, -1);
	expect(r, &pos, TR_APPLIED, STORE, 14, -1);
	const struct trace_row *sib = expect(r, &pos, E("sibling"), STORE, 14, -1);
	assert_int_equal(sib->aux, 2);
	/* c reads the two siblings at 31 ms */
	const struct trace_row *rd = expect(r, &pos, TR_READ, STORE, 31, -1);
	assert_int_equal(rd->aux, 2);
	expect(r, &pos, TR_GOT, 0, 32, -1);
}

static void test_cart_union(void **state)
{
	(void)state;
	const char *clocks[] = {"dvv", "vnode", "client"};
	for (int i = 0; i < 3; i++) {
		struct run_result r;
		struct trace_ctx t;
		cart("union", clocks[i], &r, &t);
		/* the merge keeps x, a, b and adds c: 4 elements, one sibling */
		assert_int_equal(t.final_siblings[0], 1);
		assert_int_equal(t.final_effects[0], 4);
		check_near(metric(&r, "lost_updates"), 0, 0, clocks[i]);
		run_result_free(&r);
	}
}

static void test_cart_max(void **state)
{
	(void)state;
	struct run_result r;
	struct trace_ctx t;
	cart("max", "dvv", &r, &t);
	/* {x,a} and {x,b} both hold 2 elements; max keeps one (the later
	 * stamp) and adds c: 3 elements, and one of a, b is lost */
	assert_int_equal(t.final_siblings[0], 1);
	assert_int_equal(t.final_effects[0], 3);
	assert_int_equal(t.final_value[0], 3);
	check_near(metric(&r, "lost_updates"), 1, 0, "lost adds with merge: max");
	run_result_free(&r);
}

/* One client, two operations in flight at once (design section 3,
 * clock: client).  Client 0 adds at 0 ms and at 0.5 ms; both read the empty
 * key (at 1 and 1.5 ms), compute, and send their writes with the client's
 * next write numbers and the empty context they read.  The write sent
 * second carries {c0: 2}, which descends the first's {c0: 1} although it
 * never read it: the two operations share the client's actor.  So the
 * later-sent write replaces the earlier one, whichever operation began
 * first: with compute 1 ms each the first sends at 3 ms (arrives 4 ms) and
 * the second at 3.5 ms (4.5 ms); with 3 ms for the first, the second sends
 * first (3.5 ms, arriving 4.5 ms) and the first at 5 ms (6 ms), and it is
 * the first that replaces the second.  One add is lost, and
 * false_descendants counts it.  With dotted version vectors (the node's
 * actor) the two stay siblings and nothing is lost.  This is the model the
 * design names (Riak's client-id vector clocks), kept on purpose and
 * counted exactly; test_policies checks the other case, a write dropped as
 * obsolete beside a later one that overtook it in the network. */
static void concurrent_adds(const char *clock, int64_t first_compute, struct run_result *r,
			    struct trace_ctx *t)
{
	const struct script_op ops[] = {
		{.at = 0, .client = 0, .kind = OP_ADD, .compute = first_compute},
		{.at = KERNEL_MS / 2, .client = 0, .kind = OP_ADD, .compute = -1},
	};
	struct run_config c = scripted("siblings", ops, 2, 1);
	test_option(&c, "clock", clock);
	assert_int_equal(runner_run(&c, r, inspect, t), 0);
}

static void test_one_client_concurrent(void **state)
{
	(void)state;
	for (int order = 0; order < 2; order++) {
		struct run_result r;
		struct trace_ctx t;
		concurrent_adds("client", order ? 3 * KERNEL_MS : -1, &r, &t);
		size_t pos = 0;
		/* the earlier-sent write is applied, then replaced */
		const struct trace_row *first = expect(&r, &pos, TR_APPLIED, STORE, -1, -1);
		const struct trace_row *second = expect(&r, &pos, TR_APPLIED, STORE, -1, -1);
		assert_int_equal(first->time, order ? 4500 * KERNEL_US : 4 * KERNEL_MS);
		assert_int_equal(second->time, order ? 6 * KERNEL_MS : 4500 * KERNEL_US);
		assert_int_equal(first->op, order ? 1 : 0);
		assert_int_equal(second->op, order ? 0 : 1);
		assert_int_equal(first->lost, 1);
		assert_int_equal(second->lost, 0);
		assert_int_equal(t.final_siblings[0], 1);
		assert_int_equal(t.final_effects[0], 1);
		check_near(metric(&r, "lost_updates"), 1, 0, "lost adds of one client's concurrent ops");
		check_near(metric(&r, "false_descendants"), 1, 0, "false descendants");
		check_near(metric(&r, "obsolete_writes"), 0, 0, "obsolete writes");
		run_result_free(&r);
		/* dotted version vectors: two siblings, nothing lost */
		concurrent_adds("dvv", order ? 3 * KERNEL_MS : -1, &r, &t);
		assert_int_equal(t.final_siblings[0], 2);
		check_near(metric(&r, "lost_updates"), 0, 0, "dvv: lost adds");
		check_near(metric(&r, "false_descendants"), 0, 0, "dvv: false descendants");
		run_result_free(&r);
	}
}

/* Clock skew: client 1's clock is 50 ms behind.  Client 0 increments at
 * 0 ms (write stamped 3 ms by its clock); client 1 increments at 10 ms,
 * reads 1 and writes 2 stamped 13 - 50 = -37 ms. */
static const struct script_op skew_ops[] = {
	{.at = 0, .client = 0, .kind = OP_INCR, .compute = -1},
	{.at = 10 * KERNEL_MS, .client = 1, .kind = OP_INCR, .compute = -1},
};
static const int64_t skew_offsets[] = {0, -50 * KERNEL_MS};

static void skew(const char *timestamps, struct run_result *r, struct trace_ctx *t)
{
	struct run_config c = scripted("lww", skew_ops, 2, 2);
	c.offsets = skew_offsets;
	c.noffsets = 2;
	test_option(&c, "timestamps", timestamps);
	assert_int_equal(runner_run(&c, r, inspect, t), 0);
}

static void test_skew(void **state)
{
	(void)state;
	struct run_result r;
	struct trace_ctx t;
	skew("client", &r, &t);
	size_t pos = 0;
	expect(&r, &pos, TR_APPLIED, STORE, 4, 1);
	expect(&r, &pos, TR_READ, STORE, 11, 1);
	const struct trace_row *d = expect(&r, &pos, TR_DISCARDED, STORE, 14, 2);
	assert_int_equal(d->aux, -37 * KERNEL_MS); /* its timestamp */
	assert_true(d->lost);
	expect(&r, &pos, TR_ACK, 1, 15, 2); /* acknowledged all the same */
	assert_int_equal(t.final_value[0], 1);
	check_near(metric(&r, "lost_updates"), 1, 0, "lost with client timestamps");
	run_result_free(&r);

	skew("server", &r, &t);
	pos = 0;
	expect(&r, &pos, TR_APPLIED, STORE, 4, 1);
	expect(&r, &pos, TR_APPLIED, STORE, 14, 2);
	assert_int_equal(t.final_value[0], 2);
	check_near(metric(&r, "lost_updates"), 0, 0, "lost with server timestamps");
	run_result_free(&r);
}

/* The lease: client 0 takes the lock at 1 ms with a 10 ms lease and then
 * computes for 50 ms.  Client 1 asks at 6 ms and waits; the lease expires at
 * 11 ms, client 1 gets the lock (token 2), reads 0, writes 1 at 14 ms and
 * releases.  Client 0's write of 1 (it read 0) arrives at 53 ms. */
static const struct script_op lease_ops[] = {
	{.at = 0, .client = 0, .kind = OP_INCR, .compute = 50 * KERNEL_MS},
	{.at = 5 * KERNEL_MS, .client = 1, .kind = OP_INCR, .compute = -1},
};

static void lease(const char *fencing, struct run_result *r, struct trace_ctx *t)
{
	struct run_config c = scripted("lock", lease_ops, 2, 2);
	test_option(&c, "lease", "10ms");
	test_option(&c, "fencing", fencing);
	assert_int_equal(runner_run(&c, r, inspect, t), 0);
	size_t pos = 0;
	const struct trace_row *g = expect(r, &pos, E("lock-grant"), STORE, 1, 0);
	assert_int_equal(g->aux, 1);
	expect(r, &pos, E("lock-wait"), STORE, 6, -1);
	expect(r, &pos, E("lease-expired"), STORE, 11, -1);
	g = expect(r, &pos, E("lock-grant"), STORE, 11, 0);
	assert_int_equal(g->aux, 2);
	expect(r, &pos, TR_APPLIED, STORE, 14, 1);
	expect(r, &pos, E("zombie"), STORE, 53, 1);
}

static void test_lease_no_fencing(void **state)
{
	(void)state;
	struct run_result r;
	struct trace_ctx t;
	lease("false", &r, &t);
	size_t pos = 0;
	/* the zombie's write is applied over client 1's update */
	const struct trace_row *a = NULL;
	while (pos < r.rec.ntrace) {
		const struct trace_row *x = &r.rec.trace[pos++];
		if (x->event == TR_APPLIED && x->time == 53 * KERNEL_MS)
			a = x;
	}
	assert_non_null(a);
	assert_int_equal(t.final_value[0], 1);
	check_near(metric(&r, "lost_updates"), 1, 0, "lost without fencing");
	check_near(metric(&r, "zombie_writes"), 1, 0, "zombie writes");
	check_near(metric(&r, "lease_expiries"), 1, 0, "lease expiries");
	check_near(metric(&r, "fenced_writes"), 0, 0, "fenced");
	run_result_free(&r);
}

static void test_lease_fencing(void **state)
{
	(void)state;
	struct run_result r;
	struct trace_ctx t;
	lease("true", &r, &t);
	size_t pos = 0;
	expect(&r, &pos, E("fenced"), STORE, 53, 1);
	expect(&r, &pos, TR_CONFLICT, 0, 54, -1);
	/* client 0 retries after 2 ms: lock at 57 ms (token 3), reads 1,
	 * computes 50 ms again (its scripted compute), writes 2 at 109 ms */
	const struct trace_row *g = expect(&r, &pos, E("lock-grant"), STORE, 57, 1);
	assert_int_equal(g->aux, 3);
	expect(&r, &pos, TR_APPLIED, STORE, 109, 2);
	assert_int_equal(t.final_value[0], 2);
	check_near(metric(&r, "lost_updates"), 0, 0, "lost with fencing");
	check_near(metric(&r, "fenced_writes"), 1, 0, "fenced writes");
	run_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counter_lww),
		cmocka_unit_test(test_counter_version),
		cmocka_unit_test(test_cart_union),
		cmocka_unit_test(test_cart_max),
		cmocka_unit_test(test_one_client_concurrent),
		cmocka_unit_test(test_skew),
		cmocka_unit_test(test_lease_no_fencing),
		cmocka_unit_test(test_lease_fencing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
