/* The on-disk index (see hsnap/index.h and index_format.h for the layout).
 * Writing dumps the model's and the analysis' arrays as sections; opening
 * maps the file, checks every checksum and range (on `jobs` threads), and
 * points a snapshot's arrays into the mapping. */
#define _DEFAULT_SOURCE 1 /* madvise, mkostemp */
#define _GNU_SOURCE 1     /* mkostemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/mman.h>
#include <sys/resource.h>
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
	int fd, rc = 0;

	memset(k, 0, sizeof(*k));
	/* never open a FIFO or a device just to find out it has no index */
	if (stat(snapshot_path, &st))
		return hs_error_set(err, HS_ERR_IO, "%s", strerror(errno));
	if (!S_ISREG(st.st_mode))
		return hs_error_set(err, HS_ERR_IO, "not a regular file");
	fd = open(snapshot_path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (fd < 0)
		return hs_error_set(err, HS_ERR_IO, "%s", strerror(errno));
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return hs_error_set(err, HS_ERR_IO, "not a regular file");
	}
	k->size = (uint64_t)st.st_size;
	k->ino = (uint64_t)st.st_ino;
	k->mtime_sec = (int64_t)st.st_mtim.tv_sec;
	k->mtime_nsec = (int64_t)st.st_mtim.tv_nsec;
	k->ctime_sec = (int64_t)st.st_ctim.tv_sec;
	k->ctime_nsec = (int64_t)st.st_ctim.tv_nsec;
	k->mode = (uint32_t)st.st_mode;
	k->uid = (uint32_t)st.st_uid;
	k->gid = (uint32_t)st.st_gid;
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

/* The sections of s and a, in file order; the blobs are filled (freed by
 * the caller).  Returns how many. */
static uint32_t collect(struct wsec *w, const struct hs_snapshot *s, const struct hs_analysis *a,
			struct blob *meta, struct blob *am, struct blob *ifs)
{
	uint32_t nw = 0, n = s->node_count, e = s->edge_count;

	meta_blob(meta, s);
	analysis_blob(am, a);
	interfaces_blob(ifs, &a->classes.interfaces);
	add(w, &nw, IX_META, 1, meta->len, meta->p);
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
	add(w, &nw, IX_A_META, 1, am->len, am->p);
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
	add(w, &nw, IX_INTERFACES, 1, ifs->len, ifs->p);
	return nw;
}

/* The temporary file being written, for hs_index_abandon (a signal handler). */
static char abandon_path[4096];
static volatile sig_atomic_t abandon_armed;

void hs_index_abandon(void)
{
	if (abandon_armed) {
		abandon_armed = 0;
		unlink(abandon_path);
	}
}

#define TMP_PREFIX ".hsnapidx-tmp."
/* A temporary file of a dead hsnap is removed once it is this old (seconds):
 * the folder may be shared with other machines, whose pids mean nothing here. */
#define TMP_STALE_AGE 600

/* Temporary files left in `dir` by hsnap processes that were killed
 * (".hsnapidx-tmp.PID.XXXXXX", and the "NAME.hsnapidx.tmpPID" of earlier
 * versions): removed when PID is no running process, the file is a regular
 * file of ours and was last written TMP_STALE_AGE seconds ago or more. */
static void clean_stale_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *name = de->d_name, *p = NULL, *q;
		char *end;
		long pid;
		struct stat st;

		if (!strncmp(name, TMP_PREFIX, sizeof(TMP_PREFIX) - 1)) {
			p = name + sizeof(TMP_PREFIX) - 1;
		} else {
			for (q = strstr(name, ".hsnapidx.tmp"); q; q = strstr(q + 1, ".hsnapidx.tmp"))
				p = q + sizeof(".hsnapidx.tmp") - 1;
		}
		if (!p || *p < '1' || *p > '9')
			continue;
		errno = 0;
		pid = strtol(p, &end, 10);
		if (errno || pid <= 0 || pid > INT32_MAX || pid == (long)getpid() ||
		    (p == name + sizeof(TMP_PREFIX) - 1 ? *end != '.' : *end != '\0'))
			continue;
		if (kill((pid_t)pid, 0) == 0 || errno != ESRCH)
			continue; /* running (or someone else's) */
		if (fstatat(dirfd(d), name, &st, AT_SYMLINK_NOFOLLOW) || !S_ISREG(st.st_mode) ||
		    st.st_uid != geteuid() || now - st.st_mtime < TMP_STALE_AGE)
			continue;
		unlinkat(dirfd(d), name, 0);
	}
	closedir(d);
}

/* Mode of every file hsnap writes beside a snapshot (docs/files.md): read
 * and write for the owner, plus the snapshot's own group and other read bits
 * (never more than the snapshot gives away); the snapshot's group, or no group
 * bit when we cannot give the file that group. */
static void apply_policy(int fd, const struct hs_index_key *k)
{
	struct stat st;
	mode_t mode = 0600 | (k->mode & 044);

	if (fstat(fd, &st) == 0 && st.st_gid != (gid_t)k->gid && (mode & 040) &&
	    fchown(fd, (uid_t)-1, (gid_t)k->gid) != 0)
		mode &= ~(mode_t)040;
	if (fchmod(fd, mode) != 0)
		(void)fchmod(fd, 0600);
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
	uint32_t nw, i;
	uint64_t off;
	char *tmp, *dir, *slash;
	int fd = -1, rc = 0, saved;
	struct stat st;
	struct rlimit rl;
	struct statvfs v;

	if (!a->distance || !a->parent_edge || !a->dom.dom_first)
		return hs_error_set(err, HS_ERR_USAGE, "the analysis lacks distances or parent edges");
	nw = collect(w, s, a, &meta, &am, &ifs);

	memset(&h, 0, sizeof(h));
	memset(tab, 0, sizeof(tab));
	memcpy(h.magic, IX_MAGIC, 8);
	h.version = IX_VERSION;
	h.endian = IX_ENDIAN;
	h.file_size = k->size;
	h.mtime_sec = k->mtime_sec;
	h.mtime_nsec = k->mtime_nsec;
	h.ino = k->ino;
	h.ctime_sec = k->ctime_sec;
	h.ctime_nsec = k->ctime_nsec;
	h.head_crc = k->head_crc;
	h.tail_crc = k->tail_crc;
	h.node_count = s->node_count;
	h.edge_count = s->edge_count;
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

	/* the folder, and the temporary file in it: a short name of its own, so
	 * that any snapshot name that leaves room for ".hsnapidx" works */
	dir = hs_xmalloc(strlen(index_path) + 2);
	strcpy(dir, index_path);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else
		slash[slash == dir] = '\0';
	tmp = hs_xmalloc(strlen(dir) + 64);

	/* never fill the disk: keep 256 MiB free beyond the index */
	if (statvfs(dir, &v) == 0 && (uint64_t)v.f_bavail * v.f_frsize < h.index_size + (256u << 20)) {
		rc = hs_error_set(err, HS_ERR_IO, "not writing %s: %llu MB needed, %llu MB free",
				  index_path, (unsigned long long)(h.index_size >> 20),
				  (unsigned long long)((uint64_t)v.f_bavail * v.f_frsize >> 20));
		errno = ENOSPC;
		goto out;
	}
	/* nor go past the file size limit (ulimit -f): that would be SIGXFSZ */
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY &&
	    h.index_size > (uint64_t)rl.rlim_cur) {
		rc = hs_error_set(err, HS_ERR_IO, "not writing %s: %llu bytes exceed the file size limit",
				  index_path, (unsigned long long)h.index_size);
		errno = EFBIG;
		goto out;
	}
	/* what is there already must be an index (a regular file) or nothing */
	if (lstat(index_path, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = hs_error_set(err, HS_ERR_IO, "not replacing %s: not a regular file", index_path);
		errno = EEXIST;
		goto out;
	}
	clean_stale_temps(dir);
	snprintf(tmp, strlen(dir) + 64, "%s/" TMP_PREFIX "%ld.XXXXXX", dir, (long)getpid());
	abandon_armed = 0;
	fd = mkostemp(tmp, O_CLOEXEC); /* O_CREAT | O_EXCL, mode 0600: never through a symlink */
	if (fd < 0) {
		saved = errno;
		rc = hs_error_set(err, HS_ERR_IO, "cannot create a temporary file in %s: %s", dir,
				  strerror(saved));
		errno = saved;
		goto out;
	}
	if (strlen(tmp) < sizeof(abandon_path)) {
		memcpy(abandon_path, tmp, strlen(tmp) + 1);
		abandon_armed = 1;
	}
	apply_policy(fd, k);
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
	/* again just before: rename() would replace a symlink, FIFO or device
	 * (never write through it, but never replace what is not ours either) */
	if (lstat(index_path, &st) == 0 && !S_ISREG(st.st_mode)) {
		errno = EEXIST;
		goto fail;
	}
	if (rename(tmp, index_path))
		goto fail;
	abandon_armed = 0;
	goto out;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	abandon_armed = 0;
	unlink(tmp);
	errno = saved;
	rc = hs_error_set(err, HS_ERR_IO, "cannot write %s: %s", index_path, strerror(saved));
out:
	saved = errno;
	free(tmp);
	free(dir);
	free(meta.p);
	free(am.p);
	free(ifs.p);
	errno = saved;
	return rc;
}

/* ---- opening ------------------------------------------------------------ */

struct opener {
	const unsigned char *map;
	size_t map_len;
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
	/* the loader takes detachedness 0-3 and hs_dom_state copies it */
	case IX_DOM_STATE: return all_below8(data(o, id), lo, hi, 4);
	case IX_DISTANCE: {
		const int32_t *v = data(o, id);
		uint32_t bad = 0;
		for (i = lo; i < hi; i++)
			bad |= (v[i] < 0) & (v[i] != HS_NO_DISTANCE);
		return !bad;
	}
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

#ifndef MADV_POPULATE_WRITE
#define MADV_POPULATE_WRITE 23 /* Linux 5.14 */
#endif

/* Sections whose values are only numbers shown or summed (ids, sizes): any
 * value is sound, so they stay shared with the page cache and their checked
 * pages leave the resident set (below).  Every other section is used as
 * indexes, offsets or C strings and is checked and used on a private copy. */
static int value_only(uint32_t id)
{
	return id == IX_NODE_ID || id == IX_SELF || id == IX_A_SELF || id == IX_RETAINED;
}

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
			*q = *q;
	}
	return 1;
}

/* Checked pages of value-only sections leave this process's resident set
 * (they stay in the page cache and fault back in when a command reads them),
 * so a command's RSS is what it uses, not the whole index.  Only whole pages
 * inside the range: a page shared with a copied section is never dropped
 * (that would throw its private copy away). */
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
	int shared = value_only(id);

	for (i = 0; i < x->count && !atomic_load(&o->failed); i += per) {
		uint64_t hi = x->count - i < per ? x->count : i + per;
		if (!shared && !privatize(o, p + i * x->elem, (hi - i) * x->elem)) {
			snprintf(o->why[id], sizeof(o->why[id]), "section %u: cannot be read", id);
			atomic_store(&o->failed, 1);
			return;
		}
		c = hs_crc32c((uint32_t)c, p + i * x->elem, (size_t)((hi - i) * x->elem));
		if (!check_ranges(o, id, i, hi)) {
			snprintf(o->why[id], sizeof(o->why[id]), "section %u: value out of range", id);
			atomic_store(&o->failed, 1);
			return;
		}
		/* every 16 chunks: each madvise interrupts the other cores */
		if (shared && (hi - done >= 16 * per || hi == x->count)) {
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

static enum hs_index_state blocked(struct hs_error *err, const struct stat *st)
{
	hs_error_set(err, HS_ERR_IO, "is %s, not an index file: hsnap neither reads nor replaces it",
		     S_ISDIR(st->st_mode) ? "a directory" : S_ISLNK(st->st_mode) ? "a symbolic link"
		     : S_ISFIFO(st->st_mode) ? "a named pipe" : S_ISSOCK(st->st_mode) ? "a socket"
		     : "a device");
	return HS_INDEX_BLOCKED;
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
	    h.ino != k->ino || h.ctime_sec != k->ctime_sec || h.ctime_nsec != k->ctime_nsec ||
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
	/* Private and writable: the checks give every page they read a private
	 * copy first (privatize), except the value-only sections'.  No
	 * MAP_POPULATE: the checking threads fault the pages in, in parallel. */
	map = mmap(NULL, (size_t)st.st_size, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	close(fd);
	if (map == MAP_FAILED)
		return bad(err, "cannot be mapped");

	HS_CALLOC_ARRAY(o, 1);
	HS_CALLOC_ARRAY(s, 1);
	o->map = map;
	o->map_len = (size_t)st.st_size;
	o->s = s;
	o->page = sysconf(_SC_PAGESIZE);
	if (!privatize(o, o->map, (uint64_t)st.st_size < sizeof(struct ix_header) + IX_NIDS * sizeof(struct ix_section)
				   ? (uint64_t)st.st_size : sizeof(struct ix_header) + IX_NIDS * sizeof(struct ix_section))) {
		rc = bad(err, "cannot be read");
		goto fail;
	}
	rc = check_layout(o, (uint64_t)st.st_size, k, err);
	if (rc != HS_INDEX_OK)
		goto fail;
	/* the small blobs first: they give the type counts the checks need */
	for (i = 0; i < IX_NIDS; i++)
		if ((i == IX_META || i == IX_A_META || i == IX_INTERFACES) &&
		    (!privatize(o, data(o, i), count(o, i)) ||
		     crc(data(o, i), count(o, i)) != o->sec[i]->crc)) {
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
	mprotect(map, (size_t)st.st_size, PROT_READ); /* nothing writes to it from here */
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

/* ---- full verification --------------------------------------------------- */

int hs_index_compare(const struct hs_snapshot *s, const struct hs_snapshot *fresh,
		     const struct hs_analysis *fa, struct hs_error *err)
{
	struct wsec w[IX_NIDS];
	struct blob meta = { 0 }, am = { 0 }, ifs = { 0 };
	const struct hs_index *ix = s->index;
	uint32_t nw, i, same = 1;

	if (!ix)
		return hs_error_set(err, HS_ERR_USAGE, "not loaded from an index"), 0;
	if (!fa->distance || !fa->parent_edge || !fa->dom.dom_first)
		return hs_error_set(err, HS_ERR_USAGE, "the analysis lacks distances or parent edges"), 0;
	nw = collect(w, fresh, fa, &meta, &am, &ifs);
	if (!fresh->detachedness && ix->sec[IX_DETACHED]) {
		hs_error_set(err, HS_ERR_FORMAT, "section %u differs", IX_DETACHED);
		same = 0;
	}
	for (i = 0; same && i < nw; i++) {
		uint32_t id = w[i].id;
		uint64_t bytes = w[i].count * w[i].elem;
		if (!ix->sec[id] || ix->cnt[id] != w[i].count ||
		    (bytes && memcmp(ix->sec[id], w[i].p, (size_t)bytes))) {
			hs_error_set(err, HS_ERR_FORMAT, "section %u differs", id);
			same = 0;
		}
	}
	free(meta.p);
	free(am.p);
	free(ifs.p);
	return (int)same;
}
