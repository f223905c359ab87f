/* Triage of one snapshot (hsnap/triage.h) on hand-built graphs; every
 * expected value is worked out by hand in the comment of its test. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hsnap/triage.h"
#include "testutil.h"

struct run { struct hs_snapshot *s; struct hs_analysis a; };

static void run(struct run *r, struct tb *t)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	size_t len;
	char *j = tb_json(t, &len);

	r->s = load_ok(j, len, 0);
	free(j);
	tb_release(t);
	memset(&o, 0, sizeof(o));
	o.parent_edges = 1;
	if (hs_analysis_run(&r->a, r->s, &o, &err) != 0)
		fail_msg("analysis failed: %s", err.msg);
}

static void unrun(struct run *r)
{
	hs_analysis_release(&r->a);
	hs_snapshot_free(r->s);
}

static const char *cls_of(const struct run *r, uint32_t cls)
{
	return hs_class_name(&r->a.classes, cls);
}

/* root -> Window(10) .d Div1(40) .c Div2(30)  (Div2 held only by Div1)
 *         Window .s Span(100)      (natives named "Detached ...")
 * 3 detached nodes; retained 70 (Div1 with Div2) + 100 = 170, Div2 counted
 * once; classes by retained size: Span (100, 1 node), Div (70, 2 nodes). */
static void detached(void **state)
{
	struct tb t;
	struct run r;
	struct hs_detached d;
	uint32_t root, win, d1;
	(void)state;

	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	win = tb_node(&t, "object", "Window", 3, 10);
	tb_edge_i(&t, root, "element", 1, win);
	d1 = tb_node(&t, "native", "Detached HTMLDivElement", 11, 40);
	tb_edge(&t, win, "property", "d", d1);
	tb_edge(&t, d1, "element", "c", tb_node(&t, "native", "Detached HTMLDivElement", 13, 30));
	tb_edge(&t, win, "property", "s", tb_node(&t, "native", "Detached HTMLSpanElement", 15, 100));
	run(&r, &t);
	hs_detached_find(&d, &r.a);
	assert_int_equal(d.count, 3);
	assert_int_equal(d.retained, 170);
	assert_int_equal(d.n, 2);
	assert_string_equal(cls_of(&r, d.v[0].cls), "Detached HTMLSpanElement");
	assert_int_equal(d.v[0].count, 1);
	assert_int_equal(d.v[0].retained, 100);
	assert_string_equal(cls_of(&r, d.v[1].cls), "Detached HTMLDivElement");
	assert_int_equal(d.v[1].count, 2);
	assert_int_equal(d.v[1].retained, 70);
	assert_int_equal(d.v[1].n, 2);
	assert_int_equal(d.v[1].nodes[0], d1);
	/* per class outermost: Div1 and Span, not Div2 */
	assert_true((d.outer[d1 >> 6] >> (d1 & 63)) & 1);
	assert_false((d.outer[(d1 + 1) >> 6] >> ((d1 + 1) & 63)) & 1);
	hs_detached_release(&d);
	unrun(&r);
}

/* Strings: "hello" x3 (20 each: Array[0], Array[1], Obj.c), "xy" x2 (16
 * each), "one" x1.  Wasted: hello 60 - 20 = 40, xy 32 - 16 = 16; total 56.
 * Top 1: hello only (total still 56), mostly held by the Array (2 of 3). */
static void duplicates(void **state)
{
	struct tb t;
	struct run r;
	struct hs_duplicates d;
	uint32_t root, win, arr, obj;
	size_t l;
	(void)state;

	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	win = tb_node(&t, "object", "Window", 3, 10);
	tb_edge_i(&t, root, "element", 1, win);
	arr = tb_node(&t, "object", "Array", 5, 16);
	obj = tb_node(&t, "object", "Obj", 7, 16);
	tb_edge(&t, win, "property", "arr", arr);
	tb_edge(&t, win, "property", "obj", obj);
	tb_edge_i(&t, arr, "element", 0, tb_node(&t, "string", "hello", 9, 20));
	tb_edge_i(&t, arr, "element", 1, tb_node(&t, "string", "hello", 11, 20));
	tb_edge(&t, obj, "property", "c", tb_node(&t, "string", "hello", 13, 20));
	tb_edge(&t, obj, "property", "x", tb_node(&t, "string", "xy", 15, 16));
	tb_edge(&t, obj, "property", "y", tb_node(&t, "string", "xy", 17, 16));
	tb_edge(&t, obj, "property", "z", tb_node(&t, "string", "one", 19, 16));
	run(&r, &t);
	hs_duplicates_find(&d, &r.a, 10);
	assert_int_equal(d.n, 2);
	assert_int_equal(d.wasted, 56);
	assert_string_equal(hs_str(&r.s->strings, d.v[0].str), "hello");
	assert_int_equal(d.v[0].count, 3);
	assert_int_equal(d.v[0].size, 60);
	assert_int_equal(d.v[0].wasted, 40);
	assert_string_equal(hs_str(&r.s->strings, d.v[1].str), "xy");
	assert_int_equal(d.v[1].wasted, 16);
	hs_duplicates_release(&d);
	hs_duplicates_find(&d, &r.a, 1);
	assert_int_equal(d.n, 1);
	assert_int_equal(d.wasted, 56);
	assert_true(!strncmp(d.v[0].held_by, "Array ", 6));
	l = strlen(d.v[0].held_by);
	assert_true(l > 4 && !strcmp(d.v[0].held_by + l - 4, " (2)"));
	hs_duplicates_release(&d);
	unrun(&r);
}

/* root -> Window(10) .c Cache(10) .e Entry(5) .b Blob(100);  Window .m Misc(5)
 * total 130; 50% -> limit 65.  Only Window hangs off the root: a suspect
 * (retained 130).  Accumulation point (child >= 130 / 10 * 8 = 104):
 * Cache 115 yes, Entry 105 yes, Blob 100 no -> Entry; chain Entry, Cache,
 * Window.  Classes retaining >= 65: Window 130, Cache 115, Entry 105, Blob 100. */
static void suspects(void **state)
{
	struct tb t;
	struct run r;
	struct hs_suspects su;
	uint32_t root, win, cache, entry, chain[17];
	(void)state;

	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	win = tb_node(&t, "object", "Window", 3, 10);
	tb_edge_i(&t, root, "element", 1, win);
	cache = tb_node(&t, "object", "Cache", 5, 10);
	entry = tb_node(&t, "object", "Entry", 7, 5);
	tb_edge(&t, win, "property", "c", cache);
	tb_edge(&t, cache, "property", "e", entry);
	tb_edge(&t, entry, "property", "b", tb_node(&t, "object", "Blob", 9, 100));
	tb_edge(&t, win, "property", "m", tb_node(&t, "object", "Misc", 11, 5));
	run(&r, &t);
	hs_suspects_find(&su, &r.a, 50);
	assert_int_equal(su.nobj, 1);
	assert_int_equal(su.obj[0].node, win);
	assert_int_equal(su.obj[0].ap, entry);
	assert_int_equal(su.ncls, 4);
	assert_string_equal(cls_of(&r, su.cls[0]), "Window");
	assert_string_equal(cls_of(&r, su.cls[1]), "Cache");
	assert_string_equal(cls_of(&r, su.cls[2]), "Entry");
	assert_string_equal(cls_of(&r, su.cls[3]), "Blob");
	assert_int_equal(hs_dominator_chain(&r.a, win, entry, chain), 3);
	assert_int_equal(chain[0], entry);
	assert_int_equal(chain[1], cache);
	assert_int_equal(chain[2], win);
	assert_int_not_equal(hs_edge_between(r.s, win, cache), UINT32_MAX);
	assert_int_equal(hs_edge_between(r.s, cache, win), UINT32_MAX);
	hs_suspects_release(&su);
	/* 90%: limit 117; Window still, but no class but Window */
	hs_suspects_find(&su, &r.a, 90);
	assert_int_equal(su.nobj, 1);
	assert_int_equal(su.ncls, 1);
	hs_suspects_release(&su);
	unrun(&r);
}

/* Closures (32 each): onMsg at script 5 line 10 col 2: c1, c2 (held only by
 * c1), c3; tick at 5:20:0: t1; b1 without a location (a builtin: hidden).
 * onMsg: 3 closures, self 96, retained c1 (64 with c2) + c3 (32) = 96;
 * tick: 1, 32, 32.  By count: onMsg, tick; onMsg's example is c1. */
static void closures(void **state)
{
	struct tb t;
	struct run r;
	struct hs_closures cl;
	uint32_t root, win, c1, c2, c3, t1, b1;
	char locs[128];
	(void)state;

	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	win = tb_node(&t, "object", "Window", 3, 10);
	tb_edge_i(&t, root, "element", 1, win);
	c1 = tb_node(&t, "closure", "onMsg", 5, 32);
	c2 = tb_node(&t, "closure", "onMsg", 7, 32);
	c3 = tb_node(&t, "closure", "onMsg", 9, 32);
	t1 = tb_node(&t, "closure", "tick", 11, 32);
	b1 = tb_node(&t, "closure", "push", 13, 32);
	tb_edge(&t, win, "property", "a", c1);
	tb_edge(&t, c1, "property", "next", c2);
	tb_edge(&t, win, "property", "b", c3);
	tb_edge(&t, win, "property", "t", t1);
	tb_edge(&t, win, "property", "p", b1);
	/* object_index = ordinal * 7 node fields */
	snprintf(locs, sizeof(locs), "[%u,5,10,2,%u,5,10,2,%u,5,10,2,%u,5,20,0]", c1 * 7, c2 * 7, c3 * 7, t1 * 7);
	t.location_fields = "object_index,script_id,line,column";
	t.locations_raw = locs;
	t.order = "snapshot,nodes,edges,locations,strings";
	run(&r, &t);
	hs_closures_by_function(&cl, &r.a);
	assert_int_equal(cl.hidden, 1);
	assert_int_equal(cl.n, 2);
	assert_string_equal(hs_node_name(r.s, cl.v[0].node), "onMsg");
	assert_int_equal(cl.v[0].node, c1);
	assert_int_equal(cl.v[0].count, 3);
	assert_int_equal(cl.v[0].self, 96);
	assert_int_equal(cl.v[0].retained, 96);
	assert_int_equal(cl.v[1].node, t1);
	assert_int_equal(cl.v[1].count, 1);
	assert_int_equal(cl.v[1].retained, 32);
	hs_closures_release(&cl);
	unrun(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(detached),
		cmocka_unit_test(duplicates),
		cmocka_unit_test(suspects),
		cmocka_unit_test(closures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
