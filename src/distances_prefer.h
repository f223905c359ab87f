/* The cost pass of hs_paths_prefer_user (src/paths_prefer.c), in steps, so
 * that the distances' BFS can run it as it goes (src/distances.c): the BFS
 * visits the nodes in an order of nondecreasing distance, which is all the
 * pass needs, and reads each node's edges once for both.  Declared here, in
 * the distances module, as hs_paths_prefer_user is in distances.h, so that
 * distances.c needs nothing of paths.  Internal to libhsnap. */
#ifndef HSNAP_DISTANCES_PREFER_H
#define HSNAP_DISTANCES_PREFER_H
#include <stdint.h>
#include "hsnap/distances.h"
#include "hsnap/snapshot.h"
#include "alloc.h"

#define HS_PREFER_COST_MAX 0xfffeu
#define HS_PREFER_NONE 0xffffu /* a node not reached by the cost pass (yet) */

struct hs_prefer {
	uint16_t *cost;   /* least cost of a shortest path so far */
	uint64_t *keep;   /* the node's BFS parent edge is one of its cheapest */
	uint64_t *met;    /* the node's BFS parent edge was followed */
};

/* Arrays for n nodes; cost 0 everywhere (a root's; the caller sets
 * HS_PREFER_NONE for each node that gets a parent edge). */
void hs_prefer_init(struct hs_prefer *p, uint32_t n);
void hs_prefer_release(struct hs_prefer *p);
/* An edge the cheapest paths may take instead of the BFS's (not one the
 * BFS's order-dependent filters decided). */
int hs_prefer_alt_ok(const struct hs_snapshot *s, uint32_t from, uint32_t e);

/* A step a person reads past: an edge that is not a property, element or
 * context variable (internal, hidden, shortcut), and one more for entering a
 * V8-internal object (hidden, code, internal array, object shape, synthetic:
 * MemLab's "less preferable" edges and nodes are the same idea). */
static inline unsigned hs_prefer_step_cost(const struct hs_snapshot *s, uint32_t e, uint32_t to)
{
	uint8_t et = s->edge_type[e], nt = s->node_type[to];
	unsigned c = !(et == s->t.e_property || et == s->t.e_element || et == s->t.e_context);

	return c + (nt == s->t.hidden || nt == s->t.code || nt == s->t.array ||
		    nt == s->t.object_shape || nt == s->t.synthetic);
}

/* Edge e from u to v, not weak, v one step further than u from a root, u's
 * cost final and not HS_PREFER_NONE: v's cost and keep bit.  Any order of
 * these calls that has every node's calls (as u) after all of those of the
 * nodes one step nearer gives the same result. */
static inline void hs_prefer_edge(struct hs_prefer *p, const struct hs_snapshot *s,
				  const uint32_t *parent_edge, uint32_t u, uint32_t e, uint32_t v)
{
	uint32_t pe = parent_edge[v];
	unsigned c;

	if (pe == HS_NO_EDGE)
		return;
	c = p->cost[u] + hs_prefer_step_cost(s, e, v);
	if (c > HS_PREFER_COST_MAX)
		c = HS_PREFER_COST_MAX;
	if (e == pe) {
		hs_bit_set(p->met, v);
		if (c < p->cost[v])
			p->cost[v] = (uint16_t)c;
		if (c == p->cost[v])
			hs_bit_set(p->keep, v);
	} else if (c < p->cost[v] && hs_prefer_alt_ok(s, u, e)) {
		p->cost[v] = (uint16_t)c;
		hs_bit_clear(p->keep, v);
	}
}

/* After every hs_prefer_edge: the parent edges the pass did not follow, then
 * each node's choice (hs_paths_prefer_user's last step) into parent_edge.
 * Frees p's arrays. */
void hs_prefer_choose(struct hs_prefer *p, const struct hs_snapshot *s, const int32_t *dist,
		      uint32_t *parent_edge);

#endif
