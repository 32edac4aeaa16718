/*
 * test_results.c - the results database's faults table (sim/app/results_write.c,
 * sim/app/fwin.c): the rows `clobber run` writes for a schedule worked out
 * by hand (occurrences in the order they start, repeats, the one that does
 * nothing, the target resolved, a clock jump's zero length, a client that
 * never returns, a fault lasting to the end), none for a run without
 * faults, the rows read back as the windows the run made, and rows a
 * hostile database holds refused with the run named.  And the writer's
 * transactions (results_write.c), in process: a run that fails is undone
 * to its savepoint, keeping the runs before it in the transaction; a
 * conflicting run another connection commits after planning is refused
 * although planning found none.  And the view quantiles: the values of
 * quantile_sets' JSON read back bit for bit as the C division runner.c did
 * and the levels of run_quantile_levels; a database of schema 4 upgraded
 * with every value unchanged, or refused and left as it was.
 */
#include "testproc.h"

#include "sim/app/fwin.h"
#include "sim/app/results.h"

/* Every occurrence starts at a time fixed by the scenario.  Worked by hand:
 *   crash of the primary (node 0: failover is 10s, so no backup is promoted)
 *     at 500ms for 700ms                        -> 500 .. 1200
 *   crash of node 0 at 600ms: it is down already, the occurrence does
 *     nothing                                   -> no row
 *   partition at 1500ms for 300ms                -> 1500 .. 1800, the network
 *   loss at 2s for 100ms                         -> 2000 .. 2100, the network
 *   pause of client 1 at 500ms for 50ms every 1s -> 500, 1500, 2500 (3500 is
 *     after issuing stopped at 3s)
 *   clock jump of node 2 at 2500ms               -> 2500 .. 2500
 *   crash of client 3 at 2800ms                  -> 2800, no end
 *   pause of node 1 at 2900ms, for 0 (to the end) -> 2900 .. when the
 *     operations end (after 3s, by the last timeout at the latest)
 * At equal times the faults start in the order they are written, a repeat
 * after the faults written before it (its event was scheduled later). */
static const char schedule[] =
	"name: fw\nstop: {time: 3s}\npolicies: [lww]\n"
	"cluster:\n  nodes: 3\n  replication: {primary: {ack: majority, failover: 10s}}\n"
	"workload: {clients: 4, mix: {incr: 0.8, read: 0.2}, timeout: 200ms}\n"
	"faults:\n"
	"  - crash: {node: primary, at: 500ms, for: 700ms}\n"
	"  - crash: {node: 0, at: 600ms, for: 100ms}\n"
	"  - partition: {groups: [[0], [1, 2]], at: 1500ms, for: 300ms}\n"
	"  - loss: {p: 0.1, at: 2s, for: 100ms}\n"
	"  - pause: {client: 1, at: 500ms, for: 50ms, every: 1s}\n"
	"  - clock_jump: {node: 2, at: 2500ms, by: -100ms}\n"
	"  - crash: {client: 3, at: 2800ms}\n"
	"  - pause: {node: 1, at: 2900ms}\n";

static const struct {
	const char *kind, *target;
	long long index; /* -1: NULL */
	double start, end; /* end -1: NULL; -2: the end of the operations */
} expected[] = {
	{"crash", "primary", 0, 500, 1200},	{"pause", "client", 1, 500, 550},
	{"partition", "network", -1, 1500, 1800}, {"pause", "client", 1, 1500, 1550},
	{"loss", "network", -1, 2000, 2100},	{"clock_jump", "node", 2, 2500, 2500},
	{"pause", "client", 1, 2500, 2550},	{"crash", "client", 3, 2800, -1},
	{"pause", "node", 1, 2900, -2},
};
#define NEXPECTED (sizeof(expected) / sizeof(expected[0]))

static void run_schedule(void)
{
	if (tp_exists("fw.db"))
		return;
	tp_write("fw.yaml", schedule);
	const char *args[] = {"run", tp_path("fw.yaml"), "-o", tp_path("fw.db"), NULL};
	if (tp_run(NULL, args) != 0)
		fail_msg("clobber run: %s", tp_output("out.txt"));
}

static void test_hand_worked_schedule(void **state)
{
	(void)state;
	run_schedule();
	sqlite3 *db = tp_open_db("fw.db");
	assert_int_equal(tp_query(db, "PRAGMA user_version"), RESULTS_SCHEMA);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT kind, target, target_index, start_ms, end_ms FROM faults "
					    "WHERE run_id = 1 ORDER BY rowid",
					    -1, &st, NULL),
			 SQLITE_OK);
	size_t i = 0;
	while (sqlite3_step(st) == SQLITE_ROW) {
		if (i >= NEXPECTED)
			fail_msg("more than the %zu occurrences worked out by hand", NEXPECTED);
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *target = (const char *)sqlite3_column_text(st, 1);
		bool no_index = sqlite3_column_type(st, 2) == SQLITE_NULL;
		long long index = sqlite3_column_int64(st, 2);
		double start = sqlite3_column_double(st, 3), end = sqlite3_column_double(st, 4);
		bool no_end = sqlite3_column_type(st, 4) == SQLITE_NULL;
		if (strcmp(kind, expected[i].kind) != 0 || strcmp(target, expected[i].target) != 0 ||
		    no_index != (expected[i].index < 0) || (!no_index && index != expected[i].index))
			fail_msg("row %zu: %s of %s %lld, expected %s of %s %lld", i, kind, target,
				 no_index ? -1 : index, expected[i].kind, expected[i].target, expected[i].index);
		check_near(start, expected[i].start, 1e-9, "start_ms");
		if (expected[i].end == -1) {
			if (!no_end)
				fail_msg("row %zu: a crashed client returns at %g ms", i, end);
		} else if (expected[i].end == -2) {
			/* healed when the operations ended: after issuing stopped, before
			 * the last timeout could pass */
			if (no_end || !(end > 3000 && end <= 3200))
				fail_msg("row %zu: a pause to the end ends at %g ms", i, end);
		} else {
			if (no_end)
				fail_msg("row %zu: no end, expected %g ms", i, expected[i].end);
			check_near(end, expected[i].end, 1e-9, "end_ms");
		}
		i++;
	}
	sqlite3_finalize(st);
	if (i != NEXPECTED)
		fail_msg("%zu occurrences, worked out by hand: %zu", i, NEXPECTED);
	sqlite3_close(db);
}

/* The rows read back are the windows: kinds, targets and times. */
static void test_read_back(void **state)
{
	(void)state;
	run_schedule();
	sqlite3 *db = tp_open_db("fw.db");
	struct fault_window *w;
	uint32_t n;
	char err[256];
	assert_int_equal(fwin_load(db, 1, &w, &n, err, sizeof(err)), 0);
	assert_int_equal(n, NEXPECTED);
	for (uint32_t i = 0; i < n; i++) {
		assert_string_equal(fwin_kind_name(w[i].kind), expected[i].kind);
		assert_string_equal(fwin_target_name(w[i].target), expected[i].target);
		assert_int_equal(w[i].start, (int64_t)(expected[i].start * 1e6));
		if (expected[i].index >= 0)
			assert_int_equal(w[i].index, expected[i].index);
		if (expected[i].end == -1)
			assert_int_equal(w[i].end, -1);
		else if (expected[i].end >= 0)
			assert_int_equal(w[i].end, (int64_t)(expected[i].end * 1e6));
	}
	free(w);
	/* a run without windows, and one that does not exist: none */
	assert_int_equal(fwin_load(db, 99, &w, &n, err, sizeof(err)), 0);
	assert_int_equal(n, 0);
	assert_null(w);
	/* what a hostile database may hold is refused, naming the run */
	static const char *const bad[] = {
		"UPDATE faults SET kind = 'meteor' WHERE rowid = 2",
		"UPDATE faults SET target = 'moon' WHERE rowid = 2",
		"UPDATE faults SET start_ms = 'soon' WHERE rowid = 2",
		"UPDATE faults SET end_ms = start_ms - 1 WHERE rowid = 2",
		"UPDATE faults SET start_ms = 1e300 WHERE rowid = 2",
		"UPDATE faults SET target_index = -4 WHERE rowid = 2",
	};
	for (size_t k = 0; k < sizeof(bad) / sizeof(bad[0]); k++) {
		assert_int_equal(sqlite3_exec(db, "SAVEPOINT s", NULL, NULL, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_exec(db, bad[k], NULL, NULL, NULL), SQLITE_OK);
		if (fwin_load(db, 1, &w, &n, err, sizeof(err)) != -1)
			fail_msg("%s: accepted", bad[k]);
		assert_null(w);
		if (!strstr(err, "run 1 has a fault window with"))
			fail_msg("%s: %s", bad[k], err);
		sqlite3_exec(db, "ROLLBACK TO s; RELEASE s", NULL, NULL, NULL);
	}
	sqlite3_close(db);
}

/* A scenario without faults writes no rows (and its other tables are as
 * before: the table is only added). */
static void test_no_faults_no_rows(void **state)
{
	(void)state;
	tp_write("nf.yaml", "name: nf\npolicies: [lww, version]\nstop: {ops: 300}\n");
	const char *args[] = {"run", tp_path("nf.yaml"), "-o", tp_path("nf.db"), NULL};
	assert_int_equal(tp_run(NULL, args), 0);
	sqlite3 *db = tp_open_db("nf.db");
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM faults"), 0);
	sqlite3_close(db);
}

/* A run of scenario "w" with label lww, replication rep and the given
 * params (JSON with a sweep, for the conflict index) and metrics. */
static int write_run(struct results *r, const char *params, uint64_t rep, const char *const *names,
		     size_t nnames)
{
	struct run_row row = {.scenario = "w", .policy = "lww", .label = "lww", .seed = 1 + rep,
			      .replication = rep, .params = params, .started_at = "now"};
	struct run_result *res = calloc(1, sizeof(*res));
	for (size_t i = 0; i < nnames; i++) {
		res->metric_name[i] = names[i];
		res->metric[i] = (double)i;
	}
	res->nmetrics = nnames;
	char err[1024];
	int rc = results_write_run(r, &row, res, err, sizeof(err));
	if (rc < 0)
		print_message("write_run: %s\n", err);
	free(res);
	return rc;
}

static const char *const two_metrics[] = {"ops", "ops_ok"};
static const char *const same_twice[] = {"ops", "ops"}; /* the metrics key refuses it */

static void test_failed_run_keeps_the_earlier(void **state)
{
	(void)state;
	struct results *r;
	char err[512];
	assert_int_equal(results_open(tp_path("w.db"), true, &r, err, sizeof(err)), 0);
	results_planning(r);
	assert_int_equal(write_run(r, "{\"sweep\":{},\"r\":0}", 0, two_metrics, 2), 0);
	assert_int_equal(write_run(r, "{\"sweep\":{},\"r\":1}", 1, same_twice, 2), -1);
	assert_int_equal(write_run(r, "{\"sweep\":{},\"r\":2}", 2, two_metrics, 2), 0);
	assert_int_equal(results_flush(r, err, sizeof(err)), 0);
	results_close(r);
	sqlite3 *db = tp_open_db("w.db");
	assert_true(tp_intact(db));
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs WHERE replication = 1"), 0);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM metrics"), 4);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM metrics WHERE run_id NOT IN (SELECT id FROM runs)"), 0);
	sqlite3_close(db);
}

static void test_conflict_after_planning(void **state)
{
	(void)state;
	struct results *a, *b;
	char err[512];
	assert_int_equal(results_open(tp_path("c.db"), true, &a, err, sizeof(err)), 0);
	results_planning(a); /* finds nothing stored */
	/* another connection commits a run of the same label, sweep values
	 * and replication with other parameters */
	assert_int_equal(results_open(tp_path("c.db"), true, &b, err, sizeof(err)), 0);
	assert_int_equal(write_run(b, "{\"sweep\":{},\"v\":\"edited\"}", 0, two_metrics, 2), 0);
	results_close(b);
	assert_int_equal(write_run(a, "{\"sweep\":{},\"v\":\"first\"}", 0, two_metrics, 2), 2);
	/* and one nobody else holds is written */
	assert_int_equal(write_run(a, "{\"sweep\":{},\"v\":\"first\"}", 1, two_metrics, 2), 0);
	results_close(a);
	sqlite3 *db = tp_open_db("c.db");
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs"), 2);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs WHERE params LIKE '%first%'"), 1);
	sqlite3_close(db);
}

/* Latencies the histogram can give (whole and half nanoseconds, from 0 to
 * near the 2^62 ns limit, where doubles are far apart; every third the
 * same as the one before, as levels in one bucket are), or any value for
 * a hand-made schema-4 database. */
static double ns_value(int i)
{
	i -= i % 3 == 2;
	static const double some[] = {0,	   0.5,		 1,	     2.5e6 + 0.5,	 123456789.5,
				      0x1p52 + 1, 0x1p53,	 0x1p61 + 0x1p10, 999999.5,	 1e9};
	return some[i % 10] + (double)(i / 10) * 1000.5;
}

static int write_quantiles(struct results *r, uint64_t rep, bool any)
{
	struct run_row row = {.scenario = "q", .policy = "lww", .label = "lww", .seed = 1,
			      .replication = rep, .params = rep ? "{\"sweep\":{},\"r\":1}" : "{\"sweep\":{}}",
			      .started_at = "now"};
	struct run_result *res = calloc(1, sizeof(*res));
	res->latency_count = any ? 5 : 0;
	for (int i = 0; i < RUN_NQUANTILES; i++)
		res->quantiles_ns[i] = ns_value(i);
	char err[1024];
	int rc = results_write_run(r, &row, res, err, sizeof(err));
	free(res);
	return rc;
}

/* Every row of run `run` in quantiles is (run_quantile_levels[i], ms[i]),
 * bit for bit, in that order. */
static void assert_quantiles(sqlite3 *db, int run, const double *ms)
{
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "SELECT q, latency_ms FROM quantiles WHERE run_id = ?",
					    -1, &st, NULL),
			 SQLITE_OK);
	sqlite3_bind_int(st, 1, run);
	int i = 0;
	for (; sqlite3_step(st) == SQLITE_ROW; i++) {
		assert_true(i < RUN_NQUANTILES);
		double q = sqlite3_column_double(st, 0), v = sqlite3_column_double(st, 1);
		if (memcmp(&q, &run_quantile_levels[i], sizeof(q)) != 0 || memcmp(&v, &ms[i], sizeof(v)) != 0)
			fail_msg("level %d: q %.17g latency_ms %.17g, expected %.17g %.17g", i, q, v,
				 run_quantile_levels[i], ms[i]);
	}
	sqlite3_finalize(st);
	assert_int_equal(i, RUN_NQUANTILES);
}

/* The view gives what the table of schema 4 held: the C division
 * ns / 1e6 (runner.c before schema 5) and the C literals of the levels. */
static void test_quantiles_view(void **state)
{
	(void)state;
	struct results *r;
	char err[512];
	assert_int_equal(results_open(tp_path("q.db"), true, &r, err, sizeof(err)), 0);
	assert_int_equal(write_quantiles(r, 0, true), 0);
	assert_int_equal(write_quantiles(r, 1, false), 0);
	assert_int_equal(results_flush(r, err, sizeof(err)), 0);
	results_close(r);
	sqlite3 *db = tp_open_db("q.db");
	double ms[RUN_NQUANTILES];
	for (int i = 0; i < RUN_NQUANTILES; i++)
		ms[i] = ns_value(i) / 1e6;
	assert_quantiles(db, 1, ms);
	/* a run without successful operations has none */
	assert_int_equal(tp_query(db, "SELECT count(*) FROM quantiles WHERE run_id = 2"), 0);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM quantile_sets"), 1);
	sqlite3_close(db);
	/* values no histogram gives, through the API: still one valid JSON
	 * array of 103, the longest number whole and nothing past its end */
	assert_int_equal(results_open(tp_path("q.db"), true, &r, err, sizeof(err)), 0);
	struct run_row row = {.scenario = "q", .policy = "lww", .label = "lww", .seed = 1,
			      .replication = 2, .params = "{\"sweep\":{},\"r\":2}", .started_at = "now"};
	struct run_result *res = calloc(1, sizeof(*res));
	res->latency_count = 1;
	for (int i = 0; i < RUN_NQUANTILES; i++)
		res->quantiles_ns[i] = i % 3 == 0 ? -1.2345678901234567e-300 : i % 3 == 1 ? NAN : 0.25 + i;
	assert_int_equal(results_write_run(r, &row, res, err, sizeof(err)), 0);
	free(res);
	assert_int_equal(results_flush(r, err, sizeof(err)), 0);
	results_close(r);
	db = tp_open_db("q.db");
	assert_int_equal(tp_query(db, "SELECT json_valid(latency_ns) FROM quantile_sets WHERE run_id = 3"), 1);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM quantiles WHERE run_id = 3"), RUN_NQUANTILES);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM quantiles WHERE run_id = 3 AND latency_ms IS NULL"),
			 34);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM quantiles WHERE run_id = 3 AND latency_ms = "
				      "-1.2345678901234567e-300 / 1e6"),
			 35);
	sqlite3_close(db);
}

/* A database as clobber wrote schema 4: its quantiles a table.  With
 * V4_EXACT, every latency_ms is a whole or half nanosecond divided by 1e6
 * in C, as runner.c did; with V4_OFF one is not; with V4_EXTRA a run has a
 * 104th row, a copy of its maximum at q = 1.5. */
enum { V4_EXACT, V4_OFF, V4_EXTRA };
static void make_v4(const char *name, int mode)
{
	bool exact = mode != V4_OFF;
	struct results *r;
	char err[512];
	assert_int_equal(results_open(tp_path(name), true, &r, err, sizeof(err)), 0);
	assert_int_equal(write_quantiles(r, 0, true), 0);
	assert_int_equal(write_quantiles(r, 1, true), 0);
	assert_int_equal(results_flush(r, err, sizeof(err)), 0);
	results_close(r);
	sqlite3 *db = tp_open_db(name);
	assert_int_equal(sqlite3_exec(db,
				      "DROP VIEW quantiles; DROP TABLE quantile_sets;"
				      "CREATE TABLE quantiles(run_id INTEGER NOT NULL REFERENCES runs(id),"
				      " q REAL NOT NULL, latency_ms REAL NOT NULL, PRIMARY KEY(run_id, q))"
				      " WITHOUT ROWID; PRAGMA user_version = 4",
				      NULL, NULL, NULL),
			 SQLITE_OK);
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db, "INSERT INTO quantiles VALUES (?, ?, ?)", -1, &st, NULL),
			 SQLITE_OK);
	for (int run = 1; run <= 2; run++)
		for (int i = 0; i < RUN_NQUANTILES; i++) {
			sqlite3_bind_int(st, 1, run);
			sqlite3_bind_double(st, 2, run_quantile_levels[i]);
			double ms = ns_value(i + run) / 1e6;
			sqlite3_bind_double(st, 3, !exact && run == 2 && i == 50 ? ms + 1e-9 : ms);
			assert_int_equal(sqlite3_step(st), SQLITE_DONE);
			sqlite3_reset(st);
		}
	sqlite3_finalize(st);
	if (mode == V4_EXTRA)
		assert_int_equal(sqlite3_exec(db,
					      "INSERT INTO quantiles SELECT run_id, 1.5, latency_ms FROM "
					      "quantiles WHERE run_id = 2 AND q = 1",
					      NULL, NULL, NULL),
				 SQLITE_OK);
	sqlite3_close(db);
}

static void test_upgrade_from_4(void **state)
{
	(void)state;
	make_v4("v4.db", V4_EXACT);
	struct results *r;
	char err[512];
	/* read as it is */
	assert_int_equal(results_open(tp_path("v4.db"), false, &r, err, sizeof(err)), 0);
	results_close(r);
	sqlite3 *db = tp_open_db("v4.db");
	assert_int_equal(tp_query(db, "PRAGMA user_version"), 4);
	sqlite3_close(db);
	/* upgraded when opened for writing, every value as it was */
	assert_int_equal(results_open(tp_path("v4.db"), true, &r, err, sizeof(err)), 0);
	results_close(r);
	db = tp_open_db("v4.db");
	assert_int_equal(tp_query(db, "PRAGMA user_version"), RESULTS_SCHEMA);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM sqlite_master WHERE name = 'quantiles' "
				      "AND type = 'view'"),
			 1);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM sqlite_master WHERE name = 'quantiles_v4'"), 0);
	double ms[RUN_NQUANTILES];
	for (int run = 1; run <= 2; run++) {
		for (int i = 0; i < RUN_NQUANTILES; i++)
			ms[i] = ns_value(i + run) / 1e6;
		assert_quantiles(db, run, ms);
	}
	assert_true(tp_intact(db));
	sqlite3_close(db);
	/* a value that does not come back exactly, or a row the view has no
	 * place for: refused, nothing changed */
	static const struct {
		const char *name;
		int mode;
		long long rows;
	} bad[] = {{"v4off.db", V4_OFF, 2 * RUN_NQUANTILES}, {"v4extra.db", V4_EXTRA, 2 * RUN_NQUANTILES + 1}};
	for (size_t b = 0; b < sizeof(bad) / sizeof(bad[0]); b++) {
		make_v4(bad[b].name, bad[b].mode);
		assert_int_equal(results_open(tp_path(bad[b].name), true, &r, err, sizeof(err)), -1);
		assert_non_null(strstr(err, "cannot be upgraded to version 5 exactly"));
		db = tp_open_db(bad[b].name);
		assert_int_equal(tp_query(db, "PRAGMA user_version"), 4);
		assert_int_equal(tp_query(db, "SELECT count(*) FROM quantiles"), bad[b].rows);
		assert_int_equal(tp_query(db, "SELECT count(*) FROM sqlite_master WHERE name = 'quantile_sets'"),
				 0);
		sqlite3_close(db);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hand_worked_schedule),
		cmocka_unit_test(test_read_back),
		cmocka_unit_test(test_no_faults_no_rows),
		cmocka_unit_test(test_failed_run_keeps_the_earlier),
		cmocka_unit_test(test_conflict_after_planning),
		cmocka_unit_test(test_quantiles_view),
		cmocka_unit_test(test_upgrade_from_4),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
