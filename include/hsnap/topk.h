/* Selection of the k largest values of a key array (top, summary, export). */
#ifndef HSNAP_TOPK_H
#define HSNAP_TOPK_H
#include <stdint.h>

/* Writes to out[0..] the indexes i < n of the (at most) k largest key[i],
 * largest first, ties: lower index first; keep (NULL: every index) filters
 * the candidates, called only for those that would enter the selection.
 * Returns how many were written.  O(n log k). */
uint32_t hs_top_k(const uint64_t *key, uint32_t n, int (*keep)(const void *ctx, uint32_t i),
		  const void *ctx, uint32_t k, uint32_t *out);

#endif
