/* Shallow-size re-attribution, DevTools' JSHeapSnapshot.calculateShallowSizes:
 * `hidden` and `array` nodes (and native 'system / ExternalStringData') are
 * "owned"; owner ids flow along non-weak edges from every other node; an owned
 * node reached from exactly one owner moves its size to that owner (unless
 * the owner is synthetic or the root).  Skipped when there are no user roots
 * (snapshots taken with exposeInternals). */
#include <stdlib.h>
#include <string.h>
#include "hsnap/shallow.h"
#include "alloc.h"

#define UNVISITED 0xffffffffu
#define MULTIPLE 0xfffffffeu

static int is_owned(const struct hs_snapshot *s, uint32_t i)
{
	uint8_t t = s->node_type[i];
	return t == s->t.hidden || t == s->t.array ||
	       (t == s->t.native && !strcmp(hs_node_name(s, i), "system / ExternalStringData"));
}

void hs_shallow_sizes(const struct hs_snapshot *s, const struct hs_graph *g, struct hs_sizes *out)
{
	uint32_t n = s->node_count, i, e, *owners, *work, wn = 0;

	hs_sizes_copy(out, &s->self_size, n);
	if (!g->user_roots || n >= MULTIPLE)
		return;
	HS_ALLOC_ARRAY(owners, n);
	/* Each node enters the worklist at most twice (see DevTools' comment). */
	HS_ALLOC_ARRAY(work, (size_t)n * 2);
	for (i = 0; i < n; i++) {
		if (is_owned(s, i)) {
			owners[i] = UNVISITED;
		} else {
			owners[i] = i;
			work[wn++] = i;
		}
	}
	while (wn) {
		uint32_t id = work[--wn], owner = owners[id];
		for (e = hs_edge_begin(s, id); e < hs_edge_end(s, id); e++) {
			uint32_t t = s->edge_to[e];
			if (s->edge_type[e] == s->t.e_weak)
				continue;
			if (owners[t] == UNVISITED) {
				owners[t] = owner;
				work[wn++] = t;
			} else if (owners[t] != t && owners[t] != owner && owners[t] != MULTIPLE) {
				owners[t] = MULTIPLE;
				work[wn++] = t;
			}
		}
	}
	for (i = 0; i < n; i++) {
		uint32_t o = owners[i];
		if (o == UNVISITED || o == MULTIPLE || o == i)
			continue;
		if (s->node_type[o] == s->t.synthetic || o == s->root)
			continue;
		/* no overflow: the loader checked that all sizes add up to
		 * less than 2^63 */
		hs_sizes_set(out, n, o, hs_size_at(out, o) + hs_size_at(out, i));
		hs_sizes_set(out, n, i, 0);
	}
	free(owners);
	free(work);
}
