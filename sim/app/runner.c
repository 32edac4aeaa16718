/*
 * runner.c - run one world and turn what happened into metrics.
 */
#include "sim/app/runner.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/model.h"
#include "sim/core/kernel.h"

const struct metric_info run_metrics[M_NGENERAL + 1] = {
	[M_OPS] = {"ops", "", "operations issued", 0, NULL},
	[M_OPS_OK] = {"ops_ok", "", "operations that finished successfully", 0, NULL},
	[M_OPS_ABORTED] = {"ops_aborted", "", "operations aborted after `retries` retries", 0, NULL},
	[M_OPS_FAILED] = {"ops_failed", "", "operations that failed by `timeout`", METRIC_CHART,
			  "failed operations"},
	[M_ATTEMPTS] = {"attempts", "", "attempts, retries included", 0, NULL},
	[M_CONFLICTS] = {"conflicts", "",
			 "attempts rejected by the policy (a version mismatch, a fenced write) or refused a "
			 "lock (`mode: fail`); the attempt that leads to an abort is counted too",
			 0, NULL},
	[M_ABORT_RATE] = {"abort_rate", "", "`ops_aborted / ops` (0 when `ops` is 0)",
			  METRIC_CHART | METRIC_CARD | METRIC_RATE,
			  "abort rate"},
	[M_WRITES_ACKED] = {"writes_acked", "",
			    "read-modify-writes (`incr`, `add`) whose write was acknowledged, including "
			    "`lww` writes acknowledged but discarded",
			    0, NULL},
	[M_LOST_UPDATES] = {"lost_updates", "",
			    "acknowledged read-modify-writes whose effect is absent from the final state: "
			    "an `incr` not counted, an `add` element missing",
			    0, NULL},
	[M_LOST_UPDATE_RATE] = {"lost_update_rate", "",
				"`lost_updates / writes_acked` (0 when `writes_acked` is 0)",
				METRIC_CHART | METRIC_CARD | METRIC_RATE, "lost-update rate"},
	[M_STALE_READS] = {"stale_reads", "",
			   "successful plain `read` operations whose returned state misses a write that "
			   "is present in the final state and was acknowledged before the read was issued",
			   METRIC_CHART | METRIC_CARD, "stale reads"},
	[M_UNACKED_EFFECTS] = {"unacked_effects", "",
			       "writes (of any kind) present in the final state that were never "
			       "acknowledged: the operation had already ended (by timeout) when its write "
			       "was applied or its acknowledgement arrived",
			       METRIC_CHART, "unacknowledged effects"},
	[M_READS] = {"reads", "", "plain reads (and probes) that succeeded", 0, NULL},
	[M_STALE_READ_RATE] = {"stale_read_rate", "",
			       "`stale_reads / reads` (0 when `reads` is 0): the staleness PBS measures "
			       "when replicas are asked",
			       METRIC_CHART | METRIC_RATE, "stale-read rate"},
	[M_RYW] = {"read_your_writes_violations", "",
		   "stale reads that missed a write of the reading client itself", 0, NULL},
	[M_MONOTONIC] = {"monotonic_read_violations", "",
			 "reads that missed an effect the same client's previous read of the key "
			 "returned (that read having ended before this one began)",
			 0, NULL},
	[M_LATENCY_MEAN] = {"latency_mean_ms", "ms",
			    "end-to-end latency, from issue to successful completion, retries, backoffs "
			    "and lock waits included, of the successful operations issued at or after "
			    "`warmup` (those that finish while in-flight work drains included), mean; 0 "
			    "when there are none",
			    METRIC_CARD, "mean latency"},
	[M_LATENCY_P50] = {"latency_p50_ms", "ms", "the same latency, median", 0, NULL},
	[M_LATENCY_P90] = {"latency_p90_ms", "ms", "the same latency, 90th percentile", 0, NULL},
	[M_LATENCY_P99] = {"latency_p99_ms", "ms", "the same latency, 99th percentile",
			   METRIC_CHART | METRIC_CARD, "p99 latency"},
	[M_LATENCY_P999] = {"latency_p999_ms", "ms", "the same latency, 99.9th percentile", 0, NULL},
	[M_LATENCY_MAX] = {"latency_max_ms", "ms", "the same latency, maximum", 0, NULL},
	[M_THROUGHPUT] = {"throughput_ops_s", "ops/s",
			  "successful operations per simulated second, over the measurement window "
			  "(below)",
			  METRIC_CHART | METRIC_CARD, "throughput"},
	[M_MSGS_SENT] = {"msgs_sent", "", "messages sent, between clients and nodes and between nodes",
			 0, NULL},
	[M_MSGS_LOST] = {"msgs_lost", "",
			 "of which dropped: lost by the network, cut by a partition, or sent to a "
			 "crashed endpoint",
			 0, NULL},
	[M_READ_REPAIRS] = {"read_repairs", "",
			    "copies a quorum coordinator sent to replicas whose reply differed from "
			    "the merge of all replies",
			    0, NULL},
	[M_HINTS] = {"hints_delivered", "",
		     "writes a node held for an unreachable replica (a sloppy quorum) and handed over "
		     "later",
		     0, NULL},
	[M_AE_TRANSFERS] = {"anti_entropy_transfers", "",
			    "copies nodes sent each other to make replicas agree: anti-entropy "
			    "rounds and the settling at the end",
			    0, NULL},
	[M_FAILOVERS] = {"failovers", "", "backups promoted to primary", 0, NULL},
	[M_TRUNCATED] = {"truncated_writes", "",
			 "writes a replica dropped because the new primary lacked them", 0, NULL},
	[M_DIVERGED] = {"diverged_keys_at_stop", "",
			"keys whose copies disagreed when the last operation ended", 0, NULL},
	[M_SETTLE] = {"settle_ms", "ms",
		      "time the replicas took after that to agree (settle: converge)", 0, NULL},
	[M_SIM_TIME] = {"sim_time_s", "s",
			"simulated time at the end of the run (the last event, draining included)", 0,
			NULL},
	[M_EVENTS] = {"events", "", "events the simulation kernel processed", 0, NULL},
	[M_WALL] = {"wall_s", "s",
		    "real time the run took; the only metric that varies between identical runs",
		    METRIC_NOISY, NULL},
	[M_NGENERAL] = {0},
};

const double run_quantile_levels[RUN_NQUANTILES] = {
	0,    0.01, 0.02, 0.03, 0.04, 0.05, 0.06, 0.07, 0.08, 0.09, 0.1,  0.11, 0.12, 0.13, 0.14,
	0.15, 0.16, 0.17, 0.18, 0.19, 0.2,  0.21, 0.22, 0.23, 0.24, 0.25, 0.26, 0.27, 0.28, 0.29,
	0.3,  0.31, 0.32, 0.33, 0.34, 0.35, 0.36, 0.37, 0.38, 0.39, 0.4,  0.41, 0.42, 0.43, 0.44,
	0.45, 0.46, 0.47, 0.48, 0.49, 0.5,  0.51, 0.52, 0.53, 0.54, 0.55, 0.56, 0.57, 0.58, 0.59,
	0.6,  0.61, 0.62, 0.63, 0.64, 0.65, 0.66, 0.67, 0.68, 0.69, 0.7,  0.71, 0.72, 0.73, 0.74,
	0.75, 0.76, 0.77, 0.78, 0.79, 0.8,  0.81, 0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89,
	0.9,  0.91, 0.92, 0.93, 0.94, 0.95, 0.96, 0.97, 0.98, 0.99, 0.999, 0.9999, 1,
};

/* Set once, before runs start, and only read by them. */
static const volatile sig_atomic_t *interrupt_flag;

void runner_set_interrupt(const volatile sig_atomic_t *flag)
{
	interrupt_flag = flag;
}

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double ratio(double a, double b)
{
	return b > 0 ? a / b : 0;
}

static void kind_latency(const struct histo *h, struct kind_latency *out)
{
	out->count = h->count;
	out->mean = histo_mean(h) / 1e6;
	static const double levels[] = {0.5, 0.9, 0.99, 0.999};
	double v[4];
	histo_quantiles(h, levels, 4, v);
	out->p50 = v[0] / 1e6;
	out->p90 = v[1] / 1e6;
	out->p99 = v[2] / 1e6;
	out->p999 = v[3] / 1e6;
	out->max = h->count ? (double)h->max / 1e6 : 0;
}

static void fill_metrics(const struct run_config *cfg, const struct world_stats *st,
			 const struct check_result *chk, struct kernel *k, double wall,
			 struct run_result *out)
{
	double *m = out->metric;
	struct kind_latency all;
	kind_latency(&st->latency[OP_NKINDS], &all);
	m[M_OPS] = (double)st->ops;
	m[M_OPS_OK] = (double)st->ops_ok;
	m[M_OPS_ABORTED] = (double)st->ops_aborted;
	m[M_OPS_FAILED] = (double)st->ops_failed;
	m[M_ATTEMPTS] = (double)st->attempts;
	m[M_CONFLICTS] = (double)st->conflicts;
	m[M_ABORT_RATE] = ratio((double)st->ops_aborted, (double)st->ops);
	m[M_WRITES_ACKED] = (double)st->writes_acked;
	m[M_LOST_UPDATES] = (double)chk->lost_updates;
	m[M_LOST_UPDATE_RATE] = ratio((double)chk->lost_updates, (double)st->writes_acked);
	m[M_STALE_READS] = (double)chk->stale_reads;
	m[M_UNACKED_EFFECTS] = (double)chk->unacked_effects;
	m[M_READS] = (double)st->reads_ok;
	m[M_STALE_READ_RATE] = ratio((double)chk->stale_reads, (double)st->reads_ok);
	m[M_RYW] = (double)chk->ryw_violations;
	m[M_MONOTONIC] = (double)chk->monotonic_violations;
	m[M_MSGS_SENT] = (double)st->msgs_sent;
	m[M_MSGS_LOST] = (double)st->msgs_lost;
	m[M_READ_REPAIRS] = (double)st->read_repairs;
	m[M_HINTS] = (double)st->hints_delivered;
	m[M_AE_TRANSFERS] = (double)st->ae_transfers;
	m[M_FAILOVERS] = (double)st->failovers;
	m[M_TRUNCATED] = (double)st->truncated_writes;
	m[M_DIVERGED] = (double)st->diverged_at_stop;
	m[M_SETTLE] = (double)st->settle_ns / 1e6;
	m[M_LATENCY_MEAN] = all.mean;
	m[M_LATENCY_P50] = all.p50;
	m[M_LATENCY_P90] = all.p90;
	m[M_LATENCY_P99] = all.p99;
	m[M_LATENCY_P999] = all.p999;
	m[M_LATENCY_MAX] = all.max;
	double window = (double)(st->t_stop - cfg->warmup) / 1e9;
	m[M_THROUGHPUT] = ratio((double)st->ok_in_window, window);
	m[M_SIM_TIME] = (double)st->t_end / 1e9;
	m[M_EVENTS] = (double)kernel_events(k);
	m[M_WALL] = wall;
	for (int i = 0; i < M_NGENERAL; i++)
		out->metric_name[i] = run_metrics[i].name;
	out->nmetrics = M_NGENERAL;
	for (int i = 0; i < OP_NKINDS; i++)
		kind_latency(&st->latency[i], &out->latency[i]);
	const struct histo *h = &st->latency[OP_NKINDS];
	out->latency_count = h->count;
	/* the levels ascend; level 0 is the minimum itself */
	histo_quantiles(h, run_quantile_levels, RUN_NQUANTILES, out->quantiles_ns);
	if (h->count)
		out->quantiles_ns[0] = (double)h->min;
	out->think_mean_ms = st->think_count ? st->think_sum / (double)st->think_count / 1e6 : 0;
	out->t_stop = st->t_stop;
}

/* Appends an owner's metrics (a policy's, a strategy's) to the result. */
static void append_metrics(struct run_result *out, const struct metric_info *table,
			   const struct world *w, void (*fill)(const struct world *, double *))
{
	size_t extra = metric_count(table);
	if (!extra || out->nmetrics + extra > RUN_MAX_METRICS)
		return;
	fill(w, out->metric + out->nmetrics);
	for (size_t i = 0; i < extra; i++)
		out->metric_name[out->nmetrics + i] = table[i].name;
	out->nmetrics += extra;
}

/* The number of effects of version v (history_effects), remembered in
 * memo[] (0: not known yet).  A version with one parent carries one effect
 * more than its parent, so a chain of increments costs O(1) a version
 * instead of a walk of the whole chain for each (which made tracing a long
 * run quadratic); a merge of several is walked once. */
static uint64_t effects_of(const struct history *h, uint64_t *memo, uint32_t v, uint32_t *chain)
{
	size_t n = 0;
	uint32_t x = v;
	uint64_t base = 0;
	for (;;) {
		if (memo[x]) {
			base = memo[x];
			break;
		}
		uint32_t np;
		const uint32_t *p = history_includes(h, x, &np);
		if (np != 1 || p[0] >= h->nversions) {
			base = memo[x] = np == 0 ? 1 : history_effects(h, x);
			break;
		}
		chain[n++] = x;
		x = p[0];
	}
	while (n--)
		base = memo[chain[n]] = base + 1;
	return memo[v];
}

/* Marks the trace rows about lost versions; a row about a version whose
 * value the policy keeps no scalar of (a set merged by union) gets the
 * number of effects it carries (record.h). */
static int mark_lost(struct run_result *out, const struct history *h)
{
	uint64_t *memo = calloc(h->nversions ? h->nversions : 1, sizeof(*memo));
	uint32_t *chain = malloc((h->nversions ? h->nversions : 1) * sizeof(*chain));
	if (!memo || !chain) {
		free(memo);
		free(chain);
		return -ENOMEM;
	}
	for (size_t i = 0; i < out->rec.ntrace; i++) {
		struct trace_row *t = &out->rec.trace[i];
		if (t->version == HIST_NONE || t->version >= h->nversions)
			continue;
		if (checker_is_lost(&out->check, h, t->version))
			t->lost = 1;
		if (t->value < 0)
			t->value = (int64_t)effects_of(h, memo, t->version, chain);
	}
	free(memo);
	free(chain);
	return 0;
}

/* Copies the world's fault windows into the result.  Returns 0 or
 * -ENOMEM. */
static int copy_faults(struct run_result *out, const struct world *w)
{
	uint32_t n;
	const struct fault_window *win = world_fault_windows(w, &n);
	if (n == 0)
		return 0;
	out->faults = malloc(n * sizeof(*out->faults));
	if (!out->faults)
		return -ENOMEM;
	memcpy(out->faults, win, n * sizeof(*out->faults));
	out->nfaults = n;
	return 0;
}

int runner_run(const struct run_config *cfg, struct run_result *out,
	       runner_inspect_fn *inspect, void *arg)
{
	memset(out, 0, sizeof(*out));
	gsl_set_error_handler_off();
	int rc = -ENOMEM;
	double t0 = now_s();
	struct history h;
	struct kernel *k = kernel_new(4 * (size_t)cfg->clients + 64);
	if (!k)
		return -ENOMEM;
	kernel_set_interrupt(k, interrupt_flag);
	kernel_set_event_limit(k, cfg->max_events);
	kernel_set_instant_limit(k, cfg->instant_limit);
	if (history_init(&h, cfg->keys) < 0)
		goto out_kernel;
	bool recording = cfg->record_ops || cfg->record_trace;
	struct world *w = world_new(cfg, k, &h, recording ? &out->rec : NULL);
	if (!w)
		goto out_history;
	world_start(w);
	rc = kernel_run(k, INT64_MAX);
	out->failed_at = kernel_now(k);
	out->instant_limit = cfg->instant_limit ? cfg->instant_limit : KERNEL_INSTANT_MAX;
	if (rc == 0)
		rc = world_finish(w);
	if (rc < 0)
		goto out_world;
	out->history_bytes = history_bytes(&h);
	rc = checker_run(&h, &out->check, cfg->record_trace || cfg->record_ops);
	if (rc < 0)
		goto out_world;
	fill_metrics(cfg, world_stats(w), &out->check, k, 0, out);
	out->policy = cfg->policy;
	out->repl = cfg->repl;
	out->has_visibility = h.record_all;
	append_metrics(out, cfg->policy->metrics, w, world_policy_metrics);
	append_metrics(out, cfg->repl->metrics, w, world_repl_metrics);
	if (cfg->record_trace && (rc = mark_lost(out, &h)) < 0)
		goto out_world;
	if (copy_faults(out, w) < 0) {
		rc = -ENOMEM;
		goto out_world;
	}
	if (inspect)
		inspect(w, &h, out, arg);
	out->metric[M_WALL] = now_s() - t0;
	rc = 0;
out_world:
	world_free(w);
out_history:
	history_free(&h);
out_kernel:
	kernel_free(k);
	if (rc < 0)
		run_result_free(out);
	return rc;
}

void runner_strerror(int rc, const struct run_result *r, char *buf, size_t n)
{
	double at = (double)r->failed_at / 1e9;
	switch (rc) {
	case -ERANGE:
		snprintf(buf, n,
			 "simulated time would pass %.4g s (2^62 ns, about 146 years): at t = %.6g s an event "
			 "was scheduled beyond it (delays near their 3200000000s limit add up, and a "
			 "heavy-tailed distribution such as pareto can draw one that large); make the "
			 "delays smaller",
			 (double)KERNEL_TIME_MAX / 1e9, at);
		break;
	case -ELOOP:
		snprintf(buf, n,
			 "the run cannot advance time: more than %llu events ran at the simulated instant "
			 "t = %.6g s (operations that take no time, issued again and again: with think, "
			 "network.latency, store.service, compute and backoff all 0, or a lock refused "
			 "with backoff 0); give one of these delays a value above 0",
			 (unsigned long long)(r->instant_limit ? r->instant_limit : KERNEL_INSTANT_MAX), at);
		break;
	case -E2BIG:
		snprintf(buf, n, "the run reached its limit on events (max_events) at t = %.6g s", at);
		break;
	case -EINTR:
		snprintf(buf, n, "interrupted");
		break;
	default:
		snprintf(buf, n, "out of memory");
		break;
	}
}

void run_result_free(struct run_result *r)
{
	record_free(&r->rec);
	free(r->faults);
	r->faults = NULL;
	r->nfaults = 0;
	free(r->check.in_final);
	free(r->check.accounted);
	r->check.in_final = NULL;
	r->check.accounted = NULL;
}

double run_metric(const struct run_result *r, const char *name)
{
	for (size_t i = 0; i < r->nmetrics; i++)
		if (strcmp(r->metric_name[i], name) == 0)
			return r->metric[i];
	return NAN;
}
