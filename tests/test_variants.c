/* Real public-format variants, hand-written in fixtures/variants/ (every
 * expected number is worked out in fixtures/variants/README.md; the DevTools
 * parity test runs heap-snapshot-toolkit on the same files):
 *   chrome-2015-symbol  6 node fields, the 12-name node_types of 2015-2016
 *                       V8 and a node of type 12 (a symbol) beyond it
 *   julia-wide-ids      Julia's enums and ids beyond 32 bits (up to 2^47)
 *   v8-2026-scopes      6 node fields without trace_node_id, 16 node types,
 *                       extra_native_bytes, 5 location fields and the
 *                       scopes / scope_context_vars / scope_uses sections
 * Each is loaded whole, in 1- and 7-byte chunks, and from the file by the
 * parallel scanner; then analysed, written to an index and read back. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "testutil.h"
#include "hsnap/index.h"
#include "hsnap/diff.h"

#ifndef HSNAP_VARIANTS_DIR
#error "HSNAP_VARIANTS_DIR must name fixtures/variants"
#endif

static char *path_of(const char *name)
{
	struct sb b = { 0 };
	sb_printf(&b, "%s/%s.heapsnapshot", HSNAP_VARIANTS_DIR, name);
	return b.p;
}

static char *read_all(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	struct sb b = { 0 };
	char buf[4096];
	size_t n;

	if (!f)
		fail_msg("cannot open %s", path);
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		sb_add(&b, buf, n);
	fclose(f);
	*len = b.len;
	return b.p;
}

/* Every way of loading gives the same model; returns the whole-text load. */
static struct hs_snapshot *load_variant(const char *name)
{
	char *path = path_of(name);
	size_t len, chunks[] = { 1, 7 }, k;
	char *text = read_all(path, &len);
	struct hs_snapshot *s = load_ok(text, len, 0), *o;
	struct hs_load_opts opts = { NULL, NULL, 2, 1, 0 }; /* two threads, even for tiny arrays */
	struct hs_error err = { 0, "" };
	uint32_t i;

	for (k = 0; k < 3; k++) {
		if (k < 2) {
			o = load_ok(text, len, chunks[k]);
		} else if (hs_snapshot_load(path, &opts, &o, &err)) {
			fail_msg("%s: %s", path, err.msg);
		}
		assert_int_equal(o->node_count, s->node_count);
		assert_int_equal(o->edge_count, s->edge_count);
		assert_int_equal(!o->node_id_hi, !s->node_id_hi);
		for (i = 0; i < s->node_count; i++) {
			assert_int_equal(o->node_type[i], s->node_type[i]);
			assert_true(hs_node_id(o, i) == hs_node_id(s, i));
			assert_int_equal(hs_self_size(o, i), hs_self_size(s, i));
			assert_int_equal(o->first_edge[i + 1], s->first_edge[i + 1]);
		}
		for (i = 0; i < s->edge_count; i++)
			assert_int_equal(o->edge_to[i], s->edge_to[i]);
		assert_string_equal(o->warning, s->warning);
		hs_snapshot_free(o);
	}
	free(text);
	free(path);
	return s;
}

static void analyse(struct hs_analysis *a, const struct hs_snapshot *s)
{
	struct hs_analysis_opts opts;
	struct hs_error err = { 0, "" };

	memset(&opts, 0, sizeof(opts));
	opts.parent_edges = 1;
	opts.jobs = 1;
	if (hs_analysis_run(a, s, &opts, &err))
		fail_msg("analysis: %s", err.msg);
}

static void expect_retained(const struct hs_analysis *a, const uint64_t *want)
{
	uint32_t i;
	for (i = 0; i < a->s->node_count; i++)
		if (a->dom.retained[i] != want[i])
			fail_msg("node %u: retained %llu, expected %llu", i,
				 (unsigned long long)a->dom.retained[i], (unsigned long long)want[i]);
}

static void expect_self(const struct hs_analysis *a, const uint64_t *want)
{
	uint32_t i;
	for (i = 0; i < a->s->node_count; i++)
		if (hs_shallow_size(a, i) != want[i])
			fail_msg("node %u: shallow size %llu, expected %llu", i,
				 (unsigned long long)hs_shallow_size(a, i), (unsigned long long)want[i]);
}

static const char *class_of(const struct hs_analysis *a, uint32_t n)
{
	return hs_class_name(&a->classes, a->classes.class_of[n]);
}

static const struct hs_class *class_named(const struct hs_analysis *a, const char *name)
{
	uint32_t k;
	for (k = 0; k < a->classes.names.count; k++)
		if (!strcmp(hs_class_name(&a->classes, k), name))
			return &a->classes.cls[k];
	fail_msg("no class %s", name);
	return NULL;
}

/* Writes s + a (loaded from path) to an index, opens it and compares what
 * the index keeps of the model (ids, types, sizes) and of the analysis
 * (class names, sizes). */
static void index_round_trip_at(const char *path, const struct hs_snapshot *s, const struct hs_analysis *a)
{
	char dir[] = "/tmp/hsnap-variants.XXXXXX", ipath[256];
	struct hs_index_key key;
	struct hs_error err = { 0, "" };
	struct hs_snapshot *o = NULL;
	struct hs_analysis b;
	uint32_t i;

	assert_non_null(mkdtemp(dir));
	snprintf(ipath, sizeof(ipath), "%s/x.hsnapidx", dir);
	assert_int_equal(hs_index_key(path, &key, &err), 0);
	if (hs_index_write(ipath, &key, s, a, &err))
		fail_msg("index write: %s", err.msg);
	if (hs_index_open(ipath, &key, 1, "x", &o, &err) != HS_INDEX_OK)
		fail_msg("index open: %s", err.msg);
	assert_int_equal(!o->node_id_hi, !s->node_id_hi);
	assert_int_equal(!o->self_size.hi, !s->self_size.hi);
	assert_string_equal(o->warning, s->warning);
	assert_int_equal(hs_index_analysis(o, &b), 1);
	for (i = 0; i < s->node_count; i++) {
		assert_true(hs_node_id(o, i) == hs_node_id(s, i));
		assert_int_equal(o->node_type[i], s->node_type[i]);
		assert_string_equal(hs_node_type_name(o, i), hs_node_type_name(s, i));
		assert_string_equal(class_of(&b, i), class_of(a, i));
		assert_int_equal(b.dom.retained[i], a->dom.retained[i]);
		assert_true(hs_self_size(o, i) == hs_self_size(s, i));
		assert_true(hs_shallow_size(&b, i) == hs_shallow_size(a, i));
	}
	hs_analysis_release(&b);
	hs_snapshot_free(o);
	unlink(ipath);
	rmdir(dir);
}

static void index_round_trip(const char *name, const struct hs_snapshot *s, const struct hs_analysis *a)
{
	char *path = path_of(name);
	index_round_trip_at(path, s, a);
	free(path);
}

static void test_chrome_2015_symbol(void **state)
{
	static const uint64_t retained[] = { 172, 0, 172, 48, 24, 16 };
	static const int32_t dist[] = { 100000000, 100000001, 1, 2, 2, 3 };
	struct hs_snapshot *s = load_variant("chrome-2015-symbol");
	struct hs_analysis a;
	const struct hs_class *c;
	uint32_t i;
	(void)state;

	assert_int_equal(s->n_node_types, 12);
	assert_int_equal(s->n_node_fields, 6);
	assert_true(s->has_trace_node_id);
	assert_int_equal(s->t.symbol, HS_NO_TYPE);
	assert_int_equal(s->t.bigint, HS_NO_TYPE);
	assert_int_equal(s->node_type[3], 12);
	assert_string_equal(hs_node_type_name(s, 3), "undefined");
	assert_string_equal(hs_node_type_name(s, 2), "object");
	assert_string_equal(s->warning, "1 node of a type beyond meta.node_types (12 names; first: node 3, "
			    "type 12): class (undefined), as in DevTools");
	assert_null(s->node_id_hi);
	analyse(&a, s);
	expect_retained(&a, retained);
	for (i = 0; i < s->node_count; i++)
		assert_int_equal(a.distance[i], dist[i]);
	assert_string_equal(class_of(&a, 3), "(undefined)");
	assert_string_equal(class_of(&a, 2), "Window / http://example.com");
	assert_string_equal(class_of(&a, 4), "Object");
	assert_string_equal(class_of(&a, 5), "(string)");
	c = class_named(&a, "(undefined)");
	assert_int_equal(c->count, 1);
	assert_int_equal(c->self_size, 32);
	assert_int_equal(c->retained_size, 48);
	assert_int_equal(c->distance, 2);
	/* an unknown type is in no statistics bucket (DevTools: not hidden,
	 * native, code, a string, nor named Array) */
	assert_int_equal(a.stats.total, 172);
	assert_int_equal(a.stats.strings, 16);
	assert_int_equal(a.stats.system, 0);
	assert_int_equal(a.stats.native, 0);
	assert_int_equal(a.stats.code, 0);
	index_round_trip("chrome-2015-symbol", s, &a);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
}

static void test_julia_wide_ids(void **state)
{
	static const uint64_t ids[] = { 0, 4775375728ULL, 140737488355328ULL, 4775375744ULL, 480408432ULL };
	static const uint64_t retained[] = { 1512, 1512, 1000, 32, 1000 };
	static const uint64_t self[] = { 0, 480, 0, 32, 1000 };
	struct hs_snapshot *s = load_variant("julia-wide-ids");
	struct hs_analysis a;
	uint32_t i;
	(void)state;

	assert_string_equal(hs_str(&s->strings, 0), "main_module");
	assert_non_null(s->node_id_hi);
	for (i = 0; i < s->node_count; i++)
		if (hs_node_id(s, i) != ids[i])
			fail_msg("node %u: id %llu, expected %llu", i, (unsigned long long)hs_node_id(s, i),
				 (unsigned long long)ids[i]);
	/* Module Main (4775375728) and malloc (480408432) share the low 32 bits */
	assert_int_equal(s->node_id[1], s->node_id[4]);
	assert_string_equal(s->warning, "");
	analyse(&a, s);
	expect_retained(&a, retained);
	expect_self(&a, self); /* the array's 80 bytes moved to its one owner */
	assert_string_equal(class_of(&a, 1), "Module Main");
	assert_string_equal(class_of(&a, 2), "(array)");
	assert_int_equal(a.stats.total, 1512);
	assert_int_equal(a.stats.native, 1000);
	assert_int_equal(a.stats.strings, 32);
	index_round_trip("julia-wide-ids", s, &a);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
}

/* diff matches by the exact id: an id that differs only above bit 31 is
 * another object (truncated ids would match it). */
static void test_julia_diff_exact_ids(void **state)
{
	char *path = path_of("julia-wide-ids");
	size_t len;
	char *text = read_all(path, &len), *b1, *b2;
	struct hs_snapshot *sa, *sb;
	struct hs_analysis aa, ab;
	struct hs_class_names ns;
	struct hs_side da, db;
	struct hs_diff d;
	uint32_t k, str_gid = UINT32_MAX, main_gid = UINT32_MAX;
	(void)state;

	/* B: "hello" 4775375744 -> 4775375744 + 2^32 (same low half) */
	b1 = strstr(text, ",4775375744,");
	assert_non_null(b1);
	b2 = malloc(len + 16);
	memcpy(b2, text, (size_t)(b1 - text));
	strcpy(b2 + (b1 - text), ",9070343040,");
	strcat(b2, b1 + strlen(",4775375744,"));
	sa = load_ok(text, len, 0);
	sb = load_ok(b2, strlen(b2), 0);
	assert_true(hs_node_id(sb, 3) == 9070343040ULL);
	assert_int_equal(sa->node_id[3], sb->node_id[3]);
	analyse(&aa, sa);
	analyse(&ab, sb);
	hs_class_names_init(&ns);
	hs_side_from_analysis(&db, &ns, &ab);
	hs_side_from_analysis(&da, &ns, &aa);
	hs_diff_compute(&d, &da, &db);
	for (k = 0; k < ns.names.count; k++) {
		if (!strcmp(hs_str(&ns.names, k), "(string)"))
			str_gid = k;
		if (!strcmp(hs_str(&ns.names, k), "Module Main"))
			main_gid = k;
	}
	assert_true(str_gid != UINT32_MAX && main_gid != UINT32_MAX);
	assert_int_equal(d.shared_ids, 2); /* Module Main, malloc (the array has size 0 here) */
	assert_int_equal(d.nrows, 1);
	assert_int_equal(d.rows[0].gid, str_gid);
	assert_int_equal(d.rows[0].added, 1);
	assert_int_equal(d.rows[0].deleted, 1);
	hs_diff_release(&d);
	/* the same file against itself: everything shared, nothing changed */
	hs_diff_compute(&d, &da, &da);
	assert_int_equal(d.shared_ids, 3);
	assert_int_equal(d.nrows, 0);
	hs_diff_release(&d);
	hs_side_release(&da);
	hs_side_release(&db);
	hs_class_names_release(&ns);
	hs_analysis_release(&aa);
	hs_analysis_release(&ab);
	hs_snapshot_free(sa);
	hs_snapshot_free(sb);
	free(b2);
	free(text);
	free(path);
}

static void test_v8_2026_scopes(void **state)
{
	static const uint64_t retained[] = { 278, 0, 278, 204, 0, 100, 24 };
	static const uint64_t self[] = { 0, 0, 50, 104, 0, 100, 24 };
	struct hs_snapshot *s = load_variant("v8-2026-scopes");
	struct hs_analysis a;
	const struct hs_location *l;
	(void)state;

	assert_int_equal(s->n_node_fields, 6);
	assert_false(s->has_trace_node_id);
	assert_non_null(s->detachedness);
	assert_int_equal(s->n_node_types, 16);
	assert_int_equal(s->t.object_shape, 14);
	assert_int_equal(s->extra_native_bytes, 4096);
	/* the scope sections (one holds -2) are skipped; strings stay whole */
	assert_int_equal(s->strings.count, 11);
	assert_string_equal(hs_str(&s->strings, 10), "x");
	assert_string_equal(s->warning, "");
	assert_true(s->has_locations);
	assert_int_equal(s->location_count, 1);
	l = hs_snapshot_location(s, 3);
	assert_non_null(l);
	assert_int_equal(l->script_id, 42);
	assert_int_equal(l->line, 3);
	assert_int_equal(l->column, 10);
	assert_int_equal(l->script_node, 5);
	analyse(&a, s);
	expect_retained(&a, retained);
	expect_self(&a, self); /* the Context's 40 bytes moved to the closure */
	assert_string_equal(class_of(&a, 3), "Function");
	assert_string_equal(class_of(&a, 4), "(system)");
	assert_string_equal(class_of(&a, 5), "(compiled code)");
	assert_int_equal(a.stats.total, 278 + 4096);
	assert_int_equal(a.stats.native, 4096);
	assert_int_equal(a.stats.v8_heap, 278);
	assert_int_equal(a.stats.code, 100);
	assert_int_equal(a.stats.strings, 24);
	index_round_trip("v8-2026-scopes", s, &a);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
}

static uint64_t small_self(uint32_t i) { return i % 97; }

/* A Julia-like chain of n nodes; node i's id is id_of(i), its self size
 * self_of(i).  Root -> 1 -> 2 ... */
static char *chain_of(uint32_t n, uint64_t (*id_of)(uint32_t), uint64_t (*self_of)(uint32_t), size_t *len)
{
	struct sb b = { 0 };
	uint32_t i;

	sb_puts(&b, "{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\",\"name\",\"id\",\"self_size\",\"edge_count\"],"
		"\"node_types\":[[\"synthetic\",\"object\"],\"string\",\"number\",\"number\",\"number\"],"
		"\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],"
		"\"edge_types\":[[\"internal\",\"element\"],\"string_or_number\",\"node\"]}},\n\"nodes\":[");
	for (i = 0; i < n; i++)
		sb_printf(&b, "%s%u,1,%llu,%llu,%u\n", i ? "," : "", i ? 1 : 0, (unsigned long long)id_of(i),
			  (unsigned long long)self_of(i), i + 1 < n);
	sb_puts(&b, "],\n\"edges\":[");
	for (i = 0; i + 1 < n; i++)
		sb_printf(&b, "%s1,0,%u\n", i ? "," : "", (i + 1) * 5);
	sb_puts(&b, "],\n\"strings\":[\"main_module\",\"Node\"]}");
	*len = b.len;
	return b.p;
}

static char *julia_chain(uint32_t n, uint64_t (*id_of)(uint32_t), size_t *len)
{
	return chain_of(n, id_of, small_self, len);
}

#define CHAIN 60000u
static uint64_t all_wide(uint32_t i) { return 140737488355328ULL + 16ULL * i; }
static uint64_t last_wide(uint32_t i) { return i + 1 == CHAIN ? 4775375728ULL : 2ULL * i; }
static uint64_t first_wide(uint32_t i) { return i == 0 ? 4775375728ULL : 2ULL * i; }

/* text loaded from a file by 4 threads (*s) and from memory by yajl alone
 * in 4 KiB pieces (*m). */
static void load_both(const char *text, size_t len, struct hs_snapshot **s, struct hs_snapshot **m)
{
	char path[] = "/tmp/hsnap-wide.XXXXXX";
	struct hs_load_opts opts = { NULL, NULL, 4, 1, 0 };
	struct hs_error err = { 0, "" };
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	*s = NULL;
	if (hs_snapshot_load(path, &opts, s, &err))
		fail_msg("%s", err.msg);
	unlink(path);
	*m = load_ok(text, len, 4096);
}

/* The parallel scanner on ids beyond 32 bits: pieces of the nodes array are
 * decoded by 4 threads, the first wide id may turn up in any of them (the
 * side table is then allocated while other pieces have stored narrow ids). */
static void test_wide_ids_parallel(void **state)
{
	uint64_t (*const cases[])(uint32_t) = { all_wide, last_wide, first_wide };
	size_t k, len;
	(void)state;

	for (k = 0; k < 3; k++) {
		char *text = julia_chain(CHAIN, cases[k], &len);
		struct hs_snapshot *s, *m;
		uint32_t i;

		load_both(text, len, &s, &m);
		assert_int_equal(s->node_count, CHAIN);
		assert_non_null(s->node_id_hi);
		for (i = 0; i < CHAIN; i++) {
			if (hs_node_id(s, i) != cases[k](i))
				fail_msg("case %zu node %u: id %llu, expected %llu", k, i,
					 (unsigned long long)hs_node_id(s, i), (unsigned long long)cases[k](i));
			assert_true(hs_node_id(m, i) == cases[k](i));
		}
		hs_snapshot_free(s);
		hs_snapshot_free(m);
		free(text);
	}
}

static uint64_t odd_id(uint32_t i) { return 2ULL * i + 1; }

/* The same for self sizes beyond 32 bits (their high halves are a side table
 * too, s->self_size.hi): loaded by 4 threads and by yajl alone, analysed
 * (the chain's retained sizes are the suffix sums, the root's all of them),
 * written to an index and read back. */
static void test_wide_sizes_parallel(void **state)
{
	uint64_t (*const cases[])(uint32_t) = { all_wide, last_wide, first_wide };
	char path[] = "/tmp/hsnap-wide.XXXXXX";
	size_t k, len;
	(void)state;

	for (k = 0; k < 3; k++) {
		char *text = chain_of(CHAIN, odd_id, cases[k], &len);
		struct hs_snapshot *s, *m;
		struct hs_analysis a;
		int fd = mkstemp(path); /* the index's key: a file of this text */
		uint64_t suffix = 0;
		uint32_t i;

		assert_true(fd >= 0);
		assert_int_equal(write(fd, text, len), (ssize_t)len);
		close(fd);
		load_both(text, len, &s, &m);
		assert_int_equal(s->node_count, CHAIN);
		assert_non_null(s->self_size.hi);
		assert_null(s->node_id_hi);
		for (i = 0; i < CHAIN; i++) {
			if (hs_self_size(s, i) != cases[k](i))
				fail_msg("case %zu node %u: self size %llu, expected %llu", k, i,
					 (unsigned long long)hs_self_size(s, i), (unsigned long long)cases[k](i));
			assert_true(hs_self_size(m, i) == cases[k](i));
		}
		analyse(&a, s);
		for (i = CHAIN; i-- > 0;) {
			suffix += cases[k](i);
			if (a.dom.retained[i] != suffix)
				fail_msg("case %zu node %u: retained %llu, expected %llu", k, i,
					 (unsigned long long)a.dom.retained[i], (unsigned long long)suffix);
			assert_true(hs_shallow_size(&a, i) == cases[k](i));
		}
		index_round_trip_at(path, s, &a);
		hs_analysis_release(&a);
		hs_snapshot_free(s);
		hs_snapshot_free(m);
		unlink(path);
		strcpy(path, "/tmp/hsnap-wide.XXXXXX");
		free(text);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_chrome_2015_symbol),
		cmocka_unit_test(test_julia_wide_ids),
		cmocka_unit_test(test_julia_diff_exact_ids),
		cmocka_unit_test(test_v8_2026_scopes),
		cmocka_unit_test(test_wide_ids_parallel),
		cmocka_unit_test(test_wide_sizes_parallel),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
