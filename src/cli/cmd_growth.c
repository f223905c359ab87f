/* hsnap growth S1 ... SN: classes that grow at every step. */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "output.h"
#include "containers_report.h"
#include "realms_report.h"
#include "gate_report.h"
#include "byfn.h"
#include "hsnap/growth.h"
#include "alloc.h"

static const struct cmd_doc help_doc = {
	.name = "growth",
	.usage = (const char *const[]){ "hsnap growth [options] S1 S2 S3 [... SN]", NULL },
	.description =
		"Classes whose object count (with --sort retained: retained size) grows at\n"
		"every step across N >= 3 snapshots of one process, with the per-step\n"
		"series and the total growth; a class whose count never changed is not\n"
		"listed by count, whatever its size does.  Snapshots are read one at a time and reduced to their class\n"
		"table, so memory stays that of one snapshot's graph plus the tables.  The\n"
		"last snapshot's {a, b} interface names are applied to all of them.  hsnap\n"
		"warns when two consecutive snapshots do not look like one process, or the\n"
		"later one looks older (a smaller largest id).\n",
	.operands = "<file>",
};

struct gctx {
	struct hs_class_names ns;
	struct hs_side *sides;
	struct hs_id_overlap *overlap; /* [n - 1]: snapshots i and i + 1 */
	int n;
	struct hs_growth_row *rows;  /* hs_growth_find's result */
	uint32_t nrows;
	int sort_retained;
	int sort_relative;  /* --sort growth (the default): count growth relative to S1 */
	enum fmt f;         /* --format */
	const char *filter_name;   /* --filter NAME, or NULL */
	struct hs_filter filter;
	int cur;            /* the snapshot being loaded */
	int filter_rc;      /* a snapshot the filter does not apply to: EXIT_USAGE */
	struct cgrow *cg;
	int realms;                  /* --realms: the realms table */
	int need_realms;             /* --realms or a realm: rule */
	struct hs_realm_sizes *z;    /* [n]: each snapshot's realms, measured while loaded */
	struct hs_realm_series m;    /* matched, S1 first */
	int by;                      /* --by: BY_CLASS or BY_FUNCTION */
};

static const struct hs_class_row *row_at(const struct hs_side *s, uint32_t gid)
{
	return hs_side_row(s, gid);
}

static void find_growth(struct gctx *c, int min_steps)
{
	struct hs_growth g;

	hs_growth_find(&g, &c->ns, c->sides, c->n, c->sort_retained ? HS_GROWTH_RETAINED
			: c->sort_relative ? HS_GROWTH_RELATIVE : HS_GROWTH_COUNT, min_steps);
	c->rows = g.rows;
	c->nrows = g.nrows;
}

/* --fail-on: the library's one evaluation over the grown classes (gate.h). */
static void check(const struct gctx *c, const struct hs_rule *rules, int nrules, struct hs_violations *out)
{
	struct hs_growth g = { c->rows, c->nrows };
	struct hs_gate_row total, *rows;

	struct hs_gate_row realm_total, *realm_rows = NULL;

	hs_growth_gate_rows(&g, &c->ns, c->sides, c->n, &total, &rows);
	if (c->need_realms)
		hs_realm_gate_rows(&c->m, 0, c->n - 1, &realm_total, &realm_rows);
	hs_gate_check_realms(rules, nrules, &total, rows, c->nrows, realm_rows,
			     c->need_realms ? c->m.nrows : 0, out);
	free(realm_rows);
	free(rows);
}

/* ---- output: one section per function; write_report lists them in order */

static void write_snapshots(struct out *o, const struct gctx *c)
{
	char b1[32];
	int s;

	out_say(o, "Growth over %d snapshots\n", "## Growth over %d snapshots\n\n", c->n);
	out_list_begin(o, "snapshots");
	for (s = 0; s < c->n; s++) {
		out_obj_begin(o, NULL);
		out_kv_str(o, "file", c->sides[s].file);
		out_kv_u64(o, "node_count", c->sides[s].node_count);
		out_kv_u64(o, "total_size", c->sides[s].total_size);
		out_obj_end(o);
		out_say(o, "  S%d: %s (%s)\n", "%d. `%s` (%s)\n", s + 1, c->sides[s].file,
			human_size(c->sides[s].total_size, b1, sizeof(b1)));
	}
	out_list_end(o);
	if (c->filter_name) {
		out_kv_str(o, "filter", c->filter_name);
		out_say(o, "  filter %s (DevTools' named filter): the class rows of the objects it keeps\n",
			"\nFilter: `%s` (DevTools' named filter): the class rows of the objects it keeps\n",
			c->filter_name);
	}
}

/* People see the series as "1 → 2 → 3" and the steps as "2/2"; CSV as
 * "1 2 3" and "2"; JSON as arrays (fields of the open row). */
static const struct out_col class_cols[] = {
	{ "Class", "class", 'l', OUT_HUMAN | OUT_FLAT }, { NULL, "name", 'l', OUT_TREE },
	{ "Count per snapshot", NULL, 'r', OUT_HUMAN }, { NULL, "counts", 'r', OUT_FLAT },
	{ "Δ Count", "count_growth", 'r', OUT_HUMAN | OUT_FLAT },
	{ "Δ Retained", "retained_growth", 'r', OUT_HUMAN | OUT_FLAT },
	{ "Retained (last)", "retained_last", 'r', OUT_HUMAN | OUT_FLAT },
	{ "Steps grew", NULL, 'r', OUT_HUMAN }, { NULL, "steps_count_grew", 'r', OUT_FLAT },
};
static const struct out_table class_table = { .key = "classes", OUT_COLS(class_cols), .indent = 2 };

/* "a → b → c" (people: digits grouped) or "a b c" (machines) */
static void series_text(const struct gctx *c, uint32_t gid, int machine, char *series, size_t len)
{
	size_t o = 0;
	int s;

	series[0] = '\0';
	for (s = 0; s < c->n && o < len; s++) {
		char b[32];
		uint64_t v = row_at(&c->sides[s], gid)->count;
		if (machine)
			snprintf(b, sizeof(b), "%" PRIu64, v);
		else
			group_digits(v, b, sizeof(b));
		o += (size_t)snprintf(series + o, len - o, "%s%s", s ? (machine ? " " : " → ") : "", b);
	}
}

static void class_lists(struct out *o, const struct gctx *c, uint32_t gid)
{
	static const char *const keys[] = { "counts", "self_sizes", "retained_sizes" };
	int k, s;

	for (k = 0; k < 3; k++) {
		out_list_begin(o, keys[k]);
		for (s = 0; s < c->n; s++) {
			const struct hs_class_row *r = row_at(&c->sides[s], gid);
			out_field(o, NULL, ov_uint(k == 0 ? r->count : k == 1 ? r->self_size : r->retained_size));
		}
		out_list_end(o);
	}
}

static void class_row(struct out *o, const struct gctx *c, const struct hs_growth_row *r)
{
	const char *name = hs_str(&c->ns.names, r->gid);
	char human[512], machine[512], st[32], label[1400];
	int steps = c->sort_retained ? r->steps_retained : r->steps_count;
	struct out_val v[9];

	series_text(c, r->gid, 0, human, sizeof(human));
	series_text(c, r->gid, 1, machine, sizeof(machine));
	snprintf(st, sizeof(st), "%d/%d", steps, c->n - 1);
	v[0] = ov_str(c->by == BY_FUNCTION ? row_label(name, label, sizeof(label)) : name); v[1] = ov_str(name);
	v[2] = ov_str(human); v[3] = ov_str(machine);
	v[4] = ov_signed(r->count_growth); v[5] = ov_signed_bytes(r->retained_growth);
	v[6] = ov_bytes(row_at(&c->sides[c->n - 1], r->gid)->retained_size);
	v[7] = ov_str(st); v[8] = ov_int(steps);
	out_row_open(o, v);
	row_location(o, name, c->by == BY_FUNCTION);
	class_lists(o, c, r->gid);
	out_field(o, "count_growth", ov_int(r->count_growth));
	out_field(o, "self_growth", ov_int(r->self_growth));
	out_field(o, "retained_growth", ov_int(r->retained_growth));
	out_field(o, "steps_count_grew", ov_uint((uint64_t)r->steps_count));
	out_field(o, "steps_retained_grew", ov_uint((uint64_t)r->steps_retained));
	out_row_close(o);
}

/* The grown classes: people see --top of them, CSV and JSON every one. */
static void write_classes(struct out *o, const struct gctx *c, long top)
{
	uint32_t k, shown = c->nrows < (uint32_t)top ? c->nrows : (uint32_t)top;

	out_say(o, "\n%u class%s grew; top %u by %s\n", "\n%u class%s grew; top %u by %s\n\n",
		c->nrows, c->nrows == 1 ? "" : "es", shown,
		c->sort_retained ? "retained growth" : c->sort_relative ? "growth relative to S1" : "count growth");
	if (!(out_view(o) & OUT_HUMAN))
		shown = c->nrows;
	out_table_begin(o, &class_table);
	for (k = 0; k < shown; k++)
		class_row(o, c, &c->rows[k]);
	out_table_end(o);
}

/* The report's sections, in order: a new section is one call here. */
static void write_report(const struct gctx *c, struct cgrow *cg, long top, const struct hs_violations *vs)
{
	struct out *o = out_open(c->f);

	write_snapshots(o, c);
	write_classes(o, c, top);
	if (out_view(o) != OUT_FLAT) /* CSV: the class table only */
		cgrow_out(cg, o);
	if (c->realms && out_view(o) != OUT_FLAT) {
		out_say(o, "\nRealms over %d snapshots (matched by native context id), attributed size\n",
			"\n### Realms over %d snapshots\n\n", c->n);
		realms_series_table(o, &c->m);
	}
	violations_out(o, vs); /* --fail-on's rules and violations */
	out_close(o);
}

static void drop_objects(struct hs_side *s)
{
	free(s->objects);
	s->objects = NULL;
	s->nobjects = 0;
}

/* Snapshots i and i+1 (S<i+1>, S<i+2>): how their ids relate (one process,
 * in order; warned about once the rules are checked); then the object keys
 * of i are no longer needed (and of i+1 when it is the last). */
static void check_pair(struct gctx *c, int i)
{
	hs_id_overlap(&c->sides[i], &c->sides[i + 1], &c->overlap[i]);
	drop_objects(&c->sides[i]);
	if (i + 1 == c->n - 1)
		drop_objects(&c->sides[i + 1]);
}

static void warn_pairs(const struct gctx *c)
{
	char na[16], nb[16];
	int i;

	for (i = 0; i + 1 < c->n; i++) {
		snprintf(na, sizeof(na), "S%d", i + 1);
		snprintf(nb, sizeof(nb), "S%d", i + 2);
		warn_overlap("growth", na, c->sides[i].file, nb, c->sides[i + 1].file, &c->overlap[i],
			     "the series is not the growth of one process");
	}
}

/* The last snapshot first: its interface names apply to all.  The object
 * keys are kept only until each pair of consecutive snapshots is checked
 * (one process, in order).  ifs: receives the last one's definitions. */
/* load_side's hook, on each snapshot's analysis: --filter's class rows
 * replace the side's; the realms and the containers are measured (on every
 * node). */
static void side_hook(void *ctx, const struct hs_analysis *a)
{
	struct gctx *c = ctx;
	struct hs_error err = { 0, "" };

	if (c->filter_name && !c->filter_rc &&
	    hs_growth_filter_side(&c->sides[c->cur], &c->ns, a, &c->filter, &err))
		c->filter_rc = usage_error("growth", "S%d (%s): %s", c->cur + 1, c->sides[c->cur].file, err.msg);
	if (c->need_realms) {
		struct hs_realms r;
		hs_realms_compute(&r, a);
		hs_realm_sizes_from(&c->z[c->cur], a, &r);
		hs_realms_release(&r);
	}
	cgrow_hook(c->cg, a);
}

static int load_one(struct gctx *c, char **files, int i, const struct side_opts *so)
{
	int rc;

	c->cur = c->cg->cur = i;
	if ((rc = load_side(&c->ns, files[i], NULL, &c->sides[i], so)))
		return rc;
	return c->filter_rc;
}

static int load_all(struct gctx *c, struct cgrow *cg, char **files, int raw, struct hs_interfaces *ifs)
{
	struct side_opts last = { raw, NULL, ifs, 1, side_hook, c, c->by == BY_FUNCTION };
	struct side_opts so = { raw, ifs, NULL, 1, side_hook, c, c->by == BY_FUNCTION };
	int i, rc;

	HS_CALLOC_ARRAY(c->sides, (size_t)c->n);
	HS_CALLOC_ARRAY(c->overlap, (size_t)c->n - 1);
	HS_CALLOC_ARRAY(c->z, (size_t)c->n);
	hs_realm_series_init(&c->m, c->n);
	hs_class_names_init(&c->ns);
	cg->enabled = cg->top > 0;
	cg->n = c->n;
	cg->raw = raw;
	cg->last_path = files[c->n - 1];
	c->cg = cg;
	if ((rc = load_one(c, files, c->n - 1, &last)))
		return rc;
	for (i = 0; i < c->n - 1; i++) {
		if ((rc = load_one(c, files, i, &so)))
			break;
		if (i > 0)
			check_pair(c, i - 1);
		if (i == c->n - 2)
			check_pair(c, i);
	}
	hs_recycle_end(); /* what each snapshot left for the next (load_side) */
	if (rc)
		return rc;
	for (i = 0; c->need_realms && i < c->n; i++)
		hs_realm_series_add(&c->m, i, &c->z[i]);
	return EXIT_OK;
}

static int rules_selected(const struct gctx *c, const struct hs_rule *rules, int nrules)
{
	const struct hs_side **all;
	int i, rc;

	HS_ALLOC_ARRAY(all, (size_t)c->n);
	for (i = 0; i < c->n; i++)
		all[i] = &c->sides[i];
	rc = rules_check_selected("growth", rules, nrules, &c->ns, all, c->n, "any of the snapshots");
	free(all);
	return rc;
}

/* The gate and the report; returns the exit code. */
static int report(const struct gctx *c, struct cgrow *cg, long top, const struct hs_rule *rules,
		  int nrules, struct hs_violations *viol)
{
	check(c, rules, nrules, viol);
	write_report(c, cg, top, viol);
	violations_stderr("growth", viol);
	return fflush(stdout) ? EXIT_INPUT : viol->n ? EXIT_GATE : EXIT_OK;
}

static void gctx_release(struct gctx *c, struct cgrow *cg)
{
	int i;

	if (c->sides)
		for (i = 0; i < c->n; i++)
			hs_side_release(&c->sides[i]);
	free(c->sides);
	free(c->overlap);
	free(c->rows);
	if (c->z) {
		for (i = 0; i < c->n; i++)
			hs_realm_sizes_release(&c->z[i]);
		free(c->z);
		hs_realm_series_release(&c->m);
	}
	cgrow_release(cg);
	if (c->ns.names.off)
		hs_class_names_release(&c->ns);
}

/* --sort: the two keys of struct gctx */
static int opt_sort(const struct opt_call *call, const char *arg)
{
	struct gctx *c = call->opt->value;

	c->sort_relative = 0;
	if (!strcmp(arg, "growth")) c->sort_relative = 1, c->sort_retained = 0;
	else if (!strcmp(arg, "count")) c->sort_retained = 0;
	else if (!strcmp(arg, "retained")) c->sort_retained = 1;
	else return usage_error("growth", "--sort must be growth, count or retained, got '%s'", arg);
	return 0;
}

/* --filter NAME: DevTools' named filter, applied to each snapshot as it is loaded */
static int opt_filter(const struct opt_call *call, const char *arg)
{
	struct gctx *c = call->opt->value;
	return filter_option("growth", arg, &c->filter, &c->filter_name);
}

/* --fail-on RULE, into a growing array; a realm: rule needs the realms */
struct rules_ref {
	struct hs_rule **rules;
	int *n;
	int *need_realms;
};

static int opt_fail_on(const struct opt_call *call, const char *arg)
{
	const struct rules_ref *r = call->opt->value;
	return fail_on_option("growth", arg, 1, 1, r->rules, r->n, r->need_realms);
}

int cmd_growth(int argc, char **argv)
{
	struct gctx c;
	struct cgrow cg;
	struct hs_rule *rules = NULL;
	struct hs_interfaces ifs = { NULL, 0 };
	struct hs_violations viol = { NULL, 0, 0, NULL, 0 };
	long top = 20, min_steps = -1;
	const char *min_steps_arg = NULL;
	int nrules = 0, raw = 0, rc = 0;
	struct rules_ref fail_on = { &rules, &nrules, &c.need_realms };
	const struct opt opts[] = {
		OPT_STRING("min-steps", &min_steps_arg, "K", "report classes growing on at least K steps and from S1\n"
			   "to SN (default: every step, N-1)", NULL),
		OPT_CALLBACK("sort", &c, "KEY", "growth (default): the count must grow, largest growth\n"
			     "relative to S1 first (30 -> 90 before 10,000 -> 10,300);\n"
			     "count: by count growth; retained: the retained size must\n"
			     "grow, largest first.  'Steps grew' counts what must grow", opt_sort, "growth count retained"),
		OPT_COUNT("top", &top, "N", "classes shown in text/markdown (default 20)"),
		OPT_BY(&c.by, "the rows of the class table:"),
		OPT_CALLBACK("fail-on", &fail_on, "RULE", "exit 1 when RULE is violated (repeatable); METRIC is\n"
			     "count, self or retained growth from S1 to SN of a\n"
			     "reported class (or 'total'); LIMIT as in diff; a rule\n"
			     "matching no class of any snapshot is an error unless\n"
			     "it ends with '?'; realm:SELECTOR:METRIC>LIMIT is a rule\n"
			     "on the realms (as --realms matches them, growth from S1\n"
			     "to SN): SELECTOR a glob over the realm's global,\n"
			     "METRIC self (attributed size) or retained", opt_fail_on, NULL),
		OPT_COUNT("containers", &cg.top, "N", "containers (Arrays, Maps, Sets, objects) that grew at\n"
			  "every step, matched by id, shown with what holds them\n"
			  "and what they accumulate (default 10; 0: none)"),
		OPT_CALLBACK("filter", &c, "NAME", "class rows of DevTools' named filter only, in every\n"
			     "snapshot (as summary --filter shows them):\n"
			     OPT_FILTER_NAMES_HELP, opt_filter,
			     OPT_FILTER_NAMES),
		OPT_FORMAT_HTML(&c.f, "text (default), json, csv, markdown or html (a page)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete)"),
		OPT_RAW_SIZES_FILES(&raw),
		OPT_BOOL("realms", &c.realms, "which realm grew: the realms of 'hsnap realms S1 .. SN'\n"
			 "(measured while each snapshot is loaded)"),
		OPT_END()
	};

	memset(&c, 0, sizeof(c));
	memset(&cg, 0, sizeof(cg));
	c.sort_relative = 1;
	cg.top = 10;
	rc = parse_options(&help_doc, opts, argc, argv);
	c.need_realms |= c.realms;
	if (rc == 0 && argc - optind < 3)
		rc = usage_error("growth", "expected at least three snapshots, got %d", argc - optind);
	if (rc == 0 && min_steps_arg &&
	    parse_range("growth", "--min-steps", min_steps_arg, 0, argc - optind - 1, &min_steps))
		rc = EXIT_USAGE;
	if (rc)
		goto out;
	c.n = argc - optind;
	if (min_steps < 0)
		min_steps = c.n - 1;
	if ((rc = load_all(&c, &cg, argv + optind, raw, &ifs)) ||
	    (rc = rules_selected(&c, rules, nrules)))
		goto out;
	warn_pairs(&c);
	cgrow_finish(&cg);
	find_growth(&c, (int)min_steps);
	rc = report(&c, &cg, top, rules, nrules, &viol);
out:
	gctx_release(&c, &cg);
	free(rules);
	hs_violations_release(&viol);
	hs_interfaces_release(&ifs);
	return rc < 0 ? EXIT_OK : rc;
}
