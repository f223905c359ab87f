/* hsnap summary: header, statistics, top classes and top objects. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "byfn.h"
#include "options.h"
#include "output.h"
#include "hsnap/filters.h"
#include "hsnap/triage.h"
#include "alloc.h"
#include "sort.h"

static const struct cmd_doc help_doc = {
	.name = "summary",
	.usage = (const char *const[]){ "hsnap summary [options] FILE", NULL },
	.description =
		"What is in memory: node and edge counts, total size, statistics (V8 heap,\n"
		"code, strings, JS arrays, typed arrays, system, native), the classes with\n"
		"the largest retained size and the largest single objects; then triage:\n"
		"detached DOM elements by tag with why they are alive (Chrome), duplicate\n"
		"strings with who holds them, and leak suspects with their accumulation\n"
		"point (the object below which the retained size fans out).  Class names,\n"
		"shallow and retained sizes are those of Chrome DevTools' Summary view.\n",
	.operands = "<file>",
};

enum sort_key { SORT_RETAINED, SORT_SHALLOW, SORT_COUNT };

struct class_sort { const struct hs_class *cls; const struct hs_strtab *names; enum sort_key key; };
static struct class_sort g_sort;

static int class_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	const struct hs_class *ca = &g_sort.cls[a], *cb = &g_sort.cls[b];
	uint64_t ka = g_sort.key == SORT_COUNT ? ca->count : g_sort.key == SORT_SHALLOW ? ca->self_size : ca->retained_size;
	uint64_t kb = g_sort.key == SORT_COUNT ? cb->count : g_sort.key == SORT_SHALLOW ? cb->self_size : cb->retained_size;
	if (ka != kb)
		return ka > kb ? -1 : 1;
	return strcmp(hs_str(g_sort.names, a), hs_str(g_sort.names, b));
}

/* Classes with at least one counted object, sorted. */
static uint32_t sorted_classes(const struct hs_classes *c, enum sort_key key, uint32_t **out)
{
	uint32_t i, n = 0;

	HS_ALLOC_ARRAY(*out, c->names.count ? c->names.count : 1);
	for (i = 0; i < c->names.count; i++)
		if (c->cls[i].count)
			(*out)[n++] = i;
	g_sort.cls = c->cls;
	g_sort.names = &c->names;
	g_sort.key = key;
	hs_sort(*out, n, sizeof(**out), class_cmp);
	return n;
}

static const uint64_t *g_filter; /* --filter: the nodes it keeps, or NULL */
static const char *g_filter_name;
static const struct hs_sites *g_sites; /* --group site: the rows' locations, or NULL */
static const struct hs_classes *g_fn_rows; /* --by function: the triage's rows, or NULL */

/* " (url:line:col)" of a site row, "" for a class row; the url relative to
 * the scripts' directory for people (script_shown), whole in CSV. */
static const char *site_text(const struct hs_analysis *a, uint32_t row, char *buf, size_t len)
{
	const struct hs_site_row *r;
	const char *url = "";
	buf[0] = '\0';
	if (!g_sites || !g_sites->row[row].has_loc)
		return buf;
	r = &g_sites->row[row];
	url = hs_script_url(a->s, r->script_node);
	if (*url)
		snprintf(buf, len, " (%.100s:%u:%u)", script_shown(a->s, url), r->line + 1, r->column + 1);
	else
		snprintf(buf, len, " (script %u:%u:%u)", r->script_id, r->line + 1, r->column + 1);
	return buf;
}

static int keep_object(const void *ctx, uint32_t n)
{
	const struct hs_analysis *a = ctx;
	return n != a->s->root && a->s->node_type[n] != a->s->t.synthetic &&
	       (!g_filter || hs_bit_get(g_filter, n));
}

static void stats(struct out *out, const struct hs_analysis *a)
{
	const struct hs_statistics *st = &a->stats;
	char b1[32], b2[32];
	const struct { const char *name; uint64_t v; int indent; } rows[] = {
		{ "V8 heap", st->v8_heap, 2 }, { "code", st->code, 4 }, { "strings", st->strings, 4 },
		{ "JS arrays", st->js_arrays, 4 }, { "system", st->system, 4 },
		{ "native", st->native, 2 }, { "typed arrays", st->typed_arrays, 4 },
	};
	size_t i;

	out_obj_begin(out, "statistics");
	out_kv_u64(out, "total", st->total);
	out_kv_u64(out, "v8_heap", st->v8_heap);
	out_kv_u64(out, "native", st->native);
	out_kv_u64(out, "code", st->code);
	out_kv_u64(out, "strings", st->strings);
	out_kv_u64(out, "js_arrays", st->js_arrays);
	out_kv_u64(out, "typed_arrays", st->typed_arrays);
	out_kv_u64(out, "system", st->system);
	out_obj_end(out);
	out_say(out, "Statistics\n", OUT_SKIP);
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		out_say(out, "%*s%-*s %10s  %6s\n", OUT_SKIP, rows[i].indent, "", 16 - rows[i].indent, rows[i].name,
			human_size(rows[i].v, b1, sizeof(b1)), percent(rows[i].v, st->total, b2, sizeof(b2)));
}

/* People read the top classes; CSV and JSON get every class (CSV with the
 * exact numbers and the distance). */
static const struct out_col class_cols[] = {
	{ "Class", "class", 'l', OUT_HUMAN | OUT_FLAT }, { NULL, "name", 'l', OUT_TREE },
	{ NULL, "key", 'l', OUT_TREE },
	{ "Count", "count", 'r', OUT_HUMAN | OUT_FLAT }, { "Shallow", "self_size", 'r', OUT_HUMAN | OUT_FLAT },
	{ "Retained", "retained_size", 'r', OUT_HUMAN | OUT_FLAT },
	{ "% of total", NULL, 'r', OUT_HUMAN }, { NULL, "distance", 'r', OUT_FLAT },
};
static const struct out_table class_table = { .key = "classes", OUT_COLS(class_cols), .indent = 2 };

static void class_rows(struct out *out, const struct hs_analysis *a, const uint32_t *ids, uint32_t n,
		       uint32_t shown)
{
	const struct hs_classes *c = &a->classes;
	uint32_t i;

	out_table_begin(out, &class_table);
	for (i = 0; i < n; i++) {
		const struct hs_class *cl = &c->cls[ids[i]];
		char name[512], key[1200], where[160];
		const struct hs_site_row *r = g_sites ? &g_sites->row[ids[i]] : NULL;
		if (g_sites)
			snprintf(name, sizeof(name), "%.300s%s", hs_class_name(c, ids[i]),
				 site_text(a, ids[i], where, sizeof(where)));
		else
			snprintf(name, sizeof(name), "%s", hs_class_name(c, ids[i]));
		if (r && r->has_loc)
			snprintf(key, sizeof(key), "%u,%u,%u,%s", r->script_id, r->line, r->column,
				 hs_class_name(c, ids[i]));
		else if (r)
			snprintf(key, sizeof(key), ",%s", hs_class_name(c, ids[i]));
		{
			struct out_val v[8] = {
				ov_str(g_sites ? name : hs_class_name(c, ids[i])), ov_str(hs_class_name(c, ids[i])),
				r ? ov_str(key) : ov_none(), ov_count(cl->count), ov_bytes(cl->self_size),
				ov_bytes(cl->retained_size), ov_percent(cl->retained_size, a->stats.total),
				ov_int(cl->distance),
			};
			if (i < shown)
				out_row_open(out, v);
			else if (out_view(out) & OUT_DATA)
				out_row_open(out, v);
			else
				continue;
		}
		if (r && r->has_loc) {
			const char *url = hs_script_url(a->s, r->script_node);
			out_obj_begin(out, "site");
			out_kv_u64(out, "script_id", r->script_id);
			if (*url) /* whole, as location.script (the html page shows it relative) */
				out_kv_str(out, "script", url);
			out_kv_u64(out, "line", r->line);
			out_kv_u64(out, "column", r->column);
			out_obj_end(out);
		}
		out_kv_u64(out, "count", cl->count);
		out_kv_u64(out, "self_size", cl->self_size);
		out_kv_u64(out, "retained_size", cl->retained_size);
		out_field(out, "distance", ov_int(cl->distance));
		out_row_close(out);
	}
	out_table_end(out);
}

static const struct out_col object_cols[] = {
	{ "Object", NULL, 'l', OUT_HUMAN }, { NULL, "id", 'r', OUT_TREE }, { NULL, "label", 'l', OUT_TREE },
	{ NULL, "name", 'l', OUT_TREE }, { "Type", "type", 'l', OUT_HUMAN | OUT_TREE },
	{ NULL, "class", 'l', OUT_TREE }, { "Shallow", "self_size", 'r', OUT_HUMAN | OUT_TREE },
	{ "Retained", "retained_size", 'r', OUT_HUMAN | OUT_TREE }, { "% of total", NULL, 'r', OUT_HUMAN },
};
static const struct out_table object_table = {
	.key = "top", OUT_COLS(object_cols), .views = OUT_HUMAN | OUT_TREE, .indent = 2
};

static void object_rows(struct out *out, const struct hs_analysis *a, const uint32_t *top, uint32_t n)
{
	const struct hs_snapshot *s = a->s;
	uint32_t i;

	out_table_begin(out, &object_table);
	for (i = 0; i < n; i++) {
		uint32_t x = top[i];
		char lb[160], lj[400];
		struct out_val v[9] = {
			ov_str(node_label(a, x, lb, sizeof(lb))), ov_uint(hs_node_id(s, x)),
			ov_str(node_label(a, x, lj, sizeof(lj))), ov_str(hs_node_name(s, x)),
			ov_str(hs_node_type_name(s, x)), ov_str(hs_class_name(&a->classes, a->classes.class_of[x])),
			ov_bytes(hs_shallow_size(a, x)), ov_bytes(a->dom.retained[x]),
			ov_percent(a->dom.retained[x], a->stats.total),
		};
		out_row_open(out, v);
		out_location(out, s, x);
		out_row_close(out);
	}
	out_table_end(out);
}

struct sopts {
	struct hs_filter filter;
	enum fmt f;
	enum sort_key key;
	long ntopc, strings;
	double suspects;
	int raw, by_site, by;
};

/* Summary's duplicate strings and closures by function: found beside the
 * class aggregation when the analysis is computed (load_analyzed_beside;
 * `ready` then), else the strings on a second thread while the sections
 * before them are written and the closures in their turn (--jobs 1: all in
 * this thread).  Nothing changes what they read from then to their use:
 * render only reads the analysis, --filter and --by replace class rows,
 * which they do not read, and --group site (which renames the rows that
 * name the strings' holders) finds them after its rows are in place. */
struct side_job {
	const struct hs_analysis *a;
	uint32_t top;
	struct hs_duplicates d;
	struct hs_closures c;
	pthread_t tid;
	int started, ready;
};

/* beside the aggregation (struct beside) */
static void side_beside(void *ctx, const struct hs_analysis *a)
{
	struct side_job *j = ctx;

	hs_duplicates_find(&j->d, a, j->top);
	hs_closures_by_function(&j->c, a);
	j->ready = 1;
}

static void *dup_run(void *arg)
{
	struct side_job *j = arg;

	hs_duplicates_find(&j->d, j->a, j->top);
	return NULL;
}

static void dup_start(struct side_job *j, const struct hs_analysis *a)
{
	if (j->ready)
		return;
	j->a = a;
	j->started = cli_jobs != 1 && pthread_create(&j->tid, NULL, dup_run, j) == 0;
	if (!j->started)
		dup_run(j);
}

static struct hs_duplicates *dup_wait(struct side_job *j)
{
	if (j->started)
		pthread_join(j->tid, NULL);
	j->started = 0;
	return &j->d;
}

/* what was found and not shown (an error before the sections) */
static void side_release(struct side_job *j)
{
	hs_duplicates_release(&j->d);
	hs_closures_release(&j->c);
}

static void render(struct out *out, const struct hs_analysis *a, const uint32_t *ids, uint32_t n,
		   const uint32_t *top, uint32_t ntop, const struct sopts *o, struct side_job *side)
{
	const struct hs_snapshot *s = a->s;
	const char *by = o->key == SORT_COUNT ? "count" : o->key == SORT_SHALLOW ? "shallow size" : "retained size";
	char b1[32], b2[32], b3[32], b4[32];
	uint32_t shown = n < (uint32_t)o->ntopc ? n : (uint32_t)o->ntopc;

	out_kv_str(out, "file", s->file);
	if (g_filter_name)
		out_kv_str(out, "filter", g_filter_name);
	out_kv_u64(out, "node_count", s->node_count);
	out_kv_u64(out, "edge_count", s->edge_count);
	out_kv_u64(out, "total_size", a->stats.total);
	out_say(out, "%s\n", "## Heap snapshot summary: `%s`\n\n", s->file);
	if (g_filter_name)
		out_say(out, "  filter %s (DevTools' named filter): classes and objects it keeps\n",
			"Filter: `%s` (DevTools' named filter): classes and objects it keeps\n\n", g_filter_name);
	out_say(out, "  %s nodes, %s edges, total size %s (%s bytes)\n\n",
		"%s nodes, %s edges, total size **%s** (%s bytes)\n\n",
		group_digits(s->node_count, b1, sizeof(b1)), group_digits(s->edge_count, b2, sizeof(b2)),
		human_size(a->stats.total, b3, sizeof(b3)), group_digits(a->stats.total, b4, sizeof(b4)));
	stats(out, a);
	out_say(out, "\nTop %u of %u classes by %s\n", OUT_SKIP, shown, n, by);
	out_say(out, OUT_SKIP, "### Top %u classes by %s\n\n", shown, by);
	class_rows(out, a, ids, n, shown);
	out_say(out, "\nTop %u objects by retained size\n", "\n### Top %u objects by retained size\n\n", ntop);
	object_rows(out, a, top, ntop);
	if (out_view(out) != OUT_FLAT) { /* CSV is the class table only */
		html_treemap(out, a);
		triage_detached(out, a, 20);
		triage_closures(out, a, 10, side->ready ? &side->c : NULL);
		triage_duplicates(out, a, dup_wait(side));
		triage_suspects(out, a, g_fn_rows ? g_fn_rows : &a->classes, o->suspects);
	}
}

/* --filter NAME: DevTools' named filter (its nodes are chosen after loading) */
static int opt_filter(const struct opt_call *call, const char *arg)
{
	return filter_option("summary", arg, call->opt->value, &g_filter_name);
}

static int opt_suspects(const struct opt_call *call, const char *arg)
{
	double *suspects = call->opt->value;
	char *end;
	*suspects = strtod(arg, &end);
	if (end == arg || *end || !(*suspects > 0 && *suspects <= 100))
		return usage_error("summary", "--suspects needs a percentage in (0, 100], got '%s'", arg);
	return 0;
}

static const struct opt_choice sort_choices[] = {
	{ "retained", SORT_RETAINED, 0 }, { "shallow", SORT_SHALLOW, 0 }, { "self", SORT_SHALLOW, 1 },
	{ "count", SORT_COUNT, 0 }, { NULL, 0, 0 }
};
static const struct opt_choice group_choices[] = { { "name", 0, 0 }, { "site", 1, 0 }, { NULL, 0, 0 } };

/* --filter: the class table and the top objects of the filter's nodes */
static int use_filter(struct hs_analysis *a, const struct hs_filter *filter, uint64_t **fbits)
{
	struct hs_error ferr = { 0, "" };

	if (hs_filter_nodes(a, filter, fbits, &ferr))
		return usage_error("summary", "%s", ferr.msg);
	free(a->classes.cls);
	a->classes.cls = hs_filter_classes(a, *fbits);
	g_filter = *fbits;
	return 0;
}

/* --group site: DevTools' rows, a class table of one row per (class, site),
 * in place of a's classes (saved) until sites_end */
static void sites_begin(struct hs_analysis *a, struct hs_sites *sites, struct hs_classes *saved,
			const uint64_t *fbits)
{
	uint32_t r;

	hs_sites_build(sites, a, fbits);
	*saved = a->classes;
	memset(&a->classes, 0, sizeof(a->classes));
	hs_strtab_init(&a->classes.names);
	for (r = 0; r < sites->n; r++)
		hs_strtab_add(&a->classes.names, hs_class_name(saved, sites->row[r].cls),
			      strlen(hs_class_name(saved, sites->row[r].cls)));
	a->classes.cls = sites->agg;
	a->classes.class_of = sites->row_of;
	g_sites = sites;
}

static void sites_end(struct hs_analysis *a, struct hs_sites *sites, const struct hs_classes *saved)
{
	hs_strtab_release(&a->classes.names);
	a->classes = *saved;
	hs_sites_release(sites);
	g_sites = NULL;
}

static int summarize(struct out *out, struct hs_analysis *a, const struct sopts *o, struct side_job *side)
{
	uint64_t *fbits = NULL;
	struct hs_sites sites;
	struct hs_classes saved;
	struct hs_analysis fa;
	uint32_t *ids, n, *top, ntop;
	int rc;

	if (g_filter_name && (rc = use_filter(a, &o->filter, &fbits)))
		return rc;
	if (o->by) { /* the triage's rows: the function rows of the (filtered) classes */
		by_function_begin(&fa, a);
		if (fbits) {
			free(fa.classes.cls);
			fa.classes.cls = hs_filter_classes(&fa, fbits);
		}
		g_fn_rows = &fa.classes;
	}
	if (o->by_site)
		sites_begin(a, &sites, &saved, fbits);
	n = sorted_classes(&a->classes, o->key, &ids);
	HS_ALLOC_ARRAY(top, (size_t)o->ntopc + 1);
	ntop = top_k(a->dom.retained, a->s->node_count, keep_object, a, (uint32_t)o->ntopc, top);
	if (out_view(out) != OUT_FLAT) /* CSV has no duplicate strings */
		dup_start(side, a);
	render(out, a, ids, n, top, ntop, o, side);
	free(ids);
	free(top);
	free(fbits);
	g_filter = NULL;
	if (o->by_site)
		sites_end(a, &sites, &saved);
	if (o->by)
		by_function_end(&fa, a);
	g_fn_rows = NULL;
	return EXIT_OK;
}

int cmd_summary(int argc, char **argv)
{
	struct sopts o = { .f = FMT_TEXT, .key = SORT_RETAINED, .ntopc = 20, .strings = 10, .suspects = 10 };
	struct side_job side = { 0 };
	const struct beside beside = { side_beside, &side };
	struct loaded ld;
	const char *file;
	struct hs_analysis a;
	struct out *out;
	int rc;
	const struct opt opts[] = {
		OPT_COUNT("top", &o.ntopc, "N", "classes and objects to show (default 20; JSON and CSV\n"
			  "list every class and N objects)"),
		OPT_CHOICE("sort", &o.key, sort_choices, "KEY", "order classes by retained (default), shallow or count"),
		OPT_FORMAT_HTML(&o.f, "text (default), json, csv (the class table), markdown or\n"
				"html (a self-contained page: treemap, tables, cards)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete)"),
		OPT_CALLBACK("suspects", &o.suspects, "PCT", "leak-suspect threshold: objects and classes retaining at\n"
			     "least PCT% of the heap (default 10)", opt_suspects, NULL),
		OPT_COUNT("strings", &o.strings, "N", "duplicate strings listed (default 10)"),
		OPT_BOOL("raw-sizes", &o.raw, "use the file's shallow sizes; by default the size of\n"
			 "internal arrays owned by one object moves to that object,\n"
			 "as DevTools does"),
		OPT_CALLBACK("filter", &o.filter, "NAME", "classes and objects of DevTools' named filter only:\n"
			     OPT_FILTER_NAMES_HELP, opt_filter,
			     OPT_FILTER_NAMES),
		OPT_CHOICE("group", &o.by_site, group_choices, "KEY", "class rows by name (default) or by site: DevTools' rows,\n"
			   "which split `object` classes by allocation location\n"
			   "(script, line, column; JSON adds DevTools' row key)"),
		OPT_BY_TAIL(&o.by, "the rows of the leak suspects' classes (the class\n"
			    "table stays DevTools'):", ""),
		OPT_FULL_PATHS,
		OPT_END()
	};

	if ((rc = parse_one_file(&help_doc, opts, argc, argv, &file)))
		return rc < 0 ? EXIT_OK : rc;
	/* the triage sections (not in CSV) need the parent edges for paths */
	side.top = (uint32_t)o.strings;
	if ((rc = load_analyzed_beside(file, o.raw, out_view_of(o.f) != OUT_FLAT,
				       out_view_of(o.f) != OUT_FLAT && !o.by_site ? &beside : NULL, &ld, &a)))
		return rc;
	out = out_open(o.f);
	rc = summarize(out, &a, &o, &side);
	side_release(&side);
	hs_analysis_release(&a);
	out_close(out);
	hs_snapshot_free(ld.s);
	if (rc)
		return rc;
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
