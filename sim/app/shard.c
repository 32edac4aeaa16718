/*
 * shard.c - slices of a run list, balanced by estimated cost.  See shard.h.
 *
 * The order of dealing is the only thing that decides the slices, and it
 * depends only on each run's cost and identity, so every machine computes
 * the same slices from the same scenario files.
 */
#include "sim/app/shard.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/core/dist.h"
#include "sim/core/strbuf.h"

int shard_parse(const char *text, struct shard *out, char *err, size_t n)
{
	unsigned long v[2];
	const char *p = text;
	for (int k = 0; k < 2; k++) {
		char *end;
		if (*p < '0' || *p > '9')
			goto bad;
		v[k] = strtoul(p, &end, 10);
		if (end - p > 6)
			goto bad;
		p = end;
		if (k == 0 && *p++ != '/')
			goto bad;
	}
	if (*p != '\0' || v[1] < 1 || v[1] > SHARD_MAX || v[0] < 1 || v[0] > v[1])
		goto bad;
	out->index = (unsigned)v[0];
	out->count = (unsigned)v[1];
	return 0;
bad:
	snprintf(err, n,
		 "--shard expects I/N, slice I of N with 1 <= I <= N <= %d (e.g. --shard 2/8), found '%s'",
		 SHARD_MAX, text);
	return -1;
}

/* Operations a run is expected to issue before its stop. */
static double expected_ops(const struct run_config *c)
{
	double limit = c->stop_ops ? (double)c->stop_ops : INFINITY;
	if (c->stop_time <= 0)
		return limit;
	double seconds = (double)c->stop_time / 1e9;
	double per_client; /* operations per second */
	switch (c->arrival) {
	case ARRIVAL_OPEN:
		per_client = c->nphases ? phases_expected(c->phases, c->nphases, c->stop_time) / seconds
					: c->rate;
		break;
	case ARRIVAL_SCRIPT:
		return fmin(limit, (double)c->nscript);
	default: {
		/* closed loop: one operation per cycle of think, read, compute,
		 * write; the two round trips are four one-way latencies */
		double cycle_ns = dist_mean(&c->think) + dist_mean(&c->compute) +
				  4 * dist_mean(&c->latency) + 2 * dist_mean(&c->service);
		per_client = cycle_ns > 0 && isfinite(cycle_ns) ? 1e9 / cycle_ns : INFINITY;
		break;
	}
	}
	double ops = (double)c->clients * per_client * seconds;
	return fmin(limit, isfinite(ops) ? ops : 1e15);
}

uint64_t shard_cost(const struct run_config *cfg)
{
	uint32_t copies = cfg->repl ? repl_copies(cfg->repl, cfg) : 1;
	uint64_t per_op = 6 + 4 * (uint64_t)(copies > 1 ? copies - 1 : 0);
	/* with stop.ops alone and no probes (the usual case) the estimate is
	 * whole numbers throughout; else the operations are rounded to a
	 * whole number */
	if (cfg->stop_time <= 0 && cfg->stop_ops && cfg->nprobe == 0)
		return cfg->stop_ops * per_op;
	double ops = expected_ops(cfg);
	if (cfg->nprobe) {
		/* a probe read per delay after each write */
		double writes = 0, all = 0;
		for (int k = 0; k < OP_NMIX; k++) {
			all += cfg->mix[k];
			writes += k == OP_INCR || k == OP_ADD || k == OP_PUT ? cfg->mix[k] : 0;
		}
		ops *= 1 + (double)cfg->nprobe * (all > 0 ? writes / all : 0);
	}
	if (!(ops >= 1))
		ops = 1;
	if (ops > 1e15)
		ops = 1e15;
	return (uint64_t)llround(ops) * per_op;
}

/* Dealing order: decreasing cost, then identity. */
static int by_cost_then_identity(const void *a, const void *b)
{
	const struct shard_run *const *x = a, *const *y = b;
	if ((*x)->cost != (*y)->cost)
		return (*x)->cost > (*y)->cost ? -1 : 1;
	return strcmp((*x)->params, (*y)->params);
}

/* A min-heap of slices by (load, number), so that each run goes to the
 * least loaded slice, the lowest-numbered on a tie. */
struct heap {
	unsigned *slot; /* slice numbers 1..count */
	size_t n;
	const uint64_t *load;
};

static bool heap_less(const struct heap *h, unsigned a, unsigned b)
{
	uint64_t la = h->load[a - 1], lb = h->load[b - 1];
	return la != lb ? la < lb : a < b;
}

/* Restores the heap after the root's load grew. */
static void heap_sift_down(struct heap *h)
{
	size_t i = 0;
	for (;;) {
		size_t l = 2 * i + 1, r = l + 1, m = i;
		if (l < h->n && heap_less(h, h->slot[l], h->slot[m]))
			m = l;
		if (r < h->n && heap_less(h, h->slot[r], h->slot[m]))
			m = r;
		if (m == i)
			return;
		unsigned t = h->slot[i];
		h->slot[i] = h->slot[m];
		h->slot[m] = t;
		i = m;
	}
}

static int deal(struct shard_plan *p, char *err, size_t n)
{
	struct shard_run **order = malloc((p->nruns ? p->nruns : 1) * sizeof(*order));
	struct heap h = {.slot = malloc(p->count * sizeof(*h.slot)), .n = p->count, .load = p->load};
	if (!order || !h.slot) {
		free(order);
		free(h.slot);
		snprintf(err, n, "out of memory");
		return -1;
	}
	for (size_t i = 0; i < p->nruns; i++)
		order[i] = &p->runs[i];
	qsort(order, p->nruns, sizeof(*order), by_cost_then_identity);
	/* all loads are 0: slices in increasing number form a heap */
	for (unsigned i = 0; i < p->count; i++)
		h.slot[i] = i + 1;
	for (size_t i = 0; i < p->nruns; i++) {
		struct shard_run *r = order[i];
		if (i > 0 && strcmp(order[i - 1]->params, r->params) == 0) {
			r->slice = order[i - 1]->slice; /* the same run, named twice */
			continue;
		}
		r->slice = h.slot[0];
		p->load[r->slice - 1] += r->cost;
		p->total += r->cost;
		heap_sift_down(&h);
	}
	free(order);
	free(h.slot);
	return 0;
}

int shard_plan_build(struct scenario *const *sc, size_t nsc, unsigned count,
		     struct shard_plan *p, char *err, size_t n)
{
	memset(p, 0, sizeof(*p));
	p->count = count;
	uint64_t total = 0;
	for (size_t i = 0; i < nsc; i++)
		total += scenario_runs(sc[i]);
	p->runs = calloc(total ? total : 1, sizeof(*p->runs));
	p->load = calloc(count ? count : 1, sizeof(*p->load));
	struct strbuf b;
	sb_init(&b);
	struct params_parts parts;
	params_parts_init(&parts);
	if (!p->runs || !p->load)
		goto out_nomem;
	for (size_t i = 0; i < nsc; i++) {
		const struct scenario *s = sc[i];
		for (uint64_t spec = 0; spec < s->npoints * s->npolicies; spec++) {
			struct run_spec rs;
			struct sdiag d;
			if (scenario_resolve(s, spec / s->npolicies, (size_t)(spec % s->npolicies), &rs, &d) < 0) {
				snprintf(err, n, "%s", d.text);
				goto out_fail;
			}
			uint64_t cost = shard_cost(&rs.cfg);
			params_parts_fill(&parts, s, &rs); /* the same for every replication */
			for (uint64_t rep = 0; rep < s->replications; rep++) {
				/* the identity as stored: the scenario's name, then its
				 * parameters (which begin with the name too) */
				sb_reset(&b);
				sb_printf(&b, "%s%c", s->name, '\n');
				params_parts_json(&parts, rep, &b);
				struct shard_run *r = &p->runs[p->nruns];
				r->scenario = i;
				r->run = spec * s->replications + rep;
				r->cost = cost;
				r->params = b.failed ? NULL : strdup(b.s);
				if (!r->params) {
					run_spec_free(&rs);
					goto out_nomem;
				}
				p->nruns++;
			}
			run_spec_free(&rs);
		}
	}
	sb_free(&b);
	params_parts_free(&parts);
	if (deal(p, err, n) < 0)
		goto out_fail;
	return 0;
out_nomem:
	snprintf(err, n, "out of memory");
out_fail:
	sb_free(&b);
	params_parts_free(&parts);
	shard_plan_free(p);
	return -1;
}

void shard_plan_free(struct shard_plan *p)
{
	for (size_t i = 0; p->runs && i < p->nruns; i++)
		free(p->runs[i].params);
	free(p->runs);
	free(p->load);
	memset(p, 0, sizeof(*p));
}

bool *shard_select(const struct shard_plan *p, size_t scenario, uint64_t nruns, unsigned index)
{
	bool *sel = calloc(nruns ? nruns : 1, sizeof(*sel));
	if (!sel)
		return NULL;
	for (size_t i = 0; i < p->nruns; i++) {
		const struct shard_run *r = &p->runs[i];
		if (r->scenario == scenario && r->run < nruns && r->slice == index)
			sel[r->run] = true;
	}
	return sel;
}
