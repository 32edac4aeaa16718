/*
 * sdiag.c - formatting scenario errors.  See sdiag.h.
 */
#include "sim/app/sdiag.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "sim/app/escape.h"
#include "sim/app/scenario.h"
#include "sim/core/strbuf.h"

int sdiag_at(struct sdiag *d, const struct scenario *s, const struct ynode *n, int coloff,
	     const char *fmt, ...)
{
	char msg[700];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	const char *path = s ? s->path : "scenario";
	if (n && n->line < 0 && s && (size_t)(-n->line) <= s->nsets)
		snprintf(d->text, sizeof(d->text), "--set %s: column %d: %s", s->sets[-n->line - 1],
			 n->col + coloff, msg);
	else if (n && n->line > 0)
		snprintf(d->text, sizeof(d->text), "%s:%d:%d: %s", path, n->line, n->col + coloff, msg);
	else
		snprintf(d->text, sizeof(d->text), "%s: %s", path, msg);
	return -1;
}

/* The length of the UTF-8 sequence a lead byte starts (1 for a byte that
 * starts none: it is then shown on its own). */
static size_t char_len(unsigned char c)
{
	return c >= 0xf0 && c < 0xf8 ? 4 : c >= 0xe0 ? 3 : c >= 0xc0 ? 2 : 1;
}

int sdiag_printable(struct sdiag *d, const struct scenario *s, const struct ynode *n,
		    const char *text, const char *what)
{
	size_t i = 0, nth = 1;
	for (; text[i]; nth++) {
		char one[5] = "";
		size_t len = char_len((unsigned char)text[i]);
		for (size_t k = 0; k < len && text[i + k]; k++)
			one[k] = text[i + k];
		if (!esc_is_visible(one)) {
			struct strbuf b;
			sb_init(&b);
			esc_visible(&b, one);
			sdiag_at(d, s, n, 0,
				 "%s: character %zu of the value is %s, a control or formatting character: names and labels "
				 "are shown in reports, charts and terminals, so they must be printable text",
				 what, nth, b.s ? b.s : "?");
			sb_free(&b);
			return -1;
		}
		i += strlen(one);
	}
	return 0;
}

void sdiag_suggest(const char *word, const char *const *cands, size_t n, char *out, size_t cap)
{
	size_t best = 99;
	const char *pick = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t dist = str_distance(word, cands[i]);
		if (dist < best) {
			best = dist;
			pick = cands[i];
		}
	}
	size_t len = strlen(word);
	if (pick && best <= (len < 5 ? 1 : len < 9 ? 2 : 3))
		snprintf(out, cap, "; did you mean '%s'?", pick);
	else
		out[0] = '\0';
}

void sdiag_join(const char *const *names, size_t n, char *out, size_t cap)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(out, ", ", cap - strlen(out) - 1);
		strncat(out, names[i], cap - strlen(out) - 1);
	}
}
