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

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum op_status {
	OPST_OK,
	OPST_ABORTED, /* gave up after conflicts */
	OPST_FAILED,  /* timed out */
	OPST_NKINDS
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

/* What a trace line says happened.  The events below are the world's own
 * (clients and nodes, every policy); a policy numbers its own events from
 * TR_POLICY, in the order of its vocabulary table, and a replication
 * strategy from TR_REPL.  The names and texts of all of them come from
 * their owners' tables of struct trace_vocab, so adding an event never
 * touches this file. */
enum trace_event {
	TR_ISSUE,	 /* client issues an operation */
	TR_READ,	 /* node serves a read (value, version; siblings in aux) */
	TR_GOT,		 /* client receives a read reply */
	TR_WRITE,	 /* client sends a write (value it writes) */
	TR_APPLIED,	 /* node applies a write: it is the key's state now */
	TR_DISCARDED,	 /* node acknowledges a write but keeps the old state */
	TR_REJECTED,	 /* node rejects a write (a version check failed) */
	TR_MERGE,	 /* client merges siblings (aux: how many; version: the one
			    it kept, when it kept one) */
	TR_ACK,		 /* client receives a write acknowledgement */
	TR_CONFLICT,	 /* client learns of a rejection or denial */
	TR_BACKOFF,	 /* client waits before retrying (aux: ns) */
	TR_DONE,	 /* operation finished successfully (aux: latency, ns) */
	TR_ABORT,	 /* operation gave up after its retries */
	TR_TIMEOUT,	 /* operation failed by timeout */
	TR_NWORLD
};
#define TR_POLICY 32 /* a policy's events: TR_POLICY + index in its table */
#define TR_REPL 64   /* a replication strategy's events */
#define TR_FAULT 96  /* the fault schedule's events */
#define TR_MAX 128

/* How a trace viewer shows an event: the swimlane chart's category. */
enum trace_cat {
	TC_CLIENT,  /* a client's step */
	TC_NODE,    /* a node's decision */
	TC_REFUSED, /* a write or request refused: rejected, fenced, denied */
	TC_ZOMBIE,  /* a write from a holder whose lease had expired */
	TC_TIMER,   /* a lease ran out, a timer fired */
	TC_MESSAGE, /* a message between nodes */
	TC_FAULT,   /* a crash, partition, pause, clock jump */
	TC_SIBLING, /* a node's decision to keep a write beside others */
	TC_NCATS
};

/* The vocabulary of one event: its name in the trace table, how a trace
 * viewer prints it, and the mark it carries.  Texts are templates:
 *   {op} "#12"   {key} "k3"   {kind} "incr"   {value} the value (a set's
 *   or a counter's effects when the policy keeps no scalar)   {aux} aux as
 *   a number   {ms} aux (ns) in ms   {detail} the row's detail text
 *   {node} "n1", the node named by aux2   {writer} "#7", the operation
 *   that wrote the row's version
 * {name|text} prints text when the field is unknown (no value, no detail,
 * no writer), {name?template} the template only when it is known.  A
 * detail text the template does not place is shown after the words, in
 * parentheses.
 * text_zero and text_many, when set, replace text when aux is 0 or above 1. */
struct trace_vocab {
	const char *name;      /* "lock-grant": the trace table's event column */
	const char *text;
	const char *text_zero;
	const char *text_many;
	const char *mark;      /* "FENCED", shown beside the line, or NULL */
	unsigned char cat;     /* enum trace_cat */
	bool shows_lost;       /* marked LOST when its version is a lost update */
};

/* Entry `index` of a vocabulary table ending with a NULL name, or NULL. */
const struct trace_vocab *trace_vocab_at(const struct trace_vocab *table, unsigned index);

/* Actors of trace rows: a client's index, or a node's TRACE_NODE(i). */
#define TRACE_NODE_BIT 0x80000000u
#define TRACE_NODE(i) (TRACE_NODE_BIT | (uint32_t)(i))
#define TRACE_IS_NODE(actor) (((actor)&TRACE_NODE_BIT) != 0)
#define TRACE_STORE TRACE_NODE(0) /* the node of a one-node store */
#define TRACE_SERVICE TRACE_NODE(0x0fffffffu) /* the lock service (after every node) */

struct trace_row {
	int64_t time;	  /* ns */
	uint64_t op;	  /* operation id */
	uint32_t actor;	  /* client index, or TRACE_NODE(node index) */
	uint32_t key;
	uint32_t version; /* version involved, or HIST_NONE (a merge: the one
			     sibling it kept, if it kept one) */
	uint16_t event;	  /* enum trace_event */
	uint8_t kind;	  /* operation kind */
	uint8_t lost;	  /* set after the check: this version is a lost update */
	int64_t value;	  /* value read or written, when one is known; else -1.
			     After the check, a row about a version of a policy
			     that keeps no scalar (siblings merged by union) has
			     the number of effects (increments, elements) of
			     that version. */
	int64_t aux;	  /* event-specific: siblings, token, queue position */
	uint32_t aux2;	  /* event-specific: a node, a second count */
	uint32_t detail;  /* offset of a text in record.text, or TRACE_NO_DETAIL:
			     what the row carries, for viewers ("ts 3ms > 1ms",
			     "token 2", "ctx {c0:1}") */
};
#define TRACE_NO_DETAIL UINT32_MAX

struct record {
	struct op_row *ops;
	size_t nops, opscap;
	struct trace_row *trace;
	size_t ntrace, tracecap;
	char *text;	    /* detail texts of trace rows, NUL-separated */
	size_t ntext, textcap;
	size_t trace_limit; /* stop tracing after this many rows; 0: no limit */
	int failed;	    /* out of memory */
};

void record_free(struct record *r);
void record_op(struct record *r, const struct op_row *row);
void record_trace(struct record *r, const struct trace_row *row);
/* record_trace with the row's detail text (NULL or "": none), copied into
 * r->text when the row is kept. */
void record_trace_text(struct record *r, const struct trace_row *row, const char *detail);

/* Stores a detail text for the next trace row and returns its offset (for
 * trace_row.detail), or TRACE_NO_DETAIL when out of memory. */
uint32_t record_text(struct record *r, const char *text);

#endif
