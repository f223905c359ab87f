/* hsnap diff: per-class growth between two snapshots, and the CI gate. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "input.h"
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap diff [options] A B",
	NULL
};

static const char help_text[] =
	"What grew from snapshot A to snapshot B, class by class: counts, objects\n"
	"new in B and deleted since A (matched by V8 object id within a class, as\n"
	"DevTools' Comparison view does), shallow and retained sizes with deltas.\n"
	"A and B should come from the same process (ids are per process); hsnap\n"
	"warns when they share hardly any ids, and when B looks older than A (its\n"
	"largest id is smaller).  A may also be a JSON baseline\n"
	"written by 'hsnap summary --format json' (class-level numbers only).\n";

static const char help_epilog[] =
	"\n"
	"Exit codes: 0 no rule violated, 1 a rule violated, 2 usage, 3 input, 4 memory.\n";

static const struct cmd_doc help_doc = { "diff", usage_lines, help_text, help_epilog, "<file>" };

enum sort_key { S_RETAINED, S_SELF, S_COUNT, S_NEW };

struct ctx {
	struct hs_class_names ns;
	struct hs_side a, b;
	struct hs_diff d;
	struct hs_rule *rules;
	int nrules;
	struct hs_violations viol;
	enum sort_key key;
	enum fmt f;
	long top;
};

/* b - a, saturated at +-(2^63 - 1).  The loaders keep every sum below 2^63
 * (self sizes of a snapshot, counts and sizes of a baseline), so this only
 * guards values that come from elsewhere (an index). */
static int64_t delta(uint64_t a, uint64_t b)
{
	if (b >= a)
		return b - a > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(b - a);
	return a - b > (uint64_t)INT64_MAX ? -INT64_MAX : -(int64_t)(a - b);
}

static int64_t metric(const struct hs_diff_row *r, enum sort_key k)
{
	switch (k) {
	case S_SELF: return delta(r->self_a, r->self_b);
	case S_COUNT: return delta(r->count_a, r->count_b);
	case S_NEW: return (int64_t)r->added;
	default: return delta(r->retained_a, r->retained_b);
	}
}

static const struct ctx *g_ctx;

static int row_cmp(const void *x, const void *y)
{
	const struct hs_diff_row *a = x, *b = y;
	int64_t ka = metric(a, g_ctx->key), kb = metric(b, g_ctx->key);
	if (ka != kb)
		return ka > kb ? -1 : 1;
	return strcmp(hs_str(&g_ctx->ns.names, a->gid), hs_str(&g_ctx->ns.names, b->gid));
}

static uint64_t magnitude(int64_t v) { return v < 0 ? (uint64_t)-(v + 1) + 1 : (uint64_t)v; }

/* Text and markdown: the largest changes in either direction first (a class
 * that shrank by 5 MB is news as much as one that grew by 5 MB); ties: growth
 * first, then by name. */
static int row_cmp_magnitude(const void *x, const void *y)
{
	const struct hs_diff_row *a = x, *b = y;
	uint64_t ma = magnitude(metric(a, g_ctx->key)), mb = magnitude(metric(b, g_ctx->key));
	if (ma != mb)
		return ma > mb ? -1 : 1;
	return row_cmp(x, y);
}

/* ---- loading both sides, one graph in memory at a time ------------------ */

/* Each of A and B is opened once and sniffed without consuming anything
 * (hs_input_peek), so that '-' (stdin) and named pipes work. */
static int open_sniffed(const char *path, struct hs_input **in, int *is_baseline)
{
	struct hs_error err = { 0, "" };
	const unsigned char *head;
	long r;
	int rc;

	if ((rc = open_input(path, in)))
		return rc;
	if ((r = hs_input_peek(*in, &head, &err)) < 0) {
		fprintf(stderr, "hsnap: %s: %s\n", strcmp(path, "-") ? path : "<stdin>", err.msg);
		hs_input_close(*in);
		*in = NULL;
		return exit_code_for((int)r);
	}
	*is_baseline = hs_is_summary_text(head, (size_t)r);
	return EXIT_OK;
}

/* B first: its interface definitions name A's plain objects, as DevTools'
 * Comparison view does, so `{a, b}` classes line up.  B is read to its end
 * before A is opened (two named pipes fed one after the other work). */
static int load_sides(struct ctx *c, const char *pa, const char *pb, int raw)
{
	struct hs_interfaces ifs = { NULL, 0 };
	struct hs_error err = { 0, "" };
	struct hs_input *in;
	int rc, baseline = 0, k;

	if ((rc = open_sniffed(pb, &in, &baseline)))
		return rc;
	if (baseline)
		rc = usage_error("diff", "B (%s) must be a heap snapshot; only A can be a JSON baseline", pb);
	else
		rc = load_side(&c->ns, pb, in, &c->b, &(struct side_opts){ raw, NULL, &ifs, 1, NULL, NULL });
	hs_input_close(in);
	if (rc == 0)
		rc = open_sniffed(pa, &in, &baseline);
	if (rc) {
		hs_interfaces_release(&ifs);
		return rc;
	}
	if (baseline)
		for (k = 0; k < c->nrules; k++)
			if (c->rules[k].metric == HS_METRIC_NEW) {
				rc = usage_error("diff", "rule '%s' needs two snapshots: A (%s) is a JSON baseline without object ids",
						 c->rules[k].text, pa);
				break;
			}
	if (rc == 0 && baseline) {
		if ((rc = hs_side_from_summary_input(&c->a, &c->ns, in, pa, &err)) < 0) {
			rc = file_error(strcmp(pa, "-") ? pa : "<stdin>", err.msg, exit_code_for(rc));
		}
	} else if (rc == 0) {
		rc = load_side(&c->ns, pa, in, &c->a, &(struct side_opts){ raw, &ifs, NULL, 1, NULL, NULL });
	}
	hs_input_close(in);
	hs_interfaces_release(&ifs);
	return rc;
}

/* ---- the gate ----------------------------------------------------------- */

/* --fail-on: the library's one evaluation over diff's rows (gate.h). */
static void check_rules(struct ctx *c)
{
	struct hs_gate_row total, *rows;

	hs_gate_diff_rows(&c->d, &c->a, &c->b, &c->ns, &total, &rows);
	hs_gate_check(c->rules, c->nrules, &total, rows, c->d.nrows, &c->viol);
	free(rows);
}

/* ---- output ------------------------------------------------------------- */

static void print_json(const struct ctx *c)
{
	yajl_gen g = json_new(1);
	const struct hs_side *sides[2] = { &c->a, &c->b };
	uint32_t i;
	int k;

	yajl_gen_map_open(g);
	for (k = 0; k < 2; k++) {
		json_key(g, k ? "b" : "a");
		yajl_gen_map_open(g);
		json_kv_str(g, "file", sides[k]->file);
		json_key(g, "baseline");
		yajl_gen_bool(g, sides[k]->is_baseline);
		json_kv_u64(g, "node_count", sides[k]->node_count);
		json_kv_u64(g, "total_size", sides[k]->total_size);
		yajl_gen_map_close(g);
	}
	json_key(g, "shared_ids");
	if (c->d.has_ids) json_u64(g, c->d.shared_ids); else yajl_gen_null(g);
	json_key(g, "classes");
	yajl_gen_array_open(g);
	for (i = 0; i < c->d.nrows; i++) {
		const struct hs_diff_row *r = &c->d.rows[i];
		yajl_gen_map_open(g);
		json_kv_str(g, "name", hs_str(&c->ns.names, r->gid));
		json_kv_u64(g, "count_a", r->count_a);
		json_kv_u64(g, "count_b", r->count_b);
		json_key(g, "count_delta"); json_i64(g, delta(r->count_a, r->count_b));
		json_key(g, "new");
		if (c->d.has_ids) json_u64(g, r->added); else yajl_gen_null(g);
		json_key(g, "deleted");
		if (c->d.has_ids) json_u64(g, r->deleted); else yajl_gen_null(g);
		json_kv_u64(g, "self_a", r->self_a);
		json_kv_u64(g, "self_b", r->self_b);
		json_key(g, "self_delta"); json_i64(g, delta(r->self_a, r->self_b));
		json_kv_u64(g, "retained_a", r->retained_a);
		json_kv_u64(g, "retained_b", r->retained_b);
		json_key(g, "retained_delta"); json_i64(g, delta(r->retained_a, r->retained_b));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	violations_json(g, &c->viol);
	json_finish(g);
}

static void print_csv(const struct ctx *c)
{
	uint32_t i;

	printf("class,count_a,count_b,count_delta,new,deleted,self_a,self_b,self_delta,"
	       "retained_a,retained_b,retained_delta\n");
	for (i = 0; i < c->d.nrows; i++) {
		const struct hs_diff_row *r = &c->d.rows[i];
		csv_field(stdout, hs_str(&c->ns.names, r->gid));
		printf(",%" PRIu64 ",%" PRIu64 ",%" PRId64 ",", r->count_a, r->count_b, delta(r->count_a, r->count_b));
		if (c->d.has_ids)
			printf("%" PRIu64 ",%" PRIu64, r->added, r->deleted);
		else
			printf(",");
		printf(",%" PRIu64 ",%" PRIu64 ",%" PRId64 ",%" PRIu64 ",%" PRIu64 ",%" PRId64 "\n",
		       r->self_a, r->self_b, delta(r->self_a, r->self_b),
		       r->retained_a, r->retained_b, delta(r->retained_a, r->retained_b));
	}
}

static void print_table(const struct ctx *c)
{
	static const char *const head[] = { "Class", "Count A", "Count B", "Δ Count", "New", "Deleted",
					    "Δ Shallow", "Δ Retained", "Retained B" };
	struct table t;
	uint32_t i, n = c->d.nrows < (uint32_t)c->top ? c->d.nrows : (uint32_t)c->top;

	table_init(&t, 9, head, "lrrrrrrrr");
	for (i = 0; i < n; i++) {
		const struct hs_diff_row *r = &c->d.rows[i];
		char ca[32], cb[32], dc[32], nw[32], dl[32], ds[32], dr[32], rb[32];
		const char *cells[9];
		cells[0] = hs_str(&c->ns.names, r->gid);
		cells[1] = group_digits(r->count_a, ca, sizeof(ca));
		cells[2] = group_digits(r->count_b, cb, sizeof(cb));
		cells[3] = signed_digits(delta(r->count_a, r->count_b), dc, sizeof(dc));
		cells[4] = c->d.has_ids ? group_digits(r->added, nw, sizeof(nw)) : "-";
		cells[5] = c->d.has_ids ? group_digits(r->deleted, dl, sizeof(dl)) : "-";
		cells[6] = signed_size(delta(r->self_a, r->self_b), ds, sizeof(ds));
		cells[7] = signed_size(delta(r->retained_a, r->retained_b), dr, sizeof(dr));
		cells[8] = human_size(r->retained_b, rb, sizeof(rb));
		table_row(&t, cells);
	}
	table_print(&t, c->f, c->f == FMT_TEXT ? 2 : 0);
	table_release(&t);
}

static void print_report(const struct ctx *c)
{
	char b1[32], b2[32], b3[32], b4[32], b5[32];
	const char *by = c->key == S_SELF ? "shallow-size change (growth or shrinkage)"
		: c->key == S_COUNT ? "count change (growth or shrinkage)"
		: c->key == S_NEW ? "new objects" : "retained-size change (growth or shrinkage)";
	uint32_t shown = c->d.nrows < (uint32_t)c->top ? c->d.nrows : (uint32_t)c->top;
	int md = c->f == FMT_MD;

	if (md)
		printf("## Heap snapshot diff\n\n| | file | nodes | total size |\n|---|---|---:|---:|\n"
		       "| A | `%s`%s | %s | %s |\n| B | `%s` | %s | %s |\n\n",
		       c->a.file, c->a.is_baseline ? " (baseline)" : "",
		       group_digits(c->a.node_count, b1, sizeof(b1)), human_size(c->a.total_size, b2, sizeof(b2)),
		       c->b.file, group_digits(c->b.node_count, b3, sizeof(b3)), human_size(c->b.total_size, b4, sizeof(b4)));
	else
		printf("A: %s%s: %s nodes, %s\nB: %s: %s nodes, %s\n", c->a.file,
		       c->a.is_baseline ? " (baseline)" : "", group_digits(c->a.node_count, b1, sizeof(b1)),
		       human_size(c->a.total_size, b2, sizeof(b2)), c->b.file,
		       group_digits(c->b.node_count, b3, sizeof(b3)), human_size(c->b.total_size, b4, sizeof(b4)));
	printf("%sTotal size %s (%s); %u classes changed%s\n\n", md ? "" : "  ",
	       signed_size(delta(c->a.total_size, c->b.total_size), b5, sizeof(b5)),
	       signed_percent(delta(c->a.total_size, c->b.total_size), c->a.total_size, b1, sizeof(b1)),
	       c->d.nrows, c->d.has_ids ? "" : " (A is a baseline: new/deleted unknown)");
	if (md)
		printf("### Top %u classes by %s\n\n", shown, by);
	else
		printf("Top %u of %u changed classes by %s\n", shown, c->d.nrows, by);
	print_table(c);
	violations_report(c->f, &c->viol, c->nrules);
}

/* ---- the command ---------------------------------------------------------- */

static const struct opt_choice sort_choices[] = {
	{ "retained", S_RETAINED, 0 }, { "self", S_SELF, 0 }, { "shallow", S_SELF, 1 },
	{ "count", S_COUNT, 0 }, { "new", S_NEW, 0 }, { NULL, 0, 0 }
};

static int opt_fail_on(const struct opt_call *call, const char *arg)
{
	struct ctx *c = call->opt->value;
	struct hs_error err;

	HS_REALLOC_ARRAY(c->rules, (size_t)c->nrules + 1);
	if (hs_rule_parse(arg, &c->rules[c->nrules], &err) < 0)
		return usage_error("diff", "%s", err.msg);
	c->nrules++;
	return 0;
}

static int parse_args(struct ctx *c, int argc, char **argv, int *raw)
{
	const struct opt opts[] = {
		OPT_CHOICE("sort", &c->key, sort_choices, "KEY", "retained (default: retained-size change), self, count\n"
			   "or new"),
		OPT_COUNT("top", &c->top, "N", "classes shown in text/markdown (default 20): the largest\n"
			  "changes by KEY in either direction, growth or shrinkage\n"
			  "(JSON and CSV list every class that changed, by KEY from\n"
			  "the largest growth down to the largest shrinkage)"),
		OPT_CALLBACK("fail-on", c, "RULE", "exit 1 when RULE is violated (repeatable).\n"
			     "RULE is SELECTOR:METRIC>LIMIT\n"
			     "  SELECTOR  total, or a class-name glob ('*', 'Detached *')\n"
			     "  METRIC    count, self, retained (growth B-A) or new\n"
			     "  LIMIT     1000, 5MB, 2MiB (KB/MB/GB = 1000^n,\n"
			     "            KiB/MiB/GiB = 1024^n) or 5% (of A's value)\n"
			     "e.g. --fail-on '*:count>1000' --fail-on 'total:self>5%'\n"
			     "A SELECTOR that matches no class of A or B is an error\n"
			     "(exit 2: a typo must not pass) unless the rule ends\n"
			     "with '?' (optional): 'Foo:count>0?'", opt_fail_on, NULL),
		OPT_FORMAT_HTML(&c->f, "text (default), json, csv, markdown (for a PR comment) or\n"
				"html (a self-contained page, e.g. a CI artifact)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete; kept\n"
			   "when a --fail-on rule fails)"),
		OPT_BOOL("raw-sizes", raw, "the files' shallow sizes (no DevTools re-attribution)"),
		OPT_END()
	};
	int rc;

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc;
	if (argc - optind != 2)
		return usage_error("diff", "expected two files A B, got %d", argc - optind);
	return 0;
}

int cmd_diff(int argc, char **argv)
{
	struct ctx c;
	int raw = 0, rc;

	memset(&c, 0, sizeof(c));
	c.top = 20;
	c.key = S_RETAINED;
	hs_class_names_init(&c.ns);
	rc = parse_args(&c, argc, argv, &raw);
	if (rc == 0 && !strcmp(argv[optind], "-") && !strcmp(argv[optind + 1], "-"))
		rc = usage_error("diff", "A and B cannot both be '-' (standard input)");
	if (rc == 0)
		rc = load_sides(&c, argv[optind], argv[optind + 1], raw);
	if (rc == 0) {
		hs_diff_compute(&c.d, &c.a, &c.b);
		const struct hs_side *both[2] = { &c.a, &c.b };
		if ((rc = rules_check_selected("diff", c.rules, c.nrules, &c.ns, both, 2, "A or B")))
			goto out;
		warn_pair("diff", "A", &c.a, "B", &c.b,
			  "new/deleted counts are meaningless (class deltas are still valid)");
		g_ctx = &c;
		hs_sort(c.d.rows, c.d.nrows, sizeof(*c.d.rows), row_cmp);
		c.viol.rules = c.rules;
		c.viol.nrules = c.nrules;
		check_rules(&c);
		if (c.f == FMT_JSON) print_json(&c);
		else if (c.f == FMT_CSV) print_csv(&c);
		else {
			hs_sort(c.d.rows, c.d.nrows, sizeof(*c.d.rows), row_cmp_magnitude);
			print_report(&c);
		}
		violations_stderr("diff", &c.viol);
		rc = fflush(stdout) != 0 ? EXIT_INPUT : c.viol.n ? EXIT_GATE : EXIT_OK;
	}
out:
	hs_diff_release(&c.d);
	hs_side_release(&c.a);
	hs_side_release(&c.b);
	hs_class_names_release(&c.ns);
	free(c.rules);
	free(c.viol.v);
	return rc < 0 ? EXIT_OK : rc;
}
