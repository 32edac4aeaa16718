/*
 * cli.h - the command line: argument parsing shared by the commands, and
 * the commands themselves (each in its own cmd_*.c).
 *
 * Exit codes: 0 success, 1 runtime failure, 2 bad usage or bad scenario,
 * 130/143 interrupted by SIGINT/SIGTERM.  Only main() exits; commands
 * return the code.
 */
#ifndef CLOBBER_CLI_H
#define CLOBBER_CLI_H

#include <signal.h>
#include <stdbool.h>
#include <stddef.h>

enum { EXIT_OK = 0, EXIT_RUNTIME = 1, EXIT_USAGE = 2 };

struct cli_args {
	const char *cmd;
	const char **pos;    /* positional arguments */
	size_t npos;
	const char *out;     /* -o */
	int jobs;	     /* -j; 0: the number of cores */
	const char **sets;   /* --set NAME=VALUE */
	size_t nsets;
	bool record_ops;     /* --record ops */
	bool record_trace;   /* --record trace */
	const char *format;  /* --format png|svg|pdf (report: table|csv|markdown|json) */
	const char *policy;  /* --policy LABEL (the last one given) */
	const char *point;   /* --point N (the last one given) */
	long limit;	     /* --ops N */
	const char **policies; /* every --policy, in order */
	size_t npolicies;
	const char **points;   /* every --point */
	size_t npoints;
	const char **metrics;  /* every --metric NAME */
	size_t nmetrics;
	bool csv;	     /* --csv */
	int width;	     /* --width N (40 to 1000); 0: not given */
	const char *run;     /* --run ID */
	const char *shard;   /* --shard I/N, as written (shard_parse) */
	bool help;
};

/* Parses argv[first..) for command `cmd`; `accepts` lists the options the
 * command takes ("o j set record format policy point ops width run").  Returns 0, or
 * EXIT_USAGE after printing the problem.  With -h or --help it prints
 * `help` and sets a->help: the command has nothing more to do. */
int cli_parse(int argc, char **argv, int first, const char *cmd, const char *accepts,
	      const char *help, struct cli_args *a);
void cli_args_free(struct cli_args *a);

/* Prints "clobber CMD: message" and a pointer to --help; returns EXIT_USAGE. */
int cli_usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* For the commands that read a results database (report, plot): opens
 * a->pos[0] read-only and calls fn for each scenario in it, in the order
 * they were first written, until one returns non-zero (fn prints its own
 * errors).  Returns fn's last code, or EXIT_RUNTIME after printing
 * "clobber CMD: ..." when the database cannot be read or holds no runs. */
struct sqlite3;
typedef int cli_scenario_fn(struct sqlite3 *db, const char *name, size_t nscenarios,
			    const struct cli_args *a);
int cli_each_scenario(const struct cli_args *a, cli_scenario_fn *fn);

/* Set by SIGINT/SIGTERM handlers during long work. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_signals(void);

/* The commands. */
int cmd_run(int argc, char **argv);
int cmd_check(int argc, char **argv);
int cmd_policies(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_plot(int argc, char **argv);
int cmd_trace(int argc, char **argv);
int cmd_export(int argc, char **argv);
int cmd_merge(int argc, char **argv);

/* The entry point: dispatches argv[1]. */
int cli_main(int argc, char **argv);

#endif
