/*
 * test_scenario.c - the scenario loader: malformed files and their
 * messages, sweep expansion, substitution, --set, parameters, and every
 * scenario shipped in scenarios/.
 */
#include "testutil.h"

#include <dirent.h>
#include <sys/stat.h>
#include <sqlite3.h>

#include "sim/app/scenario.h"

/* Loads text and resolves every point (what `clobber check` does). */
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

struct bad_case {
	const char *text;
	int line;	  /* the line the message must name */
	int col;	  /* and the column (0: not checked) */
	const char *want; /* a fragment the message must contain (NULL: it loads) */
};

#define HEAD "name: t\npolicies: [lww]\nstop: {ops: 100}\n"

static const struct bad_case bad[] = {
	/* unknown keys, with suggestions */
	{HEAD "workloads: {clients: 2}\n", 4, 1, "unknown key 'workloads'; did you mean 'workload'?"},
	{HEAD "workload:\n  clints: 4\n", 5, 3, "unknown key 'clints' in workload; did you mean 'clients'?"},
	{HEAD "clocks: {offest: 1ms}\n", 4, 10, "did you mean 'offset'?"},
	{HEAD "workload: {mix: {inc: 1}}\n", 4, 18, "unknown operation kind 'inc'; did you mean 'incr'?"},
	/* types */
	{HEAD "workload: {clients: many}\n", 4, 21, "workload.clients: expected a non-negative whole number"},
	{HEAD "workload: [clients, 2]\n", 4, 11, "workload: expected a mapping"},
	{HEAD "store: {keys: [1, 2]}\n", 4, 15, "store.keys: expected a whole number, found a list"},
	{HEAD "workload: {rate: 100}\n", 4, 21, "expected '/s'"},
	/* ranges */
	{HEAD "workload: {clients: 0}\n", 4, 21, "must be between 1 and 1000000, found '0'"},
	{HEAD "workload: {timeout: -1s}\n", 4, 21, "must be between 0 and"},
	{HEAD "replications: 0\n", 4, 15, "replications: must be between 1 and 10000"},
	{HEAD "workload: {key: zipf(-1)}\n", 4, 17, "zipf exponent must be in [0, 100]"},
	{HEAD "network: {latency: 'uniform(5ms, 1ms)'}\n", 4, 29, "uniform(a, b) needs a <= b"},
	{HEAD "network: {latency: normal(1ms, 1ms)}\n", 4, 20, "YAML splits a value at each comma): quote it"},
	{HEAD "network: {latency: -2ms}\n", 4, 20, "must not be negative"},
	{HEAD "warmup: 1s\nstop: {time: 1s}\n", 0, 0, "duplicate key 'stop'"},
	{"name: t\npolicies: [lww]\nstop: {time: 1s}\nwarmup: 2s\n", 4, 9,
	 "warmup must be shorter than stop.time"},
	/* distributions and units */
	{HEAD "network: {latency: gauss(1ms)}\n", 4, 20, "unknown distribution 'gauss'"},
	{HEAD "network: {latency: exp(5)}\n", 4, 25, "'5' needs a unit: ns, us, ms or s"},
	{HEAD "workload: {think: 'lognormal(1ms, 2ms)'}\n", 4, 35, "expected a plain number without a unit"},
	/* policies */
	{"name: t\npolicies: [lwww]\nstop: {ops: 1}\n", 2, 12, "unknown policy 'lwww'; did you mean 'lww'?"},
	{"name: t\npolicies:\n  - lock: {mod: wait}\nstop: {ops: 1}\n", 3, 12,
	 "lock has no option 'mod'; its options are mode, lease, fencing, scope, at; did you mean 'mode'?"},
	{"name: t\npolicies:\n  - lock: {mode: sleep}\nstop: {ops: 1}\n", 3, 18,
	 "mode must be one of wait or fail, found 'sleep'"},
	{"name: t\npolicies: [lww, lww]\nstop: {ops: 1}\n", 2, 17, "two entries are labelled 'lww'"},
	{"name: t\npolicies: []\nstop: {ops: 1}\n", 2, 11, "policies: the list is empty"},
	{"name: t\nstop: {ops: 1}\n", 1, 1, "a scenario needs 'policies'"},
	{"name: t\npolicies:\n  - siblings: {prune: {small: 60}}\nstop: {ops: 1}\n", 3, 5,
	 "prune.big (50) must be at least prune.small (60)"},
	{"name: t\npolicies:\n  - lock: {lease: 0}\nstop: {ops: 1}\n", 3, 19, "lease must be between"},
	/* substitution and sweeps */
	{HEAD "workload: {clients: $clients}\n", 4, 21, "undefined sweep name '$clients': the scenario has no sweep"},
	{HEAD "sweep: {skew: [1ms]}\nclocks: {offset: 'normal(0, $skw)'}\n", 5, 29,
	 "undefined sweep name '$skw'; did you mean 'skew'?"},
	{HEAD "sweep: {skew: [1ms], x: [1]}\nclocks: {offset: 'normal(0, $skew)'}\n", 4, 22,
	 "sweep: 'x' is never used"},
	{HEAD "seed: $c\nsweep: {c: [1, 2]}\nworkload: {clients: $c}\n", 4, 7,
	 "seed: sweep names are not substituted here"},
	{HEAD "replications: '${c}'\nsweep: {c: [1, 2]}\nworkload: {clients: $c}\n", 4, 16,
	 "replications: sweep names are not substituted here"},
	{HEAD "sweep: {skew: 5ms}\n", 4, 15, "sweep: skew: expected a list of values, such as [5ms]"},
	{HEAD "sweep: {skew: []}\n", 4, 15, "the list is empty"},
	{HEAD "sweep: {1x: [1]}\n", 4, 9, "'1x' is not a valid name"},
	{HEAD "sweep: {c: [2, 0]}\nworkload: {clients: $c}\n", 5, 21,
	 "workload.clients: must be between 1 and 1000000, found '0' (after substituting the sweep value)"},
	{HEAD "clocks: {offset: 'normal(0, $)'}\n", 4, 29, "'$' must start a sweep name"},
	{HEAD "workload: {think: 'pareto(1ms, 0.8)'}\n", 4, 20, "has no finite mean: pareto needs shape > 1"},
	/* structure */
	{"policies: [lww]\nstop: {ops: 1}\n", 1, 1, "a scenario needs a 'name'"},
	{"name: \"a\\tb\"\npolicies: [lww]\nstop: {ops: 1}\n", 1, 7, "name: character 2 of the value is \\x09, a control or formatting character"},
	{"name: t\npolicies: [lww]\nstop: {}\n", 3, 7, "stop: needs ops"},
	{"name: [unclosed\n", 2, 1, "invalid YAML"},
	{"name: t\nname: u\n", 2, 1, "duplicate key 'name'"},
	{"- a\n- b\n", 1, 1, "expected a scenario: a mapping"},
	{"", 1, 1, "the file is empty"},
	{"name: &a t\n", 1, 7, "anchors (&name) are not supported"},
	/* a distribution in a flow mapping is cut at its comma by YAML itself */
	{HEAD "sweep: {s: [1ms, 2ms]}\nclocks: {offset: normal(0, $s)}\n", 5, 18,
	 "'normal(0' is cut at a comma (inside {...} or [...], YAML splits"},
	{HEAD "clocks: {offset: [normal(0, 1ms)]}\n", 4, 19, "'normal(0' is cut at a comma"},
	{HEAD "clocks: {offset: \"normal(0, 1ms)\"}\n", 0, 0, NULL},
	{HEAD "---\nname: u\n", 4, 1, "a second YAML document"},
	/* scripts */
	{"name: t\npolicies: [lww]\nworkload:\n  clients: 2\n  arrival: script\n  script:\n"
	 "    - {at: 0ms, client: 5}\n",
	 7, 7, "client 5, but workload.clients is 2"},
	{"name: t\npolicies: [lww]\nworkload:\n  arrival: script\n", 4, 12,
	 "arrival: script needs workload.script"},
	{HEAD "workload: {arrival: sometimes}\n", 4, 21, "workload.arrival: must be one of closed, open or script, found 'sometimes'"},
	/* faults (docs/scenarios.md section 17) */
	{HEAD "faults: [{crash: {node: 0, at: 1s, forr: 1s}}]\n", 4, 36,
	 "crash takes no 'forr'; did you mean 'for'? (it takes node, client, at, for, every, when)"},
	{HEAD "faults: [{crahs: {node: 0}}]\n", 4, 11, "unknown fault 'crahs'; did you mean 'crash'?"},
	{HEAD "faults: [{crash: {node: 3, at: 1s}}]\n", 4, 10,
	 "crash of node 3, but cluster.nodes is 1 (nodes are numbered from 0)"},
	{HEAD "workload: {clients: 2}\nfaults: [{pause: {client: 2, at: 1s, for: 1s}}]\n", 5, 10,
	 "pause of client 2, but workload.clients is 2"},
	{HEAD "faults: [{crash: {at: 1s}}]\n", 4, 10, "crash: say whose, with node: N or client: N"},
	{HEAD "faults: [{crash: {client: 0, at: 1s, for: 1s}}]\n", 4, 43,
	 "a crashed client never returns: it takes no 'for'"},
	{HEAD "cluster: {nodes: 3}\nfaults: [{partition: {groups: [[0], [1, 5]]}}]\n", 5, 10,
	 "partition names nodes up to 5, but cluster.nodes is 3"},
	{HEAD "cluster: {nodes: 3}\nfaults: [{partition: {at: 1s}}]\n", 5, 10,
	 "partition: give groups: [[0], [1, 2]], or from: [0] and to: [1]"},
	{HEAD "faults: [{loss: {at: 1s}}]\n", 4, 10, "loss needs p, a probability above 0"},
	{HEAD "faults: [{loss: {p: 2}}]\n", 4, 21, "must be between 0 and 1"},
	{HEAD "faults: [{clock_jump: {node: 0, at: 1s}}]\n", 4, 10, "clock_jump needs by"},
	{HEAD "workload: {timeout: 0}\nfaults: [{crash: {node: 0, at: 1s}}]\n", 5, 9,
	 "workload.timeout is 0 (wait forever): give a timeout"},
	{HEAD "faults: {crash: {node: 0}}\n", 4, 9, "faults: expected a list of faults"},
	{HEAD "store: {durability: sometimes}\n", 4, 21, "must be every, never or interval(D)"},
	{HEAD "store: {durability: 'interval(5)'}\n", 4, 0, "needs a unit"},
	/* a swept strategy; faults kept at some points (when) */
	{HEAD "sweep: {r: [primary, quorom]}\ncluster: {nodes: 3, replication: $r}\n", 5, 34,
	 "unknown replication strategy 'quorom'; did you mean 'quorum'?"},
	{HEAD "sweep: {k: [a]}\nworkload: {timeout: 1s}\ncluster: {nodes: 3}\n"
	      "faults: [{crash: {node: 0, when: k == a}}]\n", 0, 0, "sweep: 'k' is never used"},
	{HEAD "sweep: {k: [a]}\nworkload: {timeout: 1s}\ncluster: {nodes: 3}\n"
	      "faults: [{crash: {node: 0, when: $k = a}}]\n", 7, 34,
	 "faults[0].crash.when: expected a condition on a sweep axis, such as $nemesis == crash"},
	{HEAD "sweep: {k: [a]}\nworkload: {timeout: 1s}\ncluster: {nodes: 3}\n"
	      "faults: [{crash: {node: 0, when: $k == $k}}]\n", 7, 34, "expected a condition on a sweep axis"},
	{HEAD "sweep: {kind: [a]}\nworkload: {timeout: 1s}\ncluster: {nodes: 3}\n"
	      "faults: [{crash: {node: 0, when: $knd == a}}]\n", 7, 34,
	 "undefined sweep name '$knd'; did you mean 'kind'?"},
	/* an error in a fault kept names it as written, after one left out */
	{HEAD "sweep: {k: [a]}\nworkload: {timeout: 1s}\ncluster: {nodes: 3}\n"
	      "faults:\n  - crash: {node: 0, when: $k != a}\n  - crash: {node: 5}\n", 9, 5,
	 "faults[1]: crash of node 5, but cluster.nodes is 3"},
};

static void test_malformed(void **state)
{
	(void)state;
	assert_true(sizeof(bad) / sizeof(bad[0]) >= 25);
	int failures = 0;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct sdiag d;
		struct scenario *s = load(bad[i].text, NULL, 0, &d);
		if (!bad[i].want) {
			/* the form the message advises: it must load */
			if (!s) {
				print_error("case %zu should load: %s\n", i, d.text);
				failures++;
			}
			scenario_free(s);
			continue;
		}
		if (s) {
			scenario_free(s);
			print_error("case %zu should fail (%s)\n", i, bad[i].want);
			failures++;
			continue;
		}
		char where[32] = "";
		if (bad[i].line && bad[i].col)
			snprintf(where, sizeof(where), "t.yaml:%d:%d: ", bad[i].line, bad[i].col);
		else if (bad[i].line)
			snprintf(where, sizeof(where), "t.yaml:%d:", bad[i].line);
		if (!strstr(d.text, bad[i].want) || strncmp(d.text, where, strlen(where)) != 0) {
			print_error("case %zu: message\n  %s\nwanted at %s\n  %s\n", i, d.text, where,
				    bad[i].want);
			failures++;
		}
	}
	if (failures)
		fail_msg("%d malformed scenarios were not reported as expected", failures);
}

/* Names become safe file names: nothing can escape results/. */
static void test_file_names(void **state)
{
	(void)state;
	const char *cases[][2] = {
		{"compare", "compare"},
		{"../../etc/passwd", "_.__._etc_passwd"},
		{"a/b\\c", "a_b_c"},
		{"it's \"quoted\"", "it_s__quoted_"},
		{"..", "_."},
		{".hidden", "_hidden"},
		{"-rf", "scenario-rf"},
		{"caf\xc3\xa9", "caf__"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char buf[128];
		scenario_file_name(cases[i][0], buf, sizeof(buf));
		if (strcmp(buf, cases[i][1]) != 0)
			fail_msg("'%s' -> '%s', expected '%s'", cases[i][0], buf, cases[i][1]);
		assert_null(strchr(buf, '/'));
		assert_null(strstr(buf, ".."));
	}
}

/* Scripted operations are issued in time order, ties in the order written. */
static void test_script_order(void **state)
{
	(void)state;
	const char *text = "name: s\npolicies: [lww]\nworkload:\n  clients: 3\n  arrival: script\n"
			   "  script:\n    - {at: 5ms, client: 0}\n    - {at: 1ms, client: 1}\n"
			   "    - {at: 5ms, client: 2, op: read}\n";
	struct sdiag d;
	struct scenario *s = load(text, NULL, 0, &d);
	if (!s)
		fail_msg("%s", d.text);
	struct run_spec r;
	assert_int_equal(scenario_resolve(s, 0, 0, &r, &d), 0);
	assert_int_equal(r.cfg.nscript, 3);
	assert_int_equal(r.cfg.script[0].client, 1);
	assert_int_equal(r.cfg.script[1].client, 0);
	assert_int_equal(r.cfg.script[2].client, 2);
	assert_int_equal(r.cfg.script[2].kind, OP_READ);
	run_spec_free(&r);
	scenario_free(s);
}

/* Issue 15 point 9: a reversed script of 100000 operations (the most
 * allowed), in pairs at equal times, once sorted quadratically.  The order
 * expected is worked out here from how the file was written: entry i is at
 * (N/2 - 1 - i/2) ms, so sorted position j holds time j/2 ms, and of the
 * pair at that time the one written first (client 0) comes first.  How
 * long the sort takes is `make bench`'s business. */
static void test_script_reversed(void **state)
{
	(void)state;
	enum { N = 100000 };
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "name: s\npolicies: [lww]\nstore: {keys: 1000}\nworkload:\n  clients: 2\n"
		    "  arrival: script\n  script:\n");
	for (int i = 0; i < N; i++)
		sb_printf(&b, "    - {at: %dms, client: %d, key: %d}\n", N / 2 - 1 - i / 2, i % 2, i % 1000);
	struct sdiag d;
	struct scenario *s = scenario_parse("t.yaml", b.s, b.len, NULL, 0, &d);
	sb_free(&b);
	if (!s)
		fail_msg("%s", d.text);
	struct run_spec r;
	if (scenario_resolve(s, 0, 0, &r, &d) < 0)
		fail_msg("%s", d.text);
	assert_int_equal(r.cfg.nscript, N);
	for (int j = 0; j < N; j++) {
		const struct script_op *o = &r.cfg.script[j];
		int i = 2 * (N / 2 - 1 - j / 2) + j % 2; /* where it was written */
		if (o->at != (int64_t)(j / 2) * KERNEL_MS || o->client != (uint32_t)(j % 2) ||
		    o->key != (uint32_t)(i % 1000))
			fail_msg("position %d: at %lld ns, client %u, key %u; expected %d ms, client %d, key %d",
				 j, (long long)o->at, o->client, o->key, j / 2, j % 2, i % 1000);
	}
	run_spec_free(&r);
	scenario_free(s);
}

/* The sweep is too big: refused at load, before anything is allocated for
 * the runs. */
static void test_too_many_runs(void **state)
{
	(void)state;
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "name: t\npolicies: [lww, version]\nstop: {ops: 1}\nsweep:\n  a: [");
	for (int i = 0; i < 1000; i++)
		sb_printf(&b, "%s%d", i ? "," : "", i + 1);
	sb_puts(&b, "]\n  c: [");
	for (int i = 0; i < 1000; i++)
		sb_printf(&b, "%s%d", i ? "," : "", i + 1);
	sb_puts(&b, "]\nworkload: {clients: $a, retries: $c}\n");
	struct sdiag d;
	struct scenario *s = scenario_parse("t.yaml", b.s, b.len, NULL, 0, &d);
	assert_null(s);
	assert_non_null(strstr(d.text, "expands to more than 1000000 runs"));
	sb_free(&b);
}

static const char sweep_text[] =
	"name: sw\n"
	"description: costs $5 and ${nothing}, never substituted\n"
	"replications: 4\n"
	"seed: 7\n"
	"stop: {ops: 100}\n"
	"sweep:\n"
	"  skew: [0ms, 10ms, 1s]\n"
	"  n: [2, 5]\n"
	"policies:\n"
	"  - lww\n"
	"  - lock: {lease: $skew, label: 'my $$lock'}\n"
	"workload: {clients: '${n}'}\n"
	"clocks:\n"
	"  offset: normal(0, $skew)\n";

static void test_sweep_expansion(void **state)
{
	(void)state;
	struct sdiag d;
	struct scenario *s = scenario_parse("t.yaml", sweep_text, strlen(sweep_text), NULL, 0, &d);
	if (!s)
		fail_msg("%s", d.text);
	/* 3 x 2 points, 2 policies, 4 replications */
	assert_int_equal(scenario_points(s), 6);
	assert_int_equal(scenario_runs(s), 48);
	/* runs are numbered point, then policy, then replication */
	uint64_t point, rep;
	size_t pol;
	scenario_run_index(s, 0, &point, &pol, &rep);
	assert_true(point == 0 && pol == 0 && rep == 0);
	scenario_run_index(s, 5, &point, &pol, &rep);
	assert_true(point == 0 && pol == 1 && rep == 1);
	scenario_run_index(s, 47, &point, &pol, &rep);
	assert_true(point == 5 && pol == 1 && rep == 3);
	/* the last axis varies fastest */
	assert_string_equal(scenario_axis_value(s, 0, 0), "0ms");
	assert_string_equal(scenario_axis_value(s, 0, 1), "2");
	assert_string_equal(scenario_axis_value(s, 1, 1), "5");
	assert_string_equal(scenario_axis_value(s, 3, 0), "10ms");
	assert_string_equal(scenario_axis_value(s, 5, 0), "1s");
	/* substitution inside a distribution, ${} form, a policy option, $$ */
	struct run_spec r;
	if (scenario_resolve(s, 3, 1, &r, &d) < 0)
		fail_msg("%s", d.text);
	assert_int_equal(r.cfg.offset.kind, DIST_NORMAL);
	check_near(r.cfg.offset.a, 0, 0, "offset mu");
	check_near(r.cfg.offset.b, 10e6, 0, "offset sigma = $skew = 10ms");
	assert_int_equal(r.cfg.clients, 5);
	assert_int_equal(r.cfg.seed, 7);
	assert_string_equal(r.label, "my $lock");
	assert_string_equal(r.cfg.policy->name, "lock");
	char buf[32];
	field_format(policy_option(r.cfg.policy, "lease"), r.cfg.popts.bytes, buf, sizeof(buf));
	assert_string_equal(buf, "10ms");
	run_spec_free(&r);
	/* but lease $skew = 0ms at point 0 is below the lease's minimum */
	assert_int_equal(scenario_check(s, &d), -1);
	if (!strstr(d.text, "t.yaml:11:19: policies: lock: lease must be between 1us and 3600s, found '0ms'"))
		fail_msg("message: %s", d.text);
	assert_non_null(strstr(d.text, "after substituting the sweep value"));
	scenario_free(s);
}

static void test_set(void **state)
{
	(void)state;
	struct sdiag d;
	/* a sweep axis overridden by a list, then by one value; a path */
	const char *sets1[] = {"skew=[1ms, 2ms]", "workload.retries=9", "store.service=exp(1ms)",
			       "policies=[version]"};
	struct scenario *s = scenario_parse("t.yaml", sweep_text, strlen(sweep_text), sets1, 4, &d);
	if (!s)
		fail_msg("%s", d.text);
	assert_int_equal(scenario_points(s), 4);
	assert_int_equal(s->npolicies, 1);
	struct run_spec r;
	if (scenario_resolve(s, 3, 0, &r, &d) < 0)
		fail_msg("%s", d.text);
	assert_int_equal(r.cfg.retries, 9);
	assert_int_equal(r.cfg.clients, 5);
	assert_int_equal(r.cfg.service.kind, DIST_EXP);
	check_near(r.cfg.offset.b, 2e6, 0, "skew from --set");
	run_spec_free(&r);
	scenario_free(s);

	const char *sets2[] = {"skew=7ms", "stop.ops=5"};
	s = scenario_parse("t.yaml", sweep_text, strlen(sweep_text), sets2, 2, &d);
	assert_non_null(s);
	assert_int_equal(scenario_points(s), 2);
	assert_string_equal(scenario_axis_value(s, 1, 0), "7ms");
	if (scenario_resolve(s, 0, 0, &r, &d) < 0)
		fail_msg("%s", d.text);
	assert_int_equal(r.cfg.stop_ops, 5);
	run_spec_free(&r);
	scenario_free(s);

	/* errors in a --set value name the --set and the column in it */
	const char *sets3[] = {"workload.retries=zero"};
	s = load(sweep_text, sets3, 1, &d);
	assert_null(s);
	if (!strstr(d.text, "--set workload.retries=zero: column 18: workload.retries: expected"))
		fail_msg("message: %s", d.text);
	/* replacing the only use of an axis leaves it unused: an error */
	const char *sets6[] = {"workload.clients=3"};
	s = load(sweep_text, sets6, 1, &d);
	assert_null(s);
	assert_non_null(strstr(d.text, "sweep: 'n' is never used"));
	const char *sets4[] = {"seed.x=1"};
	s = load(sweep_text, sets4, 1, &d);
	assert_null(s);
	assert_non_null(strstr(d.text, "'seed' is not a mapping"));
	const char *sets5[] = {"workload.nonsense=1"};
	s = load(sweep_text, sets5, 1, &d);
	assert_null(s);
	assert_non_null(strstr(d.text, "unknown key 'nonsense' in workload"));
}

/* The parameters are valid JSON (SQLite's json_valid), hold the resolved
 * values, and differ between replications only in replication and seed. */
static void test_params(void **state)
{
	(void)state;
	struct sdiag d;
	struct scenario *s = scenario_parse("t.yaml", sweep_text, strlen(sweep_text), NULL, 0, &d);
	struct run_spec r;
	assert_int_equal(scenario_resolve(s, 4, 0, &r, &d), 0);
	struct strbuf a, b;
	sb_init(&a);
	sb_init(&b);
	scenario_params_json(s, &r, 0, &a);
	scenario_params_json(s, &r, 1, &b);
	assert_string_not_equal(a.s, b.s);
	sqlite3 *db;
	sqlite3_open(":memory:", &db);
	sqlite3_stmt *st;
	sqlite3_prepare_v2(db,
			   "SELECT json_valid(?1), json_extract(?1, '$.sweep.skew'), "
			   "json_extract(?1, '$.clocks.offset'), json_extract(?1, '$.workload.clients'), "
			   "json_extract(?1, '$.seed'), json_extract(?1, '$.policy.options.timestamps')",
			   -1, &st, NULL);
	sqlite3_bind_text(st, 1, b.s, -1, SQLITE_STATIC);
	assert_int_equal(sqlite3_step(st), SQLITE_ROW);
	assert_int_equal(sqlite3_column_int(st, 0), 1);
	assert_string_equal((const char *)sqlite3_column_text(st, 1), "1s");
	assert_string_equal((const char *)sqlite3_column_text(st, 2), "normal(0, 1s)");
	assert_int_equal(sqlite3_column_int(st, 3), 2);
	assert_int_equal(sqlite3_column_int(st, 4), 8);
	assert_string_equal((const char *)sqlite3_column_text(st, 5), "client");
	sqlite3_finalize(st);
	sqlite3_close(db);
	sb_free(&a);
	sb_free(&b);
	run_spec_free(&r);
	scenario_free(s);
}

/* Every scenario shipped passes check (what `clobber check` does). */
static void check_dir(const char *dir, int *count)
{
	DIR *dp = opendir(dir);
	if (!dp)
		return;
	struct dirent *e;
	while ((e = readdir(dp))) {
		size_t n = strlen(e->d_name);
		char path[512];
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (n > 5 && strcmp(e->d_name + n - 5, ".yaml") == 0) {
			struct sdiag d;
			struct scenario *s = scenario_load(path, NULL, 0, &d);
			if (!s || scenario_check(s, &d) < 0)
				fail_msg("%s", d.text);
			/* its name is its file name */
			char file[128];
			scenario_file_name(s->name, file, sizeof(file));
			if (strncmp(file, e->d_name, n - 5) != 0 || strlen(file) != n - 5)
				fail_msg("%s: name '%s' is not the file's", path, s->name);
			assert_true(s->description && strlen(s->description) > 20);
			scenario_free(s);
			(*count)++;
		} else if (e->d_name[0] != '.') {
			struct stat st;
			if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
				check_dir(path, count);
		}
	}
	closedir(dp);
}

/* A sweep over kinds of fault (when) and over strategies (the scalar
 * form of cluster.replication takes a sweep value). */
static const char nemesis_text[] =
	"name: nem\npolicies: [lww]\nstop: {ops: 100}\nworkload: {timeout: 1s}\n"
	"sweep:\n  strategy: [primary, quorum]\n  nemesis: [none, crash, pause]\n"
	"cluster: {nodes: 3, replication: $strategy}\n"
	"faults:\n"
	"  - crash: {node: primary, at: 1s, for: 2s, when: $nemesis == crash}\n"
	"  - pause: {node: 1, at: 2s, for: 1s, when: '${nemesis} == pause'}\n"
	"  - loss: {p: 0.5, at: 3s, for: 1s, when: $nemesis != none}\n"
	"  - clock_jump: {client: 0, at: 4s, by: 1s}\n";

static void test_fault_when(void **state)
{
	(void)state;
	struct sdiag d;
	struct scenario *s = load(nemesis_text, NULL, 0, &d);
	if (!s)
		fail_msg("%s", d.text);
	assert_int_equal(scenario_points(s), 6);
	/* the kinds kept at each point, in the order written */
	static const char *const want[6] = {
		"clock_jump", "crash loss clock_jump", "pause loss clock_jump",
		"clock_jump", "crash loss clock_jump", "pause loss clock_jump",
	};
	static const char *const kinds[] = {"crash", "partition", "loss", "pause", "clock_jump"};
	for (uint64_t p = 0; p < 6; p++) {
		struct run_spec r;
		if (scenario_resolve(s, p, 0, &r, &d) < 0)
			fail_msg("point %llu: %s", (unsigned long long)p, d.text);
		assert_string_equal(r.cfg.repl->name, p < 3 ? "primary" : "quorum");
		char got[128] = "";
		for (uint32_t i = 0; i < r.cfg.nfaults; i++)
			snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%s", i ? " " : "",
				 kinds[r.cfg.faults[i].kind]);
		if (strcmp(got, want[p]) != 0)
			fail_msg("point %llu: faults %s, expected %s", (unsigned long long)p, got, want[p]);
		/* a fault left out is not part of the run's parameters */
		struct strbuf j;
		sb_init(&j);
		scenario_params_json(s, &r, 0, &j);
		assert_int_equal(strstr(j.s, "\"crash\"") != NULL, strstr(want[p], "crash") != NULL);
		assert_null(strstr(j.s, "when"));
		sb_free(&j);
		run_spec_free(&r);
	}
	scenario_free(s);
}

static void test_shipped_scenarios(void **state)
{
	(void)state;
	int count = 0;
	check_dir("scenarios", &count);
	assert_true(count >= 1);
	print_message("checked %d scenario files\n", count);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_too_many_runs),
		cmocka_unit_test(test_file_names),
		cmocka_unit_test(test_script_order),
		cmocka_unit_test(test_script_reversed),
		cmocka_unit_test(test_sweep_expansion),
		cmocka_unit_test(test_set),
		cmocka_unit_test(test_params),
		cmocka_unit_test(test_fault_when),
		cmocka_unit_test(test_shipped_scenarios),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
