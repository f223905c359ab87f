/* The "strings" array's fast path: complete strings without escapes or
 * control characters go straight to the string table, which yajl's lexer
 * and a callback per string had done at about 0.12 GB/s (0.14 s of a
 * 642 MB snapshot's loading, on one thread).  Anything else goes back to
 * yajl at a point where it parses on as it always would: a string with a
 * backslash or a control character, a string cut by the chunk's end, a
 * separator other than ',' or ']' between plain whitespace.  So escapes,
 * errors and their messages stay yajl's; load.c re-enters this path after
 * each string yajl parses there (see feed). */
#include <string.h>
#include "load_internal.h"

int hs_load_fast_strings = 1;

static int plain_space(unsigned char c)
{
	return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

long hs_scan_strings(struct parser *p, const unsigned char *buf, size_t len, int *stop)
{
	struct hs_strtab *t = &p->s->strings;
	enum str_state st = p->strs.state;
	size_t i = 0;

	*stop = STR_GO_ON;
	while (i < len) {
		unsigned char c = buf[i];
		size_t j;

		if (plain_space(c)) {
			i++;
			continue;
		}
		if (c == ',' && st == STR_VALUE) {
			st = STR_COMMA;
			i++;
			continue;
		}
		if (c == ']' && st != STR_COMMA) {
			*stop = STR_CLOSED;
			i++;
			break;
		}
		if (c != '"' || st == STR_VALUE) {
			*stop = STR_HAND_OVER;
			break;
		}
		for (j = i + 1; j < len; j++) {
			unsigned char d = buf[j];
			if (d == '"' || d == '\\' || d < 0x20)
				break;
		}
		if (j == len || buf[j] != '"') { /* cut, or not plain: yajl's */
			*stop = STR_HAND_OVER;
			break;
		}
		if (t->count >= UINT32_MAX - 1024) {
			hs_load_fail(p, HS_ERR_LIMIT, "more than %u strings", UINT32_MAX - 1024);
			return -1;
		}
		hs_strtab_add(t, (const char *)buf + i + 1, j - i - 1);
		p->strs.fast++;
		st = STR_VALUE;
		i = j + 1;
	}
	p->strs.state = st;
	return (long)i;
}
