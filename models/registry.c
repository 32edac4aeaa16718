/*
 * registry.c - the table of policies.  A new policy is one line here.
 */
#include "models/model.h"

#include <string.h>

extern const struct policy lww_policy;
extern const struct policy version_policy;
extern const struct policy siblings_policy;
extern const struct policy lock_policy;

static const struct policy *const registry[] = {
	&lww_policy,
	&version_policy,
	&siblings_policy,
	&lock_policy,
};

size_t registry_count(void)
{
	return sizeof(registry) / sizeof(registry[0]);
}

const struct policy *registry_at(size_t i)
{
	return i < registry_count() ? registry[i] : NULL;
}

const struct policy *registry_find(const char *name)
{
	for (size_t i = 0; i < registry_count(); i++)
		if (strcmp(registry[i]->name, name) == 0)
			return registry[i];
	return NULL;
}
