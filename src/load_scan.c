/* The one grammar of the numeric arrays ("nodes", "edges", "locations") and
 * where their values go.
 *
 * The text between '[' and ']' may hold only digits, commas and JSON white
 * space: unsigned integers below 2^64 without leading zeros, separated by
 * single commas.  hs_scan_text reads it in whatever pieces it is given (the
 * stream's chunks, a thread's pread buffers) and stores each value as field
 * `field` of record `rec`: into the model's arrays (nodes, edges), or raw
 * (locations, and nodes/edges that come before the header).  The stream's
 * arrays grow geometrically from what is actually read; a piece of the
 * parallel scanner writes into arrays allocated exactly from pass one's count. */
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "load_internal.h"
#include "alloc.h"

#define CHANGED "the file changed while being read"

/* ---- one value into the model ------------------------------------------- */

static void grow_nodes(struct parser *p)
{
	struct hs_snapshot *s = p->s;
	size_t a = p->node_alloc;

	a = a < 1024 ? 1024 : a + a / 2;
	HS_REALLOC_ARRAY(s->node_type, a);
	HS_REALLOC_ARRAY(s->node_name, a);
	HS_REALLOC_ARRAY(s->node_id, a);
	if (s->node_id_hi) { /* zero where no wide id is stored (see wide_half) */
		HS_REALLOC_ARRAY(s->node_id_hi, a);
		memset(s->node_id_hi + p->node_alloc, 0, (a - p->node_alloc) * sizeof(*s->node_id_hi));
	}
	HS_REALLOC_ARRAY(s->self_size.lo, a);
	if (s->self_size.hi) { /* the same for sizes (see wide_half) */
		HS_REALLOC_ARRAY(s->self_size.hi, a);
		memset(s->self_size.hi + p->node_alloc, 0, (a - p->node_alloc) * sizeof(*s->self_size.hi));
	}
	HS_REALLOC_ARRAY(s->first_edge, a + 1);
	if (s->detachedness)
		HS_REALLOC_ARRAY(s->detachedness, a);
	p->node_alloc = a;
}

static void grow_edges(struct parser *p)
{
	struct hs_snapshot *s = p->s;
	size_t a = p->edge_alloc < 4096 ? 4096 : p->edge_alloc + p->edge_alloc / 2;

	HS_REALLOC_ARRAY(s->edge_type, a);
	HS_REALLOC_ARRAY(s->edge_name, a);
	HS_REALLOC_ARRAY(s->edge_to, a);
	p->edge_alloc = a;
}

/* Ids beyond 32 bits (Julia's reach 2^47) keep their high halves in
 * s->node_id_hi, and sizes beyond 32 bits (rare native ones) in
 * s->self_size.hi, each allocated (zeroed, p->node_alloc long) by the first
 * such value, so the common file pays nothing.  The parallel scanner's
 * threads may meet their first wide value at once: the lock makes one of
 * them allocate. */
static pthread_mutex_t wide_lock = PTHREAD_MUTEX_INITIALIZER;

static void wide_half(struct parser *p, uint32_t **his, uint32_t n, uint64_t v)
{
	uint32_t *hi = __atomic_load_n(his, __ATOMIC_ACQUIRE);

	if (!hi) {
		pthread_mutex_lock(&wide_lock);
		if (!(hi = *his)) {
			HS_CALLOC_ARRAY(hi, p->node_alloc);
			__atomic_store_n(his, hi, __ATOMIC_RELEASE);
		}
		pthread_mutex_unlock(&wide_lock);
	}
	hi[n] = (uint32_t)(v >> 32);
}

/* Stores value v as a field (of role `role`) of node n / edge e.  Thread-safe: errors
 * go to msg (each scanner has its own).  Returns 0 or a status. */
static int store_node(struct parser *p, uint8_t role, uint32_t n, uint64_t v, char *msg, size_t len)
{
	struct hs_snapshot *s = p->s;

	switch (role) {
	case R_TYPE:
		if (v >= HS_NO_TYPE) {
			snprintf(msg, len, "node %u: type %llu out of range (0-%u)", n, (unsigned long long)v,
				 (unsigned)HS_NO_TYPE - 1);
			return HS_ERR_FORMAT;
		}
		s->node_type[n] = (uint8_t)v;
		break;
	case R_ID:
		s->node_id[n] = (uint32_t)v;
		if (v > UINT32_MAX)
			wide_half(p, &s->node_id_hi, n, v);
		break;
	case R_NAME: /* limits of the strings (2^32 - 1024) and edges (2^32 - 3) tables */
		if (v >= UINT32_MAX - 1024) {
			snprintf(msg, len, "node %u: name %llu is not a string index (more than any file's strings)",
				 n, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->node_name[n] = (uint32_t)v;
		break;
	case R_EDGES:
		if (v > UINT32_MAX - 2) {
			snprintf(msg, len, "node %u: edge_count %llu is more than the %u edges a snapshot can have",
				 n, (unsigned long long)v, UINT32_MAX - 2);
			return HS_ERR_FORMAT;
		}
		s->first_edge[n + 1] = (uint32_t)v;
		break;
	case R_SELF:
		s->self_size.lo[n] = (uint32_t)v;
		if (v > UINT32_MAX)
			wide_half(p, &s->self_size.hi, n, v);
		break;
	case R_DETACH:
		if (v > 3) {
			snprintf(msg, len, "node %u: detachedness %llu out of range (0-3)", n, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->detachedness[n] = (uint8_t)v;
		break;
	default: /* R_TRACE is not stored (no analysis uses it yet): any value is fine */
		break;
	}
	return 0;
}

/* Exact division by a small constant d (node_fields) without a divide
 * instruction: d = 2^shift * m, m odd; v' = v >> shift is a multiple of m iff
 * v' * m^-1 (mod 2^64) <= (2^64 - 1) / m, and then that product is v' / m
 * (Granlund & Montgomery 1994, section 9). */
void hs_exact_div_init(struct exact_div *x, uint32_t d)
{
	uint64_t m = d ? d : 1, inv;
	unsigned k = 0, i;

	while (!(m & 1)) {
		m >>= 1;
		k++;
	}
	inv = m; /* right to 3 bits for odd m; each Newton step doubles that */
	for (i = 0; i < 5; i++)
		inv *= 2 - m * inv;
	x->inv = inv;
	x->lim = UINT64_MAX / m;
	x->shift = k;
	x->d = d ? d : 1;
}

/* 1 with *q = v / d when d divides v, else 0. */
static inline int exact_div(const struct exact_div *x, uint64_t v, uint64_t *q)
{
	uint64_t t;

	if (v & ((UINT64_C(1) << x->shift) - 1))
		return 0;
	t = (v >> x->shift) * x->inv;
	if (t > x->lim)
		return 0;
	*q = t;
	return 1;
}

static int store_edge(struct hs_snapshot *s, uint8_t role, const struct exact_div *nfd, uint32_t e,
		      uint64_t v, char *msg, size_t len)
{
	uint64_t to;

	switch (role) {
	case R_TYPE:
		if (v >= HS_NO_TYPE) {
			snprintf(msg, len, "edge %u: type %llu out of range", e, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->edge_type[e] = (uint8_t)v;
		break;
	case R_NAME:
		if (v > UINT32_MAX) {
			snprintf(msg, len, "edge %u: name_or_index %llu exceeds 32 bits", e, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->edge_name[e] = (uint32_t)v;
		break;
	case R_TO:
		if (!exact_div(nfd, v, &to)) {
			snprintf(msg, len, "edge %u: to_node %llu is not a multiple of node_fields (%u)",
				 e, (unsigned long long)v, nfd->d);
			return HS_ERR_FORMAT;
		}
		if (to >= UINT32_MAX) {
			snprintf(msg, len, "edge %u: to_node %llu out of range", e, (unsigned long long)v);
			return HS_ERR_FORMAT;
		}
		s->edge_to[e] = (uint32_t)to;
		break;
	default:
		break;
	}
	return 0;
}

/* ---- the scanner's state -------------------------------------------------- */

static int scan_fail(struct scan *sc, int status, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static int scan_fail(struct scan *sc, int status, const char *fmt, ...)
{
	va_list ap;

	sc->status = status;
	va_start(ap, fmt);
	vsnprintf(sc->msg, sizeof(sc->msg), fmt, ap);
	va_end(ap);
	return -1;
}

/* Room for records up to here: nodes keep one slot beyond the last record
 * (first_edge two), and the tables' limits stop the growth. */
static void set_cap(struct scan *sc)
{
	struct parser *p = sc->p;

	if (sc->kind == SCAN_NODES)
		sc->cap = p->node_alloc < 1 ? 0 : p->node_alloc - 1 < HS_MAX_NODES ? p->node_alloc - 1 : HS_MAX_NODES;
	else if (sc->kind == SCAN_EDGES)
		sc->cap = p->edge_alloc < UINT32_MAX - 1 ? p->edge_alloc : UINT32_MAX - 1;
	else
		sc->cap = sc->vec->alloc;
}

/* Record sc->rec has no room: grow (the stream) or fail. */
static __attribute__((noinline)) int scan_full(struct scan *sc)
{
	struct parser *p = sc->p;

	if (!sc->growable) /* pass one counted fewer: never write past */
		return scan_fail(sc, HS_ERR_FORMAT, CHANGED " (the \"%s\" array holds more values than a moment ago)",
				 hs_load_section_names[sc->sec]);
	switch (sc->kind) {
	case SCAN_NODES:
		if (sc->rec >= HS_MAX_NODES)
			return scan_fail(sc, HS_ERR_LIMIT, "more than %u nodes", HS_MAX_NODES);
		grow_nodes(p);
		break;
	case SCAN_EDGES:
		if (sc->rec >= UINT32_MAX - 1)
			return scan_fail(sc, HS_ERR_LIMIT, "more than %u edges", UINT32_MAX - 2);
		grow_edges(p);
		break;
	default:
		HS_GROW(sc->vec->v, sc->rec, sc->vec->alloc);
		sc->raw = sc->vec->v;
		break;
	}
	set_cap(sc);
	return 0;
}

/* Stores the next value. */
static inline int put(struct scan *sc, uint64_t v)
{
	struct parser *p = sc->p;
	int st;

	if (sc->field == 0 && sc->rec >= sc->cap && scan_full(sc) < 0)
		return -1;
	switch (sc->kind) {
	case SCAN_RAW: /* width 1; locations are checked by build_locations */
		sc->raw[sc->rec++] = v;
		return 0;
	case SCAN_EDGES:
		st = store_edge(p->s, p->edge_role[sc->field], &p->nfd, (uint32_t)sc->rec, v, sc->msg, sizeof(sc->msg));
		break;
	default:
		st = store_node(p, p->node_role[sc->field], (uint32_t)sc->rec, v, sc->msg, sizeof(sc->msg));
		break;
	}
	if (st) {
		sc->status = st;
		return -1;
	}
	if (++sc->field == sc->width) {
		sc->field = 0;
		sc->rec++;
	}
	return 0;
}

static void scan_init(struct scan *sc, struct parser *p, enum section sec, enum scan_kind kind)
{
	memset(sc, 0, sizeof(*sc));
	sc->p = p;
	sc->sec = sec;
	sc->kind = kind;
	sc->width = kind == SCAN_NODES ? p->nf : kind == SCAN_EDGES ? p->ef : 1;
	sc->state = SC_OPEN;
}

/* The stream's scanners go on from what is stored (nothing, for an array
 * that has just begun). */
static void scan_growable(struct scan *sc, struct parser *p, enum section sec, enum scan_kind kind)
{
	scan_init(sc, p, sec, kind);
	sc->growable = 1;
	if (kind == SCAN_NODES) {
		sc->rec = p->s->node_count;
		sc->field = p->nfield;
	} else if (kind == SCAN_EDGES) {
		sc->rec = p->s->edge_count;
		sc->field = p->efield;
	} else {
		sc->vec = sec == SEC_LOCATIONS ? &p->raw_locs : sec == SEC_EDGES ? &p->raw_edges : &p->raw_nodes;
		sc->raw = sc->vec->v;
		sc->rec = sc->vec->nr;
	}
	set_cap(sc);
}

/* What a growable scanner has stored becomes the model's counts. */
static void scan_store_counts(struct scan *sc)
{
	if (sc->kind == SCAN_NODES) {
		sc->p->s->node_count = (uint32_t)sc->rec;
		sc->p->nfield = sc->field;
	} else if (sc->kind == SCAN_EDGES) {
		sc->p->s->edge_count = (uint32_t)sc->rec;
		sc->p->efield = sc->field;
	} else {
		sc->vec->nr = (size_t)sc->rec;
	}
}

void hs_scan_stream(struct scan *sc, struct parser *p)
{
	enum scan_kind kind = SCAN_RAW; /* locations, and arrays before the header */

	if (p->header_done && p->sec == SEC_NODES)
		kind = SCAN_NODES;
	else if (p->header_done && p->sec == SEC_EDGES)
		kind = SCAN_EDGES;
	scan_growable(sc, p, p->sec, kind);
}

void hs_scan_piece(struct scan *sc, struct parser *p, uint64_t first, int opens)
{
	enum scan_kind kind = p->sec == SEC_NODES ? SCAN_NODES : p->sec == SEC_EDGES ? SCAN_EDGES : SCAN_RAW;

	scan_init(sc, p, p->sec, kind);
	sc->rec = first / sc->width;
	sc->field = (uint32_t)(first % sc->width);
	if (kind == SCAN_NODES) /* records begun: see hs_scan_alloc_exact */
		sc->cap = p->s->node_count + (uint64_t)(p->nfield != 0);
	else if (kind == SCAN_EDGES)
		sc->cap = p->s->edge_count + (uint64_t)(p->efield != 0);
	else
		sc->cap = p->raw_locs.nr;
	sc->raw = p->raw_locs.v;
	sc->state = opens ? SC_OPEN : SC_COMMA;
}

int hs_scan_values(struct parser *p, enum section sec, const uint64_t *v, size_t n)
{
	struct scan sc;
	size_t i;

	scan_growable(&sc, p, sec, sec == SEC_EDGES ? SCAN_EDGES : SCAN_NODES);
	for (i = 0; i < n; i++)
		if (put(&sc, v[i]) < 0)
			return hs_load_fail(p, sc.status, "%s", sc.msg);
	scan_store_counts(&sc);
	return 1;
}

/* ---- the grammar -------------------------------------------------------------- */

/* SWAR number parsing (8 bytes per step; "Faster integer parsing",
 * Kholdstare 2020 / Lemire).  Bytes are in file order in a little-endian
 * word: the first character is the lowest byte. */
#define SW_ONES UINT64_C(0x0101010101010101)

/* How many leading bytes of x are ASCII digits (0-8). */
static inline unsigned swar_digits(uint64_t x)
{
	uint64_t hi = (x & (SW_ONES * 0xF0)) ^ (SW_ONES * 0x30);  /* 0 where the high nibble is 3 */
	uint64_t lo = ((x & (SW_ONES * 0x0F)) + SW_ONES * 0x06) & (SW_ONES * 0xF0); /* 0 where the low nibble <= 9 */
	uint64_t nd = hi | lo;                                     /* a byte is 0 iff it is a digit */
	uint64_t nz = (((nd & (SW_ONES * 0x7F)) + SW_ONES * 0x7F) | nd) & (SW_ONES * 0x80);

	return nz ? (unsigned)__builtin_ctzll(nz) >> 3 : 8;
}

/* The value of the first n (1-8) digit bytes of x. */
static inline uint64_t swar_value(uint64_t x, unsigned n)
{
	uint64_t y = (x - SW_ONES * 0x30) << (8 * (8 - n)); /* leading zeros in front */

	y = ((y & (SW_ONES * 0x0F)) * 2561) >> 8;
	y = ((y & UINT64_C(0x00FF00FF00FF00FF)) * 6553601) >> 16;
	y = ((y & UINT64_C(0x0000FFFF0000FFFF)) * UINT64_C(42949672960001)) >> 32;
	return y & 0xffffffffu;
}

/* The common case of a numeric array: 1 to 15 digits, no leading zero,
 * then ',' or V8's end of a record, "\n,".  p[0..16] must be readable.
 * Returns the bytes before the ',' (0: not that case; the byte loop takes
 * it, errors included) with *v the value of the digits. */
static inline unsigned swar_number(const unsigned char *p, uint64_t *v)
{
	static const uint64_t pow10[8] = { 1, 10, 100, 1000, 10000, 100000, 1000000, 10000000 };
	uint64_t a, b;
	unsigned n, m;

	memcpy(&a, p, 8);
	n = swar_digits(a);
	if (n == 0 || (n > 1 && p[0] == '0'))
		return 0;
	if (n < 8) {
		*v = swar_value(a, n);
		return p[n] == ',' ? n : p[n] == '\n' && p[n + 1] == ',' ? n + 1 : 0;
	}
	memcpy(&b, p + 8, 8);
	m = swar_digits(b);
	if (m == 8)
		return 0;
	*v = swar_value(a, 8) * pow10[m] + (m ? swar_value(b, m) : 0);
	n = 8 + m;
	return p[n] == ',' ? n : p[n] == '\n' && p[n + 1] == ',' ? n + 1 : 0;
}

/* Byte c at offset `at` is not allowed where it is. */
static int scan_error(struct scan *sc, uint64_t at, unsigned c)
{
	const char *sec = hs_load_section_names[sc->sec];
	unsigned long long a = (unsigned long long)at;

	if (c == '-')
		return scan_fail(sc, HS_ERR_FORMAT, "%s: negative number at byte %llu where an unsigned integer belongs", sec, a);
	if (c == '.' || c == 'e' || c == 'E')
		return scan_fail(sc, HS_ERR_FORMAT, "%s: number at byte %llu is not an integer", sec, a);
	if (c == '[' || c == '{')
		return scan_fail(sc, HS_ERR_FORMAT, "%s: nested %s at byte %llu where a number belongs", sec,
				 c == '[' ? "array" : "object", a);
	if (c == '"')
		return scan_fail(sc, HS_ERR_FORMAT, "%s: string at byte %llu where a number belongs", sec, a);
	return scan_fail(sc, HS_ERR_FORMAT, "invalid JSON at byte %llu: unexpected character in the \"%s\" array", a, sec);
}

long hs_scan_text(struct scan *sc, const unsigned char *buf, size_t len, uint64_t off)
{
	enum scan_state state = sc->state;
	uint64_t v = sc->v;
	unsigned ndig = sc->ndig;
	int lead_zero = sc->lead_zero;
	size_t i;

	for (i = 0; i < len; i++) {
		unsigned c, d;
		if ((state == SC_COMMA || state == SC_OPEN) && len - i >= 17) {
			uint64_t sv;
			unsigned n = swar_number(buf + i, &sv);
			if (n) { /* the number and its ',' */
				if (put(sc, sv) < 0)
					return -1;
				i += n; /* at the ','; the loop steps past it */
				state = SC_COMMA;
				continue;
			}
		}
		c = buf[i];
		d = c - '0';
		if (d <= 9u) {
			size_t j; /* the next digit to add */
			if (state == SC_VALUE) /* a ',' is missing */
				return scan_error(sc, off + i, c);
			if (state != SC_NUM) {
				state = SC_NUM;
				v = d;
				lead_zero = d == 0;
				ndig = 1;
				j = i + 1;
			} else {
				j = i; /* a number continued from the last piece of text */
			}
			for (; j < len && (d = buf[j] - '0') <= 9u; j++) {
				if (lead_zero)
					return scan_fail(sc, HS_ERR_FORMAT, "invalid JSON at byte %llu: number with a leading zero",
							 (unsigned long long)(off + j));
				/* up to 19 digits always fit in 64 bits */
				if (++ndig >= 20 && v > (UINT64_MAX - d) / 10)
					return scan_fail(sc, HS_ERR_FORMAT, "%s: number at byte %llu exceeds 64 bits",
							 hs_load_section_names[sc->sec], (unsigned long long)(off + j));
				v = v * 10 + d;
			}
			i = j - 1; /* j > i: at least this digit was taken */
			continue;
		}
		if (state == SC_NUM) {
			if (put(sc, v) < 0)
				return -1;
			state = SC_VALUE;
		}
		if (c == ',' && state == SC_VALUE) {
			state = SC_COMMA;
			continue;
		}
		if (c == ' ' || c == '\n' || c == '\r' || c == '\t')
			continue;
		sc->state = state;
		if (c == ']')
			return hs_scan_close(sc, off + i) < 0 ? -1 : (long)(i + 1);
		return scan_error(sc, off + i, c);
	}
	sc->state = state;
	sc->v = v;
	sc->ndig = ndig;
	sc->lead_zero = lead_zero;
	return (long)len;
}

int hs_scan_close(struct scan *sc, uint64_t at)
{
	if (sc->state == SC_NUM) {
		if (put(sc, sc->v) < 0)
			return -1;
		sc->state = SC_VALUE;
	}
	if (sc->state == SC_COMMA) /* a ',' before ']' */
		return scan_error(sc, at, ']');
	sc->closed = 1;
	if (sc->growable)
		scan_store_counts(sc);
	return 0;
}

int hs_scan_cut(struct scan *sc, uint64_t at)
{
	if (sc->state == SC_NUM) {
		if (put(sc, sc->v) < 0)
			return -1;
		sc->state = SC_VALUE;
	}
	if (sc->state != SC_COMMA)
		return scan_fail(sc, HS_ERR_FORMAT, "invalid JSON at byte %llu: unexpected end of a number list",
				 (unsigned long long)at);
	return 0;
}

/* ---- exact arrays for the parallel scanner ------------------------------------- */

int hs_scan_alloc_exact(struct parser *p, uint64_t values)
{
	struct hs_snapshot *s = p->s;
	uint64_t recs, begun; /* whole records; and with an unfinished last one */

	if (p->sec == SEC_LOCATIONS) { /* raw values, as the stream keeps them */
		free(p->raw_locs.v);
		HS_ALLOC_ARRAY(p->raw_locs.v, values ? values : 1);
		p->raw_locs.nr = p->raw_locs.alloc = (size_t)values;
		return 1;
	}
	/* An unfinished last record is stored as the stream stores it (and
	 * refused after the document, by check_nodes, as there). */
	if (p->sec == SEC_EDGES) {
		recs = values / p->ef;
		begun = recs + (values % p->ef != 0);
		if (recs >= UINT32_MAX - 1)
			return hs_load_fail(p, HS_ERR_LIMIT, "more than %u edges", UINT32_MAX - 2);
		HS_ALLOC_ARRAY(s->edge_type, begun + 1);
		HS_ALLOC_ARRAY(s->edge_name, begun + 1);
		HS_ALLOC_ARRAY(s->edge_to, begun + 1);
		p->edge_alloc = begun + 1;
		s->edge_count = (uint32_t)recs;
		p->efield = (uint32_t)(values % p->ef);
		return 1;
	}
	recs = values / p->nf;
	begun = recs + (values % p->nf != 0);
	if (recs >= HS_MAX_NODES)
		return hs_load_fail(p, HS_ERR_LIMIT, "more than %u nodes", HS_MAX_NODES);
	HS_ALLOC_ARRAY(s->node_type, begun + 1);
	HS_ALLOC_ARRAY(s->node_name, begun + 1);
	HS_ALLOC_ARRAY(s->node_id, begun + 1);
	HS_ALLOC_ARRAY(s->self_size.lo, begun + 1);
	HS_CALLOC_ARRAY(s->first_edge, begun + 2);
	if (s->detachedness) {
		free(s->detachedness);
		HS_CALLOC_ARRAY(s->detachedness, begun + 1);
	}
	p->node_alloc = begun + 1;
	s->node_count = (uint32_t)recs;
	p->nfield = (uint32_t)(values % p->nf);
	return 1;
}
