/* hsnap info: format facts, no analysis. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "output.h"
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
#include "alloc.h"

static const struct cmd_doc help_doc = {
	.name = "info",
	.usage = (const char *const[]){ "hsnap info [options] FILE", NULL },
	.description =
		"Format facts of a snapshot without running the analyses: node and edge\n"
		"fields, node and edge types with how many of each, counts (and whether the\n"
		"header agrees with the arrays), strings, and which optional sections\n"
		"(locations, samples, allocation traces) are present.\n",
	.operands = "<file>",
};

static void join(char *buf, size_t len, char **list, uint32_t n)
{
	uint32_t i;
	size_t o = 0;
	buf[0] = '\0';
	for (i = 0; i < n && o + 1 < len; i++)
		o += (size_t)snprintf(buf + o, len - o, "%s%s", i ? ", " : "", list[i]);
}

static const struct out_col type_cols[] = {
	{ NULL, "kind", 'l', OUT_FLAT },
	{ "Node type", "type", 'l', 0 },
	{ "Count", "count", 'r', 0 },
	{ "Self size", "self_size", 'r', 0 },
};
static const struct out_col edge_cols[] = {
	{ NULL, "kind", 'l', OUT_FLAT },
	{ "Edge type", "type", 'l', 0 },
	{ "Count", "count", 'r', 0 },
	{ NULL, "self_size", 'r', OUT_FLAT },
};

static void render(const struct hs_snapshot *s, const struct index_status *ist, enum fmt f,
		   const uint64_t *ncount, const uint64_t *nsize, const uint64_t *ecount, uint32_t ntypes)
{
	static const struct out_table node_types = { .key = "node_types", OUT_COLS(type_cols), .indent = 2 };
	static const struct out_table edge_types = { .key = "edge_types", OUT_COLS(edge_cols),
						     .flags = OUT_FLAT_APPEND, .indent = 2 };
	struct out *o = out_open(f);
	char b1[1024];
	uint32_t i;

	out_kv_str(o, "file", s->file);
	out_field(o, "gzip", ov_bool(s->gzipped));
	out_kv_u64(o, "json_bytes", s->file_bytes);
	out_kv_u64(o, "node_count", s->node_count);
	out_kv_u64(o, "edge_count", s->edge_count);
	out_kv_u64(o, "header_node_count", s->header_node_count);
	out_kv_u64(o, "header_edge_count", s->header_edge_count);
	out_kv_u64(o, "string_count", s->strings.count);
	out_kv_u64(o, "extra_native_bytes", s->extra_native_bytes);
	out_kv_u64(o, "trace_function_count", s->trace_function_count);
	out_list_begin(o, "node_fields");
	for (i = 0; i < s->n_node_fields; i++)
		out_field(o, NULL, ov_str(s->node_fields[i]));
	out_list_end(o);
	out_list_begin(o, "edge_fields");
	for (i = 0; i < s->n_edge_fields; i++)
		out_field(o, NULL, ov_str(s->edge_fields[i]));
	out_list_end(o);

	out_say(o, "%s%s\n", "## `%s`\n\n", s->file, s->gzipped ? " (gzip)" : "");
	out_item(o, "JSON bytes: %llu", (unsigned long long)s->file_bytes);
	out_item(o, "nodes: %u, edges: %u, strings: %u", s->node_count, s->edge_count, s->strings.count);
	if (s->warning[0])
		out_item(o, "warning: %s", s->warning);
	join(b1, sizeof(b1), s->node_fields, s->n_node_fields);
	out_item(o, "node fields: %s", b1);
	join(b1, sizeof(b1), s->edge_fields, s->n_edge_fields);
	out_item(o, "edge fields: %s", b1);
	out_item(o, "sections: locations %u, samples %llu, trace functions %llu, trace tree %s",
		 s->location_count, (unsigned long long)s->samples_len / 2,
		 (unsigned long long)s->trace_function_count, s->has_trace_tree ? "yes" : "no");
	out_item(o, "extra native bytes: %llu", (unsigned long long)s->extra_native_bytes);
	if (ist->state >= 0)
		out_item(o, "index: %s (%s%s%s)", index_state_text(ist->state), ist->path,
			 ist->why[0] && ist->state > HS_INDEX_ABSENT ? ": " : "",
			 ist->state > HS_INDEX_ABSENT ? ist->why : "");
	else
		out_item(o, "index: %s", index_state_text(ist->state));
	out_say(o, "\n", NULL);

	out_table_begin(o, &node_types);
	for (i = 0; i < ntypes; i++) {
		struct out_val v[4] = { ov_str("node"), ov_str(hs_type_name(s, (uint8_t)i)), ov_count(ncount[i]),
					ov_bytes(nsize[i]) };
		out_row(o, v);
	}
	out_table_end(o);
	out_say(o, "\n", NULL);
	out_table_begin(o, &edge_types);
	for (i = 0; i < s->n_edge_types; i++) {
		struct out_val v[4] = { ov_str("edge"), ov_str(s->edge_type_names[i]), ov_count(ecount[i]), ov_none() };
		out_row(o, v);
	}
	out_table_end(o);

	out_obj_begin(o, "sections");
	out_kv_u64(o, "locations", s->location_count);
	out_kv_u64(o, "samples", s->samples_len / 2);
	out_kv_u64(o, "trace_function_infos", s->trace_function_infos_len);
	out_field(o, "trace_tree", ov_bool(s->has_trace_tree));
	out_obj_end(o);
	out_obj_begin(o, "index");
	out_kv_str(o, "state", index_state_key(ist->state));
	if (ist->state >= 0)
		out_kv_str(o, "path", ist->path);
	if (ist->why[0] && ist->state > HS_INDEX_ABSENT)
		out_kv_str(o, "reason", ist->why);
	out_obj_end(o);
	out_close(o);
}

int cmd_info(int argc, char **argv)
{
	enum fmt f = FMT_TEXT;
	int rc;
	uint32_t i, ntypes;
	uint64_t *ncount, *ecount, *nsize;
	struct hs_snapshot *s;
	struct loaded ld;
	const char *file;
	struct index_status ist;
	const struct opt opts[] = {
		OPT_FORMAT(&f, "text (default), json, csv (type counts) or markdown"),
		OPT_TOP_IGNORED,
		OPT_END()
	};

	if ((rc = parse_one_file(&help_doc, opts, argc, argv, &file)))
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = load_snapshot(file, NULL, &ld)))
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
		nsize[t] += hs_self_size(s, i);
	}
	ntypes = s->n_node_types + !!ncount[s->n_node_types];
	for (i = 0; i < s->edge_count; i++)
		ecount[s->edge_type[i]]++;
	render(s, &ist, f, ncount, nsize, ecount, ntypes);
	free(ncount);
	free(nsize);
	free(ecount);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
