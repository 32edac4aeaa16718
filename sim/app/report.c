/*
 * report.c - building the report from one or more databases, and the
 * precision of its numbers.  See report.h.
 */
#include "sim/app/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/catalog.h"
#include "sim/app/dbread.h"
#include "sim/core/stats.h"

/* One source's view of a scenario. */
struct view {
	bool has;
	struct dbr_scenario s;
	struct dbr_metrics m;
};

static void free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

/* Index of `name` in names[0..n), or n. */
static size_t find(char *const *names, size_t n, const char *name)
{
	size_t i = 0;
	while (i < n && strcmp(names[i], name) != 0)
		i++;
	return i;
}

/* Appends a copy of name to *names unless it is there; returns its index,
 * or SIZE_MAX when out of memory. */
static size_t add_name(char ***names, size_t *n, const char *name)
{
	size_t i = find(*names, *n, name);
	if (i < *n)
		return i;
	char **a = realloc(*names, (*n + 1) * sizeof(*a));
	if (!a)
		return SIZE_MAX;
	*names = a;
	a[*n] = strdup(name);
	if (!a[*n])
		return SIZE_MAX;
	return (*n)++;
}

static void scen_free(struct report_scen *s)
{
	free(s->name);
	free_names(s->axes, s->naxes);
	free_names(s->labels, s->nlabels);
	free_names(s->policies, s->nlabels);
	free(s->cols);
	for (size_t r = 0; r < s->nrows; r++) {
		free(s->rows[r].name);
		free(s->rows[r].unit);
		free(s->rows[r].meaning);
	}
	free(s->rows);
	for (size_t p = 0; p < s->npoints; p++) {
		struct report_point *pt = &s->points[p];
		free(pt->sweep);
		free(pt->desc);
		free_names(pt->axis_text, s->naxes);
		free(pt->axis_num);
	}
	free(s->points);
	free(s->cells);
	free_names(s->zero, s->nzero);
	free_names(s->noisy, s->nnoisy);
	free_names(s->differs, s->ndiffers);
	memset(s, 0, sizeof(*s));
}

void report_free(struct report *r)
{
	free_names(r->sources, r->nsources);
	for (size_t i = 0; i < r->nsc; i++)
		scen_free(&r->sc[i]);
	free(r->sc);
	memset(r, 0, sizeof(*r));
}

const struct report_cell *report_cell(const struct report_scen *s, size_t p, size_t r, size_t c)
{
	return &s->cells[(p * s->nrows + r) * s->ncols + c];
}

/* Does the filter keep label l of view v? (marks the entries it used) */
static bool keep_label(const struct report_filter *f, const struct dbr_scenario *s, size_t l,
		       bool *used)
{
	if (f->npolicies == 0)
		return true;
	bool keep = false;
	for (size_t i = 0; i < f->npolicies; i++)
		if (strcmp(s->labels[l], f->policies[i]) == 0 || strcmp(s->policies[l], f->policies[i]) == 0)
			keep = used[i] = true;
	return keep;
}

static bool keep_point(const struct report_filter *f, const struct dbr_scenario *s, size_t p,
		       bool *used)
{
	if (f->npoints == 0)
		return true;
	bool keep = false;
	for (size_t i = 0; i < f->npoints; i++)
		if (dbr_point_matches(s, p, f->points[i]))
			keep = used[i] = true;
	return keep;
}

/* a before b, as dbread orders points: numerically axis by axis, then by
 * number. */
static bool point_before(size_t naxes, const struct report_point *a, const struct report_point *b)
{
	for (size_t i = 0; i < naxes; i++) {
		double u = a->axis_num[i], v = b->axis_num[i];
		if (!isnan(u) && !isnan(v) && u != v)
			return u < v;
	}
	return a->number < b->number;
}

/* The points of the views the filter keeps, in order, without repeats. */
static int gather_points(struct report_scen *rs, struct view *v, size_t nv,
			 const struct report_filter *f, bool *used_points)
{
	for (size_t i = 0; i < nv; i++) {
		if (!v[i].has)
			continue;
		const struct dbr_scenario *s = &v[i].s;
		for (size_t p = 0; p < s->npoints; p++) {
			if (!keep_point(f, s, p, used_points))
				continue;
			size_t k = 0;
			while (k < rs->npoints && strcmp(rs->points[k].sweep, s->points[p].sweep) != 0)
				k++;
			if (k < rs->npoints)
				continue;
			struct report_point *pts = realloc(rs->points, (rs->npoints + 1) * sizeof(*pts));
			if (!pts)
				return -1;
			rs->points = pts;
			struct report_point *pt = &pts[rs->npoints++];
			memset(pt, 0, sizeof(*pt));
			char desc[2048];
			dbr_point_desc(s, p, desc, sizeof(desc));
			pt->sweep = strdup(s->points[p].sweep);
			pt->desc = strdup(desc);
			pt->number = s->points[p].point;
			pt->axis_text = calloc(rs->naxes + 1, sizeof(*pt->axis_text));
			pt->axis_num = calloc(rs->naxes + 1, sizeof(*pt->axis_num));
			if (!pt->sweep || !pt->desc || !pt->axis_text || !pt->axis_num)
				return -1;
			for (size_t a = 0; a < rs->naxes; a++) {
				size_t j = find(s->axes, s->naxes, rs->axes[a]);
				pt->axis_text[a] = strdup(j < s->naxes ? s->points[p].axis_text[j] : "");
				pt->axis_num[a] = j < s->naxes ? s->points[p].axis_num[j] : NAN;
				if (!pt->axis_text[a])
					return -1;
			}
		}
	}
	for (size_t i = 1; i < rs->npoints; i++) {
		struct report_point x = rs->points[i];
		size_t j = i;
		for (; j > 0 && point_before(rs->naxes, &x, &rs->points[j - 1]); j--)
			rs->points[j] = rs->points[j - 1];
		rs->points[j] = x;
	}
	return 0;
}

/* The values of metric `name` in column c at point p (NULL, 0 if none). */
static const double *cell_values(const struct report_scen *rs, const struct view *v, size_t p,
				 size_t c, const char *name, size_t *n)
{
	*n = 0;
	const struct view *w = &v[rs->cols[c].source];
	const struct dbr_metric *m = dbr_metrics_find(&w->m, name);
	long pi = dbr_sweep_index(&w->s, rs->points[p].sweep);
	long li = dbr_label_index(&w->s, rs->labels[rs->cols[c].label]);
	if (!m || pi < 0 || li < 0)
		return NULL;
	size_t k = (size_t)pi * w->s.nlabels + (size_t)li;
	*n = m->vals.n[k];
	return m->vals.v[k];
}

/* The description of a metric, from the first view that has it. */
static const struct dbr_metric *describe(const struct view *v, size_t nv, const char *name)
{
	for (size_t i = 0; i < nv; i++)
		if (v[i].has) {
			const struct dbr_metric *m = dbr_metrics_find(&v[i].m, name);
			if (m)
				return m;
		}
	return NULL;
}

static int add_row(struct report_scen *rs, const struct dbr_metric *m, const char *name)
{
	struct report_row *rows = realloc(rs->rows, (rs->nrows + 1) * sizeof(*rows));
	if (!rows)
		return -1;
	rs->rows = rows;
	struct report_row *row = &rows[rs->nrows++];
	row->name = strdup(name);
	row->unit = strdup(m ? m->unit : "");
	row->meaning = strdup(m ? m->meaning : "");
	return row->name && row->unit && row->meaning ? 0 : -1;
}

static int metric_rank(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	size_t rx, ry;
	catalog_find(x, &rx);
	catalog_find(y, &ry);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x, y);
}

/* The rows: the metrics asked for, or every one worth showing. */
static int choose_rows(struct report_scen *rs, const struct view *v, size_t nv,
		       const struct report_filter *f, bool *used_metrics)
{
	if (f->nmetrics) {
		for (size_t i = 0; i < f->nmetrics; i++) {
			const struct dbr_metric *m = describe(v, nv, f->metrics[i]);
			if (!m)
				continue;
			used_metrics[i] = true;
			if (add_row(rs, m, f->metrics[i]) < 0)
				return -1;
		}
		return 0;
	}
	char **names = NULL;
	size_t nn = 0;
	for (size_t i = 0; i < nv; i++)
		for (size_t k = 0; v[i].has && k < v[i].m.n; k++)
			if (add_name(&names, &nn, v[i].m.m[k].name) == SIZE_MAX) {
				free_names(names, nn);
				return -1;
			}
	if (nn > 1)
		qsort(names, nn, sizeof(*names), metric_rank);
	int rc = 0;
	for (size_t k = 0; k < nn && rc == 0; k++) {
		const struct dbr_metric *m = describe(v, nv, names[k]);
		if (m->info && (m->info->flags & METRIC_NOISY)) {
			rc = add_name(&rs->noisy, &rs->nnoisy, names[k]) == SIZE_MAX ? -1 : 0;
			continue;
		}
		bool any = false, nonzero = false;
		for (size_t p = 0; p < rs->npoints; p++)
			for (size_t c = 0; c < rs->ncols; c++) {
				size_t n;
				const double *x = cell_values(rs, v, p, c, names[k], &n);
				any = any || n > 0;
				for (size_t j = 0; j < n; j++)
					nonzero = nonzero || x[j] != 0;
			}
		if (nonzero)
			rc = add_row(rs, m, names[k]);
		else if (any)
			rc = add_name(&rs->zero, &rs->nzero, names[k]) == SIZE_MAX ? -1 : 0;
	}
	free_names(names, nn);
	return rc;
}

static int fill_cells(struct report_scen *rs, const struct view *v)
{
	size_t cells = rs->npoints * rs->nrows * rs->ncols;
	rs->cells = calloc(cells ? cells : 1, sizeof(*rs->cells));
	if (!rs->cells)
		return -1;
	for (size_t p = 0; p < rs->npoints; p++)
		for (size_t r = 0; r < rs->nrows; r++)
			for (size_t c = 0; c < rs->ncols; c++) {
				struct report_cell *cell = &rs->cells[(p * rs->nrows + r) * rs->ncols + c];
				const double *x = cell_values(rs, v, p, c, rs->rows[r].name, &cell->n);
				cell->mean = cell->half = NAN;
				if (cell->n)
					stats_mean_ci(x, cell->n, 0.95, &cell->mean, &cell->half);
			}
	return 0;
}

/* The parameters of the scenario's first run of replication 0 in db, or
 * NULL. */
static char *first_params(sqlite3 *db, const char *scenario)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT params FROM runs WHERE scenario = ? ORDER BY replication, id LIMIT 1",
			       -1, &st, NULL) != SQLITE_OK)
		return NULL;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	char *p = NULL;
	if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
		p = strdup((const char *)sqlite3_column_text(st, 0));
	sqlite3_finalize(st);
	return p;
}

/* What tells the sources apart: for each, the parameters (sweep values,
 * policy and replication aside) whose values differ from the first
 * source's, at most 6. */
static int differences(struct report_scen *rs, const struct report_source *src, const struct view *v,
		       size_t nv)
{
	rs->differs = calloc(nv + 1, sizeof(*rs->differs));
	if (!rs->differs)
		return -1;
	rs->ndiffers = nv;
	char *base = nv > 1 && v[0].has ? first_params(src[0].db, rs->name) : NULL;
	for (size_t i = 0; i < nv; i++) {
		struct strbuf b;
		sb_init(&b);
		char *mine = i > 0 && base && v[i].has ? first_params(src[i].db, rs->name) : NULL;
		sqlite3_stmt *st = NULL;
		if (mine && sqlite3_prepare_v2(src[0].db,
					       "SELECT substr(a.fullkey, 3), a.atom, b.atom FROM json_tree(?1) a "
					       "LEFT JOIN json_tree(?2) b ON b.fullkey = a.fullkey "
					       "WHERE a.type NOT IN ('object', 'array') AND a.atom IS NOT b.atom "
					       "AND a.fullkey NOT LIKE '$.sweep%' AND a.fullkey NOT LIKE '$.policy%' "
					       "AND a.fullkey <> '$.replication' LIMIT 7",
					       -1, &st, NULL) == SQLITE_OK) {
			sqlite3_bind_text(st, 1, mine, -1, SQLITE_STATIC);
			sqlite3_bind_text(st, 2, base, -1, SQLITE_STATIC);
			for (int k = 0; sqlite3_step(st) == SQLITE_ROW; k++) {
				const char *key = (const char *)sqlite3_column_text(st, 0);
				const char *now = (const char *)sqlite3_column_text(st, 1);
				const char *was = (const char *)sqlite3_column_text(st, 2);
				if (k == 6) {
					sb_puts(&b, ", ...");
					break;
				}
				sb_printf(&b, "%s%s=%s (%s in [1])", k ? ", " : "", key ? key : "", now ? now : "",
					  was ? was : "none");
			}
		}
		sqlite3_finalize(st);
		free(mine);
		rs->differs[i] = strdup(b.s ? b.s : "");
		sb_free(&b);
		if (!rs->differs[i]) {
			free(base);
			return -1;
		}
	}
	free(base);
	return 0;
}

/* One scenario across the views that have it. */
static int build_scen(struct report_scen *rs, const char *name, const struct report_source *src,
		      struct view *v, size_t nv, const struct report_filter *f, bool *used)
{
	bool *used_policies = used, *used_points = used + f->npolicies,
	     *used_metrics = used + f->npolicies + f->npoints;
	rs->name = strdup(name);
	if (!rs->name)
		return -1;
	for (size_t i = 0; i < nv; i++) {
		if (!v[i].has)
			continue;
		const struct dbr_scenario *s = &v[i].s;
		if (s->replications > rs->replications)
			rs->replications = s->replications;
		for (size_t a = 0; a < s->naxes; a++)
			if (add_name(&rs->axes, &rs->naxes, s->axes[a]) == SIZE_MAX)
				return -1;
		for (size_t l = 0; l < s->nlabels; l++) {
			if (!keep_label(f, s, l, used_policies))
				continue;
			size_t before = rs->nlabels;
			size_t k = add_name(&rs->labels, &rs->nlabels, s->labels[l]);
			if (k == SIZE_MAX)
				return -1;
			if (rs->nlabels > before) {
				char **pol = realloc(rs->policies, rs->nlabels * sizeof(*pol));
				if (!pol)
					return -1;
				rs->policies = pol;
				pol[k] = strdup(s->policies[l]);
				if (!pol[k])
					return -1;
			}
		}
	}
	/* columns: each label, then each source that has it */
	rs->cols = calloc(rs->nlabels * nv + 1, sizeof(*rs->cols));
	if (!rs->cols)
		return -1;
	for (size_t l = 0; l < rs->nlabels; l++)
		for (size_t i = 0; i < nv; i++)
			if (v[i].has && dbr_label_index(&v[i].s, rs->labels[l]) >= 0)
				rs->cols[rs->ncols++] = (struct report_col){.label = l, .source = i};
	if (gather_points(rs, v, nv, f, used_points) < 0 ||
	    choose_rows(rs, v, nv, f, used_metrics) < 0 || fill_cells(rs, v) < 0 ||
	    differences(rs, src, v, nv) < 0)
		return -1;
	return 0;
}

/* The usage error for the first filter entry nothing matched. */
static int unmatched(const struct report_filter *f, const bool *used, char *err, size_t n)
{
	for (size_t i = 0; i < f->npolicies; i++)
		if (!used[i]) {
			snprintf(err, n, "no policy labelled or named '%s' in the results", f->policies[i]);
			return -2;
		}
	for (size_t i = 0; i < f->npoints; i++)
		if (!used[f->npolicies + i]) {
			snprintf(err, n,
				 "no sweep point matches '%s': name points by their values as the report "
				 "heads them, such as --point 'skew=5ms' (every point with that value) or "
				 "--point 'skew=5ms clients=16'",
				 f->points[i]);
			return -2;
		}
	for (size_t i = 0; i < f->nmetrics; i++)
		if (!used[f->npolicies + f->npoints + i]) {
			const char *best = NULL;
			size_t dist = 4;
			for (size_t k = 0; k < catalog_count(); k++) {
				size_t d = str_distance(f->metrics[i], catalog_at(k)->name);
				if (d < dist) {
					dist = d;
					best = catalog_at(k)->name;
				}
			}
			snprintf(err, n, "no metric '%s' in the results%s%s%s", f->metrics[i],
				 best ? "; did you mean '" : "", best ? best : "", best ? "'?" : "");
			return -2;
		}
	return 0;
}

int report_build(const struct report_source *src, size_t nsrc, const struct report_filter *f,
		 struct report *r, char *err, size_t n)
{
	memset(r, 0, sizeof(*r));
	size_t nused = f->npolicies + f->npoints + f->nmetrics;
	bool *used = calloc(nused + 1, sizeof(*used));
	struct view *v = calloc(nsrc + 1, sizeof(*v));
	char **names = NULL;
	size_t nn = 0;
	int rc = -1;
	if (!used || !v)
		goto out_nomem;
	for (size_t i = 0; i < nsrc; i++)
		if (add_name(&r->sources, &r->nsources, src[i].path) == SIZE_MAX)
			goto out_nomem;
	/* every scenario name, in the order of the sources */
	for (size_t i = 0; i < nsrc; i++) {
		char **sn;
		size_t k;
		char why[1024];
		if (dbr_scenarios(src[i].db, &sn, &k, why, sizeof(why)) < 0) {
			snprintf(err, n, "%s: %s", src[i].path, why);
			goto out;
		}
		for (size_t j = 0; j < k; j++)
			if ((!f->scenario || strcmp(sn[j], f->scenario) == 0) &&
			    add_name(&names, &nn, sn[j]) == SIZE_MAX) {
				dbr_free_names(sn, k);
				goto out_nomem;
			}
		dbr_free_names(sn, k);
	}
	r->sc = calloc(nn + 1, sizeof(*r->sc));
	if (!r->sc)
		goto out_nomem;
	for (size_t k = 0; k < nn; k++) {
		int built = 0;
		for (size_t i = 0; i < nsrc && built == 0; i++) {
			char **sn;
			size_t m;
			char why[1024];
			if (dbr_scenarios(src[i].db, &sn, &m, why, sizeof(why)) < 0) {
				snprintf(err, n, "%s: %s", src[i].path, why);
				built = -1;
				break;
			}
			v[i].has = find(sn, m, names[k]) < m;
			dbr_free_names(sn, m);
			if (v[i].has && (dbr_load(src[i].db, names[k], &v[i].s, why, sizeof(why)) < 0 ||
					 dbr_metrics_load(src[i].db, &v[i].s, &v[i].m, why, sizeof(why)) < 0)) {
				snprintf(err, n, "%s: %s", src[i].path, why);
				built = -1;
			}
		}
		if (built == 0) {
			r->nsc++;
			built = build_scen(&r->sc[k], names[k], src, v, nsrc, f, used);
			if (built < 0)
				snprintf(err, n, "out of memory");
		}
		for (size_t i = 0; i < nsrc; i++) {
			if (v[i].has) {
				dbr_metrics_free(&v[i].m);
				dbr_free(&v[i].s);
			}
			v[i].has = false;
		}
		if (built < 0)
			goto out;
	}
	rc = unmatched(f, used, err, n);
	goto out;
out_nomem:
	snprintf(err, n, "out of memory");
out:
	free_names(names, nn);
	free(v);
	free(used);
	if (rc != 0)
		report_free(r);
	return rc;
}

/* ---- numbers ---- */

/* x rounded to `dec` decimals (negative: to tens, hundreds, ...), printed
 * in fixed notation. */
static void fixed(double x, int dec, char *buf, size_t n)
{
	if (dec >= 0) {
		snprintf(buf, n, "%.*f", dec, x);
	} else {
		double unit = pow(10, -dec);
		snprintf(buf, n, "%.0f", round(x / unit) * unit);
	}
	if (strcmp(buf, "-0") == 0 || (buf[0] == '-' && strspn(buf + 1, "0.") == strlen(buf + 1)))
		memmove(buf, buf + 1, strlen(buf)); /* no "-0.00" */
}

/* The decimals that show x to `sig` significant digits. */
static int decimals(double x, int sig)
{
	int d = sig - 1 - (int)floor(log10(fabs(x)));
	return d < -15 ? -15 : d > 15 ? 15 : d;
}

/* Without trailing zeros after the point ("1.500" -> "1.5", "2.000" -> "2"). */
static void trim(char *s)
{
	if (!strchr(s, '.') || strchr(s, 'e'))
		return;
	size_t len = strlen(s);
	while (len > 0 && s[len - 1] == '0')
		s[--len] = '\0';
	if (len > 0 && s[len - 1] == '.')
		s[--len] = '\0';
}

static bool has_interval(const struct report_cell *c)
{
	return c->n >= 2 && isfinite(c->half) && c->half > 0;
}

void report_num_row(const struct report_cell *cells, size_t n, char (*mean)[48], char (*half)[48])
{
	/* scientific for the whole row when fixed notation would need more
	 * than 15 digits before or after the point */
	bool sci = false;
	for (size_t i = 0; i < n; i++) {
		double m = fabs(cells[i].mean);
		if (cells[i].n && isfinite(m) && m != 0 && (m >= 1e15 || m < 1e-9))
			sci = true;
	}
	for (size_t i = 0; i < n; i++) {
		const struct report_cell *c = &cells[i];
		half[i][0] = '\0';
		if (c->n == 0) {
			snprintf(mean[i], 48, "-");
			continue;
		}
		if (!isfinite(c->mean)) {
			snprintf(mean[i], 48, "%s", isnan(c->mean) ? "nan" : c->mean > 0 ? "inf" : "-inf");
			continue;
		}
		if (has_interval(c)) {
			if (sci) {
				snprintf(mean[i], 48, "%.3e", c->mean);
				snprintf(half[i], 48, "%.1e", c->half);
				continue;
			}
			int d = decimals(c->half, 2);
			if (d > -15 && round(c->half * pow(10, d)) >= 100)
				d--; /* 0.996 rounds to 1.0, not 1.00 */
			fixed(c->mean, d, mean[i], 48);
			fixed(c->half, d, half[i], 48);
			continue;
		}
		double m = c->mean;
		if (sci)
			snprintf(mean[i], 48, "%.3e", m);
		else if (m == floor(m))
			snprintf(mean[i], 48, "%.0f", m);
		else {
			fixed(m, decimals(m, 4) < 0 ? 0 : decimals(m, 4), mean[i], 48);
			trim(mean[i]);
		}
	}
}
