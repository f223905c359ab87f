/* Streaming loader: the only file that includes yajl_parse.h.
 *
 * A small state machine over yajl callbacks.  Top-level keys select a section;
 * the small "snapshot" header is re-serialised with yajl_gen and parsed with
 * yajl_tree once complete, so meta can be read by name.  The big numeric
 * arrays are decoded value by value straight into the struct-of-arrays model
 * when meta is already known (V8 always writes "snapshot" first); when a
 * third-party writer puts "nodes"/"edges" first, their raw values are kept
 * and replayed once the header has been read.  Nothing is allocated from a
 * header count: arrays grow geometrically with what is actually read. */
#include <errno.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl_parse.h>
#include <yajl_gen.h>
#include <yajl_tree.h>
#include "hsnap/snapshot.h"
#include "input.h"
#include "json.h"
#include "scripts.h"
#include "vec.h"

#define CHUNK (4u << 20)
#define MAX_DEPTH 4096
#define MAX_HEADER_BYTES (64u << 20)
/* Longest JSON string accepted.  V8 caps node names at 1024 characters, so
 * real snapshots stay far below; the bound matters because yajl re-lexes a
 * token split across chunks from its start on every chunk (quadratic: a
 * 1 GiB string took 152 s). */
#define MAX_STRING_BYTES (64u << 20)
#define MAX_FIELDS 64
/* Longest number accepted anywhere (also in the sections yajl parses and
 * hsnap skips): no valid value comes close (integers < 2^64 have at most
 * 20 digits, a double needs at most 24 characters), and yajl's re-lexing
 * made a 256 MiB number take 49 s. */
#define MAX_NUMBER_CHARS 64

enum section { SEC_NONE, SEC_SNAPSHOT, SEC_NODES, SEC_EDGES, SEC_STRINGS,
	       SEC_LOCATIONS, SEC_SAMPLES, SEC_TFI, SEC_TRACE_TREE,
	       SEC_SCOPES, SEC_SCOPE_VARS, SEC_SCOPE_USES, SEC_SKIP,
	       SEC_COUNT };
static const char *const section_names[SEC_COUNT] = {
	"", "snapshot", "nodes", "edges", "strings", "locations", "samples",
	"trace_function_infos", "trace_tree",
	"scopes", "scope_context_vars", "scope_uses", ""
};

enum role { R_IGNORE, R_TYPE, R_NAME, R_ID, R_SELF, R_EDGES, R_TRACE, R_DETACH, R_TO };

struct u64vec { uint64_t *v; size_t nr, alloc; };

/* The numeric "nodes"/"edges" arrays (90% of a file) bypass the yajl lexer:
 * when yajl reports the '[' that opens one, the callback cancels that parse,
 * the bytes after it are scanned here (digits, commas, JSON white space and
 * the closing ']' only; anything else is an error), and a fresh yajl handle
 * resumes after the ']' (primed with `{"":""` so it is inside the top-level
 * object, callbacks ignored while priming). */
enum fast_state { F_OPEN, F_NUM, F_VALUE, F_COMMA };
struct fast {
	int active;
	enum fast_state state;
	uint64_t v;
	int lead_zero;
	size_t resume_at;        /* offset in the current chunk after '[' */
};

/* see exact_div() */
struct exact_div {
	uint64_t inv, lim;
	unsigned shift;
	uint32_t d;
};

struct parser {
	struct hs_snapshot *s;
	struct hs_error *err;
	int failed;
	int depth;
	enum section sec;
	unsigned seen;             /* bit per section */
	yajl_gen gen;              /* header being re-serialised */
	int header_done;
	uint32_t nf, ef, lf;
	struct exact_div nfd;      /* division by nf (edges' to_node) */
	uint8_t node_role[MAX_FIELDS], edge_role[MAX_FIELDS];
	int loc_node, loc_script, loc_line, loc_col, loc_script_obj;
	uint32_t nfield, efield;
	size_t node_alloc, edge_alloc;
	uint64_t edge_values;      /* values seen in "edges" */
	uint64_t string_values;    /* non-string elements of "strings" */
	struct u64vec raw_nodes, raw_edges, raw_locs;
	uint64_t bytes_fed;
	yajl_handle h;             /* the handle currently parsing */
	struct fast fast;
	int par_fd, jobs;          /* parallel scan: plain file's fd (-1: none) */
	uint64_t par_size, par_min, par_begin, par_values;
	int priming;               /* callbacks from the `{"":""` primer */
	int in_str, in_esc;        /* string state of the text given to yajl */
	uint64_t str_start;        /* offset where the current string began */
	uint64_t num_len, num_start; /* number characters in a row outside strings */
};

static int fail(struct parser *p, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int fail(struct parser *p, int status, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return 0;
	p->failed = 1;
	if (p->err) {
		p->err->status = status;
		va_start(ap, fmt);
		vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
		va_end(ap);
	}
	return 0; /* cancels the yajl parse */
}

static void u64_push(struct u64vec *v, uint64_t x)
{
	HS_GROW(v->v, v->nr, v->alloc);
	v->v[v->nr++] = x;
}

/* ---- numeric sections ------------------------------------------------- */

static void grow_nodes(struct parser *p)
{
	struct hs_snapshot *s = p->s;
	size_t a = p->node_alloc, n = s->node_count;

	if (n + 1 < a)
		return;
	if (n >= HS_MAX_NODES)
		return;
	a = a < 1024 ? 1024 : a + a / 2;
	HS_REALLOC_ARRAY(s->node_type, a);
	HS_REALLOC_ARRAY(s->node_name, a);
	HS_REALLOC_ARRAY(s->node_id, a);
	if (s->node_id_hi) { /* zero where no wide id is stored (see wide_id) */
		HS_REALLOC_ARRAY(s->node_id_hi, a);
		memset(s->node_id_hi + p->node_alloc, 0, (a - p->node_alloc) * sizeof(*s->node_id_hi));
	}
	HS_REALLOC_ARRAY(s->self_size, a);
	HS_REALLOC_ARRAY(s->first_edge, a + 1);
	if (s->detachedness)
		HS_REALLOC_ARRAY(s->detachedness, a);
	p->node_alloc = a;
}

/* Ids beyond 32 bits (Julia's reach 2^47) keep their high halves in
 * s->node_id_hi, allocated (zeroed, p->node_alloc long) by the first such id,
 * so the common 32-bit file pays nothing.  The parallel scanner's threads may
 * meet their first wide id at once: the lock makes one of them allocate. */
static pthread_mutex_t wide_lock = PTHREAD_MUTEX_INITIALIZER;

static void wide_id(struct parser *p, uint32_t n, uint64_t v)
{
	struct hs_snapshot *s = p->s;
	uint32_t *hi = __atomic_load_n(&s->node_id_hi, __ATOMIC_ACQUIRE);

	if (!hi) {
		pthread_mutex_lock(&wide_lock);
		if (!(hi = s->node_id_hi)) {
			HS_CALLOC_ARRAY(hi, p->node_alloc);
			__atomic_store_n(&s->node_id_hi, hi, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&wide_lock);
	}
	hi[n] = (uint32_t)(v >> 32);
}

/* Stores value v as a field (of role `role`) of node n / edge e.  Thread-safe: errors
 * go to msg (the parallel scanner has one per piece).  Returns 0 or a status. */
static int store_node(struct parser *p, uint8_t role, uint32_t n, uint64_t v, char *msg, size_t len)
{
	struct hs_snapshot *s = p->s;

	switch (role) {
	case R_TYPE:
		if (v >= HS_NO_TYPE) {
			snprintf(msg, len, "node %u: type %llu out of range (0-%u)", n, (unsigned long long)v,
				 HS_NO_TYPE - 1);
			return HS_ERR_FORMAT;
		}
		s->node_type[n] = (uint8_t)v;
		break;
	case R_ID:
		s->node_id[n] = (uint32_t)v;
		if (v > UINT32_MAX)
			wide_id(p, n, v);
		break;
	case R_NAME: /* limits of the strings (2^32 - 1024) and edges (2^32 - 3) tables */
		if (v >= UINT32_MAX - 1024) {
			snprintf(msg, len, "node %u: name %llu is not a string index (more than any file's strings)",
				 n, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->node_name[n] = (uint32_t)v;
		break;
	case R_EDGES:
		if (v > UINT32_MAX - 2) {
			snprintf(msg, len, "node %u: edge_count %llu is more than the %u edges a snapshot can have",
				 n, (unsigned long long)v, UINT32_MAX - 2);
			return HS_ERR_FORMAT;
		}
		s->first_edge[n + 1] = (uint32_t)v;
		break;
	case R_SELF:
		s->self_size[n] = v;
		break;
	case R_DETACH:
		if (v > 3) {
			snprintf(msg, len, "node %u: detachedness %llu out of range (0-3)", n, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->detachedness[n] = (uint8_t)v;
		break;
	case R_TRACE: /* not stored (no analysis uses it yet): any value is fine */
	default:
		break;
	}
	return 0;
}

/* Exact division by a small constant d (node_fields) without a divide
 * instruction: d = 2^shift * m, m odd; v' = v >> shift is a multiple of m iff
 * v' * m^-1 (mod 2^64) <= (2^64 - 1) / m, and then that product is v' / m
 * (Granlund & Montgomery 1994, section 9). */
static void exact_div_init(struct exact_div *x, uint32_t d)
{
	uint64_t m = d ? d : 1, inv;
	unsigned k = 0, i;

	while (!(m & 1)) {
		m >>= 1;
		k++;
	}
	inv = m; /* right to 3 bits for odd m; each Newton step doubles that */
	for (i = 0; i < 5; i++)
		inv *= 2 - m * inv;
	x->inv = inv;
	x->lim = UINT64_MAX / m;
	x->shift = k;
	x->d = d ? d : 1;
}

/* 1 with *q = v / d when d divides v, else 0. */
static inline int exact_div(const struct exact_div *x, uint64_t v, uint64_t *q)
{
	uint64_t t;

	if (v & ((UINT64_C(1) << x->shift) - 1))
		return 0;
	t = (v >> x->shift) * x->inv;
	if (t > x->lim)
		return 0;
	*q = t;
	return 1;
}

static int store_edge(struct hs_snapshot *s, uint8_t role, const struct exact_div *nfd, uint32_t e,
		      uint64_t v, char *msg, size_t len)
{
	uint64_t to;

	switch (role) {
	case R_TYPE:
		if (v >= HS_NO_TYPE) {
			snprintf(msg, len, "edge %u: type %llu out of range", e, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->edge_type[e] = (uint8_t)v;
		break;
	case R_NAME:
		if (v > UINT32_MAX) {
			snprintf(msg, len, "edge %u: name_or_index %llu exceeds 32 bits", e, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->edge_name[e] = (uint32_t)v;
		break;
	case R_TO:
		if (!exact_div(nfd, v, &to)) {
			snprintf(msg, len, "edge %u: to_node %llu is not a multiple of node_fields (%u)",
				 e, (unsigned long long)v, nfd->d);
			return HS_ERR_FORMAT;
		}
		if (to >= UINT32_MAX) {
			snprintf(msg, len, "edge %u: to_node %llu out of range", e, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->edge_to[e] = (uint32_t)to;
		break;
	default:
		break;
	}
	return 0;
}

static int node_value(struct parser *p, uint64_t v)
{
	struct hs_snapshot *s = p->s;
	uint32_t n = s->node_count;
	char msg[256];
	int st;

	if (p->nfield == 0) {
		if (n >= HS_MAX_NODES)
			return fail(p, HS_ERR_LIMIT, "more than %u nodes", HS_MAX_NODES);
		grow_nodes(p);
	}
	if ((st = store_node(p, p->node_role[p->nfield], n, v, msg, sizeof(msg))))
		return fail(p, st, "%s", msg);
	if (++p->nfield == p->nf) {
		p->nfield = 0;
		s->node_count++;
	}
	return 1;
}

static int edge_value(struct parser *p, uint64_t v)
{
	struct hs_snapshot *s = p->s;
	uint32_t e = s->edge_count;
	char msg[256];
	int st;

	if (p->efield == 0) {
		if (e >= UINT32_MAX - 1)
			return fail(p, HS_ERR_LIMIT, "more than %u edges", UINT32_MAX - 2);
		if (e >= p->edge_alloc) {
			size_t a = p->edge_alloc < 4096 ? 4096 : p->edge_alloc + p->edge_alloc / 2;
			HS_REALLOC_ARRAY(s->edge_type, a);
			HS_REALLOC_ARRAY(s->edge_name, a);
			HS_REALLOC_ARRAY(s->edge_to, a);
			p->edge_alloc = a;
		}
	}
	if ((st = store_edge(s, p->edge_role[p->efield], &p->nfd, e, v, msg, sizeof(msg))))
		return fail(p, st, "%s", msg);
	if (++p->efield == p->ef) {
		p->efield = 0;
		s->edge_count++;
	}
	return 1;
}

static int parse_uint(struct parser *p, const char *t, size_t len, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (len && t[0] == '-')
		return fail(p, HS_ERR_FORMAT, "%s: negative number %.*s where an unsigned integer belongs",
			    section_names[p->sec], (int)(len > 40 ? 40 : len), t);
	for (i = 0; i < len; i++) {
		unsigned d = (unsigned char)t[i] - '0';
		if (d > 9)
			return fail(p, HS_ERR_FORMAT, "%s: %.*s is not an integer",
				    section_names[p->sec], (int)(len > 40 ? 40 : len), t);
		if (v > (UINT64_MAX - d) / 10)
			return fail(p, HS_ERR_FORMAT, "%s: number %.*s exceeds 64 bits",
				    section_names[p->sec], (int)(len > 40 ? 40 : len), t);
		v = v * 10 + d;
	}
	*out = v;
	return 1;
}

/* Closure-scope tables (struct hs_scope_tables): signed integers, kept as written. */
static int scope_value(struct parser *p, const char *t, size_t len)
{
	struct hs_scope_tables *sc = &p->s->scopes;
	int t_i = p->sec - SEC_SCOPES, neg = len && t[0] == '-';
	uint64_t v;

	if (!parse_uint(p, t + neg, len - (size_t)neg, &v))
		return 0;
	if (v > INT64_MAX)
		return fail(p, HS_ERR_FORMAT, "%s: number %.*s exceeds 63 bits", section_names[p->sec],
			    (int)(len > 40 ? 40 : len), t);
	HS_GROW(sc->v[t_i], sc->len[t_i], sc->alloc[t_i]);
	sc->v[t_i][sc->len[t_i]++] = neg ? -(int64_t)v : (int64_t)v;
	return 1;
}

/* ---- header (snapshot.meta) ------------------------------------------- */

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
		return fail(p, HS_ERR_FORMAT, "snapshot.%s is not an unsigned integer", key) - 1;
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
		return fail(p, HS_ERR_FORMAT, "meta.node_types lacks the list of node type names");
	if (!et || et->u.array.len <= (size_t)eto ||
	    !(s->edge_type_names = string_list(et->u.array.values[eto], &s->n_edge_types)))
		return fail(p, HS_ERR_FORMAT, "meta.edge_types lacks the list of edge type names");
	if (s->n_node_types >= HS_NO_TYPE || s->n_edge_types >= HS_NO_TYPE)
		return fail(p, HS_ERR_FORMAT, "meta: too many node or edge types");
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
			return fail(p, HS_ERR_FORMAT, "meta.node_fields lacks \"%s\"", nreq[i]);
	for (i = 0; i < 3; i++)
		if (find_name(s->edge_fields, s->n_edge_fields, ereq[i]) < 0)
			return fail(p, HS_ERR_FORMAT, "meta.edge_fields lacks \"%s\"", ereq[i]);
	p->nf = s->n_node_fields;
	exact_div_init(&p->nfd, p->nf);
	p->ef = s->n_edge_fields;
	if (p->nf > MAX_FIELDS || p->ef > MAX_FIELDS)
		return fail(p, HS_ERR_FORMAT, "meta: more than %d node or edge fields", MAX_FIELDS);
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
		return fail(p, HS_ERR_FORMAT, "meta.location_fields is not a list of names");
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

static int interpret_header(struct parser *p, const char *json, size_t len)
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
		return fail(p, HS_ERR_FORMAT, "snapshot header cannot be read: %s", ebuf);
	}
	/* duplicate keys: the last one counts, as in JSON.parse (DevTools) */
	meta = hs_json_get(root, "meta", yajl_t_object);
	if (!meta) {
		fail(p, HS_ERR_FORMAT, "not a heap snapshot: snapshot.meta is missing");
		goto cleanup;
	}
	s->node_fields = string_list(hs_json_get(meta, "node_fields", yajl_t_any), &s->n_node_fields);
	s->edge_fields = string_list(hs_json_get(meta, "edge_fields", yajl_t_any), &s->n_edge_fields);
	if (!s->node_fields || !s->edge_fields || !s->n_node_fields || !s->n_edge_fields) {
		fail(p, HS_ERR_FORMAT, "meta.node_fields / meta.edge_fields missing or not lists of names");
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
		fail(p, HS_ERR_FORMAT, "snapshot.root_index %llu is not a node offset", (unsigned long long)v);
		goto cleanup;
	}
	s->root = (uint32_t)(v / p->nf);
	p->header_done = 1;
	ok = 1;
cleanup:
	yajl_tree_free(root);
	return ok;
}

static int finish_header(struct parser *p)
{
	const unsigned char *buf;
	size_t len;
	int ok;

	yajl_gen_get_buf(p->gen, &buf, &len);
	ok = interpret_header(p, (const char *)buf, len);
	yajl_gen_free(p->gen);
	p->gen = NULL;
	return ok;
}

static int header_too_big(struct parser *p)
{
	const unsigned char *buf;
	size_t len;

	yajl_gen_get_buf(p->gen, &buf, &len);
	if (len > MAX_HEADER_BYTES)
		return fail(p, HS_ERR_FORMAT, "snapshot header larger than %u MiB", MAX_HEADER_BYTES >> 20);
	return 0;
}

/* ---- yajl callbacks --------------------------------------------------- */

static yajl_alloc_funcs y_funcs;

static int section_scalar(struct parser *p, const char *what)
{
	return fail(p, HS_ERR_FORMAT, "\"%s\" must be an array, found %s",
		    section_names[p->sec], what);
}

static int cb_null(void *ctx)
{
	struct parser *p = ctx;
	if (p->gen) return yajl_gen_null(p->gen) == yajl_gen_status_ok;
	if (p->depth == 0) return fail(p, HS_ERR_FORMAT, "not a heap snapshot: top-level JSON value is not an object");
	if (p->sec == SEC_SKIP || p->sec == SEC_TRACE_TREE) return 1;
	if (p->depth == 1) return section_scalar(p, "null");
	return fail(p, HS_ERR_FORMAT, "%s: null where a value belongs", section_names[p->sec]);
}

static int cb_bool(void *ctx, int b)
{
	struct parser *p = ctx;
	if (p->gen) return yajl_gen_bool(p->gen, b) == yajl_gen_status_ok;
	if (p->depth == 0) return fail(p, HS_ERR_FORMAT, "not a heap snapshot: top-level JSON value is not an object");
	if (p->sec == SEC_SKIP || p->sec == SEC_TRACE_TREE) return 1;
	if (p->depth == 1) return section_scalar(p, "a boolean");
	return fail(p, HS_ERR_FORMAT, "%s: boolean where a value belongs", section_names[p->sec]);
}

static int cb_number(void *ctx, const char *t, size_t len)
{
	struct parser *p = ctx;
	uint64_t v;

	if (p->priming)
		return 1;
	if (p->depth == 2) {
		switch (p->sec) {
		case SEC_NODES:
			if (!parse_uint(p, t, len, &v)) return 0;
			if (p->header_done) return node_value(p, v);
			u64_push(&p->raw_nodes, v);
			return 1;
		case SEC_EDGES:
			if (!parse_uint(p, t, len, &v)) return 0;
			p->edge_values++;
			if (p->header_done) return edge_value(p, v);
			u64_push(&p->raw_edges, v);
			return 1;
		case SEC_LOCATIONS:
			if (!parse_uint(p, t, len, &v)) return 0;
			u64_push(&p->raw_locs, v);
			return 1;
		case SEC_SAMPLES:
			p->s->samples_len++;
			return 1;
		case SEC_TFI:
			p->s->trace_function_infos_len++;
			return 1;
		case SEC_SCOPES:
		case SEC_SCOPE_VARS:
		case SEC_SCOPE_USES:
			return scope_value(p, t, len);
		case SEC_STRINGS:
			return fail(p, HS_ERR_FORMAT, "strings: element %u is a number, not a string", p->s->strings.count);
		default:
			break;
		}
	}
	if (p->gen) {
		if (yajl_gen_number(p->gen, t, len) != yajl_gen_status_ok) return 0;
		return !header_too_big(p);
	}
	if (p->depth == 0) return fail(p, HS_ERR_FORMAT, "not a heap snapshot: top-level JSON value is not an object");
	if (p->sec == SEC_SKIP || p->sec == SEC_TRACE_TREE) return 1;
	if (p->depth == 1) return section_scalar(p, "a number");
	return fail(p, HS_ERR_FORMAT, "%s: nested value where a number belongs", section_names[p->sec]);
}

static int cb_string(void *ctx, const unsigned char *str, size_t len)
{
	struct parser *p = ctx;

	if (p->priming)
		return 1;
	if (p->depth == 2 && p->sec == SEC_STRINGS) {
		if (p->s->strings.count >= UINT32_MAX - 1024)
			return fail(p, HS_ERR_LIMIT, "more than %u strings", UINT32_MAX - 1024);
		hs_strtab_add(&p->s->strings, (const char *)str, len);
		return 1;
	}
	if (p->gen) {
		if (yajl_gen_string(p->gen, str, len) != yajl_gen_status_ok) return 0;
		return !header_too_big(p);
	}
	if (p->depth == 0) return fail(p, HS_ERR_FORMAT, "not a heap snapshot: top-level JSON value is not an object");
	if (p->sec == SEC_SKIP || p->sec == SEC_TRACE_TREE) return 1;
	if (p->depth == 1) return section_scalar(p, "a string");
	return fail(p, HS_ERR_FORMAT, "%s: string where a number belongs", section_names[p->sec]);
}

static enum section section_of(const unsigned char *key, size_t len)
{
	int i;
	for (i = SEC_SNAPSHOT; i < SEC_SKIP; i++)
		if (strlen(section_names[i]) == len && !memcmp(section_names[i], key, len))
			return (enum section)i;
	return SEC_SKIP;
}

static int cb_key(void *ctx, const unsigned char *key, size_t len)
{
	struct parser *p = ctx;

	if (p->priming)
		return 1;
	if (p->gen) {
		if (yajl_gen_string(p->gen, key, len) != yajl_gen_status_ok) return 0;
		return !header_too_big(p);
	}
	if (p->depth == 1) {
		p->sec = section_of(key, len);
		if (p->sec != SEC_SKIP) {
			if (p->seen & (1u << p->sec))
				return fail(p, HS_ERR_FORMAT, "duplicate \"%s\" section", section_names[p->sec]);
			p->seen |= 1u << p->sec;
		}
	}
	return 1;
}

static int open_container(struct parser *p, int is_map)
{
	if (p->priming) {
		p->depth = 1;
		return 1;
	}
	if (p->depth >= MAX_DEPTH)
		return fail(p, HS_ERR_FORMAT, "JSON nested deeper than %d levels", MAX_DEPTH);
	if (p->depth == 0) {
		if (!is_map)
			return fail(p, HS_ERR_FORMAT, "not a heap snapshot: top-level JSON value is not an object");
		p->depth = 1;
		return 1;
	}
	if (p->depth == 1) {
		switch (p->sec) {
		case SEC_SNAPSHOT:
			if (!is_map)
				return fail(p, HS_ERR_FORMAT, "\"snapshot\" must be an object");
			p->gen = yajl_gen_alloc(&y_funcs);
			break;
		case SEC_SKIP:
		case SEC_TRACE_TREE:
			break;
		case SEC_NODES:
		case SEC_EDGES:
		case SEC_LOCATIONS:
			if (is_map)
				return section_scalar(p, "an object");
			memset(&p->fast, 0, sizeof(p->fast));
			p->fast.active = 1;
			p->fast.resume_at = yajl_get_bytes_consumed(p->h);
			return 0; /* the rest is scan_numbers' */
		default:
			if (is_map)
				return section_scalar(p, "an object");
			break;
		}
	} else if (p->depth == 2 && !p->gen && p->sec != SEC_SKIP && p->sec != SEC_TRACE_TREE) {
		return fail(p, HS_ERR_FORMAT, "%s: nested %s where a %s belongs", section_names[p->sec],
			    is_map ? "object" : "array", p->sec == SEC_STRINGS ? "string" : "number");
	}
	if (p->gen) {
		if ((is_map ? yajl_gen_map_open(p->gen) : yajl_gen_array_open(p->gen)) != yajl_gen_status_ok)
			return fail(p, HS_ERR_FORMAT, "snapshot header nested too deeply");
	}
	p->depth++;
	return 1;
}

static int close_container(struct parser *p, int is_map)
{
	p->depth--;
	if (p->gen) {
		if ((is_map ? yajl_gen_map_close(p->gen) : yajl_gen_array_close(p->gen)) != yajl_gen_status_ok)
			return 0;
		if (p->depth == 1)
			return finish_header(p);
	}
	return 1;
}

static int cb_start_map(void *ctx) { return open_container(ctx, 1); }
static int cb_end_map(void *ctx) { return close_container(ctx, 1); }
static int cb_start_array(void *ctx) { return open_container(ctx, 0); }
static int cb_end_array(void *ctx) { return close_container(ctx, 0); }

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end_map, cb_start_array, cb_end_array
};

/* ---- after the document ----------------------------------------------- */

static int replay(struct parser *p)
{
	size_t i;

	for (i = 0; i < p->raw_nodes.nr; i++)
		if (!node_value(p, p->raw_nodes.v[i]))
			return 0;
	for (i = 0; i < p->raw_edges.nr; i++)
		if (!edge_value(p, p->raw_edges.v[i]))
			return 0;
	return 1;
}

/* Appends a non-fatal problem to s->warning ("; " between two). */
static void add_warning(struct hs_snapshot *s, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
static void add_warning(struct hs_snapshot *s, const char *fmt, ...)
{
	size_t used = strlen(s->warning);
	va_list ap;

	if (used + 3 >= sizeof(s->warning))
		return;
	if (used) {
		memcpy(s->warning + used, "; ", 3);
		used += 2;
	}
	va_start(ap, fmt);
	vsnprintf(s->warning + used, sizeof(s->warning) - used, fmt, ap);
	va_end(ap);
}

static int check_nodes(struct parser *p)
{
	struct hs_snapshot *s = p->s;
	uint64_t sum = 0, bytes = s->extra_native_bytes;
	uint32_t i, untyped = 0, first_untyped = 0;

	if (p->nfield)
		return fail(p, HS_ERR_FORMAT, "nodes array length is not a multiple of node_fields (%u)", p->nf);
	if (p->efield)
		return fail(p, HS_ERR_FORMAT, "edges array length is not a multiple of edge_fields (%u)", p->ef);
	if (!s->node_count)
		return fail(p, HS_ERR_FORMAT, "snapshot has no nodes");
	if (s->root >= s->node_count)
		return fail(p, HS_ERR_FORMAT, "snapshot.root_index is beyond the last node");
	s->first_edge[0] = 0;
	for (i = 0; i < s->node_count; i++) {
		/* A type beyond the enum is what 2015-2016 V8 wrote for symbols
		 * (type 12, 12 names); DevTools loads it as type undefined. */
		if (s->node_type[i] >= s->n_node_types && !untyped++)
			first_untyped = i;
		if (s->node_name[i] >= s->strings.count)
			return fail(p, HS_ERR_FORMAT, "node %u: name %u is not a string index (%u strings)",
				    i, s->node_name[i], s->strings.count);
		/* every size the analysis adds up (retained sizes, class and
		 * category totals, diff deltas) is at most this sum: it must
		 * not wrap, nor overflow a signed delta */
		if (__builtin_add_overflow(bytes, s->self_size[i], &bytes) || bytes > INT64_MAX)
			return fail(p, HS_ERR_FORMAT,
				    "node %u: self sizes%s add up to more than 2^63 - 1 bytes", i,
				    s->extra_native_bytes ? " and extra_native_bytes" : "");
		sum += s->first_edge[i + 1];
		if (sum > s->edge_count)
			break;
		s->first_edge[i + 1] = (uint32_t)sum;
	}
	if (i < s->node_count || sum != s->edge_count) {
		/* node i (where the loop broke) is in sum already: add the rest */
		for (i++; i < s->node_count; i++)
			sum += s->first_edge[i + 1];
		return fail(p, HS_ERR_FORMAT, "sum of node edge_count (%llu) != number of edges (%u)",
			    (unsigned long long)sum, s->edge_count);
	}
	if (untyped)
		add_warning(s, "%u node%s of a type beyond meta.node_types (%u names; first: node %u, type %u): "
			    "class (undefined), as in DevTools",
			    untyped, untyped == 1 ? "" : "s", s->n_node_types, first_untyped,
			    s->node_type[first_untyped]);
	return 1;
}

static int check_edges(struct parser *p)
{
	struct hs_snapshot *s = p->s;
	uint32_t e;

	for (e = 0; e < s->edge_count; e++) {
		if (s->edge_type[e] >= s->n_edge_types)
			return fail(p, HS_ERR_FORMAT, "edge %u: type %u is not in meta.edge_types (%u types)",
				    e, s->edge_type[e], s->n_edge_types);
		if (s->edge_to[e] >= s->node_count)
			return fail(p, HS_ERR_FORMAT, "edge %u: to_node %llu is beyond the last node (%u nodes)",
				    e, (unsigned long long)s->edge_to[e] * p->nf, s->node_count);
		if (hs_edge_has_string_name(s, e) && s->edge_name[e] >= s->strings.count)
			return fail(p, HS_ERR_FORMAT, "edge %u: name %u is not a string index (%u strings)",
				    e, s->edge_name[e], s->strings.count);
	}
	return 1;
}

static int loc_cmp(const void *a, const void *b)
{
	const struct hs_location *x = a, *y = b;
	if (x->node != y->node)
		return x->node < y->node ? -1 : 1;
	/* script_id temporarily holds the record number: later records win. */
	return x->script_id < y->script_id ? -1 : x->script_id > y->script_id;
}

static int build_locations(struct parser *p)
{
	struct hs_snapshot *s = p->s;
	size_t n, i, out = 0;
	uint32_t *script;

	if (!p->raw_locs.nr)
		return 1;
	if (p->loc_node < 0 || p->loc_script < 0 || p->loc_line < 0 || p->loc_col < 0 || !p->lf)
		return 1; /* unknown layout: ignore, as DevTools would mis-read it */
	if (p->raw_locs.nr % p->lf)
		return fail(p, HS_ERR_FORMAT, "locations array length is not a multiple of location_fields (%u)", p->lf);
	n = p->raw_locs.nr / p->lf;
	if (n > UINT32_MAX)
		return fail(p, HS_ERR_LIMIT, "too many locations");
	HS_ALLOC_ARRAY(s->locations, n ? n : 1);
	HS_ALLOC_ARRAY(script, n ? n : 1);
	for (i = 0; i < n; i++) {
		const uint64_t *r = p->raw_locs.v + i * p->lf;
		uint64_t off = r[p->loc_node];
		if (off % p->nf || off / p->nf >= s->node_count) {
			free(script);
			return fail(p, HS_ERR_FORMAT, "location %zu: object_index %llu is not a node offset",
				    i, (unsigned long long)off);
		}
		if (r[p->loc_script] > UINT32_MAX || r[p->loc_line] > UINT32_MAX || r[p->loc_col] > UINT32_MAX) {
			free(script);
			return fail(p, HS_ERR_FORMAT, "location %zu: value exceeds 32 bits", i);
		}
		s->locations[i].node = (uint32_t)(off / p->nf);
		s->locations[i].script_id = (uint32_t)i;
		script[i] = (uint32_t)r[p->loc_script];
		s->locations[i].line = (uint32_t)r[p->loc_line];
		s->locations[i].column = (uint32_t)r[p->loc_col];
		s->locations[i].script_node = UINT32_MAX;
		if (p->loc_script_obj >= 0) {
			uint64_t so = r[p->loc_script_obj];
			if (so % p->nf == 0 && so / p->nf < s->node_count)
				s->locations[i].script_node = (uint32_t)(so / p->nf);
		}
	}
	hs_sort(s->locations, n, sizeof(*s->locations), loc_cmp);
	for (i = 0; i < n; i++) {
		struct hs_location l = s->locations[i];
		l.script_id = script[l.script_id];
		if (out && s->locations[out - 1].node == l.node)
			s->locations[out - 1] = l; /* DevTools: the last record wins */
		else
			s->locations[out++] = l;
	}
	free(script);
	s->location_count = (uint32_t)out;
	return 1;
}

static int finish(struct parser *p)
{
	struct hs_snapshot *s = p->s;

	if (!(p->seen & (1u << SEC_SNAPSHOT)))
		return fail(p, HS_ERR_FORMAT, "not a heap snapshot: no \"snapshot\" header");
	if (!(p->seen & (1u << SEC_NODES)))
		return fail(p, HS_ERR_FORMAT, "not a heap snapshot: no \"nodes\" array");
	if (!(p->seen & (1u << SEC_EDGES)))
		return fail(p, HS_ERR_FORMAT, "not a heap snapshot: no \"edges\" array");
	if (!(p->seen & (1u << SEC_STRINGS)))
		return fail(p, HS_ERR_FORMAT, "not a heap snapshot: no \"strings\" array");
	if (!p->header_done)
		return 0;
	s->has_locations = !!(p->seen & (1u << SEC_LOCATIONS));
	s->has_samples = !!(p->seen & (1u << SEC_SAMPLES));
	s->has_trace_tree = !!(p->seen & (1u << SEC_TRACE_TREE));
	s->has_trace_function_infos = !!(p->seen & (1u << SEC_TFI));
	s->scopes.seen = (p->seen >> SEC_SCOPES) & ((1u << HS_SCOPE_TABLES) - 1);
	if (!replay(p) || !check_nodes(p) || !check_edges(p) || !build_locations(p))
		return 0;
	hs_resolve_scripts(s);
	if (s->header_node_count != s->node_count || s->header_edge_count != s->edge_count)
		add_warning(s, "header says %llu nodes and %llu edges, the arrays hold %u and %u",
			 (unsigned long long)s->header_node_count, (unsigned long long)s->header_edge_count,
			 s->node_count, s->edge_count);
	return 1;
}

/* ---- driver ----------------------------------------------------------- */

static void parser_init(struct parser *p, struct hs_snapshot *s, struct hs_error *err)
{
	memset(p, 0, sizeof(*p));
	p->s = s;
	p->err = err;
	p->nf = 1;
	exact_div_init(&p->nfd, 1);
	p->par_fd = -1;
	hs_strtab_init(&s->strings);
	s->t.e_element = s->t.e_hidden = HS_NO_TYPE;
}

static void parser_release(struct parser *p)
{
	if (p->gen)
		yajl_gen_free(p->gen);
	free(p->raw_nodes.v);
	free(p->raw_edges.v);
	free(p->raw_locs.v);
}

static int yajl_failure(struct parser *p, yajl_handle h, const unsigned char *chunk,
			size_t len, int at_end)
{
	unsigned char *msg;
	char clean[160];
	size_t i, j = 0;
	uint64_t at = p->bytes_fed + (at_end ? 0 : yajl_get_bytes_consumed(h));

	if (p->failed)
		return p->err ? p->err->status : HS_ERR_FORMAT;
	msg = yajl_get_error(h, 0, chunk, len);
	for (i = 0; msg && msg[i] && j + 1 < sizeof(clean); i++)
		if (msg[i] != '\n')
			clean[j++] = (char)msg[i];
	clean[j] = '\0';
	if (msg)
		yajl_free_error(h, msg);
	p->failed = 1;
	if (at_end && !strstr(clean, "trailing"))
		return hs_error_set(p->err, HS_ERR_FORMAT,
				    "truncated: the JSON ends early (after %llu bytes; %s)",
				    (unsigned long long)at, clean);
	return hs_error_set(p->err, HS_ERR_FORMAT, "invalid JSON at byte %llu: %s",
			    (unsigned long long)at, clean);
}

/* yajl's memory through hs_xmalloc: out of memory is then the one-line
 * exit 4 of alloc.c (yajl itself does not check every realloc). */
static void *y_malloc(void *ctx, size_t n) { (void)ctx; return hs_xmalloc(n); }
static void *y_realloc(void *ctx, void *q, size_t n) { (void)ctx; return hs_xrealloc(q, n); }
static void y_free(void *ctx, void *q) { (void)ctx; free(q); }
static yajl_alloc_funcs y_funcs = { y_malloc, y_realloc, y_free, NULL };

static yajl_handle new_handle(struct parser *p)
{
	/* never NULL: yajl_alloc fails only when its malloc does, and that exits */
	yajl_handle h = yajl_alloc(&callbacks, &y_funcs, p);
	yajl_config(h, yajl_dont_validate_strings, 1);
	return h;
}

static int emit(struct parser *p, uint64_t v)
{
	if (p->sec == SEC_LOCATIONS) {
		u64_push(&p->raw_locs, v);
		return 1;
	}
	if (p->sec == SEC_EDGES) {
		p->edge_values++;
		if (p->header_done)
			return edge_value(p, v);
		u64_push(&p->raw_edges, v);
		return 1;
	}
	if (p->header_done)
		return node_value(p, v);
	u64_push(&p->raw_nodes, v);
	return 1;
}

static int scan_error(struct parser *p, size_t i, unsigned char c)
{
	const char *sec = section_names[p->sec];
	unsigned long long at = (unsigned long long)(p->bytes_fed + i);

	if (c == '-')
		return fail(p, HS_ERR_FORMAT, "%s: negative number at byte %llu where an unsigned integer belongs", sec, at);
	if (c == '.' || c == 'e' || c == 'E')
		return fail(p, HS_ERR_FORMAT, "%s: number at byte %llu is not an integer", sec, at);
	if (c == '[' || c == '{')
		return fail(p, HS_ERR_FORMAT, "%s: nested %s at byte %llu where a number belongs", sec,
			    c == '[' ? "array" : "object", at);
	if (c == '"')
		return fail(p, HS_ERR_FORMAT, "%s: string at byte %llu where a number belongs", sec, at);
	return fail(p, HS_ERR_FORMAT, "invalid JSON at byte %llu: unexpected character in the \"%s\" array", at, sec);
}

/* Scans array text; returns the bytes used (all of b while the array goes
 * on, up to and including ']' when it ends) or -1 on error. */
static long scan_numbers(struct parser *p, const unsigned char *b, size_t len)
{
	struct fast *f = &p->fast;
	size_t i = 0;

	while (i < len) {
		unsigned c = b[i];
		if (f->state == F_NUM) {
			uint64_t v = f->v;
			while (i < len && (c = b[i]) - '0' <= 9u) {
				unsigned d = c - '0';
				if (f->lead_zero) {
					fail(p, HS_ERR_FORMAT, "invalid JSON at byte %llu: number with a leading zero",
					     (unsigned long long)(p->bytes_fed + i));
					return -1;
				}
				if (v > (UINT64_MAX - d) / 10) {
					fail(p, HS_ERR_FORMAT, "%s: number at byte %llu exceeds 64 bits",
					     section_names[p->sec], (unsigned long long)(p->bytes_fed + i));
					return -1;
				}
				v = v * 10 + d;
				i++;
			}
			f->v = v;
			if (i == len)
				break;
			if (!emit(p, v))
				return -1;
			f->state = F_VALUE;
		}
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t') {
			i++;
		} else if (c - '0' <= 9u && f->state != F_VALUE) {
			f->state = F_NUM;
			f->v = c - '0';
			f->lead_zero = c == '0';
			i++;
		} else if (c == ',' && f->state == F_VALUE) {
			f->state = F_COMMA;
			i++;
		} else if (c == ']' && f->state != F_COMMA) {
			f->active = 0;
			return (long)(i + 1);
		} else {
			scan_error(p, i, (unsigned char)c);
			return -1;
		}
	}
	return (long)len;
}

/* ---- parallel scan of the numeric arrays (plain files) --------------------
 *
 * For a regular uncompressed file the "nodes" and "edges" arrays are read
 * with pread by several threads: the array's end is the first ']' after its
 * '[' (only digits, commas and white space may lie between, which the
 * decoder checks); the span is cut into pieces just after a comma; pass one
 * counts the commas of each piece (so every piece knows the index of its
 * first value), the arrays are allocated exactly, and pass two decodes each
 * piece straight into them.  Every thread checks what the sequential scanner
 * checks; the first error in file order is reported.  The stream then
 * resumes after the ']' (the caller seeks there). */

#define PREAD_CHUNK (1u << 20)
#define MAX_JOBS 64
#define CHANGED "the file changed while being read"

/* Test hook: called with the file descriptor between pass one and pass two
 * (tests/robust/test_hostile.c rewrites the file there). */
void (*hs_load_between_passes)(int fd);

struct piece {
	struct parser *p;
	int fd, last;
	uint64_t begin, end;     /* file offsets [begin, end) */
	uint64_t first, commas;  /* index of its first value; commas in it */
	uint64_t next;           /* pass two: index after its last value */
	uint32_t width, rec, field; /* decoding: fields per record, position */
	int status;
	uint64_t err_at;
	char msg[256];
	unsigned char *buf;
};

static int piece_fail(struct piece *pc, uint64_t at, int status, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
static int piece_fail(struct piece *pc, uint64_t at, int status, const char *fmt, ...)
{
	va_list ap;
	if (pc->status)
		return -1;
	pc->status = status;
	pc->err_at = at;
	va_start(ap, fmt);
	vsnprintf(pc->msg, sizeof(pc->msg), fmt, ap);
	va_end(ap);
	return -1;
}

static void *count_piece(void *arg)
{
	struct piece *pc = arg;
	uint64_t off = pc->begin;

	while (off < pc->end) {
		size_t want = pc->end - off < PREAD_CHUNK ? (size_t)(pc->end - off) : PREAD_CHUNK, i;
		long r = hs_pread_full(pc->fd, pc->buf, want, off);
		if (r != (long)want) {
			if (r < 0)
				piece_fail(pc, off, HS_ERR_IO, "read failed at byte %llu: %s", (unsigned long long)off, strerror(errno));
			else
				piece_fail(pc, off, HS_ERR_FORMAT, CHANGED " (it ends before byte %llu now)",
					   (unsigned long long)(off + want));
			return NULL;
		}
		/* a local counter and buffer: a store through pc would alias the
		 * bytes (unsigned char) and keep the loop from being vectorised */
		{
			const unsigned char *buf = pc->buf;
			uint64_t commas = 0;
			for (i = 0; i < want; i++)
				commas += buf[i] == ',';
			pc->commas += commas;
		}
		off += want;
	}
	return NULL;
}

/* Stores the piece's next value (number g of the array, field pc->field of
 * record pc->rec: counted as it goes, no division per value). */
static inline int piece_store(struct piece *pc, uint64_t g, uint64_t v)
{
	struct parser *p = pc->p;
	int st;

	if (g >= p->par_values) { /* pass one counted fewer: never write past */
		snprintf(pc->msg, sizeof(pc->msg), CHANGED " (the \"%s\" array holds more values than a moment ago)",
			 section_names[p->sec]);
		pc->status = HS_ERR_FORMAT;
		return -1;
	}
	if (p->sec == SEC_LOCATIONS) {
		p->raw_locs.v[g] = v; /* checked and converted by build_locations */
		return 0;
	}
	if (p->sec == SEC_EDGES)
		st = store_edge(p->s, p->edge_role[pc->field], &p->nfd, pc->rec, v, pc->msg, sizeof(pc->msg));
	else
		st = store_node(p, p->node_role[pc->field], pc->rec, v, pc->msg, sizeof(pc->msg));
	if (st) {
		pc->status = st;
		return -1;
	}
	if (++pc->field == pc->width) {
		pc->field = 0;
		pc->rec++;
	}
	return 0;
}

/* SWAR number parsing (8 bytes per step; "Faster integer parsing",
 * Kholdstare 2020 / Lemire).  Bytes are in file order in a little-endian
 * word: the first character is the lowest byte. */
#define SW_ONES UINT64_C(0x0101010101010101)

/* How many leading bytes of x are ASCII digits (0-8). */
static inline unsigned swar_digits(uint64_t x)
{
	uint64_t hi = (x & (SW_ONES * 0xF0)) ^ (SW_ONES * 0x30);  /* 0 where the high nibble is 3 */
	uint64_t lo = ((x & (SW_ONES * 0x0F)) + SW_ONES * 0x06) & (SW_ONES * 0xF0); /* 0 where the low nibble <= 9 */
	uint64_t nd = hi | lo;                                     /* a byte is 0 iff it is a digit */
	uint64_t nz = (((nd & (SW_ONES * 0x7F)) + SW_ONES * 0x7F) | nd) & (SW_ONES * 0x80);

	return nz ? (unsigned)__builtin_ctzll(nz) >> 3 : 8;
}

/* The value of the first n (1-8) digit bytes of x. */
static inline uint64_t swar_value(uint64_t x, unsigned n)
{
	uint64_t y = (x - SW_ONES * 0x30) << (8 * (8 - n)); /* leading zeros in front */

	y = ((y & (SW_ONES * 0x0F)) * 2561) >> 8;
	y = ((y & UINT64_C(0x00FF00FF00FF00FF)) * 6553601) >> 16;
	y = ((y & UINT64_C(0x0000FFFF0000FFFF)) * UINT64_C(42949672960001)) >> 32;
	return y & 0xffffffffu;
}

/* The common case of a numeric array: 1 to 15 digits, no leading zero,
 * then ','.  p[0..15] must be readable.  Returns the digits (0: not that
 * case; the byte loop takes it, errors included) with *v their value. */
static inline unsigned swar_number(const unsigned char *p, uint64_t *v)
{
	static const uint64_t pow10[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
	uint64_t a, b;
	unsigned n, m;

	memcpy(&a, p, 8);
	n = swar_digits(a);
	if (n == 0 || (n > 1 && p[0] == '0'))
		return 0;
	if (n < 8) {
		if (p[n] != ',')
			return 0;
		*v = swar_value(a, n);
		return n;
	}
	memcpy(&b, p + 8, 8);
	m = swar_digits(b);
	if (m == 8 || p[8 + m] != ',')
		return 0;
	*v = swar_value(a, 8) * pow10[m] + (m ? swar_value(b, m) : 0);
	return 8 + m;
}

static void *decode_piece(void *arg)
{
	struct piece *pc = arg;
	uint64_t off = pc->begin, g = pc->first, v = 0;
	enum fast_state state = pc->first == 0 && pc->begin == pc->p->par_begin ? F_OPEN : F_COMMA;
	int lead_zero = 0;
	unsigned ndig = 0; /* digits of the number being read */
	const char *sec = section_names[pc->p->sec];
	const unsigned char *buf = pc->buf;

	pc->width = pc->p->sec == SEC_EDGES ? pc->p->ef : pc->p->sec == SEC_NODES ? pc->p->nf : 1;
	pc->rec = (uint32_t)(g / pc->width);
	pc->field = (uint32_t)(g % pc->width);
	while (off < pc->end) {
		size_t want = pc->end - off < PREAD_CHUNK ? (size_t)(pc->end - off) : PREAD_CHUNK, i;
		long r = hs_pread_full(pc->fd, pc->buf, want, off);
		if (r != (long)want) {
			if (r < 0)
				piece_fail(pc, off, HS_ERR_IO, "read failed at byte %llu: %s", (unsigned long long)off, strerror(errno));
			else
				piece_fail(pc, off, HS_ERR_FORMAT, CHANGED " (it ends before byte %llu now)",
					   (unsigned long long)(off + want));
			return NULL;
		}
		for (i = 0; i < want; i++) {
			unsigned c, d;
			if ((state == F_COMMA || state == F_OPEN) && want - i >= 16) {
				uint64_t sv;
				unsigned n = swar_number(buf + i, &sv);
				if (n) { /* the number and its ',' */
					if (piece_store(pc, g++, sv) < 0) {
						pc->err_at = off + i + n;
						return NULL;
					}
					i += n; /* at the ','; the loop steps past it */
					state = F_COMMA;
					continue;
				}
			}
			c = buf[i];
			d = c - '0';
			if (d <= 9u) {
				if (state == F_VALUE) {
					piece_fail(pc, off + i, HS_ERR_FORMAT, "invalid JSON at byte %llu: a ',' is missing between numbers", (unsigned long long)(off + i));
					return NULL;
				}
				size_t j; /* the next digit to add */
				if (state != F_NUM) {
					state = F_NUM;
					v = d;
					lead_zero = d == 0;
					ndig = 1;
					j = i + 1;
				} else {
					j = i; /* a number continued from the last chunk */
				}
				/* the rest of the number's digits in this chunk */
				for (; j < want && (d = buf[j] - '0') <= 9u; j++) {
					uint64_t at = off + j;
					if (lead_zero) {
						piece_fail(pc, at, HS_ERR_FORMAT, "invalid JSON at byte %llu: number with a leading zero", (unsigned long long)at);
						return NULL;
					}
					/* up to 19 digits always fit in 64 bits */
					if (++ndig >= 20 && v > (UINT64_MAX - d) / 10) {
						piece_fail(pc, at, HS_ERR_FORMAT, "%s: number at byte %llu exceeds 64 bits", sec, (unsigned long long)at);
						return NULL;
					}
					v = v * 10 + d;
				}
				i = j - 1; /* j > i: at least this digit was taken */
				continue;
			}
			if (state == F_NUM) {
				if (piece_store(pc, g++, v) < 0) {
					pc->err_at = off + i;
					return NULL;
				}
				state = F_VALUE;
			}
			if (c == ',' && state == F_VALUE) {
				state = F_COMMA;
				continue;
			}
			if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
				continue;
			{
				uint64_t at = off + i;
				if (c == '-')
					piece_fail(pc, at, HS_ERR_FORMAT, "%s: negative number at byte %llu where an unsigned integer belongs", sec, (unsigned long long)at);
				else if (c == '.' || c == 'e' || c == 'E')
					piece_fail(pc, at, HS_ERR_FORMAT, "%s: number at byte %llu is not an integer", sec, (unsigned long long)at);
				else if (c == '[' || c == '{')
					piece_fail(pc, at, HS_ERR_FORMAT, "%s: nested %s at byte %llu where a number belongs", sec, c == '[' ? "array" : "object", (unsigned long long)at);
				else if (c == '"')
					piece_fail(pc, at, HS_ERR_FORMAT, "%s: string at byte %llu where a number belongs", sec, (unsigned long long)at);
				else
					piece_fail(pc, at, HS_ERR_FORMAT, "invalid JSON at byte %llu: unexpected character in the \"%s\" array", (unsigned long long)at, sec);
			}
			return NULL;
		}
		off += want;
	}
	if (state == F_NUM && piece_store(pc, g++, v) < 0) {
		pc->err_at = pc->end;
		return NULL;
	}
	pc->next = g;
	if (pc->last ? state == F_COMMA : state != F_COMMA)
		piece_fail(pc, pc->end, HS_ERR_FORMAT, "invalid JSON at byte %llu: %s", (unsigned long long)pc->end,
			   pc->last ? "a ',' before ']'" : "unexpected end of a number list");
	return NULL;
}

static int all_space(int fd, uint64_t off, uint64_t end, unsigned char *buf)
{
	while (off < end) {
		size_t want = end - off < PREAD_CHUNK ? (size_t)(end - off) : PREAD_CHUNK, i;
		long r = hs_pread_full(fd, buf, want, off);
		if (r <= 0)
			return 0;
		for (i = 0; i < (size_t)r; i++)
			if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t')
				return 0;
		off += (uint64_t)r;
	}
	return 1;
}

/* Runs fn over the pieces, one thread each (the first on this thread). */
static void run_pieces(struct piece *pc, int n, void *(*fn)(void *))
{
	pthread_t th[MAX_JOBS];
	int started[MAX_JOBS] = { 0 }, i;

	for (i = 1; i < n; i++)
		started[i] = pthread_create(&th[i], NULL, fn, &pc[i]) == 0;
	fn(&pc[0]);
	for (i = 1; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			fn(&pc[i]); /* could not start a thread: do it here */
	}
}

/* Offset of the first `c` at or after `off` before `limit`, or UINT64_MAX. */
static uint64_t find_byte(int fd, uint64_t off, uint64_t limit, int c, unsigned char *buf)
{
	while (off < limit) {
		size_t want = limit - off < PREAD_CHUNK ? (size_t)(limit - off) : PREAD_CHUNK;
		long r = hs_pread_full(fd, buf, want, off);
		unsigned char *hit;
		if (r <= 0)
			return UINT64_MAX;
		if ((hit = memchr(buf, c, (size_t)r)) != NULL)
			return off + (uint64_t)(hit - buf);
		off += (uint64_t)r;
	}
	return UINT64_MAX;
}

static int alloc_exact(struct parser *p, uint64_t values)
{
	struct hs_snapshot *s = p->s;
	uint64_t recs;

	if (p->sec == SEC_LOCATIONS) { /* raw values, as the sequential path keeps them */
		free(p->raw_locs.v);
		HS_ALLOC_ARRAY(p->raw_locs.v, values ? values : 1);
		p->raw_locs.nr = p->raw_locs.alloc = (size_t)values;
		return 1;
	}
	if (p->sec == SEC_EDGES) {
		if (values % p->ef)
			return fail(p, HS_ERR_FORMAT, "edges array length is not a multiple of edge_fields (%u)", p->ef);
		recs = values / p->ef;
		if (recs >= UINT32_MAX - 1)
			return fail(p, HS_ERR_LIMIT, "more than %u edges", UINT32_MAX - 2);
		HS_ALLOC_ARRAY(s->edge_type, recs + 1);
		HS_ALLOC_ARRAY(s->edge_name, recs + 1);
		HS_ALLOC_ARRAY(s->edge_to, recs + 1);
		p->edge_alloc = recs + 1;
		s->edge_count = (uint32_t)recs;
		p->edge_values = values;
		return 1;
	}
	if (values % p->nf)
		return fail(p, HS_ERR_FORMAT, "nodes array length is not a multiple of node_fields (%u)", p->nf);
	recs = values / p->nf;
	if (recs >= HS_MAX_NODES)
		return fail(p, HS_ERR_LIMIT, "more than %u nodes", HS_MAX_NODES);
	HS_ALLOC_ARRAY(s->node_type, recs + 1);
	HS_ALLOC_ARRAY(s->node_name, recs + 1);
	HS_ALLOC_ARRAY(s->node_id, recs + 1);
	HS_ALLOC_ARRAY(s->self_size, recs + 1);
	HS_CALLOC_ARRAY(s->first_edge, recs + 2);
	if (s->detachedness) {
		free(s->detachedness);
		HS_CALLOC_ARRAY(s->detachedness, recs + 1);
	}
	p->node_alloc = recs + 1;
	s->node_count = (uint32_t)recs;
	return 1;
}

/* Scans the array whose '[' ends at file offset `begin`; on success returns
 * 1 with p->bytes_fed just past its ']'. */
static int parallel_array(struct parser *p, uint64_t begin)
{
	struct piece pc[MAX_JOBS];
	unsigned char *probe = hs_xmalloc(PREAD_CHUNK);
	uint64_t end = find_byte(p->par_fd, begin, p->par_size, ']', probe), len, total = 0;
	int n = p->jobs, i, ok = 1;

	if (end == UINT64_MAX) {
		free(probe);
		return fail(p, HS_ERR_FORMAT, "truncated: the JSON ends inside the \"%s\" array (after %llu bytes)",
			    section_names[p->sec], (unsigned long long)p->par_size);
	}
	len = end - begin;
	if ((uint64_t)n > len / 65536 + 1)
		n = (int)(len / 65536 + 1);
	memset(pc, 0, sizeof(pc));
	p->par_begin = begin;
	/* piece i starts just after the first comma at or after its share */
	pc[0].begin = begin;
	for (i = 1; i < n; i++) {
		uint64_t c = find_byte(p->par_fd, begin + len * (uint64_t)i / (uint64_t)n, end, ',', probe);
		if (c == UINT64_MAX) {
			/* no comma after this share (white space before the ']'): the
			 * piece before runs to the end and is the last one */
			n = i;
			break;
		}
		pc[i].begin = c + 1;
		if (pc[i].begin < pc[i - 1].begin)
			pc[i].begin = pc[i - 1].begin;
	}
	free(probe);
	for (i = 0; i < n; i++) {
		pc[i].p = p;
		pc[i].fd = p->par_fd;
		pc[i].end = i + 1 < n ? pc[i + 1].begin : end;
		pc[i].last = i + 1 == n;
		pc[i].buf = hs_xmalloc(PREAD_CHUNK);
	}
	run_pieces(pc, n, count_piece);
	for (i = 0; i < n; i++) {
		if (pc[i].status) {
			ok = fail(p, pc[i].status, "%s", pc[i].msg);
			goto out;
		}
		pc[i].first = total;
		total += pc[i].commas;
	}
	/* one value more than commas, unless the array is only white space */
	if (total || !all_space(p->par_fd, begin, end, pc[0].buf))
		total++;
	p->par_values = total;
	if (!(ok = alloc_exact(p, total)))
		goto out;
	if (hs_load_between_passes)
		hs_load_between_passes(p->par_fd);
	run_pieces(pc, n, decode_piece);
	for (i = 0; i < n; i++) {
		if (pc[i].status) {
			ok = fail(p, pc[i].status, "%s", pc[i].msg);
			goto out;
		}
		/* each piece must hold what pass one counted in it, or the arrays
		 * keep values never written */
		if (pc[i].next != (i + 1 < n ? pc[i + 1].first : total)) {
			ok = fail(p, HS_ERR_FORMAT, CHANGED " (the \"%s\" array holds other values than a moment ago)",
				  section_names[p->sec]);
			goto out;
		}
	}
	/* and the array still ends where it did */
	{
		unsigned char c = 0;
		if (hs_pread_full(p->par_fd, &c, 1, end) != 1 || c != ']') {
			ok = fail(p, HS_ERR_FORMAT, CHANGED " (the \"%s\" array ends elsewhere)", section_names[p->sec]);
			goto out;
		}
	}
	p->bytes_fed = end + 1;
out:
	for (i = 0; i < n; i++)
		free(pc[i].buf);
	return ok;
}

/* After a fast-scanned array: a new handle, primed to be inside the
 * top-level object, parses the rest of the document. */
static void resume_yajl(struct parser *p)
{
	/* a string: complete without lookahead, unlike a number */
	static const unsigned char primer[] = "{\"\":\"\"";

	yajl_free(p->h);
	p->h = new_handle(p);
	p->priming = 1;
	yajl_parse(p->h, primer, sizeof(primer) - 1);
	p->priming = 0;
	p->depth = 1;
}

/* Follows string boundaries in text yajl has consumed; fails on a string
 * longer than MAX_STRING_BYTES or a number longer than MAX_NUMBER_CHARS
 * (see there). */
static int track_strings(struct parser *p, const unsigned char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = b[i];
		if (!p->in_str) {
			if ((unsigned)(c - '0') <= 9u || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
				if (p->num_len++ == 0)
					p->num_start = p->bytes_fed + i;
				if (p->num_len > MAX_NUMBER_CHARS)
					return fail(p, HS_ERR_FORMAT, "the number at byte %llu is longer than %d characters",
						    (unsigned long long)p->num_start, MAX_NUMBER_CHARS);
				continue;
			}
			p->num_len = 0;
			if (c == '"') {
				p->in_str = 1;
				p->str_start = p->bytes_fed + i;
			}
		} else if (p->in_esc) {
			p->in_esc = 0;
		} else if (c == '\\') {
			p->in_esc = 1;
		} else if (c == '"') {
			p->in_str = 0;
		}
	}
	if (p->in_str && p->bytes_fed + len - p->str_start > MAX_STRING_BYTES)
		return fail(p, HS_ERR_LIMIT, "a string starting at byte %llu is longer than %u MiB",
			    (unsigned long long)p->str_start, MAX_STRING_BYTES >> 20);
	return 1;
}

static int feed(struct parser *p, const unsigned char *buf, size_t len)
{
	while (len) {
		yajl_status st;
		if (p->fast.active) {
			long used = scan_numbers(p, buf, len);
			if (used < 0)
				return p->err ? p->err->status : HS_ERR_FORMAT;
			buf += used;
			len -= (size_t)used;
			p->bytes_fed += (uint64_t)used;
			if (!p->fast.active)
				resume_yajl(p);
			continue;
		}
		st = yajl_parse(p->h, buf, len);
		if (st == yajl_status_client_canceled && p->fast.active && !p->failed) {
			size_t off = p->fast.resume_at;
			if (!track_strings(p, buf, off))
				return p->err ? p->err->status : HS_ERR_LIMIT;
			buf += off;
			len -= off;
			p->bytes_fed += off;
			if (p->par_fd >= 0 && p->jobs > 1 && p->header_done &&
			    p->par_size - p->bytes_fed >= p->par_min) {
				if (!parallel_array(p, p->bytes_fed))
					return p->err ? p->err->status : HS_ERR_FORMAT;
				p->fast.active = 0;
				resume_yajl(p);
				return 1; /* the caller reads on from p->bytes_fed */
			}
			continue;
		}
		if (st != yajl_status_ok)
			return yajl_failure(p, p->h, buf, len, 0);
		if (!track_strings(p, buf, len))
			return p->err ? p->err->status : HS_ERR_LIMIT;
		p->bytes_fed += len;
		len = 0;
	}
	return 0;
}

static int complete(struct parser *p)
{
	if (p->bytes_fed == 0)
		return hs_error_set(p->err, HS_ERR_FORMAT, "empty file");
	if (p->fast.active)
		return hs_error_set(p->err, HS_ERR_FORMAT,
				    "truncated: the JSON ends inside the \"%s\" array (after %llu bytes)",
				    section_names[p->sec], (unsigned long long)p->bytes_fed);
	if (yajl_complete_parse(p->h) != yajl_status_ok)
		return yajl_failure(p, p->h, NULL, 0, 1);
	if (!finish(p))
		return p->err ? p->err->status : HS_ERR_FORMAT;
	return 0;
}

static struct hs_snapshot *snapshot_new(const char *name)
{
	struct hs_snapshot *s = hs_xcalloc(1, sizeof(*s));
	size_t l = strlen(name);

	s->file = hs_xmalloc(l + 1);
	memcpy(s->file, name, l + 1);
	return s;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

int hs_snapshot_load_input(struct hs_input *in, const char *name, const struct hs_load_opts *opts,
			   struct hs_snapshot **out, struct hs_error *err)
{
	struct hs_snapshot *s;
	struct parser p;
	struct hs_error local;
	unsigned char *buf;
	double last = now();
	int rc;

	if (!err)
		err = &local;
	*out = NULL;
	if (opts && opts->max_input && (rc = hs_input_set_limit(in, opts->max_input, err)) < 0)
		return rc;
	s = snapshot_new(name);
	s->gzipped = hs_input_is_gzip(in);
	parser_init(&p, s, err);
	p.h = new_handle(&p);
	p.par_fd = hs_input_fd(in);
	p.par_size = hs_input_disk_size(in);
	p.jobs = opts && opts->jobs > 0 ? opts->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (p.jobs > MAX_JOBS)
		p.jobs = MAX_JOBS;
	p.par_min = opts && opts->parallel_min ? opts->parallel_min : (4u << 20);
	buf = hs_xmalloc(CHUNK);
	for (;;) {
		/* whole chunks from pipes too (they give 64 KiB per read): yajl
		 * re-lexes a token split across chunks from its start */
		long r = hs_input_read_full(in, buf, CHUNK, err);
		if (r < 0) {
			rc = (int)r;
			break;
		}
		if (r == 0) {
			rc = complete(&p);
			break;
		}
		if ((rc = feed(&p, buf, (size_t)r)) < 0)
			break;
		if (rc == 1 && (rc = hs_input_seek(in, p.bytes_fed, err)) < 0)
			break;
		if (opts && opts->progress && now() - last > 0.5) {
			last = now();
			opts->progress(opts->progress_ctx, hs_input_disk_pos(in), hs_input_disk_size(in),
				       p.bytes_fed);
		}
	}
	s->file_bytes = p.bytes_fed;
	free(buf);
	yajl_free(p.h);
	parser_release(&p);
	if (rc < 0) {
		hs_snapshot_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int hs_snapshot_load(const char *path, const struct hs_load_opts *opts,
		     struct hs_snapshot **out, struct hs_error *err)
{
	struct hs_input *in = NULL;
	int rc;

	*out = NULL;
	if ((rc = hs_input_open(path, &in, err)) < 0)
		return rc;
	rc = hs_snapshot_load_input(in, path, opts, out, err);
	hs_input_close(in);
	return rc;
}

int hs_snapshot_load_mem(const char *name, const void *buf, size_t len, size_t chunk,
			 struct hs_snapshot **out, struct hs_error *err)
{
	struct hs_snapshot *s = snapshot_new(name);
	struct parser p;
	struct hs_error local;
	size_t off = 0;
	int rc = 0;

	if (!err)
		err = &local;
	*out = NULL;
	parser_init(&p, s, err);
	p.h = new_handle(&p);
	if (!chunk)
		chunk = len ? len : 1;
	while (off < len && rc == 0) {
		size_t n = len - off < chunk ? len - off : chunk;
		rc = feed(&p, (const unsigned char *)buf + off, n);
		off += n;
	}
	if (rc == 0)
		rc = complete(&p);
	s->file_bytes = p.bytes_fed;
	yajl_free(p.h);
	parser_release(&p);
	if (rc < 0) {
		hs_snapshot_free(s);
		return rc;
	}
	*out = s;
	return 0;
}
