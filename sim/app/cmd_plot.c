/*
 * cmd_plot.c - `clobber plot DB`: comparison charts with gnuplot.
 *
 * For each scenario in the database, into plots/NAME/ (or DIR):
 *   METRIC-vs-AXIS.gp/.dat   for each numeric sweep axis and each headline
 *                            metric (and the siblings and lock metrics
 *                            when a policy has them): one line per label, 95%
 *                            confidence intervals (Student's t) as error
 *                            bars, one panel per value of the other axes
 *   latency-cdf.gp/.dat      latency CDF per label at one sweep point
 *   scorecard.gp/.dat        the labels side by side at that point
 * and renders each with gnuplot.  The scripts are readable and rerun by
 * hand: `cd plots/NAME && gnuplot lost_update_rate-vs-skew.gp`.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/cli.h"
#include "sim/app/dbread.h"
#include "sim/app/gnuplot.h"
#include "sim/app/results.h"
#include "sim/app/runner.h"
#include "sim/app/scenario.h"
#include "sim/core/stats.h"
#include "sim/core/units.h"

static const char help[] =
	"usage: clobber plot DB [-o DIR] [--format png|svg|pdf] [--point POINT]\n"
	"\n"
	"Draws comparison charts for each scenario in DB into plots/NAME/ (or DIR;\n"
	"DIR/NAME/ when DB holds several scenarios):\n"
	"for every numeric sweep axis, lost-update rate, abort rate, p99 latency,\n"
	"throughput and stale reads against that axis (and siblings per read, causal\n"
	"context size, lock wait and zombie writes where a policy has them), one line\n"
	"per policy, with 95% confidence intervals over replications; a latency CDF\n"
	"per policy and a scorecard of the policies side by side at one sweep point\n"
	"(default: the last; --point 'skew=5ms clients=16' names one by its values,\n"
	"as clobber report shows them, or --point N by its number in runs.point).\n"
	"Each chart is a gnuplot script with its data beside it: edit and rerun it\n"
	"with gnuplot NAME.gp.\n";

struct chart_metric {
	const char *name;
	const char *title;
	const char *ylabel;
};

static const struct chart_metric metrics[] = {
	{"lost_update_rate", "lost-update rate", "lost updates / acknowledged read-modify-writes"},
	{"abort_rate", "abort rate", "aborted operations / operations"},
	{"latency_p99_ms", "p99 latency", "99th percentile latency (ms)"},
	{"throughput_ops_s", "throughput", "successful operations per second (ops/s)"},
	{"stale_reads", "stale reads", "stale reads per run"},
	/* drawn only when some policy of the scenario has them */
	{"siblings_mean", "siblings per read", "siblings in a read reply, mean"},
	{"vclock_entries_mean", "causal context size", "vector-clock entries per read reply, mean"},
	{"lock_wait_mean_ms", "lock wait", "mean wait for a lock (ms)"},
	{"zombie_writes", "zombie writes", "writes after the lease expired, per run"},
};
#define NMETRICS (sizeof(metrics) / sizeof(metrics[0]))

static const struct chart_metric card[] = {
	{"lost_update_rate", "lost-update rate", "fraction of acknowledged writes"},
	{"abort_rate", "abort rate", "fraction of operations"},
	{"stale_reads", "stale reads", "per run"},
	{"latency_mean_ms", "mean latency", "ms"},
	{"latency_p99_ms", "p99 latency", "ms"},
	{"throughput_ops_s", "throughput", "ops/s"},
};
#define NCARD (sizeof(card) / sizeof(card[0]))

struct plotter {
	sqlite3 *db;
	const struct dbr_scenario *s;
	const char *dir;
	const char *format;
	size_t focus;	  /* index of the chosen point */
	int charts;
	char err[1024];
};

/* The unit of an axis, from its values as written: "ms" for durations,
 * "/s" for rates, "" for plain numbers; NULL if some value is not numeric. */
static const char *axis_unit(const struct dbr_scenario *s, size_t a)
{
	bool duration = false, rate = false;
	for (size_t p = 0; p < s->npoints; p++) {
		const char *t = s->points[p].axis_text[a];
		double x;
		if (isnan(s->points[p].axis_num[a]))
			return NULL;
		if (units_number(t, &x, NULL) == 0)
			continue;
		if (units_duration(t, &x, NULL) == 0)
			duration = true;
		else
			rate = true;
	}
	return duration ? "ms" : rate ? "/s" : "";
}

/* A point type per label, so that lines lying on each other stay visible. */
static int point_type(size_t l)
{
	static const int pts[] = {7, 5, 9, 11, 13, 4, 6, 8, 10, 12, 1, 2, 3};
	return pts[l % (sizeof(pts) / sizeof(pts[0]))];
}

static void ci(const struct dbr_values *v, size_t p, size_t l, double *mean, double *half)
{
	size_t c = p * v->nlabels + l;
	stats_mean_ci(v->v[c], v->n[c], 0.95, mean, half);
	if (isnan(*half))
		*half = 0;
}

/* Panel layout: columns and rows for n panels. */
static void layout(size_t n, int *cols, int *rows)
{
	*cols = n < 3 ? (int)n : 3;
	*rows = (int)((n + 2) / 3);
}

static void header(struct strbuf *g, const struct plotter *pl, const char *base,
		   const char *what, int w, int h)
{
	sb_printf(g, "# clobber chart: %s\n", what);
	sb_printf(g, "# scenario: ");
	sb_puts(g, pl->s->name);
	sb_printf(g, "\n# rerun by hand in this directory: gnuplot %s.gp  (writes %s.%s)\n", base, base,
		  gp_ext(pl->format));
	sb_printf(g, "# data: %s.dat; restyle freely\n\n", base);
	gp_terminal(g, pl->format, w, h, base);
	sb_puts(g, "set grid\nset border 3\nset tics nomirror\n");
}

static int finish(struct plotter *pl, const char *base, struct strbuf *g, struct strbuf *d)
{
	char gp[160], dat[160];
	snprintf(gp, sizeof(gp), "%s.gp", base);
	snprintf(dat, sizeof(dat), "%s.dat", base);
	if (g->failed || d->failed) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		return -1;
	}
	if (gp_write(pl->dir, dat, d->s ? d->s : "", pl->err, sizeof(pl->err)) < 0 ||
	    gp_write(pl->dir, gp, g->s, pl->err, sizeof(pl->err)) < 0 ||
	    gp_run(pl->dir, gp, pl->err, sizeof(pl->err)) < 0)
		return -1;
	printf("  %s/%s.%s\n", pl->dir, base, gp_ext(pl->format));
	pl->charts++;
	return 0;
}

/* METRIC against axis `a`: panels for the values of the other axes. */
static int chart_vs_axis(struct plotter *pl, const struct chart_metric *m, size_t a,
			 const struct dbr_values *v)
{
	const struct dbr_scenario *s = pl->s;
	const char *unit = axis_unit(s, a);
	/* panels: distinct values of the other axes, in point order */
	char **panels = calloc(s->npoints, sizeof(*panels));
	size_t *panel_of = calloc(s->npoints, sizeof(*panel_of));
	size_t npanels = 0;
	int rc = -1;
	if (!panels || !panel_of)
		goto out;
	for (size_t p = 0; p < s->npoints; p++) {
		char key[512] = "";
		for (size_t b = 0; b < s->naxes; b++) {
			if (b == a)
				continue;
			size_t len = strlen(key);
			snprintf(key + len, sizeof(key) - len, "%s%s=%s", len ? " " : "", s->axes[b],
				 s->points[p].axis_text[b]);
		}
		size_t k = 0;
		while (k < npanels && strcmp(panels[k], key) != 0)
			k++;
		if (k == npanels)
			panels[npanels++] = strdup(key);
		panel_of[p] = k;
	}
	if (npanels > 24)
		npanels = 24; /* more would be unreadable: the first 24 */
	char base[160];
	snprintf(base, sizeof(base), "%s-vs-%s", m->name, s->axes[a]);
	int cols, rows;
	layout(npanels, &cols, &rows);
	struct strbuf g, d;
	sb_init(&g);
	sb_init(&d);
	char what[256];
	snprintf(what, sizeof(what), "%s against %s, one line per policy, 95%% CI", m->title,
		 s->axes[a]);
	/* the key goes below the panels, at screen coordinates, so that no
	 * panel shrinks: reserve room for it */
	int keyrows = (int)(s->nlabels + 2) / 3;
	int width = 480 * cols + 60, height = 340 * rows + 60 + 22 * keyrows;
	header(&g, pl, base, what, width, height);
	/* x: log scale when positive and spread over more than 1.5 decades */
	double lo = INFINITY, hi = -INFINITY;
	for (size_t p = 0; p < s->npoints; p++) {
		double x = s->points[p].axis_num[a];
		lo = x < lo ? x : lo;
		hi = x > hi ? x : hi;
	}
	if (lo > 0 && hi / lo > 30)
		sb_puts(&g, "set logscale x\n");
	char xlabel[160];
	snprintf(xlabel, sizeof(xlabel), "%s%s%s%s", s->axes[a], unit[0] ? " (" : "", unit,
		 unit[0] ? ")" : "");
	sb_puts(&g, "set xlabel ");
	gp_quote(&g, xlabel);
	sb_puts(&g, "\nset ylabel ");
	gp_quote(&g, m->ylabel);
	sb_puts(&g, "\nset yrange [0:*]\nset autoscale xfix\nset offsets graph 0.04, graph 0.04, 0, 0\nset key off\n");
	/* panels placed by hand: a strip at the bottom keeps the key, the top
	 * the title */
	double keyfrac = (double)(22 * keyrows + 20) / height, topfrac = 40.0 / height;
	double pw = 1.0 / cols, ph = (1 - keyfrac - topfrac) / rows;
	sb_puts(&g, "set multiplot title ");
	char title[512];
	snprintf(title, sizeof(title), "%s: %s against %s (mean and 95%% CI over %lld replication%s)",
		 s->name, m->title, s->axes[a], (long long)s->replications,
		 s->replications == 1 ? ": no intervals" : "s");
	gp_quote(&g, title);
	sb_puts(&g, "\n");
	sb_printf(&d, "# %s against %s: x mean ci95_half_width, one block per (panel, label);\n"
		      "# each block starts with a NaN row, so that no block is empty\n",
		  m->name, s->axes[a]);
	/* only the labels that have this metric (policy metrics) */
	bool *has = calloc(s->nlabels, sizeof(*has));
	if (!has)
		goto out;
	size_t lastshown = 0;
	for (size_t l = 0; l < s->nlabels; l++) {
		for (size_t p = 0; p < s->npoints && !has[l]; p++)
			has[l] = v->n[p * s->nlabels + l] > 0;
		if (has[l])
			lastshown = l;
	}
	int block = 0;
	for (size_t k = 0; k < npanels; k++) {
		sb_printf(&g, "set origin %.4f, %.4f\nset size %.4f, %.4f\nset title ",
			  (double)(k % (size_t)cols) * pw,
			  keyfrac + (double)(rows - 1 - (int)(k / (size_t)cols)) * ph, pw, ph);
		gp_quote(&g, panels[k][0] ? panels[k] : "");
		sb_puts(&g, "\n");
		sb_puts(&g, "plot \\\n");
		for (size_t l = 0; l < s->nlabels; l++) {
			if (!has[l])
				continue;
			sb_puts(&d, "# panel ");
			sb_puts(&d, panels[k]);
			sb_puts(&d, ", label ");
			sb_puts(&d, s->labels[l]);
			sb_puts(&d, "\nNaN NaN NaN\n");
			for (size_t p = 0; p < s->npoints; p++) {
				if (panel_of[p] != k || v->n[p * s->nlabels + l] == 0)
					continue;
				double mean, half;
				ci(v, p, l, &mean, &half);
				sb_printf(&d, "%.10g %.10g %.10g\n", s->points[p].axis_num[a], mean, half);
			}
			sb_puts(&d, "\n\n");
			sb_printf(&g, "  '%s.dat' index %d using 1:2:3 with yerrorlines lw 2 pt %d ps 0.9 lc %zu title ",
				  base, block++, point_type(l), l + 1);
			gp_quote(&g, s->labels[l]);
			sb_puts(&g, l != lastshown ? ", \\\n" : "\n");
		}
	}
	/* the key, once, in the bottom strip: an empty plot that only has a key */
	sb_printf(&g, "\n# the key\nset origin 0, 0\nset size 1, %.4f\nunset title\nunset xlabel\n"
		      "unset ylabel\nunset tics\nunset border\nunset grid\nset xrange [0:1]\n"
		      "set yrange [0:1]\nunset logscale x\n"
		      "set key center center horizontal Left reverse box maxrows %d samplen 2\nplot \\\n",
		  keyfrac, keyrows);
	for (size_t l = 0; l < s->nlabels; l++) {
		if (!has[l])
			continue;
		sb_printf(&g, "  NaN with linespoints lw 2 pt %d ps 0.9 lc %zu title ", point_type(l), l + 1);
		gp_quote(&g, s->labels[l]);
		sb_puts(&g, l != lastshown ? ", \\\n" : "\n");
	}
	sb_puts(&g, "unset multiplot\n");
	rc = finish(pl, base, &g, &d);
	sb_free(&g);
	sb_free(&d);
	free(has);
out:
	for (size_t k = 0; panels && k < s->npoints; k++)
		free(panels[k]);
	free(panels);
	free(panel_of);
	return rc;
}

/* The latency CDF of each label at the chosen point: the quantiles of its
 * runs, averaged over replications. */
static int chart_cdf(struct plotter *pl)
{
	const struct dbr_scenario *s = pl->s;
	const struct dbr_point *pt = &s->points[pl->focus];
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(pl->db,
			       "SELECT q, avg(latency_ms) FROM quantiles JOIN runs ON run_id = id "
			       "WHERE scenario=? AND label=? AND json_extract(params, '$.sweep') = ? "
			       "GROUP BY q ORDER BY q",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(pl->err, sizeof(pl->err), "%s", sqlite3_errmsg(pl->db));
		return -1;
	}
	const char *base = "latency-cdf";
	struct strbuf g, d;
	sb_init(&g);
	sb_init(&d);
	char desc[512];
	dbr_point_desc(s, pl->focus, desc, sizeof(desc));
	header(&g, pl, base, "latency CDF per policy at one sweep point", 900, 600);
	sb_puts(&g, "set logscale x\nset xlabel 'latency of successful operations (ms, log scale)'\n"
		    "set ylabel 'fraction of operations at or below'\nset yrange [0:1]\n"
		    "set key inside top left box\nset title ");
	char title[700];
	snprintf(title, sizeof(title), "%s: latency CDF at %s (quantiles averaged over replications)",
		 s->name, desc);
	gp_quote(&g, title);
	sb_puts(&g, "\nplot \\\n");
	sb_puts(&d, "# latency_ms q, one block per label\n");
	int blocks = 0;
	for (size_t l = 0; l < s->nlabels; l++) {
		sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s->labels[l], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, pt->sweep, -1, SQLITE_STATIC);
		sb_puts(&d, "# label ");
		sb_puts(&d, s->labels[l]);
		sb_puts(&d, "\n");
		int rows = 0;
		while (sqlite3_step(st) == SQLITE_ROW) {
			double ms = sqlite3_column_double(st, 1);
			if (ms <= 0)
				continue; /* below the log scale */
			sb_printf(&d, "%.10g %.10g\n", ms, sqlite3_column_double(st, 0));
			rows++;
		}
		sqlite3_reset(st);
		sb_puts(&d, "\n\n");
		if (rows == 0)
			continue;
		sb_printf(&g, "%s  '%s.dat' index %zu using 1:2 with lines lw 2 lc %zu title ",
			  blocks ? ", \\\n" : "", base, l, l + 1);
		gp_quote(&g, s->labels[l]);
		blocks++;
	}
	sqlite3_finalize(st);
	sb_puts(&g, "\n");
	int rc = 0;
	if (blocks)
		rc = finish(pl, base, &g, &d);
	sb_free(&g);
	sb_free(&d);
	return rc;
}

/* The labels side by side at the chosen point, one panel per metric. */
static int chart_scorecard(struct plotter *pl, struct dbr_values *vals)
{
	const struct dbr_scenario *s = pl->s;
	const char *base = "scorecard";
	struct strbuf g, d;
	sb_init(&g);
	sb_init(&d);
	char desc[512];
	dbr_point_desc(s, pl->focus, desc, sizeof(desc));
	int w = 160 + 50 * (int)s->nlabels;
	size_t longest = 0;
	for (size_t l = 0; l < s->nlabels; l++)
		longest = strlen(s->labels[l]) > longest ? strlen(s->labels[l]) : longest;
	int labelpx = (int)longest * 7 + 30; /* vertical tick labels, 10pt sans */
	int height = 2 * (300 + labelpx) + 100;
	header(&g, pl, base, "the policies side by side at one sweep point", 3 * (w < 380 ? 380 : w),
	       height);
	sb_puts(&g, "set style fill solid 0.6 border -1\nset boxwidth 0.7\nunset key\n"
		    "set yrange [0:*]\nset xtics rotate by 90 right (");
	for (size_t l = 0; l < s->nlabels; l++) {
		if (l)
			sb_puts(&g, ", ");
		gp_quote(&g, s->labels[l]);
		sb_printf(&g, " %zu", l);
	}
	sb_printf(&g, ")\nset xrange [-0.6:%zu.6]\n", s->nlabels - 1);
	sb_printf(&g, "set multiplot layout 2,3 margins 0.05,0.98,%.3f,%.3f spacing 0.06,%.3f title ",
		  (double)(labelpx + 10) / height, 1 - 70.0 / height, (double)(labelpx + 50) / height);
	char title[700];
	snprintf(title, sizeof(title), "%s: the policies at %s (mean and 95%% CI over replications)",
		 s->name, desc);
	gp_quote(&g, title);
	sb_puts(&g, "\n");
	sb_puts(&d, "# label_index mean ci95_half_width, one block per metric\n");
	for (size_t m = 0; m < NCARD; m++) {
		sb_printf(&d, "# %s (%s)\n", card[m].name, card[m].ylabel);
		for (size_t l = 0; l < s->nlabels; l++) {
			double mean = 0, half = 0;
			if (vals[m].n[pl->focus * s->nlabels + l])
				ci(&vals[m], pl->focus, l, &mean, &half);
			sb_printf(&d, "%zu %.10g %.10g\n", l, mean, half);
		}
		sb_puts(&d, "\n\n");
		sb_puts(&g, "set title ");
		char t[128];
		snprintf(t, sizeof(t), "%s (%s)", card[m].title, card[m].ylabel);
		gp_quote(&g, t);
		sb_printf(&g, "\nplot '%s.dat' index %zu using 1:2:($1+1) with boxes lc variable, "
			      "'' index %zu using 1:2:3 with yerrorbars lc rgb 'black' pt 0\n",
			  base, m, m);
	}
	sb_puts(&g, "unset multiplot\n");
	int rc = finish(pl, base, &g, &d);
	sb_free(&g);
	sb_free(&d);
	return rc;
}

static int plot_scenario(sqlite3 *db, const char *name, size_t nscenarios,
			 const struct cli_args *a)
{
	const char *outdir = a->out;
	bool many = nscenarios > 1;
	struct dbr_scenario s;
	char err[1024];
	if (dbr_load(db, name, &s, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber plot: %s\n", err);
		return EXIT_RUNTIME;
	}
	char file[128], dir[4096];
	scenario_file_name(name, file, sizeof(file));
	if (!outdir)
		snprintf(dir, sizeof(dir), "plots/%s", file);
	else if (many)
		snprintf(dir, sizeof(dir), "%s/%s", outdir, file);
	else
		snprintf(dir, sizeof(dir), "%s", outdir);
	struct plotter pl = {.db = db, .s = &s, .dir = dir, .format = a->format ? a->format : "png"};
	int rc = EXIT_RUNTIME;
	struct dbr_values vals[NMETRICS], cvals[NCARD];
	size_t nv = 0, nc = 0;
	if (s.npoints == 0 || s.nlabels == 0) {
		fprintf(stderr, "clobber plot: scenario %s has no runs\n", name);
		goto out;
	}
	pl.focus = s.npoints - 1;
	if (a->point) {
		char why[512];
		long k = dbr_point_find(&s, a->point, why, sizeof(why));
		if (k < 0) {
			fprintf(stderr, "clobber plot: %s\n", why);
			rc = EXIT_USAGE;
			goto out;
		}
		pl.focus = (size_t)k;
	}
	if (gp_mkdirs(dir, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber plot: %s\n", err);
		goto out;
	}
	printf("%s:\n", name);
	for (; nv < NMETRICS; nv++)
		if (dbr_metric(db, &s, metrics[nv].name, &vals[nv], pl.err, sizeof(pl.err)) < 0)
			goto fail;
	for (; nc < NCARD; nc++)
		if (dbr_metric(db, &s, card[nc].name, &cvals[nc], pl.err, sizeof(pl.err)) < 0)
			goto fail;
	for (size_t ax = 0; ax < s.naxes; ax++) {
		if (!axis_unit(&s, ax))
			continue; /* not numeric: no line chart against it */
		for (size_t m = 0; m < NMETRICS; m++)
			if (vals[m].any && chart_vs_axis(&pl, &metrics[m], ax, &vals[m]) < 0)
				goto fail;
	}
	if (chart_cdf(&pl) < 0 || chart_scorecard(&pl, cvals) < 0)
		goto fail;
	rc = EXIT_OK;
	goto out;
fail:
	fprintf(stderr, "clobber plot: %s\n", pl.err);
out:
	for (size_t i = 0; i < nv; i++)
		dbr_values_free(&vals[i]);
	for (size_t i = 0; i < nc; i++)
		dbr_values_free(&cvals[i]);
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
	cli_args_free(&a);
	return rc;
}
