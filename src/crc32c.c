/* CRC-32C, see crc32c.h.  Both versions compute the standard CRC-32C (the
 * one of iSCSI and ext4): "123456789" -> 0xE3069283. */
#include <pthread.h>
#include <string.h>
#include "crc32c.h"

#define POLY 0x82F63B78u

static uint32_t table[8][256];
static pthread_once_t table_once = PTHREAD_ONCE_INIT;

/* Slicing-by-8 tables (Intel's technique, as in zlib's crc32 braids). */
static void make_table(void)
{
	uint32_t i, k, c;

	for (i = 0; i < 256; i++) {
		c = i;
		for (k = 0; k < 8; k++)
			c = c & 1 ? (c >> 1) ^ POLY : c >> 1;
		table[0][i] = c;
	}
	for (i = 0; i < 256; i++)
		for (k = 1; k < 8; k++)
			table[k][i] = (table[k - 1][i] >> 8) ^ table[0][table[k - 1][i] & 0xff];
}

uint32_t hs_crc32c_sw(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint32_t c = ~crc;

	pthread_once(&table_once, make_table); /* index checks run on several threads */
	while (n && ((uintptr_t)p & 7)) {
		c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
		n--;
	}
	while (n >= 8) {
		uint32_t lo, hi;
		memcpy(&lo, p, 4);
		memcpy(&hi, p + 4, 4);
		lo ^= c; /* little-endian words, as everywhere the index is read */
		c = table[7][lo & 0xff] ^ table[6][(lo >> 8) & 0xff] ^ table[5][(lo >> 16) & 0xff] ^
		    table[4][lo >> 24] ^ table[3][hi & 0xff] ^ table[2][(hi >> 8) & 0xff] ^
		    table[1][(hi >> 16) & 0xff] ^ table[0][hi >> 24];
		p += 8;
		n -= 8;
	}
	while (n--)
		c = (c >> 8) ^ table[0][(c ^ *p++) & 0xff];
	return ~c;
}

#if defined(__x86_64__) && (defined(__GNUC__) || defined(__clang__))
/* Three independent crc32 streams over adjacent blocks (the instruction has a
 * latency of 3 cycles and a throughput of 1), joined by "shifting" a crc over
 * a block of zeros with tables: Mark Adler's crc32c.c (zlib license), whose
 * GF(2) matrix code comes from zlib's crc32_combine. */
#define LONG_BLOCK 8192
#define SHORT_BLOCK 256

static uint32_t shift_long[4][256], shift_short[4][256];
static pthread_once_t shift_once = PTHREAD_ONCE_INIT;

static uint32_t gf2_times(const uint32_t *mat, uint32_t vec)
{
	uint32_t sum = 0;

	while (vec) {
		if (vec & 1)
			sum ^= *mat;
		vec >>= 1;
		mat++;
	}
	return sum;
}

static void gf2_square(uint32_t *square, const uint32_t *mat)
{
	int n;

	for (n = 0; n < 32; n++)
		square[n] = gf2_times(mat, mat[n]);
}

/* The operator that appends len zero bytes (len a power of two >= 2). */
static void zeros_op(uint32_t *even, size_t len)
{
	uint32_t odd[32], row = 1;
	int n;

	odd[0] = POLY; /* one zero bit */
	for (n = 1; n < 32; n++) {
		odd[n] = row;
		row <<= 1;
	}
	gf2_square(even, odd); /* two zero bits */
	gf2_square(odd, even); /* four */
	do {
		gf2_square(even, odd); /* first time: one zero byte */
		len >>= 1;
		if (len == 0)
			return;
		gf2_square(odd, even);
		len >>= 1;
	} while (len);
	for (n = 0; n < 32; n++)
		even[n] = odd[n];
}

static void zeros_table(uint32_t t[4][256], size_t len)
{
	uint32_t op[32], n;

	zeros_op(op, len);
	for (n = 0; n < 256; n++) {
		t[0][n] = gf2_times(op, n);
		t[1][n] = gf2_times(op, n << 8);
		t[2][n] = gf2_times(op, n << 16);
		t[3][n] = gf2_times(op, n << 24);
	}
}

static void make_shift_tables(void)
{
	zeros_table(shift_long, LONG_BLOCK);
	zeros_table(shift_short, SHORT_BLOCK);
}

static inline uint32_t shift(uint32_t t[4][256], uint32_t crc)
{
	return t[0][crc & 0xff] ^ t[1][(crc >> 8) & 0xff] ^ t[2][(crc >> 16) & 0xff] ^ t[3][crc >> 24];
}

/* Whole sets of three blocks of blk bytes from p (8-byte aligned). */
__attribute__((target("sse4.2"))) static const unsigned char *
triple(const unsigned char *p, size_t *n, uint64_t *c, size_t blk, uint32_t t[4][256])
{
	uint64_t c1, c2, w;

	while (*n >= 3 * blk) {
		const unsigned char *end = p + blk;
		c1 = c2 = 0;
		do {
			memcpy(&w, p, 8);
			*c = __builtin_ia32_crc32di(*c, w);
			memcpy(&w, p + blk, 8);
			c1 = __builtin_ia32_crc32di(c1, w);
			memcpy(&w, p + 2 * blk, 8);
			c2 = __builtin_ia32_crc32di(c2, w);
			p += 8;
		} while (p < end);
		*c = shift(t, (uint32_t)*c) ^ (uint32_t)c1;
		*c = shift(t, (uint32_t)*c) ^ (uint32_t)c2;
		p += 2 * blk;
		*n -= 3 * blk;
	}
	return p;
}

__attribute__((target("sse4.2"))) static uint32_t crc32c_hw(uint32_t crc, const void *buf, size_t n)
{
	const unsigned char *p = buf;
	uint64_t c = ~crc, w;

	pthread_once(&shift_once, make_shift_tables);
	while (n && ((uintptr_t)p & 7)) {
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
		n--;
	}
	p = triple(p, &n, &c, LONG_BLOCK, shift_long);
	p = triple(p, &n, &c, SHORT_BLOCK, shift_short);
	while (n >= 8) {
		memcpy(&w, p, 8);
		c = __builtin_ia32_crc32di(c, w);
		p += 8;
		n -= 8;
	}
	while (n--)
		c = __builtin_ia32_crc32qi((uint32_t)c, *p++);
	return ~(uint32_t)c;
}

uint32_t hs_crc32c(uint32_t crc, const void *p, size_t n)
{
	static int hw = -1; /* threads racing to set it store the same value */
	int h = __atomic_load_n(&hw, __ATOMIC_RELAXED);

	if (h < 0) {
		h = __builtin_cpu_supports("sse4.2") ? 1 : 0;
		__atomic_store_n(&hw, h, __ATOMIC_RELAXED);
	}
	return h ? crc32c_hw(crc, p, n) : hs_crc32c_sw(crc, p, n);
}
#else
uint32_t hs_crc32c(uint32_t crc, const void *p, size_t n)
{
	return hs_crc32c_sw(crc, p, n);
}
#endif
