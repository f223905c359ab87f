/* Sorting: qsort that accepts an empty array, and the comparators that
 * several modules share (one copy each, in sort.c). */
#ifndef HSNAP_SORT_H
#define HSNAP_SORT_H
#include <stddef.h>
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

#endif
