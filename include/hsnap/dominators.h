/* Dominator tree and retained sizes (semi-NCA: Lengauer & Tarjan's
 * semidominators, TOPLAS 1979, then nearest common ancestors, Georgiadis
 * 2005), iterative, over the essential edges of struct hs_graph, with DevTools'
 * handling of nodes not reachable from the root (weak-only retained subgraphs
 * get the root as DFS parent; remaining cycles are attached to the root one
 * by one); the tree equals DevTools' node for node. */
#ifndef HSNAP_DOMINATORS_H
#define HSNAP_DOMINATORS_H
#include <stdint.h>
#include "hsnap/graph.h"

struct hs_dominators {
	uint32_t *idom;          /* [n] immediate dominator; idom[root] = root */
	uint64_t *retained;      /* [n] retained size */
	uint32_t *dom_first;     /* [n + 1] into dom_children */
	uint32_t *dom_children;  /* children in the dominator tree, by parent */
	uint32_t unreachable;    /* nodes not reached from the root by essential edges */
};

/* self_size: the shallow sizes to accumulate (DevTools' re-attributed sizes).
 * g comes from hs_graph_build; its retainer index is filled here and freed
 * (hs_graph_release_retainers) once the dominators are known. */
int hs_dominators_build(struct hs_dominators *d, struct hs_graph *g,
			const struct hs_sizes *self_size);

/* The work arrays of hs_dominators_build (20 bytes a node), allocated and
 * their pages mapped ahead, e.g. by a second thread while this one builds
 * the graph: fresh pages cost a fault and a zeroing each.  Opaque. */
struct hs_dom_work {
	void *num, *vertex, *idom, *ab;
	uint32_t node_count;
};
void hs_dominators_prepare(struct hs_dom_work *w, uint32_t node_count);
/* hs_dominators_build with w from hs_dominators_prepare for g's node count
 * (w's arrays become d's results; w is left empty). */
int hs_dominators_build_in(struct hs_dominators *d, struct hs_graph *g,
			   const struct hs_sizes *self_size, struct hs_dom_work *w);
/* hs_dominators_build_in in two steps, so that the sizes may still be being
 * computed (on another thread) while the tree is: the immediate dominators
 * (which read no size), then, with the graph's node count and root, the
 * retained sizes and the dominated-node lists.  In between d is incomplete
 * (only d->idom and d->unreachable are results). */
int hs_dominators_tree_in(struct hs_dominators *d, struct hs_graph *g, struct hs_dom_work *w);
void hs_dominators_sizes(struct hs_dominators *d, uint32_t node_count, uint32_t root,
			 const struct hs_sizes *self_size);
void hs_dominators_release(struct hs_dominators *d);

#endif
