/* Private to the index module (src/index*.c) and its tests.
 *
 * One table, ix_rows[] (src/index_table.c), says for each section of the
 * file: its id, element size, how many elements it must have, which array of
 * the model (struct hs_snapshot) or of the analysis (struct hs_analysis) it
 * holds, how it is stored (raw, packed, or derived at open), how its values
 * are range-checked, and whether it is optional or copied.  Writing (index_write.c), opening and checking
 * (index_open.c), lending the arrays to a snapshot and an analysis, taking
 * them back and comparing (index.c) all walk that table; adding an array to
 * the index is one row (and a test in tests/test_index.c).
 *
 * Arrays lent by the index (raw ones in the mapping, packed ones decoded
 * into arrays the index owns) are marked as such: bit (1 << id) in
 * struct hs_index's `borrowed` (the snapshot's) or in struct hs_analysis's
 * `borrowed` (the analysis'); hs_index_release and hs_index_disown give them
 * back before the owners free what is theirs. */
#ifndef HSNAP_INDEX_INTERNAL_H
#define HSNAP_INDEX_INTERNAL_H
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>
#include "crc32c.h"
#include "hsnap/index.h"
#include "index_format.h"

#define IX_BIT(id) ((uint64_t)1 << (id))
_Static_assert(IX_NIDS <= 64, "a borrowed mask holds every section id");

/* ---- small blobs: u64 scalars and length-prefixed strings ---------------- */

struct blob {
	unsigned char *p;
	size_t len, alloc;
};

void ix_put_bytes(struct blob *b, const void *p, size_t n);
void ix_put_u64(struct blob *b, uint64_t v);
void ix_put_str(struct blob *b, const char *s);

struct reader {
	const unsigned char *p, *end;
	int bad;
};

uint64_t ix_get_u64(struct reader *r);
/* A count that must fit `max` (and what the blob can hold). */
uint32_t ix_get_count(struct reader *r, uint64_t max);
char *ix_get_str(struct reader *r);   /* malloc'd, NULL when bad */

/* ---- the section table ------------------------------------------------------ */

/* How many elements a section has. */
enum ix_count {
	IXC_BLOB,          /* a blob: its length in bytes */
	IXC_NODES,         /* node_count */
	IXC_NODES1,        /* node_count + 1 */
	IXC_EDGES,         /* edge_count */
	IXC_STRINGS1,      /* string_count + 1 */
	IXC_STR_ARENA,     /* the string arena's bytes */
	IXC_LOCATIONS,     /* location_count */
	IXC_DOM_CHILDREN,  /* dom_first[n]: node_count - 1 */
	IXC_CLASSES,       /* class_count */
	IXC_CLASSES1,      /* class_count + 1 */
	IXC_CLS_ARENA      /* the class name arena's bytes */
};

/* Which object holds the array. */
enum ix_where {
	IXW_BLOB,          /* none: encoded by row->encode, decoded by name */
	IXW_SNAPSHOT,      /* struct hs_snapshot, at row->field */
	IXW_ANALYSIS       /* struct hs_analysis, at row->field */
};

/* How a section is stored (format 4). */
enum ix_enc {
	IXE_RAW,           /* the array's bytes, lent from the mapping */
	IXE_VARINT,        /* group varints of its words (index_pack.c),
			      decoded at open */
	IXE_DELTA,         /* the same of the zigzag of each word minus the one
			      before (modulo the word's width), decoded at open */
	IXE_DERIVED        /* not stored: rebuilt at open (the dominator CSR,
			      from idom) */
};

/* Row flags. */
#define IXF_OPTIONAL 1u    /* written only when the array is not NULL */
#define IXF_COPIED 4u      /* read into a private copy by hs_index_analysis,
			      never lent (the class table: renaming replaces it) */

struct opener;

struct ix_row {
	uint32_t id;           /* enum ix_id */
	uint32_t elem;         /* bytes per element */
	uint8_t count;         /* enum ix_count */
	uint8_t where;         /* enum ix_where */
	size_t field;          /* offsetof the array pointer in its object */
	uint8_t flags;         /* IXF_* */
	uint8_t enc;           /* enum ix_enc */
	uint8_t word;          /* IXE_VARINT, IXE_DELTA: bytes per coded word
				  (1, 4 or 8; elem is a multiple) */
	/* 1 when elements [lo, hi) of the section are in range (NULL: any
	 * value is sound); called chunk by chunk, and once with lo = hi = 0
	 * for an empty section */
	int (*check)(const struct opener *o, uint32_t id, uint64_t lo, uint64_t hi);
	/* IXW_BLOB: appends the blob */
	void (*encode)(struct blob *b, const struct hs_snapshot *s, const struct hs_analysis *a);
	const char *name;      /* for messages and tests */
};

/* The rows, in file order. */
extern const struct ix_row ix_rows[];
extern const uint32_t ix_nrows;
/* The row of section id, or NULL for an unknown id. */
const struct ix_row *ix_row(uint32_t id);

/* The array pointer a row describes, in its object (s for IXW_SNAPSHOT, a
 * for IXW_ANALYSIS). */
const void *ix_array(const struct ix_row *r, const struct hs_snapshot *s, const struct hs_analysis *a);
void ix_set_array(const struct ix_row *r, void *obj, const void *p);

/* Elements of a row's section when written from s and a. */
uint64_t ix_count_of_model(const struct ix_row *r, const struct hs_snapshot *s,
			   const struct hs_analysis *a, const struct blob *blob);
/* Elements a section must have by the header (UINT64_MAX: any). */
uint64_t ix_count_of_header(const struct ix_row *r, const struct ix_header *h);

/* ---- writing and comparing ------------------------------------------------------ */

/* What row r stores for s and a: 0 when the section is absent (an optional
 * array that is NULL, or a derived one); else 1 with *p, *count and *elem the
 * section's data (blobs and packed arrays encoded into b, whose len is reset
 * first; raw arrays as they are). */
int ix_section_data(const struct ix_row *r, const struct hs_snapshot *s, const struct hs_analysis *a,
		    struct blob *b, const void **p, uint64_t *count, uint32_t *elem);

/* ---- packing (index_pack.c) ------------------------------------------------------ */

/* Appends the varints of count elements of arr (row r's coding) to b. */
void ix_pack(const struct ix_row *r, const void *arr, uint64_t count, struct blob *b);
/* Decodes count elements from [p, p + len) into out; 1 when the bytes are
 * exactly that many well-formed varints. */
int ix_unpack(const struct ix_row *r, const unsigned char *p, uint64_t len, uint64_t count, void *out);
/* 0: ix_unpack decodes 32-bit words without SSSE3 even where the CPU has it
 * (tests compare both; the default is 1). */
extern int ix_unpack_simd;
/* dom_first [n + 1] and dom_children [n - 1] (malloc'd) from a checked idom,
 * as hs_dominators_build orders them. */
void ix_derive_dom(const uint32_t *idom, uint32_t n, uint32_t root, uint32_t **first, uint32_t **children);

/* ---- opening -------------------------------------------------------------------- */

/* What an index-loaded snapshot keeps besides the model: where the sections
 * are and which of the snapshot's arrays are lent.  Freed by
 * hs_index_release (from hs_snapshot_free). */
struct hs_index {
	const void *sec[IX_NIDS];  /* each array (in the mapping, or decoded) */
	uint64_t cnt[IX_NIDS];     /* its elements (blobs: bytes) */
	void *own[IX_NIDS];        /* the decoded and derived arrays (malloc'd) */
	uint64_t borrowed;     /* IX_BIT(id) per hs_snapshot array in the mapping */
	int has_analysis;
	/* hs_index_open_lazy: the analysis' packed and derived sections
	 * (IX_LAZY) are decoded on first request (hs_index_analysis_for),
	 * with this opener, under `lock`; `pending` are the ones not decoded
	 * yet, `decoded` every section decoded or derived so far */
	struct opener *lazy;
	uint64_t pending, decoded;
	pthread_mutex_t lock;
	int jobs;
};

/* The sections hs_index_open_lazy defers: the analysis' packed arrays and
 * the dominator CSR derived from idom. */
#define IX_LAZY (IX_BIT(IX_A_SELF) | IX_BIT(IX_A_SELF_HI) | IX_BIT(IX_IDOM) | IX_BIT(IX_RETAINED) | IX_BIT(IX_DOM_FIRST) | \
		 IX_BIT(IX_DOM_CHILDREN) | IX_BIT(IX_DISTANCE) | IX_BIT(IX_PARENT_EDGE) | IX_BIT(IX_CLASS_OF))

/* Decodes and checks the pending sections of `want` (index_open.c; called
 * with ix->lock held).  0, or -1 with err->msg naming the first section that
 * failed (those stay pending and are never lent). */
int ix_decode_pending(struct hs_index *ix, uint64_t want, struct hs_error *err);
/* Frees the opener kept for lazy decoding. */
void ix_lazy_free(struct hs_index *ix);

struct opener {
	const unsigned char *map;
	size_t map_len;
	const struct ix_header *h;
	const struct ix_section *sec[IX_NIDS];
	const void *arr[IX_NIDS];      /* the arrays: in the mapping, or decoded */
	uint64_t n[IX_NIDS];           /* their elements (blobs: bytes) */
	void *own[IX_NIDS];            /* decoded and derived arrays (malloc'd) */
	const struct hs_snapshot *s;   /* decoded meta (types, counts) */
	uint32_t class_count;
	long page;
	uint64_t defer;                /* IX_BIT(id): only checksummed (hs_index_open_lazy) */
	int derive_idom;               /* the dominator CSR is derived once idom is checked */
	/* work queue: section ids to check */
	uint32_t todo[IX_NIDS], ntodo;
	atomic_uint next;
	atomic_int failed;
	char why[IX_NIDS][96];
};

/* Section id's array and elements (blobs: bytes), once checked or decoded. */
static inline const void *ix_data(const struct opener *o, uint32_t id)
{
	return o->arr[id];
}
static inline uint64_t ix_cnt(const struct opener *o, uint32_t id)
{
	return o->n[id];
}

/* Blobs. */
int ix_decode_meta(struct hs_snapshot *s, const unsigned char *p, uint64_t len);
void ix_decode_analysis(struct hs_analysis *a, const unsigned char *p, uint64_t len);
void ix_decode_interfaces(struct hs_interfaces *ifs, const unsigned char *p, uint64_t len);
void ix_free_names(char **l, uint32_t n);

static inline uint32_t ix_crc(const void *p, uint64_t len)
{
	return hs_crc32c(0, p, (size_t)len);
}

#endif
