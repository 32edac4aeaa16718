/*
 * field.h - tables of typed settings, parsed from text into a struct by
 * offset, printed back, defaulted and documented from the same entry.
 *
 * One table describes one section of settings: a policy's options, a
 * replication strategy's, a fault's, a section of the scenario file.  Each
 * entry names a setting, its type, where it lives in the owner's struct,
 * its default as a scenario writes it, its valid range and what it means.
 * Everything else is derived from the entry, so a setting added to a table
 * is parsed, range-checked, defaulted, printed into the run's identity
 * (the resolved parameters) and documented, with nothing to add elsewhere.
 *
 * Messages from field_parse() do not name the field: the caller knows the
 * path ("workload.clients", "policies: lock: lease") and puts it in front.
 * Range errors read "must be between A and B, found 'V'".
 */
#ifndef CLOBBER_FIELD_H
#define CLOBBER_FIELD_H

#include <stdbool.h>
#include <stddef.h>

#include "sim/core/units.h"

enum field_type {
	FT_U32,		/* whole number, uint32_t */
	FT_U64,		/* whole number, uint64_t */
	FT_COUNT,	/* whole number, int64_t */
	FT_NUMBER,	/* decimal number, double */
	FT_DURATION,	/* int64_t nanoseconds; min and max in ns */
	FT_DIST,	/* struct dist of durations, never negative */
	FT_DIST_SIGNED, /* struct dist of durations, any sign (clock offsets) */
	FT_DIST_NUM,	/* struct dist of plain numbers (drift in ppm) */
	FT_RATE,	/* double, per second */
	FT_KEYS,	/* struct keys_spec */
	FT_ENUM,	/* int: the index of the value in `choices` */
	FT_BOOL,	/* bool */
	FT_MAP,		/* a nested table, `sub` */
	FT_CUSTOM,	/* parsed, printed and documented by the table's owner */
};

struct field {
	const char *name;	 /* as written; nested option names flatten to a.b */
	enum field_type type;
	size_t offset;		 /* of the value in the owner's struct */
	const char *def;	 /* the default as a scenario writes it; NULL: none */
	double min, max;	 /* numeric types: the valid range (ns for durations) */
	const char *choices;	 /* FT_ENUM: "client|server" */
	const struct field *sub; /* FT_MAP: its entries, ending with a NULL name */
	const void *custom;	 /* FT_CUSTOM: the owner's handler */
	const char *help;	 /* what it means, one sentence */
	const char *range;	 /* docs: the range in words, when min/max do not say it */
	const char *def_doc;	 /* docs: the default in words, when `def` does not say it */
};

/* Parses text into base + f->offset, checking the range.  Returns 0, or -1
 * with e filled (e->col is an offset into text).  FT_MAP and FT_CUSTOM
 * are not parsed here. */
int field_parse(const struct field *f, void *base, const char *text, struct parse_error *e);

/* Prints the value at base + f->offset as a scenario would write it. */
int field_format(const struct field *f, const void *base, char *buf, size_t n);

/* Sets every entry of a table (and of its nested tables) that has a
 * default, without range checks (a default may be a value the user cannot
 * write, such as 0 for "no limit").  Returns 0, or -1 if a default does
 * not parse (a bug). */
int field_defaults(const struct field *table, void *base);

/* Sets entry `name` of a table from its text, the message naming the
 * entry ("lease must be between ..."); -1 with e filled if the name is
 * unknown (the message says whose options are which) or the value
 * invalid.  `owner` names the table's owner in that message. */
int field_set(const struct field *table, void *base, const char *owner, const char *name,
	      const char *text, struct parse_error *e);

/* The entry named `name`, or NULL; dotted names find nested entries. */
const struct field *field_find(const struct field *table, const char *name);

/* The number of entries of a table. */
size_t field_count(const struct field *table);

/* For docs and help: the type in words ("duration", "count",
 * "client|server"), and the range ("1 to 1000000", "non-negative"). */
const char *field_type_text(const struct field *f);
void field_range_text(const struct field *f, char *buf, size_t n);

#endif
