/* The shared comparators of sort.h. */
#include <stdint.h>
#include <string.h>
#include "sort.h"
#include "alloc.h"

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
	if (a->group != b->group) return a->group < b->group ? -1 : 1;
	if (a->script != b->script) return a->script < b->script ? -1 : 1;
	if (a->line != b->line) return a->line < b->line ? -1 : 1;
	if (a->column != b->column) return a->column < b->column ? -1 : 1;
	return a->node < b->node ? -1 : a->node > b->node;
}

/* LSD radix sort, 16-bit digits; digits equal in every key are skipped.
 * Small arrays go to qsort (the digit table alone is 512 KiB). */
void hs_radix_sort_u64(uint64_t *v, uint64_t n, int sorted_below)
{
	uint64_t *tmp, *src = v, *dst, i, or_all = 0, and_all = ~(uint64_t)0;
	uint64_t *count;
	int shift;

	if (n < 65536) {
		hs_sort(v, n, sizeof(*v), hs_cmp_u64);
		return;
	}
	if (sorted_below % 16) /* only whole digits can be skipped */
		sorted_below = 0;
	for (i = 0; i < n; i++) {
		or_all |= v[i];
		and_all &= v[i];
	}
	HS_ALLOC_ARRAY(tmp, n ? n : 1);
	HS_ALLOC_ARRAY(count, 65536);
	dst = tmp;
	for (shift = sorted_below / 16 * 16; shift < 64; shift += 16) {
		uint64_t sum = 0, *t;
		if ((((or_all ^ and_all) >> shift) & 0xffff) == 0)
			continue;
		memset(count, 0, 65536 * sizeof(*count));
		for (i = 0; i < n; i++)
			count[(src[i] >> shift) & 0xffff]++;
		for (i = 0; i < 65536; i++) {
			uint64_t c = count[i];
			count[i] = sum;
			sum += c;
		}
		for (i = 0; i < n; i++)
			dst[count[(src[i] >> shift) & 0xffff]++] = src[i];
		t = src;
		src = dst;
		dst = t;
	}
	if (src != v)
		memcpy(v, src, n * sizeof(*v));
	free(tmp);
	free(count);
}
