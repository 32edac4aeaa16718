/*
 * policy.h - the contract between the store and client models and a
 * concurrency policy.
 *
 * A policy is one `const struct policy` (the idiom of sqlite3_vfs and the
 * Linux file_operations): a name, a one-line summary, its options, the size
 * of the state it needs per key and per run, and handlers for the two sides.
 * The store and the clients never call a slot directly but through the
 * wrappers in store.c and client.c, which supply the default of every
 * optional slot.  Adding a policy is one file in models/ and one line in
 * registry.c.
 *
 * What the models guarantee a policy:
 *  - serve_read and serve_write are called once per request, when the
 *    store serves it (after network latency and service time), with the
 *    key's state (key_state_size bytes, zeroed, then key_init).
 *  - The store owns the message while the handler runs.  A handler must
 *    either reply (store_reply) or keep the message (a lock queue) and reply
 *    or drop it later: exactly once.
 *  - Before changing a key's state, serve_write must call store_apply(),
 *    which records the new version in the history and returns its id; the
 *    store then compares the state before and after (through the `state`
 *    slot) to keep the ground truth.  store_discard() records an accepted
 *    write that does not enter the state (a losing last-write-wins write).
 *  - The client side sees only what a real client would: the reply's status,
 *    value, version and context, never the simulator's flags.
 *
 * What a policy must guarantee the models:
 *  - `state` lists exactly the versions the key holds (its siblings).
 *  - Outcomes (a rejection, a denial, a queued lock request) are replies
 *    with a status, never errors: an error means the simulator cannot go on.
 */
#ifndef CLOBBER_POLICY_H
#define CLOBBER_POLICY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/msg.h"
#include "sim/core/units.h"

struct store;

enum popt_type {
	POPT_ENUM,     /* one of `choices`, stored as int (its index) */
	POPT_DURATION, /* stored as int64_t nanoseconds */
	POPT_BOOL,     /* true|false, stored as bool */
	POPT_COUNT,    /* whole number, stored as int64_t */
};

struct policy_option {
	const char *name;    /* as written in a scenario; nested maps flatten to a.b */
	enum popt_type type;
	const char *choices; /* POPT_ENUM: "client|server" */
	const char *def;     /* the default, as a scenario would write it */
	const char *help;
	size_t offset;	     /* of the parsed value in the policy's options */
	double min, max;     /* POPT_COUNT and POPT_DURATION (ns): valid range */
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

struct policy {
	const char *name;
	const char *summary;
	const struct policy_option *options; /* ends with a NULL name */
	size_t options_size;		     /* <= POLICY_OPTS_MAX */
	/* Optional: checks across options once all are set. */
	int (*validate)(const void *opts, struct parse_error *e);

	size_t key_state_size;
	size_t run_state_size;
	/* Extra metric names this policy reports (NULL-terminated), filled by
	 * report() in the same order. */
	const char *const *metrics;

	/* ---- store side ---- */
	/* Optional: prepares a zeroed key state. */
	void (*key_init)(void *ks, const void *opts);
	/* Optional: frees what a key state holds. */
	void (*key_free)(void *ks);
	/* The versions the key holds now; returns how many. */
	uint32_t (*state)(const void *ks, const uint32_t **versions);
	void (*serve_read)(struct store *s, void *ks, struct msg *m);
	void (*serve_write)(struct store *s, void *ks, struct msg *m);
	/* Optional: the client gave up on an operation (timeout). */
	void (*serve_cancel)(struct store *s, void *ks, struct msg *m);
	/* Optional: fills values[] for `metrics`. */
	void (*report)(const struct store *s, double *values);
	/* Optional: the scalar value a key holds (a counter's count), or -1
	 * where the policy keeps none. */
	int64_t (*value)(const void *ks);

	/* ---- client side ---- */
	/* True if a put must first send a read (the lock policy acquires). */
	bool put_reads;
	/* Optional: takes a read reply into the operation; default: parents =
	 * the version read, value = value read + 1, ctx moved from the reply. */
	void (*client_read)(const void *opts, struct msg *reply, struct op_state *op);
	/* Optional: fills a write request from the operation; the default moves
	 * ctx, parents and value. */
	void (*client_write)(const void *opts, struct op_state *op, struct msg *req);
	/* Optional: releases references held in a context. */
	void (*ctx_drop)(union policy_ctx *ctx);
};

/* Sets every option to its default. */
int policy_defaults(const struct policy *p, void *opts);

/* Sets option `name` from its text.  Fills e and returns -1 if the name is
 * unknown or the value invalid. */
int policy_set_option(const struct policy *p, void *opts, const char *name,
		      const char *value, struct parse_error *e);

/* Prints the value of option o held in opts, as a scenario would write it. */
int policy_format_option(const struct policy_option *o, const void *opts, char *buf, size_t n);

/* The option named `name`, or NULL. */
const struct policy_option *policy_option(const struct policy *p, const char *name);

#endif
