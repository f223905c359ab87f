/* hsnap verify's checks (hsnap/verify.h) on a hand-built snapshot with one of
 * each finding.  By hand:
 *
 *   root(1) -element-> A(3, 10);  A .self -> A (self-loop);  A -weak-> W(5, 7);
 *   A .d -> D(3, 1) (a second id 3);  U(7, 3) unreachable;  header: 9 nodes
 *
 * 5 nodes and 4 edges (the header lies about the nodes), 1 duplicate id,
 * 1 node unreachable (U) and 1 more reachable only through a weak edge (W),
 * 1 self-loop, root's retained size 21 = 10 + 7 + 1 + 3 (unreachable nodes
 * hang off the root for dominators) = the sum of self sizes. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hsnap/verify.h"
#include "testutil.h"

static void one_of_each(void **state)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	struct hs_check c[HS_VERIFY_MAX_CHECKS];
	struct hs_snapshot *s;
	struct hs_analysis a;
	struct tb t;
	uint32_t root, x;
	size_t len, n;
	char *j;
	(void)state;

	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	x = tb_node(&t, "object", "A", 3, 10);
	tb_edge_i(&t, root, "element", 1, x);
	tb_edge(&t, x, "property", "self", x);
	tb_edge(&t, x, "weak", "w", tb_node(&t, "object", "W", 5, 7));
	tb_edge(&t, x, "property", "d", tb_node(&t, "object", "D", 3, 1));
	tb_node(&t, "object", "U", 7, 3);
	t.header_nodes = 9;
	j = tb_json(&t, &len);
	s = load_ok(j, len, 0);
	free(j);
	tb_release(&t);
	memset(&o, 0, sizeof(o));
	o.raw_sizes = 1;
	if (hs_analysis_run(&a, s, &o, &err) != 0)
		fail_msg("analysis failed: %s", err.msg);

	n = hs_verify_run(s, &a, c);
	assert_int_equal(n, 7);
	assert_string_equal(c[0].name, "header counts");
	assert_int_equal(c[0].ok, HS_CHECK_NOTE);
	assert_string_equal(c[0].detail, "header says 9 nodes and 4 edges, the arrays hold 5 and 4");
	assert_string_equal(c[1].name, "node types");
	assert_int_equal(c[1].ok, HS_CHECK_OK);
	assert_string_equal(c[2].name, "unique ids");
	assert_int_equal(c[2].ok, HS_CHECK_NOTE);
	assert_non_null(strstr(c[2].detail, "1 nodes share an id"));
	assert_string_equal(c[3].name, "reachability");
	assert_int_equal(c[3].ok, HS_CHECK_NOTE);
	assert_non_null(strstr(c[3].detail, "1 nodes unreachable from the root, 1 more reachable only through weak edges"));
	assert_string_equal(c[4].name, "self-loops");
	assert_int_equal(c[4].ok, HS_CHECK_OK);
	assert_non_null(strstr(c[4].detail, "1 edges from a node to itself"));
	assert_string_equal(c[5].name, "sum check");
	assert_int_equal(c[5].ok, HS_CHECK_OK);
	assert_string_equal(c[5].detail, "retained size of the root 21 = sum of shallow sizes 21");
	assert_string_equal(c[6].name, "root");
	assert_int_equal(c[6].ok, HS_CHECK_OK);
	assert_non_null(strstr(c[6].detail, "root (ordinal 0) is synthetic"));
	hs_analysis_release(&a);
	hs_snapshot_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_of_each),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
