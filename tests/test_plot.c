/*
 * test_plot.c - clobber plot and clobber trace end to end: every chart
 * kind rendered from a small database and checked (a PNG with its
 * signature and sensible dimensions, or an SVG document), a script rerun
 * by hand with gnuplot, names with quotes and other special characters.
 * Uses the binary in $CLOBBER (else bin/clobber) and gnuplot.
 */
#include "testproc.h"

#include <arpa/inet.h>
#include <dirent.h>

#include "sim/app/catalog.h"

/* Runs argv (argv[0] a path or a program on PATH) in directory cwd (NULL:
 * here), output to out.txt; returns the exit status. */
static int run_in(const char *cwd, const char *const *argv)
{
	const struct tp_how h = {.cwd = cwd};
	return tp_wait(tp_spawn(&h, argv));
}

/* A valid PNG: the signature, an IHDR chunk first, dimensions in range,
 * and enough bytes to hold a drawn chart rather than an empty canvas. */
static void check_png(const char *p, unsigned minw, unsigned minh)
{
	FILE *f = fopen(p, "rb");
	if (!f)
		fail_msg("%s was not written", p);
	unsigned char h[24];
	size_t got = fread(h, 1, sizeof(h), f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	static const unsigned char sig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
	if (got < 24 || memcmp(h, sig, 8) != 0 || memcmp(h + 12, "IHDR", 4) != 0)
		fail_msg("%s is not a PNG", p);
	uint32_t w, hh;
	memcpy(&w, h + 16, 4);
	memcpy(&hh, h + 20, 4);
	w = ntohl(w);
	hh = ntohl(hh);
	if (w < minw || hh < minh || w > 8000 || hh > 8000)
		fail_msg("%s is %ux%u pixels", p, w, hh);
	if (size < 8000)
		fail_msg("%s has only %ld bytes: nothing drawn?", p, size);
}

static const char scenario[] =
	"name: it's \"quoted\" & <b>\n"
	"description: a small sweep whose name and labels hold special characters\n"
	"replications: 3\n"
	"stop: {ops: 1500}\n"
	"sweep:\n"
	"  skew: [0ms, 5ms, 20ms]\n"
	"  c: [4, 12]\n"
	"  keys: ['zipf(0.5)', 'zipf(1.2)']\n"
	"policies:\n"
	"  - lww: {label: \"lww 'client' \\\"ts\\\"\"}\n"
	"  - version: {label: 'v@{x}_^2'}\n"
	"  - lock: {mode: fail}\n"
	"store: {keys: 8}\n"
	"workload: {clients: $c, key: $keys, mix: {incr: 0.8, read: 0.2}}\n"
	"clocks:\n"
	"  offset: normal(0, $skew)\n";

static void test_every_chart(void **state)
{
	(void)state;
	tp_write("q.yaml", scenario);
	const char *run[] = {tp_bin, "run", tp_path("q.yaml"), "-o", tp_path("q.db"), NULL};
	assert_int_equal(run_in(NULL, run), 0);
	const char *plot[] = {tp_bin, "plot", tp_path("q.db"), "-o", tp_path("charts"), NULL};
	int rc = run_in(NULL, plot);
	char out[8192];
	tp_slurp("out.txt", out, sizeof(out));
	if (rc != 0)
		fail_msg("clobber plot failed: %s", out);
	/* two numeric axes (keys is not numeric) x each metric flagged for
	 * charts: drawn when some run has a value other than 0 (the database
	 * says which, by SQL), else listed as not drawn */
	const char *axes[] = {"skew", "c"};
	sqlite3 *db = tp_open_db("q.db");
	int drawn = 0;
	for (size_t i = 0; i < catalog_count(); i++) {
		const struct metric_info *m = catalog_at(i);
		if (!(m->flags & METRIC_CHART))
			continue;
		char sql[256];
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM metrics WHERE name = '%s' AND value <> 0",
			 m->name);
		long long nonzero = tp_query(db, sql);
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM metrics WHERE name = '%s'", m->name);
		long long any = tp_query(db, sql);
		for (int a = 0; a < 2; a++) {
			char name[128];
			snprintf(name, sizeof(name), "charts/%s-vs-%s.png", m->name, axes[a]);
			if (nonzero) {
				check_png(tp_path(name), 600, 300);
				drawn++;
			} else if (tp_exists(name)) {
				fail_msg("%s drawn, but %s is 0 in every run", name, m->name);
			}
		}
		if (any && !nonzero) {
			const char *list = strstr(out, "not drawn, 0 for every policy at every point: ");
			if (!list || !strstr(list, m->name))
				fail_msg("%s is 0 in every run but not listed as not drawn: %s", m->name, out);
		}
	}
	sqlite3_close(db);
	assert_true(drawn >= 8); /* at least lost-update rate, abort rate, p99, throughput */
	check_png(tp_path("charts/latency-cdf.png"), 600, 400);
	check_png(tp_path("charts/scorecard.png"), 600, 400);
	/* keys is not numeric: no line chart against it, bars by its values */
	char bars_gp[32768];
	tp_slurp("charts/lost_update_rate-vs-keys.gp", bars_gp, sizeof(bars_gp));
	assert_non_null(strstr(bars_gp, "with boxerrorbars"));
	assert_null(strstr(bars_gp, "with lines"));
	assert_non_null(strstr(bars_gp, "set xtics scale 0 ('zipf(0.5)' 0, 'zipf(1.2)' 1)"));
	/* the names reached the scripts escaped: quotes doubled, no enhanced
	 * text markup */
	char gp[32768];
	tp_slurp("charts/lost_update_rate-vs-skew.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "'it''s \"quoted\" & <b>: lost-update rate against skew"));
	assert_non_null(strstr(gp, "title 'v@{x}_^2'"));
	assert_non_null(strstr(gp, "noenhanced"));
	/* a long label gets a short one, and the key gives it in full */
	assert_non_null(strstr(gp, "title 'lww'"));
	assert_non_null(strstr(gp, "lww = lww ''client'' \"ts\""));
	/* the x label carries the unit and the key the axis sets */
	assert_non_null(strstr(gp, "set xlabel 'skew (ms; clocks.offset)'"));
	/* panels for the other axes' values: c=4 keys=zipf(0.5) ... (4 panels),
	 * all on one y range */
	assert_non_null(strstr(gp, "set title 'c=12 keys=zipf(1.2)'"));
	assert_non_null(strstr(gp, "set yrange [YLO - "));
	assert_non_null(strstr(gp, "load 'theme.gp'"));
	/* c = 4, 12: less than a decade, linear; the sweep of clients in the
	 * scorecard test below is log */
	tp_slurp("charts/lost_update_rate-vs-c.gp", gp, sizeof(gp));
	assert_null(strstr(gp, "\nset logscale x"));
	/* the script reruns by hand and redraws its chart */
	unlink(tp_path("charts/scorecard.png"));
	const char *again[] = {"gnuplot", "scorecard.gp", NULL};
	assert_int_equal(run_in(tp_path("charts"), again), 0);
	check_png(tp_path("charts/scorecard.png"), 600, 400);
	/* SVG */
	const char *svg[] = {tp_bin, "plot", tp_path("q.db"), "-o", tp_path("svg"), "--format", "svg", NULL};
	assert_int_equal(run_in(NULL, svg), 0);
	char doc[512];
	tp_slurp("svg/latency-cdf.svg", doc, sizeof(doc));
	assert_non_null(strstr(doc, "<svg"));
	/* a point that does not exist */
	const char *bad[] = {tp_bin, "plot", tp_path("q.db"), "-o", tp_path("charts"), "--point", "99", NULL};
	assert_int_equal(run_in(NULL, bad), 2);
	/* a point named by its values, in any order, commas or spaces */
	const char *byval[] = {tp_bin, "plot", tp_path("q.db"), "-o", tp_path("pt"), "--point",
			       "c=4, keys=zipf(0.5) skew=5ms", NULL};
	assert_int_equal(run_in(NULL, byval), 0);
	tp_slurp("pt/scorecard.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "skew=5ms c=4 keys=zipf(0.5)"));
	/* values that fit several points are refused, saying what to add */
	const char *some[] = {tp_bin, "plot", tp_path("q.db"), "-o", tp_path("pt"), "--point", "skew=5ms", NULL};
	assert_int_equal(run_in(NULL, some), 2);
	tp_slurp("out.txt", out, sizeof(out));
	assert_non_null(strstr(out, "matches 4 sweep points"));
}

/* A sweep extended with a new value: the new runs number their points
 * afresh, so numbers repeat; --point by number says so, by value works. */
static void test_extended_sweep_points(void **state)
{
	(void)state;
	tp_write("e.yaml", "name: ext\npolicies: [lww, version]\nstop: {ops: 300}\n"
			     "sweep: {skew: [5ms]}\nclocks:\n  offset: normal(0, $skew)\n");
	const char *first[] = {tp_bin, "run", tp_path("e.yaml"), "-o", tp_path("e.db"), NULL};
	assert_int_equal(run_in(NULL, first), 0);
	const char *more[] = {tp_bin, "run", tp_path("e.yaml"), "-o", tp_path("e.db"),
			      "--set", "sweep.skew=[0ms, 5ms]", NULL};
	assert_int_equal(run_in(NULL, more), 0);
	const char *num[] = {tp_bin, "plot", tp_path("e.db"), "-o", tp_path("ep"), "--point", "0", NULL};
	assert_int_equal(run_in(NULL, num), 2);
	char out[2048];
	tp_slurp("out.txt", out, sizeof(out));
	assert_non_null(strstr(out, "2 sweep points of ext have number 0"));
	const char *val[] = {tp_bin, "plot", tp_path("e.db"), "-o", tp_path("ep"), "--point", "skew=0ms", NULL};
	assert_int_equal(run_in(NULL, val), 0);
	char gp[16384];
	tp_slurp("ep/scorecard.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "skew=0ms"));
}

/* Without -o, charts go to plots/NAME/ with NAME made safe for a file name;
 * a scenario without a sweep gets the CDF and the scorecard. */
static void test_no_sweep_default_dir(void **state)
{
	(void)state;
	tp_write("n.yaml", "name: ../../n'x\npolicies: [lww, version]\nstop: {ops: 500}\n");
	const char *run[] = {tp_bin, "run", tp_path("n.yaml"), "-o", tp_path("n.db"), NULL};
	assert_int_equal(run_in(NULL, run), 0);
	const char *plot[] = {tp_bin, "plot", tp_path("n.db"), NULL};
	assert_int_equal(run_in(tp_dir, plot), 0);
	check_png(tp_path("plots/_.__._n_x/scorecard.png"), 600, 400);
	check_png(tp_path("plots/_.__._n_x/latency-cdf.png"), 600, 400);
}

static const char swept[] =
	"name: lg\nreplications: 2\nstop: {ops: 300}\n"
	"sweep:\n  clients: [2, 8, 32, 64]\n  period: [0, 100ms, 1s]\n"
	"policies: [lww, version]\nworkload: {clients: $clients}\n"
	"clocks:\n  offset: normal(0, 5ms)\n  sync: {period: $period}\n";

/* Axes: a geometric sweep on a log axis with a tick at every value; a sync
 * period of 0, which docs/scenarios.md documents as "never", apart as its
 * own category; a theme that restyles every chart from one file. */
static void test_axes_and_theme(void **state)
{
	(void)state;
	tp_write("lg.yaml", swept);
	const char *run[] = {tp_bin, "run", tp_path("lg.yaml"), "-o", tp_path("lg.db"), NULL};
	assert_int_equal(run_in(NULL, run), 0);
	const char *plot[] = {tp_bin, "plot", tp_path("lg.db"), "-o", tp_path("lg"), NULL};
	assert_int_equal(run_in(NULL, plot), 0);
	char gp[32768];
	tp_slurp("lg/lost_update_rate-vs-clients.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "\nset logscale x"));
	assert_non_null(strstr(gp, "set xtics ('2' 2, '8' 8, '32' 32, '64' 64)"));
	assert_non_null(strstr(gp, "set xlabel 'clients (log scale; workload.clients)'"));
	assert_non_null(strstr(gp, "set title 'period=0 (never)'"));
	/* a rate stays linear; a throughput over a decade (2 to 64 clients)
	 * goes on a log scale, ticks at 1, 2 and 5 */
	assert_null(strstr(gp, "set logscale y"));
	tp_slurp("lg/throughput_ops_s-vs-clients.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "set logscale y"));
	assert_non_null(strstr(gp, "ylabel_text = 'throughput (ops/s, log scale)'"));
	assert_non_null(strstr(gp, "set ytics ("));
	tp_slurp("lg/lost_update_rate-vs-period.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "set xtics add ('never' xzero_right)"));
	assert_non_null(strstr(gp, "xc(x) = x == 0 ? xzero_right : x"));
	/* the "never" rows stand apart in the data: after a blank line */
	char dat[32768];
	tp_slurp("lg/lost_update_rate-vs-period.dat", dat, sizeof(dat));
	assert_non_null(strstr(dat, "\n\n0 "));
	/* the theme: written once, loaded by every script, never overwritten */
	assert_true(tp_exists("lg/theme.gp"));
	FILE *f = fopen(tp_path("lg/theme.gp"), "a");
	assert_non_null(f);
	fputs("set linetype 1 lc rgb '#ff00ff'\n", f);
	fclose(f);
	const char *svg[] = {"gnuplot", "-c", "lost_update_rate-vs-clients.gp", "svg", NULL};
	assert_int_equal(run_in(tp_path("lg"), svg), 0);
	static char doc[1 << 20];
	tp_slurp("lg/lost_update_rate-vs-clients.svg", doc, sizeof(doc));
	assert_non_null(strstr(doc, "rgb(255,   0, 255)"));
	assert_int_equal(run_in(NULL, plot), 0);
	tp_slurp("lg/theme.gp", doc, sizeof(doc));
	assert_non_null(strstr(doc, "#ff00ff"));
}

/* index.html in a real browser: Debian's chromium, headless, loads the
 * page and every chart in it; each image reports whether it loaded. */
static void test_index_in_chromium(void **state)
{
	(void)state;
	if (access("/usr/bin/chromium", X_OK) != 0) {
		fprintf(stderr, "SKIP: /usr/bin/chromium is not installed (make test installs it as root: "
				"scripts/setup.sh test); index.html is not checked in a browser\n");
		skip();
	}
	const char *plot[] = {tp_bin, "plot", tp_path("q.db"), "-o", tp_path("html"), NULL};
	assert_int_equal(run_in(NULL, plot), 0);
	/* the charts: the SVG files plot left in the directory */
	int svgs = 0;
	DIR *d = opendir(tp_path("html"));
	assert_non_null(d);
	for (struct dirent *e; (e = readdir(d));) {
		size_t len = strlen(e->d_name);
		svgs += len > 4 && strcmp(e->d_name + len - 4, ".svg") == 0;
	}
	closedir(d);
	assert_true(svgs >= 10);
	for (int pass = 0; pass < 2; pass++) {
		char url[700], profile[600];
		snprintf(url, sizeof(url), "file://%s/index.html", tp_path("html"));
		snprintf(profile, sizeof(profile), "--user-data-dir=%s/chromium-%d", tp_dir, pass);
		const char *argv[] = {"/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
				      "--disable-quic", "--no-first-run", "--disable-background-networking",
				      "--disable-component-update", "--disable-sync", profile,
				      "--virtual-time-budget=10000", "--dump-dom", url, NULL};
		const struct tp_how h = {.out = "dom.html", .err = "chromium.txt"};
		int rc = tp_wait(tp_spawn(&h, argv));
		const char *dom = tp_output("dom.html");
		if (rc != 0 || !strstr(dom, "</html>"))
			fail_msg("chromium failed (%d): %s", rc, tp_output("chromium.txt"));
		int imgs = 0, loaded = 0, failed = 0;
		for (const char *p = dom; (p = strstr(p, "<img ")); p++) {
			imgs++;
			const char *end = strchr(p, '>');
			char tag[2048];
			snprintf(tag, sizeof(tag), "%.*s", (int)(end ? end - p : 0), p);
			if (strstr(tag, "data-state=\"loaded\"") && !strstr(tag, "data-size=\"0x0\""))
				loaded++;
			if (strstr(tag, "data-state=\"failed\""))
				failed++;
		}
		if (pass == 0) {
			/* every chart shown, every one loaded */
			if (imgs != svgs || loaded != svgs || failed != 0)
				fail_msg("%d charts, %d images in the page, %d loaded, %d failed", svgs, imgs, loaded, failed);
			/* and the report's table is on the page */
			assert_non_null(strstr(dom, "<table class=\"report\">"));
			/* the control: a chart removed is seen as missing */
			assert_int_equal(unlink(tp_path("html/scorecard.svg")), 0);
		} else if (failed != 1 || loaded != svgs - 1) {
			fail_msg("with one chart removed: %d loaded, %d failed", loaded, failed);
		}
	}
}

/* clobber trace draws its swimlane chart and marks the lost write. */
static void test_trace_chart(void **state)
{
	(void)state;
	tp_write("t.yaml",
		   "name: tr\npolicies: [lww]\nstore: {keys: 1}\nnetwork: {latency: const(1ms)}\n"
		   "workload:\n  clients: 2\n  arrival: script\n  compute: const(1ms)\n  script:\n"
		   "    - {at: 0ms, client: 0, op: incr}\n    - {at: 0ms, client: 1, op: incr}\n");
	const char *tr[] = {tp_bin, "trace", tp_path("t.yaml"), "-o", tp_path("tr"), NULL};
	assert_int_equal(run_in(NULL, tr), 0);
	char out[8192];
	tp_slurp("out.txt", out, sizeof(out));
	/* both stamp 3ms; the tie goes to client 1, so client 0's write is lost */
	assert_non_null(strstr(out, "applied: k0 = 1 (ts 3ms)  <-- LOST"));
	assert_non_null(strstr(out, "lost updates: 1 of 2"));
	check_png(tp_path("tr/trace-lww.png"), 800, 200);

	/* with --point, one chart per point, named by its values; the first
	 * point without --point keeps the plain name */
	tp_write("tp.yaml", "name: tp\npolicies: [lww]\nsweep: {c: [2, 3]}\nworkload: {clients: $c}\n");
	const char *p3[] = {tp_bin, "trace", tp_path("tp.yaml"), "--point", "c=3", "-o", tp_path("tp"), NULL};
	const char *p2[] = {tp_bin, "trace", tp_path("tp.yaml"), "--point", "c=2", "-o", tp_path("tp"), NULL};
	const char *p0[] = {tp_bin, "trace", tp_path("tp.yaml"), "-o", tp_path("tp"), NULL};
	assert_int_equal(run_in(NULL, p3), 0);
	assert_int_equal(run_in(NULL, p2), 0);
	assert_int_equal(run_in(NULL, p0), 0);
	check_png(tp_path("tp/trace-lww-c_3.png"), 800, 200);
	check_png(tp_path("tp/trace-lww-c_2.png"), 800, 200);
	check_png(tp_path("tp/trace-lww.png"), 800, 200);
}

/* The PBS chart's data against the visibility table: each series (one
 * per sweep point of one label) holds, for each bin of t with at least 100
 * reads, the reads and consistent reads of its runs summed, P their
 * ratio inside its Wilson interval; P rises with t for R = W = 1; a
 * database without visibility rows gets no PBS chart. */
static void test_pbs_chart(void **state)
{
	(void)state;
	tp_write("pbs.yaml",
		 "name: pbs-small\nreplications: 2\nstop: {ops: 400}\nsweep: {r: [1, 2]}\npolicies: [lww]\n"
		 "store: {keys: 1}\n"
		 "cluster: {nodes: 3, replication: {quorum: {n: 3, r: $r, w: 1, coordinator: proxy, read_repair: false}}}\n"
		 "workload: {clients: 1, think: const(20ms), compute: const(0), mix: {incr: 1}, probe: [0ms, 200us, 1ms]}\n"
		 "network: {latency: const(0), peer: {write: exp(0.25ms), ack: exp(1ms), read: exp(1ms), reply: exp(1ms)}}\n");
	const char *run[] = {tp_bin, "run", tp_path("pbs.yaml"), "-o", tp_path("pbs.db"), NULL};
	assert_int_equal(run_in(NULL, run), 0);
	const char *plot[] = {tp_bin, "plot", tp_path("pbs.db"), "-o", tp_path("pbs"), NULL};
	assert_int_equal(run_in(NULL, plot), 0);
	check_png(tp_path("pbs/pbs-visibility.png"), 600, 400);
	static char dat[1 << 16];
	tp_slurp("pbs/pbs-visibility.dat", dat, sizeof(dat));
	sqlite3 *db = tp_open_db("pbs.db");
	sqlite3_stmt *st;
	assert_int_equal(sqlite3_prepare_v2(db,
					    "SELECT json_extract(r.params, '$.sweep.r'), v.t_ms, sum(v.reads), sum(v.consistent) "
					    "FROM visibility v JOIN runs r ON r.id = v.run_id GROUP BY 1, 2 "
					    "HAVING sum(v.reads) >= 100 ORDER BY 1, 2",
					    -1, &st, NULL),
			 SQLITE_OK);
	/* the data's rows, in order: each series' block after its '# series r=R' */
	int rows = 0;
	double first_p[3] = {0}, last_p[3] = {0};
	while (sqlite3_step(st) == SQLITE_ROW) {
		int r = atoi((const char *)sqlite3_column_text(st, 0));
		double t = sqlite3_column_double(st, 1), reads = sqlite3_column_double(st, 2),
		       cons = sqlite3_column_double(st, 3);
		char head[32];
		snprintf(head, sizeof(head), "# series r=%d\n", r);
		const char *p = strstr(dat, head);
		if (!p)
			fail_msg("no series r=%d in the data:\n%s", r, dat);
		/* the row of t in that block (before the next series) */
		const char *next = strstr(p + 1, "# series");
		bool found = false;
		for (const char *q = strchr(p, '\n') + 1; *q && (!next || q < next); q = strchr(q, '\n') + 1) {
			double x, n, c, pp, lo, hi;
			if (sscanf(q, "%lf %lf %lf %lf %lf %lf", &x, &n, &c, &pp, &lo, &hi) == 6 && x == x &&
			    fabs(x - t) < 1e-9) {
				check_near(n, reads, 0, "reads of a bin against the visibility table");
				check_near(c, cons, 0, "consistent reads of a bin against the visibility table");
				check_near(pp, cons / reads, 1e-9, "P of a bin");
				assert_true(lo <= pp && pp <= hi && lo >= 0 && hi <= 1);
				found = true;
			}
			if (!strchr(q, '\n'))
				break;
		}
		if (!found)
			fail_msg("r=%d t=%g ms: %g reads in the table, no row in the data", r, t, reads);
		if (t == 0)
			first_p[r] = cons / reads;
		last_p[r] = cons / reads;
		rows++;
	}
	sqlite3_finalize(st);
	sqlite3_close(db);
	assert_int_equal(rows, 6); /* 2 series x 3 probe delays */
	/* R = W = 1: P rises from about 0.94 at t = 0 to nearly 1 at 1 ms */
	if (!(first_p[1] < 0.98 && last_p[1] > first_p[1] && last_p[1] > 0.99))
		fail_msg("r=1: P %g at t=0, %g at 1 ms", first_p[1], last_p[1]);
	char gp[16384];
	tp_slurp("pbs/pbs-visibility.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "title 'r=1'"));
	assert_non_null(strstr(gp, "load 'theme.gp'"));
	/* one node, no probes: no visibility, no PBS chart */
	assert_false(tp_exists("charts/pbs-visibility.png"));
}

/* The rows of the block after the line `head` of a data file: up to max
 * rows of ncols numbers each into v[row * ncols + col]; returns how many
 * (the NaN row skipped). */
static int block_rows(const char *dat, const char *head, int ncols, double *v, int max)
{
	const char *p = strstr(dat, head);
	if (!p)
		fail_msg("no block '%s' in the data", head);
	p = strchr(p, '\n');
	int n = 0;
	while (p && p[1] && p[1] != '\n' && p[1] != '#' && n < max) {
		p++;
		double x[8];
		int got = 0;
		const char *q = p;
		for (; got < ncols; got++) {
			char *end;
			x[got] = strtod(q, &end);
			if (end == q)
				break;
			q = end;
		}
		if (got == ncols && x[0] == x[0]) {
			memcpy(&v[n * ncols], x, (size_t)ncols * sizeof(double));
			n++;
		}
		p = strchr(p, '\n');
	}
	return n;
}

/* Operations over time and bars by an axis of names, from a sweep of
 * strategies and a fault kept by `when`: a chart per point; its bins
 * hold the ops table's operations of the run drawn, by outcome; its
 * shading is the faults table's window of that run; the bars hold the
 * metrics' means over replications. */
static void test_time_and_bars(void **state)
{
	(void)state;
	tp_write("tb.yaml",
		 "name: tb\nreplications: 2\nstop: {time: 2s}\n"
		 "sweep: {strategy: [primary, quorum], nemesis: [none, partition]}\n"
		 "policies: [lww, {siblings: {merge: union}}]\n"
		 "cluster: {nodes: 3, replication: $strategy}\n"
		 "workload: {clients: 4, think: exp(10ms), timeout: 100ms}\n"
		 "faults: [{partition: {groups: [[0], [1, 2]], at: 500ms, for: 500ms, when: $nemesis == partition}}]\n");
	const char *run[] = {tp_bin, "run", tp_path("tb.yaml"), "-o", tp_path("tb.db"), "--record", "ops", NULL};
	assert_int_equal(run_in(NULL, run), 0);
	const char *plot[] = {tp_bin, "plot", tp_path("tb.db"), "-o", tp_path("tb"), NULL};
	assert_int_equal(run_in(NULL, plot), 0);
	static const char *const points[] = {"primary_nemesis_none", "primary_nemesis_partition",
					     "quorum_nemesis_none", "quorum_nemesis_partition"};
	for (int i = 0; i < 4; i++) {
		char name[128];
		snprintf(name, sizeof(name), "tb/ops-over-time_strategy_%s.png", points[i]);
		check_png(tp_path(name), 800, 400);
	}
	check_png(tp_path("tb/ops_failed-vs-nemesis.png"), 600, 300);
	check_png(tp_path("tb/lost_update_rate-vs-nemesis.png"), 600, 300);
	static char dat[1 << 18];
	tp_slurp("tb/ops-over-time_strategy_quorum_nemesis_partition.dat", dat, sizeof(dat));
	sqlite3 *db = tp_open_db("tb.db");
	/* the run drawn for lww: replication 0 at that point */
	long long id = tp_query(db, "SELECT id FROM runs WHERE label = 'lww' AND replication = 0 AND "
				    "json_extract(params, '$.sweep.strategy') = 'quorum' AND "
				    "json_extract(params, '$.sweep.nemesis') = 'partition'");
	assert_true(id > 0);
	/* the shading: the faults table's window */
	double w[8 * 4];
	int nw = block_rows(dat, "# fault windows of label lww", 7, w, 4);
	assert_int_equal(nw, 1);
	char sql[512];
	snprintf(sql, sizeof(sql), "SELECT round(start_ms * 1000) FROM faults WHERE run_id = %lld", id);
	check_near(w[2], (double)tp_query(db, sql) / 1000, 1e-6, "window start against the faults table");
	snprintf(sql, sizeof(sql), "SELECT round(end_ms * 1000) FROM faults WHERE run_id = %lld", id);
	check_near(w[3], (double)tp_query(db, sql) / 1000, 1e-6, "window end against the faults table");
	check_near(w[2], 500, 1e-6, "the partition starts at 500 ms");
	check_near(w[3], 1000, 1e-6, "and ends at 1000 ms");
	/* the bins: per outcome, the ops table's operations issued in them */
	const char *b = strstr(dat, "bins of ");
	assert_non_null(b);
	double bin = atof(b + 8);
	assert_true(bin > 0);
	static double rows[256 * 5];
	int nb = block_rows(dat, "# label lww", 5, rows, 256);
	assert_true(nb >= 10);
	/* columns: ok, ok but lost, aborted, failed */
	static const char *const cond[4] = {"status = 'ok'", "status = 'ok' AND lost = 1",
					    "status = 'aborted'", "status = 'failed'"};
	for (int o = 0; o < 4; o++) {
		double sum = 0;
		for (int i = 0; i < nb; i++)
			sum += rows[i * 5 + 1 + o] * bin / 1000;
		snprintf(sql, sizeof(sql), "SELECT count(*) FROM ops WHERE run_id = %lld AND %s AND start_ms < %.10g",
			 id, cond[o], nb * bin);
		check_near(sum, (double)tp_query(db, sql), 1e-6, "operations of an outcome in the bins");
		if (o == 1)
			assert_true(sum > 0); /* last write wins loses some */
	}
	/* the partition made operations fail: at some bin inside it */
	snprintf(sql, sizeof(sql), "SELECT count(*) FROM ops WHERE run_id = %lld AND status = 'failed'", id);
	assert_true(tp_query(db, sql) > 0);
	/* the bars: the metric's mean over the replications */
	tp_slurp("tb/lost_update_rate-vs-nemesis.dat", dat, sizeof(dat));
	double bars[4 * 4];
	int nbars = block_rows(dat, "# panel strategy=quorum, label lww", 4, bars, 4);
	assert_int_equal(nbars, 2);
	for (int i = 0; i < 2; i++) {
		sqlite3_stmt *st;
		snprintf(sql, sizeof(sql),
			 "SELECT avg(m.value) FROM metrics m JOIN runs r ON r.id = m.run_id WHERE m.name = "
			 "'lost_update_rate' AND r.label = 'lww' AND json_extract(r.params, '$.sweep.strategy') = "
			 "'quorum' AND json_extract(r.params, '$.sweep.nemesis') = '%s'",
			 (int)bars[i * 4 + 3] == 0 ? "none" : "partition");
		assert_int_equal(sqlite3_prepare_v2(db, sql, -1, &st, NULL), SQLITE_OK);
		assert_int_equal(sqlite3_step(st), SQLITE_ROW);
		check_near(bars[i * 4 + 1], sqlite3_column_double(st, 0), 1e-9, "a bar's mean against the metrics");
		sqlite3_finalize(st);
	}
	sqlite3_close(db);
	/* the names of the axis drawn under the groups */
	char gp[16384];
	tp_slurp("tb/lost_update_rate-vs-nemesis.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "set xtics scale 0 ('none' 0, 'partition' 1)"));
	assert_non_null(strstr(gp, "set title 'strategy=quorum'"));
}

/* The boxes of block "# index N: KIND windows" of a swimlane chart's
 * data: xlow and xhigh of each, into lo[] and hi[]; returns how many. */
static int bands_of(const char *dat, const char *kind, double *lo, double *hi, int max)
{
	char head[64];
	snprintf(head, sizeof(head), ": %s windows, boxes", kind);
	const char *p = strstr(dat, head);
	if (!p)
		return 0;
	p = strchr(p, '\n') + 1;
	p = strchr(p, '\n') + 1; /* the NaN row */
	int n = 0;
	double x, y, a, b, c, e;
	while (n < max && sscanf(p, "%lf %lf %lf %lf %lf %lf", &x, &y, &a, &b, &c, &e) == 6) {
		lo[n] = a;
		hi[n++] = b;
		p = strchr(p, '\n') + 1;
	}
	return n;
}

/* clobber trace shades the fault windows, live and from a database, as
 * the faults table has them: each box spans its window (clipped to the
 * trace), a partition on each of the three nodes it cut off. */
static void test_trace_faults(void **state)
{
	(void)state;
	tp_write("tf.yaml",
		 "name: tf\nstop: {ops: 40}\npolicies: [lww]\n"
		 "cluster: {nodes: 3, replication: {primary: {failover: 100ms}}}\n"
		 "workload: {clients: 2, think: exp(4ms), timeout: 20ms}\n"
		 "faults:\n  - crash: {node: primary, at: 15ms, for: 30ms}\n"
		 "  - partition: {groups: [[0], [1, 2]], at: 50ms, for: 10ms}\n"
		 "  - pause: {client: 1, at: 20ms, for: 8ms}\n"
		 "  - clock_jump: {node: 2, at: 40ms, by: -5ms}\n");
	const char *run[] = {tp_bin, "run", tp_path("tf.yaml"), "-o", tp_path("tf.db"), "--record", "trace", NULL};
	assert_int_equal(run_in(NULL, run), 0);
	const char *live[] = {tp_bin, "trace", tp_path("tf.yaml"), "--ops", "40", "-o", tp_path("tfl"), NULL};
	assert_int_equal(run_in(NULL, live), 0);
	const char *stored[] = {tp_bin, "trace", "--run", "1", tp_path("tf.db"), "-o", tp_path("tfs"), NULL};
	assert_int_equal(run_in(NULL, stored), 0);
	check_png(tp_path("tfl/trace-lww.png"), 800, 300);
	check_png(tp_path("tfs/trace-lww-run1.png"), 800, 300);
	static char live_dat[1 << 20], stored_dat[1 << 20];
	tp_slurp("tfl/trace-lww.dat", live_dat, sizeof(live_dat));
	tp_slurp("tfs/trace-lww-run1.dat", stored_dat, sizeof(stored_dat));
	/* the same run: the same shading */
	assert_non_null(strstr(live_dat, "# index 14: crash windows"));
	assert_string_equal(strstr(live_dat, "# index 14: crash windows"),
			    strstr(stored_dat, "# index 14: crash windows"));
	sqlite3 *db = tp_open_db("tf.db");
	assert_int_equal(tp_query(db, "SELECT count(*) FROM faults"), 4);
	static const char *const kinds[] = {"crash", "partition", "pause"};
	for (int k = 0; k < 3; k++) {
		char sql[256];
		snprintf(sql, sizeof(sql), "SELECT round(start_ms * 1000) FROM faults WHERE kind = '%s'", kinds[k]);
		double start = (double)tp_query(db, sql) / 1000;
		snprintf(sql, sizeof(sql), "SELECT round(end_ms * 1000) FROM faults WHERE kind = '%s'", kinds[k]);
		double end = (double)tp_query(db, sql) / 1000;
		double lo[8], hi[8];
		int n = bands_of(stored_dat, kinds[k], lo, hi, 8);
		if (n != (k == 1 ? 3 : 1))
			fail_msg("%s: %d bands", kinds[k], n);
		for (int i = 0; i < n; i++) {
			check_near(lo[i], start, 1e-6, "band start against the faults table");
			check_near(hi[i], end, 1e-6, "band end against the faults table");
		}
	}
	sqlite3_close(db);
	/* the clock jump: a mark with its step */
	assert_non_null(strstr(stored_dat, "\"clock -5ms\""));
	char gp[16384];
	tp_slurp("tfs/trace-lww-run1.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "with boxxyerror fs transparent solid 0.22 noborder lc rgb '#d62728' title 'crashed'"));
	assert_non_null(strstr(gp, "with vectors nohead"));
	/* a trace without faults has the chart it always had: no shading */
	tp_slurp("tr/trace-lww.gp", gp, sizeof(gp));
	assert_null(strstr(gp, "boxxyerror"));
}

/* A PNG's width and height from its IHDR chunk, and its size in bytes
 * (0 for a file that is not there). */
static long png_dims(const char *p, uint32_t *w, uint32_t *h)
{
	unsigned char b[24] = {0};
	FILE *f = fopen(p, "rb");
	if (!f)
		return 0;
	size_t got = fread(b, 1, sizeof(b), f);
	fseek(f, 0, SEEK_END);
	long size = ftell(f);
	fclose(f);
	if (got < 24 || memcmp(b + 12, "IHDR", 4) != 0)
		fail_msg("%s is not a PNG", p);
	memcpy(w, b + 16, 4);
	memcpy(h, b + 20, 4);
	*w = ntohl(*w);
	*h = ntohl(*h);
	return size;
}

/* Fails on an empty file anywhere in dir: a chart gnuplot failed to draw. */
static void no_empty_file(const char *dir)
{
	DIR *d = opendir(dir);
	assert_non_null(d);
	struct dirent *e;
	while ((e = readdir(d))) {
		char p[1200];
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		struct stat st;
		if (e->d_name[0] != '.' && stat(p, &st) == 0 && S_ISREG(st.st_mode) && st.st_size == 0)
			fail_msg("%s is empty", p);
	}
	closedir(d);
}

/* Issue 15 point 9: trace with 546 clients or more, and plot with 1000
 * policies, asked Cairo for more than 32767 pixels and left a 0-byte PNG.
 * Now the lanes and the bars are drawn narrower, within that size. */
static void test_charts_of_many(void **state)
{
	(void)state;
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "name: many\npolicies: [lww]\nstore: {keys: 4}\nworkload:\n  clients: 600\n"
		    "  arrival: script\n  script:\n");
	for (int i = 0; i < 600; i++)
		sb_printf(&b, "    - {at: %dms, client: %d, op: incr}\n", i, i);
	tp_write_bytes("many.yaml", b.s, b.len);
	sb_reset(&b);
	const char *tr[] = {tp_bin, "trace", tp_path("many.yaml"), "-o", tp_path("many"), NULL};
	int rc = run_in(NULL, tr);
	if (rc != 0)
		fail_msg("trace of 600 clients: status %d: %s", rc, tp_output("out.txt"));
	uint32_t w, h;
	long size = png_dims(tp_path("many/trace-lww.png"), &w, &h);
	print_message("trace of 600 clients: %ux%u pixels, %ld bytes\n", w, h, size);
	assert_true(size > 8000 && h <= 32767 && h > 8000);
	no_empty_file(tp_path("many"));

	sb_puts(&b, "name: pols\nstop: {ops: 20}\npolicies:\n");
	for (int i = 0; i < 1000; i++)
		sb_printf(&b, "  - lww: {label: l%d}\n", i);
	tp_write_bytes("pols.yaml", b.s, b.len);
	sb_free(&b);
	const char *run[] = {tp_bin, "run", tp_path("pols.yaml"), "-o", tp_path("pols.db"), NULL};
	assert_int_equal(run_in(NULL, run), 0);
	const char *plot[] = {tp_bin, "plot", tp_path("pols.db"), "-o", tp_path("pols"), NULL};
	rc = run_in(NULL, plot);
	if (rc != 0)
		fail_msg("plot of 1000 policies: status %d: %s", rc, tp_output("out.txt"));
	size = png_dims(tp_path("pols/scorecard.png"), &w, &h);
	print_message("scorecard of 1000 policies: %ux%u pixels, %ld bytes\n", w, h, size);
	assert_true(size > 8000 && w <= 32767 && w > 8000);
	no_empty_file(tp_path("pols"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_chart),
		cmocka_unit_test(test_extended_sweep_points),
		cmocka_unit_test(test_no_sweep_default_dir),
		cmocka_unit_test(test_trace_chart),
		cmocka_unit_test(test_charts_of_many),
		cmocka_unit_test(test_trace_faults),
		cmocka_unit_test(test_pbs_chart),
		cmocka_unit_test(test_time_and_bars),
		cmocka_unit_test(test_axes_and_theme),
		cmocka_unit_test(test_index_in_chromium),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
