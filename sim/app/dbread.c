/*
 * dbread.c - queries over a results database.  See dbread.h.
 */
#include "sim/app/dbread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/results.h"

static int fail(sqlite3 *db, char *err, size_t n)
{
	snprintf(err, n, "reading the results: %s", sqlite3_errmsg(db));
	return -1;
}

static char *dup(const unsigned char *s)
{
	return strdup(s ? (const char *)s : "");
}

/* Appends s to a growable array of strings. */
static int push(char ***arr, size_t *n, char *s)
{
	if (!s)
		return -1;
	char **a = realloc(*arr, (*n + 1) * sizeof(*a));
	if (!a) {
		free(s);
		return -1;
	}
	a[(*n)++] = s;
	*arr = a;
	return 0;
}

void dbr_free_names(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int dbr_scenarios(sqlite3 *db, char ***names, size_t *n, char *err, size_t errlen)
{
	*names = NULL;
	*n = 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT scenario FROM runs GROUP BY scenario ORDER BY MIN(id)",
			       -1, &st, NULL) != SQLITE_OK)
		return fail(db, err, errlen);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (push(names, n, dup(sqlite3_column_text(st, 0))) < 0)
			break;
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dbr_free_names(*names, *n);
		return fail(db, err, errlen);
	}
	return 0;
}

void dbr_free(struct dbr_scenario *s)
{
	free(s->name);
	dbr_free_names(s->labels, s->nlabels);
	for (size_t p = 0; p < s->npoints; p++) {
		for (size_t a = 0; a < s->naxes; a++)
			free(s->points[p].axis_text[a]);
		free(s->points[p].axis_text);
		free(s->points[p].axis_num);
		free(s->points[p].sweep);
	}
	free(s->points);
	dbr_free_names(s->axes, s->naxes);
	memset(s, 0, sizeof(*s));
}

/* a before b: by axis values, numerically where both are numbers, axis by
 * axis; then by point number. */
static bool point_before(const struct dbr_scenario *s, const struct dbr_point *a,
			 const struct dbr_point *b)
{
	for (size_t i = 0; i < s->naxes; i++) {
		double u = a->axis_num[i], v = b->axis_num[i];
		if (!isnan(u) && !isnan(v) && u != v)
			return u < v;
	}
	return a->point < b->point;
}

/* Insertion sort: points are few, and it needs no context global. */
static void sort_points(struct dbr_scenario *s)
{
	for (size_t i = 1; i < s->npoints; i++) {
		struct dbr_point x = s->points[i];
		size_t j = i;
		for (; j > 0 && point_before(s, &x, &s->points[j - 1]); j--)
			s->points[j] = s->points[j - 1];
		s->points[j] = x;
	}
}

int dbr_load(sqlite3 *db, const char *scenario, struct dbr_scenario *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->name = strdup(scenario);
	sqlite3_stmt *st = NULL;
	int rc;
	/* labels, in the order of their first run */
	if (sqlite3_prepare_v2(db, "SELECT label FROM runs WHERE scenario=? GROUP BY label ORDER BY MIN(id)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (push(&s->labels, &s->nlabels, dup(sqlite3_column_text(st, 0))) < 0)
			goto out_fail;
	sqlite3_finalize(st);
	st = NULL;
	/* axes, from the parameters of the first run */
	if (sqlite3_prepare_v2(db,
			       "SELECT key FROM json_each((SELECT json_extract(params, '$.sweep') FROM runs "
			       "WHERE scenario=? ORDER BY id LIMIT 1))",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (push(&s->axes, &s->naxes, dup(sqlite3_column_text(st, 0))) < 0)
			goto out_fail;
	sqlite3_finalize(st);
	st = NULL;
	/* points, with the axis values of their first run */
	if (sqlite3_prepare_v2(db,
			       "SELECT MIN(point), json_extract(params, '$.sweep') AS sw FROM runs "
			       "WHERE scenario=? GROUP BY sw ORDER BY MIN(point), MIN(id)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	sqlite3_stmt *ax = NULL;
	if (sqlite3_prepare_v2(db, "SELECT value FROM json_each(?) WHERE key=?", -1, &ax, NULL) !=
	    SQLITE_OK)
		goto out_fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dbr_point *pts = realloc(s->points, (s->npoints + 1) * sizeof(*pts));
		if (!pts) {
			sqlite3_finalize(ax);
			goto out_fail;
		}
		s->points = pts;
		struct dbr_point *pt = &s->points[s->npoints++];
		pt->point = sqlite3_column_int64(st, 0);
		pt->sweep = dup(sqlite3_column_text(st, 1));
		pt->axis_text = calloc(s->naxes + 1, sizeof(*pt->axis_text));
		pt->axis_num = calloc(s->naxes + 1, sizeof(*pt->axis_num));
		if (!pt->sweep || !pt->axis_text || !pt->axis_num) {
			sqlite3_finalize(ax);
			goto out_fail;
		}
		for (size_t a = 0; a < s->naxes; a++) {
			sqlite3_bind_text(ax, 1, pt->sweep, -1, SQLITE_STATIC);
			sqlite3_bind_text(ax, 2, s->axes[a], -1, SQLITE_STATIC);
			pt->axis_text[a] = sqlite3_step(ax) == SQLITE_ROW ? dup(sqlite3_column_text(ax, 0))
									 : strdup("");
			sqlite3_reset(ax);
			pt->axis_num[a] = pt->axis_text[a] ? results_param_number(pt->axis_text[a]) : NAN;
		}
	}
	sqlite3_finalize(ax);
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto out_fail;
	sort_points(s);
	if (sqlite3_prepare_v2(db,
			       "SELECT MAX(c) FROM (SELECT count(*) AS c FROM runs WHERE scenario=? "
			       "GROUP BY json_extract(params, '$.sweep'), label)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		s->replications = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
out_fail:
	sqlite3_finalize(st);
	fail(db, err, errlen);
	dbr_free(s);
	return -1;
}

/* Does "name=value" (one term of a point's description) hold at point p? */
static bool term_holds(const struct dbr_scenario *s, size_t p, const char *term, size_t len)
{
	const char *eq = memchr(term, '=', len);
	if (!eq)
		return false;
	size_t nlen = (size_t)(eq - term), vlen = len - nlen - 1;
	for (size_t a = 0; a < s->naxes; a++)
		if (strlen(s->axes[a]) == nlen && memcmp(s->axes[a], term, nlen) == 0)
			return strlen(s->points[p].axis_text[a]) == vlen &&
			       memcmp(s->points[p].axis_text[a], eq + 1, vlen) == 0;
	return false;
}

long dbr_point_find(const struct dbr_scenario *s, const char *spec, char *err, size_t n)
{
	char *end;
	long long num = strtoll(spec, &end, 10);
	bool by_number = *spec && !*end;
	long found = -1;
	size_t matches = 0;
	for (size_t p = 0; p < s->npoints; p++) {
		bool ok = true;
		if (by_number) {
			ok = s->points[p].point == num;
		} else {
			/* terms separated by spaces or commas, in any order */
			for (const char *t = spec; *t && ok;) {
				size_t skip = strspn(t, " ,"), len;
				t += skip;
				len = strcspn(t, " ,");
				if (len)
					ok = term_holds(s, p, t, len);
				t += len;
			}
		}
		if (ok) {
			if (!matches)
				found = (long)p;
			matches++;
		}
	}
	if (matches == 1)
		return found;
	char desc[256];
	if (matches > 1 && by_number) {
		dbr_point_desc(s, (size_t)found, desc, sizeof(desc));
		snprintf(err, n,
			 "%zu sweep points of %s have number %s (the sweep was extended after they ran): "
			 "name the point by its values instead, such as --point '%s'",
			 matches, s->name, spec, desc);
	} else if (matches > 1) {
		snprintf(err, n, "'%s' matches %zu sweep points of %s: give every axis, such as --point '%s'",
			 spec, matches, s->name, (dbr_point_desc(s, (size_t)found, desc, sizeof(desc)), desc));
	} else {
		dbr_point_desc(s, s->npoints - 1, desc, sizeof(desc));
		snprintf(err, n,
			 "%s has no sweep point '%s': name one by its values as clobber report shows them, "
			 "such as --point '%s', or by its number in runs.point",
			 s->name, spec, desc);
	}
	return -1;
}

long dbr_sweep_index(const struct dbr_scenario *s, const char *sweep)
{
	for (size_t p = 0; p < s->npoints; p++)
		if (strcmp(s->points[p].sweep, sweep) == 0)
			return (long)p;
	return -1;
}

long dbr_label_index(const struct dbr_scenario *s, const char *label)
{
	for (size_t l = 0; l < s->nlabels; l++)
		if (strcmp(s->labels[l], label) == 0)
			return (long)l;
	return -1;
}

void dbr_point_desc(const struct dbr_scenario *s, size_t p, char *buf, size_t n)
{
	buf[0] = '\0';
	if (s->naxes == 0) {
		snprintf(buf, n, "all runs");
		return;
	}
	for (size_t a = 0; a < s->naxes; a++) {
		size_t len = strlen(buf);
		snprintf(buf + len, n - len, "%s%s=%s", a ? " " : "", s->axes[a],
			 s->points[p].axis_text[a]);
	}
}

void dbr_values_free(struct dbr_values *vals)
{
	size_t cells = vals->npoints * vals->nlabels;
	for (size_t i = 0; vals->v && i < cells; i++)
		free(vals->v[i]);
	free(vals->v);
	free(vals->n);
	memset(vals, 0, sizeof(*vals));
}

int dbr_metric(sqlite3 *db, const struct dbr_scenario *s, const char *name,
	       struct dbr_values *vals, char *err, size_t errlen)
{
	memset(vals, 0, sizeof(*vals));
	vals->npoints = s->npoints;
	vals->nlabels = s->nlabels;
	size_t cells = s->npoints * s->nlabels;
	vals->v = calloc(cells ? cells : 1, sizeof(*vals->v));
	vals->n = calloc(cells ? cells : 1, sizeof(*vals->n));
	if (!vals->v || !vals->n) {
		dbr_values_free(vals);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT json_extract(r.params, '$.sweep'), r.label, m.value FROM runs r "
			       "JOIN metrics m ON m.run_id = r.id WHERE r.scenario=? AND m.name=? ORDER BY r.id",
			       -1, &st, NULL) != SQLITE_OK) {
		dbr_values_free(vals);
		return fail(db, err, errlen);
	}
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	sqlite3_bind_text(st, 2, name, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long p = dbr_sweep_index(s, (const char *)sqlite3_column_text(st, 0));
		long l = dbr_label_index(s, (const char *)sqlite3_column_text(st, 1));
		if (p < 0 || l < 0 || sqlite3_column_type(st, 2) == SQLITE_NULL)
			continue;
		size_t c = (size_t)p * s->nlabels + (size_t)l;
		double *v = realloc(vals->v[c], (vals->n[c] + 1) * sizeof(*v));
		if (!v)
			break;
		vals->v[c] = v;
		v[vals->n[c]++] = sqlite3_column_double(st, 2);
		vals->any = true;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dbr_values_free(vals);
		return fail(db, err, errlen);
	}
	return 0;
}
