/*
 * test_language.c - the scenario language of issue 14 point 7: paired
 * sweep axes (sweep.zip, scenario.c), workload.total_rate and
 * workload.phases (schema_load.c).  The points of a zip are checked
 * against an enumeration written out here independently of the loader;
 * rates against their arithmetic; every refusal names the file, line and
 * column and what was expected; and the binary gives the same results
 * whatever -j.
 */
#include "testproc.h"

#include "sim/app/scenario.h"

static struct scenario *load(const char *text, const char *const *sets, size_t nsets,
			     struct sdiag *d)
{
	struct scenario *s = scenario_parse("t.yaml", text, strlen(text), sets, nsets, d);
	if (s && scenario_check(s, d) < 0) {
		scenario_free(s);
		return NULL;
	}
	return s;
}

static struct scenario *must_load(const char *text, const char *const *sets, size_t nsets)
{
	struct sdiag d;
	struct scenario *s = load(text, sets, nsets, &d);
	if (!s)
		fail_msg("%s", d.text);
	return s;
}

static size_t axis(const struct scenario *s, const char *name)
{
	for (size_t a = 0; a < s->naxes; a++)
		if (strcmp(s->axes[a].name, name) == 0)
			return a;
	fail_msg("no axis %s", name);
	return 0;
}

static const char zip_text[] =
	"name: z\npolicies: [lww]\nstop: {ops: 50}\n"
	"sweep:\n"
	"  skew: [0ms, 5ms]\n"
	"  zip:\n"
	"    c: [2, 4, 8]\n"
	"    k: [1, 2, 4]\n"
	"  m: [1, 3]\n"
	"workload: {clients: $c, retries: $m}\n"
	"store: {keys: $k}\n"
	"clocks: {offset: 'normal(0, $skew)'}\n";

/* The zip's points, enumerated by hand: skew slowest, then the zip as one
 * digit, then m; c and k always at the same index. */
static void test_zip_points(void **state)
{
	(void)state;
	struct scenario *s = must_load(zip_text, NULL, 0);
	static const char *const skew[] = {"0ms", "5ms"}, *const c[] = {"2", "4", "8"},
				 *const k[] = {"1", "2", "4"}, *const m[] = {"1", "3"};
	assert_int_equal(scenario_points(s), 2 * 3 * 2);
	assert_int_equal(scenario_runs(s), 12);
	uint64_t point = 0;
	for (int i = 0; i < 2; i++)
		for (int j = 0; j < 3; j++)
			for (int l = 0; l < 2; l++, point++) {
				assert_string_equal(scenario_axis_value(s, point, axis(s, "skew")), skew[i]);
				assert_string_equal(scenario_axis_value(s, point, axis(s, "c")), c[j]);
				assert_string_equal(scenario_axis_value(s, point, axis(s, "k")), k[j]);
				assert_string_equal(scenario_axis_value(s, point, axis(s, "m")), m[l]);
				struct run_spec r;
				struct sdiag d;
				if (scenario_resolve(s, point, 0, &r, &d) < 0)
					fail_msg("%s", d.text);
				assert_int_equal(r.cfg.clients, (uint32_t)atoi(c[j]));
				assert_int_equal(r.cfg.keys, (uint32_t)atoi(k[j]));
				assert_int_equal(r.cfg.retries, (uint32_t)atoi(m[l]));
				run_spec_free(&r);
			}
	scenario_free(s);
	/* two zips, written as a list: each one digit */
	struct scenario *t = must_load(
		"name: z\npolicies: [lww]\nstop: {ops: 5}\nsweep:\n  zip:\n"
		"    - {a: [1, 2], b: [3, 4]}\n    - {x: [5, 6, 7], y: [8, 9, 10]}\n"
		"workload: {clients: $a, retries: $b}\nstore: {keys: $x}\nnetwork: {latency: '${y}ms'}\n",
		NULL, 0);
	assert_int_equal(scenario_points(t), 6);
	for (uint64_t p = 0; p < 6; p++) {
		int ab = (int)(p / 3), xy = (int)(p % 3);
		char want[8];
		snprintf(want, sizeof(want), "%d", 1 + ab);
		assert_string_equal(scenario_axis_value(t, p, axis(t, "a")), want);
		snprintf(want, sizeof(want), "%d", 3 + ab);
		assert_string_equal(scenario_axis_value(t, p, axis(t, "b")), want);
		snprintf(want, sizeof(want), "%d", 5 + xy);
		assert_string_equal(scenario_axis_value(t, p, axis(t, "x")), want);
		snprintf(want, sizeof(want), "%d", 8 + xy);
		assert_string_equal(scenario_axis_value(t, p, axis(t, "y")), want);
	}
	scenario_free(t);
	/* without zip, nothing changes: an axis alone is its own digit */
	struct scenario *u = must_load("name: z\npolicies: [lww]\nsweep: {a: [1, 2], b: [3, 4, 5]}\n"
				       "workload: {clients: $a, retries: $b}\n",
				       NULL, 0);
	assert_int_equal(scenario_points(u), 6);
	assert_string_equal(scenario_axis_value(u, 4, 0), "2");
	assert_string_equal(scenario_axis_value(u, 4, 1), "4");
	scenario_free(u);
}

/* --set replaces a zipped axis's values; its partners must keep up. */
static void test_zip_set(void **state)
{
	(void)state;
	const char *ok[] = {"c=[3, 5, 7]"};
	struct scenario *s = must_load(zip_text, ok, 1);
	assert_int_equal(scenario_points(s), 12);
	assert_string_equal(scenario_axis_value(s, 2, axis(s, "c")), "5");
	assert_string_equal(scenario_axis_value(s, 2, axis(s, "k")), "2");
	scenario_free(s);
	const char *short_list[] = {"c=[3, 5]"};
	struct sdiag d;
	assert_null(load(zip_text, short_list, 1, &d));
	assert_non_null(strstr(d.text, "sweep: zip: k has 3 values and c has 2"));
}

struct bad {
	const char *text;
	int line, col;
	const char *want;
};

#define HEAD "name: t\npolicies: [lww]\nstop: {ops: 10}\n"
#define OPEN HEAD "workload:\n  arrival: open\n"

static const struct bad bad[] = {
	/* zip */
	{HEAD "sweep:\n  zip: {a: [1, 2]}\nworkload: {clients: $a}\n", 5, 8, "sweep: zip: needs at least two axes"},
	{HEAD "sweep:\n  zip: {a: [1, 2], b: [1, 2, 3]}\nworkload: {clients: $a, retries: $b}\n", 5, 20,
	 "sweep: zip: b has 3 values and a has 2"},
	{HEAD "sweep:\n  zip: {a: [1, 2], b: [5, 5], zip: {c: [1], d: [2]}}\nworkload: {clients: $a}\n", 5,
	 31, "a zip cannot hold another"},
	{HEAD "sweep:\n  zip: {a: [1, 2, 1], b: [5, 6, 5]}\nworkload: {clients: $a, retries: $b}\n", 5, 19,
	 "the values at position 3 repeat those at position 1"},
	{HEAD "sweep:\n  a: [1, 2]\n  zip: {a: [3, 4], b: [5, 6]}\nworkload: {clients: $a, retries: $b}\n", 6,
	 9, "the axis 'a' is defined twice (line 5)"},
	{HEAD "sweep:\n  zip: [{a: [1, 2], b: [1, 2]}, 7]\nworkload: {clients: $a, retries: $b}\n", 5, 33,
	 "sweep: zip: expected a mapping of names to lists taken together"},
	/* total_rate */
	{OPEN "  rate: 5/s\n  total_rate: 100/s\n", 6, 9, "write one of rate (each client's) and total_rate"},
	{HEAD "workload: {total_rate: 100/s}\n", 4, 24, "workload.total_rate: only open-loop clients have a rate"},
	{OPEN "  clients: 1\n  total_rate: 1e11/s\n", 7, 15,
	 "1e+11/s over 1 clients is 1e+11/s a client, and a client's rate must be between 1e-06/s and 1e+09/s"},
	{OPEN "  total_rate: 2e12/s\n", 6, 15, "a rate must be at least 1e-06/s and at most 1e12/s"},
	/* phases */
	{OPEN "  phases: [{rate: 5/s}]\n", 6, 12, "workload.phases[0]: a phase needs 'for'"},
	{OPEN "  phases: [{for: 1s}]\n", 6, 12, "a phase needs one of 'rate' (of each client) and 'total_rate'"},
	{OPEN "  phases: [{for: 1s, rate: 1/s, total_rate: 9/s}]\n", 6, 12, "(of all clients together), not both"},
	{OPEN "  phases: [{for: 1s, rate: 0/s}, {for: 2s, total_rate: 0/s}]\n", 6, 11,
	 "every phase has rate 0: no operation would be issued"},
	{OPEN "  phases: [{for: 0s, rate: 1/s}]\n", 6, 18, "workload.phases[0].for: must be between 1ns and"},
	{OPEN "  phases: [{for: 1s, rate: 1e-9/s}]\n", 6, 28, "a rate is 0 or at least 1e-06/s"},
	{OPEN "  phases: []\n", 6, 11, "expected 1 to 32 phases, found 0"},
	{OPEN "  phases: {for: 1s, rate: 1/s}\n", 6, 11, "expected a list of phases"},
	{OPEN "  rate: 5/s\n  phases: [{for: 1s, rate: 1/s}]\n", 6, 9, "workload.rate: not used with phases"},
	{HEAD "workload: {phases: [{for: 1s, rate: 1/s}]}\n", 4, 20, "workload.phases: only open-loop clients"},
	{OPEN "  phases: [{for: 1s, rate: 1/s, ramp: 2}]\n", 6, 33, "unknown key 'ramp' in workload.phases[0]"},
	{OPEN "  clients: 2\n  phases: [{for: 1s, total_rate: 1e10/s}]\n", 7, 34,
	 "workload.phases[0].total_rate: 1e+10/s over 2 clients is 5e+09/s a client"},
};

static void test_refusals(void **state)
{
	(void)state;
	int failures = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sdiag d;
		struct scenario *s = load(bad[i].text, NULL, 0, &d);
		if (s) {
			scenario_free(s);
			print_error("case %zu should fail (%s)\n", i, bad[i].want);
			failures++;
			continue;
		}
		char where[32];
		snprintf(where, sizeof(where), "t.yaml:%d:%d: ", bad[i].line, bad[i].col);
		if (!strstr(d.text, bad[i].want) || strncmp(d.text, where, strlen(where)) != 0) {
			print_error("case %zu: message\n  %s\nwanted at %s\n  %s\n", i, d.text, where, bad[i].want);
			failures++;
		}
	}
	if (failures)
		fail_msg("%d scenarios were not refused as expected", failures);
}

/* total_rate is split over the clients at each point; phases keep their
 * boundaries and split their totals. */
static void test_rates(void **state)
{
	(void)state;
	struct scenario *s = must_load(HEAD "sweep: {n: [1, 4, 16]}\n"
				       "workload: {arrival: open, clients: $n, total_rate: 800/s}\n",
				       NULL, 0);
	static const double per[] = {800, 200, 50};
	for (uint64_t p = 0; p < 3; p++) {
		struct run_spec r;
		struct sdiag d;
		if (scenario_resolve(s, p, 0, &r, &d) < 0)
			fail_msg("%s", d.text);
		check_near(r.cfg.rate, per[p], 0, "rate of each client");
		check_near(r.cfg.total_rate, 800, 0, "total");
		struct strbuf b;
		sb_init(&b);
		scenario_params_json(s, &r, 0, &b);
		assert_non_null(strstr(b.s, "\"total_rate\":\"800/s\""));
		assert_null(strstr(b.s, "\"phases\""));
		sb_free(&b);
		run_spec_free(&r);
	}
	scenario_free(s);
	s = must_load(OPEN "  clients: 4\n  phases:\n    - {for: 10s, rate: 5/s}\n"
			   "    - {for: 500ms, total_rate: 1000/s}\n    - {for: 2s, rate: 0/s}\n",
		      NULL, 0);
	struct run_spec r;
	struct sdiag d;
	if (scenario_resolve(s, 0, 0, &r, &d) < 0)
		fail_msg("%s", d.text);
	assert_int_equal(r.cfg.nphases, 3);
	assert_int_equal(r.cfg.phases[0].end, 10 * KERNEL_S);
	assert_int_equal(r.cfg.phases[1].end, 10 * KERNEL_S + 500 * KERNEL_MS);
	assert_int_equal(r.cfg.phases[2].end, 12 * KERNEL_S + 500 * KERNEL_MS);
	check_near(r.cfg.phases[0].rate, 5, 0, "phase 0");
	check_near(r.cfg.phases[1].rate, 250, 0, "phase 1: 1000/s over 4 clients");
	check_near(r.cfg.phases[2].rate, 0, 0, "phase 2");
	struct strbuf b;
	sb_init(&b);
	scenario_params_json(s, &r, 0, &b);
	assert_non_null(strstr(b.s, "\"phases\":[{\"for\":\"10s\",\"rate\":\"5/s\"},{\"for\":\"500ms\","
				    "\"total_rate\":\"1000/s\"},{\"for\":\"2s\",\"rate\":\"0/s\"}]"));
	assert_null(strstr(b.s, "\"total_rate\":\"0"));
	sb_free(&b);
	run_spec_free(&r);
	scenario_free(s);
	/* a scenario without them: their names are not in its identity */
	s = must_load(HEAD "workload: {arrival: open, rate: 50/s}\n", NULL, 0);
	if (scenario_resolve(s, 0, 0, &r, &d) < 0)
		fail_msg("%s", d.text);
	sb_init(&b);
	scenario_params_json(s, &r, 0, &b);
	assert_null(strstr(b.s, "total_rate"));
	assert_null(strstr(b.s, "phases"));
	sb_free(&b);
	run_spec_free(&r);
	scenario_free(s);
}

/* Through the binary: a zip with phases, the same results with -j 1 and
 * -j 2, and the zip's run_params. */
static void test_binary_any_j(void **state)
{
	(void)state;
	tp_write("zp.yaml",
		 "name: zp\nreplications: 2\npolicies: [lww, version]\nstop: {time: 3s}\n"
		 "sweep:\n  zip:\n    n: [2, 4]\n    total: [400/s, 800/s]\n"
		 "workload:\n  arrival: open\n  clients: $n\n  phases:\n"
		 "    - {for: 1s, total_rate: $total}\n    - {for: 1s, rate: 0/s}\n    - {for: 1s, rate: 50/s}\n");
	const char *check[] = {"check", tp_path("zp.yaml"), NULL};
	assert_int_equal(tp_run(NULL, check), 0);
	assert_non_null(strstr(tp_output("out.txt"), "2 points x 2 policies x 2 replications = 8 runs"));
	const char *j1[] = {"run", tp_path("zp.yaml"), "-o", tp_path("j1.db"), "-j", "1", NULL};
	const char *j2[] = {"run", tp_path("zp.yaml"), "-o", tp_path("j2.db"), "-j", "2", NULL};
	assert_int_equal(tp_run(NULL, j1), 0);
	assert_int_equal(tp_run(NULL, j2), 0);
	sqlite3 *a = tp_open_db("j1.db");
	char attach[600];
	snprintf(attach, sizeof(attach), "ATTACH '%s' AS b", tp_path("j2.db"));
	assert_int_equal(sqlite3_exec(a, attach, NULL, NULL, NULL), SQLITE_OK);
	assert_int_equal(tp_query(a, "SELECT count(*) FROM metrics"), tp_query(a, "SELECT count(*) FROM b.metrics"));
	assert_int_equal(tp_query(a, "SELECT count(*) FROM metrics m JOIN b.metrics n USING (run_id, name) "
				     "WHERE m.name <> 'wall_s' AND m.value IS NOT n.value"),
			 0);
	assert_int_equal(tp_query(a, "SELECT count(*) FROM runs r JOIN b.runs s USING (id) WHERE r.params <> s.params"), 0);
	/* the zip's axes go together: n 2 with 400/s, n 4 with 800/s */
	assert_int_equal(tp_query(a, "SELECT count(*) FROM run_params p JOIN run_params q USING (run_id) "
				     "WHERE p.name = 'n' AND q.name = 'total' AND q.value <> p.value * 200"),
			 0);
	assert_true(tp_query(a, "SELECT sum(value) FROM metrics WHERE name = 'ops'") > 0);
	sqlite3_close(a);
	/* no arrival in the pause: no operation issued between 1 and 2 s, and
	 * some after it (the third phase) */
	const char *rec[] = {"run", tp_path("zp.yaml"), "-o", tp_path("rec.db"), "--record", "ops", NULL};
	assert_int_equal(tp_run(NULL, rec), 0);
	sqlite3 *r = tp_open_db("rec.db");
	assert_int_equal(tp_query(r, "SELECT count(*) FROM ops WHERE start_ms >= 1000 AND start_ms < 2000"), 0);
	assert_true(tp_query(r, "SELECT count(*) FROM ops WHERE start_ms >= 2000") > 0);
	sqlite3_close(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_zip_points),
		cmocka_unit_test(test_zip_set),
		cmocka_unit_test(test_refusals),
		cmocka_unit_test(test_rates),
		cmocka_unit_test(test_binary_any_j),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
