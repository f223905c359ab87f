/* Analyses after the dominators: shallow-size re-attribution, distances,
 * DOM state, class names (incl. inferred {a, b} interfaces), per-class
 * aggregates and statistics.  Every expected value is worked out by hand in
 * the comment above its test. */
#include <pthread.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"

struct run {
	struct hs_snapshot *s;
	struct hs_analysis a;
};

static void run_opts(struct run *r, struct tb *t, const struct hs_analysis_opts *o)
{
	struct hs_error err = { 0, "" };
	size_t len;
	char *j = tb_json(t, &len);
	r->s = load_ok(j, len, 0);
	free(j);
	assert_int_equal(hs_analysis_run(&r->a, r->s, o, &err), 0);
}

static void run(struct run *r, struct tb *t, int raw)
{
	struct hs_analysis_opts o;
	memset(&o, 0, sizeof(o));
	o.raw_sizes = raw;
	run_opts(r, t, &o);
}

static void unrun(struct run *r)
{
	hs_analysis_release(&r->a);
	hs_snapshot_free(r->s);
}

static const char *cls(const struct run *r, uint32_t n)
{
	return hs_class_name(&r->a.classes, r->a.classes.class_of[n]);
}

/* The class record of the class named `name` (fails when absent). */
static const struct hs_class *klass(const struct run *r, const char *name)
{
	uint32_t i;
	for (i = 0; i < r->a.classes.names.count; i++)
		if (!strcmp(hs_class_name(&r->a.classes, i), name))
			return &r->a.classes.cls[i];
	fail_msg("no class '%s'", name);
	return NULL;
}

/* ---- shallow sizes ------------------------------------------------------- */

/* 0 root -shortcut-> 1 "global" object (10)     user root
 *   1 -> 2 hidden (5)                        owner 1 only       -> moves to 1
 *   1 -> 3 object Foo (20); 1 -> 5, 3 -> 5 array (7)  two owners -> stays
 *   0 -element-> 7 synthetic "(GC roots)"; 7 -> 6 hidden (11): owner synthetic -> stays
 *   1 -> 8 hidden (3) -> 9 array (4)         both owned by 1    -> move to 1
 *   1 -> 10 hidden (6), 3 -weak-> 10         weak does not own  -> moves to 1
 *   11 hidden (13), no retainers             no owner           -> stays
 *   0 -element-> 12 hidden (17)              owner is the root  -> stays
 *   (user roots: 1 and 12, both non-synthetic children of the root)
 * Result: 1 = 10+5+3+4+6 = 28; 2, 8, 9, 10 = 0; 3 = 20; 5 = 7; 6 = 11;
 * 11 = 13; 12 = 17.  Without user roots (1 and 12 hang off (GC roots)
 * instead) nothing moves. */
static void shallow_graph_sized(struct tb *t, int user_roots, uint64_t global, uint64_t root_owned)
{
	tb_init(t);
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "object", "global", 3, global);
	tb_node(t, "hidden", "system / Context", 5, 5);
	tb_node(t, "object", "Foo", 7, 20);
	tb_node(t, "object", "Unused", 9, 0);
	tb_node(t, "array", "(object elements)", 11, 7);
	tb_node(t, "hidden", "system / Sub", 13, 11);
	tb_node(t, "synthetic", "(GC roots)", 15, 0);
	tb_node(t, "hidden", "system / A", 17, 3);
	tb_node(t, "array", "(object properties)", 19, 4);
	tb_node(t, "hidden", "system / W", 21, 6);
	tb_node(t, "hidden", "system / Lone", 23, 13);
	tb_node(t, "hidden", "system / RootOwned", 25, root_owned);
	tb_edge_i(t, 0, "element", 1, 7);
	if (user_roots) {
		tb_edge(t, 0, "shortcut", "global", 1);
		tb_edge_i(t, 0, "element", 2, 12);
	} else {
		tb_edge_i(t, 7, "element", 9, 1);
		tb_edge_i(t, 7, "element", 2, 12);
	}
	tb_edge(t, 1, "internal", "context", 2);
	tb_edge(t, 1, "property", "foo", 3);
	tb_edge(t, 1, "internal", "elements", 5);
	tb_edge(t, 3, "internal", "elements", 5);
	tb_edge_i(t, 7, "element", 0, 6);
	tb_edge(t, 1, "internal", "a", 8);
	tb_edge(t, 8, "internal", "b", 9);
	tb_edge(t, 1, "internal", "w", 10);
	tb_edge(t, 3, "weak", "w", 10);
}

static void shallow_graph(struct tb *t, int user_roots)
{
	shallow_graph_sized(t, user_roots, 10, 17);
}

static void test_shallow_sizes(void **state)
{
	static const uint64_t want[] = { 0, 28, 0, 20, 0, 7, 11, 0, 0, 0, 0, 13, 17 };
	static const uint64_t file[] = { 0, 10, 5, 20, 0, 7, 11, 0, 3, 4, 6, 13, 17 };
	struct tb t;
	struct run r;
	uint32_t i;
	(void)state;
	shallow_graph(&t, 1);
	run(&r, &t, 0);
	assert_int_equal(r.a.graph.user_roots, 2);
	for (i = 0; i < 13; i++)
		if (hs_shallow_size(&r.a, i) != want[i])
			fail_msg("node %u: shallow %llu, expected %llu", i,
				 (unsigned long long)hs_shallow_size(&r.a, i), (unsigned long long)want[i]);
	/* the model keeps the file's sizes; the total is unchanged */
	for (i = 0; i < 13; i++)
		assert_int_equal(hs_self_size(r.s, i), file[i]);
	assert_int_equal(r.a.dom.retained[0], 96);
	unrun(&r);
	/* --raw sizes: nothing moves */
	run(&r, &t, 1);
	for (i = 0; i < 13; i++)
		assert_int_equal(hs_shallow_size(&r.a, i), file[i]);
	unrun(&r);
	tb_release(&t);
	/* no user roots: nothing moves */
	shallow_graph(&t, 0);
	run(&r, &t, 0);
	assert_int_equal(r.a.graph.user_roots, 0);
	for (i = 0; i < 13; i++)
		assert_int_equal(hs_shallow_size(&r.a, i), file[i]);
	unrun(&r);
	tb_release(&t);
}

/* The same graph with sizes beyond 32 bits: global's 2^32 - 10 becomes
 * 2^32 + 8 with the 18 bytes it owns (the first wide size appears during the
 * re-attribution), and then RootOwned's 2^40 is wide in the file as well. */
static void test_shallow_sizes_wide(void **state)
{
	const uint64_t g = ((uint64_t)1 << 32) - 10, big = (uint64_t)1 << 40;
	const uint64_t want[] = { 0, g + 18, 0, 20, 0, 7, 11, 0, 0, 0, 0, 13, 17 };
	struct tb t;
	struct run r;
	uint32_t i, k;
	(void)state;
	for (k = 0; k < 2; k++) {
		uint64_t w12 = k ? big : 17;
		shallow_graph_sized(&t, 1, g, w12);
		run(&r, &t, 0);
		if (k)
			assert_non_null(r.s->self_size.hi);
		else
			assert_null(r.s->self_size.hi);
		assert_non_null(r.a.self_size.hi);
		for (i = 0; i < 13; i++) {
			uint64_t w = i == 12 ? w12 : want[i];
			if (hs_shallow_size(&r.a, i) != w)
				fail_msg("case %u node %u: shallow %llu, expected %llu", k, i,
					 (unsigned long long)hs_shallow_size(&r.a, i), (unsigned long long)w);
		}
		assert_true(hs_self_size(r.s, 1) == g);
		assert_true(hs_self_size(r.s, 12) == w12);
		assert_true(r.a.dom.retained[0] == 96 - 10 - 17 + g + w12);
		assert_true(r.a.dom.retained[1] == g + 18 + 20 + 7); /* global dominates Foo and the array */
		unrun(&r);
		tb_release(&t);
	}
}

/* ---- distances ------------------------------------------------------------ */

/* 0 -shortcut-> 1 global (user root: 1); 1 -> 2 (2); 2 -> 3 (3);
 * 1 -weak-> 4: only a weak path -> no distance;
 * 0 -element-> 5 "(GC roots)" synthetic: root = 100000000, 5 = 100000001,
 * 5 -> 6 hidden = 100000002, 6 -> 2 (already 2, unchanged), 6 -> 8 = 100000003;
 * 7 isolated -> no distance.
 * WeakMap: 1 -> 9 table (2); 1 -> 10 (2) -> 11 (3) -> 12 key (4);
 *   9 -internal "1 / part of key ... (table @19)"-> 13, 12 -internal "2 / <same>"-> 13:
 *   the first ephemeron edge is skipped, so 13 = max(2, 4) + 1 = 5.
 * 1 -> 14 hidden "system / NativeContext" (2) -internal sloppy_function_map-> 15:
 *   skipped, 15 only via 8 -> 15 = 100000004. */
static void test_distances(void **state)
{
	static const int32_t want[] = { 100000000, 1, 2, 3, HS_NO_DISTANCE, 100000001, 100000002,
		HS_NO_DISTANCE, 100000003, 2, 2, 3, 4, 5, 2, 100000004 };
	const char *pair = " / part of key (Key @25) -> value (Val @27) pair in WeakMap (table @19)";
	char n1[128], n2[128];
	struct tb t;
	struct run r;
	uint32_t i;
	(void)state;
	snprintf(n1, sizeof(n1), "1%s", pair);
	snprintf(n2, sizeof(n2), "2%s", pair);
	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	tb_node(&t, "object", "global", 3, 1);
	tb_node(&t, "object", "A", 5, 1);
	tb_node(&t, "object", "B", 7, 1);
	tb_node(&t, "object", "W", 9, 1);
	tb_node(&t, "synthetic", "(GC roots)", 11, 0);
	tb_node(&t, "hidden", "system / X", 13, 1);
	tb_node(&t, "object", "Lone", 15, 1);
	tb_node(&t, "object", "Sys", 17, 1);
	tb_node(&t, "object", "WeakMap", 19, 1);
	tb_node(&t, "object", "P", 21, 1);
	tb_node(&t, "object", "Q", 23, 1);
	tb_node(&t, "object", "Key", 25, 1);
	tb_node(&t, "object", "Val", 27, 1);
	tb_node(&t, "hidden", "system / NativeContext", 29, 1);
	tb_node(&t, "object", "Map", 31, 1);
	tb_edge(&t, 0, "shortcut", "global", 1);
	tb_edge_i(&t, 0, "element", 1, 5);
	tb_edge(&t, 1, "property", "a", 2);
	tb_edge(&t, 2, "property", "b", 3);
	tb_edge(&t, 1, "weak", "w", 4);
	tb_edge_i(&t, 5, "element", 0, 6);
	tb_edge(&t, 6, "internal", "x", 2);
	tb_edge(&t, 6, "internal", "y", 8);
	tb_edge(&t, 1, "property", "map", 9);
	tb_edge(&t, 1, "property", "p", 10);
	tb_edge(&t, 10, "property", "q", 11);
	tb_edge(&t, 11, "property", "k", 12);
	tb_edge(&t, 9, "internal", n1, 13);
	tb_edge(&t, 12, "internal", n2, 13);
	tb_edge(&t, 1, "internal", "native_context", 14);
	tb_edge(&t, 14, "internal", "sloppy_function_map", 15);
	tb_edge(&t, 8, "internal", "m", 15);
	run(&r, &t, 0);
	for (i = 0; i < 16; i++)
		if (r.a.distance[i] != want[i])
			fail_msg("node %u: distance %d, expected %d", i, r.a.distance[i], want[i]);
	unrun(&r);
	tb_release(&t);
}

/* Without user roots the root is at 0 and everything counts from it:
 * 0 -element-> 1 "(GC roots)" (1) -> 2 (2) -> 3 (3); 4 isolated. */
static void test_distances_no_user_roots(void **state)
{
	static const int32_t want[] = { 0, 1, 2, 3, HS_NO_DISTANCE };
	struct tb t;
	struct run r;
	uint32_t i;
	(void)state;
	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	tb_node(&t, "synthetic", "(GC roots)", 3, 0);
	tb_node(&t, "object", "A", 5, 8);
	tb_node(&t, "object", "B", 7, 8);
	tb_node(&t, "object", "C", 9, 8);
	tb_edge_i(&t, 0, "element", 1, 1);
	tb_edge_i(&t, 1, "element", 0, 2);
	tb_edge(&t, 2, "property", "b", 3);
	run(&r, &t, 0);
	for (i = 0; i < 5; i++)
		assert_int_equal(r.a.distance[i], want[i]);
	unrun(&r);
	tb_release(&t);
}

/* ---- class names ---------------------------------------------------------- */

static void test_class_names(void **state)
{
	struct tb t;
	struct run r;
	uint32_t k = 0, i;
	(void)state;
	tb_init(&t);
	k++, tb_node(&t, "synthetic", "", 1, 0);                      /* 0 */
	k++, tb_node(&t, "hidden", "system / Context", 3, 1);         /* 1 */
	k++, tb_node(&t, "code", "(shared function info)", 5, 1);    /* 2 */
	k++, tb_node(&t, "closure", "handler", 7, 1);                 /* 3 */
	k++, tb_node(&t, "regexp", "a+b", 9, 1);                      /* 4 */
	k++, tb_node(&t, "string", "hello", 11, 1);                   /* 5 */
	k++, tb_node(&t, "concatenated string", "hel", 13, 1);        /* 6 */
	k++, tb_node(&t, "array", "(object elements)", 15, 1);        /* 7 */
	k++, tb_node(&t, "number", "heap number", 17, 1);             /* 8 */
	k++, tb_node(&t, "native", "<div id=\"a\" class=\"x\">", 18, 1); /* 9 */
	k++, tb_node(&t, "object", "Foo", 19, 1);                     /* 10 */
	k++, tb_node(&t, "native", "<span>", 20, 1);                  /* 11 */
	k++, tb_node(&t, "native", "<div id=\"b\">", 22, 1);          /* 12 detached */
	k++, tb_node(&t, "native", "HTMLDivElement", 24, 1);          /* 13 child of 12 via property */
	k++, tb_node(&t, "native", "Text", 26, 1);                    /* 14 child of 12 via hidden edge */
	k++, tb_node(&t, "object", "JSObj", 27, 1);                   /* 15 child of 12: JS, not renamed */
	k++, tb_node(&t, "native", "<p>", 28, 1);                     /* 16 attached (1), also child of 12 */
	k++, tb_node(&t, "synthetic", "(GC roots)", 29, 0);           /* 17 */
	k++, tb_node(&t, "sliced string", "s", 31, 1);                /* 18 */
	k++, tb_node(&t, "symbol", "sym", 33, 1);                     /* 19 */
	k++, tb_node(&t, "bigint", "big", 35, 1);                     /* 20 */
	k++, tb_node(&t, "object shape", "system / Map", 37, 1);      /* 21 */
	k++, tb_node(&t, "native", "Detached <ul class=\"q\">", 38, 1); /* 22 */
	/* plain objects: {a, b} twice, {a, b, c} once, {c} once, {} once */
	k++, tb_node(&t, "object", "Object", 41, 1);                  /* 23 {a, b} */
	k++, tb_node(&t, "object", "Object", 43, 1);                  /* 24 {b, a} order as listed */
	k++, tb_node(&t, "object", "Object", 45, 1);                  /* 25 {a, b, c} */
	k++, tb_node(&t, "object", "Object", 47, 1);                  /* 26 {c} */
	k++, tb_node(&t, "object", "Object", 49, 1);                  /* 27 no properties */
	k++, tb_node(&t, "object", "Object", 51, 1);                  /* 28 {a, __proto__, b} */
	t.nodes[12].detach = 2;
	t.nodes[16].detach = 1;
	t.nodes[9].detach = 1;
	tb_edge(&t, 12, "property", "child", 13);
	tb_edge_i(&t, 12, "hidden", 0, 14);
	tb_edge(&t, 12, "property", "js", 15);
	tb_edge(&t, 12, "property", "p", 16);
	tb_edge(&t, 23, "property", "a", 10);
	tb_edge(&t, 23, "property", "b", 10);
	tb_edge(&t, 24, "property", "a", 10);
	tb_edge(&t, 24, "property", "b", 10);
	tb_edge(&t, 25, "property", "a", 10);
	tb_edge(&t, 25, "property", "b", 10);
	tb_edge(&t, 25, "property", "c", 10);
	tb_edge(&t, 26, "property", "c", 10);
	tb_edge(&t, 28, "property", "a", 10);
	tb_edge(&t, 28, "property", "__proto__", 10);
	tb_edge(&t, 28, "property", "b", 10);
	tb_edge(&t, 27, "internal", "map", 21);
	for (i = 1; i < k; i++)
		tb_edge_i(&t, 0, "element", i, i);
	run(&r, &t, 0);
	assert_string_equal(cls(&r, 1), "(system)");
	assert_string_equal(cls(&r, 2), "(compiled code)");
	assert_string_equal(cls(&r, 3), "Function");
	assert_string_equal(cls(&r, 4), "RegExp");
	assert_string_equal(cls(&r, 5), "(string)");
	assert_string_equal(cls(&r, 6), "(concatenated string)");
	assert_string_equal(cls(&r, 7), "(array)");
	assert_string_equal(cls(&r, 8), "(number)");
	assert_string_equal(cls(&r, 9), "<div>");
	assert_string_equal(cls(&r, 10), "Foo");
	assert_string_equal(cls(&r, 11), "<span>");
	assert_string_equal(cls(&r, 12), "Detached <div>");
	assert_string_equal(cls(&r, 13), "Detached HTMLDivElement");
	assert_string_equal(cls(&r, 14), "Text");
	assert_string_equal(cls(&r, 15), "JSObj");
	assert_string_equal(cls(&r, 16), "<p>");
	assert_string_equal(cls(&r, 17), "(synthetic)");
	assert_string_equal(cls(&r, 18), "(sliced string)");
	assert_string_equal(cls(&r, 19), "(symbol)");
	assert_string_equal(cls(&r, 20), "(bigint)");
	assert_string_equal(cls(&r, 21), "(object shape)");
	assert_string_equal(cls(&r, 22), "Detached <ul>");
	assert_string_equal(cls(&r, 23), "{a, b}");
	assert_string_equal(cls(&r, 24), "{a, b}");
	assert_string_equal(cls(&r, 25), "{a, b}");
	assert_string_equal(cls(&r, 26), "Object");
	assert_string_equal(cls(&r, 27), "Object");
	assert_string_equal(cls(&r, 28), "{a, b}");
	assert_int_equal(r.a.dom_state[12], 2);
	assert_int_equal(r.a.dom_state[13], 2);
	assert_int_equal(r.a.dom_state[14], 0);
	assert_int_equal(r.a.dom_state[16], 1);
	assert_int_equal(r.a.classes.n_interfaces, 1);
	/* the class of a node is shared by name: both <div ...> attached are one class */
	assert_int_equal(r.a.classes.class_of[9], r.a.classes.class_of[9]);
	unrun(&r);
	tb_release(&t);
}

/* Interfaces: the most common candidate wins when several match.
 * {x, y} on 3 objects, {x, y, z} on 2 objects, one object {x, y, z, w}:
 * definitions {x, y} (3) and {x, y, z} (2); the {x, y, z, w} object takes
 * the definition with the most properties it contains: {x, y, z}.
 * One {x} object matches nothing: Object.  An object whose name is "Foo"
 * keeps "Foo" whatever its properties. */
static void test_interfaces(void **state)
{
	struct tb t;
	struct run r;
	uint32_t i, o[8];
	(void)state;
	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	tb_node(&t, "object", "V", 3, 1);
	for (i = 0; i < 7; i++)
		o[i] = tb_node(&t, "object", "Object", 5 + 2 * i, 8);
	o[7] = tb_node(&t, "object", "Foo", 99, 8);
	for (i = 0; i < 8; i++)
		tb_edge_i(&t, 0, "element", i, o[i]);
	for (i = 0; i < 3; i++) {
		tb_edge(&t, o[i], "property", "x", 1);
		tb_edge(&t, o[i], "property", "y", 1);
	}
	for (i = 3; i < 5; i++) {
		tb_edge(&t, o[i], "property", "x", 1);
		tb_edge(&t, o[i], "property", "y", 1);
		tb_edge(&t, o[i], "property", "z", 1);
	}
	tb_edge(&t, o[5], "property", "w", 1);
	tb_edge(&t, o[5], "property", "z", 1);
	tb_edge(&t, o[5], "property", "y", 1);
	tb_edge(&t, o[5], "property", "x", 1);
	tb_edge(&t, o[6], "property", "x", 1);
	tb_edge(&t, o[7], "property", "x", 1);
	tb_edge(&t, o[7], "property", "y", 1);
	run(&r, &t, 0);
	for (i = 0; i < 3; i++)
		assert_string_equal(cls(&r, o[i]), "{x, y}");
	assert_string_equal(cls(&r, o[3]), "{x, y, z}");
	assert_string_equal(cls(&r, o[4]), "{x, y, z}");
	assert_string_equal(cls(&r, o[5]), "{x, y, z}");
	assert_string_equal(cls(&r, o[6]), "Object");
	assert_string_equal(cls(&r, o[7]), "Foo");
	assert_int_equal(r.a.classes.n_interfaces, 2);
	assert_int_equal(klass(&r, "{x, y}")->count, 3);
	assert_int_equal(klass(&r, "{x, y, z}")->count, 3);
	assert_int_equal(klass(&r, "Object")->count, 1);
	unrun(&r);
	tb_release(&t);
}

/* Repeated property names (two symbol-keyed properties with one description
 * have edges of one name): DevTools counts every occurrence, in inference and
 * in matching (applyInterfaceDefinitions).  Objects, edges in this order:
 *   4 x {s}, 3 x {s, s}, 2 x {s, s, s}, 2 x {a, s, s}     the definitions, in
 *                                   this order (count, then first seen)
 *   X1 {s, s, q1}        -> {s, s}     (a sub-multiset with 2 of its 3 names)
 *   X2 {s, s, s, s, q2}  -> {s, s, s}  (the chain ends at three)
 *   X3 {a, s, q3}        -> {s}        ({a, s, s} needs a second s)
 *   X4 {a, s, s, q4}     -> {a, s, s}
 *   X5 {s, q5, s}        -> {s, s}     (the repeat need not be adjacent)
 * The trie: root -a-> A -s-> AS -s-> ASS={a,s,s}; root -s-> S={s} -s-> SS={s,s}
 * -s-> SSS.  For X4 (sorted a, q4, s, s): a keeps root (its greatest next is
 * s) and adds A; q4 is no key; the first s deletes root and A and adds S and
 * AS; the second s deletes S and AS and adds SS and ASS: best ASS (3 names).
 * Skipping the second s, or dropping S and AS in the step that added them
 * (their greatest next is s itself), gives {s} instead.
 * Counts: {s} 4+1, {s, s} 3+2, {s, s, s} 2+1, {a, s, s} 2+1; the X objects
 * are candidates seen once (below the minimum of 2): no interfaces of their own. */
static void test_interfaces_repeated_names(void **state)
{
	static const char *const shapes[][6] = {
		{ "s" }, { "s" }, { "s" }, { "s" },
		{ "s", "s" }, { "s", "s" }, { "s", "s" },
		{ "s", "s", "s" }, { "s", "s", "s" },
		{ "a", "s", "s" }, { "a", "s", "s" },
		{ "s", "s", "q1" }, { "s", "s", "s", "s", "q2" }, { "a", "s", "q3" },
		{ "a", "s", "s", "q4" }, { "s", "q5", "s" },
	};
	enum { NOBJ = sizeof(shapes) / sizeof(shapes[0]) };
	static const char *const want[NOBJ] = {
		"{s}", "{s}", "{s}", "{s}", "{s, s}", "{s, s}", "{s, s}",
		"{s, s, s}", "{s, s, s}", "{a, s, s}", "{a, s, s}",
		"{s, s}", "{s, s, s}", "{s}", "{a, s, s}", "{s, s}",
	};
	struct tb t;
	struct run r;
	uint32_t i, k, o[NOBJ], v;
	(void)state;
	tb_init(&t);
	tb_node(&t, "synthetic", "", 1, 0);
	v = tb_node(&t, "object", "V", 3, 1);
	tb_edge_i(&t, 0, "element", 0, v);
	for (i = 0; i < NOBJ; i++) {
		o[i] = tb_node(&t, "object", "Object", 5 + 2 * i, 8);
		tb_edge_i(&t, 0, "element", i + 1, o[i]);
	}
	for (i = 0; i < NOBJ; i++)
		for (k = 0; k < 6 && shapes[i][k]; k++)
			tb_edge(&t, o[i], "property", shapes[i][k], v);
	run(&r, &t, 0);
	for (i = 0; i < NOBJ; i++)
		assert_string_equal(cls(&r, o[i]), want[i]);
	assert_int_equal(r.a.classes.n_interfaces, 4);
	assert_string_equal(r.a.classes.interfaces.v[0].name, "{s}");
	assert_string_equal(r.a.classes.interfaces.v[1].name, "{s, s}");
	assert_string_equal(r.a.classes.interfaces.v[2].name, "{s, s, s}");
	assert_string_equal(r.a.classes.interfaces.v[3].name, "{a, s, s}");
	assert_int_equal(r.a.classes.interfaces.v[3].nprops, 3);
	assert_int_equal(klass(&r, "{s}")->count, 5);
	assert_int_equal(klass(&r, "{s, s}")->count, 5);
	assert_int_equal(klass(&r, "{s, s, s}")->count, 3);
	assert_int_equal(klass(&r, "{a, s, s}")->count, 3);
	unrun(&r);
	tb_release(&t);
}

/* ---- aggregates ------------------------------------------------------------ */

/* 0 -shortcut-> 1 Window (10)
 *   1 -> 2 Foo (100) -> 3 Foo (50) -> 4 Bar (7) -> 8 Bar (1)
 *   1 -> 5 Foo (30)
 *   1 -> 6 Foo (0) -> 7 Bar (9)
 * Dominator tree = the edges (a tree).  Retained: 8=1, 4=8, 3=58, 2=158,
 * 5=30, 7=9, 6=9, 1=10+158+30+9=207, root=207.
 * Foo: count 3 (6 has size 0), self 180, retained 158+30 = 188 (3 is inside
 *      2; 6 has size 0 and does not count), distance 2.
 * Bar: count 3, self 17, retained 8 (4; 8 is inside 4) + 9 (7) = 17,
 *      distance min(4, 3, 5) = 3.
 * Window: count 1, self 10, retained 207, distance 1. */
static void aggregates_graph(struct tb *t)
{
	tb_init(t);
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "object", "Window", 3, 10);
	tb_node(t, "object", "Foo", 5, 100);
	tb_node(t, "object", "Foo", 7, 50);
	tb_node(t, "object", "Bar", 9, 7);
	tb_node(t, "object", "Foo", 11, 30);
	tb_node(t, "object", "Foo", 13, 0);
	tb_node(t, "object", "Bar", 15, 9);
	tb_node(t, "object", "Bar", 17, 1);
	tb_edge(t, 0, "shortcut", "global", 1);
	tb_edge(t, 1, "property", "a", 2);
	tb_edge(t, 2, "property", "b", 3);
	tb_edge(t, 3, "property", "c", 4);
	tb_edge(t, 4, "property", "d", 8);
	tb_edge(t, 1, "property", "e", 5);
	tb_edge(t, 1, "property", "f", 6);
	tb_edge(t, 6, "property", "g", 7);
}

static void test_aggregates(void **state)
{
	struct tb t;
	struct run r;
	const struct hs_class *c;
	(void)state;
	aggregates_graph(&t);
	run(&r, &t, 0);
	assert_int_equal(r.a.dom.retained[0], 207);
	assert_int_equal(r.a.dom.retained[1], 207);
	assert_int_equal(r.a.dom.retained[2], 158);
	c = klass(&r, "Foo");
	assert_int_equal(c->count, 3);
	assert_int_equal(c->self_size, 180);
	assert_int_equal(c->retained_size, 188);
	assert_int_equal(c->distance, 2);
	c = klass(&r, "Bar");
	assert_int_equal(c->count, 3);
	assert_int_equal(c->self_size, 17);
	assert_int_equal(c->retained_size, 17);
	assert_int_equal(c->distance, 3);
	c = klass(&r, "Window");
	assert_int_equal(c->count, 1);
	assert_int_equal(c->self_size, 10);
	assert_int_equal(c->retained_size, 207);
	assert_int_equal(c->distance, 1);
	c = klass(&r, "(synthetic)");
	assert_int_equal(c->count, 0);
	assert_int_equal(c->self_size, 0);
	unrun(&r);
	tb_release(&t);
}

/* opts.beside_aggregates is called once per run, with the finished
 * dominators, distances and class names (the graph of test_aggregates:
 * node 2 is a Foo at distance 2 retaining 158), on the second thread with
 * two jobs and on this one with one. */
struct beside_seen {
	int calls, other_thread;
	pthread_t main;
	uint64_t retained2;
	int32_t distance2;
	char class2[16];
};

static void beside_record(void *ctx, const struct hs_analysis *a)
{
	struct beside_seen *b = ctx;

	b->calls++;
	b->other_thread = !pthread_equal(pthread_self(), b->main);
	b->retained2 = a->dom.retained[2];
	b->distance2 = a->distance[2];
	snprintf(b->class2, sizeof(b->class2), "%s", hs_class_name(&a->classes, a->classes.class_of[2]));
}

static void test_beside_aggregates(void **state)
{
	struct tb t;
	int jobs;
	(void)state;
	aggregates_graph(&t);
	for (jobs = 1; jobs <= 2; jobs++) {
		struct beside_seen b = { 0, 0, pthread_self(), 0, 0, "" };
		struct hs_analysis_opts o;
		struct run r;
		memset(&o, 0, sizeof(o));
		o.jobs = jobs;
		o.beside_aggregates = beside_record;
		o.beside_ctx = &b;
		run_opts(&r, &t, &o);
		assert_int_equal(b.calls, 1);
		assert_int_equal(b.other_thread, jobs == 2);
		assert_int_equal(b.retained2, 158);
		assert_int_equal(b.distance2, 2);
		assert_string_equal(b.class2, "Foo");
		assert_non_null(r.a.classes.cls); /* and the rows were aggregated */
		unrun(&r);
	}
	tb_release(&t);
}

/* ---- statistics -------------------------------------------------------------- */

/* No user roots (only (GC roots) under the root), so sizes are the file's.
 * code 11 | string 13, cons 17, sliced 19 | native X 23,
 * native "system / JSArrayBufferData" 29 | hidden 31 |
 * Array 37 -elements-> array 41 (only retainer) | Array 43 -elements-> array 47,
 * also retained by Foo 53 | Foo 53; extra_native_bytes 1000.
 * Sum of sizes 364: total = 1364; native = 23+29+1000 = 1052; typed 29;
 * code 11; strings 49; system 31; js_arrays = 37+41 + 43 = 121;
 * v8_heap = 1364-1052 = 312. */
static void test_statistics(void **state)
{
	struct tb t;
	struct run r;
	uint32_t i;
	(void)state;
	tb_init(&t);
	t.extra_native_bytes = 1000;
	tb_node(&t, "synthetic", "", 1, 0);                       /* 0 */
	tb_node(&t, "synthetic", "(GC roots)", 3, 0);             /* 1 */
	tb_node(&t, "code", "system / Code", 5, 11);              /* 2 */
	tb_node(&t, "string", "s", 7, 13);                        /* 3 */
	tb_node(&t, "concatenated string", "c", 9, 17);           /* 4 */
	tb_node(&t, "sliced string", "l", 11, 19);                /* 5 */
	tb_node(&t, "native", "X", 12, 23);                       /* 6 */
	tb_node(&t, "native", "system / JSArrayBufferData", 13, 29); /* 7 */
	tb_node(&t, "hidden", "system / H", 15, 31);              /* 8 */
	tb_node(&t, "object", "Array", 17, 37);                   /* 9 */
	tb_node(&t, "array", "(object elements)", 19, 41);        /* 10 */
	tb_node(&t, "object", "Array", 21, 43);                   /* 11 */
	tb_node(&t, "array", "(object elements)", 23, 47);        /* 12 */
	tb_node(&t, "object", "Foo", 25, 53);                     /* 13 */
	tb_edge_i(&t, 0, "element", 1, 1);
	for (i = 2; i < 14; i++)
		if (i != 10 && i != 12)
			tb_edge_i(&t, 1, "element", i, i);
	tb_edge(&t, 9, "internal", "elements", 10);
	tb_edge(&t, 11, "internal", "elements", 12);
	tb_edge(&t, 13, "property", "arr", 12);
	run(&r, &t, 0);
	assert_int_equal(r.a.graph.user_roots, 0);
	assert_int_equal(r.a.stats.total, 1364);
	assert_int_equal(r.a.stats.native, 1052);
	assert_int_equal(r.a.stats.typed_arrays, 29);
	assert_int_equal(r.a.stats.code, 11);
	assert_int_equal(r.a.stats.strings, 49);
	assert_int_equal(r.a.stats.system, 31);
	assert_int_equal(r.a.stats.js_arrays, 121);
	assert_int_equal(r.a.stats.v8_heap, 312);
	unrun(&r);
	tb_release(&t);
}

/* hs_utf16_len: JavaScript .length of UTF-8 text. */
static void test_utf16_len(void **state)
{
	(void)state;
	assert_int_equal(hs_utf16_len("abc", 3), 3);
	assert_int_equal(hs_utf16_len("\xc3\xa9t\xc3\xa9", 5), 3);
	assert_int_equal(hs_utf16_len("\xe2\x82\xac", 3), 1);
	assert_int_equal(hs_utf16_len("\xf0\x9f\x98\x80", 4), 2);
	assert_int_equal(hs_utf16_len("", 0), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_shallow_sizes),
		cmocka_unit_test(test_shallow_sizes_wide),
		cmocka_unit_test(test_distances),
		cmocka_unit_test(test_distances_no_user_roots),
		cmocka_unit_test(test_class_names),
		cmocka_unit_test(test_interfaces),
		cmocka_unit_test(test_interfaces_repeated_names),
		cmocka_unit_test(test_aggregates),
		cmocka_unit_test(test_beside_aggregates),
		cmocka_unit_test(test_statistics),
		cmocka_unit_test(test_utf16_len),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
