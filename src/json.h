/* Small helpers for the JSON documents hsnap reads whole with yajl_tree
 * (the snapshot header, JSON baselines): lookups that follow JSON.parse
 * (the last of duplicate keys wins), a nesting bound checked before
 * yajl_tree_parse (whose yajl_tree_free recurses), and yajl's multi-line
 * error text made one line; and yajl's allocations through hs_xmalloc. */
#ifndef HSNAP_JSON_H
#define HSNAP_JSON_H
#include <stddef.h>
#include <stdint.h>
#include <yajl_tree.h>

/* For yajl_alloc / yajl_gen_alloc: yajl's memory through hs_xmalloc and
 * hs_xrealloc (alloc.h), so that running out of memory inside yajl goes to
 * the program's out-of-memory handler (hsnap/oom.h), not a crash (yajl does
 * not check every realloc).
 * yajl_tree_parse takes no allocator: its own malloc failures are reported
 * as a parse error ("Out of memory"). */
yajl_alloc_funcs *hs_yajl_alloc_funcs(void);

/* Deepest nesting accepted in a document parsed with yajl_tree. */
#define HS_JSON_MAX_TREE_DEPTH 64

/* The value of `key` in object obj, of type t (yajl_t_any: any), or NULL.
 * With duplicate keys the last one counts, as in JSON.parse (yajl_tree_get
 * returns the first). */
yajl_val hs_json_get(yajl_val obj, const char *key, yajl_type t);
/* Offset of the first '[' or '{' that opens level max + 1 of text (outside
 * strings), or (size_t)-1 when the nesting stays within max levels. */
size_t hs_json_too_deep(const char *text, size_t len, unsigned max);
/* Rewrites yajl's error text in place as one line: its first line (the
 * message; the lines after it echo the input and point at the error), with
 * runs of spaces made one. */
void hs_json_one_line(char *msg);

/* JavaScript's parseInt(text, 10) on an edge or node name: white space,
 * a sign, digits.  0 when there is no digit (NaN); else *v is the signed
 * value of the digits, their accumulation stopped once it reaches 2^53,
 * and the result is 1, or 2 when the digits' value is beyond 2^53. */
int hs_js_parse_int(const char *p, int64_t *v);

#endif
