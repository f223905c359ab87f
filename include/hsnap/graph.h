/* Edge indexes derived from the model: DevTools' node flags, the
 * essential-edge rule used for dominators, and the reverse (retainer) CSR over
 * essential edges.  Built once by hs_graph_build; read-only afterwards. */
#ifndef HSNAP_GRAPH_H
#define HSNAP_GRAPH_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/snapshot.h"

/* Node flags, as JSHeapSnapshot.nodeFlags. */
#define HS_FLAG_QUERYABLE 1
#define HS_FLAG_DETACHED_DOM 2
#define HS_FLAG_PAGE 4

struct hs_graph {
	const struct hs_snapshot *s;
	uint8_t *flags;        /* [node_count] HS_FLAG_* */
	uint64_t *essential;   /* bit per edge: used for dominators */
	uint32_t *ret_first;   /* [node_count + 1] into ret_from */
	uint32_t *ret_from;    /* essential retainers' ordinals, grouped by target */
	uint32_t *in_degree;   /* [node_count] all retaining edges, weak included */
	uint32_t user_roots;   /* root edges to user roots (DevTools isUserRoot) */
};

int hs_graph_build(struct hs_graph *g, const struct hs_snapshot *s);
void hs_graph_release(struct hs_graph *g);
/* Frees the essential-edge bits and the retainer index (after dominators);
 * user_roots stays valid. */
void hs_graph_release_retainers(struct hs_graph *g);
/* Frees flags and in_degree (not needed once statistics are computed). */
void hs_graph_release_counts(struct hs_graph *g);

/* DevTools' JSHeapSnapshot.isUserRoot: not synthetic, or (Document DOM trees). */
int hs_is_user_root(const struct hs_snapshot *s, uint32_t n);

/* Parses a WeakMap ephemeron edge name, DevTools' regex
 * ^\d+( / part of key \(.*? @\d+\) -> value \(.*? @\d+\) pair in WeakMap \(table @(\d+)\))$
 * Returns 1 on a match with *table_id and *dup (offset of the duplicated part). */
int hs_weakmap_edge_parse(const char *name, size_t len, uint64_t *table_id, size_t *dup);

#endif
