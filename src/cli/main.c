/* hsnap entry point: the command table, the global options and dispatch. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "cli.h"
#include "hsnap/index.h"
#include "commands.h"
#include "gendoc.h"
#include "options.h"
#include "oom.h"

#define COMMAND_ROW(name, summary) { #name, cmd_##name, summary },
static const struct command commands[] = { HS_COMMANDS(COMMAND_ROW) };
#undef COMMAND_ROW
#define NCOMMANDS (sizeof(commands) / sizeof(commands[0]))

static const char *const main_usage[] = {
	"hsnap [global options] <command> [options] FILE...",
	"hsnap --help | --version | help <command>",
	NULL
};

static const char main_description[] =
	"Analyze V8 heap snapshots (.heapsnapshot from Node, Chrome, Electron, Deno):\n"
	"what is in memory, what retains it, and what grew.  FILE may be gzipped;\n"
	"'-' reads standard input.  Numbers match Chrome DevTools' Memory panel.\n";

static const char main_notes[] =
	"\n"
	"Every command takes --format text|json|csv|markdown (also before the\n"
	"command), --top N and -h/--help.  '--' ends the options: what follows is a\n"
	"FILE even when it starts with '-'.\n"
	"\n"
	"Index: the first command that analyses FILE writes FILE.hsnapidx beside it\n"
	"(model, dominators, retained sizes, classes); later commands map it instead\n"
	"of parsing, and are many times faster.  It is rebuilt when FILE changes\n"
	"(size, mtime, ctime, inode, first/last 64 KiB) or when it fails its checksums\n"
	"or range checks; an unwritable folder just means no index.  HSNAP_TRACE_INDEX=1\n"
	"reports on stderr what happened to it; HSNAP_TIMING=1 times each phase.\n"
	"\n"
	"Run 'hsnap <command> --help' for its options.\n"
	"\n"
	"Exit codes: 0 success, 1 a --fail-on rule was violated, 2 usage error,\n"
	"3 input error (unreadable or malformed snapshot), 4 out of memory.\n";

/* --max-input SIZE: digits and an optional unit (B, KB/MB/GB = 1000^n,
 * KiB/MiB/GiB = 1024^n); 0 when it is not such a size. */
static uint64_t parse_size(const char *v)
{
	static const struct { const char *unit; uint64_t mult; } units[] = {
		{ "", 1 }, { "B", 1 }, { "KB", 1000 }, { "MB", 1000000 }, { "GB", 1000000000 },
		{ "KiB", 1024 }, { "MiB", 1048576 }, { "GiB", 1073741824 },
	};
	uint64_t n = 0, r;
	size_t i;

	if (*v < '0' || *v > '9')
		return 0;
	for (; *v >= '0' && *v <= '9'; v++)
		if (__builtin_mul_overflow(n, 10, &n) || __builtin_add_overflow(n, (uint64_t)(*v - '0'), &n))
			return 0;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(v, units[i].unit))
			return __builtin_mul_overflow(n, units[i].mult, &r) ? 0 : r;
	return 0;
}

/* --jobs N / -j N */
static int opt_jobs(const struct opt_call *c, const char *v)
{
	char *end;
	long n;

	if (!v) {
		fprintf(stderr, "hsnap: %s needs a number\n", c->spelled);
		return EXIT_USAGE;
	}
	n = strtol(v, &end, 10);
	if (end == v || *end || n < 1 || n > 64) {
		fprintf(stderr, "hsnap: --jobs needs a number from 1 to 64, got '%s'\n", v);
		return EXIT_USAGE;
	}
	cli_jobs = (int)n;
	return 0;
}

static int opt_max_input(const struct opt_call *c, const char *v)
{
	(void)c;
	if (!v || !(cli_max_input = parse_size(v))) {
		fprintf(stderr, "hsnap: --max-input needs a size above 0 (e.g. 500MB, 2GiB), got '%s'\n",
			v ? v : "");
		return EXIT_USAGE;
	}
	return 0;
}

/* The global options: before the command and anywhere after it. */
static const struct opt globals[] = {
	OPT_GROUP("Global options (before or after the command):"),
	OPT_CALLBACK_F('j', "jobs", NULL, "N", "threads for parsing plain files, the analysis and\n"
		       "checking an index (default: all cores; results never\n"
		       "depend on it)", opt_jobs, OPT_OWN_MISSING, NULL),
	OPT_BOOL("no-index", &cli_no_index, "neither read nor write the index (or HSNAP_NO_INDEX=1)"),
	OPT_BOOL("verify-index", &cli_verify_index, "parse FILE anyway and compare the index with it; a\n"
		 "mismatch is reported, the output comes from FILE and\n"
		 "the index is rebuilt"),
	OPT_CALLBACK_F(0, "max-input", NULL, "SIZE", "refuse inputs (snapshots, baselines) of more than SIZE\n"
		       "bytes of JSON after decompression, e.g. 500MB, 2GiB\n"
		       "(exit 4); for untrusted uploads, where a small .gz can\n"
		       "expand to many GB", opt_max_input, OPT_OWN_MISSING, NULL),
	OPT_CALLBACK_F('V', "version", NULL, NULL, "show the version (before a command)", NULL, OPT_DOC_ONLY, NULL),
	OPT_END()
};

static void usage(FILE *f)
{
	size_t i;

	for (i = 0; main_usage[i]; i++)
		fprintf(f, "%s%s\n", i ? "       " : "Usage: ", main_usage[i]);
	fprintf(f, "\n%s\nCommands:\n", main_description);
	for (i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-9s %s\n", commands[i].name, commands[i].summary);
	opt_print_table(f, globals, 1);
	fputs(main_notes, f);
}

/* An index is mapped: if another program truncates that file while we read
 * it, the next access raises SIGBUS.  Say so and exit like any input error. */
static void on_sigbus(int sig)
{
	static const char msg[] = "hsnap: an index file (.hsnapidx) was truncated or replaced "
				  "in place while in use; run again (or use --no-index)\n";
	(void)sig;
	if (write(2, msg, sizeof(msg) - 1) < 0)
		_exit(EXIT_INPUT);
	_exit(EXIT_INPUT);
}

/* Killed while writing an index: remove its temporary file first (what
 * SIGKILL leaves is removed by a later run, src/index.c). */
static void on_fatal(int sig)
{
	hs_index_abandon();
	signal(sig, SIG_DFL);
	raise(sig);
}

int main(int argc, char **argv)
{
	size_t i;
	int rc, first = 1;
	struct sigaction sa;
	const struct gendoc_main doc = { main_usage, main_description, main_notes, commands, NCOMMANDS, globals };

	cli_oom_install(); /* before any library call: only src/cli exits */
	timing_start();
	atexit(cli_index_writers_wait); /* before the stdout filter's: runs after it */
	safe_stdout_install();
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigbus;
	sigaction(SIGBUS, &sa, NULL);
	sa.sa_handler = on_fatal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	/* an index past `ulimit -f`: write() says EFBIG, no index (docs/files.md) */
	signal(SIGXFSZ, SIG_IGN);

#ifdef __GLIBC__
	/* Big arrays always from mmap, so that freeing one snapshot's arrays
	 * returns the memory before the next snapshot is loaded (glibc would
	 * otherwise raise its threshold to 32 MiB and keep such arrays on the
	 * heap, where freed space is not given back). */
	mallopt(M_MMAP_THRESHOLD, 1 << 20);
#endif
	if (env_flag("HSNAP_NO_INDEX"))
		cli_no_index = 1;
	opt_set_globals(globals);
	if (argc == 3 || argc == 4) {
		if (!strcmp(argv[1], "--dump-options")) /* hidden: the build's man page and completions */
			return gendoc(argv[2], argc == 4 ? argv[3] : NULL, &doc);
	}
	/* global options before the command; the command's parser takes them after it */
	if ((rc = parse_global_options(argc, argv, &first)))
		return rc;
	argc -= first - 1;
	argv += first - 1;
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "-h") || !strcmp(argv[1], "--help") || !strcmp(argv[1], "help")) {
		if (argc > 2 && strcmp(argv[1], "help") == 0) {
			for (i = 0; i < NCOMMANDS; i++)
				if (!strcmp(argv[2], commands[i].name)) {
					char *av[] = { argv[2], (char *)"--help", NULL };
					return commands[i].fn(2, av);
				}
		}
		usage(stdout);
		return EXIT_OK;
	}
	if (!strcmp(argv[1], "-V") || !strcmp(argv[1], "--version")) {
		printf("hsnap %s\n", HSNAP_VERSION);
		return EXIT_OK;
	}
	for (i = 0; i < NCOMMANDS; i++)
		if (!strcmp(argv[1], commands[i].name)) {
			rc = commands[i].fn(argc - 1, argv + 1);
			if (script_dir_note()) /* said once, after the output (report.c) */
				printf(cli_fmt == FMT_MD ? "\nScript paths are relative to `%s`.\n"
							 : "\nScript paths are relative to %s\n", script_dir_note());
			return cli_output_close(rc);
		}
	fprintf(stderr, "hsnap: unknown command '%s'\n", argv[1]);
	fprintf(stderr, "Run 'hsnap --help' for the list of commands.\n");
	return EXIT_USAGE;
}
