/* libFuzzer target for --fail-on rules: the input's first line is the rule
 * (hs_rule_parse), the second a class name for hs_rule_matches (fnmatch
 * with whatever glob the rule holds), and the last 16 bytes a value and a
 * base for hs_rule_limit / hs_rule_violated.  A rejected rule must carry
 * HS_ERR_USAGE and a message; an accepted one must have a metric, a
 * selector, a finite non-negative limit and `total` must match nothing.
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh SECONDS rules. */
#include <math.h>
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/hsnap.h"
#include "hsnap/gate.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char rule[512], name[512];
	const uint8_t *nl = memchr(data, '\n', size), *nl2;
	size_t rl = nl ? (size_t)(nl - data) : size, nlen = 0;
	struct hs_rule r;
	struct hs_error err;
	int64_t value = 0;
	uint64_t base = 0;
	int rc;

	if (rl >= sizeof(rule))
		rl = sizeof(rule) - 1;
	memcpy(rule, data, rl);
	rule[rl] = '\0';
	name[0] = '\0';
	if (nl) {
		size_t rest = size - (size_t)(nl + 1 - data);
		nl2 = memchr(nl + 1, '\n', rest);
		nlen = nl2 ? (size_t)(nl2 - nl - 1) : rest;
		if (nlen >= sizeof(name))
			nlen = sizeof(name) - 1;
		memcpy(name, nl + 1, nlen);
		name[nlen] = '\0';
	}
	if (size >= 16) {
		memcpy(&value, data + size - 16, 8);
		memcpy(&base, data + size - 8, 8);
	}
	memset(&err, 0, sizeof(err));
	rc = hs_rule_parse(rule, &r, &err);
	if (rc != 0) {
		if (rc != HS_ERR_USAGE || err.status != HS_ERR_USAGE || !err.msg[0])
			abort();
		return 0;
	}
	if (!r.selector[0] || r.metric > HS_METRIC_NEW || !isfinite(r.limit) || r.limit < 0 ||
	    !hs_metric_name(r.metric))
		abort();
	if (r.is_total && hs_rule_matches(&r, name))
		abort();
	(void)hs_rule_matches(&r, name);
	{
		double lim = hs_rule_limit(&r, base);
		int v = hs_rule_violated(&r, value, base);
		if (isnan(lim) || v != ((double)value > lim))
			abort();
	}
	return 0;
}
