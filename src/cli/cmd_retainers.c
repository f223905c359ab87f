/* hsnap retainers: why an object (or every object of a class) is alive. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "output.h"
#include "path_groups.h"
#include "byfn.h"
#include "hsnap/paths.h"
#include "alloc.h"
#include "sort.h"

static const struct cmd_doc help_doc = {
	.name = "retainers",
	.usage = (const char *const[]){ "hsnap retainers [options] FILE (--id ID | --class NAME)", NULL },
	.description =
		"Why objects are still in memory: their shortest retainer paths from the GC\n"
		"roots (weak edges and edges from the root skipped, as in DevTools'\n"
		"Retainers view), printed root first with DevTools' edge syntax\n"
		"(.prop, [index], ->context, {internal}); each step shows the object's\n"
		"class, id, shallow and retained size.\n",
	.operands = "<file>",
};

struct ropts {
	enum fmt f;
	long paths, depth, top;
	int raw, by;
	const char *cls;
	uint64_t id;
	int have_id;
	uint64_t *ignore;
	size_t nignore;
};

struct pctx {
	const struct hs_analysis *a;
	const int32_t *dist;
	struct out *out;
	uint32_t target, count;
};

/* One object on a path: its fields (JSON), or a line (text, markdown). */
static const struct out_col step_cols[] = {
	{ NULL, "edge", 'l', OUT_TREE }, { NULL, "id", 'r', OUT_TREE },
	{ NULL, "name", 'l', OUT_TREE }, { NULL, "type", 'l', OUT_TREE },
	{ NULL, "class", 'l', OUT_TREE }, { NULL, "self_size", 'r', OUT_TREE },
	{ NULL, "retained_size", 'r', OUT_TREE }, { NULL, "distance", 'r', OUT_TREE },
	{ "Step", NULL, 'l', OUT_PLAIN }, { "Step", NULL, 'l', OUT_DOC },
	{ "Shallow", NULL, 'r', OUT_HUMAN }, { "Retained", NULL, 'r', OUT_HUMAN },
};
static const struct out_table object_table = {
	.key = "object", OUT_COLS(step_cols), .views = OUT_TREE, .flags = OUT_ONE
};
static const struct out_table holders_table = { .key = "holders", OUT_COLS(step_cols), .views = OUT_TREE };
static const struct out_table steps_table = {
	.key = "steps", OUT_COLS(step_cols), .views = OUT_TREE | OUT_HUMAN, .flags = OUT_HEADLESS,
	.plain_layout = "%s  %s  %s", .doc_layout = "%s (%s, retains %s)"
};
/* One path of --id: its steps nested; CSV: the whole route in one line. */
static const struct out_col path_cols[] = {
	{ NULL, "path", 'r', OUT_FLAT },
	{ NULL, "steps", 'r', OUT_FLAT },
	{ NULL, "route", 'l', OUT_FLAT },
	{ NULL, "truncated", 'l', OUT_TREE },
};
static const struct out_table paths_table = { .key = "paths", OUT_COLS(path_cols), .views = OUT_DATA };

/* Text folds the steps paths share into one line (the other views and
 * --full-paths print every step).  A listing notes the paths it will print,
 * in print order, before printing any (note_path, path_groups_note): the
 * first path prints the steps all of them share as one line, but for the
 * last one (whose edge names the holder of the node where they part); a
 * later path folds the steps it shares with the first path (at least as
 * many).  Without notes only later paths fold.  fold: merged paths
 * (compared as printed) or --id's. */
static struct listed {
	struct hs_path_ref ref; /* the first path */
	uint32_t all, noted, printed;
} listed[2];

static void note_path(const struct hs_analysis *a, const uint32_t *edges, uint32_t len, int truncated, int fold)
{
	struct listed *w = &listed[fold];
	uint32_t k;

	w->ref.fold = fold;
	if (!w->noted++) {
		hs_path_ref_shared(&w->ref, a, edges, len, truncated);
		w->all = truncated ? 0 : len;
		return;
	}
	k = hs_path_common_prefix(a, w->ref.edges, w->ref.len, w->ref.truncated, edges, len, truncated, fold);
	if (k < w->all)
		w->all = k;
}

void path_groups_note(const struct hs_analysis *a, const struct hs_path_groups *g, uint32_t top)
{
	uint32_t i;

	for (i = 0; i < g->count && i < top; i++)
		note_path(a, g->v[i].edges, g->v[i].len, g->v[i].truncated, 1);
}

/* How many steps of this path text prints as one line (3 or more, else 0);
 * *every: they are the steps every path shares (the first path's line). */
static uint32_t shared_steps(struct out *out, const struct hs_analysis *a, const uint32_t *edges,
			     uint32_t len, int truncated, int fold, int *every)
{
	struct listed *w = &listed[fold];
	uint32_t k;

	*every = 0;
	if (cli_full_paths || out_view(out) != OUT_PLAIN)
		return 0;
	w->ref.fold = fold;
	if (w->noted && !w->printed++) { /* the first path, already the reference */
		/* all but the last shared step: its edge (.leakedNodes, ->history)
		 * names what holds the paths' common node, and no path shows it else */
		k = w->noted < 2 || !w->all ? 0 : w->all - 1;
		*every = 1;
	} else {
		k = hs_path_ref_shared(&w->ref, a, edges, len, truncated);
	}
	return k < 3 ? 0 : k; /* one line for two saves little and hides the route */
}

/* edge: NULL for the first step; depth: the line's indentation level */
static void step(struct out *out, const struct hs_analysis *a, const int32_t *dist, uint32_t n,
		 const char *edge, int depth)
{
	const struct hs_snapshot *s = a->s;
	char lb[200];
	char *plain, *doc;

	node_label(a, n, lb, sizeof(lb));
	plain = out_strf("%*s%s%s%s", indent_cols(depth), "", edge ? edge : "", edge ? " " : "", lb);
	doc = out_strf("%*s- %s%s%s", indent_cols(depth), "", edge ? edge : "", edge ? " " : "", lb);
	{
		struct out_val v[12] = {
			edge ? ov_str(edge) : ov_none(), ov_uint(hs_node_id(s, n)), ov_str(hs_node_name(s, n)),
			ov_str(hs_node_type_name(s, n)), ov_str(hs_class_name(&a->classes, a->classes.class_of[n])),
			ov_uint(hs_shallow_size(a, n)), ov_uint(a->dom.retained[n]),
			dist[n] == HS_NO_DISTANCE ? ov_null() : ov_int(dist[n]),
			ov_str(plain), ov_str(doc), ov_bytes(hs_shallow_size(a, n)), ov_bytes(a->dom.retained[n]),
		};
		out_row_open(out, v);
	}
	out_location(out, s, n);
	out_row_close(out);
	free(plain);
	free(doc);
}

/* "Class @id -> .edge Class @id -> ...": CSV's route of a path */
static char *route(const struct hs_analysis *a, uint32_t first, const uint32_t *edges, uint32_t len)
{
	const struct hs_snapshot *s = a->s;
	char *text = NULL, eb[128];
	size_t tlen = 0, i;
	FILE *m = open_memstream(&text, &tlen);

	if (!m) {
		fprintf(stderr, "hsnap: out of memory (open_memstream)\n");
		exit(EXIT_LIMIT);
	}
	for (i = 0; i <= len; i++) {
		uint32_t n = i ? s->edge_to[edges[i - 1]] : first;
		char lb[200], cell[400];
		snprintf(cell, sizeof(cell), "%s%s%s", i ? hs_edge_label(s, edges[i - 1], 0, eb, sizeof(eb)) : "",
			 i ? " " : "", node_label(a, n, lb, sizeof(lb)));
		if (i)
			fputs(" -> ", m);
		fputs(cell, m);
	}
	if (fclose(m) != 0) {
		fprintf(stderr, "hsnap: out of memory (open_memstream)\n");
		exit(EXIT_LIMIT);
	}
	return text;
}

static void on_path(void *ctx, const uint32_t *edges, uint32_t len, int truncated)
{
	struct pctx *p = ctx;
	const struct hs_analysis *a = p->a;
	const struct hs_snapshot *s = a->s;
	uint32_t i, skip, first = len ? hs_edge_source(s, edges[0]) : p->target;
	char eb[128], lb[200], *r;
	int every;

	p->count++;
	r = route(a, first, edges, len);
	{
		struct out_val v[4] = { ov_uint(p->count), ov_uint(len), ov_str(r), ov_bool(truncated) };
		out_row_open(p->out, v);
	}
	out_say(p->out, "\nPath %u (%u steps%s)\n", "\n#### Path %u (%u steps%s)\n\n", p->count, len,
		truncated ? ", nearest the object" : "");
	if (truncated)
		out_say(p->out, "  …\n", "- …\n");
	skip = shared_steps(p->out, a, edges, len, truncated, 0, &every);
	if (skip)
		out_say(p->out, every ? "  … %u steps every path shares, from %s …\n" : "  … %u steps as in path 1 …\n",
			OUT_SKIP, skip, node_label(a, first, lb, sizeof(lb)));
	out_table_begin(p->out, &steps_table);
	if (!skip) /* skip: text only, the first step shown is the last one shared */
		step(p->out, a, p->dist, first, NULL, 1);
	for (i = 0; i < len; i++)
		if (i + 1 >= skip)
			step(p->out, a, p->dist, s->edge_to[edges[i]],
			     i + 1 == skip ? NULL : hs_edge_label(s, edges[i], 0, eb, sizeof(eb)), (int)(i + 2 - skip));
	out_table_end(p->out);
	out_row_close(p->out);
	free(r);
}

/* Paths collected before they are printed (distinct holders first). */
struct found {
	uint32_t *edges, len;
	int truncated;
};
struct collect {
	struct found *v;
	size_t n, alloc;
	uint32_t extra; /* an edge appended to every path (the holder's), or HS_NO_EDGE */
};

static void on_collect(void *ctx, const uint32_t *edges, uint32_t len, int truncated)
{
	struct collect *c = ctx;
	struct found *f;

	HS_GROW(c->v, c->n, c->alloc);
	f = &c->v[c->n++];
	f->len = len + (c->extra != HS_NO_EDGE);
	HS_ALLOC_ARRAY(f->edges, f->len ? f->len : 1);
	if (len)
		memcpy(f->edges, edges, sizeof(*edges) * len);
	if (c->extra != HS_NO_EDGE)
		f->edges[len] = c->extra;
	f->truncated = truncated;
}

struct holder { uint32_t edge, from; int32_t dist; };

static int holder_cmp(const void *x, const void *y)
{
	const struct holder *a = x, *b = y;
	uint32_t da = (uint32_t)a->dist, db = (uint32_t)b->dist; /* no distance (-5) last */
	if (da != db)
		return da < db ? -1 : 1;
	return a->edge < b->edge ? -1 : a->edge > b->edge;
}

/* The objects that hold target directly (DevTools' Retainers view: not weak,
 * not the root), one entry per holder (its first edge), nearest the roots first. */
static size_t distinct_holders(const struct hs_snapshot *s, const struct hs_retainer_index *ri,
			       const int32_t *dist, uint32_t target, struct holder **out)
{
	uint32_t k, from = ri->first[target], to = ri->first[target + 1];
	size_t n = 0, i, m = 0;

	HS_ALLOC_ARRAY(*out, (to - from) ? to - from : 1);
	for (k = from; k < to; k++) {
		uint32_t e = ri->edge[k];
		(*out)[n].edge = e;
		(*out)[n].from = hs_edge_source(s, e);
		(*out)[n].dist = dist[(*out)[n].from];
		n++;
	}
	hs_sort(*out, n, sizeof(**out), holder_cmp);
	for (i = 0; i < n; i++) { /* one entry per holder */
		size_t j;
		for (j = 0; j < m && (*out)[j].from != (*out)[i].from; j++)
			;
		if (j == m)
			(*out)[m++] = (*out)[i];
	}
	return m;
}

static int same_path(const struct found *a, const struct found *b)
{
	return a->len == b->len && !memcmp(a->edges, b->edges, sizeof(*a->edges) * a->len);
}

static int by_id(const struct hs_analysis *a, const int32_t *dist, struct ropts *o, uint32_t target)
{
	const struct hs_snapshot *s = a->s;
	struct hs_retainer_index ri;
	struct pctx p = { a, dist, NULL, target, 0 };
	struct collect c = { NULL, 0, 0, HS_NO_EDGE };
	struct holder *h;
	size_t nh, i, j, shown = 0;
	int pass;
	char lb[200], sh[32], re[32], eb[128];
	struct out *out;

	hs_retainer_index_build(&ri, s);
	nh = distinct_holders(s, &ri, dist, target, &h);
	p.out = out = out_open(o->f);
	out_kv_str(out, "file", s->file);
	out_table_begin(out, &object_table);
	step(out, a, dist, target, NULL, 0);
	out_table_end(out);
	out_table_begin(out, &holders_table);
	for (i = 0; i < nh && i < 100; i++)
		step(out, a, dist, h[i].from, hs_edge_label(s, h[i].edge, 0, eb, sizeof(eb)), 0);
	out_table_end(out);
	out_kv_u64(out, "holders_total", nh);
	out_say(out, "%s: %s shallow, %s retained\n", "### Retainers of %s\n\n%s shallow, %s retained\n",
		node_label(a, target, lb, sizeof(lb)), human_size(hs_shallow_size(a, target), sh, sizeof(sh)),
		human_size(a->dom.retained[target], re, sizeof(re)));
	if (nh) {
		out_say(out, "\nHeld directly by %zu object%s\n", "\nHeld directly by %zu object%s:\n\n", nh,
			nh == 1 ? "" : "s");
		for (i = 0; i < nh && i < 10; i++)
			out_say(out, "  %s  of  %s\n", "- `%s` of %s\n", hs_edge_label(s, h[i].edge, 0, eb, sizeof(eb)),
				node_label(a, h[i].from, lb, sizeof(lb)));
		if (nh > 10)
			out_say(out, "  … %zu more\n", "- … %zu more\n", nh - 10);
	}
	out_table_begin(out, &paths_table);
	/* one shortest path through each distinct holder first (two holders
	 * of one object are two things to fix), then other shortest paths */
	for (i = 0; i < nh && c.n < (size_t)o->paths; i++) {
		if (h[i].dist == HS_NO_DISTANCE)
			continue;
		if (!o->depth)
			break;
		c.extra = h[i].edge;
		/* no path to the holder: it is a root's child, the path is its edge */
		if (!hs_paths_find(s, &ri, dist, h[i].from, 1, (uint32_t)o->depth - 1, on_collect, &c))
			on_collect(&c, NULL, 0, 0);
	}
	c.extra = HS_NO_EDGE;
	hs_paths_find(s, &ri, dist, target, (uint32_t)o->paths, (uint32_t)o->depth, on_collect, &c);
	for (pass = 0; pass < 2; pass++) /* the paths shown noted, then printed */
		for (i = 0, shown = 0; i < c.n && shown < (size_t)o->paths; i++) {
			for (j = 0; j < i && !same_path(&c.v[i], &c.v[j]); j++)
				;
			if (j < i)
				continue;
			if (pass)
				on_path(&p, c.v[i].edges, c.v[i].len, c.v[i].truncated);
			else
				note_path(a, c.v[i].edges, c.v[i].len, c.v[i].truncated, 0);
			shown++;
		}
	for (i = 0; i < c.n; i++)
		free(c.v[i].edges);
	free(c.v);
	free(h);
	out_table_end(out);
	if (!p.count) {
		const char *why = dist[target] == HS_NO_DISTANCE
			? "\nno path: the object is not reachable from the GC roots (only weak or no retainers)\n"
			: "\nno path: the object is a GC root's direct child\n";
		out_say(out, "%s", NULL, why);
	}
	out_close(out);
	hs_retainer_index_release(&ri);
	return EXIT_OK;
}

/* ---- merged paths of a class --------------------------------------------- */

/* Merged path shapes: one row per shape, its steps nested (JSON), written
 * as lines below it (text), one line of arrows (markdown) or one CSV field. */
static const struct out_col shape_cols[] = {
	{ NULL, "count", 'r', OUT_DATA }, { NULL, "self_size", 'r', OUT_DATA },
	{ NULL, "retained_size", 'r', OUT_DATA }, { NULL, "example_id", 'r', OUT_TREE },
	{ NULL, "truncated", 'l', OUT_TREE }, { NULL, "path", 'l', OUT_FLAT },
};
static const struct out_table shapes_table = { .key = "shapes", OUT_COLS(shape_cols), .views = OUT_DATA };
/* print_path_groups' callers write their own CSV heading and JSON key */
static const struct out_table groups_table = { OUT_COLS(shape_cols), .views = OUT_DATA, .flags = OUT_HEADLESS };
static const struct out_col shape_step_cols[] = {
	{ NULL, "edge", 'l', OUT_TREE }, { NULL, "class", 'l', OUT_TREE },
	{ "Step", NULL, 'l', OUT_PLAIN },
};
static const struct out_table shape_steps_table = {
	.key = "steps", OUT_COLS(shape_step_cols), .views = OUT_TREE | OUT_PLAIN, .flags = OUT_HEADLESS,
	.plain_layout = "%s"
};

static FILE *mem_open(char **text, size_t *len)
{
	FILE *m = open_memstream(text, len);
	if (!m) {
		fprintf(stderr, "hsnap: out of memory (open_memstream)\n");
		exit(EXIT_LIMIT);
	}
	return m;
}

static void mem_close(FILE *m)
{
	if (fclose(m) != 0) {
		fprintf(stderr, "hsnap: out of memory (open_memstream)\n");
		exit(EXIT_LIMIT);
	}
}

/* indent: the columns of indentation in text; doc_indent: in markdown */
static void path_group(struct out *out, const struct hs_analysis *a, const struct hs_path_group *p,
		       uint32_t i, int indent, int doc_indent)
{
	const struct hs_snapshot *s = a->s;
	char eb[128], b1[32], b2[32], b3[32], *cell = NULL, *line = NULL;
	size_t clen = 0, llen = 0;
	uint32_t k, skip;
	int every;
	FILE *c, *m;

	/* the whole path in one CSV field, however long (it was cut at 4 KiB),
	 * and in one markdown line */
	c = mem_open(&cell, &clen);
	m = mem_open(&line, &llen);
	if (p->truncated)
		fputs("… -> ", c);
	fprintf(m, "%*s   ", doc_indent, "");
	if (p->truncated)
		fputs("… → ", m);
	for (k = 0; k <= p->len; k++) {
		uint32_t n = k < p->len ? hs_edge_source(s, p->edges[k]) : p->example;
		fprintf(c, "%s%s%s%s", k ? " " : "", k ? hs_edge_label(s, p->edges[k - 1], 1, eb, sizeof(eb)) : "",
			k ? " " : "", hs_path_node_name(a, n));
		if (k < p->len)
			fputs(" ->", c);
		if (k)
			fprintf(m, " → `%s` ", hs_edge_label(s, p->edges[k - 1], 1, eb, sizeof(eb)));
		md_escape(m, hs_path_node_name(a, n));
	}
	mem_close(c);
	mem_close(m);
	{
		struct out_val v[6] = { ov_uint(p->count), ov_uint(p->self_size), ov_uint(p->retained_size),
					ov_uint(hs_node_id(s, p->example)), ov_bool(p->truncated), ov_str(cell) };
		out_row_open(out, v);
	}
	group_digits(p->count, b1, sizeof(b1));
	human_size(p->retained_size, b2, sizeof(b2));
	human_size(p->self_size, b3, sizeof(b3));
	out_say(out, "%*s#%u  %s object%s, retained %s, shallow %s\n", OUT_SKIP, indent, "", i + 1, b1,
		p->count == 1 ? "" : "s", b2, b3);
	out_say(out, OUT_SKIP, "%*s%u. **%s object%s**, retained %s, shallow %s\n", doc_indent, "", i + 1, b1,
		p->count == 1 ? "" : "s", b2, b3);
	out_say(out, OUT_SKIP, "%s\n", line);
	if (p->truncated)
		out_say(out, "%*s…\n", OUT_SKIP, indent + 5, "");
	skip = shared_steps(out, a, p->edges, p->len, p->truncated, 1, &every);
	if (skip)
		out_say(out, every ? "%*s… %u steps every path shares, from %s …\n" : "%*s… %u steps as in the first path …\n",
			OUT_SKIP, indent + 5, "", skip, hs_path_node_name(a, hs_edge_source(s, p->edges[0])));
	out_table_begin(out, &shape_steps_table);
	for (k = 0; k <= p->len; k++) {
		uint32_t n = k < p->len ? hs_edge_source(s, p->edges[k]) : p->example;
		const char *e = k ? hs_edge_label(s, p->edges[k - 1], 1, eb, sizeof(eb)) : "";
		char *text;
		if (k < skip) /* skip: text only, the first step shown is the last one shared */
			continue;
		text = out_strf("%*s%s%s%s", indent + 5 + indent_cols(k - skip), "", k > skip ? e : "",
				k > skip ? "  " : "", hs_path_node_name(a, n));
		{
			struct out_val v[3] = { k ? ov_str(e) : ov_none(), ov_str(hs_path_node_name(a, n)), ov_str(text) };
			out_row(out, v);
		}
		free(text);
	}
	out_table_end(out);
	out_row_close(out);
	free(cell);
	free(line);
}

struct out_table path_groups_table(const char *key, unsigned views, unsigned flags)
{
	struct out_table t = { .key = key, OUT_COLS(shape_cols), .views = views, .flags = flags };
	return t;
}

void path_groups(struct out *out, const struct out_table *t, const struct hs_analysis *a,
		 const struct hs_path_groups *g, uint32_t top, int indent, int doc_indent)
{
	uint32_t i;

	out_table_begin(out, t);
	for (i = 0; i < g->count && i < top; i++)
		path_group(out, a, &g->v[i], i, indent, doc_indent);
	out_table_end(out);
}

void out_path_groups(struct out *out, const char *key, const struct hs_analysis *a,
		     const struct hs_path_groups *g, uint32_t top, int indent)
{
	out_list_begin(out, key);
	path_groups(out, &groups_table, a, g, top, indent, indent);
	out_list_end(out);
}

void print_path_groups(const struct hs_analysis *a, const struct hs_path_groups *g, uint32_t top,
		       enum fmt f, yajl_gen json, int indent)
{
	struct out *out = out_open_on(f, json);

	out_path_groups(out, NULL, a, g, top, indent);
	out_close(out);
}

/* rows: a's classes, or with --by function its function rows, of which
 * --class selects those it names (hs_function_key_selects) */
static int by_class(const struct hs_analysis *a, const struct hs_classes *rows, const uint32_t *parent,
		    struct ropts *o)
{
	const struct hs_snapshot *s = a->s;
	uint32_t n, m = 0, *nodes, k;
	uint64_t *members, *outer, total_ret = 0, want = 0;
	struct hs_path_groups g;
	char b1[32], b2[32];
	struct out *out;
	uint8_t *pick;

	HS_CALLOC_ARRAY(pick, rows->names.count ? rows->names.count : 1);
	for (k = 0; k < rows->names.count; k++)
		if (!strcmp(hs_class_name(rows, k), o->cls) ||
		    (o->by && hs_function_key_selects(hs_class_name(rows, k), o->cls))) {
			pick[k] = 1;
			want += rows->cls[k].count;
		}
	if (!want) {
		fprintf(stderr, "hsnap: %s: no objects of class '%s' (see 'hsnap summary' for class names)\n",
			s->file, o->cls);
		free(pick);
		return EXIT_USAGE;
	}
	members = hs_bits_new(s->node_count);
	outer = hs_bits_new(s->node_count);
	HS_ALLOC_ARRAY(nodes, want);
	for (n = 0; n < s->node_count; n++)
		if (pick[rows->class_of[n]] && hs_shallow_size(a, n)) {
			nodes[m++] = n;
			hs_bit_set(members, n);
		}
	hs_outermost_members(&a->dom, s->root, s->node_count, members, outer);
	hs_merge_paths_top(&g, a, parent, nodes, m, outer, (uint32_t)o->depth, (uint32_t)o->top);
	for (k = 0; k < g.count; k++)
		total_ret += g.v[k].retained_size;
	out = out_open(o->f);
	out_kv_str(out, "file", s->file);
	out_kv_str(out, "class", o->cls);
	out_kv_u64(out, "count", m);
	out_kv_u64(out, "retained_size", total_ret);
	out_kv_u64(out, "shapes_total", g.count);
	out_say(out, "%s: %s object%s, %s retained, %u path shape%s\n",
		"### %s: %s object%s, %s retained, %u path shape%s\n\n", o->cls, group_digits(m, b1, sizeof(b1)),
		m == 1 ? "" : "s", human_size(total_ret, b2, sizeof(b2)), g.count, g.count == 1 ? "" : "s");
	path_groups_note(a, &g, (uint32_t)o->top);
	path_groups(out, &shapes_table, a, &g, (uint32_t)o->top, 2, 2);
	out_close(out);
	hs_path_groups_release(&g);
	free(nodes);
	free(members);
	free(outer);
	free(pick);
	return EXIT_OK;
}

static int opt_id(const struct opt_call *call, const char *arg)
{
	struct ropts *o = call->opt->value;

	if (parse_id("retainers", "--id", arg, &o->id))
		return EXIT_USAGE;
	o->have_id = 1;
	return 0;
}

static int opt_ignore(const struct opt_call *call, const char *arg)
{
	struct ropts *o = call->opt->value;

	HS_REALLOC_ARRAY(o->ignore, o->nignore + 1);
	if (parse_id("retainers", "--ignore", arg, &o->ignore[o->nignore]))
		return EXIT_USAGE;
	o->nignore++;
	return 0;
}

static int parse(struct ropts *o, int argc, char **argv)
{
	const struct opt opts[] = {
		OPT_GROUP(""),
		OPT_CALLBACK("id", o, "ID", "one object: up to --paths shortest paths to it (ID as\n"
			     "printed, 123 or @123)", opt_id, NULL),
		OPT_STRING("class", &o->cls, "NAME", "every object of a class: merged paths, i.e. the objects\n"
			   "grouped by the shape of their shortest path (classes and\n"
			   "edge names, array indices folded), largest retained first", NULL),
		OPT_GROUP("Options:"),
		OPT_BY_TAIL(&o->by, "the rows --class NAME selects from:",
			    ";\n--class selects a function row by its name or key"),
		OPT_COUNT("paths", &o->paths, "K", "alternative paths for --id (default 3)"),
		OPT_RANGE("max-depth", &o->depth, 1, 100000, "D", "steps shown nearest the object (default 16; longer paths\n"
			  "start with '…')"),
		OPT_CALLBACK("ignore", o, "ID", "hide this retainer and recompute (DevTools' \"ignore this\n"
			     "retainer\"); repeatable", opt_ignore, NULL),
		OPT_COUNT("top", &o->top, "N", "path shapes shown for --class (default 10)"),
		OPT_FORMAT(&o->f, "text (default), json, csv or markdown"),
		OPT_FULL_PATHS,
		OPT_RAW_SIZES(&o->raw),
		OPT_END()
	};
	int rc;

	if ((rc = parse_files(&help_doc, opts, argc, argv, 1, "one FILE")))
		return rc;
	if (o->have_id == !!o->cls)
		return usage_error("retainers", "give exactly one of --id ID or --class NAME");
	return 0;
}

static uint32_t find_id(const struct hs_snapshot *s, uint64_t id)
{
	uint32_t n;
	for (n = 0; n < s->node_count; n++)
		if (hs_node_id(s, n) == id)
			return n;
	return UINT32_MAX;
}

int cmd_retainers(int argc, char **argv)
{
	struct ropts o;
	struct loaded ld;
	struct hs_snapshot *s = NULL;
	struct hs_analysis a;
	int32_t *dist = NULL;
	uint32_t *parent = NULL, target = 0;
	uint64_t *ignored = NULL;
	size_t i;
	int rc;

	memset(&o, 0, sizeof(o));
	o.paths = 3;
	o.depth = 16;
	o.top = 10;
	if ((rc = parse(&o, argc, argv))) {
		free(o.ignore);
		return rc < 0 ? EXIT_OK : rc;
	}
	if ((rc = load_snapshot(argv[optind], NULL, &ld)))
		goto out;
	s = ld.s;
	warn_snapshot(s);
	if (o.have_id && (target = find_id(s, o.id)) == UINT32_MAX) {
		fprintf(stderr, "hsnap: %s: no object with id %" PRIu64 "\n", s->file, o.id);
		rc = EXIT_USAGE;
		goto out;
	}
	if ((rc = analyze_snapshot(&ld, o.raw, !o.nignore, &a)))
		goto out;
	ignored = hs_bits_new(s->node_count);
	for (i = 0; i < o.nignore; i++) {
		uint32_t n = find_id(s, o.ignore[i]);
		if (n == UINT32_MAX) {
			fprintf(stderr, "hsnap: %s: --ignore %" PRIu64 ": no object with that id\n", s->file, o.ignore[i]);
			rc = EXIT_USAGE;
			hs_analysis_release(&a);
			goto out;
		}
		hs_bit_set(ignored, n);
	}
	if (o.nignore) {
		/* DevTools' "ignore this retainer": distances without those nodes */
		HS_ALLOC_ARRAY(dist, s->node_count);
		HS_ALLOC_ARRAY(parent, s->node_count);
		hs_distances_ex(s, dist, parent, ignored);
	}
	if (o.have_id) {
		rc = by_id(&a, dist ? dist : a.distance, &o, target);
	} else if (o.by) {
		struct hs_analysis fa;
		by_function_begin(&fa, &a);
		rc = by_class(&a, &fa.classes, parent ? parent : a.parent_edge, &o);
		by_function_end(&fa, &a);
	} else {
		rc = by_class(&a, &a.classes, parent ? parent : a.parent_edge, &o);
	}
	hs_analysis_release(&a);
	if (rc == EXIT_OK && fflush(stdout) != 0)
		rc = EXIT_INPUT;
out:
	free(dist);
	free(parent);
	free(ignored);
	free(o.ignore);
	hs_snapshot_free(s);
	return rc;
}
