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
#include "distances_prefer.h"

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
	struct hs_prefer *prefer; /* hs_paths_prefer_user's cost pass, or NULL */
	uint32_t skip;            /* a node whose edges the cost pass skips here */
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

/* The BFS, and with b->prefer the cost pass of hs_paths_prefer_user beside
 * it: the queue holds the nodes in an order of nondecreasing distance, a
 * node's cost is final when it is dequeued (every node one step nearer was
 * dequeued before it), and every edge the cost pass can use (not weak, to a
 * node one step further) has its target's final distance once the BFS has
 * handled it: an edge the BFS skips for its target, either the target is
 * never reached, or it is reached later by another edge, in which case the
 * skipped one is of the kinds the cost pass does not take either (the
 * filters of edge_passes, which hs_prefer_alt_ok rejects). */
static void run(struct bfs *b, uint32_t start)
{
	const struct hs_snapshot *s = b->s;
	struct hs_prefer *p = b->prefer;
	uint32_t i = start, e;

	while (i < b->qlen) {
		uint32_t n = b->queue[i++];
		int32_t d = b->dist[n] + 1;
		int costs = p && p->cost[n] != HS_PREFER_NONE && n != b->skip;
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
			uint32_t t = s->edge_to[e];
			if (s->edge_type[e] == s->t.e_weak)
				continue;
			if (b->dist[t] == HS_NO_DISTANCE && !(b->ignored && hs_bit_get(b->ignored, t)) &&
			    edge_passes(b, n, e)) {
				b->dist[t] = d;
				if (b->parent)
					b->parent[t] = e;
				if (p)
					p->cost[t] = HS_PREFER_NONE;
				b->queue[b->qlen++] = t;
			}
			if (costs && b->dist[t] == d)
				hs_prefer_edge(p, s, b->parent, n, e, t);
		}
	}
}

void hs_distances(const struct hs_snapshot *s, int32_t *out)
{
	hs_distances_ex(s, out, NULL, NULL);
}

/* prefer: run hs_paths_prefer_user's choice (its cost pass beside the BFS) */
static void distances(const struct hs_snapshot *s, int32_t *out, uint32_t *parent_edge,
		      const uint64_t *ignored, int prefer)
{
	struct bfs b;
	struct hs_prefer p;
	uint32_t i, e, r = s->root, users;
	int beside = prefer && parent_edge && s->node_count;

	memset(&b, 0, sizeof(b));
	b.s = s;
	b.dist = out;
	b.parent = parent_edge;
	b.ignored = ignored;
	if (beside) {
		hs_prefer_init(&p, s->node_count);
		b.prefer = &p;
	}
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
	/* the root's distance in this pass, if it gets one, is not its last */
	b.skip = r;
	run(&b, 0);
	/* a user-pass distance next to the system pass's (100 M steps deep)
	 * would make a pair one step apart across the passes: the sorted pass */
	if (beside && b.qlen && out[b.queue[b.qlen - 1]] >= HS_BASE_SYSTEM_DISTANCE - 1) {
		hs_prefer_release(&p);
		b.prefer = NULL;
		beside = 0;
	}
	out[r] = users ? HS_BASE_SYSTEM_DISTANCE : 0;
	if (parent_edge)
		parent_edge[r] = HS_NO_EDGE;
	if (beside)
		p.cost[r] = 0;
	b.skip = HS_NO_EDGE;
	b.qlen = 0;
	b.queue[b.qlen++] = r;
	run(&b, 0);
	/* the user-level one of equal paths */
	if (beside)
		hs_prefer_choose(&p, s, out, parent_edge);
	else if (prefer && parent_edge)
		hs_paths_prefer_user(s, out, parent_edge);
	HASH_CLEAR(hh, b.set);
	for (i = 0; i < b.nblocks; i++)
		free(b.blocks[i]);
	free(b.blocks);
	free(b.queue);
}

void hs_distances_ex(const struct hs_snapshot *s, int32_t *out, uint32_t *parent_edge,
		     const uint64_t *ignored)
{
	distances(s, out, parent_edge, ignored, 1);
}

void hs_distances_bfs(const struct hs_snapshot *s, int32_t *out, uint32_t *parent_edge,
		      const uint64_t *ignored)
{
	distances(s, out, parent_edge, ignored, 0);
}
