/*
 * field.c - parsing, printing, defaults and documentation of field tables.
 * See field.h.
 */
#include "sim/core/field.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "sim/core/dist.h"
#include "sim/core/keys.h"

#define DMAX 3.2e18 /* the largest duration or distribution parameter, ns */

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

/* "a, b or c" from "a|b|c". */
static void choices_words(const char *choices, char *buf, size_t n)
{
	buf[0] = '\0';
	size_t count = 1;
	for (const char *c = choices; *c; c++)
		count += *c == '|';
	size_t k = 0;
	for (const char *c = choices; *c && k < count; k++) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);
		size_t at = strlen(buf);
		snprintf(buf + at, n - at, "%s%.*s", k == 0 ? "" : k + 1 == count ? " or " : ", ",
			 (int)len, c);
		if (!bar)
			break;
		c = bar + 1;
	}
}

/* A limit as people write it: 1e9 rather than 1000000000. */
static void limit_text(double x, char *buf, size_t n)
{
	int e = 0;
	double m = x;
	while (m >= 10 && fmod(m, 10) == 0) {
		m /= 10;
		e++;
	}
	if (e >= 6)
		snprintf(buf, n, "%ge%d", m, e);
	else
		snprintf(buf, n, "%.15g", x);
}

/* A range error: the whole value is wrong (col -1 says so to the caller). */
static int range_fail(struct parse_error *e, const char *text, const char *what)
{
	units_fail(e, 0, "%s, found '%s'", what, text);
	if (e)
		e->col = -1;
	return -1;
}

static void range_words(const struct field *f, char *buf, size_t n)
{
	if (f->type == FT_DURATION) {
		char lo[32], hi[32];
		units_format_duration(f->min, lo, sizeof(lo));
		units_format_duration(f->max, hi, sizeof(hi));
		snprintf(buf, n, "must be between %s and %s", lo, hi);
	} else if (f->type == FT_NUMBER) {
		snprintf(buf, n, "must be between %.15g and %.15g", f->min, f->max);
	} else {
		snprintf(buf, n, "must be between %.0f and %.0f", f->min, f->max);
	}
}

static int parse_dist(const struct field *f, const char *text, struct dist *d,
		      struct parse_error *e)
{
	enum dist_unit unit = f->type == FT_DIST_NUM ? DIST_NUMBER : DIST_DURATION;
	if (dist_parse(text, unit, d, e) < 0)
		return -1;
	if (f->type == FT_DIST && d->kind != DIST_NORMAL && dist_min(d) < 0)
		return range_fail(e, text, "must not be negative");
	if (isinf(dist_mean(d)))
		return range_fail(e, text,
				  d->kind == DIST_PARETO ? "has no finite mean: pareto needs shape > 1"
							 : "has no finite mean");
	if (fabs(d->a) > DMAX || fabs(d->b) > DMAX || !(dist_mean(d) < DMAX))
		return range_fail(e, text, "is too large (mean at most about 100 years)");
	return 0;
}

static int parse(const struct field *f, void *base, const char *text, struct parse_error *e,
		 bool check)
{
	unsigned char *at = (unsigned char *)base + f->offset;
	char what[256];
	switch (f->type) {
	case FT_U32:
	case FT_U64:
	case FT_COUNT: {
		uint64_t u;
		if (units_count(text, &u, e) < 0)
			return -1;
		if (check && ((double)u < f->min || (double)u > f->max)) {
			range_words(f, what, sizeof(what));
			return range_fail(e, text, what);
		}
		if (f->type == FT_U32) {
			uint32_t x = (uint32_t)u;
			memcpy(at, &x, sizeof(x));
		} else if (f->type == FT_U64) {
			memcpy(at, &u, sizeof(u));
		} else {
			int64_t x = (int64_t)u;
			memcpy(at, &x, sizeof(x));
		}
		return 0;
	}
	case FT_NUMBER: {
		double x;
		if (units_number(text, &x, e) < 0)
			return -1;
		if (check && (x < f->min || x > f->max)) {
			range_words(f, what, sizeof(what));
			return range_fail(e, text, what);
		}
		memcpy(at, &x, sizeof(x));
		return 0;
	}
	case FT_DURATION: {
		int64_t ns;
		if (units_duration_ns(text, &ns, e) < 0)
			return -1;
		if (check && ((double)ns < f->min || (double)ns > f->max)) {
			range_words(f, what, sizeof(what));
			return range_fail(e, text, what);
		}
		memcpy(at, &ns, sizeof(ns));
		return 0;
	}
	case FT_DIST:
	case FT_DIST_SIGNED:
	case FT_DIST_NUM: {
		struct dist d;
		if (parse_dist(f, text, &d, e) < 0)
			return -1;
		memcpy(at, &d, sizeof(d));
		return 0;
	}
	case FT_RATE: {
		double r;
		if (units_rate(text, &r, e) < 0)
			return -1;
		if (check && !(r >= f->min && r <= f->max)) {
			char hi[32];
			limit_text(f->max, hi, sizeof(hi));
			snprintf(what, sizeof(what), "a rate must be at least %g/s and at most %s/s", f->min, hi);
			return range_fail(e, text, what);
		}
		memcpy(at, &r, sizeof(r));
		return 0;
	}
	case FT_KEYS: {
		struct keys_spec k;
		if (keys_parse(text, &k, e) < 0)
			return -1;
		memcpy(at, &k, sizeof(k));
		return 0;
	}
	case FT_ENUM: {
		int i = choice_index(f->choices, text);
		if (i < 0) {
			char words[160];
			choices_words(f->choices, words, sizeof(words));
			snprintf(what, sizeof(what), "must be one of %s", words);
			return range_fail(e, text, what);
		}
		memcpy(at, &i, sizeof(i));
		return 0;
	}
	case FT_BOOL: {
		bool b;
		if (strcmp(text, "true") == 0)
			b = true;
		else if (strcmp(text, "false") == 0)
			b = false;
		else
			return range_fail(e, text, "must be true or false");
		memcpy(at, &b, sizeof(b));
		return 0;
	}
	case FT_MAP:
	case FT_CUSTOM:
		break;
	}
	return units_fail(e, 0, "cannot be parsed from text");
}

int field_parse(const struct field *f, void *base, const char *text, struct parse_error *e)
{
	return parse(f, base, text, e, true);
}

int field_format(const struct field *f, const void *base, char *buf, size_t n)
{
	const unsigned char *at = (const unsigned char *)base + f->offset;
	switch (f->type) {
	case FT_U32: {
		uint32_t x;
		memcpy(&x, at, sizeof(x));
		return snprintf(buf, n, "%u", x);
	}
	case FT_U64: {
		uint64_t x;
		memcpy(&x, at, sizeof(x));
		return snprintf(buf, n, "%llu", (unsigned long long)x);
	}
	case FT_COUNT: {
		int64_t x;
		memcpy(&x, at, sizeof(x));
		return snprintf(buf, n, "%lld", (long long)x);
	}
	case FT_NUMBER: {
		double x;
		memcpy(&x, at, sizeof(x));
		return units_format_number(x, buf, n);
	}
	case FT_DURATION: {
		int64_t ns;
		memcpy(&ns, at, sizeof(ns));
		return units_format_duration((double)ns, buf, n);
	}
	case FT_DIST:
	case FT_DIST_SIGNED:
	case FT_DIST_NUM: {
		struct dist d;
		memcpy(&d, at, sizeof(d));
		return dist_format(&d, f->type == FT_DIST_NUM ? DIST_NUMBER : DIST_DURATION, buf, n);
	}
	case FT_RATE: {
		double r;
		memcpy(&r, at, sizeof(r));
		char num[40];
		units_format_number(r, num, sizeof(num));
		return snprintf(buf, n, "%s/s", num);
	}
	case FT_KEYS: {
		struct keys_spec k;
		memcpy(&k, at, sizeof(k));
		return keys_format(&k, buf, n);
	}
	case FT_ENUM: {
		int i;
		memcpy(&i, at, sizeof(i));
		const char *c = f->choices;
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
	case FT_BOOL: {
		bool b;
		memcpy(&b, at, sizeof(b));
		return snprintf(buf, n, "%s", b ? "true" : "false");
	}
	case FT_MAP:
	case FT_CUSTOM:
		break;
	}
	return snprintf(buf, n, "?");
}

int field_defaults(const struct field *table, void *base)
{
	for (const struct field *f = table; f && f->name; f++) {
		if (f->type == FT_MAP) {
			if (field_defaults(f->sub, base) < 0)
				return -1;
		} else if (f->def && f->type != FT_CUSTOM) {
			if (parse(f, base, f->def, NULL, false) < 0)
				return -1;
		}
	}
	return 0;
}

int field_set(const struct field *table, void *base, const char *owner, const char *name,
	      const char *text, struct parse_error *e)
{
	const struct field *f = NULL;
	for (const struct field *q = table; q && q->name && !f; q++)
		if (strcmp(q->name, name) == 0)
			f = q;
	if (!f) {
		char list[256] = "";
		for (const struct field *q = table; q && q->name; q++) {
			if (list[0])
				strncat(list, ", ", sizeof(list) - strlen(list) - 1);
			strncat(list, q->name, sizeof(list) - strlen(list) - 1);
		}
		return units_fail(e, 0, "%s has no option '%s'%s%s", owner, name,
				  list[0] ? "; its options are " : " (it takes no options)", list);
	}
	struct parse_error pe;
	if (field_parse(f, base, text, &pe) < 0) {
		units_fail(e, pe.col, "%s %s", f->name, pe.msg);
		if (e)
			e->col = pe.col;
		return -1;
	}
	return 0;
}

const struct field *field_find(const struct field *table, const char *name)
{
	const char *dot = strchr(name, '.');
	size_t len = dot ? (size_t)(dot - name) : strlen(name);
	for (const struct field *f = table; f && f->name; f++) {
		if (strcmp(f->name, name) == 0)
			return f;
		if (dot && f->type == FT_MAP && strlen(f->name) == len &&
		    strncmp(f->name, name, len) == 0)
			return field_find(f->sub, dot + 1);
	}
	return NULL;
}

size_t field_count(const struct field *table)
{
	size_t n = 0;
	for (const struct field *f = table; f && f->name; f++)
		n++;
	return n;
}

const char *field_type_text(const struct field *f)
{
	switch (f->type) {
	case FT_U32:
	case FT_U64:
	case FT_COUNT:
		return "count";
	case FT_NUMBER:
		return "number";
	case FT_DURATION:
		return "duration";
	case FT_DIST:
	case FT_DIST_SIGNED:
		return "duration distribution";
	case FT_DIST_NUM:
		return "number distribution";
	case FT_RATE:
		return "rate";
	case FT_KEYS:
		return "key chooser";
	case FT_ENUM:
		return f->choices;
	case FT_BOOL:
		return "true|false";
	case FT_MAP:
		return "mapping";
	case FT_CUSTOM:
		return "see below";
	}
	return "?";
}

void field_range_text(const struct field *f, char *buf, size_t n)
{
	if (f->range) {
		snprintf(buf, n, "%s", f->range);
		return;
	}
	char lo[32], hi[32];
	switch (f->type) {
	case FT_U32:
	case FT_U64:
	case FT_COUNT:
		snprintf(buf, n, "%.0f to %.0f", f->min, f->max);
		return;
	case FT_NUMBER:
		snprintf(buf, n, "%.15g to %.15g", f->min, f->max);
		return;
	case FT_DURATION:
		units_format_duration(f->min, lo, sizeof(lo));
		units_format_duration(f->max, hi, sizeof(hi));
		snprintf(buf, n, "%s to %s", lo, hi);
		return;
	case FT_DIST:
		snprintf(buf, n, "non-negative");
		return;
	case FT_DIST_SIGNED:
	case FT_DIST_NUM:
		snprintf(buf, n, "signed");
		return;
	case FT_RATE:
		limit_text(f->max, hi, sizeof(hi));
		snprintf(buf, n, "%g/s to %s/s", f->min, hi);
		return;
	default:
		buf[0] = '\0';
		return;
	}
}
