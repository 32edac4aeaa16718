/*
 * exec.c - worker threads run the runs and write them in order; the caller
 * waits, draws progress and passes interrupts on.  See exec.h.
 *
 * Memory is bounded by the window, not by the sweep: the plan is one run
 * number per run still to do, and each run's config (11 KiB) and result
 * are made by the worker that runs it, in a slot of a ring of `window`
 * slots, and freed once the run is written.  A sweep of a million runs
 * plans in a few megabytes.
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

/* One run in flight or finished and not yet written. */
struct slot {
	uint64_t run; /* its number in the scenario's run list */
	/* filled by the worker */
	bool done;
	int rc;			 /* runner_run's, or -1 if the run could not be resolved */
	char started_at[32];
	const char *policy;	 /* its policy's name (static) */
	char label[160];	 /* its policy's label */
	uint64_t seed;		 /* its seed */
	char *params;		 /* its identity (JSON) */
	struct run_result res;
};

/* The resolved config and the identity of the last (point, policy), kept
 * by the planner and by each worker between runs.  A sweep's runs come a
 * replication at a time, so most runs resolve and print nothing. */
struct point_cache {
	bool have;
	uint64_t point;
	size_t policy;
	struct run_spec spec;
	struct params_parts parts;
};

static void point_cache_init(struct point_cache *pc)
{
	pc->have = false;
	params_parts_init(&pc->parts);
}

static void point_cache_free(struct point_cache *pc)
{
	if (pc->have)
		run_spec_free(&pc->spec);
	pc->have = false;
	params_parts_free(&pc->parts);
}

/* Makes pc hold (point, policy), resolving it unless it does already.
 * Returns 0, or -1 with d filled. */
static int point_cache_get(struct point_cache *pc, const struct scenario *s, uint64_t point,
			   size_t policy, struct sdiag *d)
{
	if (pc->have && pc->point == point && pc->policy == policy)
		return 0;
	if (pc->have)
		run_spec_free(&pc->spec);
	pc->have = false;
	if (scenario_resolve(s, point, policy, &pc->spec, d) < 0)
		return -1;
	pc->have = true;
	pc->point = point;
	pc->policy = policy;
	params_parts_fill(&pc->parts, s, &pc->spec);
	return 0;
}

struct pool {
	pthread_mutex_t mu;
	pthread_cond_t cv;	 /* workers: room in the window */
	pthread_cond_t main_cv;	 /* the calling thread: the workers are done */
	const struct scenario *s;
	const struct exec_opts *o;
	const uint64_t *todo; /* the runs to do, in run order */
	size_t njobs;
	struct slot *ring;    /* job j in ring[j % window] */
	size_t window;
	size_t next_take;     /* next job a worker starts */
	size_t next_write;    /* next job written */
	bool stop;
	int active;	      /* workers not yet finished */
	/* the writer, one thread at a time (so -j N uses N threads): the
	 * first worker whenever it finds the next run in order finished, and
	 * another worker only when the window is full (it would wait
	 * otherwise) or as it finishes, and the calling thread while nobody
	 * writes (flush_idle).  One thread doing most of the writing keeps
	 * SQLite's pages in its core's cache: with -j 2, tiny runs went 10%
	 * faster than with whichever worker finished the next run writing. */
	bool writing;
	int workers_started;  /* the id of the next worker to start */
	int wrc;	      /* the first failure of a write: -1 (err filled) or -2 */
	struct results *db;
	struct exec_summary *sum;
	char *err;
	size_t errn;
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

static bool interrupted(const struct exec_opts *o)
{
	return o->interrupted && *o->interrupted;
}

/* Resolves, names and runs one job into its slot (outside the lock). */
static void run_job(const struct scenario *s, const struct exec_opts *o, struct point_cache *wc,
		    struct slot *sl)
{
	uint64_t point, rep;
	size_t pol;
	scenario_run_index(s, sl->run, &point, &pol, &rep);
	memset(&sl->res, 0, sizeof(sl->res));
	struct sdiag d;
	if (point_cache_get(wc, s, point, pol, &d) < 0) {
		sl->rc = -1; /* cannot happen after scenario_check: out of memory */
		return;
	}
	struct strbuf b;
	sb_init(&b);
	params_parts_json(&wc->parts, rep, &b);
	if (b.failed) {
		sb_free(&b);
		sl->rc = -ENOMEM;
		return;
	}
	sl->params = b.s;
	sl->policy = wc->spec.cfg.policy->name;
	snprintf(sl->label, sizeof(sl->label), "%s", wc->spec.label);
	struct run_config cfg = wc->spec.cfg;
	cfg.seed += rep;
	sl->seed = cfg.seed;
	cfg.record_ops = o->record_ops;
	cfg.record_trace = o->record_trace;
	utc_now(sl->started_at, sizeof(sl->started_at));
	sl->rc = runner_run(&cfg, &sl->res, NULL, NULL);
}

/* Frees what a slot holds, leaving it empty. */
static void slot_clear(struct slot *sl)
{
	if (sl->rc == 0)
		run_result_free(&sl->res);
	free(sl->params);
	sl->params = NULL;
	sl->done = false;
	sl->rc = 0;
}

static int write_head(struct pool *p, struct slot *sl, uint64_t *written, uint64_t *skipped);

/* Writes the finished runs at the head of the ring, in order, while nobody
 * else is writing (called with the lock held; it is released while a run
 * is written).  A failure stops the pool. */
static void write_ready(struct pool *p)
{
	while (!p->writing && p->wrc == 0 && p->next_write < p->njobs &&
	       p->ring[p->next_write % p->window].done) {
		struct slot *sl = &p->ring[p->next_write % p->window];
		p->writing = true;
		pthread_mutex_unlock(&p->mu);
		uint64_t written = 0, skipped = 0;
		double tw = now_s();
		int rc = write_head(p, sl, &written, &skipped);
		double dt = now_s() - tw;
		uint64_t events = (uint64_t)sl->res.metric[M_EVENTS];
		slot_clear(sl);
		pthread_mutex_lock(&p->mu);
		p->writing = false;
		p->next_write++;
		p->sum->write_s += dt;
		p->sum->written += written;
		p->sum->skipped += skipped;
		p->sum->events += written ? events : 0;
		if (rc < 0) {
			p->wrc = rc;
			p->stop = true;
		}
		pthread_cond_broadcast(&p->cv);
	}
}

/* While nobody writes (called with the lock held, by the calling thread):
 * commits the runs that have waited RESULTS_COMMIT_S, however long the
 * next run takes, then writes any run that finished meanwhile. */
static void flush_idle(struct pool *p)
{
	if (p->writing || p->wrc != 0)
		return;
	p->writing = true;
	pthread_mutex_unlock(&p->mu);
	int rc = results_flush_due(p->db, p->err, p->errn);
	pthread_mutex_lock(&p->mu);
	p->writing = false;
	if (rc < 0) {
		p->wrc = -1;
		p->stop = true;
		pthread_cond_broadcast(&p->cv);
	}
	write_ready(p);
}

/* No job can start until the writer catches up (called with the lock). */
static bool window_full(const struct pool *p)
{
	return p->next_take >= p->next_write + p->window;
}

static void *worker(void *arg)
{
	struct pool *p = arg;
	struct point_cache wc;
	point_cache_init(&wc);
	pthread_mutex_lock(&p->mu);
	bool first = p->workers_started++ == 0;
	for (;;) {
		if (first || window_full(p))
			write_ready(p);
		while (!p->stop && p->next_take < p->njobs && window_full(p))
			pthread_cond_wait(&p->cv, &p->mu);
		if (p->stop || p->next_take >= p->njobs)
			break;
		struct slot *sl = &p->ring[p->next_take % p->window];
		sl->run = p->todo[p->next_take++];
		pthread_mutex_unlock(&p->mu);

		run_job(p->s, p->o, &wc, sl);

		pthread_mutex_lock(&p->mu);
		sl->done = true;
	}
	/* the runs finished before the stop are still written, in order */
	write_ready(p);
	if (--p->active == 0)
		pthread_cond_signal(&p->main_cv);
	pthread_mutex_unlock(&p->mu);
	point_cache_free(&wc);
	return NULL;
}

static void refuse_edited(const struct scenario *s, const char *label, const char *when, char *err,
			  size_t n)
{
	snprintf(err, n,
		 "the database already holds runs of scenario '%s' (%s) made with other parameters%s: "
		 "the scenario changed since they ran, or another --set.  Write to another database "
		 "with -o, or remove the old one",
		 s->name, label, when);
}

/* The list of runs still to do: each selected run whose identity is not
 * stored.  One resolution per (point, policy); each stored run is found
 * by index, so planning is O(runs log runs) however many are stored, and
 * when no run of the scenario is stored, none is looked for (a new sweep's
 * planning was an eighth of its tiny runs' time with -j 2).
 * Returns 0, -1 (err filled) or -2 (interrupted). */
static int plan(const struct scenario *s, struct results *db, const struct exec_opts *o,
		uint64_t **out, size_t *nout, uint64_t *skipped, char *err, size_t n)
{
	uint64_t runs = scenario_runs(s);
	uint64_t *todo = malloc((runs ? runs : 1) * sizeof(*todo));
	if (!todo) {
		snprintf(err, n, "out of memory");
		return -1;
	}
	size_t nj = 0;
	int rc = 0;
	results_planning(db); /* before the first check: see results.h */
	bool stored;
	if (results_has_scenario(db, s->name, &stored, err, n) < 0) {
		free(todo);
		return -1;
	}
	struct strbuf b;
	sb_init(&b);
	struct point_cache pc;
	point_cache_init(&pc);
	for (uint64_t i = 0; i < runs && rc == 0; i++) {
		if (o->select && !o->select[i])
			continue;
		if (interrupted(o)) {
			rc = -2;
			break;
		}
		if (!stored) {
			todo[nj++] = i;
			continue;
		}
		uint64_t point, rep;
		size_t pol;
		scenario_run_index(s, i, &point, &pol, &rep);
		struct sdiag d;
		if (point_cache_get(&pc, s, point, pol, &d) < 0) {
			snprintf(err, n, "%s", d.text);
			rc = -1;
			break;
		}
		sb_reset(&b);
		params_parts_json(&pc.parts, rep, &b);
		if (b.failed) {
			snprintf(err, n, "out of memory");
			rc = -1;
			break;
		}
		bool done, conflict;
		if (results_has_run(db, s->name, b.s, &done, err, n) < 0) {
			rc = -1;
		} else if (done) {
			(*skipped)++;
		} else if (results_conflict(db, s->name, pc.spec.label, rep, b.s, &conflict, err, n) < 0) {
			rc = -1;
		} else if (conflict) {
			refuse_edited(s, pc.spec.label, "", err, n);
			rc = -1;
		} else {
			todo[nj++] = i;
		}
	}
	point_cache_free(&pc);
	sb_free(&b);
	if (rc < 0) {
		free(todo);
		return rc;
	}
	*out = todo;
	*nout = nj;
	return 0;
}

static int write_slot(const struct scenario *s, struct results *db, const struct slot *sl,
		      char *err, size_t n)
{
	const char *names[SCENARIO_MAX_AXES], *values[SCENARIO_MAX_AXES];
	size_t naxes = s->naxes; /* <= SCENARIO_MAX_AXES: the loader refuses more */
	uint64_t point, rep;
	size_t pol;
	scenario_run_index(s, sl->run, &point, &pol, &rep);
	for (size_t a = 0; a < naxes; a++) {
		names[a] = s->axes[a].name;
		values[a] = scenario_axis_value(s, point, a);
	}
	struct run_row row = {
		.scenario = s->name,
		.policy = sl->policy,
		.label = sl->label,
		.seed = sl->seed,
		.replication = rep,
		.point = point,
		.params = sl->params,
		.started_at = sl->started_at,
		.naxes = naxes,
		.axis_names = names,
		.axis_values = values,
	};
	int rc = results_write_run(db, &row, &sl->res, err, n);
	if (rc == 2) {
		refuse_edited(s, sl->label, " (another clobber run wrote them meanwhile)", err, n);
		return -1;
	}
	return rc;
}

/* Writes a finished run (the lock not held; only the writer calls it).
 * Returns 0 (written, or skipped: another process wrote it), -1 (err
 * filled) or -2 (abandoned: interrupted). */
static int write_head(struct pool *p, struct slot *sl, uint64_t *written, uint64_t *skipped)
{
	const struct scenario *s = p->s;
	uint64_t point, rep;
	size_t pol;
	scenario_run_index(s, sl->run, &point, &pol, &rep);
	if (sl->rc == -EINTR)
		return -2; /* interrupted: abandoned, nothing written */
	if (sl->rc < 0) {
		char why[600];
		runner_strerror(sl->rc, &sl->res, why, sizeof(why));
		snprintf(p->err, p->errn, "%s: run %llu (%s, seed %llu) failed: %s", s->name,
			 (unsigned long long)sl->run, s->policies[pol].label,
			 (unsigned long long)(s->seed + rep), why);
		return -1;
	}
	int wrc = write_slot(s, p->db, sl, p->err, p->errn);
	if (wrc == 0)
		*written = 1;
	else if (wrc == 1)
		*skipped = 1; /* another process wrote it meanwhile */
	return wrc == 1 ? 0 : wrc;
}

int exec_scenario(const struct scenario *s, struct results *db, const struct exec_opts *o,
		  struct exec_summary *sum, char *err, size_t n)
{
	memset(sum, 0, sizeof(*sum));
	sum->runs = scenario_runs(s);
	double t0 = now_s();
	struct pool p = {.s = s, .o = o, .db = db, .sum = sum, .err = err, .errn = n};
	uint64_t *todo = NULL;
	int rc = plan(s, db, o, &todo, &p.njobs, &sum->skipped, err, n);
	sum->plan_s = now_s() - t0;
	if (rc < 0) {
		sum->wall = now_s() - t0;
		return rc;
	}
	p.todo = todo;
	if (o->select)
		sum->runs = p.njobs + sum->skipped;
	int nworkers = o->jobs < 1 ? 1 : o->jobs;
	if ((size_t)nworkers > p.njobs)
		nworkers = (int)p.njobs;
	p.window = exec_window(nworkers, o->record_ops || o->record_trace);
	p.ring = calloc(p.window, sizeof(*p.ring));
	pthread_t *threads = calloc((size_t)(nworkers ? nworkers : 1), sizeof(*threads));
	pthread_mutex_init(&p.mu, NULL);
	pthread_cond_init(&p.cv, NULL);
	pthread_cond_init(&p.main_cv, NULL);
	int started = 0;
	rc = -1;
	if (!threads || !p.ring) {
		snprintf(err, n, "out of memory");
		goto out_threads;
	}
	pthread_mutex_lock(&p.mu);
	for (; started < nworkers; started++) {
		if (pthread_create(&threads[started], NULL, worker, &p) != 0)
			break;
		p.active++;
	}
	pthread_mutex_unlock(&p.mu);
	if (started == 0 && p.njobs > 0) {
		snprintf(err, n, "cannot start worker threads: %s", strerror(errno));
		goto out_threads;
	}
	struct progress prog;
	progress_init(&prog, s->name, p.njobs, o->progress);
	rc = 0;
	/* the workers run and write; this thread draws progress and passes
	 * an interrupt on: no run starts any more, the ones running stop with
	 * -EINTR, finished ones before them are still written, in order */
	pthread_mutex_lock(&p.mu);
	while (p.active > 0) {
		if (interrupted(o) && !p.stop) {
			p.stop = true;
			pthread_cond_broadcast(&p.cv);
		}
		struct timespec until;
		clock_gettime(CLOCK_REALTIME, &until);
		until.tv_nsec += 200 * 1000000L;
		if (until.tv_nsec >= 1000000000L) {
			until.tv_sec++;
			until.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&p.main_cv, &p.mu, &until);
		progress_update(&prog, sum->written, sum->events);
		flush_idle(&p);
	}
	rc = p.wrc;
	if (rc == 0 && p.next_write < p.njobs)
		rc = -2; /* stopped by an interrupt before the last run */
	pthread_mutex_unlock(&p.mu);
	progress_end(&prog);
out_threads:
	for (int i = 0; i < started; i++)
		pthread_join(threads[i], NULL);
	free(threads);
	/* the workers have stopped: every slot taken and not written is done */
	for (size_t j = p.next_write; p.ring && j < p.next_take; j++)
		slot_clear(&p.ring[j % p.window]);
	free(p.ring);
	pthread_cond_destroy(&p.cv);
	pthread_cond_destroy(&p.main_cv);
	pthread_mutex_destroy(&p.mu);
	free(todo);
	/* commit the whole runs written (after a failure too: they are whole) */
	char ferr[600];
	if (results_flush(db, ferr, sizeof(ferr)) < 0 && rc != -1) {
		snprintf(err, n, "%s", ferr);
		rc = -1;
	}
	sum->wall = now_s() - t0;
	return rc;
}

size_t exec_window(int workers, bool recording)
{
	size_t w = workers < 1 ? 1 : (size_t)workers;
	/* runs ahead of the writer: enough to keep every worker busy while
	 * one run is written; recorded runs are large, so fewer of them wait */
	return recording ? 2 * w + 1 : 4 * w + 8;
}
