/* A Chrome DevTools Protocol session over ws.h: calls with ids, events in
 * any order, and the heap snapshot stream.  Each message is parsed once with
 * yajl; the chunk strings of HeapProfiler.addHeapSnapshotChunk are handed,
 * unescaped by yajl, to a sink as they arrive. */
#ifndef HSNAP_CAPTURE_CDP_H
#define HSNAP_CAPTURE_CDP_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/error.h"
#include "ws.h"

/* cdp_call's result when *stop became non-zero before the answer */
#define CDP_STOPPED 1

struct cdp_target {
	char type[32], title[256], url[1024], ws[1024];
};

/* Parses the array of /json/list; *out is malloc'd.  Returns 0 or HS_ERR_FORMAT. */
int cdp_parse_list(const char *json, struct cdp_target **out, size_t *n, struct hs_error *err);

struct cdp_reply {
	int error;                   /* the call failed: message in msg */
	char msg[256];
	int exception;               /* Runtime.evaluate threw */
	char value[256];             /* Runtime.evaluate's result.value when a string/bool */
	double used_size, total_size; /* Runtime.getHeapUsage */
};

struct cdp {
	struct ws_conn *ws;
	int next_id;
	/* events: a chunk of the snapshot (return non-zero to stop), progress */
	int (*on_chunk)(void *user, const char *s, size_t n);
	void (*on_progress)(void *user, uint64_t done, uint64_t total, int finished);
	void *user;
	uint64_t chunks, chunk_bytes;
	/* state of the call being waited for */
	int want_id, answered;
	struct cdp_reply *reply;
	struct hs_error *sink_err;   /* set when on_chunk failed */
};

int cdp_open(struct cdp *c, const struct ws_addr *a, int allow_remote, struct hs_error *err);
/* Sends method(params) (params: a JSON object text or NULL) and waits for its
 * answer, handling events meanwhile.  idle_ms: fail when nothing at all was
 * received for that long.  Returns 0 (reply filled; reply->error when the
 * target answered with an error), CDP_STOPPED, or an hs_status with err. */
int cdp_call(struct cdp *c, const char *method, const char *params, struct cdp_reply *reply,
	     int idle_ms, volatile int *stop, struct hs_error *err);
void cdp_close(struct cdp *c);

#endif
