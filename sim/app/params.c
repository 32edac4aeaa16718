/*
 * params.c - a run's fully resolved parameters as JSON: its identity in a
 * results database.  Every section is printed from its schema table (and
 * every option from its policy's or strategy's table), in table order, so
 * no key can be missing from a run's identity.
 */
#include <stdio.h>

#include "sim/app/scenario.h"
#include "sim/app/schema.h"
#include "sim/core/units.h"

/* Appends an entry's value: counts and numbers as JSON numbers, anything
 * else as the string a scenario would write. */
static void json_value(const struct field *f, const void *base, struct strbuf *b)
{
	char buf[128];
	field_format(f, base, buf, sizeof(buf));
	if (f->type == FT_U32 || f->type == FT_U64 || f->type == FT_COUNT || f->type == FT_NUMBER)
		sb_puts(b, buf);
	else
		sb_json_string(b, buf);
}

/* Appends {"name":value,...} for a table. */
static void json_table(const struct field *table, const struct run_config *cfg, const void *base,
		       struct strbuf *b)
{
	bool first = true;
	sb_puts(b, "{");
	for (const struct field *f = table; f && f->name; f++) {
		const struct schema_custom *h = schema_custom_of(f);
		if (h && (!h->json || (h->is_set && !h->is_set(cfg))))
			continue;
		if (f->type == FT_CUSTOM && f->custom == NULL)
			continue;
		sb_puts(b, first ? "" : ",");
		first = false;
		sb_json_string(b, f->name);
		sb_puts(b, ":");
		if (f->type == FT_MAP)
			json_table(f->sub, cfg, base, b);
		else if (h)
			h->json(cfg, b);
		else
			json_value(f, base, b);
	}
	sb_puts(b, "}");
}

void params_parts_init(struct params_parts *p)
{
	sb_init(&p->head);
	sb_init(&p->tail);
	p->seed = 0;
}

void params_parts_free(struct params_parts *p)
{
	sb_free(&p->head);
	sb_free(&p->tail);
}

void params_parts_fill(struct params_parts *p, const struct scenario *s, const struct run_spec *r)
{
	const struct run_config *c = &r->cfg;
	struct strbuf *b = &p->head;
	sb_reset(b);
	sb_reset(&p->tail);
	b->failed = p->tail.failed = false; /* a failure of an earlier fill is over */
	p->seed = c->seed;
	sb_puts(b, "{\"scenario\":");
	sb_json_string(b, s->name);
	sb_puts(b, ",\"sweep\":{");
	for (size_t a = 0; a < s->naxes; a++) {
		if (a)
			sb_puts(b, ",");
		sb_json_string(b, s->axes[a].name);
		sb_puts(b, ":");
		sb_json_string(b, scenario_axis_value(s, r->point, a));
	}
	sb_puts(b, "}");
	b = &p->tail;
	sb_puts(b, ",\"policy\":{\"name\":");
	sb_json_string(b, c->policy->name);
	sb_puts(b, ",\"label\":");
	sb_json_string(b, r->label);
	sb_puts(b, ",\"options\":");
	json_table(c->policy->options, c, c->popts.bytes, b);
	sb_puts(b, "}");
	/* the sections, from the top-level table: the run's identity */
	struct strbuf rest;
	sb_init(&rest);
	json_table(schema_top, c, c, &rest);
	if (rest.s && rest.len > 2) {
		sb_puts(b, ",");
		sb_putn(b, rest.s + 1, rest.len - 1); /* without its opening brace */
	} else {
		sb_puts(b, "}");
	}
	if (rest.failed)
		b->failed = true;
	sb_free(&rest);
}

void params_parts_json(const struct params_parts *p, uint64_t replication, struct strbuf *b)
{
	if (p->head.failed || p->tail.failed) {
		b->failed = true;
		return;
	}
	sb_putn(b, p->head.s, p->head.len);
	sb_printf(b, ",\"replication\":%llu,\"seed\":%llu", (unsigned long long)replication,
		  (unsigned long long)(p->seed + replication));
	sb_putn(b, p->tail.s, p->tail.len);
}

void scenario_params_json(const struct scenario *s, const struct run_spec *r,
			  uint64_t replication, struct strbuf *b)
{
	struct params_parts p;
	params_parts_init(&p);
	params_parts_fill(&p, s, r);
	params_parts_json(&p, replication, b);
	params_parts_free(&p);
}
