/*
 * config.c - the names of operation kinds.  The defaults of a run's
 * parameters are the scenario schema's (sim/app/schema.c).
 */
#include "models/config.h"

const char *const op_kind_names[OP_NKINDS] = {"incr", "add", "put", "read", "probe"};
