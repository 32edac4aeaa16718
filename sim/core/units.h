/*
 * units.h - parsing and printing of the values scenario files are made of:
 * durations with units, rates, plain numbers.
 *
 * Durations are integer nanoseconds when they are settings (a timeout) and
 * doubles in nanoseconds inside distributions.  Accepted units: ns, us, ms, s.
 * A bare 0 is a duration (zero needs no unit); any other bare number is not,
 * so that "timeout: 5" is an error rather than five nanoseconds.
 *
 * Parsers fill a parse_error on failure: the column (0-based offset into the
 * text) where the problem starts and a message saying what was expected.
 * They never read past the terminating NUL and accept no trailing garbage.
 */
#ifndef CLOBBER_UNITS_H
#define CLOBBER_UNITS_H

#include <stddef.h>
#include <stdint.h>

struct parse_error {
	int col;	/* 0-based offset into the parsed text */
	char msg[240];
};

/* Sets e (if not NULL) and returns -1: parsers' common failure path. */
int units_fail(struct parse_error *e, int col, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* A duration such as "1.5ms" or "0", in nanoseconds (may be fractional). */
int units_duration(const char *s, double *ns, struct parse_error *e);

/* A duration as an integer number of nanoseconds, rounded to nearest.
 * Refuses values beyond about 100 years. */
int units_duration_ns(const char *s, int64_t *ns, struct parse_error *e);

/* A rate "N/s" (also "N/ms", "N/us"), in events per second. */
int units_rate(const char *s, double *per_s, struct parse_error *e);

/* A finite decimal number. */
int units_number(const char *s, double *x, struct parse_error *e);

/* A non-negative integer (no sign, no fraction, no exponent). */
int units_count(const char *s, uint64_t *x, struct parse_error *e);

/* Prints a duration in nanoseconds with the largest unit that keeps it exact
 * ("1500us", "2s", "0"); fractional nanoseconds print as "%.17gns".
 * Returns what snprintf returns. */
int units_format_duration(double ns, char *buf, size_t n);

/* Prints integer nanoseconds as exact milliseconds, without trailing
 * zeros: "3ms", "-7ms", "3.001ms", "0.000125ms" (timestamps in traces).
 * Returns what snprintf returns. */
int units_format_ms(int64_t ns, char *buf, size_t n);

/* Prints a number in the shortest form that reads back to the same double. */
int units_format_number(double x, char *buf, size_t n);

#endif
