/* Distances from the GC roots (src/distances.c), DevTools'
 * JSHeapSnapshot.calculateDistances, and the BFS parent edges that give each
 * node one shortest retainer path (hsnap/paths.h). */
#ifndef HSNAP_DISTANCES_H
#define HSNAP_DISTANCES_H
#include <stdint.h>
#include "hsnap/snapshot.h"

#define HS_NO_DISTANCE (-5)          /* DevTools' noDistance: unreachable */
#define HS_BASE_SYSTEM_DISTANCE 100000000
#define HS_NO_EDGE 0xffffffffu

/* out[n]: the distance of node n, HS_NO_DISTANCE when unreachable. */
void hs_distances(const struct hs_snapshot *s, int32_t *out);
/* Distances as hs_distances, plus the parent edge of every node on a
 * shortest path, the user-level one among equals (hs_paths_prefer_user;
 * HS_NO_EDGE for roots and unreachable nodes) and optional nodes to ignore
 * (edges into them are not followed: DevTools' "ignore this retainer"). */
void hs_distances_ex(const struct hs_snapshot *s, int32_t *dist, uint32_t *parent_edge,
		     const uint64_t *ignored);
/* hs_distances_ex without the choice among equal paths: the parent edges as
 * DevTools' BFS meets them (hs_distances_ex makes its choice while the BFS
 * runs; this plus hs_paths_prefer_user gives the same result). */
void hs_distances_bfs(const struct hs_snapshot *s, int32_t *dist, uint32_t *parent_edge,
		      const uint64_t *ignored);

/* Among the shortest paths, the ones a person reads: rewrites parent_edge
 * (BFS parents from hs_distances_bfs, with its dist) so that each node's path
 * has the fewest steps through internal, hidden and shortcut edges and into
 * V8-internal objects (hidden, code, (array), object shapes, synthetic);
 * still a shortest path, the BFS's parent kept where it is as good.  Three
 * passes over the edges, O(n + e), iterative, memory 6n bytes + n/8
 * (src/paths_prefer.c; declared here, beside its callers' contract, so
 * that distances.c needs nothing of paths.h).  hs_distances_ex gives the
 * same result with the first two passes beside its BFS; the passes' ends are
 * the same (src/distances_prefer.h). */
void hs_paths_prefer_user(const struct hs_snapshot *s, const int32_t *dist, uint32_t *parent_edge);

#endif
