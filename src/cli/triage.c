/* Triage sections of `hsnap summary`: detached DOM, duplicate strings, leak
 * suspects (Eclipse MAT style) and closures by function, computed by the
 * library (hsnap/triage.h) and described to the output layer here. */
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "output.h"
#include "byfn.h"
#include "hsnap/paths.h"
#include "hsnap/triage.h"
#include "path_groups.h"

/* ---- detached DOM ------------------------------------------------------------ */

static const struct out_col detached_cols[] = {
	{ "Class", "name", 'l', 0 }, { "Count", "count", 'r', 0 }, { "Retained", "retained_size", 'r', 0 },
};
static const struct out_table detached_table = {
	.key = "classes", OUT_COLS(detached_cols), .views = OUT_HUMAN | OUT_TREE, .indent = 2
};

/* The merged retainer paths of class row k (its 2 commonest shapes); key:
 * NULL for the people's "Why ... is alive" list, "paths" inside the row. */
static void detached_paths(struct out *out, const struct hs_analysis *a, const struct hs_detached *d,
			   uint32_t k, const char *key)
{
	struct hs_path_groups pg;

	hs_merge_paths_top(&pg, a, a->parent_edge, d->v[k].nodes, d->v[k].n, d->outer, 16, 2);
	out_path_groups(out, key, a, &pg, 2, 2);
	hs_path_groups_release(&pg);
}

static void detached_rows(struct out *out, const struct hs_analysis *a, const struct hs_detached *d, uint32_t top)
{
	const struct hs_classes *c = &a->classes;
	uint32_t k;

	if (!d->n) { /* the tree view's empty list; people read nothing */
		out_list_begin(out, "classes");
		out_list_end(out);
		return;
	}
	out_table_begin(out, &detached_table);
	for (k = 0; k < d->n && k < top; k++) {
		struct out_val v[3] = { ov_str(hs_class_name(c, d->v[k].cls)), ov_count(d->v[k].count),
					ov_bytes(d->v[k].retained) };
		out_row_open(out, v);
		if (a->parent_edge && (out_view(out) & OUT_TREE))
			detached_paths(out, a, d, k, "paths");
		out_row_close(out);
	}
	out_table_end(out);
}

void triage_detached(struct out *out, const struct hs_analysis *a, uint32_t top)
{
	struct hs_detached d;
	char b1[32], b2[32];
	struct hs_path_groups why[3];
	uint32_t k, nwhy = 0;

	hs_detached_find(&d, a);
	out_obj_begin(out, "detached_dom");
	out_kv_u64(out, "count", d.count);
	out_kv_u64(out, "retained_size", d.retained);
	if (d.n)
		out_say(out, "\nDetached DOM: %s nodes, %s retained\n", "\n### Detached DOM: %s nodes, %s retained\n\n",
			group_digits(d.count, b1, sizeof(b1)), human_size(d.retained, b2, sizeof(b2)));
	detached_rows(out, a, &d, top);
	out_obj_end(out);
	/* people: the first 3 classes' paths, all noted before any is printed
	 * (text folds the steps they all share) */
	for (k = 0; k < d.n && k < 3 && a->parent_edge && (out_view(out) & OUT_HUMAN); k++) {
		hs_merge_paths_top(&why[k], a, a->parent_edge, d.v[k].nodes, d.v[k].n, d.outer, 16, 2);
		path_groups_note(a, &why[k], 2);
		nwhy = k + 1;
	}
	for (k = 0; k < nwhy; k++) {
		out_say(out, "\n  Why %s is alive:\n", "\nWhy %s is alive:\n\n", hs_class_name(&a->classes, d.v[k].cls));
		out_path_groups(out, NULL, a, &why[k], 2, 2);
		hs_path_groups_release(&why[k]);
	}
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

static const struct out_col duplicate_cols[] = {
	{ "String", NULL, 'l', OUT_HUMAN }, { NULL, "text", 'l', OUT_TREE },
	{ "Copies", "count", 'r', 0 }, { "Size", "self_size", 'r', 0 }, { "Wasted", "wasted_size", 'r', 0 },
	{ "Mostly held by", "held_by", 'l', 0 },
};
static const struct out_table duplicate_table = {
	.key = "strings", OUT_COLS(duplicate_cols), .views = OUT_HUMAN | OUT_TREE, .indent = 2
};

void triage_duplicates(struct out *out, const struct hs_analysis *a, struct hs_duplicates *dups)
{
	const struct hs_strtab *st = &a->s->strings;
	const struct hs_duplicates d = *dups;
	char b1[32];
	uint32_t k;

	out_obj_begin(out, "duplicate_strings");
	out_kv_u64(out, "wasted_size", d.wasted);
	if (d.n) {
		out_say(out, "\nDuplicate strings: %s wasted\n", "\n### Duplicate strings: %s wasted\n\n",
			human_size(d.wasted, b1, sizeof(b1)));
		out_table_begin(out, &duplicate_table);
	} else {
		out_list_begin(out, "strings");
	}
	for (k = 0; k < d.n; k++) {
		char q[80];
		struct out_val v[6] = {
			ov_str(quoted_text(hs_str(st, d.v[k].str), q)), ov_strn(hs_str(st, d.v[k].str), hs_strlen(st, d.v[k].str)),
			ov_count(d.v[k].count), ov_bytes(d.v[k].size), ov_bytes(d.v[k].wasted), ov_str(d.v[k].held_by),
		};
		out_row(out, v);
	}
	if (d.n)
		out_table_end(out);
	else
		out_list_end(out);
	out_obj_end(out);
	hs_duplicates_release(dups);
}

/* ---- leak suspects ---------------------------------------------------------------- */

static const struct out_col step_cols[] = { { NULL, "edge", 'l', 0 }, { NULL, "class", 'l', 0 } };
static const struct out_table step_table = { .key = "path", OUT_COLS(step_cols), .views = OUT_TREE };

/* The dominator-tree path from `top` down to `ap` as [{class}, {edge, class}...]
 * (at most 16 steps, the ones nearest ap); edge: the first non-weak edge from
 * the dominator to the object, "" when the dominator holds it only indirectly. */
static void dominator_path(struct out *out, const struct hs_analysis *a, uint32_t top, uint32_t ap)
{
	const struct hs_snapshot *s = a->s;
	uint32_t chain[17], n = hs_dominator_chain(a, top, ap, chain), i;

	out_table_begin(out, &step_table);
	for (i = n; i-- > 0;) {
		char eb[160] = "";
		struct out_val v[2] = { ov_none(), ov_str(hs_path_node_name(a, chain[i])) };
		if (i != n - 1) {
			uint32_t e = hs_edge_between(s, chain[i + 1], chain[i]);
			if (e != UINT32_MAX)
				hs_edge_label(s, e, 0, eb, sizeof(eb));
			v[0] = ov_str(eb);
		}
		out_row(out, v);
	}
	out_table_end(out);
}

static const struct out_col node_cols[] = {
	{ NULL, "id", 'r', 0 }, { NULL, "class", 'l', 0 }, { NULL, "label", 'l', 0 }, { NULL, "retained_size", 'r', 0 },
};
static const struct out_table objects_table = { .key = "objects", OUT_COLS(node_cols), .views = OUT_TREE };
static const struct out_table ap_table = {
	.key = "accumulation_point", OUT_COLS(node_cols), .views = OUT_TREE, .flags = OUT_ONE
};

/* Node x as a row of the open table (id, class, label, retained size), left
 * open when `open`. */
static void suspect_node(struct out *out, const struct hs_analysis *a, uint32_t x, int open)
{
	const struct hs_classes *c = &a->classes;
	char lb[400];
	struct out_val v[4] = { ov_uint(hs_node_id(a->s, x)), ov_str(hs_class_name(c, c->class_of[x])),
				ov_str(node_label(a, x, lb, sizeof(lb))), ov_bytes(a->dom.retained[x]) };

	if (open)
		out_row_open(out, v);
	else
		out_row(out, v);
}

static void suspect_objects(struct out *out, const struct hs_analysis *a, const struct hs_suspects *r)
{
	char b1[200], b2[32], b3[32], b4[300], b5[32];
	uint32_t k;

	out_table_begin(out, &objects_table);
	for (k = 0; k < r->nobj; k++) {
		uint32_t x = r->obj[k].node, ap = r->obj[k].ap;
		suspect_node(out, a, x, 1);
		out_table_begin(out, &ap_table);
		suspect_node(out, a, ap, 0);
		out_table_end(out);
		dominator_path(out, a, x, ap);
		out_row_close(out);
		if (ap == x)
			b4[0] = '\0';
		else
			snprintf(b4, sizeof(b4), "; accumulation point %s (%s)", node_label(a, ap, b1, sizeof(b1)),
				 human_size(a->dom.retained[ap], b5, sizeof(b5)));
		out_item(out, "object %s retains %s (%s)%s", node_label(a, x, b1, sizeof(b1)),
			 human_size(a->dom.retained[x], b2, sizeof(b2)),
			 percent(a->dom.retained[x], a->stats.total, b3, sizeof(b3)), b4);
	}
	out_table_end(out);
}

static const struct out_col suspect_class_cols[] = {
	{ NULL, "name", 'l', 0 }, { NULL, "count", 'r', 0 }, { NULL, "retained_size", 'r', 0 },
};
static const struct out_table suspect_class_table = {
	.key = "classes", OUT_COLS(suspect_class_cols), .views = OUT_TREE
};

/* c: a's classes, or (fn) the function rows of --by function */
static void suspect_classes(struct out *out, const struct hs_analysis *a, const struct hs_classes *c, int fn,
			    const struct hs_suspects *r)
{
	char b2[32], b3[32], b4[32], label[1400];
	uint32_t i;

	out_table_begin(out, &suspect_class_table);
	for (i = 0; i < r->ncls; i++) {
		const struct hs_class *cl = &c->cls[r->cls[i]];
		const char *name = hs_class_name(c, r->cls[i]);
		struct out_val v[3] = { ov_str(name), ov_uint(cl->count), ov_uint(cl->retained_size) };
		row_out(out, v, name, fn);
		out_item(out, "class %s: %s object%s retain%s %s (%s)", fn ? row_label(name, label, sizeof(label)) : name,
			 group_digits(cl->count, b4, sizeof(b4)), cl->count == 1 ? "" : "s", cl->count == 1 ? "s" : "",
			 human_size(cl->retained_size, b2, sizeof(b2)),
			 percent(cl->retained_size, a->stats.total, b3, sizeof(b3)));
	}
	out_table_end(out);
}

void triage_suspects(struct out *out, const struct hs_analysis *a, const struct hs_classes *rows, double pct)
{
	struct hs_analysis ra = *a; /* the suspect classes among rows */
	struct hs_suspects r;

	ra.classes = *rows;
	hs_suspects_find(&r, &ra, pct);
	out_say(out, "\nLeak suspects (retaining at least %g%% of the heap)\n",
		"\n### Leak suspects (retaining at least %g%% of the heap)\n\n", pct);
	out_obj_begin(out, "suspects");
	out_field(out, "threshold_percent", ov_num(pct));
	suspect_objects(out, a, &r);
	suspect_classes(out, a, rows, rows != &a->classes, &r);
	out_obj_end(out);
	hs_suspects_release(&r);
}

/* ---- closures by function ------------------------------------------------------- */

/* The tree view writes the location after the name, then the numbers. */
static const struct out_col closure_cols[] = {
	{ "Function", NULL, 'l', OUT_HUMAN }, { NULL, "name", 'l', OUT_TREE },
	{ "Closures", NULL, 'r', OUT_HUMAN }, { "Shallow", NULL, 'r', OUT_HUMAN }, { "Retained", NULL, 'r', OUT_HUMAN },
};
static const struct out_table closure_table = {
	.key = "closures_by_function", OUT_COLS(closure_cols), .views = OUT_HUMAN | OUT_TREE, .indent = 2
};

static void closure_rows(struct out *out, const struct hs_snapshot *s, const struct hs_closures *r, size_t shown)
{
	size_t i;

	out_table_begin(out, &closure_table);
	for (i = 0; i < shown; i++) {
		uint32_t n = r->v[i].node;
		char lb[320];
		struct out_val v[5] = { ov_str(function_label(s, n, lb, sizeof(lb))), ov_str(hs_node_name(s, n)),
					ov_count(r->v[i].count), ov_bytes(r->v[i].self), ov_bytes(r->v[i].retained) };
		out_row_open(out, v);
		out_location(out, s, n);
		out_kv_u64(out, "count", r->v[i].count);
		out_kv_u64(out, "self_size", r->v[i].self);
		out_kv_u64(out, "retained_size", r->v[i].retained);
		out_kv_u64(out, "example_id", hs_node_id(s, n));
		out_row_close(out);
	}
	out_table_end(out);
}

void triage_closures(struct out *out, const struct hs_analysis *a, uint32_t top, struct hs_closures *found)
{
	struct hs_closures r;
	size_t shown;
	char b1[32], b2[32];

	if (found)
		r = *found;
	else
		hs_closures_by_function(&r, a);
	shown = r.n < top ? r.n : top;
	out_kv_u64(out, "closures_hidden", r.hidden);
	if (shown) {
		out_say(out, "\nClosures by function: %s functions; top %zu by count\n",
			"\n### Closures by function: %s functions; top %zu by count\n\n",
			group_digits(r.n, b1, sizeof(b1)), shown);
		out_say(out, "  (not counted: %s closures of builtins and of Node's own code, node:…)\n",
			"Not counted: %s closures of builtins and of Node's own code (node:…).\n\n",
			group_digits(r.hidden, b2, sizeof(b2)));
		closure_rows(out, a->s, &r, shown);
	} else {
		out_list_begin(out, "closures_by_function");
		out_list_end(out);
	}
	hs_closures_release(&r);
	if (found)
		memset(found, 0, sizeof(*found));
}
