/*
 * client.c - clients and the life of an operation.
 *
 *   issue -> [read -> reply] -> [compute] -> write -> ack      (read-modify-write)
 *   issue -> read -> reply                                     (read)
 *   issue -> write -> ack                                      (put; with the lock
 *                                                               policy: acquire first)
 * With a lock service (a lock's `at: service`), a read-modify-write or a
 * put first acquires at the service, and releases there once its write is
 * acknowledged or refused (a message it does not wait for):
 *   issue -> acquire -> grant -> [read -> reply] -> [compute] -> write -> ack -> release
 * A rejection or a lock denial is a conflict: the client backs off and
 * retries the whole operation from its read, up to `retries` times, then
 * aborts.  An operation still running `timeout` after its issue fails; with
 * a policy that holds resources for it (the lock), the client tells the
 * store it gave up.  Closed-loop clients think after each operation, then
 * issue the next; open-loop clients issue at Poisson arrivals whatever is
 * in flight; scripted clients issue the listed operations at their times.
 *
 * Events about an operation carry (generation << 32 | slot): a slot is
 * reused after the operation ends, with a new generation, so timers and
 * replies that outlive their operation are recognised and dropped.
 *
 * Draws inside an operation are keyed by (client, operation number,
 * attempt), and a message's by its step too (world.h): compute times,
 * backoffs and latencies are the same for the same operation under every
 * policy.
 *
 * Running ahead.  Between a reply's arrival and the client's next message
 * (compute, then the write; or the end of the operation, then the think
 * time; or a backoff, then the read) a client touches only its own state
 * and counters whose sums do not depend on order.  Where nothing else can
 * observe the client meanwhile (world.h's conditions, and no timeout due
 * before the work is done), that work is done at once, when the reply is
 * sent, with world_now() the time it belongs to, and what it schedules is
 * born at that time (kernel_schedule_born): the same events at the same
 * times in the same order, with two to three fewer events per operation.
 * Two things do depend on when issuing stops, which a later event
 * decides: whether a success counts in the throughput window, and whether
 * the client thinks again.  An operation that ended ahead of time keeps
 * what it did in its client, and stop_issuing() takes both back if the
 * stop came first.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/world.h"
#include "sim/core/rng.h"

static uint64_t op_ref(const struct op *op, uint32_t slot)
{
	return (uint64_t)op->gen << 32 | slot;
}

/* The live operation named by ref, or NULL if it has ended. */
static struct op *op_get(struct world *w, uint64_t ref)
{
	uint32_t slot = (uint32_t)ref;
	if (slot >= w->nops || w->ops[slot].gen != (uint32_t)(ref >> 32))
		return NULL;
	return &w->ops[slot];
}

static uint32_t op_alloc(struct world *w)
{
	if (w->free_op != UINT32_MAX) {
		uint32_t slot = w->free_op;
		w->free_op = w->ops[slot].next_free;
		return slot;
	}
	if (w->nops == w->opcap) {
		uint32_t cap = w->opcap ? w->opcap * 2 : 64;
		struct op *ops = realloc(w->ops, cap * sizeof(*ops));
		if (!ops)
			return UINT32_MAX;
		w->ops = ops;
		w->opcap = cap;
	}
	w->ops[w->nops].gen = 1;
	return w->nops++;
}

static void op_release(struct world *w, uint32_t slot)
{
	struct op *op = &w->ops[slot];
	op->busy = 0;
	parents_clear(&op->st.parents);
	policy_ctx_drop(w->policy, &op->st.ctx);
	op->gen = op->gen == UINT32_MAX ? 1 : op->gen + 1;
	op->next_free = w->free_op;
	w->free_op = slot;
}

static void trace_op(struct world *w, const struct op *op, unsigned ev,
		     uint32_t version, int64_t value, int64_t aux)
{
	if (world_tracing(w))
		world_trace(w, op->client, op->id, op->key, op->kind, ev, version, value, aux);
}

/* ---- pauses and crashes ---- */

/* True if the client cannot act now: crashed (the event is dropped) or
 * paused (the event is kept until it resumes, defer.h). */
static bool held(struct world *w, uint32_t client, kernel_fn *fn, uint64_t arg, bool msg)
{
	struct client *c = &w->clients[client];
	if (c->crashed) {
		if (msg)
			msg_free(&w->msgs, (struct msg *)(uintptr_t)arg);
		return true;
	}
	if (!c->paused_until)
		return false;
	if (defer_push(&c->deferred, fn, w, arg, msg) < 0) {
		if (msg)
			msg_free(&w->msgs, (struct msg *)(uintptr_t)arg);
		world_fail(w);
	}
	return true;
}

/* ---- stopping ---- */

/* Issuing stops now (a real event: an arrival or an issue), with t_stop
 * `at`.  An operation that ended ahead of time after this event would
 * have ended with issuing stopped: outside the window, and without
 * thinking again (running ahead, in the file's comment). */
static void stop_issuing(struct world *w, int64_t at)
{
	w->stopped = true;
	w->stats.t_stop = at;
	if (!w->fuse)
		return;
	for (uint32_t i = 0; i < w->nclients; i++) {
		struct client *c = &w->clients[i];
		if (!c->ahead_end ||
		    kernel_runs_before(w->k, c->ahead_end, c->ahead_born, c->ahead_seq))
			continue;
		w->stats.ok_in_window -= c->ahead_counted;
		if (kernel_cancel(w->k, c->next_arrival)) {
			w->stats.think_count--;
			w->stats.think_sum -= (double)c->next_think;
		}
		c->ahead_end = 0;
	}
}

/* True while issuing continues: the stop condition has not been reached. */
static bool may_issue(struct world *w)
{
	if (w->stopped)
		return false;
	int64_t now = kernel_now(w->k);
	const struct run_config *cfg = w->cfg;
	if (cfg->stop_time > 0 && now >= cfg->stop_time) {
		stop_issuing(w, cfg->stop_time);
		return false;
	}
	return true;
}

/* Counts an issue; stops issuing after the last one allowed. */
static void count_issue(struct world *w)
{
	w->issued++;
	w->stats.ops++;
	if (w->cfg->stop_ops > 0 && w->issued >= w->cfg->stop_ops && w->cfg->arrival != ARRIVAL_SCRIPT)
		stop_issuing(w, kernel_now(w->k));
}

/* True if an operation ending now ends before the measurement window
 * closes: when issuing stopped (for a script: the end of the run). */
static bool in_window(const struct world *w, int64_t now)
{
	if (w->cfg->arrival == ARRIVAL_SCRIPT)
		return true;
	if (w->stopped)
		return false;
	return w->cfg->stop_time == 0 || now <= w->cfg->stop_time;
}

/* A duration drawn for one attempt of an operation, keyed by the client's
 * stream key, the operation's number and the attempt. */
static int64_t keyed_ns(const struct dist *d, uint64_t key, const struct op *op)
{
	if (dist_is_const(d))
		return dist_sample_ns(d, NULL);
	return dist_keyed_ns(d, rng_key(rng_key(key, op->seq), op->attempts));
}

/* ---- sending ---- */

static struct msg *op_msg(struct world *w, struct op *op, uint32_t slot, enum msg_type type,
			  enum msg_step step)
{
	struct msg *m = msg_new(&w->msgs);
	if (!m) {
		world_fail(w);
		return NULL;
	}
	m->type = (uint8_t)type;
	m->step = (uint16_t)step;
	m->op_seq = op->seq;
	m->attempt = op->attempts;
	m->kind = op->kind;
	m->client = op->client;
	m->key = op->key;
	m->op = slot;
	m->gen = op->gen;
	m->op_id = op->id;
	m->begin = op->begin;
	return m;
}

/* Sends a request of the operation to where the strategy routes it (to
 * the lock service: acquisitions, releases and cancels). */
static void send(struct world *w, struct msg *m)
{
	uint32_t to = w->nservices && (m->type == MSG_CANCEL || m->step == STEP_ACQUIRE)
			      ? EP_ID(EP_SERVICE, 0)
			      : repl_route(w->repl, w, m);
	net_send(w, m, EP_ID(EP_CLIENT, m->client), to);
}

/* With a lock service: the operation releases what it may hold there. */
static void release(struct world *w, struct op *op, uint32_t slot)
{
	if (!w->nservices || op->kind == OP_READ || op->kind == OP_PROBE)
		return;
	struct msg *m = op_msg(w, op, slot, MSG_CANCEL, STEP_RELEASE);
	if (m)
		send(w, m);
}

static void send_read(struct world *w, struct op *op, uint32_t slot)
{
	struct msg *m = op_msg(w, op, slot, MSG_READ, STEP_READ);
	if (!m)
		return;
	op->phase = PH_READ;
	send(w, m);
}

static void send_write(struct world *w, struct op *op, uint32_t slot)
{
	struct client *c = &w->clients[op->client];
	struct msg *m = op_msg(w, op, slot, MSG_WRITE, STEP_WRITE);
	if (!m)
		return;
	op->phase = PH_WRITE;
	op->st.local_now = clock_read(&c->clock, world_now(w));
	op->st.seq = ++c->write_seq;
	policy_client_write(w->policy, w->popts, &op->st, m);
	if (world_tracing(w)) {
		char carried[160];
		policy_trace_msg(w->policy, w->popts, m, carried, sizeof(carried));
		world_trace_text(w, op->client, op->id, op->key, op->kind, TR_WRITE, HIST_NONE,
				 m->value, 0, carried);
	}
	send(w, m);
}

/* A blind write: nothing read, nothing carried. */
static void prepare_put(struct op *op)
{
	parents_clear(&op->st.parents);
	op->st.value = 1;
}

static void start_attempt(struct world *w, struct op *op, uint32_t slot)
{
	op->attempts++;
	w->stats.attempts++;
	if (w->nservices && op->kind != OP_READ && op->kind != OP_PROBE) {
		struct msg *m = op_msg(w, op, slot, MSG_READ, STEP_ACQUIRE);
		if (!m)
			return;
		op->phase = PH_ACQUIRE;
		send(w, m);
	} else if (op->kind == OP_PUT && !w->policy->put_reads) {
		prepare_put(op);
		send_write(w, op, slot);
	} else {
		send_read(w, op, slot);
	}
}

/* ---- ending ---- */

static void schedule_issue(struct world *w, uint32_t client);

static void op_end(struct world *w, uint32_t slot, enum op_status status)
{
	struct op *op = &w->ops[slot];
	int64_t now = world_now(w);
	const struct run_config *cfg = w->cfg;
	bool counted = false;
	kernel_cancel(w->k, op->timeout);
	bool probe = op->kind == OP_PROBE;
	w->live_ops--;
	switch (probe ? OPST_NKINDS : status) {
	case OPST_NKINDS:
		/* a probe: its latency kept apart, and outside the counts of
		 * operations, so that probing changes no other metric */
		if (status == OPST_OK && op->begin >= cfg->warmup)
			histo_add(&w->stats.latency[OP_PROBE], now - op->begin);
		trace_op(w, op, status == OPST_OK ? TR_DONE : TR_TIMEOUT, op->version, -1,
			 now - op->begin);
		break;
	case OPST_OK: {
		w->stats.ops_ok++;
		if (op->begin >= cfg->warmup) {
			int64_t lat = now - op->begin;
			histo_add(&w->stats.latency[op->kind], lat);
			histo_add(&w->stats.latency[OP_NKINDS], lat);
		}
		/* throughput counts the completions inside the window, whenever
		 * they were issued: counting only those issued after warmup
		 * would miss the ones in flight at warmup */
		if (now >= cfg->warmup && in_window(w, now)) {
			w->stats.ok_in_window++;
			counted = true;
		}
		trace_op(w, op, TR_DONE, op->version, -1, now - op->begin);
		break;
	}
	case OPST_ABORTED:
		w->stats.ops_aborted++;
		trace_op(w, op, TR_ABORT, HIST_NONE, -1, op->attempts);
		break;
	case OPST_FAILED:
		w->stats.ops_failed++;
		trace_op(w, op, TR_TIMEOUT, HIST_NONE, -1, op->attempts);
		break;
	}
	if (w->rec && cfg->record_ops) {
		struct op_row row = {
			.id = op->id,
			.begin = op->begin,
			.end = now,
			.client = op->client,
			.key = op->key,
			.version = status == OPST_OK ? op->version : HIST_NONE,
			.attempts = op->attempts,
			.kind = op->kind,
			.status = (uint8_t)status,
		};
		record_op(w->rec, &row);
	}
	uint32_t client = op->client;
	op_release(w, slot);
	struct client *c = &w->clients[client];
	if (w->ahead) {
		c->ahead_end = now;
		c->ahead_born = w->ahead_born;
		c->ahead_seq = w->ahead_seq;
		c->ahead_counted = counted;
		c->next_arrival = KERNEL_NO_EVENT;
	} else {
		c->ahead_end = 0;
	}
	if (cfg->arrival == ARRIVAL_CLOSED && !probe)
		schedule_issue(w, client);
	world_check_done(w);
}

/* True if op's client may do its work up to time `at` now, ahead of time:
 * the world allows it and the operation's timeout is due after it (a
 * timeout due at the same instant runs first: it was scheduled first). */
static bool may_run_ahead(const struct world *w, const struct op *op, int64_t at)
{
	/* never past KERNEL_TIME_MAX: there the kernel refuses the event, and
	 * time run ahead stays where int64 arithmetic cannot overflow */
	return w->fuse && op->timeout_at > at && at <= KERNEL_TIME_MAX;
}

bool client_may_run_ahead(struct world *w, const struct msg *m, int64_t at)
{
	const struct op *op = op_get(w, (uint64_t)m->gen << 32 | m->op);
	return op && m->client == op->client && may_run_ahead(w, op, at);
}

/* Runs fn for the operation `delay` from now: at once, ahead of time,
 * when nothing can observe its client meanwhile; else as an event. */
static void after(struct world *w, struct op *op, uint32_t slot, int64_t delay, kernel_fn *fn)
{
	int64_t at = world_now(w) + delay;
	if (!may_run_ahead(w, op, at)) {
		world_schedule(w, delay, fn, w, op_ref(op, slot));
		return;
	}
	bool was = w->ahead;
	int64_t then = w->vnow;
	w->ahead = true;
	w->vnow = at;
	if (at > w->t_last)
		w->t_last = at;
	fn(w->k, w, op_ref(op, slot));
	w->ahead = was;
	w->vnow = then;
}

/* Kernel event: the backoff before a retry is over. */
static void retry_due(struct kernel *k, void *world, uint64_t ref)
{
	(void)k;
	struct world *w = world;
	struct op *op = op_get(w, ref);
	if (op && !held(w, op->client, retry_due, ref, false))
		start_attempt(w, op, (uint32_t)ref);
}

static void conflict(struct world *w, struct op *op, uint32_t slot)
{
	if (op->phase == PH_WRITE)
		release(w, op, slot);
	w->stats.conflicts++;
	trace_op(w, op, TR_CONFLICT, HIST_NONE, -1, op->attempts);
	if (op->attempts > w->cfg->retries) {
		op_end(w, slot, OPST_ABORTED);
		return;
	}
	struct client *c = &w->clients[op->client];
	int64_t wait = keyed_ns(&w->cfg->backoff, c->retry_key, op);
	op->phase = PH_BACKOFF;
	trace_op(w, op, TR_BACKOFF, HIST_NONE, -1, wait);
	after(w, op, slot, wait, retry_due);
}

/* Kernel event: the operation has run for `timeout`. */
static void timeout_due(struct kernel *k, void *world, uint64_t ref)
{
	(void)k;
	struct world *w = world;
	struct op *op = op_get(w, ref);
	if (!op)
		return;
	op->timeout = KERNEL_NO_EVENT;
	if (held(w, op->client, timeout_due, ref, false))
		return;
	uint32_t slot = (uint32_t)ref;
	if (w->policy->serve_cancel) {
		struct msg *m = op_msg(w, op, slot, MSG_CANCEL, STEP_CANCEL);
		if (m)
			send(w, m);
	}
	op_end(w, slot, OPST_FAILED);
}

/* ---- replies ---- */

/* Kernel event: compute time over, send the write. */
static void compute_done(struct kernel *k, void *world, uint64_t ref)
{
	(void)k;
	struct world *w = world;
	struct op *op = op_get(w, ref);
	if (op && !held(w, op->client, compute_done, ref, false))
		send_write(w, op, (uint32_t)ref);
}

static void got_read(struct world *w, struct op *op, uint32_t slot, struct msg *m)
{
	if (m->status != ST_OK) {
		conflict(w, op, slot);
		return;
	}
	trace_op(w, op, TR_GOT, m->version, m->value, m->nversions);
	if (op_is_read(op->kind)) {
		w->stats.reads_ok++;
		if (m->read_id != HIST_NONE)
			history_read_observed(w->hist, m->read_id, world_now(w));
		op_end(w, slot, OPST_OK);
		return;
	}
	uint32_t nsiblings = m->nversions;
	if (policy_client_read(w->policy, w->popts, m, &op->st) < 0) {
		world_fail(w);
		return;
	}
	/* the merge's row names the one sibling it kept, if it kept one */
	if (nsiblings > 1)
		trace_op(w, op, TR_MERGE,
			 op->st.parents.n == 1 ? parents_ids(&op->st.parents)[0] : HIST_NONE, -1,
			 nsiblings);
	if (op->kind == OP_PUT) {
		prepare_put(op);
		send_write(w, op, slot);
		return;
	}
	struct client *c = &w->clients[op->client];
	int64_t compute = op->compute >= 0 ? op->compute
					   : keyed_ns(&w->cfg->compute, c->work_key, op);
	if (compute == 0) {
		send_write(w, op, slot);
		return;
	}
	op->phase = PH_COMPUTE;
	after(w, op, slot, compute, compute_done);
}

static void issue(struct world *w, uint32_t client, int kind, int64_t key, int64_t compute);

/* Kernel event: a probe of key (arg & 0xffffffff) by client (arg >> 32)
 * is due. */
static void probe_due(struct kernel *k, void *world, uint64_t arg)
{
	(void)k;
	if (!held(world, (uint32_t)(arg >> 32), probe_due, arg, false))
		issue(world, (uint32_t)(arg >> 32), OP_PROBE, (uint32_t)arg, -1);
}

static void got_write(struct world *w, struct op *op, uint32_t slot, struct msg *m)
{
	if (m->status != ST_OK) {
		conflict(w, op, slot);
		return;
	}
	int64_t now = world_now(w);
	op->version = m->version;
	if (m->version != HIST_NONE)
		history_ack(w->hist, m->version, now);
	if (op_is_rmw(op->kind))
		w->stats.writes_acked++;
	for (uint32_t i = 0; i < w->cfg->nprobe; i++)
		world_schedule(w, w->cfg->probe[i], probe_due, w, (uint64_t)op->client << 32 | op->key);
	trace_op(w, op, TR_ACK, m->version, m->value, 0);
	release(w, op, slot);
	op_end(w, slot, OPST_OK);
}

/* The lock service granted the lock (or refused it: a conflict): read,
 * or write at once for a put. */
static void got_lock(struct world *w, struct op *op, uint32_t slot, struct msg *m)
{
	if (m->status != ST_OK) {
		conflict(w, op, slot);
		return;
	}
	policy_ctx_drop(w->policy, &op->st.ctx);
	op->st.ctx = m->ctx; /* the token */
	memset(&m->ctx, 0, sizeof(m->ctx));
	if (op->kind == OP_PUT) {
		prepare_put(op);
		send_write(w, op, slot);
	} else {
		send_read(w, op, slot);
	}
}

/* Kernel event: a reply kept while the client was paused. */
static void receive_later(struct kernel *k, void *world, uint64_t arg)
{
	(void)k;
	client_receive(world, (struct msg *)(uintptr_t)arg);
}

void client_receive(struct world *w, struct msg *m)
{
	if (m->client < w->nclients && held(w, m->client, receive_later, (uint64_t)(uintptr_t)m, true))
		return;
	uint64_t ref = (uint64_t)m->gen << 32 | m->op;
	struct op *op = op_get(w, ref);
	if (op) {
		if (m->type == MSG_READ_REPLY && op->phase == PH_ACQUIRE)
			got_lock(w, op, m->op, m);
		else if (m->type == MSG_READ_REPLY && op->phase == PH_READ)
			got_read(w, op, m->op, m);
		else if (m->type == MSG_WRITE_REPLY && op->phase == PH_WRITE)
			got_write(w, op, m->op, m);
	}
	msg_free(&w->msgs, m);
}

/* ---- issuing ---- */

static uint8_t pick_kind(struct world *w, struct client *c)
{
	double u = rng_uniform(&c->choose.rng);
	for (int i = 0; i < OP_NMIX - 1; i++)
		if (u < w->mix_cum[i])
			return (uint8_t)i;
	return OP_NMIX - 1;
}

/* Starts a new operation of client c; kind and key drawn unless given. */
static void issue(struct world *w, uint32_t client, int kind, int64_t key, int64_t compute)
{
	struct client *c = &w->clients[client];
	uint32_t slot = op_alloc(w);
	if (slot == UINT32_MAX) {
		world_fail(w);
		return;
	}
	struct op *op = &w->ops[slot];
	uint32_t gen = op->gen;
	memset(op, 0, sizeof(*op));
	op->gen = gen;
	op->busy = 1;
	op->client = client;
	op->id = w->next_id++;
	/* probes number their draws apart: a policy that acknowledges more
	 * writes issues more probes, and must not shift the draws of the
	 * client's own operations */
	op->seq = kind == OP_PROBE ? PROBE_SEQ | c->probe_seq++ : c->op_seq++;
	op->begin = kernel_now(w->k);
	op->compute = compute;
	op->version = HIST_NONE;
	op->st.client = client;
	if (kind < 0) {
		/* Key before kind, both from the choice stream: the same draws
		 * whatever the policy. */
		op->key = keys_pick(&w->keys, &c->choose.rng);
		op->kind = pick_kind(w, c);
	} else {
		op->key = (uint32_t)key;
		op->kind = (uint8_t)kind;
	}
	op->st.kind = op->kind;
	w->live_ops++;
	if (op->kind != OP_PROBE)
		count_issue(w);
	trace_op(w, op, TR_ISSUE, HIST_NONE, -1, 0);
	op->timeout_at = INT64_MAX;
	if (w->cfg->timeout > 0) {
		op->timeout = kernel_schedule(w->k, w->cfg->timeout, timeout_due, w,
					      op_ref(op, slot));
		op->timeout_at = op->begin + w->cfg->timeout;
	}
	start_attempt(w, op, slot);
}

/* Kernel event: closed loop, think time over / open loop, an arrival. */
static void arrival(struct kernel *k, void *world, uint64_t client)
{
	(void)k;
	struct world *w = world;
	if (!may_issue(w)) {
		world_check_done(w); /* the stop time has passed: maybe the end */
		return;
	}
	if (held(w, (uint32_t)client, arrival, client, false))
		return;
	issue(w, (uint32_t)client, -1, 0, -1);
	if (w->cfg->arrival == ARRIVAL_OPEN)
		schedule_issue(w, (uint32_t)client);
}

static void schedule_issue(struct world *w, uint32_t client)
{
	struct client *c = &w->clients[client];
	if (w->stopped || c->crashed)
		return;
	int64_t delay;
	if (w->cfg->arrival == ARRIVAL_OPEN && w->cfg->nphases) {
		/* the rate changes at phase boundaries (phases.h): one draw of
		 * mean 1 per arrival, from the same stream */
		int64_t now = world_now(w);
		int64_t at = phases_next(w->cfg->phases, w->cfg->nphases, now,
					 dist_exponential(&c->arrive.rng, 1));
		if (at < 0)
			return; /* the rate is 0 from here on */
		delay = at - now;
	} else if (w->cfg->arrival == ARRIVAL_OPEN) {
		double gap = dist_exponential(&c->arrive.rng, 1e9 / w->cfg->rate);
		delay = gap < 4e18 ? (int64_t)(gap + 0.5) : 4000000000000000000LL; /* no overflow */
	} else {
		delay = dist_sample_ns(&w->cfg->think, &c->arrive.rng);
		w->stats.think_count++;
		w->stats.think_sum += (double)delay;
	}
	kernel_handle h = world_schedule(w, delay, arrival, w, client);
	if (w->ahead) {
		c->next_arrival = h;
		c->next_think = delay;
	}
}

/* Kernel event: scripted operation `index` is issued (now, or when its
 * client resumes). */
static void script_issue(struct kernel *k, void *world, uint64_t index)
{
	(void)k;
	struct world *w = world;
	const struct script_op *s = &w->cfg->script[index];
	if (!held(w, s->client, script_issue, index, false))
		issue(w, s->client, s->kind, s->key, s->compute);
}

/* Kernel event: the next scripted operation is due. */
static void script_due(struct kernel *k, void *world, uint64_t index)
{
	struct world *w = world;
	script_issue(k, w, index);
	if (index + 1 < w->cfg->nscript) {
		int64_t at = w->cfg->script[index + 1].at;
		int64_t now = kernel_now(k);
		kernel_schedule(k, at > now ? at - now : 0, script_due, w, index + 1);
	} else {
		w->stopped = true; /* t_stop is the end of the run: world_finish() */
	}
}

void clients_start(struct world *w)
{
	const struct run_config *cfg = w->cfg;
	if (cfg->arrival == ARRIVAL_SCRIPT) {
		if (cfg->nscript > 0)
			kernel_schedule(w->k, cfg->script[0].at, script_due, w, 0);
		return;
	}
	if (cfg->stop_ops == 0 && cfg->stop_time == 0)
		return; /* nothing to do: the loader refuses this */
	for (uint32_t i = 0; i < w->nclients; i++)
		schedule_issue(w, i);
}

int clients_new(struct world *w)
{
	const struct run_config *cfg = w->cfg;
	uint32_t n = cfg->clients;
	w->clients = calloc(n ? n : 1, sizeof(*w->clients));
	if (!w->clients)
		return -ENOMEM;
	w->nclients = n;
	w->free_op = UINT32_MAX;
	for (uint32_t i = 0; i < n; i++) {
		struct client *c = &w->clients[i];
		c->ep.id = EP_ID(EP_CLIENT, i);
		c->link_peer = EP_NONE;
		rng_stream_init(&c->arrive, rng_stream_seed(cfg->seed, RNG_CLIENT, i, RNG_ARRIVE));
		rng_stream_init(&c->choose, rng_stream_seed(cfg->seed, RNG_CLIENT, i, RNG_CHOOSE));
		c->work_key = rng_stream_seed(cfg->seed, RNG_CLIENT, i, RNG_WORK);
		c->retry_key = rng_stream_seed(cfg->seed, RNG_CLIENT, i, RNG_RETRY);
		clock_init(&c->clock, cfg, rng_stream_seed(cfg->seed, RNG_CLIENT, i, RNG_CLOCK),
			   i < cfg->noffsets ? &cfg->offsets[i] : NULL);
	}
	return 0;
}

/* ---- faults ---- */

void client_crash(struct world *w, uint32_t client)
{
	struct client *c = &w->clients[client];
	if (c->crashed)
		return;
	c->crashed = true;
	c->paused_until = 0;
	defer_drop(&c->deferred, &w->msgs);
	/* its operations end as failed; it tells no store it gave up */
	for (uint32_t slot = 0; slot < w->nops; slot++)
		if (w->ops[slot].busy && w->ops[slot].client == client)
			op_end(w, slot, OPST_FAILED);
}

void client_pause(struct world *w, uint32_t client, int64_t until)
{
	struct client *c = &w->clients[client];
	if (!c->crashed && until > c->paused_until)
		c->paused_until = until;
}

void client_resume(struct world *w, uint32_t client, bool force)
{
	struct client *c = &w->clients[client];
	if (!c->paused_until || (!force && kernel_now(w->k) < c->paused_until))
		return;
	c->paused_until = 0;
	defer_run(&c->deferred, w->k);
}

void client_clock_jump(struct world *w, uint32_t client, int64_t by)
{
	clock_jump(&w->clients[client].clock, kernel_now(w->k), by);
}

void clients_free(struct world *w)
{
	if (w->clients)
		for (uint32_t i = 0; i < w->nclients; i++)
			defer_free(&w->clients[i].deferred, &w->msgs);
	free(w->clients);
	w->clients = NULL;
	if (w->ops) {
		for (uint32_t i = 0; i < w->nops; i++) {
			parents_clear(&w->ops[i].st.parents);
			policy_ctx_drop(w->policy, &w->ops[i].st.ctx);
		}
	}
	free(w->ops);
	w->ops = NULL;
}
