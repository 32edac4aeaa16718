/*
 * node.c - a store node: FIFO service, serving with the policy, ground
 * truth of state changes and reads.  See node.h.
 */
#include "models/node.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/fault.h"
#include "models/world.h"
#include "sim/core/rng.h"

int node_init(struct node *n, struct world *w, uint32_t index)
{
	const struct run_config *cfg = w->cfg;
	memset(n, 0, sizeof(*n));
	n->ep.id = EP_ID(EP_NODE, index);
	n->w = w;
	n->index = index;
	clock_init(&n->clock, cfg, rng_stream_seed(cfg->seed, RNG_NODE, index, RNG_CLOCK), NULL);
	n->instant = dist_is_const(&cfg->service) && cfg->service.a <= 0;
	n->written = HIST_NONE;
	n->timer_free = UINT32_MAX;
	return 0;
}

void node_free(struct node *n)
{
	free(n->old);
	n->old = NULL;
	defer_free(&n->deferred, &n->w->msgs);
	free(n->timers);
	n->timers = NULL;
}

size_t node_bytes(const struct node *n)
{
	return sizeof(*n) + (size_t)n->oldcap * sizeof(*n->old);
}

void *node_key_state(struct node *n, uint32_t key)
{
	struct world *w = n->w;
	if (n->service)
		return w->svc_keys + (size_t)key * w->kss;
	if (n->proxy)
		return NULL;
	if (w->ncopies == 1)
		return world_replica(w, key, 0) == n->index ? world_copy(w, key, 0) : NULL;
	uint32_t j = world_replica_index(w, key, n->index);
	return j == UINT32_MAX ? NULL : world_copy(w, key, j);
}

/* ---- services for policies ---- */

uint32_t node_index(const struct node *n)
{
	return n->index;
}

int64_t node_now(const struct node *n)
{
	return kernel_now(n->w->k);
}

int64_t node_clock(struct node *n)
{
	return clock_read(&n->clock, kernel_now(n->w->k));
}

int64_t node_true_duration(const struct node *n, int64_t local)
{
	return clock_true_duration(&n->clock, local);
}

const void *node_opts(const struct node *n)
{
	return n->w->popts;
}

bool node_is_service(const struct node *n)
{
	return n->service;
}

const void *node_service_state(const struct node *n, uint32_t key)
{
	const struct world *w = n->w;
	return w->svc_keys ? w->svc_keys + (size_t)key * w->kss : NULL;
}

void *node_run_state(struct node *n)
{
	return n->w->run_state;
}

uint32_t node_actor(const struct node *n)
{
	return n->service ? TRACE_SERVICE : TRACE_NODE(n->index);
}

bool node_tracing(const struct node *n)
{
	return world_tracing(n->w);
}

void node_trace(struct node *n, const struct msg *m, unsigned ev, int64_t value, int64_t aux)
{
	node_trace_text(n, m, ev, value, aux, NULL);
}

void node_trace_text(struct node *n, const struct msg *m, unsigned ev, int64_t value, int64_t aux,
		     const char *detail)
{
	if (!node_tracing(n))
		return;
	world_trace_text(n->w, node_actor(n), m->op_id, m->key, m->kind, ev, m->version,
			 value, aux, detail);
}

void node_trace_key(struct node *n, uint32_t key, uint64_t op_id, unsigned ev, int64_t aux)
{
	if (!node_tracing(n))
		return;
	world_trace(n->w, node_actor(n), op_id, key, 0, ev, HIST_NONE, -1, aux);
}

void node_trace2(struct node *n, const struct msg *m, unsigned ev, int64_t value, int64_t aux,
		 uint32_t aux2, const char *detail)
{
	if (!node_tracing(n))
		return;
	struct world *w = n->w;
	struct trace_row row = {
		.time = kernel_now(w->k),
		.op = m->op_id,
		.actor = node_actor(n),
		.key = m->key,
		.version = m->version,
		.event = (uint16_t)ev,
		.kind = m->kind,
		.value = value,
		.aux = aux,
		.aux2 = aux2,
		.detail = detail ? record_text(w->rec, detail) : TRACE_NO_DETAIL,
	};
	record_trace(w->rec, &row);
}

uint64_t node_seq_no(struct node *n, struct msg *m)
{
	return repl_order(n->w->repl, n, m);
}

uint64_t node_term(const struct node *n, uint32_t key)
{
	if (n->service)
		return 1; /* the service has no primary */
	return repl_term(n->w->repl, n, key);
}

static uint32_t new_version(struct node *n, struct msg *m, bool applied)
{
	uint32_t v = history_version(n->w->hist, m->key, op_is_rmw(m->kind), applied,
				     parents_ids(&m->parents), m->parents.n, m->client);
	if (v == HIST_NONE)
		n->w->failed = -ENOMEM;
	return v;
}

/* Remembers the versions ks holds now, before it changes. */
static int snapshot_old(struct node *n, const void *ks)
{
	const uint32_t *cur;
	uint32_t k = policy_state(n->w->policy, ks, &cur);
	if (k > n->oldcap) {
		uint32_t cap = k * 2;
		uint32_t *old = realloc(n->old, cap * sizeof(*old));
		if (!old) {
			n->w->failed = -ENOMEM;
			return -ENOMEM;
		}
		n->old = old;
		n->oldcap = cap;
	}
	if (k)
		memcpy(n->old, cur, k * sizeof(*cur));
	n->nold = k;
	return 0;
}

/* The key state a policy's call about m concerns: the scratch copy being
 * served, or the node's copy of m's key (a lock granted from a timer is
 * about its own key, whatever was served last). */
static void *ks_of(struct node *n, const struct msg *m)
{
	return n->scratch ? n->serving_ks : node_key_state(n, m->key);
}

uint32_t node_apply(struct node *n, struct msg *m)
{
	if (!n->scratch && snapshot_old(n, ks_of(n, m)) < 0)
		return HIST_NONE;
	n->written = new_version(n, m, true);
	return n->written;
}

uint32_t node_discard(struct node *n, struct msg *m)
{
	return new_version(n, m, false);
}

void node_fail(struct node *n)
{
	world_fail(n->w);
}

void node_drop(struct node *n, struct msg *m)
{
	msg_free(&n->w->msgs, m);
}

/* ---- timers ---- */

/* Kernel event: policy timer record `slot` is due. */
static void timer_fire(struct kernel *k, void *node, uint64_t slot)
{
	struct node *n = node;
	struct node_timer_rec *t = &n->timers[slot];
	kernel_fn *fn = t->fn;
	uint64_t arg = t->arg;
	t->gen = t->gen == UINT32_MAX ? 1 : t->gen + 1;
	t->ev = KERNEL_NO_EVENT;
	t->next_free = n->timer_free;
	n->timer_free = (uint32_t)slot;
	if (node_paused(n)) {
		if (defer_push(&n->deferred, fn, n, arg, false) < 0)
			world_fail(n->w);
		return;
	}
	fn(k, n, arg);
}

static kernel_handle timer_new(struct node *n, int64_t delay, int64_t local_deadline,
			       kernel_fn *fn, uint64_t arg)
{
	uint32_t slot;
	if (n->timer_free != UINT32_MAX && n->timercap) {
		slot = n->timer_free;
		n->timer_free = n->timers[slot].next_free;
	} else {
		if (n->ntimers == n->timercap) {
			uint32_t cap = n->timercap ? n->timercap * 2 : 16;
			struct node_timer_rec *t = realloc(n->timers, cap * sizeof(*t));
			if (!t) {
				world_fail(n->w);
				return KERNEL_NO_EVENT + 1;
			}
			n->timers = t;
			n->timercap = cap;
		}
		slot = n->ntimers++;
		n->timers[slot].gen = 1;
	}
	struct node_timer_rec *t = &n->timers[slot];
	t->fn = fn;
	t->arg = arg;
	t->local_deadline = local_deadline;
	t->ev = kernel_schedule(n->w->k, delay, timer_fire, n, slot);
	return (uint64_t)t->gen << 32 | slot;
}

kernel_handle node_timer(struct node *n, int64_t delay, kernel_fn *fn, uint64_t arg)
{
	return timer_new(n, delay, INT64_MIN, fn, arg);
}

kernel_handle node_timer_local(struct node *n, int64_t local, kernel_fn *fn, uint64_t arg)
{
	return timer_new(n, clock_true_duration(&n->clock, local), node_clock(n) + local, fn, arg);
}

/* The live record a handle names, or NULL. */
static struct node_timer_rec *timer_of(struct node *n, kernel_handle h)
{
	uint32_t slot = (uint32_t)h;
	if (h == KERNEL_NO_EVENT || slot >= n->ntimers || n->timers[slot].gen != (uint32_t)(h >> 32) ||
	    n->timers[slot].ev == KERNEL_NO_EVENT)
		return NULL;
	return &n->timers[slot];
}

bool node_cancel_timer(struct node *n, kernel_handle h)
{
	struct node_timer_rec *t = timer_of(n, h);
	if (!t)
		return false;
	kernel_cancel(n->w->k, t->ev);
	t->ev = KERNEL_NO_EVENT;
	t->gen = t->gen == UINT32_MAX ? 1 : t->gen + 1;
	t->next_free = n->timer_free;
	n->timer_free = (uint32_t)(t - n->timers);
	return true;
}

void node_reply(struct node *n, struct msg *m, enum reply_status st)
{
	struct world *w = n->w;
	m->status = (uint8_t)st;
	if (m->type == MSG_READ) {
		m->type = MSG_READ_REPLY;
		m->step = STEP_READ_REPLY;
		if (st == ST_OK) {
			const uint32_t *vs;
			uint32_t k = policy_state(w->policy, ks_of(n, m), &vs);
			m->nversions = k;
			m->version = k == 1 ? vs[0] : HIST_NONE;
			if (op_is_read(m->kind))
				m->read_id = history_read(w->hist, m->key, m->begin, m->client, vs, k);
			n->stats.read_replies++;
			n->stats.siblings_sum += k;
			if (k > n->stats.siblings_max)
				n->stats.siblings_max = k;
			if (node_tracing(n) && !n->service) { /* a service's reply is its grant */
				char carried[160];
				policy_trace_msg(w->policy, w->popts, m, carried, sizeof(carried));
				node_trace_text(n, m, TR_READ, m->value, k, carried);
			}
		}
	} else if (m->type == MSG_WRITE) {
		m->type = MSG_WRITE_REPLY;
		m->step = STEP_WRITE_REPLY;
	}
	if (n->service) /* the lock service answers its clients itself */
		net_send(w, m, n->ep.id, EP_ID(EP_CLIENT, m->client));
	else
		repl_answered(w->repl, n, m, st);
}

/* ---- serving ---- */

void node_serve(struct node *n, void *ks, bool scratch, struct msg *m)
{
	struct world *w = n->w;
	const struct policy *p = w->policy;
	n->serving_ks = ks;
	n->scratch = scratch;
	switch (m->type) {
	case MSG_READ:
		policy_serve_read(p, n, ks, m);
		break;
	case MSG_WRITE: {
		uint32_t key = m->key;
		n->written = HIST_NONE;
		policy_serve_write(p, n, ks, m); /* m may be gone now */
		if (n->written != HIST_NONE && !scratch) {
			const uint32_t *now;
			uint32_t k = policy_state(p, ks, &now);
			history_state_change(w->hist, key, n->old, n->nold, now, k, n->written);
		}
		n->written = HIST_NONE;
		break;
	}
	case MSG_CANCEL:
		policy_serve_cancel(p, n, ks, m);
		break;
	default:
		node_drop(n, m);
		break;
	}
	n->scratch = false;
}

int node_restore(struct node *n, uint32_t key, void *ks, const void *copy)
{
	struct world *w = n->w;
	const struct policy *p = w->policy;
	if (!n->service && snapshot_old(n, ks) < 0)
		return -ENOMEM;
	policy_key_free(p, n, ks);
	memset(ks, 0, w->kss);
	policy_key_init(p, ks, w->popts);
	n->serving_ks = ks;
	int rc = copy ? policy_merge(p, n, ks, copy) : 0;
	if (rc < 0) {
		world_fail(w);
		return rc;
	}
	if (n->service)
		return 0; /* the lock service holds no version */
	const uint32_t *now;
	uint32_t k = policy_state(p, ks, &now);
	history_state_change(w->hist, key, n->old, n->nold, now, k, HIST_NONE);
	return 0;
}

int node_install(struct node *n, uint32_t key, void *ks, const void *copy)
{
	return node_restore(n, key, ks, copy);
}

int node_install_bundle(struct node *n, const struct bundle *b,
			void (*dropped)(struct node *n, uint32_t key, uint32_t v, void *arg), void *arg)
{
	struct world *w = n->w;
	size_t cs = policy_copy_size(w->policy);
	for (uint32_t i = 0; i < b->n; i++) {
		uint32_t key = b->keys[i];
		void *ks = node_key_state(n, key);
		if (!ks)
			continue;
		const uint32_t *before, *after;
		uint32_t nb = policy_state(w->policy, ks, &before);
		uint32_t *old = malloc((nb ? nb : 1) * sizeof(*old));
		if (!old) {
			world_fail(w);
			return -ENOMEM;
		}
		if (nb)
			memcpy(old, before, nb * sizeof(*old));
		int rc = node_install(n, key, ks, b->copies + i * cs);
		uint32_t na = rc < 0 ? 0 : policy_state(w->policy, ks, &after);
		for (uint32_t a = 0; a < nb && rc == 0; a++) {
			bool kept = false;
			for (uint32_t q = 0; q < na && !kept; q++)
				kept = after[q] == old[a];
			if (!kept)
				dropped(n, key, old[a], arg);
		}
		free(old);
		if (rc < 0)
			return rc;
	}
	return 0;
}

int node_merge(struct node *n, uint32_t key, void *ks, const void *copy)
{
	struct world *w = n->w;
	const struct policy *p = w->policy;
	if (snapshot_old(n, ks) < 0)
		return -ENOMEM;
	n->serving_ks = ks;
	int rc = policy_merge(p, n, ks, copy);
	if (rc < 0) {
		world_fail(w);
		return rc;
	}
	const uint32_t *now;
	uint32_t k = policy_state(p, ks, &now);
	history_state_change(w->hist, key, n->old, n->nold, now, k, HIST_NONE);
	return 0;
}

/* Kernel event: the server has finished serving message arg. */
static void node_served(struct kernel *k, void *node, uint64_t arg)
{
	(void)k;
	struct node *n = node;
	struct msg *m = (struct msg *)(uintptr_t)arg;
	if (node_paused(n)) {
		if (defer_push(&n->deferred, node_served, n, arg, true) < 0)
			world_fail(n->w);
		return;
	}
	if (m->incarnation != n->ep.incarnation || n->ep.down) {
		n->w->net.lost++; /* queued when the node crashed */
		msg_free(&n->w->msgs, m);
	} else {
		repl_serve(n->w->repl, n, m);
	}
	world_check_done(n->w);
}

/* Kernel event: a deferred arrival, now that the node runs again. */
static void receive_later(struct kernel *k, void *node, uint64_t arg)
{
	(void)k;
	node_receive(node, (struct msg *)(uintptr_t)arg);
}

/* The node serves m itself, outside any replication: the lock service. */
static void serve_alone(struct node *n, struct msg *m)
{
	void *ks = node_key_state(n, m->key);
	node_serve(n, ks, false, m);
}

void node_receive(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	if (n->ep.down) {
		w->net.lost++;
		msg_free(&w->msgs, m);
		return;
	}
	if (node_paused(n)) {
		if (defer_push(&n->deferred, receive_later, n, (uint64_t)(uintptr_t)m, true) < 0)
			world_fail(w);
		return;
	}
	if (n->service) {
		m->arrived = kernel_now(w->k);
		serve_alone(n, m);
		return;
	}
	int64_t now = kernel_now(w->k);
	m->arrived = now;
	m->incarnation = n->ep.incarnation;
	if (n->instant) {
		repl_serve(w->repl, n, m);
		return;
	}
	int64_t start = n->busy_until > now ? n->busy_until : now;
	const struct dist *d = &w->cfg->service;
	int64_t service = dist_is_const(d) ? dist_sample_ns(d, NULL)
					    : dist_keyed_ns(d, world_msg_key(w, RNG_NODE, n->index,
									   RNG_SERVICE, m));
	int64_t done = start + service;
	n->busy_until = done;
	kernel_schedule(w->k, done - now, node_served, n, (uint64_t)(uintptr_t)m);
}

/* ---- faults ---- */

bool node_paused(const struct node *n)
{
	return n->paused_until > 0;
}

void node_crash(struct node *n)
{
	struct world *w = n->w;
	if (n->ep.down)
		return;
	n->ep.down = true;
	n->ep.incarnation++;
	n->busy_until = kernel_now(w->k); /* the queue is gone: node_served drops it */
	n->paused_until = 0;
	defer_drop(&n->deferred, &w->msgs);
	coord_abandon(w, &w->coord, n->index);
	if (!n->service)
		repl_crashed(w->repl, n);
	/* each copy it holds goes back to what durability kept */
	void *copy = malloc(policy_copy_size(w->policy));
	if (!copy) {
		world_fail(w);
		return;
	}
	for (uint32_t key = 0; key < w->cfg->keys; key++) {
		void *ks = node_key_state(n, key);
		if (!ks)
			continue;
		const void *kept = fault_durable(w, n, key, ks, copy);
		node_restore(n, key, ks, kept);
		if (kept == copy)
			policy_copy_drop(w->policy, copy);
	}
	free(copy);
	/* timers a policy set outside its key states are gone too */
	for (uint32_t i = 0; i < n->ntimers; i++)
		if (n->timers[i].ev != KERNEL_NO_EVENT)
			node_cancel_timer(n, (uint64_t)n->timers[i].gen << 32 | i);
}

void node_restart(struct node *n)
{
	n->ep.down = false;
	n->busy_until = kernel_now(n->w->k);
}

void node_pause(struct node *n, int64_t until)
{
	if (!n->ep.down && until > n->paused_until)
		n->paused_until = until;
}

void node_resume(struct node *n)
{
	if (!node_paused(n) || kernel_now(n->w->k) < n->paused_until)
		return; /* not paused, or a later pause extended this one */
	n->paused_until = 0;
	/* the server did nothing meanwhile: it is free now */
	if (n->busy_until < kernel_now(n->w->k))
		n->busy_until = kernel_now(n->w->k);
	defer_run(&n->deferred, n->w->k);
}

void node_clock_jump(struct node *n, int64_t by)
{
	struct world *w = n->w;
	int64_t now = kernel_now(w->k);
	clock_jump(&n->clock, now, by);
	int64_t local = clock_read(&n->clock, now);
	for (uint32_t i = 0; i < n->ntimers; i++) {
		struct node_timer_rec *t = &n->timers[i];
		if (t->ev == KERNEL_NO_EVENT || t->local_deadline == INT64_MIN)
			continue;
		int64_t left = t->local_deadline - local;
		kernel_cancel(w->k, t->ev);
		t->ev = kernel_schedule(w->k, left > 0 ? clock_true_duration(&n->clock, left) : 0,
					timer_fire, n, i);
	}
}
