/* Shallow-size re-attribution (src/shallow.c), DevTools'
 * JSHeapSnapshot.calculateShallowSizes. */
#ifndef HSNAP_SHALLOW_H
#define HSNAP_SHALLOW_H
#include <stdint.h>
#include "hsnap/snapshot.h"
#include "hsnap/graph.h"

/* Allocates and fills out with the self size DevTools shows for each node
 * (owned hidden/array nodes moved to their single owner); g: only
 * g->user_roots is read. */
void hs_shallow_sizes(const struct hs_snapshot *s, const struct hs_graph *g, struct hs_sizes *out);

#endif
