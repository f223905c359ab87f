/* TCP, one HTTP GET and a WebSocket client over libwslay (see ws.h). */
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <wslay/wslay.h>
#include "ws.h"
#include "alloc.h"
#include "platform.h"
#include "strbuf.h"

#define HTTP_MAX_BODY (4u << 20)
#define HTTP_MAX_HEAD (64u << 10)

struct ws_conn {
	int fd, rnd;
	wslay_event_context_ptr ctx;
	ws_on_message cb;
	void *user;
	/* bytes that came with the handshake response, served first */
	char *pending;
	size_t npending, opending;
	struct hs_strbuf msg;   /* the message being received */
	int frame_data, frame_fin, in_msg, too_big;
	int cb_ret, delivered, eof, peer_closed;
	uint16_t close_code;
	uint64_t bytes_in;
	int err_errno;
};

int ws_parse_url(const char *url, struct ws_addr *a, struct hs_error *err)
{
	const char *p, *host, *colon, *slash;
	size_t hl;
	long port = 80;

	memset(a, 0, sizeof(*a));
	if (!strncmp(url, "ws://", 5)) p = url + 5;
	else if (!strncmp(url, "http://", 7)) p = url + 7;
	else if (!strncmp(url, "wss://", 6))
		return hs_error_set(err, HS_ERR_USAGE, "'%s': wss:// (TLS) is not supported; inspectors listen on plain ws://", url);
	else
		return hs_error_set(err, HS_ERR_USAGE, "'%s' is not a ws:// address", url);
	host = p;
	slash = strchr(p, '/');
	if (!slash) slash = p + strlen(p);
	if (*host == '[') {              /* [::1]:9229 */
		const char *close = memchr(host, ']', (size_t)(slash - host));
		if (!close)
			return hs_error_set(err, HS_ERR_USAGE, "'%s': unclosed '[' in the host", url);
		hl = (size_t)(close - host - 1);
		host++;
		colon = close[1] == ':' ? close + 1 : NULL;
	} else {
		colon = memchr(host, ':', (size_t)(slash - host));
		hl = (size_t)((colon ? colon : slash) - host);
	}
	if (hl == 0 || hl >= sizeof(a->host))
		return hs_error_set(err, HS_ERR_USAGE, "'%s': bad host", url);
	memcpy(a->host, host, hl);
	if (colon) {
		char *end;
		port = strtol(colon + 1, &end, 10);
		if (end != slash || port < 1 || port > 65535)
			return hs_error_set(err, HS_ERR_USAGE, "'%s': bad port", url);
	}
	a->port = (int)port;
	if (strlen(*slash ? slash : "/") >= sizeof(a->path))
		return hs_error_set(err, HS_ERR_USAGE, "'%s': path too long", url);
	strcpy(a->path, *slash ? slash : "/");
	return 0;
}

static int is_loopback(const struct sockaddr *sa)
{
	if (sa->sa_family == AF_INET) {
		const struct sockaddr_in *s = (const struct sockaddr_in *)sa;
		return (ntohl(s->sin_addr.s_addr) >> 24) == 127;
	}
	if (sa->sa_family == AF_INET6) {
		const struct sockaddr_in6 *s = (const struct sockaddr_in6 *)sa;
		static const uint8_t lo[16] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 };
		static const uint8_t v4[12] = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff };
		const uint8_t *b = s->sin6_addr.s6_addr;
		return !memcmp(b, lo, 16) || (!memcmp(b, v4, 12) && b[12] == 127);
	}
	return 0;
}

int ws_tcp_connect(const char *host, int port, int allow_remote, int timeout_ms, struct hs_error *err)
{
	struct addrinfo hints, *res = NULL, *ai;
	char ps[16];
	int rc, fd = -1, last = 0;

	memset(&hints, 0, sizeof(hints));
	hints.ai_family = AF_UNSPEC;
	hints.ai_socktype = SOCK_STREAM;
	snprintf(ps, sizeof(ps), "%d", port);
	if ((rc = getaddrinfo(host, ps, &hints, &res)) != 0) {
		hs_error_set(err, HS_ERR_IO, "cannot resolve '%s': %s", host, gai_strerror(rc));
		return -1;
	}
	for (ai = res; ai; ai = ai->ai_next)
		if (!allow_remote && !is_loopback(ai->ai_addr)) {
			freeaddrinfo(res);
			hs_error_set(err, HS_ERR_USAGE, "'%s' is not a loopback address: an inspector gives "
				     "full control of the process, so hsnap only talks to 127.0.0.1/::1 "
				     "unless --allow-remote is given", host);
			return -1;
		}
	for (ai = res; ai; ai = ai->ai_next) {
		struct pollfd pfd;
		int soerr = 0;
		socklen_t sl = sizeof(soerr);
		fd = socket(ai->ai_family, ai->ai_socktype, ai->ai_protocol);
		if (fd < 0) { last = errno; continue; }
		fcntl(fd, F_SETFD, FD_CLOEXEC);
		fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
		if (connect(fd, ai->ai_addr, ai->ai_addrlen) == 0)
			break;
		if (errno != EINPROGRESS) { last = errno; close(fd); fd = -1; continue; }
		pfd.fd = fd;
		pfd.events = POLLOUT;
		rc = poll(&pfd, 1, timeout_ms);
		if (rc == 1 && getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &sl) == 0 && soerr == 0)
			break;
		last = rc == 0 ? ETIMEDOUT : soerr ? soerr : errno;
		close(fd);
		fd = -1;
	}
	freeaddrinfo(res);
	if (fd < 0)
		hs_error_set(err, HS_ERR_IO, "cannot connect to %s:%d: %s", host, port, strerror(last));
	return fd;
}

/* Writes all of buf to the non-blocking fd within the deadline. */
static int send_all(int fd, const char *buf, size_t n, int64_t deadline, struct hs_error *err)
{
	while (n) {
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);
		if (w > 0) { buf += w; n -= (size_t)w; continue; }
		if (w < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
			struct pollfd p = { fd, POLLOUT, 0 };
			int64_t left = deadline - hs_now_ms();
			if (left <= 0 || poll(&p, 1, (int)left) == 0)
				return hs_error_set(err, HS_ERR_IO, "timed out sending to the inspector");
			continue;
		}
		return hs_error_set(err, HS_ERR_IO, "cannot send to the inspector: %s", strerror(errno));
	}
	return 0;
}

/* Reads into *buf (growing, at most max bytes) until stop(buf) says done,
 * EOF or the deadline. Returns bytes read or -1. */
static long recv_until(int fd, char **buf, size_t *cap, size_t len, size_t max, int64_t deadline,
		       long (*done)(const char *, size_t), int *eof, struct hs_error *err)
{
	*eof = 0;
	for (;;) {
		ssize_t r;
		if (done && len && done(*buf, len) >= 0)
			return (long)len;
		if (len + 1 >= *cap) {
			if (*cap >= max + 1) {
				hs_error_set(err, HS_ERR_LIMIT, "the inspector's HTTP answer is over %zu bytes", max);
				return -1;
			}
			*cap = *cap ? *cap * 2 : 4096;
			if (*cap > max + 1) *cap = max + 1;
			*buf = hs_xrealloc(*buf, *cap);
		}
		r = recv(fd, *buf + len, *cap - 1 - len, 0);
		if (r > 0) { len += (size_t)r; (*buf)[len] = 0; continue; }
		if (r == 0) { *eof = 1; return (long)len; }
		if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
			struct pollfd p = { fd, POLLIN, 0 };
			int64_t left = deadline - hs_now_ms();
			if (left <= 0 || poll(&p, 1, (int)left) == 0) {
				hs_error_set(err, HS_ERR_IO, "timed out waiting for the inspector's answer");
				return -1;
			}
			continue;
		}
		hs_error_set(err, HS_ERR_IO, "cannot read from the inspector: %s", strerror(errno));
		return -1;
	}
}

/* Offset just past "\r\n\r\n", or -1. */
static long head_end(const char *b, size_t n)
{
	size_t i;
	for (i = 3; i < n; i++)
		if (b[i] == '\n' && b[i - 1] == '\r' && b[i - 2] == '\n' && b[i - 3] == '\r')
			return (long)(i + 1);
	return -1;
}

/* Value of header `name` in the head (case-insensitive), copied to out. */
static int header(const char *head, size_t n, const char *name, char *out, size_t outlen)
{
	size_t nl = strlen(name), i = 0;
	while (i < n) {
		const char *line = head + i, *eol = memchr(line, '\n', n - i);
		size_t ll = eol ? (size_t)(eol - line) : n - i;
		if (ll > nl && line[nl] == ':' && !strncasecmp(line, name, nl)) {
			const char *v = line + nl + 1;
			size_t vl = ll - nl - 1;
			while (vl && (*v == ' ' || *v == '\t')) { v++; vl--; }
			while (vl && (v[vl - 1] == '\r' || v[vl - 1] == ' ')) vl--;
			if (vl >= outlen) vl = outlen - 1;
			memcpy(out, v, vl);
			out[vl] = 0;
			return 1;
		}
		i += ll + 1;
	}
	return 0;
}

static int status_code(const char *head)
{
	if (strncmp(head, "HTTP/1.", 7) || !head[7] || head[8] != ' ')
		return -1;
	return atoi(head + 9);
}

static size_t want_len;
static long body_done(const char *b, size_t n)
{
	long h = head_end(b, n);
	return h >= 0 && n >= (size_t)h + want_len ? h : -1;
}

static long head_done(const char *b, size_t n)
{
	return head_end(b, n);
}

int ws_http_get(const char *host, int port, const char *path, int allow_remote, int timeout_ms,
		char **body, struct hs_error *err)
{
	char req[2048], cl[32];
	char *buf = NULL;
	size_t cap = 0;
	int64_t deadline = hs_now_ms() + timeout_ms;
	int fd, eof, code;
	long n, h;

	*body = NULL;
	fd = ws_tcp_connect(host, port, allow_remote, timeout_ms, err);
	if (fd < 0)
		return err ? err->status : HS_ERR_IO;
	snprintf(req, sizeof(req), "GET %s HTTP/1.1\r\nHost: %s%s%s:%d\r\nAccept: application/json\r\n"
		 "Connection: close\r\n\r\n", path, strchr(host, ':') ? "[" : "", host,
		 strchr(host, ':') ? "]" : "", port);
	if (send_all(fd, req, strlen(req), deadline, err)) {
		close(fd);
		return HS_ERR_IO;
	}
	n = recv_until(fd, &buf, &cap, 0, HTTP_MAX_HEAD, deadline, head_done, &eof, err);
	if (n < 0 || (h = head_end(buf, (size_t)n)) < 0) {
		if (n >= 0)
			hs_error_set(err, HS_ERR_IO, "%s:%d did not answer HTTP (is it an inspector?)", host, port);
		free(buf);
		close(fd);
		return HS_ERR_IO;
	}
	code = status_code(buf);
	if (code != 200) {
		hs_error_set(err, HS_ERR_IO, "GET %s from %s:%d: HTTP status %d", path, host, port, code);
		free(buf);
		close(fd);
		return HS_ERR_IO;
	}
	if (header(buf, (size_t)h, "Content-Length", cl, sizeof(cl))) {
		long v = atol(cl);
		if (v < 0 || (unsigned long)v > HTTP_MAX_BODY) {
			hs_error_set(err, HS_ERR_LIMIT, "GET %s: body of %s bytes is too large", path, cl);
			free(buf);
			close(fd);
			return HS_ERR_LIMIT;
		}
		want_len = (size_t)v;
		n = recv_until(fd, &buf, &cap, (size_t)n, HTTP_MAX_HEAD + HTTP_MAX_BODY, deadline, body_done, &eof, err);
	} else {
		n = recv_until(fd, &buf, &cap, (size_t)n, HTTP_MAX_HEAD + HTTP_MAX_BODY, deadline, NULL, &eof, err);
	}
	close(fd);
	if (n < 0) {
		free(buf);
		return HS_ERR_IO;
	}
	*body = hs_xmalloc((size_t)(n - h) + 1);
	memcpy(*body, buf + h, (size_t)(n - h));
	(*body)[n - h] = 0;
	free(buf);
	return 0;
}

/* --- SHA-1 (FIPS 180-4), only for Sec-WebSocket-Accept --- */
static uint32_t rol(uint32_t x, int n) { return (x << n) | (x >> (32 - n)); }

static void sha1_block(uint32_t h[5], const uint8_t *p)
{
	uint32_t w[80], a, b, c, d, e, t;
	int i;
	for (i = 0; i < 16; i++)
		w[i] = (uint32_t)p[4 * i] << 24 | (uint32_t)p[4 * i + 1] << 16 | (uint32_t)p[4 * i + 2] << 8 | p[4 * i + 3];
	for (i = 16; i < 80; i++)
		w[i] = rol(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
	a = h[0]; b = h[1]; c = h[2]; d = h[3]; e = h[4];
	for (i = 0; i < 80; i++) {
		uint32_t f, k;
		if (i < 20) { f = (b & c) | (~b & d); k = 0x5a827999; }
		else if (i < 40) { f = b ^ c ^ d; k = 0x6ed9eba1; }
		else if (i < 60) { f = (b & c) | (b & d) | (c & d); k = 0x8f1bbcdc; }
		else { f = b ^ c ^ d; k = 0xca62c1d6; }
		t = rol(a, 5) + f + e + k + w[i];
		e = d; d = c; c = rol(b, 30); b = a; a = t;
	}
	h[0] += a; h[1] += b; h[2] += c; h[3] += d; h[4] += e;
}

void ws_sha1(const void *data, size_t len, uint8_t out[20])
{
	uint32_t h[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	const uint8_t *p = data;
	uint8_t tail[128];
	size_t i, rest = len % 64, tl;
	uint64_t bits = (uint64_t)len * 8;

	for (i = 0; i + 64 <= len; i += 64)
		sha1_block(h, p + i);
	memset(tail, 0, sizeof(tail));
	memcpy(tail, p + len - rest, rest);
	tail[rest] = 0x80;
	tl = rest + 1 + 8 <= 64 ? 64 : 128;
	for (i = 0; i < 8; i++)
		tail[tl - 1 - i] = (uint8_t)(bits >> (8 * i));
	sha1_block(h, tail);
	if (tl == 128)
		sha1_block(h, tail + 64);
	for (i = 0; i < 20; i++)
		out[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
}

void ws_base64(const uint8_t *in, size_t n, char *out)
{
	static const char t[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
	size_t i;
	for (i = 0; i + 2 < n; i += 3) {
		*out++ = t[in[i] >> 2];
		*out++ = t[(in[i] & 3) << 4 | in[i + 1] >> 4];
		*out++ = t[(in[i + 1] & 15) << 2 | in[i + 2] >> 6];
		*out++ = t[in[i + 2] & 63];
	}
	if (n - i == 1) {
		*out++ = t[in[i] >> 2];
		*out++ = t[(in[i] & 3) << 4];
		*out++ = '=';
		*out++ = '=';
	} else if (n - i == 2) {
		*out++ = t[in[i] >> 2];
		*out++ = t[(in[i] & 3) << 4 | in[i + 1] >> 4];
		*out++ = t[(in[i + 1] & 15) << 2];
		*out++ = '=';
	}
	*out = 0;
}

/* --- wslay callbacks --- */

/* recv/send failed (errno): "would block" for wslay, or an error kept for
 * the message. */
static ssize_t io_failed(wslay_event_context_ptr ctx, struct ws_conn *c)
{
	if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	c->err_errno = errno;
	wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
	return -1;
}

static ssize_t cb_recv(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, int flags, void *user)
{
	struct ws_conn *c = user;
	ssize_t r;
	(void)flags;
	if (c->cb_ret) {          /* the consumer wants to stop: read no further */
		wslay_event_set_error(ctx, WSLAY_ERR_WOULDBLOCK);
		return -1;
	}
	if (c->opending < c->npending) {
		size_t n = c->npending - c->opending;
		if (n > len) n = len;
		memcpy(buf, c->pending + c->opending, n);
		c->opending += n;
		c->bytes_in += n;
		return (ssize_t)n;
	}
	r = recv(c->fd, buf, len, MSG_DONTWAIT);
	if (r > 0) {
		c->bytes_in += (uint64_t)r;
		return r;
	}
	if (r == 0) {
		c->eof = 1;
		wslay_event_set_error(ctx, WSLAY_ERR_CALLBACK_FAILURE);
		return -1;
	}
	return io_failed(ctx, c);
}

static ssize_t cb_send(wslay_event_context_ptr ctx, const uint8_t *data, size_t len, int flags, void *user)
{
	struct ws_conn *c = user;
	ssize_t w;
	(void)flags;
	w = send(c->fd, data, len, MSG_DONTWAIT | MSG_NOSIGNAL);
	if (w >= 0)
		return w;
	return io_failed(ctx, c);
}

static int cb_genmask(wslay_event_context_ptr ctx, uint8_t *buf, size_t len, void *user)
{
	struct ws_conn *c = user;
	(void)ctx;
	if (c->rnd >= 0 && read(c->rnd, buf, len) == (ssize_t)len)
		return 0;
	while (len--)                       /* masking is not a secret */
		buf[len] = (uint8_t)rand();
	return 0;
}

static void cb_frame_start(wslay_event_context_ptr ctx, const struct wslay_event_on_frame_recv_start_arg *a, void *user)
{
	struct ws_conn *c = user;
	(void)ctx;
	c->frame_data = a->opcode < 8;
	c->frame_fin = a->fin;
	if (a->payload_length > WS_MAX_MESSAGE) {   /* wslay refuses it too */
		c->too_big = 1;
		c->cb_ret = HS_ERR_LIMIT;
		return;
	}
	if (!c->frame_data)
		return;
	if (a->opcode != WSLAY_CONTINUATION_FRAME || !c->in_msg) {
		hs_strbuf_reset(&c->msg);
		c->too_big = 0;
		c->in_msg = 1;
	}
}

static void cb_frame_chunk(wslay_event_context_ptr ctx, const struct wslay_event_on_frame_recv_chunk_arg *a, void *user)
{
	struct ws_conn *c = user;
	(void)ctx;
	if (!c->frame_data || c->too_big || !a->data_length)
		return;
	if (a->data_length > WS_MAX_MESSAGE - c->msg.len) {
		c->too_big = 1;
		c->cb_ret = HS_ERR_LIMIT;
		return;
	}
	hs_strbuf_add(&c->msg, a->data, a->data_length);
}

static void cb_frame_end(wslay_event_context_ptr ctx, void *user)
{
	struct ws_conn *c = user;
	(void)ctx;
	if (!c->frame_data || !c->frame_fin || c->too_big)
		return;
	c->in_msg = 0;
	c->delivered = 1;
	if (!c->cb_ret)
		c->cb_ret = c->cb(c->user, hs_strbuf_str(&c->msg), c->msg.len);
}

static void cb_msg(wslay_event_context_ptr ctx, const struct wslay_event_on_msg_recv_arg *a, void *user)
{
	struct ws_conn *c = user;
	(void)ctx;
	if (a->opcode == WSLAY_CONNECTION_CLOSE) {
		c->peer_closed = 1;
		c->close_code = a->status_code;
	}
}

struct ws_conn *ws_open(const struct ws_addr *a, int allow_remote, int timeout_ms, ws_on_message cb,
			void *user, struct hs_error *err)
{
	static const char guid[] = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
	struct wslay_event_callbacks cbs = { cb_recv, cb_send, cb_genmask, cb_frame_start,
					     cb_frame_chunk, cb_frame_end, cb_msg };
	int64_t deadline = hs_now_ms() + timeout_ms;
	struct ws_conn *c;
	uint8_t nonce[16], digest[20];
	char key[32], expect[32], got[64], req[2048], cat[80];
	char *buf = NULL;
	size_t cap = 0;
	long n, h;
	int eof, code;

	c = hs_xcalloc(1, sizeof(*c));
	c->rnd = open("/dev/urandom", O_RDONLY | O_CLOEXEC);
	c->cb = cb;
	c->user = user;
	c->fd = ws_tcp_connect(a->host, a->port, allow_remote, timeout_ms, err);
	if (c->fd < 0)
		goto fail;
	if (c->rnd < 0 || read(c->rnd, nonce, sizeof(nonce)) != (ssize_t)sizeof(nonce)) {
		hs_error_set(err, HS_ERR_IO, "cannot read /dev/urandom for the WebSocket key");
		goto fail;
	}
	ws_base64(nonce, sizeof(nonce), key);
	snprintf(req, sizeof(req),
		 "GET %s HTTP/1.1\r\nHost: %s%s%s:%d\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
		 "Sec-WebSocket-Key: %s\r\nSec-WebSocket-Version: 13\r\n\r\n", a->path,
		 strchr(a->host, ':') ? "[" : "", a->host, strchr(a->host, ':') ? "]" : "", a->port, key);
	if (send_all(c->fd, req, strlen(req), deadline, err))
		goto fail;
	n = recv_until(c->fd, &buf, &cap, 0, HTTP_MAX_HEAD, deadline, head_done, &eof, err);
	if (n < 0)
		goto fail;
	if ((h = head_end(buf, (size_t)n)) < 0) {
		hs_error_set(err, HS_ERR_IO, "%s:%d closed the connection during the WebSocket handshake", a->host, a->port);
		goto fail;
	}
	code = status_code(buf);
	if (code != 101) {
		hs_error_set(err, HS_ERR_IO, "WebSocket handshake with %s:%d%s refused: HTTP status %d%s", a->host, a->port,
			     a->path, code, code == 400 || code == 403 ? " (another debugger attached, or a wrong target id?)" : "");
		goto fail;
	}
	snprintf(cat, sizeof(cat), "%s%s", key, guid);
	ws_sha1(cat, strlen(cat), digest);
	ws_base64(digest, sizeof(digest), expect);
	if (!header(buf, (size_t)h, "Sec-WebSocket-Accept", got, sizeof(got)) || strcmp(got, expect)) {
		hs_error_set(err, HS_ERR_IO, "WebSocket handshake with %s:%d: wrong Sec-WebSocket-Accept", a->host, a->port);
		goto fail;
	}
	if (n > h) {   /* frames that arrived with the handshake */
		c->npending = (size_t)(n - h);
		c->pending = hs_xmalloc(c->npending);
		memcpy(c->pending, buf + h, c->npending);
	}
	free(buf);
	buf = NULL;
	if (wslay_event_context_client_init(&c->ctx, &cbs, c)) {
		hs_error_set(err, HS_ERR_LIMIT, "out of memory for the WebSocket");
		goto fail;
	}
	wslay_event_config_set_no_buffering(c->ctx, 1);
	wslay_event_config_set_max_recv_msg_length(c->ctx, WS_MAX_MESSAGE);
	return c;
fail:
	free(buf);
	ws_close(c);
	return NULL;
}

int ws_send_text(struct ws_conn *c, const char *msg, size_t len, struct hs_error *err)
{
	struct wslay_event_msg m = { WSLAY_TEXT_FRAME, (const uint8_t *)msg, len };
	if (wslay_event_queue_msg(c->ctx, &m))
		return hs_error_set(err, HS_ERR_IO, "the WebSocket is closing; cannot send");
	return 0;
}

static int conn_error(struct ws_conn *c, struct hs_error *err)
{
	if (c->too_big)
		return hs_error_set(err, HS_ERR_LIMIT, "the inspector sent a message over %u MiB", WS_MAX_MESSAGE >> 20);
	if (c->peer_closed)
		return hs_error_set(err, HS_ERR_IO, "the inspector closed the WebSocket (code %u)", c->close_code);
	if (c->eof)
		return hs_error_set(err, HS_ERR_IO, "the inspector closed the connection");
	if (c->err_errno)
		return hs_error_set(err, HS_ERR_IO, "connection to the inspector broken: %s", strerror(c->err_errno));
	return hs_error_set(err, HS_ERR_IO, "WebSocket protocol error from the inspector");
}

int ws_pump(struct ws_conn *c, int timeout_ms, const volatile int *stop, struct hs_error *err)
{
	int64_t deadline = hs_now_ms() + timeout_ms;
	c->delivered = 0;
	for (;;) {
		struct pollfd p;
		int64_t left;
		int r;
		if (wslay_event_want_write(c->ctx) && wslay_event_send(c->ctx))
			return conn_error(c, err);
		if (c->opending < c->npending)
			r = 1, p.revents = POLLIN;
		else {
			left = deadline - hs_now_ms();
			if (left < 0) left = 0;
			if (left > 100) left = 100;
			p.fd = c->fd;
			p.events = POLLIN | (wslay_event_want_write(c->ctx) ? POLLOUT : 0);
			p.revents = 0;
			r = poll(&p, 1, (int)left);
			if (r < 0 && errno != EINTR)
				return hs_error_set(err, HS_ERR_IO, "poll: %s", strerror(errno));
		}
		if (r > 0 && (p.revents & (POLLIN | POLLHUP | POLLERR))) {
			int rr = wslay_event_recv(c->ctx);
			/* answer pings (wslay queued the pong) before anything else */
			if (!rr && !c->eof && !c->err_errno && wslay_event_want_write(c->ctx) && wslay_event_send(c->ctx))
				return conn_error(c, err);
			if (rr || c->eof || c->err_errno) {
				if (c->cb_ret && !c->too_big)
					return c->cb_ret;
				return conn_error(c, err);
			}
			if (c->cb_ret)
				return c->too_big ? conn_error(c, err) : c->cb_ret;
			if (c->peer_closed)
				return conn_error(c, err);
			/* wslay stops reading after a protocol error or an oversized
			 * frame (it queues a close frame): nothing more will come */
			if (!wslay_event_get_read_enabled(c->ctx)) {
				if (wslay_event_want_write(c->ctx))
					wslay_event_send(c->ctx);
				if (wslay_event_get_status_code_sent(c->ctx) == WSLAY_CODE_MESSAGE_TOO_BIG)
					c->too_big = 1;
				return conn_error(c, err);
			}
		}
		if (c->delivered || (stop && *stop) || hs_now_ms() >= deadline)
			return 0;
	}
}

uint64_t ws_bytes_in(const struct ws_conn *c)
{
	return c->bytes_in;
}

void ws_close(struct ws_conn *c)
{
	if (!c)
		return;
	if (c->ctx) {
		if (!c->eof && !c->err_errno && !c->peer_closed) {
			int64_t deadline = hs_now_ms() + 200;
			wslay_event_queue_close(c->ctx, WSLAY_CODE_NORMAL_CLOSURE, NULL, 0);
			while (wslay_event_want_write(c->ctx) && hs_now_ms() < deadline) {
				struct pollfd p = { c->fd, POLLOUT, 0 };
				if (wslay_event_send(c->ctx) || poll(&p, 1, 50) < 0)
					break;
			}
		}
		wslay_event_context_free(c->ctx);
	}
	if (c->fd >= 0)
		close(c->fd);
	if (c->rnd >= 0)
		close(c->rnd);
	free(c->pending);
	hs_strbuf_release(&c->msg);
	free(c);
}
