/*
 * node.h - a store node: an endpoint with a FIFO single-server queue in
 * front of the copies of the keys it holds, and the services a policy's
 * store side may use.
 *
 * A message that reaches the node waits until the server is free, is served
 * for a time drawn from `service` (FIFO, one message at a time: the node is
 * an M/G/1 queue when messages arrive as a Poisson stream), and is then
 * handed to the replication strategy, which calls the policy where the
 * message is ordered (repl.h).  With the default service time of 0 the
 * node serves each message the moment it arrives.
 *
 * Ground truth: node_apply() records a version before the policy changes a
 * key's state and snapshots the state; when the handler returns, the node
 * compares the state before and after (history_state_change).  Read
 * replies of plain reads are recorded by node_reply() with the state the
 * policy holds at that moment, which is what the reply carries.  When the
 * policy serves from a scratch copy (a coordinator resolving replicas'
 * replies), only the reply is recorded: the scratch copy is no replica.
 *
 * Incarnations: a crash bumps the node's incarnation; messages that
 * arrived under an older one are dropped where they are served (the check
 * Redis's ae.c would call lazy invalidation).
 *
 * Faults (fault.h).  A crashed node (ep.down) drops what reaches it and
 * loses what durability did not keep (node_crash); a paused node keeps
 * what reaches it, what its server finished and its timers' firings in a
 * deferred list (defer.h) and does them, in order, when it resumes.  A
 * policy's timers go through node_timer, which knows about pauses; a
 * timer set with node_timer_local runs on the node's clock, so a clock
 * jump moves it (a lease that ends early).
 */
#ifndef CLOBBER_NODE_H
#define CLOBBER_NODE_H

#include <stdbool.h>
#include <stdint.h>

#include "models/clock.h"
#include "models/defer.h"
#include "models/msg.h"
#include "models/net.h"
#include "models/policy.h"
#include "sim/core/kernel.h"
#include "sim/core/rng.h"

struct world;

struct node {
	struct endpoint ep;	/* first: the network sees only this */
	struct world *w;
	uint32_t index;
	struct clock clock;
	bool instant;	     /* service time is always 0 */
	int64_t busy_until;  /* the server is busy until then */
	/* the key state being served, and whether it is a scratch copy */
	void *serving_ks;
	bool scratch;
	/* state change in progress (between node_apply and the handler's return) */
	uint32_t *old;
	uint32_t nold, oldcap;
	uint32_t written;
	uint64_t seq;	     /* writes this node ordered (the default order) */
	bool proxy;	     /* a coordinator that holds no copy */
	bool service;	     /* the lock service: holds locks, no copy */
	struct node_stats stats;
	/* faults */
	int64_t paused_until; /* 0: running */
	struct defer deferred;
	struct node_timer_rec *timers; /* the policy's timers: a pool */
	uint32_t ntimers, timercap, timer_free;
};

/* A policy timer in flight (node_timer). */
struct node_timer_rec {
	kernel_fn *fn;
	uint64_t arg;
	kernel_handle ev;
	int64_t local_deadline; /* node_timer_local: its end on the node's clock; else INT64_MIN */
	uint32_t gen;		/* bumped when the record is freed */
	uint32_t next_free;
};

int node_init(struct node *n, struct world *w, uint32_t index);
void node_free(struct node *n);
size_t node_bytes(const struct node *n);

/* The network delivers message m to node n (net.h). */
void node_receive(struct node *n, struct msg *m);

/* Serves m with the policy on key state ks (the node's copy of m->key, or
 * a scratch copy when `scratch`), recording the state change.  For the
 * replication strategies. */
void node_serve(struct node *n, void *ks, bool scratch, struct msg *m);

/* Folds copy into the node's key state ks for key `key`, recording the
 * state change.  Returns 0 or -ENOMEM. */
int node_merge(struct node *n, uint32_t key, void *ks, const void *copy);

/* Replaces the node's key state ks for key `key` with copy (the primary's
 * state, in order), recording the state change.  Returns 0 or -ENOMEM. */
int node_install(struct node *n, uint32_t key, void *ks, const void *copy);

/* Installs every copy of bundle b into the node's copies of their keys
 * (as node_install), calling dropped(n, key, v, arg) for each version a
 * copy held and no longer holds.  Returns 0 or -ENOMEM. */
int node_install_bundle(struct node *n, const struct bundle *b,
			void (*dropped)(struct node *n, uint32_t key, uint32_t v, void *arg), void *arg);

/* The node's key state for key, or NULL if it holds no copy of it. */
void *node_key_state(struct node *n, uint32_t key);

/* ---- services for policies ---- */

int64_t node_now(const struct node *n);
/* The node's number: a policy's actor id for it (vnode and dvv clocks). */
uint32_t node_index(const struct node *n);
/* The node's local clock now. */
int64_t node_clock(struct node *n);
/* True time for `local` ns of the node's clock to pass (leases). */
int64_t node_true_duration(const struct node *n, int64_t local);
const void *node_opts(const struct node *n);
/* True for the lock service (a lock policy's `at: service`). */
bool node_is_service(const struct node *n);
/* The lock service's key state for key, or NULL when there is none: what
 * the simulator knows of the service, for a store's metrics. */
const void *node_service_state(const struct node *n, uint32_t key);
void *node_run_state(struct node *n);

/* The place of write m in its partition's order at this node, and the
 * partition's term as this node knows it (Elasticsearch's seq_no and
 * primary term; a lock's fencing token carries the term). */
uint64_t node_seq_no(struct node *n, struct msg *m);
uint64_t node_term(const struct node *n, uint32_t key);

/* Records write m as a new version that is about to enter the key's state
 * and returns its id.  Call before changing the state, at most once per
 * write. */
uint32_t node_apply(struct node *n, struct msg *m);

/* Records write m as accepted but not applied and returns its id. */
uint32_t node_discard(struct node *n, struct msg *m);

/* The policy's answer to request m: status st.  The replication strategy
 * decides when and how its client hears it. */
void node_reply(struct node *n, struct msg *m, enum reply_status st);

/* The simulator cannot go on (out of memory): stops the run, which is then
 * reported as failed. */
void node_fail(struct node *n);

/* Frees a message that needs no reply (a cancel, a request whose operation
 * has been cancelled). */
void node_drop(struct node *n, struct msg *m);

/* A policy timer: fn(kernel, node, arg) after `delay` ns of true time
 * (node_timer), or once `local` ns have passed on the node's clock
 * (node_timer_local: a clock jump moves it).  A paused node runs it when
 * it resumes.  A policy cancels its timers in key_free.  The handle is
 * never KERNEL_NO_EVENT; cancelling a timer that has run is harmless. */
kernel_handle node_timer(struct node *n, int64_t delay, kernel_fn *fn, uint64_t arg);
kernel_handle node_timer_local(struct node *n, int64_t local, kernel_fn *fn, uint64_t arg);
bool node_cancel_timer(struct node *n, kernel_handle h);

/* ---- faults (called by fault.c) ---- */

/* The node crashes: it drops its queue, deferred work, requests it
 * coordinates and what durability did not keep (durable_copy(key) gives
 * the copy kept for a key, NULL: nothing).  node_restart brings it back. */
void node_crash(struct node *n);
void node_restart(struct node *n);
/* The node stops until `until` (a later pause extends it); node_resume
 * does what it kept, if the pause is over. */
void node_pause(struct node *n, int64_t until);
void node_resume(struct node *n);
bool node_paused(const struct node *n);
/* The node's clock steps by `by` ns; its local timers move with it. */
void node_clock_jump(struct node *n, int64_t by);

/* Replaces key state ks of key `key` with copy, or with an empty state
 * when copy is NULL, recording what it loses.  Returns 0 or -ENOMEM. */
int node_restore(struct node *n, uint32_t key, void *ks, const void *copy);

/* A store-side trace line about message m (or about key/op given
 * explicitly when m is NULL). */
void node_trace(struct node *n, const struct msg *m, unsigned ev, int64_t value, int64_t aux);
/* The same with a detail text for the viewer ("ts 3ms > 1ms"; NULL: none).
 * Build the text only when node_tracing() says a trace is kept. */
void node_trace_text(struct node *n, const struct msg *m, unsigned ev, int64_t value, int64_t aux,
		     const char *detail);
void node_trace_key(struct node *n, uint32_t key, uint64_t op_id, unsigned ev, int64_t aux);
/* The same with a second number (a peer node, a count) and a detail text
 * (NULL: none). */
void node_trace2(struct node *n, const struct msg *m, unsigned ev, int64_t value, int64_t aux,
		 uint32_t aux2, const char *detail);
bool node_tracing(const struct node *n);
/* The node's actor in trace rows (TRACE_NODE(index), or TRACE_SERVICE). */
uint32_t node_actor(const struct node *n);

#endif
