/*
 * clock.c - offset, drift, resolution and lazy re-synchronisation.
 */
#include "models/clock.h"

#include <math.h>

#include "sim/core/rng.h"

void clock_init(struct clock *c, const struct run_config *cfg, uint64_t stream_seed,
		const int64_t *explicit_offset)
{
	rng_stream_init(&c->rng, stream_seed);
	gsl_rng *rng = &c->rng.rng;
	double off = dist_sample(&cfg->offset, rng);
	c->offset = explicit_offset ? *explicit_offset : (int64_t)llround(off);
	c->drift = dist_sample(&cfg->drift, rng) * 1e-6;
	c->t_sync = 0;
	c->period = cfg->sync_period;
	c->next_sync = c->period > 0 ? c->period : INT64_MAX;
	c->resolution = cfg->resolution > 0 ? cfg->resolution : 1;
	c->sync_error = &cfg->sync_error;
}

static int64_t floor_div(int64_t a, int64_t b)
{
	int64_t q = a / b;
	return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

int64_t clock_read(struct clock *c, int64_t t)
{
	while (t >= c->next_sync) {
		c->t_sync = c->next_sync;
		c->offset = (int64_t)llround(dist_sample(c->sync_error, &c->rng.rng));
		c->next_sync += c->period;
	}
	int64_t local = t + c->offset;
	if (c->drift != 0)
		local += (int64_t)llround(c->drift * (double)(t - c->t_sync));
	return floor_div(local, c->resolution) * c->resolution;
}

void clock_jump(struct clock *c, int64_t t, int64_t by)
{
	(void)clock_read(c, t); /* catch up with the syncs before t */
	c->offset += by;
}

int64_t clock_true_duration(const struct clock *c, int64_t local)
{
	if (c->drift == 0)
		return local;
	double d = (double)local / (1 + c->drift);
	return d < 0 ? 0 : (int64_t)llround(d);
}
