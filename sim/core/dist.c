/*
 * dist.c - distributions: parse "name(args)", sample with GSL, closed-form
 * moments.
 */
#include "sim/core/dist.h"

#include <ctype.h>
#include <stdbool.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/rng.h"

static const struct {
	const char *name;
	enum dist_kind kind;
	int nargs;
	const char *usage;
} kinds[] = {
	{"const", DIST_CONST, 1, "const(x)"},
	{"uniform", DIST_UNIFORM, 2, "uniform(a, b)"},
	{"exp", DIST_EXP, 1, "exp(mean)"},
	{"normal", DIST_NORMAL, 2, "normal(mu, sigma)"},
	{"lognormal", DIST_LOGNORMAL, 2, "lognormal(median, sigma)"},
	{"pareto", DIST_PARETO, 2, "pareto(scale, shape)"},
	{"mix", DIST_MIX, 3, "mix(p, D1, D2)"},
};
#define NKINDS (sizeof(kinds) / sizeof(kinds[0]))

/* Parses one argument text[from, to) as a duration or a number.  Shape and
 * sigma of lognormal and the shape of pareto are plain numbers whatever the
 * unit of the distribution. */
static int parse_arg(const char *text, size_t from, size_t to, int plain,
		     enum dist_unit unit, double *out, struct parse_error *e)
{
	char buf[128];
	while (from < to && isspace((unsigned char)text[from]))
		from++;
	while (to > from && isspace((unsigned char)text[to - 1]))
		to--;
	if (to - from >= sizeof(buf))
		return units_fail(e, (int)from, "argument too long");
	memcpy(buf, text + from, to - from);
	buf[to - from] = '\0';
	int rc = (plain || unit == DIST_NUMBER) ? units_number(buf, out, e)
						: units_duration(buf, out, e);
	if (rc < 0 && plain)
		return units_fail(e, (int)from, "expected a plain number without a unit, found '%s'",
				  buf);
	if (rc < 0 && e)
		e->col += (int)from;
	return rc;
}

static int check(const struct dist *d, struct parse_error *e, size_t argcol)
{
	int col = (int)argcol;
	switch (d->kind) {
	case DIST_CONST:
	case DIST_MIX:
		return 0;
	case DIST_UNIFORM:
		if (d->a > d->b)
			return units_fail(e, col, "uniform(a, b) needs a <= b");
		return 0;
	case DIST_EXP:
		if (d->a < 0)
			return units_fail(e, col, "exp(mean) needs mean >= 0");
		return 0;
	case DIST_NORMAL:
		if (d->b < 0)
			return units_fail(e, col, "normal(mu, sigma) needs sigma >= 0");
		return 0;
	case DIST_LOGNORMAL:
		if (d->a <= 0)
			return units_fail(e, col, "lognormal(median, sigma) needs median > 0");
		if (d->b < 0)
			return units_fail(e, col, "lognormal(median, sigma) needs sigma >= 0");
		return 0;
	case DIST_PARETO:
		if (d->a <= 0)
			return units_fail(e, col, "pareto(scale, shape) needs scale > 0");
		if (d->b <= 0)
			return units_fail(e, col, "pareto(scale, shape) needs shape > 0");
		return 0;
	}
	return 0;
}

static int parse_mix(const char *text, const size_t *args, const size_t *ends,
		     enum dist_unit unit, struct dist *d, struct parse_error *e);

int dist_parse(const char *text, enum dist_unit unit, struct dist *d,
	       struct parse_error *e)
{
	size_t i = 0;
	while (isspace((unsigned char)text[i]))
		i++;
	size_t name_start = i;
	while (isalpha((unsigned char)text[i]))
		i++;
	size_t name_len = i - name_start;
	size_t j = i;
	while (isspace((unsigned char)text[j]))
		j++;
	if (name_len == 0 || text[j] != '(') {
		/* A bare value: const. */
		d->kind = DIST_CONST;
		d->b = 0;
		if (parse_arg(text, 0, strlen(text), 0, unit, &d->a, e) < 0) {
			if (name_len > 0 && e)
				units_fail(e, (int)name_start,
					   "expected a value or a distribution (const, uniform, exp, normal, lognormal, pareto, mix), found '%s'",
					   text + name_start);
			return -1;
		}
		return 0;
	}
	size_t k;
	for (k = 0; k < NKINDS; k++)
		if (strlen(kinds[k].name) == name_len &&
		    strncmp(text + name_start, kinds[k].name, name_len) == 0)
			break;
	if (k == NKINDS)
		return units_fail(e, (int)name_start,
				  "unknown distribution '%.*s': expected const, uniform, exp, normal, lognormal, pareto or mix",
				  (int)name_len, text + name_start);
	size_t open = j;
	size_t close = strlen(text);
	while (close > open && isspace((unsigned char)text[close - 1]))
		close--;
	if (close == open + 1 || text[close - 1] != ')')
		return units_fail(e, (int)close, "missing ')': expected %s", kinds[k].usage);
	close--; /* index of ')' */
	size_t args[3];
	size_t ends[3];
	int nargs = 0;
	size_t from = open + 1;
	int depth = 0; /* parentheses of a mixture's components */
	bool nested = kinds[k].kind == DIST_MIX;
	for (size_t p = open + 1; p <= close; p++) {
		if (p == close || (text[p] == ',' && depth == 0)) {
			if (nargs == 3)
				return units_fail(e, (int)p, "too many arguments: expected %s",
						  kinds[k].usage);
			args[nargs] = from;
			ends[nargs] = p;
			nargs++;
			from = p + 1;
		} else if (nested && text[p] == '(') {
			depth++;
		} else if (nested && text[p] == ')' && depth > 0) {
			depth--;
		} else if (text[p] == '(' || text[p] == ')') {
			return units_fail(e, (int)p, "unexpected '%c': expected %s", text[p],
					  kinds[k].usage);
		}
	}
	if (nargs != kinds[k].nargs)
		return units_fail(e, (int)open, "%s takes %d argument%s, found %d",
				  kinds[k].usage, kinds[k].nargs, kinds[k].nargs == 1 ? "" : "s",
				  nargs);
	memset(d, 0, sizeof(*d));
	d->kind = kinds[k].kind;
	if (d->kind == DIST_MIX)
		return parse_mix(text, args, ends, unit, d, e);
	int second_plain = d->kind == DIST_LOGNORMAL || d->kind == DIST_PARETO;
	if (parse_arg(text, args[0], ends[0], 0, unit, &d->a, e) < 0)
		return -1;
	if (nargs == 2 && parse_arg(text, args[1], ends[1], second_plain, unit, &d->b, e) < 0)
		return -1;
	return check(d, e, args[0]);
}

/* mix(p, D1, D2): p a probability, D1 and D2 distributions but mixtures. */
static int parse_mix(const char *text, const size_t *args, const size_t *ends,
		     enum dist_unit unit, struct dist *d, struct parse_error *e)
{
	if (parse_arg(text, args[0], ends[0], 1, unit, &d->p, e) < 0)
		return -1;
	if (!(d->p >= 0 && d->p <= 1))
		return units_fail(e, (int)args[0], "mix(p, D1, D2) needs 0 <= p <= 1");
	for (int i = 0; i < 2; i++) {
		char buf[256];
		size_t from = args[i + 1], to = ends[i + 1];
		if (to - from >= sizeof(buf))
			return units_fail(e, (int)from, "argument too long");
		memcpy(buf, text + from, to - from);
		buf[to - from] = '\0';
		struct dist part;
		if (dist_parse(buf, unit, &part, e) < 0) {
			if (e)
				e->col += (int)from;
			return -1;
		}
		if (part.kind == DIST_MIX)
			return units_fail(e, (int)from, "a mixture's components cannot be mixtures");
		d->part[i] = (struct dist_part){part.kind, part.a, part.b};
	}
	return 0;
}

/* A component of a mixture as a distribution of its own. */
static struct dist part_dist(const struct dist *d, int i)
{
	struct dist x = {.kind = d->part[i].kind, .a = d->part[i].a, .b = d->part[i].b};
	return x;
}

static int fmt_value(double v, int plain, enum dist_unit unit, char *buf, size_t n)
{
	if (plain || unit == DIST_NUMBER)
		return units_format_number(v, buf, n);
	return units_format_duration(v, buf, n);
}

int dist_format(const struct dist *d, enum dist_unit unit, char *buf, size_t n)
{
	char a[48], b[48];
	int second_plain = d->kind == DIST_LOGNORMAL || d->kind == DIST_PARETO;
	fmt_value(d->a, 0, unit, a, sizeof(a));
	fmt_value(d->b, second_plain, unit, b, sizeof(b));
	switch (d->kind) {
	case DIST_CONST:
		return snprintf(buf, n, "const(%s)", a);
	case DIST_UNIFORM:
		return snprintf(buf, n, "uniform(%s, %s)", a, b);
	case DIST_EXP:
		return snprintf(buf, n, "exp(%s)", a);
	case DIST_NORMAL:
		return snprintf(buf, n, "normal(%s, %s)", a, b);
	case DIST_LOGNORMAL:
		return snprintf(buf, n, "lognormal(%s, %s)", a, b);
	case DIST_PARETO:
		return snprintf(buf, n, "pareto(%s, %s)", a, b);
	case DIST_MIX: {
		char p[48], d1[100], d2[100];
		struct dist x = part_dist(d, 0), y = part_dist(d, 1);
		units_format_number(d->p, p, sizeof(p));
		dist_format(&x, unit, d1, sizeof(d1));
		dist_format(&y, unit, d2, sizeof(d2));
		return snprintf(buf, n, "mix(%s, %s, %s)", p, d1, d2);
	}
	}
	return snprintf(buf, n, "?");
}

/* An exponential sample by inversion, -mean * log(1 - u), u uniform on
 * [0, 1).  gsl_ran_exponential computes the same -mean * log1p(-u); here
 * 1 - u is exact (u is a multiple of 2^-53), so log(1 - u) has the same
 * distribution, and glibc's log is twice as fast as its log1p (25 against
 * 12 ns): the exponential is drawn three or four times per operation, and
 * log1p alone took 18% of a sweep's time (docs/performance.md). */
double dist_exponential(gsl_rng *r, double mean)
{
	return -mean * log(1.0 - rng_uniform(r));
}

double dist_sample(const struct dist *d, gsl_rng *r)
{
	if (!r) /* a constant distribution drawn without a stream (dist_is_const):
		   normal(x, 0) and lognormal(x, 0) too, which GSL would draw */
		return dist_mean(d);
	switch (d->kind) {
	case DIST_CONST:
		return d->a;
	case DIST_UNIFORM:
		return d->a + (d->b - d->a) * rng_uniform(r);
	case DIST_EXP:
		return d->a == 0 ? 0 : dist_exponential(r, d->a);
	case DIST_NORMAL:
		return d->a + gsl_ran_gaussian_ziggurat(r, d->b);
	case DIST_LOGNORMAL:
		return gsl_ran_lognormal(r, log(d->a), d->b);
	case DIST_PARETO:
		return gsl_ran_pareto(r, d->b, d->a);
	case DIST_MIX: {
		struct dist x = part_dist(d, rng_uniform(r) < d->p ? 0 : 1);
		return dist_sample(&x, r);
	}
	}
	return 0;
}

/* A duration drawn as a double, in whole nanoseconds, clamped at 0. */
static long long to_ns(double v)
{
	if (!(v > 0))
		return 0;
	if (v > 4e18)
		return 4000000000000000000LL;
	return (long long)(v + 0.5); /* v > 0: rounds to nearest, no libm call */
}

long long dist_sample_ns(const struct dist *d, gsl_rng *r)
{
	/* the two kinds on every hot path, without the general switch */
	double v = d->kind == DIST_CONST ? d->a
		 : d->kind == DIST_EXP	 ? (d->a == 0 ? 0 : dist_exponential(r, d->a))
					 : dist_sample(d, r);
	return to_ns(v);
}

long long dist_keyed_ns(const struct dist *d, uint64_t key)
{
	if (d->kind == DIST_EXP && d->a != 0) /* the common case first: not const */
		return to_ns(-d->a * log(1.0 - rng_key_uniform(key)));
	if (dist_is_const(d)) /* every draw is the mean: no stream needed */
		return to_ns(dist_mean(d));
	if (d->kind == DIST_UNIFORM)
		return to_ns(d->a + (d->b - d->a) * rng_key_uniform(key));
	struct rng_stream s;
	rng_stream_init(&s, key);
	return dist_sample_ns(d, &s.rng);
}

double dist_mean(const struct dist *d)
{
	switch (d->kind) {
	case DIST_CONST:
		return d->a;
	case DIST_UNIFORM:
		return (d->a + d->b) / 2;
	case DIST_EXP:
		return d->a;
	case DIST_NORMAL:
		return d->a;
	case DIST_LOGNORMAL:
		return d->a * exp(d->b * d->b / 2);
	case DIST_PARETO:
		return d->b > 1 ? d->b * d->a / (d->b - 1) : INFINITY;
	case DIST_MIX: {
		struct dist x = part_dist(d, 0), y = part_dist(d, 1);
		return d->p * dist_mean(&x) + (1 - d->p) * dist_mean(&y);
	}
	}
	return NAN;
}

double dist_variance(const struct dist *d)
{
	switch (d->kind) {
	case DIST_CONST:
		return 0;
	case DIST_UNIFORM:
		return (d->b - d->a) * (d->b - d->a) / 12;
	case DIST_EXP:
		return d->a * d->a;
	case DIST_NORMAL:
		return d->b * d->b;
	case DIST_LOGNORMAL: {
		double s2 = d->b * d->b;
		return expm1(s2) * d->a * d->a * exp(s2);
	}
	case DIST_PARETO:
		if (d->b <= 2)
			return INFINITY;
		return d->a * d->a * d->b / ((d->b - 1) * (d->b - 1) * (d->b - 2));
	case DIST_MIX: {
		/* E[X^2] - E[X]^2, E[X^2] mixed from the components' */
		struct dist x = part_dist(d, 0), y = part_dist(d, 1);
		double mx = dist_mean(&x), my = dist_mean(&y), m = dist_mean(d);
		return d->p * (dist_variance(&x) + mx * mx) + (1 - d->p) * (dist_variance(&y) + my * my) -
		       m * m;
	}
	}
	return NAN;
}

double dist_min(const struct dist *d)
{
	switch (d->kind) {
	case DIST_CONST:
	case DIST_UNIFORM:
		return d->a;
	case DIST_EXP:
		return 0;
	case DIST_NORMAL:
		return d->b == 0 ? d->a : -INFINITY;
	case DIST_LOGNORMAL:
		return d->b == 0 ? d->a : 0;
	case DIST_PARETO:
		return d->a;
	case DIST_MIX: {
		struct dist x = part_dist(d, 0), y = part_dist(d, 1);
		double a = d->p > 0 ? dist_min(&x) : INFINITY, b = d->p < 1 ? dist_min(&y) : INFINITY;
		return a < b ? a : b;
	}
	}
	return -INFINITY;
}

int dist_has_atoms(const struct dist *d)
{
	if (d->kind != DIST_MIX)
		return d->kind != DIST_PARETO && dist_is_const(d);
	struct dist x = part_dist(d, 0), y = part_dist(d, 1);
	return (d->p > 0 && dist_has_atoms(&x)) || (d->p < 1 && dist_has_atoms(&y));
}

int dist_is_const_any(const struct dist *d)
{
	switch (d->kind) {
	case DIST_CONST:
		return 1;
	case DIST_UNIFORM:
		return d->a == d->b;
	case DIST_EXP:
		return d->a == 0;
	case DIST_NORMAL:
	case DIST_LOGNORMAL:
		return d->b == 0;
	case DIST_PARETO:
		return 0;
	case DIST_MIX: {
		struct dist x = part_dist(d, 0), y = part_dist(d, 1);
		if (d->p == 1)
			return dist_is_const(&x);
		if (d->p == 0)
			return dist_is_const(&y);
		return dist_is_const(&x) && dist_is_const(&y) && dist_mean(&x) == dist_mean(&y);
	}
	}
	return 0;
}
