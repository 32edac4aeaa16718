/*
 * floor.h - the peer model as a bare C loop (floor.c): two events per
 * operation, no checker, no history.  The floor `make bench` measures the
 * full simulator against.
 */
#ifndef CLOBBER_BENCH_FLOOR_H
#define CLOBBER_BENCH_FLOOR_H

#include <stdint.h>

struct floor_result {
	uint64_t ops;	       /* operations issued */
	uint64_t events;
	double latency_mean_ms;	/* of the successful ones */
	double conflict_rate;	/* conflicts / attempts */
};

/* One run of `ops` operations with the given seed. */
void floor_run(uint64_t seed, uint64_t ops, struct floor_result *out);

#endif
