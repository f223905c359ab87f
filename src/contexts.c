/* Dead closure variables, as DevTools' analyzeContexts (heap snapshot worker,
 * 2026): parseEmbeddedScopes -> scanHeap -> buildLiveFunctions ->
 * correlateContextsWithScopes -> classifyFields -> sortAndBuildResult.  The
 * steps and their orders are DevTools'; the data structures are flat arrays
 * and one open-addressing hash (no allocation per node, no recursion). */
#include <string.h>
#include "hsnap/contexts.h"
#include "alloc.h"
#include "sort.h"

#define ABSENT UINT32_MAX          /* sis[]: ScopeInfo not attributed yet */
#define UNDEF (UINT32_MAX - 1)     /* sis[]: attributed to "no script" */
#define IN_PROGRESS (UINT32_MAX - 2)
#define SCRIPT_ROOT_SCOPE_ID (-2)
#define GENERATOR_CLOSED (-1)
#define NO_INT INT64_MIN           /* nodeValueAsInt() === undefined */

/* ---- a hash map (int64, int64) -> uint32 ------------------------------ */

struct hmap {
	int64_t *ka, *kb;
	uint32_t *val;
	size_t cap, nr;   /* cap: power of two; val == HS_CTX_NONE marks empty */
};

static uint64_t mix(int64_t a, int64_t b)
{
	uint64_t x = (uint64_t)a * 0x9e3779b97f4a7c15ull ^ ((uint64_t)b + 0x632be59bd9b4e019ull);
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return x;
}

static void hmap_init(struct hmap *m, size_t want)
{
	size_t cap = 64, i;
	while (cap < want * 2)
		cap <<= 1;
	m->cap = cap;
	m->nr = 0;
	HS_ALLOC_ARRAY(m->ka, cap);
	HS_ALLOC_ARRAY(m->kb, cap);
	HS_ALLOC_ARRAY(m->val, cap);
	for (i = 0; i < cap; i++)
		m->val[i] = HS_CTX_NONE;
}

static void hmap_free(struct hmap *m)
{
	free(m->ka);
	free(m->kb);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static size_t hmap_slot(const struct hmap *m, int64_t a, int64_t b)
{
	size_t i = (size_t)mix(a, b) & (m->cap - 1);
	while (m->val[i] != HS_CTX_NONE && (m->ka[i] != a || m->kb[i] != b))
		i = (i + 1) & (m->cap - 1);
	return i;
}

static uint32_t hmap_get(const struct hmap *m, int64_t a, int64_t b)
{
	return m->val[hmap_slot(m, a, b)];
}

static void hmap_put(struct hmap *m, int64_t a, int64_t b, uint32_t v);
static void hmap_grow(struct hmap *m)
{
	struct hmap old = *m;
	size_t i;
	hmap_init(m, old.cap);
	for (i = 0; i < old.cap; i++)
		if (old.val[i] != HS_CTX_NONE)
			hmap_put(m, old.ka[i], old.kb[i], old.val[i]);
	hmap_free(&old);
}

/* Inserts or overwrites. */
static void hmap_put(struct hmap *m, int64_t a, int64_t b, uint32_t v)
{
	size_t i;
	if ((m->nr + 1) * 2 > m->cap)
		hmap_grow(m);
	i = hmap_slot(m, a, b);
	if (m->val[i] == HS_CTX_NONE)
		m->nr++;
	m->ka[i] = a;
	m->kb[i] = b;
	m->val[i] = v;
}

/* ---- names ------------------------------------------------------------ */

enum etag {
	E_NONE, E_SCOPE_INFO, E_SHARED, E_CONTEXT, E_SCRIPT, E_SCOPE_ID, E_INFOS, E_EVAL_FROM,
	E_NAME_OR_SCOPE_INFO, E_RAW_OUTER, E_OUTER_SCOPE_INFO, E_VALUE, E_START, E_END,
	E_FUNCTION_NAME, E_PREVIOUS, E_CONTINUATION, E_FUNCTION, E_MAP, E_INSTANCE_TYPE_NAME,
	E_SOURCE_URL, E_COUNT
};
static const char *const edge_names[E_COUNT] = {
	"", "scope_info", "shared", "context", "script", "scope_id", "infos", "eval_from_scope_info",
	"name_or_scope_info", "raw_outer_scope_info_or_feedback_metadata", "outer_scope_info",
	"value", "start_position", "end_position", "function_name", "previous", "continuation",
	"function", "map", "instance_type_name", "source_url"
};

enum ntag { N_SCRIPT = 1, N_CONTEXT = 2, N_SCOPE_INFO = 4, N_SFI = 8, N_INT = 16, N_GENERATOR = 32 };

static int starts(const char *s, const char *p)
{
	return !strncmp(s, p, strlen(p));
}

struct ctxa {
	const struct hs_analysis *a;
	const struct hs_snapshot *s;
	uint8_t *etag, *ntag;    /* per string */
};

const char *hs_raw_name(const struct hs_analysis *a, uint32_t n, int *detached)
{
	const struct hs_snapshot *s = a->s;
	*detached = a->dom_state && s->node_type[n] == s->t.native && a->dom_state[n] == 2;
	return hs_node_name(s, n);
}

static void tags_init(struct ctxa *c)
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
static uint32_t internal(const struct ctxa *c, uint32_t n, enum etag t)
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
	int neg = 0, any = 0;
	int64_t v = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++) {
		any = 1;
		v = v * 10 + (*p - '0');
		if (v > ((int64_t)1 << 53))
			return NO_INT;
	}
	return any ? (neg ? -v : v) : NO_INT;
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
	if ((v = internal(c, n, E_VALUE)) == HS_CTX_NONE)
		return NO_INT;
	name = hs_raw_name(c->a, v, &det);
	return det ? NO_INT : parse_int(name);
}

static int64_t internal_int(const struct ctxa *c, uint32_t n, enum etag t)
{
	return value_int(c, internal(c, n, t));
}

static int is_scope_info(const struct ctxa *c, uint32_t n)
{
	return n != HS_CTX_NONE && (ntag(c, n) & N_SCOPE_INFO);
}

static int is_context(const struct ctxa *c, uint32_t n)
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

/* ---- parseEmbeddedScopes ---------------------------------------------- */

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

static void scopes_free(struct scopes *t)
{
	free(t->script);
	free(t->id);
	free(t->parent);
	free(t->var_begin);
	free(t->var_count);
	free(t->var_name);
	free(t->use_first);
	free(t->use_rec);
	if (t->canon.cap)
		hmap_free(&t->canon);
}

static int field(const struct hs_scope_tables *sc, int table, const char *name)
{
	uint32_t i;
	for (i = 0; i < sc->nfields[table]; i++)
		if (!strcmp(sc->fields[table][i], name))
			return (int)i;
	return -1;
}

struct use_pair { uint64_t var; uint32_t rec; };
static int use_cmp(const void *x, const void *y)
{
	const struct use_pair *a = x, *b = y;
	if (a->var != b->var) return a->var < b->var ? -1 : 1;
	return a->rec < b->rec ? -1 : a->rec > b->rec;
}

static int parse_scopes(struct scopes *t, const struct hs_snapshot *s, struct hs_error *err)
{
	const struct hs_scope_tables *sc = &s->scopes;
	int f_script = field(sc, HS_SCOPES, "script_node_index"), f_id = field(sc, HS_SCOPES, "scope_id");
	int f_depth = field(sc, HS_SCOPES, "depth"), f_vars = field(sc, HS_SCOPES, "scope_context_vars_count");
	int f_uses = field(sc, HS_SCOPES, "scope_uses_count");
	int f_name = field(sc, HS_SCOPE_VARS, "name");
	int f_decl = field(sc, HS_SCOPE_USES, "declaring_scope_id"), f_slot = field(sc, HS_SCOPE_USES, "slot_index");
	uint64_t stride = sc->nfields[HS_SCOPES], vstride = sc->nfields[HS_SCOPE_VARS];
	uint64_t ustride = sc->nfields[HS_SCOPE_USES];
	const int64_t *raw = sc->v[HS_SCOPES], *vars = sc->v[HS_SCOPE_VARS], *uses = sc->v[HS_SCOPE_USES];
	uint64_t uoff = 0, nuses = 0, v;
	uint32_t *stack = NULL;
	size_t i, depth_alloc = 0, nstack = 0;
	struct use_pair *pairs = NULL;
	size_t npairs = 0, pairs_alloc = 0;
	int64_t cur_script = 0;
	int have_script = 0, ok = 0;

	memset(t, 0, sizeof(*t));
	if (f_script < 0 || f_id < 0 || f_depth < 0 || f_vars < 0 || f_uses < 0)
		return hs_error_set(err, HS_ERR_FORMAT, "meta.scope_fields lacks one of script_node_index, "
				    "scope_id, depth, scope_context_vars_count, scope_uses_count");
	if (sc->len[HS_SCOPES] % stride)
		return hs_error_set(err, HS_ERR_FORMAT, "scopes array length %zu is not a multiple of "
				    "scope_fields (%llu)", sc->len[HS_SCOPES], (unsigned long long)stride);
	t->n = sc->len[HS_SCOPES] / stride;
	if (t->n >= HS_CTX_NONE - 2)
		return hs_error_set(err, HS_ERR_LIMIT, "too many scopes");
	HS_ALLOC_ARRAY(t->script, t->n + 1);
	HS_ALLOC_ARRAY(t->id, t->n + 1);
	HS_ALLOC_ARRAY(t->parent, t->n + 1);
	HS_ALLOC_ARRAY(t->var_begin, t->n + 1);
	HS_ALLOC_ARRAY(t->var_count, t->n + 1);
	hmap_init(&t->canon, t->n + 16);
	/* counts first, so that every later read is in range */
	for (i = 0; i < t->n; i++) {
		int64_t nv = raw[i * stride + (size_t)f_vars], nu = raw[i * stride + (size_t)f_uses];
		if (nv < 0 || nu < 0 || nv > UINT32_MAX || nu > UINT32_MAX) {
			hs_error_set(err, HS_ERR_FORMAT, "scope %zu: negative or huge variable/use count", i);
			goto out;
		}
		t->var_begin[i] = t->nvars;
		t->var_count[i] = (uint32_t)nv;
		t->nvars += (uint64_t)nv;
		nuses += (uint64_t)nu;
	}
	if (t->nvars && (f_name < 0 || t->nvars > sc->len[HS_SCOPE_VARS] / vstride)) {
		hs_error_set(err, HS_ERR_FORMAT, "scope_context_vars: %llu variables counted by the scopes, "
			     "fewer records (or no \"name\" field) in the array", (unsigned long long)t->nvars);
		goto out;
	}
	if (nuses && (f_decl < 0 || f_slot < 0 || nuses > sc->len[HS_SCOPE_USES] / ustride)) {
		hs_error_set(err, HS_ERR_FORMAT, "scope_uses: %llu uses counted by the scopes, fewer records "
			     "(or no declaring_scope_id / slot_index field) in the array", (unsigned long long)nuses);
		goto out;
	}
	if (t->nvars >= UINT32_MAX) {
		hs_error_set(err, HS_ERR_LIMIT, "too many scope variables");
		goto out;
	}
	HS_ALLOC_ARRAY(t->var_name, t->nvars + 1);
	for (v = 0; v < t->nvars; v++) {
		int64_t name = vars[v * vstride + (size_t)f_name];
		if (name < 0 || name >= s->strings.count) {
			hs_error_set(err, HS_ERR_FORMAT, "scope_context_vars: variable %llu names string %lld, "
				     "outside strings", (unsigned long long)v, (long long)name);
			goto out;
		}
		t->var_name[v] = (uint32_t)name;
	}
	/* the depth-encoded trees, one per script */
	for (i = 0; i < t->n; i++) {
		const int64_t *r = raw + i * stride;
		int64_t depth = r[f_depth];
		t->script[i] = r[f_script];
		t->id[i] = r[f_id];
		if (!have_script || cur_script != t->script[i]) {
			cur_script = t->script[i];
			have_script = 1;
			nstack = 0;
		}
		if (depth < 0 || (uint64_t)depth > nstack) {
			hs_error_set(err, HS_ERR_FORMAT, "scope %zu: depth %lld without an enclosing scope",
				     i, (long long)depth);
			goto out;
		}
		t->parent[i] = depth > 0 ? stack[depth - 1] : HS_CTX_NONE;
		HS_GROW(stack, (size_t)depth, depth_alloc);
		stack[depth] = (uint32_t)i;
		nstack = (size_t)depth + 1;
		hmap_put(&t->canon, t->script[i], t->id[i], (uint32_t)i);
		hmap_put(&t->canon, t->script[i], NO_INT, 0);
	}
	/* uses, attached to the (last) scope of each record's (script, id) */
	for (i = 0; i < t->n; i++) {
		int64_t nu = raw[i * stride + (size_t)f_uses], j;
		uint32_t me = hmap_get(&t->canon, t->script[i], t->id[i]);
		for (j = 0; j < nu; j++, uoff++) {
			int64_t decl = uses[uoff * ustride + (size_t)f_decl], slot = uses[uoff * ustride + (size_t)f_slot];
			uint32_t d = hmap_get(&t->canon, t->script[i], decl);
			if (d == HS_CTX_NONE || slot < 0 || slot >= t->var_count[d])
				continue;
			HS_GROW(pairs, npairs, pairs_alloc);
			pairs[npairs].var = t->var_begin[d] + (uint64_t)slot;
			pairs[npairs].rec = me;
			npairs++;
		}
	}
	hs_sort(pairs, npairs, sizeof(*pairs), use_cmp);
	HS_CALLOC_ARRAY(t->use_first, t->nvars + 2);
	HS_ALLOC_ARRAY(t->use_rec, npairs + 1);
	{
		size_t out = 0;
		for (i = 0; i < npairs; i++) {
			if (out && pairs[i].var == pairs[i - 1].var && pairs[i].rec == pairs[i - 1].rec)
				continue;
			t->use_rec[out++] = pairs[i].rec;
			t->use_first[pairs[i].var + 1]++;
		}
		for (v = 0; v < t->nvars; v++)
			t->use_first[v + 1] += t->use_first[v];
	}
	ok = 1;
out:
	free(stack);
	free(pairs);
	return ok ? 0 : err ? err->status : HS_ERR_FORMAT;
}

/* ---- scanHeap ---------------------------------------------------------- */

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

static void attribute_chain(const struct ctxa *c, struct scan *sc, uint32_t si, uint32_t stop, uint32_t script)
{
	for (;;) {
		if (si == stop || sc->sis[si] != ABSENT)
			return;
		sc->sis[si] = script;
		if (internal_int(c, si, E_SCOPE_ID) == SCRIPT_ROOT_SCOPE_ID)
			return;
		if ((si = internal(c, si, E_OUTER_SCOPE_INFO)) == HS_CTX_NONE)
			return;
	}
}

static void script_scope_infos(const struct ctxa *c, struct scan *sc, uint32_t script)
{
	const struct hs_snapshot *s = c->s;
	uint32_t infos = internal(c, script, E_INFOS), eval, stop, e;

	if (infos == HS_CTX_NONE)
		return;
	eval = internal(c, script, E_EVAL_FROM);
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
		si = internal(c, info, E_NAME_OR_SCOPE_INFO);
		if (is_scope_info(c, si)) {
			attribute_chain(c, sc, si, stop, script);
			continue;
		}
		id = internal_int(c, info, E_SCOPE_ID);
		if (id == NO_INT || id == SCRIPT_ROOT_SCOPE_ID)
			continue;
		si = internal(c, info, E_RAW_OUTER);
		if (is_scope_info(c, si))
			attribute_chain(c, sc, si, stop, script);
	}
}

static void add_closure(const struct ctxa *c, struct scan *sc, uint32_t owner, uint32_t sfi, uint32_t ctx)
{
	uint32_t script = internal(c, sfi, E_SCRIPT);
	int64_t id;

	if (script == HS_CTX_NONE)
		return;
	if ((id = internal_int(c, sfi, E_SCOPE_ID)) == NO_INT)
		return;
	HS_GROW(sc->closures, sc->nclosures, sc->closures_alloc);
	sc->closures[sc->nclosures++] = (struct closure){ owner, ctx, script, id };
}

static void scan_heap(const struct ctxa *c, struct scan *sc, uint64_t *is_script)
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
			uint32_t si = internal(c, n, E_SCOPE_INFO);
			if (si != HS_CTX_NONE) {
				HS_GROW(sc->contexts, sc->ncontexts, sc->contexts_alloc);
				sc->contexts[sc->ncontexts++] = (struct context_rec){ n, si };
			}
		} else if (s->node_type[n] == s->t.closure) {
			uint32_t sfi = internal(c, n, E_SHARED), ctx = internal(c, n, E_CONTEXT);
			if (sfi != HS_CTX_NONE && ctx != HS_CTX_NONE)
				add_closure(c, sc, n, sfi, ctx);
		} else if (s->node_type[n] == s->t.object) {
			uint32_t map = internal(c, n, E_MAP), fn, sfi, ctx;
			int64_t cont;
			if (map == HS_CTX_NONE)
				continue;
			if (!gen[map]) {
				uint32_t itn = internal(c, map, E_INSTANCE_TYPE_NAME);
				gen[map] = itn != HS_CTX_NONE && (ntag(c, itn) & N_GENERATOR) ? 2 : 1;
			}
			if (gen[map] != 2)
				continue;
			/* processGeneratorObject */
			cont = internal_int(c, n, E_CONTINUATION);
			fn = internal(c, n, E_FUNCTION);
			if (cont == NO_INT || fn == HS_CTX_NONE || s->node_type[fn] != s->t.closure)
				continue;
			if ((sfi = internal(c, fn, E_SHARED)) == HS_CTX_NONE)
				continue;
			if (cont == GENERATOR_CLOSED) {
				if (internal_int(c, sfi, E_SCOPE_ID) == SCRIPT_ROOT_SCOPE_ID)
					hs_bit_set(sc->finished, fn);
				continue;
			}
			if ((ctx = internal(c, n, E_CONTEXT)) != HS_CTX_NONE)
				add_closure(c, sc, n, sfi, ctx);
		}
	}
	free(gen);
}

/* resolveScopeInfoScriptNodeIndex: the script of a ScopeInfo, following
 * outer_scope_info; memoised for every ScopeInfo on the way. */
static uint32_t resolve_script(const struct ctxa *c, struct scan *sc, uint32_t si)
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
		if (internal_int(c, cur, E_SCOPE_ID) == SCRIPT_ROOT_SCOPE_ID)
			break;
		if ((cur = internal(c, cur, E_OUTER_SCOPE_INFO)) == HS_CTX_NONE)
			break;
	}
	for (i = 0; i < sc->nwalk; i++)
		sc->sis[sc->walk[i]] = script;
	return script;
}

/* ---- the analysis ------------------------------------------------------ */

struct entry {                /* one matched ScopeInfo (DevTools' `scopes` map) */
	uint32_t scope_info, script, function_name, rec;
	int64_t start, end;
	uint64_t first_field;     /* into field_names */
	uint32_t nfields;
};
struct ectx {                 /* one context of an entry */
	uint32_t entry, ctx;
	uint64_t first_value;     /* into values */
	uint32_t nvalues;
};

static int ctx_cmp(const struct hs_ctx_context *l, const struct hs_ctx_context *r)
{
	if (l->dead_retained != r->dead_retained) return l->dead_retained > r->dead_retained ? -1 : 1;
	if (l->retained != r->retained) return l->retained > r->retained ? -1 : 1;
	return l->node < r->node ? -1 : l->node > r->node;
}
static int ctx_qcmp(const void *x, const void *y) { return ctx_cmp(x, y); }

static int dead_qcmp(const void *x, const void *y)
{
	/* retained desc; the index tie-break is added by the caller (stable) */
	const struct hs_ctx_dead *a = x, *b = y;
	if (a->retained != b->retained) return a->retained > b->retained ? -1 : 1;
	return 0;
}

struct scope_key { const struct hs_ctx_context *first; uint32_t idx; };
static int scope_qcmp(const void *x, const void *y)
{
	const struct scope_key *a = x, *b = y;
	int c = ctx_cmp(a->first, b->first); /* DevTools compares the first contexts */
	if (c) return c;
	return a->idx < b->idx ? -1 : a->idx > b->idx;
}

/* A stable sort of the dead variables of one context (few: insertion sort). */
static void sort_dead(struct hs_ctx_dead *d, uint32_t n)
{
	uint32_t i, j;
	for (i = 1; i < n; i++) {
		struct hs_ctx_dead x = d[i];
		for (j = i; j > 0 && dead_qcmp(&d[j - 1], &x) > 0; j--)
			d[j] = d[j - 1];
		d[j] = x;
	}
}

int hs_contexts_analyze(struct hs_contexts *out, const struct hs_analysis *a, struct hs_error *err)
{
	const struct hs_snapshot *s = a->s;
	struct ctxa c = { a, s, NULL, NULL };
	struct scopes t;
	struct scan sc;
	struct hmap live = { 0 }, live_ctx = { 0 }, entries = { 0 }, no_scopes = { 0 };
	uint64_t *is_script = NULL;
	struct entry *ent = NULL;
	size_t nent = 0, ent_alloc = 0;
	struct ectx *ec = NULL;
	size_t nec = 0, ec_alloc = 0;
	uint32_t *field_names = NULL, *values = NULL;
	size_t nfield_names = 0, fn_alloc = 0, nvalues = 0, val_alloc = 0;
	size_t i, dead_alloc = 0, ctx_alloc = 0, no_alloc = 0;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&sc, 0, sizeof(sc));
	memset(&t, 0, sizeof(t));
	out->has_tables = s->scopes.fields[HS_SCOPES] != NULL && s->scopes.nfields[HS_SCOPES] > 0;
	if (out->has_tables && (rc = parse_scopes(&t, s, err)) < 0) {
		scopes_free(&t);
		return rc;
	}
	if (!out->has_tables)
		hmap_init(&t.canon, 16);
	tags_init(&c);
	HS_ALLOC_ARRAY(sc.sis, (size_t)s->node_count + 1);
	for (i = 0; i < s->node_count; i++)
		sc.sis[i] = ABSENT;
	sc.finished = hs_bits_new(s->node_count);
	is_script = hs_bits_new(s->node_count);
	scan_heap(&c, &sc, is_script);

	/* buildLiveFunctions: (script, scope id) -> function; (function, context) set */
	hmap_init(&live, 64);
	hmap_init(&live_ctx, sc.nclosures + 64);
	for (i = 0; i < sc.nclosures; i++) {
		const struct closure *cl = &sc.closures[i];
		uint32_t fid, ctx = cl->ctx;
		if (hs_bit_get(sc.finished, cl->owner))
			continue;
		if ((fid = hmap_get(&live, cl->script, cl->scope_id)) == HS_CTX_NONE) {
			fid = (uint32_t)live.nr;
			hmap_put(&live, cl->script, cl->scope_id, fid);
		}
		while (ctx != HS_CTX_NONE && hmap_get(&live_ctx, fid, ctx) == HS_CTX_NONE) {
			if (!is_context(&c, ctx))
				break;
			hmap_put(&live_ctx, fid, ctx, 1);
			ctx = internal(&c, ctx, E_PREVIOUS);
		}
	}

	/* correlateContextsWithScopes */
	hmap_init(&entries, 64);
	hmap_init(&no_scopes, 16);
	for (i = 0; i < sc.ncontexts; i++) {
		uint32_t ctx = sc.contexts[i].ctx, si = sc.contexts[i].scope_info, eid, script, rec, e, k;
		int64_t id;
		struct entry *en;
		struct ectx *x;
		if ((eid = hmap_get(&entries, si, 0)) != HS_CTX_NONE) {
			HS_GROW(ec, nec, ec_alloc);
			x = &ec[nec++];
			x->entry = eid;
			x->ctx = ctx;
			x->first_value = nvalues;
			x->nvalues = 0;
			for (e = hs_edge_begin(s, ctx); e < hs_edge_end(s, ctx); e++)
				if (s->edge_type[e] == s->t.e_context) {
					HS_GROW(values, nvalues, val_alloc);
					values[nvalues++] = s->edge_to[e];
					x->nvalues++;
				}
			continue;
		}
		if ((id = internal_int(&c, si, E_SCOPE_ID)) == NO_INT)
			continue;
		script = resolve_script(&c, &sc, si);
		if (script == UNDEF || !hs_bit_get(is_script, script))
			continue;
		if ((k = hmap_get(&no_scopes, script, 0)) != HS_CTX_NONE) {
			out->no_scopes[k].contexts++;
			continue;
		}
		if (hmap_get(&t.canon, (int64_t)script * s->n_node_fields, NO_INT) == HS_CTX_NONE) {
			HS_GROW(out->no_scopes, out->nno_scopes, no_alloc);
			out->no_scopes[out->nno_scopes] = (struct hs_ctx_no_scopes){ script, 1 };
			hmap_put(&no_scopes, script, 0, out->nno_scopes++);
			continue;
		}
		if ((rec = hmap_get(&t.canon, (int64_t)script * s->n_node_fields, id)) == HS_CTX_NONE)
			continue;
		HS_GROW(ent, nent, ent_alloc);
		en = &ent[nent];
		en->scope_info = si;
		en->script = script;
		en->rec = rec;
		en->start = internal_int(&c, si, E_START);
		en->end = internal_int(&c, si, E_END);
		if (en->start == NO_INT) en->start = 0;
		if (en->end == NO_INT) en->end = 0;
		en->function_name = internal(&c, si, E_FUNCTION_NAME);
		en->first_field = nfield_names;
		en->nfields = 0;
		HS_GROW(ec, nec, ec_alloc);
		x = &ec[nec++];
		x->entry = (uint32_t)nent;
		x->ctx = ctx;
		x->first_value = nvalues;
		x->nvalues = 0;
		for (e = hs_edge_begin(s, ctx); e < hs_edge_end(s, ctx); e++)
			if (s->edge_type[e] == s->t.e_context) {
				HS_GROW(field_names, nfield_names, fn_alloc);
				field_names[nfield_names++] = s->edge_name[e];
				en->nfields++;
				HS_GROW(values, nvalues, val_alloc);
				values[nvalues++] = s->edge_to[e];
				x->nvalues++;
			}
		hmap_put(&entries, si, 0, (uint32_t)nent);
		nent++;
	}

	/* classifyFields, entries in insertion order, each one's contexts in scan order */
	{
		uint32_t *ec_first, *ec_order, *pos;
		struct scope_key *keys;
		struct hs_ctx_scope *scopes;
		size_t e;

		HS_CALLOC_ARRAY(ec_first, nent + 2);
		HS_ALLOC_ARRAY(ec_order, nec + 1);
		HS_ALLOC_ARRAY(pos, nent + 1);
		for (i = 0; i < nec; i++)
			ec_first[ec[i].entry + 1]++;
		for (e = 0; e < nent; e++)
			ec_first[e + 1] += ec_first[e];
		for (e = 0; e < nent; e++)
			pos[e] = ec_first[e];
		for (i = 0; i < nec; i++)
			ec_order[pos[ec[i].entry]++] = (uint32_t)i;
		free(pos);
		HS_ALLOC_ARRAY(scopes, nent + 1);
		for (e = 0; e < nent; e++) {
			const struct entry *en = &ent[e];
			struct hs_ctx_scope *out_s = &scopes[out->nscopes];
			uint32_t j;
			out_s->scope_info = en->scope_info;
			out_s->script = en->script;
			out_s->start = en->start;
			out_s->end = en->end;
			out_s->function_name = en->function_name;
			out_s->field_count = en->nfields;
			out_s->first_ctx = out->nctx;
			out_s->nctx = 0;
			for (j = ec_first[e]; j < ec_first[e + 1]; j++) {
				const struct ectx *x = &ec[ec_order[j]];
				struct hs_ctx_context cc = { x->ctx, a->dom.retained[x->ctx], 0, out->ndead, 0 };
				uint32_t f;
				for (f = 0; f < x->nvalues; f++) {
					const char *fname;
					uint32_t var = HS_CTX_NONE, k, val;
					int used = 0;
					uint64_t u;
					if (f >= en->nfields)
						continue;
					fname = hs_str(&s->strings, field_names[en->first_field + f]);
					for (k = 0; k < t.var_count[en->rec]; k++)
						if (!strcmp(hs_str(&s->strings, t.var_name[t.var_begin[en->rec] + k]), fname)) {
							var = (uint32_t)(t.var_begin[en->rec] + k);
							break;
						}
					if (var == HS_CTX_NONE)
						continue;
					/* isVariableUsedInContext */
					for (u = t.use_first[var]; u < t.use_first[var + 1] && !used; u++) {
						uint32_t cur;
						for (cur = t.use_rec[u]; cur != HS_CTX_NONE && !used; cur = t.parent[cur]) {
							uint32_t fid = hmap_get(&live, en->script, t.id[cur]);
							if (fid != HS_CTX_NONE && hmap_get(&live_ctx, fid, x->ctx) != HS_CTX_NONE)
								used = 1;
						}
					}
					if (used)
						continue;
					val = values[x->first_value + f];
					HS_GROW(out->dead, out->ndead, dead_alloc);
					out->dead[out->ndead++] = (struct hs_ctx_dead){
						field_names[en->first_field + f], val, a->dom.retained[val] };
					cc.ndead++;
					cc.dead_retained += a->dom.retained[val];
				}
				if (!cc.ndead)
					continue;
				sort_dead(out->dead + cc.first_dead, cc.ndead);
				HS_GROW(out->ctx, out->nctx, ctx_alloc);
				out->ctx[out->nctx++] = cc;
				out_s->nctx++;
			}
			if (out_s->nctx) {
				hs_sort(out->ctx + out_s->first_ctx, out_s->nctx, sizeof(*out->ctx), ctx_qcmp);
				out->nscopes++;
			}
		}
		/* sortAndBuildResult: scopes by their first (largest) context, stably */
		HS_ALLOC_ARRAY(keys, (size_t)out->nscopes + 1);
		for (e = 0; e < out->nscopes; e++)
			keys[e] = (struct scope_key){ &out->ctx[scopes[e].first_ctx], (uint32_t)e };
		hs_sort(keys, out->nscopes, sizeof(*keys), scope_qcmp);
		HS_ALLOC_ARRAY(out->scopes, (size_t)out->nscopes + 1);
		for (e = 0; e < out->nscopes; e++)
			out->scopes[e] = scopes[keys[e].idx];
		free(keys);
		free(scopes);
		free(ec_first);
		free(ec_order);
	}
	/* scriptsWithoutScopes by script node index */
	{
		uint32_t x, y;
		for (x = 1; x < out->nno_scopes; x++) {
			struct hs_ctx_no_scopes v = out->no_scopes[x];
			for (y = x; y > 0 && out->no_scopes[y - 1].script > v.script; y--)
				out->no_scopes[y] = out->no_scopes[y - 1];
			out->no_scopes[y] = v;
		}
	}

	free(ent);
	free(ec);
	free(field_names);
	free(values);
	hmap_free(&live);
	hmap_free(&live_ctx);
	hmap_free(&entries);
	hmap_free(&no_scopes);
	free(is_script);
	free(sc.sis);
	free(sc.finished);
	free(sc.contexts);
	free(sc.closures);
	free(sc.walk);
	free(c.etag);
	free(c.ntag);
	scopes_free(&t);
	return 0;
}

void hs_contexts_release(struct hs_contexts *c)
{
	free(c->scopes);
	free(c->ctx);
	free(c->dead);
	free(c->no_scopes);
	memset(c, 0, sizeof(*c));
}
