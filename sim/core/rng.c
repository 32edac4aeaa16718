/*
 * rng.c - xoshiro256** as a gsl_rng_type, and stream seeding.
 *
 * The generator follows Blackman and Vigna, "Scrambled linear pseudorandom
 * number generators" (2018): 256 bits of state, period 2^256 - 1, every
 * 64-bit output equidistributed.  Seeds are spread by splitmix64 (Steele,
 * Lea and Flood 2014), so nearby stream names give unrelated states.
 */
#include "sim/core/rng.h"

#include <stdlib.h>

struct xoshiro {
	uint64_t s[4];
};

static uint64_t rotl(uint64_t x, int k)
{
	return (x << k) | (x >> (64 - k));
}

static uint64_t splitmix64(uint64_t *x)
{
	uint64_t z = (*x += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t next(struct xoshiro *st)
{
	uint64_t *s = st->s;
	uint64_t result = rotl(s[1] * 5, 7) * 9;
	uint64_t t = s[1] << 17;
	s[2] ^= s[0];
	s[3] ^= s[1];
	s[1] ^= s[2];
	s[0] ^= s[3];
	s[2] ^= t;
	s[3] = rotl(s[3], 45);
	return result;
}

static void xo_set(void *state, unsigned long seed)
{
	struct xoshiro *st = state;
	uint64_t x = seed;
	for (int i = 0; i < 4; i++)
		st->s[i] = splitmix64(&x);
	/* splitmix64 is a bijection of its counter, so four consecutive outputs
	 * are never all zero: the state is valid. */
}

static unsigned long xo_get(void *state)
{
	return (unsigned long)next(state);
}

static double xo_get_double(void *state)
{
	return (double)(next(state) >> 11) * 0x1.0p-53;
}

_Static_assert(sizeof(unsigned long) == 8, "clobber needs 64-bit unsigned long");

static const gsl_rng_type xoshiro_type = {
	.name = "xoshiro256**",
	.max = 0xffffffffffffffffUL,
	.min = 0,
	.size = sizeof(struct xoshiro),
	.set = xo_set,
	.get = xo_get,
	.get_double = xo_get_double,
};

const gsl_rng_type *const rng_xoshiro256ss = &xoshiro_type;

uint64_t rng_stream_seed(uint64_t seed, uint32_t a, uint32_t b, uint32_t c)
{
	uint64_t x = seed;
	uint64_t h = splitmix64(&x);
	x = h ^ ((uint64_t)a << 32 | b);
	h = splitmix64(&x);
	x = h ^ c;
	return splitmix64(&x);
}

uint64_t rng_key(uint64_t base, uint64_t x)
{
	uint64_t z = base ^ (x * 0xd1342543de82ef95ULL);
	return splitmix64(&z);
}

_Static_assert(sizeof(struct xoshiro) == sizeof(((struct rng_stream *)0)->state),
	       "rng_stream holds a xoshiro state");

void rng_stream_init(struct rng_stream *s, uint64_t stream_seed)
{
	s->rng.type = &xoshiro_type;
	s->rng.state = s->state;
	xo_set(s->state, stream_seed);
}

/* xo_set fills s[i] with the i-th splitmix64 output of the seed, and the
 * first output of next() reads only s[1]: the second output, that is the
 * mix of seed + 2 * golden ratio. */
double rng_key_uniform(uint64_t stream_seed)
{
	uint64_t x = stream_seed + 0x9e3779b97f4a7c15ULL;
	uint64_t s1 = splitmix64(&x);
	uint64_t result = rotl(s1 * 5, 7) * 9;
	return (double)(result >> 11) * 0x1.0p-53;
}

gsl_rng *rng_new(uint64_t stream_seed)
{
	gsl_rng *r = gsl_rng_alloc(&xoshiro_type);
	if (r)
		gsl_rng_set(r, stream_seed);
	return r;
}

void rng_reseed(gsl_rng *r, uint64_t stream_seed)
{
	gsl_rng_set(r, stream_seed);
}

void rng_free(gsl_rng *r)
{
	if (r)
		gsl_rng_free(r);
}

double rng_uniform(gsl_rng *r)
{
	return xo_get_double(r->state);
}

double rng_uniform_pos(gsl_rng *r)
{
	double u;
	do
		u = xo_get_double(r->state);
	while (u == 0.0);
	return u;
}

uint64_t rng_below(gsl_rng *r, uint64_t n)
{
	/* Lemire's multiply-shift with rejection of the biased low part. */
	uint64_t x = next(r->state);
	__uint128_t m = (__uint128_t)x * n;
	uint64_t low = (uint64_t)m;
	if (low < n) {
		/* (2^64 - n) mod n: the count of biased low values */
		// cppcheck-suppress oppositeExpression
		uint64_t threshold = -n % n;
		while (low < threshold) {
			x = next(r->state);
			m = (__uint128_t)x * n;
			low = (uint64_t)m;
		}
	}
	return (uint64_t)(m >> 64);
}
