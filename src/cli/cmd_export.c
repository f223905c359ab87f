/* hsnap export: one row per node. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"

static const char *const usage_lines[] = {
	"hsnap export [options] FILE",
	NULL
};

static const char help_text[] =
	"One row per node, in snapshot order, for SQL and notebook tools:\n"
	"id, type, name, class, self_size, retained_size, distance, edge_count,\n"
	"detachedness.  self_size is the shallow size DevTools shows; distance is\n"
	"empty (CSV) or null (JSON) for nodes unreachable from the roots, and\n"
	">= 100000000 for nodes reachable only from system roots.\n";

static const struct cmd_doc help_doc = { "export", usage_lines, help_text, NULL, "<file>" };

static const char *const cols[] = { "id", "type", "name", "class", "self_size", "retained_size",
				    "distance", "edge_count", "detachedness" };

static void row(const struct hs_analysis *a, uint32_t n, enum fmt f, yajl_gen g)
{
	const struct hs_snapshot *s = a->s;
	const char *cls = hs_class_name(&a->classes, a->classes.class_of[n]);
	int32_t d = a->distance[n];
	char dist[16] = "";

	if (d != HS_NO_DISTANCE)
		snprintf(dist, sizeof(dist), "%d", d);
	if (f == FMT_JSON) {
		yajl_gen_map_open(g);
		json_kv_u64(g, "id", hs_node_id(s, n));
		json_kv_str(g, "type", hs_node_type_name(s, n));
		json_key(g, "name");
		yajl_gen_string(g, (const unsigned char *)hs_node_name(s, n), hs_strlen(&s->strings, s->node_name[n]));
		json_kv_str(g, "class", cls);
		json_kv_u64(g, "self_size", a->self_size[n]);
		json_kv_u64(g, "retained_size", a->dom.retained[n]);
		json_key(g, "distance");
		if (d == HS_NO_DISTANCE)
			yajl_gen_null(g);
		else
			json_i64(g, d);
		json_kv_u64(g, "edge_count", hs_edge_end(s, n) - hs_edge_begin(s, n));
		json_kv_u64(g, "detachedness", a->dom_state[n]);
		if (hs_snapshot_location(s, n)) /* only where there is one: rows stay small */
			json_location(g, s, n);
		yajl_gen_map_close(g);
		json_flush(g);
		putchar('\n');
		yajl_gen_reset(g, NULL);
		return;
	}
	printf("%s%" PRIu64 "%c", f == FMT_MD ? "|" : "", hs_node_id(s, n), f == FMT_CSV ? ',' : f == FMT_MD ? '|' : '\t');
	if (f == FMT_CSV) {
		csv_field(stdout, hs_node_type_name(s, n)); putchar(',');
		csv_field(stdout, hs_node_name(s, n)); putchar(',');
		csv_field(stdout, cls);
		printf(",%" PRIu64 ",%" PRIu64 ",%s,%u,%u\n", a->self_size[n], a->dom.retained[n], dist,
		       hs_edge_end(s, n) - hs_edge_begin(s, n), a->dom_state[n]);
	} else if (f == FMT_MD) {
		md_escape(stdout, hs_node_type_name(s, n)); putchar('|');
		md_escape(stdout, hs_node_name(s, n)); putchar('|');
		md_escape(stdout, cls);
		printf("|%" PRIu64 "|%" PRIu64 "|%s|%u|%u|\n", a->self_size[n], a->dom.retained[n], dist,
		       hs_edge_end(s, n) - hs_edge_begin(s, n), a->dom_state[n]);
	} else {
		tsv_field(stdout, hs_node_type_name(s, n)); putchar('\t');
		tsv_field(stdout, hs_node_name(s, n)); putchar('\t');
		tsv_field(stdout, cls);
		printf("\t%" PRIu64 "\t%" PRIu64 "\t%s\t%u\t%u\n", a->self_size[n], a->dom.retained[n], dist,
		       hs_edge_end(s, n) - hs_edge_begin(s, n), a->dom_state[n]);
	}
}

static void header(enum fmt f)
{
	size_t i, n = sizeof(cols) / sizeof(cols[0]);
	if (f == FMT_JSON)
		return;
	if (f == FMT_MD)
		putchar('|');
	for (i = 0; i < n; i++)
		printf("%s%s", cols[i], i + 1 < n ? (f == FMT_CSV ? "," : f == FMT_MD ? "|" : "\t") : "");
	if (f == FMT_MD) {
		printf("|\n|");
		for (i = 0; i < n; i++)
			printf("---|");
	}
	putchar('\n');
}

int cmd_export(int argc, char **argv)
{
	enum fmt f = FMT_TEXT;
	long ntop = -1;
	int rc, raw = 0;
	uint32_t i;
	struct loaded ld;
	struct hs_snapshot *s;
	struct hs_analysis a;
	yajl_gen g = NULL;
	const struct opt opts[] = {
		OPT_FORMAT(&f, "text (tab-separated, default), csv, json (JSON Lines:\n"
			   "one object per line) or markdown"),
		OPT_COUNT("top", &ntop, "N", "export only the N nodes with the largest retained size"),
		OPT_BOOL("raw-sizes", &raw, "the file's shallow sizes (no DevTools re-attribution)"),
		OPT_END()
	};

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc < 0 ? EXIT_OK : rc;
	if (argc - optind != 1)
		return usage_error("export", "expected one FILE, got %d", argc - optind);
	if ((rc = load_snapshot(argv[optind], NULL, &ld)))
		return rc;
	s = ld.s;
	warn_snapshot(s);
	if ((rc = analyze_snapshot(&ld, raw, 0, &a))) {
		hs_snapshot_free(s);
		return rc;
	}
	if (f == FMT_JSON)
		g = json_new(0);
	header(f);
	if (ntop >= 0) {
		uint32_t *top = malloc(sizeof(*top) * ((size_t)ntop + 1)), m;
		if (!top) {
			fprintf(stderr, "hsnap: out of memory\n");
			return EXIT_LIMIT;
		}
		m = top_k(a.dom.retained, s->node_count, NULL, NULL, (uint32_t)ntop, top);
		for (i = 0; i < m; i++)
			row(&a, top[i], f, g);
		free(top);
	} else {
		for (i = 0; i < s->node_count; i++)
			row(&a, i, f, g);
	}
	if (g)
		yajl_gen_free(g);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
