/* Per-class comparison of two snapshots: hand-built pairs are loaded,
 * analysed (hs_analysis_run), turned into sides (hs_side_from_analysis) and
 * compared (hs_diff_compute); JSON baselines (hs_side_from_summary_json,
 * hs_is_summary_json) from files the test writes.  Every expected value is
 * worked out by hand in the comment above the pair. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include "testutil.h"

/* ---- helpers ---------------------------------------------------------------- */

struct run {
	struct hs_snapshot *s;
	struct hs_analysis a;
};

static void run(struct run *r, struct tb *t)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	size_t len;
	char *j = tb_json(t, &len);
	memset(&o, 0, sizeof(o));
	r->s = load_ok(j, len, 0);
	free(j);
	if (hs_analysis_run(&r->a, r->s, &o, &err) != 0)
		fail_msg("analysis failed: %s", err.msg);
}

static void unrun(struct run *r)
{
	hs_analysis_release(&r->a);
	hs_snapshot_free(r->s);
}

/* 1: side_of builds each side as load_side does beside the class
 * aggregation: the object keys first (hs_side_objects_from_analysis), then
 * the rows, then hs_side_take_objects */
static int two_part;

/* A side from a builder: load, analyse, convert, free the graph. */
static void side_of(struct hs_side *side, struct hs_class_names *ns, struct tb *t)
{
	struct run r;
	run(&r, t);
	if (two_part) {
		struct hs_side keys;
		hs_side_objects_from_analysis(&keys, ns, &r.a);
		assert_null(keys.rows);
		hs_side_rows_from_analysis(side, ns, &r.a);
		assert_int_equal(side->nobjects, 0);
		hs_side_take_objects(side, &keys);
		assert_null(keys.objects);
	} else {
		hs_side_from_analysis(side, ns, &r.a);
	}
	unrun(&r);
}

static const char *gname(const struct hs_class_names *ns, uint32_t gid)
{
	return hs_str(&ns->names, gid);
}

/* The diff row of class `name`, or NULL. */
static const struct hs_diff_row *row(const struct hs_diff *d, const struct hs_class_names *ns,
				     const char *name)
{
	uint32_t i;
	for (i = 0; i < d->nrows; i++)
		if (!strcmp(gname(ns, d->rows[i].gid), name))
			return &d->rows[i];
	return NULL;
}

static const struct hs_diff_row *row_ok(const struct hs_diff *d, const struct hs_class_names *ns,
					const char *name)
{
	const struct hs_diff_row *r = row(d, ns, name);
	if (!r)
		fail_msg("no diff row for class '%s'", name);
	return r;
}

/* The side's row of class `name` (fails when absent / not present). */
static const struct hs_class_row *side_row_ok(const struct hs_side *s, struct hs_class_names *ns,
					      const char *name)
{
	uint32_t gid = hs_class_names_intern(ns, name, strlen(name));
	if (gid >= s->nrows || !s->rows[gid].present)
		fail_msg("side %s has no class '%s'", s->file, name);
	return &s->rows[gid];
}

struct want {
	const char *name;
	uint64_t count_a, count_b, self_a, self_b, retained_a, retained_b, added, deleted;
};

static void expect_row(const struct hs_diff *d, const struct hs_class_names *ns, const struct want *w)
{
	const struct hs_diff_row *r = row_ok(d, ns, w->name);
#define EQ(f, g) \
	if (r->f != w->g) \
		fail_msg("class '%s': " #f " = %llu, expected %llu", w->name, \
			 (unsigned long long)r->f, (unsigned long long)w->g)
	EQ(count_a, count_a); EQ(count_b, count_b);
	EQ(self_a, self_a); EQ(self_b, self_b);
	EQ(retained_a, retained_a); EQ(retained_b, retained_b);
	EQ(added, added); EQ(deleted, deleted);
#undef EQ
}

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/hsnap-test-diff-XXXXXX");
	int fd = mkstemp(path);
	size_t len = strlen(text);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, text, len), (ssize_t)len);
	close(fd);
	return path;
}

static void drop_temp(char *path)
{
	unlink(path);
	free(path);
}

/* ---- the pair ---------------------------------------------------------------- */

/* A (all ids odd: JS objects; every edge a property unless said otherwise):
 *   0 root synthetic id 1 (0) -shortcut "holder"-> 1
 *   1 Holder id 3 (10) -> 2, 3, 4
 *   2 Foo id 5 (20)       3 Foo id 7 (20)
 *   4 Bar id 9 (30) -> 5 Baz id 11 (40)
 * Classes (objects with self > 0): Holder 1/10/retained 120 (everything),
 * Foo 2/40/40, Bar 1/30/70 (30 + Baz 40), Baz 1/40/40.  Total 120.
 *
 * B, the same process later:
 *   0 root id 1 -shortcut-> 1 Holder id 3 (10) -> 2, 3, 4, 5, 7
 *   2 Foo id 5 (20)   kept
 *   3 Foo id 13 (20)  new        (Foo id 7 is gone: deleted)
 *   4 Foo id 15 (20)  new
 *   5 Qux id 9 (30) -> 6 Baz id 11 (50)
 *       id 9 was a Bar: deleted from Bar, new in Qux
 *       Baz id 11 is kept, grown from 40 to 50 bytes
 *   7 Zed id 17 (8)   new, a class A does not have
 * Classes: Holder 1/10/158 (10+60+30+50+8), Foo 3/60/60 (+2 new, 1 deleted),
 * Qux 1/30/80 (new 1), Baz 1/50/50 (kept: 0 new, 0 deleted), Zed 1/8/8
 * (new 1), Bar absent (deleted 1).  Total 158.
 * Matched (class, id): Holder 3, Foo 5, Baz 11 = 3 shared (all JS).  B's JS
 * ids <= A's largest (11): 3, 5, 9, 11 = 4 "old" ids (9 does not match). */
static void snap_a(struct tb *t)
{
	tb_init(t);
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "object", "Holder", 3, 10);
	tb_node(t, "object", "Foo", 5, 20);
	tb_node(t, "object", "Foo", 7, 20);
	tb_node(t, "object", "Bar", 9, 30);
	tb_node(t, "object", "Baz", 11, 40);
	tb_edge(t, 0, "shortcut", "holder", 1);
	tb_edge(t, 1, "property", "f1", 2);
	tb_edge(t, 1, "property", "f2", 3);
	tb_edge(t, 1, "property", "bar", 4);
	tb_edge(t, 4, "property", "baz", 5);
}

static void snap_b(struct tb *t)
{
	tb_init(t);
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "object", "Holder", 3, 10);
	tb_node(t, "object", "Foo", 5, 20);
	tb_node(t, "object", "Foo", 13, 20);
	tb_node(t, "object", "Foo", 15, 20);
	tb_node(t, "object", "Qux", 9, 30);
	tb_node(t, "object", "Baz", 11, 50);
	tb_node(t, "object", "Zed", 17, 8);
	tb_edge(t, 0, "shortcut", "holder", 1);
	tb_edge(t, 1, "property", "f1", 2);
	tb_edge(t, 1, "property", "f3", 3);
	tb_edge(t, 1, "property", "f4", 4);
	tb_edge(t, 1, "property", "qux", 5);
	tb_edge(t, 5, "property", "baz", 6);
	tb_edge(t, 1, "property", "zed", 7);
}

/* The sides themselves: rows, totals and the sorted (class, id) keys. */
static void test_sides(void **state)
{
	struct hs_class_names ns;
	struct hs_side a, b;
	struct tb t;
	uint64_t i;
	(void)state;
	hs_class_names_init(&ns);
	snap_a(&t);
	side_of(&a, &ns, &t);
	tb_release(&t);
	snap_b(&t);
	side_of(&b, &ns, &t);
	tb_release(&t);

	assert_false(a.is_baseline);
	assert_int_equal(a.node_count, 6);
	assert_int_equal(b.node_count, 8);
	assert_int_equal(a.total_size, 120);
	assert_int_equal(b.total_size, 158);
	assert_string_equal(a.file, "test");
	/* counted objects: self > 0, so not the root */
	assert_int_equal(a.nobjects, 5);
	assert_int_equal(b.nobjects, 7);
	for (i = 1; i < a.nobjects; i++)
		assert_true(a.objects[i - 1] < a.objects[i]);
	for (i = 1; i < b.nobjects; i++)
		assert_true(b.objects[i - 1] < b.objects[i]);
	/* the key is (global class id << 32 | V8 id) */
	{
		uint64_t foo = hs_class_names_intern(&ns, "Foo", 3), hit = 0;
		for (i = 0; i < a.nobjects; i++)
			if (a.objects[i] == (foo << 32 | 5) || a.objects[i] == (foo << 32 | 7))
				hit++;
		assert_int_equal(hit, 2);
	}
	{
		const struct hs_class_row *r = side_row_ok(&a, &ns, "Bar");
		assert_int_equal(r->count, 1);
		assert_int_equal(r->self_size, 30);
		assert_int_equal(r->retained_size, 70);
		r = side_row_ok(&a, &ns, "Holder");
		assert_int_equal(r->retained_size, 120);
		r = side_row_ok(&b, &ns, "Foo");
		assert_int_equal(r->count, 3);
		assert_int_equal(r->self_size, 60);
		r = side_row_ok(&b, &ns, "Qux");
		assert_int_equal(r->retained_size, 80);
	}
	/* class ids are global: the same name has the same id on both sides */
	assert_int_equal(hs_class_names_intern(&ns, "Foo", 3), hs_class_names_intern(&ns, "Foo", 3));
	{
		uint32_t bar = hs_class_names_intern(&ns, "Bar", 3);
		assert_true(bar >= b.nrows || !b.rows[bar].present);
	}
	hs_side_release(&a);
	hs_side_release(&b);
	hs_class_names_release(&ns);
}

static void test_diff_pair(void **state)
{
	static const struct want want[] = {
		/* name     cA cB  sA  sB  rA   rB  new del */
		{ "Holder", 1, 1, 10, 10, 120, 158, 0, 0 },
		{ "Foo",    2, 3, 40, 60,  40,  60, 2, 1 },
		{ "Bar",    1, 0, 30,  0,  70,   0, 0, 1 },
		{ "Qux",    0, 1,  0, 30,   0,  80, 1, 0 },
		{ "Baz",    1, 1, 40, 50,  40,  50, 0, 0 },
		{ "Zed",    0, 1,  0,  8,   0,   8, 1, 0 },
	};
	struct hs_class_names ns;
	struct hs_side a, b;
	struct hs_diff d;
	struct tb t;
	size_t i;
	(void)state;
	hs_class_names_init(&ns);
	snap_a(&t);
	side_of(&a, &ns, &t);
	tb_release(&t);
	snap_b(&t);
	side_of(&b, &ns, &t);
	tb_release(&t);

	hs_diff_compute(&d, &a, &b);
	assert_true(d.has_ids);
	assert_int_equal(d.nrows, 6);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		expect_row(&d, &ns, &want[i]);
	assert_int_equal(d.shared_ids, 3);
	assert_int_equal(d.shared_js_ids, 3);
	assert_int_equal(d.b_old_ids, 4);
	hs_diff_release(&d);

	/* the other way round: new and deleted swap, deltas change sign */
	hs_diff_compute(&d, &b, &a);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct want w = want[i];
		w.count_a = want[i].count_b; w.count_b = want[i].count_a;
		w.self_a = want[i].self_b; w.self_b = want[i].self_a;
		w.retained_a = want[i].retained_b; w.retained_b = want[i].retained_a;
		w.added = want[i].deleted; w.deleted = want[i].added;
		expect_row(&d, &ns, &w);
	}
	assert_int_equal(d.shared_ids, 3);
	hs_diff_release(&d);

	/* a snapshot against itself: nothing changed, every object kept */
	hs_diff_compute(&d, &a, &a);
	assert_int_equal(d.nrows, 0);
	assert_int_equal(d.shared_ids, 5);
	assert_int_equal(d.shared_js_ids, 5);
	hs_diff_release(&d);

	hs_side_release(&a);
	hs_side_release(&b);
	hs_class_names_release(&ns);
}

/* Same classes, same counts and sizes, but every object replaced (a fresh
 * set of ids): the class rows do not change, yet each class has as many new
 * as deleted objects, so the row is listed.  Ids are even here (embedder
 * ids): they still match by (class, id), but are not JS ids.
 *   A: root -> Holder id 2 (10) -> Foo 4 (20), Foo 6 (20)
 *   B: root -> Holder id 2 (10) -> Foo 8 (20), Foo 10 (20)
 * Foo: 2/2, self 40/40, retained 40/40, new 2, deleted 2; Holder unchanged
 * and matched (no row).  shared 1, of which JS 0; b_old_ids 0. */
/* test_sides and test_diff_pair with the sides built in two parts: the same
 * hand-derived rows, keys and diff */
static void test_two_part_sides(void **state)
{
	two_part = 1;
	test_sides(state);
	test_diff_pair(state);
	two_part = 0;
}

static void test_replaced_objects(void **state)
{
	struct hs_class_names ns;
	struct hs_side a, b;
	struct hs_diff d;
	struct tb t;
	static const struct want foo = { "Foo", 2, 2, 40, 40, 40, 40, 2, 2 };
	(void)state;
	hs_class_names_init(&ns);
	tb_init(&t);
	tb_node(&t, "synthetic", "", 0, 0);
	tb_node(&t, "object", "Holder", 2, 10);
	tb_node(&t, "object", "Foo", 4, 20);
	tb_node(&t, "object", "Foo", 6, 20);
	tb_edge(&t, 0, "shortcut", "h", 1);
	tb_edge(&t, 1, "property", "a", 2);
	tb_edge(&t, 1, "property", "b", 3);
	side_of(&a, &ns, &t);
	t.nodes[2].id = 8;
	t.nodes[3].id = 10;
	side_of(&b, &ns, &t);
	tb_release(&t);

	hs_diff_compute(&d, &a, &b);
	assert_int_equal(d.nrows, 1);
	expect_row(&d, &ns, &foo);
	assert_null(row(&d, &ns, "Holder"));
	assert_int_equal(d.shared_ids, 1);
	assert_int_equal(d.shared_js_ids, 0);
	assert_int_equal(d.b_old_ids, 0);
	hs_diff_release(&d);
	hs_side_release(&a);
	hs_side_release(&b);
	hs_class_names_release(&ns);
}

/* ---- JSON baselines ---------------------------------------------------------- */

/* A baseline with A's numbers (as `hsnap summary --format json` writes them,
 * extra keys included), diffed against snapshot B: the class deltas are the
 * same as snapshot against snapshot, new/deleted are unknown (0, has_ids 0).
 * Bar is missing from B (B has no Bar row) and Zed is missing from the
 * baseline. */
static const char baseline_json[] =
	"{\n"
	"  \"file\": \"a.heapsnapshot\",\n"
	"  \"node_count\": 6,\n"
	"  \"edge_count\": 5,\n"
	"  \"total_size\": 120,\n"
	"  \"statistics\": { \"total\": 120, \"v8_heap\": 120, \"native\": 0 },\n"
	"  \"classes\": [\n"
	"    { \"name\": \"Holder\", \"count\": 1, \"self_size\": 10, \"retained_size\": 120, \"distance\": 1 },\n"
	"    { \"name\": \"Bar\", \"count\": 1, \"self_size\": 30, \"retained_size\": 70, \"distance\": 2 },\n"
	"    { \"name\": \"Foo\", \"count\": 2, \"self_size\": 40, \"retained_size\": 40, \"distance\": 2 },\n"
	"    { \"name\": \"Baz\", \"count\": 1, \"self_size\": 40, \"retained_size\": 40, \"distance\": 3 }\n"
	"  ],\n"
	"  \"top\": []\n"
	"}\n";

static void test_baseline_side(void **state)
{
	static const struct want want[] = {
		/* name     cA cB  sA  sB  rA   rB  new del (unknown: 0) */
		{ "Holder", 1, 1, 10, 10, 120, 158, 0, 0 },
		{ "Foo",    2, 3, 40, 60,  40,  60, 0, 0 },
		{ "Bar",    1, 0, 30,  0,  70,   0, 0, 0 },
		{ "Qux",    0, 1,  0, 30,   0,  80, 0, 0 },
		{ "Baz",    1, 1, 40, 50,  40,  50, 0, 0 },
		{ "Zed",    0, 1,  0,  8,   0,   8, 0, 0 },
	};
	struct hs_class_names ns;
	struct hs_side a, b;
	struct hs_diff d;
	struct hs_error err = { 0, "" };
	struct tb t;
	char *path = write_temp(baseline_json);
	size_t i;
	(void)state;

	hs_class_names_init(&ns);
	if (hs_side_from_summary_json(&a, &ns, path, &err) != 0)
		fail_msg("baseline refused: %s", err.msg);
	assert_true(a.is_baseline);
	assert_string_equal(a.file, path);
	assert_int_equal(a.node_count, 6);
	assert_int_equal(a.total_size, 120);
	assert_int_equal(a.nobjects, 0);
	{
		const struct hs_class_row *r = side_row_ok(&a, &ns, "Bar");
		assert_int_equal(r->count, 1);
		assert_int_equal(r->self_size, 30);
		assert_int_equal(r->retained_size, 70);
	}
	snap_b(&t);
	side_of(&b, &ns, &t);
	tb_release(&t);

	hs_diff_compute(&d, &a, &b);
	assert_false(d.has_ids);
	assert_int_equal(d.shared_ids, 0);
	assert_int_equal(d.nrows, 6);
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++)
		expect_row(&d, &ns, &want[i]);
	hs_diff_release(&d);

	/* and it agrees with the snapshot-vs-snapshot class deltas */
	{
		struct hs_side s;
		snap_a(&t);
		side_of(&s, &ns, &t);
		tb_release(&t);
		hs_diff_compute(&d, &s, &b);
		for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
			const struct hs_diff_row *r = row_ok(&d, &ns, want[i].name);
			assert_int_equal(r->count_a, want[i].count_a);
			assert_int_equal(r->retained_a, want[i].retained_a);
		}
		hs_diff_release(&d);
		hs_side_release(&s);
	}
	hs_side_release(&a);
	hs_side_release(&b);
	hs_class_names_release(&ns);
	drop_temp(path);
}

/* A class listed twice is an error: hsnap summary writes one row per class
 * name (class names are interned), and adding two rows up is how counts of
 * 2^62 each overflowed a signed sum in the gate (issue 14, item 2). */
static void test_baseline_same_name(void **state)
{
	struct hs_class_names ns;
	struct hs_side a;
	struct hs_error err = { 0, "" };
	char *path = write_temp(
		"{\"node_count\":10,\"total_size\":500,\"classes\":["
		"{\"name\":\"Widget\",\"count\":25,\"self_size\":100,\"retained_size\":300},"
		"{\"name\":\"Other\",\"count\":1,\"self_size\":2,\"retained_size\":3},"
		"{\"name\":\"Widget\",\"count\":15,\"self_size\":60,\"retained_size\":90}]}");
	(void)state;
	hs_class_names_init(&ns);
	assert_int_equal(hs_side_from_summary_json(&a, &ns, path, &err), HS_ERR_FORMAT);
	assert_non_null(strstr(err.msg, "classes[2]"));
	assert_non_null(strstr(err.msg, "\"Widget\" is listed twice"));
	assert_null(a.rows);
	hs_class_names_release(&ns);
	drop_temp(path);
}

/* Duplicate keys: the last one counts, as in JSON.parse. */
static void test_baseline_duplicate_keys(void **state)
{
	struct hs_class_names ns;
	struct hs_side a;
	struct hs_error err = { 0, "" };
	char *path = write_temp(
		"{\"node_count\":1,\"total_size\":7,\"node_count\":10,\"total_size\":500,"
		"\"classes\":[{\"name\":\"X\",\"count\":1,\"self_size\":2,\"retained_size\":3}],"
		"\"classes\":[{\"name\":\"Widget\",\"count\":25,\"count\":26,\"self_size\":100,"
		"\"retained_size\":300,\"name\":\"Gadget\"}]}");
	(void)state;
	hs_class_names_init(&ns);
	if (hs_side_from_summary_json(&a, &ns, path, &err) != 0)
		fail_msg("baseline refused: %s", err.msg);
	assert_int_equal(a.node_count, 10);
	assert_int_equal(a.total_size, 500);
	{
		const struct hs_class_row *r = side_row_ok(&a, &ns, "Gadget");
		assert_int_equal(r->count, 26);
		assert_int_equal(r->self_size, 100);
		assert_int_equal(r->retained_size, 300);
	}
	assert_int_equal(ns.names.count, 1); /* neither X nor Widget */
	hs_side_release(&a);
	hs_class_names_release(&ns);
	drop_temp(path);
}

static void baseline_fails(const char *text, int status)
{
	struct hs_class_names ns;
	struct hs_side a;
	struct hs_error err = { 0, "" };
	char *path = write_temp(text);
	int rc;
	hs_class_names_init(&ns);
	memset(&a, 0, sizeof(a));
	rc = hs_side_from_summary_json(&a, &ns, path, &err);
	if (rc != status)
		fail_msg("baseline '%s': status %d, expected %d (%s)", text, rc, status, err.msg);
	assert_int_equal(err.status, status);
	assert_true(err.msg[0] != '\0');
	hs_class_names_release(&ns);
	drop_temp(path);
}

static void test_baseline_errors(void **state)
{
	struct hs_class_names ns;
	struct hs_side a;
	struct hs_error err = { 0, "" };
	(void)state;
	baseline_fails("{\"node_count\":1,", HS_ERR_FORMAT);                      /* not JSON */
	baseline_fails("{\"node_count\":1,\"total_size\":2}", HS_ERR_FORMAT);      /* no classes */
	baseline_fails("{\"total_size\":2,\"classes\":[]}", HS_ERR_FORMAT);        /* no node_count */
	baseline_fails("{\"node_count\":1,\"classes\":[]}", HS_ERR_FORMAT);        /* no total_size */
	baseline_fails("{\"node_count\":1,\"total_size\":-2,\"classes\":[]}", HS_ERR_FORMAT);
	baseline_fails("{\"node_count\":1,\"total_size\":2,\"classes\":[{\"name\":\"X\",\"count\":1}]}",
		       HS_ERR_FORMAT);                                             /* sizes missing */
	baseline_fails("{\"node_count\":1,\"total_size\":2,\"classes\":[{\"count\":1,"
		       "\"self_size\":1,\"retained_size\":1}]}", HS_ERR_FORMAT);  /* no name */
	/* counts of 2^62 each: every value fits, their sum does not fit 2^63 - 1 */
	baseline_fails("{\"node_count\":1,\"total_size\":2,\"classes\":["
		       "{\"name\":\"A\",\"count\":4611686018427387904,\"self_size\":1,\"retained_size\":1},"
		       "{\"name\":\"B\",\"count\":4611686018427387904,\"self_size\":1,\"retained_size\":1}]}",
		       HS_ERR_FORMAT);
	baseline_fails("{\"node_count\":1,\"total_size\":2,\"classes\":["
		       "{\"name\":\"A\",\"count\":1,\"self_size\":9223372036854775807,\"retained_size\":1},"
		       "{\"name\":\"B\",\"count\":1,\"self_size\":1,\"retained_size\":1}]}",
		       HS_ERR_FORMAT);
	/* nesting: 64 levels parse, 65 are refused before yajl_tree (whose free
	 * recurses); the valid document differs only in its depth */
	{
		char doc[400];
		int depth, k, n;
		for (depth = 64; depth <= 65; depth++) {
			struct hs_class_names ns2;
			struct hs_side s2;
			n = snprintf(doc, sizeof(doc), "{\"node_count\":0,\"total_size\":0,\"classes\":[],\"x\":");
			for (k = 1; k < depth; k++) /* the top-level object is level 1 */
				doc[n++] = '[';
			for (k = 1; k < depth; k++)
				doc[n++] = ']';
			doc[n++] = '}';
			hs_class_names_init(&ns2);
			memset(&err, 0, sizeof(err));
			assert_int_equal(hs_side_from_summary_text(&s2, &ns2, "deep", doc, (size_t)n, &err),
					 depth == 64 ? 0 : HS_ERR_FORMAT);
			if (depth == 65)
				assert_non_null(strstr(err.msg, "nested deeper than 64 levels"));
			hs_side_release(&s2);
			hs_class_names_release(&ns2);
		}
	}
	/* a NUL byte inside */
	{
		static const char nul[] = "{\"node_count\":0,\"total_size\":0,\"classes\":[]}\0 ";
		struct hs_class_names ns2;
		struct hs_side s2;
		hs_class_names_init(&ns2);
		assert_int_equal(hs_side_from_summary_text(&s2, &ns2, "nul", nul, sizeof(nul) - 1, &err), HS_ERR_FORMAT);
		assert_int_equal(hs_side_from_summary_text(&s2, &ns2, "nul", nul, sizeof(nul) - 3, &err), 0);
		hs_side_release(&s2);
		hs_class_names_release(&ns2);
	}
	/* a missing file is an I/O error */
	hs_class_names_init(&ns);
	assert_int_equal(hs_side_from_summary_json(&a, &ns, "/nonexistent/hsnap-baseline.json", &err),
			 HS_ERR_IO);
	hs_class_names_release(&ns);
	/* an empty class list is a valid (if odd) baseline */
	{
		char *path = write_temp("{\"node_count\":0,\"total_size\":0,\"classes\":[]}");
		hs_class_names_init(&ns);
		assert_int_equal(hs_side_from_summary_json(&a, &ns, path, &err), 0);
		assert_true(a.is_baseline);
		hs_side_release(&a);
		hs_class_names_release(&ns);
		drop_temp(path);
	}
}

static void test_is_summary_json(void **state)
{
	struct tb t;
	char *snap, *p;
	(void)state;

	p = write_temp(baseline_json);
	assert_true(hs_is_summary_json(p));
	drop_temp(p);
	/* any of the summary's keys first, whitespace before */
	p = write_temp("  \n\t{\"node_count\":0,\"total_size\":0,\"classes\":[]}");
	assert_true(hs_is_summary_json(p));
	drop_temp(p);
	p = write_temp("{\n  \"classes\": []\n}");
	assert_true(hs_is_summary_json(p));
	drop_temp(p);

	/* a heap snapshot as V8 writes it ("snapshot" first) */
	snap_a(&t);
	snap = tb_json(&t, NULL);
	p = write_temp(snap);
	assert_false(hs_is_summary_json(p));
	drop_temp(p);
	/* also with other key orders */
	t.order = "nodes,edges,strings,snapshot";
	free(snap);
	snap = tb_json(&t, NULL);
	p = write_temp(snap);
	assert_false(hs_is_summary_json(p));
	drop_temp(p);
	t.order = "strings,snapshot,nodes,edges";
	free(snap);
	snap = tb_json(&t, NULL);
	p = write_temp(snap);
	assert_false(hs_is_summary_json(p));
	drop_temp(p);
	free(snap);
	tb_release(&t);

	/* not JSON objects, empty, missing */
	p = write_temp("[1,2,3]");
	assert_false(hs_is_summary_json(p));
	drop_temp(p);
	p = write_temp("");
	assert_false(hs_is_summary_json(p));
	drop_temp(p);
	p = write_temp("{\"filex\": 1}");       /* a prefix of a key is not the key */
	assert_false(hs_is_summary_json(p));
	drop_temp(p);
	assert_false(hs_is_summary_json("/nonexistent/hsnap-summary.json"));
}

/* hs_id_overlap on hand-made sides: A (class 0: ids 1 3 5, class 1: 7),
 * B (class 0: 1 3 4 9, class 1: 5).  A's largest JS id is 7, B's 9: A is the
 * older.  B's JS objects with ids <= 7: (0,1) (0,3) (1,5) = 3 (4 is even: not
 * a JS object; 9 is newer); matched by (class, id): (0,1) (0,3) = 2 (id 5 is
 * class 0's in A).  Either argument order gives the same counts. */
static void test_id_overlap(void **state)
{
#define K(g, id) (((uint64_t)(g) << 32) | (id))
	uint64_t ka[] = { K(0, 1), K(0, 3), K(0, 5), K(1, 7) };
	uint64_t kb[] = { K(0, 1), K(0, 3), K(0, 4), K(0, 9), K(1, 5) };
#undef K
	struct hs_side a, b;
	struct hs_id_overlap o;
	(void)state;
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	a.objects = ka;
	a.nobjects = 4;
	b.objects = kb;
	b.nobjects = 5;
	hs_id_overlap(&a, &b, &o);
	assert_int_equal(o.max_js_a, 7);
	assert_int_equal(o.max_js_b, 9);
	assert_int_equal(o.old, 3);
	assert_int_equal(o.matched, 2);
	hs_id_overlap(&b, &a, &o);
	assert_int_equal(o.max_js_a, 9);
	assert_int_equal(o.max_js_b, 7);
	assert_int_equal(o.old, 3);
	assert_int_equal(o.matched, 2);
	/* a side against itself: every old object matches */
	hs_id_overlap(&b, &b, &o);
	assert_int_equal(o.old, 4); /* ids 1 3 9 and 5: all odd and <= 9 */
	assert_int_equal(o.matched, 4);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sides),
		cmocka_unit_test(test_diff_pair),
		cmocka_unit_test(test_two_part_sides),
		cmocka_unit_test(test_replaced_objects),
		cmocka_unit_test(test_baseline_side),
		cmocka_unit_test(test_baseline_same_name),
		cmocka_unit_test(test_baseline_duplicate_keys),
		cmocka_unit_test(test_baseline_errors),
		cmocka_unit_test(test_is_summary_json),
		cmocka_unit_test(test_id_overlap),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
