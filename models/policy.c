/*
 * policy.c - table-driven parsing of policy options.
 */
#include "models/policy.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

const struct policy_option *policy_option(const struct policy *p, const char *name)
{
	for (const struct policy_option *o = p->options; o && o->name; o++)
		if (strcmp(o->name, name) == 0)
			return o;
	return NULL;
}

/* Index of `value` in a "a|b|c" list, or -1. */
static int choice_index(const char *choices, const char *value)
{
	size_t len = strlen(value);
	int i = 0;
	for (const char *c = choices; *c; i++) {
		const char *bar = strchr(c, '|');
		size_t n = bar ? (size_t)(bar - c) : strlen(c);
		if (n == len && strncmp(c, value, n) == 0)
			return i;
		if (!bar)
			break;
		c = bar + 1;
	}
	return -1;
}

static int set(const struct policy_option *o, void *opts, const char *value,
	       struct parse_error *e)
{
	unsigned char *base = opts;
	switch (o->type) {
	case POPT_ENUM: {
		int i = choice_index(o->choices, value);
		if (i < 0)
			return units_fail(e, 0, "%s must be one of %s, found '%s'", o->name,
					  o->choices, value);
		memcpy(base + o->offset, &i, sizeof(i));
		return 0;
	}
	case POPT_BOOL: {
		bool b;
		if (strcmp(value, "true") == 0)
			b = true;
		else if (strcmp(value, "false") == 0)
			b = false;
		else
			return units_fail(e, 0, "%s must be true or false, found '%s'", o->name,
					  value);
		memcpy(base + o->offset, &b, sizeof(b));
		return 0;
	}
	case POPT_DURATION: {
		int64_t ns;
		if (units_duration_ns(value, &ns, e) < 0)
			return -1;
		if (ns < o->min || ns > o->max) {
			char lo[32], hi[32];
			units_format_duration(o->min, lo, sizeof(lo));
			units_format_duration(o->max, hi, sizeof(hi));
			return units_fail(e, 0, "%s must be between %s and %s, found '%s'",
					  o->name, lo, hi, value);
		}
		memcpy(base + o->offset, &ns, sizeof(ns));
		return 0;
	}
	case POPT_COUNT: {
		uint64_t n;
		if (units_count(value, &n, e) < 0)
			return -1;
		if ((double)n < o->min || (double)n > o->max)
			return units_fail(e, 0, "%s must be between %.0f and %.0f, found %s",
					  o->name, o->min, o->max, value);
		int64_t v = (int64_t)n;
		memcpy(base + o->offset, &v, sizeof(v));
		return 0;
	}
	}
	return -1;
}

int policy_format_option(const struct policy_option *o, const void *opts, char *buf, size_t n)
{
	const unsigned char *base = opts;
	switch (o->type) {
	case POPT_ENUM: {
		int i;
		memcpy(&i, base + o->offset, sizeof(i));
		const char *c = o->choices;
		for (int k = 0; k < i && c; k++) {
			c = strchr(c, '|');
			if (c)
				c++;
		}
		if (!c)
			return snprintf(buf, n, "?");
		const char *bar = strchr(c, '|');
		return snprintf(buf, n, "%.*s", bar ? (int)(bar - c) : (int)strlen(c), c);
	}
	case POPT_BOOL: {
		bool b;
		memcpy(&b, base + o->offset, sizeof(b));
		return snprintf(buf, n, "%s", b ? "true" : "false");
	}
	case POPT_DURATION: {
		int64_t ns;
		memcpy(&ns, base + o->offset, sizeof(ns));
		return units_format_duration((double)ns, buf, n);
	}
	case POPT_COUNT: {
		int64_t v;
		memcpy(&v, base + o->offset, sizeof(v));
		return snprintf(buf, n, "%lld", (long long)v);
	}
	}
	return snprintf(buf, n, "?");
}

int policy_defaults(const struct policy *p, void *opts)
{
	memset(opts, 0, p->options_size);
	for (const struct policy_option *o = p->options; o && o->name; o++)
		if (set(o, opts, o->def, NULL) < 0)
			return -1;
	return 0;
}

int policy_set_option(const struct policy *p, void *opts, const char *name,
		      const char *value, struct parse_error *e)
{
	const struct policy_option *o = policy_option(p, name);
	if (!o) {
		char list[256] = "";
		for (const struct policy_option *q = p->options; q && q->name; q++) {
			if (list[0])
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			strncat(list, q->name, sizeof(list) - strlen(list) - 1);
		}
		return units_fail(e, 0, "%s has no option '%s'%s%s", p->name, name,
				  list[0] ? "; its options are " : " (it takes no options)", list);
	}
	return set(o, opts, value, e);
}
