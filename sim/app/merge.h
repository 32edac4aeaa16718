/*
 * merge.h - what cmd_merge.c (the command, reading the inputs, the plan)
 * and merge_copy.c (copying runs into OUT) share; no other file includes
 * it.  See cmd_merge.c for the guarantees of `clobber merge`.
 */
#ifndef CLOBBER_MERGE_H
#define CLOBBER_MERGE_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/app/results.h"
#include "sim/core/strbuf.h"

/* One table of an input, as its schema says. */
struct merge_table {
	char *name;
	char *sql;	    /* its CREATE TABLE statement, to create it in OUT */
	char **cols;
	size_t ncols;
	size_t run_id_col;  /* index of run_id in cols, or SIZE_MAX */
	bool rowid;	    /* a rowid table: rows are read in rowid order */
	sqlite3_stmt *read; /* this run's rows (per-run tables) */
	struct merge_range *ranges; /* rowid tables: each run's rowid range */
	size_t nranges;
};

/* Where one run's rows lie in a rowid table without an index on run_id:
 * runs are written one at a time by one writer, so their rows are contiguous,
 * and a range read is one seek instead of a scan of the whole table. */
struct merge_range {
	sqlite3_int64 run_id, lo, hi;
};

struct merge_input {
	const char *path;
	struct results *res;
	sqlite3 *db;
	struct merge_table *tables; /* every table but runs */
	size_t ntables;
	struct merge_table runs;    /* the runs table */
	uint64_t nruns, copied; /* runs in its snapshot; copied into OUT */
};

/* One run of an input, as the plan sees it. */
struct merge_run {
	size_t input;
	sqlite3_int64 id;
	char *scenario, *label, *params, *sweep;
	sqlite3_int64 replication;
	bool copy; /* not a duplicate of an earlier input's run, not in OUT */
};

struct merge {
	const char *out_path;
	struct results *out;
	struct merge_input *in;
	size_t nin;
	struct merge_run *runs;
	size_t nruns, cap;
	char err[2048];
};

/* Appends "name" with its double quotes doubled: an SQL identifier. */
void merge_ident(struct strbuf *b, const char *name);

/* Fills m->err with "path: what: SQLite's message"; returns -1. */
int merge_db_error(struct merge *m, sqlite3 *db, const char *path, const char *what);

/* Fills m->err: a and b are runs of an edited scenario; returns -1. */
int merge_refuse_edited(struct merge *m, const struct merge_run *a, const char *where_a,
			const struct merge_run *b);

/* Copies the planned runs of input i, one transaction per run.  Returns 0,
 * -1 (m->err filled), 2 (refused: a conflicting run appeared in OUT) or -2
 * (interrupted). */
int merge_copy_input(struct merge *m, size_t i);

#endif
