/* --fail-on rules: parsing and evaluation. */
#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/gate.h"
#include "hsnap/diff.h"
#include "hsnap/classes.h"
#include "alloc.h"

const char *hs_metric_name(enum hs_metric m)
{
	static const char *const n[] = { "count", "self", "retained", "new" };
	return n[m];
}

static int bad(struct hs_error *err, const char *text, const char *why)
{
	return hs_error_set(err, HS_ERR_USAGE, "bad rule '%.120s': %s", text, why);
}

static int parse_limit(struct hs_rule *r, const char *s, struct hs_error *err)
{
	static const struct { const char *unit; double mult; } units[] = {
		{ "KiB", 1024.0 }, { "MiB", 1048576.0 }, { "GiB", 1073741824.0 },
		{ "KB", 1e3 }, { "MB", 1e6 }, { "GB", 1e9 }, { "kB", 1e3 }, { "B", 1.0 },
	};
	char *end;
	double v;
	size_t i;

	if (!*s)
		return bad(err, r->text, "the limit after '>' is missing");
	if (!isdigit((unsigned char)*s))
		return bad(err, r->text, "the limit must be a non-negative number (e.g. 1000, 5MB, 10%)");
	{
		/* digits, optionally a decimal part: no hex, no exponent */
		size_t d = strspn(s, "0123456789");
		if (s[d] == '.')
			d += 1 + strspn(s + d + 1, "0123456789");
		if (s[d] == 'x' || s[d] == 'X' || s[d] == 'e' || s[d] == 'E' || s[d] == '.')
			return bad(err, r->text, "the limit must be a plain decimal number (no hex, no exponent)");
	}
	v = strtod(s, &end);
	if (!isfinite(v))
		return bad(err, r->text, "the limit is not a finite number");
	if (*end == '%' && end[1] == '\0') {
		r->percent = 1;
		r->limit = v;
		return 0;
	}
	if (*end == '\0') {
		r->limit = v;
		return 0;
	}
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++)
		if (!strcmp(end, units[i].unit)) {
			if (r->metric == HS_METRIC_COUNT || r->metric == HS_METRIC_NEW)
				return bad(err, r->text, "a size unit makes no sense for count or new");
			r->limit = v * units[i].mult;
			return 0;
		}
	return bad(err, r->text, "unknown unit (use KB, MB, GB, KiB, MiB, GiB or %)");
}

int hs_rule_parse(const char *full, struct hs_rule *r, struct hs_error *err)
{
	const char *gt, *colon, *text = full;
	char body[sizeof(r->text)];
	size_t sel_len, met_len, len = strlen(full);

	memset(r, 0, sizeof(*r));
	if (len >= sizeof(r->text))
		return bad(err, full, "rule too long");
	strcpy(r->text, full);
	if (len && full[len - 1] == '?') { /* optional: parse what comes before */
		r->optional = 1;
		memcpy(body, full, len - 1);
		body[len - 1] = '\0';
		text = body;
	}
	gt = strrchr(text, '>');
	if (!gt)
		return bad(err, r->text, "expected SELECTOR:METRIC>LIMIT, e.g. '*:count>1000'");
	for (colon = gt; colon > text && colon[-1] != ':'; colon--)
		;
	if (colon == text)
		return bad(err, r->text, "missing ':' between the selector and the metric");
	sel_len = (size_t)(colon - 1 - text);
	met_len = (size_t)(gt - colon);
	if (!sel_len)
		return bad(err, r->text, "the selector before ':' is empty (use 'total' or a class glob)");
	if (sel_len >= sizeof(r->selector))
		return bad(err, r->text, "selector too long");
	memcpy(r->selector, text, sel_len);
	r->selector[sel_len] = '\0';
	{
		/* '**' = '*' over every class, internals included */
		char *p;
		while ((p = strstr(r->selector, "**"))) {
			memmove(p, p + 1, strlen(p + 1) + 1);
			r->all_classes = 1;
		}
		r->wildcard = strchr("*?[", r->selector[0]) != NULL;
	}
	r->is_total = !strcmp(r->selector, "total");
	if (met_len == 5 && !memcmp(colon, "count", 5)) r->metric = HS_METRIC_COUNT;
	else if (met_len == 4 && !memcmp(colon, "self", 4)) r->metric = HS_METRIC_SELF;
	else if (met_len == 8 && !memcmp(colon, "retained", 8)) r->metric = HS_METRIC_RETAINED;
	else if (met_len == 3 && !memcmp(colon, "new", 3)) r->metric = HS_METRIC_NEW;
	else return bad(err, r->text, "unknown metric (count, self, retained or new)");
	return parse_limit(r, gt + 1, err);
}

int hs_rule_parse_scoped(const char *full, struct hs_rule *r, struct hs_error *err)
{
	const char *rest, *gt = strrchr(full, '>');

	if (strncmp(full, "realm:", 6) || !gt || gt < full + 6 || !memchr(full + 6, ':', (size_t)(gt - full - 6)))
		return hs_rule_parse(full, r, err);
	rest = full + 6;
	if (strlen(full) >= sizeof(r->text))
		return bad(err, full, "rule too long");
	if (hs_rule_parse(rest, r, err) < 0) {
		/* quote the rule as given */
		char msg[sizeof(err->msg)];
		snprintf(msg, sizeof(msg), "%s", err->msg);
		return hs_error_set(err, HS_ERR_USAGE, "%s (in '%.120s')", msg, full);
	}
	if (r->metric != HS_METRIC_SELF && r->metric != HS_METRIC_RETAINED)
		return bad(err, full, "realm rules use self (attributed size) or retained");
	snprintf(r->text, sizeof(r->text), "%s", full);
	r->realm = 1;
	return 0;
}

int hs_class_is_internal(const char *name)
{
	return name[0] == '(' || !strncmp(name, "system / ", 9) || !strncmp(name, "Node / ", 7) ||
	       !strncmp(name, "Detached Node / ", 16);
}

/* A function row (--by function, classes.h) answers to its whole key and
 * to its function's name (a glob over either, or the key as text prints it,
 * its script's path cut at a '/'), and is the program's code, never an
 * internal. */
static int function_matches(const struct hs_rule *r, const char *name)
{
	struct hs_fn_key k;
	char fn[512];

	if (!hs_function_key_parse(name, &k))
		return 0;
	if (!fnmatch(r->selector, name, 0) || hs_function_key_selects(name, r->selector))
		return 1;
	if (k.name_len >= sizeof(fn))
		return 0;
	memcpy(fn, name, k.name_len);
	fn[k.name_len] = '\0';
	return !fnmatch(r->selector, fn, 0);
}

int hs_rule_matches(const struct hs_rule *r, const char *name)
{
	if (r->is_total)
		return 0;
	if (fnmatch(r->selector, name, 0) != 0)
		return function_matches(r, name);
	/* a pattern that begins with a wildcard ('*', '*Connection') covers the
	 * program's classes; '**', or a pattern that begins with the name
	 * ('system / *', 'Node / *'), reaches V8's and Node's internals too */
	return r->all_classes || !r->wildcard || !hs_class_is_internal(name) || function_matches(r, name);
}

double hs_rule_limit(const struct hs_rule *r, uint64_t base)
{
	return r->percent ? (double)base * r->limit / 100.0 : r->limit;
}

int hs_rule_violated(const struct hs_rule *r, int64_t value, uint64_t base)
{
	return (double)value > hs_rule_limit(r, base);
}

/* ---- evaluation ------------------------------------------------------------ */

void hs_violation_add(struct hs_violations *vs, const struct hs_rule *r, const char *cls,
		      int64_t value, uint64_t base)
{
	struct hs_violation *v;

	HS_GROW(vs->v, vs->n, vs->alloc);
	v = &vs->v[vs->n++];
	v->rule = r;
	v->cls = cls;
	v->value = value;
	v->limit = hs_rule_limit(r, base);
}

static void check_row(struct hs_violations *out, const struct hs_rule *r, const struct hs_gate_row *row)
{
	if (hs_rule_violated(r, row->value[r->metric], row->base[r->metric]))
		hs_violation_add(out, r, row->name, row->value[r->metric], row->base[r->metric]);
}

void hs_gate_check_realms(const struct hs_rule *rules, int nrules, const struct hs_gate_row *total,
			  const struct hs_gate_row *rows, size_t nrows, const struct hs_gate_row *realm_rows,
			  size_t nrealm_rows, struct hs_violations *out)
{
	size_t k;
	int i;

	out->rules = rules;
	out->nrules = nrules;
	for (i = 0; i < nrules; i++) {
		const struct hs_rule *r = &rules[i];
		const struct hs_gate_row *v = r->realm ? realm_rows : rows;
		size_t n = r->realm ? nrealm_rows : nrows;
		if (r->is_total) {
			check_row(out, r, total);
			continue;
		}
		for (k = 0; k < n; k++)
			if (hs_rule_matches(r, v[k].name))
				check_row(out, r, &v[k]);
	}
}

void hs_gate_check(const struct hs_rule *rules, int nrules, const struct hs_gate_row *total,
		   const struct hs_gate_row *rows, size_t nrows, struct hs_violations *out)
{
	hs_gate_check_realms(rules, nrules, total, rows, nrows, NULL, 0, out);
}

void hs_violations_release(struct hs_violations *vs)
{
	free(vs->v);
	vs->v = NULL;
	vs->n = vs->alloc = 0;
}

/* b - a, saturated at +-(2^63 - 1).  The loaders keep every sum below 2^63
 * (self sizes of a snapshot, counts and sizes of a baseline), so this only
 * guards values that come from elsewhere (an index). */
static int64_t delta(uint64_t a, uint64_t b)
{
	if (b >= a)
		return b - a > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(b - a);
	return a - b > (uint64_t)INT64_MAX ? -INT64_MAX : -(int64_t)(a - b);
}

static uint64_t sat_add(uint64_t x, uint64_t y)
{
	uint64_t r;
	return __builtin_add_overflow(x, y, &r) ? UINT64_MAX : r;
}

static void diff_total(const struct hs_diff *d, const struct hs_side *a, const struct hs_side *b,
		       struct hs_gate_row *t)
{
	uint64_t ca = 0, cb = 0, added = 0;
	uint32_t i;

	for (i = 0; i < a->nrows; i++)
		ca = sat_add(ca, a->rows[i].count);
	for (i = 0; i < b->nrows; i++)
		cb = sat_add(cb, b->rows[i].count);
	for (i = 0; i < d->nrows; i++)
		added = sat_add(added, d->rows[i].added);
	memset(t, 0, sizeof(*t));
	t->value[HS_METRIC_COUNT] = delta(ca, cb);
	t->base[HS_METRIC_COUNT] = t->base[HS_METRIC_NEW] = ca;
	t->value[HS_METRIC_NEW] = added > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)added;
	t->value[HS_METRIC_SELF] = t->value[HS_METRIC_RETAINED] = delta(a->total_size, b->total_size);
	t->base[HS_METRIC_SELF] = t->base[HS_METRIC_RETAINED] = a->total_size;
}

void hs_gate_diff_rows(const struct hs_diff *d, const struct hs_side *a, const struct hs_side *b,
		       const struct hs_class_names *ns, struct hs_gate_row *total, struct hs_gate_row **rows)
{
	uint32_t i;

	diff_total(d, a, b, total);
	HS_CALLOC_ARRAY(*rows, d->nrows ? d->nrows : 1);
	for (i = 0; i < d->nrows; i++) {
		const struct hs_diff_row *row = &d->rows[i];
		struct hs_gate_row *g = &(*rows)[i];
		g->name = hs_str(&ns->names, row->gid);
		g->value[HS_METRIC_COUNT] = delta(row->count_a, row->count_b);
		g->base[HS_METRIC_COUNT] = row->count_a;
		g->value[HS_METRIC_SELF] = delta(row->self_a, row->self_b);
		g->base[HS_METRIC_SELF] = row->self_a;
		g->value[HS_METRIC_RETAINED] = delta(row->retained_a, row->retained_b);
		g->base[HS_METRIC_RETAINED] = row->retained_a;
		g->value[HS_METRIC_NEW] = (int64_t)row->added;
		g->base[HS_METRIC_NEW] = row->count_a;
	}
}
