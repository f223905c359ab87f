/* Triage sections of `hsnap summary`: detached DOM, duplicate strings and
 * leak suspects (Eclipse MAT style). */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "hsnap/paths.h"
#include "vec.h"

/* ---- detached DOM ------------------------------------------------------------ */

struct dclass { uint32_t cls; uint64_t count, retained; uint32_t *nodes, n, alloc; };

static int dclass_cmp(const void *x, const void *y)
{
	const struct dclass *a = x, *b = y;
	if (a->retained != b->retained)
		return a->retained > b->retained ? -1 : 1;
	return a->count > b->count ? -1 : a->count < b->count;
}

void triage_detached(const struct hs_analysis *a, enum fmt f, yajl_gen g, uint32_t top)
{
	const struct hs_snapshot *s = a->s;
	const struct hs_classes *c = &a->classes;
	struct dclass *v = NULL;
	uint32_t nv = 0, k, x, *slot;
	uint64_t total = 0, count = 0, *members, *outer;

	HS_ALLOC_ARRAY(slot, c->names.count ? c->names.count : 1);
	for (k = 0; k < c->names.count; k++)
		slot[k] = UINT32_MAX;
	for (x = 0; x < s->node_count; x++) {
		uint32_t cls = c->class_of[x];
		struct dclass *d;
		/* "Node / ..." natives are Node.js's own C++ objects (BindingData,
		 * AliasedBuffers), which Node marks detached: not DOM */
		if (s->node_type[x] != s->t.native || !a->self_size[x] ||
		    strncmp(hs_class_name(c, cls), "Detached ", 9) || !strncmp(hs_node_name(s, x), "Node / ", 7))
			continue;
		if (slot[cls] == UINT32_MAX) {
			HS_REALLOC_ARRAY(v, (size_t)nv + 1);
			memset(&v[nv], 0, sizeof(v[nv]));
			v[nv].cls = cls;
			v[nv].retained = c->cls[cls].retained_size;
			slot[cls] = nv++;
		}
		d = &v[slot[cls]];
		HS_GROW(d->nodes, d->n, d->alloc);
		d->nodes[d->n++] = x;
		d->count++;
		count++;
	}
	members = hs_bits_new(s->node_count);
	outer = hs_bits_new(s->node_count);
	{
		/* detached nodes nest (a detached <div> retains its children): the
		 * total counts each byte once */
		uint32_t i;
		for (k = 0; k < nv; k++)
			for (i = 0; i < v[k].n; i++)
				hs_bit_set(members, v[k].nodes[i]);
		hs_outermost_members(&a->dom, s->root, s->node_count, members, outer);
		for (x = 0; x < s->node_count; x++)
			if (hs_bit_get(outer, x))
				total += a->dom.retained[x];
		/* per class, for the path groups: no same-class ancestor */
		memset(outer, 0, sizeof(*outer) * ((s->node_count + 63) / 64 + 1));
		hs_outermost_by_class(&a->dom, s->root, s->node_count, members, c->class_of, c->names.count, outer);
	}
	hs_sort(v, nv, sizeof(*v), dclass_cmp);
	if (g) {
		json_key(g, "detached_dom");
		yajl_gen_map_open(g);
		json_kv_u64(g, "count", count);
		json_kv_u64(g, "retained_size", total);
		json_key(g, "classes");
		yajl_gen_array_open(g);
		for (k = 0; k < nv && k < top; k++) {
			struct hs_path_groups pg;
			yajl_gen_map_open(g);
			json_kv_str(g, "name", hs_class_name(c, v[k].cls));
			json_kv_u64(g, "count", v[k].count);
			json_kv_u64(g, "retained_size", v[k].retained);
			if (a->parent_edge) {
				hs_merge_paths_top(&pg, a, a->parent_edge, v[k].nodes, v[k].n, outer, 16, 2);
				json_key(g, "paths");
				print_path_groups(a, &pg, 2, FMT_JSON, g, 0);
				hs_path_groups_release(&pg);
			}
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	} else if (nv) {
		static const char *const head[] = { "Class", "Count", "Retained" };
		struct table t;
		char b1[32], b2[32];
		printf(f == FMT_MD ? "\n### Detached DOM: %s nodes, %s retained\n\n" : "\nDetached DOM: %s nodes, %s retained\n",
		       group_digits(count, b1, sizeof(b1)), human_size(total, b2, sizeof(b2)));
		table_init(&t, 3, head, "lrr");
		for (k = 0; k < nv && k < top; k++) {
			const char *cells[3];
			char cn[32], re[32];
			cells[0] = hs_class_name(c, v[k].cls);
			cells[1] = group_digits(v[k].count, cn, sizeof(cn));
			cells[2] = human_size(v[k].retained, re, sizeof(re));
			table_row(&t, cells);
		}
		table_print(&t, f, f == FMT_TEXT ? 2 : 0);
		table_release(&t);
		for (k = 0; k < nv && k < 3 && a->parent_edge; k++) {
			struct hs_path_groups pg;
			hs_merge_paths_top(&pg, a, a->parent_edge, v[k].nodes, v[k].n, outer, 16, 2);
			printf(f == FMT_MD ? "\nWhy %s is alive:\n\n" : "\n  Why %s is alive:\n", hs_class_name(c, v[k].cls));
			print_path_groups(a, &pg, 2, f, NULL, 2);
			hs_path_groups_release(&pg);
		}
	}
	for (k = 0; k < nv; k++)
		free(v[k].nodes);
	free(v);
	free(slot);
	free(members);
	free(outer);
}

/* ---- duplicate strings -------------------------------------------------------- */

struct dup { uint32_t str; uint64_t count, size, wasted; };
typedef char holder_text[160];

static int dup_cmp(const void *x, const void *y)
{
	const struct dup *a = x, *b = y;
	if (a->wasted != b->wasted)
		return a->wasted > b->wasted ? -1 : 1;
	return a->str < b->str ? -1 : a->str > b->str;
}

static int str_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

/* The most common "Class.edge" holding the copies of string `str`. */
static void holder_of(const struct hs_analysis *a, const uint32_t *nodes, uint32_t n, char *out, size_t len)
{
	const struct hs_snapshot *s = a->s;
	char **keys, eb[128];
	uint32_t i, m = 0, best = 0, run = 0;

	out[0] = '\0';
	if (!a->parent_edge)
		return;
	HS_ALLOC_ARRAY(keys, n ? n : 1);
	for (i = 0; i < n; i++) {
		uint32_t e = a->parent_edge[nodes[i]];
		char buf[300];
		size_t l;
		if (e == HS_NO_EDGE)
			continue;
		snprintf(buf, sizeof(buf), "%s %s", hs_path_node_name(a, hs_edge_source(s, e)),
			 hs_edge_label(s, e, 1, eb, sizeof(eb)));
		l = strlen(buf);
		keys[m] = hs_xmalloc(l + 1);
		memcpy(keys[m++], buf, l + 1);
	}
	hs_sort(keys, m, sizeof(*keys), str_cmp);
	for (i = 0; i < m; i++) {
		run = i && !strcmp(keys[i], keys[i - 1]) ? run + 1 : 1;
		if (run > best) {
			best = run;
			snprintf(out, len, "%s (%u)", keys[i], run);
		}
	}
	for (i = 0; i < m; i++)
		free(keys[i]);
	free(keys);
}

void triage_duplicates(const struct hs_analysis *a, enum fmt f, yajl_gen g, uint32_t top)
{
	const struct hs_snapshot *s = a->s;
	uint32_t ns = s->strings.count, x, k, nd = 0, nd_alloc = 0, *count, *slot, **nodes, *nn;
	uint64_t *size, wasted_all = 0;
	struct dup *d = NULL;
	holder_text *holder;

	HS_CALLOC_ARRAY(count, ns ? ns : 1);
	HS_CALLOC_ARRAY(size, ns ? ns : 1);
	for (x = 0; x < s->node_count; x++)
		if (s->node_type[x] == s->t.string && s->self_size[x]) {
			count[s->node_name[x]]++;
			size[s->node_name[x]] += s->self_size[x];
		}
	for (k = 0; k < ns; k++)
		if (count[k] > 1) {
			HS_GROW(d, nd, nd_alloc);
			memset(&d[nd], 0, sizeof(d[nd]));
			d[nd].str = k;
			d[nd].count = count[k];
			d[nd].size = size[k];
			d[nd].wasted = size[k] - size[k] / count[k];
			wasted_all += d[nd].wasted;
			nd++;
		}
	hs_sort(d, nd, sizeof(*d), dup_cmp);
	if (nd > top)
		nd = top;
	/* nodes of the shown strings, for their holders */
	HS_ALLOC_ARRAY(slot, ns ? ns : 1);
	for (k = 0; k < ns; k++)
		slot[k] = UINT32_MAX;
	HS_CALLOC_ARRAY(nodes, nd ? nd : 1);
	HS_CALLOC_ARRAY(nn, nd ? nd : 1);
	for (k = 0; k < nd; k++) {
		slot[d[k].str] = k;
		HS_ALLOC_ARRAY(nodes[k], d[k].count);
	}
	for (x = 0; x < s->node_count; x++)
		if (s->node_type[x] == s->t.string && s->self_size[x] && slot[s->node_name[x]] != UINT32_MAX) {
			k = slot[s->node_name[x]];
			nodes[k][nn[k]++] = x;
		}
	HS_CALLOC_ARRAY(holder, nd ? nd : 1);
	for (k = 0; k < nd; k++)
		holder_of(a, nodes[k], nn[k], holder[k], sizeof(holder[k]));
	if (g) {
		json_key(g, "duplicate_strings");
		yajl_gen_map_open(g);
		json_kv_u64(g, "wasted_size", wasted_all);
		json_key(g, "strings");
		yajl_gen_array_open(g);
		for (k = 0; k < nd; k++) {
			yajl_gen_map_open(g);
			json_key(g, "text");
			yajl_gen_string(g, (const unsigned char *)hs_str(&s->strings, d[k].str), hs_strlen(&s->strings, d[k].str));
			json_kv_u64(g, "count", d[k].count);
			json_kv_u64(g, "self_size", d[k].size);
			json_kv_u64(g, "wasted_size", d[k].wasted);
			json_kv_str(g, "held_by", holder[k]);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	} else if (nd) {
		static const char *const head[] = { "String", "Copies", "Size", "Wasted", "Mostly held by" };
		struct table t;
		char b1[32];
		printf(f == FMT_MD ? "\n### Duplicate strings: %s wasted\n\n" : "\nDuplicate strings: %s wasted\n",
		       human_size(wasted_all, b1, sizeof(b1)));
		table_init(&t, 5, head, "lrrrl");
		for (k = 0; k < nd; k++) {
			const char *cells[5], *txt = hs_str(&s->strings, d[k].str);
			char q[80], cn[32], sz[32], ws[32];
			size_t i, o = 0;
			q[o++] = '"';
			for (i = 0; txt[i] && o < 50; i++)
				q[o++] = (txt[i] == '\n' || txt[i] == '\t' || txt[i] == '\r') ? ' ' : txt[i];
			while (o > 1 && ((unsigned char)q[o - 1] & 0xc0) == 0x80)
				o--; /* do not cut a UTF-8 sequence */
			if (o > 1 && ((unsigned char)q[o - 1] & 0xc0) == 0xc0)
				o--;
			if (txt[i])
				o += (size_t)snprintf(q + o, sizeof(q) - o, "…");
			q[o++] = '"';
			q[o] = '\0';
			cells[0] = q;
			cells[1] = group_digits(d[k].count, cn, sizeof(cn));
			cells[2] = human_size(d[k].size, sz, sizeof(sz));
			cells[3] = human_size(d[k].wasted, ws, sizeof(ws));
			cells[4] = holder[k];
			table_row(&t, cells);
		}
		table_print(&t, f, f == FMT_TEXT ? 2 : 0);
		table_release(&t);
	}
	for (k = 0; k < nd; k++)
		free(nodes[k]);
	free(nodes);
	free(nn);
	free(slot);
	free(d);
	free(holder);
	free(count);
	free(size);
}

/* ---- leak suspects ---------------------------------------------------------------- */

static int internal_class(const char *name)
{
	return name[0] == '(' || !strncmp(name, "system / ", 9);
}

/* Eclipse MAT's accumulation point: go down the dominator tree while one
 * child still holds at least 80% of the suspect's retained size. */
static uint32_t accumulation_point(const struct hs_analysis *a, uint32_t x)
{
	const struct hs_dominators *d = &a->dom;
	uint64_t want = d->retained[x] / 10 * 8;
	uint32_t steps;

	/* at most node_count steps down: a cycle (hostile index) cannot hang */
	for (steps = 0; steps < a->s->node_count; steps++) {
		uint32_t k, best = UINT32_MAX;
		for (k = d->dom_first[x]; k < d->dom_first[x + 1]; k++)
			if (best == UINT32_MAX || d->retained[d->dom_children[k]] > d->retained[best])
				best = d->dom_children[k];
		if (best == UINT32_MAX || d->retained[best] < want)
			return x;
		x = best;
	}
	return x;
}

static const struct hs_classes *g_cls;

static int cls_ret_cmp(const void *x, const void *y)
{
	uint64_t a = g_cls->cls[*(const uint32_t *)x].retained_size, b = g_cls->cls[*(const uint32_t *)y].retained_size;
	if (a != b)
		return a > b ? -1 : 1;
	return strcmp(hs_class_name(g_cls, *(const uint32_t *)x), hs_class_name(g_cls, *(const uint32_t *)y));
}

/* The dominator-tree path from `top` down to `ap` as [{class}, {edge, class}...]
 * (at most 16 steps, the ones nearest ap); edge: the first non-weak edge from
 * the dominator to the object, "" when the dominator holds it only indirectly. */
static void dominator_path_json(yajl_gen g, const struct hs_analysis *a, uint32_t top, uint32_t ap)
{
	const struct hs_snapshot *s = a->s;
	uint32_t chain[17], n = 0, x = ap, i;

	while (x != top && n < 16 && x != s->root) {
		chain[n++] = x;
		x = a->dom.idom[x];
	}
	chain[n++] = x;
	yajl_gen_array_open(g);
	for (i = n; i-- > 0;) {
		yajl_gen_map_open(g);
		if (i != n - 1) {
			uint32_t d = chain[i + 1], e;
			char eb[160] = "";
			for (e = hs_edge_begin(s, d); e < hs_edge_end(s, d); e++)
				if (s->edge_to[e] == chain[i] && s->edge_type[e] != s->t.e_weak) {
					hs_edge_label(s, e, 0, eb, sizeof(eb));
					break;
				}
			json_kv_str(g, "edge", eb);
		}
		json_kv_str(g, "class", hs_path_node_name(a, chain[i]));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

void triage_suspects(const struct hs_analysis *a, enum fmt f, yajl_gen g, double pct)
{
	const struct hs_snapshot *s = a->s;
	const struct hs_classes *c = &a->classes;
	uint64_t limit = (uint64_t)((double)a->stats.total * pct / 100.0);
	uint32_t x, k, *obj = NULL, no = 0, *cl = NULL, nc = 0, i;
	char b1[200], b2[32], b3[32], b4[200];

	/* suspect classes, largest first */
	for (k = 0; k < c->names.count; k++) {
		if (!c->cls[k].count || c->cls[k].retained_size < limit || internal_class(hs_class_name(c, k)))
			continue;
		HS_REALLOC_ARRAY(cl, (size_t)nc + 1);
		cl[nc++] = k;
	}
	g_cls = c;
	hs_sort(cl, nc, sizeof(*cl), cls_ret_cmp);

	for (x = 0; x < s->node_count; x++) {
		uint32_t dm = a->dom.idom[x];
		if (x == s->root || s->node_type[x] == s->t.synthetic || a->dom.retained[x] < limit ||
		    (dm != s->root && s->node_type[dm] != s->t.synthetic))
			continue;
		HS_REALLOC_ARRAY(obj, (size_t)no + 1);
		obj[no++] = x;
	}
	if (g) {
		json_key(g, "suspects");
		yajl_gen_map_open(g);
		json_key(g, "threshold_percent");
		json_num(g, pct);
		json_key(g, "objects");
		yajl_gen_array_open(g);
		for (k = 0; k < no; k++) {
			uint32_t ap = accumulation_point(a, obj[k]);
			char lb[400];
			yajl_gen_map_open(g);
			json_kv_u64(g, "id", hs_node_id(s, obj[k]));
			json_kv_str(g, "class", hs_class_name(c, c->class_of[obj[k]]));
			json_kv_str(g, "label", node_label(a, obj[k], lb, sizeof(lb)));
			json_kv_u64(g, "retained_size", a->dom.retained[obj[k]]);
			json_key(g, "accumulation_point");
			yajl_gen_map_open(g);
			json_kv_u64(g, "id", hs_node_id(s, ap));
			json_kv_str(g, "class", hs_class_name(c, c->class_of[ap]));
			json_kv_str(g, "label", node_label(a, ap, lb, sizeof(lb)));
			json_kv_u64(g, "retained_size", a->dom.retained[ap]);
			yajl_gen_map_close(g);
			json_key(g, "path");
			dominator_path_json(g, a, obj[k], ap);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		json_key(g, "classes");
		yajl_gen_array_open(g);
		for (i = 0; i < nc; i++) {
			k = cl[i];
			yajl_gen_map_open(g);
			json_kv_str(g, "name", hs_class_name(c, k));
			json_kv_u64(g, "count", c->cls[k].count);
			json_kv_u64(g, "retained_size", c->cls[k].retained_size);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
		free(obj);
		free(cl);
		return;
	}
	printf(f == FMT_MD ? "\n### Leak suspects (retaining at least %g%% of the heap)\n\n"
			   : "\nLeak suspects (retaining at least %g%% of the heap)\n", pct);
	for (k = 0; k < no; k++) {
		uint32_t ap = accumulation_point(a, obj[k]);
		printf(f == FMT_MD ? "- object %s retains %s (%s)" : "  object %s retains %s (%s)",
		       node_label(a, obj[k], b1, sizeof(b1)), human_size(a->dom.retained[obj[k]], b2, sizeof(b2)),
		       percent(a->dom.retained[obj[k]], a->stats.total, b3, sizeof(b3)));
		if (ap != obj[k])
			printf("; accumulation point %s (%s)", node_label(a, ap, b4, sizeof(b4)),
			       human_size(a->dom.retained[ap], b2, sizeof(b2)));
		printf("\n");
	}
	for (i = 0; i < nc; i++) {
		k = cl[i];
		printf(f == FMT_MD ? "- class %s: %s object%s retain%s %s (%s)\n" : "  class %s: %s object%s retain%s %s (%s)\n",
		       hs_class_name(c, k), group_digits(c->cls[k].count, b4, sizeof(b4)),
		       c->cls[k].count == 1 ? "" : "s", c->cls[k].count == 1 ? "s" : "",
		       human_size(c->cls[k].retained_size, b2, sizeof(b2)),
		       percent(c->cls[k].retained_size, a->stats.total, b3, sizeof(b3)));
	}
	free(obj);
	free(cl);
}

/* ---- closures by function ------------------------------------------------------- */

/* Closures of one function: same name and source location (a listener added
 * per connection shows up as hundreds of closures of one function). */
struct clo { uint32_t name, line, column, node; uint64_t script; };
struct fgroup { uint32_t first, count; uint64_t self, retained; };

static int clo_cmp(const void *x, const void *y)
{
	const struct clo *a = x, *b = y;
	if (a->name != b->name) return a->name < b->name ? -1 : 1;
	if (a->script != b->script) return a->script < b->script ? -1 : 1;
	if (a->line != b->line) return a->line < b->line ? -1 : 1;
	if (a->column != b->column) return a->column < b->column ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

static int fgroup_cmp(const void *x, const void *y)
{
	const struct fgroup *a = x, *b = y;
	if (a->count != b->count) return a->count > b->count ? -1 : 1;
	if (a->retained != b->retained) return a->retained > b->retained ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

void triage_closures(const struct hs_analysis *a, enum fmt f, yajl_gen g, uint32_t top)
{
	const struct hs_snapshot *s = a->s;
	struct clo *v = NULL;
	struct fgroup *grp = NULL;
	size_t nv = 0, alloc = 0, i, j, ng = 0, galloc = 0, shown;
	uint64_t *members, *outer, hidden = 0;
	uint32_t *gid, x;

	if (f == FMT_CSV)
		return;
	for (x = 0; x < s->node_count && s->t.closure != HS_NO_TYPE; x++) {
		const struct hs_location *loc;
		if (s->node_type[x] != s->t.closure)
			continue;
		loc = hs_snapshot_location(s, x);
		/* the program's own functions: not builtins (no location) nor
		 * Node's own JavaScript (node:internal/...) */
		if (!loc || (loc->script_node != UINT32_MAX && !strncmp(hs_node_name(s, loc->script_node), "node:", 5))) {
			hidden++;
			continue;
		}
		HS_GROW(v, nv, alloc);
		v[nv].name = s->node_name[x];
		v[nv].node = x;
		v[nv].line = loc ? loc->line : UINT32_MAX;
		v[nv].column = loc ? loc->column : UINT32_MAX;
		v[nv].script = !loc ? UINT64_MAX
			     : loc->script_node != UINT32_MAX ? loc->script_node
							      : ((uint64_t)1 << 32) | loc->script_id;
		nv++;
	}
	hs_sort(v, nv, sizeof(*v), clo_cmp);
	HS_CALLOC_ARRAY(gid, s->node_count);
	members = hs_bits_new(s->node_count);
	outer = hs_bits_new(s->node_count);
	for (i = 0; i < nv; i = j) {
		for (j = i + 1; j < nv && v[j].name == v[i].name && v[j].script == v[i].script &&
				v[j].line == v[i].line && v[j].column == v[i].column; j++)
			;
		HS_GROW(grp, ng, galloc);
		grp[ng].first = (uint32_t)i;
		grp[ng].count = (uint32_t)(j - i);
		grp[ng].self = grp[ng].retained = 0;
		for (; i < j; i++) {
			gid[v[i].node] = (uint32_t)ng;
			hs_bit_set(members, v[i].node);
			grp[ng].self += a->self_size[v[i].node];
		}
		ng++;
	}
	/* a closure can keep others of its function alive: count those once */
	hs_outermost_by_class(&a->dom, s->root, s->node_count, members, gid, (uint32_t)(ng ? ng : 1), outer);
	for (i = 0; i < nv; i++)
		if (hs_bit_get(outer, v[i].node))
			grp[gid[v[i].node]].retained += a->dom.retained[v[i].node];
	hs_sort(grp, ng, sizeof(*grp), fgroup_cmp);
	shown = ng < top ? ng : top;
	if (g) {
		json_kv_u64(g, "closures_hidden", hidden);
		json_key(g, "closures_by_function");
		yajl_gen_array_open(g);
		for (i = 0; i < shown; i++) {
			uint32_t n = v[grp[i].first].node;
			yajl_gen_map_open(g);
			json_kv_str(g, "name", hs_node_name(s, n));
			json_location(g, s, n);
			json_kv_u64(g, "count", grp[i].count);
			json_kv_u64(g, "self_size", grp[i].self);
			json_kv_u64(g, "retained_size", grp[i].retained);
			json_kv_u64(g, "example_id", hs_node_id(s, n));
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
	} else if (shown) {
		static const char *const head[] = { "Function", "Closures", "Shallow", "Retained" };
		struct table t;
		char b1[32];
		char b2[32];
		printf(f == FMT_MD ? "\n### Closures by function: %s functions; top %zu by count\n\n"
				   : "\nClosures by function: %s functions; top %zu by count\n",
		       group_digits(ng, b1, sizeof(b1)), shown);
		printf(f == FMT_MD ? "Not counted: %s closures of builtins and of Node's own code (node:…).\n\n"
				   : "  (not counted: %s closures of builtins and of Node's own code, node:…)\n",
		       group_digits(hidden, b2, sizeof(b2)));
		table_init(&t, 4, head, "lrrr");
		for (i = 0; i < shown; i++) {
			const char *cells[4];
			char lb[320], cn[32], sh[32], re[32];
			cells[0] = function_label(s, v[grp[i].first].node, lb, sizeof(lb));
			cells[1] = group_digits(grp[i].count, cn, sizeof(cn));
			cells[2] = human_size(grp[i].self, sh, sizeof(sh));
			cells[3] = human_size(grp[i].retained, re, sizeof(re));
			table_row(&t, cells);
		}
		table_print(&t, f, f == FMT_TEXT ? 2 : 0);
		table_release(&t);
	}
	free(v);
	free(grp);
	free(gid);
	free(members);
	free(outer);
}
