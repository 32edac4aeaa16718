/*
 * cell.h - a key state that holds one version and its value: the state of
 * lww, version and lock, each of which begins its key state with a cell
 * (so that `state` and `value` are the same three functions for all of
 * them, and their copies begin with the cell too).
 */
#ifndef CLOBBER_CELL_H
#define CLOBBER_CELL_H

#include <stdint.h>

#include "models/msg.h"

struct node;

struct cell {
	uint32_t version; /* the history's id of the value; HIST_NONE until written */
	int64_t value;
};

/* The slots key_init, state and value of a key state that begins with a
 * cell. */
void cell_key_init(void *ks, const void *opts);
uint32_t cell_key_state(const void *ks, const uint32_t **versions);
int64_t cell_key_value(const void *ks);

/* Applies write m to the cell: records its version (node_apply), takes
 * its value, and tells the message which version it created. */
uint32_t cell_write(struct node *n, struct cell *c, struct msg *m);

#endif
