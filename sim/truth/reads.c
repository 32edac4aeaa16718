/*
 * reads.c - the checks of observed reads: stale reads, the session
 * guarantees (read your writes, monotonic reads) and PBS t-visibility.
 * See checker.h for the definitions.
 *
 * Method.  For each key let F(key) be its surviving effects.  When the
 * key's versions form a forest and its final state is one version f,
 * F(key) is the path p0 = f, p1, ..., pm to its root, and for a state S
 * the effects it misses, F \ incl(S), are a prefix p0..p(d-1), d being the
 * shallowest path node a version of S descends from (deepest[] maps every
 * version to that node).  Then:
 *  - stale: min ack over the prefix < the read's start (pmin[d]);
 *  - read your writes: some prefix node written by the reader and
 *    acknowledged before the read began: scanned from p(d-1) toward p0,
 *    stopping where pmin shows every newer node acknowledged after the
 *    read began (a scan of the whole prefix made reads that miss much,
 *    which is every read early in a run, quadratic: lww on a hot key);
 *  - visibility: the newest node acknowledged at or before the start (a
 *    binary search among the key's path nodes sorted by ack) is returned
 *    iff its index is >= d;
 *  - monotonic reads: a read misses an effect the client's previous read of
 *    the key returned iff its d is greater than the previous read's.
 * Otherwise (merges of several siblings, or several final siblings) the
 * same questions are answered by marking incl(S) in a bitmap and walking
 * F(key): O(|incl(S)| + |F(key)|) per distinct state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "sim/truth/checker.h"

#define BIT_GET(bm, i) ((bm)[(i) >> 3] & (1u << ((i) & 7)))
#define BIT_SET(bm, i) ((bm)[(i) >> 3] |= (uint8_t)(1u << ((i) & 7)))

/* Per-key facts. */
struct key_path {
	bool fast;	  /* forest key with at most one final version */
	uint32_t start;	  /* its path: global indexes start .. start + len - 1 */
	uint32_t len;
	uint32_t vstart;  /* its acked path nodes sorted by ack: vis[vstart ..] */
	uint32_t vlen;
	int64_t running;  /* while the paths are laid out: min ack so far */
};

struct vis_node {
	int64_t ack;
	uint32_t idx; /* global path index */
};

struct rctx {
	const struct history *h;
	uint32_t *deepest; /* per version: the global index of its shallowest path node */
	int64_t *pmin;	   /* per path node: min ack of the nodes before it on its path */
	uint32_t *pathv;   /* per path node: its version */
	struct vis_node *vis;
	struct key_path *keys;
	/* the slow path */
	uint8_t *seen;	   /* incl(S) of the state marked */
	uint32_t *stack;
	uint32_t *touched;
	size_t ntouched;
	uint32_t *flist;   /* F of the key flist_key */
	size_t nflist;
	uint32_t flist_key;
	uint32_t marked_key, marked_ref; /* whose incl(S) seen holds */
	size_t bytes;
};

static int by_ack(const void *a, const void *b)
{
	const struct vis_node *x = a, *y = b;
	if (x->ack != y->ack)
		return x->ack < y->ack ? -1 : 1;
	return x->idx < y->idx ? -1 : x->idx > y->idx;
}

/* Builds the paths of the fast keys.  A fast key's path p0 = f, p1, ...
 * is its versions in F, in decreasing id order (each is its successor's
 * parent, parents having smaller ids), so two passes over the versions
 * in that order lay every path out: the first names each path node's key
 * (in deepest[], from child to parent) and counts the nodes, the second,
 * with every key's place known, fills in the nodes.  The history is read
 * in order; nothing walks a path. */
static int prepare_fast(struct rctx *c, const uint8_t *in_final)
{
	const struct history *h = c->h;
	size_t nv = h->nversions ? h->nversions : 1;
	c->deepest = malloc(nv * sizeof(*c->deepest));
	if (!c->deepest)
		return -ENOMEM;
	for (uint32_t v = 0; v < h->nversions; v++)
		c->deepest[v] = HIST_NONE;
	for (uint32_t k = 0; k < h->nkeys; k++) {
		struct key_path *kp = &c->keys[k];
		uint32_t n, scratch;
		const uint32_t *fin = history_state(h, h->final[k], &n, &scratch);
		kp->fast = !(h->key_flags[k] & HIST_KEY_DAG) && n <= 1;
		kp->running = INT64_MAX;
		if (kp->fast && n == 1)
			c->deepest[fin[0]] = k;
	}
	/* pass 1: deepest[v] = v's key for path nodes; lengths per key */
	for (uint32_t v = h->nversions; v-- > 0;) {
		uint32_t k = c->deepest[v];
		if (k == HIST_NONE || !BIT_GET(in_final, v))
			continue;
		c->keys[k].len++;
		c->keys[k].vlen += h->record_all && h->ack[v] != HIST_UNACKED;
		if (!(h->flags[v] & HIST_COVER) && h->parent[v] != HIST_NONE)
			c->deepest[h->parent[v]] = k;
	}
	size_t total = 0, nvis = 0;
	for (uint32_t k = 0; k < h->nkeys; k++) {
		struct key_path *kp = &c->keys[k];
		kp->start = (uint32_t)total;
		kp->vstart = (uint32_t)nvis;
		total += kp->len;
		nvis += kp->vlen;
		kp->len = kp->vlen = 0; /* counted again as they are filled */
	}
	size_t np = total ? total : 1;
	c->pmin = malloc(np * sizeof(*c->pmin));
	c->pathv = malloc(np * sizeof(*c->pathv));
	/* the visibility table needs every read recorded (history.h) */
	size_t nv_vis = h->record_all ? np : 1;
	c->vis = malloc(nv_vis * sizeof(*c->vis));
	if (!c->pmin || !c->pathv || !c->vis)
		return -ENOMEM;
	c->bytes += nv * sizeof(*c->deepest) +
		    np * (sizeof(*c->pmin) + sizeof(*c->pathv)) + nv_vis * sizeof(*c->vis) +
		    (size_t)h->nkeys * sizeof(*c->keys);
	/* pass 2: p0, p1, ... of each path in order; pmin(pj) = min ack(p0..p(j-1)) */
	for (uint32_t v = h->nversions; v-- > 0;) {
		uint32_t k = c->deepest[v];
		if (k == HIST_NONE || !BIT_GET(in_final, v))
			continue;
		struct key_path *kp = &c->keys[k];
		uint32_t at = kp->start + kp->len++;
		c->deepest[v] = at;
		c->pathv[at] = v;
		c->pmin[at] = kp->running;
		if (h->record_all && h->ack[v] != HIST_UNACKED)
			c->vis[kp->vstart + kp->vlen++] = (struct vis_node){h->ack[v], at};
		if (h->ack[v] < kp->running)
			kp->running = h->ack[v];
	}
	for (uint32_t k = 0; k < h->nkeys; k++) {
		struct key_path *kp = &c->keys[k];
		qsort(c->vis + kp->vstart, kp->vlen, sizeof(*c->vis), by_ack);
	}
	/* every other version inherits its parent's path node: parents have
	 * smaller ids, so one pass in id order suffices */
	for (uint32_t v = 0; v < h->nversions; v++) {
		if (c->deepest[v] != HIST_NONE || (h->flags[v] & (HIST_MULTI | HIST_COVER)))
			continue;
		uint32_t p = h->parent[v];
		if (p != HIST_NONE)
			c->deepest[v] = c->deepest[p];
	}
	return 0;
}

/* A fast key's d for state S: the shallowest path node S reaches, as a
 * global index (start + len when S reaches none: it misses all of F). */
static uint32_t fast_depth(const struct rctx *c, uint32_t key, const uint32_t *s, uint32_t n)
{
	const struct key_path *kp = &c->keys[key];
	uint32_t d = kp->start + kp->len;
	for (uint32_t i = 0; i < n; i++)
		if (c->deepest[s[i]] != HIST_NONE && c->deepest[s[i]] < d)
			d = c->deepest[s[i]];
	return d;
}

/* Marks incl(S) of a slow key in c->seen (kept while the state stays). */
static int slow_mark(struct rctx *c, uint32_t key, uint32_t ref)
{
	const struct history *h = c->h;
	size_t nv = h->nversions ? h->nversions : 1;
	if (!c->seen) {
		c->seen = calloc(nv / 8 + 1, 1);
		c->stack = malloc(nv * sizeof(*c->stack));
		c->touched = malloc(nv * sizeof(*c->touched));
		c->flist = malloc(nv * sizeof(*c->flist));
		if (!c->seen || !c->stack || !c->touched || !c->flist)
			return -ENOMEM;
		c->bytes += nv / 8 + 1 + 3 * nv * sizeof(uint32_t);
	}
	if (c->marked_key == key && c->marked_ref == ref)
		return 0;
	for (size_t i = 0; i < c->ntouched; i++)
		c->seen[c->touched[i] >> 3] = 0;
	c->ntouched = 0;
	if (c->flist_key != key) {
		/* F of the key: walk from its final state */
		uint32_t nf, scratch;
		const uint32_t *fin = history_state(h, h->final[key], &nf, &scratch);
		c->nflist = 0;
		checker_mark(h, fin, nf, c->seen, c->stack, c->flist, &c->nflist, false);
		for (size_t i = 0; i < c->nflist; i++)
			c->seen[c->flist[i] >> 3] = 0;
		c->flist_key = key;
	}
	uint32_t n, scratch;
	const uint32_t *s = history_state(h, ref, &n, &scratch);
	checker_mark(h, s, n, c->seen, c->stack, c->touched, &c->ntouched, false);
	c->marked_key = key;
	c->marked_ref = ref;
	return 0;
}

/* The visibility bin of a time t (ns) since the write: 0 for t = 0, then
 * the 1-2-5 series of upper edges from 1us (bins 1..) to 10^4 s. */
static uint32_t vis_bin(int64_t t)
{
	if (t <= 0)
		return 0;
	static const double step[3] = {1, 2, 5};
	double edge = 1e3;
	for (uint32_t b = 1; b < CHECK_VIS_BINS; b++) {
		if ((double)t <= edge * step[(b - 1) % 3])
			return b;
		if ((b - 1) % 3 == 2)
			edge *= 10;
	}
	return CHECK_VIS_BINS - 1;
}

double checker_vis_edge_ms(uint32_t bin)
{
	if (bin == 0)
		return 0;
	static const double step[3] = {1, 2, 5};
	double edge = 1e-3;
	for (uint32_t b = 1; b < bin; b++)
		if ((b - 1) % 3 == 2)
			edge *= 10;
	return edge * step[(bin - 1) % 3];
}

static void visible(struct check_result *out, int64_t since, bool consistent)
{
	uint32_t b = vis_bin(since);
	out->vis_reads[b]++;
	out->vis_consistent[b] += consistent;
}

/* What one observed read r of a fast key missed; returns its depth d. */
static uint32_t check_fast(struct rctx *c, const struct hist_read *r, uint32_t key,
			   struct check_result *out)
{
	const struct history *h = c->h;
	const struct key_path *kp = &c->keys[key];
	uint32_t n, scratch;
	const uint32_t *s = history_state(h, r->state, &n, &scratch);
	uint32_t d = fast_depth(c, key, s, n);
	int64_t missing_min = d < kp->start + kp->len ? c->pmin[d] : INT64_MAX;
	/* pmin[d] covers p0..p(d-1); d == start + len means all of F */
	if (d == kp->start + kp->len && kp->len)
		missing_min = c->pmin[d - 1] < h->ack[c->pathv[d - 1]] ? c->pmin[d - 1]
									  : h->ack[c->pathv[d - 1]];
	if (missing_min <= r->begin)
		out->stale_reads++;
	/* read your writes, from the oldest missed node toward p0: once every
	 * node newer than j was acknowledged after the read began (pmin[j]),
	 * none of them counts, so the scan covers only what the read missed
	 * among writes acknowledged before it began */
	bool ryw = false;
	for (uint32_t j = d; j-- > kp->start;) {
		uint32_t v = c->pathv[j];
		if (h->writer[v] == r->client && h->ack[v] <= r->begin) {
			ryw = true;
			break;
		}
		if (c->pmin[j] > r->begin)
			break;
	}
	out->ryw_violations += ryw;
	if (h->record_all && kp->vlen) {
		/* the newest path node acknowledged when the read began (at
		 * t = 0 too: a probe at delay 0 begins at the ack's instant) */
		const struct vis_node *v = c->vis + kp->vstart;
		uint32_t lo = 0, hi = kp->vlen;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (v[mid].ack <= r->begin)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo > 0)
			visible(out, r->begin - v[lo - 1].ack, v[lo - 1].idx >= d);
	}
	return d;
}

/* The same for a read of a slow key. */
static int check_slow(struct rctx *c, const struct hist_read *r, uint32_t key,
		      struct check_result *out)
{
	const struct history *h = c->h;
	if (slow_mark(c, key, r->state) < 0)
		return -ENOMEM;
	int64_t missing_min = INT64_MAX, newest = INT64_MIN;
	bool ryw = false, newest_seen = false;
	for (size_t i = 0; i < c->nflist; i++) {
		uint32_t v = c->flist[i];
		bool in = BIT_GET(c->seen, v);
		if (!in && h->ack[v] < missing_min)
			missing_min = h->ack[v];
		if (!in && h->writer[v] == r->client && h->ack[v] <= r->begin)
			ryw = true;
		if (h->ack[v] != HIST_UNACKED && h->ack[v] <= r->begin && h->ack[v] > newest) {
			newest = h->ack[v];
			newest_seen = in;
		}
	}
	if (missing_min <= r->begin)
		out->stale_reads++;
	out->ryw_violations += ryw;
	if (h->record_all && newest != INT64_MIN)
		visible(out, r->begin - newest, newest_seen);
	return 0;
}

/* Reads in (client, key, begin) order, for monotonic reads: the sort keys
 * travel with each read's index, so the comparison needs no shared state
 * (runs check in parallel threads). */
struct session_key {
	uint32_t client, key;
	int64_t begin;
	uint32_t index;
};

static int by_session(const void *a, const void *b)
{
	const struct session_key *x = a, *y = b;
	if (x->client != y->client)
		return x->client < y->client ? -1 : 1;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	if (x->begin != y->begin)
		return x->begin < y->begin ? -1 : 1;
	return x->index < y->index ? -1 : 1;
}

/* Does a slow key's read b miss an effect in F that read a returned? */
static int slow_regress(struct rctx *c, uint32_t key, const struct hist_read *a,
			const struct hist_read *b, bool *regress)
{
	/* the F-effects a holds, then whether b holds each of them */
	if (slow_mark(c, key, a->state) < 0)
		return -ENOMEM;
	size_t na = 0;
	uint32_t *held = malloc((c->nflist ? c->nflist : 1) * sizeof(*held));
	if (!held)
		return -ENOMEM;
	for (size_t i = 0; i < c->nflist; i++)
		if (BIT_GET(c->seen, c->flist[i]))
			held[na++] = c->flist[i];
	if (slow_mark(c, key, b->state) < 0) {
		free(held);
		return -ENOMEM;
	}
	*regress = false;
	for (size_t i = 0; i < na && !*regress; i++)
		*regress = !BIT_GET(c->seen, held[i]);
	free(held);
	return 0;
}

static int check_monotonic(struct rctx *c, const uint32_t *depth, struct check_result *out)
{
	const struct history *h = c->h;
	struct session_key *order = malloc((h->nreads ? h->nreads : 1) * sizeof(*order));
	if (!order)
		return -ENOMEM;
	size_t n = 0;
	for (uint32_t i = 0; i < h->nreads; i++) {
		const struct hist_read *r = &h->reads[i];
		if (r->key & HIST_READ_OBSERVED)
			order[n++] = (struct session_key){.client = r->client,
							  .key = r->key & ~HIST_READ_OBSERVED,
							  .begin = r->begin,
							  .index = i};
	}
	qsort(order, n, sizeof(*order), by_session);
	int rc = 0;
	for (size_t i = 1; i < n && rc == 0; i++) {
		const struct hist_read *a = &h->reads[order[i - 1].index], *b = &h->reads[order[i].index];
		uint32_t key = b->key & ~HIST_READ_OBSERVED;
		if (a->client != b->client || (a->key & ~HIST_READ_OBSERVED) != key || a->end > b->begin)
			continue;
		bool regress;
		if (c->keys[key].fast)
			regress = depth[order[i].index] > depth[order[i - 1].index];
		else
			rc = slow_regress(c, key, a, b, &regress);
		out->monotonic_violations += rc == 0 && regress;
	}
	free(order);
	return rc;
}

int checker_reads(const struct history *h, const uint8_t *in_final, struct check_result *out)
{
	struct rctx c = {.h = h, .flist_key = HIST_NONE, .marked_key = HIST_NONE};
	int rc = -ENOMEM;
	uint32_t *depth = malloc((h->nreads ? h->nreads : 1) * sizeof(*depth));
	c.keys = calloc(h->nkeys ? h->nkeys : 1, sizeof(*c.keys));
	if (!depth || !c.keys || prepare_fast(&c, in_final) < 0)
		goto out_free;
	for (size_t i = 0; i < h->nreads; i++) {
		const struct hist_read *r = &h->reads[i];
		if (!(r->key & HIST_READ_OBSERVED))
			continue;
		uint32_t key = r->key & ~HIST_READ_OBSERVED;
		out->reads_checked++;
		if (c.keys[key].fast) {
			depth[i] = check_fast(&c, r, key, out);
		} else if (check_slow(&c, r, key, out) < 0) {
			goto out_free;
		}
	}
	if (check_monotonic(&c, depth, out) < 0)
		goto out_free;
	rc = 0;
	out->work_bytes = c.bytes + (size_t)h->nreads * sizeof(*depth);
out_free:
	free(depth);
	free(c.keys);
	free(c.deepest);
	free(c.pmin);
	free(c.pathv);
	free(c.vis);
	free(c.seen);
	free(c.stack);
	free(c.touched);
	free(c.flist);
	return rc;
}
