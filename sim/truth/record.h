/*
 * record.h - optional detail of a run: one row per operation (--record ops)
 * and a message-level trace for timelines (--record trace).
 *
 * The models append; the runner hands the rows to the results writer.  Both
 * grow with the run (that is what the user asked for) and cost nothing when
 * not requested: the models test one pointer.
 */
#ifndef CLOBBER_RECORD_H
#define CLOBBER_RECORD_H

#include <stddef.h>
#include <stdint.h>

enum op_status {
	OPST_OK,
	OPST_ABORTED, /* gave up after conflicts */
	OPST_FAILED,  /* timed out */
};

extern const char *const op_status_names[3];

struct op_row {
	uint64_t id;	  /* issue order in the run, from 0 */
	int64_t begin;	  /* ns */
	int64_t end;	  /* ns */
	uint32_t client;
	uint32_t key;
	uint32_t version; /* the version its write created, or HIST_NONE */
	uint16_t attempts;
	uint8_t kind;	  /* enum op_kind */
	uint8_t status;	  /* enum op_status */
};

/* What a trace line says happened. */
enum trace_event {
	TR_ISSUE,	 /* client issues an operation */
	TR_READ,	 /* store serves a read (value, version, siblings in aux) */
	TR_GOT,		 /* client receives a read reply */
	TR_WRITE,	 /* client sends a write (value it writes) */
	TR_APPLIED,	 /* store applies a write: it is the key's state now */
	TR_DISCARDED,	 /* store acknowledges a write but keeps the old state */
	TR_SIBLING,	 /* store keeps a write beside others (aux: sibling count) */
	TR_REJECTED,	 /* store rejects a write (version mismatch) */
	TR_FENCED,	 /* store rejects a write carrying an old fencing token */
	TR_ZOMBIE,	 /* a write from a holder whose lease has expired arrives */
	TR_LOCK_WAIT,	 /* lock busy: request queued (aux: queue position) */
	TR_LOCK_GRANT,	 /* lock granted (aux: fencing token) */
	TR_LOCK_DENIED,	 /* lock busy: request refused (mode fail) */
	TR_LEASE_EXPIRED,/* a holder's lease ran out (aux: token) */
	TR_RELEASE,	 /* lock released */
	TR_MERGE,	 /* client merges siblings (aux: how many) */
	TR_ACK,		 /* client receives a write acknowledgement */
	TR_CONFLICT,	 /* client learns of a rejection or denial */
	TR_BACKOFF,	 /* client waits before retrying */
	TR_DONE,	 /* operation finished successfully */
	TR_ABORT,	 /* operation gave up after its retries */
	TR_TIMEOUT,	 /* operation failed by timeout */
	TR_NEVENTS
};

extern const char *const trace_event_names[TR_NEVENTS];

#define TRACE_STORE UINT32_MAX /* actor of store-side lines */

struct trace_row {
	int64_t time;	  /* ns */
	uint64_t op;	  /* operation id */
	uint32_t actor;	  /* client index, or TRACE_STORE */
	uint32_t key;
	uint32_t version; /* version involved, or HIST_NONE */
	uint16_t event;	  /* enum trace_event */
	uint8_t kind;	  /* operation kind */
	uint8_t lost;	  /* set after the check: this version is a lost update */
	int64_t value;	  /* value read or written, when one is known; else -1 */
	int64_t aux;	  /* event-specific: siblings, token, queue position */
};

struct record {
	struct op_row *ops;
	size_t nops, opscap;
	struct trace_row *trace;
	size_t ntrace, tracecap;
	size_t trace_limit; /* stop tracing after this many rows; 0: no limit */
	int failed;	    /* out of memory */
};

void record_free(struct record *r);
void record_op(struct record *r, const struct op_row *row);
void record_trace(struct record *r, const struct trace_row *row);

#endif
