/* String table: one growing arena plus offsets; no malloc per string. */
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include "hsnap/strtab.h"
#include "alloc.h"

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
	HS_RELEASE(t, t->arena, t->off);
}

uint32_t hs_strtab_find(const struct hs_strtab *t, const char *text)
{
	uint32_t i;
	for (i = 0; i < t->count; i++)
		if (!strcmp(hs_str(t, i), text))
			return i;
	return UINT32_MAX;
}

struct hs_strset_entry {
	char *key;
	uint32_t id;
	UT_hash_handle hh;
};

uint32_t hs_strtab_intern(struct hs_strtab *t, struct hs_strset *set, const char *s, size_t len)
{
	struct hs_strset_entry *e;

	HASH_FIND(hh, set->map, s, len, e);
	if (e)
		return e->id;
	e = hs_xmalloc(sizeof(*e));
	e->key = hs_xmalloc(len + 1);
	memcpy(e->key, s, len);
	e->key[len] = '\0';
	e->id = hs_strtab_add(t, s, len);
	HASH_ADD_KEYPTR(hh, set->map, e->key, len, e);
	return e->id;
}

void hs_strset_release(struct hs_strset *set)
{
	struct hs_strset_entry *e, *tmp;

	HASH_ITER(hh, set->map, e, tmp) {
		HASH_DEL(set->map, e);
		free(e->key);
		free(e);
	}
	set->map = NULL;
}
