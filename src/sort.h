/* Sorting: qsort that accepts an empty array, and the comparators that
 * several modules share (one copy each, in sort.c). */
#ifndef HSNAP_SORT_H
#define HSNAP_SORT_H
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>

/* qsort that accepts an empty array (qsort(NULL, 0, ...) is undefined). */
static inline void hs_sort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

/* Ascending order of uint32_t / uint64_t values, and of C strings (the
 * elements are `char *`, compared with strcmp). */
int hs_cmp_u32(const void *a, const void *b);
int hs_cmp_u64(const void *a, const void *b);
int hs_cmp_str(const void *a, const void *b);

/* An object of a comparison side (diff.c, leaks.c): its (gid << 32 | low
 * half of the id) key and the id's high half (0 but for Julia's ids beyond
 * 32 bits), ordered by (key, hi).  Inline: leaks' merge compares in its
 * inner loop. */
struct hs_wide_key { uint64_t key; uint32_t hi; };

static inline int hs_cmp_wide_key(const void *a, const void *b)
{
	const struct hs_wide_key *x = a, *y = b;
	if (x->key != y->key)
		return x->key < y->key ? -1 : 1;
	return x->hi < y->hi ? -1 : x->hi > y->hi;
}

#endif
