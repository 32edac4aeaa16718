/*
 * net.c - sending a message over its link: the keyed latency draw, and
 * delivery to the destination endpoint.  See net.h.
 */
#include "models/net.h"

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

void net_send(struct world *w, struct msg *m, uint32_t src, uint32_t dst)
{
	m->src = src;
	m->dst = dst;
	w->net.sent++;
	const struct dist *d = link_latency(w, m);
	int64_t lat;
	if (dist_is_const(d)) {
		lat = dist_sample_ns(d, NULL);
	} else {
		struct rng_stream s;
		rng_stream_init(&s, world_msg_key(w, RNG_LINK, src, dst, m));
		lat = dist_sample_ns(d, &s.rng);
	}
	kernel_schedule(w->k, lat, net_arrive, w, (uint64_t)(uintptr_t)m);
}
