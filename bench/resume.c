/*
 * resume.c - planning a resumed sweep, loading a reversed script.  See
 * resume.h.  Before runs were looked up by index, resuming 10000 runs with
 * 5000 stored took 31 s to plan (1.8 s fresh), and a reversed script was
 * sorted in quadratic time.
 */
#include "bench/resume.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "sim/app/exec.h"
#include "sim/app/results.h"
#include "sim/app/scenario.h"
#include "sim/core/strbuf.h"

static double mono_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void bench_unlink_db(const char *path)
{
	char extra[80];
	unlink(path);
	snprintf(extra, sizeof(extra), "%s-wal", path);
	unlink(extra);
	snprintf(extra, sizeof(extra), "%s-shm", path);
	unlink(extra);
}

/* A sweep of values x values runs of one operation each. */
static struct scenario *small_runs(int values)
{
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "name: resume\npolicies: [lww]\nstop: {ops: 1}\nsweep:\n  a: [");
	for (int i = 0; i < values; i++)
		sb_printf(&b, "%s%d", i ? "," : "", i + 1);
	sb_puts(&b, "]\n  b: [");
	for (int i = 0; i < values; i++)
		sb_printf(&b, "%s%d", i ? "," : "", i + 1);
	sb_puts(&b, "]\nworkload: {clients: $a, retries: $b}\n");
	struct sdiag d;
	struct scenario *s = scenario_parse("resume.yaml", b.s, b.len, NULL, 0, &d);
	sb_free(&b);
	if (!s)
		printf("resume: %s\n", d.text);
	return s;
}

static void plan_times(bool quick)
{
	struct scenario *s = small_runs(quick ? 30 : 100);
	if (!s)
		return;
	uint64_t runs = scenario_runs(s);
	bool *half = calloc(runs, sizeof(*half));
	char path[64], err[512];
	snprintf(path, sizeof(path), "/tmp/clobber-bench-resume-%d.db", (int)getpid());
	struct results *db;
	if (!half || results_open(path, true, &db, err, sizeof(err)) < 0) {
		printf("resume: cannot open %s\n", path);
		free(half);
		scenario_free(s);
		return;
	}
	for (uint64_t i = 0; i < runs; i++)
		half[i] = i % 2 == 0;
	struct exec_opts o = {.jobs = 2, .select = half};
	struct exec_summary fresh, resumed;
	int rc = exec_scenario(s, db, &o, &fresh, err, sizeof(err));
	o.select = NULL;
	if (rc == 0)
		rc = exec_scenario(s, db, &o, &resumed, err, sizeof(err));
	results_close(db);
	bench_unlink_db(path);
	free(half);
	scenario_free(s);
	if (rc < 0) {
		printf("resume: %s\n", err);
		return;
	}
	printf("\nplanning %llu runs: %.3f s with none stored, %.3f s with %llu stored (%.1f us a run)\n",
	       (unsigned long long)runs, fresh.plan_s, resumed.plan_s,
	       (unsigned long long)resumed.skipped, resumed.plan_s / (double)runs * 1e6);
}

static void script_time(void)
{
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "name: sort\npolicies: [lww]\nworkload:\n  clients: 2\n  arrival: script\n  script:\n");
	for (int i = 0; i < 100000; i++)
		sb_printf(&b, "    - {at: %dms, client: %d}\n", 100000 - i, i % 2);
	double t0 = mono_s();
	struct sdiag d;
	struct scenario *s = scenario_parse("sort.yaml", b.s, b.len, NULL, 0, &d);
	struct run_spec r;
	if (s && scenario_resolve(s, 0, 0, &r, &d) == 0) {
		printf("loading a reversed script of 100000 operations: %.3f s\n", mono_s() - t0);
		run_spec_free(&r);
	}
	scenario_free(s);
	sb_free(&b);
}

void bench_resume(bool quick)
{
	plan_times(quick);
	script_time();
}
