/* hsnap export: one row per node. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "output.h"

static const struct cmd_doc help_doc = {
	.name = "export",
	.usage = (const char *const[]){ "hsnap export [options] FILE", NULL },
	.description =
		"One row per node, in snapshot order, for SQL and notebook tools:\n"
		"id, type, name, class, self_size, retained_size, distance, edge_count,\n"
		"detachedness.  self_size is the shallow size DevTools shows; distance is\n"
		"empty (CSV) or null (JSON) for nodes unreachable from the roots, and\n"
		">= 100000000 for nodes reachable only from system roots.\n",
	.operands = "<file>",
};

static const struct out_col cols[] = {
	{ "id", "id", 'r', 0 }, { "type", "type", 'l', 0 }, { "name", "name", 'l', 0 },
	{ "class", "class", 'l', 0 }, { "self_size", "self_size", 'r', 0 },
	{ "retained_size", "retained_size", 'r', 0 }, { "distance", "distance", 'r', 0 },
	{ "edge_count", "edge_count", 'r', 0 }, { "detachedness", "detachedness", 'r', 0 },
};
static const struct out_table nodes_table = { OUT_COLS(cols), .flags = OUT_RECORDS };

static void row(const struct hs_analysis *a, uint32_t n, struct out *o)
{
	const struct hs_snapshot *s = a->s;
	int32_t d = a->distance[n];
	struct out_val v[9] = {
		ov_uint(hs_node_id(s, n)), ov_str(hs_node_type_name(s, n)),
		ov_strn(hs_node_name(s, n), hs_strlen(&s->strings, s->node_name[n])),
		ov_str(hs_class_name(&a->classes, a->classes.class_of[n])),
		ov_uint(hs_shallow_size(a, n)), ov_uint(a->dom.retained[n]),
		d == HS_NO_DISTANCE ? ov_null() : ov_int(d),
		ov_uint(hs_edge_end(s, n) - hs_edge_begin(s, n)), ov_uint(a->dom_state[n]),
	};

	out_row_open(o, v);
	if (hs_snapshot_location(s, n)) /* only where there is one: rows stay small */
		out_location(o, s, n);
	out_row_close(o);
}

int cmd_export(int argc, char **argv)
{
	enum fmt f = FMT_TEXT;
	long ntop = -1;
	int rc, raw = 0;
	uint32_t i;
	struct loaded ld;
	const char *file;
	struct hs_snapshot *s;
	struct hs_analysis a;
	const struct opt opts[] = {
		OPT_FORMAT(&f, "text (tab-separated, default), csv, json (JSON Lines:\n"
			   "one object per line) or markdown"),
		OPT_COUNT("top", &ntop, "N", "export only the N nodes with the largest retained size"),
		OPT_RAW_SIZES(&raw),
		OPT_END()
	};
	struct out *o;

	if ((rc = parse_one_file(&help_doc, opts, argc, argv, &file)))
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = load_analyzed(file, raw, 0, &ld, &a)))
		return rc;
	s = ld.s;
	o = out_open(f);
	out_table_begin(o, &nodes_table);
	if (ntop >= 0) {
		uint32_t *top = malloc(sizeof(*top) * ((size_t)ntop + 1)), m;
		if (!top) {
			fprintf(stderr, "hsnap: out of memory\n");
			return EXIT_LIMIT;
		}
		m = top_k(a.dom.retained, s->node_count, NULL, NULL, (uint32_t)ntop, top);
		for (i = 0; i < m; i++)
			row(&a, top[i], o);
		free(top);
	} else {
		for (i = 0; i < s->node_count; i++)
			row(&a, i, o);
	}
	out_table_end(o);
	out_close(o);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
