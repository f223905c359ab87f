/* The output layer: a command describes its result once, as a stream of
 * events (like yajl_gen, but semantic), and one renderer per format writes it.
 *
 * A result is made of
 *   - tables: columns with a type (string, count, bytes, percent, signed...),
 *     a heading for people and a key for machines; rows of typed values; a row
 *     may hold a nested section (top's subtree, a path's steps);
 *   - fields: keyed scalars and nested objects / lists (the JSON tree);
 *   - prose: the sentences and headings a person reads (text and markdown).
 *
 * Every event says in which VIEWS it appears.  A view is a way of looking at
 * the result; a format is how one view is written:
 *
 *   OUT_PLAIN  text for a terminal            renderer: render_text.c
 *   OUT_DOC    a markdown document            renderer: render_md.c
 *   OUT_TREE   nested data (JSON, html)       renderer: render_json.c (+ html.c)
 *   OUT_FLAT   one flat table (CSV)           renderer: render_csv.c
 *
 * Tables appear in every view by default (a column may be limited to some),
 * fields only in OUT_TREE, prose only in OUT_PLAIN and OUT_DOC.  A new format
 * is one renderer that consumes one of the views (struct out_renderer); no
 * command changes.  Commands never test the format. */
#ifndef HSNAP_CLI_OUTPUT_H
#define HSNAP_CLI_OUTPUT_H
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl_gen.h>
#include "cli.h"

enum {
	OUT_PLAIN = 1,
	OUT_DOC = 2,
	OUT_TREE = 4,
	OUT_FLAT = 8,
	OUT_HUMAN = OUT_PLAIN | OUT_DOC,
	OUT_DATA = OUT_TREE | OUT_FLAT,
	OUT_ALL = 15
};

/* What a value is; each renderer decides how it looks. */
enum out_type {
	OT_NONE,     /* absent: no JSON key, an empty cell */
	OT_NULL,     /* JSON null, an empty cell */
	OT_STR,
	OT_BOOL,
	OT_UINT,     /* digits everywhere (ids, depths, line numbers) */
	OT_INT,      /* signed digits everywhere */
	OT_COUNT,    /* people: 1,234; machines: 1234 */
	OT_BYTES,    /* people: 1.23 MB; machines: 1234567 */
	OT_SIGNED,   /* people: +1,234 / -5 / 0; machines: 1234 */
	OT_SIGNED_BYTES, /* people: +1.2 kB; machines: 1234 */
	OT_PERCENT,  /* part of whole: "12.3%" in every view but the tree */
	OT_SIGNED_PERCENT, /* "+1.5%" */
	OT_NUM,      /* a double: JSON %.10g */
	OT_NUMTEXT   /* a number as the snapshot wrote it: JSON a number, else the text */
};

struct out_val {
	enum out_type t;
	const char *s;   /* OT_STR */
	size_t len;      /* OT_STR: bytes for JSON (may hold NUL); people see up to the first NUL */
	uint64_t u;      /* OT_UINT, OT_COUNT, OT_BYTES, OT_PERCENT (part), OT_BOOL */
	int64_t i;       /* OT_INT, OT_SIGNED*, OT_SIGNED_PERCENT (part) */
	uint64_t whole;  /* percents */
	double d;        /* OT_NUM */
};

static inline struct out_val ov_none(void) { struct out_val v = { OT_NONE, 0, 0, 0, 0, 0, 0 }; return v; }
static inline struct out_val ov_null(void) { struct out_val v = { OT_NULL, 0, 0, 0, 0, 0, 0 }; return v; }
struct out_val ov_str(const char *s);
struct out_val ov_strn(const char *s, size_t len);
static inline struct out_val ov_bool(int b) { struct out_val v = { OT_BOOL, 0, 0, (uint64_t)!!b, 0, 0, 0 }; return v; }
static inline struct out_val ov_uint(uint64_t u) { struct out_val v = { OT_UINT, 0, 0, u, 0, 0, 0 }; return v; }
static inline struct out_val ov_int(int64_t i) { struct out_val v = { OT_INT, 0, 0, 0, i, 0, 0 }; return v; }
static inline struct out_val ov_count(uint64_t u) { struct out_val v = { OT_COUNT, 0, 0, u, 0, 0, 0 }; return v; }
static inline struct out_val ov_bytes(uint64_t u) { struct out_val v = { OT_BYTES, 0, 0, u, 0, 0, 0 }; return v; }
static inline struct out_val ov_signed(int64_t i) { struct out_val v = { OT_SIGNED, 0, 0, 0, i, 0, 0 }; return v; }
static inline struct out_val ov_signed_bytes(int64_t i) { struct out_val v = { OT_SIGNED_BYTES, 0, 0, 0, i, 0, 0 }; return v; }
static inline struct out_val ov_percent(uint64_t part, uint64_t whole) { struct out_val v = { OT_PERCENT, 0, 0, part, 0, whole, 0 }; return v; }
static inline struct out_val ov_signed_percent(int64_t part, uint64_t whole) { struct out_val v = { OT_SIGNED_PERCENT, 0, 0, 0, part, whole, 0 }; return v; }
static inline struct out_val ov_numtext(const char *s) { struct out_val v = { OT_NUMTEXT, s, 0, 0, 0, 0, 0 }; return v; }
static inline struct out_val ov_num(double d) { struct out_val v = { OT_NUM, 0, 0, 0, 0, 0, d }; return v; }

/* The value as people read it (human) or as a CSV/TSV cell (machine). */
const char *out_val_human(const struct out_val *v, char *buf, size_t len);
const char *out_val_machine(const struct out_val *v, char *buf, size_t len);

struct out_col {
	const char *head;   /* heading for people (OUT_HUMAN) */
	const char *key;    /* JSON key and CSV heading */
	char align;         /* 'l' or 'r' (people's tables) */
	unsigned views;     /* where the column appears; 0: everywhere */
};

enum {
	/* records for other tools (export): every view writes raw values one
	 * line per row: text tab-separated, markdown |a|b| without padding,
	 * JSON one object per line (JSON Lines), CSV as always */
	OUT_RECORDS = 1,
	/* OUT_FLAT: the rows continue the previous table (no new heading) */
	OUT_FLAT_APPEND = 2,
	/* OUT_TREE: one row, written as the object under the table's key
	 * (not an array of them) */
	OUT_ONE = 4,
	/* no heading line in any view (rows only) */
	OUT_HEADLESS = 8,
	/* OUT_FLAT and OUT_DOC: the rows continue the previous table (show's
	 * sections are one table there, with a section column) */
	OUT_APPEND = 16
};

struct out_table {
	const char *key;       /* JSON: the rows' array; NULL: into the open list */
	int ncols;
	const struct out_col *cols;
	unsigned views;        /* where the table appears; 0: everywhere */
	unsigned flags;
	int indent;            /* OUT_PLAIN: columns of indentation */
	/* OUT_PLAIN: a printf layout with one %s per OUT_PLAIN column, used for
	 * the heading and every row, which are then written as they come; NULL:
	 * columns aligned to the widest cell (rows kept until out_table_end) */
	const char *plain_layout;
	/* OUT_DOC: the same for the document view (one line per row instead of
	 * a pipe table) */
	const char *doc_layout;
	/* OUT_PLAIN, aligned: the line written instead when there is no row */
	const char *empty;
};

/* .ncols and .cols of a table from a static array of columns */
#define OUT_COLS(a) .ncols = (int)(sizeof(a) / sizeof((a)[0])), .cols = (a)

struct out;

/* One per command run; f is the --format given (html: FMT_JSON with
 * cli_html_kind set). */
struct out *out_open(enum fmt f);
/* A section written into a JSON generator that the caller owns (g not
 * NULL: the tree view, no top-level object, nothing finished by
 * out_close), else in format f: for the callers not converted yet. */
struct out *out_open_on(enum fmt f, yajl_gen g);
/* Finishes (JSON: closes the top-level object, newline or html page), frees. */
void out_close(struct out *o);
/* Which view the format renders (for the few choices of *what* to compute,
 * e.g. summary's CSV being only the class table). */
unsigned out_view(const struct out *o);
/* The same for a format, before anything is opened. */
unsigned out_view_of(enum fmt f);
/* Writes what a renderer holds back (markdown keeps a pipe table open for
 * OUT_APPEND), before code that prints by itself (gate_report.c). */
void out_flush(struct out *o);

/* fields (OUT_TREE): key NULL inside a list or at the top */
void out_field(struct out *o, const char *key, struct out_val v);
void out_obj_begin(struct out *o, const char *key);
void out_obj_end(struct out *o);
void out_list_begin(struct out *o, const char *key);
void out_list_end(struct out *o);
static inline void out_kv_str(struct out *o, const char *k, const char *s) { out_field(o, k, ov_str(s)); }
static inline void out_kv_u64(struct out *o, const char *k, uint64_t u) { out_field(o, k, ov_uint(u)); }
/* "location": {script_id, script, line, column} of node n, or null */
void out_location(struct out *o, const struct hs_snapshot *s, uint32_t n);
/* The yajl generator of a tree view (NULL in the others), for the sections
 * not converted yet (triage.c, print_path_groups' callers). */
yajl_gen out_yajl(struct out *o);

/* prose (OUT_PLAIN, OUT_DOC): plain and doc are printf formats for the two
 * human views; doc NULL: the same as plain; OUT_SKIP: nothing in that view */
#define OUT_SKIP ((const char *)1)
void out_say(struct out *o, const char *plain, const char *doc, ...)
	__attribute__((format(printf, 2, 0)));
/* A string formatted into new memory (free it), for composite cells. */
char *out_strf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* A list item: "  TEXT" in text, "- TEXT" in markdown. */
void out_item(struct out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* tables */
void out_table_begin(struct out *o, const struct out_table *t);
/* A row of t->ncols values (copied); out_row_open leaves the row's JSON
 * object open for fields and nested sections until out_row_close (the rows
 * written meanwhile belong to the same table in the flat views). */
void out_row(struct out *o, const struct out_val *cells);
void out_row_open(struct out *o, const struct out_val *cells);
void out_row_close(struct out *o);
/* A row that only the views in `views` show (e.g. "… 12 more"). */
void out_row_only(struct out *o, unsigned views, const struct out_val *cells);
void out_table_end(struct out *o);

/* ---- for renderers ---------------------------------------------------- */

struct out_renderer {
	unsigned view;   /* the one view this renderer consumes */
	void (*open)(struct out *o);
	void (*close)(struct out *o);
	void (*flush)(struct out *o);
	void (*field)(struct out *o, const char *key, const struct out_val *v);
	void (*obj_begin)(struct out *o, const char *key);
	void (*obj_end)(struct out *o);
	void (*list_begin)(struct out *o, const char *key);
	void (*list_end)(struct out *o);
	void (*say)(struct out *o, const char *text); /* formatted prose */
	void (*item)(struct out *o, const char *text);
	void (*table_begin)(struct out *o, const struct out_table *t);
	void (*row)(struct out *o, const struct out_val *cells, int open);
	void (*row_close)(struct out *o);
	void (*table_end)(struct out *o);
};

struct out {
	const struct out_renderer *r;
	enum fmt f;
	yajl_gen g;                 /* tree renderers */
	int started;                /* the top-level object is open */
	int borrowed;               /* g belongs to the caller */
	const struct out_table *stack[8]; /* the open tables, innermost last */
	int depth;
	const struct out_table *t;  /* the innermost open table */
	struct table buf;           /* OUT_PLAIN / OUT_DOC aligned tables */
	const char **buf_head;
	char *buf_align;
	int buf_pending;            /* OUT_DOC: a table ended, kept for OUT_APPEND */
	int ntables;                /* tables begun so far */
};

extern const struct out_renderer render_text, render_md, render_json, render_csv;

/* 1 when column c of t shows in view v. */
static inline int out_col_in(const struct out_table *t, int c, unsigned v)
{
	return !t->cols[c].views || (t->cols[c].views & v);
}

/* The people's table (OUT_PLAIN, OUT_DOC): the cells of the columns of view
 * v as people read them, kept until out_buf_end prints them aligned
 * (table_print, report.c). */
void out_buf_begin(struct out *o, unsigned v);
void out_buf_row(struct out *o, const struct out_val *cells, unsigned v);
void out_buf_end(struct out *o, enum fmt f, int indent);
/* A row in a printf layout: %s, %Ns and %-Ns (widths in bytes, as printf
 * counts them), one per cell, and %%; then a newline. */
void out_print_layout(const char *layout, const char *const *cells, int n);
/* The cells of view v as people read them (n of them; free the two). */
const char **out_human_cells(const struct out_table *t, const struct out_val *cells, unsigned v,
			     char (**bufs)[48], int *n);

#endif
