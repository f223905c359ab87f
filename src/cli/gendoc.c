/* gendoc.h: the man page hsnap(1) and the bash and zsh completions, written
 * from the same option tables that parse the command line and print --help.
 * main runs every command's parser with --help while opt_dump_hook points
 * here (git's --git-completion-helper), so each table is seen once, in the
 * order of main's command list. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include "gendoc.h"

static FILE *g_out;
static const char *g_format;
static const struct gendoc_main *g_main;

static int documented(const struct opt *o)
{
	return o->type != OPT_T_END && o->type != OPT_T_GROUP && o->type != OPT_T_TEXT &&
	       !(o->flags & OPT_HIDDEN);
}

/* The values an option's argument takes, for completion: words, or one of
 * "<file>", "<dir>", "<command>", "<pid>"; "" for nothing to offer. */
static const char *values(const struct opt *o, char *buf, size_t len)
{
	const struct opt_choice *ch;
	size_t k = 0;

	if (o->type == OPT_T_FORMAT)
		return (o->flags & OPT_HTML) ? "text json csv markdown html" : "text json csv markdown";
	if (o->type == OPT_T_CHOICE) {
		buf[0] = 0;
		for (ch = o->choices; ch->name; ch++)
			if (!ch->alias && k + strlen(ch->name) + 2 < len)
				k += (size_t)snprintf(buf + k, len - k, "%s%s", k ? " " : "", ch->name);
		return buf;
	}
	return o->complete ? o->complete : "";
}

/* An option's help for the zsh menu: its first clause (up to '(', ';' or
 * '.'), lines joined, at most 60 bytes (cut at a space). */
static const char *short_help(const struct opt *o, char *buf, size_t len)
{
	const char *h = o->help ? o->help : "";
	size_t n = 0, max = len - 1 < 60 ? len - 1 : 60;

	if (o->type == OPT_T_FORMAT)
		return "the output format";
	for (; h[n] && !strchr("(;.", h[n]) && n < len - 1; n++)
		buf[n] = h[n] == '\n' ? ' ' : h[n];
	if (n > max) {
		n = max;
		while (n && buf[n] != ' ')
			n--;
	}
	while (n && strchr(" ,:", buf[n - 1]))
		n--;
	buf[n] = 0;
	return buf;
}

/* ---- list: one line per option (for tests/cli/run_docs.sh) ------------------- */

static void list_one(const char *cmd, const struct opt *o)
{
	char s[3] = { '-', (char)o->short_name, 0 };
	fprintf(g_out, "%s\t%s\t--%s\t%s\n", cmd, o->short_name ? s : "", o->long_name, o->argh ? o->argh : "");
}

static void list_table(const char *cmd, const struct opt *opts)
{
	const struct opt *o;
	for (o = opts; o->type != OPT_T_END; o++)
		if (documented(o))
			list_one(cmd, o);
}

/* ---- man ------------------------------------------------------------------------ */

/* A UTF-8 sequence at t as roff's \[uXXXX] (groff needs no preconv then);
 * returns its last byte. */
static const char *man_utf8(const char *t)
{
	const unsigned char *u = (const unsigned char *)t;
	unsigned cp, n, i;

	n = u[0] >= 0xf0 ? 3 : u[0] >= 0xe0 ? 2 : u[0] >= 0xc0 ? 1 : 0;
	cp = u[0] & (0x3f >> n);
	for (i = 1; i <= n; i++) {
		if ((u[i] & 0xc0) != 0x80) {
			fputc('?', g_out);
			return t + i - 1;
		}
		cp = cp << 6 | (u[i] & 0x3f);
	}
	fprintf(g_out, n ? "\\[u%04X]" : "?", cp);
	return t + n;
}

/* Text as roff: a blank line starts a paragraph; backslashes escaped; a
 * '-' that starts a word (an option) is \-; a line starting with '.' or
 * '\'' is protected. */
static void man_text(const char *t)
{
	int bol = 1;
	char prev = ' ';

	for (; *t; t++) {
		if (*t == '\n') {
			fputs(bol ? ".PP\n" : "\n", g_out);
			bol = 1;
			prev = ' ';
			continue;
		}
		if (bol && (*t == '.' || *t == '\''))
			fputs("\\&", g_out);
		bol = 0;
		if (*t == '\\')
			fputs("\\e", g_out);
		else if (*t == '-' && !isalnum((unsigned char)prev))
			fputs("\\-", g_out);
		else if ((unsigned char)*t >= 0x80)
			t = man_utf8(t);
		else
			fputc(*t, g_out);
		prev = *t;
	}
	if (!bol)
		fputc('\n', g_out);
}

/* Lines kept as they are (synopses, lists): no fill. */
static void man_lines(const char *t)
{
	fputs(".nf\n", g_out);
	man_text(t);
	fputs(".fi\n", g_out);
}

static void man_flag(const struct opt *o)
{
	const char *h, *nl = NULL;

	fputs(".TP\n", g_out);
	if (o->short_name)
		fprintf(g_out, "\\fB\\-%c\\fR%s", o->short_name, o->long_name ? ", " : "");
	if (o->long_name) {
		const char *p;
		fputs("\\fB\\-\\-", g_out);
		for (p = o->long_name; *p; p++)
			if (*p == '-')
				fputs("\\-", g_out);
			else
				fputc(*p, g_out);
		fputs("\\fR", g_out);
	}
	if (o->argh)
		fprintf(g_out, " \\fI%s\\fR", o->argh);
	fputc('\n', g_out);
	/* the help's lines as they are in --help (they are short; some indent) */
	for (h = o->help ? o->help : ""; *h; h = nl ? nl + 1 : h + strlen(h)) {
		char line[256];
		nl = strchr(h, '\n');
		snprintf(line, sizeof(line), "%.*s", (int)(nl ? (size_t)(nl - h) : strlen(h)), h);
		man_text(line);
		if (nl)
			fputs(".br\n", g_out);
	}
}

static void man_table(const struct opt *opts, const char *first_heading)
{
	const struct opt *o;

	if (opts->type != OPT_T_GROUP && first_heading)
		fprintf(g_out, ".SS %s\n", first_heading);
	for (o = opts; o->type != OPT_T_END; o++) {
		if (o->type == OPT_T_GROUP) {
			char h[256];
			size_t n = strlen(o->help);
			if (!n)
				continue;
			snprintf(h, sizeof(h), "%.*s", (int)(o->help[n - 1] == ':' ? n - 1 : n), o->help);
			fprintf(g_out, ".SS \"%s\"\n", h);
		} else if (o->type == OPT_T_TEXT) {
			fputs(".PP\n", g_out);
			man_lines(o->help);
		} else if (documented(o))
			man_flag(o);
	}
	man_flag(&opt_help_entry);
}

static void man_usage(const char *const *usage)
{
	size_t i;
	fputs(".nf\n", g_out);
	for (i = 0; usage[i]; i++) {
		/* one synopsis per line: a wrapped one is joined again */
		const char *u = usage[i];
		for (; *u; u++) {
			if (*u == '\n') {
				while (u[1] == ' ')
					u++;
				fputc(' ', g_out);
			} else if (*u == '-')
				fputs("\\-", g_out);
			else if (*u == '\\')
				fputs("\\e", g_out);
			else
				fputc(*u, g_out);
		}
		fputc('\n', g_out);
	}
	fputs(".fi\n", g_out);
}

static void man_begin(void)
{
	size_t i;

	fprintf(g_out, ".\\\" hsnap(1), generated by 'hsnap --dump-options man' from the option\n"
		       ".\\\" tables in src/cli (see docs/ARCHITECTURE.md); do not edit.\n"
		       ".TH HSNAP 1 \"\" \"hsnap %s\" \"User Commands\"\n"
		       ".SH NAME\n"
		       "hsnap \\- analyze V8 heap snapshots: what is in memory, what retains it, what grew\n"
		       ".SH SYNOPSIS\n", HSNAP_VERSION);
	man_usage(g_main->usage);
	fputs(".SH DESCRIPTION\n", g_out);
	man_text(g_main->description);
	fputs(".SH COMMANDS\n", g_out);
	for (i = 0; i < g_main->ncommands; i++) {
		fprintf(g_out, ".TP\n.B %s\n", g_main->commands[i].name);
		man_text(g_main->commands[i].summary);
	}
	fputs(".SH \"GLOBAL OPTIONS\"\n"
	      "Accepted before the command and anywhere after it.\n", g_out);
	man_table(g_main->globals, NULL);
}

static void man_command(const struct cmd_doc *doc, const struct opt *opts)
{
	const char *p;

	fputs(".SH \"COMMAND ", g_out);
	for (p = doc->name; *p; p++)
		fputc(toupper((unsigned char)*p), g_out);
	fputs("\"\n", g_out);
	man_usage(doc->usage);
	fputs(".PP\n", g_out);
	man_text(doc->description);
	man_table(opts, "Options");
	if (doc->epilog) {
		fputs(".PP\n", g_out);
		man_text(doc->epilog[0] == '\n' ? doc->epilog + 1 : doc->epilog);
	}
}

static void man_end(void)
{
	fputs(".SH NOTES\n", g_out);
	man_text(g_main->notes[0] == '\n' ? g_main->notes + 1 : g_main->notes);
	fputs(".SH ENVIRONMENT\n"
	      ".TP\n.B HSNAP_NO_INDEX\n"
	      "set to anything but 0 or empty: as \\fB\\-\\-no\\-index\\fR\n"
	      ".TP\n.B HSNAP_TRACE_INDEX\n"
	      "set to 1: what happened to the index, on standard error\n"
	      ".TP\n.B HSNAP_TIMING\n"
	      "set to 1: the time of each phase, on standard error\n"
	      ".SH FILES\n"
	      ".TP\n.I FILE.hsnapidx\n"
	      "the index written beside a snapshot FILE (see NOTES)\n"
	      ".SH \"SEE ALSO\"\n"
	      "The README and docs/ of the hsnap sources; Chrome DevTools' Memory panel.\n", g_out);
}

/* ---- bash ---------------------------------------------------------------------- */

/* " -o --output --top": the options that take an argument (or those that do not) */
static void bash_words(const struct opt *opts, int with_args)
{
	const struct opt *o;
	for (o = opts; o->type != OPT_T_END; o++)
		if (documented(o) && !(o->flags & OPT_DOC_ONLY) && !!o->argh == with_args) {
			if (o->short_name)
				fprintf(g_out, " -%c", o->short_name);
			fprintf(g_out, " --%s", o->long_name);
		}
}

/* "-j|--jobs|--max-input": a case pattern of the options that take an argument */
static void bash_pattern(const struct opt *opts)
{
	const struct opt *o;
	for (o = opts; o->type != OPT_T_END; o++)
		if (documented(o) && !(o->flags & OPT_DOC_ONLY) && o->argh) {
			if (o->short_name)
				fprintf(g_out, "-%c|", o->short_name);
			fprintf(g_out, "--%s|", o->long_name);
		}
}

/* case arms: the values of each option's argument */
static void bash_value_arms(const struct opt *opts, const char *indent)
{
	const struct opt *o;
	char buf[512];

	for (o = opts; o->type != OPT_T_END; o++) {
		if (!documented(o) || !o->argh || (o->flags & OPT_DOC_ONLY))
			continue;
		fputs(indent, g_out);
		if (o->short_name)
			fprintf(g_out, "-%c|", o->short_name);
		fprintf(g_out, "--%s) _hsnap_values \"%s\"; return ;;\n", o->long_name, values(o, buf, sizeof(buf)));
	}
}

static void bash_begin(void)
{
	const struct opt *o;
	size_t i;

	fputs("# bash completion for hsnap(1), generated by 'hsnap --dump-options bash'\n"
	      "# from the option tables in src/cli (see docs/ARCHITECTURE.md); do not edit.\n"
	      "_hsnap_commands=\"", g_out);
	for (i = 0; i < g_main->ncommands; i++)
		fprintf(g_out, "%s%s", i ? " " : "", g_main->commands[i].name);
	fputs("\"\n_hsnap_global_opts=\"", g_out);
	bash_words(g_main->globals, 1);
	bash_words(g_main->globals, 0);
	fputs(" \"\n_hsnap_main_opts=\"--format -h --help", g_out);
	for (o = g_main->globals; o->type != OPT_T_END; o++)
		if (documented(o) && (o->flags & OPT_DOC_ONLY)) {
			if (o->short_name)
				fprintf(g_out, " -%c", o->short_name);
			fprintf(g_out, " --%s", o->long_name);
		}
	fputs("\"\n"
	      "# $1: words to offer, or <file> <dir> <command> <pid>\n"
	      "_hsnap_values() {\n"
	      "\tcase $1 in\n"
	      "\t\"<file>\") compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -f -- \"$cur\")) ;;\n"
	      "\t\"<dir>\") compopt -o filenames 2>/dev/null; COMPREPLY=($(compgen -d -- \"$cur\")) ;;\n"
	      "\t\"<command>\") COMPREPLY=($(compgen -W \"$_hsnap_commands\" -- \"$cur\")) ;;\n"
	      "\t\"<pid>\") COMPREPLY=($(compgen -W \"$(ps -eo pid= 2>/dev/null)\" -- \"$cur\")) ;;\n"
	      "\t*) COMPREPLY=($(compgen -W \"$1\" -- \"$cur\")) ;;\n"
	      "\tesac\n"
	      "}\n"
	      "_hsnap_global_value() {\n"
	      "\tcase $prev in\n", g_out);
	bash_value_arms(g_main->globals, "\t");
	fputs("\tesac\n"
	      "\treturn 1\n"
	      "}\n"
	      "_hsnap() {\n"
	      "\tlocal cur=${COMP_WORDS[COMP_CWORD]} prev=${COMP_WORDS[COMP_CWORD-1]}\n"
	      "\tlocal i w cmd= ddash=0 opts= operands=\"<file>\"\n"
	      "\tCOMPREPLY=()\n"
	      "\tfor ((i = 1; i < COMP_CWORD; i++)); do\n"
	      "\t\tw=${COMP_WORDS[i]}\n"
	      "\t\tif [[ -n $cmd ]]; then\n"
	      "\t\t\t[[ $w == -- ]] && ddash=1\n"
	      "\t\t\tcontinue\n"
	      "\t\tfi\n"
	      "\t\tcase $w in\n"
	      "\t\t", g_out);
	bash_pattern(g_main->globals);
	fputs("--format) ((i++)) ;;\n"
	      "\t\t-*) ;;\n"
	      "\t\t*) cmd=$w ;;\n"
	      "\t\tesac\n"
	      "\tdone\n", g_out);
	fputs("\tif [[ -z $cmd ]]; then\n"
	      "\t\t_hsnap_global_value && return\n"
	      "\t\t[[ $prev == --format ]] && { _hsnap_values \"text json csv markdown html\"; return; }\n"
	      "\t\tif [[ $cur == -* ]]; then\n"
	      "\t\t\t_hsnap_values \"$_hsnap_global_opts $_hsnap_main_opts\"\n"
	      "\t\telse\n"
	      "\t\t\t_hsnap_values \"$_hsnap_commands help\"\n"
	      "\t\tfi\n"
	      "\t\treturn\n"
	      "\tfi\n"
	      "\tcase $cmd in\n"
	      "\thelp) _hsnap_values \"$_hsnap_commands\"; return ;;\n", g_out);
}

static void bash_command(const struct cmd_doc *doc, const struct opt *opts)
{
	fprintf(g_out, "\t%s)\n\t\topts=\"", doc->name);
	bash_words(opts, 1);
	bash_words(opts, 0);
	fprintf(g_out, " -h --help\"\n\t\toperands=\"%s\"\n", doc->operands ? doc->operands : "");
	fputs("\t\tif ((!ddash)); then\n\t\t\tcase $prev in\n", g_out);
	bash_value_arms(opts, "\t\t\t");
	fputs("\t\t\tesac\n\t\tfi\n\t\t;;\n", g_out);
}

static void bash_end(void)
{
	fputs("\tesac\n"
	      "\tif ((!ddash)); then\n"
	      "\t\t_hsnap_global_value && return\n"
	      "\t\tif [[ $cur == -* ]]; then\n"
	      "\t\t\t_hsnap_values \"$opts $_hsnap_global_opts\"\n"
	      "\t\t\treturn\n"
	      "\t\tfi\n"
	      "\tfi\n"
	      "\t_hsnap_values \"$operands\"\n"
	      "}\n"
	      "complete -F _hsnap hsnap\n", g_out);
}

/* ---- zsh ------------------------------------------------------------------------ */

/* Text inside '...' and [...] of an _arguments spec. */
static void zsh_quoted(const char *t, int in_brackets)
{
	for (; *t; t++) {
		if (*t == '\'')
			fputs("'\\''", g_out);
		else if (in_brackets && (*t == '[' || *t == ']'))
			fprintf(g_out, "\\%c", *t);
		else if (!in_brackets && *t == ':')
			fputs("\\:", g_out);
		else
			fputc(*t, g_out);
	}
}

static void zsh_action(const struct opt *o)
{
	char buf[512];
	const char *v = values(o, buf, sizeof(buf));

	if (!strcmp(v, "<file>"))
		fputs("_files", g_out);
	else if (!strcmp(v, "<dir>"))
		fputs("_files -/", g_out);
	else if (!strcmp(v, "<command>"))
		fputs("_hsnap_commands", g_out);
	else if (!strcmp(v, "<pid>"))
		fputs("_pids", g_out);
	else if (*v) {
		fputc('(', g_out);
		zsh_quoted(v, 0);
		fputc(')', g_out);
	} else
		fputc(' ', g_out);
}

static void zsh_spec(const struct opt *o, int shortform)
{
	char h[256];

	fputs("\t\t'", g_out);
	if (o == &opt_help_entry || (o->flags & OPT_DOC_ONLY))
		fputs("(- *)", g_out);
	else if (o->short_name && o->long_name)
		fprintf(g_out, "(-%c --%s)", o->short_name, o->long_name);
	else
		fputc('*', g_out);
	if (shortform)
		fprintf(g_out, "-%c%s", o->short_name, o->argh ? "+" : "");
	else
		fprintf(g_out, "--%s%s", o->long_name, o->argh ? "=" : "");
	fputc('[', g_out);
	zsh_quoted(short_help(o, h, sizeof(h)), 1);
	fputc(']', g_out);
	if (o->argh) {
		fputc(':', g_out);
		zsh_quoted(o->argh, 0);
		fputc(':', g_out);
		zsh_action(o);
	}
	fputs("' \\\n", g_out);
}

static void zsh_table(const struct opt *opts)
{
	const struct opt *o;
	for (o = opts; o->type != OPT_T_END; o++)
		if (documented(o)) {
			if (o->short_name)
				zsh_spec(o, 1);
			if (o->long_name)
				zsh_spec(o, 0);
		}
}

static void zsh_begin(void)
{
	size_t i;

	fputs("#compdef hsnap\n"
	      "# zsh completion for hsnap(1), generated by 'hsnap --dump-options zsh'\n"
	      "# from the option tables in src/cli (see docs/ARCHITECTURE.md); do not edit.\n"
	      "\n"
	      "_hsnap_commands() {\n"
	      "\tlocal -a cmds\n"
	      "\tcmds=(\n", g_out);
	for (i = 0; i < g_main->ncommands; i++) {
		fprintf(g_out, "\t\t'%s:", g_main->commands[i].name);
		zsh_quoted(g_main->commands[i].summary, 0);
		fputs("'\n", g_out);
	}
	fputs("\t)\n"
	      "\t_describe -t commands 'hsnap command' cmds\n"
	      "}\n"
	      "\n"
	      "_hsnap_globals() {\n"
	      "\treply=(\n", g_out);
	{
		const struct opt *o;
		for (o = g_main->globals; o->type != OPT_T_END; o++)
			if (documented(o) && !(o->flags & OPT_DOC_ONLY)) {
				if (o->short_name)
					zsh_spec(o, 1);
				zsh_spec(o, 0);
			}
	}
	fputs("\t)\n}\n\n", g_out);
}

static void zsh_command(const struct cmd_doc *doc, const struct opt *opts)
{
	fprintf(g_out, "_hsnap_cmd_%s() {\n"
		       "\tlocal -a reply\n"
		       "\t_hsnap_globals\n"
		       "\t_arguments -s -S : \"${reply[@]}\" \\\n", doc->name);
	zsh_table(opts);
	zsh_spec(&opt_help_entry, 1);
	zsh_spec(&opt_help_entry, 0);
	if (doc->operands && !strcmp(doc->operands, "<pid>"))
		fputs("\t\t'*:PID:_pids'\n}\n\n", g_out);
	else
		fputs("\t\t'*:FILE:_files'\n}\n\n", g_out);
}

static void zsh_end(void)
{
	const struct opt *o;

	fputs("_hsnap_cmd_help() {\n"
	      "\t_arguments ':command:_hsnap_commands'\n"
	      "}\n"
	      "\n"
	      "_hsnap() {\n"
	      "\tlocal curcontext=$curcontext state line ret=1\n"
	      "\tlocal -a reply\n"
	      "\ttypeset -A opt_args\n"
	      "\t_hsnap_globals\n"
	      "\t_arguments -C -s : \"${reply[@]}\" \\\n"
	      "\t\t'--format=[the command'\\''s output format]:FMT:(text json csv markdown html)' \\\n"
	      , g_out);
	zsh_spec(&opt_help_entry, 1);
	zsh_spec(&opt_help_entry, 0);
	for (o = g_main->globals; o->type != OPT_T_END; o++)
		if (documented(o) && (o->flags & OPT_DOC_ONLY)) {
			if (o->short_name)
				zsh_spec(o, 1);
			zsh_spec(o, 0);
		}
	fputs("\t\t'1:command:->command' \\\n"
	      "\t\t'*::argument:->argument' && ret=0\n"
	      "\tcase $state in\n"
	      "\tcommand) _alternative 'commands:command:_hsnap_commands' 'help:help:(help)' && ret=0 ;;\n"
	      "\targument)\n"
	      "\t\tcurcontext=${curcontext%:*:*}:hsnap-$words[1]:\n"
	      "\t\tif (( $+functions[_hsnap_cmd_$words[1]] )); then\n"
	      "\t\t\t_hsnap_cmd_$words[1] && ret=0\n"
	      "\t\tfi ;;\n"
	      "\tesac\n"
	      "\treturn ret\n"
	      "}\n"
	      "\n"
	      "_hsnap \"$@\"\n", g_out);
}

/* ---- driver ---------------------------------------------------------------------- */

static void on_command(const struct cmd_doc *doc, const struct opt *opts)
{
	if (!strcmp(g_format, "list")) {
		list_table(doc->name, opts);
		list_one(doc->name, &opt_help_entry);
	} else if (!strcmp(g_format, "man"))
		man_command(doc, opts);
	else if (!strcmp(g_format, "bash"))
		bash_command(doc, opts);
	else
		zsh_command(doc, opts);
}

int gendoc(const char *format, const char *path, const struct gendoc_main *m)
{
	size_t i;
	int rc;

	if (strcmp(format, "list") && strcmp(format, "man") && strcmp(format, "bash") && strcmp(format, "zsh")) {
		fprintf(stderr, "hsnap: --dump-options takes list, man, bash or zsh, got '%s'\n", format);
		return EXIT_USAGE;
	}
	g_format = format;
	g_main = m;
	/* FILE as -o writes it: a mkstemp file beside it, renamed when complete */
	if (path && (rc = cli_output_open("--dump-options", path)))
		return rc;
	g_out = stdout;
	if (!strcmp(format, "list"))
		list_table("-", m->globals);
	else if (!strcmp(format, "man"))
		man_begin();
	else if (!strcmp(format, "bash"))
		bash_begin();
	else
		zsh_begin();
	opt_dump_hook = on_command;
	for (i = 0; i < m->ncommands; i++) {
		char *av[] = { (char *)m->commands[i].name, (char *)"--help", NULL };
		m->commands[i].fn(2, av);
	}
	opt_dump_hook = NULL;
	if (!strcmp(format, "man"))
		man_end();
	else if (!strcmp(format, "bash"))
		bash_end();
	else if (!strcmp(format, "zsh"))
		zsh_end();
	if (!path && fflush(g_out) != 0) {
		fprintf(stderr, "hsnap: <stdout>: write failed\n");
		return EXIT_INPUT;
	}
	return cli_output_close(EXIT_OK);
}
