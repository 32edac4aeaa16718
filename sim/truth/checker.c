/*
 * checker.c - lost updates, unacknowledged effects and stale reads from the
 * history.  See checker.h for the definitions and the method.
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
static void mark_edges(const struct history *h, const uint32_t *roots, uint32_t nroots,
		       uint8_t *bm, uint32_t *stack, uint32_t *list, size_t *nlist, bool covers)
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

static void mark(const struct history *h, const uint32_t *roots, uint32_t nroots, uint8_t *bm,
		 uint32_t *stack, uint32_t *list, size_t *nlist)
{
	mark_edges(h, roots, nroots, bm, stack, list, nlist, false);
}

/* Per-key facts for the stale-read check. */
struct key_path {
	bool fast;	/* forest key with at most one final version */
	int64_t allmin; /* min ack over the whole path (F of the key) */
};

/* Working state of the stale-read check. */
struct stale_ctx {
	const struct history *h;
	uint32_t *deepest; /* per version: index into pmin of its deepest path node */
	int64_t *pmin;	   /* per path node: min ack of the path nodes after it */
	struct key_path *keys;
	/* fallback */
	uint8_t *seen;	    /* bitmap, cleared per distinct state */
	uint32_t *stack;
	uint32_t *touched;  /* versions marked in seen, to clear them */
	size_t ntouched;
	uint32_t *flist;    /* F versions of the key being checked */
	size_t nflist;
	uint32_t flist_key;
	size_t bytes;	    /* working memory allocated */
};

/* Builds deepest[] and pmin[] for the fast keys. */
static int prepare_fast(struct stale_ctx *c)
{
	const struct history *h = c->h;
	size_t npath = 0, total = 0;
	/* count the path nodes first, to size pmin exactly */
	for (uint32_t k = 0; k < h->nkeys; k++) {
		uint32_t n, scratch;
		const uint32_t *fin = history_state(h, h->final[k], &n, &scratch);
		if ((h->key_flags[k] & HIST_KEY_DAG) || n != 1)
			continue;
		for (uint32_t v = fin[0]; v != HIST_NONE;
		     v = (h->flags[v] & HIST_COVER) ? HIST_NONE : h->parent[v])
			total++;
	}
	c->deepest = malloc((h->nversions ? h->nversions : 1) * sizeof(*c->deepest));
	c->pmin = malloc((total ? total : 1) * sizeof(*c->pmin));
	if (!c->deepest || !c->pmin)
		return -ENOMEM;
	c->bytes = (size_t)h->nversions * sizeof(*c->deepest) + total * sizeof(*c->pmin) +
		   (size_t)h->nkeys * sizeof(*c->keys);
	for (uint32_t v = 0; v < h->nversions; v++)
		c->deepest[v] = HIST_NONE;
	for (uint32_t k = 0; k < h->nkeys; k++) {
		struct key_path *kp = &c->keys[k];
		uint32_t n, scratch;
		const uint32_t *fin = history_state(h, h->final[k], &n, &scratch);
		kp->fast = !(h->key_flags[k] & HIST_KEY_DAG) && n <= 1;
		kp->allmin = INT64_MAX;
		if (!kp->fast || n == 0)
			continue;
		/* Walk p0 = f to the root; pmin(pj) = min ack(p0..p(j-1)). */
		int64_t running = INT64_MAX;
		for (uint32_t v = fin[0]; v != HIST_NONE;
		     v = (h->flags[v] & HIST_COVER) ? HIST_NONE : h->parent[v]) {
			c->deepest[v] = (uint32_t)npath;
			c->pmin[npath++] = running;
			if (h->ack[v] < running)
				running = h->ack[v];
		}
		kp->allmin = running;
	}
	/* Every other version inherits its parent's deepest path node: parents
	 * have smaller ids, so one pass in id order suffices. */
	for (uint32_t v = 0; v < h->nversions; v++) {
		if (c->deepest[v] != HIST_NONE || (h->flags[v] & (HIST_MULTI | HIST_COVER)))
			continue;
		uint32_t p = h->parent[v];
		if (p != HIST_NONE)
			c->deepest[v] = c->deepest[p];
	}
	return 0;
}

/* min ack over F(key) \ incl(S) for a fast key. */
static int64_t fast_missing_min(const struct stale_ctx *c, uint32_t key,
				const uint32_t *s, uint32_t n)
{
	int64_t m = INT64_MIN;
	bool any = false;
	for (uint32_t i = 0; i < n; i++) {
		uint32_t d = c->deepest[s[i]];
		if (d == HIST_NONE)
			continue;
		any = true;
		if (c->pmin[d] > m)
			m = c->pmin[d];
	}
	return any ? m : c->keys[key].allmin;
}

/* min ack over F(key) \ incl(S), by walking incl(S). */
static int64_t slow_missing_min(struct stale_ctx *c, uint32_t key, const uint32_t *s,
				uint32_t n)
{
	const struct history *h = c->h;
	if (c->flist_key != key) {
		/* Collect F of the key: walk from its final state. */
		uint32_t nf, scratch;
		const uint32_t *fin = history_state(h, h->final[key], &nf, &scratch);
		c->nflist = 0;
		mark(h, fin, nf, c->seen, c->stack, c->flist, &c->nflist);
		for (size_t i = 0; i < c->nflist; i++)
			c->seen[c->flist[i] >> 3] = 0;
		c->flist_key = key;
	}
	c->ntouched = 0;
	mark(h, s, n, c->seen, c->stack, c->touched, &c->ntouched);
	int64_t m = INT64_MAX;
	for (size_t i = 0; i < c->nflist; i++) {
		uint32_t v = c->flist[i];
		if (!BIT_GET(c->seen, v) && h->ack[v] < m)
			m = h->ack[v];
	}
	for (size_t i = 0; i < c->ntouched; i++)
		c->seen[c->touched[i] >> 3] = 0;
	return m;
}

static int check_stale(const struct history *h, const uint8_t *in_final,
		       struct check_result *out)
{
	(void)in_final;
	struct stale_ctx c = {.h = h, .flist_key = HIST_NONE};
	int rc = -ENOMEM;
	size_t nv = h->nversions ? h->nversions : 1;
	c.keys = calloc(h->nkeys ? h->nkeys : 1, sizeof(*c.keys));
	if (!c.keys || prepare_fast(&c) < 0)
		goto out_free;
	uint32_t cached_key = HIST_NONE, cached_ref = HIST_NONE;
	int64_t cached_min = 0;
	for (size_t i = 0; i < h->nreads; i++) {
		const struct hist_read *r = &h->reads[i];
		if (!(r->key & HIST_READ_OBSERVED))
			continue;
		uint32_t key = r->key & ~HIST_READ_OBSERVED;
		out->reads_checked++;
		int64_t m;
		if (key == cached_key && r->state == cached_ref) {
			m = cached_min;
		} else {
			uint32_t n, scratch;
			const uint32_t *s = history_state(h, r->state, &n, &scratch);
			if (c.keys[key].fast) {
				m = fast_missing_min(&c, key, s, n);
			} else {
				if (!c.seen) {
					c.seen = calloc(nv / 8 + 1, 1);
					c.stack = malloc(nv * sizeof(*c.stack));
					c.touched = malloc(nv * sizeof(*c.touched));
					c.flist = malloc(nv * sizeof(*c.flist));
					if (!c.seen || !c.stack || !c.touched || !c.flist)
						goto out_free;
					c.bytes += nv / 8 + 1 + 3 * nv * sizeof(uint32_t);
				}
				m = slow_missing_min(&c, key, s, n);
			}
			cached_key = key;
			cached_ref = r->state;
			cached_min = m;
		}
		if (m < r->begin)
			out->stale_reads++;
	}
	rc = 0;
	out->work_bytes = c.bytes;
out_free:
	free(c.keys);
	free(c.deepest);
	free(c.pmin);
	free(c.seen);
	free(c.stack);
	free(c.touched);
	free(c.flist);
	return rc;
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
		mark_edges(h, fin, n, in_final, stack, NULL, NULL, false);
		mark_edges(h, fin, n, accounted, stack, NULL, NULL, true);
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
	int rc = h->nreads ? check_stale(h, in_final, out) : 0;
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
