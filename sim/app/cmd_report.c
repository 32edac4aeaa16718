/*
 * cmd_report.c - `clobber report DB`: for each scenario and sweep point, the
 * policies side by side, each metric as mean +- the half-width of its 95%
 * confidence interval over replications.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/cli.h"
#include "sim/app/dbread.h"
#include "sim/app/results.h"
#include "sim/core/stats.h"

static const char help[] =
	"usage: clobber report DB\n"
	"\n"
	"Prints, for each scenario in DB and each sweep point, the policies side by\n"
	"side: for each headline metric, its mean over replications and the\n"
	"half-width of its 95% confidence interval (Student's t).  A dash: the\n"
	"policy has no such metric.  Every metric of every run is in DB's metrics\n"
	"table.\n";

/* The metrics a report shows, in order; policy-specific ones only where
 * some policy has them. */
static const char *const shown[] = {
	"ops_ok",	    "abort_rate",	"lost_update_rate", "lost_updates",
	"stale_reads",	    "unacked_effects",	"conflicts",	    "latency_mean_ms",
	"latency_p99_ms",   "throughput_ops_s", "siblings_mean",    "siblings_max",
	"vclock_entries_mean", "vclock_entries_max", "obsolete_writes", "pruned_entries",
	"lock_wait_mean_ms", "lease_expiries", "zombie_writes", "fenced_writes",
};
#define NSHOWN (sizeof(shown) / sizeof(shown[0]))

/* A number in at most 4 significant digits, whole numbers in full. */
static void num(double x, char *buf, size_t len)
{
	if (x == floor(x) && fabs(x) < 1e7)
		snprintf(buf, len, "%.0f", x);
	else
		snprintf(buf, len, "%.4g", x);
}

static void cell(const double *v, size_t n, char *buf, size_t len)
{
	if (n == 0) {
		snprintf(buf, len, "-");
		return;
	}
	double mean, half;
	stats_mean_ci(v, n, 0.95, &mean, &half);
	char m[32], h[32];
	num(mean, m, sizeof(m));
	if (isnan(half) || half == 0) {
		snprintf(buf, len, "%s", m);
		return;
	}
	snprintf(h, sizeof(h), "%.2g", half);
	snprintf(buf, len, "%s ± %s", m, h);
}

/* Display width of a UTF-8 string (± is two bytes, one column). */
static int width(const char *s)
{
	int w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

static void pad(FILE *out, const char *s, int w)
{
	fputs(s, out);
	for (int i = width(s); i < w; i++)
		fputc(' ', out);
}

static int report_scenario(sqlite3 *db, const char *name, FILE *out, char *err, size_t errlen)
{
	struct dbr_scenario s;
	if (dbr_load(db, name, &s, err, errlen) < 0)
		return -1;
	struct dbr_values vals[NSHOWN];
	size_t loaded = 0;
	int rc = -1;
	for (; loaded < NSHOWN; loaded++)
		if (dbr_metric(db, &s, shown[loaded], &vals[loaded], err, errlen) < 0)
			goto out;
	fprintf(out, "scenario %s: %zu point%s, %zu polic%s, up to %lld replication%s%s\n", name,
		s.npoints, s.npoints == 1 ? "" : "s", s.nlabels, s.nlabels == 1 ? "y" : "ies",
		(long long)s.replications, s.replications == 1 ? "" : "s",
		s.replications > 1 ? " (mean ± 95% CI)" : "");
	/* column widths: the metric names, then each label */
	int w0 = 20;
	int *w = calloc(s.nlabels ? s.nlabels : 1, sizeof(*w));
	if (!w)
		goto out;
	char buf[128];
	for (size_t l = 0; l < s.nlabels; l++) {
		w[l] = width(s.labels[l]);
		for (size_t m = 0; m < NSHOWN; m++)
			for (size_t p = 0; p < s.npoints; p++) {
				size_t c = p * s.nlabels + l;
				cell(vals[m].v[c], vals[m].n[c], buf, sizeof(buf));
				if (width(buf) > w[l])
					w[l] = width(buf);
			}
	}
	for (size_t p = 0; p < s.npoints; p++) {
		char desc[512];
		dbr_point_desc(&s, p, desc, sizeof(desc));
		fprintf(out, "\n%s\n", desc);
		pad(out, "", w0);
		for (size_t l = 0; l < s.nlabels; l++) {
			fputs("  ", out);
			pad(out, s.labels[l], w[l]);
		}
		fputc('\n', out);
		for (size_t m = 0; m < NSHOWN; m++) {
			if (!vals[m].any)
				continue;
			pad(out, shown[m], w0);
			for (size_t l = 0; l < s.nlabels; l++) {
				size_t c = p * s.nlabels + l;
				cell(vals[m].v[c], vals[m].n[c], buf, sizeof(buf));
				fputs("  ", out);
				pad(out, buf, w[l]);
			}
			fputc('\n', out);
		}
	}
	fputc('\n', out);
	free(w);
	rc = 0;
out:
	for (size_t m = 0; m < loaded; m++)
		dbr_values_free(&vals[m]);
	dbr_free(&s);
	return rc;
}

static int print_scenario(sqlite3 *db, const char *name, size_t nscenarios,
			  const struct cli_args *a)
{
	(void)nscenarios;
	(void)a;
	char err[1024];
	if (report_scenario(db, name, stdout, err, sizeof(err)) < 0) {
		fprintf(stderr, "clobber report: %s\n", err);
		return EXIT_RUNTIME;
	}
	return EXIT_OK;
}

int cmd_report(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv, 2, "report", "", help, &a);
	if (rc || a.help)
		goto out;
	if (a.npos != 1) {
		rc = cli_usage_error("report", "name one results database, such as results/compare.db");
		goto out;
	}
	rc = cli_each_scenario(&a, print_scenario);
out:
	cli_args_free(&a);
	return rc;
}
