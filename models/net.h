/*
 * net.h - endpoints and the network between them.
 *
 * An endpoint is anything that sends and receives messages: a client, a
 * store node, a proxy coordinator, a lock service.  Each begins with a
 * struct endpoint (as libuv's handles begin with uv_handle_t), and the
 * network moves messages between endpoint ids knowing nothing else of
 * them: the world delivers a message to its destination's kind.
 *
 * Latency.  Each message takes a one-way latency drawn for its link
 * (source, destination): client <-> node links from network.latency,
 * node <-> node links from network.peer, per message class (msg.cls, an
 * enum peer_class of config.h: the WARS model's write, ack, read and
 * reply).  The draw is keyed, not taken in
 * sequence: it is a function of the run seed, the link and the message's
 * place in its operation (client, the client's operation number, attempt,
 * step; rng.h), so the same operation draws the same latencies under every
 * policy (common random numbers), and adding an endpoint changes no other
 * link's draws.
 */
#ifndef CLOBBER_NET_H
#define CLOBBER_NET_H

#include <stdbool.h>
#include <stdint.h>

struct world;
struct msg;

enum ep_kind {
	EP_CLIENT,
	EP_NODE,
	EP_PROXY,   /* a coordinator that holds no copy */
	EP_SERVICE, /* a lock service */
};

#define EP_ID(kind, index) ((uint32_t)(kind) << 28 | (uint32_t)(index))
#define EP_KIND(id) ((uint32_t)(id) >> 28)
#define EP_INDEX(id) ((uint32_t)(id) & 0x0fffffffu)
#define EP_NONE UINT32_MAX

struct endpoint {
	uint32_t id;	      /* EP_ID(kind, index) */
	uint32_t incarnation; /* bumped by each crash */
	bool down;	      /* crashed, not restarted */
};

struct net_stats {
	uint64_t sent; /* messages sent */
	uint64_t lost; /* of which dropped (loss, partition, a down endpoint) */
};

/* Sends m from endpoint src to endpoint dst, after its link's latency.
 * The network owns m until it is delivered. */
void net_send(struct world *w, struct msg *m, uint32_t src, uint32_t dst);

#endif
