/* The output layer's front: values, the dispatch of events to the renderer
 * of the chosen format, and what every renderer shares (see output.h). */
#define _GNU_SOURCE /* vasprintf */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "output.h"
#include "alloc.h"

struct out_val ov_str(const char *s)
{
	struct out_val v = { OT_STR, s, strlen(s), 0, 0, 0, 0 };
	return v;
}

struct out_val ov_strn(const char *s, size_t len)
{
	struct out_val v = { OT_STR, s, len, 0, 0, 0, 0 };
	return v;
}

const char *out_val_human(const struct out_val *v, char *buf, size_t len)
{
	switch (v->t) {
	case OT_STR:
	case OT_NUMTEXT: return v->s;
	case OT_BOOL: return v->u ? "yes" : "no";
	case OT_UINT: snprintf(buf, len, "%" PRIu64, v->u); return buf;
	case OT_INT: snprintf(buf, len, "%" PRId64, v->i); return buf;
	case OT_COUNT: return group_digits(v->u, buf, len);
	case OT_BYTES: return human_size(v->u, buf, len);
	case OT_SIGNED: return signed_digits(v->i, buf, len);
	case OT_SIGNED_BYTES: return signed_size(v->i, buf, len);
	case OT_PERCENT: return percent(v->u, v->whole, buf, len);
	case OT_SIGNED_PERCENT: return signed_percent(v->i, v->whole, buf, len);
	case OT_NUM: snprintf(buf, len, "%.10g", v->d); return buf;
	case OT_NONE:
	case OT_NULL: break;
	}
	return "";
}

const char *out_val_machine(const struct out_val *v, char *buf, size_t len)
{
	switch (v->t) {
	case OT_BOOL: return v->u ? "true" : "false";
	case OT_COUNT:
	case OT_BYTES:
	case OT_UINT: snprintf(buf, len, "%" PRIu64, v->u); return buf;
	case OT_SIGNED:
	case OT_SIGNED_BYTES:
	case OT_INT: snprintf(buf, len, "%" PRId64, v->i); return buf;
	default: return out_val_human(v, buf, len);
	}
}

static const struct out_renderer *renderer_for(enum fmt f)
{
	switch (f) {
	case FMT_JSON: return &render_json;
	case FMT_CSV: return &render_csv;
	case FMT_MD: return &render_md;
	case FMT_TEXT: break;
	}
	return &render_text;
}

struct out *out_open(enum fmt f)
{
	struct out *o = hs_xmalloc(sizeof(*o));

	memset(o, 0, sizeof(*o));
	o->f = f;
	o->r = renderer_for(f);
	if (o->r->open)
		o->r->open(o);
	return o;
}

struct out *out_open_on(enum fmt f, yajl_gen g)
{
	struct out *o;

	if (!g)
		return out_open(f);
	o = hs_xmalloc(sizeof(*o));
	memset(o, 0, sizeof(*o));
	o->f = FMT_JSON;
	o->r = &render_json;
	o->g = g;
	o->started = o->borrowed = 1;
	return o;
}

void out_close(struct out *o)
{
	if (o->r->close && !o->borrowed)
		o->r->close(o);
	free(o);
}

unsigned out_view(const struct out *o) { return o->r->view; }
unsigned out_view_of(enum fmt f) { return renderer_for(f)->view; }
void out_flush(struct out *o) { if (o->r->flush) o->r->flush(o); }
yajl_gen out_yajl(struct out *o) { return o->r->view == OUT_TREE ? o->g : NULL; }

void out_field(struct out *o, const char *key, struct out_val v)
{
	if (o->r->field)
		o->r->field(o, key, &v);
}

void out_obj_begin(struct out *o, const char *key) { if (o->r->obj_begin) o->r->obj_begin(o, key); }
void out_obj_end(struct out *o) { if (o->r->obj_end) o->r->obj_end(o); }
void out_list_begin(struct out *o, const char *key) { if (o->r->list_begin) o->r->list_begin(o, key); }
void out_list_end(struct out *o) { if (o->r->list_end) o->r->list_end(o); }

void out_location(struct out *o, const struct hs_snapshot *s, uint32_t n)
{
	const struct hs_location *loc;

	if (o->r->view != OUT_TREE)
		return;
	loc = hs_snapshot_location(s, n);
	if (!loc) {
		out_field(o, "location", ov_null());
		return;
	}
	out_obj_begin(o, "location");
	out_kv_u64(o, "script_id", loc->script_id);
	if (*hs_script_url(s, loc->script_node)) /* whole (script_shown: for --format html's page) */
		out_kv_str(o, "script", script_shown(s, hs_script_url(s, loc->script_node)));
	out_kv_u64(o, "line", (uint64_t)loc->line + 1);
	out_kv_u64(o, "column", (uint64_t)loc->column + 1);
	out_obj_end(o);
}

static char *vformat(const char *fmt, va_list ap)
{
	char *p = NULL;
	if (vasprintf(&p, fmt, ap) < 0) {
		fprintf(stderr, "hsnap: out of memory (vasprintf)\n");
		exit(EXIT_LIMIT);
	}
	return p;
}

/* The text of fmt and ap to the renderer's event ev. */
static void vemit(struct out *o, void (*ev)(struct out *, const char *), const char *fmt, va_list ap)
{
	char *p = vformat(fmt, ap);

	ev(o, p);
	free(p);
}

void out_say(struct out *o, const char *plain, const char *doc, ...)
{
	const char *fmt = o->r->view == OUT_PLAIN ? plain : o->r->view == OUT_DOC ? (doc ? doc : plain) : OUT_SKIP;
	va_list ap;

	if (fmt == OUT_SKIP || !o->r->say)
		return;
	va_start(ap, doc);
	vemit(o, o->r->say, fmt, ap);
	va_end(ap);
}

char *out_strf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = vformat(fmt, ap);
	va_end(ap);
	return p;
}

void out_item(struct out *o, const char *fmt, ...)
{
	va_list ap;

	if (!o->r->item)
		return;
	va_start(ap, fmt);
	vemit(o, o->r->item, fmt, ap);
	va_end(ap);
}

static int table_shown(const struct out *o, const struct out_table *t)
{
	return !t->views || (t->views & o->r->view);
}

void out_table_begin(struct out *o, const struct out_table *t)
{
	if (o->depth == (int)(sizeof(o->stack) / sizeof(o->stack[0]))) {
		fprintf(stderr, "hsnap: internal error: tables nested too deep\n");
		abort();
	}
	o->stack[o->depth++] = o->t = t;
	if (table_shown(o, t) && o->r->table_begin)
		o->r->table_begin(o, t);
	o->ntables++;
}

void out_row(struct out *o, const struct out_val *cells)
{
	if (table_shown(o, o->t) && o->r->row)
		o->r->row(o, cells, 0);
}

void out_row_open(struct out *o, const struct out_val *cells)
{
	if (table_shown(o, o->t) && o->r->row)
		o->r->row(o, cells, 1);
}

void out_row_only(struct out *o, unsigned views, const struct out_val *cells)
{
	if (views & o->r->view)
		out_row(o, cells);
}

void out_row_close(struct out *o)
{
	if (table_shown(o, o->t) && o->r->row_close)
		o->r->row_close(o);
}

void out_table_end(struct out *o)
{
	if (table_shown(o, o->t) && o->r->table_end)
		o->r->table_end(o);
	o->depth--;
	o->t = o->depth ? o->stack[o->depth - 1] : NULL;
}

/* ---- shared by the people's renderers --------------------------------- */

void out_buf_begin(struct out *o, unsigned v)
{
	const struct out_table *t = o->t;
	int i, n = 0;

	HS_ALLOC_ARRAY(o->buf_head, (size_t)t->ncols);
	o->buf_align = hs_xmalloc((size_t)t->ncols + 1);
	for (i = 0; i < t->ncols; i++)
		if (out_col_in(t, i, v)) {
			o->buf_head[n] = t->cols[i].head;
			o->buf_align[n++] = t->cols[i].align;
		}
	o->buf_align[n] = '\0';
	table_init(&o->buf, n, o->buf_head, o->buf_align);
}

void out_buf_row(struct out *o, const struct out_val *cells, unsigned v)
{
	char (*b)[48];
	int n;
	const char **c = out_human_cells(o->t, cells, v, &b, &n);

	table_row(&o->buf, c);
	free(c);
	free(b);
}

void out_buf_end(struct out *o, enum fmt f, int indent)
{
	table_print(&o->buf, f, indent);
	table_release(&o->buf);
	free(o->buf_head);
	free(o->buf_align);
	o->buf_head = NULL;
	o->buf_align = NULL;
}

void out_print_layout(const char *layout, const char *const *cells, int n)
{
	const char *p;
	int k = 0;

	for (p = layout; *p; p++) {
		int left = 0, w = 0, len;
		if (*p != '%') {
			putchar(*p);
			continue;
		}
		if (p[1] == '%') {
			putchar('%');
			p++;
			continue;
		}
		p++;
		if (*p == '-') {
			left = 1;
			p++;
		}
		while (*p >= '0' && *p <= '9')
			w = w * 10 + (*p++ - '0');
		/* *p == 's' */
		if (k >= n)
			continue;
		len = (int)strlen(cells[k]);
		if (left)
			printf("%s%*s", cells[k], w > len ? w - len : 0, "");
		else
			printf("%*s%s", w > len ? w - len : 0, "", cells[k]);
		k++;
	}
	putchar('\n');
}

const char **out_human_cells(const struct out_table *t, const struct out_val *cells, unsigned v,
			     char (**bufs)[48], int *n)
{
	const char **c;
	char (*b)[48];
	int i;

	HS_ALLOC_ARRAY(c, (size_t)t->ncols);
	HS_ALLOC_ARRAY(b, (size_t)t->ncols);
	*n = 0;
	for (i = 0; i < t->ncols; i++)
		if (out_col_in(t, i, v)) {
			c[*n] = out_val_human(&cells[i], b[*n], sizeof(b[*n]));
			(*n)++;
		}
	*bufs = b;
	return c;
}
