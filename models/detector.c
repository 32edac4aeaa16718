/*
 * detector.c - a failure detector per partition.  See detector.h.
 */
#include "models/detector.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

int detector_init(struct detector *d, struct kernel *k, uint32_t n, int64_t after,
		  bool (*suspected)(void *obj, uint32_t p), bool (*act)(void *obj, uint32_t p),
		  void *obj)
{
	memset(d, 0, sizeof(*d));
	d->k = k;
	d->n = n;
	d->after = after;
	d->suspected = suspected;
	d->act = act;
	d->obj = obj;
	d->since = malloc((n ? n : 1) * sizeof(*d->since));
	d->timer = calloc(n ? n : 1, sizeof(*d->timer));
	if (!d->since || !d->timer)
		return -ENOMEM;
	for (uint32_t p = 0; p < n; p++)
		d->since[p] = -1;
	return 0;
}

void detector_free(struct detector *d)
{
	free(d->since);
	free(d->timer);
	d->since = NULL;
	d->timer = NULL;
}

/* Kernel event: partition p's suspicion may have lasted long enough. */
static void due(struct kernel *k, void *det, uint64_t p)
{
	(void)k;
	struct detector *d = det;
	d->timer[p] = KERNEL_NO_EVENT;
	detector_look(d, (uint32_t)p);
}

void detector_look(struct detector *d, uint32_t p)
{
	int64_t now = kernel_now(d->k);
	if (d->stopped || !d->suspected(d->obj, p)) {
		d->since[p] = -1;
		kernel_cancel(d->k, d->timer[p]);
		d->timer[p] = KERNEL_NO_EVENT;
		return;
	}
	if (d->since[p] < 0)
		d->since[p] = now;
	if (now - d->since[p] >= d->after) {
		if (d->act(d->obj, p)) {
			d->since[p] = -1;
			detector_look(d, p); /* the new state may be suspected too */
			return;
		}
		d->since[p] = now; /* it cannot act yet: wait again */
	}
	if (d->timer[p] == KERNEL_NO_EVENT)
		d->timer[p] = kernel_schedule(d->k, d->since[p] + d->after - now, due, d, p);
}

void detector_stop(struct detector *d)
{
	d->stopped = true;
	for (uint32_t p = 0; d->timer && p < d->n; p++) {
		kernel_cancel(d->k, d->timer[p]);
		d->timer[p] = KERNEL_NO_EVENT;
	}
}
