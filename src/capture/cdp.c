/* Chrome DevTools Protocol session (see cdp.h). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <yajl_parse.h>
#include <yajl_tree.h>
#include "cdp.h"
#include "json.h"
#include "alloc.h"
#include "platform.h"
#include "strbuf.h"

#define MAXDEPTH 8
#define KEYLEN 32

static const char CHUNK_METHOD[] = "HeapProfiler.addHeapSnapshotChunk";
static const char PROGRESS_METHOD[] = "HeapProfiler.reportHeapSnapshotProgress";

/* What one message said, as far as hsnap cares. */
struct msg {
	struct cdp *c;
	int depth;
	char key[MAXDEPTH + 1][KEYLEN];
	long long id;
	int has_id;
	char method[96];
	/* a chunk seen before "method" (JSON objects are unordered) */
	struct hs_strbuf stash;
	int chunk_pending;
	double done, total;
	int finished;
	struct cdp_reply r;
	int failed;
};

static int at(const struct msg *m, int depth, const char *k1, const char *k2)
{
	if (m->depth != depth || strcmp(m->key[1], k1))
		return 0;
	return !k2 || !strcmp(m->key[depth], k2);
}

static void copy(char *dst, size_t cap, const unsigned char *s, size_t n)
{
	if (n >= cap) n = cap - 1;
	memcpy(dst, s, n);
	dst[n] = 0;
}

static int y_string(void *ctx, const unsigned char *s, size_t n)
{
	struct msg *m = ctx;
	if (m->depth == 1 && !strcmp(m->key[1], "method")) {
		copy(m->method, sizeof(m->method), s, n);
	} else if (at(m, 2, "params", "chunk")) {
		if (!strcmp(m->method, CHUNK_METHOD)) {
			m->c->chunks++;
			m->c->chunk_bytes += n;
			if (m->c->on_chunk && m->c->on_chunk(m->c->user, (const char *)s, n)) {
				m->failed = 1;
				return 0;
			}
		} else if (!m->method[0]) {
			hs_strbuf_add(&m->stash, s, n);
			m->chunk_pending = 1;
		}
	} else if (at(m, 2, "error", "message")) {
		copy(m->r.msg, sizeof(m->r.msg), s, n);
	} else if (m->depth == 3 && !strcmp(m->key[1], "result") && !strcmp(m->key[2], "result") &&
		   !strcmp(m->key[3], "value")) {
		copy(m->r.value, sizeof(m->r.value), s, n);
	}
	return 1;
}

static int y_integer(void *ctx, long long v)
{
	struct msg *m = ctx;
	if (m->depth == 1 && !strcmp(m->key[1], "id")) {
		m->id = v;
		m->has_id = 1;
	} else if (at(m, 2, "params", "done")) m->done = (double)v;
	else if (at(m, 2, "params", "total")) m->total = (double)v;
	else if (at(m, 2, "result", "usedSize")) m->r.used_size = (double)v;
	else if (at(m, 2, "result", "totalSize")) m->r.total_size = (double)v;
	else if (m->depth == 3 && !strcmp(m->key[1], "result") && !strcmp(m->key[2], "result") &&
		 !strcmp(m->key[3], "value"))
		snprintf(m->r.value, sizeof(m->r.value), "%lld", v);
	return 1;
}

static int y_double(void *ctx, double v)
{
	struct msg *m = ctx;
	if (at(m, 2, "params", "done")) m->done = v;
	else if (at(m, 2, "params", "total")) m->total = v;
	else if (at(m, 2, "result", "usedSize")) m->r.used_size = v;
	else if (at(m, 2, "result", "totalSize")) m->r.total_size = v;
	return 1;
}

static int y_boolean(void *ctx, int b)
{
	struct msg *m = ctx;
	if (at(m, 2, "params", "finished"))
		m->finished = b;
	else if (m->depth == 3 && !strcmp(m->key[1], "result") && !strcmp(m->key[2], "result") &&
		 !strcmp(m->key[3], "value"))
		strcpy(m->r.value, b ? "true" : "false");
	return 1;
}

static int y_null(void *ctx) { (void)ctx; return 1; }

static int y_start(void *ctx)
{
	struct msg *m = ctx;
	if (m->depth == 1 && !strcmp(m->key[1], "error"))
		m->r.error = 1;
	if (m->depth == 2 && !strcmp(m->key[1], "result") && !strcmp(m->key[2], "exceptionDetails"))
		m->r.exception = 1;
	if (m->depth >= MAXDEPTH) {      /* deeper levels are of no interest */
		m->depth++;
		return 1;
	}
	m->depth++;
	m->key[m->depth][0] = 0;
	return 1;
}

static int y_key(void *ctx, const unsigned char *s, size_t n)
{
	struct msg *m = ctx;
	if (m->depth <= MAXDEPTH)
		copy(m->key[m->depth], KEYLEN, s, n);
	return 1;
}

static int y_end(void *ctx)
{
	struct msg *m = ctx;
	m->depth--;
	return 1;
}

static const yajl_callbacks ycb = {
	y_null, y_boolean, y_integer, y_double, NULL, y_string,
	y_start, y_key, y_end, y_start, y_end
};

static int on_message(void *user, const char *text, size_t len)
{
	struct cdp *c = user;
	struct msg m;
	yajl_handle h;
	yajl_status st;
	int rc = 0;

	memset(&m, 0, sizeof(m));
	m.c = c;
	h = yajl_alloc(&ycb, hs_yajl_alloc_funcs(), &m);
	st = yajl_parse(h, (const unsigned char *)text, len);
	if (st == yajl_status_ok)
		st = yajl_complete_parse(h);
	yajl_free(h);
	if (m.failed) {
		rc = c->sink_err ? c->sink_err->status : HS_ERR_IO;
		goto out;
	}
	if (st != yajl_status_ok) {
		rc = HS_ERR_FORMAT;
		if (c->sink_err)
			hs_error_set(c->sink_err, HS_ERR_FORMAT, "the inspector sent a malformed message");
		goto out;
	}
	if (m.chunk_pending && !strcmp(m.method, CHUNK_METHOD)) {
		c->chunks++;
		c->chunk_bytes += m.stash.len;
		if (c->on_chunk && c->on_chunk(c->user, hs_strbuf_str(&m.stash), m.stash.len)) {
			rc = c->sink_err ? c->sink_err->status : HS_ERR_IO;
			goto out;
		}
	}
	if (!strcmp(m.method, PROGRESS_METHOD) && c->on_progress)
		c->on_progress(c->user, (uint64_t)m.done, (uint64_t)m.total, m.finished);
	if (m.has_id && !m.method[0] && m.id == c->want_id && c->reply) {
		*c->reply = m.r;
		c->answered = 1;
	}
out:
	hs_strbuf_release(&m.stash);
	return rc;
}

int cdp_open(struct cdp *c, const struct ws_addr *a, int allow_remote, struct hs_error *err)
{
	memset(c, 0, sizeof(*c));
	c->next_id = 1;
	c->ws = ws_open(a, allow_remote, 5000, on_message, c, err);
	return c->ws ? 0 : err->status ? err->status : HS_ERR_IO;
}

int cdp_call(struct cdp *c, const char *method, const char *params, struct cdp_reply *reply,
	     int idle_ms, volatile int *stop, struct hs_error *err)
{
	char *text;
	size_t n = strlen(method) + (params ? strlen(params) : 2) + 64;
	uint64_t seen = ws_bytes_in(c->ws);
	int64_t last = hs_now_ms();
	int rc;

	text = hs_xmalloc(n);
	c->want_id = c->next_id++;
	snprintf(text, n, "{\"id\":%d,\"method\":\"%s\",\"params\":%s}", c->want_id, method, params ? params : "{}");
	memset(reply, 0, sizeof(*reply));
	c->reply = reply;
	c->answered = 0;
	c->sink_err = err;
	rc = ws_send_text(c->ws, text, strlen(text), err);
	free(text);
	while (rc == 0 && !c->answered) {
		rc = ws_pump(c->ws, 200, stop, err);
		if (rc)
			break;
		if (stop && *stop)
			rc = CDP_STOPPED;
		else if (ws_bytes_in(c->ws) != seen) {
			seen = ws_bytes_in(c->ws);
			last = hs_now_ms();
		} else if (hs_now_ms() - last > idle_ms)
			rc = hs_error_set(err, HS_ERR_IO, "no answer from the inspector to %s for %d s", method, idle_ms / 1000);
	}
	c->reply = NULL;
	if (rc == 0 && reply->error && !reply->msg[0])
		strcpy(reply->msg, "unknown error");
	return rc;
}

void cdp_close(struct cdp *c)
{
	ws_close(c->ws);
	c->ws = NULL;
}

static void field(const yajl_val o, const char *name, char *out, size_t cap)
{
	const char *path[] = { name, NULL };
	yajl_val v = yajl_tree_get(o, path, yajl_t_string);
	const char *str = v ? YAJL_GET_STRING(v) : NULL;
	out[0] = 0;
	if (str)
		copy(out, cap, (const unsigned char *)str, strlen(str));
}

int cdp_parse_list(const char *json, struct cdp_target **out, size_t *n, struct hs_error *err)
{
	char ebuf[256];
	yajl_val root = yajl_tree_parse(json, ebuf, sizeof(ebuf));
	size_t i, k = 0;

	*out = NULL;
	*n = 0;
	if (!root || !YAJL_IS_ARRAY(root)) {
		if (root)
			yajl_tree_free(root);
		return hs_error_set(err, HS_ERR_FORMAT, "/json/list is not a JSON array of targets");
	}
	HS_CALLOC_ARRAY(*out, root->u.array.len ? root->u.array.len : 1);
	for (i = 0; i < root->u.array.len; i++) {
		yajl_val o = root->u.array.values[i];
		struct cdp_target *t = &(*out)[k];
		if (!YAJL_IS_OBJECT(o))
			continue;
		field(o, "type", t->type, sizeof(t->type));
		field(o, "title", t->title, sizeof(t->title));
		field(o, "url", t->url, sizeof(t->url));
		field(o, "webSocketDebuggerUrl", t->ws, sizeof(t->ws));
		k++;
	}
	*n = k;
	yajl_tree_free(root);
	return 0;
}
