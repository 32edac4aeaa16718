/*
 * repl_none.c - no replication: each key has one copy, on one node (with
 * several nodes the keys are spread over them, one copy each).  A request
 * goes to the key's node, the policy serves it there, and the node
 * answers the client at once.  With one node this is the single store of
 * design sections 2-8.
 */
#include "models/repl.h"
#include "models/world.h"

static uint32_t none_route(struct world *w, const struct msg *m)
{
	return EP_ID(EP_NODE, world_replica(w, m->key, 0));
}

static void none_serve(struct node *n, struct msg *m)
{
	if (m->type == MSG_PEER) {
		node_drop(n, m);
		return;
	}
	node_serve(n, node_key_state(n, m->key), false, m);
}

static void none_answered(struct node *n, struct msg *m, enum reply_status st)
{
	(void)st;
	net_send(n->w, m, n->ep.id, EP_ID(EP_CLIENT, m->client));
}

static unsigned none_offers(const void *opts)
{
	(void)opts;
	return REPL_HAS_PRIMARY | REPL_ORDERS_ON_COPY; /* the key's one node */
}

const struct repl repl_none = {
	.name = "none",
	.summary = "one copy of each key, on one node: the node answers at once",
	.offers = none_offers,
	.route = none_route,
	.serve = none_serve,
	.answered = none_answered,
};
