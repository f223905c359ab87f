/* The on-disk index (see hsnap/index.h; the layout is in index_format.h and
 * the section table in index_internal.h).  Writing is index_write.c, opening
 * and checking index_open.c, the table and its range checks index_table.c;
 * here: lending the analysis' arrays, giving back what was lent, renaming,
 * and the full comparison of --verify-index. */
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include "index_internal.h"
#include "alloc.h"

/* ---- what was lent ---------------------------------------------------------- */

void hs_index_release(struct hs_snapshot *s)
{
	uint32_t i;

	if (!s->index)
		return;
	for (i = 0; i < ix_nrows; i++)
		if (ix_rows[i].where == IXW_SNAPSHOT && (s->index->borrowed & IX_BIT(ix_rows[i].id)))
			ix_set_array(&ix_rows[i], s, NULL);
	for (i = 0; i < IX_NIDS; i++)
		free(s->index->own[i]);
	ix_lazy_free(s->index);
	if (s->map)
		munmap((void *)s->map, s->map_len);
	s->map = NULL;
	s->map_len = 0;
	free(s->index);
	s->index = NULL;
}

void hs_index_disown(struct hs_analysis *a)
{
	uint32_t i;

	for (i = 0; i < ix_nrows; i++)
		if (ix_rows[i].where == IXW_ANALYSIS && (a->borrowed & IX_BIT(ix_rows[i].id)))
			ix_set_array(&ix_rows[i], a, NULL);
	a->borrowed = 0;
}

/* ---- analysis from the index ------------------------------------------------ */

/* The analysis sections `need` asks for (the others are not lent). */
static uint64_t needed(unsigned need)
{
	uint64_t m = ~(uint64_t)0;
	if (!(need & HS_INDEX_NEED_DISTANCES))
		m &= ~(IX_BIT(IX_DISTANCE) | IX_BIT(IX_PARENT_EDGE));
	if (!(need & HS_INDEX_NEED_PARENTS))
		m &= ~IX_BIT(IX_PARENT_EDGE);
	return m;
}

int hs_index_analysis_for(const struct hs_snapshot *s, struct hs_analysis *a, unsigned need,
			  struct hs_error *err)
{
	struct hs_index *ix = s->index;
	uint64_t want = needed(need);
	uint32_t nc, i;
	int rc = 0;

	memset(a, 0, sizeof(*a));
	if (!ix || !ix->has_analysis)
		return 0;
	if (ix->lazy) {
		pthread_mutex_lock(&ix->lock);
		rc = ix_decode_pending(ix, want, err);
		pthread_mutex_unlock(&ix->lock);
		if (rc < 0)
			return -1;
	}
	a->s = s;
	a->graph.s = s;
	a->index_disown = hs_index_disown;
	ix_decode_analysis(a, ix->sec[IX_A_META], ix->cnt[IX_A_META]);
	for (i = 0; i < ix_nrows; i++) {
		const struct ix_row *r = &ix_rows[i];
		if (r->where != IXW_ANALYSIS || (r->flags & IXF_COPIED) || !(want & IX_BIT(r->id)))
			continue;
		ix_set_array(r, a, ix->sec[r->id]);
		if (ix->sec[r->id])
			a->borrowed |= IX_BIT(r->id);
	}
	/* the class table is small: a private copy, so renaming can replace it */
	nc = (uint32_t)ix->cnt[IX_CLS];
	hs_strtab_init(&a->classes.names);
	{
		const char *arena = ix->sec[IX_CLS_ARENA];
		const uint64_t *off = ix->sec[IX_CLS_OFF];
		for (i = 0; i < nc; i++)
			hs_strtab_add(&a->classes.names, arena + off[i], (size_t)(off[i + 1] - off[i] - 1));
	}
	HS_ALLOC_ARRAY(a->classes.cls, nc ? nc : 1);
	if (nc)
		memcpy(a->classes.cls, ix->sec[IX_CLS], sizeof(struct hs_class) * nc);
	ix_decode_interfaces(&a->classes.interfaces, ix->sec[IX_INTERFACES], ix->cnt[IX_INTERFACES]);
	return 1;
}

int hs_index_analysis(const struct hs_snapshot *s, struct hs_analysis *a)
{
	struct hs_error err = { 0, "" };
	return hs_index_analysis_for(s, a, HS_INDEX_NEED_DISTANCES | HS_INDEX_NEED_PARENTS, &err) > 0;
}

uint64_t hs_index_decoded(const struct hs_snapshot *s)
{
	return s->index ? s->index->decoded : 0;
}

uint64_t hs_index_pending(const struct hs_snapshot *s)
{
	return s->index ? s->index->pending : 0;
}

const char *hs_index_section_name(uint32_t id)
{
	const struct ix_row *r = id < IX_NIDS ? ix_row(id) : NULL;
	return r ? r->name : NULL;
}

void hs_analysis_rename(struct hs_analysis *a, const struct hs_interfaces *given)
{
	if (a->borrowed & IX_BIT(IX_CLASS_OF)) {
		a->classes.class_of = NULL;
		a->borrowed &= ~IX_BIT(IX_CLASS_OF);
	}
	hs_classes_release(&a->classes);
	hs_classes_name(&a->classes, a->s, a->dom_state, given);
	hs_classes_aggregate(&a->classes, a->s, &a->self_size, &a->dom, a->distance);
}

/* ---- full verification --------------------------------------------------------- */

/* 1 when row r's array (or blob) of the index equals fresh's and fa's. */
static int same_section(const struct ix_row *r, const struct hs_index *ix, const struct hs_snapshot *fresh,
			const struct hs_analysis *fa, struct blob *b)
{
	const void *want = ix_array(r, fresh, fa);
	uint64_t count;

	if (r->where == IXW_BLOB) {
		b->len = 0;
		r->encode(b, fresh, fa);
		want = b->p;
		count = b->len;
	} else if (!want && (r->flags & IXF_OPTIONAL)) {
		return !ix->sec[r->id];
	} else {
		count = ix_count_of_model(r, fresh, fa, b);
	}
	return ix->sec[r->id] && ix->cnt[r->id] == count &&
	       (!count || !memcmp(ix->sec[r->id], want, (size_t)(count * r->elem)));
}

int hs_index_compare(const struct hs_snapshot *s, const struct hs_snapshot *fresh,
		     const struct hs_analysis *fa, struct hs_error *err)
{
	const struct hs_index *ix = s->index;
	struct blob b = { 0 };
	uint32_t i, same = 1;

	if (!ix)
		return hs_error_set(err, HS_ERR_USAGE, "not loaded from an index"), 0;
	if (!fa->distance || !fa->parent_edge || !fa->dom.dom_first)
		return hs_error_set(err, HS_ERR_USAGE, "the analysis lacks distances or parent edges"), 0;
	if (s->index->lazy) { /* every section, as decoded */
		int rc;
		pthread_mutex_lock(&s->index->lock);
		rc = ix_decode_pending(s->index, ~(uint64_t)0, err);
		pthread_mutex_unlock(&s->index->lock);
		if (rc < 0)
			return 0;
	}
	/* in file order, every array as decoded against the fresh one */
	for (i = 0; same && i < ix_nrows; i++)
		if (!same_section(&ix_rows[i], ix, fresh, fa, &b)) {
			hs_error_set(err, HS_ERR_FORMAT, "section %u differs", ix_rows[i].id);
			same = 0;
		}
	free(b.p);
	return (int)same;
}
