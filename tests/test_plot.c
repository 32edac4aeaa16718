/*
 * test_plot.c - clobber plot and clobber trace end to end: every chart
 * kind rendered from a small database and checked (a PNG with its
 * signature and sensible dimensions, or an SVG document), a script rerun
 * by hand with gnuplot, names with quotes and other special characters.
 * Uses the binary in $CLOBBER (else bin/clobber) and gnuplot.
 */
#include "testproc.h"

#include <arpa/inet.h>

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
	/* two numeric axes (keys is not numeric) x five metrics, the CDF and
	 * the scorecard */
	const char *axes[] = {"skew", "c"};
	const char *metrics[] = {"lost_update_rate", "abort_rate", "latency_p99_ms",
				 "throughput_ops_s", "stale_reads"};
	for (int a = 0; a < 2; a++)
		for (int m = 0; m < 5; m++) {
			char name[128];
			snprintf(name, sizeof(name), "charts/%s-vs-%s.png", metrics[m], axes[a]);
			check_png(tp_path(name), 600, 300);
		}
	check_png(tp_path("charts/latency-cdf.png"), 600, 400);
	check_png(tp_path("charts/scorecard.png"), 600, 400);
	struct stat st;
	assert_int_not_equal(stat(tp_path("charts/lost_update_rate-vs-keys.png"), &st), 0);
	/* the names reached the scripts escaped: quotes doubled, no enhanced
	 * text markup */
	char gp[16384];
	tp_slurp("charts/lost_update_rate-vs-skew.gp", gp, sizeof(gp));
	assert_non_null(strstr(gp, "'it''s \"quoted\" & <b>: lost-update rate against skew"));
	assert_non_null(strstr(gp, "title 'lww ''client'' \"ts\"'"));
	assert_non_null(strstr(gp, "title 'v@{x}_^2'"));
	assert_non_null(strstr(gp, "noenhanced"));
	/* the x label carries the unit */
	assert_non_null(strstr(gp, "set xlabel 'skew (ms)'"));
	/* panels for the other axes' values: c=4 keys=zipf(0.5) ... (4 panels) */
	assert_non_null(strstr(gp, "set title 'c=12 keys=zipf(1.2)'"));
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
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_chart),
		cmocka_unit_test(test_extended_sweep_points),
		cmocka_unit_test(test_no_sweep_default_dir),
		cmocka_unit_test(test_trace_chart),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
