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

/* The state of one analysis, freed by run_free. */
struct run {
	const struct hs_analysis *a;
	const struct hs_snapshot *s;
	struct ctxa c;
	struct scopes t;
	struct scan sc;
	struct hmap live, live_ctx; /* (script, scope id) -> function; (function, context) set */
	uint64_t *is_script;
	struct entry *ent;
	size_t nent, ent_alloc;
	struct ectx *ec;
	size_t nec, ec_alloc;
	uint32_t *field_names, *values;
	size_t nfield_names, fn_alloc, nvalues, val_alloc;
	size_t dead_alloc, ctx_alloc, no_alloc;  /* of out's arrays */
};

static void run_free(struct run *r)
{
	free(r->ent);
	free(r->ec);
	free(r->field_names);
	free(r->values);
	hs_ctx_map_free(&r->live);
	hs_ctx_map_free(&r->live_ctx);
	free(r->is_script);
	free(r->sc.sis);
	free(r->sc.finished);
	free(r->sc.contexts);
	free(r->sc.closures);
	free(r->sc.walk);
	free(r->c.etag);
	free(r->c.ntag);
	hs_ctx_scopes_free(&r->t);
}

/* buildLiveFunctions: (script, scope id) -> function; (function, context) set */
static void build_live(struct run *r)
{
	size_t i;

	hs_ctx_map_init(&r->live, 64);
	hs_ctx_map_init(&r->live_ctx, r->sc.nclosures + 64);
	for (i = 0; i < r->sc.nclosures; i++) {
		const struct closure *cl = &r->sc.closures[i];
		uint32_t fid, ctx = cl->ctx;
		if (hs_bit_get(r->sc.finished, cl->owner))
			continue;
		if ((fid = hs_ctx_map_get(&r->live, cl->script, cl->scope_id)) == HS_CTX_NONE) {
			fid = (uint32_t)r->live.nr;
			hs_ctx_map_put(&r->live, cl->script, cl->scope_id, fid);
		}
		while (ctx != HS_CTX_NONE && hs_ctx_map_get(&r->live_ctx, fid, ctx) == HS_CTX_NONE) {
			if (!hs_ctx_is_context(&r->c, ctx))
				break;
			hs_ctx_map_put(&r->live_ctx, fid, ctx, 1);
			ctx = hs_ctx_internal(&r->c, ctx, E_PREVIOUS);
		}
	}
}

/* One context of entry eid: its context-variable values, and when en is not
 * NULL (the entry's first context) their names as the entry's fields. */
static void add_ectx(struct run *r, uint32_t eid, uint32_t ctx, struct entry *en)
{
	const struct hs_snapshot *s = r->s;
	struct ectx *x;
	uint32_t e;

	HS_GROW(r->ec, r->nec, r->ec_alloc);
	x = &r->ec[r->nec++];
	x->entry = eid;
	x->ctx = ctx;
	x->first_value = r->nvalues;
	x->nvalues = 0;
	for (e = hs_edge_begin(s, ctx); e < hs_edge_end(s, ctx); e++)
		if (s->edge_type[e] == s->t.e_context) {
			if (en) {
				HS_GROW(r->field_names, r->nfield_names, r->fn_alloc);
				r->field_names[r->nfield_names++] = s->edge_name[e];
				en->nfields++;
			}
			HS_GROW(r->values, r->nvalues, r->val_alloc);
			r->values[r->nvalues++] = s->edge_to[e];
			x->nvalues++;
		}
}

/* A new entry for ScopeInfo si of script, scope-table record rec. */
static struct entry *add_entry(struct run *r, uint32_t si, uint32_t script, uint32_t rec)
{
	struct entry *en;

	HS_GROW(r->ent, r->nent, r->ent_alloc);
	en = &r->ent[r->nent];
	en->scope_info = si;
	en->script = script;
	en->rec = rec;
	en->start = hs_ctx_internal_int(&r->c, si, E_START);
	en->end = hs_ctx_internal_int(&r->c, si, E_END);
	if (en->start == NO_INT) en->start = 0;
	if (en->end == NO_INT) en->end = 0;
	en->function_name = hs_ctx_internal(&r->c, si, E_FUNCTION_NAME);
	en->first_field = r->nfield_names;
	en->nfields = 0;
	return en;
}

/* correlateContextsWithScopes */
static void correlate(struct run *r, struct hs_contexts *out)
{
	struct hmap entries, no_scopes;
	int64_t nf = r->s->n_node_fields;
	size_t i;

	hs_ctx_map_init(&entries, 64);
	hs_ctx_map_init(&no_scopes, 16);
	for (i = 0; i < r->sc.ncontexts; i++) {
		uint32_t ctx = r->sc.contexts[i].ctx, si = r->sc.contexts[i].scope_info, eid, script, rec, k;
		int64_t id;
		if ((eid = hs_ctx_map_get(&entries, si, 0)) != HS_CTX_NONE) {
			add_ectx(r, eid, ctx, NULL);
			continue;
		}
		if ((id = hs_ctx_internal_int(&r->c, si, E_SCOPE_ID)) == NO_INT)
			continue;
		script = hs_ctx_resolve_script(&r->c, &r->sc, si);
		if (script == UNDEF || !hs_bit_get(r->is_script, script))
			continue;
		if ((k = hs_ctx_map_get(&no_scopes, script, 0)) != HS_CTX_NONE) {
			out->no_scopes[k].contexts++;
			continue;
		}
		if (hs_ctx_map_get(&r->t.canon, (int64_t)script * nf, NO_INT) == HS_CTX_NONE) {
			HS_GROW(out->no_scopes, out->nno_scopes, r->no_alloc);
			out->no_scopes[out->nno_scopes] = (struct hs_ctx_no_scopes){ script, 1 };
			hs_ctx_map_put(&no_scopes, script, 0, out->nno_scopes++);
			continue;
		}
		if ((rec = hs_ctx_map_get(&r->t.canon, (int64_t)script * nf, id)) == HS_CTX_NONE)
			continue;
		add_ectx(r, (uint32_t)r->nent, ctx, add_entry(r, si, script, rec));
		hs_ctx_map_put(&entries, si, 0, (uint32_t)r->nent);
		r->nent++;
	}
	hs_ctx_map_free(&entries);
	hs_ctx_map_free(&no_scopes);
}

/* The scope-table variable of entry en named fname, or HS_CTX_NONE. */
static uint32_t find_var(const struct run *r, const struct entry *en, const char *fname)
{
	const struct scopes *t = &r->t;
	uint32_t k;

	for (k = 0; k < t->var_count[en->rec]; k++)
		if (!strcmp(hs_str(&r->s->strings, t->var_name[t->var_begin[en->rec] + k]), fname))
			return (uint32_t)(t->var_begin[en->rec] + k);
	return HS_CTX_NONE;
}

/* isVariableUsedInContext */
static int var_used(const struct run *r, const struct entry *en, uint32_t var, uint32_t ctx)
{
	const struct scopes *t = &r->t;
	uint64_t u;
	uint32_t cur;

	for (u = t->use_first[var]; u < t->use_first[var + 1]; u++)
		for (cur = t->use_rec[u]; cur != HS_CTX_NONE; cur = t->parent[cur]) {
			uint32_t fid = hs_ctx_map_get(&r->live, en->script, t->id[cur]);
			if (fid != HS_CTX_NONE && hs_ctx_map_get(&r->live_ctx, fid, ctx) != HS_CTX_NONE)
				return 1;
		}
	return 0;
}

/* classifyFields of one context: its dead variables appended to out->dead. */
static struct hs_ctx_context classify_context(struct run *r, struct hs_contexts *out,
					      const struct entry *en, const struct ectx *x)
{
	const uint64_t *retained = r->a->dom.retained;
	struct hs_ctx_context cc = { x->ctx, retained[x->ctx], 0, out->ndead, 0 };
	uint32_t f;

	for (f = 0; f < x->nvalues; f++) {
		uint32_t var, val, name;
		if (f >= en->nfields)
			continue;
		name = r->field_names[en->first_field + f];
		var = find_var(r, en, hs_str(&r->s->strings, name));
		if (var == HS_CTX_NONE || var_used(r, en, var, x->ctx))
			continue;
		val = r->values[x->first_value + f];
		HS_GROW(out->dead, out->ndead, r->dead_alloc);
		out->dead[out->ndead++] = (struct hs_ctx_dead){ name, val, retained[val] };
		cc.ndead++;
		cc.dead_retained += retained[val];
	}
	return cc;
}

/* classifyFields of entry e, whose contexts are ec[order[j]] for j in
 * [first, end): a scope in *sc with the contexts that have dead variables,
 * largest first; 1 when it has any. */
static int classify_entry(struct run *r, struct hs_contexts *out, size_t e, const uint32_t *order,
			  uint32_t first, uint32_t end, struct hs_ctx_scope *sc)
{
	const struct entry *en = &r->ent[e];
	uint32_t j;

	*sc = (struct hs_ctx_scope){ .scope_info = en->scope_info, .script = en->script, .start = en->start,
				     .end = en->end, .function_name = en->function_name,
				     .field_count = en->nfields, .first_ctx = out->nctx };
	for (j = first; j < end; j++) {
		struct hs_ctx_context cc = classify_context(r, out, en, &r->ec[order[j]]);
		if (!cc.ndead)
			continue;
		sort_dead(out->dead + cc.first_dead, cc.ndead);
		HS_GROW(out->ctx, out->nctx, r->ctx_alloc);
		out->ctx[out->nctx++] = cc;
		sc->nctx++;
	}
	if (!sc->nctx)
		return 0;
	hs_sort(out->ctx + sc->first_ctx, sc->nctx, sizeof(*out->ctx), ctx_qcmp);
	return 1;
}

/* sortAndBuildResult: scopes by their first (largest) context, stably */
static void sort_scopes(struct hs_contexts *out, const struct hs_ctx_scope *scopes)
{
	struct scope_key *keys;
	size_t e;

	HS_ALLOC_ARRAY(keys, (size_t)out->nscopes + 1);
	for (e = 0; e < out->nscopes; e++)
		keys[e] = (struct scope_key){ &out->ctx[scopes[e].first_ctx], (uint32_t)e };
	hs_sort(keys, out->nscopes, sizeof(*keys), scope_qcmp);
	HS_ALLOC_ARRAY(out->scopes, (size_t)out->nscopes + 1);
	for (e = 0; e < out->nscopes; e++)
		out->scopes[e] = scopes[keys[e].idx];
	free(keys);
}

/* classifyFields, entries in insertion order, each one's contexts in scan
 * order, then sortAndBuildResult */
static void classify(struct run *r, struct hs_contexts *out)
{
	uint32_t *ec_first, *ec_order, *pos;
	struct hs_ctx_scope *scopes;
	size_t e, i;

	HS_CALLOC_ARRAY(ec_first, r->nent + 2);
	HS_ALLOC_ARRAY(ec_order, r->nec + 1);
	HS_ALLOC_ARRAY(pos, r->nent + 1);
	for (i = 0; i < r->nec; i++)
		ec_first[r->ec[i].entry + 1]++;
	for (e = 0; e < r->nent; e++)
		ec_first[e + 1] += ec_first[e];
	for (e = 0; e < r->nent; e++)
		pos[e] = ec_first[e];
	for (i = 0; i < r->nec; i++)
		ec_order[pos[r->ec[i].entry]++] = (uint32_t)i;
	free(pos);
	HS_ALLOC_ARRAY(scopes, r->nent + 1);
	for (e = 0; e < r->nent; e++)
		if (classify_entry(r, out, e, ec_order, ec_first[e], ec_first[e + 1], &scopes[out->nscopes]))
			out->nscopes++;
	sort_scopes(out, scopes);
	free(scopes);
	free(ec_first);
	free(ec_order);
}

/* scriptsWithoutScopes by script node index */
static void sort_no_scopes(struct hs_contexts *out)
{
	uint32_t x, y;
	for (x = 1; x < out->nno_scopes; x++) {
		struct hs_ctx_no_scopes v = out->no_scopes[x];
		for (y = x; y > 0 && out->no_scopes[y - 1].script > v.script; y--)
			out->no_scopes[y] = out->no_scopes[y - 1];
		out->no_scopes[y] = v;
	}
}

int hs_contexts_analyze(struct hs_contexts *out, const struct hs_analysis *a, struct hs_error *err)
{
	const struct hs_snapshot *s = a->s;
	struct run r;
	size_t i;
	int rc;

	memset(out, 0, sizeof(*out));
	memset(&r, 0, sizeof(r));
	r.a = a;
	r.s = s;
	r.c = (struct ctxa){ a, s, NULL, NULL };
	out->has_tables = s->scopes.fields[HS_SCOPES] != NULL && s->scopes.nfields[HS_SCOPES] > 0;
	if (out->has_tables && (rc = hs_ctx_parse_scopes(&r.t, s, err)) < 0) {
		hs_ctx_scopes_free(&r.t);
		return rc;
	}
	if (!out->has_tables)
		hs_ctx_map_init(&r.t.canon, 16);
	hs_ctx_tags_init(&r.c);
	HS_ALLOC_ARRAY(r.sc.sis, (size_t)s->node_count + 1);
	for (i = 0; i < s->node_count; i++)
		r.sc.sis[i] = ABSENT;
	r.sc.finished = hs_bits_new(s->node_count);
	r.is_script = hs_bits_new(s->node_count);
	hs_ctx_scan_heap(&r.c, &r.sc, r.is_script);
	build_live(&r);
	correlate(&r, out);
	classify(&r, out);
	sort_no_scopes(out);
	run_free(&r);
	return 0;
}

void hs_contexts_release(struct hs_contexts *c)
{
	HS_RELEASE(c, c->scopes, c->ctx, c->dead, c->no_scopes);
}
