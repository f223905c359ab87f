/* Dead closure variables: DevTools' ContextAnalyzer (analyzeContexts in the
 * 2026 heap snapshot worker).  Joins the closure-scope tables of current V8
 * (struct hs_scope_tables: per script a depth-encoded scope tree, each
 * scope's context variables and the (declaring scope, slot) pairs it uses)
 * with the heap's Context, ScopeInfo, SharedFunctionInfo, closure and
 * generator nodes: a context variable is dead when no live function whose
 * scope (or an enclosing scope) uses it has that context on its chain.  Such
 * variables are kept alive by a closure that can never read them -- the
 * classic V8 closure leak (two closures share a context; the one reading the
 * big value is gone, the live one keeps it). */
#ifndef HSNAP_CONTEXTS_H
#define HSNAP_CONTEXTS_H
#include <stdint.h>
#include "hsnap/analysis.h"

#define HS_CTX_NONE UINT32_MAX

struct hs_ctx_dead {
	uint32_t name;          /* string index of the variable's name */
	uint32_t value;         /* ordinal of the value node */
	uint64_t retained;      /* retained size of the value */
};

struct hs_ctx_context {
	uint32_t node;          /* ordinal of the Context */
	uint64_t retained;      /* its retained size */
	uint64_t dead_retained; /* sum over its dead variables */
	uint32_t first_dead, ndead; /* range of hs_contexts.dead, largest first */
};

struct hs_ctx_scope {
	uint32_t scope_info;    /* ordinal of the ScopeInfo node */
	uint32_t script;        /* ordinal of the script node */
	int64_t start, end;     /* start_position / end_position (0 when absent) */
	uint32_t function_name; /* ordinal of the function_name node, or HS_CTX_NONE */
	uint32_t field_count;   /* context variables of its first context */
	uint32_t first_ctx, nctx; /* range of hs_contexts.ctx, in DevTools' order */
};

/* A script whose contexts could not be matched: no scope table for it. */
struct hs_ctx_no_scopes {
	uint32_t script;
	uint64_t contexts;
};

struct hs_contexts {
	int has_tables;         /* the file has meta.scope_fields */
	struct hs_ctx_scope *scopes;   /* largest dead_retained first */
	uint32_t nscopes;
	struct hs_ctx_context *ctx;
	uint32_t nctx;
	struct hs_ctx_dead *dead;
	uint32_t ndead;
	struct hs_ctx_no_scopes *no_scopes; /* by script ordinal */
	uint32_t nno_scopes;
};

/* Runs the analysis over an analysed snapshot (retained sizes, DOM state).
 * Malformed scope tables: HS_ERR_FORMAT with a message. */
int hs_contexts_analyze(struct hs_contexts *out, const struct hs_analysis *a, struct hs_error *err);
void hs_contexts_release(struct hs_contexts *c);

/* DevTools' script name of a script node: the url after "system / Script / ",
 * else the name of its source_url (internal edge), else "". */
const char *hs_script_name(const struct hs_analysis *a, uint32_t script);
/* Name of node n as DevTools' rawName() sees it after propagateDOMState
 * (detached native nodes are "Detached <name>"): *detached says whether the
 * prefix applies; the returned text is the file's name. */
const char *hs_raw_name(const struct hs_analysis *a, uint32_t n, int *detached);

#endif
