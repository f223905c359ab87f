/* The option layer (options.h): parsing and --help from OPT_* tables. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "alloc.h"

const struct opt opt_help_entry = OPT_BOOL_S('h', "help", NULL, "show this help");
void (*opt_dump_hook)(const struct cmd_doc *doc, const struct opt *opts);

static const struct opt *g_globals;
static const char *g_pending_format; /* --format before the command */

void opt_set_globals(const struct opt *globals)
{
	g_globals = globals;
}

static int is_option(const struct opt *o)
{
	return o->type != OPT_T_END && o->type != OPT_T_GROUP && o->type != OPT_T_TEXT;
}

/* An entry the parser may match. */
static int parsed(const struct opt *o)
{
	return is_option(o) && !(o->flags & OPT_DOC_ONLY);
}

/* ---- --help ---------------------------------------------------------------- */

/* "-o, --output F", "--top N", "--raw-sizes" */
static size_t flag_text(const struct opt *o, char *buf, size_t len)
{
	int n;
	if (o->short_name && o->long_name)
		n = snprintf(buf, len, "-%c, --%s%s%s", o->short_name, o->long_name, o->argh ? " " : "",
			     o->argh ? o->argh : "");
	else if (o->short_name)
		n = snprintf(buf, len, "-%c%s%s", o->short_name, o->argh ? " " : "", o->argh ? o->argh : "");
	else
		n = snprintf(buf, len, "--%s%s%s", o->long_name, o->argh ? " " : "", o->argh ? o->argh : "");
	return n < 0 ? 0 : (size_t)n;
}

/* The help column: at least 17 wide, else the longest flags and two spaces. */
static size_t help_width(const struct opt *opts, int with_help)
{
	char buf[256];
	size_t w = 15, n;
	const struct opt *o;

	for (o = opts; o->type != OPT_T_END; o++)
		if (is_option(o) && !(o->flags & OPT_HIDDEN) && (n = flag_text(o, buf, sizeof(buf))) > w)
			w = n;
	if (with_help && (n = flag_text(&opt_help_entry, buf, sizeof(buf))) > w)
		w = n;
	return w + 2;
}

static void print_entry(FILE *f, const struct opt *o, size_t width)
{
	char buf[256];
	const char *h = o->help ? o->help : "", *nl;
	int first = 1;

	flag_text(o, buf, sizeof(buf));
	fprintf(f, "  %-*s", (int)width, buf);
	do {
		nl = strchr(h, '\n');
		if (!first)
			fprintf(f, "  %-*s", (int)width, "");
		fprintf(f, "%.*s\n", (int)(nl ? (size_t)(nl - h) : strlen(h)), h);
		first = 0;
		h = nl ? nl + 1 : NULL;
	} while (h);
}

void opt_print_table(FILE *f, const struct opt *opts, int with_help)
{
	size_t width = help_width(opts, with_help);
	const struct opt *o;

	if (opts->type != OPT_T_GROUP)
		fputs("\nOptions:\n", f);
	for (o = opts; o->type != OPT_T_END; o++) {
		if (o->type == OPT_T_GROUP)
			fprintf(f, "\n%s%s", o->help, *o->help ? "\n" : "");
		else if (o->type == OPT_T_TEXT)
			fputs(o->help, f);
		else if (!(o->flags & OPT_HIDDEN))
			print_entry(f, o, width);
	}
	if (with_help)
		print_entry(f, &opt_help_entry, width);
}

void opt_print_help(FILE *f, const struct cmd_doc *doc, const struct opt *opts)
{
	size_t i;

	for (i = 0; doc->usage[i]; i++)
		fprintf(f, "%s%s\n", i ? "       " : "Usage: ", doc->usage[i]);
	if (doc->description)
		fprintf(f, "\n%s", doc->description);
	opt_print_table(f, opts, 1);
	if (doc->epilog)
		fputs(doc->epilog, f);
}

/* ---- parsing ----------------------------------------------------------------- */

/* The entry for --name (len bytes of it): an exact match in opts, the
 * globals or help; else a unique prefix among opts, else among the globals
 * (so that an abbreviation that named a command's option still does).
 * NULL when none or ambiguous. */
static const struct opt *find_long(const struct opt *opts, const char *name, size_t len)
{
	const struct opt *tabs[2] = { opts, g_globals }, *o, *hit = NULL;
	int t, nhit;

	for (t = 0; t < 2; t++)
		for (o = tabs[t]; o && o->type != OPT_T_END; o++)
			if (parsed(o) && o->long_name && strlen(o->long_name) == len &&
			    !strncmp(o->long_name, name, len))
				return o;
	if (len == 4 && !strncmp(name, "help", 4))
		return &opt_help_entry;
	for (t = 0; t < 2; t++) {
		nhit = 0;
		for (o = tabs[t]; o && o->type != OPT_T_END; o++)
			if (parsed(o) && o->long_name && !strncmp(o->long_name, name, len))
				hit = o, nhit++;
		if (t == 0 && !strncmp("help", name, len))
			hit = &opt_help_entry, nhit++;
		if (nhit)
			return nhit == 1 ? hit : NULL;
	}
	return NULL;
}

static const struct opt *find_short(const struct opt *opts, int c)
{
	const struct opt *tabs[2] = { opts, g_globals }, *o;
	int t;

	if (c == 'h')
		return &opt_help_entry;
	for (t = 0; t < 2; t++)
		for (o = tabs[t]; o && o->type != OPT_T_END; o++)
			if (parsed(o) && o->short_name == c)
				return o;
	return NULL;
}

static int apply(const char *cmd, const char *spelled, const struct opt *o, const char *arg)
{
	char name[128];
	const struct opt_choice *ch;
	struct opt_call call = { cmd, spelled, o };

	snprintf(name, sizeof(name), "--%s", o->long_name);
	switch (o->type) {
	case OPT_T_BOOL: *(int *)o->value = 1; return 0;
	case OPT_T_COUNT: {
		long ignored; /* value NULL: checked, then ignored (OPT_TOP_IGNORED) */
		return parse_count(cmd, name, arg, o->value ? o->value : &ignored) ? EXIT_USAGE : 0;
	}
	case OPT_T_RANGE: return parse_range(cmd, name, arg, o->lo, o->hi, o->value) ? EXIT_USAGE : 0;
	case OPT_T_STRING: *(const char **)o->value = arg; return 0;
	case OPT_T_FORMAT:
		return ((o->flags & OPT_HTML) ? parse_format_html(cmd, arg, o->value)
					       : parse_format(cmd, arg, o->value)) ? EXIT_USAGE : 0;
	case OPT_T_OUTPUT: return cli_output_open(cmd, arg);
	case OPT_T_CALLBACK: return o->cb(&call, arg);
	case OPT_T_CHOICE: {
		char list[512];
		size_t n = 0, k = 0, i;
		for (ch = o->choices; ch->name; ch++)
			if (!strcmp(ch->name, arg)) {
				*(int *)o->value = ch->value;
				return 0;
			}
		for (ch = o->choices; ch->name; ch++)
			n += !ch->alias;
		list[0] = 0;
		/* "a, b or c" */
		for (ch = o->choices, i = 0; ch->name; ch++) {
			if (ch->alias)
				continue;
			k += (size_t)snprintf(list + k, k < sizeof(list) ? sizeof(list) - k : 0, "%s%s",
					      i == 0 ? "" : i + 1 == n ? " or " : ", ", ch->name);
			if (k >= sizeof(list))
				k = sizeof(list) - 1;
			i++;
		}
		return usage_error(cmd, "%s must be %s, got '%s'", name, list, arg);
	}
	default: return 0;
	}
}

/* Applies option o (spelled so) of argv[*i] with its value: inl (what
 * follows the name in the same argument), else the next argument (*i moves
 * past it), else o's callback with NULL (OPT_OWN_MISSING) or an error. */
static int with_value(const char *cmd, const char *spelled, const struct opt *o, const char *inl, int argc,
		      char **argv, int *i)
{
	const char *arg;

	if (inl)
		arg = inl;
	else if (*i + 1 < argc)
		arg = argv[++*i];
	else if (o->flags & OPT_OWN_MISSING) {
		struct opt_call call = { cmd, spelled, o };
		return o->cb(&call, NULL);
	} else
		return usage_error(cmd, "option '%s' needs a value", argv[*i]);
	return apply(cmd, spelled, o, arg);
}

/* One option at argv[*i] (which starts with '-' and is not "-" or "--").
 * Returns 0, -1 for --help, or an exit code. */
static int one_option(const char *cmd, const struct opt *opts, int argc, char **argv, int *i)
{
	const char *a = argv[*i];
	const struct opt *o;
	char spelled[128];
	int rc;

	if (a[1] == '-') {
		const char *eq = strchr(a + 2, '=');
		size_t len = eq ? (size_t)(eq - a - 2) : strlen(a + 2);
		if (!(o = find_long(opts, a + 2, len)) || (eq && !o->argh))
			return usage_error(cmd, "unknown option '%s'", a);
		snprintf(spelled, sizeof(spelled), "%.*s", (int)(len + 2), a);
		if (o == &opt_help_entry)
			return -1;
		if (!o->argh)
			return apply(cmd, spelled, o, NULL);
		return with_value(cmd, spelled, o, eq ? eq + 1 : NULL, argc, argv, i);
	}
	for (a++; *a; a++) {
		if (!(o = find_short(opts, *a)))
			return usage_error(cmd, "unknown option '%s'", argv[*i]);
		if (o == &opt_help_entry)
			return -1;
		snprintf(spelled, sizeof(spelled), "-%c", *a);
		if (!o->argh) {
			if ((rc = apply(cmd, spelled, o, NULL)))
				return rc;
			continue;
		}
		return with_value(cmd, spelled, o, a[1] ? a + 1 : NULL, argc, argv, i);
	}
	return 0;
}

int parse_options(const struct cmd_doc *doc, const struct opt *opts, int argc, char **argv)
{
	char **operands;
	int i, n = 0, rc = 0, k;

	if (g_pending_format) {
		const struct opt *o = find_long(opts, "format", 6);
		if (!o || strcmp(o->long_name, "format"))
			return usage_error(doc->name, "unknown option '--format'");
		if ((rc = apply(doc->name, "--format", o, g_pending_format)))
			return rc;
	}
	HS_ALLOC_ARRAY(operands, (size_t)argc + 1);
	for (i = 1; i < argc && rc == 0; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--")) {
			for (i++; i < argc; i++)
				operands[n++] = argv[i];
			break;
		}
		if (a[0] != '-' || !a[1])
			operands[n++] = argv[i];
		else
			rc = one_option(doc->name, opts, argc, argv, &i);
	}
	if (rc == 0) {
		/* the operands last, in their order, as GNU getopt leaves them */
		for (k = 0; k < n; k++)
			argv[argc - n + k] = operands[k];
		optind = argc - n;
	}
	free(operands);
	if (rc < 0) {
		if (opt_dump_hook)
			opt_dump_hook(doc, opts);
		else
			opt_print_help(stdout, doc, opts);
	}
	return rc;
}

int parse_global_options(int argc, char **argv, int *i)
{
	const struct opt *o;
	int rc;

	while (*i < argc && argv[*i][0] == '-' && argv[*i][1]) {
		const char *a = argv[*i], *eq = a[1] == '-' ? strchr(a, '=') : NULL;
		size_t len = eq ? (size_t)(eq - a) : strlen(a);
		char spelled[128];

		if (len == 8 && !strncmp(a, "--format", 8)) {
			if (eq)
				g_pending_format = eq + 1;
			else if (*i + 1 < argc)
				g_pending_format = argv[++*i];
			else {
				fprintf(stderr, "hsnap: option '--format' needs a value\n");
				return EXIT_USAGE;
			}
			++*i;
			continue;
		}
		for (o = g_globals; o && o->type != OPT_T_END; o++) {
			if (!parsed(o))
				continue;
			if (a[1] == '-' && o->long_name && strlen(o->long_name) == len - 2 &&
			    !strncmp(o->long_name, a + 2, len - 2))
				break;
			if (a[1] != '-' && o->short_name == a[1] && !a[2])
				break;
		}
		if (!o || o->type == OPT_T_END)
			return 0; /* not a global option: main decides */
		snprintf(spelled, sizeof(spelled), "%.*s", (int)len, a);
		if (eq && !o->argh)
			return 0;
		if (!o->argh)
			rc = apply(NULL, spelled, o, NULL);
		else if (eq)
			rc = apply(NULL, spelled, o, eq + 1);
		else if (*i + 1 < argc) {
			++*i;
			rc = apply(NULL, spelled, o, argv[*i]);
		} else {
			struct opt_call call = { NULL, spelled, o };
			rc = o->flags & OPT_OWN_MISSING ? o->cb(&call, NULL)
							: (fprintf(stderr, "hsnap: option '%s' needs a value\n", a), EXIT_USAGE);
		}
		if (rc)
			return rc;
		++*i;
	}
	return 0;
}
