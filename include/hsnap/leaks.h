/* The three-snapshot technique (hsnap leaks A B C): objects allocated between
 * A and B (their (class, id) key is in B, not in A) that are still alive in
 * C, grouped by class in C. */
#ifndef HSNAP_LEAKS_H
#define HSNAP_LEAKS_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/analysis.h"
#include "hsnap/diff.h"
#include "hsnap/gate.h"

struct hs_leak_class {
	uint32_t cls;                /* C's class id */
	uint64_t count, self_size;
	uint64_t retained_size;      /* of the class's outermost leaked objects */
	uint32_t *nodes, n;          /* C's leaked nodes of the class, in ordinal order */
	size_t alloc;
};

struct hs_leaks {
	struct hs_leak_class *v;     /* by retained size, then count, then class id */
	uint32_t n;
	uint64_t new_in_b;           /* objects of B that A lacks */
	uint64_t leaked;             /* of those, the ones alive in C (and shown) */
	uint64_t hidden;             /* leaked V8 internals left out (all = 0) */
	uint64_t filtered;           /* leaked objects that keep (hs_leaks_find) left out */
	uint64_t retained;           /* retained by the leaked objects, each byte once */
	uint64_t *outer;             /* bit per node of C: leaked, no leaked ancestor of its class */
};

/* a, b, c: sides with objects, class ids interned in ns; ac: C's analysis
 * (c was built from it).  all: keep V8 internals (hidden, code, object
 * shapes, internal arrays, synthetic, `system / ...`).  keep: bit per node
 * of C, the only nodes that may count as leaked (a named filter computed on
 * C, hs_filter_nodes), or NULL for all; a node it drops is neither counted
 * nor hidden, and does not hide the leaked objects of its class below it. */
void hs_leaks_find(struct hs_leaks *r, const struct hs_side *a, const struct hs_side *b,
		   const struct hs_side *c, const struct hs_analysis *ac, struct hs_class_names *ns, int all,
		   const uint64_t *keep);
/* --fail-on rows: per class (in r's order) count, self and retained of the
 * leaked objects against the class in C; the total against C's node count
 * (count) or total size.  *rows: malloc'd, r->n of them. */
void hs_leaks_gate_rows(const struct hs_leaks *r, const struct hs_analysis *ac, struct hs_gate_row *total,
			struct hs_gate_row **rows);
void hs_leaks_release(struct hs_leaks *r);

#endif
