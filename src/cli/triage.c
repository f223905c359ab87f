/* Triage sections of `hsnap summary`: detached DOM, duplicate strings, leak
 * suspects (Eclipse MAT style) and closures by function, computed by the
 * library (hsnap/triage.h) and rendered here. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "hsnap/paths.h"
#include "hsnap/triage.h"

/* ---- detached DOM ------------------------------------------------------------ */

static void detached_json(const struct hs_analysis *a, const struct hs_detached *d, yajl_gen g, uint32_t top)
{
	const struct hs_classes *c = &a->classes;
	uint32_t k;

	json_key(g, "detached_dom");
	yajl_gen_map_open(g);
	json_kv_u64(g, "count", d->count);
	json_kv_u64(g, "retained_size", d->retained);
	json_key(g, "classes");
	yajl_gen_array_open(g);
	for (k = 0; k < d->n && k < top; k++) {
		struct hs_path_groups pg;
		yajl_gen_map_open(g);
		json_kv_str(g, "name", hs_class_name(c, d->v[k].cls));
		json_kv_u64(g, "count", d->v[k].count);
		json_kv_u64(g, "retained_size", d->v[k].retained);
		if (a->parent_edge) {
			hs_merge_paths_top(&pg, a, a->parent_edge, d->v[k].nodes, d->v[k].n, d->outer, 16, 2);
			json_key(g, "paths");
			print_path_groups(a, &pg, 2, FMT_JSON, g, 0);
			hs_path_groups_release(&pg);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void detached_report(const struct hs_analysis *a, const struct hs_detached *d, enum fmt f, uint32_t top)
{
	static const char *const head[] = { "Class", "Count", "Retained" };
	const struct hs_classes *c = &a->classes;
	struct table t;
	char b1[32], b2[32];
	uint32_t k;

	printf(f == FMT_MD ? "\n### Detached DOM: %s nodes, %s retained\n\n" : "\nDetached DOM: %s nodes, %s retained\n",
	       group_digits(d->count, b1, sizeof(b1)), human_size(d->retained, b2, sizeof(b2)));
	table_init(&t, 3, head, "lrr");
	for (k = 0; k < d->n && k < top; k++) {
		const char *cells[3];
		char cn[32], re[32];
		cells[0] = hs_class_name(c, d->v[k].cls);
		cells[1] = group_digits(d->v[k].count, cn, sizeof(cn));
		cells[2] = human_size(d->v[k].retained, re, sizeof(re));
		table_row(&t, cells);
	}
	table_print(&t, f, f == FMT_TEXT ? 2 : 0);
	table_release(&t);
	for (k = 0; k < d->n && k < 3 && a->parent_edge; k++) {
		struct hs_path_groups pg;
		hs_merge_paths_top(&pg, a, a->parent_edge, d->v[k].nodes, d->v[k].n, d->outer, 16, 2);
		printf(f == FMT_MD ? "\nWhy %s is alive:\n\n" : "\n  Why %s is alive:\n", hs_class_name(c, d->v[k].cls));
		print_path_groups(a, &pg, 2, f, NULL, 2);
		hs_path_groups_release(&pg);
	}
}

void triage_detached(const struct hs_analysis *a, enum fmt f, yajl_gen g, uint32_t top)
{
	struct hs_detached d;

	hs_detached_find(&d, a);
	if (g)
		detached_json(a, &d, g, top);
	else if (d.n)
		detached_report(a, &d, f, top);
	hs_detached_release(&d);
}

/* ---- duplicate strings -------------------------------------------------------- */

/* The text quoted for a table cell: at most 50 bytes, whole UTF-8 sequences,
 * line breaks and tabs as spaces, "…" when cut. */
static const char *quoted_text(const char *txt, char q[80])
{
	size_t i, o = 0;

	q[o++] = '"';
	for (i = 0; txt[i] && o < 50; i++)
		q[o++] = (txt[i] == '\n' || txt[i] == '\t' || txt[i] == '\r') ? ' ' : txt[i];
	while (o > 1 && ((unsigned char)q[o - 1] & 0xc0) == 0x80)
		o--; /* do not cut a UTF-8 sequence */
	if (o > 1 && ((unsigned char)q[o - 1] & 0xc0) == 0xc0)
		o--;
	if (txt[i])
		o += (size_t)snprintf(q + o, 80 - o, "…");
	q[o++] = '"';
	q[o] = '\0';
	return q;
}

static void duplicates_json(const struct hs_snapshot *s, const struct hs_duplicates *d, yajl_gen g)
{
	uint32_t k;

	json_key(g, "duplicate_strings");
	yajl_gen_map_open(g);
	json_kv_u64(g, "wasted_size", d->wasted);
	json_key(g, "strings");
	yajl_gen_array_open(g);
	for (k = 0; k < d->n; k++) {
		yajl_gen_map_open(g);
		json_key(g, "text");
		yajl_gen_string(g, (const unsigned char *)hs_str(&s->strings, d->v[k].str), hs_strlen(&s->strings, d->v[k].str));
		json_kv_u64(g, "count", d->v[k].count);
		json_kv_u64(g, "self_size", d->v[k].size);
		json_kv_u64(g, "wasted_size", d->v[k].wasted);
		json_kv_str(g, "held_by", d->v[k].held_by);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void duplicates_report(const struct hs_snapshot *s, const struct hs_duplicates *d, enum fmt f)
{
	static const char *const head[] = { "String", "Copies", "Size", "Wasted", "Mostly held by" };
	struct table t;
	char b1[32];
	uint32_t k;

	printf(f == FMT_MD ? "\n### Duplicate strings: %s wasted\n\n" : "\nDuplicate strings: %s wasted\n",
	       human_size(d->wasted, b1, sizeof(b1)));
	table_init(&t, 5, head, "lrrrl");
	for (k = 0; k < d->n; k++) {
		const char *cells[5];
		char q[80], cn[32], sz[32], ws[32];
		cells[0] = quoted_text(hs_str(&s->strings, d->v[k].str), q);
		cells[1] = group_digits(d->v[k].count, cn, sizeof(cn));
		cells[2] = human_size(d->v[k].size, sz, sizeof(sz));
		cells[3] = human_size(d->v[k].wasted, ws, sizeof(ws));
		cells[4] = d->v[k].held_by;
		table_row(&t, cells);
	}
	table_print(&t, f, f == FMT_TEXT ? 2 : 0);
	table_release(&t);
}

void triage_duplicates(const struct hs_analysis *a, enum fmt f, yajl_gen g, uint32_t top)
{
	struct hs_duplicates d;

	hs_duplicates_find(&d, a, top);
	if (g)
		duplicates_json(a->s, &d, g);
	else if (d.n)
		duplicates_report(a->s, &d, f);
	hs_duplicates_release(&d);
}

/* ---- leak suspects ---------------------------------------------------------------- */

/* The dominator-tree path from `top` down to `ap` as [{class}, {edge, class}...]
 * (at most 16 steps, the ones nearest ap); edge: the first non-weak edge from
 * the dominator to the object, "" when the dominator holds it only indirectly. */
static void dominator_path_json(yajl_gen g, const struct hs_analysis *a, uint32_t top, uint32_t ap)
{
	const struct hs_snapshot *s = a->s;
	uint32_t chain[17], n = hs_dominator_chain(a, top, ap, chain), i;

	yajl_gen_array_open(g);
	for (i = n; i-- > 0;) {
		yajl_gen_map_open(g);
		if (i != n - 1) {
			uint32_t e = hs_edge_between(s, chain[i + 1], chain[i]);
			char eb[160] = "";
			if (e != UINT32_MAX)
				hs_edge_label(s, e, 0, eb, sizeof(eb));
			json_kv_str(g, "edge", eb);
		}
		json_kv_str(g, "class", hs_path_node_name(a, chain[i]));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void suspect_node_json(yajl_gen g, const struct hs_analysis *a, uint32_t x)
{
	const struct hs_classes *c = &a->classes;
	char lb[400];

	json_kv_u64(g, "id", hs_node_id(a->s, x));
	json_kv_str(g, "class", hs_class_name(c, c->class_of[x]));
	json_kv_str(g, "label", node_label(a, x, lb, sizeof(lb)));
	json_kv_u64(g, "retained_size", a->dom.retained[x]);
}

static void suspects_json(const struct hs_analysis *a, const struct hs_suspects *r, yajl_gen g, double pct)
{
	const struct hs_classes *c = &a->classes;
	uint32_t k, i;

	json_key(g, "suspects");
	yajl_gen_map_open(g);
	json_key(g, "threshold_percent");
	json_num(g, pct);
	json_key(g, "objects");
	yajl_gen_array_open(g);
	for (k = 0; k < r->nobj; k++) {
		yajl_gen_map_open(g);
		suspect_node_json(g, a, r->obj[k].node);
		json_key(g, "accumulation_point");
		yajl_gen_map_open(g);
		suspect_node_json(g, a, r->obj[k].ap);
		yajl_gen_map_close(g);
		json_key(g, "path");
		dominator_path_json(g, a, r->obj[k].node, r->obj[k].ap);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_key(g, "classes");
	yajl_gen_array_open(g);
	for (i = 0; i < r->ncls; i++) {
		k = r->cls[i];
		yajl_gen_map_open(g);
		json_kv_str(g, "name", hs_class_name(c, k));
		json_kv_u64(g, "count", c->cls[k].count);
		json_kv_u64(g, "retained_size", c->cls[k].retained_size);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	yajl_gen_map_close(g);
}

static void suspects_report(const struct hs_analysis *a, const struct hs_suspects *r, enum fmt f, double pct)
{
	const struct hs_classes *c = &a->classes;
	char b1[200], b2[32], b3[32], b4[200];
	uint32_t k, i;

	printf(f == FMT_MD ? "\n### Leak suspects (retaining at least %g%% of the heap)\n\n"
			   : "\nLeak suspects (retaining at least %g%% of the heap)\n", pct);
	for (k = 0; k < r->nobj; k++) {
		uint32_t x = r->obj[k].node, ap = r->obj[k].ap;
		printf(f == FMT_MD ? "- object %s retains %s (%s)" : "  object %s retains %s (%s)",
		       node_label(a, x, b1, sizeof(b1)), human_size(a->dom.retained[x], b2, sizeof(b2)),
		       percent(a->dom.retained[x], a->stats.total, b3, sizeof(b3)));
		if (ap != x)
			printf("; accumulation point %s (%s)", node_label(a, ap, b4, sizeof(b4)),
			       human_size(a->dom.retained[ap], b2, sizeof(b2)));
		printf("\n");
	}
	for (i = 0; i < r->ncls; i++) {
		k = r->cls[i];
		printf(f == FMT_MD ? "- class %s: %s object%s retain%s %s (%s)\n" : "  class %s: %s object%s retain%s %s (%s)\n",
		       hs_class_name(c, k), group_digits(c->cls[k].count, b4, sizeof(b4)),
		       c->cls[k].count == 1 ? "" : "s", c->cls[k].count == 1 ? "s" : "",
		       human_size(c->cls[k].retained_size, b2, sizeof(b2)),
		       percent(c->cls[k].retained_size, a->stats.total, b3, sizeof(b3)));
	}
}

void triage_suspects(const struct hs_analysis *a, enum fmt f, yajl_gen g, double pct)
{
	struct hs_suspects r;

	hs_suspects_find(&r, a, pct);
	if (g)
		suspects_json(a, &r, g, pct);
	else
		suspects_report(a, &r, f, pct);
	hs_suspects_release(&r);
}

/* ---- closures by function ------------------------------------------------------- */

static void closures_json(const struct hs_snapshot *s, const struct hs_closures *r, yajl_gen g, size_t shown)
{
	size_t i;

	json_kv_u64(g, "closures_hidden", r->hidden);
	json_key(g, "closures_by_function");
	yajl_gen_array_open(g);
	for (i = 0; i < shown; i++) {
		uint32_t n = r->v[i].node;
		yajl_gen_map_open(g);
		json_kv_str(g, "name", hs_node_name(s, n));
		json_location(g, s, n);
		json_kv_u64(g, "count", r->v[i].count);
		json_kv_u64(g, "self_size", r->v[i].self);
		json_kv_u64(g, "retained_size", r->v[i].retained);
		json_kv_u64(g, "example_id", hs_node_id(s, n));
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

static void closures_report(const struct hs_snapshot *s, const struct hs_closures *r, enum fmt f, size_t shown)
{
	static const char *const head[] = { "Function", "Closures", "Shallow", "Retained" };
	struct table t;
	char b1[32];
	char b2[32];
	size_t i;

	printf(f == FMT_MD ? "\n### Closures by function: %s functions; top %zu by count\n\n"
			   : "\nClosures by function: %s functions; top %zu by count\n",
	       group_digits(r->n, b1, sizeof(b1)), shown);
	printf(f == FMT_MD ? "Not counted: %s closures of builtins and of Node's own code (node:…).\n\n"
			   : "  (not counted: %s closures of builtins and of Node's own code, node:…)\n",
	       group_digits(r->hidden, b2, sizeof(b2)));
	table_init(&t, 4, head, "lrrr");
	for (i = 0; i < shown; i++) {
		const char *cells[4];
		char lb[320], cn[32], sh[32], re[32];
		cells[0] = function_label(s, r->v[i].node, lb, sizeof(lb));
		cells[1] = group_digits(r->v[i].count, cn, sizeof(cn));
		cells[2] = human_size(r->v[i].self, sh, sizeof(sh));
		cells[3] = human_size(r->v[i].retained, re, sizeof(re));
		table_row(&t, cells);
	}
	table_print(&t, f, f == FMT_TEXT ? 2 : 0);
	table_release(&t);
}

void triage_closures(const struct hs_analysis *a, enum fmt f, yajl_gen g, uint32_t top)
{
	struct hs_closures r;
	size_t shown;

	if (f == FMT_CSV)
		return;
	hs_closures_by_function(&r, a);
	shown = r.n < top ? r.n : top;
	if (g)
		closures_json(a->s, &r, g, shown);
	else if (shown)
		closures_report(a->s, &r, f, shown);
	hs_closures_release(&r);
}
