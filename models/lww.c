/*
 * lww.c - last write wins.
 *
 * A copy keeps one value and the timestamp of the write that set it.  A
 * write is applied when its timestamp is greater; ties are broken by a
 * fixed order that every replica applies alike (client timestamps: by
 * client id, then by the client's write sequence; server timestamps: the
 * later arrival at the node that stamped it).  Every write is
 * acknowledged: a losing write is silently discarded, which is how last
 * write wins loses updates.  Replicas reconcile the same way: a copy with
 * a greater (timestamp, tie) replaces the one held (Cassandra's rule).
 *
 * Options: timestamps: client|server - whose clock stamps the write (the
 * writer's, when it sends the write, or the node's, when it orders it).
 */
#include <stdio.h>
#include <string.h>

#include "models/cell.h"
#include "models/config.h"
#include "models/node.h"
#include "models/policy.h"
#include "sim/core/units.h"

enum { TS_CLIENT, TS_SERVER };

struct lww_opts {
	int timestamps;
};

struct lww_key {
	struct cell cell; /* first: state and value come from it */
	int64_t stamp;
	uint64_t tie;
};

struct lww_ctx {
	int64_t stamp;
	uint64_t tie;
};
_Static_assert(sizeof(struct lww_ctx) <= sizeof(union policy_ctx), "ctx too big");

struct lww_run {
	uint64_t arrivals; /* writes stamped by a node: the server's tie-break */
};

static const struct field lww_options[] = {
	{.name = "timestamps", .type = FT_ENUM, .choices = "client|server", .def = "client",
	 .help = "whose clock stamps a write: the writing client's, read when it sends the write, or the store's, read when it serves the write",
	 .offset = offsetof(struct lww_opts, timestamps)},
	{0},
};

static void lww_serve_read(struct node *n, void *ks, struct msg *m)
{
	const struct lww_key *k = ks;
	m->value = k->cell.value;
	node_reply(n, m, ST_OK);
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

/* True if (stamp, tie) orders after what k holds. */
static bool newer(const struct lww_key *k, int64_t stamp, uint64_t tie)
{
	return k->cell.version == HIST_NONE || stamp > k->stamp ||
	       (stamp == k->stamp && tie > k->tie);
}

/* For traces: a write's timestamp against the one held, "ts 8ms > 3ms"
 * ("ts 3ms = 3ms, tie" when only the tie-break decided). */
static void stamp_text(const struct lww_key *k, int64_t stamp, char *buf, size_t n)
{
	char a[32], b[32];
	units_format_ms(stamp, a, sizeof(a));
	if (k->cell.version == HIST_NONE) {
		snprintf(buf, n, "ts %s", a);
		return;
	}
	units_format_ms(k->stamp, b, sizeof(b));
	snprintf(buf, n, "ts %s %s %s%s", a, stamp > k->stamp ? ">" : stamp < k->stamp ? "<" : "=", b,
		 stamp == k->stamp ? ", tie" : "");
}

/* A client-stamped write shows its timestamp as it leaves the client. */
static void lww_trace_msg(const void *opts, const struct msg *m, char *buf, size_t n)
{
	const struct lww_opts *o = opts;
	const struct lww_ctx *c = (const struct lww_ctx *)m->ctx.bytes;
	if (m->type == MSG_WRITE && o->timestamps == TS_CLIENT) {
		char a[32];
		units_format_ms(c->stamp, a, sizeof(a));
		snprintf(buf, n, "ts %s", a);
	}
}

static void lww_serve_write(struct node *n, void *ks, struct msg *m)
{
	const struct lww_opts *o = node_opts(n);
	struct lww_run *run = node_run_state(n);
	struct lww_key *k = ks;
	struct lww_ctx *c = (struct lww_ctx *)m->ctx.bytes;
	run->arrivals++;
	if (o->timestamps == TS_SERVER) {
		c->stamp = node_clock(n);
		c->tie = run->arrivals;
	}
	char why[96] = "";
	if (node_tracing(n))
		stamp_text(k, c->stamp, why, sizeof(why));
	if (newer(k, c->stamp, c->tie)) {
		cell_write(n, &k->cell, m);
		k->stamp = c->stamp;
		k->tie = c->tie;
		node_trace_text(n, m, TR_APPLIED, m->value, c->stamp, why);
	} else {
		m->version = node_discard(n, m);
		m->flags |= MSGF_DISCARDED;
		node_trace_text(n, m, TR_DISCARDED, m->value, c->stamp, why);
	}
	node_reply(n, m, ST_OK);
}

static int lww_merge(struct node *n, void *ks, const void *copy)
{
	(void)n;
	struct lww_key *k = ks;
	const struct lww_key *c = copy;
	if (c->cell.version != HIST_NONE && newer(k, c->stamp, c->tie))
		*k = *c;
	return 0;
}

const struct policy lww_policy = {
	.name = "lww",
	.summary = "last write wins: the greatest timestamp is kept, every write acknowledged",
	.options = lww_options,
	.options_size = sizeof(struct lww_opts),
	.key_state_size = sizeof(struct lww_key),
	.run_state_size = sizeof(struct lww_run),
	.key_init = cell_key_init,
	.state = cell_key_state,
	.value = cell_key_value,
	.serve_read = lww_serve_read,
	.serve_write = lww_serve_write,
	.merge = lww_merge,
	.client_write = lww_client_write,
	.trace_msg = lww_trace_msg,
};
