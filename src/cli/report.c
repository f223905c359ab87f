/* Output helpers: human sizes, tables in text / markdown / CSV, JSON through
 * yajl_gen, and top-k selection. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "hsnap/owners.h"
#include "alloc.h"

const char *human_size(uint64_t b, char *buf, size_t len)
{
	static const char *const unit[] = { "kB", "MB", "GB", "TB" };
	double v = (double)b;
	int u = -1;

	if (b < 1000) {
		snprintf(buf, len, "%" PRIu64 " B", b);
		return buf;
	}
	while (v >= 1000 && u < 3) {
		v /= 1000;
		u++;
	}
	snprintf(buf, len, v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s", v, unit[u]);
	return buf;
}

const char *group_digits(uint64_t v, char *buf, size_t len)
{
	char tmp[32];
	int n = snprintf(tmp, sizeof(tmp), "%" PRIu64, v), i, j = 0;

	for (i = 0; i < n && (size_t)j + 2 < len; i++) {
		if (i && (n - i) % 3 == 0)
			buf[j++] = ',';
		buf[j++] = tmp[i];
	}
	buf[j] = '\0';
	return buf;
}

const char *signed_digits(int64_t v, char *buf, size_t len)
{
	char tmp[32];
	group_digits(v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v, tmp, sizeof(tmp));
	snprintf(buf, len, "%s%s", v < 0 ? "-" : v > 0 ? "+" : "", tmp);
	return buf;
}

const char *signed_size(int64_t v, char *buf, size_t len)
{
	char tmp[32];
	human_size(v < 0 ? (uint64_t)(-(v + 1)) + 1 : (uint64_t)v, tmp, sizeof(tmp));
	snprintf(buf, len, "%s%s", v < 0 ? "-" : v > 0 ? "+" : "", tmp);
	return buf;
}

const char *percent(uint64_t part, uint64_t whole, char *buf, size_t len)
{
	snprintf(buf, len, "%.1f%%", whole ? 100.0 * (double)part / (double)whole : 0.0);
	return buf;
}

const char *signed_percent(int64_t part, uint64_t whole, char *buf, size_t len)
{
	double p = whole ? 100.0 * (double)part / (double)whole : 0.0;
	/* the sign of the change, also when it rounds to 0.0 */
	snprintf(buf, len, "%s%.1f%%", part > 0 ? "+" : part < 0 ? "-" : "", p < 0 ? -p : p);
	return buf;
}

/* ---- tables ------------------------------------------------------------- */

void table_init(struct table *t, int ncols, const char *const *head, const char *align)
{
	memset(t, 0, sizeof(*t));
	t->ncols = ncols;
	t->head = head;
	t->align = align;
}

void table_row(struct table *t, const char *const *cells)
{
	int i;
	size_t need = (t->nrows + 1) * (size_t)t->ncols;

	if (need > t->alloc) {
		t->alloc = need * 2;
		HS_REALLOC_ARRAY(t->cells, t->alloc);
	}
	for (i = 0; i < t->ncols; i++) {
		size_t l = strlen(cells[i]);
		char *c = hs_xmalloc(l + 1);
		memcpy(c, cells[i], l + 1);
		t->cells[t->nrows * (size_t)t->ncols + (size_t)i] = c;
	}
	t->nrows++;
}

void csv_field(FILE *f, const char *s)
{
	if (!strpbrk(s, ",\"\n\r")) {
		fputs(s, f);
		return;
	}
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"')
			fputc('"', f);
		fputc(*s, f);
	}
	fputc('"', f);
}

void tsv_field(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '\t') fputs("\\t", f);
		else if (*s == '\n') fputs("\\n", f);
		else if (*s == '\r') fputs("\\r", f);
		else fputc(*s, f);
	}
}

void md_escape(FILE *f, const char *s)
{
	for (; *s; s++) {
		if (*s == '|' || *s == '\\' || *s == '*' || *s == '_' || *s == '`' || *s == '<' || *s == '[')
			fputc('\\', f);
		if (*s == '\n' || *s == '\r')
			fputc(' ', f);
		else
			fputc(*s, f);
	}
}

/* Display width of a UTF-8 string (code points; good enough for tables). */
static size_t width(const char *s)
{
	size_t w = 0;
	for (; *s; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			w++;
	return w;
}

void table_print(const struct table *t, enum fmt f, int indent)
{
	size_t r, *w;
	int i;

	if (f == FMT_CSV) {
		for (i = 0; i < t->ncols; i++) {
			if (i) putchar(',');
			csv_field(stdout, t->head[i]);
		}
		putchar('\n');
		for (r = 0; r < t->nrows; r++) {
			for (i = 0; i < t->ncols; i++) {
				if (i) putchar(',');
				csv_field(stdout, t->cells[r * (size_t)t->ncols + (size_t)i]);
			}
			putchar('\n');
		}
		return;
	}
	if (f == FMT_MD) {
		printf("|");
		for (i = 0; i < t->ncols; i++) {
			putchar(' ');
			md_escape(stdout, t->head[i]);
			printf(" |");
		}
		printf("\n|");
		for (i = 0; i < t->ncols; i++)
			printf(t->align[i] == 'r' ? "---:|" : "---|");
		putchar('\n');
		for (r = 0; r < t->nrows; r++) {
			printf("|");
			for (i = 0; i < t->ncols; i++) {
				putchar(' ');
				md_escape(stdout, t->cells[r * (size_t)t->ncols + (size_t)i]);
				printf(" |");
			}
			putchar('\n');
		}
		return;
	}
	HS_CALLOC_ARRAY(w, (size_t)t->ncols);
	for (i = 0; i < t->ncols; i++) {
		w[i] = width(t->head[i]);
		for (r = 0; r < t->nrows; r++) {
			size_t x = width(t->cells[r * (size_t)t->ncols + (size_t)i]);
			if (x > w[i])
				w[i] = x;
		}
	}
	for (r = 0; r <= t->nrows; r++) {
		printf("%*s", indent, "");
		for (i = 0; i < t->ncols; i++) {
			const char *c = r ? t->cells[(r - 1) * (size_t)t->ncols + (size_t)i] : t->head[i];
			size_t pad = w[i] - width(c);
			int last = i == t->ncols - 1;
			if (t->align[i] == 'r')
				printf("%*s%s", (int)pad, "", c);
			else
				printf("%s%*s", c, last ? 0 : (int)pad, "");
			if (!last)
				printf("  ");
		}
		putchar('\n');
	}
	free(w);
}

void table_release(struct table *t)
{
	size_t i;
	for (i = 0; i < t->nrows * (size_t)t->ncols; i++)
		free(t->cells[i]);
	free(t->cells);
	memset(t, 0, sizeof(*t));
}

/* ---- JSON ------------------------------------------------------------- */

yajl_gen json_new(int pretty)
{
	yajl_gen g = yajl_gen_alloc(NULL);
	if (!g) {
		fprintf(stderr, "hsnap: out of memory (yajl_gen_alloc)\n");
		exit(EXIT_LIMIT);
	}
	yajl_gen_config(g, yajl_gen_beautify, pretty);
	yajl_gen_config(g, yajl_gen_indent_string, "  ");
	return g;
}

void json_flush(yajl_gen g)
{
	const unsigned char *buf;
	size_t len;
	yajl_gen_get_buf(g, &buf, &len);
	if (cli_html_kind)
		html_append(buf, len);
	else
		fwrite(buf, 1, len, stdout);
	yajl_gen_clear(g);
}

void json_finish(yajl_gen g)
{
	yajl_gen_map_close(g);
	json_flush(g);
	if (cli_html_kind)
		html_page_write();
	else
		putchar('\n');
	yajl_gen_free(g);
}

void json_str(yajl_gen g, const char *s) { yajl_gen_string(g, (const unsigned char *)s, strlen(s)); }
void json_key(yajl_gen g, const char *k) { json_str(g, k); }

void json_u64(yajl_gen g, uint64_t v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%" PRIu64, v);
	yajl_gen_number(g, b, (size_t)n);
}

void json_i64(yajl_gen g, int64_t v)
{
	char b[32];
	int n = snprintf(b, sizeof(b), "%" PRId64, v);
	yajl_gen_number(g, b, (size_t)n);
}

void json_num(yajl_gen g, double v)
{
	char b[48];
	int n = snprintf(b, sizeof(b), "%.10g", v);
	yajl_gen_number(g, b, (size_t)n);
}

void json_kv_str(yajl_gen g, const char *k, const char *v) { json_key(g, k); json_str(g, v); }
void json_kv_u64(yajl_gen g, const char *k, uint64_t v) { json_key(g, k); json_u64(g, v); }

int indent_cols(long level)
{
	if (level < 0)
		level = 0;
	return 2 * (int)(level < MAX_INDENT_LEVELS ? level : MAX_INDENT_LEVELS);
}

int cli_full_paths;
enum fmt cli_fmt;

/* ---- script names relative to their common directory ------------------ */

/* The directory all the program's scripts share, from the first snapshot
 * that prints a location: the longest common prefix of the absolute script
 * names ("/..." or "file:///..."; not node:..., not relative names, which
 * read well as they are), cut after its last '/'.  "" when there is no
 * such script or the directory is "/" or "file:///". */
static char script_dir[512];
static int script_dir_done, script_dir_used;

static int absolute_name(const char *u)
{
	return u[0] == '/' || !strncmp(u, "file:///", 8);
}

static void script_dir_find(const struct hs_snapshot *s)
{
	const char *prev = NULL;
	size_t len = 0, k;
	int any = 0;
	uint32_t i;

	script_dir_done = 1;
	for (i = 0; i < s->location_count; i++) {
		const char *u = hs_script_url(s, s->locations[i].script_node);
		if (u == prev || !absolute_name(u))
			continue;
		prev = u;
		if (!any) {
			len = strlen(u);
			if (len >= sizeof(script_dir))
				len = sizeof(script_dir) - 1;
			memcpy(script_dir, u, len);
			any = 1;
			continue;
		}
		for (k = 0; k < len && script_dir[k] == u[k]; k++)
			;
		len = k;
	}
	while (len && script_dir[len - 1] != '/')
		len--;
	script_dir[len] = '\0';
	if (!strcmp(script_dir, "/") || !strcmp(script_dir, "file:///"))
		script_dir[0] = '\0';
}

/* url as people read it: relative to the scripts' directory in text and
 * markdown (JSON and CSV keep it whole; so does the data of an HTML page,
 * whose script shortens what it shows: script_dir_page). */
const char *script_shown(const struct hs_snapshot *s, const char *url)
{
	size_t l;

	if (cli_html_kind && !script_dir_done)
		script_dir_find(s);
	if ((cli_fmt != FMT_TEXT && cli_fmt != FMT_MD) || cli_html_kind)
		return url;
	if (!script_dir_done)
		script_dir_find(s);
	l = strlen(script_dir);
	if (!l || strncmp(url, script_dir, l) || !url[l])
		return url;
	script_dir_used = 1;
	return url + l;
}

const char *script_dir_note(void)
{
	return script_dir_used ? script_dir : NULL;
}

const char *script_dir_page(void)
{
	return script_dir_done && script_dir[0] ? script_dir : NULL;
}

/* "onMessage (lib/chat.js:78:20)" for closure n. */
const char *function_label(const struct hs_snapshot *s, uint32_t n, char *buf, size_t len)
{
	const struct hs_location *loc = hs_snapshot_location(s, n);
	const char *name = hs_node_name(s, n);

	if (!*name)
		name = "(anonymous)";
	if (!loc) {
		snprintf(buf, len, "%.120s", name);
	} else {
		const char *url = hs_script_url(s, loc->script_node);
		if (*url)
			snprintf(buf, len, "%.120s (%.160s:%u:%u)", name, script_shown(s, url), loc->line + 1,
				 loc->column + 1);
		else
			snprintf(buf, len, "%.120s (script %u:%u:%u)", name, loc->script_id, loc->line + 1,
				 loc->column + 1);
	}
	return buf;
}

const char *node_label(const struct hs_analysis *a, uint32_t n, char *buf, size_t len)
{
	const struct hs_snapshot *s = a->s;
	const char *cls = hs_class_name(&a->classes, a->classes.class_of[n]);
	const char *name = hs_node_name(s, n);
	uint8_t t = s->node_type[n];

	const struct hs_location *loc = (t == s->t.closure || t == s->t.object) ? hs_snapshot_location(s, n) : NULL;
	char where[160] = "";

	if (loc) {
		const char *url = hs_script_url(s, loc->script_node);
		if (*url)
			snprintf(where, sizeof(where), " (%.100s:%u:%u)", script_shown(s, url), loc->line + 1,
				 loc->column + 1);
		else
			snprintf(where, sizeof(where), " (script %u:%u:%u)", loc->script_id, loc->line + 1, loc->column + 1);
	}
	if (!strncmp(cls, "system / Context", 16)) {
		/* which function's variables: the closures whose context it is */
		uint32_t count, f = hs_context_owner(a, n, &count);
		if (f != UINT32_MAX) {
			char fl[320];
			snprintf(where, sizeof(where), " (of %.140s%s)", function_label(s, f, fl, sizeof(fl)),
				 count > 1 ? " and others" : "");
		}
	}
	if (t == s->t.object && !strcmp(name, "Object")) {
		char plain[128];
		hs_plain_object_name(s, n, plain, sizeof(plain));
		snprintf(buf, len, "%s @%" PRIu64 "%s", plain, hs_node_id(s, n), where);
	} else if ((t == s->t.string || t == s->t.closure || t == s->t.regexp) && *name)
		snprintf(buf, len, "%s \"%.60s%s\" @%" PRIu64 "%s", cls, name, strlen(name) > 60 ? "…" : "",
			 hs_node_id(s, n), where);
	else
		snprintf(buf, len, "%s @%" PRIu64 "%s", cls, hs_node_id(s, n), where);
	return buf;
}
