/*
 * lineage.h - where each write was ordered, for what a failover truncates.
 *
 * A strategy with a primary notes, for each version it orders, its seq_no
 * and the term of the primary that gave it, and for each promotion the
 * seq_no the new primary started from (a fork).  When a replica replaces
 * its copy with the new primary's (a resync), a version it drops was
 * truncated if it was ordered under an older term after the fork: the new
 * primary never had it.  A version dropped for another reason (the copy
 * only lagged behind) is not.  Each truncated version is counted once,
 * however many replicas drop it.
 *
 * Memory: 17 bytes per version noted (only runs with faults note any),
 * and 16 per promotion.
 */
#ifndef CLOBBER_LINEAGE_H
#define CLOBBER_LINEAGE_H

#include <stdbool.h>
#include <stdint.h>

struct lineage_fork {
	uint32_t part;
	uint64_t term, seq;
};

struct lineage {
	uint64_t *seq, *term; /* per version (0: not noted) */
	uint8_t *counted;     /* per version: counted as truncated */
	uint32_t cap;
	struct lineage_fork *forks;
	uint32_t nforks, forkcap;
};

void lineage_init(struct lineage *l);
void lineage_free(struct lineage *l);

/* Version v was ordered as seq_no seq under term.  0 or -ENOMEM. */
int lineage_note(struct lineage *l, uint32_t v, uint64_t seq, uint64_t term);

/* Partition part's primary of `term` starts from seq_no seq.  0 or -ENOMEM. */
int lineage_fork(struct lineage *l, uint32_t part, uint64_t term, uint64_t seq);

/* True if version v, dropped by a resync of partition part to `term`, was
 * truncated (see above). */
bool lineage_truncated(const struct lineage *l, uint32_t part, uint64_t term, uint32_t v);

/* Marks v counted; true the first time. */
bool lineage_count(struct lineage *l, uint32_t v);

/* The seq_no and term v was ordered with (0 when not noted). */
uint64_t lineage_seq(const struct lineage *l, uint32_t v);
uint64_t lineage_term(const struct lineage *l, uint32_t v);

#endif
