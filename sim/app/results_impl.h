/*
 * results_impl.h - what results.c (schema, opening, lookups) and
 * results_write.c (writing runs) share; no other file includes it.
 */
#ifndef CLOBBER_RESULTS_IMPL_H
#define CLOBBER_RESULTS_IMPL_H

#include <sqlite3.h>
#include <stdbool.h>
#include <time.h>

#include "sim/app/results.h"

#define TRACE_COLS 15 /* columns of the trace table */

struct results {
	sqlite3 *db;
	char note[200];		  /* how it was opened, when that is worth saying */
	struct timespec busy_since; /* when the current wait for another writer began */
	sqlite3_stmt *has_scenario, *has_run, *conflict, *run, *param, *latency, *visibility, *faults;
	sqlite3_stmt *quantiles; /* a run's row of quantile_sets */
	sqlite3_stmt *metrics[RUN_MAX_METRICS + 1]; /* [n]: n rows in one statement */
	sqlite3_stmt *ops_batch, *ops_one, *trace_batch, *trace_one;
	sqlite3_stmt *sp_begin, *sp_release, *sp_undo; /* a run's savepoint */
	/* the last run's metric names (the same pointers run after run for a
	 * policy) and their order by name (results_write.c: metric_order) */
	const char *order_names[RUN_MAX_METRICS];
	size_t order_n;
	size_t order[RUN_MAX_METRICS];
	/* The open transaction of several runs (results_write_run), if any:
	 * when it began and how many runs it holds. */
	bool in_batch;
	struct timespec batch_since;
	uint64_t batch_runs;
	/* results_planning: the data_version when the caller began checking
	 * its runs, and whether the checks still hold (nobody else wrote) */
	sqlite3_stmt *data_version;
	int64_t planned_version;
	bool checked;
};

/* Fills err with what SQLite said about `what` (and a hint for a full
 * disk, a read-only or damaged file); returns -1. */
int results_db_error(sqlite3 *db, const char *what, char *err, size_t n);

/* Steps a bound statement that returns no row, then resets it and clears
 * its bindings: 0 when it is done, -1 otherwise. */
int results_step_done(sqlite3_stmt *st);

/* Prepares "INSERT INTO table VALUES (?,..),(?,..)..." of `rows` rows of
 * `cols` columns into *st.  Returns 0 or -1 with err filled. */
int results_prepare_multi(sqlite3 *db, const char *table, int cols, int rows, sqlite3_stmt **st,
			  char *err, size_t n);

/* Seconds since t0 (CLOCK_MONOTONIC). */
double results_since_s(const struct timespec *t0);

/* The flag of results_set_interrupt is set. */
bool results_interrupted(void);

#endif
