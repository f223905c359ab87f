/* Test helpers; see testutil.h. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include "testutil.h"

#define V8_NODE_FIELDS "type,name,id,self_size,edge_count,trace_node_id,detachedness"
#define V8_NODE_TYPES "hidden,array,string,object,code,closure,regexp,number,native," \
	"synthetic,concatenated string,sliced string,symbol,bigint,object shape"
#define V8_EDGE_TYPES "context,element,property,internal,hidden,shortcut,weak"

static void *xrealloc(void *p, size_t n)
{
	void *q = realloc(p, n ? n : 1);
	if (!q)
		abort();
	return q;
}

void sb_add(struct sb *b, const char *s, size_t len)
{
	if (b->len + len + 1 > b->alloc) {
		b->alloc = (b->len + len + 1) * 2;
		b->p = xrealloc(b->p, b->alloc);
	}
	memcpy(b->p + b->len, s, len);
	b->len += len;
	b->p[b->len] = '\0';
}

void sb_puts(struct sb *b, const char *s) { sb_add(b, s, strlen(s)); }

void sb_printf(struct sb *b, const char *fmt, ...)
{
	char tmp[512];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(tmp, sizeof(tmp), fmt, ap);
	va_end(ap);
	if (n < 0 || (size_t)n >= sizeof(tmp))
		abort();
	sb_add(b, tmp, (size_t)n);
}

void sb_json_string(struct sb *b, const char *s)
{
	sb_puts(b, "\"");
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '"' || c == '\\') {
			char e[2] = { '\\', (char)c };
			sb_add(b, e, 2);
		} else if (c < 0x20) {
			sb_printf(b, "\\u%04x", c);
		} else {
			sb_add(b, s, 1);
		}
	}
	sb_puts(b, "\"");
}

void tb_init(struct tb *t)
{
	memset(t, 0, sizeof(*t));
	t->node_fields = V8_NODE_FIELDS;
	t->node_types = V8_NODE_TYPES;
	t->edge_types = V8_EDGE_TYPES;
	t->order = "snapshot,nodes,edges,strings";
	t->header_nodes = t->header_edges = -1;
	t->extra_native_bytes = -1;
	tb_str(t, "<dummy>");
}

void tb_release(struct tb *t)
{
	uint32_t i;
	for (i = 0; i < t->ns; i++)
		free(t->strs[i]);
	free(t->strs);
	free(t->nodes);
	free(t->edges);
	memset(t, 0, sizeof(*t));
}

uint32_t tb_str_raw(struct tb *t, const char *lit)
{
	if (t->ns == t->sa) {
		t->sa = t->sa ? t->sa * 2 : 16;
		t->strs = xrealloc(t->strs, t->sa * sizeof(*t->strs));
	}
	t->strs[t->ns] = strdup(lit);
	return t->ns++;
}

uint32_t tb_str(struct tb *t, const char *s)
{
	struct sb b = { 0 };
	uint32_t i;

	sb_json_string(&b, s);
	for (i = 0; i < t->ns; i++)
		if (!strcmp(t->strs[i], b.p)) {
			free(b.p);
			return i;
		}
	i = tb_str_raw(t, b.p);
	free(b.p);
	return i;
}

uint32_t tb_type(const char *csv, const char *name)
{
	uint32_t i = 0;
	size_t l = strlen(name);
	const char *p = csv;

	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		if (len == l && !memcmp(p, name, l))
			return i;
		if (!c)
			break;
		p = c + 1;
		i++;
	}
	fail_msg("type '%s' not in '%s'", name, csv);
	return 0;
}

uint32_t tb_node(struct tb *t, const char *type, const char *name, uint32_t id, uint64_t self)
{
	struct tb_node *n;
	if (t->nn == t->na) {
		t->na = t->na ? t->na * 2 : 16;
		t->nodes = xrealloc(t->nodes, t->na * sizeof(*t->nodes));
	}
	n = &t->nodes[t->nn];
	memset(n, 0, sizeof(*n));
	n->type = tb_type(t->node_types, type);
	n->name = tb_str(t, name);
	n->id = id;
	n->self = self;
	return t->nn++;
}

static void add_edge(struct tb *t, uint32_t from, const char *type, uint32_t name, uint32_t to)
{
	struct tb_edge *e;
	if (t->ne == t->ea) {
		t->ea = t->ea ? t->ea * 2 : 16;
		t->edges = xrealloc(t->edges, t->ea * sizeof(*t->edges));
	}
	e = &t->edges[t->ne++];
	e->from = from;
	e->type = tb_type(t->edge_types, type);
	e->name = name;
	e->to = to;
}

void tb_edge(struct tb *t, uint32_t from, const char *type, const char *name, uint32_t to)
{
	add_edge(t, from, type, tb_str(t, name), to);
}

void tb_edge_i(struct tb *t, uint32_t from, const char *type, uint32_t index, uint32_t to)
{
	add_edge(t, from, type, index, to);
}

static uint32_t count_fields(const char *csv)
{
	uint32_t n = 1;
	for (; *csv; csv++)
		n += *csv == ',';
	return n;
}

static void csv_list(struct sb *b, const char *csv)
{
	const char *p = csv;
	sb_puts(b, "[");
	for (;;) {
		const char *c = strchr(p, ',');
		size_t len = c ? (size_t)(c - p) : strlen(p);
		sb_puts(b, "\"");
		sb_add(b, p, len);
		sb_puts(b, "\"");
		if (!c)
			break;
		sb_puts(b, ",");
		p = c + 1;
	}
	sb_puts(b, "]");
}

/* The field name at position i of csv, into buf. */
static const char *field_at(const char *csv, uint32_t i, char *buf, size_t bl)
{
	const char *p = csv, *c;
	size_t len;
	while (i--)
		p = strchr(p, ',') + 1;
	c = strchr(p, ',');
	len = c ? (size_t)(c - p) : strlen(p);
	if (len >= bl)
		len = bl - 1;
	memcpy(buf, p, len);
	buf[len] = '\0';
	return buf;
}

static void emit_header(const struct tb *t, struct sb *b)
{
	uint32_t nf = count_fields(t->node_fields), i;
	char f[64];

	sb_puts(b, "\"snapshot\":{\"meta\":{\"node_fields\":");
	csv_list(b, t->node_fields);
	sb_puts(b, ",\"node_types\":[");
	for (i = 0; i < nf; i++) {
		field_at(t->node_fields, i, f, sizeof(f));
		if (i)
			sb_puts(b, ",");
		if (!strcmp(f, "type"))
			csv_list(b, t->node_types);
		else
			sb_puts(b, !strcmp(f, "name") ? "\"string\"" : "\"number\"");
	}
	sb_puts(b, "],\"edge_fields\":[\"type\",\"name_or_index\",\"to_node\"],\"edge_types\":[");
	csv_list(b, t->edge_types);
	sb_puts(b, ",\"string_or_number\",\"node\"]");
	sb_puts(b, ",\"trace_function_info_fields\":[\"function_id\",\"name\",\"script_name\",\"script_id\",\"line\",\"column\"]");
	sb_puts(b, ",\"trace_node_fields\":[\"id\",\"function_info_index\",\"count\",\"size\",\"children\"]");
	sb_puts(b, ",\"sample_fields\":[\"timestamp_us\",\"last_assigned_id\"]");
	if (t->location_fields) {
		sb_puts(b, ",\"location_fields\":");
		csv_list(b, t->location_fields);
	}
	sb_printf(b, "},\"node_count\":%lld,\"edge_count\":%lld,\"trace_function_count\":0",
		  (long long)(t->header_nodes >= 0 ? t->header_nodes : t->nn),
		  (long long)(t->header_edges >= 0 ? t->header_edges : t->ne));
	if (t->extra_native_bytes >= 0)
		sb_printf(b, ",\"extra_native_bytes\":%lld", (long long)t->extra_native_bytes);
	if (t->extra_header) {
		sb_puts(b, ",");
		sb_puts(b, t->extra_header);
	}
	sb_puts(b, "}");
}

static void emit_nodes(const struct tb *t, struct sb *b)
{
	uint32_t nf = count_fields(t->node_fields), i, k, *ec = calloc(t->nn + 1, sizeof(*ec));
	char f[64];

	for (i = 0; i < t->ne; i++)
		ec[t->edges[i].from]++;
	sb_puts(b, "\"nodes\":[");
	for (i = 0; i < t->nn; i++) {
		const struct tb_node *n = &t->nodes[i];
		for (k = 0; k < nf; k++) {
			unsigned long long v = 0;
			field_at(t->node_fields, k, f, sizeof(f));
			if (!strcmp(f, "type")) v = n->type;
			else if (!strcmp(f, "name")) v = n->name;
			else if (!strcmp(f, "id")) v = n->id;
			else if (!strcmp(f, "self_size")) v = n->self;
			else if (!strcmp(f, "edge_count")) v = ec[i];
			else if (!strcmp(f, "trace_node_id")) v = n->trace;
			else if (!strcmp(f, "detachedness")) v = n->detach;
			sb_printf(b, i || k ? ",%llu" : "%llu", v);
		}
		sb_puts(b, "\n");
	}
	sb_puts(b, "]");
	free(ec);
}

static void emit_edges(const struct tb *t, struct sb *b)
{
	uint32_t nf = count_fields(t->node_fields), i, first = 1;
	uint32_t *start = calloc((size_t)t->nn + 2, sizeof(*start)), *order = malloc(((size_t)t->ne + 1) * sizeof(*order));

	/* grouped by source node, insertion order within a node (counting sort) */
	for (i = 0; i < t->ne; i++)
		start[t->edges[i].from + 1]++;
	for (i = 0; i < t->nn; i++)
		start[i + 1] += start[i];
	for (i = 0; i < t->ne; i++)
		order[start[t->edges[i].from]++] = i;
	sb_puts(b, "\"edges\":[");
	for (i = 0; i < t->ne; i++) {
		const struct tb_edge *e = &t->edges[order[i]];
		sb_printf(b, "%s%u,%u,%llu\n", first ? "" : ",", e->type, e->name,
			  (unsigned long long)e->to * nf);
		first = 0;
	}
	sb_puts(b, "]");
	free(start);
	free(order);
}

static void emit_strings(const struct tb *t, struct sb *b)
{
	uint32_t i;
	sb_puts(b, "\"strings\":[");
	for (i = 0; i < t->ns; i++) {
		if (i)
			sb_puts(b, ",\n");
		sb_puts(b, t->strs[i]);
	}
	sb_puts(b, "]");
}

char *tb_json(const struct tb *t, size_t *len)
{
	struct sb b = { 0 };
	const char *p = t->order;
	int first = 1;

	sb_puts(&b, "{");
	if (t->extra_top) {
		sb_puts(&b, t->extra_top);
		first = 0;
	}
	while (*p) {
		const char *c = strchr(p, ',');
		size_t l = c ? (size_t)(c - p) : strlen(p);
		if (!first)
			sb_puts(&b, ",\n");
		first = 0;
		if (l == 8 && !memcmp(p, "snapshot", 8))
			emit_header(t, &b);
		else if (l == 5 && !memcmp(p, "nodes", 5))
			emit_nodes(t, &b);
		else if (l == 5 && !memcmp(p, "edges", 5))
			emit_edges(t, &b);
		else if (l == 7 && !memcmp(p, "strings", 7))
			emit_strings(t, &b);
		else if (l == 9 && !memcmp(p, "locations", 9)) {
			sb_puts(&b, "\"locations\":");
			sb_puts(&b, t->locations_raw ? t->locations_raw : "[]");
		} else
			fail_msg("unknown section in order: %s", p);
		p += l;
		if (*p == ',')
			p++;
	}
	sb_puts(&b, "}");
	if (len)
		*len = b.len;
	return b.p;
}

struct hs_snapshot *load_ok(const char *json, size_t len, size_t chunk)
{
	struct hs_snapshot *s = NULL;
	struct hs_error err = { 0, "" };
	int rc = hs_snapshot_load_mem("test", json, len, chunk, &s, &err);
	if (rc != 0)
		fail_msg("load failed (%d): %s", rc, err.msg);
	assert_non_null(s);
	return s;
}

void load_fails(const char *json, size_t len, size_t chunk, const char *word)
{
	struct hs_snapshot *s = NULL;
	struct hs_error err = { 0, "" };
	int rc = hs_snapshot_load_mem("test", json, len, chunk, &s, &err);
	if (rc >= 0) {
		hs_snapshot_free(s);
		fail_msg("expected a failure mentioning '%s', but the snapshot loaded", word);
	}
	assert_null(s);
	assert_int_equal(rc, HS_ERR_FORMAT);
	assert_int_equal(err.status, HS_ERR_FORMAT);
	if (word && !strstr(err.msg, word))
		fail_msg("error message '%s' lacks '%s'", err.msg, word);
}

uint64_t rnd_next(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ULL);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

uint32_t rnd_below(uint64_t *state, uint32_t n)
{
	return (uint32_t)(rnd_next(state) % n);
}
