/*
 * rng.h - random streams, one per entity and purpose, derived from the run
 * seed.
 *
 * A stream is named by (run seed, a, b, c): three integers whose meaning the
 * caller chooses (the models use entity class, entity index, purpose).  The
 * stream's seed is a hash of the four, so a stream depends on nothing but its
 * name: adding a client, or drawing more from one stream, leaves every other
 * stream's draws unchanged.  That is what makes common random numbers work:
 * two policies run with one seed see the same arrivals, keys and kinds.
 *
 * A stream is a gsl_rng, so GSL's distributions draw from it.  Its generator
 * is xoshiro256** registered as a gsl_rng_type: GSL's own generators take a
 * 32-bit seed, and tens of thousands of streams seeded from 32 bits would
 * collide; xoshiro256** takes its 256-bit state from the 64-bit stream seed
 * through splitmix64, as its authors recommend.
 */
#ifndef CLOBBER_RNG_H
#define CLOBBER_RNG_H

#include <gsl/gsl_rng.h>
#include <stdint.h>

/* The seed of the stream named (seed, a, b, c). */
uint64_t rng_stream_seed(uint64_t seed, uint32_t a, uint32_t b, uint32_t c);

/* Keyed draws.  A value drawn for one event (the latency of one message,
 * the compute time of one attempt) is taken from a stream seeded by a key
 * that names the event, rather than from the next place in a shared
 * sequence: rng_key(base, x) folds one more name into a key (base being a
 * stream seed), and rng_stream_init(s, key) makes the stream.  Two runs
 * that reach the same event draw the same value, whatever else each drew
 * before: common random numbers per event. */
uint64_t rng_key(uint64_t base, uint64_t x);

/* A stream that lives inside another struct, with no allocation: the
 * gsl_rng's state points into the struct itself, so the struct must not
 * move once initialised.  Pass &s->rng wherever a gsl_rng * is expected. */
struct rng_stream {
	gsl_rng rng;
	uint64_t state[4];
};

void rng_stream_init(struct rng_stream *s, uint64_t stream_seed);

/* The first rng_uniform() of a stream made by rng_stream_init(s, key),
 * computed without making it: a keyed draw that needs one uniform (an
 * exponential, a uniform, a loss) costs two splitmix64 steps' worth of
 * work instead of seeding a whole xoshiro256** state.  Bit for bit the
 * same value. */
double rng_key_uniform(uint64_t stream_seed);

/* A new stream, or NULL when out of memory.  Free with rng_free(). */
gsl_rng *rng_new(uint64_t stream_seed);
void rng_free(gsl_rng *r);

/* Re-seeds an existing stream. */
void rng_reseed(gsl_rng *r, uint64_t stream_seed);

/* Uniform on [0, 1) and on (0, 1). */
double rng_uniform(gsl_rng *r);
double rng_uniform_pos(gsl_rng *r);

/* Uniform integer in [0, n), n > 0, without modulo bias. */
uint64_t rng_below(gsl_rng *r, uint64_t n);

/* The generator type, for tests. */
extern const gsl_rng_type *const rng_xoshiro256ss;

#endif
