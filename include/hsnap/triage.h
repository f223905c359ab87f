/* Triage of one analysed snapshot (the sections of hsnap summary): detached
 * DOM, duplicate strings, leak suspects (Eclipse MAT style) and closures
 * grouped by function.  Each fills a result struct; the CLI renders it. */
#ifndef HSNAP_TRIAGE_H
#define HSNAP_TRIAGE_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/analysis.h"

/* ---- detached DOM: `native` nodes of a "Detached ..." class (not Node.js's
 * own "Node / ..." objects), with a nonzero size, grouped by class */
struct hs_detached_class {
	uint32_t cls;
	uint64_t count, retained;   /* retained: the class's (hs_classes) */
	uint32_t *nodes, n;         /* its detached nodes, in ordinal order */
	size_t alloc;
};
struct hs_detached {
	struct hs_detached_class *v; /* by retained size, then count */
	uint32_t n;
	uint64_t count;              /* detached nodes */
	uint64_t retained;           /* retained by them, each byte once */
	uint64_t *outer;             /* bit per node: no same-class detached ancestor */
};
void hs_detached_find(struct hs_detached *d, const struct hs_analysis *a);
void hs_detached_release(struct hs_detached *d);

/* ---- duplicate strings: `string` nodes of one text, more than one copy */
struct hs_dup_string {
	uint32_t str;                /* string index of the text */
	uint64_t count, size;        /* copies and their self sizes */
	uint64_t wasted;             /* size - size / count: all but one copy */
	char held_by[160];           /* most common "Holder edge (N)", "" without parent edges */
};
struct hs_duplicates {
	struct hs_dup_string *v;     /* by wasted size, then string index; at most top */
	uint32_t n;
	uint64_t wasted;             /* of every duplicated text, not only the top */
};
void hs_duplicates_find(struct hs_duplicates *d, const struct hs_analysis *a, uint32_t top);
void hs_duplicates_release(struct hs_duplicates *d);

/* ---- leak suspects: objects right below the root or a synthetic node that
 * retain at least pct % of the heap, and classes (not "(...)", not
 * "system / ...") that do */
struct hs_suspect {
	uint32_t node;
	uint32_t ap;                 /* accumulation point: down the dominator tree while
				      * one child holds >= 80% of node's retained size */
};
struct hs_suspects {
	struct hs_suspect *obj;      /* in ordinal order */
	uint32_t nobj;
	uint32_t *cls;               /* by retained size, then name */
	uint32_t ncls;
};
void hs_suspects_find(struct hs_suspects *r, const struct hs_analysis *a, double pct);
void hs_suspects_release(struct hs_suspects *r);
/* The dominator-tree chain from `top` down to `ap`, at most 16 steps (the
 * ones nearest ap), as chain[0] = ap ... chain[n-1]; returns n (<= 17). */
uint32_t hs_dominator_chain(const struct hs_analysis *a, uint32_t top, uint32_t ap, uint32_t chain[17]);
/* The first non-weak edge from `from` to `to`, or UINT32_MAX. */
uint32_t hs_edge_between(const struct hs_snapshot *s, uint32_t from, uint32_t to);

/* ---- closures by function: closures with a location outside Node's own
 * code (node:...), grouped by name and location */
struct hs_fn_group {
	uint32_t node;               /* the group's first closure (by name, script, line, column, ordinal) */
	uint32_t first;              /* its rank in that order */
	uint32_t count;
	uint64_t self, retained;     /* retained: of closures with no same-group ancestor */
};
struct hs_closures {
	struct hs_fn_group *v;       /* by count, then retained size, then first closure */
	size_t n;
	uint64_t hidden;             /* closures without a location or of node:... scripts */
};
void hs_closures_by_function(struct hs_closures *r, const struct hs_analysis *a);
void hs_closures_release(struct hs_closures *r);

#endif
