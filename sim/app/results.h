/*
 * results.h - the results database (SQLite), design section 6.
 *
 *   runs(id, scenario, policy, label, seed, replication, point, params,
 *        version, started_at, wall_s, status)
 *   run_params(run_id, name, value)    sweep-axis values; numbers where the
 *                                      value is a number, a rate (per second)
 *                                      or a duration (milliseconds)
 *   metrics(run_id, name, value)
 *   latency(run_id, kind, count, mean_ms, p50_ms, p90_ms, p99_ms, p999_ms, max_ms)
 *   quantiles(run_id, q, latency_ms)   latency of all successful operations
 *                                      at 103 levels q (min, each percentile,
 *                                      p99.9, p99.99, max): the CDF charts
 *   ops(run_id, op, client, kind, key, start_ms, end_ms, latency_ms, status,
 *       attempts, lost)                          with --record ops
 *   trace(run_id, seq, time_ms, actor, op, event, kind, key, version, value,
 *         aux, lost, node, aux2, detail)         with --record trace
 *   visibility(run_id, t_ms, reads, consistent)  PBS t-visibility, with
 *                                      several copies or probes
 *   faults(run_id, kind, target, target_index, start_ms, end_ms)
 *                                      each occurrence of the fault schedule
 *                                      (sim/app/fwin.h)
 *   metric_info(name, unit, meaning, owner)      every metric this clobber
 *                                      knows, written whenever the database
 *                                      is opened for writing
 *   ops and trace are plain rowid tables without an index: a run's rows are
 *   appended in op (seq) order in its one transaction, so they are contiguous,
 *   and inserts reach a million rows per second.  For queries by run over
 *   many runs, CREATE INDEX ops_by_run ON ops(run_id) once the sweep is done.
 *
 * Guarantees:
 *  - Each run is written in one transaction: the database holds whole runs
 *    or none of a run, whatever happens to the process.
 *  - A run is identified by (scenario, params): params is the run's fully
 *    resolved scenario as JSON, so running a scenario again skips the runs
 *    already there and adds the missing ones (new sweep values, policies or
 *    replications extend a database).  Runs of the same label, sweep values
 *    and replication with other parameters (the scenario was edited) are
 *    refused rather than mixed: see results_conflict().
 *  - PRAGMA user_version holds RESULTS_SCHEMA; a database with another
 *    version is refused.
 *  - Every value reaches SQL through a bound parameter.
 */
#ifndef CLOBBER_RESULTS_H
#define CLOBBER_RESULTS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/app/runner.h"

#define RESULTS_SCHEMA 4 /* 4: table faults; 3: the trace's node, aux2 and detail */
#define RESULTS_BATCH 256 /* rows per multi-row INSERT of ops and trace rows */

struct results;

/* Identity and bookkeeping of one run. */
struct run_row {
	const char *scenario;
	const char *policy;
	const char *label;
	uint64_t seed;
	uint64_t replication;
	uint64_t point;
	const char *params;
	const char *started_at;
	size_t naxes;
	const char *const *axis_names;
	const char *const *axis_values;
};

/* Opens (creating it and its schema if `create` and it does not exist) a
 * database.  Returns 0 or -1 with err filled. */
int results_open(const char *path, bool create, struct results **out, char *err, size_t n);
void results_close(struct results *r);

/* Sets *done if the run identified by (scenario, params) is stored. */
int results_has_run(struct results *r, const char *scenario, const char *params, bool *done,
		    char *err, size_t n);

/* Sets *conflict if the database holds a run of this scenario with the same
 * label, sweep values and replication but other parameters: the scenario
 * changed since that run, and the two must not be mixed. */
int results_conflict(struct results *r, const char *scenario, const char *label,
		     uint64_t replication, const char *params, bool *conflict, char *err, size_t n);

/* Writes one run with its metrics, latencies and recorded rows, in one
 * transaction (sorting res's operation rows by id on the way).  Returns 0;
 * 1 if the run is already there (another process running the same sweep
 * wrote it first: nothing is written); or -1 with err filled (nothing
 * written). */
int results_write_run(struct results *r, const struct run_row *row, const struct run_result *res,
		      char *err, size_t n);

/* The underlying handle, for the readers (report, plot, trace). */
struct sqlite3 *results_db(struct results *r);

/* A run_params value: a number (durations in ms, rates per second), or NAN
 * if the text is not numeric. */
double results_param_number(const char *text);

#endif
