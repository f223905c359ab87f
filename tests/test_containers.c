/* Growing containers (hsnap/containers.h): what is counted per kind on a
 * hand-written snapshot, and the series rule (kept only while the count grows
 * strictly at every step, matched by id and kind) on hand-made lists. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"

static const struct hs_container *find(const struct hs_containers *c, uint64_t id)
{
	size_t i;
	for (i = 0; i < c->n; i++)
		if (c->v[i].id == id)
			return &c->v[i];
	return NULL;
}

/* root -> Window; Window .arr Array(id 20) [0] X [1] X {elements} (array) .__proto__ P
 *                  Window .m Map(id 30) {table} T; T {5} key-string {6} X {8} str {9} X {map} M
 *                  Window .o Obj(id 40) .a X .b X .__proto__ P
 *                  Window .w WeakMap(id 50) {table} T2 {5} X
 * Expected by hand: Array 2 (elements only), Map 4 (numbered table slots, not
 * {map}), object Obj 2 (not __proto__), Window 4 (.arr .m .o .w), WeakMap not a
 * container, P (no properties) below min_held 1. */
static void measure_counts(void **state)
{
	struct tb t;
	struct hs_snapshot *s;
	struct hs_containers c;
	const struct hs_container *x;
	uint32_t root, win, arr, map, tab, obj, wm, tab2, p, el, k1, k2, m, v1;
	char *j;
	size_t len;
	(void)state;

	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	win = tb_node(&t, "object", "Window", 3, 10);
	arr = tb_node(&t, "object", "Array", 20, 16);
	map = tb_node(&t, "object", "Map", 30, 16);
	tab = tb_node(&t, "array", "", 31, 64);
	obj = tb_node(&t, "object", "Obj", 40, 16);
	wm = tb_node(&t, "object", "WeakMap", 50, 16);
	tab2 = tb_node(&t, "array", "", 51, 32);
	p = tb_node(&t, "object", "P", 60, 16);
	el = tb_node(&t, "array", "(object elements)", 61, 16);
	k1 = tb_node(&t, "string", "k1", 70, 16);
	k2 = tb_node(&t, "string", "k2", 72, 16);
	m = tb_node(&t, "hidden", "system / Map", 74, 16);
	v1 = tb_node(&t, "object", "X", 80, 16);
	tb_edge_i(&t, root, "element", 1, win);
	tb_edge(&t, win, "property", "arr", arr);
	tb_edge(&t, win, "property", "m", map);
	tb_edge(&t, win, "property", "o", obj);
	tb_edge(&t, win, "property", "w", wm);
	tb_edge_i(&t, arr, "element", 0, v1);
	tb_edge_i(&t, arr, "element", 1, v1);
	tb_edge(&t, arr, "internal", "elements", el);
	tb_edge(&t, arr, "property", "__proto__", p);
	tb_edge(&t, map, "internal", "table", tab);
	tb_edge(&t, tab, "internal", "5", k1);
	tb_edge(&t, tab, "internal", "6", v1);
	tb_edge(&t, tab, "internal", "8", k2);
	tb_edge(&t, tab, "internal", "9", v1);
	tb_edge(&t, tab, "internal", "map", m);
	tb_edge(&t, obj, "property", "a", v1);
	tb_edge(&t, obj, "property", "b", v1);
	tb_edge(&t, obj, "property", "__proto__", p);
	tb_edge(&t, wm, "internal", "table", tab2);
	tb_edge(&t, tab2, "internal", "5", v1);
	j = tb_json(&t, &len);
	s = load_ok(j, len, 0);
	hs_containers_measure(s, 1, &c);
	assert_non_null(x = find(&c, 20));
	assert_int_equal(x->kind, HS_CONT_ARRAY);
	assert_int_equal(x->held, 2);
	assert_non_null(x = find(&c, 30));
	assert_int_equal(x->kind, HS_CONT_MAP);
	assert_int_equal(x->held, 4);
	assert_non_null(x = find(&c, 40));
	assert_int_equal(x->kind, HS_CONT_OBJECT);
	assert_int_equal(x->held, 2);
	assert_non_null(x = find(&c, 3));
	assert_int_equal(x->held, 4);
	assert_null(find(&c, 50)); /* weak collections do not retain */
	assert_null(find(&c, 60)); /* no properties */
	assert_null(find(&c, 31)); /* internal arrays are not containers */
	assert_int_equal(c.n, 4);
	hs_containers_release(&c);
	hs_snapshot_free(s);
	free(j);
	tb_release(&t);
}

static void series(void **state)
{
	/* id 1 grows 1 -> 2 -> 3 (kept); id 2 grows then stays (dropped at step 3);
	 * id 3 grows but changes kind (another object took the id: dropped);
	 * id 4 disappears at step 2; id 5 is new at step 2 (never in the series) */
	struct hs_container s1[] = { { 1, 10, 1, HS_CONT_ARRAY }, { 2, 11, 5, HS_CONT_MAP },
				     { 3, 12, 1, HS_CONT_ARRAY }, { 4, 13, 1, HS_CONT_SET } };
	struct hs_container s2[] = { { 1, 20, 2, HS_CONT_ARRAY }, { 2, 21, 6, HS_CONT_MAP },
				     { 3, 22, 9, HS_CONT_OBJECT }, { 5, 23, 1, HS_CONT_ARRAY } };
	struct hs_container s3[] = { { 1, 30, 3, HS_CONT_ARRAY }, { 2, 31, 6, HS_CONT_MAP },
				     { 5, 33, 2, HS_CONT_ARRAY } };
	struct hs_containers c1 = { s1, 4 }, c2 = { s2, 4 }, c3 = { s3, 3 };
	struct hs_growing g;
	(void)state;

	hs_growing_start(&g, &c1);
	assert_int_equal(g.n, 4);
	hs_growing_step(&g, &c2);
	assert_int_equal(g.n, 2); /* ids 1 and 2 */
	assert_int_equal(g.id[0], 1);
	assert_int_equal(g.id[1], 2);
	hs_growing_step(&g, &c3);
	assert_int_equal(g.n, 1);
	assert_int_equal(g.id[0], 1);
	assert_int_equal(g.steps, 3);
	assert_int_equal(g.held[0], 1);
	assert_int_equal(g.held[1], 2);
	assert_int_equal(g.held[2], 3);
	assert_int_equal(g.node[0], 30); /* the ordinal in the last snapshot */
	hs_growing_release(&g);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(measure_counts),
		cmocka_unit_test(series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
