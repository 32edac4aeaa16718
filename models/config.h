/*
 * config.h - the fully resolved parameters of one run.
 *
 * Plain data: the scenario loader fills it, the models read it, nothing in
 * it changes during a run.  It is copied by value into each run (the script
 * and offsets arrays are shared, read-only, and owned by whoever built the
 * config).  Defaults live in the scenario schema's tables (sim/app/schema.c)
 * and nowhere else; docs/scenarios.md is generated from the same tables.
 */
#ifndef CLOBBER_CONFIG_H
#define CLOBBER_CONFIG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/dist.h"
#include "sim/core/keys.h"
#include "sim/core/phases.h"

enum op_kind {
	OP_INCR,  /* read-modify-write of a counter */
	OP_ADD,	  /* read-modify-write of a set: add a new unique element */
	OP_PUT,	  /* blind write of a new value */
	OP_READ,  /* plain read */
	OP_PROBE, /* a read issued at a delay after an acknowledged write (workload.probe) */
	OP_NKINDS
};
#define OP_NMIX OP_PROBE /* the kinds a workload's mix draws from */

extern const char *const op_kind_names[OP_NKINDS];

static inline bool op_is_rmw(int kind)
{
	return kind == OP_INCR || kind == OP_ADD;
}

static inline bool op_is_read(int kind)
{
	return kind == OP_READ || kind == OP_PROBE;
}

/* Node-to-node message classes, each with its own latency (network.peer):
 * the W, A, R and S of the PBS WARS model. */
enum peer_class {
	PEER_WRITE, /* a write (or a copy) sent to a replica */
	PEER_ACK,   /* a replica's acknowledgement of a write */
	PEER_READ,  /* a read sent to a replica */
	PEER_REPLY, /* a replica's read reply */
	PEER_NCLASSES
};

#define PROBES_MAX 16

enum arrival {
	ARRIVAL_CLOSED, /* issue, wait, think, repeat */
	ARRIVAL_OPEN,	/* Poisson arrivals at `rate` per client, or at the rates of `phases` */
	ARRIVAL_SCRIPT, /* the operations listed in `script`, at their times */
};

/* One scripted operation (arrival: script). */
struct script_op {
	int64_t at;	 /* issue time, ns */
	uint32_t client;
	uint32_t key;
	uint8_t kind;	 /* enum op_kind */
	int64_t compute; /* compute time override, ns; -1 draws from `compute` */
};

/* A fault of the schedule (design section 10).  Occurrence k of a fault
 * starts at k * every plus a draw of `at`, and lasts a draw of `dur` (0:
 * until the operations end); every 0: one occurrence. */
enum fault_kind {
	FAULT_CRASH,	  /* a node (restarts after dur) or a client (never returns) */
	FAULT_PARTITION,  /* links between node groups (or from -> to) cut */
	FAULT_LOSS,	  /* each message dropped with probability p */
	FAULT_PAUSE,	  /* a node or client does nothing, then carries on */
	FAULT_CLOCK_JUMP, /* a node's or client's clock steps by `by` */
	FAULT_NKINDS
};

enum fault_target {
	FAULT_ON_NODE,	  /* node `index` */
	FAULT_ON_PRIMARY, /* the primary of key 0's partition when it starts */
	FAULT_ON_CLIENT,  /* client `index` */
	FAULT_ON_SERVICE, /* the lock service */
	FAULT_ON_NETWORK, /* partition, loss */
};

#define FAULTS_MAX 32
#define FAULT_GROUPS_MAX 8

struct fault {
	int kind;	     /* enum fault_kind */
	int target;	     /* enum fault_target */
	uint32_t index;
	struct dist at, dur; /* start (after k * every) and length of each occurrence */
	int64_t every;	     /* 0: once */
	double p;	     /* loss: drop probability */
	int64_t by;	     /* clock_jump: the step, ns */
	uint64_t group[FAULT_GROUPS_MAX]; /* partition: nodes of each group (bit i: node i) */
	uint32_t ngroups;
	uint64_t from, to;   /* a one-way partition: links from -> to cut */
};

/* What a crash keeps (store.durability). */
enum durability {
	DURABLE_EVERY,	  /* every write is durable when applied */
	DURABLE_INTERVAL, /* the state as of the last checkpoint, every interval */
	DURABLE_NEVER,	  /* nothing: a crashed node restarts empty */
};

/* The end of a run (cluster.settle). */
enum settle {
	SETTLE_CONVERGE, /* replicas exchange until they agree; the checker reads that state */
	SETTLE_NONE,	 /* the final state is what the replicas hold */
};

struct policy; /* models/policy.h */
struct repl;   /* models/repl.h */

/* Room for a policy's and a replication strategy's parsed options. */
#define POLICY_OPTS_MAX 128
#define REPL_OPTS_MAX 128

struct run_config {
	uint64_t seed;

	/* stop: issuing ends at whichever comes first; then in-flight work drains */
	uint64_t stop_ops;  /* 0: no limit on operations */
	int64_t stop_time;  /* 0: no limit on time */
	int64_t warmup;	    /* latency and throughput ignore operations issued before */

	/* store */
	uint32_t keys;
	struct dist service; /* time the store spends on each request (FIFO, one server) */

	/* workload */
	uint32_t clients;
	enum arrival arrival;
	struct dist think;   /* closed loop */
	double rate;	     /* open loop: operations per second per client */
	double total_rate;   /* as written: the rate of all clients together, from
				which rate is derived (0: not written) */
	struct load_phase phases[PHASES_MAX]; /* open loop: the rate over time */
	uint32_t nphases;    /* 0: `rate` from start to end */
	struct keys_spec key;
	double mix[OP_NMIX];   /* weights, normalised at load */
	struct dist compute;   /* between a read-modify-write's read and its write */
	uint32_t retries;      /* after a conflict; then the operation aborts */
	struct dist backoff;   /* before each retry */
	int64_t timeout;       /* an operation running longer fails; 0: never */
	const struct script_op *script;
	uint32_t nscript;

	int64_t probe[PROBES_MAX]; /* after each acknowledged write, a read at each delay */
	uint32_t nprobe;

	/* network */
	struct dist latency;		    /* client <-> node, one-way, per message */
	struct dist peer[PEER_NCLASSES];    /* node <-> node, per message class */
	bool peer_set[PEER_NCLASSES];	    /* written (else network.latency) */

	/* clocks: local(t) = t + offset + drift*t, truncated to resolution */
	struct dist offset;	/* ns */
	struct dist drift;	/* parts per million */
	int64_t resolution;	/* ns, >= 1 */
	int64_t sync_period;	/* re-synchronise every period; 0: never */
	struct dist sync_error; /* residual offset after each re-sync, ns */
	const int64_t *offsets; /* explicit offsets of the first clients, ns */
	uint32_t noffsets;

	/* policy */
	const struct policy *policy;
	union {
		unsigned char bytes[POLICY_OPTS_MAX];
		int64_t align;
	} popts; /* the policy's parsed options */
	char label[160];

	/* cluster */
	uint32_t nodes;		 /* store nodes */
	uint32_t vnodes;	 /* positions of each node on the placement ring */
	int settle;		 /* enum settle */
	const struct repl *repl; /* replication strategy */
	union {
		unsigned char bytes[REPL_OPTS_MAX];
		int64_t align;
	} ropts; /* the strategy's parsed options */

	/* faults */
	struct fault faults[FAULTS_MAX];
	uint32_t nfaults;
	int durability;		/* enum durability */
	int64_t durable_every;	/* DURABLE_INTERVAL: the checkpoint period */

	/* recording */
	bool record_ops;
	bool record_trace;

	/* bounds on the run itself, not part of its identity (0: the kernel's
	 * defaults): the fuzz harness runs what it loads a little and quickly */
	uint64_t max_events;	/* events in all; more fail the run (-E2BIG) */
	uint64_t instant_limit; /* events at one instant; more fail it (-ELOOP) */
};

#endif
