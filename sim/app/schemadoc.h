/*
 * schemadoc.h - the reference tables of docs/scenarios.md, generated from
 * the tables they document: the scenario schema's sections, each policy's
 * and strategy's options, and every metric.
 *
 * In the document, a generated table sits between two marker lines:
 *     <!-- generated: WHAT -->
 *     ...
 *     <!-- end generated -->
 * where WHAT is "keys SECTION" (a top-level key, "top", or "script"),
 * "options NAME" (a policy or a replication strategy) or "metrics OWNER"
 * ("general", a policy or a strategy).  `make docs` rewrites every such
 * block; test_schema fails when the document and the tables disagree.
 */
#ifndef CLOBBER_SCHEMADOC_H
#define CLOBBER_SCHEMADOC_H

#include <stddef.h>

#include "sim/core/strbuf.h"

/* Appends the markdown table for WHAT.  Returns 0, or -1 if WHAT names
 * nothing. */
int schemadoc_table(const char *what, struct strbuf *out);

/* Copies text to out with every generated block regenerated.  Returns 0,
 * or -1 with err filled (an unknown WHAT, a block without its end). */
int schemadoc_update(const char *text, struct strbuf *out, char *err, size_t n);

#endif
