/*
 * checker.c - lost updates and unacknowledged effects from the history,
 * then the checks of reads (reads.c).  See checker.h for the definitions.
 */
#include "sim/truth/checker.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BIT_GET(bm, i) ((bm)[(i) >> 3] & (1u << ((i) & 7)))
#define BIT_SET(bm, i) ((bm)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))

bool checker_in_final(const struct check_result *r, uint32_t v)
{
	return r->in_final && BIT_GET(r->in_final, v);
}

bool checker_accounted(const struct check_result *r, uint32_t v)
{
	return r->accounted && BIT_GET(r->accounted, v);
}

bool checker_is_lost(const struct check_result *r, const struct history *h, uint32_t v)
{
	return v < h->nversions && (h->flags[v] & HIST_RMW) && h->ack[v] != HIST_UNACKED &&
	       !checker_accounted(r, v);
}

/* Marks incl(roots) in bm, or with `covers` everything the roots account
 * for (already-marked versions are not walked again).  stack must hold
 * nversions entries.  If list is not NULL, appends every newly marked
 * version to it. */
void checker_mark(const struct history *h, const uint32_t *roots, uint32_t nroots, uint8_t *bm,
		  uint32_t *stack, uint32_t *list, size_t *nlist, bool covers)
{
	size_t top = 0;
	for (uint32_t i = 0; i < nroots; i++)
		if (!BIT_GET(bm, roots[i])) {
			BIT_SET(bm, roots[i]);
			stack[top++] = roots[i];
		}
	while (top) {
		uint32_t v = stack[--top];
		if (list)
			list[(*nlist)++] = v;
		uint32_t np;
		const uint32_t *p = covers ? history_parents(h, v, &np) : history_includes(h, v, &np);
		for (uint32_t i = 0; i < np; i++)
			if (!BIT_GET(bm, p[i])) {
				BIT_SET(bm, p[i]);
				stack[top++] = p[i];
			}
	}
}

/* Marks F (in_final) and A (accounted) from the final states, and counts
 * lost updates and unacknowledged effects, in one pass over the versions
 * in decreasing id order.  Parents have smaller ids than their children
 * (history.h), so when the pass reaches v, every version that could mark
 * it has been seen and v's marks are final: the pass reads the parent
 * arrays once, in order, and touches only the two bitmaps at random
 * (nversions / 4 bytes), where a walk from each final state chased
 * pointers across the whole history.  F is within A (include parents are
 * among all parents), so a version outside A marks nothing. */
static void mark_pass(const struct history *h, uint8_t *in_final, uint8_t *accounted,
		      struct check_result *out)
{
	for (uint32_t k = 0; k < h->nkeys; k++) {
		uint32_t n, scratch;
		const uint32_t *fin = history_state(h, h->final[k], &n, &scratch);
		for (uint32_t i = 0; i < n; i++) {
			BIT_SET(in_final, fin[i]);
			BIT_SET(accounted, fin[i]);
		}
	}
	for (uint32_t v = h->nversions; v-- > 0;) {
		bool acked = h->ack[v] != HIST_UNACKED;
		if (!BIT_GET(accounted, v)) {
			out->lost_updates += acked && (h->flags[v] & HIST_RMW);
			continue;
		}
		bool in = BIT_GET(in_final, v);
		out->unacked_effects += in && !acked;
		uint8_t f = h->flags[v];
		if (!(f & HIST_MULTI)) {
			uint32_t p = h->parent[v];
			if (p != HIST_NONE) {
				BIT_SET(accounted, p);
				if (in && !(f & HIST_COVER))
					BIT_SET(in_final, p);
			}
			continue;
		}
		uint32_t np;
		const uint32_t *p = history_parents(h, v, &np);
		bool include = in && !(f & HIST_COVER);
		for (uint32_t i = 0; i < np; i++) {
			BIT_SET(accounted, p[i]);
			if (include)
				BIT_SET(in_final, p[i]);
		}
	}
}

int checker_run(const struct history *h, struct check_result *out, bool keep_marks)
{
	memset(out, 0, sizeof(*out));
	size_t nv = h->nversions ? h->nversions : 1;
	uint8_t *in_final = calloc(nv / 8 + 1, 1);
	uint8_t *accounted = calloc(nv / 8 + 1, 1);
	if (!in_final || !accounted) {
		free(in_final);
		free(accounted);
		return -ENOMEM;
	}
	mark_pass(h, in_final, accounted, out);
	size_t marks = 2 * (nv / 8 + 1);
	int rc = h->nreads ? checker_reads(h, in_final, out) : 0;
	/* peak: the marks, with the read checks' arrays */
	out->work_bytes = marks + out->work_bytes;
	if (keep_marks && rc == 0) {
		out->in_final = in_final;
		out->accounted = accounted;
	} else {
		free(in_final);
		free(accounted);
	}
	return rc;
}
