/*
 * dist.h - the distributions a scenario may name, their parser, printer,
 * sampler and theoretical moments.
 *
 *   const(x)            x (a bare value means the same)
 *   uniform(a, b)       a <= X <= b
 *   exp(mean)           exponential with that mean
 *   normal(mu, sigma)   Gaussian
 *   lognormal(median, sigma)   exp(N(ln median, sigma^2))
 *   pareto(scale, shape)       P(X > x) = (scale/x)^shape for x >= scale
 *   mix(p, D1, D2)      with probability p a draw of D1, else of D2 (D1 and
 *                       D2 any of the above but mix): the published latency
 *                       fits of PBS (Bailis et al. 2012) are such mixtures
 *
 * A distribution is parsed for one kind of quantity: a duration (parameters
 * carry units and are stored in nanoseconds) or a plain number (clock drift
 * in parts per million).  The sampler draws through GSL from one stream.
 * dist_mean() and dist_variance() give the closed forms, for tests and for
 * the scenario checker; they are INFINITY where the moment does not exist.
 */
#ifndef CLOBBER_DIST_H
#define CLOBBER_DIST_H

#include <gsl/gsl_rng.h>
#include <stddef.h>

#include "sim/core/units.h"

enum dist_kind {
	DIST_CONST,
	DIST_UNIFORM,
	DIST_EXP,
	DIST_NORMAL,
	DIST_LOGNORMAL,
	DIST_PARETO,
	DIST_MIX,
};

enum dist_unit {
	DIST_DURATION, /* parameters are durations, values in ns */
	DIST_NUMBER,   /* parameters are plain numbers */
};

/* One component of a mixture: a distribution that is not a mixture. */
struct dist_part {
	enum dist_kind kind;
	double a, b;
};

struct dist {
	enum dist_kind kind;
	double a; /* const: x; uniform: low; exp: mean; normal/lognormal: mu or median; pareto: scale */
	double b; /* uniform: high; normal/lognormal: sigma; pareto: shape */
	double p; /* mix: the probability of part[0] */
	struct dist_part part[2]; /* mix: the components */
};

/* Parses text into d.  On failure fills e (column within text) and returns -1. */
int dist_parse(const char *text, enum dist_unit unit, struct dist *d,
	       struct parse_error *e);

/* Prints d as a scenario would write it ("exp(10ms)"). */
int dist_format(const struct dist *d, enum dist_unit unit, char *buf, size_t n);

/* One draw.  r may be NULL for a distribution of one value
 * (dist_is_const): the draw is that value, and no stream is needed. */
double dist_sample(const struct dist *d, gsl_rng *r);

/* An exponential sample of the given mean (>= 0). */
double dist_exponential(gsl_rng *r, double mean);

/* One draw of a duration: rounded to whole nanoseconds, clamped at 0. */
long long dist_sample_ns(const struct dist *d, gsl_rng *r);

/* One draw of a duration from the keyed stream `key` (rng.h): the same
 * value as dist_sample_ns(d, r) with r made by rng_stream_init(s, key),
 * without making r when one uniform is all the draw needs (const, exp,
 * uniform). */
long long dist_keyed_ns(const struct dist *d, uint64_t key);

double dist_mean(const struct dist *d);
double dist_variance(const struct dist *d);

/* The smallest value the distribution can take (-INFINITY if unbounded). */
double dist_min(const struct dist *d);

/* True if some value has a probability above 0 (const, a mixture with a
 * constant part, a degenerate uniform or normal): draws may tie. */
int dist_has_atoms(const struct dist *d);

/* True if every draw is the same value. */
int dist_is_const_any(const struct dist *d);

/* The same, with the two kinds asked on every message (an exponential
 * latency, a constant service time) answered without a call. */
static inline int dist_is_const(const struct dist *d)
{
	if (d->kind == DIST_EXP)
		return d->a == 0;
	if (d->kind == DIST_CONST)
		return 1;
	return dist_is_const_any(d);
}

#endif
