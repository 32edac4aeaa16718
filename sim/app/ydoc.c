/*
 * ydoc.c - YAML to a node tree with positions, through libyaml's parser.
 */
#include "sim/app/ydoc.h"

#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#define MAX_DEPTH 64 /* deeper nesting is refused: no scenario needs it */

static int fail(struct ydiag *d, int line, int col, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static int fail(struct ydiag *d, int line, int col, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	d->line = line;
	d->col = col;
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* A tag (!!int, !foo) would say how to read a value, and clobber reads
 * every value as text, by its key: refused rather than ignored. */
static int fail_tag(struct ydiag *d, int line, int col, const yaml_char_t *tag)
{
	const char *t = (const char *)tag;
	const char *std = "tag:yaml.org,2002:";
	bool is_std = strncmp(t, std, strlen(std)) == 0;
	return fail(d, line, col,
		    "YAML tags (%s%.40s) are not supported: every value is read as text and parsed "
		    "by its key; remove the tag",
		    is_std ? "!!" : "", is_std ? t + strlen(std) : t);
}

static struct ynode *node_new(enum ynode_type t, int line, int col)
{
	struct ynode *n = calloc(1, sizeof(*n));
	if (n) {
		n->type = t;
		n->line = line;
		n->col = col;
	}
	return n;
}

void ydoc_free(struct ynode *n)
{
	if (!n)
		return;
	for (size_t i = 0; i < n->n; i++)
		ydoc_free(n->item[i]);
	free(n->item);
	free(n->text);
	free(n);
}

static int append(struct ynode *parent, struct ynode *child)
{
	struct ynode **item = realloc(parent->item, (parent->n + 1) * sizeof(*item));
	if (!item)
		return -1;
	parent->item = item;
	parent->item[parent->n++] = child;
	return 0;
}

const char *ydoc_type_name(enum ynode_type t)
{
	switch (t) {
	case Y_SCALAR:
		return "a value";
	case Y_MAP:
		return "a mapping";
	case Y_SEQ:
		return "a list";
	}
	return "?";
}

struct ynode *ydoc_get(const struct ynode *map, const char *key)
{
	if (!map || map->type != Y_MAP)
		return NULL;
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->item[i]->text, key) == 0)
			return map->item[i + 1];
	return NULL;
}

struct ynode *ydoc_scalar(const char *text, int line, int col)
{
	struct ynode *n = node_new(Y_SCALAR, line, col);
	if (n && !(n->text = strdup(text))) {
		free(n);
		return NULL;
	}
	if (n)
		n->plain = true;
	return n;
}

struct ynode *ydoc_map(int line, int col)
{
	return node_new(Y_MAP, line, col);
}

int ydoc_set(struct ynode *map, const char *key, struct ynode *value)
{
	for (size_t i = 0; i + 1 < map->n; i += 2)
		if (strcmp(map->item[i]->text, key) == 0) {
			ydoc_free(map->item[i + 1]);
			map->item[i + 1] = value;
			return 0;
		}
	struct ynode *k = ydoc_scalar(key, value->line, value->col);
	if (!k || append(map, k) < 0) {
		ydoc_free(k);
		return -1;
	}
	if (append(map, value) < 0)
		return -1;
	return 0;
}

struct ynode *ydoc_copy(const struct ynode *n)
{
	struct ynode *c = node_new(n->type, n->line, n->col);
	if (!c)
		return NULL;
	c->plain = n->plain;
	if (n->text && !(c->text = strdup(n->text)))
		goto out_free;
	for (size_t i = 0; i < n->n; i++) {
		struct ynode *ci = ydoc_copy(n->item[i]);
		if (!ci || append(c, ci) < 0) {
			ydoc_free(ci);
			goto out_free;
		}
	}
	return c;
out_free:
	ydoc_free(c);
	return NULL;
}

/* Builds the tree from parser events. */
struct builder {
	yaml_parser_t *p;
	struct ydiag *d;
};

static int next_event(struct builder *b, yaml_event_t *ev)
{
	if (!yaml_parser_parse(b->p, ev)) {
		const yaml_mark_t *m = &b->p->problem_mark;
		return fail(b->d, (int)m->line + 1, (int)m->column + 1, "invalid YAML: %s%s%s",
			    b->p->problem ? b->p->problem : "syntax error",
			    b->p->context ? " " : "", b->p->context ? b->p->context : "");
	}
	return 0;
}

static int build(struct builder *b, yaml_event_t *ev, struct ynode **out, int depth);

/* True if text opens more parentheses than it closes: in a flow
 * collection, a plain value such as normal(0, 1ms) is cut at its comma. */
static bool cut_at_comma(const char *text)
{
	int open = 0;
	for (const char *p = text; *p; p++)
		open += *p == '(' ? 1 : *p == ')' ? -1 : 0;
	return open > 0;
}

static int build_children(struct builder *b, struct ynode *n, yaml_event_type_t end, int depth,
			  bool flow)
{
	for (;;) {
		yaml_event_t ev;
		if (next_event(b, &ev) < 0)
			return -1;
		if (ev.type == end) {
			yaml_event_delete(&ev);
			return 0;
		}
		struct ynode *child = NULL;
		int rc = build(b, &ev, &child, depth + 1);
		yaml_event_delete(&ev);
		if (rc < 0)
			return -1;
		if (flow && child->type == Y_SCALAR && child->plain && cut_at_comma(child->text)) {
			fail(b->d, child->line, child->col,
			     "'%s' is cut at a comma (inside {...} or [...], YAML splits a value at "
			     "each comma): quote it, as 'normal(0, 1ms)', or write it on a line of its own",
			     child->text);
			ydoc_free(child);
			return -1;
		}
		if (n->type == Y_MAP && n->n % 2 == 0) {
			/* a key */
			if (child->type != Y_SCALAR) {
				fail(b->d, child->line, child->col, "a mapping key must be a plain name, found %s",
				     ydoc_type_name(child->type));
				ydoc_free(child);
				return -1;
			}
			if (ydoc_get(n, child->text)) {
				fail(b->d, child->line, child->col, "duplicate key '%s'", child->text);
				ydoc_free(child);
				return -1;
			}
		}
		if (append(n, child) < 0) {
			ydoc_free(child);
			return fail(b->d, 0, 0, "out of memory");
		}
	}
}

static int build(struct builder *b, yaml_event_t *ev, struct ynode **out, int depth)
{
	int line = (int)ev->start_mark.line + 1, col = (int)ev->start_mark.column + 1;
	if (depth > MAX_DEPTH)
		return fail(b->d, line, col, "nesting deeper than %d levels", MAX_DEPTH);
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		struct ynode *n = node_new(Y_SCALAR, line, col);
		if (!n)
			return fail(b->d, line, col, "out of memory");
		n->text = malloc(ev->data.scalar.length + 1);
		if (!n->text) {
			free(n);
			return fail(b->d, line, col, "out of memory");
		}
		memcpy(n->text, ev->data.scalar.value, ev->data.scalar.length);
		n->text[ev->data.scalar.length] = '\0';
		if (strlen(n->text) != ev->data.scalar.length) {
			ydoc_free(n);
			return fail(b->d, line, col, "a value contains a NUL character");
		}
		n->plain = ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
		if (ev->data.scalar.anchor) {
			ydoc_free(n);
			return fail(b->d, line, col, "anchors (&name) are not supported");
		}
		if (ev->data.scalar.tag) {
			ydoc_free(n);
			return fail_tag(b->d, line, col, ev->data.scalar.tag);
		}
		*out = n;
		return 0;
	}
	case YAML_MAPPING_START_EVENT:
	case YAML_SEQUENCE_START_EVENT: {
		bool map = ev->type == YAML_MAPPING_START_EVENT;
		if (map ? ev->data.mapping_start.anchor != NULL : ev->data.sequence_start.anchor != NULL)
			return fail(b->d, line, col, "anchors (&name) are not supported");
		const yaml_char_t *tag = map ? ev->data.mapping_start.tag : ev->data.sequence_start.tag;
		if (tag)
			return fail_tag(b->d, line, col, tag);
		struct ynode *n = node_new(map ? Y_MAP : Y_SEQ, line, col);
		if (!n)
			return fail(b->d, line, col, "out of memory");
		bool flow = map ? ev->data.mapping_start.style == YAML_FLOW_MAPPING_STYLE
				: ev->data.sequence_start.style == YAML_FLOW_SEQUENCE_STYLE;
		if (build_children(b, n, map ? YAML_MAPPING_END_EVENT : YAML_SEQUENCE_END_EVENT,
				   depth, flow) < 0) {
			ydoc_free(n);
			return -1;
		}
		*out = n;
		return 0;
	}
	case YAML_ALIAS_EVENT:
		return fail(b->d, line, col, "aliases (*name) are not supported");
	default:
		return fail(b->d, line, col, "unexpected YAML structure");
	}
}

int ydoc_parse(const char *text, size_t len, struct ynode **root, struct ydiag *d)
{
	yaml_parser_t p;
	int rc = -1;
	*root = NULL;
	memset(d, 0, sizeof(*d));
	if (!yaml_parser_initialize(&p))
		return fail(d, 0, 0, "out of memory");
	yaml_parser_set_input_string(&p, (const unsigned char *)text, len);
	struct builder b = {.p = &p, .d = d};
	yaml_event_t ev;
	/* stream start, document start */
	if (next_event(&b, &ev) < 0)
		goto out;
	yaml_event_delete(&ev);
	if (next_event(&b, &ev) < 0)
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {
		yaml_event_delete(&ev);
		rc = fail(d, 1, 1, "the file is empty: expected a scenario (a mapping with name, policies, ...)");
		goto out;
	}
	yaml_event_delete(&ev);
	if (next_event(&b, &ev) < 0)
		goto out;
	struct ynode *n = NULL;
	int brc = build(&b, &ev, &n, 0);
	yaml_event_delete(&ev);
	if (brc < 0)
		goto out;
	/* document end, then nothing but the stream end */
	if (next_event(&b, &ev) < 0) {
		ydoc_free(n);
		goto out;
	}
	yaml_event_delete(&ev);
	if (next_event(&b, &ev) < 0) {
		ydoc_free(n);
		goto out;
	}
	if (ev.type != YAML_STREAM_END_EVENT) {
		rc = fail(d, (int)ev.start_mark.line + 1, (int)ev.start_mark.column + 1,
			  "a second YAML document: a scenario file holds exactly one");
		yaml_event_delete(&ev);
		ydoc_free(n);
		goto out;
	}
	yaml_event_delete(&ev);
	*root = n;
	rc = 0;
out:
	yaml_parser_delete(&p);
	return rc;
}
