/* hsnap top: the largest objects and what they retain (dominator subtree). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "output.h"
#include "hsnap/paths.h"
#include "alloc.h"
#include "sort.h"

static const struct cmd_doc help_doc = {
	.name = "top",
	.usage = (const char *const[]){ "hsnap top [options] FILE", NULL },
	.description =
		"The largest objects by retained size, each with the objects it retains:\n"
		"its subtree in the dominator tree (what would be freed with it), largest\n"
		"first, to a given depth.  Top-level objects are those directly under the\n"
		"GC roots in the dominator tree.  Each child shows the edge from its\n"
		"dominator when there is one (.prop, [index], ->context, {internal}).\n",
	.operands = "<file>",
};

struct frame {
	uint32_t node, *kids, *edge, nkids, next;
};

static int keep_top(const void *ctx, uint32_t n)
{
	const struct hs_analysis *a = ctx;
	const struct hs_snapshot *s = a->s;
	uint32_t d = a->dom.idom[n];
	return n != s->root && s->node_type[n] != s->t.synthetic &&
	       (d == s->root || s->node_type[d] == s->t.synthetic);
}

struct kid { uint32_t node, slot; };

static int kid_cmp(const void *x, const void *y)
{
	const struct kid *a = x, *b = y;
	return a->node < b->node ? -1 : a->node > b->node;
}

/* The edge shown for each kid: the first non-weak edge parent -> kid, or
 * HS_NO_EDGE.  One pass over the parent's edges, each target looked up among
 * the kids sorted by ordinal: O(edges log K + K log K), not a scan of the
 * edges per kid (K = 30,000 kids of a 1 M-element array were 3 * 10^10 steps). */
static void kid_edges(struct frame *fr, const struct hs_analysis *a)
{
	const struct hs_snapshot *s = a->s;
	uint32_t i, e, left = fr->nkids;
	struct kid *k;

	for (i = 0; i < fr->nkids; i++)
		fr->edge[i] = HS_NO_EDGE;
	if (!fr->nkids)
		return;
	HS_ALLOC_ARRAY(k, fr->nkids);
	for (i = 0; i < fr->nkids; i++) {
		k[i].node = fr->kids[i];
		k[i].slot = i;
	}
	hs_sort(k, fr->nkids, sizeof(*k), kid_cmp);
	for (e = hs_edge_begin(s, fr->node); e < hs_edge_end(s, fr->node) && left; e++) {
		uint32_t to = s->edge_to[e], lo = 0, hi = fr->nkids;
		if (s->edge_type[e] == s->t.e_weak)
			continue;
		while (lo < hi) {
			uint32_t mid = lo + (hi - lo) / 2;
			if (k[mid].node < to)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < fr->nkids && k[lo].node == to && fr->edge[k[lo].slot] == HS_NO_EDGE) {
			fr->edge[k[lo].slot] = e;
			left--;
		}
	}
	free(k);
}

/* The k largest dominated children of n (none asked: nothing is read). */
static void frame_init(struct frame *fr, const struct hs_analysis *a, uint32_t n, uint32_t k)
{
	const struct hs_dominators *d = &a->dom;
	uint32_t from = d->dom_first[n], cnt = d->dom_first[n + 1] - from, i;
	uint64_t *key;
	uint32_t *idx;

	fr->node = n;
	fr->next = 0;
	fr->nkids = 0;
	fr->kids = fr->edge = NULL;
	if (!k || !cnt)
		return;
	if (k > cnt)
		k = cnt;
	HS_ALLOC_ARRAY(fr->kids, k);
	HS_ALLOC_ARRAY(fr->edge, k);
	HS_ALLOC_ARRAY(key, cnt);
	HS_ALLOC_ARRAY(idx, k);
	for (i = 0; i < cnt; i++)
		key[i] = d->retained[d->dom_children[from + i]];
	fr->nkids = top_k(key, cnt, NULL, NULL, k, idx);
	for (i = 0; i < fr->nkids; i++)
		fr->kids[i] = d->dom_children[from + idx[i]];
	free(key);
	free(idx);
	kid_edges(fr, a);
}

static const struct out_col top_cols[] = {
	{ "Retained", NULL, 'r', OUT_PLAIN },
	{ "Shallow", NULL, 'r', OUT_PLAIN },
	{ "%", NULL, 'r', OUT_PLAIN },
	{ "Object", NULL, 'l', OUT_PLAIN },
	{ "depth", "depth", 'r', OUT_DOC | OUT_FLAT },
	{ "edge", "edge", 'l', OUT_DOC | OUT_DATA },
	{ "id", "id", 'r', OUT_DOC | OUT_DATA },
	{ "class", "class", 'l', OUT_DOC | OUT_FLAT },
	{ NULL, "name", 'l', OUT_TREE },
	{ "type", "type", 'l', OUT_DOC | OUT_DATA },
	{ NULL, "class", 'l', OUT_TREE },
	{ "self_size", "self_size", 'r', OUT_DOC | OUT_DATA },
	{ "retained_size", "retained_size", 'r', OUT_DOC | OUT_DATA },
	{ "percent", "percent", 'r', OUT_DOC | OUT_FLAT },
};
static const struct out_table top_table = {
	.key = "top", OUT_COLS(top_cols), .plain_layout = "%12s %10s  %6s  %s"
};

/* edge: the edge from the dominator (HS_NO_EDGE: none to show); has_parent:
 * n is a child row (JSON then has an "edge" key, "" when there is no edge).
 * The row stays open for its children (emit_end closes it). */
static void emit_node(struct out *o, const struct hs_analysis *a, uint32_t n, uint32_t edge,
		      int depth, int has_parent)
{
	const struct hs_snapshot *s = a->s;
	const char *cls = hs_class_name(&a->classes, a->classes.class_of[n]);
	char lb[160], eb[100], obj[400];

	eb[0] = '\0';
	if (has_parent && edge != HS_NO_EDGE)
		hs_edge_label(s, edge, 0, eb, sizeof(eb));
	snprintf(obj, sizeof(obj), "%*s%s%s%s", indent_cols(depth), "", eb, *eb ? " " : "",
		 node_label(a, n, lb, sizeof(lb)));
	{
		struct out_val v[14] = {
			ov_bytes(a->dom.retained[n]), ov_bytes(hs_shallow_size(a, n)),
			ov_percent(a->dom.retained[n], a->stats.total), ov_str(obj),
			ov_uint((uint64_t)depth), has_parent ? ov_str(eb) : ov_none(),
			ov_uint(hs_node_id(s, n)), ov_str(cls), ov_str(hs_node_name(s, n)),
			ov_str(hs_node_type_name(s, n)), ov_str(cls),
			ov_uint(hs_shallow_size(a, n)), ov_uint(a->dom.retained[n]),
			ov_percent(a->dom.retained[n], a->stats.total),
		};
		out_row_open(o, v);
	}
	out_location(o, s, n);
	out_list_begin(o, "children");
}

static void emit_end(struct out *o)
{
	out_list_end(o);
	out_row_close(o);
}

/* Iterative DFS over the dominator tree below `root`, at most `depth` levels. */
static void walk(struct out *o, const struct hs_analysis *a, uint32_t root, long depth, long k)
{
	struct frame *st;
	long sp = 0;

	HS_ALLOC_ARRAY(st, (size_t)depth + 1);
	emit_node(o, a, root, HS_NO_EDGE, 0, 0);
	frame_init(&st[sp++], a, root, depth > 0 ? (uint32_t)k : 0);
	while (sp) {
		struct frame *fr = &st[sp - 1];
		if (fr->next < fr->nkids && sp <= depth) {
			uint32_t c = fr->kids[fr->next], e = fr->edge[fr->next++];
			emit_node(o, a, c, e, (int)sp, 1);
			frame_init(&st[sp], a, c, sp < depth ? (uint32_t)k : 0);
			sp++;
			continue;
		}
		emit_end(o);
		free(fr->kids);
		free(fr->edge);
		sp--;
	}
	free(st);
}

int cmd_top(int argc, char **argv)
{
	struct { enum fmt f; } o; /* --format */
	struct out *out;
	long ntop = 10, depth = 3, kids = 5;
	int rc, raw = 0;
	uint32_t *top, m, i;
	struct loaded ld;
	const char *file;
	struct hs_snapshot *s;
	struct hs_analysis a;
	const struct opt opts[] = {
		OPT_COUNT("top", &ntop, "N", "top-level objects to show (default 10)"),
		OPT_RANGE("depth", &depth, 0, 1000, "D", "levels of retained objects below each (default 3)"),
		OPT_COUNT("children", &kids, "K", "children shown per object (default 5)"),
		OPT_FORMAT(&o.f, "text (default), json (nested), csv or markdown (flat,\n"
			   "with a depth column)"),
		OPT_RAW_SIZES(&raw),
		OPT_END()
	};

	memset(&o, 0, sizeof(o));
	if ((rc = parse_one_file(&help_doc, opts, argc, argv, &file)))
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = load_analyzed(file, raw, 0, &ld, &a)))
		return rc;
	s = ld.s;
	HS_ALLOC_ARRAY(top, (size_t)ntop + 1);
	m = top_k(a.dom.retained, s->node_count, keep_top, &a, (uint32_t)ntop, top);
	out = out_open(o.f);
	out_kv_str(out, "file", s->file);
	out_kv_u64(out, "total_size", a.stats.total);
	{
		char b[32];
		out_say(out, "%s: total size %s\n\n", OUT_SKIP, s->file, human_size(a.stats.total, b, sizeof(b)));
	}
	out_table_begin(out, &top_table);
	for (i = 0; i < m; i++)
		walk(out, &a, top[i], depth, kids);
	out_table_end(out);
	out_close(out);
	free(top);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
