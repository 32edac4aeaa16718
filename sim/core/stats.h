/*
 * stats.h - summaries over replications: mean and Student-t confidence
 * interval (GSL's t quantiles).
 */
#ifndef CLOBBER_STATS_H
#define CLOBBER_STATS_H

#include <stddef.h>

/* Mean of x[0..n) and the half-width of its two-sided confidence interval
 * at `level` (0.95): t(1 - (1-level)/2, n-1) * s / sqrt(n).  The half-width
 * is NAN when n < 2 (no interval from one replication) and 0 when every
 * value is the same. */
void stats_mean_ci(const double *x, size_t n, double level, double *mean, double *half);

#endif
