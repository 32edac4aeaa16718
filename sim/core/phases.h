/*
 * phases.h - a Poisson arrival process whose rate changes at fixed times
 * (workload.phases): piecewise constant, phase i from the end of phase
 * i - 1 (0 for the first) to ends[i], the last phase's rate holding after
 * its end.
 *
 * Arrivals are drawn by the time change of a Poisson process of rate 1:
 * each arrival consumes one exponential draw e of mean 1, and lies where
 * the integral of the rate from the previous arrival reaches e.  So the
 * number of arrivals in a phase of length d and rate r is Poisson with
 * mean r d, independent from phase to phase (the process is memoryless
 * at a boundary), and an arrival process is a pure function of its draws:
 * the same for every policy.
 */
#ifndef CLOBBER_PHASES_H
#define CLOBBER_PHASES_H

#include <stdbool.h>
#include <stdint.h>

#define PHASES_MAX 32

struct load_phase {
	int64_t end;	   /* ns, after the previous phase's end */
	double rate;	   /* arrivals per second of each client; 0: none */
	double total_rate; /* as written: the rate of all clients together */
	bool total;	   /* written as total_rate (rate is its share) */
};

/* The time of the next arrival after `now`, for an exponential draw e of
 * mean 1; -1 if none comes (the rate is 0 from some point on).  A time
 * beyond 4e18 ns is returned as now + 4e18 at most (the kernel refuses
 * times past KERNEL_TIME_MAX). */
int64_t phases_next(const struct load_phase *ph, uint32_t n, int64_t now, double e);

/* The expected arrivals of one client in [0, until): the integral of the
 * rate. */
double phases_expected(const struct load_phase *ph, uint32_t n, int64_t until);

#endif
