/*
 * exec.c - worker threads run, the caller writes in order.  See exec.h.
 */
#include "sim/app/exec.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "models/model.h"
#include "sim/app/progress.h"
#include "sim/app/runner.h"

struct job {
	size_t spec;	  /* index of the (point, policy) spec */
	uint64_t rep;
	char *params;
	/* filled by the worker */
	bool done;
	int rc;
	char started_at[32];
	struct run_result res;
};

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	const struct run_spec *specs;
	const struct exec_opts *o;
	struct job *jobs;
	size_t njobs;
	size_t next_take;  /* next job a worker starts */
	size_t next_write; /* next job the writer writes */
	size_t window;
	bool stop;
};

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void utc_now(char *buf, size_t n)
{
	time_t t = time(NULL);
	struct tm tm;
	gmtime_r(&t, &tm);
	strftime(buf, n, "%Y-%m-%dT%H:%M:%SZ", &tm);
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	pthread_mutex_lock(&p->mu);
	for (;;) {
		while (!p->stop && p->next_take < p->njobs &&
		       p->next_take >= p->next_write + p->window)
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || p->next_take >= p->njobs)
			break;
		struct job *j = &p->jobs[p->next_take++];
		pthread_mutex_unlock(&p->mu);

		struct run_config cfg = p->specs[j->spec].cfg;
		cfg.seed += j->rep;
		cfg.record_ops = p->o->record_ops;
		cfg.record_trace = p->o->record_trace;
		char started[32];
		utc_now(started, sizeof(started));
		struct run_result res;
		int rc = runner_run(&cfg, &res, NULL, NULL);

		pthread_mutex_lock(&p->mu);
		memcpy(j->started_at, started, sizeof(started));
		j->rc = rc;
		j->res = res;
		j->done = true;
		pthread_cond_broadcast(&p->cv);
	}
	pthread_mutex_unlock(&p->mu);
	return NULL;
}

/* Builds the list of runs still to do; specs[point * npolicies + policy]. */
static int plan(const struct scenario *s, struct results *db, struct run_spec *specs,
		const bool *select, struct job **out, size_t *nout, uint64_t *skipped, char *err,
		size_t n)
{
	uint64_t runs = scenario_runs(s);
	struct job *jobs = calloc(runs ? runs : 1, sizeof(*jobs));
	if (!jobs) {
		snprintf(err, n, "out of memory");
		return -1;
	}
	size_t nj = 0;
	struct strbuf b;
	sb_init(&b);
	for (uint64_t i = 0; i < runs; i++) {
		if (select && !select[i])
			continue;
		uint64_t point, rep;
		size_t pol;
		scenario_run_index(s, i, &point, &pol, &rep);
		size_t spec = (size_t)(point * s->npolicies + pol);
		sb_reset(&b);
		scenario_params_json(s, &specs[spec], rep, &b);
		if (b.failed)
			goto out_nomem;
		bool done;
		if (results_has_run(db, s->name, b.s, &done, err, n) < 0)
			goto out_fail;
		if (done) {
			(*skipped)++;
			continue;
		}
		bool conflict;
		if (results_conflict(db, s->name, specs[spec].label, rep, b.s, &conflict, err, n) < 0)
			goto out_fail;
		if (conflict) {
			snprintf(err, n,
				 "the database already holds runs of scenario '%s' (%s) made with other parameters: "
				 "the scenario changed since they ran.  Write to another database with -o, or "
				 "remove the old one",
				 s->name, specs[spec].label);
			goto out_fail;
		}
		jobs[nj].spec = spec;
		jobs[nj].rep = rep;
		jobs[nj].params = strdup(b.s);
		if (!jobs[nj].params)
			goto out_nomem;
		nj++;
	}
	sb_free(&b);
	*out = jobs;
	*nout = nj;
	return 0;
out_nomem:
	snprintf(err, n, "out of memory");
out_fail:
	for (size_t i = 0; i < nj; i++)
		free(jobs[i].params);
	free(jobs);
	sb_free(&b);
	return -1;
}

static int write_job(const struct scenario *s, struct results *db, const struct run_spec *spec,
		     const struct job *j, char *err, size_t n)
{
	const char *names[SCENARIO_MAX_AXES], *values[SCENARIO_MAX_AXES];
	size_t naxes = s->naxes; /* <= SCENARIO_MAX_AXES: the loader refuses more */
	for (size_t a = 0; a < naxes; a++) {
		names[a] = s->axes[a].name;
		values[a] = scenario_axis_value(s, spec->point, a);
	}
	struct run_row row = {
		.scenario = s->name,
		.policy = spec->cfg.policy->name,
		.label = spec->label,
		.seed = spec->cfg.seed + j->rep,
		.replication = j->rep,
		.point = spec->point,
		.params = j->params,
		.started_at = j->started_at,
		.naxes = naxes,
		.axis_names = names,
		.axis_values = values,
	};
	return results_write_run(db, &row, &j->res, err, n);
}

int exec_scenario(const struct scenario *s, struct results *db, const struct exec_opts *o,
		  struct exec_summary *sum, char *err, size_t n)
{
	memset(sum, 0, sizeof(*sum));
	sum->runs = scenario_runs(s);
	double t0 = now_s();
	size_t nspecs = (size_t)(s->npoints * s->npolicies);
	struct run_spec *specs = calloc(nspecs, sizeof(*specs));
	if (!specs) {
		snprintf(err, n, "out of memory");
		return -1;
	}
	int rc = -1;
	size_t resolved = 0;
	for (; resolved < nspecs; resolved++) {
		struct sdiag d;
		if (scenario_resolve(s, resolved / s->npolicies, resolved % s->npolicies,
				     &specs[resolved], &d) < 0) {
			snprintf(err, n, "%s", d.text);
			goto out_specs;
		}
	}
	struct pool p = {.specs = specs, .o = o};
	double tplan = now_s();
	if (plan(s, db, specs, o->select, &p.jobs, &p.njobs, &sum->skipped, err, n) < 0)
		goto out_specs;
	if (o->select)
		sum->runs = p.njobs + sum->skipped;
	sum->plan_s = now_s() - tplan;
	int nworkers = o->jobs < 1 ? 1 : o->jobs;
	if ((size_t)nworkers > p.njobs)
		nworkers = (int)p.njobs;
	p.window = 4 * (size_t)nworkers + 8;
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	pthread_t *threads = calloc((size_t)(nworkers ? nworkers : 1), sizeof(*threads));
	int started = 0;
	if (!threads) {
		snprintf(err, n, "out of memory");
		goto out_jobs;
	}
	for (; started < nworkers; started++)
		if (pthread_create(&threads[started], NULL, worker, &p) != 0)
			break;
	if (started == 0 && p.njobs > 0) {
		snprintf(err, n, "cannot start worker threads: %s", strerror(errno));
		goto out_threads;
	}
	struct progress prog;
	progress_init(&prog, s->name, p.njobs, o->progress);
	rc = 0;
	pthread_mutex_lock(&p.mu);
	while (p.next_write < p.njobs) {
		struct job *j = &p.jobs[p.next_write];
		if (j->done) {
			pthread_mutex_unlock(&p.mu);
			int wrc = 0;
			if (j->rc == -EINTR) {
				wrc = -2; /* interrupted: abandoned, nothing written */
			} else if (j->rc < 0) {
				snprintf(err, n, "%s: run %zu (%s, seed %llu) failed: out of memory",
					 s->name, p.next_write, specs[j->spec].label,
					 (unsigned long long)(specs[j->spec].cfg.seed + j->rep));
				wrc = -1;
			} else {
				double tw = now_s();
				wrc = write_job(s, db, &specs[j->spec], j, err, n);
				sum->write_s += now_s() - tw;
			}
			if (wrc == 0) {
				sum->written++;
				sum->events += (uint64_t)j->res.metric[M_EVENTS];
			} else if (wrc == 1) {
				sum->skipped++; /* another process wrote it meanwhile */
				wrc = 0;
			}
			if (j->rc == 0)
				run_result_free(&j->res);
			j->done = false;
			pthread_mutex_lock(&p.mu);
			p.next_write++;
			pthread_cond_broadcast(&p.cv);
			progress_update(&prog, sum->written, sum->events);
			if (wrc < 0) {
				rc = wrc; /* p.stop is set below, with the lock held */
				break;
			}
			continue;
		}
		if (o->interrupted && *o->interrupted) {
			/* no run starts any more; the ones running stop with -EINTR;
			 * finished ones before them are still written, in order */
			rc = -2;
			p.stop = true;
			pthread_cond_broadcast(&p.cv);
			if (p.next_write >= p.next_take)
				break; /* the next run never started */
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p.cv, &p.mu, &until);
		progress_update(&prog, sum->written, sum->events);
	}
	p.stop = true; /* also when the loop ended normally: workers exit */
	pthread_cond_broadcast(&p.cv);
	pthread_mutex_unlock(&p.mu);
	progress_end(&prog);
out_threads:
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	for (size_t i = 0; i < p.njobs; i++)
		if (p.jobs[i].done && p.jobs[i].rc == 0)
			run_result_free(&p.jobs[i].res);
	pthread_cond_destroy(&p.cv);
	pthread_mutex_destroy(&p.mu);
out_jobs:
	for (size_t i = 0; i < p.njobs; i++)
		free(p.jobs[i].params);
	free(p.jobs);
out_specs:
	for (size_t i = 0; i < resolved; i++)
		run_spec_free(&specs[i]);
	free(specs);
	sum->wall = now_s() - t0;
	return rc;
}
