/* Dead closure variables, as DevTools' analyzeContexts (heap snapshot worker,
 * 2026): parseEmbeddedScopes -> scanHeap -> buildLiveFunctions ->
 * correlateContextsWithScopes -> classifyFields -> sortAndBuildResult.  The
 * steps and their orders are DevTools'; the data structures are flat arrays
 * and one open-addressing hash (no allocation per node, no recursion). */
#include <string.h>
#include "contexts_internal.h"
#include "alloc.h"
#include "sort.h"

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
	if (out->has_tables && (rc = hs_ctx_parse_scopes(&t, s, err)) < 0) {
		hs_ctx_scopes_free(&t);
		return rc;
	}
	if (!out->has_tables)
		hs_ctx_map_init(&t.canon, 16);
	hs_ctx_tags_init(&c);
	HS_ALLOC_ARRAY(sc.sis, (size_t)s->node_count + 1);
	for (i = 0; i < s->node_count; i++)
		sc.sis[i] = ABSENT;
	sc.finished = hs_bits_new(s->node_count);
	is_script = hs_bits_new(s->node_count);
	hs_ctx_scan_heap(&c, &sc, is_script);

	/* buildLiveFunctions: (script, scope id) -> function; (function, context) set */
	hs_ctx_map_init(&live, 64);
	hs_ctx_map_init(&live_ctx, sc.nclosures + 64);
	for (i = 0; i < sc.nclosures; i++) {
		const struct closure *cl = &sc.closures[i];
		uint32_t fid, ctx = cl->ctx;
		if (hs_bit_get(sc.finished, cl->owner))
			continue;
		if ((fid = hs_ctx_map_get(&live, cl->script, cl->scope_id)) == HS_CTX_NONE) {
			fid = (uint32_t)live.nr;
			hs_ctx_map_put(&live, cl->script, cl->scope_id, fid);
		}
		while (ctx != HS_CTX_NONE && hs_ctx_map_get(&live_ctx, fid, ctx) == HS_CTX_NONE) {
			if (!hs_ctx_is_context(&c, ctx))
				break;
			hs_ctx_map_put(&live_ctx, fid, ctx, 1);
			ctx = hs_ctx_internal(&c, ctx, E_PREVIOUS);
		}
	}

	/* correlateContextsWithScopes */
	hs_ctx_map_init(&entries, 64);
	hs_ctx_map_init(&no_scopes, 16);
	for (i = 0; i < sc.ncontexts; i++) {
		uint32_t ctx = sc.contexts[i].ctx, si = sc.contexts[i].scope_info, eid, script, rec, e, k;
		int64_t id;
		struct entry *en;
		struct ectx *x;
		if ((eid = hs_ctx_map_get(&entries, si, 0)) != HS_CTX_NONE) {
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
		if ((id = hs_ctx_internal_int(&c, si, E_SCOPE_ID)) == NO_INT)
			continue;
		script = hs_ctx_resolve_script(&c, &sc, si);
		if (script == UNDEF || !hs_bit_get(is_script, script))
			continue;
		if ((k = hs_ctx_map_get(&no_scopes, script, 0)) != HS_CTX_NONE) {
			out->no_scopes[k].contexts++;
			continue;
		}
		if (hs_ctx_map_get(&t.canon, (int64_t)script * s->n_node_fields, NO_INT) == HS_CTX_NONE) {
			HS_GROW(out->no_scopes, out->nno_scopes, no_alloc);
			out->no_scopes[out->nno_scopes] = (struct hs_ctx_no_scopes){ script, 1 };
			hs_ctx_map_put(&no_scopes, script, 0, out->nno_scopes++);
			continue;
		}
		if ((rec = hs_ctx_map_get(&t.canon, (int64_t)script * s->n_node_fields, id)) == HS_CTX_NONE)
			continue;
		HS_GROW(ent, nent, ent_alloc);
		en = &ent[nent];
		en->scope_info = si;
		en->script = script;
		en->rec = rec;
		en->start = hs_ctx_internal_int(&c, si, E_START);
		en->end = hs_ctx_internal_int(&c, si, E_END);
		if (en->start == NO_INT) en->start = 0;
		if (en->end == NO_INT) en->end = 0;
		en->function_name = hs_ctx_internal(&c, si, E_FUNCTION_NAME);
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
		hs_ctx_map_put(&entries, si, 0, (uint32_t)nent);
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
							uint32_t fid = hs_ctx_map_get(&live, en->script, t.id[cur]);
							if (fid != HS_CTX_NONE && hs_ctx_map_get(&live_ctx, fid, x->ctx) != HS_CTX_NONE)
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
	hs_ctx_map_free(&live);
	hs_ctx_map_free(&live_ctx);
	hs_ctx_map_free(&entries);
	hs_ctx_map_free(&no_scopes);
	free(is_script);
	free(sc.sis);
	free(sc.finished);
	free(sc.contexts);
	free(sc.closures);
	free(sc.walk);
	free(c.etag);
	free(c.ntag);
	hs_ctx_scopes_free(&t);
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
