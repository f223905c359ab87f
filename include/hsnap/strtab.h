/* String tables (src/strtab.c): the snapshot's strings, class names. */
#ifndef HSNAP_STRTAB_H
#define HSNAP_STRTAB_H
#include <stddef.h>
#include <stdint.h>

/* String table: one arena, strings NUL-terminated, off[i] is the start of
 * string i, off[count] the end of the arena (so length = off[i+1]-off[i]-1). */
struct hs_strtab {
	char *arena;
	size_t len, alloc;
	uint64_t *off;
	uint32_t count, off_alloc;
};

static inline const char *hs_str(const struct hs_strtab *t, uint32_t i)
{
	return t->arena + t->off[i];
}
static inline size_t hs_strlen(const struct hs_strtab *t, uint32_t i)
{
	return (size_t)(t->off[i + 1] - t->off[i] - 1);
}
void hs_strtab_init(struct hs_strtab *t);
uint32_t hs_strtab_add(struct hs_strtab *t, const char *s, size_t len);
void hs_strtab_release(struct hs_strtab *t);
/* strings.indexOf(text): the id of the first string equal to text, or
 * UINT32_MAX (a linear search, for the few names an analysis looks up). */
uint32_t hs_strtab_find(const struct hs_strtab *t, const char *text);

/* Interning: a string set remembers the strings added through it, so that
 * each is added to its table once (class names, global class ids). */
struct hs_strset_entry;
struct hs_strset {
	struct hs_strset_entry *map; /* NULL: empty */
};
/* The id in t of s[0..len): the id of an equal string added through set
 * before, or of s added now. */
uint32_t hs_strtab_intern(struct hs_strtab *t, struct hs_strset *set, const char *s, size_t len);
/* Frees the set (not the table) and leaves it empty. */
void hs_strset_release(struct hs_strset *set);

#endif
