/* Graph extremes through the public library API: snapshots written as JSON
 * text in memory, loaded with hs_snapshot_load_mem and analysed with
 * hs_analysis_run; idoms, retained sizes, distances and class aggregates are
 * checked against closed-form expectations.
 *
 *   chain      10,000,000 nodes root -> 1 -> 2 -> ... (depth 10 M: any
 *              recursion overflows the stack; any quadratic step takes hours)
 *   star       a hub with 1,000,000 children, each pointing back at the hub
 *   selfloops  self edges (non-essential), reachable and unreachable
 *   rootonly   100,000 nodes reachable only directly from the root
 *   weak       100,000 nodes retained only by weak edges (root becomes their
 *              DFS parent) plus a 1,000,000-node ring retained by nothing
 *
 * No timing assertions: the ctest TIMEOUT catches a quadratic step.
 * Run one case: test_extremes <name>. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hsnap/hsnap.h"
#include "hsnap/snapshot.h"
#include "hsnap/analysis.h"
#include "hsnap/diff.h"

/* ---- a fast JSON writer for big synthetic snapshots --------------------- */

struct out { char *p; size_t len, alloc; };

static void out_reserve(struct out *o, size_t more)
{
	if (o->len + more <= o->alloc)
		return;
	size_t a = o->alloc ? o->alloc : 1 << 16;
	while (a < o->len + more)
		a *= 2;
	o->p = realloc(o->p, a);
	assert_non_null(o->p);
	o->alloc = a;
}
static void out_s(struct out *o, const char *s)
{
	size_t l = strlen(s);
	out_reserve(o, l);
	memcpy(o->p + o->len, s, l);
	o->len += l;
}
static void out_u(struct out *o, uint64_t v)
{
	char tmp[24];
	int i = 24;
	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	out_reserve(o, 25);
	memcpy(o->p + o->len, tmp + i, (size_t)(24 - i));
	o->len += (size_t)(24 - i);
}
static void out_c(struct out *o, char c)
{
	out_reserve(o, 1);
	o->p[o->len++] = c;
}

/* 5-field nodes; node and edge type enums as V8's. */
enum { T_HIDDEN, T_ARRAY, T_STRING, T_OBJECT, T_CODE, T_CLOSURE, T_REGEXP, T_NUMBER,
       T_NATIVE, T_SYNTHETIC };
enum { E_CONTEXT, E_ELEMENT, E_PROPERTY, E_INTERNAL, E_HIDDEN, E_SHORTCUT, E_WEAK };
#define NF 5

static void header(struct out *o, uint64_t nodes, uint64_t edges)
{
	out_s(o, "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"],"
		 "\"node_types\":[[\"hidden\",\"array\",\"string\",\"object\",\"code\",\"closure\",\"regexp\","
		 "\"number\",\"native\",\"synthetic\",\"concatenated string\",\"sliced string\",\"symbol\","
		 "\"bigint\",\"object shape\"],\"string\",\"number\",\"number\",\"number\"],"
		 "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		 "\"edge_types\":[[\"context\",\"element\",\"property\",\"internal\",\"hidden\",\"shortcut\","
		 "\"weak\"],\"string_or_number\",\"node\"]},\"node_count\":");
	out_u(o, nodes);
	out_s(o, ",\"edge_count\":");
	out_u(o, edges);
	out_s(o, "},\n\"nodes\":[");
}
static void node(struct out *o, int first, unsigned type, unsigned name, uint64_t id,
		 uint64_t self, uint32_t ecount)
{
	if (!first)
		out_c(o, ',');
	out_u(o, type); out_c(o, ',');
	out_u(o, name); out_c(o, ',');
	out_u(o, id); out_c(o, ',');
	out_u(o, self); out_c(o, ',');
	out_u(o, ecount); out_c(o, '\n');
}
static void edges_begin(struct out *o) { out_s(o, "],\n\"edges\":["); }
static void edge(struct out *o, int first, unsigned type, unsigned name, uint32_t to)
{
	if (!first)
		out_c(o, ',');
	out_u(o, type); out_c(o, ',');
	out_u(o, name); out_c(o, ',');
	out_u(o, (uint64_t)to * NF); out_c(o, '\n');
}
/* Strings: 0 "<dummy>", 1 "", then the given names (ids 2, 3, ...). */
static void finish(struct out *o, const char *const *names)
{
	out_s(o, "],\n\"strings\":[\"<dummy>\",\"\"");
	for (; *names; names++) {
		out_s(o, ",\"");
		out_s(o, *names);
		out_c(o, '"');
	}
	out_s(o, "]}\n");
}

struct run {
	struct hs_snapshot *s;
	struct hs_analysis a;
};

static void load_and_analyse(struct run *r, struct out *o, const char *name)
{
	struct hs_error err;
	struct hs_analysis_opts opts;
	memset(r, 0, sizeof(*r));
	memset(&opts, 0, sizeof(opts));
	memset(&err, 0, sizeof(err));
	int rc = hs_snapshot_load_mem(name, o->p, o->len, 0, &r->s, &err);
	if (rc != 0)
		fail_msg("%s: load failed: %s", name, err.msg);
	free(o->p);
	memset(o, 0, sizeof(*o));
	rc = hs_analysis_run(&r->a, r->s, &opts, &err);
	if (rc != 0)
		fail_msg("%s: analysis failed: %s", name, err.msg);
}
static void run_release(struct run *r)
{
	hs_analysis_release(&r->a);
	hs_snapshot_free(r->s);
}
static uint64_t total_self(const struct run *r)
{
	uint64_t t = 0;
	for (uint32_t n = 0; n < r->s->node_count; n++)
		t += hs_shallow_size(&r->a, n);
	return t;
}
/* The diff side of a snapshot against itself: no rows may differ. */
static void self_diff(const struct run *r, uint64_t expect_objects)
{
	struct hs_class_names ns;
	struct hs_side side;
	struct hs_diff d;
	hs_class_names_init(&ns);
	hs_side_from_analysis(&side, &ns, &r->a);
	assert_int_equal(side.nobjects, expect_objects);
	for (uint64_t i = 1; i < side.nobjects; i++)
		assert_true(side.objects[i - 1] <= side.objects[i]);
	hs_diff_compute(&d, &side, &side);
	assert_int_equal(d.nrows, 0);
	assert_int_equal(d.shared_ids, expect_objects);
	hs_diff_release(&d);
	hs_side_release(&side);
	hs_class_names_release(&ns);
}

/* ---- chain -------------------------------------------------------------- */

#define CHAIN_N 10000000u
static uint64_t chain_self(uint32_t i) { return 1 + i % 7; }

static void test_chain(void **state)
{
	(void)state;
	struct out o = {0};
	struct run r;
	const uint32_t n = CHAIN_N;
	static const char *const names[] = { "Chain", "next", NULL }; /* 2, 3 */

	/* root -element 0-> 1 -next-> 2 -next-> ... -> n-1 */
	header(&o, n, n - 1);
	node(&o, 1, T_SYNTHETIC, 1, 1, 0, 1);
	for (uint32_t i = 1; i < n; i++)
		node(&o, 0, T_OBJECT, 2, 2 * (uint64_t)i + 1, chain_self(i), i + 1 < n);
	edges_begin(&o);
	edge(&o, 1, E_ELEMENT, 0, 1);
	for (uint32_t i = 1; i + 1 < n; i++)
		edge(&o, 0, E_PROPERTY, 3, i + 1);
	finish(&o, names);
	load_and_analyse(&r, &o, "chain");

	const struct hs_dominators *d = &r.a.dom;
	assert_int_equal(r.s->node_count, n);
	/* Closed form: sum over j = 1..n-1 of (1 + j % 7). */
	uint64_t m = n - 1, full = m / 7, rem = m % 7;
	uint64_t total = m + full * 21 + rem * (rem + 1) / 2;
	/* j = 1..m: residues cycle 1,2,..,6,0; each full cycle sums 21, the
	 * partial one 1+2+..+rem. */
	assert_int_equal(d->retained[0], total);
	assert_int_equal(d->retained[1], total);
	assert_int_equal(total_self(&r), total);
	uint64_t suffix = 0;
	for (uint32_t i = n - 1; i >= 1; i--) {
		suffix += chain_self(i);
		if (d->idom[i] != i - 1)
			fail_msg("chain: idom[%u] = %u, expected %u", i, d->idom[i], i - 1);
		if (d->retained[i] != suffix)
			fail_msg("chain: retained[%u] = %llu, expected %llu", i,
				 (unsigned long long)d->retained[i], (unsigned long long)suffix);
		if (r.a.distance[i] != (int32_t)i)
			fail_msg("chain: distance[%u] = %d", i, r.a.distance[i]);
	}
	assert_int_equal(d->unreachable, 0);
	/* One class "Chain": every instance dominated by the first, so the
	 * class's retained size is the first one's. */
	uint32_t k = r.a.classes.class_of[1];
	assert_string_equal(hs_class_name(&r.a.classes, k), "Chain");
	assert_int_equal(r.a.classes.cls[k].count, n - 1);
	assert_int_equal(r.a.classes.cls[k].self_size, total);
	assert_int_equal(r.a.classes.cls[k].retained_size, total);
	assert_int_equal(r.a.classes.cls[k].distance, 1);
	self_diff(&r, n - 1);
	run_release(&r);
}

/* ---- star ---------------------------------------------------------------- */

#define STAR_K 1000000u
static void test_star(void **state)
{
	(void)state;
	struct out o = {0};
	struct run r;
	const uint32_t k = STAR_K, n = k + 2;
	static const char *const names[] = { "Hub", "Object", "parent", "c", NULL }; /* 2..5 */

	/* root -element-> hub(1, self 100) -element i-> leaf (2..k+1, self 3),
	 * each leaf -property parent-> hub; leaves are plain Objects. */
	header(&o, n, 1 + k + k);
	node(&o, 1, T_SYNTHETIC, 1, 1, 0, 1);
	node(&o, 0, T_OBJECT, 2, 3, 100, k);
	for (uint32_t i = 0; i < k; i++)
		node(&o, 0, T_OBJECT, 3, 5 + 2 * (uint64_t)i, 3, 1);
	edges_begin(&o);
	edge(&o, 1, E_ELEMENT, 0, 1);
	for (uint32_t i = 0; i < k; i++)
		edge(&o, 0, E_ELEMENT, i, 2 + i);
	for (uint32_t i = 0; i < k; i++)
		edge(&o, 0, E_PROPERTY, 4, 1);
	finish(&o, names);
	load_and_analyse(&r, &o, "star");

	const struct hs_dominators *d = &r.a.dom;
	uint64_t total = 100 + 3ull * k;
	assert_int_equal(d->retained[0], total);
	assert_int_equal(d->retained[1], total);
	assert_int_equal(d->idom[1], 0);
	for (uint32_t i = 2; i < n; i++) {
		if (d->idom[i] != 1 || d->retained[i] != 3)
			fail_msg("star: leaf %u idom %u retained %llu", i, d->idom[i],
				 (unsigned long long)d->retained[i]);
		if (r.a.distance[i] != 2)
			fail_msg("star: distance[%u] = %d", i, r.a.distance[i]);
	}
	/* The hub dominates k children. */
	assert_int_equal(d->dom_first[2] - d->dom_first[1], k);
	uint32_t c = r.a.classes.class_of[2];
	assert_int_equal(r.a.classes.cls[c].count, k);
	assert_int_equal(r.a.classes.cls[c].self_size, 3ull * k);
	assert_int_equal(r.a.classes.cls[c].retained_size, 3ull * k);
	self_diff(&r, k + 1);
	run_release(&r);
}

/* ---- self loops ----------------------------------------------------------- */

static void test_selfloops(void **state)
{
	(void)state;
	struct out o = {0};
	struct run r;
	static const char *const names[] = { "A", "B", "C", "D", "me", NULL }; /* 2..6 */

	/* 0 root: -element-> 1 A, -element-> 4 D
	 * 1 A(10): -me-> A, -b-> 2 B        2 B(20): -me-> B
	 * 3 C(30): -me-> C (retained by nothing but itself)
	 * 4 D(40): -weak me-> D */
	header(&o, 5, 7);
	node(&o, 1, T_SYNTHETIC, 1, 1, 0, 2);
	node(&o, 0, T_OBJECT, 2, 3, 10, 2);
	node(&o, 0, T_OBJECT, 3, 5, 20, 1);
	node(&o, 0, T_OBJECT, 4, 7, 30, 1);
	node(&o, 0, T_OBJECT, 5, 9, 40, 1);
	edges_begin(&o);
	edge(&o, 1, E_ELEMENT, 0, 1);
	edge(&o, 0, E_ELEMENT, 1, 4);
	edge(&o, 0, E_PROPERTY, 6, 1);
	edge(&o, 0, E_PROPERTY, 6, 2);
	edge(&o, 0, E_PROPERTY, 6, 2);
	edge(&o, 0, E_PROPERTY, 6, 3);
	edge(&o, 0, E_WEAK, 6, 4);
	finish(&o, names);
	load_and_analyse(&r, &o, "selfloops");
	const struct hs_dominators *d = &r.a.dom;
	static const uint32_t idom[] = { 0, 0, 1, 0, 0 };
	static const uint64_t ret[] = { 100, 30, 20, 30, 40 };
	for (uint32_t i = 0; i < 5; i++) {
		assert_int_equal(d->idom[i], idom[i]);
		assert_int_equal(d->retained[i], ret[i]);
	}
	assert_int_equal(d->unreachable, 1);
	assert_int_equal(r.a.distance[3], HS_NO_DISTANCE);
	assert_int_equal(r.a.distance[2], 2);
	self_diff(&r, 4);
	run_release(&r);
}

/* ---- only root-reachable --------------------------------------------------- */

#define ROOTONLY_M 100000u
static void test_rootonly(void **state)
{
	(void)state;
	struct out o = {0};
	struct run r;
	const uint32_t m = ROOTONLY_M;
	static const char *const names[] = { "R", NULL };

	header(&o, m + 1, m);
	node(&o, 1, T_SYNTHETIC, 1, 1, 0, m);
	for (uint32_t i = 1; i <= m; i++)
		node(&o, 0, T_OBJECT, 2, 2 * (uint64_t)i + 1, 1 + i % 11, 0);
	edges_begin(&o);
	for (uint32_t i = 1; i <= m; i++)
		edge(&o, i == 1, E_ELEMENT, i, i);
	finish(&o, names);
	load_and_analyse(&r, &o, "rootonly");
	const struct hs_dominators *d = &r.a.dom;
	uint64_t sum = 0;
	for (uint32_t i = 1; i <= m; i++) {
		sum += 1 + i % 11;
		if (d->idom[i] != 0 || d->retained[i] != 1 + i % 11 || r.a.distance[i] != 1)
			fail_msg("rootonly: node %u idom %u retained %llu distance %d", i, d->idom[i],
				 (unsigned long long)d->retained[i], r.a.distance[i]);
	}
	assert_int_equal(d->retained[0], sum);
	assert_int_equal(d->dom_first[1] - d->dom_first[0], m);
	uint32_t c = r.a.classes.class_of[1];
	assert_int_equal(r.a.classes.cls[c].count, m);
	assert_int_equal(r.a.classes.cls[c].retained_size, sum);
	self_diff(&r, m);
	run_release(&r);
}

/* ---- all-weak retainers and a ring retained by nothing --------------------- */

#define WEAK_W 100000u
#define RING_K 1000000u
static void test_weak(void **state)
{
	(void)state;
	struct out o = {0};
	struct run r;
	const uint32_t w = WEAK_W, k = RING_K;
	/* 0 root -element-> 1 A(5)
	 * A -weak-> W_i (i < w), W_i = node 2 + 2i (self 2), X_i = 3 + 2i (self 1)
	 * W_i -weak-> W_{i+1}, W_i -property-> X_i
	 * ring: R_j = 2 + 2w + j (self 4), R_j -property-> R_{(j+1) % k} */
	const uint32_t wbase = 2, rbase = 2 + 2 * w, n = rbase + k;
	static const char *const names[] = { "A", "W", "X", "Ring", "p", NULL }; /* 2..6 */
	header(&o, n, 1 + w + (w - 1) + w + k);
	node(&o, 1, T_SYNTHETIC, 1, 1, 0, 1);
	node(&o, 0, T_OBJECT, 2, 3, 5, w);
	for (uint32_t i = 0; i < w; i++) {
		node(&o, 0, T_OBJECT, 3, 5 + 4 * (uint64_t)i, 2, (i + 1 < w) + 1);
		node(&o, 0, T_OBJECT, 4, 7 + 4 * (uint64_t)i, 1, 0);
	}
	for (uint32_t j = 0; j < k; j++)
		node(&o, 0, T_OBJECT, 5, 1000001 + 2 * (uint64_t)j, 4, 1);
	edges_begin(&o);
	edge(&o, 1, E_ELEMENT, 0, 1);
	for (uint32_t i = 0; i < w; i++)
		edge(&o, 0, E_WEAK, 6, wbase + 2 * i);
	for (uint32_t i = 0; i < w; i++) {
		if (i + 1 < w)
			edge(&o, 0, E_WEAK, 6, wbase + 2 * (i + 1));
		edge(&o, 0, E_PROPERTY, 6, wbase + 2 * i + 1);
	}
	for (uint32_t j = 0; j < k; j++)
		edge(&o, 0, E_PROPERTY, 6, rbase + (j + 1) % k);
	finish(&o, names);
	load_and_analyse(&r, &o, "weak");
	const struct hs_dominators *d = &r.a.dom;
	uint64_t total = 5 + 3ull * w + 4ull * k;
	assert_int_equal(d->retained[0], total);
	assert_int_equal(d->idom[1], 0);
	assert_int_equal(d->retained[1], 5);
	for (uint32_t i = 0; i < w; i++) {
		uint32_t wi = wbase + 2 * i, xi = wi + 1;
		if (d->idom[wi] != 0 || d->retained[wi] != 3 || d->idom[xi] != wi || d->retained[xi] != 1)
			fail_msg("weak: W_%u idom %u retained %llu; X idom %u retained %llu", i,
				 d->idom[wi], (unsigned long long)d->retained[wi], d->idom[xi],
				 (unsigned long long)d->retained[xi]);
	}
	/* The ring is retained by nothing: every member hangs off the root or
	 * another member, and the members' retained sizes add up to the ring. */
	uint64_t ring_top = 0;
	for (uint32_t j = 0; j < k; j++) {
		uint32_t v = rbase + j, p = d->idom[v];
		assert_true(p == 0 || (p >= rbase && p < n));
		assert_true(d->retained[v] >= 4 && d->retained[v] <= 4ull * k);
		if (p == 0)
			ring_top += d->retained[v];
		if (r.a.distance[v] != HS_NO_DISTANCE)
			fail_msg("weak: ring member %u has distance %d", j, r.a.distance[v]);
	}
	assert_int_equal(ring_top, 4ull * k);
	assert_int_equal(d->unreachable, 2 * w + k);
	run_release(&r);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest all[] = {
		cmocka_unit_test(test_selfloops),
		cmocka_unit_test(test_rootonly),
		cmocka_unit_test(test_weak),
		cmocka_unit_test(test_star),
		cmocka_unit_test(test_chain),
	};
	if (argc > 1)
		cmocka_set_test_filter(argv[1]);
	return cmocka_run_group_tests(all, NULL, NULL);
}
