/* Retainer paths a person reads: among the shortest paths to each node, the
 * one with the fewest internal, hidden and shortcut edges and V8-internal
 * objects (hs_paths_prefer_user, see distances.h). */
#include <stdlib.h>
#include <string.h>
#include "hsnap/distances.h"
#include "hsnap/graph.h"
#include "hsnap/paths.h"
#include "alloc.h"
#include "distances_prefer.h"

/* An edge the BFS could have followed whatever order it met edges in: the
 * three filters of distances.c that depend on the edge or its order
 * (sloppy_function_map, descriptor links, WeakMap ephemeron pairs) never
 * give a replacement parent, only the one the BFS chose. */
int hs_prefer_alt_ok(const struct hs_snapshot *s, uint32_t from, uint32_t e)
{
	uint8_t et = s->edge_type[e], ft = s->node_type[from];

	if (et == s->t.e_weak)
		return 0;
	if (ft == s->t.array && !strcmp(hs_node_name(s, from), "(map descriptors)"))
		return 0;
	if (hs_edge_has_string_name(s, e) && (et == s->t.e_internal || ft == s->t.hidden)) {
		uint32_t nm = s->edge_name[e];
		uint64_t table;
		size_t dup;
		if (!strcmp(hs_str(&s->strings, nm), "sloppy_function_map") ||
		    hs_weakmap_edge_parse(hs_str(&s->strings, nm), hs_strlen(&s->strings, nm), &table, &dup))
			return 0;
	}
	return 1;
}

/* v's retainer u is one step nearer a root on some shortest path. */
static int one_nearer(const int32_t *dist, uint32_t u, uint32_t v)
{
	return dist[u] != HS_NO_DISTANCE && dist[v] != HS_NO_DISTANCE &&
	       (int64_t)dist[v] == (int64_t)dist[u] + 1;
}

/* The nodes that have a distance, sorted by it (a counting sort): the user
 * pass 1..maxu first, then the system pass from HS_BASE_SYSTEM_DISTANCE on.
 * Returns how many there are in *order (allocated, n entries). */
static uint32_t order_by_distance(uint32_t n, const int32_t *dist, uint32_t **order)
{
	uint32_t i, k, *bucket, maxu = 0, nkeys = 0, m;

	for (i = 0; i < n; i++)
		if (dist[i] != HS_NO_DISTANCE && dist[i] < HS_BASE_SYSTEM_DISTANCE && (uint32_t)dist[i] > maxu)
			maxu = (uint32_t)dist[i];
#define KEY(d) ((d) < HS_BASE_SYSTEM_DISTANCE ? (uint32_t)(d) : (uint32_t)((d) - HS_BASE_SYSTEM_DISTANCE) + maxu + 1)
	for (i = 0; i < n; i++)
		if (dist[i] != HS_NO_DISTANCE && KEY(dist[i]) + 1 > nkeys)
			nkeys = KEY(dist[i]) + 1;
	HS_CALLOC_ARRAY(bucket, (size_t)nkeys + 1);
	HS_ALLOC_ARRAY(*order, n);
	for (i = 0; i < n; i++)
		if (dist[i] != HS_NO_DISTANCE)
			bucket[KEY(dist[i]) + 1]++;
	for (k = 0; k < nkeys; k++)
		bucket[k + 1] += bucket[k];
	for (i = 0; i < n; i++)
		if (dist[i] != HS_NO_DISTANCE)
			(*order)[bucket[KEY(dist[i])]++] = i;
#undef KEY
	/* bucket[k] is now the end of key k */
	m = nkeys ? bucket[nkeys - 1] : 0;
	free(bucket);
	return m;
}

/* The cost of reaching v over e from i, capped; 0xffff when i is not reached */
static unsigned via(const struct hs_snapshot *s, const uint16_t *cost, uint32_t i, uint32_t e, uint32_t v)
{
	unsigned c;

	if (cost[i] == HS_PREFER_NONE)
		return HS_PREFER_NONE;
	c = cost[i] + hs_prefer_step_cost(s, e, v);
	return c > HS_PREFER_COST_MAX ? HS_PREFER_COST_MAX : c;
}

void hs_prefer_init(struct hs_prefer *p, uint32_t n)
{
	HS_CALLOC_ARRAY(p->cost, n ? n : 1);
	p->keep = hs_bits_new(n);
	p->met = hs_bits_new(n);
}

/* 1: the least cost of a shortest path to each node, level by level (roots
 * cost 0; 0xffff: not reached); and 2: in keep, the nodes whose BFS parent
 * edge is one of their cheapest.  A node's cost is final once every node one
 * step nearer has been visited, so keep is set when the parent edge is met
 * (its cost equals the node's so far) and cleared when a cheaper edge comes
 * later (hs_prefer_edge).  Here in the order of the distances, sorted. */
static void least_costs(struct hs_prefer *p, const struct hs_snapshot *s, const int32_t *dist,
			const uint32_t *parent_edge)
{
	uint32_t n = s->node_count, i, e, m, *order;

	m = order_by_distance(n, dist, &order);
	for (i = 0; i < n; i++)
		p->cost[i] = parent_edge[i] == HS_NO_EDGE ? 0 : HS_PREFER_NONE;
	for (i = 0; i < m; i++) {
		uint32_t u = order[i];
		if (p->cost[u] == HS_PREFER_NONE)
			continue;
		for (e = hs_edge_begin(s, u); e < hs_edge_end(s, u); e++) {
			uint32_t v = s->edge_to[e];
			if (one_nearer(dist, u, v) && s->edge_type[e] != s->t.e_weak)
				hs_prefer_edge(p, s, parent_edge, u, e, v);
		}
	}
	free(order);
}

/* The parent edges the cost pass did not follow (a BFS parent is one step
 * nearer, so these are rare, the root's own parent aside, which has none),
 * then 3: a node whose BFS parent is not one of the cheapest takes the
 * first cheapest retainer, by source ordinal (the keep bit first: most nodes
 * keep their parent, and the bit set stays in cache). */
void hs_prefer_choose(struct hs_prefer *p, const struct hs_snapshot *s, const int32_t *dist,
		      uint32_t *parent_edge)
{
	uint32_t n = s->node_count, i, e;
	const uint16_t *cost = p->cost;

	for (i = 0; i < n; i++)
		if (parent_edge[i] != HS_NO_EDGE && !hs_bit_get(p->met, i)) {
			uint32_t u = hs_edge_source(s, parent_edge[i]);
			if (via(s, cost, u, parent_edge[i], i) == cost[i] && cost[u] != HS_PREFER_NONE)
				hs_bit_set(p->keep, i);
		}
	for (i = 0; i < n; i++) {
		if (cost[i] == HS_PREFER_NONE)
			continue;
		for (e = hs_edge_begin(s, i); e < hs_edge_end(s, i); e++) {
			uint32_t v = s->edge_to[e];
			if (hs_bit_get(p->keep, v) || parent_edge[v] == HS_NO_EDGE || !one_nearer(dist, i, v) ||
			    s->edge_type[e] == s->t.e_weak)
				continue;
			if (via(s, cost, i, e, v) == cost[v] && hs_prefer_alt_ok(s, i, e)) {
				parent_edge[v] = e;
				hs_bit_set(p->keep, v);
			}
		}
	}
	hs_prefer_release(p);
}

void hs_prefer_release(struct hs_prefer *p)
{
	free(p->keep);
	free(p->met);
	free(p->cost);
	memset(p, 0, sizeof(*p));
}

void hs_paths_prefer_user(const struct hs_snapshot *s, const int32_t *dist, uint32_t *parent_edge)
{
	struct hs_prefer p;

	if (!s->node_count)
		return;
	hs_prefer_init(&p, s->node_count);
	least_costs(&p, s, dist, parent_edge);
	hs_prefer_choose(&p, s, dist, parent_edge);
}
