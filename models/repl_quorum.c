/*
 * repl_quorum.c - leaderless quorum replication (Dynamo, Riak, Cassandra):
 * each key has n copies on the first n nodes of its preference list; a
 * coordinator sends a write to every copy and answers after w of them
 * acknowledged, sends a read to every copy and answers after r replied,
 * resolving the replies with the policy's merge (the newest timestamp, the
 * union of siblings by causal context).
 *
 * coordinator: replica  a node holding a copy coordinates (client i's
 *                       requests for a key go to replica i mod n): its own
 *                       copy answers at once, and the policy orders a
 *                       write on it (Riak's coordinating vnode)
 *              proxy    an endpoint with no copy coordinates (a Cassandra
 *                       coordinator, a client-side router): all n copies are
 *                       remote, the write is ordered on a scratch copy (the
 *                       setting of PBS's WARS model)
 * fanout: all       requests go to all n copies (the default)
 *         quorum    writes go to exactly w copies, reads to exactly r, drawn
 *                   for each operation (and never spread unless repair or
 *                   anti-entropy spreads them): PBS's k-staleness setting
 * read_repair       once every asked copy replied, copies that differ from
 *                   the merge of all replies are sent the merge
 * anti_entropy      every period each node exchanges the keys it shares
 *                   with the next node in turn, sending its copy of each
 *                   key the two hold differently
 * hinted_handoff    a write for a copy the coordinator cannot reach (down,
 *                   paused, cut off: the fault schedule's perfect failure
 *                   detector) is kept by the coordinator as a hint and sent
 *                   once it can (Cassandra's hints: they do not count
 *                   towards w, and a coordinator's crash loses them)
 *
 * A version check (policy version) on a quorum runs, and loses updates:
 * two coordinators can both accept writes that expected the same version.
 * There is no consensus behind a leaderless quorum.
 */
#include <stdlib.h>
#include <string.h>

#include "models/coord.h"
#include "models/fault.h"
#include "models/repl.h"
#include "models/world.h"

enum { COORD_REPLICA, COORD_PROXY };
enum { FANOUT_ALL, FANOUT_QUORUM };

struct quorum_opts {
	uint32_t n, r, w;
	int coordinator;
	bool read_repair;
	bool hinted_handoff;
	int64_t anti_entropy;
	int fanout;
};

/* Peer messages. */
enum { QU_WRITE, QU_ACK, QU_READ, QU_REPLY, QU_REPAIR, QU_AE, QU_AE_BACK, QU_DIGEST, QU_HINT };

struct quorum_run {
	kernel_handle *ae; /* per node: its next anti-entropy round */
	uint32_t *turn;	   /* per node: rounds so far (whose turn is next) */
	struct msg **hints; /* per node (and the proxy): the hints it keeps */
};

enum { QE_SEND = TR_REPL, QE_APPLY, QE_ACK, QE_REPLY, QE_QUORUM, QE_REPAIR, QE_AE, QE_HINT,
       QE_HANDOFF };

static const struct trace_vocab quorum_events[] = {
	{.name = "send", .text = "{op} sent to {node}", .cat = TC_MESSAGE},
	{.name = "replica-apply", .text = "{op} merged into this copy", .cat = TC_NODE},
	{.name = "replica-ack", .text = "{op} acknowledged by {node} ({aux} so far)", .cat = TC_MESSAGE},
	{.name = "replica-reply", .text = "{op} reply from {node} ({aux} so far)", .cat = TC_MESSAGE},
	{.name = "quorum", .text = "{op} answered after {aux} copy",
	 .text_many = "{op} answered after {aux} copies", .cat = TC_NODE},
	{.name = "read-repair", .text = "{op} repairs {key} at {node}", .cat = TC_MESSAGE},
	{.name = "anti-entropy", .text = "{key} copied to {node} by anti-entropy", .cat = TC_MESSAGE},
	{.name = "hint", .text = "{op} kept as a hint for {node}", .cat = TC_NODE},
	{.name = "handoff", .text = "{op} handed off from a hint", .cat = TC_MESSAGE},
	{0},
};

static const struct field quorum_options[] = {
	{.name = "n", .type = FT_U32, .offset = offsetof(struct quorum_opts, n), .def = "3",
	 .min = 1, .max = 64, .range = "1 to 64, at most `cluster.nodes`",
	 .help = "copies of each key"},
	{.name = "r", .type = FT_U32, .offset = offsetof(struct quorum_opts, r), .def = "2", .min = 1,
	 .max = 64, .range = "1 to n", .help = "replies a read waits for"},
	{.name = "w", .type = FT_U32, .offset = offsetof(struct quorum_opts, w), .def = "2", .min = 1,
	 .max = 64, .range = "1 to n", .help = "acknowledgements a write waits for"},
	{.name = "coordinator", .type = FT_ENUM, .offset = offsetof(struct quorum_opts, coordinator),
	 .choices = "replica|proxy", .def = "replica",
	 .help = "who coordinates: a node holding a copy (Dynamo, Riak), or an endpoint holding "
		 "none (a Cassandra coordinator; PBS's WARS model)"},
	{.name = "read_repair", .type = FT_BOOL, .offset = offsetof(struct quorum_opts, read_repair),
	 .def = "true",
	 .help = "once every copy asked has replied, send the merge to the copies that differ"},
	{.name = "hinted_handoff", .type = FT_BOOL,
	 .offset = offsetof(struct quorum_opts, hinted_handoff), .def = "false",
	 .help = "a write for a copy the coordinator cannot reach is kept there as a hint and sent "
		 "once it can (Cassandra's hints; they do not count towards w)"},
	{.name = "anti_entropy", .type = FT_DURATION,
	 .offset = offsetof(struct quorum_opts, anti_entropy), .def = "0", .min = 0, .max = 3.6e12,
	 .def_doc = "`0` (none)",
	 .help = "every period, each node exchanges differing copies with the next node in turn"},
	{.name = "fanout", .type = FT_ENUM, .offset = offsetof(struct quorum_opts, fanout),
	 .choices = "all|quorum", .def = "all",
	 .help = "send requests to all n copies, or writes to exactly w and reads to exactly r "
		 "copies drawn for the operation"},
	{0},
};

static const struct quorum_opts *opts_of(const struct world *w)
{
	return w->ropts;
}

static uint32_t quorum_copies(const struct run_config *cfg)
{
	return ((const struct quorum_opts *)cfg->ropts.bytes)->n;
}

static unsigned quorum_offers(const void *opts)
{
	const struct quorum_opts *o = opts;
	return o->coordinator == COORD_REPLICA ? REPL_ORDERS_ON_COPY : 0;
}

static int quorum_validate(const void *opts, const struct run_config *cfg, struct parse_error *e)
{
	const struct quorum_opts *o = opts;
	if (o->n > cfg->nodes)
		return units_fail(e, 0, "n (%u) must be at most cluster.nodes (%u)", o->n, cfg->nodes);
	if (o->r > o->n || o->w > o->n)
		return units_fail(e, 0, "r (%u) and w (%u) must be at most n (%u)", o->r, o->w, o->n);
	return 0;
}

/* ---- routing and sending ---- */

static uint32_t quorum_route(struct world *w, const struct msg *m)
{
	if (opts_of(w)->coordinator == COORD_PROXY)
		return EP_ID(EP_PROXY, 0);
	return EP_ID(EP_NODE, world_replica(w, m->key, m->client % w->ncopies));
}

static void to_client(struct node *n, struct msg *m)
{
	net_send(n->w, m, n->ep.id, EP_ID(EP_CLIENT, m->client));
}

/* Which copies a request of m goes to, besides the coordinator's own copy
 * j = self (UINT32_MAX for a proxy): every other copy, or (fanout: quorum)
 * `want` copies in all, the coordinator's own first, the rest drawn
 * uniformly for the operation.  Sets targets[j]. */
static void pick_targets(struct world *w, const struct msg *m, uint32_t self, uint32_t want,
			 bool *targets)
{
	uint32_t n = w->ncopies;
	bool all = opts_of(w)->fanout == FANOUT_ALL;
	for (uint32_t j = 0; j < n; j++)
		targets[j] = all && j != self;
	if (all)
		return;
	/* a uniform subset of the others: partial Fisher-Yates */
	uint32_t order[64], m_others = 0;
	for (uint32_t j = 0; j < n; j++)
		if (j != self)
			order[m_others++] = j;
	uint32_t need = self == UINT32_MAX ? want : want - 1;
	for (uint32_t i = 0; i < need && i < m_others; i++) {
		uint32_t k = i + coord_draw(w, m, 1 + i, m_others - i);
		uint32_t t = order[i];
		order[i] = order[k];
		order[k] = t;
		targets[order[i]] = true;
	}
}

static void send_to(struct node *n, struct msg *c, uint32_t j)
{
	struct world *w = n->w;
	uint32_t to = world_replica(w, c->key, j);
	c->replica = (uint16_t)j;
	node_trace2(n, c, QE_SEND, c->value, 0, to, NULL);
	net_send(w, c, n->ep.id, EP_ID(EP_NODE, to));
}

static struct creq *new_req(struct world *w, struct node *n, uint32_t key, bool is_read,
			    uint64_t *ref)
{
	*ref = coord_new(w, &w->coord, n->index, key, is_read);
	if (*ref == UINT64_MAX) {
		world_fail(w);
		return NULL;
	}
	return coord_get(&w->coord, (uint32_t)*ref, (uint32_t)(*ref >> 32));
}

/* ---- writes ---- */

/* With hinted_handoff, a write c for copy j the coordinator cannot reach
 * is kept as a hint; true if kept. */
static bool keep_hint(struct node *n, struct msg *c, uint32_t j)
{
	struct world *w = n->w;
	struct quorum_run *run = w->repl_state;
	uint32_t to = world_replica(w, c->key, j);
	bool reach = n->proxy ? fault_running(w, to) : fault_reachable(w, n->index, to);
	if (!opts_of(w)->hinted_handoff || !run->hints || reach)
		return false;
	c->replica = (uint16_t)j;
	c->peer_type = QU_HINT;
	node_trace2(n, c, QE_HINT, c->value, 0, to, NULL);
	c->next = run->hints[n->index];
	run->hints[n->index] = c;
	return true;
}

/* Sends every hint whose copy its coordinator can reach now. */
static void quorum_changed(struct world *w)
{
	struct quorum_run *run = w->repl_state;
	if (!run->hints)
		return;
	for (uint32_t i = 0; i < w->nnodes + w->nproxies; i++) {
		struct node *n = &w->nodes[i];
		if (n->ep.down || node_paused(n))
			continue;
		struct msg **pp = &run->hints[i];
		while (*pp) {
			struct msg *c = *pp;
			uint32_t to = world_replica(w, c->key, c->replica);
			bool reach = n->proxy ? fault_running(w, to) : fault_reachable(w, i, to);
			if (!reach) {
				pp = &c->next;
				continue;
			}
			*pp = c->next;
			c->next = NULL;
			net_send(w, c, n->ep.id, EP_ID(EP_NODE, to));
		}
	}
}

static void drop_hints(struct world *w, uint32_t i)
{
	struct quorum_run *run = w->repl_state;
	while (run->hints && run->hints[i]) {
		struct msg *c = run->hints[i];
		run->hints[i] = c->next;
		msg_free(&w->msgs, c);
	}
}

static void quorum_crashed(struct node *n)
{
	drop_hints(n->w, n->index);
}

/* The policy ordered write m on the coordinator's copy (or scratch). */
static void fan_out_write(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	uint32_t self = n->proxy ? UINT32_MAX : world_replica_index(w, m->key, n->index);
	bool targets[64];
	pick_targets(w, m, self, opts_of(w)->w, targets);
	uint64_t ref;
	struct creq *q = new_req(w, n, m->key, false, &ref);
	if (!q) {
		node_drop(n, m);
		return;
	}
	q->got = self != UINT32_MAX; /* the coordinator's own copy holds the write */
	q->needed = (uint16_t)opts_of(w)->w;
	for (uint32_t j = 0; j < w->ncopies; j++) {
		if (!targets[j])
			continue;
		struct msg *c = coord_peer(w, m, m->key, QU_WRITE, PEER_WRITE, ref, n->serving_ks);
		if (!c)
			break;
		if (keep_hint(n, c, j))
			continue;
		q->expected++;
		send_to(n, c, j);
	}
	if (q->got >= q->needed) {
		node_trace2(n, m, QE_QUORUM, m->value, q->got, 0, NULL);
		to_client(n, m);
	} else {
		q->client = m;
	}
	if (q->expected == 0)
		coord_end(w, &w->coord, q);
}

static void quorum_answered(struct node *n, struct msg *m, enum reply_status st)
{
	bool applied = m->type == MSG_WRITE_REPLY && st == ST_OK && m->version != HIST_NONE &&
		       !(m->flags & MSGF_DISCARDED);
	if (applied)
		fan_out_write(n, m);
	else
		to_client(n, m);
}

static void coordinate_write(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	if (!n->proxy) {
		node_serve(n, node_key_state(n, m->key), false, m);
		return;
	}
	/* a proxy orders the write on a scratch copy: the empty key */
	void *scratch = calloc(1, w->kss);
	if (!scratch) {
		world_fail(w);
		node_drop(n, m);
		return;
	}
	policy_key_init(w->policy, scratch, w->popts);
	node_serve(n, scratch, true, m);
	policy_key_free(w->policy, n, scratch);
	free(scratch);
}

/* ---- reads ---- */

/* Keeps reply copy (moved from a message, or exported) of copy j. */
static void take_reply(struct world *w, struct node *n, struct creq *q, uint32_t j, void *copy)
{
	size_t cs = policy_copy_size(w->policy);
	if (policy_merge(w->policy, n, q->scratch, copy) < 0)
		world_fail(w);
	if (q->have[j]) {
		policy_copy_drop(w->policy, copy);
		return;
	}
	memcpy(q->copies + j * cs, copy, cs);
	q->have[j] = 1;
}

/* The client is answered from the merge of the replies so far. */
static void answer_read(struct node *n, struct creq *q)
{
	struct msg *m = q->client;
	q->client = NULL;
	node_trace2(n, m, QE_QUORUM, m->value, q->got, 0, NULL);
	node_serve(n, q->scratch, true, m); /* -> node_reply -> answered -> to the client */
}

/* Every asked copy replied: repair the ones that differ from the merge. */
static void repair(struct node *n, struct creq *q)
{
	struct world *w = n->w;
	size_t cs = policy_copy_size(w->policy);
	const uint32_t *a, *b;
	uint32_t na = policy_state(w->policy, q->scratch, &a);
	for (uint32_t j = 0; j < w->ncopies; j++) {
		if (!q->have[j])
			continue;
		uint32_t nb = policy_state(w->policy, q->copies + j * cs, &b);
		if (na == nb && (na == 0 || memcmp(a, b, na * sizeof(*a)) == 0))
			continue;
		uint32_t to = world_replica(w, q->key, j);
		w->stats.read_repairs++;
		if (to == n->index) {
			struct msg t = {.key = q->key, .op_id = q->op_id, .version = HIST_NONE};
			node_trace2(n, &t, QE_REPAIR, -1, 0, to, NULL);
			node_merge(n, q->key, node_key_state(n, q->key), q->scratch);
			continue;
		}
		/* a message outside the operation (its draws are the background's),
		 * named after the read it repairs in traces */
		struct msg *c = coord_peer(w, NULL, q->key, QU_REPAIR, PEER_WRITE, UINT64_MAX, q->scratch);
		if (!c)
			return;
		c->op_id = q->op_id;
		c->replica = (uint16_t)j;
		node_trace2(n, c, QE_REPAIR, -1, 0, to, NULL);
		net_send(w, c, n->ep.id, EP_ID(EP_NODE, to));
	}
}

static void end_read(struct node *n, struct creq *q)
{
	if (opts_of(n->w)->read_repair)
		repair(n, q);
	coord_end(n->w, &n->w->coord, q);
}

static void coordinate_read(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	uint32_t self = n->proxy ? UINT32_MAX : world_replica_index(w, m->key, n->index);
	bool targets[64];
	pick_targets(w, m, self, opts_of(w)->r, targets);
	uint64_t ref;
	struct creq *q = new_req(w, n, m->key, true, &ref);
	if (!q) {
		node_drop(n, m);
		return;
	}
	q->needed = (uint16_t)opts_of(w)->r;
	q->client = m;
	q->op_id = m->op_id;
	if (self != UINT32_MAX) { /* the coordinator's own copy replies at once */
		unsigned char copy[sizeof(union policy_ctx)];
		policy_copy_export(w->policy, node_key_state(n, m->key), copy);
		take_reply(w, n, q, self, copy);
		q->got = 1;
	}
	for (uint32_t j = 0; j < w->ncopies; j++) {
		if (!targets[j])
			continue;
		struct msg *c = coord_peer(w, m, m->key, QU_READ, PEER_READ, ref, NULL);
		if (!c)
			break;
		q->expected++;
		send_to(n, c, j);
	}
	if (q->got >= q->needed)
		answer_read(n, q);
	if (q->expected == 0)
		end_read(n, q);
}

/* ---- at a replica, and back at the coordinator ---- */

static void reply_to(struct node *n, struct msg *c, uint8_t type, enum peer_class cls)
{
	c->peer_type = type;
	c->cls = (uint8_t)cls;
	c->step = (uint16_t)(STEP_PEER + type);
	net_send(n->w, c, n->ep.id, c->src);
}

static void replica_write(struct node *n, struct msg *c)
{
	node_merge(n, c->key, node_key_state(n, c->key), c->ctx.bytes);
	node_trace2(n, c, QE_APPLY, c->value, 0, 0, NULL);
	policy_copy_drop(n->w->policy, c->ctx.bytes);
	memset(&c->ctx, 0, sizeof(c->ctx));
	c->flags &= (uint8_t)~MSGF_COPY;
	reply_to(n, c, QU_ACK, PEER_ACK);
}

static void replica_read(struct node *n, struct msg *c)
{
	policy_copy_export(n->w->policy, node_key_state(n, c->key), c->ctx.bytes);
	c->flags |= MSGF_COPY;
	reply_to(n, c, QU_REPLY, PEER_REPLY);
}

static void coordinator_ack(struct node *n, struct msg *c)
{
	struct world *w = n->w;
	struct creq *q = coord_get(&w->coord, c->req, c->req_gen);
	if (q) {
		q->got++;
		q->closed++;
		node_trace2(n, c, QE_ACK, c->value, q->got, EP_INDEX(c->src), NULL);
		if (q->client && q->got >= q->needed) {
			node_trace2(n, q->client, QE_QUORUM, q->client->value, q->got, 0, NULL);
			to_client(n, q->client);
			q->client = NULL;
		}
		if (q->closed >= q->expected)
			coord_end(w, &w->coord, q);
	}
	msg_free(&w->msgs, c);
}

static void coordinator_reply(struct node *n, struct msg *c)
{
	struct world *w = n->w;
	struct creq *q = coord_get(&w->coord, c->req, c->req_gen);
	if (q) {
		unsigned char copy[sizeof(union policy_ctx)];
		coord_take_copy(w, c, copy);
		take_reply(w, n, q, c->replica, copy);
		q->got++;
		q->closed++;
		node_trace2(n, c, QE_REPLY, -1, q->got, EP_INDEX(c->src), NULL);
		if (q->client && q->got >= q->needed)
			answer_read(n, q);
		if (q->closed >= q->expected)
			end_read(n, q);
	}
	msg_free(&w->msgs, c);
}

/* ---- anti-entropy ---- */

/* Sends node n's copy of key k to node peer (copy index b there) as a
 * message of kind `type`, if the two copies differ; returns 1 if sent. */
static uint64_t send_if_differs(struct world *w, struct node *n, uint32_t k, uint32_t peer,
				uint8_t type)
{
	uint32_t a = world_replica_index(w, k, n->index), b = world_replica_index(w, k, peer);
	if (a == UINT32_MAX || b == UINT32_MAX)
		return 0;
	const uint32_t *x, *y;
	uint32_t nx = policy_state(w->policy, world_copy(w, k, a), &x);
	uint32_t ny = policy_state(w->policy, world_copy(w, k, b), &y);
	if (nx == ny && (nx == 0 || memcmp(x, y, nx * sizeof(*x)) == 0))
		return 0;
	struct msg *c = coord_peer(w, NULL, k, type, PEER_WRITE, UINT64_MAX, world_copy(w, k, a));
	if (!c)
		return 0;
	c->replica = (uint16_t)b;
	node_trace2(n, c, QE_AE, -1, 0, peer, NULL);
	net_send(w, c, n->ep.id, EP_ID(EP_NODE, peer));
	w->stats.ae_transfers++;
	return 1;
}

/* Kernel event: node arg's anti-entropy round: a digest to the next node
 * in turn (the digest's content is the keys' version lists, compared when
 * it arrives). */
static void ae_round(struct kernel *k, void *world, uint64_t arg)
{
	struct world *w = world;
	struct quorum_run *run = w->repl_state;
	struct node *n = &w->nodes[arg];
	run->ae[arg] = kernel_schedule(k, opts_of(w)->anti_entropy, ae_round, w, arg);
	if (w->nnodes < 2)
		return;
	uint32_t peer = (uint32_t)(arg + 1 + run->turn[arg]++ % (w->nnodes - 1)) % w->nnodes;
	struct msg *d = coord_peer(w, NULL, 0, QU_DIGEST, PEER_WRITE, UINT64_MAX, NULL);
	if (d)
		net_send(w, d, n->ep.id, EP_ID(EP_NODE, peer));
}

static void quorum_serve(struct node *n, struct msg *m)
{
	struct world *w = n->w;
	switch (m->type) {
	case MSG_READ:
		coordinate_read(n, m);
		return;
	case MSG_WRITE:
		coordinate_write(n, m);
		return;
	case MSG_PEER:
		break;
	default:
		node_drop(n, m);
		return;
	}
	switch (m->peer_type) {
	case QU_WRITE:
		replica_write(n, m);
		return;
	case QU_ACK:
		coordinator_ack(n, m);
		return;
	case QU_READ:
		replica_read(n, m);
		return;
	case QU_REPLY:
		coordinator_reply(n, m);
		return;
	case QU_HINT:
		node_merge(n, m->key, node_key_state(n, m->key), m->ctx.bytes);
		node_trace2(n, m, QE_HANDOFF, m->value, 0, 0, NULL);
		w->stats.hints_delivered++;
		node_drop(n, m);
		return;
	case QU_REPAIR:
	case QU_AE:
	case QU_AE_BACK:
		node_merge(n, m->key, node_key_state(n, m->key), m->ctx.bytes);
		if (m->peer_type == QU_AE) /* and the merge back, if it differs */
			send_if_differs(w, n, m->key, EP_INDEX(m->src), QU_AE_BACK);
		node_drop(n, m);
		return;
	case QU_DIGEST:
		/* the keys this node and the sender hold differently: ours to
		 * them (each merge there sends the merge back) */
		for (uint32_t k = 0; k < w->cfg->keys; k++)
			send_if_differs(w, n, k, EP_INDEX(m->src), QU_AE);
		node_drop(n, m);
		return;
	default:
		node_drop(n, m);
	}
}

/* ---- the run ---- */

static int quorum_init(struct world *w)
{
	struct quorum_run *run = w->repl_state;
	if (w->cfg->nfaults > 0 && opts_of(w)->hinted_handoff) {
		run->hints = calloc(w->nnodes + w->nproxies, sizeof(*run->hints));
		if (!run->hints)
			return -1;
	}
	if (opts_of(w)->anti_entropy <= 0)
		return 0;
	run->ae = calloc(w->nnodes, sizeof(*run->ae));
	run->turn = calloc(w->nnodes, sizeof(*run->turn));
	if (!run->ae || !run->turn)
		return -1;
	/* rounds are staggered over the period, node by node */
	for (uint32_t i = 0; i < w->nnodes; i++)
		run->ae[i] = kernel_schedule(w->k, opts_of(w)->anti_entropy * (i + 1) / w->nnodes,
					     ae_round, w, i);
	return 0;
}

static void quorum_stop(struct world *w)
{
	struct quorum_run *run = w->repl_state;
	for (uint32_t i = 0; run->ae && i < w->nnodes; i++) {
		kernel_cancel(w->k, run->ae[i]);
		run->ae[i] = KERNEL_NO_EVENT;
	}
}

static void quorum_free(struct world *w)
{
	struct quorum_run *run = w->repl_state;
	for (uint32_t i = 0; run->hints && i < w->nnodes + w->nproxies; i++)
		drop_hints(w, i);
	free(run->hints);
	free(run->ae);
	free(run->turn);
}

/* The end of the run: every copy of a key the copies disagree on is sent
 * to every other copy; after they land, all hold the merge. */
static uint64_t quorum_settle(struct world *w)
{
	uint64_t sent = 0;
	for (uint32_t k = 0; k < w->cfg->keys; k++) {
		if (world_copies_agree(w, k))
			continue;
		for (uint32_t a = 0; a < w->ncopies; a++)
			for (uint32_t b = 0; b < w->ncopies; b++) {
				if (a == b)
					continue;
				struct msg *c = coord_peer(w, NULL, k, QU_REPAIR, PEER_WRITE, UINT64_MAX,
							   world_copy(w, k, a));
				if (!c)
					return sent;
				c->replica = (uint16_t)b;
				net_send(w, c, EP_ID(EP_NODE, world_replica(w, k, a)),
					 EP_ID(EP_NODE, world_replica(w, k, b)));
				w->stats.ae_transfers++;
				sent++;
			}
	}
	return sent;
}

const struct repl repl_quorum = {
	.name = "quorum",
	.summary = "leaderless: a coordinator writes to n copies and answers after w, reads after r",
	.options = quorum_options,
	.options_size = sizeof(struct quorum_opts),
	.validate = quorum_validate,
	.events = quorum_events,
	.run_state_size = sizeof(struct quorum_run),
	.copies = quorum_copies,
	.offers = quorum_offers,
	.route = quorum_route,
	.serve = quorum_serve,
	.answered = quorum_answered,
	.init = quorum_init,
	.free = quorum_free,
	.settle = quorum_settle,
	.stop = quorum_stop,
	.crashed = quorum_crashed,
	.changed = quorum_changed,
};
