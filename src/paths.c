/* Retainer paths and merged shortest paths (see paths.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include "hsnap/paths.h"
#include "vec.h"

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
	free(r->first);
	free(r->edge);
	memset(r, 0, sizeof(*r));
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

struct group_entry {
	char *key;
	uint32_t index;
	UT_hash_handle hh;
};

static void shape_key(const struct hs_analysis *a, const uint32_t *edges, uint32_t len,
		      int truncated, uint32_t target, char **buf, size_t *alloc)
{
	const struct hs_snapshot *s = a->s;
	size_t used = 0;
	uint32_t i;
	char lb[128];

#define APPEND(str) do { size_t l_ = strlen(str); \
		if (used + l_ + 2 > *alloc) { *alloc = (used + l_ + 2) * 2; *buf = hs_xrealloc(*buf, *alloc); } \
		memcpy(*buf + used, str, l_); used += l_; (*buf)[used++] = '\x1f'; } while (0)
	if (truncated)
		APPEND("…");
	for (i = 0; i < len; i++) {
		uint32_t from = hs_edge_source(s, edges[i]);
		APPEND(hs_path_node_name(a, from));
		APPEND(hs_edge_label(s, edges[i], 1, lb, sizeof(lb)));
	}
	APPEND(hs_path_node_name(a, target));
#undef APPEND
	(*buf)[used] = '\0';
}

static int group_cmp(const void *x, const void *y)
{
	const struct hs_path_group *a = x, *b = y;
	if (a->retained_size != b->retained_size)
		return a->retained_size > b->retained_size ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return strcmp(a->shape, b->shape);
}

void hs_merge_paths(struct hs_path_groups *g, const struct hs_analysis *a,
		    const uint32_t *parent_edge, const uint32_t *nodes, uint32_t n,
		    const uint64_t *outer, uint32_t max_depth)
{
	struct group_entry *map = NULL, *e, *t;
	uint32_t i, *path, alloc = 0;
	char *key = NULL;
	size_t kalloc = 0;

	memset(g, 0, sizeof(*g));
	HS_ALLOC_ARRAY(path, (size_t)max_depth + 1);
	for (i = 0; i < n; i++) {
		uint32_t x = nodes[i], len;
		int trunc;
		struct hs_path_group *grp;
		len = hs_path_shortest(a->s, parent_edge, x, max_depth, path, &trunc);
		shape_key(a, path, len, trunc, x, &key, &kalloc);
		HASH_FIND_STR(map, key, e);
		if (!e) {
			e = hs_xmalloc(sizeof(*e));
			e->key = hs_xmalloc(strlen(key) + 1);
			strcpy(e->key, key);
			HS_GROW(g->v, g->count, alloc);
			e->index = g->count++;
			grp = &g->v[e->index];
			memset(grp, 0, sizeof(*grp));
			grp->shape = e->key;
			grp->example = x;
			grp->len = len;
			grp->truncated = trunc;
			HS_ALLOC_ARRAY(grp->edges, len ? len : 1);
			memcpy(grp->edges, path, sizeof(*path) * len);
			HASH_ADD_KEYPTR(hh, map, e->key, strlen(e->key), e);
		}
		grp = &g->v[e->index];
		grp->count++;
		grp->self_size += a->self_size[x];
		if (!outer || hs_bit_get(outer, x))
			grp->retained_size += a->dom.retained[x];
	}
	HASH_ITER(hh, map, e, t) {
		HASH_DEL(map, e);
		free(e); /* the key lives on as grp->shape */
	}
	hs_sort(g->v, g->count, sizeof(*g->v), group_cmp);
	free(path);
	free(key);
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
