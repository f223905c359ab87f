/* The growable byte buffer of strbuf.h. */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "strbuf.h"

void hs_strbuf_grow(struct hs_strbuf *sb, size_t extra)
{
	size_t need, a;

	if (extra > SIZE_MAX - 1 - sb->len) /* len + extra + 1 overflows */
		hs_xmul(SIZE_MAX, 2);       /* exits 4: an impossible size */
	need = sb->len + extra + 1;
	if (need <= sb->alloc)
		return;
	a = sb->alloc < 64 ? 64 : sb->alloc + sb->alloc / 2;
	if (a < need || a < sb->alloc)
		a = need;
	if (!sb->buf) {
		sb->buf = hs_xmalloc(a);
		sb->buf[0] = '\0';
	} else {
		sb->buf = hs_xrealloc(sb->buf, a); /* content and NUL kept */
	}
	sb->alloc = a;
}

void hs_strbuf_add(struct hs_strbuf *sb, const void *data, size_t len)
{
	hs_strbuf_grow(sb, len);
	if (len)
		memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void hs_strbuf_addstr(struct hs_strbuf *sb, const char *s)
{
	hs_strbuf_add(sb, s, strlen(s));
}

void hs_strbuf_addch(struct hs_strbuf *sb, char c)
{
	hs_strbuf_grow(sb, 1);
	sb->buf[sb->len++] = c;
	sb->buf[sb->len] = '\0';
}

void hs_strbuf_addf(struct hs_strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	int n;

	hs_strbuf_grow(sb, 64);
	va_start(ap, fmt);
	n = vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
	va_end(ap);
	if (n < 0)
		n = 0; /* an encoding error: nothing added */
	if ((size_t)n >= sb->alloc - sb->len) {
		hs_strbuf_grow(sb, (size_t)n);
		va_start(ap, fmt);
		vsnprintf(sb->buf + sb->len, sb->alloc - sb->len, fmt, ap);
		va_end(ap);
	}
	sb->len += (size_t)n;
	sb->buf[sb->len] = '\0';
}

void hs_strbuf_setlen(struct hs_strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return; /* nothing allocated: the buffer stays empty */
	sb->len = len < sb->alloc ? len : sb->alloc - 1;
	sb->buf[sb->len] = '\0';
}

char *hs_strbuf_detach(struct hs_strbuf *sb, size_t *len)
{
	char *p;

	hs_strbuf_grow(sb, 0);
	p = sb->buf;
	if (len)
		*len = sb->len;
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
	return p;
}

void hs_strbuf_release(struct hs_strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->alloc = 0;
}
