/* See json.h. */
#include <stdlib.h>
#include <string.h>
#include "alloc.h"
#include "json.h"

static void *y_malloc(void *ctx, size_t n) { (void)ctx; return hs_xmalloc(n); }
static void *y_realloc(void *ctx, void *q, size_t n) { (void)ctx; return hs_xrealloc(q, n); }
static void y_free(void *ctx, void *q) { (void)ctx; free(q); }

yajl_alloc_funcs *hs_yajl_alloc_funcs(void)
{
	static yajl_alloc_funcs funcs = { y_malloc, y_realloc, y_free, NULL };
	return &funcs;
}

yajl_val hs_json_get(yajl_val obj, const char *key, yajl_type t)
{
	size_t i;

	if (!YAJL_IS_OBJECT(obj))
		return NULL;
	for (i = obj->u.object.len; i-- > 0;) {
		yajl_val v = obj->u.object.values[i];
		if (strcmp(obj->u.object.keys[i], key))
			continue;
		if (t == yajl_t_any || (v && v->type == t))
			return v;
		return NULL; /* the last one is of another type */
	}
	return NULL;
}

size_t hs_json_too_deep(const char *text, size_t len, unsigned max)
{
	unsigned depth = 0;
	int in_str = 0, esc = 0;
	size_t i;

	for (i = 0; i < len; i++) {
		char c = text[i];
		if (in_str) {
			if (esc)
				esc = 0;
			else if (c == '\\')
				esc = 1;
			else if (c == '"')
				in_str = 0;
		} else if (c == '"') {
			in_str = 1;
		} else if (c == '[' || c == '{') {
			if (++depth > max)
				return i;
		} else if ((c == ']' || c == '}') && depth) {
			depth--;
		}
	}
	return (size_t)-1;
}

void hs_json_one_line(char *msg)
{
	char *r = msg, *w = msg;
	char *nl = strchr(msg, '\n');

	/* yajl's verbose errors are "kind: what.\n<input excerpt>\n(right here) ------^\n":
	 * the first line is the message; the excerpt may hold any bytes */
	if (nl)
		*nl = '\0';
	for (; *r; r++) {
		if (*r == ' ' && w > msg && w[-1] == ' ')
			continue;
		*w++ = *r;
	}
	while (w > msg && w[-1] == ' ')
		w--;
	*w = '\0';
}

int hs_js_parse_int(const char *p, int64_t *v)
{
	int neg = 0, any = 0, big = 0;
	int64_t x = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	for (; *p >= '0' && *p <= '9'; p++) {
		any = 1;
		if (x < ((int64_t)1 << 53))
			x = x * 10 + (*p - '0');
		else
			big = 1;
		if (x > ((int64_t)1 << 53))
			big = 1;
	}
	*v = neg ? -x : x;
	return any ? 1 + big : 0;
}
