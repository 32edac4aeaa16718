/*
 * ydoc.h - a YAML document as a tree of nodes that remember where they were
 * written, built from libyaml's event stream.
 *
 * Only what scenario files need: scalars, mappings and sequences.  Aliases
 * and anchors are refused (they make small files expand without bound), as
 * are duplicate keys and documents of more than one document.  Mapping keys
 * must be scalars.  A plain value with an unclosed '(' inside {...} or
 * [...] is refused: YAML cut it at a comma (normal(0, 1ms)), and the parts
 * would otherwise be misread as two entries.  Every node carries its 1-based line and column, so that
 * every error the loader reports can name them.
 *
 * Ownership: ydoc_parse returns a tree the caller frees with ydoc_free();
 * nodes are owned by their parent.
 */
#ifndef CLOBBER_YDOC_H
#define CLOBBER_YDOC_H

#include <stdbool.h>
#include <stddef.h>

enum ynode_type { Y_SCALAR, Y_MAP, Y_SEQ };

struct ynode {
	enum ynode_type type;
	int line, col;	      /* 1-based */
	char *text;	      /* scalar: its value */
	bool plain;	      /* scalar: written without quotes */
	struct ynode **item;  /* seq: items; map: key, value, key, value... */
	size_t n;	      /* seq: items; map: 2 * pairs */
};

/* An error with a position. */
struct ydiag {
	int line, col; /* 0 if unknown */
	char msg[512];
};

/* Parses text (len bytes) into *root.  Returns 0, or -1 with d filled. */
int ydoc_parse(const char *text, size_t len, struct ynode **root, struct ydiag *d);

void ydoc_free(struct ynode *n);

/* Deep copy, or NULL when out of memory. */
struct ynode *ydoc_copy(const struct ynode *n);

/* The value for key in a mapping, or NULL.  *key_node gets the key. */
struct ynode *ydoc_get(const struct ynode *map, const char *key);

/* New nodes (NULL when out of memory). */
struct ynode *ydoc_scalar(const char *text, int line, int col);
struct ynode *ydoc_map(int line, int col);

/* Adds or replaces key in a mapping; takes ownership of value. */
int ydoc_set(struct ynode *map, const char *key, struct ynode *value);

/* Human name of a node type ("a mapping", "a list", "a value"). */
const char *ydoc_type_name(enum ynode_type t);

#endif
