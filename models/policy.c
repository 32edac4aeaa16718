/*
 * policy.c - option tables of policies, and the wrappers through which the
 * models call a policy's slots, with every optional slot's default here
 * and nowhere else.
 */
#include "models/policy.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "models/node.h"

const struct field *policy_option(const struct policy *p, const char *name)
{
	for (const struct field *o = p->options; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

int policy_defaults(const struct policy *p, void *opts)
{
	memset(opts, 0, p->options_size);
	return field_defaults(p->options, opts);
}

int policy_set_option(const struct policy *p, void *opts, const char *name,
		      const char *value, struct parse_error *e)
{
	return field_set(p->options, opts, p->name, name, value, e);
}

/* ---- store side ---- */

void policy_key_init(const struct policy *p, void *ks, const void *opts)
{
	if (p->key_init)
		p->key_init(ks, opts);
}

void policy_key_free(const struct policy *p, struct node *n, void *ks)
{
	if (p->key_free)
		p->key_free(n, ks);
}

uint32_t policy_state(const struct policy *p, const void *ks, const uint32_t **versions)
{
	return p->state(ks, versions);
}

int64_t policy_value(const struct policy *p, const void *ks)
{
	return p->value ? p->value(ks) : -1;
}

void policy_serve_read(const struct policy *p, struct node *n, void *ks, struct msg *m)
{
	p->serve_read(n, ks, m);
}

void policy_serve_write(const struct policy *p, struct node *n, void *ks, struct msg *m)
{
	p->serve_write(n, ks, m);
}

void policy_serve_cancel(const struct policy *p, struct node *n, void *ks, struct msg *m)
{
	if (p->serve_cancel)
		p->serve_cancel(n, ks, m);
	else
		node_drop(n, m);
}

void policy_report(const struct policy *p, const void *run, const struct node_stats *st,
		   double *values)
{
	if (p->report)
		p->report(run, st, values);
}

unsigned policy_needs(const struct policy *p, const void *opts)
{
	return p->needs ? p->needs(opts) : 0;
}

/* ---- copies ---- */

size_t policy_copy_size(const struct policy *p)
{
	return p->copy_size ? p->copy_size : p->key_state_size;
}

bool policy_can_merge(const struct policy *p)
{
	return p->merge != NULL && policy_copy_size(p) <= sizeof(union policy_ctx);
}

void policy_copy_export(const struct policy *p, const void *ks, void *copy)
{
	memcpy(copy, ks, policy_copy_size(p));
	if (p->copy_ref)
		p->copy_ref(copy);
}

void policy_copy_drop(const struct policy *p, void *copy)
{
	if (p->copy_drop)
		p->copy_drop(copy);
}

int policy_merge(const struct policy *p, struct node *n, void *ks, const void *copy)
{
	return p->merge ? p->merge(n, ks, copy) : -EINVAL;
}

/* ---- client side ---- */

int policy_client_read(const struct policy *p, const void *opts, struct msg *reply,
		       struct op_state *op)
{
	if (p->client_read)
		return p->client_read(opts, reply, op);
	/* the default: the write carries the version read, and one more */
	policy_ctx_drop(p, &op->ctx);
	op->ctx = reply->ctx;
	memset(&reply->ctx, 0, sizeof(reply->ctx));
	uint32_t v = reply->version;
	op->value = reply->value + 1;
	return parents_set(&op->parents, &v, v == HIST_NONE ? 0 : 1);
}

void policy_client_write(const struct policy *p, const void *opts, struct op_state *op,
			 struct msg *req)
{
	if (p->client_write) {
		p->client_write(opts, op, req);
		return;
	}
	req->ctx = op->ctx;
	memset(&op->ctx, 0, sizeof(op->ctx));
	parents_move(&req->parents, &op->parents);
	req->value = op->value;
}

void policy_ctx_drop(const struct policy *p, union policy_ctx *ctx)
{
	if (p->ctx_drop)
		p->ctx_drop(ctx);
}

const struct trace_vocab *policy_event(const struct policy *p, unsigned code)
{
	return code < TR_POLICY ? NULL : trace_vocab_at(p->events, code - TR_POLICY);
}
