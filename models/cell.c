/*
 * cell.c - the one-version key state shared by lww, version and lock.
 */
#include "models/cell.h"

#include "models/node.h"

void cell_key_init(void *ks, const void *opts)
{
	(void)opts;
	((struct cell *)ks)->version = HIST_NONE;
}

uint32_t cell_key_state(const void *ks, const uint32_t **versions)
{
	const struct cell *c = ks;
	*versions = &c->version;
	return c->version == HIST_NONE ? 0 : 1;
}

int64_t cell_key_value(const void *ks)
{
	return ((const struct cell *)ks)->value;
}

uint32_t cell_write(struct node *n, struct cell *c, struct msg *m)
{
	uint32_t v = node_apply(n, m);
	c->version = v;
	c->value = m->value;
	m->version = v;
	return v;
}
