/*
 * test_labs.c - every course lab shows what it is about, in a terminal of
 * 80 columns, and a stored trace reads as the trace made on the spot.
 *
 * For each scenario in scenarios/labs/, `clobber trace` (no options: the
 * first policy, sweep point 0) must mark in its timeline the event the lab
 * is about, and tracing the policy its handout offers as the fix must not
 * show the damage.  The state each lab is about must be printed, with the
 * values worked out by hand from the scenario's story (the handouts
 * tell it; every message takes 1 ms there).  Every policy of every lab fits
 * 80 columns.  Uses the binary in $CLOBBER (else bin/clobber).
 */
#include "testproc.h"

/* Runs clobber trace FILE [--policy LABEL] [--width W] and returns its
 * output (valid until the next call). */
static char *trace_w(const char *file, const char *policy, const char *width)
{
	const char *args[12];
	int n = 0;
	args[n++] = "trace";
	args[n++] = file;
	args[n++] = "-o";
	args[n++] = tp_dir;
	if (width) {
		args[n++] = "--width";
		args[n++] = width;
	}
	if (policy) {
		args[n++] = "--policy";
		args[n++] = policy;
	}
	args[n] = NULL;
	if (tp_run(NULL, args) != 0)
		fail_msg("clobber trace %s %s failed: %s", file, policy ? policy : "", tp_output("out.txt"));
	return tp_output("out.txt");
}

static char *trace(const char *file, const char *policy)
{
	return trace_w(file, policy, NULL);
}

static void must_show(const char *out, const char *what, const char *where)
{
	if (!strstr(out, what))
		fail_msg("%s: the timeline lacks '%s':\n%s", where, what, out);
}

struct lab {
	const char *file;
	const char *marks[3];	/* must appear, first policy */
	const char *fix;	/* the handout's fix, by label */
	const char *fix_shows;	/* must appear with the fix */
	const char *fix_lacks;	/* must not appear with the fix */
	const char *labels[6];	/* every policy of the lab */
};

static const struct lab lab_list[] = {
	{"01-lost-increment.yaml", {"<-- LOST"}, "version", "<-- REJECTED", "<-- LOST",
	 {"lww", "version", "lock"}},
	{"02-version-retries.yaml", {"<-- REJECTED"}, NULL, NULL, NULL, {"version", "lww"}},
	{"03-shopping-cart.yaml", {"<-- LOST", "<-- SIBLINGS"}, "union", "<-- SIBLINGS", "<-- LOST",
	 {"max", "union", "lww"}},
	{"04-clock-skew.yaml", {"<-- LOST", "acked, dropped as older"}, "server", NULL, "<-- LOST",
	 {"client", "server", "version"}},
	{"05-lease-fencing.yaml", {"<-- ZOMBIE", "<-- LOST"}, "fencing", "<-- FENCED", "<-- LOST",
	 {"no-fencing", "fencing"}},
	{"06-vector-clocks.yaml", {"<-- SIBLINGS"}, NULL, NULL, NULL,
	 {"vnode", "dvv", "client", "pruned", "overpruned"}},
};
#define NLABS (sizeof(lab_list) / sizeof(lab_list[0]))

static void test_labs(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLABS; i++) {
		const struct lab *l = &lab_list[i];
		char file[256];
		snprintf(file, sizeof(file), "scenarios/labs/%s", l->file);
		const char *out = trace(file, NULL);
		for (int m = 0; m < 3 && l->marks[m]; m++)
			must_show(out, l->marks[m], l->file);
		if (!l->fix)
			continue;
		out = trace(file, l->fix);
		if (l->fix_shows)
			must_show(out, l->fix_shows, l->fix);
		if (l->fix_lacks && strstr(out, l->fix_lacks))
			fail_msg("%s --policy %s: the timeline shows '%s':\n%s", l->file, l->fix,
				 l->fix_lacks, out);
	}
}

/* The longest line of text, and the line itself. */
static size_t longest(const char *text, const char **at)
{
	size_t best = 0;
	for (const char *p = text; *p;) {
		size_t len = strcspn(p, "\n");
		if (len > best) {
			best = len;
			*at = p;
		}
		p += len + (p[len] == '\n');
	}
	return best;
}

/* Every lab's every policy fits 80 columns (the width a terminal, a
 * printout and the handouts have), with --width 80 and without it (the
 * output here is a file, not a terminal, so 80 is the default); the
 * longest labs fit narrower widths down to the minimum too. */
static void test_fit_80_columns(void **state)
{
	(void)state;
	for (size_t i = 0; i < NLABS; i++) {
		char file[256];
		snprintf(file, sizeof(file), "scenarios/labs/%s", lab_list[i].file);
		for (int k = 0; k < 6 && lab_list[i].labels[k]; k++)
			for (int w = 0; w < 2; w++) {
				const char *out = trace_w(file, lab_list[i].labels[k], w ? "80" : NULL);
				const char *at = out;
				size_t len = longest(out, &at);
				/* the chart's path is the temporary directory's, not the tool's */
				if (len > 80 && strncmp(at, "chart: ", 7) != 0)
					fail_msg("%s --policy %s%s: a line of %zu columns:\n%.*s", file,
						 lab_list[i].labels[k], w ? " --width 80" : "", len, (int)len, at);
			}
	}
	static const char *const widths[] = {"40", "52", "66"};
	for (size_t w = 0; w < 3; w++) {
		const char *out = trace_w("scenarios/labs/06-vector-clocks.yaml", "pruned", widths[w]);
		const char *at = out;
		size_t len = longest(out, &at);
		if (len > (size_t)atoi(widths[w]) && strncmp(at, "chart: ", 7) != 0)
			fail_msg("--width %s: a line of %zu columns:\n%.*s", widths[w], len, (int)len, at);
		/* wrapping cuts no mark: every SIBLINGS of the wide trace is there */
		must_show(out, "<-- SIBLINGS", widths[w]);
	}
}

/* The layout follows the width: wide enough for every line, one column
 * per lane (the header names them side by side); at 80 columns, lab 1's
 * store lines do not fit beside two client columns, and the compact
 * layout names who acts. */
static void test_layout_by_width(void **state)
{
	(void)state;
	const char *out = trace_w("scenarios/labs/01-lost-increment.yaml", NULL, "200");
	if (!strstr(out, "time (ms)  client 0") || !strstr(out, "client 1") ||
	    !strstr(out, "  store\n") || strstr(out, "who"))
		fail_msg("--width 200: no column per lane:\n%s", out);
	out = trace_w("scenarios/labs/01-lost-increment.yaml", NULL, "80");
	must_show(out, " time (ms)  who       event\n", "--width 80");
	must_show(out, "store     #3 applied: k0 = 3 (ts 24ms > 13ms)  <-- LOST", "--width 80");
}

/* The state each lab talks about, as its story gives it.  Every message
 * takes 1 ms and computing 1 ms unless said otherwise, so a write is sent
 * 3 ms after its operation starts and reaches the store 1 ms later. */
static void test_lab_state(void **state)
{
	(void)state;
	/* lab 4: client 0's clock is 20 ms behind; it sends at 13 ms, stamped
	 * -7 ms, against the 3 ms of client 1's write (sent at 3 ms) */
	const char *out = trace("scenarios/labs/04-clock-skew.yaml", NULL);
	must_show(out, "#1 writes 2 (ts -7ms)", "lab 4");
	must_show(out, "#1 acked, dropped as older (ts -7ms < 3ms)  <-- LOST", "lab 4");
	/* with server timestamps the store stamps at arrival: 4 ms and 14 ms */
	out = trace("scenarios/labs/04-clock-skew.yaml", "server");
	must_show(out, "#1 applied: k0 = 2 (ts 14ms > 4ms)", "lab 4 server");
	/* lab 5: #0 holds token 1, its lease runs out at 11 ms and #1 gets
	 * token 2; #0's write at 18 ms carries token 1 */
	out = trace("scenarios/labs/05-lease-fencing.yaml", NULL);
	must_show(out, "#0 writes 1 (token 1)", "lab 5");
	must_show(out, "#0 writes, lease gone (token 1, newest 2)  <-- ZOMBIE", "lab 5");
	out = trace("scenarios/labs/05-lease-fencing.yaml", "fencing");
	must_show(out, "#0 fenced (newest token 2)  <-- FENCED", "lab 5 fencing");
	/* lab 3: both carts have two items, max breaks the tie by the writers'
	 * clocks, and the laptop (#2) wrote later */
	out = trace("scenarios/labs/03-shopping-cart.yaml", NULL);
	must_show(out, "#3 merges 2 siblings, keeps #2's", "lab 3");
	out = trace("scenarios/labs/03-shopping-cart.yaml", "union");
	if (strstr(out, "keeps #"))
		fail_msg("lab 3 union: a union keeps every sibling, yet:\n%s", out);
	/* lab 6: #2 (client 2) read #0's cart, whose clock is {c0:1}; its own
	 * first write adds c2:1.  Pruned to one entry, the writer's is kept. */
	out = trace("scenarios/labs/06-vector-clocks.yaml", "client");
	must_show(out, "#2 writes its value (ctx {c0:1})", "lab 6 client");
	must_show(out, "(clock {c0:1,c2:1})", "lab 6 client");
	out = trace("scenarios/labs/06-vector-clocks.yaml", "pruned");
	must_show(out, "(clock {c0:1,c2:1} pruned to {c2:1})", "lab 6 pruned");
	/* vnode: one entry for the one node, one more at every write: the
	 * tenth write makes it 10; dvv: #0 gets the node's first dot */
	out = trace("scenarios/labs/06-vector-clocks.yaml", "vnode");
	must_show(out, "#9 kept beside: 10 siblings (clock {n0:10})", "lab 6 vnode");
	out = trace("scenarios/labs/06-vector-clocks.yaml", "dvv");
	must_show(out, "#0 applied: k0 = 1 (dot n0:1)", "lab 6 dvv");
	/* lab 2: creating a key expects version 0 */
	out = trace("scenarios/labs/02-version-retries.yaml", NULL);
	must_show(out, "#1 writes 1 (expects version 0)", "lab 2");
	must_show(out, "#1 rejected: version is 1  <-- REJECTED", "lab 2");
}

/* Lab 6: vnode clocks pile up siblings that dotted version vectors do not. */
static void test_sibling_explosion(void **state)
{
	(void)state;
	const char *out = trace("scenarios/labs/06-vector-clocks.yaml", "vnode");
	int vnode_max = 0, dvv_max = 0;
	for (const char *p = out; (p = strstr(p, "kept beside: ")); p++)
		vnode_max = atoi(p + 13) > vnode_max ? atoi(p + 13) : vnode_max;
	out = trace("scenarios/labs/06-vector-clocks.yaml", "dvv");
	for (const char *p = out; (p = strstr(p, "kept beside: ")); p++)
		dvv_max = atoi(p + 13) > dvv_max ? atoi(p + 13) : dvv_max;
	if (!(vnode_max > dvv_max && vnode_max >= 5))
		fail_msg("vnode clocks reach %d siblings, dvv %d: no explosion shown", vnode_max, dvv_max);
}

/* The timeline part of a trace's output: from the header line to the
 * blank line before the verdict. */
static char *timeline(const char *out, char *buf, size_t n)
{
	const char *from = strstr(out, " time (ms)");
	const char *to = from ? strstr(from, "\n\n") : NULL;
	if (!from || !to)
		fail_msg("no timeline in:\n%s", out);
	snprintf(buf, n, "%.*s", (int)(to - from), from);
	return buf;
}

/* trace --run ID DB shows a run stored with --record trace as trace shows
 * the same run made on the spot: every lab's every policy, line for line
 * (the database keeps every field a line is made of), and the verdict line
 * the same.  What the lines must say comes from the lab tests above; this
 * checks that nothing is lost on the way through the database. */
static void test_stored_run(void **state)
{
	(void)state;
	static char direct[1 << 16], stored[1 << 16];
	for (size_t i = 0; i < NLABS; i++) {
		char file[256], db[64];
		snprintf(file, sizeof(file), "scenarios/labs/%s", lab_list[i].file);
		snprintf(db, sizeof(db), "lab%zu.db", i + 1);
		const char *run[] = {"run", file, "-o", tp_path(db), "--record", "trace", NULL};
		if (tp_run(NULL, run) != 0)
			fail_msg("clobber run %s --record trace: %s", file, tp_output("out.txt"));
		for (int k = 0; k < 6 && lab_list[i].labels[k]; k++) {
			char *out = trace(file, lab_list[i].labels[k]);
			timeline(out, direct, sizeof(direct));
			const char *verdict = strstr(out, "lost updates: ");
			char want[256];
			snprintf(want, sizeof(want), "%.*s", (int)strcspn(verdict, "\n"), verdict);
			/* the runs are stored in the order of the scenario's policies */
			char id[16];
			snprintf(id, sizeof(id), "%d", k + 1);
			const char *args[] = {"trace", "--run", id, tp_path(db), "-o", tp_dir, NULL};
			if (tp_run(NULL, args) != 0)
				fail_msg("trace --run %s %s: %s", id, db, tp_output("out.txt"));
			out = tp_output("out.txt");
			if (strcmp(timeline(out, stored, sizeof(stored)), direct) != 0)
				fail_msg("%s --policy %s, stored as run %s: the timelines differ.\nmade here:\n%s\n"
					 "stored:\n%s",
					 file, lab_list[i].labels[k], id, direct, stored);
			must_show(out, want, "the stored run's verdict");
			char head[64];
			snprintf(head, sizeof(head), "policy %s, seed 1", lab_list[i].labels[k]);
			must_show(out, head, "the stored run's header");
		}
	}
	/* lab 1's lost increment, as worked out in its handout */
	const char *args[] = {"trace", "--run", "1", tp_path("lab1.db"), "-o", tp_dir, NULL};
	assert_int_equal(tp_run(NULL, args), 0);
	must_show(tp_output("out.txt"), "#3 applied: k0 = 3 (ts 24ms > 13ms)  <-- LOST", "run 1");
	/* --ops 2: operations #0 and #1 only (lab 1's first two increments) */
	const char *first[] = {"trace", "--run", "1", tp_path("lab1.db"), "--ops", "2", "-o", tp_dir, NULL};
	assert_int_equal(tp_run(NULL, first), 0);
	const char *o2 = tp_output("out.txt");
	must_show(o2, "#1 applied: k0 = 2", "--ops 2");
	must_show(o2, "(the first 2 operations of 5;", "--ops 2");
	if (strstr(o2, "#2 "))
		fail_msg("--ops 2 shows operation #2:\n%s", o2);
	/* a run without a trace, and a run that is not there: status 1, saying so */
	const char *plain[] = {"run", "scenarios/labs/01-lost-increment.yaml", "-o",
			       tp_path("plain.db"), NULL};
	assert_int_equal(tp_run(NULL, plain), 0);
	const char *none[] = {"trace", "--run", "2", tp_path("plain.db"), NULL};
	assert_int_equal(tp_run(NULL, none), 1);
	must_show(tp_output("out.txt"), "run 2 has no trace: it was run without --record trace",
		  "plain.db");
	const char *missing[] = {"trace", "--run", "9", tp_path("lab1.db"), NULL};
	assert_int_equal(tp_run(NULL, missing), 1);
	must_show(tp_output("out.txt"), "has no run 9 (its runs are numbered 1 to 3", "lab1.db");
	must_show(tp_output("out.txt"), "runs with a trace: 1 (lww), 2 (version), 3 (lock)", "lab1.db");
	/* the database where the scenario goes: what to type instead */
	const char *swapped[] = {"trace", tp_path("lab1.db"), NULL};
	assert_int_equal(tp_run(NULL, swapped), 2);
	must_show(tp_output("out.txt"), "is a results database, not a scenario file", "swapped");
	must_show(tp_output("out.txt"), "clobber trace --run ID", "swapped");
}

/* --point names a sweep point by its values, as plot --point does, or by
 * its number: skew.yaml sweeps skew over 0, 1, 5, 20, 50, 100 ms. */
static void test_point(void **state)
{
	(void)state;
	const char *a1[] = {"trace", "scenarios/skew.yaml", "--point", "skew=20ms", "-o", tp_dir, NULL};
	assert_int_equal(tp_run(NULL, a1), 0);
	must_show(tp_output("out.txt"), ", at skew=20ms, seed 1:", "--point skew=20ms");
	const char *a2[] = {"trace", "scenarios/skew.yaml", "--point", "3", "-o", tp_dir, NULL};
	assert_int_equal(tp_run(NULL, a2), 0);
	must_show(tp_output("out.txt"), ", at skew=20ms, seed 1:", "--point 3");
	const char *a3[] = {"trace", "scenarios/skew.yaml", "--point", "skew=7ms", NULL};
	assert_int_equal(tp_run(NULL, a3), 2);
	must_show(tp_output("out.txt"), "has no sweep point 'skew=7ms'", "--point skew=7ms");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labs),
		cmocka_unit_test(test_fit_80_columns),
		cmocka_unit_test(test_layout_by_width),
		cmocka_unit_test(test_lab_state),
		cmocka_unit_test(test_sibling_explosion),
		cmocka_unit_test(test_stored_run),
		cmocka_unit_test(test_point),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
