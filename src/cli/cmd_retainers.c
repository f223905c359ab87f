/* hsnap retainers: why an object (or every object of a class) is alive. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "hsnap/paths.h"
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap retainers [options] FILE (--id ID | --class NAME)",
	NULL
};

static const char help_text[] =
	"Why objects are still in memory: their shortest retainer paths from the GC\n"
	"roots (weak edges and edges from the root skipped, as in DevTools'\n"
	"Retainers view), printed root first with DevTools' edge syntax\n"
	"(.prop, [index], ->context, {internal}); each step shows the object's\n"
	"class, id, shallow and retained size.\n";

static const struct cmd_doc help_doc = { "retainers", usage_lines, help_text, NULL, "<file>" };

struct ropts {
	enum fmt f;
	long paths, depth, top;
	int raw;
	const char *cls;
	uint64_t id;
	int have_id;
	uint64_t *ignore;
	size_t nignore;
};

struct pctx {
	const struct hs_analysis *a;
	const int32_t *dist;
	struct ropts *o;
	yajl_gen g;
	uint32_t target, count;
};

static void step_json(yajl_gen g, const struct hs_analysis *a, const int32_t *dist, uint32_t n,
		      const char *edge)
{
	const struct hs_snapshot *s = a->s;
	yajl_gen_map_open(g);
	if (edge)
		json_kv_str(g, "edge", edge);
	json_kv_u64(g, "id", hs_node_id(s, n));
	json_kv_str(g, "name", hs_node_name(s, n));
	json_kv_str(g, "type", hs_node_type_name(s, n));
	json_kv_str(g, "class", hs_class_name(&a->classes, a->classes.class_of[n]));
	json_kv_u64(g, "self_size", a->self_size[n]);
	json_kv_u64(g, "retained_size", a->dom.retained[n]);
	json_key(g, "distance");
	if (dist[n] == HS_NO_DISTANCE) yajl_gen_null(g); else json_i64(g, dist[n]);
	json_location(g, s, n);
	yajl_gen_map_close(g);
}

static void step_text(const struct hs_analysis *a, uint32_t n, const char *edge, int depth, int md)
{
	char lb[200], sh[32], re[32];
	printf(md ? "%*s- %s%s%s (%s, retains %s)\n" : "%*s%s%s%s  %s  %s\n", indent_cols(depth), "",
	       edge ? edge : "", edge ? " " : "", node_label(a, n, lb, sizeof(lb)),
	       human_size(a->self_size[n], sh, sizeof(sh)), human_size(a->dom.retained[n], re, sizeof(re)));
}

static void on_path(void *ctx, const uint32_t *edges, uint32_t len, int truncated)
{
	struct pctx *p = ctx;
	const struct hs_analysis *a = p->a;
	const struct hs_snapshot *s = a->s;
	uint32_t i, first = len ? hs_edge_source(s, edges[0]) : p->target;
	char eb[128];

	p->count++;
	if (p->o->f == FMT_JSON) {
		yajl_gen_map_open(p->g);
		json_key(p->g, "truncated");
		yajl_gen_bool(p->g, truncated);
		json_key(p->g, "steps");
		yajl_gen_array_open(p->g);
		step_json(p->g, a, p->dist, first, NULL);
		for (i = 0; i < len; i++)
			step_json(p->g, a, p->dist, s->edge_to[edges[i]], hs_edge_label(s, edges[i], 0, eb, sizeof(eb)));
		yajl_gen_array_close(p->g);
		yajl_gen_map_close(p->g);
		return;
	}
	if (p->o->f == FMT_CSV) {
		printf("%u,%u,", p->count, len);
		for (i = 0; i <= len; i++) {
			uint32_t n = i ? s->edge_to[edges[i - 1]] : first;
			char lb[200], cell[400];
			snprintf(cell, sizeof(cell), "%s%s%s", i ? hs_edge_label(s, edges[i - 1], 0, eb, sizeof(eb)) : "",
				 i ? " " : "", node_label(a, n, lb, sizeof(lb)));
			if (i)
				fputs(" -> ", stdout);
			fputs(cell, stdout);
		}
		putchar('\n');
		return;
	}
	printf(p->o->f == FMT_MD ? "\n#### Path %u (%u steps%s)\n\n" : "\nPath %u (%u steps%s)\n",
	       p->count, len, truncated ? ", nearest the object" : "");
	if (truncated)
		printf(p->o->f == FMT_MD ? "- …\n" : "  …\n");
	step_text(a, first, NULL, 1, p->o->f == FMT_MD);
	for (i = 0; i < len; i++)
		step_text(a, s->edge_to[edges[i]], hs_edge_label(s, edges[i], 0, eb, sizeof(eb)), (int)i + 2,
			  p->o->f == FMT_MD);
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

	HS_ALLOC_ARRAY(*out, to - from ? to - from : 1);
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
	struct pctx p = { a, dist, o, NULL, target, 0 };
	struct collect c = { NULL, 0, 0, HS_NO_EDGE };
	struct holder *h;
	size_t nh, i, j, shown = 0;
	char lb[200], sh[32], re[32], eb[128];

	hs_retainer_index_build(&ri, s);
	nh = distinct_holders(s, &ri, dist, target, &h);
	if (o->f == FMT_JSON) {
		p.g = json_new(1);
		yajl_gen_map_open(p.g);
		json_kv_str(p.g, "file", s->file);
		json_key(p.g, "object");
		step_json(p.g, a, dist, target, NULL);
		json_key(p.g, "holders");
		yajl_gen_array_open(p.g);
		for (i = 0; i < nh && i < 100; i++)
			step_json(p.g, a, dist, h[i].from, hs_edge_label(s, h[i].edge, 0, eb, sizeof(eb)));
		yajl_gen_array_close(p.g);
		json_kv_u64(p.g, "holders_total", nh);
		json_key(p.g, "paths");
		yajl_gen_array_open(p.g);
	} else if (o->f == FMT_CSV) {
		printf("path,steps,route\n");
	} else {
		int md = o->f == FMT_MD;
		printf(md ? "### Retainers of %s\n\n%s shallow, %s retained\n" : "%s: %s shallow, %s retained\n",
		       node_label(a, target, lb, sizeof(lb)), human_size(a->self_size[target], sh, sizeof(sh)),
		       human_size(a->dom.retained[target], re, sizeof(re)));
		if (nh) {
			printf(md ? "\nHeld directly by %zu object%s:\n\n" : "\nHeld directly by %zu object%s\n",
			       nh, nh == 1 ? "" : "s");
			for (i = 0; i < nh && i < 10; i++)
				printf(md ? "- `%s` of %s\n" : "  %s  of  %s\n", hs_edge_label(s, h[i].edge, 0, eb, sizeof(eb)),
				       node_label(a, h[i].from, lb, sizeof(lb)));
			if (nh > 10)
				printf(md ? "- … %zu more\n" : "  … %zu more\n", nh - 10);
		}
	}
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
	for (i = 0; i < c.n && shown < (size_t)o->paths; i++) {
		for (j = 0; j < i && !same_path(&c.v[i], &c.v[j]); j++)
			;
		if (j < i)
			continue;
		on_path(&p, c.v[i].edges, c.v[i].len, c.v[i].truncated);
		shown++;
	}
	for (i = 0; i < c.n; i++)
		free(c.v[i].edges);
	free(c.v);
	free(h);
	if (o->f == FMT_JSON) {
		yajl_gen_array_close(p.g);
		json_finish(p.g);
	} else if (!p.count && o->f != FMT_CSV) {
		printf(dist[target] == HS_NO_DISTANCE
		       ? "\nno path: the object is not reachable from the GC roots (only weak or no retainers)\n"
		       : "\nno path: the object is a GC root's direct child\n");
	}
	hs_retainer_index_release(&ri);
	return EXIT_OK;
}

/* ---- merged paths of a class --------------------------------------------- */

void print_path_groups(const struct hs_analysis *a, const struct hs_path_groups *g, uint32_t top,
		       enum fmt f, yajl_gen json, int indent)
{
	const struct hs_snapshot *s = a->s;
	uint32_t i, k, shown = g->count < top ? g->count : top;
	char eb[128], b1[32], b2[32];

	if (json) {
		yajl_gen_array_open(json);
		for (i = 0; i < g->count && i < top; i++) {
			const struct hs_path_group *p = &g->v[i];
			yajl_gen_map_open(json);
			json_kv_u64(json, "count", p->count);
			json_kv_u64(json, "self_size", p->self_size);
			json_kv_u64(json, "retained_size", p->retained_size);
			json_kv_u64(json, "example_id", hs_node_id(s, p->example));
			json_key(json, "truncated");
			yajl_gen_bool(json, p->truncated);
			json_key(json, "steps");
			yajl_gen_array_open(json);
			for (k = 0; k <= p->len; k++) {
				uint32_t n = k < p->len ? hs_edge_source(s, p->edges[k]) : p->example;
				yajl_gen_map_open(json);
				if (k)
					json_kv_str(json, "edge", hs_edge_label(s, p->edges[k - 1], 1, eb, sizeof(eb)));
				json_kv_str(json, "class", hs_path_node_name(a, n));
				yajl_gen_map_close(json);
			}
			yajl_gen_array_close(json);
			yajl_gen_map_close(json);
		}
		yajl_gen_array_close(json);
		return;
	}
	for (i = 0; i < shown; i++) {
		const struct hs_path_group *p = &g->v[i];
		if (f == FMT_CSV) {
			printf("%llu,%llu,%llu,", (unsigned long long)p->count, (unsigned long long)p->self_size,
			       (unsigned long long)p->retained_size);
		} else {
			printf(f == FMT_MD ? "%*s%u. **%s object%s**, retained %s, shallow %s\n"
					   : "%*s#%u  %s object%s, retained %s, shallow %s\n",
			       indent, "", i + 1, group_digits(p->count, b1, sizeof(b1)), p->count == 1 ? "" : "s",
			       human_size(p->retained_size, b2, sizeof(b2)),
			       human_size(p->self_size, eb, sizeof(eb)));
		}
		if (f == FMT_CSV) {
			/* the whole path in one field, however long (it was cut at 4 KiB) */
			char *cell = NULL;
			size_t clen = 0;
			FILE *m = open_memstream(&cell, &clen);
			if (!m) {
				fprintf(stderr, "hsnap: out of memory (open_memstream)\n");
				exit(EXIT_LIMIT);
			}
			if (p->truncated)
				fputs("… -> ", m);
			for (k = 0; k <= p->len; k++) {
				uint32_t n = k < p->len ? hs_edge_source(s, p->edges[k]) : p->example;
				fprintf(m, "%s%s%s%s", k ? " " : "",
					k ? hs_edge_label(s, p->edges[k - 1], 1, eb, sizeof(eb)) : "",
					k ? " " : "", hs_path_node_name(a, n));
				if (k < p->len)
					fputs(" ->", m);
			}
			if (fclose(m) != 0) {
				fprintf(stderr, "hsnap: out of memory (open_memstream)\n");
				exit(EXIT_LIMIT);
			}
			csv_field(stdout, cell);
			free(cell);
			putchar('\n');
			continue;
		}
		if (f == FMT_MD) {
			printf("%*s   ", indent, "");
			if (p->truncated)
				printf("… → ");
			for (k = 0; k <= p->len; k++) {
				uint32_t n = k < p->len ? hs_edge_source(s, p->edges[k]) : p->example;
				if (k) {
					printf(" → `");
					fputs(hs_edge_label(s, p->edges[k - 1], 1, eb, sizeof(eb)), stdout);
					printf("` ");
				}
				md_escape(stdout, hs_path_node_name(a, n));
			}
			printf("\n");
			continue;
		}
		if (p->truncated)
			printf("%*s…\n", indent + 5, "");
		for (k = 0; k <= p->len; k++) {
			uint32_t n = k < p->len ? hs_edge_source(s, p->edges[k]) : p->example;
			printf("%*s%s%s%s\n", indent + 5 + indent_cols(k), "",
			       k ? hs_edge_label(s, p->edges[k - 1], 1, eb, sizeof(eb)) : "", k ? "  " : "",
			       hs_path_node_name(a, n));
		}
	}
}

static int by_class(const struct hs_analysis *a, const uint32_t *parent, struct ropts *o)
{
	const struct hs_snapshot *s = a->s;
	uint32_t n, m = 0, *nodes, cid = UINT32_MAX, k;
	uint64_t *members, *outer, total_ret = 0;
	struct hs_path_groups g;
	char b1[32], b2[32];

	for (k = 0; k < a->classes.names.count; k++)
		if (!strcmp(hs_class_name(&a->classes, k), o->cls))
			cid = k;
	if (cid == UINT32_MAX || !a->classes.cls[cid].count) {
		fprintf(stderr, "hsnap: %s: no objects of class '%s' (see 'hsnap summary' for class names)\n",
			s->file, o->cls);
		return EXIT_USAGE;
	}
	members = hs_bits_new(s->node_count);
	outer = hs_bits_new(s->node_count);
	HS_ALLOC_ARRAY(nodes, a->classes.cls[cid].count);
	for (n = 0; n < s->node_count; n++)
		if (a->classes.class_of[n] == cid && a->self_size[n]) {
			nodes[m++] = n;
			hs_bit_set(members, n);
		}
	hs_outermost_members(&a->dom, s->root, s->node_count, members, outer);
	hs_merge_paths_top(&g, a, parent, nodes, m, outer, (uint32_t)o->depth, (uint32_t)o->top);
	for (k = 0; k < g.count; k++)
		total_ret += g.v[k].retained_size;
	if (o->f == FMT_JSON) {
		yajl_gen j = json_new(1);
		yajl_gen_map_open(j);
		json_kv_str(j, "file", s->file);
		json_kv_str(j, "class", o->cls);
		json_kv_u64(j, "count", m);
		json_kv_u64(j, "retained_size", total_ret);
		json_kv_u64(j, "shapes_total", g.count);
		json_key(j, "shapes");
		print_path_groups(a, &g, (uint32_t)o->top, o->f, j, 0);
		json_finish(j);
	} else {
		if (o->f == FMT_CSV)
			printf("count,self_size,retained_size,path\n");
		else
			printf(o->f == FMT_MD ? "### %s: %s object%s, %s retained, %u path shape%s\n\n"
					      : "%s: %s object%s, %s retained, %u path shape%s\n",
			       o->cls, group_digits(m, b1, sizeof(b1)), m == 1 ? "" : "s",
			       human_size(total_ret, b2, sizeof(b2)), g.count, g.count == 1 ? "" : "s");
		print_path_groups(a, &g, (uint32_t)o->top, o->f, NULL, 2);
	}
	hs_path_groups_release(&g);
	free(nodes);
	free(members);
	free(outer);
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
		OPT_COUNT("paths", &o->paths, "K", "alternative paths for --id (default 3)"),
		OPT_RANGE("max-depth", &o->depth, 1, 100000, "D", "steps shown nearest the object (default 16; longer paths\n"
			  "start with '…')"),
		OPT_CALLBACK("ignore", o, "ID", "hide this retainer and recompute (DevTools' \"ignore this\n"
			     "retainer\"); repeatable", opt_ignore, NULL),
		OPT_COUNT("top", &o->top, "N", "path shapes shown for --class (default 10)"),
		OPT_FORMAT(&o->f, "text (default), json, csv or markdown"),
		OPT_BOOL("raw-sizes", &o->raw, "the file's shallow sizes (no DevTools re-attribution)"),
		OPT_END()
	};
	int rc;

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc;
	if (argc - optind != 1)
		return usage_error("retainers", "expected one FILE, got %d", argc - optind);
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
	rc = o.have_id ? by_id(&a, dist ? dist : a.distance, &o, target)
		       : by_class(&a, parent ? parent : a.parent_edge, &o);
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
