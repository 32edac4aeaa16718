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
 * primary's state once the replication stream has drained.
 *
 * Faults (fault.h).  A partition's primary is suspected while it is down
 * or paused, or cannot reach enough replicas to form a majority with them;
 * once suspected for `failover` without a break, the cluster promotes a
 * running replica that can reach a majority (promote: latest, the one
 * whose last write is newest by (term, seq_no), or any, drawn), with
 * term + 1, which the replicas it reaches (its voters) adopt at once.  The
 * new primary sends every other replica its copies of the
 * partition's keys (a resync, one message, resent every `failover` until
 * acknowledged); a replica installs them, truncating what the new primary
 * lacks: writes ordered under an older term after the new primary's last
 * seq_no are counted in truncated_writes, and the history records their
 * loss.  Clients send to the primary the cluster knows (a consistent
 * routing table); a deposed primary does not know until it hears the
 * newer term, and serves what reaches it meanwhile (split brain): its
 * writes are refused by replicas that know the newer term (PR_REJECT), and
 * it then steps down and asks for a resync.  A node that is not the
 * primary forwards a client's request to the one it knows.  A backup that
 * restarts, or that waits longer than `failover` for a missing seq_no (a
 * lost message), asks the primary for a resync.  Terms and seq_nos are
 * durable; copies keep what store.durability says.  With ack: all a write
 * waits for every replica, down or not (no in-sync set shrinks).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/coord.h"
#include "models/detector.h"
#include "models/fault.h"
#include "models/lineage.h"
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
enum { PR_WRITE, PR_ACK, PR_SYNC, PR_REJECT, PR_RESYNC, PR_RESYNC_ACK, PR_CATCHUP };

/* What replica j of a partition knows. */
struct prep {
	uint64_t seq;	   /* the last seq_no it applied (the primary: gave) */
	uint64_t term;	   /* the newest term it has seen */
	uint64_t last_term; /* the term of the last write it applied */
	uint64_t synced;   /* the term whose stream it follows (0: it waits for a resync) */
	bool leader;	   /* it believes it is the primary */
	struct msg *held;  /* replication messages that came early, by seq_no */
	kernel_handle gap; /* its wait for a missing seq_no */
};

struct primary_run {
	uint32_t nparts;
	uint32_t *primary; /* per partition: the replica index of its primary */
	struct prep *reps; /* nparts * replicas */
	/* faults (allocated when the run has any) */
	bool faults;
	struct detector detector; /* of each partition's primary */
	kernel_handle *resend;	 /* per partition: the resync's retry timer */
	uint64_t *synced;	 /* per partition: replicas that acknowledged the resync (bits) */
	struct lineage lineage;	 /* where each write was ordered: what a resync truncates */
	bool stopped;
};

/* Trace events, TR_REPL + index. */
enum { PE_REPLICATE = TR_REPL, PE_INSTALL, PE_HELD, PE_ACK, PE_COMMIT, PE_PROMOTE, PE_STEP_DOWN,
       PE_RESYNC, PE_TRUNCATE, PE_REFUSE, PE_FORWARD };

static const struct trace_vocab primary_events[] = {
	{.name = "replicate", .text = "{op} sends seq {aux} to {node}", .cat = TC_MESSAGE},
	{.name = "install", .text = "{op} installs seq {aux}", .cat = TC_NODE},
	{.name = "held", .text = "{op} seq {aux} waits for an earlier one", .cat = TC_NODE},
	{.name = "repl-ack", .text = "{op} acknowledged by {node} ({aux} so far)", .cat = TC_MESSAGE},
	{.name = "commit", .text = "{op} answered after {aux} copy",
	 .text_many = "{op} answered after {aux} copies", .cat = TC_NODE},
	{.name = "promote", .text = "PROMOTED: primary of term {aux} ({detail})",
	 .mark = "FAILOVER", .cat = TC_FAULT},
	{.name = "step-down", .text = "learns term {aux}: no longer primary", .cat = TC_FAULT},
	{.name = "resync", .text = "resyncs to term {aux} ({detail})", .cat = TC_NODE},
	{.name = "truncate", .text = "truncates {key}: {detail}", .mark = "TRUNCATED",
	 .cat = TC_REFUSED},
	{.name = "stale-term", .text = "{op} refused: term {aux} is old", .cat = TC_REFUSED},
	{.name = "forward", .text = "{op} forwarded to the primary {node}", .cat = TC_MESSAGE},
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

/* Replica j's view of partition p, of key's partition. */
static struct prep *rep_p(struct world *w, uint32_t p, uint32_t j)
{
	return &run_of(w)->reps[(size_t)p * w->ncopies + j];
}

static struct prep *rep_of(struct world *w, uint32_t key, uint32_t j)
{
	return rep_p(w, world_partition(w, key), j);
}

static void drop_held(struct world *w, struct prep *r)
{
	while (r->held) {
		struct msg *m = r->held;
		r->held = m->next;
		msg_free(&w->msgs, m);
	}
}

static bool suspected(void *world, uint32_t p);
static bool act(void *world, uint32_t p);

static int primary_init(struct world *w)
{
	struct primary_run *run = run_of(w);
	run->nparts = w->nnodes == 1 ? 1 : ring_partitions(&w->ring);
	run->primary = calloc(run->nparts, sizeof(*run->primary));
	run->reps = calloc((size_t)run->nparts * w->ncopies, sizeof(*run->reps));
	if (!run->primary || !run->reps)
		return -1;
	for (uint32_t p = 0; p < run->nparts; p++)
		for (uint32_t j = 0; j < w->ncopies; j++) {
			struct prep *r = rep_p(w, p, j);
			r->term = r->last_term = r->synced = 1;
			r->leader = j == 0;
		}
	run->faults = w->cfg->nfaults > 0;
	if (!run->faults)
		return 0;
	run->resend = calloc(run->nparts, sizeof(*run->resend));
	run->synced = calloc(run->nparts, sizeof(*run->synced));
	lineage_init(&run->lineage);
	if (!run->resend || !run->synced ||
	    detector_init(&run->detector, w->k, run->nparts, opts_of(w)->failover, suspected, act, w) < 0)
		return -1;
	for (uint32_t p = 0; p < run->nparts; p++)
		run->synced[p] = ~0ULL;
	return 0;
}

static void primary_free(struct world *w)
{
	struct primary_run *run = run_of(w);
	if (run->reps)
		for (size_t i = 0; i < (size_t)run->nparts * w->ncopies; i++)
			drop_held(w, &run->reps[i]);
	free(run->primary);
	free(run->reps);
	detector_free(&run->detector);
	free(run->resend);
	free(run->synced);
	lineage_free(&run->lineage);
}

static uint32_t primary_node(struct world *w, uint32_t key)
{
	uint32_t p = world_partition(w, key);
	return world_part_node(w, p, run_of(w)->primary[p]);
}

static uint32_t primary_leader(struct world *w, uint32_t key)
{
	return primary_node(w, key);
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

/* The replica index of node n for key (0 for a node with none). */
static uint32_t self_of(struct world *w, const struct node *n, uint32_t key)
{
	uint32_t j = world_replica_index(w, key, n->index);
	return j == UINT32_MAX ? 0 : j;
}

static uint64_t primary_order(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	struct prep *r = rep_of(w, m->key, self_of(w, n, m->key));
	m->term = r->term;
	r->last_term = r->term;
	return ++r->seq;
}

static uint64_t primary_term(const struct node *n, uint32_t key)
{
	struct world *w = n->w;
	return rep_of(w, key, self_of(w, n, key))->term;
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

/* Remembers the seq_no and term of version v (for truncation). */
static void note_version(struct world *w, uint32_t v, uint64_t seq, uint64_t term)
{
	struct primary_run *run = run_of(w);
	if (run->faults && v != HIST_NONE && lineage_note(&run->lineage, v, seq, term) < 0)
		world_fail(w);
}

/* The primary applied write m: copy the key to every backup, answer the
 * client once enough copies hold it. */
static void replicate(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	uint64_t seq = repl_order(w->repl, n, m);
	note_version(w, m->version, seq, m->term);
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
	uint32_t p = world_partition(w, m->key), self = self_of(w, n, m->key);
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

/* A peer message back to where c came from, of type `type`. */
static void answer(struct node *n, struct msg *c, uint8_t type, enum peer_class cls)
{
	policy_copy_drop(n->w->policy, c->ctx.bytes);
	memset(&c->ctx, 0, sizeof(c->ctx));
	c->flags &= (uint8_t)~MSGF_COPY;
	c->peer_type = type;
	c->cls = (uint8_t)cls;
	c->step = (uint16_t)(STEP_PEER + type);
	net_send(n->w, c, n->ep.id, c->src);
}

/* A backup acknowledges replication message c to the primary. */
static void ack(struct node *n, struct msg *c)
{
	answer(n, c, PR_ACK, PEER_ACK);
}

static void install(struct node *n, struct prep *r, struct msg *c)
{
	node_install(n, c->key, node_key_state(n, c->key), c->ctx.bytes);
	r->seq = c->seq_no;
	r->last_term = c->term;
	node_trace2(n, c, PE_INSTALL, c->value, (int64_t)c->seq_no, 0, NULL);
	ack(n, c);
}

/* Installs the held messages that follow r->seq; drops those of older
 * terms and acknowledges those already covered. */
static void flush_held(struct node *n, struct prep *r)
{
	struct world *w = n->w;
	struct msg **pp = &r->held;
	while (*pp) {
		struct msg *h = *pp;
		if (h->term < r->synced) {
			*pp = h->next;
			msg_free(&w->msgs, h);
		} else if (h->term == r->synced && h->seq_no <= r->seq) {
			*pp = h->next;
			h->next = NULL;
			ack(n, h);
		} else {
			pp = &h->next;
		}
	}
	while (r->held && r->held->term == r->synced && r->held->seq_no == r->seq + 1) {
		struct msg *h = r->held;
		r->held = h->next;
		h->next = NULL;
		install(n, r, h);
	}
}

static void hold(struct prep *r, struct msg *c)
{
	struct msg **p = &r->held;
	while (*p && (*p)->seq_no < c->seq_no)
		p = &(*p)->next;
	c->next = *p;
	*p = c;
}

static void send_catchup(struct node *n, uint32_t p, uint32_t j);

/* Kernel event: a backup's wait for a missing seq_no is over (arg:
 * partition << 16 | replica): it asks the primary for a resync, and asks
 * again every `failover` while it still waits (the request, or the resync,
 * may be lost too). */
static void gap_due(struct kernel *k, void *node, uint64_t arg)
{
	(void)k;
	struct node *n = node;
	uint32_t p = (uint32_t)(arg >> 16), j = (uint32_t)(arg & 0xffff);
	struct prep *r = rep_p(n->w, p, j);
	r->gap = KERNEL_NO_EVENT;
	if (!r->held || run_of(n->w)->stopped)
		return;
	send_catchup(n, p, j);
	r->gap = node_timer(n, opts_of(n->w)->failover, gap_due, arg);
}

/* A backup receives the copy of seq_no c->seq_no. */
static void backup_receive(struct node *n, struct msg *c)
{
	struct world *w = n->w;
	struct primary_run *run = run_of(w);
	uint32_t p = world_partition(w, c->key);
	struct prep *r = rep_of(w, c->key, c->replica);
	if (c->term < r->term) { /* from a deposed primary: it must learn */
		node_trace2(n, c, PE_REFUSE, c->value, (int64_t)c->term, 0, NULL);
		c->term = r->term;
		answer(n, c, PR_REJECT, PEER_ACK);
		return;
	}
	if (c->term > r->term) {
		r->term = c->term;
		if (r->leader) {
			r->leader = false;
			node_trace_key(n, c->key, UINT64_MAX, PE_STEP_DOWN, (int64_t)r->term);
		}
	}
	if (c->term == r->synced && c->seq_no <= r->seq) { /* already applied */
		ack(n, c);
		return;
	}
	if (c->term != r->synced || c->seq_no > r->seq + 1) {
		/* early, or of a term it has no resync of yet: keep it */
		node_trace2(n, c, PE_HELD, c->value, (int64_t)c->seq_no, 0, NULL);
		hold(r, c);
		if (run->faults && r->gap == KERNEL_NO_EVENT && !run->stopped)
			r->gap = node_timer(n, opts_of(w)->failover, gap_due,
					    (uint64_t)p << 16 | c->replica);
		return;
	}
	install(n, r, c);
	flush_held(n, r);
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

/* ---- failover ---- */

/* A version a resync drops at node n: counted if truncated. */
struct dropping {
	struct primary_run *run;
	uint32_t p;
	uint64_t term;
};

static void dropped(struct node *n, uint32_t key, uint32_t v, void *arg)
{
	struct dropping *d = arg;
	struct lineage *l = &d->run->lineage;
	if (!lineage_truncated(l, d->p, d->term, v))
		return;
	if (lineage_count(l, v))
		n->w->stats.truncated_writes++;
	if (node_tracing(n)) {
		char text[64];
		snprintf(text, sizeof(text), "the write of seq %llu, term %llu",
			 (unsigned long long)lineage_seq(l, v), (unsigned long long)lineage_term(l, v));
		struct msg t = {.key = key, .version = v, .op_id = UINT64_MAX};
		node_trace2(n, &t, PE_TRUNCATE, -1, 0, 0, text);
	}
}

/* Node n (replica j of partition p) replaces its copies with the resync
 * in c, counting the versions it truncates. */
static void install_resync(struct node *n, uint32_t p, struct prep *r, struct msg *c)
{
	struct dropping d = {.run = run_of(n->w), .p = p, .term = c->term};
	const struct bundle *b = c->bundle;
	if (b && node_install_bundle(n, b, dropped, &d) < 0)
		return;
	r->seq = c->seq_no;
	r->last_term = c->term;
	r->synced = c->term;
	if (node_tracing(n)) {
		char text[64];
		uint32_t nk = b ? b->n : 0;
		snprintf(text, sizeof(text), "%u key%s, up to seq %llu", nk, nk == 1 ? "" : "s",
			 (unsigned long long)c->seq_no);
		struct msg t = {.key = b && b->n ? b->keys[0] : 0, .version = HIST_NONE,
				.op_id = UINT64_MAX};
		node_trace2(n, &t, PE_RESYNC, -1, (int64_t)c->term, 0, text);
	}
	flush_held(n, r);
}

/* The primary of p (replica pj, on node n) sends replica j its copies. */
static void send_resync(struct node *n, uint32_t p, uint32_t pj, uint32_t j)
{
	struct world *w = n->w;
	struct msg *c = coord_bundle(w, p, pj, PR_RESYNC, PEER_WRITE);
	if (!c)
		return;
	struct prep *r = rep_p(w, p, pj);
	c->req = p;
	c->replica = (uint16_t)j;
	c->term = r->term;
	c->seq_no = r->seq;
	net_send(w, c, n->ep.id, EP_ID(EP_NODE, world_part_node(w, p, j)));
}

/* The primary of p resends the resync to every replica that has not
 * acknowledged it and that it can reach. */
static void resync_round(struct world *w, uint32_t p);

/* Kernel event: the resync's retry timer of partition arg. */
static void resend_due(struct kernel *k, void *world, uint64_t p)
{
	(void)k;
	struct world *w = world;
	run_of(w)->resend[p] = KERNEL_NO_EVENT;
	resync_round(w, (uint32_t)p);
}

static void resync_round(struct world *w, uint32_t p)
{
	struct primary_run *run = run_of(w);
	uint32_t pj = run->primary[p], pn = world_part_node(w, p, pj);
	uint32_t nk;
	if (run->stopped || !world_part_keys(w, p, &nk) || nk == 0)
		return;
	bool pending = false;
	for (uint32_t j = 0; j < w->ncopies; j++) {
		if (j == pj || (run->synced[p] >> j & 1))
			continue;
		pending = true;
		uint32_t jn = world_part_node(w, p, j);
		if (fault_reachable(w, pn, jn))
			send_resync(&w->nodes[pn], p, pj, j);
	}
	if (pending && run->resend[p] == KERNEL_NO_EVENT)
		run->resend[p] = kernel_schedule(w->k, opts_of(w)->failover, resend_due, w, p);
}

static void send_catchup(struct node *n, uint32_t p, uint32_t j)
{
	struct world *w = n->w;
	struct primary_run *run = run_of(w);
	uint32_t nk;
	const uint32_t *keys = world_part_keys(w, p, &nk);
	if (!keys || nk == 0)
		return;
	struct msg *c = coord_peer(w, NULL, keys[0], PR_CATCHUP, PEER_ACK, UINT64_MAX, NULL);
	if (!c)
		return;
	c->req = p;
	c->replica = (uint16_t)j;
	c->term = rep_p(w, p, j)->term;
	net_send(w, c, n->ep.id, EP_ID(EP_NODE, world_part_node(w, p, run->primary[p])));
}

/* Promotes a replica of p, if one can reach a majority; true if done. */
static bool promote(struct world *w, uint32_t p)
{
	struct primary_run *run = run_of(w);
	const struct primary_opts *o = opts_of(w);
	uint32_t old = run->primary[p], best = UINT32_MAX, ncand = 0, cand[64];
	uint64_t term = 0;
	for (uint32_t j = 0; j < w->ncopies; j++) {
		struct prep *r = rep_p(w, p, j);
		term = r->term > term ? r->term : term;
		if (j == old || !fault_majority(w, p, j))
			continue;
		cand[ncand++] = j;
		struct prep *b = best == UINT32_MAX ? NULL : rep_p(w, p, best);
		if (!b || r->last_term > b->last_term || (r->last_term == b->last_term && r->seq > b->seq))
			best = j;
	}
	if (ncand == 0)
		return false;
	if (o->promote == PROMOTE_ANY) {
		struct rng_stream s;
		rng_stream_init(&s, rng_stream_seed(w->cfg->seed, RNG_FAULT, 1000 + p, term));
		best = cand[rng_below(&s.rng, ncand)];
	}
	struct prep *r = rep_p(w, p, best);
	r->term = term + 1;
	r->leader = true;
	/* the replicas that elected it (those it reaches, a majority) adopt
	 * the term at once: a deposed primary's writes can no longer gather
	 * a majority of acknowledgements */
	uint32_t bn = world_part_node(w, p, best);
	for (uint32_t j = 0; j < w->ncopies; j++)
		if (j != best && fault_reachable(w, bn, world_part_node(w, p, j))) {
			rep_p(w, p, j)->term = r->term;
			rep_p(w, p, j)->leader = false;
		}
	r->synced = r->term;
	drop_held(w, r);
	if (lineage_fork(&run->lineage, p, r->term, r->seq) < 0) {
		world_fail(w);
		return true;
	}
	run->primary[p] = best;
	run->synced[p] = 1ULL << best;
	w->stats.failovers++;
	struct node *n = &w->nodes[world_part_node(w, p, best)];
	uint32_t nk;
	const uint32_t *keys = world_part_keys(w, p, &nk);
	if (node_tracing(n) && keys && nk > 0) {
		char text[64];
		snprintf(text, sizeof(text), "from seq %llu", (unsigned long long)r->seq);
		struct msg t = {.key = keys[0], .op_id = UINT64_MAX, .version = HIST_NONE};
		node_trace2(n, &t, PE_PROMOTE, -1, (int64_t)r->term, 0, text);
	}
	resync_round(w, p);
	return true;
}

/* The detector's questions: is partition p's primary down, paused, or
 * unable to reach a majority?  And its action: a promotion. */
static bool suspected(void *world, uint32_t p)
{
	struct world *w = world;
	return !fault_majority(w, p, run_of(w)->primary[p]);
}

static bool act(void *world, uint32_t p)
{
	return promote(world, p);
}

static void primary_changed(struct world *w)
{
	struct primary_run *run = run_of(w);
	if (!run->faults)
		return;
	for (uint32_t p = 0; p < run->nparts; p++) {
		uint32_t nk;
		if (!world_part_keys(w, p, &nk) || nk == 0)
			continue; /* a partition holding no key: nothing to fail over */
		detector_look(&run->detector, p);
		resync_round(w, p);
	}
}

static void primary_crashed(struct node *n)
{
	struct world *w = n->w;
	struct primary_run *run = run_of(w);
	for (uint32_t p = 0; p < run->nparts; p++)
		for (uint32_t j = 0; j < w->ncopies; j++) {
			if (world_part_node(w, p, j) != n->index)
				continue;
			struct prep *r = rep_p(w, p, j);
			drop_held(w, r);
			r->gap = KERNEL_NO_EVENT; /* node_crash cancels the node's timers */
			if (!r->leader) {
				r->synced = 0; /* it missed the stream: it waits for a resync */
				if (run->synced)
					run->synced[p] &= ~(1ULL << j);
			}
		}
}

/* ---- serving ---- */

static void on_peer(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	struct primary_run *run = run_of(w);
	uint32_t p = m->req;
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
	case PR_REJECT: { /* a deposed primary learns the newer term */
		struct prep *r = rep_of(w, m->key, self_of(w, n, m->key));
		if (m->term > r->term) {
			r->term = m->term;
			r->synced = 0;
			if (r->leader) {
				r->leader = false;
				node_trace_key(n, m->key, UINT64_MAX, PE_STEP_DOWN, (int64_t)r->term);
			}
			send_catchup(n, world_partition(w, m->key), self_of(w, n, m->key));
		}
		node_drop(n, m);
		return;
	}
	case PR_RESYNC: {
		struct prep *r = rep_p(w, p, m->replica);
		if (m->term >= r->term && !(m->term == r->synced && r->seq >= m->seq_no)) {
			r->term = m->term;
			if (r->leader) {
				r->leader = false;
				node_trace_key(n, m->key, UINT64_MAX, PE_STEP_DOWN, (int64_t)r->term);
			}
			install_resync(n, p, r, m);
		}
		if (m->term == r->synced) {
			struct msg *a = coord_peer(w, NULL, m->key, PR_RESYNC_ACK, PEER_ACK, UINT64_MAX,
						   NULL);
			if (a) {
				a->req = p;
				a->replica = m->replica;
				a->term = r->synced;
				net_send(w, a, n->ep.id, m->src);
			}
		}
		node_drop(n, m);
		return;
	}
	case PR_RESYNC_ACK:
		if (run->synced && m->term == rep_p(w, p, run->primary[p])->term)
			run->synced[p] |= 1ULL << m->replica;
		node_drop(n, m);
		return;
	case PR_CATCHUP: {
		uint32_t pj = run->primary[p];
		if (run->synced && world_part_node(w, p, pj) == n->index && rep_p(w, p, pj)->leader) {
			run->synced[p] &= ~(1ULL << m->replica);
			resync_round(w, p);
		}
		node_drop(n, m);
		return;
	}
	default:
		node_drop(n, m);
	}
}

static void primary_serve(struct node *n, struct msg *m)
{
	if (m->type == MSG_PEER) {
		on_peer(n, m);
		return;
	}
	struct world *w = n->w;
	void *ks = node_key_state(n, m->key);
	if (!ks) {
		node_drop(n, m);
		return;
	}
	/* a client's request at a node that does not think itself the
	 * primary (it was routed before a failover, or reads anywhere) */
	struct prep *r = rep_of(w, m->key, self_of(w, n, m->key));
	bool here = r->leader || (m->type == MSG_READ && opts_of(w)->reads == READS_ANY &&
				  !(policy_needs(w->policy, w->popts) & POLICY_NEEDS_PRIMARY));
	if (!here && m->type != MSG_CANCEL) {
		uint32_t to = primary_node(w, m->key);
		if (to != n->index) {
			node_trace2(n, m, PE_FORWARD, m->value, 0, to, NULL);
			net_send(w, m, n->ep.id, EP_ID(EP_NODE, to));
			return;
		}
	}
	node_serve(n, ks, false, m);
}

/* The end of the run: each backup that differs gets the primary's copy. */
static uint64_t primary_settle(struct world *w)
{
	uint64_t sent = 0;
	for (uint32_t k = 0; k < w->cfg->keys; k++)
		if (!world_copies_agree(w, k))
			sent += coord_sync_key(w, k, run_of(w)->primary[world_partition(w, k)], PR_SYNC);
	return sent;
}

/* The run is over: the failure detector, resyncs and gap waits stop. */
static void primary_stop(struct world *w)
{
	struct primary_run *run = run_of(w);
	run->stopped = true;
	if (!run->faults)
		return;
	detector_stop(&run->detector);
	for (uint32_t p = 0; p < run->nparts; p++) {
		kernel_cancel(w->k, run->resend[p]);
		run->resend[p] = KERNEL_NO_EVENT;
		for (uint32_t j = 0; j < w->ncopies; j++) {
			struct prep *r = rep_p(w, p, j);
			node_cancel_timer(&w->nodes[world_part_node(w, p, j)], r->gap);
			r->gap = KERNEL_NO_EVENT;
		}
	}
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
	.stop = primary_stop,
	.crashed = primary_crashed,
	.changed = primary_changed,
	.leader = primary_leader,
};
