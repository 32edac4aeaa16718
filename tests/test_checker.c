/*
 * test_checker.c - the checker against a hand-worked history and against a
 * brute-force implementation of the definitions of design section 4.
 *
 * The brute force keeps its own copy of every version's parents, walks
 * incl(S) for every read (clean key or not) and F for every key, and counts
 * by the letter of the definitions.  Random histories are generated under
 * the causal rules a store obeys (a version is acknowledged after it is
 * applied; a read is served after it is issued; a write replaces versions of
 * the current state and reads only versions that were in some state), with
 * single-parent keys, merging keys, puts, discarded and unacknowledged
 * writes, so both of the checker's methods and the clean-key shortcut are
 * exercised.
 */
#include "testutil.h"

#include "sim/truth/checker.h"
#include "sim/truth/history.h"
#include "sim/core/rng.h"

/* ---- a hand-worked history ---- */

/* The resurrection of a clobbered write under last write wins, step by step:
 *   t=10  v0 = W0 (incr, reads nothing) applied; acked t=11
 *   t=20  v1 = W  (incr, read v0) applied; acked t=21
 *   t=22  Y reads v1 (its read: not a plain read, not recorded)
 *   t=30  v2 = X  (incr, read v0: a stale read) applied, replacing v1, which
 *         X did not read: the key becomes unclean; acked t=31
 *   t=35  R (plain read, issued t=32) returns {v2}: misses v1
 *   t=40  v3 = Y  (incr, read v1) applied, replacing v2; acked t=41
 *   final {v3}: F = {v3, v1, v0}.
 * X is a lost update (acked, not in F).  R is stale: v1 is in F, was acked at
 * 21 < 32, and is not in incl(v2) = {v2, v0}.  A second read issued at 15
 * and served at 35 is not stale: v1 was acked after it began.  A third,
 * issued at 21, the instant v1's acknowledgement arrived, is stale: a read
 * that begins as a write is acknowledged is expected to see it (as a PBS
 * probe at delay 0 is). */
static void test_resurrection(void **state)
{
	(void)state;
	struct history h;
	assert_int_equal(history_init(&h, 1), 0);
	uint32_t none[1];
	uint32_t v0 = history_version(&h, 0, true, true, none, 0, 0);
	history_state_change(&h, 0, none, 0, &v0, 1, v0);
	history_ack(&h, v0, 11);
	uint32_t v1 = history_version(&h, 0, true, true, &v0, 1, 0);
	history_state_change(&h, 0, &v0, 1, &v1, 1, v1);
	history_ack(&h, v1, 21);
	assert_int_equal(h.key_flags[0] & HIST_KEY_UNCLEAN, 0);
	uint32_t v2 = history_version(&h, 0, true, true, &v0, 1, 0);
	history_state_change(&h, 0, &v1, 1, &v2, 1, v2);
	history_ack(&h, v2, 31);
	assert_true(h.key_flags[0] & HIST_KEY_UNCLEAN);
	uint32_t r = history_read(&h, 0, 32, 0, &v2, 1);
	history_read_observed(&h, r, 0);
	uint32_t r2 = history_read(&h, 0, 15, 0, &v2, 1);
	history_read_observed(&h, r2, 0);
	uint32_t r3 = history_read(&h, 0, 21, 0, &v2, 1);
	history_read_observed(&h, r3, 0);
	uint32_t v3 = history_version(&h, 0, true, true, &v1, 1, 0);
	history_state_change(&h, 0, &v2, 1, &v3, 1, v3);
	history_ack(&h, v3, 41);
	history_final(&h, 0, &v3, 1);
	struct check_result c;
	assert_int_equal(checker_run(&h, &c, true), 0);
	assert_int_equal(c.lost_updates, 1);
	assert_true(checker_is_lost(&c, &h, v2));
	assert_false(checker_is_lost(&c, &h, v1));
	assert_int_equal(c.stale_reads, 2);
	assert_int_equal(c.unacked_effects, 0);
	assert_int_equal(c.reads_checked, 3);
	free(c.in_final);
	free(c.accounted);
	history_free(&h);
}

/* An increment overwritten by a later blind write (put) is accounted for,
 * not lost: incr then put is a serial history.  An increment that a stale
 * read-modify-write overwrote is lost. */
static void test_put_covers(void **state)
{
	(void)state;
	struct history h;
	history_init(&h, 1);
	uint32_t none[1];
	uint32_t a = history_version(&h, 0, true, true, none, 0, 0); /* incr */
	history_state_change(&h, 0, none, 0, &a, 1, a);
	history_ack(&h, a, 1);
	uint32_t b = history_version(&h, 0, true, true, &a, 1, 0); /* incr, read a */
	history_state_change(&h, 0, &a, 1, &b, 1, b);
	history_ack(&h, b, 2);
	uint32_t p = history_version(&h, 0, false, true, none, 0, 0); /* put over b */
	history_state_change(&h, 0, &b, 1, &p, 1, p);
	history_ack(&h, p, 3);
	uint32_t c = history_version(&h, 0, true, true, &a, 1, 0); /* incr that read a: stale */
	history_state_change(&h, 0, &p, 1, &c, 1, c);
	history_ack(&h, c, 4);
	history_final(&h, 0, &c, 1);
	struct check_result r;
	checker_run(&h, &r, true);
	/* final c -> a; p was overwritten by c (a put is never a lost update);
	 * b was covered by p, but p is not accounted for by the final state, so
	 * b is lost after all */
	assert_int_equal(r.lost_updates, 1);
	assert_true(checker_is_lost(&r, &h, b));
	assert_false(checker_is_lost(&r, &h, p));
	free(r.in_final);
	free(r.accounted);
	history_free(&h);

	/* the same without the stale incr: final p covers b and a */
	history_init(&h, 1);
	a = history_version(&h, 0, true, true, none, 0, 0);
	history_state_change(&h, 0, none, 0, &a, 1, a);
	history_ack(&h, a, 1);
	b = history_version(&h, 0, true, true, &a, 1, 0);
	history_state_change(&h, 0, &a, 1, &b, 1, b);
	history_ack(&h, b, 2);
	p = history_version(&h, 0, false, true, none, 0, 0);
	history_state_change(&h, 0, &b, 1, &p, 1, p);
	history_ack(&h, p, 3);
	history_final(&h, 0, &p, 1);
	checker_run(&h, &r, false);
	assert_int_equal(r.lost_updates, 0);
	/* and the effects present are the put's alone */
	assert_int_equal(history_effects(&h, p), 1);
	history_free(&h);
}

/* An applied write that was never acknowledged and survives is an
 * unacknowledged effect; an unacknowledged write that is lost is neither. */
static void test_unacked(void **state)
{
	(void)state;
	struct history h;
	history_init(&h, 1);
	uint32_t none[1];
	uint32_t a = history_version(&h, 0, true, true, none, 0, 0); /* never acked */
	history_state_change(&h, 0, none, 0, &a, 1, a);
	uint32_t b = history_version(&h, 0, true, true, &a, 1, 0);
	history_state_change(&h, 0, &a, 1, &b, 1, b);
	history_ack(&h, b, 5);
	uint32_t c2 = history_version(&h, 0, true, false, &a, 1, 0); /* discarded, unacked */
	(void)c2;
	history_final(&h, 0, &b, 1);
	struct check_result c;
	checker_run(&h, &c, false);
	assert_int_equal(c.unacked_effects, 1);
	assert_int_equal(c.lost_updates, 0);
	history_free(&h);
}

/* ---- brute force ---- */

struct bf_version {
	uint32_t key;
	uint32_t writer; /* the client that wrote it */
	bool rmw;
	bool cover; /* a put: parents are the versions it replaced */
	int64_t ack; /* HIST_UNACKED if never */
	uint32_t nparents;
	uint32_t parents[8];
};

struct bf_read {
	uint32_t key;
	uint32_t client;
	int64_t begin;
	bool observed;
	uint32_t n;
	uint32_t state[8];
};

struct bf {
	struct bf_version *v;
	uint32_t nv;
	struct bf_read *r;
	uint32_t nr;
	uint32_t final_n[8];
	uint32_t final[8][8];
};

static void bf_mark(const struct bf *b, const uint32_t *roots, uint32_t n, uint8_t *seen,
		    bool covers)
{
	uint32_t *stack = malloc((b->nv + 8) * sizeof(*stack) * 4);
	size_t top = 0;
	for (uint32_t i = 0; i < n; i++)
		stack[top++] = roots[i];
	while (top) {
		uint32_t x = stack[--top];
		if (seen[x])
			continue;
		seen[x] = 1;
		if (b->v[x].cover && !covers)
			continue;
		for (uint32_t i = 0; i < b->v[x].nparents; i++)
			stack[top++] = b->v[x].parents[i];
	}
	free(stack);
}

static void bf_check(const struct bf *b, uint32_t nkeys, uint64_t *lost, uint64_t *unacked,
		     uint64_t *stale, uint64_t *ryw)
{
	uint8_t *inF = calloc(b->nv + 1, 1);
	uint8_t *acc = calloc(b->nv + 1, 1);
	for (uint32_t k = 0; k < nkeys; k++) {
		bf_mark(b, b->final[k], b->final_n[k], inF, false);
		bf_mark(b, b->final[k], b->final_n[k], acc, true);
	}
	*lost = *unacked = *stale = *ryw = 0;
	for (uint32_t i = 0; i < b->nv; i++) {
		bool acked = b->v[i].ack != HIST_UNACKED;
		if (acked && !acc[i] && b->v[i].rmw)
			(*lost)++;
		if (inF[i] && !acked)
			(*unacked)++;
	}
	uint8_t *incl = malloc(b->nv + 1);
	for (uint32_t j = 0; j < b->nr; j++) {
		const struct bf_read *r = &b->r[j];
		if (!r->observed)
			continue;
		memset(incl, 0, b->nv + 1);
		bf_mark(b, r->state, r->n, incl, false);
		for (uint32_t i = 0; i < b->nv; i++) {
			if (b->v[i].key == r->key && inF[i] && !incl[i] && b->v[i].ack <= r->begin) {
				(*stale)++;
				break;
			}
		}
		/* read your writes: it misses an effect of its own client's,
		 * acknowledged at or before it began */
		for (uint32_t i = 0; i < b->nv; i++) {
			if (b->v[i].key == r->key && inF[i] && !incl[i] && b->v[i].ack <= r->begin &&
			    b->v[i].writer == r->client) {
				(*ryw)++;
				break;
			}
		}
	}
	free(incl);
	free(inF);
	free(acc);
}

/* One random history over `nkeys` keys; merging keys write with several
 * parents. */
static void random_history(uint64_t seed, uint32_t nkeys, bool merging, struct history *h,
			   struct bf *b)
{
	enum { STEPS = 600 };
	gsl_rng *r = rng_new(seed);
	history_init(h, nkeys);
	/* even seeds record every read, as with replicas, and there some
	 * reads see a lagging copy (below); otherwise only reads of keys that
	 * lost an effect are kept, as on one node */
	bool lagging = seed % 2 == 0;
	h->record_all = lagging;
	memset(b, 0, sizeof(*b));
	b->v = calloc(STEPS, sizeof(*b->v));
	b->r = calloc(STEPS, sizeof(*b->r));
	uint32_t cur[8][8];
	uint32_t ncur[8] = {0};
	/* versions that were in some state, per key: what a client may read */
	uint32_t *seen = malloc(STEPS * sizeof(*seen));
	uint32_t *seen_key = malloc(STEPS * sizeof(*seen_key));
	uint32_t nseen = 0;
	/* acks due later: applied versions whose ack arrives at some time */
	int64_t now = 0;
	for (int step = 0; step < STEPS; step++) {
		now += 1 + (int64_t)rng_below(r, 10);
		uint32_t key = (uint32_t)rng_below(r, nkeys);
		double u = rng_uniform(r);
		if (u < 0.55) {
			/* a write: parents among versions seen on this key */
			uint32_t cand[STEPS];
			uint32_t nc = 0;
			for (uint32_t i = 0; i < nseen; i++)
				if (seen_key[i] == key)
					cand[nc++] = seen[i];
			bool rmw = rng_uniform(r) < 0.85;
			uint32_t parents[4];
			uint32_t np = 0;
			if (rmw && nc) {
				uint32_t want = merging ? 1 + (uint32_t)rng_below(r, 3) : 1;
				/* mostly recent versions, sometimes stale ones */
				for (uint32_t i = 0; i < want && np < 4; i++) {
					uint32_t back = rng_uniform(r) < 0.7 ? (uint32_t)rng_below(r, nc < 3 ? nc : 3)
									     : (uint32_t)rng_below(r, nc);
					uint32_t p = cand[nc - 1 - back];
					bool dup = false;
					for (uint32_t j = 0; j < np; j++)
						dup |= parents[j] == p;
					if (!dup)
						parents[np++] = p;
				}
			}
			bool applied = rng_uniform(r) < 0.85;
			uint32_t writer = (uint32_t)rng_below(r, 3);
			uint32_t v = history_version(h, key, rmw, applied, parents, np, writer);
			struct bf_version *bv = &b->v[b->nv++];
			bv->key = key;
			bv->writer = writer;
			bv->rmw = rmw;
			bv->nparents = np;
			memcpy(bv->parents, parents, np * sizeof(*parents));
			bv->ack = HIST_UNACKED;
			if (applied) {
				/* replace a random subset of the current state, or
				 * (merging keys) mostly what the write read */
				uint32_t old[8], nold = ncur[key];
				memcpy(old, cur[key], nold * sizeof(*old));
				uint32_t nn = 0;
				uint32_t next[8];
				for (uint32_t i = 0; i < nold; i++) {
					bool read_it = false;
					for (uint32_t j = 0; j < np; j++)
						read_it |= parents[j] == old[i];
					double keep_p = read_it ? 0.1 : (merging ? 0.8 : 0.3);
					if (rng_uniform(r) < keep_p && nn < 7)
						next[nn++] = old[i];
				}
				next[nn++] = v;
				if (!rmw && np == 0) {
					/* a blind write covers what it replaced */
					for (uint32_t j = 0; j < nold && bv->nparents < 8; j++) {
						bool kept = false;
						for (uint32_t q = 0; q < nn; q++)
							kept |= next[q] == old[j];
						if (!kept)
							bv->parents[bv->nparents++] = old[j];
					}
					bv->cover = bv->nparents > 0;
				}
				memcpy(cur[key], next, nn * sizeof(*next));
				ncur[key] = nn;
				history_state_change(h, key, old, nold, next, nn, v);
				seen[nseen] = v;
				seen_key[nseen++] = key;
			}
			if (rng_uniform(r) < 0.8) {
				/* acknowledged a little later than now (network) */
				int64_t t = now + (int64_t)rng_below(r, 30);
				history_ack(h, v, t);
				bv->ack = t;
			}
		} else {
			/* a plain read, issued a little before now, by one of three
			 * clients; with lagging copies one in five reads one version
			 * the key held long ago (it misses a long prefix of the path) */
			int64_t begin = now - (int64_t)rng_below(r, 40);
			uint32_t client = (uint32_t)rng_below(r, 3);
			uint32_t old_state[1], *st = cur[key], nst = ncur[key];
			if (lagging && rng_uniform(r) < 0.2) {
				uint32_t cand = 0, pick = HIST_NONE;
				for (uint32_t i = 0; i < nseen; i++)
					if (seen_key[i] == key && rng_below(r, ++cand) == 0)
						pick = seen[i];
				if (pick != HIST_NONE) {
					old_state[0] = pick;
					st = old_state;
					nst = 1;
				}
			}
			uint32_t id = history_read(h, key, begin, client, st, nst);
			bool observed = rng_uniform(r) < 0.9;
			if (observed && id != HIST_NONE)
				history_read_observed(h, id, 0);
			struct bf_read *br = &b->r[b->nr++];
			br->key = key;
			br->client = client;
			br->begin = begin;
			br->observed = observed;
			br->n = nst;
			memcpy(br->state, st, nst * sizeof(uint32_t));
		}
	}
	for (uint32_t k = 0; k < nkeys; k++) {
		history_final(h, k, cur[k], ncur[k]);
		b->final_n[k] = ncur[k];
		memcpy(b->final[k], cur[k], ncur[k] * sizeof(uint32_t));
	}
	free(seen);
	free(seen_key);
	rng_free(r);
}

static void test_against_brute_force(void **state)
{
	(void)state;
	uint64_t total_stale = 0, total_lost = 0, total_unacked = 0, total_ryw = 0;
	for (uint64_t seed = 1; seed <= 300; seed++) {
		struct history h;
		struct bf b;
		bool merging = seed % 3 == 0;
		uint32_t nkeys = 1 + (uint32_t)(seed % 4);
		random_history(seed, nkeys, merging, &h, &b);
		struct check_result c;
		assert_int_equal(checker_run(&h, &c, false), 0);
		uint64_t lost, unacked, stale, ryw;
		bf_check(&b, nkeys, &lost, &unacked, &stale, &ryw);
		if (c.lost_updates != lost || c.unacked_effects != unacked || c.stale_reads != stale ||
		    c.ryw_violations != ryw)
			fail_msg("seed %lu (%s, %u keys): checker lost/unacked/stale/ryw %lu/%lu/%lu/%lu, "
				 "brute force %lu/%lu/%lu/%lu",
				 (unsigned long)seed, merging ? "merging" : "single-parent", nkeys,
				 (unsigned long)c.lost_updates, (unsigned long)c.unacked_effects,
				 (unsigned long)c.stale_reads, (unsigned long)c.ryw_violations,
				 (unsigned long)lost, (unsigned long)unacked, (unsigned long)stale,
				 (unsigned long)ryw);
		total_stale += stale;
		total_ryw += ryw;
		total_lost += lost;
		total_unacked += unacked;
		free(b.v);
		free(b.r);
		history_free(&h);
	}
	/* The histories must exercise every count, or the comparison proves
	 * little. */
	assert_true(total_stale > 100);
	assert_true(total_lost > 100);
	assert_true(total_unacked > 100);
	assert_true(total_ryw > 100);
	print_message("brute force: %lu stale reads, %lu read-your-writes violations\n",
		      (unsigned long)total_stale, (unsigned long)total_ryw);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resurrection),
		cmocka_unit_test(test_unacked),
		cmocka_unit_test(test_put_covers),
		cmocka_unit_test(test_against_brute_force),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
