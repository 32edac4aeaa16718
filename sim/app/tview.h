/*
 * tview.h - a trace as text: the words of each event, the lanes, and the
 * terminal timeline laid out to a width.
 *
 * The words of an event come from its owner's vocabulary (struct
 * trace_vocab, model.h) with the row's fields put in; what the row's
 * detail text adds (a timestamp, a token, a clock) follows the words in
 * parentheses unless the template places {detail} itself.  Lanes are the
 * distinct actors of the rows: clients in index order, then nodes ("store"
 * when the only node lane is node 0, else "node 0", "node 1", ...), so a
 * trace of any number of nodes needs nothing new here.
 *
 * The timeline has two layouts.  Columns: one column per lane, a line per
 * event in its lane's column, used when every event fits its column on one
 * line within the width.  Compact, otherwise: a column naming the lane
 * ("who"), then the event; an event too long for the room left puts its
 * detail on a second line, indented, and longer pieces wrap at spaces.
 * Guarantee: no line printed is longer than the width (at least
 * TVIEW_MIN_WIDTH), and no word is cut unless a single word is wider than
 * the room left for it; a mark ("<-- LOST") is never split.
 *
 * Used by `clobber trace` for a run just made and for one read back from a
 * database (tdb.h), and by the swimlane chart (tchart.h).
 */
#ifndef CLOBBER_TVIEW_H
#define CLOBBER_TVIEW_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "models/model.h"

#define TVIEW_MIN_WIDTH 40
#define TVIEW_MAX_WIDTH 1000

/* A trace to show.  The caller fills the first seven fields (it keeps
 * owning what they point to); tview_init builds the rest. */
struct tview {
	const struct policy *policy;
	const struct repl *repl;
	const struct trace_row *rows;
	size_t nrows;
	const char *text;	  /* the rows' detail texts (record.text), or NULL */
	const struct fault_window *faults; /* the run's fault windows (the chart shades
					      them), or NULL */
	uint32_t nfaults;
	/* built by tview_init, freed by tview_free: */
	uint32_t nlanes;
	uint32_t *lanes;	  /* actor of each lane */
	uint64_t *writer;	  /* [version]: the operation that wrote it */
	uint32_t nwriter;	  /* versions in writer[] */
};

/* One event in words. */
struct tview_event {
	char text[192];	  /* "#3 applied: k0 = 3" */
	char detail[224]; /* "ts 24ms > 3ms", or "" (none, or placed in text) */
	const char *mark; /* "LOST", "ZOMBIE", "SIBLINGS"..., or NULL */
	unsigned char cat;/* enum trace_cat */
};

/* Builds the lanes and the writers of versions.  Returns 0 or -ENOMEM. */
int tview_init(struct tview *v);
void tview_free(struct tview *v);

/* The words of row i. */
void tview_event(const struct tview *v, size_t i, struct tview_event *e);

/* The lane of an actor (one of v's), and a lane's name ("client 3",
 * "store", "node 1"). */
uint32_t tview_lane(const struct tview *v, uint32_t actor);
void tview_lane_name(const struct tview *v, uint32_t lane, char *buf, size_t n);

/* The operation that wrote version `version` ("#7" into buf), or "" when
 * no row of the trace says. */
void tview_writer(const struct tview *v, uint32_t version, char *buf, size_t n);

/* Prints text and a newline within `width` columns, breaking at spaces;
 * lines after the first start `indent` columns in. */
void tview_fit(FILE *out, const char *text, int width, int indent);

/* Prints the timeline (header, then a line per event) within `width`
 * columns.  Returns 0, or -ENOMEM. */
int tview_print(const struct tview *v, int width, FILE *out);

#endif
