/* hsnap growth S1 ... SN: classes that grow at every step. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "containers_report.h"
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap growth [options] S1 S2 S3 [... SN]",
	NULL
};

static const char help_text[] =
	"Classes whose object count (with --sort retained: retained size) grows at\n"
	"every step across N >= 3 snapshots of one process, with the per-step\n"
	"series and the total growth; a class whose count never changed is not\n"
	"listed by count, whatever its size does.  Snapshots are read one at a time and reduced to their class\n"
	"table, so memory stays that of one snapshot's graph plus the tables.  The\n"
	"last snapshot's {a, b} interface names are applied to all of them.  hsnap\n"
	"warns when two consecutive snapshots do not look like one process, or the\n"
	"later one looks older (a smaller largest id).\n";

static const struct cmd_doc help_doc = { "growth", usage_lines, help_text, NULL, "<file>" };

struct grow {
	uint32_t gid;
	int steps_count, steps_retained;
	int64_t count_growth, self_growth, retained_growth;
};

struct gctx {
	struct hs_class_names ns;
	struct hs_side *sides;
	struct hs_id_overlap *overlap; /* [n - 1]: snapshots i and i + 1 */
	int n;
	struct grow *rows;
	uint32_t nrows;
	int sort_retained;
	int sort_relative;  /* --sort growth (the default): count growth relative to S1 */
};

static const struct gctx *g_sort;

static const struct hs_class_row *row_at(const struct hs_side *s, uint32_t gid)
{
	static const struct hs_class_row none = { 0, 0, 0, 0 };
	return gid < s->nrows ? &s->rows[gid] : &none;
}

static int grow_cmp(const void *x, const void *y)
{
	const struct grow *a = x, *b = y;
	int64_t ka = g_sort->sort_retained ? a->retained_growth : a->count_growth;
	int64_t kb = g_sort->sort_retained ? b->retained_growth : b->count_growth;
	if (g_sort->sort_relative) {
		/* growth / first count, as an exact comparison of the fractions
		 * (a new class, first count 0, counts as from 1); listed rows
		 * grew, and counts stay below 2^31 (nodes), so the products fit */
		const struct hs_class_row *fa = row_at(&g_sort->sides[0], a->gid), *fb = row_at(&g_sort->sides[0], b->gid);
		uint64_t l = (uint64_t)a->count_growth * (fb->count ? fb->count : 1),
			 r = (uint64_t)b->count_growth * (fa->count ? fa->count : 1);
		if (l != r)
			return l > r ? -1 : 1;
	}
	if (ka != kb)
		return ka > kb ? -1 : 1;
	return strcmp(hs_str(&g_sort->ns.names, a->gid), hs_str(&g_sort->ns.names, b->gid));
}

static void find_growth(struct gctx *c, int min_steps)
{
	uint32_t g, nclasses = c->ns.names.count;
	int i;

	HS_ALLOC_ARRAY(c->rows, nclasses ? nclasses : 1);
	for (g = 0; g < nclasses; g++) {
		struct grow r = { g, 0, 0, 0, 0, 0 };
		const struct hs_class_row *first = row_at(&c->sides[0], g), *last = row_at(&c->sides[c->n - 1], g);
		for (i = 1; i < c->n; i++) {
			const struct hs_class_row *p = row_at(&c->sides[i - 1], g), *q = row_at(&c->sides[i], g);
			r.steps_count += q->count > p->count;
			r.steps_retained += q->retained_size > p->retained_size;
		}
		r.count_growth = (int64_t)last->count - (int64_t)first->count;
		r.self_growth = (int64_t)last->self_size - (int64_t)first->self_size;
		r.retained_growth = (int64_t)last->retained_size - (int64_t)first->retained_size;
		/* grown by the --sort metric: on at least min_steps steps, and overall
		 * (a class whose count never changed did not grow, whatever its size) */
		if (c->sort_retained ? r.steps_retained < min_steps || r.retained_growth <= 0
				     : r.steps_count < min_steps || r.count_growth <= 0)
			continue;
		c->rows[c->nrows++] = r;
	}
	g_sort = c;
	hs_sort(c->rows, c->nrows, sizeof(*c->rows), grow_cmp);
}

static void check(const struct gctx *c, const struct hs_rule *rules, int nrules, struct violations *out)
{
	uint32_t k;
	int i;

	for (i = 0; i < nrules; i++) {
		const struct hs_rule *r = &rules[i];
		if (r->is_total) {
			const struct hs_side *a = &c->sides[0], *b = &c->sides[c->n - 1];
			uint64_t ca = 0, cb = 0, base;
			int64_t v;
			for (k = 0; k < a->nrows; k++) ca += a->rows[k].count;
			for (k = 0; k < b->nrows; k++) cb += b->rows[k].count;
			if (r->metric == HS_METRIC_COUNT) { v = (int64_t)cb - (int64_t)ca; base = ca; }
			else { v = (int64_t)b->total_size - (int64_t)a->total_size; base = a->total_size; }
			if (hs_rule_violated(r, v, base))
				violation_add(out, r, NULL, v, base);
			continue;
		}
		for (k = 0; k < c->nrows; k++) {
			const struct grow *g = &c->rows[k];
			const struct hs_class_row *first = row_at(&c->sides[0], g->gid);
			const char *name = hs_str(&c->ns.names, g->gid);
			int64_t v;
			uint64_t base;
			if (!hs_rule_matches(r, name))
				continue;
			if (r->metric == HS_METRIC_COUNT) { v = g->count_growth; base = first->count; }
			else if (r->metric == HS_METRIC_SELF) { v = g->self_growth; base = first->self_size; }
			else { v = g->retained_growth; base = first->retained_size; }
			if (hs_rule_violated(r, v, base))
				violation_add(out, r, name, v, base);
		}
	}
}

static void print_json(const struct gctx *c, const struct violations *vs, struct cgrow *cg)
{
	yajl_gen g = json_new(1);
	uint32_t k;
	int s;

	yajl_gen_map_open(g);
	json_key(g, "snapshots");
	yajl_gen_array_open(g);
	for (s = 0; s < c->n; s++) {
		yajl_gen_map_open(g);
		json_kv_str(g, "file", c->sides[s].file);
		json_kv_u64(g, "node_count", c->sides[s].node_count);
		json_kv_u64(g, "total_size", c->sides[s].total_size);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_key(g, "classes");
	yajl_gen_array_open(g);
	for (k = 0; k < c->nrows; k++) {
		const struct grow *r = &c->rows[k];
		yajl_gen_map_open(g);
		json_kv_str(g, "name", hs_str(&c->ns.names, r->gid));
		json_key(g, "counts");
		yajl_gen_array_open(g);
		for (s = 0; s < c->n; s++) json_u64(g, row_at(&c->sides[s], r->gid)->count);
		yajl_gen_array_close(g);
		json_key(g, "self_sizes");
		yajl_gen_array_open(g);
		for (s = 0; s < c->n; s++) json_u64(g, row_at(&c->sides[s], r->gid)->self_size);
		yajl_gen_array_close(g);
		json_key(g, "retained_sizes");
		yajl_gen_array_open(g);
		for (s = 0; s < c->n; s++) json_u64(g, row_at(&c->sides[s], r->gid)->retained_size);
		yajl_gen_array_close(g);
		json_key(g, "count_growth"); json_i64(g, r->count_growth);
		json_key(g, "self_growth"); json_i64(g, r->self_growth);
		json_key(g, "retained_growth"); json_i64(g, r->retained_growth);
		json_kv_u64(g, "steps_count_grew", (uint64_t)r->steps_count);
		json_kv_u64(g, "steps_retained_grew", (uint64_t)r->steps_retained);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	cgrow_report(cg, FMT_JSON, g);
	violations_json(g, vs);
	json_finish(g);
}

static void print_table(const struct gctx *c, enum fmt f, long top, int nrules, const struct violations *vs,
			struct cgrow *cg)
{
	static const char *const head[] = { "Class", "Count per snapshot", "Δ Count", "Δ Retained", "Retained (last)", "Steps grew" };
	static const char *const head_csv[] = { "class", "counts", "count_growth", "retained_growth", "retained_last", "steps_count_grew" };
	uint32_t k, shown = f == FMT_CSV || c->nrows < (uint32_t)top ? c->nrows : (uint32_t)top;
	struct table t;
	int s;

	if (f != FMT_CSV) {
		printf(f == FMT_MD ? "## Growth over %d snapshots\n\n" : "Growth over %d snapshots\n", c->n);
		for (s = 0; s < c->n; s++) {
			char b1[32];
			printf(f == FMT_MD ? "%d. `%s` (%s)\n" : "  S%d: %s (%s)\n", s + 1, c->sides[s].file,
			       human_size(c->sides[s].total_size, b1, sizeof(b1)));
		}
		printf(f == FMT_MD ? "\n%u class%s grew; top %u by %s\n\n" : "\n%u class%s grew; top %u by %s\n",
		       c->nrows, c->nrows == 1 ? "" : "es", shown, c->sort_retained ? "retained growth" : c->sort_relative ? "growth relative to S1" : "count growth");
	}
	table_init(&t, 6, f == FMT_CSV ? head_csv : head, "lrrrrr");
	for (k = 0; k < shown; k++) {
		const struct grow *r = &c->rows[k];
		char series[512], dc[32], dr[32], rl[32], st[32];
		size_t o = 0;
		const char *cells[6];
		for (s = 0; s < c->n && o < sizeof(series); s++) {
			char b[32];
			if (f == FMT_CSV)
				snprintf(b, sizeof(b), "%" PRIu64, row_at(&c->sides[s], r->gid)->count);
			else
				group_digits(row_at(&c->sides[s], r->gid)->count, b, sizeof(b));
			o += (size_t)snprintf(series + o, sizeof(series) - o, "%s%s", s ? (f == FMT_CSV ? " " : " → ") : "", b);
		}
		cells[0] = hs_str(&c->ns.names, r->gid);
		cells[1] = series;
		if (f == FMT_CSV) {
			snprintf(dc, sizeof(dc), "%" PRId64, r->count_growth);
			snprintf(dr, sizeof(dr), "%" PRId64, r->retained_growth);
			snprintf(rl, sizeof(rl), "%" PRIu64, row_at(&c->sides[c->n - 1], r->gid)->retained_size);
		} else {
			signed_digits(r->count_growth, dc, sizeof(dc));
			signed_size(r->retained_growth, dr, sizeof(dr));
			human_size(row_at(&c->sides[c->n - 1], r->gid)->retained_size, rl, sizeof(rl));
		}
		snprintf(st, sizeof(st), f == FMT_CSV ? "%d" : "%d/%d",
			 c->sort_retained ? r->steps_retained : r->steps_count, c->n - 1);
		cells[2] = dc; cells[3] = dr; cells[4] = rl; cells[5] = st;
		table_row(&t, cells);
	}
	table_print(&t, f, f == FMT_TEXT ? 2 : 0);
	table_release(&t);
	if (f != FMT_CSV)
		cgrow_report(cg, f, NULL);
	violations_report(f, vs, nrules);
}

static void drop_objects(struct hs_side *s)
{
	free(s->objects);
	s->objects = NULL;
	s->nobjects = 0;
}

/* Snapshots i and i+1 (S<i+1>, S<i+2>): how their ids relate (one process,
 * in order; warned about once the rules are checked); then the object keys
 * of i are no longer needed (and of i+1 when it is the last). */
static void check_pair(struct gctx *c, int i)
{
	hs_id_overlap(&c->sides[i], &c->sides[i + 1], &c->overlap[i]);
	drop_objects(&c->sides[i]);
	if (i + 1 == c->n - 1)
		drop_objects(&c->sides[i + 1]);
}

static void warn_pairs(const struct gctx *c)
{
	char na[16], nb[16];
	int i;

	for (i = 0; i + 1 < c->n; i++) {
		snprintf(na, sizeof(na), "S%d", i + 1);
		snprintf(nb, sizeof(nb), "S%d", i + 2);
		warn_overlap("growth", na, c->sides[i].file, nb, c->sides[i + 1].file, &c->overlap[i],
			     "the series is not the growth of one process");
	}
}

/* --sort: the two keys of struct gctx */
static int opt_sort(const struct opt_call *call, const char *arg)
{
	struct gctx *c = call->opt->value;

	c->sort_relative = 0;
	if (!strcmp(arg, "growth")) c->sort_relative = 1, c->sort_retained = 0;
	else if (!strcmp(arg, "count")) c->sort_retained = 0;
	else if (!strcmp(arg, "retained")) c->sort_retained = 1;
	else return usage_error("growth", "--sort must be growth, count or retained, got '%s'", arg);
	return 0;
}

/* --fail-on RULE, into a growing array */
struct rules_ref {
	struct hs_rule **rules;
	int *n;
};

static int opt_fail_on(const struct opt_call *call, const char *arg)
{
	const struct rules_ref *r = call->opt->value;
	struct hs_error err;
	int rc = 0;

	HS_REALLOC_ARRAY(*r->rules, (size_t)*r->n + 1);
	if (hs_rule_parse(arg, &(*r->rules)[*r->n], &err) < 0)
		rc = usage_error("growth", "%s", err.msg);
	else if ((*r->rules)[*r->n].metric == HS_METRIC_NEW)
		rc = usage_error("growth", "rule '%s': the metric 'new' is for diff; growth rules use count, self or retained", arg);
	++*r->n;
	return rc;
}

int cmd_growth(int argc, char **argv)
{
	struct gctx c;
	struct cgrow cg;
	struct hs_rule *rules = NULL;
	struct hs_interfaces ifs = { NULL, 0 };
	struct violations viol = { NULL, 0, 0, NULL, 0 };
	enum fmt f = FMT_TEXT;
	long top = 20, min_steps = -1;
	const char *min_steps_arg = NULL;
	int nrules = 0, raw = 0, rc = 0, i;
	struct rules_ref fail_on = { &rules, &nrules };
	const struct opt opts[] = {
		OPT_STRING("min-steps", &min_steps_arg, "K", "report classes growing on at least K steps and from S1\n"
			   "to SN (default: every step, N-1)", NULL),
		OPT_CALLBACK("sort", &c, "KEY", "growth (default): the count must grow, largest growth\n"
			     "relative to S1 first (30 -> 90 before 10,000 -> 10,300);\n"
			     "count: by count growth; retained: the retained size must\n"
			     "grow, largest first.  'Steps grew' counts what must grow", opt_sort, "growth count retained"),
		OPT_COUNT("top", &top, "N", "classes shown in text/markdown (default 20)"),
		OPT_CALLBACK("fail-on", &fail_on, "RULE", "exit 1 when RULE is violated (repeatable); METRIC is\n"
			     "count, self or retained growth from S1 to SN of a\n"
			     "reported class (or 'total'); LIMIT as in diff; a rule\n"
			     "matching no class of any snapshot is an error unless\n"
			     "it ends with '?'", opt_fail_on, NULL),
		OPT_COUNT("containers", &cg.top, "N", "containers (Arrays, Maps, Sets, objects) that grew at\n"
			  "every step, matched by id, shown with what holds them\n"
			  "and what they accumulate (default 10; 0: none)"),
		OPT_FORMAT_HTML(&f, "text (default), json, csv, markdown or html (a page)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete)"),
		OPT_BOOL("raw-sizes", &raw, "the files' shallow sizes (no DevTools re-attribution)"),
		OPT_END()
	};

	memset(&c, 0, sizeof(c));
	memset(&cg, 0, sizeof(cg));
	c.sort_relative = 1;
	cg.top = 10;
	rc = parse_options(&help_doc, opts, argc, argv);
	if (rc == 0 && argc - optind < 3)
		rc = usage_error("growth", "expected at least three snapshots, got %d", argc - optind);
	if (rc == 0 && min_steps_arg &&
	    parse_range("growth", "--min-steps", min_steps_arg, 0, argc - optind - 1, &min_steps))
		rc = EXIT_USAGE;
	if (rc)
		goto out;
	c.n = argc - optind;
	if (min_steps < 0)
		min_steps = c.n - 1;
	HS_CALLOC_ARRAY(c.sides, (size_t)c.n);
	HS_CALLOC_ARRAY(c.overlap, (size_t)c.n - 1);
	hs_class_names_init(&c.ns);
	/* the last snapshot first: its interface names apply to all.  The object
	 * keys are kept only until each pair of consecutive snapshots is checked
	 * (one process, in order). */
	cg.enabled = cg.top > 0;
	cg.n = c.n;
	cg.raw = raw;
	cg.last_path = argv[optind + c.n - 1];
	cg.cur = c.n - 1;
	if ((rc = load_side_ex(&c.ns, argv[optind + c.n - 1], &c.sides[c.n - 1], raw, NULL, &ifs, 1,
			       cgrow_hook, &cg)))
		goto out;
	for (i = 0; i < c.n - 1; i++) {
		cg.cur = i;
		if ((rc = load_side_ex(&c.ns, argv[optind + i], &c.sides[i], raw, &ifs, NULL, 1, cgrow_hook, &cg)))
			goto out;
		if (i > 0)
			check_pair(&c, i - 1);
		if (i == c.n - 2)
			check_pair(&c, i);
	}
	{
		const struct hs_side **all;
		HS_ALLOC_ARRAY(all, (size_t)c.n);
		for (i = 0; i < c.n; i++)
			all[i] = &c.sides[i];
		rc = rules_check_selected("growth", rules, nrules, &c.ns, all, c.n, "any of the snapshots");
		free(all);
		if (rc)
			goto out;
	}
	warn_pairs(&c);
	cgrow_finish(&cg);
	find_growth(&c, (int)min_steps);
	viol.rules = rules;
	viol.nrules = nrules;
	check(&c, rules, nrules, &viol);
	if (f == FMT_JSON)
		print_json(&c, &viol, &cg);
	else
		print_table(&c, f, top, nrules, &viol, &cg);
	violations_stderr("growth", &viol);
	rc = fflush(stdout) ? EXIT_INPUT : viol.n ? EXIT_GATE : EXIT_OK;
out:
	if (c.sides)
		for (i = 0; i < c.n; i++)
			hs_side_release(&c.sides[i]);
	free(c.sides);
	free(c.overlap);
	free(c.rows);
	cgrow_release(&cg);
	free(rules);
	free(viol.v);
	hs_interfaces_release(&ifs);
	if (c.ns.names.off)
		hs_class_names_release(&c.ns);
	return rc < 0 ? EXIT_OK : rc;
}
