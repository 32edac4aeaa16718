/*
 * repl.c - the wrappers through which the models call a replication
 * strategy, and its options.
 */
#include "models/repl.h"

#include <string.h>

#include "models/node.h"

const struct trace_vocab *repl_event(const struct repl *r, unsigned code)
{
	return code < TR_REPL ? NULL : trace_vocab_at(r->events, code - TR_REPL);
}

uint32_t repl_copies(const struct repl *r, const struct run_config *cfg)
{
	return r->copies ? r->copies(cfg) : 1;
}

uint32_t repl_route(const struct repl *r, struct world *w, const struct msg *m)
{
	return r->route(w, m);
}

void repl_serve(const struct repl *r, struct node *n, struct msg *m)
{
	r->serve(n, m);
}

void repl_answered(const struct repl *r, struct node *n, struct msg *m, enum reply_status st)
{
	r->answered(n, m, st);
}

void repl_report(const struct repl *r, const struct world *w, double *values)
{
	if (r->report)
		r->report(w, values);
}

unsigned repl_offers(const struct repl *r, const void *opts)
{
	return r->offers ? r->offers(opts) : 0;
}

int repl_init(const struct repl *r, struct world *w)
{
	return r->init ? r->init(w) : 0;
}

void repl_free(const struct repl *r, struct world *w)
{
	if (r->free)
		r->free(w);
}

uint64_t repl_order(const struct repl *r, struct node *n, struct msg *m)
{
	if (m->seq_no)
		return m->seq_no;
	m->seq_no = r->order ? r->order(n, m) : ++n->seq;
	return m->seq_no;
}

uint64_t repl_term(const struct repl *r, const struct node *n, uint32_t key)
{
	return r->term ? r->term(n, key) : 1;
}

uint64_t repl_settle(const struct repl *r, struct world *w)
{
	return r->settle ? r->settle(w) : 0;
}

void repl_stop(const struct repl *r, struct world *w)
{
	if (r->stop)
		r->stop(w);
}

int repl_validate(const struct repl *r, const void *opts, const struct run_config *cfg,
		  struct parse_error *e)
{
	return r->validate ? r->validate(opts, cfg, e) : 0;
}

int repl_defaults(const struct repl *r, void *opts)
{
	memset(opts, 0, r->options_size);
	return field_defaults(r->options, opts);
}

int repl_set_option(const struct repl *r, void *opts, const char *name, const char *value,
		    struct parse_error *e)
{
	return field_set(r->options, opts, r->name, name, value, e);
}
