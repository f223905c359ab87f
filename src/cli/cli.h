/* Shared pieces of the command-line front end: the only code that prints
 * or exits.  Exit codes: 0 ok, 1 --fail-on violated, 2 usage, 3 input,
 * 4 out of memory / limit. */
#ifndef HSNAP_CLI_H
#define HSNAP_CLI_H
#include <stdint.h>
#include <stdio.h>
#include <yajl_gen.h>
#include "hsnap/hsnap.h"
#include "hsnap/index.h"
#include "hsnap/topk.h"
#include "commands.h"

enum { EXIT_OK = 0, EXIT_GATE = 1, EXIT_USAGE = 2, EXIT_INPUT = 3, EXIT_LIMIT = 4 };
enum fmt { FMT_TEXT, FMT_JSON, FMT_CSV, FMT_MD };

struct command {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *summary;
};

/* common.c */
extern int cli_jobs;
extern int cli_no_index;
extern int cli_verify_index; /* --verify-index */
extern uint64_t cli_max_input;
/* 1 when environment variable `name` is set, non-empty and not "0". */
int env_flag(const char *name);
/* Starts HSNAP_TIMING's clock (main calls it first, so that the times count
 * from the start of the process, not from the first phase). */
void timing_start(void);
int usage_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int parse_format(const char *cmd, const char *arg, enum fmt *out);
/* An integer lo..hi; the message names the range.  parse_count: 0..COUNT_MAX. */
#define COUNT_MAX 100000000L
int parse_range(const char *cmd, const char *opt, const char *arg, long lo, long hi, long *out);
int parse_count(const char *cmd, const char *opt, const char *arg, long *out);
/* An object id, 123 or @123 (as hsnap prints ids); V8 ids are 32-bit, Julia's
 * reach 2^47: any 64-bit value. */
int parse_id(const char *cmd, const char *opt, const char *arg, uint64_t *out);
int exit_code_for(int status);
/* 1 when the command's --format is json (set by parse_format). */
extern int cli_json;
/* A rejected input file: the one stderr line 'hsnap: FILE: MSG' and, with
 * --format json, {"error": {"file", "message", "exit_code"}} on stdout.
 * Returns exit_code. */
int file_error(const char *file, const char *msg, int exit_code);
/* How the index beside a snapshot was found (hsnap info). */
struct index_status {
	int state;            /* enum hs_index_state, -1: not looked for */
	char path[4096];
	char why[256];
};
/* Opens FILE ("-": stdin) once, with the --max-input limit; prints one error
 * line and returns an exit code on failure. */
struct hs_input;
int open_input(const char *path, struct hs_input **in);

/* ---- loading and analysis: one explicit object from the file to its analysis.
 * load_snapshot reads FILE (in: NULL, or an input from open_input, not
 * closed) from its index when that is valid (unless --no-index, stdin, a
 * pipe), else parses it; a regular file parsed without a usable index gets
 * write_index, with its key taken *before* parsing (a file that changes
 * while being read leaves a stale index, never a wrong one).
 * analyze_snapshot hands back the index's analysis, or runs it; the first
 * default analysis of a snapshot with write_index writes the index.  Both
 * print progress on a terminal and one error line on failure, and return
 * an exit code.  Nothing to release but ld->s (hs_snapshot_free). */
struct loaded {
	struct hs_snapshot *s;
	struct index_status ist;   /* how the index was found */
	int write_index;           /* the analysis is to write FILE.hsnapidx */
	struct hs_index_key key;   /* FILE's, taken before parsing */
};
int load_snapshot(const char *path, struct hs_input *in, struct loaded *ld);
/* The first analysis writes the index in a child process, behind the
 * answer; this atexit handler (installed before the stdout filter's, so it
 * runs after it) closes stdout and waits for those children. */
void cli_index_writers_wait(void);
/* parents: keep BFS parent edges (a->parent_edge) for retainer paths. */
int analyze_snapshot(struct loaded *ld, int raw_sizes, int parents, struct hs_analysis *a);
void warn_snapshot(const struct hs_snapshot *s);
/* The one-file commands' start: load_snapshot(path, NULL, ld),
 * warn_snapshot, analyze_snapshot(ld, raw_sizes, parents, a).  EXIT_OK with
 * ld->s and *a to release, or the exit code with nothing to release. */
int load_analyzed(const char *path, int raw_sizes, int parents, struct loaded *ld, struct hs_analysis *a);
/* Work for a second thread while the class rows are aggregated
 * (hs_analysis_opts.beside_aggregates); not called when the analysis comes
 * from the index, so the caller checks that it ran. */
struct beside {
	void (*fn)(void *ctx, const struct hs_analysis *a);
	void *ctx;
};
/* load_analyzed with `beside` (NULL: none) run beside the aggregation */
int load_analyzed_beside(const char *path, int raw_sizes, int parents, const struct beside *beside,
			 struct loaded *ld, struct hs_analysis *a);
/* parse_options for a command of one FILE operand: 0 with *file set, -1
 * after --help, or the exit code of an error it printed ("expected one FILE,
 * got N" for another number of operands). */
struct cmd_doc;
struct opt;
/* parse_options, then exactly n operands ("expected EXPECTED, got K" if not) */
int parse_files(const struct cmd_doc *doc, const struct opt *opts, int argc, char **argv, int n,
		const char *expected);
int parse_one_file(const struct cmd_doc *doc, const struct opt *opts, int argc, char **argv, const char **file);
/* --filter NAME of command cmd: NAME parsed into *f and kept in *name, or
 * the usage error printed and its exit code returned. */
int filter_option(const char *cmd, const char *arg, struct hs_filter *f, const char **name);
/* --fail-on RULE of command cmd, appended to *rules (*n of them): parsed
 * with hs_rule_parse_scoped when `scoped` (realm: rules too), else
 * hs_rule_parse; with no_new the metric 'new' (diff's) is refused; a realm
 * rule sets *need_realms (NULL: none asked).  0, or the usage error's code. */
int fail_on_option(const char *cmd, const char *arg, int scoped, int no_new, struct hs_rule **rules, int *n,
		   int *need_realms);
/* Every comparing command's check of two snapshot sides (with objects) given
 * in this order, named na and nb: one stderr warning when they do not look
 * like one process (then `consequence` says what it means), or when b looks
 * older than a.  Nothing for a JSON baseline. */
void warn_pair(const char *cmd, const char *na, const struct hs_side *a, const char *nb,
	       const struct hs_side *b, const char *consequence);
/* The same from a measured overlap (fa, fb: the files). */
void warn_overlap(const char *cmd, const char *na, const char *fa, const char *nb, const char *fb,
		  const struct hs_id_overlap *o, const char *consequence);
/* What a comparison side is made of. */
struct side_opts {
	int raw;                             /* --raw-sizes */
	const struct hs_interfaces *given;   /* interface definitions to apply, or NULL */
	struct hs_interfaces *keep;          /* receives the ones used, or NULL */
	int with_objects;                    /* the (class, id) keys too, not only class rows */
	void (*hook)(void *ctx, const struct hs_analysis *a); /* called before the analysis is freed */
	void *hook_ctx;
	int by_function;                     /* --by function: function rows (hook's a has them) */
};
/* Loads and analyses FILE (in: as for load_snapshot; no distances) into a
 * comparison side, then frees the graph.  Returns an exit code. */
int load_side(struct hs_class_names *ns, const char *path, struct hs_input *in, struct hs_side *side,
	      const struct side_opts *o);

/* html.c: --format html (summary, diff, leaks, growth) and -o FILE */
extern const char *cli_html_kind;   /* the command, when --format html */
/* parse_format plus "html" (which selects FMT_JSON and sets cli_html_kind). */
int parse_format_html(const char *cmd, const char *arg, enum fmt *out);
void html_append(const unsigned char *p, size_t len);
void html_page_write(void);
/* summary's "treemap" key (html only, in out's tree view): a bounded top of
 * the dominator tree. */
struct out;
void html_treemap(struct out *out, const struct hs_analysis *a);
/* -o FILE: stdout goes to a new temporary file beside FILE (mode 0600);
 * cli_output_close renames it over FILE when rc is 0 or 1, else removes it. */
int cli_output_open(const char *cmd, const char *path);
int cli_output_close(int rc);

/* safeout.c: stdout through a filter that escapes control characters and
 * keeps the output valid UTF-8 (see there); main installs it first, and
 * parse_format switches it to JSON rules for --format json. */
void safe_stdout_install(void);
void safe_stdout_json(int on);

/* report.c */
const char *human_size(uint64_t bytes, char *buf, size_t len);
const char *group_digits(uint64_t v, char *buf, size_t len);
const char *percent(uint64_t part, uint64_t whole, char *buf, size_t len);
/* "+1.5%", "-0.1%", "0.0%": a change relative to whole, with its sign */
const char *signed_percent(int64_t part, uint64_t whole, char *buf, size_t len);
const char *signed_digits(int64_t v, char *buf, size_t len);
const char *signed_size(int64_t v, char *buf, size_t len);

struct table {
	int ncols;
	const char *const *head;
	const char *align;        /* 'l' or 'r' per column */
	char **cells;             /* row-major, owned */
	size_t nrows, alloc;
};
void table_init(struct table *t, int ncols, const char *const *head, const char *align);
void table_row(struct table *t, const char *const *cells);
void table_print(const struct table *t, enum fmt f, int indent);
void table_release(struct table *t);
void csv_field(FILE *f, const char *s);
void tsv_field(FILE *f, const char *s);
void md_escape(FILE *f, const char *s);

yajl_gen json_new(int pretty);
void json_flush(yajl_gen g);
/* Closes the top-level object, writes it with a newline, frees g. */
void json_finish(yajl_gen g);
void json_str(yajl_gen g, const char *s);
void json_key(yajl_gen g, const char *k);
void json_u64(yajl_gen g, uint64_t v);
void json_i64(yajl_gen g, int64_t v);
void json_num(yajl_gen g, double v);
void json_kv_str(yajl_gen g, const char *k, const char *v);
void json_kv_u64(yajl_gen g, const char *k, uint64_t v);

/* gate_report.c: --fail-on violations (diff, leaks, growth, realms; gate.h
 * evaluates them) */
void violations_json(yajl_gen g, const struct hs_violations *vs);
void violations_report(enum fmt f, const struct hs_violations *vs, int nrules);
void violations_stderr(const char *cmd, const struct hs_violations *vs);
/* A rule (not `total`, not optional) whose selector matches no class present
 * in any of the sides is a usage error naming the rule and the closest class
 * names (where: "A or B", ...).  Returns 0 or EXIT_USAGE. */
int rules_check_selected(const char *cmd, const struct hs_rule *rules, int nrules,
			 const struct hs_class_names *ns, const struct hs_side *const *sides, int nsides,
			 const char *where);

/* Selection of the k largest values (ties: lower index first): hs_top_k. */
static inline uint32_t top_k(const uint64_t *key, uint32_t n, int (*keep)(const void *, uint32_t),
			     const void *ctx, uint32_t k, uint32_t *out)
{
	return hs_top_k(key, n, keep, ctx, k, out);
}
/* Columns of indentation for a step `level` deep in a text or markdown tree
 * (retainer paths, top): 2 per level up to MAX_INDENT_LEVELS, then no more,
 * so a path of D steps prints O(D) bytes, not O(D^2) (a 100,000-step path
 * was 10 GB of spaces). */
#define MAX_INDENT_LEVELS 32
int indent_cols(long level);
/* --full-paths (report.c): 0 (default) lets text output print the steps all
 * shown paths share, and those a path shares with the first, as one line
 * (shared_steps in cmd_retainers.c). */
extern int cli_full_paths;
/* --full-paths of summary, leaks and retainers */
#define OPT_FULL_PATHS OPT_BOOL("full-paths", &cli_full_paths, "print every path whole (text prints the steps all paths\n" \
				"share, and those a path shares with the first, as one line)")
/* --raw-sizes of one file's command, of a command of several files */
#define OPT_RAW_SIZES(v) OPT_BOOL("raw-sizes", (v), "the file's shallow sizes (no DevTools re-attribution)")
#define OPT_RAW_SIZES_FILES(v) OPT_BOOL("raw-sizes", (v), "the files' shallow sizes (no DevTools re-attribution)")
/* --top of a command that shows no top-N list (every command takes it) */
#define OPT_TOP_IGNORED OPT_COUNT("top", NULL, "N", "accepted for uniformity; ignored")
/* The --format given (report.c; set by parse_format, FMT_TEXT by default). */
extern enum fmt cli_fmt;
/* Text and markdown print absolute script names relative to the directory
 * all of them share; that directory once used (for the note main.c prints
 * at the end), else NULL. */
const char *script_dir_note(void);
/* A script's url as labels print it (relative to that directory in text and
 * markdown, whole elsewhere). */
const char *script_shown(const struct hs_snapshot *s, const char *url);
/* --format html: that directory, found by the first script_shown (NULL when
 * none or no common one); the page shows names relative to it. */
const char *script_dir_page(void);
/* "onMessage (lib/chat.js:78:20)" for closure n: name (or "(anonymous)") and location. */
const char *function_label(const struct hs_snapshot *s, uint32_t n, char *buf, size_t len);
/* Display name of node n as DevTools shows it in lists: "Class @id"; a
 * closure context also names the function it belongs to. */
const char *node_label(const struct hs_analysis *a, uint32_t n, char *buf, size_t len);

/* triage.c: sections of `summary`, described to the output layer */
void triage_detached(struct out *out, const struct hs_analysis *a, uint32_t top);
struct hs_duplicates;
/* d: hs_duplicates_find's result, released here */
void triage_duplicates(struct out *out, const struct hs_analysis *a, struct hs_duplicates *d);
/* rows: a's classes, or --by function's rows (the suspect classes among them) */
void triage_suspects(struct out *out, const struct hs_analysis *a, const struct hs_classes *rows, double pct);
/* Closures grouped by function (name and source location), most closures
 * first.  found: hs_closures_by_function's result, released here (and
 * zeroed), or NULL to find them now. */
struct hs_closures;
void triage_closures(struct out *out, const struct hs_analysis *a, uint32_t top, struct hs_closures *found);

/* the commands themselves: commands.h */

struct hs_path_groups;
/* Merged path shapes (retainers --class, leaks, detached DOM). json: when
 * not NULL, an array is written to it instead of printing. */
void print_path_groups(const struct hs_analysis *a, const struct hs_path_groups *g, uint32_t top,
		       enum fmt f, yajl_gen json, int indent);
/* The same as a list (under key, or in the open list when NULL) of out. */
void out_path_groups(struct out *out, const char *key, const struct hs_analysis *a,
		     const struct hs_path_groups *g, uint32_t top, int indent);

#endif
