/* A hash map (int64, int64) -> uint32 with open addressing, for the Maps
 * and Sets of DevTools' analyzeContexts (see contexts_internal.h). */
#include <string.h>
#include "contexts_internal.h"
#include "alloc.h"

static uint64_t mix(int64_t a, int64_t b)
{
	uint64_t x = (uint64_t)a * 0x9e3779b97f4a7c15ull ^ ((uint64_t)b + 0x632be59bd9b4e019ull);
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ull;
	x ^= x >> 29;
	return x;
}

void hs_ctx_map_init(struct hmap *m, size_t want)
{
	size_t cap = 64, i;
	while (cap < want * 2)
		cap <<= 1;
	m->cap = cap;
	m->nr = 0;
	HS_ALLOC_ARRAY(m->ka, cap);
	HS_ALLOC_ARRAY(m->kb, cap);
	HS_ALLOC_ARRAY(m->val, cap);
	for (i = 0; i < cap; i++)
		m->val[i] = HS_CTX_NONE;
}

void hs_ctx_map_free(struct hmap *m)
{
	free(m->ka);
	free(m->kb);
	free(m->val);
	memset(m, 0, sizeof(*m));
}

static size_t hmap_slot(const struct hmap *m, int64_t a, int64_t b)
{
	size_t i = (size_t)mix(a, b) & (m->cap - 1);
	while (m->val[i] != HS_CTX_NONE && (m->ka[i] != a || m->kb[i] != b))
		i = (i + 1) & (m->cap - 1);
	return i;
}

uint32_t hs_ctx_map_get(const struct hmap *m, int64_t a, int64_t b)
{
	return m->val[hmap_slot(m, a, b)];
}

static void hmap_grow(struct hmap *m)
{
	struct hmap old = *m;
	size_t i;
	hs_ctx_map_init(m, old.cap);
	for (i = 0; i < old.cap; i++)
		if (old.val[i] != HS_CTX_NONE)
			hs_ctx_map_put(m, old.ka[i], old.kb[i], old.val[i]);
	hs_ctx_map_free(&old);
}

void hs_ctx_map_put(struct hmap *m, int64_t a, int64_t b, uint32_t v)
{
	size_t i;
	if ((m->nr + 1) * 2 > m->cap)
		hmap_grow(m);
	i = hmap_slot(m, a, b);
	if (m->val[i] == HS_CTX_NONE)
		m->nr++;
	m->ka[i] = a;
	m->kb[i] = b;
	m->val[i] = v;
}
