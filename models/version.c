/*
 * version.c - version-check rejection: compare-and-set, HTTP ETags with
 * If-Match.
 *
 * A copy keeps one value and a version counter, 0 for a key never written.
 * A read returns both; a read-modify-write sends the version it read as the
 * expected one, and the node applies it only if that is still the current
 * version (so creating a key expects version 0), then counts up.  Otherwise
 * it rejects the write and the client re-reads and retries.  A put read
 * nothing and is written unconditionally, as a PUT without If-Match.
 * Replicas reconcile by keeping the higher (counter, tie), tie being the
 * order in which nodes applied writes: with no single node ordering the
 * checks (a leaderless quorum), two writes that expected the same version
 * can both pass on different coordinators, and one of them is lost.
 */
#include <stdio.h>

#include "models/cell.h"
#include "models/config.h"
#include "models/node.h"
#include "models/policy.h"

struct version_key {
	struct cell cell; /* first: state and value come from it */
	uint64_t counter; /* the version number clients see */
	uint64_t tie;	  /* orders writes with equal counters, across replicas */
};

struct version_ctx {
	uint64_t expected;
};
_Static_assert(sizeof(struct version_ctx) <= sizeof(union policy_ctx), "ctx too big");

struct version_run {
	uint64_t applied; /* writes applied by any node: the tie-break */
};

static void version_serve_read(struct node *n, void *ks, struct msg *m)
{
	const struct version_key *k = ks;
	m->value = k->cell.value;
	((struct version_ctx *)m->ctx.bytes)->expected = k->counter;
	node_reply(n, m, ST_OK);
}

static void version_serve_write(struct node *n, void *ks, struct msg *m)
{
	struct version_key *k = ks;
	struct version_run *run = node_run_state(n);
	struct version_ctx *c = (struct version_ctx *)m->ctx.bytes;
	if (m->kind != OP_PUT && c->expected != k->counter) {
		node_trace(n, m, TR_REJECTED, m->value, (int64_t)k->counter);
		node_reply(n, m, ST_REJECTED);
		return;
	}
	cell_write(n, &k->cell, m);
	k->counter++;
	k->tie = ++run->applied;
	c->expected = k->counter;
	node_trace(n, m, TR_APPLIED, m->value, (int64_t)k->counter);
	node_reply(n, m, ST_OK);
}

/* A read reply shows the version it returns, a checked write the one it
 * expects. */
static void version_trace_msg(const void *opts, const struct msg *m, char *buf, size_t n)
{
	(void)opts;
	unsigned long long v = ((const struct version_ctx *)m->ctx.bytes)->expected;
	if (m->type == MSG_READ_REPLY)
		snprintf(buf, n, "version %llu", v);
	else if (m->type == MSG_WRITE && m->kind != OP_PUT)
		snprintf(buf, n, "expects version %llu", v);
}

static int version_merge(struct node *n, void *ks, const void *copy)
{
	(void)n;
	struct version_key *k = ks;
	const struct version_key *c = copy;
	if (c->cell.version == HIST_NONE)
		return 0;
	if (k->cell.version == HIST_NONE || c->counter > k->counter ||
	    (c->counter == k->counter && c->tie > k->tie))
		*k = *c;
	return 0;
}

const struct policy version_policy = {
	.name = "version",
	.summary = "version check: a write must name the current version (compare-and-set, ETag)",
	.key_state_size = sizeof(struct version_key),
	.run_state_size = sizeof(struct version_run),
	.key_init = cell_key_init,
	.state = cell_key_state,
	.value = cell_key_value,
	.serve_read = version_serve_read,
	.serve_write = version_serve_write,
	.merge = version_merge,
	.trace_msg = version_trace_msg,
};
