/*
 * test_node.c - a store node (models/node.c): FIFO service, the policy
 * served at the end of it, and lazy invalidation of what was queued
 * before a crash.
 *
 * Hand-worked: three reads reach the node at t = 0, 1 ms and 1.5 ms;
 * service takes a constant 2 ms, one message at a time, in arrival order,
 * so they are served (and traced by the policy's reply) at 2, 4 and 6 ms:
 * the second waits 1 ms, the third 2.5 ms.  With the node's incarnation
 * bumped (a crash) at 2.5 ms, after the first was served, the second and
 * third, queued under the old incarnation, are dropped when their service
 * ends, and counted lost, instead of reaching the policy.
 */
#include "testutil.h"

#include "models/world.h"

struct fixture {
	struct run_config cfg;
	struct kernel *k;
	struct history h;
	struct record rec;
	struct world *w;
};

static void setup(struct fixture *f)
{
	f->cfg = test_config("lww");
	f->cfg.clients = 3;
	f->cfg.service = dconst(2 * KERNEL_MS);
	f->cfg.latency = dconst(0);
	f->cfg.record_trace = true;
	memset(&f->rec, 0, sizeof(f->rec));
	f->k = kernel_new(64);
	assert_int_equal(history_init(&f->h, f->cfg.keys), 0);
	f->w = world_new(&f->cfg, f->k, &f->h, &f->rec);
	assert_non_null(f->w);
}

static void teardown(struct fixture *f)
{
	world_free(f->w);
	history_free(&f->h);
	record_free(&f->rec);
	kernel_free(f->k);
}

/* Kernel event: read request arg reaches node 0. */
static void arrive(struct kernel *k, void *world, uint64_t arg)
{
	(void)k;
	struct world *w = world;
	struct msg *m = msg_new(&w->msgs);
	m->type = MSG_READ;
	m->kind = OP_READ;
	m->client = (uint32_t)arg;
	m->op_id = arg;
	m->key = 0;
	m->src = EP_ID(EP_CLIENT, (uint32_t)arg);
	m->dst = EP_ID(EP_NODE, 0);
	node_receive(&w->nodes[0], m);
}

/* Kernel event: the node crashes (its incarnation changes). */
static void crash(struct kernel *k, void *world, uint64_t arg)
{
	(void)k;
	(void)arg;
	struct world *w = world;
	w->nodes[0].ep.incarnation++;
}

static void run(struct fixture *f, bool with_crash)
{
	kernel_schedule(f->k, 0, arrive, f->w, 0);
	kernel_schedule(f->k, 1 * KERNEL_MS, arrive, f->w, 1);
	kernel_schedule(f->k, 1500 * KERNEL_US, arrive, f->w, 2);
	if (with_crash)
		kernel_schedule(f->k, 2500 * KERNEL_US, crash, f->w, 0);
	assert_int_equal(kernel_run(f->k, INT64_MAX), 0);
}

static void test_fifo_service(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f);
	run(&f, false);
	const int64_t want[] = {2 * KERNEL_MS, 4 * KERNEL_MS, 6 * KERNEL_MS};
	size_t seen = 0;
	for (size_t i = 0; i < f.rec.ntrace; i++) {
		const struct trace_row *t = &f.rec.trace[i];
		if (t->event != TR_READ)
			continue;
		assert_true(seen < 3);
		assert_int_equal(t->op, seen); /* in arrival order */
		assert_int_equal(t->time, want[seen]);
		assert_int_equal(t->actor, TRACE_NODE(0));
		seen++;
	}
	assert_int_equal(seen, 3);
	assert_int_equal(f.w->nodes[0].stats.read_replies, 3);
	teardown(&f);
}

static void test_crash_drops_queued(void **state)
{
	(void)state;
	struct fixture f;
	setup(&f);
	run(&f, true);
	size_t reads = 0;
	for (size_t i = 0; i < f.rec.ntrace; i++)
		reads += f.rec.trace[i].event == TR_READ;
	/* the first was served before the crash; the second and third were
	 * queued under the old incarnation */
	assert_int_equal(reads, 1);
	assert_int_equal(f.w->net.lost, 2);
	assert_int_equal(f.w->msgs.live, 0);
	teardown(&f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fifo_service),
		cmocka_unit_test(test_crash_drops_queued),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
