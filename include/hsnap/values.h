/* Primitive values that a snapshot records for a node: the contents of
 * strings, the value of numbers taken with "capture numeric values"
 * (their internal `value` edge), and the oddballs true/false/null/undefined
 * (system / Oddball, whose hidden edge 0 names the value).  Used by
 * `hsnap show` to print an object's properties with their values. */
#ifndef HSNAP_VALUES_H
#define HSNAP_VALUES_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/snapshot.h"

enum hs_value_kind {
	HS_VALUE_NONE,      /* an object: no primitive value recorded */
	HS_VALUE_STRING,    /* string, concatenated or sliced string (V8 cuts long ones) */
	HS_VALUE_NUMBER,    /* a heap or smi number whose value the snapshot holds */
	HS_VALUE_BOOLEAN,
	HS_VALUE_NULL,
	HS_VALUE_UNDEFINED,
	HS_VALUE_OTHER_ODDBALL /* the hole, uninitialized, ... (text holds its name) */
};

struct hs_value {
	enum hs_value_kind kind;
	const char *text;   /* points into the string table; NULL for HS_VALUE_NONE */
	size_t len;
};

/* The value node n stands for.  Never fails: HS_VALUE_NONE when there is none.
 * A concatenated string's text is its first part only when V8 did not flatten
 * it (the snapshot then holds no name); len is 0 for such. */
struct hs_value hs_node_value(const struct hs_snapshot *s, uint32_t n);

#endif
