/*
 * results.c - results databases: the schema, opening, and the lookups of
 * stored runs.  Writing runs is results_write.c.  See results.h.
 */
#include "sim/app/results.h"
#include "sim/app/results_impl.h"

#include <errno.h>
#include <math.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "models/model.h"
#include "sim/truth/history.h"
#include "sim/truth/record.h"
#include "sim/core/units.h"
#include "sim/app/catalog.h"
#include "sim/app/fwin.h"
#include "sim/app/version.h"




/* The index of the conflict check (results_conflict): a run's slot is its
 * scenario, label, replication and sweep values.  Created in databases of
 * older clobbers too, when they are opened for writing. */
#define RUNS_BY_POINT                                                                              \
	"CREATE INDEX IF NOT EXISTS runs_by_point ON runs(scenario, label, replication, " SWEEP_OF_RUN ");"
/* A run's sweep values (NULL for params that are not JSON, which a
 * database edited by hand may hold: the index must never fail a write). */
#define SWEEP_OF_RUN "(CASE WHEN json_valid(params) THEN json_extract(params, '$.sweep') END)"

/* Set once, before any database is opened, and only read afterwards. */
static const volatile sig_atomic_t *busy_interrupt;

bool results_interrupted(void)
{
	return busy_interrupt && *busy_interrupt;
}

void results_set_interrupt(const volatile sig_atomic_t *flag)
{
	busy_interrupt = flag;
}

double results_since_s(const struct timespec *t0)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)(t.tv_sec - t0->tv_sec) + (double)(t.tv_nsec - t0->tv_nsec) * 1e-9;
}

/* SQLite's busy handler: another process holds the database (writing a
 * run, which with recorded rows can take minutes).  Waits, 1 ms at first,
 * then up to 100 ms at a time, until it is free, the process is
 * interrupted, or RESULTS_BUSY_MAX_S have passed. */
static int busy_wait(void *arg, int count)
{
	struct results *r = arg;
	if (busy_interrupt && *busy_interrupt)
		return 0;
	if (count == 0)
		clock_gettime(CLOCK_MONOTONIC, &r->busy_since);
	else if (results_since_s(&r->busy_since) > RESULTS_BUSY_MAX_S)
		return 0;
	long ms = count < 7 ? 1L << count : 100;
	struct timespec ts = {0, ms * 1000000L};
	nanosleep(&ts, NULL);
	return 1;
}

/* A run's 103 latency quantiles are one row of quantile_sets, a JSON array
 * of nanoseconds (whole or .5: histogram bucket midpoints), and the view
 * quantiles unfolds it into the rows (run_id, q, latency_ms) that readers
 * query: one row a run instead of 103 halves the cost of writing a tiny
 * run.  The view's values are bit for bit those the table of schema 4 held:
 * j.key / 100.0 is the double nearest k/100, as the literal 0.0k of
 * run_quantile_levels is, and j.value / 1e6 is the same division of the
 * same double that runner.c did before (a half-integer below 2^53 reads
 * back from its decimal exactly).  test_results checks both. */
#define QUANTILES                                                                                  \
	"CREATE TABLE IF NOT EXISTS quantile_sets("                                                \
	" run_id INTEGER PRIMARY KEY REFERENCES runs(id), latency_ns TEXT NOT NULL);"              \
	"CREATE VIEW IF NOT EXISTS quantiles(run_id, q, latency_ms) AS SELECT s.run_id,"          \
	" CASE WHEN j.key <= 99 THEN j.key / 100.0 WHEN j.key = 100 THEN 0.999"                    \
	" WHEN j.key = 101 THEN 0.9999 ELSE 1.0 END, j.value / 1e6"                                \
	" FROM quantile_sets s, json_each(s.latency_ns) j;"

static const char schema[] =
	"CREATE TABLE IF NOT EXISTS runs("
	" id INTEGER PRIMARY KEY,"
	" scenario TEXT NOT NULL, policy TEXT NOT NULL, label TEXT NOT NULL,"
	" seed INTEGER NOT NULL, replication INTEGER NOT NULL, point INTEGER NOT NULL,"
	" params TEXT NOT NULL, version TEXT NOT NULL, started_at TEXT NOT NULL,"
	" wall_s REAL, status TEXT NOT NULL);"
	"CREATE UNIQUE INDEX IF NOT EXISTS runs_identity ON runs(scenario, params);"
	"CREATE INDEX IF NOT EXISTS runs_by_label ON runs(scenario, label, replication);"
	RUNS_BY_POINT
	"CREATE TABLE IF NOT EXISTS run_params("
	" run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, value,"
	" PRIMARY KEY(run_id, name)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS metrics("
	" run_id INTEGER NOT NULL REFERENCES runs(id), name TEXT NOT NULL, value REAL,"
	" PRIMARY KEY(run_id, name)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS latency("
	" run_id INTEGER NOT NULL REFERENCES runs(id), kind TEXT NOT NULL, count INTEGER NOT NULL,"
	" mean_ms REAL, p50_ms REAL, p90_ms REAL, p99_ms REAL, p999_ms REAL, max_ms REAL,"
	" PRIMARY KEY(run_id, kind)) WITHOUT ROWID;"
	QUANTILES
	"CREATE TABLE IF NOT EXISTS ops("
	" run_id INTEGER NOT NULL REFERENCES runs(id), op INTEGER NOT NULL, client INTEGER NOT NULL,"
	" kind TEXT NOT NULL, key INTEGER NOT NULL, start_ms REAL NOT NULL, end_ms REAL NOT NULL,"
	" latency_ms REAL NOT NULL, status TEXT NOT NULL, attempts INTEGER NOT NULL,"
	" lost INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS trace("
	" run_id INTEGER NOT NULL REFERENCES runs(id), seq INTEGER NOT NULL, time_ms REAL NOT NULL,"
	" actor INTEGER, op INTEGER NOT NULL, event TEXT NOT NULL, kind TEXT NOT NULL,"
	" key INTEGER NOT NULL, version INTEGER, value INTEGER, aux INTEGER NOT NULL,"
	" lost INTEGER NOT NULL, node INTEGER, aux2 INTEGER NOT NULL, detail TEXT);"
	"CREATE TABLE IF NOT EXISTS visibility("
	" run_id INTEGER NOT NULL REFERENCES runs(id), t_ms REAL NOT NULL, reads INTEGER NOT NULL,"
	" consistent INTEGER NOT NULL, PRIMARY KEY(run_id, t_ms)) WITHOUT ROWID;"
	"CREATE TABLE IF NOT EXISTS faults("
	" run_id INTEGER NOT NULL REFERENCES runs(id), kind TEXT NOT NULL, target TEXT NOT NULL,"
	" target_index INTEGER, start_ms REAL NOT NULL, end_ms REAL);";

int results_db_error(sqlite3 *db, const char *what, char *err, size_t n)
{
	int code = db ? sqlite3_errcode(db) & 0xff : SQLITE_NOMEM;
	const char *hint = code == SQLITE_FULL || code == SQLITE_IOERR
				   ? " (is the disk full? free some space and run the same command again; the "
				     "runs already stored are kept, the ones being written were not)"
			   : code == SQLITE_READONLY
				   ? " (the database is read-only: check its permissions, or write elsewhere with -o)"
			   : code == SQLITE_CORRUPT || code == SQLITE_NOTADB
				   ? " (this is not a clobber results database, or it is damaged)"
				   : "";
	snprintf(err, n, "%s: %s%s", what, db ? sqlite3_errmsg(db) : "out of memory", hint);
	return -1;
}

static int prepare(sqlite3 *db, const char *sql, sqlite3_stmt **st, char *err, size_t n)
{
	if (sqlite3_prepare_v2(db, sql, -1, st, NULL) != SQLITE_OK)
		return results_db_error(db, "preparing a statement", err, n);
	return 0;
}

/* "INSERT INTO t VALUES (?,..),(?,..)..." with `rows` rows of `cols`. */
static char *multi_insert(const char *table, int cols, int rows)
{
	size_t cap = 64 + (size_t)rows * ((size_t)cols * 2 + 4);
	char *sql = malloc(cap);
	if (!sql)
		return NULL;
	size_t len = (size_t)snprintf(sql, cap, "INSERT INTO %s VALUES ", table);
	for (int r = 0; r < rows; r++) {
		sql[len++] = r ? ',' : ' ';
		sql[len++] = '(';
		for (int c = 0; c < cols; c++) {
			if (c)
				sql[len++] = ',';
			sql[len++] = '?';
		}
		sql[len++] = ')';
	}
	sql[len] = '\0';
	return sql;
}

int results_prepare_multi(sqlite3 *db, const char *table, int cols, int rows, sqlite3_stmt **st,
			 char *err, size_t n)
{
	char *sql = multi_insert(table, cols, rows);
	if (!sql)
		return results_db_error(NULL, "preparing", err, n);
	int rc = prepare(db, sql, st, err, n);
	free(sql);
	return rc;
}


static int check_version(sqlite3 *db, const char *path, char *err, size_t n, bool *empty,
			 int *version_out)
{
	/* one statement, one snapshot: another process may be creating the
	 * schema at this very moment */
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT (SELECT count(*) FROM sqlite_master), user_version, (SELECT count(*) "
			       "FROM pragma_table_info('runs') WHERE name IN ('id', 'scenario', 'label', "
			       "'replication', 'params')) FROM pragma_user_version",
			       -1, &st, NULL) != SQLITE_OK)
		return results_db_error(db, path, err, n); /* a damaged file: named */
	int objects = 0, version = 0, columns = 0;
	if (sqlite3_step(st) == SQLITE_ROW) {
		objects = sqlite3_column_int(st, 0);
		version = sqlite3_column_int(st, 1);
		columns = sqlite3_column_int(st, 2);
	}
	sqlite3_finalize(st);
	*empty = objects == 0;
	*version_out = version;
	if (*empty)
		return 0;
	if (version == 0 || columns < 5) {
		/* every clobber database sets user_version and has a runs table
		 * with these columns: this one is another program's */
		snprintf(err, n,
			 "%s is an SQLite database, but not a clobber results database (it was not written by "
			 "clobber run: %s); give a database that clobber run wrote",
			 path,
			 version == 0 ? "its schema has no clobber version"
				      : "it has no runs table with clobber's columns");
		return -1;
	}
	if (version != RESULTS_SCHEMA && version != RESULTS_SCHEMA_UPGRADABLE) {
		snprintf(err, n,
			 "%s: this results database has schema version %d, and this clobber (%s) reads and writes version %d: "
			 "write to a new database (-o NEW.db), or move this one aside and run again",
			 path, version, CLOBBER_VERSION, RESULTS_SCHEMA);
		return -1;
	}
	return 0;
}

/* Schema 4 to 5, in one transaction, when a database is opened for
 * writing: the 103 rows a run of table quantiles become its row of
 * quantile_sets (each latency back in nanoseconds: twice it is a whole
 * number, rounded from latency_ms * 2e6, exact below 2^50 ns), and
 * quantiles becomes the view.  The view is then compared with the old rows,
 * all of them and bit for bit; if one differs, nothing changes and the
 * database is refused.  A database read only is read as it is: its table
 * quantiles has the view's columns and content. */
static int upgrade_from_4(sqlite3 *db, const char *path, char *err, size_t n)
{
	const char *sql =
		"ALTER TABLE quantiles RENAME TO quantiles_v4;" QUANTILES
		"INSERT INTO quantile_sets SELECT run_id, '[' || group_concat(CASE WHEN k % 2 = 0 THEN k / 2"
		" ELSE (k / 2) || '.5' END, ',') || ']' FROM (SELECT run_id, CAST(round(latency_ms * 2e6)"
		" AS INTEGER) AS k FROM quantiles_v4 ORDER BY run_id, q) GROUP BY run_id;";
	/* the same rows both ways, and as many (a run of more than 103 rows
	 * would show its extra ones as q = 1 in the view) */
	const char *same =
		"SELECT (SELECT count(*) FROM quantiles_v4) = (SELECT count(*) FROM quantiles) AND NOT EXISTS"
		" (SELECT run_id, q, latency_ms FROM quantiles_v4 EXCEPT SELECT run_id, q, latency_ms FROM"
		" quantiles) AND NOT EXISTS (SELECT run_id, q, latency_ms FROM quantiles EXCEPT SELECT"
		" run_id, q, latency_ms FROM quantiles_v4)";
	sqlite3_stmt *st = NULL;
	int version = -1;
	bool ok = false;
	if (sqlite3_exec(db, "BEGIN IMMEDIATE", NULL, NULL, NULL) != SQLITE_OK)
		return results_db_error(db, path, err, n);
	/* another process may have upgraded it since we looked */
	if (sqlite3_prepare_v2(db, "PRAGMA user_version", -1, &st, NULL) == SQLITE_OK &&
	    sqlite3_step(st) == SQLITE_ROW)
		version = sqlite3_column_int(st, 0);
	sqlite3_finalize(st);
	if (version < 0) {
		results_db_error(db, path, err, n);
		goto out_rollback;
	}
	if (version != RESULTS_SCHEMA_UPGRADABLE)
		return sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK
			       ? 0
			       : results_db_error(db, path, err, n);
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, same, -1, &st, NULL) != SQLITE_OK) {
		results_db_error(db, path, err, n);
		goto out_rollback;
	}
	ok = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_int(st, 0) == 1;
	sqlite3_finalize(st);
	if (!ok) {
		snprintf(err, n,
			 "%s: this results database has schema version %d, and its quantiles cannot be "
			 "upgraded to version %d exactly: write to a new database",
			 path, RESULTS_SCHEMA_UPGRADABLE, RESULTS_SCHEMA);
		goto out_rollback;
	}
	char tail[96];
	snprintf(tail, sizeof(tail), "DROP TABLE quantiles_v4; PRAGMA user_version=%d; COMMIT;",
		 RESULTS_SCHEMA);
	if (sqlite3_exec(db, tail, NULL, NULL, NULL) == SQLITE_OK)
		return 0;
	results_db_error(db, path, err, n);
out_rollback:
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* The table metric_info: what every metric this clobber knows means (from
 * the catalogue, sim/app/catalog.h), written whenever a database is opened
 * for writing, so that a database says what its metrics are to whoever
 * reads it, with SQL alone.  One transaction; rows already right are left
 * alone; an older database gains the table (it changes no other table,
 * hence no new schema version), and the index of the conflict check. */
static int write_metric_info(sqlite3 *db, const char *path, char *err, size_t n)
{
	if (sqlite3_exec(db,
			 "BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS metric_info("
			 " name TEXT PRIMARY KEY, unit TEXT NOT NULL, meaning TEXT NOT NULL,"
			 " owner TEXT NOT NULL) WITHOUT ROWID;" RUNS_BY_POINT,
			 NULL, NULL, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "INSERT INTO metric_info VALUES (?1, ?2, ?3, ?4) ON CONFLICT(name) DO UPDATE "
			       "SET unit = ?2, meaning = ?3, owner = ?4 WHERE unit IS NOT ?2 OR meaning IS "
			       "NOT ?3 OR owner IS NOT ?4",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	for (size_t i = 0; i < catalog_count(); i++) {
		const struct metric_info *m = catalog_at(i);
		sqlite3_bind_text(st, 1, m->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, m->unit, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, m->meaning, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 4, catalog_owner(i), -1, SQLITE_STATIC);
		if (results_step_done(st) < 0) {
			sqlite3_finalize(st);
			goto out_fail;
		}
	}
	sqlite3_finalize(st);
	if (sqlite3_exec(db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
		goto out_fail;
	return 0;
out_fail:
	results_db_error(db, path, err, n);
	sqlite3_exec(db, "ROLLBACK", NULL, NULL, NULL);
	return -1;
}

/* Does the file start as every SQLite database does? */
static bool is_sqlite_file(const char *path)
{
	char magic[16] = "";
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(magic, 1, sizeof(magic), f) : 0;
	if (f)
		fclose(f);
	return got == sizeof(magic) && memcmp(magic, "SQLite format 3", 16) == 0;
}

int results_check_out_path(const char *path, char *err, size_t n)
{
	if (path[0] == '\0') {
		snprintf(err, n, "an empty file name for the database: give the file the results go to, such as results.db");
		return -1;
	}
	if (strcmp(path, ":memory:") == 0 || strncmp(path, "file:", 5) == 0) {
		snprintf(err, n,
			 "'%s': SQLite reads this as %s, not as a file, and the runs would be lost when clobber "
			 "exits; give a file name (./%s for a file of that name)",
			 path, path[0] == ':' ? "a database in memory" : "a URI with options", path);
		return -1;
	}
	struct stat st;
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		snprintf(err, n,
			 "%s is %s, not a file: a results database is an SQLite file (with its -wal and "
			 "-shm files beside it); give a file name",
			 path, S_ISDIR(st.st_mode) ? "a directory" : "a device, pipe or socket");
		return -1;
	}
	return 0;
}

const char *results_note(const struct results *r)
{
	return r->note;
}

/* "file:PATH?immutable=1", PATH percent-encoded (RFC 3986). */
static void immutable_uri(const char *path, char *buf, size_t n)
{
	size_t j = (size_t)snprintf(buf, n, "file:");
	for (const unsigned char *p = (const unsigned char *)path; *p && j + 4 < n; p++) {
		if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') || (*p >= '0' && *p <= '9') ||
		    strchr("/._-~", *p))
			buf[j++] = (char)*p;
		else
			j += (size_t)snprintf(buf + j, n - j, "%%%02X", *p);
	}
	snprintf(buf + j, n - j, "?immutable=1");
}

/* Opens path read-only.  A database in WAL mode needs its -shm file, which
 * a reader creates beside it: a user who may read the database but not
 * write its directory (another user's results) cannot, and SQLite then
 * says "attempt to write a readonly database".  Such a database is read
 * as immutable instead. */
static int open_readonly(struct results *r, const char *path, char *err, size_t n)
{
	if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY, NULL) != SQLITE_OK)
		return results_db_error(r->db, path, err, n);
	int rc = sqlite3_exec(r->db, "SELECT count(*) FROM sqlite_master", NULL, NULL, NULL) & 0xff;
	if (rc != SQLITE_READONLY && rc != SQLITE_CANTOPEN)
		return 0;
	sqlite3_close(r->db);
	r->db = NULL;
	char uri[8192];
	immutable_uri(path, uri, sizeof(uri));
	if (sqlite3_open_v2(uri, &r->db, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READONLY | SQLITE_OPEN_URI,
			    NULL) != SQLITE_OK)
		return results_db_error(r->db, path, err, n);
	char wal[4200];
	struct stat st;
	snprintf(wal, sizeof(wal), "%s-wal", path);
	snprintf(r->note, sizeof(r->note), "%s",
		 stat(wal, &st) == 0 && st.st_size > 0
			 ? "read as it is on disk, without its write-ahead log (-wal): this user "
			   "cannot write beside it, and runs written since the last checkpoint are not seen"
			 : "");
	return 0;
}

/* Before SQLite initializes (if it already has, the calls are refused and
 * change nothing):
 *  - Memory statistics take a global mutex on every allocation, and
 *    clobber never reads them: off.
 *  - The journal of a run's savepoint (the first copy of each page the
 *    run changes among those the database had when the run began: the
 *    right edges of its tables and indexes, tens of pages; the pages a run
 *    appends are not copied, however many rows it records) went to a
 *    temporary file in /var/tmp once past 64 KiB, and then so did every
 *    later run's of the transaction: about 25 writes a tiny run.  It stays
 *    in memory, in SQLite's 1 KiB pieces.  (Keeping it in one allocation
 *    up to a limit, 256 KiB, was 5% faster on tiny runs, but this SQLite
 *    (3.40.1) then failed some writes as "database or disk is full" once
 *    a journal went past the limit to a file, at some page sizes: a sweep
 *    of 4000 tiny runs with pages of 8 and 16 KiB.) */
static void sqlite_setup(void)
{
	sqlite3_config(SQLITE_CONFIG_MEMSTATUS, 0);
	sqlite3_config(SQLITE_CONFIG_STMTJRNL_SPILL, -1);
}

int results_open(const char *path, bool create, struct results **out, char *err, size_t n)
{
	static pthread_once_t once = PTHREAD_ONCE_INIT;
	pthread_once(&once, sqlite_setup);
	*out = NULL;
	struct stat stbuf;
	bool exists = stat(path, &stbuf) == 0;
	if (!exists && !create) {
		snprintf(err, n, "%s: no such results database", path);
		return -1;
	}
	if (exists && S_ISDIR(stbuf.st_mode)) {
		snprintf(err, n, "%s is a directory, not a results database", path);
		return -1;
	}
	if (exists && !S_ISREG(stbuf.st_mode)) {
		snprintf(err, n, "%s is a device, pipe or socket, not a results database (an SQLite file)",
			 path);
		return -1;
	}
	if (exists && stbuf.st_size > 0 && !is_sqlite_file(path)) {
		size_t len = strlen(path);
		bool yaml = (len > 5 && strcmp(path + len - 5, ".yaml") == 0) ||
			    (len > 4 && strcmp(path + len - 4, ".yml") == 0);
		snprintf(err, n, "%s is not a results database (not an SQLite file)%s", path,
			 yaml ? ": it looks like a scenario file, which clobber run SCENARIO turns into "
				"one (results/NAME.db)"
			      : "");
		return -1;
	}
	if (!exists) {
		/* name the missing directory rather than SQLite's "unable to open" */
		char dir[4096];
		snprintf(dir, sizeof(dir), "%s", path);
		char *slash = strrchr(dir, '/');
		if (slash && slash != dir) {
			*slash = '\0';
			if (stat(dir, &stbuf) != 0 || !S_ISDIR(stbuf.st_mode)) {
				snprintf(err, n, "cannot create %s: the directory %s does not exist", path, dir);
				return -1;
			}
		}
	}
	struct results *r = calloc(1, sizeof(*r));
	if (!r)
		return results_db_error(NULL, path, err, n);
	/* one thread uses a connection at a time (exec.c hands it from writer
	 * to writer under its pool's lock): no SQLite mutexes */
	if (!create) {
		if (open_readonly(r, path, err, n) < 0)
			goto out_close;
	} else if (sqlite3_open_v2(path, &r->db, SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE,
				   NULL) != SQLITE_OK) {
		results_db_error(r->db, path, err, n);
		goto out_close;
	}
	sqlite3_busy_handler(r->db, busy_wait, r);
	if (create && sqlite3_db_readonly(r->db, "main") == 1) {
		snprintf(err, n, "%s is read-only: check its permissions, or write elsewhere with -o", path);
		goto out_close;
	}
	bool empty;
	int version;
	if (check_version(r->db, path, err, n, &empty, &version) < 0)
		goto out_close;
	if (!create) {
		*out = r;
		return 0;
	}
	char *msg = NULL;
	/* Switching a new file to WAL can fail busy, without the busy handler,
	 * while another process does the same: retry while busy_wait would.
	 * The log is copied into the database (a checkpoint, inside the commit
	 * that fills it, with two fsyncs) every 10,000 pages rather than
	 * SQLite's 1,000 (every 800 tiny runs): a sweep of 4,000 tiny runs
	 * made 28 fdatasyncs and is 8% faster with 10 (best of 15 each). */
	int rc = SQLITE_BUSY;
	for (int tries = 0;; tries++) {
		sqlite3_free(msg);
		msg = NULL;
		rc = sqlite3_exec(r->db,
				  "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-32768; "
				  "PRAGMA wal_autocheckpoint=10000;",
				  NULL, NULL, &msg);
		if ((rc & 0xff) != SQLITE_BUSY && (rc & 0xff) != SQLITE_LOCKED)
			break;
		if (!busy_wait(r, tries))
			break;
	}
	if (rc != SQLITE_OK) {
		snprintf(err, n, "%s: %s", path, msg ? msg : "cannot set WAL mode");
		sqlite3_free(msg);
		goto out_close;
	}
	if (empty) {
		char sql[sizeof(schema) + 64];
		snprintf(sql, sizeof(sql), "BEGIN IMMEDIATE;%sPRAGMA user_version=%d;COMMIT;", schema,
			 RESULTS_SCHEMA);
		if (sqlite3_exec(r->db, sql, NULL, NULL, &msg) != SQLITE_OK) {
			snprintf(err, n, "%s: creating the schema: %s", path, msg ? msg : "?");
			sqlite3_free(msg);
			sqlite3_exec(r->db, "ROLLBACK", NULL, NULL, NULL);
			goto out_close;
		}
	}
	if (!empty && version == RESULTS_SCHEMA_UPGRADABLE && upgrade_from_4(r->db, path, err, n) < 0)
		goto out_close;
	if (write_metric_info(r->db, path, err, n) < 0)
		goto out_close;
	if (prepare(r->db, "SELECT 1 FROM runs WHERE scenario=? LIMIT 1", &r->has_scenario, err, n) ||
	    prepare(r->db, "SELECT 1 FROM runs WHERE scenario=? AND params=?", &r->has_run, err, n) ||
	    prepare(r->db,
		    "SELECT 1 FROM runs WHERE scenario=?1 AND label=?2 AND replication=?3 "
		    "AND " SWEEP_OF_RUN " = json_extract(?4, '$.sweep') AND params <> ?4 LIMIT 1",
		    &r->conflict, err, n) ||
	    prepare(r->db,
		    "INSERT OR IGNORE INTO runs(scenario,policy,label,seed,replication,point,params,version,"
		    "started_at,wall_s,status) VALUES (?,?,?,?,?,?,?,?,?,?,'ok')",
		    &r->run, err, n) ||
	    prepare(r->db, "INSERT INTO run_params VALUES (?,?,?)", &r->param, err, n) ||
	    prepare(r->db, "INSERT INTO latency VALUES (?,?,?,?,?,?,?,?,?)", &r->latency, err, n) ||
	    prepare(r->db, "INSERT INTO visibility VALUES (?,?,?,?)", &r->visibility, err, n) ||
	    prepare(r->db, "INSERT INTO faults VALUES (?,?,?,?,?,?)", &r->faults, err, n) ||
	    prepare(r->db, "INSERT INTO quantile_sets VALUES (?,?)", &r->quantiles, err, n) ||
	    results_prepare_multi(r->db, "ops", 11, RESULTS_BATCH, &r->ops_batch, err, n) ||
	    results_prepare_multi(r->db, "ops", 11, 1, &r->ops_one, err, n) ||
	    results_prepare_multi(r->db, "trace", TRACE_COLS, RESULTS_BATCH, &r->trace_batch, err, n) ||
	    results_prepare_multi(r->db, "trace", TRACE_COLS, 1, &r->trace_one, err, n) ||
	    prepare(r->db, "SAVEPOINT run", &r->sp_begin, err, n) ||
	    prepare(r->db, "RELEASE run", &r->sp_release, err, n) ||
	    prepare(r->db, "ROLLBACK TO run", &r->sp_undo, err, n) ||
	    prepare(r->db, "PRAGMA data_version", &r->data_version, err, n))
		goto out_close;
	*out = r;
	return 0;
out_close:
	results_close(r);
	return -1;
}

void results_close(struct results *r)
{
	if (!r)
		return;
	char err[8];
	results_flush(r, err, sizeof(err)); /* whole runs only: a failure leaves none of them */
	for (int i = 0; i <= RUN_MAX_METRICS; i++)
		sqlite3_finalize(r->metrics[i]);
	sqlite3_stmt *st[] = {r->has_scenario, r->has_run, r->conflict, r->run, r->param, r->latency, r->visibility, r->faults, r->quantiles,
			      r->ops_batch, r->ops_one, r->trace_batch, r->trace_one,
			      r->sp_begin, r->sp_release, r->sp_undo, r->data_version};
	for (size_t i = 0; i < sizeof(st) / sizeof(st[0]); i++)
		sqlite3_finalize(st[i]);
	sqlite3_close(r->db);
	free(r);
}

struct sqlite3 *results_db(struct results *r)
{
	return r->db;
}

/* Steps st (parameters bound): *found when it returns a row. */
static int any_row(struct results *r, sqlite3_stmt *st, bool *found, char *err, size_t n)
{
	int rc = sqlite3_step(st);
	*found = rc == SQLITE_ROW;
	sqlite3_reset(st);
	sqlite3_clear_bindings(st);
	if (rc != SQLITE_ROW && rc != SQLITE_DONE)
		return results_db_error(r->db, "reading runs", err, n);
	return 0;
}

int results_has_scenario(struct results *r, const char *scenario, bool *any, char *err, size_t n)
{
	sqlite3_bind_text(r->has_scenario, 1, scenario, -1, SQLITE_STATIC);
	return any_row(r, r->has_scenario, any, err, n);
}

int results_has_run(struct results *r, const char *scenario, const char *params, bool *done,
		    char *err, size_t n)
{
	sqlite3_stmt *st = r->has_run;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, params, -1, SQLITE_STATIC);
	return any_row(r, st, done, err, n);
}

int results_conflict(struct results *r, const char *scenario, const char *label,
		     uint64_t replication, const char *params, bool *conflict, char *err, size_t n)
{
	sqlite3_stmt *st = r->conflict;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, label, -1, SQLITE_STATIC);
	sqlite3_bind_int64(st, 3, (sqlite3_int64)replication);
	sqlite3_bind_text(st, 4, params, -1, SQLITE_STATIC);
	return any_row(r, st, conflict, err, n);
}

double results_param_number(const char *text)
{
	double x;
	if (units_number(text, &x, NULL) == 0)
		return x;
	if (units_duration(text, &x, NULL) == 0)
		return x / 1e6;
	if (units_rate(text, &x, NULL) == 0)
		return x;
	return NAN;
}
