/*
 * exec.h - running the runs of a scenario, in parallel, into a database.
 *
 * `jobs` worker threads take runs in order and run them, and write them:
 * the first worker whenever the next run in order is finished, another
 * only when it could not start a run otherwise or as it finishes, the
 * calling thread while nobody writes; always the finished runs in run
 * order, one thread at a time (results_write_run batches them into
 * transactions of whole runs).  So -j N uses N threads, the calling thread
 * only draws progress and passes interrupts on, and the rows, and their
 * ids, are the same whatever the number of workers (only wall_s and
 * started_at differ).  Workers run at most a window of runs ahead of the
 * next run to write, which bounds the memory held by finished, unwritten
 * runs.
 *
 * Runs already in the database (same scenario and parameters) are skipped,
 * and so are runs outside the selection (a --shard slice), if one is given.
 * Planning looks each run up by index (none when the database holds no run
 * of the scenario), so resuming is O(runs log runs),
 * and holds one number per run: a run's config is resolved by the worker
 * that runs it.  On an interrupt (the flag turns non-zero), in planning as
 * while running, no new run starts, runs in progress are abandoned,
 * finished ones are written.
 */
#ifndef CLOBBER_EXEC_H
#define CLOBBER_EXEC_H

#include <signal.h>
#include <stdbool.h>
#include <stdint.h>

#include "sim/app/results.h"
#include "sim/app/scenario.h"

struct exec_opts {
	int jobs;		/* worker threads, >= 1 */
	bool record_ops;
	bool record_trace;
	bool progress;		/* draw progress on stderr (a terminal) */
	const bool *select;	/* NULL: every run; else run i only if select[i] */
	volatile sig_atomic_t *interrupted;
};

struct exec_summary {
	uint64_t runs;	  /* in the scenario (in the selection, if one is given) */
	uint64_t skipped; /* already in the database */
	uint64_t written; /* run and written now */
	uint64_t events;  /* kernel events of the runs written */
	double wall;	  /* seconds */
	double plan_s;	  /* of which planning (which runs are stored already) */
	double write_s;	  /* and writing results (by the workers, one at a time) */
};

/* Returns 0; -1 on a failure (err filled); -2 if interrupted. */
int exec_scenario(const struct scenario *s, struct results *db, const struct exec_opts *o,
		  struct exec_summary *sum, char *err, size_t n);

/* How many runs may be in memory at once with `workers` workers: running,
 * or finished and waiting to be written (fewer when they are recorded).
 * The memory check of `clobber run` counts each at its estimate. */
size_t exec_window(int workers, bool recording);

#endif
