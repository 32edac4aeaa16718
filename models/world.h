/*
 * world.h - one simulated world: clients, the network, one store node.
 * Internal to models/; sim/ reaches it through registry.h.
 *
 * Random streams (rng.h): each client draws its arrivals or think times,
 * its keys and kinds, its compute times, its backoffs, its clock, and the
 * latency of its messages in each direction from streams of its own, named
 * by (client index, purpose).  The node draws its clock and service times
 * from its own.  So two policies run with one seed see the same arrivals,
 * keys, kinds and compute times per operation, and adding a client changes
 * no other client's draws.
 */
#ifndef CLOBBER_WORLD_H
#define CLOBBER_WORLD_H

#include <gsl/gsl_rng.h>
#include <stdbool.h>
#include <stdint.h>

#include "models/clock.h"
#include "models/msg.h"
#include "models/policy.h"
#include "models/model.h"
#include "models/config.h"
#include "sim/truth/history.h"
#include "sim/core/kernel.h"
#include "sim/core/keys.h"
#include "sim/truth/record.h"
#include "sim/core/rng.h"

/* Stream names: (RNG_CLIENT, index, purpose) and (RNG_NODE, index, purpose). */
enum { RNG_CLIENT = 1, RNG_NODE = 2 };
enum {
	RNG_ARRIVE,  /* think time or inter-arrival time */
	RNG_CHOOSE,  /* key and kind of each operation */
	RNG_WORK,    /* compute time */
	RNG_RETRY,   /* backoff */
	RNG_CLOCK,   /* clock offset, drift, re-sync residuals */
	RNG_UP,	     /* latency of messages to the store */
	RNG_DOWN,    /* latency of messages from the store */
	RNG_SERVICE, /* node: service times */
};

struct client {
	uint32_t id;
	struct clock clock;
	/* streams, inside the struct for locality */
	struct rng_stream arrive, choose, work, retry, up, down;
	uint64_t write_seq; /* writes sent, for deterministic tie-breaks */
};

/* What an operation is waiting for. */
enum op_phase { PH_READ, PH_COMPUTE, PH_WRITE, PH_BACKOFF };

struct op {
	uint32_t gen;	      /* bumped when the slot is freed */
	uint32_t next_free;
	uint32_t client;
	uint32_t key;
	uint64_t id;	      /* issue order */
	int64_t begin;
	int64_t compute;      /* script override, or -1 */
	kernel_handle timeout;
	uint16_t attempts;
	uint8_t kind;
	uint8_t phase;
	uint32_t version;     /* the version its last write created */
	struct op_state st;
};

struct world {
	const struct run_config *cfg;
	const struct policy *policy;
	struct kernel *k;
	struct history *hist;
	struct record *rec; /* NULL unless recording */
	struct msg_pool msgs;
	struct store *store;
	struct client *clients;
	uint32_t nclients;
	struct op *ops;
	uint32_t nops, opcap, free_op;
	struct keys keys;
	double mix_cum[OP_NKINDS]; /* cumulative, normalised weights */
	/* stopping */
	uint64_t issued;
	bool stopped;
	uint32_t script_next;
	struct world_stats stats;
	int failed; /* out of memory */
};

/* Client side (client.c). */
int clients_new(struct world *w);
void clients_free(struct world *w);
void clients_start(struct world *w);
/* Kernel event: message arg reaches its client. */
void client_receive(struct kernel *k, void *world, uint64_t arg);

/* Network (world.c): sends m after a latency drawn from the client's
 * stream for that direction. */
void net_to_store(struct world *w, struct msg *m);
void net_to_client(struct world *w, struct msg *m);

/* Trace helper shared by client and store. */
void world_trace(struct world *w, uint32_t actor, uint64_t op_id, uint32_t key,
		 uint8_t kind, enum trace_event ev, uint32_t version, int64_t value,
		 int64_t aux);

#endif
