/*
 * cmd_plot.c - `clobber plot DB`: comparison charts with gnuplot, and a
 * page that shows them all with the report's table.
 *
 * For each scenario in the database, into plots/NAME/ (or DIR):
 *   METRIC-vs-AXIS.gp/.dat   each metric flagged METRIC_CHART against each
 *                            numeric sweep axis (plot_axis.c), and as bars by
 *                            the values of an axis of names (plot_bars.c)
 *   latency-cdf.gp/.dat      latency CDF per label at one sweep point
 *                            (plot_cdf.c)
 *   scorecard.gp/.dat        the labels side by side at that point
 *                            (plot_card.c)
 *   pbs-visibility.gp/.dat   P(consistent read) against t, when runs have
 *                            visibility rows (plot_pbs.c)
 *   ops-over-time-POINT.gp/.dat  operations per second by outcome over
 *                            time, fault windows shaded, when runs recorded
 *                            their operations (plot_time.c)
 *   index.html               every chart (SVG) and the report (plot_html.c)
 * each rendered in the chosen format, and as SVG for index.html.  The
 * scripts load the theme ROOT/theme.gp (ROOT: plots/, or DIR), written
 * from clobber's built-in copy when ROOT has none, and rerun by hand:
 * `cd plots/NAME && gnuplot lost_update_rate-vs-skew.gp`.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/cli.h"
#include "sim/app/dbread.h"
#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"
#include "sim/app/plot.h"
#include "sim/app/report.h"
#include "sim/app/scenario.h"

static const char help[] =
	"usage: clobber plot DB [-o DIR] [--format png|svg|pdf] [--point POINT]\n"
	"\n"
	"Draws comparison charts for each scenario in DB into plots/NAME/ (or DIR;\n"
	"DIR/NAME/ when DB holds several scenarios): every metric that charts are\n"
	"drawn for (lost-update rate, abort rate, p99 latency, throughput, stale\n"
	"reads, and a policy's own, such as siblings per read or lock wait) against\n"
	"each numeric sweep axis, one line per policy, with 95% confidence intervals\n"
	"over replications, one panel per value of the other axes, all on one y\n"
	"range; a latency CDF per policy and a scorecard of the policies side by\n"
	"side at one sweep point (default: the last; --point 'skew=5ms clients=16'\n"
	"names one by its values, as clobber report shows them, or --point N by its\n"
	"number in runs.point).  Against an axis whose values are names (a strategy,\n"
	"a kind of fault), each metric is drawn as bars, a group per value.  With\n"
	"several copies of each key or with probes, the PBS chart: P(consistent\n"
	"read) against t since the write.  With --record ops, for each sweep point\n"
	"(the chosen one when there are more than 12): operations per second by\n"
	"outcome over time, a panel per policy, with the fault windows shaded.  A\n"
	"metric that is 0 for every policy everywhere is listed, not drawn.\n"
	"index.html beside the charts shows them all (SVG) with the report's table.\n"
	"\n"
	"Each chart is a gnuplot script with its data beside it: edit and rerun it\n"
	"with gnuplot NAME.gp (or gnuplot -c NAME.gp svg).  Every script loads the\n"
	"theme plots/theme.gp (DIR/theme.gp with -o): colours, dashes, fonts.\n";

static void perror_term(const char *what)
{
	fputs("clobber plot: ", stderr);
	esc_term_fputs(what, stderr);
	fputs("\n", stderr);
}

static void plotter_free(struct plotter *pl)
{
	if (pl->tags)
		dbr_free_names(pl->tags, pl->s->nlabels);
	for (size_t i = 0; i < pl->ncharts; i++) {
		free(pl->charts[i].base);
		free(pl->charts[i].title);
	}
	free(pl->charts);
	dbr_free_names(pl->flat, pl->nflat);
	dbr_free_names(pl->bases, pl->nbases);
}

/* The charts of one scenario, in dir; the theme in root. */
static int draw(struct plotter *pl, const struct cli_args *a, const char *root)
{
	const struct dbr_scenario *s = pl->s;
	char err[1024];
	pl->focus = s->npoints - 1;
	if (a->point) {
		long k = dbr_point_find(s, a->point, err, sizeof(err));
		if (k < 0) {
			perror_term(err);
			return EXIT_USAGE;
		}
		pl->focus = (size_t)k;
	}
	if (gp_mkdirs(pl->dir, err, sizeof(err)) < 0 || gp_theme(root, err, sizeof(err)) < 0) {
		perror_term(err);
		return EXIT_RUNTIME;
	}
	if (plot_tags(pl) < 0) {
		perror_term("out of memory");
		return EXIT_RUNTIME;
	}
	esc_term_fputs(s->name, stdout);
	fputs(":\n", stdout);
	if (plot_axis_charts(pl) < 0 || plot_bar_charts(pl) < 0 || plot_cdf_chart(pl) < 0 ||
	    plot_card_chart(pl) < 0 ||
	    plot_pbs_chart(pl) < 0 || plot_time_charts(pl) < 0) {
		perror_term(pl->err);
		return EXIT_RUNTIME;
	}
	/* the page: the charts and the report of this scenario */
	struct report_source src = {.path = a->pos[0], .db = pl->db};
	struct report_filter f = {.scenario = s->name};
	struct report r;
	if (report_build(&src, 1, &f, &r, err, sizeof(err)) != 0) {
		perror_term(err);
		return EXIT_RUNTIME;
	}
	int rc = plot_html_index(pl, &r, 0);
	report_free(&r);
	if (rc < 0) {
		perror_term(pl->err);
		return EXIT_RUNTIME;
	}
	if (pl->nflat) {
		fputs("  not drawn, 0 for every policy at every point: ", stdout);
		for (size_t i = 0; i < pl->nflat; i++) {
			fputs(i ? ", " : "", stdout);
			esc_term_fputs(pl->flat[i], stdout);
		}
		fputs("\n", stdout);
	}
	return EXIT_OK;
}

/* The directories this `clobber plot` has drawn into: two scenarios whose
 * names make the same file name ("a/b", "a_b") must not share one. */
static char **taken_dirs;
static size_t ntaken_dirs;

/* file made unique among the directories taken; false when out of memory. */
static bool unique_dir(char *file, size_t n)
{
	char want[128];
	snprintf(want, sizeof(want), "%s", file);
	for (int k = 2;; k++) {
		size_t i = 0;
		while (i < ntaken_dirs && strcmp(taken_dirs[i], file) != 0)
			i++;
		if (i == ntaken_dirs)
			break;
		snprintf(file, n, "%.100s-%d", want, k);
	}
	char **t = realloc(taken_dirs, (ntaken_dirs + 1) * sizeof(*t));
	if (!t)
		return false;
	taken_dirs = t;
	t[ntaken_dirs] = strdup(file);
	return t[ntaken_dirs] ? (ntaken_dirs++, true) : false;
}

static int plot_scenario(sqlite3 *db, const char *name, size_t nscenarios,
			 const struct cli_args *a)
{
	struct dbr_scenario s;
	struct dbr_metrics ms;
	char err[1024];
	if (dbr_load(db, name, &s, err, sizeof(err)) < 0) {
		perror_term(err);
		return EXIT_RUNTIME;
	}
	if (dbr_metrics_load(db, &s, &ms, err, sizeof(err)) < 0) {
		perror_term(err);
		dbr_free(&s);
		return EXIT_RUNTIME;
	}
	int rc = EXIT_RUNTIME;
	if (s.npoints == 0 || s.nlabels == 0) {
		fputs("clobber plot: scenario ", stderr);
		esc_term_fputs(name, stderr);
		fputs(" has no runs\n", stderr);
		goto out;
	}
	/* plots/NAME (theme in plots/), DIR/NAME (theme in DIR) or DIR */
	char file[128], dir[4096], root[3900];
	scenario_file_name(name, file, sizeof(file));
	if (!unique_dir(file, sizeof(file))) {
		perror_term("out of memory");
		goto out;
	}
	bool nested = !a->out || nscenarios > 1;
	snprintf(root, sizeof(root), "%s", a->out ? a->out : "plots");
	if (nested)
		snprintf(dir, sizeof(dir), "%s/%s", root, file);
	else
		snprintf(dir, sizeof(dir), "%s", root);
	struct plotter pl = {
		.db = db,
		.s = &s,
		.ms = &ms,
		.dir = dir,
		.theme = nested ? "../theme.gp" : "theme.gp",
		.format = a->format ? a->format : "png",
		.svg_too = true,
	};
	rc = draw(&pl, a, root);
	plotter_free(&pl);
out:
	dbr_metrics_free(&ms);
	dbr_free(&s);
	return rc;
}

int cmd_plot(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv, 2, "plot", "o format point", help, &a);
	if (rc || a.help)
		goto out;
	if (a.npos != 1) {
		rc = cli_usage_error("plot", "name one results database, such as results/compare.db");
		goto out;
	}
	rc = cli_each_scenario(&a, plot_scenario);
out:
	dbr_free_names(taken_dirs, ntaken_dirs);
	taken_dirs = NULL;
	ntaken_dirs = 0;
	cli_args_free(&a);
	return rc;
}
