/*
 * sdiag.h - the diagnostics of scenario files: every message names the
 * file, line and column and says what was expected, and unknown names get
 * a did-you-mean.
 *
 * A node that came from a --set argument carries line -k (the k-th
 * argument): its messages read "--set NAME=VALUE: column C: ...", the
 * column being inside the argument.
 */
#ifndef CLOBBER_SDIAG_H
#define CLOBBER_SDIAG_H

#include <stddef.h>

#include "sim/app/ydoc.h"

/* A formatted error: "file:line:col: message". */
struct sdiag {
	char text[1024];
};

struct scenario;

/* Formats "path:line:col: message" about node n (NULL: the file), coloff
 * columns into it, and returns -1. */
int sdiag_at(struct sdiag *d, const struct scenario *s, const struct ynode *n, int coloff,
	     const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/* "; did you mean 'x'?" for the candidate closest to word, or "". */
void sdiag_suggest(const char *word, const char *const *cands, size_t n, char *out, size_t cap);

/* Names and labels reach reports, charts and terminals: they must be
 * printable text (escape.h's esc_is_visible: no control character, no C1
 * control, no line separator or bidirectional override, valid UTF-8).
 * Returns 0 when `text` (the value of scalar n, after substitution) is,
 * else -1 with d saying which character, where, and that `what` must be
 * printable. */
int sdiag_printable(struct sdiag *d, const struct scenario *s, const struct ynode *n,
		    const char *text, const char *what);

/* "a, b, c". */
void sdiag_join(const char *const *names, size_t n, char *out, size_t cap);

#endif
