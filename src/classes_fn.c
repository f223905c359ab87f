/* Function rows (--by function): the class table with the Function class
 * (closures) split by function name and source location (classes.h).  The
 * key names the script by its URL, never by its id, so that the rows of two
 * snapshots of one program line up. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/classes.h"
#include "alloc.h"
#include "strbuf.h"

static const char no_location[] = "no location";
/* a key holds at most this much of a name and of a URL: a crafted snapshot
 * with huge names costs no more than a real one per closure */
#define NAME_MAX_KEY 1024
#define URL_MAX_KEY 4096

/* closure n's key into b (replacing what it held) */
static void key_add(struct hs_strbuf *b, const struct hs_snapshot *s, uint32_t n)
{
	const struct hs_location *loc = hs_snapshot_location(s, n);
	const char *name = hs_node_name(s, n), *url = loc ? hs_script_url(s, loc->script_node) : "";

	if (!*name)
		name = "(anonymous)";
	if (!*url)
		url = HS_UNKNOWN_SCRIPT;
	hs_strbuf_reset(b);
	if (!loc)
		hs_strbuf_addf(b, "%.*s (%s)", NAME_MAX_KEY, name, no_location);
	else
		hs_strbuf_addf(b, "%.*s (%.*s:%u:%u)", NAME_MAX_KEY, name, URL_MAX_KEY, url, loc->line + 1,
			       loc->column + 1);
}

size_t hs_function_key(const struct hs_snapshot *s, uint32_t n, char *buf, size_t len)
{
	struct hs_strbuf b = HS_STRBUF_INIT;
	size_t l;

	key_add(&b, s, n);
	l = b.len;
	if (len)
		snprintf(buf, len, "%s", hs_strbuf_str(&b));
	hs_strbuf_release(&b);
	return l;
}

/* digits ending at end (exclusive), at least one, the value below 2^32;
 * returns where they begin, or NULL */
static const char *digits_before(const char *begin, const char *end, uint32_t *v)
{
	const char *p = end;
	uint64_t x = 0, mult = 1;

	while (p > begin && p[-1] >= '0' && p[-1] <= '9' && end - p < 10) {
		p--;
		x += (uint64_t)(*p - '0') * mult;
		mult *= 10;
	}
	if (p == end || x > UINT32_MAX || (p > begin && p[-1] >= '0' && p[-1] <= '9'))
		return NULL;
	*v = (uint32_t)x;
	return p;
}

int hs_function_key_parse(const char *key, struct hs_fn_key *k)
{
	const char *open = strstr(key, " ("), *end, *p;
	size_t len = strlen(key);

	memset(k, 0, sizeof(*k));
	if (!open || open == key || len < 2 || key[len - 1] != ')')
		return 0;
	k->name_len = (size_t)(open - key);
	p = open + 2;
	end = key + len - 1;
	if ((size_t)(end - p) == sizeof(no_location) - 1 && !memcmp(p, no_location, sizeof(no_location) - 1))
		return 1;
	if (!(end = digits_before(p, end, &k->column)) || end == p || *--end != ':' ||
	    !(end = digits_before(p, end, &k->line)) || end == p || *--end != ':' || end == p ||
	    !k->line || !k->column)
		return 0;
	k->script = p;
	k->script_len = (size_t)(end - p);
	return 1;
}

void hs_classes_by_function(struct hs_classes *out, const struct hs_classes *c, const struct hs_snapshot *s,
			    const struct hs_sizes *self, const struct hs_dominators *d, const int32_t *distance)
{
	struct hs_strset set = { NULL };
	struct hs_strbuf buf = HS_STRBUF_INIT;
	uint32_t i, n;

	memset(out, 0, sizeof(*out));
	hs_strtab_init(&out->names);
	/* the class ids stay: the names are unique, interned in their order */
	for (i = 0; i < c->names.count; i++)
		hs_strtab_intern(&out->names, &set, hs_str(&c->names, i), hs_strlen(&c->names, i));
	HS_ALLOC_ARRAY(out->class_of, s->node_count ? s->node_count : 1);
	for (n = 0; n < s->node_count; n++) {
		if (s->t.closure == HS_NO_TYPE || s->node_type[n] != s->t.closure) {
			out->class_of[n] = c->class_of[n];
			continue;
		}
		key_add(&buf, s, n);
		out->class_of[n] = hs_strtab_intern(&out->names, &set, buf.buf, buf.len);
	}
	hs_strset_release(&set);
	hs_strbuf_release(&buf);
	out->n_interfaces = c->n_interfaces;
	hs_interfaces_copy(&out->interfaces, &c->interfaces);
	out->cls = hs_class_rows(s, self, d, distance, out->class_of, out->names.count, NULL);
}

int hs_function_key_selects(const char *key, const char *sel)
{
	struct hs_fn_key k, q;

	if (!hs_function_key_parse(key, &k))
		return 0;
	if (!strcmp(key, sel) || (strlen(sel) == k.name_len && !memcmp(sel, key, k.name_len)))
		return 1;
	/* the key as text prints it: the script's path cut at a '/' */
	if (!hs_function_key_parse(sel, &q) || q.name_len != k.name_len || memcmp(sel, key, k.name_len) ||
	    !k.script || !q.script || q.line != k.line || q.column != k.column || q.script_len >= k.script_len)
		return 0;
	return k.script[k.script_len - q.script_len - 1] == '/' &&
	       !memcmp(k.script + k.script_len - q.script_len, q.script, q.script_len);
}
