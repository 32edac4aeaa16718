/*
 * tchart.c - the swimlane chart of a trace.  See tchart.h.
 */
#include "sim/app/tchart.h"

#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/fwin.h"
#include "sim/app/gnuplot.h"
#include "sim/core/strbuf.h"

/* Rows of labels below a node's lane and above a client's. */
#define NODE_ROWS 3
#define CLIENT_ROWS 2
#define LABEL_ROWS (NODE_ROWS + CLIENT_ROWS)
/* For placing labels: the plot's width in pixels, a label character's. */
#define PLOT_PX 1180.0
#define CHAR_PX 6.0

/* The shading of each kind of fault (enum fault_kind): fill, legend. */
static const struct {
	const char *colour;
	const char *title;
} shades[FAULT_NKINDS] = {
	[FAULT_CRASH] = {"#d62728", "crashed"},
	[FAULT_PARTITION] = {"#9467bd", "partitioned"},
	[FAULT_LOSS] = {"#7f7f7f", "message loss"},
	[FAULT_PAUSE] = {"#ff7f0e", "paused"},
	[FAULT_CLOCK_JUMP] = {"#17becf", "clock jump"},
};

/* The point kinds, in the order of the data blocks after the paths. */
enum {
	K_CLIENT,
	K_NODE,
	K_LOST,
	K_ZOMBIE,
	K_REFUSED,
	K_TIMER,
	K_SIBLINGS,
	K_N
};

static const struct {
	const char *comment; /* in the data file */
	const char *style;   /* the plot clause after "with points" */
	const char *title;   /* in the legend */
} kinds[K_N] = {
	[K_CLIENT] = {"client events", "pt 7 ps 0.9 lc rgb '#1f77b4'", "client events"},
	[K_NODE] = {"node decisions", "pt 5 ps 0.9 lc rgb '#333333'", "store decisions"},
	[K_LOST] = {"lost writes", "pt 2 ps 3 lw 3 lc rgb '#d62728'", "LOST write"},
	/* hollow, so that a decision at the same moment shows through */
	[K_ZOMBIE] = {"zombie writes", "pt 8 ps 2.4 lw 2 lc rgb '#ff7f0e'", "ZOMBIE write"},
	[K_REFUSED] = {"rejected, fenced or denied",
		       "pt 12 ps 2.2 lw 2 lc rgb '#9467bd'", "rejected / fenced / denied"},
	[K_TIMER] = {"lease expiries", "pt 3 ps 1.8 lc rgb '#8c564b'", "lease expired"},
	[K_SIBLINGS] = {"writes kept as siblings",
			"pt 6 ps 2.2 lw 2 lc rgb '#009e73'", "kept as SIBLING"},
};

/* The point kind of an event: LOST first (the checker's verdict), then its
 * category. */
static int kind_of(const struct tview_event *e, bool node)
{
	if (e->mark && strcmp(e->mark, "LOST") == 0)
		return K_LOST;
	switch (e->cat) {
	case TC_SIBLING:
		return K_SIBLINGS;
	case TC_ZOMBIE:
		return K_ZOMBIE;
	case TC_REFUSED:
		return K_REFUSED;
	case TC_TIMER:
		return K_TIMER;
	default:
		return node ? K_NODE : K_CLIENT;
	}
}

/* The y of a lane: lane 0 (the first client) at the top. */
static int lane_y(const struct tview *v, uint32_t actor)
{
	return (int)v->nlanes - 1 - (int)tview_lane(v, actor);
}

/* The view qsort's comparison sorts (the library's qsort has no context
 * argument; charts are drawn one at a time). */
static const struct tview *sort_v;

/* Rows by operation, then in the order they happened. */
static int by_op(const void *a, const void *b)
{
	size_t x = *(const size_t *)a, y = *(const size_t *)b;
	uint64_t ox = sort_v->rows[x].op, oy = sort_v->rows[y].op;
	if (ox != oy)
		return ox < oy ? -1 : 1;
	return x < y ? -1 : x > y;
}

/* Appends s as a double-quoted label of a data file. */
static void put_label(struct strbuf *d, const char *s)
{
	sb_puts(d, "\"");
	for (; *s; s++)
		sb_printf(d, "%c", *s == '"' ? '\'' : (unsigned char)*s < ' ' ? ' ' : *s);
	sb_puts(d, "\"\n");
}

/* The label of row i (its detail, or the sibling a merge kept; for a
 * refused or zombie write its words, which say why and whose; for a write
 * kept as a sibling, how many siblings there are now), into buf; false if
 * it has none.  A node's reads have none: the context a read returns is the
 * one the client's write shows. */
static bool label_of(const struct tview *v, size_t i, char *buf, size_t n)
{
	const struct trace_row *t = &v->rows[i];
	struct tview_event e;
	buf[0] = '\0';
	if (TRACE_IS_NODE(t->actor) && t->event == TR_READ)
		return false;
	tview_event(v, i, &e);
	snprintf(buf, n, "%s", e.detail);
	if (TRACE_IS_NODE(t->actor) && (e.cat == TC_ZOMBIE || e.cat == TC_REFUSED))
		snprintf(buf, n, "%s", e.text); /* "#0 fenced (newest token 2)" */
	if (e.cat == TC_SIBLING) {
		/* its words say how many siblings the key holds now (the value
		 * label above names the operation): the sibling explosion, drawn */
		const char *words = e.text[0] == '#' ? strchr(e.text, ' ') : NULL;
		char d[sizeof(e.detail)];
		snprintf(d, sizeof(d), "%s", buf);
		snprintf(buf, n, "%s%s%s", words ? words + 1 : e.text, d[0] ? ", " : "", d);
	}
	if (!TRACE_IS_NODE(t->actor) && t->event == TR_MERGE && t->version != HIST_NONE) {
		char w[32];
		tview_writer(v, t->version, w, sizeof(w));
		if (w[0])
			snprintf(buf, n, "keeps %s's", w);
	}
	return buf[0] != '\0';
}

/* ---- fault windows ---- */

/* The lane of actor, if the trace has one. */
static bool lane_of(const struct tview *v, uint32_t actor, uint32_t *lane)
{
	uint32_t l = tview_lane(v, actor);
	if (l >= v->nlanes || v->lanes[l] != actor)
		return false;
	*lane = l;
	return true;
}

/* Whether row t is the fault schedule's event `name`. */
static bool is_fault_event(const struct tview *v, const struct trace_row *t, const char *name)
{
	const struct trace_vocab *voc = model_event(v->policy, v->repl, t->event);
	return voc && voc->cat == TC_FAULT && strcmp(voc->name, name) == 0;
}

static int add_band(struct tchart_band **out, size_t *n, size_t *cap, struct tchart_band b)
{
	if (*n == *cap) {
		size_t c = *cap ? 2 * *cap : 8;
		struct tchart_band *v = realloc(*out, c * sizeof(*v));
		if (!v)
			return -ENOMEM;
		*out = v;
		*cap = c;
	}
	(*out)[(*n)++] = b;
	return 0;
}

/* The lanes a partition that started at `start` cut off, into cut[]: the
 * nodes with a partition row then, and the nodes those rows name. */
static void partition_lanes(const struct tview *v, int64_t start, bool *cut)
{
	for (size_t i = 0; i < v->nrows; i++) {
		const struct trace_row *t = &v->rows[i];
		if (t->time != start || !is_fault_event(v, t, "partition"))
			continue;
		uint32_t lane;
		if (lane_of(v, t->actor, &lane))
			cut[lane] = true;
		if (t->detail == TRACE_NO_DETAIL || !v->text)
			continue;
		/* "n1, n2" */
		for (const char *p = v->text + t->detail; (p = strchr(p, 'n')); p++) {
			char *end;
			unsigned long k = strtoul(p + 1, &end, 10);
			if (end != p + 1 && k < TRACE_NODE_BIT && lane_of(v, TRACE_NODE((uint32_t)k), &lane))
				cut[lane] = true;
		}
	}
}

int tchart_bands(const struct tview *v, struct tchart_band **out, size_t *n)
{
	*out = NULL;
	*n = 0;
	if (v->nrows == 0 || v->nfaults == 0)
		return 0;
	bool *cut = calloc(v->nlanes + 1, sizeof(*cut));
	if (!cut)
		return -ENOMEM;
	size_t cap = 0;
	int rc = 0;
	double t0 = (double)v->rows[0].time / 1e6, t1 = (double)v->rows[v->nrows - 1].time / 1e6;
	for (uint32_t i = 0; i < v->nfaults && rc == 0; i++) {
		const struct fault_window *w = &v->faults[i];
		double x0 = (double)w->start / 1e6, x1 = w->end < 0 ? t1 : (double)w->end / 1e6;
		if (x1 < t0 || x0 > t1)
			continue;
		struct tchart_band b = {.kind = w->kind, .x0 = x0 > t0 ? x0 : t0, .x1 = x1 < t1 ? x1 : t1};
		uint32_t actor = w->target == FAULT_ON_CLIENT	 ? w->index
				 : w->target == FAULT_ON_SERVICE ? TRACE_SERVICE
								 : TRACE_NODE(w->index);
		switch (w->kind) {
		case FAULT_LOSS:
			b.lane = TCHART_ALL_LANES;
			rc = add_band(out, n, &cap, b);
			break;
		case FAULT_PARTITION:
			memset(cut, 0, v->nlanes * sizeof(*cut));
			partition_lanes(v, w->start, cut);
			for (uint32_t l = 0; l < v->nlanes && rc == 0; l++)
				if (cut[l]) {
					b.lane = l;
					rc = add_band(out, n, &cap, b);
				}
			break;
		case FAULT_CLOCK_JUMP: /* a mark on its lane, with its step */
			for (size_t k = 0; k < v->nrows; k++)
				if (v->rows[k].time == w->start && v->rows[k].actor == actor &&
				    is_fault_event(v, &v->rows[k], "clock-jump"))
					b.by = v->rows[k].aux;
			if (lane_of(v, actor, &b.lane))
				rc = add_band(out, n, &cap, b);
			break;
		case FAULT_CRASH:
		case FAULT_PAUSE:
			if (lane_of(v, actor, &b.lane))
				rc = add_band(out, n, &cap, b);
			break;
		default:
			break;
		}
	}
	free(cut);
	if (rc < 0) {
		free(*out);
		*out = NULL;
		*n = 0;
	}
	return rc;
}

/* Writes the bands, one block per kind of fault from index `first`;
 * has[k] tells whether kind k has rows.  Boxes: x y xlow xhigh ylow
 * yhigh; a clock jump: x ylow 0 height "label". */
static void write_bands(const struct tview *v, const struct tchart_band *b, size_t nb, int first,
			struct strbuf *d, bool *has)
{
	for (int k = 0; k < FAULT_NKINDS; k++) {
		bool jump = k == FAULT_CLOCK_JUMP;
		sb_printf(d, "\n\n# index %d: %s windows, %s\n%s\n", first + k, fwin_kind_name(k),
			  jump ? "a mark: x ylow 0 height \"step\"" : "boxes: x y xlow xhigh ylow yhigh",
			  jump ? "NaN NaN NaN NaN \"\"" : "NaN NaN NaN NaN NaN NaN");
		for (size_t i = 0; i < nb; i++) {
			if (b[i].kind != k)
				continue;
			bool all = b[i].lane == TCHART_ALL_LANES;
			double y = all ? ((double)v->nlanes - 1) / 2 : (double)((int)v->nlanes - 1 - (int)b[i].lane);
			double half = all ? (double)v->nlanes / 2 : 0.42;
			if (jump)
				sb_printf(d, "%.6f %.6f 0 %.6f \"clock %+gms\"\n", b[i].x0, y - half, 2 * half,
					  (double)b[i].by / 1e6);
			else
				sb_printf(d, "%.6f %.6f %.6f %.6f %.6f %.6f\n", (b[i].x0 + b[i].x1) / 2, y,
					  b[i].x0, b[i].x1, y - half, y + half);
			has[k] = true;
		}
	}
}

/* Writes the data file; has[k] tells whether block k + 1 has rows (kinds,
 * then the four label blocks). */
static void write_data(const struct tview *v, struct strbuf *d, bool *has)
{
	/* index 0: one path per operation, in time order (the rows sorted by
	 * operation, each operation's in the order they happened) */
	sb_puts(d, "# index 0: each operation's path, time_ms lane\n");
	struct tview_event e;
	size_t *order = malloc((v->nrows ? v->nrows : 1) * sizeof(*order));
	if (!order) {
		d->failed = true;
		return;
	}
	for (size_t i = 0; i < v->nrows; i++)
		order[i] = i;
	sort_v = v;
	qsort(order, v->nrows, sizeof(*order), by_op);
	bool any = false;
	for (size_t k = 0; k < v->nrows; k++) {
		const struct trace_row *t = &v->rows[order[k]];
		tview_event(v, order[k], &e);
		/* rows of no operation (faults, background messages) are no path */
		if (e.cat != TC_TIMER && t->op != UINT64_MAX) {
			sb_printf(d, "%.6f %d\n", (double)t->time / 1e6, lane_y(v, t->actor));
			any = true;
		}
		/* the path ends; a blank line only after points, since two would
		 * end the data block */
		if ((k + 1 == v->nrows || v->rows[order[k + 1]].op != t->op) && any) {
			sb_puts(d, "\n");
			any = false;
		}
	}
	free(order);
	sb_puts(d, "\n");
	/* indexes 1..K_N: points by kind; an empty block would merge with the
	 * separator and shift every later index, so each starts with a row
	 * gnuplot skips */
	for (int k = 0; k < K_N; k++) {
		sb_printf(d, "\n# index %d: %s\nNaN NaN\n", k + 1, kinds[k].comment);
		for (size_t i = 0; i < v->nrows; i++) {
			const struct trace_row *t = &v->rows[i];
			tview_event(v, i, &e);
			if (kind_of(&e, TRACE_IS_NODE(t->actor)) != k)
				continue;
			sb_printf(d, "%.6f %d\n", (double)t->time / 1e6, lane_y(v, t->actor));
			has[k] = true;
		}
		sb_puts(d, "\n");
	}
	/* index K_N + 1: what a node applied, below its point */
	sb_printf(d, "\n# index %d: values a node applied, as labels\nNaN NaN \"\"\n", K_N + 1);
	for (size_t i = 0; i < v->nrows; i++) {
		const struct trace_row *t = &v->rows[i];
		const struct trace_vocab *voc = model_event(v->policy, v->repl, t->event);
		if (!TRACE_IS_NODE(t->actor) || !voc || !voc->shows_lost || t->value < 0)
			continue;
		sb_printf(d, "%.6f %d \"#%llu=%lld\"\n", (double)t->time / 1e6, lane_y(v, t->actor),
			  (unsigned long long)t->op, (long long)t->value);
		has[K_N] = true;
	}
	/* indexes K_N + 2 to K_N + 1 + LABEL_ROWS: the details of rows as
	 * labels, in rows of labels below a node's lane (NODE_ROWS of them) and
	 * above a client's (CLIENT_ROWS); each label goes to the first row
	 * where it does not overlap the one before it on its lane */
	int *row_of = malloc((v->nrows ? v->nrows : 1) * sizeof(*row_of));
	double *end = malloc((v->nlanes ? v->nlanes : 1) * LABEL_ROWS * sizeof(*end));
	if (!row_of || !end) {
		d->failed = true;
		free(row_of);
		free(end);
		return;
	}
	for (uint32_t k = 0; k < v->nlanes * LABEL_ROWS; k++)
		end[k] = -1e300;
	double t0 = v->nrows ? (double)v->rows[0].time / 1e6 : 0;
	double span = v->nrows ? (double)v->rows[v->nrows - 1].time / 1e6 - t0 : 1;
	double ms_per_char = (span > 1 ? span : 1) * 1.04 / PLOT_PX * CHAR_PX;
	char label[256];
	for (size_t i = 0; i < v->nrows; i++) {
		const struct trace_row *t = &v->rows[i];
		row_of[i] = -1;
		if (!label_of(v, i, label, sizeof(label)))
			continue;
		bool node = TRACE_IS_NODE(t->actor);
		int first = node ? 0 : NODE_ROWS, last = node ? NODE_ROWS : LABEL_ROWS;
		double x = (double)t->time / 1e6, half = (double)strlen(label) * ms_per_char / 2 + 0.5 * ms_per_char;
		double *lane_end = end + (size_t)tview_lane(v, t->actor) * LABEL_ROWS;
		int row = first;
		for (int r = first; r < last; r++) {
			if (lane_end[r] < x - half) {
				row = r;
				break;
			}
			if (lane_end[r] < lane_end[row])
				row = r; /* all overlap: the one that ends first */
		}
		lane_end[row] = x + half;
		row_of[i] = row;
	}
	for (int blk = 0; blk < LABEL_ROWS; blk++) {
		sb_printf(d, "\n\n# index %d: details of %s rows, labels row %d\nNaN NaN \"\"\n",
			  K_N + 2 + blk, blk < NODE_ROWS ? "node" : "client",
			  blk < NODE_ROWS ? blk + 1 : blk - NODE_ROWS + 1);
		for (size_t i = 0; i < v->nrows; i++) {
			if (row_of[i] != blk || !label_of(v, i, label, sizeof(label)))
				continue;
			const struct trace_row *t = &v->rows[i];
			sb_printf(d, "%.6f %d ", (double)t->time / 1e6, lane_y(v, t->actor));
			put_label(d, label);
			has[K_N + 1 + blk] = true;
		}
	}
	free(row_of);
	free(end);
}

int tchart_draw(const struct tview *v, const char *dir, const char *base, const char *format,
		const char *title, char *err, size_t n)
{
	struct strbuf g, d;
	sb_init(&g);
	sb_init(&d);
	bool has[K_N + 1 + LABEL_ROWS] = {0}, shaded[FAULT_NKINDS] = {0};
	write_data(v, &d, has);
	/* the fault windows after every other block, so that a trace without
	 * faults has the data file it always had */
	struct tchart_band *bands;
	size_t nbands;
	if (tchart_bands(v, &bands, &nbands) < 0)
		d.failed = true;
	int first_band = K_N + 2 + LABEL_ROWS;
	if (nbands)
		write_bands(v, bands, nbands, first_band, &d, shaded);
	free(bands);
	int height = 200 + 70 * (int)(v->nlanes ? v->nlanes : 1);
	if (height > GP_MAX_PIXELS)
		height = GP_MAX_PIXELS; /* hundreds of lanes: narrower ones */
	sb_puts(&g, "# clobber swimlane chart of one traced run\n");
	sb_printf(&g, "# rerun by hand in this directory: gnuplot %s.gp\n\n", base);
	gp_terminal(&g, format, 1300, height, base);
	sb_puts(&g, "set title ");
	gp_quote(&g, title);
	sb_printf(&g, "\nset xlabel 'time (ms)'\nset yrange [-1.1:%u.7]\nset ytics (",
		  v->nlanes ? v->nlanes - 1 : 0);
	for (uint32_t l = 0; l < v->nlanes; l++) {
		char name[32];
		tview_lane_name(v, l, name, sizeof(name));
		sb_puts(&g, l ? ", " : "");
		gp_quote(&g, name);
		sb_printf(&g, " %u", v->nlanes - 1 - l);
	}
	/* the key in rows of three at the bottom of the canvas, below the x
	 * label (gnuplot's own outside key overlaps the label when its rows
	 * hold big marks) */
	int keyn = 0;
	for (int k = 0; k < FAULT_NKINDS; k++)
		keyn += shaded[k];
	for (int k = 0; k < K_N; k++)
		keyn += has[k];
	int keyrows = (keyn + 2) / 3;
	sb_printf(&g, ")\nset grid xtics\nset key at screen 0.5, screen 0.01 center bottom horizontal "
		      "maxcols 3\nset bmargin %.1f\nset border 3\n"
		      "set tics nomirror\nset autoscale xfix\nset offsets graph 0.02, graph 0.02, 0, 0\n",
		  3.5 + 1.7 * keyrows);
	/* the fault windows first, behind everything */
	sb_printf(&g, "plot '%s.dat' ", base);
	for (int k = 0; k < FAULT_NKINDS; k++) {
		if (!shaded[k])
			continue;
		if (k == FAULT_CLOCK_JUMP)
			sb_printf(&g, "index %d using 1:2:3:4 with vectors nohead lw 3 lc rgb '%s' title '%s', \\\n"
				      "  '' index %d using 1:($2 + $4):5 with labels left offset 0.4,-0.6 font ',8' "
				      "tc rgb '%s' notitle, \\\n  '' ",
				  first_band + k, shades[k].colour, shades[k].title, first_band + k, shades[k].colour);
		else
			sb_printf(&g, "index %d using 1:2:3:4:5:6 with boxxyerror fs transparent solid %s noborder "
				      "lc rgb '%s' title '%s', \\\n  '' ",
				  first_band + k, k == FAULT_LOSS ? "0.12" : "0.22", shades[k].colour, shades[k].title);
	}
	sb_puts(&g, "index 0 using 1:2 with lines lc rgb '#b0b0b0' notitle");
	for (int k = 0; k < K_N; k++)
		if (has[k]) {
			/* "store decisions" on one node, "node decisions" on several */
			char lane0[32] = "";
			tview_lane_name(v, v->nlanes ? v->nlanes - 1 : 0, lane0, sizeof(lane0));
			const char *legend = k == K_NODE && strcmp(lane0, "store") != 0 ? "node decisions"
											  : kinds[k].title;
			sb_printf(&g, ", \\\n  '' index %d using 1:2 with points %s title '%s'", k + 1,
				  kinds[k].style, legend);
		}
	/* labels: values below nodes, then the rows of details (gnuplot 5.4
	 * crashes on a labels plot of no row, so empty blocks are left out) */
	static const char *const label_style[1 + LABEL_ROWS] = {
		"offset 0,-1.2 font ',8'",
		"offset 0,-2.2 font ',8' tc rgb '#555555'",
		"offset 0,-3.1 font ',8' tc rgb '#555555'",
		"offset 0,-4.0 font ',8' tc rgb '#555555'",
		"offset 0,1.2 font ',8' tc rgb '#555555'",
		"offset 0,2.1 font ',8' tc rgb '#555555'",
	};
	for (int b = 0; b < 1 + LABEL_ROWS; b++)
		if (has[K_N + b])
			sb_printf(&g, ", \\\n  '' index %d using 1:2:3 with labels %s notitle", K_N + 1 + b,
				  label_style[b]);
	sb_puts(&g, "\n");
	char gp[320], dat[320];
	snprintf(gp, sizeof(gp), "%s.gp", base);
	snprintf(dat, sizeof(dat), "%s.dat", base);
	int rc = -1;
	if (g.failed || d.failed)
		snprintf(err, n, "out of memory");
	else if (gp_write(dir, dat, d.s, err, n) == 0 && gp_write(dir, gp, g.s, err, n) == 0 &&
		 gp_run(dir, gp, err, n) == 0)
		rc = 0;
	sb_free(&g);
	sb_free(&d);
	return rc;
}
