/*
 * fault.c - the fault schedule: occurrences, what each kind does and
 * undoes, loss draws, checkpoints for store.durability interval(D).  See
 * fault.h.
 */
#include "models/fault.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/world.h"
#include "sim/core/dist.h"
#include "sim/core/rng.h"

struct occ {
	kernel_handle next; /* the next occurrence's start */
	kernel_handle end;  /* the current occurrence's end */
	uint32_t k;	    /* the next occurrence's number */
	int64_t dur;	    /* the next occurrence's length (drawn with its start) */
	bool active;
	uint32_t node;	    /* the node or client it struck */
	uint32_t window;    /* its entry in windows */
};

struct fault_run {
	struct occ *occ;     /* per fault */
	uint16_t *cut;	     /* nnodes * nnodes: cuts of the link a -> b in force */
	double keep;	     /* probability that a message escapes every loss in force */
	kernel_handle checkpoint;
	unsigned char *durable; /* interval: a copy per (key, copy), then the service's */
	uint8_t *have;
	size_t copy_size;
	struct fault_window *win;
	uint32_t nwin, wincap;
	bool over;
};

/* Trace events, TR_FAULT + index. */
enum { FE_CRASH = TR_FAULT, FE_RESTART, FE_PAUSE, FE_RESUME, FE_CUT, FE_HEAL, FE_LOSS,
       FE_LOSS_END, FE_JUMP };

static const struct trace_vocab fault_events[] = {
	{.name = "crash", .text = "CRASH", .mark = "CRASH", .cat = TC_FAULT},
	{.name = "restart", .text = "restarts", .cat = TC_FAULT},
	{.name = "pause", .text = "PAUSED for {ms}", .mark = "PAUSE", .cat = TC_FAULT},
	{.name = "resume", .text = "resumes", .cat = TC_FAULT},
	{.name = "partition", .text = "cut off from {detail}", .mark = "PARTITION", .cat = TC_FAULT},
	{.name = "heal", .text = "links restored", .cat = TC_FAULT},
	{.name = "loss", .text = "loses messages ({detail})", .cat = TC_FAULT},
	{.name = "loss-end", .text = "message loss over", .cat = TC_FAULT},
	{.name = "clock-jump", .text = "clock jumps {ms}", .mark = "JUMP", .cat = TC_FAULT},
	{0},
};

const struct trace_vocab *fault_event(unsigned code)
{
	return code < TR_FAULT ? NULL : trace_vocab_at(fault_events, code - TR_FAULT);
}

static struct fault_run *run_of(const struct world *w)
{
	return w->fault;
}

static void trace(struct world *w, uint32_t actor, unsigned ev, int64_t aux, const char *detail)
{
	if (!world_tracing(w))
		return;
	struct trace_row row = {
		.time = kernel_now(w->k),
		.op = UINT64_MAX,
		.actor = actor,
		.version = HIST_NONE,
		.event = (uint16_t)ev,
		.value = -1,
		.aux = aux,
		.detail = detail ? record_text(w->rec, detail) : TRACE_NO_DETAIL,
	};
	record_trace(w->rec, &row);
}

/* ---- set up ---- */

int fault_init(struct world *w)
{
	const struct run_config *cfg = w->cfg;
	if (cfg->nfaults == 0 && cfg->durability == DURABLE_EVERY)
		return 0;
	struct fault_run *r = calloc(1, sizeof(*r));
	if (!r)
		return -ENOMEM;
	w->fault = r;
	r->keep = 1;
	r->occ = calloc(cfg->nfaults ? cfg->nfaults : 1, sizeof(*r->occ));
	r->cut = calloc((size_t)w->nnodes * w->nnodes, sizeof(*r->cut));
	if (!r->occ || !r->cut)
		return -ENOMEM;
	if (cfg->durability == DURABLE_INTERVAL) {
		size_t slots = (size_t)cfg->keys * (w->ncopies + 1);
		r->copy_size = policy_copy_size(w->policy);
		r->durable = calloc(slots, r->copy_size);
		r->have = calloc(slots, 1);
		if (!r->durable || !r->have)
			return -ENOMEM;
	}
	return 0;
}

void fault_free(struct world *w)
{
	struct fault_run *r = run_of(w);
	if (!r)
		return;
	if (r->have) {
		size_t slots = (size_t)w->cfg->keys * (w->ncopies + 1);
		for (size_t i = 0; i < slots; i++)
			if (r->have[i])
				policy_copy_drop(w->policy, r->durable + i * r->copy_size);
	}
	free(r->durable);
	free(r->have);
	free(r->occ);
	free(r->cut);
	free(r->win);
	free(r);
	w->fault = NULL;
}

const struct fault_window *world_fault_windows(const struct world *w, uint32_t *n)
{
	const struct fault_run *r = run_of(w);
	*n = r ? r->nwin : 0;
	return r ? r->win : NULL;
}

/* ---- the schedule ---- */

static void occ_start(struct kernel *k, void *world, uint64_t i);
static void occ_end(struct kernel *k, void *world, uint64_t i);

/* Draws occurrence o->k of fault i and schedules its start. */
static void schedule_next(struct world *w, uint32_t i)
{
	const struct fault *f = &w->cfg->faults[i];
	struct occ *o = &run_of(w)->occ[i];
	struct rng_stream s;
	rng_stream_init(&s, rng_stream_seed(w->cfg->seed, RNG_FAULT, i, o->k));
	int64_t at = dist_sample_ns(&f->at, &s.rng);
	o->dur = dist_sample_ns(&f->dur, &s.rng);
	if (at < 0)
		at = 0;
	if (o->dur < 0)
		o->dur = 0;
	int64_t start = (int64_t)o->k * f->every + at, now = kernel_now(w->k);
	o->next = kernel_schedule(w->k, start > now ? start - now : 0, occ_start, w, i);
}

/* Kernel event: the checkpoint of durability interval(D). */
static void checkpoint(struct kernel *k, void *world, uint64_t arg)
{
	(void)k;
	(void)arg;
	struct world *w = world;
	struct fault_run *r = run_of(w);
	uint32_t nn = w->nnodes + w->nproxies + w->nservices;
	for (uint32_t i = 0; i < nn; i++) {
		struct node *n = &w->nodes[i];
		if (n->ep.down || node_paused(n) || n->proxy)
			continue;
		for (uint32_t key = 0; key < w->cfg->keys; key++) {
			void *ks = node_key_state(n, key);
			if (!ks)
				continue;
			size_t slot = n->service ? (size_t)w->cfg->keys * w->ncopies + key
						 : (size_t)key * w->ncopies + world_replica_index(w, key, i);
			if (w->ncopies == 1 && !n->service)
				slot = key;
			unsigned char *c = r->durable + slot * r->copy_size;
			if (r->have[slot])
				policy_copy_drop(w->policy, c);
			policy_copy_export(w->policy, ks, c);
			r->have[slot] = 1;
		}
	}
	r->checkpoint = kernel_schedule(w->k, w->cfg->durable_every, checkpoint, w, 0);
}

void fault_start(struct world *w)
{
	struct fault_run *r = run_of(w);
	if (!r)
		return;
	for (uint32_t i = 0; i < w->cfg->nfaults; i++)
		schedule_next(w, i);
	if (w->cfg->durability == DURABLE_INTERVAL)
		r->checkpoint = kernel_schedule(w->k, w->cfg->durable_every, checkpoint, w, 0);
}

/* The node (index in w->nodes) a fault strikes. */
static struct node *node_target(struct world *w, const struct fault *f)
{
	if (f->target == FAULT_ON_SERVICE)
		return w->nservices ? &w->nodes[w->nnodes + w->nproxies] : NULL;
	uint32_t i = f->target == FAULT_ON_PRIMARY ? repl_leader(w->repl, w, 0) : f->index;
	return i < w->nnodes ? &w->nodes[i] : NULL;
}

static uint32_t group_of(const struct fault *f, uint32_t node)
{
	for (uint32_t g = 0; g < f->ngroups; g++)
		if (f->group[g] >> node & 1)
			return g;
	return f->ngroups;
}

/* Adds d (+1 or -1) to the cuts of the links partition f names. */
static void cut_links(struct world *w, const struct fault *f, int d)
{
	struct fault_run *r = run_of(w);
	uint32_t n = w->nnodes;
	for (uint32_t a = 0; a < n; a++)
		for (uint32_t b = 0; b < n; b++) {
			bool cut = f->ngroups ? a != b && group_of(f, a) != group_of(f, b)
					      : (f->from >> a & 1) && (f->to >> b & 1) && a != b;
			if (cut)
				r->cut[a * n + b] = (uint16_t)(r->cut[a * n + b] + d);
		}
}

/* The nodes partition f cuts node a off from, as text ("n1, n2"). */
static void cut_text(const struct world *w, const struct fault *f, uint32_t a, char *buf,
		     size_t len)
{
	size_t at = 0;
	buf[0] = '\0';
	for (uint32_t b = 0; b < w->nnodes && at + 8 < len; b++) {
		bool cut = f->ngroups ? a != b && group_of(f, a) != group_of(f, b)
				      : (f->from >> a & 1) && (f->to >> b & 1) && a != b;
		if (cut)
			at += (size_t)snprintf(buf + at, len - at, "%sn%u", at ? ", " : "", b);
	}
}

static void recompute_loss(struct world *w)
{
	struct fault_run *r = run_of(w);
	r->keep = 1;
	for (uint32_t i = 0; i < w->cfg->nfaults; i++)
		if (r->occ[i].active && w->cfg->faults[i].kind == FAULT_LOSS)
			r->keep *= 1 - w->cfg->faults[i].p;
}

static uint32_t add_window(struct world *w, const struct fault *f, uint32_t who)
{
	struct fault_run *r = run_of(w);
	if (r->nwin >= FAULT_WINDOWS_MAX)
		return UINT32_MAX; /* a chart shows no more; the run goes on */
	if (r->nwin == r->wincap) {
		uint32_t cap = r->wincap ? r->wincap * 2 : 16;
		struct fault_window *v = realloc(r->win, cap * sizeof(*v));
		if (!v) {
			world_fail(w);
			return UINT32_MAX;
		}
		r->win = v;
		r->wincap = cap;
	}
	int64_t now = kernel_now(w->k);
	r->win[r->nwin] = (struct fault_window){.kind = f->kind, .target = f->target, .index = who,
						.start = now, .end = f->kind == FAULT_CLOCK_JUMP ? now : -1};
	return r->nwin++;
}

/* Starts an occurrence of fault f; false if it does nothing. */
static bool apply(struct world *w, const struct fault *f, struct occ *o)
{
	int64_t now = kernel_now(w->k);
	int64_t until = o->dur > 0 ? now + o->dur : INT64_MAX;
	bool client = f->target == FAULT_ON_CLIENT;
	if (client && f->index >= w->nclients)
		return false;
	struct node *n = client ? NULL : node_target(w, f);
	if (!client && !n && (f->kind == FAULT_CRASH || f->kind == FAULT_PAUSE ||
			      f->kind == FAULT_CLOCK_JUMP))
		return false;
	uint32_t actor = client ? f->index : n ? node_actor(n) : TRACE_NODE(0);
	o->node = client ? f->index : n ? n->index : 0;
	switch (f->kind) {
	case FAULT_CRASH:
		if (client) {
			trace(w, actor, FE_CRASH, 0, NULL);
			client_crash(w, f->index);
			return true;
		}
		if (n->ep.down)
			return false;
		trace(w, actor, FE_CRASH, 0, NULL);
		node_crash(n);
		return true;
	case FAULT_PAUSE:
		trace(w, actor, FE_PAUSE, o->dur, NULL);
		if (client)
			client_pause(w, f->index, until);
		else
			node_pause(n, until);
		return true;
	case FAULT_CLOCK_JUMP:
		trace(w, actor, FE_JUMP, f->by, NULL);
		if (client)
			client_clock_jump(w, f->index, f->by);
		else
			node_clock_jump(n, f->by);
		return true;
	case FAULT_PARTITION:
		cut_links(w, f, +1);
		if (world_tracing(w))
			for (uint32_t a = 0; a < w->nnodes; a++) {
				char buf[256];
				cut_text(w, f, a, buf, sizeof(buf));
				if (buf[0])
					trace(w, TRACE_NODE(a), FE_CUT, 0, buf);
			}
		return true;
	case FAULT_LOSS: {
		char buf[64];
		snprintf(buf, sizeof(buf), "p = %g", f->p);
		trace(w, TRACE_NODE(0), FE_LOSS, 0, buf);
		return true;
	}
	default:
		return false;
	}
}

/* Ends the current occurrence of fault i (force: now, whenever it was
 * due to end). */
static void undo(struct world *w, uint32_t i, bool force)
{
	const struct fault *f = &w->cfg->faults[i];
	struct fault_run *r = run_of(w);
	struct occ *o = &r->occ[i];
	o->active = false;
	kernel_cancel(w->k, o->end);
	o->end = KERNEL_NO_EVENT;
	if (o->window < r->nwin)
		r->win[o->window].end = kernel_now(w->k);
	bool client = f->target == FAULT_ON_CLIENT;
	struct node *n = client ? NULL
		       : f->target == FAULT_ON_SERVICE ? node_target(w, f)
						       : o->node < w->nnodes ? &w->nodes[o->node] : NULL;
	switch (f->kind) {
	case FAULT_CRASH:
		if (n && n->ep.down) {
			node_restart(n);
			trace(w, node_actor(n), FE_RESTART, 0, NULL);
		}
		break;
	case FAULT_PAUSE:
		if (client) {
			trace(w, f->index, FE_RESUME, 0, NULL);
			client_resume(w, f->index, force);
		} else if (n && node_paused(n)) {
			trace(w, node_actor(n), FE_RESUME, 0, NULL);
			if (force)
				n->paused_until = kernel_now(w->k);
			node_resume(n);
		}
		break;
	case FAULT_PARTITION:
		cut_links(w, f, -1);
		trace(w, TRACE_NODE(0), FE_HEAL, 0, NULL);
		break;
	case FAULT_LOSS:
		recompute_loss(w);
		trace(w, TRACE_NODE(0), FE_LOSS_END, 0, NULL);
		break;
	default:
		break;
	}
}

/* Kernel event: fault i's next occurrence starts. */
static void occ_start(struct kernel *k, void *world, uint64_t i)
{
	(void)k;
	struct world *w = world;
	struct fault_run *r = run_of(w);
	const struct fault *f = &w->cfg->faults[i];
	struct occ *o = &r->occ[i];
	o->next = KERNEL_NO_EVENT;
	if (r->over)
		return;
	/* an occurrence due while the previous one lasts is skipped */
	if (!o->active && apply(w, f, o)) {
		bool lasts = f->kind != FAULT_CLOCK_JUMP &&
			     !(f->kind == FAULT_CRASH && f->target == FAULT_ON_CLIENT);
		o->window = add_window(w, f, o->node);
		if (lasts) {
			o->active = true;
			if (f->kind == FAULT_LOSS)
				recompute_loss(w);
			if (o->dur > 0)
				o->end = kernel_schedule(w->k, o->dur, occ_end, w, i);
		}
		repl_changed(w->repl, w);
	}
	o->k++;
	if (f->every > 0)
		schedule_next(w, (uint32_t)i);
	world_check_done(w);
}

/* Kernel event: fault i's current occurrence ends. */
static void occ_end(struct kernel *k, void *world, uint64_t i)
{
	(void)k;
	struct world *w = world;
	run_of(w)->occ[i].end = KERNEL_NO_EVENT;
	undo(w, (uint32_t)i, false);
	repl_changed(w->repl, w);
	world_check_done(w);
}

void fault_end(struct world *w)
{
	struct fault_run *r = run_of(w);
	if (!r || r->over)
		return;
	r->over = true;
	kernel_cancel(w->k, r->checkpoint);
	r->checkpoint = KERNEL_NO_EVENT;
	for (uint32_t i = 0; i < w->cfg->nfaults; i++) {
		kernel_cancel(w->k, r->occ[i].next);
		r->occ[i].next = KERNEL_NO_EVENT;
		if (r->occ[i].active)
			undo(w, i, true);
	}
	/* what the lost answers left waiting has no client to answer now */
	coord_end_all(w, &w->coord);
	repl_changed(w->repl, w);
}

/* ---- queries ---- */

bool fault_cut(const struct world *w, uint32_t src, uint32_t dst)
{
	const struct fault_run *r = run_of(w);
	if (!r || EP_KIND(src) != EP_NODE || EP_KIND(dst) != EP_NODE)
		return false;
	uint32_t a = EP_INDEX(src), b = EP_INDEX(dst);
	return a < w->nnodes && b < w->nnodes && r->cut[a * w->nnodes + b] > 0;
}

bool fault_drops(struct world *w, const struct msg *m, uint32_t src, uint32_t dst)
{
	const struct fault_run *r = run_of(w);
	if (!r)
		return false;
	if (fault_cut(w, src, dst))
		return true;
	if (r->keep >= 1)
		return false;
	return rng_key_uniform(world_msg_key(w, RNG_LOSS, src, dst, m)) >= r->keep;
}

bool fault_running(const struct world *w, uint32_t i)
{
	const struct node *n = &w->nodes[i];
	return !n->ep.down && !node_paused(n);
}

bool fault_reachable(const struct world *w, uint32_t a, uint32_t b)
{
	if (!fault_running(w, a) || !fault_running(w, b))
		return false;
	const struct fault_run *r = run_of(w);
	if (!r || a >= w->nnodes || b >= w->nnodes)
		return true;
	return r->cut[a * w->nnodes + b] == 0 && r->cut[b * w->nnodes + a] == 0;
}

bool fault_majority(const struct world *w, uint32_t p, uint32_t j)
{
	uint32_t jn = world_part_node(w, p, j), reach = 1;
	if (!fault_running(w, jn))
		return false;
	for (uint32_t q = 0; q < w->ncopies; q++)
		if (q != j && fault_reachable(w, jn, world_part_node(w, p, q)))
			reach++;
	return reach >= w->ncopies / 2 + 1;
}

const void *fault_durable(struct world *w, struct node *n, uint32_t key, void *ks, void *copy)
{
	const struct run_config *cfg = w->cfg;
	if (cfg->durability == DURABLE_NEVER)
		return NULL;
	if (cfg->durability == DURABLE_EVERY) {
		policy_copy_export(w->policy, ks, copy);
		return copy;
	}
	struct fault_run *r = run_of(w);
	size_t slot = n->service		    ? (size_t)cfg->keys * w->ncopies + key
		      : w->ncopies == 1 ? key
					    : (size_t)key * w->ncopies + world_replica_index(w, key, n->index);
	if (!r->have[slot])
		return NULL;
	policy_copy_export(w->policy, r->durable + slot * r->copy_size, copy);
	return copy;
}
