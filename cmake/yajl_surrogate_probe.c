/* Configure-time probe (CMakeLists.txt, try_run): does this yajl decode a
 * lone high surrogate escape like Debian's patched 2.1.0 (CVE-2017-16516)?
 * Upstream 2.1.0's yajl_string_decode drops the character after the escape
 * ("a\ud800x" -> "a?") and, when that character is the backslash of an
 * escape ("a\ud800\\c"), reaches assert("this should never happen") and
 * aborts -- on any snapshot string with such a sequence.  Exit 0: fixed;
 * 1, or a crash: the bug. */
#include <stdio.h>
#include <string.h>
#include <yajl_tree.h>

int main(void)
{
	static const char doc[] = "[\"a\\ud800x\",\"a\\ud800\\\\c\"]";
	char err[256];
	yajl_val v = yajl_tree_parse(doc, err, sizeof(err));
	int ok = v && YAJL_IS_ARRAY(v) && v->u.array.len == 2 &&
		 YAJL_IS_STRING(v->u.array.values[0]) && YAJL_IS_STRING(v->u.array.values[1]) &&
		 !strcmp(YAJL_GET_STRING(v->u.array.values[0]), "a?x") &&
		 !strcmp(YAJL_GET_STRING(v->u.array.values[1]), "a?\\c");

	if (!ok)
		printf("lone surrogate decoded as '%s' / '%s'\n",
		       v && YAJL_IS_ARRAY(v) && v->u.array.len > 0 ? YAJL_GET_STRING(v->u.array.values[0]) : "?",
		       v && YAJL_IS_ARRAY(v) && v->u.array.len > 1 ? YAJL_GET_STRING(v->u.array.values[1]) : "?");
	yajl_tree_free(v);
	return ok ? 0 : 1;
}
