/*
 * coord.h - the requests a coordinator has in progress: a client's write
 * waiting for enough acknowledgements, a read waiting for enough replies
 * (and then for the rest, for read repair).
 *
 * A request is a slot in a per-world pool, named by (generation << 32 |
 * slot) in the peer messages that answer it, so an answer that comes after
 * the request ended is recognised and dropped, and a slot is reused without
 * allocation.  The request holds the client's message until the client is
 * answered; a quorum read also holds a scratch key state that merges the
 * replies, and each replica's copy, for read repair.
 *
 * Also here: the messages the strategies' nodes exchange.  A peer message
 * about a client's operation draws its latency from the operation's
 * identity (client, operation number, attempt) and a step of its own, so
 * its draws are common to every policy; one outside any operation (an
 * anti-entropy exchange) from a counter of such messages.
 */
#ifndef CLOBBER_COORD_H
#define CLOBBER_COORD_H

#include <stdbool.h>
#include <stdint.h>

#include "models/config.h"
#include "models/msg.h"

struct world;

struct creq {
	uint32_t gen;	     /* bumped when the slot is freed */
	uint32_t next_free;
	struct msg *client;  /* the client's request, until it is answered */
	uint32_t node;	     /* the coordinating node (index in world.nodes) */
	uint32_t key;
	uint16_t needed;     /* answers before the client is answered */
	uint16_t got;	     /* answers so far */
	uint16_t expected;   /* answers to wait for before the request ends */
	uint16_t closed;     /* answers received in all */
	uint8_t is_read;
	uint8_t live;	     /* in use */
	uint64_t seq_no;     /* primary: the write's seq_no */
	uint64_t op_id;	     /* the operation it serves (traces), or UINT64_MAX */
	void *scratch;	     /* read: the replies merged (a key state), or NULL */
	unsigned char *copies; /* read: each replica's copy (ncopies * copy size) */
	uint8_t *have;	       /* read: which replicas' copies are in copies */
};

struct coord {
	struct creq *reqs;
	uint32_t n, cap, free;
	uint32_t live;
};

void coord_init(struct coord *c);
/* Frees the pool; every request still open is released. */
void coord_free(struct world *w, struct coord *c);

/* A new request at node `node` for `key`: its reference, or UINT64_MAX
 * when out of memory.  With is_read, its scratch state and copies are
 * allocated (and the key state initialised). */
uint64_t coord_new(struct world *w, struct coord *c, uint32_t node, uint32_t key, bool is_read);

/* The live request named by ref, or NULL if it has ended. */
struct creq *coord_get(struct coord *c, uint32_t req, uint32_t gen);

/* Ends a request: releases its scratch state, copies and (if still held)
 * the client's message. */
void coord_end(struct world *w, struct coord *c, struct creq *q);

/* Ends every request node `node` coordinates (it crashed). */
void coord_abandon(struct world *w, struct coord *c, uint32_t node);

/* Ends every request still open (the operations are over and a fault may
 * have lost the answers some wait for). */
void coord_end_all(struct world *w, struct coord *c);

/* A new peer message of type `type` and class cls about `about` (the
 * client's message whose operation it belongs to, or NULL), for request
 * ref (or UINT64_MAX), and with a copy of key state ks when ks is not
 * NULL.  NULL when out of memory (the run then fails). */
struct msg *coord_peer(struct world *w, const struct msg *about, uint32_t key, uint8_t type,
		       enum peer_class cls, uint64_t ref, const void *ks);

/* A new peer message of type `type` and class cls carrying a bundle of
 * copy j of every key of partition p (a resync), or NULL when p holds no
 * key or memory ran out (the run then fails). */
struct msg *coord_bundle(struct world *w, uint32_t p, uint32_t j, uint8_t type,
			 enum peer_class cls);

/* Sends copy j of key to every other copy that holds other versions, as
 * peer messages of type `type` (counted as anti-entropy transfers); returns
 * how many it sent. */
uint64_t coord_sync_key(struct world *w, uint32_t key, uint32_t j, uint8_t type);

/* Takes the copy out of message m into dst (the caller now owns it). */
void coord_take_copy(struct world *w, struct msg *m, void *dst);

/* A uniform draw in [0, n) for message m's operation and `purpose`
 * (a replica to read from, a subset of replicas): common to every policy. */
uint32_t coord_draw(const struct world *w, const struct msg *m, uint32_t purpose, uint32_t n);

#endif
