/*
 * version.c - version-check rejection: compare-and-set, HTTP ETags with
 * If-Match.
 *
 * The store keeps one value and a version counter, 0 for a key never
 * written.  A read returns both; a read-modify-write sends the version it
 * read as the expected one, and the store applies it only if that is still
 * the current version (so creating a key expects version 0), then counts up.
 * Otherwise it rejects the write and the client re-reads and retries.  A put
 * read nothing and is written unconditionally, as a PUT without If-Match.
 */
#include "models/policy.h"
#include "models/store.h"
#include "models/config.h"

struct version_key {
	uint32_t version; /* the history's id of the current value */
	int64_t value;
	uint64_t counter; /* the version number clients see */
};

struct version_ctx {
	uint64_t expected;
};
_Static_assert(sizeof(struct version_ctx) <= sizeof(union policy_ctx), "ctx too big");

static void version_key_init(void *ks, const void *opts)
{
	(void)opts;
	((struct version_key *)ks)->version = HIST_NONE;
}

static uint32_t version_state(const void *ks, const uint32_t **versions)
{
	const struct version_key *k = ks;
	*versions = &k->version;
	return k->version == HIST_NONE ? 0 : 1;
}

static int64_t version_value(const void *ks)
{
	return ((const struct version_key *)ks)->value;
}

static void version_serve_read(struct store *s, void *ks, struct msg *m)
{
	const struct version_key *k = ks;
	m->value = k->value;
	((struct version_ctx *)m->ctx.bytes)->expected = k->counter;
	store_reply(s, m, ST_OK);
}

static void version_serve_write(struct store *s, void *ks, struct msg *m)
{
	struct version_key *k = ks;
	struct version_ctx *c = (struct version_ctx *)m->ctx.bytes;
	if (m->kind != OP_PUT && c->expected != k->counter) {
		store_trace(s, m, TR_REJECTED, m->value, (int64_t)k->counter);
		store_reply(s, m, ST_REJECTED);
		return;
	}
	uint32_t v = store_apply(s, m);
	k->version = v;
	k->value = m->value;
	k->counter++;
	c->expected = k->counter;
	m->version = v;
	store_trace(s, m, TR_APPLIED, m->value, (int64_t)k->counter);
	store_reply(s, m, ST_OK);
}

const struct policy version_policy = {
	.name = "version",
	.summary = "version check: a write must name the current version (compare-and-set, ETag)",
	.key_state_size = sizeof(struct version_key),
	.key_init = version_key_init,
	.state = version_state,
	.value = version_value,
	.serve_read = version_serve_read,
	.serve_write = version_serve_write,
};
