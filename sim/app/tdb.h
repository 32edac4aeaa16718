/*
 * tdb.h - a stored run's trace read back from a results database: the
 * rows of table `trace` (written with `clobber run --record trace`) as
 * trace rows again, for the same views as a run just made (tview.h,
 * tchart.h).
 *
 * Event names map back to codes through the vocabulary of the run's
 * policy (runs.policy) and replication strategy, the inverse of what the
 * writer did (results_write.c), so a stored trace reads exactly as the trace of
 * the same run made by `clobber trace`.  A name no vocabulary knows (a
 * database from another version of clobber) keeps no code: its row is
 * shown by number.
 */
#ifndef CLOBBER_TDB_H
#define CLOBBER_TDB_H

#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "models/model.h"

/* What the trace of one stored run needs. */
struct tdb_run {
	int64_t id;
	char *scenario, *label, *point; /* point: "skew=5ms clients=8", or "" */
	uint64_t seed;
	const struct policy *policy;
	const struct repl *repl;
	struct trace_row *rows;
	size_t nrows;
	char *text;	 /* the rows' detail texts, NUL-separated */
	struct fault_window *faults; /* its fault windows (table faults), or NULL */
	uint32_t nfaults;
	double ops, writes_acked, lost_updates, stale_reads, conflicts, ops_aborted; /* NAN: absent */
};

/* Reads run `id`, its trace and its fault windows.  Returns 0, or -1 with
 * err filled: no such run (err names the ids there are), a run recorded
 * without --record trace, a policy this clobber does not know, a fault
 * window fwin_load refuses, or an SQLite error. */
int tdb_load(sqlite3 *db, int64_t id, struct tdb_run *r, char *err, size_t n);
void tdb_free(struct tdb_run *r);

/* "1 (vnode), 2 (dvv, skew=5ms)..." into buf: the runs of db that have a
 * trace (at most a dozen, then how many more), or "none". */
void tdb_traced_runs(sqlite3 *db, char *buf, size_t n);

#endif
