/*
 * plot_axis.c - each METRIC_CHART metric against each numeric sweep axis:
 * one line per policy, 95% confidence intervals as error bars, one panel
 * per value of the other axes, every panel on the same y range (the
 * script says how to free it).
 *
 * The x axis says what it is: its unit (from the values as written:
 * durations in ms, rates per second; for plain numbers, the unit the
 * scenario key's description gives, such as parts per million), the key
 * the axis sets when it sets exactly one, and "log scale" when it is one
 * (positive values spread over more than 1.5 decades), with a tick at
 * every swept value.  A value 0 that the key documents as special (a sync
 * period of 0: never) is drawn as its own category at the right, apart
 * from the numbers; a plain 0 on a log axis as a category at the left.
 *
 * Lines that overlap stay visible: each policy has its own colour, dash
 * pattern and point shape (the theme), and within a panel the series that
 * overlap (within 1.2% of the axis height everywhere) are drawn as nested
 * bands, each wider than the one drawn after it; every series' points are
 * moved a little sideways (theme_dodge), so that no marker hides another;
 * the key lists the series that overlap in every panel.
 *
 * The y axis is linear, or a log scale for a metric that is not a rate
 * whose values are all positive and spread over a decade or more (a
 * throughput or a latency across a geometric sweep), with ticks at 1, 2
 * and 5 of every decade.
 */
#include "sim/app/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"
#include "sim/app/schema.h"
#include "sim/core/field.h"
#include "sim/core/stats.h"
#include "sim/core/units.h"

#define MAX_PANELS 24
#define OVERLAP_TOL 0.012 /* of the y range */

/* What an axis is, for drawing it. */
struct xaxis {
	size_t a;		/* index in the scenario's axes */
	const char *unit;	/* "ms", "/s", "" */
	char unit_words[64];	/* for plain numbers: the key's unit, if it says one */
	char drives[128];	/* the scenario key the axis sets, or "" */
	char zero_means[32];	/* what 0 means for that key ("never"), or "" */
	bool log;
	bool zero_left;		/* a 0 drawn as a category left of a log axis */
	bool zero_right;	/* a 0 that means zero_means, at the right */
	double lo, hi;		/* the numeric values' range (0 excluded when a category) */
};

/* The field a params path names ("clocks.sync.period", or
 * "policy.options.lease" of policy `policy`), or NULL. */
static const struct field *field_of(const char *path, const char *policy)
{
	static const char opts[] = "policy.options.";
	if (strncmp(path, opts, sizeof(opts) - 1) == 0) {
		const struct policy *p = registry_find(policy);
		return p ? field_find(p->options, path + sizeof(opts) - 1) : NULL;
	}
	return field_find(schema_top, path);
}

/* The parameters of the first run of label l at point p, or NULL. */
static char *params_at(sqlite3 *db, const struct dbr_scenario *s, size_t l, size_t p)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT params FROM runs WHERE scenario=? AND label=? AND "
			       "coalesce(json_extract(params, '$.sweep'), '{}') = ? ORDER BY replication, id LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, s->labels[l], -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 3, s->points[p].sweep, -1, SQLITE_STATIC);
	char *params = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		params = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return params;
}

/* The one scenario key whose value changes with axis a alone, by
 * comparing the parameters of two points that differ only in it. */
static void find_drives(sqlite3 *db, const struct dbr_scenario *s, struct xaxis *x)
{
	x->drives[0] = '\0';
	for (size_t p = 0; p < s->npoints; p++)
		for (size_t q = p + 1; q < s->npoints; q++) {
			bool only_a = strcmp(s->points[p].axis_text[x->a], s->points[q].axis_text[x->a]) != 0;
			for (size_t b = 0; b < s->naxes && only_a; b++)
				if (b != x->a && strcmp(s->points[p].axis_text[b], s->points[q].axis_text[b]) != 0)
					only_a = false;
			if (!only_a || s->nlabels == 0)
				continue;
			char *u = params_at(db, s, 0, p), *v = params_at(db, s, 0, q);
			sqlite3_stmt *st = NULL;
			if (u && v &&
			    sqlite3_prepare_v2(db,
					       "SELECT substr(a.fullkey, 3) FROM json_tree(?1) a JOIN json_tree(?2) b "
					       "ON a.fullkey = b.fullkey WHERE a.type NOT IN ('object', 'array') AND "
					       "a.atom IS NOT b.atom AND a.fullkey NOT LIKE '$.sweep%' AND "
					       "a.fullkey NOT IN ('$.seed', '$.replication') LIMIT 2",
					       -1, &st, NULL) == SQLITE_OK) {
				sqlite3_bind_text(st, 1, u, -1, SQLITE_STATIC);
				sqlite3_bind_text(st, 2, v, -1, SQLITE_STATIC);
				int rows = 0;
				char path[128] = "";
				while (sqlite3_step(st) == SQLITE_ROW && rows < 2) {
					const char *k = (const char *)sqlite3_column_text(st, 0);
					if (rows++ == 0 && k)
						snprintf(path, sizeof(path), "%s", k);
				}
				if (rows == 1 && esc_is_visible(path))
					snprintf(x->drives, sizeof(x->drives), "%s", path);
			}
			sqlite3_finalize(st);
			free(u);
			free(v);
			return;
		}
}

/* What the key says of its value 0 and of its unit. */
static void key_meaning(const struct dbr_scenario *s, struct xaxis *x)
{
	x->zero_means[0] = x->unit_words[0] = '\0';
	if (!x->drives[0])
		return;
	const struct field *f = field_of(x->drives, s->nlabels ? s->policies[0] : "");
	if (!f)
		return;
	/* a default documented as "`0` (never)" */
	static const char zero[] = "`0` (";
	if (f->def && strcmp(f->def, "0") == 0 && f->def_doc &&
	    strncmp(f->def_doc, zero, sizeof(zero) - 1) == 0) {
		const char *w = f->def_doc + sizeof(zero) - 1, *end = strchr(w, ')');
		if (end && end - w < (long)sizeof(x->zero_means))
			snprintf(x->zero_means, sizeof(x->zero_means), "%.*s", (int)(end - w), w);
	}
	/* a description ending ", in parts per million" */
	const char *in = f->help ? strstr(f->help, ", in ") : NULL;
	if (in && !strchr(in + 5, ','))
		snprintf(x->unit_words, sizeof(x->unit_words), "%s", in + 5);
}

/* The axis, or false when it is not numeric. */
static bool analyse(const struct plotter *pl, size_t a, struct xaxis *x)
{
	const struct dbr_scenario *s = pl->s;
	memset(x, 0, sizeof(*x));
	x->a = a;
	bool duration = false, rate = false, zero = false;
	x->lo = INFINITY;
	x->hi = -INFINITY;
	for (size_t p = 0; p < s->npoints; p++) {
		const char *t = s->points[p].axis_text[a];
		double v = s->points[p].axis_num[a], num;
		if (isnan(v) || !isfinite(v))
			return false;
		if (units_number(t, &num, NULL) != 0) {
			if (units_duration(t, &num, NULL) == 0)
				duration = true;
			else
				rate = true;
		}
		if (v == 0) {
			zero = true;
			continue;
		}
		x->lo = v < x->lo ? v : x->lo;
		x->hi = v > x->hi ? v : x->hi;
	}
	x->unit = duration ? "ms" : rate ? "/s" : "";
	find_drives(pl->db, s, x);
	key_meaning(s, x);
	/* log scale: positive values over a decade or more, bunched at the
	 * low end (a geometric sweep such as 2, 8, 32, 64 or 4, 16, 64) */
	double sum = 0;
	size_t npos = 0;
	for (size_t p = 0; p < s->npoints; p++) {
		double v = s->points[p].axis_num[a];
		if (v > 0) {
			sum += v;
			npos++;
		}
	}
	bool spread = x->lo > 0 && x->hi / x->lo >= 10 && npos > 0 &&
		      sum / (double)npos < x->lo + 0.45 * (x->hi - x->lo);
	x->zero_right = zero && x->zero_means[0];
	x->log = spread && (x->lo > 0);
	x->zero_left = zero && !x->zero_right && x->log;
	if (zero && !x->log && !x->zero_right)
		x->lo = x->lo < 0 ? x->lo : 0;
	if (!isfinite(x->lo)) /* only zeros */
		x->lo = x->hi = 0;
	return true;
}

/* "skew (ms, log scale; clocks.offset)": the unit, the scale, and the
 * scenario key the axis sets when it is not the axis's own name. */
static void xlabel(const struct dbr_scenario *s, const struct xaxis *x, char *buf, size_t n)
{
	const char *unit = x->unit[0] ? x->unit : x->unit_words;
	bool key = x->drives[0] && strcmp(x->drives, s->axes[x->a]) != 0;
	struct strbuf b;
	sb_init(&b);
	if (unit[0])
		sb_puts(&b, unit);
	if (x->log)
		sb_printf(&b, "%slog scale", b.len ? ", " : "");
	if (key)
		sb_printf(&b, "%s%s", b.len ? "; " : "", x->drives);
	snprintf(buf, n, "%s%s%s%s", s->axes[x->a], b.len ? " (" : "", b.s ? b.s : "", b.len ? ")" : "");
	sb_free(&b);
}

/* The script's x mapping: where categories go, the dodge, the range. */
static void x_setup(struct strbuf *g, const struct plotter *pl, const struct xaxis *x)
{
	const struct dbr_scenario *s = pl->s;
	double lo = x->lo, hi = x->hi;
	if (hi <= lo) {
		lo = lo == 0 ? -1 : lo * 0.5;
		hi = hi == 0 ? 1 : hi * 1.5;
	}
	sb_puts(g, "\n# x: the swept values; ");
	if (x->log) {
		double span = log(hi / lo);
		sb_printf(g, "log scale\nset logscale x\nXLO = %.10g\nXHI = %.10g\n", lo, hi);
		sb_printf(g, "xzero_left = XLO * exp(-0.14 * %.10g)\nxzero_right = XHI * exp(0.14 * %.10g)\n",
			  span, span);
		sb_printf(g, "xd(x, k) = x * exp(k * theme_dodge * %.10g)\n", span);
		sb_printf(g, "set xrange [XLO * exp(-%.3f * %.10g) : XHI * exp(%.3f * %.10g)]\n",
			  x->zero_left ? 0.22 : 0.06, span, x->zero_right ? 0.22 : 0.06, span);
	} else {
		double span = hi - lo;
		sb_printf(g, "linear scale\nXLO = %.10g\nXHI = %.10g\n", lo, hi);
		sb_printf(g, "xzero_left = XLO\nxzero_right = XHI + 0.14 * %.10g\n", span);
		sb_printf(g, "xd(x, k) = x + k * theme_dodge * %.10g\n", span);
		sb_printf(g, "set xrange [XLO - 0.05 * %.10g : XHI + %.3f * %.10g]\n", span,
			  x->zero_right ? 0.22 : 0.05, span);
	}
	sb_printf(g, "xc(x) = x == 0 ? %s : x\n",
		  x->zero_right ? "xzero_right" : x->zero_left ? "xzero_left" : "0");
	/* a category stands apart from the numbers, behind a faint line */
	if (x->zero_left || x->zero_right)
		sb_printf(g, "set arrow 1 from %s, graph 0 to %s, graph 1 nohead back dt 3 lc rgb '#b0b0b0'\n",
			  x->zero_right ? (x->log ? "sqrt(XHI * xzero_right)" : "(XHI + xzero_right) / 2")
					: "sqrt(XLO * xzero_left)",
			  x->zero_right ? (x->log ? "sqrt(XHI * xzero_right)" : "(XHI + xzero_right) / 2")
					: "sqrt(XLO * xzero_left)");
	/* ticks: every swept value as written on a log axis, a category's name */
	bool listed = x->log;
	if (listed) {
		sb_puts(g, "set xtics (");
		size_t k = 0;
		for (size_t p = 0; p < s->npoints; p++) {
			double v = s->points[p].axis_num[x->a];
			bool seen = false;
			for (size_t q = 0; q < p && !seen; q++)
				seen = s->points[q].axis_num[x->a] == v;
			if (seen || (v == 0 && x->zero_right))
				continue;
			sb_puts(g, k++ ? ", " : "");
			gp_quote(g, s->points[p].axis_text[x->a]);
			sb_printf(g, " %s", v == 0 ? "xzero_left" : "");
			if (v != 0)
				sb_printf(g, "%.10g", v);
		}
		sb_puts(g, ")\nset mxtics default\n");
	}
	if (x->zero_right) {
		sb_puts(g, "set xtics add (");
		gp_quote(g, x->zero_means);
		sb_puts(g, " xzero_right)\n");
	}
}

/* y ticks at 1, 2 and 5 times each power of ten within [lo, hi]. */
static void y_log_ticks(struct strbuf *g, double lo, double hi)
{
	sb_puts(g, "set ytics (");
	int k = 0;
	for (int e = (int)floor(log10(lo)) - 1; e <= (int)ceil(log10(hi)) + 1; e++)
		for (int i = 0; i < 3; i++) {
			static const double steps[] = {1, 2, 5};
			double t = steps[i] * pow(10, e);
			if (t >= lo * 0.999 && t <= hi * 1.001)
				sb_printf(g, "%s'%g' %.10g", k++ ? ", " : "", t, t);
		}
	sb_puts(g, ")\nset mytics default\n");
}

/* The mean and half-width of label l at point p (half 0 without one). */
static bool cell_ci(const struct dbr_values *v, size_t p, size_t l, double *mean, double *half)
{
	size_t c = p * v->nlabels + l;
	if (v->n[c] == 0)
		return false;
	stats_mean_ci(v->v[c], v->n[c], 0.95, mean, half);
	if (!isfinite(*half))
		*half = 0;
	return isfinite(*mean);
}

struct panels {
	char **name;	/* "c=4 keys=zipf(0.5)" */
	size_t *of;	/* [npoints]: each point's panel */
	size_t n;
};

/* The overlaps of the series of panel k (plot_overlaps), on the values
 * drawn (their logs on a log axis); y is room for nlabels x npoints. */
static void panel_overlaps(const struct dbr_values *v, const struct panels *pn, size_t k,
			   const bool *has, bool ylog, double tol, double *y, size_t *group,
			   size_t *rank, size_t *size)
{
	size_t nl = v->nlabels, np = v->npoints;
	for (size_t l = 0; l < nl; l++)
		for (size_t p = 0; p < np; p++) {
			double mean, half;
			y[l * np + p] = pn->of[p] == k && has[l] && cell_ci(v, p, l, &mean, &half)
						? (ylog ? log(mean) : mean)
						: NAN;
		}
	plot_overlaps(y, nl, np, tol, group, rank, size);
}

static void panels_free(struct panels *pn, size_t npoints)
{
	for (size_t k = 0; pn->name && k < npoints; k++)
		free(pn->name[k]);
	free(pn->name);
	free(pn->of);
}

/* Panels: the distinct values of the other axes, in point order; a 0
 * that means something for its key says so (zero_means[b]: "never"). */
static int panels_make(const struct dbr_scenario *s, size_t a, char (*zero_means)[32],
		       struct panels *pn)
{
	pn->name = calloc(s->npoints + 1, sizeof(*pn->name));
	pn->of = calloc(s->npoints + 1, sizeof(*pn->of));
	pn->n = 0;
	if (!pn->name || !pn->of)
		return -1;
	for (size_t p = 0; p < s->npoints; p++) {
		struct strbuf key;
		sb_init(&key);
		for (size_t b = 0; b < s->naxes; b++)
			if (b != a)
				sb_printf(&key, "%s%s=%s%s%s%s", key.len ? " " : "", s->axes[b],
					  s->points[p].axis_text[b],
					  s->points[p].axis_num[b] == 0 && zero_means[b][0] ? " (" : "",
					  s->points[p].axis_num[b] == 0 ? zero_means[b] : "",
					  s->points[p].axis_num[b] == 0 && zero_means[b][0] ? ")" : "");
		const char *k = key.s ? key.s : "";
		size_t i = 0;
		while (i < pn->n && strcmp(pn->name[i], k) != 0)
			i++;
		if (i == pn->n) {
			pn->name[pn->n] = strdup(k);
			if (!pn->name[pn->n++]) {
				sb_free(&key);
				return -1;
			}
		}
		pn->of[p] = i;
		sb_free(&key);
	}
	return 0;
}

/* One chart: metric m against axis x. */
static int chart(struct plotter *pl, const struct dbr_metric *m, const struct xaxis *x,
		 char (*zero_means)[32])
{
	const struct dbr_scenario *s = pl->s;
	const struct dbr_values *v = &m->vals;
	size_t nl = s->nlabels, np = s->npoints;
	struct panels pn = {0};
	bool *has = calloc(nl + 1, sizeof(*has));
	double *y = calloc(nl * np + 1, sizeof(*y));
	size_t *group = calloc(nl + 1, sizeof(size_t)), *rank = calloc(nl + 1, sizeof(size_t)),
	       *size = calloc(nl + 1, sizeof(size_t)), *everywhere = calloc(nl + 1, sizeof(size_t));
	struct strbuf g, d, note, keytext, bars, points;
	sb_init(&g);
	sb_init(&d);
	sb_init(&bars);
	sb_init(&points);
	sb_init(&note);
	sb_init(&keytext);
	int rc = -1;
	if (!has || !y || !group || !rank || !size || !everywhere) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	if (panels_make(s, x->a, zero_means, &pn) < 0) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	size_t npanels = pn.n < MAX_PANELS ? pn.n : MAX_PANELS;
	/* the shared y range, and which labels have the metric; a metric
	 * whose values are all positive and spread over a decade or more (a
	 * throughput or a latency across a geometric sweep) goes on a log
	 * scale, where each panel's lines can be read on the one range */
	double ylo = 0, yhi = 0, mlo = INFINITY;
	bool positive = !(m->info && (m->info->flags & METRIC_RATE));
	size_t shown = 0;
	for (size_t l = 0; l < nl; l++) {
		for (size_t p = 0; p < np; p++) {
			double mean, half;
			/* panels past MAX_PANELS are not drawn; panels_make() set pn.n,
			 * which cppcheck does not follow through the pointer */
			// cppcheck-suppress knownConditionTrueFalse
			if (pn.of[p] >= npanels || !cell_ci(v, p, l, &mean, &half))
				continue;
			has[l] = true;
			ylo = mean - half < ylo ? mean - half : ylo;
			yhi = mean + half > yhi ? mean + half : yhi;
			positive = positive && mean > 0;
			mlo = mean < mlo ? mean : mlo;
			if (mean - half > 0 && mean - half < mlo)
				mlo = mean - half;
		}
		shown += has[l];
	}
	bool ylog = positive && isfinite(mlo) && yhi >= 10 * mlo;
	if (m->info && (m->info->flags & METRIC_RATE) && yhi <= 1 && yhi > 0.5)
		yhi = 1;
	if (yhi <= ylo)
		yhi = ylo + 1;
	double pad = 0.04 * (yhi - ylo);
	if (ylog)
		ylo = mlo;
	/* overlaps within a share of the axis: of its height, or of its
	 * decades on a log scale (compared on the logs of the values) */
	double tol = ylog ? OVERLAP_TOL * log(yhi / ylo) : OVERLAP_TOL * (yhi - ylo);
	char base[300];
	if (plot_base(pl, m->name, s->axes[x->a], base, sizeof(base)) < 0) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	/* overlaps that hold in every panel, for the key */
	for (size_t k = 0; k < npanels; k++) {
		panel_overlaps(v, &pn, k, has, ylog, tol, y, group, rank, size);
		for (size_t l = 0; l < nl; l++)
			if (k == 0)
				everywhere[l] = group[l];
			else if (everywhere[l] != group[l])
				everywhere[l] = SIZE_MAX; /* not the same group in this panel */
	}
	/* what overlaps in every panel, and the key of the short labels */
	for (size_t l = 0; l < nl; l++) {
		if (!has[l] || everywhere[l] != l)
			continue;
		size_t members = 0;
		for (size_t j = 0; j < nl; j++)
			members += has[j] && everywhere[j] == l;
		if (members < 2)
			continue;
		sb_puts(&note, note.len ? "; " : "overlapping everywhere, drawn as nested bands: ");
		bool zero = true;
		for (size_t j = 0, i = 0; j < nl; j++) {
			if (!has[j] || everywhere[j] != l)
				continue;
			sb_printf(&note, "%s%s", i++ ? " = " : "", pl->tags[j]);
			for (size_t p = 0; p < np; p++) {
				double mean, half;
				if (cell_ci(v, p, j, &mean, &half) && mean != 0)
					zero = false;
			}
		}
		if (zero)
			sb_puts(&note, " (all 0)");
	}
	int cols = npanels == 4 ? 2 : npanels < 3 ? (int)npanels : 3;
	int rows = (int)((npanels + (size_t)cols - 1) / (size_t)cols);
	char what[700], title[900], lab[400];
	snprintf(title, sizeof(title), "%s: %s against %s (mean and 95%% CI over %lld replication%s)",
		 s->name, plot_title(m), s->axes[x->a], (long long)s->replications,
		 s->replications == 1 ? ": no intervals" : "s");
	if (pl->keyed)
		plot_key_text(pl, has, &keytext);
	/* wide enough for the title and the notes (about 7.5 and 6.5 pixels a
	 * character at the theme's sizes) */
	int width = 480 * cols + 60, need = 8 * esc_width(title) + 40;
	width = need > width ? need : width;
	need = 7 * (int)(note.len > keytext.len ? note.len : keytext.len) + 40;
	width = need > width ? need : width;
	width = width > 4000 ? 4000 : width;
	int perrow = width / 210;
	perrow = perrow < 1 ? 1 : perrow;
	int legendrows = ((int)shown + perrow - 1) / perrow;
	int keyrows = legendrows + 1 + (keytext.len > 0);
	int height = 340 * rows + 60 + 20 * keyrows;
	snprintf(what, sizeof(what), "%s against %s, one line per policy, 95%% CI", plot_title(m),
		 s->axes[x->a]);
	plot_header(&g, pl, base, what, width, height);
	xlabel(s, x, lab, sizeof(lab));
	sb_puts(&g, "set xlabel ");
	gp_quote(&g, lab);
	plot_ylabel(m, lab, sizeof(lab));
	if (ylog) {
		size_t len = strlen(lab);
		if (len && lab[len - 1] == ')')
			snprintf(lab + len - 1, sizeof(lab) - len + 1, ", log scale)");
		else
			snprintf(lab + len, sizeof(lab) - len, " (log scale)");
	}
	sb_puts(&g, "\nylabel_text = ");
	gp_quote(&g, lab);
	if (ylog) {
		sb_printf(&g, "\n\n# y: the same range in every panel, log scale (the values span %.3g to %.3g);\n"
			      "# for each panel's own, set yrange [*:*]\nset logscale y\nYLO = %.10g\nYHI = %.10g\n"
			      "set yrange [YLO / 1.15 : YHI * 1.15]\nset key off\n",
			  ylo, yhi, ylo, yhi);
		y_log_ticks(&g, ylo / 1.15, yhi * 1.15);
	} else {
		sb_printf(&g, "\n\n# y: the same range in every panel; for each panel's own, set yrange [*:*]\n"
			      "YLO = %.10g\nYHI = %.10g\nset yrange [YLO - %.10g : YHI + %.10g]\nset key off\n",
			  ylo, yhi, pad, pad);
	}
	x_setup(&g, pl, x);
	struct plot_grid pg;
	plot_grid_init(&pg, cols, rows, height, 20.0 * keyrows + 16, 44);
	sb_puts(&g, "\nset multiplot title ");
	gp_quote(&g, title);
	sb_puts(&g, " font theme_title_font\n");
	sb_puts(&d, "# ");
	esc_gp_comment(&d, m->name);
	sb_puts(&d, " against ");
	esc_gp_comment(&d, s->axes[x->a]);
	sb_puts(&d, ": x mean ci95_half_width, one block per (panel, label), x as swept;\n"
		    "# each block starts with a NaN row, so that no block is empty\n");
	int block = 0;
	for (size_t k = 0; k < npanels; k++) {
		/* this panel's series, for the overlaps */
		panel_overlaps(v, &pn, k, has, ylog, tol, y, group, rank, size);
		plot_grid_panel(&g, &pg, k);
		sb_puts(&g, "set title ");
		gp_quote(&g, pn.name[k]);
		/* the y label once per row, at its left */
		if (k % (size_t)cols == 0)
			sb_puts(&g, "\nset ylabel ylabel_text");
		else
			sb_puts(&g, "\nunset ylabel");
		sb_puts(&g, "\nplot \\\n");
		bool first = true;
		for (size_t l = 0; l < nl; l++) {
			if (!has[l])
				continue;
			sb_puts(&d, "# panel ");
			esc_gp_comment(&d, pn.name[k]);
			sb_puts(&d, ", label ");
			esc_gp_comment(&d, s->labels[l]);
			sb_puts(&d, "\nNaN NaN NaN\n");
			/* numbers, then a category after a blank line (no line to it) */
			for (int pass = 0; pass < 2; pass++) {
				bool any = false;
				for (size_t p = 0; p < np; p++) {
					double mean, half, xv = s->points[p].axis_num[x->a];
					bool cat = xv == 0 && (x->zero_left || x->zero_right);
					if (pn.of[p] != k || cat != (pass == (x->zero_left ? 0 : 1)) ||
					    !cell_ci(v, p, l, &mean, &half))
						continue;
					if (!any && pass == 1)
						sb_puts(&d, "\n");
					any = true;
					sb_printf(&d, "%.10g %.10g %.10g\n", xv, mean, half);
				}
			}
			sb_puts(&d, "\n\n");
			/* every series a little aside, so that no point hides another */
			double shift = (double)l - (double)(nl - 1) / 2;
			double lw = 2 + (double)(size[l] - 1 - rank[l]);
			/* the lines first (overlapping ones as solid bands, so that
			 * the nesting shows), then every point and interval over them */
			sb_printf(&g, "%s  '%s.dat' index %d using (xd(xc($1), %.2f)):2 with lines lt %zu%s "
				      "lw 2 + %.0f * theme_overlap_lw notitle",
				  first ? "" : ", \\\n", base, block, shift, l + 1, size[l] > 1 ? " dt solid" : "",
				  lw - 2);
			sb_printf(&bars, ", \\\n  '%s.dat' index %d using (xd(xc($1), %.2f)):2:3 with yerrorbars "
					 "lt %zu dt solid lw 1.5 pt -1 notitle",
				  base, block, shift, l + 1);
			sb_printf(&points, ", \\\n  '%s.dat' index %d using (xd(xc($1), %.2f)):2 with points "
					   "lt %zu notitle",
				  base, block, shift, l + 1);
			first = false;
			block++;
		}
		sb_puts(&g, bars.s ? bars.s : "");
		sb_puts(&g, points.s ? points.s : "");
		sb_reset(&bars);
		sb_reset(&points);
		sb_puts(&g, "\n");
	}
	/* the key, once, in the bottom strip: an empty plot that only has a key */
	plot_grid_key(&g, &pg, perrow, 4);
	double liney = 8.0 / height;
	if (keytext.len) {
		sb_printf(&g, "set label 1 ");
		gp_quote(&g, keytext.s ? keytext.s : "");
		sb_printf(&g, " at screen 0.5, screen %.4f center font ',9'\n", liney);
		liney += 18.0 / height;
	}
	if (note.len) {
		sb_printf(&g, "set label 2 ");
		gp_quote(&g, note.s);
		sb_printf(&g, " at screen 0.5, screen %.4f center font ',9'\n", liney);
	}
	plot_key_plot(&g, pl, has, nl, "linespoints");
	snprintf(title, sizeof(title), "%s against %s", plot_title(m), s->axes[x->a]);
	rc = plot_finish(pl, base, title, &g, &d);
out:
	sb_free(&g);
	sb_free(&d);
	sb_free(&note);
	sb_free(&keytext);
	sb_free(&bars);
	sb_free(&points);
	panels_free(&pn, np);
	free(has);
	free(y);
	free(group);
	free(rank);
	free(size);
	free(everywhere);
	return rc;
}

int plot_axis_charts(struct plotter *pl)
{
	const struct dbr_scenario *s = pl->s;
	struct xaxis *xs = calloc(s->naxes + 1, sizeof(*xs));
	bool *numeric = calloc(s->naxes + 1, sizeof(*numeric));
	char(*zero_means)[32] = calloc(s->naxes + 1, sizeof(*zero_means));
	int rc = -1;
	if (!xs || !numeric || !zero_means) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	for (size_t a = 0; a < s->naxes; a++) {
		numeric[a] = analyse(pl, a, &xs[a]);
		snprintf(zero_means[a], sizeof(zero_means[a]), "%s", numeric[a] ? xs[a].zero_means : "");
	}
	for (size_t a = 0; a < s->naxes; a++) {
		const struct xaxis *x = &xs[a];
		if (!numeric[a])
			continue; /* not numeric: no line chart against it */
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
			if (chart(pl, m, x, zero_means) < 0)
				goto out;
		}
	}
	rc = 0;
out:
	free(xs);
	free(numeric);
	free(zero_means);
	return rc;
}
