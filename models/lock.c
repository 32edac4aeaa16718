/*
 * lock.c - pessimistic locking with leases and fencing tokens.
 *
 * The store keeps, per key, the value, the lock holder, the holder's lease
 * and the newest fencing token issued.  A read-modify-write (or a put)
 * first sends a locking read: if the lock is free the store grants it with
 * a new token and a lease, and replies with the value; otherwise the request
 * waits in a FIFO queue (mode: wait) or is refused (mode: fail; the client
 * backs off and retries).  The write carries the token and releases the lock
 * when its writer still holds it.
 *
 * A lease runs on the store's clock.  When it expires the lock passes to the
 * next waiter, but the old holder does not know: if it is still computing,
 * its write arrives later as a zombie.  Without fencing the store applies it
 * (the client believes it holds the lock), overwriting what the next holder
 * may have read; with fencing the store rejects any write whose token is not
 * the newest issued for the key.
 *
 * scope: write - plain reads ignore the lock; readwrite - a plain read is
 * served only while the lock is free (waiting or refused like an acquire),
 * and does not hold it.
 *
 * at: store - the lock lives where the key's writes are ordered: the node
 * of `none`, the primary of `primary` (a SELECT ... FOR UPDATE).  A copy
 * (for backups) is the value and the newest token; the holder, lease and
 * queue live only where the lock is granted.  Tokens count per key, and
 * carry the primary's term in their high bits, so a token granted by an
 * old primary is older than every token of a new one (a new primary
 * counts on from the newest token it holds a copy of, which may be one a
 * zombie holder also has).
 *
 * at: service - the lock lives on a lock service of its own (ZooKeeper, a
 * Redlock set; Kleppmann 2016): an operation acquires there (a round trip),
 * reads and writes at the store, and releases there (a message it does
 * not wait for).  The lease runs on the service's clock.  The store keeps
 * the newest token it has seen per key and, with fencing, rejects a write
 * whose token is older.  Plain reads go to the store and ignore the lock.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "models/cell.h"
#include "models/config.h"
#include "models/node.h"
#include "models/policy.h"
#include "sim/core/units.h"

enum { MODE_WAIT, MODE_FAIL };
enum { SCOPE_WRITE, SCOPE_READWRITE };
enum { AT_STORE, AT_SERVICE };

struct lock_opts {
	int mode;
	int64_t lease;
	bool fencing;
	int scope;
	int at;
};

#define TOKEN_COUNT ((1ULL << 40) - 1) /* the counting bits of a token; the term above */

struct lock_key {
	struct cell cell;     /* first: state and value come from it */
	uint64_t token;	      /* holder's token; the newest issued for the key (at a store
				 whose lock is a service's: the newest seen) */
	/* not in a copy: */
	bool held;
	bool wrote; /* the holder's write reached the store (a lock service's bookkeeping) */
	uint32_t holder_client, holder_op, holder_gen;
	uint64_t holder_op_id; /* for traces */
	kernel_handle lease_timer;
	struct msg *qhead, *qtail; /* waiting requests, FIFO */
	uint32_t qlen;
};

struct lock_ctx {
	uint64_t token;
};
_Static_assert(sizeof(struct lock_ctx) <= sizeof(union policy_ctx), "ctx too big");

struct lock_run {
	uint64_t waits;	     /* acquisitions and locked reads, granted */
	double wait_sum;     /* ns waited in the queue by them */
	uint64_t lease_expiries;
	uint64_t zombie_writes;
	uint64_t fenced_writes;
};

#define LOCK_COPY_SIZE offsetof(struct lock_key, held)

static const struct field lock_options[] = {
	{.name = "mode", .type = FT_ENUM, .choices = "wait|fail", .def = "wait",
	 .help = "when the lock is held: wait in a FIFO queue, or be refused and retry",
	 .offset = offsetof(struct lock_opts, mode)},
	{.name = "lease", .type = FT_DURATION, .def = "1s",
	 .help = "the lock expires this long after it is granted, measured on the store's clock",
	 .offset = offsetof(struct lock_opts, lease), .min = 1e3, .max = 3.6e12},
	{.name = "fencing", .type = FT_BOOL, .def = "false",
	 .help = "reject writes whose token is not the newest issued for the key (with `at: "
		 "service`: older than the newest the store has seen)",
	 .offset = offsetof(struct lock_opts, fencing)},
	{.name = "scope", .type = FT_ENUM, .choices = "write|readwrite", .def = "write",
	 .help = "`write`: plain reads ignore the lock; `readwrite`: a plain read is served only while the lock is free and nobody is queued, otherwise it waits in the queue or is refused like an acquisition, and it does not hold the lock",
	 .offset = offsetof(struct lock_opts, scope)},
	{.name = "at", .type = FT_ENUM, .choices = "store|service", .def = "store",
	 .help = "where the lock lives: taken by the locking read at the node that orders the key's "
		 "writes (`store`), or on a lock service of its own, with a round trip to acquire "
		 "before the read and a release after the write (`service`); the lease runs on that "
		 "endpoint's clock",
	 .offset = offsetof(struct lock_opts, at)},
	{0},
};

static const struct metric_info lock_metrics[] = {
	{"lock_wait_mean_ms", "ms",
	 "mean time from a lock request's arrival at the node to its grant, over all granted "
	 "acquisitions and, with `scope: readwrite`, the plain reads served under the lock; the "
	 "node's service queue and service time are included, so with the default service time of "
	 "0 an immediate grant counts as 0",
	 METRIC_CHART, "lock wait"},
	{"lease_expiries", "",
	 "leases that ran out before their holder wrote (with a lock service, one that runs out "
	 "after the write, while the release is on its way, is not counted)",
	 0, NULL},
	{"zombie_writes", "",
	 "writes that reached the node from a client that no longer held the lock (its lease had "
	 "expired or its token was no longer the newest), whether or not they were applied",
	 METRIC_CHART, "zombie writes"},
	{"fenced_writes", "",
	 "writes rejected because their token was not the newest issued for the key (`fencing: "
	 "true`; with `at: service`, older than the newest the store had seen)",
	 0, NULL},
	{0},
};

/* Trace events, TR_POLICY + index. */
enum {
	LK_FENCED = TR_POLICY,
	LK_ZOMBIE,
	LK_WAIT,
	LK_GRANT,
	LK_DENIED,
	LK_EXPIRED,
	LK_RELEASE,
};

static const struct trace_vocab lock_events[] = {
	{.name = "fenced", .text = "{op} fenced (newest token {detail})", .mark = "FENCED",
	 .cat = TC_REFUSED},
	{.name = "zombie", .text = "{op} writes, lease gone ({detail})", .mark = "ZOMBIE",
	 .cat = TC_ZOMBIE},
	{.name = "lock-wait", .text = "{op} waits for lock ({aux})", .cat = TC_NODE},
	{.name = "lock-grant", .text = "lock {key} to {op}, token {detail}", .cat = TC_NODE},
	{.name = "lock-denied", .text = "{op} denied: lock busy", .mark = "DENIED", .cat = TC_REFUSED},
	{.name = "lease-expired", .text = "lease of {op} expired", .cat = TC_TIMER},
	{.name = "release", .text = "{op} releases {key}", .cat = TC_NODE},
	{0},
};

static void next_holder(struct node *s, struct lock_key *k, uint32_t key);

/* A token as text: its count, and its term when above 1. */
static void token_text(uint64_t t, char *buf, size_t n)
{
	unsigned long long term = (t >> 40) + 1, count = t & TOKEN_COUNT;
	if (term > 1)
		snprintf(buf, n, "%llu of term %llu", count, term);
	else
		snprintf(buf, n, "%llu", count);
}

/* A trace row about token `aux` (its raw value in aux, for the database);
 * its detail names it, and `newest` after it when not 0. */
static void trace_token(struct node *s, const struct msg *m, unsigned ev, uint64_t aux,
			uint64_t newest, bool with_newest)
{
	if (!node_tracing(s))
		return;
	char a[48], text[112];
	token_text(aux, a, sizeof(a));
	if (with_newest) {
		char b[48];
		token_text(newest, b, sizeof(b));
		snprintf(text, sizeof(text), "token %s, newest %s", a, b);
	} else {
		snprintf(text, sizeof(text), "%s", a);
	}
	node_trace_text(s, m, ev, m->value, (int64_t)aux, text);
}

/* Kernel event: the holder's lease has run out. */
static void lease_expired(struct kernel *kern, void *node, uint64_t key)
{
	(void)kern;
	struct node *s = node;
	struct lock_run *run = node_run_state(s);
	struct lock_key *k = node_key_state(s, (uint32_t)key);
	k->lease_timer = KERNEL_NO_EVENT;
	k->held = false;
	if (!k->wrote)
		run->lease_expiries++;
	node_trace_key(s, (uint32_t)key, k->holder_op_id, LK_EXPIRED, (int64_t)k->token);
	next_holder(s, k, (uint32_t)key);
}

static void count_wait(struct node *s, const struct msg *m)
{
	struct lock_run *run = node_run_state(s);
	run->waits++;
	run->wait_sum += (double)(node_now(s) - m->arrived);
}

/* Grants the free lock to request m and replies with the value. */
static void grant(struct node *s, struct lock_key *k, struct msg *m)
{
	const struct lock_opts *o = node_opts(s);
	struct lock_run *run = node_run_state(s);
	count_wait(s, m);
	(void)run;
	k->held = true;
	/* the term in the high bits: any token of a newer primary is newer
	 * than every token of an older one (term 1 gives plain counters) */
	k->token = (node_term(s, m->key) - 1) << 40 | ((k->token & TOKEN_COUNT) + 1);
	k->holder_client = m->client;
	k->holder_op = m->op;
	k->holder_gen = m->gen;
	k->holder_op_id = m->op_id;
	k->lease_timer = node_timer_local(s, o->lease, lease_expired, m->key);
	k->wrote = false;
	m->value = k->cell.value;
	trace_token(s, m, LK_GRANT, k->token, 0, false);
	((struct lock_ctx *)m->ctx.bytes)->token = k->token;
	node_reply(s, m, ST_OK);
}

/* A read served while the lock is free (scope readwrite). */
static void locked_read(struct node *s, struct lock_key *k, struct msg *m)
{
	count_wait(s, m);
	m->value = k->cell.value;
	node_reply(s, m, ST_OK);
}

/* The lock is free: serve waiting reads and grant to the first acquirer. */
static void next_holder(struct node *s, struct lock_key *k, uint32_t key)
{
	(void)key;
	while (!k->held && k->qhead) {
		struct msg *m = k->qhead;
		k->qhead = m->next;
		if (!k->qhead)
			k->qtail = NULL;
		k->qlen--;
		m->next = NULL;
		if (op_is_read(m->kind))
			locked_read(s, k, m);
		else
			grant(s, k, m);
	}
}

static void release(struct node *s, struct lock_key *k, uint32_t key)
{
	node_cancel_timer(s, k->lease_timer);
	k->lease_timer = KERNEL_NO_EVENT;
	k->held = false;
	node_trace_key(s, key, k->holder_op_id, LK_RELEASE, (int64_t)k->token);
	next_holder(s, k, key);
}

static void lock_serve_read(struct node *s, void *ks, struct msg *m)
{
	const struct lock_opts *o = node_opts(s);
	struct lock_key *k = ks;
	bool plain = op_is_read(m->kind);
	/* with a lock service, the store serves every read plainly */
	if ((plain && o->scope == SCOPE_WRITE) || (o->at == AT_SERVICE && !node_is_service(s))) {
		m->value = k->cell.value;
		node_reply(s, m, ST_OK);
		return;
	}
	if (!k->held && !k->qhead) {
		if (plain)
			locked_read(s, k, m);
		else
			grant(s, k, m);
		return;
	}
	if (o->mode == MODE_FAIL) {
		node_trace(s, m, LK_DENIED, -1, (int64_t)k->token);
		node_reply(s, m, ST_DENIED);
		return;
	}
	m->next = NULL;
	if (k->qtail)
		k->qtail->next = m;
	else
		k->qhead = m;
	k->qtail = m;
	k->qlen++;
	node_trace(s, m, LK_WAIT, -1, k->qlen);
}

static bool is_holder(const struct lock_key *k, const struct msg *m)
{
	return k->held && k->holder_client == m->client && k->holder_op == m->op &&
	       k->holder_gen == m->gen;
}

/* A write at a store whose lock lives on the service: fencing against the
 * newest token the store has seen; a zombie is a writer the service no
 * longer counts as the holder (what the simulator knows, for the metric). */
static void serve_write_fenced(struct node *s, struct lock_key *k, struct msg *m, uint64_t token)
{
	const struct lock_opts *o = node_opts(s);
	struct lock_run *run = node_run_state(s);
	const struct lock_key *svc = node_service_state(s, m->key);
	if (!svc || !is_holder(svc, m) || svc->token != token) {
		run->zombie_writes++;
		trace_token(s, m, LK_ZOMBIE, token, svc ? svc->token : 0, true);
	} else {
		/* the simulator's bookkeeping, not the service's: its holder has
		 * written, so a lease running out now (before the release arrives)
		 * is no expiry before the write */
		((struct lock_key *)(uintptr_t)svc)->wrote = true;
	}
	if (o->fencing && token < k->token) {
		run->fenced_writes++;
		trace_token(s, m, LK_FENCED, k->token, 0, false);
		node_reply(s, m, ST_REJECTED);
		return;
	}
	if (token > k->token)
		k->token = token;
	cell_write(s, &k->cell, m);
	node_trace(s, m, TR_APPLIED, m->value, (int64_t)token);
	node_reply(s, m, ST_OK);
}

static void lock_serve_write(struct node *s, void *ks, struct msg *m)
{
	const struct lock_opts *o = node_opts(s);
	struct lock_run *run = node_run_state(s);
	struct lock_key *k = ks;
	uint64_t token = ((struct lock_ctx *)m->ctx.bytes)->token;
	uint32_t key = m->key;
	if (o->at == AT_SERVICE) {
		serve_write_fenced(s, k, m, token);
		return;
	}
	bool holder = is_holder(k, m) && token == k->token;
	if (!holder) {
		run->zombie_writes++;
		trace_token(s, m, LK_ZOMBIE, token, k->token, true);
	}
	if (o->fencing && token != k->token) {
		run->fenced_writes++;
		trace_token(s, m, LK_FENCED, k->token, 0, false);
		node_reply(s, m, ST_REJECTED);
		return;
	}
	cell_write(s, &k->cell, m);
	node_trace(s, m, TR_APPLIED, m->value, (int64_t)token);
	node_reply(s, m, ST_OK);
	if (holder)
		release(s, k, key);
}

static void lock_serve_cancel(struct node *s, void *ks, struct msg *m)
{
	struct lock_key *k = ks;
	uint32_t key = m->key;
	if (is_holder(k, m)) {
		node_drop(s, m);
		release(s, k, key);
		return;
	}
	for (struct msg **p = &k->qhead, *prev = NULL; *p; prev = *p, p = &(*p)->next) {
		struct msg *q = *p;
		if (q->client == m->client && q->op == m->op && q->gen == m->gen) {
			*p = q->next;
			if (k->qtail == q)
				k->qtail = prev;
			k->qlen--;
			node_drop(s, q);
			break;
		}
	}
	node_drop(s, m);
}

static void lock_report(const void *run_state, const struct node_stats *st, double *values)
{
	(void)st;
	const struct lock_run *run = run_state;
	values[0] = run->waits ? run->wait_sum / (double)run->waits / 1e6 : 0;
	values[1] = (double)run->lease_expiries;
	values[2] = (double)run->zombie_writes;
	values[3] = (double)run->fenced_writes;
}

static unsigned lock_needs(const void *opts)
{
	const struct lock_opts *o = opts;
	if (o->at == AT_SERVICE) /* the store checks tokens where writes are ordered */
		return POLICY_NEEDS_SERVICE | POLICY_NEEDS_COPY;
	return POLICY_NEEDS_PRIMARY | POLICY_NEEDS_COPY; /* the lock lives where writes are ordered */
}

static int lock_validate(const void *opts, struct parse_error *e)
{
	const struct lock_opts *o = opts;
	if (o->at == AT_SERVICE && o->scope == SCOPE_READWRITE)
		return units_fail(e, 0, "scope: readwrite needs at: store (a lock service does not "
					"serve reads)");
	return 0;
}

/* The client side: the token comes with the reply that granted the lock
 * (the store's read reply, or the service's); a read reply from a store
 * whose lock lives on the service carries none, and the operation keeps
 * the one it has. */
static int lock_client_read(const void *opts, struct msg *reply, struct op_state *op)
{
	(void)opts;
	if (((struct lock_ctx *)reply->ctx.bytes)->token != 0) {
		op->ctx = reply->ctx;
		memset(&reply->ctx, 0, sizeof(reply->ctx));
	}
	uint32_t v = reply->version;
	op->value = reply->value + 1;
	return parents_set(&op->parents, &v, v == HIST_NONE ? 0 : 1);
}

/* A write shows the fencing token it carries. */
static void lock_trace_msg(const void *opts, const struct msg *m, char *buf, size_t n)
{
	(void)opts;
	if (m->type == MSG_WRITE) {
		char t[48];
		token_text(((const struct lock_ctx *)m->ctx.bytes)->token, t, sizeof(t));
		snprintf(buf, n, "token %s", t);
	}
}

/* A crash or the end of the run: the lease timer goes, queued requests
 * are dropped. */
static void lock_key_free(struct node *s, void *ks)
{
	struct lock_key *k = ks;
	if (k->lease_timer != KERNEL_NO_EVENT)
		node_cancel_timer(s, k->lease_timer);
	k->lease_timer = KERNEL_NO_EVENT;
	while (k->qhead) {
		struct msg *m = k->qhead;
		k->qhead = m->next;
		node_drop(s, m);
	}
	k->qtail = NULL;
	k->qlen = 0;
	k->held = false;
}

/* A backup's copy: the value and the newest token. */
static int lock_merge(struct node *s, void *ks, const void *copy)
{
	(void)s;
	struct lock_key *k = ks;
	const struct lock_key *c = copy;
	if (c->cell.version != HIST_NONE && (k->cell.version == HIST_NONE || c->token >= k->token)) {
		k->cell = c->cell;
		k->token = c->token;
	}
	return 0;
}

const struct policy lock_policy = {
	.name = "lock",
	.summary = "pessimistic lock per key with a lease; optional fencing tokens",
	.options = lock_options,
	.options_size = sizeof(struct lock_opts),
	.validate = lock_validate,
	.needs = lock_needs,
	.key_state_size = sizeof(struct lock_key),
	.run_state_size = sizeof(struct lock_run),
	.metrics = lock_metrics,
	.events = lock_events,
	.key_init = cell_key_init,
	.key_free = lock_key_free,
	.state = cell_key_state,
	.value = cell_key_value,
	.copy_size = LOCK_COPY_SIZE,
	.merge = lock_merge,
	.serve_read = lock_serve_read,
	.serve_write = lock_serve_write,
	.serve_cancel = lock_serve_cancel,
	.report = lock_report,
	.client_read = lock_client_read,
	.put_reads = true,
	.trace_msg = lock_trace_msg,
};
