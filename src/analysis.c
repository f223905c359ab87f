/* The analysis pipeline: a list of named phase calls in DevTools' order
 * (HeapSnapshot.initialize). */
#include <stdlib.h>
#include <string.h>
#include "hsnap/analysis.h"
#include "hsnap/paths.h"
#include "vec.h"

/* JSHeapSnapshot.calculateArraySize: an Array's own size plus its `elements`
 * backing store when nothing else retains that store. */
static uint64_t array_size(const struct hs_snapshot *s, const struct hs_graph *g,
			   const uint64_t *self, uint32_t n)
{
	uint64_t size = self[n];
	uint32_t e;

	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
		if (s->edge_type[e] != s->t.e_internal ||
		    strcmp(hs_str(&s->strings, s->edge_name[e]), "elements"))
			continue;
		if (g->in_degree[s->edge_to[e]] == 1)
			size += self[s->edge_to[e]];
		break;
	}
	return size;
}

void hs_statistics_compute(struct hs_statistics *st, const struct hs_snapshot *s,
			   const struct hs_graph *g, const uint64_t *self,
			   uint64_t total_retained)
{
	uint32_t n;

	memset(st, 0, sizeof(*st));
	st->native = s->extra_native_bytes;
	for (n = 0; n < s->node_count; n++) {
		uint8_t t = s->node_type[n];
		if (t == s->t.hidden) {
			st->system += self[n];
		} else if (t == s->t.native) {
			st->native += self[n];
			if (!strcmp(hs_node_name(s, n), "system / JSArrayBufferData"))
				st->typed_arrays += self[n];
		} else if (t == s->t.code) {
			st->code += self[n];
		} else if (t == s->t.cons_string || t == s->t.sliced_string || t == s->t.string) {
			st->strings += self[n];
		} else if (!strcmp(hs_node_name(s, n), "Array")) {
			st->js_arrays += array_size(s, g, self, n);
		}
	}
	st->total = total_retained + s->extra_native_bytes;
	st->v8_heap = st->total - st->native;
}

static void phase(const struct hs_analysis_opts *o, const char *name)
{
	if (o && o->phase)
		o->phase(o->phase_ctx, name);
}

int hs_analysis_run(struct hs_analysis *a, const struct hs_snapshot *s,
		    const struct hs_analysis_opts *opts, struct hs_error *err)
{
	uint32_t n = s->node_count;

	(void)err;
	memset(a, 0, sizeof(*a));
	a->s = s;
	phase(opts, "indexing edges");
	hs_graph_build(&a->graph, s);
	phase(opts, "propagating DOM state");
	HS_ALLOC_ARRAY(a->dom_state, n);
	hs_dom_state(s, a->dom_state);
	phase(opts, "calculating shallow sizes");
	HS_ALLOC_ARRAY(a->self_size, n);
	if (opts && opts->raw_sizes)
		memcpy(a->self_size, s->self_size, sizeof(*a->self_size) * n);
	else
		hs_shallow_sizes(s, &a->graph, a->self_size);
	/* Statistics need the retainer counts; compute them now so that the
	 * counts and flags can be freed before the dominator work arrays. */
	hs_statistics_compute(&a->stats, s, &a->graph, a->self_size, 0);
	hs_graph_release_counts(&a->graph);
	phase(opts, "computing dominators");
	hs_dominators_build(&a->dom, &a->graph, a->self_size);
	hs_graph_release_retainers(&a->graph); /* they served the dominators */
	a->stats.total = a->dom.retained[s->root] + s->extra_native_bytes;
	a->stats.v8_heap = a->stats.total - a->stats.native;
	if (!opts || !opts->no_distances) {
		phase(opts, "calculating distances");
		HS_ALLOC_ARRAY(a->distance, n);
		if (opts && opts->parent_edges)
			HS_ALLOC_ARRAY(a->parent_edge, n);
		hs_distances_ex(s, a->distance, a->parent_edge, NULL);
	}
	phase(opts, "naming classes");
	hs_classes_name(&a->classes, s, a->dom_state, opts ? opts->interfaces : NULL);
	phase(opts, "aggregating classes");
	hs_classes_aggregate(&a->classes, s, a->self_size, &a->dom, a->distance);
	return 0;
}

void hs_analysis_release(struct hs_analysis *a)
{
	const struct hs_snapshot *s = a->s;

	/* Arrays that live in the snapshot's index mapping are not ours. */
#define HS_DROP(p) do { if (hs_snapshot_owns(s, (p))) (p) = NULL; } while (0)
	HS_DROP(a->dom_state);
	HS_DROP(a->self_size);
	HS_DROP(a->dom.idom);
	HS_DROP(a->dom.retained);
	HS_DROP(a->dom.dom_first);
	HS_DROP(a->dom.dom_children);
	HS_DROP(a->distance);
	HS_DROP(a->parent_edge);
	HS_DROP(a->classes.class_of);
#undef HS_DROP
	hs_graph_release(&a->graph);
	free(a->dom_state);
	free(a->self_size);
	hs_dominators_release(&a->dom);
	free(a->distance);
	free(a->parent_edge);
	hs_classes_release(&a->classes);
	memset(a, 0, sizeof(*a));
}
