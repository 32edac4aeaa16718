/*
 * world.c - building, running and tearing down one world; delivering
 * messages to endpoints; what the facade (model.h) offers the application.
 */
#include "models/world.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/node.h"
#include "sim/core/rng.h"

/* The world's own trace events: every client and node records them. */
static const struct trace_vocab world_events[TR_NWORLD] = {
	[TR_ISSUE] = {.name = "issue", .text = "{op} {kind} {key}", .cat = TC_CLIENT},
	[TR_READ] = {.name = "read", .text = "{op} reads {key} = {value}",
		     .text_zero = "{op} reads {key}: empty",
		     .text_many = "{op} reads {key}: {aux} siblings", .cat = TC_NODE},
	[TR_GOT] = {.name = "got", .text = "{op} got {value|nothing}",
		    .text_many = "{op} got {aux} siblings", .cat = TC_CLIENT},
	[TR_WRITE] = {.name = "write", .text = "{op} writes {value|its value}", .cat = TC_CLIENT},
	[TR_APPLIED] = {.name = "applied", .text = "{op} applied: {key} = {value}", .cat = TC_NODE,
			.shows_lost = true},
	[TR_DISCARDED] = {.name = "discarded", .text = "{op} acked, dropped as older", .cat = TC_NODE,
			  .shows_lost = true},
	[TR_REJECTED] = {.name = "rejected", .text = "{op} rejected: version is {aux}",
			 .mark = "REJECTED", .cat = TC_REFUSED},
	[TR_MERGE] = {.name = "merge", .text = "{op} merges {aux} siblings{writer?, keeps {writer}'s}",
		      .cat = TC_CLIENT},
	[TR_ACK] = {.name = "ack", .text = "{op} acked {value|}", .cat = TC_CLIENT, .shows_lost = true},
	[TR_CONFLICT] = {.name = "conflict", .text = "{op} conflict", .cat = TC_CLIENT},
	[TR_BACKOFF] = {.name = "backoff", .text = "{op} backs off {ms}", .cat = TC_CLIENT},
	[TR_DONE] = {.name = "done", .text = "{op} done ({ms})", .cat = TC_CLIENT, .shows_lost = true},
	[TR_ABORT] = {.name = "abort", .text = "{op} ABORTED", .cat = TC_CLIENT},
	[TR_TIMEOUT] = {.name = "timeout", .text = "{op} TIMED OUT", .cat = TC_CLIENT},
};

const struct trace_vocab *model_event(const struct policy *p, const struct repl *r, unsigned code)
{
	if (code < TR_NWORLD)
		return &world_events[code];
	if (code >= TR_POLICY && code < TR_REPL)
		return p ? policy_event(p, code) : NULL;
	if (code >= TR_REPL && code < TR_FAULT)
		return r ? repl_event(r, code) : NULL;
	return fault_event(code);
}

static void free_copies(struct world *w)
{
	if (!w->copies || !w->nodes)
		return;
	for (uint32_t k = 0; k < w->cfg->keys; k++)
		for (uint32_t j = 0; j < w->ncopies; j++)
			policy_key_free(w->policy, &w->nodes[world_replica(w, k, j)],
					world_copy(w, k, j));
	free(w->copies);
	w->copies = NULL;
	if (w->svc_keys) {
		struct node *sv = &w->nodes[w->nnodes + w->nproxies];
		for (uint32_t k = 0; k < w->cfg->keys; k++)
			policy_key_free(w->policy, sv, w->svc_keys + (size_t)k * w->kss);
		free(w->svc_keys);
		w->svc_keys = NULL;
	}
}

struct world *world_new(const struct run_config *cfg, struct kernel *k, struct history *h,
			struct record *rec)
{
	struct world *w = calloc(1, sizeof(*w));
	if (!w)
		return NULL;
	w->cfg = cfg;
	w->policy = cfg->policy;
	w->repl = cfg->repl;
	w->popts = cfg->popts.bytes;
	w->ropts = cfg->ropts.bytes;
	w->k = k;
	/* every operation's timeout has this one length: due in issue order */
	kernel_set_fifo_delay(k, cfg->timeout);
	w->hist = h;
	w->rec = rec;
	msg_pool_init(&w->msgs, cfg->policy);
	keys_init(&w->keys, &cfg->key, cfg->keys);
	double total = 0;
	for (int i = 0; i < OP_NMIX; i++)
		total += cfg->mix[i];
	double run = 0;
	for (int i = 0; i < OP_NMIX; i++) {
		run += cfg->mix[i];
		w->mix_cum[i] = total > 0 ? run / total : (i == OP_NMIX - 1);
	}
	w->stats.latency = malloc((OP_NKINDS + 1) * sizeof(*w->stats.latency));
	if (!w->stats.latency)
		goto out_free;
	for (int i = 0; i <= OP_NKINDS; i++)
		histo_init(&w->stats.latency[i]);
	w->nnodes = cfg->nodes ? cfg->nodes : 1;
	w->ncopies = repl_copies(w->repl, cfg);
	w->nproxies = 1; /* a proxy coordinator, used or not: it costs one struct */
	w->nservices = policy_needs(w->policy, w->popts) & POLICY_NEEDS_SERVICE ? 1 : 0;
	w->nodes = calloc(w->nnodes + w->nproxies + w->nservices, sizeof(*w->nodes));
	w->run_state = calloc(1, w->policy->run_state_size ? w->policy->run_state_size : 1);
	w->repl_state = calloc(1, w->repl->run_state_size ? w->repl->run_state_size : 1);
	if (!w->nodes || !w->run_state || !w->repl_state)
		goto out_free;
	for (uint32_t i = 0; i < w->nnodes + w->nproxies + w->nservices; i++)
		if (node_init(&w->nodes[i], w, i) < 0)
			goto out_free;
	for (uint32_t i = 0; i < w->nproxies; i++) {
		struct node *p = &w->nodes[w->nnodes + i];
		p->ep.id = EP_ID(EP_PROXY, i);
		p->proxy = true;
		p->instant = true; /* a router: no service queue */
	}
	w->kss = w->policy->key_state_size ? w->policy->key_state_size : 1;
	if (w->nservices) {
		struct node *sv = &w->nodes[w->nnodes + w->nproxies];
		sv->ep.id = EP_ID(EP_SERVICE, 0);
		sv->service = true;
		sv->instant = true;
		w->svc_keys = calloc(cfg->keys, w->kss);
		if (!w->svc_keys)
			goto out_free;
		for (uint32_t key = 0; key < cfg->keys; key++)
			policy_key_init(w->policy, w->svc_keys + (size_t)key * w->kss, w->popts);
	}
	if (w->nnodes > 1 && ring_init(&w->ring, w->nnodes, cfg->vnodes, w->ncopies) < 0)
		goto out_free;
	coord_init(&w->coord);
	/* with replicas a read can miss a version on a clean key; probes
	 * measure visibility: then every read is checked */
	h->record_all = w->ncopies > 1 || cfg->nprobe > 0;
	w->copies = calloc((size_t)cfg->keys * w->ncopies, w->kss);
	if (!w->copies)
		goto out_free;
	for (uint32_t key = 0; key < cfg->keys; key++)
		for (uint32_t j = 0; j < w->ncopies; j++)
			policy_key_init(w->policy, world_copy(w, key, j), w->popts);
	if (repl_init(w->repl, w) < 0)
		goto out_free;
	if (fault_init(w) < 0)
		goto out_free;
	if (clients_new(w) < 0)
		goto out_free;
	/* Clients run ahead (client.c) only where nothing else can observe
	 * them between a reply and their next message: no faults (pauses,
	 * loss), no recording (rows in time order), closed loop without
	 * probes (one operation per client), one copy and no lock service
	 * (replies come from the node that serves), and a client latency with
	 * no atoms (ties at one instant, kernel.h). */
	w->fuse = !w->fault && !rec && cfg->arrival == ARRIVAL_CLOSED && cfg->nprobe == 0 &&
		  w->ncopies == 1 && !w->nservices && !dist_has_atoms(&cfg->latency);
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
	if (w->nodes)
		coord_free(w, &w->coord);
	fault_free(w);
	if (w->repl_state)
		repl_free(w->repl, w);
	free_copies(w);
	if (w->nodes)
		for (uint32_t i = 0; i < w->nnodes + w->nproxies + w->nservices; i++)
			node_free(&w->nodes[i]);
	ring_free(&w->ring);
	free(w->pkeys);
	free(w->pstart);
	free(w->nodes);
	free(w->run_state);
	free(w->repl_state);
	msg_pool_free(&w->msgs);
	free(w->stats.latency);
	free(w);
}

void world_start(struct world *w)
{
	clients_start(w);
	fault_start(w);
}

/* The final state of a key: its first copy's when the copies agree (after
 * settling, or with one copy); otherwise (settle: none) every version any
 * copy holds: an effect survives while some replica has it. */
static int finish_keys(struct world *w)
{
	uint32_t *all = NULL;
	size_t cap = 0;
	for (uint32_t k = 0; k < w->cfg->keys; k++) {
		const uint32_t *vs;
		uint32_t n = policy_state(w->policy, world_copy(w, k, 0), &vs);
		if (w->ncopies == 1 || world_copies_agree(w, k)) {
			history_final(w->hist, k, vs, n);
			continue;
		}
		size_t m = 0;
		for (uint32_t j = 0; j < w->ncopies; j++) {
			uint32_t nj = policy_state(w->policy, world_copy(w, k, j), &vs);
			if (m + nj > cap) {
				size_t ncap = (m + nj) * 2;
				uint32_t *a = realloc(all, ncap * sizeof(*a));
				if (!a) {
					free(all);
					return -ENOMEM;
				}
				all = a;
				cap = ncap;
			}
			for (uint32_t i = 0; i < nj; i++) {
				bool dup = false;
				for (size_t q = 0; q < m && !dup; q++)
					dup = all[q] == vs[i];
				if (!dup)
					all[m++] = vs[i];
			}
		}
		history_final(w->hist, k, all, (uint32_t)m);
	}
	free(all);
	return 0;
}

struct node *world_node_of(struct world *w, uint32_t ep)
{
	uint32_t i = EP_INDEX(ep);
	if (EP_KIND(ep) == EP_NODE && i < w->nnodes)
		return &w->nodes[i];
	if (EP_KIND(ep) == EP_PROXY && i < w->nproxies)
		return &w->nodes[w->nnodes + i];
	if (EP_KIND(ep) == EP_SERVICE && i < w->nservices)
		return &w->nodes[w->nnodes + w->nproxies + i];
	return NULL;
}

bool world_copies_agree(struct world *w, uint32_t key)
{
	const uint32_t *a, *b;
	uint32_t na = policy_state(w->policy, world_copy(w, key, 0), &a);
	for (uint32_t j = 1; j < w->ncopies; j++) {
		uint32_t nb = policy_state(w->policy, world_copy(w, key, j), &b);
		if (nb != na)
			return false;
		for (uint32_t i = 0; i < na; i++) {
			bool found = false;
			for (uint32_t q = 0; q < nb && !found; q++)
				found = a[i] == b[q];
			if (!found)
				return false;
		}
	}
	return true;
}

/* ---- the end of a run: drain, settle, stop ---- */

static void settle_finish(struct world *w)
{
	w->settled = true;
	w->stats.settle_ns = kernel_now(w->k) - w->drained_at;
	kernel_cancel(w->k, w->settle_deadline);
	w->settle_deadline = KERNEL_NO_EVENT;
	repl_stop(w->repl, w);
}

/* Kernel event: the replicas have not agreed within the settle bound. */
static void settle_give_up(struct kernel *k, void *world, uint64_t arg)
{
	(void)k;
	(void)arg;
	struct world *w = world;
	w->settle_deadline = KERNEL_NO_EVENT;
	settle_finish(w);
}

#define SETTLE_BOUND (60 * KERNEL_S) /* documented: settling gives up after it */

void world_check_done(struct world *w)
{
	/* the operations are over: every fault heals (fault.h) */
	if (w->fault && w->stopped && w->live_ops == 0)
		fault_end(w);
	if (w->ncopies <= 1 || w->settled)
		return; /* one copy: nothing to settle, no timers to stop */
	if (!w->drained) {
		if (!w->stopped || w->live_ops > 0)
			return;
		w->drained = true;
		w->drained_at = kernel_now(w->k);
		for (uint32_t k = 0; k < w->cfg->keys; k++)
			w->stats.diverged_at_stop += !world_copies_agree(w, k);
		w->settle_deadline = kernel_schedule(w->k, SETTLE_BOUND, settle_give_up, w, 0);
	}
	if (w->msgs.live > 0)
		return; /* something is still in flight */
	if (w->cfg->settle == SETTLE_NONE) {
		settle_finish(w);
		return;
	}
	bool agree = true;
	for (uint32_t k = 0; k < w->cfg->keys && agree; k++)
		agree = world_copies_agree(w, k);
	if (agree || repl_settle(w->repl, w) == 0)
		settle_finish(w);
}

int world_finish(struct world *w)
{
	w->stats.t_end = kernel_now(w->k) > w->t_last ? kernel_now(w->k) : w->t_last;
	if (!w->stopped || w->cfg->arrival == ARRIVAL_SCRIPT) {
		w->stopped = true;
		w->stats.t_stop = w->stats.t_end;
	}
	if (finish_keys(w) < 0)
		w->failed = -ENOMEM;
	struct node_stats *ss = &w->stats.reads;
	memset(ss, 0, sizeof(*ss));
	for (uint32_t i = 0; i < w->nnodes; i++) {
		const struct node_stats *ns = &w->nodes[i].stats;
		ss->read_replies += ns->read_replies;
		ss->siblings_sum += ns->siblings_sum;
		if (ns->siblings_max > ss->siblings_max)
			ss->siblings_max = ns->siblings_max;
	}
	w->stats.msgs_sent = w->net.sent;
	w->stats.msgs_lost = w->net.lost;
	if (w->failed || w->hist->failed || (w->rec && w->rec->failed))
		return -ENOMEM;
	return 0;
}

double world_estimate_ops(const struct run_config *cfg)
{
	double ops = (double)cfg->stop_ops;
	if (cfg->arrival == ARRIVAL_SCRIPT)
		return cfg->nscript;
	if (cfg->stop_time > 0) {
		double secs = (double)cfg->stop_time / 1e9;
		double per_client = cfg->arrival != ARRIVAL_OPEN
					    ? secs * 1e9 / (dist_mean(&cfg->think) > 1e3 ? dist_mean(&cfg->think) : 1e3)
				    : cfg->nphases ? phases_expected(cfg->phases, cfg->nphases, cfg->stop_time)
						   : secs * cfg->rate;
		double by_time = per_client * cfg->clients;
		ops = ops > 0 && ops < by_time ? ops : by_time;
	}
	return ops;
}

double world_estimate_record_bytes(const struct run_config *cfg)
{
	double ops = world_estimate_ops(cfg);
	double copies = cfg->repl ? repl_copies(cfg->repl, cfg) : 1;
	double bytes = 0;
	/* arrays grow by doubling: up to twice the rows they hold; operation
	 * rows are sorted by id through an index when written */
	if (cfg->record_ops)
		bytes += ops * (2.0 * sizeof(struct op_row) + sizeof(size_t));
	/* measured: 7 rows per operation with one copy (lww, incr), a few
	 * more per further copy, and a detail text on some */
	if (cfg->record_trace)
		bytes += ops * (8 + 4 * (copies - 1)) * 2.0 * (sizeof(struct trace_row) + 8);
	return bytes;
}

double world_estimate_bytes(const struct run_config *cfg)
{
	double ops = world_estimate_ops(cfg);
	double key_state = cfg->policy ? (double)cfg->policy->key_state_size : 64;
	double copies = cfg->repl ? repl_copies(cfg->repl, cfg) : 1;
	double bytes = (double)cfg->clients * (sizeof(struct client) + 2 * sizeof(struct op)) +
		       (double)cfg->keys * (copies * key_state + 9) + ops * 32 /* history + checker */ +
		       (OP_NKINDS + 1) * sizeof(struct histo);
	return bytes + world_estimate_record_bytes(cfg);
}

size_t world_bytes(const struct world *w)
{
	size_t nodes = 0;
	for (uint32_t i = 0; i < w->nnodes; i++)
		nodes += node_bytes(&w->nodes[i]);
	return sizeof(*w) + (size_t)w->nclients * sizeof(*w->clients) +
	       (size_t)w->opcap * sizeof(*w->ops) + (size_t)w->msgs.nchunks * 256 * sizeof(struct msg) +
	       (OP_NKINDS + 1) * sizeof(struct histo) + nodes +
	       (size_t)w->cfg->keys * w->ncopies * w->kss + w->policy->run_state_size;
}

const struct world_stats *world_stats(const struct world *w)
{
	return &w->stats;
}

void world_policy_metrics(const struct world *w, double *values)
{
	policy_report(w->policy, w->run_state, &w->stats.reads, values);
}

void world_repl_metrics(const struct world *w, double *values)
{
	repl_report(w->repl, w, values);
}

int64_t world_key_value(const struct world *w, uint32_t key)
{
	return policy_value(w->policy, ((struct world *)w)->copies + (size_t)key * w->ncopies * w->kss);
}

/* ---- copies and endpoints ---- */

uint32_t world_replica(const struct world *w, uint32_t key, uint32_t j)
{
	return world_part_node(w, world_partition(w, key), j);
}

uint32_t world_partition(const struct world *w, uint32_t key)
{
	return w->nnodes == 1 ? 0 : ring_partition(&w->ring, key);
}

uint32_t world_partitions(const struct world *w)
{
	return w->nnodes == 1 ? 1 : ring_partitions(&w->ring);
}

const uint32_t *world_part_keys(struct world *w, uint32_t p, uint32_t *n)
{
	uint32_t np = world_partitions(w), nk = w->cfg->keys;
	if (!w->pstart) {
		/* counting sort of the keys by partition */
		w->pstart = calloc(np + 1, sizeof(*w->pstart));
		w->pkeys = malloc((nk ? nk : 1) * sizeof(*w->pkeys));
		uint32_t *fill = calloc(np, sizeof(*fill));
		if (!w->pstart || !w->pkeys || !fill) {
			free(fill);
			free(w->pstart);
			free(w->pkeys);
			w->pstart = w->pkeys = NULL;
			*n = 0;
			world_fail(w);
			return NULL;
		}
		for (uint32_t k = 0; k < nk; k++)
			w->pstart[world_partition(w, k) + 1]++;
		for (uint32_t q = 0; q < np; q++)
			w->pstart[q + 1] += w->pstart[q];
		for (uint32_t k = 0; k < nk; k++) {
			uint32_t q = world_partition(w, k);
			w->pkeys[w->pstart[q] + fill[q]++] = k;
		}
		free(fill);
	}
	*n = w->pstart[p + 1] - w->pstart[p];
	return w->pkeys + w->pstart[p];
}

uint32_t world_part_node(const struct world *w, uint32_t p, uint32_t j)
{
	return w->nnodes == 1 ? 0 : ring_node(&w->ring, p, j);
}

uint32_t world_replica_index(const struct world *w, uint32_t key, uint32_t node)
{
	uint32_t p = world_partition(w, key);
	for (uint32_t j = 0; j < w->ncopies; j++)
		if (world_part_node(w, p, j) == node)
			return j;
	return UINT32_MAX;
}

void *world_copy(struct world *w, uint32_t key, uint32_t j)
{
	return w->copies + ((size_t)key * w->ncopies + j) * w->kss;
}

/* A message from a node that crashed before it arrived is lost: it was
 * still in the node's send buffers (fault.h). */
static bool sender_crashed(struct world *w, const struct msg *m)
{
	const struct node *from = world_node_of(w, m->src);
	return from && from->ep.incarnation != m->src_incarnation;
}

void world_deliver(struct world *w, struct msg *m)
{
	if (w->fault && ((m->flags & MSGF_LOST) || fault_cut(w, m->src, m->dst) || sender_crashed(w, m))) {
		w->net.lost++;
		msg_free(&w->msgs, m);
	} else if (EP_KIND(m->dst) == EP_CLIENT) {
		client_receive(w, m);
	} else {
		struct node *n = world_node_of(w, m->dst);
		if (n)
			node_receive(n, m);
		else
			msg_free(&w->msgs, m);
	}
	world_check_done(w);
}

uint64_t world_msg_key(const struct world *w, uint32_t a, uint32_t b, uint32_t c,
		       const struct msg *m)
{
	return world_msg_key_from(rng_stream_seed(w->cfg->seed, a, b, c), m);
}

uint64_t world_msg_key_from(uint64_t stream, const struct msg *m)
{
	uint64_t key = rng_key(stream, m->client);
	key = rng_key(key, m->op_seq);
	return rng_key(key, (uint64_t)m->attempt << 16 | m->step);
}

bool world_tracing(const struct world *w)
{
	return w->rec && w->cfg->record_trace;
}

void world_trace(struct world *w, uint32_t actor, uint64_t op_id, uint32_t key,
		 uint8_t kind, unsigned ev, uint32_t version, int64_t value, int64_t aux)
{
	world_trace_text(w, actor, op_id, key, kind, ev, version, value, aux, NULL);
}

void world_trace_text(struct world *w, uint32_t actor, uint64_t op_id, uint32_t key,
		      uint8_t kind, unsigned ev, uint32_t version, int64_t value, int64_t aux,
		      const char *detail)
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
		.detail = TRACE_NO_DETAIL,
	};
	record_trace_text(w->rec, &row, detail);
}

int64_t world_now(const struct world *w)
{
	return w->ahead ? w->vnow : kernel_now(w->k);
}

kernel_handle world_schedule(struct world *w, int64_t delay, kernel_fn *fn, void *obj, uint64_t arg)
{
	if (!w->ahead)
		return kernel_schedule(w->k, delay, fn, obj, arg);
	return kernel_schedule_born(w->k, w->vnow, w->vnow + (delay > 0 ? delay : 0), fn, obj, arg);
}

void world_fail(struct world *w)
{
	w->failed = -ENOMEM;
	kernel_stop(w->k);
}
