/*
 * schemadoc.c - markdown reference tables from field and metric tables.
 * See schemadoc.h.
 */
#include "sim/app/schemadoc.h"

#include <stdio.h>
#include <string.h>

#include "sim/app/runner.h"
#include "sim/app/schema.h"

#define BEGIN "<!-- generated: "
#define END "<!-- end generated -->"

/* "`a`, `b` or `c`" from "a|b|c". */
static void choices_code(const char *choices, struct strbuf *b)
{
	size_t n = 1;
	for (const char *c = choices; *c; c++)
		n += *c == '|';
	size_t k = 0;
	for (const char *c = choices; *c; k++) {
		const char *bar = strchr(c, '|');
		size_t len = bar ? (size_t)(bar - c) : strlen(c);
		sb_printf(b, "%s`%.*s`", k == 0 ? "" : k + 1 == n ? " or " : ", ", (int)len, c);
		if (!bar)
			break;
		c = bar + 1;
	}
}

static void type_cell(const struct field *f, struct strbuf *b)
{
	const struct schema_custom *h = schema_custom_of(f);
	if (f->type == FT_ENUM)
		choices_code(f->choices, b);
	else if (f->type == FT_BOOL)
		sb_puts(b, "`true` or `false`");
	else if (h)
		sb_puts(b, h->type);
	else
		sb_puts(b, field_type_text(f));
}

static void default_cell(const struct field *f, struct strbuf *b)
{
	if (f->def_doc)
		sb_puts(b, f->def_doc);
	else if (f->def)
		sb_printf(b, "`%s`", f->def);
	else
		sb_puts(b, "none");
}

static void range_cell(const struct field *f, struct strbuf *b)
{
	char range[200];
	if (f->type == FT_ENUM || f->type == FT_BOOL || (f->type == FT_CUSTOM && !f->range)) {
		range[0] = '\0';
		if (f->range)
			snprintf(range, sizeof(range), "%s", f->range);
	} else {
		field_range_text(f, range, sizeof(range));
	}
	sb_puts(b, range);
}

/* The rows of a scenario table, paths prefixed; nested tables follow
 * their entry. */
static void key_rows(const struct field *table, const char *prefix, struct strbuf *b)
{
	for (const struct field *f = table; f && f->name; f++) {
		char path[160];
		snprintf(path, sizeof(path), "%s%s%s", prefix, prefix[0] ? "." : "", f->name);
		if (f->type == FT_MAP && prefix[0]) {
			key_rows(f->sub, path, b);
			continue;
		}
		sb_printf(b, "| `%s` | ", path);
		type_cell(f, b);
		sb_puts(b, " | ");
		default_cell(f, b);
		sb_puts(b, " |");
		size_t before = b->len;
		sb_puts(b, " ");
		range_cell(f, b);
		if (b->len == before + 1)
			b->len = before; /* an empty cell: "| |" */
		sb_printf(b, " | %s |\n", f->help ? f->help : "");
	}
}

static int keys_table(const char *section, struct strbuf *b)
{
	const struct field *table = NULL;
	const char *prefix = section;
	if (strcmp(section, "top") == 0) {
		table = schema_top;
		prefix = "";
	} else if (strcmp(section, "script") == 0) {
		table = schema_script_fields;
		prefix = "";
	} else if (strcmp(section, "phases") == 0) {
		table = schema_phase_fields;
		prefix = "";
	} else if (strcmp(section, "faults") == 0) {
		table = schema_faults_custom.sub; /* the settings of one entry */
		prefix = "";
	} else {
		const struct field *f = field_find(schema_top, section);
		if (!f)
			return -1;
		const struct schema_custom *h = schema_custom_of(f);
		table = f->type == FT_MAP ? f->sub : h ? h->sub : NULL;
		if (!table)
			return -1;
	}
	sb_puts(b, "| key | type | default | range | meaning |\n|---|---|---|---|---|\n");
	key_rows(table, prefix, b);
	return 0;
}

/* A policy's or a strategy's options: | option | values | default | meaning |. */
static void options_table(const struct field *options, struct strbuf *b)
{
	sb_puts(b, "| option | values | default | meaning |\n|---|---|---|---|\n");
	for (const struct field *f = options; f && f->name; f++) {
		sb_printf(b, "| `%s` | ", f->name);
		type_cell(f, b);
		char range[200] = "";
		if (f->type != FT_ENUM && f->type != FT_BOOL)
			field_range_text(f, range, sizeof(range));
		if (range[0])
			sb_printf(b, ", %s", range);
		sb_puts(b, " | ");
		default_cell(f, b);
		sb_printf(b, " | %s |\n", f->help ? f->help : "");
	}
}

static void metrics_table(const struct metric_info *table, struct strbuf *b)
{
	sb_puts(b, "| name | unit | meaning |\n|---|---|---|\n");
	for (const struct metric_info *m = table; m && m->name; m++)
		sb_printf(b, "| `%s` | %s | %s |\n", m->name, m->unit[0] ? m->unit : "-", m->meaning);
}

int schemadoc_table(const char *what, struct strbuf *out)
{
	if (strncmp(what, "keys ", 5) == 0)
		return keys_table(what + 5, out);
	if (strncmp(what, "options ", 8) == 0) {
		const struct policy *p = registry_find(what + 8);
		const struct repl *r = registry_repl_find(what + 8);
		if (!p && !r)
			return -1;
		options_table(p ? p->options : r->options, out);
		return 0;
	}
	if (strncmp(what, "metrics ", 8) == 0) {
		const char *owner = what + 8;
		const struct policy *p = registry_find(owner);
		const struct repl *r = registry_repl_find(owner);
		if (strcmp(owner, "general") == 0)
			metrics_table(run_metrics, out);
		else if (p)
			metrics_table(p->metrics, out);
		else if (r)
			metrics_table(r->metrics, out);
		else
			return -1;
		return 0;
	}
	return -1;
}

int schemadoc_update(const char *text, struct strbuf *out, char *err, size_t n)
{
	const char *p = text;
	for (;;) {
		const char *begin = strstr(p, BEGIN);
		if (!begin) {
			sb_puts(out, p);
			return 0;
		}
		const char *eol = strchr(begin, '\n');
		const char *close = strstr(begin, " -->");
		if (!eol || !close || close > eol) {
			snprintf(err, n, "a '%s' line without its closing ' -->'", BEGIN);
			return -1;
		}
		sb_putn(out, p, (size_t)(eol + 1 - p));
		char what[128];
		snprintf(what, sizeof(what), "%.*s", (int)(close - begin - strlen(BEGIN)),
			 begin + strlen(BEGIN));
		const char *end = strstr(eol, END);
		if (!end) {
			snprintf(err, n, "generated block '%s' has no '%s'", what, END);
			return -1;
		}
		if (schemadoc_table(what, out) < 0) {
			snprintf(err, n, "generated block '%s' names no table", what);
			return -1;
		}
		p = end;
	}
}
