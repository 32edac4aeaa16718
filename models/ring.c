/*
 * ring.c - the placement ring.  See ring.h.
 */
#include "models/ring.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* A 64-bit mix (splitmix64's finaliser): positions spread evenly. */
static uint64_t mix(uint64_t z)
{
	z += 0x9e3779b97f4a7c15ULL;
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t key_pos(uint32_t key)
{
	return mix(0x6b6579ULL << 32 | key); /* "key" */
}

struct slot {
	uint64_t pos;
	uint32_t node;
};

static int by_pos(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;
	if (x->pos != y->pos)
		return x->pos < y->pos ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

int ring_init(struct ring *r, uint32_t nodes, uint32_t vnodes, uint32_t n)
{
	memset(r, 0, sizeof(*r));
	r->nodes = nodes ? nodes : 1;
	r->n = n < 1 ? 1 : n > r->nodes ? r->nodes : n;
	r->npos = r->nodes * (vnodes ? vnodes : 1);
	struct slot *s = malloc(r->npos * sizeof(*s));
	r->pos = malloc(r->npos * sizeof(*r->pos));
	r->pref = malloc((size_t)r->npos * r->n * sizeof(*r->pref));
	if (!s || !r->pos || !r->pref) {
		free(s);
		ring_free(r);
		return -ENOMEM;
	}
	uint32_t k = 0;
	for (uint32_t node = 0; node < r->nodes; node++)
		for (uint32_t v = 0; v < r->npos / r->nodes; v++)
			s[k++] = (struct slot){mix((uint64_t)node << 32 | v), node};
	qsort(s, r->npos, sizeof(*s), by_pos);
	for (uint32_t i = 0; i < r->npos; i++)
		r->pos[i] = s[i].pos;
	/* partition i holds the keys in (pos[i-1], pos[i]]: its list starts at
	 * position i and walks clockwise, skipping nodes already listed */
	for (uint32_t p = 0; p < r->npos; p++) {
		uint16_t *list = &r->pref[(uint64_t)p * r->n];
		uint32_t got = 0;
		for (uint32_t step = 0; step < r->npos && got < r->n; step++) {
			uint32_t node = s[(p + step) % r->npos].node;
			bool dup = false;
			for (uint32_t q = 0; q < got; q++)
				dup = dup || list[q] == node;
			if (!dup)
				list[got++] = (uint16_t)node;
		}
	}
	free(s);
	return 0;
}

void ring_free(struct ring *r)
{
	free(r->pos);
	free(r->pref);
	r->pos = NULL;
	r->pref = NULL;
}

uint32_t ring_partitions(const struct ring *r)
{
	return r->npos;
}

uint32_t ring_partition(const struct ring *r, uint32_t key)
{
	uint64_t x = key_pos(key);
	/* the first position at or after x, wrapping to 0 */
	uint32_t lo = 0, hi = r->npos;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (r->pos[mid] < x)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo == r->npos ? 0 : lo;
}
