/*
 * test_plot.c - clobber plot and clobber trace end to end: every chart
 * kind rendered from a small database and checked (a PNG with its
 * signature and sensible dimensions, or an SVG document), a script rerun
 * by hand with gnuplot, names with quotes and other special characters.
 * Uses the binary in $CLOBBER (else bin/clobber) and gnuplot.
 */
#include "testutil.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

static char dir[256];

static const char *binary(void)
{
	const char *b = getenv("CLOBBER");
	return b && *b ? b : "bin/clobber";
}

/* Runs argv (argv[0] a program on PATH or a path) in directory cwd (NULL:
 * here), output to dir/out.txt; returns the exit status. */
static int run_in(const char *cwd, const char *const *argv)
{
	pid_t pid = fork();
	if (pid == 0) {
		char out[300];
		snprintf(out, sizeof(out), "%s/out.txt", dir);
		int fd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0644);
		dup2(fd, 1);
		dup2(fd, 2);
		if (cwd && chdir(cwd) < 0)
			_exit(126);
		execvp(argv[0], (char *const *)argv);
		_exit(127);
	}
	int status;
	waitpid(pid, &status, 0);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static char *path(const char *name)
{
	static char paths[64][300];
	static int i;
	if (i == 64)
		fail_msg("path: out of room");
	snprintf(paths[i], 300, "%s/%s", dir, name);
	return paths[i++];
}

static void write_file(const char *name, const char *text)
{
	FILE *f = fopen(path(name), "w");
	fputs(text, f);
	fclose(f);
}

static void slurp(const char *p, char *buf, size_t n)
{
	FILE *f = fopen(p, "r");
	size_t len = f ? fread(buf, 1, n - 1, f) : 0;
	buf[len] = '\0';
	if (f)
		fclose(f);
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
	write_file("q.yaml", scenario);
	const char *run[] = {binary(), "run", path("q.yaml"), "-o", path("q.db"), NULL};
	assert_int_equal(run_in(NULL, run), 0);
	const char *plot[] = {binary(), "plot", path("q.db"), "-o", path("charts"), NULL};
	int rc = run_in(NULL, plot);
	char out[8192];
	slurp(path("out.txt"), out, sizeof(out));
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
			check_png(path(name), 600, 300);
		}
	check_png(path("charts/latency-cdf.png"), 600, 400);
	check_png(path("charts/scorecard.png"), 600, 400);
	struct stat st;
	assert_int_not_equal(stat(path("charts/lost_update_rate-vs-keys.png"), &st), 0);
	/* the names reached the scripts escaped: quotes doubled, no enhanced
	 * text markup */
	char gp[16384];
	slurp(path("charts/lost_update_rate-vs-skew.gp"), gp, sizeof(gp));
	assert_non_null(strstr(gp, "'it''s \"quoted\" & <b>: lost-update rate against skew"));
	assert_non_null(strstr(gp, "title 'lww ''client'' \"ts\"'"));
	assert_non_null(strstr(gp, "title 'v@{x}_^2'"));
	assert_non_null(strstr(gp, "noenhanced"));
	/* the x label carries the unit */
	assert_non_null(strstr(gp, "set xlabel 'skew (ms)'"));
	/* panels for the other axes' values: c=4 keys=zipf(0.5) ... (4 panels) */
	assert_non_null(strstr(gp, "set title 'c=12 keys=zipf(1.2)'"));
	/* the script reruns by hand and redraws its chart */
	unlink(path("charts/scorecard.png"));
	const char *again[] = {"gnuplot", "scorecard.gp", NULL};
	assert_int_equal(run_in(path("charts"), again), 0);
	check_png(path("charts/scorecard.png"), 600, 400);
	/* SVG */
	const char *svg[] = {binary(), "plot", path("q.db"), "-o", path("svg"), "--format", "svg", NULL};
	assert_int_equal(run_in(NULL, svg), 0);
	char doc[512];
	slurp(path("svg/latency-cdf.svg"), doc, sizeof(doc));
	assert_non_null(strstr(doc, "<svg"));
	/* a point that does not exist */
	const char *bad[] = {binary(), "plot", path("q.db"), "-o", path("charts"), "--point", "99", NULL};
	assert_int_equal(run_in(NULL, bad), 2);
	/* a point named by its values, in any order, commas or spaces */
	const char *byval[] = {binary(), "plot", path("q.db"), "-o", path("pt"), "--point",
			       "c=4, keys=zipf(0.5) skew=5ms", NULL};
	assert_int_equal(run_in(NULL, byval), 0);
	slurp(path("pt/scorecard.gp"), gp, sizeof(gp));
	assert_non_null(strstr(gp, "skew=5ms c=4 keys=zipf(0.5)"));
	/* values that fit several points are refused, saying what to add */
	const char *some[] = {binary(), "plot", path("q.db"), "-o", path("pt"), "--point", "skew=5ms", NULL};
	assert_int_equal(run_in(NULL, some), 2);
	slurp(path("out.txt"), out, sizeof(out));
	assert_non_null(strstr(out, "matches 4 sweep points"));
}

/* A sweep extended with a new value: the new runs number their points
 * afresh, so numbers repeat; --point by number says so, by value works. */
static void test_extended_sweep_points(void **state)
{
	(void)state;
	write_file("e.yaml", "name: ext\npolicies: [lww, version]\nstop: {ops: 300}\n"
			     "sweep: {skew: [5ms]}\nclocks:\n  offset: normal(0, $skew)\n");
	const char *first[] = {binary(), "run", path("e.yaml"), "-o", path("e.db"), NULL};
	assert_int_equal(run_in(NULL, first), 0);
	const char *more[] = {binary(), "run", path("e.yaml"), "-o", path("e.db"),
			      "--set", "sweep.skew=[0ms, 5ms]", NULL};
	assert_int_equal(run_in(NULL, more), 0);
	const char *num[] = {binary(), "plot", path("e.db"), "-o", path("ep"), "--point", "0", NULL};
	assert_int_equal(run_in(NULL, num), 2);
	char out[2048];
	slurp(path("out.txt"), out, sizeof(out));
	assert_non_null(strstr(out, "2 sweep points of ext have number 0"));
	const char *val[] = {binary(), "plot", path("e.db"), "-o", path("ep"), "--point", "skew=0ms", NULL};
	assert_int_equal(run_in(NULL, val), 0);
	char gp[16384];
	slurp(path("ep/scorecard.gp"), gp, sizeof(gp));
	assert_non_null(strstr(gp, "skew=0ms"));
}

/* Without -o, charts go to plots/NAME/ with NAME made safe for a file name;
 * a scenario without a sweep gets the CDF and the scorecard. */
static void test_no_sweep_default_dir(void **state)
{
	(void)state;
	write_file("n.yaml", "name: ../../n'x\npolicies: [lww, version]\nstop: {ops: 500}\n");
	const char *run[] = {binary(), "run", path("n.yaml"), "-o", path("n.db"), NULL};
	assert_int_equal(run_in(NULL, run), 0);
	char bin[512];
	if (binary()[0] == '/')
		snprintf(bin, sizeof(bin), "%s", binary());
	else if (!getcwd(bin, sizeof(bin) - 64) || strlen(bin) + strlen(binary()) + 2 > sizeof(bin))
		fail_msg("cwd too long");
	else
		strcat(strcat(bin, "/"), binary());
	const char *plot[] = {bin, "plot", path("n.db"), NULL};
	assert_int_equal(run_in(dir, plot), 0);
	check_png(path("plots/_.__._n_x/scorecard.png"), 600, 400);
	check_png(path("plots/_.__._n_x/latency-cdf.png"), 600, 400);
}

/* clobber trace draws its swimlane chart and marks the lost write. */
static void test_trace_chart(void **state)
{
	(void)state;
	write_file("t.yaml",
		   "name: tr\npolicies: [lww]\nstore: {keys: 1}\nnetwork: {latency: const(1ms)}\n"
		   "workload:\n  clients: 2\n  arrival: script\n  compute: const(1ms)\n  script:\n"
		   "    - {at: 0ms, client: 0, op: incr}\n    - {at: 0ms, client: 1, op: incr}\n");
	const char *tr[] = {binary(), "trace", path("t.yaml"), "-o", path("tr"), NULL};
	assert_int_equal(run_in(NULL, tr), 0);
	char out[8192];
	slurp(path("out.txt"), out, sizeof(out));
	assert_non_null(strstr(out, "applied: k0 = 1  <-- LOST"));
	assert_non_null(strstr(out, "lost updates: 1 of 2"));
	check_png(path("tr/trace-lww.png"), 800, 200);
}

static int setup(void **state)
{
	(void)state;
	snprintf(dir, sizeof(dir), "/tmp/clobber-plot-XXXXXX");
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **state)
{
	(void)state;
	char cmd[300];
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	return system(cmd) == 0 ? 0 : -1;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_chart),
		cmocka_unit_test(test_extended_sweep_points),
		cmocka_unit_test(test_no_sweep_default_dir),
		cmocka_unit_test(test_trace_chart),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
