/*
 * plot_time.c - operations over time, with the fault windows shaded: for
 * a sweep point whose runs recorded their operations (clobber run
 * --record ops), the operations issued per second in bins of issue time,
 * by how they ended (ok, failed by timeout, aborted after conflicts), a
 * panel per label stacked on one time axis, and of the successes the
 * read-modify-writes whose effect was lost (ops.lost).  A partition, a
 * crash, a pause or message loss shows as the stretch where successes
 * fall and failures rise: unavailability, as the clients saw it; a clock
 * jump as the stretch where the losses rise.
 *
 * Each panel draws one run: the label's lowest replication at that point
 * that has operations, named with its seed (the fault times of a
 * schedule drawn at random differ by seed); its fault windows come from
 * table faults (fwin.h), each a band over the panel's height, the first
 * of each fault labelled with what it struck; a clock jump is a line.
 * Bins are 1, 2 or 5 times a power of ten milliseconds, about BINS_WANTED
 * of them over the issuing; the last, partial bin is left out.  Every
 * point with operations gets a chart when there are at most MAX_POINTS of
 * them, else the focus point alone.
 *
 * The ops table has no index: its rows are read in two passes over the
 * whole table (the runs and their spans, then the bins), whatever the
 * number of runs.
 */
#include "sim/app/plot.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/escape.h"
#include "sim/app/fwin.h"
#include "sim/app/gnuplot.h"

#define MAX_POINTS 12
#define BINS_WANTED 100
#define MAX_BINS 256
/* The outcomes counted, the data's columns 2 to 5 in this order. */
enum { O_OK, O_LOST, O_ABORTED, O_FAILED, NOUT };
static const struct {
	const char *title;
	int lt; /* line type of the theme */
} outcomes[NOUT] = {
	[O_OK] = {"ok", 1},
	[O_LOST] = {"ok, but its effect was lost", 5},
	[O_ABORTED] = {"aborted (conflicts)", 4},
	[O_FAILED] = {"failed (timeout)", 2},
};

/* The run drawn for one (point, label), and its bins. */
struct trun {
	int64_t id;	 /* 0: none */
	int64_t replication, seed;
	double last_start; /* ms: the last operation's issue */
	double *count;	 /* [MAX_BINS * NOUT] */
};

struct tplot {
	struct plotter *pl;
	struct trun *runs; /* [npoints * nlabels] */
	double bin_ms;	   /* per point: [npoints] */
};

/* Pass 1: the runs that recorded operations, and when each issued its
 * last; picks the lowest replication of each (point, label). */
static int pick_runs(struct plotter *pl, struct trun *runs)
{
	const struct dbr_scenario *s = pl->s;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(pl->db,
			       "SELECT o.run_id, o.last, r.label, coalesce(json_extract(r.params, '$.sweep'), '{}'), "
			       "r.replication, r.seed FROM (SELECT run_id, max(start_ms) AS last FROM ops GROUP BY run_id) o "
			       "JOIN runs r ON r.id = o.run_id WHERE r.scenario = ? AND typeof(o.last) IN ('integer', 'real') "
			       "ORDER BY r.replication, r.id",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(pl->err, sizeof(pl->err), "reading the operations: %s", sqlite3_errmsg(pl->db));
		return -1;
	}
	sqlite3_bind_text(st, 1, s->name, -1, SQLITE_STATIC);
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *label = (const char *)sqlite3_column_text(st, 2);
		const char *sweep = (const char *)sqlite3_column_text(st, 3);
		long l = label ? dbr_label_index(s, label) : -1, p = sweep ? dbr_sweep_index(s, sweep) : -1;
		double last = sqlite3_column_double(st, 1);
		if (l < 0 || p < 0 || !isfinite(last) || last <= 0 || last > 1e12)
			continue;
		struct trun *t = &runs[(size_t)p * s->nlabels + (size_t)l];
		if (t->id)
			continue; /* a lower replication is drawn */
		t->id = sqlite3_column_int64(st, 0);
		t->last_start = last;
		t->replication = sqlite3_column_int64(st, 4);
		t->seed = sqlite3_column_int64(st, 5);
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE) {
		snprintf(pl->err, sizeof(pl->err), "reading the operations: %s", sqlite3_errmsg(pl->db));
		return -1;
	}
	return 0;
}

/* A bin width of 1, 2 or 5 times a power of ten (ms) giving about
 * BINS_WANTED bins over span. */
static double nice_bin(double span)
{
	double raw = span / BINS_WANTED, p = pow(10, floor(log10(raw)));
	static const double steps[] = {1, 2, 5, 10};
	for (int i = 0; i < 4; i++)
		if (steps[i] * p >= raw)
			return steps[i] * p;
	return 10 * p;
}

/* The run's bins that are whole: issuing went on past their end. */
static size_t whole_bins(const struct trun *t, double bin)
{
	double n = floor(t->last_start / bin);
	return n < 1 ? 1 : n > MAX_BINS ? MAX_BINS : (size_t)n;
}

/* Pass 2: every operation of the chosen runs into its bin. */
static int fill_bins(struct tplot *tp, size_t nruns, const int64_t *ids, struct trun **of,
		     const double *bin)
{
	struct plotter *pl = tp->pl;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(pl->db, "SELECT run_id, start_ms, status, lost FROM ops", -1, &st, NULL) !=
	    SQLITE_OK) {
		snprintf(pl->err, sizeof(pl->err), "reading the operations: %s", sqlite3_errmsg(pl->db));
		return -1;
	}
	int rc;
	size_t last = 0; /* a run's rows are together: the previous run first */
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		int64_t id = sqlite3_column_int64(st, 0);
		size_t k = last;
		if (nruns == 0)
			break;
		if (ids[k] != id) {
			for (k = 0; k < nruns && ids[k] != id; k++)
				;
			if (k == nruns)
				continue;
			last = k;
		}
		double start = sqlite3_column_double(st, 1);
		const char *status = (const char *)sqlite3_column_text(st, 2);
		int o = !status			       ? -1
			: strcmp(status, op_status_names[OPST_OK]) == 0      ? O_OK
			: strcmp(status, op_status_names[OPST_ABORTED]) == 0 ? O_ABORTED
			: strcmp(status, op_status_names[OPST_FAILED]) == 0  ? O_FAILED
									       : -1;
		double b = floor(start / bin[k]);
		if (o < 0 || !(b >= 0) || b >= MAX_BINS)
			continue;
		of[k]->count[(size_t)b * NOUT + (size_t)o] += 1;
		if (o == O_OK && sqlite3_column_int(st, 3) == 1)
			of[k]->count[(size_t)b * NOUT + O_LOST] += 1;
	}
	sqlite3_finalize(st);
	if (rc != SQLITE_DONE && rc != SQLITE_ROW) {
		snprintf(pl->err, sizeof(pl->err), "reading the operations: %s", sqlite3_errmsg(pl->db));
		return -1;
	}
	return 0;
}

/* What a window struck, for its label: "crash of the primary (node 0)". */
static void window_words(const struct fault_window *w, char *buf, size_t n)
{
	const char *kind = w->kind == FAULT_CLOCK_JUMP ? "clock jump" : fwin_kind_name(w->kind);
	switch (w->target) {
	case FAULT_ON_PRIMARY:
		snprintf(buf, n, "%s of the primary (node %u)", kind, w->index);
		break;
	case FAULT_ON_NODE:
		snprintf(buf, n, "%s of node %u", kind, w->index);
		break;
	case FAULT_ON_CLIENT:
		snprintf(buf, n, "%s of client %u", kind, w->index);
		break;
	case FAULT_ON_SERVICE:
		snprintf(buf, n, "%s of the lock service", kind);
		break;
	default:
		snprintf(buf, n, "%s", w->kind == FAULT_LOSS ? "message loss" : kind);
		break;
	}
}

/* The shading of each kind (enum fault_kind): colour, legend. */
static const struct {
	const char *colour, *title;
} shades[FAULT_NKINDS] = {
	[FAULT_CRASH] = {"#d62728", "crash"},
	[FAULT_PARTITION] = {"#9467bd", "partition"},
	[FAULT_LOSS] = {"#7f7f7f", "message loss"},
	[FAULT_PAUSE] = {"#ff7f0e", "pause"},
	[FAULT_CLOCK_JUMP] = {"#17becf", "clock jump"},
};

/* One chart: point p. */
static int chart(struct tplot *tp, size_t p)
{
	struct plotter *pl = tp->pl;
	const struct dbr_scenario *s = pl->s;
	size_t nl = s->nlabels;
	struct trun *runs = &tp->runs[p * nl];
	double bin = tp->bin_ms;
	struct strbuf g, d;
	sb_init(&g);
	sb_init(&d);
	int rc = -1;
	size_t npanels = 0;
	double xmax = 0, ymax = 0;
	for (size_t l = 0; l < nl; l++) {
		if (!runs[l].id)
			continue;
		npanels++;
		size_t nb = whole_bins(&runs[l], bin);
		xmax = nb * bin > xmax ? (double)nb * bin : xmax;
		for (size_t b = 0; b < nb; b++)
			for (int o = 0; o < NOUT; o++) {
				double rate = runs[l].count[b * NOUT + (size_t)o] * 1000 / bin;
				ymax = rate > ymax ? rate : ymax;
			}
	}
	if (npanels == 0)
		return 0;
	ymax = ymax > 0 ? ymax * 1.12 : 1;
	char desc[1024], want[1100], base[300];
	dbr_point_desc(s, p, desc, sizeof(desc));
	snprintf(want, sizeof(want), "ops-over-time%s%s", s->naxes ? " " : "", s->naxes ? desc : "");
	if (plot_base(pl, want, NULL, base, sizeof(base)) < 0) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	/* which outcomes and faults there are, for the key */
	bool outcome[NOUT] = {0}, kind[FAULT_NKINDS] = {0};
	struct fault_window **win = calloc(nl + 1, sizeof(*win));
	uint32_t *nwin = calloc(nl + 1, sizeof(*nwin));
	if (!win || !nwin) {
		free(win);
		free(nwin);
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out;
	}
	for (size_t l = 0; l < nl && rc == -1; l++) {
		if (!runs[l].id)
			continue;
		if (fwin_load(pl->db, runs[l].id, &win[l], &nwin[l], pl->err, sizeof(pl->err)) < 0)
			rc = -2;
		for (uint32_t i = 0; i < nwin[l]; i++)
			kind[win[l][i].kind] = true;
		size_t nb = whole_bins(&runs[l], bin);
		for (size_t b = 0; b < nb; b++)
			for (int o = 0; o < NOUT; o++)
				outcome[o] = outcome[o] || runs[l].count[b * NOUT + (size_t)o] > 0;
	}
	if (rc == -2) {
		rc = -1;
		goto out_windows;
	}
	outcome[O_OK] = true;
	int keyn = 0;
	for (int o = 0; o < NOUT; o++)
		keyn += outcome[o];
	for (int k = 0; k < FAULT_NKINDS; k++)
		keyn += kind[k];
	int panel_h = 200, width = 1150;
	int keyrows = (keyn + 5) / 6 + pl->keyed;
	int height = (int)npanels * panel_h + 110 + 22 * keyrows;
	char title[1400];
	snprintf(title, sizeof(title), "%s: operations issued per second, by outcome, over time%s%s", s->name,
		 s->naxes ? " at " : "", s->naxes ? desc : "");
	plot_header(&g, pl, base, "operations over time by outcome, fault windows shaded", width, height);
	sb_printf(&g, "set xrange [0 : %.10g]\nset yrange [0 : %.10g]\nset key off\n", xmax, ymax);
	/* about four ticks up the panel, at 1, 2 or 5 times a power of ten */
	double step = pow(10, floor(log10(ymax / 4))), r = ymax / 4 / step;
	step *= r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10;
	sb_printf(&g, "set ylabel 'ops/s'\nset ytics %.10g\nset format x '%%g'\n", step);
	struct plot_grid pg;
	plot_grid_init(&pg, 1, (int)npanels, height, 22.0 * keyrows + 26, 46);
	sb_puts(&g, "set multiplot title ");
	gp_quote(&g, title);
	sb_puts(&g, " font theme_title_font\n");
	sb_puts(&d, "# operations over time of scenario ");
	esc_gp_comment(&d, s->name);
	sb_printf(&d, ", bins of %g ms of issue time; per panel (label) two blocks:\n"
		      "#   bin_mid_ms ok_per_s lost_per_s aborted_per_s failed_per_s (lost: of the ok,\n"
		      "#   the acknowledged read-modify-writes whose effect the final state lacks)\n"
		      "#   fault windows: x y xlow xhigh ylow yhigh kind label_y \"label\" (kind: 0 crash,\n"
		      "#   1 partition, 2 loss, 3 pause, 4 clock jump; a clock jump has xlow = xhigh)\n"
		      "# each block starts with a NaN row, so that no block is empty\n",
		  bin);
	int block = 0;
	size_t k = 0;
	for (size_t l = 0; l < nl; l++) {
		if (!runs[l].id)
			continue;
		bool bottom = k + 1 == npanels;
		plot_grid_panel(&g, &pg, k);
		char head[400];
		snprintf(head, sizeof(head), "%s (seed %lld)", pl->tags[l], (long long)runs[l].seed);
		sb_puts(&g, "set title ");
		gp_quote(&g, head);
		sb_puts(&g, " offset 0,-0.6\n");
		if (bottom)
			sb_puts(&g, "set xlabel 'time the operation was issued (ms)'\nset format x '%g'\n");
		else
			sb_puts(&g, "unset xlabel\nset format x ''\n");
		/* the bins */
		sb_puts(&d, "# label ");
		esc_gp_comment(&d, s->labels[l]);
		sb_puts(&d, "\nNaN NaN NaN NaN NaN\n");
		size_t nb = whole_bins(&runs[l], bin);
		for (size_t b = 0; b < nb; b++) {
			sb_printf(&d, "%.10g", ((double)b + 0.5) * bin);
			for (size_t o = 0; o < NOUT; o++)
				sb_printf(&d, " %.10g", runs[l].count[b * NOUT + o] * 1000 / bin);
			sb_puts(&d, "\n");
		}
		int bins_block = block++;
		/* the windows: bands over the panel, the first of each fault
		 * labelled */
		sb_puts(&d, "\n\n# fault windows of label ");
		esc_gp_comment(&d, s->labels[l]);
		sb_puts(&d, "\nNaN NaN NaN NaN NaN NaN NaN NaN \"\"\n");
		bool any_win = false;
		/* labels that would overlap go a row lower: their starts, in ms,
		 * and their ends (about 6 pixels a character) */
		double ms_per_char = xmax / (width - 150) * 6.0, lab_x0[16], lab_x1[16];
		int nlab = 0;
		for (uint32_t i = 0; i < nwin[l]; i++) {
			const struct fault_window *w = &win[l][i];
			double x0 = (double)w->start / 1e6, x1 = w->end < 0 ? xmax : (double)w->end / 1e6;
			if (x0 > xmax)
				continue;
			x1 = x1 > xmax ? xmax : x1;
			bool seen = false;
			for (uint32_t j = 0; j < i && !seen; j++)
				seen = win[l][j].kind == w->kind && win[l][j].target == w->target &&
				       win[l][j].index == w->index;
			char words[128];
			window_words(w, words, sizeof(words));
			int row = 0;
			double end = x0 + (double)strlen(words) * ms_per_char;
			for (int j = 0; !seen && j < nlab; j++)
				if (lab_x0[j] < end && x0 < lab_x1[j])
					row++;
			if (!seen && nlab < 16) {
				lab_x0[nlab] = x0;
				lab_x1[nlab++] = end;
			}
			sb_printf(&d, "%.10g %.10g %.10g %.10g 0 %.10g %d %.10g ", (x0 + x1) / 2, ymax / 2, x0, x1,
				  ymax, w->kind, ymax * (0.93 - 0.11 * row));
			esc_dat_field(&d, seen ? "" : words);
			sb_puts(&d, "\n");
			any_win = true;
		}
		sb_puts(&d, "\n\n");
		int win_block = block++;
		/* drawn: the bands, then the lines over them */
		sb_puts(&g, "plot \\\n");
		bool first = true;
		for (int kk = 0; kk < FAULT_NKINDS && any_win; kk++) {
			if (!kind[kk])
				continue;
			if (kk == FAULT_CLOCK_JUMP)
				sb_printf(&g, "%s  '%s.dat' index %d using ($7 == %d ? $3 : NaN):5:(0):6 with vectors nohead "
					      "lw 3 lc rgb '%s' notitle",
					  first ? "" : ", \\\n", base, win_block, kk, shades[kk].colour);
			else
				sb_printf(&g, "%s  '%s.dat' index %d using ($7 == %d ? $1 : NaN):2:3:4:5:6 with boxxyerror "
					      "fs transparent solid %s noborder lc rgb '%s' notitle",
					  first ? "" : ", \\\n", base, win_block, kk, kk == FAULT_LOSS ? "0.18" : "0.22",
					  shades[kk].colour);
			first = false;
		}
		if (any_win)
			sb_printf(&g, ", \\\n  '%s.dat' index %d using 3:8:9 with labels left offset 0.3,0 "
				      "font ',8' tc rgb '#404040' notitle",
				  base, win_block);
		for (int o = 0; o < NOUT; o++) {
			if (!outcome[o])
				continue;
			sb_printf(&g, "%s  '%s.dat' index %d using 1:%d with lines lt %d notitle", first ? "" : ", \\\n",
				  base, bins_block, 2 + o, outcomes[o].lt);
			first = false;
		}
		sb_puts(&g, "\n");
		k++;
	}
	/* the key, once, at the bottom */
	plot_grid_key(&g, &pg, 6, 3);
	if (pl->keyed) {
		struct strbuf kt;
		sb_init(&kt);
		plot_key_text(pl, NULL, &kt);
		sb_puts(&g, "set label 1 ");
		gp_quote(&g, kt.s ? kt.s : "");
		sb_printf(&g, " at screen 0.5, screen %.4f center font ',9'\n",
			  (pg.keyfrac * height - 26 - 22 * (keyrows - 1)) / height);
		sb_free(&kt);
	}
	sb_puts(&g, "plot \\\n");
	bool first = true;
	for (int o = 0; o < NOUT; o++)
		if (outcome[o]) {
			sb_printf(&g, "%s  NaN with lines lt %d title '%s'", first ? "" : ", \\\n", outcomes[o].lt,
				  outcomes[o].title);
			first = false;
		}
	for (int kk = 0; kk < FAULT_NKINDS; kk++)
		if (kind[kk]) {
			sb_printf(&g, ", \\\n  NaN with %s lc rgb '%s' title '%s'",
				  kk == FAULT_CLOCK_JUMP ? "lines lw 3 dt solid" : "boxes fs transparent solid 0.3 noborder",
				  shades[kk].colour, shades[kk].title);
		}
	sb_puts(&g, "\nunset multiplot\n");
	snprintf(title, sizeof(title), "operations over time%s%s", s->naxes ? " at " : "", s->naxes ? desc : "");
	rc = plot_finish(pl, base, title, &g, &d);
out_windows:
	for (size_t l = 0; l < nl; l++)
		free(win[l]);
	free(win);
	free(nwin);
out:
	sb_free(&g);
	sb_free(&d);
	return rc;
}

int plot_time_charts(struct plotter *pl)
{
	const struct dbr_scenario *s = pl->s;
	if (!dbr_has_table(pl->db, "ops"))
		return 0;
	size_t nl = s->nlabels, np = s->npoints;
	struct tplot tp = {.pl = pl};
	tp.runs = calloc(np * nl + 1, sizeof(*tp.runs));
	int rc = -1;
	if (!tp.runs) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		return -1;
	}
	if (pick_runs(pl, tp.runs) < 0)
		goto out;
	/* the points drawn: every one with operations, or the focus alone */
	size_t with = 0;
	for (size_t p = 0; p < np; p++) {
		bool any = false;
		for (size_t l = 0; l < nl; l++)
			any = any || tp.runs[p * nl + l].id;
		with += any;
	}
	bool *drawn = calloc(np + 1, sizeof(*drawn));
	double *bin = calloc(np * nl + 1, sizeof(*bin));
	int64_t *ids = calloc(np * nl + 1, sizeof(*ids));
	struct trun **of = calloc(np * nl + 1, sizeof(*of));
	double *pbin = calloc(np + 1, sizeof(*pbin));
	size_t nruns = 0;
	if (!drawn || !bin || !ids || !of || !pbin) {
		snprintf(pl->err, sizeof(pl->err), "out of memory");
		goto out_arrays;
	}
	for (size_t p = 0; p < np; p++) {
		drawn[p] = with <= MAX_POINTS || p == pl->focus;
		/* one bin width per point, from its longest issuing */
		double span = 0;
		for (size_t l = 0; l < nl; l++)
			span = tp.runs[p * nl + l].last_start > span ? tp.runs[p * nl + l].last_start : span;
		pbin[p] = span > 0 ? nice_bin(span) : 1;
		for (size_t l = 0; l < nl && drawn[p]; l++) {
			struct trun *t = &tp.runs[p * nl + l];
			if (!t->id)
				continue;
			t->count = calloc(MAX_BINS * NOUT, sizeof(*t->count));
			if (!t->count) {
				snprintf(pl->err, sizeof(pl->err), "out of memory");
				goto out_arrays;
			}
			ids[nruns] = t->id;
			bin[nruns] = pbin[p];
			of[nruns++] = t;
		}
	}
	if (nruns && fill_bins(&tp, nruns, ids, of, bin) < 0)
		goto out_arrays;
	rc = 0;
	for (size_t p = 0; p < np && rc == 0; p++)
		if (drawn[p]) {
			tp.bin_ms = pbin[p];
			rc = chart(&tp, p);
		}
out_arrays:
	free(drawn);
	free(bin);
	free(ids);
	free(of);
	free(pbin);
out:
	for (size_t i = 0; i < np * nl; i++)
		free(tp.runs[i].count);
	free(tp.runs);
	return rc;
}
