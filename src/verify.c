/* Integrity checks for hsnap verify (verify.h): header counts, node types,
 * duplicate ids, reachability, self-loops, the sum check and the root. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/verify.h"
#include "alloc.h"
#include "sort.h"

#define DETAIL(c, ...) snprintf((c)->detail, sizeof((c)->detail), __VA_ARGS__)

static int u64_cmp(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

/* Nodes reached from the root, over all edges (weak = 1) or non-weak only. */
static uint32_t reach(const struct hs_snapshot *s, int weak, uint8_t *seen)
{
	uint32_t *q, qn = 0, qi = 0, e, count = 1;

	memset(seen, 0, s->node_count);
	HS_ALLOC_ARRAY(q, s->node_count);
	q[qn++] = s->root;
	seen[s->root] = 1;
	while (qi < qn) {
		uint32_t n = q[qi++];
		for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
			uint32_t t = s->edge_to[e];
			if (seen[t] || (!weak && s->edge_type[e] == s->t.e_weak))
				continue;
			seen[t] = 1;
			q[qn++] = t;
			count++;
		}
	}
	free(q);
	return count;
}

static void check_header(const struct hs_snapshot *s, struct hs_check *c)
{
	c->name = "header counts";
	c->ok = s->header_node_count != s->node_count || s->header_edge_count != s->edge_count
		? HS_CHECK_NOTE : HS_CHECK_OK;
	if (c->ok == HS_CHECK_NOTE)
		DETAIL(c, "header says %" PRIu64 " nodes and %" PRIu64 " edges, the arrays hold %u and %u",
		       s->header_node_count, s->header_edge_count, s->node_count, s->edge_count);
	else
		DETAIL(c, "node_count and edge_count match the arrays");
}

static void check_types(const struct hs_snapshot *s, struct hs_check *c)
{
	uint32_t i, untyped = 0;

	for (i = 0; i < s->node_count; i++)
		untyped += s->node_type[i] >= s->n_node_types;
	c->name = "node types";
	c->ok = untyped ? HS_CHECK_NOTE : HS_CHECK_OK;
	DETAIL(c, untyped
	       ? "%u node(s) of a type beyond meta.node_types (%u names; 2015-2016 V8's symbols): type undefined, class (undefined), as in DevTools"
	       : "every node type is in meta.node_types (%u names)", untyped ? untyped : s->n_node_types, s->n_node_types);
}

static void check_ids(const struct hs_snapshot *s, struct hs_check *c)
{
	uint64_t *ids;
	uint32_t i, dups = 0;

	HS_ALLOC_ARRAY(ids, s->node_count);
	for (i = 0; i < s->node_count; i++)
		ids[i] = hs_node_id(s, i);
	hs_sort(ids, s->node_count, sizeof(*ids), u64_cmp);
	for (i = 1; i < s->node_count; i++)
		dups += ids[i] == ids[i - 1];
	free(ids);
	c->name = "unique ids";
	c->ok = dups ? HS_CHECK_NOTE : HS_CHECK_OK;
	DETAIL(c, dups ? "%u nodes share an id with another node (diff matching may be ambiguous)"
		       : "every node id is unique", dups);
}

static void check_reach(const struct hs_snapshot *s, struct hs_check *c)
{
	uint32_t all, strong;
	uint8_t *seen;

	HS_ALLOC_ARRAY(seen, s->node_count);
	all = reach(s, 1, seen);
	strong = reach(s, 0, seen);
	free(seen);
	c->name = "reachability";
	c->ok = all == s->node_count && strong == s->node_count ? HS_CHECK_OK : HS_CHECK_NOTE;
	DETAIL(c, "%u nodes unreachable from the root, %u more reachable only through weak edges (both are attached to the root for dominators, as DevTools does)",
	       s->node_count - all, all - strong);
}

/* Self-loops, then the sum check (c[0], c[1]). */
static void check_sums(const struct hs_snapshot *s, const struct hs_analysis *a, struct hs_check *c)
{
	uint32_t i, loops = 0;
	uint64_t sum = 0;

	for (i = 0; i < s->node_count; i++) {
		uint32_t e;
		for (e = hs_edge_begin(s, i); e < hs_edge_end(s, i); e++)
			loops += s->edge_to[e] == i;
		sum += hs_shallow_size(a, i);
	}
	c[0].name = "self-loops";
	c[0].ok = HS_CHECK_OK;
	DETAIL(&c[0], "%u edges from a node to itself (ignored for dominators)", loops);
	c[1].name = "sum check";
	c[1].ok = a->dom.retained[s->root] == sum ? HS_CHECK_OK : HS_CHECK_FAIL;
	DETAIL(&c[1], "retained size of the root %" PRIu64 " %s sum of shallow sizes %" PRIu64,
	       a->dom.retained[s->root], c[1].ok ? "=" : "!=", sum);
}

size_t hs_verify_run(const struct hs_snapshot *s, const struct hs_analysis *a,
		     struct hs_check c[HS_VERIFY_MAX_CHECKS])
{
	check_header(s, &c[0]);
	check_types(s, &c[1]);
	check_ids(s, &c[2]);
	check_reach(s, &c[3]);
	check_sums(s, a, &c[4]);
	c[6].name = "root";
	c[6].ok = s->node_type[s->root] == s->t.synthetic ? HS_CHECK_OK : HS_CHECK_NOTE;
	DETAIL(&c[6], "root (ordinal %u) is %s; %u user roots", s->root, hs_node_type_name(s, s->root),
	       a->graph.user_roots);
	return 7;
}
