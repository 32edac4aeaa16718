/*
 * runner.c - run one world and turn what happened into metrics.
 */
#include "sim/runner.h"

#include <errno.h>
#include <gsl/gsl_errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/registry.h"
#include "sim/kernel.h"

const char *const metric_names[M_NGENERAL] = {
	[M_OPS] = "ops",
	[M_OPS_OK] = "ops_ok",
	[M_OPS_ABORTED] = "ops_aborted",
	[M_OPS_FAILED] = "ops_failed",
	[M_ATTEMPTS] = "attempts",
	[M_CONFLICTS] = "conflicts",
	[M_ABORT_RATE] = "abort_rate",
	[M_WRITES_ACKED] = "writes_acked",
	[M_LOST_UPDATES] = "lost_updates",
	[M_LOST_UPDATE_RATE] = "lost_update_rate",
	[M_STALE_READS] = "stale_reads",
	[M_UNACKED_EFFECTS] = "unacked_effects",
	[M_LATENCY_MEAN] = "latency_mean_ms",
	[M_LATENCY_P50] = "latency_p50_ms",
	[M_LATENCY_P90] = "latency_p90_ms",
	[M_LATENCY_P99] = "latency_p99_ms",
	[M_LATENCY_P999] = "latency_p999_ms",
	[M_LATENCY_MAX] = "latency_max_ms",
	[M_THROUGHPUT] = "throughput_ops_s",
	[M_SIM_TIME] = "sim_time_s",
	[M_EVENTS] = "events",
	[M_WALL] = "wall_s",
};

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
	out->p50 = histo_quantile(h, 0.5) / 1e6;
	out->p90 = histo_quantile(h, 0.9) / 1e6;
	out->p99 = histo_quantile(h, 0.99) / 1e6;
	out->p999 = histo_quantile(h, 0.999) / 1e6;
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
	m[M_LATENCY_MEAN] = all.mean;
	m[M_LATENCY_P50] = all.p50;
	m[M_LATENCY_P90] = all.p90;
	m[M_LATENCY_P99] = all.p99;
	m[M_LATENCY_P999] = all.p999;
	m[M_LATENCY_MAX] = all.max;
	double window = (double)(st->t_stop - cfg->warmup) / 1e9;
	m[M_THROUGHPUT] = ratio((double)st->ok_in_window, window);
	m[M_SIM_TIME] = (double)kernel_now(k) / 1e9;
	m[M_EVENTS] = (double)kernel_events(k);
	m[M_WALL] = wall;
	for (int i = 0; i < M_NGENERAL; i++)
		out->metric_name[i] = metric_names[i];
	out->nmetrics = M_NGENERAL;
	for (int i = 0; i < OP_NKINDS; i++)
		kind_latency(&st->latency[i], &out->latency[i]);
	out->think_mean_ms = st->think_count ? st->think_sum / (double)st->think_count / 1e6 : 0;
	out->t_stop = st->t_stop;
}

/* Marks the trace rows about lost versions. */
static void mark_lost(struct run_result *out, const struct history *h)
{
	for (size_t i = 0; i < out->rec.ntrace; i++) {
		struct trace_row *t = &out->rec.trace[i];
		if (t->version != HIST_NONE && checker_is_lost(&out->check, h, t->version))
			t->lost = 1;
	}
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
	if (history_init(&h, cfg->keys) < 0)
		goto out_kernel;
	bool recording = cfg->record_ops || cfg->record_trace;
	struct world *w = world_new(cfg, k, &h, recording ? &out->rec : NULL);
	if (!w)
		goto out_history;
	world_start(w);
	rc = kernel_run(k, INT64_MAX);
	if (rc == 0)
		rc = world_finish(w);
	if (rc < 0)
		goto out_world;
	out->history_bytes = history_bytes(&h);
	rc = checker_run(&h, &out->check, cfg->record_trace || cfg->record_ops);
	if (rc < 0)
		goto out_world;
	fill_metrics(cfg, world_stats(w), &out->check, k, 0, out);
	const struct policy *p = cfg->policy;
	size_t extra = 0;
	for (const char *const *name = p->metrics; name && *name; name++)
		extra++;
	if (extra && out->nmetrics + extra <= RUN_MAX_METRICS) {
		world_policy_metrics(w, out->metric + out->nmetrics);
		for (size_t i = 0; i < extra; i++)
			out->metric_name[out->nmetrics + i] = p->metrics[i];
		out->nmetrics += extra;
	}
	if (cfg->record_trace)
		mark_lost(out, &h);
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

void run_result_free(struct run_result *r)
{
	record_free(&r->rec);
	free(r->check.in_final);
	r->check.in_final = NULL;
}

double run_metric(const struct run_result *r, const char *name)
{
	for (size_t i = 0; i < r->nmetrics; i++)
		if (strcmp(r->metric_name[i], name) == 0)
			return r->metric[i];
	return NAN;
}
