/*
 * plot_pbs.c - the PBS chart (Bailis et al., VLDB 2012): the probability
 * that a read returns the newest acknowledged surviving write of its key,
 * against t, the time between that write and the read's start, from table
 * visibility.  Drawn when the scenario's runs have visibility rows (several
 * copies of each key, or workload.probe).
 *
 * A series per label and sweep point: with one label, one panel and a
 * curve per point (the strategies and R, W of a PBS sweep); with several,
 * a panel per point (at most MAX_PANELS) and a curve per label.  Each
 * value pools the reads of the series' replications in its bin of t:
 * P = consistent / reads, with its 95% Wilson score interval (a binomial
 * proportion: the interval stays inside [0, 1] and needs no normal
 * approximation near 1, where PBS's curves live).  Bins with fewer than
 * MIN_READS reads are left out, as too noisy to read; the P axis runs
 * from a little below the lowest P shown (at most 0.95) to 1.  t is on a log
 * scale in its bins' upper edges; t = 0 (a probe at delay 0, a read that
 * began as its write was acknowledged) stands apart at the left.
 */
#include "sim/app/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"

#define MAX_PANELS 24
#define MAX_BINS 64	/* distinct t per series (the checker has 32) */
#define MIN_READS 100	/* reads a bin needs to be drawn */
#define OVERLAP_TOL 0.012

/* One series: a label at a point. */
struct pbs_series {
	size_t label, point;
	size_t n;
	double t[MAX_BINS];
	double reads[MAX_BINS], consistent[MAX_BINS];
};

/* The 95% Wilson score interval of c successes in n trials. */
static void wilson(double c, double n, double *lo, double *hi)
{
	const double z = 1.959964;
	double p = c / n, z2n = z * z / n;
	double centre = (p + z2n / 2) / (1 + z2n);
	double half = z * sqrt(p * (1 - p) / n + z2n / (4 * n)) / (1 + z2n);
	*lo = centre - half < 0 ? 0 : centre - half;
	*hi = centre + half > 1 ? 1 : centre + half;
}

static int by_point_label(const void *a, const void *b)
{
	const struct pbs_series *x = a, *y = b;
	if (x->point != y->point)
		return x->point < y->point ? -1 : 1;
	return x->label < y->label ? -1 : x->label > y->label;
}

/* Reads the pooled visibility of every (label, point) into *out. */
static int load_series(struct plotter *pl, struct pbs_series **out, size_t *n)
{
	const struct dbr_scenario *s = pl->s;
	*out = NULL;
	*n = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(pl->db,
			       "SELECT r.label, coalesce(json_extract(r.params, '$.sweep'), '{}'), v.t_ms, "
			       "sum(v.reads), sum(v.consistent) FROM visibility v JOIN runs r ON r.id = v.run_id "
			       "WHERE r.scenario = ? AND typeof(v.t_ms) IN ('integer', 'real') AND v.t_ms >= 0 "
			       "AND typeof(v.reads) = 'integer' AND typeof(v.consistent) = 'integer' "
			       "AND v.reads > 0 AND v.consistent BETWEEN 0 AND v.reads "
			       "GROUP BY 1, 2, 3 ORDER BY 1, 2, 3",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(pl->err, sizeof(pl->err), "reading the visibility table: %s", sqlite3_errmsg(pl->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	size_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *label = (const char *)sqlite3_column_text(st, 0);
		const char *sweep = (const char *)sqlite3_column_text(st, 1);
		long l = label ? dbr_label_index(s, label) : -1, p = sweep ? dbr_sweep_index(s, sweep) : -1;
		double t = sqlite3_column_double(st, 2), reads = sqlite3_column_double(st, 3),
		       cons = sqlite3_column_double(st, 4);
		if (l < 0 || p < 0 || !isfinite(t) || t > 1e12 || !(reads > 0))
			continue;
		struct pbs_series *cur = *n ? &(*out)[*n - 1] : NULL;
		if (!cur || cur->label != (size_t)l || cur->point != (size_t)p) {
			if (*n == cap) {
				cap = cap ? 2 * cap : 8;
				struct pbs_series *v = realloc(*out, cap * sizeof(*v));
				if (!v) {
					snprintf(pl->err, sizeof(pl->err), "out of memory");
					sqlite3_finalize(st);
					return -1;
				}
				*out = v;
			}
			cur = &(*out)[(*n)++];
			memset(cur, 0, sizeof(*cur));
			cur->label = (size_t)l;
			cur->point = (size_t)p;
		}
		if (reads < MIN_READS || cur->n == MAX_BINS)
			continue;
		cur->t[cur->n] = t;
		cur->reads[cur->n] = reads;
		cur->consistent[cur->n++] = cons;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(pl->err, sizeof(pl->err), "reading the visibility table: %s", sqlite3_errmsg(pl->db));
		return -1;
	}
	/* series with nothing to draw go; the rest in point order, then label
	 * order (the scenario's, which gives each label its colour) */
	size_t kept = 0;
	for (size_t i = 0; i < *n; i++)
		if ((*out)[i].n)
			(*out)[kept++] = (*out)[i];
	*n = kept;
	if (kept)
		qsort(*out, kept, sizeof(**out), by_point_label);
	return 0;
}

/* Ticks at 1, 2 and 5 of every decade within [lo, hi] (at each decade
 * alone when that would put more than `room` of them on the axis),
 * written in us below 1 ms and in s from 1 s, and "0" at the category. */
static void t_ticks(struct strbuf *g, double lo, double hi, bool zero, int room)
{
	bool decades = 3 * log10(hi / lo) > room;
	sb_puts(g, "set xtics (");
	int k = 0;
	if (zero) {
		sb_puts(g, "'0' xzero");
		k++;
	}
	for (int e = (int)floor(log10(lo)) - 1; e <= (int)ceil(log10(hi)) + 1; e++)
		for (int m = 0; m < 3; m++) {
			static const double steps[] = {1, 2, 5};
			double t = steps[m] * pow(10, e);
			if (t < lo * 0.999 || t > hi * 1.001 || (decades && m > 0))
				continue;
			if (t < 0.9995)
				sb_printf(g, "%s'%gus' %.10g", k++ ? ", " : "", t * 1000, t);
			else if (t >= 999.5)
				sb_printf(g, "%s'%gs' %.10g", k++ ? ", " : "", t / 1000, t);
			else
				sb_printf(g, "%s'%gms' %.10g", k++ ? ", " : "", t, t);
		}
	sb_puts(g, ")\nset mxtics 10\n");
}

/* The series' title: its short label, its point, or both. */
static void series_title(const struct plotter *pl, const struct pbs_series *se, bool by_point,
			 char *buf, size_t n)
{
	char desc[512];
	dbr_point_desc(pl->s, se->point, desc, sizeof(desc));
	if (!by_point)
		snprintf(buf, n, "%s", pl->tags[se->label]);
	else if (pl->s->nlabels == 1)
		snprintf(buf, n, "%s", desc);
	else
		snprintf(buf, n, "%s, %s", pl->tags[se->label], desc);
}

int plot_pbs_chart(struct plotter *pl)
{
	const struct dbr_scenario *s = pl->s;
	if (!dbr_has_table(pl->db, "visibility"))
		return 0;
	struct pbs_series *se;
	size_t ns;
	if (load_series(pl, &se, &ns) < 0)
		return -1;
	if (ns == 0) {
		free(se);
		return 0;
	}
	/* panels: one, with a curve per point, when one label (or one point);
	 * else one per point */
	bool by_point = s->nlabels == 1 || s->npoints == 1;
	size_t *panel_of = calloc(ns + 1, sizeof(*panel_of)), npanels = 0;
	long *panel_point = calloc(s->npoints + 1, sizeof(*panel_point));
	struct strbuf g, d, keytext;
	sb_init(&g);
	sb_init(&d);
	sb_init(&keytext);
	int rc = -1;
	if (!panel_of || !panel_point) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	for (size_t p = 0; p < s->npoints; p++)
		panel_point[p] = -1;
	/* panels in the order of the points */
	for (size_t p = 0; p < s->npoints; p++)
		for (size_t i = 0; i < ns; i++)
			if ((by_point ? 0 : se[i].point) == p && panel_point[p] < 0)
				panel_point[p] = (long)npanels++;
	for (size_t i = 0; i < ns; i++)
		panel_of[i] = (size_t)panel_point[by_point ? 0 : se[i].point];
	/* the ranges: t over its positive values, P down to the lowest value
	 * (an interval reaching lower is cut by the axis) */
	double tlo = INFINITY, thi = 0, plo = 1;
	bool zero = false;
	for (size_t i = 0; i < ns; i++)
		for (size_t b = 0; b < se[i].n; b++) {
			double t = se[i].t[b], pr = se[i].consistent[b] / se[i].reads[b];
			if (panel_of[i] >= MAX_PANELS)
				continue;
			if (t == 0)
				zero = true;
			else {
				tlo = t < tlo ? t : tlo;
				thi = t > thi ? t : thi;
			}
			plo = pr < plo ? pr : plo;
		}
	if (!isfinite(tlo)) { /* only t = 0 */
		tlo = 0.001;
		thi = 0.01;
	}
	if (thi <= tlo)
		thi = tlo * 10;
	/* at least 0.05 tall, so that the intervals of a hundred reads fit */
	double ylo = floor((plo - 0.006) * 100) / 100;
	ylo = ylo < 0 ? 0 : ylo > 0.95 ? 0.95 : ylo;
	size_t shown = npanels < MAX_PANELS ? npanels : MAX_PANELS;
	/* npanels counts the points with a series, in the loop above, which
	 * cppcheck does not follow */
	// cppcheck-suppress knownConditionTrueFalse
	int cols = shown == 4 ? 2 : shown < 3 ? (int)shown : 3;
	int rows = (int)((shown + (size_t)cols - 1) / (size_t)cols);
	char base[300];
	if (plot_base(pl, "pbs-visibility", NULL, base, sizeof(base)) < 0) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	/* the legend: one entry per series of the first panel, under the panels */
	size_t nlegend = 0;
	for (size_t i = 0; i < ns; i++)
		nlegend += panel_of[i] == 0;
	char title[1400], sub[400];
	snprintf(title, sizeof(title),
		 "%s: P(a read returns the newest acknowledged write) against t (PBS t-visibility)", s->name);
	snprintf(sub, sizeof(sub),
		 "reads pooled over %lld replication%s, 95%% Wilson intervals, bins of at least %d reads",
		 (long long)s->replications, s->replications == 1 ? "" : "s", MIN_READS);
	/* wide enough for the title (about 8 pixels a character) */
	int width = cols * (by_point ? 760 : 520) + 60, need = 8 * esc_width(title) + 60;
	width = need > width ? (need > 4000 ? 4000 : need) : width;
	int perrow = width / 230 > 0 ? width / 230 : 1;
	int keyrows = ((int)nlegend + perrow - 1) / perrow + (pl->keyed ? 1 : 0);
	int height = rows * 380 + 90 + 22 * keyrows;
	double span = log(thi / tlo);
	plot_header(&g, pl, base, "PBS t-visibility: P(consistent read) against t since the write", width,
		    height);
	sb_puts(&g, "set xlabel ");
	gp_quote(&g, by_point ? "t: time from the write's acknowledgement to the read's start (upper edge "
				"of its bin, log scale)"
			      : "t since the write was acknowledged (log scale)");
	sb_puts(&g, "\n");
	sb_puts(&g, "set ylabel 'P(consistent read)'\n");
	sb_printf(&g, "set logscale x\nXLO = %.10g\nXHI = %.10g\nxzero = XLO * exp(-0.16 * %.10g)\n"
		      "xc(x) = x == 0 ? xzero : x\nxd(x, k) = x * exp(k * theme_dodge * %.10g)\n"
		      "set xrange [XLO * exp(-%.3f * %.10g) : XHI * exp(0.06 * %.10g)]\n",
		  tlo, thi, span, span, zero ? 0.24 : 0.06, span, span);
	if (zero)
		sb_puts(&g, "set arrow 1 from sqrt(XLO * xzero), graph 0 to sqrt(XLO * xzero), graph 1 "
			    "nohead back dt 3 lc rgb '#b0b0b0'\n");
	t_ticks(&g, tlo, thi, zero, (width / cols - 120) / 55);
	sb_printf(&g, "set yrange [%.4f : 1.004]\nset key off\n", ylo);
	struct plot_grid pg;
	plot_grid_init(&pg, cols, rows, height, 22.0 * keyrows + 20, 62);
	sb_puts(&g, "set multiplot title ");
	gp_quote(&g, title);
	sb_puts(&g, ".\"\\n\".");
	gp_quote(&g, sub);
	sb_puts(&g, " font theme_title_font\n");
	sb_puts(&d, "# PBS t-visibility of scenario ");
	esc_gp_comment(&d, s->name);
	sb_puts(&d, ": t_ms reads consistent P wilson_low wilson_high, one block per series\n"
		    "# (label at sweep point), reads pooled over its replications; each block\n"
		    "# starts with a NaN row, so that no block is empty\n");
	/* overlapping series within a panel are drawn as nested bands */
	double *y = calloc(ns * MAX_BINS + 1, sizeof(*y));
	size_t *group = calloc(ns + 1, sizeof(size_t)), *rank = calloc(ns + 1, sizeof(size_t)),
	       *size = calloc(ns + 1, sizeof(size_t));
	if (!y || !group || !rank || !size) {
		free(y);
		free(group);
		free(rank);
		free(size);
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	int block = 0;
	for (size_t k = 0; k < shown; k++) {
		/* the panel's series on a common grid of t: the checker's bins */
		for (size_t i = 0; i < ns; i++)
			for (size_t b = 0; b < MAX_BINS; b++)
				y[i * MAX_BINS + b] = NAN;
		for (size_t i = 0; i < ns; i++) {
			if (panel_of[i] != k)
				continue;
			for (size_t b = 0; b < se[i].n; b++) {
				/* bins of 1, 2, 5 us times powers of ten: a slot each */
				double step = floor(3 * log10(se[i].t[b] * 1000) + 0.5);
				size_t slot = se[i].t[b] == 0 ? 0 : (size_t)fmin(MAX_BINS - 1, 1 + fmax(0, step));
				y[i * MAX_BINS + slot] = se[i].consistent[b] / se[i].reads[b];
			}
		}
		plot_overlaps(y, ns, MAX_BINS, OVERLAP_TOL * (1.004 - ylo), group, rank, size);
		plot_grid_panel(&g, &pg, k);
		if (by_point) {
			sb_puts(&g, "unset title\n");
		} else {
			char desc[512];
			size_t p = 0;
			while (p < s->npoints && panel_point[p] != (long)k)
				p++;
			dbr_point_desc(s, p, desc, sizeof(desc));
			sb_puts(&g, "set title ");
			gp_quote(&g, desc);
			sb_puts(&g, "\n");
		}
		sb_puts(&g, "plot \\\n");
		struct strbuf bars, points;
		sb_init(&bars);
		sb_init(&points);
		bool first = true;
		size_t nth = 0;
		for (size_t i = 0; i < ns; i++) {
			if (panel_of[i] != k)
				continue;
			char name[700];
			series_title(pl, &se[i], by_point, name, sizeof(name));
			sb_puts(&d, "# series ");
			esc_gp_comment(&d, name);
			sb_puts(&d, "\nNaN NaN NaN NaN NaN NaN\n");
			for (size_t b = 0; b < se[i].n; b++) {
				double lo, hi;
				wilson(se[i].consistent[b], se[i].reads[b], &lo, &hi);
				sb_printf(&d, "%.10g %.0f %.0f %.10g %.10g %.10g\n", se[i].t[b], se[i].reads[b],
					  se[i].consistent[b], se[i].consistent[b] / se[i].reads[b], lo, hi);
				/* t = 0 stands apart: no line from it to the log axis */
				if (se[i].t[b] == 0 && b + 1 < se[i].n)
					sb_puts(&d, "\n");
			}
			sb_puts(&d, "\n\n");
			size_t lt = (by_point ? nth : se[i].label) + 1;
			double shift = (double)nth - (double)(by_point ? ns - 1 : s->nlabels - 1) / 2;
			sb_printf(&g, "%s  '%s.dat' index %d using (xd(xc($1), %.2f)):4 with lines lt %zu%s lw 2 + %zu * theme_overlap_lw notitle",
				  first ? "" : ", \\\n", base, block, shift, lt, size[i] > 1 ? " dt solid" : "",
				  size[i] - 1 - rank[i]);
			sb_printf(&bars, ", \\\n  '%s.dat' index %d using (xd(xc($1), %.2f)):4:5:6 with yerrorbars lt %zu dt solid lw 1.2 pt -1 notitle",
				  base, block, shift, lt);
			sb_printf(&points, ", \\\n  '%s.dat' index %d using (xd(xc($1), %.2f)):4 with points lt %zu notitle",
				  base, block, shift, lt);
			first = false;
			nth++;
			block++;
		}
		sb_puts(&g, bars.s ? bars.s : "");
		sb_puts(&g, points.s ? points.s : "");
		sb_puts(&g, "\n");
		sb_free(&bars);
		sb_free(&points);
	}
	free(y);
	free(group);
	free(rank);
	free(size);
	/* the key, once, in the bottom strip */
	plot_grid_key(&g, &pg, perrow, 4);
	if (pl->keyed) {
		plot_key_text(pl, NULL, &keytext);
		sb_puts(&g, "set label 1 ");
		gp_quote(&g, keytext.s ? keytext.s : "");
		sb_printf(&g, " at screen 0.5, screen %.4f center font ',9'\n", 8.0 / height);
	}
	sb_puts(&g, "plot \\\n");
	size_t nth = 0;
	for (size_t i = 0; i < ns; i++) {
		if (panel_of[i] != 0)
			continue;
		char name[700];
		series_title(pl, &se[i], by_point, name, sizeof(name));
		sb_printf(&g, "%s  NaN with linespoints lt %zu title ", nth ? ", \\\n" : "",
			  (by_point ? nth : se[i].label) + 1);
		gp_quote(&g, name);
		nth++;
	}
	sb_puts(&g, "\nunset multiplot\n");
	rc = plot_finish(pl, base, "P(consistent read) against t (PBS)", &g, &d);
out:
	sb_free(&g);
	sb_free(&d);
	sb_free(&keytext);
	free(panel_of);
	free(panel_point);
	free(se);
	return rc;
}
