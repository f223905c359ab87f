/* hsnap realms: memory per native context (DevTools' getNativeContextSizes). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "hsnap/contexts.h"
#include "hsnap/realms.h"
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap realms [options] FILE [FILE...]",
	NULL
};

static const char help_text[] =
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
	"snapshot and the growth from the first to the last.\n";

static const struct cmd_doc help_doc = { "realms", usage_lines, help_text, NULL, "<file>" };

/* The realm's global proxy (`Window / url`, Node's `global`), to tell realms apart:
 * the target of the native context's internal global_proxy_object edge. */
static uint32_t global_of(const struct hs_snapshot *s, uint32_t nc)
{
	uint32_t e;
	for (e = hs_edge_begin(s, nc); e < hs_edge_end(s, nc); e++)
		if (s->edge_type[e] == s->t.e_internal &&
		    !strcmp(hs_str(&s->strings, s->edge_name[e]), "global_proxy_object"))
			return s->edge_to[e];
	return UINT32_MAX;
}

static void print_json(const struct hs_analysis *a, const struct hs_realms *r)
{
	const struct hs_snapshot *s = a->s;
	yajl_gen g = json_new(1);
	uint32_t i;
	int det;

	yajl_gen_map_open(g);
	json_kv_str(g, "file", s->file);
	json_key(g, "native_contexts");
	yajl_gen_array_open(g);
	for (i = 0; i < r->count; i++) {
		uint32_t n = r->v[i].node;
		const char *name = hs_raw_name(a, n, &det);
		char buf[1100];
		snprintf(buf, sizeof(buf), "%s%s", det ? "Detached " : "", name);
		yajl_gen_map_open(g);
		json_kv_u64(g, "id", s->node_id[n]);
		json_kv_str(g, "name", buf);
		json_kv_u64(g, "attributed_size", r->v[i].attributed);
		json_kv_u64(g, "retained_size", a->dom.retained[n]);
		json_kv_u64(g, "self_size", a->self_size[n]);
		json_key(g, "global");
		if (global_of(s, n) != UINT32_MAX) {
			uint32_t gp = global_of(s, n);
			yajl_gen_map_open(g);
			json_kv_u64(g, "id", s->node_id[gp]);
			json_kv_str(g, "name", hs_node_name(s, gp));
			yajl_gen_map_close(g);
		} else {
			yajl_gen_null(g);
		}
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_kv_u64(g, "shared_size", r->shared);
	json_kv_u64(g, "unattributed_size", r->unattributed);
	json_kv_u64(g, "total_size", a->stats.total);
	json_finish(g);
}

static void print_table(const struct hs_analysis *a, const struct hs_realms *r, enum fmt f)
{
	static const char *const head[] = { "realm", "id", "global", "attributed", "share", "retained", "self" };
	static const char *const head_csv[] = { "name", "id", "global", "attributed_size", "share",
						 "retained_size", "self_size" };
	const struct hs_snapshot *s = a->s;
	struct table t;
	uint64_t total = 0;
	uint32_t i;
	char name[1100], id[32], gl[300], at[32], sh[32], rt[32], sf[32];
	int det;

	for (i = 0; i < r->count; i++)
		total += r->v[i].attributed;
	total += r->shared + r->unattributed;
	table_init(&t, 7, f == FMT_CSV ? head_csv : head, "lrlrrrr");
	for (i = 0; i <= r->count + 1; i++) {
		const char *cells[7];
		uint64_t v;
		if (i < r->count) {
			uint32_t n = r->v[i].node;
			const char *nm = hs_raw_name(a, n, &det);
			snprintf(name, sizeof(name), "%s%s", det ? "Detached " : "", nm);
			snprintf(id, sizeof(id), f == FMT_CSV ? "%" PRIu32 : "@%" PRIu32, s->node_id[n]);
			v = r->v[i].attributed;
			gl[0] = '\0';
			if (global_of(s, n) != UINT32_MAX)
				snprintf(gl, sizeof(gl), "%.200s @%" PRIu32, hs_node_name(s, global_of(s, n)),
					 s->node_id[global_of(s, n)]);
			if (f == FMT_CSV) {
				snprintf(rt, sizeof(rt), "%" PRIu64, a->dom.retained[n]);
				snprintf(sf, sizeof(sf), "%" PRIu64, a->self_size[n]);
			} else {
				human_size(a->dom.retained[n], rt, sizeof(rt));
				human_size(a->self_size[n], sf, sizeof(sf));
			}
		} else {
			snprintf(name, sizeof(name), "%s", i == r->count ? "(shared)" : "(unattributed)");
			id[0] = gl[0] = rt[0] = sf[0] = '\0';
			v = i == r->count ? r->shared : r->unattributed;
		}
		if (f == FMT_CSV)
			snprintf(at, sizeof(at), "%" PRIu64, v);
		else
			human_size(v, at, sizeof(at));
		percent(v, total, sh, sizeof(sh));
		cells[0] = name; cells[1] = id; cells[2] = gl; cells[3] = at; cells[4] = sh; cells[5] = rt;
		cells[6] = sf;
		table_row(&t, cells);
	}
	table_print(&t, f, f == FMT_TEXT ? 2 : 0);
	table_release(&t);
}

/* ---- several snapshots: which realm grew ------------------------------- */

struct mrow { uint32_t id; char *label; uint64_t *attributed, *retained; uint8_t *present; };
struct multi {
	int n;                       /* snapshots */
	struct mrow *rows;           /* realms in first-seen order, then (shared), (unattributed) */
	uint32_t nrows;
	uint64_t *total;             /* [n] */
	char **files;
};

static struct mrow *mrow_get(struct multi *m, uint32_t id, int pseudo, const char *label)
{
	uint32_t i;
	for (i = 0; i < m->nrows; i++)
		if (pseudo ? !strcmp(m->rows[i].label, label) && m->rows[i].id == UINT32_MAX
			   : m->rows[i].id == id && strcmp(m->rows[i].label, "(shared)") &&
				     strcmp(m->rows[i].label, "(unattributed)"))
			return &m->rows[i];
	HS_REALLOC_ARRAY(m->rows, (size_t)m->nrows + 1);
	memset(&m->rows[m->nrows], 0, sizeof(m->rows[0]));
	m->rows[m->nrows].id = pseudo ? UINT32_MAX : id;
	m->rows[m->nrows].label = strdup(label);
	HS_CALLOC_ARRAY(m->rows[m->nrows].attributed, (size_t)m->n);
	HS_CALLOC_ARRAY(m->rows[m->nrows].retained, (size_t)m->n);
	HS_CALLOC_ARRAY(m->rows[m->nrows].present, (size_t)m->n);
	return &m->rows[m->nrows++];
}

static void multi_add(struct multi *m, int k, const struct hs_analysis *a, const struct hs_realms *r)
{
	const struct hs_snapshot *s = a->s;
	uint32_t i;
	struct mrow *x;
	char label[1200];
	int det;

	for (i = 0; i < r->count; i++) {
		uint32_t n = r->v[i].node, gp = global_of(s, n);
		const char *nm = hs_raw_name(a, n, &det);
		if (gp != UINT32_MAX)
			snprintf(label, sizeof(label), "%s", hs_node_name(s, gp));
		else
			snprintf(label, sizeof(label), "%s%s", det ? "Detached " : "", nm);
		x = mrow_get(m, s->node_id[n], 0, label);
		x->attributed[k] = r->v[i].attributed;
		x->retained[k] = a->dom.retained[n];
		x->present[k] = 1;
	}
	x = mrow_get(m, 0, 1, "(shared)");
	x->attributed[k] = r->shared;
	x->present[k] = 1;
	x = mrow_get(m, 0, 1, "(unattributed)");
	x->attributed[k] = r->unattributed;
	x->present[k] = 1;
	m->total[k] = a->stats.total;
}

static void multi_check(const struct multi *m, const struct hs_rule *rules, int nrules, struct hs_violations *vs)
{
	int i;
	uint32_t j;
	for (i = 0; i < nrules; i++) {
		const struct hs_rule *r = &rules[i];
		if (r->is_total) {
			int64_t v = (int64_t)m->total[m->n - 1] - (int64_t)m->total[0];
			if (hs_rule_violated(r, v, m->total[0]))
				hs_violation_add(vs, r, NULL, v, m->total[0]);
			continue;
		}
		for (j = 0; j < m->nrows; j++) {
			const struct mrow *x = &m->rows[j];
			const uint64_t *val = r->metric == HS_METRIC_RETAINED ? x->retained : x->attributed;
			int64_t v;
			if (!hs_rule_matches(r, x->label))
				continue;
			v = (int64_t)val[m->n - 1] - (int64_t)val[0];
			if (hs_rule_violated(r, v, val[0]))
				hs_violation_add(vs, r, x->label, v, val[0]);
		}
	}
}

static void multi_print(const struct multi *m, enum fmt f, int nrules, const struct hs_violations *vs)
{
	uint32_t j;
	int k;

	if (f == FMT_JSON) {
		yajl_gen g = json_new(1);
		yajl_gen_map_open(g);
		json_key(g, "files");
		yajl_gen_array_open(g);
		for (k = 0; k < m->n; k++)
			json_str(g, m->files[k]);
		yajl_gen_array_close(g);
		json_key(g, "total_sizes");
		yajl_gen_array_open(g);
		for (k = 0; k < m->n; k++)
			json_u64(g, m->total[k]);
		yajl_gen_array_close(g);
		json_key(g, "realms");
		yajl_gen_array_open(g);
		for (j = 0; j < m->nrows; j++) {
			const struct mrow *x = &m->rows[j];
			yajl_gen_map_open(g);
			json_key(g, "id");
			if (x->id == UINT32_MAX) yajl_gen_null(g); else json_u64(g, x->id);
			json_kv_str(g, "label", x->label);
			json_key(g, "attributed_sizes");
			yajl_gen_array_open(g);
			for (k = 0; k < m->n; k++)
				if (x->present[k]) json_u64(g, x->attributed[k]); else yajl_gen_null(g);
			yajl_gen_array_close(g);
			json_key(g, "growth");
			json_i64(g, (int64_t)x->attributed[m->n - 1] - (int64_t)x->attributed[0]);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		violations_json(g, vs);
		json_finish(g);
		return;
	}
	{
		const char **head, **cells;
		char *align, (*buf)[48];
		struct table t;
		int nc = m->n + 3;
		HS_ALLOC_ARRAY(head, (size_t)nc);
		HS_ALLOC_ARRAY(cells, (size_t)nc);
		HS_ALLOC_ARRAY(buf, (size_t)nc);
		align = hs_xmalloc((size_t)nc + 1);
		head[0] = "realm";
		head[1] = "id";
		align[0] = 'l';
		align[1] = 'r';
		for (k = 0; k < m->n; k++) {
			snprintf(buf[k + 2], sizeof(buf[0]), "#%d", k + 1);
			head[k + 2] = buf[k + 2];
			align[k + 2] = 'r';
		}
		head[nc - 1] = "growth";
		align[nc - 1] = 'r';
		align[nc] = '\0';
		if (f == FMT_MD)
			printf("## Realms over %d snapshots\n\n", m->n);
		for (k = 0; k < m->n; k++)
			printf(f == FMT_MD ? "- #%d `%s`\n" : f == FMT_CSV ? "" : "#%d %s\n", k + 1, m->files[k]);
		if (f != FMT_CSV)
			printf("\n");
		table_init(&t, nc, head, align);
		for (j = 0; j < m->nrows; j++) {
			const struct mrow *x = &m->rows[j];
			char idb[32], vals[64][32], gr[32];
			cells[0] = x->label;
			idb[0] = '\0';
			if (x->id != UINT32_MAX)
				snprintf(idb, sizeof(idb), f == FMT_CSV ? "%u" : "@%u", x->id);
			cells[1] = idb;
			for (k = 0; k < m->n && k < 64; k++) {
				if (!x->present[k])
					snprintf(vals[k], sizeof(vals[k]), "%s", f == FMT_CSV ? "" : "-");
				else if (f == FMT_CSV)
					snprintf(vals[k], sizeof(vals[k]), "%llu", (unsigned long long)x->attributed[k]);
				else
					human_size(x->attributed[k], vals[k], sizeof(vals[k]));
				cells[k + 2] = vals[k];
			}
			if (f == FMT_CSV)
				snprintf(gr, sizeof(gr), "%lld", (long long)x->attributed[m->n - 1] - (long long)x->attributed[0]);
			else
				signed_size((int64_t)x->attributed[m->n - 1] - (int64_t)x->attributed[0], gr, sizeof(gr));
			cells[nc - 1] = gr;
			table_row(&t, cells);
		}
		table_print(&t, f, f == FMT_TEXT ? 2 : 0);
		table_release(&t);
		free(head);
		free(cells);
		free(buf);
		free(align);
		violations_report(f, vs, nrules);
	}
}

static int realms_multi(char **files, int n, int raw, enum fmt f, const struct hs_rule *rules, int nrules)
{
	struct multi m;
	struct hs_violations vs = { NULL, 0, 0, NULL, 0 };
	int k, rc = 0;
	uint32_t j;

	if (n > 64)
		return usage_error("realms", "at most 64 snapshots, got %d", n);
	memset(&m, 0, sizeof(m));
	m.n = n;
	m.files = files;
	HS_CALLOC_ARRAY(m.total, (size_t)n);
	for (k = 0; k < n && !rc; k++) {
		struct loaded ld;
		struct hs_snapshot *s;
		struct hs_analysis a;
		struct hs_realms r;
		if ((rc = load_snapshot(files[k], NULL, &ld)))
			break;
		s = ld.s;
		warn_snapshot(s);
		if ((rc = analyze_snapshot(&ld, raw, 0, &a))) {
			hs_snapshot_free(s);
			break;
		}
		hs_realms_compute(&r, &a);
		multi_add(&m, k, &a, &r);
		hs_realms_release(&r);
		hs_analysis_release(&a);
		hs_snapshot_free(s);
	}
	if (!rc) {
		vs.rules = rules;
		vs.nrules = nrules;
		multi_check(&m, rules, nrules, &vs);
		multi_print(&m, f, nrules, &vs);
		violations_stderr("realms", &vs);
		rc = fflush(stdout) ? EXIT_INPUT : vs.n ? EXIT_GATE : EXIT_OK;
	}
	for (j = 0; j < m.nrows; j++) {
		free(m.rows[j].label);
		free(m.rows[j].attributed);
		free(m.rows[j].retained);
		free(m.rows[j].present);
	}
	free(m.rows);
	free(m.total);
	free(vs.v);
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
	if (hs_rule_parse(arg, &r->rules[*r->n], &err) < 0)
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
	char b1[32], b2[32], b3[32];
	struct rules_ref fail_on = { rules, &nrules };
	const struct opt opts[] = {
		OPT_FORMAT_HTML(&f, "text (default), json, csv, markdown or html (a page)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete)"),
		OPT_CALLBACK("fail-on", &fail_on, "RULE", "(several snapshots) exit 1 when RULE is violated, e.g.\n"
			     "'Window / https*:self>1MB' or 'total:self>10%'; the selector\n"
			     "is a glob over the realm's global (Window / url, global),\n"
			     "else its name, or (shared) / (unattributed); metric self =\n"
			     "attributed size, retained = the native context's retained\n"
			     "size; growth from the first to the last snapshot", opt_fail_on, NULL),
		OPT_COUNT("top", &ntop, "N", "accepted for uniformity; every realm is listed"),
		OPT_BOOL("raw-sizes", &raw, "the file's shallow sizes (no DevTools re-attribution)"),
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
	if ((rc = load_snapshot(argv[optind], NULL, &ld)))
		return rc;
	s = ld.s;
	warn_snapshot(s);
	if ((rc = analyze_snapshot(&ld, raw, 0, &a))) {
		hs_snapshot_free(s);
		return rc;
	}
	hs_realms_compute(&r, &a);
	if (f == FMT_JSON) {
		print_json(&a, &r);
	} else if (f == FMT_CSV) {
		print_table(&a, &r, f);
	} else {
		if (f == FMT_MD)
			printf("## Realms (native contexts): `%s`\n\n", s->file);
		else
			printf("%s\n", s->file);
		printf(f == FMT_MD ? "%u native contexts; shared %s, unattributed %s, total %s\n\n"
				   : "  %u native contexts; shared %s, unattributed %s, total %s\n\n",
		       r.count, human_size(r.shared, b1, sizeof(b1)), human_size(r.unattributed, b2, sizeof(b2)),
		       human_size(a.stats.total, b3, sizeof(b3)));
		print_table(&a, &r, f);
	}
	hs_realms_release(&r);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
