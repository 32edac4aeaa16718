/*
 * report.h - the report: for each scenario (matched by name across one or
 * more databases) and each sweep point, a table of metrics by (policy
 * label, database), each cell the mean of a metric over replications and
 * the half-width of its 95% confidence interval (Student's t).  `clobber
 * report` prints it as a table, CSV, Markdown or JSON (report_out.c);
 * `clobber plot` puts it in index.html.
 *
 * Which metrics are rows comes from their descriptions (sim/app/catalog.h),
 * not from a list: every metric some shown cell holds with a value other
 * than 0, in catalogue order, but those flagged METRIC_NOISY (wall time,
 * which varies between identical runs); or exactly the metrics asked for.
 * The metrics left out are listed (`zero`, `noisy`), so that nothing is
 * hidden without a word.
 *
 * Points are identified by their sweep values: the same values in two
 * databases are one point, side by side.  Numbers are printed to the
 * precision their interval supports (report_num).
 */
#ifndef CLOBBER_REPORT_H
#define CLOBBER_REPORT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "sim/core/strbuf.h"

/* What to show; empty lists show everything. */
struct report_filter {
	const char *scenario;	      /* one scenario by name, or NULL: all */
	const char *const *metrics;   /* metric names, shown in this order */
	size_t nmetrics;
	const char *const *points;    /* point specs, as dbr_point_matches reads them */
	size_t npoints;
	const char *const *policies;  /* labels or policy names */
	size_t npolicies;
};

struct report_cell {
	size_t n;	/* values (replications); 0: the label has no such metric */
	double mean;
	double half;	/* NAN when n < 2 */
};

struct report_col {
	size_t label;	/* index in report_scen.labels */
	size_t source;	/* index in report.sources */
};

struct report_row {
	char *name;
	char *unit;
	char *meaning;
};

struct report_point {
	char *sweep;	   /* JSON of its sweep values: its identity */
	char *desc;	   /* "skew=5ms clients=16", or "all runs" */
	char **axis_text;  /* [naxes]: the value of each axis as written, "" if none */
	double *axis_num;  /* numeric value, or NAN */
	int64_t number;	   /* runs.point, of the first source that has it */
};

struct report_scen {
	char *name;
	char **axes;
	size_t naxes;
	char **labels;	   /* union over the sources, in first-written order */
	char **policies;   /* the policy of each label */
	size_t nlabels;
	struct report_col *cols;
	size_t ncols;
	struct report_row *rows;
	size_t nrows;
	struct report_point *points;
	size_t npoints;
	struct report_cell *cells; /* [(p * nrows + r) * ncols + c] */
	char **zero;	   /* metrics left out: 0 in every shown cell */
	size_t nzero;
	char **noisy;	   /* metrics left out: METRIC_NOISY */
	size_t nnoisy;
	int64_t replications; /* the most runs of one label at one point */
	char **differs;	   /* [nsources]: how the source's parameters differ from
			    * the first source's ("workload.clients=2 (4 in [1])"),
			    * "" when they do not or it lacks the scenario */
	size_t ndiffers;
};

struct report {
	char **sources;	   /* database paths, as given */
	size_t nsources;
	struct report_scen *sc;
	size_t nsc;
};

/* An open database to build from. */
struct report_source {
	const char *path;
	struct sqlite3 *db;
};

/* Builds the report of the sources.  Returns 0; -1 with err filled when a
 * database cannot be read; -2 with err filled when the filter names a
 * metric, point or policy that no source has (bad usage). */
int report_build(const struct report_source *src, size_t nsrc, const struct report_filter *f,
		 struct report *r, char *err, size_t n);
void report_free(struct report *r);

/* The cell of point p, row r, column c. */
const struct report_cell *report_cell(const struct report_scen *s, size_t p, size_t r, size_t c);

/* Texts of a row of cells, each to the precision its interval supports:
 * the half-width to two significant digits and the mean to the same
 * decimal place (the rule of the GUM, JCGM 100:2008, 7.2.6); a value
 * without an interval (one replication) or with none needed (every
 * replication equal) to four significant digits, a whole number in full.
 * The notation is the same across the row: fixed, or scientific when a
 * mean of the row is too large or too small for fixed notation.  "-" for
 * a cell without values.  mean[i] and half[i] receive the two parts
 * (half "" when there is no interval); each at most 40 bytes. */
void report_num_row(const struct report_cell *cells, size_t n, char (*mean)[48], char (*half)[48]);

/* The writers (report_out.c).  Each returns 0, or -1 if writing failed. */
int report_write_table(const struct report *r, FILE *out);
int report_write_markdown(const struct report *r, FILE *out);
int report_write_csv(const struct report *r, FILE *out);
int report_write_json(const struct report *r, FILE *out);
/* The tables of one scenario as HTML (a <table> per point), for index.html. */
void report_write_html(const struct report *r, size_t scen, struct strbuf *b);

#endif
