/* Input stream: a file, gzip file (sniffed by magic 1f 8b) or stdin ("-"),
 * read in large chunks (load.c), and hs_pread_full (load.c, index.c). */
#ifndef HSNAP_INPUT_H
#define HSNAP_INPUT_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/error.h"

struct hs_input;

int hs_input_open(const char *path, struct hs_input **out, struct hs_error *err);
/* Reads up to cap bytes of (decompressed) data.  Returns bytes read, 0 at the
 * end, or a negative hs_status with err filled. */
long hs_input_read(struct hs_input *in, unsigned char *buf, size_t cap, struct hs_error *err);
/* hs_input_read until cap bytes or the end (pipes give 64 KiB at a time;
 * the loader wants big chunks, see load.c). */
long hs_input_read_full(struct hs_input *in, unsigned char *buf, size_t cap, struct hs_error *err);
/* The first (up to) HS_INPUT_PEEK bytes of the (decompressed) stream,
 * without consuming them: later reads return them again, so a pipe or
 * stdin can be sniffed and then read (every input is opened once).  Call
 * before any hs_input_read.  Returns their number (0: empty) or a negative
 * hs_status. */
#define HS_INPUT_PEEK 4096
long hs_input_peek(struct hs_input *in, const unsigned char **head, struct hs_error *err);
/* At most max (decompressed) bytes may be read (0: no limit); a plain
 * regular file larger than that fails here.  Reads past it fail with
 * HS_ERR_LIMIT. */
int hs_input_set_limit(struct hs_input *in, uint64_t max, struct hs_error *err);
/* (Decompressed) bytes read so far. */
uint64_t hs_input_bytes(const struct hs_input *in);
int hs_input_is_stdin(const struct hs_input *in);
int hs_input_is_gzip(const struct hs_input *in);
/* Size of the file on disk (0 when unknown: stdin, pipes). */
uint64_t hs_input_disk_size(const struct hs_input *in);
/* Bytes of the file on disk consumed so far (for progress; gzip: those
 * inflate has taken). */
uint64_t hs_input_disk_pos(const struct hs_input *in);
/* File descriptor of a plain (not gzip) regular file, or -1. */
int hs_input_fd(const struct hs_input *in);
/* Repositions a plain regular file: the next read starts at `off`. */
int hs_input_seek(struct hs_input *in, uint64_t off, struct hs_error *err);
void hs_input_close(struct hs_input *in);
/* pread until len bytes or end of file (EINTR retried): bytes read, or -1. */
long hs_pread_full(int fd, void *buf, size_t len, uint64_t off);

#endif
