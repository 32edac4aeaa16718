/*
 * vclock.c - version vectors: compare, join, increment, prune.
 */
#include "models/vclock.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static struct vclock *alloc(uint32_t n, int *err)
{
	struct vclock *c = malloc(sizeof(*c) + (size_t)n * sizeof(c->e[0]));
	if (!c) {
		*err = -ENOMEM;
		return NULL;
	}
	c->refs = 1;
	c->n = n;
	return c;
}

struct vclock *vclock_ref(struct vclock *c)
{
	if (c)
		c->refs++;
	return c;
}

void vclock_unref(struct vclock *c)
{
	if (c && --c->refs == 0)
		free(c);
}

uint32_t vclock_size(const struct vclock *c)
{
	return c ? c->n : 0;
}

uint32_t vclock_get(const struct vclock *c, uint32_t actor)
{
	if (!c)
		return 0;
	uint32_t lo = 0, hi = c->n;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (c->e[mid].actor < actor)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < c->n && c->e[lo].actor == actor ? c->e[lo].counter : 0;
}

bool vclock_descends(const struct vclock *a, const struct vclock *b)
{
	uint32_t nb = vclock_size(b), na = vclock_size(a);
	uint32_t i = 0;
	for (uint32_t j = 0; j < nb; j++) {
		/* walk a's sorted entries up to b's actor */
		while (i < na && a->e[i].actor < b->e[j].actor)
			i++;
		uint32_t ac = (i < na && a->e[i].actor == b->e[j].actor) ? a->e[i].counter : 0;
		if (ac < b->e[j].counter)
			return false;
	}
	return true;
}

bool vclock_equal(const struct vclock *a, const struct vclock *b)
{
	return vclock_descends(a, b) && vclock_descends(b, a);
}

bool vclock_concurrent(const struct vclock *a, const struct vclock *b)
{
	return !vclock_descends(a, b) && !vclock_descends(b, a);
}

bool vclock_covers(const struct vclock *c, uint32_t dot_actor, uint32_t dot_counter)
{
	return vclock_get(c, dot_actor) >= dot_counter;
}

struct vclock *vclock_join(const struct vclock *a, const struct vclock *b, int *err)
{
	uint32_t na = vclock_size(a), nb = vclock_size(b);
	if (na + nb == 0)
		return NULL;
	struct vclock *c = alloc(na + nb, err);
	if (!c)
		return NULL;
	uint32_t i = 0, j = 0, n = 0;
	while (i < na || j < nb) {
		if (j >= nb || (i < na && a->e[i].actor < b->e[j].actor)) {
			c->e[n++] = a->e[i++];
		} else if (i >= na || b->e[j].actor < a->e[i].actor) {
			c->e[n++] = b->e[j++];
		} else {
			const struct vc_entry *x = &a->e[i++], *y = &b->e[j++];
			struct vc_entry m = x->counter >= y->counter ? *x : *y;
			if (x->counter == y->counter && y->stamp > m.stamp)
				m.stamp = y->stamp;
			c->e[n++] = m;
		}
	}
	c->n = n;
	return c;
}

struct vclock *vclock_join_with(const struct vclock *a, const struct vclock *b, uint32_t actor,
				uint32_t counter, int64_t stamp, int *err)
{
	uint32_t na = vclock_size(a), nb = vclock_size(b);
	struct vclock *c = alloc(na + nb + 1, err);
	if (!c)
		return NULL;
	uint32_t i = 0, j = 0, n = 0;
	bool placed = false;
	while (i < na || j < nb || !placed) {
		uint32_t next = UINT32_MAX;
		if (i < na)
			next = a->e[i].actor;
		if (j < nb && b->e[j].actor < next)
			next = b->e[j].actor;
		if (!placed && actor <= next) {
			c->e[n++] = (struct vc_entry){.actor = actor, .counter = counter, .stamp = stamp};
			placed = true;
			if (actor == next) {
				if (i < na && a->e[i].actor == actor)
					i++;
				if (j < nb && b->e[j].actor == actor)
					j++;
			}
			continue;
		}
		struct vc_entry m;
		if (j >= nb || (i < na && a->e[i].actor < b->e[j].actor)) {
			m = a->e[i++];
		} else if (i >= na || b->e[j].actor < a->e[i].actor) {
			m = b->e[j++];
		} else {
			const struct vc_entry *x = &a->e[i++], *y = &b->e[j++];
			m = x->counter >= y->counter ? *x : *y;
			if (x->counter == y->counter && y->stamp > m.stamp)
				m.stamp = y->stamp;
		}
		c->e[n++] = m;
	}
	c->n = n;
	return c;
}

struct vclock *vclock_with(const struct vclock *base, uint32_t actor, uint32_t counter,
			   int64_t stamp, int *err)
{
	uint32_t nb = vclock_size(base);
	struct vclock *c = alloc(nb + 1, err);
	if (!c)
		return NULL;
	uint32_t n = 0, i = 0;
	while (i < nb && base->e[i].actor < actor)
		c->e[n++] = base->e[i++];
	c->e[n++] = (struct vc_entry){.actor = actor, .counter = counter, .stamp = stamp};
	if (i < nb && base->e[i].actor == actor)
		i++;
	while (i < nb)
		c->e[n++] = base->e[i++];
	c->n = n;
	return c;
}

static int by_stamp(const void *x, const void *y)
{
	const struct vc_entry *a = x, *b = y;
	if (a->stamp != b->stamp)
		return a->stamp < b->stamp ? -1 : 1;
	return a->actor < b->actor ? -1 : a->actor > b->actor;
}

static int by_actor(const void *x, const void *y)
{
	const struct vc_entry *a = x, *b = y;
	return a->actor < b->actor ? -1 : a->actor > b->actor;
}

uint32_t vclock_prune(struct vclock *c, int64_t now, const struct vclock_prune *p)
{
	if (!c || (int64_t)c->n <= p->small)
		return 0;
	qsort(c->e, c->n, sizeof(c->e[0]), by_stamp);
	uint32_t drop = 0;
	while ((int64_t)(c->n - drop) > p->small) {
		int64_t age = now - c->e[drop].stamp;
		if (age < p->young)
			break;
		if (!((int64_t)(c->n - drop) > p->big || age > p->old))
			break;
		drop++;
	}
	memmove(c->e, c->e + drop, (c->n - drop) * sizeof(c->e[0]));
	c->n -= drop;
	qsort(c->e, c->n, sizeof(c->e[0]), by_actor);
	return drop;
}

char *vclock_format(const struct vclock *c, char *buf, size_t n)
{
	uint32_t total = vclock_size(c);
	size_t at = 0;
	if (n < 8) {
		if (n)
			buf[0] = '\0';
		return buf;
	}
	buf[at++] = '{';
	for (uint32_t i = 0; i < total; i++) {
		const struct vc_entry *e = &c->e[i];
		char one[32], more[16];
		int len = snprintf(one, sizeof(one), "%s%c%u:%u", i ? "," : "",
				   e->actor & 0x80000000u ? 'n' : 'c', e->actor & 0x7fffffffu, e->counter);
		/* room for this entry and, unless it is the last, a "+N" after it */
		int tail = i + 1 < total ? snprintf(more, sizeof(more), ",+%u", total - i - 1) : 0;
		if (at + (size_t)len + (size_t)tail + 2 > n) {
			snprintf(buf + at, n - at, "%s+%u}", i ? "," : "", total - i);
			return buf;
		}
		memcpy(buf + at, one, (size_t)len);
		at += (size_t)len;
	}
	buf[at++] = '}';
	buf[at] = '\0';
	return buf;
}
