/* hsnap show: one object inspected -- what it is, what it holds (with the
 * values the snapshot records), who holds it, and its dominator chain. */
#include <inttypes.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "hsnap/paths.h"
#include "hsnap/values.h"
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap show [options] FILE ID",
	NULL
};

static const char help_text[] =
	"One object in detail (ID as 123 or @123, as hsnap prints ids): its class,\n"
	"type, shallow and retained size, distance and source location; its\n"
	"properties in snapshot order with DevTools' edge syntax (.prop, [index],\n"
	"->context, {internal}) and the value where the snapshot records one\n"
	"(strings, numbers of snapshots taken with numeric values, true/false/null/\n"
	"undefined), other objects as 'Class @id' with their sizes; the objects\n"
	"that hold it directly (nearest the roots first) with the edge names; and\n"
	"its dominator chain (the objects that alone keep it alive, up to the root).\n";

static const char help_epilog[] =
	"\n"
	"Output is bounded: at most 10,000 property rows in all.\n";

static const struct cmd_doc help_doc = { "show", usage_lines, help_text, help_epilog, "<file>" };

#define MAX_ROWS 10000
#define VALUE_CUT 80

struct sopts {
	enum fmt f;
	long depth, props, retainers, chain;
	int raw;
	uint64_t id;
};

struct out {
	const struct hs_analysis *a;
	const struct sopts *o;
	yajl_gen g;
	struct table t;   /* csv / markdown: one table, a section column */
	struct table pt;  /* text: the property table */
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

static void json_value(yajl_gen g, struct hs_value v)
{
	static const char *const kinds[] = { "object", "string", "number", "boolean", "null",
					     "undefined", "oddball" };
	char num[80];

	json_kv_str(g, "value_type", kinds[v.kind]);
	if (v.kind == HS_VALUE_NONE)
		return;
	json_key(g, "value");
	switch (v.kind) {
	case HS_VALUE_STRING:
		yajl_gen_string(g, (const unsigned char *)v.text, v.len);
		break;
	case HS_VALUE_NUMBER: {
		char *end;
		double d;
		snprintf(num, sizeof(num), "%.*s", (int)(v.len > 64 ? 64 : v.len), v.text);
		d = strtod(num, &end);
		if (end != num && !*end && isfinite(d))
			yajl_gen_number(g, num, strlen(num));
		else
			json_str(g, num); /* NaN, Infinity, -0 as written by V8 */
		break;
	}
	case HS_VALUE_BOOLEAN:
		yajl_gen_bool(g, v.text[0] == 't');
		break;
	case HS_VALUE_NULL:
		yajl_gen_null(g);
		break;
	default:
		json_str(g, v.text);
		break;
	}
}

/* ---- the object itself --------------------------------------------------- */

/* id, name, type, class, sizes of node n into the open JSON map. */
static void json_node_fields(yajl_gen g, const struct hs_analysis *a, uint32_t n)
{
	const struct hs_snapshot *s = a->s;
	json_kv_u64(g, "id", hs_node_id(s, n));
	json_kv_str(g, "name", hs_node_name(s, n));
	json_kv_str(g, "type", hs_node_type_name(s, n));
	json_kv_str(g, "class", hs_class_name(&a->classes, a->classes.class_of[n]));
	json_kv_u64(g, "self_size", a->self_size[n]);
	json_kv_u64(g, "retained_size", a->dom.retained[n]);
}

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

static void show_header(struct out *o, uint32_t n)
{
	const struct hs_analysis *a = o->a;
	const struct hs_snapshot *s = a->s;
	char lb[400], sh[32], re[32], pc[32], db[64];
	struct hs_value v = hs_node_value(s, n);

	if (o->o->f == FMT_JSON) {
		json_key(o->g, "object");
		yajl_gen_map_open(o->g);
		json_node_fields(o->g, a, n);
		json_key(o->g, "distance");
		if (a->distance[n] == HS_NO_DISTANCE)
			yajl_gen_null(o->g);
		else
			json_i64(o->g, a->distance[n]);
		json_kv_u64(o->g, "edge_count", hs_edge_end(s, n) - hs_edge_begin(s, n));
		json_location(o->g, s, n);
		json_value(o->g, v);
		yajl_gen_map_close(o->g);
		return;
	}
	if (o->o->f != FMT_TEXT) {
		const char *cells[9];
		char id[24], vb[VALUE_CUT * 4 + 16];
		snprintf(id, sizeof(id), "%" PRIu64, hs_node_id(s, n));
		snprintf(sh, sizeof(sh), "%" PRIu64, a->self_size[n]);
		snprintf(re, sizeof(re), "%" PRIu64, a->dom.retained[n]);
		cells[0] = "object"; cells[1] = "0"; cells[2] = "";
		cells[3] = id; cells[4] = hs_class_name(&a->classes, a->classes.class_of[n]);
		cells[5] = hs_node_type_name(s, n);
		cells[6] = v.kind == HS_VALUE_NONE ? "" : value_text(v, vb, sizeof(vb));
		cells[7] = sh; cells[8] = re;
		table_row(&o->t, cells);
		return;
	}
	printf("%s\n", node_label(a, n, lb, sizeof(lb)));
	printf("  type %s, shallow %s, retained %s (%s of the heap), distance %s\n",
	       hs_node_type_name(s, n), human_size(a->self_size[n], sh, sizeof(sh)),
	       human_size(a->dom.retained[n], re, sizeof(re)),
	       percent(a->dom.retained[n], a->stats.total, pc, sizeof(pc)),
	       distance_text(a->distance[n], db, sizeof(db)));
	if (v.kind != HS_VALUE_NONE) {
		char vb[VALUE_CUT * 4 + 16];
		printf("  value %s\n", value_text(v, vb, sizeof(vb)));
	}
}

/* ---- properties (iterative, bounded) -------------------------------------- */

struct pframe {
	uint32_t node, e, end, shown;
};

/* One property row: edge e of the object at `depth` (1 = the object's own). */
static void prop_row(struct out *o, uint32_t e, int depth)
{
	const struct hs_analysis *a = o->a;
	const struct hs_snapshot *s = a->s;
	uint32_t x = s->edge_to[e];
	struct hs_value v = hs_node_value(s, x);
	char eb[160], vb[VALUE_CUT * 4 + 16], lb[400], sh[32], re[32];
	const char *val = value_text(v, vb, sizeof(vb));

	hs_edge_label(s, e, 0, eb, sizeof(eb));
	if (o->o->f == FMT_JSON) {
		json_kv_str(o->g, "edge", eb);
		json_kv_str(o->g, "edge_type", hs_edge_type_name(s, e));
		json_node_fields(o->g, a, x);
		json_value(o->g, v);
		return;
	}
	if (o->o->f != FMT_TEXT) {
		const char *cells[9];
		char id[24], d[8];
		snprintf(d, sizeof(d), "%d", depth);
		snprintf(id, sizeof(id), "%" PRIu64, hs_node_id(s, x));
		snprintf(sh, sizeof(sh), "%" PRIu64, a->self_size[x]);
		snprintf(re, sizeof(re), "%" PRIu64, a->dom.retained[x]);
		cells[0] = "property"; cells[1] = d; cells[2] = eb; cells[3] = id;
		cells[4] = hs_class_name(&a->classes, a->classes.class_of[x]);
		cells[5] = hs_node_type_name(s, x); cells[6] = val ? val : "";
		cells[7] = sh; cells[8] = re;
		table_row(&o->t, cells);
		return;
	}
	{
		const char *cells[4];
		char ind[200];
		snprintf(ind, sizeof(ind), "%*s%s", (depth - 1) * 2, "", eb);
		cells[0] = ind;
		if (val && v.kind == HS_VALUE_STRING) {
			snprintf(lb, sizeof(lb), "%s @%" PRIu64, val, hs_node_id(s, x));
			cells[1] = lb;
		} else {
			cells[1] = val ? val : node_label(a, x, lb, sizeof(lb));
		}
		cells[2] = human_size(a->self_size[x], sh, sizeof(sh));
		cells[3] = human_size(a->dom.retained[x], re, sizeof(re));
		table_row(&o->pt, cells);
	}
}

static void more_row(struct out *o, uint32_t left, int depth)
{
	char b[64];
	if (o->o->f == FMT_JSON)
		return; /* JSON carries properties_total instead */
	snprintf(b, sizeof(b), "%*s… %u more", (depth - 1) * 2, "", left);
	if (o->o->f == FMT_TEXT) {
		const char *cells[4] = { b, "", "", "" };
		table_row(&o->pt, cells);
	} else {
		char d[8];
		const char *cells[9];
		snprintf(d, sizeof(d), "%d", depth);
		cells[0] = "property"; cells[1] = d; cells[2] = b;
		cells[3] = cells[4] = cells[5] = cells[6] = cells[7] = cells[8] = "";
		table_row(&o->t, cells);
	}
}

/* An object is expanded when it is not a primitive and has edges. */
static int expandable(const struct hs_snapshot *s, uint32_t x)
{
	return hs_node_value(s, x).kind == HS_VALUE_NONE && hs_edge_end(s, x) > hs_edge_begin(s, x);
}

static void show_properties(struct out *o, uint32_t n)
{
	const struct hs_snapshot *s = o->a->s;
	long depth = o->o->depth;
	struct pframe *st;
	long sp = 0;
	uint32_t rows = 0;
	int json = o->o->f == FMT_JSON;

	if (depth == 0)
		return;
	if (json) {
		json_kv_u64(o->g, "properties_total", hs_edge_end(s, n) - hs_edge_begin(s, n));
		json_key(o->g, "properties");
		yajl_gen_array_open(o->g);
	}
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
			if (json) {
				yajl_gen_array_close(o->g);
				if (sp > 1)
					yajl_gen_map_close(o->g); /* the parent property's map */
			}
			sp--;
			continue;
		}
		e = fr->e++;
		fr->shown++;
		rows++;
		x = s->edge_to[e];
		if (json)
			yajl_gen_map_open(o->g);
		prop_row(o, e, (int)sp);
		if (sp < depth && expandable(s, x) && rows < MAX_ROWS) {
			if (json) {
				json_kv_u64(o->g, "properties_total", hs_edge_end(s, x) - hs_edge_begin(s, x));
				json_key(o->g, "properties");
				yajl_gen_array_open(o->g);
			}
			st[sp].node = x;
			st[sp].e = hs_edge_begin(s, x);
			st[sp].end = hs_edge_end(s, x);
			st[sp].shown = 0;
			sp++;
		} else if (json) {
			yajl_gen_map_close(o->g);
		}
	}
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

static void show_retainers(struct out *o, uint32_t n)
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
	if (o->o->f == FMT_JSON) {
		json_kv_u64(o->g, "retainers_total", nr);
		json_key(o->g, "retainers");
		yajl_gen_array_open(o->g);
	} else if (o->o->f == FMT_TEXT) {
		printf("\nRetainers (%zu%s, nearest the roots first)\n", nr,
		       shown < nr ? ", the first shown" : "");
		if (!nr)
			printf("  none\n");
	}
	for (i = 0; i < shown; i++) {
		char eb[160], lb[400], sh[32], re[32], db[64];
		hs_edge_label(s, r[i].edge, 0, eb, sizeof(eb));
		if (o->o->f == FMT_JSON) {
			yajl_gen_map_open(o->g);
			json_kv_str(o->g, "edge", eb);
			json_kv_str(o->g, "edge_type", hs_edge_type_name(s, r[i].edge));
			json_node_fields(o->g, a, r[i].from);
			json_key(o->g, "distance");
			if (r[i].dist == HS_NO_DISTANCE)
				yajl_gen_null(o->g);
			else
				json_i64(o->g, r[i].dist);
			yajl_gen_map_close(o->g);
		} else if (o->o->f == FMT_TEXT) {
			printf("  %s  of  %s  %s  %s  distance %s\n", eb, node_label(a, r[i].from, lb, sizeof(lb)),
			       human_size(a->self_size[r[i].from], sh, sizeof(sh)),
			       human_size(a->dom.retained[r[i].from], re, sizeof(re)),
			       distance_text(r[i].dist, db, sizeof(db)));
		} else {
			const char *cells[9];
			char id[24];
			snprintf(id, sizeof(id), "%" PRIu64, hs_node_id(s, r[i].from));
			snprintf(sh, sizeof(sh), "%" PRIu64, a->self_size[r[i].from]);
			snprintf(re, sizeof(re), "%" PRIu64, a->dom.retained[r[i].from]);
			cells[0] = "retainer"; cells[1] = "1"; cells[2] = eb; cells[3] = id;
			cells[4] = hs_class_name(&a->classes, a->classes.class_of[r[i].from]);
			cells[5] = hs_node_type_name(s, r[i].from); cells[6] = "";
			cells[7] = sh; cells[8] = re;
			table_row(&o->t, cells);
		}
	}
	if (o->o->f == FMT_JSON)
		yajl_gen_array_close(o->g);
	else if (o->o->f == FMT_TEXT && shown < nr)
		printf("  … %zu more (--retainers N)\n", nr - shown);
	free(r);
}

/* ---- dominator chain -------------------------------------------------------- */

static void show_chain(struct out *o, uint32_t n)
{
	const struct hs_analysis *a = o->a;
	const struct hs_snapshot *s = a->s;
	uint32_t x = n, steps = 0, total = 0;

	/* length first (bounded by node_count: idom[root] = root) */
	while (x != s->root && total < s->node_count) {
		x = a->dom.idom[x];
		total++;
	}
	if (o->o->f == FMT_JSON) {
		json_kv_u64(o->g, "dominators_total", total);
		json_key(o->g, "dominators");
		yajl_gen_array_open(o->g);
	} else if (o->o->f == FMT_TEXT) {
		printf("\nDominator chain (%u step%s to the root%s)\n", total, total == 1 ? "" : "s",
		       total > (uint32_t)o->o->chain ? ", nearest shown" : "");
	}
	x = n;
	while (x != s->root && steps < (uint32_t)o->o->chain && steps < total) {
		char lb[400], sh[32], re[32], d[12];
		x = a->dom.idom[x];
		steps++;
		if (o->o->f == FMT_JSON) {
			yajl_gen_map_open(o->g);
			json_node_fields(o->g, a, x);
			yajl_gen_map_close(o->g);
		} else if (o->o->f == FMT_TEXT) {
			printf("  %*s%s  %s  %s\n", (int)(steps > 10 ? 10 : steps) - 1, "",
			       x == s->root ? "(root)" : node_label(a, x, lb, sizeof(lb)),
			       human_size(a->self_size[x], sh, sizeof(sh)),
			       human_size(a->dom.retained[x], re, sizeof(re)));
		} else {
			const char *cells[9];
			char id[24];
			snprintf(d, sizeof(d), "%u", steps);
			snprintf(id, sizeof(id), "%" PRIu64, hs_node_id(s, x));
			snprintf(sh, sizeof(sh), "%" PRIu64, a->self_size[x]);
			snprintf(re, sizeof(re), "%" PRIu64, a->dom.retained[x]);
			cells[0] = "dominator"; cells[1] = d; cells[2] = ""; cells[3] = id;
			cells[4] = hs_class_name(&a->classes, a->classes.class_of[x]);
			cells[5] = hs_node_type_name(s, x); cells[6] = "";
			cells[7] = sh; cells[8] = re;
			table_row(&o->t, cells);
		}
	}
	if (o->o->f == FMT_JSON)
		yajl_gen_array_close(o->g);
	else if (o->o->f == FMT_TEXT && steps < total)
		printf("  … %u more to the root (--chain N)\n", total - steps);
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
		OPT_BOOL("raw-sizes", &o->raw, "the file's shallow sizes (no DevTools re-attribution)"),
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
	static const char *const head[] = { "section", "depth", "edge", "id", "class", "type", "value",
					    "self_size", "retained_size" };
	static const char *const phead[] = { "Property", "Value", "Shallow", "Retained" };
	struct sopts o = { FMT_TEXT, 1, 40, 10, 20, 0, 0 };
	struct out out;
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
	if (o.f == FMT_JSON) {
		out.g = json_new(1);
		yajl_gen_map_open(out.g);
		json_kv_str(out.g, "file", s->file);
	} else if (o.f != FMT_TEXT) {
		table_init(&out.t, 9, head, "lrlllllrr");
	}
	show_header(&out, n);
	if (o.f == FMT_TEXT && o.depth) {
		table_init(&out.pt, 4, phead, "llrr");
		show_properties(&out, n);
		printf("\nProperties (%u)\n", hs_edge_end(s, n) - hs_edge_begin(s, n));
		if (out.pt.nrows)
			table_print(&out.pt, FMT_TEXT, 2);
		else
			printf("  none\n");
		table_release(&out.pt);
	} else {
		show_properties(&out, n);
	}
	show_retainers(&out, n);
	show_chain(&out, n);
	if (o.f == FMT_JSON) {
		json_finish(out.g);
	} else if (o.f != FMT_TEXT) {
		table_print(&out.t, o.f, 0);
		table_release(&out.t);
	}
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
