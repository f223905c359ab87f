/* hsnap verify: integrity report of a snapshot. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "hsnap/verify.h"
#include "options.h"

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

static const char *const mark[] = { "FAIL", "ok", "note" };

static void print_checks(const struct hs_snapshot *s, const struct hs_check *c, size_t n, int bad, enum fmt f)
{
	size_t i;

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
}

int cmd_verify(int argc, char **argv)
{
	enum fmt f = FMT_TEXT;
	struct hs_check c[HS_VERIFY_MAX_CHECKS];
	struct loaded ld;
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
	if ((rc = load_snapshot(argv[optind], NULL, &ld)))
		return rc;
	s = ld.s;
	if ((rc = analyze_snapshot(&ld, 1, 0, &a))) {
		hs_snapshot_free(s);
		return rc;
	}
	n = hs_verify_run(s, &a, c);
	for (i = 0; i < n; i++)
		bad += !c[i].ok;
	print_checks(s, c, n, bad, f);
	if (bad)
		fprintf(stderr, "hsnap: %s: %d integrity check%s failed\n", s->file, bad, bad == 1 ? "" : "s");
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	if (fflush(stdout))
		return EXIT_INPUT;
	return bad ? EXIT_INPUT : EXIT_OK;
}
