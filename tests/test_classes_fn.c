/* Function rows (--by function, classes.h) on a hand-built snapshot, and the
 * gate's matching of them.  Expected values worked out by hand:
 *
 *   0 root -> 1 Window (object, 100)
 *   Window .s1 2 `system / Script / /app/chat.js` (code, 10)
 *          .s2 3 `system / Script / /app/other.js` (code, 10)
 *          .a  4 closure onMessage (32)  at chat.js  line 77 col 19 (0-based)
 *          .b  5 closure onMessage (32)  at chat.js  line 77 col 19
 *          .c  6 closure onMessage (32)  at other.js line 4 col 0
 *          .d  7 closure ""        (28)  at chat.js  line 9 col 2
 *          .e  8 closure tick      (24)  no location
 *   4 -context-> 9 `system / Context` (hidden, 20), held by 4 alone
 *
 * Rows: "onMessage (/app/chat.js:78:20)" 2 objects, self 64, retained
 * 52 + 32 = 84; "onMessage (/app/other.js:5:1)" 1, 32, 32; "(anonymous)
 * (/app/chat.js:10:3)" 1, 28, 28; "tick (no location)" 1, 24, 24; Function
 * (class view: 5 objects, self 148) empty; every other class as before. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "hsnap/analysis.h"
#include "hsnap/gate.h"
#include "testutil.h"

struct snap { struct hs_snapshot *s; struct hs_analysis a; struct hs_classes fc; };

static void build(struct snap *r)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	struct tb t;
	uint32_t root, win, f4;
	size_t len;
	char *j;

	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	win = tb_node(&t, "object", "Window", 3, 100);
	tb_edge_i(&t, root, "element", 1, win);
	tb_edge(&t, win, "property", "s1", tb_node(&t, "code", "system / Script / /app/chat.js", 5, 10));
	tb_edge(&t, win, "property", "s2", tb_node(&t, "code", "system / Script / /app/other.js", 7, 10));
	tb_edge(&t, win, "property", "a", f4 = tb_node(&t, "closure", "onMessage", 9, 32));
	tb_edge(&t, win, "property", "b", tb_node(&t, "closure", "onMessage", 11, 32));
	tb_edge(&t, win, "property", "c", tb_node(&t, "closure", "onMessage", 13, 32));
	tb_edge(&t, win, "property", "d", tb_node(&t, "closure", "", 15, 28));
	tb_edge(&t, win, "property", "e", tb_node(&t, "closure", "tick", 17, 24));
	tb_edge(&t, f4, "context", "context", tb_node(&t, "hidden", "system / Context", 19, 20));
	/* object_index, script_id, script_object_index (node offsets: ordinal * 7), line, column */
	t.location_fields = "object_index,script_id,script_object_index,line,column";
	t.locations_raw = "[28,81,14,77,19, 35,81,14,77,19, 42,82,21,4,0, 49,81,14,9,2]";
	t.order = "snapshot,nodes,edges,locations,strings";
	j = tb_json(&t, &len);
	r->s = load_ok(j, len, 0);
	free(j);
	tb_release(&t);
	memset(&o, 0, sizeof(o));
	o.raw_sizes = 1;
	if (hs_analysis_run(&r->a, r->s, &o, &err) != 0)
		fail_msg("analysis failed: %s", err.msg);
	hs_classes_by_function(&r->fc, &r->a.classes, r->s, &r->a.self_size, &r->a.dom, r->a.distance);
}

static void done(struct snap *r)
{
	hs_classes_release(&r->fc);
	hs_analysis_release(&r->a);
	hs_snapshot_free(r->s);
}

static uint32_t find(const struct hs_classes *c, const char *name)
{
	uint32_t k;
	for (k = 0; k < c->names.count; k++)
		if (!strcmp(hs_class_name(c, k), name))
			return k;
	fail_msg("no row '%s'", name);
	return 0;
}

static void row_is(const struct hs_classes *c, const char *name, uint64_t count, uint64_t self, uint64_t retained)
{
	const struct hs_class *cl = &c->cls[find(c, name)];
	if (cl->count != count || cl->self_size != self || cl->retained_size != retained)
		fail_msg("%s: %llu/%llu/%llu, expected %llu/%llu/%llu", name, (unsigned long long)cl->count,
			 (unsigned long long)cl->self_size, (unsigned long long)cl->retained_size,
			 (unsigned long long)count, (unsigned long long)self, (unsigned long long)retained);
}

/* one name in two places: two rows; one place twice: one row of two */
static void test_rows(void **state)
{
	struct snap r;
	uint32_t k;
	(void)state;
	build(&r);
	row_is(&r.a.classes, "Function", 5, 148, 168);
	row_is(&r.fc, "onMessage (/app/chat.js:78:20)", 2, 64, 84);
	row_is(&r.fc, "onMessage (/app/other.js:5:1)", 1, 32, 32);
	row_is(&r.fc, "(anonymous) (/app/chat.js:10:3)", 1, 28, 28);
	row_is(&r.fc, "tick (no location)", 1, 24, 24);
	row_is(&r.fc, "Function", 0, 0, 0);
	/* Window holds everything: 100 + 2 * 10 + 148 + 20 */
	row_is(&r.fc, "Window", 1, 100, 288);
	assert_int_equal(r.fc.cls[find(&r.fc, "onMessage (/app/chat.js:78:20)")].distance, 2);
	assert_int_equal(r.fc.class_of[4], r.fc.class_of[5]);
	assert_int_not_equal(r.fc.class_of[4], r.fc.class_of[6]);
	/* the other classes keep their ids and rows */
	assert_int_equal(r.fc.names.count, r.a.classes.names.count + 4);
	for (k = 0; k < r.a.classes.names.count; k++) {
		assert_string_equal(hs_class_name(&r.fc, k), hs_class_name(&r.a.classes, k));
		if (strcmp(hs_class_name(&r.fc, k), "Function"))
			assert_memory_equal(&r.fc.cls[k], &r.a.classes.cls[k], sizeof(r.fc.cls[k]));
	}
	for (k = 0; k < r.s->node_count; k++)
		if (r.s->node_type[k] != r.s->t.closure)
			assert_int_equal(r.fc.class_of[k], r.a.classes.class_of[k]);
	done(&r);
}

static void test_key(void **state)
{
	struct snap r;
	char buf[64];
	(void)state;
	build(&r);
	assert_int_equal(hs_function_key(r.s, 7, buf, sizeof(buf)), strlen("(anonymous) (/app/chat.js:10:3)"));
	assert_string_equal(buf, "(anonymous) (/app/chat.js:10:3)");
	/* cut to the buffer, the full length returned */
	assert_int_equal(hs_function_key(r.s, 4, buf, 10), strlen("onMessage (/app/chat.js:78:20)"));
	assert_string_equal(buf, "onMessage");
	done(&r);
}

/* a key keeps 1024 bytes of a name: a crafted snapshot costs what a real one does */
static void test_long_name(void **state)
{
	struct hs_snapshot *s;
	struct tb t;
	char name[2001], buf[1100];
	uint32_t root;
	size_t len;
	char *j;
	(void)state;
	memset(name, 'x', 2000);
	name[2000] = '\0';
	tb_init(&t);
	root = tb_node(&t, "synthetic", "", 1, 0);
	tb_edge_i(&t, root, "element", 1, tb_node(&t, "closure", name, 3, 32));
	j = tb_json(&t, &len);
	s = load_ok(j, len, 0);
	assert_int_equal(hs_function_key(s, 1, buf, sizeof(buf)), 1024 + strlen(" (no location)"));
	assert_string_equal(buf + 1024, " (no location)");
	assert_int_equal(strspn(buf, "x"), 1024);
	hs_snapshot_free(s);
	free(j);
	tb_release(&t);
}

static void parse_is(const char *key, size_t name_len, const char *script, uint32_t line, uint32_t col)
{
	struct hs_fn_key k;
	if (!hs_function_key_parse(key, &k))
		fail_msg("'%s' not parsed", key);
	assert_int_equal(k.name_len, name_len);
	if (!script) {
		assert_null(k.script);
	} else {
		assert_int_equal(k.script_len, strlen(script));
		assert_memory_equal(k.script, script, k.script_len);
	}
	assert_int_equal(k.line, line);
	assert_int_equal(k.column, col);
}

static void test_parse(void **state)
{
	static const char *const not_keys[] = { "Foo", "(system)", "(compiled code)", "system / Context", "Foo (bar)",
						"Foo (a.js:0:3)", "Foo (a.js:3)", "Foo (:3:4)", " (a.js:1:2)",
						"Foo (a.js:1:99999999999)", "{a, b}", "Foo (a.js:1:2) x" };
	struct hs_fn_key k;
	size_t i;
	(void)state;
	parse_is("onMessage (/app/chat.js:78:20)", 9, "/app/chat.js", 78, 20);
	parse_is("(anonymous) (file:///a/b.mjs:1:1)", 11, "file:///a/b.mjs", 1, 1);
	parse_is("f (/my dir (copy)/x.js:3:4)", 1, "/my dir (copy)/x.js", 3, 4);
	parse_is("tick (no location)", 4, NULL, 0, 0);
	parse_is("g (" HS_UNKNOWN_SCRIPT ":2:5)", 1, HS_UNKNOWN_SCRIPT, 2, 5);
	for (i = 0; i < sizeof(not_keys) / sizeof(not_keys[0]); i++)
		if (hs_function_key_parse(not_keys[i], &k))
			fail_msg("'%s' parsed as a function key", not_keys[i]);
}

/* what a user may type for a row: the key, the name, the key as text prints it */
static void test_selects(void **state)
{
	const char *key = "onMessage (/app/lib/chat.js:78:20)";
	(void)state;
	assert_true(hs_function_key_selects(key, key));
	assert_true(hs_function_key_selects(key, "onMessage"));
	assert_true(hs_function_key_selects(key, "onMessage (lib/chat.js:78:20)"));
	assert_true(hs_function_key_selects(key, "onMessage (chat.js:78:20)"));
	assert_false(hs_function_key_selects(key, "onMessage (at.js:78:20)"));     /* not at a '/' */
	assert_false(hs_function_key_selects(key, "onMessage (chat.js:78:21)"));
	assert_false(hs_function_key_selects(key, "onMessag (chat.js:78:20)"));
	assert_false(hs_function_key_selects(key, "onMessag"));
	assert_false(hs_function_key_selects(key, "(app/lib/chat.js:78:20)"));
	assert_false(hs_function_key_selects("Foo", "Foo"));                         /* a class row */
	assert_true(hs_function_key_selects("tick (no location)", "tick"));
}

static int matches(const char *rule, const char *name)
{
	struct hs_rule r;
	struct hs_error err = { 0, "" };
	if (hs_rule_parse(rule, &r, &err))
		fail_msg("rule '%s': %s", rule, err.msg);
	return hs_rule_matches(&r, name);
}

/* a rule selects a function row by its whole key or its function's name */
static void test_gate(void **state)
{
	const char *key = "onMessage (/app/chat.js:78:20)", *anon = "(anonymous) (/app/chat.js:10:3)";
	struct hs_gate_row rows[2], total;
	struct hs_rule rules[2];
	struct hs_violations vs = { NULL, 0, 0, NULL, 0 };
	struct hs_error err = { 0, "" };
	(void)state;
	assert_true(matches("onMessage:new>0", key));
	assert_true(matches("onMessage (/app/chat.js:78:20):new>0", key));
	assert_true(matches("*chat.js:78:*:count>0", key));
	assert_true(matches("on*:count>0", key));
	assert_false(matches("onMes:count>0", key));
	assert_false(matches("onMessage:count>0", "onMessage (/app/chat.js:78:20) x"));
	assert_true(matches("tick:count>0", "tick (no location)"));
	assert_true(matches("onMessage (chat.js:78:20):new>0", key));
	/* a function row is the program's, even when it begins with '(' */
	assert_true(matches("*:count>0", anon));
	assert_true(matches("(anonymous):count>0", anon));
	assert_false(matches("*:count>0", "(system)"));
	/* class rows as before */
	assert_true(matches("Foo:count>0", "Foo"));
	assert_false(matches("Foo:count>0", "Foo (bar)"));
	memset(rows, 0, sizeof(rows));
	rows[0].name = "Window";
	rows[0].value[HS_METRIC_NEW] = 5;
	rows[1].name = key;
	rows[1].value[HS_METRIC_NEW] = 2;
	memset(&total, 0, sizeof(total));
	assert_int_equal(hs_rule_parse("onMessage:new>1", &rules[0], &err), 0);
	assert_int_equal(hs_rule_parse("onMessage:new>2", &rules[1], &err), 0);
	hs_gate_check(rules, 2, &total, rows, 2, &vs);
	assert_int_equal(vs.n, 1);
	assert_ptr_equal(vs.v[0].rule, &rules[0]);
	assert_string_equal(vs.v[0].cls, key);
	assert_int_equal(vs.v[0].value, 2);
	hs_violations_release(&vs);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_rows),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_long_name),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_selects),
		cmocka_unit_test(test_gate),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
