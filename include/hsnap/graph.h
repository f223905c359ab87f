/* Edge indexes derived from the model: DevTools' page-owned node flag, the
 * essential-edge rule used for dominators, and the reverse (retainer) CSR over
 * essential edges.  Built by hs_graph_build (counts) and
 * hs_graph_fill_retainers (lists). */
#ifndef HSNAP_GRAPH_H
#define HSNAP_GRAPH_H
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "hsnap/snapshot.h"

struct hs_graph {
	const struct hs_snapshot *s;
	uint64_t *page;        /* bit per node: DevTools' pageObject flag */
	uint64_t *essential;   /* bit per edge: used for dominators */
	uint32_t *ret_first;   /* [node_count + 1] into ret_from */
	uint32_t *ret_from;    /* essential retainers, grouped by target (ordinal);
				* allocated by hs_graph_build, filled by
				* hs_graph_fill_retainers */
	uint64_t *retained_once, *retained_more; /* bit per node: 1+, 2+ retaining
				* edges of any type (weak included) */
	uint32_t user_roots;   /* root edges to user roots (DevTools isUserRoot) */
	uint32_t ret_total;    /* essential edges: ret_from's length */
	uint32_t page_owned;   /* nodes with the page bit */
	/* 1 from hs_graph_map_retainers_expect until hs_graph_map_retainers
	 * is done: hs_graph_release_retainers waits for it */
	atomic_int mapping;
};

/* Flags, essential bits and the essential retainers' counts (ret_first as
 * list starts); ret_from is allocated, its pages not mapped yet. */
int hs_graph_build(struct hs_graph *g, const struct hs_snapshot *s);
/* hs_graph_build in steps, for two threads: hs_graph_begin (allocates,
 * counts user roots); then hs_graph_count and hs_graph_mark_pages, which
 * write different arrays and may run at once on two threads; then, when
 * both are done, hs_graph_finish (the page-owned rule, the list starts,
 * ret_from). */
void hs_graph_begin(struct hs_graph *g, const struct hs_snapshot *s);
void hs_graph_count(struct hs_graph *g);
void hs_graph_mark_pages(struct hs_graph *g);
void hs_graph_finish(struct hs_graph *g);
/* Maps ret_from's pages (fresh pages cost a fault each) on a second thread
 * while the dominators' DFS runs; hs_graph_fill_retainers does it otherwise.
 * Safe beside the fill: it does not change the contents.  The thread that
 * starts the second one calls hs_graph_map_retainers_expect first (and
 * hs_graph_map_retainers_done if it could not start it), so that the lists
 * are not freed while they are being mapped. */
void hs_graph_map_retainers_expect(struct hs_graph *g);
void hs_graph_map_retainers(struct hs_graph *g);
void hs_graph_map_retainers_done(struct hs_graph *g);
/* Fills ret_from: for each essential edge from -> to, label[from] (the
 * ordinal itself when label is NULL) in to's list, in ascending order of
 * `from`.  Called by hs_dominators_build with DFS numbers, once it has them. */
void hs_graph_fill_retainers(struct hs_graph *g, const uint32_t *label);
void hs_graph_release(struct hs_graph *g);
/* Frees the essential-edge bits and the retainer index (after dominators);
 * user_roots stays valid. */
void hs_graph_release_retainers(struct hs_graph *g);
/* Frees the page and retainer-count bits (not needed once statistics are
 * computed). */
void hs_graph_release_counts(struct hs_graph *g);
/* 1 when exactly one edge of any type (weak included) points at node n
 * (before hs_graph_release_counts). */
int hs_graph_single_retainer(const struct hs_graph *g, uint32_t n);
/* 1 when node n is page-owned (DevTools' pageObject flag; before
 * hs_graph_release_counts). */
static inline int hs_graph_page_owned(const struct hs_graph *g, uint32_t n)
{
	return (g->page[n >> 6] >> (n & 63)) & 1;
}

/* DevTools' JSHeapSnapshot.isUserRoot: not synthetic, or (Document DOM trees). */
int hs_is_user_root(const struct hs_snapshot *s, uint32_t n);

/* Parses a WeakMap ephemeron edge name, DevTools' regex
 * ^\d+( / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$
 * Returns 1 on a match with *table_id and *dup (offset of the duplicated part). */
int hs_weakmap_edge_parse(const char *name, size_t len, uint64_t *table_id, size_t *dup);

#endif
