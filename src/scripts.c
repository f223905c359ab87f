/* Script names for source locations (see scripts.h). */
#include <string.h>
#include "scripts.h"
#include "alloc.h"
#include "sort.h"

struct pair { uint32_t script_id, node; };

static int pair_cmp(const void *a, const void *b)
{
	const struct pair *x = a, *y = b;
	if (x->script_id != y->script_id)
		return x->script_id < y->script_id ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

/* Target of n's internal edge named `name`, UINT32_MAX if none. */
static uint32_t internal(const struct hs_snapshot *s, uint32_t n, const char *name)
{
	uint32_t e;

	if (s->t.e_internal == HS_NO_TYPE)
		return UINT32_MAX;
	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
		if (s->edge_type[e] == s->t.e_internal && !strcmp(hs_str(&s->strings, s->edge_name[e]), name))
			return s->edge_to[e];
	return UINT32_MAX;
}

/* The Script node of closure n, UINT32_MAX when the snapshot does not show it. */
static uint32_t script_of(const struct hs_snapshot *s, uint32_t n)
{
	uint32_t sfi = internal(s, n, "shared"), x;
	const char *name;

	if (sfi == UINT32_MAX)
		return UINT32_MAX;
	x = internal(s, sfi, "script_or_debug_info");
	if (x == UINT32_MAX)
		x = internal(s, sfi, "script");
	if (x != UINT32_MAX && !strcmp(hs_node_name(s, x), "system / DebugInfo"))
		x = internal(s, x, "script");
	if (x == UINT32_MAX || s->node_type[x] != s->t.code)
		return UINT32_MAX;
	name = hs_node_name(s, x);
	/* a Script is named by its URL; other code objects by what they are */
	if (!*name || (!strncmp(name, "system / ", 9) && strncmp(name, "system / Script / ", 18)))
		return UINT32_MAX;
	return x;
}

void hs_resolve_scripts(struct hs_snapshot *s)
{
	struct pair *p;
	size_t np = 0, i, m = 0;
	uint32_t k;

	if (!s->location_count || s->t.closure == HS_NO_TYPE || s->t.code == HS_NO_TYPE)
		return;
	HS_ALLOC_ARRAY(p, s->location_count);
	for (k = 0; k < s->location_count; k++) {
		const struct hs_location *l = &s->locations[k];
		uint32_t x;
		if (l->script_node != UINT32_MAX || s->node_type[l->node] != s->t.closure)
			continue;
		if ((x = script_of(s, l->node)) != UINT32_MAX) {
			p[np].script_id = l->script_id;
			p[np].node = x;
			np++;
		}
	}
	hs_sort(p, np, sizeof(*p), pair_cmp);
	/* one node per script id: the first (lowest ordinal) one */
	for (i = 0; i < np; i++)
		if (!m || p[m - 1].script_id != p[i].script_id)
			p[m++] = p[i];
	for (k = 0; k < s->location_count && m; k++) {
		struct hs_location *l = &s->locations[k];
		size_t lo = 0, hi = m;
		if (l->script_node != UINT32_MAX)
			continue;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			if (p[mid].script_id < l->script_id)
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < m && p[lo].script_id == l->script_id)
			l->script_node = p[lo].node;
	}
	free(p);
}
