/*
 * dbread.h - reading a results database back: scenarios, their sweep
 * points and policy labels, and metric values grouped by point and label
 * (one value per replication).  Used by report, plot, export and trace.
 *
 * Orders are stable and meaningful: labels in the order their first run was
 * written (the scenario's order), points by their numeric axis values (then
 * by number), axes in the order the scenario wrote them (from runs.params),
 * metrics in the order of the catalogue (sim/app/catalog.h), then the ones
 * this clobber does not know, by name.  A point is identified by its sweep
 * values, not its number, which shifts if a scenario gains a sweep value in
 * the middle of a list.
 *
 * A database is untrusted input: anyone can hand you one.  What is read is
 * checked before it is used: names, labels, policies and axis names are
 * text of at most DBR_TEXT_MAX bytes without NUL, params are JSON whose
 * `sweep`, when present, is an object (a run without one has no sweep
 * values), metric values are numbers or NULL.  A database that breaks
 * these is refused with the run that breaks them.  The text itself is
 * returned as stored: whoever prints it escapes it for the medium
 * (sim/app/escape.h).
 */
#ifndef CLOBBER_DBREAD_H
#define CLOBBER_DBREAD_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/metric.h"

#define DBR_TEXT_MAX 1000 /* bytes of a name, label, policy or axis name */

struct dbr_point {
	int64_t point;	    /* its number (the smallest among its runs) */
	char *sweep;	    /* its sweep values as JSON: what identifies it */
	char **axis_text;   /* value of each axis, as written */
	double *axis_num;   /* numeric value (durations in ms), or NAN */
};

struct dbr_scenario {
	char *name;
	char **labels;
	char **policies;    /* the policy of each label (of its first run) */
	size_t nlabels;
	char **axes;
	size_t naxes;
	struct dbr_point *points;
	size_t npoints;
	int64_t replications; /* the most runs of one label at one point */
};

/* Values of one metric: v[point index][label index] holds n values. */
struct dbr_values {
	size_t npoints, nlabels;
	double **v;	/* [p * nlabels + l]: array of values */
	size_t *n;	/* [p * nlabels + l]: how many */
	bool any;	/* some run has the metric */
};

/* Every metric of a scenario's runs. */
struct dbr_metric {
	char *name;
	const struct metric_info *info; /* this clobber's description, or NULL */
	char *unit;	 /* info's, else the database's metric_info table's, else "" */
	char *meaning;	 /* likewise */
	struct dbr_values vals;
	bool nonzero;	 /* some value is not 0 */
};

struct dbr_metrics {
	struct dbr_metric *m;
	size_t n;
};

/* Names of the scenarios in the database. */
int dbr_scenarios(sqlite3 *db, char ***names, size_t *n, char *err, size_t errlen);
void dbr_free_names(char **names, size_t n);

int dbr_load(sqlite3 *db, const char *scenario, struct dbr_scenario *s, char *err, size_t errlen);
void dbr_free(struct dbr_scenario *s);

/* Fills vals with metric `name` of every run of the scenario. */
int dbr_metric(sqlite3 *db, const struct dbr_scenario *s, const char *name,
	       struct dbr_values *vals, char *err, size_t errlen);
void dbr_values_free(struct dbr_values *vals);

/* The names of the metrics the scenario's runs hold, in catalogue order
 * (checked as above); free with dbr_free_names. */
int dbr_metric_names(sqlite3 *db, const struct dbr_scenario *s, char ***names, size_t *n,
		     char *err, size_t errlen);

/* Reads every metric of the scenario's runs, in one pass. */
int dbr_metrics_load(sqlite3 *db, const struct dbr_scenario *s, struct dbr_metrics *out,
		     char *err, size_t errlen);
void dbr_metrics_free(struct dbr_metrics *ms);
/* The metric named `name`, or NULL. */
const struct dbr_metric *dbr_metrics_find(const struct dbr_metrics *ms, const char *name);

/* The index of the one point that spec names, or -1 with err filled: spec
 * is its values as dbr_point_desc() prints them ("skew=5ms clients=16";
 * spaces or commas between terms, any order, enough terms to single one
 * point out), or its number in runs.point.  Numbers are not unique once a
 * sweep was extended with new values (each run keeps the number it had in
 * the scenario it ran from): then the values must be given. */
long dbr_point_find(const struct dbr_scenario *s, const char *spec, char *err, size_t n);

/* Whether point p matches spec (as dbr_point_find reads it), without
 * requiring it to be the only one. */
bool dbr_point_matches(const struct dbr_scenario *s, size_t p, const char *spec);

/* Index of a point by its sweep JSON / of a label, or -1. */
long dbr_sweep_index(const struct dbr_scenario *s, const char *sweep);
long dbr_label_index(const struct dbr_scenario *s, const char *label);

/* "skew=10ms clients=8" for a point ("all runs" when there is no sweep). */
void dbr_point_desc(const struct dbr_scenario *s, size_t p, char *buf, size_t n);

/* Whether the database has a table or view named `table`. */
bool dbr_has_table(sqlite3 *db, const char *table);

#endif
