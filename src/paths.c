/* Retainer paths and merged shortest paths (see paths.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include "hsnap/paths.h"
#include "hsnap/graph.h"
#include "alloc.h"
#include "sort.h"
#include "strbuf.h"

uint32_t hs_edge_source(const struct hs_snapshot *s, uint32_t e)
{
	uint32_t lo = 0, hi = s->node_count; /* first_edge[lo] <= e < first_edge[hi] */

	while (hi - lo > 1) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->first_edge[mid] <= e)
			lo = mid;
		else
			hi = mid;
	}
	/* nodes without edges share first_edge with the next one: skip them */
	while (lo + 1 < s->node_count && s->first_edge[lo + 1] <= e)
		lo++;
	return lo;
}

const char *hs_edge_label(const struct hs_snapshot *s, uint32_t e, int fold, char *buf, size_t len)
{
	uint8_t t = s->edge_type[e];
	const char *nm;

	if (!hs_edge_has_string_name(s, e)) {
		if (fold)
			snprintf(buf, len, t == s->t.e_element ? "[]" : "{}");
		else
			snprintf(buf, len, t == s->t.e_element ? "[%u]" : "{%u}", s->edge_name[e]);
		return buf;
	}
	nm = hs_str(&s->strings, s->edge_name[e]);
	if (fold && *nm && strspn(nm, "0123456789") == strlen(nm))
		nm = "#"; /* numeric keys (Map/Set tables, arr["12"]) fold too */
	if (t == s->t.e_context)
		snprintf(buf, len, "->%.100s", nm);
	else if (t == s->t.e_internal)
		snprintf(buf, len, "{%.100s}", nm);
	else if (t == s->t.e_weak)
		snprintf(buf, len, "[[weak]] %.100s", nm);
	else
		snprintf(buf, len, ".%.100s", nm);
	return buf;
}

/* ---- retainer index ------------------------------------------------------ */

static int shown_retainer(const struct hs_snapshot *s, uint32_t from, uint32_t e)
{
	return from != s->root && s->edge_type[e] != s->t.e_weak;
}

void hs_retainer_index_build(struct hs_retainer_index *r, const struct hs_snapshot *s)
{
	uint32_t n, e, *fill, total;

	HS_CALLOC_ARRAY(r->first, (size_t)s->node_count + 1);
	for (n = 0; n < s->node_count; n++)
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
			if (shown_retainer(s, n, e))
				r->first[s->edge_to[e] + 1]++;
	for (n = 0; n < s->node_count; n++)
		r->first[n + 1] += r->first[n];
	total = r->first[s->node_count];
	HS_ALLOC_ARRAY(r->edge, total ? total : 1);
	HS_ALLOC_ARRAY(fill, s->node_count ? s->node_count : 1);
	memcpy(fill, r->first, sizeof(*fill) * s->node_count);
	for (n = 0; n < s->node_count; n++)
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
			if (shown_retainer(s, n, e))
				r->edge[fill[s->edge_to[e]]++] = e;
	free(fill);
}

void hs_retainer_index_release(struct hs_retainer_index *r)
{
	HS_RELEASE(r, r->first, r->edge);
}

/* ---- k shortest paths of one object ------------------------------------- */

/* Preference among equally short retainers: named JS references first. */
static int edge_rank(const struct hs_snapshot *s, uint32_t e)
{
	uint8_t t = s->edge_type[e];
	if (t == s->t.e_property || t == s->t.e_element || t == s->t.e_context)
		return 0;
	if (t == s->t.e_shortcut)
		return 1;
	if (t == s->t.e_internal)
		return 2;
	return 3;
}

struct cand { uint32_t edge; int rank; };

static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	if (a->rank != b->rank)
		return a->rank - b->rank;
	return a->edge < b->edge ? -1 : a->edge > b->edge;
}

struct frame { struct cand *c; uint32_t n, next; };

/* Retainers of v one step nearer a root (distance exactly one less). */
static void candidates(const struct hs_snapshot *s, const struct hs_retainer_index *r,
		       const int32_t *dist, uint32_t v, struct frame *f)
{
	uint32_t k, m = 0;

	f->n = f->next = 0;
	f->c = NULL;
	if (dist[v] == HS_NO_DISTANCE)
		return;
	for (k = r->first[v]; k < r->first[v + 1]; k++) {
		uint32_t e = r->edge[k], from = hs_edge_source(s, e);
		if (dist[from] != HS_NO_DISTANCE && dist[from] == dist[v] - 1)
			m++;
	}
	if (!m)
		return;
	HS_ALLOC_ARRAY(f->c, m);
	for (k = r->first[v]; k < r->first[v + 1]; k++) {
		uint32_t e = r->edge[k], from = hs_edge_source(s, e);
		if (dist[from] != HS_NO_DISTANCE && dist[from] == dist[v] - 1) {
			f->c[f->n].edge = e;
			f->c[f->n++].rank = edge_rank(s, e);
		}
	}
	hs_sort(f->c, f->n, sizeof(*f->c), cand_cmp);
}

uint32_t hs_paths_find(const struct hs_snapshot *s, const struct hs_retainer_index *r,
		       const int32_t *dist, uint32_t target, uint32_t k, uint32_t max_depth,
		       hs_path_fn fn, void *ctx)
{
	struct frame *st;
	uint32_t sp = 0, found = 0, *path, i;

	if (!k || dist[target] == HS_NO_DISTANCE)
		return 0;
	HS_ALLOC_ARRAY(st, (size_t)max_depth + 1);
	HS_ALLOC_ARRAY(path, (size_t)max_depth + 1);
	candidates(s, r, dist, target, &st[sp++]);
	/* st[i] holds node v_i (v_0 = target) and its candidate retainers; the
	 * chosen one, c[next - 1], is the edge v_{i+1} -> v_i. */
	while (sp && found < k) {
		struct frame *f = &st[sp - 1];
		if (f->n == 0 || sp - 1 == max_depth) {
			/* v_{sp-1} is a start (a root's child) or the depth cap */
			uint32_t len = sp - 1;
			for (i = 0; i < len; i++)
				path[i] = st[len - 1 - i].c[st[len - 1 - i].next - 1].edge;
			fn(ctx, path, len, f->n != 0);
			found++;
			free(f->c);
			sp--;
			continue;
		}
		if (f->next == f->n) {
			free(f->c);
			sp--;
			continue;
		}
		candidates(s, r, dist, hs_edge_source(s, f->c[f->next++].edge), &st[sp++]);
	}
	while (sp)
		free(st[--sp].c);
	free(st);
	free(path);
	return found;
}

uint32_t hs_path_shortest(const struct hs_snapshot *s, const uint32_t *parent_edge,
			  uint32_t target, uint32_t max_depth, uint32_t *out, int *truncated)
{
	uint32_t len = 0, v = target, i;

	*truncated = 0;
	/* stop below the root: its edges are not retainers in DevTools' view */
	while (parent_edge[v] != HS_NO_EDGE && hs_edge_source(s, parent_edge[v]) != s->root) {
		if (len == max_depth) {
			*truncated = 1;
			break;
		}
		out[len++] = parent_edge[v];
		v = hs_edge_source(s, parent_edge[v]);
	}
	for (i = 0; i < len / 2; i++) {
		uint32_t t = out[i];
		out[i] = out[len - 1 - i];
		out[len - 1 - i] = t;
	}
	return len;
}

/* ---- shared prefixes ------------------------------------------------------ */

/* Step k of x and of y read the same: the same edge, or (fold) the same
 * source name, folded edge label and target name, as merged paths print. */
static int same_step(const struct hs_analysis *a, uint32_t ex, uint32_t ey, int fold)
{
	const struct hs_snapshot *s = a->s;
	char lx[128], ly[128];

	if (ex == ey)
		return 1;
	if (!fold)
		return 0;
	return !strcmp(hs_path_node_name(a, hs_edge_source(s, ex)), hs_path_node_name(a, hs_edge_source(s, ey))) &&
	       !strcmp(hs_path_node_name(a, s->edge_to[ex]), hs_path_node_name(a, s->edge_to[ey])) &&
	       !strcmp(hs_edge_label(s, ex, 1, lx, sizeof(lx)), hs_edge_label(s, ey, 1, ly, sizeof(ly)));
}

uint32_t hs_path_common_prefix(const struct hs_analysis *a, const uint32_t *x, uint32_t xlen, int xtrunc,
			       const uint32_t *y, uint32_t ylen, int ytrunc, int fold)
{
	uint32_t k = 0;

	if (xtrunc || ytrunc)
		return 0; /* a cut path does not start at a root: nothing lines up */
	while (k < xlen && k < ylen && same_step(a, x[k], y[k], fold))
		k++;
	return k;
}

uint32_t hs_path_ref_shared(struct hs_path_ref *r, const struct hs_analysis *a, const uint32_t *edges,
			    uint32_t len, int truncated)
{
	uint32_t k;

	if (!r->set) {
		r->set = 1;
		r->len = len;
		r->truncated = truncated;
		HS_ALLOC_ARRAY(r->edges, len ? len : 1);
		if (len)
			memcpy(r->edges, edges, sizeof(*edges) * len);
		return 0;
	}
	k = hs_path_common_prefix(a, r->edges, r->len, r->truncated, edges, len, truncated, r->fold);
	return k && k == len ? k - 1 : k; /* the last step is always shown */
}

void hs_path_ref_release(struct hs_path_ref *r)
{
	free(r->edges);
	r->edges = NULL;
	r->len = 0;
	r->set = 0;
}

/* ---- outermost members ----------------------------------------------------- */

/* Upward walks along idom from each member: far cheaper than a DFS of the
 * whole dominator tree when members are few.  Gives up (returns 0) after
 * `budget` steps; the bits set so far are right, the caller then walks the
 * tree.  class_of non-NULL: only a member of the same class hides one. */
static int outermost_up(const struct hs_dominators *d, uint32_t root, uint32_t n,
			const uint64_t *members, const uint32_t *class_of, uint64_t *outer,
			uint64_t budget)
{
	uint64_t steps = 0;
	size_t w;

	for (w = 0; w < ((size_t)n + 63) / 64; w++) {
		uint64_t bits = members[w];
		while (bits) {
			uint32_t x = (uint32_t)(w * 64 + (size_t)__builtin_ctzll(bits)), y = x;
			int inner = 0;
			bits &= bits - 1;
			if (x >= n)
				break;
			while (y != root) {
				uint32_t p = d->idom[y];
				if (++steps > budget)
					return 0;
				if (p == y)
					break;
				if (hs_bit_get(members, p) && (!class_of || class_of[p] == class_of[x])) {
					inner = 1;
					break;
				}
				y = p;
			}
			if (!inner)
				hs_bit_set(outer, x);
		}
	}
	return 1;
}

void hs_outermost_members(const struct hs_dominators *d, uint32_t root, uint32_t n,
			  const uint64_t *members, uint64_t *outer)
{
	/* DFS over the dominator tree; an entry is pushed twice: to enter (bit 31
	 * clear) and to leave (bit 31 set) so the count of member ancestors on
	 * the current path can be kept without recursion. */
	uint32_t *stack, sp = 0, inside = 0;
	uint64_t pushes = 0;

	if (outermost_up(d, root, n, members, NULL, outer, n / 2))
		return;

	HS_ALLOC_ARRAY(stack, (size_t)n * 2 + 2);
	stack[sp++] = root;
	while (sp) {
		uint32_t x = stack[--sp], k;
		if (x & 0x80000000u) {
			inside--;
			continue;
		}
		/* a tree pushes each node at most twice; more means the tree
		 * (e.g. from a hostile index) has a cycle: stop, never overflow */
		if (sp + 1 + (uint64_t)(d->dom_first[x + 1] - d->dom_first[x]) > (uint64_t)n * 2 + 2 ||
		    ++pushes > (uint64_t)n * 2)
			break;
		if (hs_bit_get(members, x)) {
			if (!inside)
				hs_bit_set(outer, x);
			inside++;
			stack[sp++] = x | 0x80000000u;
		}
		for (k = d->dom_first[x]; k < d->dom_first[x + 1]; k++)
			stack[sp++] = d->dom_children[k];
	}
	free(stack);
}

void hs_outermost_by_class(const struct hs_dominators *d, uint32_t root, uint32_t n,
			   const uint64_t *members, const uint32_t *class_of,
			   uint32_t nclasses, uint64_t *outer)
{
	uint32_t *stack, sp = 0, *inside;
	uint64_t pushes = 0;

	if (outermost_up(d, root, n, members, class_of, outer, n / 2))
		return;
	HS_ALLOC_ARRAY(stack, (size_t)n * 2 + 2);
	HS_CALLOC_ARRAY(inside, nclasses ? nclasses : 1);
	stack[sp++] = root;
	while (sp) {
		uint32_t x = stack[--sp], k;
		if (x & 0x80000000u) {
			inside[class_of[x & 0x7fffffffu]]--;
			continue;
		}
		if (sp + 1 + (uint64_t)(d->dom_first[x + 1] - d->dom_first[x]) > (uint64_t)n * 2 + 2 ||
		    ++pushes > (uint64_t)n * 2)
			break; /* not a tree (see hs_outermost_members) */
		if (hs_bit_get(members, x)) {
			if (!inside[class_of[x]])
				hs_bit_set(outer, x);
			inside[class_of[x]]++;
			stack[sp++] = x | 0x80000000u;
		}
		for (k = d->dom_first[x]; k < d->dom_first[x + 1]; k++)
			stack[sp++] = d->dom_children[k];
	}
	free(stack);
	free(inside);
}

/* ---- merged shortest paths ------------------------------------------------ */

const char *hs_path_node_name(const struct hs_analysis *a, uint32_t n)
{
	const struct hs_snapshot *s = a->s;
	if (s->node_type[n] == s->t.synthetic && *hs_node_name(s, n))
		return hs_node_name(s, n); /* (GC roots), (Global handles), ... */
	return hs_class_name(&a->classes, a->classes.class_of[n]);
}

/* One step of a shape key: the text and a unit separator. */
static void shape_step(struct hs_strbuf *key, const char *text)
{
	hs_strbuf_addstr(key, text);
	hs_strbuf_addch(key, '\x1f');
}

/* Shape keys, built only for the groups shown. */
static void shape_key(const struct hs_analysis *a, const uint32_t *edges, uint32_t len,
		      int truncated, uint32_t target, struct hs_strbuf *key)
{
	const struct hs_snapshot *s = a->s;
	uint32_t i;
	char lb[128];

	hs_strbuf_reset(key);
	if (truncated)
		shape_step(key, "…");
	for (i = 0; i < len; i++) {
		uint32_t from = hs_edge_source(s, edges[i]);
		shape_step(key, hs_path_node_name(a, from));
		shape_step(key, hs_edge_label(s, edges[i], 1, lb, sizeof(lb)));
	}
	shape_step(key, hs_path_node_name(a, target));
}

/* Pair interning for one stage of the doubling below: (a, b) -> a dense id
 * from 1, open addressing over a power-of-two table at most half full. */
struct pairtab {
	uint64_t *key;
	uint32_t *val, mask, count;
};

static void pt_init(struct pairtab *t, uint32_t entries)
{
	uint64_t cap = 16;
	while (cap < (uint64_t)entries * 2)
		cap *= 2;
	t->mask = (uint32_t)(cap - 1);
	HS_ALLOC_ARRAY(t->key, cap);
	HS_CALLOC_ARRAY(t->val, cap);
	t->count = 0;
}

static void pt_clear(struct pairtab *t)
{
	memset(t->val, 0, ((size_t)t->mask + 1) * sizeof(*t->val));
	t->count = 0;
}

static uint32_t pt_id(struct pairtab *t, uint32_t a, uint32_t b)
{
	uint64_t k = ((uint64_t)a << 32) | b;
	uint32_t i = (uint32_t)((k * 0x9e3779b97f4a7c15ull) >> 32) & t->mask;

	while (t->val[i]) {
		if (t->key[i] == k)
			return t->val[i];
		i = (i + 1) & t->mask;
	}
	t->key[i] = k;
	return t->val[i] = ++t->count;
}

/* Names and folded edge labels as small ids (distinct strings, not nodes). */
struct str_entry { char *key; uint32_t id; UT_hash_handle hh; };

static uint32_t str_id(struct str_entry **map, const char *str)
{
	struct str_entry *e;
	size_t l = strlen(str);
	HASH_FIND(hh, *map, str, l, e);
	if (e)
		return e->id;
	e = hs_xmalloc(sizeof(*e));
	e->key = hs_xmalloc(l + 1);
	memcpy(e->key, str, l + 1);
	e->id = HASH_COUNT(*map) + 1;
	HASH_ADD_KEYPTR(hh, *map, e->key, l, e);
	return e->id;
}

#define NO_SLOT 0xffffffffu

/* The node above x on its shortest path, or NO_SLOT when x starts the path
 * (no parent edge, or one from the root: hs_path_shortest's rule). */
static uint32_t path_up(const struct hs_snapshot *s, const uint32_t *parent_edge, uint32_t x)
{
	uint32_t src;
	if (parent_edge[x] == HS_NO_EDGE)
		return NO_SLOT;
	src = hs_edge_source(s, parent_edge[x]);
	return src == s->root ? NO_SLOT : src;
}

/* S, the nodes within D steps above a member, as slots. */
struct shapes {
	uint32_t *slot;     /* [node_count] slot of a node in S, NO_SLOT */
	uint32_t *node;     /* [slot] its node */
	uint32_t *rem;      /* [slot] steps above it still inside some window */
	uint32_t count, alloc;
};

/* S: walk up from each member; a walk stops at a node that already has as
 * many steps left.  Members nearest the roots go first, so the first walk to
 * reach a node gives it its final value: O(|S| + members) steps.  Any other
 * order (or a hostile index) is only slower, never wrong: a walk improves
 * what it passes, at most D + 1 steps. */
static void shapes_collect(struct shapes *w, const struct hs_analysis *a,
			   const uint32_t *parent_edge, const uint32_t *nodes, uint32_t n,
			   uint32_t depth)
{
	const struct hs_snapshot *s = a->s;
	uint64_t *order;
	uint32_t i;

	HS_ALLOC_ARRAY(w->slot, s->node_count);
	memset(w->slot, 0xff, (size_t)s->node_count * sizeof(*w->slot));
	HS_ALLOC_ARRAY(order, n);
	for (i = 0; i < n; i++) {
		int32_t d = a->distance ? a->distance[nodes[i]] : 0;
		order[i] = ((uint64_t)(uint32_t)(d < 0 ? INT32_MAX : d) << 32) | i;
	}
	hs_sort(order, n, sizeof(*order), hs_cmp_u64);
	for (i = 0; i < n; i++) {
		uint32_t y = nodes[(uint32_t)order[i]], r = depth;
		for (;;) {
			uint32_t k = w->slot[y];
			if (k != NO_SLOT && w->rem[k] >= r)
				break;
			if (k == NO_SLOT) {
				if (w->count == w->alloc) {
					w->alloc = w->alloc < 16 ? 16 : w->alloc + w->alloc / 2;
					HS_REALLOC_ARRAY(w->node, w->alloc);
					HS_REALLOC_ARRAY(w->rem, w->alloc);
				}
				k = w->slot[y] = w->count++;
				w->node[k] = y;
			}
			w->rem[k] = r;
			if (!r || (y = path_up(s, parent_edge, y)) == NO_SLOT)
				break;
			r--;
		}
	}
	free(order);
}

/* shape[i] for member i: equal ids <=> equal shape keys.  Read upwards, the
 * shape of x is the D tokens (name, folded label of the edge into it) of x,
 * up(x), up^2(x), ... (a path's start has the label "start" and "end"
 * tokens follow it), then the name of up^D(x) marked "start" or "…".  The
 * D-token windows are ranked by doubling, as in suffix array construction:
 * rank_{j+1}(y) = id(rank_j(y), rank_j(up^{2^j}(y))), and a window of length
 * D is put together from the set bits of D.  O(|S| log D) instead of
 * comparing each member's path (O(members * D): 1 M members at D = 1000 ran
 * for minutes). */
static void shapes_rank(const struct hs_analysis *a, const uint32_t *parent_edge,
			const uint32_t *nodes, uint32_t n, uint32_t depth, uint32_t *shape)
{
	const struct hs_snapshot *s = a->s;
	struct shapes w = { 0 };
	struct pairtab t;
	struct str_entry *names = NULL, *e, *et;
	/* per slot (+ the sentinel slot m, "above a start"): R rank of the window
	 * of length 2^j, A = up^{2^j}; C rank of the part of the D-window done,
	 * P = the slot where the rest starts; top: the name of up^D and its mark */
	uint32_t *R, *A, *C, *P, *T1, *T2, *top, m, i, j, sent;
	char lb[128];

	shapes_collect(&w, a, parent_edge, nodes, n, depth);
	m = w.count;
	sent = m;
	HS_ALLOC_ARRAY(R, (size_t)m + 1);
	HS_ALLOC_ARRAY(A, (size_t)m + 1);
	HS_ALLOC_ARRAY(C, (size_t)m + 1);
	HS_ALLOC_ARRAY(P, (size_t)m + 1);
	HS_ALLOC_ARRAY(T1, (size_t)m + 1);
	HS_ALLOC_ARRAY(T2, (size_t)m + 1);
	HS_ALLOC_ARRAY(top, (size_t)m + 1);
	pt_init(&t, m + 1);
	for (i = 0; i < m; i++) {
		uint32_t y = w.node[i], up = path_up(s, parent_edge, y);
		uint32_t nm = str_id(&names, hs_path_node_name(a, y)), lab = 0;
		if (up != NO_SLOT)
			lab = str_id(&names, hs_edge_label(s, parent_edge[y], 1, lb, sizeof(lb)));
		/* an up node outside S is never read inside a member's window */
		A[i] = up == NO_SLOT || w.slot[up] == NO_SLOT ? sent : w.slot[up];
		R[i] = pt_id(&t, nm, lab);
		top[i] = nm * 2 + (up == NO_SLOT ? 0u : 1u) + 1;
		C[i] = 0;
		P[i] = i;
	}
	R[sent] = 0; A[sent] = sent; C[sent] = 0; P[sent] = sent; top[sent] = 0;
	for (j = 0; j < 32 && (depth >> j); j++) {
		if ((depth >> j) & 1) {
			pt_clear(&t);
			for (i = 0; i <= m; i++)
				C[i] = pt_id(&t, C[i], R[P[i]]);
			for (i = 0; i <= m; i++)
				P[i] = A[P[i]];
		}
		if (j == 31 || !(depth >> (j + 1)))
			break;
		pt_clear(&t);
		for (i = 0; i <= m; i++) {
			T1[i] = pt_id(&t, R[i], R[A[i]]);
			T2[i] = A[A[i]];
		}
		memcpy(R, T1, ((size_t)m + 1) * sizeof(*R));
		memcpy(A, T2, ((size_t)m + 1) * sizeof(*A));
	}
	pt_clear(&t);
	for (i = 0; i < n; i++) {
		uint32_t k = w.slot[nodes[i]];
		shape[i] = pt_id(&t, C[k], top[P[k]]);
	}
	HASH_ITER(hh, names, e, et) {
		HASH_DEL(names, e);
		free(e->key);
		free(e);
	}
	free(t.key); free(t.val);
	free(R); free(A); free(C); free(P); free(T1); free(T2); free(top);
	free(w.slot); free(w.node); free(w.rem);
}

struct group_sort { struct hs_path_group g; uint32_t seq; };

/* Largest retained first, then the larger count, then the shape met first. */
static int group_cmp(const void *x, const void *y)
{
	const struct group_sort *a = x, *b = y;
	if (a->g.retained_size != b->g.retained_size)
		return a->g.retained_size > b->g.retained_size ? -1 : 1;
	if (a->g.count != b->g.count)
		return a->g.count > b->g.count ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

void hs_merge_paths_top(struct hs_path_groups *g, const struct hs_analysis *a,
			const uint32_t *parent_edge, const uint32_t *nodes, uint32_t n,
			const uint64_t *outer, uint32_t max_depth, uint32_t top)
{
	struct group_sort *v;
	uint32_t i, *shape, *gid, *path;
	struct hs_strbuf key = HS_STRBUF_INIT;

	memset(g, 0, sizeof(*g));
	if (!n)
		return;
	HS_ALLOC_ARRAY(shape, n);
	shapes_rank(a, parent_edge, nodes, n, max_depth, shape);
	/* shape ids are dense from 1 and at most n */
	HS_ALLOC_ARRAY(gid, (size_t)n + 1);
	memset(gid, 0xff, ((size_t)n + 1) * sizeof(*gid));
	HS_ALLOC_ARRAY(v, n);
	for (i = 0; i < n; i++) {
		uint32_t x = nodes[i], k = shape[i];
		struct group_sort *gs;
		if (gid[k] == NO_SLOT) {
			gid[k] = g->count;
			gs = &v[g->count];
			memset(gs, 0, sizeof(*gs));
			gs->g.example = x;
			gs->seq = g->count++;
		}
		gs = &v[gid[k]];
		gs->g.count++;
		gs->g.self_size += hs_shallow_size(a, x);
		if (!outer || hs_bit_get(outer, x))
			gs->g.retained_size += a->dom.retained[x];
	}
	free(gid);
	free(shape);
	hs_sort(v, g->count, sizeof(*v), group_cmp);
	HS_ALLOC_ARRAY(g->v, g->count);
	HS_ALLOC_ARRAY(path, (size_t)max_depth + 1);
	for (i = 0; i < g->count; i++) {
		struct hs_path_group *p = &g->v[i];
		int trunc = 0;
		*p = v[i].g;
		if (i >= top)
			continue;
		p->len = hs_path_shortest(a->s, parent_edge, p->example, max_depth, path, &trunc);
		p->truncated = trunc;
		HS_ALLOC_ARRAY(p->edges, p->len ? p->len : 1);
		memcpy(p->edges, path, sizeof(*path) * p->len);
		shape_key(a, path, p->len, trunc, p->example, &key);
		p->shape = hs_xmalloc(key.len + 1);
		memcpy(p->shape, key.buf, key.len + 1);
	}
	free(path);
	hs_strbuf_release(&key);
	free(v);
}

void hs_merge_paths(struct hs_path_groups *g, const struct hs_analysis *a,
		    const uint32_t *parent_edge, const uint32_t *nodes, uint32_t n,
		    const uint64_t *outer, uint32_t max_depth)
{
	hs_merge_paths_top(g, a, parent_edge, nodes, n, outer, max_depth, UINT32_MAX);
}

void hs_path_groups_release(struct hs_path_groups *g)
{
	uint32_t i;
	for (i = 0; i < g->count; i++) {
		free(g->v[i].shape);
		free(g->v[i].edges);
	}
	free(g->v);
	memset(g, 0, sizeof(*g));
}
