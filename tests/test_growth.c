/* Growth over N snapshots (hsnap/growth.h) on hand-made class rows: which
 * classes grew, in which order for each sort, and the gate rows.  Every
 * expected value is worked out by hand in the comments. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hsnap/growth.h"
#include "testutil.h"

/* counts / retained sizes per snapshot (self = count * 10):
 *   Small   30 -> 60 -> 90       retained 300 -> 300 -> 300
 *   Big     10000 -> 10100 -> 10300   retained 1000 -> 2000 -> 3000
 *   Flat    5 -> 5 -> 5          retained 10 -> 20 -> 30
 *   Dip     4 -> 3 -> 9          retained 40 -> 30 -> 90
 *   New     (absent) -> 1 -> 2   retained 0 -> 5 -> 10          */
#define NC 5
static const char *const names[NC] = { "Small", "Big", "Flat", "Dip", "New" };
static const uint64_t counts[3][NC] = { { 30, 10000, 5, 4, 0 }, { 60, 10100, 5, 3, 1 }, { 90, 10300, 5, 9, 2 } };
static const uint64_t ret[3][NC] = { { 300, 1000, 10, 40, 0 }, { 300, 2000, 20, 30, 5 }, { 300, 3000, 30, 90, 10 } };

static void setup_sides(struct hs_class_names *ns, struct hs_side *sides, struct hs_class_row rows[3][NC])
{
	int i, k;

	hs_class_names_init(ns);
	for (k = 0; k < NC; k++)
		hs_class_names_intern(ns, names[k], strlen(names[k]));
	memset(sides, 0, 3 * sizeof(*sides));
	for (i = 0; i < 3; i++) {
		for (k = 0; k < NC; k++) {
			rows[i][k].count = counts[i][k];
			rows[i][k].self_size = counts[i][k] * 10;
			rows[i][k].retained_size = ret[i][k];
			rows[i][k].present = counts[i][k] > 0;
		}
		sides[i].rows = rows[i];
		sides[i].nrows = NC;
		sides[i].total_size = 1000 * (uint64_t)(i + 1);
	}
	sides[0].nrows = NC - 1; /* New is not in the first snapshot at all */
}

static const char *name_of(const struct hs_class_names *ns, const struct hs_growth *g, uint32_t k)
{
	return hs_str(&ns->names, g->rows[k].gid);
}

static void sorts(void **state)
{
	struct hs_class_names ns;
	struct hs_side sides[3];
	struct hs_class_row rows[3][NC];
	struct hs_growth g;
	(void)state;

	setup_sides(&ns, sides, rows);
	/* relative: Small 60/30 = 2, New 2/1 = 2 (tie: larger growth, Small 60),
	 * Big 300/10000; Flat never grew, Dip fell on one step */
	hs_growth_find(&g, &ns, sides, 3, HS_GROWTH_RELATIVE, 2);
	assert_int_equal(g.nrows, 3);
	assert_string_equal(name_of(&ns, &g, 0), "Small");
	assert_string_equal(name_of(&ns, &g, 1), "New");
	assert_string_equal(name_of(&ns, &g, 2), "Big");
	assert_int_equal(g.rows[0].count_growth, 60);
	assert_int_equal(g.rows[0].self_growth, 600);
	assert_int_equal(g.rows[0].steps_count, 2);
	assert_int_equal(g.rows[0].steps_retained, 0);
	hs_growth_release(&g);
	/* count: Big 300, Small 60, New 2; with one step enough, Dip (+5) too */
	hs_growth_find(&g, &ns, sides, 3, HS_GROWTH_COUNT, 1);
	assert_int_equal(g.nrows, 4);
	assert_string_equal(name_of(&ns, &g, 0), "Big");
	assert_string_equal(name_of(&ns, &g, 1), "Small");
	assert_string_equal(name_of(&ns, &g, 2), "Dip");
	assert_string_equal(name_of(&ns, &g, 3), "New");
	hs_growth_release(&g);
	/* retained: Big +2000, Flat +20 (its count never changed: listed by
	 * retained size), New +10; Small's retained size is flat */
	hs_growth_find(&g, &ns, sides, 3, HS_GROWTH_RETAINED, 2);
	assert_int_equal(g.nrows, 3);
	assert_string_equal(name_of(&ns, &g, 0), "Big");
	assert_string_equal(name_of(&ns, &g, 1), "Flat");
	assert_string_equal(name_of(&ns, &g, 2), "New");
	assert_int_equal(g.rows[1].steps_retained, 2);
	assert_int_equal(g.rows[1].count_growth, 0);
	hs_growth_release(&g);
	hs_class_names_release(&ns);
}

static void gate_rows(void **state)
{
	struct hs_class_names ns;
	struct hs_side sides[3];
	struct hs_class_row rows[3][NC];
	struct hs_growth g;
	struct hs_gate_row total, *gr;
	(void)state;

	setup_sides(&ns, sides, rows);
	hs_growth_find(&g, &ns, sides, 3, HS_GROWTH_COUNT, 2);
	hs_growth_gate_rows(&g, &ns, sides, 3, &total, &gr);
	/* rows in report order: Big, Small, New */
	assert_string_equal(gr[0].name, "Big");
	assert_int_equal(gr[0].value[HS_METRIC_COUNT], 300);
	assert_int_equal(gr[0].base[HS_METRIC_COUNT], 10000);
	assert_int_equal(gr[0].value[HS_METRIC_SELF], 3000);
	assert_int_equal(gr[0].value[HS_METRIC_RETAINED], 2000);
	assert_int_equal(gr[0].base[HS_METRIC_RETAINED], 1000);
	assert_string_equal(gr[2].name, "New");
	assert_int_equal(gr[2].base[HS_METRIC_COUNT], 0);
	/* total: counts 10039 -> 10406; sizes 1000 -> 3000 */
	assert_null(total.name);
	assert_int_equal(total.value[HS_METRIC_COUNT], 367);
	assert_int_equal(total.base[HS_METRIC_COUNT], 10039);
	assert_int_equal(total.value[HS_METRIC_SELF], 2000);
	assert_int_equal(total.value[HS_METRIC_RETAINED], 2000);
	assert_int_equal(total.base[HS_METRIC_SELF], 1000);
	free(gr);
	hs_growth_release(&g);
	hs_class_names_release(&ns);
}

/* --filter on one snapshot (hs_growth_filter_side), worked out by hand:
 *   root -element-> Window(3, 100) -property f-> Foo(5, 10)
 *                   Window -context c-> system / Context(7, 20) -context v-> Bar(9, 30)
 *   Orphan(11, 40): no edge leads to it (unreachable)
 * The context's 20 bytes move to Window, its one owner (DevTools'
 * re-attribution): Window 120, class (system) empty.  Unfiltered, Orphan
 * is a row (1 object, 40 bytes).  objectsRetainedByContexts keeps what
 * the root reaches only through a context, reachable nodes only (DevTools'
 * markUnreachableNodes): Bar (1 object, self and retained 30), not Orphan,
 * Foo or Window.  The analysis has no distances, as growth's (load_side). */
static void filter_side(void **state)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	struct hs_class_names ns;
	struct hs_side side;
	struct hs_filter f;
	struct hs_analysis a;
	struct hs_snapshot *s;
	struct tb t;
	uint32_t root, win, ctx;
	uint64_t nobjects, total;
	size_t len;
	char *j;
	(void)state;

	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	win = tb_node(&t, "object", "Window", 3, 100);
	tb_edge_i(&t, root, "element", 1, win);
	tb_edge(&t, win, "property", "f", tb_node(&t, "object", "Foo", 5, 10));
	ctx = tb_node(&t, "hidden", "system / Context", 7, 20);
	tb_edge(&t, win, "context", "c", ctx);
	tb_edge(&t, ctx, "context", "v", tb_node(&t, "object", "Bar", 9, 30));
	tb_node(&t, "object", "Orphan", 11, 40);
	j = tb_json(&t, &len);
	s = load_ok(j, len, 0);
	free(j);
	tb_release(&t);
	memset(&o, 0, sizeof(o));
	o.no_distances = 1;
	if (hs_analysis_run(&a, s, &o, &err) != 0)
		fail_msg("analysis failed: %s", err.msg);
	assert_null(a.distance);
	hs_class_names_init(&ns);
	hs_side_from_analysis(&side, &ns, &a);
	assert_int_equal(hs_side_row(&side, hs_class_names_intern(&ns, "Orphan", 6))->count, 1);
	assert_int_equal(hs_side_row(&side, hs_class_names_intern(&ns, "Window", 6))->self_size, 120);
	nobjects = side.nobjects;
	total = side.total_size;
	assert_int_equal(hs_filter_parse("objectsRetainedByContexts", &f, &err), 0);
	assert_int_equal(hs_growth_filter_side(&side, &ns, &a, &f, &err), 0);
	assert_int_equal(hs_side_row(&side, hs_class_names_intern(&ns, "Bar", 3))->count, 1);
	assert_int_equal(hs_side_row(&side, hs_class_names_intern(&ns, "Bar", 3))->self_size, 30);
	assert_int_equal(hs_side_row(&side, hs_class_names_intern(&ns, "Bar", 3))->retained_size, 30);
	assert_int_equal(hs_side_row(&side, hs_class_names_intern(&ns, "Orphan", 6))->count, 0);
	assert_int_equal(hs_side_row(&side, hs_class_names_intern(&ns, "Foo", 3))->count, 0);
	assert_int_equal(hs_side_row(&side, hs_class_names_intern(&ns, "Window", 6))->count, 0);
	/* the rest of the side is the whole snapshot's */
	assert_int_equal(side.nobjects, nobjects);
	assert_int_equal(side.total_size, total);
	assert_string_equal(side.file, s->file);
	/* a native context no snapshot has: an error, the rows unchanged */
	assert_int_equal(hs_filter_parse("nativeContext_999", &f, &err), 0);
	assert_int_equal(hs_growth_filter_side(&side, &ns, &a, &f, &err), HS_ERR_USAGE);
	assert_non_null(strstr(err.msg, "no native context has id 999"));
	assert_int_equal(hs_side_row(&side, hs_class_names_intern(&ns, "Bar", 3))->count, 1);
	hs_side_release(&side);
	hs_class_names_release(&ns);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sorts),
		cmocka_unit_test(gate_rows),
		cmocka_unit_test(filter_side),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
