/*
 * runner.h - one run: a world on a kernel, checked against ground truth,
 * summed up as metrics.
 *
 * A run is a pure function of its config: the same config (seed included)
 * gives the same metrics, byte for byte, apart from wall_s.  Runs share
 * nothing, so several may go at once in different threads.
 */
#ifndef CLOBBER_RUNNER_H
#define CLOBBER_RUNNER_H

#include <signal.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/truth/checker.h"
#include "models/model.h"
#include "sim/truth/history.h"
#include "sim/truth/record.h"

/* The general metrics, in the order they are reported; the policy's own
 * (cfg->policy->metrics) follow them. */
enum metric_id {
	M_OPS,
	M_OPS_OK,
	M_OPS_ABORTED,
	M_OPS_FAILED,
	M_ATTEMPTS,
	M_CONFLICTS,
	M_ABORT_RATE,
	M_WRITES_ACKED,
	M_LOST_UPDATES,
	M_LOST_UPDATE_RATE,
	M_STALE_READS,
	M_UNACKED_EFFECTS,
	M_READS,
	M_STALE_READ_RATE,
	M_RYW,
	M_MONOTONIC,
	M_LATENCY_MEAN,
	M_LATENCY_P50,
	M_LATENCY_P90,
	M_LATENCY_P99,
	M_LATENCY_P999,
	M_LATENCY_MAX,
	M_THROUGHPUT,
	M_MSGS_SENT,
	M_MSGS_LOST,
	M_READ_REPAIRS,
	M_HINTS,
	M_AE_TRANSFERS,
	M_FAILOVERS,
	M_TRUNCATED,
	M_DIVERGED,
	M_SETTLE,
	M_SIM_TIME,
	M_EVENTS,
	M_WALL,
	M_NGENERAL
};

/* The general metrics' descriptions, in that order (NULL-terminated). */
extern const struct metric_info run_metrics[M_NGENERAL + 1];

#define RUN_MAX_METRICS 64

/* Latency of one operation kind, in milliseconds. */
struct kind_latency {
	uint64_t count;
	double mean, p50, p90, p99, p999, max;
};

/* Latency quantiles stored per run (all kinds together): the minimum,
 * every percentile, p99.9, p99.99 and the maximum. */
#define RUN_NQUANTILES 103
extern const double run_quantile_levels[RUN_NQUANTILES];

struct run_result {
	size_t nmetrics;
	const char *metric_name[RUN_MAX_METRICS];
	double metric[RUN_MAX_METRICS];
	struct kind_latency latency[OP_NKINDS]; /* count 0: kind not seen */
	double quantiles_ns[RUN_NQUANTILES];	 /* at run_quantile_levels */
	uint64_t latency_count;			 /* successful operations measured */
	struct check_result check;
	struct record rec;	 /* ops and trace rows, when asked for */
	size_t history_bytes;	 /* peak memory of the history */
	double think_mean_ms;	 /* mean think time drawn (closed loop) */
	bool has_visibility;	 /* every read was recorded: check.vis_* hold PBS visibility */
	const struct policy *policy; /* whose metrics and trace events these are */
	const struct repl *repl;
	int64_t t_stop;		 /* when issuing stopped, ns */
	int64_t failed_at;	 /* a run that failed: the simulated time it stopped at */
	uint64_t instant_limit;	 /* and the events it allowed at one instant (-ELOOP) */
	struct fault_window *faults; /* the fault schedule's occurrences, in the order
					they started (owned; NULL when none) */
	uint32_t nfaults;
};

/* Optional inspection of the world after the run, before it is freed (tests
 * read key values through it).  `world` is a struct world * of models/. */
typedef void runner_inspect_fn(const void *world, const struct history *h,
			       const struct run_result *r, void *arg);

/* Runs cfg.  Returns 0, or a negative error code when the simulator could
 * not go on: -ENOMEM (out of memory), -ERANGE (an event would have lain
 * after KERNEL_TIME_MAX), -ELOOP (the run could not advance time: more than
 * cfg->instant_limit, by default KERNEL_INSTANT_MAX, events at one
 * instant), -E2BIG (cfg->max_events reached), -EINTR (interrupted).  out
 * is then freed, but for out->failed_at and out->instant_limit. */
int runner_run(const struct run_config *cfg, struct run_result *out,
	       runner_inspect_fn *inspect, void *arg);

/* Why a run failed with code rc, in a sentence for the user. */
void runner_strerror(int rc, const struct run_result *r, char *buf, size_t n);

void run_result_free(struct run_result *r);

/* Every run started afterwards stops with -EINTR soon after *flag becomes
 * non-zero (the command line points it at its signal flag).  NULL: never. */
void runner_set_interrupt(const volatile sig_atomic_t *flag);


/* The value of the named metric, or NAN. */
double run_metric(const struct run_result *r, const char *name);

#endif
