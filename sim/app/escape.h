/*
 * escape.h - one escaping helper per medium that text from a scenario or a
 * results database reaches: a gnuplot string, a gnuplot comment, a field of
 * a gnuplot data file, HTML, CSV, a Markdown code span, JSON and the
 * terminal.
 *
 * A results database is input like any other: anyone can hand you one,
 * and its names, labels and sweep values are arbitrary bytes.  Every text
 * that comes from one goes to its medium through the helper of that
 * medium, and through nothing else, so that no text can end a quoted
 * string, start a new line, a new command or a new data row, or reach a
 * terminal as a control sequence.
 *
 * The common rule (esc_visible): a character is shown as itself when it is
 * valid UTF-8 and not a control.  Otherwise each of its bytes is shown as
 * \xHH: the C0 controls (newline, carriage return, escape, ...), DEL, the
 * C1 controls U+0080 to U+009F (a terminal may read U+009B as the start of
 * a control sequence), the line and paragraph separators U+2028 and U+2029,
 * the bidirectional overrides and isolates U+202A-U+202E and U+2066-U+2069
 * (they reorder what a terminal or a browser shows), and every byte that
 * is not part of well-formed UTF-8.  The result is printable text on one
 * line; each medium then adds its own quoting.  Nothing here allocates but
 * the strbuf, whose `failed` flag the caller checks once.
 */
#ifndef CLOBBER_ESCAPE_H
#define CLOBBER_ESCAPE_H

#include <stdbool.h>
#include <stdio.h>

#include "sim/core/strbuf.h"

/* The common rule above: s in printable form, on one line. */
void esc_visible(struct strbuf *b, const char *s);

/* Whether s is shown unchanged by esc_visible. */
bool esc_is_visible(const char *s);

/* A gnuplot single-quoted string literal: 'text', quotes doubled.  Inside
 * single quotes gnuplot expands no backslash, no backquoted command and no
 * @macro, so with the newlines gone the text cannot leave the string.
 * Scripts set their terminal `noenhanced`, so no markup is read either. */
void esc_gp_string(struct strbuf *b, const char *s);

/* The text of a gnuplot comment (after "# "), on one line; a backslash at
 * its end, which would continue the comment onto the next line, is
 * followed by a space. */
void esc_gp_comment(struct strbuf *b, const char *s);

/* A string field of a gnuplot data file: "text", one field on one line.
 * gnuplot knows no escape inside a data file's double quotes, so a double
 * quote in s becomes a single one. */
void esc_dat_field(struct strbuf *b, const char *s);

/* HTML text or a double-quoted attribute value: & < > " ' as entities. */
void esc_html(struct strbuf *b, const char *s);

/* A CSV field (RFC 4180): quoted, quotes doubled, when it holds a comma, a
 * quote or leading or trailing spaces; never more than one line. */
void esc_csv(struct strbuf *b, const char *s);

/* A Markdown code span for a table cell: `text` (a longer fence when s
 * holds a backquote), with | escaped, as GitHub's tables require even in
 * code spans. */
void esc_md_code(struct strbuf *b, const char *s);

/* A JSON string literal.  JSON can carry every character, so controls are
 * kept exactly, as \u escapes; the C1 controls and the separators and
 * overrides above are \u-escaped too, and a byte that is not UTF-8 becomes
 * U+FFFD, so the result is valid JSON and safe on a terminal. */
void esc_json(struct strbuf *b, const char *s);

/* Text for the terminal: esc_visible.  esc_term_fputs writes it to f (the
 * messages of the commands that read a database go through it). */
void esc_term(struct strbuf *b, const char *s);
int esc_term_fputs(const char *s, FILE *f);

/* The display width of visible text in terminal columns (one per
 * character: clobber's names are not expected to hold wide characters). */
int esc_width(const char *s);

#endif
