/*
 * scenario.c - scenario files: loading, --set overrides, the sweep, the
 * list of policies and the numbering of runs.  Each run's config is
 * resolved from the schema's tables by resolve.c; its identity is printed
 * by params.c.
 */
#include "sim/app/scenario.h"

#include <ctype.h>
#include <stddef.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/model.h"
#include "sim/app/schema.h"
#include "sim/app/subst.h"
#include "sim/core/units.h"

/* ---- loading ---- */

static char *dup_or_null(const char *s)
{
	return s ? strdup(s) : NULL;
}

void scenario_free(struct scenario *s)
{
	if (!s)
		return;
	for (size_t a = 0; a < s->naxes; a++) {
		free(s->axes[a].name);
		free(s->axes[a].values);
	}
	free(s->axes);
	free(s->group_values);
	free(s->policies);
	ydoc_free(s->root);
	for (size_t i = 0; i < s->nsets; i++)
		free(s->sets[i]);
	free(s->sets);
	free(s->path);
	free(s->name);
	free(s->description);
	free(s);
}

/* Marks every node of a --set value as coming from --set number k. */
static void mark_set(struct ynode *n, int k)
{
	n->line = -k;
	for (size_t i = 0; i < n->n; i++)
		mark_set(n->item[i], k);
}


/* The mapping that holds sweep axis `name`: the sweep, or a zip group in
 * it; NULL when there is no such axis. */
static struct ynode *axis_home(struct ynode *sweep, const char *name)
{
	if (!sweep || sweep->type != Y_MAP)
		return NULL;
	struct ynode *zip = ydoc_get(sweep, "zip");
	if (zip && zip->type == Y_MAP && ydoc_get(zip, name))
		return zip;
	for (size_t g = 0; zip && zip->type == Y_SEQ && g < zip->n; g++)
		if (zip->item[g]->type == Y_MAP && ydoc_get(zip->item[g], name))
			return zip->item[g];
	return ydoc_get(sweep, name) ? sweep : NULL;
}

/* Applies one NAME=VALUE. */
static int apply_set(struct scenario *s, size_t k, struct sdiag *d)
{
	const char *arg = s->sets[k];
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg) {
		snprintf(d->text, sizeof(d->text),
			 "--set %s: expected NAME=VALUE, such as --set workload.clients=4", arg);
		return -1;
	}
	char name[256];
	snprintf(name, sizeof(name), "%.*s", (int)(eq - arg), arg);
	const char *value = eq + 1;
	struct ynode *v;
	struct ydiag yd;
	if (ydoc_parse(value, strlen(value), &v, &yd) < 0) {
		if (value[0] == '\0') {
			v = ydoc_scalar("", 1, 1);
			if (!v)
				return -1;
		} else {
			snprintf(d->text, sizeof(d->text), "--set %s: column %d: %s", arg,
				 (int)(eq - arg) + 1 + yd.col, yd.msg);
			return -1;
		}
	}
	/* columns inside the argument */
	int shift = (int)(eq - arg) + 1;
	struct ynode *stack[128];
	size_t top = 0;
	stack[top++] = v;
	while (top) {
		struct ynode *x = stack[--top];
		x->col += shift;
		for (size_t i = 0; i < x->n && top < 128; i++)
			stack[top++] = x->item[i];
	}
	mark_set(v, (int)k + 1);
	struct ynode *home = strchr(name, '.') ? NULL : axis_home(ydoc_get(s->root, "sweep"), name);
	if (home) {
		/* a sweep axis: its values become VALUE (a list, or one value) */
		if (v->type == Y_SCALAR) {
			struct ynode *seq = calloc(1, sizeof(*seq));
			struct ynode **item = malloc(sizeof(*item));
			if (!seq || !item) {
				free(seq);
				free(item);
				ydoc_free(v);
				return -1;
			}
			seq->type = Y_SEQ;
			seq->line = v->line;
			seq->col = v->col;
			seq->item = item;
			seq->item[0] = v;
			seq->n = 1;
			v = seq;
		}
		return ydoc_set(home, name, v);
	}
	/* a path: walk (creating mappings) to the last component */
	struct ynode *node = s->root;
	char *save, *part = strtok_r(name, ".", &save);
	while (part) {
		char *next = strtok_r(NULL, ".", &save);
		if (!next)
			return ydoc_set(node, part, v);
		struct ynode *child = ydoc_get(node, part);
		if (!child) {
			child = ydoc_map(-(int)k - 1, 1);
			if (!child || ydoc_set(node, part, child) < 0) {
				ydoc_free(v);
				return -1;
			}
		} else if (child->type != Y_MAP) {
			snprintf(d->text, sizeof(d->text), "--set %s: '%s' is not a mapping in the scenario",
				 arg, part);
			ydoc_free(v);
			return -1;
		}
		node = child;
		part = next;
	}
	ydoc_free(v);
	snprintf(d->text, sizeof(d->text), "--set %s: expected NAME=VALUE", arg);
	return -1;
}

/* ---- the sweep ---- */

/* Whether a node is a zip group: `zip: {a: [...], b: [...]}`, or a list
 * of such mappings.  `zip: [1, 2]` stays an axis named zip. */
static bool is_zip(const struct ynode *key, const struct ynode *vals)
{
	if (strcmp(key->text, "zip") != 0)
		return false;
	if (vals->type == Y_MAP)
		return true;
	return vals->type == Y_SEQ && vals->n > 0 && vals->item[0]->type == Y_MAP;
}

/* Reads one axis, in group `group`. */
static int load_axis(struct scenario *s, const struct ynode *key, const struct ynode *vals,
		     size_t group, struct sdiag *d)
{
	if (s->naxes >= SCENARIO_MAX_AXES)
		return sdiag_at(d, s, key, 0, "sweep: at most %d axes", SCENARIO_MAX_AXES);
	struct sweep_axis *a = &s->axes[s->naxes];
	if (!subst_is_name(key->text))
		return sdiag_at(d, s, key, 0,
				"sweep: '%s' is not a valid name (letters, digits and _, not starting with a digit)",
				key->text);
	for (size_t b = 0; b < s->naxes; b++)
		if (strcmp(s->axes[b].name, key->text) == 0)
			return sdiag_at(d, s, key, 0, "sweep: the axis '%s' is defined twice (line %d)",
					key->text, s->axes[b].key->line);
	if (vals->type == Y_SCALAR)
		return sdiag_at(d, s, vals, 0, "sweep: %s: expected a list of values, such as [%s]",
				key->text, vals->text);
	if (vals->type != Y_SEQ)
		return sdiag_at(d, s, vals, 0, "sweep: %s: expected a list of values, found %s",
				key->text, ydoc_type_name(vals->type));
	if (vals->n == 0)
		return sdiag_at(d, s, vals, 0, "sweep: %s: the list is empty", key->text);
	if (vals->n > SCENARIO_MAX_AXIS_VALUES)
		return sdiag_at(d, s, vals, 0, "sweep: %s: at most %d values", key->text,
				SCENARIO_MAX_AXIS_VALUES);
	a->name = strdup(key->text);
	a->key = key;
	a->group = group;
	a->values = calloc(vals->n, sizeof(*a->values));
	if (!a->name || !a->values) {
		free(a->name);
		free(a->values);
		return sdiag_at(d, s, key, 0, "out of memory");
	}
	s->naxes++;
	a->nvalues = vals->n;
	for (size_t j = 0; j < vals->n; j++) {
		const struct ynode *v = vals->item[j];
		if (v->type != Y_SCALAR)
			return sdiag_at(d, s, v, 0, "sweep: %s: each value must be a single value, found %s",
					key->text, ydoc_type_name(v->type));
		if (strchr(v->text, '$'))
			return sdiag_at(d, s, v, 0, "sweep: %s: a sweep value cannot refer to another ($)",
					key->text);
		char what[160];
		snprintf(what, sizeof(what), "sweep: %s", key->text);
		if (sdiag_printable(d, s, v, v->text, what) < 0)
			return -1;
		a->values[j] = v;
	}
	return 0;
}

/* A zip group: every axis of the mapping in group `group`, all with as
 * many values. */
static int load_zip(struct scenario *s, const struct ynode *map, size_t group, struct sdiag *d)
{
	if (map->type != Y_MAP)
		return sdiag_at(d, s, map, 0,
				"sweep: zip: expected a mapping of names to lists taken together, such as "
				"zip: {clients: [4, 8], rate: [200/s, 100/s]}, found %s",
				ydoc_type_name(map->type));
	if (map->n < 4)
		return sdiag_at(d, s, map, 0,
				"sweep: zip: needs at least two axes, whose values go together (one axis is "
				"written outside zip)");
	size_t first = s->naxes;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		if (is_zip(map->item[i], map->item[i + 1]))
			return sdiag_at(d, s, map->item[i], 0, "sweep: zip: a zip cannot hold another");
		if (load_axis(s, map->item[i], map->item[i + 1], group, d) < 0)
			return -1;
	}
	const struct sweep_axis *a0 = &s->axes[first];
	for (size_t b = first + 1; b < s->naxes; b++)
		if (s->axes[b].nvalues != a0->nvalues)
			return sdiag_at(d, s, s->axes[b].key, 0,
					"sweep: zip: %s has %zu values and %s has %zu: the axes of a zip take "
					"their values together (the first of each, then the second, ...), so "
					"their lists must be equally long",
					s->axes[b].name, s->axes[b].nvalues, a0->name, a0->nvalues);
	s->group_values[group] = a0->nvalues;
	return 0;
}

/* A value's identity for the duplicate check: its kind and number when it
 * is a number, a duration or a rate ("02" is 2, "1000us" is 1ms), else its
 * text. */
static void value_identity(const char *text, struct strbuf *b)
{
	double x;
	if (units_number(text, &x, NULL) == 0)
		sb_printf(b, "n%.17g", x);
	else if (units_duration(text, &x, NULL) == 0)
		sb_printf(b, "d%.17g", x);
	else if (units_rate(text, &x, NULL) == 0)
		sb_printf(b, "r%.17g", x);
	else
		sb_printf(b, "t%s", text);
}

struct tuple {
	char *id;	/* the identities of the group's values at this index, joined */
	size_t index;
};

static int tuple_cmp(const void *pa, const void *pb)
{
	const struct tuple *a = pa, *b = pb;
	int c = strcmp(a->id, b->id);
	return c ? c : (a->index > b->index) - (a->index < b->index);
}

/* Refuses a group with two equal points ([2, 2, 02]): they would run the
 * same runs under two names.  O(n log n) in the values. */
static int check_distinct(struct scenario *s, size_t group, struct sdiag *d)
{
	size_t n = s->group_values[group];
	struct tuple *t = calloc(n, sizeof(*t));
	if (!t)
		return sdiag_at(d, s, NULL, 0, "out of memory");
	int rc = 0;
	for (size_t j = 0; j < n && rc == 0; j++) {
		struct strbuf b;
		sb_init(&b);
		for (size_t a = 0; a < s->naxes; a++)
			if (s->axes[a].group == group) {
				value_identity(s->axes[a].values[j]->text, &b);
				sb_putn(&b, "\x1f", 1);
			}
		t[j].id = b.s;
		t[j].index = j;
		if (b.failed || !b.s)
			rc = sdiag_at(d, s, NULL, 0, "out of memory");
	}
	if (rc == 0)
		qsort(t, n, sizeof(*t), tuple_cmp);
	for (size_t j = 1; j < n && rc == 0; j++) {
		if (strcmp(t[j].id, t[j - 1].id) != 0)
			continue;
		size_t later = t[j].index, earlier = t[j - 1].index;
		const struct sweep_axis *a = NULL;
		size_t in_group = 0;
		for (size_t k = 0; k < s->naxes; k++)
			if (s->axes[k].group == group) {
				a = a ? a : &s->axes[k];
				in_group++;
			}
		if (!a)
			break; /* cannot happen: a group has an axis */
		const struct ynode *v = a->values[later], *w = a->values[earlier];
		if (in_group == 1)
			rc = sdiag_at(d, s, v, 0,
				      "sweep: %s: value %zu, '%s', repeats value %zu, '%s': each value once "
				      "(the same runs would be stored twice, under two names)",
				      a->name, later + 1, v->text, earlier + 1, w->text);
		else
			rc = sdiag_at(d, s, v, 0,
				      "sweep: zip: the values at position %zu repeat those at position %zu: "
				      "each combination once (the same runs would be stored twice)",
				      later + 1, earlier + 1);
	}
	for (size_t j = 0; j < n; j++)
		free(t[j].id);
	free(t);
	return rc;
}

static int load_sweep(struct scenario *s, const struct ynode *sweep, struct sdiag *d)
{
	if (!sweep)
		return 0;
	if (sweep->type != Y_MAP)
		return sdiag_at(d, s, sweep, 0, "sweep: expected a mapping of names to lists of values, such as {skew: [0ms, 10ms]}");
	size_t naxes = 0;
	for (size_t i = 0; i + 1 < sweep->n; i += 2) {
		const struct ynode *key = sweep->item[i], *vals = sweep->item[i + 1];
		if (!is_zip(key, vals))
			naxes++;
		else if (vals->type == Y_MAP)
			naxes += vals->n / 2;
		else
			for (size_t g = 0; g < vals->n; g++)
				naxes += vals->item[g]->type == Y_MAP ? vals->item[g]->n / 2 : 1;
	}
	if (naxes > SCENARIO_MAX_AXES)
		return sdiag_at(d, s, sweep, 0, "sweep: at most %d axes, found %zu", SCENARIO_MAX_AXES,
				naxes);
	s->axes = calloc(SCENARIO_MAX_AXES, sizeof(*s->axes));
	s->group_values = calloc(SCENARIO_MAX_AXES, sizeof(*s->group_values));
	if (!s->axes || !s->group_values)
		return sdiag_at(d, s, sweep, 0, "out of memory");
	for (size_t i = 0; i + 1 < sweep->n; i += 2) {
		const struct ynode *key = sweep->item[i], *vals = sweep->item[i + 1];
		if (!is_zip(key, vals)) {
			if (load_axis(s, key, vals, s->ngroups, d) < 0)
				return -1;
			s->group_values[s->ngroups++] = s->axes[s->naxes - 1].nvalues;
			continue;
		}
		size_t ngroups = vals->type == Y_MAP ? 1 : vals->n;
		for (size_t g = 0; g < ngroups; g++) {
			if (s->ngroups >= SCENARIO_MAX_AXES)
				return sdiag_at(d, s, key, 0, "sweep: at most %d axes", SCENARIO_MAX_AXES);
			const struct ynode *map = vals->type == Y_MAP ? vals : vals->item[g];
			if (load_zip(s, map, s->ngroups, d) < 0)
				return -1;
			s->ngroups++;
		}
	}
	uint64_t points = 1;
	for (size_t g = 0; g < s->ngroups; g++) {
		if (check_distinct(s, g, d) < 0)
			return -1;
		if (points <= SCENARIO_MAX_RUNS)
			points *= s->group_values[g];
	}
	s->npoints = points;
	return 0;
}

/* The label "as written": name(k=v,...) with nested options dotted. */
static void default_label(const struct ynode *opts, const char *prefix, char *out, size_t cap)
{
	for (size_t i = 0; opts && i + 1 < opts->n; i += 2) {
		const struct ynode *k = opts->item[i], *v = opts->item[i + 1];
		if (!prefix[0] && strcmp(k->text, "label") == 0)
			continue;
		char name[96];
		snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "", k->text);
		if (v->type == Y_MAP) {
			default_label(v, name, out, cap);
			continue;
		}
		size_t len = strlen(out);
		snprintf(out + len, cap - len, "%s%s=%s", out[len - 1] == '(' ? "" : ",", name,
			 v->type == Y_SCALAR ? v->text : "?");
	}
}

static int load_policies(struct scenario *s, const struct ynode *list, struct sdiag *d)
{
	if (!list)
		return sdiag_at(d, s, s->root, 0,
			   "a scenario needs 'policies', a list such as [lww, version, siblings, lock]");
	if (list->type != Y_SEQ)
		return sdiag_at(d, s, list, 0, "policies: expected a list such as [lww, version], found %s",
			   ydoc_type_name(list->type));
	if (list->n == 0)
		return sdiag_at(d, s, list, 0, "policies: the list is empty");
	if (list->n > 1000)
		return sdiag_at(d, s, list, 0, "policies: at most 1000");
	s->policies = calloc(list->n, sizeof(*s->policies));
	if (!s->policies)
		return sdiag_at(d, s, list, 0, "out of memory");
	const char *names[32];
	size_t nnames = 0;
	for (size_t i = 0; i < registry_count() && nnames < 32; i++)
		names[nnames++] = registry_at(i)->name;
	char all[200];
	sdiag_join(names, nnames, all, sizeof(all));
	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *item = list->item[i], *name = item, *opts = NULL;
		struct scenario_policy *sp = &s->policies[i];
		if (item->type == Y_MAP) {
			if (item->n != 2)
				return sdiag_at(d, s, item, 0,
					   "policies: each entry is a policy name or {name: {options}}, such as lock: {mode: wait}");
			name = item->item[0];
			opts = item->item[1];
			if (opts->type == Y_SCALAR && opts->text[0] == '\0' && opts->plain)
				opts = NULL; /* "lww:" with nothing after it */
			else if (opts->type != Y_MAP)
				return sdiag_at(d, s, opts, 0, "policies: %s: expected a mapping of options, found %s",
					   name->text, ydoc_type_name(opts->type));
		} else if (item->type != Y_SCALAR) {
			return sdiag_at(d, s, item, 0, "policies: expected a policy name, found %s",
				   ydoc_type_name(item->type));
		}
		sp->policy = registry_find(name->text);
		if (!sp->policy) {
			char hint[96];
			sdiag_suggest(name->text, names, nnames, hint, sizeof(hint));
			return sdiag_at(d, s, name, 0, "unknown policy '%s'%s (the policies are %s)", name->text,
				   hint, all);
		}
		sp->node = item;
		sp->options = opts;
		const struct ynode *label = opts ? ydoc_get(opts, "label") : NULL;
		if (label && (label->type != Y_SCALAR || label->text[0] == '\0'))
			return sdiag_at(d, s, label, 0, "policies: %s: label must be a non-empty name", name->text);
		if (label) {
			snprintf(sp->label, sizeof(sp->label), "%s", label->text);
		} else {
			snprintf(sp->label, sizeof(sp->label), "%s(", name->text);
			default_label(opts, "", sp->label, sizeof(sp->label));
			size_t len = strlen(sp->label);
			if (sp->label[len - 1] == '(')
				sp->label[len - 1] = '\0';
			else if (len + 1 < sizeof(sp->label))
				strcat(sp->label, ")");
		}
		if (sdiag_printable(d, s, label ? label : item, sp->label, "policies: label") < 0)
			return -1;
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->policies[j].label, sp->label) == 0)
				return sdiag_at(d, s, item, 0,
					   "policies: two entries are labelled '%s'; give one a different label: (they must be told apart in results)",
					   sp->label);
	}
	s->npolicies = list->n;
	return 0;
}

void scenario_file_name(const char *name, char *buf, size_t n)
{
	size_t j = 0;
	for (const char *p = name; *p && j + 1 < n; p++) {
		unsigned char c = (unsigned char)*p;
		bool ok = isalnum(c) || c == '-' || c == '_' || (c == '.' && j > 0);
		buf[j++] = ok ? (char)c : '_';
	}
	buf[j] = '\0';
	/* no "..", no leading dot or dash */
	for (char *d = strstr(buf, ".."); d; d = strstr(buf, ".."))
		d[0] = '_';
	if (buf[0] == '-' || buf[0] == '\0') {
		char tmp[256];
		snprintf(tmp, sizeof(tmp), "scenario%s", buf);
		snprintf(buf, n, "%s", tmp);
	}
}

static int load_top(struct scenario *s, struct sdiag *d)
{
	const struct ynode *root = s->root;
	if (root->type != Y_MAP)
		return sdiag_at(d, s, root, 0, "expected a scenario: a mapping with name, policies, workload, ...; found %s",
			   ydoc_type_name(root->type));
	for (size_t i = 0; i + 1 < root->n; i += 2)
		if (!field_find(schema_top, root->item[i]->text) || strchr(root->item[i]->text, '.'))
			return resolve_unknown_key(s, d, root->item[i], schema_top, "");
	const struct ynode *name = ydoc_get(root, "name");
	if (!name)
		return sdiag_at(d, s, root, 0, "a scenario needs a 'name' (it names results/NAME.db)");
	/* any printable text, 1 to 100 bytes; scenario_file_name() makes it
	 * safe for a file name */
	if (name->type != Y_SCALAR || name->text[0] == '\0' || strlen(name->text) > 100)
		return sdiag_at(d, s, name, 0,
			   "name: expected a name of 1 to 100 characters without control characters");
	if (sdiag_printable(d, s, name, name->text, "name") < 0)
		return -1;
	s->name = strdup(name->text);
	const struct ynode *desc = ydoc_get(root, "description");
	if (desc && desc->type != Y_SCALAR)
		return sdiag_at(d, s, desc, 0, "description: expected text");
	s->description = dup_or_null(desc ? desc->text : "");
	if (!s->name || !s->description)
		return sdiag_at(d, s, root, 0, "out of memory");
	/* seed and replications hold for every point: read once, here */
	static const struct field seed_field = {.name = "seed", .type = FT_U64, .min = 0, .max = 9.2e18,
						.offset = offsetof(struct scenario, seed)};
	static const struct field reps_field = {.name = "replications", .type = FT_U64, .min = 1,
						.max = 10000,
						.offset = offsetof(struct scenario, replications)};
	struct rctx c = {.s = s, .d = d};
	const struct ynode *seed = ydoc_get(root, "seed");
	const struct ynode *reps = ydoc_get(root, "replications");
	if (subst_refuse(s, seed, "seed", d) < 0 || subst_refuse(s, reps, "replications", d) < 0)
		return -1;
	s->seed = 1;
	if (seed && resolve_field(&c, &seed_field, seed, "seed", s) < 0)
		return -1;
	s->replications = 1;
	if (reps && resolve_field(&c, &reps_field, reps, "replications", s) < 0)
		return -1;
	if (load_sweep(s, ydoc_get(root, "sweep"), d) < 0)
		return -1;
	if (load_policies(s, ydoc_get(root, "policies"), d) < 0)
		return -1;
	bool *used = calloc(s->naxes + 1, sizeof(*used));
	if (!used)
		return sdiag_at(d, s, root, 0, "out of memory");
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const char *k = root->item[i]->text;
		if (strcmp(k, "sweep") == 0 || strcmp(k, "name") == 0 || strcmp(k, "description") == 0)
			continue; /* not substituted: a $ there is just a dollar */
		if (subst_check_refs(s, root->item[i + 1], used, d) < 0) {
			free(used);
			return -1;
		}
	}
	for (size_t a = 0; a < s->naxes; a++)
		if (!used[a]) {
			free(used);
			return sdiag_at(d, s, s->axes[a].key, 0,
				   "sweep: '%s' is never used: write $%s in the values it should vary",
				   s->axes[a].name, s->axes[a].name);
		}
	free(used);
	uint64_t runs = s->npoints;
	if (runs > SCENARIO_MAX_RUNS || runs * s->npolicies > SCENARIO_MAX_RUNS ||
	    runs * s->npolicies * s->replications > SCENARIO_MAX_RUNS)
		return sdiag_at(d, s, ydoc_get(root, "sweep") ? ydoc_get(root, "sweep") : root, 0,
			   "the sweep expands to more than %d runs (points x policies x replications); split it",
			   SCENARIO_MAX_RUNS);
	return 0;
}

struct scenario *scenario_parse(const char *path, const char *text, size_t len,
				const char *const *sets, size_t nsets, struct sdiag *d)
{
	struct scenario *s = calloc(1, sizeof(*s));
	if (!s || !(s->path = strdup(path))) {
		free(s);
		snprintf(d->text, sizeof(d->text), "%s: out of memory", path);
		return NULL;
	}
	s->npoints = 1;
	if (len >= 16 && memcmp(text, "SQLite format 3", 16) == 0) {
		/* the commonest mix-up: a results database where a scenario goes */
		snprintf(d->text, sizeof(d->text),
			 "%s: this is an SQLite database (a results database?), not a scenario file (YAML); "
			 "results are read by clobber report DB, clobber plot DB and clobber trace --run ID DB",
			 path);
		scenario_free(s);
		return NULL;
	}
	struct ydiag yd;
	if (ydoc_parse(text, len, &s->root, &yd) < 0) {
		if (yd.line > 0)
			snprintf(d->text, sizeof(d->text), "%s:%d:%d: %s", path, yd.line, yd.col, yd.msg);
		else
			snprintf(d->text, sizeof(d->text), "%s: %s", path, yd.msg);
		scenario_free(s);
		return NULL;
	}
	if (s->root->type == Y_MAP && nsets) {
		s->sets = calloc(nsets, sizeof(*s->sets));
		if (!s->sets)
			goto out_fail;
		for (size_t i = 0; i < nsets; i++)
			if (!(s->sets[s->nsets++] = strdup(sets[i])))
				goto out_fail;
		for (size_t i = 0; i < nsets; i++)
			if (apply_set(s, i, d) < 0)
				goto out_fail;
	}
	if (load_top(s, d) < 0)
		goto out_fail;
	return s;
out_fail:
	scenario_free(s);
	return NULL;
}

struct scenario *scenario_load(const char *path, const char *const *sets, size_t nsets,
			       struct sdiag *d)
{
	struct strbuf text;
	sb_init(&text);
	if (sb_read_file(&text, path, SCENARIO_MAX_FILE) < 0) {
		if (errno == EFBIG)
			snprintf(d->text, sizeof(d->text), "%s: larger than %d bytes: not a scenario file",
				 path, SCENARIO_MAX_FILE);
		else if (errno == EIO)
			snprintf(d->text, sizeof(d->text), "%s: cannot read", path);
		else
			snprintf(d->text, sizeof(d->text), "%s: cannot open: %s", path, strerror(errno));
		sb_free(&text);
		return NULL;
	}
	struct scenario *s = scenario_parse(path, text.s ? text.s : "", text.len, sets, nsets, d);
	sb_free(&text);
	return s;
}

/* ---- expansion ---- */

uint64_t scenario_points(const struct scenario *s)
{
	return s->npoints;
}

uint64_t scenario_runs(const struct scenario *s)
{
	return s->npoints * s->npolicies * s->replications;
}

void scenario_run_index(const struct scenario *s, uint64_t i, uint64_t *point, size_t *policy,
			uint64_t *replication)
{
	*replication = i % s->replications;
	i /= s->replications;
	*policy = (size_t)(i % s->npolicies);
	*point = i / s->npolicies;
}

const char *scenario_axis_value(const struct scenario *s, uint64_t point, size_t a)
{
	/* mixed radix over the groups, the last the fastest; the axes of a
	 * group share its digit */
	size_t g = s->axes[a].group;
	for (size_t h = s->ngroups; h-- > g + 1;)
		point /= s->group_values[h];
	return s->axes[a].values[point % s->group_values[g]]->text;
}
