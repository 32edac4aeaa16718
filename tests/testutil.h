/*
 * testutil.h - helpers shared by the test programs: cmocka's includes in
 * the order Debian's cmocka 1.1.5 needs, and building run configs.
 */
#ifndef CLOBBER_TESTUTIL_H
#define CLOBBER_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/model.h"
#include "models/config.h"
#include "sim/core/kernel.h"
#include "sim/app/runner.h"
#include "sim/app/schema.h"

/* qsort order of recorded operations: by client, then by issue time (the
 * order in which runs of different policies are compared op by op). */
static inline int test_by_client_then_begin(const void *x, const void *y)
{
	const struct op_row *a = x, *b = y;
	if (a->client != b->client)
		return a->client < b->client ? -1 : 1;
	return a->begin < b->begin ? -1 : a->begin > b->begin;
}

/* Fails the test with a message that shows the values involved. */
#define check_near(actual, expected, tol, what)                                        \
	do {                                                                           \
		double a_ = (actual), e_ = (expected), t_ = (tol);                     \
		if (!(fabs(a_ - e_) <= t_))                                            \
			fail_msg("%s: got %.6g, expected %.6g +- %.3g", (what), a_, e_, t_); \
	} while (0)

static inline struct run_config test_config(const char *policy)
{
	struct run_config c;
	config_defaults(&c);
	c.policy = registry_find(policy);
	if (!c.policy)
		fail_msg("no policy %s", policy);
	if (policy_defaults(c.policy, c.popts.bytes) < 0)
		fail_msg("defaults of %s do not parse", policy);
	snprintf(c.label, sizeof(c.label), "%s", policy);
	return c;
}

static inline void test_option(struct run_config *c, const char *name, const char *value)
{
	struct parse_error e;
	if (policy_set_option(c->policy, c->popts.bytes, name, value, &e) < 0)
		fail_msg("option %s=%s: %s", name, value, e.msg);
}

static inline struct dist dconst(double ns)
{
	return (struct dist){.kind = DIST_CONST, .a = ns, .b = 0};
}

static inline struct dist dexp(double mean_ns)
{
	return (struct dist){.kind = DIST_EXP, .a = mean_ns, .b = 0};
}

static inline void test_run(const struct run_config *c, struct run_result *r)
{
	int rc = runner_run(c, r, NULL, NULL);
	if (rc != 0)
		fail_msg("run failed: %d", rc);
}

static inline double metric(const struct run_result *r, const char *name)
{
	double v = run_metric(r, name);
	if (isnan(v))
		fail_msg("no metric %s", name);
	return v;
}

#endif
