/*
 * strbuf.h - a growable string, and JSON text written into one.
 *
 * The buffer is always NUL-terminated.  On allocation failure it stops
 * growing and sets `failed`; callers check once at the end.
 */
#ifndef CLOBBER_STRBUF_H
#define CLOBBER_STRBUF_H

#include <stdbool.h>
#include <stddef.h>

struct strbuf {
	char *s;
	size_t len, cap;
	bool failed;
};

void sb_init(struct strbuf *b);
void sb_free(struct strbuf *b);
void sb_reset(struct strbuf *b);
void sb_puts(struct strbuf *b, const char *s);
void sb_putn(struct strbuf *b, const char *s, size_t n);
void sb_printf(struct strbuf *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* JSON: a string literal with escapes, a number (shortest exact form;
 * non-finite numbers become null). */
void sb_json_string(struct strbuf *b, const char *s);
void sb_json_number(struct strbuf *b, double x);

/* Appends the whole file at path.  Returns 0, or -1 (errno set) if it
 * cannot be read; at most `limit` bytes are read (0: no limit) and -1 with
 * errno EFBIG when the file is longer. */
int sb_read_file(struct strbuf *b, const char *path, size_t limit);

/* Levenshtein distance, for "did you mean" suggestions. */
size_t str_distance(const char *a, const char *b);

#endif
