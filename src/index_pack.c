/* Packed sections of the index (format 4; src/index_internal.h): an array
 * stored as group varints of its words (IXE_VARINT), or of the zigzag of
 * each word's difference from the one before (IXE_DELTA, differences taken
 * modulo the word's width, so any array round-trips), and the dominator tree
 * CSR, which is not stored at all but rebuilt from idom (IXE_DERIVED). */
#include <stdlib.h>
#include <string.h>
#include "index_internal.h"
#include "alloc.h"

/* Byte lengths of the four 2-bit codes: 1-4 bytes for 32-bit words, 1, 2,
 * 4 or 8 for 64-bit ones. */
static const uint8_t len32[4] = { 1, 2, 3, 4 }, len64[4] = { 1, 2, 4, 8 };

/* Layout of a packed section of w words: ceil(w / 4) control bytes (four
 * 2-bit length codes each, the first word in the low bits), then each word's
 * bytes, little-endian (a group varint, as stream-vbyte: decoding has no
 * branch on the data). */
/* Packs the words of src (type T) into ctrl and q; DELTA codes differences. */
#define PACK(T, CODE, LEN, DELTA)                                                    \
	do {                                                                         \
		const T *src = arr;                                                  \
		T prev = 0;                                                          \
		for (i = 0; i < words; i += 4) {                                     \
			unsigned k, cb = 0;                                          \
			for (k = 0; k < 4 && i + k < words; k++) {                   \
				uint64_t v = src[i + k];                             \
				unsigned c;                                          \
				if (DELTA) {                                         \
					T d = (T)(src[i + k] - prev);                \
					prev = src[i + k];                           \
					v = (T)((T)(d << 1) ^ (T)-(T)(d >> (sizeof(T) * 8 - 1))); \
				}                                                    \
				c = CODE(v);                                         \
				cb |= c << (2 * k);                                  \
				STORE(q, v);                                         \
				q += LEN[c];                                         \
			}                                                            \
			b->p[i / 4] = (unsigned char)cb;                             \
		}                                                                    \
	} while (0)

#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
/* the low bytes first; the next word overwrites the rest */
#define STORE(q, v) memcpy((q), &(v), 8)
#else
#define STORE(q, v) do { for (unsigned s_ = 0; s_ < 8; s_++) (q)[s_] = (unsigned char)((v) >> (8 * s_)); } while (0)
#endif
#define CODE32(v) ((unsigned)((v) > 0xff) + ((v) > 0xffff) + ((v) > 0xffffff))
#define CODE64(v) ((unsigned)((v) > 0xff) + ((v) > 0xffff) + ((v) > 0xffffffffull))

void ix_pack(const struct ix_row *r, const void *arr, uint64_t count, struct blob *b)
{
	uint64_t words = count * (r->elem / r->word), i;
	size_t ctrl = (size_t)((words + 3) / 4), need = ctrl + (size_t)words * r->word + 8;
	unsigned char *q;

	if (b->alloc < need) {
		b->alloc = need;
		b->p = hs_xrealloc(b->p, b->alloc);
	}
	q = b->p + ctrl;
	if (r->word == 8 && r->enc == IXE_DELTA)
		PACK(uint64_t, CODE64, len64, 1);
	else if (r->word == 8)
		PACK(uint64_t, CODE64, len64, 0);
	else if (r->enc == IXE_DELTA)
		PACK(uint32_t, CODE32, len32, 1);
	else
		PACK(uint32_t, CODE32, len32, 0);
	b->len = (size_t)(q - b->p);
}

static const uint64_t mask64[4] = { 0xff, 0xffff, 0xffffffffull, ~0ull };
static const uint32_t mask32[4] = { 0xff, 0xffff, 0xffffff, 0xffffffffu };

/* One word of `len` bytes at p, at least 8 readable (64) or 4 (32). */
static inline uint64_t load_slow(const unsigned char *p, unsigned n)
{
	uint64_t v = 0;
	unsigned k;
	for (k = 0; k < n; k++)
		v |= (uint64_t)p[k] << (8 * k);
	return v;
}
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
static inline uint64_t load64(const unsigned char *p, unsigned c)
{
	uint64_t v;
	memcpy(&v, p, 8);
	return v & mask64[c];
}
static inline uint32_t load32(const unsigned char *p, unsigned c)
{
	uint32_t v;
	memcpy(&v, p, 4);
	return v & mask32[c];
}
#else
static inline uint64_t load64(const unsigned char *p, unsigned c) { return load_slow(p, len64[c]); }
static inline uint32_t load32(const unsigned char *p, unsigned c) { return (uint32_t)load_slow(p, len32[c]); }
#endif

#define UNZIG(T, x) ((T)(((x) >> 1) ^ (T)-(T)((x) & 1)))

/* Decodes 4-word groups while at least `room` data bytes are left (the fast
 * loads never read past the section), then the rest word by word. */
#define UNPACK(T, LOAD, LEN, ROOM, DELTA)                                            \
	do {                                                                         \
		T *o = out, acc = (T)acc0;                                           \
		for (; i + 4 <= words && (size_t)(end - d) >= (ROOM); i += 4) { \
			unsigned c = ctrl[i / 4], k;                                 \
			for (k = 0; k < 4; k++, c >>= 2) {                           \
				T x = (T)LOAD(d, c & 3);                             \
				d += LEN[c & 3];                                     \
				if (DELTA)                                           \
					o[i + k] = acc = (T)(acc + UNZIG(T, x));     \
				else                                                 \
					o[i + k] = x;                                \
			}                                                            \
		}                                                                    \
		for (; i < words; i++) {                                             \
			unsigned n = LEN[(ctrl[i / 4] >> (2 * (i % 4))) & 3];        \
			T x;                                                         \
			if ((size_t)(end - d) < n)                                   \
				return 0;                                            \
			x = (T)load_slow(d, n);                                      \
			d += n;                                                      \
			if (DELTA)                                                   \
				o[i] = acc = (T)(acc + UNZIG(T, x));                 \
			else                                                         \
				o[i] = x;                                            \
		}                                                                    \
	} while (0)

#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h>
#include <pthread.h>

/* 32-bit groups with SSSE3, as stream-vbyte: one shuffle per control byte
 * spreads a group's bytes into its four words. */
static uint8_t shuf[256][16], glen[256];
static int have_ssse3;
static pthread_once_t simd_once = PTHREAD_ONCE_INIT;

static void simd_init(void)
{
	unsigned c, k, b, pos;
	for (c = 0; c < 256; c++) {
		for (k = 0, pos = 0; k < 4; k++) {
			unsigned n = len32[(c >> (2 * k)) & 3];
			for (b = 0; b < 4; b++)
				shuf[c][4 * k + b] = (uint8_t)(b < n ? pos + b : 0x80);
			pos += n;
		}
		glen[c] = (uint8_t)pos;
	}
	__builtin_cpu_init();
	have_ssse3 = __builtin_cpu_supports("ssse3");
}

/* Whole groups while 16 data bytes are left; returns the words done. */
__attribute__((target("ssse3")))
static uint64_t unpack32_simd(const unsigned char *ctrl, const unsigned char **dp, const unsigned char *end,
			      uint64_t words, uint32_t *o, int delta, uint64_t *accp)
{
	const unsigned char *d = *dp;
	__m128i acc = _mm_set1_epi32((int)(uint32_t)*accp), one = _mm_set1_epi32(1), zero = _mm_setzero_si128();
	uint64_t i;

	for (i = 0; i + 4 <= words && (size_t)(end - d) >= 16; i += 4) {
		unsigned c = ctrl[i / 4];
		__m128i x = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(const void *)d),
					     _mm_loadu_si128((const __m128i *)(const void *)shuf[c]));
		d += glen[c];
		if (delta) {
			x = _mm_xor_si128(_mm_srli_epi32(x, 1), _mm_sub_epi32(zero, _mm_and_si128(x, one)));
			x = _mm_add_epi32(x, _mm_slli_si128(x, 4));
			x = _mm_add_epi32(x, _mm_slli_si128(x, 8));
			x = _mm_add_epi32(x, acc);
			acc = _mm_shuffle_epi32(x, 0xff);
		}
		_mm_storeu_si128((__m128i *)(void *)(o + i), x);
	}
	*dp = d;
	*accp = (uint32_t)_mm_cvtsi128_si32(acc);
	return i;
}

static uint64_t unpack32_fast(const unsigned char *ctrl, const unsigned char **dp, const unsigned char *end,
			      uint64_t words, uint32_t *o, int delta, uint64_t *accp)
{
	pthread_once(&simd_once, simd_init);
	return have_ssse3 ? unpack32_simd(ctrl, dp, end, words, o, delta, accp) : 0;
}
#else
static uint64_t unpack32_fast(const unsigned char *ctrl, const unsigned char **dp, const unsigned char *end,
			      uint64_t words, uint32_t *o, int delta, uint64_t *accp)
{
	(void)ctrl; (void)dp; (void)end; (void)words; (void)o; (void)delta; (void)accp;
	return 0;
}
#endif

int ix_unpack_simd = 1;

int ix_unpack(const struct ix_row *r, const unsigned char *p, uint64_t len, uint64_t count, void *out)
{
	uint64_t words = count * (r->elem / r->word), i = 0, nctrl = (words + 3) / 4, acc0 = 0;
	const unsigned char *ctrl = p, *d = p + nctrl, *end = p + len;

	if (len < nctrl)
		return 0;
	if (r->word == 4 && ix_unpack_simd)
		i = unpack32_fast(ctrl, &d, end, words, out, r->enc == IXE_DELTA, &acc0);
	if (r->word == 8 && r->enc == IXE_DELTA)
		UNPACK(uint64_t, load64, len64, 32, 1);
	else if (r->word == 8)
		UNPACK(uint64_t, load64, len64, 32, 0);
	else if (r->enc == IXE_DELTA)
		UNPACK(uint32_t, load32, len32, 16, 1);
	else
		UNPACK(uint32_t, load32, len32, 16, 0);
	return d == end;
}

/* dom_first and dom_children from idom, as hs_dominators_build makes them
 * (children by parent, in ordinal order); idom is checked (< n). */
void ix_derive_dom(const uint32_t *idom, uint32_t n, uint32_t root, uint32_t **first, uint32_t **children)
{
	uint32_t i, *df, *ch;

	HS_CALLOC_ARRAY(df, (size_t)n + 1);
	HS_ALLOC_ARRAY(ch, n > 1 ? n - 1 : 1);
	for (i = 0; i < n; i++)
		if (i != root)
			df[idom[i] + 1]++;
	for (i = 0; i < n; i++)
		df[i + 1] += df[i];
	/* df[p] is the fill position of p's next child: after the fill it is
	 * p's end, i.e. df[p + 1] as it was; shifted back one place below
	 * (no fill array of n words) */
	for (i = 0; i < n; i++)
		if (i != root)
			ch[df[idom[i]]++] = i;
	for (i = n; i > 0; i--)
		df[i] = df[i - 1];
	df[0] = 0;
	*first = df;
	*children = ch;
}
