/* Lengauer–Tarjan with simple eval/link and iterative path compression, an
 * operation-by-operation match of DevTools'
 * HeapSnapshot.calculateDominatorsAndRetainedSizes, so that results (including
 * the treatment of unreachable nodes) are equal.
 *
 * The work is done in DFS-number space: vertex i (1..n) is the i-th node the
 * DFS numbered (the root is 1); 0 means "none".  This renaming does not change
 * the computation (every comparison is between semidominator DFS numbers), but
 * the main loop, which walks i from n down to 2, then reads its own records in
 * order instead of at random ordinals, and one record holds what eval needs.
 *
 * Work arrays:
 *   num[ordinal]  DFS number (0: not visited yet)
 *   vertex[i]     ordinal with DFS number i
 *   rec[i].anc    DFS parent; once i is linked, its link/eval forest ancestor.
 *                 Vertices are linked in decreasing order, so i is linked iff
 *                 i >= lo (the last one linked): no ancestor array, no 0 mark.
 *   rec[i].label  until i is processed: head of i's bucket (the vertices
 *                 whose semidominator is i), as eval reads labels of linked
 *                 vertices only; then eval's label
 *   rec[i].semi   semidominator (its own number until processed)
 *   rec[i].dn     DFS edge cursor, then bucket next, then the dominator (a
 *                 vertex leaves its one bucket exactly when its dn is set)
 * Path compression reverses ancestor links on the way up instead of using a
 * stack, so no further array is needed. */
#include <stdlib.h>
#include <string.h>
#include "hsnap/dominators.h"
#include "vec.h"

struct rec {
	uint32_t anc, label, semi, dn;
};

struct lt {
	const struct hs_graph *g;
	uint32_t n;
	uint32_t *num, *vertex;
	struct rec *rec;
};

static void number(struct lt *t, uint32_t o, uint32_t i, uint32_t parent)
{
	t->num[o] = i;
	t->vertex[i] = o;
	t->rec[i].anc = parent;
	t->rec[i].label = 0; /* empty bucket */
	t->rec[i].semi = i;
	t->rec[i].dn = hs_edge_begin(t->g->s, o);
}

/* DFS over essential edges from ordinal o, numbered as a child of `parent`
 * (a DFS number, 0 for the root); stops when it climbs back to `parent`. */
static uint32_t dfs(struct lt *t, uint32_t o, uint32_t parent, uint32_t counter)
{
	const struct hs_snapshot *s = t->g->s;
	const uint64_t *ess = t->g->essential;
	struct rec *rec = t->rec;
	uint32_t x = ++counter;

	number(t, o, x, parent);
	while (x != parent) {
		uint32_t e = rec[x].dn, end = hs_edge_end(s, t->vertex[x]);
		for (; e < end; e++)
			if (hs_bit_get(ess, e) && t->num[s->edge_to[e]] == 0)
				break;
		if (e < end) {
			rec[x].dn = e + 1; /* edge e leads to a visited node from now on */
			number(t, s->edge_to[e], ++counter, x);
			x = counter;
		} else {
			x = rec[x].anc;
		}
	}
	return counter;
}

/* Same order of updates as DevTools' stack-based compress: walk up to the
 * node whose ancestor is a forest root (not linked: below lo), reversing
 * links, then walk back down restoring each link and compressing it. */
static void compress(struct rec *rec, uint32_t v, uint32_t lo)
{
	uint32_t prev = 0, x = v, up;

	while (rec[x].anc >= lo) {
		uint32_t next = rec[x].anc;
		rec[x].anc = prev;
		prev = x;
		x = next;
	}
	up = x;
	while (prev != 0) {
		uint32_t w = prev;
		prev = rec[w].anc;
		if (rec[rec[up].label].semi < rec[rec[w].label].semi)
			rec[w].label = rec[up].label;
		rec[w].anc = rec[up].anc;
		up = w;
	}
}

static uint32_t eval(struct rec *rec, uint32_t v, uint32_t lo)
{
	if (v < lo)
		return v; /* not linked: DevTools' ancestor[v] == 0 */
	compress(rec, v, lo);
	return rec[v].label;
}

/* DFS from the root, then from nodes with only non-essential retainers, then
 * every still unvisited node individually under the root.  Returns n. */
static uint32_t number_vertices(struct lt *t, uint32_t root, uint32_t *unreachable)
{
	const struct hs_graph *g = t->g;
	uint32_t counter, o;

	counter = dfs(t, root, 0, 0);
	*unreachable = t->n - counter;
	if (counter < t->n)
		for (o = 0; o < t->n; o++)
			if (t->num[o] == 0 && g->ret_first[o] == g->ret_first[o + 1])
				counter = dfs(t, o, 1, counter);
	if (counter < t->n)
		for (o = 0; o < t->n; o++)
			if (t->num[o] == 0)
				number(t, o, ++counter, 1);
	return counter;
}

/* Empties bucket b, whose members keep dominator 0 (DevTools: they are never
 * taken out of it). */
static void drop_bucket(struct rec *rec, uint32_t b)
{
	uint32_t k = rec[b].label;

	while (k) {
		uint32_t next = rec[k].dn;
		rec[k].dn = 0;
		k = next;
	}
	rec[b].label = 0;
}

static void semidominators(struct lt *t, uint32_t n)
{
	const struct hs_graph *g = t->g;
	const uint32_t *ret_first = g->ret_first, *ret_from = g->ret_from, *num = t->num;
	struct rec *rec = t->rec;
	uint32_t i, k;

	for (i = n; i >= 2; i--) {
		uint32_t wo = t->vertex[i], sw = i, p, next;
		/* Bucket i is emptied only while i's children (numbers above i)
		 * are processed, so what is still in it stays there for good. */
		drop_bucket(rec, i);
		rec[i].label = i;
		if (ret_first[wo] == ret_first[wo + 1]) {
			sw = 1; /* orphan: its one predecessor is the root */
		} else {
			for (k = ret_first[wo]; k < ret_first[wo + 1]; k++) {
				uint32_t u = eval(rec, num[ret_from[k]], i + 1);
				if (rec[u].semi < sw)
					sw = rec[u].semi;
			}
		}
		rec[i].semi = sw;
		if (sw == i) {
			rec[i].dn = 0; /* its own bucket: never emptied, as above */
		} else {
			rec[i].dn = rec[sw].label;
			rec[sw].label = i;
		}
		p = rec[i].anc; /* link: i >= lo from here on */
		for (k = rec[p].label; k; k = next) {
			uint32_t u = eval(rec, k, i);
			next = rec[k].dn;
			rec[k].dn = rec[u].semi < rec[k].semi ? u : p;
		}
		rec[p].label = 0;
	}
	if (n >= 1)
		drop_bucket(rec, 1);
	/* DevTools: dom[0] = dom[root] = root, so a missing dominator becomes the
	 * root below. */
	rec[0].dn = rec[1].dn = 1;
	for (i = 2; i <= n; i++)
		if (rec[i].dn != rec[i].semi)
			rec[i].dn = rec[rec[i].dn].dn;
}

/* Retained sizes in DevTools' order (DFS numbers from n down to 2), by
 * ordinal: each vertex adds its size to its dominator's. */
static void retained_sizes(struct hs_dominators *d, const uint32_t *vertex, uint32_t n,
			   uint32_t nc, const uint64_t *self)
{
	uint32_t i;

	HS_ALLOC_ARRAY(d->retained, nc);
	memcpy(d->retained, self, sizeof(*self) * nc);
	for (i = n; i > 1; i--) {
		uint32_t o = vertex[i];
		d->retained[d->idom[o]] += d->retained[o];
	}
}

static void dominated_nodes(struct hs_dominators *d, uint32_t nc, uint32_t root)
{
	uint32_t i, *fill;

	HS_CALLOC_ARRAY(d->dom_first, (size_t)nc + 1);
	HS_ALLOC_ARRAY(d->dom_children, nc);
	hs_populate(d->dom_first, sizeof(*d->dom_first) * ((size_t)nc + 1));
	hs_populate(d->dom_children, sizeof(*d->dom_children) * nc);
	for (i = 0; i < nc; i++)
		if (i != root)
			d->dom_first[d->idom[i] + 1]++;
	for (i = 0; i < nc; i++)
		d->dom_first[i + 1] += d->dom_first[i];
	HS_ALLOC_ARRAY(fill, nc);
	memcpy(fill, d->dom_first, sizeof(*fill) * nc);
	for (i = 0; i < nc; i++)
		if (i != root)
			d->dom_children[fill[d->idom[i]]++] = i;
	free(fill);
}

int hs_dominators_build(struct hs_dominators *d, const struct hs_graph *g,
			const uint64_t *self_size)
{
	struct lt t;
	size_t len = (size_t)g->s->node_count + 1;
	uint32_t n, i;

	memset(d, 0, sizeof(*d));
	memset(&t, 0, sizeof(t));
	t.g = g;
	t.n = g->s->node_count;
	HS_CALLOC_ARRAY(t.num, t.n ? t.n : 1);
	HS_ALLOC_ARRAY(t.vertex, len);
	HS_ALLOC_ARRAY(t.rec, len);
	/* the DFS writes all of every one (num at random places, vertex and rec
	 * in DFS order; every node gets a number): map their pages at once */
	hs_populate(t.num, sizeof(*t.num) * (t.n ? t.n : 1));
	hs_populate(t.vertex, sizeof(*t.vertex) * len);
	hs_populate(t.rec, sizeof(*t.rec) * len);
	t.vertex[0] = 0;
	memset(&t.rec[0], 0, sizeof(t.rec[0]));
	n = number_vertices(&t, g->s->root, &d->unreachable);
	semidominators(&t, n);
	/* num is not needed any more: it becomes the idom array (by ordinal). */
	d->idom = t.num;
	for (i = 1; i <= n; i++)
		d->idom[t.vertex[i]] = t.vertex[t.rec[i].dn];
	free(t.rec);
	retained_sizes(d, t.vertex, n, t.n, self_size);
	free(t.vertex);
	dominated_nodes(d, t.n, g->s->root);
	return 0;
}

void hs_dominators_release(struct hs_dominators *d)
{
	free(d->idom);
	free(d->retained);
	free(d->dom_first);
	free(d->dom_children);
	memset(d, 0, sizeof(*d));
}
