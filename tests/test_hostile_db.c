/*
 * test_hostile_db.c - results databases as hostile input (issue 15,
 * points 1 and 6): report, plot and export read databases that anyone can
 * hand over, so each case here takes a real database and rewrites it with
 * SQL into one that attacks a reader, then runs the binary ($CLOBBER, else
 * bin/clobber) on it.  What must hold, from the issue: no command runs (a
 * system('touch PWN') payload leaves no file PWN), no fake data row
 * reaches a chart's data (the row count is the scenario's: 2 sweep values
 * x 2 policies), no raw control byte reaches the terminal, no markup
 * reaches index.html, CSV stays one row per run, and a database that
 * breaks the format is refused with the run that breaks it, unchanged.
 * And (point 9) a file that is not clobber's, or not a database, or cut
 * short, is refused by every command, named and untouched; a database of
 * another user in a directory this one cannot write is read.
 */
#include "testproc.h"

#include <dirent.h>

static const char scenario[] =
	"name: h\nreplications: 2\nstop: {ops: 300}\nsweep:\n  skew: [0ms, 5ms]\n"
	"policies: [lww, version]\nworkload: {clients: 4}\nclocks:\n  offset: normal(0, $skew)\n";

/* A copy of the base database with sql applied. */
static void hostile_copy(const char *name, const char *sql)
{
	sqlite3 *db = tp_open_db("base.db");
	char vac[700];
	unlink(tp_path(name));
	snprintf(vac, sizeof(vac), "VACUUM INTO '%s'", tp_path(name));
	char *msg = NULL;
	if (sqlite3_exec(db, vac, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", vac, msg);
	sqlite3_close(db);
	db = tp_open_db(name);
	if (sqlite3_exec(db, sql, NULL, NULL, &msg) != SQLITE_OK)
		fail_msg("%s: %s", sql, msg);
	sqlite3_close(db);
}

static int group_setup(void **state)
{
	if (tp_setup(state) != 0)
		return -1;
	tp_write("h.yaml", scenario);
	const char *run[] = {"run", tp_path("h.yaml"), "-o", tp_path("base.db"), NULL};
	return tp_run(NULL, run) == 0 ? 0 : -1;
}

/* Paths under dir whose name starts with PWN, as found by find(1). */
static int pwned(const char *dir)
{
	char cmd[700], line[512];
	snprintf(cmd, sizeof(cmd), "find '%s' -name 'PWN*'", dir);
	FILE *p = popen(cmd, "r");
	int n = 0;
	while (p && fgets(line, sizeof(line), p)) {
		fprintf(stderr, "found %s", line);
		n++;
	}
	if (p)
		pclose(p);
	return n;
}

/* Fails if text holds a control byte other than a line end (\n, or \r\n
 * as CSV ends its rows): C0, DEL, or a UTF-8 C1 control (C2 80 to C2 9F). */
static void no_control(const char *what, const char *text)
{
	for (const unsigned char *p = (const unsigned char *)text; *p; p++)
		if ((*p < 0x20 && *p != '\n' && !(p[0] == '\r' && p[1] == '\n')) || *p == 0x7f ||
		    (p[0] == 0xc2 && p[1] >= 0x80 && p[1] <= 0x9f))
			fail_msg("%s holds control byte 0x%02x at offset %ld", what, *p, (long)(p - (const unsigned char *)text));
}

/* Data rows (lines that are neither comments nor blank, without NaN) of
 * every .dat file under dir whose name starts with prefix. */
static int data_rows(const char *dir, const char *prefix)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	int rows = 0, files = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t len = strlen(e->d_name);
		if (len < 4 || strcmp(e->d_name + len - 4, ".dat") != 0 ||
		    strncmp(e->d_name, prefix, strlen(prefix)) != 0)
			continue;
		files++;
		char path[1024], line[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		FILE *f = fopen(path, "r");
		assert_non_null(f);
		while (fgets(line, sizeof(line), f))
			if (line[0] != '#' && line[0] != '\n' && strncmp(line, "NaN", 3) != 0)
				rows++;
		fclose(f);
	}
	closedir(d);
	if (files != 1)
		fail_msg("%d data files start with %s in %s, expected 1", files, prefix, dir);
	return rows;
}

/* Names that try to break out of every medium at once. */
static void test_injection(void **state)
{
	(void)state;
	hostile_copy("evil.db",
		     "UPDATE runs SET scenario = 'h' || char(10) || 'system(''touch PWN1'')';"
		     "UPDATE runs SET label = 'x' || char(10) || 'system(''touch PWN2'')' || char(10) ||"
		     "  '0 0.99 0' || char(10) || 'a\\' WHERE label = 'lww';"
		     "UPDATE runs SET label = '''q`touch PWN3`' || char(27) || '[31m<script>alert(1)</script>'"
		     "  || char(27) || ']0;t' || char(7) || x'c29b' || '31m' WHERE label = 'version';"
		     "UPDATE runs SET params = json_set(params, '$.sweep', json_object("
		     "  'sk' || char(10) || 'system(''touch PWN4'')', json_extract(params, '$.sweep.skew')));");
	/* the payload is live: the names hold the newlines */
	sqlite3 *db = tp_open_db("evil.db");
	assert_int_equal(tp_query(db, "SELECT count(*) FROM runs WHERE instr(label, char(10)) > 0"), 4);
	sqlite3_close(db);
	const struct tp_how in_dir = {.cwd = tp_dir, .err = "err.txt"};
	const char *plot[] = {"plot", tp_path("evil.db"), "-o", tp_path("evil"), NULL};
	int rc = tp_run(&in_dir, plot);
	if (rc != 0)
		fail_msg("plot failed (%d): %s", rc, tp_output("err.txt"));
	assert_int_equal(pwned(tp_dir), 0);
	no_control("plot's output", tp_output("out.txt"));
	/* the lost-update chart holds 2 points x 2 labels, no row more */
	assert_int_equal(data_rows(tp_path("evil"), "lost_update_rate-vs-"), 4);
	/* every chart was drawn, none is empty */
	char index[1 << 16];
	tp_slurp("evil/index.html", index, sizeof(index));
	assert_null(strstr(index, "<script"));
	assert_non_null(strstr(index, "&lt;script&gt;"));
	no_control("index.html", index);
	/* the report: escapes shown, no control byte */
	const char *report[] = {"report", tp_path("evil.db"), NULL};
	assert_int_equal(tp_run(&in_dir, report), 0);
	const char *out = tp_output("out.txt");
	no_control("the report", out);
	assert_non_null(strstr(out, "\\x1b[31m<script>"));
	assert_non_null(strstr(out, "x\\x0asystem('touch PWN2')"));
	for (int f = 0; f < 3; f++) {
		static const char *const fmts[] = {"csv", "markdown", "json"};
		const char *r2[] = {"report", tp_path("evil.db"), "--format", fmts[f], NULL};
		assert_int_equal(tp_run(&in_dir, r2), 0);
		no_control(fmts[f], tp_output("out.txt"));
	}
	const char *exp[] = {"export", tp_path("evil.db"), NULL};
	assert_int_equal(tp_run(&in_dir, exp), 0);
	out = tp_output("out.txt");
	no_control("the export", out);
	/* one line per run and the header: the runs are 2 x 2 x 2 */
	int lines = 0;
	for (const char *p = out; *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1 + 8);
	assert_int_equal(pwned(tp_dir), 0);
}

/* Names that make the same file name get files of their own: two axes
 * ("x/y", "x_y"), two scenarios ("a/b", "a_b"). */
static void test_same_file_name(void **state)
{
	(void)state;
	hostile_copy("twins.db",
		     "UPDATE runs SET params = json_set(params, '$.sweep', json_object('x/y', "
		     "json_extract(params, '$.sweep.skew'), 'x_y', json_extract(params, '$.sweep.skew')));"
		     "UPDATE runs SET scenario = CASE WHEN replication = 0 THEN 'a/b' ELSE 'a_b' END;");
	const struct tp_how h = {.err = "err.txt"};
	const char *plot[] = {"plot", tp_path("twins.db"), "-o", tp_path("twins"), NULL};
	int rc = tp_run(&h, plot);
	if (rc != 0)
		fail_msg("plot exited %d: %s", rc, tp_output("err.txt"));
	assert_true(tp_exists("twins/a_b/lost_update_rate-vs-x_y.png"));
	assert_true(tp_exists("twins/a_b/lost_update_rate-vs-x_y-2.png"));
	assert_true(tp_exists("twins/a_b-2/lost_update_rate-vs-x_y.png"));
	assert_true(tp_exists("twins/a_b-2/index.html"));
}

/* Issue 15 point 6: params without a sweep crashed report and plot. */
static void test_no_sweep(void **state)
{
	(void)state;
	hostile_copy("nosweep.db", "UPDATE runs SET params = json_remove(params, '$.sweep');");
	const struct tp_how h = {.err = "err.txt"};
	const char *report[] = {"report", tp_path("nosweep.db"), NULL};
	int rc = tp_run(&h, report);
	if (rc != 0)
		fail_msg("report exited %d: %s", rc, tp_output("err.txt"));
	const char *out = tp_output("out.txt");
	/* every run is then at the one point without sweep values */
	assert_non_null(strstr(out, "\nall runs\n"));
	assert_non_null(strstr(out, "1 point, 2 policies, up to 4 replications"));
	const char *plot[] = {"plot", tp_path("nosweep.db"), "-o", tp_path("nosweep"), NULL};
	rc = tp_run(&h, plot);
	if (rc != 0)
		fail_msg("plot exited %d: %s", rc, tp_output("err.txt"));
	assert_true(tp_exists("nosweep/scorecard.png"));
}

struct broken {
	const char *what;
	const char *sql;
	const char *want; /* in the message */
};

static const struct broken broken[] = {
	{"params that are not JSON", "UPDATE runs SET params = 'not json' WHERE id = 3;",
	 "run 3 has params that are not JSON"},
	{"a sweep that is a list", "UPDATE runs SET params = json_set(params, '$.sweep', json_array(1, 2)) WHERE id = 2;",
	 "run 2 has params whose sweep is not an object"},
	{"a metric that is text", "UPDATE metrics SET value = 'many' WHERE run_id = 5 AND name = 'ops';",
	 "run 5 has a metric value that is not a number"},
	{"a label of 5000 bytes", "UPDATE runs SET label = printf('%5000s', 'x') WHERE id = 1;",
	 "run 1 has a label that is not text of at most 1000 bytes"},
	{"a label that is a blob", "UPDATE runs SET label = x'41ff42' WHERE id = 4;",
	 "run 4 has a label that is not text"},
	{"a NUL in a label", "UPDATE runs SET label = CAST(x'610062' AS TEXT) WHERE id = 6;",
	 "run 6 has a label that is not text of at most 1000 bytes without NUL"},
	{"a sweep name of 2000 bytes",
	 "UPDATE runs SET params = json_set(params, '$.sweep', json_object(printf('%2000s', 'k'), 1)) WHERE id = 7;",
	 "run 7 has a sweep axis whose name is not text"},
};

/* Databases that break the format are refused, with the run, and left
 * as they were. */
static void test_broken(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(broken) / sizeof(broken[0]); i++) {
		hostile_copy("broken.db", broken[i].sql);
		char cmd[1200];
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", tp_path("broken.db"), tp_path("broken.orig"));
		assert_int_equal(system(cmd), 0);
		static const char *const cmds[] = {"report", "plot", "export"};
		for (int c = 0; c < 3; c++) {
			const struct tp_how h = {.err = "err.txt"};
			const char *args[] = {cmds[c], tp_path("broken.db"), "-o", tp_path("broken-out"), NULL};
			if (c == 0)
				args[2] = NULL;
			int rc = tp_run(&h, args);
			const char *err = tp_output("err.txt");
			if (rc != 1 || !strstr(err, broken[i].want))
				fail_msg("%s on %s: status %d, message: %s", cmds[c], broken[i].what, rc, err);
			no_control("the message", err);
		}
		/* byte for byte as it was */
		snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s'", tp_path("broken.db"), tp_path("broken.orig"));
		if (system(cmd) != 0)
			fail_msg("reading %s changed the database", broken[i].what);
		sqlite3 *db = tp_open_db("broken.db");
		assert_true(tp_intact(db));
		sqlite3_close(db);
	}
}

/* ---- databases that are not clobber's (issue 15 point 9) ---- */

struct foreign {
	const char *what;
	const char *sql; /* applied to a new, empty database (NULL: see text) */
	const char *text; /* the file's bytes, if not a database */
	const char *want;
};

static const struct foreign foreign[] = {
	/* once switched to WAL before being refused as "schema version 1" */
	{"another program's, user_version 1", "PRAGMA user_version=1; CREATE TABLE customers(id, name);"
	 "INSERT INTO customers VALUES (1, 'x');", NULL,
	 "is an SQLite database, but not a clobber results database"},
	{"a runs table of other columns", "PRAGMA user_version=4; CREATE TABLE runs(x);", NULL,
	 "it has no runs table with clobber's columns"},
	{"a schema version to come", NULL, NULL, "this results database has schema version 99"},
	{"a text file", NULL, "name: not a database\n", "is not a results database (not an SQLite file)"},
	{"a database cut short", NULL, NULL, "h.db: database disk image is malformed"},
};

/* Every command refuses each, naming the file, and leaves it byte for
 * byte as it was, in the journal mode it was in, with no file beside it. */
static void test_foreign(void **state)
{
	(void)state;
	tp_write("one.yaml", "name: one\npolicies: [lww]\nstop: {ops: 50}\n");
	for (size_t i = 0; i < sizeof(foreign) / sizeof(foreign[0]); i++) {
		const struct foreign *f = &foreign[i];
		mkdir(tp_path("f"), 0777);
		char cmd[1600];
		snprintf(cmd, sizeof(cmd), "rm -rf '%s'/* '%s'", tp_path("f"), tp_path("f-out.db"));
		assert_int_equal(system(cmd), 0);
		if (f->sql) {
			sqlite3 *db;
			assert_int_equal(sqlite3_open(tp_path("f/h.db"), &db), SQLITE_OK);
			assert_int_equal(sqlite3_exec(db, f->sql, NULL, NULL, NULL), SQLITE_OK);
			sqlite3_close(db);
		} else if (f->text) {
			tp_write("f/h.db", f->text);
		} else if (strstr(f->what, "to come")) {
			hostile_copy("f/h.db", "PRAGMA user_version=99;");
			sqlite3 *db = tp_open_db("f/h.db");
			sqlite3_exec(db, "PRAGMA journal_mode=DELETE", NULL, NULL, NULL);
			sqlite3_close(db);
		} else {
			hostile_copy("f/h.db", "PRAGMA journal_mode=DELETE;");
			snprintf(cmd, sizeof(cmd), "truncate -s 8192 '%s'", tp_path("f/h.db"));
			assert_int_equal(system(cmd), 0);
		}
		snprintf(cmd, sizeof(cmd), "cp '%s' '%s'", tp_path("f/h.db"), tp_path("f.orig"));
		assert_int_equal(system(cmd), 0);
		const char *h = tp_path("f/h.db");
		const char *run[] = {"run", tp_path("one.yaml"), "-o", h, NULL};
		const char *report[] = {"report", h, NULL}, *export[] = {"export", h, NULL};
		const char *plot[] = {"plot", h, "-o", tp_path("f-plots"), NULL};
		const char *into[] = {"merge", h, tp_path("base.db"), NULL};
		const char *from[] = {"merge", tp_path("f-out.db"), h, NULL};
		const char *const *cmds[] = {run, report, export, plot, into, from};
		for (size_t c = 0; c < sizeof(cmds) / sizeof(cmds[0]); c++) {
			const struct tp_how how = {.err = "err.txt"};
			int rc = tp_run(&how, cmds[c]);
			const char *err = tp_output("err.txt");
			if ((rc != 1 && rc != 2) || !strstr(err, f->want) || !strstr(err, "h.db"))
				fail_msg("%s, %s: status %d: %s", f->what, cmds[c][0], rc, err);
		}
		snprintf(cmd, sizeof(cmd), "cmp -s '%s' '%s' && test \"$(ls -A '%s')\" = h.db",
			 tp_path("f/h.db"), tp_path("f.orig"), tp_path("f"));
		if (system(cmd) != 0)
			fail_msg("%s: the file was changed, or a file was made beside it", f->what);
		assert_false(tp_exists("f-out.db"));
		print_message("  %-36s refused by every command, unchanged\n", f->what);
	}
}

/* A database another user wrote, in a directory this user cannot write:
 * once "unable to open", it is read as immutable; as nobody (root reads
 * everything, so the case needs another user). */
static void test_read_only_other_user(void **state)
{
	(void)state;
	if (getuid() != 0) {
		print_message("not root: no other user to be\n");
		return;
	}
	mkdir(tp_path("ro"), 0755);
	const char *mk[] = {"run", tp_path("h.yaml"), "-o", tp_path("ro/r.db"), NULL};
	assert_int_equal(tp_run(NULL, mk), 0);
	chmod(tp_path("ro/r.db"), 0644);
	chmod(tp_dir, 0755);
	char cmd[3 * 1024 + 64];
	snprintf(cmd, sizeof(cmd), "cp '%s' '%s' && chmod 755 '%s'", tp_bin, tp_path("clobber-copy"),
		 tp_path("clobber-copy"));
	assert_int_equal(system(cmd), 0);
	const struct tp_how nobody = {.as_nobody = true, .cwd = tp_path("ro"), .err = "err.txt"};
	const char *report[] = {tp_path("clobber-copy"), "report", tp_path("ro/r.db"), NULL};
	int rc = tp_wait(tp_spawn(&nobody, report));
	if (rc != 0)
		fail_msg("report as nobody: status %d: %s", rc, tp_output("err.txt"));
	assert_non_null(strstr(tp_output("out.txt"), "2 policies"));
	const char *export[] = {tp_path("clobber-copy"), "export", tp_path("ro/r.db"), NULL};
	rc = tp_wait(tp_spawn(&nobody, export));
	if (rc != 0)
		fail_msg("export as nobody: status %d: %s", rc, tp_output("err.txt"));
	/* the header and the 2 x 2 x 2 runs */
	int lines = 0;
	for (const char *p = tp_output("out.txt"); *p; p++)
		lines += *p == '\n';
	assert_int_equal(lines, 1 + 8);
	/* and writing to it, as nobody, is refused as read-only */
	const char *run[] = {tp_path("clobber-copy"), "run", tp_path("h.yaml"), "-o", tp_path("ro/r.db"), NULL};
	rc = tp_wait(tp_spawn(&nobody, run));
	if (rc != 1 || !strstr(tp_output("err.txt"), "read-only"))
		fail_msg("run as nobody: status %d: %s", rc, tp_output("err.txt"));
	chmod(tp_dir, 0700);
}

/* clobber trace prints the label of a scenario: escaped, like the
 * readers of databases (refusing such labels at load is the scenario
 * loader's business; the terminal is safe either way). */
static void test_trace_label(void **state)
{
	(void)state;
	tp_write("esc.yaml", "name: t\npolicies:\n  - lww: {label: \"a\\x1b[31mRED\\x1b]0;x\\x07\"}\n"
			     "store: {keys: 1}\nworkload:\n  clients: 2\n  arrival: script\n  script:\n"
			     "    - {at: 0ms, client: 0, op: incr}\n");
	const struct tp_how h = {.err = "err.txt"};
	const char *args[] = {"trace", tp_path("esc.yaml"), "-o", tp_path("esc"), NULL};
	int rc = tp_run(&h, args);
	static char out[1 << 16];
	tp_slurp("out.txt", out, sizeof(out));
	if (rc != 0 && rc != 2)
		fail_msg("trace exited %d: %s", rc, tp_output("err.txt"));
	no_control("trace's output", out);
	no_control("trace's messages", tp_output("err.txt"));
	if (rc == 0)
		assert_non_null(strstr(out, "a\\x1b[31mRED"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_injection),
		cmocka_unit_test(test_same_file_name),
		cmocka_unit_test(test_no_sweep),
		cmocka_unit_test(test_broken),
		cmocka_unit_test(test_trace_label),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_read_only_other_user),
	};
	return cmocka_run_group_tests(tests, group_setup, tp_teardown);
}
