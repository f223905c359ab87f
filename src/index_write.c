/* Writing the index (hsnap/index.h): the snapshot's key, and the sections of
 * the table (index_internal.h) through a temporary file renamed into place
 * (docs/files.md says where, with which mode, and what happens on errors). */
#define _DEFAULT_SOURCE 1 /* mkostemp */
#define _GNU_SOURCE 1     /* mkostemp */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "index_internal.h"
#include "input.h"
#include "alloc.h"

#define KEY_SPAN 65536

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
		k->head_crc = ix_crc(buf, span);
	if (!rc && hs_pread_full(fd, buf, span, k->size - span) != (long)span)
		rc = hs_error_set(err, HS_ERR_IO, "cannot read the file");
	else if (!rc)
		k->tail_crc = ix_crc(buf, span);
	free(buf);
	close(fd);
	return rc;
}

/* ---- temporary files ------------------------------------------------------ */

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

/* The pid in a temporary file's name (".hsnapidx-tmp.PID.XXXXXX", or the
 * "NAME.hsnapidx.tmpPID" of earlier versions), or 0. */
static long temp_pid(const char *name)
{
	const char *p = NULL, *q;
	char *end;
	long pid;

	if (!strncmp(name, TMP_PREFIX, sizeof(TMP_PREFIX) - 1)) {
		p = name + sizeof(TMP_PREFIX) - 1;
	} else {
		for (q = strstr(name, ".hsnapidx.tmp"); q; q = strstr(q + 1, ".hsnapidx.tmp"))
			p = q + sizeof(".hsnapidx.tmp") - 1;
	}
	if (!p || *p < '1' || *p > '9')
		return 0;
	errno = 0;
	pid = strtol(p, &end, 10);
	if (errno || pid <= 0 || pid > INT32_MAX || pid == (long)getpid() ||
	    (p == name + sizeof(TMP_PREFIX) - 1 ? *end != '.' : *end != '\0'))
		return 0;
	return pid;
}

/* Temporary files left in `dir` by hsnap processes that were killed: removed
 * when their PID is no running process, the file is a regular file of ours
 * and was last written TMP_STALE_AGE seconds ago or more. */
static void clean_stale_temps(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((de = readdir(d))) {
		const char *name = de->d_name;
		long pid = temp_pid(name);
		struct stat st;

		if (!pid)
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

/* ---- writing -------------------------------------------------------------- */

/* All len bytes of p at offset off (pwrite), or at the file position when
 * off < 0 (write), at most 1 GiB a call; -1 with errno. */
static int write_all_at(int fd, const void *p, uint64_t len, off_t off)
{
	const unsigned char *c = p;
	while (len) {
		size_t n = len > (1u << 30) ? (1u << 30) : (size_t)len;
		ssize_t r = off < 0 ? write(fd, c, n) : pwrite(fd, c, n, off);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		c += r;
		len -= (uint64_t)r;
		if (off >= 0)
			off += r;
	}
	return 0;
}

static int write_all(int fd, const void *p, uint64_t len) { return write_all_at(fd, p, len, -1); }

/* The header, without the section table's fields and sizes. */
static void header(struct ix_header *h, const struct hs_index_key *k, const struct hs_snapshot *s,
		   const struct hs_analysis *a)
{
	/* every byte is a member (no padding: index_table.c asserts its size) */
	*h = (struct ix_header){ .magic = IX_MAGIC, .version = IX_VERSION, .endian = IX_ENDIAN,
				 .file_size = k->size, .mtime_sec = k->mtime_sec, .mtime_nsec = k->mtime_nsec,
				 .ino = k->ino, .ctime_sec = k->ctime_sec, .ctime_nsec = k->ctime_nsec,
				 .head_crc = k->head_crc, .tail_crc = k->tail_crc,
				 .node_count = s->node_count, .edge_count = s->edge_count,
				 .string_count = s->strings.count, .class_count = a->classes.names.count,
				 .location_count = s->location_count };
}

/* Sections the index of s and a has, and an upper bound of its size for the
 * checks of may_write: the arrays unpacked (packing makes them smaller but
 * for hostile values, which no snapshot has). */
static uint32_t sections(const struct hs_snapshot *s, const struct hs_analysis *a, uint64_t *bound)
{
	uint32_t i, n = 0;
	*bound = sizeof(struct ix_header) + IX_NIDS * sizeof(struct ix_section);
	for (i = 0; i < ix_nrows; i++) {
		const struct ix_row *r = &ix_rows[i];
		if (r->enc == IXE_DERIVED || (r->where != IXW_BLOB && !ix_array(r, s, a) && (r->flags & IXF_OPTIONAL)))
			continue;
		n++;
		*bound += IX_ALIGN + (r->where == IXW_BLOB ? 1u << 20 : ix_count_of_model(r, s, a, NULL) * r->elem);
	}
	return n;
}

/* 0 when an index of `size` bytes may be written at index_path in dir: it
 * leaves 256 MiB free, fits the file size limit (ulimit -f: SIGXFSZ), and
 * what is at index_path is an index (a regular file) or nothing. */
static int may_write(const char *index_path, const char *dir, uint64_t size, struct hs_error *err)
{
	struct stat st;
	struct rlimit rl;
	struct statvfs v;
	int rc;

	if (statvfs(dir, &v) == 0 && (uint64_t)v.f_bavail * v.f_frsize < size + (256u << 20)) {
		rc = hs_error_set(err, HS_ERR_IO, "not writing %s: %llu MB needed, %llu MB free",
				  index_path, (unsigned long long)(size >> 20),
				  (unsigned long long)((uint64_t)v.f_bavail * v.f_frsize >> 20));
		errno = ENOSPC;
		return rc;
	}
	if (getrlimit(RLIMIT_FSIZE, &rl) == 0 && rl.rlim_cur != RLIM_INFINITY && size > (uint64_t)rl.rlim_cur) {
		rc = hs_error_set(err, HS_ERR_IO, "not writing %s: %llu bytes exceed the file size limit",
				  index_path, (unsigned long long)size);
		errno = EFBIG;
		return rc;
	}
	if (lstat(index_path, &st) == 0 && !S_ISREG(st.st_mode)) {
		rc = hs_error_set(err, HS_ERR_IO, "not replacing %s: not a regular file", index_path);
		errno = EEXIST;
		return rc;
	}
	return 0;
}

/* Writes the sections, packing one at a time, then the table and the header
 * in front of them; -1 with errno. */
static int write_sections(int fd, struct ix_header *h, const struct hs_snapshot *s,
			  const struct hs_analysis *a)
{
	static const unsigned char zero[IX_ALIGN];
	struct ix_section tab[IX_NIDS];
	struct blob b = { 0 };
	uint64_t off = sizeof(*h) + (uint64_t)h->nsections * sizeof(tab[0]);
	uint32_t i, k = 0;
	int rc = 0;

	memset(tab, 0, sizeof(tab));
	if (write_all(fd, zero, sizeof(zero)) || lseek(fd, (off_t)off, SEEK_SET) < 0)
		return -1;
	for (i = 0; i < ix_nrows && !rc; i++) {
		const void *p;
		uint64_t count, bytes, start = (off + IX_ALIGN - 1) / IX_ALIGN * IX_ALIGN;
		uint32_t elem;
		if (!ix_section_data(&ix_rows[i], s, a, &b, &p, &count, &elem))
			continue;
		bytes = count * elem;
		tab[k].id = ix_rows[i].id;
		tab[k].elem = elem;
		tab[k].count = count;
		tab[k].offset = start;
		tab[k].crc = bytes ? ix_crc(p, bytes) : 0;
		k++;
		rc = (start > off && write_all(fd, zero, start - off)) || (bytes && write_all(fd, p, bytes)) ? -1 : 0;
		off = start + bytes;
	}
	free(b.p);
	if (rc)
		return -1;
	h->index_size = off;
	h->table_crc = ix_crc(tab, (uint64_t)k * sizeof(tab[0]));
	h->header_crc = ix_crc(h, sizeof(*h));
	if (write_all_at(fd, tab, (uint64_t)k * sizeof(tab[0]), sizeof(*h)) || write_all_at(fd, h, sizeof(*h), 0))
		return -1;
	return 0;
}

/* The folder of path (malloc'd). */
static char *folder_of(const char *path)
{
	char *dir = hs_xmalloc(strlen(path) + 2), *slash;
	strcpy(dir, path);
	slash = strrchr(dir, '/');
	if (!slash)
		strcpy(dir, ".");
	else
		slash[slash == dir] = '\0';
	return dir;
}

/* Writes the file through a temporary file in dir renamed to index_path. */
static int write_file(const char *index_path, const char *dir, const struct hs_index_key *k,
		      struct ix_header *h, const struct hs_snapshot *s, const struct hs_analysis *a,
		      struct hs_error *err)
{
	/* a short name of its own, so that any snapshot name that leaves room
	 * for ".hsnapidx" works */
	size_t tlen = strlen(dir) + 64;
	char *tmp = hs_xmalloc(tlen);
	struct stat st;
	int fd, saved, rc = 0;

	clean_stale_temps(dir);
	snprintf(tmp, tlen, "%s/" TMP_PREFIX "%ld.XXXXXX", dir, (long)getpid());
	abandon_armed = 0;
	fd = mkostemp(tmp, O_CLOEXEC); /* O_CREAT | O_EXCL, mode 0600: never through a symlink */
	if (fd < 0) {
		saved = errno;
		rc = hs_error_set(err, HS_ERR_IO, "cannot create a temporary file in %s: %s", dir,
				  strerror(saved));
		free(tmp);
		errno = saved;
		return rc;
	}
	if (strlen(tmp) < sizeof(abandon_path)) {
		memcpy(abandon_path, tmp, strlen(tmp) + 1);
		abandon_armed = 1;
	}
	apply_policy(fd, k);
	if (write_sections(fd, h, s, a))
		goto fail;
	saved = close(fd);
	fd = -1;
	if (saved)
		goto fail;
	/* again just before: rename() would replace a symlink, FIFO or device
	 * (never write through it, but never replace what is not ours either) */
	if (lstat(index_path, &st) == 0 && !S_ISREG(st.st_mode)) {
		errno = EEXIST;
		goto fail;
	}
	if (rename(tmp, index_path))
		goto fail;
	abandon_armed = 0;
	free(tmp);
	return 0;
fail:
	saved = errno;
	if (fd >= 0)
		close(fd);
	abandon_armed = 0;
	unlink(tmp);
	free(tmp);
	errno = saved;
	return hs_error_set(err, HS_ERR_IO, "cannot write %s: %s", index_path, strerror(saved));
}

int hs_index_write(const char *index_path, const struct hs_index_key *k,
		   const struct hs_snapshot *s, const struct hs_analysis *a,
		   struct hs_error *err)
{
	struct ix_header h;
	uint64_t bound;
	char *dir;
	int rc, saved;

	if (!a->distance || !a->parent_edge || !a->dom.dom_first)
		return hs_error_set(err, HS_ERR_USAGE, "the analysis lacks distances or parent edges");
	header(&h, k, s, a);
	h.nsections = sections(s, a, &bound);
	dir = folder_of(index_path);
	rc = may_write(index_path, dir, bound, err);
	if (!rc)
		rc = write_file(index_path, dir, k, &h, s, a, err);
	saved = errno;
	free(dir);
	errno = saved;
	return rc;
}
