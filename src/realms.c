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

static int32_t merge(int32_t current, int32_t incoming)
{
	if (current == HS_REALM_SHARED || incoming == HS_REALM_SHARED)
		return HS_REALM_SHARED;
	if (current == HS_REALM_NONE)
		return incoming;
	return current == incoming ? current : HS_REALM_SHARED;
}

/* buildInitEdgeTargets and the fixed owners: each native context owns
 * itself; an object whose map's meta map has an internal native_context
 * edge to a native context (the first such edge; the first map edge) is
 * fixed to it.  index[nc]: the native context's place in r->v. */
static void fix_owners(struct hs_realms *r, const struct hs_analysis *a, const uint8_t *is_nc, int32_t *owner,
		       uint32_t *index, uint64_t *fixed)
{
	const struct hs_snapshot *s = a->s;
	uint32_t N = s->node_count, n, e, nc_name = hs_strtab_find(&s->strings, "native_context"),
		 map_name = hs_strtab_find(&s->strings, "map");
	uint32_t *nctx, *map;

	HS_ALLOC_ARRAY(nctx, (size_t)N + 1);
	HS_ALLOC_ARRAY(map, (size_t)N + 1);
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
}

/* propagateNativeContextAttribution: breadth-first from the fixed nodes
 * over every edge but shortcut and weak ones */
static void propagate(const struct hs_snapshot *s, int32_t *owner, const uint64_t *fixed)
{
	uint32_t N = s->node_count, n, e, *queue = NULL;
	size_t qn = 0, qa = 0, qi = 0;

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
}

void hs_realms_compute(struct hs_realms *r, const struct hs_analysis *a)
{
	const struct hs_snapshot *s = a->s;
	uint32_t N = s->node_count, n, *index;
	uint64_t *fixed = hs_bits_new(N);
	uint8_t *is_nc;
	int32_t *owner;

	memset(r, 0, sizeof(*r));
	HS_ALLOC_ARRAY(owner, (size_t)N + 1);
	HS_ALLOC_ARRAY(index, (size_t)N + 1);
	HS_CALLOC_ARRAY(is_nc, (size_t)N + 1);
	for (n = 0; n < N; n++)
		is_nc[n] = (uint8_t)hs_is_native_context(a, n);
	fix_owners(r, a, is_nc, owner, index, fixed);
	propagate(s, owner, fixed);
	free(fixed);
	/* calculateNativeContextSizes */
	for (n = 0; n < N; n++) {
		uint64_t sz = hs_shallow_size(a, n);
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
	HS_RELEASE(r, r->v, r->owner);
}

uint32_t hs_realm_global(const struct hs_snapshot *s, uint32_t nc)
{
	uint32_t e;
	for (e = hs_edge_begin(s, nc); e < hs_edge_end(s, nc); e++)
		if (s->edge_type[e] == s->t.e_internal &&
		    !strcmp(hs_str(&s->strings, s->edge_name[e]), "global_proxy_object"))
			return s->edge_to[e];
	return UINT32_MAX;
}

/* ---- realms matched across snapshots ------------------------------------- */

/* a then b, at most 1199 bytes (as the labels always were) */
static char *dup_str(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	char *p;

	if (la + lb > 1199)
		lb = 1199 - la;
	p = hs_xmalloc(la + lb + 1);
	memcpy(p, a, la);
	memcpy(p + la, b, lb);
	p[la + lb] = '\0';
	return p;
}

void hs_realm_sizes_from(struct hs_realm_sizes *z, const struct hs_analysis *a, const struct hs_realms *r)
{
	const struct hs_snapshot *s = a->s;
	uint32_t i;
	int det;

	memset(z, 0, sizeof(*z));
	HS_CALLOC_ARRAY(z->v, (size_t)r->count + 1);
	for (i = 0; i < r->count; i++) {
		uint32_t n = r->v[i].node, gp = hs_realm_global(s, n);
		const char *nm = hs_raw_name(a, n, &det);
		struct hs_realm_entry *e = &z->v[i];
		if (gp != UINT32_MAX)
			e->label = dup_str("", hs_node_name(s, gp));
		else
			e->label = dup_str(det ? "Detached " : "", nm);
		e->id = s->node_id[n];
		e->attributed = r->v[i].attributed;
		e->retained = a->dom.retained[n];
	}
	z->count = r->count;
	z->shared = r->shared;
	z->unattributed = r->unattributed;
	z->total = a->stats.total;
}

void hs_realm_sizes_release(struct hs_realm_sizes *z)
{
	HS_FREE_EACH(z->v, z->count, label);
	HS_RELEASE(z, z->v);
}

void hs_realm_series_init(struct hs_realm_series *m, int n)
{
	memset(m, 0, sizeof(*m));
	m->n = n;
	HS_CALLOC_ARRAY(m->total, (size_t)n);
}

/* The row of realm id (pseudo: the row labelled label), appended when new. */
static struct hs_realm_track *track_get(struct hs_realm_series *m, uint32_t id, int pseudo, const char *label)
{
	struct hs_realm_track *x;
	uint32_t i;

	for (i = 0; i < m->nrows; i++) {
		x = &m->rows[i];
		if (pseudo ? x->id == HS_REALM_PSEUDO && !strcmp(x->label, label)
			   : x->id == id && strcmp(x->label, "(shared)") && strcmp(x->label, "(unattributed)"))
			return x;
	}
	HS_REALLOC_ARRAY(m->rows, (size_t)m->nrows + 1);
	x = &m->rows[m->nrows++];
	x->id = pseudo ? HS_REALM_PSEUDO : id;
	x->label = dup_str("", label);
	HS_CALLOC_ARRAY(x->attributed, (size_t)m->n);
	HS_CALLOC_ARRAY(x->retained, (size_t)m->n);
	HS_CALLOC_ARRAY(x->present, (size_t)m->n);
	return x;
}

void hs_realm_series_add(struct hs_realm_series *m, int k, const struct hs_realm_sizes *z)
{
	struct hs_realm_track *x;
	uint32_t i;

	for (i = 0; i < z->count; i++) {
		x = track_get(m, z->v[i].id, 0, z->v[i].label);
		x->attributed[k] = z->v[i].attributed;
		x->retained[k] = z->v[i].retained;
		x->present[k] = 1;
	}
	x = track_get(m, 0, 1, "(shared)");
	x->attributed[k] = z->shared;
	x->present[k] = 1;
	x = track_get(m, 0, 1, "(unattributed)");
	x->attributed[k] = z->unattributed;
	x->present[k] = 1;
	m->total[k] = z->total;
}

void hs_realm_series_release(struct hs_realm_series *m)
{
	uint32_t j;
	for (j = 0; j < m->nrows; j++) {
		free(m->rows[j].label);
		free(m->rows[j].attributed);
		free(m->rows[j].retained);
		free(m->rows[j].present);
	}
	free(m->rows);
	free(m->total);
	memset(m, 0, sizeof(*m));
}

/* b - a, saturated at +-(2^63 - 1) */
static int64_t delta(uint64_t a, uint64_t b)
{
	if (b >= a)
		return b - a > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(b - a);
	return a - b > (uint64_t)INT64_MAX ? -INT64_MAX : -(int64_t)(a - b);
}

void hs_realm_gate_rows(const struct hs_realm_series *m, int from, int to, struct hs_gate_row *total,
			struct hs_gate_row **rows)
{
	uint32_t j;

	memset(total, 0, sizeof(*total));
	total->value[HS_METRIC_SELF] = total->value[HS_METRIC_RETAINED] = delta(m->total[from], m->total[to]);
	total->base[HS_METRIC_SELF] = total->base[HS_METRIC_RETAINED] = m->total[from];
	HS_CALLOC_ARRAY(*rows, m->nrows ? m->nrows : 1);
	for (j = 0; j < m->nrows; j++) {
		const struct hs_realm_track *x = &m->rows[j];
		struct hs_gate_row *g = &(*rows)[j];
		g->name = x->label;
		g->value[HS_METRIC_SELF] = delta(x->attributed[from], x->attributed[to]);
		g->base[HS_METRIC_SELF] = x->attributed[from];
		g->value[HS_METRIC_RETAINED] = delta(x->retained[from], x->retained[to]);
		g->base[HS_METRIC_RETAINED] = x->retained[from];
	}
}
