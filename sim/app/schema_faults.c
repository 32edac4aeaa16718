/*
 * schema_faults.c - the scenario's fault schedule (`faults:`) and what a
 * crash keeps (`store.durability`): their field tables and parsers.  See
 * schema.h; design section 10.
 *
 *   faults:
 *     - crash:      {node: 0, at: 2s, for: 500ms}
 *     - crash:      {client: 5, at: 1s}
 *     - partition:  {groups: [[0], [1, 2]], at: 3s, for: 1s}
 *     - partition:  {from: [0], to: [1], at: 3s, for: 1s}
 *     - loss:       {p: 0.01, at: 0s, for: 10s}
 *     - pause:      {node: primary, at: exp(5s), for: lognormal(200ms, 0.5), every: 10s}
 *     - clock_jump: {node: 2, at: 4s, by: -500ms}
 *     - crash:      {node: primary, at: 2s, for: 1s, when: $nemesis == crash}
 *
 * `when: $AXIS == VALUE` (or `!=`) keeps a fault in the schedule only at
 * the sweep points where axis AXIS has (or has not) that value as written:
 * a sweep over kinds of fault, which substitution cannot give since a
 * fault's kind is a key.  A fault left out is not part of the run at all:
 * not in its parameters, not numbered among its faults.
 */
#include <stdio.h>
#include <string.h>

#include "sim/app/fwin.h"
#include "sim/app/scenario.h"
#include "sim/app/schema.h"
#include "sim/core/units.h"

#define DMAX 3.2e18
#define FOFF(f) offsetof(struct fault, f)

#define kind_names fwin_kind_names /* the kinds' names, shared with the results database */

/* node: a number, `primary` or `service`; client: a number. */
static int parse_target(struct rctx *c, struct fault *f, const struct ynode *key,
			const struct ynode *v, const char *path)
{
	bool node = strcmp(key->text, "node") == 0;
	if (resolve_scalar(c, v, path, node ? "a node number, primary or service" : "a client number") < 0)
		return -1;
	if (node && strcmp(c->buf, "primary") == 0) {
		f->target = FAULT_ON_PRIMARY;
		return 0;
	}
	if (node && strcmp(c->buf, "service") == 0) {
		f->target = FAULT_ON_SERVICE;
		return 0;
	}
	static const struct field index = {.name = "index", .type = FT_U32, .min = 0, .max = 1e6};
	f->target = node ? FAULT_ON_NODE : FAULT_ON_CLIENT;
	return resolve_field(c, &index, v, path, &f->index);
}

/* A list of node numbers (< 64) as a bit set. */
static int parse_nodes(struct rctx *c, const struct ynode *v, const char *path, uint64_t *set)
{
	if (v->type != Y_SEQ)
		return sdiag_at(c->d, c->s, v, 0, "%s: expected a list of node numbers, such as [0, 1]",
				path);
	static const struct field index = {.name = "node", .type = FT_U32, .min = 0, .max = 63};
	*set = 0;
	for (size_t i = 0; i < v->n; i++) {
		char sub[320];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		uint32_t k;
		if (resolve_field(c, &index, v->item[i], sub, &k) < 0)
			return -1;
		*set |= 1ULL << k;
	}
	return 0;
}

static int parse_groups(struct rctx *c, struct fault *f, const struct ynode *v, const char *path)
{
	if (v->type != Y_SEQ || v->n < 2 || v->n > FAULT_GROUPS_MAX)
		return sdiag_at(c->d, c->s, v, 0,
				"%s: expected 2 to %d lists of node numbers, such as [[0], [1, 2]]", path,
				FAULT_GROUPS_MAX);
	f->ngroups = (uint32_t)v->n;
	for (size_t g = 0; g < v->n; g++) {
		char sub[256];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, g);
		if (parse_nodes(c, v->item[g], sub, &f->group[g]) < 0)
			return -1;
	}
	return 0;
}

/* The fields of each kind; `node`, `client`, `groups`, `from`, `to` are
 * parsed by hand. */
static const struct field fault_fields[] = {
	{.name = "at", .type = FT_DIST, .offset = FOFF(at), .def = "0",
	 .help = "when the fault starts (a value, or a distribution drawn for each occurrence)"},
	{.name = "for", .type = FT_DIST, .offset = FOFF(dur), .def = "0",
	 .help = "how long it lasts; 0: until the operations end"},
	{.name = "every", .type = FT_DURATION, .offset = FOFF(every), .def = "0", .min = 0,
	 .max = DMAX, .help = "repeat: occurrence k starts at k * every + at; 0: once"},
	{.name = "p", .type = FT_NUMBER, .offset = FOFF(p), .def = "0", .min = 0, .max = 1,
	 .help = "loss: the probability that a message is dropped"},
	{.name = "by", .type = FT_DURATION, .offset = FOFF(by), .def = "0", .min = -DMAX, .max = DMAX,
	 .help = "clock_jump: the step of the clock (signed)"},
	{0},
};

static const char *const allowed[FAULT_NKINDS] = {
	[FAULT_CRASH] = "node client at for every when",
	[FAULT_PARTITION] = "groups from to at for every when",
	[FAULT_LOSS] = "p at for every when",
	[FAULT_PAUSE] = "node client at for every when",
	[FAULT_CLOCK_JUMP] = "node client at every by when",
};

/* when: "$AXIS == VALUE" or "$AXIS != VALUE" (${AXIS} too), read from the
 * text as written: sets *keep to whether the fault is in the schedule at
 * this point.  (Every $ reference of a scenario is checked when it is
 * loaded: an AXIS that is no sweep axis has been refused already.) */
static int parse_when(struct rctx *c, const struct ynode *v, const char *path, bool *keep)
{
	static const char usage[] = "expected a condition on a sweep axis, such as $nemesis == crash "
				    "or $nemesis != none";
	if (v->type != Y_SCALAR)
		return sdiag_at(c->d, c->s, v, 0, "%s: %s", path, usage);
	const char *t = v->text;
	while (*t == ' ')
		t++;
	const char *op = strstr(t, "=="), *ne = strstr(t, "!=");
	if (!op || (ne && ne < op))
		op = ne;
	if (!op || t[0] != '$')
		return sdiag_at(c->d, c->s, v, 0, "%s: %s", path, usage);
	/* the axis: $name or ${name}, then spaces */
	const char *name = t + 1 + (t[1] == '{');
	size_t len = 0;
	while (name[len] == '_' || (name[len] >= 'a' && name[len] <= 'z') ||
	       (name[len] >= 'A' && name[len] <= 'Z') || (name[len] >= '0' && name[len] <= '9'))
		len++;
	const char *after = name + len + (t[1] == '{' && name[len] == '}');
	while (after < op && *after == ' ')
		after++;
	/* the value: the rest, without the spaces around it */
	const char *val = op + 2;
	while (*val == ' ')
		val++;
	size_t vlen = strlen(val);
	while (vlen && val[vlen - 1] == ' ')
		vlen--;
	if (len == 0 || after != op || vlen == 0 || memchr(val, '$', vlen))
		return sdiag_at(c->d, c->s, v, 0, "%s: %s", path, usage);
	size_t a = 0;
	while (a < c->s->naxes && !(strlen(c->s->axes[a].name) == len &&
				    strncmp(c->s->axes[a].name, name, len) == 0))
		a++;
	if (a == c->s->naxes)
		return sdiag_at(c->d, c->s, v, 0, "%s: '%.*s' is not a sweep axis", path, (int)len, name);
	const char *here = scenario_axis_value(c->s, c->point, a);
	bool equal = strlen(here) == vlen && strncmp(here, val, vlen) == 0;
	*keep = op[0] == '=' ? equal : !equal;
	return 0;
}

static bool allowed_key(int kind, const char *key)
{
	const char *list = allowed[kind];
	size_t n = strlen(key);
	for (const char *p = list; (p = strstr(p, key)); p += n)
		if ((p == list || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

static int parse_fault(struct rctx *c, const struct ynode *item, const char *path, struct fault *f,
		       bool *keep)
{
	*keep = true;
	if (item->type != Y_MAP || item->n != 2)
		return sdiag_at(c->d, c->s, item, 0,
				"%s: expected one fault, such as crash: {node: 0, at: 2s, for: 500ms}", path);
	const struct ynode *name = item->item[0], *body = item->item[1];
	int kind = -1;
	for (int k = 0; k < FAULT_NKINDS; k++)
		if (strcmp(name->text, kind_names[k]) == 0)
			kind = k;
	if (kind < 0) {
		char hint[96];
		sdiag_suggest(name->text, kind_names, FAULT_NKINDS, hint, sizeof(hint));
		return sdiag_at(c->d, c->s, name, 0,
				"%s: unknown fault '%s'%s (the faults are crash, partition, loss, pause, clock_jump)",
				path, name->text, hint);
	}
	if (body->type != Y_MAP)
		return sdiag_at(c->d, c->s, body, 0, "%s: %s: expected a mapping of its settings", path,
				name->text);
	memset(f, 0, sizeof(*f));
	field_defaults(fault_fields, f);
	f->kind = kind;
	f->target = FAULT_ON_NETWORK;
	bool who = false;
	for (size_t i = 0; i + 1 < body->n; i += 2) {
		const struct ynode *key = body->item[i], *val = body->item[i + 1];
		char sub[192];
		snprintf(sub, sizeof(sub), "%s.%s.%s", path, name->text, key->text);
		if (!allowed_key(kind, key->text)) {
			/* did you mean one of the settings this kind takes? */
			char list[64], hint[96], takes[96];
			const char *names[8];
			size_t n = 0;
			snprintf(list, sizeof(list), "%s", allowed[kind]);
			for (char *t = strtok(list, " "); t && n < 8; t = strtok(NULL, " "))
				names[n++] = t;
			sdiag_suggest(key->text, names, n, hint, sizeof(hint));
			sdiag_join(names, n, takes, sizeof(takes));
			return sdiag_at(c->d, c->s, key, 0, "%s: %s takes no '%s'%s (it takes %s)", path,
					name->text, key->text, hint, takes);
		}
		int rc;
		if (!strcmp(key->text, "node") || !strcmp(key->text, "client")) {
			if (who)
				return sdiag_at(c->d, c->s, key, 0, "%s: %s: name a node or a client, not both",
						path, name->text);
			who = true;
			rc = parse_target(c, f, key, val, sub);
		} else if (!strcmp(key->text, "when")) {
			rc = parse_when(c, val, sub, keep);
		} else if (!strcmp(key->text, "groups")) {
			rc = parse_groups(c, f, val, sub);
		} else if (!strcmp(key->text, "from")) {
			rc = parse_nodes(c, val, sub, &f->from);
		} else if (!strcmp(key->text, "to")) {
			rc = parse_nodes(c, val, sub, &f->to);
		} else {
			rc = resolve_field(c, field_find(fault_fields, key->text), val, sub, f);
		}
		if (rc < 0)
			return -1;
	}
	bool needs_who = kind == FAULT_CRASH || kind == FAULT_PAUSE || kind == FAULT_CLOCK_JUMP;
	if (needs_who && !who)
		return sdiag_at(c->d, c->s, item, 0, "%s: %s: say whose, with node: N or client: N", path,
				name->text);
	if (kind == FAULT_PARTITION && !f->ngroups && !(f->from && f->to))
		return sdiag_at(c->d, c->s, item, 0,
				"%s: partition: give groups: [[0], [1, 2]], or from: [0] and to: [1]", path);
	if (kind == FAULT_PARTITION && f->ngroups && (f->from || f->to))
		return sdiag_at(c->d, c->s, item, 0, "%s: partition: groups, or from and to, not both",
				path);
	if (kind == FAULT_CRASH && f->target == FAULT_ON_CLIENT && ydoc_get(body, "for"))
		return sdiag_at(c->d, c->s, ydoc_get(body, "for"), 0,
				"%s: a crashed client never returns: it takes no 'for'", path);
	return 0;
}

static int parse_faults(struct rctx *c, const struct ynode *v, const char *path)
{
	if (v->type != Y_SEQ)
		return sdiag_at(c->d, c->s, v, 0,
				"%s: expected a list of faults, such as [{crash: {node: 0, at: 2s, for: 1s}}]",
				path);
	if (v->n > FAULTS_MAX)
		return sdiag_at(c->d, c->s, v, 0, "%s: at most %d faults", path, FAULTS_MAX);
	struct run_config *cfg = &c->out->cfg;
	cfg->nfaults = 0;
	for (size_t i = 0; i < v->n; i++) {
		char sub[96];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		bool keep;
		if (parse_fault(c, v->item[i], sub, &cfg->faults[cfg->nfaults], &keep) < 0)
			return -1;
		if (keep)
			c->fault_item[cfg->nfaults++] = (uint8_t)i;
	}
	return 0;
}

static void json_nodes(uint64_t set, struct strbuf *b)
{
	sb_puts(b, "[");
	bool first = true;
	for (int i = 0; i < 64; i++)
		if (set >> i & 1) {
			sb_printf(b, "%s%d", first ? "" : ",", i);
			first = false;
		}
	sb_puts(b, "]");
}

static void json_faults(const struct run_config *cfg, struct strbuf *b)
{
	sb_puts(b, "[");
	for (uint32_t i = 0; i < cfg->nfaults; i++) {
		const struct fault *f = &cfg->faults[i];
		sb_printf(b, "%s{\"%s\":{", i ? "," : "", kind_names[f->kind]);
		if (f->target == FAULT_ON_PRIMARY)
			sb_puts(b, "\"node\":\"primary\",");
		else if (f->target == FAULT_ON_SERVICE)
			sb_puts(b, "\"node\":\"service\",");
		else if (f->target != FAULT_ON_NETWORK)
			sb_printf(b, "\"%s\":%u,", f->target == FAULT_ON_NODE ? "node" : "client", f->index);
		if (f->ngroups) {
			sb_puts(b, "\"groups\":[");
			for (uint32_t g = 0; g < f->ngroups; g++) {
				sb_puts(b, g ? "," : "");
				json_nodes(f->group[g], b);
			}
			sb_puts(b, "],");
		}
		if (f->from || f->to) {
			sb_puts(b, "\"from\":");
			json_nodes(f->from, b);
			sb_puts(b, ",\"to\":");
			json_nodes(f->to, b);
			sb_puts(b, ",");
		}
		for (const struct field *e = fault_fields; e->name; e++) {
			char buf[160];
			field_format(e, f, buf, sizeof(buf));
			sb_printf(b, "%s\"%s\":", e == fault_fields ? "" : ",", e->name);
			sb_json_string(b, buf);
		}
		sb_puts(b, "}}");
	}
	sb_puts(b, "]");
}

const struct schema_custom schema_faults_custom = {.parse = parse_faults,
						   .json = json_faults,
						   .type = "list of faults",
						   .sub = fault_fields};

/* ---- store.durability: every | never | interval(D) ---- */

static int parse_durability(struct rctx *c, const struct ynode *v, const char *path)
{
	struct run_config *cfg = &c->out->cfg;
	if (resolve_scalar(c, v, path, "every, never or interval(10ms)") < 0)
		return -1;
	if (strcmp(c->buf, "every") == 0) {
		cfg->durability = DURABLE_EVERY;
		return 0;
	}
	if (strcmp(c->buf, "never") == 0) {
		cfg->durability = DURABLE_NEVER;
		return 0;
	}
	size_t len = strlen(c->buf);
	if (strncmp(c->buf, "interval(", 9) == 0 && len > 10 && c->buf[len - 1] == ')') {
		char d[64];
		snprintf(d, sizeof(d), "%.*s", (int)(len - 10), c->buf + 9);
		struct parse_error e;
		static const struct field period = {.name = "interval", .type = FT_DURATION,
						    .min = 1e3, .max = DMAX};
		if (field_parse(&period, &cfg->durable_every, d, &e) < 0) {
			e.col += e.col >= 0 ? 9 : 0;
			return resolve_bad_value(c, v, path, &e);
		}
		cfg->durability = DURABLE_INTERVAL;
		return 0;
	}
	struct parse_error e = {.col = -1};
	snprintf(e.msg, sizeof(e.msg), "must be every, never or interval(D), found '%.100s'", c->buf);
	return resolve_bad_value(c, v, path, &e);
}

static void defaults_durability(struct run_config *cfg)
{
	cfg->durability = DURABLE_EVERY;
}

static void json_durability(const struct run_config *cfg, struct strbuf *b)
{
	char buf[64];
	if (cfg->durability == DURABLE_INTERVAL) {
		char d[48];
		units_format_duration((double)cfg->durable_every, d, sizeof(d));
		snprintf(buf, sizeof(buf), "interval(%s)", d);
	} else {
		snprintf(buf, sizeof(buf), "%s", cfg->durability == DURABLE_NEVER ? "never" : "every");
	}
	sb_json_string(b, buf);
}

const struct schema_custom schema_durability_custom = {.parse = parse_durability,
						       .defaults = defaults_durability,
						       .json = json_durability,
						       .type = "`every`, `never` or `interval(D)`"};

/* ---- checks against the rest of the run ---- */

int schema_faults_check(struct rctx *c)
{
	const struct run_config *cfg = &c->out->cfg;
	const struct ynode *list = ydoc_get(c->s->root, "faults");
	uint32_t nodes = cfg->nodes ? cfg->nodes : 1;
	bool loses = false;
	for (uint32_t i = 0; i < cfg->nfaults; i++) {
		const struct fault *f = &cfg->faults[i];
		uint32_t item = c->fault_item[i]; /* its place in the list as written */
		const struct ynode *at = list && item < list->n ? list->item[item] : c->s->root;
		const char *name = kind_names[f->kind];
		if (f->target == FAULT_ON_NODE && f->index >= nodes)
			return sdiag_at(c->d, c->s, at, 0,
					"faults[%u]: %s of node %u, but cluster.nodes is %u (nodes are numbered from 0)",
					item, name, f->index, nodes);
		if (f->target == FAULT_ON_CLIENT && f->index >= cfg->clients)
			return sdiag_at(c->d, c->s, at, 0,
					"faults[%u]: %s of client %u, but workload.clients is %u (clients are numbered from 0)",
					item, name, f->index, cfg->clients);
		if (f->kind == FAULT_PARTITION) {
			uint64_t all = f->from | f->to;
			for (uint32_t g = 0; g < f->ngroups; g++)
				all |= f->group[g];
			if (nodes < 2 || all >> nodes)
				return sdiag_at(c->d, c->s, at, 0,
						"faults[%u]: partition names nodes up to %d, but cluster.nodes is %u",
						item, 63 - __builtin_clzll(all), nodes);
		}
		if (f->kind == FAULT_LOSS && f->p <= 0)
			return sdiag_at(c->d, c->s, at, 0, "faults[%u]: loss needs p, a probability above 0",
					item);
		if (f->kind == FAULT_CLOCK_JUMP && f->by == 0)
			return sdiag_at(c->d, c->s, at, 0, "faults[%u]: clock_jump needs by, a step such as -500ms",
					item);
		loses |= f->target != FAULT_ON_CLIENT && f->kind != FAULT_CLOCK_JUMP;
	}
	if (loses && cfg->timeout == 0)
		return sdiag_at(c->d, c->s, list ? list : c->s->root, 0,
				"faults: a crash, pause, partition or loss can leave a request unanswered, and "
				"workload.timeout is 0 (wait forever): give a timeout, such as 1s");
	return 0;
}
