/*
 * plot_html.c - index.html beside the charts: every chart (its SVG, with
 * links to its script, data and chosen format), the key of the short
 * labels, the metrics not drawn, and the report's tables, on one page
 * that needs nothing but the files beside it (no network, no script from
 * elsewhere).  Every text from the database goes through esc_html; chart
 * file names are plot_base's (letters, digits, '-', '_', '.').
 *
 * Each image records whether it loaded (data-state="loaded" or "failed",
 * and its natural size in data-size), so that a browser, or a test
 * driving one, can tell that every chart is there.
 */
#include "sim/app/plot.h"

#include <stdio.h>
#include <string.h>

#include "sim/app/escape.h"
#include "sim/app/gnuplot.h"
#include "sim/app/report.h"

static const char style[] =
	"body{font-family:sans-serif;color:#202020;margin:1.5em auto;max-width:1600px;padding:0 1em}"
	"h1{font-size:1.4em}h2{font-size:1.15em;margin-top:2em}"
	"figure{margin:1.2em 0 2em 0}figure img{max-width:100%;height:auto;border:1px solid #ddd}"
	"figcaption{font-size:0.9em;color:#404040;margin-top:0.3em}"
	"img[data-state=failed]{min-height:3em;min-width:20em;background:#fdd}"
	"table.report{border-collapse:collapse;margin:0.5em 0 1.5em 0;font-size:0.85em}"
	"table.report caption{text-align:left;font-weight:bold;padding:0.3em 0}"
	"table.report th,table.report td{border:1px solid #ccc;padding:2px 7px}"
	"table.report td{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}"
	"table.report tbody th{text-align:left;font-weight:normal;font-family:monospace}"
	"p.note{font-size:0.9em}";

int plot_html_index(struct plotter *pl, const struct report *r, size_t scen)
{
	struct strbuf b;
	sb_init(&b);
	sb_puts(&b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<title>clobber: ");
	esc_html(&b, pl->s->name);
	sb_printf(&b, "</title>\n<style>%s</style>\n</head>\n<body>\n<h1>scenario ", style);
	esc_html(&b, pl->s->name);
	sb_puts(&b, "</h1>\n<p class=\"note\">");
	sb_printf(&b, "%zu chart%s", pl->ncharts, pl->ncharts == 1 ? "" : "s");
	if (r && scen < r->nsc && r->nsources) {
		sb_puts(&b, " from ");
		esc_html(&b, r->sources[0]);
	}
	sb_puts(&b, ". Each is drawn by the gnuplot script beside it, from the data file beside it; "
		    "rerun one with <code>gnuplot NAME.gp</code> in this directory. Numbers: mean and 95% "
		    "confidence interval over replications.</p>\n");
	if (pl->keyed) {
		struct strbuf k;
		sb_init(&k);
		plot_key_text(pl, NULL, &k);
		sb_puts(&b, "<p class=\"note\">Short labels: ");
		esc_html(&b, k.s ? k.s : "");
		sb_puts(&b, ".</p>\n");
		sb_free(&k);
	}
	if (pl->nflat) {
		sb_puts(&b, "<p class=\"note\">Not drawn, being 0 for every policy at every point: ");
		for (size_t i = 0; i < pl->nflat; i++) {
			sb_puts(&b, i ? ", " : "");
			esc_html(&b, pl->flat[i]);
		}
		sb_puts(&b, ".</p>\n");
	}
	sb_puts(&b, "<h2 id=\"charts\">Charts</h2>\n");
	for (size_t i = 0; i < pl->ncharts; i++) {
		const char *base = pl->charts[i].base;
		sb_puts(&b, "<figure>\n<a href=\"");
		esc_html(&b, base);
		sb_puts(&b, ".svg\"><img src=\"");
		esc_html(&b, base);
		sb_puts(&b, ".svg\" alt=\"");
		esc_html(&b, pl->charts[i].title);
		sb_puts(&b, "\" data-chart=\"");
		esc_html(&b, base);
		sb_puts(&b, "\" onload=\"this.dataset.state='loaded';this.dataset.size=this.naturalWidth+'x'+"
			    "this.naturalHeight\" onerror=\"this.dataset.state='failed'\"></a>\n<figcaption>");
		esc_html(&b, pl->charts[i].title);
		sb_puts(&b, " &middot; <a href=\"");
		esc_html(&b, base);
		sb_puts(&b, ".gp\">script</a> &middot; <a href=\"");
		esc_html(&b, base);
		sb_puts(&b, ".dat\">data</a>");
		if (strcmp(pl->format, "svg") != 0) {
			sb_puts(&b, " &middot; <a href=\"");
			esc_html(&b, base);
			sb_printf(&b, ".%s\">%s</a>", gp_ext(pl->format), gp_ext(pl->format));
		}
		sb_puts(&b, "</figcaption>\n</figure>\n");
	}
	if (r && scen < r->nsc) {
		sb_puts(&b, "<h2 id=\"report\">Report</h2>\n");
		report_write_html(r, scen, &b);
	}
	sb_puts(&b, "</body>\n</html>\n");
	if (b.failed) {
		sb_free(&b);
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		return -1;
	}
	int rc = gp_write(pl->dir, "index.html", b.s, pl->err, sizeof(pl->err));
	sb_free(&b);
	if (rc == 0) {
		fputs("  ", stdout);
		esc_term_fputs(pl->dir, stdout);
		fputs("/index.html\n", stdout);
	}
	return rc;
}
