/*
 * coord.c - the pool of coordinator requests.  See coord.h.
 */
#include "models/coord.h"

#include <stdlib.h>
#include <string.h>

#include "models/world.h"
#include "sim/core/rng.h"

void coord_init(struct coord *c)
{
	memset(c, 0, sizeof(*c));
	c->free = UINT32_MAX;
}

static void release(struct world *w, struct creq *q)
{
	if (q->client) {
		msg_free(&w->msgs, q->client);
		q->client = NULL;
	}
	if (q->scratch) {
		policy_key_free(w->policy, &w->nodes[q->node], q->scratch);
		free(q->scratch);
		q->scratch = NULL;
	}
	if (q->copies) {
		size_t cs = policy_copy_size(w->policy);
		for (uint32_t j = 0; j < w->ncopies; j++)
			if (q->have[j])
				policy_copy_drop(w->policy, q->copies + j * cs);
		free(q->copies);
		free(q->have);
		q->copies = NULL;
		q->have = NULL;
	}
}

void coord_free(struct world *w, struct coord *c)
{
	for (uint32_t i = 0; i < c->n; i++)
		release(w, &c->reqs[i]);
	free(c->reqs);
	coord_init(c);
}

uint64_t coord_new(struct world *w, struct coord *c, uint32_t node, uint32_t key, bool is_read)
{
	uint32_t slot;
	if (c->free != UINT32_MAX) {
		slot = c->free;
		c->free = c->reqs[slot].next_free;
	} else {
		if (c->n == c->cap) {
			uint32_t cap = c->cap ? c->cap * 2 : 64;
			struct creq *r = realloc(c->reqs, cap * sizeof(*r));
			if (!r)
				return UINT64_MAX;
			c->reqs = r;
			c->cap = cap;
		}
		slot = c->n++;
		c->reqs[slot].gen = 1;
	}
	struct creq *q = &c->reqs[slot];
	uint32_t gen = q->gen;
	memset(q, 0, sizeof(*q));
	q->gen = gen;
	q->node = node;
	q->key = key;
	q->is_read = is_read;
	q->live = 1;
	q->op_id = UINT64_MAX;
	c->live++;
	if (is_read) {
		q->scratch = calloc(1, w->kss);
		q->copies = malloc(w->ncopies * policy_copy_size(w->policy));
		q->have = calloc(w->ncopies, 1);
		if (!q->scratch || !q->copies || !q->have) {
			coord_end(w, c, q);
			return UINT64_MAX;
		}
		policy_key_init(w->policy, q->scratch, w->popts);
	}
	return (uint64_t)q->gen << 32 | slot;
}

struct creq *coord_get(struct coord *c, uint32_t req, uint32_t gen)
{
	if (req >= c->n || c->reqs[req].gen != gen)
		return NULL;
	return &c->reqs[req];
}

void coord_end(struct world *w, struct coord *c, struct creq *q)
{
	release(w, q);
	q->live = 0;
	uint32_t slot = (uint32_t)(q - c->reqs);
	q->gen = q->gen == UINT32_MAX ? 1 : q->gen + 1;
	q->next_free = c->free;
	c->free = slot;
	c->live--;
}

void coord_abandon(struct world *w, struct coord *c, uint32_t node)
{
	for (uint32_t i = 0; i < c->n; i++) {
		struct creq *q = &c->reqs[i];
		if (q->gen != 0 && q->node == node && q->live)
			coord_end(w, c, q);
	}
}

void coord_end_all(struct world *w, struct coord *c)
{
	for (uint32_t i = 0; i < c->n; i++)
		if (c->reqs[i].live)
			coord_end(w, c, &c->reqs[i]);
}

struct msg *coord_peer(struct world *w, const struct msg *about, uint32_t key, uint8_t type,
		       enum peer_class cls, uint64_t ref, const void *ks)
{
	struct msg *p = msg_new(&w->msgs);
	if (!p) {
		world_fail(w);
		return NULL;
	}
	p->type = MSG_PEER;
	p->peer_type = type;
	p->cls = (uint8_t)cls;
	p->key = key;
	p->step = (uint16_t)(STEP_PEER + type);
	if (about) {
		p->client = about->client;
		p->op_seq = about->op_seq;
		p->attempt = about->attempt;
		p->op_id = about->op_id;
		p->kind = about->kind;
		p->begin = about->begin;
		p->version = about->version;
		p->seq_no = about->seq_no;
		p->term = about->term;
	} else {
		p->client = UINT32_MAX;
		p->op_seq = ++w->bg_msgs;
		p->op_id = UINT64_MAX;
	}
	if (ref != UINT64_MAX) {
		p->req = (uint32_t)ref;
		p->req_gen = (uint32_t)(ref >> 32);
	}
	if (ks) {
		policy_copy_export(w->policy, ks, p->ctx.bytes);
		p->flags |= MSGF_COPY;
	}
	return p;
}

struct msg *coord_bundle(struct world *w, uint32_t p, uint32_t j, uint8_t type,
			 enum peer_class cls)
{
	uint32_t nk;
	const uint32_t *keys = world_part_keys(w, p, &nk);
	if (!keys || nk == 0)
		return NULL;
	struct msg *c = coord_peer(w, NULL, keys[0], type, cls, UINT64_MAX, NULL);
	if (!c)
		return NULL;
	size_t cs = policy_copy_size(w->policy);
	c->bundle = bundle_new(nk, cs);
	if (!c->bundle) {
		msg_free(&w->msgs, c);
		world_fail(w);
		return NULL;
	}
	for (uint32_t i = 0; i < nk; i++) {
		c->bundle->keys[i] = keys[i];
		policy_copy_export(w->policy, world_copy(w, keys[i], j), c->bundle->copies + i * cs);
		c->bundle->n = i + 1;
	}
	return c;
}

uint64_t coord_sync_key(struct world *w, uint32_t key, uint32_t j, uint8_t type)
{
	uint32_t p = world_partition(w, key);
	const void *ks = world_copy(w, key, j);
	const uint32_t *a, *b;
	uint32_t na = policy_state(w->policy, ks, &a);
	uint64_t sent = 0;
	for (uint32_t q = 0; q < w->ncopies; q++) {
		uint32_t nb = policy_state(w->policy, world_copy(w, key, q), &b);
		if (q == j || (na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0)))
			continue;
		struct msg *c = coord_peer(w, NULL, key, type, PEER_WRITE, UINT64_MAX, ks);
		if (!c)
			return sent;
		net_send(w, c, EP_ID(EP_NODE, world_part_node(w, p, j)),
			 EP_ID(EP_NODE, world_part_node(w, p, q)));
		w->stats.ae_transfers++;
		sent++;
	}
	return sent;
}

void coord_take_copy(struct world *w, struct msg *m, void *dst)
{
	memcpy(dst, m->ctx.bytes, policy_copy_size(w->policy));
	memset(&m->ctx, 0, sizeof(m->ctx));
	m->flags &= (uint8_t)~MSGF_COPY;
}

uint32_t coord_draw(const struct world *w, const struct msg *m, uint32_t purpose, uint32_t n)
{
	uint64_t key = world_msg_key(w, RNG_CLIENT, m->client, 100 + purpose, m);
	struct rng_stream s;
	rng_stream_init(&s, key);
	return n > 1 ? (uint32_t)rng_below(&s.rng, n) : 0;
}
