/*
 * history.c - recording versions, state changes and reads.  See history.h.
 */
#include "sim/truth/history.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int history_init(struct history *h, uint32_t nkeys)
{
	memset(h, 0, sizeof(*h));
	h->nkeys = nkeys;
	h->key_flags = calloc(nkeys ? nkeys : 1, sizeof(*h->key_flags));
	h->final = malloc((nkeys ? nkeys : 1) * sizeof(*h->final));
	h->last_snap = malloc((nkeys ? nkeys : 1) * sizeof(*h->last_snap));
	if (!h->key_flags || !h->final || !h->last_snap) {
		history_free(h);
		return -ENOMEM;
	}
	for (uint32_t k = 0; k < nkeys; k++) {
		h->final[k] = HIST_NONE;
		h->last_snap[k] = HIST_NONE;
	}
	return 0;
}

void history_free(struct history *h)
{
	free(h->parent);
	free(h->ack);
	free(h->flags);
	free(h->writer);
	free(h->extra);
	free(h->key_flags);
	free(h->final);
	free(h->last_snap);
	free(h->reads);
	free(h->snap);
	memset(h, 0, sizeof(*h));
}

/* Grows *arr (element size sz) so that it holds at least `need` elements. */
static int reserve(void **arr, size_t *cap, size_t need, size_t sz)
{
	if (need <= *cap)
		return 0;
	size_t ncap = *cap ? *cap : 256;
	while (ncap < need)
		ncap += ncap / 4;
	void *p = realloc(*arr, ncap * sz);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = ncap;
	return 0;
}

static int resize_versions(struct history *h, uint32_t ncap)
{
	uint32_t *parent = realloc(h->parent, ncap * sizeof(*parent));
	if (!parent)
		return -ENOMEM;
	h->parent = parent;
	int64_t *ack = realloc(h->ack, ncap * sizeof(*ack));
	if (!ack)
		return -ENOMEM;
	h->ack = ack;
	uint8_t *flags = realloc(h->flags, ncap * sizeof(*flags));
	if (!flags)
		return -ENOMEM;
	h->flags = flags;
	uint32_t *writer = realloc(h->writer, ncap * sizeof(*writer));
	if (!writer)
		return -ENOMEM;
	h->writer = writer;
	h->cap = ncap;
	return 0;
}

static int grow_versions(struct history *h)
{
	if (h->cap >= HIST_SNAP / 3)
		return -ENOMEM; /* ids must stay below HIST_SNAP */
	/* by a quarter: at most 25% slack, at a small cost in copying */
	return resize_versions(h, h->cap ? h->cap + h->cap / 4 : 1024);
}

uint32_t history_version(struct history *h, uint32_t key, bool rmw, bool applied,
			 const uint32_t *parents, uint32_t nparents, uint32_t writer)
{
	if (h->nversions == h->cap && grow_versions(h) < 0) {
		h->failed = true;
		return HIST_NONE;
	}
	uint32_t v = h->nversions;
	uint8_t f = (uint8_t)((rmw ? HIST_RMW : 0) | (applied ? HIST_APPLIED : 0));
	if (nparents == 0) {
		h->parent[v] = HIST_NONE;
	} else if (nparents == 1) {
		h->parent[v] = parents[0];
	} else {
		if (reserve((void **)&h->extra, &h->extracap, h->nextra + nparents + 1,
			    sizeof(*h->extra)) < 0) {
			h->failed = true;
			return HIST_NONE;
		}
		h->parent[v] = (uint32_t)h->nextra;
		h->extra[h->nextra++] = nparents;
		memcpy(h->extra + h->nextra, parents, nparents * sizeof(*parents));
		h->nextra += nparents;
		f |= HIST_MULTI;
		h->key_flags[key] |= HIST_KEY_DAG;
	}
	h->flags[v] = f;
	h->ack[v] = HIST_UNACKED;
	h->writer[v] = writer;
	h->nversions++;
	return v;
}

void history_ack(struct history *h, uint32_t v, int64_t t)
{
	if (v < h->nversions && h->ack[v] == HIST_UNACKED)
		h->ack[v] = t;
}

const uint32_t *history_includes(const struct history *h, uint32_t v, uint32_t *n)
{
	if (h->flags[v] & HIST_COVER) {
		*n = 0;
		return &h->parent[v];
	}
	return history_parents(h, v, n);
}

const uint32_t *history_parents(const struct history *h, uint32_t v, uint32_t *n)
{
	if (h->flags[v] & HIST_MULTI) {
		const uint32_t *e = h->extra + h->parent[v];
		*n = e[0];
		return e + 1;
	}
	*n = h->parent[v] == HIST_NONE ? 0 : 1;
	return &h->parent[v];
}

static bool contains(const uint32_t *set, uint32_t n, uint32_t v)
{
	for (uint32_t i = 0; i < n; i++)
		if (set[i] == v)
			return true;
	return false;
}

/* Adds the versions of old missing from new_state to blind write v's
 * cover parents (those it has already are kept). */
static void set_covers(struct history *h, uint32_t v, const uint32_t *old, uint32_t nold,
		       const uint32_t *new_state, uint32_t nnew)
{
	uint32_t have_n = 0;
	const uint32_t *have = (h->flags[v] & HIST_COVER) ? history_parents(h, v, &have_n) : NULL;
	uint32_t n = 0;
	for (uint32_t i = 0; i < nold; i++)
		n += !contains(new_state, nnew, old[i]) && !contains(have, have_n, old[i]) && old[i] != v;
	if (n == 0)
		return;
	uint32_t total = have_n + n;
	if (total == 1) {
		for (uint32_t i = 0; i < nold; i++)
			if (!contains(new_state, nnew, old[i]) && old[i] != v)
				h->parent[v] = old[i];
		h->flags[v] |= HIST_COVER;
		return;
	}
	if (reserve((void **)&h->extra, &h->extracap, h->nextra + total + 1, sizeof(*h->extra)) < 0) {
		h->failed = true;
		return;
	}
	/* have may point into extra, which reserve may have moved */
	have = (h->flags[v] & HIST_COVER) ? history_parents(h, v, &have_n) : NULL;
	uint32_t at = (uint32_t)h->nextra;
	h->extra[h->nextra++] = total;
	for (uint32_t i = 0; i < have_n; i++)
		h->extra[h->nextra++] = have[i];
	for (uint32_t i = 0; i < nold; i++)
		if (!contains(new_state, nnew, old[i]) && !contains(have, have_n, old[i]) && old[i] != v)
			h->extra[h->nextra++] = old[i];
	h->parent[v] = at;
	h->flags[v] |= HIST_COVER | HIST_MULTI;
}

static bool is_blind(const struct history *h, uint32_t v)
{
	return !(h->flags[v] & HIST_RMW) &&
	       ((h->flags[v] & HIST_COVER) || h->parent[v] == HIST_NONE);
}

/* True if v is among the include parents of a version of state that was
 * not in old (one that entered with this change). */
static bool included_by_entering(const struct history *h, uint32_t v, const uint32_t *old,
				 uint32_t nold, const uint32_t *new_state, uint32_t nnew)
{
	for (uint32_t i = 0; i < nnew; i++) {
		if (contains(old, nold, new_state[i]))
			continue;
		uint32_t np;
		const uint32_t *p = history_includes(h, new_state[i], &np);
		if (contains(p, np, v))
			return true;
	}
	return false;
}

void history_state_change(struct history *h, uint32_t key, const uint32_t *old,
			  uint32_t nold, const uint32_t *new_state, uint32_t nnew,
			  uint32_t written)
{
	h->last_snap[key] = HIST_NONE; /* the state changed: snapshots are stale */
	if (written != HIST_NONE) {
		if (is_blind(h, written))
			set_covers(h, written, old, nold, new_state, nnew);
	} else {
		for (uint32_t i = 0; i < nnew; i++)
			if (!contains(old, nold, new_state[i]) && is_blind(h, new_state[i]))
				set_covers(h, new_state[i], old, nold, new_state, nnew);
	}
	if (h->key_flags[key] & HIST_KEY_UNCLEAN)
		return;
	for (uint32_t i = 0; i < nold; i++) {
		if (contains(new_state, nnew, old[i]) ||
		    included_by_entering(h, old[i], old, nold, new_state, nnew))
			continue;
		h->key_flags[key] |= HIST_KEY_UNCLEAN;
		return;
	}
}

/* Stores state[0..n) as a snapshot, reusing the key's last one when it
 * holds the same versions (with replicas, copies of one key differ: the
 * last snapshot may be another copy's); returns its reference. */
static uint32_t snapshot(struct history *h, uint32_t key, const uint32_t *state, uint32_t n)
{
	if (n == 0)
		return HIST_NONE;
	if (n == 1)
		return state[0];
	uint32_t last = h->last_snap[key];
	if (last != HIST_NONE && h->snap[last & ~HIST_SNAP] == n &&
	    memcmp(h->snap + (last & ~HIST_SNAP) + 1, state, n * sizeof(*state)) == 0)
		return last;
	if (h->nsnap + n + 1 >= HIST_SNAP ||
	    reserve((void **)&h->snap, &h->snapcap, h->nsnap + n + 1, sizeof(*h->snap)) < 0) {
		h->failed = true;
		return HIST_NONE;
	}
	uint32_t ref = HIST_SNAP | (uint32_t)h->nsnap;
	h->snap[h->nsnap++] = n;
	memcpy(h->snap + h->nsnap, state, n * sizeof(*state));
	h->nsnap += n;
	h->last_snap[key] = ref;
	return ref;
}

uint32_t history_read(struct history *h, uint32_t key, int64_t begin, uint32_t client,
		      const uint32_t *state, uint32_t n)
{
	if (!h->record_all && !(h->key_flags[key] & HIST_KEY_UNCLEAN))
		return HIST_NONE;
	if (h->nreads >= HIST_NONE - 1 ||
	    reserve((void **)&h->reads, &h->readcap, h->nreads + 1, sizeof(*h->reads)) < 0) {
		h->failed = true;
		return HIST_NONE;
	}
	struct hist_read *r = &h->reads[h->nreads];
	r->begin = begin;
	r->end = begin;
	r->client = client;
	r->key = key;
	r->state = snapshot(h, key, state, n);
	return (uint32_t)h->nreads++;
}

void history_read_observed(struct history *h, uint32_t read_id, int64_t end)
{
	if (read_id < h->nreads) {
		h->reads[read_id].key |= HIST_READ_OBSERVED;
		h->reads[read_id].end = end;
	}
}

void history_final(struct history *h, uint32_t key, const uint32_t *state, uint32_t n)
{
	h->last_snap[key] = HIST_NONE; /* a fresh snapshot, not a read's */
	h->final[key] = snapshot(h, key, state, n);
	h->last_snap[key] = HIST_NONE;
}

const uint32_t *history_state(const struct history *h, uint32_t ref, uint32_t *n,
			      uint32_t *scratch)
{
	if (ref == HIST_NONE) {
		*n = 0;
		return scratch;
	}
	if (ref & HIST_SNAP) {
		const uint32_t *s = h->snap + (ref & ~HIST_SNAP);
		*n = s[0];
		return s + 1;
	}
	*n = 1;
	*scratch = ref;
	return scratch;
}

uint64_t history_effects(const struct history *h, uint32_t v)
{
	if (v == HIST_NONE)
		return 0;
	uint8_t *seen = calloc(h->nversions, 1);
	uint32_t *stack = malloc(h->nversions * sizeof(*stack));
	uint64_t count = 0;
	if (!seen || !stack)
		goto out;
	size_t top = 0;
	stack[top++] = v;
	seen[v] = 1;
	while (top) {
		uint32_t x = stack[--top];
		count++;
		uint32_t np;
		const uint32_t *p = history_includes(h, x, &np);
		for (uint32_t i = 0; i < np; i++)
			if (!seen[p[i]]) {
				seen[p[i]] = 1;
				stack[top++] = p[i];
			}
	}
out:
	free(seen);
	free(stack);
	return count;
}

size_t history_bytes(const struct history *h)
{
	return (size_t)h->cap * (sizeof(*h->parent) + sizeof(*h->ack) + sizeof(*h->flags) +
				 sizeof(*h->writer)) +
	       h->extracap * sizeof(*h->extra) + h->readcap * sizeof(*h->reads) +
	       h->snapcap * sizeof(*h->snap) +
	       (size_t)h->nkeys * (sizeof(*h->key_flags) + 2 * sizeof(uint32_t));
}
