/*
 * ring.h - where the copies of a key live: a consistent-hash ring with
 * virtual nodes (Dynamo, Riak, Cassandra).
 *
 * Each node stands at `vnodes` positions on a ring of 2^64 points, at
 * hash(node, v); a key stands at hash(key).  A key's preference list is the
 * first n distinct nodes met walking clockwise from the key; copy j of the
 * key lives on the j-th of them (copy 0 is the primary of `primary`).  The
 * keys between two consecutive positions share one preference list: they
 * form a partition (a shard), which is the unit a primary orders and a
 * failover moves.
 *
 * Guarantees: placement is a function of (key, nodes, vnodes, n) alone,
 * never of the run's seed, so every run of a scenario places keys alike;
 * with n <= nodes every list holds n distinct nodes; a partition's list is
 * computed once.  Memory: 12 bytes per position plus 2n per partition, none
 * per key (a key's partition is found by binary search, log2 of the
 * positions).
 */
#ifndef CLOBBER_RING_H
#define CLOBBER_RING_H

#include <stdbool.h>
#include <stdint.h>

struct ring {
	uint32_t nodes;	   /* nodes on the ring */
	uint32_t n;	   /* copies of each key, <= nodes */
	uint32_t npos;	   /* positions: nodes * vnodes */
	uint64_t *pos;	   /* sorted */
	uint16_t *pref;	   /* per partition (the position it ends at): n nodes */
};

/* Returns 0 or -ENOMEM. */
int ring_init(struct ring *r, uint32_t nodes, uint32_t vnodes, uint32_t n);
void ring_free(struct ring *r);

/* The partition of a key, in [0, ring_partitions(r)). */
uint32_t ring_partition(const struct ring *r, uint32_t key);
uint32_t ring_partitions(const struct ring *r);

/* The node holding copy j (< n) of the keys of partition p. */
static inline uint32_t ring_node(const struct ring *r, uint32_t p, uint32_t j)
{
	return r->pref[(uint64_t)p * r->n + j];
}

#endif
