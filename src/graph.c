/* Node flags, essential edges and retainer indexes, after DevTools'
 * JSHeapSnapshot.calculateFlags / initEssentialEdges / buildRetainers. */
#include <stdlib.h>
#include <string.h>
#include "hsnap/graph.h"
#include "vec.h"

int hs_is_user_root(const struct hs_snapshot *s, uint32_t n)
{
	return s->node_type[n] != s->t.synthetic ||
	       !strcmp(hs_node_name(s, n), "(Document DOM trees)");
}

static int parse_digits(const char *p, const char *end, const char **after, uint64_t *v)
{
	const char *q = p;
	uint64_t x = 0;

	while (q < end && *q >= '0' && *q <= '9') {
		x = x > UINT64_MAX / 16 ? UINT64_MAX : x * 10 + (uint64_t)(*q - '0');
		q++;
	}
	*after = q;
	if (v)
		*v = x;
	return q > p;
}

static int ends_with_at_digits(const char *b, const char *e)
{
	/* [b, e) ends with " @\d+" */
	const char *q = e;
	while (q > b && q[-1] >= '0' && q[-1] <= '9')
		q--;
	return q < e && q - b >= 2 && q[-1] == '@' && q[-2] == ' ';
}

int hs_weakmap_edge_parse(const char *name, size_t len, uint64_t *table_id, size_t *dup)
{
	static const char key[] = " / part of key (", val[] = ") -> value (",
			  tail[] = ") pair in WeakMap (table @";
	const char *end = name + len, *p, *q, *t, *mid;

	if (!parse_digits(name, end, &p, NULL))
		return 0;
	*dup = (size_t)(p - name);
	if ((size_t)(end - p) < sizeof(key) - 1 || memcmp(p, key, sizeof(key) - 1))
		return 0;
	p += sizeof(key) - 1;
	/* Tail: ") pair in WeakMap (table @" digits ")" at the very end. */
	if (end - p < 2 || end[-1] != ')')
		return 0;
	q = end - 1;
	while (q > p && q[-1] >= '0' && q[-1] <= '9')
		q--;
	if (q == end - 1 || (size_t)(q - p) < sizeof(tail) - 1)
		return 0;
	t = q - (sizeof(tail) - 1);
	if (memcmp(t, tail, sizeof(tail) - 1))
		return 0;
	parse_digits(q, end - 1, &q, table_id);
	if (memchr(p, '\n', (size_t)(t - p)) || memchr(p, '\r', (size_t)(t - p)))
		return 0; /* '.' does not match line terminators */
	/* Middle [p, t): X " @\d+" ") -> value (" Y " @\d+" — Y part ends at t. */
	if (!ends_with_at_digits(p, t))
		return 0;
	for (mid = p; (mid = memchr(mid, ')', (size_t)(t - mid))) != NULL; mid++) {
		if ((size_t)(t - mid) < sizeof(val) - 1)
			break;
		if (!memcmp(mid, val, sizeof(val) - 1) && ends_with_at_digits(p, mid) &&
		    ends_with_at_digits(mid + sizeof(val) - 1, t))
			return 1;
	}
	return 0;
}

static void mark_page_owned(struct hs_graph *g)
{
	const struct hs_snapshot *s = g->s;
	uint32_t *stack, sp = 0, e, r = s->root;

	HS_ALLOC_ARRAY(stack, s->node_count);
	for (e = hs_edge_begin(s, r); e < hs_edge_end(s, r); e++) {
		uint32_t to = s->edge_to[e];
		if (s->edge_type[e] == s->t.e_element) {
			if (s->node_type[to] != s->t.synthetic ||
			    strcmp(hs_node_name(s, to), "(Document DOM trees)"))
				continue;
		} else if (s->edge_type[e] != s->t.e_shortcut) {
			continue;
		}
		if (g->flags[to] & HS_FLAG_PAGE)
			continue; /* DevTools pushes duplicates; the result is the same */
		stack[sp++] = to;
		g->flags[to] |= HS_FLAG_PAGE;
	}
	while (sp) {
		uint32_t n = stack[--sp];
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
			uint32_t to = s->edge_to[e];
			if ((g->flags[to] & HS_FLAG_PAGE) || s->edge_type[e] == s->t.e_weak)
				continue;
			g->flags[to] |= HS_FLAG_PAGE;
			stack[sp++] = to;
		}
	}
	free(stack);
}

/* One bit per string: set when the string is a WeakMap ephemeron edge name.
 * Computed in one sequential pass over the strings, so that the test for
 * each of the millions of internal edges reads a bit (the set is small enough
 * for the cache) instead of the edge's name somewhere in the string arena. */
static uint64_t *weakmap_names(const struct hs_snapshot *s)
{
	uint64_t *bits = hs_bits_new(s->strings.count), table;
	uint32_t i;
	size_t dup;

	for (i = 0; i < s->strings.count; i++) {
		const char *p = hs_str(&s->strings, i);
		if (*p >= '0' && *p <= '9' &&
		    hs_weakmap_edge_parse(p, hs_strlen(&s->strings, i), &table, &dup))
			hs_bit_set(bits, i);
	}
	return bits;
}

static int is_essential(const struct hs_graph *g, const uint64_t *wm, uint32_t from, uint32_t e)
{
	const struct hs_snapshot *s = g->s;
	uint8_t type = s->edge_type[e];
	uint32_t to = s->edge_to[e];

	if (type == s->t.e_internal && hs_bit_get(wm, s->edge_name[e])) {
		uint64_t table;
		size_t dup;
		uint32_t nm = s->edge_name[e];
		if (hs_weakmap_edge_parse(hs_str(&s->strings, nm), hs_strlen(&s->strings, nm), &table, &dup) &&
		    table == hs_node_id(s, from))
			return 0;
	}
	if (type == s->t.e_weak || from == to)
		return 0;
	if (from != s->root) {
		if (type == s->t.e_shortcut)
			return 0;
		if ((g->flags[to] & HS_FLAG_PAGE) && !(g->flags[from] & HS_FLAG_PAGE))
			return 0;
	}
	return 1;
}

static void build_retainers(struct hs_graph *g)
{
	const struct hs_snapshot *s = g->s;
	uint32_t n, e, total = 0;
	uint32_t *fill;
	uint64_t *wm = weakmap_names(s);

	HS_CALLOC_ARRAY(g->ret_first, (size_t)s->node_count + 1);
	HS_CALLOC_ARRAY(g->in_degree, s->node_count);
	g->essential = hs_bits_new(s->edge_count);
	/* counted into at random places, and every page of them is touched */
	hs_populate(g->ret_first, sizeof(*g->ret_first) * ((size_t)s->node_count + 1));
	hs_populate(g->in_degree, sizeof(*g->in_degree) * s->node_count);
	for (n = 0; n < s->node_count; n++)
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
			g->in_degree[s->edge_to[e]]++;
			if (is_essential(g, wm, n, e)) {
				hs_bit_set(g->essential, e);
				g->ret_first[s->edge_to[e] + 1]++;
				total++;
			}
		}
	free(wm);
	for (n = 0; n < s->node_count; n++)
		g->ret_first[n + 1] += g->ret_first[n];
	HS_ALLOC_ARRAY(g->ret_from, total ? total : 1);
	hs_populate(g->ret_from, sizeof(*g->ret_from) * (total ? total : 1));
	HS_ALLOC_ARRAY(fill, s->node_count);
	memcpy(fill, g->ret_first, sizeof(*fill) * s->node_count);
	for (n = 0; n < s->node_count; n++)
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
			if (hs_bit_get(g->essential, e))
				g->ret_from[fill[s->edge_to[e]]++] = n;
	free(fill);
}

int hs_graph_build(struct hs_graph *g, const struct hs_snapshot *s)
{
	uint32_t e;

	memset(g, 0, sizeof(*g));
	g->s = s;
	HS_CALLOC_ARRAY(g->flags, s->node_count);
	for (e = hs_edge_begin(s, s->root); e < hs_edge_end(s, s->root); e++)
		if (hs_is_user_root(s, s->edge_to[e]))
			g->user_roots++;
	mark_page_owned(g);
	build_retainers(g);
	return 0;
}

void hs_graph_release_counts(struct hs_graph *g)
{
	free(g->flags);
	free(g->in_degree);
	g->flags = NULL;
	g->in_degree = NULL;
}

void hs_graph_release_retainers(struct hs_graph *g)
{
	free(g->essential);
	free(g->ret_first);
	free(g->ret_from);
	g->essential = NULL;
	g->ret_first = g->ret_from = NULL;
}

void hs_graph_release(struct hs_graph *g)
{
	free(g->flags);
	free(g->essential);
	free(g->ret_first);
	free(g->ret_from);
	free(g->in_degree);
	memset(g, 0, sizeof(*g));
}
