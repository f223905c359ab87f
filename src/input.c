/* File / gzip / stdin reading in large chunks (zlib for gzip). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include "input.h"
#include "alloc.h"

#define RAW_CHUNK (1u << 20)

struct hs_input {
	int fd, is_stdin, gzip, z_done;
	uint64_t disk_size, disk_pos;
	z_stream z;
	unsigned char *raw;      /* compressed input buffer (gzip only) */
	size_t pre_len, pre_pos; /* sniffed bytes not yet returned (plain) */
	unsigned char pre[2];
	unsigned char *pb;       /* peeked (decompressed) bytes, returned first */
	size_t pb_len, pb_pos;
	int peeked;
	uint64_t total, max;     /* (decompressed) bytes returned; limit (0: none) */
};

static long read_fd(struct hs_input *in, unsigned char *buf, size_t cap, struct hs_error *err)
{
	for (;;) {
		ssize_t r = read(in->fd, buf, cap);
		if (r >= 0) {
			in->disk_pos += (uint64_t)r;
			return (long)r;
		}
		if (errno == EINTR)
			continue;
		return hs_error_set(err, HS_ERR_IO, "read failed: %s", strerror(errno));
	}
}

int hs_input_open(const char *path, struct hs_input **out, struct hs_error *err)
{
	struct hs_input *in = hs_xcalloc(1, sizeof(*in));
	struct stat st;
	long r;
	size_t got = 0;

	in->is_stdin = !strcmp(path, "-");
	in->fd = in->is_stdin ? 0 : open(path, O_RDONLY);
	if (in->fd < 0) {
		int e = errno;
		free(in);
		return hs_error_set(err, HS_ERR_IO, "cannot open: %s", strerror(e));
	}
	if (fstat(in->fd, &st) == 0) {
		if (S_ISDIR(st.st_mode)) {
			hs_input_close(in);
			return hs_error_set(err, HS_ERR_IO, "is a directory");
		}
		if (S_ISREG(st.st_mode))
			in->disk_size = (uint64_t)st.st_size;
	}
	/* Sniff the gzip magic from the first two bytes. */
	while (got < 2) {
		r = read_fd(in, in->pre + got, 2 - got, err);
		if (r < 0) {
			hs_input_close(in);
			return (int)r;
		}
		if (r == 0)
			break;
		got += (size_t)r;
	}
	in->pre_len = got;
	if (got == 2 && in->pre[0] == 0x1f && in->pre[1] == 0x8b) {
		in->gzip = 1;
		if (inflateInit2(&in->z, 15 + 32) != Z_OK) {
			hs_input_close(in);
			return hs_error_set(err, HS_ERR_LIMIT, "cannot initialise zlib");
		}
		in->raw = hs_xmalloc(RAW_CHUNK);
		memcpy(in->raw, in->pre, 2);
		in->z.next_in = in->raw;
		in->z.avail_in = 2;
		in->pre_len = 0;
	}
	*out = in;
	return 0;
}

static long read_gzip(struct hs_input *in, unsigned char *buf, size_t cap, struct hs_error *err)
{
	if (cap > UINT32_MAX)
		cap = UINT32_MAX;
	in->z.next_out = buf;
	in->z.avail_out = (uInt)cap;
	while (in->z.avail_out == cap) {
		int zr;
		if (in->z.avail_in == 0) {
			long r;
			if (in->z_done)
				return 0;
			r = read_fd(in, in->raw, RAW_CHUNK, err);
			if (r < 0)
				return r;
			if (r == 0)
				return hs_error_set(err, HS_ERR_FORMAT,
					"truncated gzip stream (ends after %llu compressed bytes)",
					(unsigned long long)in->disk_pos);
			in->z.next_in = in->raw;
			in->z.avail_in = (uInt)r;
		}
		zr = inflate(&in->z, Z_NO_FLUSH);
		if (zr == Z_STREAM_END) {
			/* Another gzip member may follow (concatenated .gz files). */
			if (in->z.avail_in == 0) {
				long r = read_fd(in, in->raw, RAW_CHUNK, err);
				if (r < 0)
					return r;
				in->z.next_in = in->raw;
				in->z.avail_in = (uInt)r;
			}
			if (in->z.avail_in == 0) {
				in->z_done = 1;
				break;
			}
			inflateReset(&in->z);
			continue;
		}
		if (zr == Z_BUF_ERROR && in->z.avail_in == 0)
			continue;
		if (zr != Z_OK)
			return hs_error_set(err, HS_ERR_FORMAT, "corrupt gzip data: %s",
					    in->z.msg ? in->z.msg : "inflate failed");
	}
	return (long)(cap - in->z.avail_out);
}

/* Up to cap of the bytes held[*pos..len) into buf, *pos past them. */
static long take_held(const unsigned char *held, size_t len, size_t *pos, unsigned char *buf, size_t cap)
{
	size_t n = len - *pos;

	if (n > cap)
		n = cap;
	memcpy(buf, held + *pos, n);
	*pos += n;
	return (long)n;
}

static long read_raw(struct hs_input *in, unsigned char *buf, size_t cap, struct hs_error *err)
{
	if (in->gzip)
		return read_gzip(in, buf, cap, err);
	if (in->pre_pos < in->pre_len)
		return take_held(in->pre, in->pre_len, &in->pre_pos, buf, cap);
	return read_fd(in, buf, cap, err);
}

static int over_limit(const struct hs_input *in, struct hs_error *err)
{
	return hs_error_set(err, HS_ERR_LIMIT, "more than %llu bytes%s (the --max-input limit)",
			    (unsigned long long)in->max, in->gzip ? " after decompression" : "");
}

/* Counts what the stream gives against the --max-input limit. */
static long counted(struct hs_input *in, long r, struct hs_error *err)
{
	if (r <= 0)
		return r;
	in->total += (uint64_t)r;
	if (in->max && in->total > in->max)
		return over_limit(in, err);
	return r;
}

long hs_input_read(struct hs_input *in, unsigned char *buf, size_t cap, struct hs_error *err)
{
	if (cap > (size_t)0x7fffffff)
		cap = 0x7fffffff;
	if (in->pb_pos < in->pb_len)
		return take_held(in->pb, in->pb_len, &in->pb_pos, buf, cap);
	return counted(in, read_raw(in, buf, cap, err), err);
}

long hs_input_read_full(struct hs_input *in, unsigned char *buf, size_t cap, struct hs_error *err)
{
	size_t got = 0;

	while (got < cap) {
		long r = hs_input_read(in, buf + got, cap - got, err);
		if (r < 0)
			return r;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (long)got;
}

long hs_input_peek(struct hs_input *in, const unsigned char **head, struct hs_error *err)
{
	if (!in->peeked) {
		size_t got = in->pb_len - in->pb_pos;
		unsigned char *nb = hs_xmalloc(HS_INPUT_PEEK);
		if (got)
			memcpy(nb, in->pb + in->pb_pos, got);
		free(in->pb);
		in->pb = nb;
		in->pb_pos = 0;
		while (got < HS_INPUT_PEEK) {
			long r = counted(in, read_raw(in, in->pb + got, HS_INPUT_PEEK - got, err), err);
			if (r < 0) {
				in->pb_len = got;
				return r;
			}
			if (r == 0)
				break;
			got += (size_t)r;
		}
		in->pb_len = got;
		in->peeked = 1;
	}
	*head = in->pb + in->pb_pos;
	return (long)(in->pb_len - in->pb_pos);
}

int hs_input_set_limit(struct hs_input *in, uint64_t max, struct hs_error *err)
{
	in->max = max;
	if (max && !in->gzip && in->disk_size > max) /* the parallel scan reads it with pread */
		return hs_error_set(err, HS_ERR_LIMIT, "the file has %llu bytes, more than %llu (the --max-input limit)",
				    (unsigned long long)in->disk_size, (unsigned long long)max);
	if (max && in->total > max)
		return over_limit(in, err);
	return 0;
}

uint64_t hs_input_bytes(const struct hs_input *in) { return in->total; }
int hs_input_is_stdin(const struct hs_input *in) { return in->is_stdin; }

int hs_input_is_gzip(const struct hs_input *in) { return in->gzip; }

int hs_input_fd(const struct hs_input *in)
{
	return !in->gzip && !in->is_stdin && in->disk_size ? in->fd : -1;
}

int hs_input_seek(struct hs_input *in, uint64_t off, struct hs_error *err)
{
	if (hs_input_fd(in) < 0 || lseek(in->fd, (off_t)off, SEEK_SET) < 0)
		return hs_error_set(err, HS_ERR_IO, "seek failed: %s", strerror(errno));
	in->disk_pos = off;
	in->pre_pos = in->pre_len; /* the sniffed bytes lie behind */
	in->pb_pos = in->pb_len;
	return 0;
}
uint64_t hs_input_disk_size(const struct hs_input *in) { return in->disk_size; }
uint64_t hs_input_disk_pos(const struct hs_input *in)
{
	/* gzip: the compressed bytes inflate has taken, not those read ahead */
	return in->gzip ? in->disk_pos - in->z.avail_in : in->disk_pos;
}

void hs_input_close(struct hs_input *in)
{
	if (!in)
		return;
	if (in->gzip)
		inflateEnd(&in->z);
	if (!in->is_stdin && in->fd >= 0)
		close(in->fd);
	free(in->raw);
	free(in->pb);
	free(in);
}

long hs_pread_full(int fd, void *buf, size_t len, uint64_t off)
{
	unsigned char *b = buf;
	size_t got = 0;
	while (got < len) {
		ssize_t r = pread(fd, b + got, len - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return r < 0 ? -1 : (long)got;
		got += (size_t)r;
	}
	return (long)got;
}
