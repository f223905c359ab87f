/* The snapshot model: struct-of-arrays indexed by node ordinal (0 = root) and
 * by edge index.  Filled by hs_snapshot_load*, immutable afterwards; every
 * analysis reads it as const.  hs_snapshot_free releases everything. */
#ifndef HSNAP_SNAPSHOT_H
#define HSNAP_SNAPSHOT_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/error.h"
#include "hsnap/strtab.h"

#define HS_NO_TYPE 0xff
/* Node ordinals stay below 2^31 (V8 itself stops at 2^28). */
#define HS_MAX_NODES 0x7ffffffeu

/* Node and edge type ids of this file, resolved by name from meta.
 * HS_NO_TYPE where the file's enum lacks the name. */
struct hs_types {
	uint8_t hidden, array, string, object, code, closure, regexp, number,
		native, synthetic, cons_string, sliced_string, symbol, bigint,
		object_shape;
	uint8_t e_context, e_element, e_property, e_internal, e_hidden,
		e_shortcut, e_weak;
};

struct hs_location {
	uint32_t node;      /* ordinal */
	uint32_t script_id, line, column; /* 0-based line/column as in the file */
	uint32_t script_node; /* ordinal of the script's node (2025+ V8), or UINT32_MAX */
};

/* Closure-scope tables of current V8 (2026: meta.scope_fields /
 * scope_context_var_fields / scope_use_fields and the top-level arrays scopes /
 * scope_context_vars / scope_uses), kept as written (values may be negative:
 * a script's root scope id is -2); interpreted and checked by contexts.c.
 * All NULL / 0 when the file has none (then loading costs nothing extra). */
enum { HS_SCOPES, HS_SCOPE_VARS, HS_SCOPE_USES, HS_SCOPE_TABLES };
struct hs_scope_tables {
	char **fields[HS_SCOPE_TABLES];     /* field names from meta, or NULL */
	uint32_t nfields[HS_SCOPE_TABLES];
	int64_t *v[HS_SCOPE_TABLES];        /* the arrays' values */
	size_t len[HS_SCOPE_TABLES], alloc[HS_SCOPE_TABLES];
	unsigned seen; /* bit per table: the array was in the file */
};

/* Sizes of up to 64 bits kept in 32 a node: lo holds every size's low half,
 * hi (NULL unless some size needs more than 32 bits, as node_id_hi) the high
 * halves.  V8's sizes fit in 32 bits but for rare native ones (an ArrayBuffer's
 * backing store), so the common file pays 4 bytes a size, not 8. */
struct hs_sizes {
	uint32_t *lo;
	uint32_t *hi;
};
static inline uint64_t hs_size_at(const struct hs_sizes *z, uint32_t n)
{
	return z->hi ? (uint64_t)z->hi[n] << 32 | z->lo[n] : z->lo[n];
}
/* Allocates z->lo for count sizes (not zeroed); z->hi stays NULL. */
void hs_sizes_alloc(struct hs_sizes *z, size_t count);
/* Stores size v of n, allocating z->hi (zeroed, count long) for the first
 * that needs it.  Not thread-safe (the loader has its own, load_scan.c). */
void hs_sizes_set(struct hs_sizes *z, size_t count, uint32_t n, uint64_t v);
/* Copies src's count sizes into dst (allocated here; hi only when src has it). */
void hs_sizes_copy(struct hs_sizes *dst, const struct hs_sizes *src, size_t count);
void hs_sizes_release(struct hs_sizes *z);

struct hs_snapshot {
	char *file;               /* name used in messages */
	uint64_t file_bytes;      /* bytes of JSON read (after gunzip) */
	int gzipped;

	uint32_t node_count, edge_count;
	uint64_t header_node_count, header_edge_count; /* as the header claims (0: absent) */
	uint32_t root;            /* ordinal of the root (0 unless root_index) */

	/* nodes */
	uint8_t *node_type;
	uint32_t *node_name;      /* string index */
	uint32_t *node_id;        /* V8 id, its low 32 bits when node_id_hi is set: use hs_node_id */
	uint32_t *node_id_hi;     /* NULL unless some id exceeds 32 bits (Julia writes ids up to
				   * 2^47): the high 32 bits of every id */
	struct hs_sizes self_size; /* as written in the file: hs_self_size */
	uint32_t *first_edge;     /* [node_count + 1], prefix sums of edge_count */
	uint8_t *detachedness;    /* NULL when the file has no such field */

	/* edges, grouped by source node */
	uint8_t *edge_type;
	uint32_t *edge_name;      /* string index, or the index for element/hidden */
	uint32_t *edge_to;        /* target ordinal */

	struct hs_strtab strings;

	/* meta */
	char **node_type_names, **edge_type_names, **node_fields, **edge_fields;
	uint32_t n_node_types, n_edge_types, n_node_fields, n_edge_fields;
	struct hs_types t;

	struct hs_location *locations;
	uint32_t location_count;

	struct hs_scope_tables scopes;

	uint64_t extra_native_bytes;
	uint64_t trace_function_count;
	uint64_t samples_len, trace_function_infos_len;
	unsigned has_trace_node_id : 1, has_locations : 1, has_samples : 1, has_trace_tree : 1,
		has_trace_function_infos : 1;
	char warning[256];        /* first non-fatal problem, "" if none */

	/* Set when the model comes from an index file (hsnap/index.h): the
	 * arrays marked borrowed in `index` point into this read-only mapping
	 * or into arrays the index decoded, which hs_snapshot_free releases
	 * instead of freeing them one by one, through the function the index
	 * leaves beside them (hs_index_release), so that the model does not
	 * depend on the index module. */
	const unsigned char *map;
	size_t map_len;
	struct hs_index *index;
	void (*index_release)(struct hs_snapshot *);
};

struct hs_load_opts {
	/* Called about twice a second while loading (NULL: none).  disk_done:
	 * bytes of the file consumed (gzip: compressed bytes); disk_total is 0
	 * when the size is unknown (stdin); bytes: JSON text read so far
	 * (decompressed). */
	void (*progress)(void *ctx, uint64_t disk_done, uint64_t disk_total, uint64_t bytes);
	void *progress_ctx;
	/* Threads for the numeric arrays of plain files (0: all cores, 1: none);
	 * the result does not depend on it. */
	int jobs;
	/* Arrays shorter than this many bytes are scanned by one thread
	 * (0: 4 MiB; tests set it low to exercise the threads). */
	uint64_t parallel_min;
	/* At most this many bytes of JSON text (after decompression; 0: no
	 * limit): more fails with HS_ERR_LIMIT (--max-input). */
	uint64_t max_input;
};

/* Loads a .heapsnapshot (plain or gzip, "-" = stdin).  Returns 0 or a negative
 * hs_status with err filled; on success *out must be freed with
 * hs_snapshot_free. */
int hs_snapshot_load(const char *path, const struct hs_load_opts *opts,
		     struct hs_snapshot **out, struct hs_error *err);
/* The same from an input opened with hs_input_open (src/input.h), which is
 * read to the end but not closed; name labels the snapshot. */
struct hs_input;
int hs_snapshot_load_input(struct hs_input *in, const char *name, const struct hs_load_opts *opts,
			   struct hs_snapshot **out, struct hs_error *err);
/* Loads from memory (tests, fuzzing).  chunk > 0 feeds the parser in pieces
 * of that many bytes. */
int hs_snapshot_load_mem(const char *name, const void *buf, size_t len,
			 size_t chunk, struct hs_snapshot **out,
			 struct hs_error *err);
void hs_snapshot_free(struct hs_snapshot *s);

static inline uint32_t hs_edge_begin(const struct hs_snapshot *s, uint32_t n) { return s->first_edge[n]; }
static inline uint32_t hs_edge_end(const struct hs_snapshot *s, uint32_t n) { return s->first_edge[n + 1]; }
/* The V8 id of node n, exact (64 bits). */
static inline uint64_t hs_node_id(const struct hs_snapshot *s, uint32_t n)
{
	return s->node_id_hi ? (uint64_t)s->node_id_hi[n] << 32 | s->node_id[n] : s->node_id[n];
}
/* The self size of node n as written in the file. */
static inline uint64_t hs_self_size(const struct hs_snapshot *s, uint32_t n) { return hs_size_at(&s->self_size, n); }
static inline const char *hs_node_name(const struct hs_snapshot *s, uint32_t n) { return hs_str(&s->strings, s->node_name[n]); }
/* The name of node type t of this file; "undefined" for a type beyond
 * meta.node_types (2015-2016 V8 wrote `symbol` nodes, type 12, with a
 * 12-name list): DevTools' nodeTypes[t] is undefined there, and its class
 * name '(' + type + ')' is "(undefined)". */
const char *hs_type_name(const struct hs_snapshot *s, uint8_t t);
const char *hs_node_type_name(const struct hs_snapshot *s, uint32_t n);
const char *hs_edge_type_name(const struct hs_snapshot *s, uint32_t e);
/* 1 when name_or_index of edge e is a string index. */
static inline int hs_edge_has_string_name(const struct hs_snapshot *s, uint32_t e)
{
	return s->edge_type[e] != s->t.e_element && s->edge_type[e] != s->t.e_hidden;
}
/* The URL of a location's script node (its name without V8's "system / Script / "),
 * "" when script_node is UINT32_MAX or the script has no name. */
const char *hs_script_url(const struct hs_snapshot *s, uint32_t script_node);
/* Location of node n or NULL (binary search; locations sorted by node). */
const struct hs_location *hs_snapshot_location(const struct hs_snapshot *s, uint32_t n);

#endif
