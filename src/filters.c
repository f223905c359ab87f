/* DevTools' named filters (createNamedFilter, 2026 heap snapshot worker) and
 * class rows over the nodes a filter keeps. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/filters.h"
#include "hsnap/contexts.h"
#include "hsnap/realms.h"
#include "alloc.h"
#include "json.h"
#include "sort.h"
#include "strbuf.h"

const char *const hs_filter_names[HS_FILTER_COUNT + 1] = {
	"objectsRetainedByDetachedDomNodes", "objectsRetainedByConsole",
	"objectsRetainedByEventHandlers", "objectsRetainedByContexts", "duplicatedStrings",
	"sharedNativeContext", "noNativeContext", "nativeContext_<id>", ""
};

int hs_filter_parse(const char *name, struct hs_filter *f, struct hs_error *err)
{
	int k;

	memset(f, 0, sizeof(*f));
	for (k = 0; k < HS_FILTER_NATIVE_CONTEXT; k++)
		if (!strcmp(name, hs_filter_names[k])) {
			f->kind = (enum hs_filter_kind)k;
			return 0;
		}
	if (!strncmp(name, "nativeContext_", 14) && name[14]) {
		char *end;
		unsigned long long v = strtoull(name + 14, &end, 10);
		if (!*end && name[14] != '-' && v <= UINT32_MAX) {
			f->kind = HS_FILTER_NATIVE_CONTEXT;
			f->context_id = (uint32_t)v;
			return 0;
		}
	}
	return hs_error_set(err, HS_ERR_USAGE, "unknown filter '%s'", name);
}

/* ---- edge names as DevTools' edge.name() ------------------------------- */

/* parseInt(text, 10) succeeded (DevTools: a shortcut edge named so has no
 * string name); *v its value. */
static int js_parse_int(const char *p, long long *v)
{
	int64_t x;
	int any = hs_js_parse_int(p, &x) != 0;

	*v = x;
	return any;
}

/* edge.name() === lit */
static int edge_named(const struct hs_snapshot *s, uint32_t e, const char *lit)
{
	char buf[32];
	long long v;
	if (!hs_edge_has_string_name(s, e)) {
		snprintf(buf, sizeof(buf), "%u", s->edge_name[e]);
		return !strcmp(buf, lit);
	}
	if (s->edge_type[e] == s->t.e_shortcut && js_parse_int(hs_str(&s->strings, s->edge_name[e]), &v)) {
		snprintf(buf, sizeof(buf), "%lld", v);
		return !strcmp(buf, lit);
	}
	return !strcmp(hs_str(&s->strings, s->edge_name[e]), lit);
}

/* getEdgeTarget(node, name): the first edge of any type with that name. */
static uint32_t edge_target(const struct hs_snapshot *s, uint32_t n, const char *name)
{
	uint32_t e;
	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
		if (edge_named(s, e, name))
			return s->edge_to[e];
	return UINT32_MAX;
}

/* findInternalEdgeTarget */
static uint32_t internal_target(const struct hs_snapshot *s, uint32_t n, const char *name)
{
	uint32_t e;
	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++)
		if (s->edge_type[e] == s->t.e_internal && !strcmp(hs_str(&s->strings, s->edge_name[e]), name))
			return s->edge_to[e];
	return UINT32_MAX;
}

static int raw_is(const struct hs_analysis *a, uint32_t n, const char *lit)
{
	int det;
	const char *name = hs_raw_name(a, n, &det);
	return !det && !strcmp(name, lit);
}

static int is_context(const struct hs_analysis *a, uint32_t n)
{
	int det;
	const char *name = hs_raw_name(a, n, &det);
	return !det && (!strcmp(name, "system / Context") || !strncmp(name, "system / Context / ", 19));
}

/* ---- traverse(): what the root reaches over edges the rule allows ------- */

enum rule { R_NOT_CONTEXT, R_NOT_DETACHED, R_NOT_CONSOLE, R_NOT_HANDLER };

static int allowed(const struct hs_analysis *a, enum rule r, uint32_t x, uint32_t e, const uint64_t *handlers)
{
	const struct hs_snapshot *s = a->s;
	uint32_t t = s->edge_to[e];
	switch (r) {
	case R_NOT_CONTEXT:
		return !is_context(a, t);
	case R_NOT_DETACHED:
		return !(a->dom_state && a->dom_state[t] == 2);
	case R_NOT_CONSOLE: {
		static const char suffix[] = " / DevTools console";
		const char *name;
		size_t len;
		long long v;
		if (s->node_type[x] != s->t.synthetic || !hs_edge_has_string_name(s, e))
			return 1;
		name = hs_str(&s->strings, s->edge_name[e]);
		if (s->edge_type[e] == s->t.e_shortcut && js_parse_int(name, &v))
			return 1; /* a numeric shortcut name has no string name */
		len = strlen(name);
		return !(len >= sizeof(suffix) - 1 && !strcmp(name + len - (sizeof(suffix) - 1), suffix));
	}
	case R_NOT_HANDLER:
		return !hs_bit_get(handlers, t);
	}
	return 1;
}

static void traverse(const struct hs_analysis *a, enum rule r, const uint64_t *handlers, uint64_t *keep)
{
	const struct hs_snapshot *s = a->s;
	uint32_t N = s->node_count, *queue, qn = 0, qi = 0, n, e;
	uint64_t *seen = hs_bits_new(N);

	HS_ALLOC_ARRAY(queue, (size_t)N + 1);
	queue[qn++] = s->root;
	hs_bit_set(seen, s->root);
	while (qi < qn) {
		uint32_t x = queue[qi++];
		for (e = hs_edge_begin(s, x); e < hs_edge_end(s, x); e++) {
			uint32_t t = s->edge_to[e];
			if (s->edge_type[e] == s->t.e_weak || hs_bit_get(seen, t))
				continue;
			if (!allowed(a, r, x, e, handlers))
				continue;
			hs_bit_set(seen, t);
			queue[qn++] = t;
		}
	}
	/* markUnreachableNodes, then `!getBit(node)` */
	for (n = 0; n < N; n++)
		if (!hs_bit_get(seen, n) && !(a->distance && a->distance[n] == HS_NO_DISTANCE))
			hs_bit_set(keep, n);
	free(queue);
	free(seen);
}

static void event_handlers(const struct hs_analysis *a, uint64_t *handlers)
{
	const struct hs_snapshot *s = a->s;
	uint32_t n, e;

	for (n = 0; n < s->node_count; n++) {
		uint32_t cb;
		int found = 0;
		if (!raw_is(a, n, "V8EventListener"))
			continue;
		if ((cb = edge_target(s, n, "1")) == UINT32_MAX)
			continue;
		if (edge_target(s, cb, "code") != UINT32_MAX) {
			hs_bit_set(handlers, cb);
			continue;
		}
		for (e = hs_edge_begin(s, cb); e < hs_edge_end(s, cb); e++)
			if (edge_target(s, s->edge_to[e], "code") != UINT32_MAX) {
				hs_bit_set(handlers, s->edge_to[e]);
				found = 1;
				break;
			}
		if (!found)
			hs_bit_set(handlers, cb);
	}
}

/* ---- duplicatedStrings --------------------------------------------------- */

#define NO_INT INT64_MIN

/* nodeValueAsInt / nodeValueAsBool of the internal edge `name` of n. */
static int64_t value_of(const struct hs_analysis *a, uint32_t n, const char *name, const char *kind)
{
	const struct hs_snapshot *s = a->s;
	uint32_t t = internal_target(s, n, name), v;
	long long x;
	int det;
	const char *text;
	if (t == UINT32_MAX || s->node_type[t] != s->t.number || !raw_is(a, t, kind))
		return NO_INT;
	if ((v = internal_target(s, t, "value")) == UINT32_MAX)
		return NO_INT;
	text = hs_raw_name(a, v, &det);
	if (det)
		return NO_INT;
	if (!strcmp(kind, "bool"))
		return !strcmp(text, "true") ? 1 : !strcmp(text, "false") ? 0 : NO_INT;
	return js_parse_int(text, &x) ? (int64_t)x : NO_INT;
}

/* consStringName: leaves' names in order while the name is shorter than 1024
 * UTF-16 units (a missing first/second is node 0, the root, as in DevTools);
 * appended to t.  Hostile cycles are cut after 2^20 steps. */
static void cons_name(const struct hs_analysis *a, uint32_t n, struct hs_strbuf *t, uint32_t **stack, size_t *alloc)
{
	const struct hs_snapshot *s = a->s;
	size_t sp = 0, start = t->len, units = 0, steps = 0;

	HS_GROW(*stack, sp, *alloc);
	(*stack)[sp++] = n;
	while (sp && units < 1024 && steps++ < (1u << 20)) {
		uint32_t x = (*stack)[--sp], first = 0, second = 0, e;
		if (s->node_type[x] != s->t.cons_string) {
			size_t l = hs_strlen(&s->strings, s->node_name[x]);
			hs_strbuf_add(t, hs_node_name(s, x), l);
			units += hs_utf16_len(hs_node_name(s, x), l);
			continue;
		}
		for (e = hs_edge_begin(s, x); e < hs_edge_end(s, x) && (!first || !second); e++) {
			const char *en;
			if (s->edge_type[e] != s->t.e_internal)
				continue;
			en = hs_str(&s->strings, s->edge_name[e]);
			if (!strcmp(en, "first"))
				first = s->edge_to[e];
			else if (!strcmp(en, "second"))
				second = s->edge_to[e];
		}
		HS_GROW(*stack, sp + 1, *alloc);
		(*stack)[sp++] = second;
		(*stack)[sp++] = first;
	}
	(void)start;
}

/* isFlatConsString: a cons string with an internal first/second whose name() is "". */
static int flat_cons(const struct hs_analysis *a, uint32_t n, struct hs_strbuf *scratch, uint32_t **stack, size_t *alloc)
{
	const struct hs_snapshot *s = a->s;
	uint32_t e;
	if (s->node_type[n] != s->t.cons_string)
		return 0;
	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
		const char *en;
		uint32_t t;
		if (s->edge_type[e] != s->t.e_internal)
			continue;
		en = hs_str(&s->strings, s->edge_name[e]);
		if (strcmp(en, "first") && strcmp(en, "second"))
			continue;
		t = s->edge_to[e];
		if (s->node_type[t] == s->t.cons_string) {
			hs_strbuf_reset(scratch);
			cons_name(a, t, scratch, stack, alloc);
			if (scratch->len == 0)
				return 1;
		} else {
			int det;
			/* name() of other nodes: the raw name (plain `Object`s are
			 * never a string's part) */
			if (!*hs_raw_name(a, t, &det) && !det)
				return 1;
		}
	}
	return 0;
}

struct cand { uint32_t node; int truncated; int64_t length, hash; size_t off; };
static const struct hs_strbuf *g_text;
static int cand_cmp(const void *x, const void *y)
{
	const struct cand *a = x, *b = y;
	int c;
	if (a->truncated != b->truncated) return a->truncated - b->truncated;
	if ((c = strcmp(g_text->buf + a->off, g_text->buf + b->off))) return c;
	if (a->truncated) {
		if (a->length != b->length) return a->length < b->length ? -1 : 1;
		if (a->hash != b->hash) return a->hash < b->hash ? -1 : 1;
	}
	return a->node < b->node ? -1 : a->node > b->node;
}

static void duplicated_strings(const struct hs_analysis *a, uint64_t *keep)
{
	const struct hs_snapshot *s = a->s;
	struct hs_strbuf names = HS_STRBUF_INIT, scratch = HS_STRBUF_INIT;
	struct cand *c = NULL;
	size_t nc = 0, ca = 0, i, j, salloc = 0;
	uint32_t n, *stack = NULL;

	for (n = 0; n < s->node_count; n++) {
		struct cand *x;
		if (s->node_type[n] != s->t.string && s->node_type[n] != s->t.cons_string)
			continue;
		if (flat_cons(a, n, &scratch, &stack, &salloc) || !hs_shallow_size(a, n))
			continue;
		HS_GROW(c, nc, ca);
		x = &c[nc++];
		x->node = n;
		x->off = names.len;
		if (s->node_type[n] == s->t.cons_string)
			cons_name(a, n, &names, &stack, &salloc);
		else
			hs_strbuf_add(&names, hs_node_name(s, n), hs_strlen(&s->strings, s->node_name[n]));
		hs_strbuf_addch(&names, '\0'); /* each name is a C string in the arena */
		x->truncated = value_of(a, n, "truncated", "bool") == 1;
		x->length = x->truncated ? value_of(a, n, "length", "int") : 0;
		x->hash = x->truncated ? value_of(a, n, "hash", "int") : 0;
	}
	g_text = &names;
	hs_sort(c, nc, sizeof(*c), cand_cmp);
	for (i = 0; i < nc; i = j) {
		for (j = i + 1; j < nc && c[j].truncated == c[i].truncated &&
			       !strcmp(names.buf + c[j].off, names.buf + c[i].off) &&
			       (!c[i].truncated || (c[j].length == c[i].length && c[j].hash == c[i].hash)); j++)
			;
		if (j - i > 1)
			for (size_t k = i; k < j; k++)
				hs_bit_set(keep, c[k].node);
	}
	free(c);
	hs_strbuf_release(&names);
	hs_strbuf_release(&scratch);
	free(stack);
}

int hs_filter_nodes(const struct hs_analysis *a, const struct hs_filter *f, uint64_t **bits,
		    struct hs_error *err)
{
	const struct hs_snapshot *s = a->s;
	uint64_t *keep = hs_bits_new(s->node_count), *handlers;
	struct hs_realms r;
	uint32_t n, k;
	int32_t want;

	switch (f->kind) {
	case HS_FILTER_CONTEXTS: traverse(a, R_NOT_CONTEXT, NULL, keep); break;
	case HS_FILTER_DETACHED_DOM: traverse(a, R_NOT_DETACHED, NULL, keep); break;
	case HS_FILTER_CONSOLE: traverse(a, R_NOT_CONSOLE, NULL, keep); break;
	case HS_FILTER_EVENT_HANDLERS:
		handlers = hs_bits_new(s->node_count);
		event_handlers(a, handlers);
		traverse(a, R_NOT_HANDLER, handlers, keep);
		free(handlers);
		break;
	case HS_FILTER_DUPLICATED_STRINGS: duplicated_strings(a, keep); break;
	case HS_FILTER_SHARED_CONTEXT:
	case HS_FILTER_NO_CONTEXT:
	case HS_FILTER_NATIVE_CONTEXT:
		hs_realms_compute(&r, a);
		want = f->kind == HS_FILTER_SHARED_CONTEXT ? HS_REALM_SHARED : HS_REALM_NONE;
		if (f->kind == HS_FILTER_NATIVE_CONTEXT) {
			for (k = 0; k < r.count && hs_node_id(s, r.v[k].node) != f->context_id; k++)
				;
			if (k == r.count) {
				hs_realms_release(&r);
				free(keep);
				return hs_error_set(err, HS_ERR_USAGE, "nativeContext_%u: no native context has id %u "
						    "(see hsnap realms)", f->context_id, f->context_id);
			}
			want = (int32_t)k;
		}
		for (n = 0; n < s->node_count; n++)
			if (r.owner[n] == want)
				hs_bit_set(keep, n);
		hs_realms_release(&r);
		break;
	default:
		free(keep);
		return hs_error_set(err, HS_ERR_USAGE, "bad filter");
	}
	*bits = keep;
	return 0;
}

/* Rows keyed by row_of[] (nrows of them) over the nodes bits keeps (NULL: all). */
static struct hs_class *aggregate_rows(const struct hs_analysis *a, const uint64_t *bits,
				       const uint32_t *row_of, uint32_t nrows)
{
	return hs_class_rows(a->s, &a->self_size, &a->dom, a->distance, row_of, nrows, bits);
}

struct hs_class *hs_filter_classes(const struct hs_analysis *a, const uint64_t *bits)
{
	return aggregate_rows(a, bits, a->classes.class_of, a->classes.names.count);
}

void hs_sites_build(struct hs_sites *out, const struct hs_analysis *a, const uint64_t *bits)
{
	const struct hs_snapshot *s = a->s;
	const struct hs_classes *c = &a->classes;
	struct hs_site_key *k = NULL;
	size_t nk = 0, ka = 0, i;
	uint32_t n, nrows = c->names.count, alloc;

	memset(out, 0, sizeof(*out));
	HS_ALLOC_ARRAY(out->row_of, (size_t)s->node_count + 1);
	for (n = 0; n < s->node_count; n++) {
		const struct hs_location *l;
		out->row_of[n] = c->class_of[n];
		if (s->node_type[n] != s->t.object || !(l = hs_snapshot_location(s, n)))
			continue;
		HS_GROW(k, nk, ka);
		k[nk++] = (struct hs_site_key){ .group = c->class_of[n], .script = l->script_id, .line = l->line,
						 .column = l->column, .node = n };
	}
	hs_sort(k, nk, sizeof(*k), hs_cmp_site_key);
	alloc = nrows + 16;
	HS_CALLOC_ARRAY(out->row, alloc);
	for (i = 0; i < nrows; i++)
		out->row[i].cls = (uint32_t)i;
	for (i = 0; i < nk; i++) {
		if (!i || !hs_site_key_same(&k[i], &k[i - 1])) {
			const struct hs_location *l = hs_snapshot_location(s, k[i].node);
			HS_GROW(out->row, nrows, alloc);
			out->row[nrows] = (struct hs_site_row){ k[i].group, 1, l->script_id, l->line, l->column,
							      l->script_node };
			nrows++;
		}
		out->row_of[k[i].node] = nrows - 1;
	}
	free(k);
	out->n = nrows;
	out->agg = aggregate_rows(a, bits, out->row_of, nrows);
}

void hs_sites_release(struct hs_sites *s)
{
	HS_RELEASE(s, s->row, s->agg, s->row_of);
}
