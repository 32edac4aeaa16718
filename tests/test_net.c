/*
 * test_net.c - the network module (models/net.c): a message's latency is
 * a function of its link and its place in its operation, nothing else.
 *
 * Each check sends one message on a world and pops the kernel's one
 * pending event, whose time is the latency drawn.  The properties are the
 * contract of net.h, checked directly: the same (link, client, operation,
 * attempt, step) gives the same draw in any world of the same seed, even
 * one with more clients; any other link or step gives another draw; a
 * constant latency is that constant; and the draws of an exponential
 * latency have its mean (checked over 20000 messages against the exact
 * mean, within 4 standard errors: an independent, closed-form check that
 * keying the draws did not bias them).
 */
#include "testutil.h"

#include "models/world.h"

struct fixture {
	struct run_config cfg;
	struct kernel *k;
	struct history h;
	struct world *w;
};

static void setup(struct fixture *f, uint32_t clients, struct dist latency)
{
	f->cfg = test_config("lww");
	f->cfg.clients = clients;
	f->cfg.latency = latency;
	f->k = kernel_new(64);
	assert_non_null(f->k);
	assert_int_equal(history_init(&f->h, f->cfg.keys), 0);
	f->w = world_new(&f->cfg, f->k, &f->h, NULL);
	assert_non_null(f->w);
}

static void teardown(struct fixture *f)
{
	world_free(f->w);
	history_free(&f->h);
	kernel_free(f->k);
}

/* The latency net_send draws for a message of client c's operation
 * number seq, attempt a, step s, from src to dst. */
static int64_t latency(struct fixture *f, uint32_t src, uint32_t dst, uint32_t c, uint64_t seq,
		       uint16_t a, uint16_t s)
{
	struct msg *m = msg_new(&f->w->msgs);
	assert_non_null(m);
	m->client = c;
	m->op_seq = seq;
	m->attempt = a;
	m->step = s;
	int64_t before = kernel_now(f->k);
	net_send(f->w, m, src, dst);
	assert_int_equal(kernel_pending(f->k), 1);
	int64_t at = kernel_pop(f->k);
	msg_free(&f->w->msgs, m);
	return at - before;
}

static void test_keyed_latency(void **state)
{
	(void)state;
	struct fixture f, g;
	setup(&f, 4, dexp(KERNEL_MS));
	setup(&g, 40, dexp(KERNEL_MS));
	uint32_t c1 = EP_ID(EP_CLIENT, 1), n0 = EP_ID(EP_NODE, 0);
	int64_t base = latency(&f, c1, n0, 1, 7, 1, STEP_WRITE);
	/* the same message again, and in a world with ten times the clients */
	assert_int_equal(latency(&f, c1, n0, 1, 7, 1, STEP_WRITE), base);
	assert_int_equal(latency(&g, c1, n0, 1, 7, 1, STEP_WRITE), base);
	/* another step, attempt, operation, direction or client: another draw */
	assert_true(latency(&f, c1, n0, 1, 7, 1, STEP_READ) != base);
	assert_true(latency(&f, c1, n0, 1, 7, 2, STEP_WRITE) != base);
	assert_true(latency(&f, c1, n0, 1, 8, 1, STEP_WRITE) != base);
	assert_true(latency(&f, n0, c1, 1, 7, 1, STEP_WRITE) != base);
	assert_true(latency(&f, EP_ID(EP_CLIENT, 2), n0, 2, 7, 1, STEP_WRITE) != base);
	teardown(&f);
	teardown(&g);
}

static void test_const_latency(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 2, dconst(1234567));
	assert_int_equal(latency(&f, EP_ID(EP_CLIENT, 0), EP_ID(EP_NODE, 0), 0, 0, 1, STEP_READ),
			 1234567);
	assert_int_equal(f.w->net.sent, 1);
	teardown(&f);
}

static void test_keyed_mean(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f, 8, dexp(2 * KERNEL_MS));
	const int n = 20000;
	double sum = 0;
	for (int i = 0; i < n; i++)
		sum += (double)latency(&f, EP_ID(EP_CLIENT, (uint32_t)(i % 8)), EP_ID(EP_NODE, 0),
				       (uint32_t)(i % 8), (uint64_t)(i / 8), 1, STEP_READ);
	/* exponential: sd = mean, so the standard error is mean / sqrt(n) */
	double mean = 2e6, se = mean / sqrt(n);
	check_near(sum / n, mean, 4 * se, "mean keyed latency (ns)");
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_keyed_latency),
		cmocka_unit_test(test_const_latency),
		cmocka_unit_test(test_keyed_mean),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
