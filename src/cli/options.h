/* One option layer for every command, after git's parse-options: a command
 * declares its options once, in a table of OPT_* entries (name, short name,
 * argument, help text, target variable or callback), and parse_options()
 * parses the command line with it and generates --help from it; the man page
 * and the shell completions are generated from the same tables at build time
 * (gendoc.c, `hsnap --dump-options`).
 *
 *   struct opt opts[] = {
 *           OPT_COUNT("top", &ntop, "N", "classes to show (default 20)"),
 *           OPT_BOOL("raw-sizes", &raw, "the file's shallow sizes"),
 *           OPT_END(),
 *   };
 *   if ((rc = parse_options(&help_doc, opts, argc, argv)))
 *           return rc < 0 ? EXIT_OK : rc;          (rc < 0: --help was shown)
 *   ... the operands are argv[optind .. argc) ...
 *
 * Rules of the command line (every command, docs/ARCHITECTURE.md):
 *  - options and operands mix freely (`hsnap summary F --top 5`); `--` ends
 *    the options (what follows is an operand even if it starts with '-');
 *    a lone '-' is an operand (standard input);
 *  - --name VALUE, --name=VALUE, -x VALUE, -xVALUE; short flags cluster (-qh);
 *    a long name may be abbreviated to a unique prefix (as getopt_long allows);
 *  - the global options (main.c: --jobs, --no-index, ...) are accepted before
 *    the command and anywhere after it; --format given before the command is
 *    applied as if it came first after it;
 *  - -h/--help prints the generated help; every error is one line
 *    "hsnap CMD: ... (see 'hsnap CMD --help')" and exit 2 (usage_error).
 * Operands are moved after the options (as GNU getopt permutes them) and
 * optind is set to the first one, so command code indexes them as before. */
#ifndef HSNAP_CLI_OPTIONS_H
#define HSNAP_CLI_OPTIONS_H
#include <stdio.h>
#include <unistd.h> /* optind */

enum opt_type {
	OPT_T_END,      /* the table's end */
	OPT_T_GROUP,    /* a heading in --help ("" : a blank line) */
	OPT_T_TEXT,     /* free text in --help, printed as it is */
	OPT_T_BOOL,     /* int *: set to 1 */
	OPT_T_COUNT,    /* long *: 0..COUNT_MAX (parse_count); NULL: checked, not kept */
	OPT_T_RANGE,    /* long *: lo..hi (parse_range) */
	OPT_T_STRING,   /* const char **: the argument itself */
	OPT_T_CHOICE,   /* int * (or an enum): the value of the named choice */
	OPT_T_FORMAT,   /* enum fmt *: parse_format, or parse_format_html with OPT_HTML */
	OPT_T_OUTPUT,   /* -o FILE: cli_output_open */
	OPT_T_CALLBACK, /* cb(call, arg) does the work */
};

/* opt.flags */
#define OPT_HTML 1u         /* OPT_T_FORMAT: html is accepted too */
#define OPT_HIDDEN 2u       /* not in --help, the man page or the completions */
#define OPT_OWN_MISSING 4u  /* a missing value calls cb(call, NULL): its own message */
#define OPT_DOC_ONLY 8u     /* documented, never matched (main's -V/--version) */

struct opt_choice {
	const char *name;
	int value;
	int alias;          /* 1: accepted, but not listed (help, messages, completion) */
};

struct opt;
struct opt_call {
	const char *cmd;      /* the command ("summary"), NULL before the command */
	const char *spelled;  /* the option as given, without "=VALUE" ("-j", "--jobs") */
	const struct opt *opt;
};
/* Returns 0, or the exit code after printing the error (usually usage_error). */
typedef int (*opt_cb)(const struct opt_call *call, const char *arg);

struct opt {
	enum opt_type type;
	int short_name;           /* 0: none */
	const char *long_name;    /* NULL only for GROUP/TEXT/END */
	const char *argh;         /* the argument's name in --help ("N"); NULL: no argument */
	const char *help;         /* lines separated by '\n', no trailing newline */
	void *value;
	long lo, hi;              /* OPT_T_RANGE */
	const struct opt_choice *choices; /* OPT_T_CHOICE, ends with { NULL } */
	opt_cb cb;                /* OPT_T_CALLBACK */
	unsigned flags;
	/* completion of the argument: NULL nothing to offer, "<file>", "<dir>",
	 * "<command>" (an hsnap command), "<pid>", or words separated by spaces;
	 * FORMAT and CHOICE entries offer their values without it */
	const char *complete;
};

#define OPT_END() { OPT_T_END, 0, NULL, NULL, NULL, NULL, 0, 0, NULL, NULL, 0, NULL }
#define OPT_GROUP(h) { OPT_T_GROUP, 0, NULL, NULL, (h), NULL, 0, 0, NULL, NULL, 0, NULL }
#define OPT_TEXT(t) { OPT_T_TEXT, 0, NULL, NULL, (t), NULL, 0, 0, NULL, NULL, 0, NULL }
#define OPT_BOOL(l, v, h) { OPT_T_BOOL, 0, (l), NULL, (h), (v), 0, 0, NULL, NULL, 0, NULL }
#define OPT_BOOL_S(s, l, v, h) { OPT_T_BOOL, (s), (l), NULL, (h), (v), 0, 0, NULL, NULL, 0, NULL }
#define OPT_COUNT(l, v, a, h) { OPT_T_COUNT, 0, (l), (a), (h), (v), 0, 0, NULL, NULL, 0, NULL }
#define OPT_RANGE(l, v, lo, hi, a, h) { OPT_T_RANGE, 0, (l), (a), (h), (v), (lo), (hi), NULL, NULL, 0, NULL }
#define OPT_STRING(l, v, a, h, c) { OPT_T_STRING, 0, (l), (a), (h), (v), 0, 0, NULL, NULL, 0, (c) }
#define OPT_STRING_S(s, l, v, a, h, c) { OPT_T_STRING, (s), (l), (a), (h), (v), 0, 0, NULL, NULL, 0, (c) }
#define OPT_CHOICE(l, v, ch, a, h) { OPT_T_CHOICE, 0, (l), (a), (h), (v), 0, 0, (ch), NULL, 0, NULL }
#define OPT_FORMAT(v, h) { OPT_T_FORMAT, 0, "format", "FMT", (h), (v), 0, 0, NULL, NULL, 0, NULL }
#define OPT_FORMAT_HTML(v, h) { OPT_T_FORMAT, 0, "format", "FMT", (h), (v), 0, 0, NULL, NULL, OPT_HTML, NULL }
#define OPT_OUTPUT(a, h) { OPT_T_OUTPUT, 'o', "output", (a), (h), NULL, 0, 0, NULL, NULL, 0, "<file>" }
/* v: passed to cb as call->opt->value; a: NULL for an option without argument */
#define OPT_CALLBACK(l, v, a, h, cb, c) { OPT_T_CALLBACK, 0, (l), (a), (h), (v), 0, 0, NULL, (cb), 0, (c) }
#define OPT_CALLBACK_F(s, l, v, a, h, cb, f, c) { OPT_T_CALLBACK, (s), (l), (a), (h), (v), 0, 0, NULL, (cb), (f), (c) }

/* What --help shows around the table: "Usage: " usage[0] (then usage[1..]
 * indented under it), a blank line and description, the options ("Options:"
 * unless the table starts with a group), -h/--help, then epilog. */
struct cmd_doc {
	const char *name;            /* "summary" */
	const char *const *usage;    /* alternatives, NULL-terminated; "\n" wraps one */
	const char *description;     /* paragraphs, each line ending in '\n' */
	const char *epilog;          /* after the options (starts with "\n"), or NULL */
	const char *operands;        /* completion of operands: "<file>", "<pid>", NULL */
};

/* Parses argv[1..argc) with opts and the global options; see above.
 * Returns 0, -1 after --help was printed, or an exit code after an error. */
int parse_options(const struct cmd_doc *doc, const struct opt *opts, int argc, char **argv);

/* The global options (main.c), accepted after every command too. */
void opt_set_globals(const struct opt *globals);
/* main, before the command: parses the global options at argv[*i], moving
 * *i past them; stops at the first other argument.  --format VALUE is kept
 * for the command.  Returns 0 or an exit code. */
int parse_global_options(int argc, char **argv, int *i);

/* --help of a table (also `hsnap --help`'s list of global options). */
void opt_print_help(FILE *f, const struct cmd_doc *doc, const struct opt *opts);
void opt_print_table(FILE *f, const struct opt *opts, int with_help);

/* gendoc.c sets this: parse_options then calls it on --help instead of
 * printing (git's --git-completion-helper), so that one run of every
 * command's parser sees every table. */
extern void (*opt_dump_hook)(const struct cmd_doc *doc, const struct opt *opts);

/* The entry of the implicit -h/--help (for gendoc.c). */
extern const struct opt opt_help_entry;

/* DevTools' named filters (src/filters.c), for the --filter option of
 * summary, diff, leaks and growth: the end of its help text, and its
 * completions */
#define OPT_FILTER_NAMES_HELP \
	"objectsRetainedByDetachedDomNodes, objectsRetainedByConsole,\n" \
	"objectsRetainedByEventHandlers, objectsRetainedByContexts,\n" \
	"duplicatedStrings, sharedNativeContext, noNativeContext,\n" \
	"nativeContext_ID (ID: a native context's id, see hsnap realms)"
#define OPT_FILTER_NAMES \
	"objectsRetainedByDetachedDomNodes objectsRetainedByConsole " \
	"objectsRetainedByEventHandlers objectsRetainedByContexts " \
	"duplicatedStrings sharedNativeContext noNativeContext"

#endif
