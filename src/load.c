/* Streaming loader, the driver: the only file that includes yajl_parse.h.
 *
 * A small state machine over yajl callbacks.  Top-level keys select a section;
 * the small "snapshot" header is re-serialised with yajl_gen and read by
 * load_meta.c once complete, so meta can be read by name.  The big numeric
 * arrays bypass yajl: at their '[' the parse is cancelled and the text goes
 * to the scanner of load_scan.c (or, for a plain file, to the threads of
 * load_parallel.c), straight into the struct-of-arrays model when meta is
 * already known (V8 always writes "snapshot" first); when a third-party
 * writer puts "nodes"/"edges" first, their raw values are kept and stored
 * once the header has been read (load_check.c, which also checks what only
 * the whole document can tell).  Nothing is allocated from a header count:
 * arrays grow geometrically with what is actually read.
 * See load_internal.h for the five files. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <yajl_parse.h>
#include <yajl_gen.h>
#include "hsnap/snapshot.h"
#include "input.h"
#include "load_internal.h"
#include "alloc.h"

#define CHUNK (4u << 20)
#define MAX_DEPTH 4096
#define MAX_HEADER_BYTES (64u << 20)
/* Longest JSON string accepted.  V8 caps node names at 1024 characters, so
 * real snapshots stay far below; the bound matters because yajl re-lexes a
 * token split across chunks from its start on every chunk (quadratic: a
 * 1 GiB string took 152 s). */
#define MAX_STRING_BYTES (64u << 20)
/* Longest number accepted anywhere (also in the sections yajl parses and
 * hsnap skips): no valid value comes close (integers < 2^64 have at most
 * 20 digits, a double needs at most 24 characters), and yajl's re-lexing
 * made a 256 MiB number take 49 s. */
#define MAX_NUMBER_CHARS 64

const char *const hs_load_section_names[SEC_COUNT] = {
	"", "snapshot", "nodes", "edges", "strings", "locations", "samples",
	"trace_function_infos", "trace_tree",
	"scopes", "scope_context_vars", "scope_uses", ""
};

int hs_load_fail(struct parser *p, int status, const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return 0;
	p->failed = 1;
	if (p->err) {
		p->err->status = status;
		va_start(ap, fmt);
		vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
		va_end(ap);
	}
	return 0; /* cancels the yajl parse */
}

/* Closure-scope tables (struct hs_scope_tables): signed integers, kept as
 * written.  yajl has checked the JSON number: a '-', digits, maybe a
 * fraction or an exponent. */
static int scope_value(struct parser *p, const char *t, size_t len)
{
	struct hs_scope_tables *sc = &p->s->scopes;
	int t_i = (int)p->sec - SEC_SCOPES, neg = len && t[0] == '-';
	const char *u = t + neg; /* the digits */
	size_t ulen = len - (size_t)neg, i;
	uint64_t v = 0;

	for (i = 0; i < ulen; i++) {
		unsigned d = (unsigned char)u[i] - '0';
		if (d > 9)
			return hs_load_fail(p, HS_ERR_FORMAT, "%s: %.*s is not an integer",
				    hs_load_section_names[p->sec], (int)(ulen > 40 ? 40 : ulen), u);
		if (v > (UINT64_MAX - d) / 10)
			return hs_load_fail(p, HS_ERR_FORMAT, "%s: number %.*s exceeds 64 bits",
				    hs_load_section_names[p->sec], (int)(ulen > 40 ? 40 : ulen), u);
		v = v * 10 + d;
	}
	if (v > INT64_MAX)
		return hs_load_fail(p, HS_ERR_FORMAT, "%s: number %.*s exceeds 63 bits", hs_load_section_names[p->sec],
			    (int)(len > 40 ? 40 : len), t);
	HS_GROW(sc->v[t_i], sc->len[t_i], sc->alloc[t_i]);
	sc->v[t_i][sc->len[t_i]++] = neg ? -(int64_t)v : (int64_t)v;
	return 1;
}

/* ---- header (snapshot.meta) ------------------------------------------- */

static int finish_header(struct parser *p)
{
	const unsigned char *buf;
	size_t len;
	int ok;

	yajl_gen_get_buf(p->gen, &buf, &len);
	ok = hs_load_header(p, (const char *)buf, len);
	yajl_gen_free(p->gen);
	p->gen = NULL;
	return ok;
}

static int header_too_big(struct parser *p)
{
	const unsigned char *buf;
	size_t len;

	yajl_gen_get_buf(p->gen, &buf, &len);
	if (len > MAX_HEADER_BYTES)
		return hs_load_fail(p, HS_ERR_FORMAT, "snapshot header larger than %u MiB", MAX_HEADER_BYTES >> 20);
	return 0;
}

/* ---- yajl callbacks --------------------------------------------------- */

static yajl_alloc_funcs y_funcs;

static int section_scalar(struct parser *p, const char *what)
{
	return hs_load_fail(p, HS_ERR_FORMAT, "\"%s\" must be an array, found %s",
		    hs_load_section_names[p->sec], what);
}

/* A scalar outside the header and outside what the callbacks take: fine
 * in a skipped section, else an error naming what it is (`what` for a
 * section's value, `nested` inside one). */
static int stray_scalar(struct parser *p, const char *what, const char *nested)
{
	if (p->depth == 0) return hs_load_fail(p, HS_ERR_FORMAT, "not a heap snapshot: top-level JSON value is not an object");
	if (p->sec == SEC_SKIP || p->sec == SEC_TRACE_TREE) return 1;
	if (p->depth == 1) return section_scalar(p, what);
	return hs_load_fail(p, HS_ERR_FORMAT, "%s: %s", hs_load_section_names[p->sec], nested);
}

/* A token re-serialised into the header: its status, then the size bound. */
static int header_token(struct parser *p, yajl_gen_status st)
{
	if (st != yajl_gen_status_ok) return 0;
	return !header_too_big(p);
}

static int cb_null(void *ctx)
{
	struct parser *p = ctx;
	if (p->gen) return yajl_gen_null(p->gen) == yajl_gen_status_ok;
	return stray_scalar(p, "null", "null where a value belongs");
}

static int cb_bool(void *ctx, int b)
{
	struct parser *p = ctx;
	if (p->gen) return yajl_gen_bool(p->gen, b) == yajl_gen_status_ok;
	return stray_scalar(p, "a boolean", "boolean where a value belongs");
}

static int cb_number(void *ctx, const char *t, size_t len)
{
	struct parser *p = ctx;

	if (p->priming)
		return 1;
	if (p->depth == 2) {
		switch (p->sec) { /* not nodes, edges, locations: see open_container */
		case SEC_SAMPLES:
			p->s->samples_len++;
			return 1;
		case SEC_TFI:
			p->s->trace_function_infos_len++;
			return 1;
		case SEC_SCOPES:
		case SEC_SCOPE_VARS:
		case SEC_SCOPE_USES:
			return scope_value(p, t, len);
		case SEC_STRINGS:
			return hs_load_fail(p, HS_ERR_FORMAT, "strings: element %u is a number, not a string", p->s->strings.count);
		default:
			break;
		}
	}
	if (p->gen)
		return header_token(p, yajl_gen_number(p->gen, t, len));
	return stray_scalar(p, "a number", "nested value where a number belongs");
}

static int cb_string(void *ctx, const unsigned char *str, size_t len)
{
	struct parser *p = ctx;

	if (p->priming)
		return 1;
	if (p->depth == 2 && p->sec == SEC_STRINGS) {
		if (p->s->strings.count >= UINT32_MAX - 1024)
			return hs_load_fail(p, HS_ERR_LIMIT, "more than %u strings", UINT32_MAX - 1024);
		hs_strtab_add(&p->s->strings, (const char *)str, len);
		/* and the fast path again after it, unless it hands over too
		 * often for the new handles to pay (strings with escapes) */
		p->strs.slow++;
		if (hs_load_fast_strings && (p->strs.slow < 1024 || p->strs.slow * 8 < p->strs.fast)) {
			p->fast.active = 2;
			p->strs.state = STR_VALUE;
			p->fast.resume_at = yajl_get_bytes_consumed(p->h);
			return 0;
		}
		return 1;
	}
	if (p->gen)
		return header_token(p, yajl_gen_string(p->gen, str, len));
	return stray_scalar(p, "a string", "string where a number belongs");
}

static enum section section_of(const unsigned char *key, size_t len)
{
	int i;
	for (i = SEC_SNAPSHOT; i < SEC_SKIP; i++)
		if (strlen(hs_load_section_names[i]) == len && !memcmp(hs_load_section_names[i], key, len))
			return (enum section)i;
	return SEC_SKIP;
}

static int cb_key(void *ctx, const unsigned char *key, size_t len)
{
	struct parser *p = ctx;

	if (p->priming)
		return 1;
	if (p->gen)
		return header_token(p, yajl_gen_string(p->gen, key, len));
	if (p->depth == 1) {
		p->sec = section_of(key, len);
		if (p->sec != SEC_SKIP) {
			if (p->seen & (1u << p->sec))
				return hs_load_fail(p, HS_ERR_FORMAT, "duplicate \"%s\" section", hs_load_section_names[p->sec]);
			p->seen |= 1u << p->sec;
		}
	}
	return 1;
}

static int open_container(struct parser *p, int is_map)
{
	if (p->priming) {
		p->depth = 1;
		return 1;
	}
	if (p->depth >= MAX_DEPTH)
		return hs_load_fail(p, HS_ERR_FORMAT, "JSON nested deeper than %d levels", MAX_DEPTH);
	if (p->depth == 0) {
		if (!is_map)
			return hs_load_fail(p, HS_ERR_FORMAT, "not a heap snapshot: top-level JSON value is not an object");
		p->depth = 1;
		return 1;
	}
	if (p->depth == 1) {
		switch (p->sec) {
		case SEC_SNAPSHOT:
			if (!is_map)
				return hs_load_fail(p, HS_ERR_FORMAT, "\"snapshot\" must be an object");
			p->gen = yajl_gen_alloc(&y_funcs);
			break;
		case SEC_SKIP:
		case SEC_TRACE_TREE:
			break;
		case SEC_NODES:
		case SEC_EDGES:
		case SEC_LOCATIONS:
			if (is_map)
				return section_scalar(p, "an object");
			p->fast.active = 1;
			p->fast.resume_at = yajl_get_bytes_consumed(p->h);
			hs_scan_stream(&p->scan, p);
			return 0; /* the rest is the scanner's (feed) */
		case SEC_STRINGS:
			if (is_map)
				return section_scalar(p, "an object");
			if (!hs_load_fast_strings)
				break;
			p->depth = 2;
			p->fast.active = 2;
			p->strs.state = STR_OPEN;
			p->fast.resume_at = yajl_get_bytes_consumed(p->h);
			return 0; /* load_strings.c's, as far as it goes */
		default:
			if (is_map)
				return section_scalar(p, "an object");
			break;
		}
	} else if (p->depth == 2 && !p->gen && p->sec != SEC_SKIP && p->sec != SEC_TRACE_TREE) {
		return hs_load_fail(p, HS_ERR_FORMAT, "%s: nested %s where a %s belongs", hs_load_section_names[p->sec],
			    is_map ? "object" : "array", p->sec == SEC_STRINGS ? "string" : "number");
	}
	if (p->gen) {
		if ((is_map ? yajl_gen_map_open(p->gen) : yajl_gen_array_open(p->gen)) != yajl_gen_status_ok)
			return hs_load_fail(p, HS_ERR_FORMAT, "snapshot header nested too deeply");
	}
	p->depth++;
	return 1;
}

static int close_container(struct parser *p, int is_map)
{
	p->depth--;
	if (p->gen) {
		if ((is_map ? yajl_gen_map_close(p->gen) : yajl_gen_array_close(p->gen)) != yajl_gen_status_ok)
			return 0;
		if (p->depth == 1)
			return finish_header(p);
	}
	return 1;
}

static int cb_start_map(void *ctx) { return open_container(ctx, 1); }
static int cb_end_map(void *ctx) { return close_container(ctx, 1); }
static int cb_start_array(void *ctx) { return open_container(ctx, 0); }
static int cb_end_array(void *ctx) { return close_container(ctx, 0); }

static const yajl_callbacks callbacks = {
	cb_null, cb_bool, NULL, NULL, cb_number, cb_string,
	cb_start_map, cb_key, cb_end_map, cb_start_array, cb_end_array
};

/* ---- driver ----------------------------------------------------------- */

static void parser_init(struct parser *p, struct hs_snapshot *s, struct hs_error *err)
{
	memset(p, 0, sizeof(*p));
	p->s = s;
	p->err = err;
	p->nf = 1;
	hs_exact_div_init(&p->nfd, 1);
	p->par_fd = -1;
	hs_strtab_init(&s->strings);
	s->t.e_element = s->t.e_hidden = HS_NO_TYPE;
}

static void parser_release(struct parser *p)
{
	if (p->gen)
		yajl_gen_free(p->gen);
	free(p->raw_nodes.v);
	free(p->raw_edges.v);
	free(p->raw_locs.v);
}

static int yajl_failure(struct parser *p, yajl_handle h, const unsigned char *chunk,
			size_t len, int at_end)
{
	unsigned char *msg;
	char clean[160];
	size_t i, j = 0;
	uint64_t at = p->bytes_fed + (at_end ? 0 : yajl_get_bytes_consumed(h));

	if (p->failed)
		return p->err ? p->err->status : HS_ERR_FORMAT;
	msg = yajl_get_error(h, 0, chunk, len);
	for (i = 0; msg && msg[i] && j + 1 < sizeof(clean); i++)
		if (msg[i] != '\n')
			clean[j++] = (char)msg[i];
	clean[j] = '\0';
	if (msg)
		yajl_free_error(h, msg);
	p->failed = 1;
	if (at_end && !strstr(clean, "trailing"))
		return hs_error_set(p->err, HS_ERR_FORMAT,
				    "truncated: the JSON ends early (after %llu bytes; %s)",
				    (unsigned long long)at, clean);
	return hs_error_set(p->err, HS_ERR_FORMAT, "invalid JSON at byte %llu: %s",
			    (unsigned long long)at, clean);
}

/* yajl's memory through hs_xmalloc: out of memory is then the one-line
 * exit 4 of alloc.c (yajl itself does not check every realloc). */
static void *y_malloc(void *ctx, size_t n) { (void)ctx; return hs_xmalloc(n); }
static void *y_realloc(void *ctx, void *q, size_t n) { (void)ctx; return hs_xrealloc(q, n); }
static void y_free(void *ctx, void *q) { (void)ctx; free(q); }
static yajl_alloc_funcs y_funcs = { y_malloc, y_realloc, y_free, NULL };

static yajl_handle new_handle(struct parser *p)
{
	/* never NULL: yajl_alloc fails only when its malloc does, and that exits */
	yajl_handle h = yajl_alloc(&callbacks, &y_funcs, p);
	yajl_config(h, yajl_dont_validate_strings, 1);
	return h;
}

/* After a fast-scanned array: a new handle, primed to be inside the
 * top-level object, parses the rest of the document. */
static void resume_yajl(struct parser *p)
{
	/* a string: complete without lookahead, unlike a number */
	static const unsigned char primer[] = "{\"\":\"\"";

	yajl_free(p->h);
	p->h = new_handle(p);
	p->priming = 1;
	yajl_parse(p->h, primer, sizeof(primer) - 1);
	p->priming = 0;
	p->depth = 1;
}

/* Follows string boundaries in text yajl has consumed; fails on a string
 * longer than MAX_STRING_BYTES or a number longer than MAX_NUMBER_CHARS
 * (see there). */
/* A new handle inside the strings array, in the state the fast path left
 * (p->strs.state), for yajl to parse on from there. */
static void resume_yajl_strings(struct parser *p)
{
	static const char *const primer[] = { "{\"\":[", "{\"\":[\"\"", "{\"\":[\"\"," };
	const char *pr = primer[p->strs.state];

	p->fast.active = 0;
	yajl_free(p->h);
	p->h = new_handle(p);
	p->priming = 1;
	yajl_parse(p->h, (const unsigned char *)pr, strlen(pr));
	p->priming = 0;
	p->depth = 2;
}

static int track_strings(struct parser *p, const unsigned char *b, size_t len)
{
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned char c = b[i];
		if (!p->in_str) {
			if ((unsigned)(c - '0') <= 9u || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
				if (p->num_len++ == 0)
					p->num_start = p->bytes_fed + i;
				if (p->num_len > MAX_NUMBER_CHARS)
					return hs_load_fail(p, HS_ERR_FORMAT, "the number at byte %llu is longer than %d characters",
						    (unsigned long long)p->num_start, MAX_NUMBER_CHARS);
				continue;
			}
			p->num_len = 0;
			if (c == '"') {
				p->in_str = 1;
				p->str_start = p->bytes_fed + i;
			}
		} else if (p->in_esc) {
			p->in_esc = 0;
		} else if (c == '\\') {
			p->in_esc = 1;
		} else if (c == '"') {
			p->in_str = 0;
		}
	}
	if (p->in_str && p->bytes_fed + len - p->str_start > MAX_STRING_BYTES)
		return hs_load_fail(p, HS_ERR_LIMIT, "a string starting at byte %llu is longer than %u MiB",
			    (unsigned long long)p->str_start, MAX_STRING_BYTES >> 20);
	return 1;
}

static int feed(struct parser *p, const unsigned char *buf, size_t len)
{
	while (len) {
		yajl_status st;
		if (p->fast.active == 2) {
			int stop;
			long used = hs_scan_strings(p, buf, len, &stop);
			if (used < 0)
				return p->err ? p->err->status : HS_ERR_LIMIT;
			buf += used;
			len -= (size_t)used;
			p->bytes_fed += (uint64_t)used;
			if (stop == STR_CLOSED) {
				p->fast.active = 0;
				resume_yajl(p); /* after the array: depth 1 */
			} else if (stop == STR_HAND_OVER) {
				resume_yajl_strings(p);
			}
			continue;
		}
		if (p->fast.active) {
			long used = hs_scan_text(&p->scan, buf, len, p->bytes_fed);
			if (used < 0) {
				hs_load_fail(p, p->scan.status, "%s", p->scan.msg);
				return p->err ? p->err->status : HS_ERR_FORMAT;
			}
			buf += used;
			len -= (size_t)used;
			p->bytes_fed += (uint64_t)used;
			if (p->scan.closed) {
				p->fast.active = 0;
				resume_yajl(p);
			}
			continue;
		}
		st = yajl_parse(p->h, buf, len);
		if (st == yajl_status_client_canceled && p->fast.active && !p->failed) {
			size_t off = p->fast.resume_at;
			if (!track_strings(p, buf, off))
				return p->err ? p->err->status : HS_ERR_LIMIT;
			buf += off;
			len -= off;
			p->bytes_fed += off;
			if (p->fast.active == 1 && p->par_fd >= 0 && p->jobs > 1 && p->header_done &&
			    p->par_size - p->bytes_fed >= p->par_min) {
				if (!hs_load_parallel_array(p, p->bytes_fed))
					return p->err ? p->err->status : HS_ERR_FORMAT;
				p->fast.active = 0;
				resume_yajl(p);
				return 1; /* the caller reads on from p->bytes_fed */
			}
			continue;
		}
		if (st != yajl_status_ok)
			return yajl_failure(p, p->h, buf, len, 0);
		if (!track_strings(p, buf, len))
			return p->err ? p->err->status : HS_ERR_LIMIT;
		p->bytes_fed += len;
		len = 0;
	}
	return 0;
}

static int complete(struct parser *p)
{
	if (p->bytes_fed == 0)
		return hs_error_set(p->err, HS_ERR_FORMAT, "empty file");
	if (p->fast.active == 2) /* yajl says what the end lacks */
		resume_yajl_strings(p);
	if (p->fast.active)
		return hs_error_set(p->err, HS_ERR_FORMAT,
				    "truncated: the JSON ends inside the \"%s\" array (after %llu bytes)",
				    hs_load_section_names[p->sec], (unsigned long long)p->bytes_fed);
	if (yajl_complete_parse(p->h) != yajl_status_ok)
		return yajl_failure(p, p->h, NULL, 0, 1);
	if (!hs_load_finish(p))
		return p->err ? p->err->status : HS_ERR_FORMAT;
	return 0;
}

static struct hs_snapshot *snapshot_new(const char *name)
{
	struct hs_snapshot *s = hs_xcalloc(1, sizeof(*s));
	size_t l = strlen(name);

	s->file = hs_xmalloc(l + 1);
	memcpy(s->file, name, l + 1);
	return s;
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* After the last chunk: the byte count, the parser freed, and *out the
 * snapshot (0), or the snapshot freed (rc < 0). */
static int finish(struct parser *p, int rc, struct hs_snapshot **out)
{
	struct hs_snapshot *s = p->s;

	s->file_bytes = p->bytes_fed;
	yajl_free(p->h);
	parser_release(p);
	if (rc < 0) {
		hs_snapshot_free(s);
		return rc;
	}
	*out = s;
	return 0;
}

int hs_snapshot_load_input(struct hs_input *in, const char *name, const struct hs_load_opts *opts,
			   struct hs_snapshot **out, struct hs_error *err)
{
	struct hs_snapshot *s;
	struct parser p;
	struct hs_error local;
	unsigned char *buf;
	double last = now();
	int rc;

	if (!err)
		err = &local;
	*out = NULL;
	if (opts && opts->max_input && (rc = hs_input_set_limit(in, opts->max_input, err)) < 0)
		return rc;
	s = snapshot_new(name);
	s->gzipped = hs_input_is_gzip(in);
	parser_init(&p, s, err);
	p.h = new_handle(&p);
	p.par_fd = hs_input_fd(in);
	p.par_size = hs_input_disk_size(in);
	p.jobs = opts && opts->jobs > 0 ? opts->jobs : (int)sysconf(_SC_NPROCESSORS_ONLN);
	if (p.jobs > MAX_JOBS)
		p.jobs = MAX_JOBS;
	p.par_min = opts && opts->parallel_min ? opts->parallel_min : (4u << 20);
	buf = hs_xmalloc(CHUNK);
	for (;;) {
		/* whole chunks from pipes too (they give 64 KiB per read): yajl
		 * re-lexes a token split across chunks from its start */
		long r = hs_input_read_full(in, buf, CHUNK, err);
		if (r < 0) {
			rc = (int)r;
			break;
		}
		if (r == 0) {
			rc = complete(&p);
			break;
		}
		if ((rc = feed(&p, buf, (size_t)r)) < 0)
			break;
		if (rc == 1 && (rc = hs_input_seek(in, p.bytes_fed, err)) < 0)
			break;
		if (opts && opts->progress && now() - last > 0.5) {
			last = now();
			opts->progress(opts->progress_ctx, hs_input_disk_pos(in), hs_input_disk_size(in),
				       p.bytes_fed);
		}
	}
	free(buf);
	return finish(&p, rc, out);
}

int hs_snapshot_load(const char *path, const struct hs_load_opts *opts,
		     struct hs_snapshot **out, struct hs_error *err)
{
	struct hs_input *in = NULL;
	int rc;

	*out = NULL;
	if ((rc = hs_input_open(path, &in, err)) < 0)
		return rc;
	rc = hs_snapshot_load_input(in, path, opts, out, err);
	hs_input_close(in);
	return rc;
}

int hs_snapshot_load_mem(const char *name, const void *buf, size_t len, size_t chunk,
			 struct hs_snapshot **out, struct hs_error *err)
{
	struct hs_snapshot *s = snapshot_new(name);
	struct parser p;
	struct hs_error local;
	size_t off = 0;
	int rc = 0;

	if (!err)
		err = &local;
	*out = NULL;
	parser_init(&p, s, err);
	p.h = new_handle(&p);
	if (!chunk)
		chunk = len ? len : 1;
	while (off < len && rc == 0) {
		size_t n = len - off < chunk ? len - off : chunk;
		rc = feed(&p, (const unsigned char *)buf + off, n);
		off += n;
	}
	if (rc == 0)
		rc = complete(&p);
	return finish(&p, rc, out);
}
