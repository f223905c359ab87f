/* Class names and per-class aggregates, after DevTools' HeapSnapshot.ts
 * (calculateObjectNames, applyInterfaceDefinitions' renaming,
 * buildAggregates, calculateClassesRetainedSize).  Class ids index a string
 * table of names.  The DOM state is dom_state.c's, the interface
 * definitions interfaces.c's. */
#include <stdlib.h>
#include <string.h>
#include "hsnap/classes.h"
#include "alloc.h"
#include "strbuf.h"

#define NONE 0xffffffffu

/* ---- class name table -------------------------------------------------- */

struct namer {
	const struct hs_snapshot *s;
	struct hs_classes *c;
	struct hs_strset set;    /* the class names added so far */
	uint32_t *by_string;     /* [strings] class id of a plain name, NONE */
	uint32_t by_type[256];
	struct hs_strbuf buf;    /* scratch() */
};

static uint32_t intern(struct namer *nm, const char *name, size_t len)
{
	return hs_strtab_intern(&nm->c->names, &nm->set, name, len);
}

/* Room for len bytes and a NUL; the bytes already there are kept (a name
 * built here is passed to named_class, which builds its class here too). */
static char *scratch(struct namer *nm, size_t len)
{
	hs_strbuf_grow(&nm->buf, len);
	return nm->buf.buf;
}

/* object/native class: `<tag attr>` -> `<tag>`, `Detached <tag a>` -> `Detached <tag>`. */
static uint32_t named_class(struct namer *nm, const char *name, size_t len)
{
	const char *sp;

	if (len && name[0] == '<' && (sp = memchr(name, ' ', len)) != NULL) {
		size_t l = (size_t)(sp - name);
		char *b = scratch(nm, l + 1);
		memcpy(b, name, l);
		b[l] = '>';
		return intern(nm, b, l + 1);
	}
	if (len > 10 && !memcmp(name, "Detached <", 10) &&
	    (sp = memchr(name + 10, ' ', len - 10)) != NULL) {
		size_t l = (size_t)(sp - name);
		char *b = scratch(nm, l + 1);
		memcpy(b, name, l);
		b[l] = '>';
		return intern(nm, b, l + 1);
	}
	return intern(nm, name, len);
}

static uint32_t node_class(struct namer *nm, uint32_t n, const uint8_t *dom_state)
{
	const struct hs_snapshot *s = nm->s;
	uint8_t t = s->node_type[n];
	uint32_t str = s->node_name[n];

	if (t == s->t.object || t == s->t.native) {
		if (t == s->t.native && dom_state && dom_state[n] == 2) {
			size_t l = hs_strlen(&s->strings, str);
			char *b = scratch(nm, l + 9);
			memcpy(b, "Detached ", 9);
			memcpy(b + 9, hs_str(&s->strings, str), l);
			return named_class(nm, b, l + 9);
		}
		if (nm->by_string[str] == NONE)
			nm->by_string[str] = named_class(nm, hs_str(&s->strings, str), hs_strlen(&s->strings, str));
		return nm->by_string[str];
	}
	if (nm->by_type[t] == NONE) {
		const char *fixed = t == s->t.hidden ? "(system)" : t == s->t.code ? "(compiled code)"
			: t == s->t.closure ? "Function" : t == s->t.regexp ? "RegExp" : NULL;
		if (fixed) {
			nm->by_type[t] = intern(nm, fixed, strlen(fixed));
		} else {
			const char *tn = hs_type_name(s, t);
			size_t l = strlen(tn);
			char *b = scratch(nm, l + 2);
			b[0] = '(';
			memcpy(b + 1, tn, l);
			b[l + 1] = ')';
			nm->by_type[t] = intern(nm, b, l + 2);
		}
	}
	return nm->by_type[t];
}

/* Infers DevTools' interface definitions (or takes the given ones, as the
 * Comparison view applies the newer snapshot's definitions to the base) and
 * renames the plain objects that match one. */
static void apply_interfaces(struct namer *nm, uint32_t object_str, const struct hs_interfaces *given)
{
	const struct hs_snapshot *s = nm->s;
	struct hs_interfaces *ifs = &nm->c->interfaces;
	struct hs_iface_matcher *m;
	uint32_t n, d, *def_class;

	if (given)
		hs_interfaces_copy(ifs, given);
	else
		hs_interfaces_infer(ifs, s, object_str);
	nm->c->n_interfaces = ifs->count;
	if (!ifs->count)
		return;
	m = hs_iface_matcher_new(s, ifs);
	HS_ALLOC_ARRAY(def_class, ifs->count);
	for (d = 0; d < ifs->count; d++)
		def_class[d] = NONE;
	for (n = 0; n < s->node_count; n++) {
		uint32_t k;
		if (!hs_is_plain_object(s, n, object_str))
			continue;
		k = hs_iface_match(m, n);
		if (k == NONE)
			continue;
		if (def_class[k] == NONE)
			def_class[k] = intern(nm, ifs->v[k].name, strlen(ifs->v[k].name));
		nm->c->class_of[n] = def_class[k];
	}
	free(def_class);
	hs_iface_matcher_free(m);
}

void hs_classes_name(struct hs_classes *c, const struct hs_snapshot *s, const uint8_t *dom_state,
		     const struct hs_interfaces *given)
{
	struct namer nm;
	uint32_t n, object_str, i;

	memset(c, 0, sizeof(*c));
	memset(&nm, 0, sizeof(nm));
	nm.s = s;
	nm.c = c;
	hs_strtab_init(&c->names);
	HS_ALLOC_ARRAY(nm.by_string, s->strings.count ? s->strings.count : 1);
	for (i = 0; i < s->strings.count; i++)
		nm.by_string[i] = NONE;
	for (i = 0; i < 256; i++)
		nm.by_type[i] = NONE;
	HS_ALLOC_ARRAY(c->class_of, s->node_count);
	for (n = 0; n < s->node_count; n++)
		c->class_of[n] = node_class(&nm, n, dom_state);
	/* V8 interns strings, so "Object" appears once (NONE when absent) */
	object_str = hs_strtab_find(&s->strings, "Object");
	if (object_str != NONE && s->t.object != HS_NO_TYPE && s->t.e_property != HS_NO_TYPE)
		apply_interfaces(&nm, object_str, given);
	hs_strset_release(&nm.set);
	free(nm.by_string);
	hs_strbuf_release(&nm.buf);
}

/* ---- aggregates --------------------------------------------------------- */

/* calculateClassesRetainedSize: DFS over the dominator tree; an object adds
 * its retained size to its row unless an ancestor of the same row did (a
 * node the bit set leaves out adds nothing and hides nothing). */
static void rows_retained(struct hs_class *cls, const struct hs_snapshot *s, const struct hs_sizes *self,
			  const struct hs_dominators *d, const uint32_t *row_of, uint32_t nrows,
			  const uint64_t *bits)
{
	uint32_t n = s->node_count, *list, *sizes, *keys, nl = 0, ns = 0;
	uint64_t pushed = 1;
	uint8_t *seen;

	HS_ALLOC_ARRAY(list, (size_t)n + 1);
	HS_ALLOC_ARRAY(sizes, (size_t)n + 2);
	HS_ALLOC_ARRAY(keys, (size_t)n + 1);
	HS_CALLOC_ARRAY(seen, nrows ? nrows : 1);
	list[nl++] = s->root;
	sizes[ns++] = NONE;
	while (nl) {
		uint32_t x = list[--nl], key = row_of[x], k;
		uint32_t from = d->dom_first[x], to = d->dom_first[x + 1];
		if (!seen[key] && (!bits || hs_bit_get(bits, x)) && hs_size_at(self, x)) {
			cls[key].retained_size += d->retained[x];
			if (from != to) {
				seen[key] = 1;
				sizes[ns] = nl;
				keys[ns++] = key;
			}
		}
		/* a tree pushes every node once; more means a cycle (an index
		 * crafted with valid checksums): stop rather than overflow */
		if (to < from || pushed + (to - from) > n)
			break;
		pushed += to - from;
		for (k = from; k < to; k++)
			list[nl++] = d->dom_children[k];
		while (ns > 1 && sizes[ns - 1] == nl)
			seen[keys[--ns]] = 0;
	}
	free(list);
	free(sizes);
	free(keys);
	free(seen);
}

struct hs_class *hs_class_rows(const struct hs_snapshot *s, const struct hs_sizes *self,
			       const struct hs_dominators *d, const int32_t *distance,
			       const uint32_t *row_of, uint32_t nrows, const uint64_t *bits)
{
	struct hs_class *cls;
	uint32_t n, k;

	HS_CALLOC_ARRAY(cls, nrows ? nrows : 1);
	for (k = 0; k < nrows; k++)
		cls[k].distance = INT32_MAX;
	for (n = 0; n < s->node_count; n++) {
		struct hs_class *cl;
		if ((bits && !hs_bit_get(bits, n)) || !hs_size_at(self, n))
			continue;
		cl = &cls[row_of[n]];
		cl->count++;
		cl->self_size += hs_size_at(self, n);
		if (distance && distance[n] < cl->distance)
			cl->distance = distance[n];
	}
	rows_retained(cls, s, self, d, row_of, nrows, bits);
	return cls;
}

void hs_classes_aggregate(struct hs_classes *c, const struct hs_snapshot *s,
			  const struct hs_sizes *self, const struct hs_dominators *d,
			  const int32_t *distance)
{
	c->cls = hs_class_rows(s, self, d, distance, c->class_of, c->names.count, NULL);
}

void hs_classes_release(struct hs_classes *c)
{
	hs_strtab_release(&c->names);
	hs_interfaces_release(&c->interfaces);
	free(c->cls);
	hs_free(c->class_of);
	memset(c, 0, sizeof(*c));
}
