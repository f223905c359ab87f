/* The three-snapshot technique (hsnap/leaks.h) on three hand-built snapshots
 * of one "process".  Expected values worked out by hand:
 *
 *   A: root -> Window(3, 100) .k Foo(7, 10)
 *   B: A + Window .x Foo(11, 10), .y Foo(13, 10), .w Foo(17, 10),
 *          Foo(13) .z Bar(15, 20), Window .s system / X(19, 5, code)
 *   C: B without Foo(17)
 *
 * New in B: 11, 13, 15, 17, 19 (5); alive in C: 11, 13, 15, 19; 19 is a V8
 * internal (hidden unless all).  Foo: 2 objects, self 20, retained 10 + 30
 * (13 dominates Bar); Bar: 1, self 20, retained 20; total retained 40 (Bar
 * lies under Foo 13: counted once).  In C the class Foo has 3 objects, self
 * 30, retained 50; C has 7 nodes and 155 bytes.  With a filter that drops
 * Foo 13 and system / X 19, see below. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hsnap/leaks.h"
#include "testutil.h"

struct snap { struct hs_snapshot *s; struct hs_analysis a; };

/* step 0: A, 1: B, 2: C */
static void build(struct snap *r, int step)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	struct tb t;
	uint32_t root, win, foo13;
	size_t len;
	char *j;

	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	win = tb_node(&t, "object", "Window", 3, 100);
	tb_edge_i(&t, root, "element", 1, win);
	tb_edge(&t, win, "property", "k", tb_node(&t, "object", "Foo", 7, 10));
	if (step > 0) {
		tb_edge(&t, win, "property", "x", tb_node(&t, "object", "Foo", 11, 10));
		tb_edge(&t, win, "property", "y", foo13 = tb_node(&t, "object", "Foo", 13, 10));
		tb_edge(&t, foo13, "property", "z", tb_node(&t, "object", "Bar", 15, 20));
		tb_edge(&t, win, "property", "s", tb_node(&t, "code", "system / X", 19, 5));
	}
	if (step == 1)
		tb_edge(&t, win, "property", "w", tb_node(&t, "object", "Foo", 17, 10));
	j = tb_json(&t, &len);
	r->s = load_ok(j, len, 0);
	free(j);
	tb_release(&t);
	memset(&o, 0, sizeof(o));
	if (hs_analysis_run(&r->a, r->s, &o, &err) != 0)
		fail_msg("analysis failed: %s", err.msg);
}

static void side_of(int step, struct hs_class_names *ns, struct hs_side *side)
{
	struct snap r;
	build(&r, step);
	hs_side_from_analysis(side, ns, &r.a);
	hs_analysis_release(&r.a);
	hs_snapshot_free(r.s);
}

static const struct hs_leak_class *find(const struct hs_leaks *r, const struct hs_analysis *a, const char *name)
{
	uint32_t k;
	for (k = 0; k < r->n; k++)
		if (!strcmp(hs_class_name(&a->classes, r->v[k].cls), name))
			return &r->v[k];
	return NULL;
}

static void three_snapshots(void **state)
{
	struct hs_class_names ns;
	struct hs_side sa, sb, sc;
	struct snap c;
	struct hs_leaks r;
	struct hs_gate_row total, *rows;
	const struct hs_leak_class *foo, *x;
	uint64_t *keep;
	uint32_t n;
	(void)state;

	hs_class_names_init(&ns);
	build(&c, 2);
	hs_side_from_analysis(&sc, &ns, &c.a);
	side_of(0, &ns, &sa);
	side_of(1, &ns, &sb);

	hs_leaks_find(&r, &sa, &sb, &sc, &c.a, &ns, 0, NULL);
	assert_int_equal(r.new_in_b, 5);
	assert_int_equal(r.leaked, 3);
	assert_int_equal(r.hidden, 1);
	assert_int_equal(r.retained, 40);
	assert_int_equal(r.n, 2);
	foo = &r.v[0]; /* largest retained first */
	assert_string_equal(hs_class_name(&c.a.classes, foo->cls), "Foo");
	assert_int_equal(foo->count, 2);
	assert_int_equal(foo->self_size, 20);
	assert_int_equal(foo->retained_size, 40);
	assert_int_equal(foo->n, 2);
	assert_int_equal(hs_node_id(c.s, foo->nodes[0]), 11);
	assert_int_equal(hs_node_id(c.s, foo->nodes[1]), 13);
	assert_string_equal(hs_class_name(&c.a.classes, r.v[1].cls), "Bar");
	assert_int_equal(r.v[1].retained_size, 20);

	hs_leaks_gate_rows(&r, &c.a, &total, &rows);
	assert_string_equal(rows[0].name, "Foo");
	assert_int_equal(rows[0].value[HS_METRIC_COUNT], 2);
	assert_int_equal(rows[0].base[HS_METRIC_COUNT], 3);
	assert_int_equal(rows[0].base[HS_METRIC_SELF], 30);
	assert_int_equal(rows[0].value[HS_METRIC_RETAINED], 40);
	assert_int_equal(rows[0].base[HS_METRIC_RETAINED], 50);
	assert_null(total.name);
	assert_int_equal(total.value[HS_METRIC_COUNT], 3);
	assert_int_equal(total.base[HS_METRIC_COUNT], 7);
	assert_int_equal(total.value[HS_METRIC_SELF], 40);
	assert_int_equal(total.value[HS_METRIC_RETAINED], 40);
	assert_int_equal(total.base[HS_METRIC_RETAINED], 155);
	free(rows);
	hs_leaks_release(&r);

	/* --all: the internal object (class "(compiled code)", as DevTools names code) is shown */
	hs_leaks_find(&r, &sa, &sb, &sc, &c.a, &ns, 1, NULL);
	assert_int_equal(r.leaked, 4);
	assert_int_equal(r.hidden, 0);
	assert_int_equal(r.retained, 45);
	assert_non_null(x = find(&r, &c.a, "(compiled code)"));
	assert_int_equal(x->count, 1);
	assert_int_equal(x->retained_size, 5);
	hs_leaks_release(&r);

	/* a filter (keep) that drops Foo 13 and the internal 19: Foo 11 alone
	 * (retained 10); Bar 15 is no longer under a leaked Foo, so it is
	 * outermost: total 10 + 20; 13 and 19 are filtered, not hidden */
	keep = calloc(c.s->node_count / 64 + 1, sizeof(*keep)); /* bit n: node n (alloc.h) */
	assert_non_null(keep);
	for (n = 0; n < c.s->node_count; n++)
		if (hs_node_id(c.s, n) != 13 && hs_node_id(c.s, n) != 19)
			keep[n / 64] |= (uint64_t)1 << (n % 64);
	hs_leaks_find(&r, &sa, &sb, &sc, &c.a, &ns, 0, keep);
	assert_int_equal(r.new_in_b, 5);
	assert_int_equal(r.leaked, 2);
	assert_int_equal(r.hidden, 0);
	assert_int_equal(r.filtered, 2);
	assert_int_equal(r.retained, 30);
	assert_int_equal(r.n, 2);
	assert_string_equal(hs_class_name(&c.a.classes, r.v[0].cls), "Bar");
	assert_int_equal(r.v[0].retained_size, 20);
	assert_non_null(foo = find(&r, &c.a, "Foo"));
	assert_int_equal(foo->count, 1);
	assert_int_equal(foo->self_size, 10);
	assert_int_equal(foo->retained_size, 10);
	assert_int_equal(hs_node_id(c.s, foo->nodes[0]), 11);
	hs_leaks_release(&r);
	free(keep);

	hs_side_release(&sa);
	hs_side_release(&sb);
	hs_side_release(&sc);
	hs_class_names_release(&ns);
	hs_analysis_release(&c.a);
	hs_snapshot_free(c.s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(three_snapshots),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
