/*
 * test_schema.c - the scenario schema's tables against what depends on
 * them: the reference tables in docs/scenarios.md (generated from the
 * tables, so they must be what the tables say now), the run's identity
 * (every key and every option in the parameters JSON), and the defaults
 * (every one parses, and config_defaults agrees with the tables).
 */
#include "testutil.h"

#include <sqlite3.h>

#include "sim/app/scenario.h"
#include "sim/app/schema.h"
#include "sim/app/schemadoc.h"

static char *slurp(const char *path)
{
	struct strbuf b;
	sb_init(&b);
	if (sb_read_file(&b, path, 0) < 0)
		fail_msg("cannot read %s", path);
	return b.s;
}

/* docs/scenarios.md holds exactly the tables the code generates. */
static void test_docs_match_tables(void **state)
{
	(void)state;
	char *text = slurp("docs/scenarios.md");
	struct strbuf out;
	sb_init(&out);
	char err[256];
	if (schemadoc_update(text, &out, err, sizeof(err)) < 0)
		fail_msg("docs/scenarios.md: %s", err);
	if (strcmp(text, out.s) != 0) {
		/* show the first differing line */
		const char *a = text, *b = out.s;
		int line = 1;
		while (*a && *a == *b) {
			line += *a == '\n';
			a++;
			b++;
		}
		fail_msg("docs/scenarios.md:%d differs from the tables it documents: run make docs\n"
			 "  docs: %.100s\n  code: %.100s",
			 line, a, b);
	}
	/* every block the generator knows is in the document */
	const char *expected[] = {"keys top",	  "keys stop",	  "keys store",	  "keys workload",
				  "keys script",  "keys phases",  "keys network", "keys clocks",
				  "keys cluster",
				  "metrics general"};
	for (size_t i = 0; i < sizeof(expected) / sizeof(expected[0]); i++) {
		char marker[96];
		snprintf(marker, sizeof(marker), "<!-- generated: %s -->", expected[i]);
		if (!strstr(text, marker))
			fail_msg("docs/scenarios.md has no generated table '%s'", expected[i]);
	}
	for (size_t i = 0; i < registry_count(); i++) {
		const struct policy *p = registry_at(i);
		char marker[96];
		snprintf(marker, sizeof(marker), "<!-- generated: options %s -->", p->name);
		if (p->options && !strstr(text, marker))
			fail_msg("docs/scenarios.md does not document the options of %s", p->name);
		snprintf(marker, sizeof(marker), "<!-- generated: metrics %s -->", p->name);
		if (p->metrics && !strstr(text, marker))
			fail_msg("docs/scenarios.md does not document the metrics of %s", p->name);
	}
	for (size_t i = 0; i < registry_repl_count(); i++) {
		const struct repl *r = registry_repl_at(i);
		char marker[96];
		snprintf(marker, sizeof(marker), "<!-- generated: options %s -->", r->name);
		if (r->options && !strstr(text, marker))
			fail_msg("docs/scenarios.md does not document the options of %s", r->name);
	}
	free(text);
	sb_free(&out);
}

/* Every entry of every table says what it means; every default parses
 * (a default is applied without the range check, so it may be a value a
 * user cannot write, such as 0 for "no limit", but never one that does not
 * parse). */
static void check_table(const struct field *t, const char *where)
{
	for (const struct field *f = t; f && f->name; f++) {
		if (!f->help || !f->help[0])
			fail_msg("%s.%s has no meaning to document", where, f->name);
		if (f->type == FT_MAP) {
			check_table(f->sub, f->name);
			continue;
		}
		if (f->def && f->type != FT_CUSTOM) {
			unsigned char buf[512];
			struct field one[2] = {*f, {0}};
			one[0].offset = 0;
			if (field_defaults(one, buf) < 0)
				fail_msg("%s.%s: default '%s' does not parse", where, f->name, f->def);
		}
	}
}

static void test_tables(void **state)
{
	(void)state;
	check_table(schema_top, "scenario");
	check_table(schema_script_fields, "workload.script[]");
	for (size_t i = 0; i < registry_count(); i++)
		check_table(registry_at(i)->options, registry_at(i)->name);
	for (size_t i = 0; i < registry_repl_count(); i++)
		check_table(registry_repl_at(i)->options, registry_repl_at(i)->name);
	/* config_defaults is the tables' defaults: spot checks against them */
	struct run_config c;
	config_defaults(&c);
	assert_int_equal(c.keys, 16);
	assert_int_equal(c.clients, 8);
	assert_int_equal(c.stop_ops, 10000);
	assert_int_equal(c.timeout, KERNEL_S);
	check_near(c.mix[OP_INCR], 1, 0, "mix incr");
	assert_int_equal(c.think.kind, DIST_EXP);
	check_near(c.think.a, 10 * KERNEL_MS, 0, "think mean");
	assert_string_equal(c.repl->name, "none");
}

/* The run's identity names every key of every table (leaf entries of the
 * resolved sections, and every option of the policy): a key added to a
 * table can never be missing from it.  An entry that is left out when not
 * written (schema_custom.is_set) is there exactly when it is written; *seen
 * counts those found written. */
static void check_json_has(const char *json, const struct field *t, const char *path,
			   const struct run_config *cfg, int *seen)
{
	for (const struct field *f = t; f && f->name; f++) {
		const struct schema_custom *h = schema_custom_of(f);
		if (h && !h->json)
			continue; /* read once at load: not per run */
		char p[200];
		snprintf(p, sizeof(p), "%s.\"%s\"", path, f->name);
		if (f->type == FT_MAP) {
			check_json_has(json, f->sub, p, cfg, seen);
			continue;
		}
		/* the JSON path, checked with SQLite's json_extract */
		sqlite3 *db;
		sqlite3_open(":memory:", &db);
		sqlite3_stmt *st;
		sqlite3_prepare_v2(db, "SELECT json_type(?, ?)", -1, &st, NULL);
		sqlite3_bind_text(st, 1, json, -1, SQLITE_STATIC);
		sqlite3_bind_text(st, 2, p, -1, SQLITE_STATIC);
		bool found = sqlite3_step(st) == SQLITE_ROW && sqlite3_column_type(st, 0) != SQLITE_NULL;
		sqlite3_finalize(st);
		sqlite3_close(db);
		bool want = !(h && h->is_set) || h->is_set(cfg);
		if (found != want)
			fail_msg("the run's parameters %s %s", found ? "have" : "have no", p);
		if (h && h->is_set && found)
			(*seen)++;
	}
}

static void test_identity_complete(void **state)
{
	(void)state;
	/* the defaults, then each key that is left out unless written */
	const char *texts[] = {
		"name: t\npolicies: [siblings, lock]\n",
		"name: t\npolicies: [siblings, lock]\nworkload: {arrival: open, total_rate: 800/s}\n",
		"name: t\npolicies: [siblings, lock]\nworkload: {arrival: open, phases: [{for: 1s, rate: 5/s}]}\n",
	};
	int seen = 0;
	for (size_t t = 0; t < sizeof(texts) / sizeof(texts[0]); t++)
		for (size_t k = 0; k < 2; k++) {
			struct sdiag d;
			struct scenario *s = scenario_parse("t.yaml", texts[t], strlen(texts[t]), NULL, 0, &d);
			if (!s)
				fail_msg("%s", d.text);
			struct run_spec r;
			if (scenario_resolve(s, 0, k, &r, &d) < 0)
				fail_msg("%s", d.text);
			struct strbuf b;
			sb_init(&b);
			scenario_params_json(s, &r, 0, &b);
			check_json_has(b.s, schema_top, "$", &r.cfg, &seen);
			check_json_has(b.s, r.cfg.policy->options, "$.policy.options", &r.cfg, &seen);
			sb_free(&b);
			run_spec_free(&r);
			scenario_free(s);
		}
	assert_int_equal(seen, 2 * 2); /* total_rate and phases, each under two policies */
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_docs_match_tables),
		cmocka_unit_test(test_tables),
		cmocka_unit_test(test_identity_complete),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
