/*
 * msg.c - the message pool and include-parent lists.
 */
#include "models/msg.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/policy.h"

#define CHUNK 256

void msg_pool_init(struct msg_pool *p, const struct policy *policy)
{
	memset(p, 0, sizeof(*p));
	p->policy = policy;
}

static void msg_release(struct msg_pool *p, struct msg *m);

void msg_pool_free(struct msg_pool *p)
{
	/* messages still held when a run stopped early (a guard of the
	 * kernel, an interrupt) release what they own here */
	for (uint32_t i = 0; i < p->nchunks; i++)
		for (int j = 0; j < CHUNK; j++)
			if (!(p->chunks[i][j].flags & MSGF_FREE))
				msg_release(p, &p->chunks[i][j]);
	for (uint32_t i = 0; i < p->nchunks; i++)
		free(p->chunks[i]);
	free(p->chunks);
	memset(p, 0, sizeof(*p));
}

static int pool_grow(struct msg_pool *p)
{
	if (p->nchunks == p->chunkcap) {
		uint32_t cap = p->chunkcap ? p->chunkcap * 2 : 16;
		struct msg **c = realloc(p->chunks, cap * sizeof(*c));
		if (!c)
			return -ENOMEM;
		p->chunks = c;
		p->chunkcap = cap;
	}
	struct msg *chunk = malloc(CHUNK * sizeof(*chunk));
	if (!chunk)
		return -ENOMEM;
	p->chunks[p->nchunks++] = chunk;
	for (int i = CHUNK - 1; i >= 0; i--) {
		chunk[i].flags = MSGF_FREE;
		chunk[i].next = p->free;
		p->free = &chunk[i];
	}
	return 0;
}

struct msg *msg_new(struct msg_pool *p)
{
	if (!p->free && pool_grow(p) < 0)
		return NULL;
	struct msg *m = p->free;
	p->free = m->next;
	memset(m, 0, sizeof(*m));
	m->version = HIST_NONE;
	m->read_id = HIST_NONE;
	p->live++;
	return m;
}

struct bundle *bundle_new(uint32_t n, size_t copy_size)
{
	struct bundle *b = calloc(1, sizeof(*b) + n * (sizeof(uint32_t) + copy_size) + 8);
	if (!b)
		return NULL;
	b->keys = (uint32_t *)(b + 1);
	/* the copies after the keys, aligned for the policy's structs */
	uintptr_t at = (uintptr_t)(b->keys + n);
	b->copies = (unsigned char *)((at + 7) & ~(uintptr_t)7);
	return b;
}

/* Releases what m owns: its parents, bundle and policy context. */
static void msg_release(struct msg_pool *p, struct msg *m)
{
	parents_clear(&m->parents);
	if (m->bundle) {
		size_t cs = policy_copy_size(p->policy);
		for (uint32_t i = 0; i < m->bundle->n; i++)
			policy_copy_drop(p->policy, m->bundle->copies + i * cs);
		free(m->bundle);
		m->bundle = NULL;
	}
	if (p->policy) {
		if (m->flags & MSGF_COPY)
			policy_copy_drop(p->policy, m->ctx.bytes);
		else
			policy_ctx_drop(p->policy, &m->ctx);
	}
}

void msg_free(struct msg_pool *p, struct msg *m)
{
	msg_release(p, m);
	m->flags = MSGF_FREE;
	m->next = p->free;
	p->free = m;
	p->live--;
}

int parents_set(struct parents *p, const uint32_t *ids, uint32_t n)
{
	parents_clear(p);
	if (n > 1) {
		p->ids = malloc(n * sizeof(*ids));
		if (!p->ids)
			return -ENOMEM;
		memcpy(p->ids, ids, n * sizeof(*ids));
	} else if (n == 1) {
		p->one = ids[0];
	}
	p->n = n;
	return 0;
}

void parents_move(struct parents *dst, struct parents *src)
{
	parents_clear(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

void parents_clear(struct parents *p)
{
	if (p->n > 1)
		free(p->ids);
	memset(p, 0, sizeof(*p));
}
