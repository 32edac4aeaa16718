/*
 * cli.c - argument parsing, dispatch, top-level help.
 */
#include "sim/app/cli.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/dbread.h"
#include "sim/app/results.h"
#include "sim/app/version.h"

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
		fprintf(stderr, "clobber %s: %s\n", a->cmd, err);
		return EXIT_RUNTIME;
	}
	char **names;
	size_t n;
	int rc = EXIT_RUNTIME;
	if (dbr_scenarios(results_db(db), &names, &n, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber %s: %s: %s\n", a->cmd, a->pos[0], err);
	} else {
		if (n == 0)
			fprintf(stderr, "clobber %s: %s holds no runs\n", a->cmd, a->pos[0]);
		else
			rc = EXIT_OK;
		for (size_t i = 0; i < n && rc == EXIT_OK; i++)
			rc = fn(results_db(db), names[i], n, a);
		dbr_free_names(names, n);
	}
	results_close(db);
	return rc;
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
	if (!a->pos || !a->sets) {
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
			{"point", "point"}, {"ops", "ops"},
			{"shard", "shard"},
		};
		const char *opt = NULL;
		for (size_t k = 0; k < sizeof(map) / sizeof(map[0]); k++)
			if (strcmp(key, map[k][0]) == 0 && (strlen(key) == 1) == (arg[1] != '-'))
				opt = map[k][1];
		if (!opt || !accepts_opt(accepts, opt))
			return cli_usage_error(cmd, "unknown option '%s'", arg);
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
			if (strcmp(value, "png") && strcmp(value, "svg") && strcmp(value, "pdf"))
				return cli_usage_error(cmd, "--format expects png, svg or pdf, found '%s'", value);
			a->format = value;
		} else if (strcmp(opt, "policy") == 0) {
			a->policy = value;
		} else if (strcmp(opt, "point") == 0) {
			a->point = value;
		} else if (strcmp(opt, "shard") == 0) {
			a->shard = value;
		} else if (strcmp(opt, "ops") == 0) {
			if (parse_int(cmd, "--ops", value, 1, 100000, &x))
				return EXIT_USAGE;
			a->limit = x;
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
	"  report DB           the policies side by side, for each sweep point\n"
	"  plot DB             comparison charts (gnuplot) into plots/NAME/\n"
	"  trace SCENARIO      the timeline of one small run, in the terminal and as a chart\n"
	"  merge OUT IN...     copy the runs of databases IN (e.g. shards) into OUT\n"
	"\n"
	"  clobber COMMAND --help    help on one command\n"
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
	if (strcmp(cmd, "--help") == 0 || strcmp(cmd, "-h") == 0 || strcmp(cmd, "help") == 0) {
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
		{"merge", cmd_merge},
	};
	for (size_t i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		if (strcmp(cmd, cmds[i].name) == 0)
			return cmds[i].fn(argc, argv);
	fprintf(stderr, "clobber: unknown command '%s'\n\n%s", cmd, usage);
	return EXIT_USAGE;
}
