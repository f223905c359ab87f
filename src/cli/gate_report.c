/* Reporting of --fail-on violations, shared by diff, leaks and growth. */
#include <inttypes.h>
#include <stdlib.h>
#include "cli.h"
#include "vec.h"

void violation_add(struct violations *vs, const struct hs_rule *r, const char *cls,
		   int64_t value, uint64_t base)
{
	struct violation *v;
	HS_GROW(vs->v, vs->n, vs->alloc);
	v = &vs->v[vs->n++];
	v->rule = r;
	v->cls = cls;
	v->value = value;
	v->limit = hs_rule_limit(r, base);
}

static const char *value_text(const struct violation *v, char *buf, size_t len)
{
	if (v->rule->metric == HS_METRIC_SELF || v->rule->metric == HS_METRIC_RETAINED)
		snprintf(buf, len, "%+" PRId64 " bytes", v->value);
	else
		snprintf(buf, len, "%+" PRId64, v->value);
	return buf;
}

void violations_json(yajl_gen g, const struct violations *vs)
{
	size_t i;

	json_key(g, "violations");
	yajl_gen_array_open(g);
	for (i = 0; i < vs->n; i++) {
		const struct violation *v = &vs->v[i];
		yajl_gen_map_open(g);
		json_kv_str(g, "rule", v->rule->text);
		json_key(g, "class");
		if (v->cls) json_str(g, v->cls); else yajl_gen_null(g);
		json_kv_str(g, "metric", hs_metric_name(v->rule->metric));
		json_key(g, "value"); json_i64(g, v->value);
		json_key(g, "limit"); json_num(g, v->limit);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
}

void violations_report(enum fmt f, const struct violations *vs, int nrules)
{
	int md = f == FMT_MD;
	char vb[48];
	size_t i;

	if (!nrules || f == FMT_CSV || f == FMT_JSON)
		return;
	printf(md ? "\n### Gate: %zu violation%s\n\n" : "\nGate: %zu violation%s\n", vs->n, vs->n == 1 ? "" : "s");
	for (i = 0; i < vs->n; i++) {
		const struct violation *v = &vs->v[i];
		printf(md ? "- `%s`: %s %s %s > limit %.10g\n" : "  FAIL %s: %s %s %s > limit %.10g\n",
		       v->rule->text, v->cls ? v->cls : "total", hs_metric_name(v->rule->metric),
		       value_text(v, vb, sizeof(vb)), v->limit);
	}
	if (!vs->n)
		printf(md ? "All %d rule%s passed.\n" : "  all %d rule%s passed\n", nrules, nrules == 1 ? "" : "s");
}

void violations_stderr(const char *cmd, const struct violations *vs)
{
	char vb[48];
	size_t i;

	for (i = 0; i < vs->n; i++) {
		const struct violation *v = &vs->v[i];
		fprintf(stderr, "hsnap: %s: rule '%s' violated by %s: %s %s > limit %.10g\n", cmd,
			v->rule->text, v->cls ? v->cls : "total", hs_metric_name(v->rule->metric),
			value_text(v, vb, sizeof(vb)), v->limit);
	}
}
