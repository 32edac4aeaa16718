/*
 * test_labs.c - every course lab shows what it is about.
 *
 * For each scenario in scenarios/labs/, `clobber trace` (no options: the
 * first policy, sweep point 0) must mark in its timeline the event the lab
 * is about, and tracing the policy its handout offers as the fix must not
 * show the damage.  Uses the binary in $CLOBBER (else bin/clobber).
 */
#include "testproc.h"

/* Runs clobber trace FILE [--policy LABEL] and returns its output. */
static char *trace(const char *file, const char *policy)
{
	const char *args[] = {"trace", file, "-o", tp_dir, policy ? "--policy" : NULL, policy, NULL};
	if (tp_run(NULL, args) != 0)
		fail_msg("clobber trace %s %s failed: %s", file, policy ? policy : "", tp_output("out.txt"));
	return tp_output("out.txt");
}

struct lab {
	const char *file;
	const char *marks[3];	/* must appear, first policy */
	const char *fix;	/* the handout's fix, by label */
	const char *fix_shows;	/* must appear with the fix */
	const char *fix_lacks;	/* must not appear with the fix */
};

static const struct lab lab_list[] = {
	{"01-lost-increment.yaml", {"<-- LOST"}, "version", "<-- REJECTED", "<-- LOST"},
	{"02-version-retries.yaml", {"<-- REJECTED"}, NULL, NULL, NULL},
	{"03-shopping-cart.yaml", {"<-- LOST", "<-- SIBLINGS"}, "union", "<-- SIBLINGS", "<-- LOST"},
	{"04-clock-skew.yaml", {"<-- LOST", "acked, dropped (older)"}, "server", NULL, "<-- LOST"},
	{"05-lease-fencing.yaml", {"<-- ZOMBIE", "<-- LOST"}, "fencing", "<-- FENCED", "<-- LOST"},
	{"06-vector-clocks.yaml", {"<-- SIBLINGS"}, NULL, NULL, NULL},
};

static void test_labs(void **state)
{
	(void)state;
	for (size_t i = 0; i < sizeof(lab_list) / sizeof(lab_list[0]); i++) {
		const struct lab *l = &lab_list[i];
		char file[256];
		snprintf(file, sizeof(file), "scenarios/labs/%s", l->file);
		const char *out = trace(file, NULL);
		for (int m = 0; m < 3 && l->marks[m]; m++)
			if (!strstr(out, l->marks[m]))
				fail_msg("%s: the timeline lacks '%s':\n%s", l->file, l->marks[m], out);
		if (!l->fix)
			continue;
		out = trace(file, l->fix);
		if (l->fix_shows && !strstr(out, l->fix_shows))
			fail_msg("%s --policy %s: the timeline lacks '%s':\n%s", l->file, l->fix,
				 l->fix_shows, out);
		if (l->fix_lacks && strstr(out, l->fix_lacks))
			fail_msg("%s --policy %s: the timeline shows '%s':\n%s", l->file, l->fix,
				 l->fix_lacks, out);
	}
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

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_labs),
		cmocka_unit_test(test_sibling_explosion),
	};
	return cmocka_run_group_tests(tests, tp_setup, tp_teardown);
}
