/* Per-class comparison of two snapshots (DevTools' aggregatesForDiff +
 * calculateSnapshotDiff), on compact sides: class rows by global class id
 * and the sorted (class, id) keys of counted objects. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <yajl_tree.h>
#include "hsnap/diff.h"
#include "input.h"
#include "json.h"
#include "alloc.h"
#include "sort.h"
#include "strbuf.h"

void hs_class_names_init(struct hs_class_names *ns)
{
	hs_strtab_init(&ns->names);
	ns->set.map = NULL;
}

uint32_t hs_class_names_intern(struct hs_class_names *ns, const char *name, size_t len)
{
	return hs_strtab_intern(&ns->names, &ns->set, name, len);
}

void hs_class_names_release(struct hs_class_names *ns)
{
	hs_strset_release(&ns->set);
	hs_strtab_release(&ns->names);
}

static struct hs_class_row *side_row(struct hs_side *side, uint32_t gid)
{
	if (gid >= side->nrows) {
		uint32_t n = gid + 1 > side->nrows * 2 ? gid + 1 : side->nrows * 2;
		HS_REALLOC_ARRAY(side->rows, n);
		memset(side->rows + side->nrows, 0, sizeof(*side->rows) * (n - side->nrows));
		side->nrows = n;
	}
	return &side->rows[gid];
}

static void side_init(struct hs_side *side, const char *file)
{
	memset(side, 0, sizeof(*side));
	side->file = hs_xmalloc(strlen(file) + 1);
	strcpy(side->file, file);
}

/* The keys of a snapshot with ids beyond 32 bits (Julia's): sorted by
 * (gid << 32 | low half, high half), a total order on (class, id) that both
 * sides of a diff share, whatever the width of the other side's ids. */
/* an object the side counts: self size > 0 (as DevTools), kept by bits */
static int counted(const struct hs_analysis *a, const uint64_t *bits, uint32_t n)
{
	return hs_shallow_size(a, n) && (!bits || hs_bit_get(bits, n));
}

static void sort_wide(struct hs_side *side, const struct hs_analysis *a, const uint32_t *gid_of,
		      const uint64_t *bits)
{
	const struct hs_snapshot *s = a->s;
	struct hs_wide_key *w;
	uint64_t m = 0, i;
	uint32_t n;

	HS_ALLOC_ARRAY(w, side->nobjects ? side->nobjects : 1);
	for (n = 0; n < s->node_count; n++)
		if (counted(a, bits, n)) {
			w[m].key = ((uint64_t)gid_of[a->classes.class_of[n]] << 32) | s->node_id[n];
			w[m++].hi = s->node_id_hi[n];
		}
	hs_sort(w, m, sizeof(*w), hs_cmp_wide_key);
	HS_ALLOC_ARRAY(side->objects_hi, m ? m : 1);
	for (i = 0; i < m; i++) {
		side->objects[i] = w[i].key;
		side->objects_hi[i] = w[i].hi;
	}
	free(w);
}

/* gid_of[k]: the global id of a's class name k (interned in name order) */
static uint32_t *intern_names(struct hs_class_names *ns, const struct hs_classes *c)
{
	uint32_t *gid_of, k;

	HS_ALLOC_ARRAY(gid_of, c->names.count ? c->names.count : 1);
	for (k = 0; k < c->names.count; k++)
		gid_of[k] = hs_class_names_intern(ns, hs_str(&c->names, k), hs_strlen(&c->names, k));
	return gid_of;
}

/* the sorted (class, id) keys of the counted objects (bits: NULL for all) */
static void side_objects(struct hs_side *side, const struct hs_analysis *a, const uint32_t *gid_of,
			 const uint64_t *bits)
{
	const struct hs_snapshot *s = a->s;
	const struct hs_classes *c = &a->classes;
	uint64_t m = 0;
	uint32_t n;

	for (n = 0; n < s->node_count; n++)
		m += counted(a, bits, n) != 0;
	HS_ALLOC_ARRAY(side->objects, m ? m : 1);
	side->nobjects = m;
	if (s->node_id_hi) {
		sort_wide(side, a, gid_of, bits);
		return;
	}
	m = 0;
	for (n = 0; n < s->node_count; n++)
		if (counted(a, bits, n))
			side->objects[m++] = ((uint64_t)gid_of[c->class_of[n]] << 32) | s->node_id[n];
	hs_radix_sort_u64(side->objects, m, 0);
}

/* cls: the class rows (a's, or a filter's); bits: the nodes counted (NULL: all) */
static void side_build(struct hs_side *side, struct hs_class_names *ns, const struct hs_analysis *a,
		       const struct hs_class *cls, const uint64_t *bits, int with_objects)
{
	const struct hs_classes *c = &a->classes;
	uint32_t *gid_of, k;

	side_init(side, a->s->file);
	side->node_count = a->s->node_count;
	side->total_size = a->stats.total;
	gid_of = intern_names(ns, c);
	for (k = 0; k < c->names.count; k++) {
		struct hs_class_row *row;
		if (!cls[k].count)
			continue;
		row = side_row(side, gid_of[k]);
		row->present = 1;
		row->count = cls[k].count;
		row->self_size = cls[k].self_size;
		row->retained_size = cls[k].retained_size;
	}
	if (with_objects)
		side_objects(side, a, gid_of, bits);
	free(gid_of);
}

void hs_side_objects_from_analysis(struct hs_side *keys, struct hs_class_names *ns,
				   const struct hs_analysis *a)
{
	uint32_t *gid_of = intern_names(ns, &a->classes);

	memset(keys, 0, sizeof(*keys));
	side_objects(keys, a, gid_of, NULL);
	free(gid_of);
}

void hs_side_take_objects(struct hs_side *side, struct hs_side *keys)
{
	hs_free(side->objects);
	hs_free(side->objects_hi);
	side->objects = keys->objects;
	side->objects_hi = keys->objects_hi;
	side->nobjects = keys->nobjects;
	memset(keys, 0, sizeof(*keys));
}

void hs_side_from_analysis(struct hs_side *side, struct hs_class_names *ns,
			   const struct hs_analysis *a)
{
	side_build(side, ns, a, a->classes.cls, NULL, 1);
}

void hs_side_from_filter(struct hs_side *side, struct hs_class_names *ns, const struct hs_analysis *a,
			 const struct hs_class *cls, const uint64_t *bits)
{
	side_build(side, ns, a, cls, bits, 1);
}

void hs_side_rows_from_analysis(struct hs_side *side, struct hs_class_names *ns,
				const struct hs_analysis *a)
{
	side_build(side, ns, a, a->classes.cls, NULL, 0);
}

/* ---- JSON baselines --------------------------------------------------- */

#define MAX_BASELINE (256u << 20)

/* Keys that start an hsnap summary JSON (any of them as the first key). */
int hs_is_summary_text(const unsigned char *buf, size_t len)
{
	static const char *const keys[] = { "file", "node_count", "edge_count", "total_size",
					    "statistics", "classes", "top" };
	size_t i, k;

	for (i = 0; i < len && buf[i] != '{'; i++)
		if (buf[i] != ' ' && buf[i] != '\n' && buf[i] != '\r' && buf[i] != '\t')
			return 0;
	for (i++; i < len && buf[i] != '"'; i++)
		;
	for (k = 0; k < sizeof(keys) / sizeof(keys[0]); k++) {
		size_t l = strlen(keys[k]);
		if (i + l + 1 < len && !memcmp(buf + i + 1, keys[k], l) && buf[i + 1 + l] == '"')
			return 1;
	}
	return 0;
}

int hs_is_summary_json(const char *path)
{
	struct hs_input *in;
	const unsigned char *head;
	long r;
	int yes;

	if (hs_input_open(path, &in, NULL) < 0)
		return 0;
	r = hs_input_peek(in, &head, NULL);
	yes = r > 0 && hs_is_summary_text(head, (size_t)r);
	hs_input_close(in);
	return yes;
}

static int tree_uint(yajl_val obj, const char *key, uint64_t *out)
{
	yajl_val v = hs_json_get(obj, key, yajl_t_number);
	if (!v || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 0)
		return 0;
	*out = (uint64_t)YAJL_GET_INTEGER(v);
	return 1;
}

static char *read_all(struct hs_input *in, size_t *len, struct hs_error *err)
{
	struct hs_strbuf b = HS_STRBUF_INIT;

	for (;;) {
		long r;
		hs_strbuf_grow(&b, 65536);
		r = hs_input_read(in, (unsigned char *)b.buf + b.len, hs_strbuf_avail(&b), err);
		if (r < 0) {
			hs_strbuf_release(&b);
			return NULL;
		}
		if (r == 0)
			break;
		hs_strbuf_setlen(&b, b.len + (size_t)r);
		if (b.len > MAX_BASELINE) {
			hs_strbuf_release(&b);
			hs_error_set(err, HS_ERR_LIMIT, "JSON baseline larger than %u MiB", MAX_BASELINE >> 20);
			return NULL;
		}
	}
	return hs_strbuf_detach(&b, len);
}

int hs_side_from_summary_text(struct hs_side *side, struct hs_class_names *ns, const char *name,
			      const char *text, size_t len, struct hs_error *err)
{
	char ebuf[160];
	size_t i, at;
	yajl_val root, classes;
	uint64_t sum_count = 0, sum_self = 0;
	char *copy;

	memset(side, 0, sizeof(*side));
	/* yajl_tree_free recurses: bound the nesting first (a baseline has 3 levels) */
	if ((at = hs_json_too_deep(text, len, HS_JSON_MAX_TREE_DEPTH)) != (size_t)-1)
		return hs_error_set(err, HS_ERR_FORMAT,
				    "not a valid JSON baseline: nested deeper than %d levels (at byte %zu)",
				    HS_JSON_MAX_TREE_DEPTH, at);
	if (memchr(text, '\0', len))
		return hs_error_set(err, HS_ERR_FORMAT, "not a valid JSON baseline: it contains a NUL byte");
	copy = hs_xmalloc(len + 1);
	memcpy(copy, text, len);
	copy[len] = '\0';
	root = yajl_tree_parse(copy, ebuf, sizeof(ebuf));
	free(copy);
	if (!root) {
		hs_json_one_line(ebuf);
		return hs_error_set(err, HS_ERR_FORMAT, "not a valid JSON baseline: %s", ebuf);
	}
	side_init(side, name);
	side->is_baseline = 1;
	classes = hs_json_get(root, "classes", yajl_t_array);
	if (!classes || !tree_uint(root, "total_size", &side->total_size) ||
	    !tree_uint(root, "node_count", &side->node_count)) {
		yajl_tree_free(root);
		hs_side_release(side);
		return hs_error_set(err, HS_ERR_FORMAT,
				    "not an hsnap summary JSON baseline (needs node_count, total_size, classes)");
	}
	for (i = 0; i < classes->u.array.len; i++) {
		yajl_val c = classes->u.array.values[i];
		yajl_val name_v = hs_json_get(c, "name", yajl_t_string);
		struct hs_class_row row = { 0, 0, 0, 1 }, *r;
		const char *nm;
		if (!name_v || !YAJL_GET_STRING(name_v) || !tree_uint(c, "count", &row.count) ||
		    !tree_uint(c, "self_size", &row.self_size) || !tree_uint(c, "retained_size", &row.retained_size)) {
			yajl_tree_free(root);
			hs_side_release(side);
			return hs_error_set(err, HS_ERR_FORMAT,
					    "classes[%zu] lacks name, count, self_size or retained_size", i);
		}
		nm = YAJL_GET_STRING(name_v);
		r = side_row(side, hs_class_names_intern(ns, nm, strlen(nm)));
		/* hsnap writes one row per class name: a second one is not a summary's */
		if (r->present) {
			hs_error_set(err, HS_ERR_FORMAT, "classes[%zu]: class \"%.80s\" is listed twice", i, nm);
			yajl_tree_free(root);
			hs_side_release(side);
			return HS_ERR_FORMAT;
		}
		/* every value <= 2^63 - 1 (yajl's integers); their sums must stay
		 * there too, so that deltas and totals never wrap */
		if (__builtin_add_overflow(sum_count, row.count, &sum_count) || sum_count > INT64_MAX ||
		    __builtin_add_overflow(sum_self, row.self_size, &sum_self) || sum_self > INT64_MAX) {
			yajl_tree_free(root);
			hs_side_release(side);
			return hs_error_set(err, HS_ERR_FORMAT,
					    "classes[%zu]: the class counts or self sizes add up to more than 2^63 - 1", i);
		}
		*r = row;
	}
	yajl_tree_free(root);
	return 0;
}

int hs_side_from_summary_input(struct hs_side *side, struct hs_class_names *ns, struct hs_input *in,
			       const char *name, struct hs_error *err)
{
	size_t len;
	char *text = read_all(in, &len, err);
	int rc;

	memset(side, 0, sizeof(*side));
	if (!text)
		return err ? err->status : HS_ERR_IO;
	rc = hs_side_from_summary_text(side, ns, name, text, len, err);
	free(text);
	return rc;
}

int hs_side_from_summary_json(struct hs_side *side, struct hs_class_names *ns,
			      const char *path, struct hs_error *err)
{
	struct hs_input *in;
	int rc;

	memset(side, 0, sizeof(*side));
	if ((rc = hs_input_open(path, &in, err)) < 0)
		return rc;
	rc = hs_side_from_summary_input(side, ns, in, path, err);
	hs_input_close(in);
	return rc;
}

void hs_side_release(struct hs_side *side)
{
	HS_RELEASE(side, side->file, side->rows, side->objects, side->objects_hi);
}

/* ---- the comparison ----------------------------------------------------- */

static const struct hs_class_row *row_of(const struct hs_side *s, uint32_t gid)
{
	static const struct hs_class_row none = { 0, 0, 0, 0 };
	return gid < s->nrows ? &s->rows[gid] : &none;
}

/* The V8 id of a side's object i, and its high half (0 for 32-bit ids). */
static inline uint32_t obj_hi(const struct hs_side *s, uint64_t i)
{
	return s->objects_hi ? s->objects_hi[i] : 0;
}
static inline uint64_t obj_id(const struct hs_side *s, uint64_t i)
{
	return (uint64_t)obj_hi(s, i) << 32 | (uint32_t)s->objects[i];
}

void hs_diff_compute(struct hs_diff *d, const struct hs_side *a, const struct hs_side *b)
{
	uint32_t nclasses = a->nrows > b->nrows ? a->nrows : b->nrows, g;
	uint64_t *added, *deleted, i = 0, j = 0;

	memset(d, 0, sizeof(*d));
	d->has_ids = !a->is_baseline && !b->is_baseline;
	HS_CALLOC_ARRAY(added, nclasses ? nclasses : 1);
	HS_CALLOC_ARRAY(deleted, nclasses ? nclasses : 1);
	if (d->has_ids) {
		uint64_t max_a = 0;
		/* JS objects have odd ids (DevTools' maxJsNodeId); embedder ids
		 * may be pointer-derived and are left out. */
		for (i = 0; i < a->nobjects; i++)
			if ((obj_id(a, i) & 1) && obj_id(a, i) > max_a)
				max_a = obj_id(a, i);
		for (j = 0; j < b->nobjects; j++)
			d->b_old_ids += (obj_id(b, j) & 1) && obj_id(b, j) <= max_a;
		i = j = 0;
		/* merge of two sorted key lists: equal keys are the same object
		 * (keys compare as (gid << 32 | low half, high half)) */
		while (i < a->nobjects && j < b->nobjects) {
			uint64_t x = a->objects[i], y = b->objects[j];
			uint32_t xh = obj_hi(a, i), yh = obj_hi(b, j);
			if (x < y || (x == y && xh < yh)) {
				deleted[x >> 32]++;
				i++;
			} else if (x > y || xh > yh) {
				added[y >> 32]++;
				j++;
			} else {
				d->shared_ids++;
				d->shared_js_ids += (uint32_t)x & 1;
				i++;
				j++;
			}
		}
		for (; i < a->nobjects; i++)
			deleted[a->objects[i] >> 32]++;
		for (; j < b->nobjects; j++)
			added[b->objects[j] >> 32]++;
	}
	HS_ALLOC_ARRAY(d->rows, nclasses ? nclasses : 1);
	for (g = 0; g < nclasses; g++) {
		const struct hs_class_row *ra = row_of(a, g), *rb = row_of(b, g);
		if (!ra->present && !rb->present)
			continue;
		if (ra->count == rb->count && ra->self_size == rb->self_size &&
		    ra->retained_size == rb->retained_size && !added[g] && !deleted[g])
			continue;
		d->rows[d->nrows++] = (struct hs_diff_row){
			.gid = g, .added = added[g], .deleted = deleted[g],
			.count_a = ra->count, .self_a = ra->self_size, .retained_a = ra->retained_size,
			.count_b = rb->count, .self_b = rb->self_size, .retained_b = rb->retained_size };
	}
	free(added);
	free(deleted);
}

static uint64_t max_js_id(const struct hs_side *s)
{
	uint64_t m = 0, i;
	for (i = 0; i < s->nobjects; i++)
		if ((obj_id(s, i) & 1) && obj_id(s, i) > m)
			m = obj_id(s, i);
	return m;
}

void hs_id_overlap(const struct hs_side *a, const struct hs_side *b, struct hs_id_overlap *o)
{
	const struct hs_side *older, *newer;
	uint64_t i, j = 0, lim;

	memset(o, 0, sizeof(*o));
	o->max_js_a = max_js_id(a);
	o->max_js_b = max_js_id(b);
	older = o->max_js_a <= o->max_js_b ? a : b;
	newer = older == a ? b : a;
	lim = older == a ? o->max_js_a : o->max_js_b;
	/* both key lists sorted by (key, high half of the id): one merge */
	for (i = 0; i < newer->nobjects; i++) {
		uint64_t k = newer->objects[i], id = obj_id(newer, i);
		uint32_t kh = obj_hi(newer, i);
		if (!(id & 1) || id > lim)
			continue;
		o->old++;
		while (j < older->nobjects && (older->objects[j] < k || (older->objects[j] == k && obj_hi(older, j) < kh)))
			j++;
		o->matched += j < older->nobjects && older->objects[j] == k && obj_hi(older, j) == kh;
	}
}

void hs_diff_release(struct hs_diff *d)
{
	HS_RELEASE(d, d->rows);
}
