/*
 * lww.c - last write wins.
 *
 * The store keeps one value and the timestamp of the write that set it.  A
 * write is applied when its timestamp is greater; ties are broken by a
 * fixed order (client timestamps: by client id, then by the client's write
 * sequence; server timestamps: the later arrival wins).  Every write is
 * acknowledged: a losing write is silently discarded, which is how last
 * write wins loses updates.
 *
 * Options: timestamps: client|server - whose clock stamps the write (the
 * writer's, when it sends the write, or the store's, when it applies it).
 */
#include <string.h>

#include "models/policy.h"
#include "models/store.h"
#include "models/config.h"

enum { TS_CLIENT, TS_SERVER };

struct lww_opts {
	int timestamps;
};

struct lww_key {
	uint32_t version; /* HIST_NONE until written */
	int64_t value;
	int64_t stamp;
	uint64_t tie;
};

struct lww_ctx {
	int64_t stamp;
	uint64_t tie;
};
_Static_assert(sizeof(struct lww_ctx) <= sizeof(union policy_ctx), "ctx too big");

struct lww_run {
	uint64_t arrivals; /* writes served: the server's tie-break */
};

static const struct policy_option lww_options[] = {
	{.name = "timestamps", .type = POPT_ENUM, .choices = "client|server", .def = "client",
	 .help = "whose clock stamps a write: the writing client's or the store's",
	 .offset = offsetof(struct lww_opts, timestamps)},
	{0},
};

static void lww_key_init(void *ks, const void *opts)
{
	(void)opts;
	struct lww_key *k = ks;
	k->version = HIST_NONE;
}

static uint32_t lww_state(const void *ks, const uint32_t **versions)
{
	const struct lww_key *k = ks;
	*versions = &k->version;
	return k->version == HIST_NONE ? 0 : 1;
}

static int64_t lww_value(const void *ks)
{
	return ((const struct lww_key *)ks)->value;
}

static void lww_serve_read(struct store *s, void *ks, struct msg *m)
{
	const struct lww_key *k = ks;
	m->value = k->value;
	store_reply(s, m, ST_OK);
}

static void lww_client_write(const void *opts, struct op_state *op, struct msg *req)
{
	const struct lww_opts *o = opts;
	struct lww_ctx *c = (struct lww_ctx *)req->ctx.bytes;
	parents_move(&req->parents, &op->parents);
	req->value = op->value;
	memset(&req->ctx, 0, sizeof(req->ctx));
	if (o->timestamps == TS_CLIENT) {
		c->stamp = op->local_now;
		c->tie = (uint64_t)op->client << 40 | (op->seq & ((1ULL << 40) - 1));
	}
}

static void lww_serve_write(struct store *s, void *ks, struct msg *m)
{
	const struct lww_opts *o = store_opts(s);
	struct lww_run *run = store_run_state(s);
	struct lww_key *k = ks;
	struct lww_ctx *c = (struct lww_ctx *)m->ctx.bytes;
	run->arrivals++;
	if (o->timestamps == TS_SERVER) {
		c->stamp = store_clock(s);
		c->tie = run->arrivals;
	}
	bool newer = k->version == HIST_NONE || c->stamp > k->stamp ||
		     (c->stamp == k->stamp && c->tie > k->tie);
	if (newer) {
		uint32_t v = store_apply(s, m);
		k->version = v;
		k->value = m->value;
		k->stamp = c->stamp;
		k->tie = c->tie;
		m->version = v;
		store_trace(s, m, TR_APPLIED, m->value, c->stamp);
	} else {
		m->version = store_discard(s, m);
		m->flags |= MSGF_DISCARDED;
		store_trace(s, m, TR_DISCARDED, m->value, c->stamp);
	}
	store_reply(s, m, ST_OK);
}

const struct policy lww_policy = {
	.name = "lww",
	.summary = "last write wins: the greatest timestamp is kept, every write acknowledged",
	.options = lww_options,
	.options_size = sizeof(struct lww_opts),
	.key_state_size = sizeof(struct lww_key),
	.run_state_size = sizeof(struct lww_run),
	.key_init = lww_key_init,
	.state = lww_state,
	.value = lww_value,
	.serve_read = lww_serve_read,
	.serve_write = lww_serve_write,
	.client_write = lww_client_write,
};
