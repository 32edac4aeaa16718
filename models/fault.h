/*
 * fault.h - the fault schedule of a run (design section 10): crashes,
 * partitions, message loss, pauses and clock jumps, and what a crash keeps.
 *
 * Occurrence k of fault i starts at k * every + a draw of `at` and lasts a
 * draw of `for` (0: until the operations end), both drawn from the stream
 * (RNG_FAULT, i, k): the schedule is a function of the seed and the
 * scenario alone, the same for every policy of a sweep point.  Occurrences
 * of one fault start in order (one drawn earlier than its predecessor
 * starts when that one does).
 *
 * What each kind does:
 *  crash      a node goes down (node_crash: it loses its queues, the
 *             messages it sent that have not arrived yet, and what
 *             durability did not keep) and restarts after `for`; a client
 *             never returns: its operations end as failed, and the locks
 *             it held stay taken until their leases run out.
 *  partition  links between nodes of different groups (nodes in no group
 *             form one more group), or from each `from` node to each `to`
 *             node, are cut: a message sent on a cut link, or arriving
 *             while it is cut, is lost.  The links of clients, the proxy
 *             and the lock service are never cut: clients stay with the
 *             node they talk to.
 *  loss       each message (any link) is lost with probability p, drawn
 *             for the message's place in its operation (common random
 *             numbers, as its latency).
 *  pause      a node or client does nothing until it resumes (defer.h).
 *  clock_jump a node's or client's clock steps by `by` (clock_jump).
 *
 * Ending.  When the operations are over (the world has drained), every
 * fault heals at once: crashed nodes restart, paused processes resume,
 * links are restored, loss stops, and no further occurrence starts; the
 * cluster then settles (design section 9).  A lost message is counted in
 * msgs_lost; nothing else of a run changes when a scenario has no faults.
 *
 * Windows.  Each occurrence is recorded for charts (world_fault_windows),
 * the first FAULT_WINDOWS_MAX of a run only.
 */
#ifndef CLOBBER_FAULT_H
#define CLOBBER_FAULT_H

#include <stdbool.h>
#include <stdint.h>

#include "models/model.h"
#include "sim/truth/record.h"

#define FAULT_WINDOWS_MAX 10000

struct world;
struct node;
struct msg;

/* Sets up the schedule of w's run (nothing when it has no faults and
 * durability every).  Returns 0 or -ENOMEM. */
int fault_init(struct world *w);
void fault_free(struct world *w);
/* Schedules the first occurrences. */
void fault_start(struct world *w);
/* The operations are over: heal everything, start nothing more. */
void fault_end(struct world *w);

/* At sending: true if message m from src to dst is lost (loss drawn, or
 * its link cut). */
bool fault_drops(struct world *w, const struct msg *m, uint32_t src, uint32_t dst);
/* At arrival: true if the link from endpoint src to dst is cut now. */
bool fault_cut(const struct world *w, uint32_t src, uint32_t dst);
/* Node i is up and not paused. */
bool fault_running(const struct world *w, uint32_t i);
/* Nodes a and b are both running and the links between them are up. */
bool fault_reachable(const struct world *w, uint32_t a, uint32_t b);

/* Copy j of partition p runs and reaches a majority of the partition's
 * copies, itself included (what an election needs). */
bool fault_majority(const struct world *w, uint32_t p, uint32_t j);

/* What durability keeps of node n's key state ks for key: a copy written
 * into `copy` (the caller drops it), or NULL for nothing. */
const void *fault_durable(struct world *w, struct node *n, uint32_t key, void *ks, void *copy);

/* The vocabulary of the schedule's trace events (>= TR_FAULT), or NULL. */
const struct trace_vocab *fault_event(unsigned code);

#endif
