/*
 * keys.c - uniform, Zipf (rejection-inversion) and hot-set key choosers.
 *
 * Rejection-inversion for Zipf, in the form of Hoermann and Derflinger's
 * paper: sample x by inverting the integral H of the hat function
 * h(x) = x^-s over [1/2, n + 1/2], round to the nearest integer k, and accept
 * k when x lies close enough to k or when the point falls under the
 * histogram of the true probabilities.  The helpers log1p(t)/t and
 * expm1(t)/t keep H and its inverse accurate as s approaches 1, where the
 * closed forms would divide by zero.
 */
#include "sim/core/keys.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/rng.h"

/* log1p(t)/t, continuous at 0. */
static double log1p_over(double t)
{
	return fabs(t) > 1e-8 ? log1p(t) / t : 1 - t / 2 + t * t / 3;
}

/* expm1(t)/t, continuous at 0. */
static double expm1_over(double t)
{
	return fabs(t) > 1e-8 ? expm1(t) / t : 1 + t / 2 + t * t / 6;
}

/* H(x) = (x^(1-s) - 1) / (1 - s), or log(x) when s = 1. */
static double h_integral(double x, double s)
{
	double lx = log(x);
	return expm1_over((1 - s) * lx) * lx;
}

/* h(x) = x^-s */
static double h(double x, double s)
{
	return exp(-s * log(x));
}

/* The inverse of H. */
static double h_integral_inv(double y, double s)
{
	double t = y * (1 - s);
	if (t < -1)
		t = -1; /* rounding can push t past the pole */
	return exp(log1p_over(t) * y);
}

void keys_init(struct keys *k, const struct keys_spec *spec, uint32_t n)
{
	memset(k, 0, sizeof(*k));
	k->spec = *spec;
	k->n = n;
	if (spec->kind == KEYS_ZIPF && spec->s > 0) {
		double s = spec->s;
		k->h_x1 = h_integral(1.5, s) - 1;
		k->h_n = h_integral(n + 0.5, s);
		k->cut = 2 - h_integral_inv(h_integral(2.5, s) - h(2, s), s);
	}
	if (spec->kind == KEYS_HOT) {
		double hot = floor(spec->fraction * n + 0.5);
		k->nhot = hot < 1 ? 1 : (uint32_t)hot;
		if (k->nhot > n)
			k->nhot = n;
	}
}

static uint32_t zipf_pick(const struct keys *k, gsl_rng *r)
{
	double s = k->spec.s;
	for (;;) {
		double u = k->h_n + rng_uniform(r) * (k->h_x1 - k->h_n);
		double x = h_integral_inv(u, s);
		double kx = floor(x + 0.5);
		if (kx < 1)
			kx = 1;
		else if (kx > k->n)
			kx = k->n;
		if (kx - x <= k->cut || u >= h_integral(kx + 0.5, s) - h(kx, s))
			return (uint32_t)kx - 1;
	}
}

uint32_t keys_pick(const struct keys *k, gsl_rng *r)
{
	if (k->n <= 1)
		return 0;
	switch (k->spec.kind) {
	case KEYS_UNIFORM:
		return (uint32_t)rng_below(r, k->n);
	case KEYS_ZIPF:
		if (k->spec.s == 0)
			return (uint32_t)rng_below(r, k->n);
		return zipf_pick(k, r);
	case KEYS_HOT:
		if (k->nhot == k->n)
			return (uint32_t)rng_below(r, k->n);
		if (rng_uniform(r) < k->spec.probability)
			return (uint32_t)rng_below(r, k->nhot);
		return k->nhot + (uint32_t)rng_below(r, k->n - k->nhot);
	}
	return 0;
}

/* Reads "name(args)" with up to two numeric arguments. */
static int parse_call(const char *text, char *name, size_t namecap, double *args,
		      int *nargs, struct parse_error *e)
{
	size_t i = 0;
	while (text[i] == ' ')
		i++;
	size_t start = i;
	while (text[i] >= 'a' && text[i] <= 'z')
		i++;
	if (i == start || i - start >= namecap)
		return units_fail(e, (int)start,
				  "expected a key chooser: uniform, zipf(s) or hot(fraction, probability)");
	memcpy(name, text + start, i - start);
	name[i - start] = '\0';
	*nargs = 0;
	while (text[i] == ' ')
		i++;
	if (text[i] == '\0')
		return 0;
	if (text[i] != '(')
		return units_fail(e, (int)i, "expected '(' after '%s'", name);
	i++;
	for (;;) {
		size_t from = i;
		while (text[i] && text[i] != ',' && text[i] != ')')
			i++;
		if (!text[i])
			return units_fail(e, (int)i, "missing ')'");
		if (*nargs == 2)
			return units_fail(e, (int)from, "too many arguments");
		char buf[64];
		size_t len = i - from;
		if (len >= sizeof(buf))
			return units_fail(e, (int)from, "argument too long");
		memcpy(buf, text + from, len);
		buf[len] = '\0';
		if (units_number(buf, &args[*nargs], e) < 0) {
			if (e)
				e->col += (int)from;
			return -1;
		}
		(*nargs)++;
		if (text[i] == ')')
			break;
		i++;
	}
	i++;
	while (text[i] == ' ')
		i++;
	if (text[i])
		return units_fail(e, (int)i, "unexpected '%s' after ')'", text + i);
	return 0;
}

int keys_parse(const char *text, struct keys_spec *spec, struct parse_error *e)
{
	char name[16];
	double args[2] = {0, 0};
	int nargs = 0;
	if (parse_call(text, name, sizeof(name), args, &nargs, e) < 0)
		return -1;
	memset(spec, 0, sizeof(*spec));
	if (strcmp(name, "uniform") == 0) {
		if (nargs != 0)
			return units_fail(e, 0, "uniform takes no arguments");
		spec->kind = KEYS_UNIFORM;
		return 0;
	}
	if (strcmp(name, "zipf") == 0) {
		if (nargs != 1)
			return units_fail(e, 0, "expected zipf(s) with one exponent s >= 0");
		if (!(args[0] >= 0 && args[0] <= 100))
			return units_fail(e, 0, "zipf exponent must be in [0, 100], found %g", args[0]);
		spec->kind = KEYS_ZIPF;
		spec->s = args[0];
		return 0;
	}
	if (strcmp(name, "hot") == 0) {
		if (nargs != 2)
			return units_fail(e, 0, "expected hot(fraction, probability)");
		if (!(args[0] > 0 && args[0] < 1))
			return units_fail(e, 0, "hot fraction must be in (0, 1), found %g", args[0]);
		if (!(args[1] >= 0 && args[1] <= 1))
			return units_fail(e, 0, "hot probability must be in [0, 1], found %g", args[1]);
		spec->kind = KEYS_HOT;
		spec->fraction = args[0];
		spec->probability = args[1];
		return 0;
	}
	return units_fail(e, 0,
			  "unknown key chooser '%s': expected uniform, zipf(s) or hot(fraction, probability)",
			  name);
}

int keys_format(const struct keys_spec *spec, char *buf, size_t n)
{
	char a[40], b[40];
	switch (spec->kind) {
	case KEYS_UNIFORM:
		return snprintf(buf, n, "uniform");
	case KEYS_ZIPF:
		units_format_number(spec->s, a, sizeof(a));
		return snprintf(buf, n, "zipf(%s)", a);
	case KEYS_HOT:
		units_format_number(spec->fraction, a, sizeof(a));
		units_format_number(spec->probability, b, sizeof(b));
		return snprintf(buf, n, "hot(%s, %s)", a, b);
	}
	return snprintf(buf, n, "?");
}
