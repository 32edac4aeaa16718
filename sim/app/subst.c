/*
 * subst.c - finding and replacing $name references.  See subst.h.
 */
#include "sim/app/subst.h"

#include <ctype.h>
#include <string.h>

#include "sim/app/scenario.h"


static bool ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static bool ident_char(int c)
{
	return isalnum(c) || c == '_';
}

static size_t axis_index(const struct scenario *s, const char *name, size_t len)
{
	for (size_t a = 0; a < s->naxes; a++)
		if (strlen(s->axes[a].name) == len && strncmp(s->axes[a].name, name, len) == 0)
			return a;
	return SIZE_MAX;
}

/* Finds the next $name in text from *i: sets *name and *len, and *i past
 * it; returns the offset of the '$', or -1 at the end.  `$$` is skipped
 * (with *len = 0), a '$' not followed by a name is an error (-2). */
static long next_ref(const char *text, size_t *i, const char **name, size_t *len)
{
	for (; text[*i]; (*i)++) {
		if (text[*i] != '$')
			continue;
		size_t at = *i;
		if (text[at + 1] == '$') {
			*i = at + 2;
			*len = 0;
			return (long)at;
		}
		if (text[at + 1] == '{') {
			size_t j = at + 2;
			if (!ident_start((unsigned char)text[j]))
				return -2 - (long)at;
			while (ident_char((unsigned char)text[j]))
				j++;
			if (text[j] != '}')
				return -2 - (long)at;
			*name = text + at + 2;
			*len = j - at - 2;
			*i = j + 1;
			return (long)at;
		}
		if (!ident_start((unsigned char)text[at + 1]))
			return -2 - (long)at;
		size_t j = at + 1;
		while (ident_char((unsigned char)text[j]))
			j++;
		*name = text + at + 1;
		*len = j - at - 1;
		*i = j;
		return (long)at;
	}
	return -1;
}

/* The text of scalar n with sweep values of `point` substituted into buf.
 * *subst tells whether anything was replaced.  Fails on names that are not
 * sweep axes (load checks this too). */
int subst_scalar(const struct scenario *s, uint64_t point, const struct ynode *n, char *buf,
		 size_t cap, bool *subst, struct sdiag *d)
{
	const char *t = n->text;
	size_t i = 0, out = 0, last = 0;
	int q = n->plain ? 0 : 1;
	*subst = false;
	for (;;) {
		const char *name = NULL;
		size_t len = 0;
		long at = next_ref(t, &i, &name, &len);
		if (at == -1)
			break;
		if (at < -1)
			return sdiag_at(d, s, n, q + (int)(-2 - at),
				   "'$' must start a sweep name ($name or ${name}; $$ for a dollar sign)");
		size_t chunk = (size_t)at - last;
		if (out + chunk + 1 >= cap)
			return sdiag_at(d, s, n, q, "value too long");
		memcpy(buf + out, t + last, chunk);
		out += chunk;
		if (len == 0) {
			buf[out++] = '$';
		} else {
			size_t a = axis_index(s, name, len);
			if (a == SIZE_MAX)
				return sdiag_at(d, s, n, q + (int)at, "'$%.*s' is not a sweep axis%s%s", (int)len,
					   name, s->naxes ? "; the sweep defines " : " (the scenario has no sweep)",
					   s->naxes ? s->axes[0].name : "");
			const char *v = scenario_axis_value(s, point, a);
			size_t vl = strlen(v);
			if (out + vl + 1 >= cap)
				return sdiag_at(d, s, n, q, "value too long");
			memcpy(buf + out, v, vl);
			out += vl;
			*subst = true;
		}
		last = i;
	}
	size_t rest = strlen(t + last);
	if (out + rest + 1 >= cap)
		return sdiag_at(d, s, n, q, "value too long");
	memcpy(buf + out, t + last, rest + 1);
	return 0;
}

/* seed and replications hold for the whole scenario (every point runs the
 * same seeds, so that policies and points are compared on the same random
 * draws): a sweep name there is refused with that reason rather than as an
 * unknown name. */
int subst_refuse(const struct scenario *s, const struct ynode *n, const char *key, struct sdiag *d)
{
	if (!n || n->type != Y_SCALAR)
		return 0;
	size_t i = 0;
	const char *name = NULL;
	size_t len = 0;
	long at = next_ref(n->text, &i, &name, &len);
	if (at < 0 || len == 0)
		return 0;
	return sdiag_at(d, s, n, (n->plain ? 0 : 1) + (int)at,
		   "%s: sweep names are not substituted here: %s holds for every sweep point, so "
		   "that all points run on the same seeds (to vary seeds, raise replications)",
		   key, key);
}

/* Every $name in the document (but the sweep itself) must be an axis, and
 * every axis must be used. */
int subst_check_refs(const struct scenario *s, const struct ynode *n, bool *used, struct sdiag *d)
{
	if (n->type == Y_SCALAR) {
		size_t i = 0;
		for (;;) {
			const char *name = NULL;
			size_t len = 0;
			long at = next_ref(n->text, &i, &name, &len);
			if (at == -1)
				return 0;
			int q = n->plain ? 0 : 1;
			if (at < -1)
				return sdiag_at(d, s, n, q + (int)(-2 - at),
					   "'$' must start a sweep name ($name or ${name}; $$ for a dollar sign)");
			if (len == 0)
				continue;
			size_t a = axis_index(s, name, len);
			if (a == SIZE_MAX) {
				char names[256], hint[96] = "";
				const char *list[64];
				size_t k = 0;
				for (; k < s->naxes && k < 64; k++)
					list[k] = s->axes[k].name;
				sdiag_join(list, k, names, sizeof(names));
				char word[64];
				snprintf(word, sizeof(word), "%.*s", (int)len, name);
				sdiag_suggest(word, list, k, hint, sizeof(hint));
				if (s->naxes)
					return sdiag_at(d, s, n, q + (int)at,
						   "undefined sweep name '$%s'%s (the sweep defines %s)", word,
						   hint, names);
				return sdiag_at(d, s, n, q + (int)at,
					   "undefined sweep name '$%s': the scenario has no sweep", word);
			}
			used[a] = true;
		}
	}
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == Y_MAP && i % 2 == 0)
			continue; /* keys are names, not values */
		if (subst_check_refs(s, n->item[i], used, d) < 0)
			return -1;
	}
	return 0;
}

bool subst_is_name(const char *s)
{
	if (!ident_start((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!ident_char((unsigned char)*s))
			return false;
	return true;
}
