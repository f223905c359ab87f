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

int hs_ctx_parse_scopes(struct scopes *t, const struct hs_snapshot *s, struct hs_error *err)
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
	hs_ctx_map_init(&t->canon, t->n + 16);
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
		hs_ctx_map_put(&t->canon, t->script[i], t->id[i], (uint32_t)i);
		hs_ctx_map_put(&t->canon, t->script[i], NO_INT, 0);
	}
	/* uses, attached to the (last) scope of each record's (script, id) */
	for (i = 0; i < t->n; i++) {
		int64_t nu = raw[i * stride + (size_t)f_uses], j;
		uint32_t me = hs_ctx_map_get(&t->canon, t->script[i], t->id[i]);
		for (j = 0; j < nu; j++, uoff++) {
			int64_t decl = uses[uoff * ustride + (size_t)f_decl], slot = uses[uoff * ustride + (size_t)f_slot];
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
