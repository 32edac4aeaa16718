/*
 * resolve.c - one run's config from a scenario: the tables of schema.c
 * walked over the YAML tree with the sweep values of a point substituted,
 * the policy's options, and the checks across keys.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/app/scenario.h"
#include "sim/app/schema.h"
#include "sim/app/subst.h"

int resolve_scalar(struct rctx *c, const struct ynode *n, const char *path, const char *expected)
{
	if (n->type != Y_SCALAR)
		return sdiag_at(c->d, c->s, n, 0, "%s: expected %s, found %s", path, expected,
				ydoc_type_name(n->type));
	return subst_scalar(c->s, c->point, n, c->buf, sizeof(c->buf), &c->subst, c->d);
}

/* A range error (e->col < 0) concerns the whole value; any other error a
 * column inside it. */
int resolve_bad_value(struct rctx *c, const struct ynode *n, const char *path,
		      const struct parse_error *e)
{
	int q = n->plain ? 0 : 1;
	if (e->col < 0)
		return sdiag_at(c->d, c->s, n, q, "%s: %s%s", path, e->msg,
				c->subst ? " (after substituting the sweep value)" : "");
	if (c->subst)
		return sdiag_at(c->d, c->s, n, q, "%s: %s (in '%s', after substituting the sweep value)",
				path, e->msg, c->buf);
	return sdiag_at(c->d, c->s, n, q + e->col, "%s: %s", path, e->msg);
}

/* What a scalar of entry f looks like, for "expected ..." messages. */
static const char *expected_of(const struct field *f)
{
	switch (f->type) {
	case FT_U32:
	case FT_U64:
	case FT_COUNT:
		return "a whole number";
	case FT_NUMBER:
		return "a number";
	case FT_DURATION:
		return "a duration such as 10ms";
	case FT_DIST:
	case FT_DIST_SIGNED:
	case FT_DIST_NUM:
		return "a value or a distribution such as exp(10ms)";
	case FT_RATE:
		return "a rate such as 100/s";
	case FT_KEYS:
		return "uniform, zipf(s) or hot(fraction, probability)";
	case FT_ENUM:
		return f->choices;
	case FT_BOOL:
		return "true or false";
	default:
		return "a value";
	}
}

int resolve_field(struct rctx *c, const struct field *f, const struct ynode *n, const char *path,
		  void *base)
{
	if (resolve_scalar(c, n, path, expected_of(f)) < 0)
		return -1;
	struct parse_error e;
	if (field_parse(f, base, c->buf, &e) < 0)
		return resolve_bad_value(c, n, path, &e);
	return 0;
}

int resolve_unknown_key(const struct scenario *s, struct sdiag *d, const struct ynode *key,
			const struct field *fields, const char *path)
{
	const char *names[48];
	size_t n = 0;
	for (const struct field *f = fields; f->name && n < 48; f++)
		names[n++] = f->name;
	char list[600], hint[96];
	sdiag_join(names, n, list, sizeof(list));
	sdiag_suggest(key->text, names, n, hint, sizeof(hint));
	if (path[0])
		return sdiag_at(d, s, key, 0, "unknown key '%s' in %s%s (expected one of: %s)", key->text,
				path, hint, list);
	return sdiag_at(d, s, key, 0, "unknown key '%s'%s (a scenario has: %s)", key->text, hint, list);
}

int resolve_walk(struct rctx *c, const struct ynode *map, const struct field *fields,
		 const char *path, void *base)
{
	if (map->type != Y_MAP) {
		const char *names[48];
		size_t n = 0;
		for (const struct field *f = fields; f->name && n < 48; f++)
			names[n++] = f->name;
		char list[600];
		sdiag_join(names, n, list, sizeof(list));
		return sdiag_at(c->d, c->s, map, 0, "%s: expected a mapping with keys among %s, found %s",
				path[0] ? path : "the scenario", list, ydoc_type_name(map->type));
	}
	for (size_t i = 0; i + 1 < map->n; i += 2) {
		const struct ynode *key = map->item[i], *val = map->item[i + 1];
		const struct field *f = fields;
		while (f->name && strcmp(f->name, key->text) != 0)
			f++;
		if (!f->name)
			return resolve_unknown_key(c->s, c->d, key, fields, path);
		char sub[160];
		snprintf(sub, sizeof(sub), "%s%s%s", path, path[0] ? "." : "", key->text);
		int rc;
		if (f->type == FT_MAP)
			rc = resolve_walk(c, val, f->sub, sub, base);
		else if (f->type == FT_CUSTOM)
			rc = ((const struct schema_custom *)f->custom)->parse(c, val, sub);
		else
			rc = resolve_field(c, f, val, sub, base);
		if (rc < 0)
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
			for (const struct field *o = sp->policy->options; o && o->name && n < 32; o++)
				names[n++] = o->name;
			char hint[96];
			sdiag_suggest(name, names, n, hint, sizeof(hint));
			return sdiag_at(c->d, c->s, key, 0, "%s%s", e.msg, hint);
		}
		if (resolve_scalar(c, val, path, "a value") < 0)
			return -1;
		struct parse_error e;
		if (policy_set_option(sp->policy, cfg->popts.bytes, name, c->buf, &e) < 0) {
			e.col = -1;
			return resolve_bad_value(c, val, path, &e);
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
		return sdiag_at(c->d, c->s, sp->node, 0, "policies: %s: %s", sp->policy->name, e.msg);
	const struct ynode *label = sp->options ? ydoc_get(sp->options, "label") : NULL;
	if (label) {
		if (resolve_scalar(c, label, "label", "a name") < 0)
			return -1;
		if (strlen(c->buf) >= sizeof(c->out->label))
			return sdiag_at(c->d, c->s, label, label->plain ? 0 : 1,
					"label: at most 159 characters, found '%s'", c->buf);
		if (sdiag_printable(c->d, c->s, label, c->buf, "label") < 0)
			return -1;
		memcpy(c->out->label, c->buf, strlen(c->buf) + 1);
	} else {
		snprintf(c->out->label, sizeof(c->out->label), "%s", sp->label);
	}
	snprintf(cfg->label, sizeof(cfg->label), "%s", c->out->label);
	return 0;
}

/* ---- checks across keys ---- */

static const struct ynode *at_path(const struct ynode *root, const char *a, const char *b)
{
	const struct ynode *n = ydoc_get(root, a);
	if (n && b)
		n = ydoc_get(n, b);
	return n ? n : root;
}

static int check_script(struct rctx *c)
{
	const struct run_config *cfg = &c->out->cfg;
	const struct ynode *root = c->s->root;
	if (cfg->nscript == 0)
		return sdiag_at(c->d, c->s, at_path(root, "workload", "arrival"), 0,
				"workload: arrival: script needs workload.script, a list of operations");
	const struct ynode *list = ydoc_get(ydoc_get(root, "workload"), "script");
	for (uint32_t i = 0; i < cfg->nscript; i++) {
		const struct script_op *so = &cfg->script[i];
		const struct ynode *item = list && i < list->n ? list->item[i] : root;
		if (so->client >= cfg->clients)
			return sdiag_at(c->d, c->s, item, 0,
					"workload.script[%u]: client %u, but workload.clients is %u (clients are numbered from 0)",
					i, so->client, cfg->clients);
		if (so->key >= cfg->keys)
			return sdiag_at(c->d, c->s, item, 0,
					"workload.script[%u]: key %u, but store.keys is %u (keys are numbered from 0)",
					i, so->key, cfg->keys);
	}
	return 0;
}

/* Refuses a policy and a strategy that cannot work together (a lock with
 * no primary; an order kept on a copy with a proxy coordinator). */
static int combination(struct rctx *c, const struct run_config *cfg, const struct ynode *at)
{
	const struct scenario_policy *sp = &c->s->policies[c->out->policy];
	unsigned needs = policy_needs(cfg->policy, cfg->popts.bytes);
	unsigned offers = repl_offers(cfg->repl, cfg->ropts.bytes);
	const char *why = NULL;
	if ((needs & POLICY_NEEDS_PRIMARY) && !(offers & REPL_HAS_PRIMARY))
		why = "needs one node to order each key's writes (a primary), and this strategy has none";
	else if ((needs & POLICY_NEEDS_COPY) && !(offers & REPL_ORDERS_ON_COPY))
		why = "orders writes on a copy of the key, and this strategy's coordinator holds none "
		      "(use coordinator: replica)";
	else if (repl_copies(cfg->repl, cfg) > 1 && !policy_can_merge(cfg->policy))
		why = "cannot reconcile copies of a key";
	if (!why)
		return 0;
	return sdiag_at(c->d, c->s, at == c->s->root ? sp->node : at, 0,
			"policy %s cannot run on cluster.replication %s: it %s", sp->label,
			cfg->repl->name, why);
}

/* Every draw of d is 0 ns (after rounding and the clamp at 0). */
static bool always_zero(const struct dist *d)
{
	return dist_is_const(d) && !(dist_mean(d) >= 0.5);
}

/* Refuses a closed loop that cannot advance time: clients that never
 * think, on a network and a store that take no time, issuing operations
 * that take none either (reads and puts always; a read-modify-write when
 * compute is 0), stopped only by a time the run never reaches.  Loops the
 * loader cannot see (a lock refused with backoff 0 while its holder
 * computes) are stopped by the kernel's guard (kernel.h). */
static int zero_time_loop(struct rctx *c)
{
	const struct run_config *cfg = &c->out->cfg;
	if (cfg->arrival != ARRIVAL_CLOSED || cfg->stop_ops > 0 || cfg->stop_time == 0)
		return 0;
	bool net_zero = always_zero(&cfg->latency) && always_zero(&cfg->service);
	for (int k = 0; k < PEER_NCLASSES; k++)
		net_zero = net_zero && always_zero(&cfg->peer[k]);
	if (!always_zero(&cfg->think) || !net_zero)
		return 0;
	const char *why = NULL;
	if (cfg->mix[OP_READ] > 0)
		why = "reads";
	else if (cfg->mix[OP_PUT] > 0)
		why = "puts";
	else if (always_zero(&cfg->compute))
		why = "read-modify-writes with compute 0";
	if (!why)
		return 0;
	const struct ynode *root = c->s->root, *at = ydoc_get(ydoc_get(root, "workload"), "think");
	return sdiag_at(c->d, c->s, at ? at : at_path(root, "stop", NULL), 0,
			"workload: closed-loop clients with think 0, on a network and store with "
			"latency and service 0, issue %s that take no time, one after another: "
			"simulated time would never reach stop.time.  Give think, network.latency or "
			"store.service a value above 0, or stop by ops",
			why);
}

/* Refuses a run that cannot fit in this machine's memory, before any of
 * it is allocated, naming what to lower: the part of the estimate that
 * goes with the operations, the clients or the keys, whichever is the
 * largest.  (Recording and -j are checked by `clobber run`, which knows
 * them: scenario_check_memory.) */
static int memory_check(struct rctx *c)
{
	const struct run_config *cfg = &c->out->cfg;
	double need = world_estimate_bytes(cfg);
	double ram = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
	if (!(ram > 0) || need <= 0.8 * ram)
		return 0;
	struct run_config *x = malloc(sizeof(*x));
	if (!x)
		return sdiag_at(c->d, c->s, NULL, 0, "out of memory");
	*x = *cfg;
	x->stop_ops = 1;
	x->stop_time = 0;
	x->nscript = 1;
	double by_ops = need - world_estimate_bytes(x);
	*x = *cfg;
	x->clients = 1;
	double by_clients = need - world_estimate_bytes(x);
	*x = *cfg;
	x->keys = 1;
	double by_keys = need - world_estimate_bytes(x);
	free(x);
	const char *lower = cfg->arrival == ARRIVAL_SCRIPT ? "the script's length"
			    : cfg->stop_ops		   ? "stop.ops"
							   : "stop.time (or the rate)";
	double most = by_ops;
	if (by_clients > most) {
		lower = "workload.clients";
		most = by_clients;
	}
	if (by_keys > most) {
		lower = "store.keys";
		most = by_keys;
	}
	const struct ynode *root = c->s->root;
	return sdiag_at(c->d, c->s, at_path(root, "workload", NULL), 0,
			"one run would need about %.1f GiB of memory (%u clients, %u keys, about %.3g "
			"operations), more than this machine's %.1f GiB allows: lower %s, which accounts "
			"for about %.1f GiB of it",
			need / 1073741824.0, cfg->clients, cfg->keys, world_estimate_ops(cfg),
			ram / 1073741824.0, lower, most / 1073741824.0);
}

static int cross_checks(struct rctx *c)
{
	struct run_config *cfg = &c->out->cfg;
	const struct ynode *root = c->s->root;
	/* node-to-node classes not written take the client-node latency */
	for (int k = 0; k < PEER_NCLASSES; k++)
		if (!cfg->peer_set[k])
			cfg->peer[k] = cfg->latency;
	struct parse_error e;
	const struct ynode *repl_node = at_path(root, "cluster", "replication");
	if (repl_validate(cfg->repl, cfg->ropts.bytes, cfg, &e) < 0)
		return sdiag_at(c->d, c->s, repl_node, 0, "cluster.replication: %s: %s",
				cfg->repl->name, e.msg);
	if (combination(c, cfg, repl_node) < 0)
		return -1;
	if (schema_faults_check(c) < 0 || schema_load_check(c) < 0)
		return -1;
	if (cfg->arrival == ARRIVAL_SCRIPT) {
		if (check_script(c) < 0)
			return -1;
	} else if (cfg->stop_ops == 0 && cfg->stop_time == 0) {
		return sdiag_at(c->d, c->s, at_path(root, "stop", NULL), 0,
				"stop: needs ops (a number of operations) or time (a duration), e.g. stop: {ops: 10000}");
	}
	if (zero_time_loop(c) < 0)
		return -1;
	if (memory_check(c) < 0)
		return -1;
	if (cfg->stop_time > 0 && cfg->warmup >= cfg->stop_time)
		return sdiag_at(c->d, c->s, at_path(root, "warmup", NULL), 0,
				"warmup must be shorter than stop.time");
	if (cfg->noffsets > cfg->clients)
		return sdiag_at(c->d, c->s, at_path(root, "clocks", "offsets"), 0,
				"clocks.offsets has %u entries but there are only %u clients",
				cfg->noffsets, cfg->clients);
	const struct ynode *sync = ydoc_get(ydoc_get(root, "clocks"), "sync");
	if (cfg->sync_period == 0 && sync && ydoc_get(sync, "error") && !ydoc_get(sync, "period"))
		return sdiag_at(c->d, c->s, sync, 0,
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
	int rc = resolve_walk(c, s->root, schema_top, "", &out->cfg);
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

int scenario_check_memory(const struct scenario *s, bool record_ops, bool record_trace,
			  struct scenario_memory *m, struct sdiag *d)
{
	if (m)
		m->run = m->kept = 0;
	for (uint64_t p = 0; p < s->npoints; p++)
		for (size_t k = 0; k < s->npolicies; k++) {
			struct run_spec r;
			if (scenario_resolve(s, p, k, &r, d) < 0)
				return -1;
			if (m) {
				r.cfg.record_ops = record_ops;
				r.cfg.record_trace = record_trace;
				double run = world_estimate_bytes(&r.cfg), kept = world_estimate_record_bytes(&r.cfg);
				m->run = run > m->run ? run : m->run;
				m->kept = kept > m->kept ? kept : m->kept;
			}
			run_spec_free(&r);
		}
	return 0;
}

int scenario_check(const struct scenario *s, struct sdiag *d)
{
	return scenario_check_memory(s, false, false, NULL, d);
}
