/* Primitive values of nodes (see values.h). */
#include <string.h>
#include "hsnap/values.h"

static int is_string_type(const struct hs_snapshot *s, uint8_t t)
{
	return t != HS_NO_TYPE && (t == s->t.string || t == s->t.cons_string || t == s->t.sliced_string);
}

/* Target of n's first edge of type `type` named `name` (string-named edge
 * types) or with index `index` (element/hidden), UINT32_MAX if none. */
static uint32_t edge_target(const struct hs_snapshot *s, uint32_t n, uint8_t type, const char *name,
			    uint32_t index)
{
	uint32_t e;

	if (type == HS_NO_TYPE)
		return UINT32_MAX;
	for (e = hs_edge_begin(s, n); e < hs_edge_end(s, n); e++) {
		if (s->edge_type[e] != type)
			continue;
		if (name ? hs_edge_has_string_name(s, e) && !strcmp(hs_str(&s->strings, s->edge_name[e]), name)
			 : !hs_edge_has_string_name(s, e) && s->edge_name[e] == index)
			return s->edge_to[e];
	}
	return UINT32_MAX;
}

struct hs_value hs_node_value(const struct hs_snapshot *s, uint32_t n)
{
	struct hs_value v = { HS_VALUE_NONE, NULL, 0 };
	uint8_t t = s->node_type[n];
	uint32_t x;

	if (is_string_type(s, t)) {
		v.kind = HS_VALUE_STRING;
		v.text = hs_node_name(s, n);
		v.len = hs_strlen(&s->strings, s->node_name[n]);
		return v;
	}
	if (t != HS_NO_TYPE && t == s->t.number) {
		/* "capture numeric values": internal edge `value` to the digits */
		x = edge_target(s, n, s->t.e_internal, "value", 0);
		if (x != UINT32_MAX && s->node_type[x] == s->t.string) {
			v.kind = HS_VALUE_NUMBER;
			v.text = hs_node_name(s, x);
			v.len = hs_strlen(&s->strings, s->node_name[x]);
		}
		return v;
	}
	if (t != HS_NO_TYPE && t == s->t.hidden && !strcmp(hs_node_name(s, n), "system / Oddball")) {
		x = edge_target(s, n, s->t.e_hidden, NULL, 0);
		if (x == UINT32_MAX || s->node_type[x] != s->t.string)
			return v;
		v.text = hs_node_name(s, x);
		v.len = hs_strlen(&s->strings, s->node_name[x]);
		if (!strcmp(v.text, "true") || !strcmp(v.text, "false"))
			v.kind = HS_VALUE_BOOLEAN;
		else if (!strcmp(v.text, "null"))
			v.kind = HS_VALUE_NULL;
		else if (!strcmp(v.text, "undefined"))
			v.kind = HS_VALUE_UNDEFINED;
		else
			v.kind = HS_VALUE_OTHER_ODDBALL;
	}
	return v;
}
