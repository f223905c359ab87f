/* Dead closure variables (see contexts.c): parseEmbeddedScopes, the
 * closure-scope tables of current V8 (struct hs_scope_tables, kept raw by the
 * loader) read into struct scopes and checked. */
#include <string.h>
#include "contexts_internal.h"
#include "alloc.h"
#include "sort.h"

void hs_ctx_scopes_free(struct scopes *t)
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
		hs_ctx_map_free(&t->canon);
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

/* Where the fields are in the three tables. */
struct layout {
	int f_script, f_id, f_depth, f_vars, f_uses, f_name, f_decl, f_slot;
	uint64_t stride, vstride, ustride;
	const int64_t *raw, *vars, *uses;
	uint64_t nuses;           /* uses counted by the scopes */
};

static void layout_init(struct layout *l, const struct hs_scope_tables *sc)
{
	l->f_script = field(sc, HS_SCOPES, "script_node_index");
	l->f_id = field(sc, HS_SCOPES, "scope_id");
	l->f_depth = field(sc, HS_SCOPES, "depth");
	l->f_vars = field(sc, HS_SCOPES, "scope_context_vars_count");
	l->f_uses = field(sc, HS_SCOPES, "scope_uses_count");
	l->f_name = field(sc, HS_SCOPE_VARS, "name");
	l->f_decl = field(sc, HS_SCOPE_USES, "declaring_scope_id");
	l->f_slot = field(sc, HS_SCOPE_USES, "slot_index");
	l->stride = sc->nfields[HS_SCOPES];
	l->vstride = sc->nfields[HS_SCOPE_VARS];
	l->ustride = sc->nfields[HS_SCOPE_USES];
	l->raw = sc->v[HS_SCOPES];
	l->vars = sc->v[HS_SCOPE_VARS];
	l->uses = sc->v[HS_SCOPE_USES];
	l->nuses = 0;
}

/* The records and their variable and use counts, checked against the
 * lengths of the tables, so that every later read is in range. */
static int read_counts(struct scopes *t, struct layout *l, const struct hs_scope_tables *sc,
		       struct hs_error *err)
{
	size_t i;

	if (l->f_script < 0 || l->f_id < 0 || l->f_depth < 0 || l->f_vars < 0 || l->f_uses < 0)
		return hs_error_set(err, HS_ERR_FORMAT, "meta.scope_fields lacks one of script_node_index, "
				    "scope_id, depth, scope_context_vars_count, scope_uses_count");
	if (sc->len[HS_SCOPES] % l->stride)
		return hs_error_set(err, HS_ERR_FORMAT, "scopes array length %zu is not a multiple of "
				    "scope_fields (%llu)", sc->len[HS_SCOPES], (unsigned long long)l->stride);
	t->n = sc->len[HS_SCOPES] / l->stride;
	if (t->n >= HS_CTX_NONE - 2)
		return hs_error_set(err, HS_ERR_LIMIT, "too many scopes");
	HS_ALLOC_ARRAY(t->script, t->n + 1);
	HS_ALLOC_ARRAY(t->id, t->n + 1);
	HS_ALLOC_ARRAY(t->parent, t->n + 1);
	HS_ALLOC_ARRAY(t->var_begin, t->n + 1);
	HS_ALLOC_ARRAY(t->var_count, t->n + 1);
	hs_ctx_map_init(&t->canon, t->n + 16);
	for (i = 0; i < t->n; i++) {
		int64_t nv = l->raw[i * l->stride + (size_t)l->f_vars], nu = l->raw[i * l->stride + (size_t)l->f_uses];
		if (nv < 0 || nu < 0 || nv > UINT32_MAX || nu > UINT32_MAX)
			return hs_error_set(err, HS_ERR_FORMAT, "scope %zu: negative or huge variable/use count", i);
		t->var_begin[i] = t->nvars;
		t->var_count[i] = (uint32_t)nv;
		t->nvars += (uint64_t)nv;
		l->nuses += (uint64_t)nu;
	}
	if (t->nvars && (l->f_name < 0 || t->nvars > sc->len[HS_SCOPE_VARS] / l->vstride))
		return hs_error_set(err, HS_ERR_FORMAT, "scope_context_vars: %llu variables counted by the scopes, "
				    "fewer records (or no \"name\" field) in the array", (unsigned long long)t->nvars);
	if (l->nuses && (l->f_decl < 0 || l->f_slot < 0 || l->nuses > sc->len[HS_SCOPE_USES] / l->ustride))
		return hs_error_set(err, HS_ERR_FORMAT, "scope_uses: %llu uses counted by the scopes, fewer records "
				    "(or no declaring_scope_id / slot_index field) in the array",
				    (unsigned long long)l->nuses);
	if (t->nvars >= UINT32_MAX)
		return hs_error_set(err, HS_ERR_LIMIT, "too many scope variables");
	return 0;
}

static int read_var_names(struct scopes *t, const struct layout *l, const struct hs_snapshot *s,
			  struct hs_error *err)
{
	uint64_t v;

	HS_ALLOC_ARRAY(t->var_name, t->nvars + 1);
	for (v = 0; v < t->nvars; v++) {
		int64_t name = l->vars[v * l->vstride + (size_t)l->f_name];
		if (name < 0 || name >= s->strings.count)
			return hs_error_set(err, HS_ERR_FORMAT, "scope_context_vars: variable %llu names string %lld, "
					    "outside strings", (unsigned long long)v, (long long)name);
		t->var_name[v] = (uint32_t)name;
	}
	return 0;
}

/* The depth-encoded trees, one per script: parents and the canonical
 * (last) record of each (script, id). */
static int read_trees(struct scopes *t, const struct layout *l, struct hs_error *err)
{
	uint32_t *stack = NULL;
	size_t i, depth_alloc = 0, nstack = 0;
	int64_t cur_script = 0;
	int have_script = 0;

	for (i = 0; i < t->n; i++) {
		const int64_t *r = l->raw + i * l->stride;
		int64_t depth = r[l->f_depth];
		t->script[i] = r[l->f_script];
		t->id[i] = r[l->f_id];
		if (!have_script || cur_script != t->script[i]) {
			cur_script = t->script[i];
			have_script = 1;
			nstack = 0;
		}
		if (depth < 0 || (uint64_t)depth > nstack) {
			free(stack);
			return hs_error_set(err, HS_ERR_FORMAT, "scope %zu: depth %lld without an enclosing scope",
					    i, (long long)depth);
		}
		t->parent[i] = depth > 0 ? stack[depth - 1] : HS_CTX_NONE;
		HS_GROW(stack, (size_t)depth, depth_alloc);
		stack[depth] = (uint32_t)i;
		nstack = (size_t)depth + 1;
		hs_ctx_map_put(&t->canon, t->script[i], t->id[i], (uint32_t)i);
		hs_ctx_map_put(&t->canon, t->script[i], NO_INT, 0);
	}
	free(stack);
	return 0;
}

/* Uses, attached to the (last) scope of each record's (script, id), as
 * per-variable lists of distinct records (use_first / use_rec). */
static void read_uses(struct scopes *t, const struct layout *l)
{
	struct use_pair *pairs = NULL;
	size_t i, npairs = 0, pairs_alloc = 0, out = 0;
	uint64_t uoff = 0, v;

	for (i = 0; i < t->n; i++) {
		int64_t nu = l->raw[i * l->stride + (size_t)l->f_uses], j;
		uint32_t me = hs_ctx_map_get(&t->canon, t->script[i], t->id[i]);
		for (j = 0; j < nu; j++, uoff++) {
			const int64_t *u = l->uses + uoff * l->ustride;
			int64_t decl = u[l->f_decl], slot = u[l->f_slot];
			uint32_t d = hs_ctx_map_get(&t->canon, t->script[i], decl);
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
	for (i = 0; i < npairs; i++) {
		if (out && pairs[i].var == pairs[i - 1].var && pairs[i].rec == pairs[i - 1].rec)
			continue;
		t->use_rec[out++] = pairs[i].rec;
		t->use_first[pairs[i].var + 1]++;
	}
	for (v = 0; v < t->nvars; v++)
		t->use_first[v + 1] += t->use_first[v];
	free(pairs);
}

int hs_ctx_parse_scopes(struct scopes *t, const struct hs_snapshot *s, struct hs_error *err)
{
	struct layout l;
	int rc;

	memset(t, 0, sizeof(*t));
	layout_init(&l, &s->scopes);
	if ((rc = read_counts(t, &l, &s->scopes, err)) < 0 || (rc = read_var_names(t, &l, s, err)) < 0 ||
	    (rc = read_trees(t, &l, err)) < 0)
		return rc;
	read_uses(t, &l);
	return 0;
}
