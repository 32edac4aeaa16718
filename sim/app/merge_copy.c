/*
 * merge_copy.c - copying the planned runs of `clobber merge`'s inputs into
 * OUT: the tables shared by all runs united, then each run with its rows in
 * every table that has a run_id column, one transaction per run.  See
 * cmd_merge.c.
 */
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/cli.h"
#include "sim/app/merge.h"
#include "sim/core/strbuf.h"

/* t's columns, quoted and comma-separated. */
static void merge_cols(struct strbuf *b, const struct merge_table *t)
{
	for (size_t c = 0; c < t->ncols; c++) {
		if (c)
			sb_puts(b, ",");
		merge_ident(b, t->cols[c]);
	}
}

/* Prepares b's SQL in db (path names it in an error) and frees b. */
static int merge_prepare(struct merge *m, sqlite3 *db, const char *path, struct strbuf *b,
			 sqlite3_stmt **st)
{
	int rc = b->failed || sqlite3_prepare_v2(db, b->s, -1, st, NULL) != SQLITE_OK
			 ? merge_db_error(m, db, path, "preparing")
			 : 0;
	sb_free(b);
	return rc;
}

/* INSERT INTO t(cols...) VALUES (?...), optionally OR IGNORE. */
static int merge_insert_stmt(struct merge *m, const struct merge_table *t, const char *verb,
			     sqlite3_stmt **st)
{
	struct strbuf b;
	sb_init(&b);
	sb_printf(&b, "%s INTO ", verb);
	merge_ident(&b, t->name);
	sb_puts(&b, "(");
	merge_cols(&b, t);
	sb_puts(&b, ") VALUES (");
	for (size_t c = 0; c < t->ncols; c++)
		sb_puts(&b, c ? ",?" : "?");
	sb_puts(&b, ")");
	return merge_prepare(m, results_db(m->out), m->out_path, &b, st);
}

/* SELECT cols FROM t [WHERE ...] in the input. */
static int merge_select_stmt(struct merge *m, struct merge_input *in, const struct merge_table *t,
			     const char *where, sqlite3_stmt **st)
{
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "SELECT ");
	merge_cols(&b, t);
	sb_puts(&b, " FROM ");
	merge_ident(&b, t->name);
	sb_puts(&b, where);
	return merge_prepare(m, in->db, in->path, &b, st);
}

/* Copies the rows of st (stepped here) into ins, binding run_id_col (if
 * not SIZE_MAX) to new_id.  Returns the number of rows, or -1. */
static long merge_copy_rows(sqlite3_stmt *st, sqlite3_stmt *ins, size_t ncols, size_t run_id_col,
			    sqlite3_int64 new_id)
{
	int rc;
	long rows = 0;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		for (size_t c = 0; c < ncols; c++) {
			if (c == run_id_col)
				sqlite3_bind_int64(ins, (int)c + 1, new_id);
			else
				sqlite3_bind_value(ins, (int)c + 1, sqlite3_column_value(st, (int)c));
		}
		int irc = sqlite3_step(ins);
		sqlite3_reset(ins);
		if (irc != SQLITE_DONE) {
			sqlite3_reset(st);
			return -1;
		}
		rows++;
	}
	sqlite3_reset(st);
	return rc == SQLITE_DONE ? rows : -1;
}

/* Shared tables (no run_id): adds the rows OUT lacks, in one transaction. */
static int merge_shared_tables(struct merge *m, struct merge_input *in)
{
	sqlite3 *out = results_db(m->out);
	if (sqlite3_exec(out, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return merge_db_error(m, out, m->out_path, "starting a transaction");
	int rc = 0;
	for (size_t k = 0; k < in->ntables && rc == 0; k++) {
		struct merge_table *t = &in->tables[k];
		if (t->run_id_col != SIZE_MAX)
			continue;
		sqlite3_stmt *sel = NULL, *ins = NULL;
		rc = merge_select_stmt(m, in, t, "", &sel);
		/* a row identical to one OUT has is not added twice, with or
		 * without a key; a row whose key OUT has with other values keeps
		 * OUT's (OR IGNORE) */
		struct strbuf b;
		sb_init(&b);
		sb_puts(&b, "INSERT OR IGNORE INTO ");
		merge_ident(&b, t->name);
		sb_puts(&b, " SELECT ");
		for (size_t c = 0; c < t->ncols; c++)
			sb_printf(&b, "%s?%zu", c ? "," : "", c + 1);
		sb_puts(&b, " WHERE NOT EXISTS (SELECT 1 FROM ");
		merge_ident(&b, t->name);
		for (size_t c = 0; c < t->ncols; c++) {
			sb_puts(&b, c ? " AND " : " WHERE ");
			merge_ident(&b, t->cols[c]);
			sb_printf(&b, " IS ?%zu", c + 1);
		}
		sb_puts(&b, ")");
		if (rc == 0 && (b.failed || sqlite3_prepare_v2(out, b.s, -1, &ins, NULL) != SQLITE_OK))
			rc = merge_db_error(m, out, m->out_path, "preparing");
		sb_free(&b);
		if (rc == 0 && merge_copy_rows(sel, ins, t->ncols, SIZE_MAX, 0) < 0)
			rc = merge_db_error(m, out, m->out_path, "copying a table");
		sqlite3_finalize(sel);
		sqlite3_finalize(ins);
	}
	if (rc == 0 && sqlite3_exec(out, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		rc = merge_db_error(m, out, m->out_path, "committing");
	if (rc < 0)
		sqlite3_exec(out, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

static int merge_range_cmp(const void *a, const void *b)
{
	const struct merge_range *x = a, *y = b;
	return x->run_id < y->run_id ? -1 : x->run_id > y->run_id;
}

/* The per-run reading statements of an input's tables, and the rowid
 * ranges of each run in its rowid tables (one pass over each). */
static int merge_prepare_reads(struct merge *m, struct merge_input *in)
{
	for (size_t k = 0; k < in->ntables; k++) {
		struct merge_table *t = &in->tables[k];
		if (t->run_id_col == SIZE_MAX)
			continue;
		if (!t->rowid) {
			if (merge_select_stmt(m, in, t, " WHERE run_id = ?1", &t->read) < 0)
				return -1;
			continue;
		}
		if (merge_select_stmt(m, in, t, " WHERE rowid BETWEEN ?2 AND ?3 AND run_id = ?1 ORDER BY rowid",
				      &t->read) < 0)
			return -1;
		struct strbuf b;
		sb_init(&b);
		sb_puts(&b, "SELECT run_id, min(rowid), max(rowid) FROM ");
		merge_ident(&b, t->name);
		sb_puts(&b, " GROUP BY run_id ORDER BY run_id");
		sqlite3_stmt *st;
		int rc = b.failed || sqlite3_prepare_v2(in->db, b.s, -1, &st, NULL) != SQLITE_OK ? -1 : 0;
		sb_free(&b);
		if (rc < 0)
			return merge_db_error(m, in->db, in->path, "reading");
		size_t cap = 0;
		while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
			if (t->nranges == cap) {
				cap = cap ? 2 * cap : 64;
				struct merge_range *r = realloc(t->ranges, cap * sizeof(*r));
				if (!r) {
					sqlite3_finalize(st);
					snprintf(m->err, sizeof(m->err), "out of memory");
					return -1;
				}
				t->ranges = r;
			}
			t->ranges[t->nranges++] = (struct merge_range){sqlite3_column_int64(st, 0),
								       sqlite3_column_int64(st, 1),
								       sqlite3_column_int64(st, 2)};
		}
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return merge_db_error(m, in->db, in->path, "reading");
	}
	return 0;
}

/* Copies one run in one transaction.  Returns 0 (copied), 1 (OUT has it
 * already: another process wrote it meanwhile), 2 (OUT has a conflicting
 * run now: refused) or -1 (an error). */
static int merge_copy_run(struct merge *m, struct merge_input *in, const struct merge_run *r,
			  sqlite3_stmt *run_sel, sqlite3_stmt *run_ins, sqlite3_stmt **ins)
{
	sqlite3 *out = results_db(m->out);
	if (sqlite3_exec(out, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return merge_db_error(m, out, m->out_path, "starting a transaction");
	bool found;
	int rc = results_has_run(m->out, r->scenario, r->params, &found, m->err, sizeof(m->err));
	if (rc == 0 && found)
		rc = 1;
	if (rc == 0 && results_conflict(m->out, r->scenario, r->label, (uint64_t)r->replication,
					r->params, &found, m->err, sizeof(m->err)) < 0)
		rc = -1;
	if (rc == 0 && found)
		rc = 2;
	if (rc != 0)
		goto out_rollback;
	sqlite3_bind_int64(run_sel, 1, r->id);
	/* the runs row without its id: OUT gives the next one (exactly one
	 * row, else the rows below would go to another run) */
	if (merge_copy_rows(run_sel, run_ins, in->runs.ncols, SIZE_MAX, 0) != 1) {
		rc = merge_db_error(m, out, m->out_path, "writing a run");
		goto out_rollback;
	}
	sqlite3_int64 new_id = sqlite3_last_insert_rowid(out);
	for (size_t k = 0; k < in->ntables; k++) {
		struct merge_table *t = &in->tables[k];
		if (!t->read)
			continue;
		sqlite3_bind_int64(t->read, 1, r->id);
		if (t->rowid) {
			struct merge_range key = {.run_id = r->id};
			const struct merge_range *g =
				t->nranges ? bsearch(&key, t->ranges, t->nranges, sizeof(key), merge_range_cmp)
					   : NULL;
			if (!g)
				continue; /* no rows of this run in this table */
			sqlite3_bind_int64(t->read, 2, g->lo);
			sqlite3_bind_int64(t->read, 3, g->hi);
		}
		if (merge_copy_rows(t->read, ins[k], t->ncols, t->run_id_col, new_id) < 0) {
			rc = merge_db_error(m, out, m->out_path, "writing a run");
			goto out_rollback;
		}
	}
	if (sqlite3_exec(out, "COMMIT", NULL, NULL, NULL) != SQLITE_OK) {
		rc = merge_db_error(m, out, m->out_path, "committing a run");
		goto out_rollback;
	}
	return 0;
out_rollback:
	sqlite3_exec(out, "ROLLBACK", NULL, NULL, NULL);
	return rc;
}

/* Copies the planned runs of input i.  Returns 0, -1 (m->err filled),
 * 2 (refused: a conflicting run appeared in OUT) or -2 (interrupted). */
int merge_copy_input(struct merge *m, size_t i)
{
	struct merge_input *in = &m->in[i];
	if (!in->runs.name)
		return 0; /* no schema yet: nothing to copy */
	if (merge_shared_tables(m, in) < 0 || merge_prepare_reads(m, in) < 0)
		return -1;
	sqlite3_stmt *run_sel = NULL, *run_ins = NULL;
	sqlite3_stmt **ins = calloc(in->ntables ? in->ntables : 1, sizeof(*ins));
	int rc = 0;
	if (!ins) {
		snprintf(m->err, sizeof(m->err), "out of memory");
		rc = -1;
	}
	if (rc == 0)
		rc = merge_select_stmt(m, in, &in->runs, " WHERE id = ?1", &run_sel);
	if (rc == 0)
		rc = merge_insert_stmt(m, &in->runs, "INSERT", &run_ins);
	for (size_t k = 0; k < in->ntables && rc == 0; k++)
		if (in->tables[k].read)
			rc = merge_insert_stmt(m, &in->tables[k], "INSERT", &ins[k]);
	for (size_t j = 0; j < m->nruns && rc == 0; j++) {
		const struct merge_run *r = &m->runs[j];
		if (r->input != i || !r->copy)
			continue;
		if (cli_interrupted) {
			rc = -2;
			break;
		}
		int crc = merge_copy_run(m, in, r, run_sel, run_ins, ins);
		if (crc == 0) {
			in->copied++;
		} else if (crc == 2) {
			merge_refuse_edited(m, r, m->out_path, r);
			rc = 2;
		} else if (crc < 0) {
			rc = -1;
		} /* 1: another process wrote it meanwhile */
	}
	sqlite3_finalize(run_sel);
	sqlite3_finalize(run_ins);
	for (size_t k = 0; ins && k < in->ntables; k++)
		sqlite3_finalize(ins[k]);
	free(ins);
	return rc;
}
