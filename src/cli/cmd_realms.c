/* hsnap realms: memory per native context (DevTools' getNativeContextSizes). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "output.h"
#include "gate_report.h"
#include "realms_report.h"
#include "hsnap/contexts.h"
#include "hsnap/realms.h"

static const struct cmd_doc help_doc = {
	.name = "realms",
	.usage = (const char *const[]){ "hsnap realms [options] FILE [FILE...]", NULL },
	.description =
		"Memory attributed to each native context (realm): the main page and each\n"
		"iframe in Chrome, the main context and each vm context in Node, as DevTools\n"
		"attributes it.  An object belongs to a realm when its map's meta map names\n"
		"that native context, or when only that realm's objects reach it (over all\n"
		"edges but weak and shortcut ones); reached from several realms it is shared;\n"
		"from none, unattributed.  Sizes are shallow sizes; retained is the native\n"
		"context object's own retained size.\n"
		"\n"
		"With several snapshots of one process: which realm grew.  Realms are matched\n"
		"by the native context's id; the table shows each one's attributed size per\n"
		"snapshot and the growth from the first to the last.\n",
	.operands = "<file>",
};

/* ---- several snapshots: which realm grew ------------------------------- */

/* --fail-on: the library's one evaluation (gate.h) over the matched realms,
 * growth from the first snapshot to the last */
static void multi_check(const struct hs_realm_series *m, const struct hs_rule *rules, int nrules,
			struct hs_violations *vs)
{
	struct hs_gate_row total, *rows;

	hs_realm_gate_rows(m, 0, m->n - 1, &total, &rows);
	hs_gate_check_realms(rules, nrules, &total, rows, m->nrows, rows, m->nrows, vs);
	free(rows);
}

/* Loads and analyses FILE, its realms into z. */
static int load_realms(const char *file, int raw, struct hs_realm_sizes *z)
{
	struct loaded ld;
	struct hs_analysis a;
	struct hs_realms r;
	int rc;

	if ((rc = load_analyzed(file, raw, 0, &ld, &a)))
		return rc;
	hs_realms_compute(&r, &a);
	hs_realm_sizes_from(z, &a, &r);
	hs_realms_release(&r);
	hs_analysis_release(&a);
	hs_snapshot_free(ld.s);
	return EXIT_OK;
}

static int realms_multi(char **files, int n, int raw, enum fmt f, const struct hs_rule *rules, int nrules)
{
	struct hs_realm_series m;
	struct hs_violations vs = { NULL, 0, 0, NULL, 0 };
	int k, rc = 0;

	if (n > 64)
		return usage_error("realms", "at most 64 snapshots, got %d", n);
	hs_realm_series_init(&m, n);
	for (k = 0; k < n && !rc; k++) {
		struct hs_realm_sizes z;
		if ((rc = load_realms(files[k], raw, &z)))
			break;
		hs_realm_series_add(&m, k, &z);
		hs_realm_sizes_release(&z);
	}
	if (!rc) {
		struct out *o = out_open(f);
		multi_check(&m, rules, nrules, &vs);
		realms_series_out(o, &m, files);
		violations_out(o, &vs);
		out_close(o);
		violations_stderr("realms", &vs);
		rc = fflush(stdout) ? EXIT_INPUT : vs.n ? EXIT_GATE : EXIT_OK;
	}
	hs_realm_series_release(&m);
	hs_violations_release(&vs);
	return rc;
}

/* --fail-on RULE: at most 32, self or retained */
struct rules_ref {
	struct hs_rule *rules;
	int *n;
};

static int opt_fail_on(const struct opt_call *call, const char *arg)
{
	const struct rules_ref *r = call->opt->value;
	struct hs_error err;

	if (*r->n == 32)
		return usage_error("realms", "at most 32 --fail-on rules");
	if (hs_rule_parse_scoped(arg, &r->rules[*r->n], &err) < 0)
		return usage_error("realms", "%s", err.msg);
	if (r->rules[*r->n].metric != HS_METRIC_SELF && r->rules[*r->n].metric != HS_METRIC_RETAINED)
		return usage_error("realms", "rule '%s': realms rules use self (attributed size) or retained", arg);
	++*r->n;
	return 0;
}

int cmd_realms(int argc, char **argv)
{
	enum fmt f = FMT_TEXT;
	long ntop = 0;
	int raw = 0, rc, nrules = 0;
	struct hs_rule rules[32];
	struct loaded ld;
	struct hs_snapshot *s;
	struct hs_analysis a;
	struct hs_realms r;
	struct out *o;
	struct rules_ref fail_on = { rules, &nrules };
	const struct opt opts[] = {
		OPT_FORMAT_HTML(&f, "text (default), json, csv, markdown or html (a page)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete)"),
		OPT_CALLBACK("fail-on", &fail_on, "RULE", "(several snapshots) exit 1 when RULE is violated, e.g.\n"
			     "'Window / https*:self>1MB' or 'total:self>10%'; the selector\n"
			     "is a glob over the realm's global (Window / url, global),\n"
			     "else its name, or (shared) / (unattributed); metric self =\n"
			     "attributed size, retained = the native context's retained\n"
			     "size; growth from the first to the last snapshot; the\n"
			     "'realm:' prefix of diff's realm rules is accepted", opt_fail_on, NULL),
		OPT_COUNT("top", &ntop, "N", "accepted for uniformity; every realm is listed"),
		OPT_RAW_SIZES(&raw),
		OPT_END()
	};

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc < 0 ? EXIT_OK : rc;
	if (argc - optind < 1)
		return usage_error("realms", "expected FILE [FILE...]");
	if (argc - optind > 1)
		return realms_multi(argv + optind, argc - optind, raw, f, rules, nrules);
	if (nrules)
		return usage_error("realms", "--fail-on needs two or more snapshots");
	if ((rc = load_analyzed(argv[optind], raw, 0, &ld, &a)))
		return rc;
	s = ld.s;
	hs_realms_compute(&r, &a);
	o = out_open(f);
	realms_one_out(o, &a, &r);
	out_close(o);
	hs_realms_release(&r);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
