/* OUT_PLAIN as text for a terminal: prose as it is, list items indented by
 * two, tables aligned to their widest cell (or in the table's own printf
 * layout), records tab-separated. */
#include <stdlib.h>
#include <string.h>
#include "output.h"
#include "alloc.h"

static void say(struct out *o, const char *text) { (void)o; fputs(text, stdout); }

static void item(struct out *o, const char *text)
{
	(void)o;
	printf("  %s\n", text);
}

static void table_begin(struct out *o, const struct out_table *t)
{
	int i, first = 1;

	if (t->flags & OUT_HEADLESS) {
		if (!(t->flags & OUT_RECORDS) && !t->plain_layout)
			out_buf_begin(o, OUT_PLAIN);
	} else if (t->flags & OUT_RECORDS) {
		for (i = 0; i < t->ncols; i++)
			if (out_col_in(t, i, OUT_PLAIN)) {
				printf("%s%s", first ? "" : "\t", t->cols[i].key);
				first = 0;
			}
		putchar('\n');
	} else if (t->plain_layout) {
		const char **h;
		int n = 0;
		HS_ALLOC_ARRAY(h, (size_t)t->ncols);
		for (i = 0; i < t->ncols; i++)
			if (out_col_in(t, i, OUT_PLAIN))
				h[n++] = t->cols[i].head;
		printf("%*s", t->indent, "");
		out_print_layout(t->plain_layout, h, n);
		free(h);
	} else {
		out_buf_begin(o, OUT_PLAIN);
	}
}

static void row(struct out *o, const struct out_val *cells, int open)
{
	const struct out_table *t = o->t;
	int i, n = 0;

	(void)open;
	if (t->flags & OUT_RECORDS) {
		char b[48];
		for (i = 0; i < t->ncols; i++)
			if (out_col_in(t, i, OUT_PLAIN)) {
				if (n++)
					putchar('\t');
				if (cells[i].t == OT_STR)
					tsv_field(stdout, cells[i].s);
				else
					fputs(out_val_machine(&cells[i], b, sizeof(b)), stdout);
			}
		putchar('\n');
	} else if (t->plain_layout) {
		char (*b)[48];
		const char **c = out_human_cells(t, cells, OUT_PLAIN, &b, &n);
		printf("%*s", t->indent, "");
		out_print_layout(t->plain_layout, c, n);
		free(c);
		free(b);
	} else {
		out_buf_row(o, cells, OUT_PLAIN);
	}
}

static void table_end(struct out *o)
{
	const struct out_table *t = o->t;
	if (!(t->flags & OUT_RECORDS) && !t->plain_layout) {
		if (!o->buf.nrows && t->empty) {
			printf("%s\n", t->empty);
			table_release(&o->buf);
			free(o->buf_head);
			free(o->buf_align);
			o->buf_head = NULL;
			o->buf_align = NULL;
		} else {
			out_buf_end(o, FMT_TEXT, t->indent);
		}
	}
}

const struct out_renderer render_text = {
	.view = OUT_PLAIN,
	.say = say,
	.item = item,
	.table_begin = table_begin,
	.row = row,
	.table_end = table_end,
};
