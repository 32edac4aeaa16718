/*
 * catalog.c - the metrics of every owner, walked in report order.  The
 * tables are few and short (some tens of entries): lookups walk them.
 */
#include "sim/app/catalog.h"

#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "models/model.h"
#include "sim/app/runner.h"

/* Calls fn for each owner's table in order, until it returns non-zero. */
struct walk {
	size_t index;	/* the entry wanted (by index), or SIZE_MAX */
	const char *name; /* the entry wanted (by name), or NULL */
	size_t seen;	/* entries passed so far */
	const struct metric_info *found;
	const char *owner;
};

/* Whether an earlier table already lists `name` (the owner that came
 * first keeps it). */
static bool listed_before(const struct metric_info *const *tables, size_t t, const char *name)
{
	for (size_t i = 0; i < t; i++)
		if (metric_find(tables[i], name))
			return true;
	return false;
}

static void walk(struct walk *w)
{
	size_t np = registry_count(), nr = registry_repl_count();
	size_t ntables = 1 + np + nr;
	const struct metric_info *tables[1 + 64];
	const char *owners[1 + 64];
	if (ntables > sizeof(tables) / sizeof(tables[0]))
		ntables = sizeof(tables) / sizeof(tables[0]);
	tables[0] = run_metrics;
	owners[0] = "general";
	for (size_t i = 0; i < np && 1 + i < ntables; i++) {
		tables[1 + i] = registry_at(i)->metrics;
		owners[1 + i] = registry_at(i)->name;
	}
	for (size_t i = 0; i < nr && 1 + np + i < ntables; i++) {
		tables[1 + np + i] = registry_repl_at(i)->metrics;
		owners[1 + np + i] = registry_repl_at(i)->name;
	}
	for (size_t t = 0; t < ntables; t++)
		for (const struct metric_info *m = tables[t]; m && m->name; m++) {
			if (t > 0 && listed_before(tables, t, m->name))
				continue;
			if ((w->name && strcmp(w->name, m->name) == 0) || w->seen == w->index) {
				w->found = m;
				w->owner = owners[t];
				return;
			}
			w->seen++;
		}
}

size_t catalog_count(void)
{
	struct walk w = {.index = SIZE_MAX};
	walk(&w);
	return w.seen;
}

const struct metric_info *catalog_at(size_t i)
{
	struct walk w = {.index = i};
	walk(&w);
	return w.found;
}

const char *catalog_owner(size_t i)
{
	struct walk w = {.index = i};
	walk(&w);
	return w.owner;
}

const struct metric_info *catalog_find(const char *name, size_t *rank)
{
	struct walk w = {.index = SIZE_MAX, .name = name};
	walk(&w);
	if (rank)
		*rank = w.seen;
	return w.found;
}
