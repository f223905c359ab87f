/* OUT_DOC as markdown: prose as it is, list items "- ", tables as pipe
 * tables (cells escaped), records as |a|b| lines without padding. */
#include <stdlib.h>
#include "output.h"
#include "alloc.h"

/* A pipe table is printed when whatever follows it is not a table that
 * continues it (OUT_APPEND). */
static void flush(struct out *o)
{
	if (o->buf_pending) {
		o->buf_pending = 0;
		out_buf_end(o, FMT_MD, 0);
	}
}

static void say(struct out *o, const char *text)
{
	flush(o);
	fputs(text, stdout);
}

static void item(struct out *o, const char *text)
{
	flush(o);
	printf("- %s\n", text);
}

static void close_(struct out *o) { flush(o); }

static void table_begin(struct out *o, const struct out_table *t)
{
	int i, n = 0;

	if (o->buf_pending && (t->flags & OUT_APPEND) && !t->doc_layout && !(t->flags & OUT_RECORDS)) {
		o->buf_pending = 0;
		return;
	}
	flush(o);
	if (t->doc_layout) {
		if (!(t->flags & OUT_HEADLESS)) {
			const char **h;
			HS_ALLOC_ARRAY(h, (size_t)t->ncols);
			for (i = 0; i < t->ncols; i++)
				if (out_col_in(t, i, OUT_DOC))
					h[n++] = t->cols[i].head;
			out_print_layout(t->doc_layout, h, n);
			free(h);
		}
		return;
	}
	if (!(t->flags & OUT_RECORDS)) {
		out_buf_begin(o, OUT_DOC);
		return;
	}
	if (t->flags & OUT_HEADLESS)
		return;
	putchar('|');
	for (i = 0; i < t->ncols; i++)
		if (out_col_in(t, i, OUT_DOC)) {
			printf("%s|", t->cols[i].key);
			n++;
		}
	printf("\n|");
	while (n--)
		printf("---|");
	putchar('\n');
}

static void row(struct out *o, const struct out_val *cells, int open)
{
	const struct out_table *t = o->t;
	char b[48];
	int i;

	(void)open;
	if (t->doc_layout) {
		char (*bufs)[48];
		int n;
		const char **c = out_human_cells(t, cells, OUT_DOC, &bufs, &n);
		out_print_layout(t->doc_layout, c, n);
		free(c);
		free(bufs);
		return;
	}
	if (!(t->flags & OUT_RECORDS)) {
		out_buf_row(o, cells, OUT_DOC);
		return;
	}
	putchar('|');
	for (i = 0; i < t->ncols; i++)
		if (out_col_in(t, i, OUT_DOC)) {
			if (cells[i].t == OT_STR)
				md_escape(stdout, cells[i].s);
			else
				fputs(out_val_machine(&cells[i], b, sizeof(b)), stdout);
			putchar('|');
		}
	putchar('\n');
}

static void table_end(struct out *o)
{
	if (!(o->t->flags & OUT_RECORDS) && !o->t->doc_layout)
		o->buf_pending = 1;
}

const struct out_renderer render_md = {
	.view = OUT_DOC,
	.close = close_,
	.flush = flush,
	.say = say,
	.item = item,
	.table_begin = table_begin,
	.row = row,
	.table_end = table_end,
};
