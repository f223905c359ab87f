/* Reporting of --fail-on violations (hs_gate_check), shared by diff, leaks,
 * growth and realms. */
#include <ctype.h>
#include <inttypes.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "gate_report.h"
#include "output.h"

static const char *value_text(const struct hs_violation *v, char *buf, size_t len)
{
	if (v->rule->metric == HS_METRIC_SELF || v->rule->metric == HS_METRIC_RETAINED)
		snprintf(buf, len, "%+" PRId64 " bytes", v->value);
	else
		snprintf(buf, len, "%+" PRId64, v->value);
	return buf;
}

/* the tree view: every rule given (so that a report can show the ones
 * that passed), then the violations */
static void violations_tree(struct out *o, const struct hs_violations *vs)
{
	size_t i;
	int k;

	out_list_begin(o, "rules");
	for (k = 0; k < vs->nrules; k++)
		out_kv_str(o, NULL, vs->rules[k].text);
	out_list_end(o);
	out_list_begin(o, "violations");
	for (i = 0; i < vs->n; i++) {
		const struct hs_violation *v = &vs->v[i];
		out_obj_begin(o, NULL);
		out_kv_str(o, "rule", v->rule->text);
		out_field(o, "class", v->cls ? ov_str(v->cls) : ov_null());
		out_kv_str(o, "metric", hs_metric_name(v->rule->metric));
		out_field(o, "value", ov_int(v->value));
		out_field(o, "limit", ov_num(v->limit));
		out_obj_end(o);
	}
	out_list_end(o);
}

/* the people's views: nothing without rules */
static void violations_prose(struct out *o, const struct hs_violations *vs, int nrules)
{
	char vb[48];
	size_t i;

	if (!nrules)
		return;
	out_say(o, "\nGate: %zu violation%s\n", "\n### Gate: %zu violation%s\n\n", vs->n, vs->n == 1 ? "" : "s");
	for (i = 0; i < vs->n; i++) {
		const struct hs_violation *v = &vs->v[i];
		out_say(o, "  FAIL %s: %s %s %s > limit %.10g\n", "- `%s`: %s %s %s > limit %.10g\n",
			v->rule->text, v->cls ? v->cls : "total", hs_metric_name(v->rule->metric),
			value_text(v, vb, sizeof(vb)), v->limit);
	}
	if (!vs->n)
		out_say(o, "  all %d rule%s passed\n", "All %d rule%s passed.\n", nrules, nrules == 1 ? "" : "s");
}

void violations_out(struct out *o, const struct hs_violations *vs)
{
	violations_tree(o, vs);
	violations_prose(o, vs, vs->nrules);
}

void violations_json(yajl_gen g, const struct hs_violations *vs)
{
	struct out *o = out_open_on(FMT_JSON, g);
	violations_tree(o, vs);
	out_close(o);
}

/* f: the format of the caller's report (its tree view writes the rules with
 * violations_json instead) */
void violations_report(enum fmt f, const struct hs_violations *vs, int nrules)
{
	struct out *o = out_open(f);
	violations_prose(o, vs, nrules);
	out_close(o);
}

void violations_stderr(const char *cmd, const struct hs_violations *vs)
{
	char vb[48];
	size_t i;

	for (i = 0; i < vs->n; i++) {
		const struct hs_violation *v = &vs->v[i];
		fprintf(stderr, "hsnap: %s: rule '%s' violated by %s: %s %s > limit %.10g\n", cmd,
			v->rule->text, v->cls ? v->cls : "total", hs_metric_name(v->rule->metric),
			value_text(v, vb, sizeof(vb)), v->limit);
	}
}

/* ---- rules that select no class ----------------------------------------- */

/* Levenshtein distance, case-insensitive, over the first 64 bytes of each. */
static unsigned distance(const char *x, const char *y)
{
	unsigned row[65], i, j, lx = 0, ly = 0;

	while (lx < 64 && x[lx])
		lx++;
	while (ly < 64 && y[ly])
		ly++;
	for (j = 0; j <= ly; j++)
		row[j] = j;
	for (i = 1; i <= lx; i++) {
		unsigned diag = row[0];
		row[0] = i;
		for (j = 1; j <= ly; j++) {
			unsigned up = row[j];
			unsigned cost = tolower((unsigned char)x[i - 1]) != tolower((unsigned char)y[j - 1]);
			unsigned best = diag + cost;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			if (up + 1 < best)
				best = up + 1;
			row[j] = best;
			diag = up;
		}
	}
	return row[ly];
}

static int present(const struct hs_side *const *sides, int nsides, uint32_t gid)
{
	int k;
	for (k = 0; k < nsides; k++)
		if (gid < sides[k]->nrows && sides[k]->rows[gid].present)
			return 1;
	return 0;
}

int rules_check_selected(const char *cmd, const struct hs_rule *rules, int nrules,
			 const struct hs_class_names *ns, const struct hs_side *const *sides, int nsides,
			 const char *where)
{
	int i;

	for (i = 0; i < nrules; i++) {
		const struct hs_rule *r = &rules[i];
		uint32_t g, best[3] = { UINT32_MAX, UINT32_MAX, UINT32_MAX };
		unsigned bd[3] = { UINT_MAX, UINT_MAX, UINT_MAX };
		char names[400] = "";
		size_t o = 0;
		int k, found = 0;

		if (r->is_total || r->optional || r->realm)
			continue;
		for (g = 0; g < ns->names.count && !found; g++)
			found = present(sides, nsides, g) && hs_rule_matches(r, hs_str(&ns->names, g));
		if (found)
			continue;
		/* the three closest class names (ties: first interned) */
		for (g = 0; g < ns->names.count; g++) {
			unsigned d;
			if (!present(sides, nsides, g))
				continue;
			d = distance(r->selector, hs_str(&ns->names, g));
			for (k = 0; k < 3 && d >= bd[k]; k++)
				;
			if (k == 3)
				continue;
			memmove(&bd[k + 1], &bd[k], sizeof(bd[0]) * (size_t)(2 - k));
			memmove(&best[k + 1], &best[k], sizeof(best[0]) * (size_t)(2 - k));
			bd[k] = d;
			best[k] = g;
		}
		for (k = 0; k < 3 && best[k] != UINT32_MAX && o < sizeof(names); k++)
			o += (size_t)snprintf(names + o, sizeof(names) - o, "%s'%.80s'", k ? ", " : "",
					      hs_str(&ns->names, best[k]));
		return usage_error(cmd, "rule '%s' selects no class of %s (closest: %s); a rule that may "
				   "select nothing ends with '?': '%s?'", r->text, where,
				   *names ? names : "none, no classes", r->text);
	}
	return 0;
}
