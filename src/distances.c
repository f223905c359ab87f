/* Distances from the GC roots, DevTools' JSHeapSnapshot.calculateDistances:
 * BFS from the user roots (distance 1), then from the root for everything
 * else (base 100000000 when user roots exist).  Weak edges are skipped, and
 * so are: `sloppy_function_map` of a hidden 'system / NativeContext';
 * descriptor links of '(map descriptors)' arrays (crbug 413608); the first
 * of each pair of WeakMap ephemeron edges (crbug 1290800). */
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include "hsnap/distances.h"
#include "hsnap/graph.h"
#include "alloc.h"

struct pending {              /* a WeakMap edge pair seen once so far */
	const char *key;      /* points into the string arena */
	size_t len;
	int present;
	UT_hash_handle hh;
};

struct bfs {
	const struct hs_snapshot *s;
	int32_t *dist;
	uint32_t *parent;         /* BFS parent edge, or NULL */
	const uint64_t *ignored;  /* nodes not to enter, or NULL */
	uint32_t *queue, qlen;
	struct pending *set;
	struct pending **blocks;  /* pool: no malloc per entry */
	size_t nblocks, used;
};

#define POOL 4096

static struct pending *pending_new(struct bfs *b)
{
	if (b->used % POOL == 0) {
		HS_REALLOC_ARRAY(b->blocks, b->nblocks + 1);
		HS_ALLOC_ARRAY(b->blocks[b->nblocks], POOL);
		b->nblocks++;
	}
	b->used++;
	return &b->blocks[(b->used - 1) / POOL][(b->used - 1) % POOL];
}

/* JavaScript parseInt(name, 10) for the index test: NaN -> 0 and ok=0. */
static long long js_parse_int(const char *p, int *ok)
{
	long long v = 0;
	int neg = 0, any = 0;

	while (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r' || *p == '\f' || *p == '\v')
		p++;
	if (*p == '-' || *p == '+')
		neg = *p++ == '-';
	while (*p >= '0' && *p <= '9') {
		if (v < (1LL << 53))
			v = v * 10 + (*p - '0');
		p++;
		any = 1;
	}
	*ok = any;
	return neg ? -v : v;
}

static int edge_passes(struct bfs *b, uint32_t from, uint32_t e)
{
	const struct hs_snapshot *s = b->s;
	uint8_t ft = s->node_type[from];

	if (ft == s->t.hidden && hs_edge_has_string_name(s, e) &&
	    !strcmp(hs_str(&s->strings, s->edge_name[e]), "sloppy_function_map") &&
	    !strcmp(hs_node_name(s, from), "system / NativeContext"))
		return 0;
	if (ft == s->t.array && !strcmp(hs_node_name(s, from), "(map descriptors)")) {
		long long idx;
		int ok = 1;
		if (hs_edge_has_string_name(s, e))
			idx = js_parse_int(hs_str(&s->strings, s->edge_name[e]), &ok);
		else
			idx = s->edge_name[e];
		if (!ok)
			return 1; /* NaN < 2 is false, NaN % 3 !== 1 is true */
		return idx < 2 || idx % 3 != 1;
	}
	if (s->edge_type[e] == s->t.e_internal) {
		uint32_t nm = s->edge_name[e];
		const char *name = hs_str(&s->strings, nm);
		uint64_t table;
		size_t dup;
		if (hs_weakmap_edge_parse(name, hs_strlen(&s->strings, nm), &table, &dup)) {
			struct pending *p;
			size_t len = hs_strlen(&s->strings, nm) - dup;
			HASH_FIND(hh, b->set, name + dup, len, p);
			if (p && p->present) {
				p->present = 0;
				return 1;
			}
			if (!p) {
				p = pending_new(b);
				p->key = name + dup;
				p->len = len;
				HASH_ADD_KEYPTR(hh, b->set, p->key, p->len, p);
			}
			p->present = 1;
			return 0;
		}
	}
	return 1;
}

static void run(struct bfs *b, uint32_t start)
{
	const struct hs_snapshot *s = b->s;
	uint32_t i = start, e;

	while (i < b->qlen) {
		uint32_t n = b->queue[i++];
		int32_t d = b->dist[n] + 1;
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
			uint32_t t = s->edge_to[e];
			if (s->edge_type[e] == s->t.e_weak || b->dist[t] != HS_NO_DISTANCE)
				continue;
			if (b->ignored && hs_bit_get(b->ignored, t))
				continue;
			if (!edge_passes(b, n, e))
				continue;
			b->dist[t] = d;
			if (b->parent)
				b->parent[t] = e;
			b->queue[b->qlen++] = t;
		}
	}
}

void hs_distances(const struct hs_snapshot *s, int32_t *out)
{
	hs_distances_ex(s, out, NULL, NULL);
}

void hs_distances_ex(const struct hs_snapshot *s, int32_t *out, uint32_t *parent_edge,
		     const uint64_t *ignored)
{
	struct bfs b;
	uint32_t i, e, r = s->root, users;

	memset(&b, 0, sizeof(b));
	b.s = s;
	b.dist = out;
	b.parent = parent_edge;
	b.ignored = ignored;
	for (i = 0; i < s->node_count; i++)
		out[i] = HS_NO_DISTANCE;
	if (parent_edge)
		for (i = 0; i < s->node_count; i++)
			parent_edge[i] = HS_NO_EDGE;
	/* A node can be queued once per pass, and the second pass reuses the
	 * queue: n + 1 bounds it. */
	HS_ALLOC_ARRAY(b.queue, (size_t)s->node_count + 1);
	for (e = hs_edge_begin(s, r); e < hs_edge_end(s, r); e++) {
		uint32_t t = s->edge_to[e];
		if (hs_is_user_root(s, t) && out[t] != 1) { /* duplicates change nothing */
			out[t] = 1;
			b.queue[b.qlen++] = t;
		}
	}
	users = b.qlen;
	run(&b, 0);
	out[r] = users ? HS_BASE_SYSTEM_DISTANCE : 0;
	if (parent_edge)
		parent_edge[r] = HS_NO_EDGE;
	b.qlen = 0;
	b.queue[b.qlen++] = r;
	run(&b, 0);
	if (parent_edge)
		hs_paths_prefer_user(s, out, parent_edge); /* the user-level one of equal paths */
	HASH_CLEAR(hh, b.set);
	for (i = 0; i < b.nblocks; i++)
		free(b.blocks[i]);
	free(b.blocks);
	free(b.queue);
}
