/*
 * fwin.h - fault windows as the application keeps them: the occurrences of
 * a run's fault schedule (struct fault_window, models/model.h) by name, as
 * the results database stores them (table faults), and read back from one.
 *
 *   faults(run_id, kind, target, target_index, start_ms, end_ms)
 *
 * kind is the scenario's name of the fault (crash, partition, loss, pause,
 * clock_jump); target is node, primary, client, service or network;
 * target_index the node it struck (for primary, the node that was primary
 * when it started) or the client, NULL for the network and for the lock
 * service (there is one); times in true milliseconds, end_ms
 * NULL when the fault lasts to the end (a crashed client never returns)
 * and equal to start_ms for a clock jump.  A run's rows are in the order
 * the occurrences started.
 *
 * A database is untrusted input: fwin_load refuses rows whose kind or
 * target it does not know, whose times are not finite numbers, or whose
 * end comes before their start, naming the run.
 */
#ifndef CLOBBER_FWIN_H
#define CLOBBER_FWIN_H

#include <sqlite3.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/model.h"

/* The fault kinds' names, indexed by enum fault_kind (the scenario's own
 * words: schema_faults.c parses them from this table). */
extern const char *const fwin_kind_names[FAULT_NKINDS];

/* The name of a kind or a target, or "?" for a number out of range. */
const char *fwin_kind_name(int kind);
const char *fwin_target_name(int target);

/* The code of a kind or target name, or -1. */
int fwin_kind_code(const char *name);
int fwin_target_code(const char *name);

/* Whether window w has a target index (not the network's, nor the lock
 * service's). */
bool fwin_has_index(const struct fault_window *w);

/* Reads the fault windows of run `run` into *out (malloc'd, the caller
 * frees it; NULL and *n = 0 when there are none, or when the database has
 * no faults table).  Returns 0, or -1 with err filled. */
int fwin_load(sqlite3 *db, int64_t run, struct fault_window **out, uint32_t *n, char *err,
	      size_t len);

#endif
