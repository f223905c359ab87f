/* Node flags, essential edges and retainer indexes, after DevTools'
 * JSHeapSnapshot.calculateFlags / initEssentialEdges / buildRetainers. */
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/graph.h"
#include "alloc.h"

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

/* DevTools' pageObject flag: nodes reachable, skipping weak edges, from the
 * root's shortcut edges and from its element edges to "(Document DOM trees)".
 * Sets g->page_owned to the number of such nodes. */
void hs_graph_mark_pages(struct hs_graph *g)
{
	const struct hs_snapshot *s = g->s;
	uint32_t *stack, sp = 0, e, r = s->root, marked = 0;

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
		if (hs_bit_get(g->page, to))
			continue; /* DevTools pushes duplicates; the result is the same */
		stack[sp++] = to;
		hs_bit_set(g->page, to);
		marked++;
	}
	while (sp) {
		uint32_t n = stack[--sp];
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
			uint32_t to = s->edge_to[e];
			if (hs_bit_get(g->page, to) || s->edge_type[e] == s->t.e_weak)
				continue;
			hs_bit_set(g->page, to);
			marked++;
			stack[sp++] = to;
		}
	}
	free(stack);
	g->page_owned = marked;
}

/* One bit per string: set when the string is a WeakMap ephemeron edge name.
 * Computed in one sequential pass over the strings, so that the test for
 * each of the millions of internal edges reads a bit (the set is small enough
 * for the cache) instead of the edge's name somewhere in the string arena.
 * *any: 1 when some string is one. */
static uint64_t *weakmap_names(const struct hs_snapshot *s, int *any)
{
	uint64_t *bits = hs_bits_new(s->strings.count), table;
	uint32_t i;
	size_t dup;

	*any = 0;
	for (i = 0; i < s->strings.count; i++) {
		const char *p = hs_str(&s->strings, i);
		if (*p >= '0' && *p <= '9' &&
		    hs_weakmap_edge_parse(p, hs_strlen(&s->strings, i), &table, &dup)) {
			hs_bit_set(bits, i);
			*any = 1;
		}
	}
	return bits;
}

/* DevTools' isEssentialEdge without its page-owned rule (hs_graph_finish
 * applies that one), with its WeakMap rule (the first of an ephemeron's
 * edges, from the table itself, is not essential).  wm: the WeakMap name
 * bits, or NULL when no string is such a name. */
static inline int is_essential(const struct hs_snapshot *s, const uint64_t *wm, uint32_t from,
			       uint32_t e)
{
	uint8_t type = s->edge_type[e];
	uint32_t to = s->edge_to[e];

	if (type == s->t.e_weak || from == to)
		return 0;
	if (wm && type == s->t.e_internal && hs_bit_get(wm, s->edge_name[e])) {
		uint64_t table;
		size_t dup;
		uint32_t nm = s->edge_name[e];
		if (hs_weakmap_edge_parse(hs_str(&s->strings, nm), hs_strlen(&s->strings, nm), &table, &dup) &&
		    table == hs_node_id(s, from))
			return 0;
	}
	return from == s->root || type != s->t.e_shortcut;
}

/* One pass over the edges: the essential bits (but for the page-owned rule),
 * the essential retainers of each node counted into ret_first[to + 1], and a
 * two-bit saturating count of all retaining edges (weak included).  Reads
 * only the model, so it can run beside hs_graph_mark_pages. */
void hs_graph_count(struct hs_graph *g)
{
	const struct hs_snapshot *s = g->s;
	const uint32_t *edge_to = s->edge_to;
	uint32_t n, e, *ret_first = g->ret_first;
	uint64_t *once = g->retained_once, *more = g->retained_more, *ess = g->essential;
	int any_wm;
	uint64_t *wm = weakmap_names(s, &any_wm);
	const uint64_t *wmp = any_wm ? wm : NULL;

	/* counted into at random places, and every page of it is touched */
	hs_populate(ret_first, sizeof(*ret_first) * ((size_t)s->node_count + 1));
	for (n = 0; n < s->node_count; n++)
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
			uint32_t to = edge_to[e];
			uint64_t m = (uint64_t)1 << (to & 63);
			more[to >> 6] |= once[to >> 6] & m;
			once[to >> 6] |= m;
			if (is_essential(s, wmp, n, e)) {
				hs_bit_set(ess, e);
				ret_first[to + 1]++;
			}
		}
	free(wm);
}

/* DevTools' page-owned rule: an edge from a node that is not page-owned
 * (but the root) to one that is, is not essential.  Only the edges of nodes
 * that are not page-owned are read, so this costs little where nearly all
 * are (a Node.js heap) and nothing where none is. */
static void drop_page_entries(struct hs_graph *g)
{
	const struct hs_snapshot *s = g->s;
	uint32_t w, words = (s->node_count + 63) / 64;

	if (!g->page_owned)
		return;
	for (w = 0; w < words; w++) {
		uint64_t outside = ~g->page[w];

		while (outside) {
			uint32_t n = w * 64 + (uint32_t)__builtin_ctzll(outside), e;

			outside &= outside - 1;
			if (n >= s->node_count)
				break;
			if (n == s->root)
				continue;
			for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
				uint32_t to = s->edge_to[e];
				if (hs_bit_get(g->essential, e) && hs_bit_get(g->page, to)) {
					hs_bit_clear(g->essential, e);
					g->ret_first[to + 1]--;
				}
			}
		}
	}
}

void hs_graph_finish(struct hs_graph *g)
{
	const struct hs_snapshot *s = g->s;
	uint32_t n, *ret_first = g->ret_first;

	drop_page_entries(g);
	for (n = 0; n < s->node_count; n++)
		ret_first[n + 1] += ret_first[n];
	g->ret_total = ret_first[s->node_count];
	HS_ALLOC_ARRAY(g->ret_from, g->ret_total ? g->ret_total : 1);
}

void hs_graph_map_retainers_expect(struct hs_graph *g)
{
	atomic_store(&g->mapping, 1);
}

void hs_graph_map_retainers_done(struct hs_graph *g)
{
	atomic_store(&g->mapping, 0);
}

/* reads only ret_total and the pointer: ret_first may be being filled */
void hs_graph_map_retainers(struct hs_graph *g)
{
	hs_populate(g->ret_from, sizeof(*g->ret_from) * (g->ret_total ? g->ret_total : 1));
	hs_graph_map_retainers_done(g);
}

void hs_graph_fill_retainers(struct hs_graph *g, const uint32_t *label)
{
	const struct hs_snapshot *s = g->s;
	const uint32_t *edge_to = s->edge_to;
	const uint64_t *ess = g->essential;
	uint32_t n, e, *at = g->ret_first, *from = g->ret_from;

	/* at once, if no other thread did */
	hs_populate(from, sizeof(*from) * (g->ret_total ? g->ret_total : 1));
	/* at[t] is t's fill position; once filled it is t's end, i.e. the start
	 * of t + 1: one shift makes it the index again */
	for (n = 0; n < s->node_count; n++) {
		uint32_t v = label ? label[n] : n;
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
			if (hs_bit_get(ess, e))
				from[at[edge_to[e]]++] = v;
	}
	if (s->node_count) {
		memmove(at + 1, at, sizeof(*at) * s->node_count);
		at[0] = 0;
	}
}

int hs_graph_single_retainer(const struct hs_graph *g, uint32_t n)
{
	return hs_bit_get(g->retained_once, n) && !hs_bit_get(g->retained_more, n);
}

void hs_graph_begin(struct hs_graph *g, const struct hs_snapshot *s)
{
	uint32_t e;

	memset(g, 0, sizeof(*g));
	g->s = s;
	g->page = hs_bits_new(s->node_count);
	g->essential = hs_bits_new(s->edge_count);
	g->retained_once = hs_bits_new(s->node_count);
	g->retained_more = hs_bits_new(s->node_count);
	HS_CALLOC_ARRAY(g->ret_first, (size_t)s->node_count + 1);
	for (e = hs_edge_begin(s, s->root); e < hs_edge_end(s, s->root); e++)
		if (hs_is_user_root(s, s->edge_to[e]))
			g->user_roots++;
}

int hs_graph_build(struct hs_graph *g, const struct hs_snapshot *s)
{
	hs_graph_begin(g, s);
	hs_graph_mark_pages(g);
	hs_graph_count(g);
	hs_graph_finish(g);
	return 0;
}

void hs_graph_release_counts(struct hs_graph *g)
{
	free(g->page);
	free(g->retained_once);
	free(g->retained_more);
	g->page = g->retained_once = g->retained_more = NULL;
}

void hs_graph_release_retainers(struct hs_graph *g)
{
	while (atomic_load(&g->mapping)) /* another thread still maps ret_from */
		sched_yield();
	free(g->essential);
	free(g->ret_first);
	free(g->ret_from);
	g->essential = NULL;
	g->ret_first = g->ret_from = NULL;
}

void hs_graph_release(struct hs_graph *g)
{
	hs_graph_release_counts(g);
	hs_graph_release_retainers(g);
	memset(g, 0, sizeof(*g));
}
