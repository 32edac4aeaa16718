/*
 * metric.h - what a metric means: its name, unit and meaning, and where
 * the reports and charts show it.
 *
 * Each owner of metrics describes them in a table of struct metric_info
 * ending with a NULL name: the runner its general metrics, each policy and
 * each replication strategy its own.  The table is the metric's one
 * description: `clobber report` and `clobber plot` choose what to show
 * from it, the results database stores it (table metric_info), and the
 * docs quote it.
 */
#ifndef CLOBBER_METRIC_H
#define CLOBBER_METRIC_H

#include <stddef.h>

enum metric_flags {
	METRIC_CHART = 0x1,  /* drawn against each numeric sweep axis */
	METRIC_CARD = 0x2,   /* a panel of the scorecard */
	METRIC_RATE = 0x4,   /* a fraction in [0, 1] */
	METRIC_NOISY = 0x8,  /* varies between identical runs (wall time) */
};

struct metric_info {
	const char *name;    /* as stored in table metrics */
	const char *unit;    /* "ms", "ops/s", "s", "" for a count or a fraction */
	const char *meaning; /* one sentence */
	unsigned flags;	     /* enum metric_flags */
	const char *title;   /* short title on charts ("lost-update rate"), or NULL */
};

/* The entry named `name` in a NULL-terminated table, or NULL. */
const struct metric_info *metric_find(const struct metric_info *table, const char *name);

/* The number of entries of a NULL-terminated table (0 for NULL). */
size_t metric_count(const struct metric_info *table);

#endif
