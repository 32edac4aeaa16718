/*
 * escape.c - escaping for each medium.  See escape.h.
 */
#include "sim/app/escape.h"

#include <stdint.h>
#include <string.h>

/* The length of the well-formed UTF-8 sequence at p (Unicode 15, table
 * 3-7), its code point in *cp; 0 when p does not start one. */
static size_t utf8_char(const unsigned char *p, uint32_t *cp)
{
	unsigned c = p[0];
	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	size_t len;
	unsigned lo = 0x80, hi = 0xbf;
	if (c >= 0xc2 && c <= 0xdf) {
		len = 2;
		*cp = c & 0x1f;
	} else if (c >= 0xe0 && c <= 0xef) {
		len = 3;
		*cp = c & 0x0f;
		lo = c == 0xe0 ? 0xa0 : 0x80;
		hi = c == 0xed ? 0x9f : 0xbf;
	} else if (c >= 0xf0 && c <= 0xf4) {
		len = 4;
		*cp = c & 0x07;
		lo = c == 0xf0 ? 0x90 : 0x80;
		hi = c == 0xf4 ? 0x8f : 0xbf;
	} else {
		return 0;
	}
	for (size_t i = 1; i < len; i++) {
		unsigned d = p[i];
		if (d < (i == 1 ? lo : 0x80) || d > (i == 1 ? hi : 0xbf))
			return 0;
		*cp = (*cp << 6) | (d & 0x3f);
	}
	return len;
}

/* Characters never shown as themselves (escape.h). */
static bool unsafe(uint32_t cp)
{
	return cp < 0x20 || cp == 0x7f || (cp >= 0x80 && cp <= 0x9f) || cp == 0x2028 ||
	       cp == 0x2029 || (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* Writes one safe character (p, len) in a medium's quoting. */
typedef void put_fn(struct strbuf *b, const char *p, size_t len);

/* Walks s: safe characters through put, every other byte as \xHH. */
static void walk(struct strbuf *b, const char *s, put_fn *put)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t len = utf8_char(p, &cp);
		if (len == 0 || unsafe(cp)) {
			size_t n = len ? len : 1;
			for (size_t i = 0; i < n; i++)
				sb_printf(b, "\\x%02x", p[i]);
			p += n;
			continue;
		}
		put(b, (const char *)p, len);
		p += len;
	}
}

static void put_plain(struct strbuf *b, const char *p, size_t len)
{
	sb_putn(b, p, len);
}

void esc_visible(struct strbuf *b, const char *s)
{
	walk(b, s, put_plain);
}

bool esc_is_visible(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t len = utf8_char(p, &cp);
		if (len == 0 || unsafe(cp))
			return false;
		p += len;
	}
	return true;
}

static void put_gp(struct strbuf *b, const char *p, size_t len)
{
	if (*p == '\'')
		sb_puts(b, "''");
	else
		sb_putn(b, p, len);
}

void esc_gp_string(struct strbuf *b, const char *s)
{
	sb_putn(b, "'", 1);
	walk(b, s, put_gp);
	sb_putn(b, "'", 1);
}

void esc_gp_comment(struct strbuf *b, const char *s)
{
	size_t before = b->len;
	walk(b, s, put_plain);
	if (!b->failed && b->len > before && b->s[b->len - 1] == '\\')
		sb_putn(b, " ", 1);
}

static void put_dat(struct strbuf *b, const char *p, size_t len)
{
	sb_putn(b, *p == '"' ? "'" : p, len);
}

void esc_dat_field(struct strbuf *b, const char *s)
{
	sb_putn(b, "\"", 1);
	walk(b, s, put_dat);
	sb_putn(b, "\"", 1);
}

static void put_html(struct strbuf *b, const char *p, size_t len)
{
	switch (*p) {
	case '&':
		sb_puts(b, "&amp;");
		break;
	case '<':
		sb_puts(b, "&lt;");
		break;
	case '>':
		sb_puts(b, "&gt;");
		break;
	case '"':
		sb_puts(b, "&quot;");
		break;
	case '\'':
		sb_puts(b, "&#39;");
		break;
	default:
		sb_putn(b, p, len);
	}
}

void esc_html(struct strbuf *b, const char *s)
{
	walk(b, s, put_html);
}

static void put_csv(struct strbuf *b, const char *p, size_t len)
{
	if (*p == '"')
		sb_puts(b, "\"\"");
	else
		sb_putn(b, p, len);
}

void esc_csv(struct strbuf *b, const char *s)
{
	size_t n = strlen(s);
	bool quote = strpbrk(s, ",\"") != NULL || (n > 0 && (s[0] == ' ' || s[n - 1] == ' '));
	if (!quote) {
		walk(b, s, put_plain);
		return;
	}
	sb_putn(b, "\"", 1);
	walk(b, s, put_csv);
	sb_putn(b, "\"", 1);
}

static void put_md(struct strbuf *b, const char *p, size_t len)
{
	if (*p == '|')
		sb_puts(b, "\\|");
	else
		sb_putn(b, p, len);
}

void esc_md_code(struct strbuf *b, const char *s)
{
	/* a fence one backquote longer than the longest run inside */
	size_t run = 0, longest = 0;
	for (const char *p = s; *p; p++) {
		run = *p == '`' ? run + 1 : 0;
		longest = run > longest ? run : longest;
	}
	size_t fence = longest + 1;
	bool pad = longest > 0; /* a space keeps an inner backquote off the fence */
	for (size_t i = 0; i < fence; i++)
		sb_putn(b, "`", 1);
	if (pad)
		sb_putn(b, " ", 1);
	walk(b, s, put_md);
	if (pad)
		sb_putn(b, " ", 1);
	for (size_t i = 0; i < fence; i++)
		sb_putn(b, "`", 1);
}

void esc_json(struct strbuf *b, const char *s)
{
	sb_putn(b, "\"", 1);
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		uint32_t cp;
		size_t len = utf8_char(p, &cp);
		if (len == 0) {
			sb_puts(b, "\\ufffd");
			p++;
			continue;
		}
		if (cp == '"' || cp == '\\') {
			sb_printf(b, "\\%c", (char)cp);
		} else if (cp == '\n') {
			sb_puts(b, "\\n");
		} else if (cp == '\t') {
			sb_puts(b, "\\t");
		} else if (unsafe(cp)) {
			sb_printf(b, "\\u%04x", (unsigned)cp);
		} else {
			sb_putn(b, (const char *)p, len);
		}
		p += len;
	}
	sb_putn(b, "\"", 1);
}

void esc_term(struct strbuf *b, const char *s)
{
	walk(b, s, put_plain);
}

int esc_term_fputs(const char *s, FILE *f)
{
	if (esc_is_visible(s))
		return fputs(s, f);
	struct strbuf b;
	sb_init(&b);
	esc_term(&b, s);
	int rc = b.failed ? EOF : fputs(b.s ? b.s : "", f);
	sb_free(&b);
	return rc;
}

int esc_width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}
