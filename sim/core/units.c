/*
 * units.c - parsers and printers for durations, rates and numbers.
 */
#include "sim/core/units.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_DURATION_NS 3.2e18 /* about 100 years; fits int64 with room */

int units_fail(struct parse_error *e, int col, const char *fmt, ...)
{
	if (e) {
		va_list ap;
		va_start(ap, fmt);
		e->col = col;
		vsnprintf(e->msg, sizeof(e->msg), fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* Reads a decimal number at s (optional sign, digits, fraction, exponent),
 * refusing hex, inf and nan, which strtod would take.  Returns the number of
 * characters read, 0 if there is no number. */
static size_t read_number(const char *s, double *x)
{
	size_t i = 0;
	if (s[i] == '+' || s[i] == '-')
		i++;
	size_t digits = 0;
	while (isdigit((unsigned char)s[i])) {
		i++;
		digits++;
	}
	if (s[i] == '.') {
		i++;
		while (isdigit((unsigned char)s[i])) {
			i++;
			digits++;
		}
	}
	if (digits == 0)
		return 0;
	if (s[i] == 'e' || s[i] == 'E') {
		size_t j = i + 1;
		if (s[j] == '+' || s[j] == '-')
			j++;
		if (isdigit((unsigned char)s[j])) {
			while (isdigit((unsigned char)s[j]))
				j++;
			i = j;
		}
	}
	char buf[64];
	if (i >= sizeof(buf))
		return 0;
	memcpy(buf, s, i);
	buf[i] = '\0';
	errno = 0;
	*x = strtod(buf, NULL);
	if (errno == ERANGE || !isfinite(*x))
		return 0;
	return i;
}

static size_t skip_space(const char *s, size_t i)
{
	while (s[i] == ' ' || s[i] == '\t')
		i++;
	return i;
}

int units_number(const char *s, double *x, struct parse_error *e)
{
	size_t i = skip_space(s, 0);
	size_t n = read_number(s + i, x);
	if (n == 0)
		return units_fail(e, (int)i, "expected a number, found '%s'", s + i);
	i = skip_space(s, i + n);
	if (s[i])
		return units_fail(e, (int)i, "unexpected '%s' after the number", s + i);
	return 0;
}

int units_count(const char *s, uint64_t *x, struct parse_error *e)
{
	size_t i = skip_space(s, 0);
	if (!isdigit((unsigned char)s[i]))
		return units_fail(e, (int)i, "expected a non-negative whole number, found '%s'", s + i);
	uint64_t v = 0;
	while (isdigit((unsigned char)s[i])) {
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return units_fail(e, 0, "number too large: '%s'", s);
		v = v * 10 + d;
		i++;
	}
	i = skip_space(s, i);
	if (s[i])
		return units_fail(e, (int)i, "expected a whole number, found '%s'", s);
	*x = v;
	return 0;
}

/* Nanoseconds per unit, or 0 for an unknown unit; *len gets its length. */
static double unit_scale(const char *u, size_t *len)
{
	static const struct {
		const char *name;
		double ns;
	} units[] = {
		{"ns", 1}, {"us", 1e3}, {"ms", 1e6}, {"s", 1e9},
	};
	size_t n = 0;
	while (isalpha((unsigned char)u[n]))
		n++;
	*len = n;
	for (size_t i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (strlen(units[i].name) == n && strncmp(u, units[i].name, n) == 0)
			return units[i].ns;
	return 0;
}

int units_duration(const char *s, double *ns, struct parse_error *e)
{
	size_t i = skip_space(s, 0);
	double x;
	size_t n = read_number(s + i, &x);
	if (n == 0)
		return units_fail(e, (int)i,
				  "expected a duration such as 10ms (units ns, us, ms, s), found '%s'",
				  s + i);
	i = skip_space(s, i + n);
	size_t ulen;
	double scale = unit_scale(s + i, &ulen);
	if (ulen == 0) {
		if (x != 0)
			return units_fail(e, (int)i,
					  "'%s' needs a unit: ns, us, ms or s", s);
		scale = 1;
	} else if (scale == 0) {
		return units_fail(e, (int)i, "unknown unit '%.*s': expected ns, us, ms or s",
				  (int)ulen, s + i);
	}
	i = skip_space(s, i + ulen);
	if (s[i])
		return units_fail(e, (int)i, "unexpected '%s' after the duration", s + i);
	double v = x * scale;
	if (!(fabs(v) <= MAX_DURATION_NS))
		return units_fail(e, 0, "duration '%s' out of range (at most about 100 years)", s);
	*ns = v;
	return 0;
}

int units_duration_ns(const char *s, int64_t *ns, struct parse_error *e)
{
	double v;
	if (units_duration(s, &v, e) < 0)
		return -1;
	*ns = (int64_t)llround(v);
	return 0;
}

int units_rate(const char *s, double *per_s, struct parse_error *e)
{
	size_t i = skip_space(s, 0);
	double x;
	size_t n = read_number(s + i, &x);
	if (n == 0)
		return units_fail(e, (int)i, "expected a rate such as 100/s, found '%s'", s + i);
	i = skip_space(s, i + n);
	if (s[i] != '/')
		return units_fail(e, (int)i, "expected '/s' after the number in a rate such as 100/s");
	i = skip_space(s, i + 1);
	size_t ulen;
	double scale = unit_scale(s + i, &ulen);
	if (scale == 0)
		return units_fail(e, (int)i, "expected a time unit after '/' (s, ms, us, ns)");
	i = skip_space(s, i + ulen);
	if (s[i])
		return units_fail(e, (int)i, "unexpected '%s' after the rate", s + i);
	*per_s = x * (1e9 / scale);
	if (!isfinite(*per_s))
		return units_fail(e, 0, "rate '%s' out of range", s);
	return 0;
}

int units_format_duration(double ns, char *buf, size_t n)
{
	if (ns == 0)
		return snprintf(buf, n, "0");
	if (ns == floor(ns) && fabs(ns) < 9e18) {
		long long v = (long long)ns;
		if (v % 1000000000LL == 0)
			return snprintf(buf, n, "%llds", v / 1000000000LL);
		if (v % 1000000LL == 0)
			return snprintf(buf, n, "%lldms", v / 1000000LL);
		if (v % 1000LL == 0)
			return snprintf(buf, n, "%lldus", v / 1000LL);
		return snprintf(buf, n, "%lldns", v);
	}
	char num[40];
	units_format_number(ns, num, sizeof(num));
	return snprintf(buf, n, "%sns", num);
}

int units_format_ms(int64_t ns, char *buf, size_t n)
{
	/* whole and fractional parts in integers: exact for every int64 */
	uint64_t mag = ns < 0 ? (uint64_t)0 - (uint64_t)ns : (uint64_t)ns;
	char frac[8];
	snprintf(frac, sizeof(frac), "%06llu", (unsigned long long)(mag % 1000000));
	size_t len = 6;
	while (len > 0 && frac[len - 1] == '0')
		frac[--len] = '\0';
	return snprintf(buf, n, "%s%llu%s%sms", ns < 0 ? "-" : "", (unsigned long long)(mag / 1000000),
			len ? "." : "", frac);
}

int units_format_number(double x, char *buf, size_t n)
{
	if (x == floor(x) && fabs(x) < 1e15)
		return snprintf(buf, n, "%.0f", x);
	char tmp[40];
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(tmp, sizeof(tmp), "%.*g", prec, x);
		if (strtod(tmp, NULL) == x)
			break;
	}
	return snprintf(buf, n, "%s", tmp);
}
