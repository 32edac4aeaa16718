/*
 * store.h - one store node: a FIFO single-server queue in front of the
 * keys, and the services a policy's store side may use.
 *
 * A request that reaches the node waits until the server is free, is served
 * for a time drawn from `service` (FIFO, one request at a time: the node is
 * an M/G/1 queue when requests arrive as a Poisson stream), and is then
 * handed to the policy.  With the default service time of 0 the node serves
 * each request the moment it arrives.
 *
 * Ground truth: store_apply() records a version before the policy changes
 * the key's state and snapshots the state; when the handler returns, the
 * node compares the state before and after (history_state_change).  Read
 * replies of plain reads are recorded by store_reply() with the state the
 * policy holds at that moment, which is what the reply carries.
 */
#ifndef CLOBBER_STORE_H
#define CLOBBER_STORE_H

#include <stdbool.h>
#include <stdint.h>

#include "models/msg.h"
#include "sim/core/kernel.h"
#include "sim/truth/record.h"

struct world;
struct store;

/* Statistics the node keeps for every policy. */
struct store_stats {
	uint64_t read_replies;	 /* read replies with status ok */
	uint64_t siblings_sum;	 /* versions held, summed over those replies */
	uint32_t siblings_max;
};

struct store *store_new(struct world *w);
void store_free(struct store *s);

/* Bytes the node holds (its key states and buffers). */
size_t store_bytes(const struct store *s);

/* Kernel event: message arg (a struct msg *) reaches the node. */
void store_receive(struct kernel *k, void *world, uint64_t arg);

/* After the run: tells the history every key's final state. */
void store_finish(struct store *s);

/* The value of a key's state when it holds one version (tests, traces). */
uint32_t store_state(const struct store *s, uint32_t key, const uint32_t **versions);
void *store_key_state(struct store *s, uint32_t key);

/* ---- services for policies ---- */

int64_t store_now(const struct store *s);
/* The node's local clock now. */
int64_t store_clock(struct store *s);
/* True time for `local` ns of the node's clock to pass (leases). */
int64_t store_true_duration(const struct store *s, int64_t local);
const void *store_opts(const struct store *s);
void *store_run_state(struct store *s);
const void *store_run_state_const(const struct store *s);
const struct store_stats *store_stats(const struct store *s);

/* Records write m as a new version that is about to enter the key's state
 * and returns its id.  Call before changing the state, at most once per
 * write. */
uint32_t store_apply(struct store *s, struct msg *m);

/* Records write m as accepted but not applied and returns its id. */
uint32_t store_discard(struct store *s, struct msg *m);

/* Sends m back to its client as the reply with status st. */
void store_reply(struct store *s, struct msg *m, enum reply_status st);

/* The simulator cannot go on (out of memory): stops the run, which is then
 * reported as failed. */
void store_fail(struct store *s);

/* Frees a message that needs no reply (a cancel, a request whose operation
 * has been cancelled). */
void store_drop(struct store *s, struct msg *m);

/* A policy timer: fn(kernel, store, arg) after `delay` ns of true time. */
kernel_handle store_timer(struct store *s, int64_t delay, kernel_fn *fn, uint64_t arg);
bool store_cancel_timer(struct store *s, kernel_handle h);

/* Adds a store-side trace line about message m (or about key/op given
 * explicitly when m is NULL). */
void store_trace(struct store *s, const struct msg *m, enum trace_event ev,
		 int64_t value, int64_t aux);
void store_trace_key(struct store *s, uint32_t key, uint64_t op_id, enum trace_event ev,
		     int64_t aux);
bool store_tracing(const struct store *s);

#endif
