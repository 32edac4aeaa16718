/*
 * progress.h - a one-line progress display on stderr: runs done of total,
 * events per second, time left.  Drawn only when enabled (stderr is a
 * terminal), at most five times a second.
 */
#ifndef CLOBBER_PROGRESS_H
#define CLOBBER_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>

struct progress {
	const char *name;
	uint64_t total;
	bool enabled;
	bool drawn;
	double start, last;
};

void progress_init(struct progress *p, const char *name, uint64_t total, bool enabled);
void progress_update(struct progress *p, uint64_t done, uint64_t events);
void progress_end(struct progress *p);

#endif
