/* Parallel scan of the numeric arrays (plain files).
 *
 * For a regular uncompressed file the "nodes", "edges" and "locations"
 * arrays are read with pread by several threads: the array's end is the
 * first ']' after its '[' (only digits, commas and white space may lie
 * between, which the scanner checks); the span is cut into pieces just after
 * a comma; pass one counts the commas of each piece (so every piece knows the
 * index of its first value), the arrays are allocated exactly, and pass two
 * runs the scanner of load_scan.c over each piece, straight into them.  The
 * first error in file order is reported.  The stream then resumes after the
 * ']' (the caller seeks there). */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "input.h"
#include "load_internal.h"
#include "alloc.h"

#define PREAD_CHUNK (1u << 20)
#define CHANGED "the file changed while being read"

/* Test hook: called with the file descriptor between pass one and pass two
 * (tests/robust/test_hostile.c rewrites the file there). */
void (*hs_load_between_passes)(int fd);

struct piece {
	struct parser *p;
	int fd, first_piece, last;
	uint64_t begin, end;     /* file offsets [begin, end) */
	uint64_t first, commas;  /* index of its first value; commas in it */
	uint64_t next;           /* pass two: index after its last value */
	int status;
	char msg[256];
	unsigned char *buf;
	struct scan scan;        /* pass two */
};

static int piece_fail(struct piece *pc, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int piece_fail(struct piece *pc, int status, const char *fmt, ...)
{
	va_list ap;
	if (pc->status)
		return -1;
	pc->status = status;
	va_start(ap, fmt);
	vsnprintf(pc->msg, sizeof(pc->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Reads the `want` bytes at `off` into pc->buf: 0, or -1 with the error. */
static int piece_read(struct piece *pc, size_t want, uint64_t off)
{
	long r = hs_pread_full(pc->fd, pc->buf, want, off);

	if (r == (long)want)
		return 0;
	if (r < 0)
		return piece_fail(pc, HS_ERR_IO, "read failed at byte %llu: %s", (unsigned long long)off, strerror(errno));
	return piece_fail(pc, HS_ERR_FORMAT, CHANGED " (it ends before byte %llu now)",
			  (unsigned long long)(off + want));
}

static void *count_piece(void *arg)
{
	struct piece *pc = arg;
	uint64_t off = pc->begin;

	while (off < pc->end) {
		size_t want = pc->end - off < PREAD_CHUNK ? (size_t)(pc->end - off) : PREAD_CHUNK, i;
		if (piece_read(pc, want, off) < 0)
			return NULL;
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

static void *decode_piece(void *arg)
{
	struct piece *pc = arg;
	struct scan *sc = &pc->scan;
	uint64_t off = pc->begin;

	hs_scan_piece(sc, pc->p, pc->first, pc->first_piece);
	while (off < pc->end) {
		size_t want = pc->end - off < PREAD_CHUNK ? (size_t)(pc->end - off) : PREAD_CHUNK;
		long used;
		if (piece_read(pc, want, off) < 0)
			return NULL;
		used = hs_scan_text(sc, pc->buf, want, off);
		if (used < 0) {
			piece_fail(pc, sc->status, "%s", sc->msg);
			return NULL;
		}
		if ((size_t)used < want) { /* a ']' before the one pass one found */
			piece_fail(pc, HS_ERR_FORMAT, CHANGED " (the \"%s\" array ends elsewhere)",
				   hs_load_section_names[pc->p->sec]);
			return NULL;
		}
		off += want;
	}
	if ((pc->last ? hs_scan_close(sc, pc->end) : hs_scan_cut(sc, pc->end)) < 0) {
		piece_fail(pc, sc->status, "%s", sc->msg);
		return NULL;
	}
	pc->next = hs_scan_next(sc);
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

/* fn(arg[0]) ... fn(arg[n - 1]) (arg: n records of `size` bytes), the first
 * on this thread, the others on threads of their own; one whose thread
 * could not start runs here after the first. */
static void run_threads(void *arg, size_t size, int n, void *(*fn)(void *))
{
	pthread_t th[MAX_JOBS];
	int started[MAX_JOBS] = { 0 }, i;
	unsigned char *a = arg;

	for (i = 1; i < n; i++)
		started[i] = pthread_create(&th[i], NULL, fn, a + (size_t)i * size) == 0;
	fn(a);
	for (i = 1; i < n; i++) {
		if (started[i])
			pthread_join(th[i], NULL);
		else
			fn(a + (size_t)i * size);
	}
}

/* Runs fn over the pieces on p->jobs threads (this one among them), each
 * taking the next piece not taken yet: pieces of one length can cost
 * different times (a piece of the edges array where the targets have more
 * digits, its pages faulted in later), and with one piece a thread the
 * first to finish would wait for the last.  Each thread reads through a
 * buffer of its own. */
struct worker {
	struct piece *pc;
	int n;
	atomic_int *next;
	void *(*fn)(void *);
	unsigned char *buf;
};

static void *work(void *arg)
{
	struct worker *w = arg;
	int i;

	while ((i = atomic_fetch_add(w->next, 1)) < w->n) {
		w->pc[i].buf = w->buf;
		w->fn(&w->pc[i]);
		w->pc[i].buf = NULL;
	}
	return NULL;
}

static void run_pieces(struct parser *p, struct piece *pc, int n, void *(*fn)(void *))
{
	struct worker w[MAX_JOBS];
	int i, nw = p->jobs < n ? p->jobs : n;
	atomic_int next = 0;

	for (i = 0; i < nw; i++) {
		w[i].pc = pc;
		w[i].n = n;
		w[i].next = &next;
		w[i].fn = fn;
		w[i].buf = hs_xmalloc(PREAD_CHUNK);
	}
	run_threads(w, sizeof(w[0]), nw, work);
	for (i = 0; i < nw; i++)
		free(w[i].buf);
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

/* find_byte on several threads: thread k reads the 1 MiB blocks k, k + n,
 * k + 2n, ... and stops at the first block that starts past the smallest
 * hit so far, so every block before the first `c` is read by some thread
 * and the answer is find_byte's.  A short read (the file ended: it shrank)
 * counts from where it ends: a hit past it is no hit, as for find_byte. */
struct finder {
	int fd, c, n;
	uint64_t begin, limit;
	_Atomic uint64_t found, ended;
};

struct find_job {
	struct finder *f;
	int k;
	unsigned char *buf;
};

static void lower(_Atomic uint64_t *v, uint64_t x)
{
	uint64_t cur = atomic_load(v);

	while (x < cur && !atomic_compare_exchange_weak(v, &cur, x))
		;
}

static void *find_run(void *arg)
{
	struct find_job *j = arg;
	struct finder *f = j->f;
	uint64_t off;

	for (off = f->begin + (uint64_t)j->k * PREAD_CHUNK; off < f->limit; off += (uint64_t)f->n * PREAD_CHUNK) {
		size_t want = f->limit - off < PREAD_CHUNK ? (size_t)(f->limit - off) : PREAD_CHUNK;
		unsigned char *hit;
		long r;
		if (off >= atomic_load(&f->found) || off >= atomic_load(&f->ended))
			break;
		r = hs_pread_full(f->fd, j->buf, want, off);
		if (r > 0 && (hit = memchr(j->buf, f->c, (size_t)r)) != NULL) {
			lower(&f->found, off + (uint64_t)(hit - j->buf));
			break;
		}
		if (r < (long)want) {
			lower(&f->ended, off + (uint64_t)(r > 0 ? r : 0));
			break;
		}
	}
	return NULL;
}

static uint64_t find_byte_parallel(struct parser *p, uint64_t off, uint64_t limit, int c, unsigned char *buf)
{
	struct finder f = { p->par_fd, c, p->jobs, off, limit, UINT64_MAX, UINT64_MAX };
	struct find_job j[MAX_JOBS];
	int i;

	if (p->jobs < 2 || limit - off <= PREAD_CHUNK) /* one block */
		return find_byte(p->par_fd, off, limit, c, buf);
	for (i = 0; i < f.n; i++) {
		j[i].f = &f;
		j[i].k = i;
		j[i].buf = i ? hs_xmalloc(PREAD_CHUNK) : buf;
	}
	run_threads(j, sizeof(j[0]), f.n, find_run);
	for (i = 1; i < f.n; i++)
		free(j[i].buf);
	return f.found < f.ended ? f.found : UINT64_MAX;
}

/* Cuts [begin, end) into at most PIECES_PER_JOB * p->jobs pieces (and
 * MAX_JOBS) of 64 KiB or more, each after the first starting just after a
 * comma; returns how many. */
#define PIECES_PER_JOB 4
static int cut_pieces(struct parser *p, struct piece *pc, uint64_t begin, uint64_t end, unsigned char *probe)
{
	uint64_t len = end - begin;
	int n = p->jobs * PIECES_PER_JOB < MAX_JOBS ? p->jobs * PIECES_PER_JOB : MAX_JOBS, i;

	if ((uint64_t)n > len / 65536 + 1)
		n = (int)(len / 65536 + 1);
	memset(pc, 0, sizeof(*pc) * (size_t)n);
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
	for (i = 0; i < n; i++) {
		pc[i].p = p;
		pc[i].fd = p->par_fd;
		pc[i].end = i + 1 < n ? pc[i + 1].begin : end;
		pc[i].first_piece = i == 0;
		pc[i].last = i + 1 == n;
	}
	return n;
}

/* 1, or 0 after hs_load_fail with the first piece's error (in file order). */
static int first_error(struct parser *p, const struct piece *pc, int n)
{
	int i;

	for (i = 0; i < n; i++)
		if (pc[i].status)
			return hs_load_fail(p, pc[i].status, "%s", pc[i].msg);
	return 1;
}

/* Pass one: each piece's first index; the values in the array. */
static int count_values(struct parser *p, struct piece *pc, int n, uint64_t begin, uint64_t end,
			uint64_t *values, unsigned char *buf)
{
	uint64_t total = 0;
	int i;

	run_pieces(p, pc, n, count_piece);
	if (!first_error(p, pc, n))
		return 0;
	for (i = 0; i < n; i++) {
		pc[i].first = total;
		total += pc[i].commas;
	}
	/* one value more than commas, unless the array is only white space */
	if (total || !all_space(p->par_fd, begin, end, buf))
		total++;
	*values = total;
	return 1;
}

/* Pass two, and the checks that the file is still what pass one read. */
static int decode_values(struct parser *p, struct piece *pc, int n, uint64_t end, uint64_t total)
{
	unsigned char c = 0;
	int i;

	run_pieces(p, pc, n, decode_piece);
	if (!first_error(p, pc, n))
		return 0;
	/* each piece must hold what pass one counted in it, or the arrays
	 * keep values never written */
	for (i = 0; i < n; i++)
		if (pc[i].next != (i + 1 < n ? pc[i + 1].first : total))
			return hs_load_fail(p, HS_ERR_FORMAT, CHANGED " (the \"%s\" array holds other values than a moment ago)",
					    hs_load_section_names[p->sec]);
	/* and the array still ends where it did */
	if (hs_pread_full(p->par_fd, &c, 1, end) != 1 || c != ']')
		return hs_load_fail(p, HS_ERR_FORMAT, CHANGED " (the \"%s\" array ends elsewhere)",
				    hs_load_section_names[p->sec]);
	return 1;
}

int hs_load_parallel_array(struct parser *p, uint64_t begin)
{
	struct piece pc[MAX_JOBS];
	unsigned char *probe = hs_xmalloc(PREAD_CHUNK);
	uint64_t end = find_byte_parallel(p, begin, p->par_size, ']', probe), total = 0;
	int n, ok;

	if (end == UINT64_MAX) {
		free(probe);
		return hs_load_fail(p, HS_ERR_FORMAT, "truncated: the JSON ends inside the \"%s\" array (after %llu bytes)",
				    hs_load_section_names[p->sec], (unsigned long long)p->par_size);
	}
	n = cut_pieces(p, pc, begin, end, probe);
	ok = count_values(p, pc, n, begin, end, &total, probe) && hs_scan_alloc_exact(p, total);
	free(probe);
	if (ok && hs_load_between_passes)
		hs_load_between_passes(p->par_fd);
	ok = ok && decode_values(p, pc, n, end, total);
	if (ok)
		p->bytes_fed = end + 1;
	return ok;
}
