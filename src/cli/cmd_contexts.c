/* hsnap contexts: dead closure variables (DevTools' analyzeContexts). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "hsnap/contexts.h"
#include "vec.h"

static const char *const usage_lines[] = {
	"hsnap contexts [options] FILE",
	NULL
};

static const char help_text[] =
	"Dead closure variables, as DevTools' context analysis: per script and scope,\n"
	"the closure contexts that keep variables alive which no live function can\n"
	"read, with each variable's value and its retained size, largest first.  The\n"
	"classic V8 closure leak: two closures share a context; the one that read the\n"
	"big value is gone, the live one keeps the value.\n"
	"\n"
	"Needs the closure-scope tables (scopes, scope_context_vars, scope_uses) that\n"
	"current V8 writes (Chromium 156 and later); Node 20-22 snapshots have none,\n"
	"and the report says so.  Always reads FILE itself (the index does not hold\n"
	"the scope tables).\n";

static const struct cmd_doc help_doc = { "contexts", usage_lines, help_text, NULL, "<file>" };

static const char no_tables_text[] =
	"no closure-scope tables in this snapshot (scopes / scope_context_vars / scope_uses: "
	"written by current V8, e.g. Chromium 156, not by Node 20-22), so dead closure "
	"variables cannot be determined";

static uint64_t total_dead(const struct hs_contexts *c)
{
	uint64_t t = 0;
	uint32_t i;
	for (i = 0; i < c->nctx; i++)
		t += c->ctx[i].dead_retained;
	return t;
}

static const char *fn_name(const struct hs_analysis *a, const struct hs_ctx_scope *sc)
{
	return sc->function_name == HS_CTX_NONE ? NULL : hs_node_name(a->s, sc->function_name);
}

static void print_json(const struct hs_analysis *a, const struct hs_contexts *c, uint32_t nshow)
{
	const struct hs_snapshot *s = a->s;
	yajl_gen g = json_new(1);
	uint32_t i, j, k;

	yajl_gen_map_open(g);
	json_kv_str(g, "file", s->file);
	json_key(g, "has_scope_tables");
	yajl_gen_bool(g, c->has_tables);
	json_kv_u64(g, "dead_retained_size", total_dead(c));
	json_kv_u64(g, "scope_count", c->nscopes);
	json_key(g, "scopes");
	yajl_gen_array_open(g);
	for (i = 0; i < nshow; i++) {
		const struct hs_ctx_scope *sc = &c->scopes[i];
		const char *fn = fn_name(a, sc);
		yajl_gen_map_open(g);
		json_kv_str(g, "script", hs_script_name(a, sc->script));
		json_kv_u64(g, "script_id", hs_node_id(s, sc->script));
		json_key(g, "start");
		json_i64(g, sc->start);
		json_key(g, "end");
		json_i64(g, sc->end);
		json_key(g, "function_name");
		if (fn)
			json_str(g, fn);
		else
			yajl_gen_null(g);
		json_kv_u64(g, "scope_info_id", hs_node_id(s, sc->scope_info));
		json_kv_u64(g, "context_field_count", sc->field_count);
		json_key(g, "contexts");
		yajl_gen_array_open(g);
		for (j = 0; j < sc->nctx; j++) {
			const struct hs_ctx_context *cx = &c->ctx[sc->first_ctx + j];
			yajl_gen_map_open(g);
			json_kv_u64(g, "id", hs_node_id(s, cx->node));
			json_kv_u64(g, "retained_size", cx->retained);
			json_kv_u64(g, "dead_retained_size", cx->dead_retained);
			json_key(g, "dead");
			yajl_gen_array_open(g);
			for (k = 0; k < cx->ndead; k++) {
				const struct hs_ctx_dead *d = &c->dead[cx->first_dead + k];
				yajl_gen_map_open(g);
				json_kv_str(g, "name", hs_str(&s->strings, d->name));
				json_kv_u64(g, "value_id", hs_node_id(s, d->value));
				json_kv_str(g, "value_class", hs_class_name(&a->classes, a->classes.class_of[d->value]));
				json_kv_str(g, "value_type", hs_node_type_name(s, d->value));
				json_kv_u64(g, "self_size", a->self_size[d->value]);
				json_kv_u64(g, "retained_size", d->retained);
				yajl_gen_map_close(g);
			}
			yajl_gen_array_close(g);
			yajl_gen_map_close(g);
		}
		yajl_gen_array_close(g);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_key(g, "scripts_without_scopes");
	yajl_gen_array_open(g);
	for (i = 0; i < c->nno_scopes; i++) {
		yajl_gen_map_open(g);
		json_kv_str(g, "script", hs_script_name(a, c->no_scopes[i].script));
		json_kv_u64(g, "script_id", hs_node_id(s, c->no_scopes[i].script));
		json_kv_u64(g, "contexts", c->no_scopes[i].contexts);
		yajl_gen_map_close(g);
	}
	yajl_gen_array_close(g);
	json_finish(g);
}

/* Script names can be whole data: URLs: shortened for tables. */
static const char *short_script(const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);
	if (n <= 48 || len < 64)
		return name;
	snprintf(buf, len, "%.29s...%s", name, name + n - 16);
	return buf;
}

static void print_rows(const struct hs_analysis *a, const struct hs_contexts *c, uint32_t nshow,
		       enum fmt f)
{
	static const char *const head[] = { "script", "scope", "context", "context retained",
					     "variable", "value", "retained" };
	static const char *const head_csv[] = { "script", "start", "end", "context_id",
						 "context_retained_size", "variable", "value_id",
						 "value_class", "retained_size" };
	const struct hs_snapshot *s = a->s;
	struct table t;
	uint32_t i, j, k;
	char sbuf[96], scope[96], ctx[32], cret[32], val[512], ret[32], st[32], en[32];

	if (f == FMT_CSV)
		table_init(&t, 9, head_csv, "lrrrrlrlr");
	else
		table_init(&t, 7, head, "llrrllr");
	for (i = 0; i < nshow; i++) {
		const struct hs_ctx_scope *sc = &c->scopes[i];
		const char *fn = fn_name(a, sc);
		for (j = 0; j < sc->nctx; j++) {
			const struct hs_ctx_context *cx = &c->ctx[sc->first_ctx + j];
			for (k = 0; k < cx->ndead; k++) {
				const struct hs_ctx_dead *d = &c->dead[cx->first_dead + k];
				const char *cls = hs_class_name(&a->classes, a->classes.class_of[d->value]);
				if (f == FMT_CSV) {
					const char *cells[9];
					snprintf(st, sizeof(st), "%" PRId64, sc->start);
					snprintf(en, sizeof(en), "%" PRId64, sc->end);
					snprintf(ctx, sizeof(ctx), "%" PRIu64, hs_node_id(s, cx->node));
					snprintf(cret, sizeof(cret), "%" PRIu64, cx->retained);
					snprintf(val, sizeof(val), "%" PRIu64, hs_node_id(s, d->value));
					snprintf(ret, sizeof(ret), "%" PRIu64, d->retained);
					cells[0] = hs_script_name(a, sc->script); cells[1] = st; cells[2] = en;
					cells[3] = ctx; cells[4] = cret; cells[5] = hs_str(&s->strings, d->name);
					cells[6] = val; cells[7] = cls; cells[8] = ret;
					table_row(&t, cells);
				} else {
					const char *cells[7];
					snprintf(scope, sizeof(scope), "%" PRId64 "-%" PRId64 "%s%.40s", sc->start, sc->end,
						 fn && *fn ? " " : "", fn ? fn : "");
					snprintf(ctx, sizeof(ctx), "@%" PRIu64, hs_node_id(s, cx->node));
					human_size(cx->retained, cret, sizeof(cret));
					snprintf(val, sizeof(val), "%.200s @%" PRIu64, cls, hs_node_id(s, d->value));
					human_size(d->retained, ret, sizeof(ret));
					cells[0] = j || k ? "" : short_script(hs_script_name(a, sc->script), sbuf, sizeof(sbuf));
					cells[1] = j || k ? "" : scope;
					cells[2] = k ? "" : ctx;
					cells[3] = k ? "" : cret;
					cells[4] = hs_str(&s->strings, d->name);
					cells[5] = val;
					cells[6] = ret;
					table_row(&t, cells);
				}
			}
		}
	}
	table_print(&t, f, f == FMT_TEXT ? 2 : 0);
	table_release(&t);
}

static void print_report(const struct hs_analysis *a, const struct hs_contexts *c, uint32_t nshow,
			 enum fmt f)
{
	const struct hs_snapshot *s = a->s;
	char b1[32];
	uint32_t i;

	if (f == FMT_MD)
		printf("## Dead closure variables: `%s`\n\n", s->file);
	else
		printf("%s\n", s->file);
	if (!c->has_tables) {
		printf(f == FMT_MD ? "%s.\n" : "  %s.\n", no_tables_text);
		return;
	}
	printf(f == FMT_MD ? "%u scopes with dead variables in %u contexts; dead variables retain **%s**\n\n"
			   : "  %u scopes with dead variables in %u contexts; dead variables retain %s\n\n",
	       c->nscopes, c->nctx, human_size(total_dead(c), b1, sizeof(b1)));
	if (nshow < c->nscopes)
		printf(f == FMT_MD ? "Top %u scopes:\n\n" : "  top %u scopes:\n", nshow);
	if (c->nscopes)
		print_rows(a, c, nshow, f);
	for (i = 0; i < c->nno_scopes; i++) {
		char sbuf[96];
		printf(f == FMT_MD ? "%s- script `%s` @%" PRIu64 ": %" PRIu64 " contexts, no scope table\n"
				   : "%s  script %s @%" PRIu64 ": %" PRIu64 " contexts, no scope table\n",
		       i ? "" : "\n", short_script(hs_script_name(a, c->no_scopes[i].script), sbuf, sizeof(sbuf)),
		       hs_node_id(s, c->no_scopes[i].script), c->no_scopes[i].contexts);
	}
}

int cmd_contexts(int argc, char **argv)
{
	enum fmt f = FMT_TEXT;
	long ntop = 20;
	int raw = 0, rc;
	struct loaded ld;
	struct hs_snapshot *s;
	struct hs_analysis a;
	struct hs_contexts cx;
	struct hs_error err = { 0, "" };
	uint32_t nshow;
	const struct opt opts[] = {
		OPT_COUNT("top", &ntop, "N", "scopes to show (default 20; 0: all)"),
		OPT_FORMAT(&f, "text (default), json, csv or markdown (csv/markdown: one\n"
			   "row per dead variable)"),
		OPT_BOOL("raw-sizes", &raw, "the file's shallow sizes (no DevTools re-attribution)"),
		OPT_END()
	};

	if ((rc = parse_options(&help_doc, opts, argc, argv)))
		return rc < 0 ? EXIT_OK : rc;
	if (argc - optind != 1)
		return usage_error("contexts", "expected one FILE, got %d", argc - optind);
	cli_no_index = 1; /* the index does not hold the scope tables */
	if ((rc = load_snapshot(argv[optind], NULL, &ld)))
		return rc;
	s = ld.s;
	warn_snapshot(s);
	if ((rc = analyze_snapshot(&ld, raw, 0, &a))) {
		hs_snapshot_free(s);
		return rc;
	}
	if ((rc = hs_contexts_analyze(&cx, &a, &err)) < 0) {
		fprintf(stderr, "hsnap: %s: %s\n", s->file, err.msg);
		hs_analysis_release(&a);
		hs_snapshot_free(s);
		return exit_code_for(rc);
	}
	nshow = ntop == 0 || (uint64_t)ntop > cx.nscopes ? cx.nscopes : (uint32_t)ntop;
	if (f == FMT_JSON)
		print_json(&a, &cx, nshow);
	else if (f == FMT_CSV) {
		if (!cx.has_tables)
			fprintf(stderr, "hsnap: %s: %s\n", s->file, no_tables_text);
		print_rows(&a, &cx, nshow, f);
	} else
		print_report(&a, &cx, nshow, f);
	hs_contexts_release(&cx);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
