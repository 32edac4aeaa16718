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
 */
#ifndef CLOBBER_TCHART_H
#define CLOBBER_TCHART_H

#include <stddef.h>

#include "sim/app/tview.h"

/* Draws v into dir/base.EXT (format png|svg|pdf) with the given title.
 * Returns 0, or -1 with err filled. */
int tchart_draw(const struct tview *v, const char *dir, const char *base, const char *format,
		const char *title, char *err, size_t n);

#endif
