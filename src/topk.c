/* Top-k selection: a min-heap of size k, then a heap sort (hsnap/topk.h). */
#include "hsnap/topk.h"

/* Min-heap of size k over (key desc, index asc). */
static int worse(const uint64_t *key, uint32_t a, uint32_t b)
{
	// cppcheck-suppress arrayIndexThenCheck ; a and b are indices into key, compared after it
	return key[a] < key[b] || (key[a] == key[b] && a > b);
}

static void sift_down(uint32_t *h, uint32_t n, uint32_t i, const uint64_t *key)
{
	for (;;) {
		uint32_t l = 2 * i + 1, r = l + 1, m = i, t;
		if (l < n && worse(key, h[l], h[m])) m = l;
		if (r < n && worse(key, h[r], h[m])) m = r;
		if (m == i)
			return;
		t = h[i]; h[i] = h[m]; h[m] = t;
		i = m;
	}
}

uint32_t hs_top_k(const uint64_t *key, uint32_t n, int (*keep)(const void *, uint32_t),
		  const void *ctx, uint32_t k, uint32_t *out)
{
	uint32_t i, m = 0;

	if (!k)
		return 0;
	for (i = 0; i < n; i++) {
		/* the filter only for candidates that would enter a full heap */
		if (m == k && !worse(key, out[0], i))
			continue;
		if (keep && !keep(ctx, i))
			continue;
		if (m < k) {
			uint32_t j = m++;
			out[j] = i;
			while (j && worse(key, out[j], out[(j - 1) / 2])) {
				uint32_t p = (j - 1) / 2, t = out[j];
				out[j] = out[p]; out[p] = t;
				j = p;
			}
		} else if (worse(key, out[0], i)) {
			out[0] = i;
			sift_down(out, m, 0, key);
		}
	}
	/* heap sort: best first */
	for (i = m; i > 1; i--) {
		uint32_t t = out[0];
		out[0] = out[i - 1];
		out[i - 1] = t;
		sift_down(out, i - 1, 0, key);
	}
	return m;
}
