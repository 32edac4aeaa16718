/*
 * model.h - the models layer as the application sees it, and the only
 * header of models/ that sim/app/ includes (scripts/check-layers.sh): the
 * tables of policies and replication strategies, a run's parameters, the
 * vocabulary of trace events, and the entry points that build one world
 * from a run config and run it on a kernel.
 *
 * A run, as the runner drives it:
 *     w = world_new(cfg, kernel, history, record)
 *     world_start(w); kernel_run(kernel, INT64_MAX); world_finish(w)
 *     ... read world_stats(w), world_policy_metrics(w), world_repl_metrics(w) ...
 *     world_free(w)
 */
#ifndef CLOBBER_MODEL_H
#define CLOBBER_MODEL_H

#include <stddef.h>
#include <stdint.h>

#include "models/config.h"
#include "models/policy.h"
#include "models/repl.h"
#include "sim/core/histo.h"
#include "sim/core/kernel.h"
#include "sim/core/metric.h"
#include "sim/truth/history.h"
#include "sim/truth/record.h"

/* Every policy, in the order `clobber policies` lists them. */
size_t registry_count(void);
const struct policy *registry_at(size_t i);
const struct policy *registry_find(const char *name);

/* Every replication strategy. */
size_t registry_repl_count(void);
const struct repl *registry_repl_at(size_t i);
const struct repl *registry_repl_find(const char *name);

/* The vocabulary of trace event `code` of a run of policy p on strategy r
 * (the world's own events, then the policy's, then the strategy's), or
 * NULL for a code neither knows. */
const struct trace_vocab *model_event(const struct policy *p, const struct repl *r, unsigned code);

/* Counts and latencies a world accumulates. */
struct world_stats {
	uint64_t ops;	       /* issued */
	uint64_t ops_ok, ops_aborted, ops_failed;
	uint64_t attempts, conflicts;
	uint64_t writes_acked; /* read-modify-writes acknowledged */
	uint64_t ok_in_window; /* successes that ended between warmup and t_stop */
	int64_t t_stop;	       /* when issuing stopped */
	int64_t t_end;	       /* when the last thing happened (events, and work done ahead) */
	uint64_t think_count;  /* think times drawn, and their sum (ns) */
	double think_sum;
	struct histo *latency; /* [OP_NKINDS + 1]: per kind, then all */
	struct node_stats reads; /* read replies of all nodes */
	uint64_t msgs_sent, msgs_lost;
	uint64_t reads_ok;	 /* plain reads and probes that succeeded */
	uint64_t diverged_at_stop; /* keys whose copies disagreed when the operations ended */
	int64_t settle_ns;	 /* time the replicas took to agree after that */
	/* what the replication strategy did (0 where it does not) */
	uint64_t read_repairs, hints_delivered, ae_transfers;
	uint64_t failovers, truncated_writes;
};

struct world;

/* Builds a world on kernel k, recording into h (and rec, if not NULL).
 * Returns NULL when out of memory. */
struct world *world_new(const struct run_config *cfg, struct kernel *k,
			struct history *h, struct record *rec);
void world_free(struct world *w);

/* Schedules the first arrivals. */
void world_start(struct world *w);

/* After the kernel has drained: passes the final states to the history.
 * Returns 0, or -ENOMEM if the world ran out of memory at any point. */
int world_finish(struct world *w);

const struct world_stats *world_stats(const struct world *w);

/* An upper estimate of the memory one run of cfg needs: clients, key
 * states, the history and checker for the writes it can make, recorded
 * rows (cfg->record_ops, cfg->record_trace).  For a run stopped by time,
 * the operations are estimated from the arrival rates (phases included) or
 * the think time. */
double world_estimate_bytes(const struct run_config *cfg);

/* The operations a run of cfg is expected to issue (the estimates' basis). */
double world_estimate_ops(const struct run_config *cfg);

/* Of which the recorded rows: what a finished run holds until it is
 * written. */
double world_estimate_record_bytes(const struct run_config *cfg);

/* Bytes the world holds: clients, operation and message pools, key states,
 * histograms (not what policies allocate per key, such as sibling sets). */
size_t world_bytes(const struct world *w);

/* Fills values[] for the policy's metrics (cfg->policy->metrics) and the
 * strategy's (cfg->repl->metrics). */
void world_policy_metrics(const struct world *w, double *values);
void world_repl_metrics(const struct world *w, double *values);

/* A fault's occurrence, for charts: kind and target as in struct fault,
 * the node or client it struck, and when (end -1: until the end; equal to
 * start for a clock jump). */
struct fault_window {
	int kind, target;
	uint32_t index;
	int64_t start, end;
};
const struct fault_window *world_fault_windows(const struct world *w, uint32_t *n);

/* The value held by a key (its first copy's, the first version's with
 * siblings); -1 if the policy does not keep scalar values (siblings with
 * merge: union). */
int64_t world_key_value(const struct world *w, uint32_t key);

#endif
