/* CI gate rules (SELECTOR:METRIC>LIMIT): parsing of every unit, selector and
 * metric, the violation semantics (strictly greater, percentages of A's
 * value, A = 0) and the rejection of malformed rules.  Expected limits are
 * the unit definitions (KB = 1000, KiB = 1024, ...) worked out by hand. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"
#include "hsnap/realms.h"

/* Parses text, failing the test with the error message when it is refused. */
static void parse_ok(const char *text, struct hs_rule *r)
{
	struct hs_error err = { 0, "" };
	int rc = hs_rule_parse(text, r, &err);
	if (rc != 0)
		fail_msg("rule '%s' refused (%d): %s", text, rc, err.msg);
	assert_string_equal(r->text, text);
}

/* Expects a usage error whose message quotes the rule. */
static void parse_bad(const char *text)
{
	struct hs_rule r;
	struct hs_error err = { 0, "" };
	char quoted[300];
	int rc = hs_rule_parse(text, &r, &err);
	if (rc != HS_ERR_USAGE)
		fail_msg("rule '%s': expected HS_ERR_USAGE, got %d (%s)", text, rc, err.msg);
	assert_int_equal(err.status, HS_ERR_USAGE);
	snprintf(quoted, sizeof(quoted), "'%s'", text);
	if (!strstr(err.msg, quoted))
		fail_msg("rule '%s': message does not quote the rule: %s", text, err.msg);
}

/* limit of an absolute rule, compared exactly (all values are exact in a double) */
static void limit_is(const char *text, enum hs_metric m, double want)
{
	struct hs_rule r;
	parse_ok(text, &r);
	assert_int_equal(r.metric, m);
	assert_int_equal(r.percent, 0);
	if (r.limit != want)
		fail_msg("rule '%s': limit %.17g, expected %.17g", text, r.limit, want);
	if (hs_rule_limit(&r, 12345) != want)
		fail_msg("rule '%s': hs_rule_limit ignores base? %.17g", text, hs_rule_limit(&r, 12345));
}

/* ---- units ----------------------------------------------------------------- */

static void test_units(void **state)
{
	(void)state;
	limit_is("Foo:self>0", HS_METRIC_SELF, 0.0);
	limit_is("Foo:self>1000", HS_METRIC_SELF, 1000.0);
	limit_is("Foo:self>7B", HS_METRIC_SELF, 7.0);
	limit_is("Foo:self>1KB", HS_METRIC_SELF, 1000.0);
	limit_is("Foo:self>3MB", HS_METRIC_SELF, 3000000.0);
	limit_is("Foo:self>2GB", HS_METRIC_SELF, 2000000000.0);
	limit_is("Foo:retained>1KiB", HS_METRIC_RETAINED, 1024.0);
	limit_is("Foo:retained>3MiB", HS_METRIC_RETAINED, 3.0 * 1048576.0);
	limit_is("Foo:retained>2GiB", HS_METRIC_RETAINED, 2147483648.0);
	limit_is("Foo:retained>10GB", HS_METRIC_RETAINED, 1e10); /* beyond 32 bits */
	/* decimals */
	limit_is("Foo:self>1.5MB", HS_METRIC_SELF, 1500000.0);
	limit_is("Foo:self>0.5KiB", HS_METRIC_SELF, 512.0);
	limit_is("Foo:self>2.25KB", HS_METRIC_SELF, 2250.0);
	limit_is("Foo:self>1.5GiB", HS_METRIC_SELF, 1610612736.0);
	limit_is("total:retained>2.5MiB", HS_METRIC_RETAINED, 2621440.0);
	/* counts take plain numbers */
	limit_is("Foo:count>100", HS_METRIC_COUNT, 100.0);
	limit_is("Foo:new>0", HS_METRIC_NEW, 0.0);
	limit_is("Foo:new>25", HS_METRIC_NEW, 25.0);
}

static void test_percent(void **state)
{
	struct hs_rule r;
	(void)state;
	parse_ok("total:retained>5%", &r);
	assert_true(r.is_total);
	assert_int_equal(r.metric, HS_METRIC_RETAINED);
	assert_int_equal(r.percent, 1);
	assert_true(r.limit == 5.0);
	/* 5% of 3,000,000 = 150,000 */
	assert_true(hs_rule_limit(&r, 3000000) == 150000.0);
	assert_true(hs_rule_limit(&r, 0) == 0.0);

	parse_ok("Foo:count>12.5%", &r);
	assert_int_equal(r.metric, HS_METRIC_COUNT);
	assert_int_equal(r.percent, 1);
	assert_true(r.limit == 12.5);
	assert_true(hs_rule_limit(&r, 80) == 10.0);      /* 12.5% of 80 */

	parse_ok("*:self>100%", &r);
	assert_int_equal(r.metric, HS_METRIC_SELF);
	assert_true(hs_rule_limit(&r, 4096) == 4096.0);

	parse_ok("Foo:new>50%", &r);                      /* % is fine for new */
	assert_int_equal(r.metric, HS_METRIC_NEW);
	assert_int_equal(r.percent, 1);
	assert_true(hs_rule_limit(&r, 10) == 5.0);
}

/* ---- selectors and metrics ---------------------------------------------- */

static void test_metrics(void **state)
{
	static const struct { const char *text; enum hs_metric m; const char *name; } want[] = {
		{ "Foo:count>1", HS_METRIC_COUNT, "count" },
		{ "Foo:self>1", HS_METRIC_SELF, "self" },
		{ "Foo:retained>1", HS_METRIC_RETAINED, "retained" },
		{ "Foo:new>1", HS_METRIC_NEW, "new" },
		{ "total:count>1", HS_METRIC_COUNT, "count" },
		{ "total:self>1", HS_METRIC_SELF, "self" },
		{ "total:retained>1", HS_METRIC_RETAINED, "retained" },
		{ "total:new>1", HS_METRIC_NEW, "new" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct hs_rule r;
		parse_ok(want[i].text, &r);
		assert_int_equal(r.metric, want[i].m);
		assert_string_equal(hs_metric_name(r.metric), want[i].name);
		assert_int_equal(r.is_total, !strncmp(want[i].text, "total:", 6));
		assert_string_equal(r.selector, i < 4 ? "Foo" : "total");
	}
}

static void test_selectors(void **state)
{
	struct hs_rule r;
	(void)state;

	parse_ok("*:count>1000", &r);
	assert_string_equal(r.selector, "*");
	assert_false(r.is_total);
	assert_true(hs_rule_matches(&r, "LeakyConnection"));
	assert_true(hs_rule_matches(&r, "Detached <div>"));
	assert_true(hs_rule_matches(&r, "{a, b}"));
	assert_true(hs_rule_matches(&r, "Function"));
	/* '*' covers the program's classes, not V8's and Node's internals */
	assert_false(hs_rule_matches(&r, "(compiled code)"));
	assert_false(hs_rule_matches(&r, "(string)"));
	assert_false(hs_rule_matches(&r, "system / Context"));
	assert_false(hs_rule_matches(&r, "Node / std::basic_string"));
	assert_false(hs_rule_matches(&r, "Detached Node / BindingData"));
	parse_ok("*Context:count>0", &r);
	assert_true(hs_rule_matches(&r, "ListenerContext"));
	assert_false(hs_rule_matches(&r, "system / Context"));
	/* '**' covers every class */
	parse_ok("**:count>1000", &r);
	assert_string_equal(r.selector, "*");
	assert_true(hs_rule_matches(&r, "(compiled code)"));
	assert_true(hs_rule_matches(&r, "system / Context"));
	assert_true(hs_rule_matches(&r, "LeakyConnection"));
	/* a pattern that begins with the name reaches internals */
	parse_ok("system / *:count>0", &r);
	assert_true(hs_rule_matches(&r, "system / Context"));
	parse_ok("(compiled code):count>0", &r);
	assert_true(hs_rule_matches(&r, "(compiled code)"));
	parse_ok("Node / *:count>0", &r);
	assert_true(hs_rule_matches(&r, "Node / std::basic_string"));

	parse_ok("Detached *:count>0", &r);
	assert_string_equal(r.selector, "Detached *");
	assert_true(hs_rule_matches(&r, "Detached <div>"));
	assert_true(hs_rule_matches(&r, "Detached Text"));
	assert_true(hs_rule_matches(&r, "Detached blink::UniqueElementData"));
	assert_false(hs_rule_matches(&r, "HTMLDivElement"));
	assert_false(hs_rule_matches(&r, "Detached"));       /* no space */
	assert_false(hs_rule_matches(&r, "detached <div>")); /* case matters */
	assert_false(hs_rule_matches(&r, "Not Detached x"));

	parse_ok("Leaky?onnection:new>0", &r);
	assert_string_equal(r.selector, "Leaky?onnection");
	assert_int_equal(r.metric, HS_METRIC_NEW);
	assert_true(hs_rule_matches(&r, "LeakyConnection"));
	assert_true(hs_rule_matches(&r, "LeakyXonnection"));
	assert_false(hs_rule_matches(&r, "Leakyonnection"));   /* ? is exactly one */
	assert_false(hs_rule_matches(&r, "LeakyConnections"));
	assert_false(hs_rule_matches(&r, "ALeakyConnection"));

	/* `::` inside the selector: the metric follows the last ':' */
	parse_ok("blink::Foo:count>0", &r);
	assert_string_equal(r.selector, "blink::Foo");
	assert_int_equal(r.metric, HS_METRIC_COUNT);
	assert_true(r.limit == 0.0);
	assert_true(hs_rule_matches(&r, "blink::Foo"));
	assert_false(hs_rule_matches(&r, "blink::FooBar"));
	assert_false(hs_rule_matches(&r, "blink"));
	assert_false(hs_rule_matches(&r, "Foo"));

	parse_ok("blink::*:self>1KiB", &r);
	assert_string_equal(r.selector, "blink::*");
	assert_int_equal(r.metric, HS_METRIC_SELF);
	assert_true(r.limit == 1024.0);
	assert_true(hs_rule_matches(&r, "blink::UniqueElementData"));
	assert_false(hs_rule_matches(&r, "Detached blink::UniqueElementData"));

	/* a '>' inside the class name: the limit follows the last '>' */
	parse_ok("Detached <div>:count>0", &r);
	assert_string_equal(r.selector, "Detached <div>");
	assert_int_equal(r.metric, HS_METRIC_COUNT);
	assert_true(hs_rule_matches(&r, "Detached <div>"));
	assert_false(hs_rule_matches(&r, "Detached <span>"));

	/* bracket expressions, and an exact name */
	parse_ok("[CL]*:count>5", &r);
	assert_true(hs_rule_matches(&r, "CacheEntry"));
	assert_true(hs_rule_matches(&r, "ListenerContext"));
	assert_true(hs_rule_matches(&r, "ChurnItem"));
	assert_false(hs_rule_matches(&r, "SteadyThing"));
	parse_ok("SteadyThing:new>0", &r);
	assert_true(hs_rule_matches(&r, "SteadyThing"));
	assert_false(hs_rule_matches(&r, "SteadyThings"));

	/* `total` selects the totals, never a class (not even one named so) */
	parse_ok("total:count>10", &r);
	assert_true(r.is_total);
	assert_string_equal(r.selector, "total");
	assert_false(hs_rule_matches(&r, "total"));
	assert_false(hs_rule_matches(&r, "Foo"));
	/* ... but a glob that happens to match the word is a class selector */
	parse_ok("tot*:count>10", &r);
	assert_false(r.is_total);
	assert_true(hs_rule_matches(&r, "totals"));
}

/* ---- violation semantics ------------------------------------------------- */

static void test_violated_absolute(void **state)
{
	struct hs_rule r;
	(void)state;
	parse_ok("Foo:count>100", &r);
	assert_false(hs_rule_violated(&r, 100, 0));   /* strictly greater */
	assert_true(hs_rule_violated(&r, 101, 0));
	assert_false(hs_rule_violated(&r, 99, 1000));
	assert_false(hs_rule_violated(&r, -5000, 9000)); /* shrinking never violates */
	assert_true(hs_rule_violated(&r, 101, 1000000)); /* base ignored without % */

	parse_ok("Foo:new>0", &r);
	assert_false(hs_rule_violated(&r, 0, 0));
	assert_true(hs_rule_violated(&r, 1, 0));
	assert_true(hs_rule_violated(&r, 1, 500));

	parse_ok("Foo:self>1KB", &r);
	assert_false(hs_rule_violated(&r, 1000, 0));
	assert_true(hs_rule_violated(&r, 1001, 0));
	parse_ok("Foo:self>1KiB", &r);
	assert_false(hs_rule_violated(&r, 1024, 0));
	assert_true(hs_rule_violated(&r, 1025, 0));
	parse_ok("Foo:retained>1.5MB", &r);
	assert_false(hs_rule_violated(&r, 1500000, 0));
	assert_true(hs_rule_violated(&r, 1500001, 0));
	parse_ok("total:retained>2GiB", &r);
	assert_false(hs_rule_violated(&r, INT64_C(2147483648), 0));
	assert_true(hs_rule_violated(&r, INT64_C(2147483649), 0));
	assert_false(hs_rule_violated(&r, INT64_C(-4000000000), 0));
}

static void test_violated_percent(void **state)
{
	struct hs_rule r;
	(void)state;
	parse_ok("total:retained>5%", &r);
	/* 5% of 2,000,000 = 100,000 */
	assert_false(hs_rule_violated(&r, 100000, 2000000));
	assert_true(hs_rule_violated(&r, 100001, 2000000));
	assert_false(hs_rule_violated(&r, -100001, 2000000));
	/* the same growth against a larger A */
	assert_false(hs_rule_violated(&r, 100001, 3000000));

	parse_ok("Foo:count>50%", &r);
	/* 50% of 3 = 1.5: 1 passes, 2 fails */
	assert_false(hs_rule_violated(&r, 1, 3));
	assert_true(hs_rule_violated(&r, 2, 3));
	/* 50% of 1000 = 500 */
	assert_false(hs_rule_violated(&r, 500, 1000));
	assert_true(hs_rule_violated(&r, 501, 1000));

	/* A = 0: any percentage of nothing is 0, so any growth violates and no
	 * growth does not */
	assert_true(hs_rule_limit(&r, 0) == 0.0);
	assert_false(hs_rule_violated(&r, 0, 0));
	assert_true(hs_rule_violated(&r, 1, 0));
	parse_ok("Foo:self>1000%", &r);
	assert_false(hs_rule_violated(&r, 0, 0));
	assert_true(hs_rule_violated(&r, 8, 0));
	assert_false(hs_rule_violated(&r, 80, 8));  /* 1000% of 8 = 80 */
	assert_true(hs_rule_violated(&r, 81, 8));

	parse_ok("Foo:count>0%", &r);
	assert_false(hs_rule_violated(&r, 0, 500));
	assert_true(hs_rule_violated(&r, 1, 500));
}

/* ---- malformed rules ------------------------------------------------------ */

static void test_malformed(void **state)
{
	static const char *const bad[] = {
		/* no '>' */
		"Foo:count", "Foo:count=5", "Foo:count<5", "",
		/* no ':' */
		"Foo>5", "Foocount>5", "count>5",
		/* empty selector */
		":count>5", ":new>0",
		/* unknown / empty metric */
		"Foo:size>5", "Foo:>5", "Foo:counts>5", "Foo:Count>5", "total:total>5",
		"Foo:count >5",
		/* missing limit */
		"Foo:count>", "total:retained>",
		/* negative limit */
		"Foo:count>-1", "Foo:self>-5MB", "total:retained>-5%",
		/* not a number */
		"Foo:count>abc", "Foo:self>MB", "Foo:self>%", "Foo:count> 5",
		/* unknown unit */
		"Foo:self>5TB", "Foo:self>5kb", "Foo:self>5mb", "Foo:self>5 MB", "Foo:self>5MBs",
		"Foo:self>5%%", "Foo:self>5%MB", "Foo:retained>1,000",
		/* unit on count or new */
		"Foo:count>5KB", "Foo:count>1MiB", "Foo:count>3B", "Foo:new>1MB", "Foo:new>2KiB",
		"total:count>1GB", "total:new>4B",
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		parse_bad(bad[i]);
}

/* The message also says what is wrong (not only that something is). */
static void test_malformed_messages(void **state)
{
	static const struct { const char *rule, *word; } want[] = {
		{ "Foo:count", ">" },
		{ "Foo>5", "':'" },
		{ ":count>5", "selector" },
		{ "Foo:size>5", "metric" },
		{ "Foo:count>", "limit" },
		{ "Foo:count>-1", "non-negative" },
		{ "Foo:self>5TB", "unit" },
		{ "Foo:count>5KB", "unit" },
	};
	size_t i;
	(void)state;
	for (i = 0; i < sizeof(want) / sizeof(want[0]); i++) {
		struct hs_rule r;
		struct hs_error err = { 0, "" };
		assert_int_equal(hs_rule_parse(want[i].rule, &r, &err), HS_ERR_USAGE);
		if (!strstr(err.msg, want[i].word))
			fail_msg("rule '%s': message '%s' lacks '%s'", want[i].rule, err.msg, want[i].word);
	}
}

/* A rule longer than the buffer is refused, not truncated into another rule. */
static void test_too_long(void **state)
{
	char text[400];
	struct hs_rule r;
	struct hs_error err = { 0, "" };
	(void)state;
	memset(text, 'A', sizeof(text));
	memcpy(text + 380, ":count>10", 10);   /* 389 chars + NUL */
	assert_int_equal(hs_rule_parse(text, &r, &err), HS_ERR_USAGE);
	assert_int_equal(err.status, HS_ERR_USAGE);
	assert_non_null(strstr(err.msg, "'AAAA"));      /* quoted (abridged) */
	/* a selector of 199 characters still fits */
	memset(text, 'B', 199);
	memcpy(text + 199, ":count>10", 10);
	parse_ok(text, &r);
	assert_int_equal(strlen(r.selector), 199);
}

/* A trailing '?' marks a rule optional (it may select no class); the rest
 * parses as without it.  A '?' inside the selector is a glob character. */
static void test_optional(void **state)
{
	struct hs_rule r;
	(void)state;
	parse_ok("Foo:count>0?", &r);
	assert_int_equal(r.optional, 1);
	assert_string_equal(r.selector, "Foo");
	assert_int_equal(r.metric, HS_METRIC_COUNT);
	assert_true(r.limit == 0.0);
	parse_ok("Foo:self>5MB?", &r);
	assert_int_equal(r.optional, 1);
	assert_true(r.limit == 5e6);
	parse_ok("Foo:count>10%?", &r);
	assert_int_equal(r.optional, 1);
	assert_int_equal(r.percent, 1);
	assert_true(r.limit == 10.0);
	parse_ok("total:retained>1KiB?", &r);
	assert_int_equal(r.optional, 1);
	assert_int_equal(r.is_total, 1);
	parse_ok("Fo?:count>0", &r);
	assert_int_equal(r.optional, 0);
	assert_string_equal(r.selector, "Fo?");
	assert_true(hs_rule_matches(&r, "Foo"));
	parse_ok("Foo:count>0", &r);
	assert_int_equal(r.optional, 0);
	parse_bad("Foo:count>0??");
	parse_bad("Foo:count>?");
	parse_bad("?");
	parse_bad("Foo:count?>0");
}

/* hs_gate_check: rules in order, a total rule against the total row, other
 * rules against every row they match in row order; % limits of each row's
 * base.  Rows and expected violations written by hand. */
static void row_set(struct hs_gate_row *g, const char *name, int64_t count, uint64_t bc, int64_t self,
		    uint64_t bs, int64_t ret, uint64_t br, int64_t added)
{
	memset(g, 0, sizeof(*g));
	g->name = name;
	g->value[HS_METRIC_COUNT] = count; g->base[HS_METRIC_COUNT] = bc;
	g->value[HS_METRIC_SELF] = self; g->base[HS_METRIC_SELF] = bs;
	g->value[HS_METRIC_RETAINED] = ret; g->base[HS_METRIC_RETAINED] = br;
	g->value[HS_METRIC_NEW] = added; g->base[HS_METRIC_NEW] = bc;
}

static void test_check(void **state)
{
	struct hs_rule r[5];
	struct hs_gate_row total, rows[3];
	struct hs_violations vs = { NULL, 0, 0, NULL, 0 };
	(void)state;

	parse_ok("Foo*:self>10%", &r[0]);      /* Foo: 50 > 40 yes; FooBar: 20 > 10 yes */
	parse_ok("total:count>5", &r[1]);      /* 6 > 5 yes */
	parse_ok("Bar:retained>100", &r[2]);   /* 100 > 100 no */
	parse_ok("*:new>2", &r[3]);            /* Foo 3 yes, FooBar 0, Bar 2 no */
	parse_ok("(system):count>0", &r[4]);   /* matches no row */
	row_set(&total, NULL, 6, 100, -5, 1000, 7, 1000, 9);
	row_set(&rows[0], "Foo", 3, 10, 50, 400, 0, 0, 3);
	row_set(&rows[1], "FooBar", 1, 10, 20, 100, 0, 0, 0);
	row_set(&rows[2], "Bar", -1, 10, 0, 0, 100, 50, 2);
	hs_gate_check(r, 5, &total, rows, 3, &vs);
	assert_ptr_equal(vs.rules, r);
	assert_int_equal(vs.nrules, 5);
	assert_int_equal(vs.n, 4);
	assert_ptr_equal(vs.v[0].rule, &r[0]);
	assert_string_equal(vs.v[0].cls, "Foo");
	assert_int_equal(vs.v[0].value, 50);
	assert_true(vs.v[0].limit == 40.0);
	assert_string_equal(vs.v[1].cls, "FooBar");
	assert_true(vs.v[1].limit == 10.0);
	assert_ptr_equal(vs.v[2].rule, &r[1]);
	assert_null(vs.v[2].cls);
	assert_int_equal(vs.v[2].value, 6);
	assert_ptr_equal(vs.v[3].rule, &r[3]);
	assert_string_equal(vs.v[3].cls, "Foo");
	assert_int_equal(vs.v[3].value, 3);
	hs_violations_release(&vs);
	assert_null(vs.v);
}

/* diff's rows: growth B - A per class and the total (summed counts, total
 * sizes, added objects), by hand from two hand-made sides. */
static void test_diff_rows(void **state)
{
	struct hs_class_names ns;
	struct hs_side a, b;
	struct hs_class_row ra[2] = { { 4, 40, 400, 1 }, { 2, 20, 200, 1 } };
	struct hs_class_row rb[2] = { { 7, 30, 900, 1 }, { 2, 20, 200, 1 } };
	struct hs_diff_row dr[1];
	struct hs_diff d;
	struct hs_gate_row total, *rows;
	(void)state;

	hs_class_names_init(&ns);
	hs_class_names_intern(&ns, "Foo", 3);
	hs_class_names_intern(&ns, "Bar", 3);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	memset(&d, 0, sizeof(d));
	a.rows = ra; a.nrows = 2; a.total_size = 1000;
	b.rows = rb; b.nrows = 2; b.total_size = 900;
	memset(dr, 0, sizeof(dr));
	dr[0].gid = 0;
	dr[0].count_a = 4; dr[0].count_b = 7; dr[0].self_a = 40; dr[0].self_b = 30;
	dr[0].retained_a = 400; dr[0].retained_b = 900; dr[0].added = 5; dr[0].deleted = 2;
	d.rows = dr; d.nrows = 1;
	hs_gate_diff_rows(&d, &a, &b, &ns, &total, &rows);
	assert_null(total.name);
	assert_int_equal(total.value[HS_METRIC_COUNT], 3);      /* (7 + 2) - (4 + 2) */
	assert_int_equal(total.base[HS_METRIC_COUNT], 6);
	assert_int_equal(total.value[HS_METRIC_NEW], 5);
	assert_int_equal(total.value[HS_METRIC_SELF], -100);    /* 900 - 1000 */
	assert_int_equal(total.value[HS_METRIC_RETAINED], -100);
	assert_int_equal(total.base[HS_METRIC_RETAINED], 1000);
	assert_string_equal(rows[0].name, "Foo");
	assert_int_equal(rows[0].value[HS_METRIC_COUNT], 3);
	assert_int_equal(rows[0].value[HS_METRIC_SELF], -10);
	assert_int_equal(rows[0].value[HS_METRIC_RETAINED], 500);
	assert_int_equal(rows[0].base[HS_METRIC_RETAINED], 400);
	assert_int_equal(rows[0].value[HS_METRIC_NEW], 5);
	assert_int_equal(rows[0].base[HS_METRIC_NEW], 4);
	free(rows);
	hs_class_names_release(&ns);
}

/* ---- realms: matched across snapshots, realm rules ------------------------ */

static void test_realm_rules_parse(void **state)
{
	struct hs_rule r;
	struct hs_error err = { 0, "" };

	(void)state;
	/* a realm rule: the prefix, then a whole rule */
	assert_int_equal(hs_rule_parse_scoped("realm:Window / *:self>1MB", &r, &err), 0);
	assert_int_equal(r.realm, 1);
	assert_string_equal(r.selector, "Window / *");
	assert_string_equal(r.text, "realm:Window / *:self>1MB");
	assert_int_equal(r.metric, HS_METRIC_SELF);
	assert_true(r.limit == 1e6);
	assert_int_equal(hs_rule_parse_scoped("realm:total:retained>5%?", &r, &err), 0);
	assert_true(r.realm && r.is_total && r.optional && r.percent);
	/* class "realm" (no second ':'): a class rule */
	assert_int_equal(hs_rule_parse_scoped("realm:count>5", &r, &err), 0);
	assert_int_equal(r.realm, 0);
	assert_string_equal(r.selector, "realm");
	/* a class whose name begins with "realm:" */
	assert_int_equal(hs_rule_parse_scoped("[r]ealm:x:count>5", &r, &err), 0);
	assert_int_equal(r.realm, 0);
	assert_string_equal(r.selector, "[r]ealm:x");
	/* no other prefix is special */
	assert_int_equal(hs_rule_parse_scoped("Foo:count>5", &r, &err), 0);
	assert_int_equal(r.realm, 0);
	/* realms have no count nor new; errors quote the whole rule */
	assert_int_equal(hs_rule_parse_scoped("realm:global:count>5", &r, &err), HS_ERR_USAGE);
	assert_non_null(strstr(err.msg, "'realm:global:count>5'"));
	assert_int_equal(hs_rule_parse_scoped("realm:global:bogus>5", &r, &err), HS_ERR_USAGE);
	assert_non_null(strstr(err.msg, "realm:global:bogus>5"));
	/* too long as a whole, though the rule after the prefix fits */
	{
		char t[300];
		memset(t, 'a', sizeof(t));
		memcpy(t, "realm:", 6);
		strcpy(t + 250, ":self>1");
		assert_int_equal(hs_rule_parse_scoped(t, &r, &err), HS_ERR_USAGE);
		assert_non_null(strstr(err.msg, "too long"));
		/* "realm" alone, and 'realm:' then no '>' */
		assert_int_equal(hs_rule_parse_scoped("realm", &r, &err), HS_ERR_USAGE);
		assert_int_equal(hs_rule_parse_scoped("realm:x:self", &r, &err), HS_ERR_USAGE);
	}
}

static void sizes_set(struct hs_realm_sizes *z, struct hs_realm_entry *v, uint32_t n, uint64_t shared,
		      uint64_t unattributed, uint64_t total)
{
	z->v = v;
	z->count = n;
	z->shared = shared;
	z->unattributed = unattributed;
	z->total = total;
}

/* Two snapshots: A has realms @5 "Window / a" (100 B attributed, 300 B
 * retained) and @7 "global" (40, 50), shared 10, unattributed 20, total
 * 170; B has @7 renamed (60, 80) and a new @9 "Window / b" (5, 6), shared
 * 30, unattributed 20, total 115.  Matched by id: @7 keeps A's label, @9
 * comes after (unattributed) (first seen in B), @5 is absent from B. */
static void test_realm_series(void **state)
{
	struct hs_realm_entry ea[2] = { { 5, "Window / a", 100, 300 }, { 7, "global", 40, 50 } };
	struct hs_realm_entry eb[2] = { { 7, "renamed", 60, 80 }, { 9, "Window / b", 5, 6 } };
	struct hs_realm_sizes za, zb;
	struct hs_realm_series m;
	struct hs_gate_row total, *rows;
	struct hs_rule r[5];
	struct hs_violations vs = { NULL, 0, 0, NULL, 0 };
	struct hs_error err = { 0, "" };
	static const char *const labels[5] = { "Window / a", "global", "(shared)", "(unattributed)", "Window / b" };
	static const uint32_t ids[5] = { 5, 7, HS_REALM_PSEUDO, HS_REALM_PSEUDO, 9 };
	static const uint64_t att[5][2] = { { 100, 0 }, { 40, 60 }, { 10, 30 }, { 20, 20 }, { 0, 5 } };
	static const uint64_t ret[5][2] = { { 300, 0 }, { 50, 80 }, { 0, 0 }, { 0, 0 }, { 0, 6 } };
	static const uint8_t pres[5][2] = { { 1, 0 }, { 1, 1 }, { 1, 1 }, { 1, 1 }, { 0, 1 } };
	int j;

	(void)state;
	sizes_set(&za, ea, 2, 10, 20, 170);
	sizes_set(&zb, eb, 2, 30, 20, 115);
	hs_realm_series_init(&m, 2);
	hs_realm_series_add(&m, 0, &za);
	hs_realm_series_add(&m, 1, &zb);
	assert_int_equal(m.nrows, 5);
	for (j = 0; j < 5; j++) {
		assert_string_equal(m.rows[j].label, labels[j]);
		assert_int_equal(m.rows[j].id, ids[j]);
		assert_int_equal(m.rows[j].attributed[0], att[j][0]);
		assert_int_equal(m.rows[j].attributed[1], att[j][1]);
		assert_int_equal(m.rows[j].retained[0], ret[j][0]);
		assert_int_equal(m.rows[j].retained[1], ret[j][1]);
		assert_int_equal(m.rows[j].present[0], pres[j][0]);
		assert_int_equal(m.rows[j].present[1], pres[j][1]);
	}
	assert_int_equal(m.total[0], 170);
	assert_int_equal(m.total[1], 115);

	hs_realm_gate_rows(&m, 0, 1, &total, &rows);
	assert_int_equal(total.value[HS_METRIC_SELF], -55);
	assert_int_equal(total.base[HS_METRIC_SELF], 170);
	assert_int_equal(rows[0].value[HS_METRIC_SELF], -100);
	assert_int_equal(rows[1].value[HS_METRIC_SELF], 20);
	assert_int_equal(rows[1].base[HS_METRIC_SELF], 40);
	assert_int_equal(rows[1].value[HS_METRIC_RETAINED], 30);
	assert_int_equal(rows[1].base[HS_METRIC_RETAINED], 50);
	assert_int_equal(rows[2].value[HS_METRIC_SELF], 20);
	assert_int_equal(rows[4].value[HS_METRIC_SELF], 5);
	assert_int_equal(rows[4].base[HS_METRIC_SELF], 0);

	/* realm rules against the realm rows, a class rule against the class
	 * rows only (none here), in rule order */
	assert_int_equal(hs_rule_parse_scoped("realm:global:self>10", &r[0], &err), 0);
	assert_int_equal(hs_rule_parse_scoped("realm:(shared):self>100%", &r[1], &err), 0); /* limit 10 */
	assert_int_equal(hs_rule_parse_scoped("realm:*:retained>25", &r[2], &err), 0);     /* not (shared) */
	assert_int_equal(hs_rule_parse_scoped("global:self>1", &r[3], &err), 0);           /* a class rule */
	assert_int_equal(hs_rule_parse_scoped("realm:total:self>-60", &r[4], &err), HS_ERR_USAGE);
	assert_int_equal(hs_rule_parse_scoped("realm:total:self>0", &r[4], &err), 0);       /* -55: passes */
	hs_gate_check_realms(r, 5, &total, NULL, 0, rows, m.nrows, &vs);
	assert_int_equal(vs.n, 3);
	assert_ptr_equal(vs.v[0].rule, &r[0]);
	assert_string_equal(vs.v[0].cls, "global");
	assert_int_equal(vs.v[0].value, 20);
	assert_ptr_equal(vs.v[1].rule, &r[1]);
	assert_string_equal(vs.v[1].cls, "(shared)");
	assert_true(vs.v[1].limit == 10.0);
	assert_ptr_equal(vs.v[2].rule, &r[2]);
	assert_string_equal(vs.v[2].cls, "global");
	assert_int_equal(vs.v[2].value, 30);
	hs_violations_release(&vs);
	free(rows);
	hs_realm_series_release(&m);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_percent),
		cmocka_unit_test(test_metrics),
		cmocka_unit_test(test_selectors),
		cmocka_unit_test(test_violated_absolute),
		cmocka_unit_test(test_violated_percent),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_malformed_messages),
		cmocka_unit_test(test_too_long),
		cmocka_unit_test(test_optional),
		cmocka_unit_test(test_check),
		cmocka_unit_test(test_diff_rows),
		cmocka_unit_test(test_realm_rules_parse),
		cmocka_unit_test(test_realm_series),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
