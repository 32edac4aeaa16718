/*
 * repl_primary.c - primary-backup replication (Elasticsearch, MongoDB,
 * PostgreSQL streaming): each partition of the ring has `replicas` copies;
 * the first is the primary, which orders every write of the partition.
 *
 * Write: the client's write goes to the primary, whose policy decides on
 * its copy; an applied write gets the next seq_no of the partition and the
 * primary's term, and the resulting copy of the key is sent to every
 * backup.  Backups install copies in seq_no order (one that arrives early
 * waits for the ones before it) and acknowledge each; the primary answers
 * the client once `ack` copies hold the write (one: itself alone;
 * majority: more than half of the replicas; all: every one).
 * Read: at the primary, or with `reads: any` at a replica drawn for the
 * operation (which may lag: a stale read).  A policy that needs a primary
 * (a lock) sends all its requests to the primary.
 *
 * Guarantees: a backup's copy is always a state the primary's copy passed
 * through (installs happen in order); without faults the backups reach the
 * primary's state once the replication stream has drained.  The options
 * failover and promote belong to the fault model (a primary crash).
 */
#include <stdlib.h>
#include <string.h>

#include "models/coord.h"
#include "models/repl.h"
#include "models/world.h"

enum { ACK_ONE, ACK_MAJORITY, ACK_ALL };
enum { READS_PRIMARY, READS_ANY };
enum { PROMOTE_LATEST, PROMOTE_ANY };

struct primary_opts {
	uint32_t replicas;
	int ack;
	int reads;
	int64_t failover;
	int promote;
};

/* Peer messages. */
enum { PR_WRITE, PR_ACK, PR_SYNC };

/* What replica j of a partition knows. */
struct prep {
	uint64_t seq;	 /* the last seq_no it applied (the primary: gave) */
	uint64_t term;	 /* the newest term it has seen */
	struct msg *held; /* replication messages that came early, by seq_no */
};

struct primary_run {
	uint32_t nparts;
	uint32_t *primary; /* per partition: the replica index of its primary */
	struct prep *reps; /* nparts * replicas */
};

/* Trace events, TR_REPL + index. */
enum { PE_REPLICATE = TR_REPL, PE_INSTALL, PE_HELD, PE_ACK, PE_COMMIT };

static const struct trace_vocab primary_events[] = {
	{.name = "replicate", .text = "{op} sends seq {aux} to {node}", .cat = TC_MESSAGE},
	{.name = "install", .text = "{op} installs seq {aux}", .cat = TC_NODE},
	{.name = "held", .text = "{op} seq {aux} waits for an earlier one", .cat = TC_NODE},
	{.name = "repl-ack", .text = "{op} acknowledged by {node} ({aux} so far)", .cat = TC_MESSAGE},
	{.name = "commit", .text = "{op} answered after {aux} copies", .cat = TC_NODE},
	{0},
};

static const struct field primary_options[] = {
	{.name = "replicas", .type = FT_U32, .offset = offsetof(struct primary_opts, replicas),
	 .def = "3", .min = 1, .max = 64, .range = "1 to 64, at most `cluster.nodes`",
	 .help = "copies of each key: the primary and replicas - 1 backups"},
	{.name = "ack", .type = FT_ENUM, .offset = offsetof(struct primary_opts, ack),
	 .choices = "one|majority|all", .def = "majority",
	 .help = "copies that must hold a write before the client is answered: the primary's "
		 "alone, more than half, or every replica"},
	{.name = "reads", .type = FT_ENUM, .offset = offsetof(struct primary_opts, reads),
	 .choices = "primary|any", .def = "primary",
	 .help = "where reads are served: at the primary, or at a replica drawn for each "
		 "operation (which may lag behind)"},
	{.name = "failover", .type = FT_DURATION, .offset = offsetof(struct primary_opts, failover),
	 .def = "1s", .min = 1e3, .max = 3.6e12,
	 .help = "how long backups wait without hearing from the primary before one is promoted "
		 "(faults)"},
	{.name = "promote", .type = FT_ENUM, .offset = offsetof(struct primary_opts, promote),
	 .choices = "latest|any", .def = "latest",
	 .help = "which backup a failover promotes: the most up to date, or any live one (faults)"},
	{0},
};

static const struct primary_opts *opts_of(const struct world *w)
{
	return w->ropts;
}

static struct primary_run *run_of(struct world *w)
{
	return w->repl_state;
}

static uint32_t primary_copies(const struct run_config *cfg)
{
	return ((const struct primary_opts *)cfg->ropts.bytes)->replicas;
}

static unsigned primary_offers(const void *opts)
{
	(void)opts;
	return REPL_HAS_PRIMARY | REPL_ORDERS_ON_COPY;
}

static int primary_validate(const void *opts, const struct run_config *cfg, struct parse_error *e)
{
	const struct primary_opts *o = opts;
	if (o->replicas > cfg->nodes)
		return units_fail(e, 0, "replicas (%u) must be at most cluster.nodes (%u)", o->replicas,
				  cfg->nodes);
	return 0;
}

static int primary_init(struct world *w)
{
	struct primary_run *run = run_of(w);
	run->nparts = w->nnodes == 1 ? 1 : ring_partitions(&w->ring);
	run->primary = calloc(run->nparts, sizeof(*run->primary));
	run->reps = calloc((size_t)run->nparts * w->ncopies, sizeof(*run->reps));
	if (!run->primary || !run->reps)
		return -1;
	for (size_t i = 0; i < (size_t)run->nparts * w->ncopies; i++)
		run->reps[i].term = 1;
	return 0;
}

static void primary_free(struct world *w)
{
	struct primary_run *run = run_of(w);
	if (run->reps)
		for (size_t i = 0; i < (size_t)run->nparts * w->ncopies; i++)
			while (run->reps[i].held) {
				struct msg *m = run->reps[i].held;
				run->reps[i].held = m->next;
				msg_free(&w->msgs, m);
			}
	free(run->primary);
	free(run->reps);
}

/* Replica j's view of key's partition. */
static struct prep *rep_of(struct world *w, uint32_t key, uint32_t j)
{
	return &run_of(w)->reps[(size_t)world_partition(w, key) * w->ncopies + j];
}

static uint32_t primary_node(struct world *w, uint32_t key)
{
	uint32_t p = world_partition(w, key);
	return world_part_node(w, p, run_of(w)->primary[p]);
}

static uint32_t primary_route(struct world *w, const struct msg *m)
{
	const struct primary_opts *o = opts_of(w);
	bool anywhere = m->type == MSG_READ && o->reads == READS_ANY &&
			!(policy_needs(w->policy, w->popts) & POLICY_NEEDS_PRIMARY);
	if (anywhere)
		return EP_ID(EP_NODE, world_replica(w, m->key, coord_draw(w, m, 0, w->ncopies)));
	return EP_ID(EP_NODE, primary_node(w, m->key));
}

static uint64_t primary_order(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	uint32_t j = world_replica_index(w, m->key, n->index);
	struct prep *r = rep_of(w, m->key, j == UINT32_MAX ? 0 : j);
	m->term = r->term;
	return ++r->seq;
}

static uint64_t primary_term(const struct node *n, uint32_t key)
{
	struct world *w = n->w;
	uint32_t j = world_replica_index(w, key, n->index);
	return rep_of(w, key, j == UINT32_MAX ? 0 : j)->term;
}

static void to_client(struct node *n, struct msg *m)
{
	net_send(n->w, m, n->ep.id, EP_ID(EP_CLIENT, m->client));
}

static uint32_t acks_needed(const struct world *w)
{
	switch (opts_of(w)->ack) {
	case ACK_ONE:
		return 1;
	case ACK_ALL:
		return w->ncopies;
	default:
		return w->ncopies / 2 + 1;
	}
}

/* The primary applied write m: copy the key to every backup, answer the
 * client once enough copies hold it. */
static void replicate(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	uint64_t seq = repl_order(w->repl, n, m);
	uint32_t needed = acks_needed(w) - 1; /* the primary holds it already */
	uint64_t ref = coord_new(w, &w->coord, n->index, m->key, false);
	if (ref == UINT64_MAX) {
		world_fail(w);
		node_drop(n, m);
		return;
	}
	struct creq *q = coord_get(&w->coord, (uint32_t)ref, (uint32_t)(ref >> 32));
	q->needed = (uint16_t)needed;
	q->expected = (uint16_t)(w->ncopies - 1);
	q->seq_no = seq;
	uint32_t p = world_partition(w, m->key), self = run_of(w)->primary[p];
	for (uint32_t j = 0; j < w->ncopies; j++) {
		if (j == self)
			continue;
		struct msg *c = coord_peer(w, m, m->key, PR_WRITE, PEER_WRITE, ref, n->serving_ks);
		if (!c)
			break;
		c->replica = (uint16_t)j;
		uint32_t to = world_part_node(w, p, j);
		node_trace2(n, c, PE_REPLICATE, m->value, (int64_t)seq, to, NULL);
		net_send(w, c, n->ep.id, EP_ID(EP_NODE, to));
	}
	if (needed == 0) {
		node_trace2(n, m, PE_COMMIT, m->value, 1, 0, NULL);
		to_client(n, m);
	} else {
		q->client = m;
	}
	if (q->expected == 0)
		coord_end(w, &w->coord, q);
}

static void primary_answered(struct node *n, struct msg *m, enum reply_status st)
{
	bool applied = m->type == MSG_WRITE_REPLY && st == ST_OK && m->version != HIST_NONE &&
		       !(m->flags & MSGF_DISCARDED);
	if (applied && n->w->ncopies > 1)
		replicate(n, m);
	else
		to_client(n, m);
}

/* A backup acknowledges replication message c to the primary. */
static void ack(struct node *n, struct msg *c)
{
	policy_copy_drop(n->w->policy, c->ctx.bytes);
	memset(&c->ctx, 0, sizeof(c->ctx));
	c->flags &= (uint8_t)~MSGF_COPY;
	c->peer_type = PR_ACK;
	c->cls = PEER_ACK;
	c->step = STEP_PEER + PR_ACK;
	net_send(n->w, c, n->ep.id, c->src);
}

static void install(struct node *n, struct prep *r, struct msg *c)
{
	node_install(n, c->key, node_key_state(n, c->key), c->ctx.bytes);
	r->seq = c->seq_no;
	node_trace2(n, c, PE_INSTALL, c->value, (int64_t)c->seq_no, 0, NULL);
	ack(n, c);
}

/* A backup receives the copy of seq_no c->seq_no. */
static void backup_receive(struct node *n, struct msg *c)
{
	struct world *w = n->w;
	struct prep *r = rep_of(w, c->key, c->replica);
	if (c->term > r->term)
		r->term = c->term;
	if (c->seq_no <= r->seq) { /* already applied */
		ack(n, c);
		return;
	}
	if (c->seq_no > r->seq + 1) {
		/* early: keep it, in seq_no order, until its predecessors came */
		node_trace2(n, c, PE_HELD, c->value, (int64_t)c->seq_no, 0, NULL);
		struct msg **p = &r->held;
		while (*p && (*p)->seq_no < c->seq_no)
			p = &(*p)->next;
		c->next = *p;
		*p = c;
		return;
	}
	install(n, r, c);
	while (r->held && r->held->seq_no == r->seq + 1) {
		struct msg *h = r->held;
		r->held = h->next;
		h->next = NULL;
		install(n, r, h);
	}
}

static void primary_ack(struct node *n, struct msg *c)
{
	struct world *w = n->w;
	struct creq *q = coord_get(&w->coord, c->req, c->req_gen);
	if (q) {
		q->got++;
		q->closed++;
		node_trace2(n, c, PE_ACK, c->value, q->got + 1, EP_INDEX(c->src), NULL);
		if (q->client && q->got >= q->needed) {
			node_trace2(n, q->client, PE_COMMIT, q->client->value, q->got + 1, 0, NULL);
			to_client(n, q->client);
			q->client = NULL;
		}
		if (q->closed >= q->expected)
			coord_end(w, &w->coord, q);
	}
	msg_free(&w->msgs, c);
}

static void primary_serve(struct node *n, struct msg *m)
{
	if (m->type != MSG_PEER) {
		void *ks = node_key_state(n, m->key);
		if (ks)
			node_serve(n, ks, false, m);
		else
			node_drop(n, m);
		return;
	}
	switch (m->peer_type) {
	case PR_WRITE:
		backup_receive(n, m);
		return;
	case PR_ACK:
		primary_ack(n, m);
		return;
	case PR_SYNC:
		node_install(n, m->key, node_key_state(n, m->key), m->ctx.bytes);
		node_drop(n, m);
		return;
	default:
		node_drop(n, m);
	}
}

/* The end of the run: each backup that differs gets the primary's copy. */
static uint64_t primary_settle(struct world *w)
{
	uint64_t sent = 0;
	for (uint32_t k = 0; k < w->cfg->keys; k++) {
		if (world_copies_agree(w, k))
			continue;
		uint32_t p = world_partition(w, k), pj = run_of(w)->primary[p];
		struct node *prim = &w->nodes[world_part_node(w, p, pj)];
		const void *ks = world_copy(w, k, pj);
		const uint32_t *a, *b;
		uint32_t na = policy_state(w->policy, ks, &a);
		for (uint32_t j = 0; j < w->ncopies; j++) {
			uint32_t nb = policy_state(w->policy, world_copy(w, k, j), &b);
			if (j == pj || (na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0)))
				continue;
			struct msg *c = coord_peer(w, NULL, k, PR_SYNC, PEER_WRITE, UINT64_MAX, ks);
			if (!c)
				return sent;
			net_send(w, c, prim->ep.id, EP_ID(EP_NODE, world_part_node(w, p, j)));
			w->stats.ae_transfers++;
			sent++;
		}
	}
	return sent;
}

const struct repl repl_primary = {
	.name = "primary",
	.summary = "a primary orders each partition's writes and copies them to its backups",
	.options = primary_options,
	.options_size = sizeof(struct primary_opts),
	.validate = primary_validate,
	.events = primary_events,
	.run_state_size = sizeof(struct primary_run),
	.copies = primary_copies,
	.offers = primary_offers,
	.route = primary_route,
	.serve = primary_serve,
	.answered = primary_answered,
	.init = primary_init,
	.free = primary_free,
	.order = primary_order,
	.term = primary_term,
	.settle = primary_settle,
};
