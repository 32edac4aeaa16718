/*
 * tview.h - trace rows as text: each event's words come from its owner's
 * vocabulary (struct trace_vocab, model.h), with the row's fields put in.
 * Used by `clobber trace` for the terminal timeline and the swimlane
 * chart, whether the rows come from a run just made or from a database.
 */
#ifndef CLOBBER_TVIEW_H
#define CLOBBER_TVIEW_H

#include <stddef.h>
#include <stdint.h>

#include "models/model.h"

/* The text of row t under vocabulary v (NULL: the event's number), with
 * `value` the value to show (-1: none) and `detail` the row's detail text
 * (NULL: none).  *mark is set to the mark shown beside it, or NULL: LOST
 * when the row's version is a lost update and the event shows it. */
void tview_describe(const struct trace_vocab *v, const struct trace_row *t, int64_t value,
		    const char *detail, char *buf, size_t n, const char **mark);

/* "client 3", "node 0", the lane names of actors. */
void tview_actor(uint32_t actor, char *buf, size_t n);

#endif
