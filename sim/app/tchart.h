/*
 * tchart.h - the swimlane chart of a trace (gnuplot).
 *
 * One horizontal lane per lane of the view (tview.h), clients at the top
 * and nodes below, time along x; each operation a grey path through its
 * events; events as points by kind (client step, node decision) with the
 * marks of the terminal timeline on top: LOST, ZOMBIE, refused (REJECTED,
 * FENCED, DENIED), lease expired, SIBLINGS.  Labels carry what the
 * timeline's lines say about state: the value a node applied ("#3=3"),
 * the detail of a row (a timestamp, a fencing token, a clock or a dot),
 * and which sibling a merge kept ("keeps #2's").  The legend lists only
 * the kinds the trace has.  The script and its data are written beside
 * the chart (DIR/BASE.gp, DIR/BASE.dat), to be rerun or restyled by hand.
 *
 * The run's fault windows (tview.faults) are shaded behind the lanes they
 * concern: a crash or a pause on its node's or client's lane, a partition
 * on the lanes of the nodes it cut off (the nodes with a `partition` row
 * when it started, and the nodes those rows name), message loss across
 * every lane; a clock jump is a mark across its lane with its step.  Each
 * band is clipped to the trace's time span (a window that lasts to the
 * end ends with the last row); a window of an actor without a lane in the
 * trace, or wholly outside its span, is not drawn.
 */
#ifndef CLOBBER_TCHART_H
#define CLOBBER_TCHART_H

#include <stddef.h>

#include "sim/app/tview.h"

/* One band of shading: a fault window on one lane. */
struct tchart_band {
	int kind;	/* enum fault_kind */
	double x0, x1;	/* ms, within the trace's span (equal for a clock jump) */
	uint32_t lane;	/* the lane (tview_lane); TCHART_ALL_LANES for message loss */
	int64_t by;	/* a clock jump's step in ns, when its trace row says; else 0 */
};
#define TCHART_ALL_LANES UINT32_MAX

/* The bands of v's fault windows (v built by tview_init), in the order of
 * the windows, into *out (malloc'd, the caller frees it; NULL when none).
 * Returns 0 or -ENOMEM. */
int tchart_bands(const struct tview *v, struct tchart_band **out, size_t *n);

/* Draws v into dir/base.EXT (format png|svg|pdf) with the given title.
 * Returns 0, or -1 with err filled. */
int tchart_draw(const struct tview *v, const char *dir, const char *base, const char *format,
		const char *title, char *err, size_t n);

#endif
