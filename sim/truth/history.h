/*
 * history.h - the ground truth of a run: every version a store ever held,
 * what each write read, and the reads that need checking.
 *
 * Vocabulary.
 *  - A *version* is created for every write a store accepts: applied (it
 *    enters the key's state) or discarded (acknowledged, but never part of
 *    any state, as a losing last-write-wins write).  Rejected writes create
 *    none.  Versions are numbered from 0 in creation order.
 *  - A version's *include parents* are the versions whose effects its value
 *    carries: for a read-modify-write, the version(s) it read and kept (after
 *    a merge, the siblings it merged, or only the one a lossy merge chose).
 *    A blind write (put) carries no effect but its own; instead it has *cover
 *    parents*: the versions its application replaced.  An effect overwritten
 *    by a blind write is gone on purpose (incr then put is a serial history),
 *    so it is accounted for, not lost.  Parents are created before children,
 *    so parent ids are smaller.
 *  - The *effects* of a version v, incl(v), are v and every version reachable
 *    from it through include parents.  A key's *state* is the set of versions
 *    it holds (one, or several siblings); incl(state) is the union.  The
 *    versions *accounted for* by v are those reachable through include and
 *    cover parents alike.
 *
 * Invariants the store must keep (and the checker relies on):
 *  - Every parent, include or cover, has a smaller id than its child
 *    (parents exist before the child is created; set_covers adds only
 *    versions created earlier).  The checker marks what the final states
 *    include and account for in one pass in decreasing id order, and
 *    lays out the paths it checks reads against the same way
 *    (checker.h): linear in the history, reading it in order.
 *  - Every state change goes through history_state_change(), which sees the
 *    old and new states.  A key is *clean* while every state change replaced
 *    only versions included by the new version (replaced subset of
 *    incl(new)).  While a key is clean, its state includes every version ever
 *    applied to it, so a read of it cannot be stale; reads of clean keys are
 *    not recorded at all.  The test "replaced versions are among the new
 *    version's parents" is conservative: it can only mark a key unclean too
 *    early, which costs checking time, never exactness.
 *  - Reads of unclean keys are recorded with the state they returned, and
 *    checked exactly after the run.
 *
 * Replicas.  With several copies of a key, a read may miss a version
 * without the key being unclean (it asked a replica that lagged), so a
 * world with replicas (or with probe reads) sets record_all: every read is
 * recorded.  State changes of every copy go through history_state_change()
 * (a merge or an install at a replica as much as a write at its
 * coordinator); a blind write that enters a copy by a merge covers what it
 * replaced there too, if it was created before the blind write: a version
 * written after it (a later increment that a put's newer timestamp beats
 * when replicas reconcile) was not overwritten on purpose, and is lost.  A loss (a truncation, a crash) is a state change
 * with no version written.
 *
 * Memory: 17 bytes per version (4 parent, 8 ack time, 1 flags, 4 writer;
 * arrays grow by a quarter, so at most 25% more is held), plus 4 bytes per
 * extra parent of a merge (or cover parent beyond the first), plus 28
 * bytes per recorded read and 4 bytes per version held by a multi-version
 * state such a read returned.  The checker adds at most 12 bytes per
 * version while it runs (see checker.h): under 32 bytes per write in all.
 */
#ifndef CLOBBER_HISTORY_H
#define CLOBBER_HISTORY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define HIST_NONE UINT32_MAX
#define HIST_UNACKED INT64_MAX

/* Version flags. */
#define HIST_RMW 0x1	 /* a read-modify-write (incr, add); else a put */
#define HIST_MULTI 0x2	 /* parent[] indexes extra[]: count, then the ids */
#define HIST_APPLIED 0x4 /* entered the state (else discarded) */
#define HIST_COVER 0x8	 /* a blind write: its parents are cover parents */

/* Key flags. */
#define HIST_KEY_UNCLEAN 0x1 /* some state change replaced an unread version */
#define HIST_KEY_DAG 0x2     /* some version of the key has several parents */

struct hist_read {
	int64_t begin;	/* when the read operation was issued */
	int64_t end;	/* when its client accepted the reply (observed reads) */
	uint32_t key;	/* with HIST_READ_OBSERVED in the top bit */
	uint32_t state; /* a version id, HIST_NONE (empty), or HIST_SNAP|offset */
	uint32_t client;
};
#define HIST_READ_OBSERVED 0x80000000u
#define HIST_SNAP 0x80000000u

struct history {
	uint32_t nversions, cap;
	uint32_t *parent;
	int64_t *ack;
	uint8_t *flags;
	uint32_t *writer; /* the client whose operation wrote it */

	uint32_t *extra; /* multi-parent lists: count, ids... */
	size_t nextra, extracap;

	uint32_t nkeys;
	uint8_t *key_flags;
	uint32_t *final;      /* per key: version, HIST_NONE, or HIST_SNAP|offset */
	uint32_t *last_snap;  /* per key: last snapshot written, for reuse */

	struct hist_read *reads;
	size_t nreads, readcap;

	uint32_t *snap; /* snapshots of multi-version states: count, ids... */
	size_t nsnap, snapcap;

	bool record_all; /* record every read, clean keys too (replicas; probes) */
	bool failed; /* out of memory: the run must be reported as failed */
};

/* Returns 0 or -ENOMEM.  h is zeroed first. */
int history_init(struct history *h, uint32_t nkeys);

void history_free(struct history *h);

/* Records a version accepted for `key` and returns its id (HIST_NONE when
 * out of memory, which also sets h->failed).  `applied` says whether it
 * enters the state; an applied version must then be passed to
 * history_state_change(). */
uint32_t history_version(struct history *h, uint32_t key, bool rmw, bool applied,
			 const uint32_t *parents, uint32_t nparents, uint32_t writer);

/* The client received the acknowledgement of version v at time t. */
void history_ack(struct history *h, uint32_t v, int64_t t);

/* A key's state (one copy's) went from old[0..nold) to new[0..nnew)
 * because version `written` was applied, or, with written HIST_NONE,
 * because of a merge, an install or a loss.  A blind write that enters the
 * state records the versions it replaced as cover parents (adding to those
 * it has).  Marks the key unclean if a replaced version is not among the
 * entering versions' include parents (so any blind write that replaces
 * something, and any loss, makes its key unclean). */
void history_state_change(struct history *h, uint32_t key, const uint32_t *old,
			  uint32_t nold, const uint32_t *new_state, uint32_t nnew,
			  uint32_t written);

/* A read operation of `client` issued at `begin` was served the
 * state[0..n) of `key`.  Returns a read id to pass to
 * history_read_observed() when the client accepts the reply at `end`, or
 * HIST_NONE when the read needs no check (clean key, unless record_all). */
uint32_t history_read(struct history *h, uint32_t key, int64_t begin, uint32_t client,
		      const uint32_t *state, uint32_t n);
void history_read_observed(struct history *h, uint32_t read_id, int64_t end);

/* The key's state when the run ended (all operations finished). */
void history_final(struct history *h, uint32_t key, const uint32_t *state, uint32_t n);

/* All parents of v (include or cover): sets *n and returns a pointer. */
const uint32_t *history_parents(const struct history *h, uint32_t v, uint32_t *n);

/* The include parents of v (none for a blind write). */
const uint32_t *history_includes(const struct history *h, uint32_t v, uint32_t *n);

/* The versions of a recorded state reference (read or final). */
const uint32_t *history_state(const struct history *h, uint32_t ref, uint32_t *n,
			      uint32_t *scratch);

/* |incl(v)|: the number of effects v carries (the value of a counter built
 * by increments).  O(|incl(v)|): for traces and tests, not the hot path. */
uint64_t history_effects(const struct history *h, uint32_t v);

/* Bytes held by the history now. */
size_t history_bytes(const struct history *h);

#endif
