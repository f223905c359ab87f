/* A growable byte buffer, after git's strbuf: buf[0..len) is the content and
 * buf[len] is always '\0' once anything was added (buf is NULL before: use
 * hs_strbuf_str).  Allocation goes through hs_xrealloc (alloc.h), so none of
 * these fails. */
#ifndef HSNAP_STRBUF_H
#define HSNAP_STRBUF_H
#include <stddef.h>

struct hs_strbuf {
	char *buf;
	size_t len, alloc;
};
#define HS_STRBUF_INIT { NULL, 0, 0 }

/* Room for at least `extra` more bytes and the NUL after them. */
void hs_strbuf_grow(struct hs_strbuf *sb, size_t extra);
void hs_strbuf_add(struct hs_strbuf *sb, const void *data, size_t len);
void hs_strbuf_addstr(struct hs_strbuf *sb, const char *s);
void hs_strbuf_addch(struct hs_strbuf *sb, char c);
void hs_strbuf_addf(struct hs_strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Sets the length: a cut (len <= sb->len), or the bytes written at buf + len
 * (at most hs_strbuf_avail of them) added; a NUL is put after them. */
void hs_strbuf_setlen(struct hs_strbuf *sb, size_t len);
static inline void hs_strbuf_reset(struct hs_strbuf *sb) { hs_strbuf_setlen(sb, 0); }
/* Bytes that can be written at buf + len without growing (the NUL's byte
 * not counted); after a write, hs_strbuf_setlen(sb, len + written). */
static inline size_t hs_strbuf_avail(const struct hs_strbuf *sb) { return sb->alloc ? sb->alloc - sb->len - 1 : 0; }
/* The content as a C string ("" when nothing was added). */
static inline const char *hs_strbuf_str(const struct hs_strbuf *sb) { return sb->buf ? sb->buf : ""; }
/* The malloc'd content (never NULL), *len its length (len may be NULL); the
 * buffer is left empty. */
char *hs_strbuf_detach(struct hs_strbuf *sb, size_t *len);
void hs_strbuf_release(struct hs_strbuf *sb);

#endif
