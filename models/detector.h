/*
 * detector.h - a failure detector per partition: a suspicion that lasts
 * `after` without a break makes the owner act (promote a new primary).
 *
 * The owner says what suspicion is (suspected()) and what to do (act(),
 * which returns true when it resolved the suspicion, false when it cannot
 * act yet: then the detector waits `after` again).  The owner calls
 * detector_look() whenever what suspicion depends on may have changed (a
 * fault started or ended); the detector's own timer looks again when a
 * suspicion has lasted long enough.  It models heartbeats missed for
 * `after` (a perfect detector with that delay) without one event per
 * heartbeat.
 *
 * Invariant: a partition has a pending timer exactly while it is suspected
 * (and the detector is not stopped).
 */
#ifndef CLOBBER_DETECTOR_H
#define CLOBBER_DETECTOR_H

#include <stdbool.h>
#include <stdint.h>

#include "sim/core/kernel.h"

struct detector {
	struct kernel *k;
	int64_t after;
	uint32_t n;
	int64_t *since;	      /* per partition: since when it is suspected, or -1 */
	kernel_handle *timer; /* per partition */
	bool (*suspected)(void *obj, uint32_t p);
	bool (*act)(void *obj, uint32_t p);
	void *obj;
	bool stopped;
};

int detector_init(struct detector *d, struct kernel *k, uint32_t n, int64_t after,
		  bool (*suspected)(void *obj, uint32_t p), bool (*act)(void *obj, uint32_t p),
		  void *obj);
void detector_free(struct detector *d);

/* Looks at partition p now. */
void detector_look(struct detector *d, uint32_t p);

/* Stops every timer; nothing more happens. */
void detector_stop(struct detector *d);

#endif
