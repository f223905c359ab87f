/* Interface definitions of plain objects, after DevTools' HeapSnapshot.ts
 * (inferInterfaceDefinitions, applyInterfaceDefinitions) and
 * JSHeapSnapshotNode's property-name formatting: the candidate names
 * `{a, b}` counted over the plain `Object`s (uthash), the definitions kept,
 * and the property trie that matches an object to its best definition. */
#include <stdlib.h>
#include <string.h>
#include <uthash.h>
#include "hsnap/interfaces.h"
#include "alloc.h"
#include "sort.h"
#include "strbuf.h"

#define NONE HS_IFACE_NONE
#define MIN_OBJECT_COUNT_PER_INTERFACE 2
#define MIN_OBJECT_PROPORTION_PER_INTERFACE 1000
#define MAX_INTERFACE_NAME_LENGTH 120

size_t hs_utf16_len(const char *s, size_t len)
{
	size_t i, n = 0;
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];
		if ((c & 0xc0) != 0x80)
			n += c >= 0xf0 ? 2 : 1;
	}
	return n;
}

/* JSHeapSnapshotNode.formatPropertyName: names with , ' " { } are shown as
 * JSON string literals (JSON.stringify escaping). */
static void format_property(struct hs_strbuf *b, const char *name, size_t len)
{
	static const char hex[] = "0123456789abcdef";
	size_t i;

	if (!memchr(name, ',', len) && !memchr(name, '\'', len) && !memchr(name, '"', len) &&
	    !memchr(name, '{', len) && !memchr(name, '}', len)) {
		hs_strbuf_add(b, name, len);
		return;
	}
	hs_strbuf_add(b, "\"", 1);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)name[i];
		char esc[7] = { '\\', 0, 0, 0, 0, 0, 0 };
		if (c == '"' || c == '\\') {
			esc[1] = (char)c;
			hs_strbuf_add(b, esc, 2);
		} else if (c < 0x20) {
			const char *short_esc = c == '\b' ? "b" : c == '\f' ? "f" : c == '\n' ? "n"
				: c == '\r' ? "r" : c == '\t' ? "t" : NULL;
			if (short_esc) {
				esc[1] = short_esc[0];
				hs_strbuf_add(b, esc, 2);
			} else {
				esc[1] = 'u'; esc[2] = '0'; esc[3] = '0';
				esc[4] = hex[c >> 4]; esc[5] = hex[c & 15];
				hs_strbuf_add(b, esc, 6);
			}
		} else if (c == 0xed && i + 2 < len && ((unsigned char)name[i + 1] & 0xe0) == 0xa0) {
			/* a lone surrogate (WTF-8): JSON.stringify writes \udxxx */
			unsigned cp = 0xd000 | (((unsigned char)name[i + 1] & 0x3f) << 6) |
				      ((unsigned char)name[i + 2] & 0x3f);
			esc[1] = 'u';
			esc[2] = hex[(cp >> 12) & 15]; esc[3] = hex[(cp >> 8) & 15];
			esc[4] = hex[(cp >> 4) & 15]; esc[5] = hex[cp & 15];
			hs_strbuf_add(b, esc, 6);
			i += 2;
		} else {
			hs_strbuf_add(b, name + i, 1);
		}
	}
	hs_strbuf_add(b, "\"", 1);
}

struct candidate {
	char *name;
	uint64_t count, seq;
	uint32_t first_node;     /* the object whose edges define the properties */
	UT_hash_handle hh;
};

int hs_is_plain_object(const struct hs_snapshot *s, uint32_t n, uint32_t object_str)
{
	return s->node_type[n] == s->t.object && s->node_name[n] == object_str;
}

static int is_proto(const struct hs_snapshot *s, uint32_t e)
{
	return !strcmp(hs_str(&s->strings, s->edge_name[e]), "__proto__");
}

/* Builds the candidate name of object n into b; returns the number of
 * properties and, in *last_edge, the edge after the last one used. */
static uint32_t interface_name(const struct hs_snapshot *s, uint32_t n, struct hs_strbuf *b,
			       struct hs_strbuf *tmp, uint32_t *last_edge)
{
	uint32_t e, props = 0;
	size_t len16 = 1;

	hs_strbuf_reset(b);
	hs_strbuf_add(b, "{", 1);
	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
		size_t f16;
		if (s->edge_type[e] != s->t.e_property || is_proto(s, e))
			continue;
		hs_strbuf_reset(tmp);
		format_property(tmp, hs_str(&s->strings, s->edge_name[e]), hs_strlen(&s->strings, s->edge_name[e]));
		f16 = hs_utf16_len(tmp->buf, tmp->len);
		if (len16 > 1 && len16 + f16 > MAX_INTERFACE_NAME_LENGTH)
			break;
		if (len16 != 1) {
			hs_strbuf_add(b, ", ", 2);
			len16 += 2;
		}
		hs_strbuf_add(b, tmp->buf, tmp->len);
		len16 += f16;
		props++;
	}
	*last_edge = e;
	hs_strbuf_add(b, "}", 1);
	return props;
}

/* JSHeapSnapshotNode.#plainObjectName: `{first, second, …, last}`, taking
 * property names alternately from the start and the end of the edge list
 * while the name stays within 100 UTF-16 units (at least one property). */
size_t hs_plain_object_name(const struct hs_snapshot *s, uint32_t n, char *out, size_t cap)
{
	struct hs_strbuf start = HS_STRBUF_INIT, end = HS_STRBUF_INIT, f = HS_STRBUF_INIT, tmp = HS_STRBUF_INIT;
	uint32_t lo = hs_edge_begin(s, n), hi = hs_edge_end(s, n), e;
	int from_end = 0, first_end = 1;
	size_t s16 = 1, e16 = 1, len;

	hs_strbuf_add(&start, "{", 1);
	hs_strbuf_add(&end, "}", 1);
	while (lo < hi) {
		size_t f16;
		e = from_end ? hi - 1 : lo;
		if (s->edge_type[e] != s->t.e_property || is_proto(s, e)) {
			if (from_end) hi--; else lo++;
			continue;
		}
		hs_strbuf_reset(&f);
		format_property(&f, hs_str(&s->strings, s->edge_name[e]), hs_strlen(&s->strings, s->edge_name[e]));
		f16 = hs_utf16_len(f.buf, f.len);
		if (s16 > 1 && s16 + e16 + f16 > 100)
			break;
		if (from_end) {
			hi--;
			hs_strbuf_reset(&tmp);
			hs_strbuf_add(&tmp, f.buf, f.len);
			if (!first_end)
				hs_strbuf_add(&tmp, ", ", 2);
			hs_strbuf_add(&tmp, end.buf, end.len);
			hs_strbuf_reset(&end);
			hs_strbuf_add(&end, tmp.buf, tmp.len);
			e16 += f16 + (first_end ? 0 : 2);
			first_end = 0;
		} else {
			lo++;
			if (s16 > 1) {
				hs_strbuf_add(&start, ", ", 2);
				s16 += 2;
			}
			hs_strbuf_add(&start, f.buf, f.len);
			s16 += f16;
		}
		from_end = !from_end;
	}
	if (lo < hi)
		hs_strbuf_add(&start, ", \xe2\x80\xa6", 5);
	if (!first_end)
		hs_strbuf_add(&start, ", ", 2);
	hs_strbuf_add(&start, end.buf, end.len);
	len = start.len;
	if (cap) {
		size_t c = len < cap - 1 ? len : cap - 1;
		memcpy(out, start.buf, c);
		out[c] = '\0';
	}
	hs_strbuf_release(&start);
	hs_strbuf_release(&end);
	hs_strbuf_release(&f);
	hs_strbuf_release(&tmp);
	return len;
}

static int cand_cmp(const void *x, const void *y)
{
	const struct candidate *a = *(struct candidate *const *)x, *b = *(struct candidate *const *)y;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->seq < b->seq ? -1 : a->seq > b->seq;
}

/* Definitions: the candidates seen on >= max(2, plain/1000) objects, most
 * common first (ties: first seen). */
static struct candidate **infer(const struct hs_snapshot *s, uint32_t object_str,
				uint32_t *ndefs, struct candidate **all)
{
	struct candidate *map = NULL, *c, **sorted;
	struct hs_strbuf b = HS_STRBUF_INIT, tmp = HS_STRBUF_INIT;
	uint64_t total = 0, seq = 0;
	uint32_t n, last, i, count;
	double min;

	for (n = 0; n < s->node_count; n++) {
		if (!hs_is_plain_object(s, n, object_str))
			continue;
		total++;
		if (!interface_name(s, n, &b, &tmp, &last))
			continue;
		HASH_FIND(hh, map, b.buf, b.len, c);
		if (c) {
			c->count++;
			continue;
		}
		c = hs_xcalloc(1, sizeof(*c));
		c->name = hs_xmalloc(b.len + 1);
		memcpy(c->name, b.buf, b.len + 1);
		c->count = 1;
		c->seq = seq++;
		c->first_node = n;
		HASH_ADD_KEYPTR(hh, map, c->name, b.len, c);
	}
	hs_strbuf_release(&b);
	hs_strbuf_release(&tmp);
	count = HASH_COUNT(map);
	HS_ALLOC_ARRAY(sorted, count ? count : 1);
	i = 0;
	for (c = map; c; c = c->hh.next)
		sorted[i++] = c;
	hs_sort(sorted, count, sizeof(*sorted), cand_cmp);
	min = (double)total / MIN_OBJECT_PROPORTION_PER_INTERFACE;
	if (min < MIN_OBJECT_COUNT_PER_INTERFACE)
		min = MIN_OBJECT_COUNT_PER_INTERFACE;
	for (i = 0; i < count && (double)sorted[i]->count >= min; i++)
		;
	*ndefs = i;
	*all = map;
	return sorted;
}

/* The property trie of applyInterfaceDefinitions, over property ranks. */
struct vocab { char *key; uint32_t rank; UT_hash_handle hh; };
struct tedge { uint64_t key; uint32_t child; UT_hash_handle hh; };
struct tnode { uint32_t greatest; uint32_t def; uint32_t nprops; };

struct trie {
	struct vocab *vocab;
	struct tedge *edges;
	struct tnode *nodes;
	uint32_t count, alloc;
	int32_t *rank_of_str;    /* [strings] -2 unknown, -1 absent, else rank */
};

static uint32_t trie_child(const struct trie *t, uint32_t node, uint32_t rank)
{
	uint64_t key = ((uint64_t)node << 32) | rank;
	struct tedge *e;
	HASH_FIND(hh, t->edges, &key, sizeof(key), e);
	return e ? e->child : NONE;
}

static uint32_t trie_add_node(struct trie *t)
{
	HS_GROW(t->nodes, t->count, t->alloc);
	t->nodes[t->count].greatest = NONE;
	t->nodes[t->count].def = NONE;
	t->nodes[t->count].nprops = 0;
	return t->count++;
}

/* Definition list from the selected candidates: each definition's
 * properties are the ones its first object contributed to the name. */
static void candidates_to_interfaces(struct hs_interfaces *out, const struct hs_snapshot *s,
				     struct candidate **defs, uint32_t ndefs)
{
	struct hs_strbuf b = HS_STRBUF_INIT, tmp = HS_STRBUF_INIT;
	uint32_t d, last, e;

	out->count = ndefs;
	HS_CALLOC_ARRAY(out->v, ndefs ? ndefs : 1);
	for (d = 0; d < ndefs; d++) {
		struct hs_interface *it = &out->v[d];
		size_t alloc = 0;
		it->name = hs_xmalloc(strlen(defs[d]->name) + 1);
		strcpy(it->name, defs[d]->name);
		interface_name(s, defs[d]->first_node, &b, &tmp, &last);
		for (e = hs_edge_begin(s, defs[d]->first_node); e < last; e++) {
			const char *nm;
			if (s->edge_type[e] != s->t.e_property || is_proto(s, e))
				continue;
			nm = hs_str(&s->strings, s->edge_name[e]);
			HS_GROW(it->props, it->nprops, alloc);
			it->props[it->nprops] = hs_xmalloc(strlen(nm) + 1);
			strcpy(it->props[it->nprops++], nm);
		}
	}
	hs_strbuf_release(&b);
	hs_strbuf_release(&tmp);
}

void hs_interfaces_release(struct hs_interfaces *ifs)
{
	uint32_t d, k;
	for (d = 0; d < ifs->count; d++) {
		for (k = 0; k < ifs->v[d].nprops; k++)
			free(ifs->v[d].props[k]);
		free(ifs->v[d].props);
		free(ifs->v[d].name);
	}
	free(ifs->v);
	memset(ifs, 0, sizeof(*ifs));
}

void hs_interfaces_copy(struct hs_interfaces *dst, const struct hs_interfaces *src)
{
	uint32_t d, k;
	dst->count = src->count;
	HS_CALLOC_ARRAY(dst->v, src->count ? src->count : 1);
	for (d = 0; d < src->count; d++) {
		const struct hs_interface *f = &src->v[d];
		struct hs_interface *t = &dst->v[d];
		t->name = hs_xmalloc(strlen(f->name) + 1);
		strcpy(t->name, f->name);
		t->nprops = f->nprops;
		HS_ALLOC_ARRAY(t->props, f->nprops ? f->nprops : 1);
		for (k = 0; k < f->nprops; k++) {
			t->props[k] = hs_xmalloc(strlen(f->props[k]) + 1);
			strcpy(t->props[k], f->props[k]);
		}
	}
}

static void trie_build(struct trie *t, const struct hs_snapshot *s, const struct hs_interfaces *ifs)
{
	const char **all = NULL;
	size_t aalloc = 0, nall = 0, i;
	uint32_t d, k, np, *ranks = NULL;

	memset(t, 0, sizeof(*t));
	trie_add_node(t);
	for (d = 0; d < ifs->count; d++)
		for (k = 0; k < ifs->v[d].nprops; k++) {
			HS_GROW(all, nall, aalloc);
			all[nall++] = ifs->v[d].props[k];
		}
	hs_sort(all, nall, sizeof(*all), hs_cmp_str);
	for (i = 0; i < nall; i++) {
		struct vocab *v;
		size_t l = strlen(all[i]);
		HASH_FIND(hh, t->vocab, all[i], l, v);
		if (v)
			continue;
		v = hs_xmalloc(sizeof(*v));
		v->key = (char *)all[i];
		v->rank = HASH_COUNT(t->vocab);
		HASH_ADD_KEYPTR(hh, t->vocab, v->key, l, v);
	}
	free(all);
	for (d = 0; d < ifs->count; d++) {
		uint32_t node = 0;
		np = ifs->v[d].nprops;
		HS_REALLOC_ARRAY(ranks, np ? np : 1);
		for (k = 0; k < np; k++) {
			struct vocab *v;
			HASH_FIND(hh, t->vocab, ifs->v[d].props[k], strlen(ifs->v[d].props[k]), v);
			ranks[k] = v->rank;
		}
		hs_sort(ranks, np, sizeof(*ranks), hs_cmp_u32);
		for (k = 0; k < np; k++) {
			uint32_t child = trie_child(t, node, ranks[k]);
			if (child == NONE) {
				struct tedge *e = hs_xmalloc(sizeof(*e));
				child = trie_add_node(t);
				e->key = ((uint64_t)node << 32) | ranks[k];
				e->child = child;
				HASH_ADD(hh, t->edges, key, sizeof(e->key), e);
				if (t->nodes[node].greatest == NONE || t->nodes[node].greatest < ranks[k])
					t->nodes[node].greatest = ranks[k];
			}
			node = child;
		}
		if (t->nodes[node].def == NONE) {
			t->nodes[node].def = d;
			t->nodes[node].nprops = np;
		}
	}
	free(ranks);
	HS_ALLOC_ARRAY(t->rank_of_str, s->strings.count ? s->strings.count : 1);
	for (i = 0; i < s->strings.count; i++)
		t->rank_of_str[i] = -2;
}

static void trie_release(struct trie *t)
{
	struct vocab *v, *vt;
	struct tedge *e, *et;
	HASH_ITER(hh, t->vocab, v, vt) { HASH_DEL(t->vocab, v); free(v); }
	HASH_ITER(hh, t->edges, e, et) { HASH_DEL(t->edges, e); free(e); }
	free(t->nodes);
	free(t->rank_of_str);
}

static int32_t prop_rank(struct trie *t, const struct hs_snapshot *s, uint32_t str)
{
	if (t->rank_of_str[str] == -2) {
		struct vocab *v;
		HASH_FIND(hh, t->vocab, hs_str(&s->strings, str), hs_strlen(&s->strings, str), v);
		t->rank_of_str[str] = v ? (int32_t)v->rank : -1;
	}
	return t->rank_of_str[str];
}

/* Work memory of match_object: the object's property ranks, and DevTools'
 * `states` Set as an insertion-ordered list of trie nodes; `in[x]` says x is
 * in the set and `pos[x]` where its live entry is (a node deleted and added
 * again in one step leaves a dead entry behind, dropped at the next step). */
struct match_work {
	uint32_t *props, *list, *pos;
	uint8_t *in;
	size_t palloc, lalloc;
};

/* applyInterfaceDefinitions for one object: its property names sorted, every
 * occurrence counted (two `<symbol>` edges can reach a `{<symbol>, <symbol>}`
 * definition); a step deletes the states present at its start that cannot go
 * past the property (greatestNext), then follows the property from each of
 * them, and the states it adds are only examined from the next step on.  The
 * best definition reached wins: most properties, then the earliest; NONE if
 * none (not even an empty definition at the root).  Names outside every
 * definition are skipped: at such a name a state is deleted only if no later
 * name can move it (they all sort after), so it changes nothing. */
static uint32_t match_object(struct trie *t, const struct hs_snapshot *s, uint32_t n,
			     struct match_work *w)
{
	uint32_t e, np = 0, len = 1, k, i, best = t->nodes[0].def, best_np = 0;

	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
		int32_t r;
		if (s->edge_type[e] != s->t.e_property)
			continue;
		if ((r = prop_rank(t, s, s->edge_name[e])) < 0)
			continue;
		HS_GROW(w->props, np, w->palloc);
		w->props[np++] = (uint32_t)r;
	}
	hs_sort(w->props, np, sizeof(*w->props), hs_cmp_u32);
	HS_GROW(w->list, 0, w->lalloc);
	w->list[0] = 0;
	w->in[0] = 1;
	w->pos[0] = 0;
	for (k = 0; k < np && len; k++) {
		uint32_t p = w->props[k], cur = 0;
		/* the live entries, in insertion order: what DevTools iterates */
		for (i = 0; i < len; i++) {
			uint32_t x = w->list[i];
			if (w->in[x] && w->pos[x] == i) {
				w->pos[x] = cur;
				w->list[cur++] = x;
			}
		}
		len = cur;
		for (i = 0; i < cur; i++) {
			uint32_t x = w->list[i], g = t->nodes[x].greatest, child;
			if (g == NONE || p >= g)
				w->in[x] = 0;
			if ((child = trie_child(t, x, p)) == NONE)
				continue;
			if (!w->in[child]) {
				HS_GROW(w->list, len, w->lalloc);
				w->in[child] = 1;
				w->pos[child] = len;
				w->list[len++] = child;
			}
			if (t->nodes[child].def != NONE) {
				const struct tnode *c = &t->nodes[child];
				if (best == NONE || c->nprops > best_np ||
				    (c->nprops == best_np && c->def < best)) {
					best = c->def;
					best_np = c->nprops;
				}
			}
		}
	}
	for (i = 0; i < len; i++)
		w->in[w->list[i]] = 0;
	return best;
}

/* The trie of the definitions and match_object's work memory. */
struct hs_iface_matcher {
	const struct hs_snapshot *s;
	struct trie t;
	struct match_work w;
};

struct hs_iface_matcher *hs_iface_matcher_new(const struct hs_snapshot *s, const struct hs_interfaces *ifs)
{
	struct hs_iface_matcher *m = hs_xcalloc(1, sizeof(*m));

	m->s = s;
	trie_build(&m->t, s, ifs);
	HS_CALLOC_ARRAY(m->w.in, m->t.count);
	HS_ALLOC_ARRAY(m->w.pos, m->t.count);
	return m;
}

uint32_t hs_iface_match(struct hs_iface_matcher *m, uint32_t n)
{
	return match_object(&m->t, m->s, n, &m->w);
}

void hs_iface_matcher_free(struct hs_iface_matcher *m)
{
	free(m->w.props);
	free(m->w.list);
	free(m->w.pos);
	free(m->w.in);
	trie_release(&m->t);
	free(m);
}

void hs_interfaces_infer(struct hs_interfaces *out, const struct hs_snapshot *s, uint32_t object_str)
{
	struct candidate *map, **defs, *c, *ct;
	uint32_t ndefs;

	defs = infer(s, object_str, &ndefs, &map);
	candidates_to_interfaces(out, s, defs, ndefs);
	free(defs);
	HASH_ITER(hh, map, c, ct) {
		HASH_DEL(map, c);
		free(c->name);
		free(c);
	}
}
