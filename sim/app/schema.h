/*
 * schema.h - the scenario file's keys: one field table per section, the
 * only place a key is named.  Resolution (resolve.c) walks the tables to
 * fill a run's config, params.c prints the run's identity from them, and
 * schemadoc.c generates the reference tables of docs/scenarios.md from
 * them, so a key added to a table is parsed, range-checked, defaulted,
 * part of every run's identity and documented, with nothing else to edit.
 *
 * Entries of type FT_CUSTOM (a mapping of weights, a list of scripted
 * operations, the replication strategy) carry a struct schema_custom: how
 * to parse, default and print them.
 */
#ifndef CLOBBER_SCHEMA_H
#define CLOBBER_SCHEMA_H

#include <stdbool.h>
#include <stdint.h>

#include "models/model.h"
#include "sim/app/sdiag.h"
#include "sim/app/ydoc.h"
#include "sim/core/field.h"
#include "sim/core/strbuf.h"

struct scenario;
struct run_spec;

/* The context of resolving one run. */
struct rctx {
	const struct scenario *s;
	uint64_t point;
	struct run_spec *out;
	struct sdiag *d;
	char buf[2048]; /* the scalar being parsed, after substitution */
	bool subst;	/* whether the sweep value was substituted into buf */
	uint8_t fault_item[FAULTS_MAX]; /* each fault's place in the list as written
					   (`when` leaves some out) */
};

struct schema_custom {
	/* Parses node v (at `path`) into the run being resolved. */
	int (*parse)(struct rctx *c, const struct ynode *v, const char *path);
	/* Sets the default. */
	void (*defaults)(struct run_config *cfg);
	/* Appends the value as JSON; NULL: not part of the run's parameters
	 * (read once at load: name, seed, sweep, policies). */
	void (*json)(const struct run_config *cfg, struct strbuf *b);
	const char *type; /* docs: the type in words */
	const struct field *sub; /* docs: its entries, when it is a mapping of them */
	/* Optional: false when the entry is not written; it is then left out
	 * of the run's parameters, so that adding a key changes no identity
	 * of the runs of scenarios that do not use it. */
	bool (*is_set)(const struct run_config *cfg);
};

/* The top-level table of a scenario file, and the entries of one scripted
 * operation (workload.script). */
extern const struct field schema_top[];
extern const struct field schema_script_fields[];

/* The custom entries of schema_load.c (workload.total_rate and
 * workload.phases), the entries of one phase, and the checks of the load
 * against the rest of the run (the arrival mode, the clients). */
extern const struct schema_custom schema_total_rate_custom;
extern const struct schema_custom schema_phases_custom;
extern const struct field schema_phase_fields[];
int schema_load_check(struct rctx *c);

/* The custom entries of schema_faults.c. */
extern const struct schema_custom schema_faults_custom;
extern const struct schema_custom schema_durability_custom;
/* Checks the fault schedule against the rest of the run (nodes, clients,
 * the policy, the timeout).  Returns 0 or -1 with a diagnostic. */
struct rctx;
int schema_faults_check(struct rctx *c);

/* Fills c with every default (policy NULL, strategy none). */
void config_defaults(struct run_config *c);

/* The custom handlers of an entry, or NULL. */
const struct schema_custom *schema_custom_of(const struct field *f);

/* ---- for the custom handlers (resolve.c) ---- */

/* Substitutes scalar n into c->buf; fails if n is not a scalar. */
int resolve_scalar(struct rctx *c, const struct ynode *n, const char *path, const char *expected);
/* Parses scalar n as entry f into base, reporting errors at n. */
int resolve_field(struct rctx *c, const struct field *f, const struct ynode *n, const char *path,
		  void *base);
/* Walks mapping `map` with table `fields` into base. */
int resolve_walk(struct rctx *c, const struct ynode *map, const struct field *fields,
		 const char *path, void *base);
/* Reports key, not an entry of `fields`, with a did-you-mean. */
int resolve_unknown_key(const struct scenario *s, struct sdiag *d, const struct ynode *key,
			const struct field *fields, const char *path);
/* Reports a parse or range error e about scalar n (after substitution). */
int resolve_bad_value(struct rctx *c, const struct ynode *n, const char *path,
		      const struct parse_error *e);

#endif
