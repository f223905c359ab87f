/* hsnap verify: integrity report of a snapshot. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap verify [options] FILE",
	NULL
};

static const char help_text[] =
	"Checks a snapshot without trusting it.  The loader already rejects (exit 3,\n"
	"one line naming the problem) anything structurally wrong: invalid JSON,\n"
	"missing meta fields, records cut short, node names, edge types, targets\n"
	"(to_node) and string indices out of range, edge counts that do not add up,\n"
	"locations pointing nowhere.  verify then reports: header counts against the\n"
	"arrays, node types beyond meta.node_types (loaded as DevTools does),\n"
	"duplicate node ids, nodes unreachable from the root and\n"
	"nodes reachable only through weak edges, self-loops, and the sum check\n"
	"(retained size of the root = total of shallow sizes).\n"
	"\n"
	"Exit 0 when sound (notes are informational), 3 when a check fails.\n";

static const struct cmd_doc help_doc = { "verify", usage_lines, help_text, NULL, "<file>" };

struct check {
	const char *name;
	int ok;            /* 0: problem (exit 3), 1: sound, 2: note */
	char detail[256];
};

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

static size_t run_checks(const struct hs_snapshot *s, const struct hs_analysis *a, struct check *c)
{
	size_t k = 0;
	uint64_t *ids;
	uint32_t i, dups = 0, loops = 0, all, strong, untyped = 0;
	uint8_t *seen;
	uint64_t sum = 0;

	c[k].name = "header counts";
	c[k].ok = s->header_node_count != s->node_count || s->header_edge_count != s->edge_count ? 2 : 1;
	if (c[k].ok == 2)
		snprintf(c[k++].detail, sizeof(c[0].detail), "header says %" PRIu64 " nodes and %" PRIu64
			 " edges, the arrays hold %u and %u", s->header_node_count, s->header_edge_count,
			 s->node_count, s->edge_count);
	else
		snprintf(c[k++].detail, sizeof(c[0].detail), "node_count and edge_count match the arrays");

	for (i = 0; i < s->node_count; i++)
		untyped += s->node_type[i] >= s->n_node_types;
	c[k].name = "node types";
	c[k].ok = untyped ? 2 : 1;
	snprintf(c[k++].detail, sizeof(c[0].detail), untyped
		 ? "%u node(s) of a type beyond meta.node_types (%u names; 2015-2016 V8's symbols): type undefined, class (undefined), as in DevTools"
		 : "every node type is in meta.node_types (%u names)", untyped ? untyped : s->n_node_types, s->n_node_types);

	HS_ALLOC_ARRAY(ids, s->node_count);
	for (i = 0; i < s->node_count; i++)
		ids[i] = hs_node_id(s, i);
	hs_sort(ids, s->node_count, sizeof(*ids), u64_cmp);
	for (i = 1; i < s->node_count; i++)
		dups += ids[i] == ids[i - 1];
	free(ids);
	c[k].name = "unique ids";
	c[k].ok = dups ? 2 : 1;
	snprintf(c[k++].detail, sizeof(c[0].detail), dups ? "%u nodes share an id with another node (diff matching may be ambiguous)"
							  : "every node id is unique", dups);

	HS_ALLOC_ARRAY(seen, s->node_count);
	all = reach(s, 1, seen);
	strong = reach(s, 0, seen);
	free(seen);
	c[k].name = "reachability";
	c[k].ok = all == s->node_count && strong == s->node_count ? 1 : 2;
	snprintf(c[k++].detail, sizeof(c[0].detail),
		 "%u nodes unreachable from the root, %u more reachable only through weak edges (both are attached to the root for dominators, as DevTools does)",
		 s->node_count - all, all - strong);

	for (i = 0; i < s->node_count; i++) {
		uint32_t e;
		for (e = hs_edge_begin(s, i); e < hs_edge_end(s, i); e++)
			loops += s->edge_to[e] == i;
		sum += a->self_size[i];
	}
	c[k].name = "self-loops";
	c[k].ok = 1;
	snprintf(c[k++].detail, sizeof(c[0].detail), "%u edges from a node to itself (ignored for dominators)", loops);

	c[k].name = "sum check";
	c[k].ok = a->dom.retained[s->root] == sum;
	snprintf(c[k].detail, sizeof(c[0].detail), "retained size of the root %" PRIu64 " %s sum of shallow sizes %" PRIu64,
		 a->dom.retained[s->root], c[k].ok ? "=" : "!=", sum);
	k++;

	c[k].name = "root";
	c[k].ok = s->node_type[s->root] == s->t.synthetic ? 1 : 2;
	snprintf(c[k++].detail, sizeof(c[0].detail), "root (ordinal %u) is %s; %u user roots", s->root,
		 hs_node_type_name(s, s->root), a->graph.user_roots);
	return k;
}

int cmd_verify(int argc, char **argv)
{
	static const char *const mark[] = { "FAIL", "ok", "note" };
	enum fmt f = FMT_TEXT;
	struct check c[8];
	struct hs_snapshot *s;
	struct hs_analysis a;
	long ignored;
	size_t n, i;
	int rc, bad = 0;
	const struct opt opts[] = {
		OPT_FORMAT(&f, "text (default), json, csv or markdown"),
		OPT_COUNT("top", &ignored, "N", "accepted for uniformity; ignored"),
		OPT_END()
	};

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc < 0 ? EXIT_OK : rc;
	if (argc - optind != 1)
		return usage_error("verify", "expected one FILE, got %d", argc - optind);
	cli_no_index = 1; /* verify reads the snapshot itself, never an index */
	if ((rc = load_snapshot(argv[optind], &s)))
		return rc;
	if ((rc = analyze_snapshot(s, 1, &a))) {
		hs_snapshot_free(s);
		return rc;
	}
	n = run_checks(s, &a, c);
	for (i = 0; i < n; i++)
		bad += !c[i].ok;
	if (f == FMT_JSON) {
		yajl_gen g = json_new(1);
		yajl_gen_map_open(g);
		json_kv_str(g, "file", s->file);
		json_key(g, "sound");
		yajl_gen_bool(g, !bad);
		json_kv_u64(g, "node_count", s->node_count);
		json_kv_u64(g, "edge_count", s->edge_count);
		json_kv_u64(g, "string_count", s->strings.count);
		json_key(g, "checks");
		yajl_gen_array_open(g);
		for (i = 0; i < n; i++) {
			yajl_gen_map_open(g);
			json_kv_str(g, "check", c[i].name);
			json_kv_str(g, "status", mark[c[i].ok]);
			json_kv_str(g, "detail", c[i].detail);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		json_finish(g);
	} else if (f == FMT_CSV) {
		printf("check,status,detail\n");
		for (i = 0; i < n; i++) {
			csv_field(stdout, c[i].name);
			printf(",%s,", mark[c[i].ok]);
			csv_field(stdout, c[i].detail);
			putchar('\n');
		}
	} else {
		printf(f == FMT_MD ? "## verify `%s`: %s\n\n" : "%s: %s\n", s->file, bad ? "PROBLEMS FOUND" : "sound");
		printf(f == FMT_MD ? "%u nodes, %u edges, %u strings; structure checked while loading.\n\n"
				   : "  %u nodes, %u edges, %u strings; structure checked while loading\n",
		       s->node_count, s->edge_count, s->strings.count);
		for (i = 0; i < n; i++)
			printf(f == FMT_MD ? "- **%s** %s: %s\n" : "  %-4s  %-14s %s\n", mark[c[i].ok], c[i].name, c[i].detail);
	}
	if (bad)
		fprintf(stderr, "hsnap: %s: %d integrity check%s failed\n", s->file, bad, bad == 1 ? "" : "s");
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	if (fflush(stdout))
		return EXIT_INPUT;
	return bad ? EXIT_INPUT : EXIT_OK;
}
