/*
 * plot.c - what the chart writers share: short labels, file names,
 * overlapping series, writing and rendering a chart.  See plot.h.
 */
#include "sim/app/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"
#include "sim/app/scenario.h"

#define TAG_MAX 14 /* characters of a short label */

static bool tag_taken(char *const *tags, size_t n, const char *t)
{
	for (size_t i = 0; i < n; i++)
		if (tags[i] && strcmp(tags[i], t) == 0)
			return true;
	return false;
}

/* "lww(timestamps=server)" -> "lww server": the policy and the values of
 * its options, or "" when the label is not of that form. */
static void option_values(const char *label, const char *policy, char *out, size_t n)
{
	out[0] = '\0';
	size_t pl = strlen(policy), len = strlen(label);
	if (strncmp(label, policy, pl) != 0 || label[pl] != '(' || len < pl + 2 || label[len - 1] != ')')
		return;
	snprintf(out, n, "%s", policy);
	const char *p = label + pl + 1, *end = label + len - 1;
	while (p < end) {
		const char *comma = memchr(p, ',', (size_t)(end - p));
		const char *stop = comma ? comma : end;
		const char *eq = memchr(p, '=', (size_t)(stop - p));
		const char *v = eq ? eq + 1 : p;
		size_t have = strlen(out);
		snprintf(out + have, n - have, " %.*s", (int)(stop - v), v);
		p = stop + 1;
	}
}

int plot_tags(struct plotter *pl)
{
	const struct dbr_scenario *s = pl->s;
	pl->tags = calloc(s->nlabels + 1, sizeof(*pl->tags));
	if (!pl->tags)
		return -1;
	/* short labels first: they keep their text */
	for (size_t l = 0; l < s->nlabels; l++)
		if (esc_width(s->labels[l]) <= TAG_MAX && esc_is_visible(s->labels[l]))
			pl->tags[l] = strdup(s->labels[l]);
	for (size_t l = 0; l < s->nlabels; l++) {
		if (pl->tags[l])
			continue;
		char cand[256];
		option_values(s->labels[l], s->policies[l], cand, sizeof(cand));
		if (!cand[0] || esc_width(cand) > TAG_MAX || tag_taken(pl->tags, s->nlabels, cand) ||
		    !esc_is_visible(cand))
			snprintf(cand, sizeof(cand), "%s", s->policies[l]);
		if (esc_width(cand) > TAG_MAX || !esc_is_visible(cand))
			snprintf(cand, sizeof(cand), "P%zu", l + 1);
		if (tag_taken(pl->tags, s->nlabels, cand)) {
			char base[256];
			snprintf(base, sizeof(base), "%s", cand);
			for (int k = 2; tag_taken(pl->tags, s->nlabels, cand); k++)
				snprintf(cand, sizeof(cand), "%.200s %d", base, k);
		}
		pl->tags[l] = strdup(cand);
		pl->keyed = true;
	}
	for (size_t l = 0; l < s->nlabels; l++)
		if (!pl->tags[l])
			return -1;
	return 0;
}

void plot_grid_init(struct plot_grid *pg, int cols, int rows, int height, double keypx, double toppx)
{
	pg->cols = cols;
	pg->rows = rows;
	pg->height = height;
	pg->keyfrac = keypx / height;
	pg->pw = 1.0 / cols;
	pg->ph = (1 - pg->keyfrac - toppx / height) / rows;
}

void plot_grid_panel(struct strbuf *g, const struct plot_grid *pg, size_t k)
{
	size_t cols = (size_t)pg->cols;
	sb_printf(g, "\nset origin %.4f, %.4f\nset size %.4f, %.4f\n", (double)(k % cols) * pg->pw,
		  pg->keyfrac + (double)(pg->rows - 1 - (int)(k / cols)) * pg->ph, pg->pw, pg->ph);
}

void plot_grid_key(struct strbuf *g, const struct plot_grid *pg, int perrow, int samplen)
{
	sb_printf(g, "\n# the key\nset origin 0, 0\nset size 1, %.4f\nunset title\nunset xlabel\n"
		     "unset ylabel\nunset tics\nunset border\nunset grid\nunset logscale\nunset arrow\n"
		     "set xrange [0:1]\nset yrange [0:1]\n"
		     "set key at screen 0.5, screen %.4f center top horizontal Left reverse maxcols %d "
		     "samplen %d spacing 1.1\n",
		  pg->keyfrac, pg->keyfrac - 4.0 / pg->height, perrow, samplen);
}

void plot_key_plot(struct strbuf *g, const struct plotter *pl, const bool *has, size_t nl,
		   const char *with)
{
	sb_puts(g, "plot \\\n");
	bool first = true;
	for (size_t l = 0; l < nl; l++) {
		if (!has[l])
			continue;
		sb_printf(g, "%s  NaN with %s lt %zu title ", first ? "" : ", \\\n", with, l + 1);
		gp_quote(g, pl->tags[l]);
		first = false;
	}
	sb_puts(g, "\nunset multiplot\n");
}

void plot_key_text(const struct plotter *pl, const bool *shown, struct strbuf *b)
{
	bool first = true;
	for (size_t l = 0; l < pl->s->nlabels; l++) {
		if (strcmp(pl->tags[l], pl->s->labels[l]) == 0 || (shown && !shown[l]))
			continue;
		sb_printf(b, "%s%s = %s", first ? "" : "; ", pl->tags[l], pl->s->labels[l]);
		first = false;
	}
}

int plot_base(struct plotter *pl, const char *a, const char *b, char *out, size_t n)
{
	char fa[128], want[300];
	scenario_file_name(a, fa, sizeof(fa));
	if (b) {
		char fb[128];
		scenario_file_name(b, fb, sizeof(fb));
		snprintf(want, sizeof(want), "%s-vs-%s", fa, fb);
	} else {
		snprintf(want, sizeof(want), "%s", fa);
	}
	snprintf(out, n, "%s", want);
	for (int k = 2; tag_taken(pl->bases, pl->nbases, out); k++)
		snprintf(out, n, "%.250s-%d", want, k);
	char **nb = realloc(pl->bases, (pl->nbases + 1) * sizeof(*nb));
	if (!nb)
		return -1;
	pl->bases = nb;
	nb[pl->nbases] = strdup(out);
	return nb[pl->nbases] ? (int)(pl->nbases++, 0) : -1;
}

const char *plot_title(const struct dbr_metric *m)
{
	return m->info && m->info->title ? m->info->title : m->name;
}

void plot_ylabel(const struct dbr_metric *m, char *buf, size_t n)
{
	const char *unit = m->unit[0] ? m->unit
			   : m->info && (m->info->flags & METRIC_RATE) ? "fraction"
								       : "";
	snprintf(buf, n, "%s%s%s%s", plot_title(m), unit[0] ? " (" : "", unit, unit[0] ? ")" : "");
}

void plot_header(struct strbuf *g, const struct plotter *pl, const char *base, const char *what,
		 int width, int height)
{
	sb_puts(g, "# clobber chart: ");
	esc_gp_comment(g, what);
	sb_puts(g, "\n# scenario: ");
	esc_gp_comment(g, pl->s->name);
	sb_printf(g,
		  "\n# data: %s.dat beside this script.  Rerun by hand in this directory:\n"
		  "#   gnuplot %s.gp             draws %s.%s\n"
		  "#   gnuplot -c %s.gp svg      draws %s.svg (or png, pdf)\n"
		  "# The look (colours, dashes, fonts) comes from the theme loaded below.\n",
		  base, base, base, gp_ext(pl->format), base, base);
	if (pl->keyed) {
		struct strbuf k;
		sb_init(&k);
		plot_key_text(pl, NULL, &k);
		sb_puts(g, "# key: ");
		esc_gp_comment(g, k.s ? k.s : "");
		sb_puts(g, "\n");
		sb_free(&k);
	}
	sb_puts(g, "\n");
	gp_preamble(g, pl->theme, pl->format, width, height, base);
}

int plot_flat(struct plotter *pl, const char *name)
{
	for (size_t i = 0; i < pl->nflat; i++)
		if (strcmp(pl->flat[i], name) == 0)
			return 0;
	char **f = realloc(pl->flat, (pl->nflat + 1) * sizeof(*f));
	if (!f)
		return -1;
	pl->flat = f;
	f[pl->nflat] = strdup(name);
	return f[pl->nflat] ? (int)(pl->nflat++, 0) : -1;
}

int plot_finish(struct plotter *pl, const char *base, const char *title, struct strbuf *g,
		struct strbuf *d)
{
	char gp[300], dat[300];
	snprintf(gp, sizeof(gp), "%s.gp", base);
	snprintf(dat, sizeof(dat), "%s.dat", base);
	if (g->failed || d->failed) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		return -1;
	}
	if (gp_write(pl->dir, dat, d->s ? d->s : "", pl->err, sizeof(pl->err)) < 0 ||
	    gp_write(pl->dir, gp, g->s ? g->s : "", pl->err, sizeof(pl->err)) < 0 ||
	    gp_run(pl->dir, gp, pl->err, sizeof(pl->err)) < 0)
		return -1;
	if (pl->svg_too && strcmp(pl->format, "svg") != 0 &&
	    gp_run_arg(pl->dir, gp, "svg", pl->err, sizeof(pl->err)) < 0)
		return -1;
	fputs("  ", stdout);
	esc_term_fputs(pl->dir, stdout);
	printf("/%s.%s\n", base, gp_ext(pl->format));
	struct plot_chart *c = realloc(pl->charts, (pl->ncharts + 1) * sizeof(*c));
	if (!c) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		return -1;
	}
	pl->charts = c;
	c[pl->ncharts].base = strdup(base);
	c[pl->ncharts].title = strdup(title);
	if (!c[pl->ncharts].base || !c[pl->ncharts].title) {
		free(c[pl->ncharts].base);
		free(c[pl->ncharts].title);
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		return -1;
	}
	pl->ncharts++;
	return 0;
}

void plot_overlaps(const double *y, size_t n, size_t np, double tol, size_t *group, size_t *rank,
		   size_t *size)
{
	for (size_t i = 0; i < n; i++) {
		group[i] = i;
		rank[i] = 0;
		size[i] = 1;
	}
	for (size_t i = 1; i < n; i++)
		for (size_t j = 0; j < i; j++) {
			if (group[j] != j)
				continue; /* compare with the first of each group */
			bool same = true, any = false;
			for (size_t p = 0; p < np && same; p++) {
				double a = y[i * np + p], b = y[j * np + p];
				if (isnan(a) != isnan(b))
					same = false;
				else if (!isnan(a)) {
					any = true;
					same = fabs(a - b) <= tol;
				}
			}
			if (same && any) {
				group[i] = j;
				rank[i] = size[j]++;
				break;
			}
		}
	for (size_t i = 0; i < n; i++)
		size[i] = size[group[i]];
}
