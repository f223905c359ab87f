/* Dominator tree and retained sizes (Lengauer & Tarjan, "A fast algorithm for
 * finding dominators in a flowgraph", TOPLAS 1979), iterative, over the
 * essential edges of struct hs_graph, with DevTools' handling of nodes not
 * reachable from the root (weak-only retained subgraphs get the root as DFS
 * parent; remaining cycles are attached to the root one by one). */
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

/* self_size: the shallow sizes to accumulate (DevTools' re-attributed sizes). */
int hs_dominators_build(struct hs_dominators *d, const struct hs_graph *g,
			const uint64_t *self_size);
void hs_dominators_release(struct hs_dominators *d);

#endif
