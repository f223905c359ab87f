/* Safe standard output: everything hsnap prints on stdout goes through one
 * filter (a glibc cookie stream installed as `stdout` before any output),
 * because heap strings -- node names, property names, class names -- are
 * written by every renderer and come from the snapshot, i.e. from whoever
 * made it.
 *
 *   text, csv, markdown: control characters other than newline and tab
 *     (C0, DEL) become `\xNN`, C1 controls (U+0080..U+009F, which some
 *     terminals take as CSI & co.) `\u00NN`, UTF-16 surrogates that the
 *     loader kept as 3-byte sequences (lone `\udc00` in the JSON) `\uDNNN`,
 *     bytes that are not UTF-8 `\xNN`: an escape sequence in a snapshot never
 *     reaches the terminal, and the output is valid UTF-8.
 *   json: yajl_gen escapes C0 controls itself; DEL and C1 controls become
 *     `\u00NN` and surrogates `\uDNNN` (what JSON.stringify writes for a lone
 *     surrogate), bytes that are not UTF-8 U+FFFD.  Such bytes only occur
 *     inside JSON strings (yajl writes everything else in ASCII), where these
 *     escapes mean the same character.
 *
 * UTF-8 sequences cut between two writes are carried over; an incomplete one
 * at exit is escaped.  Write errors make the stream's fflush fail, as before. */
#define _GNU_SOURCE
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "cli.h"

static int json_mode;
static unsigned char carry[4];
static size_t ncarry;
static unsigned char obuf[1 << 16];
static size_t olen;

static int put_fd(const unsigned char *p, size_t len)
{
	while (len) {
		ssize_t w = write(1, p, len);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		p += w;
		len -= (size_t)w;
	}
	return 0;
}

static int out_flush(void)
{
	int rc = put_fd(obuf, olen);
	olen = 0;
	return rc;
}

static int out(const void *p, size_t len)
{
	if (olen + len > sizeof(obuf) && out_flush() < 0)
		return -1;
	if (len > sizeof(obuf))
		return put_fd(p, len);
	memcpy(obuf + olen, p, len);
	olen += len;
	return 0;
}

static int out_escape(const char *fmt, unsigned v)
{
	char b[16];
	int n = snprintf(b, sizeof(b), fmt, v);
	return out(b, (size_t)n);
}

/* Length of the well-formed UTF-8 sequence at p (RFC 3629), 0 if it is not
 * one, -1 if it may be one but is cut short; *surrogate for ED A0..BF xx. */
static int seq_len(const unsigned char *p, size_t avail, int *surrogate)
{
	unsigned char c = p[0];
	int n, i;
	unsigned char lo = 0x80, hi = 0xbf;

	*surrogate = 0;
	if (c >= 0xc2 && c <= 0xdf) n = 2;
	else if (c >= 0xe0 && c <= 0xef) n = 3;
	else if (c >= 0xf0 && c <= 0xf4) n = 4;
	else return 0;
	if (c == 0xe0) lo = 0xa0;
	else if (c == 0xf0) lo = 0x90;
	else if (c == 0xf4) hi = 0x8f;
	else if (c == 0xed) hi = 0x9f;
	for (i = 1; i < n; i++) {
		if ((size_t)i >= avail)
			return -1;
		if (p[i] < (i == 1 ? lo : 0x80) || p[i] > (i == 1 ? hi : 0xbf)) {
			/* ED A0..BF xx: a surrogate, as the loader writes a lone one */
			if (i == 1 && c == 0xed && p[1] >= 0xa0 && p[1] <= 0xbf) {
				if (avail < 3)
					return -1;
				if (p[2] >= 0x80 && p[2] <= 0xbf) {
					*surrogate = 1;
					return 3;
				}
			}
			return 0;
		}
	}
	return n;
}

/* Filters len bytes; at_end: no more bytes follow (a cut sequence is bad). */
static int filter(const unsigned char *p, size_t len, int at_end, size_t *used)
{
	size_t i = 0, run = 0;

	while (i < len) {
		unsigned char c = p[i];
		int n, sur;
		if (c < 0x80 && ((c >= 0x20 && c != 0x7f) || c == '\n' || c == '\t' || (json_mode && c != 0x7f))) {
			i++;
			continue;
		}
		if (i > run && out(p + run, i - run) < 0)
			return -1;
		if (c < 0x80) {
			if (out_escape(json_mode ? "\\u%04x" : "\\x%02x", c) < 0)
				return -1;
			run = ++i;
			continue;
		}
		n = seq_len(p + i, len - i, &sur);
		if (n < 0 && !at_end) {
			*used = i;
			return 0;
		}
		if (n <= 0) {
			if ((json_mode ? out("\xef\xbf\xbd", 3) : out_escape("\\x%02x", c)) < 0)
				return -1;
			run = ++i;
			continue;
		}
		if (sur) {
			unsigned cp = 0xd000 | ((p[i + 1] & 0x3fu) << 6) | (p[i + 2] & 0x3fu);
			if (out_escape("\\u%04x", cp) < 0)
				return -1;
		} else if (c == 0xc2 && p[i + 1] < 0xa0) {
			if (out_escape("\\u%04x", p[i + 1]) < 0)
				return -1;
		} else if (out(p + i, (size_t)n) < 0) {
			return -1;
		}
		i += (size_t)n;
		run = i;
	}
	if (len > run && out(p + run, len - run) < 0)
		return -1;
	*used = len;
	return 0;
}

static ssize_t cookie_write(void *cookie, const char *buf, size_t size)
{
	const unsigned char *p = (const unsigned char *)buf;
	size_t used, rest = size;

	(void)cookie;
	/* finish a sequence cut by the previous write (at most 3 bytes) */
	while (ncarry && rest) {
		carry[ncarry++] = *p++;
		rest--;
		if (filter(carry, ncarry, 0, &used) < 0)
			return -1;
		if (used == ncarry) {
			ncarry = 0;
		} else if (used) {
			memmove(carry, carry + used, ncarry - used);
			ncarry -= used;
		} else if (ncarry == 4) {
			if (filter(carry, ncarry, 1, &used) < 0)
				return -1;
			ncarry = 0;
		}
	}
	if (rest) {
		if (filter(p, rest, 0, &used) < 0)
			return -1;
		memcpy(carry, p + used, rest - used);
		ncarry = rest - used;
	}
	if (out_flush() < 0)
		return -1;
	return (ssize_t)size;
}

static void at_exit(void)
{
	size_t used;
	fflush(stdout);
	if (ncarry && filter(carry, ncarry, 1, &used) == 0)
		out_flush();
	ncarry = 0;
}

void safe_stdout_install(void)
{
	static const cookie_io_functions_t io = { NULL, cookie_write, NULL, NULL };
	FILE *f = fopencookie(NULL, "w", io);

	if (!f)
		return; /* no filter rather than no output */
	setvbuf(f, NULL, isatty(1) ? _IOLBF : _IOFBF, 1 << 16);
	stdout = f;
	atexit(at_exit);
}

void safe_stdout_json(int on)
{
	fflush(stdout);
	json_mode = on;
}
