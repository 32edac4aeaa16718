/*
 * checker.h - after a run, compare what clients were told with the truth.
 *
 * Definitions (design section 4), in the terms of history.h.  Let F be the
 * union of incl(final state of k) over all keys k: the effects that survive;
 * and A the versions the final states account for (through include and
 * cover parents): F and the effects blind writes overwrote on purpose.
 *  - lost update: an acknowledged read-modify-write version not in A.
 *  - unacknowledged effect: a version in F that was never acknowledged (its
 *    operation timed out or was aborted after the write was applied).
 *  - stale read: an observed read of key k, issued at time b, whose state S
 *    misses a version v in F (of key k) acknowledged at or before b, that
 *    is, some v in F \ incl(S) with ack(v) <= b (a read issued at the
 *    instant of an acknowledgement, such as a probe at delay 0, is expected
 *    to see it, as visibility counts it).  A lost write is not in F, so it
 *    counts as lost, not as stale.
 *  - read-your-writes violation: a stale read where such a v was written by
 *    the reading client itself.
 *  - monotonic-read violation: a read that misses a version of F the same
 *    client's previous read of the key returned (that read having ended
 *    before this one began).
 *  - visibility (PBS's t-visibility, when every read is recorded): each
 *    observed read is counted at t = b - ack(W), W the newest version of F
 *    of its key acknowledged at or before b (a probe at delay 0 begins at
 *    the ack's instant), and as consistent when W is in incl(S).
 *
 * Method and cost.  F and A are marked by one pass over the versions in
 * decreasing id order (parents have smaller ids than their children,
 * history.h), which also counts lost updates and unacknowledged effects:
 * O(versions + parents), reading the history in order.  Stale reads are checked only for reads of
 * unclean keys (see history.h).  When a key's versions form a forest (no
 * merge with several parents) and its final state is one version f, F
 * restricted to the key is the path from f to its root, p0 = f, p1, ...,
 * pm, and for any state S, F \ incl(S) is a prefix p0..p(j-1) of that
 * path, where pj is the deepest path node that some version of S descends
 * from.  With pm(j) = min ack(p0..p(j-1)) precomputed, each read costs
 * O(|S|); the paths are laid out by two more passes in decreasing id
 * order, not by walking each one.  Otherwise (merges of several siblings, or several final
 * siblings) each distinct state read is checked by walking incl(S):
 * O(|incl(S)| + |F of the key|) per distinct state, which is paid only by
 * the siblings policy on keys where a lossy merge or a false descendant
 * made the key unclean.
 *
 * Working memory: two bits per version (F, A), 4 bytes per version (deepest path
 * node), 20 bytes per path node, and, for the fallback only, 12 bytes per
 * version for its walk stack and lists; with history's 17, under 32 per
 * write but where the fallback runs.
 */
#ifndef CLOBBER_CHECKER_H
#define CLOBBER_CHECKER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/truth/history.h"

/* Visibility bins: t = 0, then a 1-2-5 series of upper edges from 1 us to
 * 10^4 s (checker_vis_edge_ms). */
#define CHECK_VIS_BINS 32

struct check_result {
	uint64_t lost_updates;
	uint64_t unacked_effects;
	uint64_t stale_reads;
	uint64_t ryw_violations;
	uint64_t monotonic_violations;
	uint64_t reads_checked;	 /* observed reads recorded (of unclean keys, or all) */
	uint64_t vis_reads[CHECK_VIS_BINS];	 /* reads in each bin of t */
	uint64_t vis_consistent[CHECK_VIS_BINS]; /* of which returned the newest write */
	uint8_t *in_final;	 /* bitmap of F, when asked for; caller frees */
	uint8_t *accounted;	 /* bitmap of A, when asked for; caller frees */
	size_t work_bytes;	 /* peak working memory of the check */
};

/* Runs the checker.  With keep_marks, out->in_final and out->accounted are
 * bitmaps the caller must free().  Returns 0 or -ENOMEM. */
int checker_run(const struct history *h, struct check_result *out, bool keep_marks);

/* True if version v survives in the final state (needs keep_marks). */
bool checker_in_final(const struct check_result *r, uint32_t v);

/* True if version v is accounted for by the final state (needs keep_marks). */
bool checker_accounted(const struct check_result *r, uint32_t v);

/* Marks incl(roots) in bitmap bm, or with `covers` everything the roots
 * account for; versions already marked are not walked again.  stack must
 * hold nversions entries; list, if not NULL, gets every newly marked
 * version appended. */
void checker_mark(const struct history *h, const uint32_t *roots, uint32_t nroots, uint8_t *bm,
		  uint32_t *stack, uint32_t *list, size_t *nlist, bool covers);

/* The checks of observed reads (reads.c), given the bitmap of F: adds to
 * out's stale reads, session violations and visibility.  Returns 0 or
 * -ENOMEM. */
int checker_reads(const struct history *h, const uint8_t *in_final, struct check_result *out);

/* The upper edge, in ms, of visibility bin `bin` (0 for bin 0). */
double checker_vis_edge_ms(uint32_t bin);

/* True if version v is a lost update (needs keep_marks). */
bool checker_is_lost(const struct check_result *r, const struct history *h, uint32_t v);

#endif
