/*
 * config.c - the one place defaults are set.
 */
#include "models/config.h"

#include <string.h>

#include "sim/core/kernel.h"

const char *const op_kind_names[OP_NKINDS] = {"incr", "add", "put", "read"};

void config_defaults(struct run_config *c)
{
	memset(c, 0, sizeof(*c));
	c->seed = 1;
	c->stop_ops = 10000;
	c->stop_time = 0;
	c->warmup = 0;

	c->keys = 16;
	c->service = (struct dist){DIST_CONST, 0, 0};

	c->clients = 8;
	c->arrival = ARRIVAL_CLOSED;
	c->think = (struct dist){DIST_EXP, 10.0 * KERNEL_MS, 0};
	c->rate = 100;
	c->key = (struct keys_spec){.kind = KEYS_UNIFORM};
	c->mix[OP_INCR] = 1;
	c->compute = (struct dist){DIST_CONST, 1.0 * KERNEL_MS, 0};
	c->retries = 5;
	c->backoff = (struct dist){DIST_EXP, 2.0 * KERNEL_MS, 0};
	c->timeout = 1 * KERNEL_S;

	c->latency = (struct dist){DIST_EXP, 0.5 * KERNEL_MS, 0};

	c->offset = (struct dist){DIST_CONST, 0, 0};
	c->drift = (struct dist){DIST_CONST, 0, 0};
	c->resolution = 1 * KERNEL_US;
	c->sync_period = 0;
	c->sync_error = (struct dist){DIST_CONST, 0, 0};
}
