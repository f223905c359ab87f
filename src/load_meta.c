/* The "snapshot" header: the driver (load.c) re-serialises the object with
 * yajl_gen, and meta is read back here with yajl_tree, by name: field names
 * and their roles, node and edge type names, location fields, the closure
 * scope tables' fields, the counts and the root. */
#include <stdlib.h>
#include <string.h>
#include <yajl_tree.h>
#include "json.h"
#include "load_internal.h"
#include "alloc.h"

static char **string_list(yajl_val v, uint32_t *n)
{
	char **out;
	size_t i;

	*n = 0;
	if (!YAJL_IS_ARRAY(v) || v->u.array.len > 4096)
		return NULL;
	for (i = 0; i < v->u.array.len; i++)
		if (!YAJL_IS_STRING(v->u.array.values[i]))
			return NULL;
	HS_CALLOC_ARRAY(out, v->u.array.len + 1);
	for (i = 0; i < v->u.array.len; i++) {
		const char *str = YAJL_GET_STRING(v->u.array.values[i]);
		size_t l = strlen(str);
		out[i] = hs_xmalloc(l + 1);
		memcpy(out[i], str, l + 1);
	}
	*n = (uint32_t)v->u.array.len;
	return out;
}

static int find_name(char **list, uint32_t n, const char *name)
{
	uint32_t i;
	for (i = 0; i < n; i++)
		if (!strcmp(list[i], name))
			return (int)i;
	return -1;
}

static uint8_t type_id(char **list, uint32_t n, const char *name)
{
	int i = find_name(list, n, name);
	return i < 0 ? HS_NO_TYPE : (uint8_t)i;
}

static int header_uint(struct parser *p, yajl_val obj, const char *key, uint64_t *out)
{
	yajl_val v = hs_json_get(obj, key, yajl_t_any);

	if (!v)
		return 0;
	if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
		return hs_load_fail(p, HS_ERR_FORMAT, "snapshot.%s is not an unsigned integer", key) - 1;
	*out = (uint64_t)YAJL_GET_INTEGER(v);
	return 1;
}

static int resolve_types(struct parser *p, yajl_val meta)
{
	struct hs_snapshot *s = p->s;
	yajl_val nt = hs_json_get(meta, "node_types", yajl_t_array);
	yajl_val et = hs_json_get(meta, "edge_types", yajl_t_array);
	int nto = find_name(s->node_fields, s->n_node_fields, "type");
	int eto = find_name(s->edge_fields, s->n_edge_fields, "type");

	if (!nt || nt->u.array.len <= (size_t)nto ||
	    !(s->node_type_names = string_list(nt->u.array.values[nto], &s->n_node_types)))
		return hs_load_fail(p, HS_ERR_FORMAT, "meta.node_types lacks the list of node type names");
	if (!et || et->u.array.len <= (size_t)eto ||
	    !(s->edge_type_names = string_list(et->u.array.values[eto], &s->n_edge_types)))
		return hs_load_fail(p, HS_ERR_FORMAT, "meta.edge_types lacks the list of edge type names");
	if (s->n_node_types >= HS_NO_TYPE || s->n_edge_types >= HS_NO_TYPE)
		return hs_load_fail(p, HS_ERR_FORMAT, "meta: too many node or edge types");
#define NT(f, name) s->t.f = type_id(s->node_type_names, s->n_node_types, name)
#define ET(f, name) s->t.f = type_id(s->edge_type_names, s->n_edge_types, name)
	NT(hidden, "hidden"); NT(array, "array"); NT(string, "string");
	NT(object, "object"); NT(code, "code"); NT(closure, "closure");
	NT(regexp, "regexp"); NT(number, "number"); NT(native, "native");
	NT(synthetic, "synthetic"); NT(cons_string, "concatenated string");
	NT(sliced_string, "sliced string"); NT(symbol, "symbol");
	NT(bigint, "bigint"); NT(object_shape, "object shape");
	ET(e_context, "context"); ET(e_element, "element"); ET(e_property, "property");
	ET(e_internal, "internal"); ET(e_hidden, "hidden"); ET(e_shortcut, "shortcut");
	ET(e_weak, "weak");
#undef NT
#undef ET
	return 1;
}

static int setup_roles(struct parser *p)
{
	struct hs_snapshot *s = p->s;
	static const char *const nreq[] = { "type", "name", "id", "self_size", "edge_count" };
	static const char *const ereq[] = { "type", "name_or_index", "to_node" };
	uint32_t i;

	for (i = 0; i < 5; i++)
		if (find_name(s->node_fields, s->n_node_fields, nreq[i]) < 0)
			return hs_load_fail(p, HS_ERR_FORMAT, "meta.node_fields lacks \"%s\"", nreq[i]);
	for (i = 0; i < 3; i++)
		if (find_name(s->edge_fields, s->n_edge_fields, ereq[i]) < 0)
			return hs_load_fail(p, HS_ERR_FORMAT, "meta.edge_fields lacks \"%s\"", ereq[i]);
	p->nf = s->n_node_fields;
	hs_exact_div_init(&p->nfd, p->nf);
	p->ef = s->n_edge_fields;
	if (p->nf > MAX_FIELDS || p->ef > MAX_FIELDS)
		return hs_load_fail(p, HS_ERR_FORMAT, "meta: more than %d node or edge fields", MAX_FIELDS);
	for (i = 0; i < p->nf; i++) {
		const char *f = s->node_fields[i];
		p->node_role[i] = !strcmp(f, "type") ? R_TYPE : !strcmp(f, "name") ? R_NAME
			: !strcmp(f, "id") ? R_ID : !strcmp(f, "self_size") ? R_SELF
			: !strcmp(f, "edge_count") ? R_EDGES : !strcmp(f, "trace_node_id") ? R_TRACE
			: !strcmp(f, "detachedness") ? R_DETACH : R_IGNORE;
		if (p->node_role[i] == R_DETACH && !s->detachedness)
			HS_CALLOC_ARRAY(s->detachedness, p->node_alloc + 1);
		if (p->node_role[i] == R_TRACE)
			s->has_trace_node_id = 1;
	}
	for (i = 0; i < p->ef; i++) {
		const char *f = s->edge_fields[i];
		p->edge_role[i] = !strcmp(f, "type") ? R_TYPE : !strcmp(f, "name_or_index") ? R_NAME
			: !strcmp(f, "to_node") ? R_TO : R_IGNORE;
	}
	return 1;
}

static int location_fields(struct parser *p, yajl_val meta)
{
	yajl_val v = hs_json_get(meta, "location_fields", yajl_t_any);
	char **lf;
	uint32_t n = 0, i;

	p->loc_node = p->loc_script = p->loc_line = p->loc_col = p->loc_script_obj = -1;
	if (!v)
		return 1;
	if (!(lf = string_list(v, &n)))
		return hs_load_fail(p, HS_ERR_FORMAT, "meta.location_fields is not a list of names");
	p->lf = n;
	p->loc_node = find_name(lf, n, "object_index");
	p->loc_script = find_name(lf, n, "script_id");
	p->loc_line = find_name(lf, n, "line");
	p->loc_col = find_name(lf, n, "column");
	p->loc_script_obj = find_name(lf, n, "script_object_index");
	for (i = 0; i < n; i++)
		free(lf[i]);
	free(lf);
	return 1;
}

int hs_load_header(struct parser *p, const char *json, size_t len)
{
	struct hs_snapshot *s = p->s;
	char ebuf[128];
	char *copy = hs_xmalloc(len + 1);
	yajl_val root, meta;
	uint64_t v;
	int ok = 0;

	memcpy(copy, json, len);
	copy[len] = '\0';
	root = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
	free(copy);
	if (!root) {
		hs_json_one_line(ebuf); /* yajl's message has three lines */
		return hs_load_fail(p, HS_ERR_FORMAT, "snapshot header cannot be read: %s", ebuf);
	}
	/* duplicate keys: the last one counts, as in JSON.parse (DevTools) */
	meta = hs_json_get(root, "meta", yajl_t_object);
	if (!meta) {
		hs_load_fail(p, HS_ERR_FORMAT, "not a heap snapshot: snapshot.meta is missing");
		goto cleanup;
	}
	s->node_fields = string_list(hs_json_get(meta, "node_fields", yajl_t_any), &s->n_node_fields);
	s->edge_fields = string_list(hs_json_get(meta, "edge_fields", yajl_t_any), &s->n_edge_fields);
	if (!s->node_fields || !s->edge_fields || !s->n_node_fields || !s->n_edge_fields) {
		hs_load_fail(p, HS_ERR_FORMAT, "meta.node_fields / meta.edge_fields missing or not lists of names");
		goto cleanup;
	}
	if (!setup_roles(p) || !resolve_types(p, meta) || !location_fields(p, meta))
		goto cleanup;
	{ /* closure-scope tables' field names (absent, or not lists of names: none) */
		static const char *const scope_meta[HS_SCOPE_TABLES] = {
			"scope_fields", "scope_context_var_fields", "scope_use_fields" };
		for (int t = 0; t < HS_SCOPE_TABLES; t++) {
			const char *path[] = { scope_meta[t], NULL };
			yajl_val sv = yajl_tree_get(meta, path, yajl_t_any);
			if (sv)
				s->scopes.fields[t] = string_list(sv, &s->scopes.nfields[t]);
		}
	}
	if (header_uint(p, root, "node_count", &s->header_node_count) < 0) goto cleanup;
	if (header_uint(p, root, "edge_count", &s->header_edge_count) < 0) goto cleanup;
	if (header_uint(p, root, "trace_function_count", &s->trace_function_count) < 0) goto cleanup;
	if (header_uint(p, root, "extra_native_bytes", &s->extra_native_bytes) < 0) goto cleanup;
	v = 0;
	if (header_uint(p, root, "root_index", &v) < 0) goto cleanup;
	if (v % p->nf || v / p->nf > UINT32_MAX) {
		hs_load_fail(p, HS_ERR_FORMAT, "snapshot.root_index %llu is not a node offset", (unsigned long long)v);
		goto cleanup;
	}
	s->root = (uint32_t)(v / p->nf);
	p->header_done = 1;
	ok = 1;
cleanup:
	yajl_tree_free(root);
	return ok;
}

