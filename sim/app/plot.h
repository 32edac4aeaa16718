/*
 * plot.h - what the chart writers of `clobber plot` share: the state of
 * one scenario's charts, short labels with their key, chart file names,
 * series that overlap, and writing and rendering a chart.
 *
 * One file per kind of chart: plot_axis.c (each metric against each
 * numeric sweep axis), plot_bars.c (against an axis of names: bars),
 * plot_cdf.c (latency CDF), plot_card.c (the
 * scorecard), plot_pbs.c (P(consistent read) against t, from table
 * visibility), plot_time.c (operations over time with the fault windows,
 * from tables ops and faults), plot_html.c (index.html with every chart and the report's
 * table).  What is drawn for a metric comes from its description
 * (struct metric_info): METRIC_CHART metrics against the axes,
 * METRIC_CARD ones in the scorecard, METRIC_RATE ones on [0, 1], its
 * title and unit on the axis.  A metric that is 0 for every policy at
 * every point is listed (plot_flat), not drawn.
 *
 * Every chart is a gnuplot script with its data beside it, loading the
 * theme (plots/theme.gp), rerunnable by hand in its directory.  Text from
 * the database reaches scripts only through gp_quote and esc_gp_comment,
 * data files only through esc_gp_comment and esc_dat_field, file names
 * only through plot_base (sim/app/escape.h).
 */
#ifndef CLOBBER_PLOT_H
#define CLOBBER_PLOT_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>

#include "sim/app/dbread.h"
#include "sim/core/strbuf.h"

struct plot_chart {
	char *base;	/* file name without extension */
	char *title;	/* what it shows, one line */
};

struct plotter {
	sqlite3 *db;
	const struct dbr_scenario *s;
	const struct dbr_metrics *ms;
	const char *dir;	/* the charts' directory */
	const char *theme;	/* the theme's path from there */
	const char *format;	/* png, svg or pdf */
	bool svg_too;		/* also draw each chart as SVG, for index.html */
	size_t focus;		/* the point of the CDF and the scorecard */
	char **tags;		/* [nlabels]: the short label of each label */
	bool keyed;		/* some tag differs from its label: charts carry the key */
	struct plot_chart *charts;
	size_t ncharts;
	char **flat;		/* metrics not drawn, being 0 everywhere */
	size_t nflat;
	char **bases;		/* file names taken, so that two names never share one */
	size_t nbases;
	char err[1024];
};

/* Short labels (pl->tags): a label of at most 14 characters is its own
 * tag; a longer one becomes its policy and option values ("lww server"
 * for lww(timestamps=server)) when that is short and unique, else its
 * policy name, numbered when several share it. */
int plot_tags(struct plotter *pl);

/* "tag = label; tag = label" for the tags that differ from their label,
 * of the labels `shown` marks (NULL: all), as plain text (to be escaped by
 * the caller), or "" when none does. */
void plot_key_text(const struct plotter *pl, const bool *shown, struct strbuf *b);

/* The last plot of a multiplot chart: an empty series per label that
 * `has` marks, drawn `with` STYLE in the label's line type, so that the
 * key names every label once ("linespoints", "boxes dt solid"); then
 * unsets the multiplot. */
void plot_key_plot(struct strbuf *g, const struct plotter *pl, const bool *has, size_t nl,
		   const char *with);

/* The panels of a multiplot chart of `height` pixels: cols x rows
 * panels between a title strip of toppx pixels at the top and a key strip
 * of keypx at the bottom (fractions of the screen). */
struct plot_grid {
	int cols, rows;
	double pw, ph;	 /* a panel's width and height */
	double keyfrac;	 /* the key strip's height */
	int height;
};
void plot_grid_init(struct plot_grid *pg, int cols, int rows, int height, double keypx, double toppx);

/* Places the next plot in panel k (row by row from the top left). */
void plot_grid_panel(struct strbuf *g, const struct plot_grid *pg, size_t k);

/* Starts the key strip: an empty plot at the bottom whose key lists the
 * series, perrow to a row, with samples samplen characters long. */
void plot_grid_key(struct strbuf *g, const struct plot_grid *pg, int perrow, int samplen);

/* A file name for a chart from its parts ("lost_update_rate", "skew"
 * give "lost_update_rate-vs-skew"; b may be NULL): only letters, digits,
 * '-', '_' and '.', never two charts the same name.  Returns 0, or -1
 * when out of memory. */
int plot_base(struct plotter *pl, const char *a, const char *b, char *out, size_t n);

/* The title of metric m on a chart, and its axis label: the title and
 * the unit ("p99 latency (ms)", "lost-update rate (fraction)"). */
const char *plot_title(const struct dbr_metric *m);
void plot_ylabel(const struct dbr_metric *m, char *buf, size_t n);

/* The first lines of a chart script: what it is, how to rerun it, the
 * theme and the terminal. */
void plot_header(struct strbuf *g, const struct plotter *pl, const char *base, const char *what,
		 int width, int height);

/* Writes base.dat and base.gp into pl->dir, renders them (and the SVG
 * when pl->svg_too), prints the chart's path and adds it to pl->charts.
 * Returns 0, or -1 with pl->err filled. */
int plot_finish(struct plotter *pl, const char *base, const char *title, struct strbuf *g,
		struct strbuf *d);

/* Records metric `name` as not drawn (0 everywhere). */
int plot_flat(struct plotter *pl, const char *name);

/* Series that overlap: n series of np values each (NAN: no value); two
 * overlap when both have a value at the same positions and the values
 * differ by at most tol.  group[i] receives the index of the first series
 * of i's group, rank[i] i's place in its group and size[i] its size. */
void plot_overlaps(const double *y, size_t n, size_t np, double tol, size_t *group, size_t *rank,
		   size_t *size);

/* The chart kinds (plot_axis.c, plot_cdf.c, plot_card.c, plot_html.c).
 * Each returns 0, or -1 with pl->err filled. */
int plot_axis_charts(struct plotter *pl);
int plot_bar_charts(struct plotter *pl);
int plot_cdf_chart(struct plotter *pl);
int plot_card_chart(struct plotter *pl);
int plot_pbs_chart(struct plotter *pl);
int plot_time_charts(struct plotter *pl);
struct report;
int plot_html_index(struct plotter *pl, const struct report *r, size_t scen);

#endif
