/*
 * fwin.c - fault windows by name, and read back from a database.  See
 * fwin.h.
 */
#include "sim/app/fwin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sim/app/dbread.h"

const char *const fwin_kind_names[FAULT_NKINDS] = {
	[FAULT_CRASH] = "crash",
	[FAULT_PARTITION] = "partition",
	[FAULT_LOSS] = "loss",
	[FAULT_PAUSE] = "pause",
	[FAULT_CLOCK_JUMP] = "clock_jump",
};

static const char *const target_names[] = {
	[FAULT_ON_NODE] = "node",
	[FAULT_ON_PRIMARY] = "primary",
	[FAULT_ON_CLIENT] = "client",
	[FAULT_ON_SERVICE] = "service",
	[FAULT_ON_NETWORK] = "network",
};
#define NTARGETS (int)(sizeof(target_names) / sizeof(target_names[0]))

const char *fwin_kind_name(int kind)
{
	return kind >= 0 && kind < FAULT_NKINDS ? fwin_kind_names[kind] : "?";
}

const char *fwin_target_name(int target)
{
	return target >= 0 && target < NTARGETS ? target_names[target] : "?";
}

int fwin_kind_code(const char *name)
{
	for (int k = 0; name && k < FAULT_NKINDS; k++)
		if (strcmp(fwin_kind_names[k], name) == 0)
			return k;
	return -1;
}

int fwin_target_code(const char *name)
{
	for (int t = 0; name && t < NTARGETS; t++)
		if (strcmp(target_names[t], name) == 0)
			return t;
	return -1;
}

bool fwin_has_index(const struct fault_window *w)
{
	return w->target != FAULT_ON_NETWORK && w->target != FAULT_ON_SERVICE;
}

int fwin_load(sqlite3 *db, int64_t run, struct fault_window **out, uint32_t *n, char *err,
	      size_t len)
{
	*out = NULL;
	*n = 0;
	if (!dbr_has_table(db, "faults"))
		return 0;
	sqlite3_stmt *st;
	if (sqlite3_prepare_v2(db,
			       "SELECT kind, target, target_index, start_ms, end_ms FROM faults "
			       "WHERE run_id = ? ORDER BY rowid",
			       -1, &st, NULL) != SQLITE_OK) {
		snprintf(err, len, "reading the fault windows: %s", sqlite3_errmsg(db));
		return -1;
	}
	sqlite3_bind_int64(st, 1, run);
	uint32_t cap = 0;
	int rc;
	while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
		const char *kind = (const char *)sqlite3_column_text(st, 0);
		const char *target = (const char *)sqlite3_column_text(st, 1);
		struct fault_window w = {.kind = fwin_kind_code(kind), .target = fwin_target_code(target)};
		bool numbers = sqlite3_column_type(st, 3) == SQLITE_FLOAT ||
			       sqlite3_column_type(st, 3) == SQLITE_INTEGER;
		double start = sqlite3_column_double(st, 3), end = sqlite3_column_double(st, 4);
		bool open = sqlite3_column_type(st, 4) == SQLITE_NULL;
		numbers = numbers && (open || sqlite3_column_type(st, 4) == SQLITE_FLOAT ||
				      sqlite3_column_type(st, 4) == SQLITE_INTEGER);
		sqlite3_int64 index = sqlite3_column_int64(st, 2);
		const char *why = w.kind < 0				    ? "an unknown kind"
				  : w.target < 0			    ? "an unknown target"
				  : !numbers || !isfinite(start) || !isfinite(end) ? "times that are not numbers"
				  : fabs(start) > 9e12 || fabs(end) > 9e12	    ? "times out of range"
				  : !open && end < start		    ? "an end before its start"
				  : fwin_has_index(&w) && (index < 0 || index > UINT32_MAX) ? "a bad target index"
											   : NULL;
		if (why) {
			snprintf(err, len, "run %lld has a fault window with %s (table faults)",
				 (long long)run, why);
			goto out_fail;
		}
		w.index = fwin_has_index(&w) ? (uint32_t)index : 0;
		w.start = llround(start * 1e6);
		w.end = open ? -1 : llround(end * 1e6);
		if (*n == cap) {
			cap = cap ? 2 * cap : 8;
			struct fault_window *v = realloc(*out, cap * sizeof(*v));
			if (!v) {
				snprintf(err, len, "out of memory");
				goto out_fail;
			}
			*out = v;
		}
		(*out)[(*n)++] = w;
	}
	if (rc != SQLITE_DONE) {
		snprintf(err, len, "reading the fault windows: %s", sqlite3_errmsg(db));
		goto out_fail;
	}
	sqlite3_finalize(st);
	return 0;
out_fail:
	sqlite3_finalize(st);
	free(*out);
	*out = NULL;
	*n = 0;
	return -1;
}
