/* The on-disk index (see hsnap/index.h and index_format.h for the layout).
 * Writing dumps the model's and the analysis' arrays as sections; opening
 * maps the file, checks every checksum and range (on `jobs` threads), and
 * points a snapshot's arrays into the mapping. */
#define _DEFAULT_SOURCE 1 /* madvise */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "crc32c.h"
#include "hsnap/index.h"
#include "hsnap/paths.h"
#include "index_format.h"
#include "input.h"
#include "vec.h"

_Static_assert(sizeof(struct ix_header) == 128, "index header layout");
_Static_assert(sizeof(struct ix_section) == 32, "index section layout");
_Static_assert(sizeof(struct hs_location) == 20, "hs_location layout");
_Static_assert(sizeof(struct hs_class) == 32, "hs_class layout");

#define KEY_SPAN 65536

#define MAX_THREADS 16

/* What an index-loaded snapshot keeps besides the model: where the analysis
 * sections are.  Freed by hs_snapshot_free. */
struct hs_index {
	const void *sec[IX_NIDS];
	uint64_t cnt[IX_NIDS];
	int has_analysis;
};

static uint32_t crc(const void *p, uint64_t len)
{
	return hs_crc32c(0, p, (size_t)len);
}

/* ---- small blobs: u64 scalars and length-prefixed strings -------------- */

struct blob {
	unsigned char *p;
	size_t len, alloc;
};

static void put_bytes(struct blob *b, const void *p, size_t n)
{
	while (b->len + n > b->alloc) {
		b->alloc = b->alloc ? b->alloc * 2 : 256;
		b->p = hs_xrealloc(b->p, b->alloc);
	}
	memcpy(b->p + b->len, p, n);
	b->len += n;
}
static void put_u64(struct blob *b, uint64_t v) { put_bytes(b, &v, sizeof(v)); }
static void put_str(struct blob *b, const char *s)
{
	size_t n = strlen(s);
	put_u64(b, n);
	put_bytes(b, s, n);
}
static void put_list(struct blob *b, char **l, uint32_t n)
{
	uint32_t i;
	put_u64(b, n);
	for (i = 0; i < n; i++)
		put_str(b, l[i]);
}

struct reader {
	const unsigned char *p, *end;
	int bad;
};

static uint64_t get_u64(struct reader *r)
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
/* A count that must fit `max` (bounded by what the blob can hold). */
static uint32_t get_count(struct reader *r, uint64_t max)
{
	uint64_t v = get_u64(r);
	if (v > max || v > (uint64_t)(r->end - r->p)) {
		r->bad = 1;
		return 0;
	}
	return (uint32_t)v;
}
static char *get_str(struct reader *r)
{
	uint64_t n = get_u64(r);
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
	*n = get_count(r, 65535);
	HS_CALLOC_ARRAY(l, *n ? *n : 1);
	for (i = 0; i < *n && !r->bad; i++)
		l[i] = get_str(r);
	return l;
}

/* ---- key ---------------------------------------------------------------- */

char *hs_index_path(const char *snapshot_path)
{
	size_t n = strlen(snapshot_path);
	char *p = hs_xmalloc(n + sizeof(".hsnapidx"));
	memcpy(p, snapshot_path, n);
	memcpy(p + n, ".hsnapidx", sizeof(".hsnapidx"));
	return p;
}

int hs_index_key(const char *snapshot_path, struct hs_index_key *k, struct hs_error *err)
{
	struct stat st;
	unsigned char *buf;
	size_t span;
	int fd = open(snapshot_path, O_RDONLY), rc = 0;

	memset(k, 0, sizeof(*k));
	if (fd < 0)
		return hs_error_set(err, HS_ERR_IO, "%s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return hs_error_set(err, HS_ERR_IO, "not a regular file");
	}
	k->size = (uint64_t)st.st_size;
	k->mtime_sec = (int64_t)st.st_mtim.tv_sec;
	k->mtime_nsec = (int64_t)st.st_mtim.tv_nsec;
	span = k->size < KEY_SPAN ? (size_t)k->size : KEY_SPAN;
	buf = hs_xmalloc(span ? span : 1);
	if (hs_pread_full(fd, buf, span, 0) != (long)span)
		rc = hs_error_set(err, HS_ERR_IO, "cannot read the file");
	else
		k->head_crc = crc(buf, span);
	if (!rc && hs_pread_full(fd, buf, span, k->size - span) != (long)span)
		rc = hs_error_set(err, HS_ERR_IO, "cannot read the file");
	else if (!rc)
		k->tail_crc = crc(buf, span);
	free(buf);
	close(fd);
	return rc;
}

/* ---- writing ------------------------------------------------------------ */

struct wsec {
	uint32_t id, elem;
	uint64_t count;
	const void *p;
};

static void add(struct wsec *w, uint32_t *nw, uint32_t id, uint32_t elem, uint64_t count, const void *p)
{
	w[*nw].id = id;
	w[*nw].elem = elem;
	w[*nw].count = count;
	w[*nw].p = p;
	(*nw)++;
}

static int write_all(int fd, const void *p, uint64_t len)
{
	const unsigned char *c = p;
	while (len) {
		ssize_t r = write(fd, c, len > (1u << 30) ? (1u << 30) : (size_t)len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		c += r;
		len -= (uint64_t)r;
	}
	return 0;
}

static void meta_blob(struct blob *b, const struct hs_snapshot *s)
{
	const uint8_t *t = (const uint8_t *)&s->t;
	size_t i;

	put_u64(b, s->file_bytes);
	put_u64(b, (uint64_t)s->gzipped);
	put_u64(b, s->header_node_count);
	put_u64(b, s->header_edge_count);
	put_u64(b, s->root);
	put_list(b, s->node_type_names, s->n_node_types);
	put_list(b, s->edge_type_names, s->n_edge_types);
	put_list(b, s->node_fields, s->n_node_fields);
	put_list(b, s->edge_fields, s->n_edge_fields);
	put_u64(b, sizeof(s->t));
	for (i = 0; i < sizeof(s->t); i++)
		put_u64(b, t[i]);
	put_u64(b, s->extra_native_bytes);
	put_u64(b, s->trace_function_count);
	put_u64(b, s->samples_len);
	put_u64(b, s->trace_function_infos_len);
	put_u64(b, (uint64_t)s->has_trace_node_id | (uint64_t)s->has_locations << 1 |
		   (uint64_t)s->has_samples << 2 | (uint64_t)s->has_trace_tree << 3 |
		   (uint64_t)s->has_trace_function_infos << 4);
	put_str(b, s->warning);
}

static void analysis_blob(struct blob *b, const struct hs_analysis *a)
{
	const struct hs_statistics *st = &a->stats;
	put_u64(b, st->total);
	put_u64(b, st->v8_heap);
	put_u64(b, st->native);
	put_u64(b, st->code);
	put_u64(b, st->strings);
	put_u64(b, st->js_arrays);
	put_u64(b, st->typed_arrays);
	put_u64(b, st->system);
	put_u64(b, a->graph.user_roots);
	put_u64(b, a->dom.unreachable);
	put_u64(b, a->classes.n_interfaces);
}

static void interfaces_blob(struct blob *b, const struct hs_interfaces *ifs)
{
	uint32_t d, k;
	put_u64(b, ifs->count);
	for (d = 0; d < ifs->count; d++) {
		put_str(b, ifs->v[d].name);
		put_u64(b, ifs->v[d].nprops);
		for (k = 0; k < ifs->v[d].nprops; k++)
			put_str(b, ifs->v[d].props[k]);
	}
}

int hs_index_write(const char *index_path, const struct hs_index_key *k,
		   const struct hs_snapshot *s, const struct hs_analysis *a,
		   struct hs_error *err)
{
	struct wsec w[IX_NIDS];
	struct ix_section tab[IX_NIDS];
	struct ix_header h;
	struct blob meta = { 0 }, am = { 0 }, ifs = { 0 };
	static const unsigned char zero[IX_ALIGN];
	uint32_t nw = 0, i, n = s->node_count, e = s->edge_count;
	uint64_t off;
	char *tmp;
	int fd, rc = 0, saved;

	if (!a->distance || !a->parent_edge || !a->dom.dom_first)
		return hs_error_set(err, HS_ERR_USAGE, "the analysis lacks distances or parent edges");
	meta_blob(&meta, s);
	analysis_blob(&am, a);
	interfaces_blob(&ifs, &a->classes.interfaces);
	add(w, &nw, IX_META, 1, meta.len, meta.p);
	add(w, &nw, IX_NODE_TYPE, 1, n, s->node_type);
	add(w, &nw, IX_NODE_NAME, 4, n, s->node_name);
	add(w, &nw, IX_NODE_ID, 4, n, s->node_id);
	if (s->node_id_hi)
		add(w, &nw, IX_NODE_ID_HI, 4, n, s->node_id_hi);
	add(w, &nw, IX_SELF, 8, n, s->self_size);
	add(w, &nw, IX_FIRST_EDGE, 4, (uint64_t)n + 1, s->first_edge);
	if (s->detachedness)
		add(w, &nw, IX_DETACHED, 1, n, s->detachedness);
	add(w, &nw, IX_EDGE_TYPE, 1, e, s->edge_type);
	add(w, &nw, IX_EDGE_NAME, 4, e, s->edge_name);
	add(w, &nw, IX_EDGE_TO, 4, e, s->edge_to);
	add(w, &nw, IX_STR_ARENA, 1, s->strings.len, s->strings.arena);
	add(w, &nw, IX_STR_OFF, 8, (uint64_t)s->strings.count + 1, s->strings.off);
	add(w, &nw, IX_LOCATIONS, sizeof(struct hs_location), s->location_count, s->locations);
	add(w, &nw, IX_A_META, 1, am.len, am.p);
	add(w, &nw, IX_DOM_STATE, 1, n, a->dom_state);
	add(w, &nw, IX_A_SELF, 8, n, a->self_size);
	add(w, &nw, IX_IDOM, 4, n, a->dom.idom);
	add(w, &nw, IX_RETAINED, 8, n, a->dom.retained);
	add(w, &nw, IX_DOM_FIRST, 4, (uint64_t)n + 1, a->dom.dom_first);
	add(w, &nw, IX_DOM_CHILDREN, 4, a->dom.dom_first[n], a->dom.dom_children);
	add(w, &nw, IX_DISTANCE, 4, n, a->distance);
	add(w, &nw, IX_PARENT_EDGE, 4, n, a->parent_edge);
	add(w, &nw, IX_CLASS_OF, 4, n, a->classes.class_of);
	add(w, &nw, IX_CLS_ARENA, 1, a->classes.names.len, a->classes.names.arena);
	add(w, &nw, IX_CLS_OFF, 8, (uint64_t)a->classes.names.count + 1, a->classes.names.off);
	add(w, &nw, IX_CLS, sizeof(struct hs_class), a->classes.names.count, a->classes.cls);
	add(w, &nw, IX_INTERFACES, 1, ifs.len, ifs.p);

	memset(&h, 0, sizeof(h));
	memset(tab, 0, sizeof(tab));
	memcpy(h.magic, IX_MAGIC, 8);
	h.version = IX_VERSION;
	h.endian = IX_ENDIAN;
	h.file_size = k->size;
	h.mtime_sec = k->mtime_sec;
	h.mtime_nsec = k->mtime_nsec;
	h.head_crc = k->head_crc;
	h.tail_crc = k->tail_crc;
	h.node_count = n;
	h.edge_count = e;
	h.string_count = s->strings.count;
	h.class_count = a->classes.names.count;
	h.location_count = s->location_count;
	h.nsections = nw;
	off = sizeof(h) + (uint64_t)nw * sizeof(tab[0]);
	for (i = 0; i < nw; i++) {
		uint64_t bytes = w[i].count * w[i].elem;
		off = (off + IX_ALIGN - 1) / IX_ALIGN * IX_ALIGN;
		tab[i].id = w[i].id;
		tab[i].elem = w[i].elem;
		tab[i].count = w[i].count;
		tab[i].offset = off;
		tab[i].crc = bytes ? crc(w[i].p, bytes) : 0;
		off += bytes;
	}
	h.index_size = off;
	h.table_crc = crc(tab, (uint64_t)nw * sizeof(tab[0]));
	h.header_crc = crc(&h, sizeof(h));

	tmp = hs_xmalloc(strlen(index_path) + 32);
	/* never fill the disk: keep 256 MiB free beyond the index */
	{
		struct statvfs v;
		char *slash;
		strcpy(tmp, index_path);
		slash = strrchr(tmp, '/');
		if (slash)
			slash[slash == tmp] = '\0';
		if (statvfs(slash ? tmp : ".", &v) == 0 &&
		    (uint64_t)v.f_bavail * v.f_frsize < h.index_size + (256u << 20)) {
			rc = hs_error_set(err, HS_ERR_IO, "not writing %s: %llu MB needed, %llu MB free",
					  index_path, (unsigned long long)(h.index_size >> 20),
					  (unsigned long long)((uint64_t)v.f_bavail * v.f_frsize >> 20));
			errno = ENOSPC;
			goto out;
		}
	}
	sprintf(tmp, "%s.tmp%ld", index_path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		saved = errno;
		rc = hs_error_set(err, HS_ERR_IO, "cannot create %s: %s", tmp, strerror(saved));
		goto out;
	}
	off = sizeof(h) + (uint64_t)nw * sizeof(tab[0]);
	if (write_all(fd, &h, sizeof(h)) || write_all(fd, tab, (uint64_t)nw * sizeof(tab[0])))
		goto fail;
	for (i = 0; i < nw; i++) {
		uint64_t bytes = w[i].count * w[i].elem;
		if (tab[i].offset > off && write_all(fd, zero, tab[i].offset - off))
			goto fail;
		if (bytes && write_all(fd, w[i].p, bytes))
			goto fail;
		off = tab[i].offset + bytes;
	}
	if (close(fd)) {
		fd = -1;
		goto fail;
	}
	fd = -1;
	if (rename(tmp, index_path))
		goto fail;
	goto out;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	rc = hs_error_set(err, HS_ERR_IO, "cannot write %s: %s", index_path, strerror(saved));
out:
	free(tmp);
	free(meta.p);
	free(am.p);
	free(ifs.p);
	return rc;
}

/* ---- opening ------------------------------------------------------------ */

struct opener {
	const unsigned char *map;
	const struct ix_header *h;
	const struct ix_section *sec[IX_NIDS];
	const struct hs_snapshot *s;   /* decoded meta (types, counts) */
	uint32_t class_count;
	long page;
	/* work queue: section ids to check */
	uint32_t todo[IX_NIDS], ntodo;
	atomic_uint next;
	atomic_int failed;
	char why[IX_NIDS][96];
};

static const void *data(const struct opener *o, uint32_t id)
{
	return o->sec[id] ? o->map + o->sec[id]->offset : NULL;
}
static uint64_t count(const struct opener *o, uint32_t id)
{
	return o->sec[id] ? o->sec[id]->count : 0;
}

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

static int all_below8(const uint8_t *v, uint64_t lo, uint64_t hi, uint32_t lim)
{
	uint64_t i;
	uint8_t bad = 0;
	for (i = lo; i < hi; i++)
		bad |= v[i] >= lim;
	return !bad;
}
static int all_below32(const uint32_t *v, uint64_t lo, uint64_t hi, uint32_t lim)
{
	uint64_t i;
	uint32_t bad = 0;
	for (i = lo; i < hi; i++)
		bad |= v[i] >= lim;
	return !bad;
}

/* Range checks of elements [lo, hi) of one section; 1 when sound. */
static int check_ranges(const struct opener *o, uint32_t id, uint64_t lo, uint64_t hi)
{
	const struct hs_snapshot *s = o->s;
	uint32_t n = o->h->node_count, e = o->h->edge_count;
	uint64_t i;

	switch (id) {
	/* types beyond meta.node_types load as "undefined" (hs_type_name) */
	case IX_NODE_TYPE: return all_below8(data(o, id), lo, hi, HS_NO_TYPE);
	case IX_NODE_NAME: return all_below32(data(o, id), lo, hi, o->h->string_count);
	case IX_FIRST_EDGE: return check_increasing32(data(o, id), (uint64_t)n + 1, lo, hi, e);
	case IX_DETACHED: return all_below8(data(o, id), lo, hi, 4);
	case IX_EDGE_TYPE: return all_below8(data(o, id), lo, hi, s->n_edge_types);
	case IX_EDGE_TO: return all_below32(data(o, id), lo, hi, n);
	case IX_EDGE_NAME: {
		const uint8_t *t = data(o, IX_EDGE_TYPE);
		const uint32_t *v = data(o, id);
		uint32_t bad = 0, sc = o->h->string_count;
		for (i = lo; i < hi; i++)
			bad |= (t[i] != s->t.e_element && t[i] != s->t.e_hidden) & (v[i] >= sc);
		return !bad;
	}
	case IX_STR_OFF:
		return check_offsets(data(o, id), count(o, id), lo, hi, data(o, IX_STR_ARENA), count(o, IX_STR_ARENA));
	case IX_LOCATIONS: {
		const struct hs_location *l = data(o, id);
		for (i = lo; i < hi; i++)
			if (l[i].node >= n || (i && l[i].node <= l[i - 1].node) ||
			    (l[i].script_node >= n && l[i].script_node != UINT32_MAX))
				return 0;
		return 1;
	}
	case IX_DOM_STATE: return all_below8(data(o, id), lo, hi, 3);
	case IX_IDOM: return all_below32(data(o, id), lo, hi, n);
	case IX_DOM_FIRST: return check_increasing32(data(o, id), (uint64_t)n + 1, lo, hi, n - 1);
	case IX_DOM_CHILDREN: return all_below32(data(o, id), lo, hi, n);
	case IX_PARENT_EDGE: {
		const uint32_t *v = data(o, id);
		uint32_t bad = 0;
		for (i = lo; i < hi; i++)
			bad |= (v[i] >= e) & (v[i] != HS_NO_EDGE);
		return !bad;
	}
	case IX_CLASS_OF: return all_below32(data(o, id), lo, hi, o->class_count);
	case IX_CLS_OFF:
		return check_offsets(data(o, id), count(o, id), lo, hi, data(o, IX_CLS_ARENA), count(o, IX_CLS_ARENA));
	default: return 1; /* any value is sound */
	}
}

#define CHUNK (256u << 10)

/* Checked pages leave this process's resident set (they stay in the page
 * cache and fault back in when a command reads them), so a command's RSS is
 * what it uses, not the whole index.  Only whole pages inside the range. */
static void release_pages(const struct opener *o, const unsigned char *p, uint64_t len)
{
	uintptr_t a = (uintptr_t)p, e = a + len, pg = (uintptr_t)o->page;

	a = (a + pg - 1) / pg * pg;
	e = e / pg * pg;
	if (e > a)
		madvise((void *)a, e - a, MADV_DONTNEED);
}

static void check_one(struct opener *o, uint32_t id)
{
	const struct ix_section *x = o->sec[id];
	const unsigned char *p = o->map + x->offset;
	uint64_t per = CHUNK / x->elem, i, c = 0, done = 0;

	for (i = 0; i < x->count && !atomic_load(&o->failed); i += per) {
		uint64_t hi = x->count - i < per ? x->count : i + per;
		c = hs_crc32c((uint32_t)c, p + i * x->elem, (size_t)((hi - i) * x->elem));
		if (!check_ranges(o, id, i, hi)) {
			snprintf(o->why[id], sizeof(o->why[id]), "section %u: value out of range", id);
			atomic_store(&o->failed, 1);
			return;
		}
		/* every 16 chunks: each madvise interrupts the other cores */
		if (hi - done >= 16 * per || hi == x->count) {
			release_pages(o, p + done * x->elem, (hi - done) * x->elem);
			done = hi;
		}
	}
	if (!x->count && !check_ranges(o, id, 0, 0)) {
		snprintf(o->why[id], sizeof(o->why[id]), "section %u: value out of range", id);
		atomic_store(&o->failed, 1);
	} else if ((uint32_t)c != x->crc && !atomic_load(&o->failed)) {
		snprintf(o->why[id], sizeof(o->why[id]), "section %u: checksum mismatch", id);
		atomic_store(&o->failed, 1);
	}
}

static void *worker(void *arg)
{
	struct opener *o = arg;
	unsigned i;
	while (!atomic_load(&o->failed) && (i = atomic_fetch_add(&o->next, 1)) < o->ntodo)
		check_one(o, o->todo[i]);
	return NULL;
}

static enum hs_index_state bad(struct hs_error *err, const char *why)
{
	hs_error_set(err, HS_ERR_FORMAT, "%s", why);
	return HS_INDEX_BAD;
}

static int decode_meta(struct hs_snapshot *s, const unsigned char *p, uint64_t len)
{
	struct reader r = { p, p + len, 0 };
	uint8_t *t = (uint8_t *)&s->t;
	uint64_t flags;
	char *w;
	size_t i;

	s->file_bytes = get_u64(&r);
	s->gzipped = get_u64(&r) != 0;
	s->header_node_count = get_u64(&r);
	s->header_edge_count = get_u64(&r);
	s->root = (uint32_t)get_u64(&r);
	s->node_type_names = get_list(&r, &s->n_node_types);
	s->edge_type_names = get_list(&r, &s->n_edge_types);
	s->node_fields = get_list(&r, &s->n_node_fields);
	s->edge_fields = get_list(&r, &s->n_edge_fields);
	if (get_u64(&r) != sizeof(s->t))
		return 0;
	for (i = 0; i < sizeof(s->t); i++) {
		uint64_t v = get_u64(&r);
		uint32_t lim = i < offsetof(struct hs_types, e_context) ? s->n_node_types : s->n_edge_types;
		if (v >= lim && v != HS_NO_TYPE)
			return 0;
		t[i] = (uint8_t)v;
	}
	s->extra_native_bytes = get_u64(&r);
	s->trace_function_count = get_u64(&r);
	s->samples_len = get_u64(&r);
	s->trace_function_infos_len = get_u64(&r);
	flags = get_u64(&r);
	s->has_trace_node_id = flags & 1;
	s->has_locations = (flags >> 1) & 1;
	s->has_samples = (flags >> 2) & 1;
	s->has_trace_tree = (flags >> 3) & 1;
	s->has_trace_function_infos = (flags >> 4) & 1;
	w = get_str(&r);
	if (w) {
		snprintf(s->warning, sizeof(s->warning), "%s", w);
		free(w);
	}
	return !r.bad && r.p == r.end;
}

/* Expected element size of each section (0: unknown id). */
static uint32_t elem_of(uint32_t id)
{
	switch (id) {
	case IX_META: case IX_NODE_TYPE: case IX_DETACHED: case IX_EDGE_TYPE: case IX_STR_ARENA:
	case IX_A_META: case IX_DOM_STATE: case IX_CLS_ARENA: case IX_INTERFACES:
		return 1;
	case IX_NODE_NAME: case IX_NODE_ID: case IX_NODE_ID_HI: case IX_FIRST_EDGE: case IX_EDGE_NAME:
	case IX_EDGE_TO: case IX_IDOM: case IX_DOM_FIRST: case IX_DOM_CHILDREN: case IX_DISTANCE: case IX_PARENT_EDGE:
	case IX_CLASS_OF:
		return 4;
	case IX_SELF: case IX_STR_OFF: case IX_A_SELF: case IX_RETAINED: case IX_CLS_OFF:
		return 8;
	case IX_LOCATIONS: return sizeof(struct hs_location);
	case IX_CLS: return sizeof(struct hs_class);
	default: return 0;
	}
}

/* Element count a section must have (UINT64_MAX: any). */
static uint64_t count_of(const struct ix_header *h, uint32_t id)
{
	uint64_t n = h->node_count, e = h->edge_count;
	switch (id) {
	case IX_NODE_TYPE: case IX_NODE_NAME: case IX_NODE_ID: case IX_NODE_ID_HI: case IX_SELF:
	case IX_DETACHED:
	case IX_DOM_STATE: case IX_A_SELF: case IX_IDOM: case IX_RETAINED: case IX_DISTANCE:
	case IX_PARENT_EDGE: case IX_CLASS_OF:
		return n;
	case IX_FIRST_EDGE: case IX_DOM_FIRST: return n + 1;
	case IX_DOM_CHILDREN: return n - 1;
	case IX_EDGE_TYPE: case IX_EDGE_NAME: case IX_EDGE_TO: return e;
	case IX_STR_OFF: return (uint64_t)h->string_count + 1;
	case IX_CLS_OFF: return (uint64_t)h->class_count + 1;
	case IX_CLS: return h->class_count;
	case IX_LOCATIONS: return h->location_count;
	default: return UINT64_MAX;
	}
}

static enum hs_index_state check_layout(struct opener *o, uint64_t size, const struct hs_index_key *k,
					struct hs_error *err)
{
	struct ix_header h;
	const struct ix_section *tab;
	uint64_t table_end;
	uint32_t i, hc;

	if (size < sizeof(h))
		return bad(err, "truncated (shorter than its header)");
	memcpy(&h, o->map, sizeof(h));
	if (memcmp(h.magic, IX_MAGIC, 8))
		return bad(err, "not an hsnap index (bad magic)");
	if (h.version != IX_VERSION || h.endian != IX_ENDIAN)
		return bad(err, "index format version or byte order differs");
	hc = h.header_crc;
	h.header_crc = 0;
	if (crc(&h, sizeof(h)) != hc)
		return bad(err, "header checksum mismatch");
	if (h.index_size != size)
		return bad(err, "truncated or extended (size differs from its header)");
	if (h.file_size != k->size || h.mtime_sec != k->mtime_sec || h.mtime_nsec != k->mtime_nsec ||
	    h.head_crc != k->head_crc || h.tail_crc != k->tail_crc) {
		hs_error_set(err, HS_ERR_FORMAT, "built from another version of the snapshot");
		return HS_INDEX_STALE;
	}
	o->h = (const struct ix_header *)o->map;
	if (!h.node_count || h.node_count > HS_MAX_NODES || h.nsections > IX_NIDS)
		return bad(err, "impossible counts in the header");
	table_end = sizeof(h) + (uint64_t)h.nsections * sizeof(*tab);
	if (table_end > size)
		return bad(err, "truncated section table");
	tab = (const struct ix_section *)(o->map + sizeof(h));
	if (crc(tab, table_end - sizeof(h)) != h.table_crc)
		return bad(err, "section table checksum mismatch");
	for (i = 0; i < h.nsections; i++) {
		const struct ix_section *x = &tab[i];
		uint64_t want;
		if (x->id == 0 || x->id >= IX_NIDS || o->sec[x->id] || x->elem != elem_of(x->id))
			return bad(err, "unknown, repeated or mistyped section");
		want = count_of(&h, x->id);
		if ((want != UINT64_MAX && x->count != want) || x->offset % IX_ALIGN ||
		    x->offset < table_end || x->offset >= size || /* inside: owned by the map */
		    x->count > (size - x->offset) / x->elem)
			return bad(err, "section size or offset out of range");
		o->sec[x->id] = x;
	}
	for (i = 1; i < IX_NIDS; i++)
		if (!o->sec[i] && i != IX_DETACHED && i != IX_NODE_ID_HI)
			return bad(err, "a section is missing");
	return HS_INDEX_OK;
}

static char **free_names(char **l, uint32_t n)
{
	uint32_t i;
	if (l)
		for (i = 0; i < n; i++)
			free(l[i]);
	free(l);
	return NULL;
}

enum hs_index_state hs_index_open(const char *index_path, const struct hs_index_key *k,
				  int jobs, const char *name, struct hs_snapshot **out,
				  struct hs_error *err)
{
	struct opener *o;
	struct hs_snapshot *s;
	struct stat st;
	void *map;
	enum hs_index_state rc;
	pthread_t th[MAX_THREADS];
	int started[MAX_THREADS] = { 0 };
	uint32_t i;
	int fd, nt;

	*out = NULL;
	fd = open(index_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		hs_error_set(err, HS_ERR_IO, "%s", strerror(errno));
		return errno == ENOENT ? HS_INDEX_ABSENT : HS_INDEX_BAD;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode) || st.st_size == 0) {
		close(fd);
		return bad(err, "empty or not a regular file");
	}
	/* no MAP_POPULATE: the checking threads fault the pages in, in parallel */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return bad(err, "cannot be mapped");

	HS_CALLOC_ARRAY(o, 1);
	HS_CALLOC_ARRAY(s, 1);
	o->map = map;
	o->s = s;
	o->page = sysconf(_SC_PAGESIZE);
	rc = check_layout(o, (uint64_t)st.st_size, k, err);
	if (rc != HS_INDEX_OK)
		goto fail;
	/* the small blobs first: they give the type counts the checks need */
	for (i = 0; i < IX_NIDS; i++)
		if ((i == IX_META || i == IX_A_META || i == IX_INTERFACES) &&
		    crc(data(o, i), count(o, i)) != o->sec[i]->crc) {
			rc = bad(err, "metadata checksum mismatch");
			goto fail;
		}
	if (!decode_meta(s, data(o, IX_META), count(o, IX_META)) || s->root >= o->h->node_count) {
		rc = bad(err, "malformed metadata");
		goto fail;
	}
	o->class_count = o->h->class_count;
	for (i = 1; i < IX_NIDS; i++)
		if (o->sec[i] && i != IX_META && i != IX_A_META && i != IX_INTERFACES)
			o->todo[o->ntodo++] = i;
	atomic_init(&o->next, 0);
	atomic_init(&o->failed, 0);
	nt = jobs > 0 ? jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	for (i = 1; i < (uint32_t)nt; i++)
		started[i] = pthread_create(&th[i], NULL, worker, o) == 0;
	worker(o);
	for (i = 1; i < (uint32_t)nt; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	if (atomic_load(&o->failed)) {
		for (i = 0; i < IX_NIDS && !o->why[i][0]; i++)
			;
		rc = bad(err, i < IX_NIDS ? o->why[i] : "a section failed its checks");
		goto fail;
	}
	s->file = hs_xmalloc(strlen(name) + 1);
	strcpy(s->file, name);
	s->node_count = o->h->node_count;
	s->edge_count = o->h->edge_count;
	s->node_type = (uint8_t *)data(o, IX_NODE_TYPE);
	s->node_name = (uint32_t *)data(o, IX_NODE_NAME);
	s->node_id = (uint32_t *)data(o, IX_NODE_ID);
	s->node_id_hi = (uint32_t *)data(o, IX_NODE_ID_HI);
	s->self_size = (uint64_t *)data(o, IX_SELF);
	s->first_edge = (uint32_t *)data(o, IX_FIRST_EDGE);
	s->detachedness = (uint8_t *)data(o, IX_DETACHED);
	s->edge_type = (uint8_t *)data(o, IX_EDGE_TYPE);
	s->edge_name = (uint32_t *)data(o, IX_EDGE_NAME);
	s->edge_to = (uint32_t *)data(o, IX_EDGE_TO);
	s->strings.arena = (char *)data(o, IX_STR_ARENA);
	s->strings.len = s->strings.alloc = count(o, IX_STR_ARENA);
	s->strings.off = (uint64_t *)data(o, IX_STR_OFF);
	s->strings.count = s->strings.off_alloc = o->h->string_count;
	s->locations = (struct hs_location *)data(o, IX_LOCATIONS);
	s->location_count = o->h->location_count;
	s->map = map;
	s->map_len = (size_t)st.st_size;
	HS_CALLOC_ARRAY(s->index, 1);
	for (i = 0; i < IX_NIDS; i++) {
		s->index->sec[i] = data(o, i);
		s->index->cnt[i] = count(o, i);
	}
	s->index->has_analysis = 1;
	free(o);
	*out = s;
	return HS_INDEX_OK;
fail:
	free_names(s->node_type_names, s->n_node_types);
	free_names(s->edge_type_names, s->n_edge_types);
	free_names(s->node_fields, s->n_node_fields);
	free_names(s->edge_fields, s->n_edge_fields);
	free(s);
	free(o);
	munmap(map, (size_t)st.st_size);
	return rc;
}

/* ---- analysis from the index ------------------------------------------- */

static void decode_interfaces(struct hs_interfaces *ifs, const unsigned char *p, uint64_t len)
{
	struct reader r = { p, p + len, 0 };
	uint32_t d, k;

	memset(ifs, 0, sizeof(*ifs));
	ifs->count = get_count(&r, len / 16);
	HS_CALLOC_ARRAY(ifs->v, ifs->count ? ifs->count : 1);
	for (d = 0; d < ifs->count && !r.bad; d++) {
		struct hs_interface *f = &ifs->v[d];
		f->name = get_str(&r);
		f->nprops = get_count(&r, (uint64_t)(r.end - r.p) / 8);
		HS_CALLOC_ARRAY(f->props, f->nprops ? f->nprops : 1);
		for (k = 0; k < f->nprops && !r.bad; k++)
			f->props[k] = get_str(&r);
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

int hs_index_analysis(const struct hs_snapshot *s, struct hs_analysis *a)
{
	const struct hs_index *ix = s->index;
	struct reader r;
	struct hs_statistics *st = &a->stats;
	uint32_t nc, i;

	memset(a, 0, sizeof(*a));
	if (!ix || !ix->has_analysis)
		return 0;
	a->s = s;
	a->graph.s = s;
	r.p = ix->sec[IX_A_META];
	r.end = r.p + ix->cnt[IX_A_META];
	r.bad = 0;
	st->total = get_u64(&r);
	st->v8_heap = get_u64(&r);
	st->native = get_u64(&r);
	st->code = get_u64(&r);
	st->strings = get_u64(&r);
	st->js_arrays = get_u64(&r);
	st->typed_arrays = get_u64(&r);
	st->system = get_u64(&r);
	a->graph.user_roots = (uint32_t)get_u64(&r);
	a->dom.unreachable = (uint32_t)get_u64(&r);
	a->classes.n_interfaces = (uint32_t)get_u64(&r);
	a->dom_state = (uint8_t *)ix->sec[IX_DOM_STATE];
	a->self_size = (uint64_t *)ix->sec[IX_A_SELF];
	a->dom.idom = (uint32_t *)ix->sec[IX_IDOM];
	a->dom.retained = (uint64_t *)ix->sec[IX_RETAINED];
	a->dom.dom_first = (uint32_t *)ix->sec[IX_DOM_FIRST];
	a->dom.dom_children = (uint32_t *)ix->sec[IX_DOM_CHILDREN];
	a->distance = (int32_t *)ix->sec[IX_DISTANCE];
	a->parent_edge = (uint32_t *)ix->sec[IX_PARENT_EDGE];
	a->classes.class_of = (uint32_t *)ix->sec[IX_CLASS_OF];
	/* the class table is small: a private copy, so renaming can replace it */
	nc = (uint32_t)ix->cnt[IX_CLS];
	hs_strtab_init(&a->classes.names);
	{
		const char *arena = ix->sec[IX_CLS_ARENA];
		const uint64_t *off = ix->sec[IX_CLS_OFF];
		for (i = 0; i < nc; i++)
			hs_strtab_add(&a->classes.names, arena + off[i], (size_t)(off[i + 1] - off[i] - 1));
	}
	HS_ALLOC_ARRAY(a->classes.cls, nc ? nc : 1);
	if (nc)
		memcpy(a->classes.cls, ix->sec[IX_CLS], sizeof(struct hs_class) * nc);
	decode_interfaces(&a->classes.interfaces, ix->sec[IX_INTERFACES], ix->cnt[IX_INTERFACES]);
	return 1;
}

void hs_analysis_rename(struct hs_analysis *a, const struct hs_interfaces *given)
{
	if (hs_snapshot_owns(a->s, a->classes.class_of))
		a->classes.class_of = NULL;
	hs_classes_release(&a->classes);
	hs_classes_name(&a->classes, a->s, a->dom_state, given);
	hs_classes_aggregate(&a->classes, a->s, a->self_size, &a->dom, a->distance);
}
