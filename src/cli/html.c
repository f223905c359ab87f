/* --format html: the command's JSON output (the same code as --format json)
 * collected in memory and written into one self-contained page with the
 * report's CSS and JavaScript (src/report/, embedded at build time).  Also
 * -o FILE for any output: written to a temporary file beside FILE and renamed
 * over it when the command succeeds. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "cli.h"
#include "output.h"
#include "alloc.h"
#include "report_css.h"
#include "report_js.h"

const char *cli_html_kind;

static char *buf;
static size_t buf_len, buf_alloc;

int parse_format_html(const char *cmd, const char *arg, enum fmt *out)
{
	if (!strcmp(arg, "html")) {
		*out = FMT_JSON;
		cli_html_kind = cmd;
		/* the page's data is JSON: the stdout filter keeps it valid
		 * (\u escapes, U+FFFD), and the page's own text is plain ASCII */
		safe_stdout_json(1);
		return 0;
	}
	return parse_format(cmd, arg, out);
}

void html_append(const unsigned char *p, size_t len)
{
	if (buf_len + len + 1 > buf_alloc) {
		size_t n = buf_alloc ? buf_alloc : 1 << 16;
		while (n < buf_len + len + 1)
			n = hs_xmul(n, 2);
		buf = hs_xrealloc(buf, n);
		buf_alloc = n;
	}
	memcpy(buf + buf_len, p, len);
	buf_len += len;
}

/* The JSON goes into <script type="application/json">: no '<' may appear
 * (a snapshot string "</script>" would end the element), nor '>' and '&'
 * (belt and braces), nor U+2028/U+2029.  All of them can only occur inside
 * JSON strings, where \uXXXX means the same character. */
static void write_json_escaped(FILE *f)
{
	size_t i, start = 0;

	for (i = 0; i < buf_len; i++) {
		unsigned char c = (unsigned char)buf[i];
		const char *rep = NULL;
		size_t skip = 1;
		if (c == '<') rep = "\\u003c";
		else if (c == '>') rep = "\\u003e";
		else if (c == '&') rep = "\\u0026";
		else if (c == 0xe2 && i + 2 < buf_len && (unsigned char)buf[i + 1] == 0x80 &&
			 ((unsigned char)buf[i + 2] == 0xa8 || (unsigned char)buf[i + 2] == 0xa9)) {
			rep = (unsigned char)buf[i + 2] == 0xa8 ? "\\u2028" : "\\u2029";
			skip = 3;
		}
		if (!rep)
			continue;
		fwrite(buf + start, 1, i - start, f);
		fputs(rep, f);
		start = i + skip;
		i += skip - 1;
	}
	fwrite(buf + start, 1, buf_len - start, f);
}

/* s as the value of a double-quoted attribute: markup characters and
 * control bytes as character references. */
static void write_attr(FILE *f, const char *s)
{
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;
		if (c == '&') fputs("&amp;", f);
		else if (c == '<') fputs("&lt;", f);
		else if (c == '>') fputs("&gt;", f);
		else if (c == '"') fputs("&quot;", f);
		else if (c == '\'') fputs("&#39;", f);
		else if (c < 0x20 || c == 0x7f) fprintf(f, "&#%u;", c);
		else putc(c, f);
	}
}

void html_page_write(void)
{
	static const char *const titles[] = { "summary", "heap snapshot summary", "diff", "heap snapshot diff",
					      "leaks", "leaked objects", "growth", "snapshot growth",
					      "contexts", "dead closure variables", "realms", "realms" };
	const char *title = "hsnap report";
	size_t i;

	for (i = 0; i < sizeof(titles) / sizeof(titles[0]); i += 2)
		if (!strcmp(cli_html_kind, titles[i]))
			title = titles[i + 1];
	fputs("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
	      /* nothing is loaded from anywhere: the page is complete as it is */
	      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
	      "style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:; "
	      "base-uri 'none'; form-action 'none'\">\n"
	      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	      "<meta name=\"generator\" content=\"hsnap " HSNAP_VERSION "\">\n", stdout);
	printf("<title>hsnap: %s</title>\n<style>\n", title);
	fwrite(report_css, 1, report_css_len, stdout);
	printf("</style>\n</head>\n<body data-kind=\"%s\"", cli_html_kind);
	if (script_dir_page()) { /* the page shows script names relative to it */
		fputs(" data-script-dir=\"", stdout);
		write_attr(stdout, script_dir_page());
		putchar('"');
	}
	fputs(">\n", stdout);
	fputs("<header><h1 id=\"title\">hsnap</h1><div class=\"files\" id=\"files\"></div></header>\n"
	      "<main id=\"main\"><noscript>This report needs JavaScript to draw its tables; the data "
	      "is in the page source as JSON (hsnap ... --format json gives the same).</noscript></main>\n"
	      "<div id=\"tip\" role=\"tooltip\"></div>\n"
	      "<script type=\"application/json\" id=\"hsnap-data\">", stdout);
	write_json_escaped(stdout);
	fputs("</script>\n<script>\n", stdout);
	fwrite(report_js, 1, report_js_len, stdout);
	fputs("</script>\n</body>\n</html>\n", stdout);
	free(buf);
	buf = NULL;
	buf_len = buf_alloc = 0;
}

/* ---- the treemap's data: a bounded top of the dominator tree ------------- */

#define TM_MAX_NODES 2000
#define TM_MAX_KIDS 40
#define TM_MIN_PERMILLE 1 /* children below 0.1% of the heap are folded */

struct tmq { uint32_t node; int32_t index; int depth; };

static void tm_node(struct out *out, const struct hs_analysis *a, uint32_t n, int32_t parent)
{
	const struct hs_snapshot *s = a->s;
	const struct hs_location *loc = hs_snapshot_location(s, n);
	char lb[400];

	out_obj_begin(out, NULL);
	out_field(out, "p", ov_int(parent));
	out_kv_u64(out, "id", hs_node_id(s, n));
	out_kv_str(out, "label", n == s->root ? "(root)" : node_label(a, n, lb, sizeof(lb)));
	out_kv_str(out, "cls", hs_class_name(&a->classes, a->classes.class_of[n]));
	out_kv_u64(out, "s", hs_shallow_size(a, n));
	out_kv_u64(out, "r", a->dom.retained[n]);
	if (loc && loc->script_node != UINT32_MAX) {
		const char *url = hs_script_url(s, loc->script_node);
		char b[300];
		snprintf(b, sizeof(b), "%.200s:%u:%u", url, loc->line + 1, loc->column + 1);
		out_kv_str(out, "loc", b);
	}
	out_obj_end(out);
}

/* The largest `k` children of n (by retained size) into out; returns how many. */
static uint32_t tm_kids(const struct hs_analysis *a, uint32_t n, uint32_t k, uint32_t *out)
{
	const struct hs_dominators *d = &a->dom;
	uint32_t i, m = 0, from = d->dom_first[n], to = d->dom_first[n + 1];

	/* a simple bounded insertion: k is small */
	for (i = from; i < to; i++) {
		uint32_t c = d->dom_children[i], j;
		if (m == k && d->retained[c] <= d->retained[out[m - 1]])
			continue;
		j = m < k ? m++ : m - 1;
		while (j > 0 && (d->retained[out[j - 1]] < d->retained[c] ||
				 (d->retained[out[j - 1]] == d->retained[c] && out[j - 1] > c))) {
			out[j] = out[j - 1];
			j--;
		}
		out[j] = c;
	}
	return m;
}

struct tmap {
	struct out *out;
	const struct hs_analysis *a;
	struct tmq *q;
	uint32_t head, tail, *kids;
	int32_t emitted;
	uint64_t min;
};

/* The children of cur worth a tile (queued for their own children), then
 * one "other" tile for the rest. */
static void tm_children(struct tmap *t, struct tmq cur)
{
	const struct hs_analysis *a = t->a;
	uint32_t m, i, shown = 0, total = a->dom.dom_first[cur.node + 1] - a->dom.dom_first[cur.node];
	uint64_t rest = a->dom.retained[cur.node] - hs_shallow_size(a, cur.node);

	m = tm_kids(a, cur.node, TM_MAX_KIDS, t->kids);
	for (i = 0; i < m && t->emitted < TM_MAX_NODES; i++) {
		uint32_t kid = t->kids[i];
		if (a->dom.retained[kid] < t->min)
			break;
		tm_node(t->out, a, kid, cur.index);
		rest -= a->dom.retained[kid] < rest ? a->dom.retained[kid] : rest;
		shown++;
		if (t->tail < TM_MAX_NODES) {
			t->q[t->tail].node = kid;
			t->q[t->tail].index = t->emitted;
			t->q[t->tail].depth = cur.depth + 1;
			t->tail++;
		}
		t->emitted++;
	}
	if (shown && shown < total && rest && t->emitted < TM_MAX_NODES) {
		out_obj_begin(t->out, NULL);
		out_field(t->out, "p", ov_int(cur.index));
		out_kv_u64(t->out, "other", total - shown);
		out_kv_u64(t->out, "s", 0);
		out_kv_u64(t->out, "r", rest);
		out_obj_end(t->out);
		t->emitted++;
	}
}

void html_treemap(struct out *out, const struct hs_analysis *a)
{
	struct tmap t = { out, a, NULL, 0, 0, NULL, 0, a->stats.total / 1000 * TM_MIN_PERMILLE };

	if (!cli_html_kind || !(out_view(out) & OUT_TREE))
		return;
	HS_ALLOC_ARRAY(t.q, TM_MAX_NODES + 1);
	HS_ALLOC_ARRAY(t.kids, TM_MAX_KIDS);
	out_obj_begin(out, "treemap");
	out_field(out, "min_percent", ov_num(TM_MIN_PERMILLE / 10.0));
	out_list_begin(out, "nodes");
	tm_node(out, a, a->s->root, -1);
	t.q[t.tail].node = a->s->root;
	t.q[t.tail].index = t.emitted++;
	t.q[t.tail].depth = 0;
	t.tail++;
	/* breadth first, so the budget goes to the upper levels first */
	while (t.head < t.tail && t.emitted < TM_MAX_NODES) {
		struct tmq cur = t.q[t.head++];
		if (cur.depth < 12)
			tm_children(&t, cur);
	}
	out_list_end(out);
	out_obj_end(out);
	free(t.q);
	free(t.kids);
}

/* ---- -o FILE -------------------------------------------------------------- */

static char *out_path, *out_tmp;

int cli_output_open(const char *cmd, const char *path)
{
	struct stat st;
	size_t n;
	int fd;

	if (out_path)
		return usage_error(cmd, "-o given twice");
	if (!strcmp(path, "-"))
		return 0;
	if (!lstat(path, &st) && S_ISDIR(st.st_mode))
		return usage_error(cmd, "-o %s: is a directory", path);
	n = strlen(path);
	out_tmp = hs_xmalloc(n + 16);
	snprintf(out_tmp, n + 16, "%s.tmpXXXXXX", path);
	/* mkstemp: O_CREAT|O_EXCL, mode 0600 (reports hold the heap's strings) */
	if ((fd = mkstemp(out_tmp)) < 0) {
		fprintf(stderr, "hsnap: %s: cannot create %s: %s\n", cmd, out_tmp, strerror(errno));
		free(out_tmp);
		out_tmp = NULL;
		return EXIT_INPUT;
	}
	fflush(stdout);
	if (dup2(fd, 1) < 0) {
		fprintf(stderr, "hsnap: %s: %s: %s\n", cmd, path, strerror(errno));
		close(fd);
		unlink(out_tmp);
		return EXIT_INPUT;
	}
	close(fd);
	out_path = hs_xmalloc(n + 1);
	memcpy(out_path, path, n + 1);
	return 0;
}

int cli_output_close(int rc)
{
	if (!out_path)
		return rc;
	if (fflush(stdout) != 0 || fsync(1) != 0) {
		fprintf(stderr, "hsnap: %s: %s\n", out_path, strerror(errno));
		rc = EXIT_INPUT;
	}
	/* a gate violation (1) still writes its report: that is what CI keeps */
	if (rc == EXIT_OK || rc == EXIT_GATE) {
		if (rename(out_tmp, out_path) != 0) {
			fprintf(stderr, "hsnap: cannot write %s: %s\n", out_path, strerror(errno));
			unlink(out_tmp);
			rc = EXIT_INPUT;
		}
	} else {
		unlink(out_tmp);
	}
	free(out_path);
	free(out_tmp);
	out_path = out_tmp = NULL;
	return rc;
}
