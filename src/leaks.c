/* hsnap leaks A B C: the objects new in B that are still alive in C (leaks.h). */
#include <stdlib.h>
#include <string.h>
#include "hsnap/leaks.h"
#include "hsnap/paths.h"
#include "alloc.h"
#include "sort.h"

/* Sides are sorted by (key, hi) (diff.c), so merges compare both. */

static struct hs_wide_key okey_at(const struct hs_side *s, uint64_t i)
{
	struct hs_wide_key k = { s->objects[i], s->objects_hi ? s->objects_hi[i] : 0 };
	return k;
}

/* The sorted (class, id) keys of B's objects that A lacks: the objects
 * allocated between A and B.  Returns their number; *out (malloc) holds
 * those also in C, the leaked ones, *nout of them. */
static uint64_t new_in_b(const struct hs_side *a, const struct hs_side *b, const struct hs_side *c,
			 struct hs_wide_key **out, uint64_t *nout)
{
	uint64_t i = 0, j = 0, k = 0, n = 0, m = 0;

	HS_ALLOC_ARRAY(*out, b->nobjects ? b->nobjects : 1);
	for (j = 0; j < b->nobjects; j++) {
		struct hs_wide_key key = okey_at(b, j), x;
		while (i < a->nobjects && (x = okey_at(a, i), hs_cmp_wide_key(&x, &key) < 0))
			i++;
		if (i < a->nobjects && (x = okey_at(a, i), hs_cmp_wide_key(&x, &key) == 0))
			continue;
		n++;
		while (k < c->nobjects && (x = okey_at(c, k), hs_cmp_wide_key(&x, &key) < 0))
			k++;
		if (k < c->nobjects && (x = okey_at(c, k), hs_cmp_wide_key(&x, &key) == 0))
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
	const struct hs_leak_class *a = x, *b = y;
	if (a->retained_size != b->retained_size)
		return a->retained_size > b->retained_size ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->cls < b->cls ? -1 : a->cls > b->cls;
}

/* Adds node x of C to its class's group (slot: class -> group or UINT32_MAX). */
static void add_member(struct hs_leaks *r, const struct hs_analysis *a, uint32_t *slot, uint32_t x)
{
	uint32_t cls = a->classes.class_of[x];
	struct hs_leak_class *c;

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
	c->self_size += hs_shallow_size(a, x);
	r->leaked++;
}

/* Retained sizes: per class of its outermost members (r->outer), and the
 * total over the members with no leaked ancestor at all (leaked objects of
 * different classes can nest: each byte once). */
static void retained_sizes(struct hs_leaks *r, const struct hs_analysis *a, const uint64_t *members)
{
	const struct hs_snapshot *s = a->s;
	uint64_t *outer = hs_bits_new(s->node_count);
	uint32_t k, x;

	hs_outermost_by_class(&a->dom, s->root, s->node_count, members, a->classes.class_of,
			      a->classes.names.count, r->outer);
	for (k = 0; k < r->n; k++)
		for (x = 0; x < r->v[k].n; x++)
			if (hs_bit_get(r->outer, r->v[k].nodes[x]))
				r->v[k].retained_size += a->dom.retained[r->v[k].nodes[x]];
	hs_outermost_members(&a->dom, s->root, s->node_count, members, outer);
	for (x = 0; x < s->node_count; x++)
		if (hs_bit_get(outer, x))
			r->retained += a->dom.retained[x];
	free(outer);
}

/* leaked: the sorted (class, id) keys of C's objects allocated between A and
 * B; gid_of: C's class -> global class id of the keys. */
static void group(struct hs_leaks *r, const struct hs_analysis *a, const struct hs_wide_key *leaked, uint64_t nleaked,
		  const uint32_t *gid_of, int all, const uint64_t *keep)
{
	const struct hs_snapshot *s = a->s;
	uint32_t ncls = a->classes.names.count, *slot, x, k;
	uint64_t *members = hs_bits_new(s->node_count);

	r->outer = hs_bits_new(s->node_count);
	HS_ALLOC_ARRAY(slot, ncls ? ncls : 1);
	for (k = 0; k < ncls; k++)
		slot[k] = UINT32_MAX;
	for (x = 0; x < s->node_count; x++) {
		uint32_t cls = a->classes.class_of[x];
		struct hs_wide_key key = { ((uint64_t)gid_of[cls] << 32) | s->node_id[x], s->node_id_hi ? s->node_id_hi[x] : 0 };
		if (!hs_shallow_size(a, x) || !bsearch(&key, leaked, nleaked, sizeof(*leaked), hs_cmp_wide_key))
			continue;
		if (keep && !hs_bit_get(keep, x)) {
			r->filtered++;
			continue;
		}
		if (!all && is_internal(s, x)) {
			r->hidden++;
			continue;
		}
		add_member(r, a, slot, x);
		hs_bit_set(members, x);
	}
	retained_sizes(r, a, members);
	hs_sort(r->v, r->n, sizeof(*r->v), lclass_cmp);
	free(slot);
	free(members);
}

void hs_leaks_find(struct hs_leaks *r, const struct hs_side *a, const struct hs_side *b,
		   const struct hs_side *c, const struct hs_analysis *ac, struct hs_class_names *ns, int all,
		   const uint64_t *keep)
{
	const struct hs_strtab *names = &ac->classes.names;
	struct hs_wide_key *leaked;
	uint64_t nleaked;
	uint32_t *gid_of, k;

	memset(r, 0, sizeof(*r));
	HS_ALLOC_ARRAY(gid_of, names->count ? names->count : 1);
	for (k = 0; k < names->count; k++)
		gid_of[k] = hs_class_names_intern(ns, hs_str(names, k), hs_strlen(names, k));
	r->new_in_b = new_in_b(a, b, c, &leaked, &nleaked);
	group(r, ac, leaked, nleaked, gid_of, all, keep);
	free(leaked);
	free(gid_of);
}

void hs_leaks_gate_rows(const struct hs_leaks *r, const struct hs_analysis *ac, struct hs_gate_row *total,
			struct hs_gate_row **rows)
{
	uint64_t self = 0;
	uint32_t k;

	HS_CALLOC_ARRAY(*rows, r->n ? r->n : 1);
	for (k = 0; k < r->n; k++) {
		const struct hs_leak_class *c = &r->v[k];
		const struct hs_class *all = &ac->classes.cls[c->cls];
		struct hs_gate_row *g = &(*rows)[k];
		g->name = hs_class_name(&ac->classes, c->cls);
		g->value[HS_METRIC_COUNT] = (int64_t)c->count;
		g->base[HS_METRIC_COUNT] = all->count;
		g->value[HS_METRIC_SELF] = (int64_t)c->self_size;
		g->base[HS_METRIC_SELF] = all->self_size;
		g->value[HS_METRIC_RETAINED] = (int64_t)c->retained_size;
		g->base[HS_METRIC_RETAINED] = all->retained_size;
		self += c->self_size;
	}
	memset(total, 0, sizeof(*total));
	total->value[HS_METRIC_COUNT] = (int64_t)r->leaked;
	total->base[HS_METRIC_COUNT] = ac->s->node_count;
	total->value[HS_METRIC_SELF] = (int64_t)self;
	total->value[HS_METRIC_RETAINED] = (int64_t)r->retained;
	total->base[HS_METRIC_SELF] = total->base[HS_METRIC_RETAINED] = ac->stats.total;
}

void hs_leaks_release(struct hs_leaks *r)
{
	HS_FREE_EACH(r->v, r->n, nodes);
	HS_RELEASE(r, r->v, r->outer);
}
