/*
 * repl.h - the contract of a replication strategy: how copies of a key are
 * kept, where a client's request goes, who answers it and when.
 *
 * A strategy is one `const struct repl` in its own file (models/repl_*.c)
 * and one line in registry.c, beside the policies' table and never inside
 * it (as SQLite keeps sqlite3_vfs and sqlite3_module apart).  A strategy
 * decides where messages go and when a client is answered; a policy
 * decides what one copy of a key does with a write.  Neither names the
 * other's internals: a strategy calls the policy only through node_serve()
 * and node_merge() (node.h), and the models call a strategy only through
 * the repl_* wrappers below.
 *
 * What the models guarantee a strategy:
 *  - route() is asked once per request a client sends, and the request
 *    goes to the endpoint it returns.
 *  - serve() is called for every message a node has finished serving
 *    (client requests and the strategy's own peer messages), in the node's
 *    FIFO order; the strategy owns the message from then on.
 *  - answered() is called when the policy, serving a request on a node,
 *    has decided (node_reply): the strategy turns the request into its
 *    reply and sends it on, now or when enough copies have answered.
 */
#ifndef CLOBBER_REPL_H
#define CLOBBER_REPL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/msg.h"
#include "sim/core/field.h"
#include "sim/core/metric.h"
#include "sim/truth/record.h"

struct node;
struct world;
struct run_config;
struct policy;

/* What a strategy offers a policy (the `offers` slot; see enum
 * policy_needs). */
enum repl_offers {
	REPL_HAS_PRIMARY = 0x1,	   /* one node orders each key's writes */
	REPL_ORDERS_ON_COPY = 0x2, /* writes are ordered on a copy of the key */
};

struct repl {
	const char *name;
	const char *summary;
	const struct field *options; /* ends with a NULL name */
	size_t options_size;	     /* <= REPL_OPTS_MAX */
	/* Optional: checks the options against the run, and whether the
	 * policy can run on this strategy.  Returns 0, or -1 with e filled. */
	int (*validate)(const void *opts, const struct run_config *cfg, struct parse_error *e);
	/* Its own metrics (NULL-terminated), filled by report(). */
	const struct metric_info *metrics;
	/* Its own trace events, TR_REPL + index. */
	const struct trace_vocab *events;
	size_t run_state_size;

	/* Copies of each key. */
	uint32_t (*copies)(const struct run_config *cfg);
	/* What it offers a policy, with these options (enum repl_offers). */
	unsigned (*offers)(const void *opts);
	/* The endpoint a client's request m goes to. */
	uint32_t (*route)(struct world *w, const struct msg *m);
	/* Node n has served message m. */
	void (*serve)(struct node *n, struct msg *m);
	/* The policy has answered request m at node n with status st. */
	void (*answered)(struct node *n, struct msg *m, enum reply_status st);
	/* Optional: fills values[] for `metrics`. */
	void (*report)(const struct world *w, double *values);

	/* Optional: sets up and frees the strategy's state of a world (its
	 * run_state_size bytes are zeroed before init). */
	int (*init)(struct world *w);
	void (*free)(struct world *w);
	/* Optional: the place in its partition's order of write m, being
	 * applied at node n (where it is ordered), taken once per write
	 * (m->seq_no keeps it); default: a counter of the node. */
	uint64_t (*order)(struct node *n, struct msg *m);
	/* Optional: the term of key's partition as node n knows it; default 1. */
	uint64_t (*term)(const struct node *n, uint32_t key);
	/* Optional: the run's operations are over and no message is in
	 * flight, but some key's copies disagree: sends what makes them agree
	 * and returns how many messages it sent (0: it cannot help). */
	uint64_t (*settle)(struct world *w);
	/* Optional: the run is over: cancel the strategy's timers. */
	void (*stop)(struct world *w);
};

/* The wrappers.  repl_order() returns m->seq_no once set, so a write is
 * ordered once; repl_settle() returns 0 for a strategy without the slot. */
unsigned repl_offers(const struct repl *r, const void *opts);
int repl_init(const struct repl *r, struct world *w);
void repl_free(const struct repl *r, struct world *w);
uint64_t repl_order(const struct repl *r, struct node *n, struct msg *m);
uint64_t repl_term(const struct repl *r, const struct node *n, uint32_t key);
uint64_t repl_settle(const struct repl *r, struct world *w);
void repl_stop(const struct repl *r, struct world *w);
uint32_t repl_copies(const struct repl *r, const struct run_config *cfg);
uint32_t repl_route(const struct repl *r, struct world *w, const struct msg *m);
void repl_serve(const struct repl *r, struct node *n, struct msg *m);
void repl_answered(const struct repl *r, struct node *n, struct msg *m, enum reply_status st);
void repl_report(const struct repl *r, const struct world *w, double *values);
int repl_validate(const struct repl *r, const void *opts, const struct run_config *cfg,
		  struct parse_error *e);
const struct trace_vocab *repl_event(const struct repl *r, unsigned code);

/* Sets every option to its default; sets option `name` from text. */
int repl_defaults(const struct repl *r, void *opts);
int repl_set_option(const struct repl *r, void *opts, const char *name, const char *value,
		    struct parse_error *e);

#endif
