/*
 * lineage.c - where each write was ordered.  See lineage.h.
 */
#include "models/lineage.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

void lineage_init(struct lineage *l)
{
	memset(l, 0, sizeof(*l));
}

void lineage_free(struct lineage *l)
{
	free(l->seq);
	free(l->term);
	free(l->counted);
	free(l->forks);
	lineage_init(l);
}

static int grow(struct lineage *l, uint32_t v)
{
	uint32_t cap = l->cap ? l->cap : 256;
	while (cap <= v)
		cap *= 2;
	uint64_t *s = realloc(l->seq, cap * sizeof(*s));
	if (!s)
		return -ENOMEM;
	l->seq = s;
	uint64_t *t = realloc(l->term, cap * sizeof(*t));
	if (!t)
		return -ENOMEM;
	l->term = t;
	uint8_t *c = realloc(l->counted, cap);
	if (!c)
		return -ENOMEM;
	l->counted = c;
	memset(l->seq + l->cap, 0, (cap - l->cap) * sizeof(*s));
	memset(l->term + l->cap, 0, (cap - l->cap) * sizeof(*t));
	memset(l->counted + l->cap, 0, cap - l->cap);
	l->cap = cap;
	return 0;
}

int lineage_note(struct lineage *l, uint32_t v, uint64_t seq, uint64_t term)
{
	if (v >= l->cap && grow(l, v) < 0)
		return -ENOMEM;
	l->seq[v] = seq;
	l->term[v] = term;
	return 0;
}

int lineage_fork(struct lineage *l, uint32_t part, uint64_t term, uint64_t seq)
{
	if (l->nforks == l->forkcap) {
		uint32_t cap = l->forkcap ? l->forkcap * 2 : 8;
		struct lineage_fork *f = realloc(l->forks, cap * sizeof(*f));
		if (!f)
			return -ENOMEM;
		l->forks = f;
		l->forkcap = cap;
	}
	l->forks[l->nforks++] = (struct lineage_fork){.part = part, .term = term, .seq = seq};
	return 0;
}

bool lineage_truncated(const struct lineage *l, uint32_t part, uint64_t term, uint32_t v)
{
	if (v >= l->cap || l->term[v] == 0 || l->term[v] >= term)
		return false;
	for (uint32_t i = 0; i < l->nforks; i++)
		if (l->forks[i].part == part && l->forks[i].term == term)
			return l->seq[v] > l->forks[i].seq;
	return false;
}

bool lineage_count(struct lineage *l, uint32_t v)
{
	if (v >= l->cap || l->counted[v])
		return false;
	l->counted[v] = 1;
	return true;
}

uint64_t lineage_seq(const struct lineage *l, uint32_t v)
{
	return v < l->cap ? l->seq[v] : 0;
}

uint64_t lineage_term(const struct lineage *l, uint32_t v)
{
	return v < l->cap ? l->term[v] : 0;
}
