/* Retainer paths (include/hsnap/paths.h) on tiny hand-written graphs: edge
 * labels, BFS-parent shortest paths, k shortest paths, "ignore this retainer",
 * outermost members (all members / per class) and merged paths.  Every
 * expected value is worked out by hand in the comment above the graph; node
 * ordinals are the order of the tb_node calls (0 = root) and edge indices
 * follow from the builder grouping edges by source in insertion order. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"
#include "hsnap/paths.h"

/* ---- helpers ---------------------------------------------------------------- */

struct run {
	struct hs_snapshot *s;
	struct hs_analysis a;
};

/* Loads and analyses the builder's graph, with BFS parent edges. */
static void run(struct run *r, struct tb *t)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	size_t len;
	char *j = tb_json(t, &len);
	memset(&o, 0, sizeof(o));
	o.parent_edges = 1;
	r->s = load_ok(j, len, 0);
	free(j);
	if (hs_analysis_run(&r->a, r->s, &o, &err) != 0)
		fail_msg("analysis failed: %s", err.msg);
	assert_non_null(r->a.parent_edge);
	assert_non_null(r->a.distance);
}

static void unrun(struct run *r)
{
	hs_analysis_release(&r->a);
	hs_snapshot_free(r->s);
}

static uint64_t *bits_new(uint32_t n) { return calloc((size_t)n / 64 + 2, sizeof(uint64_t)); }
static void bit_set(uint64_t *b, uint32_t i) { b[i >> 6] |= (uint64_t)1 << (i & 63); }
static int bit_get(const uint64_t *b, uint32_t i) { return (int)((b[i >> 6] >> (i & 63)) & 1); }

static const char *label(const struct hs_snapshot *s, uint32_t e, int fold)
{
	static char buf[160];
	return hs_edge_label(s, e, fold, buf, sizeof(buf));
}

/* Collects the paths hs_paths_find reports. */
#define MAXP 8
#define MAXL 32
struct paths {
	uint32_t n;
	uint32_t len[MAXP];
	int trunc[MAXP];
	uint32_t e[MAXP][MAXL];
};

static void collect(void *ctx, const uint32_t *edges, uint32_t len, int truncated)
{
	struct paths *p = ctx;
	assert_true(p->n < MAXP);
	assert_true(len <= MAXL);
	p->len[p->n] = len;
	p->trunc[p->n] = truncated;
	memcpy(p->e[p->n], edges, len * sizeof(*edges));
	p->n++;
}

static void expect_path(const struct paths *p, uint32_t i, int trunc, uint32_t len, ...)
{
	va_list ap;
	uint32_t k;
	assert_true(i < p->n);
	assert_int_equal(p->len[i], len);
	assert_int_equal(p->trunc[i], trunc);
	va_start(ap, len);
	for (k = 0; k < len; k++) {
		uint32_t want = va_arg(ap, uint32_t);
		if (p->e[i][k] != want)
			fail_msg("path %u step %u: edge %u, expected %u", i, k, p->e[i][k], want);
	}
	va_end(ap);
}

static void expect_edges(const uint32_t *got, uint32_t len, uint32_t want_len, ...)
{
	va_list ap;
	uint32_t k;
	assert_int_equal(len, want_len);
	va_start(ap, want_len);
	for (k = 0; k < len; k++) {
		uint32_t want = va_arg(ap, uint32_t);
		if (got[k] != want)
			fail_msg("step %u: edge %u, expected %u", k, got[k], want);
	}
	va_end(ap);
}

/* ---- edge labels -------------------------------------------------------------- */

/* root(0) -> A(1) carrying one edge of every type to B(2); C(3) has no edges
 * and D(4) has one edge, so hs_edge_source must skip the edgeless nodes.
 * Edges: 0 root[1]->A; A: 1 ->ctx, 2 [3], 3 .foo, 4 .12, 5 {table}, 6 {7},
 * 7 hidden 5, 8 shortcut sc, 9 weak w, 10 ->0 (context named "0"),
 * 11 .1a, 12 .""; B: none; C: none; D: 13 .back -> A. */
static void test_edge_labels(void **state)
{
	struct tb t;
	struct hs_snapshot *s;
	size_t len;
	char *j, small[4];
	uint32_t e;
	static const uint32_t src[14] = { 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 4 };
	static const char *plain[13] = { NULL, "->ctx", "[3]", ".foo", ".12", "{table}", "{7}",
					 "{5}", ".sc", "[[weak]] w", "->0", ".1a", "." };
	static const char *folded[13] = { NULL, "->ctx", "[]", ".foo", ".#", "{table}", "{#}",
					  "{}", ".sc", "[[weak]] w", "->#", ".1a", "." };
	(void)state;

	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	tb_node(&t, "object", "A", 3, 10);
	tb_node(&t, "object", "B", 5, 10);
	tb_node(&t, "object", "C", 7, 10);
	tb_node(&t, "object", "D", 9, 10);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 1, "context", "ctx", 2);
	tb_edge_i(&t, 1, "element", 3, 2);
	tb_edge(&t, 1, "property", "foo", 2);
	tb_edge(&t, 1, "property", "12", 2);
	tb_edge(&t, 1, "internal", "table", 2);
	tb_edge(&t, 1, "internal", "7", 2);
	tb_edge_i(&t, 1, "hidden", 5, 2);
	tb_edge(&t, 1, "shortcut", "sc", 2);
	tb_edge(&t, 1, "weak", "w", 2);
	tb_edge(&t, 1, "context", "0", 2);
	tb_edge(&t, 1, "property", "1a", 2);
	tb_edge(&t, 1, "property", "", 2);
	tb_edge(&t, 4, "property", "back", 1);
	j = tb_json(&t, &len);
	s = load_ok(j, len, 0);
	free(j);
	tb_release(&t);

	assert_int_equal(s->edge_count, 14);
	for (e = 0; e < 14; e++)
		if (hs_edge_source(s, e) != src[e])
			fail_msg("hs_edge_source(%u) = %u, expected %u", e, hs_edge_source(s, e), src[e]);
	assert_string_equal(label(s, 0, 0), "[1]");
	assert_string_equal(label(s, 0, 1), "[]");
	for (e = 1; e <= 12; e++) {
		if (strcmp(label(s, e, 0), plain[e]))
			fail_msg("edge %u: label '%s', expected '%s'", e, label(s, e, 0), plain[e]);
		if (strcmp(label(s, e, 1), folded[e]))
			fail_msg("edge %u: folded label '%s', expected '%s'", e, label(s, e, 1), folded[e]);
	}
	assert_string_equal(label(s, 13, 0), ".back");
	/* the result is the caller's buffer, NUL-terminated even when too small */
	assert_ptr_equal(hs_edge_label(s, 3, 0, small, sizeof(small)), small);
	assert_string_equal(small, ".fo");
	hs_snapshot_free(s);
}

/* ---- BFS parents and hs_path_shortest ----------------------------------------- */

/* root(0) -[1]-> G(1) "global" (user root, distance 1)
 * G .a -> A(2) .b -> B(3) .c -> C(4) [0] -> D(5)       distances 2, 3, 4, 5
 * root -[2]-> R(6) "(GC roots)" (synthetic: system pass, 100000001)
 * R [0] -> X(7) "system / X" .y -> Y(8) "system / Y"  100000002, 100000003
 * Edges: 0 root->G, 1 root->R, 2 G.a, 3 A.b, 4 B.c, 5 C[0], 6 R[0]->X, 7 X.y */
static void chain_graph(struct tb *t)
{
	tb_init(t);
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "object", "global", 3, 10);
	tb_node(t, "object", "A", 5, 10);
	tb_node(t, "object", "B", 7, 10);
	tb_node(t, "object", "C", 9, 10);
	tb_node(t, "object", "D", 11, 10);
	tb_node(t, "synthetic", "(GC roots)", 13, 0);
	tb_node(t, "hidden", "system / X", 15, 10);
	tb_node(t, "hidden", "system / Y", 17, 10);
	tb_edge_i(t, 0, "element", 1, 1);
	tb_edge_i(t, 0, "element", 2, 6);
	tb_edge(t, 1, "property", "a", 2);
	tb_edge(t, 2, "property", "b", 3);
	tb_edge(t, 3, "property", "c", 4);
	tb_edge_i(t, 4, "element", 0, 5);
	tb_edge_i(t, 6, "element", 0, 7);
	tb_edge(t, 7, "property", "y", 8);
}

static void test_path_shortest(void **state)
{
	struct tb t;
	struct run r;
	const struct hs_snapshot *s;
	int32_t *dist;
	uint32_t *par, out[16], len;
	int trunc;
	static const int32_t want_dist[9] = { 100000000, 1, 2, 3, 4, 5, 100000001, 100000002,
					      100000003 };
	static const uint32_t want_par[9] = { HS_NO_EDGE, HS_NO_EDGE, 2, 3, 4, 5, 1, 6, 7 };
	uint32_t n;
	(void)state;

	chain_graph(&t);
	run(&r, &t);
	tb_release(&t);
	s = r.s;
	dist = calloc(s->node_count, sizeof(*dist));
	par = calloc(s->node_count, sizeof(*par));
	hs_distances_ex(s, dist, par, NULL);
	for (n = 0; n < 9; n++) {
		if (dist[n] != want_dist[n])
			fail_msg("distance of %u: %d, expected %d", n, dist[n], want_dist[n]);
		if (par[n] != want_par[n])
			fail_msg("parent edge of %u: %u, expected %u", n, par[n], want_par[n]);
		/* the analysis keeps the same parents */
		assert_int_equal(r.a.parent_edge[n], want_par[n]);
	}

	/* D: G.a A.b B.c C[0], from the user root down; nothing above G */
	trunc = -1;
	len = hs_path_shortest(s, par, 5, 16, out, &trunc);
	expect_edges(out, len, 4, 2, 3, 4, 5);
	assert_int_equal(trunc, 0);
	/* exactly max_depth edges: not truncated */
	len = hs_path_shortest(s, par, 5, 4, out, &trunc);
	expect_edges(out, len, 4, 2, 3, 4, 5);
	assert_int_equal(trunc, 0);
	/* cut: the edges nearest the target stay */
	len = hs_path_shortest(s, par, 5, 3, out, &trunc);
	expect_edges(out, len, 3, 3, 4, 5);
	assert_int_equal(trunc, 1);
	len = hs_path_shortest(s, par, 5, 2, out, &trunc);
	expect_edges(out, len, 2, 4, 5);
	assert_int_equal(trunc, 1);
	len = hs_path_shortest(s, par, 5, 1, out, &trunc);
	expect_edges(out, len, 1, 5);
	assert_int_equal(trunc, 1);
	/* A: one edge; G itself: empty (a user root has no parent) */
	len = hs_path_shortest(s, par, 2, 16, out, &trunc);
	expect_edges(out, len, 1, 2);
	len = hs_path_shortest(s, par, 1, 16, out, &trunc);
	assert_int_equal(len, 0);
	assert_int_equal(trunc, 0);
	/* system pass: Y's BFS chain is root->R->X->Y; the root's edge is not a
	 * step, the path starts at (GC roots) */
	len = hs_path_shortest(s, par, 8, 16, out, &trunc);
	expect_edges(out, len, 2, 6, 7);
	assert_int_equal(trunc, 0);
	len = hs_path_shortest(s, par, 6, 16, out, &trunc);
	assert_int_equal(len, 0);
	assert_int_equal(trunc, 0);
	/* the truncation at a root child does not count as a cut */
	len = hs_path_shortest(s, par, 8, 2, out, &trunc);
	expect_edges(out, len, 2, 6, 7);
	assert_int_equal(trunc, 0);
	assert_string_equal(hs_path_node_name(&r.a, 6), "(GC roots)");
	assert_string_equal(hs_path_node_name(&r.a, 2), "A");

	free(dist);
	free(par);
	unrun(&r);
}

/* ---- user-level shortest paths ------------------------------------------- */

/* Two shortest paths to T and to T2; the BFS meets the internal ones first.
 * root(0) -[1]-> G(1) "global"                                   distance 1
 * G {a} -> H(2) "system / H" (hidden), G .b -> B(3), G .c -> C(6),
 * G .d -> D(7), G {i} -> X(9) "system / X" (hidden), G .y -> Y(10)  distance 2
 * H {x} -> T(4), B .t -> T; T .v -> V(5)                          3, 4
 * C .e -> E(8), D .e -> E                                         3
 * X .t -> T2(11), Y {j} -> T2                                     3
 * Edges: 0 root->G; G: 1 {a}, 2 .b, 3 .c, 4 .d, 5 {i}, 6 .y; 7 H{x}; 8 B.t;
 * 9 T.v; 10 C.e; 11 D.e; 12 X.t; 13 Y{j}.
 * Cost of a path: one per internal/hidden/shortcut edge, one per hidden,
 * code, (array), shape or synthetic node entered.
 * T:  {a} H {x} = 1+1 + 1 = 3, .b B .t = 0: parent 8 (the BFS took 7).
 * V:  below T, so its path is .b .t .v.
 * E:  .c .e = .d .e = 0: a tie keeps the BFS parent 10.
 * T2: {i} X .t = 1+1 + 0 = 2, .y Y {j} = 0 + 1 = 1: parent 13 (the BFS took
 *     12; the last edge alone, .t over {j}, would choose wrong).
 * Distances do not change. */
static void prefer_graph(struct tb *t)
{
	tb_init(t);
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "object", "global", 3, 10);
	tb_node(t, "hidden", "system / H", 5, 10);
	tb_node(t, "object", "B", 7, 10);
	tb_node(t, "object", "T", 9, 10);
	tb_node(t, "object", "V", 11, 10);
	tb_node(t, "object", "C", 13, 10);
	tb_node(t, "object", "D", 15, 10);
	tb_node(t, "object", "E", 17, 10);
	tb_node(t, "hidden", "system / X", 19, 10);
	tb_node(t, "object", "Y", 21, 10);
	tb_node(t, "object", "T2", 23, 10);
	tb_edge_i(t, 0, "element", 1, 1);
	tb_edge(t, 1, "internal", "a", 2);
	tb_edge(t, 1, "property", "b", 3);
	tb_edge(t, 1, "property", "c", 6);
	tb_edge(t, 1, "property", "d", 7);
	tb_edge(t, 1, "internal", "i", 9);
	tb_edge(t, 1, "property", "y", 10);
	tb_edge(t, 2, "internal", "x", 4);
	tb_edge(t, 3, "property", "t", 4);
	tb_edge(t, 4, "property", "v", 5);
	tb_edge(t, 6, "property", "e", 8);
	tb_edge(t, 7, "property", "e", 8);
	tb_edge(t, 9, "property", "t", 11);
	tb_edge(t, 10, "internal", "j", 11);
}

/* prefer_graph's distances and preferred parent edges, worked out above */
static const int32_t prefer_dist[12] = { 100000000, 1, 2, 2, 3, 4, 2, 2, 3, 2, 2, 3 };
static const uint32_t prefer_par[12] = { HS_NO_EDGE, HS_NO_EDGE, 1, 2, 8, 9, 3, 4, 10, 5, 6, 13 };

static void test_prefer_user(void **state)
{
	struct tb t;
	struct run r;
	const struct hs_snapshot *s;
	int32_t *dist;
	uint32_t *par, out[16], len, n;
	int trunc;
	const int32_t *want_dist = prefer_dist;
	const uint32_t *want_par = prefer_par;
	int c;
	(void)state;

	prefer_graph(&t);
	run(&r, &t);
	tb_release(&t);
	s = r.s;
	dist = calloc(s->node_count, sizeof(*dist));
	par = calloc(s->node_count, sizeof(*par));
	hs_distances_ex(s, dist, par, NULL);
	for (n = 0; n < 12; n++) {
		if (dist[n] != want_dist[n])
			fail_msg("distance of %u: %d, expected %d", n, dist[n], want_dist[n]);
		if (par[n] != want_par[n])
			fail_msg("parent edge of %u: %u, expected %u", n, par[n], want_par[n]);
		assert_int_equal(r.a.parent_edge[n], want_par[n]);
	}
	len = hs_path_shortest(s, par, 5, 16, out, &trunc);
	expect_edges(out, len, 3, 2, 8, 9);
	len = hs_path_shortest(s, par, 11, 16, out, &trunc);
	expect_edges(out, len, 2, 6, 13);
	/* a second run changes nothing (the choice is a fixed point) */
	hs_paths_prefer_user(s, dist, par);
	for (n = 0; n < 12; n++)
		assert_int_equal(par[n], want_par[n]);
	/* The BFS parent of a node that is not one step nearer a root (only a
	 * hostile or odd graph gives one; the cost pass does not follow it): it is
	 * kept when a path over it costs no more than the cheapest one-step-nearer
	 * path, else the node takes that path.  prefer_graph's results as input, with
	 * C(6) changed:
	 * 1. C a root at distance 1 (no parent, cost 0): E(8)'s parent .e from C
	 *    (edge 10) costs 0, as D .e (11) does: E keeps 10.
	 * 2. C at distance 3 with its parent G .c (3): G is not one step nearer, so
	 *    C's cost is unknown (0xffff) and its .e is no path; E (distance 3) takes
	 *    the first cheapest one step nearer, D .e (11).  C keeps 3: no edge into
	 *    it is one step nearer. */
	for (c = 1; c <= 2; c++) {
		memcpy(dist, prefer_dist, sizeof(*dist) * 12);
		memcpy(par, prefer_par, sizeof(*par) * 12);
		dist[6] = c == 1 ? 1 : 3;
		if (c == 1)
			par[6] = HS_NO_EDGE;
		hs_paths_prefer_user(s, dist, par);
		for (n = 0; n < 12; n++) {
			uint32_t want = n == 6 ? (c == 1 ? HS_NO_EDGE : 3u) : n == 8 ? (c == 1 ? 10u : 11u) : prefer_par[n];
			if (par[n] != want)
				fail_msg("case %d: parent edge of %u: %u, expected %u", c, n, par[n], want);
		}
	}
	free(dist);
	free(par);
	unrun(&r);
}

/* hs_distances_ex makes hs_paths_prefer_user's choice while its BFS runs
 * (the cost pass beside the queue); hs_distances_bfs gives the BFS alone, and
 * hs_paths_prefer_user after it the choice from the distances sorted.  The
 * two must agree on every node of seeded random graphs that have what either
 * order could trip on: edges into the root (its user-pass distance is not
 * its last), user roots and GC-root-like synthetic nodes, weak edges, the
 * BFS's filters (sloppy_function_map, '(map descriptors)', WeakMap pairs),
 * hidden and code nodes (step costs) and ignored nodes. */
static void test_prefer_beside_bfs(void **state)
{
	static const char *const etype[] = { "property", "element", "internal", "hidden", "shortcut", "weak", "context" };
	static const char *const ntype[] = { "object", "hidden", "code", "array", "closure", "synthetic", "string" };
	uint64_t seed = 77;
	int g, changed = 0, into_root = 0;
	(void)state;

	for (g = 0; g < 3000; g++) {
		struct tb t;
		struct hs_snapshot *s;
		size_t len;
		char *j, name[96];
		uint32_t n = 4 + rnd_below(&seed, 30), m, i, k;
		int32_t *d1, *d2;
		uint32_t *p1, *p2, *bfs;
		uint64_t *ign = NULL;

		tb_init(&t);
		tb_node(&t, "synthetic", "", 1, 0);
		for (i = 1; i < n; i++) {
			uint32_t ty = rnd_below(&seed, 7);
			const char *nm = ty == 3 && rnd_below(&seed, 3) == 0 ? "(map descriptors)"
				: ty == 1 && rnd_below(&seed, 3) == 0 ? "system / NativeContext"
				: ty == 5 ? "(GC roots)" : "N";
			tb_node(&t, ntype[ty], nm, 2 * i + 1, 1 + rnd_below(&seed, 50));
		}
		m = 1 + rnd_below(&seed, 4 * n);
		for (k = 0; k < m; k++) {
			uint32_t from = k < 3 ? 0 : rnd_below(&seed, n), to = rnd_below(&seed, n);
			const char *et = etype[rnd_below(&seed, 7)];
			if (to == 0 && from)
				into_root++;
			if (!strcmp(et, "element") || !strcmp(et, "hidden")) {
				tb_edge_i(&t, from, et, rnd_below(&seed, 8), to);
				continue;
			}
			switch (rnd_below(&seed, 6)) {
			case 0:
				snprintf(name, sizeof(name), "sloppy_function_map");
				break;
			case 1:
				snprintf(name, sizeof(name), "%u / part of key (N @%u) -> value (N @%u) pair in WeakMap (table @%u)",
					 rnd_below(&seed, 4), 2 * rnd_below(&seed, n) + 1, 2 * rnd_below(&seed, n) + 1,
					 2 * rnd_below(&seed, n) + 1);
				break;
			default:
				snprintf(name, sizeof(name), "p%u", rnd_below(&seed, 5));
			}
			tb_edge(&t, from, et, name, to);
		}
		j = tb_json(&t, &len);
		s = load_ok(j, len, 0);
		free(j);
		tb_release(&t);
		n = s->node_count;
		d1 = calloc(n, sizeof(*d1));
		d2 = calloc(n, sizeof(*d2));
		p1 = calloc(n, sizeof(*p1));
		p2 = calloc(n, sizeof(*p2));
		bfs = calloc(n, sizeof(*bfs));
		if (g % 4 == 3) {
			ign = bits_new(n);
			bit_set(ign, 1 + rnd_below(&seed, n - 1));
		}
		hs_distances_ex(s, d1, p1, ign);
		hs_distances_bfs(s, d2, p2, ign);
		memcpy(bfs, p2, sizeof(*bfs) * n);
		hs_paths_prefer_user(s, d2, p2);
		for (i = 0; i < n; i++) {
			if (d1[i] != d2[i])
				fail_msg("graph %d node %u: distance %d beside, %d alone", g, i, d1[i], d2[i]);
			if (p1[i] != p2[i])
				fail_msg("graph %d node %u: parent edge %u beside the BFS, %u after it", g, i, p1[i], p2[i]);
		}
		for (i = 0; i < n; i++)
			if (bfs[i] != p2[i]) {
				changed++;
				break;
			}
		free(ign);
		ign = NULL;
		free(d1);
		free(d2);
		free(p1);
		free(p2);
		free(bfs);
		hs_snapshot_free(s);
	}
	/* the choice changed some BFS parents, and roots were retained: the
	 * comparison covered what it is for */
	fprintf(stderr, "3000 random graphs: %d with a parent changed by the choice, %d edges into the root\n",
		changed, into_root);
	assert_true(changed > 100);
	assert_true(into_root > 100);
}

/* ---- shared prefixes --------------------------------------------------------- */

/* root(0) -[1]-> G(1) "global" .list -> A(2) "Array" [0] -> X1(3) "Item",
 * [1] -> X2(4) "Item"; X1 .v -> V1(5) "Val", X1 .w -> W(7) "W", X2 .v -> V2(6)
 * "Val".  Edges: 0 root->G, 1 G.list, 2 A[0], 3 A[1], 4 X1.v, 5 X1.w, 6 X2.v.
 * Paths: V1 [1 2 4], V2 [1 3 6], W [1 2 5], A [1].
 * V1 and V2: one edge in common (.list); as printed merged (indices folded:
 * global .list Array [] Item .v Val) all three steps.  V1 and W: two edges,
 * and folded also two (.v is not .w). */
static void test_common_prefix(void **state)
{
	struct tb t;
	struct run r;
	static const uint32_t v1[] = { 1, 2, 4 }, v2[] = { 1, 3, 6 }, w[] = { 1, 2, 5 }, pa[] = { 1 };
	struct hs_path_ref ref;
	(void)state;

	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	tb_node(&t, "object", "global", 3, 10);
	tb_node(&t, "object", "Array", 5, 10);
	tb_node(&t, "object", "Item", 7, 10);
	tb_node(&t, "object", "Item", 9, 10);
	tb_node(&t, "object", "Val", 11, 10);
	tb_node(&t, "object", "Val", 13, 10);
	tb_node(&t, "object", "W", 15, 10);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 1, "property", "list", 2);
	tb_edge_i(&t, 2, "element", 0, 3);
	tb_edge_i(&t, 2, "element", 1, 4);
	tb_edge(&t, 3, "property", "v", 5);
	tb_edge(&t, 3, "property", "w", 7);
	tb_edge(&t, 4, "property", "v", 6);
	run(&r, &t);
	tb_release(&t);

	assert_int_equal(hs_path_common_prefix(&r.a, v1, 3, 0, v2, 3, 0, 0), 1);
	assert_int_equal(hs_path_common_prefix(&r.a, v1, 3, 0, v2, 3, 0, 1), 3);
	assert_int_equal(hs_path_common_prefix(&r.a, v1, 3, 0, w, 3, 0, 0), 2);
	assert_int_equal(hs_path_common_prefix(&r.a, v1, 3, 0, w, 3, 0, 1), 2);
	assert_int_equal(hs_path_common_prefix(&r.a, w, 3, 0, v1, 3, 0, 1), 2);
	assert_int_equal(hs_path_common_prefix(&r.a, v1, 3, 0, pa, 1, 0, 1), 1);
	assert_int_equal(hs_path_common_prefix(&r.a, v1, 3, 0, v1, 3, 0, 0), 3);
	/* a truncated path does not start at a root */
	assert_int_equal(hs_path_common_prefix(&r.a, v1, 3, 1, v2, 3, 0, 1), 0);
	assert_int_equal(hs_path_common_prefix(&r.a, v1, 3, 0, v1, 3, 1, 0), 0);
	assert_int_equal(hs_path_common_prefix(&r.a, v1, 0, 0, v2, 3, 0, 1), 0);

	/* the first path is the reference; the last step is never shared */
	memset(&ref, 0, sizeof(ref));
	ref.fold = 1;
	assert_int_equal(hs_path_ref_shared(&ref, &r.a, v1, 3, 0), 0);
	assert_int_equal(hs_path_ref_shared(&ref, &r.a, v2, 3, 0), 2);
	assert_int_equal(hs_path_ref_shared(&ref, &r.a, w, 3, 0), 2);
	assert_int_equal(hs_path_ref_shared(&ref, &r.a, pa, 1, 0), 0);
	assert_int_equal(hs_path_ref_shared(&ref, &r.a, v1, 3, 0), 2);
	hs_path_ref_release(&ref);
	ref.fold = 0;
	assert_int_equal(hs_path_ref_shared(&ref, &r.a, w, 3, 0), 0);
	assert_int_equal(hs_path_ref_shared(&ref, &r.a, v1, 3, 0), 2);
	assert_int_equal(hs_path_ref_shared(&ref, &r.a, v2, 3, 0), 1);
	assert_int_equal(hs_path_ref_shared(&ref, &r.a, v2, 3, 1), 0);
	hs_path_ref_release(&ref);
	unrun(&r);
}

/* ---- k shortest paths -------------------------------------------------------- */

/* A diamond with extras:
 * root(0) -[1]-> G(1) "global"                       distance 1
 * G .left -> L(2), G .right -> R(3), G {m} -> M(4)   distance 2
 * L .t -> T(5), R .t -> T, M {x} -> T                T: distance 3
 * G [[weak]] w -> T (skipped: otherwise T would be at distance 2)
 * G [[weak]] u -> U(6): U is only weakly held, unreachable
 * root -[2]-> S(7) "(GC roots)" [0] -> Z(8) "system / Z"
 * Edge indices: 0 root->G, 1 root->S, 2 G.left, 3 G.right, 4 G{m},
 * 5 G weak w, 6 G weak u, 7 L.t, 8 R.t, 9 M{x}, 10 S[0]->Z.
 * Paths to T: equally short via L, R, M; the named JS references (.t) rank
 * before the internal {x}, ties by edge index: [2,7], [3,8], [4,9]. */
static void diamond_graph(struct tb *t)
{
	tb_init(t);
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "object", "global", 3, 10);
	tb_node(t, "object", "L", 5, 10);
	tb_node(t, "object", "R", 7, 10);
	tb_node(t, "object", "M", 9, 10);
	tb_node(t, "object", "T", 11, 10);
	tb_node(t, "object", "U", 13, 10);
	tb_node(t, "synthetic", "(GC roots)", 15, 0);
	tb_node(t, "hidden", "system / Z", 17, 10);
	tb_edge_i(t, 0, "element", 1, 1);
	tb_edge_i(t, 0, "element", 2, 7);
	tb_edge(t, 1, "property", "left", 2);
	tb_edge(t, 1, "property", "right", 3);
	tb_edge(t, 1, "internal", "m", 4);
	tb_edge(t, 1, "weak", "w", 5);
	tb_edge(t, 1, "weak", "u", 6);
	tb_edge(t, 2, "property", "t", 5);
	tb_edge(t, 3, "property", "t", 5);
	tb_edge(t, 4, "internal", "x", 5);
	tb_edge_i(t, 7, "element", 0, 8);
}

static void test_paths_find(void **state)
{
	struct tb t;
	struct run r;
	const struct hs_snapshot *s;
	struct hs_retainer_index ri;
	struct paths p;
	const int32_t *dist;
	(void)state;

	diamond_graph(&t);
	run(&r, &t);
	tb_release(&t);
	s = r.s;
	dist = r.a.distance;
	assert_int_equal(dist[5], 3);
	assert_int_equal(dist[6], HS_NO_DISTANCE);
	hs_retainer_index_build(&ri, s);
	/* retainers shown: weak edges and edges from the root are not */
	assert_int_equal(ri.first[2] - ri.first[1], 0);   /* G: only the root */
	assert_int_equal(ri.first[6] - ri.first[5], 3);   /* T: L, R, M (not G's weak) */
	assert_int_equal(ri.first[7] - ri.first[6], 0);   /* U: weak only */
	assert_int_equal(ri.first[8] - ri.first[7], 0);   /* S: root only */

	/* the two equally short property paths, then the internal one */
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 5, 2, 16, collect, &p), 2);
	assert_int_equal(p.n, 2);
	expect_path(&p, 0, 0, 2, 2, 7);
	expect_path(&p, 1, 0, 2, 3, 8);
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 5, 8, 16, collect, &p), 3);
	expect_path(&p, 0, 0, 2, 2, 7);
	expect_path(&p, 1, 0, 2, 3, 8);
	expect_path(&p, 2, 0, 2, 4, 9);
	/* stops at k */
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 5, 1, 16, collect, &p), 1);
	assert_int_equal(p.n, 1);
	expect_path(&p, 0, 0, 2, 2, 7);
	/* k = 0: nothing */
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 5, 0, 16, collect, &p), 0);
	assert_int_equal(p.n, 0);
	/* depth 1: the last step only, truncated, still distinct */
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 5, 8, 1, collect, &p), 3);
	expect_path(&p, 0, 1, 1, 7);
	expect_path(&p, 1, 1, 1, 8);
	expect_path(&p, 2, 1, 1, 9);
	/* unreachable (weakly held only): 0, callback never called */
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 6, 3, 16, collect, &p), 0);
	assert_int_equal(p.n, 0);
	/* a system-pass node: the root's edge to (GC roots) is not a step */
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 8, 3, 16, collect, &p), 1);
	expect_path(&p, 0, 0, 1, 10);
	/* L: one step from the user root */
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 2, 3, 16, collect, &p), 1);
	expect_path(&p, 0, 0, 1, 2);

	hs_retainer_index_release(&ri);
	unrun(&r);
}

/* A longer chain for the depth cap of hs_paths_find (chain_graph):
 * D's only path is G.a A.b B.c C[0] (edges 2 3 4 5). */
static void test_paths_find_depth(void **state)
{
	struct tb t;
	struct run r;
	struct hs_retainer_index ri;
	struct paths p;
	(void)state;

	chain_graph(&t);
	run(&r, &t);
	tb_release(&t);
	hs_retainer_index_build(&ri, r.s);
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(r.s, &ri, r.a.distance, 5, 3, 16, collect, &p), 1);
	expect_path(&p, 0, 0, 4, 2, 3, 4, 5);
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(r.s, &ri, r.a.distance, 5, 3, 4, collect, &p), 1);
	expect_path(&p, 0, 0, 4, 2, 3, 4, 5);
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(r.s, &ri, r.a.distance, 5, 3, 2, collect, &p), 1);
	expect_path(&p, 0, 1, 2, 4, 5);
	/* Y in the system pass: X.y after (GC roots)[0] */
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(r.s, &ri, r.a.distance, 8, 3, 16, collect, &p), 1);
	expect_path(&p, 0, 0, 2, 6, 7);
	hs_retainer_index_release(&ri);
	unrun(&r);
}

/* ---- ignore this retainer ----------------------------------------------------- */

/* root(0) -[1]-> G(1) "global"
 * G .a -> A(2) .x -> T(5)              T at distance 3 through A
 * G .b -> B(3) .c -> C(4) .y -> T      the longer way, distance 4
 * Edges: 0 root->G, 1 G.a, 2 G.b, 3 A.x, 4 B.c, 5 C.y.
 * Ignoring A: A is not entered (no distance), T is reached through C at 4
 * and its path becomes G.b B.c C.y; ignoring A and B leaves T unreachable. */
static void test_distances_ignore(void **state)
{
	struct tb t;
	struct run r;
	const struct hs_snapshot *s;
	struct hs_retainer_index ri;
	struct paths p;
	int32_t *dist;
	uint32_t *par, out[16], len;
	uint64_t *ign;
	int trunc;
	(void)state;

	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	tb_node(&t, "object", "global", 3, 10);
	tb_node(&t, "object", "A", 5, 10);
	tb_node(&t, "object", "B", 7, 10);
	tb_node(&t, "object", "C", 9, 10);
	tb_node(&t, "object", "T", 11, 10);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 1, "property", "a", 2);
	tb_edge(&t, 1, "property", "b", 3);
	tb_edge(&t, 2, "property", "x", 5);
	tb_edge(&t, 3, "property", "c", 4);
	tb_edge(&t, 4, "property", "y", 5);
	run(&r, &t);
	tb_release(&t);
	s = r.s;
	dist = calloc(s->node_count, sizeof(*dist));
	par = calloc(s->node_count, sizeof(*par));

	hs_distances_ex(s, dist, par, NULL);
	assert_int_equal(dist[5], 3);
	assert_int_equal(par[5], 3);
	len = hs_path_shortest(s, par, 5, 16, out, &trunc);
	expect_edges(out, len, 2, 1, 3);

	ign = bits_new(s->node_count);
	bit_set(ign, 2);
	hs_distances_ex(s, dist, par, ign);
	assert_int_equal(dist[2], HS_NO_DISTANCE);
	assert_int_equal(par[2], HS_NO_EDGE);
	assert_int_equal(dist[3], 2);
	assert_int_equal(dist[4], 3);
	assert_int_equal(dist[5], 4);
	assert_int_equal(par[5], 5);
	len = hs_path_shortest(s, par, 5, 16, out, &trunc);
	expect_edges(out, len, 3, 2, 4, 5);
	assert_int_equal(trunc, 0);
	/* the alternative paths over the rerouted distances */
	hs_retainer_index_build(&ri, s);
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 5, 3, 16, collect, &p), 1);
	expect_path(&p, 0, 0, 3, 2, 4, 5);

	bit_set(ign, 3);
	hs_distances_ex(s, dist, par, ign);
	assert_int_equal(dist[5], HS_NO_DISTANCE);
	assert_int_equal(par[5], HS_NO_EDGE);
	assert_int_equal(dist[1], 1);
	memset(&p, 0, sizeof(p));
	assert_int_equal(hs_paths_find(s, &ri, dist, 5, 3, 16, collect, &p), 0);

	hs_retainer_index_release(&ri);
	free(ign);
	free(dist);
	free(par);
	unrun(&r);
}

/* ---- outermost members -------------------------------------------------------- */

/* root(0) -[1]-> G(1) "global" .h -> H(2) "Holder"
 * H .a -> X1(3) Item; X1 .child -> X2(4) Item; X2 .w -> W(5) Wrapper;
 * W .inner -> X3(6) Item
 * H .b -> Y1(7) Other; Y1 .item -> X4(8) Item
 * H .c -> Y2(9) Other; Y2 .o -> Y3(10) Other
 * X1 .s -> X5(11) Item and Y1 .s -> X5: X5's immediate dominator is H.
 * Dominator tree: H -> {X1, Y1, Y2, X5}; X1 -> X2 -> W -> X3; Y1 -> X4;
 * Y2 -> Y3.
 * members = all Item and Other:
 *   outermost:          X1, Y1, Y2, X5 (X2, X3 under X1; X4 under Y1; Y3 under Y2)
 *   outermost by class: Item X1, X4 (only an Other above it), X5; Other Y1, Y2
 * members = {X2, X3}: X2 only. */
static void test_outermost(void **state)
{
	struct tb t;
	struct run r;
	uint64_t *members, *outer;
	uint32_t n, nn;
	static const uint32_t all[] = { 3, 4, 6, 7, 8, 9, 10, 11 };
	static const int want_outer[12] = { 0, 0, 0, 1, 0, 0, 0, 1, 0, 1, 0, 1 };
	static const int want_class[12] = { 0, 0, 0, 1, 0, 0, 0, 1, 1, 1, 0, 1 };
	(void)state;

	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	tb_node(&t, "object", "global", 3, 10);
	tb_node(&t, "object", "Holder", 5, 10);
	tb_node(&t, "object", "Item", 7, 10);
	tb_node(&t, "object", "Item", 9, 10);
	tb_node(&t, "object", "Wrapper", 11, 10);
	tb_node(&t, "object", "Item", 13, 10);
	tb_node(&t, "object", "Other", 15, 10);
	tb_node(&t, "object", "Item", 17, 10);
	tb_node(&t, "object", "Other", 19, 10);
	tb_node(&t, "object", "Other", 21, 10);
	tb_node(&t, "object", "Item", 23, 10);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 1, "property", "h", 2);
	tb_edge(&t, 2, "property", "a", 3);
	tb_edge(&t, 2, "property", "b", 7);
	tb_edge(&t, 2, "property", "c", 9);
	tb_edge(&t, 3, "property", "child", 4);
	tb_edge(&t, 3, "property", "s", 11);
	tb_edge(&t, 4, "property", "w", 5);
	tb_edge(&t, 5, "property", "inner", 6);
	tb_edge(&t, 7, "property", "item", 8);
	tb_edge(&t, 7, "property", "s", 11);
	tb_edge(&t, 9, "property", "o", 10);
	run(&r, &t);
	tb_release(&t);
	nn = r.s->node_count;
	assert_int_equal(nn, 12);
	/* the dominator tree the expectations rest on */
	assert_int_equal(r.a.dom.idom[11], 2);
	assert_int_equal(r.a.dom.idom[6], 5);
	assert_int_equal(r.a.dom.idom[8], 7);
	/* class ids: the same for every Item, another for every Other */
	assert_int_equal(r.a.classes.class_of[3], r.a.classes.class_of[11]);
	assert_int_equal(r.a.classes.class_of[7], r.a.classes.class_of[10]);
	assert_int_not_equal(r.a.classes.class_of[3], r.a.classes.class_of[7]);

	members = bits_new(nn);
	for (n = 0; n < sizeof(all) / sizeof(*all); n++)
		bit_set(members, all[n]);
	outer = bits_new(nn);
	hs_outermost_members(&r.a.dom, r.s->root, nn, members, outer);
	for (n = 0; n < nn; n++)
		if (bit_get(outer, n) != want_outer[n])
			fail_msg("outermost member %u: %d, expected %d", n, bit_get(outer, n), want_outer[n]);
	free(outer);

	outer = bits_new(nn);
	hs_outermost_by_class(&r.a.dom, r.s->root, nn, members, r.a.classes.class_of,
			      r.a.classes.names.count, outer);
	for (n = 0; n < nn; n++)
		if (bit_get(outer, n) != want_class[n])
			fail_msg("outermost by class %u: %d, expected %d", n, bit_get(outer, n), want_class[n]);
	free(outer);
	free(members);

	/* {X2, X3}: X3 is below X2 (through W, not a member) */
	members = bits_new(nn);
	bit_set(members, 4);
	bit_set(members, 6);
	outer = bits_new(nn);
	hs_outermost_members(&r.a.dom, r.s->root, nn, members, outer);
	for (n = 0; n < nn; n++)
		assert_int_equal(bit_get(outer, n), n == 4);
	free(outer);
	outer = bits_new(nn);
	hs_outermost_by_class(&r.a.dom, r.s->root, nn, members, r.a.classes.class_of,
			      r.a.classes.names.count, outer);
	for (n = 0; n < nn; n++)
		assert_int_equal(bit_get(outer, n), n == 4);
	free(outer);
	free(members);
	unrun(&r);
}

/* ---- merged paths ------------------------------------------------------------- */

/* root(0) -[1]-> G(1) "global" (self 10)
 * G .items -> Arr(2) "Array" (self 16); Arr [0] -> C1(3), [1] -> C2(4),
 * [2] -> C3(5); G .extra -> C4(6); every C is "Conn", self 50
 * Ci .buf -> Bi "Buf": B1(7) self 10, B2(8) 20, B3(9) 30, B4(10) 200
 * Retained: C1 60, C2 70, C3 80, C4 250.
 * Merging C1..C4: shape global.items Array[] Conn: count 3, self 150,
 * retained 210; shape global.extra Conn: count 1, self 50, retained 250;
 * sorted by retained: .extra first.  With outer = {C1, C3, C4}: 140 and 250.
 * Merging B1..B4: Conn.buf after each; groups of 3 (60) and 1 (200). */
static void test_merge_paths(void **state)
{
	struct tb t;
	struct run r;
	struct hs_path_groups g;
	uint64_t *outer;
	char lb[64];
	static const uint32_t conns[4] = { 3, 6, 4, 5 };
	static const uint32_t bufs[4] = { 7, 8, 9, 10 };
	(void)state;

	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	tb_node(&t, "object", "global", 3, 10);
	tb_node(&t, "object", "Array", 5, 16);
	tb_node(&t, "object", "Conn", 7, 50);
	tb_node(&t, "object", "Conn", 9, 50);
	tb_node(&t, "object", "Conn", 11, 50);
	tb_node(&t, "object", "Conn", 13, 50);
	tb_node(&t, "object", "Buf", 15, 10);
	tb_node(&t, "object", "Buf", 17, 20);
	tb_node(&t, "object", "Buf", 19, 30);
	tb_node(&t, "object", "Buf", 21, 200);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 1, "property", "items", 2);
	tb_edge(&t, 1, "property", "extra", 6);
	tb_edge_i(&t, 2, "element", 0, 3);
	tb_edge_i(&t, 2, "element", 1, 4);
	tb_edge_i(&t, 2, "element", 2, 5);
	tb_edge(&t, 3, "property", "buf", 7);
	tb_edge(&t, 4, "property", "buf", 8);
	tb_edge(&t, 5, "property", "buf", 9);
	tb_edge(&t, 6, "property", "buf", 10);
	run(&r, &t);
	tb_release(&t);
	assert_int_equal(r.a.dom.retained[3], 60);
	assert_int_equal(r.a.dom.retained[6], 250);

	hs_merge_paths(&g, &r.a, r.a.parent_edge, conns, 4, NULL, 16);
	assert_int_equal(g.count, 2);
	/* .extra: 1 object, retained 250 */
	assert_int_equal(g.v[0].count, 1);
	assert_int_equal(g.v[0].self_size, 50);
	assert_int_equal(g.v[0].retained_size, 250);
	assert_int_equal(g.v[0].example, 6);
	assert_int_equal(g.v[0].len, 1);
	assert_int_equal(g.v[0].truncated, 0);
	assert_string_equal(hs_edge_label(r.s, g.v[0].edges[0], 0, lb, sizeof(lb)), ".extra");
	assert_non_null(strstr(g.v[0].shape, ".extra"));
	assert_null(strstr(g.v[0].shape, ".items"));
	/* .items[]: 3 objects, indices folded, example the first given (C1) */
	assert_int_equal(g.v[1].count, 3);
	assert_int_equal(g.v[1].self_size, 150);
	assert_int_equal(g.v[1].retained_size, 210);
	assert_int_equal(g.v[1].example, 3);
	assert_int_equal(g.v[1].len, 2);
	assert_int_equal(g.v[1].truncated, 0);
	assert_string_equal(hs_edge_label(r.s, g.v[1].edges[0], 0, lb, sizeof(lb)), ".items");
	assert_string_equal(hs_edge_label(r.s, g.v[1].edges[1], 0, lb, sizeof(lb)), "[0]");
	assert_non_null(strstr(g.v[1].shape, ".items"));
	assert_non_null(strstr(g.v[1].shape, "[]"));
	assert_null(strstr(g.v[1].shape, "[0]"));
	assert_null(strstr(g.v[1].shape, "[1]"));
	assert_non_null(strstr(g.v[1].shape, "Conn"));
	hs_path_groups_release(&g);
	assert_int_equal(g.count, 0);

	/* only outermost members count towards retained */
	outer = bits_new(r.s->node_count);
	bit_set(outer, 3);
	bit_set(outer, 5);
	bit_set(outer, 6);
	hs_merge_paths(&g, &r.a, r.a.parent_edge, conns, 4, outer, 16);
	assert_int_equal(g.count, 2);
	assert_int_equal(g.v[0].retained_size, 250);
	assert_int_equal(g.v[1].count, 3);
	assert_int_equal(g.v[1].self_size, 150);
	assert_int_equal(g.v[1].retained_size, 140);
	hs_path_groups_release(&g);
	free(outer);

	/* one level further down: Conn.buf Buf */
	hs_merge_paths(&g, &r.a, r.a.parent_edge, bufs, 4, NULL, 16);
	assert_int_equal(g.count, 2);
	assert_int_equal(g.v[0].count, 1);
	assert_int_equal(g.v[0].retained_size, 200);
	assert_int_equal(g.v[0].len, 2);
	assert_int_equal(g.v[1].count, 3);
	assert_int_equal(g.v[1].self_size, 60);
	assert_int_equal(g.v[1].retained_size, 60);
	assert_int_equal(g.v[1].len, 3);
	assert_non_null(strstr(g.v[1].shape, ".buf"));
	hs_path_groups_release(&g);

	/* depth 1: only the last edge is kept -- ".buf" for all four, one shape */
	hs_merge_paths(&g, &r.a, r.a.parent_edge, bufs, 4, NULL, 1);
	assert_int_equal(g.count, 1);
	assert_int_equal(g.v[0].count, 4);
	assert_int_equal(g.v[0].retained_size, 260);
	assert_int_equal(g.v[0].truncated, 1);
	assert_int_equal(g.v[0].len, 1);
	hs_path_groups_release(&g);

	/* no nodes: no groups */
	hs_merge_paths(&g, &r.a, r.a.parent_edge, bufs, 0, NULL, 16);
	assert_int_equal(g.count, 0);
	hs_path_groups_release(&g);
	unrun(&r);
}

/* root(0) -[1]-> G(1) "global" .head -> L0(2); L_i .next -> L_{i+1}; 200,000
 * "Link" objects of self 8.  L_i's path has i + 1 edges: with max_depth 16,
 * L0..L15 have full paths of 16 distinct lengths (16 shapes) and the other
 * 199,984 share one truncated shape of 16 `.next` steps.  Only L0 is an
 * outermost member (every Link dominates the rest), so the L0 shape retains
 * the whole list and the truncated shape 0.  Must stay linear. */
#define LIST_LEN 200000u
static void test_merge_long_list(void **state)
{
	struct tb t;
	struct run r;
	struct hs_path_groups g;
	uint64_t *members, *outer;
	uint32_t *nodes, i, ntrunc = 0, seen_len = 0;
	char lb[64];
	(void)state;

	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	tb_node(&t, "object", "global", 3, 10);
	for (i = 0; i < LIST_LEN; i++)
		tb_node(&t, "object", "Link", 5 + 2 * i, 8);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge(&t, 1, "property", "head", 2);
	for (i = 0; i + 1 < LIST_LEN; i++)
		tb_edge(&t, 2 + i, "property", "next", 3 + i);
	run(&r, &t);
	tb_release(&t);
	assert_int_equal(r.s->node_count, LIST_LEN + 2);
	assert_int_equal(r.a.distance[LIST_LEN + 1], (int32_t)LIST_LEN + 1);
	assert_int_equal(r.a.dom.retained[2], 8ull * LIST_LEN);

	nodes = malloc(LIST_LEN * sizeof(*nodes));
	members = bits_new(r.s->node_count);
	for (i = 0; i < LIST_LEN; i++) {
		nodes[i] = 2 + i;
		bit_set(members, 2 + i);
	}
	outer = bits_new(r.s->node_count);
	hs_outermost_members(&r.a.dom, r.s->root, r.s->node_count, members, outer);
	for (i = 0; i < r.s->node_count; i++)
		if (bit_get(outer, i) != (i == 2))
			fail_msg("outermost Link %u: %d", i, bit_get(outer, i));

	hs_merge_paths(&g, &r.a, r.a.parent_edge, nodes, LIST_LEN, outer, 16);
	assert_int_equal(g.count, 17);
	/* L0 (the only outermost) first: retains all */
	assert_int_equal(g.v[0].count, 1);
	assert_int_equal(g.v[0].example, 2);
	assert_int_equal(g.v[0].retained_size, 8ull * LIST_LEN);
	for (i = 0; i < g.count; i++) {
		if (g.v[i].truncated) {
			ntrunc++;
			assert_int_equal(g.v[i].count, LIST_LEN - 16);
			assert_int_equal(g.v[i].self_size, 8ull * (LIST_LEN - 16));
			assert_int_equal(g.v[i].retained_size, 0);
			assert_int_equal(g.v[i].len, 16);
			assert_int_equal(g.v[i].example, 2 + 16);
			assert_string_equal(hs_edge_label(r.s, g.v[i].edges[0], 1, lb, sizeof(lb)), ".next");
		} else {
			assert_int_equal(g.v[i].count, 1);
			assert_true(g.v[i].len >= 1 && g.v[i].len <= 16);
			assert_int_equal(g.v[i].example, 2 + g.v[i].len - 1);
			assert_int_equal(seen_len & (1u << g.v[i].len), 0);
			seen_len |= 1u << g.v[i].len;
			assert_string_equal(hs_edge_label(r.s, g.v[i].edges[0], 1, lb, sizeof(lb)), ".head");
		}
	}
	assert_int_equal(ntrunc, 1);
	assert_int_equal(seen_len, 0x1fffeu); /* lengths 1..16 */
	hs_path_groups_release(&g);
	free(outer);
	free(members);
	free(nodes);
	unrun(&r);
}

/* Merged paths against brute force on random graphs: the shape key of every
 * member built from its BFS-parent path (hs_path_shortest, hs_path_node_name,
 * folded hs_edge_label), members grouped by equal keys.  Graphs of 2..60
 * nodes with few classes and edge names, so that many paths share shapes;
 * every class as the member set, max_depth 0..9 (windows shorter and longer
 * than the paths; depths with several set bits).  Checks the number of
 * groups, that two members share a group iff their keys are equal, each
 * group's count and self size, and the shape/edges of the shown groups. */
static char *brute_key(const struct run *r, uint32_t x, uint32_t depth, uint32_t *path)
{
	struct sb b = { 0 };
	uint32_t len, i;
	int trunc;
	len = hs_path_shortest(r->s, r->a.parent_edge, x, depth, path, &trunc);
	sb_puts(&b, trunc ? "T|" : "F|");
	for (i = 0; i < len; i++) {
		sb_puts(&b, hs_path_node_name(&r->a, hs_edge_source(r->s, path[i])));
		sb_puts(&b, "\x1f");
		sb_puts(&b, label(r->s, path[i], 1));
		sb_puts(&b, "\x1f");
	}
	sb_puts(&b, hs_path_node_name(&r->a, x));
	return b.p;
}

static void test_merge_paths_brute(void **state)
{
	static const char *const cls[] = { "A", "B", "C" };
	static const char *const names[] = { "p", "q", "1", "2" };
	uint64_t rs = 0x5eed;
	uint32_t round, checked = 0;
	(void)state;

	for (round = 0; round < 300; round++) {
		struct tb t;
		struct run r;
		uint32_t nn = 2 + rnd_below(&rs, 59), i, k, c, depth;
		tb_init(&t);
		tb_node(&t, "synthetic", "", 1, 0);
		for (i = 1; i < nn; i++)
			tb_node(&t, "object", cls[rnd_below(&rs, 3)], 1 + 2 * i, 1 + rnd_below(&rs, 4));
		/* a few root children, then random edges (mostly "down", some back) */
		for (i = 1; i < nn; i++) {
			if (i < 3 || rnd_below(&rs, 8) == 0)
				tb_edge_i(&t, 0, "element", i, i);
			for (k = rnd_below(&rs, 3); k > 0; k--) {
				uint32_t to = 1 + rnd_below(&rs, nn - 1), ty = rnd_below(&rs, 4);
				if (ty == 0)
					tb_edge_i(&t, i, "element", rnd_below(&rs, 3), to);
				else
					tb_edge(&t, i, ty == 1 ? "internal" : "property", names[rnd_below(&rs, 4)], to);
			}
		}
		run(&r, &t);
		tb_release(&t);
		for (c = 0; c < 3; c++) {
			uint32_t *nodes = malloc(nn * sizeof(*nodes)), m = 0, *path = malloc(16 * sizeof(*path));
			for (i = 1; i < nn; i++)
				if (!strcmp(hs_class_name(&r.a.classes, r.a.classes.class_of[i]), cls[c]))
					nodes[m++] = i;
			for (depth = 0; depth < 10; depth++) {
				struct hs_path_groups g;
				char **key = malloc((m ? m : 1) * sizeof(*key));
				uint32_t *grp = malloc((m ? m : 1) * sizeof(*grp)), ndistinct = 0, a, b;
				uint32_t top = depth % 3 == 0 ? UINT32_MAX : 2;
				for (i = 0; i < m; i++)
					key[i] = brute_key(&r, nodes[i], depth, path);
				hs_merge_paths_top(&g, &r.a, r.a.parent_edge, nodes, m, NULL, depth, top);
				/* members -> group by the example: groups are told apart by
				 * their example's key (distinct keys <=> distinct groups) */
				for (i = 0; i < m; i++) {
					for (k = 0; k < i && strcmp(key[k], key[i]); k++)
						;
					if (k == i)
						ndistinct++;
				}
				assert_int_equal(g.count, ndistinct);
				for (a = 0; a < g.count; a++) {
					uint64_t cnt = 0, self = 0;
					char *ek = brute_key(&r, g.v[a].example, depth, path);
					for (b = 0; b < a; b++) {
						char *bk = brute_key(&r, g.v[b].example, depth, path);
						if (!strcmp(bk, ek))
							fail_msg("round %u depth %u: groups %u and %u share a key", round, depth, a, b);
						free(bk);
					}
					for (i = 0; i < m; i++)
						if (!strcmp(key[i], ek)) {
							cnt++;
							self += hs_shallow_size(&r.a, nodes[i]);
							grp[i] = a;
						}
					assert_int_equal(g.v[a].count, cnt);
					assert_int_equal(g.v[a].self_size, self);
					if (a < top) {
						uint32_t len;
						int trunc;
						assert_non_null(g.v[a].shape);
						len = hs_path_shortest(r.s, r.a.parent_edge, g.v[a].example, depth, path, &trunc);
						assert_int_equal(g.v[a].len, len);
						assert_int_equal(g.v[a].truncated, trunc);
					} else {
						assert_null(g.v[a].shape);
						assert_null(g.v[a].edges);
					}
					free(ek);
				}
				(void)grp;
				for (i = 0; i < m; i++)
					free(key[i]);
				free(key);
				free(grp);
				hs_path_groups_release(&g);
				checked += m;
			}
			free(nodes);
			free(path);
		}
		unrun(&r);
	}
	assert_true(checked > 10000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_edge_labels),
		cmocka_unit_test(test_path_shortest),
		cmocka_unit_test(test_prefer_user),
		cmocka_unit_test(test_prefer_beside_bfs),
		cmocka_unit_test(test_common_prefix),
		cmocka_unit_test(test_paths_find),
		cmocka_unit_test(test_paths_find_depth),
		cmocka_unit_test(test_distances_ignore),
		cmocka_unit_test(test_outermost),
		cmocka_unit_test(test_merge_paths),
		cmocka_unit_test(test_merge_long_list),
		cmocka_unit_test(test_merge_paths_brute),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
