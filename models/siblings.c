/*
 * siblings.c - keep concurrent writes as siblings, tracked by causal
 * context; clients merge them.
 *
 * The store accepts every write.  A read returns all siblings and a causal
 * context; a write carries the context it read, and the store replaces the
 * siblings that context has seen, keeping the others beside the new value.
 * A client that reads several siblings merges them (merge) and writes the
 * result back with the merged context.
 *
 * clock: client  one vector-clock entry per client (the client's write
 *                sequence number as its counter); each sibling has its own
 *                clock; clocks grow with the number of clients.  A write
 *                replaces the siblings its new clock descends; if an existing
 *                sibling descends it, the write is obsolete and is
 *                acknowledged but dropped.
 *        vnode   one entry per store node: the object has one clock for all
 *                siblings.  A write whose context descends the object's clock
 *                saw everything and replaces all siblings; any other write
 *                cannot tell which siblings it saw and is added beside all
 *                of them: siblings pile up (Riak's sibling explosion).
 *        dvv     dotted version vectors: each sibling keeps the dot of the
 *                write that made it, and a write replaces exactly the
 *                siblings whose dots its context covers.
 * merge: union   the application merges correctly (set union; a counter as
 *                its set of increments): the write includes every sibling.
 *        max     keep the sibling with the largest value, lose the others.
 *        lww     keep the sibling with the latest timestamp, lose the others.
 * prune          Riak's vector-clock pruning (vclock.h), applied to client
 *                and vnode clocks when the store stores them: after the
 *                write has been compared with the siblings, so pruning
 *                shortens the clocks readers get back without making a
 *                write look concurrent with what it read.
 *
 * A sibling set is immutable and reference counted: a write builds a new
 * set (copy-on-write), and read replies hold a reference to the set they
 * returned until the client has merged it.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "models/config.h"
#include "models/node.h"
#include "models/policy.h"
#include "models/vclock.h"
#include "sim/core/kernel.h"
#include "sim/core/units.h"

enum { CLOCK_CLIENT, CLOCK_VNODE, CLOCK_DVV };
enum { MERGE_UNION, MERGE_MAX, MERGE_LWW };

#define NODE_ACTOR 0x80000000u /* node i's actor id is NODE_ACTOR | i */

struct sib_opts {
	int clock;
	int merge;
	int64_t small, big, young, old;
};

struct sibling {
	uint32_t version;
	int64_t value;	       /* scalar value (merge max/lww); -1 with union */
	int64_t stamp;	       /* writer's clock when it wrote (merge lww) */
	struct vclock *clock;  /* clock: client */
	uint32_t dot_actor;    /* clock: dvv */
	uint32_t dot_counter;
	uint32_t writer;       /* clock: client: the writing client (its actor) */
	uint32_t ctx_self;     /* clock: client: its context's entry for its own actor */
};

struct sibset {
	uint32_t refs;
	uint32_t n;
	uint32_t cap;		 /* siblings it has room for */
	struct vclock *objclock; /* vnode: the object's clock; dvv: join of all */
	uint32_t *ids;		 /* version ids, for the `state` slot */
	struct sibling sib[];
};

struct sib_key {
	struct sibset *set; /* NULL: never written */
};

struct sib_ctx {
	struct sibset *set;   /* read reply: the siblings read (a reference) */
	struct vclock *clock; /* the causal context (a reference) */
	int64_t stamp;	      /* write: the writer's clock */
	uint64_t seq;	      /* write: the writer's sequence number, its
				 counter in client vector clocks */
};
_Static_assert(sizeof(struct sib_ctx) <= sizeof(union policy_ctx), "ctx too big");

struct sib_run {
	uint64_t contexts;	/* read replies */
	uint64_t entries_sum;	/* vector-clock entries in their contexts */
	uint32_t entries_max;
	uint64_t obsolete;	/* writes dropped because a sibling descended them */
	uint64_t pruned;	/* entries dropped by pruning */
	uint64_t false_desc;	/* writes decided by their client's own counter alone */
};

static const struct field sib_options[] = {
	{.name = "clock", .type = FT_ENUM, .choices = "client|vnode|dvv", .def = "dvv",
	 .help = "the causal context (below)",
	 .offset = offsetof(struct sib_opts, clock)},
	{.name = "merge", .type = FT_ENUM, .choices = "union|max|lww", .def = "union",
	 .help = "how a client merges the siblings it read (below)",
	 .offset = offsetof(struct sib_opts, merge)},
	{.name = "prune.small", .type = FT_COUNT, .def = "50",
	 .help = "vector clocks with at most this many entries are never pruned",
	 .offset = offsetof(struct sib_opts, small), .min = 0, .max = 1e9},
	{.name = "prune.big", .type = FT_COUNT, .def = "50",
	 .help = "entries beyond this many are pruned, oldest first, once older than `prune.young`",
	 .range = "0 to 1000000000, at least `prune.small`",
	 .offset = offsetof(struct sib_opts, big), .min = 0, .max = 1e9},
	{.name = "prune.young", .type = FT_DURATION, .def = "20s",
	 .help = "entries younger than this are never pruned",
	 .offset = offsetof(struct sib_opts, young), .min = 0, .max = 3.2e18},
	{.name = "prune.old", .type = FT_DURATION, .def = "86400s",
	 .help = "entries older than this are pruned whatever the clock's size",
	 .range = "0 to 3200000000s, at least `prune.young`",
	 .offset = offsetof(struct sib_opts, old), .min = 0, .max = 3.2e18},
	{0},
};

static const struct metric_info sib_metrics[] = {
	{"siblings_max", "",
	 "the most versions a key held in a successful read reply (plain reads and the reads of "
	 "read-modify-writes; a key never written holds 0)",
	 0, NULL},
	{"siblings_mean", "", "the mean of that number over all successful read replies", METRIC_CHART,
	 "siblings per read"},
	{"vclock_entries_max", "", "the most entries in the causal context returned with a read", 0,
	 NULL},
	{"vclock_entries_mean", "", "the mean number of entries in those contexts",
	 METRIC_CHART, "causal context size"},
	{"obsolete_writes", "",
	 "writes acknowledged but dropped because an existing sibling already descended them "
	 "(`clock: client`)",
	 0, NULL},
	{"pruned_entries", "", "vector-clock entries dropped by pruning", 0, NULL},
	{"false_descendants", "",
	 "`clock: client`: writes cut by a write of the same client that had not read them (siblings "
	 "it replaced, or itself dropped as obsolete beside a later one): concurrent operations of "
	 "one client share its actor (Riak's client-id vector clocks)",
	 0, NULL},
	{0},
};

enum { SB_SIBLING = TR_POLICY };

static const struct trace_vocab sib_events[] = {
	{.name = "sibling", .text = "{op} kept beside: {aux} siblings", .mark = "SIBLINGS",
	 .cat = TC_SIBLING, .shows_lost = true},
	{0},
};

static int sib_validate(const void *opts, struct parse_error *e)
{
	const struct sib_opts *o = opts;
	if (o->big < o->small)
		return units_fail(e, 0, "prune.big (%lld) must be at least prune.small (%lld)",
				  (long long)o->big, (long long)o->small);
	if (o->old < o->young)
		return units_fail(e, 0, "prune.old must be at least prune.young");
	return 0;
}

/* ---- sibling sets ---- */

/* A set with room for cap siblings (n = 0). */
static struct sibset *set_new(uint32_t cap)
{
	struct sibset *s = malloc(sizeof(*s) + cap * sizeof(s->sib[0]) + cap * sizeof(uint32_t));
	if (!s)
		return NULL;
	s->refs = 1;
	s->n = 0;
	s->cap = cap;
	s->objclock = NULL;
	s->ids = (uint32_t *)(void *)(s->sib + cap);
	return s;
}

static void set_unref(struct sibset *s)
{
	if (!s || --s->refs > 0)
		return;
	for (uint32_t i = 0; i < s->n; i++)
		vclock_unref(s->sib[i].clock);
	vclock_unref(s->objclock);
	free(s);
}

static void sib_key_free(struct node *n, void *ks)
{
	(void)n;
	struct sib_key *k = ks;
	set_unref(k->set);
	k->set = NULL;
}

static uint32_t sib_state(const void *ks, const uint32_t **versions)
{
	const struct sib_key *k = ks;
	if (!k->set) {
		*versions = NULL;
		return 0;
	}
	*versions = k->set->ids;
	return k->set->n;
}

/* A key's scalar value: that of its one sibling; -1 (no scalar) when it
 * holds several, or when merge union keeps no scalar values. */
static int64_t sib_value(const void *ks)
{
	const struct sib_key *k = ks;
	if (!k->set || k->set->n == 0)
		return 0;
	return k->set->n == 1 ? k->set->sib[0].value : -1;
}

static void sib_ctx_drop(union policy_ctx *ctx)
{
	struct sib_ctx *c = (struct sib_ctx *)ctx->bytes;
	set_unref(c->set);
	vclock_unref(c->clock);
	c->set = NULL;
	c->clock = NULL;
}

/* ---- store side ---- */

static void sib_serve_read(struct node *s, void *ks, struct msg *m)
{
	const struct sib_opts *o = node_opts(s);
	struct sib_run *run = node_run_state(s);
	struct sib_key *k = ks;
	struct sib_ctx *c = (struct sib_ctx *)m->ctx.bytes;
	sib_ctx_drop(&m->ctx);
	struct sibset *set = k->set;
	if (set) {
		set->refs++;
		c->set = set;
		if (o->clock == CLOCK_CLIENT) {
			/* The context is the join of the siblings' clocks. */
			struct vclock *ctx = vclock_ref(set->n ? set->sib[0].clock : NULL);
			for (uint32_t i = 1; i < set->n; i++) {
				int err = 0;
				struct vclock *j = vclock_join(ctx, set->sib[i].clock, &err);
				vclock_unref(ctx);
				ctx = j;
				if (err) {
					node_fail(s);
					break;
				}
			}
			c->clock = ctx;
		} else {
			c->clock = vclock_ref(set->objclock);
		}
	}
	uint32_t entries = vclock_size(c->clock);
	run->contexts++;
	run->entries_sum += entries;
	if (entries > run->entries_max)
		run->entries_max = entries;
	m->value = set && set->n ? set->sib[0].value : 0;
	node_reply(s, m, ST_OK);
}

/* For traces: "clock {c0:1,c2:1}", or "clock {c0:1,c2:1} pruned to {c2:1}"
 * when pruning shortened the clock whose text before pruning is `full`. */
static void clock_text(const char *full, const struct vclock *stored, char *buf, size_t n)
{
	char now[96];
	vclock_format(stored, now, sizeof(now));
	if (strcmp(full, now) == 0)
		snprintf(buf, n, "clock %s", full);
	else
		snprintf(buf, n, "clock %s pruned to %s", full, now);
}

static void sib_serve_write(struct node *s, void *ks, struct msg *m)
{
	const struct sib_opts *o = node_opts(s);
	struct sib_run *run = node_run_state(s);
	struct sib_key *k = ks;
	struct sib_ctx *c = (struct sib_ctx *)m->ctx.bytes;
	struct sibset *old = k->set;
	uint32_t nold = old ? old->n : 0;
	struct vclock_prune prune = {o->small, o->big, o->young, o->old};
	int err = 0;
	struct vclock *newclock = NULL, *objclock = NULL;
	uint32_t dot_counter = 0, ctx_self = 0;
	const uint32_t actor = NODE_ACTOR | node_index(s); /* vnode, dvv: the coordinating node */
	uint32_t nkeep = 0;
	bool obsolete = false;
	/* for traces: the clock or dot the new sibling gets */
	bool tracing = node_tracing(s);
	char full[96] = "", why[200] = "";

	/* Decide which old siblings stay, and the new sibling's clock. */
	bool small[64] = {0};
	bool *keep = nold <= 64 ? small : calloc(nold, sizeof(*keep));
	if (!keep)
		goto out_nomem;
	switch (o->clock) {
	case CLOCK_CLIENT: {
		/* the entry is stamped by the store, as Riak's vnodes do: pruning
		 * must not depend on a skewed client clock */
		newclock = vclock_with(c->clock, m->client, (uint32_t)c->seq, node_clock(s), &err);
		if (err)
			goto out_nomem;
		if (tracing)
			vclock_format(newclock, full, sizeof(full));
		/* compare with the full clock; prune only what is stored (below),
		 * as Riak does: pruning first would make every write look
		 * concurrent with what it read */
		uint32_t q = (uint32_t)c->seq, seen = vclock_get(c->clock, m->client);
		uint32_t false_desc = 0;
		for (uint32_t i = 0; i < nold; i++) {
			const struct sibling *sib = &old->sib[i];
			if (vclock_descends(sib->clock, newclock)) {
				obsolete = true; /* an existing sibling has seen this write */
				/* ... or only its client's later counter: it never read it */
				false_desc = sib->writer == m->client && sib->ctx_self < q;
				break;
			}
			keep[i] = !vclock_descends(newclock, sib->clock);
			/* replaced through the client's own new entry alone: a
			 * concurrent operation of the same client wrote it */
			if (!keep[i] && seen < vclock_get(sib->clock, m->client))
				false_desc++;
		}
		run->false_desc += false_desc;
		ctx_self = seen;
		break;
	}
	case CLOCK_VNODE: {
		const struct vclock *oc = old ? old->objclock : NULL;
		bool saw_all = vclock_descends(c->clock, oc);
		for (uint32_t i = 0; i < nold; i++)
			keep[i] = !saw_all;
		uint32_t next = (vclock_get(c->clock, actor) > vclock_get(oc, actor)
					 ? vclock_get(c->clock, actor)
					 : vclock_get(oc, actor)) + 1;
		objclock = vclock_join_with(c->clock, oc, actor, next, node_clock(s), &err);
		if (err)
			goto out_nomem;
		if (tracing)
			vclock_format(objclock, full, sizeof(full));
		run->pruned += vclock_prune(objclock, node_clock(s), &prune);
		if (tracing)
			clock_text(full, objclock, why, sizeof(why));
		break;
	}
	case CLOCK_DVV: {
		const struct vclock *oc = old ? old->objclock : NULL;
		for (uint32_t i = 0; i < nold; i++)
			keep[i] = !vclock_covers(c->clock, old->sib[i].dot_actor,
						 old->sib[i].dot_counter);
		dot_counter = (vclock_get(c->clock, actor) > vclock_get(oc, actor)
				       ? vclock_get(c->clock, actor)
				       : vclock_get(oc, actor)) + 1;
		objclock = vclock_join_with(c->clock, oc, actor, dot_counter, node_clock(s), &err);
		if (err)
			goto out_nomem;
		if (tracing)
			snprintf(why, sizeof(why), "dot n%u:%u", actor & 0x7fffffffu, dot_counter);
		break;
	}
	}

	if (obsolete) {
		m->version = node_discard(s, m);
		m->flags |= MSGF_DISCARDED;
		run->obsolete++;
		if (tracing)
			snprintf(why, sizeof(why), "clock %s, already seen", full);
		node_trace_text(s, m, TR_DISCARDED, m->value, 0, why);
		vclock_unref(newclock);
		if (keep != small)
			free(keep);
		node_reply(s, m, ST_OK);
		return;
	}
	for (uint32_t i = 0; i < nold; i++)
		nkeep += keep[i];
	if (newclock) {
		run->pruned += vclock_prune(newclock, node_clock(s), &prune);
		if (tracing)
			clock_text(full, newclock, why, sizeof(why));
	}
	/* the version first: node_apply() records the state before it changes */
	uint32_t v = node_apply(s, m);
	struct sibling fresh = {
		.version = v,
		.value = m->value,
		.stamp = c->stamp,
		.clock = newclock,
		.dot_actor = actor,
		.dot_counter = dot_counter,
		.writer = m->client,
		.ctx_self = ctx_self,
	};
	struct sibset *set;
	if (old && old->refs == 1 && nkeep + 1 <= old->cap) {
		/* nobody else holds the set: change it in place */
		set = old;
		uint32_t n = 0;
		for (uint32_t i = 0; i < nold; i++) {
			if (!keep[i]) {
				vclock_unref(set->sib[i].clock);
				continue;
			}
			set->sib[n] = set->sib[i];
			set->ids[n] = set->ids[i];
			n++;
		}
		set->sib[n] = fresh;
		set->ids[n] = v;
		set->n = n + 1;
		vclock_unref(set->objclock);
		set->objclock = objclock;
	} else {
		/* readers hold the old set (or it is full): copy on write, with
		 * room to grow */
		set = set_new(nkeep + 1 < 4 ? 4 : 2 * (nkeep + 1));
		if (!set) {
			fresh.clock = NULL; /* newclock is freed below */
			goto out_nomem;
		}
		uint32_t n = 0;
		for (uint32_t i = 0; i < nold; i++) {
			if (!keep[i])
				continue;
			set->sib[n] = old->sib[i];
			vclock_ref(set->sib[n].clock);
			set->ids[n] = old->ids[i];
			n++;
		}
		set->sib[n] = fresh;
		set->ids[n] = v;
		set->n = n + 1;
		set->objclock = objclock;
		k->set = set;
		set_unref(old);
	}
	if (keep != small)
		free(keep);
	m->version = v;
	node_trace_text(s, m, nkeep ? SB_SIBLING : TR_APPLIED, m->value, nkeep + 1, why);
	node_reply(s, m, ST_OK);
	return;

out_nomem:
	/* The simulator cannot go on: the run stops and reports the failure. */
	if (keep != small)
		free(keep);
	vclock_unref(newclock);
	vclock_unref(objclock);
	node_fail(s);
	node_drop(s, m);
}

/* ---- client side ---- */

/* Merges the siblings read into the operation: which versions the write
 * carries, its value, and the context. */
static int sib_client_read(const void *opts, struct msg *reply, struct op_state *op)
{
	const struct sib_opts *o = opts;
	struct sib_ctx *rc = (struct sib_ctx *)reply->ctx.bytes;
	struct sibset *set = rc->set;
	uint32_t n = set ? set->n : 0;
	sib_ctx_drop(&op->ctx);
	struct sib_ctx *oc = (struct sib_ctx *)op->ctx.bytes;
	oc->clock = rc->clock; /* move the context */
	rc->clock = NULL;
	if (n == 0) {
		parents_clear(&op->parents);
		op->value = o->merge == MERGE_UNION ? -1 : 1;
		return 0;
	}
	if (o->merge == MERGE_UNION || n == 1) {
		op->value = o->merge == MERGE_UNION ? -1 : set->sib[0].value + 1;
		return parents_set(&op->parents, set->ids, n);
	}
	uint32_t best = 0;
	for (uint32_t i = 1; i < n; i++) {
		const struct sibling *a = &set->sib[i], *b = &set->sib[best];
		bool better = o->merge == MERGE_MAX
				      ? (a->value > b->value ||
					 (a->value == b->value && a->stamp > b->stamp))
				      : (a->stamp > b->stamp ||
					 (a->stamp == b->stamp && a->version > b->version));
		if (better)
			best = i;
	}
	op->value = set->sib[best].value + 1;
	return parents_set(&op->parents, &set->ids[best], 1);
}

static void sib_client_write(const void *opts, struct op_state *op, struct msg *req)
{
	(void)opts;
	struct sib_ctx *oc = (struct sib_ctx *)op->ctx.bytes;
	struct sib_ctx *c = (struct sib_ctx *)req->ctx.bytes;
	memset(&req->ctx, 0, sizeof(req->ctx));
	c->clock = oc->clock; /* move */
	oc->clock = NULL;
	c->stamp = op->local_now;
	c->seq = op->seq;
	parents_move(&req->parents, &op->parents);
	req->value = op->value;
}

/* A read reply and a write show the causal context they carry; a write
 * to be merged by max or lww also the writer's clock, which breaks ties. */
static void sib_trace_msg(const void *opts, const struct msg *m, char *buf, size_t n)
{
	const struct sib_opts *o = opts;
	const struct sib_ctx *c = (const struct sib_ctx *)m->ctx.bytes;
	if (m->type == MSG_READ_REPLY || m->type == MSG_WRITE) {
		char clock[96], ts[32] = "";
		vclock_format(c->clock, clock, sizeof(clock));
		if (m->type == MSG_WRITE && o->merge != MERGE_UNION)
			units_format_ms(c->stamp, ts, sizeof(ts));
		snprintf(buf, n, "ctx %s%s%s", clock, ts[0] ? ", ts " : "", ts);
	}
}

static void sib_report(const void *run_state, const struct node_stats *st, double *values)
{
	const struct sib_run *run = run_state;
	values[0] = st->siblings_max;
	values[1] = st->read_replies ? (double)st->siblings_sum / (double)st->read_replies : 0;
	values[2] = run->entries_max;
	values[3] = run->contexts ? (double)run->entries_sum / (double)run->contexts : 0;
	values[4] = (double)run->obsolete;
	values[5] = (double)run->pruned;
	values[6] = (double)run->false_desc;
}

/* ---- replicas ---- */

static unsigned sib_needs(const void *opts)
{
	const struct sib_opts *o = opts;
	/* vnode and dvv count with the coordinating node's entry, which a
	 * proxy that holds no copy cannot keep */
	return o->clock == CLOCK_CLIENT ? 0 : POLICY_NEEDS_COPY;
}

static void sib_copy_ref(void *copy)
{
	struct sib_key *k = copy;
	if (k->set)
		k->set->refs++;
}

static void sib_copy_drop(void *copy)
{
	sib_key_free(NULL, copy);
}

static bool has_version(const struct sibset *s, uint32_t v)
{
	for (uint32_t i = 0; s && i < s->n; i++)
		if (s->sib[i].version == v)
			return true;
	return false;
}

/* Whether sibling x of a merge survives beside the siblings of `other`
 * (the other side) and of `all` (every candidate, for client clocks). */
static bool survives(const struct sib_opts *o, const struct sibling *x, const struct sibset *other,
		     const struct sibling *const *all, uint32_t nall)
{
	switch (o->clock) {
	case CLOCK_DVV:
		/* a dot the other side has seen but no longer holds was replaced */
		return has_version(other, x->version) ||
		       !vclock_covers(other ? other->objclock : NULL, x->dot_actor, x->dot_counter);
	case CLOCK_CLIENT:
		for (uint32_t i = 0; i < nall; i++)
			if (all[i] != x && vclock_descends(all[i]->clock, x->clock) &&
			    !vclock_equal(all[i]->clock, x->clock))
				return false; /* a descendant replaces it */
		return true;
	default:
		return true; /* vnode: concurrent objects keep every sibling */
	}
}

/* Folds a replica's sibling set into ks: the union of the two by causal
 * context, as Riak reconciles replicas (on a read, a repair, an exchange):
 * vnode clocks keep the object whose clock descends the other's, else
 * every sibling of both; dotted version vectors drop exactly the siblings
 * whose dots the other side has seen and replaced; client clocks drop the
 * siblings another one descends. */
static int sib_merge(struct node *s, void *ks, const void *copy)
{
	const struct sib_opts *o = node_opts(s);
	struct sib_key *k = ks;
	struct sibset *a = k->set, *b = ((const struct sib_key *)copy)->set;
	if (!b || a == b)
		return 0;
	if (!a || (o->clock == CLOCK_VNODE && vclock_descends(b->objclock, a->objclock) &&
		   !vclock_equal(a->objclock, b->objclock))) {
		b->refs++;
		k->set = b;
		set_unref(a);
		return 0;
	}
	if (o->clock == CLOCK_VNODE && vclock_descends(a->objclock, b->objclock))
		return 0;
	/* the candidates: a's siblings, then b's that a does not hold */
	uint32_t ncand = 0;
	const struct sibling *small[64];
	const struct sibling **cand = a->n + b->n <= 64 ? small : malloc((a->n + b->n) * sizeof(*cand));
	if (!cand)
		return -ENOMEM;
	for (uint32_t i = 0; i < a->n; i++)
		cand[ncand++] = &a->sib[i];
	for (uint32_t i = 0; i < b->n; i++)
		if (!has_version(a, b->sib[i].version))
			cand[ncand++] = &b->sib[i];
	int err = 0;
	struct sibset *set = set_new(ncand < 4 ? 4 : ncand);
	struct vclock *oc = o->clock == CLOCK_CLIENT ? NULL : vclock_join(a->objclock, b->objclock, &err);
	if (!set || err) {
		if (set)
			set_unref(set);
		vclock_unref(oc);
		if (cand != small)
			free(cand);
		return -ENOMEM;
	}
	for (uint32_t i = 0; i < ncand; i++) {
		const struct sibset *other = i < a->n ? b : a;
		if (!survives(o, cand[i], other, cand, ncand))
			continue;
		set->sib[set->n] = *cand[i];
		vclock_ref(set->sib[set->n].clock);
		set->ids[set->n] = cand[i]->version;
		set->n++;
	}
	set->objclock = oc;
	if (cand != small)
		free(cand);
	k->set = set;
	set_unref(a);
	return 0;
}

const struct policy siblings_policy = {
	.name = "siblings",
	.summary = "keep concurrent writes as siblings (vector clocks or dotted version vectors); clients merge",
	.options = sib_options,
	.options_size = sizeof(struct sib_opts),
	.validate = sib_validate,
	.needs = sib_needs,
	.key_state_size = sizeof(struct sib_key),
	.run_state_size = sizeof(struct sib_run),
	.metrics = sib_metrics,
	.events = sib_events,
	.key_free = sib_key_free,
	.state = sib_state,
	.value = sib_value,
	.serve_read = sib_serve_read,
	.serve_write = sib_serve_write,
	.report = sib_report,
	.copy_ref = sib_copy_ref,
	.copy_drop = sib_copy_drop,
	.merge = sib_merge,
	.client_read = sib_client_read,
	.client_write = sib_client_write,
	.ctx_drop = sib_ctx_drop,
	.trace_msg = sib_trace_msg,
};
