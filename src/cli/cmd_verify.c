/* hsnap verify: integrity report of a snapshot. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "hsnap/verify.h"
#include "options.h"
#include "output.h"

static const struct cmd_doc help_doc = {
	.name = "verify",
	.usage = (const char *const[]){ "hsnap verify [options] FILE", NULL },
	.description =
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
		"Exit 0 when sound (notes are informational), 3 when a check fails.\n",
	.operands = "<file>",
};

static const char *const mark[] = { "FAIL", "ok", "note" };

/* The tree and CSV views get the checks as a table; people read one line
 * per check. */
static const struct out_col check_cols[] = {
	{ NULL, "check", 'l', 0 }, { NULL, "status", 'l', 0 }, { NULL, "detail", 'l', 0 },
};
static const struct out_table check_table = { .key = "checks", OUT_COLS(check_cols), .views = OUT_DATA };

static void print_checks(const struct hs_snapshot *s, const struct hs_check *c, size_t n, int bad, enum fmt f)
{
	struct out *out = out_open(f);
	size_t i;

	out_kv_str(out, "file", s->file);
	out_field(out, "sound", ov_bool(!bad));
	out_kv_u64(out, "node_count", s->node_count);
	out_kv_u64(out, "edge_count", s->edge_count);
	out_kv_u64(out, "string_count", s->strings.count);
	out_say(out, "%s: %s\n", "## verify `%s`: %s\n\n", s->file, bad ? "PROBLEMS FOUND" : "sound");
	out_say(out, "  %u nodes, %u edges, %u strings; structure checked while loading\n",
		"%u nodes, %u edges, %u strings; structure checked while loading.\n\n",
		s->node_count, s->edge_count, s->strings.count);
	out_table_begin(out, &check_table);
	for (i = 0; i < n; i++) {
		struct out_val v[3] = { ov_str(c[i].name), ov_str(mark[c[i].ok]), ov_str(c[i].detail) };
		out_row(out, v);
		out_say(out, "  %-4s  %-14s %s\n", "- **%s** %s: %s\n", mark[c[i].ok], c[i].name, c[i].detail);
	}
	out_table_end(out);
	out_close(out);
}

int cmd_verify(int argc, char **argv)
{
	enum fmt f = FMT_TEXT;
	const struct opt opts[] = {
		OPT_FORMAT(&f, "text (default), json, csv or markdown"),
		OPT_TOP_IGNORED,
		OPT_END()
	};
	struct hs_check c[HS_VERIFY_MAX_CHECKS];
	struct loaded ld;
	const char *file;
	struct hs_snapshot *s;
	struct hs_analysis a;
	size_t n, i;
	int rc, bad = 0;

	if ((rc = parse_one_file(&help_doc, opts, argc, argv, &file)))
		return rc < 0 ? EXIT_OK : rc;
	cli_no_index = 1; /* verify reads the snapshot itself, never an index */
	if ((rc = load_snapshot(file, NULL, &ld)))
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
