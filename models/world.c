/*
 * world.c - building, running and tearing down one world; the network.
 */
#include "models/world.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/store.h"
#include "sim/core/rng.h"

struct world *world_new(const struct run_config *cfg, struct kernel *k,
			struct history *h, struct record *rec)
{
	struct world *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->cfg = cfg;
	w->policy = cfg->policy;
	w->k = k;
	w->hist = h;
	w->rec = rec;
	msg_pool_init(&w->msgs, cfg->policy);
	keys_init(&w->keys, &cfg->key, cfg->keys);
	double total = 0;
	for (int i = 0; i < OP_NKINDS; i++)
		total += cfg->mix[i];
	double run = 0;
	for (int i = 0; i < OP_NKINDS; i++) {
		run += cfg->mix[i];
		w->mix_cum[i] = total > 0 ? run / total : (i == OP_NKINDS - 1);
	}
	w->stats.latency = malloc((OP_NKINDS + 1) * sizeof(*w->stats.latency));
	if (!w->stats.latency)
		goto out_free;
	for (int i = 0; i <= OP_NKINDS; i++)
		histo_init(&w->stats.latency[i]);
	w->store = store_new(w);
	if (!w->store || clients_new(w) < 0)
		goto out_free;
	return w;
out_free:
	world_free(w);
	return NULL;
}

void world_free(struct world *w)
{
	if (!w)
		return;
	clients_free(w);
	store_free(w->store);
	msg_pool_free(&w->msgs);
	free(w->stats.latency);
	free(w);
}

void world_start(struct world *w)
{
	clients_start(w);
}

int world_finish(struct world *w)
{
	if (!w->stopped || w->cfg->arrival == ARRIVAL_SCRIPT) {
		w->stopped = true;
		w->stats.t_stop = kernel_now(w->k);
	}
	store_finish(w->store);
	const struct store_stats *ss = store_stats(w->store);
	w->stats.read_replies = ss->read_replies;
	w->stats.siblings_sum = ss->siblings_sum;
	w->stats.siblings_max = ss->siblings_max;
	if (w->failed || w->hist->failed || (w->rec && w->rec->failed))
		return -ENOMEM;
	return 0;
}

double world_estimate_bytes(const struct run_config *cfg)
{
	double ops = (double)cfg->stop_ops;
	if (cfg->arrival == ARRIVAL_SCRIPT) {
		ops = cfg->nscript;
	} else if (cfg->stop_time > 0) {
		double secs = (double)cfg->stop_time / 1e9;
		double per_client = cfg->arrival == ARRIVAL_OPEN
					    ? cfg->rate
					    : 1e9 / (dist_mean(&cfg->think) > 1e3 ? dist_mean(&cfg->think) : 1e3);
		double by_time = secs * per_client * cfg->clients;
		ops = ops > 0 && ops < by_time ? ops : by_time;
	}
	double key_state = cfg->policy ? (double)cfg->policy->key_state_size : 64;
	double bytes = (double)cfg->clients * (sizeof(struct client) + 2 * sizeof(struct op)) +
		       (double)cfg->keys * (key_state + 9) + ops * 32 /* history + checker */ +
		       (OP_NKINDS + 1) * sizeof(struct histo);
	if (cfg->record_ops)
		bytes += ops * sizeof(struct op_row);
	if (cfg->record_trace)
		bytes += ops * 12 * sizeof(struct trace_row);
	return bytes;
}

size_t world_bytes(const struct world *w)
{
	return sizeof(*w) + (size_t)w->nclients * sizeof(*w->clients) +
	       (size_t)w->opcap * sizeof(*w->ops) + (size_t)w->msgs.nchunks * 256 * sizeof(struct msg) +
	       (OP_NKINDS + 1) * sizeof(struct histo) + store_bytes(w->store);
}

const struct world_stats *world_stats(const struct world *w)
{
	return &w->stats;
}

void world_policy_metrics(const struct world *w, double *values)
{
	if (w->policy->report)
		w->policy->report(w->store, values);
}

int64_t world_key_value(const struct world *w, uint32_t key)
{
	if (!w->policy->value)
		return -1;
	return w->policy->value(store_key_state(w->store, key));
}

/* ---- network ---- */

void net_to_store(struct world *w, struct msg *m)
{
	struct client *c = &w->clients[m->client];
	int64_t lat = dist_sample_ns(&w->cfg->latency, &c->up.rng);
	kernel_schedule(w->k, lat, store_receive, w, (uint64_t)(uintptr_t)m);
}

void net_to_client(struct world *w, struct msg *m)
{
	struct client *c = &w->clients[m->client];
	int64_t lat = dist_sample_ns(&w->cfg->latency, &c->down.rng);
	kernel_schedule(w->k, lat, client_receive, w, (uint64_t)(uintptr_t)m);
}

void world_trace(struct world *w, uint32_t actor, uint64_t op_id, uint32_t key,
		 uint8_t kind, enum trace_event ev, uint32_t version, int64_t value,
		 int64_t aux)
{
	struct trace_row row = {
		.time = kernel_now(w->k),
		.op = op_id,
		.actor = actor,
		.key = key,
		.version = version,
		.event = (uint16_t)ev,
		.kind = kind,
		.value = value,
		.aux = aux,
	};
	record_trace(w->rec, &row);
}
