/*
 * shard.h - the I-th of N slices of a run list (`run --shard I/N`,
 * `check --shard I/N`), for running one sweep on many machines.
 *
 * The run list is every run of every scenario given (each point, policy and
 * replication).  Each run gets an estimated cost (shard_cost), and the runs
 * are dealt out by "longest processing time first": in order of decreasing
 * cost, each run goes to the slice whose estimated total is smallest so far
 * (the lowest-numbered slice on a tie).  Graham's bound for that rule: no
 * slice's total exceeds 4/3 of the best possible split's largest total, and
 * none exceeds the mean total by more than one run's cost.
 *
 * Guarantees:
 *  - The slices are disjoint and cover the run list: every run is in
 *    exactly one slice.
 *  - They are a pure function of the resolved runs: of each run's identity
 *    (scenario name and parameters, as stored in the database) and of its
 *    estimated cost, which is computed from its resolved config in whole
 *    numbers where the config gives whole numbers.  Not of the machine, the
 *    time, the database, -j, nor the order in which the scenarios are named
 *    (runs of equal cost are ordered by identity).
 *  - Two runs with the same identity (a scenario named twice) go to the
 *    same slice.
 */
#ifndef CLOBBER_SHARD_H
#define CLOBBER_SHARD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/model.h"
#include "sim/app/scenario.h"

#define SHARD_MAX 100000 /* N of --shard I/N at most */

/* One slice, parsed from "I/N": 1 <= index <= count <= SHARD_MAX. */
struct shard {
	unsigned index;
	unsigned count;
};

/* Parses "I/N".  Returns 0, or -1 with err saying what was expected. */
int shard_parse(const char *text, struct shard *out, char *err, size_t n);

/* The estimated cost of a run, in simulated events: the operations it is
 * expected to issue times the events one operation takes.
 *   operations: stop.ops when it is the only stop; with stop.time, the
 *     clients' offered load over that time (open loop: clients x rate x time;
 *     closed loop: clients x time / (think + compute + two round trips of
 *     network latency + two services), with the means of those
 *     distributions; script: its operations), capped by stop.ops; plus,
 *     with workload.probe, a probe read per delay after each write (the
 *     mix's share of incr, add and put).
 *   events per operation: 6 with one copy of each key, plus 4 per further
 *     copy (repl_copies: a request to it and its answer, each sent and
 *     received).  Measured with clients: 4 and lww: 6.0 on one node (5.4 to
 *     7.9 over the shipped scenarios, the excess being retries, which cannot
 *     be known before the run), 10.0 with primary and 3 replicas, 14.0 with
 *     a quorum of n = 3 and 22.2 of n = 5.
 * The wall time per event also differs, by policy and with the number of
 * copies (125 ns on one node, 325 ns with n = 5), which the estimate
 * ignores. */
uint64_t shard_cost(const struct run_config *cfg);

/* One run of the list, as the slicing sees it. */
struct shard_run {
	size_t scenario; /* index into the scenarios given */
	uint64_t run;	 /* the scenario's run number (scenario_run_index) */
	uint64_t cost;
	unsigned slice;	 /* 1..count */
	char *params;	 /* identity, with the scenario's name */
};

/* The run list of scenarios sc[0..nsc) dealt into `count` slices. */
struct shard_plan {
	struct shard_run *runs; /* in scenario order, then run order */
	size_t nruns;
	unsigned count;
	uint64_t *load; /* [count]: estimated cost of each slice (index slice - 1) */
	uint64_t total;
};

/* Resolves every run of every scenario and deals them out.  Returns 0, or
 * -1 with err filled.  The plan owns its memory: shard_plan_free. */
int shard_plan_build(struct scenario *const *sc, size_t nsc, unsigned count,
		     struct shard_plan *p, char *err, size_t n);
void shard_plan_free(struct shard_plan *p);

/* For exec_opts.select: a new array of scenario_runs(sc[scenario]) flags,
 * true for the runs of that scenario in slice `index`; NULL when out of
 * memory.  The caller frees it. */
bool *shard_select(const struct shard_plan *p, size_t scenario, uint64_t nruns, unsigned index);

#endif
