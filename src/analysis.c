/* The analysis pipeline: a list of named phase calls in DevTools' order
 * (HeapSnapshot.initialize). */
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "hsnap/analysis.h"
#include "alloc.h"

/* JSHeapSnapshot.calculateArraySize: an Array's own size plus its `elements`
 * backing store when nothing else retains that store. */
static uint64_t array_size(const struct hs_snapshot *s, const struct hs_graph *g,
			   const struct hs_sizes *self, uint32_t n)
{
	uint64_t size = hs_size_at(self, n);
	uint32_t e;

	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
		if (s->edge_type[e] != s->t.e_internal ||
		    strcmp(hs_str(&s->strings, s->edge_name[e]), "elements"))
			continue;
		if (hs_graph_single_retainer(g, s->edge_to[e]))
			size += hs_size_at(self, s->edge_to[e]);
		break;
	}
	return size;
}

void hs_statistics_compute(struct hs_statistics *st, const struct hs_snapshot *s,
			   const struct hs_graph *g, const struct hs_sizes *self,
			   uint64_t total_retained)
{
	uint32_t n;

	memset(st, 0, sizeof(*st));
	st->native = s->extra_native_bytes;
	for (n = 0; n < s->node_count; n++) {
		uint8_t t = s->node_type[n];
		uint64_t size = hs_size_at(self, n);
		if (t == s->t.hidden) {
			st->system += size;
		} else if (t == s->t.native) {
			st->native += size;
			if (!strcmp(hs_node_name(s, n), "system / JSArrayBufferData"))
				st->typed_arrays += size;
		} else if (t == s->t.code) {
			st->code += size;
		} else if (t == s->t.cons_string || t == s->t.sliced_string || t == s->t.string) {
			st->strings += size;
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

/* Threads for the analysis: opts->jobs, or all cores when 0 (as loading). */
static int analysis_jobs(const struct hs_analysis_opts *o)
{
	long cores;

	if (o && o->jobs > 0)
		return o->jobs;
	cores = sysconf(_SC_NPROCESSORS_ONLN);
	return cores > 1 ? (int)cores : 1;
}

/* DOM state and shallow sizes.  g: only g->user_roots is read (all that
 * hs_shallow_sizes needs, set by hs_graph_begin), so they can run beside the
 * rest of the graph's building.
 * report: call the phase callback (the main thread only). */
static void states_and_sizes(struct hs_analysis *a, const struct hs_analysis_opts *opts,
			     const struct hs_graph *g, int report)
{
	const struct hs_snapshot *s = a->s;
	uint32_t n = s->node_count;

	phase(report ? opts : NULL, "propagating DOM state");
	HS_ALLOC_ARRAY(a->dom_state, n);
	hs_dom_state(s, a->dom_state);
	phase(report ? opts : NULL, "calculating shallow sizes");
	if (opts && opts->raw_sizes)
		hs_sizes_copy(&a->self_size, &s->self_size, n);
	else
		hs_shallow_sizes(s, g, &a->self_size);
}

/* Distances and class names: they read only the model and dom_state. */
static void distances_and_names(struct hs_analysis *a, const struct hs_analysis_opts *opts,
				int report)
{
	const struct hs_snapshot *s = a->s;
	uint32_t n = s->node_count;

	if (!opts || !opts->no_distances) {
		phase(report ? opts : NULL, "calculating distances");
		HS_ALLOC_ARRAY(a->distance, n);
		if (opts && opts->parent_edges)
			HS_ALLOC_ARRAY(a->parent_edge, n);
		hs_distances_ex(s, a->distance, a->parent_edge, NULL);
	}
	phase(report ? opts : NULL, "naming classes");
	hs_classes_name(&a->classes, s, a->dom_state, opts ? opts->interfaces : NULL);
}

/* The second thread's share: the phases that do not need the dominators,
 * in the order the first thread needs their results: the retainer counts
 * (while the first thread marks the page-owned nodes, which the counts do
 * not need until hs_graph_finish), DOM state and shallow sizes (the
 * dominators read the sizes only at their end), then, once the graph is
 * finished, the mapping of the retainer lists (while the dominators' DFS
 * runs), the statistics, distances and class names.  Their results are
 * separate arrays, so they are the same whichever thread runs them. */
struct side {
	struct hs_analysis *a;
	const struct hs_analysis_opts *opts;
	atomic_int counted;  /* hs_graph_count is done: the first thread may finish the graph */
	atomic_int sized;    /* self_size is done: the retained sizes may be added */
	atomic_int finished; /* hs_graph_finish is done: ret_from and the page bits are there */
};

static void wait_for(atomic_int *flag)
{
	while (!atomic_load(flag))
		sched_yield();
}

/* Statistics need the retainer-count and page bits (3 bits a node), which
 * are freed right after; the dominators read neither. */
static void statistics(struct hs_analysis *a)
{
	hs_statistics_compute(&a->stats, a->s, &a->graph, &a->self_size, 0);
	hs_graph_release_counts(&a->graph);
}

static void *side_run(void *arg)
{
	struct side *w = arg;

	hs_graph_count(&w->a->graph);
	atomic_store(&w->counted, 1);
	states_and_sizes(w->a, w->opts, &w->a->graph, 0);
	atomic_store(&w->sized, 1);
	wait_for(&w->finished);
	hs_graph_map_retainers(&w->a->graph);
	statistics(w->a);
	distances_and_names(w->a, w->opts, 0);
	return NULL;
}

/* the caller's work beside the class aggregation (opts->beside_aggregates) */
static void *beside_run(void *arg)
{
	struct side *w = arg;

	w->opts->beside_aggregates(w->opts->beside_ctx, w->a);
	return NULL;
}

int hs_analysis_run(struct hs_analysis *a, const struct hs_snapshot *s,
		    const struct hs_analysis_opts *opts, struct hs_error *err)
{
	int two = analysis_jobs(opts) > 1, side = 0;
	struct side w;
	struct hs_dom_work work; /* the dominators' work arrays, mapped */
	pthread_t tid;

	(void)err;
	memset(a, 0, sizeof(*a));
	a->s = s;
	memset(&w, 0, sizeof(w));
	w.a = a;
	w.opts = opts;
	phase(opts, "indexing edges");
	hs_graph_begin(&a->graph, s);
	if (two) {
		/* the second thread maps the lists: they are not freed before */
		hs_graph_map_retainers_expect(&a->graph);
		side = pthread_create(&tid, NULL, side_run, &w) == 0;
		if (!side)
			hs_graph_map_retainers_done(&a->graph);
	}
	if (side) {
		/* and this one marks the page-owned nodes and maps the
		 * dominators' work arrays (fresh pages are dear) */
		hs_graph_mark_pages(&a->graph);
		hs_dominators_prepare(&work, s->node_count);
		wait_for(&w.counted);
		hs_graph_finish(&a->graph);
		atomic_store(&w.finished, 1);
	} else {
		hs_graph_mark_pages(&a->graph);
		hs_graph_count(&a->graph);
		hs_graph_finish(&a->graph);
		states_and_sizes(a, opts, &a->graph, 1);
		hs_dominators_prepare(&work, s->node_count);
	}
	phase(opts, "computing dominators");
	if (!side)
		statistics(a);
	hs_dominators_tree_in(&a->dom, &a->graph, &work); /* frees the retainers */
	if (side)
		wait_for(&w.sized);
	hs_dominators_sizes(&a->dom, s->node_count, s->root, &a->self_size);
	if (side)
		pthread_join(tid, NULL);
	a->stats.total = a->dom.retained[s->root] + s->extra_native_bytes;
	a->stats.v8_heap = a->stats.total - a->stats.native;
	if (!side)
		distances_and_names(a, opts, 1);
	phase(opts, "aggregating classes");
	if (opts && opts->beside_aggregates) {
		int beside = two && pthread_create(&tid, NULL, beside_run, &w) == 0;
		hs_classes_aggregate(&a->classes, s, &a->self_size, &a->dom, a->distance);
		if (beside)
			pthread_join(tid, NULL);
		else
			beside_run(&w);
	} else {
		hs_classes_aggregate(&a->classes, s, &a->self_size, &a->dom, a->distance);
	}
	return 0;
}

void hs_analysis_release(struct hs_analysis *a)
{
	if (a->index_disown)
		a->index_disown(a); /* arrays that live in the index mapping are not ours */
	hs_graph_release(&a->graph);
	hs_free(a->dom_state);
	hs_sizes_release(&a->self_size);
	hs_dominators_release(&a->dom);
	hs_free(a->distance);
	hs_free(a->parent_edge);
	hs_classes_release(&a->classes);
	if (a->owners && a->owners_release)
		a->owners_release(a->owners);
	memset(a, 0, sizeof(*a));
}
