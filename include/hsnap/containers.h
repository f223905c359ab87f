/* Containers that grow at every step across snapshots of one process
 * (MemLab's unbound-collection / unbound-object): Arrays by the heap values
 * they hold (element edges), Maps and Sets by the heap values in their hash
 * table (its numbered internal edges: keys and values that are objects or
 * strings; small integers are not heap objects and the snapshot does not
 * record them), other JS objects by their property count.  Matched by V8 id
 * and kind from one snapshot to the next; only the ones that grew at every
 * step stay, so memory after the first step is that of the growers. */
#ifndef HSNAP_CONTAINERS_H
#define HSNAP_CONTAINERS_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/snapshot.h"

enum hs_container_kind { HS_CONT_ARRAY, HS_CONT_MAP, HS_CONT_SET, HS_CONT_OBJECT };

/* One snapshot's containers, sorted by id. */
struct hs_container {
	uint64_t id;
	uint32_t node;     /* ordinal in that snapshot */
	uint32_t held;     /* heap values held (see above) */
	uint32_t kind;
};
struct hs_containers {
	struct hs_container *v;
	size_t n;
};

/* Containers of s holding at least min_held values.  Never fails (exits 4
 * on out of memory like every allocation). */
void hs_containers_measure(const struct hs_snapshot *s, uint32_t min_held, struct hs_containers *out);
void hs_containers_release(struct hs_containers *c);
/* The node whose edges are counted for container n: n itself, or a Map's or
 * Set's hash table (UINT32_MAX when it has none). */
uint32_t hs_container_table(const struct hs_snapshot *s, uint32_t n, uint32_t kind);
/* 1 when edge e (of that node) is one of the values counted. */
int hs_container_counts_edge(const struct hs_snapshot *s, uint32_t kind, uint32_t e);
const char *hs_container_kind_name(uint32_t kind);

/* The series over snapshots: after hs_growing_start with the first snapshot's
 * containers, each hs_growing_step keeps the containers whose held count grew
 * (strictly) since the previous step; held[i * steps + k] is container i's
 * count in snapshot k.  node[] is the ordinal in the last snapshot given. */
struct hs_growing {
	uint64_t *id;
	uint32_t *kind, *node, *held;
	size_t n;
	uint32_t steps;
};
void hs_growing_start(struct hs_growing *g, const struct hs_containers *first);
void hs_growing_step(struct hs_growing *g, const struct hs_containers *next);
void hs_growing_release(struct hs_growing *g);

#endif
