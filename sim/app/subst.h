/*
 * subst.h - substitution of sweep values: `$name` or `${name}` in any
 * value is replaced by the value of sweep axis `name` at the run's point,
 * as text, before the value is parsed; `$$` is a dollar sign.
 *
 * Guarantees: every reference in a scenario names an axis and every axis
 * is used (subst_check_refs, at load), so substitution at resolution time
 * cannot meet an unknown name; seed and replications, which hold for every
 * point, refuse references with that reason.
 */
#ifndef CLOBBER_SUBST_H
#define CLOBBER_SUBST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "sim/app/sdiag.h"
#include "sim/app/ydoc.h"

struct scenario;

/* True for a name an axis may have: letters, digits and _, not starting
 * with a digit. */
bool subst_is_name(const char *s);

/* The text of scalar n with the sweep values of `point` substituted, into
 * buf.  *subst says whether anything was replaced.  Returns 0 or -1 with d
 * filled. */
int subst_scalar(const struct scenario *s, uint64_t point, const struct ynode *n, char *buf,
		 size_t cap, bool *subst, struct sdiag *d);

/* Checks every reference under n (keys are names, not values) and marks
 * the axes used in used[].  Returns 0 or -1 with d filled. */
int subst_check_refs(const struct scenario *s, const struct ynode *n, bool *used, struct sdiag *d);

/* Refuses a reference in a value that holds for every point (seed,
 * replications), naming `key`.  Returns 0 or -1 with d filled. */
int subst_refuse(const struct scenario *s, const struct ynode *n, const char *key, struct sdiag *d);

#endif
