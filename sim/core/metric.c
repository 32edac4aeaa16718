/*
 * metric.c - lookups in tables of metric descriptions.
 */
#include "sim/core/metric.h"

#include <string.h>

const struct metric_info *metric_find(const struct metric_info *table, const char *name)
{
	for (const struct metric_info *m = table; m && m->name; m++)
		if (strcmp(m->name, name) == 0)
			return m;
	return NULL;
}

size_t metric_count(const struct metric_info *table)
{
	size_t n = 0;
	for (const struct metric_info *m = table; m && m->name; m++)
		n++;
	return n;
}
