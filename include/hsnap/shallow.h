/* Shallow-size re-attribution (src/shallow.c), DevTools'
 * JSHeapSnapshot.calculateShallowSizes. */
#ifndef HSNAP_SHALLOW_H
#define HSNAP_SHALLOW_H
#include <stdint.h>
#include "hsnap/snapshot.h"
#include "hsnap/graph.h"

/* out[n]: the self size DevTools shows for node n (owned hidden/array nodes
 * moved to their single owner); g: only g->user_roots is read. */
void hs_shallow_sizes(const struct hs_snapshot *s, const struct hs_graph *g, uint64_t *out);

#endif
