/* hsnap info: format facts, no analysis. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "hsnap/index.h"

static const char *index_state_key(int st)
{
	return st < 0 ? "disabled" : st == HS_INDEX_OK ? "used" : st == HS_INDEX_ABSENT ? "none"
		: st == HS_INDEX_STALE ? "stale" : st == HS_INDEX_BLOCKED ? "blocked" : "unusable";
}

static const char *index_state_text(int st)
{
	return st < 0 ? "not used (--no-index, or standard input)"
		: st == HS_INDEX_OK ? "loaded from the index"
		: st == HS_INDEX_ABSENT ? "none yet (the first analysing command writes it)"
		: st == HS_INDEX_STALE ? "stale (the snapshot changed); the next analysing command rebuilds it"
		: st == HS_INDEX_BLOCKED ? "none: its path is taken by something else, never replaced"
		: "unusable; the next analysing command rebuilds it";
}
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap info [options] FILE",
	NULL
};

static const char help_text[] =
	"Format facts of a snapshot without running the analyses: node and edge\n"
	"fields, node and edge types with how many of each, counts (and whether the\n"
	"header agrees with the arrays), strings, and which optional sections\n"
	"(locations, samples, allocation traces) are present.\n";

static const struct cmd_doc help_doc = { "info", usage_lines, help_text, NULL, "<file>" };

static void join(char *buf, size_t len, char **list, uint32_t n)
{
	uint32_t i;
	size_t o = 0;
	buf[0] = '\0';
	for (i = 0; i < n && o + 1 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", list[i]);
}

int cmd_info(int argc, char **argv)
{
	enum fmt f = FMT_TEXT;
	long ignored;
	int rc;
	uint32_t i, ntypes;
	uint64_t *ncount, *ecount, *nsize;
	struct hs_snapshot *s;
	struct loaded ld;
	struct index_status ist;
	char b1[1024], b2[32];
	const struct opt opts[] = {
		OPT_FORMAT(&f, "text (default), json, csv (type counts) or markdown"),
		OPT_COUNT("top", &ignored, "N", "accepted for uniformity; ignored"),
		OPT_END()
	};

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc < 0 ? EXIT_OK : rc;
	if (argc - optind != 1)
		return usage_error("info", "expected one FILE, got %d", argc - optind);
	if ((rc = load_snapshot(argv[optind], NULL, &ld)))
		return rc;
	s = ld.s;
	ist = ld.ist;
	warn_snapshot(s);
	/* one more row: every type beyond meta.node_types ("undefined") */
	HS_CALLOC_ARRAY(ncount, s->n_node_types + 1);
	HS_CALLOC_ARRAY(nsize, s->n_node_types + 1);
	HS_CALLOC_ARRAY(ecount, s->n_edge_types);
	for (i = 0; i < s->node_count; i++) {
		uint32_t t = s->node_type[i] < s->n_node_types ? s->node_type[i] : s->n_node_types;
		ncount[t]++;
		nsize[t] += s->self_size[i];
	}
	ntypes = s->n_node_types + !!ncount[s->n_node_types];
	for (i = 0; i < s->edge_count; i++)
		ecount[s->edge_type[i]]++;
	if (f == FMT_JSON) {
		yajl_gen g = json_new(1);
		yajl_gen_map_open(g);
		json_kv_str(g, "file", s->file);
		json_key(g, "gzip"); yajl_gen_bool(g, s->gzipped);
		json_kv_u64(g, "json_bytes", s->file_bytes);
		json_kv_u64(g, "node_count", s->node_count);
		json_kv_u64(g, "edge_count", s->edge_count);
		json_kv_u64(g, "header_node_count", s->header_node_count);
		json_kv_u64(g, "header_edge_count", s->header_edge_count);
		json_kv_u64(g, "string_count", s->strings.count);
		json_kv_u64(g, "extra_native_bytes", s->extra_native_bytes);
		json_kv_u64(g, "trace_function_count", s->trace_function_count);
		json_key(g, "node_fields"); yajl_gen_array_open(g);
		for (i = 0; i < s->n_node_fields; i++) json_str(g, s->node_fields[i]);
		yajl_gen_array_close(g);
		json_key(g, "edge_fields"); yajl_gen_array_open(g);
		for (i = 0; i < s->n_edge_fields; i++) json_str(g, s->edge_fields[i]);
		yajl_gen_array_close(g);
		json_key(g, "node_types"); yajl_gen_array_open(g);
		for (i = 0; i < ntypes; i++) {
			yajl_gen_map_open(g);
			json_kv_str(g, "type", hs_type_name(s, (uint8_t)i));
			json_kv_u64(g, "count", ncount[i]);
			json_kv_u64(g, "self_size", nsize[i]);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		json_key(g, "edge_types"); yajl_gen_array_open(g);
		for (i = 0; i < s->n_edge_types; i++) {
			yajl_gen_map_open(g);
			json_kv_str(g, "type", s->edge_type_names[i]);
			json_kv_u64(g, "count", ecount[i]);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		json_key(g, "sections"); yajl_gen_map_open(g);
		json_kv_u64(g, "locations", s->location_count);
		json_kv_u64(g, "samples", s->samples_len / 2);
		json_kv_u64(g, "trace_function_infos", s->trace_function_infos_len);
		json_key(g, "trace_tree"); yajl_gen_bool(g, s->has_trace_tree);
		yajl_gen_map_close(g);
		json_key(g, "index"); yajl_gen_map_open(g);
		json_kv_str(g, "state", index_state_key(ist.state));
		if (ist.state >= 0)
			json_kv_str(g, "path", ist.path);
		if (ist.why[0] && ist.state > HS_INDEX_ABSENT)
			json_kv_str(g, "reason", ist.why);
		yajl_gen_map_close(g);
		json_finish(g);
	} else if (f == FMT_TEXT || f == FMT_MD) {
		static const char *const head[] = { "Node type", "Count", "Self size" };
		static const char *const ehead[] = { "Edge type", "Count" };
		struct table t;
		if (f == FMT_MD)
			printf("## `%s`\n\n", s->file);
		else
			printf("%s%s\n", s->file, s->gzipped ? " (gzip)" : "");
		printf("%sJSON bytes: %llu\n", f == FMT_MD ? "- " : "  ", (unsigned long long)s->file_bytes);
		printf("%snodes: %u, edges: %u, strings: %u\n", f == FMT_MD ? "- " : "  ", s->node_count, s->edge_count, s->strings.count);
		if (s->warning[0])
			printf("%swarning: %s\n", f == FMT_MD ? "- " : "  ", s->warning);
		join(b1, sizeof(b1), s->node_fields, s->n_node_fields);
		printf("%snode fields: %s\n", f == FMT_MD ? "- " : "  ", b1);
		join(b1, sizeof(b1), s->edge_fields, s->n_edge_fields);
		printf("%sedge fields: %s\n", f == FMT_MD ? "- " : "  ", b1);
		printf("%ssections: locations %u, samples %llu, trace functions %llu, trace tree %s\n",
		       f == FMT_MD ? "- " : "  ", s->location_count, (unsigned long long)s->samples_len / 2,
		       (unsigned long long)s->trace_function_count, s->has_trace_tree ? "yes" : "no");
		printf("%sextra native bytes: %llu\n", f == FMT_MD ? "- " : "  ", (unsigned long long)s->extra_native_bytes);
		printf("%sindex: %s", f == FMT_MD ? "- " : "  ", index_state_text(ist.state));
		if (ist.state >= 0)
			printf(" (%s%s%s)", ist.path, ist.why[0] && ist.state > HS_INDEX_ABSENT ? ": " : "",
			       ist.state > HS_INDEX_ABSENT ? ist.why : "");
		printf("\n\n");
		table_init(&t, 3, head, "lrr");
		for (i = 0; i < ntypes; i++) {
			char cn[32];
			const char *cells[3] = { hs_type_name(s, (uint8_t)i), group_digits(ncount[i], cn, sizeof(cn)),
						 human_size(nsize[i], b2, sizeof(b2)) };
			table_row(&t, cells);
		}
		table_print(&t, f, f == FMT_TEXT ? 2 : 0);
		table_release(&t);
		putchar('\n');
		table_init(&t, 2, ehead, "lr");
		for (i = 0; i < s->n_edge_types; i++) {
			char cn[32];
			const char *cells[2] = { s->edge_type_names[i], group_digits(ecount[i], cn, sizeof(cn)) };
			table_row(&t, cells);
		}
		table_print(&t, f, f == FMT_TEXT ? 2 : 0);
		table_release(&t);
	} else {
		printf("kind,type,count,self_size\n");
		for (i = 0; i < ntypes; i++) {
			printf("node,");
			csv_field(stdout, hs_type_name(s, (uint8_t)i));
			printf(",%llu,%llu\n", (unsigned long long)ncount[i], (unsigned long long)nsize[i]);
		}
		for (i = 0; i < s->n_edge_types; i++) {
			printf("edge,");
			csv_field(stdout, s->edge_type_names[i]);
			printf(",%llu,\n", (unsigned long long)ecount[i]);
		}
	}
	free(ncount);
	free(nsize);
	free(ecount);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
