/*
 * world.h - one simulated world: clients, the network, the store nodes and
 * the copies of the keys they hold.  Internal to models/; the application
 * reaches it through model.h.
 *
 * Random streams (rng.h).  Each client draws its arrivals or think times
 * and its keys and kinds in sequence, from streams of its own named by
 * (client index, purpose): its n-th operation gets the n-th draws whatever
 * happened to the earlier ones.  Everything drawn inside an operation (the
 * compute time, each message's latency, each backoff, each service time)
 * is keyed by (entity, the client's operation number, attempt, step), so
 * the same operation draws the same values under every policy, even when
 * another policy retried more before it (common random numbers per
 * operation).  Adding a client changes no other client's draws.
 *
 * Copies.  Key k has `ncopies` copies; copy j lives on node
 * world_replica(w, k, j).  Their key states are one array, copy j of key k
 * at index k * ncopies + j.
 */
#ifndef CLOBBER_WORLD_H
#define CLOBBER_WORLD_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/clock.h"
#include "models/config.h"
#include "models/coord.h"
#include "models/defer.h"
#include "models/fault.h"
#include "models/model.h"
#include "models/msg.h"
#include "models/net.h"
#include "models/node.h"
#include "models/policy.h"
#include "models/repl.h"
#include "models/ring.h"
#include "sim/core/kernel.h"
#include "sim/core/keys.h"
#include "sim/core/rng.h"
#include "sim/truth/history.h"
#include "sim/truth/record.h"

/* Stream names: (RNG_CLIENT, index, purpose), (RNG_NODE, index, purpose),
 * (RNG_LINK, source, destination) for message latencies, (RNG_LOSS,
 * source, destination) for message loss, (RNG_FAULT, fault, occurrence)
 * for the fault schedule. */
enum { RNG_CLIENT = 1, RNG_NODE = 2, RNG_LINK = 3, RNG_LOSS = 4, RNG_FAULT = 5 };
enum {
	RNG_ARRIVE,  /* think time or inter-arrival time (in sequence) */
	RNG_CHOOSE,  /* key and kind of each operation (in sequence) */
	RNG_WORK,    /* compute time (keyed by operation and attempt) */
	RNG_RETRY,   /* backoff (keyed by operation and attempt) */
	RNG_CLOCK,   /* clock offset, drift, re-sync residuals (in sequence) */
	RNG_UP,	     /* unused: was the latency of messages to the store */
	RNG_DOWN,    /* unused: was the latency of messages from the store */
	RNG_SERVICE, /* node: service times (keyed by the message) */
};

struct client {
	struct endpoint ep; /* first: the network sees only this */
	struct clock clock;
	/* streams, inside the struct for locality */
	struct rng_stream arrive, choose;
	uint64_t work_key, retry_key; /* the keys of its keyed draws */
	uint64_t write_seq; /* writes sent, for deterministic tie-breaks */
	uint64_t op_seq;    /* operations issued */
	uint64_t probe_seq; /* probes issued */
	/* the stream seeds of its links to and from link_peer (net.c) */
	uint32_t link_peer;
	uint64_t link_up, link_down;
	/* faults */
	bool crashed;	      /* never returns */
	int64_t paused_until; /* 0: running */
	struct defer deferred;
	/* its last operation that ended ahead of time (client.c): when, the
	 * born and seq of the reply's arrival it stands for, whether it
	 * counted in the window, and the arrival it scheduled */
	int64_t ahead_end;
	int64_t ahead_born;
	uint64_t ahead_seq;
	bool ahead_counted;
	kernel_handle next_arrival;
	int64_t next_think;
};

#define PROBE_SEQ (1ULL << 62) /* probes' operation numbers, apart from the others' */

/* What an operation is waiting for. */
enum op_phase { PH_READ, PH_COMPUTE, PH_WRITE, PH_BACKOFF, PH_ACQUIRE };

struct op {
	uint32_t gen;	      /* bumped when the slot is freed */
	uint32_t next_free;
	uint32_t client;
	uint32_t key;
	uint64_t id;	      /* issue order */
	uint64_t seq;	      /* the client's operation number */
	int64_t begin;
	int64_t compute;      /* script override, or -1 */
	kernel_handle timeout;
	int64_t timeout_at;   /* when it times out (INT64_MAX: never) */
	uint16_t attempts;
	uint8_t kind;
	uint8_t phase;
	uint8_t busy;	      /* in use */
	uint32_t version;     /* the version its last write created */
	struct op_state st;
};

struct world {
	const struct run_config *cfg;
	const struct policy *policy;
	const struct repl *repl;
	const void *popts;  /* the policy's options */
	const void *ropts;  /* the strategy's options */
	struct kernel *k;
	struct history *hist;
	struct record *rec; /* NULL unless recording */
	struct msg_pool msgs;
	struct net_stats net;
	/* nodes and copies */
	struct node *nodes;	/* the store nodes, the proxy, then the lock service (if any) */
	uint32_t nnodes;	/* store nodes */
	uint32_t nproxies;	/* coordinators that hold no copy: 0 or 1 */
	uint32_t nservices;	/* lock services: 0 or 1 */
	unsigned char *svc_keys; /* the lock service's key states */
	struct fault_run *fault; /* the fault schedule, or NULL */
	uint32_t *pkeys, *pstart; /* keys by partition (world_part_keys), built when asked */
	uint32_t ncopies;	/* copies of each key */
	struct ring ring;	/* placement, when there are several nodes */
	struct coord coord;	/* coordinators' requests in progress */
	unsigned char *copies;	/* nkeys * ncopies key states */
	size_t kss;		/* bytes per key state */
	void *run_state;	/* the policy's */
	void *repl_state;	/* the strategy's */
	/* clients and their operations */
	struct client *clients;
	uint32_t nclients;
	struct op *ops;
	uint32_t nops, opcap, free_op;
	struct keys keys;
	double mix_cum[OP_NMIX]; /* cumulative, normalised weights */
	/* stopping and settling */
	uint64_t issued;	/* operations issued (probes apart) */
	uint64_t next_id;	/* ids of operations, probes included */
	uint64_t live_ops;	/* operations in progress */
	bool stopped;
	bool drained;		/* stopped, and no operation is left */
	bool settled;		/* and the replicas have settled */
	int64_t drained_at;
	kernel_handle settle_deadline;
	uint64_t bg_msgs;	/* messages outside any operation: their draw keys */
	uint32_t script_next;
	struct world_stats stats;
	int failed; /* out of memory */
	/* Running ahead (client.c): a client's work between a reply's
	 * arrival and its next message done when the reply is sent, because
	 * nothing can observe the client meanwhile. */
	bool fuse;	  /* this world may run clients ahead (world_new) */
	bool ahead;	  /* running ahead now: the time is vnow */
	int64_t vnow;
	int64_t ahead_born; /* the reply's arrival being run ahead: its born, seq */
	uint64_t ahead_seq;
	int64_t t_last;	  /* the latest time work was done ahead */
};

/* Clients (client.c). */
int clients_new(struct world *w);
void clients_free(struct world *w);
void clients_start(struct world *w);
/* The network delivers message m to its client. */
void client_receive(struct world *w, struct msg *m);
/* Faults: a client crashes (its operations end as failed, it never
 * returns), pauses until `until`, resumes (force: whenever the pause was
 * due to end), or its clock steps by `by`. */
void client_crash(struct world *w, uint32_t client);
void client_pause(struct world *w, uint32_t client, int64_t until);
void client_resume(struct world *w, uint32_t client, bool force);
void client_clock_jump(struct world *w, uint32_t client, int64_t by);

/* The node holding copy j of key `key`; the key's partition; which copy
 * of key node `node` holds (UINT32_MAX: none). */
uint32_t world_replica(const struct world *w, uint32_t key, uint32_t j);
uint32_t world_partition(const struct world *w, uint32_t key);
uint32_t world_replica_index(const struct world *w, uint32_t key, uint32_t node);
/* The partitions of the ring (1 with one node), and the keys of
 * partition p in key order (*n of them; NULL when out of memory, and the
 * run fails). */
uint32_t world_partitions(const struct world *w);
const uint32_t *world_part_keys(struct world *w, uint32_t p, uint32_t *n);
/* The node holding copy j of the keys of partition p. */
uint32_t world_part_node(const struct world *w, uint32_t p, uint32_t j);
/* The key state of copy j of key `key`. */
void *world_copy(struct world *w, uint32_t key, uint32_t j);

/* The network delivers m to its destination (net.c calls it). */
void world_deliver(struct world *w, struct msg *m);

/* An operation ended, or issuing stopped: once both hold and nothing is in
 * flight, the cluster settles (design section 9) and background timers
 * stop.  Called by the clients, the network and the nodes. */
void world_check_done(struct world *w);

/* The node an endpoint id names (a node or the proxy), or NULL. */
struct node *world_node_of(struct world *w, uint32_t ep);

/* True if every copy of key holds the same versions. */
bool world_copies_agree(struct world *w, uint32_t key);

/* The draw key of a message's latency or service time (rng.h): the stream
 * (a, b, c) of its entity, and its place in its operation. */
uint64_t world_msg_key(const struct world *w, uint32_t a, uint32_t b, uint32_t c,
		       const struct msg *m);
/* The same from the entity's stream seed rng_stream_seed(seed, a, b, c). */
uint64_t world_msg_key_from(uint64_t stream, const struct msg *m);

/* Trace helper shared by clients and nodes. */
void world_trace(struct world *w, uint32_t actor, uint64_t op_id, uint32_t key,
		 uint8_t kind, unsigned ev, uint32_t version, int64_t value, int64_t aux);
/* The same with the row's detail text (NULL or "": none), which the record
 * copies. */
void world_trace_text(struct world *w, uint32_t actor, uint64_t op_id, uint32_t key,
		      uint8_t kind, unsigned ev, uint32_t version, int64_t value, int64_t aux,
		      const char *detail);
bool world_tracing(const struct world *w);

/* The current time: kernel_now(), or while running ahead the time the
 * work being done belongs to. */
int64_t world_now(const struct world *w);
/* kernel_schedule() from world_now(): born then when running ahead. */
kernel_handle world_schedule(struct world *w, int64_t delay, kernel_fn *fn, void *obj, uint64_t arg);
/* Client c's work for the reply m, due at `at`, may be done now (client.c). */
bool client_may_run_ahead(struct world *w, const struct msg *m, int64_t at);

/* The simulator cannot go on: out of memory. */
void world_fail(struct world *w);

#endif
