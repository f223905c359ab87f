/* String table: one growing arena plus offsets; no malloc per string. */
#include <stdlib.h>
#include <string.h>
#include "hsnap/snapshot.h"
#include "vec.h"

void hs_strtab_init(struct hs_strtab *t)
{
	memset(t, 0, sizeof(*t));
	HS_GROW(t->off, 0, t->off_alloc);
	t->off[0] = 0;
}

uint32_t hs_strtab_add(struct hs_strtab *t, const char *s, size_t len)
{
	uint32_t id = t->count;
	size_t need = t->len + len + 1;

	if (need < t->len) /* overflow */
		hs_xmul(SIZE_MAX, 2);
	if (need > t->alloc) {
		size_t a = t->alloc < 4096 ? 4096 : t->alloc + t->alloc / 2;
		if (a < need)
			a = need;
		t->arena = hs_xrealloc(t->arena, a);
		t->alloc = a;
	}
	memcpy(t->arena + t->len, s, len);
	t->arena[t->len + len] = '\0';
	t->len = need;
	HS_GROW(t->off, (size_t)t->count + 1, t->off_alloc);
	t->count++;
	t->off[t->count] = t->len;
	return id;
}

void hs_strtab_release(struct hs_strtab *t)
{
	free(t->arena);
	free(t->off);
	memset(t, 0, sizeof(*t));
}
