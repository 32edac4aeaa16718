/*
 * scenario.c - scenario files: structure checks at load, per-run resolution
 * through tables of keys, sweep expansion, parameters as JSON.
 */
#include "sim/app/scenario.h"

#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "models/model.h"
#include "sim/core/kernel.h"
#include "sim/core/units.h"

/* ---- messages ---- */

static int verr(const struct scenario *s, const char *path, const struct ynode *n, int coloff,
		struct sdiag *d, const char *fmt, va_list ap)
{
	char msg[700];
	vsnprintf(msg, sizeof(msg), fmt, ap);
	if (n && n->line < 0 && s && (size_t)(-n->line) <= s->nsets)
		snprintf(d->text, sizeof(d->text), "--set %s: column %d: %s", s->sets[-n->line - 1],
			 n->col + coloff, msg);
	else if (n && n->line > 0)
		snprintf(d->text, sizeof(d->text), "%s:%d:%d: %s", path, n->line, n->col + coloff, msg);
	else
		snprintf(d->text, sizeof(d->text), "%s: %s", path, msg);
	return -1;
}

static int err(const struct scenario *s, const struct ynode *n, int coloff, struct sdiag *d,
	       const char *fmt, ...) __attribute__((format(printf, 5, 6)));

static int err(const struct scenario *s, const struct ynode *n, int coloff, struct sdiag *d,
	       const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	verr(s, s->path, n, coloff, d, fmt, ap);
	va_end(ap);
	return -1;
}

/* " (did you mean 'x'?)" for the closest candidate, or "". */
static void suggest(const char *word, const char *const *cands, size_t n, char *out, size_t cap)
{
	size_t best = 99;
	const char *pick = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t dist = str_distance(word, cands[i]);
		if (dist < best) {
			best = dist;
			pick = cands[i];
		}
	}
	size_t len = strlen(word);
	if (pick && best <= (len < 5 ? 1 : len < 9 ? 2 : 3))
		snprintf(out, cap, "; did you mean '%s'?", pick);
	else
		out[0] = '\0';
}

static void join(const char *const *names, size_t n, char *out, size_t cap)
{
	out[0] = '\0';
	for (size_t i = 0; i < n; i++) {
		if (i)
			strncat(out, ", ", cap - strlen(out) - 1);
		strncat(out, names[i], cap - strlen(out) - 1);
	}
}

/* ---- substitution of sweep values ---- */

static bool ident_start(int c)
{
	return isalpha(c) || c == '_';
}

static bool ident_char(int c)
{
	return isalnum(c) || c == '_';
}

static size_t axis_index(const struct scenario *s, const char *name, size_t len)
{
	for (size_t a = 0; a < s->naxes; a++)
		if (strlen(s->axes[a].name) == len && strncmp(s->axes[a].name, name, len) == 0)
			return a;
	return SIZE_MAX;
}

/* Finds the next $name in text from *i: sets *name and *len, and *i past
 * it; returns the offset of the '$', or -1 at the end.  `$$` is skipped
 * (with *len = 0), a '$' not followed by a name is an error (-2). */
static long next_ref(const char *text, size_t *i, const char **name, size_t *len)
{
	for (; text[*i]; (*i)++) {
		if (text[*i] != '$')
			continue;
		size_t at = *i;
		if (text[at + 1] == '$') {
			*i = at + 2;
			*len = 0;
			return (long)at;
		}
		if (text[at + 1] == '{') {
			size_t j = at + 2;
			if (!ident_start((unsigned char)text[j]))
				return -2 - (long)at;
			while (ident_char((unsigned char)text[j]))
				j++;
			if (text[j] != '}')
				return -2 - (long)at;
			*name = text + at + 2;
			*len = j - at - 2;
			*i = j + 1;
			return (long)at;
		}
		if (!ident_start((unsigned char)text[at + 1]))
			return -2 - (long)at;
		size_t j = at + 1;
		while (ident_char((unsigned char)text[j]))
			j++;
		*name = text + at + 1;
		*len = j - at - 1;
		*i = j;
		return (long)at;
	}
	return -1;
}

/* The text of scalar n with sweep values of `point` substituted into buf.
 * *subst tells whether anything was replaced.  Fails on names that are not
 * sweep axes (load checks this too). */
static int substitute(const struct scenario *s, uint64_t point, const struct ynode *n, char *buf,
		      size_t cap, bool *subst, struct sdiag *d)
{
	const char *t = n->text;
	size_t i = 0, out = 0, last = 0;
	int q = n->plain ? 0 : 1;
	*subst = false;
	for (;;) {
		const char *name = NULL;
		size_t len = 0;
		long at = next_ref(t, &i, &name, &len);
		if (at == -1)
			break;
		if (at < -1)
			return err(s, n, q + (int)(-2 - at), d,
				   "'$' must start a sweep name ($name or ${name}; $$ for a dollar sign)");
		size_t chunk = (size_t)at - last;
		if (out + chunk + 1 >= cap)
			return err(s, n, q, d, "value too long");
		memcpy(buf + out, t + last, chunk);
		out += chunk;
		if (len == 0) {
			buf[out++] = '$';
		} else {
			size_t a = axis_index(s, name, len);
			if (a == SIZE_MAX)
				return err(s, n, q + (int)at, d, "'$%.*s' is not a sweep axis%s%s", (int)len,
					   name, s->naxes ? "; the sweep defines " : " (the scenario has no sweep)",
					   s->naxes ? s->axes[0].name : "");
			const char *v = scenario_axis_value(s, point, a);
			size_t vl = strlen(v);
			if (out + vl + 1 >= cap)
				return err(s, n, q, d, "value too long");
			memcpy(buf + out, v, vl);
			out += vl;
			*subst = true;
		}
		last = i;
	}
	size_t rest = strlen(t + last);
	if (out + rest + 1 >= cap)
		return err(s, n, q, d, "value too long");
	memcpy(buf + out, t + last, rest + 1);
	return 0;
}

/* seed and replications hold for the whole scenario (every point runs the
 * same seeds, so that policies and points are compared on the same random
 * draws): a sweep name there is refused with that reason rather than as an
 * unknown name. */
static int fixed_value(const struct scenario *s, const struct ynode *n, const char *key,
		       struct sdiag *d)
{
	if (!n || n->type != Y_SCALAR)
		return 0;
	size_t i = 0;
	const char *name = NULL;
	size_t len = 0;
	long at = next_ref(n->text, &i, &name, &len);
	if (at < 0 || len == 0)
		return 0;
	return err(s, n, (n->plain ? 0 : 1) + (int)at, d,
		   "%s: sweep names are not substituted here: %s holds for every sweep point, so "
		   "that all points run on the same seeds (to vary seeds, raise replications)",
		   key, key);
}

/* Every $name in the document (but the sweep itself) must be an axis, and
 * every axis must be used. */
static int check_refs(const struct scenario *s, const struct ynode *n, bool *used, struct sdiag *d)
{
	if (n->type == Y_SCALAR) {
		size_t i = 0;
		for (;;) {
			const char *name = NULL;
			size_t len = 0;
			long at = next_ref(n->text, &i, &name, &len);
			if (at == -1)
				return 0;
			int q = n->plain ? 0 : 1;
			if (at < -1)
				return err(s, n, q + (int)(-2 - at), d,
					   "'$' must start a sweep name ($name or ${name}; $$ for a dollar sign)");
			if (len == 0)
				continue;
			size_t a = axis_index(s, name, len);
			if (a == SIZE_MAX) {
				char names[256], hint[96] = "";
				const char *list[64];
				size_t k = 0;
				for (; k < s->naxes && k < 64; k++)
					list[k] = s->axes[k].name;
				join(list, k, names, sizeof(names));
				char word[64];
				snprintf(word, sizeof(word), "%.*s", (int)len, name);
				suggest(word, list, k, hint, sizeof(hint));
				if (s->naxes)
					return err(s, n, q + (int)at, d,
						   "undefined sweep name '$%s'%s (the sweep defines %s)", word,
						   hint, names);
				return err(s, n, q + (int)at, d,
					   "undefined sweep name '$%s': the scenario has no sweep", word);
			}
			used[a] = true;
		}
	}
	for (size_t i = 0; i < n->n; i++) {
		if (n->type == Y_MAP && i % 2 == 0)
			continue; /* keys are names, not values */
		if (check_refs(s, n->item[i], used, d) < 0)
			return -1;
	}
	return 0;
}

/* ---- resolution context and scalar parsers ---- */

struct rctx {
	const struct scenario *s;
	uint64_t point;
	struct run_spec *out;
	struct sdiag *d;
	char buf[2048];
	bool subst;
};

/* Substitutes scalar n into c->buf; fails if n is not a scalar. */
static int scalar(struct rctx *c, const struct ynode *n, const char *path, const char *expected)
{
	if (n->type != Y_SCALAR)
		return err(c->s, n, 0, c->d, "%s: expected %s, found %s", path, expected,
			   ydoc_type_name(n->type));
	return substitute(c->s, c->point, n, c->buf, sizeof(c->buf), &c->subst, c->d);
}

/* Reports a parse error of scalar n (after substitution). */
static int bad_value(struct rctx *c, const struct ynode *n, const char *path,
		     const struct parse_error *e)
{
	int q = n->plain ? 0 : 1;
	if (n->plain && strchr(c->buf, '(') && !strchr(c->buf, ')'))
		/* "{latency: normal(0, 1ms)}": YAML split the value at the comma */
		return err(c->s, n, q + e->col, c->d,
			   "%s: %s (inside {...} or [...], YAML splits a value at each comma: quote it, as 'normal(0, 1ms)')",
			   path, e->msg);
	if (c->subst)
		return err(c->s, n, q, c->d, "%s: %s (in '%s', after substituting the sweep value)",
			   path, e->msg, c->buf);
	return err(c->s, n, q + e->col, c->d, "%s: %s", path, e->msg);
}

static int out_of_range(struct rctx *c, const struct ynode *n, const char *path, const char *what)
{
	int q = n->plain ? 0 : 1;
	return err(c->s, n, q, c->d, "%s: %s, found '%s'%s", path, what, c->buf,
		   c->subst ? " (after substituting the sweep value)" : "");
}

static int get_count(struct rctx *c, const struct ynode *n, const char *path, double min,
		     double max, uint64_t *out)
{
	struct parse_error e;
	if (scalar(c, n, path, "a whole number") < 0)
		return -1;
	if (units_count(c->buf, out, &e) < 0)
		return bad_value(c, n, path, &e);
	if ((double)*out < min || (double)*out > max) {
		char what[96];
		snprintf(what, sizeof(what), "must be between %.0f and %.0f", min, max);
		return out_of_range(c, n, path, what);
	}
	return 0;
}

static int get_duration(struct rctx *c, const struct ynode *n, const char *path, double min,
			double max, int64_t *out)
{
	struct parse_error e;
	if (scalar(c, n, path, "a duration such as 10ms") < 0)
		return -1;
	if (units_duration_ns(c->buf, out, &e) < 0)
		return bad_value(c, n, path, &e);
	if ((double)*out < min || (double)*out > max) {
		char lo[32], hi[32], what[96];
		units_format_duration(min, lo, sizeof(lo));
		units_format_duration(max, hi, sizeof(hi));
		snprintf(what, sizeof(what), "must be between %s and %s", lo, hi);
		return out_of_range(c, n, path, what);
	}
	return 0;
}

/* A distribution; `signed_ok` allows negative values (clock offsets). */
static int get_dist(struct rctx *c, const struct ynode *n, const char *path, enum dist_unit unit,
		    bool signed_ok, struct dist *out)
{
	struct parse_error e;
	if (scalar(c, n, path, "a value or a distribution such as exp(10ms)") < 0)
		return -1;
	if (dist_parse(c->buf, unit, out, &e) < 0)
		return bad_value(c, n, path, &e);
	if (!signed_ok && out->kind != DIST_NORMAL && dist_min(out) < 0)
		return out_of_range(c, n, path, "must not be negative");
	double big = 3.2e18;
	if (isinf(dist_mean(out)))
		return out_of_range(c, n, path,
				    out->kind == DIST_PARETO ? "has no finite mean: pareto needs shape > 1"
							     : "has no finite mean");
	if (fabs(out->a) > big || fabs(out->b) > big || !(dist_mean(out) < big))
		return out_of_range(c, n, path, "is too large (mean at most about 100 years)");
	return 0;
}

/* ---- the tables of keys ---- */

enum ftype {
	F_SKIP,	     /* handled at load */
	F_U32,
	F_U64,
	F_DURATION,
	F_DIST,	     /* a duration distribution, non-negative */
	F_DIST_SIGNED,
	F_DIST_NUM,  /* a plain-number distribution */
	F_RATE,
	F_KEYS,
	F_MAP,
	F_FN,
};

struct field {
	const char *name;
	enum ftype type;
	size_t offset; /* into struct run_config */
	double min, max;
	const struct field *sub;
	int (*fn)(struct rctx *c, const struct ynode *v, const char *path);
};

#define CFG(f) offsetof(struct run_config, f)
#define DMAX 3.2e18 /* about 100 years in ns */

static int walk(struct rctx *c, const struct ynode *map, const struct field *fields,
		const char *path);

static int fn_arrival(struct rctx *c, const struct ynode *v, const char *path)
{
	static const char *const names[] = {"closed", "open", "script"};
	if (scalar(c, v, path, "closed, open or script") < 0)
		return -1;
	for (int i = 0; i < 3; i++)
		if (strcmp(c->buf, names[i]) == 0) {
			c->out->cfg.arrival = (enum arrival)i;
			return 0;
		}
	return out_of_range(c, v, path, "expected closed, open or script");
}

static int kind_index(const char *name)
{
	for (int k = 0; k < OP_NKINDS; k++)
		if (strcmp(name, op_kind_names[k]) == 0)
			return k;
	return -1;
}

static int fn_mix(struct rctx *c, const struct ynode *v, const char *path)
{
	if (v->type != Y_MAP)
		return err(c->s, v, 0, c->d, "%s: expected a mapping of operation kinds to weights, such as {incr: 0.9, read: 0.1}", path);
	struct run_config *cfg = &c->out->cfg;
	for (int k = 0; k < OP_NKINDS; k++)
		cfg->mix[k] = 0;
	double total = 0;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *key = v->item[i], *val = v->item[i + 1];
		int k = kind_index(key->text);
		if (k < 0) {
			char hint[64];
			suggest(key->text, op_kind_names, OP_NKINDS, hint, sizeof(hint));
			return err(c->s, key, 0, c->d,
				   "%s: unknown operation kind '%s'%s (expected incr, add, put or read)",
				   path, key->text, hint);
		}
		char sub[128];
		snprintf(sub, sizeof(sub), "%s.%s", path, key->text);
		struct parse_error e;
		if (scalar(c, val, sub, "a weight (a number >= 0)") < 0)
			return -1;
		double w;
		if (units_number(c->buf, &w, &e) < 0)
			return bad_value(c, val, sub, &e);
		if (!(w >= 0 && w <= 1e9))
			return out_of_range(c, val, sub, "a weight must be between 0 and 1e9");
		cfg->mix[k] = w;
		total += w;
	}
	if (!(total > 0))
		return err(c->s, v, 0, c->d, "%s: the weights must not all be zero", path);
	return 0;
}

static int fn_script(struct rctx *c, const struct ynode *v, const char *path)
{
	if (v->type != Y_SEQ)
		return err(c->s, v, 0, c->d,
			   "%s: expected a list of operations such as {at: 10ms, client: 0, op: incr}", path);
	if (v->n > 100000)
		return err(c->s, v, 0, c->d, "%s: at most 100000 scripted operations", path);
	free(c->out->script);
	c->out->script = calloc(v->n ? v->n : 1, sizeof(*c->out->script));
	if (!c->out->script)
		return err(c->s, v, 0, c->d, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *op = v->item[i];
		char sub[96];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (op->type != Y_MAP)
			return err(c->s, op, 0, c->d, "%s: expected a mapping {at, client, op, key, compute}", sub);
		struct script_op *so = &c->out->script[i];
		so->compute = -1;
		so->kind = OP_INCR;
		for (size_t j = 0; j + 1 < op->n; j += 2) {
			const struct ynode *key = op->item[j], *val = op->item[j + 1];
			char kp[128];
			snprintf(kp, sizeof(kp), "%s.%s", sub, key->text);
			uint64_t u;
			if (strcmp(key->text, "at") == 0) {
				if (get_duration(c, val, kp, 0, DMAX, &so->at) < 0)
					return -1;
			} else if (strcmp(key->text, "client") == 0) {
				if (get_count(c, val, kp, 0, 1e6, &u) < 0)
					return -1;
				so->client = (uint32_t)u;
			} else if (strcmp(key->text, "key") == 0) {
				if (get_count(c, val, kp, 0, 1e9, &u) < 0)
					return -1;
				so->key = (uint32_t)u;
			} else if (strcmp(key->text, "compute") == 0) {
				if (get_duration(c, val, kp, 0, DMAX, &so->compute) < 0)
					return -1;
			} else if (strcmp(key->text, "op") == 0) {
				if (scalar(c, val, kp, "incr, add, put or read") < 0)
					return -1;
				int k = kind_index(c->buf);
				if (k < 0)
					return out_of_range(c, val, kp, "expected incr, add, put or read");
				so->kind = (uint8_t)k;
			} else {
				static const char *const keys[] = {"at", "client", "op", "key", "compute"};
				char hint[64];
				suggest(key->text, keys, 5, hint, sizeof(hint));
				return err(c->s, key, 0, c->d,
					   "%s: unknown key '%s'%s (expected at, client, op, key, compute)",
					   sub, key->text, hint);
			}
		}
		if (!ydoc_get(op, "at") || !ydoc_get(op, "client"))
			return err(c->s, op, 0, c->d, "%s: a scripted operation needs at least 'at' and 'client'", sub);
	}
	/* issued in time order; entries at equal times in the order written */
	struct script_op *so = c->out->script;
	for (size_t i = 1; i < v->n; i++) {
		struct script_op x = so[i];
		size_t j = i;
		for (; j > 0 && so[j - 1].at > x.at; j--)
			so[j] = so[j - 1];
		so[j] = x;
	}
	c->out->cfg.script = c->out->script;
	c->out->cfg.nscript = (uint32_t)v->n;
	return 0;
}

static int fn_offsets(struct rctx *c, const struct ynode *v, const char *path)
{
	if (v->type != Y_SEQ)
		return err(c->s, v, 0, c->d, "%s: expected a list of durations, one per client", path);
	if (v->n > 1000000)
		return err(c->s, v, 0, c->d, "%s: too many entries", path);
	free(c->out->offsets);
	c->out->offsets = calloc(v->n ? v->n : 1, sizeof(*c->out->offsets));
	if (!c->out->offsets)
		return err(c->s, v, 0, c->d, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		char sub[96];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (get_duration(c, v->item[i], sub, -DMAX, DMAX, &c->out->offsets[i]) < 0)
			return -1;
	}
	c->out->cfg.offsets = c->out->offsets;
	c->out->cfg.noffsets = (uint32_t)v->n;
	return 0;
}

static const struct field stop_fields[] = {
	{"ops", F_U64, CFG(stop_ops), 1, 1e12, NULL, NULL},
	{"time", F_DURATION, CFG(stop_time), 1, DMAX, NULL, NULL},
	{0},
};

/* A written stop replaces the default one whole: {time: 5s} must not keep
 * the default operation count. */
static int fn_stop(struct rctx *c, const struct ynode *v, const char *path)
{
	c->out->cfg.stop_ops = 0;
	c->out->cfg.stop_time = 0;
	return walk(c, v, stop_fields, path);
}

static const struct field store_fields[] = {
	{"keys", F_U32, CFG(keys), 1, 1e8, NULL, NULL},
	{"service", F_DIST, CFG(service), 0, 0, NULL, NULL},
	{0},
};

static const struct field workload_fields[] = {
	{"clients", F_U32, CFG(clients), 1, 1e6, NULL, NULL},
	{"arrival", F_FN, 0, 0, 0, NULL, fn_arrival},
	{"think", F_DIST, CFG(think), 0, 0, NULL, NULL},
	{"rate", F_RATE, CFG(rate), 0, 0, NULL, NULL},
	{"key", F_KEYS, CFG(key), 0, 0, NULL, NULL},
	{"mix", F_FN, 0, 0, 0, NULL, fn_mix},
	{"compute", F_DIST, CFG(compute), 0, 0, NULL, NULL},
	{"retries", F_U32, CFG(retries), 0, 1e6, NULL, NULL},
	{"backoff", F_DIST, CFG(backoff), 0, 0, NULL, NULL},
	{"timeout", F_DURATION, CFG(timeout), 0, DMAX, NULL, NULL},
	{"script", F_FN, 0, 0, 0, NULL, fn_script},
	{0},
};

static const struct field network_fields[] = {
	{"latency", F_DIST, CFG(latency), 0, 0, NULL, NULL},
	{0},
};

static const struct field sync_fields[] = {
	{"period", F_DURATION, CFG(sync_period), 0, DMAX, NULL, NULL},
	{"error", F_DIST_SIGNED, CFG(sync_error), 0, 0, NULL, NULL},
	{0},
};

static const struct field clocks_fields[] = {
	{"offset", F_DIST_SIGNED, CFG(offset), 0, 0, NULL, NULL},
	{"drift", F_DIST_NUM, CFG(drift), 0, 0, NULL, NULL},
	{"resolution", F_DURATION, CFG(resolution), 1, 1e9, NULL, NULL},
	{"sync", F_MAP, 0, 0, 0, sync_fields, NULL},
	{"offsets", F_FN, 0, 0, 0, NULL, fn_offsets},
	{0},
};

static const struct field top_fields[] = {
	{"name", F_SKIP, 0, 0, 0, NULL, NULL},
	{"description", F_SKIP, 0, 0, 0, NULL, NULL},
	{"seed", F_SKIP, 0, 0, 0, NULL, NULL},
	{"replications", F_SKIP, 0, 0, 0, NULL, NULL},
	{"stop", F_FN, 0, 0, 0, NULL, fn_stop},
	{"warmup", F_DURATION, CFG(warmup), 0, DMAX, NULL, NULL},
	{"sweep", F_SKIP, 0, 0, 0, NULL, NULL},
	{"policies", F_SKIP, 0, 0, 0, NULL, NULL},
	{"store", F_MAP, 0, 0, 0, store_fields, NULL},
	{"workload", F_MAP, 0, 0, 0, workload_fields, NULL},
	{"network", F_MAP, 0, 0, 0, network_fields, NULL},
	{"clocks", F_MAP, 0, 0, 0, clocks_fields, NULL},
	{0},
};

static int unknown_key(const struct scenario *s, const struct ynode *key, const struct field *fields,
		       const char *path, struct sdiag *d)
{
	const char *names[32];
	size_t n = 0;
	for (const struct field *f = fields; f->name && n < 32; f++)
		names[n++] = f->name;
	char list[400], hint[96];
	join(names, n, list, sizeof(list));
	suggest(key->text, names, n, hint, sizeof(hint));
	if (path[0])
		return err(s, key, 0, d, "unknown key '%s' in %s%s (expected one of: %s)", key->text,
			   path, hint, list);
	return err(s, key, 0, d, "unknown key '%s'%s (a scenario has: %s)", key->text, hint, list);
}

static int field_value(struct rctx *c, const struct field *f, const struct ynode *v,
		       const char *path)
{
	struct run_config *cfg = &c->out->cfg;
	unsigned char *base = (unsigned char *)cfg;
	struct parse_error e;
	switch (f->type) {
	case F_SKIP:
		return 0;
	case F_U32:
	case F_U64: {
		uint64_t u;
		if (get_count(c, v, path, f->min, f->max, &u) < 0)
			return -1;
		if (f->type == F_U32) {
			uint32_t x = (uint32_t)u;
			memcpy(base + f->offset, &x, sizeof(x));
		} else {
			memcpy(base + f->offset, &u, sizeof(u));
		}
		return 0;
	}
	case F_DURATION: {
		int64_t ns;
		if (get_duration(c, v, path, f->min, f->max, &ns) < 0)
			return -1;
		memcpy(base + f->offset, &ns, sizeof(ns));
		return 0;
	}
	case F_DIST:
	case F_DIST_SIGNED:
	case F_DIST_NUM: {
		struct dist d;
		if (get_dist(c, v, path, f->type == F_DIST_NUM ? DIST_NUMBER : DIST_DURATION,
			     f->type != F_DIST, &d) < 0)
			return -1;
		memcpy(base + f->offset, &d, sizeof(d));
		return 0;
	}
	case F_RATE: {
		double r;
		if (scalar(c, v, path, "a rate such as 100/s") < 0)
			return -1;
		if (units_rate(c->buf, &r, &e) < 0)
			return bad_value(c, v, path, &e);
		if (!(r > 0 && r <= 1e9))
			return out_of_range(c, v, path, "a rate must be above 0 and at most 1e9/s");
		memcpy(base + f->offset, &r, sizeof(r));
		return 0;
	}
	case F_KEYS: {
		struct keys_spec k;
		if (scalar(c, v, path, "uniform, zipf(s) or hot(fraction, probability)") < 0)
			return -1;
		if (keys_parse(c->buf, &k, &e) < 0)
			return bad_value(c, v, path, &e);
		memcpy(base + f->offset, &k, sizeof(k));
		return 0;
	}
	case F_MAP:
		return walk(c, v, f->sub, path);
	case F_FN:
		return f->fn(c, v, path);
	}
	return 0;
}

static int walk(struct rctx *c, const struct ynode *map, const struct field *fields,
		const char *path)
{
	if (map->type != Y_MAP) {
		const char *names[32];
		size_t n = 0;
		for (const struct field *f = fields; f->name && n < 32; f++)
			names[n++] = f->name;
		char list[400];
		join(names, n, list, sizeof(list));
		return err(c->s, map, 0, c->d, "%s: expected a mapping with keys among %s, found %s",
			   path[0] ? path : "the scenario", list, ydoc_type_name(map->type));
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *key = map->item[i], *val = map->item[i + 1];
		const struct field *f = fields;
		while (f->name && strcmp(f->name, key->text) != 0)
			f++;
		if (!f->name)
			return unknown_key(c->s, key, fields, path, c->d);
		char sub[160];
		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key->text);
		if (field_value(c, f, val, sub) < 0)
			return -1;
	}
	return 0;
}

/* ---- policies ---- */

/* Sets the policy's options from its mapping, flattening nested mappings
 * (prune: {small: 10}) to dotted names (prune.small). */
static int policy_options(struct rctx *c, const struct scenario_policy *sp, const struct ynode *map,
			  const char *prefix)
{
	struct run_config *cfg = &c->out->cfg;
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *key = map->item[i], *val = map->item[i + 1];
		if (!prefix[0] && strcmp(key->text, "label") == 0)
			continue;
		char name[96];
		snprintf(name, sizeof(name), "%s%s%s", prefix, prefix[0] ? "." : "", key->text);
		if (val->type == Y_MAP) {
			if (policy_options(c, sp, val, name) < 0)
				return -1;
			continue;
		}
		char path[160];
		snprintf(path, sizeof(path), "policies: %s", sp->policy->name);
		if (!policy_option(sp->policy, name)) {
			struct parse_error e;
			policy_set_option(sp->policy, cfg->popts.bytes, name, "", &e);
			const char *names[32];
			size_t n = 0;
			for (const struct policy_option *o = sp->policy->options; o && o->name && n < 32; o++)
				names[n++] = o->name;
			char hint[96];
			suggest(name, names, n, hint, sizeof(hint));
			return err(c->s, key, 0, c->d, "%s%s", e.msg, hint);
		}
		if (scalar(c, val, path, "a value") < 0)
			return -1;
		struct parse_error e;
		if (policy_set_option(sp->policy, cfg->popts.bytes, name, c->buf, &e) < 0) {
			e.col = 0;
			return bad_value(c, val, path, &e);
		}
	}
	return 0;
}

static int resolve_policy(struct rctx *c, const struct scenario_policy *sp)
{
	struct run_config *cfg = &c->out->cfg;
	cfg->policy = sp->policy;
	policy_defaults(sp->policy, cfg->popts.bytes);
	if (sp->options && policy_options(c, sp, sp->options, "") < 0)
		return -1;
	struct parse_error e;
	if (sp->policy->validate && sp->policy->validate(cfg->popts.bytes, &e) < 0)
		return err(c->s, sp->node, 0, c->d, "policies: %s: %s", sp->policy->name, e.msg);
	const struct ynode *label = sp->options ? ydoc_get(sp->options, "label") : NULL;
	if (label) {
		if (scalar(c, label, "label", "a name") < 0)
			return -1;
		if (strlen(c->buf) >= sizeof(c->out->label))
			return out_of_range(c, label, "label", "at most 159 characters");
		memcpy(c->out->label, c->buf, strlen(c->buf) + 1);
	} else {
		snprintf(c->out->label, sizeof(c->out->label), "%s", sp->label);
	}
	snprintf(cfg->label, sizeof(cfg->label), "%s", c->out->label);
	return 0;
}

/* ---- cross-key checks ---- */

static const struct ynode *at_path(const struct ynode *root, const char *a, const char *b)
{
	const struct ynode *n = ydoc_get(root, a);
	if (n && b)
		n = ydoc_get(n, b);
	return n ? n : root;
}

static int cross_checks(struct rctx *c)
{
	const struct run_config *cfg = &c->out->cfg;
	const struct ynode *root = c->s->root;
	if (cfg->arrival == ARRIVAL_SCRIPT) {
		if (cfg->nscript == 0)
			return err(c->s, at_path(root, "workload", "arrival"), 0, c->d,
				   "workload: arrival: script needs workload.script, a list of operations");
		for (uint32_t i = 0; i < cfg->nscript; i++) {
			const struct script_op *so = &cfg->script[i];
			const struct ynode *n = ydoc_get(root, "workload");
			n = n ? ydoc_get(n, "script") : NULL;
			const struct ynode *item = n && i < n->n ? n->item[i] : root;
			if (so->client >= cfg->clients)
				return err(c->s, item, 0, c->d,
					   "workload.script[%u]: client %u, but workload.clients is %u (clients are numbered from 0)",
					   i, so->client, cfg->clients);
			if (so->key >= cfg->keys)
				return err(c->s, item, 0, c->d,
					   "workload.script[%u]: key %u, but store.keys is %u (keys are numbered from 0)",
					   i, so->key, cfg->keys);
		}
	} else if (cfg->stop_ops == 0 && cfg->stop_time == 0) {
		return err(c->s, at_path(root, "stop", NULL), 0, c->d,
			   "stop: needs ops (a number of operations) or time (a duration), e.g. stop: {ops: 10000}");
	}
	/* refuse runs that cannot fit in this machine's memory, before any of
	 * it is allocated */
	double need = world_estimate_bytes(cfg);
	double ram = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
	if (ram > 0 && need > 0.8 * ram)
		return err(c->s, at_path(root, "workload", NULL), 0, c->d,
			   "one run would need about %.1f GiB of memory (%u clients, %u keys, about %.3g "
			   "operations), more than this machine's %.1f GiB allows: make it smaller",
			   need / 1073741824.0, cfg->clients, cfg->keys,
			   cfg->arrival == ARRIVAL_SCRIPT ? (double)cfg->nscript
			   : cfg->stop_ops ? (double)cfg->stop_ops : 0,
			   ram / 1073741824.0);
	if (cfg->stop_time > 0 && cfg->warmup >= cfg->stop_time)
		return err(c->s, at_path(root, "warmup", NULL), 0, c->d,
			   "warmup must be shorter than stop.time");
	if (cfg->noffsets > cfg->clients)
		return err(c->s, at_path(root, "clocks", "offsets"), 0, c->d,
			   "clocks.offsets has %u entries but there are only %u clients", cfg->noffsets,
			   cfg->clients);
	if (cfg->sync_period == 0 && ydoc_get(ydoc_get(root, "clocks"), "sync") &&
	    ydoc_get(ydoc_get(ydoc_get(root, "clocks"), "sync"), "error") &&
	    !ydoc_get(ydoc_get(ydoc_get(root, "clocks"), "sync"), "period"))
		return err(c->s, at_path(ydoc_get(root, "clocks"), "sync", NULL), 0, c->d,
			   "clocks.sync: an error needs a period (how often clocks re-synchronise)");
	return 0;
}

int scenario_resolve(const struct scenario *s, uint64_t point, size_t policy,
		     struct run_spec *out, struct sdiag *d)
{
	memset(out, 0, sizeof(*out));
	config_defaults(&out->cfg);
	out->cfg.seed = s->seed;
	out->point = point;
	out->policy = policy;
	struct rctx *c = malloc(sizeof(*c));
	if (!c) {
		snprintf(d->text, sizeof(d->text), "%s: out of memory", s->path);
		return -1;
	}
	c->s = s;
	c->point = point;
	c->out = out;
	c->d = d;
	c->subst = false;
	int rc = walk(c, s->root, top_fields, "");
	if (rc == 0)
		rc = resolve_policy(c, &s->policies[policy]);
	if (rc == 0)
		rc = cross_checks(c);
	free(c);
	if (rc < 0)
		run_spec_free(out);
	return rc;
}

void run_spec_free(struct run_spec *r)
{
	free(r->script);
	free(r->offsets);
	r->script = NULL;
	r->offsets = NULL;
}

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

static bool is_ident(const char *s)
{
	if (!ident_start((unsigned char)*s))
		return false;
	for (s++; *s; s++)
		if (!ident_char((unsigned char)*s))
			return false;
	return true;
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
	struct ynode *sweep = ydoc_get(s->root, "sweep");
	if (!strchr(name, '.') && sweep && ydoc_get(sweep, name)) {
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
		return ydoc_set(sweep, name, v);
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

static int load_sweep(struct scenario *s, const struct ynode *sweep, struct sdiag *d)
{
	if (!sweep)
		return 0;
	if (sweep->type != Y_MAP)
		return err(s, sweep, 0, d, "sweep: expected a mapping of names to lists of values, such as {skew: [0ms, 10ms]}");
	size_t n = sweep->n / 2;
	if (n > SCENARIO_MAX_AXES)
		return err(s, sweep, 0, d, "sweep: at most %d axes, found %zu", SCENARIO_MAX_AXES, n);
	s->axes = calloc(n ? n : 1, sizeof(*s->axes));
	if (!s->axes)
		return err(s, sweep, 0, d, "out of memory");
	uint64_t points = 1;
	for (size_t i = 0; i < n; i++) {
		const struct ynode *key = sweep->item[2 * i], *vals = sweep->item[2 * i + 1];
		struct sweep_axis *a = &s->axes[s->naxes];
		if (!is_ident(key->text))
			return err(s, key, 0, d,
				   "sweep: '%s' is not a valid name (letters, digits and _, not starting with a digit)",
				   key->text);
		if (vals->type == Y_SCALAR)
			return err(s, vals, 0, d, "sweep: %s: expected a list of values, such as [%s]",
				   key->text, vals->text);
		if (vals->type != Y_SEQ)
			return err(s, vals, 0, d, "sweep: %s: expected a list of values, found %s",
				   key->text, ydoc_type_name(vals->type));
		if (vals->n == 0)
			return err(s, vals, 0, d, "sweep: %s: the list is empty", key->text);
		if (vals->n > SCENARIO_MAX_AXIS_VALUES)
			return err(s, vals, 0, d, "sweep: %s: at most %d values", key->text,
				   SCENARIO_MAX_AXIS_VALUES);
		a->name = strdup(key->text);
		a->key = key;
		a->values = calloc(vals->n, sizeof(*a->values));
		if (!a->name || !a->values) {
			free(a->name);
			free(a->values);
			return err(s, sweep, 0, d, "out of memory");
		}
		s->naxes++;
		a->nvalues = vals->n;
		for (size_t j = 0; j < vals->n; j++) {
			if (vals->item[j]->type != Y_SCALAR)
				return err(s, vals->item[j], 0, d,
					   "sweep: %s: each value must be a single value, found %s",
					   key->text, ydoc_type_name(vals->item[j]->type));
			if (strchr(vals->item[j]->text, '$'))
				return err(s, vals->item[j], 0, d,
					   "sweep: %s: a sweep value cannot refer to another ($)", key->text);
			a->values[j] = vals->item[j];
		}
		if (points > SCENARIO_MAX_RUNS)
			continue;
		points *= vals->n;
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
		return err(s, s->root, 0, d,
			   "a scenario needs 'policies', a list such as [lww, version, siblings, lock]");
	if (list->type != Y_SEQ)
		return err(s, list, 0, d, "policies: expected a list such as [lww, version], found %s",
			   ydoc_type_name(list->type));
	if (list->n == 0)
		return err(s, list, 0, d, "policies: the list is empty");
	if (list->n > 1000)
		return err(s, list, 0, d, "policies: at most 1000");
	s->policies = calloc(list->n, sizeof(*s->policies));
	if (!s->policies)
		return err(s, list, 0, d, "out of memory");
	const char *names[32];
	size_t nnames = 0;
	for (size_t i = 0; i < registry_count() && nnames < 32; i++)
		names[nnames++] = registry_at(i)->name;
	char all[200];
	join(names, nnames, all, sizeof(all));
	for (size_t i = 0; i < list->n; i++) {
		const struct ynode *item = list->item[i], *name = item, *opts = NULL;
		struct scenario_policy *sp = &s->policies[i];
		if (item->type == Y_MAP) {
			if (item->n != 2)
				return err(s, item, 0, d,
					   "policies: each entry is a policy name or {name: {options}}, such as lock: {mode: wait}");
			name = item->item[0];
			opts = item->item[1];
			if (opts->type == Y_SCALAR && opts->text[0] == '\0' && opts->plain)
				opts = NULL; /* "lww:" with nothing after it */
			else if (opts->type != Y_MAP)
				return err(s, opts, 0, d, "policies: %s: expected a mapping of options, found %s",
					   name->text, ydoc_type_name(opts->type));
		} else if (item->type != Y_SCALAR) {
			return err(s, item, 0, d, "policies: expected a policy name, found %s",
				   ydoc_type_name(item->type));
		}
		sp->policy = registry_find(name->text);
		if (!sp->policy) {
			char hint[96];
			suggest(name->text, names, nnames, hint, sizeof(hint));
			return err(s, name, 0, d, "unknown policy '%s'%s (the policies are %s)", name->text,
				   hint, all);
		}
		sp->node = item;
		sp->options = opts;
		const struct ynode *label = opts ? ydoc_get(opts, "label") : NULL;
		if (label && (label->type != Y_SCALAR || label->text[0] == '\0'))
			return err(s, label, 0, d, "policies: %s: label must be a non-empty name", name->text);
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
		for (size_t j = 0; j < i; j++)
			if (strcmp(s->policies[j].label, sp->label) == 0)
				return err(s, item, 0, d,
					   "policies: two entries are labelled '%s'; give one a different label: (they must be told apart in results)",
					   sp->label);
	}
	s->npolicies = list->n;
	return 0;
}

/* A name is any printable text (no control characters), 1 to 100 bytes;
 * scenario_file_name() makes it safe for a file name. */
static bool valid_name(const char *n)
{
	size_t len = strlen(n);
	if (len == 0 || len > 100)
		return false;
	for (const unsigned char *p = (const unsigned char *)n; *p; p++)
		if (*p < 0x20 || *p == 0x7f)
			return false;
	return true;
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
		return err(s, root, 0, d, "expected a scenario: a mapping with name, policies, workload, ...; found %s",
			   ydoc_type_name(root->type));
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const struct field *f = top_fields;
		while (f->name && strcmp(f->name, root->item[i]->text) != 0)
			f++;
		if (!f->name)
			return unknown_key(s, root->item[i], top_fields, "", d);
	}
	const struct ynode *name = ydoc_get(root, "name");
	if (!name)
		return err(s, root, 0, d, "a scenario needs a 'name' (it names results/NAME.db)");
	if (name->type != Y_SCALAR || !valid_name(name->text))
		return err(s, name, 0, d,
			   "name: expected a name of 1 to 100 characters without control characters");
	s->name = strdup(name->text);
	const struct ynode *desc = ydoc_get(root, "description");
	if (desc && desc->type != Y_SCALAR)
		return err(s, desc, 0, d, "description: expected text");
	s->description = dup_or_null(desc ? desc->text : "");
	if (!s->name || !s->description)
		return err(s, root, 0, d, "out of memory");
	struct rctx c = {.s = s, .d = d};
	const struct ynode *seed = ydoc_get(root, "seed");
	if (fixed_value(s, seed, "seed", d) < 0 || fixed_value(s, ydoc_get(root, "replications"),
								"replications", d) < 0)
		return -1;
	s->seed = 1;
	if (seed && get_count(&c, seed, "seed", 0, 9.2e18, &s->seed) < 0)
		return -1;
	const struct ynode *reps = ydoc_get(root, "replications");
	s->replications = 1;
	if (reps && get_count(&c, reps, "replications", 1, 10000, &s->replications) < 0)
		return -1;
	if (load_sweep(s, ydoc_get(root, "sweep"), d) < 0)
		return -1;
	if (load_policies(s, ydoc_get(root, "policies"), d) < 0)
		return -1;
	bool *used = calloc(s->naxes + 1, sizeof(*used));
	if (!used)
		return err(s, root, 0, d, "out of memory");
	for (size_t i = 0; i + 1 < root->n; i += 2) {
		const char *k = root->item[i]->text;
		if (strcmp(k, "sweep") == 0 || strcmp(k, "name") == 0 || strcmp(k, "description") == 0)
			continue; /* not substituted: a $ there is just a dollar */
		if (check_refs(s, root->item[i + 1], used, d) < 0) {
			free(used);
			return -1;
		}
	}
	for (size_t a = 0; a < s->naxes; a++)
		if (!used[a]) {
			free(used);
			return err(s, s->axes[a].key, 0, d,
				   "sweep: '%s' is never used: write $%s in the values it should vary",
				   s->axes[a].name, s->axes[a].name);
		}
	free(used);
	uint64_t runs = s->npoints;
	if (runs > SCENARIO_MAX_RUNS || runs * s->npolicies > SCENARIO_MAX_RUNS ||
	    runs * s->npolicies * s->replications > SCENARIO_MAX_RUNS)
		return err(s, ydoc_get(root, "sweep") ? ydoc_get(root, "sweep") : root, 0, d,
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
	FILE *f = fopen(path, "rb");
	if (!f) {
		snprintf(d->text, sizeof(d->text), "%s: cannot open: %s", path, strerror(errno));
		return NULL;
	}
	char *text = malloc(SCENARIO_MAX_FILE + 1);
	if (!text) {
		fclose(f);
		snprintf(d->text, sizeof(d->text), "%s: out of memory", path);
		return NULL;
	}
	size_t len = fread(text, 1, SCENARIO_MAX_FILE + 1, f);
	int rerr = ferror(f);
	fclose(f);
	if (rerr) {
		free(text);
		snprintf(d->text, sizeof(d->text), "%s: cannot read", path);
		return NULL;
	}
	if (len > SCENARIO_MAX_FILE) {
		free(text);
		snprintf(d->text, sizeof(d->text), "%s: larger than %d bytes: not a scenario file", path,
			 SCENARIO_MAX_FILE);
		return NULL;
	}
	text[len] = '\0';
	struct scenario *s = scenario_parse(path, text, len, sets, nsets, d);
	free(text);
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
	/* mixed radix, the last axis the fastest */
	for (size_t b = s->naxes; b-- > a + 1;)
		point /= s->axes[b].nvalues;
	return s->axes[a].values[point % s->axes[a].nvalues]->text;
}

int scenario_check(const struct scenario *s, struct sdiag *d)
{
	for (uint64_t p = 0; p < s->npoints; p++)
		for (size_t k = 0; k < s->npolicies; k++) {
			struct run_spec r;
			if (scenario_resolve(s, p, k, &r, d) < 0)
				return -1;
			run_spec_free(&r);
		}
	return 0;
}

/* ---- parameters as JSON ---- */

static void jdist(struct strbuf *b, const char *key, const struct dist *d, enum dist_unit u, bool comma)
{
	char buf[96];
	dist_format(d, u, buf, sizeof(buf));
	sb_printf(b, "%s\"%s\":", comma ? "," : "", key);
	sb_json_string(b, buf);
}

static void jdur(struct strbuf *b, const char *key, int64_t ns, bool comma)
{
	char buf[48];
	units_format_duration((double)ns, buf, sizeof(buf));
	sb_printf(b, "%s\"%s\":", comma ? "," : "", key);
	sb_json_string(b, buf);
}

void scenario_params_json(const struct scenario *s, const struct run_spec *r,
			  uint64_t replication, struct strbuf *b)
{
	const struct run_config *c = &r->cfg;
	char buf[96];
	sb_puts(b, "{\"scenario\":");
	sb_json_string(b, s->name);
	sb_puts(b, ",\"sweep\":{");
	for (size_t a = 0; a < s->naxes; a++) {
		if (a)
			sb_puts(b, ",");
		sb_json_string(b, s->axes[a].name);
		sb_puts(b, ":");
		sb_json_string(b, scenario_axis_value(s, r->point, a));
	}
	sb_printf(b, "},\"replication\":%llu,\"seed\":%llu", (unsigned long long)replication,
		  (unsigned long long)(c->seed + replication));
	sb_puts(b, ",\"policy\":{\"name\":");
	sb_json_string(b, c->policy->name);
	sb_puts(b, ",\"label\":");
	sb_json_string(b, r->label);
	sb_puts(b, ",\"options\":{");
	bool first = true;
	for (const struct policy_option *o = c->policy->options; o && o->name; o++) {
		policy_format_option(o, c->popts.bytes, buf, sizeof(buf));
		sb_printf(b, "%s", first ? "" : ",");
		sb_json_string(b, o->name);
		sb_puts(b, ":");
		sb_json_string(b, buf);
		first = false;
	}
	sb_printf(b, "}},\"stop\":{\"ops\":%llu", (unsigned long long)c->stop_ops);
	jdur(b, "time", c->stop_time, true);
	sb_puts(b, "}");
	jdur(b, "warmup", c->warmup, true);
	sb_printf(b, ",\"store\":{\"keys\":%u", c->keys);
	jdist(b, "service", &c->service, DIST_DURATION, true);
	sb_printf(b, "},\"workload\":{\"clients\":%u,\"arrival\":\"%s\"", c->clients,
		  c->arrival == ARRIVAL_CLOSED ? "closed" : c->arrival == ARRIVAL_OPEN ? "open" : "script");
	jdist(b, "think", &c->think, DIST_DURATION, true);
	units_format_number(c->rate, buf, sizeof(buf));
	sb_printf(b, ",\"rate\":\"%s/s\"", buf);
	keys_format(&c->key, buf, sizeof(buf));
	sb_puts(b, ",\"key\":");
	sb_json_string(b, buf);
	sb_puts(b, ",\"mix\":{");
	for (int k = 0; k < OP_NKINDS; k++) {
		sb_printf(b, "%s\"%s\":", k ? "," : "", op_kind_names[k]);
		sb_json_number(b, c->mix[k]);
	}
	sb_puts(b, "}");
	jdist(b, "compute", &c->compute, DIST_DURATION, true);
	sb_printf(b, ",\"retries\":%u", c->retries);
	jdist(b, "backoff", &c->backoff, DIST_DURATION, true);
	jdur(b, "timeout", c->timeout, true);
	if (c->arrival == ARRIVAL_SCRIPT) {
		sb_puts(b, ",\"script\":[");
		for (uint32_t i = 0; i < c->nscript; i++) {
			const struct script_op *so = &c->script[i];
			sb_printf(b, "%s{", i ? "," : "");
			jdur(b, "at", so->at, false);
			sb_printf(b, ",\"client\":%u,\"op\":\"%s\",\"key\":%u", so->client,
				  op_kind_names[so->kind], so->key);
			if (so->compute >= 0)
				jdur(b, "compute", so->compute, true);
			sb_puts(b, "}");
		}
		sb_puts(b, "]");
	}
	sb_puts(b, "},\"network\":{");
	jdist(b, "latency", &c->latency, DIST_DURATION, false);
	sb_puts(b, "},\"clocks\":{");
	jdist(b, "offset", &c->offset, DIST_DURATION, false);
	jdist(b, "drift", &c->drift, DIST_NUMBER, true);
	jdur(b, "resolution", c->resolution, true);
	sb_puts(b, ",\"sync\":{");
	jdur(b, "period", c->sync_period, false);
	jdist(b, "error", &c->sync_error, DIST_DURATION, true);
	sb_puts(b, "}");
	if (c->noffsets) {
		sb_puts(b, ",\"offsets\":[");
		for (uint32_t i = 0; i < c->noffsets; i++) {
			units_format_duration((double)c->offsets[i], buf, sizeof(buf));
			sb_printf(b, "%s", i ? "," : "");
			sb_json_string(b, buf);
		}
		sb_puts(b, "]");
	}
	sb_puts(b, "}}");
}
