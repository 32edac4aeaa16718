/*
 * plot_cdf.c - the latency CDF of each policy at one sweep point: the
 * stored quantiles of its runs (table quantiles), averaged over
 * replications, on a log latency axis with ticks at 1, 2 and 5 of every
 * decade.  Curves that overlap (within 1.2% of the axis width at every
 * level) are drawn as nested bands, and the key says which.
 */
#include "sim/app/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"

#define NQ_MAX 128 /* levels read per label: table quantiles has 103 */

/* Ticks at 1, 2 and 5 times each power of ten within [lo, hi]. */
static void log_ticks(struct strbuf *g, double lo, double hi)
{
	sb_puts(g, "set xtics (");
	int k = 0;
	for (int e = (int)floor(log10(lo)) - 1; e <= (int)ceil(log10(hi)) + 1; e++)
		for (int m = 0; m < 3; m++) {
			static const double steps[] = {1, 2, 5};
			double t = steps[m] * pow(10, e);
			if (t < lo * 0.999 || t > hi * 1.001)
				continue;
			sb_printf(g, "%s'%g' %.10g", k++ ? ", " : "", t, t);
		}
	sb_puts(g, ")\nset mxtics 10\n");
}

int plot_cdf_chart(struct plotter *pl)
{
	const struct dbr_scenario *s = pl->s;
	const struct dbr_point *pt = &s->points[pl->focus];
	size_t nl = s->nlabels;
	sqlite3_stmt *st;
	if (!dbr_has_table(pl->db, "quantiles"))
		return 0;
	if (sqlite3_prepare_v2(pl->db,
			       "SELECT q, avg(latency_ms) FROM quantiles JOIN runs ON run_id = id "
			       "WHERE scenario=? AND label=? AND coalesce(json_extract(params, '$.sweep'), '{}') = ? "
			       "AND typeof(q) IN ('integer', 'real') AND typeof(latency_ms) IN ('integer', 'real') "
			       "GROUP BY q ORDER BY q LIMIT 128",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(pl->err, sizeof(pl->err), "reading the quantiles: %s", sqlite3_errmsg(pl->db));
		return -1;
	}
	double *q = calloc(nl * NQ_MAX + 1, sizeof(*q)), *ms = calloc(nl * NQ_MAX + 1, sizeof(*ms));
	size_t *nq = calloc(nl + 1, sizeof(*nq));
	size_t *group = calloc(nl + 1, sizeof(size_t)), *rank = calloc(nl + 1, sizeof(size_t)),
	       *size = calloc(nl + 1, sizeof(size_t));
	struct strbuf g, d, note;
	sb_init(&g);
	sb_init(&d);
	sb_init(&note);
	int rc = -1;
	if (!q || !ms || !nq || !group || !rank || !size) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	double lo = INFINITY, hi = 0;
	size_t curves = 0;
	for (size_t l = 0; l < nl; l++) {
		sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, s->labels[l], -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 3, pt->sweep, -1, SQLITE_STATIC);
		while (sqlite3_step(st) == SQLITE_ROW && nq[l] < NQ_MAX) {
			double level = sqlite3_column_double(st, 0), x = sqlite3_column_double(st, 1);
			if (!(x > 0) || !isfinite(x) || !(level >= 0 && level <= 1))
				continue; /* below the log scale, or not a quantile */
			q[l * NQ_MAX + nq[l]] = level;
			ms[l * NQ_MAX + nq[l]++] = x;
			lo = x < lo ? x : lo;
			hi = x > hi ? x : hi;
		}
		sqlite3_reset(st);
		curves += nq[l] > 0;
	}
	if (curves == 0) {
		rc = 0; /* no latencies: no chart */
		goto out;
	}
	if (hi <= lo)
		hi = lo * 2;
	/* overlaps: the curves' log latencies, level by level */
	double *y = calloc(nl * NQ_MAX + 1, sizeof(*y));
	if (!y) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	for (size_t l = 0; l < nl; l++)
		for (size_t i = 0; i < NQ_MAX; i++)
			y[l * NQ_MAX + i] = i < nq[l] ? log(ms[l * NQ_MAX + i]) : NAN;
	plot_overlaps(y, nl, NQ_MAX, 0.012 * log(hi / lo), group, rank, size);
	free(y);
	char base[300];
	if (plot_base(pl, "latency-cdf", NULL, base, sizeof(base)) < 0) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	char desc[1024], title[1500];
	dbr_point_desc(s, pl->focus, desc, sizeof(desc));
	plot_header(&g, pl, base, "latency CDF per policy at one sweep point", 900, 620 + 20 * pl->keyed);
	sb_puts(&g, "set logscale x\nset xlabel 'latency of successful operations (ms, log scale)'\n"
		    "set ylabel 'fraction of operations at or below'\nset yrange [0:1.02]\n");
	sb_printf(&g, "set xrange [%.10g : %.10g]\n", lo / 1.15, hi * 1.15);
	log_ticks(&g, lo / 1.15, hi * 1.15);
	sb_puts(&g, "set key inside bottom right vertical Left reverse samplen 4 spacing 1.1 opaque\n");
	if (pl->keyed)
		sb_printf(&g, "set bmargin 5\n");
	snprintf(title, sizeof(title), "%s: latency CDF%s%s (%s)", s->name, s->naxes ? " at " : "",
		 s->naxes ? desc : "",
		 s->replications == 1 ? "one replication" : "quantiles averaged over replications");
	sb_puts(&g, "set title ");
	gp_quote(&g, title);
	sb_puts(&g, " font theme_title_font\n");
	for (size_t l = 0; l < nl; l++) {
		if (group[l] != l || size[l] < 2 || nq[l] == 0)
			continue;
		sb_puts(&note, note.len ? "; " : "overlapping, drawn as nested bands: ");
		for (size_t j = 0, i = 0; j < nl; j++)
			if (group[j] == l)
				sb_printf(&note, "%s%s", i++ ? " = " : "", pl->tags[j]);
	}
	double liney = 8.0 / (620 + 20 * pl->keyed);
	if (pl->keyed) {
		struct strbuf k;
		sb_init(&k);
		plot_key_text(pl, NULL, &k);
		sb_puts(&g, "set label 1 ");
		gp_quote(&g, k.s ? k.s : "");
		sb_printf(&g, " at screen 0.5, screen %.4f center font ',9'\n", liney);
		sb_free(&k);
	}
	if (note.len) {
		sb_puts(&g, "set label 2 ");
		gp_quote(&g, note.s);
		sb_puts(&g, " at graph 0.02, graph 0.97 left font ',9'\n");
	}
	sb_puts(&g, "plot \\\n");
	sb_puts(&d, "# latency_ms q, one block per label\n");
	bool first = true;
	for (size_t l = 0; l < nl; l++) {
		sb_puts(&d, "# label ");
		esc_gp_comment(&d, s->labels[l]);
		sb_puts(&d, "\n");
		for (size_t i = 0; i < nq[l]; i++)
			sb_printf(&d, "%.10g %.10g\n", ms[l * NQ_MAX + i], q[l * NQ_MAX + i]);
		sb_puts(&d, "\n\n");
		if (nq[l] == 0)
			continue;
		sb_printf(&g, "%s  '%s.dat' index %zu using 1:2 with lines lt %zu%s lw 2 + %zu * theme_overlap_lw title ",
			  first ? "" : ", \\\n", base, l, l + 1, size[l] > 1 ? " dt solid" : "",
			  size[l] - 1 - rank[l]);
		gp_quote(&g, pl->tags[l]);
		first = false;
	}
	sb_puts(&g, "\n");
	snprintf(title, sizeof(title), "latency CDF at %s", desc);
	rc = plot_finish(pl, base, title, &g, &d);
out:
	sqlite3_finalize(st);
	sb_free(&g);
	sb_free(&d);
	sb_free(&note);
	free(q);
	free(ms);
	free(nq);
	free(group);
	free(rank);
	free(size);
	return rc;
}
