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
 *                                      p99.9, p99.99, max): the CDF charts; a
 *                                      view of quantile_sets(run_id,
 *                                      latency_ns), one JSON array a run
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
 *  - A run is written inside one transaction (with other runs, each in a
 *    savepoint of its own: results_write_run): the database holds whole
 *    runs or none of a run, whatever happens to the process.
 *  - A run is identified by (scenario, params): params is the run's fully
 *    resolved scenario as JSON, so running a scenario again skips the runs
 *    already there and adds the missing ones (new sweep values, policies or
 *    replications extend a database).  Runs of the same label, sweep values
 *    and replication with other parameters (the scenario was edited) are
 *    refused rather than mixed: see results_conflict().
 *    The check is made again inside each run's write transaction (or the
 *    caller's checks still hold there: results_planning), so two processes
 *    writing one database with different parameters cannot mix their runs
 *    either: the second to write a run is refused.
 *  - PRAGMA user_version holds RESULTS_SCHEMA; a database with another
 *    version is refused (but RESULTS_SCHEMA_UPGRADABLE: results_open), and
 *    an SQLite file without clobber's runs table is named as another
 *    program's database.
 *  - Every value reaches SQL through a bound parameter.
 */
#ifndef CLOBBER_RESULTS_H
#define CLOBBER_RESULTS_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/app/runner.h"

/* 5: quantile_sets and the view quantiles; 4: table faults; 3: the trace's
 * node, aux2 and detail.  A database of version 4 is read as it is and
 * upgraded to 5 when opened for writing. */
#define RESULTS_SCHEMA 5
#define RESULTS_SCHEMA_UPGRADABLE 4
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
 * database.  Returns 0 or -1 with err filled.  Only regular files are
 * opened: a directory, a device (/dev/null), a pipe are refused, and
 * nothing is created beside them.  A database this user cannot write, in
 * a directory this user cannot write, is read as immutable (its write-ahead
 * log, if one is left, is not read: err is not filled, but
 * results_note() says so).  A database of RESULTS_SCHEMA_UPGRADABLE is
 * read as it is, and upgraded in one transaction when opened with
 * `create` (its quantiles unchanged, bit for bit, or it is refused). */
int results_open(const char *path, bool create, struct results **out, char *err, size_t n);
void results_close(struct results *r);

/* A note about how the database was opened ("" if none): read as
 * immutable, say. */
const char *results_note(const struct results *r);

/* Checks a path given for a database to write (-o, merge's OUT): refuses
 * "", ":memory:" and URIs ("file:..."), which SQLite would keep in memory
 * or read as options, so that the runs would be lost, and anything that
 * exists but is not a regular file.  Returns 0, or -1 with err filled. */
int results_check_out_path(const char *path, char *err, size_t n);

/* While *flag is zero, a writer waits for another process holding the
 * database (one writing a large run can hold it for minutes), up to
 * RESULTS_BUSY_MAX_S; once it is not, waiting stops and the operation
 * fails as busy.  NULL: never interrupted. */
#define RESULTS_BUSY_MAX_S (24 * 3600)
void results_set_interrupt(const volatile sig_atomic_t *flag);

/* Sets *any if a run of `scenario` is stored: when none is, no run of it
 * is stored or conflicts, and planning need not check them one by one. */
int results_has_scenario(struct results *r, const char *scenario, bool *any, char *err, size_t n);

/* Sets *done if the run identified by (scenario, params) is stored. */
int results_has_run(struct results *r, const char *scenario, const char *params, bool *done,
		    char *err, size_t n);

/* Sets *conflict if the database holds a run of this scenario with the same
 * label, sweep values and replication but other parameters: the scenario
 * changed since that run, and the two must not be mixed.  An index on
 * (scenario, label, replication, sweep values) makes it O(log runs). */
int results_conflict(struct results *r, const char *scenario, const char *label,
		     uint64_t replication, const char *params, bool *conflict, char *err, size_t n);

/* Writes one run with its metrics, latencies and recorded rows (sorting
 * res's operation rows by id on the way).  Runs are written in
 * transactions of several runs, each run in a savepoint of its own,
 * committed once the transaction is RESULTS_COMMIT_S old, by results_flush
 * or results_flush_due (which exec.c calls while no run is ready, so that
 * no run waits for the next), or by results_close: a commit per run was the
 * larger part of writing a small run.  A run with recorded rows (ops,
 * trace) is committed alone, so that failing to write it (a full disk)
 * keeps the runs before it.  A transaction holds whole runs only, so a
 * reader, a crash or a killed process sees whole runs (and loses at most
 * the runs finished in about the last RESULTS_COMMIT_S, which running
 * again redoes).  Returns 0;
 * 1 if the run is already there (another process running the same sweep
 * wrote it first: nothing is written); 2 if a conflicting run is there
 * (results_conflict(), checked in the same transaction: another process
 * running the scenario with other parameters wrote it first; nothing is
 * written); -2 if interrupted while waiting for another writer or writing
 * its recorded rows (the flag of results_set_interrupt; nothing written);
 * or -1 with err filled (nothing of this run is written). */
int results_write_run(struct results *r, const struct run_row *row, const struct run_result *res,
		      char *err, size_t n);

#define RESULTS_COMMIT_S 0.1

/* Called before the caller checks, with results_has_run and
 * results_conflict, the runs it is about to write.  While no other
 * connection commits (SQLite's data_version, read when each transaction
 * begins), those checks still hold inside results_write_run's
 * transactions, and it skips its own conflict check; once another has
 * committed, it checks every run. */
void results_planning(struct results *r);

/* Commits the runs written since the last commit.  Returns 0 or -1 with
 * err filled (they are then lost, and running again redoes them). */
int results_flush(struct results *r, char *err, size_t n);

/* The same once the open transaction is RESULTS_COMMIT_S old, for a caller
 * that has no run to write: so a finished run is committed within about
 * RESULTS_COMMIT_S however long the next run takes. */
int results_flush_due(struct results *r, char *err, size_t n);

/* The underlying handle, for the readers (report, plot, trace). */
struct sqlite3 *results_db(struct results *r);

/* A run_params value: a number (durations in ms, rates per second), or NAN
 * if the text is not numeric. */
double results_param_number(const char *text);

#endif
