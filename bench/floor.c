/*
 * floor.c - the floor the simulator is measured against: the benchmark's
 * peer model (bench/peer.py) as a bare C loop.
 *
 * 50 closed-loop clients doing version-checked increments on 100 keys:
 * think Exp(5 ms), one-way latency Exp(0.5 ms), no compute time, backoff
 * Exp(1 ms), 10 retries.  Two events per operation, the two that touch
 * shared state: the read at the store and the write at the store.  The
 * reply, the think time and the next request are folded into the delay
 * to the next event of the client.  Its own binary heap of (time, client),
 * xoshiro256** and -mean log(1 - u) for the exponential, no history, no
 * checker, no messages, no histograms: what a run costs when nothing but
 * the model is done.
 */
#include "bench/floor.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

enum { CLIENTS = 50, KEYS = 100, RETRIES = 10 };

struct ev {
	double time;
	uint32_t client;
};

struct floor_client {
	uint64_t s[4];	  /* xoshiro256** */
	double begin;	  /* the operation's issue */
	uint32_t key, seen, attempt;
	int at_write;	  /* the next event is the write, else the read */
};

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static double uniform(struct floor_client *c)
{
	uint64_t *s = c->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9, t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return (double)(result >> 11) * 0x1.0p-53;
}

static double expo(struct floor_client *c, double mean)
{
	return -mean * log(1.0 - uniform(c));
}

static void push(struct ev *h, size_t *n, struct ev e)
{
	size_t i = (*n)++;
	while (i > 0 && h[(i - 1) / 2].time > e.time) {
		h[i] = h[(i - 1) / 2];
		i = (i - 1) / 2;
	}
	h[i] = e;
}

static struct ev pop(struct ev *h, size_t *n)
{
	struct ev top = h[0], last = h[--*n];
	size_t i = 0;
	for (;;) {
		size_t c = 2 * i + 1;
		if (c >= *n)
			break;
		if (c + 1 < *n && h[c + 1].time < h[c].time)
			c++;
		if (h[c].time >= last.time)
			break;
		h[i] = h[c];
		i = c;
	}
	h[i] = last;
	return top;
}

/* The next operation of client i: think, then the read at the store. */
static void issue(struct floor_client *c, struct ev *h, size_t *n, uint32_t i, double now)
{
	double at = now + expo(c, 5.0);
	c->begin = at;
	c->key = (uint32_t)(uniform(c) * KEYS);
	c->attempt = 0;
	c->at_write = 0;
	push(h, n, (struct ev){at + expo(c, 0.5), i});
}

void floor_run(uint64_t seed, uint64_t ops, struct floor_result *out)
{
	struct floor_client cl[CLIENTS];
	uint32_t version[KEYS] = {0};
	struct ev heap[CLIENTS] = {{0}};
	size_t n = 0;
	uint64_t issued = 0, done = 0, attempts = 0, conflicts = 0, events = 0;
	double lat_sum = 0;
	memset(out, 0, sizeof(*out));
	for (uint32_t i = 0; i < CLIENTS; i++) {
		uint64_t x = seed * 1000003 + i;
		for (int j = 0; j < 4; j++) {
			uint64_t z = (x += 0x9e3779b97f4a7c15ULL);
			z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
			z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
			cl[i].s[j] = z ^ (z >> 31);
		}
		issue(&cl[i], heap, &n, i, 0);
		issued++;
	}
	while (n > 0) {
		struct ev e = pop(heap, &n);
		struct floor_client *c = &cl[e.client];
		events++;
		if (!c->at_write) {
			/* the read at the store: reply, then the write request */
			attempts++;
			c->seen = version[c->key];
			c->at_write = 1;
			push(heap, &n, (struct ev){e.time + expo(c, 0.5) + expo(c, 0.5), e.client});
			continue;
		}
		double reply = e.time + expo(c, 0.5);
		if (version[c->key] == c->seen) {
			version[c->key]++;
			lat_sum += reply - c->begin;
			done++;
		} else {
			conflicts++;
			if (c->attempt < RETRIES) {
				c->attempt++;
				c->at_write = 0;
				push(heap, &n, (struct ev){reply + expo(c, 1.0) + expo(c, 0.5), e.client});
				continue;
			}
		}
		if (issued < ops) {
			issued++;
			issue(c, heap, &n, e.client, reply);
		}
	}
	out->ops = issued;
	out->events = events;
	out->latency_mean_ms = done ? lat_sum / (double)done : 0;
	out->conflict_rate = attempts ? (double)conflicts / (double)attempts : 0;
}
