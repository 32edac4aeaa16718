/*
 * record.c - append-only buffers of operation and trace rows.
 */
#include "sim/truth/record.h"

#include <stdlib.h>

const char *const op_status_names[3] = {"ok", "aborted", "failed"};

const char *const trace_event_names[TR_NEVENTS] = {
	[TR_ISSUE] = "issue",
	[TR_READ] = "read",
	[TR_GOT] = "got",
	[TR_WRITE] = "write",
	[TR_APPLIED] = "applied",
	[TR_DISCARDED] = "discarded",
	[TR_SIBLING] = "sibling",
	[TR_REJECTED] = "rejected",
	[TR_FENCED] = "fenced",
	[TR_ZOMBIE] = "zombie",
	[TR_LOCK_WAIT] = "lock-wait",
	[TR_LOCK_GRANT] = "lock-grant",
	[TR_LOCK_DENIED] = "lock-denied",
	[TR_LEASE_EXPIRED] = "lease-expired",
	[TR_RELEASE] = "release",
	[TR_MERGE] = "merge",
	[TR_ACK] = "ack",
	[TR_CONFLICT] = "conflict",
	[TR_BACKOFF] = "backoff",
	[TR_DONE] = "done",
	[TR_ABORT] = "abort",
	[TR_TIMEOUT] = "timeout",
};

void record_free(struct record *r)
{
	free(r->ops);
	free(r->trace);
	r->ops = NULL;
	r->trace = NULL;
	r->nops = r->opscap = r->ntrace = r->tracecap = 0;
}

static int grow(void **arr, size_t *cap, size_t sz)
{
	size_t ncap = *cap ? *cap * 2 : 1024;
	void *p = realloc(*arr, ncap * sz);
	if (!p)
		return -1;
	*arr = p;
	*cap = ncap;
	return 0;
}

void record_op(struct record *r, const struct op_row *row)
{
	if (r->nops == r->opscap && grow((void **)&r->ops, &r->opscap, sizeof(*row)) < 0) {
		r->failed = 1;
		return;
	}
	r->ops[r->nops++] = *row;
}

void record_trace(struct record *r, const struct trace_row *row)
{
	if (r->trace_limit && r->ntrace >= r->trace_limit)
		return;
	if (r->ntrace == r->tracecap &&
	    grow((void **)&r->trace, &r->tracecap, sizeof(*row)) < 0) {
		r->failed = 1;
		return;
	}
	r->trace[r->ntrace++] = *row;
}
