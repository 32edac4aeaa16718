/*
 * cmd_export.c - `clobber export DB --csv`: the database in tidy form, one
 * row per run: its id, scenario, label, policy, seed, replication and
 * point number, each sweep axis, each metric, as columns.  The columns
 * are the same for every row (an axis or a metric a run lacks is empty),
 * so that the file loads as one table into pandas, R or a spreadsheet.
 *
 * Axes come in the order the scenarios wrote them, metrics in catalogue
 * order (sim/app/catalog.h), then the ones this clobber does not know.
 * An axis value is a number where it is one (durations in milliseconds,
 * rates per second, as in run_params), else its text; a metric value is
 * the shortest text that reads back to the same double.  An axis or metric
 * named like a column before it is prefixed "sweep." or "metric.".  Every
 * text goes through esc_csv (RFC 4180); rows end with CRLF.
 *
 * With -o FILE the file is written beside it and renamed into place, so it
 * is whole or absent.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "sim/app/cli.h"
#include "sim/app/dbread.h"
#include "sim/app/escape.h"
#include "sim/app/results.h"
#include "sim/core/strbuf.h"
#include "sim/core/units.h"

static const char help[] =
	"usage: clobber export DB [--csv] [-o FILE]\n"
	"\n"
	"Writes DB as CSV, one row per run: run, scenario, label, policy, seed,\n"
	"replication, point, then each sweep axis (a number where the value is one:\n"
	"durations in milliseconds, rates per second) and each metric as columns, to\n"
	"standard output or FILE.  CSV is the only format, and the default.\n";

static const char *const fixed_cols[] = {"run",  "scenario",    "label", "policy",
					 "seed", "replication", "point"};
#define NFIXED (sizeof(fixed_cols) / sizeof(fixed_cols[0]))

struct columns {
	char **axes;
	size_t naxes;
	char **metrics;
	size_t nmetrics;
};

static size_t index_of(char *const *names, size_t n, const char *name)
{
	size_t i = 0;
	while (i < n && strcmp(names[i], name) != 0)
		i++;
	return i;
}

static int add(char ***names, size_t *n, const char *name)
{
	if (index_of(*names, *n, name) < *n)
		return 0;
	char **a = realloc(*names, (*n + 1) * sizeof(*a));
	if (!a)
		return -1;
	*names = a;
	a[*n] = strdup(name);
	return a[*n] ? (int)(++*n, 0) : -1;
}

/* Every scenario's axes and metrics (each checked by dbread). */
static int gather(sqlite3 *db, struct columns *c, char *err, size_t n)
{
	char **names;
	size_t nn;
	if (dbr_scenarios(db, &names, &nn, err, n) < 0)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < nn && rc == 0; i++) {
		struct dbr_scenario s;
		if (dbr_load(db, names[i], &s, err, n) < 0) {
			rc = -1;
			break;
		}
		for (size_t a = 0; a < s.naxes && rc == 0; a++)
			rc = add(&c->axes, &c->naxes, s.axes[a]);
		char **ms;
		size_t nm;
		if (rc == 0 && dbr_metric_names(db, &s, &ms, &nm, err, n) == 0) {
			for (size_t k = 0; k < nm && rc == 0; k++)
				rc = add(&c->metrics, &c->nmetrics, ms[k]);
			dbr_free_names(ms, nm);
		} else if (rc == 0) {
			rc = -1;
		}
		dbr_free(&s);
	}
	dbr_free_names(names, nn);
	return rc;
}

static bool taken(const char *name, char *const *before, size_t nbefore)
{
	for (size_t i = 0; i < NFIXED; i++)
		if (strcmp(name, fixed_cols[i]) == 0)
			return true;
	return index_of(before, nbefore, name) < nbefore;
}

static void number(struct strbuf *b, double x)
{
	if (isfinite(x)) {
		char buf[40];
		units_format_number(x, buf, sizeof(buf));
		sb_puts(b, buf);
	}
}

static void header(struct strbuf *b, const struct columns *c)
{
	for (size_t i = 0; i < NFIXED; i++)
		sb_printf(b, "%s%s", i ? "," : "", fixed_cols[i]);
	struct strbuf h;
	sb_init(&h);
	for (size_t a = 0; a < c->naxes; a++) {
		sb_reset(&h);
		sb_puts(&h, taken(c->axes[a], NULL, 0) ? "sweep." : "");
		sb_puts(&h, c->axes[a]);
		sb_puts(b, ",");
		esc_csv(b, h.s);
	}
	for (size_t m = 0; m < c->nmetrics; m++) {
		sb_reset(&h);
		sb_puts(&h, taken(c->metrics[m], c->axes, c->naxes) ? "metric." : "");
		sb_puts(&h, c->metrics[m]);
		sb_puts(b, ",");
		esc_csv(b, h.s);
	}
	sb_free(&h);
	sb_puts(b, "\r\n");
}

/* Writes every run, in id order, to out. */
static int rows(sqlite3 *db, const struct columns *c, FILE *out, char *err, size_t n)
{
	sqlite3_stmt *run = NULL, *ax = NULL, *met = NULL;
	double *vals = calloc(c->nmetrics + 1, sizeof(*vals));
	struct strbuf b;
	sb_init(&b);
	int rc = -1;
	if (!vals) {
		snprintf(err, n, "out of memory");
		return -1;
	}
	if (sqlite3_prepare_v2(db,
			       "SELECT id, scenario, label, policy, seed, replication, point, "
			       "coalesce(json_extract(params, '$.sweep'), '{}') FROM runs ORDER BY id",
			       -1, &run, NULL) != SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT value FROM json_each(?) WHERE key = ?", -1, &ax, NULL) !=
		    SQLITE_OK ||
	    sqlite3_prepare_v2(db, "SELECT name, value FROM metrics WHERE run_id = ?", -1, &met,
			       NULL) != SQLITE_OK)
		goto out_db;
	int st;
	while ((st = sqlite3_step(run)) == SQLITE_ROW) {
		sb_reset(&b);
		sb_printf(&b, "%lld", (long long)sqlite3_column_int64(run, 0));
		for (int k = 1; k <= 3; k++) {
			sb_puts(&b, ",");
			const char *t = (const char *)sqlite3_column_text(run, k);
			esc_csv(&b, t ? t : "");
		}
		sb_printf(&b, ",%lld,%lld,%lld", (long long)sqlite3_column_int64(run, 4),
			  (long long)sqlite3_column_int64(run, 5), (long long)sqlite3_column_int64(run, 6));
		const char *sweep = (const char *)sqlite3_column_text(run, 7);
		for (size_t a = 0; a < c->naxes; a++) {
			sb_puts(&b, ",");
			sqlite3_bind_text(ax, 1, sweep, -1, SQLITE_STATIC);
			sqlite3_bind_text(ax, 2, c->axes[a], -1, SQLITE_STATIC);
			if (sqlite3_step(ax) == SQLITE_ROW) {
				const char *t = (const char *)sqlite3_column_text(ax, 0);
				double x = results_param_number(t ? t : "");
				if (isnan(x))
					esc_csv(&b, t ? t : "");
				else
					number(&b, x);
			}
			sqlite3_reset(ax);
		}
		for (size_t m = 0; m < c->nmetrics; m++)
			vals[m] = NAN;
		sqlite3_bind_int64(met, 1, sqlite3_column_int64(run, 0));
		while (sqlite3_step(met) == SQLITE_ROW) {
			const char *name = (const char *)sqlite3_column_text(met, 0);
			size_t m = name ? index_of(c->metrics, c->nmetrics, name) : c->nmetrics;
			if (m < c->nmetrics && sqlite3_column_type(met, 1) != SQLITE_NULL)
				vals[m] = sqlite3_column_double(met, 1);
		}
		sqlite3_reset(met);
		for (size_t m = 0; m < c->nmetrics; m++) {
			sb_puts(&b, ",");
			number(&b, vals[m]);
		}
		sb_puts(&b, "\r\n");
		if (b.failed) {
			snprintf(err, n, "out of memory");
			goto out;
		}
		if (fwrite(b.s, 1, b.len, out) != b.len) {
			snprintf(err, n, "cannot write: %s", strerror(errno));
			goto out;
		}
	}
	if (st != SQLITE_DONE)
		goto out_db;
	rc = 0;
	goto out;
out_db:
	snprintf(err, n, "reading the results: %s", sqlite3_errmsg(db));
out:
	sqlite3_finalize(run);
	sqlite3_finalize(ax);
	sqlite3_finalize(met);
	sb_free(&b);
	free(vals);
	return rc;
}

static int export_db(sqlite3 *db, const char *outpath, char *err, size_t n)
{
	struct columns c = {0};
	int rc = -1;
	char tmp[4096] = "";
	FILE *out = stdout;
	if (gather(db, &c, err, n) < 0)
		goto out;
	if (outpath) {
		snprintf(tmp, sizeof(tmp), "%s.tmp-%ld", outpath, (long)getpid());
		out = fopen(tmp, "w");
		if (!out) {
			snprintf(err, n, "cannot write %.1500s: %s", tmp, strerror(errno));
			tmp[0] = '\0';
			goto out;
		}
	}
	struct strbuf h;
	sb_init(&h);
	header(&h, &c);
	bool ok = !h.failed && fwrite(h.s, 1, h.len, out) == h.len;
	sb_free(&h);
	if (!ok) {
		snprintf(err, n, "cannot write the export");
		goto out;
	}
	if (rows(db, &c, out, err, n) < 0)
		goto out;
	if (fflush(out) != 0) {
		snprintf(err, n, "cannot write the export: %s", strerror(errno));
		goto out;
	}
	if (outpath) {
		int closed = fclose(out);
		out = stdout;
		if (closed != 0 || rename(tmp, outpath) != 0) {
			snprintf(err, n, "cannot write %.1500s: %s", outpath, strerror(errno));
			goto out;
		}
		tmp[0] = '\0';
	}
	rc = 0;
out:
	if (out != stdout)
		fclose(out);
	if (tmp[0])
		unlink(tmp);
	dbr_free_names(c.axes, c.naxes);
	dbr_free_names(c.metrics, c.nmetrics);
	return rc;
}

int cmd_export(int argc, char **argv)
{
	struct cli_args a;
	int rc = cli_parse(argc, argv, 2, "export", "o csv", help, &a);
	if (rc || a.help)
		goto out;
	if (a.npos != 1) {
		rc = cli_usage_error("export", "name one results database, such as results/compare.db");
		goto out;
	}
	struct results *db;
	char err[2048];
	rc = EXIT_RUNTIME;
	if (results_open(a.pos[0], false, &db, err, sizeof(err)) < 0) {
		fputs("clobber export: ", stderr);
		esc_term_fputs(err, stderr);
		fputs("\n", stderr);
		goto out;
	}
	if (export_db(results_db(db), a.out, err, sizeof(err)) < 0) {
		fputs("clobber export: ", stderr);
		esc_term_fputs(err, stderr);
		fputs("\n", stderr);
	} else {
		rc = EXIT_OK;
	}
	results_close(db);
out:
	cli_args_free(&a);
	return rc;
}
