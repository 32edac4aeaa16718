/*
 * dbread.c - queries over a results database, and the checks that make it
 * safe to read one from anybody.  See dbread.h.
 */
#include "sim/app/dbread.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/catalog.h"
#include "sim/app/results.h"

/* A run's sweep values, '{}' when its params have none. */
#define SWEEP "coalesce(json_extract(params, '$.sweep'), '{}')"
/* True when text column X is not a name dbread accepts. */
#define BAD_TEXT(x)                                                                               \
	"(typeof(" x ") <> 'text' OR length(CAST(" x " AS BLOB)) > 1000 OR "                     \
	"instr(CAST(" x " AS BLOB), x'00') > 0)"

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

bool dbr_has_table(sqlite3 *db, const char *table)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, "SELECT 1 FROM sqlite_master WHERE type IN ('table', 'view') AND name=?", -1,
			       &st, NULL) != SQLITE_OK)
		return false;
	sqlite3_bind_text(st, 1, table, -1, SQLITE_STATIC);
	bool found = sqlite3_step(st) == SQLITE_ROW;
	sqlite3_finalize(st);
	return found;
}

/* Runs `sql` (one parameter: ?1 bound to `arg` if not NULL), which selects
 * (id, why) of a run that breaks a rule; if it finds one, fills err. */
static int check_rule(sqlite3 *db, const char *sql, const char *arg, char *err, size_t n)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db, sql, -1, &st, NULL) != SQLITE_OK)
		return fail(db, err, n);
	if (arg)
		sqlite3_bind_text(st, 1, arg, -1, SQLITE_STATIC);
	int rc = sqlite3_step(st);
	if (rc == SQLITE_ROW) {
		snprintf(err, n,
			 "run %lld %s: this is not a results database written by clobber, or it was "
			 "altered",
			 (long long)sqlite3_column_int64(st, 0), (const char *)sqlite3_column_text(st, 1));
		sqlite3_finalize(st);
		return -1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return fail(db, err, n);
	return 0;
}

int dbr_scenarios(sqlite3 *db, char ***names, size_t *n, char *err, size_t errlen)
{
	*names = NULL;
	*n = 0;
	if (check_rule(db,
		       "SELECT id, 'has a scenario name that is not text of at most 1000 bytes without NUL' "
		       "FROM runs WHERE " BAD_TEXT("scenario") " LIMIT 1",
		       NULL, err, errlen) < 0)
		return -1;
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
		*names = NULL;
		*n = 0;
		return fail(db, err, errlen);
	}
	return 0;
}

void dbr_free(struct dbr_scenario *s)
{
	free(s->name);
	dbr_free_names(s->labels, s->nlabels);
	dbr_free_names(s->policies, s->nlabels);
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

/* The rules every run of the scenario must keep before dbr_load reads it. */
static int validate_runs(sqlite3 *db, const char *scenario, char *err, size_t n)
{
	static const char sql[] =
		"SELECT id, why FROM (SELECT id, CASE"
		" WHEN " BAD_TEXT("label") " THEN 'has a label that is not text of at most 1000 bytes without NUL'"
		" WHEN " BAD_TEXT("policy") " THEN 'has a policy that is not text of at most 1000 bytes without NUL'"
		" WHEN typeof(point) <> 'integer' OR typeof(seed) <> 'integer' OR"
		"      typeof(replication) <> 'integer' THEN 'has a point, seed or replication that is not a whole number'"
		" WHEN typeof(params) <> 'text' OR NOT json_valid(params) THEN 'has params that are not JSON'"
		" WHEN json_type(params, '$.sweep') IS NOT NULL AND json_type(params, '$.sweep') <> 'object'"
		"      THEN 'has params whose sweep is not an object'"
		" WHEN EXISTS (SELECT 1 FROM json_each(params, '$.sweep') WHERE " BAD_TEXT("key") ")"
		"      THEN 'has a sweep axis whose name is not text of at most 1000 bytes'"
		" WHEN EXISTS (SELECT 1 FROM json_each(params, '$.sweep') WHERE"
		"      length(CAST(value AS BLOB)) > 1000 OR instr(CAST(value AS BLOB), x'00') > 0)"
		"      THEN 'has a sweep value longer than 1000 bytes or holding a NUL byte'"
		" END AS why FROM runs WHERE scenario = ?1) WHERE why IS NOT NULL ORDER BY id LIMIT 1";
	return check_rule(db, sql, scenario, err, n);
}

int dbr_load(sqlite3 *db, const char *scenario, struct dbr_scenario *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	if (validate_runs(db, scenario, err, errlen) < 0)
		return -1;
	s->name = strdup(scenario);
	sqlite3_stmt *st = NULL, *ax = NULL;
	int rc;
	if (!s->name)
		goto out_fail;
	/* labels, in the order of their first run, with that run's policy */
	if (sqlite3_prepare_v2(db,
			       "SELECT label, (SELECT policy FROM runs r2 WHERE r2.scenario = ?1 AND "
			       "r2.label = r.label ORDER BY id LIMIT 1) FROM runs r WHERE scenario=?1 "
			       "GROUP BY label ORDER BY MIN(id)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		char **l = realloc(s->labels, (s->nlabels + 1) * sizeof(*l));
		if (l)
			s->labels = l;
		char **p = realloc(s->policies, (s->nlabels + 1) * sizeof(*p));
		if (p)
			s->policies = p;
		if (!l || !p)
			goto out_fail;
		s->labels[s->nlabels] = dup(sqlite3_column_text(st, 0));
		s->policies[s->nlabels] = dup(sqlite3_column_text(st, 1));
		s->nlabels++;
		if (!s->labels[s->nlabels - 1] || !s->policies[s->nlabels - 1])
			goto out_fail;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto out_fail;
	/* axes, from the parameters of the first run */
	if (sqlite3_prepare_v2(db,
			       "SELECT key FROM json_each((SELECT " SWEEP " FROM runs "
			       "WHERE scenario=? ORDER BY id LIMIT 1))",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(st)) == SQLITE_ROW)
		if (push(&s->axes, &s->naxes, dup(sqlite3_column_text(st, 0))) < 0)
			goto out_fail;
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto out_fail;
	/* points, with the axis values of their first run */
	if (sqlite3_prepare_v2(db,
			       "SELECT MIN(point), " SWEEP " AS sw FROM runs "
			       "WHERE scenario=? GROUP BY sw ORDER BY MIN(point), MIN(id)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	if (sqlite3_prepare_v2(db, "SELECT value FROM json_each(?) WHERE key=?", -1, &ax, NULL) !=
	    SQLITE_OK)
		goto out_fail;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dbr_point *pts = realloc(s->points, (s->npoints + 1) * sizeof(*pts));
		if (!pts)
			goto out_fail;
		s->points = pts;
		struct dbr_point *pt = &s->points[s->npoints++];
		memset(pt, 0, sizeof(*pt));
		pt->point = sqlite3_column_int64(st, 0);
		pt->sweep = dup(sqlite3_column_text(st, 1));
		pt->axis_text = calloc(s->naxes + 1, sizeof(*pt->axis_text));
		pt->axis_num = calloc(s->naxes + 1, sizeof(*pt->axis_num));
		if (!pt->sweep || !pt->axis_text || !pt->axis_num)
			goto out_fail;
		for (size_t a = 0; a < s->naxes; a++) {
			sqlite3_bind_text(ax, 1, pt->sweep, -1, SQLITE_STATIC);
			sqlite3_bind_text(ax, 2, s->axes[a], -1, SQLITE_STATIC);
			pt->axis_text[a] = sqlite3_step(ax) == SQLITE_ROW ? dup(sqlite3_column_text(ax, 0))
									 : strdup("");
			sqlite3_reset(ax);
			if (!pt->axis_text[a])
				goto out_fail;
			pt->axis_num[a] = results_param_number(pt->axis_text[a]);
		}
	}
	sqlite3_finalize(ax);
	sqlite3_finalize(st);
	ax = st = NULL;
	if (rc != SQLITE_DONE)
		goto out_fail;
	sort_points(s);
	if (sqlite3_prepare_v2(db,
			       "SELECT MAX(c) FROM (SELECT count(*) AS c FROM runs WHERE scenario=? "
			       "GROUP BY " SWEEP ", label)",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, scenario, -1, SQLITE_STATIC);
	if (sqlite3_step(st) == SQLITE_ROW)
		s->replications = sqlite3_column_int64(st, 0);
	sqlite3_finalize(st);
	return 0;
out_fail:
	sqlite3_finalize(ax);
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

bool dbr_point_matches(const struct dbr_scenario *s, size_t p, const char *spec)
{
	char *end;
	long long num = strtoll(spec, &end, 10);
	if (*spec && !*end)
		return s->points[p].point == num;
	bool ok = true;
	/* terms separated by spaces or commas, in any order */
	for (const char *t = spec; *t && ok;) {
		t += strspn(t, " ,");
		size_t len = strcspn(t, " ,");
		if (len)
			ok = term_holds(s, p, t, len);
		t += len;
	}
	return ok;
}

long dbr_point_find(const struct dbr_scenario *s, const char *spec, char *err, size_t n)
{
	char *end;
	(void)strtoll(spec, &end, 10);
	bool by_number = *spec && !*end;
	long found = -1;
	size_t matches = 0;
	for (size_t p = 0; p < s->npoints; p++) {
		if (dbr_point_matches(s, p, spec)) {
			if (!matches)
				found = (long)p;
			matches++;
		}
	}
	if (matches == 1)
		return found;
	char desc[256];
	if (s->npoints == 0) {
		snprintf(err, n, "%s has no runs", s->name);
	} else if (matches > 1 && by_number) {
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
	if (!sweep)
		return -1;
	for (size_t p = 0; p < s->npoints; p++)
		if (strcmp(s->points[p].sweep, sweep) == 0)
			return (long)p;
	return -1;
}

long dbr_label_index(const struct dbr_scenario *s, const char *label)
{
	if (!label)
		return -1;
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

static int values_init(struct dbr_values *vals, const struct dbr_scenario *s)
{
	memset(vals, 0, sizeof(*vals));
	vals->npoints = s->npoints;
	vals->nlabels = s->nlabels;
	size_t cells = s->npoints * s->nlabels;
	vals->v = calloc(cells ? cells : 1, sizeof(*vals->v));
	vals->n = calloc(cells ? cells : 1, sizeof(*vals->n));
	if (!vals->v || !vals->n) {
		dbr_values_free(vals);
		return -1;
	}
	return 0;
}

static int values_add(struct dbr_values *vals, size_t c, double x)
{
	double *v = realloc(vals->v[c], (vals->n[c] + 1) * sizeof(*v));
	if (!v)
		return -1;
	vals->v[c] = v;
	v[vals->n[c]++] = x;
	vals->any = true;
	return 0;
}

/* Metric values must be numbers (or NULL: no value). */
static int validate_metrics(sqlite3 *db, const char *scenario, char *err, size_t n)
{
	static const char sql[] =
		"SELECT r.id, CASE WHEN " BAD_TEXT("m.name")
		" THEN 'has a metric whose name is not text of at most 1000 bytes'"
		" ELSE 'has a metric value that is not a number' END"
		" FROM runs r JOIN metrics m ON m.run_id = r.id WHERE r.scenario = ?1 AND"
		" (" BAD_TEXT("m.name") " OR typeof(m.value) NOT IN ('integer', 'real', 'null'))"
		" ORDER BY r.id LIMIT 1";
	return check_rule(db, sql, scenario, err, n);
}

int dbr_metric(sqlite3 *db, const struct dbr_scenario *s, const char *name,
	       struct dbr_values *vals, char *err, size_t errlen)
{
	if (validate_metrics(db, s->name, err, errlen) < 0)
		return -1;
	if (values_init(vals, s) < 0) {
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT " SWEEP ", r.label, m.value FROM runs r "
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
		if (values_add(vals, (size_t)p * s->nlabels + (size_t)l, sqlite3_column_double(st, 2)) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		dbr_values_free(vals);
		return fail(db, err, errlen);
	}
	return 0;
}

void dbr_metrics_free(struct dbr_metrics *ms)
{
	for (size_t i = 0; i < ms->n; i++) {
		free(ms->m[i].name);
		free(ms->m[i].unit);
		free(ms->m[i].meaning);
		dbr_values_free(&ms->m[i].vals);
	}
	free(ms->m);
	memset(ms, 0, sizeof(*ms));
}

static struct dbr_metric *find_metric(const struct dbr_metrics *ms, const char *name)
{
	for (size_t i = 0; i < ms->n; i++)
		if (strcmp(ms->m[i].name, name) == 0)
			return &ms->m[i];
	return NULL;
}

const struct dbr_metric *dbr_metrics_find(const struct dbr_metrics *ms, const char *name)
{
	return find_metric(ms, name);
}

/* Catalogue order, then by name. */
static int metric_order(const void *a, const void *b)
{
	const struct dbr_metric *x = a, *y = b;
	size_t rx, ry;
	catalog_find(x->name, &rx);
	catalog_find(y->name, &ry);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->name, y->name);
}

/* The metric names of the scenario's runs, described. */
static int metric_names(sqlite3 *db, const struct dbr_scenario *s, struct dbr_metrics *ms)
{
	sqlite3_stmt *st, *info = NULL;
	if (sqlite3_prepare_v2(db,
			       "SELECT DISTINCT m.name FROM runs r JOIN metrics m ON m.run_id = r.id "
			       "WHERE r.scenario = ?",
			       -1, &st, NULL) != SQLITE_OK)
		return -1;
	if (dbr_has_table(db, "metric_info") &&
	    sqlite3_prepare_v2(db, "SELECT unit, meaning FROM metric_info WHERE name = ?", -1, &info,
			       NULL) != SQLITE_OK)
		info = NULL;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		struct dbr_metric *m = realloc(ms->m, (ms->n + 1) * sizeof(*m));
		if (!m)
			break;
		ms->m = m;
		m = &ms->m[ms->n++];
		memset(m, 0, sizeof(*m));
		m->name = dup(sqlite3_column_text(st, 0));
		if (!m->name)
			break;
		m->info = catalog_find(m->name, NULL);
		if (m->info) {
			m->unit = strdup(m->info->unit);
			m->meaning = strdup(m->info->meaning);
		} else if (info) {
			/* a metric of another clobber: the database says what it is */
			sqlite3_bind_text(info, 1, m->name, -1, SQLITE_STATIC);
			bool row = sqlite3_step(info) == SQLITE_ROW;
			m->unit = row && sqlite3_column_type(info, 0) == SQLITE_TEXT
					  ? dup(sqlite3_column_text(info, 0))
					  : strdup("");
			m->meaning = row && sqlite3_column_type(info, 1) == SQLITE_TEXT
					     ? dup(sqlite3_column_text(info, 1))
					     : strdup("");
			sqlite3_reset(info);
		}
		if (!m->unit)
			m->unit = strdup("");
		if (!m->meaning)
			m->meaning = strdup("");
		if (!m->unit || !m->meaning)
			break;
	}
	sqlite3_finalize(info);
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE)
		return -1;
	if (ms->n > 1)
		qsort(ms->m, ms->n, sizeof(*ms->m), metric_order);
	return 0;
}

int dbr_metric_names(sqlite3 *db, const struct dbr_scenario *s, char ***names, size_t *n,
		     char *err, size_t errlen)
{
	*names = NULL;
	*n = 0;
	if (validate_metrics(db, s->name, err, errlen) < 0)
		return -1;
	struct dbr_metrics ms = {0};
	if (metric_names(db, s, &ms) < 0) {
		dbr_metrics_free(&ms);
		return fail(db, err, errlen);
	}
	*names = calloc(ms.n + 1, sizeof(**names));
	if (!*names) {
		dbr_metrics_free(&ms);
		snprintf(err, errlen, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < ms.n; i++) {
		(*names)[i] = ms.m[i].name; /* taken over */
		ms.m[i].name = NULL;
	}
	*n = ms.n;
	dbr_metrics_free(&ms);
	return 0;
}

int dbr_metrics_load(sqlite3 *db, const struct dbr_scenario *s, struct dbr_metrics *ms,
		     char *err, size_t errlen)
{
	memset(ms, 0, sizeof(*ms));
	if (validate_metrics(db, s->name, err, errlen) < 0)
		return -1;
	sqlite3_stmt *st = NULL;
	size_t nruns = 0;
	int64_t *ids = NULL;
	size_t *cell = NULL;
	if (metric_names(db, s, ms) < 0)
		goto out_fail;
	for (size_t i = 0; i < ms->n; i++)
		if (values_init(&ms->m[i].vals, s) < 0)
			goto out_fail;
	/* each run's cell, in id order */
	if (sqlite3_prepare_v2(db, "SELECT id, " SWEEP ", label FROM runs WHERE scenario=? ORDER BY id",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		long p = dbr_sweep_index(s, (const char *)sqlite3_column_text(st, 1));
		long l = dbr_label_index(s, (const char *)sqlite3_column_text(st, 2));
		if (p < 0 || l < 0)
			continue;
		int64_t *ni = realloc(ids, (nruns + 1) * sizeof(*ni));
		if (ni)
			ids = ni;
		size_t *nc = realloc(cell, (nruns + 1) * sizeof(*nc));
		if (nc)
			cell = nc;
		if (!ni || !nc) {
			rc = SQLITE_NOMEM;
			break;
		}
		ids[nruns] = sqlite3_column_int64(st, 0);
		cell[nruns++] = (size_t)p * s->nlabels + (size_t)l;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto out_fail;
	if (sqlite3_prepare_v2(db,
			       "SELECT m.run_id, m.name, m.value FROM runs r JOIN metrics m ON m.run_id = r.id "
			       "WHERE r.scenario=? AND m.value IS NOT NULL ORDER BY m.run_id",
			       -1, &st, NULL) != SQLITE_OK)
		goto out_fail;
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	size_t at = 0; /* runs and rows come in id order */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		while (at < nruns && ids[at] < id)
			at++;
		if (at == nruns || ids[at] != id)
			continue;
		const char *name = (const char *)sqlite3_column_text(st, 1);
		struct dbr_metric *m = find_metric(ms, name ? name : "");
		if (!m)
			continue;
		double x = sqlite3_column_double(st, 2);
		if (values_add(&m->vals, cell[at], x) < 0) {
			rc = SQLITE_NOMEM;
			break;
		}
		if (x != 0)
			m->nonzero = true;
	}
	sqlite3_finalize(st);
	st = NULL;
	if (rc != SQLITE_DONE)
		goto out_fail;
	free(ids);
	free(cell);
	return 0;
out_fail:
	sqlite3_finalize(st);
	free(ids);
	free(cell);
	fail(db, err, errlen);
	dbr_metrics_free(ms);
	return -1;
}
