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

/* Sorts n uint64_t values ascending (LSD radix, stable).  sorted_below: the
 * values are already in order of their low bits below it (a multiple of 16;
 * 0: no such knowledge), whose digits are then not sorted again. */
void hs_radix_sort_u64(uint64_t *v, uint64_t n, int sorted_below);

/* A node at a source location, grouped by a first key (filters.c: its
 * class; triage.c: its function's name), ordered by (group, script, line,
 * column, node).  script: a script id or node, 64 bits so that one can be
 * told from the other. */
struct hs_site_key { uint64_t script; uint32_t group, line, column, node; };

int hs_cmp_site_key(const void *a, const void *b);
/* 1 when a and b have the same group and location (their nodes aside) */
static inline int hs_site_key_same(const struct hs_site_key *a, const struct hs_site_key *b)
{
	return a->group == b->group && a->script == b->script && a->line == b->line && a->column == b->column;
}

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
