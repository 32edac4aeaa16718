/*
 * defer.h - the work a paused process has not done yet.
 *
 * A paused node or client does nothing until it resumes (design section
 * 10): the events that reach it meanwhile (a message arriving, its server
 * finishing, one of its timers) are kept here in the order they came, and
 * run in that order, one after the other, when it resumes.  An entry that
 * carries a message owns it: a crash drops the list and frees them.
 *
 * Invariant: entries run in the order they were pushed; an entry pushed
 * while the list runs (the process paused again) waits for the next run.
 */
#ifndef CLOBBER_DEFER_H
#define CLOBBER_DEFER_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/kernel.h"

struct msg_pool;

struct defer_entry {
	kernel_fn *fn;
	void *obj;
	uint64_t arg;
	bool msg; /* arg is a struct msg * the entry owns */
};

struct defer {
	struct defer_entry *v;
	uint32_t n, cap;
};

/* Keeps fn(k, obj, arg) for later.  Returns 0 or -ENOMEM. */
int defer_push(struct defer *d, kernel_fn *fn, void *obj, uint64_t arg, bool msg);

/* Runs the entries kept so far, in order, on kernel k; entries pushed
 * while they run are kept for the next call. */
void defer_run(struct defer *d, struct kernel *k);

/* Forgets every entry, freeing the messages they carry. */
void defer_drop(struct defer *d, struct msg_pool *msgs);

void defer_free(struct defer *d, struct msg_pool *msgs);

#endif
