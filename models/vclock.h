/*
 * vclock.h - version vectors (vector clocks) with Riak's pruning.
 *
 * A clock maps actors to counters: C[a] is how many events of actor a the
 * value has seen (absent actors count 0).  For two clocks A and B:
 *   - A descends B (A >= B) when A[a] >= B[a] for every actor a.  Every
 *     clock descends the empty clock, and itself.
 *   - A happened before B when B descends A and A != B.
 *   - A and B are concurrent when neither descends the other: two writes
 *     that did not see each other.  A store that keeps concurrent values as
 *     siblings and replaces the ones a new write descends loses nothing.
 *   - The join (merge) takes the maximum per actor: the least clock that
 *     descends both.
 * A *dot* (a, n) names the n-th event of actor a; a clock C covers it when
 * C[a] >= n.  Dotted version vectors give each sibling the dot of the write
 * that created it, so a write with context C replaces exactly the siblings
 * whose dots C covers (Preguica et al., "Dotted version vectors", 2010).
 *
 * Entries carry the time of their last increment (on the clock of the node
 * that stored it), used only by pruning.  Riak's rule (vclock:prune): a clock of
 * at most `small` entries is kept whole; otherwise entries are dropped
 * oldest first while the oldest is not younger than `young` and either the
 * clock still has more than `big` entries or the oldest is older than `old`.
 * Pruning forgets history.  Comparing a pruned clock with an unpruned one, a
 * descendant may look concurrent (a false sibling, which is safe: Riak's
 * case between replicas); and when the entries that told two clocks apart
 * are pruned away, a stale write may look like a descendant and replace a
 * sibling it never saw (a false descendant: a lost update).  On one node the
 * store compares a write's full clock before pruning what it stores, so only
 * the second can happen, and only when pruning removes a writer's newest
 * entry.
 *
 * Representation: entries sorted by actor, in one allocation with a
 * reference count.  A clock is immutable once shared: functions that make
 * a new clock return a fresh one with one reference, which the caller owns.
 * All functions accept NULL as the empty clock; allocation failures return
 * NULL with *err set where the result would be non-empty.
 */
#ifndef CLOBBER_VCLOCK_H
#define CLOBBER_VCLOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct vc_entry {
	uint32_t actor;
	uint32_t counter;
	int64_t stamp; /* ns on the incrementing actor's clock */
};

struct vclock {
	uint32_t refs;
	uint32_t n;
	struct vc_entry e[];
};

struct vclock_prune {
	int64_t small, big; /* entries */
	int64_t young, old; /* ns */
};

/* Takes and drops a reference (NULL-safe). */
struct vclock *vclock_ref(struct vclock *c);
void vclock_unref(struct vclock *c);

uint32_t vclock_get(const struct vclock *c, uint32_t actor);
uint32_t vclock_size(const struct vclock *c);

/* a >= b */
bool vclock_descends(const struct vclock *a, const struct vclock *b);
bool vclock_equal(const struct vclock *a, const struct vclock *b);
/* Neither descends the other. */
bool vclock_concurrent(const struct vclock *a, const struct vclock *b);
/* c[dot_actor] >= dot_counter */
bool vclock_covers(const struct vclock *c, uint32_t dot_actor, uint32_t dot_counter);

/* A new clock: the join of a and b.  *err is set to -ENOMEM on failure. */
struct vclock *vclock_join(const struct vclock *a, const struct vclock *b, int *err);

/* A new clock: the join of a and b with actor's counter then set to
 * `counter` (stamp `stamp`), in one allocation. */
struct vclock *vclock_join_with(const struct vclock *a, const struct vclock *b, uint32_t actor,
				uint32_t counter, int64_t stamp, int *err);

/* A new clock: base with actor's counter set to `counter` (which must be
 * greater than base's) and its stamp to `stamp`. */
struct vclock *vclock_with(const struct vclock *base, uint32_t actor, uint32_t counter,
			   int64_t stamp, int *err);

/* Writes c as text for traces, "{c0:1,c2:3}" ("{}" for the empty clock):
 * entries in actor order, an actor with the top bit set (a node, as in
 * TRACE_NODE) as n<i>, any other as c<i> (a client).  When buf is too short
 * the last entries shown give way to "+N" (how many more).  Returns buf. */
char *vclock_format(const struct vclock *c, char *buf, size_t n);

/* Prunes an unshared clock in place, with `now` on the pruning actor's
 * clock.  Returns the number of entries dropped. */
uint32_t vclock_prune(struct vclock *c, int64_t now, const struct vclock_prune *p);

#endif
