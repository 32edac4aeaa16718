/*
 * policy.h - the contract between the models (nodes, clients, replication
 * strategies) and a concurrency policy: what one copy of a key does with a
 * read and a write, and what a client does with the replies.
 *
 * A policy is one `const struct policy` (the idiom of sqlite3_vfs and the
 * Linux file_operations): a name, a one-line summary, its options (a field
 * table), the size of the state it needs per key and per run, its own
 * metrics and trace events, and handlers for the two sides.  Nothing calls
 * a slot directly: the policy_* wrappers below supply the default of every
 * optional slot, and scripts/check-layers.sh holds the rule.  Adding a
 * policy is one file in models/ and one line in registry.c.
 *
 * What the models guarantee a policy:
 *  - serve_read and serve_write are called once per request, where the
 *    request is ordered (the node of `none`, the primary, a quorum's
 *    coordinator), with that node's copy of the key (key_state_size bytes,
 *    zeroed, then key_init).
 *  - The node owns the message while the handler runs.  A handler must
 *    either reply (node_reply) or keep the message (a lock queue) and reply
 *    or drop it later: exactly once.
 *  - Before changing a key's state, serve_write must call node_apply(),
 *    which records the new version in the history and returns its id; the
 *    node then compares the state before and after (through the `state`
 *    slot) to keep the ground truth.  node_discard() records an accepted
 *    write that does not enter the state (a losing last-write-wins write).
 *  - The client side sees only what a real client would: the reply's status,
 *    value, version and context, never the simulator's flags.
 *
 * Copies.  A replicated strategy moves a key's state between nodes as a
 * *copy*: the first copy_size bytes of the key state (so `state` and
 * `value` read a copy as they read a key state), taken with copy_ref and
 * released with copy_drop.  merge() folds a copy into a node's key state
 * the way the policy reconciles replicas (the newest timestamp, the union
 * of siblings by causal context); merging into a fresh key state installs
 * the copy.  A policy without merge cannot be replicated.
 *
 * What a policy must guarantee the models:
 *  - `state` lists exactly the versions the key holds (its siblings).
 *  - Outcomes (a rejection, a denial, a queued lock request) are replies
 *    with a status, never errors: an error means the simulator cannot go on.
 *  - A policy that sets timers or keeps messages in a key state releases
 *    them in key_free (a crash frees every key state of a node).
 */
#ifndef CLOBBER_POLICY_H
#define CLOBBER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/msg.h"
#include "sim/core/field.h"
#include "sim/core/metric.h"
#include "sim/truth/record.h"

struct node;

/* Counts every node keeps of its read replies, whatever the policy. */
struct node_stats {
	uint64_t read_replies; /* read replies with status ok */
	uint64_t siblings_sum; /* versions held, summed over those replies */
	uint32_t siblings_max;
};

/* What a client operation carries from its read to its write. */
struct op_state {
	union policy_ctx ctx;	/* the policy's context (owned) */
	struct parents parents; /* versions whose effects the write will carry */
	int64_t value;		/* the value to write */
	uint32_t client;
	uint64_t seq;		/* the client's write sequence number */
	int64_t local_now;	/* the client's clock when the write is sent */
	uint8_t kind;		/* enum op_kind */
};

/* What a policy needs of a replication strategy (the `needs` slot). */
enum policy_needs {
	POLICY_NEEDS_PRIMARY = 0x1, /* one node ordering each key's writes (a lock, a seq_no) */
	POLICY_NEEDS_COPY = 0x2,    /* writes ordered on a copy of the key, not a proxy's scratch */
};

struct policy {
	const char *name;
	const char *summary;
	const struct field *options; /* ends with a NULL name */
	size_t options_size;	     /* <= POLICY_OPTS_MAX */
	/* Optional: checks across options once all are set. */
	int (*validate)(const void *opts, struct parse_error *e);
	/* Optional: what the policy needs of a strategy, with these options
	 * (enum policy_needs); default: nothing.  A combination that cannot
	 * work is refused at load. */
	unsigned (*needs)(const void *opts);

	size_t key_state_size;
	size_t run_state_size;
	/* Its own metrics (NULL-terminated), filled by report() in order. */
	const struct metric_info *metrics;
	/* Its own trace events, TR_POLICY + index (NULL-terminated names). */
	const struct trace_vocab *events;

	/* ---- store side ---- */
	/* Optional: prepares a zeroed key state. */
	void (*key_init)(void *ks, const void *opts);
	/* Optional: frees what a key state holds (references, timers, queued
	 * requests, which it drops). */
	void (*key_free)(struct node *n, void *ks);
	/* The versions the key (or a copy) holds now; returns how many. */
	uint32_t (*state)(const void *ks, const uint32_t **versions);
	void (*serve_read)(struct node *n, void *ks, struct msg *m);
	void (*serve_write)(struct node *n, void *ks, struct msg *m);
	/* Optional: the client gave up on an operation (timeout); default:
	 * drop the message. */
	void (*serve_cancel)(struct node *n, void *ks, struct msg *m);
	/* Optional: fills values[] for `metrics` from the run state and the
	 * nodes' read statistics. */
	void (*report)(const void *run, const struct node_stats *st, double *values);
	/* Optional: the scalar value a key holds (a counter's count), or -1
	 * where the policy keeps none. */
	int64_t (*value)(const void *ks);

	/* ---- copies (replication) ---- */
	size_t copy_size; /* <= sizeof(union policy_ctx); 0: the whole key state */
	/* Optional: takes / releases the references a copy holds. */
	void (*copy_ref)(void *copy);
	void (*copy_drop)(void *copy);
	/* Optional (required to replicate): folds copy into the key state.
	 * Returns 0 or -ENOMEM. */
	int (*merge)(struct node *n, void *ks, const void *copy);

	/* ---- client side ---- */
	/* True if a put must first send a read (the lock policy acquires). */
	bool put_reads;
	/* Optional: takes a read reply into the operation; default: parents =
	 * the version read, value = value read + 1, ctx moved from the reply.
	 * Returns 0, or -ENOMEM (the run then fails). */
	int (*client_read)(const void *opts, struct msg *reply, struct op_state *op);
	/* Optional: fills a write request from the operation; the default moves
	 * ctx, parents and value. */
	void (*client_write)(const void *opts, struct op_state *op, struct msg *req);
	/* Optional: releases references held in a context. */
	void (*ctx_drop)(union policy_ctx *ctx);
};

/* ---- options ---- */

/* Sets every option to its default. */
int policy_defaults(const struct policy *p, void *opts);

/* Sets option `name` from its text.  Fills e and returns -1 if the name is
 * unknown or the value invalid (the message names the option). */
int policy_set_option(const struct policy *p, void *opts, const char *name,
		      const char *value, struct parse_error *e);

/* The option named `name`, or NULL. */
const struct field *policy_option(const struct policy *p, const char *name);

/* ---- the wrappers: every call into a policy goes through one ---- */

void policy_key_init(const struct policy *p, void *ks, const void *opts);
void policy_key_free(const struct policy *p, struct node *n, void *ks);
uint32_t policy_state(const struct policy *p, const void *ks, const uint32_t **versions);
int64_t policy_value(const struct policy *p, const void *ks);
void policy_serve_read(const struct policy *p, struct node *n, void *ks, struct msg *m);
void policy_serve_write(const struct policy *p, struct node *n, void *ks, struct msg *m);
void policy_serve_cancel(const struct policy *p, struct node *n, void *ks, struct msg *m);
/* Fills values[] (metric_count(p->metrics) entries). */
void policy_report(const struct policy *p, const void *run, const struct node_stats *st,
		   double *values);

unsigned policy_needs(const struct policy *p, const void *opts);

size_t policy_copy_size(const struct policy *p);
bool policy_can_merge(const struct policy *p);
/* Copies the key state's first copy_size bytes into copy and takes its
 * references: the caller owns the copy and releases it with
 * policy_copy_drop(). */
void policy_copy_export(const struct policy *p, const void *ks, void *copy);
void policy_copy_drop(const struct policy *p, void *copy);
int policy_merge(const struct policy *p, struct node *n, void *ks, const void *copy);

int policy_client_read(const struct policy *p, const void *opts, struct msg *reply,
		       struct op_state *op);
void policy_client_write(const struct policy *p, const void *opts, struct op_state *op,
			 struct msg *req);
void policy_ctx_drop(const struct policy *p, union policy_ctx *ctx);

/* The vocabulary of trace event `code` of this policy (>= TR_POLICY), or
 * NULL. */
const struct trace_vocab *policy_event(const struct policy *p, unsigned code);

#endif
