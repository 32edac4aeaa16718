/*
 * tview.c - filling in the templates of trace vocabularies.  See tview.h.
 */
#include "sim/app/tview.h"

#include <stdio.h>
#include <string.h>

void tview_actor(uint32_t actor, char *buf, size_t n)
{
	if (TRACE_IS_NODE(actor))
		snprintf(buf, n, "node %u", actor & ~TRACE_NODE_BIT);
	else
		snprintf(buf, n, "client %u", actor);
}

/* Appends the placeholder `name` (len bytes) of row t. */
static void put_field(const char *name, size_t len, const struct trace_row *t, int64_t value,
		      const char *detail, char *out, size_t *at, size_t n)
{
	char tmp[256] = "";
	/* {value|text}: text when the value is unknown */
	const char *bar = memchr(name, '|', len);
	const char *fallback = bar ? bar + 1 : "?";
	size_t flen = bar ? len - (size_t)(bar - name) - 1 : 1;
	if (bar)
		len = (size_t)(bar - name);
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
	if (IS("op"))
		snprintf(tmp, sizeof(tmp), "#%llu", (unsigned long long)t->op);
	else if (IS("key"))
		snprintf(tmp, sizeof(tmp), "k%u", t->key);
	else if (IS("kind"))
		snprintf(tmp, sizeof(tmp), "%s", op_kind_names[t->kind < OP_NKINDS ? t->kind : 0]);
	else if (IS("value") && value >= 0)
		snprintf(tmp, sizeof(tmp), "%lld", (long long)value);
	else if (IS("value"))
		snprintf(tmp, sizeof(tmp), "%.*s", (int)flen, fallback);
	else if (IS("aux"))
		snprintf(tmp, sizeof(tmp), "%lld", (long long)t->aux);
	else if (IS("ms"))
		snprintf(tmp, sizeof(tmp), "%.3gms", (double)t->aux / 1e6);
	else if (IS("detail"))
		snprintf(tmp, sizeof(tmp), "%s", detail ? detail : "");
	else if (IS("node"))
		snprintf(tmp, sizeof(tmp), "n%u", t->aux2);
	else
		snprintf(tmp, sizeof(tmp), "{%.*s}", (int)len, name);
#undef IS
	size_t l = strlen(tmp);
	if (*at + l >= n)
		l = n - *at - 1;
	memcpy(out + *at, tmp, l);
	*at += l;
}

void tview_describe(const struct trace_vocab *v, const struct trace_row *t, int64_t value,
		    const char *detail, char *buf, size_t n, const char **mark)
{
	*mark = NULL;
	if (!v) {
		snprintf(buf, n, "#%llu event %u", (unsigned long long)t->op, t->event);
		return;
	}
	const char *tpl = v->text;
	if (t->aux == 0 && v->text_zero)
		tpl = v->text_zero;
	else if (t->aux > 1 && v->text_many)
		tpl = v->text_many;
	size_t at = 0;
	for (const char *p = tpl; *p && at + 1 < n;) {
		const char *close = *p == '{' ? strchr(p, '}') : NULL;
		if (close) {
			put_field(p + 1, (size_t)(close - p - 1), t, value, detail, buf, &at, n);
			p = close + 1;
		} else {
			buf[at++] = *p++;
		}
	}
	while (at > 0 && buf[at - 1] == ' ')
		at--;
	buf[at] = '\0';
	*mark = v->mark;
	if (t->lost && v->shows_lost)
		*mark = "LOST";
}
