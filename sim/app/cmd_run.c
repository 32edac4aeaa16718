/*
 * cmd_run.c - `clobber run` and `clobber check`.
 *
 * Both load and fully check every scenario first; `run` runs nothing and
 * writes nothing unless all of them are valid.  With --shard I/N both take
 * the I-th of N slices of the run list of all the scenarios (shard.h).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sqlite3.h>

#include "sim/app/cli.h"
#include "sim/app/escape.h"
#include "sim/app/exec.h"
#include "sim/app/results.h"
#include "sim/app/runner.h"
#include "sim/app/scenario.h"
#include "sim/app/shard.h"

static const char run_help[] =
	"usage: clobber run SCENARIO... [-o DB] [-j N] [--set NAME=VALUE]... [--record ops|trace]\n"
	"                   [--shard I/N]\n"
	"\n"
	"Runs every run of each scenario (sweep points x policies x replications) and\n"
	"stores them in results/NAME.db, NAME being the scenario's name.  Runs already\n"
	"in the database are skipped, so an interrupted sweep is completed by running\n"
	"it again.\n"
	"\n"
	"  -o DB              write to DB instead (every scenario into the same file)\n"
	"  -j N               run N runs at once (default: the number of cores)\n"
	"  --set NAME=VALUE   override a sweep axis (--set skew=[0ms,5ms]) or any key\n"
	"                     by its path (--set workload.clients=4); VALUE is YAML\n"
	"  --record ops       also store one row per operation (table ops)\n"
	"  --record trace     also store every message and decision (table trace)\n"
	"  --shard I/N        run only slice I of N of the run list of all the scenarios\n"
	"                     given: the same slices on every machine, balanced by\n"
	"                     estimated cost; combine the databases with clobber merge\n"
	"\n"
	"On a terminal, progress is shown on stderr; otherwise only the summary.\n";

static const char check_help[] =
	"usage: clobber check SCENARIO... [--set NAME=VALUE]... [--shard I/N]\n"
	"\n"
	"Validates each scenario, resolving every sweep point with every policy, and\n"
	"prints how many runs it expands to.  Exit status 2 and a message naming the\n"
	"file, line and column if anything is wrong.\n"
	"\n"
	"  --shard I/N        also print the runs of slice I of N (as run --shard I/N\n"
	"                     would run them) and each slice's estimated cost\n";

static bool same_file(const char *a, const char *b)
{
	char fa[128], fb[128];
	scenario_file_name(a, fa, sizeof(fa));
	scenario_file_name(b, fb, sizeof(fb));
	return strcmp(fa, fb) == 0;
}

/* Loads and checks every scenario of a->pos; NULL after printing errors.
 * When running without -o (each scenario into its own results/NAME.db),
 * two scenarios may not share a database file; check validates each file
 * alone. */
static struct scenario **load_all(const struct cli_args *a, bool running,
				  struct scenario_memory *mem)
{
	struct scenario **sc = calloc(a->npos, sizeof(*sc));
	if (!sc)
		return NULL;
	bool ok = true;
	for (size_t i = 0; i < a->npos; i++) {
		struct sdiag d;
		sc[i] = scenario_load(a->pos[i], a->sets, a->nsets, &d);
		if (sc[i] && scenario_check_memory(sc[i], a->record_ops, a->record_trace,
						   mem ? &mem[i] : NULL, &d) < 0) {
			scenario_free(sc[i]);
			sc[i] = NULL;
		}
		if (!sc[i]) {
			fprintf(stderr, "%s\n", d.text);
			ok = false;
		}
	}
	for (size_t i = 0; ok && i < a->npos; i++)
		for (size_t j = 0; j < i; j++)
			if (running && !a->out && same_file(sc[i]->name, sc[j]->name)) {
				fprintf(stderr, "%s: its results would go to the same file as %s's (name '%s'); use -o, or rename one\n",
					a->pos[i], a->pos[j], sc[i]->name);
				ok = false;
			}
	if (!ok) {
		for (size_t i = 0; i < a->npos; i++)
			scenario_free(sc[i]);
		free(sc);
		return NULL;
	}
	return sc;
}

/* --shard I/N into *sh (count 0 without the option); EXIT_USAGE after
 * printing the problem. */
static int parse_shard(const struct cli_args *a, struct shard *sh)
{
	sh->index = sh->count = 0;
	char err[256];
	if (a->shard && shard_parse(a->shard, sh, err, sizeof(err)) < 0)
		return cli_usage_error(a->cmd, "%s", err);
	return 0;
}

/* check --shard: the runs of one slice, one line each, and the balance. */
static int print_slice(struct scenario **sc, const struct cli_args *a, struct shard sh)
{
	struct shard_plan p;
	char err[1024];
	if (shard_plan_build(sc, a->npos, sh.count, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber check: %s\n", err);
		return EXIT_RUNTIME;
	}
	size_t in_slice = 0;
	uint64_t largest = 0;
	for (size_t i = 0; i < p.nruns; i++)
		in_slice += p.runs[i].slice == sh.index;
	for (unsigned k = 0; k < p.count; k++)
		largest = p.load[k] > largest ? p.load[k] : largest;
	double total = p.total ? (double)p.total : 1;
	printf("shard %u/%u: %zu of %zu runs, estimated cost %.4g of %.4g events (%.1f%%; the largest slice %.1f%%)\n",
	       sh.index, sh.count, in_slice, p.nruns, (double)p.load[sh.index - 1], (double)p.total,
	       100.0 * (double)p.load[sh.index - 1] / total, 100.0 * (double)largest / total);
	for (size_t i = 0; i < p.nruns; i++) {
		const struct shard_run *r = &p.runs[i];
		if (r->slice != sh.index)
			continue;
		const struct scenario *s = sc[r->scenario];
		uint64_t point, rep;
		size_t pol;
		scenario_run_index(s, r->run, &point, &pol, &rep);
		printf("  %s: run %llu: point %llu", s->name, (unsigned long long)r->run,
		       (unsigned long long)point);
		for (size_t ax = 0; ax < s->naxes; ax++)
			printf("%s%s=%s", ax ? ", " : " (", s->axes[ax].name, scenario_axis_value(s, point, ax));
		printf("%s, %s, replication %llu, seed %llu, cost %llu\n", s->naxes ? ")" : "",
		       s->policies[pol].label, (unsigned long long)rep,
		       (unsigned long long)(s->seed + rep), (unsigned long long)r->cost);
	}
	shard_plan_free(&p);
	return EXIT_OK;
}

int cmd_check(int argc, char **argv)
{
	struct cli_args a;
	struct shard sh;
	int rc = cli_parse(argc, argv, 2, "check", "set shard", check_help, &a);
	if (rc || a.help)
		goto out;
	if (a.npos == 0) {
		rc = cli_usage_error("check", "name at least one scenario file");
		goto out;
	}
	if ((rc = parse_shard(&a, &sh)))
		goto out;
	struct scenario **sc = load_all(&a, false, NULL);
	if (!sc) {
		rc = EXIT_USAGE;
		goto out;
	}
	if (sh.count)
		rc = print_slice(sc, &a, sh);
	for (size_t i = 0; i < a.npos; i++) {
		struct scenario *s = sc[i];
		printf("%s: %s: %llu point%s x %zu polic%s x %llu replication%s = %llu runs\n", a.pos[i],
		       s->name, (unsigned long long)s->npoints, s->npoints == 1 ? "" : "s",
		       s->npolicies, s->npolicies == 1 ? "y" : "ies",
		       (unsigned long long)s->replications, s->replications == 1 ? "" : "s",
		       (unsigned long long)scenario_runs(s));
	}
	for (size_t i = 0; i < a.npos; i++)
		scenario_free(sc[i]);
	free(sc);
out:
	cli_args_free(&a);
	return rc;
}

/* Refuses to run what cannot fit in this machine's memory: `jobs` runs at
 * once (no more than the scenario has), each up to its estimate with the
 * recording asked for, and the finished runs waiting to be written with
 * their recorded rows (exec_window).  Says what to lower.  EXIT_USAGE
 * after printing, else 0. */
static int check_memory(const struct cli_args *a, const struct scenario *s,
			const struct scenario_memory *m, int jobs)
{
	double ram = (double)sysconf(_SC_PHYS_PAGES) * (double)sysconf(_SC_PAGESIZE);
	bool recording = a->record_ops || a->record_trace;
	uint64_t runs = scenario_runs(s);
	int w = runs < (uint64_t)jobs ? (int)runs : jobs;
	if (!(ram > 0) || w < 1)
		return 0;
	double allowed = 0.8 * ram;
	double need = 0;
	int fits = 0; /* the most workers that fit */
	for (int k = 1; k <= w; k++) {
		double at_k = k * m->run + (double)(exec_window(k, recording) - (size_t)k) * m->kept;
		if (at_k <= allowed)
			fits = k;
		need = at_k;
	}
	if (need <= allowed)
		return 0;
	const char *rec = a->record_trace ? "--record trace" : a->record_ops ? "--record ops" : NULL;
	char what[300];
	if (fits > 0)
		snprintf(what, sizeof(what), "use -j %d or less%s%s, or make the runs smaller", fits,
			 rec ? ", or drop " : "", rec ? rec : "");
	else if (rec)
		snprintf(what, sizeof(what), "drop %s (its rows need about %.1f GiB a run), or make the runs smaller",
			 rec, m->kept / 1073741824.0);
	else
		snprintf(what, sizeof(what), "make the runs smaller");
	char part[120] = "";
	if (rec && m->kept > 0)
		snprintf(part, sizeof(part), " (%.1f GiB of it %s rows, which also %zu finished run%s keep "
			 "until written)", m->kept / 1073741824.0, rec, exec_window(w, true) - (size_t)w,
			 exec_window(w, true) - (size_t)w == 1 ? "" : "s");
	fprintf(stderr,
		"clobber run: %s: %d run%s at once (-j %d) would need about %.1f GiB of memory, each up "
		"to %.1f GiB%s, more than this machine's %.1f GiB allows: %s (stop.ops or stop.time, "
		"workload.clients)\n",
		s->path, w, w == 1 ? "" : "s", jobs, need / 1073741824.0, m->run / 1073741824.0, part,
		ram / 1073741824.0, what);
	return EXIT_USAGE;
}

/* results/NAME.db, creating results/ if needed. */
static int db_path(const struct cli_args *a, const struct scenario *s, char *buf, size_t n)
{
	if (a->out) {
		snprintf(buf, n, "%s", a->out);
		return 0;
	}
	if (mkdir("results", 0777) < 0 && errno != EEXIST) {
		fprintf(stderr, "clobber run: cannot create the directory results/: %s\n",
			strerror(errno));
		return -1;
	}
	char file[128];
	scenario_file_name(s->name, file, sizeof(file));
	snprintf(buf, n, "results/%s.db", file);
	return 0;
}

/* Without -o, results/NAME.db is the scenario's own: refuses one that
 * holds runs of another scenario whose name makes the same file name
 * ('.', '*' and '?' all make _.db), which would mix two experiments in one
 * file.  Returns 0, or EXIT_USAGE after printing. */
static int own_file(struct results *db, const struct scenario *s, const char *path)
{
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(results_db(db), "SELECT DISTINCT scenario FROM runs", -1, &st, NULL) !=
	    SQLITE_OK)
		return 0; /* results_open checked the schema: nothing to say here */
	int rc = 0;
	while (rc == 0 && sqlite3_step(st) == SQLITE_ROW) {
		const char *other = (const char *)sqlite3_column_text(st, 0);
		if (!other || strcmp(other, s->name) == 0 || !same_file(other, s->name))
			continue;
		fprintf(stderr, "clobber run: %s: its results would go to %s, which holds runs of scenario '",
			s->path, path);
		esc_term_fputs(other, stderr);
		fprintf(stderr, "': the two names make the same file name; rename one, or use -o\n");
		rc = EXIT_USAGE;
	}
	sqlite3_finalize(st);
	return rc;
}

/* run --shard: sel[i] for each scenario, the flags of its runs in the
 * slice.  Returns 0, or -1 after printing the problem. */
static int select_slice(struct scenario **sc, const struct cli_args *a, struct shard sh,
			bool **sel)
{
	struct shard_plan p;
	char err[1024];
	if (shard_plan_build(sc, a->npos, sh.count, &p, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber run: %s\n", err);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < a->npos && rc == 0; i++)
		if (!(sel[i] = shard_select(&p, i, scenario_runs(sc[i]), sh.index))) {
			fprintf(stderr, "clobber run: out of memory\n");
			rc = -1;
		}
	shard_plan_free(&p);
	return rc;
}

int cmd_run(int argc, char **argv)
{
	struct cli_args a;
	struct shard sh;
	int rc = cli_parse(argc, argv, 2, "run", "o j set record shard", run_help, &a);
	if (rc || a.help)
		goto out;
	if (a.npos == 0) {
		rc = cli_usage_error("run", "name at least one scenario file");
		goto out;
	}
	if ((rc = parse_shard(&a, &sh)))
		goto out;
	char err[1024];
	if (a.out && results_check_out_path(a.out, err, sizeof(err)) < 0) {
		rc = cli_usage_error("run", "%s", err);
		goto out;
	}
	struct scenario_memory *mem = calloc(a.npos, sizeof(*mem));
	struct scenario **sc = mem ? load_all(&a, true, mem) : NULL;
	if (!sc) {
		free(mem);
		rc = EXIT_USAGE;
		goto out;
	}
	long cores = sysconf(_SC_NPROCESSORS_ONLN);
	int jobs = a.jobs ? a.jobs : (cores > 0 ? (int)cores : 1);
	for (size_t i = 0; i < a.npos && rc == 0; i++)
		rc = check_memory(&a, sc[i], &mem[i], jobs);
	free(mem);
	if (rc) {
		for (size_t i = 0; i < a.npos; i++)
			scenario_free(sc[i]);
		free(sc);
		goto out;
	}
	bool **sel = calloc(a.npos, sizeof(*sel)); /* per scenario: the runs of the slice */
	if (!sel || (sh.count && select_slice(sc, &a, sh, sel) < 0)) {
		rc = EXIT_RUNTIME;
		goto out_free;
	}
	struct exec_opts o = {
		.jobs = jobs,
		.record_ops = a.record_ops,
		.record_trace = a.record_trace,
		.progress = isatty(STDERR_FILENO),
		.interrupted = &cli_interrupted,
	};
	cli_catch_signals();
	runner_set_interrupt(&cli_interrupted);
	results_set_interrupt(&cli_interrupted);
	for (size_t i = 0; i < a.npos && rc == 0; i++) {
		struct scenario *s = sc[i];
		char path[4096];
		struct results *db = NULL;
		if (db_path(&a, s, path, sizeof(path)) < 0) {
			rc = EXIT_RUNTIME;
			break;
		}
		if (results_open(path, true, &db, err, sizeof(err)) < 0) {
			if (cli_interrupted) {
				/* while waiting for another process holding it */
				fprintf(stderr,
					"clobber run: interrupted while waiting for another process writing %s: "
					"nothing of %s was written; run the same command again\n",
					path, s->name);
				rc = cli_interrupted == SIGTERM ? 143 : 130;
				break;
			}
			fprintf(stderr, "clobber run: %s\n", err);
			rc = EXIT_RUNTIME;
			break;
		}
		if (!a.out && (rc = own_file(db, s, path)) != 0) {
			results_close(db);
			break;
		}
		struct exec_summary sum;
		o.select = sel[i];
		int erc = exec_scenario(s, db, &o, &sum, err, sizeof(err));
		results_close(db);
		if (erc == -2) {
			fprintf(stderr,
				"clobber run: interrupted: %llu runs of %s are stored in %s; run the same command again to complete the sweep\n",
				(unsigned long long)(sum.skipped + sum.written), s->name, path);
			rc = cli_interrupted == SIGTERM ? 143 : 130;
			break;
		}
		if (erc < 0) {
			fprintf(stderr, "clobber run: %s\n", err);
			rc = EXIT_RUNTIME;
			break;
		}
		char slice[64] = "";
		if (sh.count)
			snprintf(slice, sizeof(slice), " of shard %u/%u", sh.index, sh.count);
		printf("%s: %llu runs%s (%llu new, %llu already there) in %s, %.3g events in %.2f s\n",
		       s->name, (unsigned long long)sum.runs, slice, (unsigned long long)sum.written,
		       (unsigned long long)sum.skipped, path, (double)sum.events, sum.wall);
	}
out_free:
	for (size_t i = 0; i < a.npos; i++) {
		scenario_free(sc[i]);
		free(sel ? sel[i] : NULL);
	}
	free(sel);
	free(sc);
out:
	cli_args_free(&a);
	return rc;
}
