#include <string.h>
/* Model accessors and release. */
#include <stdlib.h>
#include "hsnap/snapshot.h"
#include "alloc.h"

static void free_list(char **l, uint32_t n)
{
	uint32_t i;
	if (!l)
		return;
	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

void hs_snapshot_free(struct hs_snapshot *s)
{
	if (!s)
		return;
	if (s->index_release)
		s->index_release(s); /* arrays mapped from an index go with the mapping */
	free(s->file);
	hs_free(s->node_type);
	hs_free(s->node_name);
	hs_free(s->node_id);
	hs_free(s->node_id_hi);
	hs_sizes_release(&s->self_size);
	hs_free(s->first_edge);
	hs_free(s->detachedness);
	hs_free(s->edge_type);
	hs_free(s->edge_name);
	hs_free(s->edge_to);
	hs_strtab_release(&s->strings);
	free_list(s->node_type_names, s->n_node_types);
	free_list(s->edge_type_names, s->n_edge_types);
	free_list(s->node_fields, s->n_node_fields);
	free_list(s->edge_fields, s->n_edge_fields);
	hs_free(s->locations);
	for (int t = 0; t < HS_SCOPE_TABLES; t++) {
		free_list(s->scopes.fields[t], s->scopes.nfields[t]);
		free(s->scopes.v[t]);
	}
	free(s);
}

void hs_sizes_alloc(struct hs_sizes *z, size_t count)
{
	HS_ALLOC_ARRAY(z->lo, count);
	z->hi = NULL;
}

void hs_sizes_set(struct hs_sizes *z, size_t count, uint32_t n, uint64_t v)
{
	z->lo[n] = (uint32_t)v;
	if (v > UINT32_MAX && !z->hi)
		HS_CALLOC_ARRAY(z->hi, count);
	if (z->hi)
		z->hi[n] = (uint32_t)(v >> 32);
}

void hs_sizes_copy(struct hs_sizes *dst, const struct hs_sizes *src, size_t count)
{
	hs_sizes_alloc(dst, count);
	memcpy(dst->lo, src->lo, sizeof(*dst->lo) * count);
	if (src->hi) {
		HS_ALLOC_ARRAY(dst->hi, count);
		memcpy(dst->hi, src->hi, sizeof(*dst->hi) * count);
	}
}

void hs_sizes_release(struct hs_sizes *z)
{
	hs_free(z->lo);
	hs_free(z->hi);
	z->lo = z->hi = NULL;
}

const char *hs_type_name(const struct hs_snapshot *s, uint8_t t)
{
	return t < s->n_node_types ? s->node_type_names[t] : "undefined";
}

const char *hs_node_type_name(const struct hs_snapshot *s, uint32_t n)
{
	return hs_type_name(s, s->node_type[n]);
}

const char *hs_edge_type_name(const struct hs_snapshot *s, uint32_t e)
{
	return s->edge_type_names[s->edge_type[e]];
}

const struct hs_location *hs_snapshot_location(const struct hs_snapshot *s, uint32_t n)
{
	uint32_t lo = 0, hi = s->location_count;

	while (lo < hi) {
		uint32_t mid = lo + (hi - lo) / 2;
		if (s->locations[mid].node < n)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < s->location_count && s->locations[lo].node == n ? &s->locations[lo] : NULL;
}

const char *hs_script_url(const struct hs_snapshot *s, uint32_t script_node)
{
	const char *url;

	if (script_node == UINT32_MAX)
		return "";
	url = hs_node_name(s, script_node);
	return strncmp(url, "system / Script / ", 18) ? url : url + 18;
}
