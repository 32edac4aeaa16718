/*
 * tdb.c - a stored run's trace read back.  See tdb.h.
 */
#include "sim/app/tdb.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/fwin.h"
#include "sim/core/strbuf.h"

void tdb_free(struct tdb_run *r)
{
	free(r->scenario);
	free(r->label);
	free(r->point);
	free(r->rows);
	free(r->text);
	free(r->faults);
	memset(r, 0, sizeof(*r));
}

static char *dup_col(sqlite3_stmt *st, int col)
{
	const unsigned char *s = sqlite3_column_text(st, col);
	return strdup(s ? (const char *)s : "");
}

/* The replication strategy named in a run's parameters ("none" when they
 * name none, as for every run of one node). */
static const struct repl *run_repl(const char *name)
{
	const struct repl *r = name && *name ? registry_repl_find(name) : NULL;
	return r ? r : registry_repl_find("none");
}

/* The code of event `name` under p and r, or UINT16_MAX. */
static uint16_t event_code(const struct policy *p, const struct repl *r, const char *name)
{
	for (unsigned code = 0; code < TR_MAX; code++) {
		const struct trace_vocab *v = model_event(p, r, code);
		if (v && strcmp(v->name, name) == 0)
			return (uint16_t)code;
	}
	return UINT16_MAX;
}

static uint8_t kind_code(const char *name)
{
	for (int k = 0; k < OP_NKINDS; k++)
		if (strcmp(op_kind_names[k], name) == 0)
			return (uint8_t)k;
	return 0;
}

static int db_fail(sqlite3 *db, char *err, size_t n)
{
	snprintf(err, n, "reading the trace: %s", sqlite3_errmsg(db));
	return -1;
}

/* The run's identity, policy and point. */
static int load_run(sqlite3 *db, int64_t id, struct tdb_run *r, char *err, size_t n)
{
	sqlite3_stmt *st;
	const char *sql =
		"SELECT scenario, label, policy, seed, "
		" (SELECT group_concat(key || '=' || value, ' ') FROM json_each(params, '$.sweep')), "
		" coalesce(json_extract(params, '$.cluster.replication.name'), "
		"  (SELECT key FROM json_each(params, '$.cluster.replication') LIMIT 1), '') "
		"FROM runs WHERE id = ?";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, n);
	sqlite3_bind_int64(st, 1, id);
	int rc = sqlite3_step(st);
	if (rc != SQLITE_ROW) {
		sqlite3_finalize(st);
		if (rc != SQLITE_DONE)
			return db_fail(db, err, n);
		long long lo = 0, hi = -1;
		if (sqlite3_prepare_v2(db, "SELECT min(id), max(id) FROM runs", -1, &st, NULL) == SQLITE_OK &&
		    sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL) {
			lo = sqlite3_column_int64(st, 0);
			hi = sqlite3_column_int64(st, 1);
		}
		sqlite3_finalize(st);
		char traced[1024];
		tdb_traced_runs(db, traced, sizeof(traced));
		if (hi < 0)
			snprintf(err, n, "holds no runs");
		else
			snprintf(err, n, "has no run %lld (its runs are numbered %lld to %lld: runs.id); runs "
					 "with a trace: %s",
				 (long long)id, lo, hi, traced);
		return -1;
	}
	r->id = id;
	r->scenario = dup_col(st, 0);
	r->label = dup_col(st, 1);
	const char *pname = (const char *)sqlite3_column_text(st, 2);
	r->policy = pname ? registry_find(pname) : NULL;
	r->seed = (uint64_t)sqlite3_column_int64(st, 3);
	r->point = dup_col(st, 4);
	r->repl = run_repl((const char *)sqlite3_column_text(st, 5));
	if (!r->policy)
		snprintf(err, n, "run %lld is of policy '%s', which this clobber does not know",
			 (long long)id, pname ? pname : "");
	sqlite3_finalize(st);
	if (!r->scenario || !r->label || !r->point) {
		snprintf(err, n, "out of memory");
		return -1;
	}
	return r->policy && r->repl ? 0 : -1;
}

static int load_metrics(sqlite3 *db, struct tdb_run *r, char *err, size_t n)
{
	struct {
		const char *name;
		double *to;
	} want[] = {{"ops", &r->ops},		  {"writes_acked", &r->writes_acked},
		    {"lost_updates", &r->lost_updates}, {"stale_reads", &r->stale_reads},
		    {"conflicts", &r->conflicts},	  {"ops_aborted", &r->ops_aborted}};
	for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		*want[i].to = NAN;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT name, value FROM metrics WHERE run_id = ?", -1, &st, NULL) !=
	    SQLITE_OK)
		return db_fail(db, err, n);
	sqlite3_bind_int64(st, 1, r->id);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		for (size_t i = 0; i < sizeof(want) / sizeof(want[0]); i++)
			if (strcmp((const char *)sqlite3_column_text(st, 0), want[i].name) == 0)
				*want[i].to = sqlite3_column_double(st, 1);
	sqlite3_finalize(st);
	return rc == SQLITE_DONE ? 0 : db_fail(db, err, n);
}

static int load_rows(sqlite3 *db, struct tdb_run *r, char *err, size_t n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT time_ms, actor, op, event, kind, key, version, value, aux, lost, node, "
			       "aux2, detail FROM trace WHERE run_id = ? ORDER BY seq",
			       -1, &st, NULL) != SQLITE_OK)
		return db_fail(db, err, n);
	sqlite3_bind_int64(st, 1, r->id);
	struct strbuf text;
	sb_init(&text);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		if (r->nrows == cap) {
			cap = cap ? 2 * cap : 256;
			struct trace_row *rows = realloc(r->rows, cap * sizeof(*rows));
			if (!rows)
				break;
			r->rows = rows;
		}
		struct trace_row *t = &r->rows[r->nrows++];
		memset(t, 0, sizeof(*t));
		t->time = llround(sqlite3_column_double(st, 0) * 1e6);
		t->actor = sqlite3_column_type(st, 1) == SQLITE_NULL
				   ? TRACE_NODE((uint32_t)sqlite3_column_int64(st, 10))
				   : (uint32_t)sqlite3_column_int64(st, 1);
		t->op = (uint64_t)sqlite3_column_int64(st, 2);
		const char *ev = (const char *)sqlite3_column_text(st, 3);
		t->event = event_code(r->policy, r->repl, ev ? ev : "");
		const char *kind = (const char *)sqlite3_column_text(st, 4);
		t->kind = kind_code(kind ? kind : "");
		t->key = (uint32_t)sqlite3_column_int64(st, 5);
		t->version = sqlite3_column_type(st, 6) == SQLITE_NULL
				     ? HIST_NONE
				     : (uint32_t)sqlite3_column_int64(st, 6);
		t->value = sqlite3_column_type(st, 7) == SQLITE_NULL ? -1 : sqlite3_column_int64(st, 7);
		t->aux = sqlite3_column_int64(st, 8);
		t->lost = (uint8_t)(sqlite3_column_int(st, 9) != 0);
		t->aux2 = (uint32_t)sqlite3_column_int64(st, 11);
		t->detail = TRACE_NO_DETAIL;
		const char *detail = (const char *)sqlite3_column_text(st, 12);
		if (detail && *detail && text.len < UINT32_MAX / 2) {
			t->detail = (uint32_t)text.len;
			sb_putn(&text, detail, strlen(detail) + 1); /* with its NUL */
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		sb_free(&text);
		return db_fail(db, err, n);
	}
	if (rc == SQLITE_ROW || text.failed) {
		sb_free(&text);
		snprintf(err, n, "out of memory");
		return -1;
	}
	r->text = text.s; /* owned now */
	if (r->nrows == 0) {
		snprintf(err, n,
			 "run %lld has no trace: it was run without --record trace (clobber run SCENARIO "
			 "--record trace -o NEW.db records one; a run already stored is not run again)",
			 (long long)r->id);
		return -1;
	}
	return 0;
}

int tdb_load(sqlite3 *db, int64_t id, struct tdb_run *r, char *err, size_t n)
{
	memset(r, 0, sizeof(*r));
	if (load_run(db, id, r, err, n) < 0 || load_metrics(db, r, err, n) < 0 ||
	    load_rows(db, r, err, n) < 0 || fwin_load(db, id, &r->faults, &r->nfaults, err, n) < 0) {
		tdb_free(r);
		return -1;
	}
	return 0;
}

void tdb_traced_runs(sqlite3 *db, char *buf, size_t n)
{
	snprintf(buf, n, "none");
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT id, label, (SELECT group_concat(key || '=' || value, ' ') "
			       "FROM json_each(params, '$.sweep')), (SELECT count(DISTINCT run_id) FROM trace) "
			       "FROM runs WHERE id IN (SELECT DISTINCT run_id FROM trace) ORDER BY id LIMIT 12",
			       -1, &st, NULL) != SQLITE_OK)
		return;
	size_t at = 0;
	long long total = 0, shown = 0;
	while (sqlite3_step(st) == SQLITE_ROW && at + 1 < n) {
		const char *label = (const char *)sqlite3_column_text(st, 1);
		const char *point = (const char *)sqlite3_column_text(st, 2);
		total = sqlite3_column_int64(st, 3);
		int len = snprintf(buf + at, n - at, "%s%lld (%s%s%s)", shown ? ", " : "",
				   (long long)sqlite3_column_int64(st, 0), label ? label : "",
				   point && *point ? ", " : "", point ? point : "");
		at += len > 0 ? (size_t)len : 0;
		at = at < n ? at : n - 1;
		shown++;
	}
	sqlite3_finalize(st);
	if (total > shown && at + 1 < n)
		snprintf(buf + at, n - at, " and %lld more", total - shown);
}
