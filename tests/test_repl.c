/*
 * test_repl.c - replication against independent sources (design section
 * 9, issue "Replication"):
 *  - PBS's WARS model (Bailis et al., VLDB 2012): P(consistent read at
 *    t) with N = 3, R = W = 1, exponential latencies (W 0.25 ms, A = R = S
 *    1 ms), a proxy coordinator, non-overlapping writes and no read
 *    repair, against the paper's 0.94 at t = 0 and against the model's
 *    exact value 1 - (2038/35721) e^(-4t/ms) (derived from the WARS model
 *    alone, and confirmed by a Monte Carlo of it written independently of
 *    the simulator: 0.94275 +- 0.00016 from 2e6 trials at t = 0, against
 *    0.942947 exact); P rising with t;
 *  - PBS's k-staleness closed form, 1 - (C(N-W,R)/C(N,R))^k, where writes
 *    reach exactly W random replicas and never spread (fanout: quorum, no
 *    repair, no anti-entropy), counted directly from the history;
 *  - strict quorums (R + W > N) and a primary read at the primary never
 *    return a stale read, over many seeds (an invariant), while R = W = 1
 *    does (so the check can fail);
 *  - Riak's siblings across replicas, worked by hand: a write that saw one
 *    of two concurrent siblings keeps a false sibling under vnode clocks
 *    that dotted version vectors discard, and a union merge loses no add;
 *  - one node under every strategy is the single store (same metrics).
 */
#include "testutil.h"

#include <gsl/gsl_sf_gamma.h>

#include "models/world.h"
#include "sim/truth/checker.h"

/* A replicated config: `repl` with options given as NAME=VALUE strings. */
static struct run_config cluster(const char *policy, uint32_t nodes, const char *repl,
				 const char *const *opts)
{
	struct run_config c = test_config(policy);
	c.nodes = nodes;
	c.repl = registry_repl_find(repl);
	if (!c.repl)
		fail_msg("no strategy %s", repl);
	repl_defaults(c.repl, c.ropts.bytes);
	for (const char *const *o = opts; o && *o; o += 2) {
		struct parse_error e;
		if (repl_set_option(c.repl, c.ropts.bytes, o[0], o[1], &e) < 0)
			fail_msg("%s %s=%s: %s", repl, o[0], o[1], e.msg);
	}
	for (int k = 0; k < PEER_NCLASSES; k++)
		c.peer[k] = c.latency;
	return c;
}

/* Reads and consistent reads per visibility bin, summed over seeds. */
struct vis {
	uint64_t reads[CHECK_VIS_BINS], consistent[CHECK_VIS_BINS];
};

static void visibility(struct run_config *c, int seeds, struct vis *v)
{
	memset(v, 0, sizeof(*v));
	for (int s = 1; s <= seeds; s++) {
		c->seed = (uint64_t)s;
		struct run_result r;
		test_run(c, &r);
		assert_true(r.has_visibility);
		for (int b = 0; b < CHECK_VIS_BINS; b++) {
			v->reads[b] += r.check.vis_reads[b];
			v->consistent[b] += r.check.vis_consistent[b];
		}
		run_result_free(&r);
	}
}

/* The WARS setting: one writer incrementing one key every 20 ms (writes
 * never overlap: a write reaches every replica within ms), probes at the
 * given delays after each acknowledgement, a proxy coordinator, client
 * links of zero latency (so t is measured from the commit, as in WARS). */
static struct run_config wars(const char *r, const char *w)
{
	const char *opts[] = {"n", "3", "r", r, "w", w, "coordinator", "proxy", "read_repair",
			      "false", NULL};
	struct run_config c = cluster("lww", 3, "quorum", opts);
	c.clients = 1;
	c.keys = 1;
	c.think = dconst(20 * KERNEL_MS);
	c.compute = dconst(0);
	c.latency = dconst(0);
	c.peer[PEER_WRITE] = dexp(0.25 * KERNEL_MS);
	c.peer[PEER_ACK] = dexp(1 * KERNEL_MS);
	c.peer[PEER_READ] = dexp(1 * KERNEL_MS);
	c.peer[PEER_REPLY] = dexp(1 * KERNEL_MS);
	c.stop_ops = 2000;
	const int64_t delays[] = {0, KERNEL_MS, 2 * KERNEL_MS, 5 * KERNEL_MS, 10 * KERNEL_MS};
	c.nprobe = 5;
	memcpy(c.probe, delays, sizeof(delays));
	return c;
}

/* The bin of a delay d (ms) among the visibility bins. */
static uint32_t bin_of(double ms)
{
	for (uint32_t b = 0; b < CHECK_VIS_BINS; b++)
		if (fabs(checker_vis_edge_ms(b) - ms) < 1e-9)
			return b;
	fail_msg("no visibility bin at %g ms", ms);
	return 0;
}

static void test_pbs_wars(void **state)
{
	(void)state;
	struct run_config c = wars("1", "1");
	struct vis v;
	visibility(&c, 8, &v);
	uint64_t n = v.reads[0];
	double p0 = (double)v.consistent[0] / (double)n;
	/* the model's exact value; the simulated estimate from n probes has
	 * standard error sqrt(p(1-p)/n) */
	double exact = 1 - 2038.0 / 35721.0, se = sqrt(exact * (1 - exact) / (double)n);
	print_message("PBS WARS N=3 R=W=1: P(consistent at t=0) = %.4f from %lu probes (exact %.4f, paper 0.94)\n",
		      p0, (unsigned long)n, exact);
	check_near(p0, exact, 4 * se, "P(consistent at t = 0), against the WARS model's exact value");
	check_near(p0, 0.94, 0.01, "P(consistent at t = 0), against the paper's 0.94");
	/* P rises with t: at 1, 2, 5 and 10 ms */
	double last = p0;
	const double ms[] = {1, 2, 5, 10};
	for (int i = 0; i < 4; i++) {
		uint32_t b = bin_of(ms[i]);
		n = v.reads[b];
		double p = (double)v.consistent[b] / (double)n;
		double want = 1 - 2038.0 / 35721.0 * exp(-4 * ms[i]);
		print_message("  t = %g ms: %.4f (%lu probes; exact %.5f)\n", ms[i], p, (unsigned long)n, want);
		check_near(p, want, 4 * sqrt(want * (1 - want) / (double)n) + 1.0 / (double)n,
			   "P(consistent at t), against the exact value");
		if (!(p >= last - 3 * sqrt(last * (1 - last) / (double)n)))
			fail_msg("P(consistent) fell from %.4f to %.4f at t = %g ms", last, p, ms[i]);
		last = p;
	}
	assert_true(last > 0.999);
}

/* k-staleness: writes (puts of a single writer, spaced) reach exactly W of
 * N replicas drawn at random and never spread; a read of R random
 * replicas returns the newest version among them.  It is at least k
 * versions old iff none of the R replicas got any of the last k writes:
 * probability (C(N-W,R)/C(N,R))^k.  Staleness is counted from the history:
 * versions are numbered in write order (one writer, puts, no overlap), and
 * a probe read long after a write returned version j while version m was
 * the newest acknowledged: m - j versions old (the empty key: m + 1). */
struct stale_count {
	uint64_t reads;
	uint64_t at_least[5]; /* reads at least k versions old, k = 1..4 */
};

static void count_staleness(const void *world, const struct history *h, const struct run_result *r,
			    void *arg)
{
	(void)world;
	(void)r;
	struct stale_count *sc = arg;
	for (size_t i = 0; i < h->nreads; i++) {
		const struct hist_read *rd = &h->reads[i];
		if (!(rd->key & HIST_READ_OBSERVED))
			continue;
		/* the newest version acknowledged before the read began */
		int64_t m = -1;
		for (uint32_t v = 0; v < h->nversions; v++)
			if (h->ack[v] != HIST_UNACKED && h->ack[v] < rd->begin)
				m = v;
		if (m < 4)
			continue; /* too few writes yet to be 4 versions old */
		uint32_t n, scratch;
		const uint32_t *s = history_state(h, rd->state, &n, &scratch);
		int64_t got = n ? (int64_t)s[0] : -1;
		sc->reads++;
		for (int k = 1; k <= 4; k++)
			sc->at_least[k] += m - got >= k;
	}
}

static double choose(int n, int k)
{
	return gsl_sf_choose((unsigned)n, (unsigned)k);
}

static void k_staleness(int N, int W, int R)
{
	char sn[8], sw[8], sr[8];
	snprintf(sn, sizeof(sn), "%d", N);
	snprintf(sw, sizeof(sw), "%d", W);
	snprintf(sr, sizeof(sr), "%d", R);
	const char *opts[] = {"n", sn, "r", sr, "w", sw, "coordinator", "proxy", "read_repair", "false",
			      "fanout", "quorum", NULL};
	struct run_config c = cluster("lww", (uint32_t)N, "quorum", opts);
	c.clients = 1;
	c.keys = 1;
	c.mix[OP_INCR] = 0;
	c.mix[OP_PUT] = 1;
	c.think = dconst(20 * KERNEL_MS);
	c.latency = dconst(0);
	for (int k = 0; k < PEER_NCLASSES; k++)
		c.peer[k] = dexp(0.5 * KERNEL_MS);
	c.nprobe = 1;
	c.probe[0] = 10 * KERNEL_MS; /* long after every copy the write reaches has it */
	c.settle = SETTLE_NONE;
	c.stop_ops = 1500;
	struct stale_count sc = {0};
	for (uint64_t s = 1; s <= 4; s++) {
		c.seed = s;
		struct run_result r;
		if (runner_run(&c, &r, count_staleness, &sc) != 0)
			fail_msg("run failed");
		run_result_free(&r);
	}
	double miss = choose(N - W, R) / choose(N, R);
	for (int k = 1; k <= 4; k++) {
		double want = pow(miss, k), got = (double)sc.at_least[k] / (double)sc.reads;
		double se = sqrt(want * (1 - want) / (double)sc.reads);
		print_message("N=%d W=%d R=%d: P(at least %d versions old) = %.4f, closed form %.4f (%lu reads)\n",
			      N, W, R, k, got, want, (unsigned long)sc.reads);
		check_near(got, want, 4 * se + 1e-9, "k-staleness against (C(N-W,R)/C(N,R))^k");
	}
}

static void test_k_staleness(void **state)
{
	(void)state;
	k_staleness(3, 1, 1); /* (2/3)^k */
	k_staleness(3, 2, 1); /* (1/3)^k */
	k_staleness(5, 2, 2); /* (3/10)^k */
}

/* Stale reads over seeds: incrementing writers and readers, contention on
 * four keys.  Returns the stale reads summed over the seeds. */
static uint64_t stale_over_seeds(struct run_config c, int seeds)
{
	uint64_t stale = 0;
	c.clients = 6;
	c.keys = 4;
	c.mix[OP_INCR] = 0.5;
	c.mix[OP_READ] = 0.5;
	c.stop_ops = 1500;
	for (int k = 0; k < PEER_NCLASSES; k++)
		c.peer[k] = dexp(1 * KERNEL_MS);
	for (int s = 1; s <= seeds; s++) {
		c.seed = (uint64_t)s;
		struct run_result r;
		test_run(&c, &r);
		stale += (uint64_t)metric(&r, "stale_reads");
		run_result_free(&r);
	}
	return stale;
}

static void test_strict_quorum(void **state)
{
	(void)state;
	/* siblings with dotted version vectors and a union merge lose nothing
	 * on a quorum, so every acknowledged effect survives: a strict quorum
	 * read must see each one acknowledged before it began */
	const char *strict[] = {"n", "3", "r", "2", "w", "2", NULL};
	const char *strict_proxy[] = {"n", "3", "r", "1", "w", "3", "coordinator", "proxy", NULL};
	const char *sloppy[] = {"n", "3", "r", "1", "w", "1", "coordinator", "proxy", NULL};
	uint64_t a = stale_over_seeds(cluster("siblings", 3, "quorum", strict), 20);
	uint64_t b = stale_over_seeds(cluster("siblings", 4, "quorum", strict_proxy), 20);
	uint64_t d = stale_over_seeds(cluster("siblings", 3, "quorum", sloppy), 20);
	print_message("stale reads over 20 seeds: R=W=2 %lu, R=1 W=3 %lu, R=W=1 %lu\n",
		      (unsigned long)a, (unsigned long)b, (unsigned long)d);
	assert_int_equal(a, 0);
	assert_int_equal(b, 0);
	assert_true(d > 0); /* a partial quorum does return stale reads */
	/* primary: reads at the primary never stale; at any replica, with an
	 * ack from the primary alone, they are */
	const char *at_primary[] = {"replicas", "3", "ack", "one", "reads", "primary", NULL};
	const char *anywhere[] = {"replicas", "3", "ack", "one", "reads", "any", NULL};
	uint64_t p = stale_over_seeds(cluster("version", 3, "primary", at_primary), 20);
	uint64_t q = stale_over_seeds(cluster("version", 3, "primary", anywhere), 20);
	print_message("primary: reads at the primary %lu stale, at any replica %lu\n",
		      (unsigned long)p, (unsigned long)q);
	assert_int_equal(p, 0);
	assert_true(q > 0);
}

/* Riak's siblings across replicas, by hand.  Two nodes hold key 0 (quorum
 * n = 2, r = w = 1, coordinator: replica): client 0's coordinator is node
 * X (copy 0), client 1's node Y (copy 1).  Every link takes 1 ms, compute
 * takes 1 ms.
 *    0 ms    client 0 adds a, client 1 adds b; both read the empty key at
 *            their coordinators (1 ms) and write at 3 ms
 *    4 ms    X orders a: {X:1}; Y orders b: {Y:1}; each sends its copy
 *    3.5 ms  client 0 adds c: it reads at X at 4.5 ms, after a and before
 *            b reaches X, so its context is a's, {X:1}
 *    5 ms    X and Y merge the other's copy: concurrent, siblings {a, b}
 *            under {X:1, Y:1} with either clock
 *    7.5 ms  c, with context {X:1}, reaches X.  vnode: {X:1} does not
 *            descend {X:1, Y:1}, so c cannot tell which siblings it saw
 *            and is kept beside both: {a, b, c}, a being a false sibling
 *            (c read it).  dvv: c's context covers a's dot (X, 1) and not
 *            b's (Y, 1): {b, c}.
 *   20 ms    client 1 adds d, reading every sibling at Y and writing their
 *            union: nothing lost with either clock (4 adds in the end).
 */
static const struct script_op riak_ops[] = {
	{.at = 0, .client = 0, .kind = OP_ADD, .compute = -1},		       /* a */
	{.at = 0, .client = 1, .kind = OP_ADD, .compute = -1},		       /* b */
	{.at = 3500 * KERNEL_US, .client = 0, .kind = OP_ADD, .compute = -1}, /* c */
	{.at = 20 * KERNEL_MS, .client = 1, .kind = OP_ADD, .compute = -1},   /* d */
};

struct final_state {
	uint32_t siblings;
	uint64_t effects;
};

static void final_effects(const void *world, const struct history *h, const struct run_result *r,
			  void *arg)
{
	(void)world;
	(void)r;
	struct final_state *f = arg;
	uint32_t n, scratch;
	const uint32_t *vs = history_state(h, h->final[0], &n, &scratch);
	f->siblings = n;
	/* |union of incl(v)| over the final siblings */
	uint8_t *seen = calloc(h->nversions, 1);
	uint32_t *stack = malloc(h->nversions * sizeof(*stack));
	f->effects = 0;
	size_t top = 0;
	for (uint32_t i = 0; i < n; i++)
		if (!seen[vs[i]]) {
			seen[vs[i]] = 1;
			stack[top++] = vs[i];
		}
	while (top) {
		uint32_t v = stack[--top];
		f->effects++;
		uint32_t np;
		const uint32_t *p = history_includes(h, v, &np);
		for (uint32_t i = 0; i < np; i++)
			if (!seen[p[i]]) {
				seen[p[i]] = 1;
				stack[top++] = p[i];
			}
	}
	free(seen);
	free(stack);
}

static void riak(const char *clock, uint32_t *at_c, struct final_state *f)
{
	const char *opts[] = {"n", "2", "r", "1", "w", "1", NULL};
	struct run_config c = cluster("siblings", 2, "quorum", opts);
	test_option(&c, "clock", clock);
	c.arrival = ARRIVAL_SCRIPT;
	c.script = riak_ops;
	c.nscript = 4;
	c.clients = 2;
	c.keys = 1;
	c.latency = dconst(KERNEL_MS);
	c.compute = dconst(KERNEL_MS);
	for (int k = 0; k < PEER_NCLASSES; k++)
		c.peer[k] = dconst(KERNEL_MS);
	c.record_trace = true;
	struct run_result r;
	assert_int_equal(runner_run(&c, &r, final_effects, f), 0);
	/* the sibling count when c was ordered, at 7.5 ms, at client 0's
	 * coordinator: the "sibling" event of c (operation 2) */
	*at_c = 0;
	for (size_t i = 0; i < r.rec.ntrace; i++) {
		const struct trace_row *t = &r.rec.trace[i];
		const struct trace_vocab *v = model_event(r.policy, r.repl, t->event);
		if (t->op == 2 && t->time == 7500 * KERNEL_US && v && strcmp(v->name, "sibling") == 0)
			*at_c = (uint32_t)t->aux;
	}
	check_near(metric(&r, "lost_updates"), 0, 0, "lost adds with union merge");
	run_result_free(&r);
}

static void test_riak_siblings(void **state)
{
	(void)state;
	uint32_t vnode, dvv;
	struct final_state fv, fd;
	riak("vnode", &vnode, &fv);
	riak("dvv", &dvv, &fd);
	print_message("siblings when c is ordered: vnode %u, dvv %u; final %u/%u siblings, %lu/%lu adds\n",
		      vnode, dvv, fv.siblings, fd.siblings, (unsigned long)fv.effects,
		      (unsigned long)fd.effects);
	assert_int_equal(vnode, 3); /* a, b and c: a is a false sibling */
	assert_int_equal(dvv, 2);   /* b and c */
	assert_int_equal(fv.effects, 4);
	assert_int_equal(fd.effects, 4);
	assert_int_equal(fv.siblings, 1); /* d merged them all */
	assert_int_equal(fd.siblings, 1);
}

/* One node (and one copy) under every strategy is the single store of
 * design sections 2-8: the same metrics, to the bit, as strategy none. */
static void test_one_node_same(void **state)
{
	(void)state;
	const char *p1[] = {"replicas", "1", NULL};
	const char *q1[] = {"n", "1", "r", "1", "w", "1", NULL};
	const char *pol[] = {"lww", "version", "siblings", "lock"};
	for (int i = 0; i < 4; i++) {
		struct run_config a = test_config(pol[i]), b = cluster(pol[i], 1, "primary", p1),
				  q = cluster(pol[i], 1, "quorum", q1);
		struct run_config *cs[] = {&a, &b, &q};
		struct run_result r[3];
		for (int k = 0; k < 3; k++) {
			cs[k]->clients = 4;
			cs[k]->keys = 3;
			cs[k]->stop_ops = 2000;
			cs[k]->mix[OP_READ] = 0.3;
			if (k == 2 && i == 3)
				continue; /* a lock needs a primary: quorum refuses it */
			test_run(cs[k], &r[k]);
		}
		for (int k = 1; k < 3; k++) {
			if (k == 2 && i == 3)
				continue;
			for (size_t m = 0; m < r[0].nmetrics; m++) {
				const char *name = r[0].metric_name[m];
				if (strcmp(name, "wall_s") == 0)
					continue;
				if (memcmp(&r[0].metric[m], &r[k].metric[m], sizeof(double)) != 0)
					fail_msg("%s on %s, one node: %s %.17g, against none's %.17g", pol[i],
						 cs[k]->repl->name, name, r[k].metric[m], r[0].metric[m]);
			}
			run_result_free(&r[k]);
		}
		run_result_free(&r[0]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pbs_wars),
		cmocka_unit_test(test_k_staleness),
		cmocka_unit_test(test_strict_quorum),
		cmocka_unit_test(test_riak_siblings),
		cmocka_unit_test(test_one_node_same),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
