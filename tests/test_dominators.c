/* Dominator tree and retained sizes: hand-computed tiny graphs, a brute-force
 * oracle on thousands of seeded random graphs, and 1,000,000-node chains and
 * fan-outs (no recursion).  Node 0 is the root in every graph here. */
#include <pthread.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <time.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"

struct built {
	struct hs_snapshot *s;
	struct hs_graph g;
	struct hs_dominators d;
};

/* 1: build_graph builds in steps, the counts on a second thread beside the
 * page-owned marking, as hs_analysis_run does on two cores */
static int build_two;

static void *count_beside(void *g)
{
	hs_graph_count(g);
	return NULL;
}

/* the snapshot and its graph, no dominators yet */
static void build_graph(struct built *b, const struct tb *t, size_t chunk)
{
	size_t len;
	char *j = tb_json(t, &len);
	b->s = load_ok(j, len, chunk);
	free(j);
	if (build_two) {
		pthread_t tid;
		hs_graph_begin(&b->g, b->s);
		assert_int_equal(pthread_create(&tid, NULL, count_beside, &b->g), 0);
		hs_graph_mark_pages(&b->g);
		pthread_join(tid, NULL);
		hs_graph_finish(&b->g);
	} else {
		assert_int_equal(hs_graph_build(&b->g, b->s), 0);
	}
}

static void build(struct built *b, const struct tb *t, size_t chunk)
{
	build_graph(b, t, chunk);
	assert_int_equal(hs_dominators_build(&b->d, &b->g, &b->s->self_size), 0);
}

static void unbuild(struct built *b)
{
	hs_dominators_release(&b->d);
	hs_graph_release(&b->g);
	hs_snapshot_free(b->s);
}

/* dom_first/dom_children must list each non-root node once, under its idom. */
static void check_dom_tree(const struct built *b)
{
	uint32_t n = b->s->node_count, i, k, *seen = calloc(n, sizeof(*seen));
	assert_int_equal(b->d.idom[b->s->root], b->s->root);
	for (i = 0; i < n; i++)
		for (k = b->d.dom_first[i]; k < b->d.dom_first[i + 1]; k++) {
			uint32_t c = b->d.dom_children[k];
			assert_true(c < n);
			assert_int_equal(b->d.idom[c], i);
			assert_int_not_equal(c, b->s->root);
			seen[c]++;
		}
	for (i = 0; i < n; i++)
		assert_int_equal(seen[i], i == b->s->root ? 0 : 1);
	free(seen);
}

static void expect(const struct built *b, const uint32_t *idom, const uint64_t *ret)
{
	uint32_t i;
	check_dom_tree(b);
	for (i = 0; i < b->s->node_count; i++) {
		if (b->d.idom[i] != idom[i])
			fail_msg("node %u: idom %u, expected %u", i, b->d.idom[i], idom[i]);
		if (b->d.retained[i] != ret[i])
			fail_msg("node %u: retained %llu, expected %llu", i,
				 (unsigned long long)b->d.retained[i], (unsigned long long)ret[i]);
	}
}

/* Nodes 1..n-1 are objects "N<i>" with the given sizes; node 0 the root. */
static void nodes(struct tb *t, const uint64_t *sizes, uint32_t n)
{
	uint32_t i;
	char name[16];
	tb_node(t, "synthetic", "", 1, 0);
	for (i = 1; i < n; i++) {
		snprintf(name, sizeof(name), "N%u", i);
		tb_node(t, "object", name, 2 * i + 1, sizes[i]);
	}
}

/* Diamond: 0->1, 1->2, 1->3, 2->4, 3->4; sizes 1:10 2:20 3:30 4:40.
 * 4 is reached through 2 and 3, so only 1 dominates it:
 * idom = [0,0,1,1,1]; retained 4=40, 3=30, 2=20, 1=10+20+30+40=100, 0=100. */
static const uint32_t diamond_idom[] = { 0, 0, 1, 1, 1 };
static const uint64_t diamond_ret[] = { 100, 100, 20, 30, 40 };

static void diamond(struct tb *t)
{
	static const uint64_t sz[] = { 0, 10, 20, 30, 40 };

	tb_init(t);
	nodes(t, sz, 5);
	tb_edge_i(t, 0, "element", 1, 1);
	tb_edge(t, 1, "property", "a", 2);
	tb_edge(t, 1, "property", "b", 3);
	tb_edge(t, 2, "property", "x", 4);
	tb_edge(t, 3, "internal", "y", 4);
}

static void test_diamond(void **state)
{
	struct tb t;
	struct built b;
	(void)state;
	diamond(&t);
	build(&b, &t, 0);
	expect(&b, diamond_idom, diamond_ret);
	assert_int_equal(b.d.unreachable, 0);
	unbuild(&b);
	tb_release(&t);
}

/* A second thread that maps the retainer lists (hs_graph_map_retainers,
 * as hs_analysis_run's does beside the DFS) and is late: the dominators must
 * not free the lists before it is done with them.  The mapper sleeps 200 ms
 * first; the dominators of the diamond above take microseconds, so without
 * the wait they would return before it is done. */
struct late_mapper {
	struct hs_graph *g;
	atomic_int done;
};

static void *map_late(void *arg)
{
	struct late_mapper *m = arg;
	struct timespec ts = { 0, 200 * 1000 * 1000 };

	nanosleep(&ts, NULL);
	atomic_store(&m->done, 1);
	hs_graph_map_retainers(m->g);
	return NULL;
}

static void test_late_mapper(void **state)
{
	struct late_mapper m;
	struct tb t;
	struct built b;
	pthread_t tid;
	(void)state;
	diamond(&t);
	build_graph(&b, &t, 0);
	m.g = &b.g;
	atomic_init(&m.done, 0);
	hs_graph_map_retainers_expect(&b.g);
	assert_int_equal(pthread_create(&tid, NULL, map_late, &m), 0);
	assert_int_equal(hs_dominators_build(&b.d, &b.g, &b.s->self_size), 0);
	assert_int_equal(atomic_load(&m.done), 1); /* it waited for the mapper */
	pthread_join(tid, NULL);
	assert_null(b.g.ret_from);
	expect(&b, diamond_idom, diamond_ret);
	unbuild(&b);
	tb_release(&t);
}

/* Chain 0->1->2->3 with a self loop 2->2 (ignored); sizes 1, 2, 4:
 * idom = [0,0,1,2]; retained 3=4, 2=6, 1=7, 0=7. */
static void test_chain(void **state)
{
	static const uint64_t sz[] = { 0, 1, 2, 4 };
	static const uint32_t idom[] = { 0, 0, 1, 2 };
	static const uint64_t ret[] = { 7, 7, 6, 4 };
	struct tb t;
	struct built b;
	(void)state;
	tb_init(&t);
	nodes(&t, sz, 4);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 1, "property", "next", 2);
	tb_edge(&t, 2, "property", "me", 2);
	tb_edge(&t, 2, "context", "next", 3);
	build(&b, &t, 0);
	expect(&b, idom, ret);
	unbuild(&b);
	tb_release(&t);
}

/* Weak edges never retain:
 *   0->1 (5), 1 -weak-> 2 (7), 2->3 (11), 1 -weak-> 4 (13), 1->5 (17), 5->4.
 * 2 has only a weak retainer: it hangs off the root, and 3 under it.
 * 4 is retained strongly only by 5 (the weak edge from 1 does not count).
 * idom = [0,0,0,2,5,1]; retained 5=17+13=30, 4=13, 3=11, 2=7+11=18,
 * 1=5+30=35, 0=5+7+11+13+17=53. */
static void test_weak(void **state)
{
	static const uint64_t sz[] = { 0, 5, 7, 11, 13, 17 };
	static const uint32_t idom[] = { 0, 0, 0, 2, 5, 1 };
	static const uint64_t ret[] = { 53, 35, 18, 11, 13, 30 };
	struct tb t;
	struct built b;
	(void)state;
	tb_init(&t);
	nodes(&t, sz, 6);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 1, "weak", "w", 2);
	tb_edge(&t, 2, "property", "p", 3);
	tb_edge(&t, 1, "weak", "w2", 4);
	tb_edge(&t, 1, "property", "q", 5);
	tb_edge(&t, 5, "property", "r", 4);
	build(&b, &t, 0);
	expect(&b, idom, ret);
	assert_int_equal(b.d.unreachable, 2); /* 2 and 3 */
	unbuild(&b);
	tb_release(&t);
}

/* Unreachable parts: 0->1 (1); cycle 2<->3 (10, 20) with a tail 3->4 (40),
 * reachable from nothing; 5 (80) isolated.  Every node of the cycle and its
 * tail has an essential retainer, so DevTools attaches each directly to the
 * root; 5 has none and is attached too.
 * idom = [0,0,0,0,0,0]; retained = self, root = 151. */
static void test_unreachable_cycle(void **state)
{
	static const uint64_t sz[] = { 0, 1, 10, 20, 40, 80 };
	static const uint32_t idom[] = { 0, 0, 0, 0, 0, 0 };
	static const uint64_t ret[] = { 151, 1, 10, 20, 40, 80 };
	struct tb t;
	struct built b;
	(void)state;
	tb_init(&t);
	nodes(&t, sz, 6);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 2, "property", "a", 3);
	tb_edge(&t, 3, "property", "b", 2);
	tb_edge(&t, 3, "property", "c", 4);
	build(&b, &t, 0);
	expect(&b, idom, ret);
	assert_int_equal(b.d.unreachable, 4);
	unbuild(&b);
	tb_release(&t);
}

/* Shortcut edges count only from the root:
 *   0->1 (1), 1->2 (2), 1 -shortcut-> 3 (4), 2->3.
 * 3's only essential retainer is 2: idom = [0,0,1,2];
 * retained 3=4, 2=6, 1=7, 0=7. */
static void test_shortcut_non_root(void **state)
{
	static const uint64_t sz[] = { 0, 1, 2, 4 };
	static const uint32_t idom[] = { 0, 0, 1, 2 };
	static const uint64_t ret[] = { 7, 7, 6, 4 };
	struct tb t;
	struct built b;
	(void)state;
	tb_init(&t);
	nodes(&t, sz, 4);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 1, "property", "a", 2);
	tb_edge(&t, 1, "shortcut", "s", 3);
	tb_edge(&t, 2, "property", "b", 3);
	build(&b, &t, 0);
	expect(&b, idom, ret);
	unbuild(&b);
	tb_release(&t);
}

/* Page-owned objects: 0 -shortcut-> 1 (1, page), 1->2 (2, page),
 * 0 -element-> 3 (4, not page), 3->2: an edge from a non-page object into a
 * page object is not essential, so 2's only retainer is 1.
 * idom = [0,0,1,0]; retained 2=2, 1=3, 3=4, 0=7.
 * Also 3 -shortcut from the root would make 3 page-owned: see the variant. */
static void test_page_owned(void **state)
{
	static const uint64_t sz[] = { 0, 1, 2, 4 };
	static const uint32_t idom[] = { 0, 0, 1, 0 };
	static const uint64_t ret[] = { 7, 3, 2, 4 };
	/* variant: root -shortcut-> 3 as well: both page, 2 has two retainers. */
	static const uint32_t idom2[] = { 0, 0, 0, 0 };
	static const uint64_t ret2[] = { 7, 1, 2, 4 };
	struct tb t;
	struct built b;
	(void)state;
	tb_init(&t);
	nodes(&t, sz, 4);
	tb_edge(&t, 0, "shortcut", "global", 1);
	tb_edge_i(&t, 0, "element", 2, 3);
	tb_edge(&t, 1, "property", "a", 2);
	tb_edge(&t, 3, "property", "b", 2);
	build(&b, &t, 0);
	assert_true(hs_graph_page_owned(&b.g, 1));
	assert_true(hs_graph_page_owned(&b.g, 2));
	assert_false(hs_graph_page_owned(&b.g, 3));
	expect(&b, idom, ret);
	unbuild(&b);
	tb_edge(&t, 0, "shortcut", "2", 3);
	build(&b, &t, 0);
	expect(&b, idom2, ret2);
	unbuild(&b);
	tb_release(&t);
}

/* Retaining edges of any type, counted up to two (DevTools' retainer count,
 * asked "exactly one?" for an Array's elements store):
 *   0 -> 1; 0 -> 2, 1 -weak-> 2; 0 -> 3, 1 -> 3, 2 -> 3; 0 -> 4, 4 -> 4 (self);
 *   5 has none (an orphan).  By hand: 1 has 1, 2 has 2 (one weak),
 *   3 has 3, 4 has 1 plus its own self edge = 2, 5 has 0. */
static void test_single_retainer(void **state)
{
	static const uint64_t sz[] = { 0, 1, 1, 1, 1, 1 };
	static const int single[] = { 0, 1, 0, 0, 0, 0 };
	struct tb t;
	struct built b;
	uint32_t i;
	(void)state;
	tb_init(&t);
	nodes(&t, sz, 6);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge_i(&t, 0, "element", 2, 2);
	tb_edge_i(&t, 0, "element", 3, 3);
	tb_edge_i(&t, 0, "element", 4, 4);
	tb_edge(&t, 1, "weak", "w", 2);
	tb_edge(&t, 1, "property", "a", 3);
	tb_edge(&t, 2, "property", "b", 3);
	tb_edge(&t, 4, "property", "self", 4);
	build(&b, &t, 0);
	tb_release(&t);
	for (i = 0; i < 6; i++)
		assert_int_equal(hs_graph_single_retainer(&b.g, i), single[i]);
	unbuild(&b);
}

/* WeakMap ephemerons: table T (id 50), key K (id 60), value V (id 70).
 *   0->T (10), 0->K (20), T -internal "<pair>"-> V (30), K -internal "<pair>"-> V
 * The table->value edge is dropped (its source id equals the table id in the
 * name), the key->value edge kept: idom(V) = K.
 * ordinals: 1=T 2=K 3=V; idom = [0,0,0,2]; retained T=10, K=50, V=30, 0=60. */
static void test_weakmap(void **state)
{
	static const char pair[] = "1 / part of key (Foo @60) -> value (Bar @70) pair in WeakMap (table @50)";
	static const uint32_t idom[] = { 0, 0, 0, 2 };
	static const uint64_t ret[] = { 60, 10, 50, 30 };
	/* negative control: a name that does not match (no "pair in WeakMap")
	 * keeps the table->value edge: idom(V) = root, K retains only itself. */
	static const uint32_t idom2[] = { 0, 0, 0, 0 };
	static const uint64_t ret2[] = { 60, 10, 20, 30 };
	struct tb t;
	struct built b;
	int variant;
	(void)state;
	for (variant = 0; variant < 2; variant++) {
		const char *nm = variant ? "1 / part of key (Foo @60) -> value (Bar @70) in (table @50)" : pair;
		tb_init(&t);
		tb_node(&t, "synthetic", "", 1, 0);
		tb_node(&t, "object", "WeakMap", 50, 10);
		tb_node(&t, "object", "Foo", 60, 20);
		tb_node(&t, "object", "Bar", 70, 30);
		tb_edge_i(&t, 0, "element", 1, 1);
		tb_edge_i(&t, 0, "element", 2, 2);
		tb_edge(&t, 1, "internal", nm, 3);
		tb_edge(&t, 2, "internal", nm, 3);
		build(&b, &t, 0);
		if (variant)
			expect(&b, idom2, ret2);
		else
			expect(&b, idom, ret);
		unbuild(&b);
		tb_release(&t);
	}
}

static void test_weakmap_parse(void **state)
{
	uint64_t table = 0;
	size_t dup = 0;
	const char *ok = "12 / part of key (Foo @60) -> value (Bar @70) pair in WeakMap (table @50)";
	const char *odd = "3 / part of key (a (b) @1 -> value (c) @2) -> value (x @3) pair in WeakMap (table @4)";
	(void)state;
	assert_true(hs_weakmap_edge_parse(ok, strlen(ok), &table, &dup));
	assert_int_equal(table, 50);
	assert_int_equal(dup, 2);
	assert_true(hs_weakmap_edge_parse(odd, strlen(odd), &table, &dup));
	assert_int_equal(table, 4);
	assert_false(hs_weakmap_edge_parse("part of key (Foo @60) -> value (Bar @70) pair in WeakMap (table @50)", 69, &table, &dup));
	{
		const char *bad[] = {
			"12 / part of key (Foo @60) -> value (Bar @70) pair in WeakMap (table @)",
			"12 / part of key (Foo @60) -> value (Bar @70) pair in WeakMap (table @50) ",
			"12 / part of key (Foo 60) -> value (Bar @70) pair in WeakMap (table @50)",
			"12 / part of key (Foo @60) -> value (Bar @x) pair in WeakMap (table @50)",
			"x12 / part of key (Foo @60) -> value (Bar @70) pair in WeakMap (table @50)",
			"12 / part of key (Fo\no @60) -> value (Bar @70) pair in WeakMap (table @50)",
			"",
		};
		size_t i;
		for (i = 0; i < sizeof(bad) / sizeof(*bad); i++)
			if (hs_weakmap_edge_parse(bad[i], strlen(bad[i]), &table, &dup))
				fail_msg("'%s' parsed as a WeakMap edge", bad[i]);
	}
}

/* ---- brute-force oracle ------------------------------------------------- */

#define MAXN 64

struct rgraph {
	uint32_t n, m;
	uint64_t self[MAXN];
	uint32_t from[6 * MAXN], to[6 * MAXN];
	const char *type[6 * MAXN];
};

static const char *const etypes[] = { "context", "element", "property", "internal", "hidden", "shortcut", "weak" };

static void random_graph(struct rgraph *g, uint64_t *seed, int root_shortcuts)
{
	uint32_t i, roots;
	g->n = 5 + rnd_below(seed, 36);
	g->m = 0;
	g->self[0] = 0;
	for (i = 1; i < g->n; i++)
		g->self[i] = rnd_below(seed, 5) == 0 ? 0 : 1 + rnd_below(seed, 1000);
	roots = 1 + rnd_below(seed, 4);
	for (i = 0; i < roots; i++) {
		g->from[g->m] = 0;
		g->to[g->m] = rnd_below(seed, g->n);
		g->type[g->m] = root_shortcuts && rnd_below(seed, 2) ? "shortcut"
			: rnd_below(seed, 8) == 0 ? "weak" : "element";
		g->m++;
	}
	{
		uint32_t extra = rnd_below(seed, 3 * g->n);
		for (i = 0; i < extra; i++) {
			uint32_t r = rnd_below(seed, 100);
			g->from[g->m] = rnd_below(seed, g->n);
			g->to[g->m] = rnd_below(seed, 12) == 0 ? g->from[g->m] : rnd_below(seed, g->n);
			g->type[g->m] = r < 15 ? "weak" : r < 25 ? "shortcut" : etypes[rnd_below(seed, 5)];
			if (!root_shortcuts && g->from[g->m] == 0 && !strcmp(g->type[g->m], "shortcut"))
				g->type[g->m] = "element";
			g->m++;
		}
	}
}

static void graph_tb(const struct rgraph *g, struct tb *t)
{
	uint32_t i;
	char name[16];
	tb_init(t);
	tb_node(t, "synthetic", "", 1, 0);
	for (i = 1; i < g->n; i++) {
		snprintf(name, sizeof(name), "N%u", i % 5);
		tb_node(t, i % 7 == 3 ? "hidden" : i % 7 == 5 ? "array" : "object", name, 2 * i + 1, g->self[i]);
	}
	for (i = 0; i < g->m; i++) {
		if (!strcmp(g->type[i], "element") || !strcmp(g->type[i], "hidden"))
			tb_edge_i(t, g->from[i], g->type[i], i, g->to[i]);
		else {
			snprintf(name, sizeof(name), "p%u", i % 4);
			tb_edge(t, g->from[i], g->type[i], name, g->to[i]);
		}
	}
}

struct oracle {
	uint32_t idom[MAXN];
	uint64_t retained[MAXN];
	int step3[MAXN];      /* attached to the root in the last step */
	int any_step3;
};

/* Reachability from the root in G' (adjacency matrix) without node `skip`. */
static uint64_t reach(const uint8_t adj[MAXN][MAXN], uint32_t n, uint32_t skip)
{
	uint32_t stack[MAXN], sp = 0, v, w;
	uint64_t seen = 1;
	stack[sp++] = 0;
	while (sp) {
		v = stack[--sp];
		for (w = 0; w < n; w++)
			if (adj[v][w] && w != skip && !(seen >> w & 1)) {
				seen |= 1ULL << w;
				stack[sp++] = w;
			}
	}
	return seen;
}

static void run_oracle(const struct rgraph *g, struct oracle *o)

{
	uint8_t adj[MAXN][MAXN], ess[6 * MAXN];
	const uint8_t (*cadj)[MAXN] = (const uint8_t (*)[MAXN])adj;
	int page[MAXN], has_ret[MAXN];
	uint64_t reached, dominated_by[MAXN];
	uint32_t n = g->n, i, v, w, stack[MAXN * MAXN], sp = 0;

	memset(adj, 0, sizeof(adj));
	memset(page, 0, sizeof(page));
	memset(has_ret, 0, sizeof(has_ret));
	memset(o, 0, sizeof(*o));
	/* page-owned: reachable, skipping weak edges, from root shortcut targets */
	for (i = 0; i < g->m; i++)
		if (g->from[i] == 0 && !strcmp(g->type[i], "shortcut") && !page[g->to[i]]) {
			page[g->to[i]] = 1;
			stack[sp++] = g->to[i];
		}
	while (sp) {
		v = stack[--sp];
		for (i = 0; i < g->m; i++)
			if (g->from[i] == v && strcmp(g->type[i], "weak") && !page[g->to[i]]) {
				page[g->to[i]] = 1;
				stack[sp++] = g->to[i];
			}
	}
	for (i = 0; i < g->m; i++) {
		uint32_t f = g->from[i], t = g->to[i];
		ess[i] = strcmp(g->type[i], "weak") && f != t &&
			 (f == 0 || (strcmp(g->type[i], "shortcut") && !(page[t] && !page[f])));
		if (ess[i]) {
			adj[f][t] = 1;
			has_ret[t] = 1;
		}
	}
	/* DevTools' treatment of nodes not reachable from the root */
	reached = reach(cadj, n, MAXN);
	for (v = 1; v < n; v++)
		if (!(reached >> v & 1) && !has_ret[v]) {
			adj[0][v] = 1;
			reached = reach(cadj, n, MAXN);
		}
	/* DevTools' last step: every node still unreached gets the root as its
	 * DFS parent, but Lengauer-Tarjan then sees no root predecessor for it
	 * (only orphans get semi = semi(root)), so its semidominator never
	 * reaches below the root and its out-edges cannot lower anyone's:
	 * the result is that of a graph where these nodes hang off the root
	 * with their own out-edges ignored (idom = root, retained = self).
	 * hsnap reproduces DevTools here; see test_last_step_by_hand. */
	for (v = 1; v < n; v++)
		if (!(reached >> v & 1)) {
			o->step3[v] = 1;
			o->any_step3 = 1;
		}
	for (v = 1; v < n; v++)
		if (o->step3[v]) {
			memset(adj[v], 0, sizeof(adj[v]));
			adj[0][v] = 1;
		}
	reached = reach(cadj, n, MAXN);
	assert_int_equal(reached, n == 64 ? ~0ULL : (1ULL << n) - 1);
	/* d dominates v iff v is unreachable without d */
	for (v = 0; v < n; v++)
		dominated_by[v] = v ? 1 : 0; /* the root dominates everything */
	for (w = 1; w < n; w++) {
		uint64_t r = reach(cadj, n, w);
		for (v = 1; v < n; v++)
			if (v != w && !(r >> v & 1))
				dominated_by[v] |= 1ULL << w;
	}
	o->idom[0] = 0;
	for (v = 1; v < n; v++) {
		/* the strict dominator dominated by all the others: the deepest */
		uint32_t best = 0;
		int depth = -1;
		for (w = 0; w < n; w++)
			if (dominated_by[v] >> w & 1) {
				int dd = __builtin_popcountll(dominated_by[w]);
				if (dd > depth) {
					depth = dd;
					best = w;
				}
			}
		o->idom[v] = best;
	}
	for (w = 0; w < n; w++) {
		o->retained[w] = g->self[w];
		for (v = 0; v < n; v++)
			if (v != w && (dominated_by[v] >> w & 1))
				o->retained[w] += g->self[v];
	}
}

static void describe(const struct rgraph *g, char *buf, size_t bl)
{
	size_t off = 0;
	uint32_t i;
	off += (size_t)snprintf(buf + off, bl - off, "n=%u sizes=[", g->n);
	for (i = 0; i < g->n && off < bl; i++)
		off += (size_t)snprintf(buf + off, bl - off, "%s%llu", i ? "," : "", (unsigned long long)g->self[i]);
	off += (size_t)snprintf(buf + off, bl - off, "] edges:");
	for (i = 0; i < g->m && off < bl; i++)
		off += (size_t)snprintf(buf + off, bl - off, " %u-%s->%u", g->from[i], g->type[i], g->to[i]);
}

/* Number of nodes where hsnap and the oracle disagree. */
static int mismatches(const struct rgraph *g, uint32_t *first)
{
	struct tb t;
	struct built b;
	struct oracle o;
	uint32_t v;
	int bad = 0;

	graph_tb(g, &t);
	build(&b, &t, 0);
	tb_release(&t);
	check_dom_tree(&b);
	run_oracle(g, &o);
	for (v = 0; v < g->n; v++)
		if (b.d.idom[v] != o.idom[v] || b.d.retained[v] != o.retained[v]) {
			if (!bad && first)
				*first = v;
			bad++;
		}
	unbuild(&b);
	return bad;
}

/* Greedily drops edges while the disagreement persists, then prints the
 * smallest graph found with both answers for every node. */
static void report_minimal(struct rgraph g, uint64_t seed)
{
	struct tb t;
	struct built b;
	struct oracle o;
	uint32_t i, v;
	char desc[8192];

	for (i = 0; i < g.m;) {
		struct rgraph h = g;
		memmove(h.from + i, h.from + i + 1, (h.m - i - 1) * sizeof(*h.from));
		memmove(h.to + i, h.to + i + 1, (h.m - i - 1) * sizeof(*h.to));
		memmove(h.type + i, h.type + i + 1, (h.m - i - 1) * sizeof(*h.type));
		h.m--;
		if (mismatches(&h, NULL))
			g = h;
		else
			i++;
	}
	describe(&g, desc, sizeof(desc));
	fprintf(stderr, "MISMATCH seed %llu, minimised: %s\n", (unsigned long long)seed, desc);
	graph_tb(&g, &t);
	build(&b, &t, 0);
	tb_release(&t);
	run_oracle(&g, &o);
	for (v = 0; v < g.n; v++)
		if (b.d.idom[v] != o.idom[v] || b.d.retained[v] != o.retained[v])
			fprintf(stderr, "  node %u: hsnap idom %u retained %llu; oracle idom %u retained %llu%s\n",
				v, b.d.idom[v], (unsigned long long)b.d.retained[v], o.idom[v],
				(unsigned long long)o.retained[v], o.step3[v] ? " (attached in the last step)" : "");
	for (v = 0; v < g.n; v++)
		if (o.step3[v])
			fprintf(stderr, "  node %u is attached to the root in the last step\n", v);
	unbuild(&b);
}

/* Compares hsnap with the oracle on `count` seeded random graphs of one kind:
 * last_step = 0: graphs where every node is reached from the root or from a
 * node without essential retainers; last_step = 1: graphs that also have
 * nodes left for the last step (cycles retained only by each other), which
 * the oracle attaches to the root with an edge root->v. */
static void oracle_batch(int root_shortcuts, uint64_t seed0, int count, int last_step)
{
	int done = 0, reported = 0, bad_graphs = 0;
	uint64_t seed;
	for (seed = seed0; done < count; seed++) {
		struct rgraph g;
		struct oracle o;
		uint64_t s = seed;
		random_graph(&g, &s, root_shortcuts);
		run_oracle(&g, &o);
		if (o.any_step3 != last_step)
			continue;
		done++;
		if (mismatches(&g, NULL)) {
			bad_graphs++;
			if (reported++ < 3)
				report_minimal(g, seed);
		}
	}
	fprintf(stderr, "%d random graphs (%s, %s): %d mismatching\n", count,
		root_shortcuts ? "root shortcuts / page-owned rule" : "no root shortcuts",
		last_step ? "with nodes attached to the root in the last step" : "no such nodes",
		bad_graphs);
	assert_int_equal(bad_graphs, 0);
}

static void test_oracle_random(void **state)
{
	(void)state;
	oracle_batch(0, 1000, 1200, 0);
}

static void test_oracle_random_page(void **state)
{
	(void)state;
	oracle_batch(1, 900000, 800, 0);
}

/* The same with the graph built on two threads (hs_graph_count beside
 * hs_graph_mark_pages, then hs_graph_finish's page-owned rule). */
static void test_oracle_random_page_two(void **state)
{
	(void)state;
	build_two = 1;
	oracle_batch(1, 950000, 400, 0);
	build_two = 0;
}

/* Graphs with cycles reachable from nothing (DevTools' last step). */
static void test_oracle_random_last_step(void **state)
{
	(void)state;
	oracle_batch(0, 5000000, 150, 1);
	oracle_batch(1, 7000000, 150, 1);
}

/* DevTools' last step in its smallest form:
 *   0 -> 1 (10) -> 2 (20); 3 (30) <-> 4 (40) a cycle retained by nothing;
 *   3 -> 2.
 * 3 and 4 each have an essential retainer (each other), so neither is an
 * orphan; DevTools attaches them to the root one by one in its last step.
 * Its Lengauer-Tarjan gives them no root predecessor, so the edge 3 -> 2
 * cannot make 2 reachable around 1: idom(2) = 1 (not the root, as a graph
 * with real edges root->3 and root->4 would give), idom(3) = idom(4) = root.
 * Retained by hand: 2 = 20, 1 = 10 + 20 = 30, 3 = 30, 4 = 40, root = 100. */
static void test_last_step_by_hand(void **state)
{
	static const uint64_t sz[] = { 0, 10, 20, 30, 40 };
	static const uint32_t idom[] = { 0, 0, 1, 0, 0 };
	static const uint64_t ret[] = { 100, 30, 20, 30, 40 };
	struct tb t;
	struct built b;
	(void)state;
	tb_init(&t);
	nodes(&t, sz, 5);
	tb_edge_i(&t, 0, "element", 0, 1);
	tb_edge(&t, 1, "property", "x", 2);
	tb_edge(&t, 3, "property", "y", 4);
	tb_edge(&t, 4, "property", "z", 3);
	tb_edge(&t, 3, "property", "x", 2);
	build(&b, &t, 0);
	tb_release(&t);
	{
		/* compare without jumping out, so nothing leaks when it fails */
		char msg[512] = "";
		uint32_t i;
		for (i = 0; i < 5 && !msg[0]; i++)
			if (b.d.idom[i] != idom[i] || b.d.retained[i] != ret[i])
				snprintf(msg, sizeof(msg), "node %u: idom %u retained %llu, expected idom %u retained %llu",
					 i, b.d.idom[i], (unsigned long long)b.d.retained[i], idom[i],
					 (unsigned long long)ret[i]);
		unbuild(&b);
		if (msg[0])
			fail_msg("%s", msg);
	}
}

/* ---- 1,000,000 nodes --------------------------------------------------- */

#define BIG 1000000u

static uint64_t big_size(uint32_t i) { return i ? 1 + i % 7 : 0; }

/* root -> 1 -> 2 -> ... -> BIG-1: idom(k) = k-1, retained(k) = sum of sizes k.. */
static void test_million_chain(void **state)
{
	struct tb t;
	struct built b;
	uint32_t i;
	uint64_t sum = 0;
	(void)state;
	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	for (i = 1; i < BIG; i++) {
		tb_node(&t, "object", "Link", 2 * i + 1, big_size(i));
		tb_edge(&t, i - 1, "property", "next", i);
	}
	build(&b, &t, 0);
	tb_release(&t);
	assert_int_equal(b.s->node_count, BIG);
	for (i = BIG; i-- > 0;) {
		sum += big_size(i);
		if (b.d.retained[i] != sum || b.d.idom[i] != (i ? i - 1 : 0))
			fail_msg("node %u: idom %u retained %llu, expected %u %llu", i, b.d.idom[i],
				 (unsigned long long)b.d.retained[i], i ? i - 1 : 0, (unsigned long long)sum);
	}
	check_dom_tree(&b);
	unbuild(&b);
}

/* root -> BIG-1 -> BIG-2 -> ... -> 1 (edges to lower ordinals), plus a cycle
 * back 1 -> BIG-1: idom(k) = k+1 for k < BIG-1. */
static void test_million_reverse_chain(void **state)
{
	struct tb t;
	struct built b;
	uint32_t i;
	uint64_t sum = 0;
	(void)state;
	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	for (i = 1; i < BIG; i++)
		tb_node(&t, "object", "Link", 2 * i + 1, big_size(i));
	tb_edge_i(&t, 0, "element", 0, BIG - 1);
	for (i = 2; i < BIG; i++)
		tb_edge(&t, i, "property", "prev", i - 1);
	tb_edge(&t, 1, "property", "back", BIG - 1);
	build(&b, &t, 0);
	tb_release(&t);
	for (i = 1; i < BIG; i++) {
		sum += big_size(i);
		if (b.d.retained[i] != sum || b.d.idom[i] != (i == BIG - 1 ? 0 : i + 1))
			fail_msg("node %u: idom %u retained %llu", i, b.d.idom[i], (unsigned long long)b.d.retained[i]);
	}
	assert_int_equal(b.d.retained[0], sum);
	unbuild(&b);
}

/* A 1,000,000-node cycle reachable from nothing: every node is attached to
 * the root on its own (DevTools), retained = self. */
static void test_million_unreachable_cycle(void **state)
{
	struct tb t;
	struct built b;
	uint32_t i;
	uint64_t sum = 0;
	(void)state;
	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	for (i = 1; i < BIG; i++) {
		tb_node(&t, "object", "Ring", 2 * i + 1, big_size(i));
		tb_edge(&t, i, "property", "next", i + 1 < BIG ? i + 1 : 1);
	}
	build(&b, &t, 0);
	tb_release(&t);
	for (i = 1; i < BIG; i++) {
		sum += big_size(i);
		if (b.d.retained[i] != big_size(i) || b.d.idom[i] != 0)
			fail_msg("node %u: idom %u retained %llu", i, b.d.idom[i], (unsigned long long)b.d.retained[i]);
	}
	assert_int_equal(b.d.retained[0], sum);
	assert_int_equal(b.d.unreachable, BIG - 1);
	unbuild(&b);
}

/* root -> each of 1..BIG-1: idom = root, retained = self, root = total. */
static void test_million_fanout(void **state)
{
	struct tb t;
	struct built b;
	uint32_t i;
	uint64_t sum = 0;
	(void)state;
	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	for (i = 1; i < BIG; i++) {
		tb_node(&t, "object", "Leaf", 2 * i + 1, big_size(i));
		tb_edge_i(&t, 0, "element", i, i);
	}
	build(&b, &t, 0);
	tb_release(&t);
	for (i = 1; i < BIG; i++) {
		sum += big_size(i);
		if (b.d.retained[i] != big_size(i) || b.d.idom[i] != 0)
			fail_msg("node %u: idom %u retained %llu", i, b.d.idom[i], (unsigned long long)b.d.retained[i]);
	}
	assert_int_equal(b.d.retained[0], sum);
	assert_int_equal(b.d.dom_first[1] - b.d.dom_first[0], BIG - 1);
	unbuild(&b);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_diamond),
		cmocka_unit_test(test_late_mapper),
		cmocka_unit_test(test_chain),
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_unreachable_cycle),
		cmocka_unit_test(test_shortcut_non_root),
		cmocka_unit_test(test_page_owned),
		cmocka_unit_test(test_single_retainer),
		cmocka_unit_test(test_weakmap),
		cmocka_unit_test(test_weakmap_parse),
		cmocka_unit_test(test_oracle_random),
		cmocka_unit_test(test_oracle_random_page),
		cmocka_unit_test(test_oracle_random_page_two),
		cmocka_unit_test(test_million_chain),
		cmocka_unit_test(test_million_reverse_chain),
		cmocka_unit_test(test_million_unreachable_cycle),
		cmocka_unit_test(test_million_fanout),
	};
	/* Registered as its own ctest entry (dominators_last_step): the oracle
	 * on graphs with cycles retained by nothing, see the report. */
	const struct CMUnitTest last_step[] = {
		cmocka_unit_test(test_last_step_by_hand),
		cmocka_unit_test(test_oracle_random_last_step),
	};
	if (argc > 1 && !strcmp(argv[1], "last-step"))
		return cmocka_run_group_tests_name("last_step", last_step, NULL, NULL);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
