/*
 * net.c - sending a message over its link: the keyed latency draw, and
 * delivery to the destination endpoint.  See net.h.
 */
#include "models/net.h"

#include "models/fault.h"
#include "models/world.h"
#include "sim/core/dist.h"
#include "sim/core/rng.h"

/* Kernel event: message arg reaches its destination. */
static void net_arrive(struct kernel *k, void *world, uint64_t arg)
{
	(void)k;
	world_deliver(world, (struct msg *)(uintptr_t)arg);
}

/* The latency distribution of a message on its link: between nodes (a
 * proxy counts as a node) by the message's class, else the client's. */
static const struct dist *link_latency(const struct world *w, const struct msg *m)
{
	if (EP_KIND(m->src) != EP_CLIENT && EP_KIND(m->dst) != EP_CLIENT && m->cls < PEER_NCLASSES)
		return &w->cfg->peer[m->cls];
	return &w->cfg->latency;
}

/* The stream seed of link (src, dst), rng_stream_seed(seed, RNG_LINK,
 * src, dst), kept per client for its links to and from one node (the
 * links nearly every message takes). */
static uint64_t link_seed(struct world *w, uint32_t src, uint32_t dst)
{
	struct client *c = NULL;
	uint32_t other = EP_NONE;
	bool up = EP_KIND(src) == EP_CLIENT;
	if (up && EP_INDEX(src) < w->nclients) {
		c = &w->clients[EP_INDEX(src)];
		other = dst;
	} else if (EP_KIND(dst) == EP_CLIENT && EP_INDEX(dst) < w->nclients) {
		c = &w->clients[EP_INDEX(dst)];
		other = src;
	}
	if (!c)
		return rng_stream_seed(w->cfg->seed, RNG_LINK, src, dst);
	if (c->link_peer != other) {
		c->link_peer = other;
		c->link_up = rng_stream_seed(w->cfg->seed, RNG_LINK, c->ep.id, other);
		c->link_down = rng_stream_seed(w->cfg->seed, RNG_LINK, other, c->ep.id);
	}
	return up ? c->link_up : c->link_down;
}

void net_send(struct world *w, struct msg *m, uint32_t src, uint32_t dst)
{
	m->src = src;
	m->dst = dst;
	w->net.sent++;
	const struct dist *d = link_latency(w, m);
	int64_t lat = dist_is_const(d) ? dist_sample_ns(d, NULL)
				       : dist_keyed_ns(d, world_msg_key_from(link_seed(w, src, dst), m));
	/* a lost message still takes its latency, and is dropped on arrival,
	 * so that the end of the run is detected where messages arrive */
	if (w->fault && fault_drops(w, m, src, dst))
		m->flags |= MSGF_LOST;
	if (w->fault) {
		const struct node *from = world_node_of(w, src);
		m->src_incarnation = from ? from->ep.incarnation : 0;
	}
	int64_t at = world_now(w) + lat;
	if (w->fuse && !w->ahead && EP_KIND(dst) == EP_CLIENT && client_may_run_ahead(w, m, at)) {
		/* the client does now what it would do when m arrives; the
		 * arrival that is not scheduled keeps its place in the order
		 * (the sequence number it would have had), for client.c */
		w->ahead = true;
		w->vnow = at;
		w->ahead_born = kernel_now(w->k);
		w->ahead_seq = kernel_reserve_seq(w->k);
		if (at > w->t_last)
			w->t_last = at;
		client_receive(w, m);
		w->ahead = false;
		return;
	}
	world_schedule(w, lat, net_arrive, w, (uint64_t)(uintptr_t)m);
}
