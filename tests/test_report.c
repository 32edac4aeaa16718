/*
 * test_report.c - clobber report and clobber export end to end, through
 * the binary ($CLOBBER, else bin/clobber), on a database whose metric
 * values are then set with SQL, so that every expected number is worked
 * out by hand here: means, standard deviations and Student's t quantiles
 * (t(0.975, 2) = 4.303, from any printed table), rounded by the rule the
 * report states (the half-width to two significant digits, the mean to the
 * same place).  CSV output is read by Python's csv module, JSON by its json
 * module, and compared with what SQLite's own avg() and count() say.
 */
#include "testproc.h"

static const char scenario[] =
	"name: r\nreplications: 3\nstop: {ops: 300}\nsweep:\n  skew: [0ms, 5ms]\n"
	"policies: [lww, version]\nworkload: {clients: 4}\nclocks:\n  offset: normal(0, $skew)\n";

/* Sets metric `name` of label's runs at skew (0 or 5) to v[replication]. */
static void set_metric(sqlite3 *db, const char *label, int skew, const char *name, const double v[3])
{
	for (int r = 0; r < 3; r++) {
		char sql[600];
		snprintf(sql, sizeof(sql),
			 "UPDATE metrics SET value = %.17g WHERE name = '%s' AND run_id = (SELECT id FROM runs "
			 "WHERE label = '%s' AND replication = %d AND json_extract(params, '$.sweep.skew') = '%dms')",
			 v[r], name, label, r, skew);
		char *msg = NULL;
		if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK || sqlite3_changes(db) != 1)
			fail_msg("%s: %s", sql, msg ? msg : "no row changed");
	}
}

static int group_setup(void **state)
{
	if (tp_setup(state) != 0)
		return -1;
	tp_write("r.yaml", scenario);
	const char *run[] = {"run", tp_path("r.yaml"), "-o", tp_path("r.db"), NULL};
	if (tp_run(NULL, run) != 0)
		return -1;
	sqlite3 *db = tp_open_db("r.db");
	/* 0.1, 0.2, 0.3: mean 0.2, s = 0.1, half = 4.303 * 0.1 / sqrt(3) = 0.2484 */
	set_metric(db, "lww", 0, "lost_update_rate", (const double[3]){0.1, 0.2, 0.3});
	/* 23900, 24000, 24100: mean 24000, s = 100, half = 248.4 -> 250 */
	set_metric(db, "lww", 5, "throughput_ops_s", (const double[3]){23900, 24000, 24100});
	/* 31000, 31500, 32000: mean 31500, s = 500, half = 1242 -> 1200 */
	set_metric(db, "version", 5, "throughput_ops_s", (const double[3]){31000, 31500, 32000});
	sqlite3_close(db);
	return 0;
}

/* The line of the report that starts with `start`, at the point headed
 * `point` (NULL: the first such line), or fails. */
static const char *line_of(const char *out, const char *point, const char *start, char *buf, size_t n)
{
	const char *p = out;
	if (point) {
		char head[128];
		snprintf(head, sizeof(head), "\n%s\n", point);
		p = strstr(out, head);
		if (!p)
			fail_msg("no point %s in:\n%s", point, out);
	}
	char want[128];
	snprintf(want, sizeof(want), "\n%s ", start);
	p = strstr(p, want);
	if (!p)
		fail_msg("no line %s in:\n%s", start, out);
	p++;
	size_t len = strcspn(p, "\n");
	snprintf(buf, n, "%.*s", (int)len, p);
	return buf;
}

static void test_precision(void **state)
{
	(void)state;
	const char *args[] = {"report", tp_path("r.db"), NULL};
	assert_int_equal(tp_run(NULL, args), 0);
	const char *out = tp_output("out.txt");
	char line[512];
	line_of(out, "skew=0ms", "lost_update_rate", line, sizeof(line));
	if (!strstr(line, "0.20 ± 0.25"))
		fail_msg("lost_update_rate: %s", line);
	line_of(out, "skew=5ms", "throughput_ops_s", line, sizeof(line));
	if (!strstr(line, "24000 ± 250") || !strstr(line, "31500 ± 1200") || strchr(line, 'e'))
		fail_msg("throughput_ops_s: %s", line);
	/* ops_failed is 0 in every run: listed, not a row */
	assert_non_null(strstr(out, "0 for every policy at every point shown: "));
	assert_null(strstr(out, "\nops_failed "));
	const char *zero = strstr(out, "0 for every policy at every point shown: ");
	assert_non_null(strstr(zero, "ops_failed"));
	/* wall time varies between identical runs: named, not shown */
	assert_non_null(strstr(out, "varies between identical runs: wall_s"));
}

static void test_failed_shown(void **state)
{
	(void)state;
	/* a timed-out operation makes ops_failed a row */
	sqlite3 *db = tp_open_db("r.db");
	set_metric(db, "version", 0, "ops_failed", (const double[3]){0, 3, 0});
	sqlite3_close(db);
	const char *args[] = {"report", tp_path("r.db"), NULL};
	assert_int_equal(tp_run(NULL, args), 0);
	char line[512];
	/* 0, 3, 0: mean 1, s = sqrt(3), half = 4.303 * sqrt(3) / sqrt(3) = 4.303 -> 4.3 */
	line_of(tp_output("out.txt"), "skew=0ms", "ops_failed", line, sizeof(line));
	if (!strstr(line, "1.0 ± 4.3"))
		fail_msg("ops_failed: %s", line);
	db = tp_open_db("r.db");
	set_metric(db, "version", 0, "ops_failed", (const double[3]){0, 0, 0});
	sqlite3_close(db);
}

static void test_filters(void **state)
{
	(void)state;
	const char *args[] = {"report", tp_path("r.db"), "--metric", "throughput_ops_s", "--metric", "ops",
			      "--point", "skew=5ms", "--policy", "version", NULL};
	assert_int_equal(tp_run(NULL, args), 0);
	const char *out = tp_output("out.txt");
	assert_null(strstr(out, "skew=0ms"));
	assert_non_null(strstr(out, "\nskew=5ms\n"));
	assert_null(strstr(out, "lost_update_rate"));
	assert_null(strstr(out, " lww"));
	/* the metrics in the order asked */
	const char *t = strstr(out, "\nthroughput_ops_s "), *o = strstr(out, "\nops ");
	assert_non_null(t);
	assert_non_null(o);
	assert_true(t < o);
	/* bad usage: status 2, with the likely name */
	const char *bad[] = {"report", tp_path("r.db"), "--metric", "lost_update_rat", NULL};
	const struct tp_how h = {.err = "err.txt"};
	assert_int_equal(tp_run(&h, bad), 2);
	assert_non_null(strstr(tp_output("err.txt"), "did you mean 'lost_update_rate'"));
	const char *nopoint[] = {"report", tp_path("r.db"), "--point", "skew=7ms", NULL};
	assert_int_equal(tp_run(&h, nopoint), 2);
	const char *nopol[] = {"report", tp_path("r.db"), "--policy", "siblings", NULL};
	assert_int_equal(tp_run(&h, nopol), 2);
	const char *fmt[] = {"report", tp_path("r.db"), "--format", "xml", NULL};
	assert_int_equal(tp_run(&h, fmt), 2);
}

/* Runs python3 with a program on stdin-free argv; output in py.txt. */
static const char *python(const char *program, const char *arg)
{
	const char *argv[] = {"/usr/bin/python3", "-c", program, arg, NULL};
	const struct tp_how h = {.out = "py.txt"};
	int rc = tp_wait(tp_spawn(&h, argv));
	const char *out = tp_output("py.txt");
	if (rc != 0)
		fail_msg("python3 failed (%d): %s", rc, out);
	return out;
}

static void test_csv_json_markdown(void **state)
{
	(void)state;
	const struct tp_how csv = {.out = "report.csv"};
	const char *args[] = {"report", tp_path("r.db"), "--format", "csv", "--metric", "lost_update_rate",
			      "--metric", "ops", NULL};
	assert_int_equal(tp_run(&csv, args), 0);
	/* one row per cell: 2 points x 2 labels x 2 metrics; means as SQLite's avg() */
	const char *out = python(
		"import csv, sys, sqlite3\n"
		"rows = list(csv.DictReader(open(sys.argv[1] + '/report.csv', newline='')))\n"
		"want = ['database','scenario','point','skew','label','policy','metric','unit','n','mean','ci95_half_width']\n"
		"assert list(rows[0].keys()) == want, list(rows[0].keys())\n"
		"db = sqlite3.connect(sys.argv[1] + '/r.db')\n"
		"for r in rows:\n"
		"    avg, n = db.execute(\"SELECT avg(m.value), count(*) FROM runs JOIN metrics m ON m.run_id = id \"\n"
		"        \"WHERE label = ? AND m.name = ? AND json_extract(params, '$.sweep.skew') = ?\",\n"
		"        (r['label'], r['metric'], r['skew'] + 'ms')).fetchone()\n"
		"    assert abs(float(r['mean']) - avg) <= 1e-12 * max(1, abs(avg)), (r, avg)\n"
		"    assert int(r['n']) == n == 3, r\n"
		"print(len(rows))\n",
		tp_dir);
	assert_string_equal(out, "8\n");
	const struct tp_how json = {.out = "report.json"};
	args[3] = "json";
	assert_int_equal(tp_run(&json, args), 0);
	out = python("import json, sys\n"
		     "d = json.load(open(sys.argv[1] + '/report.json'))\n"
		     "print(len(d['cells']), sorted(set(c['metric'] for c in d['cells'])))\n",
		     tp_dir);
	assert_string_equal(out, "8 ['lost_update_rate', 'ops']\n");
	args[3] = "markdown";
	assert_int_equal(tp_run(NULL, args), 0);
	out = tp_output("out.txt");
	assert_non_null(strstr(out, "### `skew=0ms`\n\n| metric | `lww` | `version` |\n|---|---:|---:|\n"));
	assert_non_null(strstr(out, "| `lost_update_rate` | 0.20 ± 0.25 | 0 |\n"));
}

static void test_export(void **state)
{
	(void)state;
	const char *args[] = {"export", tp_path("r.db"), "--csv", "-o", tp_path("runs.csv"), NULL};
	assert_int_equal(tp_run(NULL, args), 0);
	/* one row per run, the fixed columns, the axis, every metric; each value
	 * the database's */
	const char *out = python(
		"import csv, sys, sqlite3\n"
		"rows = list(csv.DictReader(open(sys.argv[1] + '/runs.csv', newline='')))\n"
		"db = sqlite3.connect(sys.argv[1] + '/r.db')\n"
		"runs, = db.execute('SELECT count(*) FROM runs').fetchone()\n"
		"assert len(rows) == runs, (len(rows), runs)\n"
		"cols = list(rows[0].keys())\n"
		"assert cols[:8] == ['run','scenario','label','policy','seed','replication','point','skew'], cols\n"
		"names = set(n for n, in db.execute('SELECT DISTINCT name FROM metrics'))\n"
		"assert set(cols[8:]) == names, (cols[8:], names)\n"
		"for r in rows:\n"
		"    for name, value in db.execute('SELECT name, value FROM metrics WHERE run_id = ?', (int(r['run']),)):\n"
		"        assert float(r[name]) == value, (r['run'], name, r[name], value)\n"
		"    label, seed, skew = db.execute(\"SELECT label, seed, json_extract(params, '$.sweep.skew') FROM runs WHERE id = ?\", (int(r['run']),)).fetchone()\n"
		"    assert (r['label'], int(r['seed']), r['skew'] + 'ms') == (label, seed, skew), r\n"
		"print(len(rows), len(cols))\n",
		tp_dir);
	sqlite3 *db = tp_open_db("r.db");
	long long metrics = tp_query(db, "SELECT count(DISTINCT name) FROM metrics");
	sqlite3_close(db);
	char want[64];
	snprintf(want, sizeof(want), "12 %lld\n", 8 + metrics);
	assert_string_equal(out, want);
}

static void test_two_databases(void **state)
{
	(void)state;
	const char *run[] = {"run", tp_path("r.yaml"), "--set", "workload.clients=2", "-o", tp_path("r2.db"), NULL};
	assert_int_equal(tp_run(NULL, run), 0);
	const char *args[] = {"report", tp_path("r.db"), tp_path("r2.db"), "--metric", "ops", NULL};
	assert_int_equal(tp_run(NULL, args), 0);
	const char *out = tp_output("out.txt");
	char key[700];
	/* the key says what tells them apart: the --set given */
	snprintf(key, sizeof(key), "[2] %s: workload.clients=2 (4 in [1])\n", tp_path("r2.db"));
	assert_non_null(strstr(out, key));
	/* one column per label and database, side by side: lww [1], lww [2], ... */
	const char *a = strstr(out, "lww [1]"), *b = strstr(out, "lww [2]"), *c = strstr(out, "version [1]");
	assert_non_null(a);
	assert_non_null(b);
	assert_non_null(c);
	assert_true(a < b && b < c);
}

static void test_metric_info(void **state)
{
	(void)state;
	sqlite3 *db = tp_open_db("r.db");
	/* every metric the runs hold is described; units as design section 4 names them */
	assert_int_equal(tp_query(db, "SELECT count(DISTINCT name) FROM metrics WHERE name NOT IN "
				      "(SELECT name FROM metric_info)"), 0);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM metric_info WHERE name = 'latency_p99_ms' AND unit = 'ms'"), 1);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM metric_info WHERE name = 'throughput_ops_s' AND unit = 'ops/s'"), 1);
	assert_int_equal(tp_query(db, "SELECT count(*) FROM metric_info WHERE meaning = ''"), 0);
	/* a database without the table gains it when opened for writing */
	assert_int_equal(sqlite3_exec(db, "DROP TABLE metric_info", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	const char *run[] = {"run", tp_path("r.yaml"), "-o", tp_path("r.db"), NULL};
	assert_int_equal(tp_run(NULL, run), 0);
	db = tp_open_db("r.db");
	assert_true(tp_query(db, "SELECT count(*) FROM metric_info") > 20);
	sqlite3_close(db);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_precision),
		cmocka_unit_test(test_failed_shown),
		cmocka_unit_test(test_filters),
		cmocka_unit_test(test_csv_json_markdown),
		cmocka_unit_test(test_export),
		cmocka_unit_test(test_two_databases),
		cmocka_unit_test(test_metric_info),
	};
	return cmocka_run_group_tests(tests, group_setup, tp_teardown);
}
