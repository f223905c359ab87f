/* The transport of hsnap capture: TCP to an inspector (loopback only unless
 * allowed), one HTTP GET (/json/list), and a WebSocket client whose framing
 * is libwslay's (fragmented frames, ping/pong, close, masking).  Messages are
 * delivered whole to a callback, from one reused buffer capped at
 * WS_MAX_MESSAGE bytes: memory is that of the largest message, never of the
 * whole stream (V8 sends a heap snapshot as chunks of about 100 KB). */
#ifndef HSNAP_CAPTURE_WS_H
#define HSNAP_CAPTURE_WS_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/error.h"

#define WS_MAX_MESSAGE (64u << 20)

/* host[:port] and path of a ws:// or http:// address */
struct ws_addr {
	char host[256];
	int port;
	char path[1024];
};

/* Parses "ws://host:port/path" (scheme "ws" or "http"). */
int ws_parse_url(const char *url, struct ws_addr *a, struct hs_error *err);

/* Connects (blocking, with a timeout in ms) to host:port; refuses addresses
 * that are not loopback unless allow_remote.  Returns the fd or -1. */
int ws_tcp_connect(const char *host, int port, int allow_remote, int timeout_ms, struct hs_error *err);

/* GET path from host:port; *body receives the malloc'd body (NUL-terminated,
 * at most 4 MiB).  Returns 0 or an hs_status. */
int ws_http_get(const char *host, int port, const char *path, int allow_remote, int timeout_ms,
		char **body, struct hs_error *err);

struct ws_conn;
/* Called with each complete text or binary message. Return non-zero to fail
 * the connection (the value is returned by ws_pump). */
typedef int (*ws_on_message)(void *user, const char *msg, size_t len);

/* Opens the WebSocket at a (the handshake's Sec-WebSocket-Accept is checked). */
struct ws_conn *ws_open(const struct ws_addr *a, int allow_remote, int timeout_ms, ws_on_message cb,
			void *user, struct hs_error *err);
/* Queues a text message. */
int ws_send_text(struct ws_conn *c, const char *msg, size_t len, struct hs_error *err);
/* Sends what is queued and receives for at most timeout_ms (or until the
 * callback returned non-zero, or *stop became non-zero).  Returns 0 (time
 * passed or a message was handled), the callback's non-zero value, or an
 * hs_status with err filled (connection closed or broken). */
int ws_pump(struct ws_conn *c, int timeout_ms, const volatile int *stop, struct hs_error *err);
/* Bytes received on the socket so far (frames included). */
uint64_t ws_bytes_in(const struct ws_conn *c);
/* Sends a close frame (best effort, short wait) and frees everything. */
void ws_close(struct ws_conn *c);

/* SHA-1 of data (for the handshake's Sec-WebSocket-Accept). */
void ws_sha1(const void *data, size_t len, uint8_t out[20]);
/* Base64 of n bytes into out (4*ceil(n/3)+1 bytes). */
void ws_base64(const uint8_t *in, size_t n, char *out);

#endif
