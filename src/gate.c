/* --fail-on rules: parsing and evaluation. */
#include <ctype.h>
#include <fnmatch.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/gate.h"

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

int hs_class_is_internal(const char *name)
{
	return name[0] == '(' || !strncmp(name, "system / ", 9) || !strncmp(name, "Node / ", 7) ||
	       !strncmp(name, "Detached Node / ", 16);
}

int hs_rule_matches(const struct hs_rule *r, const char *name)
{
	if (r->is_total || fnmatch(r->selector, name, 0) != 0)
		return 0;
	/* a pattern that begins with a wildcard ('*', '*Connection') covers the
	 * program's classes; '**', or a pattern that begins with the name
	 * ('system / *', 'Node / *'), reaches V8's and Node's internals too */
	return r->all_classes || !r->wildcard || !hs_class_is_internal(name);
}

double hs_rule_limit(const struct hs_rule *r, uint64_t base)
{
	return r->percent ? (double)base * r->limit / 100.0 : r->limit;
}

int hs_rule_violated(const struct hs_rule *r, int64_t value, uint64_t base)
{
	return (double)value > hs_rule_limit(r, base);
}
