/* Dominators by semi-NCA (Georgiadis' "SEMI-NCA": Lengauer–Tarjan's
 * semidominators with simple path compression, then each immediate dominator
 * as the nearest common ancestor of parent and semidominator, as LLVM's
 * SemiNCAInfo and Go's compiler do), over the essential edges with DevTools'
 * handling of nodes not reachable from the root.
 *
 * The dominator tree of a graph is unique, so any correct algorithm gives
 * DevTools' result if it runs on the graph DevTools' Lengauer–Tarjan
 * (HeapSnapshot.calculateDominatorsAndRetainedSizes) in effect sees:
 *   1. the essential edges (src/graph.c);
 *   2. an edge root -> o for each node o with no essential retainer that the
 *      DFS from the root did not reach (DevTools DFS-es from them, in ordinal
 *      order, as children of the root, and gives them semidominator root);
 *   3. the nodes still not numbered (cycles retained only by each other)
 *      hang off the root with their out-edges ignored: DevTools numbers them
 *      one by one after everything else with the root as DFS parent, but
 *      none of them has the root as predecessor, so the semidominators of
 *      their retainers' targets are never lowered through them (every
 *      retainer of such a node is such a node, with a DFS number above all
 *      others) and each gets the root as immediate dominator.
 * tests/test_dominators.c checks this against a brute-force oracle on
 * thousands of random graphs; the parity tests against DevTools itself.
 *
 * The work is done in DFS-number space: vertex i (1..n) is the i-th node the
 * DFS numbered (the root is 1); 0 means "none".  The retainer lists hold DFS
 * numbers (hs_graph_fill_retainers, after the DFS), so the main loop reads
 * no ordinal-indexed array per edge.
 *
 * Work arrays (20 bytes per node):
 *   num[ordinal]  DFS number (0: not visited yet); during the semidominator
 *                 loop semi[i]; at the end the immediate dominator by ordinal
 *   vertex[i]     ordinal with DFS number i
 *   idom[i]       DFS parent, then the immediate dominator
 *   ab[i].anc     DFS parent; once i is linked (i > the vertex being
 *                 processed), its link/eval forest ancestor
 *   ab[i].best    DFS edge cursor; once i is linked, the smallest
 *                 semidominator on its compressed forest path
 * Path compression reverses ancestor links on the way up instead of using a
 * stack, so no further array is needed.  The results then take over the work
 * arrays: num is the idom array, ab the retained sizes, idom and vertex the
 * dominated-node lists. */
#include <stdlib.h>
#include <string.h>
#include "hsnap/dominators.h"
#include "alloc.h"


struct ab {
	uint32_t anc, best;
};
/* the retained sizes reuse ab's memory */
_Static_assert(sizeof(struct ab) == sizeof(uint64_t), "struct ab is 8 bytes");

struct lt {
	const struct hs_graph *g;
	uint32_t n;
	uint32_t *num, *vertex, *idom;
	struct ab *ab;
};

static void number(struct lt *t, uint32_t o, uint32_t i, uint32_t parent)
{
	t->num[o] = i;
	t->vertex[i] = o;
	t->idom[i] = parent;
	t->ab[i].anc = parent;
	t->ab[i].best = hs_edge_begin(t->g->s, o);
}

/* DFS over essential edges from ordinal o, numbered as a child of `parent`
 * (a DFS number, 0 for the root); stops when it climbs back to `parent`. */
static uint32_t dfs(struct lt *t, uint32_t o, uint32_t parent, uint32_t counter)
{
	const struct hs_snapshot *s = t->g->s;
	const uint64_t *ess = t->g->essential;
	const uint32_t *to = s->edge_to;
	uint32_t *num = t->num;
	struct ab *ab = t->ab;
	uint32_t x = ++counter;

	number(t, o, x, parent);
	while (x != parent) {
		uint32_t e = ab[x].best, end = hs_edge_end(s, t->vertex[x]);
		for (; e < end; e++)
			if (hs_bit_get(ess, e) && num[to[e]] == 0)
				break;
		if (e < end) {
			ab[x].best = e + 1; /* edge e leads to a visited node from now on */
			number(t, to[e], ++counter, x);
			x = counter;
		} else {
			x = ab[x].anc;
		}
	}
	return counter;
}

/* DFS from the root, then from nodes with only non-essential retainers, then
 * every still unvisited node individually under the root.  Returns the
 * number of nodes numbered by the DFS runs (the rest, up to t->n, are the
 * last step's). */
static uint32_t number_vertices(struct lt *t, uint32_t root, uint32_t *unreachable)
{
	const struct hs_graph *g = t->g;
	uint32_t counter, o, searched;

	counter = dfs(t, root, 0, 0);
	*unreachable = t->n - counter;
	if (counter < t->n)
		for (o = 0; o < t->n; o++)
			if (t->num[o] == 0 && g->ret_first[o] == g->ret_first[o + 1])
				counter = dfs(t, o, 1, counter);
	searched = counter;
	if (counter < t->n)
		for (o = 0; o < t->n; o++)
			if (t->num[o] == 0)
				number(t, o, ++counter, 1);
	return searched;
}

/* The smallest semidominator on the forest path from linked vertex v up to
 * (not including) its first ancestor that is not linked (below lo),
 * compressing the path.  Same updates as a stack-based compress: walk up
 * reversing links, then walk back down restoring and compressing them. */
static inline uint32_t eval(struct ab *ab, uint32_t v, uint32_t lo)
{
	uint32_t prev = 0, x = v, up;

	if (ab[v].anc < lo)
		return ab[v].best;
	while (ab[x].anc >= lo) {
		uint32_t next = ab[x].anc;
		ab[x].anc = prev;
		prev = x;
		x = next;
	}
	up = x;
	while (prev != 0) {
		uint32_t w = prev;
		prev = ab[w].anc;
		if (ab[up].best < ab[w].best)
			ab[w].best = ab[up].best;
		ab[w].anc = ab[up].anc;
		up = w;
	}
	return ab[v].best;
}

/* Semidominators of vertices searched..2 (into semi[], by DFS number), then
 * immediate dominators in DFS order as the nearest common ancestor of parent
 * and semidominator.  The last step's vertices (above `searched`) keep the
 * root, their DFS parent, and are skipped as predecessors (see the top). */
static void semi_nca(struct lt *t, uint32_t searched, uint32_t *semi)
{
	const struct hs_graph *g = t->g;
	const uint32_t *ret_first = g->ret_first, *ret_from = g->ret_from, *vertex = t->vertex;
	uint32_t *idom = t->idom;
	struct ab *ab = t->ab;
	uint32_t i, k;

	for (i = searched; i >= 2; i--) {
		uint32_t wo = vertex[i], sw = idom[i]; /* the parent is a predecessor
							* (the root for orphans) */
		uint32_t end = ret_first[wo + 1];
		for (k = ret_first[wo]; k < end; k++) {
			uint32_t v = ret_from[k], c;
			if (v < i)
				c = v; /* not linked yet: eval(v) is v itself */
			else if (v > searched)
				continue;
			else
				c = eval(ab, v, i + 1);
			if (c < sw)
				sw = c;
		}
		semi[i] = sw;
		ab[i].best = sw; /* i is linked from here on */
	}
	if (searched >= 1)
		idom[1] = 1;
	for (i = 2; i <= searched; i++) {
		uint32_t c = idom[i], sd = semi[i];
		while (c > sd)
			c = idom[c];
		idom[i] = c;
	}
}

/* Retained sizes in DevTools' order (DFS numbers from n down to 2), by
 * ordinal: each vertex adds its size to its dominator's.  d->retained is
 * the memory of ab (nc + 1 entries of 8 bytes), no longer needed. */
static void retained_sizes(struct hs_dominators *d, const uint32_t *vertex, uint32_t n,
			   uint32_t nc, const struct hs_sizes *self)
{
	uint32_t i;

	if (self->hi)
		for (i = 0; i < nc; i++)
			d->retained[i] = (uint64_t)self->hi[i] << 32 | self->lo[i];
	else
		for (i = 0; i < nc; i++)
			d->retained[i] = self->lo[i];
	for (i = n; i > 1; i--) {
		uint32_t o = vertex[i];
		d->retained[d->idom[o]] += d->retained[o];
	}
}

/* d->dom_first and d->dom_children are the memory of the work arrays idom
 * and vertex (nc + 1 entries of 4 bytes each), no longer needed. */
static void dominated_nodes(struct hs_dominators *d, uint32_t nc, uint32_t root)
{
	uint32_t i, *first;

	first = d->dom_first;
	memset(first, 0, sizeof(*first) * ((size_t)nc + 1));
	for (i = 0; i < nc; i++)
		if (i != root)
			first[d->idom[i] + 1]++;
	for (i = 0; i < nc; i++)
		first[i + 1] += first[i];
	/* first[p] is p's fill position; once filled it is p's end, i.e. the
	 * start of p + 1: one shift makes it the index again */
	for (i = 0; i < nc; i++)
		if (i != root)
			d->dom_children[first[d->idom[i]]++] = i;
	if (nc) {
		memmove(first + 1, first, sizeof(*first) * nc);
		first[0] = 0;
	}
}

void hs_dominators_prepare(struct hs_dom_work *w, uint32_t node_count)
{
	size_t len = (size_t)node_count + 1;
	uint32_t *num, *vertex, *idom;
	struct ab *ab;

	HS_CALLOC_ARRAY(num, len);
	HS_ALLOC_ARRAY(vertex, len);
	HS_ALLOC_ARRAY(idom, len);
	HS_ALLOC_ARRAY(ab, len);
	/* the DFS writes all of every one (num at random places, the others in
	 * DFS order; every node gets a number): map their pages at once */
	hs_populate(num, sizeof(*num) * len);
	hs_populate(vertex, sizeof(*vertex) * len);
	hs_populate(idom, sizeof(*idom) * len);
	hs_populate(ab, sizeof(*ab) * len);
	w->num = num;
	w->vertex = vertex;
	w->idom = idom;
	w->ab = ab;
	w->node_count = node_count;
}

int hs_dominators_build(struct hs_dominators *d, struct hs_graph *g, const struct hs_sizes *self_size)
{
	struct hs_dom_work w;

	hs_dominators_prepare(&w, g->s->node_count);
	return hs_dominators_build_in(d, g, self_size, &w);
}

int hs_dominators_tree_in(struct hs_dominators *d, struct hs_graph *g, struct hs_dom_work *w)
{
	struct lt t;
	uint32_t searched, i, nc = g->s->node_count;

	memset(d, 0, sizeof(*d));
	memset(&t, 0, sizeof(t));
	if (w->node_count != nc)
		abort(); /* a caller's bug: the arrays are too short */
	t.g = g;
	t.n = nc;
	t.num = w->num;
	t.vertex = w->vertex;
	t.idom = w->idom;
	t.ab = w->ab;
	memset(w, 0, sizeof(*w));
	t.vertex[0] = t.idom[0] = 0;
	t.ab[0].anc = t.ab[0].best = 0;
	searched = number_vertices(&t, g->s->root, &d->unreachable);
	hs_graph_fill_retainers(g, t.num);
	free(g->essential); /* the lists hold what the DFS and the fill needed */
	g->essential = NULL;
	/* num is not needed until the end: it holds the semidominators */
	semi_nca(&t, searched, t.num);
	hs_graph_release_retainers(g);
	/* The results take the work arrays' memory as each is done with, its
	 * pages already mapped (fresh pages cost a fault and zeroing each):
	 * num becomes the idom array (by ordinal), ab the retained sizes, the
	 * DFS-space idom the list starts and vertex the lists; until
	 * hs_dominators_sizes, dom_children holds the DFS order (vertex). */
	d->idom = t.num;
	for (i = 1; i <= nc; i++)
		d->idom[t.vertex[i]] = t.vertex[t.idom[i]];
	d->retained = (uint64_t *)(void *)t.ab;
	d->dom_first = t.idom;
	d->dom_children = t.vertex;
	return 0;
}

void hs_dominators_sizes(struct hs_dominators *d, uint32_t node_count, uint32_t root,
			 const struct hs_sizes *self_size)
{
	retained_sizes(d, d->dom_children, node_count, node_count, self_size);
	dominated_nodes(d, node_count, root);
}

int hs_dominators_build_in(struct hs_dominators *d, struct hs_graph *g, const struct hs_sizes *self_size,
			   struct hs_dom_work *w)
{
	uint32_t nc = g->s->node_count, root = g->s->root;

	hs_dominators_tree_in(d, g, w);
	hs_dominators_sizes(d, nc, root, self_size);
	return 0;
}

void hs_dominators_release(struct hs_dominators *d)
{
	HS_RELEASE(d, d->idom, d->retained, d->dom_first, d->dom_children);
}
