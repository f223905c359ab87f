/* CI gate rules: SELECTOR:METRIC>LIMIT.
 *   SELECTOR  `total`, or a class-name glob (fnmatch: `*`, `?`, `[...]`);
 *             with --by function also a function's name or key
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
#include <stddef.h>
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
	int realm;        /* a realm rule ('realm:' prefix, hs_rule_parse_scoped) */
};

/* Returns 0, or HS_ERR_USAGE with err->msg quoting the rule and the problem. */
int hs_rule_parse(const char *text, struct hs_rule *r, struct hs_error *err);
/* Realm rules in the commands that compare classes (diff, growth):
 *   realm:SELECTOR:METRIC>LIMIT   e.g. 'realm:Window / https*:self>1MB'
 * SELECTOR is a glob over the realm's label (its global `Window / url`,
 * `global`, else the native context's name) or (shared) / (unattributed) or
 * total; METRIC self (attributed size) or retained (the native context's
 * retained size).  A rule is a realm rule when it begins with 'realm:' and
 * what follows is a whole rule (has its own ':' before the metric): a class
 * rule 'realm:count>5' (class "realm") stays a class rule; a class whose name
 * begins with "realm:" is selected by '[r]ealm:...'.  Otherwise as
 * hs_rule_parse; r->text keeps the whole text. */
int hs_rule_parse_scoped(const char *text, struct hs_rule *r, struct hs_error *err);
/* 1 for classes of V8's and Node's internals: "(...)", "system / ...",
 * "Node / ..." and "Detached Node / ...". */
int hs_class_is_internal(const char *name);
/* 1 when class `name` is selected by r (never for `total` rules).  A
 * function row of --by function ("onMessage (/app/chat.js:78:20)",
 * hs_function_key_parse) is selected by its whole key or by its function's
 * name ('onMessage:new>0', 'on*:count>10'), and is no internal. */
int hs_rule_matches(const struct hs_rule *r, const char *name);
/* The absolute limit for A's value `base`. */
double hs_rule_limit(const struct hs_rule *r, uint64_t base);
/* 1 when `value` (a growth or a new-object count) exceeds the limit. */
int hs_rule_violated(const struct hs_rule *r, int64_t value, uint64_t base);
const char *hs_metric_name(enum hs_metric m);

/* ---- evaluation: one function for every comparing command ---------------
 * A command reduces what it compares to rows: one per class (in the order
 * its report lists them) and one for the total, each holding per metric the
 * value a rule compares with its limit (a growth B - A, or what leaked) and
 * the base that a % limit is relative to (A's value, or the class in C). */
struct hs_gate_row {
	const char *name;          /* the class; NULL for the total */
	int64_t value[4];          /* by enum hs_metric */
	uint64_t base[4];
};

struct hs_violation {
	const struct hs_rule *rule;
	const char *cls;           /* the row's name: NULL for a `total` rule */
	int64_t value;
	double limit;              /* hs_rule_limit of the row's base */
};

struct hs_violations {
	struct hs_violation *v;
	size_t n, alloc;
	const struct hs_rule *rules; /* every rule evaluated (a report lists the ones that passed) */
	int nrules;
};

/* Every rule in order: a `total` rule against *total, any other against each
 * row it matches, in row order.  Violations are appended to out, whose rules
 * become `rules`.  The metric a command does not offer (e.g. `new` outside
 * diff) is rejected when its rules are parsed, never evaluated here. */
void hs_gate_check(const struct hs_rule *rules, int nrules, const struct hs_gate_row *total,
		   const struct hs_gate_row *rows, size_t nrows, struct hs_violations *out);
/* The same with two sets of rows: a realm rule (r->realm) against realm_rows,
 * any other against rows; `total` rules of both against *total. */
void hs_gate_check_realms(const struct hs_rule *rules, int nrules, const struct hs_gate_row *total,
			  const struct hs_gate_row *rows, size_t nrows, const struct hs_gate_row *realm_rows,
			  size_t nrealm_rows, struct hs_violations *out);
void hs_violation_add(struct hs_violations *vs, const struct hs_rule *r, const char *cls,
		      int64_t value, uint64_t base);
void hs_violations_release(struct hs_violations *vs);

/* diff's rows: one per row of d (in d's order; names from ns), growth A -> B
 * saturated at +-(2^63 - 1), `new` = objects added; the total sums the
 * sides' class counts (saturated) and compares total sizes.  *rows: malloc'd. */
struct hs_diff;
struct hs_side;
struct hs_class_names;
void hs_gate_diff_rows(const struct hs_diff *d, const struct hs_side *a, const struct hs_side *b,
		       const struct hs_class_names *ns, struct hs_gate_row *total, struct hs_gate_row **rows);

#endif
