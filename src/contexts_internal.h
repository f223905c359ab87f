/* Private to the dead-closure-variable analysis (contexts*.c): the steps of
 * DevTools' analyzeContexts, one file each.
 *   contexts_map.c     a hash map (int64, int64) -> uint32 (the Maps/Sets)
 *   contexts_heap.c    names and internal edges as DevTools reads them;
 *                      scanHeap and resolveScopeInfoScriptNodeIndex
 *   contexts_scopes.c  parseEmbeddedScopes (the snapshot's scope tables)
 *   contexts.c         buildLiveFunctions, correlateContextsWithScopes,
 *                      classifyFields, sortAndBuildResult */
#ifndef HSNAP_CONTEXTS_INTERNAL_H
#define HSNAP_CONTEXTS_INTERNAL_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/contexts.h"

#define ABSENT UINT32_MAX          /* sis[]: ScopeInfo not attributed yet */
#define UNDEF (UINT32_MAX - 1)     /* sis[]: attributed to "no script" */
#define IN_PROGRESS (UINT32_MAX - 2)
#define SCRIPT_ROOT_SCOPE_ID (-2)
#define GENERATOR_CLOSED (-1)
#define NO_INT INT64_MIN           /* nodeValueAsInt() === undefined */

/* ---- a hash map (int64, int64) -> uint32 (contexts_map.c) -------------- */

struct hmap {
	int64_t *ka, *kb;
	uint32_t *val;
	size_t cap, nr;   /* cap: power of two; val == HS_CTX_NONE marks empty */
};

void hs_ctx_map_init(struct hmap *m, size_t want);
void hs_ctx_map_free(struct hmap *m);
/* HS_CTX_NONE when absent. */
uint32_t hs_ctx_map_get(const struct hmap *m, int64_t a, int64_t b);
/* Inserts or overwrites. */
void hs_ctx_map_put(struct hmap *m, int64_t a, int64_t b, uint32_t v);

/* ---- names (contexts_heap.c) ------------------------------------------ */

enum etag {
	E_NONE, E_SCOPE_INFO, E_SHARED, E_CONTEXT, E_SCRIPT, E_SCOPE_ID, E_INFOS, E_EVAL_FROM,
	E_NAME_OR_SCOPE_INFO, E_RAW_OUTER, E_OUTER_SCOPE_INFO, E_VALUE, E_START, E_END,
	E_FUNCTION_NAME, E_PREVIOUS, E_CONTINUATION, E_FUNCTION, E_MAP, E_INSTANCE_TYPE_NAME,
	E_SOURCE_URL, E_COUNT
};

enum ntag { N_SCRIPT = 1, N_CONTEXT = 2, N_SCOPE_INFO = 4, N_SFI = 8, N_INT = 16, N_GENERATOR = 32 };

struct ctxa {
	const struct hs_analysis *a;
	const struct hs_snapshot *s;
	uint8_t *etag, *ntag;    /* per string */
};

/* Tags every string: which edge name (enum etag) and which node name
 * classes (enum ntag) it is; c->etag and c->ntag are freed by the caller. */
void hs_ctx_tags_init(struct ctxa *c);
/* findInternalEdgeTarget: the first internal edge with that name, or HS_CTX_NONE. */
uint32_t hs_ctx_internal(const struct ctxa *c, uint32_t n, enum etag t);
/* nodeValueAsInt of that internal edge's target; NO_INT when undefined. */
int64_t hs_ctx_internal_int(const struct ctxa *c, uint32_t n, enum etag t);
int hs_ctx_is_context(const struct ctxa *c, uint32_t n);

/* ---- scanHeap (contexts_heap.c) ---------------------------------------- */

struct closure { uint32_t owner, ctx, script; int64_t scope_id; };
struct context_rec { uint32_t ctx, scope_info; };

struct scan {
	uint32_t *sis;            /* [n] ScopeInfo -> script ordinal / ABSENT / UNDEF */
	uint64_t *finished;       /* bits: generator functions of finished modules */
	struct context_rec *contexts;
	size_t ncontexts, contexts_alloc;
	struct closure *closures;
	size_t nclosures, closures_alloc;
	uint32_t *walk;           /* resolveScopeInfoScriptNodeIndex's visited list */
	size_t nwalk, walk_alloc;
};

/* sc->sis (all ABSENT) and sc->finished allocated by the caller; sets the
 * bits of the script nodes in is_script. */
void hs_ctx_scan_heap(const struct ctxa *c, struct scan *sc, uint64_t *is_script);
/* resolveScopeInfoScriptNodeIndex: the script of ScopeInfo si, or UNDEF. */
uint32_t hs_ctx_resolve_script(const struct ctxa *c, struct scan *sc, uint32_t si);

/* ---- parseEmbeddedScopes (contexts_scopes.c) --------------------------- */

struct scopes {
	size_t n;                 /* records */
	int64_t *script, *id;     /* raw script_node_index, scope_id */
	uint32_t *parent;         /* record, or HS_CTX_NONE */
	uint64_t *var_begin;      /* into var_name */
	uint32_t *var_count;
	uint32_t *var_name;       /* string index per variable */
	uint64_t nvars;
	uint64_t *use_first;      /* [nvars + 1] into use_rec */
	uint32_t *use_rec;        /* canonical record of the using scope */
	struct hmap canon;        /* (script, id) -> last record; (script, NO_INT) -> script seen */
};

/* Reads s->scopes into t; < 0 (err set) when the tables are malformed.  t is
 * freed with hs_ctx_scopes_free either way. */
int hs_ctx_parse_scopes(struct scopes *t, const struct hs_snapshot *s, struct hs_error *err);
void hs_ctx_scopes_free(struct scopes *t);

#endif
