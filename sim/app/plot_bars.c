/*
 * plot_bars.c - each METRIC_CHART metric against a sweep axis whose
 * values are not numbers (a replication strategy, a kind of fault): a
 * group of bars per value of that axis, a bar per label with its 95%
 * confidence interval over replications, one panel per combination of
 * the other axes' values, every panel on the same y range.  Line charts
 * need a numeric axis (plot_axis.c); this is how a sweep of names, such
 * as each policy x strategy under each fault, gets charts at all.
 *
 * The axis drawn is the one of most values among those that are not
 * numeric (the last written of them on a tie: the sweep's inner axis);
 * every other axis makes panels,
 * at most MAX_PANELS of them.  A metric that is 0 everywhere is listed
 * as not drawn (plot_flat), as on the line charts.
 */
#include "sim/app/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"
#include "sim/core/stats.h"

#define MAX_PANELS 24
#define MAX_VALUES 64 /* values of the axis drawn */

/* Whether every value of axis a is a number (a line chart's axis). */
static bool numeric_axis(const struct dbr_scenario *s, size_t a)
{
	for (size_t p = 0; p < s->npoints; p++)
		if (!isfinite(s->points[p].axis_num[a]))
			return false;
	return true;
}

/* The layout of one chart: the values of the axis drawn (categories),
 * the panels (the other axes' values), and where each point goes. */
struct bars_layout {
	size_t a;		/* the axis drawn */
	char **value;		/* [nvalues]: its values, in point order */
	size_t nvalues;
	char **panel;		/* [npanels]: "strategy=quorum", or "" */
	size_t npanels;
	size_t *value_of, *panel_of; /* [npoints] */
};

static void layout_free(struct bars_layout *b, size_t npoints)
{
	for (size_t i = 0; b->value && i < npoints; i++)
		free(b->value[i]);
	for (size_t i = 0; b->panel && i < npoints; i++)
		free(b->panel[i]);
	free(b->value);
	free(b->panel);
	free(b->value_of);
	free(b->panel_of);
}

/* Finds s in names[0..*n), adding it if absent; its index, or SIZE_MAX
 * when out of memory. */
static size_t intern(char **names, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp(names[i], s) == 0)
			return i;
	names[*n] = strdup(s);
	return names[*n] ? (*n)++ : SIZE_MAX;
}

static int layout_make(const struct dbr_scenario *s, size_t a, struct bars_layout *b)
{
	memset(b, 0, sizeof(*b));
	b->a = a;
	size_t np = s->npoints;
	b->value = calloc(np + 1, sizeof(*b->value));
	b->panel = calloc(np + 1, sizeof(*b->panel));
	b->value_of = calloc(np + 1, sizeof(*b->value_of));
	b->panel_of = calloc(np + 1, sizeof(*b->panel_of));
	if (!b->value || !b->panel || !b->value_of || !b->panel_of)
		return -1;
	for (size_t p = 0; p < np; p++) {
		struct strbuf key;
		sb_init(&key);
		for (size_t o = 0; o < s->naxes; o++)
			if (o != a)
				sb_printf(&key, "%s%s=%s", key.len ? " " : "", s->axes[o], s->points[p].axis_text[o]);
		b->value_of[p] = intern(b->value, &b->nvalues, s->points[p].axis_text[a]);
		b->panel_of[p] = key.failed ? SIZE_MAX : intern(b->panel, &b->npanels, key.s ? key.s : "");
		sb_free(&key);
		if (b->value_of[p] == SIZE_MAX || b->panel_of[p] == SIZE_MAX)
			return -1;
	}
	return 0;
}

/* The mean and half-width of label l at point p. */
static bool cell(const struct dbr_values *v, size_t p, size_t l, double *mean, double *half)
{
	size_t c = p * v->nlabels + l;
	if (v->n[c] == 0)
		return false;
	stats_mean_ci(v->v[c], v->n[c], 0.95, mean, half);
	if (!isfinite(*half))
		*half = 0;
	return isfinite(*mean);
}

/* One chart: metric m against the layout's axis. */
static int chart(struct plotter *pl, const struct dbr_metric *m, const struct bars_layout *b)
{
	const struct dbr_scenario *s = pl->s;
	const struct dbr_values *v = &m->vals;
	size_t nl = s->nlabels, np = s->npoints;
	size_t npanels = b->npanels < MAX_PANELS ? b->npanels : MAX_PANELS;
	size_t nvalues = b->nvalues < MAX_VALUES ? b->nvalues : MAX_VALUES;
	struct strbuf g, d, keytext;
	sb_init(&g);
	sb_init(&d);
	sb_init(&keytext);
	bool *has = calloc(nl + 1, sizeof(*has));
	int rc = -1;
	if (!has) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	/* the shared y range, and which labels have the metric */
	double ylo = 0, yhi = 0;
	size_t shown = 0;
	for (size_t l = 0; l < nl; l++) {
		for (size_t p = 0; p < np; p++) {
			double mean, half;
			if (b->panel_of[p] >= npanels || b->value_of[p] >= nvalues || !cell(v, p, l, &mean, &half))
				continue;
			has[l] = true;
			ylo = mean - half < ylo ? mean - half : ylo;
			yhi = mean + half > yhi ? mean + half : yhi;
		}
		shown += has[l];
	}
	if (m->info && (m->info->flags & METRIC_RATE) && yhi <= 1 && yhi > 0.5)
		yhi = 1;
	if (yhi <= ylo)
		yhi = ylo + 1;
	char base[300];
	if (plot_base(pl, m->name, s->axes[b->a], base, sizeof(base)) < 0) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	/* a group of bars per value: each bar this wide, side by side */
	double w = 0.8 / (double)(shown ? shown : 1);
	int cols = npanels == 4 ? 2 : npanels < 3 ? (int)npanels : 3;
	int rows = (int)((npanels + (size_t)cols - 1) / (size_t)cols);
	char title[900], what[700], lab[400];
	snprintf(title, sizeof(title), "%s: %s by %s (mean and 95%% CI over %lld replication%s)", s->name,
		 plot_title(m), s->axes[b->a], (long long)s->replications,
		 s->replications == 1 ? ": no intervals" : "s");
	if (pl->keyed)
		plot_key_text(pl, has, &keytext);
	/* a panel wide enough for its groups' names and bars */
	int longest = 4;
	for (size_t i = 0; i < nvalues; i++)
		longest = esc_width(b->value[i]) > longest ? esc_width(b->value[i]) : longest;
	int per_group = 7 * longest + 16 > 14 * (int)shown + 20 ? 7 * longest + 16 : 14 * (int)shown + 20;
	int pw_px = 90 + per_group * (int)nvalues;
	pw_px = pw_px < 380 ? 380 : pw_px;
	int width = cols * pw_px + 40, need = 8 * esc_width(title) + 40;
	width = need > width ? need : width;
	need = 7 * (int)keytext.len + 40;
	width = need > width ? need : width;
	width = width > 4000 ? 4000 : width;
	int perrow = width / 210 > 0 ? width / 210 : 1;
	int keyrows = ((int)shown + perrow - 1) / perrow + 1 + (keytext.len > 0);
	int height = 330 * rows + 60 + 20 * keyrows;
	snprintf(what, sizeof(what), "%s by %s, a bar per policy, 95%% CI", plot_title(m), s->axes[b->a]);
	plot_header(&g, pl, base, what, width, height);
	plot_ylabel(m, lab, sizeof(lab));
	sb_puts(&g, "ylabel_text = ");
	gp_quote(&g, lab);
	double pad = 0.04 * (yhi - ylo);
	sb_printf(&g, "\n\n# y: the same range in every panel; for each panel's own, set yrange [*:*]\n"
		      "set yrange [%.10g : %.10g]\nset key off\nset boxwidth %.4f\n"
		      "set style fill solid 0.6 border lc rgb '#303030'\nset xrange [-0.6 : %zu.6]\n",
		  ylo < 0 ? ylo - pad : 0, yhi + pad, w * 0.92, nvalues - 1);
	sb_puts(&g, "set xlabel ");
	gp_quote(&g, s->axes[b->a]);
	sb_puts(&g, "\nset xtics scale 0 (");
	for (size_t i = 0; i < nvalues; i++) {
		sb_puts(&g, i ? ", " : "");
		gp_quote(&g, b->value[i]);
		sb_printf(&g, " %zu", i);
	}
	sb_puts(&g, ")\nset grid noxtics ytics\n");
	struct plot_grid pg;
	plot_grid_init(&pg, cols, rows, height, 20.0 * keyrows + 16, 44);
	sb_puts(&g, "\nset multiplot title ");
	gp_quote(&g, title);
	sb_puts(&g, " font theme_title_font\n");
	sb_puts(&d, "# ");
	esc_gp_comment(&d, m->name);
	sb_puts(&d, " by ");
	esc_gp_comment(&d, s->axes[b->a]);
	sb_puts(&d, ": bar_x mean ci95_half_width value_index \"value\", one block per (panel, label);\n"
		    "# each block starts with a NaN row, so that no block is empty\n");
	int block = 0;
	for (size_t k = 0; k < npanels; k++) {
		plot_grid_panel(&g, &pg, k);
		sb_puts(&g, "set title ");
		gp_quote(&g, b->panel[k]);
		sb_puts(&g, k % (size_t)cols == 0 ? "\nset ylabel ylabel_text\n" : "\nunset ylabel\n");
		sb_puts(&g, "plot \\\n");
		size_t nth = 0;
		for (size_t l = 0; l < nl; l++) {
			if (!has[l])
				continue;
			double shift = ((double)nth - (double)(shown - 1) / 2) * w;
			sb_puts(&d, "# panel ");
			esc_gp_comment(&d, b->panel[k]);
			sb_puts(&d, ", label ");
			esc_gp_comment(&d, s->labels[l]);
			sb_puts(&d, "\nNaN NaN NaN NaN \"\"\n");
			for (size_t p = 0; p < np; p++) {
				double mean, half;
				if (b->panel_of[p] != k || b->value_of[p] >= nvalues || !cell(v, p, l, &mean, &half))
					continue;
				sb_printf(&d, "%.10g %.10g %.10g %zu ", (double)b->value_of[p] + shift, mean, half,
					  b->value_of[p]);
				esc_dat_field(&d, b->value[b->value_of[p]]);
				sb_puts(&d, "\n");
			}
			sb_puts(&d, "\n\n");
			/* a point on each bar's top, so that a bar of 0 still shows */
			sb_printf(&g, "%s  '%s.dat' index %d using 1:2:3 with boxerrorbars lt %zu dt solid lw 1 notitle, \\\n"
				      "  '' index %d using 1:2 with points lt %zu pt 7 ps 0.5 notitle",
				  nth ? ", \\\n" : "", base, block, l + 1, block, l + 1);
			nth++;
			block++;
		}
		sb_puts(&g, "\n");
	}
	/* the key, once, in the bottom strip */
	plot_grid_key(&g, &pg, perrow, 2);
	if (keytext.len) {
		sb_printf(&g, "set label 1 ");
		gp_quote(&g, keytext.s ? keytext.s : "");
		sb_printf(&g, " at screen 0.5, screen %.4f center font ',9'\n", 8.0 / height);
	}
	plot_key_plot(&g, pl, has, nl, "boxes dt solid");
	snprintf(title, sizeof(title), "%s by %s", plot_title(m), s->axes[b->a]);
	rc = plot_finish(pl, base, title, &g, &d);
out:
	sb_free(&g);
	sb_free(&d);
	sb_free(&keytext);
	free(has);
	return rc;
}

int plot_bar_charts(struct plotter *pl)
{
	const struct dbr_scenario *s = pl->s;
	/* the axis: of those not numeric, the one of most values */
	size_t best = SIZE_MAX, most = 0;
	for (size_t a = 0; a < s->naxes; a++) {
		if (numeric_axis(s, a))
			continue;
		size_t n = 0;
		for (size_t p = 0; p < s->npoints; p++) {
			bool seen = false;
			for (size_t q = 0; q < p && !seen; q++)
				seen = strcmp(s->points[q].axis_text[a], s->points[p].axis_text[a]) == 0;
			n += !seen;
		}
		if (n >= most) {
			most = n;
			best = a;
		}
	}
	if (best == SIZE_MAX)
		return 0;
	struct bars_layout b;
	int rc = -1;
	if (layout_make(s, best, &b) < 0) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	for (size_t i = 0; i < pl->ms->n; i++) {
		const struct dbr_metric *m = &pl->ms->m[i];
		if (!m->info || !(m->info->flags & METRIC_CHART))
			continue;
		if (!m->nonzero) {
			if (plot_flat(pl, m->name) < 0) {
				snprintf(pl->err, sizeof(pl->err), "out of memory");
				goto out;
			}
			continue;
		}
		if (chart(pl, m, &b) < 0)
			goto out;
	}
	rc = 0;
out:
	layout_free(&b, s->npoints);
	return rc;
}
