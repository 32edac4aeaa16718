/*
 * schema_load.c - the open-loop load: workload.total_rate (a rate for all
 * clients together, split evenly over them) and workload.phases (rates
 * that change at fixed times, sim/core/phases.h).  Both are left out of a
 * run's parameters when not written, so the identity of every run that
 * does not use them is what it was before they existed.
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "sim/app/scenario.h"
#include "sim/app/schema.h"
#include "sim/core/units.h"

#define DMAX 3.2e18 /* about 100 years in ns, as in schema.c */
#define RATE_MIN 1e-6	  /* per second, of one client: as workload.rate */
#define RATE_MAX 1e9
#define TOTAL_MAX 1e12	  /* per second, all clients together */

/* ---- workload.total_rate ---- */

static const struct field total_field = {.name = "total_rate", .type = FT_RATE, .min = RATE_MIN,
					 .max = TOTAL_MAX};

static int parse_total_rate(struct rctx *c, const struct ynode *v, const char *path)
{
	return resolve_field(c, &total_field, v, path, &c->out->cfg.total_rate);
}

static void json_rate(double r, struct strbuf *b)
{
	char num[40], buf[48];
	units_format_number(r, num, sizeof(num));
	snprintf(buf, sizeof(buf), "%s/s", num);
	sb_json_string(b, buf);
}

static void json_total_rate(const struct run_config *cfg, struct strbuf *b)
{
	json_rate(cfg->total_rate, b);
}

static bool total_rate_set(const struct run_config *cfg)
{
	return cfg->total_rate > 0;
}

const struct schema_custom schema_total_rate_custom = {.parse = parse_total_rate,
						       .json = json_total_rate,
						       .is_set = total_rate_set,
						       .type = "rate"};

/* ---- workload.phases ---- */

/* One phase as written. */
struct phase_entry {
	int64_t dur;
	double rate;
	double total_rate;
};

#define PE(f) offsetof(struct phase_entry, f)

const struct field schema_phase_fields[] = {
	{.name = "for", .type = FT_DURATION, .offset = PE(dur), .min = 1, .max = DMAX,
	 .def_doc = "required", .help = "how long the phase lasts; the first starts at 0"},
	{.name = "rate", .type = FT_RATE, .offset = PE(rate), .min = 0, .max = RATE_MAX,
	 .def_doc = "one of `rate` and `total_rate`", .range = "0, or 1e-06/s to 1e9/s",
	 .help = "the Poisson arrival rate of each client during the phase (0: no arrivals)"},
	{.name = "total_rate", .type = FT_RATE, .offset = PE(total_rate), .min = 0, .max = TOTAL_MAX,
	 .def_doc = "one of `rate` and `total_rate`",
	 .range = "0, or 1e-06/s to 1e12/s, and 1e-06/s to 1e9/s a client",
	 .help = "the arrival rate of all clients together during the phase, split evenly over them"},
	{0},
};

static int parse_phases(struct rctx *c, const struct ynode *v, const char *path)
{
	struct run_config *cfg = &c->out->cfg;
	if (v->type != Y_SEQ)
		return sdiag_at(c->d, c->s, v, 0,
				"%s: expected a list of phases such as [{for: 10s, rate: 100/s}, {for: 5s, "
				"total_rate: 20000/s}]",
				path);
	if (v->n == 0 || v->n > PHASES_MAX)
		return sdiag_at(c->d, c->s, v, 0, "%s: expected 1 to %d phases, found %zu", path, PHASES_MAX,
				v->n);
	int64_t end = 0;
	for (size_t i = 0; i < v->n; i++) {
		const struct ynode *ph = v->item[i];
		char sub[96];
		snprintf(sub, sizeof(sub), "%s[%zu]", path, i);
		if (ph->type != Y_MAP)
			return sdiag_at(c->d, c->s, ph, 0, "%s: expected a mapping {for, rate} or {for, total_rate}",
					sub);
		struct phase_entry e = {0};
		if (resolve_walk(c, ph, schema_phase_fields, sub, &e) < 0)
			return -1;
		bool has_rate = ydoc_get(ph, "rate") != NULL, has_total = ydoc_get(ph, "total_rate") != NULL;
		if (!ydoc_get(ph, "for"))
			return sdiag_at(c->d, c->s, ph, 0, "%s: a phase needs 'for', how long it lasts", sub);
		if (has_rate == has_total)
			return sdiag_at(c->d, c->s, ph, 0,
					"%s: a phase needs one of 'rate' (of each client) and 'total_rate' (of "
					"all clients together)%s",
					sub, has_rate ? ", not both" : "");
		double r = has_rate ? e.rate : e.total_rate;
		if (r > 0 && r < RATE_MIN)
			return sdiag_at(c->d, c->s, ydoc_get(ph, has_rate ? "rate" : "total_rate"), 0,
					"%s: a rate is 0 or at least %g/s", sub, RATE_MIN);
		if (end > (int64_t)DMAX - e.dur)
			return sdiag_at(c->d, c->s, ydoc_get(ph, "for"), 0,
					"%s: the phases last more than 3200000000s together", sub);
		end += e.dur;
		/* a total_rate is split over the clients by schema_load_check,
		 * once workload.clients is known */
		cfg->phases[i] = (struct load_phase){
			.end = end, .rate = e.rate, .total_rate = e.total_rate, .total = has_total};
	}
	cfg->nphases = (uint32_t)v->n;
	return 0;
}

static void json_phases(const struct run_config *cfg, struct strbuf *b)
{
	char buf[48];
	int64_t start = 0;
	sb_puts(b, "[");
	for (uint32_t i = 0; i < cfg->nphases; i++) {
		const struct load_phase *ph = &cfg->phases[i];
		units_format_duration((double)(ph->end - start), buf, sizeof(buf));
		start = ph->end;
		sb_printf(b, "%s{\"for\":", i ? "," : "");
		sb_json_string(b, buf);
		if (ph->total) {
			sb_puts(b, ",\"total_rate\":");
			json_rate(ph->total_rate, b);
		} else {
			sb_puts(b, ",\"rate\":");
			json_rate(ph->rate, b);
		}
		sb_puts(b, "}");
	}
	sb_puts(b, "]");
}

static bool phases_set(const struct run_config *cfg)
{
	return cfg->nphases > 0;
}

const struct schema_custom schema_phases_custom = {.parse = parse_phases,
						   .json = json_phases,
						   .is_set = phases_set,
						   .type = "list of phases",
						   .sub = schema_phase_fields};

/* ---- checks across keys ---- */

/* Splits a total rate over the clients; refuses a share outside the range
 * of one client's rate. */
static int split(struct rctx *c, const struct ynode *at, const char *what, double total,
		 double *per_client)
{
	uint32_t n = c->out->cfg.clients;
	*per_client = total / n;
	if (*per_client >= RATE_MIN && *per_client <= RATE_MAX)
		return 0;
	return sdiag_at(c->d, c->s, at, 0,
			"%s: %g/s over %u clients is %g/s a client, and a client's rate must be between "
			"%g/s and %g/s",
			what, total, n, *per_client, RATE_MIN, RATE_MAX);
}

int schema_load_check(struct rctx *c)
{
	struct run_config *cfg = &c->out->cfg;
	const struct ynode *wl = ydoc_get(c->s->root, "workload");
	const struct ynode *total = ydoc_get(wl, "total_rate"), *phases = ydoc_get(wl, "phases");
	const struct ynode *rate = ydoc_get(wl, "rate");
	if (!total && !phases)
		return 0;
	const struct ynode *at = total ? total : phases;
	const char *key = total ? "workload.total_rate" : "workload.phases";
	if (cfg->arrival != ARRIVAL_OPEN)
		return sdiag_at(c->d, c->s, at, 0,
				"%s: only open-loop clients have a rate: it needs workload.arrival: open "
				"(the arrival is %s)",
				key, cfg->arrival == ARRIVAL_CLOSED ? "closed" : "script");
	if (total && rate)
		return sdiag_at(c->d, c->s, rate, 0,
				"workload: write one of rate (each client's) and total_rate (all clients' "
				"together), not both");
	if (total && phases)
		return sdiag_at(c->d, c->s, total, 0,
				"workload.total_rate: not used with phases, which give the rate of each phase");
	if (rate && phases)
		return sdiag_at(c->d, c->s, rate, 0,
				"workload.rate: not used with phases, which give the rate of each phase");
	if (total)
		return split(c, total, "workload.total_rate", cfg->total_rate, &cfg->rate);
	bool any = false;
	for (uint32_t i = 0; i < cfg->nphases; i++) {
		struct load_phase *ph = &cfg->phases[i];
		if (ph->total_rate > 0) {
			char what[64];
			snprintf(what, sizeof(what), "workload.phases[%u].total_rate", i);
			const struct ynode *item = phases->type == Y_SEQ && i < phases->n ? phases->item[i] : phases;
			if (split(c, ydoc_get(item, "total_rate") ? ydoc_get(item, "total_rate") : item, what,
				  ph->total_rate, &ph->rate) < 0)
				return -1;
		}
		any = any || ph->rate > 0;
	}
	if (!any)
		return sdiag_at(c->d, c->s, phases, 0,
				"workload.phases: every phase has rate 0: no operation would be issued");
	return 0;
}
