/* hsnap diff: per-class growth between two snapshots, and the CI gate. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "output.h"
#include "input.h"
#include "gate_report.h"
#include "realms_report.h"
#include "byfn.h"
#include "hsnap/filters.h"
#include "alloc.h"
#include "sort.h"

static const struct cmd_doc help_doc = {
	.name = "diff",
	.usage = (const char *const[]){ "hsnap diff [options] A B", NULL },
	.description =
		"What grew from snapshot A to snapshot B, class by class: counts, objects\n"
		"new in B and deleted since A (matched by V8 object id within a class, as\n"
		"DevTools' Comparison view does), shallow and retained sizes with deltas.\n"
		"A and B should come from the same process (ids are per process); hsnap\n"
		"warns when they share hardly any ids, and when B looks older than A (its\n"
		"largest id is smaller).  A may also be a JSON baseline\n"
		"written by 'hsnap summary --format json' (class-level numbers only).\n",
	.epilog =
		"\n"
		"Exit codes: 0 no rule violated, 1 a rule violated, 2 usage, 3 input, 4 memory.\n",
	.operands = "<file>",
};

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
	int realms;                 /* --realms: the realms table */
	int need_realms;            /* --realms or a realm rule */
	struct hs_realm_sizes z[2]; /* A's and B's realms */
	struct hs_realm_series m;   /* matched, A first */
	const char *filter_name;    /* --filter NAME, or NULL */
	struct hs_filter filter;
	struct hs_error filter_err; /* a side the filter could not apply to */
	int filter_missing;         /* sides without the filter's native context */
	int by;                     /* --by: BY_CLASS or BY_FUNCTION */
};

/* load_side's hook for side k (0 A, 1 B) */
struct side_hook {
	struct ctx *c;
	int k;
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

/* --filter: the side again, over the nodes DevTools' filter keeps */
static void filter_side(struct ctx *c, struct hs_side *side, const struct hs_analysis *a)
{
	uint64_t *bits = NULL;
	struct hs_class *cls;

	if (c->filter_err.status)
		return;
	if (hs_filter_nodes(a, &c->filter, &bits, &c->filter_err)) {
		free(bits);
		bits = NULL;
		/* a realm of one side only (an iframe that came or went): its
		 * filter keeps nothing on the other side; on neither: an error */
		if (c->filter.kind != HS_FILTER_NATIVE_CONTEXT || c->filter_missing++) {
			if (!c->filter_err.status)
				c->filter_err.status = HS_ERR_USAGE;
			return;
		}
		c->filter_err.status = 0;
		bits = hs_bits_new(a->s->node_count);
	}
	cls = hs_filter_classes(a, bits);
	hs_side_release(side);
	hs_side_from_filter(side, &c->ns, a, cls, bits);
	free(cls);
	free(bits);
}

/* before a side's graph is freed: its realms, its filtered classes */
static void side_hook(void *ctx, const struct hs_analysis *a)
{
	const struct side_hook *h = ctx;
	struct hs_realms r;

	if (h->c->need_realms) {
		hs_realms_compute(&r, a);
		hs_realm_sizes_from(&h->c->z[h->k], a, &r);
		hs_realms_release(&r);
	}
	if (h->c->filter_name)
		filter_side(h->c, h->k ? &h->c->b : &h->c->a, a);
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
	struct side_hook ha = { c, 0 }, hb = { c, 1 };
	void (*hook)(void *, const struct hs_analysis *) = c->need_realms || c->filter_name ? side_hook : NULL;

	if ((rc = open_sniffed(pb, &in, &baseline)))
		return rc;
	if (baseline)
		rc = usage_error("diff", "B (%s) must be a heap snapshot; only A can be a JSON baseline", pb);
	else
		rc = load_side(&c->ns, pb, in, &c->b, &(struct side_opts){ raw, NULL, &ifs, 1, hook, &hb, c->by == BY_FUNCTION });
	hs_input_close(in);
	if (rc == 0 && c->filter_err.status) /* B's: A is not read */
		rc = usage_error("diff", "%s", c->filter_err.msg);
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
	if (rc == 0 && baseline && c->need_realms)
		rc = usage_error("diff", "realms (--realms, realm: rules) need two snapshots: A (%s) is a JSON baseline", pa);
	if (rc == 0 && baseline && c->by == BY_FUNCTION)
		rc = usage_error("diff", "--by function needs two snapshots: A (%s) is a JSON baseline", pa);
	if (rc == 0 && baseline && c->filter_name)
		rc = usage_error("diff", "--filter needs two snapshots: A (%s) is a JSON baseline", pa);
	if (rc == 0 && baseline) {
		if ((rc = hs_side_from_summary_input(&c->a, &c->ns, in, pa, &err)) < 0) {
			rc = file_error(strcmp(pa, "-") ? pa : "<stdin>", err.msg, exit_code_for(rc));
		}
	} else if (rc == 0) {
		rc = load_side(&c->ns, pa, in, &c->a, &(struct side_opts){ raw, &ifs, NULL, 1, hook, &ha, c->by == BY_FUNCTION });
	}
	hs_input_close(in);
	hs_interfaces_release(&ifs);
	if (rc == 0 && c->filter_err.status)
		rc = usage_error("diff", "%s", c->filter_err.msg);
	return rc;
}

/* ---- the gate ----------------------------------------------------------- */

/* --fail-on: the library's one evaluation over diff's rows (gate.h). */
static void check_rules(struct ctx *c)
{
	struct hs_gate_row total, realm_total, *rows, *realm_rows = NULL;

	hs_gate_diff_rows(&c->d, &c->a, &c->b, &c->ns, &total, &rows);
	if (c->need_realms)
		hs_realm_gate_rows(&c->m, 0, 1, &realm_total, &realm_rows);
	hs_gate_check_realms(c->rules, c->nrules, &total, rows, c->d.nrows, realm_rows,
			     c->need_realms ? c->m.nrows : 0, &c->viol);
	free(rows);
	free(realm_rows);
}

/* ---- output ------------------------------------------------------------- */

/* One row per changed class: people see the largest changes first (by
 * magnitude) and --top of them; CSV and JSON every class. */
static const struct out_col class_cols[] = {
	{ "Class", NULL, 'l', OUT_HUMAN }, { "Count A", NULL, 'r', OUT_HUMAN },
	{ "Count B", NULL, 'r', OUT_HUMAN }, { "Δ Count", NULL, 'r', OUT_HUMAN },
	{ "New", NULL, 'r', OUT_HUMAN }, { "Deleted", NULL, 'r', OUT_HUMAN },
	{ "Δ Shallow", NULL, 'r', OUT_HUMAN }, { "Δ Retained", NULL, 'r', OUT_HUMAN },
	{ "Retained B", NULL, 'r', OUT_HUMAN },
	{ NULL, "class", 'l', OUT_FLAT }, { NULL, "name", 'l', OUT_TREE },
	/* A, B and the delta of each measure; the ids new in B and deleted from A */
	{ NULL, "count_a", 'r', OUT_DATA }, { NULL, "count_b", 'r', OUT_DATA }, { NULL, "count_delta", 'r', OUT_DATA },
	{ NULL, "new", 'r', OUT_DATA }, { NULL, "deleted", 'r', OUT_DATA },
	{ NULL, "self_a", 'r', OUT_DATA }, { NULL, "self_b", 'r', OUT_DATA }, { NULL, "self_delta", 'r', OUT_DATA },
	{ NULL, "retained_a", 'r', OUT_DATA }, { NULL, "retained_b", 'r', OUT_DATA }, { NULL, "retained_delta", 'r', OUT_DATA },
};
static const struct out_table class_table = { .key = "classes", OUT_COLS(class_cols), .indent = 2 };

static void class_row(struct out *out, const struct ctx *c, const struct hs_diff_row *r)
{
	const char *name = hs_str(&c->ns.names, r->gid);
	int ids = c->d.has_ids, fn = c->by == BY_FUNCTION;
	char label[1400];
	struct out_val v[22] = {
		ov_str(fn ? row_label(name, label, sizeof(label)) : name), ov_count(r->count_a), ov_count(r->count_b), ov_signed(delta(r->count_a, r->count_b)),
		ids ? ov_count(r->added) : ov_str("-"), ids ? ov_count(r->deleted) : ov_str("-"),
		ov_signed_bytes(delta(r->self_a, r->self_b)), ov_signed_bytes(delta(r->retained_a, r->retained_b)),
		ov_bytes(r->retained_b),
		ov_str(name), ov_str(name), ov_uint(r->count_a), ov_uint(r->count_b),
		ov_int(delta(r->count_a, r->count_b)), ids ? ov_uint(r->added) : ov_null(),
		ids ? ov_uint(r->deleted) : ov_null(), ov_uint(r->self_a), ov_uint(r->self_b),
		ov_int(delta(r->self_a, r->self_b)), ov_uint(r->retained_a), ov_uint(r->retained_b),
		ov_int(delta(r->retained_a, r->retained_b)),
	};
	row_out(out, v, name, fn);
}

static void render(struct ctx *c)
{
	const struct hs_side *sides[2] = { &c->a, &c->b };
	struct out *out = out_open(c->f);
	uint32_t i, n = c->d.nrows;
	int k;

	for (k = 0; k < 2; k++) {
		out_obj_begin(out, k ? "b" : "a");
		out_kv_str(out, "file", sides[k]->file);
		out_field(out, "baseline", ov_bool(sides[k]->is_baseline));
		out_kv_u64(out, "node_count", sides[k]->node_count);
		out_kv_u64(out, "total_size", sides[k]->total_size);
		out_obj_end(out);
	}
	out_field(out, "shared_ids", c->d.has_ids ? ov_uint(c->d.shared_ids) : ov_null());
	if (c->filter_name)
		out_kv_str(out, "filter", c->filter_name);
	if (out_view(out) & OUT_HUMAN) {
		char b1[32], b2[32], b3[32], b4[32], b5[32];
		const char *by = c->key == S_SELF ? "shallow-size change (growth or shrinkage)"
			: c->key == S_COUNT ? "count change (growth or shrinkage)"
			: c->key == S_NEW ? "new objects" : "retained-size change (growth or shrinkage)";
		hs_sort(c->d.rows, c->d.nrows, sizeof(*c->d.rows), row_cmp_magnitude);
		if (n > (uint32_t)c->top)
			n = (uint32_t)c->top;
		out_say(out, "A: %s%s: %s nodes, %s\nB: %s: %s nodes, %s\n",
			"## Heap snapshot diff\n\n| | file | nodes | total size |\n|---|---|---:|---:|\n"
			"| A | `%s`%s | %s | %s |\n| B | `%s` | %s | %s |\n\n",
			c->a.file, c->a.is_baseline ? " (baseline)" : "",
			group_digits(c->a.node_count, b1, sizeof(b1)), human_size(c->a.total_size, b2, sizeof(b2)),
			c->b.file, group_digits(c->b.node_count, b3, sizeof(b3)),
			human_size(c->b.total_size, b4, sizeof(b4)));
		if (c->filter_name)
			out_say(out, "  filter %s (DevTools' named filter): the classes and objects it keeps in A and in B\n",
				"Filter: `%s` (DevTools' named filter): the classes and objects it keeps in A and in B\n\n",
				c->filter_name);
		out_say(out, "  Total size %s (%s); %u classes changed%s\n\n",
			"Total size %s (%s); %u classes changed%s\n\n",
			signed_size(delta(c->a.total_size, c->b.total_size), b5, sizeof(b5)),
			signed_percent(delta(c->a.total_size, c->b.total_size), c->a.total_size, b1, sizeof(b1)),
			c->d.nrows, c->d.has_ids ? "" : " (A is a baseline: new/deleted unknown)");
		out_say(out, "Top %u of %u changed classes by %s\n", OUT_SKIP, n, c->d.nrows, by);
		out_say(out, OUT_SKIP, "### Top %u classes by %s\n\n", n, by);
	}
	out_table_begin(out, &class_table);
	for (i = 0; i < n; i++)
		class_row(out, c, &c->d.rows[i]);
	out_table_end(out);
	if (c->realms)
		realms_pair_out(out, &c->m);
	violations_out(out, &c->viol);
	out_close(out);
}

/* ---- the command ---------------------------------------------------------- */

static const struct opt_choice sort_choices[] = {
	{ "retained", S_RETAINED, 0 }, { "self", S_SELF, 0 }, { "shallow", S_SELF, 1 },
	{ "count", S_COUNT, 0 }, { "new", S_NEW, 0 }, { NULL, 0, 0 }
};

static int opt_fail_on(const struct opt_call *call, const char *arg)
{
	struct ctx *c = call->opt->value;
	return fail_on_option("diff", arg, 1, 0, &c->rules, &c->nrules, &c->need_realms);
}

/* --filter NAME: DevTools' named filter, applied to each side after loading */
static int opt_filter(const struct opt_call *call, const char *arg)
{
	struct ctx *c = call->opt->value;
	return filter_option("diff", arg, &c->filter, &c->filter_name);
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
			     "with '?' (optional): 'Foo:count>0?'.\n"
			     "realm:SELECTOR:METRIC>LIMIT is a rule on realms (as\n"
			     "--realms matches them): SELECTOR a glob over the realm's\n"
			     "global (Window / url, global), (shared), (unattributed)\n"
			     "or total; METRIC self (attributed size) or retained,\n"
			     "e.g. 'realm:Window / https*:self>1MB'", opt_fail_on, NULL),
		OPT_CALLBACK("filter", c, "NAME", "classes and objects of DevTools' named filter only:\n"
			     "objectsRetainedByDetachedDomNodes, objectsRetainedByConsole,\n"
			     "objectsRetainedByEventHandlers, objectsRetainedByContexts,\n"
			     "duplicatedStrings, sharedNativeContext, noNativeContext,\n"
			     "nativeContext_ID (ID: a native context's id, see hsnap realms);\n"
			     "applied to A and to B, the diff is of the filtered classes", opt_filter,
			     OPT_FILTER_NAMES),
		OPT_BY(&c->by, "the rows of the class table:"),
		OPT_BOOL("realms", &c->realms, "a table of realms (native contexts: page, iframes, vm\n"
			 "contexts) matched by id, as 'hsnap realms A B': A's and\n"
			 "B's attributed and retained sizes and their growth"),
		OPT_FORMAT_HTML(&c->f, "text (default), json, csv, markdown (for a PR comment) or\n"
				"html (a self-contained page, e.g. a CI artifact)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete; kept\n"
			   "when a --fail-on rule fails)"),
		OPT_RAW_SIZES_FILES(raw),
		OPT_END()
	};
	int rc;

	if ((rc = parse_files(&help_doc, opts, argc, argv, 2, "two files A B")))
		return rc;
	c->need_realms |= c->realms;
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
	hs_recycle_end(); /* what B left for A (load_side) */
	if (rc == 0) {
		hs_diff_compute(&c.d, &c.a, &c.b);
		hs_realm_series_init(&c.m, 2);
		hs_realm_series_add(&c.m, 0, &c.z[0]);
		hs_realm_series_add(&c.m, 1, &c.z[1]);
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
		render(&c);
		violations_stderr("diff", &c.viol);
		rc = fflush(stdout) != 0 ? EXIT_INPUT : c.viol.n ? EXIT_GATE : EXIT_OK;
	}
out:
	hs_diff_release(&c.d);
	hs_realm_series_release(&c.m);
	hs_realm_sizes_release(&c.z[0]);
	hs_realm_sizes_release(&c.z[1]);
	hs_side_release(&c.a);
	hs_side_release(&c.b);
	hs_class_names_release(&c.ns);
	free(c.rules);
	free(c.viol.v);
	return rc < 0 ? EXIT_OK : rc;
}
