/* hsnap leaks A B C: the three-snapshot technique. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "containers_report.h"
#include "hsnap/paths.h"
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap leaks [options] A B C",
	NULL
};

static const char help_text[] =
	"The three-snapshot technique: objects allocated between A and B (V8 id in\n"
	"B, not in A) that are still alive in C.  Take A after warm-up, B after\n"
	"running the suspect action a few times, C after running it again: what\n"
	"the first runs allocated should be gone by C.  The survivors are grouped\n"
	"by class (in C: count, shallow and retained size) with their merged\n"
	"retainer paths.  A, B and C must come from one process.  Objects are\n"
	"matched by V8 id within a class, as in diff (V8 may give an id to another\n"
	"object later); A and B are named with C's {a, b} interface definitions.\n"
	"hsnap warns when A-B or B-C do not look like one process, or are out of\n"
	"order.\n";

static const struct cmd_doc help_doc = { "leaks", usage_lines, help_text, NULL, "<file>" };

struct lopts {
	enum fmt f;
	long top, paths, depth, containers;
	int all, raw, nrules;
	struct hs_rule *rules;
};

struct lclass {
	uint32_t cls;
	uint64_t count, self_size, retained_size;
	uint32_t *nodes, n, alloc;
};

/* An object of a comparison side: its (gid << 32 | low half of the id) key
 * and the id's high half (0 but for Julia's ids beyond 32 bits).  Sides are
 * sorted by (key, hi) (diff.c), so merges compare both. */
struct okey { uint64_t key; uint32_t hi; };

static int okey_cmp(const void *a, const void *b)
{
	const struct okey *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

static struct okey okey_at(const struct hs_side *s, uint64_t i)
{
	struct okey k = { s->objects[i], s->objects_hi ? s->objects_hi[i] : 0 };
	return k;
}

/* The sorted (class, id) keys of B's objects that A lacks: the objects
 * allocated between A and B.  Returns their number; *out (malloc) holds
 * those also in C, the leaked ones, *nout of them. */
static uint64_t new_in_b(const struct hs_side *a, const struct hs_side *b, const struct hs_side *c,
			 struct okey **out, uint64_t *nout)
{
	uint64_t i = 0, j = 0, k = 0, n = 0, m = 0;

	HS_ALLOC_ARRAY(*out, b->nobjects ? b->nobjects : 1);
	for (j = 0; j < b->nobjects; j++) {
		struct okey key = okey_at(b, j), x;
		while (i < a->nobjects && (x = okey_at(a, i), okey_cmp(&x, &key) < 0))
			i++;
		if (i < a->nobjects && (x = okey_at(a, i), okey_cmp(&x, &key) == 0))
			continue;
		n++;
		while (k < c->nobjects && (x = okey_at(c, k), okey_cmp(&x, &key) < 0))
			k++;
		if (k < c->nobjects && (x = okey_at(c, k), okey_cmp(&x, &key) == 0))
			(*out)[m++] = key;
	}
	*nout = m;
	return n;
}

static int is_internal(const struct hs_snapshot *s, uint32_t n)
{
	uint8_t t = s->node_type[n];
	return t == s->t.hidden || t == s->t.code || t == s->t.object_shape || t == s->t.array ||
	       t == s->t.synthetic || !strncmp(hs_node_name(s, n), "system / ", 9);
}

static int lclass_cmp(const void *x, const void *y)
{
	const struct lclass *a = x, *b = y;
	if (a->retained_size != b->retained_size)
		return a->retained_size > b->retained_size ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->cls < b->cls ? -1 : a->cls > b->cls;
}

struct result {
	struct lclass *v;
	uint32_t n;
	uint64_t leaked, hidden, new_in_b, retained;
	uint64_t *outer;   /* leaked objects with no leaked ancestor of their class */
};

/* leaked: the sorted (class, id) keys of C's objects allocated between A and
 * B; gid_of: C's class -> global class id of the keys. */
static void group(struct result *r, const struct hs_analysis *a, const struct okey *leaked, uint64_t nleaked,
		  const uint32_t *gid_of, int all)
{
	const struct hs_snapshot *s = a->s;
	uint32_t ncls = a->classes.names.count, *slot, x, k;
	uint64_t *members = hs_bits_new(s->node_count), *outer = hs_bits_new(s->node_count);

	r->outer = hs_bits_new(s->node_count);
	HS_ALLOC_ARRAY(slot, ncls ? ncls : 1);
	for (k = 0; k < ncls; k++)
		slot[k] = UINT32_MAX;
	for (x = 0; x < s->node_count; x++) {
		struct lclass *c;
		uint32_t cls = a->classes.class_of[x];
		struct okey key = { ((uint64_t)gid_of[cls] << 32) | s->node_id[x], s->node_id_hi ? s->node_id_hi[x] : 0 };
		if (!a->self_size[x] || !bsearch(&key, leaked, nleaked, sizeof(*leaked), okey_cmp))
			continue;
		if (!all && is_internal(s, x)) {
			r->hidden++;
			continue;
		}
		if (slot[cls] == UINT32_MAX) {
			HS_REALLOC_ARRAY(r->v, (size_t)r->n + 1);
			memset(&r->v[r->n], 0, sizeof(r->v[r->n]));
			r->v[r->n].cls = cls;
			slot[cls] = r->n++;
		}
		c = &r->v[slot[cls]];
		HS_GROW(c->nodes, c->n, c->alloc);
		c->nodes[c->n++] = x;
		c->count++;
		c->self_size += a->self_size[x];
		hs_bit_set(members, x);
		r->leaked++;
	}
	hs_outermost_by_class(&a->dom, s->root, s->node_count, members, a->classes.class_of, ncls, r->outer);
	for (k = 0; k < r->n; k++)
		for (x = 0; x < r->v[k].n; x++)
			if (hs_bit_get(r->outer, r->v[k].nodes[x]))
				r->v[k].retained_size += a->dom.retained[r->v[k].nodes[x]];
	/* leaked objects of different classes can nest: the total counts each
	 * byte once (objects with no leaked ancestor at all) */
	memset(outer, 0, sizeof(*outer) * ((s->node_count + 63) / 64));
	hs_outermost_members(&a->dom, s->root, s->node_count, members, outer);
	for (x = 0; x < s->node_count; x++)
		if (hs_bit_get(outer, x))
			r->retained += a->dom.retained[x];
	hs_sort(r->v, r->n, sizeof(*r->v), lclass_cmp);
	free(slot);
	free(members);
	free(outer);
}

static void gate(const struct lopts *o, const struct result *r, const struct hs_analysis *a,
		 struct violations *out)
{
	uint32_t k;
	int i;

	for (i = 0; i < o->nrules; i++) {
		const struct hs_rule *rule = &o->rules[i];
		if (rule->is_total) {
			uint64_t self = 0, base = rule->metric == HS_METRIC_COUNT ? a->s->node_count : a->stats.total;
			int64_t v;
			for (k = 0; k < r->n; k++)
				self += r->v[k].self_size;
			v = (int64_t)(rule->metric == HS_METRIC_COUNT ? r->leaked : rule->metric == HS_METRIC_SELF
				      ? self : r->retained);
			if (hs_rule_violated(rule, v, base))
				violation_add(out, rule, NULL, v, base);
			continue;
		}
		for (k = 0; k < r->n; k++) {
			const struct lclass *c = &r->v[k];
			const struct hs_class *all = &a->classes.cls[c->cls];
			const char *name = hs_class_name(&a->classes, c->cls);
			int64_t v;
			uint64_t base;
			if (!hs_rule_matches(rule, name))
				continue;
			if (rule->metric == HS_METRIC_COUNT) { v = (int64_t)c->count; base = all->count; }
			else if (rule->metric == HS_METRIC_SELF) { v = (int64_t)c->self_size; base = all->self_size; }
			else { v = (int64_t)c->retained_size; base = all->retained_size; }
			if (hs_rule_violated(rule, v, base))
				violation_add(out, rule, name, v, base);
		}
	}
}

static void print_json(const struct lopts *o, const struct result *r, const struct hs_analysis *a,
		       const uint32_t *parent, char **files, const struct violations *vs, struct cgrow *cg)
{
	yajl_gen g = json_new(1);
	uint32_t k;
	int f;

	yajl_gen_map_open(g);
	json_key(g, "snapshots");
	yajl_gen_array_open(g);
	for (f = 0; f < 3; f++)
		json_str(g, files[f]);
	yajl_gen_array_close(g);
	json_kv_u64(g, "new_in_b", r->new_in_b);
	json_kv_u64(g, "leaked", r->leaked);
	json_kv_u64(g, "hidden_internal", r->hidden);
	json_kv_u64(g, "retained_size", r->retained);
	json_key(g, "classes");
	yajl_gen_array_open(g);
	for (k = 0; k < r->n; k++) {
		const struct lclass *c = &r->v[k];
		yajl_gen_map_open(g);
		json_kv_str(g, "name", hs_class_name(&a->classes, c->cls));
		json_kv_u64(g, "count", c->count);
		json_kv_u64(g, "self_size", c->self_size);
		json_kv_u64(g, "retained_size", c->retained_size);
		if (o->paths > 0 && k < (uint32_t)o->top) {
			struct hs_path_groups pg;
			hs_merge_paths_top(&pg, a, parent, c->nodes, c->n, r->outer, (uint32_t)o->depth, (uint32_t)o->paths);
			json_key(g, "paths");
			print_path_groups(a, &pg, (uint32_t)o->paths, FMT_JSON, g, 0);
			hs_path_groups_release(&pg);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	cgrow_report(cg, FMT_JSON, g);
	violations_json(g, vs);
	json_finish(g);
}

static void print_report(const struct lopts *o, const struct result *r, const struct hs_analysis *a,
			 const uint32_t *parent, char **files, const struct violations *vs, struct cgrow *cg)
{
	static const char *const head[] = { "Class", "Leaked", "Shallow", "Retained in C" };
	int md = o->f == FMT_MD;
	uint32_t k, shown = r->n < (uint32_t)o->top ? r->n : (uint32_t)o->top;
	struct table t;
	char b1[32], b2[32], b3[32];

	printf(md ? "## Leaks: allocated between A and B, alive in C\n\n- A: `%s`\n- B: `%s`\n- C: `%s`\n\n"
		  : "Allocated between A and B and still alive in C\n  A: %s\n  B: %s\n  C: %s\n\n",
	       files[0], files[1], files[2]);
	printf("%s%s objects leaked (of %s new in B), %s retained in C",
	       md ? "" : "  ", group_digits(r->leaked, b1, sizeof(b1)), group_digits(r->new_in_b, b2, sizeof(b2)),
	       human_size(r->retained, b3, sizeof(b3)));
	if (r->hidden)
		printf("; %s V8-internal objects hidden (--all shows them)", group_digits(r->hidden, b1, sizeof(b1)));
	printf("\n\n");
	table_init(&t, 4, head, "lrrr");
	for (k = 0; k < shown; k++) {
		const struct lclass *c = &r->v[k];
		const char *cells[4];
		char cn[32], sh[32], re[32];
		cells[0] = hs_class_name(&a->classes, c->cls);
		cells[1] = group_digits(c->count, cn, sizeof(cn));
		cells[2] = human_size(c->self_size, sh, sizeof(sh));
		cells[3] = human_size(c->retained_size, re, sizeof(re));
		table_row(&t, cells);
	}
	table_print(&t, o->f, md ? 0 : 2);
	table_release(&t);
	if (o->paths > 0 && shown) {
		printf(md ? "\n### Why they are alive (merged retainer paths in C)\n\n" : "\nWhy they are alive (merged retainer paths in C)\n");
		for (k = 0; k < shown; k++) {
			struct hs_path_groups pg;
			const struct lclass *c = &r->v[k];
			hs_merge_paths_top(&pg, a, parent, c->nodes, c->n, r->outer, (uint32_t)o->depth, (uint32_t)o->paths);
			printf(md ? "\n**%s** (%s object%s)\n\n" : "\n  %s: %s object%s\n", hs_class_name(&a->classes, c->cls),
			       group_digits(c->count, b1, sizeof(b1)), c->count == 1 ? "" : "s");
			print_path_groups(a, &pg, (uint32_t)o->paths, o->f, NULL, md ? 0 : 2);
			hs_path_groups_release(&pg);
		}
	}
	cgrow_report(cg, o->f, NULL);
	violations_report(o->f, vs, o->nrules);
}

static void print_csv(const struct result *r, const struct hs_analysis *a)
{
	uint32_t k;
	printf("class,count,self_size,retained_size\n");
	for (k = 0; k < r->n; k++) {
		csv_field(stdout, hs_class_name(&a->classes, r->v[k].cls));
		printf(",%" PRIu64 ",%" PRIu64 ",%" PRIu64 "\n", r->v[k].count, r->v[k].self_size,
		       r->v[k].retained_size);
	}
}

static int opt_fail_on(const struct opt_call *call, const char *arg)
{
	struct lopts *o = call->opt->value;
	struct hs_error err;

	HS_REALLOC_ARRAY(o->rules, (size_t)o->nrules + 1);
	if (hs_rule_parse(arg, &o->rules[o->nrules], &err) < 0)
		return usage_error("leaks", "%s", err.msg);
	if (o->rules[o->nrules].metric == HS_METRIC_NEW)
		return usage_error("leaks", "rule '%s': the metric 'new' is for diff; leaks rules use count, self or retained", arg);
	o->nrules++;
	return 0;
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
		OPT_BOOL("all", &o->all, "include V8 internals (hidden, code, object shapes,\n"
			 "internal arrays, 'system / ...' objects); hidden by default"),
		OPT_CALLBACK("fail-on", o, "RULE", "exit 1 when RULE is violated (repeatable); METRIC is\n"
			     "count, self or retained of the leaked objects of a class\n"
			     "(or 'total'), LIMIT as in diff; a % limit is relative\n"
			     "to the class in C; a rule matching no class of A, B or\n"
			     "C is an error unless it ends with '?'", opt_fail_on, NULL),
		OPT_FORMAT_HTML(&o->f, "text (default), json, csv, markdown or html (a page)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete)"),
		OPT_BOOL("raw-sizes", &o->raw, "the file's shallow sizes (no DevTools re-attribution)"),
		OPT_END()
	};
	int rc;

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc;
	if (argc - optind != 3)
		return usage_error("leaks", "expected three snapshots A B C, got %d", argc - optind);
	return 0;
}

int cmd_leaks(int argc, char **argv)
{
	struct lopts o = { FMT_TEXT, 20, 3, 16, 10, 0, 0, 0, NULL };
	struct cgrow cg;
	struct result r;
	struct hs_class_names ns;
	struct hs_side sa, sb, sc;
	struct okey *leaked = NULL;
	uint64_t nleaked = 0;
	uint32_t *gid_of = NULL, i, k;
	const uint32_t *parent = NULL;
	struct hs_snapshot *c = NULL;
	struct hs_analysis a;
	int analysed = 0;
	struct violations viol = { NULL, 0, 0, NULL, 0 };
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
	if ((rc = load_snapshot(files[2], &c)))
		goto out;
	warn_snapshot(c);
	if ((rc = analyze_snapshot_ex(c, o.raw, o.paths > 0, &a)))
		goto out;
	analysed = 1;
	cg.enabled = o.containers > 0;
	cg.top = o.containers;
	cg.n = 3;
	cg.raw = o.raw;
	cg.last_path = files[2];
	cg.cur = 2;
	cgrow_hook(&cg, &a);
	hs_side_from_analysis(&sc, &ns, &a);
	HS_ALLOC_ARRAY(gid_of, a.classes.names.count ? a.classes.names.count : 1);
	for (k = 0; k < a.classes.names.count; k++)
		gid_of[k] = hs_class_names_intern(&ns, hs_str(&a.classes.names, k), hs_strlen(&a.classes.names, k));
	cg.cur = 0;
	if ((rc = load_side_ex(&ns, files[0], &sa, o.raw, &a.classes.interfaces, NULL, 1, cgrow_hook, &cg)))
		goto out;
	cg.cur = 1;
	if ((rc = load_side_ex(&ns, files[1], &sb, o.raw, &a.classes.interfaces, NULL, 1, cgrow_hook, &cg)))
		goto out;
	cgrow_finish(&cg);
	cg.last_a = &a;
	{
		const struct hs_side *all[3] = { &sa, &sb, &sc };
		if ((rc = rules_check_selected("leaks", o.rules, o.nrules, &ns, all, 3, "A, B or C")))
			goto out;
	}
	warn_pair("leaks", "A", &sa, "B", &sb, "the objects new in B, and so the leaks, are meaningless");
	warn_pair("leaks", "B", &sb, "C", &sc, "the leaked objects are meaningless");
	r.new_in_b = new_in_b(&sa, &sb, &sc, &leaked, &nleaked);
	group(&r, &a, leaked, nleaked, gid_of, o.all);
	parent = a.parent_edge;
	viol.rules = o.rules;
	viol.nrules = o.nrules;
	gate(&o, &r, &a, &viol);
	if (o.f == FMT_JSON)
		print_json(&o, &r, &a, parent, files, &viol, &cg);
	else if (o.f == FMT_CSV)
		print_csv(&r, &a);
	else
		print_report(&o, &r, &a, parent, files, &viol, &cg);
	violations_stderr("leaks", &viol);
	rc = fflush(stdout) ? EXIT_INPUT : viol.n ? EXIT_GATE : EXIT_OK;
out:
	if (analysed)
		hs_analysis_release(&a);
	for (i = 0; i < r.n; i++)
		free(r.v[i].nodes);
	free(r.v);
	free(r.outer);
	free(viol.v);
	cgrow_release(&cg);
	free(leaked);
	free(gid_of);
	free(o.rules);
	hs_side_release(&sa);
	hs_side_release(&sb);
	hs_side_release(&sc);
	hs_class_names_release(&ns);
	hs_snapshot_free(c);
	return rc < 0 ? EXIT_OK : rc;
}
