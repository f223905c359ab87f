/* The shared comparators of sort.h. */
#include <stdint.h>
#include <string.h>
#include "sort.h"

int hs_cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
	return x < y ? -1 : x > y;
}

int hs_cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;
	return x < y ? -1 : x > y;
}

int hs_cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int hs_cmp_site_key(const void *x, const void *y)
{
	const struct hs_site_key *a = x, *b = y;
	if (!hs_site_key_same(a, b)) {
		if (a->group != b->group) return a->group < b->group ? -1 : 1;
		if (a->script != b->script) return a->script < b->script ? -1 : 1;
		if (a->line != b->line) return a->line < b->line ? -1 : 1;
		return a->column < b->column ? -1 : 1;
	}
	return a->node < b->node ? -1 : a->node > b->node;
}
