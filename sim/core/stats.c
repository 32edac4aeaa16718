/*
 * stats.c - mean and confidence interval over replications.
 */
#include "sim/core/stats.h"

#include <gsl/gsl_cdf.h>
#include <gsl/gsl_statistics_double.h>
#include <math.h>

void stats_mean_ci(const double *x, size_t n, double level, double *mean, double *half)
{
	if (n == 0) {
		*mean = NAN;
		*half = NAN;
		return;
	}
	*mean = gsl_stats_mean(x, 1, n);
	if (n < 2) {
		*half = NAN;
		return;
	}
	double sd = gsl_stats_sd_m(x, 1, n, *mean);
	*half = gsl_cdf_tdist_Pinv(1 - (1 - level) / 2, (double)(n - 1)) * sd / sqrt((double)n);
}
