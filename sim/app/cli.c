/*
 * cli.c - argument parsing, dispatch, top-level help.
 */
#include "sim/app/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/dbread.h"
#include "sim/app/escape.h"
#include "sim/app/results.h"
#include "sim/app/version.h"
#include "sim/core/strbuf.h"

volatile sig_atomic_t cli_interrupted;

static void on_signal(int sig)
{
	cli_interrupted = sig;
}

void cli_catch_signals(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cli_usage_error(const char *cmd, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fprintf(stderr, "clobber %s: ", cmd);
	vfprintf(stderr, fmt, ap);
	fprintf(stderr, "\n(see: clobber %s --help)\n", cmd);
	va_end(ap);
	return EXIT_USAGE;
}

int cli_each_scenario(const struct cli_args *a, cli_scenario_fn *fn)
{
	struct results *db;
	char err[1024];
	if (results_open(a->pos[0], false, &db, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber %s: ", a->cmd);
		esc_term_fputs(err, stderr);
		fputs("\n", stderr);
		return EXIT_RUNTIME;
	}
	char **names;
	size_t n;
	int rc = EXIT_RUNTIME;
	if (dbr_scenarios(results_db(db), &names, &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber %s: ", a->cmd);
		esc_term_fputs(a->pos[0], stderr);
		fputs(": ", stderr);
		esc_term_fputs(err, stderr);
		fputs("\n", stderr);
	} else {
		if (n == 0) {
			fprintf(stderr, "clobber %s: ", a->cmd);
			esc_term_fputs(a->pos[0], stderr);
			fputs(" holds no runs\n", stderr);
		}
		else
			rc = EXIT_OK;
		for (size_t i = 0; i < n && rc == EXIT_OK; i++)
			rc = fn(results_db(db), names[i], n, a);
		dbr_free_names(names, n);
	}
	results_close(db);
	return rc;
}

/* A did-you-mean: the candidate closest to word ("" when none is close):
 * an edit distance of 1 for short words, 2 or 3 for longer ones, and one
 * swap of neighbouring letters counting as one edit ("rnu": "run"). */
static const char *closest(const char *word, const char *const *cands, size_t n)
{
	size_t best = 99, len = strlen(word);
	const char *pick = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t d = str_distance(word, cands[i]);
		if (d == 2 && strlen(cands[i]) == len)
			for (size_t k = 0; k + 1 < len; k++)
				if (word[k] != cands[i][k]) {
					if (word[k] == cands[i][k + 1] && word[k + 1] == cands[i][k] &&
					    strcmp(word + k + 2, cands[i] + k + 2) == 0)
						d = 1;
					break;
				}
		if (d < best) {
			best = d;
			pick = cands[i];
		}
	}
	return pick && best <= (len < 5 ? 1 : len < 9 ? 2 : 3) ? pick : NULL;
}

static bool accepts_opt(const char *accepts, const char *name)
{
	size_t n = strlen(name);
	for (const char *p = accepts; (p = strstr(p, name)); p += n)
		if ((p == accepts || p[-1] == ' ') && (p[n] == ' ' || p[n] == '\0'))
			return true;
	return false;
}

void cli_args_free(struct cli_args *a)
{
	free(a->pos);
	free(a->sets);
	free(a->policies);
	free(a->points);
	free(a->metrics);
	memset(a, 0, sizeof(*a));
}

static int parse_int(const char *cmd, const char *opt, const char *v, long min, long max, long *out)
{
	char *end;
	long x = strtol(v, &end, 10);
	if (!*v || *end || x < min || x > max)
		return cli_usage_error(cmd, "%s expects a whole number from %ld to %ld, found '%s'", opt,
				       min, max, v);
	*out = x;
	return 0;
}

int cli_parse(int argc, char **argv, int first, const char *cmd, const char *accepts,
	      const char *help, struct cli_args *a)
{
	memset(a, 0, sizeof(*a));
	a->cmd = cmd;
	a->pos = calloc((size_t)argc, sizeof(*a->pos));
	a->sets = calloc((size_t)argc, sizeof(*a->sets));
	a->policies = calloc((size_t)argc, sizeof(*a->policies));
	a->points = calloc((size_t)argc, sizeof(*a->points));
	a->metrics = calloc((size_t)argc, sizeof(*a->metrics));
	if (!a->pos || !a->sets || !a->policies || !a->points || !a->metrics) {
		fprintf(stderr, "clobber: out of memory\n");
		return EXIT_RUNTIME;
	}
	bool only_pos = false;
	for (int i = first; i < argc; i++) {
		const char *arg = argv[i];
		if (only_pos || arg[0] != '-' || arg[1] == '\0') {
			a->pos[a->npos++] = arg;
			continue;
		}
		if (strcmp(arg, "--") == 0) {
			only_pos = true;
			continue;
		}
		if (strcmp(arg, "-h") == 0 || strcmp(arg, "--help") == 0) {
			a->help = true;
			continue;
		}
		if (strcmp(arg, "--csv") == 0 && accepts_opt(accepts, "csv")) {
			a->csv = true;
			continue;
		}
		/* options with a value: "-o X", "--set X", "--set=X" */
		const char *name = arg[1] == '-' ? arg + 2 : arg + 1;
		const char *value = NULL;
		char key[32];
		const char *eq = strchr(name, '=');
		if (arg[1] == '-' && eq) {
			snprintf(key, sizeof(key), "%.*s", (int)(eq - name), name);
			value = eq + 1;
		} else if (arg[1] != '-' && arg[2] != '\0') {
			/* -j4, -oFILE */
			snprintf(key, sizeof(key), "%c", arg[1]);
			value = arg + 2;
		} else {
			snprintf(key, sizeof(key), "%s", name);
		}
		static const char *const map[][2] = {
			{"o", "o"}, {"output", "o"}, {"j", "j"}, {"jobs", "j"}, {"set", "set"},
			{"record", "record"}, {"format", "format"}, {"policy", "policy"},
			{"point", "point"}, {"ops", "ops"}, {"metric", "metric"}, {"width", "width"},
			{"run", "run"},
			{"shard", "shard"},
		};
		enum { NMAP = sizeof(map) / sizeof(map[0]) };
		const char *opt = NULL;
		for (size_t k = 0; k < NMAP; k++)
			if (strcmp(key, map[k][0]) == 0 && (strlen(key) == 1) == (arg[1] != '-'))
				opt = map[k][1];
		if (!opt || !accepts_opt(accepts, opt)) {
			/* did you mean one of the long options this command takes? */
			const char *longs[NMAP];
			size_t nlong = 0;
			for (size_t k = 0; k < NMAP; k++)
				if (strlen(map[k][0]) > 1 && accepts_opt(accepts, map[k][1]))
					longs[nlong++] = map[k][0];
			const char *near = arg[1] == '-' ? closest(key, longs, nlong) : NULL;
			if (near)
				return cli_usage_error(cmd, "unknown option '%s'; did you mean '--%s'?", arg,
						       near);
			return cli_usage_error(cmd, "unknown option '%s'", arg);
		}
		if (!value) {
			if (i + 1 >= argc)
				return cli_usage_error(cmd, "option '%s' needs a value", arg);
			value = argv[++i];
		}
		long x;
		if (strcmp(opt, "o") == 0) {
			a->out = value;
		} else if (strcmp(opt, "j") == 0) {
			if (parse_int(cmd, "-j", value, 1, 1024, &x))
				return EXIT_USAGE;
			a->jobs = (int)x;
		} else if (strcmp(opt, "set") == 0) {
			if (!strchr(value, '='))
				return cli_usage_error(cmd, "--set expects NAME=VALUE, found '%s'", value);
			a->sets[a->nsets++] = value;
		} else if (strcmp(opt, "record") == 0) {
			if (strcmp(value, "ops") == 0)
				a->record_ops = true;
			else if (strcmp(value, "trace") == 0)
				a->record_trace = true;
			else
				return cli_usage_error(cmd, "--record expects ops or trace, found '%s'", value);
		} else if (strcmp(opt, "format") == 0) {
			if (strcmp(cmd, "report") == 0) {
				if (strcmp(value, "table") && strcmp(value, "csv") && strcmp(value, "markdown") &&
				    strcmp(value, "json"))
					return cli_usage_error(cmd, "--format expects table, csv, markdown or json, found '%s'",
							       value);
			} else if (strcmp(value, "png") && strcmp(value, "svg") && strcmp(value, "pdf")) {
				return cli_usage_error(cmd, "--format expects png, svg or pdf, found '%s'", value);
			}
			a->format = value;
		} else if (strcmp(opt, "policy") == 0) {
			a->policy = value;
			a->policies[a->npolicies++] = value;
		} else if (strcmp(opt, "point") == 0) {
			a->point = value;
			a->points[a->npoints++] = value;
		} else if (strcmp(opt, "metric") == 0) {
			a->metrics[a->nmetrics++] = value;
		} else if (strcmp(opt, "shard") == 0) {
			a->shard = value;
		} else if (strcmp(opt, "ops") == 0) {
			if (parse_int(cmd, "--ops", value, 1, 100000, &x))
				return EXIT_USAGE;
			a->limit = x;
		} else if (strcmp(opt, "width") == 0) {
			if (parse_int(cmd, "--width", value, 40, 1000, &x))
				return EXIT_USAGE;
			a->width = (int)x;
		} else if (strcmp(opt, "run") == 0) {
			a->run = value;
		}
	}
	if (a->help)
		fputs(help, stdout);
	return 0;
}

static const char usage[] =
	"usage: clobber COMMAND [ARGS]\n"
	"\n"
	"Simulates how key-value stores handle concurrent writes, checks every run\n"
	"against ground truth, and compares concurrency policies.\n"
	"\n"
	"commands:\n"
	"  run SCENARIO...     run scenarios into results/NAME.db\n"
	"  check SCENARIO...   validate scenarios; print how many runs each expands to\n"
	"  policies            list the policies and their options\n"
	"  report DB...        the policies side by side, for each sweep point\n"
	"  plot DB             comparison charts (gnuplot) and index.html into plots/NAME/\n"
	"  export DB --csv     one row per run: sweep values and metrics as columns\n"
	"  trace SCENARIO      the timeline of one small run, in the terminal and as a chart\n"
	"  trace --run ID DB   the same for a run stored with --record trace\n"
	"  merge OUT IN...     copy the runs of databases IN (e.g. shards) into OUT\n"
	"\n"
	"  clobber help COMMAND      help on one command (or: clobber COMMAND --help)\n"
	"  clobber --version\n"
	"\n"
	"exit status: 0 success, 1 runtime failure, 2 bad usage or bad scenario,\n"
	"130/143 interrupted.\n";

int cli_main(int argc, char **argv)
{
	if (argc < 2) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	const char *cmd = argv[1];
	bool help = strcmp(cmd, "help") == 0;
	if ((help && argc < 3) || strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0) {
		fputs(usage, stdout);
		return EXIT_OK;
	}
	if (strcmp(cmd, "--version") == 0 || strcmp(cmd, "version") == 0) {
		printf("clobber %s\n", CLOBBER_VERSION);
		return EXIT_OK;
	}
	static const struct {
		const char *name;
		int (*fn)(int, char **);
	} cmds[] = {
		{"run", cmd_run},
		{"check", cmd_check},
		{"policies", cmd_policies},
		{"report", cmd_report},
		{"plot", cmd_plot},
		{"trace", cmd_trace},
		{"export", cmd_export},
		{"merge", cmd_merge},
	};
	enum { NCMDS = sizeof(cmds) / sizeof(cmds[0]) };
	if (help) {
		/* clobber help CMD: that command's --help */
		cmd = argv[2];
		char *hargv[] = {argv[0], argv[2], "--help", NULL};
		for (size_t i = 0; i < NCMDS; i++)
			if (strcmp(cmd, cmds[i].name) == 0)
				return cmds[i].fn(3, hargv);
	}
	for (size_t i = 0; !help && i < NCMDS; i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			return cmds[i].fn(argc, argv);
	const char *names[NCMDS];
	for (size_t i = 0; i < NCMDS; i++)
		names[i] = cmds[i].name;
	const char *near = closest(cmd, names, NCMDS);
	if (near)
		fprintf(stderr, "clobber: unknown command '%s'; did you mean '%s'?\n\n%s", cmd, near, usage);
	else
		fprintf(stderr, "clobber: unknown command '%s'\n\n%s", cmd, usage);
	return EXIT_USAGE;
}
