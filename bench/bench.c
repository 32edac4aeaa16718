/*
 * bench.c - the benchmark suite (make bench).
 *
 * Each case runs one world in a forked child (so that its peak memory,
 * VmHWM, is its own), exactly as the runner does (world, kernel, checker),
 * but in slices of simulated time so that the number of pending events can
 * be sampled.  Beside each case, in the same invocation, the hold model
 * runs on the kernel's own queue with that many pending events: pop the
 * earliest, push it back an exponential delay later.  The ratio of the two
 * rates, measured side by side, is what counts on a noisy machine.
 *
 * Also measured: the checker's memory per write, memory growth with run
 * length, --record ops rows per second, -j 2 against -j 1, planning a
 * resumed sweep and loading a reversed script (resume.c).  The SimPy peer
 * is bench/peer.py, run by the Makefile with the same model (bench prints
 * clobber's side with --peer).
 *
 *   bench            the whole suite
 *   bench --peer R   the peer case, R replications: mean latency, conflict
 *                    rate and their 95% CIs, ops/s
 *   bench --replicas events per operation and bytes per write per copy
 *                    with three copies against one node
 *   bench --quick    a shorter suite (CI smoke test)
 *   bench --resume   planning a resumed sweep, loading a reversed script
 */
#include <errno.h>
#include <gsl/gsl_randist.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench/floor.h"
#include "bench/resume.h"
#include "models/model.h"
#include "sim/truth/checker.h"
#include "sim/app/exec.h"
#include "sim/app/schema.h"
#include "sim/truth/history.h"
#include "sim/core/kernel.h"
#include "sim/app/results.h"
#include "sim/core/rng.h"
#include "sim/app/runner.h"
#include "sim/app/scenario.h"
#include "sim/core/stats.h"
#include "sim/core/dist.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static long vm_hwm_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmHWM: %ld", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

struct bench_case {
	const char *name;
	const char *policy;
	uint32_t clients;
	uint32_t keys;
	uint64_t ops;
	const char *cluster; /* YAML of a cluster: section, or NULL for one node */
	unsigned arity;	     /* the heap's children per entry (0: the kernel's default) */
};

struct case_out {
	double wall;	     /* seconds: world + kernel + checker */
	double ops, events;
	double pending;	     /* mean pending events */
	double peak_kb;
	double writes;	     /* versions recorded */
	double hist_bytes;   /* history memory at the end */
	double check_bytes;  /* checker working memory, peak */
	double world_bytes;  /* what the model holds at the end */
	double key_bytes;    /* the history's per-key arrays */
	double lost;
};

static struct run_config case_config(const struct bench_case *bc)
{
	struct run_config c;
	config_defaults(&c);
	c.policy = registry_find(bc->policy);
	policy_defaults(c.policy, c.popts.bytes);
	c.clients = bc->clients;
	c.keys = bc->keys;
	c.stop_ops = bc->ops;
	c.mix[OP_INCR] = 0.8;
	c.mix[OP_READ] = 0.2;
	c.think = (struct dist){.kind = DIST_EXP, .a = 10e6, .b = 0};
	c.latency = (struct dist){.kind = DIST_EXP, .a = 0.5e6, .b = 0};
	c.compute = (struct dist){.kind = DIST_EXP, .a = 1e6, .b = 0};
	c.timeout = 0; /* a hot key with 10,000 clients would time everything out */
	c.retries = 5;
	return c;
}

/* The cluster of a case, resolved from a scenario's cluster: section the
 * way `clobber run` resolves it (the rest of the config is the case's). */
static int case_cluster(const struct bench_case *bc, struct run_config *c)
{
	char text[512];
	snprintf(text, sizeof(text), "name: b\npolicies: [%s]\nstore: {keys: %u}\ncluster: %s\n",
		 bc->policy, bc->keys, bc->cluster);
	struct sdiag d;
	struct scenario *s = scenario_parse("bench.yaml", text, strlen(text), NULL, 0, &d);
	struct run_spec spec;
	if (!s || scenario_resolve(s, 0, 0, &spec, &d) < 0) {
		printf("cluster %s: %s\n", bc->cluster, d.text);
		if (s)
			scenario_free(s);
		return -1;
	}
	c->nodes = spec.cfg.nodes;
	c->vnodes = spec.cfg.vnodes;
	c->settle = spec.cfg.settle;
	c->repl = spec.cfg.repl;
	memcpy(&c->ropts, &spec.cfg.ropts, sizeof(c->ropts));
	run_spec_free(&spec);
	scenario_free(s);
	return 0;
}

/* Runs a case the way the runner does, sampling the queue every 1 ms of
 * simulated time. */
static int run_case(const struct bench_case *bc, struct case_out *o)
{
	struct run_config c = case_config(bc);
	if (bc->cluster && case_cluster(bc, &c) < 0)
		return -1;
	memset(o, 0, sizeof(*o));
	double t0 = now_s();
	struct kernel *k = kernel_new(4 * (size_t)c.clients + 64);
	if (k && bc->arity && kernel_set_heap_arity(k, bc->arity) < 0)
		return -1;
	struct history h;
	history_init(&h, c.keys);
	struct world *w = world_new(&c, k, &h, NULL);
	if (!w)
		return -1;
	world_start(w);
	double samples = 0, sum = 0;
	for (int64_t until = KERNEL_MS; kernel_pending(k) > 0; until += KERNEL_MS) {
		sum += (double)kernel_pending(k);
		samples++;
		kernel_run(k, until);
	}
	world_finish(w);
	struct check_result chk;
	checker_run(&h, &chk, false);
	o->wall = now_s() - t0;
	const struct world_stats *st = world_stats(w);
	o->ops = (double)st->ops;
	o->events = (double)kernel_events(k);
	o->pending = samples ? sum / samples : 0;
	o->writes = h.nversions;
	o->key_bytes = (double)h.nkeys * (sizeof(*h.key_flags) + sizeof(*h.final) + sizeof(*h.last_snap));
	o->hist_bytes = (double)history_bytes(&h) - o->key_bytes;
	o->world_bytes = (double)world_bytes(w);
	o->check_bytes = (double)chk.work_bytes;
	o->lost = (double)chk.lost_updates;
	world_free(w);
	history_free(&h);
	kernel_free(k);
	o->peak_kb = (double)vm_hwm_kb();
	return 0;
}

/* The hold model on the kernel's queue: n pending events, each rescheduled
 * an Exp(1 ms) delay later when it runs, until `events` have run. */
struct hold {
	gsl_rng *r;
	uint64_t left;
};

static void hold_fn(struct kernel *k, void *obj, uint64_t arg)
{
	struct hold *hd = obj;
	if (hd->left == 0)
		return;
	hd->left--;
	kernel_schedule(k, (int64_t)dist_exponential(hd->r, 1e6), hold_fn, hd, arg);
}

static double hold_rate_d(size_t n, uint64_t events, unsigned arity)
{
	if (n < 1)
		n = 1;
	struct kernel *k = kernel_new(n + 16);
	if (arity && k)
		kernel_set_heap_arity(k, arity);
	struct hold hd = {.r = rng_new(7), .left = events};
	for (size_t i = 0; i < n; i++)
		kernel_schedule(k, (int64_t)dist_exponential(hd.r, 1e6), hold_fn, &hd, i);
	double t0 = now_s();
	uint64_t before = kernel_events(k);
	kernel_run(k, INT64_MAX);
	double rate = (double)(kernel_events(k) - before) / (now_s() - t0);
	rng_free(hd.r);
	kernel_free(k);
	return rate;
}

/* The hold model on the kernel's queue as built (its default arity). */
static double hold_rate(size_t n, uint64_t events)
{
	return hold_rate_d(n, events, 0);
}

/* Runs fn in a child process and returns what it wrote to the pipe. */
static int in_child(const struct bench_case *bc, struct case_out *o)
{
	int fd[2];
	if (pipe(fd) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(fd[0]);
		struct case_out out;
		if (run_case(bc, &out) < 0)
			_exit(1);
		ssize_t wrote = write(fd[1], &out, sizeof(out));
		_exit(wrote == (ssize_t)sizeof(out) ? 0 : 1);
	}
	close(fd[1]);
	ssize_t got = read(fd[0], o, sizeof(*o));
	close(fd[0]);
	int status;
	waitpid(pid, &status, 0);
	return got == (ssize_t)sizeof(*o) && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static void human(double x, char *buf, size_t n)
{
	if (x >= 1e6)
		snprintf(buf, n, "%.2fM", x / 1e6);
	else if (x >= 1e3)
		snprintf(buf, n, "%.1fk", x / 1e3);
	else
		snprintf(buf, n, "%.0f", x);
}

static void suite(bool quick)
{
	static const char *const policies[] = {"lww", "version", "siblings", "lock"};
	struct {
		const char *name;
		uint32_t clients, keys;
		uint64_t ops;
	} shapes[] = {
		{"hot key, 10 clients", 10, 1, 400000},
		{"many keys, 10 clients", 10, 100000, 400000},
		{"hot key, 10000 clients", 10000, 1, 400000},
		{"many keys, 10000 clients", 10000, 100000, 400000},
	};
	printf("%-36s %9s %10s %8s %10s %6s %9s %8s\n", "case (checker on)", "ops/s", "events/s",
	       "queue", "hold ev/s", "ratio", "peak MiB", "B/write");
	double worst = 1e9, best = 0;
	for (size_t s = 0; s < sizeof(shapes) / sizeof(shapes[0]); s++)
		for (size_t p = 0; p < 4; p++) {
			struct bench_case bc = {.policy = policies[p], .clients = shapes[s].clients,
						.keys = shapes[s].keys,
						.ops = quick ? shapes[s].ops / 10 : shapes[s].ops};
			/* the case and its hold model in turns, best of each: a
			 * neighbour's burst on a shared machine slows one try, not
			 * all three */
			struct case_out o = {0};
			double ev = 0, hold = 0;
			int ok = 0;
			for (int t = 0; t < (quick ? 1 : 3); t++) {
				struct case_out ot;
				if (in_child(&bc, &ot) < 0)
					continue;
				if (!ok || ot.events / ot.wall > ev) {
					o = ot;
					ev = ot.events / ot.wall;
				}
				ok = 1;
				double h = hold_rate((size_t)llround(ot.pending), (uint64_t)ot.events);
				hold = h > hold ? h : hold;
			}
			if (!ok) {
				printf("%s %s: failed\n", policies[p], shapes[s].name);
				continue;
			}
			char name[64], a[16], b[16], c[16];
			snprintf(name, sizeof(name), "%s, %s", policies[p], shapes[s].name);
			human(o.ops / o.wall, a, sizeof(a));
			human(ev, b, sizeof(b));
			human(hold, c, sizeof(c));
			double ratio = ev / hold;
			worst = ratio < worst ? ratio : worst;
			best = ratio > best ? ratio : best;
			printf("%-36s %9s %10s %8.0f %10s %6.2f %9.1f %8.1f\n", name, a, b, o.pending, c,
			       ratio, o.peak_kb / 1024, (o.hist_bytes + o.check_bytes) / o.writes);
			fflush(stdout);
		}
	printf("events/s as a fraction of the hold model at the same queue size: %.2f to %.2f\n"
	       "(each case and its hold model run %s in turns; the best of each is shown)\n",
	       worst, best, quick ? "once" : "three times");
}

/* Memory of everything but the history must not grow with the run: the
 * same case at 1x and 4x the operations. */
static void growth(bool quick)
{
	struct bench_case a = {.policy = "version", .clients = 100, .keys = 1000,
			       .ops = quick ? 50000 : 250000};
	struct bench_case b = a;
	b.ops *= 4;
	struct case_out oa, ob;
	if (in_child(&a, &oa) < 0 || in_child(&b, &ob) < 0)
		return;
	printf("\nmemory with %llu and %llu operations (version, 100 clients, 1000 keys):\n",
	       (unsigned long long)a.ops, (unsigned long long)b.ops);
	printf("  history + checker: %.1f and %.1f MiB (%.1f and %.1f bytes per write)\n",
	       (oa.hist_bytes + oa.check_bytes) / 1048576, (ob.hist_bytes + ob.check_bytes) / 1048576,
	       (oa.hist_bytes + oa.check_bytes) / oa.writes, (ob.hist_bytes + ob.check_bytes) / ob.writes);
	printf("  the model (clients, pools, key states, histograms): %.0f and %.0f KiB\n",
	       oa.world_bytes / 1024, ob.world_bytes / 1024);
	printf("  peak RSS: %.1f and %.1f MiB\n", oa.peak_kb / 1024, ob.peak_kb / 1024);
}

/* Replicas (issue 10): events per operation with three copies against one
 * node, and memory per write per replica, as the growth of everything the
 * run holds (history, checker, model) between a run and one four times as
 * long, per added write and per copy of each key (replicas' states change
 * once per write each; the rest is fixed). */
static void replicas(bool quick)
{
	static const struct {
		const char *name, *policy, *cluster;
		double copies;
	} cs[] = {
		{"one node", "lww", NULL, 1},
		{"primary, 3 replicas", "lww", "{nodes: 3, replication: {primary: {replicas: 3}}}", 3},
		{"quorum n 3, r w 2", "lww", "{nodes: 3, replication: {quorum: {n: 3, r: 2, w: 2}}}", 3},
		{"quorum n 3, siblings dvv", "siblings", "{nodes: 3, replication: {quorum: {n: 3, r: 2, w: 2}}}", 3},
	};
	uint64_t ops = quick ? 20000 : 100000;
	printf("\nreplicas (100 clients, 1000 keys, 80%% increments; %llu and %llu operations):\n",
	       (unsigned long long)ops, (unsigned long long)(4 * ops));
	printf("%-28s %10s %12s %16s\n", "case", "events/op", "vs one node", "bytes/write/copy");
	double base = 0;
	for (size_t i = 0; i < sizeof(cs) / sizeof(cs[0]); i++) {
		struct bench_case a = {.policy = cs[i].policy, .clients = 100, .keys = 1000,
				       .ops = ops, .cluster = cs[i].cluster};
		struct bench_case b = a;
		b.ops *= 4;
		struct case_out oa, ob;
		if (in_child(&a, &oa) < 0 || in_child(&b, &ob) < 0) {
			printf("%-28s failed\n", cs[i].name);
			continue;
		}
		double epo = ob.events / ob.ops;
		if (i == 0)
			base = epo;
		double grew = (ob.hist_bytes + ob.check_bytes + ob.world_bytes + ob.key_bytes) -
			      (oa.hist_bytes + oa.check_bytes + oa.world_bytes + oa.key_bytes);
		printf("%-28s %10.2f %12.2f %16.1f\n", cs[i].name, epo, base > 0 ? epo / base : 0,
		       grew / (ob.writes - oa.writes) / cs[i].copies);
		fflush(stdout);
	}
}

/* --record ops: rows written per second (the write of one run). */
static void record_rate(bool quick)
{
	struct run_config c = case_config(&(struct bench_case){.policy = "lww", .clients = 50, .keys = 1000,
						       .ops = quick ? 100000 : 1000000});
	c.record_ops = true;
	struct run_result res;
	if (runner_run(&c, &res, NULL, NULL) < 0)
		return;
	double best = 0;
	int tries = quick ? 1 : 3; /* into a new database each time; the best counts */
	for (int t = 0; t < tries; t++) {
		char path[] = "/tmp/clobber-bench-XXXXXX";
		int fd = mkstemp(path);
		close(fd);
		unlink(path);
		struct results *db;
		char err[512];
		if (results_open(path, true, &db, err, sizeof(err)) < 0) {
			printf("record: %s\n", err);
			break;
		}
		struct run_row row = {.scenario = "bench", .policy = "lww", .label = "lww",
				      .params = "{}", .started_at = "now"};
		double t0 = now_s();
		int rc = results_write_run(db, &row, &res, err, sizeof(err));
		double wall = now_s() - t0;
		results_close(db);
		unlink(path);
		char wal[64];
		snprintf(wal, sizeof(wal), "%s-wal", path);
		unlink(wal);
		snprintf(wal, sizeof(wal), "%s-shm", path);
		unlink(wal);
		if (rc < 0) {
			printf("record: %s\n", err);
			break;
		}
		double rate = (double)res.rec.nops / wall;
		best = rate > best ? rate : best;
	}
	if (best > 0)
		printf("\n--record ops: %zu rows in one transaction of %d-row INSERTs: %.2fM rows/s "
		       "(best of %d)\n",
		       res.rec.nops, RESULTS_BATCH, best / 1e6, tries);
	run_result_free(&res);
}

/* -j 2 against -j 1 on a sweep of many small runs. */
static void jobs_speedup_of(bool quick, const char *text, uint64_t ops);

static void jobs_speedup(bool quick)
{
	jobs_speedup_of(quick,
			"name: speedup\nreplications: 20\nstop: {ops: 4000}\n"
			"sweep: {c: [4, 8, 16, 32]}\npolicies: [lww, version, siblings, lock]\n"
			"workload: {clients: $c}\n",
			4000);
	jobs_speedup_of(quick,
			"name: tiny\nreplications: 1000\nstop: {ops: 100}\n"
			"policies: [lww, version, siblings, lock]\nworkload: {clients: 4}\n",
			100);
}

static void jobs_speedup_of(bool quick, const char *text, uint64_t ops)
{
	struct sdiag d;
	struct scenario *s = scenario_parse("speedup.yaml", text, strlen(text), NULL, 0, &d);
	if (!s) {
		printf("jobs: %s\n", d.text);
		return;
	}
	if (quick)
		s->replications = 4;
	double wall[2] = {1e300, 1e300}, plan[2] = {0}, write[2] = {0};
	int tries = quick ? 1 : 5; /* -j 1 and -j 2 in turns; the best of each counts */
	for (int t = 0; t < tries * 2; t++) {
		int j = 1 + t % 2;
		char path[64];
		snprintf(path, sizeof(path), "/tmp/clobber-bench-j%d-%d.db", j, (int)getpid());
		struct results *db;
		char err[512];
		if (results_open(path, true, &db, err, sizeof(err)) < 0) {
			printf("jobs: %s\n", err);
			scenario_free(s);
			return;
		}
		struct exec_opts o = {.jobs = j};
		struct exec_summary sum;
		exec_scenario(s, db, &o, &sum, err, sizeof(err));
		results_close(db);
		if (sum.wall < wall[j - 1]) {
			wall[j - 1] = sum.wall;
			plan[j - 1] = sum.plan_s;
			write[j - 1] = sum.write_s;
		}
		bench_unlink_db(path);
	}
	printf("\n-j 1 against -j 2 on %llu runs of %llu operations: %.2f s and %.2f s (%.0f and %.0f "
	       "runs/s), speedup %.2f (best of %d)\n",
	       (unsigned long long)scenario_runs(s), (unsigned long long)ops, wall[0], wall[1],
	       (double)scenario_runs(s) / wall[0], (double)scenario_runs(s) / wall[1], wall[0] / wall[1],
	       tries);
	printf("  of which planning %.2f s and %.2f s, writing %.2f s and %.2f s\n", plan[0], plan[1],
	       write[0], write[1]);
	scenario_free(s);
}


/* The checker on a synthetic history of n versions over 1000 keys (each
 * an increment of its key's last version, one in ten a discarded
 * write-back; in the last 2%, one in twenty operations a recorded read),
 * timed against the walk it replaced: a depth-first marking of F and A
 * from the final states.  (Reads far from the end cost the
 * read-your-writes scan their whole missed prefix: docs/performance.md.) */
static void checker_at(uint32_t n, double *t_pass, double *t_walk, double *t_reads)
{
	enum { K = 1000 };
	struct history h;
	history_init(&h, K);
	h.record_all = true;
	uint32_t last[K];
	for (uint32_t k = 0; k < K; k++)
		last[k] = HIST_NONE;
	gsl_rng *r = rng_new(5);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t k = (uint32_t)rng_below(r, K);
		bool discard = rng_below(r, 10) == 0 && last[k] != HIST_NONE;
		uint32_t p = last[k];
		uint32_t v = history_version(&h, k, true, !discard, p == HIST_NONE ? NULL : &p,
					     p == HIST_NONE ? 0 : 1, k % 50);
		history_ack(&h, v, (int64_t)i * 100);
		if (!discard) {
			history_state_change(&h, k, p == HIST_NONE ? NULL : &p, p == HIST_NONE ? 0 : 1, &v,
					     1, v);
			last[k] = v;
		}
		if (i % 20 == 0 && i >= n - n / 50 && last[k] != HIST_NONE) {
			uint32_t id = history_read(&h, k, (int64_t)i * 100, k % 50, &last[k], 1);
			history_read_observed(&h, id, (int64_t)i * 100 + 50);
		}
	}
	for (uint32_t k = 0; k < K; k++)
		history_final(&h, k, last[k] == HIST_NONE ? NULL : &last[k], last[k] != HIST_NONE);
	rng_free(r);
	struct check_result chk;
	size_t nreads = h.nreads;
	h.nreads = 0; /* the pass alone: lost updates and unacknowledged effects */
	double t0 = now_s();
	checker_run(&h, &chk, false);
	*t_pass = now_s() - t0;
	h.nreads = nreads;
	t0 = now_s();
	checker_run(&h, &chk, false);
	*t_reads = now_s() - t0;
	size_t nv = h.nversions;
	uint8_t *a = calloc(nv / 8 + 1, 1), *b = calloc(nv / 8 + 1, 1);
	uint32_t *stack = malloc(nv * sizeof(*stack));
	t0 = now_s();
	for (uint32_t k = 0; k < K; k++) {
		uint32_t m, scratch;
		const uint32_t *fin = history_state(&h, h.final[k], &m, &scratch);
		checker_mark(&h, fin, m, a, stack, NULL, NULL, false);
		checker_mark(&h, fin, m, b, stack, NULL, NULL, true);
	}
	*t_walk = now_s() - t0;
	free(a);
	free(b);
	free(stack);
	history_free(&h);
}

static void checker_times(bool quick)
{
	uint32_t sizes[2] = {2000000, 32000000};
	if (quick) {
		sizes[0] /= 10;
		sizes[1] /= 10;
	}
	printf("\nchecker on a history of increments over 1000 keys (reads in the last 2%%):\n");
	for (int i = 0; i < 2; i++) {
		double pass, walk, reads;
		checker_at(sizes[i], &pass, &walk, &reads);
		printf("  %4.1fM writes: one pass %.3f s, walks from the final states (before) %.3f s; "
		       "with the reads %.3f s\n",
		       sizes[i] / 1e6, pass, walk, reads);
	}
}

/* Keyed draws of an exponential: seeding a stream then drawing (before)
 * against the first uniform computed from the key (dist_keyed_ns). */
static void keyed_draw_cost(void)
{
	struct dist d = {.kind = DIST_EXP, .a = 0.5e6};
	enum { N = 4000000 };
	double best_old = 1e9, best_new = 1e9;
	long long sink = 0;
	for (int t = 0; t < 3; t++) {
		double t0 = now_s();
		for (uint64_t i = 0; i < N; i++) {
			struct rng_stream st;
			rng_stream_init(&st, rng_key(77, i));
			sink += dist_sample_ns(&d, &st.rng);
		}
		double a = (now_s() - t0) / N * 1e9;
		t0 = now_s();
		for (uint64_t i = 0; i < N; i++)
			sink -= dist_keyed_ns(&d, rng_key(77, i));
		double b = (now_s() - t0) / N * 1e9;
		best_old = a < best_old ? a : best_old;
		best_new = b < best_new ? b : best_new;
	}
	printf("\nkeyed exponential draw: %.1f ns seeding a stream, %.1f ns from the key "
	       "(same values%s), best of 3\n",
	       best_old, best_new, sink == 0 ? "" : ": MISMATCH");
}

/* The hold model with many pending events: the queue alone. */
static void hold_sizes(bool quick)
{
	/* the heap's arity chosen by this measurement: each size and arity in
	 * turns, the best of three */
	static const size_t sizes[] = {100, 10000, 100000};
	static const unsigned arity[] = {2, 4, 8};
	double best[3][3] = {{0}};
	for (int t = 0; t < (quick ? 1 : 3); t++)
		for (size_t i = 0; i < 3; i++)
			for (size_t a = 0; a < 3; a++) {
				double r = hold_rate_d(sizes[i], quick ? 500000 : 3000000, arity[a]);
				best[i][a] = r > best[i][a] ? r : best[i][a];
			}
	printf("\nhold model (M events/s) by the heap's children per entry:\n");
	printf("%-16s %8s %8s %8s\n", "pending", "2", "4", "8");
	for (size_t i = 0; i < 3; i++)
		printf("%-16zu %8.2f %8.2f %8.2f\n", sizes[i], best[i][0] / 1e6, best[i][1] / 1e6,
		       best[i][2] / 1e6);
	/* and in the model, where the clients' and keys' state shares the caches */
	double ev[3] = {0};
	for (int t = 0; t < (quick ? 1 : 3); t++)
		for (size_t a = 0; a < 3; a++) {
			struct bench_case bc = {.policy = "version", .clients = 100000, .keys = 1000000,
						.ops = quick ? 200000 : 1000000, .arity = arity[a]};
			struct case_out o;
			if (in_child(&bc, &o) == 0 && o.events / o.wall > ev[a])
				ev[a] = o.events / o.wall;
		}
	printf("%-16s %8.2f %8.2f %8.2f\n", "model, 100k cl.", ev[0] / 1e6, ev[1] / 1e6, ev[2] / 1e6);
}

/* The SimPy peer's model, in clobber: closed-loop clients doing
 * version-checked increments on uniformly chosen keys, exponential one-way
 * latency, exponential think time, retries with exponential backoff;
 * replication i. */
static struct run_config peer_config(int i)
{
	struct run_config c;
	config_defaults(&c);
	c.policy = registry_find("version");
	policy_defaults(c.policy, c.popts.bytes);
	c.seed = (uint64_t)i + 1;
	c.clients = 50;
	c.keys = 100;
	c.stop_ops = 100000;
	c.think = (struct dist){.kind = DIST_EXP, .a = 5e6, .b = 0};
	c.latency = (struct dist){.kind = DIST_EXP, .a = 0.5e6, .b = 0};
	c.compute = (struct dist){.kind = DIST_CONST, .a = 0, .b = 0};
	c.backoff = (struct dist){.kind = DIST_EXP, .a = 1e6, .b = 0};
	c.retries = 10;
	c.timeout = 0;
	return c;
}

static int peer(int reps)
{
	double lat[64], conf[64], ops = 0, wall = 0, events = 0;
	double best = 0, floor_best = 0, floor_events = 0, floor_ops = 0;
	if (reps > 64)
		reps = 64;
	for (int t = 0; t < 3; t++) {
		/* the bare loop and the simulator in turns, best of each */
		double t0 = now_s(), n = 0;
		for (int i = 0; i < reps; i++) {
			struct floor_result fr;
			floor_run((uint64_t)i + 1, 100000, &fr);
			n += (double)fr.ops;
			floor_events += (double)fr.events;
			floor_ops += (double)fr.ops;
		}
		double rate = n / (now_s() - t0);
		floor_best = rate > floor_best ? rate : floor_best;
		if (t == 2)
			break;
		ops = wall = events = 0;
		for (int i = 0; i < reps; i++) {
			struct run_config c = peer_config(i);
			struct run_result r;
			double t1 = now_s();
			if (runner_run(&c, &r, NULL, NULL) < 0)
				return 1;
			wall += now_s() - t1;
			ops += run_metric(&r, "ops");
			events += run_metric(&r, "events");
			run_result_free(&r);
		}
		best = ops / wall > best ? ops / wall : best;
	}
	for (int i = 0; i < reps; i++) {
		struct run_config c = peer_config(i);
		struct run_result r;
		double t0 = now_s();
		if (runner_run(&c, &r, NULL, NULL) < 0)
			return 1;
		wall += now_s() - t0;
		ops += run_metric(&r, "ops");
		events += run_metric(&r, "events");
		lat[i] = run_metric(&r, "latency_mean_ms");
		conf[i] = run_metric(&r, "conflicts") / run_metric(&r, "attempts");
		run_result_free(&r);
	}
	double lm, lh, cm, ch;
	stats_mean_ci(lat, (size_t)reps, 0.95, &lm, &lh);
	stats_mean_ci(conf, (size_t)reps, 0.95, &cm, &ch);
	best = ops / wall > best ? ops / wall : best;
	printf("clobber latency_mean_ms %.5f %.5f conflict_rate %.6f %.6f ops_per_s %.1f "
	       "events_per_op %.2f floor_ops_per_s %.1f floor_events_per_op %.2f\n",
	       lm, lh, cm, ch, best, events / ops, floor_best, floor_events / floor_ops);
	return 0;
}

int main(int argc, char **argv)
{
	bool quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	if (argc > 2 && strcmp(argv[1], "--peer") == 0)
		return peer(atoi(argv[2]));
	if (argc > 5 && strcmp(argv[1], "--case") == 0) {
		/* one case in this process, for profilers: POLICY CLIENTS KEYS OPS */
		struct bench_case bc = {.policy = argv[2], .clients = (uint32_t)atoi(argv[3]),
					.keys = (uint32_t)atoi(argv[4]), .ops = (uint64_t)atoll(argv[5])};
		struct case_out o;
		if (run_case(&bc, &o) < 0)
			return 1;
		printf("%s: %.0f ops, %.0f events in %.3f s: %.2fM events/s, queue %.0f\n", bc.policy,
		       o.ops, o.events, o.wall, o.events / o.wall / 1e6, o.pending);
		return 0;
	}
	if (argc > 3 && strcmp(argv[1], "--hold") == 0) {
		/* the hold model alone: PENDING EVENTS [ARITY] */
		double r = hold_rate_d((size_t)atol(argv[2]), (uint64_t)atoll(argv[3]),
				       argc > 4 ? (unsigned)atoi(argv[4]) : 0);
		printf("hold model: %.2fM events/s\n", r / 1e6);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--checker") == 0) {
		checker_times(argc > 2);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--draws") == 0) {
		keyed_draw_cost();
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--jobs") == 0) {
		jobs_speedup(false);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--resume") == 0) {
		bench_resume(false);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--heap") == 0) {
		hold_sizes(argc > 2);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--replicas") == 0) {
		replicas(argc > 2);
		return 0;
	}
	if (argc > 1 && strcmp(argv[1], "--record") == 0) {
		record_rate(false);
		return 0;
	}
	printf("clobber benchmark suite%s (every case runs with the checker)\n\n", quick ? " (quick)" : "");
	suite(quick);
	growth(quick);
	replicas(quick);
	record_rate(quick);
	jobs_speedup(quick);
	checker_times(quick);
	keyed_draw_cost();
	hold_sizes(quick);
	bench_resume(quick);
	return 0;
}
