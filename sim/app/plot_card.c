/*
 * plot_card.c - the scorecard: the policies side by side at one sweep
 * point, one panel per METRIC_CARD metric, a bar per policy with its 95%
 * confidence interval and its value written above it (to the precision
 * the report prints, so a bar of 0 still says 0).  Bars are labelled with
 * the short labels, and the key under the panels gives the full ones.  A
 * metric that is 0 for every policy at that point gets no panel; the
 * chart says which.
 */
#include "sim/app/plot.h"


#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"
#include "sim/app/report.h"
#include "sim/core/stats.h"

/* The foot, drawn with the last panel: the panels left out, the key of
 * the short labels. */
static void foot(const struct plotter *pl, struct strbuf *g, const char *zero, int height)
{
	double liney = 10.0 / height;
	sb_puts(g, "# the foot, at screen coordinates\n");
	if (zero) {
		struct strbuf t;
		sb_init(&t);
		sb_printf(&t, "0 for every policy here, so not drawn: %s", zero);
		sb_puts(g, "set label 2 ");
		gp_quote(g, t.s ? t.s : "");
		sb_printf(g, " at screen 0.5, screen %.4f center font ',9'\n", liney);
		liney += 22.0 / height;
		sb_free(&t);
	}
	if (pl->keyed) {
		struct strbuf k;
		sb_init(&k);
		plot_key_text(pl, NULL, &k);
		sb_puts(g, "set label 1 ");
		gp_quote(g, k.s ? k.s : "");
		sb_printf(g, " at screen 0.5, screen %.4f center font ',9'\n", liney);
		sb_free(&k);
	}
}

int plot_card_chart(struct plotter *pl)
{
	const struct dbr_scenario *s = pl->s;
	size_t nl = s->nlabels, f = pl->focus;
	struct strbuf g, d, zero;
	sb_init(&g);
	sb_init(&d);
	sb_init(&zero);
	const struct dbr_metric **panel = calloc(pl->ms->n + 1, sizeof(*panel));
	struct report_cell *cells = calloc(nl + 1, sizeof(*cells));
	char(*mean)[48] = calloc(nl + 1, sizeof(*mean)), (*half)[48] = calloc(nl + 1, sizeof(*half));
	int rc = -1;
	if (!panel || !cells || !mean || !half) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	/* the panels: METRIC_CARD metrics not 0 for every policy here */
	size_t npanels = 0;
	for (size_t i = 0; i < pl->ms->n; i++) {
		const struct dbr_metric *m = &pl->ms->m[i];
		if (!m->info || !(m->info->flags & METRIC_CARD))
			continue;
		bool nonzero = false, any = false;
		for (size_t l = 0; l < nl; l++) {
			size_t c = f * nl + l;
			any = any || m->vals.n[c] > 0;
			for (size_t k = 0; k < m->vals.n[c]; k++)
				nonzero = nonzero || m->vals.v[c][k] != 0;
		}
		if (nonzero)
			panel[npanels++] = m;
		else if (any)
			sb_printf(&zero, "%s%s", zero.len ? ", " : "", plot_title(m));
	}
	if (npanels == 0) {
		rc = 0;
		goto out;
	}
	char base[300];
	if (plot_base(pl, "scorecard", NULL, base, sizeof(base)) < 0) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	int cols = npanels == 4 ? 2 : npanels < 3 ? (int)npanels : 3;
	int rows = (int)((npanels + (size_t)cols - 1) / (size_t)cols);
	/* a bar's width: room for the longest line of the short labels */
	int slot = 62;
	for (size_t l = 0; l < nl; l++) {
		const char *t = pl->tags[l], *sp = strchr(t, ' ');
		int w = sp ? (int)(sp - t) : esc_width(t);
		if (sp && esc_width(sp + 1) > w)
			w = esc_width(sp + 1);
		slot = 7 * w + 16 > slot ? 7 * w + 16 : slot;
	}
	int pw = 90 + slot * (int)nl;
	pw = pw < 340 ? 340 : pw;
	/* Cairo draws nothing wider than 32767 pixels: with hundreds of
	 * policies the bars get narrower (and their labels crowd) instead */
	if (cols * pw + 40 > GP_MAX_PIXELS)
		pw = (GP_MAX_PIXELS - 40) / cols;
	int footh = 24 * (pl->keyed + (zero.len > 0)) + 16;
	int width = cols * pw + 40, height = rows * 310 + 90 + footh;
	char desc[1024], title[1500];
	dbr_point_desc(s, f, desc, sizeof(desc));
	plot_header(&g, pl, base, "the policies side by side at one sweep point", width, height);
	sb_printf(&g, "set boxwidth 0.7\nunset key\nset xrange [-0.6:%zu.6]\n", nl - 1);
	/* the short labels under the bars, on two lines where they have a space */
	sb_puts(&g, "set xtics scale 0 (");
	for (size_t l = 0; l < nl; l++) {
		const char *t = pl->tags[l], *sp = strchr(t, ' ');
		sb_puts(&g, l ? ", " : "");
		if (sp) {
			char head[64];
			snprintf(head, sizeof(head), "%.*s", (int)(sp - t), t);
			gp_quote(&g, head);
			sb_puts(&g, ".\"\\n\".");
			gp_quote(&g, sp + 1);
		} else {
			gp_quote(&g, t);
		}
		sb_printf(&g, " %zu", l);
	}
	sb_puts(&g, ")\n");
	double top = 1 - 72.0 / height, bottom = (double)(footh + 44) / height;
	sb_printf(&g, "set multiplot layout %d,%d margins 0.07,0.98,%.4f,%.4f spacing 0.07,%.4f title ", rows,
		  cols, bottom, top, 90.0 / height);
	snprintf(title, sizeof(title), "%s: the policies side by side%s%s (%s%lld replication%s)", s->name,
		 s->naxes ? " at " : "", s->naxes ? desc : "",
		 s->replications == 1 ? "" : "mean and 95% CI over ", (long long)s->replications,
		 s->replications == 1 ? ": no intervals" : "s");
	gp_quote(&g, title);
	sb_puts(&g, " font theme_title_font\n");
	sb_puts(&d, "# label_index \"short label\" mean ci95_half_width \"mean as the report prints it\",\n"
		    "# one block per metric\n");
	for (size_t k = 0; k < npanels; k++) {
		const struct dbr_metric *m = panel[k];
		sb_puts(&d, "# ");
		esc_gp_comment(&d, m->name);
		sb_puts(&d, "\n");
		double ymax = 0;
		for (size_t l = 0; l < nl; l++) {
			size_t c = f * nl + l;
			cells[l].n = m->vals.n[c];
			cells[l].mean = cells[l].half = NAN;
			if (cells[l].n)
				stats_mean_ci(m->vals.v[c], cells[l].n, 0.95, &cells[l].mean, &cells[l].half);
		}
		report_num_row(cells, nl, mean, half);
		for (size_t l = 0; l < nl; l++) {
			double mv = cells[l].n && isfinite(cells[l].mean) ? cells[l].mean : NAN;
			double hv = isfinite(cells[l].half) ? cells[l].half : 0;
			if (isfinite(mv) && mv + hv > ymax)
				ymax = mv + hv;
			sb_printf(&d, "%zu ", l);
			esc_dat_field(&d, pl->tags[l]);
			sb_printf(&d, " %.10g %.10g ", mv, hv);
			esc_dat_field(&d, cells[l].n ? mean[l] : "-");
			sb_puts(&d, "\n");
		}
		sb_puts(&d, "\n\n");
		char lab[400];
		plot_ylabel(m, lab, sizeof(lab));
		sb_puts(&g, "set title ");
		gp_quote(&g, lab);
		sb_printf(&g, "\nset yrange [0:%.10g]\n", ymax > 0 ? ymax * 1.18 : 1);
		if (k + 1 == npanels)
			foot(pl, &g, zero.len ? zero.s : NULL, height);
		sb_printf(&g,
			  "plot '%s.dat' index %zu using 1:3:4:($1+1) with boxerrorbars lc variable, \\\n"
			  "  '' index %zu using 1:($3+$4):5 with labels offset 0,0.8 font ',9'\n",
			  base, k, k);
	}
	sb_puts(&g, "unset multiplot\n");
	snprintf(title, sizeof(title), "the policies side by side at %s", desc);
	rc = plot_finish(pl, base, title, &g, &d);
out:
	sb_free(&g);
	sb_free(&d);
	sb_free(&zero);
	free(panel);
	free(cells);
	free(mean);
	free(half);
	return rc;
}
