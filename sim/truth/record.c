/*
 * record.c - append-only buffers of operation and trace rows.
 */
#include "sim/truth/record.h"

#include <stdlib.h>
#include <string.h>

const char *const op_status_names[3] = {"ok", "aborted", "failed"};

void record_free(struct record *r)
{
	free(r->ops);
	free(r->trace);
	free(r->text);
	r->ops = NULL;
	r->trace = NULL;
	r->text = NULL;
	r->nops = r->opscap = r->ntrace = r->tracecap = r->ntext = r->textcap = 0;
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

void record_trace_text(struct record *r, const struct trace_row *row, const char *detail)
{
	if (!detail || !*detail || (r->trace_limit && r->ntrace >= r->trace_limit)) {
		record_trace(r, row);
		return;
	}
	struct trace_row copy = *row;
	copy.detail = record_text(r, detail);
	record_trace(r, &copy);
}

uint32_t record_text(struct record *r, const char *text)
{
	size_t len = strlen(text) + 1;
	if (r->ntext + len > UINT32_MAX - 1)
		return TRACE_NO_DETAIL;
	while (r->ntext + len > r->textcap)
		if (grow((void **)&r->text, &r->textcap, 1) < 0) {
			r->failed = 1;
			return TRACE_NO_DETAIL;
		}
	memcpy(r->text + r->ntext, text, len);
	uint32_t at = (uint32_t)r->ntext;
	r->ntext += len;
	return at;
}

const struct trace_vocab *trace_vocab_at(const struct trace_vocab *table, unsigned index)
{
	for (unsigned i = 0; table && table[i].name; i++)
		if (i == index)
			return &table[i];
	return NULL;
}
