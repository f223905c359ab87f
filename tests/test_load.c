/* Loader tests: meta-driven layouts, key order, escapes, chunking, and
 * malformed inputs (every one must fail cleanly with HS_ERR_FORMAT). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "testutil.h"

/* The tiny snapshot used throughout (ordinals, ids, self sizes):
 *   0 root ""            synthetic id 1  size 0
 *   1 "(GC roots)"       synthetic id 3  size 0
 *   2 "Object"           object    id 5  size 16
 *   3 "hello"            string    id 7  size 24
 *   4 "f"                closure   id 9  size 32
 *   5 "<div id=\"a\">"   native    id 10 size 100  detachedness 2, trace 4
 * edges: 0 -element 1-> 1, 0 -shortcut "global"-> 2, 2 -property "greeting"-> 3,
 *        2 -property "f"-> 4, 4 -context "self"-> 2, 1 -element 0-> 5,
 *        5 -weak "w"-> 3, 5 -hidden 7-> 4 */
static void make_tiny(struct tb *t)
{
	uint32_t n5;
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "synthetic", "(GC roots)", 3, 0);
	tb_node(t, "object", "Object", 5, 16);
	tb_node(t, "string", "hello", 7, 24);
	tb_node(t, "closure", "f", 9, 32);
	n5 = tb_node(t, "native", "<div id=\"a\">", 10, 100);
	t->nodes[n5].detach = 2;
	t->nodes[n5].trace = 4;
	tb_edge_i(t, 0, "element", 1, 1);
	tb_edge(t, 0, "shortcut", "global", 2);
	tb_edge(t, 2, "property", "greeting", 3);
	tb_edge(t, 2, "property", "f", 4);
	tb_edge(t, 4, "context", "self", 2);
	tb_edge_i(t, 1, "element", 0, 5);
	tb_edge(t, 5, "weak", "w", 3);
	tb_edge_i(t, 5, "hidden", 7, 4);
}

static char *tiny_json(size_t *len, void (*tweak)(struct tb *))
{
	struct tb t;
	char *j;
	tb_init(&t);
	make_tiny(&t);
	if (tweak)
		tweak(&t);
	j = tb_json(&t, len);
	tb_release(&t);
	return j;
}

/* Replaces the first occurrence of `from` (which must exist) by `to`. */
static char *replace(const char *s, const char *from, const char *to)
{
	const char *p = strstr(s, from);
	struct sb b = { 0 };
	if (!p)
		fail_msg("'%s' not found in the test text", from);
	sb_add(&b, s, (size_t)(p - s));
	sb_puts(&b, to);
	sb_puts(&b, p + strlen(from));
	return b.p;
}

static void check_tiny_model(const struct hs_snapshot *s, int nf)
{
	static const uint32_t ids[] = { 1, 3, 5, 7, 9, 10 };
	static const uint64_t sizes[] = { 0, 0, 16, 24, 32, 100 };
	static const uint32_t first[] = { 0, 2, 3, 5, 5, 6, 8 };
	static const uint32_t to[] = { 1, 2, 5, 3, 4, 2, 3, 4 };
	uint32_t i;

	(void)nf;
	assert_int_equal(s->node_count, 6);
	assert_int_equal(s->edge_count, 8);
	assert_int_equal(s->header_node_count, 6);
	assert_int_equal(s->header_edge_count, 8);
	assert_int_equal(s->root, 0);
	assert_string_equal(s->warning, "");
	for (i = 0; i < 6; i++) {
		assert_int_equal(s->node_id[i], ids[i]);
		assert_int_equal(hs_self_size(s, i), sizes[i]);
	}
	for (i = 0; i <= 6; i++)
		assert_int_equal(s->first_edge[i], first[i]);
	for (i = 0; i < 8; i++)
		assert_int_equal(s->edge_to[i], to[i]);
	assert_int_equal(s->node_type[0], s->t.synthetic);
	assert_int_equal(s->node_type[2], s->t.object);
	assert_int_equal(s->node_type[3], s->t.string);
	assert_int_equal(s->node_type[4], s->t.closure);
	assert_int_equal(s->node_type[5], s->t.native);
	assert_string_equal(hs_node_type_name(s, 5), "native");
	assert_string_equal(hs_node_name(s, 0), "");
	assert_string_equal(hs_node_name(s, 1), "(GC roots)");
	assert_string_equal(hs_node_name(s, 5), "<div id=\"a\">");
	assert_string_equal(hs_node_name(s, 3), "hello");
	/* edges grouped by source: e0 0->1 element 1, e1 0->2 shortcut, e2 1->5
	 * element 0, e3 2->3 "greeting", e4 2->4 "f", e5 4->2 context "self",
	 * e6 5->3 weak, e7 5->4 hidden 7 */
	assert_int_equal(s->edge_type[1], s->t.e_shortcut);
	assert_string_equal(hs_str(&s->strings, s->edge_name[1]), "global");
	assert_string_equal(hs_str(&s->strings, s->edge_name[3]), "greeting");
	assert_string_equal(hs_edge_type_name(s, 3), "property");
	assert_string_equal(hs_edge_type_name(s, 5), "context");
	assert_string_equal(hs_str(&s->strings, s->edge_name[5]), "self");
	assert_int_equal(s->edge_name[2], 0);
	assert_int_equal(s->edge_type[0], s->t.e_element);
	assert_int_equal(s->edge_name[0], 1);
	assert_int_equal(s->edge_type[6], s->t.e_weak);
	assert_int_equal(s->edge_type[7], s->t.e_hidden);
	assert_int_equal(s->edge_name[7], 7);
	assert_string_equal(hs_str(&s->strings, 0), "<dummy>");
}

/* Compares every array of two models. */
static void assert_same_model(const struct hs_snapshot *a, const struct hs_snapshot *b)
{
	uint32_t i, n;

	assert_int_equal(a->node_count, b->node_count);
	assert_int_equal(a->edge_count, b->edge_count);
	assert_int_equal(a->header_node_count, b->header_node_count);
	assert_int_equal(a->header_edge_count, b->header_edge_count);
	assert_int_equal(a->root, b->root);
	n = a->node_count;
	assert_memory_equal(a->node_type, b->node_type, n);
	assert_memory_equal(a->node_name, b->node_name, n * sizeof(uint32_t));
	assert_memory_equal(a->node_id, b->node_id, n * sizeof(uint32_t));
	assert_memory_equal(a->self_size.lo, b->self_size.lo, n * sizeof(uint32_t));
	assert_int_equal(!a->self_size.hi, !b->self_size.hi);
	if (a->self_size.hi)
		assert_memory_equal(a->self_size.hi, b->self_size.hi, n * sizeof(uint32_t));
	assert_memory_equal(a->first_edge, b->first_edge, (n + 1) * sizeof(uint32_t));
	assert_int_equal(!a->detachedness, !b->detachedness);
	if (a->detachedness)
		assert_memory_equal(a->detachedness, b->detachedness, n);
	assert_int_equal(a->has_trace_node_id, b->has_trace_node_id);
	if (a->edge_count) {
		assert_memory_equal(a->edge_type, b->edge_type, a->edge_count);
		assert_memory_equal(a->edge_name, b->edge_name, a->edge_count * sizeof(uint32_t));
		assert_memory_equal(a->edge_to, b->edge_to, a->edge_count * sizeof(uint32_t));
	}
	assert_int_equal(a->strings.count, b->strings.count);
	for (i = 0; i < a->strings.count; i++) {
		assert_int_equal(hs_strlen(&a->strings, i), hs_strlen(&b->strings, i));
		assert_memory_equal(hs_str(&a->strings, i), hs_str(&b->strings, i), hs_strlen(&a->strings, i) + 1);
	}
	assert_int_equal(a->n_node_types, b->n_node_types);
	assert_int_equal(a->n_edge_types, b->n_edge_types);
	assert_int_equal(a->n_node_fields, b->n_node_fields);
	assert_int_equal(a->n_edge_fields, b->n_edge_fields);
	for (i = 0; i < a->n_node_types; i++)
		assert_string_equal(a->node_type_names[i], b->node_type_names[i]);
	for (i = 0; i < a->n_edge_types; i++)
		assert_string_equal(a->edge_type_names[i], b->edge_type_names[i]);
	for (i = 0; i < a->n_node_fields; i++)
		assert_string_equal(a->node_fields[i], b->node_fields[i]);
	for (i = 0; i < a->n_edge_fields; i++)
		assert_string_equal(a->edge_fields[i], b->edge_fields[i]);
	assert_memory_equal(&a->t, &b->t, sizeof(a->t));
	assert_int_equal(a->location_count, b->location_count);
	if (a->location_count)
		assert_memory_equal(a->locations, b->locations, a->location_count * sizeof(*a->locations));
	assert_int_equal(a->extra_native_bytes, b->extra_native_bytes);
	assert_int_equal(a->trace_function_count, b->trace_function_count);
	assert_int_equal(a->file_bytes, b->file_bytes);
	assert_string_equal(a->warning, b->warning);
}

/* ---- valid inputs ------------------------------------------------------- */

static void test_tiny_loads(void **state)
{
	size_t len;
	char *j = tiny_json(&len, NULL);
	struct hs_snapshot *s = load_ok(j, len, 0);
	(void)state;
	check_tiny_model(s, 7);
	assert_non_null(s->detachedness);
	assert_true(s->has_trace_node_id);
	assert_int_equal(s->detachedness[5], 2);
	assert_int_equal(s->detachedness[2], 0);
	assert_int_equal(s->n_node_types, 15);
	assert_int_equal(s->n_edge_types, 7);
	assert_int_equal(s->t.hidden, 0);
	assert_int_equal(s->t.object_shape, 14);
	assert_int_equal(s->t.e_weak, 6);
	assert_int_equal(s->extra_native_bytes, 0);
	assert_int_equal(s->location_count, 0);
	assert_int_equal(s->file_bytes, len);
	hs_snapshot_free(s);
	free(j);
}

static void test_chunking_identical(void **state)
{
	static const char *const orders[] = { "snapshot,nodes,edges,strings",
		"strings,nodes,edges,snapshot", "nodes,snapshot,strings,edges" };
	size_t len, k, o;
	(void)state;
	for (o = 0; o < 3; o++) {
		struct tb t;
		char *j;
		struct hs_snapshot *whole;
		tb_init(&t);
		make_tiny(&t);
		t.order = orders[o];
		j = tb_json(&t, &len);
		tb_release(&t);
		whole = load_ok(j, len, 0);
		check_tiny_model(whole, 7);
		for (k = 1; k <= 13; k++) {
			struct hs_snapshot *c = load_ok(j, len, k);
			assert_same_model(whole, c);
			hs_snapshot_free(c);
		}
		hs_snapshot_free(whole);
		free(j);
	}
}

static void test_key_orders_same_model(void **state)
{
	static const char *const orders[] = { "strings,snapshot,nodes,edges",
		"nodes,edges,strings,snapshot", "edges,nodes,snapshot,strings",
		"nodes,snapshot,edges,strings" };
	size_t len, o;
	char *ref = tiny_json(&len, NULL);
	struct hs_snapshot *a = load_ok(ref, len, 0);
	(void)state;
	for (o = 0; o < 4; o++) {
		struct tb t;
		char *j;
		struct hs_snapshot *b;
		size_t l2;
		tb_init(&t);
		make_tiny(&t);
		t.order = orders[o];
		j = tb_json(&t, &l2);
		tb_release(&t);
		assert_int_equal(l2, len);
		b = load_ok(j, l2, 0);
		assert_same_model(a, b);
		b = (hs_snapshot_free(b), load_ok(j, l2, 1));
		assert_same_model(a, b);
		hs_snapshot_free(b);
		free(j);
	}
	hs_snapshot_free(a);
	free(ref);
}

static void layout(struct tb *t, const char *fields)
{
	t->node_fields = fields;
}

static void test_layouts(void **state)
{
	static const char *const layouts[] = {
		"type,name,id,self_size,edge_count",
		"type,name,id,self_size,edge_count,trace_node_id",
		"type,name,id,self_size,edge_count,detachedness",
		"type,name,id,self_size,edge_count,trace_node_id,detachedness",
		"edge_count,self_size,detachedness,id,name,type",
		"type,name,id,self_size,edge_count,future_field,detachedness",
	};
	size_t i, len;
	(void)state;
	for (i = 0; i < sizeof(layouts) / sizeof(*layouts); i++) {
		struct tb t;
		char *j;
		struct hs_snapshot *s;
		int has_det = strstr(layouts[i], "detachedness") != NULL;
		int has_tr = strstr(layouts[i], "trace_node_id") != NULL;
		tb_init(&t);
		make_tiny(&t);
		layout(&t, layouts[i]);
		j = tb_json(&t, &len);
		tb_release(&t);
		s = load_ok(j, len, 0);
		check_tiny_model(s, 0);
		{
			uint32_t commas = 0;
			const char *c;
			for (c = layouts[i]; *c; c++)
				commas += *c == ',';
			assert_int_equal(s->n_node_fields, commas + 1);
		}
		assert_int_equal(!!s->detachedness, has_det);
		assert_int_equal(!!s->has_trace_node_id, has_tr);
		if (has_det) {
			assert_int_equal(s->detachedness[5], 2);
			assert_int_equal(s->detachedness[4], 0);
		}
		hs_snapshot_free(s);
		s = load_ok(j, len, 3);
		check_tiny_model(s, 0);
		hs_snapshot_free(s);
		free(j);
	}
}

/* Julia's enums: node types synthetic,object,string,array,symbol,native and
 * edge types internal,property,element,hidden (no weak, no shortcut). */
static void test_julia_enums(void **state)
{
	struct tb t;
	struct hs_snapshot *s;
	size_t len;
	char *j;
	(void)state;
	tb_init(&t);
	t.node_fields = "type,name,id,self_size,edge_count,trace_node_id";
	t.node_types = "synthetic,object,string,array,symbol,native";
	t.edge_types = "internal,property,element,hidden";
	t.strs[0][0] = '\0';
	free(t.strs[0]);
	t.strs[0] = strdup("\"main_module\"");
	tb_node(&t, "synthetic", "", 0, 0);
	tb_node(&t, "object", "Main", 2, 40);
	tb_node(&t, "string", "txt", 4, 8);
	tb_node(&t, "array", "Vector", 6, 64);
	tb_node(&t, "native", "malloc", 8, 1000);
	tb_edge_i(&t, 0, "element", 0, 1);
	tb_edge(&t, 1, "property", "name", 2);
	tb_edge(&t, 1, "internal", "data", 3);
	tb_edge_i(&t, 3, "hidden", 0, 4);
	j = tb_json(&t, &len);
	tb_release(&t);
	s = load_ok(j, len, 0);
	assert_int_equal(s->node_count, 5);
	assert_int_equal(s->t.synthetic, 0);
	assert_int_equal(s->t.object, 1);
	assert_int_equal(s->t.string, 2);
	assert_int_equal(s->t.array, 3);
	assert_int_equal(s->t.symbol, 4);
	assert_int_equal(s->t.native, 5);
	assert_int_equal(s->t.hidden, HS_NO_TYPE);
	assert_int_equal(s->t.closure, HS_NO_TYPE);
	assert_int_equal(s->t.e_internal, 0);
	assert_int_equal(s->t.e_property, 1);
	assert_int_equal(s->t.e_element, 2);
	assert_int_equal(s->t.e_hidden, 3);
	assert_int_equal(s->t.e_weak, HS_NO_TYPE);
	assert_int_equal(s->t.e_shortcut, HS_NO_TYPE);
	assert_int_equal(s->node_type[1], 1);
	assert_string_equal(hs_node_type_name(s, 3), "array");
	assert_string_equal(hs_node_type_name(s, 4), "native");
	assert_string_equal(hs_edge_type_name(s, 1), "property");
	assert_string_equal(hs_str(&s->strings, 0), "main_module");
	assert_null(s->detachedness);
	/* the hidden edge's name_or_index is an index, not a string */
	assert_int_equal(s->edge_type[3], s->t.e_hidden);
	assert_false(hs_edge_has_string_name(s, 3));
	assert_true(hs_edge_has_string_name(s, 1));
	hs_snapshot_free(s);
	free(j);
}

static void test_extra_keys(void **state)
{
	struct tb t;
	struct hs_snapshot *s, *ref;
	size_t len, rlen;
	char *j, *r = tiny_json(&rlen, NULL);
	(void)state;
	ref = load_ok(r, rlen, 0);
	tb_init(&t);
	make_tiny(&t);
	t.extra_top = "\"zzz\":{\"a\":[1,[2,{\"b\":null,\"nodes\":[9,9]}]],\"c\":true,\"d\":-1.5e3},"
		      "\"trace_tree\":[1,0,7,568,[2,6,0,0,[3,5,131,13448,[]],11,10,150,6000,[]]],"
		      "\"samples\":[10,20,30,40],\"trace_function_infos\":[],\"future\":\"x\"";
	t.extra_header = "\"title\":\"t\",\"uid\":3,\"new_thing\":{\"x\":[1,2,{}]}";
	j = tb_json(&t, &len);
	tb_release(&t);
	s = load_ok(j, len, 0);
	check_tiny_model(s, 7);
	assert_true(s->has_samples);
	assert_true(s->has_trace_tree);
	assert_int_equal(s->samples_len, 4);
	hs_snapshot_free(s);
	s = load_ok(j, len, 1);
	check_tiny_model(s, 7);
	for (uint32_t i = 0; i < 6; i++)
		assert_int_equal(hs_self_size(s, i), hs_self_size(ref, i));
	hs_snapshot_free(s);
	hs_snapshot_free(ref);
	free(j);
	free(r);
}

static void test_locations(void **state)
{
	struct tb t;
	struct hs_snapshot *s;
	const struct hs_location *l;
	size_t len;
	char *j;
	(void)state;
	/* 4 fields: object_index (node offset, nf = 7), script_id, line, column */
	tb_init(&t);
	make_tiny(&t);
	t.location_fields = "object_index,script_id,line,column";
	t.locations_raw = "[28,11,3,4,14,12,5,6]";
	t.order = "snapshot,nodes,edges,locations,strings";
	j = tb_json(&t, &len);
	tb_release(&t);
	s = load_ok(j, len, 0);
	assert_int_equal(s->location_count, 2);
	assert_true(s->has_locations);
	l = hs_snapshot_location(s, 4);
	assert_non_null(l);
	assert_int_equal(l->script_id, 11);
	assert_int_equal(l->line, 3);
	assert_int_equal(l->column, 4);
	l = hs_snapshot_location(s, 2);
	assert_non_null(l);
	assert_int_equal(l->script_id, 12);
	assert_int_equal(l->line, 5);
	assert_int_equal(l->column, 6);
	assert_null(hs_snapshot_location(s, 3));
	hs_snapshot_free(s);
	free(j);
	/* 5 fields: object_index, script_id, script_object_index, line, column */
	tb_init(&t);
	make_tiny(&t);
	t.location_fields = "object_index,script_id,script_object_index,line,column";
	t.locations_raw = "[28,11,35,3,4]";
	t.order = "snapshot,nodes,locations,edges,strings";
	j = tb_json(&t, &len);
	tb_release(&t);
	s = load_ok(j, len, 2);
	assert_int_equal(s->location_count, 1);
	l = hs_snapshot_location(s, 4);
	assert_non_null(l);
	assert_int_equal(l->script_id, 11);
	assert_int_equal(l->line, 3);
	assert_int_equal(l->column, 4);
	hs_snapshot_free(s);
	free(j);
	/* two records for node 2 (offset 14): the later one wins, whatever the
	 * order of the records of other nodes around them */
	{
		static const char *const raws[] = { "[14,12,5,6,14,13,7,8,28,11,3,4]",
						    "[28,11,3,4,14,12,5,6,14,13,7,8]",
						    "[14,12,5,6,28,11,3,4,14,13,7,8]" };
		size_t k;
		for (k = 0; k < 3; k++) {
			tb_init(&t);
			make_tiny(&t);
			t.location_fields = "object_index,script_id,line,column";
			t.locations_raw = raws[k];
			t.order = "snapshot,nodes,edges,locations,strings";
			j = tb_json(&t, &len);
			tb_release(&t);
			s = load_ok(j, len, 0);
			assert_int_equal(s->location_count, 2);
			l = hs_snapshot_location(s, 2);
			assert_non_null(l);
			assert_int_equal(l->script_id, 13);
			assert_int_equal(l->line, 7);
			assert_int_equal(l->column, 8);
			l = hs_snapshot_location(s, 4);
			assert_non_null(l);
			assert_int_equal(l->script_id, 11);
			hs_snapshot_free(s);
			free(j);
		}
	}
	/* object_index not a node offset */
	tb_init(&t);
	make_tiny(&t);
	t.location_fields = "object_index,script_id,line,column";
	t.locations_raw = "[29,11,3,4]";
	t.order = "snapshot,nodes,edges,locations,strings";
	j = tb_json(&t, &len);
	tb_release(&t);
	load_fails(j, len, 0, "object_index");
	free(j);
	/* a bad location and a bad edge target or node name: the checks of
	 * nodes and edges come first (the locations are built beside them on
	 * another thread), in every chunking */
	{
		size_t c;
		int k;
		for (k = 0; k < 2; k++) {
			tb_init(&t);
			make_tiny(&t);
			if (k == 0)
				t.edges[3].to = 99; /* past the 6 nodes */
			else
				t.nodes[4].name = 9999; /* past the strings */
			t.location_fields = "object_index,script_id,line,column";
			t.locations_raw = "[29,11,3,4]";
			t.order = "snapshot,nodes,edges,locations,strings";
			j = tb_json(&t, &len);
			tb_release(&t);
			for (c = 0; c <= 64; c += 16)
				load_fails(j, len, c, k == 0 ? "beyond the last node" : "is not a string index");
			free(j);
		}
	}
}

static void test_extra_native_bytes(void **state)
{
	struct tb t;
	struct hs_snapshot *s;
	size_t len;
	char *j;
	(void)state;
	tb_init(&t);
	make_tiny(&t);
	t.extra_native_bytes = 123456789012LL;
	j = tb_json(&t, &len);
	tb_release(&t);
	s = load_ok(j, len, 5);
	assert_int_equal(s->extra_native_bytes, 123456789012ULL);
	check_tiny_model(s, 7);
	hs_snapshot_free(s);
	free(j);
}

static void test_string_escapes(void **state)
{
	struct tb t;
	struct hs_snapshot *s;
	size_t len, k;
	uint32_t a, b, c, d, e;
	char *j;
	(void)state;
	tb_init(&t);
	make_tiny(&t);
	a = tb_str_raw(&t, "\"a\\uD800b\"");           /* lone high surrogate */
	b = tb_str_raw(&t, "\"\\u00e9t\\u00e9\"");       /* été */
	c = tb_str_raw(&t, "\"\\uD83D\\uDE00\"");        /* U+1F600 as a pair */
	d = tb_str_raw(&t, "\"x\\uDC00y\\uD800\"");      /* lone low, lone high at end */
	e = tb_str_raw(&t, "\"tab\\t\\\"q\\\\\\/ \xc3\xa9\"");  /* raw UTF-8 too */
	t.nodes[3].name = a;
	j = tb_json(&t, &len);
	tb_release(&t);
	for (k = 0; k <= 1; k++) {
		const char *x;
		s = load_ok(j, len, k);
		assert_int_equal(s->strings.count, e + 1);
		x = hs_str(&s->strings, a);
		assert_int_equal(x[0], 'a');
		assert_int_equal(x[hs_strlen(&s->strings, a) - 1], 'b');
		assert_true(hs_strlen(&s->strings, a) >= 3);
		assert_string_equal(hs_node_name(s, 3), x);
		assert_string_equal(hs_str(&s->strings, b), "\xc3\xa9t\xc3\xa9");
		assert_string_equal(hs_str(&s->strings, c), "\xf0\x9f\x98\x80");
		x = hs_str(&s->strings, d);
		assert_int_equal(x[0], 'x');
		assert_non_null(strchr(x, 'y'));
		assert_string_equal(hs_str(&s->strings, e), "tab\t\"q\\/ \xc3\xa9");
		hs_snapshot_free(s);
	}
	free(j);
}

static void test_lying_header(void **state)
{
	struct tb t;
	struct hs_snapshot *s;
	size_t len;
	char *j;
#if defined(__GLIBC__) && defined(__GLIBC_MINOR__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	struct mallinfo2 before, after;
#endif
	(void)state;
	tb_init(&t);
	make_tiny(&t);
	t.header_nodes = 4000000000LL;
	t.header_edges = 4000000000LL;
	j = tb_json(&t, &len);
	tb_release(&t);
#if defined(__GLIBC__) && defined(__GLIBC_MINOR__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	before = mallinfo2();
#endif
	s = load_ok(j, len, 0);
#if defined(__GLIBC__) && defined(__GLIBC_MINOR__) && (__GLIBC__ > 2 || __GLIBC_MINOR__ >= 33)
	after = mallinfo2();
	/* Allocated bytes in use (arena + mmapped) must not follow the header
	 * (4e9 nodes would be tens of GB); 64 MiB is generous for 6 nodes. */
	assert_true(after.uordblks + after.hblkhd < before.uordblks + before.hblkhd + (64u << 20));
#endif
	assert_int_equal(s->node_count, 6);
	assert_int_equal(s->edge_count, 8);
	assert_int_equal(s->header_node_count, 4000000000u);
	assert_true(s->warning[0] != '\0');
	hs_snapshot_free(s);
	free(j);
	/* header counts beyond 32 bits and missing counts: still loads, warns */
	tb_init(&t);
	make_tiny(&t);
	t.header_nodes = 99999999999LL;
	j = tb_json(&t, &len);
	tb_release(&t);
	s = load_ok(j, len, 0);
	assert_int_equal(s->node_count, 6);
	/* the warning quotes the header's number, not 2^32 - 1 */
	assert_string_equal(s->warning, "header says 99999999999 nodes and 8 edges, the arrays hold 6 and 8");
	hs_snapshot_free(s);
	free(j);
	/* trace_function_count beyond 32 bits is kept as written (it was clamped) */
	j = tiny_json(&len, NULL);
	{
		char *big = replace(j, "\"trace_function_count\":0", "\"trace_function_count\":99999999999");
		s = load_ok(big, strlen(big), 0);
		assert_true(s->trace_function_count == 99999999999ULL);
		hs_snapshot_free(s);
		free(big);
	}
	free(j);
}

/* ---- malformed inputs -------------------------------------------------- */

#define META5 "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"]," \
	"\"node_types\":[[\"hidden\",\"object\",\"synthetic\"],\"string\",\"number\",\"number\",\"number\"]," \
	"\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"]," \
	"\"edge_types\":[[\"element\",\"property\",\"weak\"],\"string_or_number\",\"node\"]}," \
	"\"node_count\":2,\"edge_count\":1},"

/* root(synthetic) -property "a"(string 1)-> Object(string 2) */
#define GOOD_NODES "\"nodes\":[2,0,1,0,1,1,2,3,10,0]"
#define GOOD_EDGES "\"edges\":[1,1,5]"
#define GOOD_STRINGS "\"strings\":[\"\",\"a\",\"Object\"]"

static void expect_fail(const char *text, const char *word)
{
	size_t len = strlen(text);
	load_fails(text, len, 0, word);
	load_fails(text, len, 1, word);
	load_fails(text, len, 7, word);
}

static void test_raw_good(void **state)
{
	const char *text = META5 GOOD_NODES "," GOOD_EDGES "," GOOD_STRINGS "}";
	struct hs_snapshot *s = load_ok(text, strlen(text), 0);
	(void)state;
	assert_int_equal(s->node_count, 2);
	assert_int_equal(s->edge_count, 1);
	assert_int_equal(s->edge_to[0], 1);
	assert_int_equal(s->t.object, 1);
	assert_int_equal(s->t.e_property, 1);
	assert_int_equal(s->t.string, HS_NO_TYPE);
	hs_snapshot_free(s);
}

static void test_bad_documents(void **state)
{
	char *deep;
	size_t i, n = 100000;
	(void)state;
	load_fails("", 0, 0, "empty");
	load_fails("", 0, 1, "empty");
	expect_fail("hello", NULL);
	expect_fail("{\"snapshot\": nope}", NULL);
	expect_fail("[1,2,3]", "not a heap snapshot");
	expect_fail("[]", "not a heap snapshot");
	expect_fail("42", "not a heap snapshot");
	expect_fail("\"str\"", "not a heap snapshot");
	expect_fail("null", "not a heap snapshot");
	expect_fail("{}", "not a heap snapshot");
	expect_fail("{\"nodes\":[],\"edges\":[],\"strings\":[]}", "not a heap snapshot");
	expect_fail("{\"snapshot\":{},\"nodes\":[],\"edges\":[],\"strings\":[]}", "not a heap snapshot");
	expect_fail(META5 GOOD_NODES "," GOOD_EDGES "}", "strings");
	expect_fail(META5 GOOD_NODES "," GOOD_STRINGS "}", "edges");
	expect_fail(META5 GOOD_NODES "," GOOD_EDGES "," GOOD_STRINGS "} trailing", NULL);
	expect_fail(META5 GOOD_NODES "," GOOD_EDGES "," GOOD_STRINGS "}{}", NULL);
	/* 100000 nested arrays, at top level, inside an unknown key and inside nodes */
	deep = malloc(n + 64);
	memset(deep, '[', n);
	deep[n] = '\0';
	load_fails(deep, n, 0, NULL);
	memcpy(deep, "{\"x\":", 5);
	load_fails(deep, n, 0, NULL);
	load_fails(deep, n, 4096, NULL);
	memcpy(deep, "{\"nodes\":", 9);
	load_fails(deep, n, 0, NULL);
	for (i = 0; i < n; i++)
		deep[i] = i % 2 ? '[' : '{';
	load_fails(deep, n, 0, NULL);
	free(deep);
}

static void test_bad_meta(void **state)
{
	(void)state;
	expect_fail("{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\"],"
		    "\"node_types\":[[\"object\"]],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		    "\"edge_types\":[[\"property\"]]}},\"nodes\":[],\"edges\":[],\"strings\":[]}", "node_fields");
	expect_fail("{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"],"
		    "\"node_types\":[[\"object\"]],\"edge_fields\":[\"type\",\"name_or_index\"],"
		    "\"edge_types\":[[\"property\"]]}},\"nodes\":[],\"edges\":[],\"strings\":[]}", "edge_fields");
	expect_fail("{\"snapshot\":{\"meta\":{\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		    "\"edge_types\":[[\"property\"]]}},\"nodes\":[],\"edges\":[],\"strings\":[]}", "node_fields");
	expect_fail("{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"],"
		    "\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		    "\"edge_types\":[[\"property\"]]}},\"nodes\":[],\"edges\":[],\"strings\":[]}", "node_types");
	expect_fail("{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"],"
		    "\"node_types\":[[\"object\"]],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"]}},"
		    "\"nodes\":[],\"edges\":[],\"strings\":[]}", "edge_types");
	expect_fail("{\"snapshot\":{\"meta\":{\"node_fields\":\"type\","
		    "\"node_types\":[[\"object\"]],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		    "\"edge_types\":[[\"property\"]]}},\"nodes\":[],\"edges\":[],\"strings\":[]}", "node_fields");
	expect_fail("{\"snapshot\":[],\"nodes\":[],\"edges\":[],\"strings\":[]}", "snapshot");
	expect_fail("{\"snapshot\":{\"meta\":[]},\"nodes\":[],\"edges\":[],\"strings\":[]}", "not a heap snapshot");
	/* no nodes at all */
	expect_fail(META5 "\"nodes\":[]," "\"edges\":[]," GOOD_STRINGS "}", "no nodes");
	/* header counts that are not unsigned integers */
	{
		char *t = replace(META5 GOOD_NODES "," GOOD_EDGES "," GOOD_STRINGS "}", "\"node_count\":2", "\"node_count\":-2");
		expect_fail(t, "node_count");
		free(t);
		t = replace(META5 GOOD_NODES "," GOOD_EDGES "," GOOD_STRINGS "}", "\"edge_count\":1", "\"edge_count\":\"1\"");
		expect_fail(t, "edge_count");
		free(t);
	}
}

static void test_bad_arrays(void **state)
{
	(void)state;
#define S(n, e, st) META5 n "," e "," st "}"
	/* to_node not a multiple of node_fields (5) */
	expect_fail(S(GOOD_NODES, "\"edges\":[1,1,6]", GOOD_STRINGS), "to_node");
	/* to_node beyond the last node */
	expect_fail(S(GOOD_NODES, "\"edges\":[1,1,10]", GOOD_STRINGS), "to_node");
	expect_fail(S(GOOD_NODES, "\"edges\":[1,1,4294967295000]", GOOD_STRINGS), "to_node");
	/* sum of edge_count != edges */
	expect_fail(S("\"nodes\":[2,0,1,0,2,1,2,3,10,0]", GOOD_EDGES, GOOD_STRINGS), "edge_count");
	expect_fail(S("\"nodes\":[2,0,1,0,0,1,2,3,10,0]", GOOD_EDGES, GOOD_STRINGS), "edge_count");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,3,10,4294967295]", GOOD_EDGES, GOOD_STRINGS), "edge_count");
	/* string index out of range: node name, edge name */
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,3,3,10,0]", GOOD_EDGES, GOOD_STRINGS), "name");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,3,3,10,0]", GOOD_EDGES, GOOD_STRINGS), "string index");
	expect_fail(S(GOOD_NODES, "\"edges\":[1,3,5]", GOOD_STRINGS), "string index");
	/* element edges carry an index: 99 is fine there */
	{
		const char *ok = S(GOOD_NODES, "\"edges\":[0,99,5]", GOOD_STRINGS);
		struct hs_snapshot *s = load_ok(ok, strlen(ok), 1);
		assert_int_equal(s->edge_name[0], 99);
		hs_snapshot_free(s);
	}
	/* node type beyond the enum: loads as DevTools does (type undefined,
	 * test_variants has the real case); beyond a byte: refused */
	{
		const char *ok = S("\"nodes\":[7,0,1,0,1,1,2,3,10,0]", GOOD_EDGES, GOOD_STRINGS);
		struct hs_snapshot *s = load_ok(ok, strlen(ok), 1);
		assert_int_equal(s->node_type[0], 7);
		assert_string_equal(hs_node_type_name(s, 0), "undefined");
		assert_non_null(strstr(s->warning, "1 node of a type beyond meta.node_types (3 names; first: node 0, type 7)"));
		hs_snapshot_free(s);
	}
	expect_fail(S("\"nodes\":[255,0,1,0,1,1,2,3,10,0]", GOOD_EDGES, GOOD_STRINGS), "type 255 out of range");
	expect_fail(S(GOOD_NODES, "\"edges\":[3,1,5]", GOOD_STRINGS), "type");
	/* array lengths not multiples of the field counts */
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,3,10,0,1]", GOOD_EDGES, GOOD_STRINGS), "node_fields");
	expect_fail(S(GOOD_NODES, "\"edges\":[1,1,5,1]", GOOD_STRINGS), "edge_fields");
	/* numbers: negative, float, exponent, beyond 64 bits, beyond 32 bits */
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,-3,10,0]", GOOD_EDGES, GOOD_STRINGS), "negative");
	expect_fail(S(GOOD_NODES, "\"edges\":[1,1,-5]", GOOD_STRINGS), "negative");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,3,10.5,0]", GOOD_EDGES, GOOD_STRINGS), "integer");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,3,1e1,0]", GOOD_EDGES, GOOD_STRINGS), "integer");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,3,1E1,0]", GOOD_EDGES, GOOD_STRINGS), "integer");
	expect_fail(S(GOOD_NODES, "\"edges\":[1,1,5.0]", GOOD_STRINGS), "integer");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,3,18446744073709551616,0]", GOOD_EDGES, GOOD_STRINGS), "64 bits");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,3,99999999999999999999999999,0]", GOOD_EDGES, GOOD_STRINGS), "64 bits");
	expect_fail(S("\"nodes\":[2,4294967296,1,0,1,1,2,3,10,0]", GOOD_EDGES, GOOD_STRINGS), "not a string index");
	/* ids beyond 32 bits are exact (Julia; test_variants has the real case) */
	{
		const char *ok = S("\"nodes\":[2,0,4294967296,0,1,1,2,18446744073709551615,10,0]", GOOD_EDGES, GOOD_STRINGS);
		struct hs_snapshot *s = load_ok(ok, strlen(ok), 3);
		assert_non_null(s->node_id_hi);
		assert_true(hs_node_id(s, 0) == 4294967296ULL);
		assert_true(hs_node_id(s, 1) == 18446744073709551615ULL);
		hs_snapshot_free(s);
	}
	/* self_size may exceed 32 bits (48-bit field): fine */
	{
		const char *ok = S("\"nodes\":[2,0,1,0,1,1,2,3,281474976710655,0]", GOOD_EDGES, GOOD_STRINGS);
		struct hs_snapshot *s = load_ok(ok, strlen(ok), 0);
		assert_int_equal(hs_self_size(s, 1), 281474976710655ULL);
		hs_snapshot_free(s);
	}
	/* nested arrays / objects / strings / booleans / null where numbers belong */
	expect_fail(S("\"nodes\":[2,0,1,0,1,[1,2,3,10,0]]", GOOD_EDGES, GOOD_STRINGS), "nested");
	expect_fail(S("\"nodes\":[2,0,1,0,1,{\"a\":1},2,3,10,0]", GOOD_EDGES, GOOD_STRINGS), "nested");
	expect_fail(S(GOOD_NODES, "\"edges\":[[1,1,5]]", GOOD_STRINGS), "nested");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,\"3\",10,0]", GOOD_EDGES, GOOD_STRINGS), "nodes");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,true,10,0]", GOOD_EDGES, GOOD_STRINGS), "nodes");
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,null,10,0]", GOOD_EDGES, GOOD_STRINGS), "nodes");
	expect_fail(S(GOOD_NODES, "\"edges\":[1,false,5]", GOOD_STRINGS), "edges");
	expect_fail(S("\"nodes\":{}", GOOD_EDGES, GOOD_STRINGS), "nodes");
	expect_fail(S("\"nodes\":7", GOOD_EDGES, GOOD_STRINGS), "nodes");
	expect_fail(S(GOOD_NODES, GOOD_EDGES, "\"strings\":[\"\",1,\"Object\"]"), "strings");
	expect_fail(S(GOOD_NODES, GOOD_EDGES, "\"strings\":[\"\",[\"a\"],\"Object\"]"), "strings");
	/* duplicate sections */
	expect_fail(META5 GOOD_NODES "," GOOD_NODES "," GOOD_EDGES "," GOOD_STRINGS "}", "duplicate");
	/* invalid JSON inside */
	expect_fail(S("\"nodes\":[2,0,1,0,1,,1,2,3,10,0]", GOOD_EDGES, GOOD_STRINGS), NULL);
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,3,10,0,]", GOOD_EDGES, GOOD_STRINGS), NULL);
	expect_fail(S("\"nodes\":[2,0,1,0,1,1,2,3,010,0]", GOOD_EDGES, GOOD_STRINGS), NULL);
	expect_fail(S(GOOD_NODES, GOOD_EDGES, "\"strings\":[\"\",\"a\\x\",\"Object\"]"), NULL);
	expect_fail(S(GOOD_NODES, GOOD_EDGES, "\"strings\":[\"\",\"a\x01\",\"Object\"]"), NULL);
#undef S
}

/* The load error for text, in every chunking (they must agree). */
static void expect_message(const char *text, const char *msg)
{
	size_t chunks[] = { 0, 1, 7 }, k;
	for (k = 0; k < 3; k++) {
		struct hs_snapshot *s = NULL;
		struct hs_error err = { 0, "" };
		int rc = hs_snapshot_load_mem("t", text, strlen(text), chunks[k], &s, &err);
		if (rc >= 0) {
			hs_snapshot_free(s);
			fail_msg("expected the error '%s', but the snapshot loaded", msg);
		}
		assert_string_equal(err.msg, msg);
	}
}

/* The numbers in error messages are the file's (sums computed by hand). */
static void test_error_numbers(void **state)
{
	(void)state;
	/* edge counts 2 + 0 = 2 for 1 edge: the check stops at node 0, whose
	 * count must not be added a second time (it said 4) */
	expect_message(META5 "\"nodes\":[2,0,1,0,2,1,2,3,10,0]," GOOD_EDGES "," GOOD_STRINGS "}",
		       "sum of node edge_count (2) != number of edges (1)");
	/* three nodes, counts 2 + 0 + 1 = 3 (it said 5) */
	expect_message(META5 "\"nodes\":[2,0,1,0,2,1,2,3,10,0,1,2,5,10,1]," GOOD_EDGES "," GOOD_STRINGS "}",
		       "sum of node edge_count (3) != number of edges (1)");
	/* too few: 0 + 0 = 0 for 1 edge */
	expect_message(META5 "\"nodes\":[2,0,1,0,0,1,2,3,10,0]," GOOD_EDGES "," GOOD_STRINGS "}",
		       "sum of node edge_count (0) != number of edges (1)");
	/* 1 + 4294967293 = 4294967294 does not wrap */
	expect_message(META5 "\"nodes\":[2,0,1,0,1,1,2,3,10,4294967293]," GOOD_EDGES "," GOOD_STRINGS "}",
		       "sum of node edge_count (4294967294) != number of edges (1)");
	/* fields beyond what the tables can hold say so */
	expect_message(META5 "\"nodes\":[2,0,1,0,1,1,2,3,10,4294967294]," GOOD_EDGES "," GOOD_STRINGS "}",
		       "node 1: edge_count 4294967294 is more than the 4294967293 edges a snapshot can have");
	expect_message(META5 "\"nodes\":[2,0,1,0,1,1,4294967296,3,10,0]," GOOD_EDGES "," GOOD_STRINGS "}",
		       "node 1: name 4294967296 is not a string index (more than any file's strings)");
	expect_message(META5 GOOD_NODES ",\"edges\":[1,4294967296,5]," GOOD_STRINGS "}",
		       "edge 0: name_or_index 4294967296 exceeds 32 bits");
	expect_message(META5 "\"nodes\":[255,0,1,0,1,1,2,3,10,0]," GOOD_EDGES "," GOOD_STRINGS "}",
		       "node 0: type 255 out of range (0-254)");
}

/* The numeric scanner (src/load_scan.c) in every chunking: numbers of 1 to
 * 19 digits (its 8-byte steps take 1 to 15 digits followed by ',' or by
 * V8's "\n," at the end of a record, its byte loop the rest, and a chunk
 * boundary may fall anywhere) give the same model. */
static void test_scanner_chunkings(void **state)
{
	static const char *const sizes[] = { "0", "7", "12345678", "123456789", "123456789012345",
		"1234567890123456", "98765432109876543", "9223372036854775807" };
	/* after the number: a comma, V8's newline and comma, other white space */
	static const char *const seps[] = { ",", "\n,", "\n ,", " ,", "\n\n," };
	char text[1024];
	size_t k, c, j;
	(void)state;
	for (k = 0; k < sizeof(sizes) / sizeof(*sizes); k++)
		for (j = 0; j < sizeof(seps) / sizeof(*seps); j++) {
			/* the size is a record's last field but one (it is followed
			 * by the separator) and then the last field of the edge */
			snprintf(text, sizeof(text),
				 META5 "\"nodes\":[2,0,1,0,1\n,1,2,3,%s%s1\n],"
				       "\"edges\":[1,1,5%s%s]," GOOD_STRINGS "}",
				 sizes[k], seps[j], seps[j], "0,0,0");
			for (c = 0; c <= 48; c++) {
				struct hs_snapshot *s = load_ok(text, strlen(text), c);
				assert_true(hs_self_size(s, 1) == strtoull(sizes[k], NULL, 10));
				assert_int_equal(s->node_count, 2);
				assert_int_equal(s->edge_count, 2);
				assert_int_equal(s->edge_to[0], 1);
				assert_int_equal(s->edge_type[1], 0);
				assert_int_equal(s->edge_to[1], 0);
				hs_snapshot_free(s);
			}
		}
}

/* A fault in a numeric array names its byte (found in the text here: `k`
 * bytes into the first `needle`), whatever the chunks. */
static void expect_fault_at(const char *nodes, const char *needle, size_t k, const char *fmt)
{
	char text[1024], msg[256];
	const char *at;
	size_t c;

	snprintf(text, sizeof(text), META5 "%s," GOOD_EDGES "," GOOD_STRINGS "}", nodes);
	at = strstr(text, needle);
	assert_non_null(at);
	snprintf(msg, sizeof(msg), fmt, (unsigned long long)(at - text + (ptrdiff_t)k));
	for (c = 0; c <= 40; c++) {
		struct hs_snapshot *s = NULL;
		struct hs_error err = { 0, "" };
		assert_true(hs_snapshot_load_mem("t", text, strlen(text), c, &s, &err) < 0);
		assert_string_equal(err.msg, msg);
	}
}

static void test_scanner_faults(void **state)
{
	static const struct { const char *nodes, *needle; size_t k; const char *fmt; } cases[] = {
		{ "\"nodes\":[2,0,1,0,1,1,2,3,10 0]", "10 0", 3,
		  "invalid JSON at byte %llu: unexpected character in the \"nodes\" array" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,10\n0]", "10\n0", 3,
		  "invalid JSON at byte %llu: unexpected character in the \"nodes\" array" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,10\n,]", "\n,]", 2,
		  "invalid JSON at byte %llu: unexpected character in the \"nodes\" array" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,10\n,,0]", "\n,,", 2,
		  "invalid JSON at byte %llu: unexpected character in the \"nodes\" array" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,010\n,0]", "010", 1, "invalid JSON at byte %llu: number with a leading zero" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,10,0,]", ",]", 1,
		  "invalid JSON at byte %llu: unexpected character in the \"nodes\" array" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,,10,0]", ",,", 1,
		  "invalid JSON at byte %llu: unexpected character in the \"nodes\" array" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,010,0]", "010", 1, "invalid JSON at byte %llu: number with a leading zero" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,18446744073709551616,0]", "18446744073709551616", 19,
		  "nodes: number at byte %llu exceeds 64 bits" },
		{ "\"nodes\":[2,0,1,0,1,1,2,-3,10,0]", "-3", 0,
		  "nodes: negative number at byte %llu where an unsigned integer belongs" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,1e1,0]", "1e1", 1, "nodes: number at byte %llu is not an integer" },
		{ "\"nodes\":[2,0,1,0,1,1,2,3,[10],0]", "[10]", 0, "nodes: nested array at byte %llu where a number belongs" },
		{ "\"nodes\":[2,0,1,0,1,1,2,\"3\",10,0]", "\"3\"", 0, "nodes: string at byte %llu where a number belongs" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++)
		expect_fault_at(cases[i].nodes, cases[i].needle, cases[i].k, cases[i].fmt);
}

/* A root with n objects (META5's layout): about 12 bytes per node and 10 per
 * edge, so that 12000 objects make arrays of two or three 64 KiB pieces. */
static char *big_snapshot(unsigned n, size_t *len)
{
	size_t cap = 256 + 32 * (size_t)n + sizeof(META5), used;
	char *t = malloc(cap);
	unsigned k;

	assert_non_null(t);
	used = (size_t)snprintf(t, cap, META5 "\"nodes\":[2,0,1,0,%u", n);
	for (k = 0; k < n; k++)
		used += (size_t)snprintf(t + used, cap - used, ",1,2,%u,%u,0", 2 * k + 3, 10 + k % 1000);
	used += (size_t)snprintf(t + used, cap - used, "],\n\"edges\":[");
	for (k = 0; k < n; k++)
		used += (size_t)snprintf(t + used, cap - used, "%s1,1,%u", k ? "," : "", 5 * (k + 1));
	used += (size_t)snprintf(t + used, cap - used, "],\n" GOOD_STRINGS "}");
	*len = used;
	return t;
}

/* Loads text from a file with `jobs` threads (1: the stream). */
static int load_file(const char *text, size_t len, int jobs, struct hs_snapshot **s, struct hs_error *err)
{
	char path[] = "/tmp/hsnap-test-load-XXXXXX";
	struct hs_load_opts o;
	int fd = mkstemp(path), rc;
	FILE *f;

	assert_true(fd >= 0);
	f = fdopen(fd, "w");
	assert_non_null(f);
	assert_int_equal(fwrite(text, 1, len, f), len);
	fclose(f);
	memset(&o, 0, sizeof(o));
	o.jobs = jobs;
	o.parallel_min = 1;
	rc = hs_snapshot_load(path, &o, s, err);
	unlink(path);
	return rc;
}

/* One scanner for the stream and the threads (src/load_scan.c): seeded
 * faults in numeric arrays of several pieces give the same result and
 * message through 4 threads, through the stream from a file, and from memory
 * in chunks of 7 bytes; a successful load gives the same model. */
static void test_threads_agree(void **state)
{
	static const char alphabet[] = "0123456789,] -.e[\"x\n";
	size_t len, i;
	char *j = big_snapshot(12000, &len), *m = malloc(len + 1);
	const char *lo = strstr(j, "\"nodes\":[") + 9, *hi = strstr(j, "],\n\"strings\"");
	uint64_t seed = 4242;
	int loaded = 0;
	(void)state;
	for (i = 0; i < 100; i++) {
		struct hs_snapshot *s[3] = { NULL, NULL, NULL };
		struct hs_error err[3];
		int rc[3], k;
		size_t at = (size_t)(lo - j) + rnd_below(&seed, (uint32_t)(hi - lo)), mlen = len;
		memcpy(m, j, len);
		if (i > 0) { /* the first run: unchanged */
			if (rnd_below(&seed, 5) == 0) { /* insert */
				memmove(m + at + 1, m + at, len - at);
				mlen++;
			}
			m[at] = alphabet[rnd_below(&seed, sizeof(alphabet) - 1)];
		}
		memset(err, 0, sizeof(err));
		rc[0] = load_file(m, mlen, 4, &s[0], &err[0]);
		rc[1] = load_file(m, mlen, 1, &s[1], &err[1]);
		rc[2] = hs_snapshot_load_mem("m", m, mlen, 7, &s[2], &err[2]);
		for (k = 1; k < 3; k++) {
			assert_int_equal(rc[0], rc[k]);
			/* yajl's own messages name the byte where its chunk
			 * ended up: only the whole-file loads agree there */
			if (k == 2 && strstr(err[0].msg, "parse error"))
				continue;
			assert_string_equal(err[0].msg, err[k].msg);
			if (rc[0] == 0)
				assert_same_model(s[0], s[k]);
		}
		loaded += rc[0] == 0;
		for (k = 0; k < 3; k++)
			hs_snapshot_free(s[k]);
	}
	assert_true(loaded > 0 && loaded < 100);
	free(m);
	free(j);
}

/* The end of a numeric array is looked for by several threads, 1 MiB
 * blocks each (src/load_parallel.c): on a file of several MiB, 2 to 4
 * threads give the model of one, and a file cut or broken near the block
 * boundaries gives one's message. */
static void test_find_end_threads(void **state)
{
	size_t len, i, k;
	char *j = big_snapshot(300000, &len), *m = malloc(len + 1);
	size_t nodes = (size_t)(strstr(j, "\"nodes\":[") + 9 - j), edges = (size_t)(strstr(j, "\"edges\":[") + 9 - j);
	struct hs_snapshot *one = NULL, *s = NULL;
	struct hs_error err1 = { 0, "" }, err = { 0, "" };
	int jobs;
	(void)state;
	assert_true(len > 5u << 20 && edges - nodes > 3u << 20); /* blocks for 4 threads */
	assert_int_equal(load_file(j, len, 1, &one, &err1), 0);
	for (jobs = 2; jobs <= 4; jobs++) {
		assert_int_equal(load_file(j, len, jobs, &s, &err), 0);
		assert_same_model(one, s);
		hs_snapshot_free(s);
		s = NULL;
	}
	hs_snapshot_free(one);
	one = NULL;
	for (i = 0; i < 24; i++) {
		/* around the 1st to 3rd MiB after each array's '[': cut there,
		 * or the array's ']' turned into a ',' (then its end is the next
		 * array's) */
		size_t base = i < 12 ? nodes : edges, at = base + ((i % 12) / 4 + 1) * (1u << 20) + (i % 4) - 2;
		size_t mlen = len;
		memcpy(m, j, len);
		if (i % 2)
			mlen = at;
		else
			m[(size_t)(strchr(j + base, ']') - j)] = ',';
		for (k = 2; k <= 4; k += 2) {
			int rc1 = load_file(m, mlen, 1, &one, &err1), rc = load_file(m, mlen, (int)k, &s, &err);
			assert_true(rc1 < 0);
			assert_int_equal(rc1, rc);
			assert_string_equal(err1.msg, err.msg);
			hs_snapshot_free(one);
			hs_snapshot_free(s);
			one = s = NULL;
		}
	}
	free(m);
	free(j);
}

/* The strings array's fast path (src/load_strings.c) against yajl alone:
 * seeded documents whose "strings" start with random elements (plain
 * strings, raw bytes >= 0x80, every escape yajl knows, control characters,
 * bad escapes and \u digits, odd whitespace and separators, nested values,
 * a cut anywhere) load, in chunks of 1, 2, 3, 5, 16, 64 bytes and whole,
 * to the same string table or fail with the same message either way. */
extern int hs_load_fast_strings; /* src/load_internal.h */

static void random_element(struct sb *b, uint64_t *seed, int bad)
{
	static const char *const esc[] = { "\\\"", "\\\\", "\\/", "\\n", "\\t", "\\b", "\\f", "\\r",
					   "\\u00e9", "\\uD83D\\uDE00", "\\uD800x", "\\u0000" };
	static const char *const odd[] = { "\x01", "\n", "\x1f", "\\x", "\\u12G4", "\\" };
	uint32_t n = rnd_below(seed, 24), i;

	if (bad && rnd_below(seed, 6) == 0) { /* not a string */
		static const char *const other[] = { "5", "null", "[]", "{}", "\"a\" \"b\"", "" };
		sb_puts(b, other[rnd_below(seed, 6)]);
		return;
	}
	sb_puts(b, "\"");
	for (i = 0; i < n; i++) {
		uint32_t r = rnd_below(seed, 20);
		char c[2] = { 0, 0 };
		if (r < 12)
			c[0] = (char)('a' + rnd_below(seed, 26));
		else if (r < 14)
			c[0] = ' ';
		else if (r < 16)
			c[0] = (char)(0x80 + rnd_below(seed, 0x80));
		else if (r < 19 || !bad) {
			sb_puts(b, esc[rnd_below(seed, 12)]);
			continue;
		} else {
			sb_puts(b, odd[rnd_below(seed, 6)]);
			continue;
		}
		sb_puts(b, c);
	}
	sb_puts(b, "\"");
}

static void random_separator(struct sb *b, uint64_t *seed, int bad)
{
	static const char *const ws[] = { "", " ", "\n", "\t", "\r\n", "  " };
	static const char *const odd[] = { "\f", "\v", ",,", "", ";" };

	sb_puts(b, ws[rnd_below(seed, 6)]);
	sb_puts(b, bad && rnd_below(seed, 8) == 0 ? odd[rnd_below(seed, 5)] : ",");
	sb_puts(b, ws[rnd_below(seed, 6)]);
}

static int load_strings_way(const char *j, size_t len, size_t chunk, int fast, struct hs_snapshot **s,
			    struct hs_error *err)
{
	int rc;

	hs_load_fast_strings = fast;
	rc = hs_snapshot_load_mem("t", j, len, chunk, s, err);
	hs_load_fast_strings = 1;
	return rc;
}

static void test_strings_fast_path(void **state)
{
	static const size_t chunks[] = { 1, 2, 3, 5, 16, 64, 0 };
	size_t len, at;
	char *base = tiny_json(&len, NULL), *open = strstr(base, "\"strings\":[");
	uint64_t seed = 4242;
	int d, failed = 0, loaded = 0;
	(void)state;

	assert_non_null(open);
	at = (size_t)(open - base) + strlen("\"strings\":[");
	for (d = 0; d < 400; d++) {
		struct sb b = { 0 };
		int bad = d % 3 == 2, k;
		uint32_t n = 1 + rnd_below(&seed, 30), i;
		size_t jl, c;

		sb_add(&b, base, at);
		for (i = 0; i < n; i++) {
			if (rnd_below(&seed, 2))
				sb_puts(&b, rnd_below(&seed, 2) ? " " : "\n");
			random_element(&b, &seed, bad);
			random_separator(&b, &seed, bad);
		}
		sb_puts(&b, base + at);
		jl = b.len;
		if (d % 5 == 4) /* cut somewhere in the strings */
			jl = at + rnd_below(&seed, (uint32_t)(b.len - at));
		for (c = 0; c < sizeof(chunks) / sizeof(chunks[0]); c++) {
			struct hs_snapshot *s[2] = { NULL, NULL };
			struct hs_error err[2] = { { 0, "" }, { 0, "" } };
			int rc[2];
			for (k = 0; k < 2; k++)
				rc[k] = load_strings_way(b.p, jl, chunks[c], k, &s[k], &err[k]);
			if (rc[0] != rc[1] || strcmp(err[0].msg, err[1].msg))
				fail_msg("document %d, chunks of %zu: yajl alone %d '%s', fast path %d '%s'", d, chunks[c],
					 rc[0], err[0].msg, rc[1], err[1].msg);
			if (rc[0] == 0) {
				uint32_t x;
				assert_int_equal(s[0]->strings.count, s[1]->strings.count);
				for (x = 0; x < s[0]->strings.count; x++) {
					size_t l0 = hs_strlen(&s[0]->strings, x);
					if (l0 != hs_strlen(&s[1]->strings, x) ||
					    memcmp(hs_str(&s[0]->strings, x), hs_str(&s[1]->strings, x), l0))
						fail_msg("document %d, chunks of %zu: string %u differs", d, chunks[c], x);
				}
				loaded++;
			} else {
				failed++;
			}
			hs_snapshot_free(s[0]);
			hs_snapshot_free(s[1]);
		}
		free(b.p);
	}
	fprintf(stderr, "strings fast path: %d loads agreed, %d failures agreed\n", loaded, failed);
	assert_true(loaded > 1000);
	assert_true(failed > 300);
	free(base);
}

static void test_truncation_every_offset(void **state)
{
	size_t len, i;
	char *j = tiny_json(&len, NULL);
	(void)state;
	for (i = 0; i < len; i++) {
		struct hs_snapshot *s = NULL;
		struct hs_error err = { 0, "" };
		size_t chunk;
		for (chunk = 0; chunk <= 7; chunk += 7) {
			int rc = hs_snapshot_load_mem("t", j, i, chunk, &s, &err);
			if (rc >= 0)
				fail_msg("prefix of %zu/%zu bytes loaded", i, len);
			assert_null(s);
			assert_int_equal(rc, HS_ERR_FORMAT);
			assert_true(err.msg[0] != '\0');
			/* Cut after a separator, no value is partial: the only
			 * problem is the early end. */
			if (i > 0 && strchr(",[{:\n", j[i - 1]) && !strstr(err.msg, "truncated"))
				fail_msg("prefix %zu: message '%s' lacks 'truncated'", i, err.msg);
		}
	}
	hs_snapshot_free(load_ok(j, len, 0));
	free(j);
}

/* 2000 seeded mutations of the tiny snapshot: each must load (and then
 * survive the whole analysis) or fail with a message; never crash. */
static void test_mutations(void **state)
{
	static const char alphabet[] = "0123456789,[]{}\":-.eE \\u";
	size_t len, i;
	char *j = tiny_json(&len, NULL), *m = malloc(len);
	uint64_t seed = 12345;
	int loaded = 0, failed = 0;
	(void)state;
	for (i = 0; i < 2000; i++) {
		struct hs_snapshot *s = NULL;
		struct hs_error err = { 0, "" };
		int k, nmut = 1 + (int)rnd_below(&seed, 3), rc;
		memcpy(m, j, len);
		for (k = 0; k < nmut; k++) {
			size_t at = rnd_below(&seed, (uint32_t)len);
			if (rnd_below(&seed, 4) == 0)
				m[at] = (char)rnd_below(&seed, 256);
			else
				m[at] = alphabet[rnd_below(&seed, sizeof(alphabet) - 1)];
		}
		rc = hs_snapshot_load_mem("m", m, len, 1 + rnd_below(&seed, 2) * 16, &s, &err);
		if (rc == 0) {
			struct hs_analysis a;
			assert_non_null(s);
			assert_int_equal(hs_analysis_run(&a, s, NULL, &err), 0);
			hs_analysis_release(&a);
			hs_snapshot_free(s);
			loaded++;
		} else {
			assert_true(rc < 0);
			assert_null(s);
			if (err.msg[0] == '\0')
				fail_msg("mutation %zu failed without a message", i);
			failed++;
		}
	}
	assert_true(loaded > 0);
	assert_true(failed > 0);
	free(m);
	free(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tiny_loads),
		cmocka_unit_test(test_chunking_identical),
		cmocka_unit_test(test_key_orders_same_model),
		cmocka_unit_test(test_layouts),
		cmocka_unit_test(test_julia_enums),
		cmocka_unit_test(test_extra_keys),
		cmocka_unit_test(test_locations),
		cmocka_unit_test(test_extra_native_bytes),
		cmocka_unit_test(test_string_escapes),
		cmocka_unit_test(test_strings_fast_path),
		cmocka_unit_test(test_lying_header),
		cmocka_unit_test(test_raw_good),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_bad_meta),
		cmocka_unit_test(test_bad_arrays),
		cmocka_unit_test(test_error_numbers),
		cmocka_unit_test(test_scanner_chunkings),
		cmocka_unit_test(test_scanner_faults),
		cmocka_unit_test(test_threads_agree),
		cmocka_unit_test(test_find_end_threads),
		cmocka_unit_test(test_truncation_every_offset),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
