/*
 * keys.h - key choosers: which of n keys an operation touches.
 *
 *   uniform            every key equally likely
 *   zipf(s)            P(key k) proportional to 1/(k+1)^s, key 0 the hottest;
 *                      drawn exactly by rejection-inversion (Hoermann and
 *                      Derflinger 1996) in O(1) expected time and O(1)
 *                      memory, whatever n: no table of n probabilities
 *   hot(f, p)          the first max(1, round(f*n)) keys are hot; with
 *                      probability p the key is drawn uniformly among them,
 *                      otherwise uniformly among the others
 *
 * A chooser is immutable after keys_init() and may be shared by every
 * client; each draw uses the caller's stream.
 */
#ifndef CLOBBER_KEYS_H
#define CLOBBER_KEYS_H

#include <gsl/gsl_rng.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/core/units.h"

enum keys_kind {
	KEYS_UNIFORM,
	KEYS_ZIPF,
	KEYS_HOT,
};

/* The chooser as a scenario writes it. */
struct keys_spec {
	enum keys_kind kind;
	double s;	    /* zipf exponent, >= 0 */
	double fraction;    /* hot: share of keys that are hot, (0, 1) */
	double probability; /* hot: share of operations on hot keys, [0, 1] */
};

struct keys {
	struct keys_spec spec;
	uint32_t n;
	/* zipf: rejection-inversion constants */
	double h_x1, h_n, cut;
	/* hot */
	uint32_t nhot;
};

int keys_parse(const char *text, struct keys_spec *spec, struct parse_error *e);
int keys_format(const struct keys_spec *spec, char *buf, size_t n);

/* Prepares a chooser over n >= 1 keys. */
void keys_init(struct keys *k, const struct keys_spec *spec, uint32_t n);

/* A key in [0, n). */
uint32_t keys_pick(const struct keys *k, gsl_rng *r);

#endif
