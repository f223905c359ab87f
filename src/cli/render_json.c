/* OUT_TREE as JSON through yajl_gen: one pretty-printed top-level object
 * (fields, tables as arrays of objects keyed by their columns' keys, nested
 * sections inside their row), or records as JSON Lines.  --format html is
 * this JSON collected in memory and embedded in a page (html.c, through
 * json_flush / json_finish). */
#include <string.h>
#include "output.h"

/* the top-level object is opened by the first event that needs it: a
 * command that writes only records (export) has none */
static void start(struct out *o)
{
	if (!o->started && !(o->t && (o->t->flags & OUT_RECORDS))) {
		yajl_gen_map_open(o->g);
		o->started = 1;
	}
}

static void open_(struct out *o) { o->g = json_new(1); }

static void close_(struct out *o)
{
	if (o->started)
		json_finish(o->g);
	else
		yajl_gen_free(o->g);
	o->g = NULL;
}

static void key(struct out *o, const char *k)
{
	start(o);
	if (k)
		json_key(o->g, k);
}

static void value(yajl_gen g, const struct out_val *v)
{
	switch (v->t) {
	case OT_NONE: break;
	case OT_NULL: yajl_gen_null(g); break;
	case OT_STR: yajl_gen_string(g, (const unsigned char *)v->s, v->len); break;
	case OT_NUMTEXT: yajl_gen_number(g, v->s, strlen(v->s)); break;
	case OT_BOOL: yajl_gen_bool(g, (int)v->u); break;
	case OT_UINT:
	case OT_COUNT:
	case OT_BYTES: json_u64(g, v->u); break;
	case OT_INT:
	case OT_SIGNED:
	case OT_SIGNED_BYTES: json_i64(g, v->i); break;
	case OT_PERCENT: json_num(g, v->whole ? 100.0 * (double)v->u / (double)v->whole : 0.0); break;
	case OT_SIGNED_PERCENT: json_num(g, v->whole ? 100.0 * (double)v->i / (double)v->whole : 0.0); break;
	case OT_NUM: json_num(g, v->d); break;
	}
}

static void field(struct out *o, const char *k, const struct out_val *v)
{
	if (v->t == OT_NONE)
		return;
	key(o, k);
	value(o->g, v);
}

static void obj_begin(struct out *o, const char *k) { key(o, k); yajl_gen_map_open(o->g); }
static void obj_end(struct out *o) { yajl_gen_map_close(o->g); }
static void list_begin(struct out *o, const char *k) { key(o, k); yajl_gen_array_open(o->g); }
static void list_end(struct out *o) { yajl_gen_array_close(o->g); }

static void table_begin(struct out *o, const struct out_table *t)
{
	if (t->flags & OUT_RECORDS) {
		yajl_gen_config(o->g, yajl_gen_beautify, 0);
		return;
	}
	if (t->key && (t->flags & OUT_ONE))
		key(o, t->key);
	else if (t->key)
		list_begin(o, t->key);
}

static void row(struct out *o, const struct out_val *cells, int open)
{
	const struct out_table *t = o->t;
	int i;

	start(o);
	yajl_gen_map_open(o->g);
	for (i = 0; i < t->ncols; i++)
		if (out_col_in(t, i, OUT_TREE) && cells[i].t != OT_NONE) {
			json_key(o->g, t->cols[i].key);
			value(o->g, &cells[i]);
		}
	if (!open)
		yajl_gen_map_close(o->g);
	if (!open && (t->flags & OUT_RECORDS)) {
		json_flush(o->g);
		putchar('\n');
		yajl_gen_reset(o->g, NULL);
	}
}

static void row_close(struct out *o)
{
	yajl_gen_map_close(o->g);
	if (o->t->flags & OUT_RECORDS) {
		json_flush(o->g);
		putchar('\n');
		yajl_gen_reset(o->g, NULL);
	}
}

static void table_end(struct out *o)
{
	if (!(o->t->flags & (OUT_RECORDS | OUT_ONE)) && o->t->key)
		yajl_gen_array_close(o->g);
}

const struct out_renderer render_json = {
	.view = OUT_TREE,
	.open = open_,
	.close = close_,
	.field = field,
	.obj_begin = obj_begin,
	.obj_end = obj_end,
	.list_begin = list_begin,
	.list_end = list_end,
	.table_begin = table_begin,
	.row = row,
	.row_close = row_close,
	.table_end = table_end,
};
