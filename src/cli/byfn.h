/* --by class|function (leaks, diff, growth, summary's triage, retainers
 * --class): DevTools' classes, or the Function class split into one row per
 * function and location (hsnap/classes.h, hs_classes_by_function), shown
 * here as people and programs read them. */
#ifndef HSNAP_CLI_BYFN_H
#define HSNAP_CLI_BYFN_H
#include <stddef.h>
#include "hsnap/analysis.h"
#include "options.h"
#include "output.h"

enum { BY_CLASS, BY_FUNCTION };
extern const struct opt_choice by_choices[];
#define OPT_BY_HELP(what) what "\n" \
	"class (default: DevTools' classes) or function: the\n" \
	"Function class (closures) split by function name and\n" \
	"location, e.g. 'onMessage (lib/chat.js:78:20)'"
#define OPT_BY_TAIL(v, what, tail) OPT_CHOICE("by", (v), by_choices, "ROWS", OPT_BY_HELP(what) tail)
#define OPT_BY(v, what) OPT_BY_TAIL(v, what, ";\n--fail-on and --class select a function row by its\n" \
				    "name or key")

/* fa: a copy of a whose classes are function rows (a keeps its own, for
 * labels and paths); by_function_end frees them and hands a what fa built
 * on the way (context owners).  Also fixes the scripts' common directory
 * while a's snapshot is there (the names shown relative to it). */
void by_function_begin(struct hs_analysis *fa, const struct hs_analysis *a);
void by_function_end(struct hs_analysis *fa, struct hs_analysis *a);
/* A row name as people read it: a function row's script relative to the
 * scripts' directory in text and markdown (script_shown); else key. */
const char *row_label(const char *key, char *buf, size_t len);
/* A table row: with by_function and a function row, its "location":
 * {script, line, column} in the tree view (none without a location);
 * otherwise out_row as ever. */
void row_out(struct out *out, const struct out_val *cells, const char *key, int by_function);
/* The same fields inside a row left open. */
void row_location(struct out *out, const char *key, int by_function);

#endif
