/* Dead closure variables (contexts.c) and realms (realms.c) on hand-made
 * snapshots whose expected values are worked out by hand in the comments, and
 * the loader's closure-scope tables (negative numbers, absence, malformed
 * tables rejected with a message).  Raw sizes throughout (no re-attribution),
 * so the sums below are plain sums of the self sizes given. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"
#include "hsnap/contexts.h"
#include "hsnap/realms.h"
#include "hsnap/filters.h"

static const char scope_meta[] =
	"\"scope_fields\":[\"script_node_index\",\"scope_id\",\"depth\",\"scope_context_vars_count\","
	"\"scope_uses_count\"],\"scope_context_var_fields\":[\"name\"],"
	"\"scope_use_fields\":[\"declaring_scope_id\",\"slot_index\"],";

/* tb_json's text with `meta` extended by scope_meta (when with_meta). */
static char *with_scope_meta(const struct tb *t, int with_meta, size_t *len)
{
	char *j = tb_json(t, len), *at = strstr(j, "\"meta\":{"), *out;
	size_t pre, add = with_meta ? strlen(scope_meta) : 0;
	assert_non_null(at);
	pre = (size_t)(at - j) + 8;
	out = malloc(*len + add + 1);
	memcpy(out, j, pre);
	memcpy(out + pre, scope_meta, add);
	memcpy(out + pre + add, j + pre, *len - pre + 1);
	*len += add;
	free(j);
	return out;
}

struct run {
	struct hs_snapshot *s;
	struct hs_analysis a;
};

static void run_json(struct run *r, const char *j, size_t len)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	memset(&o, 0, sizeof(o));
	o.raw_sizes = 1;
	r->s = load_ok(j, len, 0);
	assert_int_equal(hs_analysis_run(&r->a, r->s, &o, &err), 0);
}

static void unrun(struct run *r)
{
	hs_analysis_release(&r->a);
	hs_snapshot_free(r->s);
}

static uint32_t int_node(struct tb *t, uint32_t id, const char *value)
{
	uint32_t n = tb_node(t, "number", "int", id, 0);
	uint32_t v = tb_node(t, "string", value, id + 1, 0);
	tb_edge(t, n, "internal", "value", v);
	return n;
}

/* The classic leak in miniature (ordinals in brackets, self sizes after ':'):
 *   [0] root -shortcut-> [1] Window:10 -property theThing-> [2] Thing:20
 *   [2] -property someMethod-> [3] closure someMethod:30
 *   [3] -internal shared-> [4] SharedFunctionInfo:40 (script -> [6], scope_id -> int 2)
 *   [3] -internal context-> [5] system / Context:50
 *   [5] -context big-> [10] Payload:1000, -context small-> [11] Small:5,
 *       -context nouse-> [12] Unused:7, -internal scope_info-> [7] ScopeInfo:70
 *   [7] scope_id int 1, start_position int 100, end_position int 200
 *   [6] system / Script / app.js:60 -internal infos-> [8] (weak fixed array):8 -weak-> [7]
 * Scope tables for script [6] (offset 6*7 = 42): root scope -2 (depth 0); scope 1
 * (depth 1) with variables big, small, nouse; scope 2 (someMethod, depth 2) uses
 * (1, slot 1) = small; scope 3 (unused, depth 2) uses (1, slot 0) = big.
 * Live function: (script 6, scope 2) with context [5].  So in [5]: small is used;
 * big is used only by scope 3, whose chain 3 -> 1 -> -2 has no live function:
 * dead; nouse has no use at all: dead.  Dominators: [10], [11], [12] only under
 * [5]; [7] too ([8]'s edge to it is weak), with its int nodes (size 0):
 * retained([5]) = 50 + 1000 + 5 + 7 + 70 = 1132; dead: big 1000, nouse 7 (sum 1007).
 * Realms: [13] NativeContext:100 and [16] "system / NativeContext / b":200;
 * [2] -internal map-> [14] Map:10 -internal map-> [15] Map:10 -internal native_context-> [13],
 * so [2] is fixed to [13]; [17] Other:7 (Window -property other->) likewise fixed to [16]
 * via [19]:4 -> [20]:4; [18] Shared:9 is referenced by [2] and by [17]: shared.
 * [13] owns everything reached from [2] but [18]: 20+30+40+50+60+70+8+1000+5+7+10+10+100
 * (+ the int and string nodes, size 0) = 1410; [16] owns [16],[17],[19],[20] = 215;
 * unattributed: [0] root 0 + [1] Window 10 = 10; shared 9. */
static char *leak_json(size_t *len, const char *scopes, const char *uses, int meta)
{
	struct tb t;
	uint32_t n[32], si, sid, st, en;
	char top[1024];
	char *j;

	tb_init(&t);
	n[0] = tb_node(&t, "synthetic", "", 1, 0);
	n[1] = tb_node(&t, "object", "Window", 3, 10);
	n[2] = tb_node(&t, "object", "Thing", 5, 20);
	n[3] = tb_node(&t, "closure", "someMethod", 7, 30);
	n[4] = tb_node(&t, "code", "system / SharedFunctionInfo", 9, 40);
	n[5] = tb_node(&t, "hidden", "system / Context", 11, 50);
	n[6] = tb_node(&t, "code", "system / Script / app.js", 13, 60);
	n[7] = tb_node(&t, "hidden", "system / ScopeInfo", 15, 70);
	n[8] = tb_node(&t, "array", "(weak fixed array)", 17, 8);
	n[9] = tb_node(&t, "hidden", "unreachable filler", 19, 0); /* keeps the numbering */
	n[10] = tb_node(&t, "object", "Payload", 21, 1000);
	n[11] = tb_node(&t, "object", "Small", 23, 5);
	n[12] = tb_node(&t, "object", "Unused", 25, 7);
	n[13] = tb_node(&t, "hidden", "system / NativeContext", 27, 100);
	n[14] = tb_node(&t, "object shape", "system / Map", 29, 10);
	n[15] = tb_node(&t, "object shape", "system / Map", 31, 10);
	n[16] = tb_node(&t, "hidden", "system / NativeContext / b", 33, 200);
	n[17] = tb_node(&t, "object", "Other", 35, 7);
	n[18] = tb_node(&t, "object", "Shared", 37, 9);
	n[19] = tb_node(&t, "object shape", "system / Map", 39, 4);
	n[20] = tb_node(&t, "object shape", "system / Map", 41, 4);
	sid = int_node(&t, 101, "2");
	si = int_node(&t, 103, "1");
	st = int_node(&t, 105, "100");
	en = int_node(&t, 107, "200");
	tb_edge(&t, n[0], "shortcut", "window", n[1]);
	tb_edge(&t, n[1], "property", "theThing", n[2]);
	tb_edge(&t, n[1], "property", "other", n[17]);
	tb_edge(&t, n[2], "property", "someMethod", n[3]);
	tb_edge(&t, n[2], "internal", "map", n[14]);
	tb_edge(&t, n[2], "property", "s", n[18]);
	tb_edge(&t, n[3], "internal", "shared", n[4]);
	tb_edge(&t, n[3], "internal", "context", n[5]);
	tb_edge(&t, n[4], "internal", "script", n[6]);
	tb_edge(&t, n[4], "internal", "scope_id", sid);
	tb_edge(&t, n[5], "context", "big", n[10]);
	tb_edge(&t, n[5], "context", "small", n[11]);
	tb_edge(&t, n[5], "context", "nouse", n[12]);
	tb_edge(&t, n[5], "internal", "scope_info", n[7]);
	tb_edge(&t, n[6], "internal", "infos", n[8]);
	tb_edge(&t, n[7], "internal", "scope_id", si);
	tb_edge(&t, n[7], "internal", "start_position", st);
	tb_edge(&t, n[7], "internal", "end_position", en);
	tb_edge(&t, n[8], "weak", "1", n[7]);
	tb_edge(&t, n[14], "internal", "map", n[15]);
	tb_edge(&t, n[15], "internal", "native_context", n[13]);
	tb_edge(&t, n[17], "internal", "map", n[19]);
	tb_edge(&t, n[17], "property", "s", n[18]);
	tb_edge(&t, n[19], "internal", "map", n[20]);
	tb_edge(&t, n[20], "internal", "native_context", n[16]);
	snprintf(top, sizeof(top), "\"scopes\":%s,\"scope_context_vars\":[%u,%u,%u],\"scope_uses\":%s",
		 scopes, tb_str(&t, "big"), tb_str(&t, "small"),
		 tb_str(&t, "nouse"), uses);
	t.extra_top = top;
	j = with_scope_meta(&t, meta, len);
	tb_release(&t);
	return j;
}

static const char good_scopes[] = "[42,-2,0,0,0, 42,1,1,3,0, 42,2,2,0,1, 42,3,2,0,1]";
static const char good_uses[] = "[1,1, 1,0]";

static const struct hs_ctx_dead *dead_of(const struct hs_contexts *c, uint32_t ctx, uint32_t k)
{
	return &c->dead[c->ctx[ctx].first_dead + k];
}

static void test_dead_variables(void **state)
{
	struct run r;
	struct hs_contexts c;
	struct hs_error err = { 0, "" };
	size_t len;
	char *j = leak_json(&len, good_scopes, good_uses, 1);
	(void)state;
	run_json(&r, j, len);
	assert_int_equal(r.s->scopes.len[HS_SCOPES], 20);
	assert_int_equal(r.s->scopes.v[HS_SCOPES][1], -2);
	assert_int_equal(hs_contexts_analyze(&c, &r.a, &err), 0);
	assert_true(c.has_tables);
	assert_int_equal(c.nscopes, 1);
	assert_int_equal(c.scopes[0].script, 6);
	assert_string_equal(hs_script_name(&r.a, c.scopes[0].script), "app.js");
	assert_int_equal(c.scopes[0].start, 100);
	assert_int_equal(c.scopes[0].end, 200);
	assert_int_equal(c.scopes[0].field_count, 3);
	assert_int_equal(c.scopes[0].nctx, 1);
	assert_int_equal(c.ctx[0].node, 5);
	assert_int_equal(c.ctx[0].retained, 1132);
	assert_int_equal(c.ctx[0].dead_retained, 1007);
	assert_int_equal(c.ctx[0].ndead, 2);
	assert_string_equal(hs_str(&r.s->strings, dead_of(&c, 0, 0)->name), "big");
	assert_int_equal(dead_of(&c, 0, 0)->value, 10);
	assert_int_equal(dead_of(&c, 0, 0)->retained, 1000);
	assert_string_equal(hs_str(&r.s->strings, dead_of(&c, 0, 1)->name), "nouse");
	assert_int_equal(dead_of(&c, 0, 1)->retained, 7);
	hs_contexts_release(&c);
	unrun(&r);
	free(j);
}

/* The same heap when someMethod's scope (2) also uses big: nothing is dead in
 * [5] but nouse (7). */
static void test_used_variable_not_dead(void **state)
{
	struct run r;
	struct hs_contexts c;
	struct hs_error err = { 0, "" };
	size_t len;
	char *j = leak_json(&len, "[42,-2,0,0,0, 42,1,1,3,0, 42,2,2,0,2, 42,3,2,0,1]",
			    "[1,1, 1,0, 1,0]", 1);
	(void)state;
	run_json(&r, j, len);
	assert_int_equal(hs_contexts_analyze(&c, &r.a, &err), 0);
	assert_int_equal(c.nscopes, 1);
	assert_int_equal(c.ctx[0].ndead, 1);
	assert_string_equal(hs_str(&r.s->strings, dead_of(&c, 0, 0)->name), "nouse");
	assert_int_equal(c.ctx[0].dead_retained, 7);
	hs_contexts_release(&c);
	unrun(&r);
	free(j);
}

/* A use counts for the live functions of the using scope and of every scope
 * around it: scope 4 (depth 3, inside scope 2) uses big; no function of scope 4
 * is alive, but its parent scope 2 has the live someMethod with context [5], so
 * big is used (isVariableUsedInContext walks from the using scope outwards);
 * only nouse is dead. */
static void test_use_from_nested_scope(void **state)
{
	struct run r;
	struct hs_contexts c;
	struct hs_error err = { 0, "" };
	size_t len;
	char *j = leak_json(&len, "[42,-2,0,0,0, 42,1,1,3,0, 42,2,2,0,1, 42,4,3,0,1]",
			    "[1,1, 1,0]", 1);
	(void)state;
	run_json(&r, j, len);
	assert_int_equal(hs_contexts_analyze(&c, &r.a, &err), 0);
	assert_int_equal(c.nscopes, 1);
	assert_int_equal(c.ctx[0].ndead, 1);
	assert_string_equal(hs_str(&r.s->strings, dead_of(&c, 0, 0)->name), "nouse");
	hs_contexts_release(&c);
	unrun(&r);
	free(j);
}

static void test_no_tables(void **state)
{
	struct run r;
	struct hs_contexts c;
	struct hs_error err = { 0, "" };
	size_t len;
	char *j = leak_json(&len, good_scopes, good_uses, 0);
	(void)state;
	run_json(&r, j, len);
	/* arrays present but no meta: DevTools' scopeStride is 0, so no scopes */
	assert_int_equal(hs_contexts_analyze(&c, &r.a, &err), 0);
	assert_false(c.has_tables);
	assert_int_equal(c.nscopes, 0);
	hs_contexts_release(&c);
	unrun(&r);
	free(j);
}

static void expect_bad(const char *scopes, const char *uses, const char *word)
{
	struct run r;
	struct hs_contexts c;
	struct hs_error err = { 0, "" };
	size_t len;
	char *j = leak_json(&len, scopes, uses, 1);
	run_json(&r, j, len);
	assert_int_equal(hs_contexts_analyze(&c, &r.a, &err), HS_ERR_FORMAT);
	if (!strstr(err.msg, word))
		fail_msg("message '%s' lacks '%s'", err.msg, word);
	unrun(&r);
	free(j);
}

static void test_bad_tables(void **state)
{
	(void)state;
	expect_bad("[42,-2,0,0,0, 42,1,1,3,0, 42,2,3,0,1]", good_uses, "depth");     /* depth jump */
	expect_bad("[42,-2,-1,0,0]", "[]", "depth");                                   /* negative */
	expect_bad("[42,-2,0,0,0, 42,1,1,4,0]", "[]", "scope_context_vars");          /* 4 > 3 vars */
	expect_bad("[42,-2,0,0,0, 42,1,1,-3,0]", "[]", "negative");
	expect_bad("[42,-2,0,0,0, 42,1,1,3,0, 42,2,2,0,3]", good_uses, "scope_uses");  /* 3 > 2 uses */
	expect_bad("[42,-2,0,0]", "[]", "multiple");
}

/* Loader: a float or a string in a scope table is rejected like anywhere else. */
static void test_load_rejects(void **state)
{
	size_t len;
	char *j;
	(void)state;
	j = leak_json(&len, "[42,-2,0,0,0.5]", "[]", 1);
	load_fails(j, len, 0, "scopes");
	free(j);
	j = leak_json(&len, "[42,-2,0,0,\"x\"]", "[]", 1);
	load_fails(j, len, 0, "scopes");
	free(j);
	j = leak_json(&len, "[42,-9223372036854775808,0,0,0]", "[]", 1);
	load_fails(j, len, 0, "63 bits");
	free(j);
}

static void test_realms(void **state)
{
	struct run r;
	struct hs_realms m;
	size_t len;
	char *j = leak_json(&len, good_scopes, good_uses, 1);
	(void)state;
	run_json(&r, j, len);
	hs_realms_compute(&m, &r.a);
	assert_int_equal(m.count, 2);
	assert_int_equal(m.v[0].node, 13);
	assert_int_equal(m.v[0].attributed, 1410);
	assert_int_equal(m.v[1].node, 16);
	assert_int_equal(m.v[1].attributed, 215);
	assert_int_equal(m.shared, 9);
	assert_int_equal(m.unattributed, 10);
	assert_int_equal(m.owner[18], HS_REALM_SHARED);
	assert_int_equal(m.owner[1], HS_REALM_NONE);
	assert_int_equal(m.owner[10], 0);
	assert_int_equal(m.owner[19], 1);
	hs_realms_release(&m);
	unrun(&r);
	free(j);
}

static int hs_bit_get(const uint64_t *b, uint32_t i) { return (int)((b[i >> 6] >> (i & 63)) & 1); }

static const struct hs_class *row(const struct run *r, const struct hs_class *cls, const char *name)
{
	uint32_t i;
	for (i = 0; i < r->a.classes.names.count; i++)
		if (!strcmp(hs_class_name(&r->a.classes, i), name))
			return &cls[i];
	fail_msg("no class '%s'", name);
	return NULL;
}

/* objectsRetainedByContexts on the leak graph: the root reaches everything over
 * edges into non-Context nodes except [5] (a Context) and what only it reaches:
 * [10], [11], [12], [7] (the edge from [8] is weak) and [7]'s int nodes (size 0);
 * the filler [9] is unreachable, so it is not kept.  Rows: (system) = [5] + [7]:
 * count 2, self 120, retained 1132 ([7] is inside [5]'s subtree, counted once);
 * Payload 1/1000, Small 1/5, Unused 1/7; no Thing.
 * sharedNativeContext keeps [18] only; nativeContext_33 ([16]'s id) keeps
 * [16], [17], [19], [20]. */
static void test_filters(void **state)
{
	struct run r;
	struct hs_filter f;
	struct hs_error err = { 0, "" };
	struct hs_class *cls;
	uint64_t *bits;
	size_t len;
	uint32_t n, kept;
	char *j = leak_json(&len, good_scopes, good_uses, 1);
	(void)state;
	run_json(&r, j, len);
	assert_int_equal(hs_filter_parse("objectsRetainedByContexts", &f, &err), 0);
	assert_int_equal(hs_filter_nodes(&r.a, &f, &bits, &err), 0);
	assert_true(hs_bit_get(bits, 5) && hs_bit_get(bits, 10) && hs_bit_get(bits, 7));
	assert_false(hs_bit_get(bits, 2) || hs_bit_get(bits, 9) || hs_bit_get(bits, 0));
	cls = hs_filter_classes(&r.a, bits);
	assert_int_equal(row(&r, cls, "(system)")->count, 2);
	assert_int_equal(row(&r, cls, "(system)")->self_size, 120);
	assert_int_equal(row(&r, cls, "(system)")->retained_size, 1132);
	assert_int_equal(row(&r, cls, "Payload")->retained_size, 1000);
	assert_int_equal(row(&r, cls, "Unused")->count, 1);
	assert_int_equal(row(&r, cls, "Thing")->count, 0);
	free(cls);
	free(bits);
	assert_int_equal(hs_filter_parse("sharedNativeContext", &f, &err), 0);
	assert_int_equal(hs_filter_nodes(&r.a, &f, &bits, &err), 0);
	for (n = 0, kept = 0; n < r.s->node_count; n++)
		kept += (uint32_t)hs_bit_get(bits, n);
	assert_int_equal(kept, 1);
	assert_true(hs_bit_get(bits, 18));
	free(bits);
	assert_int_equal(hs_filter_parse("nativeContext_33", &f, &err), 0);
	assert_int_equal(hs_filter_nodes(&r.a, &f, &bits, &err), 0);
	for (n = 0, kept = 0; n < r.s->node_count; n++)
		kept += (uint32_t)hs_bit_get(bits, n);
	assert_int_equal(kept, 4);
	assert_true(hs_bit_get(bits, 16) && hs_bit_get(bits, 17) && hs_bit_get(bits, 19) && hs_bit_get(bits, 20));
	free(bits);
	assert_int_equal(hs_filter_parse("nativeContext_34", &f, &err), 0);
	assert_int_equal(hs_filter_nodes(&r.a, &f, &bits, &err), HS_ERR_USAGE);
	assert_int_equal(hs_filter_parse("nativeContext_", &f, &err), HS_ERR_USAGE);
	assert_int_equal(hs_filter_parse("retainedByMagic", &f, &err), HS_ERR_USAGE);
	unrun(&r);
	free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_dead_variables),
		cmocka_unit_test(test_used_variable_not_dead),
		cmocka_unit_test(test_use_from_nested_scope),
		cmocka_unit_test(test_no_tables),
		cmocka_unit_test(test_bad_tables),
		cmocka_unit_test(test_load_rejects),
		cmocka_unit_test(test_realms),
		cmocka_unit_test(test_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
