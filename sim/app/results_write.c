/*
 * results_write.c - writing runs: each run's rows in a savepoint, several
 * runs to a transaction (results_write_run).  See results.h.
 */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "sim/truth/history.h"
#include "sim/truth/record.h"
#include "sim/app/fwin.h"
#include "sim/app/results_impl.h"
#include "sim/app/version.h"

int results_step_done(sqlite3_stmt *st)
{
	int rc = sqlite3_step(st);
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	return rc == SQLITE_DONE ? 0 : -1;
}

static void bind_op(sqlite3_stmt *st, int base, sqlite3_int64 run, const struct op_row *o,
		    const struct run_result *res)
{
	bool lost = o->status == OPST_OK && o->version != HIST_NONE && res->check.accounted &&
		    !checker_accounted(&res->check, o->version) && op_is_rmw(o->kind);
	sqlite3_bind_int64(st, base + 1, run);
	sqlite3_bind_int64(st, base + 2, (sqlite3_int64)o->id);
	sqlite3_bind_int64(st, base + 3, o->client);
	sqlite3_bind_text(st, base + 4, op_kind_names[o->kind], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, base + 5, o->key);
	sqlite3_bind_double(st, base + 6, (double)o->begin / 1e6);
	sqlite3_bind_double(st, base + 7, (double)o->end / 1e6);
	sqlite3_bind_double(st, base + 8, (double)(o->end - o->begin) / 1e6);
	sqlite3_bind_text(st, base + 9, op_status_names[o->status], -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, base + 10, o->attempts);
	sqlite3_bind_int(st, base + 11, lost);
}

static void bind_trace(sqlite3_stmt *st, int base, sqlite3_int64 run, size_t seq,
		       const struct trace_row *t, const struct run_result *res)
{
	const struct trace_vocab *v = model_event(res->policy, res->repl, t->event);
	sqlite3_bind_int64(st, base + 1, run);
	sqlite3_bind_int64(st, base + 2, (sqlite3_int64)seq);
	sqlite3_bind_double(st, base + 3, (double)t->time / 1e6);
	if (TRACE_IS_NODE(t->actor))
		sqlite3_bind_null(st, base + 4);
	else
		sqlite3_bind_int64(st, base + 4, t->actor);
	sqlite3_bind_int64(st, base + 5, (sqlite3_int64)t->op);
	sqlite3_bind_text(st, base + 6, v ? v->name : "?", -1, SQLITE_STATIC);
	sqlite3_bind_text(st, base + 7, op_kind_names[t->kind < OP_NKINDS ? t->kind : 0], -1,
			  SQLITE_STATIC);
	sqlite3_bind_int64(st, base + 8, t->key);
	if (t->version == HIST_NONE)
		sqlite3_bind_null(st, base + 9);
	else
		sqlite3_bind_int64(st, base + 9, t->version);
	if (t->value < 0)
		sqlite3_bind_null(st, base + 10);
	else
		sqlite3_bind_int64(st, base + 10, t->value);
	sqlite3_bind_int64(st, base + 11, t->aux);
	sqlite3_bind_int(st, base + 12, t->lost);
	if (TRACE_IS_NODE(t->actor))
		sqlite3_bind_int64(st, base + 13, t->actor & ~TRACE_NODE_BIT);
	else
		sqlite3_bind_null(st, base + 13);
	sqlite3_bind_int64(st, base + 14, t->aux2);
	if (t->detail != TRACE_NO_DETAIL && res->rec.text)
		sqlite3_bind_text(st, base + 15, res->rec.text + t->detail, -1, SQLITE_STATIC);
	else
		sqlite3_bind_null(st, base + 15);
}

/* Rows are recorded as operations end; written in id order they append to
 * the table in issue order.  The ids of a finished run are 0..nops-1, each
 * once, so an index by id orders them in one pass.  Returns the index, or
 * NULL (no memory, or ids that break that rule): then rows go in the order
 * they were recorded. */
static size_t *ops_in_id_order(const struct record *rec)
{
	size_t n = rec->nops;
	size_t *order = malloc((n ? n : 1) * sizeof(*order));
	if (!order)
		return NULL;
	for (size_t i = 0; i < n; i++)
		order[i] = SIZE_MAX;
	for (size_t i = 0; i < n; i++) {
		uint64_t id = rec->ops[i].id;
		if (id >= n || order[id] != SIZE_MAX) {
			free(order);
			return NULL;
		}
		order[id] = i;
	}
	return order;
}

/* A run with many recorded rows takes long to write: write_ops and
 * write_trace abandon it on an interrupt (its savepoint is undone) rather
 * than wait. */
static int write_ops(struct results *r, sqlite3_int64 run, const struct run_result *res)
{
	const struct record *rec = &res->rec;
	size_t *order = ops_in_id_order(rec);
#define OP_AT(i) (&rec->ops[order ? order[i] : (i)])
	size_t i = 0;
	int rc = -1;
	for (; i + RESULTS_BATCH <= rec->nops; i += RESULTS_BATCH) {
		if (results_interrupted()) {
			rc = -2;
			goto out;
		}
		for (int k = 0; k < RESULTS_BATCH; k++)
			bind_op(r->ops_batch, k * 11, run, OP_AT(i + (size_t)k), res);
		if (results_step_done(r->ops_batch) < 0)
			goto out;
	}
	for (; i < rec->nops; i++) {
		bind_op(r->ops_one, 0, run, OP_AT(i), res);
		if (results_step_done(r->ops_one) < 0)
			goto out;
	}
#undef OP_AT
	rc = 0;
out:
	free(order);
	return rc;
}

static int write_trace(struct results *r, sqlite3_int64 run, const struct run_result *res)
{
	const struct record *rec = &res->rec;
	size_t i = 0;
	for (; i + RESULTS_BATCH <= rec->ntrace; i += RESULTS_BATCH) {
		if (results_interrupted())
			return -2;
		for (int k = 0; k < RESULTS_BATCH; k++)
			bind_trace(r->trace_batch, k * TRACE_COLS, run, i + (size_t)k, &rec->trace[i + (size_t)k],
				   res);
		if (results_step_done(r->trace_batch) < 0)
			return -1;
	}
	for (; i < rec->ntrace; i++) {
		bind_trace(r->trace_one, 0, run, i, &rec->trace[i], res);
		if (results_step_done(r->trace_one) < 0)
			return -1;
	}
	return 0;
}

/* PBS t-visibility: the reads of each bin of t, and how many were
 * consistent (only when every read was recorded). */
static int write_visibility(struct results *r, sqlite3_int64 run, const struct run_result *res)
{
	if (!res->has_visibility)
		return 0;
	for (uint32_t b = 0; b < CHECK_VIS_BINS; b++) {
		if (!res->check.vis_reads[b])
			continue;
		sqlite3_stmt *st = r->visibility;
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_double(st, 2, checker_vis_edge_ms(b));
		sqlite3_bind_int64(st, 3, (sqlite3_int64)res->check.vis_reads[b]);
		sqlite3_bind_int64(st, 4, (sqlite3_int64)res->check.vis_consistent[b]);
		if (results_step_done(st) < 0)
			return -1;
	}
	return 0;
}

/* The occurrences of the fault schedule, in the order they started
 * (fwin.h says what the columns hold). */
static int write_faults(struct results *r, sqlite3_int64 run, const struct run_result *res)
{
	sqlite3_stmt *st = r->faults;
	for (uint32_t i = 0; i < res->nfaults; i++) {
		const struct fault_window *w = &res->faults[i];
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, fwin_kind_name(w->kind), -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, fwin_target_name(w->target), -1, SQLITE_STATIC);
		if (fwin_has_index(w))
			sqlite3_bind_int64(st, 4, w->index);
		else
			sqlite3_bind_null(st, 4);
		sqlite3_bind_double(st, 5, (double)w->start / 1e6);
		if (w->end < 0)
			sqlite3_bind_null(st, 6);
		else
			sqlite3_bind_double(st, 6, (double)w->end / 1e6);
		if (results_step_done(st) < 0)
			return -1;
	}
	return 0;
}

/* The connection's data_version: it changes when another connection
 * commits.  -1 if it cannot be read. */
static int64_t data_version(struct results *r)
{
	int64_t v = -1;
	if (sqlite3_step(r->data_version) == SQLITE_ROW)
		v = sqlite3_column_int64(r->data_version, 0);
	sqlite3_reset(r->data_version);
	return v;
}

void results_planning(struct results *r)
{
	r->planned_version = data_version(r);
	r->checked = r->planned_version >= 0;
}

int results_flush(struct results *r, char *err, size_t n)
{
	if (!r->in_batch)
		return 0;
	r->in_batch = false;
	if (sqlite3_get_autocommit(r->db))
		return 0; /* SQLite rolled it back after an error, already reported */
	if (sqlite3_exec(r->db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	char what[160];
	snprintf(what, sizeof(what),
		 "committing the %llu runs written since the last commit (they were not kept; "
		 "running again does them)",
		 (unsigned long long)r->batch_runs);
	results_db_error(r->db, what, err, n);
	sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

int results_flush_due(struct results *r, char *err, size_t n)
{
	if (!r->in_batch || results_since_s(&r->batch_since) < RESULTS_COMMIT_S)
		return 0;
	return results_flush(r, err, n);
}

/* Undoes the run being written (its savepoint), keeping the runs before it
 * in the transaction, or, if the savepoint cannot be rolled back, the whole
 * transaction: never part of a run.  Returns rc. */
static int undo_run(struct results *r, int rc)
{
	if (sqlite3_get_autocommit(r->db)) {
		r->in_batch = false; /* SQLite ended the transaction itself */
		return rc;
	}
	if (results_step_done(r->sp_undo) < 0 || results_step_done(r->sp_release) < 0) {
		sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
		r->in_batch = false;
	}
	return rc;
}

/* The rows of one run, inside its savepoint: see results_write_run. */
static int write_rows(struct results *r, const struct run_row *row, const struct run_result *res,
		      char *err, size_t n);

int results_write_run(struct results *r, const struct run_row *row, const struct run_result *res,
		      char *err, size_t n)
{
	sqlite3 *db = r->db;
	/* A run with recorded rows gains nothing from sharing a transaction,
	 * and one that fails to be written (a full disk) must not take the runs
	 * before it along: it is committed alone. */
	bool alone = res->rec.nops > 0 || res->rec.ntrace > 0;
	if (alone && results_flush(r, err, n) < 0)
		return -1;
	if (r->in_batch && sqlite3_get_autocommit(db))
		r->in_batch = false; /* SQLite ended it after an error */
	if (!r->in_batch) {
		if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK) {
			if (results_interrupted())
				return -2; /* while waiting for another writer */
			return results_db_error(db, "starting a transaction", err, n);
		}
		r->in_batch = true;
		r->batch_runs = 0;
		clock_gettime(CLOCK_MONOTONIC, &r->batch_since);
		/* once another connection has committed, the caller's checks
		 * are stale: every run is checked from then on */
		if (r->checked && data_version(r) != r->planned_version)
			r->checked = false;
	}
	if (results_step_done(r->sp_begin) < 0)
		return results_db_error(db, "writing a run", err, n); /* no savepoint to undo */
	int rc = write_rows(r, row, res, err, n);
	if (rc != 0) {
		bool whole = sqlite3_get_autocommit(db); /* SQLite ended the whole transaction */
		undo_run(r, rc);
		if (rc == -1 && (whole || !r->in_batch) && r->batch_runs > 0) {
			/* the whole transaction ended (a full disk, say) */
			size_t len = strlen(err);
			snprintf(err + len, n - len,
				 "; the %llu runs written before it since the last commit were not kept "
				 "either (running again does them)",
				 (unsigned long long)r->batch_runs);
		}
		return rc;
	}
	if (results_step_done(r->sp_release) < 0) {
		results_db_error(db, "writing a run", err, n);
		return undo_run(r, -1);
	}
	r->batch_runs++;
	return alone ? results_flush(r, err, n) : results_flush_due(r, err, n);
}

/* The JSON array of quantile_sets.latency_ns: each value is a histogram
 * bucket's midpoint or the minimum or maximum, so a whole or half number of
 * nanoseconds below 2^62 (kernel.h's time limit), written exactly as its
 * digits and ".5"; the view quantiles reads it back exactly (results.c).
 * out holds RUN_NQUANTILES * QUANTILE_CHARS + 2 bytes. */
#define QUANTILE_CHARS 32 /* a value and its comma: "-1.2345678901234567e-300," is 25 */
static size_t quantile_text(const double *v, char *out)
{
	size_t len = 0, last = 0, last_len = 0; /* the last value written */
	out[len++] = '[';
	for (int i = 0; i < RUN_NQUANTILES; i++) {
		if (i)
			out[len++] = ',';
		double x = v[i];
		if (i && x == v[i - 1]) {
			/* levels in one bucket (most of them in a small run) */
			memmove(out + len, out + last, last_len);
			len += last_len;
			continue;
		}
		last = len;
		uint64_t whole = x >= 0 && x < 0x1p62 ? (uint64_t)x : 0;
		double frac = x - (double)whole;
		if (frac != 0 && frac != 0.5) {
			/* not a latency the histogram gives: the nearest JSON can
			 * say (null for what JSON has no number for) */
			int w = isfinite(x) ? snprintf(out + len, QUANTILE_CHARS, "%.17g", x)
					    : snprintf(out + len, QUANTILE_CHARS, "null");
			len += w > 0 && w < QUANTILE_CHARS ? (size_t)w : 0;
			last_len = len - last;
			continue;
		}
		char d[20];
		int nd = 0;
		do {
			d[nd++] = (char)('0' + whole % 10);
			whole /= 10;
		} while (whole);
		while (nd)
			out[len++] = d[--nd];
		if (frac != 0) {
			out[len++] = '.';
			out[len++] = '5';
		}
		last_len = len - last;
	}
	out[len++] = ']';
	return len;
}

/* The metrics of res by name, the order of the table's key: each row is
 * then appended where the last one went, without a search from the root
 * (a fifth of writing a tiny run's 38 metric rows, in a program of its own).  The table stores them
 * in key order whatever the order of inserting.  Sorted again only when
 * the names are not the last run's. */
static const size_t *metric_order(struct results *r, const struct run_result *res)
{
	size_t n = res->nmetrics;
	if (n == r->order_n &&
	    memcmp(r->order_names, res->metric_name, n * sizeof(res->metric_name[0])) == 0)
		return r->order;
	size_t *order = r->order;
	for (size_t i = 0; i < n; i++) {
		size_t j = i;
		for (; j > 0 && strcmp(res->metric_name[order[j - 1]], res->metric_name[i]) > 0; j--)
			order[j] = order[j - 1];
		order[j] = i;
		r->order_names[i] = res->metric_name[i];
	}
	r->order_n = n;
	return order;
}

static int write_rows(struct results *r, const struct run_row *row, const struct run_result *res,
		      char *err, size_t n)
{
	sqlite3 *db = r->db;
	/* checked again here, where no other writer can come between the
	 * check and the insert, unless nobody else has written since the
	 * caller checked (results_planning) */
	bool conflict = false;
	if (!r->checked && results_conflict(r, row->scenario, row->label, row->replication,
					    row->params, &conflict, err, n) < 0)
		return -1;
	if (conflict)
		return 2;
	sqlite3_stmt *st = r->run;
	sqlite3_bind_text(st, 1, row->scenario, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, row->policy, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, row->label, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 4, (sqlite3_int64)row->seed);
	sqlite3_bind_int64(st, 5, (sqlite3_int64)row->replication);
	sqlite3_bind_int64(st, 6, (sqlite3_int64)row->point);
	sqlite3_bind_text(st, 7, row->params, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 8, CLOBBER_VERSION, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 9, row->started_at, -1, SQLITE_STATIC);
	sqlite3_bind_double(st, 10, res->metric[M_WALL]);
	if (results_step_done(st) < 0)
		goto out_rollback;
	if (sqlite3_changes(db) == 0)
		return 1; /* another process wrote this run since we looked: keep theirs */
	sqlite3_int64 run = sqlite3_last_insert_rowid(db);
	for (size_t a = 0; a < row->naxes; a++) {
		st = r->param;
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, row->axis_names[a], -1, SQLITE_STATIC);
		double x = results_param_number(row->axis_values[a]);
		if (isnan(x))
			sqlite3_bind_text(st, 3, row->axis_values[a], -1, SQLITE_STATIC);
		else
			sqlite3_bind_double(st, 3, x);
		if (results_step_done(st) < 0)
			goto out_rollback;
	}
	/* the metrics in one statement, prepared once per count */
	size_t nm = res->nmetrics;
	if (nm > 0 && nm <= RUN_MAX_METRICS) {
		if (!r->metrics[nm] && results_prepare_multi(db, "metrics", 3, (int)nm, &r->metrics[nm], err, n) < 0)
			goto out_rollback;
		st = r->metrics[nm];
		const size_t *order = metric_order(r, res);
		for (size_t i = 0; i < nm; i++) {
			size_t m = order[i];
			sqlite3_bind_int64(st, (int)(3 * i + 1), run);
			sqlite3_bind_text(st, (int)(3 * i + 2), res->metric_name[m], -1, SQLITE_STATIC);
			sqlite3_bind_double(st, (int)(3 * i + 3), res->metric[m]);
		}
		if (results_step_done(st) < 0)
			goto out_rollback;
	}
	for (int k = 0; k < OP_NKINDS; k++) {
		const struct kind_latency *l = &res->latency[k];
		if (l->count == 0)
			continue;
		st = r->latency;
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, op_kind_names[k], -1, SQLITE_STATIC);
		sqlite3_bind_int64(st, 3, (sqlite3_int64)l->count);
		sqlite3_bind_double(st, 4, l->mean);
		sqlite3_bind_double(st, 5, l->p50);
		sqlite3_bind_double(st, 6, l->p90);
		sqlite3_bind_double(st, 7, l->p99);
		sqlite3_bind_double(st, 8, l->p999);
		sqlite3_bind_double(st, 9, l->max);
		if (results_step_done(st) < 0)
			goto out_rollback;
	}
	if (res->latency_count) {
		st = r->quantiles;
		char text[RUN_NQUANTILES * QUANTILE_CHARS + 2];
		size_t len = quantile_text(res->quantiles_ns, text);
		sqlite3_bind_int64(st, 1, run);
		sqlite3_bind_text(st, 2, text, (int)len, SQLITE_STATIC);
		if (results_step_done(st) < 0)
			goto out_rollback;
	}
	int wrc = write_visibility(r, run, res);
	if (wrc == 0)
		wrc = write_faults(r, run, res);
	if (wrc == 0)
		wrc = write_ops(r, run, res);
	if (wrc == 0)
		wrc = write_trace(r, run, res);
	if (wrc == -2)
		return -2;
	if (wrc < 0)
		goto out_rollback;
	return 0;
out_rollback:
	return results_db_error(db, "writing a run", err, n);
}
