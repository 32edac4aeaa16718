/*
 * tview.c - a trace as text: templates, lanes, the terminal timeline.
 * See tview.h.
 */
#include "sim/app/tview.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#define NO_WRITER UINT64_MAX

/* ---- lanes and writers ---- */

static int by_actor(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int tview_init(struct tview *v)
{
	v->lanes = NULL;
	v->writer = NULL;
	v->nlanes = v->nwriter = 0;
	uint32_t *all = malloc((v->nrows ? v->nrows : 1) * sizeof(*all));
	if (!all)
		return -ENOMEM;
	/* clients have small ids, nodes the top bit (TRACE_NODE): sorted by
	 * id, clients come first, then nodes, each in index order */
	uint32_t maxv = 0;
	bool anyv = false;
	for (size_t i = 0; i < v->nrows; i++) {
		all[i] = v->rows[i].actor;
		if (v->rows[i].version != HIST_NONE) {
			anyv = true;
			maxv = v->rows[i].version > maxv ? v->rows[i].version : maxv;
		}
	}
	qsort(all, v->nrows, sizeof(*all), by_actor);
	for (size_t i = 0; i < v->nrows; i++)
		if (v->nlanes == 0 || all[v->nlanes - 1] != all[i])
			all[v->nlanes++] = all[i];
	v->lanes = all;
	if (!anyv)
		return 0;
	v->nwriter = maxv + 1;
	v->writer = malloc(v->nwriter * sizeof(*v->writer));
	if (!v->writer) {
		tview_free(v);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < v->nwriter; i++)
		v->writer[i] = NO_WRITER;
	/* the rows that follow a write (applied, kept, acked, done) carry the
	 * version it made: their operation wrote it */
	for (size_t i = 0; i < v->nrows; i++) {
		const struct trace_row *t = &v->rows[i];
		const struct trace_vocab *voc = model_event(v->policy, v->repl, t->event);
		if (t->version != HIST_NONE && voc && voc->shows_lost && v->writer[t->version] == NO_WRITER)
			v->writer[t->version] = t->op;
	}
	return 0;
}

void tview_free(struct tview *v)
{
	free(v->lanes);
	free(v->writer);
	v->lanes = NULL;
	v->writer = NULL;
	v->nlanes = v->nwriter = 0;
}

uint32_t tview_lane(const struct tview *v, uint32_t actor)
{
	uint32_t lo = 0, hi = v->nlanes;
	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (v->lanes[mid] < actor)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void tview_lane_name(const struct tview *v, uint32_t lane, char *buf, size_t n)
{
	uint32_t actor = lane < v->nlanes ? v->lanes[lane] : 0;
	/* one node lane, the lock service's apart: "store" */
	uint32_t last = v->nlanes;
	if (last > 0 && v->lanes[last - 1] == TRACE_SERVICE)
		last--;
	bool one_node = last > 0 && TRACE_IS_NODE(v->lanes[last - 1]) &&
			(last == 1 || !TRACE_IS_NODE(v->lanes[last - 2]));
	if (!TRACE_IS_NODE(actor))
		snprintf(buf, n, "client %u", actor);
	else if (actor == TRACE_SERVICE)
		snprintf(buf, n, "lock service");
	else if (one_node && actor == TRACE_NODE(0))
		snprintf(buf, n, "store");
	else
		snprintf(buf, n, "node %u", actor & ~TRACE_NODE_BIT);
}

void tview_writer(const struct tview *v, uint32_t version, char *buf, size_t n)
{
	if (version != HIST_NONE && version < v->nwriter && v->writer[version] != NO_WRITER)
		snprintf(buf, n, "#%llu", (unsigned long long)v->writer[version]);
	else if (n)
		buf[0] = '\0';
}

/* ---- templates ---- */

struct fill {
	const struct tview *v;
	const struct trace_row *t;
	const char *detail; /* NULL: none */
	bool used_detail;
};

/* The text of field `name` (len bytes) into tmp; false if it is unknown
 * for this row (no value, no detail, no writer). */
static bool field_text(struct fill *f, const char *name, size_t len, char *tmp, size_t n)
{
	const struct trace_row *t = f->t;
#define IS(s) (len == sizeof(s) - 1 && memcmp(name, s, len) == 0)
	if (IS("op"))
		snprintf(tmp, n, "#%llu", (unsigned long long)t->op);
	else if (IS("key"))
		snprintf(tmp, n, "k%u", t->key);
	else if (IS("kind"))
		snprintf(tmp, n, "%s", op_kind_names[t->kind < OP_NKINDS ? t->kind : 0]);
	else if (IS("value") && t->value >= 0)
		snprintf(tmp, n, "%lld", (long long)t->value);
	else if (IS("aux"))
		snprintf(tmp, n, "%lld", (long long)t->aux);
	else if (IS("ms"))
		snprintf(tmp, n, "%.3gms", (double)t->aux / 1e6);
	else if (IS("detail") && f->detail) {
		snprintf(tmp, n, "%s", f->detail);
		f->used_detail = true;
	} else if (IS("node"))
		snprintf(tmp, n, "n%u", t->aux2);
	else if (IS("writer"))
		tview_writer(f->v, t->version, tmp, n);
	else if (IS("value") || IS("detail"))
		return false;
	else
		snprintf(tmp, n, "{%.*s}", (int)len, name);
#undef IS
	return tmp[0] != '\0';
}

static void put(char *out, size_t *at, size_t n, const char *s, size_t len)
{
	if (*at + len >= n)
		len = n - *at - 1;
	memcpy(out + *at, s, len);
	*at += len;
}

/* Expands template tpl (len bytes) into out: {name}, {name|text} (text when
 * the field is unknown), {name?template} (the template when it is known). */
static void expand(struct fill *f, const char *tpl, size_t len, char *out, size_t *at, size_t n)
{
	for (size_t i = 0; i < len && *at + 1 < n;) {
		if (tpl[i] != '{') {
			out[(*at)++] = tpl[i++];
			continue;
		}
		size_t close = i + 1;
		for (int depth = 1; close < len; close++) {
			depth += tpl[close] == '{' ? 1 : tpl[close] == '}' ? -1 : 0;
			if (depth == 0)
				break;
		}
		const char *body = tpl + i + 1;
		size_t blen = close - i - 1, nlen = strcspn(body, "|?}");
		nlen = nlen < blen ? nlen : blen;
		char tmp[256];
		bool known = field_text(f, body, nlen, tmp, sizeof(tmp));
		if (nlen < blen && body[nlen] == '?') {
			if (known)
				expand(f, body + nlen + 1, blen - nlen - 1, out, at, n);
		} else if (known) {
			put(out, at, n, tmp, strlen(tmp));
		} else if (nlen < blen) {
			put(out, at, n, body + nlen + 1, blen - nlen - 1);
		} else {
			put(out, at, n, "?", 1);
		}
		i = close + 1;
	}
	out[*at] = '\0';
}

void tview_event(const struct tview *v, size_t i, struct tview_event *e)
{
	const struct trace_row *t = &v->rows[i];
	const struct trace_vocab *voc = model_event(v->policy, v->repl, t->event);
	e->detail[0] = '\0';
	e->mark = NULL;
	e->cat = voc ? voc->cat : TC_NODE;
	if (!voc) {
		snprintf(e->text, sizeof(e->text), "#%llu event %u", (unsigned long long)t->op, t->event);
		return;
	}
	const char *tpl = voc->text;
	if (t->aux == 0 && voc->text_zero)
		tpl = voc->text_zero;
	else if (t->aux > 1 && voc->text_many)
		tpl = voc->text_many;
	struct fill f = {.v = v, .t = t};
	if (t->detail != TRACE_NO_DETAIL && v->text && v->text[t->detail])
		f.detail = v->text + t->detail;
	size_t at = 0;
	expand(&f, tpl, strlen(tpl), e->text, &at, sizeof(e->text));
	while (at > 0 && e->text[at - 1] == ' ')
		e->text[--at] = '\0';
	if (f.detail && !f.used_detail)
		snprintf(e->detail, sizeof(e->detail), "%s", f.detail);
	e->mark = voc->mark;
	if (t->lost && voc->shows_lost)
		e->mark = "LOST";
}

/* ---- the timeline ---- */

/* One event as the layouts need it: the line with everything, and the two
 * lines it becomes when that is too long. */
struct shown {
	char one[480];	/* text (detail)  <-- MARK */
	char head[240]; /* text  <-- MARK */
	char tail[232]; /* (detail), or "" */
};

static void shown_of(const struct tview *v, size_t i, struct shown *s)
{
	struct tview_event e;
	tview_event(v, i, &e);
	char mark[40] = "";
	if (e.mark)
		snprintf(mark, sizeof(mark), "  <-- %s", e.mark);
	s->tail[0] = '\0';
	if (e.detail[0])
		snprintf(s->tail, sizeof(s->tail), "(%s)", e.detail);
	snprintf(s->head, sizeof(s->head), "%s%s", e.text, mark);
	snprintf(s->one, sizeof(s->one), "%s%s%s%s", e.text, s->tail[0] ? " " : "", s->tail, mark);
}

static void time_text(const struct tview *v, size_t i, char *buf, size_t n)
{
	buf[0] = '\0';
	if (i == 0 || v->rows[i].time != v->rows[i - 1].time)
		snprintf(buf, n, "%.3f", (double)v->rows[i].time / 1e6);
}

/* Prints s and a newline: a first piece of at most `room` characters at
 * the cursor, then pieces of at most `cont_room` on new lines starting at
 * column `cont_col`.  Breaks at spaces, never inside a mark's "<-- NAME". */
static void print_wrapped(FILE *out, const char *s, size_t room, size_t cont_col, size_t cont_room)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", s);
	for (char *p = strstr(buf, "<-- "); p; p = strstr(p + 4, "<-- "))
		p[3] = '\x01'; /* keeps "<--" with its mark */
	char *p = buf;
	size_t avail = room ? room : 1;
	for (bool first = true; *p; first = false) {
		if (!first) {
			while (*p == ' ')
				p++;
			if (!*p)
				break;
			fprintf(out, "\n%*s", (int)cont_col, "");
			avail = cont_room ? cont_room : 1;
		}
		size_t len = strlen(p), cut = len;
		if (len > avail) {
			cut = avail;
			while (cut > 0 && p[cut] != ' ')
				cut--;
			if (cut == 0)
				cut = avail; /* one word wider than the room */
		}
		size_t show = cut;
		while (show > 0 && p[show - 1] == ' ')
			show--; /* no trailing blanks (the two before a mark) */
		for (size_t k = 0; k < show; k++)
			fputc(p[k] == '\x01' ? ' ' : p[k], out);
		p += cut;
	}
	fputc('\n', out);
}

void tview_fit(FILE *out, const char *text, int width, int indent)
{
	size_t w = width < TVIEW_MIN_WIDTH ? TVIEW_MIN_WIDTH : (size_t)width;
	size_t ind = indent < 0 ? 0 : indent > width / 2 ? (size_t)width / 2 : (size_t)indent;
	print_wrapped(out, text, w, ind, w - ind);
}

/* The compact layout: time, who, event. */
static void print_compact(const struct tview *v, size_t tw, int width, FILE *out)
{
	struct shown sh;
	size_t ww = 3;
	char name[32];
	for (uint32_t l = 0; l < v->nlanes; l++) {
		tview_lane_name(v, l, name, sizeof(name));
		ww = strlen(name) > ww ? strlen(name) : ww;
	}
	size_t col = tw + 2 + ww + 2;
	size_t room = (size_t)width > col + 10 ? (size_t)width - col : 10;
	fprintf(out, "%*s  %-*s  %s\n", (int)tw, "time (ms)", (int)ww, "who", "event");
	for (size_t i = 0; i < v->nrows; i++) {
		char tbuf[32];
		time_text(v, i, tbuf, sizeof(tbuf));
		tview_lane_name(v, tview_lane(v, v->rows[i].actor), name, sizeof(name));
		fprintf(out, "%*s  %-*s  ", (int)tw, tbuf, (int)ww, name);
		shown_of(v, i, &sh);
		if (strlen(sh.one) <= room) {
			fprintf(out, "%s\n", sh.one);
			continue;
		}
		print_wrapped(out, sh.head, room, col + 2, room - 2);
		if (sh.tail[0]) {
			fprintf(out, "%*s", (int)(col + 2), "");
			print_wrapped(out, sh.tail, room - 2, col + 4, room - 4);
		}
	}
}

/* The columns layout, if every event fits its column on one line within
 * width: true after printing it, false (nothing printed) otherwise. */
static bool print_columns(const struct tview *v, size_t tw, int width, FILE *out)
{
	struct shown sh;
	if (v->nlanes == 0)
		return false;
	size_t *cw = calloc(v->nlanes, sizeof(*cw)), *start = calloc(v->nlanes, sizeof(*start));
	bool ok = cw && start;
	char name[32];
	for (uint32_t l = 0; ok && l < v->nlanes; l++) {
		tview_lane_name(v, l, name, sizeof(name));
		cw[l] = strlen(name);
	}
	for (size_t i = 0; ok && i < v->nrows; i++) {
		uint32_t l = tview_lane(v, v->rows[i].actor);
		shown_of(v, i, &sh);
		size_t need = strlen(sh.one);
		cw[l] = need > cw[l] ? need : cw[l];
	}
	size_t at = tw;
	for (uint32_t l = 0; ok && l < v->nlanes; l++) {
		start[l] = at + 2;
		at = start[l] + cw[l];
	}
	ok = ok && at <= (size_t)width;
	if (ok) {
		fprintf(out, "%*s", (int)tw, "time (ms)");
		for (uint32_t l = 0; l < v->nlanes; l++) {
			tview_lane_name(v, l, name, sizeof(name));
			fprintf(out, "  %-*s", l + 1 < v->nlanes ? (int)cw[l] : 0, name);
		}
		fputc('\n', out);
		for (size_t i = 0; i < v->nrows; i++) {
			char tbuf[32];
			time_text(v, i, tbuf, sizeof(tbuf));
			uint32_t l = tview_lane(v, v->rows[i].actor);
			shown_of(v, i, &sh);
			fprintf(out, "%*s%*s%s\n", (int)tw, tbuf, (int)(start[l] - tw), "", sh.one);
		}
	}
	free(cw);
	free(start);
	return ok;
}

int tview_print(const struct tview *v, int width, FILE *out)
{
	if (width < TVIEW_MIN_WIDTH)
		width = TVIEW_MIN_WIDTH;
	/* the words are made again for each pass: a stored run may have
	 * millions of rows, and nothing is kept per row */
	size_t tw = strlen("time (ms)");
	for (size_t i = 0; i < v->nrows; i++) {
		char tbuf[32];
		time_text(v, i, tbuf, sizeof(tbuf));
		tw = strlen(tbuf) > tw ? strlen(tbuf) : tw;
	}
	tw++; /* one space of margin on the left, as the header " time (ms)" */
	if (!print_columns(v, tw, width, out))
		print_compact(v, tw, width, out);
	return 0;
}
