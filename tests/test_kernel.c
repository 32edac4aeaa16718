/*
 * test_kernel.c - the event queue: order of equal times, cancellation, and
 * the heap checked against a brute-force reference; the guards against
 * time overflow and runs that cannot advance time (issue 15, points 2
 * and 4).
 */
#include "testutil.h"

#include <errno.h>

#include "sim/core/rng.h"

struct log {
	uint64_t seen[4096];
	int n;
	int64_t times[4096];
};

static void record_fn(struct kernel *k, void *obj, uint64_t arg)
{
	struct log *l = obj;
	l->times[l->n] = kernel_now(k);
	l->seen[l->n++] = arg;
}

/* Events at equal times run in the order they were scheduled (the rule of
 * libuv's timers), also when scheduled from inside a handler. */
static void test_equal_times_fifo(void **state)
{
	(void)state;
	struct kernel *k = kernel_new(4);
	struct log l = {0};
	for (uint64_t i = 0; i < 100; i++)
		kernel_schedule(k, 5, record_fn, &l, i);
	kernel_schedule(k, 3, record_fn, &l, 1000);
	assert_int_equal(kernel_run(k, INT64_MAX), 0);
	assert_int_equal(l.n, 101);
	assert_int_equal(l.seen[0], 1000);
	for (int i = 1; i <= 100; i++) {
		assert_int_equal(l.seen[i], (uint64_t)(i - 1));
		assert_int_equal(l.times[i], 5);
	}
	kernel_free(k);
}

static struct log chain_log;
static void chain_fn(struct kernel *k, void *obj, uint64_t arg)
{
	record_fn(k, obj, arg);
	if (arg == 0) {
		/* Scheduled at the current time from a handler: runs after
		 * everything already pending at this time. */
		kernel_schedule(k, 0, record_fn, obj, 10);
		kernel_schedule(k, 0, record_fn, obj, 11);
	}
}

static void test_schedule_from_handler(void **state)
{
	(void)state;
	struct kernel *k = kernel_new(4);
	memset(&chain_log, 0, sizeof(chain_log));
	kernel_schedule(k, 0, chain_fn, &chain_log, 0);
	kernel_schedule(k, 0, record_fn, &chain_log, 1);
	kernel_run(k, INT64_MAX);
	uint64_t want[] = {0, 1, 10, 11};
	assert_int_equal(chain_log.n, 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(chain_log.seen[i], want[i]);
	kernel_free(k);
}

static void test_cancel(void **state)
{
	(void)state;
	struct kernel *k = kernel_new(2);
	struct log l = {0};
	kernel_handle h[10];
	for (uint64_t i = 0; i < 10; i++)
		h[i] = kernel_schedule(k, (int64_t)(10 - i), record_fn, &l, i);
	assert_true(kernel_cancel(k, h[3]));
	assert_true(kernel_cancel(k, h[9]));
	assert_false(kernel_cancel(k, h[3])); /* twice: already gone */
	assert_false(kernel_cancel(k, KERNEL_NO_EVENT));
	assert_int_equal(kernel_pending(k), 8);
	kernel_run(k, INT64_MAX);
	assert_int_equal(l.n, 8);
	for (int i = 0; i < l.n; i++)
		assert_true(l.seen[i] != 3 && l.seen[i] != 9);
	/* A handle whose event ran is stale, even after its slot is reused. */
	kernel_handle again = kernel_schedule(k, 1, record_fn, &l, 99);
	assert_false(kernel_cancel(k, h[0]));
	assert_true(kernel_cancel(k, again));
	kernel_free(k);
}

static void test_run_until(void **state)
{
	(void)state;
	struct kernel *k = kernel_new(2);
	struct log l = {0};
	kernel_schedule(k, 10, record_fn, &l, 1);
	kernel_schedule(k, 20, record_fn, &l, 2);
	kernel_run(k, 15);
	assert_int_equal(l.n, 1);
	assert_int_equal(kernel_pending(k), 1);
	kernel_run(k, INT64_MAX);
	assert_int_equal(l.n, 2);
	assert_int_equal(kernel_now(k), 20);
	kernel_free(k);
}

/* Reference: a plain array of pending (time, seq, id), searched linearly for
 * the minimum.  The kernel must pop exactly the same sequence through any
 * mix of schedules and cancels. */
struct ref_ev {
	int64_t time;
	uint64_t seq;
	int64_t born;
	uint64_t id;
	kernel_handle h;
	int live;
};

/* With every arity of the heap (kernel_set_heap_arity): the order is the
 * reference's whatever the arity, with delays below `span`: 50 makes many
 * ties (before() breaks them), 2^20 nearly none (the 4-ary heap then picks
 * the least of four children by times alone: least_of_four). */
static void against_reference(unsigned arity, uint64_t span)
{
	enum { N = 20000 };
	struct ref_ev *ref = calloc(N, sizeof(*ref));
	struct kernel *k = kernel_new(8);
	assert_int_equal(kernel_set_heap_arity(k, arity), 0);
	gsl_rng *r = rng_new(42);
	uint64_t seq = 0;
	int nref = 0;
	for (int step = 0; step < N; step++) {
		double u = rng_uniform(r);
		if (u < 0.55 || nref == 0) {
			int64_t delay = (int64_t)rng_below(r, span);
			ref[nref] = (struct ref_ev){kernel_now(k) + delay, seq++, kernel_now(k),
						    (uint64_t)step, 0, 1};
			ref[nref].h = kernel_schedule(k, delay, record_fn, NULL, (uint64_t)step);
			nref++;
		} else if (u < 0.75) {
			int i = (int)rng_below(r, (uint64_t)nref);
			bool was_live = ref[i].live;
			assert_int_equal(kernel_cancel(k, ref[i].h), was_live);
			ref[i].live = 0;
		} else {
			/* pop the minimum of the reference */
			int best = -1;
			for (int i = 0; i < nref; i++)
				if (ref[i].live && (best < 0 || ref[i].time < ref[best].time ||
						    (ref[i].time == ref[best].time && ref[i].seq < ref[best].seq)))
					best = i;
			int64_t t = kernel_pop(k);
			if (best < 0) {
				assert_int_equal(t, -1);
				continue;
			}
			if (t != ref[best].time)
				fail_msg("step %d: kernel popped time %lld, reference %lld", step,
					 (long long)t, (long long)ref[best].time);
			ref[best].live = 0;
			/* The popped event's handle is now stale. */
			assert_false(kernel_cancel(k, ref[best].h));
		}
		size_t live = 0;
		for (int i = 0; i < nref; i++)
			live += ref[i].live;
		if (step % 97 == 0)
			assert_int_equal(kernel_pending(k), live);
	}
	rng_free(r);
	kernel_free(k);
	free(ref);
}

static void test_against_reference(void **state)
{
	(void)state;
	for (unsigned d = 2; d <= 16; d *= 2) {
		against_reference(d, 50);
		against_reference(d, 1u << 20);
	}
	/* arities that are not powers of two, or set late, are refused */
	struct kernel *k = kernel_new(8);
	assert_int_equal(kernel_set_heap_arity(k, 3), -EINVAL);
	assert_int_equal(kernel_set_heap_arity(k, 32), -EINVAL);
	kernel_schedule(k, 1, record_fn, NULL, 0);
	assert_int_equal(kernel_set_heap_arity(k, 2), -EINVAL);
	kernel_free(k);
}

/* The same reference through kernel_run: handlers schedule none to three
 * events (delay 0 included: ties with the running event), cancel random
 * ones (their own stale handle too) and check kernel_pending().  This is
 * the path where the running event's entry stays at the root until the
 * handler's first schedule replaces it (kernel.c). */
struct ref_run {
	struct ref_ev *ev;
	int n, cap;
	uint64_t seq;
	gsl_rng *r;
	int fired;
	bool ahead; /* some events born ahead of now (kernel_schedule_born) */
};

/* The reference's order: (time, born, seq). */
static bool ref_before(const struct ref_ev *a, const struct ref_ev *b)
{
	if (a->time != b->time)
		return a->time < b->time;
	if (a->born != b->born)
		return a->born < b->born;
	return a->seq < b->seq;
}

static void ref_fn(struct kernel *k, void *obj, uint64_t arg);

static void ref_schedule(struct kernel *k, struct ref_run *rr, int64_t delay)
{
	if (rr->n == rr->cap)
		return;
	int id = rr->n++;
	int64_t born = kernel_now(k);
	if (rr->ahead && rng_uniform(rr->r) < 0.3)
		born += (int64_t)rng_below(rr->r, 10);
	rr->ev[id] = (struct ref_ev){born + delay, rr->seq++, born, (uint64_t)id, 0, 1};
	rr->ev[id].h = born == kernel_now(k)
			       ? kernel_schedule(k, delay, ref_fn, rr, (uint64_t)id)
			       : kernel_schedule_born(k, born, born + delay, ref_fn, rr, (uint64_t)id);
}

static void ref_fn(struct kernel *k, void *obj, uint64_t arg)
{
	struct ref_run *rr = obj;
	int best = -1;
	for (int i = 0; i < rr->n; i++)
		if (rr->ev[i].live && (best < 0 || ref_before(&rr->ev[i], &rr->ev[best])))
			best = i;
	if (best != (int)arg)
		fail_msg("event %d ran, the reference's next is %d", (int)arg, best);
	assert_int_equal(kernel_now(k), rr->ev[best].time);
	rr->ev[best].live = 0;
	rr->fired++;
	int cancels = (int)rng_below(rr->r, 3);
	for (int c = 0; c < cancels; c++) {
		/* half of the time this event's own (stale) handle */
		int i = rng_uniform(rr->r) < 0.5 ? best : (int)rng_below(rr->r, (uint64_t)rr->n);
		bool was_live = rr->ev[i].live;
		assert_int_equal(kernel_cancel(k, rr->ev[i].h), was_live);
		rr->ev[i].live = 0;
	}
	int adds = (int)rng_below(rr->r, 4);
	for (int a = 0; a < adds; a++) /* delay 20 often: the FIFO's, when it has one */
		ref_schedule(k, rr, rng_uniform(rr->r) < 0.4 ? 20 : (int64_t)rng_below(rr->r, 50));
	size_t live = 0;
	for (int i = 0; i < rr->n; i++)
		live += rr->ev[i].live;
	assert_int_equal(kernel_pending(k), live);
}

static void run_reference(bool fifo, bool ahead)
{
	struct ref_run rr = {.cap = 20000, .r = rng_new(43), .ahead = ahead};
	rr.ev = calloc((size_t)rr.cap, sizeof(*rr.ev));
	struct kernel *k = kernel_new(8);
	if (fifo)
		kernel_set_fifo_delay(k, 20);
	for (int i = 0; i < 30; i++)
		ref_schedule(k, &rr, (int64_t)rng_below(rr.r, 50));
	assert_int_equal(kernel_run(k, INT64_MAX), 0);
	assert_int_equal(kernel_pending(k), 0);
	for (int i = 0; i < rr.n; i++)
		assert_false(rr.ev[i].live);
	assert_true(rr.fired > 10000); /* the run went deep, not out after a few */
	rng_free(rr.r);
	kernel_free(k);
	free(rr.ev);
}

static void test_run_against_reference(void **state)
{
	(void)state;
	run_reference(false, false);
}

/* The same with the events of delay 20 in the FIFO, and with events born
 * ahead of time (whose delay-20 events go to the heap when they would be
 * out of order in the FIFO): the order is (time, born, seq) throughout. */
static void test_fifo_and_born_against_reference(void **state)
{
	(void)state;
	run_reference(true, false);
	run_reference(false, true);
	run_reference(true, true);
}

/* Same seed, same sequence of events; the kernel is deterministic. */
static void hold_fn(struct kernel *k, void *obj, uint64_t arg)
{
	gsl_rng *r = obj;
	if (kernel_events(k) < 5000)
		kernel_schedule(k, (int64_t)rng_below(r, 1000), hold_fn, r, arg);
}

static void test_same_seed_same_run(void **state)
{
	(void)state;
	int64_t end[2];
	for (int run = 0; run < 2; run++) {
		struct kernel *k = kernel_new(8);
		gsl_rng *r = rng_new(rng_stream_seed(7, 1, 2, 3));
		for (int i = 0; i < 50; i++)
			kernel_schedule(k, (int64_t)rng_below(r, 1000), hold_fn, r, (uint64_t)i);
		kernel_run(k, INT64_MAX);
		end[run] = kernel_now(k);
		rng_free(r);
		kernel_free(k);
	}
	assert_int_equal(end[0], end[1]);
}

/* A handler that schedules itself again after arg ns, forever. */
static void again_fn(struct kernel *k, void *obj, uint64_t arg)
{
	(*(uint64_t *)obj)++;
	kernel_schedule(k, (int64_t)arg, again_fn, obj, arg);
}

/* Issue 15 point 4: delays near their limit (3e18 ns, inside the 3.2e18
 * allowed) add up past INT64_MAX; the kernel refuses the event that would
 * lie after KERNEL_TIME_MAX, with -ERANGE, instead of overflowing. */
static void test_time_limit(void **state)
{
	(void)state;
	struct kernel *k = kernel_new(4);
	uint64_t runs = 0;
	kernel_schedule(k, 3000000000LL * KERNEL_S, again_fn, &runs, 3000000000ULL * KERNEL_S);
	assert_int_equal(kernel_run(k, INT64_MAX), -ERANGE);
	/* the first event ran at 3e18; the second would be at 6e18 > 2^62 */
	assert_int_equal(runs, 1);
	assert_int_equal(kernel_now(k), 3000000000LL * KERNEL_S);
	assert_true(kernel_now(k) <= KERNEL_TIME_MAX);
	/* the refusal stays: a second run does nothing */
	assert_int_equal(kernel_run(k, INT64_MAX), -ERANGE);
	assert_int_equal(runs, 1);
	kernel_free(k);
	/* exactly at the limit is allowed, one past it is not */
	k = kernel_new(4);
	assert_true(kernel_schedule(k, KERNEL_TIME_MAX, record_fn, &chain_log, 0) != KERNEL_NO_EVENT);
	assert_int_equal(kernel_schedule(k, INT64_MAX, record_fn, &chain_log, 0), KERNEL_NO_EVENT);
	assert_int_equal(kernel_run(k, INT64_MAX), -ERANGE);
	kernel_free(k);
}

/* Issue 15 point 2: a model whose events all take no time (a handler that
 * schedules itself at delay 0) is stopped once the instant limit is
 * passed, with -ELOOP; events spread over time never trip it. */
static void test_instant_limit(void **state)
{
	(void)state;
	struct kernel *k = kernel_new(4);
	kernel_set_instant_limit(k, 1000);
	uint64_t runs = 0;
	kernel_schedule(k, 7, again_fn, &runs, 0);
	assert_int_equal(kernel_run(k, INT64_MAX), -ELOOP);
	assert_int_equal(runs, 1000);
	assert_int_equal(kernel_now(k), 7);
	kernel_free(k);
	/* 5000 events, a nanosecond apart: no instant holds more than one */
	k = kernel_new(4);
	kernel_set_instant_limit(k, 1000);
	runs = 0;
	kernel_schedule(k, 1, again_fn, &runs, 1);
	assert_int_equal(kernel_run(k, 5000), 0);
	assert_int_equal(runs, 5000);
	kernel_free(k);
	/* the default limit is the documented one */
	k = kernel_new(4);
	kernel_set_instant_limit(k, 0);
	runs = 0;
	kernel_schedule(k, 0, again_fn, &runs, 0);
	assert_int_equal(kernel_run(k, INT64_MAX), -ELOOP);
	assert_int_equal(runs, KERNEL_INSTANT_MAX);
	kernel_free(k);
}

/* The event budget of the fuzz harness: a chain of events 1 ns apart
 * stops after exactly the budget, at the time of the last one run (the
 * chain is worked by hand: the i-th event runs at i ns); 0 is no limit. */
static void test_event_limit(void **state)
{
	(void)state;
	struct kernel *k = kernel_new(4);
	kernel_set_event_limit(k, 100);
	uint64_t runs = 0;
	kernel_schedule(k, 1, again_fn, &runs, 1);
	assert_int_equal(kernel_run(k, INT64_MAX), -E2BIG);
	assert_int_equal(runs, 100);
	assert_int_equal(kernel_events(k), 100);
	assert_int_equal(kernel_now(k), 100);
	assert_int_equal(kernel_pending(k), 1); /* the 101st, never run */
	kernel_free(k);
	k = kernel_new(4);
	kernel_set_event_limit(k, 0);
	runs = 0;
	kernel_schedule(k, 1, again_fn, &runs, 1);
	assert_int_equal(kernel_run(k, 1000), 0);
	assert_int_equal(runs, 1000);
	kernel_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_times_fifo),
		cmocka_unit_test(test_schedule_from_handler),
		cmocka_unit_test(test_run_against_reference),
		cmocka_unit_test(test_fifo_and_born_against_reference),
		cmocka_unit_test(test_cancel),
		cmocka_unit_test(test_run_until),
		cmocka_unit_test(test_against_reference),
		cmocka_unit_test(test_same_seed_same_run),
		cmocka_unit_test(test_time_limit),
		cmocka_unit_test(test_instant_limit),
		cmocka_unit_test(test_event_limit),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
