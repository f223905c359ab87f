/* CI gate rules: SELECTOR:METRIC>LIMIT.
 *   SELECTOR  `total`, or a class-name glob (fnmatch: `*`, `?`, `[...]`)
 *   METRIC    count | self | retained  (growth B - A)   or  new (objects new in B)
 *   LIMIT     integer; size with unit KB MB GB (1000^n) or KiB MiB GiB (1024^n)
 *             (B and decimals allowed: 1.5MB); or N% of A's value.
 * A trailing '?' (`Foo:count>0?`) marks the rule optional: the commands
 * reject a rule whose selector matches no class unless it is optional.
 * A pattern that begins with a wildcard (`*`, `*Connection`) covers the
 * program's classes only, not V8's and Node's internals (hs_class_is_internal);
 * `**` covers every class, and so does a pattern that begins with a name
 * (`system / *`, `(compiled code)`). */
#ifndef HSNAP_GATE_H
#define HSNAP_GATE_H
#include <stdint.h>
#include "hsnap/error.h"

enum hs_metric { HS_METRIC_COUNT, HS_METRIC_SELF, HS_METRIC_RETAINED, HS_METRIC_NEW };

struct hs_rule {
	char text[256];
	char selector[200];
	int is_total;
	enum hs_metric metric;
	int percent;      /* limit is a percentage of A's value */
	double limit;     /* absolute (count or bytes) or percent */
	int optional;     /* the rule ends with '?': it may select no class */
	int wildcard;     /* the selector begins with * ? or [ */
	int all_classes;  /* it had '**': internals too */
};

/* Returns 0, or HS_ERR_USAGE with err->msg quoting the rule and the problem. */
int hs_rule_parse(const char *text, struct hs_rule *r, struct hs_error *err);
/* 1 for classes of V8's and Node's internals: "(...)", "system / ...",
 * "Node / ..." and "Detached Node / ...". */
int hs_class_is_internal(const char *name);
/* 1 when class `name` is selected by r (never for `total` rules). */
int hs_rule_matches(const struct hs_rule *r, const char *name);
/* The absolute limit for A's value `base`. */
double hs_rule_limit(const struct hs_rule *r, uint64_t base);
/* 1 when `value` (a growth or a new-object count) exceeds the limit. */
int hs_rule_violated(const struct hs_rule *r, int64_t value, uint64_t base);
const char *hs_metric_name(enum hs_metric m);

#endif
