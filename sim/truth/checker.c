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

int checker_run(const struct history *h, struct check_result *out, bool keep_marks)
{
	memset(out, 0, sizeof(*out));
	size_t nv = h->nversions ? h->nversions : 1;
	uint8_t *in_final = calloc(nv / 8 + 1, 1);
	uint8_t *accounted = calloc(nv / 8 + 1, 1);
	uint32_t *stack = malloc(nv * sizeof(*stack));
	if (!in_final || !accounted || !stack) {
		free(in_final);
		free(accounted);
		free(stack);
		return -ENOMEM;
	}
	for (uint32_t k = 0; k < h->nkeys; k++) {
		uint32_t n, scratch;
		const uint32_t *fin = history_state(h, h->final[k], &n, &scratch);
		checker_mark(h, fin, n, in_final, stack, NULL, NULL, false);
		checker_mark(h, fin, n, accounted, stack, NULL, NULL, true);
	}
	free(stack);
	size_t marks = 2 * (nv / 8 + 1);
	size_t phase1 = marks + nv * sizeof(*stack);
	for (uint32_t v = 0; v < h->nversions; v++) {
		bool acked = h->ack[v] != HIST_UNACKED;
		if (acked && !BIT_GET(accounted, v) && (h->flags[v] & HIST_RMW))
			out->lost_updates++;
		if (BIT_GET(in_final, v) && !acked)
			out->unacked_effects++;
	}
	int rc = h->nreads ? checker_reads(h, out) : 0;
	/* peak: the marks with the walk stack, or with the stale check's arrays */
	out->work_bytes = phase1 > marks + out->work_bytes ? phase1 : marks + out->work_bytes;
	if (keep_marks && rc == 0) {
		out->in_final = in_final;
		out->accounted = accounted;
	} else {
		free(in_final);
		free(accounted);
	}
	return rc;
}
