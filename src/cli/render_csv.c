/* OUT_FLAT as CSV (RFC 4180 quoting): each table a heading of its column
 * keys and one line per row, nested rows included; raw numbers. */
#include "output.h"

static void table_begin(struct out *o, const struct out_table *t)
{
	int i, n = 0;

	if (((t->flags & (OUT_FLAT_APPEND | OUT_APPEND)) && o->ntables) || (t->flags & OUT_HEADLESS))
		return;
	for (i = 0; i < t->ncols; i++)
		if (out_col_in(t, i, OUT_FLAT)) {
			if (n++)
				putchar(',');
			csv_field(stdout, t->cols[i].key);
		}
	putchar('\n');
}

static void row(struct out *o, const struct out_val *cells, int open)
{
	const struct out_table *t = o->t;
	char b[48];
	int i, n = 0;

	(void)open;
	for (i = 0; i < t->ncols; i++)
		if (out_col_in(t, i, OUT_FLAT)) {
			if (n++)
				putchar(',');
			csv_field(stdout, out_val_machine(&cells[i], b, sizeof(b)));
		}
	putchar('\n');
}

const struct out_renderer render_csv = {
	.view = OUT_FLAT,
	.table_begin = table_begin,
	.row = row,
};
