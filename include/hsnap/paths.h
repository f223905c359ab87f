/* Retainer paths: why an object is still alive.
 *
 * Shortest paths from the GC roots follow DevTools' distances (BFS from the
 * user roots, then the system roots, skipping weak edges).  The parent edge
 * of every node (the BFS's, then hs_paths_prefer_user's choice among equally
 * short ones) gives one shortest path in O(depth); alternative paths
 * for one object walk the retainer index over the edges DevTools shows in its
 * Retainers view (not weak, not from the root).  Merged paths group a set of
 * objects by the shape of their shortest path (classes and edge names, array
 * indices folded), as Eclipse MAT's "merge shortest paths to GC roots". */
#ifndef HSNAP_PATHS_H
#define HSNAP_PATHS_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/analysis.h"
#include "hsnap/distances.h"

/* Source node of edge e (binary search over first_edge). */
uint32_t hs_edge_source(const struct hs_snapshot *s, uint32_t e);
/* DevTools' edge syntax: .prop  [index]  ->context  {internal}  {hidden}
 * [[weak]]; with fold, indices become [] and {}. */
const char *hs_edge_label(const struct hs_snapshot *s, uint32_t e, int fold, char *buf, size_t len);

struct hs_retainer_index {
	uint32_t *first;   /* [n + 1] */
	uint32_t *edge;    /* retaining edge indices, grouped by target */
};
/* Edges DevTools lists as retainers: not weak, not from the root. */
void hs_retainer_index_build(struct hs_retainer_index *r, const struct hs_snapshot *s);
void hs_retainer_index_release(struct hs_retainer_index *r);

/* Up to k shortest paths to `target`, each as the edges from the node nearest
 * a root down to target; at most max_depth edges (the ones nearest the
 * target; *truncated set when the path is longer).  Calls fn for each;
 * returns how many were found.  Iterative. */
typedef void (*hs_path_fn)(void *ctx, const uint32_t *edges, uint32_t len, int truncated);
uint32_t hs_paths_find(const struct hs_snapshot *s, const struct hs_retainer_index *r,
		       const int32_t *dist, uint32_t target, uint32_t k, uint32_t max_depth,
		       hs_path_fn fn, void *ctx);
/* The BFS-parent shortest path of target (edges root side first) into out
 * (capacity max_depth); returns its length, *truncated when cut. */
uint32_t hs_path_shortest(const struct hs_snapshot *s, const uint32_t *parent_edge,
			  uint32_t target, uint32_t max_depth, uint32_t *out, int *truncated);

/* How many steps (edges, from the root side) path y shares with path x: the
 * same edges, or with fold the same node names and folded edge labels
 * (what merged paths print).  0 when either is truncated (it does not start
 * at a root).  O(shared steps). */
uint32_t hs_path_common_prefix(const struct hs_analysis *a, const uint32_t *x, uint32_t xlen, int xtrunc,
			       const uint32_t *y, uint32_t ylen, int ytrunc, int fold);
/* The first path of a listing as the reference for the ones after it:
 * the first call keeps a copy and returns 0; later calls return the steps
 * the path shares with it (hs_path_common_prefix with r->fold), at most
 * len - 1 so that the last step (into the object) is never shared away.
 * Zero-initialise, set fold, release. */
struct hs_path_ref {
	uint32_t *edges, len;
	int truncated, set, fold;
};
uint32_t hs_path_ref_shared(struct hs_path_ref *r, const struct hs_analysis *a, const uint32_t *edges,
			    uint32_t len, int truncated);
void hs_path_ref_release(struct hs_path_ref *r);

/* members: bit per node.  Sets in `outer` the members with no member among
 * their dominator-tree ancestors (their retained sizes add up without double
 * counting).  O(n), iterative. */
void hs_outermost_members(const struct hs_dominators *d, uint32_t root, uint32_t n,
			  const uint64_t *members, uint64_t *outer);

/* Name of a path step: the class, or the name of a synthetic node. */
const char *hs_path_node_name(const struct hs_analysis *a, uint32_t n);

/* The same per class: members with no member of their own class among their
 * dominator-tree ancestors (DevTools' class retained size, on a subset). */
void hs_outermost_by_class(const struct hs_dominators *d, uint32_t root, uint32_t n,
			   const uint64_t *members, const uint32_t *class_of,
			   uint32_t nclasses, uint64_t *outer);

struct hs_path_group {
	char *shape;            /* canonical key (class and folded edge per step) */
	uint64_t count, self_size, retained_size; /* retained: outermost members */
	uint32_t example;       /* one object following this shape */
	uint32_t *edges, len;   /* the example's path */
	int truncated;
};
struct hs_path_groups {
	struct hs_path_group *v;
	uint32_t count;
};
/* Groups `nodes` (count n) by the shape of their shortest path (at most
 * max_depth edges nearest the object); sorted by retained size, then count,
 * then the shape whose first object comes first in `nodes`.  outer: from
 * hs_outermost_members (NULL: all).  O(S log max_depth) for the S nodes
 * within max_depth steps above the objects, whatever the path lengths.
 * hs_merge_paths_top fills shape, edges, len and truncated only for the
 * first `top` groups (NULL / 0 in the others: only those are shown);
 * hs_merge_paths for all. */
void hs_merge_paths(struct hs_path_groups *g, const struct hs_analysis *a,
		    const uint32_t *parent_edge, const uint32_t *nodes, uint32_t n,
		    const uint64_t *outer, uint32_t max_depth);
void hs_merge_paths_top(struct hs_path_groups *g, const struct hs_analysis *a,
			const uint32_t *parent_edge, const uint32_t *nodes, uint32_t n,
			const uint64_t *outer, uint32_t max_depth, uint32_t top);
void hs_path_groups_release(struct hs_path_groups *g);

#endif
