/*
 * test_cli.c - the clobber binary end to end: determinism of stored rows,
 * -j 2 against -j 1, an interrupted sweep resumed, exit codes, and that a
 * bad scenario writes nothing.  The binary is $CLOBBER (the Makefile sets
 * it to the build under test), else bin/clobber.
 */
#include "testproc.h"

#include <time.h>

#include "sim/app/results.h"

/* stdout into out.txt, stderr into err.txt */
static const struct tp_how separate = {.err = "err.txt"};

static int run(const char *const *args)
{
	return tp_run(&separate, args);
}

/* A small sweep: 2 points x 3 policies x 2 replications. */
static const char small[] =
	"name: small\n"
	"description: a small sweep for the command-line tests\n"
	"replications: 2\n"
	"stop: {ops: 2000}\n"
	"sweep: {skew: [0ms, 5ms]}\n"
	"policies: [lww, version, {lock: {mode: fail}}]\n"
	"workload: {clients: 6, key: zipf(1.0), mix: {incr: 0.7, read: 0.3}}\n"
	"store: {keys: 4}\n"
	"clocks:\n"
	"  offset: normal(0, $skew)\n";

/* Rows of a and b that differ in anything but wall time and start time:
 * counts rows in one and not the other, every table compared. */
static long long differences(const char *a, const char *b)
{
	sqlite3 *db = tp_open_db(a);
	char sql[600];
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS other", tp_path(b));
	sqlite3_exec(db, sql, NULL, NULL, NULL);
	const char *const checks[] = {
		"SELECT count(*) FROM (SELECT id,scenario,policy,label,seed,replication,point,params,version,status FROM main.runs "
		"EXCEPT SELECT id,scenario,policy,label,seed,replication,point,params,version,status FROM other.runs)",
		"SELECT count(*) FROM (SELECT * FROM main.run_params EXCEPT SELECT * FROM other.run_params)",
		"SELECT count(*) FROM (SELECT * FROM main.metrics WHERE name <> 'wall_s' "
		"EXCEPT SELECT * FROM other.metrics WHERE name <> 'wall_s')",
		"SELECT count(*) FROM (SELECT * FROM main.latency EXCEPT SELECT * FROM other.latency)",
		"SELECT count(*) FROM (SELECT * FROM main.ops EXCEPT SELECT * FROM other.ops)",
		"SELECT (SELECT count(*) FROM main.metrics) - (SELECT count(*) FROM other.metrics)",
		"SELECT (SELECT count(*) FROM main.runs) - (SELECT count(*) FROM other.runs)",
	};
	long long diff = 0;
	for (size_t i = 0; i < sizeof(checks) / sizeof(checks[0]); i++) {
		long long d = tp_query(db, checks[i]);
		if (d != 0)
			print_error("%s vs %s: %lld in: %s\n", a, b, d, checks[i]);
		diff += d < 0 ? -d : d;
	}
	sqlite3_close(db);
	return diff;
}

static void test_run_twice_and_jobs(void **state)
{
	(void)state;
	tp_write("small.yaml", small);
	const char *a1[] = {"run", tp_path("small.yaml"), "-o", tp_path("a.db"), "-j", "1",
			    "--record", "ops", NULL};
	const char *a2[] = {"run", tp_path("small.yaml"), "-o", tp_path("b.db"), "-j", "1",
			    "--record", "ops", NULL};
	const char *a3[] = {"run", tp_path("small.yaml"), "-o", tp_path("c.db"), "-j", "2",
			    "--record", "ops", NULL};
	assert_int_equal(run(a1), 0);
	assert_int_equal(run(a2), 0);
	assert_int_equal(run(a3), 0);
	sqlite3 *db = tp_open_db("a.db");
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs"), 12);
	assert_int_equal(tp_query(db, "SELECT count(DISTINCT params) FROM runs"), 12);
	/* every operation has its row */
	assert_int_equal(tp_query(db, "SELECT count(*) FROM ops"), 12 * 2000);
	/* a run's rows are stored together in issue order: op 0, 1, 2, ... */
	assert_int_equal(tp_query(db, "SELECT count(*) FROM (SELECT run_id, op, lag(run_id) OVER w AS pr, "
				       "lag(op) OVER w AS po FROM ops WINDOW w AS (ORDER BY rowid)) "
				       "WHERE CASE WHEN pr = run_id THEN op <> po + 1 ELSE op <> 0 END"),
			 0);
	assert_int_equal(tp_query(db,
				   "SELECT count(*) FROM runs r WHERE (SELECT value FROM metrics m WHERE m.run_id=r.id "
				   "AND m.name='lost_updates') <> (SELECT count(*) FROM ops o WHERE o.run_id=r.id AND o.lost)"),
			 0);
	/* run_params: the skew axis as a number of milliseconds */
	assert_int_equal(tp_query(db, "SELECT count(*) FROM run_params WHERE name='skew' AND typeof(value)='real'"), 12);
	assert_int_equal(tp_query(db, "PRAGMA user_version"), RESULTS_SCHEMA);
	sqlite3_close(db);
	/* the same scenario twice: identical rows; -j 2: identical rows */
	assert_int_equal(differences("a.db", "b.db"), 0);
	assert_int_equal(differences("a.db", "c.db"), 0);
	/* running it again into a.db adds nothing */
	assert_int_equal(run(a1), 0);
	char out[4096];
	tp_slurp("out.txt", out, sizeof(out));
	assert_non_null(strstr(out, "12 runs (0 new, 12 already there)"));
	db = tp_open_db("a.db");
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs"), 12);
	sqlite3_close(db);
}

/* A sweep (yaml, `total` runs of lww and version) killed with SIGKILL
 * midway, then run again: every run exactly once, whole, and the database
 * intact. */
static void kill_and_resume(const char *yaml, const char *db_name, long long total)
{
	tp_write("long.yaml", yaml);
	const char *kdb = tp_path(db_name);
	const char *args[] = {"run", tp_path("long.yaml"), "-o", kdb, "-j", "2", NULL};
	pid_t pid = tp_start(&separate, args);
	/* wait until a few runs are stored */
	for (int i = 0; i < 3000 && tp_runs_so_far(kdb) < 4; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
	}
	kill(pid, SIGKILL);
	int rc = tp_wait(pid);
	assert_int_equal(rc, 128 + SIGKILL);
	sqlite3 *db = tp_open_db(db_name);
	assert_true(tp_intact(db));
	long long after_kill = tp_query(db, "SELECT count(*) FROM runs");
	print_message("killed after %lld of %lld runs\n", after_kill, total);
	assert_true(after_kill >= 4 && after_kill < total);
	/* only whole runs: every run has all its metrics (lww and version
	 * have none of their own: the general ones), its latency row and all
	 * its quantiles (every run here has successful operations) */
	char whole[160];
	snprintf(whole, sizeof(whole),
		 "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM metrics m WHERE m.run_id=r.id) <> %d",
		 M_NGENERAL);
	assert_int_equal(tp_query(db, whole), 0);
	snprintf(whole, sizeof(whole),
		 "SELECT count(*) FROM runs r WHERE (SELECT count(*) FROM quantiles q WHERE q.run_id=r.id) <> %d",
		 RUN_NQUANTILES);
	assert_int_equal(tp_query(db, whole), 0);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs r WHERE NOT EXISTS "
				      "(SELECT 1 FROM latency l WHERE l.run_id=r.id)"),
			 0);
	sqlite3_close(db);
	assert_int_equal(run(args), 0);
	char out[4096];
	tp_slurp("out.txt", out, sizeof(out));
	char want[64];
	snprintf(want, sizeof(want), "(%lld new, %lld already there)", total - after_kill, after_kill);
	if (!strstr(out, want))
		fail_msg("output '%s' lacks '%s'", out, want);
	db = tp_open_db(db_name);
	assert_true(tp_intact(db));
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs"), total);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM (SELECT DISTINCT point, label, replication FROM runs)"), total);
	assert_int_equal(tp_query(db, "SELECT count(DISTINCT params) FROM runs"), total);
	sqlite3_close(db);
}

/* Long runs: a transaction holds about one. */
static void test_kill_and_resume(void **state)
{
	(void)state;
	kill_and_resume("name: long\n"
			"description: runs long enough to be killed in the middle\n"
			"replications: 10\n"
			"stop: {ops: 40000}\n"
			"sweep: {c: [8, 16, 32]}\n"
			"policies: [lww, version]\n"
			"workload: {clients: $c}\n",
			"k.db", 60);
}

/* Tiny runs: a transaction holds hundreds of them (RESULTS_COMMIT_S), each
 * in its savepoint; a kill loses the open transaction's, never part of one. */
static void test_kill_tiny_runs(void **state)
{
	(void)state;
	kill_and_resume("name: tiny\n"
			"replications: 1500\n"
			"stop: {ops: 100}\n"
			"sweep: {c: [2, 4]}\n"
			"policies: [lww, version]\n"
			"workload: {clients: $c}\n",
			"tiny.db", 6000);
}

/* A finished run is committed while the next run is still running (runs
 * share transactions, but none waits for the next run to be written): a
 * short run then a long one, -j 1; a reader sees the first while the
 * process is still busy with the second, and not because it ended. */
static void test_commit_while_running(void **state)
{
	(void)state;
	tp_write("two.yaml", "name: two\n"
			     "sweep: {n: [100, 4000000]}\n"
			     "stop: {ops: $n}\n"
			     "policies: [version]\n");
	const char *db = tp_path("two.db");
	const char *args[] = {"run", tp_path("two.yaml"), "-o", db, "-j", "1", NULL};
	pid_t pid = tp_start(&separate, args);
	long long stored = 0;
	bool running = true;
	for (int i = 0; i < 1000 && stored == 0 && running; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		stored = tp_runs_so_far(db);
		running = waitpid(pid, NULL, WNOHANG) == 0;
	}
	if (!running)
		fail_msg("the process ended before its first run was seen: make the second run longer");
	assert_int_equal(stored, 1);
	kill(pid, SIGKILL);
	assert_int_equal(tp_wait(pid), 128 + SIGKILL);
	sqlite3 *d = tp_open_db("two.db");
	assert_true(tp_intact(d));
	assert_int_equal(tp_query(d, "SELECT count(*) FROM runs"), 1);
	sqlite3_close(d);
}

/* A database is extended by new sweep values, policies or replications,
 * but runs of an edited scenario are refused rather than mixed with the
 * old ones. */
static void test_edit_and_extend(void **state)
{
	(void)state;
	const char *a1[] = {"run", tp_path("small.yaml"), "-o", tp_path("e.db"), NULL};
	assert_int_equal(run(a1), 0);
	const char *a2[] = {"run", tp_path("small.yaml"), "-o", tp_path("e.db"), "--set",
			    "store.keys=5", NULL};
	assert_int_equal(run(a2), 1);
	char err[4096];
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "made with other parameters"));
	const char *a3[] = {"run", tp_path("small.yaml"), "-o", tp_path("e.db"), "--set",
			    "skew=[0ms, 2ms, 5ms]", "--set", "replications=3", NULL};
	assert_int_equal(run(a3), 0);
	char out[4096];
	tp_slurp("out.txt", out, sizeof(out));
	/* 3 points x 3 policies x 3 replications = 27, of which 12 were there */
	assert_non_null(strstr(out, "27 runs (15 new, 12 already there)"));
	sqlite3 *db = tp_open_db("e.db");
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs"), 27);
	sqlite3_close(db);
}

static void test_exit_codes(void **state)
{
	(void)state;
	char err[4096];
	/* a bad scenario: status 2, the file and line named, nothing written */
	tp_write("bad.yaml", "name: bad\npolicies: [lww]\nworkload: {clients: -3}\n");
	const char *a1[] = {"run", tp_path("bad.yaml"), "-o", tp_path("bad.db"), NULL};
	assert_int_equal(run(a1), 2);
	tp_slurp("err.txt", err, sizeof(err));
	char want[400];
	snprintf(want, sizeof(want), "%s:3:21: workload.clients", tp_path("bad.yaml"));
	if (!strstr(err, want))
		fail_msg("stderr '%s' lacks '%s'", err, want);
	struct stat st;
	assert_int_not_equal(stat(tp_path("bad.db"), &st), 0);
	/* one bad scenario among good ones: nothing runs */
	const char *a2[] = {"run", tp_path("small.yaml"), tp_path("bad.yaml"), "-o", tp_path("mixed.db"), NULL};
	assert_int_equal(run(a2), 2);
	assert_int_not_equal(stat(tp_path("mixed.db"), &st), 0);
	const char *a3[] = {"frobnicate", NULL};
	assert_int_equal(run(a3), 2);
	const char *a4[] = {"run", NULL};
	assert_int_equal(run(a4), 2);
	const char *a5[] = {"run", tp_path("small.yaml"), "--bogus", NULL};
	assert_int_equal(run(a5), 2);
	const char *a6[] = {"run", tp_path("nonexistent.yaml"), NULL};
	assert_int_equal(run(a6), 2);
	const char *a7[] = {"--version", NULL};
	assert_int_equal(run(a7), 0);
	const char *a8[] = {"check", tp_path("small.yaml"), NULL};
	assert_int_equal(run(a8), 0);
	/* two scenarios named alike: run without -o refuses (one results file
	 * for both), check validates each alone */
	tp_write("twin.yaml", "name: small\npolicies: [lww]\nstop: {ops: 100}\n");
	const char *t1[] = {"run", tp_path("small.yaml"), tp_path("twin.yaml"), NULL};
	assert_int_equal(run(t1), 2);
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "would go to the same file"));
	const char *t2[] = {"check", tp_path("small.yaml"), tp_path("twin.yaml"), NULL};
	assert_int_equal(run(t2), 0);
	char out[4096];
	tp_slurp("out.txt", out, sizeof(out));
	assert_non_null(strstr(out, "2 points x 3 policies x 2 replications = 12 runs"));
	const char *a9[] = {"check", tp_path("small.yaml"), "--set", "skew=[1ms,2ms,3ms]", NULL};
	assert_int_equal(run(a9), 0);
	tp_slurp("out.txt", out, sizeof(out));
	assert_non_null(strstr(out, "= 18 runs"));
	const char *a10[] = {"report", tp_path("a.db"), NULL};
	assert_int_equal(run(a10), 0);
	tp_slurp("out.txt", out, sizeof(out));
	assert_non_null(strstr(out, "\nskew=5ms\n"));
	assert_non_null(strstr(out, "lock(mode=fail)"));
	const char *a11[] = {"report", tp_path("nothing.db"), NULL};
	assert_int_equal(run(a11), 1);
	/* a database of another schema version is refused, with what to do */
	sqlite3 *db;
	sqlite3_open(tp_path("old.db"), &db);
	sqlite3_exec(db,
		     "CREATE TABLE runs(id, scenario, label, replication, params); PRAGMA user_version=7;",
		     NULL, NULL, NULL);
	sqlite3_close(db);
	const char *a12[] = {"run", tp_path("small.yaml"), "-o", tp_path("old.db"), NULL};
	assert_int_equal(run(a12), 1);
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "schema version 7"));
	assert_non_null(strstr(err, "write to a new database"));
	const char *a13[] = {"policies", NULL};
	assert_int_equal(run(a13), 0);
	const char *a14[] = {"run", "--help", NULL};
	assert_int_equal(run(a14), 0);
}

/* clobber help CMD prints that command's help (the usage line the
 * command's --help prints); a command or an option that is one typo away
 * from a real one is named; a file of another kind where a scenario or a
 * results database goes is called what it is. */
static void test_help_and_mixups(void **state)
{
	(void)state;
	char out[8192], err[4096];
	tp_write("small.yaml", small);
	const char *h1[] = {"help", "run", NULL};
	assert_int_equal(run(h1), 0);
	tp_slurp("out.txt", out, sizeof(out));
	if (strncmp(out, "usage: clobber run SCENARIO", 27) != 0)
		fail_msg("clobber help run printed:\n%s", out);
	const char *h2[] = {"help", "trace", NULL};
	assert_int_equal(run(h2), 0);
	tp_slurp("out.txt", out, sizeof(out));
	assert_non_null(strstr(out, "clobber trace --run ID DB"));
	const char *h3[] = {"help", "nosuch", NULL};
	assert_int_equal(run(h3), 2);
	/* one swap of neighbours, one letter missing */
	const char *t1[] = {"rnu", NULL};
	assert_int_equal(run(t1), 2);
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "unknown command 'rnu'; did you mean 'run'?"));
	const char *t2[] = {"run", tp_path("small.yaml"), "--job", "2", NULL};
	assert_int_equal(run(t2), 2);
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "unknown option '--job'; did you mean '--jobs'?"));
	const char *t3[] = {"trace", "x.yaml", "--widht", "80", NULL};
	assert_int_equal(run(t3), 2);
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "did you mean '--width'?"));
	/* nothing near: no guess */
	const char *t4[] = {"frobnicate", NULL};
	assert_int_equal(run(t4), 2);
	tp_slurp("err.txt", err, sizeof(err));
	assert_null(strstr(err, "did you mean"));
	/* a results database where a scenario goes: check, run and trace */
	const char *mk[] = {"run", tp_path("small.yaml"), "-o", tp_path("h.db"), "--set",
			    "stop.ops=50", NULL};
	assert_int_equal(run(mk), 0);
	const char *w1[] = {"check", tp_path("h.db"), NULL};
	assert_int_equal(run(w1), 2);
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "this is an SQLite database (a results database?), not a scenario file"));
	assert_null(strstr(err, "YAML: control characters"));
	const char *w2[] = {"trace", tp_path("h.db"), NULL};
	assert_int_equal(run(w2), 2);
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "is a results database, not a scenario file"));
	assert_non_null(strstr(err, "runs with a trace, recorded by clobber run --record trace: none"));
	/* an SQLite database of another program: named so, not "version 0" */
	sqlite3 *db;
	sqlite3_open(tp_path("foreign.db"), &db);
	sqlite3_exec(db, "CREATE TABLE customers(id, name);", NULL, NULL, NULL);
	sqlite3_close(db);
	const char *f1[] = {"report", tp_path("foreign.db"), NULL};
	assert_int_equal(run(f1), 1);
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "is an SQLite database, but not a clobber results database"));
	assert_null(strstr(err, "schema version 0"));
	/* and a scenario where the database goes */
	const char *f3[] = {"report", tp_path("small.yaml"), NULL};
	assert_int_equal(run(f3), 1);
	tp_slurp("err.txt", err, sizeof(err));
	assert_non_null(strstr(err, "small.yaml is not a results database (not an SQLite file): it "
				    "looks like a scenario file"));
	const char *f2[] = {"run", tp_path("small.yaml"), "-o", tp_path("foreign.db"), NULL};
	assert_int_equal(run(f2), 1);
	sqlite3_open(tp_path("foreign.db"), &db);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM sqlite_master"), 1); /* untouched */
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_run_twice_and_jobs),
		cmocka_unit_test(test_kill_and_resume),
		cmocka_unit_test(test_kill_tiny_runs),
		cmocka_unit_test(test_commit_while_running),
		cmocka_unit_test(test_edit_and_extend),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_help_and_mixups),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
