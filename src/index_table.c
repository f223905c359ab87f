/* The index's section table (src/index_internal.h): one row per section,
 * with its range check, and the blobs (metadata, analysis scalars,
 * interface definitions) that the table's IXW_BLOB rows encode. */
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/paths.h"
#include "index_internal.h"
#include "alloc.h"

_Static_assert(sizeof(struct ix_header) == 128, "index header layout");
_Static_assert(sizeof(struct ix_section) == 32, "index section layout");
_Static_assert(sizeof(struct hs_location) == 20, "hs_location layout");
_Static_assert(sizeof(struct hs_class) == 32, "hs_class layout");

/* ---- blobs ------------------------------------------------------------------ */

void ix_put_bytes(struct blob *b, const void *p, size_t n)
{
	while (b->len + n > b->alloc) {
		b->alloc = b->alloc ? b->alloc * 2 : 256;
		b->p = hs_xrealloc(b->p, b->alloc);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}

void ix_put_u64(struct blob *b, uint64_t v) { ix_put_bytes(b, &v, sizeof(v)); }

void ix_put_str(struct blob *b, const char *s)
{
	size_t n = strlen(s);
	ix_put_u64(b, n);
	ix_put_bytes(b, s, n);
}

static void put_list(struct blob *b, char **l, uint32_t n)
{
	uint32_t i;
	ix_put_u64(b, n);
	for (i = 0; i < n; i++)
		ix_put_str(b, l[i]);
}

uint64_t ix_get_u64(struct reader *r)
{
	uint64_t v = 0;
	if (r->bad || (size_t)(r->end - r->p) < sizeof(v)) {
		r->bad = 1;
		return 0;
	}
	memcpy(&v, r->p, sizeof(v));
	r->p += sizeof(v);
	return v;
}

uint32_t ix_get_count(struct reader *r, uint64_t max)
{
	uint64_t v = ix_get_u64(r);
	if (v > max || v > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return 0;
	}
	return (uint32_t)v;
}

char *ix_get_str(struct reader *r)
{
	uint64_t n = ix_get_u64(r);
	char *s;
	if (r->bad || n > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return NULL;
	}
	s = hs_xmalloc((size_t)n + 1);
	memcpy(s, r->p, (size_t)n);
	s[n] = '\0';
	r->p += n;
	return s;
}

static char **get_list(struct reader *r, uint32_t *n)
{
	char **l;
	uint32_t i;
	*n = ix_get_count(r, 65535);
	HS_CALLOC_ARRAY(l, *n ? *n : 1);
	for (i = 0; i < *n && !r->bad; i++)
		l[i] = ix_get_str(r);
	return l;
}

void ix_free_names(char **l, uint32_t n)
{
	uint32_t i;
	if (l)
		for (i = 0; i < n; i++)
			free(l[i]);
	free(l);
}

static void encode_meta(struct blob *b, const struct hs_snapshot *s, const struct hs_analysis *a)
{
	const uint8_t *t = (const uint8_t *)&s->t;
	size_t i;

	(void)a;
	ix_put_u64(b, s->file_bytes);
	ix_put_u64(b, (uint64_t)s->gzipped);
	ix_put_u64(b, s->header_node_count);
	ix_put_u64(b, s->header_edge_count);
	ix_put_u64(b, s->root);
	put_list(b, s->node_type_names, s->n_node_types);
	put_list(b, s->edge_type_names, s->n_edge_types);
	put_list(b, s->node_fields, s->n_node_fields);
	put_list(b, s->edge_fields, s->n_edge_fields);
	ix_put_u64(b, sizeof(s->t));
	for (i = 0; i < sizeof(s->t); i++)
		ix_put_u64(b, t[i]);
	ix_put_u64(b, s->extra_native_bytes);
	ix_put_u64(b, s->trace_function_count);
	ix_put_u64(b, s->samples_len);
	ix_put_u64(b, s->trace_function_infos_len);
	ix_put_u64(b, (uint64_t)s->has_trace_node_id | (uint64_t)s->has_locations << 1 |
		   (uint64_t)s->has_samples << 2 | (uint64_t)s->has_trace_tree << 3 |
		   (uint64_t)s->has_trace_function_infos << 4);
	ix_put_str(b, s->warning);
}

int ix_decode_meta(struct hs_snapshot *s, const unsigned char *p, uint64_t len)
{
	struct reader r = { p, p + len, 0 };
	uint8_t *t = (uint8_t *)&s->t;
	uint64_t flags;
	char *w;
	size_t i;

	s->file_bytes = ix_get_u64(&r);
	s->gzipped = ix_get_u64(&r) != 0;
	s->header_node_count = ix_get_u64(&r);
	s->header_edge_count = ix_get_u64(&r);
	s->root = (uint32_t)ix_get_u64(&r);
	s->node_type_names = get_list(&r, &s->n_node_types);
	s->edge_type_names = get_list(&r, &s->n_edge_types);
	s->node_fields = get_list(&r, &s->n_node_fields);
	s->edge_fields = get_list(&r, &s->n_edge_fields);
	if (ix_get_u64(&r) != sizeof(s->t))
		return 0;
	for (i = 0; i < sizeof(s->t); i++) {
		uint64_t v = ix_get_u64(&r);
		uint32_t lim = i < offsetof(struct hs_types, e_context) ? s->n_node_types : s->n_edge_types;
		if (v >= lim && v != HS_NO_TYPE)
			return 0;
		t[i] = (uint8_t)v;
	}
	s->extra_native_bytes = ix_get_u64(&r);
	s->trace_function_count = ix_get_u64(&r);
	s->samples_len = ix_get_u64(&r);
	s->trace_function_infos_len = ix_get_u64(&r);
	flags = ix_get_u64(&r);
	s->has_trace_node_id = flags & 1;
	s->has_locations = (flags >> 1) & 1;
	s->has_samples = (flags >> 2) & 1;
	s->has_trace_tree = (flags >> 3) & 1;
	s->has_trace_function_infos = (flags >> 4) & 1;
	w = ix_get_str(&r);
	if (w) {
		snprintf(s->warning, sizeof(s->warning), "%s", w);
		free(w);
	}
	return !r.bad && r.p == r.end;
}

static void encode_analysis(struct blob *b, const struct hs_snapshot *s, const struct hs_analysis *a)
{
	const struct hs_statistics *st = &a->stats;
	(void)s;
	ix_put_u64(b, st->total);
	ix_put_u64(b, st->v8_heap);
	ix_put_u64(b, st->native);
	ix_put_u64(b, st->code);
	ix_put_u64(b, st->strings);
	ix_put_u64(b, st->js_arrays);
	ix_put_u64(b, st->typed_arrays);
	ix_put_u64(b, st->system);
	ix_put_u64(b, a->graph.user_roots);
	ix_put_u64(b, a->dom.unreachable);
	ix_put_u64(b, a->classes.n_interfaces);
}

void ix_decode_analysis(struct hs_analysis *a, const unsigned char *p, uint64_t len)
{
	struct reader r = { p, p + len, 0 };
	struct hs_statistics *st = &a->stats;

	st->total = ix_get_u64(&r);
	st->v8_heap = ix_get_u64(&r);
	st->native = ix_get_u64(&r);
	st->code = ix_get_u64(&r);
	st->strings = ix_get_u64(&r);
	st->js_arrays = ix_get_u64(&r);
	st->typed_arrays = ix_get_u64(&r);
	st->system = ix_get_u64(&r);
	a->graph.user_roots = (uint32_t)ix_get_u64(&r);
	a->dom.unreachable = (uint32_t)ix_get_u64(&r);
	a->classes.n_interfaces = (uint32_t)ix_get_u64(&r);
}

static void encode_interfaces(struct blob *b, const struct hs_snapshot *s, const struct hs_analysis *a)
{
	const struct hs_interfaces *ifs = &a->classes.interfaces;
	uint32_t d, k;
	(void)s;
	ix_put_u64(b, ifs->count);
	for (d = 0; d < ifs->count; d++) {
		ix_put_str(b, ifs->v[d].name);
		ix_put_u64(b, ifs->v[d].nprops);
		for (k = 0; k < ifs->v[d].nprops; k++)
			ix_put_str(b, ifs->v[d].props[k]);
	}
}

void ix_decode_interfaces(struct hs_interfaces *ifs, const unsigned char *p, uint64_t len)
{
	struct reader r = { p, p + len, 0 };
	uint32_t d, k;

	memset(ifs, 0, sizeof(*ifs));
	ifs->count = ix_get_count(&r, len / 16);
	HS_CALLOC_ARRAY(ifs->v, ifs->count ? ifs->count : 1);
	for (d = 0; d < ifs->count && !r.bad; d++) {
		struct hs_interface *f = &ifs->v[d];
		f->name = ix_get_str(&r);
		f->nprops = ix_get_count(&r, (uint64_t)(r.end - r.p) / 8);
		HS_CALLOC_ARRAY(f->props, f->nprops ? f->nprops : 1);
		for (k = 0; k < f->nprops && !r.bad; k++)
			f->props[k] = ix_get_str(&r);
	}
	if (r.bad) { /* checksummed, so only a hostile file gets here: drop them */
		for (d = 0; d < ifs->count; d++) {
			struct hs_interface *f = &ifs->v[d];
			if (f->props)
				for (k = 0; k < f->nprops; k++)
					free(f->props[k]);
			free(f->props);
			free(f->name);
		}
		memset(ifs->v, 0, sizeof(*ifs->v));
		ifs->count = 0;
	}
}

/* ---- range checks ------------------------------------------------------------- */

/* Range checks run over element ranges [lo, hi) of a section, chunk by
 * chunk right after the chunk's checksum, while it is in the cache. */

/* Offsets into an arena: start at 0, strictly increasing, end at the arena's
 * length, every string NUL-terminated. */
static int check_offsets(const uint64_t *off, uint64_t n, uint64_t lo, uint64_t hi,
			 const unsigned char *arena, uint64_t len)
{
	uint64_t i;
	if (!n || off[0] != 0 || off[n - 1] != len)
		return 0;
	for (i = lo ? lo : 1; i < hi; i++)
		if (off[i] <= off[i - 1] || off[i] > len || arena[off[i] - 1] != '\0')
			return 0;
	return 1;
}

static int check_increasing32(const uint32_t *v, uint64_t n, uint64_t lo, uint64_t hi, uint32_t last)
{
	uint64_t i;
	uint32_t bad = 0;
	if (!n || v[0] != 0 || v[n - 1] != last)
		return 0;
	for (i = lo ? lo : 1; i < hi; i++)
		bad |= v[i] < v[i - 1];
	return !bad;
}

/* all_belowN(v, lo, hi, lim): 1 when every v[lo..hi) is below lim (no
 * branch in the loop, so that it vectorises), for N-bit elements. */
#define ALL_BELOW(name, type)                                              \
	static int name(const type *v, uint64_t lo, uint64_t hi, uint32_t lim) \
	{                                                                  \
		uint64_t i;                                                \
		type bad = 0;                                              \
		for (i = lo; i < hi; i++)                                  \
			bad |= v[i] >= lim;                                \
		return !bad;                                               \
	}
ALL_BELOW(all_below8, uint8_t)
ALL_BELOW(all_below32, uint32_t)

#define O const struct opener *o, uint32_t id, uint64_t lo, uint64_t hi

/* types beyond meta.node_types load as "undefined" (hs_type_name) */
static int chk_node_type(O) { return all_below8(ix_data(o, id), lo, hi, HS_NO_TYPE); }
static int chk_string(O) { return all_below32(ix_data(o, id), lo, hi, o->h->string_count); }
static int chk_node(O) { return all_below32(ix_data(o, id), lo, hi, o->h->node_count); }
static int chk_class(O) { return all_below32(ix_data(o, id), lo, hi, o->class_count); }
static int chk_edge_type(O) { return all_below8(ix_data(o, id), lo, hi, o->s->n_edge_types); }
/* the loader takes detachedness 0-3 and hs_dom_state copies it */
static int chk_detached(O) { return all_below8(ix_data(o, id), lo, hi, 4); }

static int chk_first_edge(O)
{
	return check_increasing32(ix_data(o, id), (uint64_t)o->h->node_count + 1, lo, hi, o->h->edge_count);
}

/* an element or hidden edge's name is an index, any other a string */
static int chk_edge_name(O)
{
	const uint8_t *t = ix_data(o, IX_EDGE_TYPE);
	const uint32_t *v = ix_data(o, id);
	uint32_t bad = 0, sc = o->h->string_count;
	uint64_t i;
	for (i = lo; i < hi; i++)
		bad |= (t[i] != o->s->t.e_element && t[i] != o->s->t.e_hidden) & (v[i] >= sc);
	return !bad;
}

static int chk_str_off(O)
{
	return check_offsets(ix_data(o, id), ix_cnt(o, id), lo, hi, ix_data(o, IX_STR_ARENA), ix_cnt(o, IX_STR_ARENA));
}

static int chk_cls_off(O)
{
	return check_offsets(ix_data(o, id), ix_cnt(o, id), lo, hi, ix_data(o, IX_CLS_ARENA), ix_cnt(o, IX_CLS_ARENA));
}

/* sorted by node, nodes and script nodes in range */
static int chk_locations(O)
{
	const struct hs_location *l = ix_data(o, id);
	uint32_t n = o->h->node_count;
	uint64_t i;
	for (i = lo; i < hi; i++)
		if (l[i].node >= n || (i && l[i].node <= l[i - 1].node) ||
		    (l[i].script_node >= n && l[i].script_node != UINT32_MAX))
			return 0;
	return 1;
}

/* >= 0 or HS_NO_DISTANCE (paths.c computes dist - 1) */
static int chk_distance(O)
{
	const int32_t *v = ix_data(o, id);
	uint32_t bad = 0;
	uint64_t i;
	for (i = lo; i < hi; i++)
		bad |= (v[i] < 0) & (v[i] != HS_NO_DISTANCE);
	return !bad;
}

static int chk_parent_edge(O)
{
	const uint32_t *v = ix_data(o, id);
	uint32_t bad = 0, e = o->h->edge_count;
	uint64_t i;
	for (i = lo; i < hi; i++)
		bad |= (v[i] >= e) & (v[i] != HS_NO_EDGE);
	return !bad;
}

#undef O

/* ---- the table ----------------------------------------------------------------- */

#define SNAP(f) IXW_SNAPSHOT, offsetof(struct hs_snapshot, f)
#define ANAL(f) IXW_ANALYSIS, offsetof(struct hs_analysis, f)
#define ROW(id_, elem_, count_, where_field, flags_, coding, check_, name_) \
	{ .id = (id_), .elem = (elem_), .count = (count_), ROW_WF(where_field), .flags = (flags_), \
	  ROW_EW(coding), .check = (check_), .name = (name_) }
#define ROW_WF(...) ROW_WF2(__VA_ARGS__)
#define ROW_WF2(w, f) .where = (w), .field = (f)
#define ROW_EW(...) ROW_EW2(__VA_ARGS__)
#define ROW_EW2(e, w) .enc = (e), .word = (w)
#define BLOB(id_, encode_, name_) \
	{ .id = (id_), .elem = 1, .count = IXC_BLOB, .where = IXW_BLOB, .enc = IXE_RAW, .word = 1, \
	  .encode = (encode_), .name = (name_) }
#define RAW IXE_RAW, 1
#define VARINT(w) IXE_VARINT, (w)
#define DELTA(w) IXE_DELTA, (w)
#define DERIVED IXE_DERIVED, 4
#define OPT IXF_OPTIONAL
#define COPY IXF_COPIED
#define LOC sizeof(struct hs_location)

/* In file order.  Packed rows: sizes measured on bench/gen_snapshot.js's
 * 100 MB snapshot (docs/PERFORMANCE.md); 1-byte arrays and the arenas stay
 * raw (lent from the mapping). */
const struct ix_row ix_rows[] = {
	BLOB(IX_META, encode_meta, "meta"),
	ROW(IX_NODE_TYPE, 1, IXC_NODES, SNAP(node_type), 0, RAW, chk_node_type, "node_type"),
	ROW(IX_NODE_NAME, 4, IXC_NODES, SNAP(node_name), 0, DELTA(4), chk_string, "node_name"),
	ROW(IX_NODE_ID, 4, IXC_NODES, SNAP(node_id), 0, DELTA(4), NULL, "node_id"),
	ROW(IX_NODE_ID_HI, 4, IXC_NODES, SNAP(node_id_hi), OPT, VARINT(4), NULL, "node_id_hi"),
	ROW(IX_SELF, 4, IXC_NODES, SNAP(self_size.lo), 0, VARINT(4), NULL, "self_size"),
	ROW(IX_SELF_HI, 4, IXC_NODES, SNAP(self_size.hi), OPT, VARINT(4), NULL, "self_size_hi"),
	ROW(IX_FIRST_EDGE, 4, IXC_NODES1, SNAP(first_edge), 0, DELTA(4), chk_first_edge, "first_edge"),
	ROW(IX_DETACHED, 1, IXC_NODES, SNAP(detachedness), OPT, RAW, chk_detached, "detachedness"),
	ROW(IX_EDGE_TYPE, 1, IXC_EDGES, SNAP(edge_type), 0, RAW, chk_edge_type, "edge_type"),
	ROW(IX_EDGE_NAME, 4, IXC_EDGES, SNAP(edge_name), 0, DELTA(4), chk_edge_name, "edge_name"),
	ROW(IX_EDGE_TO, 4, IXC_EDGES, SNAP(edge_to), 0, DELTA(4), chk_node, "edge_to"),
	ROW(IX_STR_ARENA, 1, IXC_STR_ARENA, SNAP(strings.arena), 0, RAW, NULL, "string_arena"),
	ROW(IX_STR_OFF, 8, IXC_STRINGS1, SNAP(strings.off), 0, DELTA(8), chk_str_off, "string_offsets"),
	ROW(IX_LOCATIONS, LOC, IXC_LOCATIONS, SNAP(locations), 0, VARINT(4), chk_locations, "locations"),
	BLOB(IX_A_META, encode_analysis, "analysis"),
	ROW(IX_DOM_STATE, 1, IXC_NODES, ANAL(dom_state), 0, RAW, chk_detached, "dom_state"),
	ROW(IX_A_SELF, 4, IXC_NODES, ANAL(self_size.lo), 0, VARINT(4), NULL, "shallow_size"),
	ROW(IX_A_SELF_HI, 4, IXC_NODES, ANAL(self_size.hi), OPT, VARINT(4), NULL, "shallow_size_hi"),
	ROW(IX_IDOM, 4, IXC_NODES, ANAL(dom.idom), 0, DELTA(4), chk_node, "idom"),
	ROW(IX_RETAINED, 8, IXC_NODES, ANAL(dom.retained), 0, DELTA(8), NULL, "retained"),
	ROW(IX_DOM_FIRST, 4, IXC_NODES1, ANAL(dom.dom_first), 0, DERIVED, NULL, "dom_first"),
	ROW(IX_DOM_CHILDREN, 4, IXC_DOM_CHILDREN, ANAL(dom.dom_children), 0, DERIVED, NULL, "dom_children"),
	ROW(IX_DISTANCE, 4, IXC_NODES, ANAL(distance), 0, DELTA(4), chk_distance, "distance"),
	ROW(IX_PARENT_EDGE, 4, IXC_NODES, ANAL(parent_edge), 0, DELTA(4), chk_parent_edge, "parent_edge"),
	ROW(IX_CLASS_OF, 4, IXC_NODES, ANAL(classes.class_of), 0, VARINT(4), chk_class, "class_of"),
	ROW(IX_CLS_ARENA, 1, IXC_CLS_ARENA, ANAL(classes.names.arena), COPY, RAW, NULL, "class_arena"),
	ROW(IX_CLS_OFF, 8, IXC_CLASSES1, ANAL(classes.names.off), COPY, RAW, chk_cls_off, "class_offsets"),
	ROW(IX_CLS, sizeof(struct hs_class), IXC_CLASSES, ANAL(classes.cls), COPY, RAW, NULL, "classes"),
	BLOB(IX_INTERFACES, encode_interfaces, "interfaces"),
};
const uint32_t ix_nrows = sizeof(ix_rows) / sizeof(ix_rows[0]);
_Static_assert(sizeof(ix_rows) / sizeof(ix_rows[0]) == IX_NIDS - 1, "one row per section id");

const struct ix_row *ix_row(uint32_t id)
{
	uint32_t i;
	for (i = 0; i < ix_nrows; i++)
		if (ix_rows[i].id == id)
			return &ix_rows[i];
	return NULL;
}

const void *ix_array(const struct ix_row *r, const struct hs_snapshot *s, const struct hs_analysis *a)
{
	const void *obj = r->where == IXW_SNAPSHOT ? (const void *)s : (const void *)a, *p;
	if (r->where == IXW_BLOB)
		return NULL;
	memcpy(&p, (const unsigned char *)obj + r->field, sizeof(p));
	return p;
}

void ix_set_array(const struct ix_row *r, void *obj, const void *p)
{
	memcpy((unsigned char *)obj + r->field, &p, sizeof(p));
}

uint64_t ix_count_of_model(const struct ix_row *r, const struct hs_snapshot *s,
			   const struct hs_analysis *a, const struct blob *blob)
{
	uint64_t n = s->node_count;
	switch (r->count) {
	case IXC_BLOB: return blob->len;
	case IXC_NODES: return n;
	case IXC_NODES1: return n + 1;
	case IXC_EDGES: return s->edge_count;
	case IXC_STRINGS1: return (uint64_t)s->strings.count + 1;
	case IXC_STR_ARENA: return s->strings.len;
	case IXC_LOCATIONS: return s->location_count;
	case IXC_DOM_CHILDREN: return a->dom.dom_first[n];
	case IXC_CLASSES: return a->classes.names.count;
	case IXC_CLASSES1: return (uint64_t)a->classes.names.count + 1;
	case IXC_CLS_ARENA: return a->classes.names.len;
	default: return 0;
	}
}

uint64_t ix_count_of_header(const struct ix_row *r, const struct ix_header *h)
{
	uint64_t n = h->node_count;
	switch (r->count) {
	case IXC_NODES: return n;
	case IXC_NODES1: return n + 1;
	case IXC_EDGES: return h->edge_count;
	case IXC_STRINGS1: return (uint64_t)h->string_count + 1;
	case IXC_LOCATIONS: return h->location_count;
	case IXC_DOM_CHILDREN: return n - 1;
	case IXC_CLASSES: return h->class_count;
	case IXC_CLASSES1: return (uint64_t)h->class_count + 1;
	default: return UINT64_MAX; /* blobs and arenas: any length */
	}
}

int ix_section_data(const struct ix_row *r, const struct hs_snapshot *s, const struct hs_analysis *a,
		    struct blob *b, const void **p, uint64_t *count, uint32_t *elem)
{
	const void *arr = ix_array(r, s, a);

	b->len = 0;
	if (r->enc == IXE_DERIVED || (r->where != IXW_BLOB && !arr && (r->flags & IXF_OPTIONAL)))
		return 0;
	*count = ix_count_of_model(r, s, a, b);
	*elem = r->elem;
	*p = arr;
	if (r->where == IXW_BLOB) {
		r->encode(b, s, a);
		*count = b->len;
		*p = b->p;
	} else if (r->enc != IXE_RAW) {
		ix_pack(r, arr, *count, b);
		*count = b->len;
		*elem = 1;
		*p = b->p;
	}
	return 1;
}
