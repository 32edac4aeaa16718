/*
 * test_vclock.c - version vectors: the happens-before rules of vclock.h on
 * hand-worked clocks, and Riak's pruning rule case by case.
 */
#include "testutil.h"

#include "models/vclock.h"

/* Builds a clock from (actor, counter, stamp) triples. */
static struct vclock *mk(int n, const uint32_t *actors, const uint32_t *counters,
			 const int64_t *stamps)
{
	struct vclock *c = NULL;
	for (int i = 0; i < n; i++) {
		int err = 0;
		struct vclock *next = vclock_with(c, actors[i], counters[i], stamps ? stamps[i] : 0, &err);
		assert_int_equal(err, 0);
		vclock_unref(c);
		c = next;
	}
	return c;
}

static void test_order(void **state)
{
	(void)state;
	/* a = {A:1}, b = {A:1, B:1} (b saw a), c = {A:2} (concurrent with b) */
	struct vclock *a = mk(1, (uint32_t[]){1}, (uint32_t[]){1}, NULL);
	struct vclock *b = mk(2, (uint32_t[]){1, 2}, (uint32_t[]){1, 1}, NULL);
	struct vclock *c = mk(1, (uint32_t[]){1}, (uint32_t[]){2}, NULL);
	assert_true(vclock_descends(b, a));
	assert_false(vclock_descends(a, b));
	assert_true(vclock_descends(a, a));
	assert_true(vclock_descends(a, NULL)); /* everything descends the empty clock */
	assert_false(vclock_descends(NULL, a));
	assert_true(vclock_concurrent(b, c));
	assert_false(vclock_concurrent(a, b));
	assert_true(vclock_descends(c, a));
	int err = 0;
	struct vclock *j = vclock_join(b, c, &err);
	/* join = {A:2, B:1}: descends both, and is the least such clock */
	assert_int_equal(vclock_get(j, 1), 2);
	assert_int_equal(vclock_get(j, 2), 1);
	assert_int_equal(vclock_size(j), 2);
	assert_true(vclock_descends(j, b) && vclock_descends(j, c));
	assert_true(vclock_equal(j, j));
	/* dots: {A:2, B:1} covers (A,2) and (B,1) but not (B,2) */
	assert_true(vclock_covers(j, 1, 2));
	assert_true(vclock_covers(j, 2, 1));
	assert_false(vclock_covers(j, 2, 2));
	assert_false(vclock_covers(NULL, 2, 1));
	/* sorted by actor whatever the insertion order */
	struct vclock *d = mk(3, (uint32_t[]){9, 3, 5}, (uint32_t[]){1, 1, 1}, NULL);
	assert_int_equal(d->e[0].actor, 3);
	assert_int_equal(d->e[1].actor, 5);
	assert_int_equal(d->e[2].actor, 9);
	vclock_unref(a);
	vclock_unref(b);
	vclock_unref(c);
	vclock_unref(j);
	vclock_unref(d);
}

/* join_with equals a join followed by setting the actor's counter, for
 * every placement of the actor (before, between, after, present in one or
 * both clocks, absent). */
static void test_join_with(void **state)
{
	(void)state;
	struct vclock *a = mk(3, (uint32_t[]){2, 5, 9}, (uint32_t[]){1, 4, 2}, (int64_t[]){1, 2, 3});
	struct vclock *b = mk(3, (uint32_t[]){1, 5, 7}, (uint32_t[]){3, 6, 1}, (int64_t[]){4, 5, 6});
	const uint32_t actors[] = {0, 1, 2, 3, 5, 6, 7, 9, 10, UINT32_MAX - 1};
	for (size_t i = 0; i < sizeof(actors) / sizeof(actors[0]); i++) {
		int err = 0;
		struct vclock *j = vclock_join(a, b, &err);
		uint32_t counter = vclock_get(j, actors[i]) + 1;
		struct vclock *want = vclock_with(j, actors[i], counter, 99, &err);
		struct vclock *got = vclock_join_with(a, b, actors[i], counter, 99, &err);
		assert_int_equal(err, 0);
		if (got->n != want->n || memcmp(got->e, want->e, got->n * sizeof(got->e[0])) != 0)
			fail_msg("join_with differs for actor %u", actors[i]);
		vclock_unref(j);
		vclock_unref(want);
		vclock_unref(got);
	}
	int err = 0;
	struct vclock *solo = vclock_join_with(NULL, NULL, 4, 1, 0, &err);
	assert_int_equal(solo->n, 1);
	assert_int_equal(vclock_get(solo, 4), 1);
	vclock_unref(solo);
	vclock_unref(a);
	vclock_unref(b);
}

static void test_refcount(void **state)
{
	(void)state;
	struct vclock *a = mk(1, (uint32_t[]){1}, (uint32_t[]){1}, NULL);
	assert_ptr_equal(vclock_ref(a), a);
	assert_int_equal(a->refs, 2);
	vclock_unref(a);
	assert_int_equal(a->refs, 1);
	vclock_unref(a); /* freed; the sanitizer build checks nothing leaks */
	assert_null(vclock_ref(NULL));
	vclock_unref(NULL);
}

/* Riak's rule, worked by hand.  Entries stamped 10, 20, 30, 40, 50 (s) and
 * now = 100 s, so their ages are 90, 80, 70, 60, 50. */
static struct vclock *five(void)
{
	return mk(5, (uint32_t[]){1, 2, 3, 4, 5}, (uint32_t[]){1, 1, 1, 1, 1},
		  (int64_t[]){10 * KERNEL_S, 20 * KERNEL_S, 30 * KERNEL_S, 40 * KERNEL_S, 50 * KERNEL_S});
}

static void test_prune(void **state)
{
	(void)state;
	int64_t now = 100 * KERNEL_S;
	struct {
		struct vclock_prune p;
		uint32_t kept;	     /* entries left */
		uint32_t first_kept; /* the oldest actor left */
		const char *why;
	} cases[] = {
		{{5, 5, 0, 1000 * KERNEL_S}, 5, 1, "at most small entries: untouched"},
		{{2, 3, 0, 1000 * KERNEL_S}, 3, 3, "more than big: drop oldest until big"},
		{{2, 10, 0, 65 * KERNEL_S}, 2, 4, "older than old: drop while age > 65s (90, 80, 70)"},
		{{2, 3, 75 * KERNEL_S, 1000 * KERNEL_S}, 3, 3,
		 "young stops pruning once the oldest is younger"},
		{{1, 1, 95 * KERNEL_S, 0}, 5, 1, "oldest younger than young: untouched"},
		{{2, 3, 0, 0}, 2, 4, "old = 0: every entry is old; stop at small"},
	};
	/* Case 4 by hand: sorted by age 90,80,70,60,50; small 2, big 3, young 75.
	 * 5 > small; oldest age 90 >= young 75 and 5 > big: drop (4 left).
	 * oldest age 80 >= 75 and 4 > 3: drop (3 left).
	 * oldest age 70 < 75: stop.  3 left, oldest actor 3. */
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vclock *c = five();
		uint32_t dropped = vclock_prune(c, now, &cases[i].p);
		if (c->n != cases[i].kept)
			fail_msg("case %zu (%s): %u entries left, expected %u", i, cases[i].why,
				 c->n, cases[i].kept);
		assert_int_equal(dropped, 5 - cases[i].kept);
		/* the survivors are the youngest, still sorted by actor */
		assert_int_equal(c->e[0].actor, cases[i].first_kept);
		for (uint32_t j = 1; j < c->n; j++)
			assert_true(c->e[j - 1].actor < c->e[j].actor);
		vclock_unref(c);
	}
}

/* Pruning turns a descendant into a false sibling: b descends a, but once
 * b has lost a's entry it no longer does. */
static void test_prune_false_sibling(void **state)
{
	(void)state;
	struct vclock *a = mk(1, (uint32_t[]){1}, (uint32_t[]){1}, (int64_t[]){0});
	struct vclock *b = mk(2, (uint32_t[]){1, 2}, (uint32_t[]){1, 1},
			      (int64_t[]){0, 50 * KERNEL_S});
	assert_true(vclock_descends(b, a));
	struct vclock_prune p = {.small = 1, .big = 1, .young = 0, .old = 1000 * KERNEL_S};
	vclock_prune(b, 60 * KERNEL_S, &p);
	assert_false(vclock_descends(b, a));
	assert_true(vclock_concurrent(a, b));
	vclock_unref(a);
	vclock_unref(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_order),
		cmocka_unit_test(test_join_with),
		cmocka_unit_test(test_refcount),
		cmocka_unit_test(test_prune),
		cmocka_unit_test(test_prune_false_sibling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
