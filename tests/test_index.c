/* The on-disk index (include/hsnap/index.h, layout in src/index_format.h) on
 * snapshots written by hand with the test builder:
 *   - a round trip gives back every model and analysis array byte for byte
 *     (expected values are the in-memory originals, never hsnap output);
 *   - any change of the key makes it stale, a missing file absent;
 *   - corruption (every byte flipped, truncation, extension, garbage, empty
 *     files) makes it BAD, except bytes of the alignment padding between
 *     sections, which no checksum covers and nothing reads;
 *   - hostile files whose checksums are all valid but whose values are out of
 *     range are rejected ("never trusted"); a dominator tree with a cycle
 *     (which opening does not look for, by design) must not hang or overflow
 *     the walks over it;
 *   - hs_analysis_rename gives the classes of an analysis run with the given
 *     interface definitions.
 * Calls that may crash or hang on a hostile index run in a child process with
 * a time limit, so that one bug is reported as one failed check. */
#define _DEFAULT_SOURCE 1 /* mkdtemp */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <zlib.h>
#include <cmocka.h>
#ifdef __GLIBC__
#include <malloc.h>
#endif
#include "testutil.h"
#include "crc32c.h"
#include "hsnap/index.h"
#include "hsnap/paths.h"
#include "index_internal.h"

/* ---- snapshots ------------------------------------------------------------- */

/* Snapshot A (ordinals = tb_node order, 0 = root):
 *   0 ""  1 (GC roots)  2 Window  3,4 Object{a,b}  5 Object{a,b,c}  6 Object{x}
 *   7 "hello"  8 closure f  9 <div id="a"> (detached)  10 <span>  11,12 Leaky
 *   13 array  14 code  15 system / Foo  16 Orphan (no retainer)  17,18 Cyc
 *   (a cycle nothing else retains)  19 WeakOnly (weak retainer only)
 *   20 heap number  21 (Global handles)
 * The dominator tree has the chain root -> 2 -> 6 -> 13 -> 9 -> 10; three
 * locations; extra_native_bytes; detachedness. */
static void make_a(struct tb *t)
{
	uint32_t n;
	tb_init(t);
	t->location_fields = "object_index,script_id,line,column";
	t->locations_raw = "[21,7,10,2,56,8,20,4,14,7,3,1]"; /* nodes 3, 8, 2 */
	t->order = "snapshot,nodes,edges,locations,strings";
	t->extra_native_bytes = 4096;
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "synthetic", "(GC roots)", 3, 0);
	tb_node(t, "object", "Window", 5, 40);
	tb_node(t, "object", "Object", 7, 16);
	tb_node(t, "object", "Object", 9, 16);
	tb_node(t, "object", "Object", 11, 24);
	tb_node(t, "object", "Object", 13, 16);
	tb_node(t, "string", "hello", 15, 24);
	tb_node(t, "closure", "f", 17, 32);
	n = tb_node(t, "native", "<div id=\"a\">", 19, 100);
	t->nodes[n].detach = 2;
	t->nodes[n].trace = 4;
	n = tb_node(t, "native", "<span>", 21, 40);
	t->nodes[n].detach = 1;
	tb_node(t, "object", "Leaky", 23, 48);
	tb_node(t, "object", "Leaky", 25, 48);
	tb_node(t, "array", "", 27, 64);
	tb_node(t, "code", "code", 29, 10);
	tb_node(t, "hidden", "system / Foo", 31, 8);
	tb_node(t, "object", "Orphan", 33, 30);
	tb_node(t, "object", "Cyc", 35, 10);
	tb_node(t, "object", "Cyc", 37, 10);
	tb_node(t, "object", "WeakOnly", 39, 12);
	tb_node(t, "number", "heap number", 41, 16);
	tb_node(t, "synthetic", "(Global handles)", 43, 0);
	tb_edge_i(t, 0, "element", 1, 1);
	tb_edge(t, 0, "shortcut", "global", 2);
	tb_edge_i(t, 1, "element", 0, 21);
	tb_edge_i(t, 1, "element", 1, 15);
	tb_edge_i(t, 21, "element", 0, 2);
	tb_edge(t, 2, "property", "a", 3);
	tb_edge(t, 2, "property", "b", 4);
	tb_edge(t, 2, "property", "c", 5);
	tb_edge(t, 2, "property", "x", 6);
	tb_edge(t, 2, "property", "f", 8);
	tb_edge(t, 3, "property", "a", 7);
	tb_edge(t, 3, "property", "b", 20);
	tb_edge(t, 4, "property", "a", 7);
	tb_edge(t, 4, "property", "b", 8);
	tb_edge(t, 5, "property", "a", 7);
	tb_edge(t, 5, "property", "b", 20);
	tb_edge(t, 5, "property", "c", 8);
	tb_edge(t, 6, "property", "x", 13);
	tb_edge_i(t, 13, "element", 0, 11);
	tb_edge_i(t, 13, "element", 1, 12);
	tb_edge(t, 11, "property", "conn", 9);
	tb_edge(t, 12, "property", "conn", 9);
	tb_edge(t, 12, "weak", "w", 19);
	tb_edge_i(t, 9, "element", 0, 10);
	tb_edge(t, 8, "context", "self", 2);
	tb_edge(t, 8, "internal", "code", 14);
	tb_edge_i(t, 15, "hidden", 0, 14);
	tb_edge(t, 17, "property", "next", 18);
	tb_edge(t, 18, "property", "next", 17);
}

/* Snapshot B: another graph (three {p, q} objects, a Thing), no locations,
 * so its LOCATIONS section is empty. */
static void make_b(struct tb *t)
{
	tb_init(t);
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "synthetic", "(GC roots)", 3, 0);
	tb_node(t, "object", "Thing", 5, 64);
	tb_node(t, "object", "Object", 7, 16);
	tb_node(t, "object", "Object", 9, 16);
	tb_node(t, "object", "Object", 11, 16);
	tb_node(t, "string", "s", 13, 20);
	tb_edge_i(t, 0, "element", 1, 1);
	tb_edge(t, 0, "shortcut", "thing", 2);
	tb_edge(t, 2, "property", "p", 3);
	tb_edge(t, 2, "property", "q", 4);
	tb_edge(t, 2, "property", "r", 5);
	tb_edge(t, 3, "property", "p", 6);
	tb_edge(t, 3, "property", "q", 6);
	tb_edge(t, 4, "property", "p", 6);
	tb_edge(t, 4, "property", "q", 6);
	tb_edge(t, 5, "property", "p", 6);
	tb_edge(t, 5, "property", "q", 2);
}

struct snap {
	struct hs_snapshot *s;
	struct hs_analysis a;
};

static void snap_load(struct snap *x, void (*make)(struct tb *), const struct hs_interfaces *given)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	struct tb t;
	size_t len;
	char *j;

	make(&t);
	j = tb_json(&t, &len);
	tb_release(&t);
	x->s = load_ok(j, len, 0);
	free(j);
	memset(&o, 0, sizeof(o));
	o.parent_edges = 1;
	o.interfaces = given;
	if (hs_analysis_run(&x->a, x->s, &o, &err) != 0)
		fail_msg("analysis failed: %s", err.msg);
	assert_non_null(x->a.distance);
	assert_non_null(x->a.parent_edge);
}

static void snap_free(struct snap *x)
{
	hs_analysis_release(&x->a);
	hs_snapshot_free(x->s);
	memset(x, 0, sizeof(*x));
}

/* ---- files ---------------------------------------------------------------- */

static const struct hs_index_key KEY_A = { .size = 5000000, .mtime_sec = 1700000000, .mtime_nsec = 123456789,
	.head_crc = 0xdeadbeefu, .tail_crc = 0x12345678u, .ino = 4242, .ctime_sec = 1700000001, .ctime_nsec = 7,
	.mode = 0100600 };
static const struct hs_index_key KEY_B = { .size = 777, .mtime_sec = 1600000000, .mtime_nsec = 5,
	.head_crc = 0x0badf00du, .tail_crc = 0x600dcafeu, .ino = 99, .ctime_sec = 1600000002, .ctime_nsec = 3,
	.mode = 0100600 };

struct dir {
	char path[64];
};

static void dir_new(struct dir *d)
{
	strcpy(d->path, "/tmp/hsnap-test-index.XXXXXX");
	if (!mkdtemp(d->path))
		fail_msg("mkdtemp: %s", strerror(errno));
}

static void dir_remove(struct dir *d)
{
	DIR *dh = opendir(d->path);
	struct dirent *e;
	char p[512];
	if (dh) {
		while ((e = readdir(dh)) != NULL) {
			if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
				continue;
			snprintf(p, sizeof(p), "%s/%s", d->path, e->d_name);
			if (unlink(p))
				rmdir(p);
		}
		closedir(dh);
	}
	rmdir(d->path);
}

/* Number of entries in d (besides . and ..). */
static int dir_entries(const struct dir *d)
{
	DIR *dh = opendir(d->path);
	struct dirent *e;
	int n = 0;
	assert_non_null(dh);
	while ((e = readdir(dh)) != NULL)
		n += strcmp(e->d_name, ".") && strcmp(e->d_name, "..");
	closedir(dh);
	return n;
}

static char *dir_file(const struct dir *d, const char *name)
{
	char *p = malloc(strlen(d->path) + strlen(name) + 2);
	sprintf(p, "%s/%s", d->path, name);
	return p;
}

static void write_bytes(const char *path, const void *p, size_t len)
{
	FILE *f = fopen(path, "wb");
	if (!f)
		fail_msg("cannot write %s: %s", path, strerror(errno));
	if (len && fwrite(p, 1, len, f) != len)
		fail_msg("short write to %s", path);
	fclose(f);
}

static unsigned char *read_bytes(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	unsigned char *p;
	long n;
	if (!f)
		fail_msg("cannot read %s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	p = malloc((size_t)n + 1);
	if (n && fread(p, 1, (size_t)n, f) != (size_t)n)
		fail_msg("short read of %s", path);
	fclose(f);
	*len = (size_t)n;
	return p;
}

/* Writes x's index with key k to path. */
static void write_index(const char *path, const struct hs_index_key *k, const struct snap *x)
{
	struct hs_error err = { 0, "" };
	if (hs_index_write(path, k, x->s, &x->a, &err) != 0)
		fail_msg("hs_index_write: %s", err.msg);
}

/* ---- comparisons ------------------------------------------------------------ */

static void same_list(char **x, uint32_t nx, char **y, uint32_t ny)
{
	uint32_t i;
	assert_int_equal(nx, ny);
	for (i = 0; i < nx; i++)
		assert_string_equal(x[i], y[i]);
}

#define SAME_ARRAY(x, y, n) do { \
	assert_non_null(x); assert_non_null(y); \
	if ((n) && memcmp((x), (y), (size_t)(n) * sizeof(*(x)))) \
		fail_msg("%s differs from the original", #x); \
} while (0)

/* Sizes: the low halves, and the high ones when either has them. */
#define SAME_SIZES(x, y, n) do { \
	SAME_ARRAY((x).lo, (y).lo, n); \
	assert_int_equal(!(x).hi, !(y).hi); \
	if ((x).hi) \
		SAME_ARRAY((x).hi, (y).hi, n); \
} while (0)

/* Every field of the model that the index holds. */
static void same_model(const struct hs_snapshot *o, const struct hs_snapshot *s)
{
	uint32_t n = o->node_count, e = o->edge_count;

	assert_int_equal(s->node_count, n);
	assert_int_equal(s->edge_count, e);
	assert_int_equal(s->header_node_count, o->header_node_count);
	assert_int_equal(s->header_edge_count, o->header_edge_count);
	assert_int_equal(s->root, o->root);
	assert_int_equal(s->file_bytes, o->file_bytes);
	assert_int_equal(s->gzipped, o->gzipped);
	SAME_ARRAY(s->node_type, o->node_type, n);
	SAME_ARRAY(s->node_name, o->node_name, n);
	SAME_ARRAY(s->node_id, o->node_id, n);
	SAME_SIZES(s->self_size, o->self_size, n);
	SAME_ARRAY(s->first_edge, o->first_edge, (size_t)n + 1);
	if (o->detachedness)
		SAME_ARRAY(s->detachedness, o->detachedness, n);
	else
		assert_null(s->detachedness);
	if (e) {
		SAME_ARRAY(s->edge_type, o->edge_type, e);
		SAME_ARRAY(s->edge_name, o->edge_name, e);
		SAME_ARRAY(s->edge_to, o->edge_to, e);
	}
	assert_int_equal(s->strings.count, o->strings.count);
	assert_int_equal(s->strings.len, o->strings.len);
	SAME_ARRAY(s->strings.off, o->strings.off, (size_t)o->strings.count + 1);
	SAME_ARRAY(s->strings.arena, o->strings.arena, o->strings.len);
	assert_int_equal(s->location_count, o->location_count);
	if (o->location_count)
		SAME_ARRAY(s->locations, o->locations, o->location_count);
	same_list(s->node_type_names, s->n_node_types, o->node_type_names, o->n_node_types);
	same_list(s->edge_type_names, s->n_edge_types, o->edge_type_names, o->n_edge_types);
	same_list(s->node_fields, s->n_node_fields, o->node_fields, o->n_node_fields);
	same_list(s->edge_fields, s->n_edge_fields, o->edge_fields, o->n_edge_fields);
	assert_memory_equal(&s->t, &o->t, sizeof(o->t));
	assert_int_equal(s->extra_native_bytes, o->extra_native_bytes);
	assert_int_equal(s->trace_function_count, o->trace_function_count);
	assert_int_equal(s->samples_len, o->samples_len);
	assert_int_equal(s->trace_function_infos_len, o->trace_function_infos_len);
	assert_int_equal(s->has_trace_node_id, o->has_trace_node_id);
	assert_int_equal(s->has_locations, o->has_locations);
	assert_int_equal(s->has_samples, o->has_samples);
	assert_int_equal(s->has_trace_tree, o->has_trace_tree);
	assert_int_equal(s->has_trace_function_infos, o->has_trace_function_infos);
	assert_string_equal(s->warning, o->warning);
}

static void same_interfaces(const struct hs_interfaces *x, const struct hs_interfaces *y)
{
	uint32_t d;
	assert_int_equal(x->count, y->count);
	for (d = 0; d < x->count; d++) {
		assert_string_equal(x->v[d].name, y->v[d].name);
		same_list(x->v[d].props, x->v[d].nprops, y->v[d].props, y->v[d].nprops);
	}
}

/* Class names, rows, class_of and the interfaces. */
static void same_classes(const struct hs_classes *o, const struct hs_classes *c, uint32_t n)
{
	uint32_t k;
	assert_int_equal(c->names.count, o->names.count);
	for (k = 0; k < o->names.count; k++)
		assert_string_equal(hs_class_name(c, k), hs_class_name(o, k));
	SAME_ARRAY(c->cls, o->cls, o->names.count);
	SAME_ARRAY(c->class_of, o->class_of, n);
	assert_int_equal(c->n_interfaces, o->n_interfaces);
	same_interfaces(&c->interfaces, &o->interfaces);
}

static void same_analysis(const struct hs_analysis *o, const struct hs_analysis *a, uint32_t n)
{
	SAME_ARRAY(a->dom_state, o->dom_state, n);
	SAME_SIZES(a->self_size, o->self_size, n);
	SAME_ARRAY(a->dom.idom, o->dom.idom, n);
	SAME_ARRAY(a->dom.retained, o->dom.retained, n);
	SAME_ARRAY(a->dom.dom_first, o->dom.dom_first, (size_t)n + 1);
	if (o->dom.dom_first[n])
		SAME_ARRAY(a->dom.dom_children, o->dom.dom_children, o->dom.dom_first[n]);
	assert_int_equal(a->dom.unreachable, o->dom.unreachable);
	SAME_ARRAY(a->distance, o->distance, n);
	SAME_ARRAY(a->parent_edge, o->parent_edge, n);
	assert_memory_equal(&a->stats, &o->stats, sizeof(o->stats));
	assert_int_equal(a->graph.user_roots, o->graph.user_roots);
	same_classes(&o->classes, &a->classes, n);
}

/* ---- opening ---------------------------------------------------------------- */

static enum hs_index_state try_open(const char *path, const struct hs_index_key *k, int jobs,
				    struct hs_snapshot **out, struct hs_error *err)
{
	err->status = 0;
	err->msg[0] = '\0';
	return hs_index_open(path, k, jobs, "snap", out, err);
}

/* 1 when p points into s's index mapping. */
static int in_map(const struct hs_snapshot *s, const void *p)
{
	return s->map && p && (const unsigned char *)p >= s->map &&
	       (const unsigned char *)p < s->map + s->map_len;
}

/* Opens path with k and checks the result against x (model and analysis),
 * then releases it. */
static void open_same(const char *path, const struct hs_index_key *k, int jobs, const struct snap *x)
{
	struct hs_snapshot *s = NULL;
	struct hs_analysis a;
	struct hs_error err;
	enum hs_index_state st = try_open(path, k, jobs, &s, &err);

	if (st != HS_INDEX_OK)
		fail_msg("open %s (jobs %d): state %d, expected OK: %s", path, jobs, (int)st, err.msg);
	assert_non_null(s);
	assert_string_equal(s->file, "snap");
	same_model(x->s, s);
	assert_int_equal(hs_index_analysis(s, &a), 1);
	assert_true(a.s == s);
	same_analysis(&x->a, &a, x->s->node_count);
	/* raw arrays are the mapping's, packed ones decoded by the index; both
	 * are marked as lent */
	assert_true(in_map(s, s->edge_type) && (s->index->borrowed & IX_BIT(IX_EDGE_TYPE)));
	assert_true(!in_map(s, s->edge_to) && (s->index->borrowed & IX_BIT(IX_EDGE_TO)));
	assert_true(!in_map(s, a.dom.idom) && (a.borrowed & IX_BIT(IX_IDOM)));
	assert_true(a.borrowed & IX_BIT(IX_DOM_CHILDREN));
	assert_true(a.borrowed & IX_BIT(IX_CLASS_OF));
	hs_analysis_release(&a);
	hs_snapshot_free(s);
}

/* Expects state want; frees a snapshot opened by mistake. */
static void open_expect(const char *path, const struct hs_index_key *k, enum hs_index_state want,
			const char *what)
{
	struct hs_snapshot *s = (struct hs_snapshot *)1;
	struct hs_error err;
	enum hs_index_state st = try_open(path, k, 1, &s, &err);

	if (st == HS_INDEX_OK)
		hs_snapshot_free(s);
	if (st != want)
		fail_msg("%s: state %d, expected %d (%s)", what, (int)st, (int)want, err.msg);
	assert_null(s);
	if (st != HS_INDEX_OK && !err.msg[0])
		fail_msg("%s: no reason given", what);
}

/* ---- the layout, for corruption and hostile edits ----------------------------- */

static struct ix_header *hdr(unsigned char *buf) { return (struct ix_header *)buf; }

static struct ix_section *sec(unsigned char *buf, uint32_t id)
{
	struct ix_section *t = (struct ix_section *)(buf + sizeof(struct ix_header));
	uint32_t i;
	for (i = 0; i < hdr(buf)->nsections; i++)
		if (t[i].id == id)
			return &t[i];
	fail_msg("no section %u", id);
	return NULL;
}

/* Packed sections (format 4) are edited through a decoded view of one
 * buffer: sdata() gives the decoded array, repack() packs the edited arrays
 * back into a new buffer with the sections laid out again. */
static struct {
	const unsigned char *buf;
	void *arr[IX_NIDS], *orig[IX_NIDS];
	uint64_t bytes[IX_NIDS];
} view;

static void view_drop(void)
{
	uint32_t i;
	for (i = 0; i < IX_NIDS; i++) {
		free(view.arr[i]);
		free(view.orig[i]);
	}
	memset(&view, 0, sizeof(view));
}

static void *sdata(unsigned char *buf, uint32_t id)
{
	const struct ix_row *r = ix_row(id);
	struct ix_section *x = sec(buf, id);
	uint64_t n;

	if (r->enc == IXE_RAW)
		return buf + x->offset;
	if (view.buf != buf)
		view_drop();
	view.buf = buf;
	if (!view.arr[id]) {
		n = ix_count_of_header(r, hdr(buf));
		view.bytes[id] = n * r->elem;
		view.arr[id] = calloc(1, (size_t)view.bytes[id] + 1);
		view.orig[id] = calloc(1, (size_t)view.bytes[id] + 1);
		if (!ix_unpack(r, buf + x->offset, x->count, n, view.arr[id]))
			fail_msg("section %u does not decode", id);
		memcpy(view.orig[id], view.arr[id], (size_t)view.bytes[id]);
	}
	return view.arr[id];
}

/* Bytes of sdata(buf, id). */
static uint64_t sbytes(unsigned char *buf, uint32_t id)
{
	struct ix_section *x = sec(buf, id);
	if (ix_row(id)->enc == IXE_RAW)
		return x->count * x->elem;
	sdata(buf, id);
	return view.bytes[id];
}

/* *buf (*len bytes) with its edited packed sections packed again: a new
 * buffer (checksums not fixed: refresh()). */
static void repack(unsigned char **buf, size_t *len)
{
	struct ix_header *h = hdr(*buf);
	struct ix_section *t = (struct ix_section *)(*buf + sizeof(*h));
	struct blob b[IX_NIDS];
	unsigned char *nb;
	uint64_t off, nlen;
	uint32_t i, edited = 0;

	if (view.buf != *buf)
		return;
	memset(b, 0, sizeof(b));
	for (i = 0; i < IX_NIDS; i++)
		if (view.arr[i] && memcmp(view.arr[i], view.orig[i], (size_t)view.bytes[i])) {
			const struct ix_row *r = ix_row(i);
			ix_pack(r, view.arr[i], view.bytes[i] / r->elem, &b[i]);
			edited++;
		}
	view_drop();
	if (!edited)
		return;
	off = sizeof(*h) + (uint64_t)h->nsections * sizeof(*t);
	nlen = off;
	for (i = 0; i < h->nsections; i++)
		nlen = (nlen + IX_ALIGN - 1) / IX_ALIGN * IX_ALIGN +
		       (b[t[i].id].p ? b[t[i].id].len : t[i].count * t[i].elem);
	nb = calloc(1, (size_t)nlen + 1);
	memcpy(nb, *buf, (size_t)off);
	t = (struct ix_section *)(nb + sizeof(*h));
	for (i = 0; i < h->nsections; i++) {
		uint32_t id = t[i].id;
		const unsigned char *src = b[id].p ? b[id].p : *buf + t[i].offset;
		uint64_t bytes = b[id].p ? b[id].len : t[i].count * t[i].elem;
		off = (off + IX_ALIGN - 1) / IX_ALIGN * IX_ALIGN;
		memcpy(nb + off, src, (size_t)bytes);
		t[i].offset = off;
		if (b[id].p)
			t[i].count = bytes;
		off += bytes;
		free(b[id].p);
	}
	hdr(nb)->index_size = nlen;
	free(*buf);
	*buf = nb;
	*len = (size_t)nlen;
}

/* Recomputes every section's crc, the table's and the header's: a hostile
 * file that passes every checksum. */
static void refresh(unsigned char *buf, size_t len)
{
	struct ix_header *h = hdr(buf);
	struct ix_section *t = (struct ix_section *)(buf + sizeof(*h));
	uint32_t i;

	/* (a table edited past the buffer keeps its crcs: only the header's) */
	if (sizeof(*h) + (uint64_t)h->nsections * sizeof(*t) <= len) {
		for (i = 0; i < h->nsections; i++) {
			uint64_t bytes = t[i].count * t[i].elem;
			if (t[i].offset <= len && bytes <= len - t[i].offset && t[i].elem && bytes / t[i].elem == t[i].count)
				t[i].crc = bytes ? hs_crc32c(0, buf + t[i].offset, (size_t)bytes) : 0;
		}
		h->table_crc = hs_crc32c(0, (const unsigned char *)t, (size_t)h->nsections * sizeof(*t));
	}
	h->header_crc = 0;
	h->header_crc = hs_crc32c(0, buf, sizeof(*h));
}

struct fix {
	struct dir d;
	struct snap a, b;
	char *ia, *ib, *x;         /* index of A (KEY_A), of B (KEY_B), scratch */
	unsigned char *buf;        /* A's index bytes */
	size_t len;
};

static void fix_init(struct fix *f)
{
	memset(f, 0, sizeof(*f));
	dir_new(&f->d);
	snap_load(&f->a, make_a, NULL);
	snap_load(&f->b, make_b, NULL);
	f->ia = dir_file(&f->d, "a.heapsnapshot.hsnapidx");
	f->ib = dir_file(&f->d, "b.heapsnapshot.hsnapidx");
	f->x = dir_file(&f->d, "x.hsnapidx");
	write_index(f->ia, &KEY_A, &f->a);
	write_index(f->ib, &KEY_B, &f->b);
	f->buf = read_bytes(f->ia, &f->len);
}

static void fix_done(struct fix *f)
{
	snap_free(&f->a);
	snap_free(&f->b);
	dir_remove(&f->d);
	free(f->ia);
	free(f->ib);
	free(f->x);
	free(f->buf);
}

/* A copy of A's index bytes (len + extra bytes of room). */
static unsigned char *copy_a(const struct fix *f, size_t extra)
{
	unsigned char *c = malloc(f->len + extra + 1);
	memcpy(c, f->buf, f->len);
	memset(c + f->len, 0, extra + 1);
	return c;
}

/* Runs fn(arg) in a child process limited to `secs` seconds.  Returns NULL
 * when it returned (exit 0), else how it ended (a sanitizer report makes the
 * child exit non-zero).  The child leaves with _exit(): LeakSanitizer after
 * fork() reports the parent's memory; leaks are checked in the parent. */
static const char *in_child(void (*fn)(void *), void *arg, unsigned secs)
{
	static char why[128];
	pid_t p;
	int st;

	fflush(NULL);
	p = fork();
	assert_true(p >= 0);
	if (p == 0) {
		/* the default actions: cmocka's handlers would carry on with the
		 * next tests in the child */
		static const int sigs[] = { SIGSEGV, SIGBUS, SIGABRT, SIGFPE, SIGILL, SIGALRM };
		size_t i;
		for (i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
			signal(sigs[i], SIG_DFL);
		alarm(secs);
		fn(arg);
		_exit(0);
	}
	if (waitpid(p, &st, 0) != p)
		return "waitpid failed";
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return NULL;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGALRM)
		snprintf(why, sizeof(why), "did not return within %u s (hang)", secs);
	else if (WIFSIGNALED(st))
		snprintf(why, sizeof(why), "killed by signal %d (%s)", WTERMSIG(st), strsignal(WTERMSIG(st)));
	else
		snprintf(why, sizeof(why), "exited with status %d (a sanitizer report or a failed check above)",
			 WEXITSTATUS(st));
	return why;
}

/* ---- round trip -------------------------------------------------------------- */

static void test_roundtrip(void **state)
{
	struct fix f;
	(void)state;
	fix_init(&f);
	assert_true(f.a.s->location_count > 0);
	assert_non_null(f.a.s->detachedness);
	assert_true(f.a.a.classes.n_interfaces > 0);
	assert_true(f.a.a.dom.unreachable > 0 || f.a.a.distance[16] == HS_NO_DISTANCE);
	open_same(f.ia, &KEY_A, 1, &f.a);
	open_same(f.ia, &KEY_A, 0, &f.a);   /* all cores */
	open_same(f.ia, &KEY_A, 3, &f.a);
	open_same(f.ia, &KEY_A, 64, &f.a);  /* more than the thread cap */
	open_same(f.ib, &KEY_B, 2, &f.b);   /* no locations, no extra native bytes */
	/* opening twice at once: two independent mappings */
	{
		struct hs_snapshot *s1, *s2;
		struct hs_error err;
		assert_int_equal(try_open(f.ia, &KEY_A, 1, &s1, &err), HS_INDEX_OK);
		assert_int_equal(try_open(f.ia, &KEY_A, 1, &s2, &err), HS_INDEX_OK);
		assert_true(s1->map != s2->map);
		hs_snapshot_free(s1);
		same_model(f.a.s, s2);
		hs_snapshot_free(s2);
	}
	/* an index-loaded snapshot analysed afresh gives the original analysis */
	{
		struct hs_snapshot *s;
		struct hs_analysis a;
		struct hs_analysis_opts o;
		struct hs_error err;
		assert_int_equal(try_open(f.ia, &KEY_A, 1, &s, &err), HS_INDEX_OK);
		memset(&o, 0, sizeof(o));
		o.parent_edges = 1;
		assert_int_equal(hs_analysis_run(&a, s, &o, &err), 0);
		same_analysis(&f.a.a, &a, f.a.s->node_count);
		hs_analysis_release(&a);
		hs_snapshot_free(s);
	}
	/* a JSON-loaded snapshot has no index analysis */
	{
		struct hs_analysis a;
		assert_int_equal(hs_index_analysis(f.a.s, &a), 0);
	}
	/* the layout: header, table, 64-byte aligned sections, nothing after */
	{
		struct ix_header *h = hdr(f.buf);
		assert_memory_equal(h->magic, IX_MAGIC, 8);
		assert_int_equal(h->index_size, f.len);
		assert_int_equal(h->node_count, f.a.s->node_count);
		assert_int_equal(h->file_size, KEY_A.size);
		assert_int_equal(sec(f.buf, IX_EDGE_TYPE)->count, f.a.s->edge_count);
		assert_int_equal(sec(f.buf, IX_LOCATIONS)->elem, 1); /* packed */
		assert_int_equal(sec(f.buf, IX_EDGE_TO)->offset % IX_ALIGN, 0);
	}
	/* the temporary file is gone */
	assert_int_equal(dir_entries(&f.d), 2);
	fix_done(&f);
}

/* CRC-32C against published check values (the CRC catalogue's "123456789",
 * RFC 3720 appendix B.4's 32-byte vectors), and the instruction version equal
 * to the table version at every alignment and length, chained or not. */
static void test_crc32c(void **state)
{
	unsigned char b[32], *big;
	size_t i, k;
	(void)state;

	assert_int_equal(hs_crc32c(0, "123456789", 9), 0xE3069283u);
	assert_int_equal(hs_crc32c_sw(0, "123456789", 9), 0xE3069283u);
	memset(b, 0, 32);
	assert_int_equal(hs_crc32c(0, b, 32), 0x8A9136AAu);
	memset(b, 0xff, 32);
	assert_int_equal(hs_crc32c(0, b, 32), 0x62A8AB43u);
	for (i = 0; i < 32; i++)
		b[i] = (unsigned char)i;
	assert_int_equal(hs_crc32c(0, b, 32), 0x46DD794Eu);
	assert_int_equal(hs_crc32c_sw(0, b, 32), 0x46DD794Eu);
	for (i = 0; i < 32; i++)
		b[i] = (unsigned char)(31 - i);
	assert_int_equal(hs_crc32c(0, b, 32), 0x113FDB5Cu);
	assert_int_equal(hs_crc32c(0, b, 0), 0);
	big = malloc(5000);
	for (i = 0; i < 5000; i++)
		big[i] = (unsigned char)(i * 2654435761u >> 13);
	for (k = 0; k < 16; k++)
		for (i = 0; i + k <= 5000; i += 37) {
			uint32_t whole = hs_crc32c_sw(0, big + k, i), cut = (uint32_t)(i / 3);
			assert_int_equal(hs_crc32c(0, big + k, i), whole);
			assert_int_equal(hs_crc32c(hs_crc32c(0, big + k, cut), big + k + cut, i - cut), whole);
			assert_int_equal(hs_crc32c_sw(hs_crc32c_sw(0, big + k, cut), big + k + cut, i - cut), whole);
		}
	free(big);
	/* lengths past three 8 KiB blocks (the interleaved streams and their
	 * joining tables), at every alignment */
	big = malloc(100000);
	for (i = 0; i < 100000; i++)
		big[i] = (unsigned char)(i * 2246822519u >> 11);
	for (k = 0; k < 8; k++) {
		static const size_t lens[] = { 768, 769, 24575, 24576, 24577, 3 * 8192 + 3 * 256 + 7, 99000 };
		for (i = 0; i < sizeof(lens) / sizeof(lens[0]); i++) {
			uint32_t whole = hs_crc32c_sw(0, big + k, lens[i]);
			assert_int_equal(hs_crc32c(0, big + k, lens[i]), whole);
			if (lens[i] > 1000)
				assert_int_equal(hs_crc32c(hs_crc32c(0, big + k, 1000), big + k + 1000, lens[i] - 1000),
						 whole);
		}
	}
	free(big);
}

/* hs_index_path and hs_index_key on real files: size, mtime and the CRC-32C
 * of the first and last 64 KiB. */
static void test_key(void **state)
{
	struct dir d;
	struct hs_index_key k;
	struct hs_error err = { 0, "" };
	struct stat st;
	unsigned char *big;
	char *p, *ip;
	size_t i, n = 200000;
	(void)state;

	ip = hs_index_path("/x/y/leak-1.heapsnapshot.gz");
	assert_string_equal(ip, "/x/y/leak-1.heapsnapshot.gz.hsnapidx");
	free(ip);
	dir_new(&d);
	big = malloc(n);
	for (i = 0; i < n; i++)
		big[i] = (unsigned char)(i * 7 + (i >> 9));
	p = dir_file(&d, "big");
	write_bytes(p, big, n);
	assert_int_equal(hs_index_key(p, &k, &err), 0);
	assert_int_equal(stat(p, &st), 0);
	assert_int_equal(k.size, n);
	assert_int_equal(k.mtime_sec, st.st_mtim.tv_sec);
	assert_int_equal(k.mtime_nsec, st.st_mtim.tv_nsec);
	assert_int_equal(k.head_crc, hs_crc32c(0, big, 65536));
	assert_int_equal(k.tail_crc, hs_crc32c(0, big + n - 65536, 65536));
	free(p);
	/* smaller than 64 KiB: both cover the whole file */
	p = dir_file(&d, "small");
	write_bytes(p, big, 1000);
	assert_int_equal(hs_index_key(p, &k, &err), 0);
	assert_int_equal(k.size, 1000);
	assert_int_equal(k.head_crc, hs_crc32c(0, big, 1000));
	assert_int_equal(k.tail_crc, k.head_crc);
	free(p);
	/* empty, missing, a directory */
	p = dir_file(&d, "empty");
	write_bytes(p, "", 0);
	assert_int_equal(hs_index_key(p, &k, &err), 0);
	assert_int_equal(k.size, 0);
	free(p);
	p = dir_file(&d, "missing");
	assert_int_equal(hs_index_key(p, &k, &err), HS_ERR_IO);
	free(p);
	assert_int_equal(hs_index_key(d.path, &k, &err), HS_ERR_IO);
	free(big);
	dir_remove(&d);
}

/* ---- stale, absent, write errors ----------------------------------------------- */

static void test_stale_absent(void **state)
{
	struct fix f;
	struct hs_index_key k;
	char *missing;
	(void)state;
	fix_init(&f);
	k = KEY_A; k.size++;
	open_expect(f.ia, &k, HS_INDEX_STALE, "size changed");
	k = KEY_A; k.size = 0;
	open_expect(f.ia, &k, HS_INDEX_STALE, "size 0");
	k = KEY_A; k.mtime_sec--;
	open_expect(f.ia, &k, HS_INDEX_STALE, "mtime_sec changed");
	k = KEY_A; k.mtime_nsec++;
	open_expect(f.ia, &k, HS_INDEX_STALE, "mtime_nsec changed");
	k = KEY_A; k.head_crc ^= 1;
	open_expect(f.ia, &k, HS_INDEX_STALE, "head_crc changed");
	k = KEY_A; k.tail_crc ^= 0x80000000u;
	open_expect(f.ia, &k, HS_INDEX_STALE, "tail_crc changed");
	/* written with KEY_B, opened with KEY_A: stale */
	open_expect(f.ib, &KEY_A, HS_INDEX_STALE, "index of another key");
	missing = dir_file(&f.d, "nothing.hsnapidx");
	open_expect(missing, &KEY_A, HS_INDEX_ABSENT, "missing file");
	free(missing);
	/* the original key still opens */
	open_same(f.ia, &KEY_A, 1, &f.a);
	fix_done(&f);
}

static void test_write_errors(void **state)
{
	struct fix f;
	struct hs_error err = { 0, "" };
	struct hs_analysis a;
	char *p, *sub;
	(void)state;
	fix_init(&f);
	/* a folder that does not exist */
	p = dir_file(&f.d, "no/such/dir/x.hsnapidx");
	assert_int_equal(hs_index_write(p, &KEY_A, f.a.s, &f.a.a, &err), HS_ERR_IO);
	assert_true(err.msg[0] != '\0');
	free(p);
	/* the target is a non-empty directory: never replaced, no temporary file
	 * left, and opening says it is blocked (not a rebuild that never comes) */
	sub = dir_file(&f.d, "isdir.hsnapidx");
	assert_int_equal(mkdir(sub, 0755), 0);
	p = dir_file(&f.d, "isdir.hsnapidx/keep");
	write_bytes(p, "x", 1);
	assert_int_equal(hs_index_write(sub, &KEY_A, f.a.s, &f.a.a, &err), HS_ERR_IO);
	assert_int_equal(dir_entries(&f.d), 3); /* a, b, isdir: no temporary left */
	assert_int_equal(errno, EEXIST);
	open_expect(sub, &KEY_A, HS_INDEX_BLOCKED, "a directory");
	unlink(p);
	rmdir(sub);
	free(p);
	free(sub);
	/* an analysis without parent edges or distances is refused */
	{
		struct hs_analysis_opts o;
		memset(&o, 0, sizeof(o));
		o.no_distances = 1;
		assert_int_equal(hs_analysis_run(&a, f.a.s, &o, &err), 0);
		assert_int_equal(hs_index_write(f.x, &KEY_A, f.a.s, &a, &err), HS_ERR_USAGE);
		hs_analysis_release(&a);
		memset(&o, 0, sizeof(o));
		assert_int_equal(hs_analysis_run(&a, f.a.s, &o, &err), 0);
		assert_null(a.parent_edge);
		assert_int_equal(hs_index_write(f.x, &KEY_A, f.a.s, &a, &err), HS_ERR_USAGE);
		hs_analysis_release(&a);
		assert_int_equal(access(f.x, F_OK), -1);
	}
	/* rewriting over an existing index replaces it */
	write_index(f.ia, &KEY_B, &f.b);
	open_same(f.ia, &KEY_B, 1, &f.b);
	fix_done(&f);
}

/* ---- corruption ----------------------------------------------------------------- */

/* 1 when byte `off` of the index lies in the alignment padding between
 * sections (covered by no checksum and never read). */
static int in_padding(unsigned char *buf, size_t off)
{
	struct ix_header *h = hdr(buf);
	struct ix_section *t = (struct ix_section *)(buf + sizeof(*h));
	uint32_t i;
	if (off < sizeof(*h) + (size_t)h->nsections * sizeof(*t))
		return 0;
	for (i = 0; i < h->nsections; i++)
		if (off >= t[i].offset && off < t[i].offset + t[i].count * t[i].elem)
			return 0;
	return 1;
}

static void test_flip_every_byte(void **state)
{
	static const unsigned char masks[] = { 0x01, 0x80, 0xff };
	struct fix f;
	unsigned char *c;
	size_t off, bad = 0, pad = 0;
	unsigned m;
	char what[96];
	(void)state;
	fix_init(&f);
	c = copy_a(&f, 0);
	for (off = 0; off < f.len; off++) {
		int padding = in_padding(f.buf, off);
		for (m = 0; m < sizeof(masks); m++) {
			c[off] ^= masks[m];
			write_bytes(f.x, c, f.len);
			snprintf(what, sizeof(what), "byte %zu of %zu ^ 0x%02x", off, f.len, masks[m]);
			if (padding) {
				/* padding: still a sound index, with A's data */
				open_same(f.x, &KEY_A, 1, &f.a);
			} else {
				open_expect(f.x, &KEY_A, HS_INDEX_BAD, what);
				bad++;
			}
			c[off] ^= masks[m];
		}
		pad += (size_t)padding;
	}
	/* every header byte, table byte and section byte was covered */
	assert_true(bad >= (f.len - pad) * sizeof(masks));
	assert_true(pad < (size_t)IX_NIDS * IX_ALIGN);
	free(c);
	fix_done(&f);
}

static void test_truncate_extend_garbage(void **state)
{
	struct fix f;
	size_t table_end, cuts[16], i, nc = 0;
	unsigned char *c, *rnd;
	uint64_t seed = 42;
	char what[64];
	(void)state;
	fix_init(&f);
	table_end = sizeof(struct ix_header) + hdr(f.buf)->nsections * sizeof(struct ix_section);
	cuts[nc++] = 0;
	cuts[nc++] = 1;
	cuts[nc++] = 8;
	cuts[nc++] = 127;
	cuts[nc++] = 128;
	cuts[nc++] = 129;
	cuts[nc++] = table_end - 1;
	cuts[nc++] = table_end;
	cuts[nc++] = table_end + 1;
	cuts[nc++] = sec(f.buf, IX_EDGE_TO)->offset;
	cuts[nc++] = f.len / 2;
	cuts[nc++] = f.len - 64;
	cuts[nc++] = f.len - 2;
	cuts[nc++] = f.len - 1;
	for (i = 0; i < nc; i++) {
		write_bytes(f.x, f.buf, cuts[i]);
		snprintf(what, sizeof(what), "truncated to %zu of %zu", cuts[i], f.len);
		open_expect(f.x, &KEY_A, HS_INDEX_BAD, what);
	}
	/* appended bytes */
	c = copy_a(&f, 4096);
	write_bytes(f.x, c, f.len + 1);
	open_expect(f.x, &KEY_A, HS_INDEX_BAD, "one byte appended");
	write_bytes(f.x, c, f.len + 64);
	open_expect(f.x, &KEY_A, HS_INDEX_BAD, "64 zero bytes appended");
	memset(c + f.len, 0xa5, 4096);
	write_bytes(f.x, c, f.len + 4096);
	open_expect(f.x, &KEY_A, HS_INDEX_BAD, "4096 bytes appended");
	/* the index twice in a row */
	{
		unsigned char *two = malloc(f.len * 2);
		memcpy(two, f.buf, f.len);
		memcpy(two + f.len, f.buf, f.len);
		write_bytes(f.x, two, f.len * 2);
		open_expect(f.x, &KEY_A, HS_INDEX_BAD, "the index twice");
		free(two);
	}
	free(c);
	/* empty file, random bytes, zeros, random bytes after a valid magic */
	write_bytes(f.x, "", 0);
	open_expect(f.x, &KEY_A, HS_INDEX_BAD, "empty file");
	rnd = malloc(1 << 16);
	for (i = 0; i < (1u << 16); i++)
		rnd[i] = (unsigned char)rnd_next(&seed);
	write_bytes(f.x, rnd, 1 << 16);
	open_expect(f.x, &KEY_A, HS_INDEX_BAD, "random bytes");
	memcpy(rnd, IX_MAGIC, 8);
	write_bytes(f.x, rnd, 1 << 16);
	open_expect(f.x, &KEY_A, HS_INDEX_BAD, "magic then random bytes");
	memcpy(rnd, f.buf, 128); /* A's header, then garbage of another size */
	write_bytes(f.x, rnd, 1 << 16);
	open_expect(f.x, &KEY_A, HS_INDEX_BAD, "A's header then random bytes");
	memset(rnd, 0, 1 << 16);
	write_bytes(f.x, rnd, 1 << 16);
	open_expect(f.x, &KEY_A, HS_INDEX_BAD, "zeros");
	free(rnd);
	fix_done(&f);
}

/* An index is tied to a snapshot by its key only: B's index written under A's
 * key opens with A's key and gives B's data.  This is by design (hsnap writes
 * an index only with the key it read from the snapshot it parsed; a file that
 * lies about its key has passed every checksum and range check, so it is at
 * worst a consistent wrong model, never an unsafe one).  The same bytes under
 * another key are stale. */
static void test_foreign(void **state)
{
	struct fix f;
	(void)state;
	fix_init(&f);
	write_index(f.x, &KEY_A, &f.b);
	open_same(f.x, &KEY_A, 1, &f.b);
	open_expect(f.x, &KEY_B, HS_INDEX_STALE, "B's index under key A opened with key B");
	write_index(f.x, &KEY_B, &f.a);
	open_expect(f.x, &KEY_A, HS_INDEX_STALE, "A's index under key B opened with key A");
	open_same(f.x, &KEY_B, 1, &f.a);
	fix_done(&f);
}

/* ---- hostile files with valid checksums ------------------------------------------- */

typedef void (*edit_fn)(struct fix *f, unsigned char *c);

/* Applies edit to a copy of A's index, fixes every checksum and expects BAD
 * with `word` in the reason. */
static void hostile(struct fix *f, const char *what, edit_fn edit, const char *word)
{
	struct hs_snapshot *s = NULL;
	struct hs_error err;
	enum hs_index_state st;
	unsigned char *c = copy_a(f, 0);
	size_t len = f->len;
	int jobs;

	edit(f, c);
	repack(&c, &len);
	refresh(c, len);
	write_bytes(f->x, c, len);
	free(c);
	for (jobs = 1; jobs <= 4; jobs += 3) { /* one thread, and several checking at once */
		st = try_open(f->x, &KEY_A, jobs, &s, &err);
		if (st == HS_INDEX_OK)
			hs_snapshot_free(s);
		if (st != HS_INDEX_BAD)
			fail_msg("hostile index (%s, jobs %d): state %d, expected BAD", what, jobs, (int)st);
		if (word && !strstr(err.msg, word))
			fail_msg("hostile index (%s, jobs %d): reason '%s' lacks '%s'", what, jobs, err.msg, word);
	}
}

#define U32(c, id) ((uint32_t *)sdata((c), (id)))
#define U64(c, id) ((uint64_t *)sdata((c), (id)))
#define U8(c, id) ((uint8_t *)sdata((c), (id)))

static uint32_t nn(unsigned char *c) { return hdr(c)->node_count; }

static void e_edge_to(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_EDGE_TO)[3] = nn(c); }
static void e_edge_to_last(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_EDGE_TO)[hdr(c)->edge_count - 1] = UINT32_MAX; }
static void e_node_name(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_NODE_NAME)[5] = hdr(c)->string_count; }
static void e_class_of(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_CLASS_OF)[nn(c) - 1] = hdr(c)->class_count; }
static void e_str_off(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_STR_OFF)[3] = U64(c, IX_STR_OFF)[2]; }
static void e_str_off_nul(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_STR_OFF)[3]++; }
static void e_str_off_end(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_STR_OFF)[hdr(c)->string_count]--; }
static void e_first_edge(struct fix *f, unsigned char *c)
{
	uint32_t *fe = U32(c, IX_FIRST_EDGE), i;
	(void)f;
	for (i = 1; fe[i] == 0; i++)
		;
	fe[i + 1] = fe[i] - 1; /* decreasing */
}
static void e_first_edge_end(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_FIRST_EDGE)[nn(c)]++; }
static void e_first_edge_0(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_FIRST_EDGE)[0] = 1; }
/* the dominator CSR is rebuilt from idom, never read from the file */
static void e_sec_derived(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_NODE_ID)->id = IX_DOM_FIRST; }
static void e_idom(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_IDOM)[4] = nn(c); }
static void e_parent_edge(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_PARENT_EDGE)[4] = hdr(c)->edge_count; }
/* (types beyond meta.node_types are legal: old V8's symbols) */
static void e_node_type(struct fix *f, unsigned char *c) { (void)f; U8(c, IX_NODE_TYPE)[2] = HS_NO_TYPE; }
static void e_edge_type(struct fix *f, unsigned char *c) { U8(c, IX_EDGE_TYPE)[1] = (uint8_t)f->a.s->n_edge_types; }
static void e_edge_name(struct fix *f, unsigned char *c)
{
	uint32_t e;
	for (e = 0; f->a.s->edge_type[e] != f->a.s->t.e_property; e++)
		;
	U32(c, IX_EDGE_NAME)[e] = hdr(c)->string_count;
}
static void e_detached(struct fix *f, unsigned char *c) { (void)f; U8(c, IX_DETACHED)[9] = 4; }
static void e_dom_state(struct fix *f, unsigned char *c) { (void)f; U8(c, IX_DOM_STATE)[9] = 4; }
static void e_distance(struct fix *f, unsigned char *c) { (void)f; ((int32_t *)sdata(c, IX_DISTANCE))[3] = -6; }
static void e_distance_min(struct fix *f, unsigned char *c) { (void)f; ((int32_t *)sdata(c, IX_DISTANCE))[1] = INT32_MIN; }
static void e_loc_node(struct fix *f, unsigned char *c) { (void)f; ((struct hs_location *)sdata(c, IX_LOCATIONS))[2].node = nn(c); }
static void e_loc_order(struct fix *f, unsigned char *c)
{
	struct hs_location *l = sdata(c, IX_LOCATIONS);
	(void)f;
	l[1].node = l[0].node;
}
static void e_loc_script(struct fix *f, unsigned char *c) { (void)f; ((struct hs_location *)sdata(c, IX_LOCATIONS))[0].script_node = nn(c); }
static void e_cls_off(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_CLS_OFF)[2] = U64(c, IX_CLS_OFF)[1]; }
static void e_meta_root(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_META)[4] = nn(c); }
static void e_meta_list(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_META)[5] = 70000; }
/* header and table */
static void e_no_nodes(struct fix *f, unsigned char *c) { (void)f; hdr(c)->node_count = 0; }
static void e_nodes_minus(struct fix *f, unsigned char *c) { (void)f; hdr(c)->node_count--; }
static void e_edges_plus(struct fix *f, unsigned char *c) { (void)f; hdr(c)->edge_count++; }
static void e_strings_minus(struct fix *f, unsigned char *c) { (void)f; hdr(c)->string_count--; }
static void e_classes_plus(struct fix *f, unsigned char *c) { (void)f; hdr(c)->class_count++; }
static void e_version(struct fix *f, unsigned char *c) { (void)f; hdr(c)->version = IX_VERSION + 1; }
static void e_endian(struct fix *f, unsigned char *c) { (void)f; hdr(c)->endian = 0x04030201u; }
static void e_nsections_big(struct fix *f, unsigned char *c) { (void)f; hdr(c)->nsections = IX_NIDS + 1; }
static void e_nsections_huge(struct fix *f, unsigned char *c) { (void)f; hdr(c)->nsections = 0x10000000u; }
static void e_nsections_less(struct fix *f, unsigned char *c) { (void)f; hdr(c)->nsections--; }
static void e_sec_dup(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_EDGE_NAME)->id = IX_EDGE_TO; }
static void e_sec_zero(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_EDGE_NAME)->id = 0; }
static void e_sec_unknown(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_EDGE_NAME)->id = IX_NIDS; }
static void e_sec_elem(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_EDGE_TO)->elem = 8; }
static void e_sec_count(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_EDGE_TO)->count--; }
static void e_sec_count_huge(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_STR_ARENA)->count = UINT64_MAX / 2; }
static void e_sec_misaligned(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_EDGE_TO)->offset += 4; }
static void e_sec_in_table(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_NODE_TYPE)->offset = 64; }
static void e_sec_past_end(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_NODE_TYPE)->offset = (hdr(c)->index_size + 128) / 64 * 64; }
static void e_sec_near_end(struct fix *f, unsigned char *c)
{
	struct ix_section *x = sec(c, IX_SELF);
	(void)f;
	x->offset = hdr(c)->index_size / 64 * 64;
	x->count = (hdr(c)->index_size - x->offset) / x->elem + 1; /* one past */
}
static void e_sec_wrap(struct fix *f, unsigned char *c) { (void)f; sec(c, IX_SELF)->offset = UINT64_MAX / 64 * 64; }
static void e_index_size(struct fix *f, unsigned char *c) { (void)f; hdr(c)->index_size -= 1; }

/* Snapshot A with detachedness 3 on the <span> (the loader takes 0-3; the
 * dominator state copies it). */
static void make_a3(struct tb *t)
{
	make_a(t);
	t->nodes[10].detach = 3;
}

/* Load and index agree on every value: detachedness 3 is written and reopened
 * (before: the index check allowed dom_state 0-2 only, so every run parsed
 * and rewrote the index). */
static void test_detachedness3_roundtrip(void **state)
{
	struct fix f;
	struct snap x;
	(void)state;
	fix_init(&f);
	snap_load(&x, make_a3, NULL);
	assert_int_equal(x.s->detachedness[10], 3);
	assert_int_equal(x.a.dom_state[10], 3);
	write_index(f.x, &KEY_A, &x);
	open_same(f.x, &KEY_A, 1, &x);
	open_same(f.x, &KEY_A, 4, &x);
	snap_free(&x);
	fix_done(&f);
}

/* hs_index_compare (--verify-index): an index equals a fresh parse of its
 * own snapshot, and differs from another snapshot's (A with one more
 * detached node: only the detachedness-derived sections differ). */
static void test_compare(void **state)
{
	struct fix f;
	struct snap x;
	struct hs_snapshot *s = NULL;
	struct hs_error err = { 0, "" };
	(void)state;
	fix_init(&f);
	snap_load(&x, make_a3, NULL);
	assert_int_equal(try_open(f.ia, &KEY_A, 1, &s, &err), HS_INDEX_OK);
	if (!hs_index_compare(s, f.a.s, &f.a.a, &err))
		fail_msg("an index differs from its own snapshot: %s", err.msg);
	assert_int_equal(hs_index_compare(s, x.s, &x.a, &err), 0);
	assert_non_null(strstr(err.msg, "section 7 differs")); /* IX_DETACHED, the first */
	assert_int_equal(hs_index_compare(s, f.b.s, &f.b.a, &err), 0);
	assert_non_null(strstr(err.msg, "differs"));
	hs_snapshot_free(s);
	snap_free(&x);
	fix_done(&f);
}

/* ---- a file changed after the check (issue 14, item 3) ---------------------- */

/* Whoever can write the index file can change it after hs_index_open checked
 * it.  What was checked must be what is used: every section (raw ones are
 * private copies, packed ones decoded) is overwritten with 0xff in the file
 * itself, with the header and the section table, while the snapshot is open;
 * the snapshot must still show the checked values.
 * (Before: the mapping shared its pages with the page cache and checked
 * pages were even dropped and read back, so it showed 0xff: out-of-range
 * nodes, edges and string offsets.) */
static void test_changed_after_check(void **state)
{
	struct fix f;
	int jobs;
	(void)state;
	fix_init(&f);
	for (jobs = 1; jobs <= 4; jobs += 3) {
		struct hs_snapshot *s = NULL;
		struct hs_analysis a;
		struct hs_error err;
		struct ix_section *t = (struct ix_section *)(f.buf + sizeof(struct ix_header));
		unsigned char ff[4096];
		uint32_t i, hit = 0;
		int fd;

		memset(ff, 0xff, sizeof(ff));
		write_bytes(f.x, f.buf, f.len);
		if (try_open(f.x, &KEY_A, jobs, &s, &err) != HS_INDEX_OK)
			fail_msg("open (jobs %d): %s", jobs, err.msg);
		fd = open(f.x, O_WRONLY);
		assert_true(fd >= 0);
		assert_int_equal(pwrite(fd, ff, sizeof(struct ix_header) + hdr(f.buf)->nsections * sizeof(*t), 0),
				 (ssize_t)(sizeof(struct ix_header) + hdr(f.buf)->nsections * sizeof(*t)));
		for (i = 0; i < hdr(f.buf)->nsections; i++) {
			uint64_t off = t[i].offset, end = off + t[i].count * t[i].elem;
			for (; off < end; off += sizeof(ff)) {
				size_t n = end - off < sizeof(ff) ? (size_t)(end - off) : sizeof(ff);
				assert_int_equal(pwrite(fd, ff, n, (off_t)off), (ssize_t)n);
			}
			hit++;
		}
		assert_int_equal(close(fd), 0);
		assert_true(hit >= 20);
		{ /* the file did change */
			size_t len;
			unsigned char *now = read_bytes(f.x, &len);
			assert_true(len == f.len && memcmp(now, f.buf, len) != 0);
			free(now);
		}
		same_model(f.a.s, s);
		assert_int_equal(hs_index_analysis(s, &a), 1);
		same_analysis(&f.a.a, &a, f.a.s->node_count);
		hs_analysis_release(&a);
		hs_snapshot_free(s);
	}
	fix_done(&f);
}

/* ---- lazy decoding (hs_index_open_lazy, issue 17) ------------------------------ */

static const uint64_t LAZY = IX_BIT(IX_A_SELF) | IX_BIT(IX_IDOM) | IX_BIT(IX_RETAINED) | IX_BIT(IX_DOM_FIRST) |
			     IX_BIT(IX_DOM_CHILDREN) | IX_BIT(IX_DISTANCE) | IX_BIT(IX_PARENT_EDGE) | IX_BIT(IX_CLASS_OF);

static enum hs_index_state try_open_lazy(const char *path, const struct hs_index_key *k, int jobs,
					 struct hs_snapshot **out, struct hs_error *err)
{
	err->status = 0;
	err->msg[0] = '\0';
	return hs_index_open_lazy(path, k, jobs, "snap", out, err);
}

#define SAME_ARR(x, y, n) assert_memory_equal((x), (y), sizeof(*(x)) * (size_t)(n))

/* Opened lazily, no analysis section is decoded; each request decodes what
 * it asks for and nothing else; what it gets equals the fresh analysis. */
static void test_lazy_decodes_on_use(void **state)
{
	struct fix f;
	int jobs;
	(void)state;
	fix_init(&f);
	for (jobs = 1; jobs <= 4; jobs += 3) {
		const struct hs_analysis *x = &f.a.a;
		struct hs_snapshot *s = NULL;
		struct hs_analysis a;
		struct hs_error err;
		uint32_t n = f.a.s->node_count;

		if (try_open_lazy(f.ia, &KEY_A, jobs, &s, &err) != HS_INDEX_OK)
			fail_msg("lazy open (jobs %d): %s", jobs, err.msg);
		same_model(f.a.s, s);
		assert_true(hs_index_pending(s) == LAZY);
		assert_true((hs_index_decoded(s) & LAZY) == 0);
		assert_true(hs_index_decoded(s) & IX_BIT(IX_EDGE_TO)); /* the model's, at open */
		/* a comparison side: no distances, no parent edges */
		assert_int_equal(hs_index_analysis_for(s, &a, 0, &err), 1);
		assert_null(a.distance);
		assert_null(a.parent_edge);
		assert_true(hs_index_pending(s) == (IX_BIT(IX_DISTANCE) | IX_BIT(IX_PARENT_EDGE)));
		SAME_ARR(x->dom.idom, a.dom.idom, n);
		SAME_ARR(x->dom.retained, a.dom.retained, n);
		SAME_ARR(x->self_size.lo, a.self_size.lo, n);
		assert_int_equal(!x->self_size.hi, !a.self_size.hi);
		if (x->self_size.hi)
			SAME_ARR(x->self_size.hi, a.self_size.hi, n);
		SAME_ARR(x->classes.class_of, a.classes.class_of, n);
		SAME_ARR(x->dom.dom_first, a.dom.dom_first, n + 1);
		SAME_ARR(x->dom.dom_children, a.dom.dom_children, n - 1);
		hs_analysis_release(&a);
		/* distances without parent edges */
		assert_int_equal(hs_index_analysis_for(s, &a, HS_INDEX_NEED_DISTANCES, &err), 1);
		assert_null(a.parent_edge);
		SAME_ARR(x->distance, a.distance, n);
		assert_true(hs_index_pending(s) == IX_BIT(IX_PARENT_EDGE));
		hs_analysis_release(&a);
		/* everything */
		assert_int_equal(hs_index_analysis(s, &a), 1);
		same_analysis(x, &a, n);
		assert_true(hs_index_pending(s) == 0 && (hs_index_decoded(s) & LAZY) == LAZY);
		hs_analysis_release(&a);
		hs_snapshot_free(s);
	}
	fix_done(&f);
}

static void e_lazy_idom(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_IDOM)[4] = hdr(c)->node_count; }
static void e_lazy_parent(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_PARENT_EDGE)[4] = hdr(c)->edge_count; }
static void e_lazy_class(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_CLASS_OF)[1] = hdr(c)->class_count; }
static void e_lazy_dist(struct fix *f, unsigned char *c) { (void)f; ((int32_t *)sdata(c, IX_DISTANCE))[3] = -6; }

/* A hostile analysis section (valid checksums) opens lazily, fails when it
 * is asked for (never lent: the model stays sound) and is never checked, or
 * used, when it is not. */
static void test_lazy_hostile(void **state)
{
	static const struct { edit_fn edit; uint32_t id; unsigned need_ok; } cases[] = {
		{ e_lazy_idom, IX_IDOM, 99 },
		{ e_lazy_class, IX_CLASS_OF, 99 },
		{ e_lazy_dist, IX_DISTANCE, 0 },
		{ e_lazy_parent, IX_PARENT_EDGE, HS_INDEX_NEED_DISTANCES },
	};
	struct fix f;
	size_t k;
	(void)state;
	fix_init(&f);
	for (k = 0; k < sizeof(cases) / sizeof(cases[0]); k++) {
		struct hs_snapshot *s = NULL;
		struct hs_analysis a;
		struct hs_error err;
		unsigned char *c = copy_a(&f, 0);
		size_t len = f.len;
		char want[32];

		cases[k].edit(&f, c);
		repack(&c, &len);
		refresh(c, len);
		write_bytes(f.x, c, len);
		free(c);
		assert_int_equal(try_open(f.x, &KEY_A, 1, &s, &err), HS_INDEX_BAD); /* eager: at open */
		if (try_open_lazy(f.x, &KEY_A, 2, &s, &err) != HS_INDEX_OK)
			fail_msg("lazy open of a hostile section %u: %s", cases[k].id, err.msg);
		same_model(f.a.s, s);
		if (cases[k].need_ok != 99) {
			assert_int_equal(hs_index_analysis_for(s, &a, cases[k].need_ok, &err), 1);
			assert_true(hs_index_pending(s) & IX_BIT(cases[k].id));
			hs_analysis_release(&a);
		}
		assert_int_equal(hs_index_analysis_for(s, &a, HS_INDEX_NEED_DISTANCES | HS_INDEX_NEED_PARENTS, &err), -1);
		snprintf(want, sizeof(want), "section %u:", cases[k].id);
		if (!strstr(err.msg, want) || !strstr(err.msg, "out of range"))
			fail_msg("hostile section %u: reason '%s'", cases[k].id, err.msg);
		assert_null(a.dom.idom);
		assert_null(a.classes.class_of);
		assert_true(hs_index_pending(s) & IX_BIT(cases[k].id));
		assert_int_equal(hs_index_analysis(s, &a), 0);
		hs_snapshot_free(s);
	}
	fix_done(&f);
}

/* The file overwritten after a lazy open: the model was checked and copied
 * at open and stays what it was; the deferred sections fail their checksum
 * when they are decoded, and are not lent. */
static void test_lazy_changed_after_open(void **state)
{
	struct fix f;
	struct hs_snapshot *s = NULL;
	struct hs_analysis a;
	struct hs_error err;
	unsigned char ff[4096];
	uint32_t i;
	int fd, rc;
	(void)state;
	fix_init(&f);
	memset(ff, 0xff, sizeof(ff));
	write_bytes(f.x, f.buf, f.len);
	if (try_open_lazy(f.x, &KEY_A, 2, &s, &err) != HS_INDEX_OK)
		fail_msg("lazy open: %s", err.msg);
	fd = open(f.x, O_WRONLY);
	assert_true(fd >= 0);
	for (i = 0; i < hdr(f.buf)->nsections; i++) {
		const struct ix_section *t = (const struct ix_section *)(f.buf + sizeof(struct ix_header)) + i;
		uint64_t off = t->offset, end = off + t->count * t->elem;
		for (; off < end; off += sizeof(ff)) {
			size_t n = end - off < sizeof(ff) ? (size_t)(end - off) : sizeof(ff);
			assert_int_equal(pwrite(fd, ff, n, (off_t)off), (ssize_t)n);
		}
	}
	assert_int_equal(close(fd), 0);
	same_model(f.a.s, s);
	/* bytes on a page that a raw section's check made private are the ones
	 * checked at open (this small index has no page of its own for any
	 * section): then the analysis is the fresh one; else the change is
	 * seen, and nothing is lent */
	rc = hs_index_analysis_for(s, &a, HS_INDEX_NEED_DISTANCES | HS_INDEX_NEED_PARENTS, &err);
	if (rc == 1) {
		same_analysis(&f.a.a, &a, f.a.s->node_count);
		hs_analysis_release(&a);
	} else {
		assert_int_equal(rc, -1);
		assert_non_null(strstr(err.msg, "checksum mismatch"));
		assert_null(a.dom.retained);
	}
	same_model(f.a.s, s);
	hs_snapshot_free(s);
	fix_done(&f);
}

static void test_hostile(void **state)
{
	struct fix f;
	struct hs_snapshot *s;
	struct hs_error err;
	(void)state;
	fix_init(&f);
	/* refresh() alone keeps a sound index */
	{
		unsigned char *c = copy_a(&f, 0);
		refresh(c, f.len);
		assert_memory_equal(c, f.buf, f.len);
		free(c);
	}
	/* values out of range */
	hostile(&f, "edge_to = node_count", e_edge_to, "range");
	hostile(&f, "last edge_to = UINT32_MAX", e_edge_to_last, "range");
	hostile(&f, "node_name = string_count", e_node_name, "range");
	hostile(&f, "class_of = class_count", e_class_of, "range");
	hostile(&f, "str_off not increasing", e_str_off, "range");
	hostile(&f, "str_off not after a NUL", e_str_off_nul, "range");
	hostile(&f, "str_off[count] != arena length", e_str_off_end, "range");
	hostile(&f, "first_edge decreasing", e_first_edge, "range");
	hostile(&f, "first_edge[n] != edge_count", e_first_edge_end, "range");
	hostile(&f, "first_edge[0] != 0", e_first_edge_0, "range");
	hostile(&f, "a dom_first section (never stored)", e_sec_derived, "mistyped");
	hostile(&f, "idom = node_count", e_idom, "range");
	hostile(&f, "parent_edge = edge_count", e_parent_edge, "range");
	hostile(&f, "node_type = HS_NO_TYPE", e_node_type, "range");
	hostile(&f, "edge_type = number of types", e_edge_type, "range");
	hostile(&f, "property edge name = string_count", e_edge_name, "range");
	hostile(&f, "detachedness 4", e_detached, "range");
	/* detachedness 3 (the loader's limit) propagates into dom_state: 4 is out */
	hostile(&f, "dom_state 4", e_dom_state, "range");
	/* distances are >= 0 or HS_NO_DISTANCE (paths.c computes dist - 1) */
	hostile(&f, "distance -6", e_distance, "range");
	hostile(&f, "distance INT32_MIN", e_distance_min, "range");
	hostile(&f, "location node = node_count", e_loc_node, "range");
	hostile(&f, "locations not sorted", e_loc_order, "range");
	hostile(&f, "location script_node = node_count", e_loc_script, "range");
	hostile(&f, "class name offsets not increasing", e_cls_off, "range");
	hostile(&f, "root = node_count", e_meta_root, "metadata");
	hostile(&f, "meta list of 70000 names", e_meta_list, "metadata");
	/* header and section table */
	hostile(&f, "node_count 0", e_no_nodes, NULL);
	hostile(&f, "node_count - 1", e_nodes_minus, NULL);
	hostile(&f, "edge_count + 1", e_edges_plus, NULL);
	hostile(&f, "string_count - 1", e_strings_minus, NULL);
	hostile(&f, "class_count + 1", e_classes_plus, NULL);
	hostile(&f, "another version", e_version, "version");
	hostile(&f, "another byte order", e_endian, "byte order");
	hostile(&f, "nsections > IX_NIDS", e_nsections_big, NULL);
	hostile(&f, "nsections huge", e_nsections_huge, NULL);
	hostile(&f, "a section missing", e_nsections_less, "missing");
	hostile(&f, "a section twice", e_sec_dup, "repeated");
	hostile(&f, "section id 0", e_sec_zero, NULL);
	hostile(&f, "section id IX_NIDS", e_sec_unknown, NULL);
	hostile(&f, "wrong element size", e_sec_elem, NULL);
	hostile(&f, "wrong element count", e_sec_count, NULL);
	hostile(&f, "huge element count", e_sec_count_huge, NULL);
	hostile(&f, "misaligned section", e_sec_misaligned, NULL);
	hostile(&f, "section inside the table", e_sec_in_table, NULL);
	hostile(&f, "section past the end", e_sec_past_end, NULL);
	hostile(&f, "section running past the end", e_sec_near_end, NULL);
	hostile(&f, "section offset near 2^64", e_sec_wrap, NULL);
	hostile(&f, "index_size != file size", e_index_size, NULL);
	/* and A's index is still fine */
	assert_int_equal(try_open(f.ia, &KEY_A, 1, &s, &err), HS_INDEX_OK);
	hs_snapshot_free(s);
	fix_done(&f);
}

/* An empty section (count 0) whose offset is the end of the file passes every
 * check (offset <= size, count <= (size - offset) / elem); its pointer is then
 * one past the mapping, which a check of pointer ranges (before the lent
 * arrays were marked) did not count as the mapping's, so hs_snapshot_free /
 * hs_analysis_release would free() it.
 * Expected: BAD, or OK and freed without harm. */
struct empty_end {
	struct fix *f;
	const char *path;
	const struct hs_index_key *k;
};

static void empty_end_child(void *arg)
{
	struct empty_end *e = arg;
	struct hs_snapshot *s = NULL;
	struct hs_analysis a;
	struct hs_error err;
	enum hs_index_state st = try_open(e->path, e->k, 1, &s, &err);
	if (st == HS_INDEX_BAD)
		return;
	if (st != HS_INDEX_OK) {
		fprintf(stderr, "empty section at the end: state %d (%s)\n", (int)st, err.msg);
		_exit(3);
	}
	if (hs_index_analysis(s, &a))
		hs_analysis_release(&a);
	hs_snapshot_free(s);
}

static void test_hostile_empty_section_at_end(void **state)
{
	struct fix f;
	unsigned char *c;
	size_t len;
	struct empty_end e;
	const char *why;
	(void)state;
	fix_init(&f);
	/* B has no locations: LOCATIONS is empty; move it to the very end, the
	 * file padded to a multiple of 64 bytes */
	free(f.buf);
	f.buf = read_bytes(f.ib, &f.len);
	assert_int_equal(sec(f.buf, IX_LOCATIONS)->count, 0);
	len = (f.len + IX_ALIGN - 1) / IX_ALIGN * IX_ALIGN;
	c = calloc(1, len);
	memcpy(c, f.buf, f.len);
	hdr(c)->index_size = len;
	sec(c, IX_LOCATIONS)->offset = len;
	refresh(c, len);
	write_bytes(f.x, c, len);
	e.f = &f;
	e.path = f.x;
	e.k = &KEY_B;
	why = in_child(empty_end_child, &e, 30);
	free(c);
	fix_done(&f);
	if (why)
		fail_msg("hs_index_open + hs_snapshot_free of an index whose empty LOCATIONS "
			 "section sits at the end of the file: %s", why);
}

/* A malformed interfaces blob (checksummed, so only a hostile file): the
 * first name's length is beyond the blob.  hs_index_analysis drops the
 * definitions; nothing may crash (checked in a child) or leak (checked here:
 * the heap in use, glibc's mallinfo2, must not grow over repeated opens;
 * under ASan, LeakSanitizer reports the same at exit). */
static void bad_interfaces_child(void *arg)
{
	struct fix *f = arg;
	struct hs_snapshot *s = NULL;
	struct hs_analysis a;
	struct hs_error err;
	enum hs_index_state st = try_open(f->x, &KEY_A, 1, &s, &err);
	if (st == HS_INDEX_BAD)
		return;
	if (st != HS_INDEX_OK) {
		fprintf(stderr, "bad interfaces: state %d (%s)\n", (int)st, err.msg);
		_exit(3);
	}
	if (hs_index_analysis(s, &a)) {
		if (a.classes.interfaces.count != 0) {
			fprintf(stderr, "bad interfaces: %u definitions kept\n", a.classes.interfaces.count);
			_exit(4);
		}
		hs_analysis_release(&a);
	}
	hs_snapshot_free(s);
}

static size_t heap_in_use(void)
{
#if defined(__GLIBC__) && (__GLIBC__ > 2 || (__GLIBC__ == 2 && __GLIBC_MINOR__ >= 33))
	struct mallinfo2 m = mallinfo2();
	return m.uordblks + m.hblkhd;
#else
	return 0;
#endif
}

/* 1 when repeated open + hs_index_analysis + release cycles of path leak:
 * the heap grows by at least 16 bytes (the smallest chunk) a round, over 10
 * rounds and again over the next 30 (one-time allocations and allocator
 * noise do not grow with the rounds). */
static int open_cycles_leak(const char *path, size_t *per_round)
{
	size_t mark[3] = { 0, 0, 0 };
	int i;
	for (i = 0; i < 43; i++) {
		struct hs_snapshot *s = NULL;
		struct hs_analysis a;
		struct hs_error err;
		if (i == 3)
			mark[0] = heap_in_use();
		else if (i == 13)
			mark[1] = heap_in_use();
		if (try_open(path, &KEY_A, 1, &s, &err) != HS_INDEX_OK)
			return 0;
		if (hs_index_analysis(s, &a))
			hs_analysis_release(&a);
		hs_snapshot_free(s);
	}
	mark[2] = heap_in_use();
	*per_round = mark[2] > mark[1] ? (mark[2] - mark[1]) / 30 : 0;
	return mark[1] >= mark[0] + 10 * 16 && mark[2] >= mark[1] + 30 * 16;
}

static void test_hostile_interfaces(void **state)
{
	struct fix f;
	unsigned char *c;
	uint64_t *blob;
	const char *why;
	size_t sound_round, hostile_round;
	int sound, hostile_leak;
	(void)state;
	fix_init(&f);
	c = copy_a(&f, 0);
	blob = U64(c, IX_INTERFACES);
	assert_true(blob[0] >= 1);             /* A infers at least one */
	blob[1] = (uint64_t)1 << 40;           /* first name: 1 TiB long */
	refresh(c, f.len);
	write_bytes(f.x, c, f.len);
	free(c);
	why = in_child(bad_interfaces_child, &f, 30);
	sound = open_cycles_leak(f.ia, &sound_round);
	hostile_leak = open_cycles_leak(f.x, &hostile_round);
	fix_done(&f);
	if (why)
		fail_msg("index with a malformed interfaces blob: %s", why);
	if (sound)
		fail_msg("opening a sound index repeatedly leaks about %zu bytes a time", sound_round);
	if (hostile_leak)
		fail_msg("an index whose interfaces blob is malformed (all checksums valid): "
			 "hs_index_open + hs_index_analysis + hs_analysis_release + hs_snapshot_free "
			 "leaks about %zu bytes a time (decode_interfaces)", hostile_round);
}

/* ---- a dominator "tree" with a cycle ------------------------------------------------- */

/* Two non-root nodes x, y: y a dominator-tree child of x with children of its
 * own.  The edit makes x a child of y (replacing y's first child) and
 * idom[x] = y: x and y dominate each other.  Every value stays in range and
 * every checksum is fixed, so opening may return OK (it does not check that
 * the tree is a tree); what runs over it must still return. */
struct cyc {
	struct fix *f;
	int idom_only;
	int rename;
};

static void cyc_pick(const struct snap *x, uint32_t *px, uint32_t *py)
{
	const struct hs_dominators *d = &x->a.dom;
	uint32_t n = x->s->node_count, a, k;
	for (a = 0; a < n; a++) {
		if (a == x->s->root)
			continue;
		for (k = d->dom_first[a]; k < d->dom_first[a + 1]; k++) {
			uint32_t b = d->dom_children[k];
			if (d->dom_first[b + 1] > d->dom_first[b]) {
				*px = a;
				*py = b;
				return;
			}
		}
	}
	fail_msg("no node with a grandchild in the dominator tree");
}

static void cyc_child(void *arg)
{
	struct cyc *cy = arg;
	struct hs_snapshot *s = NULL;
	struct hs_analysis a;
	struct hs_error err;
	uint32_t n, i, w;
	uint64_t *members, *outer;
	enum hs_index_state st = try_open(cy->f->x, &KEY_A, 1, &s, &err);

	if (st == HS_INDEX_BAD)
		return; /* rejecting it is fine too */
	if (st != HS_INDEX_OK) {
		fprintf(stderr, "cycle: state %d (%s)\n", (int)st, err.msg);
		_exit(3);
	}
	if (!hs_index_analysis(s, &a))
		_exit(5);
	n = s->node_count;
	w = n / 64 + 2;
	members = calloc(w, sizeof(uint64_t));
	outer = calloc(w, sizeof(uint64_t));
	/* every node a member: the tree walk */
	for (i = 0; i < n; i++)
		members[i >> 6] |= (uint64_t)1 << (i & 63);
	hs_outermost_members(&a.dom, s->root, n, members, outer);
	memset(outer, 0, w * sizeof(uint64_t));
	hs_outermost_by_class(&a.dom, s->root, n, members, a.classes.class_of, a.classes.names.count, outer);
	/* one member: the upward walks along idom */
	for (i = 0; i < n; i++) {
		memset(members, 0, w * sizeof(uint64_t));
		memset(outer, 0, w * sizeof(uint64_t));
		members[i >> 6] |= (uint64_t)1 << (i & 63);
		hs_outermost_members(&a.dom, s->root, n, members, outer);
		hs_outermost_by_class(&a.dom, s->root, n, members, a.classes.class_of, a.classes.names.count, outer);
	}
	free(members);
	free(outer);
	/* diff and growth rename the older snapshots' classes (hs_analysis_rename
	 * re-aggregates over the dominator tree) */
	if (cy->rename) {
		struct hs_interfaces own;
		hs_interfaces_copy(&own, &a.classes.interfaces);
		hs_analysis_rename(&a, &own);
		hs_interfaces_release(&own);
	}
	hs_analysis_release(&a);
	hs_snapshot_free(s);
}

static void cyc_write(struct fix *f, int idom_only)
{
	unsigned char *c = copy_a(f, 0);
	size_t len = f->len;
	uint32_t x = 0, y = 0, *idom; /* set by cyc_pick, or it fails the test */
	/* (since format 4 the dominator CSR is rebuilt from idom at open, so an
	 * idom cycle is a dom_children cycle too: both cases are this edit) */
	(void)idom_only;
	cyc_pick(&f->a, &x, &y);
	idom = U32(c, IX_IDOM);
	assert_int_equal(idom[y], x);
	idom[x] = y;
	repack(&c, &len);
	refresh(c, len);
	write_bytes(f->x, c, len);
	free(c);
}

static void test_dominator_cycle(void **state)
{
	struct fix f;
	struct cyc cy;
	const char *why;
	(void)state;
	fix_init(&f);
	cy.f = &f;
	/* idom only (dom_children still a tree) */
	cyc_write(&f, 1);
	cy.idom_only = 1;
	cy.rename = 0;
	why = in_child(cyc_child, &cy, 60);
	if (why) {
		fix_done(&f);
		fail_msg("idom cycle: hs_outermost_members / hs_outermost_by_class %s", why);
	}
	cy.rename = 1;
	why = in_child(cyc_child, &cy, 60);
	if (why) {
		fix_done(&f);
		fail_msg("idom cycle: hs_analysis_rename %s", why);
	}
	/* idom and dom_children */
	cyc_write(&f, 0);
	cy.idom_only = 0;
	cy.rename = 0;
	why = in_child(cyc_child, &cy, 60);
	fix_done(&f);
	if (why)
		fail_msg("dominator-tree cycle: hs_outermost_members / hs_outermost_by_class %s", why);
}

/* hs_analysis_rename over a dom_children cycle (diff and growth rename the
 * older snapshots; it re-aggregates class retained sizes with a walk of the
 * dominator tree): its own test, so that it is reported by name. */
static void test_dominator_cycle_rename(void **state)
{
	struct fix f;
	struct cyc cy;
	const char *why;
	(void)state;
	fix_init(&f);
	cy.f = &f;
	cyc_write(&f, 0);
	cy.idom_only = 0;
	cy.rename = 1;
	why = in_child(cyc_child, &cy, 60);
	fix_done(&f);
	if (why)
		fail_msg("dominator-tree cycle (x and y children of each other, all checksums valid): "
			 "hs_analysis_rename %s", why);
}

/* ---- renaming ------------------------------------------------------------------ */

/* given: renaming A (from the index, or from JSON) with `given` equals
 * analysing A's JSON with opts.interfaces = given. */
static void rename_case(struct fix *f, const struct hs_interfaces *given, const char *what)
{
	struct snap want;
	struct hs_snapshot *s;
	struct hs_analysis a, j;
	struct hs_analysis_opts o;
	struct hs_error err;
	uint32_t n = f->a.s->node_count;

	snap_load(&want, make_a, given);
	/* from the index */
	assert_int_equal(try_open(f->ia, &KEY_A, 1, &s, &err), HS_INDEX_OK);
	assert_int_equal(hs_index_analysis(s, &a), 1);
	hs_analysis_rename(&a, given);
	same_classes(&want.a.classes, &a.classes, n);
	/* renaming touches only the classes */
	SAME_ARRAY(a.dom.retained, want.a.dom.retained, n);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	/* from JSON, analysed with inferred interfaces first */
	memset(&o, 0, sizeof(o));
	o.parent_edges = 1;
	assert_int_equal(hs_analysis_run(&j, f->a.s, &o, &err), 0);
	hs_analysis_rename(&j, given);
	same_classes(&want.a.classes, &j.classes, n);
	hs_analysis_release(&j);
	snap_free(&want);
	(void)what;
}

static void test_rename(void **state)
{
	struct fix f;
	struct hs_interfaces hand, none;
	char *p_abc[] = { (char *)"a", (char *)"b", (char *)"c" }, *p_x[] = { (char *)"x" };
	struct hs_interface defs[2];
	(void)state;
	fix_init(&f);
	/* B's inferred definitions ({p, q}: no object of A matches) */
	assert_true(f.b.a.classes.interfaces.count > 0);
	rename_case(&f, &f.b.a.classes.interfaces, "B's interfaces");
	/* A's own: renaming changes nothing */
	rename_case(&f, &f.a.a.classes.interfaces, "A's interfaces");
	/* hand-made: {a, b, c} first, then {x} */
	defs[0].name = (char *)"{a, b, c}";
	defs[0].props = p_abc;
	defs[0].nprops = 3;
	defs[1].name = (char *)"{x}";
	defs[1].props = p_x;
	defs[1].nprops = 1;
	hand.v = defs;
	hand.count = 2;
	rename_case(&f, &hand, "hand-made");
	/* none */
	none.v = defs;
	none.count = 0;
	rename_case(&f, &none, "no definitions");
	fix_done(&f);
}

/* ---- the section table, row by row (src/index_internal.h) ---------------------- */

/* Snapshot T, small enough to know every array by hand:
 *   0 synthetic ""            id 1   self 0   edges: element 1 -> 1, shortcut "a" -> 2
 *   1 synthetic "(GC roots)"  id 3   self 0
 *   2 object "A"              id 5   self 10  edges: property "b" -> 3, property "s" -> 4
 *   3 object "B"              id 7   self 20  edge:  property "s" -> 4; detachedness 1
 *   4 string "s"              id 2^32 + 9 (a wide id: NODE_ID_HI)
 *                             self 2^32 + 5 (a wide size: SELF_HI, A_SELF_HI)
 * one location (node 2).  Dominators: 1 and 2 by the root, 3 and 4 by 2
 * (4 is reached from 2 and from 3, both dominated by 2). */
#define T_WIDE_ID 987654u
#define T_WIDE_SELF (((uint64_t)1 << 32) + 5)
static void make_t(struct tb *t)
{
	uint32_t n;
	tb_init(t);
	t->location_fields = "object_index,script_id,line,column";
	t->locations_raw = "[14,7,3,1]";
	t->order = "snapshot,nodes,edges,locations,strings";
	tb_node(t, "synthetic", "", 1, 0);
	tb_node(t, "synthetic", "(GC roots)", 3, 0);
	tb_node(t, "object", "A", 5, 10);
	n = tb_node(t, "object", "B", 7, 20);
	t->nodes[n].detach = 1;
	tb_node(t, "string", "s", T_WIDE_ID, T_WIDE_SELF);
	tb_edge_i(t, 0, "element", 1, 1);
	tb_edge(t, 0, "shortcut", "a", 2);
	tb_edge(t, 2, "property", "b", 3);
	tb_edge(t, 2, "property", "s", 4);
	tb_edge(t, 3, "property", "s", 4);
}

static void snap_load_t(struct snap *x)
{
	struct hs_analysis_opts o;
	struct hs_error err = { 0, "" };
	struct tb t;
	size_t len;
	char *j, *at, *w;

	make_t(&t);
	j = tb_json(&t, &len);
	tb_release(&t);
	/* node 4's id beyond 32 bits: the builder writes 32-bit ids */
	at = strstr(j, ",987654,");
	assert_non_null(at);
	w = malloc(len + 16);
	memcpy(w, j, (size_t)(at - j));
	len = (size_t)(at - j) + (size_t)sprintf(w + (at - j), ",4294967305,%s", at + 8);
	free(j);
	x->s = load_ok(w, len, 0);
	free(w);
	memset(&o, 0, sizeof(o));
	o.parent_edges = 1;
	if (hs_analysis_run(&x->a, x->s, &o, &err) != 0)
		fail_msg("analysis failed: %s", err.msg);
}

/* T's arrays as computed by hand (above), against the JSON load and the
 * analysis: the expected values of the round trip below. */
static void t_by_hand(const struct hs_snapshot *s, const struct hs_analysis *a)
{
	static const uint32_t first_edge[] = { 0, 2, 2, 4, 5, 5 }, edge_to[] = { 1, 2, 3, 4, 4 };
	static const uint32_t ids[] = { 1, 3, 5, 7, 9 }, ids_hi[] = { 0, 0, 0, 0, 1 };
	static const uint64_t self[] = { 0, 0, 10, 20, T_WIDE_SELF };
	static const uint64_t retained[] = { T_WIDE_SELF + 30, 0, T_WIDE_SELF + 30, 20, T_WIDE_SELF };
	static const uint32_t idom[] = { 0, 0, 0, 2, 2 }, dom_first[] = { 0, 2, 2, 4, 4, 4 };
	static const uint8_t detached[] = { 0, 0, 0, 1, 0 };
	static const char *names[] = { "", "(GC roots)", "A", "B", "s" };
	uint32_t i;

	assert_int_equal(s->node_count, 5);
	assert_int_equal(s->edge_count, 5);
	assert_memory_equal(s->first_edge, first_edge, sizeof(first_edge));
	assert_memory_equal(s->edge_to, edge_to, sizeof(edge_to));
	assert_memory_equal(s->node_id, ids, sizeof(ids));
	assert_non_null(s->node_id_hi);
	assert_memory_equal(s->node_id_hi, ids_hi, sizeof(ids_hi));
	assert_non_null(s->self_size.hi);
	assert_non_null(a->self_size.hi);
	for (i = 0; i < 5; i++) {
		assert_int_equal(hs_self_size(s, i), self[i]);
		assert_int_equal(hs_shallow_size(a, i), self[i]);
	}
	assert_non_null(s->detachedness);
	assert_memory_equal(s->detachedness, detached, sizeof(detached));
	for (i = 0; i < 5; i++) {
		assert_string_equal(hs_node_name(s, i), names[i]);
		assert_int_equal(hs_node_id(s, i), i == 4 ? 4294967305u : ids[i]);
	}
	assert_string_equal(hs_node_type_name(s, 2), "object");
	assert_string_equal(hs_edge_type_name(s, 1), "shortcut");
	assert_string_equal(hs_str(&s->strings, s->edge_name[2]), "b");
	assert_int_equal(s->location_count, 1);
	assert_int_equal(s->locations[0].node, 2);
	assert_int_equal(s->locations[0].script_id, 7);
	assert_int_equal(s->locations[0].line, 3);
	assert_memory_equal(a->dom.idom, idom, sizeof(idom));
	assert_memory_equal(a->dom.retained, retained, sizeof(retained));
	assert_memory_equal(a->dom.dom_first, dom_first, sizeof(dom_first));
	assert_true((a->dom.dom_children[0] == 1 && a->dom.dom_children[1] == 2) ||
		    (a->dom.dom_children[0] == 2 && a->dom.dom_children[1] == 1));
	assert_true((a->dom.dom_children[2] == 3 && a->dom.dom_children[3] == 4) ||
		    (a->dom.dom_children[2] == 4 && a->dom.dom_children[3] == 3));
	assert_int_equal(a->dom_state[3], 1);
	assert_int_equal(a->distance[3], a->distance[2] + 1);
	assert_int_equal(a->distance[4], a->distance[2] + 1);
	assert_int_equal(a->parent_edge[3], 2);    /* 2 -b-> 3 */
	assert_int_equal(a->stats.total, T_WIDE_SELF + 30);
	assert_string_equal(hs_class_name(&a->classes, a->classes.class_of[2]), "A");
	assert_string_equal(hs_class_name(&a->classes, a->classes.class_of[3]), "B");
	assert_int_equal(a->classes.cls[a->classes.class_of[3]].retained_size, 20);
}

/* What a hostile edit of one row's section (all checksums fixed) must give:
 * refused (BAD, the reason naming `word`), or, for sections where any value is
 * sound, opened with the edited values (`check`). */
struct row_case {
	uint32_t id;
	void (*edit)(struct fix *f, unsigned char *c);
	const char *word;                 /* NULL: must open */
	void (*check)(const struct hs_snapshot *s, const struct hs_analysis *a);
};

static void all_ff(unsigned char *c, uint32_t id)
{
	memset(sdata(c, id), 0xff, (size_t)sbytes(c, id));
}

static void r_node_type(struct fix *f, unsigned char *c) { (void)f; U8(c, IX_NODE_TYPE)[2] = HS_NO_TYPE; }
static void r_node_name(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_NODE_NAME)[1] = hdr(c)->string_count; }
static void r_node_id(struct fix *f, unsigned char *c) { (void)f; all_ff(c, IX_NODE_ID); }
static void r_node_id_hi(struct fix *f, unsigned char *c) { (void)f; all_ff(c, IX_NODE_ID_HI); }
static void r_self(struct fix *f, unsigned char *c) { (void)f; all_ff(c, IX_SELF); }
static void r_self_hi(struct fix *f, unsigned char *c) { (void)f; all_ff(c, IX_SELF_HI); }
static void r_first_edge(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_FIRST_EDGE)[2] = 1; }
static void r_detached(struct fix *f, unsigned char *c) { (void)f; U8(c, IX_DETACHED)[3] = 4; }
static void r_edge_type(struct fix *f, unsigned char *c) { U8(c, IX_EDGE_TYPE)[0] = (uint8_t)f->a.s->n_edge_types; }
static void r_edge_name(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_EDGE_NAME)[1] = hdr(c)->string_count; }
static void r_edge_to(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_EDGE_TO)[4] = nn(c); }
static void r_str_arena(struct fix *f, unsigned char *c) { (void)f; U8(c, IX_STR_ARENA)[sec(c, IX_STR_ARENA)->count - 1] = 'x'; }
static void r_str_off(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_STR_OFF)[1] = 0; }
static void r_locations(struct fix *f, unsigned char *c) { (void)f; ((struct hs_location *)sdata(c, IX_LOCATIONS))[0].node = nn(c); }
static void r_a_meta(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_A_META)[0] = 12345; }
static void r_dom_state(struct fix *f, unsigned char *c) { (void)f; U8(c, IX_DOM_STATE)[3] = 4; }
static void r_a_self(struct fix *f, unsigned char *c) { (void)f; all_ff(c, IX_A_SELF); }
static void r_a_self_hi(struct fix *f, unsigned char *c) { (void)f; all_ff(c, IX_A_SELF_HI); }
static void r_idom(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_IDOM)[3] = nn(c); }
static void r_retained(struct fix *f, unsigned char *c) { (void)f; all_ff(c, IX_RETAINED); }
static void r_distance(struct fix *f, unsigned char *c) { (void)f; ((int32_t *)sdata(c, IX_DISTANCE))[2] = -1; }
static void r_parent_edge(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_PARENT_EDGE)[2] = hdr(c)->edge_count; }
static void r_class_of(struct fix *f, unsigned char *c) { (void)f; U32(c, IX_CLASS_OF)[2] = hdr(c)->class_count; }
static void r_cls_arena(struct fix *f, unsigned char *c) { (void)f; U8(c, IX_CLS_ARENA)[sec(c, IX_CLS_ARENA)->count - 1] = 'x'; }
static void r_cls_off(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_CLS_OFF)[1] = 0; }
static void r_cls(struct fix *f, unsigned char *c) { (void)f; all_ff(c, IX_CLS); }
static void r_meta(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_META)[4] = nn(c); } /* root */
static void r_interfaces(struct fix *f, unsigned char *c) { (void)f; U64(c, IX_INTERFACES)[0] = (uint64_t)1 << 40; }

static void k_ids(const struct hs_snapshot *s, const struct hs_analysis *a)
{
	(void)a;
	assert_int_equal(s->node_id[4], UINT32_MAX);
}
static void k_ids_hi(const struct hs_snapshot *s, const struct hs_analysis *a)
{
	(void)a;
	assert_int_equal(hs_node_id(s, 4), ((uint64_t)UINT32_MAX << 32) | 9);
}
/* node 2's size is 10, its high half 0 (node 4's is 1) */
static void k_self(const struct hs_snapshot *s, const struct hs_analysis *a) { (void)a; assert_int_equal(hs_self_size(s, 2), UINT32_MAX); }
static void k_self_hi(const struct hs_snapshot *s, const struct hs_analysis *a) { (void)a; assert_int_equal(hs_self_size(s, 2), (uint64_t)UINT32_MAX << 32 | 10); }
static void k_a_meta(const struct hs_snapshot *s, const struct hs_analysis *a) { (void)s; assert_int_equal(a->stats.total, 12345); }
static void k_a_self(const struct hs_snapshot *s, const struct hs_analysis *a) { (void)s; assert_int_equal(hs_shallow_size(a, 2), UINT32_MAX); }
static void k_a_self_hi(const struct hs_snapshot *s, const struct hs_analysis *a) { (void)s; assert_int_equal(hs_shallow_size(a, 2), (uint64_t)UINT32_MAX << 32 | 10); }
static void k_retained(const struct hs_snapshot *s, const struct hs_analysis *a) { (void)s; assert_int_equal(a->dom.retained[2], UINT64_MAX); }
static void k_cls(const struct hs_snapshot *s, const struct hs_analysis *a) { (void)s; assert_int_equal(a->classes.cls[0].count, UINT64_MAX); }
static void k_interfaces(const struct hs_snapshot *s, const struct hs_analysis *a) { (void)s; assert_int_equal(a->classes.interfaces.count, 0); }

static const struct row_case row_cases[] = {
	{ IX_META, r_meta, "metadata", NULL },
	{ IX_NODE_TYPE, r_node_type, "section 2: value out of range", NULL },
	{ IX_NODE_NAME, r_node_name, "section 3: value out of range", NULL },
	{ IX_NODE_ID, r_node_id, NULL, k_ids },
	{ IX_NODE_ID_HI, r_node_id_hi, NULL, k_ids_hi },
	{ IX_SELF, r_self, NULL, k_self },
	{ IX_SELF_HI, r_self_hi, NULL, k_self_hi },
	{ IX_FIRST_EDGE, r_first_edge, "section 6: value out of range", NULL },
	{ IX_DETACHED, r_detached, "section 7: value out of range", NULL },
	{ IX_EDGE_TYPE, r_edge_type, "section 8: value out of range", NULL },
	{ IX_EDGE_NAME, r_edge_name, "section 9: value out of range", NULL },
	{ IX_EDGE_TO, r_edge_to, "section 10: value out of range", NULL },
	/* an arena's strings end with a NUL: its offsets' check sees it */
	{ IX_STR_ARENA, r_str_arena, "section 12: value out of range", NULL },
	{ IX_STR_OFF, r_str_off, "section 12: value out of range", NULL },
	{ IX_LOCATIONS, r_locations, "section 13: value out of range", NULL },
	{ IX_A_META, r_a_meta, NULL, k_a_meta },
	{ IX_DOM_STATE, r_dom_state, "section 15: value out of range", NULL },
	{ IX_A_SELF, r_a_self, NULL, k_a_self },
	{ IX_A_SELF_HI, r_a_self_hi, NULL, k_a_self_hi },
	{ IX_IDOM, r_idom, "section 17: value out of range", NULL },
	{ IX_RETAINED, r_retained, NULL, k_retained },
	/* not stored: rebuilt from idom (whose case is above) */
	{ IX_DOM_FIRST, NULL, NULL, NULL },
	{ IX_DOM_CHILDREN, NULL, NULL, NULL },
	{ IX_DISTANCE, r_distance, "section 21: value out of range", NULL },
	{ IX_PARENT_EDGE, r_parent_edge, "section 22: value out of range", NULL },
	{ IX_CLASS_OF, r_class_of, "section 23: value out of range", NULL },
	{ IX_CLS_ARENA, r_cls_arena, "section 25: value out of range", NULL },
	{ IX_CLS_OFF, r_cls_off, "section 25: value out of range", NULL },
	{ IX_CLS, r_cls, NULL, k_cls },
	/* malformed definitions are dropped (test_hostile_interfaces) */
	{ IX_INTERFACES, r_interfaces, NULL, k_interfaces },
};

static const struct row_case *row_case(uint32_t id)
{
	size_t i;
	for (i = 0; i < sizeof(row_cases) / sizeof(row_cases[0]); i++)
		if (row_cases[i].id == id)
			return &row_cases[i];
	return NULL;
}

/* The table itself: one row per section id, each with a case here (adding
 * a row without a test fails), element sizes that match the section's bytes,
 * written in the table's order. */
static void test_table(void **state)
{
	struct fix f;
	struct ix_section *t;
	uint32_t id, i;
	(void)state;
	for (id = 1; id < IX_NIDS; id++) {
		uint32_t rows = 0;
		for (i = 0; i < ix_nrows; i++)
			rows += ix_rows[i].id == id;
		if (rows != 1)
			fail_msg("section id %u has %u rows in ix_rows", id, rows);
		if (!row_case(id))
			fail_msg("section %u (%s) has no case in row_cases", id, ix_row(id)->name);
	}
	assert_int_equal(ix_nrows, IX_NIDS - 1);
	assert_null(ix_row(0));
	assert_null(ix_row(IX_NIDS));
	for (i = 0; i < ix_nrows; i++) {
		const struct ix_row *r = &ix_rows[i];
		assert_true(r->elem > 0);
		assert_true((r->where == IXW_BLOB) == (r->encode != NULL));
		assert_true(r->where != IXW_BLOB || r->elem == 1);
		/* packed rows code whole words; derived ones are the dominator CSR,
		 * which has no case (nothing to corrupt) */
		assert_true(r->enc == IXE_RAW || r->enc == IXE_DERIVED ||
			    (r->word && r->elem % r->word == 0 && r->where != IXW_BLOB));
		assert_int_equal(r->enc == IXE_DERIVED, r->id == IX_DOM_FIRST || r->id == IX_DOM_CHILDREN);
		assert_int_equal(r->enc == IXE_DERIVED, row_case(r->id)->edit == NULL);
	}
	/* T's index holds every stored row, in the table's order, raw or packed */
	memset(&f, 0, sizeof(f));
	dir_new(&f.d);
	snap_load_t(&f.a);
	f.ia = dir_file(&f.d, "t.hsnapidx");
	write_index(f.ia, &KEY_A, &f.a);
	f.buf = read_bytes(f.ia, &f.len);
	assert_int_equal(hdr(f.buf)->version, 6);
	assert_int_equal(hdr(f.buf)->nsections, ix_nrows - 2);
	t = (struct ix_section *)(f.buf + sizeof(struct ix_header));
	for (i = 0, id = 0; i < ix_nrows; i++) {
		const struct ix_row *r = &ix_rows[i];
		if (r->enc == IXE_DERIVED)
			continue;
		assert_int_equal(t[id].id, r->id);
		assert_int_equal(t[id].elem, r->enc == IXE_RAW ? r->elem : 1);
		assert_true(t[id].count > 0);
		id++;
	}
	snap_free(&f.a);
	dir_remove(&f.d);
	free(f.ia);
	free(f.buf);
}

/* Every row of T's index round-trips: the array the index lends (or copies)
 * is the original's, byte for byte, over the row's count, and is marked as
 * lent exactly when it lives in the mapping; T's hand-computed values hold
 * for the JSON load and for the index. */
static void test_rows_roundtrip(void **state)
{
	struct fix f;
	struct hs_snapshot *s = NULL;
	struct hs_analysis a;
	struct hs_error err;
	struct blob b = { 0 };
	uint32_t i;
	(void)state;
	memset(&f, 0, sizeof(f));
	dir_new(&f.d);
	snap_load_t(&f.a);
	t_by_hand(f.a.s, &f.a.a);
	f.ia = dir_file(&f.d, "t.hsnapidx");
	write_index(f.ia, &KEY_A, &f.a);
	assert_int_equal(try_open(f.ia, &KEY_A, 2, &s, &err), HS_INDEX_OK);
	assert_int_equal(hs_index_analysis(s, &a), 1);
	t_by_hand(s, &a);
	for (i = 0; i < ix_nrows; i++) {
		const struct ix_row *r = &ix_rows[i];
		const void *orig, *got = ix_array(r, s, &a);
		uint64_t count, lent;
		uint32_t elem;
		if (r->where == IXW_BLOB) { /* the blob's bytes */
			assert_int_equal(ix_section_data(r, f.a.s, &f.a.a, &b, &orig, &count, &elem), 1);
			assert_int_equal(s->index->cnt[r->id], count);
			if (memcmp(s->index->sec[r->id], orig, (size_t)count))
				fail_msg("blob %u (%s) differs from what was written", r->id, r->name);
			continue;
		}
		orig = ix_array(r, f.a.s, &f.a.a);
		count = ix_count_of_model(r, f.a.s, &f.a.a, &b);
		assert_non_null(orig);
		assert_non_null(got);
		assert_int_equal(s->index->cnt[r->id], count);
		if (memcmp(got, orig, (size_t)(count * r->elem)))
			fail_msg("%s differs from the original", r->name);
		lent = r->where == IXW_SNAPSHOT ? s->index->borrowed : a.borrowed;
		if (r->flags & IXF_COPIED) {
			assert_false(in_map(s, got));
			assert_false(lent & IX_BIT(r->id));
		} else if (r->enc == IXE_RAW) { /* the mapping's bytes */
			assert_true(got == s->index->sec[r->id] && in_map(s, got));
			assert_true(lent & IX_BIT(r->id));
		} else { /* decoded or rebuilt: the index's own array */
			assert_true(got == s->index->own[r->id] && !in_map(s, got));
			assert_true(lent & IX_BIT(r->id));
		}
	}
	free(b.p);
	same_model(f.a.s, s);
	same_analysis(&f.a.a, &a, 5);
	/* giving back: the lent arrays become NULL, the copies stay */
	hs_index_disown(&a);
	assert_null(a.dom.idom);
	assert_null(a.dom.dom_children);
	assert_null(a.classes.class_of);
	assert_non_null(a.classes.cls);
	assert_int_equal(a.borrowed, 0);
	hs_analysis_release(&a);
	hs_index_release(s);
	assert_null(s->edge_to);
	assert_null(s->strings.arena);
	assert_null(s->map);
	assert_null(s->index);
	hs_snapshot_free(s);
	snap_free(&f.a);
	dir_remove(&f.d);
	free(f.ia);
}

/* Each row's section of T's index, corrupted: one byte flipped (checksum
 * mismatch) is refused; a hostile value with every checksum fixed is refused
 * when out of range (the reason naming the section), or opens with that
 * value where any value is sound. */
static void test_rows_corrupt(void **state)
{
	struct fix f;
	uint32_t i;
	(void)state;
	memset(&f, 0, sizeof(f));
	dir_new(&f.d);
	snap_load_t(&f.a);
	f.ia = dir_file(&f.d, "t.hsnapidx");
	f.x = dir_file(&f.d, "x.hsnapidx");
	write_index(f.ia, &KEY_A, &f.a);
	f.buf = read_bytes(f.ia, &f.len);
	for (i = 0; i < ix_nrows; i++) {
		const struct ix_row *r = &ix_rows[i];
		const struct row_case *rc = row_case(r->id);
		struct ix_section *x;
		unsigned char *c;
		size_t len = f.len;
		struct hs_snapshot *s = NULL;
		struct hs_analysis a;
		struct hs_error err;
		char what[96], word[32];
		enum hs_index_state st;

		if (r->enc == IXE_DERIVED)
			continue; /* not in the file */
		x = sec(f.buf, r->id);
		c = copy_a(&f, 0);

		/* a flipped byte in the middle of the section */
		c[x->offset + x->count * x->elem / 2] ^= 0x10;
		write_bytes(f.x, c, f.len);
		snprintf(what, sizeof(what), "section %u (%s), a byte flipped", r->id, r->name);
		open_expect(f.x, &KEY_A, HS_INDEX_BAD, what);
		/* (the range check of a chunk may see the flipped value first) */
		snprintf(word, sizeof(word), r->where == IXW_BLOB ? "metadata checksum" : "section %u: ", r->id);
		st = try_open(f.x, &KEY_A, 1, &s, &err);
		if (!strstr(err.msg, word))
			fail_msg("%s: reason '%s' lacks '%s'", what, err.msg, word);
		free(c);
		/* a hostile value, checksums fixed */
		snprintf(what, sizeof(what), "section %u (%s), hostile", r->id, r->name);
		if (rc->word) {
			hostile(&f, what, rc->edit, rc->word);
			continue;
		}
		c = copy_a(&f, 0);
		rc->edit(&f, c);
		repack(&c, &len);
		refresh(c, len);
		write_bytes(f.x, c, len);
		free(c);
		st = try_open(f.x, &KEY_A, 1, &s, &err);
		if (st != HS_INDEX_OK)
			fail_msg("%s: state %d, expected OK (any value is sound): %s", what, (int)st, err.msg);
		assert_int_equal(hs_index_analysis(s, &a), 1);
		rc->check(s, &a);
		hs_analysis_release(&a);
		hs_snapshot_free(s);
	}
	snap_free(&f.a);
	dir_remove(&f.d);
	free(f.ia);
	free(f.x);
	free(f.buf);
}

/* ---- packing (src/index_pack.c) ------------------------------------------------- */

/* Group varints with bytes computed by hand, both codings, every length code,
 * the 64-bit lengths, every tail (1-9 words), and malformed input refused. */
static void test_pack(void **state)
{
	static const struct ix_row v32 = { .elem = 4, .enc = IXE_VARINT, .word = 4 },
		d32 = { .elem = 4, .enc = IXE_DELTA, .word = 4 },
		v64 = { .elem = 8, .enc = IXE_VARINT, .word = 8 },
		d64 = { .elem = 8, .enc = IXE_DELTA, .word = 8 };
	/* codes 0, 1, 2, 3: ctrl 0b11100100 = 0xe4, then 1 + 2 + 3 + 4 bytes */
	static const uint32_t a[] = { 1, 300, 70000, 0x12345678 };
	static const unsigned char a_bytes[] = { 0xe4, 0x01, 0x2c, 0x01, 0x70, 0x11, 0x01,
						 0x78, 0x56, 0x34, 0x12 };
	/* deltas 5, -2, 0, +4294967295 (mod 2^32: -1): zigzag 10, 3, 0, 1 */
	static const uint32_t d[] = { 5, 3, 3, 2 };
	static const unsigned char d_bytes[] = { 0x00, 10, 3, 0, 1 };
	/* 64-bit codes 0 (1 byte), 2 (4 bytes), 3 (8 bytes), 1 (2 bytes): ctrl
	 * 0b01111000 = 0x78 */
	static const uint64_t w[] = { 7, 0x100000000ull - 1, 0x100000000ull, 256 };
	static const unsigned char w_bytes[] = { 0x78, 7, 0xff, 0xff, 0xff, 0xff,
						 0, 0, 0, 0, 1, 0, 0, 0, 0x00, 0x01 };
	static const uint32_t edge32[] = { 0, 0xff, 0x100, 0xffff, 0x10000, 0xffffff, 0x1000000,
					   0xffffffffu, 0x80000000u };
	static const uint64_t edge64[] = { 0, UINT64_MAX, 1ull << 63, 0xffffffffull, 0x100000000ull,
					   42, (1ull << 63) - 1, 0x10000, 3 };
	struct blob b = { 0 };
	uint32_t out32[16];
	uint64_t out64[16], n;
	(void)state;

	ix_pack(&v32, a, 4, &b);
	assert_int_equal(b.len, sizeof(a_bytes));
	assert_memory_equal(b.p, a_bytes, sizeof(a_bytes));
	assert_int_equal(ix_unpack(&v32, b.p, b.len, 4, out32), 1);
	assert_memory_equal(out32, a, sizeof(a));
	/* one byte short or long, or a count that needs more: refused */
	assert_int_equal(ix_unpack(&v32, b.p, b.len - 1, 4, out32), 0);
	assert_int_equal(ix_unpack(&v32, b.p, b.len, 3, out32), 0);
	ix_pack(&d32, d, 4, &b);
	assert_int_equal(b.len, sizeof(d_bytes));
	assert_memory_equal(b.p, d_bytes, sizeof(d_bytes));
	assert_int_equal(ix_unpack(&d32, b.p, b.len, 4, out32), 1);
	assert_memory_equal(out32, d, sizeof(d));
	ix_pack(&v64, w, 4, &b);
	assert_int_equal(b.len, sizeof(w_bytes));
	assert_memory_equal(b.p, w_bytes, sizeof(w_bytes));
	assert_int_equal(ix_unpack(&v64, b.p, b.len, 4, out64), 1);
	assert_memory_equal(out64, w, sizeof(w));
	/* extremes, in each coding, every length 0-9 (the word-by-word tail) */
	for (n = 0; n <= 9; n++) {
		const struct ix_row *r32[] = { &v32, &d32 }, *r64[] = { &v64, &d64 };
		int k;
		for (k = 0; k < 2; k++) {
			ix_pack(r32[k], edge32, n, &b);
			memset(out32, 0xa5, sizeof(out32));
			assert_int_equal(ix_unpack(r32[k], b.p, b.len, n, out32), 1);
			if (n)
				assert_memory_equal(out32, edge32, n * 4);
			assert_int_equal(out32[n], 0xa5a5a5a5u); /* nothing past the end */
			if (b.len)
				assert_int_equal(ix_unpack(r32[k], b.p, b.len - 1, n, out32), 0);
			ix_pack(r64[k], edge64, n, &b);
			assert_int_equal(ix_unpack(r64[k], b.p, b.len, n, out64), 1);
			if (n)
				assert_memory_equal(out64, edge64, n * 8);
			if (b.len)
				assert_int_equal(ix_unpack(r64[k], b.p, b.len - 1, n, out64), 0);
		}
	}
	/* no words: no bytes */
	assert_int_equal(ix_unpack(&v32, b.p, 0, 0, out32), 1);
	free(b.p);
}

/* The SSSE3 path (whole groups while 16 bytes are left) and the scalar one
 * decode the same: random words of every length, both codings, 1000 counts;
 * and both refuse the same truncations. */
static void test_pack_simd(void **state)
{
	static const struct ix_row v32 = { .elem = 4, .enc = IXE_VARINT, .word = 4 },
		d32 = { .elem = 4, .enc = IXE_DELTA, .word = 4 };
	const struct ix_row *rows[] = { &v32, &d32 };
	uint64_t seed = 7, n;
	uint32_t *in = malloc(1000 * 4), *x = malloc(1001 * 4), *y = malloc(1001 * 4);
	struct blob b = { 0 };
	int k;
	(void)state;
	for (n = 0; n < 1000; n++)
		in[n] = (uint32_t)rnd_next(&seed) >> (8 * rnd_below(&seed, 4));
	for (k = 0; k < 2; k++)
		for (n = 0; n <= 1000; n += n < 40 ? 1 : 97) {
			ix_pack(rows[k], in, n, &b);
			ix_unpack_simd = 1;
			assert_int_equal(ix_unpack(rows[k], b.p, b.len, n, x), 1);
			ix_unpack_simd = 0;
			assert_int_equal(ix_unpack(rows[k], b.p, b.len, n, y), 1);
			if (n) {
				assert_memory_equal(x, in, n * 4);
				assert_memory_equal(y, in, n * 4);
			}
			if (b.len) {
				ix_unpack_simd = 1;
				assert_int_equal(ix_unpack(rows[k], b.p, b.len - 1, n, x), 0);
				ix_unpack_simd = 0;
				assert_int_equal(ix_unpack(rows[k], b.p, b.len - 1, n, y), 0);
			}
		}
	ix_unpack_simd = 1;
	free(b.p);
	free(in);
	free(x);
	free(y);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_crc32c),
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_stale_absent),
		cmocka_unit_test(test_write_errors),
		cmocka_unit_test(test_flip_every_byte),
		cmocka_unit_test(test_truncate_extend_garbage),
		cmocka_unit_test(test_foreign),
		cmocka_unit_test(test_hostile),
		cmocka_unit_test(test_changed_after_check),
		cmocka_unit_test(test_detachedness3_roundtrip),
		cmocka_unit_test(test_compare),
		cmocka_unit_test(test_hostile_empty_section_at_end),
		cmocka_unit_test(test_hostile_interfaces),
		cmocka_unit_test(test_dominator_cycle),
		cmocka_unit_test(test_dominator_cycle_rename),
		cmocka_unit_test(test_rename),
		cmocka_unit_test(test_lazy_decodes_on_use),
		cmocka_unit_test(test_lazy_hostile),
		cmocka_unit_test(test_lazy_changed_after_open),
		cmocka_unit_test(test_table),
		cmocka_unit_test(test_rows_roundtrip),
		cmocka_unit_test(test_rows_corrupt),
		cmocka_unit_test(test_pack),
		cmocka_unit_test(test_pack_simd),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
