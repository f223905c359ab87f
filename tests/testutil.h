/* Test helpers: a builder that writes heap snapshot JSON text from lists of
 * nodes, edges and strings under a chosen meta (field layout, type enums, key
 * order, extra keys, lying header counts), a string buffer, and a seeded PRNG.
 * Everything returned by tb_json() is malloc'd and owned by the caller. */
#ifndef HSNAP_TESTUTIL_H
#define HSNAP_TESTUTIL_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/hsnap.h"

struct sb { char *p; size_t len, alloc; };
void sb_add(struct sb *b, const char *s, size_t len);
void sb_puts(struct sb *b, const char *s);
void sb_printf(struct sb *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sb_json_string(struct sb *b, const char *s); /* "..." with JSON escapes */

struct tb_node { uint32_t type, name, id, trace, detach; uint64_t self; };
struct tb_edge { uint32_t from, type, name, to; };

struct tb {
	const char *node_fields;  /* comma separated; default the 7 V8 fields */
	const char *node_types;   /* comma separated; default V8's 15 */
	const char *edge_types;   /* comma separated; default V8's 7 */
	const char *location_fields; /* comma separated or NULL (key absent) */
	const char *order;        /* top-level key order, default "snapshot,nodes,edges,strings" */
	const char *extra_top;    /* raw `"key":value` inserted first among the keys, or NULL */
	const char *extra_header; /* raw `"key":value` appended to the snapshot object, or NULL */
	const char *locations_raw;/* raw JSON array text for "locations", or NULL */
	int64_t header_nodes, header_edges; /* -1: the real counts */
	int64_t extra_native_bytes;         /* -1: key absent */
	struct tb_node *nodes; uint32_t nn, na;
	struct tb_edge *edges; uint32_t ne, ea;
	char **strs; uint32_t ns, sa;       /* JSON literals (with quotes) */
};

void tb_init(struct tb *t);               /* V8 defaults, strings[0] = "<dummy>" */
void tb_release(struct tb *t);
uint32_t tb_str(struct tb *t, const char *s);      /* interned C string */
uint32_t tb_str_raw(struct tb *t, const char *lit); /* raw JSON literal, not interned */
uint32_t tb_type(const char *csv, const char *name); /* index of name in csv list */
uint32_t tb_node(struct tb *t, const char *type, const char *name, uint32_t id, uint64_t self);
void tb_edge(struct tb *t, uint32_t from, const char *type, const char *name, uint32_t to);
void tb_edge_i(struct tb *t, uint32_t from, const char *type, uint32_t index, uint32_t to);
char *tb_json(const struct tb *t, size_t *len);

/* Loads text (chunk 0 = whole) and fails the test with the message if it does not load. */
struct hs_snapshot *load_ok(const char *json, size_t len, size_t chunk);
/* Expects a load failure with HS_ERR_FORMAT and `word` in the message. */
void load_fails(const char *json, size_t len, size_t chunk, const char *word);

/* splitmix64 */
uint64_t rnd_next(uint64_t *state);
uint32_t rnd_below(uint64_t *state, uint32_t n);

#endif
