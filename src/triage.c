/* Triage of one snapshot (triage.h): detached DOM, duplicate strings, leak
 * suspects and closures grouped by function. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/paths.h"
#include "hsnap/triage.h"
#include "alloc.h"
#include "sort.h"
#include "hsnap/topk.h"

/* ---- detached DOM ------------------------------------------------------------ */

static int dclass_cmp(const void *x, const void *y)
{
	const struct hs_detached_class *a = x, *b = y;
	if (a->retained != b->retained)
		return a->retained > b->retained ? -1 : 1;
	return a->count > b->count ? -1 : a->count < b->count;
}

static int is_detached(const struct hs_analysis *a, uint32_t x)
{
	const struct hs_snapshot *s = a->s;
	/* "Node / ..." natives are Node.js's own C++ objects (BindingData,
	 * AliasedBuffers), which Node marks detached: not DOM */
	return s->node_type[x] == s->t.native && hs_shallow_size(a, x) &&
	       !strncmp(hs_class_name(&a->classes, a->classes.class_of[x]), "Detached ", 9) &&
	       strncmp(hs_node_name(s, x), "Node / ", 7);
}

static void detached_group(struct hs_detached *d, const struct hs_analysis *a)
{
	const struct hs_classes *c = &a->classes;
	uint32_t k, x, *slot;

	HS_ALLOC_ARRAY(slot, c->names.count ? c->names.count : 1);
	for (k = 0; k < c->names.count; k++)
		slot[k] = UINT32_MAX;
	for (x = 0; x < a->s->node_count; x++) {
		uint32_t cls = c->class_of[x];
		struct hs_detached_class *v;
		if (!is_detached(a, x))
			continue;
		if (slot[cls] == UINT32_MAX) {
			HS_REALLOC_ARRAY(d->v, (size_t)d->n + 1);
			memset(&d->v[d->n], 0, sizeof(d->v[d->n]));
			d->v[d->n].cls = cls;
			d->v[d->n].retained = c->cls[cls].retained_size;
			slot[cls] = d->n++;
		}
		v = &d->v[slot[cls]];
		HS_GROW(v->nodes, v->n, v->alloc);
		v->nodes[v->n++] = x;
		v->count++;
		d->count++;
	}
	free(slot);
}

void hs_detached_find(struct hs_detached *d, const struct hs_analysis *a)
{
	const struct hs_snapshot *s = a->s;
	uint64_t *members, *outer;
	uint32_t k, i, x;

	memset(d, 0, sizeof(*d));
	detached_group(d, a);
	members = hs_bits_new(s->node_count);
	outer = hs_bits_new(s->node_count);
	/* detached nodes nest (a detached <div> retains its children): the
	 * total counts each byte once */
	for (k = 0; k < d->n; k++)
		for (i = 0; i < d->v[k].n; i++)
			hs_bit_set(members, d->v[k].nodes[i]);
	hs_outermost_members(&a->dom, s->root, s->node_count, members, outer);
	for (x = 0; x < s->node_count; x++)
		if (hs_bit_get(outer, x))
			d->retained += a->dom.retained[x];
	/* per class, for the path groups: no same-class ancestor */
	memset(outer, 0, sizeof(*outer) * ((s->node_count + 63) / 64 + 1));
	hs_outermost_by_class(&a->dom, s->root, s->node_count, members, a->classes.class_of,
			      a->classes.names.count, outer);
	d->outer = outer;
	free(members);
	hs_sort(d->v, d->n, sizeof(*d->v), dclass_cmp);
}

void hs_detached_release(struct hs_detached *d)
{
	HS_FREE_EACH(d->v, d->n, nodes);
	HS_RELEASE(d, d->v, d->outer);
}

/* ---- duplicate strings -------------------------------------------------------- */

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

static int counted_string(const struct hs_snapshot *s, uint32_t x)
{
	return s->node_type[x] == s->t.string && hs_self_size(s, x);
}

static int dup_keep(const void *count, uint32_t k)
{
	return ((const uint32_t *)count)[k] > 1;
}

/* The top texts with more than one copy, into d->v, by wasted size, then
 * string index (hs_top_k's order); d->wasted: of all of them. */
static void dup_texts(struct hs_duplicates *d, const struct hs_snapshot *s, uint32_t top)
{
	uint32_t ns = s->strings.count, x, k, n, *count, *pick;
	uint64_t *size, *wasted;

	HS_CALLOC_ARRAY(count, ns ? ns : 1);
	HS_CALLOC_ARRAY(size, ns ? ns : 1);
	for (x = 0; x < s->node_count; x++)
		if (counted_string(s, x)) {
			count[s->node_name[x]]++;
			size[s->node_name[x]] += hs_self_size(s, x);
		}
	HS_ALLOC_ARRAY(wasted, ns ? ns : 1);
	for (k = 0; k < ns; k++) {
		wasted[k] = count[k] > 1 ? size[k] - size[k] / count[k] : 0;
		d->wasted += wasted[k];
	}
	if (top > ns) /* --strings N may be far beyond the texts there are */
		top = ns;
	HS_ALLOC_ARRAY(pick, top ? top : 1);
	n = hs_top_k(wasted, ns, dup_keep, count, top, pick);
	HS_CALLOC_ARRAY(d->v, n ? n : 1);
	for (k = 0; k < n; k++) {
		struct hs_dup_string *v = &d->v[k];
		v->str = pick[k];
		v->count = count[pick[k]];
		v->size = size[pick[k]];
		v->wasted = wasted[pick[k]];
	}
	d->n = n;
	free(pick);
	free(wasted);
	free(count);
	free(size);
}

/* The holders of the texts in d->v, from their nodes. */
static void dup_holders(struct hs_duplicates *d, const struct hs_analysis *a)
{
	const struct hs_snapshot *s = a->s;
	uint32_t ns = s->strings.count, x, k, *slot, **nodes, *nn;

	HS_ALLOC_ARRAY(slot, ns ? ns : 1);
	for (k = 0; k < ns; k++)
		slot[k] = UINT32_MAX;
	HS_CALLOC_ARRAY(nodes, d->n ? d->n : 1);
	HS_CALLOC_ARRAY(nn, d->n ? d->n : 1);
	for (k = 0; k < d->n; k++) {
		slot[d->v[k].str] = k;
		HS_ALLOC_ARRAY(nodes[k], d->v[k].count);
	}
	for (x = 0; x < s->node_count; x++)
		if (counted_string(s, x) && slot[s->node_name[x]] != UINT32_MAX) {
			k = slot[s->node_name[x]];
			nodes[k][nn[k]++] = x;
		}
	for (k = 0; k < d->n; k++) {
		holder_of(a, nodes[k], nn[k], d->v[k].held_by, sizeof(d->v[k].held_by));
		free(nodes[k]);
	}
	free(nodes);
	free(nn);
	free(slot);
}

void hs_duplicates_find(struct hs_duplicates *d, const struct hs_analysis *a, uint32_t top)
{
	memset(d, 0, sizeof(*d));
	dup_texts(d, a->s, top);
	dup_holders(d, a);
}

void hs_duplicates_release(struct hs_duplicates *d)
{
	HS_RELEASE(d, d->v);
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

void hs_suspects_find(struct hs_suspects *r, const struct hs_analysis *a, double pct)
{
	const struct hs_snapshot *s = a->s;
	const struct hs_classes *c = &a->classes;
	uint64_t limit = (uint64_t)((double)a->stats.total * pct / 100.0);
	uint32_t x, k;

	memset(r, 0, sizeof(*r));
	/* suspect classes, largest first */
	for (k = 0; k < c->names.count; k++) {
		if (!c->cls[k].count || c->cls[k].retained_size < limit || internal_class(hs_class_name(c, k)))
			continue;
		HS_REALLOC_ARRAY(r->cls, (size_t)r->ncls + 1);
		r->cls[r->ncls++] = k;
	}
	g_cls = c;
	hs_sort(r->cls, r->ncls, sizeof(*r->cls), cls_ret_cmp);
	g_cls = NULL;
	for (x = 0; x < s->node_count; x++) {
		uint32_t dm = a->dom.idom[x];
		if (x == s->root || s->node_type[x] == s->t.synthetic || a->dom.retained[x] < limit ||
		    (dm != s->root && s->node_type[dm] != s->t.synthetic))
			continue;
		HS_REALLOC_ARRAY(r->obj, (size_t)r->nobj + 1);
		r->obj[r->nobj].node = x;
		r->obj[r->nobj++].ap = accumulation_point(a, x);
	}
}

void hs_suspects_release(struct hs_suspects *r)
{
	HS_RELEASE(r, r->obj, r->cls);
}

uint32_t hs_dominator_chain(const struct hs_analysis *a, uint32_t top, uint32_t ap, uint32_t chain[17])
{
	uint32_t n = 0, x = ap;

	while (x != top && n < 16 && x != a->s->root) {
		chain[n++] = x;
		x = a->dom.idom[x];
	}
	chain[n++] = x;
	return n;
}

uint32_t hs_edge_between(const struct hs_snapshot *s, uint32_t from, uint32_t to)
{
	uint32_t e;

	for (e = hs_edge_begin(s, from); e < hs_edge_end(s, from); e++)
		if (s->edge_to[e] == to && s->edge_type[e] != s->t.e_weak)
			return e;
	return UINT32_MAX;
}

/* ---- closures by function ------------------------------------------------------- */

/* Closures of one function: same name and source location (a listener added
 * per connection shows up as hundreds of closures of one function): an
 * hs_site_key (sort.h) each, the name as its group.  Groups: most closures
 * first. */
static int fgroup_cmp(const void *x, const void *y)
{
	const struct hs_fn_group *a = x, *b = y;
	if (a->count != b->count) return a->count > b->count ? -1 : 1;
	if (a->retained != b->retained) return a->retained > b->retained ? -1 : 1;
	return a->first < b->first ? -1 : a->first > b->first;
}

/* The program's own closures (not builtins, which have no location, nor
 * Node's own JavaScript, node:internal/...), sorted; *hidden: the others. */
static size_t program_closures(const struct hs_snapshot *s, struct hs_site_key **out, uint64_t *hidden)
{
	struct hs_site_key *v = NULL;
	size_t nv = 0, alloc = 0;
	uint32_t x;

	for (x = 0; x < s->node_count && s->t.closure != HS_NO_TYPE; x++) {
		const struct hs_location *loc;
		if (s->node_type[x] != s->t.closure)
			continue;
		loc = hs_snapshot_location(s, x);
		if (!loc || (loc->script_node != UINT32_MAX && !strncmp(hs_node_name(s, loc->script_node), "node:", 5))) {
			(*hidden)++;
			continue;
		}
		HS_GROW(v, nv, alloc);
		v[nv].group = s->node_name[x];
		v[nv].node = x;
		v[nv].line = loc->line;
		v[nv].column = loc->column;
		v[nv].script = loc->script_node != UINT32_MAX ? loc->script_node
							       : ((uint64_t)1 << 32) | loc->script_id;
		nv++;
	}
	hs_sort(v, nv, sizeof(*v), hs_cmp_site_key);
	*out = v;
	return nv;
}

void hs_closures_by_function(struct hs_closures *r, const struct hs_analysis *a)
{
	const struct hs_snapshot *s = a->s;
	struct hs_site_key *v;
	size_t nv, i, j, galloc = 0;
	uint64_t *members = hs_bits_new(s->node_count), *outer = hs_bits_new(s->node_count);
	uint32_t *gid;

	memset(r, 0, sizeof(*r));
	nv = program_closures(s, &v, &r->hidden);
	HS_CALLOC_ARRAY(gid, s->node_count);
	for (i = 0; i < nv; i = j) {
		struct hs_fn_group *g;
		for (j = i + 1; j < nv && hs_site_key_same(&v[j], &v[i]); j++)
			;
		HS_GROW(r->v, r->n, galloc);
		g = &r->v[r->n];
		g->node = v[i].node;
		g->first = (uint32_t)i;
		g->count = (uint32_t)(j - i);
		g->self = g->retained = 0;
		for (; i < j; i++) {
			gid[v[i].node] = (uint32_t)r->n;
			hs_bit_set(members, v[i].node);
			g->self += hs_shallow_size(a, v[i].node);
		}
		r->n++;
	}
	/* a closure can keep others of its function alive: count those once */
	hs_outermost_by_class(&a->dom, s->root, s->node_count, members, gid, (uint32_t)(r->n ? r->n : 1), outer);
	for (i = 0; i < nv; i++)
		if (hs_bit_get(outer, v[i].node))
			r->v[gid[v[i].node]].retained += a->dom.retained[v[i].node];
	hs_sort(r->v, r->n, sizeof(*r->v), fgroup_cmp);
	free(v);
	free(gid);
	free(members);
	free(outer);
}

void hs_closures_release(struct hs_closures *r)
{
	HS_RELEASE(r, r->v);
}
