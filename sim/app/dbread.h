/*
 * dbread.h - reading a results database back: scenarios, their sweep
 * points and policy labels, and metric values grouped by point and label
 * (one value per replication).  Used by report, plot and trace.
 *
 * Orders are stable and meaningful: labels in the order their first run was
 * written (the scenario's order), points by their numeric axis values (then
 * by number), axes in the order the scenario wrote them (from runs.params).
 * Not thread-safe (dbr_load sorts with a static context).  A point is identified by its
 * sweep values, not its number, which shifts if a scenario gains a sweep
 * value in the middle of a list.
 */
#ifndef CLOBBER_DBREAD_H
#define CLOBBER_DBREAD_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct dbr_point {
	int64_t point;	    /* its number (the smallest among its runs) */
	char *sweep;	    /* its sweep values as JSON: what identifies it */
	char **axis_text;   /* value of each axis, as written */
	double *axis_num;   /* numeric value (durations in ms), or NAN */
};

struct dbr_scenario {
	char *name;
	char **labels;
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

/* Names of the scenarios in the database. */
int dbr_scenarios(sqlite3 *db, char ***names, size_t *n, char *err, size_t errlen);
void dbr_free_names(char **names, size_t n);

int dbr_load(sqlite3 *db, const char *scenario, struct dbr_scenario *s, char *err, size_t errlen);
void dbr_free(struct dbr_scenario *s);

/* Fills vals with metric `name` of every run of the scenario. */
int dbr_metric(sqlite3 *db, const struct dbr_scenario *s, const char *name,
	       struct dbr_values *vals, char *err, size_t errlen);
void dbr_values_free(struct dbr_values *vals);

/* The index of the one point that spec names, or -1 with err filled: spec
 * is its values as dbr_point_desc() prints them ("skew=5ms clients=16";
 * spaces or commas between terms, any order, enough terms to single one
 * point out), or its number in runs.point.  Numbers are not unique once a
 * sweep was extended with new values (each run keeps the number it had in
 * the scenario it ran from): then the values must be given. */
long dbr_point_find(const struct dbr_scenario *s, const char *spec, char *err, size_t n);

/* Index of a point by its sweep JSON / of a label, or -1. */
long dbr_sweep_index(const struct dbr_scenario *s, const char *sweep);
long dbr_label_index(const struct dbr_scenario *s, const char *label);

/* "skew=10ms clients=8" for a point ("all runs" when there is no sweep). */
void dbr_point_desc(const struct dbr_scenario *s, size_t p, char *buf, size_t n);

#endif
