/*
 * clock.h - an entity's local clock.
 *
 *   local(t) = t + offset + drift * (t - t_sync),   truncated to resolution
 *
 * offset and drift are drawn once per entity (drift in parts per million).
 * With re-synchronisation every `period`, at each true time k*period the
 * offset is reset to a fresh residual error and t_sync becomes k*period;
 * between syncs the clock drifts again.  A re-sync may step the clock
 * backwards, as NTP's does.  Syncs need no events: the clock catches up
 * lazily when read, drawing one residual per period passed, in order, so the
 * readings do not depend on when the clock happens to be read.
 * Truncation rounds towards minus infinity, as a clock's tick does.
 */
#ifndef CLOBBER_CLOCK_H
#define CLOBBER_CLOCK_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

#include "models/config.h"
#include "sim/core/rng.h"

struct clock {
	int64_t offset;	     /* ns, current (since the last sync) */
	double drift;	     /* fraction: ppm * 1e-6 */
	int64_t t_sync;	     /* true time of the last sync (0 at start) */
	int64_t next_sync;   /* true time of the next sync, or INT64_MAX */
	int64_t period;
	int64_t resolution;
	const struct dist *sync_error;
	struct rng_stream rng; /* offset, drift, then the residuals */
};

/* Draws the clock of one entity from the stream with seed stream_seed.
 * explicit_offset, if not NULL, replaces the drawn offset.  The clock must
 * not move afterwards (its stream lives inside it). */
void clock_init(struct clock *c, const struct run_config *cfg, uint64_t stream_seed,
		const int64_t *explicit_offset);

/* The local clock's reading at true time t (t never decreases between calls). */
int64_t clock_read(struct clock *c, int64_t t);

/* The clock steps by `by` ns at true time t (an NTP step, a fault): the
 * offset changes until the next re-sync draws a fresh one. */
void clock_jump(struct clock *c, int64_t t, int64_t by);

/* True time at which `local` elapsed nanoseconds of this clock will have
 * passed, starting now: how a lease measured by this clock runs in true time. */
int64_t clock_true_duration(const struct clock *c, int64_t local);

#endif
