/* DOM state of every node, as DevTools' propagateDOMState (HeapSnapshot.ts):
 * the detachedness a snapshot records, spread from attached and detached
 * natives over the strong edges to other natives (not through JavaScript
 * objects); iterative, one visit per node. */
#include <stdlib.h>
#include <string.h>
#include "hsnap/dom_state.h"
#include "alloc.h"

static void dom_visit(const struct hs_snapshot *s, uint8_t *st, uint8_t *visited,
		      uint32_t n, uint8_t state, uint32_t *att, uint32_t *na,
		      uint32_t *det, uint32_t *nd)
{
	if (visited[n])
		return;
	visited[n] = 1;
	if (s->node_type[n] != s->t.native)
		return; /* state does not pass through JavaScript objects */
	st[n] = state;
	if (state == 1)
		att[(*na)++] = n;
	else if (state == 2)
		det[(*nd)++] = n;
}

static void dom_propagate(const struct hs_snapshot *s, uint8_t *st, uint8_t *visited,
			  uint32_t n, uint8_t state, uint32_t *att, uint32_t *na,
			  uint32_t *det, uint32_t *nd)
{
	uint32_t e;
	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
		uint8_t t = s->edge_type[e];
		if (t == s->t.e_hidden || t == s->t.e_weak)
			continue;
		dom_visit(s, st, visited, s->edge_to[e], state, att, na, det, nd);
	}
}

void hs_dom_state(const struct hs_snapshot *s, uint8_t *st)
{
	uint32_t n = s->node_count, i, na = 0, nd = 0, *att, *det;
	uint8_t *visited;

	if (!s->detachedness) {
		memset(st, 0, n);
		return;
	}
	memcpy(st, s->detachedness, n);
	HS_CALLOC_ARRAY(visited, n);
	HS_ALLOC_ARRAY(att, n);
	HS_ALLOC_ARRAY(det, n);
	for (i = 0; i < n; i++)
		if (s->detachedness[i])
			dom_visit(s, st, visited, i, s->detachedness[i], att, &na, det, &nd);
	while (na) {
		uint32_t x = att[--na];
		dom_propagate(s, st, visited, x, 1, att, &na, det, &nd);
	}
	while (nd) {
		uint32_t x = det[--nd];
		if (st[x] == 1)
			continue;
		dom_propagate(s, st, visited, x, 2, att, &na, det, &nd);
	}
	free(visited);
	free(att);
	free(det);
}
