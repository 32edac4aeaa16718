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
 */
#include "models/policy.h"
#include "models/store.h"
#include "models/config.h"

enum { MODE_WAIT, MODE_FAIL };
enum { SCOPE_WRITE, SCOPE_READWRITE };

struct lock_opts {
	int mode;
	int64_t lease;
	bool fencing;
	int scope;
};

struct lock_key {
	uint32_t version;
	int64_t value;
	bool held;
	uint64_t token;	      /* holder's token; the newest issued for the key */
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
	uint64_t next_token;
	uint64_t waits;	     /* acquisitions and locked reads, granted */
	double wait_sum;     /* ns waited in the queue by them */
	uint64_t lease_expiries;
	uint64_t zombie_writes;
	uint64_t fenced_writes;
};

static const struct policy_option lock_options[] = {
	{.name = "mode", .type = POPT_ENUM, .choices = "wait|fail", .def = "wait",
	 .help = "when the lock is held: wait in a FIFO queue, or be refused and retry",
	 .offset = offsetof(struct lock_opts, mode)},
	{.name = "lease", .type = POPT_DURATION, .def = "1s",
	 .help = "the lock expires this long after it is granted (store's clock)",
	 .offset = offsetof(struct lock_opts, lease), .min = 1e3, .max = 3.6e12},
	{.name = "fencing", .type = POPT_BOOL, .def = "false",
	 .help = "reject writes whose token is not the newest issued for the key",
	 .offset = offsetof(struct lock_opts, fencing)},
	{.name = "scope", .type = POPT_ENUM, .choices = "write|readwrite", .def = "write",
	 .help = "whether plain reads also wait for the lock",
	 .offset = offsetof(struct lock_opts, scope)},
	{0},
};

static const char *const lock_metrics[] = {
	"lock_wait_mean_ms", "lease_expiries", "zombie_writes", "fenced_writes", NULL,
};

static void lock_key_init(void *ks, const void *opts)
{
	(void)opts;
	((struct lock_key *)ks)->version = HIST_NONE;
}

static uint32_t lock_state(const void *ks, const uint32_t **versions)
{
	const struct lock_key *k = ks;
	*versions = &k->version;
	return k->version == HIST_NONE ? 0 : 1;
}

static int64_t lock_value(const void *ks)
{
	return ((const struct lock_key *)ks)->value;
}

static void next_holder(struct store *s, struct lock_key *k, uint32_t key);

/* Kernel event: the holder's lease has run out. */
static void lease_expired(struct kernel *kern, void *store, uint64_t key)
{
	(void)kern;
	struct store *s = store;
	struct lock_run *run = store_run_state(s);
	struct lock_key *k = store_key_state(s, (uint32_t)key);
	k->lease_timer = KERNEL_NO_EVENT;
	k->held = false;
	run->lease_expiries++;
	store_trace_key(s, (uint32_t)key, k->holder_op_id, TR_LEASE_EXPIRED, (int64_t)k->token);
	next_holder(s, k, (uint32_t)key);
}

static void count_wait(struct store *s, const struct msg *m)
{
	struct lock_run *run = store_run_state(s);
	run->waits++;
	run->wait_sum += (double)(store_now(s) - m->arrived);
}

/* Grants the free lock to request m and replies with the value. */
static void grant(struct store *s, struct lock_key *k, struct msg *m)
{
	const struct lock_opts *o = store_opts(s);
	struct lock_run *run = store_run_state(s);
	count_wait(s, m);
	k->held = true;
	k->token = ++run->next_token;
	k->holder_client = m->client;
	k->holder_op = m->op;
	k->holder_gen = m->gen;
	k->holder_op_id = m->op_id;
	k->lease_timer = store_timer(s, store_true_duration(s, o->lease), lease_expired, m->key);
	store_trace(s, m, TR_LOCK_GRANT, k->value, (int64_t)k->token);
	((struct lock_ctx *)m->ctx.bytes)->token = k->token;
	m->value = k->value;
	store_reply(s, m, ST_OK);
}

/* A read served while the lock is free (scope readwrite). */
static void locked_read(struct store *s, struct lock_key *k, struct msg *m)
{
	count_wait(s, m);
	m->value = k->value;
	store_reply(s, m, ST_OK);
}

/* The lock is free: serve waiting reads and grant to the first acquirer. */
static void next_holder(struct store *s, struct lock_key *k, uint32_t key)
{
	(void)key;
	while (!k->held && k->qhead) {
		struct msg *m = k->qhead;
		k->qhead = m->next;
		if (!k->qhead)
			k->qtail = NULL;
		k->qlen--;
		m->next = NULL;
		if (m->kind == OP_READ)
			locked_read(s, k, m);
		else
			grant(s, k, m);
	}
}

static void release(struct store *s, struct lock_key *k, uint32_t key)
{
	store_cancel_timer(s, k->lease_timer);
	k->lease_timer = KERNEL_NO_EVENT;
	k->held = false;
	store_trace_key(s, key, k->holder_op_id, TR_RELEASE, (int64_t)k->token);
	next_holder(s, k, key);
}

static void lock_serve_read(struct store *s, void *ks, struct msg *m)
{
	const struct lock_opts *o = store_opts(s);
	struct lock_key *k = ks;
	bool plain = m->kind == OP_READ;
	if (plain && o->scope == SCOPE_WRITE) {
		m->value = k->value;
		store_reply(s, m, ST_OK);
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
		store_trace(s, m, TR_LOCK_DENIED, -1, (int64_t)k->token);
		store_reply(s, m, ST_DENIED);
		return;
	}
	m->next = NULL;
	if (k->qtail)
		k->qtail->next = m;
	else
		k->qhead = m;
	k->qtail = m;
	k->qlen++;
	store_trace(s, m, TR_LOCK_WAIT, -1, k->qlen);
}

static bool is_holder(const struct lock_key *k, const struct msg *m)
{
	return k->held && k->holder_client == m->client && k->holder_op == m->op &&
	       k->holder_gen == m->gen;
}

static void lock_serve_write(struct store *s, void *ks, struct msg *m)
{
	const struct lock_opts *o = store_opts(s);
	struct lock_run *run = store_run_state(s);
	struct lock_key *k = ks;
	uint64_t token = ((struct lock_ctx *)m->ctx.bytes)->token;
	uint32_t key = m->key;
	bool holder = is_holder(k, m) && token == k->token;
	if (!holder) {
		run->zombie_writes++;
		store_trace(s, m, TR_ZOMBIE, m->value, (int64_t)token);
	}
	if (o->fencing && token != k->token) {
		run->fenced_writes++;
		store_trace(s, m, TR_FENCED, m->value, (int64_t)k->token);
		store_reply(s, m, ST_REJECTED);
		return;
	}
	uint32_t v = store_apply(s, m);
	k->version = v;
	k->value = m->value;
	m->version = v;
	store_trace(s, m, TR_APPLIED, m->value, (int64_t)token);
	store_reply(s, m, ST_OK);
	if (holder)
		release(s, k, key);
}

static void lock_serve_cancel(struct store *s, void *ks, struct msg *m)
{
	struct lock_key *k = ks;
	uint32_t key = m->key;
	if (is_holder(k, m)) {
		store_drop(s, m);
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
			store_drop(s, q);
			break;
		}
	}
	store_drop(s, m);
}

static void lock_report(const struct store *s, double *values)
{
	const struct lock_run *run = store_run_state_const(s);
	values[0] = run->waits ? run->wait_sum / (double)run->waits / 1e6 : 0;
	values[1] = (double)run->lease_expiries;
	values[2] = (double)run->zombie_writes;
	values[3] = (double)run->fenced_writes;
}

const struct policy lock_policy = {
	.name = "lock",
	.summary = "pessimistic lock per key with a lease; optional fencing tokens",
	.options = lock_options,
	.options_size = sizeof(struct lock_opts),
	.key_state_size = sizeof(struct lock_key),
	.run_state_size = sizeof(struct lock_run),
	.metrics = lock_metrics,
	.key_init = lock_key_init,
	.state = lock_state,
	.value = lock_value,
	.serve_read = lock_serve_read,
	.serve_write = lock_serve_write,
	.serve_cancel = lock_serve_cancel,
	.report = lock_report,
	.put_reads = true,
};
