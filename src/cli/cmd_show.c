/* hsnap show: one object inspected -- what it is, what it holds (with the
 * values the snapshot records), who holds it, and its dominator chain. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "output.h"
#include "hsnap/paths.h"
#include "hsnap/values.h"
#include "alloc.h"
#include "sort.h"

static const struct cmd_doc help_doc = {
	.name = "show",
	.usage = (const char *const[]){ "hsnap show [options] FILE ID", NULL },
	.description =
		"One object in detail (ID as 123 or @123, as hsnap prints ids): its class,\n"
		"type, shallow and retained size, distance and source location; its\n"
		"properties in snapshot order with DevTools' edge syntax (.prop, [index],\n"
		"->context, {internal}) and the value where the snapshot records one\n"
		"(strings, numbers of snapshots taken with numeric values, true/false/null/\n"
		"undefined), other objects as 'Class @id' with their sizes; the objects\n"
		"that hold it directly (nearest the roots first) with the edge names; and\n"
		"its dominator chain (the objects that alone keep it alive, up to the root).\n",
	.epilog =
		"\n"
		"Output is bounded: at most 10,000 property rows in all.\n",
	.operands = "<file>",
};

#define MAX_ROWS 10000
#define VALUE_CUT 80

struct sopts {
	enum fmt f;
	long depth, props, retainers, chain;
	int raw;
	uint64_t id;
};

struct view {
	const struct hs_analysis *a;
	const struct sopts *o;
	struct out *out;
};

/* ---- values ------------------------------------------------------------ */

/* The value as a JavaScript-like literal: strings quoted and escaped, cut at
 * VALUE_CUT bytes on a character boundary. */
static const char *value_text(struct hs_value v, char *buf, size_t len)
{
	size_t i, o = 0, n = v.len;
	int cut = 0;

	if (v.kind == HS_VALUE_NONE)
		return NULL;
	if (v.kind != HS_VALUE_STRING) {
		snprintf(buf, len, "%.*s", (int)(v.len > 64 ? 64 : v.len), v.text);
		return buf;
	}
	if (n > VALUE_CUT) {
		n = VALUE_CUT;
		while (n > 0 && ((unsigned char)v.text[n] & 0xc0) == 0x80)
			n--;
		cut = 1;
	}
	buf[o++] = '"';
	for (i = 0; i < n && o + 8 < len; i++) {
		unsigned char c = (unsigned char)v.text[i];
		if (c == '"' || c == '\\') {
			buf[o++] = '\\';
			buf[o++] = (char)c;
		} else if (c == '\n') {
			buf[o++] = '\\';
			buf[o++] = 'n';
		} else if (c == '\t') {
			buf[o++] = '\\';
			buf[o++] = 't';
		} else if (c < 0x20 || c == 0x7f) {
			o += (size_t)snprintf(buf + o, len - o, "\\x%02x", c);
		} else {
			buf[o++] = (char)c;
		}
	}
	buf[o++] = '"';
	buf[o] = '\0';
	if (cut && o + 4 < len)
		memcpy(buf + o, "…", sizeof("…"));
	return buf;
}

/* "value_type" and "value" (JSON) of a node's value */
static void value_fields(struct out *out, struct hs_value v)
{
	static const char *const kinds[] = { "object", "string", "number", "boolean", "null",
					     "undefined", "oddball" };
	char num[80];

	out_kv_str(out, "value_type", kinds[v.kind]);
	switch (v.kind) {
	case HS_VALUE_NONE:
		break;
	case HS_VALUE_STRING:
		out_field(out, "value", ov_strn(v.text, v.len));
		break;
	case HS_VALUE_NUMBER: {
		char *end;
		double d;
		snprintf(num, sizeof(num), "%.*s", (int)(v.len > 64 ? 64 : v.len), v.text);
		d = strtod(num, &end);
		if (end != num && !*end && isfinite(d))
			out_field(out, "value", ov_numtext(num));
		else
			out_kv_str(out, "value", num); /* NaN, Infinity, -0 as written by V8 */
		break;
	}
	case HS_VALUE_BOOLEAN:
		out_field(out, "value", ov_bool(v.text[0] == 't'));
		break;
	case HS_VALUE_NULL:
		out_field(out, "value", ov_null());
		break;
	default:
		out_kv_str(out, "value", v.text);
		break;
	}
}

/* ---- the object itself --------------------------------------------------- */

static const char *distance_text(int32_t d, char *buf, size_t len)
{
	if (d == HS_NO_DISTANCE)
		return "unreachable";
	if (d >= HS_BASE_SYSTEM_DISTANCE)
		snprintf(buf, len, "%d (through system roots only)", d - HS_BASE_SYSTEM_DISTANCE);
	else
		snprintf(buf, len, "%d", d);
	return buf;
}

/* In CSV and markdown, show is one table: a row per object, property,
 * retainer and dominator, named by its section.  Each section's table
 * starts with these columns; the rest are its JSON keys and its text. */
#define SECTION_COLS                                                                    \
	{ "section", "section", 'l', OUT_DOC | OUT_FLAT }, { "depth", "depth", 'r', OUT_DOC | OUT_FLAT }, \
	{ "edge", "edge", 'l', OUT_DOC | OUT_FLAT }, { "id", "id", 'l', OUT_DOC | OUT_FLAT },          \
	{ "class", "class", 'l', OUT_DOC | OUT_FLAT }, { "type", "type", 'l', OUT_DOC | OUT_FLAT },    \
	{ "value", "value", 'l', OUT_DOC | OUT_FLAT },                                                \
	{ "self_size", "self_size", 'r', OUT_DOC | OUT_FLAT },                                        \
	{ "retained_size", "retained_size", 'r', OUT_DOC | OUT_FLAT }
#define NODE_COLS                                                                                \
	{ NULL, "id", 'r', OUT_TREE }, { NULL, "name", 'l', OUT_TREE }, { NULL, "type", 'l', OUT_TREE }, \
	{ NULL, "class", 'l', OUT_TREE }, { NULL, "self_size", 'r', OUT_TREE },                        \
	{ NULL, "retained_size", 'r', OUT_TREE }

static const struct out_col object_cols[] = {
	SECTION_COLS, NODE_COLS, { NULL, "distance", 'r', OUT_TREE }, { NULL, "edge_count", 'r', OUT_TREE },
};
static const struct out_table object_table = {
	.key = "object", OUT_COLS(object_cols), .views = OUT_TREE | OUT_DOC | OUT_FLAT, .flags = OUT_ONE
};
static const struct out_col prop_cols[] = {
	SECTION_COLS, { NULL, "edge", 'l', OUT_TREE }, { NULL, "edge_type", 'l', OUT_TREE }, NODE_COLS,
	{ "Property", NULL, 'l', OUT_PLAIN }, { "Value", NULL, 'l', OUT_PLAIN },
	{ "Shallow", NULL, 'r', OUT_PLAIN }, { "Retained", NULL, 'r', OUT_PLAIN },
};
static const struct out_table prop_table = {
	.key = "properties", OUT_COLS(prop_cols), .flags = OUT_APPEND, .indent = 2, .empty = "  none"
};
static const struct out_col ret_cols[] = {
	SECTION_COLS, { NULL, "edge", 'l', OUT_TREE }, { NULL, "edge_type", 'l', OUT_TREE }, NODE_COLS,
	{ NULL, "distance", 'r', OUT_TREE },
	{ "edge", NULL, 'l', OUT_PLAIN }, { "of", NULL, 'l', OUT_PLAIN }, { "Shallow", NULL, 'r', OUT_PLAIN },
	{ "Retained", NULL, 'r', OUT_PLAIN }, { "distance", NULL, 'l', OUT_PLAIN },
};
static const struct out_table ret_table = {
	.key = "retainers", OUT_COLS(ret_cols), .flags = OUT_APPEND | OUT_HEADLESS, .indent = 2,
	.plain_layout = "%s  of  %s  %s  %s  distance %s"
};
static const struct out_col dom_cols[] = {
	SECTION_COLS, NODE_COLS,
	{ "Dominator", NULL, 'l', OUT_PLAIN }, { "Shallow", NULL, 'r', OUT_PLAIN },
	{ "Retained", NULL, 'r', OUT_PLAIN },
};
static const struct out_table dom_table = {
	.key = "dominators", OUT_COLS(dom_cols), .flags = OUT_APPEND | OUT_HEADLESS, .indent = 2,
	.plain_layout = "%s  %s  %s"
};

/* The values of SECTION_COLS then NODE_COLS for node n into v. */
static void node_cells(struct out_val *v, const struct hs_analysis *a, uint32_t n, const char *section,
		       const char *depth, const char *edge, const char *value)
{
	const struct hs_snapshot *s = a->s;
	const char *cls = hs_class_name(&a->classes, a->classes.class_of[n]);
	struct out_val sec[9] = { ov_str(section), ov_str(depth), ov_str(edge), ov_uint(hs_node_id(s, n)),
				  ov_str(cls), ov_str(hs_node_type_name(s, n)), ov_str(value),
				  ov_uint(hs_shallow_size(a, n)), ov_uint(a->dom.retained[n]) };
	struct out_val node[6] = { ov_uint(hs_node_id(s, n)), ov_str(hs_node_name(s, n)),
				   ov_str(hs_node_type_name(s, n)), ov_str(cls),
				   ov_uint(hs_shallow_size(a, n)), ov_uint(a->dom.retained[n]) };
	memcpy(v, sec, sizeof(sec));
	memcpy(v + 9, node, sizeof(node));
}

static void show_header(struct view *o, uint32_t n)
{
	const struct hs_analysis *a = o->a;
	const struct hs_snapshot *s = a->s;
	char lb[400], sh[32], re[32], pc[32], db[64], vb[VALUE_CUT * 4 + 16];
	struct hs_value v = hs_node_value(s, n);
	struct out_val cells[17];

	node_cells(cells, a, n, "object", "0", "", v.kind == HS_VALUE_NONE ? "" : value_text(v, vb, sizeof(vb)));
	cells[15] = a->distance[n] == HS_NO_DISTANCE ? ov_null() : ov_int(a->distance[n]);
	cells[16] = ov_uint(hs_edge_end(s, n) - hs_edge_begin(s, n));
	out_table_begin(o->out, &object_table);
	out_row_open(o->out, cells);
	out_location(o->out, s, n);
	value_fields(o->out, v);
	out_row_close(o->out);
	out_table_end(o->out);

	out_say(o->out, "%s\n", OUT_SKIP, node_label(a, n, lb, sizeof(lb)));
	out_say(o->out, "  type %s, shallow %s, retained %s (%s of the heap), distance %s\n", OUT_SKIP,
		hs_node_type_name(s, n), human_size(hs_shallow_size(a, n), sh, sizeof(sh)),
		human_size(a->dom.retained[n], re, sizeof(re)),
		percent(a->dom.retained[n], a->stats.total, pc, sizeof(pc)),
		distance_text(a->distance[n], db, sizeof(db)));
	if (v.kind != HS_VALUE_NONE)
		out_say(o->out, "  value %s\n", OUT_SKIP, value_text(v, vb, sizeof(vb)));
}

/* ---- properties (iterative, bounded) -------------------------------------- */

struct pframe {
	uint32_t node, e, end, shown;
};

/* One property row: edge e of the object at `depth` (1 = the object's own),
 * left open for its fields and nested properties. */
static void prop_row(struct view *o, uint32_t e, int depth)
{
	const struct hs_analysis *a = o->a;
	const struct hs_snapshot *s = a->s;
	uint32_t x = s->edge_to[e];
	struct hs_value v = hs_node_value(s, x);
	char eb[160], vb[VALUE_CUT * 4 + 16], lb[400], d[8], ind[200];
	const char *val = value_text(v, vb, sizeof(vb));
	struct out_val cells[21], node[15];

	hs_edge_label(s, e, 0, eb, sizeof(eb));
	snprintf(d, sizeof(d), "%d", depth);
	snprintf(ind, sizeof(ind), "%*s%s", (depth - 1) * 2, "", eb);
	node_cells(node, a, x, "property", d, eb, val ? val : "");
	memcpy(cells, node, sizeof(struct out_val) * 9);
	cells[9] = ov_str(eb);
	cells[10] = ov_str(hs_edge_type_name(s, e));
	memcpy(cells + 11, node + 9, sizeof(struct out_val) * 6);
	cells[17] = ov_str(ind);
	if (val && v.kind == HS_VALUE_STRING) {
		snprintf(lb, sizeof(lb), "%s @%" PRIu64, val, hs_node_id(s, x));
		cells[18] = ov_str(lb);
	} else {
		cells[18] = ov_str(val ? val : node_label(a, x, lb, sizeof(lb)));
	}
	cells[19] = ov_bytes(hs_shallow_size(a, x));
	cells[20] = ov_bytes(a->dom.retained[x]);
	out_row_open(o->out, cells);
	value_fields(o->out, v);
}

/* JSON carries properties_total instead */
static void more_row(struct view *o, uint32_t left, int depth)
{
	char b[64], d[8];
	struct out_val cells[21];
	int i;

	snprintf(b, sizeof(b), "%*s… %u more", (depth - 1) * 2, "", left);
	snprintf(d, sizeof(d), "%d", depth);
	for (i = 0; i < 21; i++)
		cells[i] = ov_str("");
	cells[0] = ov_str("property");
	cells[1] = ov_str(d);
	cells[2] = ov_str(b);
	cells[17] = ov_str(b);
	out_row_only(o->out, OUT_PLAIN | OUT_DOC | OUT_FLAT, cells);
}

/* An object is expanded when it is not a primitive and has edges. */
static int expandable(const struct hs_snapshot *s, uint32_t x)
{
	return hs_node_value(s, x).kind == HS_VALUE_NONE && hs_edge_end(s, x) > hs_edge_begin(s, x);
}

static void show_properties(struct view *o, uint32_t n)
{
	const struct hs_snapshot *s = o->a->s;
	long depth = o->o->depth;
	struct pframe *st;
	long sp = 0;
	uint32_t rows = 0;

	if (depth == 0)
		return;
	out_kv_u64(o->out, "properties_total", hs_edge_end(s, n) - hs_edge_begin(s, n));
	out_say(o->out, "\nProperties (%u)\n", OUT_SKIP, hs_edge_end(s, n) - hs_edge_begin(s, n));
	out_table_begin(o->out, &prop_table);
	HS_ALLOC_ARRAY(st, (size_t)depth + 1);
	st[sp].node = n;
	st[sp].e = hs_edge_begin(s, n);
	st[sp].end = hs_edge_end(s, n);
	st[sp].shown = 0;
	sp++;
	while (sp) {
		struct pframe *fr = &st[sp - 1];
		uint32_t e, x;
		if (fr->e >= fr->end || fr->shown >= (uint32_t)o->o->props || rows >= MAX_ROWS) {
			if (fr->e < fr->end)
				more_row(o, fr->end - fr->e, (int)sp);
			if (sp > 1) {
				out_list_end(o->out);
				out_row_close(o->out); /* the parent property's */
			}
			sp--;
			continue;
		}
		e = fr->e++;
		fr->shown++;
		rows++;
		x = s->edge_to[e];
		prop_row(o, e, (int)sp);
		if (sp < depth && expandable(s, x) && rows < MAX_ROWS) {
			out_kv_u64(o->out, "properties_total", hs_edge_end(s, x) - hs_edge_begin(s, x));
			out_list_begin(o->out, "properties");
			st[sp].node = x;
			st[sp].e = hs_edge_begin(s, x);
			st[sp].end = hs_edge_end(s, x);
			st[sp].shown = 0;
			sp++;
		} else {
			out_row_close(o->out);
		}
	}
	out_table_end(o->out);
	free(st);
}

/* ---- direct retainers ------------------------------------------------------ */

struct ret { uint32_t edge, from; int32_t dist; };

static int ret_cmp(const void *pa, const void *pb)
{
	const struct ret *x = pa, *y = pb;
	uint32_t dx = (uint32_t)x->dist, dy = (uint32_t)y->dist; /* unreachable (-5) last */
	if (dx != dy)
		return dx < dy ? -1 : 1;
	return x->edge < y->edge ? -1 : x->edge > y->edge;
}

static void show_retainers(struct view *o, uint32_t n)
{
	const struct hs_analysis *a = o->a;
	const struct hs_snapshot *s = a->s;
	struct ret *r = NULL;
	size_t nr = 0, alloc = 0, i, shown;
	uint32_t from, e;

	for (from = 0; from < s->node_count; from++)
		for (e = hs_edge_begin(s, from); e < hs_edge_end(s, from); e++)
			if (s->edge_to[e] == n) {
				HS_GROW(r, nr, alloc);
				r[nr].edge = e;
				r[nr].from = from;
				r[nr].dist = a->distance[from];
				nr++;
			}
	hs_sort(r, nr, sizeof(*r), ret_cmp);
	shown = nr < (size_t)o->o->retainers ? nr : (size_t)o->o->retainers;
	out_kv_u64(o->out, "retainers_total", nr);
	out_say(o->out, "\nRetainers (%zu%s, nearest the roots first)\n", OUT_SKIP, nr,
		// cppcheck-suppress knownConditionTrueFalse ; shown < nr when --retainers is below nr
		shown < nr ? ", the first shown" : "");
	if (!nr)
		out_say(o->out, "  none\n", OUT_SKIP);
	out_table_begin(o->out, &ret_table);
	for (i = 0; i < shown; i++) {
		char eb[160], lb[400], db[64];
		uint32_t x = r[i].from;
		struct out_val cells[23], node[15];
		hs_edge_label(s, r[i].edge, 0, eb, sizeof(eb));
		node_cells(node, a, x, "retainer", "1", eb, "");
		memcpy(cells, node, sizeof(struct out_val) * 9);
		cells[9] = ov_str(eb);
		cells[10] = ov_str(hs_edge_type_name(s, r[i].edge));
		memcpy(cells + 11, node + 9, sizeof(struct out_val) * 6);
		cells[17] = r[i].dist == HS_NO_DISTANCE ? ov_null() : ov_int(r[i].dist);
		cells[18] = ov_str(eb);
		cells[19] = ov_str(node_label(a, x, lb, sizeof(lb)));
		cells[20] = ov_bytes(hs_shallow_size(a, x));
		cells[21] = ov_bytes(a->dom.retained[x]);
		cells[22] = ov_str(distance_text(r[i].dist, db, sizeof(db)));
		out_row(o->out, cells);
	}
	out_table_end(o->out);
	// cppcheck-suppress knownConditionTrueFalse ; as above
	if (shown < nr)
		out_say(o->out, "  … %zu more (--retainers N)\n", OUT_SKIP, nr - shown);
	free(r);
}

/* ---- dominator chain -------------------------------------------------------- */

static void show_chain(struct view *o, uint32_t n)
{
	const struct hs_analysis *a = o->a;
	const struct hs_snapshot *s = a->s;
	uint32_t x = n, steps = 0, total = 0;

	/* length first (bounded by node_count: idom[root] = root) */
	while (x != s->root && total < s->node_count) {
		x = a->dom.idom[x];
		total++;
	}
	out_kv_u64(o->out, "dominators_total", total);
	out_say(o->out, "\nDominator chain (%u step%s to the root%s)\n", OUT_SKIP, total, total == 1 ? "" : "s",
		total > (uint32_t)o->o->chain ? ", nearest shown" : "");
	out_table_begin(o->out, &dom_table);
	x = n;
	while (x != s->root && steps < (uint32_t)o->o->chain && steps < total) {
		char lb[400], d[12], *label;
		struct out_val cells[18];
		x = a->dom.idom[x];
		steps++;
		snprintf(d, sizeof(d), "%u", steps);
		label = out_strf("%*s%s", (int)(steps > 10 ? 10 : steps) - 1, "",
				 x == s->root ? "(root)" : node_label(a, x, lb, sizeof(lb)));
		node_cells(cells, a, x, "dominator", d, "", "");
		cells[15] = ov_str(label);
		cells[16] = ov_bytes(hs_shallow_size(a, x));
		cells[17] = ov_bytes(a->dom.retained[x]);
		out_row(o->out, cells);
		free(label);
	}
	out_table_end(o->out);
	if (steps < total)
		out_say(o->out, "  … %u more to the root (--chain N)\n", OUT_SKIP, total - steps);
}

/* ---- command ----------------------------------------------------------------- */


static int parse(struct sopts *o, int argc, char **argv)
{
	const struct opt opts[] = {
		OPT_COUNT("depth", &o->depth, "D", "levels of properties to expand (default 1: the object's\n"
			  "own; 0: none; at most 8)"),
		OPT_COUNT("props", &o->props, "N", "properties listed per object (default 40)"),
		OPT_COUNT("retainers", &o->retainers, "N", "direct retainers listed (default 10)"),
		OPT_COUNT("chain", &o->chain, "N", "dominator-chain steps listed (default 20)"),
		OPT_FORMAT(&o->f, "text (default), json, csv or markdown"),
		OPT_RAW_SIZES(&o->raw),
		OPT_END()
	};
	int rc;

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc;
	if (o->depth > 8)
		return usage_error("show", "--depth must be at most 8, got %ld", o->depth);
	if (argc - optind != 2)
		return usage_error("show", "expected FILE and ID, got %d argument%s", argc - optind,
				   argc - optind == 1 ? "" : "s");
	return parse_id("show", "ID", argv[optind + 1], &o->id) ? EXIT_USAGE : 0;
}

int cmd_show(int argc, char **argv)
{
	struct sopts o = { FMT_TEXT, 1, 40, 10, 20, 0, 0 };
	struct view out;
	struct loaded ld;
	struct hs_snapshot *s = NULL;
	struct hs_analysis a;
	uint32_t n;
	int rc;

	if ((rc = parse(&o, argc, argv)))
		return rc < 0 ? EXIT_OK : rc;
	if ((rc = load_snapshot(argv[optind], NULL, &ld)))
		return rc;
	s = ld.s;
	warn_snapshot(s);
	for (n = 0; n < s->node_count && hs_node_id(s, n) != o.id; n++)
		;
	if (n == s->node_count) {
		fprintf(stderr, "hsnap: %s: no object with id %" PRIu64 "\n", s->file, o.id);
		hs_snapshot_free(s);
		return EXIT_USAGE;
	}
	if ((rc = analyze_snapshot(&ld, o.raw, 0, &a))) {
		hs_snapshot_free(s);
		return rc;
	}
	memset(&out, 0, sizeof(out));
	out.a = &a;
	out.o = &o;
	out.out = out_open(o.f);
	out_kv_str(out.out, "file", s->file);
	show_header(&out, n);
	show_properties(&out, n);
	show_retainers(&out, n);
	show_chain(&out, n);
	out_close(out.out);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
