/* Allocation helpers (after jq's jv_alloc.c and git's ALLOC_GROW) and bit
 * sets allocated with them.
 * hs_xmalloc & friends never return NULL: on failure they call the
 * program's out-of-memory handler (hsnap/oom.h; the CLI's prints one line
 * and exits 4), or abort() without one.  Sizes are overflow-checked before
 * allocating. */
#ifndef HSNAP_ALLOC_H
#define HSNAP_ALLOC_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

void *hs_xmalloc(size_t size);
void *hs_xcalloc(size_t nmemb, size_t size);
void *hs_xrealloc(void *ptr, size_t size);
/* nmemb * size; an overflow is out of memory (hsnap/oom.h). */
size_t hs_xmul(size_t nmemb, size_t size);
/* Maps all pages of a large array now (MADV_POPULATE_WRITE), for arrays that
 * are about to be written all over in random order; a no-op where the kernel
 * lacks it and for arrays under 8 MiB. */
void hs_populate(void *p, size_t size);
/* Large blocks kept for the next snapshot of one run (diff, growth, leaks
 * load their snapshots one after another, with arrays of about the same
 * sizes).  Between hs_recycle_begin and hs_recycle_end, hs_free keeps blocks
 * of 16 MiB or more (up to 64) instead of freeing them, and hs_xmalloc /
 * hs_xcalloc take the smallest kept block that fits and is at most 1/8
 * larger, its pages already mapped: fresh pages cost a fault and a zeroing
 * each (about 0.6-2.5 us a page on the project VM, bench/touch.c).  When
 * none fits, kept blocks (the largest first) of at least the size asked for
 * are freed first, so that what is kept never adds to the peak.  Thread-safe;
 * hs_recycle_end frees what is kept. */
void hs_recycle_begin(void);
void hs_recycle_end(void);
/* free(p), or keep p for reuse (above); p from hs_xmalloc & friends. */
void hs_free(void *p);
#define HS_ALLOC_ARRAY(p, n) ((p) = hs_xmalloc(hs_xmul((n), sizeof(*(p)))))
#define HS_CALLOC_ARRAY(p, n) ((p) = hs_xcalloc((n), sizeof(*(p))))
#define HS_REALLOC_ARRAY(p, n) ((p) = hs_xrealloc((p), hs_xmul((n), sizeof(*(p)))))

/* A structure's release: frees the n pointers, then zeroes the size bytes
 * at obj.  HS_RELEASE(obj, obj->a, obj->b, ...) is the usual call. */
void hs_free_zero(void *obj, size_t size, void *const *ptrs, size_t n);
#define HS_RELEASE(obj, ...)                                                  \
	hs_free_zero((obj), sizeof(*(obj)), (void *const[]){ __VA_ARGS__ },  \
		     sizeof((void *const[]){ __VA_ARGS__ }) / sizeof(void *))
/* free()s member m of each of the n elements of array v */
#define HS_FREE_EACH(v, n, m)                                                \
	do {                                                                 \
		for (size_t hs_i_ = 0; hs_i_ < (size_t)(n); hs_i_++)         \
			free((v)[hs_i_].m);                                  \
	} while (0)

/* 0 when slot nr exists in `alloc` slots, else the capacity to grow to so
 * that it does: half as many again, at least 16. */
static inline size_t hs_grow_to(size_t nr, size_t alloc)
{
	size_t n;

	if (nr < alloc)
		return 0;
	n = alloc < 16 ? 16 : alloc + alloc / 2;
	return n <= nr ? nr + 1 : n;
}
/* Grow p (which holds `nr` used of `alloc` slots) so that p[nr] is valid.
 * `alloc` may be narrower than size_t: a capacity it cannot hold is out of
 * memory as any impossible size is. */
#define HS_GROW(p, nr, alloc)                                              \
	do {                                                               \
		size_t hs_new_ = hs_grow_to((size_t)(nr), (size_t)(alloc)); \
		if (hs_new_) {                                             \
			HS_REALLOC_ARRAY(p, hs_new_);                      \
			(alloc) = (__typeof__(alloc))hs_new_;              \
			if ((size_t)(alloc) != hs_new_)                    \
				hs_xmul(SIZE_MAX, 2);                      \
		}                                                          \
	} while (0)

/* Bit set over n bits. */
static inline int hs_bit_get(const uint64_t *b, size_t i) { return (b[i >> 6] >> (i & 63)) & 1; }
static inline void hs_bit_set(uint64_t *b, size_t i) { b[i >> 6] |= (uint64_t)1 << (i & 63); }
static inline void hs_bit_clear(uint64_t *b, size_t i) { b[i >> 6] &= ~((uint64_t)1 << (i & 63)); }
static inline uint64_t *hs_bits_new(size_t n) { return hs_xcalloc((n + 63) / 64 + 1, sizeof(uint64_t)); }

#endif
