/* The loader's private parts, shared by its five files:
 *
 *   load.c           the driver: yajl callbacks, feeding chunks, the public entry points
 *   load_meta.c      the "snapshot" header: meta read by name (yajl_tree)
 *   load_scan.c      THE grammar of the numeric arrays ("nodes", "edges",
 *                    "locations") and where their values go
 *   load_parallel.c  the same scanner over pieces of a plain file, one thread each
 *   load_check.c     what is checked once the document has ended
 *
 * Only load.c includes yajl_parse.h; load_meta.c reads the re-serialised
 * header with yajl_tree. */
#ifndef HSNAP_LOAD_INTERNAL_H
#define HSNAP_LOAD_INTERNAL_H
#include <stdint.h>
#include <stddef.h>
#include "hsnap/snapshot.h"

#define MAX_FIELDS 64
#define MAX_JOBS 64   /* threads of the parallel scanner */

enum section { SEC_NONE, SEC_SNAPSHOT, SEC_NODES, SEC_EDGES, SEC_STRINGS,
	       SEC_LOCATIONS, SEC_SAMPLES, SEC_TFI, SEC_TRACE_TREE,
	       SEC_SCOPES, SEC_SCOPE_VARS, SEC_SCOPE_USES, SEC_SKIP,
	       SEC_COUNT };
extern const char *const hs_load_section_names[SEC_COUNT];

/* What a node or edge field means to hsnap (meta.node_fields / edge_fields). */
enum role { R_IGNORE, R_TYPE, R_NAME, R_ID, R_SELF, R_EDGES, R_TRACE, R_DETACH, R_TO };

struct u64vec { uint64_t *v; size_t nr, alloc; };

/* Exact division by node_fields without a divide instruction (see
 * hs_exact_div_init in load_scan.c). */
struct exact_div {
	uint64_t inv, lim;
	unsigned shift;
	uint32_t d;
};
void hs_exact_div_init(struct exact_div *x, uint32_t d);

struct parser;
struct yajl_gen_t;    /* yajl_gen */
struct yajl_handle_t; /* yajl_handle */

/* ---- the numeric scanner (load_scan.c) ----------------------------------
 *
 * One state machine reads the text of a numeric array: digits, commas, JSON
 * white space and the closing ']' only; each value goes straight into the
 * model (or into a raw u64vec while the header is not known yet).  The
 * stream (load.c) feeds it chunk by chunk; the parallel scanner
 * (load_parallel.c) runs one per piece of the array. */
enum scan_state { SC_OPEN, SC_NUM, SC_VALUE, SC_COMMA };
enum scan_kind { SCAN_NODES, SCAN_EDGES, SCAN_RAW };

struct scan {
	struct parser *p;
	enum section sec;
	enum scan_kind kind;
	int growable;            /* 1: arrays grow as values come (the stream);
				  * 0: allocated exactly (a piece: more values
				  * than counted means the file changed) */
	int closed;              /* the ']' has been read */
	enum scan_state state;
	int lead_zero;           /* the number being read began with 0 */
	unsigned ndig;           /* its digits so far */
	uint64_t v;              /* its value so far */
	uint32_t width, field;   /* values per record; field of the next value */
	uint64_t rec, cap;       /* the next value's record; records there is room for */
	struct u64vec *vec;      /* SCAN_RAW, growable: where the values go */
	uint64_t *raw;           /* SCAN_RAW: vec->v, or the exact array */
	int status;              /* after an error: HS_ERR_*, with msg */
	char msg[256];
};

/* The stream's scanner for the array of section p->sec, starting empty. */
void hs_scan_stream(struct scan *sc, struct parser *p);
/* A piece's scanner: arrays allocated exactly (hs_scan_alloc_exact), its first
 * value is number `first` of the array; `opens` if the piece begins just after
 * the '[' (else just after a ','). */
void hs_scan_piece(struct scan *sc, struct parser *p, uint64_t first, int opens);
/* Scans len bytes of array text that begin at byte `at` of the document.
 * Returns the bytes used: all of them while the array goes on, up to and
 * including the ']' when it ends (sc->closed), or -1 after an error. */
long hs_scan_text(struct scan *sc, const unsigned char *b, size_t len, uint64_t at);
/* The array's ']' is at byte `at`: ends the last value.  0 or -1. */
int hs_scan_close(struct scan *sc, uint64_t at);
/* A piece that is not the last ends at byte `at` (just after a ','): 0 or -1. */
int hs_scan_cut(struct scan *sc, uint64_t at);
/* Stores the values of "nodes" or "edges" (sec) that were kept raw because
 * the header came after them.  1, or 0 after hs_load_fail. */
int hs_scan_values(struct parser *p, enum section sec, const uint64_t *v, size_t n);
/* The index of the next value (values stored so far, counting from 0). */
static inline uint64_t hs_scan_next(const struct scan *sc)
{
	return sc->rec * sc->width + sc->field;
}
/* Allocates the arrays of section p->sec for exactly `values` values (and
 * sets the counts).  1, or 0 after hs_load_fail. */
int hs_scan_alloc_exact(struct parser *p, uint64_t values);

/* ---- the parser (load.c) -------------------------------------------------- */

/* The numeric arrays bypass the yajl lexer: when yajl reports the '[' that
 * opens one, the callback cancels that parse, the bytes after it go to the
 * scanner, and a fresh yajl handle resumes after the ']' (primed with
 * `{"":""` so it is inside the top-level object, callbacks ignored while
 * priming). */
struct fast {
	int active;
	size_t resume_at;        /* offset in the current chunk after '[' */
};

/* The "strings" array's fast path (load_strings.c): where it stands
 * (after the '[', after a string, after a comma) and how often it ran. */
enum str_state { STR_OPEN, STR_VALUE, STR_COMMA };
struct str_scan {
	enum str_state state;
	uint64_t fast, slow;     /* strings it took; strings it left to yajl */
};

struct parser {
	struct hs_snapshot *s;
	struct hs_error *err;
	int failed;
	int depth;
	enum section sec;
	unsigned seen;             /* bit per section */
	struct yajl_gen_t *gen;    /* the header being re-serialised */
	int header_done;
	uint32_t nf, ef, lf;
	struct exact_div nfd;      /* division by nf (edges' to_node) */
	uint8_t node_role[MAX_FIELDS], edge_role[MAX_FIELDS];
	int loc_node, loc_script, loc_line, loc_col, loc_script_obj;
	uint32_t nfield, efield;   /* values of an unfinished last record */
	size_t node_alloc, edge_alloc;
	struct u64vec raw_nodes, raw_edges, raw_locs;
	uint64_t bytes_fed;
	struct yajl_handle_t *h;   /* the handle currently parsing */
	struct fast fast;          /* active: 1 a numeric array, 2 the strings */
	struct scan scan;          /* the stream's scanner */
	struct str_scan strs;      /* the strings' fast path */
	int par_fd, jobs;          /* parallel scan: plain file's fd (-1: none) */
	uint64_t par_size, par_min;
	int priming;               /* callbacks from the `{"":""` primer */
	int in_str, in_esc;        /* string state of the text given to yajl */
	uint64_t str_start;        /* offset where the current string began */
	uint64_t num_len, num_start; /* number characters in a row outside strings */
};

/* Records the first error (status, message) and returns 0, which cancels a
 * yajl parse. */
int hs_load_fail(struct parser *p, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* ---- the strings (load_strings.c) ------------------------------------------ */

/* 0 turns the strings' fast path off (tests compare the two). */
extern int hs_load_fast_strings;
enum { STR_GO_ON, STR_CLOSED, STR_HAND_OVER };
/* Takes what it can of buf (the text after p->strs.state): returns the bytes
 * it consumed and in *stop STR_GO_ON (all of buf), STR_CLOSED (up to and
 * with the ']') or STR_HAND_OVER (the rest is yajl's, from p->strs.state);
 * -1 after hs_load_fail. */
long hs_scan_strings(struct parser *p, const unsigned char *buf, size_t len, int *stop);

/* ---- the header (load_meta.c) ---------------------------------------------- */

/* Reads meta from the re-serialised "snapshot" object (json, len bytes):
 * fields, roles, types, location fields, counts.  1, or 0 after hs_load_fail. */
int hs_load_header(struct parser *p, const char *json, size_t len);

/* ---- the parallel scanner (load_parallel.c) ---------------------------------- */

/* Scans the array whose '[' ends at file offset `begin` on p->jobs threads;
 * on success returns 1 with p->bytes_fed just past its ']'. */
int hs_load_parallel_array(struct parser *p, uint64_t begin);

/* ---- after the document (load_check.c) --------------------------------------- */

/* Replays raw arrays, checks the model, builds locations.  1 or 0. */
int hs_load_finish(struct parser *p);

#endif
