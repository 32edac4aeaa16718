/*
 * cmd_trace.c - `clobber trace`: one small run as a timeline.
 *
 * `trace SCENARIO` runs one policy at one sweep point for a bounded number
 * of operations (or the scenario's script), recording every message and
 * decision; `trace --run ID DB` reads back a run stored with --record
 * trace.  Either way the trace is shown in the terminal, laid out to its
 * width (tview.h), and drawn as a swimlane chart with the same marks
 * (tchart.h).  This is how a student sees a lost update happen.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "models/model.h"
#include "sim/app/cli.h"
#include "sim/app/dbread.h"
#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"
#include "sim/app/results.h"
#include "sim/app/runner.h"
#include "sim/app/scenario.h"
#include "sim/app/tchart.h"
#include "sim/app/tdb.h"
#include "sim/app/tview.h"

static const char help[] =
	"usage: clobber trace SCENARIO [--policy LABEL] [--point POINT] [--ops N]\n"
	"                     [--set NAME=VALUE]... [--width N] [-o DIR]\n"
	"                     [--format png|svg|pdf]\n"
	"       clobber trace --run ID DB [--ops N] [--width N] [-o DIR]\n"
	"                     [--format png|svg|pdf]\n"
	"\n"
	"Runs one small run (the first policy, or the one whose label or name is\n"
	"LABEL; the first sweep point, or the one named by POINT: its values as\n"
	"clobber report shows them, such as 'skew=5ms clients=16', or its number\n"
	"from 0; at most N operations, default 20, or the scenario's script) and\n"
	"shows its timeline.  With --run, shows run ID of results database DB\n"
	"instead (runs.id; the run must have been made with --record trace), or\n"
	"with --ops its first N operations.\n"
	"\n"
	"The timeline fits N columns (--width; default: the terminal's width, or\n"
	"80 when the output is not a terminal): one column per client and node\n"
	"when every line fits, otherwise a column naming who acts.  A line per\n"
	"message or decision, with what it carries in parentheses (a timestamp,\n"
	"a fencing token, a version, a vector clock or a dot) and the marks\n"
	"  LOST      an acknowledged write whose effect is missing from the final state\n"
	"  ZOMBIE    a write from a lock holder whose lease had expired\n"
	"  REJECTED  a write refused for naming an old version\n"
	"  FENCED    a write refused for carrying an old fencing token\n"
	"  DENIED    a lock request refused (mode: fail)\n"
	"  SIBLINGS  a write kept beside others, and how many there are\n"
	"A merge that keeps one sibling (merge: max or lww) says whose it kept.\n"
	"The same timeline is drawn as a swimlane chart, plots/NAME/trace-LABEL.png\n"
	"(trace-LABEL-POINT.png with --point, POINT its values as in a file name;\n"
	"trace-LABEL-runID.png with --run; or in DIR), its gnuplot script beside it,\n"
	"with the run's faults shaded on the lanes they concern (a crash, a pause, the\n"
	"nodes a partition cut off; message loss across every lane) and clock jumps\n"
	"marked with their step.\n";

/* The final state of a run made here (what the trace rows cannot say). */
struct final_state {
	int64_t value[16];
	uint32_t siblings[16];
	uint32_t nkeys;
};

static void inspect(const void *world, const struct history *h, const struct run_result *r,
		    void *arg)
{
	(void)r;
	struct final_state *f = arg;
	f->nkeys = h->nkeys < 16 ? h->nkeys : 16;
	for (uint32_t k = 0; k < f->nkeys; k++) {
		f->value[k] = world_key_value(world, k);
		uint32_t n, scratch;
		const uint32_t *vs = history_state(h, h->final[k], &n, &scratch);
		f->siblings[k] = n;
		if (f->value[k] < 0) {
			uint64_t e = 0;
			for (uint32_t i = 0; i < n; i++)
				e = history_effects(h, vs[i]) > e ? history_effects(h, vs[i]) : e;
			f->value[k] = (int64_t)e;
		}
	}
}

/* The width to lay the timeline out to: --width, else the terminal's. */
static int out_width(int given)
{
	if (given)
		return given;
	struct winsize ws;
	if (isatty(STDOUT_FILENO) && ioctl(STDOUT_FILENO, TIOCGWINSZ, &ws) == 0 && ws.ws_col > 0)
		return ws.ws_col < TVIEW_MIN_WIDTH	 ? TVIEW_MIN_WIDTH
		       : ws.ws_col > TVIEW_MAX_WIDTH ? TVIEW_MAX_WIDTH
						     : ws.ws_col;
	return 80;
}

/* The sweep point that --point names, found as plot --point finds one
 * (dbr_point_find) among the scenario's points.  Returns its number, or -1
 * with err filled. */
static long find_point(const struct scenario *s, const char *spec, char *err, size_t n)
{
	struct dbr_scenario ds;
	memset(&ds, 0, sizeof(ds));
	long found = -1;
	ds.name = strdup(s->name);
	ds.axes = calloc(s->naxes + 1, sizeof(*ds.axes));
	ds.points = calloc(s->npoints, sizeof(*ds.points));
	bool ok = ds.name && ds.axes && ds.points;
	for (size_t a = 0; ok && a < s->naxes; a++, ds.naxes++)
		ok = (ds.axes[a] = strdup(s->axes[a].name)) != NULL;
	for (uint64_t p = 0; ok && p < s->npoints; p++, ds.npoints++) {
		struct dbr_point *pt = &ds.points[p];
		pt->point = (int64_t)p;
		pt->axis_text = calloc(s->naxes + 1, sizeof(*pt->axis_text));
		ok = pt->axis_text != NULL;
		for (size_t a = 0; ok && a < s->naxes; a++)
			ok = (pt->axis_text[a] = strdup(scenario_axis_value(s, p, a))) != NULL;
	}
	if (ok)
		found = dbr_point_find(&ds, spec, err, n);
	else
		snprintf(err, n, "out of memory");
	dbr_free(&ds);
	return found;
}

/* The policy named by --policy: a label, else a policy name. */
static long find_policy(const struct scenario *s, const char *want)
{
	if (!want)
		return 0;
	for (size_t i = 0; i < s->npolicies; i++)
		if (strcmp(s->policies[i].label, want) == 0)
			return (long)i;
	for (size_t i = 0; i < s->npolicies; i++)
		if (strcmp(s->policies[i].policy->name, want) == 0)
			return (long)i;
	return -1;
}

/* Where the chart goes: DIR, or plots/NAME. */
static void chart_dir(const struct cli_args *a, const char *scenario, char *dir, size_t n)
{
	char file[128];
	scenario_file_name(scenario, file, sizeof(file));
	if (a->out)
		snprintf(dir, n, "%s", a->out);
	else
		snprintf(dir, n, "plots/%s", file);
}

/* Prepares the view and prints the timeline; on success the caller ends
 * with chart(), which frees the view. */
static int show(const struct cli_args *a, struct tview *v)
{
	if (tview_init(v) < 0 || tview_print(v, out_width(a->width), stdout) < 0) {
		fprintf(stderr, "clobber trace: out of memory\n");
		tview_free(v);
		return EXIT_RUNTIME;
	}
	return 0;
}

/* The checker's verdict: lost updates, stale reads, conflicts, aborts. */
static void summary(const double c[5], int width)
{
	char line[256];
	snprintf(line, sizeof(line), "lost updates: %.0f of %.0f acknowledged writes; stale reads: %.0f",
		 c[0], c[1], c[2]);
	tview_fit(stdout, line, width, 2);
	snprintf(line, sizeof(line), "conflicts: %.0f; aborted: %.0f", c[3], c[4]);
	tview_fit(stdout, line, width, 2);
}

/* Draws the swimlane chart and frees the view. */
static int chart(const struct cli_args *a, struct tview *v, const char *dir, const char *base,
		 const char *title)
{
	char err[1024];
	const char *format = a->format ? a->format : "png";
	int rc = 0;
	if (gp_mkdirs(dir, err, sizeof(err)) < 0 ||
	    tchart_draw(v, dir, base, format, title, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber trace: %s\n", err);
		rc = EXIT_RUNTIME;
	} else {
		printf("chart: %s/%s.%s\n", dir, base, gp_ext(format));
	}
	tview_free(v);
	return rc;
}

/* A results database given where the scenario goes: say how to show one
 * of its runs instead.  True if the file is one (the message printed). */
static bool is_database(const char *path)
{
	char magic[16] = "";
	FILE *f = fopen(path, "rb");
	size_t got = f ? fread(magic, 1, sizeof(magic), f) : 0;
	if (f)
		fclose(f);
	if (got != sizeof(magic) || memcmp(magic, "SQLite format 3", 16) != 0)
		return false;
	struct results *db;
	char err[1024], traced[1024];
	if (results_open(path, false, &db, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber trace: %s\n", err); /* names the file and what it is */
		return true;
	}
	tdb_traced_runs(results_db(db), traced, sizeof(traced));
	results_close(db);
	fprintf(stderr,
		"clobber trace: %s is a results database, not a scenario file: to show one of its "
		"runs, clobber trace --run ID %s (runs with a trace, recorded by clobber run "
		"--record trace: %s)\n",
		path, path, traced);
	return true;
}

/* clobber trace SCENARIO: a run made here. */
static int trace_scenario(const struct cli_args *a)
{
	if (is_database(a->pos[0]))
		return EXIT_USAGE;
	struct sdiag d;
	struct scenario *s = scenario_load(a->pos[0], a->sets, a->nsets, &d);
	int rc = EXIT_USAGE;
	if (!s || scenario_check(s, &d) < 0) {
		fprintf(stderr, "%s\n", d.text);
		scenario_free(s);
		return EXIT_USAGE;
	}
	long pol = find_policy(s, a->policy);
	uint64_t point = 0;
	char err[1024];
	if (a->point) {
		long p = find_point(s, a->point, err, sizeof(err));
		if (p < 0) {
			rc = cli_usage_error("trace", "--point: %s", err);
			goto out_scenario;
		}
		point = (uint64_t)p;
	}
	if (pol < 0) {
		fprintf(stderr, "clobber trace: %s has no policy labelled or named '%s'; its labels are:\n",
			a->pos[0], a->policy);
		for (size_t i = 0; i < s->npolicies; i++) {
			fputs("  ", stderr);
			esc_term_fputs(s->policies[i].label, stderr);
			fputs("\n", stderr);
		}
		rc = EXIT_USAGE;
		goto out_scenario;
	}
	struct run_spec spec;
	if (scenario_resolve(s, point, (size_t)pol, &spec, &d) < 0) {
		fprintf(stderr, "%s\n", d.text);
		goto out_scenario;
	}
	struct run_config cfg = spec.cfg;
	cfg.record_trace = true;
	if (cfg.arrival != ARRIVAL_SCRIPT) {
		cfg.stop_ops = a->limit ? (uint64_t)a->limit : 20;
		cfg.stop_time = 0;
	}
	struct final_state fin;
	memset(&fin, 0, sizeof(fin));
	struct run_result res;
	int rrc = runner_run(&cfg, &res, inspect, &fin);
	if (rrc < 0) {
		char why[600];
		runner_strerror(rrc, &res, why, sizeof(why));
		fprintf(stderr, "clobber trace: the run failed: %s\n", why);
		rc = EXIT_RUNTIME;
		goto out_spec;
	}
	char desc[512] = "";
	for (size_t ax = 0; ax < s->naxes; ax++) {
		size_t len = strlen(desc);
		snprintf(desc + len, sizeof(desc) - len, "%s%s=%s", ax ? " " : "", s->axes[ax].name,
			 scenario_axis_value(s, point, ax));
	}
	char head[1024];
	snprintf(head, sizeof(head), "%s, policy %s%s%s, seed %llu: %llu operations", s->name,
		 spec.label, desc[0] ? ", at " : "", desc, (unsigned long long)cfg.seed,
		 (unsigned long long)run_metric(&res, "ops"));
	struct strbuf safe; /* names and values as text for the terminal (escape.h) */
	sb_init(&safe);
	esc_term(&safe, head);
	tview_fit(stdout, safe.s ? safe.s : "", out_width(a->width), 2);
	sb_free(&safe);
	printf("\n");
	struct tview v = {.policy = cfg.policy, .repl = cfg.repl, .rows = res.rec.trace,
			  .nrows = res.rec.ntrace, .text = res.rec.text, .faults = res.faults,
			  .nfaults = res.nfaults};
	rc = show(a, &v);
	if (rc)
		goto out_result;
	char line[1024] = "final state:";
	for (uint32_t k = 0; k < fin.nkeys && k < cfg.keys; k++) {
		bool touched = false;
		for (size_t i = 0; i < res.rec.ntrace && !touched; i++)
			touched = res.rec.trace[i].key == k && res.rec.trace[i].event == TR_ISSUE;
		if (!touched)
			continue;
		size_t len = strlen(line);
		snprintf(line + len, sizeof(line) - len, " k%u = %lld", k, (long long)fin.value[k]);
		len = strlen(line);
		if (fin.siblings[k] > 1)
			snprintf(line + len, sizeof(line) - len, " (%u siblings)", fin.siblings[k]);
	}
	printf("\n");
	tview_fit(stdout, line, out_width(a->width), 13);
	double counts[5] = {run_metric(&res, "lost_updates"), run_metric(&res, "writes_acked"),
			    run_metric(&res, "stale_reads"), run_metric(&res, "conflicts"),
			    run_metric(&res, "ops_aborted")};
	summary(counts, out_width(a->width));
	char dir[4096], lab[128], base[300], title[700];
	chart_dir(a, s->name, dir, sizeof(dir));
	scenario_file_name(spec.label, lab, sizeof(lab));
	snprintf(base, sizeof(base), "trace-%s", lab);
	if (a->point && scenario_points(s) > 1) {
		/* one chart per point: trace-LABEL-r_2_w_1 (the point's values) */
		char pt[160];
		scenario_file_name(desc, pt, sizeof(pt));
		size_t len = strlen(base);
		snprintf(base + len, sizeof(base) - len, "-%s", pt);
	}
	snprintf(title, sizeof(title), "%s: %s%s%s (seed %llu)", s->name, spec.label,
		 desc[0] ? ", " : "", desc, (unsigned long long)cfg.seed);
	rc = chart(a, &v, dir, base, title);
out_result:
	run_result_free(&res);
out_spec:
	run_spec_free(&spec);
out_scenario:
	scenario_free(s);
	return rc;
}

/* clobber trace --run ID DB: a stored run. */
static int trace_stored(const struct cli_args *a)
{
	char *end;
	long long id = strtoll(a->run, &end, 10);
	if (!*a->run || *end || id < 1)
		return cli_usage_error("trace", "--run expects a run's id (runs.id, from 1), found '%s'",
				       a->run);
	if (a->npos != 1)
		return cli_usage_error("trace", "--run ID names a run of one results database: "
						"clobber trace --run ID DB");
	if (a->policy || a->point || a->nsets)
		return cli_usage_error("trace", "--run shows a stored run as it was: --policy, --point "
						"and --set apply to a scenario only");
	struct results *db;
	char err[1024];
	if (results_open(a->pos[0], false, &db, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber trace: %s\n", err);
		return EXIT_RUNTIME;
	}
	struct tdb_run r;
	int rc = EXIT_RUNTIME;
	if (tdb_load(results_db(db), id, &r, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber trace: %s: %s\n", a->pos[0], err);
		goto out_db;
	}
	char head[1024];
	snprintf(head, sizeof(head), "%s, policy %s%s%s, seed %llu: %.0f operations (run %lld of %s)",
		 r.scenario, r.label, r.point[0] ? ", at " : "", r.point, (unsigned long long)r.seed, r.ops,
		 id, a->pos[0]);
	tview_fit(stdout, head, out_width(a->width), 2);
	printf("\n");
	/* --ops N: the rows of the first N operations (numbered in issue order) */
	size_t kept = 0;
	for (size_t i = 0; i < r.nrows; i++)
		if (!a->limit || r.rows[i].op < (uint64_t)a->limit)
			r.rows[kept++] = r.rows[i];
	struct tview v = {.policy = r.policy, .repl = r.repl, .rows = r.rows, .nrows = kept,
			  .text = r.text, .faults = r.faults, .nfaults = r.nfaults};
	rc = show(a, &v);
	if (rc)
		goto out_run;
	printf("\n");
	double counts[5] = {r.lost_updates, r.writes_acked, r.stale_reads, r.conflicts, r.ops_aborted};
	if (a->limit)
		printf("(the first %ld operations of %.0f; the verdict is the whole run's)\n", a->limit,
		       r.ops);
	summary(counts, out_width(a->width));
	char dir[4096], lab[128], base[300], title[700];
	chart_dir(a, r.scenario, dir, sizeof(dir));
	scenario_file_name(r.label, lab, sizeof(lab));
	snprintf(base, sizeof(base), "trace-%s-run%lld", lab, id);
	snprintf(title, sizeof(title), "%s: %s%s%s (seed %llu, run %lld)", r.scenario, r.label,
		 r.point[0] ? ", " : "", r.point, (unsigned long long)r.seed, id);
	rc = chart(a, &v, dir, base, title);
out_run:
	tdb_free(&r);
out_db:
	results_close(db);
	return rc;
}

int cmd_trace(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv, 2, "trace", "o set format policy point ops width run", help, &a);
	if (rc || a.help)
		goto out;
	if (a.run)
		rc = trace_stored(&a);
	else if (a.npos != 1)
		rc = cli_usage_error("trace", "name one scenario file (or --run ID DB)");
	else
		rc = trace_scenario(&a);
out:
	cli_args_free(&a);
	return rc;
}
