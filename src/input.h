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
int hs_input_is_gzip(const struct hs_input *in);
/* Size of the file on disk (0 when unknown: stdin, pipes). */
uint64_t hs_input_disk_size(const struct hs_input *in);
/* Bytes of the file on disk consumed so far (for progress). */
uint64_t hs_input_disk_pos(const struct hs_input *in);
/* File descriptor of a plain (not gzip) regular file, or -1. */
int hs_input_fd(const struct hs_input *in);
/* Repositions a plain regular file: the next read starts at `off`. */
int hs_input_seek(struct hs_input *in, uint64_t off, struct hs_error *err);
void hs_input_close(struct hs_input *in);
/* pread until len bytes or end of file (EINTR retried): bytes read, or -1. */
long hs_pread_full(int fd, void *buf, size_t len, uint64_t off);

#endif
