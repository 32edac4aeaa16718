/*
 * version.c - version-check rejection: compare-and-set, HTTP ETags with
 * If-Match, Elasticsearch's if_seq_no / if_primary_term, DynamoDB's
 * condition on a last-change date.
 *
 * A copy keeps one value and what identifies its version.  A read returns
 * both; a read-modify-write sends what it read as the expected version,
 * and the node applies it only if that is still what the key holds (so
 * creating a key expects the empty key's), then moves the version on.
 * Otherwise it rejects the write and the client re-reads and retries.  A
 * put read nothing and is written unconditionally, as a PUT without
 * If-Match.  What identifies a version (option check):
 *   counter      a counter per key, counted up by each write (CAS, ETags)
 *   seq_no       the place of the write in its partition's order, given
 *                by the node that orders it (the primary's seq_no): after a
 *                failover a new primary reuses seq_nos the old one gave,
 *                and a write conditioned on an old one can pass wrongly
 *   seq_no_term  seq_no and the primary's term together: a seq_no reused by
 *                a new primary comes with a new term, and fails the check
 *   timestamp    a last-change date the writing client stamps from its own
 *                clock (the AWS condition-expression example): two writes
 *                stamped alike by a coarse or skewed clock both pass
 * Replicas reconcile by keeping the newer (term, version, tie), tie being
 * the order in which nodes applied writes: with no single node ordering
 * the checks (a leaderless quorum) two writes that expected the same
 * version can both pass on different coordinators, and one is lost.
 */
#include <stdio.h>
#include <string.h>

#include "models/cell.h"
#include "models/config.h"
#include "models/node.h"
#include "models/policy.h"

enum { CHECK_COUNTER, CHECK_SEQ_NO, CHECK_SEQ_NO_TERM, CHECK_TIMESTAMP };

struct version_opts {
	int check;
};

struct version_key {
	struct cell cell; /* first: state and value come from it */
	uint64_t ver;	  /* counter, or seq_no */
	uint64_t term;	  /* seq_no_term: the primary's term when it was written */
	int64_t stamp;	  /* timestamp: the writer's clock when it wrote */
	uint64_t tie;	  /* orders copies with equal versions, across replicas */
};

struct version_ctx {
	uint64_t expected;   /* read: the version (or date) read */
	uint64_t exp_term;   /* read: the term read */
	int64_t stamp;	     /* write: the writer's clock (check: timestamp) */
};
_Static_assert(sizeof(struct version_ctx) <= sizeof(union policy_ctx), "ctx too big");
_Static_assert(sizeof(struct version_key) <= sizeof(union policy_ctx), "copy too big");

struct version_run {
	uint64_t applied; /* writes applied by any node: the tie-break */
};

static const struct field version_options[] = {
	{.name = "check", .type = FT_ENUM, .choices = "counter|seq_no|seq_no_term|timestamp",
	 .def = "counter", .offset = offsetof(struct version_opts, check),
	 .help = "what a write's condition names: a per-key counter, the primary's seq_no, seq_no "
		 "and primary term, or a last-change date from the writer's clock (below)"},
	{0},
};

static unsigned version_needs(const void *opts)
{
	const struct version_opts *o = opts;
	bool ordered = o->check == CHECK_SEQ_NO || o->check == CHECK_SEQ_NO_TERM;
	return POLICY_NEEDS_COPY | (ordered ? POLICY_NEEDS_PRIMARY : 0);
}

static void version_serve_read(struct node *n, void *ks, struct msg *m)
{
	const struct version_opts *o = node_opts(n);
	const struct version_key *k = ks;
	struct version_ctx *c = (struct version_ctx *)m->ctx.bytes;
	m->value = k->cell.value;
	c->expected = o->check == CHECK_TIMESTAMP ? (uint64_t)k->stamp : k->ver;
	c->exp_term = k->term;
	node_reply(n, m, ST_OK);
}

static void version_client_write(const void *opts, struct op_state *op, struct msg *req)
{
	(void)opts;
	req->ctx = op->ctx;
	memset(&op->ctx, 0, sizeof(op->ctx));
	parents_move(&req->parents, &op->parents);
	req->value = op->value;
	((struct version_ctx *)req->ctx.bytes)->stamp = op->local_now;
}

static bool matches(const struct version_opts *o, const struct version_key *k,
		    const struct version_ctx *c)
{
	switch (o->check) {
	case CHECK_SEQ_NO_TERM:
		return c->expected == k->ver && c->exp_term == k->term;
	case CHECK_TIMESTAMP:
		return (int64_t)c->expected == k->stamp;
	default:
		return c->expected == k->ver;
	}
}

static void version_serve_write(struct node *n, void *ks, struct msg *m)
{
	const struct version_opts *o = node_opts(n);
	struct version_key *k = ks;
	struct version_run *run = node_run_state(n);
	struct version_ctx *c = (struct version_ctx *)m->ctx.bytes;
	if (m->kind != OP_PUT && !matches(o, k, c)) {
		/* with seq_no_term the term may be all that differs: say it */
		char term[48] = "";
		if (o->check == CHECK_SEQ_NO_TERM && node_tracing(n))
			snprintf(term, sizeof(term), "term %llu", (unsigned long long)k->term);
		node_trace_text(n, m, TR_REJECTED, m->value,
				o->check == CHECK_TIMESTAMP ? k->stamp : (int64_t)k->ver,
				term[0] ? term : NULL);
		node_reply(n, m, ST_REJECTED);
		return;
	}
	cell_write(n, &k->cell, m);
	if (o->check == CHECK_SEQ_NO || o->check == CHECK_SEQ_NO_TERM) {
		k->ver = node_seq_no(n, m);
		k->term = node_term(n, m->key);
	} else {
		k->ver++;
	}
	if (o->check == CHECK_TIMESTAMP)
		k->stamp = c->stamp;
	k->tie = ++run->applied;
	c->expected = k->ver;
	node_trace(n, m, TR_APPLIED, m->value, (int64_t)k->ver);
	node_reply(n, m, ST_OK);
}

/* A read reply shows the version it returns, a checked write the one it
 * expects. */
static void version_trace_msg(const void *opts, const struct msg *m, char *buf, size_t n)
{
	const struct version_opts *o = opts;
	const struct version_ctx *c = (const struct version_ctx *)m->ctx.bytes;
	unsigned long long v = c->expected, t = c->exp_term;
	char what[64];
	if (o->check == CHECK_SEQ_NO)
		snprintf(what, sizeof(what), "seq_no %llu", v);
	else if (o->check == CHECK_SEQ_NO_TERM)
		snprintf(what, sizeof(what), "seq_no %llu, term %llu", v, t);
	else if (o->check == CHECK_TIMESTAMP)
		snprintf(what, sizeof(what), "date %lld", (long long)c->expected);
	else
		snprintf(what, sizeof(what), "version %llu", v);
	if (m->type == MSG_READ_REPLY)
		snprintf(buf, n, "%s", what);
	else if (m->type == MSG_WRITE && m->kind != OP_PUT)
		snprintf(buf, n, "expects %s", what);
}

static int version_merge(struct node *n, void *ks, const void *copy)
{
	(void)n;
	struct version_key *k = ks;
	const struct version_key *c = copy;
	if (c->cell.version == HIST_NONE)
		return 0;
	bool newer = k->cell.version == HIST_NONE || c->term > k->term ||
		     (c->term == k->term &&
		      (c->ver > k->ver || (c->ver == k->ver && c->tie > k->tie)));
	if (newer)
		*k = *c;
	return 0;
}

const struct policy version_policy = {
	.name = "version",
	.summary = "version check: a write must name the current version (compare-and-set, ETag, seq_no)",
	.options = version_options,
	.options_size = sizeof(struct version_opts),
	.needs = version_needs,
	.key_state_size = sizeof(struct version_key),
	.run_state_size = sizeof(struct version_run),
	.key_init = cell_key_init,
	.state = cell_key_state,
	.value = cell_key_value,
	.serve_read = version_serve_read,
	.serve_write = version_serve_write,
	.merge = version_merge,
	.client_write = version_client_write,
	.trace_msg = version_trace_msg,
};
