/* After the document: the values kept raw (arrays before the header) are
 * stored, then what only the whole file can tell is checked: whole records,
 * string indexes, edge targets, the edge_count sum, sizes that cannot wrap;
 * locations are sorted (the last record per node wins, as in DevTools) and
 * each is given its script's node. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "load_internal.h"
#include "scripts.h"
#include "alloc.h"
#include "sort.h"

/* The header came after "nodes"/"edges": their values now go into the model. */
static int replay(struct parser *p)
{
	return (!p->raw_nodes.nr || hs_scan_values(p, SEC_NODES, p->raw_nodes.v, p->raw_nodes.nr)) &&
	       (!p->raw_edges.nr || hs_scan_values(p, SEC_EDGES, p->raw_edges.v, p->raw_edges.nr));
}

/* Appends a non-fatal problem to s->warning ("; " between two). */
static void add_warning(struct hs_snapshot *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_warning(struct hs_snapshot *s, const char *fmt, ...)
{
	size_t used = strlen(s->warning);
	va_list ap;

	if (used + 3 >= sizeof(s->warning))
		return;
	if (used) {
		memcpy(s->warning + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(s->warning + used, sizeof(s->warning) - used, fmt, ap);
	va_end(ap);
}

static int check_nodes(struct parser *p)
{
	struct hs_snapshot *s = p->s;
	uint64_t sum = 0, bytes = s->extra_native_bytes;
	uint32_t i, untyped = 0, first_untyped = 0;

	if (p->nfield)
		return hs_load_fail(p, HS_ERR_FORMAT, "nodes array length is not a multiple of node_fields (%u)", p->nf);
	if (p->efield)
		return hs_load_fail(p, HS_ERR_FORMAT, "edges array length is not a multiple of edge_fields (%u)", p->ef);
	if (!s->node_count)
		return hs_load_fail(p, HS_ERR_FORMAT, "snapshot has no nodes");
	if (s->root >= s->node_count)
		return hs_load_fail(p, HS_ERR_FORMAT, "snapshot.root_index is beyond the last node");
	s->first_edge[0] = 0;
	for (i = 0; i < s->node_count; i++) {
		/* A type beyond the enum is what 2015-2016 V8 wrote for symbols
		 * (type 12, 12 names); DevTools loads it as type undefined. */
		if (s->node_type[i] >= s->n_node_types && !untyped++)
			first_untyped = i;
		if (s->node_name[i] >= s->strings.count)
			return hs_load_fail(p, HS_ERR_FORMAT, "node %u: name %u is not a string index (%u strings)",
				    i, s->node_name[i], s->strings.count);
		/* every size the analysis adds up (retained sizes, class and
		 * category totals, diff deltas) is at most this sum: it must
		 * not wrap, nor overflow a signed delta */
		if (__builtin_add_overflow(bytes, hs_self_size(s, i), &bytes) || bytes > INT64_MAX)
			return hs_load_fail(p, HS_ERR_FORMAT,
				    "node %u: self sizes%s add up to more than 2^63 - 1 bytes", i,
				    s->extra_native_bytes ? " and extra_native_bytes" : "");
		sum += s->first_edge[i + 1];
		if (sum > s->edge_count)
			break;
		s->first_edge[i + 1] = (uint32_t)sum;
	}
	if (i < s->node_count || sum != s->edge_count) {
		/* node i (where the loop broke) is in sum already: add the rest */
		for (i++; i < s->node_count; i++)
			sum += s->first_edge[i + 1];
		return hs_load_fail(p, HS_ERR_FORMAT, "sum of node edge_count (%llu) != number of edges (%u)",
			    (unsigned long long)sum, s->edge_count);
	}
	if (untyped)
		add_warning(s, "%u node%s of a type beyond meta.node_types (%u names; first: node %u, type %u): "
			    "class (undefined), as in DevTools",
			    untyped, untyped == 1 ? "" : "s", s->n_node_types, first_untyped,
			    s->node_type[first_untyped]);
	return 1;
}

static int check_edges(struct parser *p)
{
	struct hs_snapshot *s = p->s;
	uint32_t e;

	for (e = 0; e < s->edge_count; e++) {
		if (s->edge_type[e] >= s->n_edge_types)
			return hs_load_fail(p, HS_ERR_FORMAT, "edge %u: type %u is not in meta.edge_types (%u types)",
				    e, s->edge_type[e], s->n_edge_types);
		if (s->edge_to[e] >= s->node_count)
			return hs_load_fail(p, HS_ERR_FORMAT, "edge %u: to_node %llu is beyond the last node (%u nodes)",
				    e, (unsigned long long)s->edge_to[e] * p->nf, s->node_count);
		if (hs_edge_has_string_name(s, e) && s->edge_name[e] >= s->strings.count)
			return hs_load_fail(p, HS_ERR_FORMAT, "edge %u: name %u is not a string index (%u strings)",
				    e, s->edge_name[e], s->strings.count);
	}
	return 1;
}

/* The locations, one per node that has any (DevTools: the last record of a
 * node wins), in node order.  V8 writes them nearly in node order: the
 * records are checked and keyed (node << 32 | record) in file order, the keys
 * radix-sorted (their record halves are in order already: two passes), and
 * the locations built from the records in key order. */
static int build_locations(const struct parser *p, struct hs_error *err)
{
	struct hs_snapshot *s = p->s;
	size_t n, i, out = 0;
	uint64_t *key;

	if (!p->raw_locs.nr)
		return 1;
	if (p->loc_node < 0 || p->loc_script < 0 || p->loc_line < 0 || p->loc_col < 0 || !p->lf)
		return 1; /* unknown layout: ignore, as DevTools would mis-read it */
	if (p->raw_locs.nr % p->lf)
		return !hs_error_set(err, HS_ERR_FORMAT, "locations array length is not a multiple of location_fields (%u)",
				     p->lf);
	n = p->raw_locs.nr / p->lf;
	if (n > UINT32_MAX)
		return !hs_error_set(err, HS_ERR_LIMIT, "too many locations");
	HS_ALLOC_ARRAY(key, n ? n : 1);
	for (i = 0; i < n; i++) {
		const uint64_t *r = p->raw_locs.v + i * p->lf;
		uint64_t off = r[p->loc_node];
		if (off % p->nf || off / p->nf >= s->node_count) {
			free(key);
			return !hs_error_set(err, HS_ERR_FORMAT, "location %zu: object_index %llu is not a node offset",
					     i, (unsigned long long)off);
		}
		if (r[p->loc_script] > UINT32_MAX || r[p->loc_line] > UINT32_MAX || r[p->loc_col] > UINT32_MAX) {
			free(key);
			return !hs_error_set(err, HS_ERR_FORMAT, "location %zu: value exceeds 32 bits", i);
		}
		key[i] = off / p->nf << 32 | i;
	}
	hs_radix_sort_u64(key, n, 32);
	HS_ALLOC_ARRAY(s->locations, n ? n : 1);
	for (i = 0; i < n; i++) {
		const uint64_t *r = p->raw_locs.v + (size_t)(uint32_t)key[i] * p->lf;
		struct hs_location l = { .node = (uint32_t)(key[i] >> 32), .script_id = (uint32_t)r[p->loc_script],
					 .line = (uint32_t)r[p->loc_line], .column = (uint32_t)r[p->loc_col],
					 .script_node = UINT32_MAX };
		if (p->loc_script_obj >= 0) {
			uint64_t so = r[p->loc_script_obj];
			if (so % p->nf == 0 && so / p->nf < s->node_count)
				l.script_node = (uint32_t)(so / p->nf);
		}
		if (out && s->locations[out - 1].node == l.node)
			s->locations[out - 1] = l;
		else
			s->locations[out++] = l;
	}
	free(key);
	s->location_count = (uint32_t)out;
	return 1;
}

/* The locations are built on a second thread beside the node and edge
 * checks (they read only node_count and the raw records, and write only
 * the locations); a failure of theirs is reported only when the checks
 * before them pass, as one after the other would. */
struct loc_job {
	const struct parser *p;
	int ok;
	struct hs_error err;
};

static void *loc_run(void *arg)
{
	struct loc_job *j = arg;

	j->ok = build_locations(j->p, &j->err);
	return NULL;
}

static int check_all(struct parser *p)
{
	struct loc_job j = { p, 0, { 0, "" } };
	pthread_t tid;
	int started = p->jobs > 1 && p->raw_locs.nr && pthread_create(&tid, NULL, loc_run, &j) == 0, ok;

	ok = check_nodes(p) && check_edges(p);
	if (started)
		pthread_join(tid, NULL);
	else if (ok)
		loc_run(&j);
	if (ok && !j.ok)
		return hs_load_fail(p, j.err.status, "%s", j.err.msg);
	return ok;
}

int hs_load_finish(struct parser *p)
{
	struct hs_snapshot *s = p->s;

	if (!(p->seen & (1u << SEC_SNAPSHOT)))
		return hs_load_fail(p, HS_ERR_FORMAT, "not a heap snapshot: no \"snapshot\" header");
	if (!(p->seen & (1u << SEC_NODES)))
		return hs_load_fail(p, HS_ERR_FORMAT, "not a heap snapshot: no \"nodes\" array");
	if (!(p->seen & (1u << SEC_EDGES)))
		return hs_load_fail(p, HS_ERR_FORMAT, "not a heap snapshot: no \"edges\" array");
	if (!(p->seen & (1u << SEC_STRINGS)))
		return hs_load_fail(p, HS_ERR_FORMAT, "not a heap snapshot: no \"strings\" array");
	if (!p->header_done)
		return 0;
	s->has_locations = !!(p->seen & (1u << SEC_LOCATIONS));
	s->has_samples = !!(p->seen & (1u << SEC_SAMPLES));
	s->has_trace_tree = !!(p->seen & (1u << SEC_TRACE_TREE));
	s->has_trace_function_infos = !!(p->seen & (1u << SEC_TFI));
	s->scopes.seen = (p->seen >> SEC_SCOPES) & ((1u << HS_SCOPE_TABLES) - 1);
	if (!replay(p) || !check_all(p))
		return 0;
	hs_resolve_scripts(s);
	if (s->header_node_count != s->node_count || s->header_edge_count != s->edge_count)
		add_warning(s, "header says %llu nodes and %llu edges, the arrays hold %u and %u",
			 (unsigned long long)s->header_node_count, (unsigned long long)s->header_edge_count,
			 s->node_count, s->edge_count);
	return 1;
}
