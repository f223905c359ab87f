/* Dead closure variables (see contexts.c): the heap as DevTools'
 * analyzeContexts reads it: names and internal edges (nodeValueAsInt,
 * findInternalEdgeTarget), scanHeap and resolveScopeInfoScriptNodeIndex. */
#include <string.h>
#include "contexts_internal.h"
#include "json.h"
#include "alloc.h"

static const char *const edge_names[E_COUNT] = {
	"", "scope_info", "shared", "context", "script", "scope_id", "infos", "eval_from_scope_info",
	"name_or_scope_info", "raw_outer_scope_info_or_feedback_metadata", "outer_scope_info",
	"value", "start_position", "end_position", "function_name", "previous", "continuation",
	"function", "map", "instance_type_name", "source_url"
};

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

const char *hs_raw_name(const struct hs_analysis *a, uint32_t n, int *detached)
{
	const struct hs_snapshot *s = a->s;
	*detached = a->dom_state && s->node_type[n] == s->t.native && a->dom_state[n] == 2;
	return hs_node_name(s, n);
}

void hs_ctx_tags_init(struct ctxa *c)
{
	const struct hs_snapshot *s = c->s;
	uint32_t i, k;

	HS_CALLOC_ARRAY(c->etag, (size_t)s->strings.count + 1);
	HS_CALLOC_ARRAY(c->ntag, (size_t)s->strings.count + 1);
	size_t elen[E_COUNT];

	for (k = 1; k < E_COUNT; k++)
		elen[k] = strlen(edge_names[k]);
	for (i = 0; i < s->strings.count; i++) {
		const char *str = hs_str(&s->strings, i);
		size_t len = hs_strlen(&s->strings, i);
		uint8_t t = 0;
		for (k = 1; k < E_COUNT && len <= 41; k++) /* 41: the longest edge name */
			if (len == elen[k] && !memcmp(str, edge_names[k], len)) {
				c->etag[i] = (uint8_t)k;
				break;
			}
		if (str[0] != 's' && str[0] != 'i' && str[0] != 'J') {
			c->ntag[i] = 0; /* no node name class starts otherwise */
			continue;
		}
		if (starts(str, "system / Script"))
			t |= N_SCRIPT;
		if (!strcmp(str, "system / Context") || starts(str, "system / Context / "))
			t |= N_CONTEXT;
		if (!strcmp(str, "system / ScopeInfo"))
			t |= N_SCOPE_INFO;
		if (starts(str, "system / SharedFunctionInfo"))
			t |= N_SFI;
		if (!strcmp(str, "int"))
			t |= N_INT;
		if (!strcmp(str, "JS_GENERATOR_OBJECT_TYPE") || !strcmp(str, "JS_ASYNC_FUNCTION_OBJECT_TYPE") ||
		    !strcmp(str, "JS_ASYNC_GENERATOR_OBJECT_TYPE"))
			t |= N_GENERATOR;
		c->ntag[i] = t;
	}
}

/* Name classes of node n (none for a "Detached "-renamed node: no literal
 * above starts with "Detached "). */
static unsigned ntag(const struct ctxa *c, uint32_t n)
{
	int det;
	hs_raw_name(c->a, n, &det);
	return det ? 0 : c->ntag[c->s->node_name[n]];
}

/* findInternalEdgeTarget: the first internal edge with that name. */
uint32_t hs_ctx_internal(const struct ctxa *c, uint32_t n, enum etag t)
{
	const struct hs_snapshot *s = c->s;
	uint32_t e;
	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
		if (s->edge_type[e] == s->t.e_internal && c->etag[s->edge_name[e]] == t)
			return s->edge_to[e];
	return HS_CTX_NONE;
}

/* JavaScript's parseInt(text, 10); NO_INT for NaN (and beyond 2^53). */
static int64_t parse_int(const char *p)
{
	int64_t v;
	return hs_js_parse_int(p, &v) == 1 ? v : NO_INT;
}

/* nodeValueAsInt: a `number` node named "int" whose internal `value` target
 * has a name parseInt can read. */
static int64_t value_int(const struct ctxa *c, uint32_t n)
{
	const struct hs_snapshot *s = c->s;
	uint32_t v;
	int det;
	const char *name;

	if (n == HS_CTX_NONE || s->node_type[n] != s->t.number || !(ntag(c, n) & N_INT))
		return NO_INT;
	if ((v = hs_ctx_internal(c, n, E_VALUE)) == HS_CTX_NONE)
		return NO_INT;
	name = hs_raw_name(c->a, v, &det);
	return det ? NO_INT : parse_int(name);
}

int64_t hs_ctx_internal_int(const struct ctxa *c, uint32_t n, enum etag t)
{
	return value_int(c, hs_ctx_internal(c, n, t));
}

static int is_scope_info(const struct ctxa *c, uint32_t n)
{
	return n != HS_CTX_NONE && (ntag(c, n) & N_SCOPE_INFO);
}

int hs_ctx_is_context(const struct ctxa *c, uint32_t n)
{
	return (ntag(c, n) & N_CONTEXT) != 0;
}

const char *hs_script_name(const struct hs_analysis *a, uint32_t script)
{
	const struct hs_snapshot *s = a->s;
	static const char prefix[] = "system / Script / ";
	int det;
	const char *raw = hs_raw_name(a, script, &det);
	uint32_t e;

	if (!det && starts(raw, prefix) && raw[sizeof(prefix) - 1])
		return raw + sizeof(prefix) - 1;
	for (e = hs_edge_begin(s, script); e < hs_edge_end(s, script); e++)
		if (s->edge_type[e] == s->t.e_internal &&
		    !strcmp(hs_str(&s->strings, s->edge_name[e]), "source_url"))
			return hs_node_name(s, s->edge_to[e]); /* name() of a string: its text */
	return "";
}

/* ---- scanHeap ---------------------------------------------------------- */

static void attribute_chain(const struct ctxa *c, struct scan *sc, uint32_t si, uint32_t stop, uint32_t script)
{
	for (;;) {
		if (si == stop || sc->sis[si] != ABSENT)
			return;
		sc->sis[si] = script;
		if (hs_ctx_internal_int(c, si, E_SCOPE_ID) == SCRIPT_ROOT_SCOPE_ID)
			return;
		if ((si = hs_ctx_internal(c, si, E_OUTER_SCOPE_INFO)) == HS_CTX_NONE)
			return;
	}
}

static void script_scope_infos(const struct ctxa *c, struct scan *sc, uint32_t script)
{
	const struct hs_snapshot *s = c->s;
	uint32_t infos = hs_ctx_internal(c, script, E_INFOS), eval, stop, e;

	if (infos == HS_CTX_NONE)
		return;
	eval = hs_ctx_internal(c, script, E_EVAL_FROM);
	stop = is_scope_info(c, eval) ? eval : HS_CTX_NONE;
	for (e = hs_edge_begin(s, infos); e < hs_edge_end(s, infos); e++) {
		uint32_t info = s->edge_to[e], si;
		int64_t id;
		if (is_scope_info(c, info)) {
			attribute_chain(c, sc, info, stop, script);
			continue;
		}
		if (!(ntag(c, info) & N_SFI))
			continue;
		si = hs_ctx_internal(c, info, E_NAME_OR_SCOPE_INFO);
		if (is_scope_info(c, si)) {
			attribute_chain(c, sc, si, stop, script);
			continue;
		}
		id = hs_ctx_internal_int(c, info, E_SCOPE_ID);
		if (id == NO_INT || id == SCRIPT_ROOT_SCOPE_ID)
			continue;
		si = hs_ctx_internal(c, info, E_RAW_OUTER);
		if (is_scope_info(c, si))
			attribute_chain(c, sc, si, stop, script);
	}
}

static void add_closure(const struct ctxa *c, struct scan *sc, uint32_t owner, uint32_t sfi, uint32_t ctx)
{
	uint32_t script = hs_ctx_internal(c, sfi, E_SCRIPT);
	int64_t id;

	if (script == HS_CTX_NONE)
		return;
	if ((id = hs_ctx_internal_int(c, sfi, E_SCOPE_ID)) == NO_INT)
		return;
	HS_GROW(sc->closures, sc->nclosures, sc->closures_alloc);
	sc->closures[sc->nclosures++] = (struct closure){ owner, ctx, script, id };
}

void hs_ctx_scan_heap(const struct ctxa *c, struct scan *sc, uint64_t *is_script)
{
	const struct hs_snapshot *s = c->s;
	uint32_t n, N = s->node_count;
	uint8_t *gen;             /* per map: 0 unknown, 1 not a generator map, 2 generator map */

	HS_CALLOC_ARRAY(gen, (size_t)N + 1);
	for (n = 0; n < N; n++) {
		unsigned tag = ntag(c, n);
		if (tag & N_SCRIPT) {
			hs_bit_set(is_script, n);
			script_scope_infos(c, sc, n);
		} else if (tag & N_CONTEXT) {
			uint32_t si = hs_ctx_internal(c, n, E_SCOPE_INFO);
			if (si != HS_CTX_NONE) {
				HS_GROW(sc->contexts, sc->ncontexts, sc->contexts_alloc);
				sc->contexts[sc->ncontexts++] = (struct context_rec){ n, si };
			}
		} else if (s->node_type[n] == s->t.closure) {
			uint32_t sfi = hs_ctx_internal(c, n, E_SHARED), ctx = hs_ctx_internal(c, n, E_CONTEXT);
			if (sfi != HS_CTX_NONE && ctx != HS_CTX_NONE)
				add_closure(c, sc, n, sfi, ctx);
		} else if (s->node_type[n] == s->t.object) {
			uint32_t map = hs_ctx_internal(c, n, E_MAP), fn, sfi, ctx;
			int64_t cont;
			if (map == HS_CTX_NONE)
				continue;
			if (!gen[map]) {
				uint32_t itn = hs_ctx_internal(c, map, E_INSTANCE_TYPE_NAME);
				gen[map] = itn != HS_CTX_NONE && (ntag(c, itn) & N_GENERATOR) ? 2 : 1;
			}
			if (gen[map] != 2)
				continue;
			/* processGeneratorObject */
			cont = hs_ctx_internal_int(c, n, E_CONTINUATION);
			fn = hs_ctx_internal(c, n, E_FUNCTION);
			if (cont == NO_INT || fn == HS_CTX_NONE || s->node_type[fn] != s->t.closure)
				continue;
			if ((sfi = hs_ctx_internal(c, fn, E_SHARED)) == HS_CTX_NONE)
				continue;
			if (cont == GENERATOR_CLOSED) {
				if (hs_ctx_internal_int(c, sfi, E_SCOPE_ID) == SCRIPT_ROOT_SCOPE_ID)
					hs_bit_set(sc->finished, fn);
				continue;
			}
			if ((ctx = hs_ctx_internal(c, n, E_CONTEXT)) != HS_CTX_NONE)
				add_closure(c, sc, n, sfi, ctx);
		}
	}
	free(gen);
}

/* resolveScopeInfoScriptNodeIndex: the script of a ScopeInfo, following
 * outer_scope_info; memoised for every ScopeInfo on the way. */
uint32_t hs_ctx_resolve_script(const struct ctxa *c, struct scan *sc, uint32_t si)
{
	uint32_t cur = si, script = UNDEF;
	size_t i;

	if (sc->sis[si] != ABSENT)
		return sc->sis[si];
	sc->nwalk = 0;
	for (;;) {
		if (sc->sis[cur] == IN_PROGRESS)
			break;                 /* seen.has(cur) */
		if (sc->sis[cur] != ABSENT) {
			script = sc->sis[cur];
			break;
		}
		sc->sis[cur] = IN_PROGRESS;
		HS_GROW(sc->walk, sc->nwalk, sc->walk_alloc);
		sc->walk[sc->nwalk++] = cur;
		if (hs_ctx_internal_int(c, cur, E_SCOPE_ID) == SCRIPT_ROOT_SCOPE_ID)
			break;
		if ((cur = hs_ctx_internal(c, cur, E_OUTER_SCOPE_INFO)) == HS_CTX_NONE)
			break;
	}
	for (i = 0; i < sc->nwalk; i++)
		sc->sis[sc->walk[i]] = script;
	return script;
}
