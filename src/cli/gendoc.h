/* The man page and the shell completions, generated from the option tables
 * (hidden `hsnap --dump-options FORMAT [FILE]`, run by the build). */
#ifndef HSNAP_CLI_GENDOC_H
#define HSNAP_CLI_GENDOC_H
#include <stddef.h>
#include "cli.h"
#include "options.h"

struct gendoc_main {
	const char *const *usage;
	const char *description;
	const char *notes;
	const struct command *commands;
	size_t ncommands;
	const struct opt *globals;
};

/* format: man, bash, zsh or list (one line per option: COMMAND, -s, --long,
 * ARG; COMMAND "-" for the global options).  Writes to path (NULL: stdout).
 * Returns an exit code. */
int gendoc(const char *format, const char *path, const struct gendoc_main *m);

#endif
