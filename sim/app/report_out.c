/*
 * report_out.c - the report written as a terminal table, Markdown, CSV,
 * JSON or HTML.  Every text from a database goes through the escaping
 * helper of the medium (sim/app/escape.h): the terminal table through
 * esc_term, Markdown through esc_md_code, CSV through esc_csv, JSON
 * through esc_json, HTML through esc_html.  CSV and JSON carry the numbers
 * in full (the shortest text that reads back to the same double); the
 * table, Markdown and HTML round them to what their interval supports.
 */
#include "sim/app/report.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/escape.h"
#include "sim/core/units.h"

/* The heading of column c: its label, and [k] with several databases. */
static void col_head(const struct report *r, const struct report_scen *s, size_t c,
		     void (*esc)(struct strbuf *, const char *), struct strbuf *b)
{
	esc(b, s->labels[s->cols[c].label]);
	if (r->nsources > 1)
		sb_printf(b, " [%zu]", s->cols[c].source + 1);
}

/* The texts of row `row` of point p: mean[c] and half[c]. */
static int row_texts(const struct report_scen *s, size_t p, size_t row, char (**mean)[48],
		     char (**half)[48])
{
	*mean = calloc(s->ncols + 1, sizeof(**mean));
	*half = calloc(s->ncols + 1, sizeof(**half));
	if (!*mean || !*half) {
		free(*mean);
		free(*half);
		return -1;
	}
	report_num_row(report_cell(s, p, row, 0), s->ncols, *mean, *half);
	return 0;
}

static void summary_line(const struct report_scen *s, struct strbuf *b)
{
	sb_printf(b, "%zu point%s, %zu polic%s, up to %lld replication%s%s", s->npoints,
		  s->npoints == 1 ? "" : "s", s->nlabels, s->nlabels == 1 ? "y" : "ies",
		  (long long)s->replications, s->replications == 1 ? "" : "s",
		  s->replications > 1 ? " (mean ± 95% CI)" : "");
}

/* The metrics left out, and why, one line each. */
static void left_out(const struct report_scen *s, void (*esc)(struct strbuf *, const char *),
		     const char *before, struct strbuf *b)
{
	if (s->nzero) {
		sb_printf(b, "%s0 for every policy at every point shown: ", before);
		for (size_t i = 0; i < s->nzero; i++) {
			sb_puts(b, i ? ", " : "");
			esc(b, s->zero[i]);
		}
		sb_puts(b, "\n");
	}
	if (s->nnoisy) {
		sb_printf(b, "%snot shown, since it varies between identical runs: ", before);
		for (size_t i = 0; i < s->nnoisy; i++) {
			sb_puts(b, i ? ", " : "");
			esc(b, s->noisy[i]);
		}
		sb_puts(b, " (--metric NAME shows it)\n");
	}
}

static bool any_missing(const struct report_scen *s)
{
	for (size_t i = 0; i < s->npoints * s->nrows * s->ncols; i++)
		if (s->cells[i].n == 0)
			return true;
	return false;
}

/* The databases, and how each differs from the first. */
static void sources_key(const struct report *r, const struct report_scen *s,
			void (*esc)(struct strbuf *, const char *), const char *before, struct strbuf *b)
{
	if (r->nsources < 2)
		return;
	for (size_t i = 0; i < r->nsources; i++) {
		sb_printf(b, "%s[%zu] ", before, i + 1);
		esc(b, r->sources[i]);
		if (s->differs && i < s->ndiffers && s->differs[i][0]) {
			sb_puts(b, ": ");
			esc(b, s->differs[i]);
		}
		sb_puts(b, "\n");
	}
}

static int flush(struct strbuf *b, FILE *out)
{
	int rc = b->failed ? -1 : 0;
	if (rc == 0 && b->len && fwrite(b->s, 1, b->len, out) != b->len)
		rc = -1;
	sb_free(b);
	return rc;
}

static void pad(struct strbuf *b, int n)
{
	for (int i = 0; i < n; i++)
		sb_putn(b, " ", 1);
}

/* ---- the terminal table ---- */

static int table_scen(const struct report *r, const struct report_scen *s, struct strbuf *b)
{
	struct strbuf t;
	sb_init(&t);
	sb_puts(b, "scenario ");
	esc_term(b, s->name);
	sb_puts(b, ": ");
	summary_line(s, b);
	sb_puts(b, "\n");
	sources_key(r, s, esc_term, "", b);
	/* widths: metric names; per column the means and the half-widths */
	int w0 = 6;
	for (size_t k = 0; k < s->nrows; k++) {
		sb_reset(&t);
		esc_term(&t, s->rows[k].name);
		int w = esc_width(t.s ? t.s : "");
		w0 = w > w0 ? w : w0;
	}
	int *mw = calloc(s->ncols + 1, sizeof(int)), *hw = calloc(s->ncols + 1, sizeof(int));
	char(*mean)[48] = NULL, (*half)[48] = NULL;
	int rc = -1;
	if (!mw || !hw)
		goto out;
	for (size_t p = 0; p < s->npoints; p++)
		for (size_t k = 0; k < s->nrows; k++) {
			if (row_texts(s, p, k, &mean, &half) < 0)
				goto out;
			for (size_t c = 0; c < s->ncols; c++) {
				int m = esc_width(mean[c]), h = esc_width(half[c]);
				mw[c] = m > mw[c] ? m : mw[c];
				hw[c] = h > hw[c] ? h : hw[c];
			}
			free(mean);
			free(half);
			mean = half = NULL;
		}
	for (size_t p = 0; p < s->npoints; p++) {
		sb_puts(b, "\n");
		esc_term(b, s->points[p].desc);
		sb_puts(b, "\n");
		pad(b, w0);
		for (size_t c = 0; c < s->ncols; c++) {
			sb_reset(&t);
			col_head(r, s, c, esc_term, &t);
			int cw = mw[c] + (hw[c] ? 3 + hw[c] : 0), lw = esc_width(t.s ? t.s : "");
			sb_puts(b, "  ");
			pad(b, cw - lw); /* labels right-aligned above the numbers */
			sb_puts(b, t.s ? t.s : "");
		}
		sb_puts(b, "\n");
		for (size_t k = 0; k < s->nrows; k++) {
			if (row_texts(s, p, k, &mean, &half) < 0)
				goto out;
			sb_reset(&t);
			esc_term(&t, s->rows[k].name);
			sb_puts(b, t.s ? t.s : "");
			pad(b, w0 - esc_width(t.s ? t.s : ""));
			for (size_t c = 0; c < s->ncols; c++) {
				sb_reset(&t);
				col_head(r, s, c, esc_term, &t);
				int cw = mw[c] + (hw[c] ? 3 + hw[c] : 0), lw = esc_width(t.s ? t.s : "");
				sb_puts(b, "  ");
				pad(b, lw > cw ? lw - cw : 0);
				pad(b, mw[c] - esc_width(mean[c]));
				sb_puts(b, mean[c]);
				if (half[c][0]) {
					sb_puts(b, " ± ");
					sb_puts(b, half[c]);
					pad(b, c + 1 < s->ncols ? hw[c] - esc_width(half[c]) : 0);
				} else if (hw[c] && c + 1 < s->ncols) {
					pad(b, 3 + hw[c]);
				}
			}
			sb_puts(b, "\n");
			free(mean);
			free(half);
			mean = half = NULL;
		}
	}
	sb_puts(b, "\n");
	left_out(s, esc_term, "", b);
	if (any_missing(s))
		sb_puts(b, "-: the policy has no such metric\n");
	if (s->nzero || s->nnoisy || any_missing(s))
		sb_puts(b, "\n");
	rc = 0;
out:
	free(mean);
	free(half);
	free(mw);
	free(hw);
	sb_free(&t);
	return rc;
}

int report_write_table(const struct report *r, FILE *out)
{
	struct strbuf b;
	sb_init(&b);
	for (size_t i = 0; i < r->nsc; i++)
		if (table_scen(r, &r->sc[i], &b) < 0) {
			sb_free(&b);
			return -1;
		}
	return flush(&b, out);
}

/* ---- Markdown ---- */

int report_write_markdown(const struct report *r, FILE *out)
{
	struct strbuf b;
	sb_init(&b);
	char(*mean)[48] = NULL, (*half)[48] = NULL;
	for (size_t i = 0; i < r->nsc; i++) {
		const struct report_scen *s = &r->sc[i];
		sb_puts(&b, "## scenario ");
		esc_md_code(&b, s->name);
		sb_puts(&b, "\n\n");
		summary_line(s, &b);
		sb_puts(&b, ".\n\n");
		sources_key(r, s, esc_md_code, "- ", &b);
		if (r->nsources > 1)
			sb_puts(&b, "\n");
		for (size_t p = 0; p < s->npoints; p++) {
			sb_puts(&b, "### ");
			esc_md_code(&b, s->points[p].desc);
			sb_puts(&b, "\n\n| metric |");
			for (size_t c = 0; c < s->ncols; c++) {
				sb_puts(&b, " ");
				col_head(r, s, c, esc_md_code, &b);
				sb_puts(&b, " |");
			}
			sb_puts(&b, "\n|---|");
			for (size_t c = 0; c < s->ncols; c++)
				sb_puts(&b, "---:|");
			sb_puts(&b, "\n");
			for (size_t k = 0; k < s->nrows; k++) {
				if (row_texts(s, p, k, &mean, &half) < 0) {
					sb_free(&b);
					return -1;
				}
				sb_puts(&b, "| ");
				esc_md_code(&b, s->rows[k].name);
				sb_puts(&b, " |");
				for (size_t c = 0; c < s->ncols; c++)
					sb_printf(&b, " %s%s%s |", mean[c], half[c][0] ? " ± " : "", half[c]);
				sb_puts(&b, "\n");
				free(mean);
				free(half);
				mean = half = NULL;
			}
			sb_puts(&b, "\n");
		}
		left_out(s, esc_md_code, "", &b);
		if (any_missing(s))
			sb_puts(&b, "-: the policy has no such metric\n");
		sb_puts(&b, "\n");
	}
	return flush(&b, out);
}

/* ---- CSV and JSON: one record per cell ---- */

/* The names of the axis columns over every scenario: an axis named like
 * a fixed column is prefixed "sweep.". */
static const char *const fixed_cols[] = {"database", "scenario", "point", "label", "policy",
					 "metric", "unit", "n", "mean", "ci95_half_width"};
#define NFIXED (sizeof(fixed_cols) / sizeof(fixed_cols[0]))

static bool is_fixed(const char *name)
{
	for (size_t i = 0; i < NFIXED; i++)
		if (strcmp(name, fixed_cols[i]) == 0)
			return true;
	return false;
}

/* Every axis name of the report, once (pointers into the report). */
static const char **all_axes(const struct report *r, size_t *n)
{
	size_t cap = 1;
	for (size_t i = 0; i < r->nsc; i++)
		cap += r->sc[i].naxes;
	const char **axes = calloc(cap, sizeof(*axes));
	*n = 0;
	if (!axes)
		return NULL;
	for (size_t i = 0; i < r->nsc; i++)
		for (size_t a = 0; a < r->sc[i].naxes; a++) {
			size_t k = 0;
			while (k < *n && strcmp(axes[k], r->sc[i].axes[a]) != 0)
				k++;
			if (k == *n)
				axes[(*n)++] = r->sc[i].axes[a];
		}
	return axes;
}

static void csv_number(struct strbuf *b, double x)
{
	if (isfinite(x)) {
		char buf[40];
		units_format_number(x, buf, sizeof(buf));
		sb_puts(b, buf);
	}
}

/* The value of `axis` at point p of s as CSV: the number (durations in
 * ms, rates per second) where it is one, else the text. */
static void csv_axis(struct strbuf *b, const struct report_scen *s, size_t p, const char *axis)
{
	for (size_t a = 0; a < s->naxes; a++)
		if (strcmp(s->axes[a], axis) == 0) {
			if (isnan(s->points[p].axis_num[a]))
				esc_csv(b, s->points[p].axis_text[a]);
			else
				csv_number(b, s->points[p].axis_num[a]);
		}
}

int report_write_csv(const struct report *r, FILE *out)
{
	size_t naxes;
	const char **axes = all_axes(r, &naxes);
	if (!axes)
		return -1;
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "database,scenario,point");
	for (size_t a = 0; a < naxes; a++) {
		sb_puts(&b, ",");
		struct strbuf h;
		sb_init(&h);
		sb_puts(&h, is_fixed(axes[a]) ? "sweep." : "");
		sb_puts(&h, axes[a]);
		esc_csv(&b, h.s ? h.s : "");
		sb_free(&h);
	}
	sb_puts(&b, ",label,policy,metric,unit,n,mean,ci95_half_width\r\n");
	for (size_t i = 0; i < r->nsc; i++) {
		const struct report_scen *s = &r->sc[i];
		for (size_t p = 0; p < s->npoints; p++)
			for (size_t k = 0; k < s->nrows; k++)
				for (size_t c = 0; c < s->ncols; c++) {
					const struct report_cell *cell = report_cell(s, p, k, c);
					if (cell->n == 0)
						continue;
					esc_csv(&b, r->sources[s->cols[c].source]);
					sb_puts(&b, ",");
					esc_csv(&b, s->name);
					sb_puts(&b, ",");
					esc_csv(&b, s->points[p].desc);
					for (size_t a = 0; a < naxes; a++) {
						sb_puts(&b, ",");
						csv_axis(&b, s, p, axes[a]);
					}
					sb_puts(&b, ",");
					esc_csv(&b, s->labels[s->cols[c].label]);
					sb_puts(&b, ",");
					esc_csv(&b, s->policies[s->cols[c].label]);
					sb_puts(&b, ",");
					esc_csv(&b, s->rows[k].name);
					sb_puts(&b, ",");
					esc_csv(&b, s->rows[k].unit);
					sb_printf(&b, ",%zu,", cell->n);
					csv_number(&b, cell->mean);
					sb_puts(&b, ",");
					csv_number(&b, cell->half);
					sb_puts(&b, "\r\n");
				}
	}
	free(axes);
	return flush(&b, out);
}

static void json_names(struct strbuf *b, char *const *names, size_t n)
{
	sb_puts(b, "[");
	for (size_t i = 0; i < n; i++) {
		sb_puts(b, i ? ", " : "");
		esc_json(b, names[i]);
	}
	sb_puts(b, "]");
}

int report_write_json(const struct report *r, FILE *out)
{
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "{\"sources\": ");
	json_names(&b, r->sources, r->nsources);
	sb_puts(&b, ",\n \"scenarios\": [");
	for (size_t i = 0; i < r->nsc; i++) {
		const struct report_scen *s = &r->sc[i];
		sb_puts(&b, i ? ",\n  {\"name\": " : "\n  {\"name\": ");
		esc_json(&b, s->name);
		sb_printf(&b, ", \"replications\": %lld, \"axes\": ", (long long)s->replications);
		json_names(&b, s->axes, s->naxes);
		sb_puts(&b, ", \"labels\": ");
		json_names(&b, s->labels, s->nlabels);
		sb_puts(&b, ", \"zero\": ");
		json_names(&b, s->zero, s->nzero);
		sb_puts(&b, ", \"noisy\": ");
		json_names(&b, s->noisy, s->nnoisy);
		sb_puts(&b, "}");
	}
	sb_puts(&b, "],\n \"cells\": [");
	bool first = true;
	for (size_t i = 0; i < r->nsc; i++) {
		const struct report_scen *s = &r->sc[i];
		for (size_t p = 0; p < s->npoints; p++)
			for (size_t k = 0; k < s->nrows; k++)
				for (size_t c = 0; c < s->ncols; c++) {
					const struct report_cell *cell = report_cell(s, p, k, c);
					if (cell->n == 0)
						continue;
					sb_puts(&b, first ? "\n  {\"database\": " : ",\n  {\"database\": ");
					first = false;
					esc_json(&b, r->sources[s->cols[c].source]);
					sb_puts(&b, ", \"scenario\": ");
					esc_json(&b, s->name);
					sb_puts(&b, ", \"point\": ");
					esc_json(&b, s->points[p].desc);
					sb_puts(&b, ", \"sweep\": {");
					for (size_t a = 0; a < s->naxes; a++) {
						sb_puts(&b, a ? ", " : "");
						esc_json(&b, s->axes[a]);
						sb_puts(&b, ": ");
						esc_json(&b, s->points[p].axis_text[a]);
					}
					sb_puts(&b, "}, \"label\": ");
					esc_json(&b, s->labels[s->cols[c].label]);
					sb_puts(&b, ", \"policy\": ");
					esc_json(&b, s->policies[s->cols[c].label]);
					sb_puts(&b, ", \"metric\": ");
					esc_json(&b, s->rows[k].name);
					sb_puts(&b, ", \"unit\": ");
					esc_json(&b, s->rows[k].unit);
					sb_printf(&b, ", \"n\": %zu, \"mean\": ", cell->n);
					sb_json_number(&b, cell->mean);
					sb_puts(&b, ", \"ci95_half_width\": ");
					sb_json_number(&b, cell->half);
					sb_puts(&b, "}");
				}
	}
	sb_puts(&b, "\n ]}\n");
	return flush(&b, out);
}

/* ---- HTML ---- */

void report_write_html(const struct report *r, size_t scen, struct strbuf *b)
{
	const struct report_scen *s = &r->sc[scen];
	char(*mean)[48] = NULL, (*half)[48] = NULL;
	sb_puts(b, "<p class=\"summary\">");
	struct strbuf t;
	sb_init(&t);
	summary_line(s, &t);
	esc_html(b, t.s ? t.s : "");
	sb_free(&t);
	sb_puts(b, "</p>\n");
	for (size_t p = 0; p < s->npoints; p++) {
		sb_puts(b, "<table class=\"report\">\n<caption>");
		esc_html(b, s->points[p].desc);
		sb_puts(b, "</caption>\n<thead><tr><th>metric</th><th>unit</th>");
		for (size_t c = 0; c < s->ncols; c++) {
			sb_puts(b, "<th>");
			col_head(r, s, c, esc_html, b);
			sb_puts(b, "</th>");
		}
		sb_puts(b, "</tr></thead>\n<tbody>\n");
		for (size_t k = 0; k < s->nrows; k++) {
			if (row_texts(s, p, k, &mean, &half) < 0) {
				b->failed = true;
				return;
			}
			sb_puts(b, "<tr><th title=\"");
			esc_html(b, s->rows[k].meaning);
			sb_puts(b, "\">");
			esc_html(b, s->rows[k].name);
			sb_puts(b, "</th><td>");
			esc_html(b, s->rows[k].unit);
			sb_puts(b, "</td>");
			for (size_t c = 0; c < s->ncols; c++)
				sb_printf(b, "<td>%s%s%s</td>", mean[c], half[c][0] ? " ± " : "", half[c]);
			sb_puts(b, "</tr>\n");
			free(mean);
			free(half);
			mean = half = NULL;
		}
		sb_puts(b, "</tbody>\n</table>\n");
	}
	if (s->nzero || s->nnoisy) {
		sb_puts(b, "<p class=\"left-out\">");
		struct strbuf lo;
		sb_init(&lo);
		left_out(s, esc_html, "", &lo);
		sb_puts(b, lo.s ? lo.s : "");
		sb_free(&lo);
		sb_puts(b, "</p>\n");
	}
}
