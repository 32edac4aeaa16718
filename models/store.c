/*
 * store.c - the store node: FIFO service, dispatch to the policy, ground
 * truth of state changes and reads.  See store.h.
 */
#include "models/store.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/world.h"
#include "sim/core/rng.h"

struct store {
	struct world *w;
	const struct policy *policy;
	const void *opts;
	unsigned char *keys; /* nkeys * kss bytes */
	size_t kss;
	void *run_state;
	struct clock clock;
	struct rng_stream service_rng;
	bool instant;	     /* service time is always 0 */
	int64_t busy_until;  /* the server is busy until then */
	/* state change in progress (between store_apply and the handler's return) */
	uint32_t *old;
	uint32_t nold, oldcap;
	uint32_t written;
	struct store_stats stats;
};

struct store *store_new(struct world *w)
{
	const struct run_config *cfg = w->cfg;
	const struct policy *p = w->policy;
	struct store *s = calloc(1, sizeof(*s));
	if (!s)
		return NULL;
	s->w = w;
	s->policy = p;
	s->opts = cfg->popts.bytes;
	s->kss = p->key_state_size ? p->key_state_size : 1;
	s->keys = calloc(cfg->keys, s->kss);
	s->run_state = calloc(1, p->run_state_size ? p->run_state_size : 1);
	if (!s->keys || !s->run_state) {
		store_free(s);
		return NULL;
	}
	rng_stream_init(&s->service_rng, rng_stream_seed(cfg->seed, RNG_NODE, 0, RNG_SERVICE));
	clock_init(&s->clock, cfg, rng_stream_seed(cfg->seed, RNG_NODE, 0, RNG_CLOCK), NULL);
	s->instant = dist_is_const(&cfg->service) && cfg->service.a <= 0;
	s->written = HIST_NONE;
	if (p->key_init)
		for (uint32_t k = 0; k < cfg->keys; k++)
			p->key_init(s->keys + (size_t)k * s->kss, s->opts);
	return s;
}

void store_free(struct store *s)
{
	if (!s)
		return;
	if (s->policy->key_free && s->keys)
		for (uint32_t k = 0; k < s->w->cfg->keys; k++)
			s->policy->key_free(s->keys + (size_t)k * s->kss);
	free(s->keys);
	free(s->run_state);
	free(s->old);
	free(s);
}

size_t store_bytes(const struct store *s)
{
	return sizeof(*s) + (size_t)s->w->cfg->keys * s->kss + s->policy->run_state_size +
	       (size_t)s->oldcap * sizeof(*s->old);
}

void *store_key_state(struct store *s, uint32_t key)
{
	return s->keys + (size_t)key * s->kss;
}

uint32_t store_state(const struct store *s, uint32_t key, const uint32_t **versions)
{
	return s->policy->state(s->keys + (size_t)key * s->kss, versions);
}

int64_t store_now(const struct store *s)
{
	return kernel_now(s->w->k);
}

int64_t store_clock(struct store *s)
{
	return clock_read(&s->clock, kernel_now(s->w->k));
}

int64_t store_true_duration(const struct store *s, int64_t local)
{
	return clock_true_duration(&s->clock, local);
}

const void *store_opts(const struct store *s)
{
	return s->opts;
}

void *store_run_state(struct store *s)
{
	return s->run_state;
}

const void *store_run_state_const(const struct store *s)
{
	return s->run_state;
}

const struct store_stats *store_stats(const struct store *s)
{
	return &s->stats;
}

bool store_tracing(const struct store *s)
{
	return s->w->rec && s->w->cfg->record_trace;
}

void store_trace(struct store *s, const struct msg *m, enum trace_event ev,
		 int64_t value, int64_t aux)
{
	if (!store_tracing(s))
		return;
	world_trace(s->w, TRACE_STORE, m->op_id, m->key, m->kind, ev, m->version, value, aux);
}

void store_trace_key(struct store *s, uint32_t key, uint64_t op_id, enum trace_event ev,
		     int64_t aux)
{
	if (!store_tracing(s))
		return;
	world_trace(s->w, TRACE_STORE, op_id, key, 0, ev, HIST_NONE, -1, aux);
}

static uint32_t new_version(struct store *s, struct msg *m, bool applied)
{
	uint32_t v = history_version(s->w->hist, m->key, op_is_rmw(m->kind), applied,
				     parents_ids(&m->parents), m->parents.n);
	if (v == HIST_NONE)
		s->w->failed = -ENOMEM;
	return v;
}

uint32_t store_apply(struct store *s, struct msg *m)
{
	const uint32_t *cur;
	uint32_t n = store_state(s, m->key, &cur);
	if (n > s->oldcap) {
		uint32_t cap = n * 2;
		uint32_t *old = realloc(s->old, cap * sizeof(*old));
		if (!old) {
			s->w->failed = -ENOMEM;
			return HIST_NONE;
		}
		s->old = old;
		s->oldcap = cap;
	}
	if (n)
		memcpy(s->old, cur, n * sizeof(*cur));
	s->nold = n;
	s->written = new_version(s, m, true);
	return s->written;
}

uint32_t store_discard(struct store *s, struct msg *m)
{
	return new_version(s, m, false);
}

void store_fail(struct store *s)
{
	s->w->failed = -ENOMEM;
	kernel_stop(s->w->k);
}

void store_drop(struct store *s, struct msg *m)
{
	msg_free(&s->w->msgs, m);
}

kernel_handle store_timer(struct store *s, int64_t delay, kernel_fn *fn, uint64_t arg)
{
	return kernel_schedule(s->w->k, delay, fn, s, arg);
}

bool store_cancel_timer(struct store *s, kernel_handle h)
{
	return kernel_cancel(s->w->k, h);
}

void store_reply(struct store *s, struct msg *m, enum reply_status st)
{
	struct world *w = s->w;
	m->status = (uint8_t)st;
	if (m->type == MSG_READ) {
		m->type = MSG_READ_REPLY;
		if (st == ST_OK) {
			const uint32_t *vs;
			uint32_t n = store_state(s, m->key, &vs);
			m->nversions = n;
			m->version = n == 1 ? vs[0] : HIST_NONE;
			if (m->kind == OP_READ)
				m->read_id = history_read(w->hist, m->key, m->begin, vs, n);
			s->stats.read_replies++;
			s->stats.siblings_sum += n;
			if (n > s->stats.siblings_max)
				s->stats.siblings_max = n;
			store_trace(s, m, TR_READ, m->value, n);
		}
	} else if (m->type == MSG_WRITE) {
		m->type = MSG_WRITE_REPLY;
	}
	net_to_client(w, m);
}

/* Hands a request to the policy. */
static void serve(struct store *s, struct msg *m)
{
	void *ks = store_key_state(s, m->key);
	switch (m->type) {
	case MSG_READ:
		s->policy->serve_read(s, ks, m);
		break;
	case MSG_WRITE: {
		uint32_t key = m->key;
		s->written = HIST_NONE;
		s->policy->serve_write(s, ks, m); /* m may be gone now */
		if (s->written != HIST_NONE) {
			const uint32_t *now;
			uint32_t n = store_state(s, key, &now);
			history_state_change(s->w->hist, key, s->old, s->nold, now, n, s->written);
			s->written = HIST_NONE;
		}
		break;
	}
	case MSG_CANCEL:
		if (s->policy->serve_cancel)
			s->policy->serve_cancel(s, ks, m);
		else
			store_drop(s, m);
		break;
	default:
		store_drop(s, m);
		break;
	}
}

/* Kernel event: the server finishes serving message arg. */
static void store_served(struct kernel *k, void *world, uint64_t arg)
{
	(void)k;
	struct world *w = world;
	serve(w->store, (struct msg *)(uintptr_t)arg);
}

void store_receive(struct kernel *k, void *world, uint64_t arg)
{
	struct world *w = world;
	struct store *s = w->store;
	struct msg *m = (struct msg *)(uintptr_t)arg;
	int64_t now = kernel_now(k);
	m->arrived = now;
	if (s->instant) {
		serve(s, m);
		return;
	}
	int64_t start = s->busy_until > now ? s->busy_until : now;
	int64_t done = start + dist_sample_ns(&w->cfg->service, &s->service_rng.rng);
	s->busy_until = done;
	kernel_schedule(k, done - now, store_served, w, arg);
}

void store_finish(struct store *s)
{
	for (uint32_t k = 0; k < s->w->cfg->keys; k++) {
		const uint32_t *vs;
		uint32_t n = store_state(s, k, &vs);
		history_final(s->w->hist, k, vs, n);
	}
}
