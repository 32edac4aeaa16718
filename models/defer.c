/*
 * defer.c - the work a paused process has not done yet.  See defer.h.
 */
#include "models/defer.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "models/msg.h"

int defer_push(struct defer *d, kernel_fn *fn, void *obj, uint64_t arg, bool msg)
{
	if (d->n == d->cap) {
		uint32_t cap = d->cap ? d->cap * 2 : 16;
		struct defer_entry *v = realloc(d->v, cap * sizeof(*v));
		if (!v)
			return -ENOMEM;
		d->v = v;
		d->cap = cap;
	}
	d->v[d->n++] = (struct defer_entry){.fn = fn, .obj = obj, .arg = arg, .msg = msg};
	return 0;
}

void defer_run(struct defer *d, struct kernel *k)
{
	/* take the list: what the entries push goes to a fresh one */
	struct defer now = *d;
	memset(d, 0, sizeof(*d));
	for (uint32_t i = 0; i < now.n; i++)
		now.v[i].fn(k, now.v[i].obj, now.v[i].arg);
	if (d->n == 0 && d->cap == 0) {
		now.n = 0;
		*d = now; /* keep the array for next time */
	} else {
		free(now.v);
	}
}

void defer_drop(struct defer *d, struct msg_pool *msgs)
{
	for (uint32_t i = 0; i < d->n; i++)
		if (d->v[i].msg)
			msg_free(msgs, (struct msg *)(uintptr_t)d->v[i].arg);
	d->n = 0;
}

void defer_free(struct defer *d, struct msg_pool *msgs)
{
	defer_drop(d, msgs);
	free(d->v);
	memset(d, 0, sizeof(*d));
}
