/*
 * scenario.h - scenario files: load, validate, expand the sweep, resolve
 * each run's parameters.
 *
 * A scenario (design section 5, reference in docs/scenarios.md) is a YAML
 * mapping: name, description, seed, replications, stop, warmup, sweep,
 * policies, store, workload, network, clocks, cluster, faults.  `$name` or `${name}` in any
 * value is replaced by the sweep value of the run (`$$` is a dollar sign).
 *
 * Guarantees:
 *  - Every error names the file, line and column and says what was
 *    expected; unknown keys get a did-you-mean.  Values overridden with
 *    --set are reported as "--set NAME=VALUE" with the column in it.
 *  - scenario_check() resolves every sweep point with every policy, so a
 *    scenario that passes it cannot fail to resolve later: `clobber run`
 *    checks first and runs nothing, writes nothing, if anything is wrong.
 *  - The runs of a scenario are numbered point by point (the last sweep axis
 *    varying fastest; the axes of a `zip` take their values together, as
 *    one axis), then policy by policy in the order written, then
 *    replication by replication; replication r runs with seed `seed + r`, the
 *    same for every policy and point (common random numbers).
 */
#ifndef CLOBBER_SCENARIO_H
#define CLOBBER_SCENARIO_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "models/model.h"
#include "sim/app/sdiag.h"
#include "sim/app/ydoc.h"
#include "sim/core/strbuf.h"

/* Limits checked before anything is allocated for the runs. */
#define SCENARIO_MAX_RUNS 1000000
#define SCENARIO_MAX_AXIS_VALUES 10000
#define SCENARIO_MAX_AXES 32
#define SCENARIO_MAX_FILE (4 << 20)

struct sweep_axis {
	char *name;
	const struct ynode *key; /* where the axis is written */
	size_t nvalues;
	const struct ynode **values; /* scalars */
	size_t group; /* the axes of one `zip` share a group: their values go together */
};

struct scenario_policy {
	const struct policy *policy;
	const struct ynode *node;    /* the list item */
	const struct ynode *options; /* its options mapping, or NULL */
	char label[160];	     /* as written: sweep names not substituted, so a
					label is the same at every point */
};

struct scenario {
	char *path;
	char *name;
	char *description;
	uint64_t seed;
	uint64_t replications;
	struct sweep_axis *axes;
	size_t naxes;
	size_t *group_values; /* per group, in sweep order: its number of values */
	size_t ngroups;	      /* an axis alone is a group of its own */
	struct scenario_policy *policies;
	size_t npolicies;
	struct ynode *root;
	char **sets; /* the --set arguments, for messages */
	size_t nsets;
	uint64_t npoints;
};

/* One resolved run: its config and what the config points to. */
struct run_spec {
	struct run_config cfg;
	struct script_op *script;
	int64_t *offsets;
	uint64_t point;
	size_t policy;
	char label[160];
};

/* Loads and validates a scenario file, applying NAME=VALUE overrides (a sweep
 * axis name, or a dotted path such as workload.clients; VALUE is YAML).
 * Returns NULL with d filled on any error. */
struct scenario *scenario_load(const char *path, const char *const *sets, size_t nsets,
			       struct sdiag *d);

/* The same, from text in memory (path is only used in messages). */
struct scenario *scenario_parse(const char *path, const char *text, size_t len,
				const char *const *sets, size_t nsets, struct sdiag *d);

void scenario_free(struct scenario *s);

/* The scenario name made safe for a file name (results/NAME.db,
 * plots/NAME/): letters, digits, '-', '_' and '.' kept, anything else (path
 * separators included) replaced by '_', no "..", no leading '-'. */
void scenario_file_name(const char *name, char *buf, size_t n);

/* Sweep points, and runs (points * policies * replications). */
uint64_t scenario_points(const struct scenario *s);
uint64_t scenario_runs(const struct scenario *s);

/* Which point, policy and replication run number i is. */
void scenario_run_index(const struct scenario *s, uint64_t i, uint64_t *point, size_t *policy,
			uint64_t *replication);

/* The value of sweep axis a at a point, as written. */
const char *scenario_axis_value(const struct scenario *s, uint64_t point, size_t a);

/* Resolves a point and policy.  The config's seed is the scenario's; a
 * replication adds its number.  Returns 0, or -1 with d filled. */
int scenario_resolve(const struct scenario *s, uint64_t point, size_t policy,
		     struct run_spec *out, struct sdiag *d);
void run_spec_free(struct run_spec *r);

/* Resolves everything: 0, or -1 with the first error in d. */
int scenario_check(const struct scenario *s, struct sdiag *d);

/* What the runs of a scenario need in memory (world_estimate_bytes), for
 * `clobber run`'s check of -j and --record against this machine. */
struct scenario_memory {
	double run;  /* bytes: the largest estimate of one run, recording included */
	double kept; /* bytes: of which its recorded rows, which a finished run
			keeps until it is written */
};

/* scenario_check, also filling m for runs recorded as given. */
int scenario_check_memory(const struct scenario *s, bool record_ops, bool record_trace,
			  struct scenario_memory *m, struct sdiag *d);

/* The fully resolved parameters of a run as JSON (object keys in a fixed
 * order; the identity of the run in a results database). */
void scenario_params_json(const struct scenario *s, const struct run_spec *r,
			  uint64_t replication, struct strbuf *out);

/* The same JSON in two parts that every replication of a (point, policy)
 * shares: the text before the replication and seed, and the text after
 * them.  A sweep's runs are written a replication at a time, and printing
 * the whole config per run cost more than a 100-operation run's
 * simulation; the parts are printed once per (point, policy). */
struct params_parts {
	struct strbuf head, tail;
	uint64_t seed; /* the (point, policy)'s base seed */
};

void params_parts_init(struct params_parts *p);
void params_parts_free(struct params_parts *p);
/* Fills p for r (replacing what it held); p's strbufs are failed when out of memory. */
void params_parts_fill(struct params_parts *p, const struct scenario *s, const struct run_spec *r);
/* Appends replication's JSON: byte for byte scenario_params_json's. */
void params_parts_json(const struct params_parts *p, uint64_t replication, struct strbuf *out);

#endif
