/*
 * registry.c - the tables of policies and of replication strategies.  A
 * new policy is one line in the first, a new strategy one line in the
 * second.
 */
#include "models/model.h"

#include <string.h>

extern const struct policy lww_policy;
extern const struct policy version_policy;
extern const struct policy siblings_policy;
extern const struct policy lock_policy;

static const struct policy *const policies[] = {
	&lww_policy,
	&version_policy,
	&siblings_policy,
	&lock_policy,
};

extern const struct repl repl_none;
extern const struct repl repl_primary;
extern const struct repl repl_quorum;

static const struct repl *const repls[] = {
	&repl_none,
	&repl_primary,
	&repl_quorum,
};

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

size_t registry_count(void)
{
	return COUNT(policies);
}

const struct policy *registry_at(size_t i)
{
	return i < COUNT(policies) ? policies[i] : NULL;
}

const struct policy *registry_find(const char *name)
{
	for (size_t i = 0; i < COUNT(policies); i++)
		if (strcmp(policies[i]->name, name) == 0)
			return policies[i];
	return NULL;
}

size_t registry_repl_count(void)
{
	return COUNT(repls);
}

const struct repl *registry_repl_at(size_t i)
{
	return i < COUNT(repls) ? repls[i] : NULL;
}

const struct repl *registry_repl_find(const char *name)
{
	for (size_t i = 0; i < COUNT(repls); i++)
		if (strcmp(repls[i]->name, name) == 0)
			return repls[i];
	return NULL;
}
