/*
 * test_merge.c - many machines, on one: a sweep run as N shards by GNU
 * parallel (through the shipped recipe scripts/parallel-sweep.sh), merged
 * with `clobber merge`, against the same sweep run by one `clobber run`;
 * merging twice; an edited scenario refused; a shard killed with kill -9
 * and run again; a merge while a shard is writing; refused inputs; tables
 * and columns that this clobber does not know.
 *
 * The expected database is always one written independently of merge: the
 * single-machine `clobber run` of the same scenarios.  Rows are compared by
 * run identity (scenario, params), never by id, in every table that has a
 * run_id column, as found in the database (so tables added later are
 * compared too), with wall_s and started_at left out.  The comparison is
 * itself checked to see a one-value difference.
 */
#include "testproc.h"

#include <time.h>

#include "sim/core/strbuf.h"

/* 13 runs in all, a count that 2, 3 and 7 do not divide: 5 points x 2
 * policies of A, whose costs differ, and 3 policies of B. */
static const char scen_a[] =
	"name: merge-a\nstop: {ops: $n}\nsweep: {n: [100, 200, 400, 800, 1600]}\n"
	"policies: [lww, version]\nworkload: {clients: 4, key: zipf(1.0)}\nstore: {keys: 4}\n";
static const char scen_a_edited[] = /* the same labels and sweep, other keys */
	"name: merge-a\nstop: {ops: $n}\nsweep: {n: [100, 200, 400, 800, 1600]}\n"
	"policies: [lww, version]\nworkload: {clients: 4, key: zipf(1.0)}\nstore: {keys: 5}\n";
static const char scen_b[] = /* replicated, with probes (the visibility table too) and faults */
	"name: merge-b\nstop: {ops: 300}\npolicies: [lww, {siblings: {merge: union}}, version]\n"
	"workload: {clients: 3, mix: {add: 0.8, read: 0.2}, probe: [0ms, 1ms], timeout: 20ms}\n"
	"store: {keys: 2}\ncluster: {nodes: 3, replication: {quorum: {n: 3, r: 1, w: 1}}}\n"
	"faults: [{crash: {node: 1, at: 'uniform(0, 20ms)', for: 10ms, every: 40ms}},\n"
	"         {loss: {p: 0.05, at: 5ms, for: 30ms}}]\n";
#define RUNS 13

static char script[1024]; /* scripts/parallel-sweep.sh, absolute */

static int setup(void **state)
{
	if (tp_setup(state) < 0)
		return -1;
	char cwd[512];
	if (!getcwd(cwd, sizeof(cwd)))
		return -1;
	snprintf(script, sizeof(script), "%s/scripts/parallel-sweep.sh", cwd);
	tp_write("a.yaml", scen_a);
	tp_write("a-edited.yaml", scen_a_edited);
	tp_write("b.yaml", scen_b);
	/* GNU parallel keeps its state here, not in $HOME; the recipe runs
	 * this very binary */
	setenv("PARALLEL_HOME", tp_path("parallel-home"), 1);
	setenv("CLOBBER", tp_bin, 1);
	mkdir(tp_path("parallel-home"), 0700);
	return 0;
}

static long long query(const char *db, const char *sql)
{
	sqlite3 *d = tp_open_db(db);
	long long v = tp_query(d, sql);
	sqlite3_close(d);
	return v;
}

/* The tables of db with a run_id column, and their other columns as a
 * select list (t.col, ...), from the database's own schema. */
static size_t run_tables(sqlite3 *db, char names[][64], char cols[][1024], size_t max)
{
	sqlite3_stmt *st;
	const char *sql = "SELECT m.name, (SELECT group_concat('t.\"' || p.name || '\"', ',') FROM pragma_table_info(m.name) p "
			  "WHERE p.name <> 'run_id') FROM sqlite_master m WHERE m.type = 'table' AND "
			  "EXISTS (SELECT 1 FROM pragma_table_info(m.name) p WHERE p.name = 'run_id') ORDER BY m.name";
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(db));
	size_t n = 0;
	while (n < max && sqlite3_step(st) == SQLITE_ROW) {
		snprintf(names[n], 64, "%s", (const char *)sqlite3_column_text(st, 0));
		snprintf(cols[n], 1024, "%s", (const char *)sqlite3_column_text(st, 1));
		n++;
	}
	sqlite3_finalize(st);
	return n;
}

/* Rows of a missing from b (*a_not_b) and of b missing from a, by run
 * identity, in runs (but id, started_at, wall_s) and every run_id table
 * (metrics but wall_s), with each run's row count per table. */
static void compare(const char *a, const char *b, long long *a_not_b, long long *b_not_a, bool loud)
{
	sqlite3 *db = tp_open_db(a);
	char sql[8192];
	snprintf(sql, sizeof(sql), "ATTACH '%s' AS other", tp_file(b));
	if (sqlite3_exec(db, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("attach %s: %s", b, sqlite3_errmsg(db));
	static char names[32][64], cols[32][1024];
	size_t n = run_tables(db, names, cols, 32);
	assert_true(n >= 8); /* run_params metrics latency quantiles ops trace visibility faults */
	*a_not_b = *b_not_a = 0;
	for (int dir = 0; dir < 2; dir++) {
		const char *x = dir ? "other" : "main", *y = dir ? "main" : "other";
		long long *out = dir ? b_not_a : a_not_b;
		snprintf(sql, sizeof(sql),
			 "SELECT count(*) FROM (SELECT scenario, params, policy, label, seed, replication, point, version, status FROM %s.runs "
			 "EXCEPT SELECT scenario, params, policy, label, seed, replication, point, version, status FROM %s.runs)",
			 x, y);
		*out += tp_query(db, sql);
		for (size_t t = 0; t < n; t++) {
			const char *skip = strcmp(names[t], "metrics") == 0 ? " WHERE t.name <> 'wall_s'" : "";
			snprintf(sql, sizeof(sql),
				 "SELECT count(*) FROM (SELECT r.scenario, r.params, %s FROM %s.%s t JOIN %s.runs r ON r.id = t.run_id%s "
				 "EXCEPT SELECT r.scenario, r.params, %s FROM %s.%s t JOIN %s.runs r ON r.id = t.run_id%s)",
				 cols[t], x, names[t], x, skip, cols[t], y, names[t], y, skip);
			long long d = tp_query(db, sql);
			snprintf(sql, sizeof(sql),
				 "SELECT count(*) FROM (SELECT r.scenario, r.params, (SELECT count(*) FROM %s.%s t WHERE t.run_id = r.id) FROM %s.runs r "
				 "EXCEPT SELECT r.scenario, r.params, (SELECT count(*) FROM %s.%s t WHERE t.run_id = r.id) FROM %s.runs r)",
				 x, names[t], x, y, names[t], y);
			d += tp_query(db, sql);
			if (d && loud)
				print_error("%s: %lld rows of %s.%s not in %s\n", names[t], d, x, names[t], y);
			*out += d;
		}
	}
	sqlite3_close(db);
}

static void assert_same(const char *a, const char *b)
{
	long long x, y;
	compare(a, b, &x, &y, true);
	if (x || y)
		fail_msg("%s and %s differ: %lld rows only in the first, %lld only in the second", a, b, x, y);
}

/* Row counts of every table, as one string, to see that nothing changed. */
static void counts(const char *db, char *buf, size_t n)
{
	sqlite3 *d = tp_open_db(db);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(d, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name", -1, &st, NULL);
	size_t len = 0;
	buf[0] = '\0';
	while (sqlite3_step(st) == SQLITE_ROW && len < n) {
		char sql[200];
		const char *t = (const char *)sqlite3_column_text(st, 0);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM \"%s\"", t);
		len += (size_t)snprintf(buf + len, n - len, "%s=%lld ", t, tp_query(d, sql));
	}
	sqlite3_finalize(st);
	sqlite3_close(d);
}

static int clobber(const char *const *args)
{
	return tp_run(NULL, args);
}

/* The reference: one clobber run of both scenarios. */
static void make_single(void)
{
	if (tp_exists("single.db"))
		return;
	const char *args[] = {"run", tp_path("a.yaml"), tp_path("b.yaml"), "-o", tp_path("single.db"),
			      "--record", "ops", "--record", "trace", "-j", "2", NULL};
	if (clobber(args) != 0)
		fail_msg("single run: %s", tp_output("out.txt"));
	assert_int_equal(query("single.db", "SELECT count(*) FROM runs"), RUNS);
}

/* The recipe: N shards by GNU parallel, two at a time, merged into OUT. */
static void sharded(unsigned n, const char *out)
{
	char ns[16];
	snprintf(ns, sizeof(ns), "%u", n);
	const char *argv[] = {"sh", script, "-n", ns, "-j", "2", "-o", tp_path(out), tp_path("a.yaml"),
			      tp_path("b.yaml"), "--", "--record", "ops", "--record", "trace", "-j", "1", NULL};
	int rc = tp_wait(tp_spawn(NULL, argv));
	if (rc != 0)
		fail_msg("parallel-sweep.sh -n %u: status %d: %s", n, rc, tp_output("out.txt"));
}

static void test_shards_equal_single(void **state)
{
	(void)state;
	make_single();
	/* the comparison sees a difference of one value in one run */
	const char *cp[] = {"cp", tp_path("single.db"), tp_path("mutant.db"), NULL};
	assert_int_equal(tp_wait(tp_spawn(NULL, cp)), 0);
	sqlite3 *d = tp_open_db("mutant.db");
	sqlite3_exec(d, "UPDATE metrics SET value = value + 1 WHERE name = 'ops' AND run_id = 3", NULL, NULL, NULL);
	sqlite3_close(d);
	long long x, y;
	compare("single.db", "mutant.db", &x, &y, false);
	assert_true(x > 0 && y > 0);
	/* and in the fault windows */
	const char *cp2[] = {"cp", tp_path("single.db"), tp_path("mutant2.db"), NULL};
	assert_int_equal(tp_wait(tp_spawn(NULL, cp2)), 0);
	d = tp_open_db("mutant2.db");
	sqlite3_exec(d, "UPDATE faults SET end_ms = end_ms + 1 WHERE rowid = 1", NULL, NULL, NULL);
	sqlite3_close(d);
	compare("single.db", "mutant2.db", &x, &y, false);
	assert_true(x > 0 && y > 0);
	assert_true(query("single.db", "SELECT count(*) FROM ops") > 1000);
	assert_true(query("single.db", "SELECT count(*) FROM trace") > 1000);
	assert_true(query("single.db", "SELECT count(*) FROM visibility") > 10);
	/* repeated crashes and a loss in each of merge-b's three runs */
	assert_true(query("single.db", "SELECT count(*) FROM faults") >= 3 * 2);
	assert_int_equal(query("single.db", "SELECT count(DISTINCT run_id) FROM faults"), 3);

	static const unsigned ns[] = {1, 2, 3, 7};
	for (size_t i = 0; i < sizeof(ns) / sizeof(ns[0]); i++) {
		unsigned n = ns[i];
		char out[64];
		snprintf(out, sizeof(out), "m%u.db", n);
		sharded(n, out);
		/* the slices are disjoint and cover the run list */
		long long sum = 0;
		for (unsigned k = 1; k <= n; k++) {
			char shard[96];
			snprintf(shard, sizeof(shard), "%s.shards/shard-%u.db", out, k);
			long long runs = query(shard, "SELECT count(*) FROM runs");
			assert_true(runs >= 1); /* 13 runs over at most 7 slices */
			sum += runs;
		}
		if (sum != RUNS)
			fail_msg("N=%u: the shards hold %lld runs, the sweep has %d", n, sum, RUNS);
		assert_int_equal(query(out, "SELECT count(*) FROM runs"), RUNS);
		assert_same(out, "single.db");
		print_message("N=%u: %lld runs in %u shards, merged: the same rows as one clobber run\n", n, sum, n);
	}
}

static void test_merge_twice(void **state)
{
	(void)state;
	if (!tp_exists("m3.db"))
		sharded(3, "m3.db");
	char before[2048], after[2048];
	counts("m3.db", before, sizeof(before));
	const char *args[] = {"merge", tp_path("m3.db"), tp_path("m3.db.shards/shard-1.db"),
			      tp_path("m3.db.shards/shard-2.db"), tp_path("m3.db.shards/shard-3.db"), NULL};
	assert_int_equal(clobber(args), 0);
	const char *msg = tp_output("out.txt");
	if (!strstr(msg, "(0 new)") || !strstr(msg, "0 copied"))
		fail_msg("merging again: '%s'", msg);
	counts("m3.db", after, sizeof(after));
	assert_string_equal(before, after);
	/* and merging a database into a copy of itself adds nothing either */
	const char *again[] = {"merge", tp_path("m3-again.db"), tp_path("m3.db"), tp_path("m3.db"), NULL};
	assert_int_equal(clobber(again), 0);
	assert_same("m3-again.db", "single.db");
}

static void test_edited_refused(void **state)
{
	(void)state;
	if (!tp_exists("m3.db"))
		sharded(3, "m3.db");
	const char *run[] = {"run", tp_path("a-edited.yaml"), "-o", tp_path("edited.db"), "--shard", "1/2", NULL};
	assert_int_equal(clobber(run), 0);
	char before[2048], after[2048];
	counts("m3.db", before, sizeof(before));
	/* into a database holding the original's runs */
	const char *into[] = {"merge", tp_path("m3.db"), tp_path("edited.db"), NULL};
	assert_int_equal(clobber(into), 2);
	const char *msg = tp_output("out.txt");
	if (!strstr(msg, "scenario 'merge-a'") || !strstr(msg, "edited") || !strstr(msg, "Nothing was merged"))
		fail_msg("edited scenario: '%s'", msg);
	counts("m3.db", after, sizeof(after));
	assert_string_equal(before, after);
	/* between two inputs, into a new database: refused, nothing created */
	const char *between[] = {"merge", tp_path("fresh.db"), tp_path("m3.db.shards/shard-1.db"),
				 tp_path("m3.db.shards/shard-2.db"), tp_path("m3.db.shards/shard-3.db"),
				 tp_path("edited.db"), NULL};
	assert_int_equal(clobber(between), 2);
	if (!strstr(tp_output("out.txt"), "edited"))
		fail_msg("edited, between inputs: '%s'", tp_output("out.txt"));
	assert_false(tp_exists("fresh.db"));
	/* run itself refuses the same mix: the independent definition */
	const char *mix[] = {"run", tp_path("a-edited.yaml"), "-o", tp_path("m3.db"), NULL};
	assert_int_equal(clobber(mix), 1);
	assert_non_null(strstr(tp_output("out.txt"), "the scenario changed"));
}

/* "shard 1/2: K of M runs" from check --shard. */
static long long slice_size(const char *yaml, const char *shard)
{
	const char *args[] = {"check", tp_path(yaml), "--shard", shard, NULL};
	assert_int_equal(clobber(args), 0);
	const char *out = tp_output("out.txt");
	long long k = -1, m = -1;
	const char *p = strstr(out, ": ");
	if (!p || sscanf(p, ": %lld of %lld runs", &k, &m) != 2)
		fail_msg("check --shard %s: '%s'", shard, out);
	return k;
}

/* A shard killed with kill -9 mid-slice, merged while it was writing, run
 * again: it completes its slice, with the same rows as the slice run
 * without a kill. */
static void test_kill_and_resume(void **state)
{
	(void)state;
	/* runs of 0.1 s (0.3 s in the sanitizer build), long enough to be
	 * caught mid-slice after the first */
	tp_write("k.yaml", "name: killed\nreplications: 2\nstop: {ops: 150000}\nsweep: {c: [4, 8, 16]}\n"
			   "policies: [lww, version]\nworkload: {clients: $c}\n");
	long long slice = slice_size("k.yaml", "1/2");
	assert_true(slice >= 4 && slice <= 8); /* 12 runs over 2 slices */
	const char *args[] = {"run", tp_path("k.yaml"), "--shard", "1/2", "-o", tp_path("k1.db"), "-j", "1", NULL};
	struct tp_how quiet = {.out = "k1.txt"};
	pid_t pid = tp_start(&quiet, args);
	long long done = 0;
	for (int i = 0; i < 6000 && done < 1; i++) {
		struct timespec ts = {0, 10 * 1000 * 1000};
		nanosleep(&ts, NULL);
		done = tp_exists("k1.db") ? tp_runs_so_far(tp_file("k1.db")) : 0;
	}
	assert_true(done >= 1);
	/* merged while the shard writes: whole runs only */
	const char *live[] = {"merge", tp_path("live.db"), tp_path("k1.db"), NULL};
	int lrc = clobber(live);
	kill(pid, SIGKILL);
	if (lrc != 0)
		fail_msg("merge while the shard writes: status %d: %s", lrc, tp_output("out.txt"));
	assert_int_equal(tp_wait(pid), 128 + SIGKILL);
	sqlite3 *d = tp_open_db("k1.db");
	assert_true(tp_intact(d));
	long long kept = tp_query(d, "SELECT count(*) FROM runs");
	sqlite3_close(d);
	if (kept >= slice)
		fail_msg("the shard finished its %lld runs before it was killed", slice);
	/* the reference: the same slice run without a kill */
	const char *single[] = {"run", tp_path("k.yaml"), "--shard", "1/2", "-o", tp_path("k.db"), NULL};
	assert_int_equal(clobber(single), 0);
	long long lx, ly;
	compare("live.db", "k.db", &lx, &ly, false);
	long long live_runs = query("live.db", "SELECT count(*) FROM runs");
	if (lx != 0 || live_runs < 1 || live_runs > kept)
		fail_msg("merged while writing: %lld runs, %lld rows not as in one clobber run", live_runs, lx);
	/* run again: the slice completes, with the rows of an uninterrupted run */
	assert_int_equal(clobber(args), 0);
	assert_int_equal(query("k1.db", "SELECT count(*) FROM runs"), slice);
	assert_same("k1.db", "k.db");
	/* and the live merge, completed, too */
	assert_int_equal(clobber(live), 0);
	long long ix, iy;
	compare("live.db", "k.db", &ix, &iy, false);
	assert_int_equal(ix, 0);
	assert_int_equal(query("live.db", "SELECT count(*) FROM runs"), slice);
	print_message("killed after %lld of %lld runs (a merge meanwhile took %lld), run again: complete\n",
		      kept, slice, live_runs);
}

static void test_refused_inputs(void **state)
{
	(void)state;
	make_single();
	const char *cp[] = {"cp", tp_path("single.db"), tp_path("v99.db"), NULL};
	assert_int_equal(tp_wait(tp_spawn(NULL, cp)), 0);
	sqlite3 *d = tp_open_db("v99.db");
	sqlite3_exec(d, "PRAGMA user_version = 99", NULL, NULL, NULL);
	sqlite3_close(d);
	const char *cp4[] = {"cp", tp_path("single.db"), tp_path("v4.db"), NULL};
	assert_int_equal(tp_wait(tp_spawn(NULL, cp4)), 0);
	d = tp_open_db("v4.db");
	sqlite3_exec(d, "PRAGMA user_version = 4", NULL, NULL, NULL);
	sqlite3_close(d);
	tp_write("text.db", "this is not a database, it is a text file of some length.............\n");
	tp_write("empty.db", "");
	static const struct {
		const char *in;
		int status;
		const char *want;
	} cases[] = {
		{"v99.db", 2, "schema version 99"},
		{"v4.db", 2, "let this clobber upgrade it first by writing to it once"},
		{"text.db", 2, "not a results database"},
		{"missing.db", 2, "no such results database"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		unlink(tp_path("refused.db"));
		const char *args[] = {"merge", tp_path("refused.db"), tp_path("single.db"), tp_path(cases[i].in), NULL};
		int rc = clobber(args);
		const char *msg = tp_output("out.txt");
		if (rc != cases[i].status || !strstr(msg, cases[i].want) || tp_exists("refused.db"))
			fail_msg("%s: status %d, '%s'%s", cases[i].in, rc, msg,
				 tp_exists("refused.db") ? " (and the output was created)" : "");
	}
	/* an empty file, as a shard leaves it before its schema: no runs */
	const char *empty[] = {"merge", tp_path("from-empty.db"), tp_path("empty.db"), tp_path("single.db"), NULL};
	assert_int_equal(clobber(empty), 0);
	assert_non_null(strstr(tp_output("out.txt"), "no runs yet"));
	assert_same("from-empty.db", "single.db");
	/* a bad --shard: a usage error naming what was expected, nothing written */
	static const char *const bad[] = {"0/3", "4/3", "3", "1/0", "x/2", "2/3/4"};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		for (int check = 0; check < 2; check++) {
			const char *args[] = {check ? "check" : "run", tp_path("a.yaml"), "--shard", bad[i],
					      check ? NULL : "-o", tp_path("bad-shard.db"), NULL};
			int rc = clobber(args);
			const char *msg = tp_output("out.txt");
			if (rc != 2 || !strstr(msg, "--shard expects I/N") || !strstr(msg, bad[i]) ||
			    tp_exists("bad-shard.db"))
				fail_msg("%s --shard %s: status %d, '%s'", args[0], bad[i], rc, msg);
		}
	/* usage */
	const char *one[] = {"merge", tp_path("x.db"), NULL};
	assert_int_equal(clobber(one), 2);
	assert_non_null(strstr(tp_output("out.txt"), "OUT.db IN.db"));
	const char *self[] = {"merge", tp_path("single.db"), tp_path("single.db"), NULL};
	assert_int_equal(clobber(self), 2);
	assert_non_null(strstr(tp_output("out.txt"), "also an input"));
}

/* Tables and columns clobber does not know, as a newer schema brings them:
 * a per-run table is copied with its run ids remapped, a shared table is
 * united, a column OUT lacks is refused. */
static void test_unknown_tables(void **state)
{
	(void)state;
	make_single();
	const char *cp[] = {"cp", tp_path("single.db"), tp_path("extended.db"), NULL};
	assert_int_equal(tp_wait(tp_spawn(NULL, cp)), 0);
	sqlite3 *d = tp_open_db("extended.db");
	const char *sql =
		"CREATE TABLE visibility_like(run_id INTEGER NOT NULL REFERENCES runs(id), t_ms REAL, note TEXT);"
		"INSERT INTO visibility_like SELECT id, 1.5, params FROM runs;"
		"INSERT INTO visibility_like SELECT id, 2.5, params FROM runs WHERE id % 2 = 0;"
		"CREATE TABLE info_like(name TEXT PRIMARY KEY, meaning TEXT);"
		"INSERT INTO info_like VALUES ('a', 'first'), ('b', 'second');";
	if (sqlite3_exec(d, sql, NULL, NULL, NULL) != SQLITE_OK)
		fail_msg("%s", sqlite3_errmsg(d));
	sqlite3_close(d);
	/* into a database that holds 6 other runs first: the ids must change */
	tp_write("other.yaml", "name: other\nstop: {ops: 300}\nsweep: {c: [1, 2, 3, 4, 5, 6]}\n"
			       "policies: [lww]\nworkload: {clients: $c}\n");
	const char *first[] = {"run", tp_path("other.yaml"), "-o", tp_path("ext-out.db"), NULL};
	assert_int_equal(clobber(first), 0);
	for (int i = 0; i < 2; i++) {
		const char *args[] = {"merge", tp_path("ext-out.db"), tp_path("extended.db"), NULL};
		if (clobber(args) != 0)
			fail_msg("merge with new tables: %s", tp_output("out.txt"));
	}
	assert_int_equal(query("ext-out.db", "SELECT count(*) FROM visibility_like"), RUNS + RUNS / 2);
	/* each row points to the run it belonged to */
	assert_int_equal(query("ext-out.db", "SELECT count(*) FROM visibility_like v JOIN runs r ON r.id = v.run_id WHERE v.note = r.params"),
			 RUNS + RUNS / 2);
	assert_int_equal(query("ext-out.db", "SELECT count(*) FROM info_like"), 2);
	assert_int_equal(query("ext-out.db", "SELECT count(*) FROM runs"), RUNS + 6);
	/* a column OUT does not have: refused, nothing written */
	d = tp_open_db("extended.db");
	sqlite3_exec(d, "ALTER TABLE trace ADD COLUMN later_column TEXT", NULL, NULL, NULL);
	sqlite3_close(d);
	const char *col[] = {"merge", tp_path("col-out.db"), tp_path("extended.db"), NULL};
	assert_int_equal(clobber(col), 2);
	const char *msg = tp_output("out.txt");
	if (!strstr(msg, "trace") || !strstr(msg, "later_column"))
		fail_msg("an unknown column: '%s'", msg);
	assert_false(tp_exists("col-out.db"));
	char before[2048], after[2048];
	counts("ext-out.db", before, sizeof(before));
	const char *col2[] = {"merge", tp_path("ext-out.db"), tp_path("extended.db"), NULL};
	assert_int_equal(clobber(col2), 2);
	counts("ext-out.db", after, sizeof(after));
	assert_string_equal(before, after);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shards_equal_single),
		cmocka_unit_test(test_merge_twice),
		cmocka_unit_test(test_edited_refused),
		cmocka_unit_test(test_kill_and_resume),
		cmocka_unit_test(test_refused_inputs),
		cmocka_unit_test(test_unknown_tables),
	};
	return cmocka_run_group_tests(tests, setup, tp_teardown);
}
