/*
 * docmatch.h - the text matching of test_docs.c: reading files, number
 * tokens and their precision, quoted text found across line breaks,
 * command lines split as a shell would, output blocks matched against
 * output lines, numbers and their "±" half-widths, output lines matched
 * against patterns with {} where a number stands.  Pure functions of
 * their arguments (read_all fails the test when a file cannot be read);
 * included by test_docs.c alone.
 */
#ifndef CLOBBER_TESTS_DOCMATCH_H
#define CLOBBER_TESTS_DOCMATCH_H

#include "testproc.h"

#include <ctype.h>
#include <math.h>

/* ---- text ---- */

static char *read_all(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		fail_msg("cannot read %s", path);
	fseek(f, 0, SEEK_END);
	long len = ftell(f);
	fseek(f, 0, SEEK_SET);
	char *s = malloc((size_t)len + 1);
	if (!s || fread(s, 1, (size_t)len, f) != (size_t)len)
		fail_msg("cannot read %s", path);
	s[len] = '\0';
	fclose(f);
	return s;
}

static int line_of(const char *text, const char *at)
{
	int line = 1;
	for (const char *p = text; p < at; p++)
		line += *p == '\n';
	return line;
}

/* A number token at s (a sign only where a number starts): its length, or
 * 0.  Digits glued to a letter, '#', '/', '_' or '.' before them are part
 * of a name ("k0", "#3", "06-vector"), not numbers. */
static size_t number_at(const char *start, const char *s)
{
	const char *p = s;
	if (s > start && (isalnum((unsigned char)s[-1]) || strchr("#/_.-", s[-1])))
		return 0;
	if (*p == '-' || *p == '+')
		p++;
	if (!isdigit((unsigned char)*p))
		return 0;
	while (isdigit((unsigned char)*p))
		p++;
	if (*p == '.' && isdigit((unsigned char)p[1])) {
		p++;
		while (isdigit((unsigned char)*p))
			p++;
	}
	if ((*p == 'e' || *p == 'E') && (isdigit((unsigned char)p[1]) ||
					 ((p[1] == '+' || p[1] == '-') && isdigit((unsigned char)p[2])))) {
		p += 2;
		while (isdigit((unsigned char)*p))
			p++;
	}
	return (size_t)(p - s);
}

/* The numbers of text, in order (as written, so their precision is
 * known).  Returns how many. */
static int numbers_of(const char *text, char nums[][40], int max)
{
	int n = 0;
	for (const char *p = text; *p && n < max;) {
		size_t len = number_at(text, p);
		if (!len) {
			p++;
			continue;
		}
		snprintf(nums[n++], 40, "%.*s", (int)len, p);
		p += len;
	}
	return n;
}

/* Significant digits of a number as written. */
static int sig_digits(const char *s)
{
	int n = 0;
	bool leading = true;
	for (const char *p = s; *p && *p != 'e' && *p != 'E'; p++) {
		if (!isdigit((unsigned char)*p))
			continue;
		if (*p == '0' && leading)
			continue;
		leading = false;
		n++;
	}
	return n ? n : 1;
}

/* Does value v read as `quoted`, to quoted's precision? */
static bool same_number(const char *quoted, double v)
{
	char buf[64];
	snprintf(buf, sizeof(buf), "%.*g", sig_digits(quoted), v);
	return strtod(buf, NULL) == strtod(quoted, NULL);
}

/* Where text occurs in doc from `from` on, a run of blanks in text matching
 * a run of whitespace in doc: its start, or NULL; *end set after it. */
static const char *find_text(const char *doc, const char *from, const char *text, const char **end)
{
	for (const char *s = from; *s; s++) {
		const char *d = s, *t = text;
		while (*t) {
			if (isspace((unsigned char)*t)) {
				if (!isspace((unsigned char)*d))
					break;
				while (isspace((unsigned char)*t))
					t++;
				while (isspace((unsigned char)*d))
					d++;
			} else if (*d == *t) {
				d++;
				t++;
			} else {
				break;
			}
		}
		if (!*t) {
			*end = d;
			return s;
		}
	}
	(void)doc;
	return NULL;
}

static void trim(char *s)
{
	size_t len = strlen(s);
	while (len && isspace((unsigned char)s[len - 1]))
		s[--len] = '\0';
	size_t lead = strspn(s, " \t");
	memmove(s, s + lead, strlen(s + lead) + 1);
}

/* ---- command lines ---- */

/* Splits a command line as a shell would for what the docs write: words,
 * '...' and "..." quoting.  Returns the number of words. */
static int split_args(const char *line, char words[][512], int max)
{
	int n = 0;
	const char *p = line;
	while (*p && n < max) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		size_t len = 0;
		while (*p && !isspace((unsigned char)*p)) {
			if (*p == '\'' || *p == '"') {
				char q = *p++;
				while (*p && *p != q && len < 511)
					words[n][len++] = *p++;
				if (*p)
					p++;
			} else if (len < 511) {
				words[n][len++] = *p++;
			} else {
				p++;
			}
		}
		words[n++][len] = '\0';
	}
	return n;
}

/* ---- output blocks ---- */

/* The lines of s (a copy of each, trailing blanks dropped). */
static int lines_of(const char *s, char ***out)
{
	int n = 0, cap = 64;
	char **v = malloc((size_t)cap * sizeof(*v));
	for (const char *p = s; *p;) {
		size_t len = strcspn(p, "\n");
		if (n == cap)
			v = realloc(v, (size_t)(cap *= 2) * sizeof(*v));
		v[n] = malloc(len + 1);
		memcpy(v[n], p, len);
		v[n][len] = '\0';
		while (len && isspace((unsigned char)v[n][len - 1]))
			v[n][--len] = '\0';
		n++;
		p += len + strcspn(p + len, "\n");
		if (*p == '\n')
			p++;
	}
	*out = v;
	return n;
}

static void free_lines(char **v, int n)
{
	for (int i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

/* Does the block (lines b[0..nb)) quote output lines o[0..no) as the
 * convention says?  On failure, *bad is the first block line that cannot
 * be placed. */
static bool block_matches(char **b, int nb, char **o, int no, int *bad)
{
	/* runs of lines between "..." must each occur, in order, as
	 * consecutive output lines */
	int at = 0;
	*bad = -1;
	for (int i = 0; i < nb;) {
		if (strcmp(b[i], "...") == 0) {
			i++;
			continue;
		}
		int len = 0;
		while (i + len < nb && strcmp(b[i + len], "...") != 0)
			len++;
		bool anchored_start = i == 0 && false; /* blocks may start anywhere */
		(void)anchored_start;
		int found = -1;
		for (int s = at; s + len <= no && found < 0; s++) {
			int k = 0;
			while (k < len && strcmp(b[i + k], o[s + k]) == 0)
				k++;
			if (k == len)
				found = s;
		}
		if (found < 0) {
			/* the first line of the run that does not follow */
			int best = i;
			for (int s = at; s < no; s++) {
				int k = 0;
				while (k < len && s + k < no && strcmp(b[i + k], o[s + k]) == 0)
					k++;
				if (i + k > best)
					best = i + k;
			}
			*bad = best;
			return false;
		}
		at = found + len;
		i += len;
	}
	return true;
}

/* ---- numbers ---- */

/* Student's t at 0.975 by degrees of freedom (any statistics table). */
static double t975(int df)
{
	static const double t[] = {0,	      12.706205, 4.302653, 3.182446, 2.776445, 2.570582,
				   2.446912, 2.364624,  2.306004, 2.262157, 2.228139};
	return df >= 1 && df <= 10 ? t[df] : 1.959964;
}

/* The value groups of TEXT: a number, and the one after a "±" following
 * it.  Returns how many groups; nums/has_ci filled. */
static int groups_of(const char *text, char vals[][40], char cis[][40], bool *has_ci, int max)
{
	int n = 0;
	for (const char *p = text; *p && n < max;) {
		size_t len = number_at(text, p);
		if (!len) {
			p++;
			continue;
		}
		snprintf(vals[n], 40, "%.*s", (int)len, p);
		p += len;
		const char *q = p;
		while (*q == ' ')
			q++;
		has_ci[n] = false;
		if (strncmp(q, "±", strlen("±")) == 0) {
			q += strlen("±");
			while (*q == ' ')
				q++;
			size_t l2 = number_at(text, q);
			if (l2) {
				snprintf(cis[n], 40, "%.*s", (int)l2, q);
				has_ci[n] = true;
				p = q + l2;
			}
		}
		n++;
	}
	return n;
}

/* Whitespace runs of s become one blank (in place). */
static void squeeze(char *s)
{
	char *d = s;
	bool blank = false;
	for (const char *p = s; *p; p++) {
		if (isspace((unsigned char)*p)) {
			blank = true;
			continue;
		}
		if (blank && d != s)
			*d++ = ' ';
		blank = false;
		*d++ = *p;
	}
	*d = '\0';
}

/* The lines of out that match pattern (with {} for numbers), from the one
 * after *from on: the numbers of the first go to got[].  Returns how many
 * numbers, or -1 if no further line matches; *from is left at that line. */
static int match_pattern(const char *out, const char *pattern, char got[][40], int max,
			 const char **from)
{
	char pat[512];
	snprintf(pat, sizeof(pat), "%s", pattern);
	squeeze(pat);
	char line[4096];
	for (const char *p = from && *from ? *from : out; *p;) {
		size_t len = strcspn(p, "\n");
		snprintf(line, sizeof(line), "%.*s", (int)len, p);
		squeeze(line);
		p += len + (p[len] == '\n');
		for (const char *s = line; *s; s++) {
			const char *l = s, *t = pat;
			int n = 0;
			while (*t) {
				if (t[0] == '{' && t[1] == '}') {
					size_t nl = number_at(line, l);
					if (!nl || n == max)
						break;
					snprintf(got[n++], 40, "%.*s", (int)nl, l);
					l += nl;
					t += 2;
				} else if (*l == *t) {
					l++;
					t++;
				} else {
					break;
				}
			}
			if (!*t) {
				if (from)
					*from = p;
				return n;
			}
		}
	}
	return -1;
}

static int holes(const char *pattern)
{
	int n = 0;
	for (const char *p = strstr(pattern, "{}"); p; p = strstr(p + 2, "{}"))
		n++;
	return n;
}

#endif
