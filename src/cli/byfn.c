/* --by class|function: function rows for the commands (byfn.h). */
#include <stdio.h>
#include <string.h>
#include "cli.h"
#include "byfn.h"

static int primed; /* script_shown has its directory */

const struct opt_choice by_choices[] = { { "class", BY_CLASS, 0 }, { "function", BY_FUNCTION, 0 }, { NULL, 0, 0 } };

void by_function_begin(struct hs_analysis *fa, const struct hs_analysis *a)
{
	*fa = *a;
	hs_classes_by_function(&fa->classes, &a->classes, a->s, &a->self_size, &a->dom, a->distance);
	(void)script_shown(a->s, "");
	primed = 1;
}

void by_function_end(struct hs_analysis *fa, struct hs_analysis *a)
{
	hs_classes_release(&fa->classes);
	if (fa->owners && fa->owners != a->owners) {
		if (!a->owners) {
			a->owners = fa->owners;
			a->owners_release = fa->owners_release;
		} else {
			fa->owners_release(fa->owners);
		}
	}
	fa->owners = NULL;
}

const char *row_label(const char *key, char *buf, size_t len)
{
	struct hs_fn_key k;
	char url[1024];

	if (!primed || !hs_function_key_parse(key, &k) || !k.script || k.script_len >= sizeof(url))
		return key;
	memcpy(url, k.script, k.script_len);
	url[k.script_len] = '\0';
	snprintf(buf, len, "%.*s (%s:%u:%u)", (int)k.name_len, key, script_shown(NULL, url), k.line, k.column);
	return buf;
}

void row_location(struct out *out, const char *key, int by_function)
{
	struct hs_fn_key k;
	char url[1024];

	if (!by_function || !hs_function_key_parse(key, &k) || !k.script)
		return;
	snprintf(url, sizeof(url), "%.*s", (int)k.script_len, k.script);
	out_obj_begin(out, "location");
	out_kv_str(out, "script", url);
	out_kv_u64(out, "line", k.line);
	out_kv_u64(out, "column", k.column);
	out_obj_end(out);
}

void row_out(struct out *out, const struct out_val *cells, const char *key, int by_function)
{
	struct hs_fn_key k;

	if (!by_function || !hs_function_key_parse(key, &k) || !k.script) {
		out_row(out, cells);
		return;
	}
	out_row_open(out, cells);
	row_location(out, key, by_function);
	out_row_close(out);
}
