/* hsnap summary: header, statistics, top classes and top objects. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "hsnap/filters.h"
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap summary [options] FILE",
	NULL
};

static const char help_text[] =
	"What is in memory: node and edge counts, total size, statistics (V8 heap,\n"
	"code, strings, JS arrays, typed arrays, system, native), the classes with\n"
	"the largest retained size and the largest single objects; then triage:\n"
	"detached DOM elements by tag with why they are alive (Chrome), duplicate\n"
	"strings with who holds them, and leak suspects with their accumulation\n"
	"point (the object below which the retained size fans out).  Class names,\n"
	"shallow and retained sizes are those of Chrome DevTools' Summary view.\n";

static const struct cmd_doc help_doc = { "summary", usage_lines, help_text, NULL, "<file>" };

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

/* " (url:line:col)" of a site row, "" for a class row. */
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
		snprintf(buf, len, " (%.100s:%u:%u)", url, r->line + 1, r->column + 1);
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

static void print_stats_text(const struct hs_analysis *a)
{
	const struct hs_statistics *st = &a->stats;
	char b1[32], b2[32];
	const struct { const char *name; uint64_t v; int indent; } rows[] = {
		{ "V8 heap", st->v8_heap, 2 }, { "code", st->code, 4 }, { "strings", st->strings, 4 },
		{ "JS arrays", st->js_arrays, 4 }, { "system", st->system, 4 },
		{ "native", st->native, 2 }, { "typed arrays", st->typed_arrays, 4 },
	};
	size_t i;

	printf("Statistics\n");
	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		printf("%*s%-*s %10s  %6s\n", rows[i].indent, "", 16 - rows[i].indent, rows[i].name,
		       human_size(rows[i].v, b1, sizeof(b1)), percent(rows[i].v, st->total, b2, sizeof(b2)));
}

static void class_table(const struct hs_analysis *a, const uint32_t *ids, uint32_t n,
			enum fmt f, int exact)
{
	static const char *const head[] = { "Class", "Count", "Shallow", "Retained", "% of total" };
	static const char *const head_csv[] = { "class", "count", "self_size", "retained_size", "distance" };
	const struct hs_classes *c = &a->classes;
	struct table t;
	uint32_t i;

	table_init(&t, 5, f == FMT_CSV ? head_csv : head, "lrrrr");
	for (i = 0; i < n; i++) {
		const struct hs_class *cl = &c->cls[ids[i]];
		char cnt[32], sh[32], re[32], pc[32], name[512];
		const char *cells[5];
		if (exact) {
			snprintf(cnt, sizeof(cnt), "%llu", (unsigned long long)cl->count);
			snprintf(sh, sizeof(sh), "%llu", (unsigned long long)cl->self_size);
			snprintf(re, sizeof(re), "%llu", (unsigned long long)cl->retained_size);
			snprintf(pc, sizeof(pc), "%d", cl->distance);
		} else {
			group_digits(cl->count, cnt, sizeof(cnt));
			human_size(cl->self_size, sh, sizeof(sh));
			human_size(cl->retained_size, re, sizeof(re));
			percent(cl->retained_size, a->stats.total, pc, sizeof(pc));
		}
		if (g_sites) {
			char where[160];
			snprintf(name, sizeof(name), "%.300s%s", hs_class_name(c, ids[i]),
				 site_text(a, ids[i], where, sizeof(where)));
			cells[0] = name;
		} else {
			cells[0] = hs_class_name(c, ids[i]);
		}
		cells[1] = cnt; cells[2] = sh; cells[3] = re; cells[4] = pc;
		table_row(&t, cells);
	}
	table_print(&t, f, f == FMT_TEXT ? 2 : 0);
	table_release(&t);
}

static void object_table(const struct hs_analysis *a, const uint32_t *top, uint32_t n, enum fmt f)
{
	static const char *const head[] = { "Object", "Type", "Shallow", "Retained", "% of total" };
	struct table t;
	uint32_t i;

	table_init(&t, 5, head, "llrrr");
	for (i = 0; i < n; i++) {
		uint32_t x = top[i];
		char lb[160], sh[32], re[32], pc[32];
		const char *cells[5];
		cells[0] = node_label(a, x, lb, sizeof(lb));
		cells[1] = hs_node_type_name(a->s, x);
		cells[2] = human_size(a->self_size[x], sh, sizeof(sh));
		cells[3] = human_size(a->dom.retained[x], re, sizeof(re));
		cells[4] = percent(a->dom.retained[x], a->stats.total, pc, sizeof(pc));
		table_row(&t, cells);
	}
	table_print(&t, f, f == FMT_TEXT ? 2 : 0);
	table_release(&t);
}

static void print_json(const struct hs_analysis *a, const uint32_t *ids, uint32_t n,
		       const uint32_t *top, uint32_t ntop, double suspects, long strings)
{
	const struct hs_snapshot *s = a->s;
	const struct hs_classes *c = &a->classes;
	yajl_gen g = json_new(1);
	uint32_t i;
	char lb[400];

	yajl_gen_map_open(g);
	json_kv_str(g, "file", s->file);
	if (g_filter_name)
		json_kv_str(g, "filter", g_filter_name);
	json_kv_u64(g, "node_count", s->node_count);
	json_kv_u64(g, "edge_count", s->edge_count);
	json_kv_u64(g, "total_size", a->stats.total);
	json_key(g, "statistics");
	json_stats(g, &a->stats);
	json_key(g, "classes");
	yajl_gen_array_open(g);
	for (i = 0; i < n; i++) {
		const struct hs_class *cl = &c->cls[ids[i]];
		yajl_gen_map_open(g);
		json_kv_str(g, "name", hs_class_name(c, ids[i]));
		if (g_sites) {
			const struct hs_site_row *r = &g_sites->row[ids[i]];
			char key[1200];
			if (r->has_loc)
				snprintf(key, sizeof(key), "%u,%u,%u,%s", r->script_id, r->line, r->column,
					 hs_class_name(c, ids[i]));
			else
				snprintf(key, sizeof(key), ",%s", hs_class_name(c, ids[i]));
			json_kv_str(g, "key", key);
			if (r->has_loc) {
				json_key(g, "site");
				yajl_gen_map_open(g);
				json_kv_u64(g, "script_id", r->script_id);
				json_kv_u64(g, "line", r->line);
				json_kv_u64(g, "column", r->column);
				yajl_gen_map_close(g);
			}
		}
		json_kv_u64(g, "count", cl->count);
		json_kv_u64(g, "self_size", cl->self_size);
		json_kv_u64(g, "retained_size", cl->retained_size);
		json_key(g, "distance");
		json_i64(g, cl->distance);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_key(g, "top");
	yajl_gen_array_open(g);
	for (i = 0; i < ntop; i++) {
		uint32_t x = top[i];
		yajl_gen_map_open(g);
		json_kv_u64(g, "id", hs_node_id(s, x));
		json_kv_str(g, "label", node_label(a, x, lb, sizeof(lb)));
		json_kv_str(g, "name", hs_node_name(s, x));
		json_kv_str(g, "type", hs_node_type_name(s, x));
		json_kv_str(g, "class", hs_class_name(c, c->class_of[x]));
		json_kv_u64(g, "self_size", a->self_size[x]);
		json_kv_u64(g, "retained_size", a->dom.retained[x]);
		json_location(g, s, x);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	html_treemap(g, a);
	triage_detached(a, FMT_JSON, g, 20);
	triage_closures(a, FMT_JSON, g, 10);
	triage_duplicates(a, FMT_JSON, g, (uint32_t)strings);
	triage_suspects(a, FMT_JSON, g, suspects);
	json_finish(g);
}

static void print_report(const struct hs_analysis *a, const uint32_t *ids, uint32_t n,
			 const uint32_t *top, uint32_t ntop, long ntopc, enum fmt f, const char *by,
			 double suspects, long strings)
{
	const struct hs_snapshot *s = a->s;
	char b1[32], b2[32], b3[32], b4[32];
	uint32_t shown = n < (uint32_t)ntopc ? n : (uint32_t)ntopc;

	if (f == FMT_MD) {
		printf("## Heap snapshot summary: `%s`\n\n", s->file);
		if (g_filter_name)
			printf("Filter: `%s` (DevTools' named filter): classes and objects it keeps\n\n", g_filter_name);
		printf("%s nodes, %s edges, total size **%s** (%s bytes)\n\n",
		       group_digits(s->node_count, b1, sizeof(b1)), group_digits(s->edge_count, b2, sizeof(b2)),
		       human_size(a->stats.total, b3, sizeof(b3)), group_digits(a->stats.total, b4, sizeof(b4)));
		printf("### Top %u classes by %s\n\n", shown, by);
		class_table(a, ids, shown, f, 0);
		printf("\n### Top %u objects by retained size\n\n", ntop);
		object_table(a, top, ntop, f);
		triage_detached(a, f, NULL, 20);
		triage_closures(a, f, NULL, 10);
		triage_duplicates(a, f, NULL, (uint32_t)strings);
		triage_suspects(a, f, NULL, suspects);
		return;
	}
	printf("%s\n", s->file);
	if (g_filter_name)
		printf("  filter %s (DevTools' named filter): classes and objects it keeps\n", g_filter_name);
	printf("  %s nodes, %s edges, total size %s (%s bytes)\n\n",
	       group_digits(s->node_count, b1, sizeof(b1)), group_digits(s->edge_count, b2, sizeof(b2)),
	       human_size(a->stats.total, b3, sizeof(b3)), group_digits(a->stats.total, b4, sizeof(b4)));
	print_stats_text(a);
	printf("\nTop %u of %u classes by %s\n", shown, n, by);
	class_table(a, ids, shown, f, 0);
	printf("\nTop %u objects by retained size\n", ntop);
	object_table(a, top, ntop, f);
	triage_detached(a, f, NULL, 20);
	triage_closures(a, f, NULL, 10);
	triage_duplicates(a, f, NULL, (uint32_t)strings);
	triage_suspects(a, f, NULL, suspects);
}

/* --filter NAME: DevTools' named filter (its nodes are chosen after loading) */
static int opt_filter(const struct opt_call *call, const char *arg)
{
	struct hs_error ferr = { 0, "" };
	if (hs_filter_parse(arg, call->opt->value, &ferr))
		return usage_error("summary", "%s", ferr.msg);
	g_filter_name = arg;
	return 0;
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

int cmd_summary(int argc, char **argv)
{
	struct hs_filter filter;
	struct hs_error ferr = { 0, "" };
	uint64_t *fbits = NULL;
	int by_site = 0;
	struct hs_sites sites;
	struct hs_classes saved;
	enum fmt f = FMT_TEXT;
	enum sort_key key = SORT_RETAINED;
	long ntopc = 20, strings = 10;
	double suspects = 10;
	int raw = 0, rc;
	struct loaded ld;
	struct hs_snapshot *s;
	struct hs_analysis a;
	uint32_t *ids, n, *top, ntop;
	const struct opt opts[] = {
		OPT_COUNT("top", &ntopc, "N", "classes and objects to show (default 20; JSON and CSV\n"
			  "list every class and N objects)"),
		OPT_CHOICE("sort", &key, sort_choices, "KEY", "order classes by retained (default), shallow or count"),
		OPT_FORMAT_HTML(&f, "text (default), json, csv (the class table), markdown or\n"
				"html (a self-contained page: treemap, tables, cards)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete)"),
		OPT_CALLBACK("suspects", &suspects, "PCT", "leak-suspect threshold: objects and classes retaining at\n"
			     "least PCT% of the heap (default 10)", opt_suspects, NULL),
		OPT_COUNT("strings", &strings, "N", "duplicate strings listed (default 10)"),
		OPT_BOOL("raw-sizes", &raw, "use the file's shallow sizes; by default the size of\n"
			 "internal arrays owned by one object moves to that object,\n"
			 "as DevTools does"),
		OPT_CALLBACK("filter", &filter, "NAME", "classes and objects of DevTools' named filter only:\n"
			     "objectsRetainedByDetachedDomNodes, objectsRetainedByConsole,\n"
			     "objectsRetainedByEventHandlers, objectsRetainedByContexts,\n"
			     "duplicatedStrings, sharedNativeContext, noNativeContext,\n"
			     "nativeContext_ID (ID: a native context's id, see hsnap realms)", opt_filter,
			     "objectsRetainedByDetachedDomNodes objectsRetainedByConsole "
			     "objectsRetainedByEventHandlers objectsRetainedByContexts "
			     "duplicatedStrings sharedNativeContext noNativeContext"),
		OPT_CHOICE("group", &by_site, group_choices, "KEY", "class rows by name (default) or by site: DevTools' rows,\n"
			   "which split `object` classes by allocation location\n"
			   "(script, line, column; JSON adds DevTools' row key)"),
		OPT_END()
	};

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc < 0 ? EXIT_OK : rc;
	if (argc - optind != 1)
		return usage_error("summary", "expected one FILE, got %d", argc - optind);
	if ((rc = load_snapshot(argv[optind], NULL, &ld)))
		return rc;
	s = ld.s;
	warn_snapshot(s);
	if ((rc = analyze_snapshot(&ld, raw, f != FMT_CSV, &a))) {
		hs_snapshot_free(s);
		return rc;
	}
	if (g_filter_name) {
		if (hs_filter_nodes(&a, &filter, &fbits, &ferr)) {
			hs_analysis_release(&a);
			hs_snapshot_free(s);
			return usage_error("summary", "%s", ferr.msg);
		}
		free(a.classes.cls);
		a.classes.cls = hs_filter_classes(&a, fbits);
		g_filter = fbits;
	}
	if (by_site) {
		/* DevTools' rows: a class table of one row per (class, site) */
		uint32_t r;
		hs_sites_build(&sites, &a, fbits);
		saved = a.classes;
		memset(&a.classes, 0, sizeof(a.classes));
		hs_strtab_init(&a.classes.names);
		for (r = 0; r < sites.n; r++)
			hs_strtab_add(&a.classes.names, hs_class_name(&saved, sites.row[r].cls),
				      strlen(hs_class_name(&saved, sites.row[r].cls)));
		a.classes.cls = sites.agg;
		a.classes.class_of = sites.row_of;
		g_sites = &sites;
	}
	n = sorted_classes(&a.classes, key, &ids);
	HS_ALLOC_ARRAY(top, (size_t)ntopc + 1);
	ntop = top_k(a.dom.retained, s->node_count, keep_object, &a, (uint32_t)ntopc, top);
	if (f == FMT_JSON)
		print_json(&a, ids, n, top, ntop, suspects, strings);
	else if (f == FMT_CSV)
		class_table(&a, ids, n, f, 1);
	else
		print_report(&a, ids, n, top, ntop, ntopc, f,
			     key == SORT_COUNT ? "count" : key == SORT_SHALLOW ? "shallow size" : "retained size",
			     suspects, strings);
	free(ids);
	free(top);
	free(fbits);
	g_filter = NULL;
	if (by_site) {
		hs_strtab_release(&a.classes.names);
		a.classes = saved;
		hs_sites_release(&sites);
		g_sites = NULL;
	}
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
