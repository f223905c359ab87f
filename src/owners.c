/* Closure contexts and the functions they belong to (see owners.h). */
#include <stdlib.h>
#include <string.h>
#include "hsnap/owners.h"
#include "alloc.h"
#include "sort.h"

static struct hs_context_owners *build(const struct hs_snapshot *s)
{
	struct hs_context_owners *o = hs_xcalloc(1, sizeof(*o));
	size_t alloc = 0;
	uint32_t n, e;

	if (s->t.closure == HS_NO_TYPE || s->t.e_internal == HS_NO_TYPE)
		return o;
	for (n = 0; n < s->node_count; n++) {
		if (s->node_type[n] != s->t.closure)
			continue;
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
			if (s->edge_type[e] == s->t.e_internal &&
			    !strcmp(hs_str(&s->strings, s->edge_name[e]), "context")) {
				HS_GROW(o->pairs, o->n, alloc);
				o->pairs[o->n++] = (uint64_t)s->edge_to[e] << 32 | n;
				break;
			}
	}
	hs_sort(o->pairs, o->n, sizeof(*o->pairs), hs_cmp_u64);
	return o;
}

uint32_t hs_context_owner(const struct hs_analysis *a, uint32_t ctx, uint32_t *count)
{
	struct hs_context_owners *o = a->owners;
	size_t lo = 0, hi, first;

	if (!o) { /* a cache: the analysis is logically unchanged */
		struct hs_analysis *m = (struct hs_analysis *)a;
		o = m->owners = build(a->s);
		m->owners_release = hs_context_owners_release;
	}
	hi = o->n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if ((o->pairs[mid] >> 32) < ctx)
			lo = mid + 1;
		else
			hi = mid;
	}
	first = lo;
	while (lo < o->n && (o->pairs[lo] >> 32) == ctx)
		lo++;
	*count = (uint32_t)(lo - first);
	return lo > first ? (uint32_t)o->pairs[first] : UINT32_MAX;
}

void hs_context_owners_release(struct hs_context_owners *o)
{
	if (!o)
		return;
	free(o->pairs);
	free(o);
}
