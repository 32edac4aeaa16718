/*
 * catalog.h - every metric this clobber knows, in report order: the
 * general ones (run_metrics, sim/app/runner.c), then each policy's
 * (p->metrics), then each replication strategy's (r->metrics), in the
 * order of the registry.  Each entry is its owner's struct metric_info,
 * the one description of a metric: report, plot, export and the results
 * database's metric_info table read units, meanings and flags from here,
 * never from a list of their own.  A name owned twice is listed once, at
 * its first owner.
 */
#ifndef CLOBBER_CATALOG_H
#define CLOBBER_CATALOG_H

#include <stddef.h>

#include "sim/core/metric.h"

/* The number of metrics, and the i-th (0 <= i < catalog_count()). */
size_t catalog_count(void);
const struct metric_info *catalog_at(size_t i);

/* Who describes the i-th: "general", or a policy's or strategy's name. */
const char *catalog_owner(size_t i);

/* The entry named `name` and its rank (its index), or NULL and rank
 * catalog_count() for a name this clobber does not know. */
const struct metric_info *catalog_find(const char *name, size_t *rank);

#endif
