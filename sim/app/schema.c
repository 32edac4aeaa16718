/*
 * schema.c - the tables of the scenario file's keys, their custom parsers
 * and the defaults they set.  See schema.h.
 */
#include "sim/app/schema.h"

#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/scenario.h"
#include "sim/core/units.h"

#define CFG(f) offsetof(struct run_config, f)
#define DMAX 3.2e18 /* about 100 years in ns */

/* ---- entries read once, at load (scenario.c), not per run ---- */

static int parse_skip(struct rctx *c, const struct ynode *v, const char *path)
{
	(void)c;
	(void)v;
	(void)path;
	return 0;
}

static const struct schema_custom at_load_text = {.parse = parse_skip, .type = "text"};
static const struct schema_custom at_load_count = {.parse = parse_skip, .type = "count"};
static const struct schema_custom at_load_sweep = {.parse = parse_skip,
						   .type = "mapping of name to list"};
static const struct schema_custom at_load_list = {.parse = parse_skip, .type = "list"};

/* ---- stop: a written stop replaces the default whole ---- */

static const struct field stop_fields[] = {
	{.name = "ops", .type = FT_U64, .offset = CFG(stop_ops), .def = "10000", .min = 1, .max = 1e12,
	 .def_doc = "`10000`; no limit when `stop` is written without `ops`",
	 .help = "issuing stops once this many operations have been issued (all clients together)"},
	{.name = "time", .type = FT_DURATION, .offset = CFG(stop_time), .def = "0", .min = 1,
	 .max = DMAX, .def_doc = "`0` (no limit)",
	 .help = "issuing stops at this simulated time: no operation is issued at or after it"},
	{0},
};

/* {time: 5s} must not keep the default operation count. */
static int parse_stop(struct rctx *c, const struct ynode *v, const char *path)
{
	c->out->cfg.stop_ops = 0;
	c->out->cfg.stop_time = 0;
	return resolve_walk(c, v, stop_fields, path, &c->out->cfg);
}

static void defaults_stop(struct run_config *cfg)
{
	field_defaults(stop_fields, cfg);
}

static void json_stop(const struct run_config *cfg, struct strbuf *b)
{
	char buf[64];
	units_format_duration((double)cfg->stop_time, buf, sizeof(buf));
	sb_printf(b, "{\"ops\":%llu,\"time\":", (unsigned long long)cfg->stop_ops);
	sb_json_string(b, buf);
	sb_puts(b, "}");
}

static const struct schema_custom stop_custom = {.parse = parse_stop,
						 .defaults = defaults_stop,
						 .json = json_stop,
						 .type = "mapping",
						 .sub = stop_fields};

/* ---- workload.mix ---- */

static int kind_index(const char *name)
{
	for (int k = 0; k < OP_NMIX; k++)
		if (strcmp(name, op_kind_names[k]) == 0)
			return k;
	return -1;
}

static int parse_mix(struct rctx *c, const struct ynode *v, const char *path)
{
	if (v->type != Y_MAP)
		return sdiag_at(c->d, c->s, v, 0,
				"%s: expected a mapping of operation kinds to weights, such as {incr: 0.9, read: 0.1}",
				path);
	struct run_config *cfg = &c->out->cfg;
	for (int k = 0; k < OP_NMIX; k++)
		cfg->mix[k] = 0;
	static const struct field weight = {.name = "weight", .type = FT_NUMBER, .min = 0, .max = 1e9};
	double total = 0;
	for (size_t i = 0; i + 1 < v->n; i += 2) {
		const struct ynode *key = v->item[i], *val = v->item[i + 1];
		int k = kind_index(key->text);
		if (k < 0) {
			char hint[64];
			sdiag_suggest(key->text, op_kind_names, OP_NMIX, hint, sizeof(hint));
			return sdiag_at(c->d, c->s, key, 0,
					"%s: unknown operation kind '%s'%s (expected incr, add, put or read)",
					path, key->text, hint);
		}
		char sub[128];
		snprintf(sub, sizeof(sub), "%s.%s", path, key->text);
		if (resolve_scalar(c, val, sub, "a weight (a number >= 0)") < 0)
			return -1;
		struct parse_error e;
		double w;
		if (field_parse(&weight, &w, c->buf, &e) < 0) {
			if (e.col < 0)
				snprintf(e.msg, sizeof(e.msg), "a weight must be between 0 and 1e9, found '%.160s'",
					 c->buf);
			return resolve_bad_value(c, val, sub, &e);
		}
		cfg->mix[k] = w;
		total += w;
	}
	if (!(total > 0))
		return sdiag_at(c->d, c->s, v, 0, "%s: the weights must not all be zero", path);
	return 0;
}

static void defaults_mix(struct run_config *cfg)
{
	for (int k = 0; k < OP_NMIX; k++)
		cfg->mix[k] = 0;
	cfg->mix[OP_INCR] = 1;
}

static void json_mix(const struct run_config *cfg, struct strbuf *b)
{
	sb_puts(b, "{");
	for (int k = 0; k < OP_NMIX; k++) {
		sb_printf(b, "%s\"%s\":", k ? "," : "", op_kind_names[k]);
		sb_json_number(b, cfg->mix[k]);
	}
	sb_puts(b, "}");
}

static const struct schema_custom mix_custom = {.parse = parse_mix,
						.defaults = defaults_mix,
						.json = json_mix,
						.type = "mapping of kind to weight"};

/* ---- workload.script ---- */

/* One scripted operation as written: the fields in a table of their own. */
struct script_entry {
	int64_t at;
	uint32_t client;
	uint32_t key;
	int op;
	int64_t compute;
};

#define SE(f) offsetof(struct script_entry, f)

const struct field schema_script_fields[] = {
	{.name = "at", .type = FT_DURATION, .offset = SE(at), .min = 0, .max = DMAX,
	 .def_doc = "required", .help = "simulated time at which the operation is issued"},
	{.name = "client", .type = FT_U32, .offset = SE(client), .min = 0, .max = 1e6,
	 .def_doc = "required", .range = "0 to 1000000, and less than `workload.clients`",
	 .help = "the issuing client"},
	{.name = "op", .type = FT_ENUM, .offset = SE(op), .def = "incr", .choices = "incr|add|put|read",
	 .help = "the operation kind"},
	{.name = "key", .type = FT_U32, .offset = SE(key), .def = "0", .min = 0, .max = 1e9,
	 .range = "0 to 1000000000, and less than `store.keys`", .help = "the key"},
	{.name = "compute", .type = FT_DURATION, .offset = SE(compute), .min = 0, .max = DMAX,
	 .def_doc = "drawn from `workload.compute`", .help = "the compute time of this operation"},
	{0},
};

struct script_place {
	int64_t at;
	size_t index; /* position as written */
};

static int place_cmp(const void *pa, const void *pb)
{
	const struct script_place *a = pa, *b = pb;
	if (a->at != b->at)
		return a->at < b->at ? -1 : 1;
	return (a->index > b->index) - (a->index < b->index);
}

/* Sorts ops by time, keeping the written order of equal times. */
static int sort_script(struct script_op *ops, size_t n)
{
	struct script_place *pl = malloc((n ? n : 1) * sizeof(*pl));
	struct script_op *copy = malloc((n ? n : 1) * sizeof(*copy));
	if (!pl || !copy) {
		free(pl);
		free(copy);
		return -1;
	}
	for (size_t i = 0; i < n; i++)
		pl[i] = (struct script_place){.at = ops[i].at, .index = i};
	qsort(pl, n, sizeof(*pl), place_cmp);
	memcpy(copy, ops, n * sizeof(*copy));
	for (size_t i = 0; i < n; i++)
		ops[i] = copy[pl[i].index];
	free(pl);
	free(copy);
	return 0;
}

static int parse_script(struct rctx *c, const struct ynode *v, const char *path)
{
	if (v->type != Y_SEQ)
		return sdiag_at(c->d, c->s, v, 0,
				"%s: expected a list of operations such as {at: 10ms, client: 0, op: incr}",
				path);
	if (v->n > 100000)
		return sdiag_at(c->d, c->s, v, 0, "%s: at most 100000 scripted operations", path);
	free(c->out->script);
	c->out->script = calloc(v->n ? v->n : 1, sizeof(*c->out->script));
	if (!c->out->script)
		return sdiag_at(c->d, c->s, v, 0, "out of memory");
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *op = v->item[i];
		char sub[96];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (op->type != Y_MAP)
			return sdiag_at(c->d, c->s, op, 0,
					"%s: expected a mapping {at, client, op, key, compute}", sub);
		struct script_entry e = {.compute = -1};
		field_defaults(schema_script_fields, &e);
		if (resolve_walk(c, op, schema_script_fields, sub, &e) < 0)
			return -1;
		if (!ydoc_get(op, "at") || !ydoc_get(op, "client"))
			return sdiag_at(c->d, c->s, op, 0,
					"%s: a scripted operation needs at least 'at' and 'client'", sub);
		c->out->script[i] = (struct script_op){
			.at = e.at, .client = e.client, .key = e.key, .kind = (uint8_t)e.op,
			.compute = ydoc_get(op, "compute") ? e.compute : -1};
	}
	/* issued in time order; entries at equal times in the order written
	 * (sorted by (at, position): O(n log n) however they are listed) */
	if (sort_script(c->out->script, v->n) < 0)
		return sdiag_at(c->d, c->s, v, 0, "out of memory");
	c->out->cfg.script = c->out->script;
	c->out->cfg.nscript = (uint32_t)v->n;
	return 0;
}

static void json_script(const struct run_config *cfg, struct strbuf *b)
{
	char buf[48];
	sb_puts(b, "[");
	for (uint32_t i = 0; i < cfg->nscript; i++) {
		const struct script_op *so = &cfg->script[i];
		units_format_duration((double)so->at, buf, sizeof(buf));
		sb_printf(b, "%s{\"at\":", i ? "," : "");
		sb_json_string(b, buf);
		sb_printf(b, ",\"client\":%u,\"op\":\"%s\",\"key\":%u", so->client,
			  op_kind_names[so->kind], so->key);
		if (so->compute >= 0) {
			units_format_duration((double)so->compute, buf, sizeof(buf));
			sb_puts(b, ",\"compute\":");
			sb_json_string(b, buf);
		}
		sb_puts(b, "}");
	}
	sb_puts(b, "]");
}

static const struct schema_custom script_custom = {
	.parse = parse_script, .json = json_script, .type = "list of operations"};

/* ---- clocks.offsets ---- */

static int parse_offsets(struct rctx *c, const struct ynode *v, const char *path)
{
	if (v->type != Y_SEQ)
		return sdiag_at(c->d, c->s, v, 0, "%s: expected a list of durations, one per client",
				path);
	if (v->n > 1000000)
		return sdiag_at(c->d, c->s, v, 0, "%s: too many entries", path);
	free(c->out->offsets);
	c->out->offsets = calloc(v->n ? v->n : 1, sizeof(*c->out->offsets));
	if (!c->out->offsets)
		return sdiag_at(c->d, c->s, v, 0, "out of memory");
	static const struct field offset = {
		.name = "offset", .type = FT_DURATION, .min = -DMAX, .max = DMAX};
	for (size_t i = 0; i < v->n; i++) {
		char sub[96];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (resolve_field(c, &offset, v->item[i], sub, &c->out->offsets[i]) < 0)
			return -1;
	}
	c->out->cfg.offsets = c->out->offsets;
	c->out->cfg.noffsets = (uint32_t)v->n;
	return 0;
}

static void json_offsets(const struct run_config *cfg, struct strbuf *b)
{
	char buf[48];
	sb_puts(b, "[");
	for (uint32_t i = 0; i < cfg->noffsets; i++) {
		units_format_duration((double)cfg->offsets[i], buf, sizeof(buf));
		sb_printf(b, "%s", i ? "," : "");
		sb_json_string(b, buf);
	}
	sb_puts(b, "]");
}

static const struct schema_custom offsets_custom = {
	.parse = parse_offsets, .json = json_offsets, .type = "list of durations"};

/* ---- workload.probe ---- */

static int parse_probe(struct rctx *c, const struct ynode *v, const char *path)
{
	if (v->type != Y_SEQ)
		return sdiag_at(c->d, c->s, v, 0, "%s: expected a list of delays such as [0ms, 1ms, 10ms]",
				path);
	if (v->n > PROBES_MAX)
		return sdiag_at(c->d, c->s, v, 0, "%s: at most %d delays", path, PROBES_MAX);
	static const struct field delay = {.name = "delay", .type = FT_DURATION, .min = 0, .max = DMAX};
	for (size_t i = 0; i < v->n; i++) {
		char sub[96];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (resolve_field(c, &delay, v->item[i], sub, &c->out->cfg.probe[i]) < 0)
			return -1;
	}
	c->out->cfg.nprobe = (uint32_t)v->n;
	return 0;
}

static void json_probe(const struct run_config *cfg, struct strbuf *b)
{
	char buf[48];
	sb_puts(b, "[");
	for (uint32_t i = 0; i < cfg->nprobe; i++) {
		units_format_duration((double)cfg->probe[i], buf, sizeof(buf));
		sb_puts(b, i ? "," : "");
		sb_json_string(b, buf);
	}
	sb_puts(b, "]");
}

static const struct schema_custom probe_custom = {
	.parse = parse_probe, .json = json_probe, .type = "list of durations"};

/* ---- network.peer: one distribution for every class, or one per class ---- */

static const char *const peer_names[PEER_NCLASSES] = {"write", "ack", "read", "reply"};

static const struct field peer_fields[] = {
	{.name = "write", .type = FT_DIST, .offset = offsetof(struct run_config, peer[PEER_WRITE]),
	 .def_doc = "`network.latency`", .help = "a write or a copy sent to a replica (PBS's W)"},
	{.name = "ack", .type = FT_DIST, .offset = offsetof(struct run_config, peer[PEER_ACK]),
	 .def_doc = "`network.latency`", .help = "a replica's acknowledgement of a write (A)"},
	{.name = "read", .type = FT_DIST, .offset = offsetof(struct run_config, peer[PEER_READ]),
	 .def_doc = "`network.latency`", .help = "a read sent to a replica (R)"},
	{.name = "reply", .type = FT_DIST, .offset = offsetof(struct run_config, peer[PEER_REPLY]),
	 .def_doc = "`network.latency`", .help = "a replica's read reply (S)"},
	{0},
};

static int parse_peer(struct rctx *c, const struct ynode *v, const char *path)
{
	struct run_config *cfg = &c->out->cfg;
	if (v->type == Y_SCALAR) {
		if (resolve_field(c, &peer_fields[0], v, path, cfg) < 0)
			return -1;
		for (int k = 0; k < PEER_NCLASSES; k++) {
			cfg->peer[k] = cfg->peer[PEER_WRITE];
			cfg->peer_set[k] = true;
		}
		return 0;
	}
	if (resolve_walk(c, v, peer_fields, path, cfg) < 0)
		return -1;
	for (int k = 0; k < PEER_NCLASSES; k++)
		cfg->peer_set[k] = cfg->peer_set[k] || ydoc_get(v, peer_names[k]) != NULL;
	return 0;
}

static void json_peer(const struct run_config *cfg, struct strbuf *b)
{
	sb_puts(b, "{");
	for (int k = 0; k < PEER_NCLASSES; k++) {
		char buf[160];
		dist_format(cfg->peer_set[k] ? &cfg->peer[k] : &cfg->latency, DIST_DURATION, buf,
			    sizeof(buf));
		sb_printf(b, "%s\"%s\":", k ? "," : "", peer_names[k]);
		sb_json_string(b, buf);
	}
	sb_puts(b, "}");
}

static const struct schema_custom peer_custom = {.parse = parse_peer,
						 .json = json_peer,
						 .type = "distribution, or mapping",
						 .sub = peer_fields};

/* ---- cluster.replication: a strategy's name, or {name: {options}} ---- */

static int parse_replication(struct rctx *c, const struct ynode *v, const char *path)
{
	struct run_config *cfg = &c->out->cfg;
	const struct ynode *name = v, *opts = NULL;
	if (v->type == Y_MAP) {
		if (v->n != 2)
			return sdiag_at(c->d, c->s, v, 0,
					"%s: expected one strategy, such as primary: {replicas: 3} or quorum: {n: 3, r: 1, w: 1}",
					path);
		name = v->item[0];
		opts = v->item[1];
		if (opts->type == Y_SCALAR && opts->text[0] == '\0' && opts->plain)
			opts = NULL;
		else if (opts->type != Y_MAP)
			return sdiag_at(c->d, c->s, opts, 0, "%s: %s: expected a mapping of options, found %s",
					path, name->text, ydoc_type_name(opts->type));
	} else if (v->type != Y_SCALAR) {
		return sdiag_at(c->d, c->s, v, 0, "%s: expected a strategy name, found %s", path,
				ydoc_type_name(v->type));
	}
	/* the name alone is a value, so a sweep may vary it (replication:
	 * $strategy); in the mapping form it is a key, and keys are never
	 * substituted */
	char rname[128];
	snprintf(rname, sizeof(rname), "%s", name->text);
	if (v->type == Y_SCALAR) {
		if (resolve_scalar(c, v, path, "a strategy name") < 0)
			return -1;
		snprintf(rname, sizeof(rname), "%.120s", c->buf);
	}
	const struct repl *r = registry_repl_find(rname);
	if (!r) {
		const char *names[16];
		size_t n = 0;
		for (size_t i = 0; i < registry_repl_count() && n < 16; i++)
			names[n++] = registry_repl_at(i)->name;
		char list[200], hint[96];
		sdiag_join(names, n, list, sizeof(list));
		sdiag_suggest(rname, names, n, hint, sizeof(hint));
		return sdiag_at(c->d, c->s, name, 0, "%s: unknown replication strategy '%s'%s (the strategies are %s)",
				path, rname, hint, list);
	}
	cfg->repl = r;
	repl_defaults(r, cfg->ropts.bytes);
	for (size_t i = 0; opts && i + 1 < opts->n; i += 2) {
		const struct ynode *key = opts->item[i], *val = opts->item[i + 1];
		char sub[160];
		snprintf(sub, sizeof(sub), "%s: %s", path, r->name);
		struct parse_error e;
		if (!field_find(r->options, key->text)) {
			repl_set_option(r, cfg->ropts.bytes, key->text, "", &e);
			return sdiag_at(c->d, c->s, key, 0, "%s: %s", sub, e.msg);
		}
		if (resolve_scalar(c, val, sub, "a value") < 0)
			return -1;
		if (repl_set_option(r, cfg->ropts.bytes, key->text, c->buf, &e) < 0) {
			e.col = -1;
			return resolve_bad_value(c, val, sub, &e);
		}
	}
	return 0;
}

static void defaults_replication(struct run_config *cfg)
{
	cfg->repl = registry_repl_find("none");
	repl_defaults(cfg->repl, cfg->ropts.bytes);
}

static void json_replication(const struct run_config *cfg, struct strbuf *b)
{
	sb_puts(b, "{\"name\":");
	sb_json_string(b, cfg->repl->name);
	sb_puts(b, ",\"options\":{");
	bool first = true;
	for (const struct field *o = cfg->repl->options; o && o->name; o++) {
		char buf[128];
		field_format(o, cfg->ropts.bytes, buf, sizeof(buf));
		sb_puts(b, first ? "" : ",");
		first = false;
		sb_json_string(b, o->name);
		sb_puts(b, ":");
		if (o->type == FT_U32 || o->type == FT_U64 || o->type == FT_COUNT)
			sb_puts(b, buf);
		else
			sb_json_string(b, buf);
	}
	sb_puts(b, "}}");
}

static const struct schema_custom replication_custom = {.parse = parse_replication,
							.defaults = defaults_replication,
							.json = json_replication,
							.type = "a strategy, or {strategy: {options}}"};

/* ---- the tables ---- */

static const struct field store_fields[] = {
	{.name = "keys", .type = FT_U32, .offset = CFG(keys), .def = "16", .min = 1, .max = 1e8,
	 .help = "number of keys, numbered from 0"},
	{.name = "service", .type = FT_DIST, .offset = CFG(service), .def = "const(0)",
	 .help = "time the server spends on each message"},
	{.name = "durability", .type = FT_CUSTOM, .custom = &schema_durability_custom,
	 .def = "every",
	 .help = "what a node's crash keeps: every write (`every`), the state as of the last "
		 "checkpoint taken every D (`interval(D)`), or nothing (`never`)"},
	{0},
};

static const struct field workload_fields[] = {
	{.name = "clients", .type = FT_U32, .offset = CFG(clients), .def = "8", .min = 1, .max = 1e6,
	 .help = "number of clients, numbered from 0"},
	{.name = "arrival", .type = FT_ENUM, .offset = CFG(arrival), .def = "closed",
	 .choices = "closed|open|script", .help = "how clients issue operations (below)"},
	{.name = "think", .type = FT_DIST, .offset = CFG(think), .def = "exp(10ms)",
	 .help = "closed loop: time a client waits before each operation"},
	{.name = "rate", .type = FT_RATE, .offset = CFG(rate), .def = "100/s", .min = 1e-6, .max = 1e9,
	 .help = "open loop: Poisson arrival rate of each client"},
	{.name = "total_rate", .type = FT_CUSTOM, .custom = &schema_total_rate_custom,
	 .def_doc = "none", .range = "1e-06/s to 1e12/s, and 1e-06/s to 1e9/s a client",
	 .help = "open loop: the Poisson arrival rate of all clients together, split evenly over "
		 "them (instead of `rate`)"},
	{.name = "phases", .type = FT_CUSTOM, .custom = &schema_phases_custom, .def_doc = "none",
	 .range = "1 to 32 phases",
	 .help = "open loop: load that changes over time, a list of phases `{for, rate}` or "
		 "`{for, total_rate}` (below)"},
	{.name = "key", .type = FT_KEYS, .offset = CFG(key), .def = "uniform", .range = "see section 3",
	 .help = "which key an operation touches"},
	{.name = "mix", .type = FT_CUSTOM, .custom = &mix_custom, .def = "{incr: 1}",
	 .range = "weights are numbers from 0 to 1e9, not all 0",
	 .help = "relative frequency of each operation kind"},
	{.name = "compute", .type = FT_DIST, .offset = CFG(compute), .def = "const(1ms)",
	 .help = "time between a read-modify-write's read reply and its write"},
	{.name = "retries", .type = FT_U32, .offset = CFG(retries), .def = "5", .min = 0, .max = 1e6,
	 .help = "retries after conflicts before the operation aborts"},
	{.name = "backoff", .type = FT_DIST, .offset = CFG(backoff), .def = "exp(2ms)",
	 .help = "wait before each retry"},
	{.name = "timeout", .type = FT_DURATION, .offset = CFG(timeout), .def = "1s", .min = 0,
	 .max = DMAX, .range = "0 to 3200000000s; `0` means never",
	 .help = "an operation still running this long after it was issued fails"},
	{.name = "script", .type = FT_CUSTOM, .custom = &script_custom, .def_doc = "none",
	 .range = "at most 100000 entries",
	 .help = "`arrival: script`: the operations to issue (below)"},
	{.name = "probe", .type = FT_CUSTOM, .custom = &probe_custom, .def_doc = "none",
	 .range = "at most 16 delays, each 0 to 3200000000s",
	 .help = "after every acknowledged write, a read of the same key at each of these delays, "
		 "recorded as kind `probe` (PBS's t-visibility measurement)"},
	{0},
};

static const struct field network_fields[] = {
	{.name = "latency", .type = FT_DIST, .offset = CFG(latency), .def = "exp(0.5ms)",
	 .help = "one-way latency between a client and a node, drawn independently for every "
		 "message in each direction"},
	{.name = "peer", .type = FT_CUSTOM, .custom = &peer_custom, .def_doc = "`network.latency`",
	 .range = "non-negative",
	 .help = "one-way latency between nodes: one distribution, or one per message class "
		 "`{write, ack, read, reply}` (below)"},
	{0},
};

static const struct field cluster_fields[] = {
	{.name = "nodes", .type = FT_U32, .offset = CFG(nodes), .def = "1", .min = 1, .max = 1024,
	 .help = "store nodes, numbered from 0; 1 is the single store of sections 6-9"},
	{.name = "replication", .type = FT_CUSTOM, .custom = &replication_custom, .def = "none",
	 .range = "see [16](#16-cluster-and-replication)",
	 .help = "how copies of a key are kept: `none`, `primary` or `quorum`, with options"},
	{.name = "settle", .type = FT_ENUM, .offset = CFG(settle), .def = "converge",
	 .choices = "converge|none",
	 .help = "at the end of a run, `converge`: the replicas exchange until they agree, and the "
		 "checker reads that state; `none`: the final state is what the replicas hold (an "
		 "effect any replica holds survives)"},
	{.name = "vnodes", .type = FT_U32, .offset = CFG(vnodes), .def = "8", .min = 1, .max = 1024,
	 .help = "positions of each node on the placement ring (virtual nodes)"},
	{0},
};

static const struct field sync_fields[] = {
	{.name = "period", .type = FT_DURATION, .offset = CFG(sync_period), .def = "0", .min = 0,
	 .max = DMAX, .def_doc = "`0` (never)",
	 .help = "re-synchronise every clock at every multiple of this"},
	{.name = "error", .type = FT_DIST_SIGNED, .offset = CFG(sync_error), .def = "const(0)",
	 .help = "offset left after each re-synchronisation; needs `sync.period` when given"},
	{0},
};

static const struct field clocks_fields[] = {
	{.name = "offset", .type = FT_DIST_SIGNED, .offset = CFG(offset), .def = "const(0)",
	 .help = "initial offset of each entity's clock"},
	{.name = "drift", .type = FT_DIST_NUM, .offset = CFG(drift), .def = "const(0)",
	 .help = "drift of each entity's clock, in parts per million"},
	{.name = "resolution", .type = FT_DURATION, .offset = CFG(resolution), .def = "1us", .min = 1,
	 .max = 1e9, .help = "clock readings are multiples of this"},
	{.name = "sync", .type = FT_MAP, .sub = sync_fields, .help = "re-synchronisation"},
	{.name = "offsets", .type = FT_CUSTOM, .custom = &offsets_custom, .def_doc = "none",
	 .range = "signed, each at most 3200000000s in absolute value; at most `workload.clients` "
		  "entries",
	 .help = "explicit initial offsets: entry i replaces client i's drawn offset"},
	{0},
};

const struct field schema_top[] = {
	{.name = "name", .type = FT_CUSTOM, .custom = &at_load_text, .def_doc = "required",
	 .range = "1 to 100 bytes, no control characters",
	 .help = "the scenario's name, stored as written in every run (`runs.scenario`); it also "
		 "names the results file `results/NAME.db` (below)"},
	{.name = "description", .type = FT_CUSTOM, .custom = &at_load_text, .def_doc = "empty",
	 .range = "any scalar; write a `$` as `$$`",
	 .help = "free text for readers; not stored in the database"},
	{.name = "seed", .type = FT_CUSTOM, .custom = &at_load_count, .def = "1",
	 .range = "0 to 9200000000000000000",
	 .help = "base seed: replication r runs with seed `seed + r`"},
	{.name = "replications", .type = FT_CUSTOM, .custom = &at_load_count, .def = "1",
	 .range = "1 to 10000", .help = "runs per sweep point and policy"},
	{.name = "stop", .type = FT_CUSTOM, .custom = &stop_custom, .def = "{ops: 10000}",
	 .range = "see [5](#5-stop-and-warmup)", .help = "when issuing stops"},
	{.name = "warmup", .type = FT_DURATION, .offset = CFG(warmup), .def = "0", .min = 0,
	 .max = DMAX, .range = "0 to 3200000000s, and shorter than `stop.time` when that is set",
	 .help = "latency and throughput ignore operations issued before it"},
	{.name = "sweep", .type = FT_CUSTOM, .custom = &at_load_sweep, .def_doc = "none",
	 .range = "see [11](#11-sweeps-substitution-run-order-and-seeds)", .help = "parameters to vary"},
	{.name = "policies", .type = FT_CUSTOM, .custom = &at_load_list, .def_doc = "required",
	 .range = "1 to 1000 entries", .help = "the policies to compare; see [10](#10-policies)"},
	{.name = "store", .type = FT_MAP, .sub = store_fields, .def_doc = "see [6](#6-store)",
	 .help = "the store node"},
	{.name = "workload", .type = FT_MAP, .sub = workload_fields, .def_doc = "see [7](#7-workload)",
	 .help = "the clients and their operations"},
	{.name = "network", .type = FT_MAP, .sub = network_fields, .def_doc = "see [8](#8-network)",
	 .help = "message latency"},
	{.name = "clocks", .type = FT_MAP, .sub = clocks_fields, .def_doc = "see [9](#9-clocks)",
	 .help = "the local clocks of clients and store"},
	{.name = "cluster", .type = FT_MAP, .sub = cluster_fields,
	 .def_doc = "see [16](#16-cluster-and-replication)",
	 .help = "the store nodes and how they replicate"},
	{.name = "faults", .type = FT_CUSTOM, .custom = &schema_faults_custom, .def_doc = "none",
	 .range = "see [17](#17-faults)",
	 .help = "crashes, partitions, message loss, pauses and clock jumps, at fixed or drawn times"},
	{0},
};

const struct schema_custom *schema_custom_of(const struct field *f)
{
	return f->type == FT_CUSTOM ? f->custom : NULL;
}

/* Sets the defaults of a table and of its custom entries. */
static void table_defaults(const struct field *table, struct run_config *c)
{
	for (const struct field *f = table; f && f->name; f++) {
		if (f->type == FT_MAP) {
			table_defaults(f->sub, c);
		} else if (f->type == FT_CUSTOM) {
			const struct schema_custom *h = f->custom;
			if (h->defaults)
				h->defaults(c);
		} else if (f->def) {
			struct field one[2] = {*f, {0}};
			field_defaults(one, c);
		}
	}
}

void config_defaults(struct run_config *c)
{
	memset(c, 0, sizeof(*c));
	c->seed = 1;
	table_defaults(schema_top, c);
}
