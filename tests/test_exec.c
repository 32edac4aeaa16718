/*
 * test_exec.c - planning and resuming a sweep (sim/app/exec.c) on a
 * results database (sim/app/results.c), issue 15 points 3 and 9: resume
 * is O(runs) and interruptible, and a writer waits for another as long as
 * it takes, interruptibly.
 *
 * Speed itself is `make bench`'s business.  Here the structure that makes
 * resume O(runs) is checked where it cannot be mistaken, in SQLite's own
 * counters: every statement that reads `runs` has a query plan that
 * searches an index, none ever steps through a full scan, and the work of
 * one lookup (virtual machine steps) does not grow with the runs stored;
 * each run is looked up once.  Then, through the binary ($CLOBBER, else
 * bin/clobber): SIGTERM and SIGINT while a sweep of a million runs is
 * being planned, and a second writer waiting for, or interrupted while
 * waiting for, a process that holds the database.
 */
#include "testproc.h"

#include <time.h>

#include "sim/app/exec.h"
#include "sim/app/results.h"
#include "sim/app/scenario.h"

/* Prepared statements of db whose SQL starts with "SELECT" and reads runs:
 * their query plans.  Every line naming runs must be a SEARCH using an
 * index; returns how many such statements there are. */
static int check_plans(sqlite3 *db, bool *saw_identity, bool *saw_point)
{
	int n = 0;
	for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st)) {
		const char *sql = sqlite3_sql(st);
		if (strncmp(sql, "SELECT", 6) != 0 || !strstr(sql, "FROM runs"))
			continue;
		char *eqp = sqlite3_mprintf("EXPLAIN QUERY PLAN %s", sql);
		sqlite3_stmt *q;
		if (sqlite3_prepare_v2(db, eqp, -1, &q, NULL) != SQLITE_OK)
			fail_msg("%s: %s", eqp, sqlite3_errmsg(db));
		while (sqlite3_step(q) == SQLITE_ROW) {
			const char *detail = (const char *)sqlite3_column_text(q, 3);
			print_message("  %s\n    -> %s\n", sql, detail);
			if (strstr(detail, " runs") && (strncmp(detail, "SEARCH runs USING ", 18) != 0 ||
							!strstr(detail, "INDEX ")))
				fail_msg("%s: the plan '%s' does not search an index", sql, detail);
			*saw_identity = *saw_identity || strstr(detail, "INDEX runs_identity");
			*saw_point = *saw_point || strstr(detail, "INDEX runs_by_point");
		}
		sqlite3_finalize(q);
		sqlite3_free(eqp);
		n++;
	}
	return n;
}

struct counts {
	long long fullscan; /* rows stepped through in full scans, all statements */
	long long lookups;  /* runs of the stored-run lookup */
	long long steps;    /* its virtual machine steps */
};

static struct counts counters(sqlite3 *db)
{
	struct counts c = {0};
	for (sqlite3_stmt *st = sqlite3_next_stmt(db, NULL); st; st = sqlite3_next_stmt(db, st)) {
		c.fullscan += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_FULLSCAN_STEP, 0);
		if (strcmp(sqlite3_sql(st), "SELECT 1 FROM runs WHERE scenario=? AND params=?") == 0) {
			c.lookups += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_RUN, 0);
			c.steps += sqlite3_stmt_status(st, SQLITE_STMTSTATUS_VM_STEP, 0);
		}
	}
	return c;
}

static struct scenario *sweep_of(int values)
{
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "name: r\npolicies: [lww, version]\nstop: {ops: 1}\nsweep:\n  a: [");
	for (int i = 0; i < values; i++)
		sb_printf(&b, "%s%d", i ? ", " : "", i + 1);
	sb_puts(&b, "]\nworkload: {retries: $a}\n");
	struct sdiag d;
	struct scenario *s = scenario_parse("r.yaml", b.s, b.len, NULL, 0, &d);
	sb_free(&b);
	if (!s)
		fail_msg("%s", d.text);
	return s;
}

/* Runs s into db (every other run if half), or plans a resume of it when
 * all are there; returns the counters of that database connection. */
static struct counts run_into(const struct scenario *s, const char *db, bool half,
			      struct exec_summary *sum)
{
	struct results *r;
	char err[1024];
	if (results_open(tp_path(db), true, &r, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	uint64_t runs = scenario_runs(s);
	bool *sel = calloc(runs, sizeof(*sel));
	assert_non_null(sel);
	for (uint64_t i = 0; i < runs; i++)
		sel[i] = !half || i % 2 == 0;
	volatile sig_atomic_t never = 0;
	struct exec_opts o = {.jobs = 2, .select = sel, .interrupted = &never};
	if (exec_scenario(s, r, &o, sum, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	struct counts c = counters(results_db(r));
	free(sel);
	results_close(r);
	return c;
}

/* Issue 15 point 3: resume once ran a json_extract over every stored row
 * for each run (10,000 runs, 5,000 stored: 31 s). */
static void test_resume_by_index(void **state)
{
	(void)state;
	/* the plans, on a fresh database */
	struct results *r;
	char err[1024];
	if (results_open(tp_path("plans.db"), true, &r, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	bool identity = false, point = false;
	assert_true(check_plans(results_db(r), &identity, &point) >= 2);
	assert_true(identity && point);
	results_close(r);
	/* a database of an older clobber, without the conflict check's index,
	 * gains it when opened for writing */
	sqlite3 *db = tp_open_db("plans.db");
	assert_int_equal(sqlite3_exec(db, "DROP INDEX runs_by_point", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	if (results_open(tp_path("plans.db"), true, &r, err, sizeof(err)) < 0)
		fail_msg("%s", err);
	identity = point = false;
	check_plans(results_db(r), &identity, &point);
	assert_true(point);
	results_close(r);

	/* half of 2 x 1000 runs stored, then the rest: each run looked up
	 * once, no full scan anywhere, in planning or in writing */
	struct scenario *big = sweep_of(1000), *small = sweep_of(100);
	struct exec_summary sum;
	struct counts c = run_into(big, "big.db", true, &sum);
	assert_int_equal(sum.written, 1000);
	c = run_into(big, "big.db", false, &sum);
	assert_int_equal(sum.skipped, 1000);
	assert_int_equal(sum.written, 1000);
	assert_int_equal(c.lookups, 2000);
	assert_int_equal(c.fullscan, 0);
	/* all stored: planning alone; the steps of a lookup among 2000 stored
	 * runs, against among 200 (a scan would take ten times as many) */
	struct counts at2000 = run_into(big, "big.db", false, &sum);
	assert_int_equal(sum.skipped, 2000);
	assert_int_equal(sum.written, 0);
	run_into(small, "small.db", false, &sum);
	struct counts at200 = run_into(small, "small.db", false, &sum);
	assert_int_equal(sum.skipped, 200);
	assert_int_equal(at2000.fullscan + at200.fullscan, 0);
	double per2000 = (double)at2000.steps / (double)at2000.lookups;
	double per200 = (double)at200.steps / (double)at200.lookups;
	print_message("virtual machine steps a lookup: %.1f among 2000 stored runs, %.1f among 200\n",
		      per2000, per200);
	if (per2000 > 1.5 * per200)
		fail_msg("a lookup takes %.1f steps among 2000 runs and %.1f among 200: not by index",
			 per2000, per200);
	scenario_free(big);
	scenario_free(small);
}

static double mono_s(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return (double)t.tv_sec + (double)t.tv_nsec * 1e-9;
}

static void sleep_ms(long ms)
{
	struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};
	nanosleep(&ts, NULL);
}

/* Waits up to limit_s for pid; its status, or -1 (then killed) if it did
 * not end.  *rss_kb: the peak resident memory of the largest child waited
 * for so far (getrusage), a bound on this one's. */
static int wait_bounded(pid_t pid, double limit_s, long *rss_kb)
{
	double t0 = mono_s();
	int status;
	for (;;) {
		pid_t got = waitpid(pid, &status, WNOHANG);
		if (got == pid)
			break;
		if (mono_s() - t0 > limit_s) {
			kill(pid, SIGKILL);
			waitpid(pid, &status, 0);
			return -1;
		}
		sleep_ms(20);
	}
	struct rusage ru;
	if (rss_kb && getrusage(RUSAGE_CHILDREN, &ru) == 0)
		*rss_kb = ru.ru_maxrss;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Issue 15 point 3: a sweep of a million runs (a tenth under the
 * sanitizers, ten times slower) took 3.2 GB to plan and ignored SIGINT and
 * SIGTERM.  Planning it takes many seconds here when the database holds a
 * run of the scenario (without one, no run is looked for: exec.c), so it
 * holds one, of a point the sweep does not have; a signal once the
 * database is opened for writing (its write-ahead log appears, and
 * planning follows at once) ends it within a few, with the interrupted
 * status and message, nothing written, in little memory. */
static void interrupt_planning(int sig, int want)
{
	bool san = getenv("CLOBBER_SANITIZED") != NULL;
	int values = san ? 316 : 1000;
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "name: million\npolicies: [lww]\nstop: {ops: 1}\nsweep:\n  a: [");
	for (int i = 0; i < values; i++)
		sb_printf(&b, "%s%d", i ? "," : "", i + 1);
	sb_puts(&b, "]\n  b: [");
	for (int i = 0; i < values; i++)
		sb_printf(&b, "%s%d", i ? "," : "", i + 1);
	sb_puts(&b, "]\nworkload: {clients: $a, retries: $b}\n");
	tp_write_bytes("million.yaml", b.s, b.len);
	sb_free(&b);
	unlink(tp_path("million.db"));
	tp_write("other.yaml", "name: other\npolicies: [lww]\nstop: {ops: 1}\n");
	const char *make[] = {"run", tp_path("other.yaml"), "-o", tp_path("million.db"), NULL};
	assert_int_equal(tp_run(NULL, make), 0);
	sqlite3 *db = tp_open_db("million.db");
	assert_int_equal(sqlite3_exec(db,
				      "INSERT INTO runs(scenario, policy, label, seed, replication, point, "
				      "params, version, started_at, status) VALUES ('million', 'lww', 'lww', 1, "
				      "0, 0, '{\"sweep\":{\"a\":\"0\",\"b\":\"0\"}}', 'x', 'now', 'ok')",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_close(db);
	assert_false(tp_exists("million.db-wal"));
	const char *args[] = {"run", tp_path("million.yaml"), "-o", tp_path("million.db"), "-j", "2", NULL};
	pid_t pid = tp_start(NULL, args);
	/* loading and checking every point comes first: seconds */
	for (int i = 0; i < 12000 && !tp_exists("million.db-wal"); i++)
		sleep_ms(10);
	assert_true(tp_exists("million.db-wal"));
	sleep_ms(200);
	kill(pid, sig);
	long rss = 0;
	int rc = wait_bounded(pid, 10, &rss);
	if (rc < 0)
		fail_msg("signal %d while planning: still running 10 s later", sig);
	const char *out = tp_output("out.txt");
	print_message("signal %d while planning: status %d, peak memory %ld MiB: %s", sig, rc, rss / 1024, out);
	if (rc != want || !strstr(out, "interrupted: 0 runs of million are stored"))
		fail_msg("signal %d while planning: status %d, wanted %d: %s", sig, rc, want, out);
	db = tp_open_db("million.db");
	assert_true(tp_intact(db));
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs WHERE scenario = 'million'"), 1);
	sqlite3_close(db);
	/* one number per run planned, not a config: well under 1 GiB */
	assert_true(rss < 1024 * 1024);
}

static void test_interrupt_planning(void **state)
{
	(void)state;
	interrupt_planning(SIGTERM, 143);
	interrupt_planning(SIGINT, 130);
}

/* Issue 15 point 9: a second writer gave up after 30 s while another held
 * the database.  Here this test holds it (a write transaction) while a run
 * wants to write: the run waits, still running seconds later, and
 * completes once it is free; a run interrupted while waiting ends with the
 * interrupted status, having written nothing.  (The wait lasts up to
 * RESULTS_BUSY_MAX_S: a day, a bound no real run of one scenario holds
 * the database for.) */
static void test_waits_for_writer(void **state)
{
	(void)state;
	assert_true(RESULTS_BUSY_MAX_S >= 3600);
	tp_write("w.yaml", "name: w\npolicies: [lww, version]\nreplications: 3\nstop: {ops: 500}\n");
	tp_write("first.yaml", "name: first\npolicies: [lww]\nstop: {ops: 50}\n");
	const char *first[] = {"run", tp_path("first.yaml"), "-o", tp_path("held.db"), NULL};
	assert_int_equal(tp_run(NULL, first), 0);
	sqlite3 *holder = tp_open_db("held.db");
	assert_int_equal(sqlite3_exec(holder, "BEGIN IMMEDIATE", NULL, NULL, NULL), SQLITE_OK);
	const char *args[] = {"run", tp_path("w.yaml"), "-o", tp_path("held.db"), NULL};
	/* interrupted while waiting */
	pid_t pid = tp_start(NULL, args);
	sleep_ms(1500);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), 0); /* still waiting */
	kill(pid, SIGTERM);
	int rc = wait_bounded(pid, 10, NULL);
	const char *out = tp_output("out.txt");
	if (rc != 143 || !strstr(out, "interrupted"))
		fail_msg("SIGTERM while waiting for another writer: status %d: %s", rc, out);
	/* waiting, then writing once the holder commits */
	pid = tp_start(NULL, args);
	sleep_ms(2500);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), 0);
	assert_int_equal(sqlite3_exec(holder, "COMMIT", NULL, NULL, NULL), SQLITE_OK);
	rc = wait_bounded(pid, 60, NULL);
	out = tp_output("out.txt");
	if (rc != 0 || !strstr(out, "w: 6 runs (6 new"))
		fail_msg("a writer waiting for another: status %d: %s", rc, out);
	assert_int_equal(tp_query(holder, "SELECT count(*) FROM runs WHERE scenario = 'w'"), 6);
	sqlite3_close(holder);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_resume_by_index),
		cmocka_unit_test(test_interrupt_planning),
		cmocka_unit_test(test_waits_for_writer),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
