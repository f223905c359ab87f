/* hsnap leaks A B C: the three-snapshot technique. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "gate_report.h"
#include "options.h"
#include "containers_report.h"
#include "output.h"
#include "path_groups.h"
#include "byfn.h"
#include "hsnap/filters.h"
#include "hsnap/leaks.h"
#include "hsnap/paths.h"
#include "alloc.h"

static const struct cmd_doc help_doc = {
	.name = "leaks",
	.usage = (const char *const[]){ "hsnap leaks [options] A B C", NULL },
	.description =
		"The three-snapshot technique: objects allocated between A and B (V8 id in\n"
		"B, not in A) that are still alive in C.  Take A after warm-up, B after\n"
		"running the suspect action a few times, C after running it again: what\n"
		"the first runs allocated should be gone by C.  The survivors are grouped\n"
		"by class (in C: count, shallow and retained size) with their merged\n"
		"retainer paths.  A, B and C must come from one process.  Objects are\n"
		"matched by V8 id within a class, as in diff (V8 may give an id to another\n"
		"object later); A and B are named with C's {a, b} interface definitions.\n"
		"hsnap warns when A-B or B-C do not look like one process, or are out of\n"
		"order.\n",
	.operands = "<file>",
};

struct lopts {
	enum fmt f;
	long top, paths, depth, containers;
	int all, raw, nrules, by;
	struct hs_rule *rules;
	const char *filter_name;     /* --filter, or NULL */
	struct hs_filter filter;
};

/* --fail-on: the library's one evaluation over the leaked classes (gate.h). */
static void gate(const struct lopts *o, const struct hs_leaks *r, const struct hs_analysis *a,
		 struct hs_violations *out)
{
	struct hs_gate_row total, *rows;

	hs_leaks_gate_rows(r, a, &total, &rows);
	hs_gate_check(o->rules, o->nrules, &total, rows, r->n, out);
	free(rows);
}

/* The leaked classes as people read them: the first --top. */
static const struct out_col human_cols[] = {
	{ "Class", NULL, 'l', 0 },
	{ "Leaked", NULL, 'r', 0 },
	{ "Shallow", NULL, 'r', 0 },
	{ "Retained in C", NULL, 'r', 0 },
};
static const struct out_table human_table = { OUT_COLS(human_cols), .views = OUT_HUMAN, .indent = 2 };
/* Every leaked class for machines; JSON nests the first --top's paths. */
static const struct out_col class_cols[] = {
	{ NULL, "name", 'l', OUT_TREE },
	{ NULL, "class", 'l', OUT_FLAT },
	{ NULL, "count", 'r', 0 },
	{ NULL, "self_size", 'r', 0 },
	{ NULL, "retained_size", 'r', 0 },
};
static const struct out_table class_table = { .key = "classes", OUT_COLS(class_cols), .views = OUT_DATA };

struct lview {
	const struct lopts *o;
	const struct hs_leaks *r;
	const struct hs_analysis *a;   /* the rows' (--by function: function rows) */
	const uint32_t *parent;
	uint32_t shown;         /* classes with their paths: min(--top, classes) */
	const struct hs_analysis *pa;  /* the paths' (DevTools' class names) */
};

static void header(struct out *out, const struct lview *v, char **files)
{
	const struct hs_leaks *r = v->r;
	char b1[32], b2[32], b3[32];
	int f;

	out_list_begin(out, "snapshots");
	for (f = 0; f < 3; f++)
		out_field(out, NULL, ov_str(files[f]));
	out_list_end(out);
	if (v->o->filter_name)
		out_kv_str(out, "filter", v->o->filter_name);
	out_kv_u64(out, "new_in_b", r->new_in_b);
	out_kv_u64(out, "leaked", r->leaked);
	out_kv_u64(out, "hidden_internal", r->hidden);
	out_kv_u64(out, "retained_size", r->retained);
	out_say(out, "Allocated between A and B and still alive in C\n  A: %s\n  B: %s\n  C: %s\n\n",
		"## Leaks: allocated between A and B, alive in C\n\n- A: `%s`\n- B: `%s`\n- C: `%s`\n\n",
		files[0], files[1], files[2]);
	if (v->o->filter_name)
		out_say(out, "  filter %s (DevTools' named filter, computed on C): the leaked objects it keeps\n\n",
			"Filter: `%s` (DevTools' named filter, computed on C): the leaked objects it keeps\n\n",
			v->o->filter_name);
	out_say(out, "  %s objects leaked (of %s new in B), %s retained in C",
		"%s objects leaked (of %s new in B), %s retained in C", group_digits(r->leaked, b1, sizeof(b1)),
		group_digits(r->new_in_b, b2, sizeof(b2)), human_size(r->retained, b3, sizeof(b3)));
	if (r->hidden)
		out_say(out, "; %s V8-internal objects hidden (--all shows them)", NULL,
			group_digits(r->hidden, b1, sizeof(b1)));
	out_say(out, "\n\n", NULL);
}

static void human_classes(struct out *out, const struct lview *v)
{
	uint32_t k;

	out_table_begin(out, &human_table);
	for (k = 0; k < v->shown; k++) {
		const struct hs_leak_class *c = &v->r->v[k];
		char label[1400];
		const char *name = hs_class_name(&v->a->classes, c->cls);
		struct out_val cells[4] = { ov_str(v->o->by ? row_label(name, label, sizeof(label)) : name), ov_count(c->count),
					    ov_bytes(c->self_size), ov_bytes(c->retained_size) };
		out_row(out, cells);
	}
	out_table_end(out);
}

/* Class k's row; for the first --top, its merged paths in C pg (nested in
 * the tree view, a section of its own for people). */
static void class_row(struct out *out, const struct lview *v, uint32_t k, const struct out_table *paths,
		      const struct hs_path_groups *pg)
{
	const struct hs_leak_class *c = &v->r->v[k];
	const char *name = hs_class_name(&v->a->classes, c->cls);
	struct out_val cells[5] = { ov_str(name), ov_str(name), ov_uint(c->count), ov_uint(c->self_size),
				    ov_uint(c->retained_size) };
	char b1[32], label[1400];

	if (!pg) {
		row_out(out, cells, name, v->o->by);
		return;
	}
	out_row_open(out, cells);
	row_location(out, name, v->o->by);
	out_say(out, "\n  %s: %s object%s\n", "\n**%s** (%s object%s)\n\n",
		v->o->by ? row_label(name, label, sizeof(label)) : name,
		group_digits(c->count, b1, sizeof(b1)), c->count == 1 ? "" : "s");
	path_groups(out, paths, v->pa, pg, (uint32_t)v->o->paths, 2, 0);
	out_row_close(out);
}

static void render(const struct lopts *o, const struct lview *v, char **files, const struct hs_violations *vs,
		   struct cgrow *cg)
{
	struct out *out = out_open(o->f);
	const struct out_table paths = path_groups_table("paths", OUT_TREE, 0);
	struct hs_path_groups *pg = NULL;
	uint32_t k, npg = o->paths > 0 && out_view(out) != OUT_FLAT ? v->shown : 0;

	/* every class's paths before any is printed: text folds what they all share */
	if (npg)
		HS_ALLOC_ARRAY(pg, npg);
	for (k = 0; k < npg; k++) {
		const struct hs_leak_class *c = &v->r->v[k];
		hs_merge_paths_top(&pg[k], v->pa, v->parent, c->nodes, c->n, v->r->outer, (uint32_t)o->depth,
				   (uint32_t)o->paths);
		path_groups_note(v->pa, &pg[k], (uint32_t)o->paths);
	}
	header(out, v, files);
	human_classes(out, v);
	if (o->paths > 0 && v->shown)
		out_say(out, "\nWhy they are alive (merged retainer paths in C)\n",
			"\n### Why they are alive (merged retainer paths in C)\n\n");
	out_table_begin(out, &class_table);
	for (k = 0; k < v->r->n; k++)
		class_row(out, v, k, &paths, k < npg ? &pg[k] : NULL);
	out_table_end(out);
	if (out_view(out) != OUT_FLAT) { /* CSV: the class table only */
		cgrow_out(cg, out);
		violations_out(out, vs);
	}
	out_close(out);
	for (k = 0; k < npg; k++)
		hs_path_groups_release(&pg[k]);
	free(pg);
}

static int opt_fail_on(const struct opt_call *call, const char *arg)
{
	struct lopts *o = call->opt->value;
	return fail_on_option("leaks", arg, 0, 1, &o->rules, &o->nrules, NULL);
}

/* --filter NAME: DevTools' named filter (its nodes are chosen in C's analysis) */
static int opt_filter(const struct opt_call *call, const char *arg)
{
	struct lopts *o = call->opt->value;
	return filter_option("leaks", arg, &o->filter, &o->filter_name);
}

static int parse(struct lopts *o, int argc, char **argv)
{
	const struct opt opts[] = {
		OPT_COUNT("top", &o->top, "N", "classes shown (default 20; JSON and CSV list all)"),
		OPT_COUNT("paths", &o->paths, "K", "path shapes shown per class (default 3; 0: none)"),
		OPT_RANGE("max-depth", &o->depth, 1, 100000, "D", "path steps shown nearest the objects (default 16)"),
		OPT_COUNT("containers", &o->containers, "N", "containers (Arrays, Maps, Sets, objects) that grew from A\n"
			  "to B to C, matched by id, with what holds them in C and\n"
			  "what they accumulate (default 10; 0: none)"),
		OPT_BY(&o->by, "the rows of the leaked objects' table:"),
		OPT_BOOL("all", &o->all, "include V8 internals (hidden, code, object shapes,\n"
			 "internal arrays, 'system / ...' objects); hidden by default"),
		OPT_CALLBACK("fail-on", o, "RULE", "exit 1 when RULE is violated (repeatable); METRIC is\n"
			     "count, self or retained of the leaked objects of a class\n"
			     "(or 'total'), LIMIT as in diff; a % limit is relative\n"
			     "to the class in C; a rule matching no class of A, B or\n"
			     "C is an error unless it ends with '?'", opt_fail_on, NULL),
		OPT_CALLBACK("filter", o, "NAME", "leaked objects that DevTools' named filter keeps in C only:\n"
			     OPT_FILTER_NAMES_HELP, opt_filter,
			     OPT_FILTER_NAMES),
		OPT_FORMAT_HTML(&o->f, "text (default), json, csv, markdown or html (a page)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete)"),
		OPT_FULL_PATHS,
		OPT_RAW_SIZES(&o->raw),
		OPT_END()
	};

	return parse_files(&help_doc, opts, argc, argv, 3, "three snapshots A B C");
}

/* --filter: the nodes of C (analysed in a) the named filter keeps */
static int filter_nodes(const struct hs_analysis *a, const struct hs_filter *f, uint64_t **keep)
{
	struct hs_error err = { 0, "" };

	if (hs_filter_nodes(a, f, keep, &err))
		return usage_error("leaks", "%s", err.msg);
	return 0;
}

/* After C (analysed in a; its rows in ra): C's side, then A's and B's,
 * named with C's interface definitions; the containers are measured on the
 * way. */
static int load_ab(const struct lopts *o, char **files, const struct hs_analysis *a, const struct hs_analysis *ra,
		   struct hs_class_names *ns, struct hs_side *sa, struct hs_side *sb, struct hs_side *sc,
		   struct cgrow *cg)
{
	struct side_opts so = { o->raw, &a->classes.interfaces, NULL, 1, cgrow_hook, cg, o->by };
	int rc;

	cg->enabled = o->containers > 0;
	cg->top = o->containers;
	cg->n = 3;
	cg->raw = o->raw;
	cg->last_path = files[2];
	cg->cur = 2;
	cgrow_hook(cg, a);
	hs_side_from_analysis(sc, ns, ra);
	cg->cur = 0;
	if ((rc = load_side(ns, files[0], NULL, sa, &so)))
		return rc;
	cg->cur = 1;
	rc = load_side(ns, files[1], NULL, sb, &so);
	hs_recycle_end(); /* what A left for B (load_side) */
	if (rc)
		return rc;
	cgrow_finish(cg);
	return EXIT_OK;
}

int cmd_leaks(int argc, char **argv)
{
	struct lopts o = { FMT_TEXT, 20, 3, 16, 10, 0, 0, 0, 0, NULL, NULL, { 0, 0 } };
	struct cgrow cg;
	struct hs_leaks r;
	struct hs_class_names ns;
	struct hs_side sa, sb, sc;
	const uint32_t *parent = NULL;
	struct loaded lc;
	struct hs_snapshot *c = NULL;
	struct hs_analysis a, fa;
	const struct hs_analysis *ra = &a; /* the rows: a's, or fa's function rows */
	int analysed = 0;
	struct hs_violations viol = { NULL, 0, 0, NULL, 0 };
	uint64_t *keep = NULL;
	char **files;
	int rc;

	memset(&r, 0, sizeof(r));
	memset(&cg, 0, sizeof(cg));
	memset(&sa, 0, sizeof(sa));
	memset(&sb, 0, sizeof(sb));
	memset(&sc, 0, sizeof(sc));
	hs_class_names_init(&ns);
	if ((rc = parse(&o, argc, argv)))
		goto out;
	files = argv + optind;
	/* C first: it is analysed in full (paths), and its interface definitions
	 * name A's and B's plain objects, so that {a, b} classes line up */
	if ((rc = load_snapshot(files[2], NULL, &lc)))
		goto out;
	c = lc.s;
	warn_snapshot(c);
	if ((rc = analyze_snapshot(&lc, o.raw, o.paths > 0, &a)))
		goto out;
	analysed = 1;
	if (o.by) {
		by_function_begin(&fa, &a);
		ra = &fa;
	}
	if (o.filter_name && (rc = filter_nodes(&a, &o.filter, &keep)))
		goto out;
	if ((rc = load_ab(&o, files, &a, ra, &ns, &sa, &sb, &sc, &cg)))
		goto out;
	cg.last_a = &a;
	{
		const struct hs_side *all[3] = { &sa, &sb, &sc };
		if ((rc = rules_check_selected("leaks", o.rules, o.nrules, &ns, all, 3, "A, B or C")))
			goto out;
	}
	warn_pair("leaks", "A", &sa, "B", &sb, "the objects new in B, and so the leaks, are meaningless");
	warn_pair("leaks", "B", &sb, "C", &sc, "the leaked objects are meaningless");
	hs_leaks_find(&r, &sa, &sb, &sc, ra, &ns, o.all, keep);
	parent = a.parent_edge;
	gate(&o, &r, ra, &viol);
	{
		struct lview v = { &o, &r, ra, parent, r.n < (uint32_t)o.top ? r.n : (uint32_t)o.top, &a };
		render(&o, &v, files, &viol, &cg);
	}
	violations_stderr("leaks", &viol);
	rc = fflush(stdout) ? EXIT_INPUT : viol.n ? EXIT_GATE : EXIT_OK;
out:
	if (analysed && o.by)
		by_function_end(&fa, &a);
	if (analysed)
		hs_analysis_release(&a);
	hs_leaks_release(&r);
	hs_violations_release(&viol);
	free(keep);
	cgrow_release(&cg);
	free(o.rules);
	hs_side_release(&sa);
	hs_side_release(&sb);
	hs_side_release(&sc);
	hs_class_names_release(&ns);
	hs_snapshot_free(c);
	return rc < 0 ? EXIT_OK : rc;
}
