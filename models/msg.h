/*
 * msg.h - a message between two endpoints (a client and a node, or two
 * nodes), and its pool.
 *
 * One struct serves as request and reply: a node turns a request into its
 * reply in place (a read into a read reply, a write into a write reply).
 * Messages come from a per-run pool with a free list, so sending one
 * allocates nothing once the pool has grown to the number in flight; their
 * addresses are stable (the pool grows in chunks), so events and the lock
 * queue hold plain pointers.
 *
 * Ownership: whoever holds a message (an event in flight, the store while
 * serving, a lock queue) owns it and must either pass it on or return it
 * with msg_free(), which also releases what its policy context holds.
 */
#ifndef CLOBBER_MSG_H
#define CLOBBER_MSG_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/truth/history.h"

enum msg_type {
	MSG_READ,	 /* request: read the key (lock policy: and take the lock) */
	MSG_WRITE,	 /* request: write the key */
	MSG_CANCEL,	 /* request: the operation gave up (release what it holds) */
	MSG_READ_REPLY,
	MSG_WRITE_REPLY,
	MSG_PEER,	 /* between nodes: a replication strategy's message (peer_type) */
};

/* The steps of one attempt of an operation, which name its messages' draws
 * (common random numbers, net.h): the same operation, attempt and step
 * draw the same latency under every policy. */
enum msg_step {
	STEP_READ,	 /* the client's read request */
	STEP_READ_REPLY,
	STEP_WRITE,	 /* the client's write request */
	STEP_WRITE_REPLY,
	STEP_CANCEL,
	STEP_PEER,	 /* first of a strategy's messages between nodes: STEP_PEER + k */
	/* a lock service's round trips (apart from STEP_PEER + k) */
	STEP_ACQUIRE = 200,
	STEP_ACQUIRE_REPLY,
	STEP_RELEASE,
};

enum reply_status {
	ST_OK,
	ST_REJECTED, /* write refused: version mismatch or stale fencing token */
	ST_DENIED,   /* lock busy (mode fail) */
};

/* Message flags: what the simulator knows, never shown to the policy's
 * client side. */
#define MSGF_DISCARDED 0x1 /* write acknowledged but not applied */
#define MSGF_COPY 0x2	   /* ctx holds a copy of a key (policy.h), not a client context */
#define MSGF_LOST 0x4	   /* the network loses it (a fault): it never arrives */
#define MSGF_FREE 0x80	   /* in the pool's free list (msg_pool_free releases the others) */

/* The context a client carries from its read to its write, filled and read
 * by the policy only.  A policy that keeps references in it (siblings keeps
 * a refcounted snapshot) releases them in its ctx_drop slot. */
union policy_ctx {
	unsigned char bytes[48];
	int64_t align;
};

/* Include parents: the versions whose effects a write carries. */
struct parents {
	uint32_t n;
	uint32_t one;  /* the parent when n == 1 */
	uint32_t *ids; /* the parents when n > 1 (owned) */
};

static inline const uint32_t *parents_ids(const struct parents *p)
{
	return p->n > 1 ? p->ids : &p->one;
}

/* Copies of several keys in one message (a new primary's resync): n keys,
 * and after them n copies of the policy's copy size, each holding its
 * references (policy.h).  The message owns it. */
struct bundle {
	uint32_t n;
	uint32_t *keys;
	unsigned char *copies;
};

struct msg {
	struct msg *next; /* pool free list; lock wait queue */
	uint32_t src, dst; /* endpoints (net.h) */
	uint32_t client;
	uint32_t key;
	uint32_t op;	  /* client operation slot */
	uint32_t gen;	  /* its generation: replies to finished operations are dropped */
	uint64_t op_id;	  /* operation id (issue order), for traces */
	uint64_t op_seq;  /* the client's operation number, from 0 (draws) */
	uint16_t attempt; /* the attempt of the operation, from 1 (draws) */
	uint16_t step;	  /* enum msg_step (draws) */
	uint8_t type;	  /* enum msg_type */
	uint8_t kind;	  /* enum op_kind */
	uint8_t status;	  /* enum reply_status */
	uint8_t flags;	  /* MSGF_* */
	uint8_t peer_type; /* MSG_PEER: the strategy's message type */
	uint8_t cls;	  /* node-to-node latency class (net.h) */
	uint32_t incarnation; /* of dst when it arrived: a crash drops queued messages */
	uint32_t src_incarnation; /* of a node src when it sent: a crash loses what it had not delivered */
	uint32_t version; /* read reply: the version read (one-version states);
			     write reply: the version created, or HIST_NONE */
	uint32_t nversions; /* read reply: versions (siblings) in the state */
	uint32_t read_id;   /* history read id, or HIST_NONE */
	int64_t value;	    /* read reply: value read; write: value written */
	int64_t begin;	    /* when the operation was issued */
	int64_t arrived;    /* when the request reached the store */
	struct parents parents; /* write: include parents */
	union policy_ctx ctx;
	/* between nodes, and where a write is ordered */
	uint32_t req, req_gen;	/* the coordinator's request a peer message belongs to */
	uint64_t seq_no;	/* the write's place in its partition's order (0: none yet) */
	uint64_t term;		/* the term of the primary that ordered it */
	uint16_t replica;	/* the copy (j) a peer message concerns */
	struct bundle *bundle;	/* copies of several keys, or NULL */
};

struct policy;

struct msg_pool {
	struct msg *free;
	struct msg **chunks;
	uint32_t nchunks, chunkcap;
	const struct policy *policy; /* for ctx_drop */
	uint64_t live;
};

void msg_pool_init(struct msg_pool *p, const struct policy *policy);
/* Frees the pool; messages still held (a run stopped early by a guard or
 * an interrupt) release what they own first. */
void msg_pool_free(struct msg_pool *p);

/* A zeroed message, or NULL when out of memory. */
struct msg *msg_new(struct msg_pool *p);

/* A bundle with room for n copies of copy_size bytes (not yet filled:
 * the caller sets keys and exports copies), or NULL. */
struct bundle *bundle_new(uint32_t n, size_t copy_size);

/* Returns m to the pool, releasing its parents, policy context and
 * bundle. */
void msg_free(struct msg_pool *p, struct msg *m);

/* Parents: set, copy, move, clear. */
int parents_set(struct parents *p, const uint32_t *ids, uint32_t n);
void parents_move(struct parents *dst, struct parents *src);
void parents_clear(struct parents *p);

#endif
