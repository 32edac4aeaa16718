/*
 * cmd_report.c - `clobber report DB...`: for each scenario and sweep point,
 * the policies side by side (and the databases, when several are given),
 * each metric as mean +- the half-width of its 95% confidence interval
 * over replications; as a table, CSV, Markdown or JSON.  The report itself
 * is built by report.c and written by report_out.c.
 */
#include <stdio.h>
#include <stdlib.h>

#include "sim/app/cli.h"
#include "sim/app/escape.h"
#include "sim/app/report.h"
#include "sim/app/results.h"

static const char help[] =
	"usage: clobber report DB... [--format table|csv|markdown|json]\n"
	"                      [--metric NAME]... [--point POINT]... [--policy LABEL]...\n"
	"\n"
	"Prints, for each scenario in DB and each sweep point, the policies side by\n"
	"side: each metric's mean over replications and the half-width of its 95%\n"
	"confidence interval (Student's t), the mean rounded to the digits the\n"
	"interval supports.  Shown: every metric that is not 0 for some policy at\n"
	"some point, in the order of `clobber policies`; the ones left out are\n"
	"listed below each table.  A dash: the policy has no such metric.\n"
	"\n"
	"Several databases are compared side by side: the same scenario, sweep\n"
	"point and label in each, columns marked [1], [2], ... in the order given.\n"
	"\n"
	"  --metric NAME    only these metrics, in this order (repeat the option)\n"
	"  --point POINT    only the points with these values, such as\n"
	"                   --point 'skew=5ms' (every point at skew 5ms) or\n"
	"                   --point 'skew=5ms clients=16'; or runs.point N\n"
	"  --policy LABEL   only these policies, by label or by policy name\n"
	"  --format         table (the default), markdown, csv (one row per cell:\n"
	"                   database, scenario, point, each sweep axis, label, policy,\n"
	"                   metric, unit, n, mean, ci95_half_width) or json\n";

int cmd_report(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv, 2, "report", "format policy point metric", help, &a);
	if (rc || a.help)
		goto out_args;
	if (a.npos < 1) {
		rc = cli_usage_error("report", "name a results database, such as results/compare.db");
		goto out_args;
	}
	struct results **dbs = calloc(a.npos, sizeof(*dbs));
	struct report_source *src = calloc(a.npos, sizeof(*src));
	char err[2048];
	rc = EXIT_RUNTIME;
	if (!dbs || !src) {
		fprintf(stderr, "clobber report: out of memory\n");
		goto out;
	}
	for (size_t i = 0; i < a.npos; i++) {
		if (results_open(a.pos[i], false, &dbs[i], err, sizeof(err)) < 0) {
			fputs("clobber report: ", stderr);
			esc_term_fputs(err, stderr);
			fputs("\n", stderr);
			goto out;
		}
		src[i] = (struct report_source){.path = a.pos[i], .db = results_db(dbs[i])};
	}
	struct report_filter f = {
		.metrics = a.metrics, .nmetrics = a.nmetrics,
		.points = a.points, .npoints = a.npoints,
		.policies = a.policies, .npolicies = a.npolicies,
	};
	struct report r;
	int built = report_build(src, a.npos, &f, &r, err, sizeof(err));
	if (built < 0) {
		fputs("clobber report: ", stderr);
		esc_term_fputs(err, stderr);
		fputs(built == -2 ? "\n(see: clobber report --help)\n" : "\n", stderr);
		rc = built == -2 ? EXIT_USAGE : EXIT_RUNTIME;
		goto out;
	}
	if (r.nsc == 0) {
		fputs("clobber report: ", stderr);
		esc_term_fputs(a.pos[0], stderr);
		fputs(a.npos > 1 ? " and the others hold no runs\n" : " holds no runs\n", stderr);
	} else {
		const char *fmt = a.format ? a.format : "table";
		int w = fmt[0] == 'c' ? report_write_csv(&r, stdout)
			: fmt[0] == 'm' ? report_write_markdown(&r, stdout)
			: fmt[0] == 'j' ? report_write_json(&r, stdout)
					: report_write_table(&r, stdout);
		if (w < 0 || fflush(stdout) != 0)
			fprintf(stderr, "clobber report: cannot write the report\n");
		else
			rc = EXIT_OK;
	}
	report_free(&r);
out:
	for (size_t i = 0; dbs && i < a.npos; i++)
		results_close(dbs[i]);
	free(dbs);
	free(src);
out_args:
	cli_args_free(&a);
	return rc;
}
