/* Growth over N snapshots (hsnap growth): classes whose count (or retained
 * size) grows at every step, from the snapshots' class rows (diff.h sides,
 * class ids global through one struct hs_class_names). */
#ifndef HSNAP_GROWTH_H
#define HSNAP_GROWTH_H
#include <stdint.h>
#include "hsnap/diff.h"
#include "hsnap/gate.h"
#include "hsnap/filters.h"

struct hs_growth_row {
	uint32_t gid;
	int steps_count, steps_retained;   /* steps i -> i+1 where it grew */
	int64_t count_growth, self_growth, retained_growth; /* last - first */
};

enum hs_growth_sort {
	HS_GROWTH_RELATIVE,   /* count grew; by growth / first count (a new class: / 1) */
	HS_GROWTH_COUNT,      /* count grew; by count growth */
	HS_GROWTH_RETAINED    /* retained size grew; by retained growth */
};

struct hs_growth {
	struct hs_growth_row *rows;        /* the classes that grew, in report order */
	uint32_t nrows;
};

/* A side's row of class gid (all zero when the side lacks it). */
const struct hs_class_row *hs_side_row(const struct hs_side *s, uint32_t gid);
/* The classes of sides[0..n-1] that grew by `sort`'s metric on at least
 * min_steps steps and from the first to the last side; ties by name. */
void hs_growth_find(struct hs_growth *g, const struct hs_class_names *ns, const struct hs_side *sides,
		    int n, enum hs_growth_sort sort, int min_steps);
/* --fail-on rows: per reported class its growth against the first side's
 * value; the total: the change of the summed class counts, or of the total
 * size (self and retained).  *rows: malloc'd, g->nrows of them. */
void hs_growth_gate_rows(const struct hs_growth *g, const struct hs_class_names *ns,
			 const struct hs_side *sides, int n, struct hs_gate_row *total,
			 struct hs_gate_row **rows);
void hs_growth_release(struct hs_growth *g);
/* --filter: replaces side's class rows by those of the nodes DevTools' named
 * filter f keeps in a (the rows `summary --filter` shows; distances computed
 * when a has none); the side's file, sizes and object keys stay the whole
 * snapshot's.  0, or HS_ERR_USAGE when a nativeContext_ID names no native
 * context of this snapshot. */
int hs_growth_filter_side(struct hs_side *side, struct hs_class_names *ns, const struct hs_analysis *a,
			  const struct hs_filter *f, struct hs_error *err);

#endif
