/* Classes that grow across N snapshots (growth.h). */
#include <stdlib.h>
#include <string.h>
#include "hsnap/growth.h"
#include "hsnap/distances.h"
#include "alloc.h"
#include "sort.h"

const struct hs_class_row *hs_side_row(const struct hs_side *s, uint32_t gid)
{
	static const struct hs_class_row none = { 0, 0, 0, 0 };
	return gid < s->nrows ? &s->rows[gid] : &none;
}

struct order {
	const struct hs_class_names *ns;
	const struct hs_side *first;
	enum hs_growth_sort sort;
};
static const struct order *g_order;

static int grow_cmp(const void *x, const void *y)
{
	const struct hs_growth_row *a = x, *b = y;
	int retained = g_order->sort == HS_GROWTH_RETAINED;
	int64_t ka = retained ? a->retained_growth : a->count_growth;
	int64_t kb = retained ? b->retained_growth : b->count_growth;
	if (g_order->sort == HS_GROWTH_RELATIVE) {
		/* growth / first count, as an exact comparison of the fractions
		 * (a new class, first count 0, counts as from 1); listed rows
		 * grew, and counts stay below 2^31 (nodes), so the products fit */
		const struct hs_class_row *fa = hs_side_row(g_order->first, a->gid),
					  *fb = hs_side_row(g_order->first, b->gid);
		uint64_t l = (uint64_t)a->count_growth * (fb->count ? fb->count : 1),
			 r = (uint64_t)b->count_growth * (fa->count ? fa->count : 1);
		if (l != r)
			return l > r ? -1 : 1;
	}
	if (ka != kb)
		return ka > kb ? -1 : 1;
	return strcmp(hs_str(&g_order->ns->names, a->gid), hs_str(&g_order->ns->names, b->gid));
}

static struct hs_growth_row row_of(const struct hs_side *sides, int n, uint32_t g)
{
	struct hs_growth_row r = { g, 0, 0, 0, 0, 0 };
	const struct hs_class_row *first = hs_side_row(&sides[0], g), *last = hs_side_row(&sides[n - 1], g);
	int i;

	for (i = 1; i < n; i++) {
		const struct hs_class_row *p = hs_side_row(&sides[i - 1], g), *q = hs_side_row(&sides[i], g);
		r.steps_count += q->count > p->count;
		r.steps_retained += q->retained_size > p->retained_size;
	}
	r.count_growth = (int64_t)last->count - (int64_t)first->count;
	r.self_growth = (int64_t)last->self_size - (int64_t)first->self_size;
	r.retained_growth = (int64_t)last->retained_size - (int64_t)first->retained_size;
	return r;
}

void hs_growth_find(struct hs_growth *gr, const struct hs_class_names *ns, const struct hs_side *sides,
		    int n, enum hs_growth_sort sort, int min_steps)
{
	uint32_t g, nclasses = ns->names.count;
	struct order o = { ns, &sides[0], sort };

	memset(gr, 0, sizeof(*gr));
	HS_ALLOC_ARRAY(gr->rows, nclasses ? nclasses : 1);
	for (g = 0; g < nclasses; g++) {
		struct hs_growth_row r = row_of(sides, n, g);
		/* grown by the sort's metric: on at least min_steps steps, and overall
		 * (a class whose count never changed did not grow, whatever its size) */
		if (sort == HS_GROWTH_RETAINED ? r.steps_retained < min_steps || r.retained_growth <= 0
					       : r.steps_count < min_steps || r.count_growth <= 0)
			continue;
		gr->rows[gr->nrows++] = r;
	}
	g_order = &o;
	hs_sort(gr->rows, gr->nrows, sizeof(*gr->rows), grow_cmp);
	g_order = NULL;
}

void hs_growth_gate_rows(const struct hs_growth *gr, const struct hs_class_names *ns,
			 const struct hs_side *sides, int n, struct hs_gate_row *total,
			 struct hs_gate_row **rows)
{
	const struct hs_side *a = &sides[0], *b = &sides[n - 1];
	uint64_t ca = 0, cb = 0;
	uint32_t k;

	HS_CALLOC_ARRAY(*rows, gr->nrows ? gr->nrows : 1);
	for (k = 0; k < gr->nrows; k++) {
		const struct hs_growth_row *r = &gr->rows[k];
		const struct hs_class_row *first = hs_side_row(a, r->gid);
		struct hs_gate_row *g = &(*rows)[k];
		g->name = hs_str(&ns->names, r->gid);
		g->value[HS_METRIC_COUNT] = r->count_growth;
		g->base[HS_METRIC_COUNT] = first->count;
		g->value[HS_METRIC_SELF] = r->self_growth;
		g->base[HS_METRIC_SELF] = first->self_size;
		g->value[HS_METRIC_RETAINED] = r->retained_growth;
		g->base[HS_METRIC_RETAINED] = first->retained_size;
	}
	for (k = 0; k < a->nrows; k++)
		ca += a->rows[k].count;
	for (k = 0; k < b->nrows; k++)
		cb += b->rows[k].count;
	memset(total, 0, sizeof(*total));
	total->value[HS_METRIC_COUNT] = (int64_t)cb - (int64_t)ca;
	total->base[HS_METRIC_COUNT] = ca;
	total->value[HS_METRIC_SELF] = total->value[HS_METRIC_RETAINED] =
		(int64_t)b->total_size - (int64_t)a->total_size;
	total->base[HS_METRIC_SELF] = total->base[HS_METRIC_RETAINED] = a->total_size;
}

void hs_growth_release(struct hs_growth *gr)
{
	HS_RELEASE(gr, gr->rows);
}

int hs_growth_filter_side(struct hs_side *side, struct hs_class_names *ns, const struct hs_analysis *a,
			  const struct hs_filter *f, struct hs_error *err)
{
	struct hs_analysis fa = *a;
	struct hs_side rows;
	int32_t *dist = NULL;
	uint64_t *bits;
	int rc;

	if (!a->distance) { /* the traversal filters leave unreachable nodes out */
		HS_ALLOC_ARRAY(dist, a->s->node_count ? a->s->node_count : 1);
		hs_distances(a->s, dist);
		fa.distance = dist;
	}
	rc = hs_filter_nodes(&fa, f, &bits, err);
	if (rc == 0) {
		fa.classes.cls = hs_filter_classes(&fa, bits);
		hs_side_rows_from_analysis(&rows, ns, &fa);
		free(fa.classes.cls);
		free(bits);
		free(side->rows);
		side->rows = rows.rows;
		side->nrows = rows.nrows;
		rows.rows = NULL;
		hs_side_release(&rows);
	}
	free(dist);
	return rc;
}
