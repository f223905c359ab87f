/* Realms: DevTools' calculateNativeContextAttribution / calculateNativeContextSizes
 * (heap snapshot worker, 2026), with the same edge rules and the same
 * breadth-first order. */
#include <string.h>
#include "hsnap/realms.h"
#include "hsnap/contexts.h"
#include "alloc.h"

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

int hs_is_native_context(const struct hs_analysis *a, uint32_t n)
{
	int det;
	const char *name = hs_raw_name(a, n, &det);
	/* names: "system / NativeContext", "system / NativeContext / …", and both
	 * with "Detached " in front (which a renamed node has) */
	if (!det && starts(name, "Detached "))
		name += 9;
	return !strcmp(name, "system / NativeContext") || starts(name, "system / NativeContext / ");
}

/* strings.indexOf(text): the first string with that text, or UINT32_MAX. */
static uint32_t first_string(const struct hs_snapshot *s, const char *text)
{
	uint32_t i;
	for (i = 0; i < s->strings.count; i++)
		if (!strcmp(hs_str(&s->strings, i), text))
			return i;
	return UINT32_MAX;
}

static int32_t merge(int32_t current, int32_t incoming)
{
	if (current == HS_REALM_SHARED || incoming == HS_REALM_SHARED)
		return HS_REALM_SHARED;
	if (current == HS_REALM_NONE)
		return incoming;
	return current == incoming ? current : HS_REALM_SHARED;
}

void hs_realms_compute(struct hs_realms *r, const struct hs_analysis *a)
{
	const struct hs_snapshot *s = a->s;
	uint32_t N = s->node_count, n, e, nc_name = first_string(s, "native_context"),
		 map_name = first_string(s, "map");
	uint32_t *nctx, *map, *queue = NULL, *index;
	size_t qn = 0, qa = 0, qi = 0;
	uint64_t *fixed = hs_bits_new(N);
	uint8_t *is_nc;
	int32_t *owner;

	memset(r, 0, sizeof(*r));
	HS_ALLOC_ARRAY(owner, (size_t)N + 1);
	HS_ALLOC_ARRAY(nctx, (size_t)N + 1);
	HS_ALLOC_ARRAY(map, (size_t)N + 1);
	HS_ALLOC_ARRAY(index, (size_t)N + 1);
	HS_CALLOC_ARRAY(is_nc, (size_t)N + 1);
	for (n = 0; n < N; n++)
		is_nc[n] = (uint8_t)hs_is_native_context(a, n);
	/* buildInitEdgeTargets: first internal native_context edge to a native
	 * context, first internal map edge */
	for (n = 0; n < N; n++) {
		nctx[n] = map[n] = UINT32_MAX;
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
			if (s->edge_type[e] != s->t.e_internal)
				continue;
			if (s->edge_name[e] == nc_name && nctx[n] == UINT32_MAX && is_nc[s->edge_to[e]])
				nctx[n] = s->edge_to[e];
			else if (s->edge_name[e] == map_name && map[n] == UINT32_MAX)
				map[n] = s->edge_to[e];
		}
	}
	for (n = 0; n < N; n++) {
		owner[n] = HS_REALM_NONE;
		if (is_nc[n]) {
			HS_REALLOC_ARRAY(r->v, (size_t)r->count + 1);
			r->v[r->count].node = n;
			r->v[r->count].attributed = 0;
			index[n] = r->count++;
			owner[n] = (int32_t)n;
			hs_bit_set(fixed, n);
		} else if (map[n] != UINT32_MAX && map[map[n]] != UINT32_MAX &&
			   nctx[map[map[n]]] != UINT32_MAX) {
			owner[n] = (int32_t)nctx[map[map[n]]];
			hs_bit_set(fixed, n);
		}
	}
	free(nctx);
	free(map);
	/* propagateNativeContextAttribution */
	for (n = 0; n < N; n++)
		if (hs_bit_get(fixed, n)) {
			HS_GROW(queue, qn, qa);
			queue[qn++] = n;
		}
	while (qi < qn) {
		uint32_t x = queue[qi++];
		int32_t cur = owner[x];
		for (e = hs_edge_begin(s, x); e < hs_edge_end(s, x); e++) {
			uint32_t t = s->edge_to[e];
			int32_t m;
			if (s->edge_type[e] == s->t.e_shortcut || s->edge_type[e] == s->t.e_weak)
				continue;
			if (t == x || hs_bit_get(fixed, t))
				continue;
			m = merge(owner[t], cur);
			if (m != owner[t]) {
				owner[t] = m;
				HS_GROW(queue, qn, qa);
				queue[qn++] = t;
			}
		}
	}
	free(queue);
	free(fixed);
	/* calculateNativeContextSizes */
	for (n = 0; n < N; n++) {
		uint64_t sz = a->self_size[n];
		if (owner[n] == HS_REALM_SHARED)
			r->shared += sz;
		else if (owner[n] == HS_REALM_NONE)
			r->unattributed += sz;
		else {
			uint32_t k = index[owner[n]];
			r->v[k].attributed += sz;
			owner[n] = (int32_t)k;
		}
	}
	free(index);
	free(is_nc);
	r->owner = owner;
}

void hs_realms_release(struct hs_realms *r)
{
	free(r->v);
	free(r->owner);
	memset(r, 0, sizeof(*r));
}
