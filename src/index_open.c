/* Opening the index (hsnap/index.h): maps the file, checks every checksum
 * and every range the table (index_internal.h) gives, on `jobs` threads and
 * on private copies of the pages, and lends the snapshot's arrays from the
 * mapping. */
#define _DEFAULT_SOURCE 1 /* madvise */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include "index_internal.h"
#include "alloc.h"

#define MAX_THREADS 16
#define CHUNK (256u << 10)

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* Gives [p, p + len) private copies of its pages (copy-on-write of the
 * MAP_PRIVATE mapping, done now): from here on a write to the file (or the
 * kernel dropping and re-reading clean pages) no longer reaches them, so what
 * is checked next is what the commands use.  0 on failure (a truncated file). */
static int privatize(const struct opener *o, const unsigned char *p, uint64_t len)
{
	uintptr_t a = (uintptr_t)p, e = a + len, pg = (uintptr_t)o->page;
	uintptr_t end = ((uintptr_t)o->map + o->map_len + pg - 1) / pg * pg;

	if (!len)
		return 1;
	a = a / pg * pg;
	e = (e + pg - 1) / pg * pg;
	if (e > end)
		e = end;
	if (madvise((void *)a, e - a, MADV_POPULATE_WRITE) == 0)
		return 1;
	if (errno != EINVAL)
		return 0;
	{ /* before Linux 5.14: one write per page, to bytes of this range only */
		volatile unsigned char *q;
		for (q = (volatile unsigned char *)p; (uintptr_t)q < (uintptr_t)p + len;
		     q = (volatile unsigned char *)(((uintptr_t)q / pg + 1) * pg))
			// cppcheck-suppress selfAssignment ; the write is the point: it makes the page private
			*q = *q;
	}
	return 1;
}

/* The pages of a decoded section leave this process's resident set (they
 * stay in the page cache), so a command's RSS is what it uses, not the whole
 * index.  Only whole pages inside the range: a page shared with a copied
 * section is never dropped (that would throw its private copy away). */
static void release_pages(const struct opener *o, const unsigned char *p, uint64_t len)
{
	uintptr_t a = (uintptr_t)p, e = a + len, pg = (uintptr_t)o->page;

	a = (a + pg - 1) / pg * pg;
	e = e / pg * pg;
	if (e > a)
		madvise((void *)a, e - a, MADV_DONTNEED);
}

/* Maps the pages of a large decoded array in one call instead of a fault
 * per page (page faults were a quarter of a next run's CPU in perf). */
static void populate(const struct opener *o, void *p, uint64_t len)
{
	uintptr_t a = (uintptr_t)p, e = a + len, pg = (uintptr_t)o->page;

	if (len < (1u << 20))
		return;
	a = (a + pg - 1) / pg * pg;
	e = e / pg * pg;
	if (e > a)
		madvise((void *)a, e - a, MADV_POPULATE_WRITE);
}

static void fail_section(struct opener *o, uint32_t id, const char *what)
{
	snprintf(o->why[id], sizeof(o->why[id]), "section %u: %s", id, what);
	atomic_store(&o->failed, 1);
}

/* A packed section: checksum of its bytes (left shared with the page cache:
 * only the decoded copy is used), decoded into a private array, its bytes
 * dropped from the resident set, then range-checked. */
static void check_packed(struct opener *o, const struct ix_row *r)
{
	const struct ix_section *x = o->sec[r->id];
	const unsigned char *p = o->map + x->offset;
	uint64_t n = o->n[r->id];
	void *out;

	if (ix_crc(p, x->count) != x->crc) {
		fail_section(o, r->id, "checksum mismatch");
		return;
	}
	free(o->own[r->id]); /* a decode that failed before (hs_index_analysis_for again) */
	o->own[r->id] = NULL;
	o->arr[r->id] = NULL;
	out = malloc(n ? (size_t)(n * r->elem) : 1);
	if (!out) {
		fail_section(o, r->id, "cannot allocate its array");
		return;
	}
	o->own[r->id] = out;
	populate(o, out, n * r->elem);
	if (!ix_unpack(r, p, x->count, n, out)) {
		fail_section(o, r->id, "malformed packing");
		return;
	}
	release_pages(o, p, x->count);
	o->arr[r->id] = out;
	if (r->check && !r->check(o, r->id, 0, n))
		fail_section(o, r->id, "value out of range");
}

/* Checksum and range checks of one section, chunk by chunk on a private copy
 * of its pages (raw), or decoded (packed; a deferred one only checksummed
 * now, and again when it is decoded). */
static void check_one(struct opener *o, uint32_t id)
{
	const struct ix_row *r = ix_row(id);
	const struct ix_section *x = o->sec[id];
	const unsigned char *p = o->map + x->offset;
	uint64_t per = CHUNK / x->elem, i, c = 0;

	if (o->defer & IX_BIT(id)) {
		if (ix_crc(p, x->count) != x->crc)
			fail_section(o, id, "checksum mismatch");
		return;
	}
	if (r->enc != IXE_RAW) {
		check_packed(o, r);
		return;
	}
	for (i = 0; i < x->count && !atomic_load(&o->failed); i += per) {
		uint64_t hi = x->count - i < per ? x->count : i + per;
		if (!privatize(o, p + i * x->elem, (hi - i) * x->elem)) {
			fail_section(o, id, "cannot be read");
			return;
		}
		c = hs_crc32c((uint32_t)c, p + i * x->elem, (size_t)((hi - i) * x->elem));
		if (r->check && !r->check(o, id, i, hi)) {
			fail_section(o, id, "value out of range");
			return;
		}
	}
	if (!x->count && r->check && !r->check(o, id, 0, 0))
		fail_section(o, id, "value out of range");
	else if ((uint32_t)c != x->crc && !atomic_load(&o->failed))
		fail_section(o, id, "checksum mismatch");
}

static void derive(struct opener *o, const struct hs_snapshot *s);

/* Takes sections off the queue; the one that checked idom derives the
 * dominator CSR from it at once (o->derive_idom), while the others go on. */
static void *worker(void *arg)
{
	struct opener *o = arg;
	unsigned i;
	while (!atomic_load(&o->failed) && (i = atomic_fetch_add(&o->next, 1)) < o->ntodo) {
		check_one(o, o->todo[i]);
		if (o->todo[i] == IX_IDOM && o->derive_idom && !o->why[IX_IDOM][0] && o->arr[IX_IDOM])
			derive(o, o->s);
	}
	return NULL;
}

static enum hs_index_state bad(struct hs_error *err, const char *why)
{
	hs_error_set(err, HS_ERR_FORMAT, "%s", why);
	return HS_INDEX_BAD;
}

static enum hs_index_state blocked(struct hs_error *err, const struct stat *st)
{
	hs_error_set(err, HS_ERR_IO, "is %s, not an index file: hsnap neither reads nor replaces it",
		     S_ISDIR(st->st_mode) ? "a directory" : S_ISLNK(st->st_mode) ? "a symbolic link"
		     : S_ISFIFO(st->st_mode) ? "a named pipe" : S_ISSOCK(st->st_mode) ? "a socket"
		     : "a device");
	return HS_INDEX_BLOCKED;
}

/* The header: magic, version, checksum, size and the snapshot's key. */
static enum hs_index_state check_header(const struct ix_header *m, uint64_t size,
					const struct hs_index_key *k, struct hs_error *err)
{
	struct ix_header h;
	uint32_t hc;

	if (size < sizeof(h))
		return bad(err, "truncated (shorter than its header)");
	memcpy(&h, m, sizeof(h));
	if (memcmp(h.magic, IX_MAGIC, 8))
		return bad(err, "not an hsnap index (bad magic)");
	if (h.version != IX_VERSION || h.endian != IX_ENDIAN)
		return bad(err, "index format version or byte order differs");
	hc = h.header_crc;
	h.header_crc = 0;
	if (ix_crc(&h, sizeof(h)) != hc)
		return bad(err, "header checksum mismatch");
	if (h.index_size != size)
		return bad(err, "truncated or extended (size differs from its header)");
	if (h.file_size != k->size || h.mtime_sec != k->mtime_sec || h.mtime_nsec != k->mtime_nsec ||
	    h.ino != k->ino || h.ctime_sec != k->ctime_sec || h.ctime_nsec != k->ctime_nsec ||
	    h.head_crc != k->head_crc || h.tail_crc != k->tail_crc) {
		hs_error_set(err, HS_ERR_FORMAT, "built from another version of the snapshot");
		return HS_INDEX_STALE;
	}
	if (!h.node_count || h.node_count > HS_MAX_NODES || h.nsections > IX_NIDS)
		return bad(err, "impossible counts in the header");
	return HS_INDEX_OK;
}

/* The header and the section table: every section known to the table, once,
 * with its element size and count, aligned and inside the file; none
 * missing but the optional ones. */
static enum hs_index_state check_layout(struct opener *o, uint64_t size, const struct hs_index_key *k,
					struct hs_error *err)
{
	const struct ix_section *tab;
	uint64_t table_end;
	uint32_t i;
	enum hs_index_state st = check_header((const struct ix_header *)o->map, size, k, err);

	if (st != HS_INDEX_OK)
		return st;
	o->h = (const struct ix_header *)o->map;
	table_end = sizeof(*o->h) + (uint64_t)o->h->nsections * sizeof(*tab);
	if (table_end > size)
		return bad(err, "truncated section table");
	tab = (const struct ix_section *)(o->map + sizeof(*o->h));
	if (ix_crc(tab, table_end - sizeof(*o->h)) != o->h->table_crc)
		return bad(err, "section table checksum mismatch");
	for (i = 0; i < o->h->nsections; i++) {
		const struct ix_section *x = &tab[i];
		const struct ix_row *r = x->id < IX_NIDS ? ix_row(x->id) : NULL;
		uint64_t want;
		if (!r || o->sec[x->id])
			return bad(err, "unknown, repeated or mistyped section");
		if (r->enc == IXE_DERIVED || x->elem != (r->enc == IXE_RAW ? r->elem : 1))
			return bad(err, "unknown, repeated or mistyped section");
		want = ix_count_of_header(r, o->h);
		if (x->offset % IX_ALIGN || x->offset < table_end ||
		    x->offset >= size || /* inside: owned by the map */
		    x->count > (size - x->offset) / x->elem ||
		    (r->enc == IXE_RAW ? want != UINT64_MAX && x->count != want
		     : x->count < want * (r->elem / r->word))) /* a byte or more a word */
			return bad(err, "section size or offset out of range");
		o->sec[x->id] = x;
		o->arr[x->id] = r->enc == IXE_RAW ? o->map + x->offset : NULL; /* packed: once decoded */
		o->n[x->id] = r->enc == IXE_RAW ? x->count : want;
	}
	for (i = 0; i < ix_nrows; i++)
		if (!o->sec[ix_rows[i].id] && !(ix_rows[i].flags & IXF_OPTIONAL) && ix_rows[i].enc != IXE_DERIVED)
			return bad(err, "a section is missing");
	return HS_INDEX_OK;
}

/* Maps index_path (a regular file, never blocking on a FIFO) private and
 * writable: the checks give every page of a raw section a private copy first
 * (privatize); packed sections are read once, into decoded arrays.  No
 * MAP_POPULATE: the checking threads fault the pages in, in parallel. */
static enum hs_index_state map_file(const char *index_path, void **map, size_t *len, struct hs_error *err)
{
	struct stat st;
	int fd;

	/* only a regular file is read: a FIFO would block, a device or a
	 * symlink is not ours (and neither is ever replaced: HS_INDEX_BLOCKED) */
	if (lstat(index_path, &st)) {
		hs_error_set(err, HS_ERR_IO, "%s", strerror(errno));
		return errno == ENOENT ? HS_INDEX_ABSENT : errno == ENAMETOOLONG ? HS_INDEX_BLOCKED
			: HS_INDEX_BAD;
	}
	if (!S_ISREG(st.st_mode))
		return blocked(err, &st);
	fd = open(index_path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW);
	if (fd < 0) {
		hs_error_set(err, HS_ERR_IO, "%s", strerror(errno));
		return errno == ENOENT ? HS_INDEX_ABSENT : errno == ELOOP ? HS_INDEX_BLOCKED
			: HS_INDEX_BAD;
	}
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return blocked(err, &st);
	}
	if (st.st_size == 0) {
		close(fd);
		return bad(err, "empty");
	}
	*map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (*map == MAP_FAILED)
		return bad(err, "cannot be mapped");
	*len = (size_t)st.st_size;
	return HS_INDEX_OK;
}

/* The derived rows (IXE_DERIVED), from checked arrays. */
static void derive(struct opener *o, const struct hs_snapshot *s)
{
	uint32_t n = o->h->node_count, *first, *children;

	free(o->own[IX_DOM_FIRST]); /* derived in a round that failed later */
	free(o->own[IX_DOM_CHILDREN]);
	ix_derive_dom(ix_data(o, IX_IDOM), n, s->root, &first, &children);
	o->own[IX_DOM_FIRST] = first;
	o->own[IX_DOM_CHILDREN] = children;
	o->arr[IX_DOM_FIRST] = first;
	o->arr[IX_DOM_CHILDREN] = children;
	o->n[IX_DOM_FIRST] = (uint64_t)n + 1;
	o->n[IX_DOM_CHILDREN] = n - 1;
}

/* Bytes a section's check touches (decoded size for a packed one). */
static uint64_t weight(const struct opener *o, uint32_t id)
{
	const struct ix_row *r = ix_row(id);
	return (o->defer & IX_BIT(id)) ? o->sec[id]->count : o->n[id] * r->elem;
}

/* Checks o->todo[0, ntodo) on nt threads (jobs; 0: all cores), the largest
 * first so that the threads end together; 1 when all passed. */
static int run_checks(struct opener *o, int jobs)
{
	pthread_t th[MAX_THREADS];
	int started[MAX_THREADS] = { 0 };
	uint32_t i, j;
	int nt;

	for (i = 1; i < o->ntodo; i++) /* insertion sort of at most IX_NIDS ids */
		for (j = i; j > 0 && (weight(o, o->todo[j]) > weight(o, o->todo[j - 1]) ||
				      (o->derive_idom && o->todo[j] == IX_IDOM)); j--) { /* idom first */
			uint32_t t = o->todo[j];
			o->todo[j] = o->todo[j - 1];
			o->todo[j - 1] = t;
		}
	atomic_init(&o->next, 0);
	atomic_init(&o->failed, 0);
	nt = jobs > 0 ? jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (nt > MAX_THREADS)
		nt = MAX_THREADS;
	if (nt > (int)o->ntodo)
		nt = o->ntodo ? (int)o->ntodo : 1;
	for (i = 1; i < (uint32_t)nt; i++)
		started[i] = pthread_create(&th[i], NULL, worker, o) == 0;
	worker(o);
	for (i = 1; i < (uint32_t)nt; i++)
		if (started[i])
			pthread_join(th[i], NULL);
	return !atomic_load(&o->failed);
}

/* The first section's failure, for a message. */
static const char *why(const struct opener *o)
{
	uint32_t i;
	for (i = 0; i < IX_NIDS && !o->why[i][0]; i++)
		;
	return i < IX_NIDS ? o->why[i] : "a section failed its checks";
}

/* The blobs first (they give the type counts the other checks need), then
 * every other section on nt threads. */
static enum hs_index_state check_sections(struct opener *o, struct hs_snapshot *s, int jobs,
					  struct hs_error *err)
{
	uint32_t i;

	for (i = 0; i < ix_nrows; i++) {
		uint32_t id = ix_rows[i].id;
		if (ix_rows[i].where == IXW_BLOB &&
		    (!privatize(o, ix_data(o, id), ix_cnt(o, id)) ||
		     ix_crc(ix_data(o, id), ix_cnt(o, id)) != o->sec[id]->crc))
			return bad(err, "metadata checksum mismatch");
	}
	if (!ix_decode_meta(s, ix_data(o, IX_META), ix_cnt(o, IX_META)) || s->root >= o->h->node_count)
		return bad(err, "malformed metadata");
	o->class_count = o->h->class_count;
	for (i = 0; i < ix_nrows; i++)
		if (o->sec[ix_rows[i].id] && ix_rows[i].where != IXW_BLOB)
			o->todo[o->ntodo++] = ix_rows[i].id;
	o->derive_idom = !(o->defer & IX_BIT(IX_DOM_FIRST));
	if (!run_checks(o, jobs))
		return bad(err, why(o));
	if (o->derive_idom && !o->own[IX_DOM_FIRST])
		derive(o, s);
	return HS_INDEX_OK;
}

int ix_decode_pending(struct hs_index *ix, uint64_t want, struct hs_error *err)
{
	struct opener *o = ix->lazy;
	uint64_t todo = ix->pending & want;
	uint32_t i;

	if (!o || !todo)
		return 0;
	if (todo & IX_BIT(IX_DOM_FIRST)) /* derived from idom */
		todo |= IX_BIT(IX_IDOM) & ix->pending;
	o->ntodo = 0;
	memset(o->why, 0, sizeof(o->why));
	o->defer = 0;
	for (i = 0; i < ix_nrows; i++)
		if ((todo & IX_BIT(ix_rows[i].id)) && ix_rows[i].enc != IXE_DERIVED && o->sec[ix_rows[i].id])
			o->todo[o->ntodo++] = ix_rows[i].id;
	o->derive_idom = (todo & IX_BIT(IX_DOM_FIRST)) != 0;
	if (o->derive_idom && !(ix->pending & IX_BIT(IX_IDOM))) /* decoded by an earlier round */
		derive(o, o->s);
	if (!run_checks(o, ix->jobs)) {
		hs_error_set(err, HS_ERR_FORMAT, "%s", why(o));
		return -1;
	}
	for (i = 0; i < IX_NIDS; i++) {
		if (!(todo & IX_BIT(i)))
			continue;
		ix->sec[i] = o->arr[i];
		ix->cnt[i] = o->n[i];
		ix->own[i] = o->own[i];
		o->own[i] = NULL;
		ix->pending &= ~IX_BIT(i);
		ix->decoded |= IX_BIT(i);
	}
	return 0;
}

void ix_lazy_free(struct hs_index *ix)
{
	uint32_t i;

	if (!ix->lazy)
		return;
	for (i = 0; i < IX_NIDS; i++)
		free(ix->lazy->own[i]);
	free(ix->lazy);
	ix->lazy = NULL;
	pthread_mutex_destroy(&ix->lock);
}

/* Points s's arrays (the table's IXW_SNAPSHOT rows) into the mapping, marked
 * as borrowed, and fills the counts. */
static void lend_snapshot(struct opener *o, struct hs_snapshot *s, const char *name)
{
	uint32_t i;

	s->file = hs_xmalloc(strlen(name) + 1);
	strcpy(s->file, name);
	s->node_count = o->h->node_count;
	s->edge_count = o->h->edge_count;
	s->strings.len = s->strings.alloc = ix_cnt(o, IX_STR_ARENA);
	s->strings.count = s->strings.off_alloc = o->h->string_count;
	s->location_count = o->h->location_count;
	s->map = o->map;
	s->map_len = o->map_len;
	HS_CALLOC_ARRAY(s->index, 1);
	s->index_release = hs_index_release;
	for (i = 0; i < IX_NIDS; i++) {
		s->index->sec[i] = ix_data(o, i);
		s->index->cnt[i] = ix_cnt(o, i);
		s->index->own[i] = o->own[i];
		if (o->own[i]) /* decoded or derived */
			s->index->decoded |= IX_BIT(i);
		o->own[i] = NULL;
	}
	if (o->defer) {
		s->index->pending = o->defer;
		s->index->lazy = (struct opener *)o;
		pthread_mutex_init(&s->index->lock, NULL);
	}
	for (i = 0; i < ix_nrows; i++) {
		const struct ix_row *r = &ix_rows[i];
		if (r->where != IXW_SNAPSHOT)
			continue;
		ix_set_array(r, s, ix_data(o, r->id));
		if (ix_data(o, r->id))
			s->index->borrowed |= IX_BIT(r->id);
	}
	s->index->has_analysis = 1;
}

static enum hs_index_state open_index(const char *index_path, const struct hs_index_key *k,
				     int jobs, int lazy, const char *name, struct hs_snapshot **out,
				     struct hs_error *err)
{
	struct opener *o;
	struct hs_snapshot *s;
	void *map = NULL;
	size_t len = 0, head = sizeof(struct ix_header) + IX_NIDS * sizeof(struct ix_section);
	enum hs_index_state rc;
	uint32_t i;

	*out = NULL;
	rc = map_file(index_path, &map, &len, err);
	if (rc != HS_INDEX_OK)
		return rc;
	HS_CALLOC_ARRAY(o, 1);
	HS_CALLOC_ARRAY(s, 1);
	o->map = map;
	o->map_len = len;
	o->s = s;
	o->page = sysconf(_SC_PAGESIZE);
	if (!privatize(o, o->map, len < head ? len : head))
		rc = bad(err, "cannot be read");
	else
		rc = check_layout(o, len, k, err);
	if (rc == HS_INDEX_OK && lazy)
		for (i = 0; i < ix_nrows; i++)
			if ((IX_LAZY & IX_BIT(ix_rows[i].id)) && (o->sec[ix_rows[i].id] || ix_rows[i].enc == IXE_DERIVED))
				o->defer |= IX_BIT(ix_rows[i].id);
	if (rc == HS_INDEX_OK)
		rc = check_sections(o, s, jobs, err);
	if (rc != HS_INDEX_OK) {
		ix_free_names(s->node_type_names, s->n_node_types);
		ix_free_names(s->edge_type_names, s->n_edge_types);
		ix_free_names(s->node_fields, s->n_node_fields);
		ix_free_names(s->edge_fields, s->n_edge_fields);
		free(s);
		for (i = 0; i < IX_NIDS; i++)
			free(o->own[i]);
		free(o);
		munmap(map, len);
		return rc;
	}
	mprotect(map, len, PROT_READ); /* nothing writes to it from here */
	lend_snapshot(o, s, name);
	if (s->index->lazy)
		s->index->jobs = jobs;
	else
		free(o);
	*out = s;
	return HS_INDEX_OK;
}

enum hs_index_state hs_index_open(const char *index_path, const struct hs_index_key *k,
				  int jobs, const char *name, struct hs_snapshot **out,
				  struct hs_error *err)
{
	return open_index(index_path, k, jobs, 0, name, out, err);
}

enum hs_index_state hs_index_open_lazy(const char *index_path, const struct hs_index_key *k,
				       int jobs, const char *name, struct hs_snapshot **out,
				       struct hs_error *err)
{
	return open_index(index_path, k, jobs, 1, name, out, err);
}
