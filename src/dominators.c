/* Lengauer–Tarjan with simple eval/link and iterative path compression, a
 * line-by-line match of DevTools' HeapSnapshot.calculateDominatorsAndRetainedSizes
 * so that results (including the treatment of unreachable nodes) are equal.
 * Vertices are numbered 1..n (ordinal + 1); 0 means "none".
 *
 * Work arrays ([n + 1] uint32 each):
 *   parent   DFS tree parent          semi     semidominator DFS number
 *   ancestor link/eval forest         label    eval label
 *   vertex   DFS number -> vertex     dom      DFS next-edge cursor, then
 *                                              the (immediate) dominator
 *   bucket / bnext  singly linked bucket lists (each w is in one bucket once)
 * Path compression reverses ancestor links on the way up instead of using a
 * stack, so no further array is needed. */
#include <stdlib.h>
#include <string.h>
#include "hsnap/dominators.h"
#include "vec.h"

struct lt {
	const struct hs_graph *g;
	uint32_t n;
	uint32_t *parent, *ancestor, *vertex, *label, *semi, *dom, *bucket, *bnext;
};

static void dfs(struct lt *t, uint32_t root, uint32_t *counter)
{
	const struct hs_snapshot *s = t->g->s;
	uint32_t *next = t->dom; /* cursor per ordinal; dom is cleared afterwards */
	uint32_t v = root;

	next[root - 1] = hs_edge_begin(s, root - 1);
	while (v != 0) {
		uint32_t vn = t->parent[v], vo = v - 1, end = hs_edge_end(s, vo);
		if (t->semi[v] == 0) {
			t->semi[v] = ++*counter;
			t->vertex[*counter] = t->label[v] = v;
		}
		for (; next[vo] < end; next[vo]++) {
			uint32_t e = next[vo], w;
			if (!hs_bit_get(t->g->essential, e))
				continue;
			w = s->edge_to[e] + 1;
			if (t->semi[w] == 0) {
				t->parent[w] = v;
				next[w - 1] = hs_edge_begin(s, w - 1);
				vn = w;
				break;
			}
		}
		v = vn;
	}
}

/* Same order of updates as DevTools' stack-based compress: walk up to the
 * node whose ancestor is a forest root, reversing links, then walk back down
 * restoring each link and compressing it. */
static void compress(struct lt *t, uint32_t v)
{
	uint32_t *anc = t->ancestor, prev = 0, x = v, up;

	while (anc[anc[x]] != 0) {
		uint32_t next = anc[x];
		anc[x] = prev;
		prev = x;
		x = next;
	}
	up = x;
	while (prev != 0) {
		uint32_t w = prev;
		prev = anc[w];
		anc[w] = up;
		if (t->semi[t->label[up]] < t->semi[t->label[w]])
			t->label[w] = t->label[up];
		anc[w] = anc[up];
		up = w;
	}
}

static uint32_t eval(struct lt *t, uint32_t v)
{
	if (t->ancestor[v] == 0)
		return v;
	compress(t, v);
	return t->label[v];
}

/* DFS from the root, then from nodes with only non-essential retainers, then
 * every still unvisited node individually under the root.  Returns n. */
static uint32_t number_vertices(struct lt *t, uint32_t r, uint32_t *unreachable)
{
	const struct hs_graph *g = t->g;
	uint32_t counter = 0, v;

	dfs(t, r, &counter);
	*unreachable = t->n - counter;
	if (counter < t->n)
		for (v = 1; v <= t->n; v++)
			if (t->semi[v] == 0 && g->ret_first[v - 1] == g->ret_first[v]) {
				t->parent[v] = r;
				dfs(t, v, &counter);
			}
	if (counter < t->n)
		for (v = 1; v <= t->n; v++)
			if (t->semi[v] == 0) {
				t->parent[v] = r;
				t->semi[v] = ++counter;
				t->vertex[counter] = t->label[v] = v;
			}
	return counter;
}

static void semidominators(struct lt *t, uint32_t r, uint32_t n)
{
	const struct hs_graph *g = t->g;
	uint32_t i;

	for (i = n; i >= 2; i--) {
		uint32_t w = t->vertex[i], wo = w - 1, k, b, p;
		if (g->ret_first[wo] == g->ret_first[wo + 1]) {
			t->semi[w] = t->semi[r]; /* orphan: its one predecessor is the root */
		} else {
			for (k = g->ret_first[wo]; k < g->ret_first[wo + 1]; k++) {
				uint32_t u = eval(t, g->ret_from[k] + 1);
				if (t->semi[u] < t->semi[w])
					t->semi[w] = t->semi[u];
			}
		}
		b = t->vertex[t->semi[w]];
		t->bnext[w] = t->bucket[b];
		t->bucket[b] = w;
		p = t->parent[w];
		t->ancestor[w] = p; /* link */
		for (k = t->bucket[p]; k; k = t->bnext[k]) {
			uint32_t u = eval(t, k);
			t->dom[k] = t->semi[u] < t->semi[k] ? u : p;
		}
		t->bucket[p] = 0;
	}
	t->dom[0] = t->dom[r] = r;
	for (i = 2; i <= n; i++) {
		uint32_t w = t->vertex[i];
		if (t->dom[w] != t->vertex[t->semi[w]])
			t->dom[w] = t->dom[t->dom[w]];
	}
}

static void retained_sizes(struct hs_dominators *d, const struct lt *t, uint32_t n,
			   const uint64_t *self)
{
	uint32_t i, nc = t->n;

	HS_ALLOC_ARRAY(d->idom, nc);
	HS_ALLOC_ARRAY(d->retained, nc);
	for (i = 0; i < nc; i++) {
		d->idom[i] = t->dom[i + 1] - 1;
		d->retained[i] = self[i];
	}
	for (i = n; i > 1; i--) {
		uint32_t o = t->vertex[i] - 1;
		d->retained[d->idom[o]] += d->retained[o];
	}
}

static void dominated_nodes(struct hs_dominators *d, uint32_t nc, uint32_t root)
{
	uint32_t i, *fill;

	HS_CALLOC_ARRAY(d->dom_first, (size_t)nc + 1);
	HS_ALLOC_ARRAY(d->dom_children, nc);
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
	uint32_t r = g->s->root + 1, n;

	memset(d, 0, sizeof(*d));
	memset(&t, 0, sizeof(t));
	t.g = g;
	t.n = g->s->node_count;
	HS_CALLOC_ARRAY(t.parent, len);
	HS_CALLOC_ARRAY(t.ancestor, len);
	HS_CALLOC_ARRAY(t.vertex, len);
	HS_CALLOC_ARRAY(t.label, len);
	HS_CALLOC_ARRAY(t.semi, len);
	HS_CALLOC_ARRAY(t.dom, len);
	n = number_vertices(&t, r, &d->unreachable);
	memset(t.dom, 0, sizeof(*t.dom) * len);
	HS_CALLOC_ARRAY(t.bucket, len);
	HS_CALLOC_ARRAY(t.bnext, len);
	semidominators(&t, r, n);
	free(t.ancestor);
	free(t.label);
	free(t.bucket);
	free(t.bnext);
	free(t.parent);
	free(t.semi);
	retained_sizes(d, &t, n, self_size);
	free(t.vertex);
	free(t.dom);
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
