/* The analysis pipeline over one snapshot, in DevTools' order:
 * graph (flags, essential edges, retainers) -> DOM state -> shallow-size
 * re-attribution -> dominators + retained sizes -> distances -> class names
 * (incl. inferred {a, b} interfaces) -> per-class aggregates -> statistics.
 * Each phase's result is its own array; struct hs_analysis only groups them. */
#ifndef HSNAP_ANALYSIS_H
#define HSNAP_ANALYSIS_H
#include <stdint.h>
#include "hsnap/snapshot.h"
#include "hsnap/graph.h"
#include "hsnap/dominators.h"
#include "hsnap/dom_state.h"
#include "hsnap/classes.h"
#include "hsnap/distances.h"
#include "hsnap/shallow.h"

struct hs_context_owners;

struct hs_statistics {
	uint64_t total, v8_heap, native, code, strings, js_arrays, typed_arrays, system;
};

struct hs_analysis;

struct hs_analysis_opts {
	int raw_sizes;   /* 1: keep the file's self sizes (no re-attribution) */
	const struct hs_interfaces *interfaces; /* NULL: infer from the snapshot */
	int no_distances; /* skip distances (distance stays NULL; comparisons) */
	int parent_edges; /* also keep each node's BFS parent edge (paths) */
	void (*phase)(void *ctx, const char *name); /* progress: phase starts */
	void *phase_ctx;
	/* Threads (0: all cores, 1: none).  With more than one, the phases that
	 * need only the model run beside the edge indexing; results do not
	 * depend on it. */
	int jobs;
	/* Called with the analysis while the class rows are aggregated, on the
	 * second thread (after them on this one with one job): work that reads
	 * the finished dominators, distances, parent edges and class names but
	 * not the class rows (a->classes.cls), e.g. summary's duplicate strings
	 * and closures.  NULL: none. */
	void (*beside_aggregates)(void *ctx, const struct hs_analysis *a);
	void *beside_ctx;
};

struct hs_analysis {
	const struct hs_snapshot *s;
	struct hs_graph graph;
	uint8_t *dom_state;      /* [n] propagated detachedness 0/1/2 */
	struct hs_sizes self_size; /* [n] shallow sizes as DevTools shows them: hs_shallow_size */
	struct hs_dominators dom;
	int32_t *distance;       /* [n] HS_NO_DISTANCE when unreachable */
	uint32_t *parent_edge;   /* [n] BFS parent edge (opts->parent_edges), or NULL */
	struct hs_classes classes;
	struct hs_statistics stats;
	/* Built on first use by owners.c (hs_context_owner), or NULL; freed by
	 * hs_analysis_release through the function owners.c leaves beside it,
	 * so that the analysis does not depend on the modules built on it. */
	struct hs_context_owners *owners;
	void (*owners_release)(struct hs_context_owners *);
	uint64_t borrowed;       /* bit 1 << section id per array lent by the index
				    (hs_index_analysis), not freed with a */
	/* Set by hs_index_analysis: gives the lent arrays back (hs_index_disown)
	 * when hs_analysis_release runs, as owners_release does for owners. */
	void (*index_disown)(struct hs_analysis *);
};

/* The shallow size DevTools shows for node n (after the re-attribution). */
static inline uint64_t hs_shallow_size(const struct hs_analysis *a, uint32_t n) { return hs_size_at(&a->self_size, n); }

int hs_analysis_run(struct hs_analysis *a, const struct hs_snapshot *s,
		    const struct hs_analysis_opts *opts, struct hs_error *err);
void hs_analysis_release(struct hs_analysis *a);

/* The statistics phase (exposed for tests; the other phases have their own
 * headers: hs_dom_state in dom_state.h, hs_shallow_sizes in shallow.h,
 * hs_distances in distances.h). */
void hs_statistics_compute(struct hs_statistics *st, const struct hs_snapshot *s,
			   const struct hs_graph *g, const struct hs_sizes *self,
			   uint64_t total_retained);

#endif
