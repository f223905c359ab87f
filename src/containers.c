/* Growing containers (see containers.h). */
#include <stdlib.h>
#include <string.h>
#include "hsnap/containers.h"
#include "alloc.h"
#include "sort.h"

const char *hs_container_kind_name(uint32_t kind)
{
	static const char *const names[] = { "Array", "Map", "Set", "object" };
	return kind < 4 ? names[kind] : "?";
}

static int kind_of(const struct hs_snapshot *s, uint32_t n, uint32_t *kind)
{
	const char *name;

	if (s->t.object == HS_NO_TYPE || s->node_type[n] != s->t.object)
		return 0;
	name = hs_node_name(s, n);
	if (!strcmp(name, "Array"))
		*kind = HS_CONT_ARRAY;
	else if (!strcmp(name, "Map"))
		*kind = HS_CONT_MAP;
	else if (!strcmp(name, "Set"))
		*kind = HS_CONT_SET;
	else if (!strncmp(name, "system / ", 9) || !strcmp(name, "WeakMap") || !strcmp(name, "WeakSet"))
		return 0;
	else
		*kind = HS_CONT_OBJECT;
	return 1;
}

uint32_t hs_container_table(const struct hs_snapshot *s, uint32_t n, uint32_t kind)
{
	uint32_t e;

	if (kind != HS_CONT_MAP && kind != HS_CONT_SET)
		return n;
	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
		if (s->edge_type[e] == s->t.e_internal && !strcmp(hs_str(&s->strings, s->edge_name[e]), "table"))
			return s->edge_to[e];
	return UINT32_MAX;
}

static int numeric(const char *p)
{
	if (!*p)
		return 0;
	for (; *p; p++)
		if (*p < '0' || *p > '9')
			return 0;
	return 1;
}

int hs_container_counts_edge(const struct hs_snapshot *s, uint32_t kind, uint32_t e)
{
	uint8_t t = s->edge_type[e];

	switch (kind) {
	case HS_CONT_ARRAY:
		return t == s->t.e_element;
	case HS_CONT_MAP:
	case HS_CONT_SET:
		return t == s->t.e_internal && numeric(hs_str(&s->strings, s->edge_name[e]));
	default:
		return t == s->t.e_property && strcmp(hs_str(&s->strings, s->edge_name[e]), "__proto__");
	}
}

static int by_id(const void *a, const void *b)
{
	const struct hs_container *x = a, *y = b;
	if (x->id != y->id)
		return x->id < y->id ? -1 : 1;
	return x->node < y->node ? -1 : x->node > y->node;
}

void hs_containers_measure(const struct hs_snapshot *s, uint32_t min_held, struct hs_containers *out)
{
	size_t alloc = 0, i;
	uint32_t n;
	int sorted = 1;

	out->v = NULL;
	out->n = 0;
	for (n = 0; n < s->node_count; n++) {
		uint32_t kind, t, e, held = 0;
		if (!kind_of(s, n, &kind) || (t = hs_container_table(s, n, kind)) == UINT32_MAX)
			continue;
		for (e = hs_edge_begin(s, t); e < hs_edge_end(s, t); e++)
			held += (uint32_t)hs_container_counts_edge(s, kind, e);
		if (held < min_held)
			continue;
		HS_GROW(out->v, out->n, alloc);
		out->v[out->n].id = hs_node_id(s, n);
		out->v[out->n].node = n;
		out->v[out->n].held = held;
		out->v[out->n].kind = kind;
		if (out->n && out->v[out->n - 1].id >= out->v[out->n].id)
			sorted = 0;
		out->n++;
	}
	/* V8 ids are mostly in node order, not always; a duplicated id
	 * (verify reports it) matches nothing: drop every copy */
	if (!sorted) {
		size_t o = 0, j;
		hs_sort(out->v, out->n, sizeof(*out->v), by_id);
		for (i = 0; i < out->n; i = j) {
			for (j = i + 1; j < out->n && out->v[j].id == out->v[i].id; j++)
				;
			if (j == i + 1)
				out->v[o++] = out->v[i];
		}
		out->n = o;
	}
}

void hs_containers_release(struct hs_containers *c)
{
	free(c->v);
	c->v = NULL;
	c->n = 0;
}

void hs_growing_start(struct hs_growing *g, const struct hs_containers *first)
{
	size_t i;

	memset(g, 0, sizeof(*g));
	g->steps = 1;
	g->n = first->n;
	HS_ALLOC_ARRAY(g->id, g->n ? g->n : 1);
	HS_ALLOC_ARRAY(g->kind, g->n ? g->n : 1);
	HS_ALLOC_ARRAY(g->node, g->n ? g->n : 1);
	HS_ALLOC_ARRAY(g->held, g->n ? g->n : 1);
	for (i = 0; i < g->n; i++) {
		g->id[i] = first->v[i].id;
		g->kind[i] = first->v[i].kind;
		g->node[i] = first->v[i].node;
		g->held[i] = first->v[i].held;
	}
}

void hs_growing_step(struct hs_growing *g, const struct hs_containers *next)
{
	uint32_t steps = g->steps + 1;
	uint32_t *held;
	size_t i, j = 0, o = 0;

	HS_ALLOC_ARRAY(held, hs_xmul(g->n ? g->n : 1, steps));
	for (i = 0; i < g->n; i++) {
		uint32_t last = g->held[i * g->steps + g->steps - 1];
		while (j < next->n && next->v[j].id < g->id[i])
			j++;
		if (j == next->n || next->v[j].id != g->id[i] || next->v[j].kind != g->kind[i] ||
		    next->v[j].held <= last)
			continue;
		g->id[o] = g->id[i];
		g->kind[o] = g->kind[i];
		g->node[o] = next->v[j].node;
		memcpy(held + o * steps, g->held + i * g->steps, sizeof(*held) * g->steps);
		held[o * steps + g->steps] = next->v[j].held;
		o++;
	}
	free(g->held);
	g->held = held;
	g->n = o;
	g->steps = steps;
}

void hs_growing_release(struct hs_growing *g)
{
	HS_RELEASE(g, g->id, g->kind, g->node, g->held);
}
