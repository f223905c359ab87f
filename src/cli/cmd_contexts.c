/* hsnap contexts: dead closure variables (DevTools' analyzeContexts). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "options.h"
#include "output.h"
#include "hsnap/contexts.h"

static const struct cmd_doc help_doc = {
	.name = "contexts",
	.usage = (const char *const[]){ "hsnap contexts [options] FILE", NULL },
	.description =
		"Dead closure variables, as DevTools' context analysis: per script and scope,\n"
		"the closure contexts that keep variables alive which no live function can\n"
		"read, with each variable's value and its retained size, largest first.  The\n"
		"classic V8 closure leak: two closures share a context; the one that read the\n"
		"big value is gone, the live one keeps the value.\n"
		"\n"
		"Needs the closure-scope tables (scopes, scope_context_vars, scope_uses) that\n"
		"current V8 writes (Chromium 156 and later); Node 20-22 snapshots have none,\n"
		"and the report says so.  Always reads FILE itself (the index does not hold\n"
		"the scope tables).\n",
	.operands = "<file>",
};

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

/* Script names can be whole data: URLs: shortened for tables. */
static const char *short_script(const char *name, char *buf, size_t len)
{
	size_t n = strlen(name);
	if (n <= 48 || len < 64)
		return name;
	snprintf(buf, len, "%.29s...%s", name, name + n - 16);
	return buf;
}

/* One row per dead variable: for people the script and scope only on their
 * first row; in CSV every cell; in JSON inside its scope's context. */
static const struct out_col dead_cols[] = {
	{ "script", NULL, 'l', OUT_HUMAN }, { "scope", NULL, 'l', OUT_HUMAN },
	{ "context", NULL, 'r', OUT_HUMAN }, { "context retained", NULL, 'r', OUT_HUMAN },
	{ "variable", NULL, 'l', OUT_HUMAN }, { "value", NULL, 'l', OUT_HUMAN },
	{ "retained", NULL, 'r', OUT_HUMAN },
	{ NULL, "script", 'l', OUT_FLAT }, { NULL, "start", 'r', OUT_FLAT }, { NULL, "end", 'r', OUT_FLAT },
	{ NULL, "context_id", 'r', OUT_FLAT }, { NULL, "context_retained_size", 'r', OUT_FLAT },
	{ NULL, "variable", 'l', OUT_FLAT }, { NULL, "value_id", 'r', OUT_FLAT },
	{ NULL, "value_class", 'l', OUT_FLAT }, { NULL, "retained_size", 'r', OUT_FLAT },
	{ NULL, "name", 'l', OUT_TREE }, { NULL, "value_id", 'r', OUT_TREE },
	{ NULL, "value_class", 'l', OUT_TREE }, { NULL, "value_type", 'l', OUT_TREE },
	{ NULL, "self_size", 'r', OUT_TREE }, { NULL, "retained_size", 'r', OUT_TREE },
};
static const struct out_table dead_table = { OUT_COLS(dead_cols), .indent = 2 };

static void dead_row(struct out *out, const struct hs_analysis *a, const struct hs_ctx_scope *sc,
		     const struct hs_ctx_context *cx, const struct hs_ctx_dead *d, int first_of_scope,
		     int first_of_ctx)
{
	const struct hs_snapshot *s = a->s;
	const char *cls = hs_class_name(&a->classes, a->classes.class_of[d->value]);
	const char *fn = fn_name(a, sc), *name = hs_str(&s->strings, d->name);
	char sbuf[96], scope[96], ctx[32], val[512];
	const char *script = hs_script_name(a, sc->script);

	snprintf(scope, sizeof(scope), "%" PRId64 "-%" PRId64 "%s%.40s", sc->start, sc->end,
		 fn && *fn ? " " : "", fn ? fn : "");
	snprintf(ctx, sizeof(ctx), "@%" PRIu64, hs_node_id(s, cx->node));
	snprintf(val, sizeof(val), "%.200s @%" PRIu64, cls, hs_node_id(s, d->value));
	{
		struct out_val v[22] = {
			ov_str(first_of_scope ? short_script(script, sbuf, sizeof(sbuf)) : ""),
			ov_str(first_of_scope ? scope : ""), ov_str(first_of_ctx ? ctx : ""),
			first_of_ctx ? ov_bytes(cx->retained) : ov_str(""), ov_str(name), ov_str(val),
			ov_bytes(d->retained),
			ov_str(script), ov_int(sc->start), ov_int(sc->end), ov_uint(hs_node_id(s, cx->node)),
			ov_uint(cx->retained), ov_str(name), ov_uint(hs_node_id(s, d->value)), ov_str(cls),
			ov_uint(d->retained),
			ov_str(name), ov_uint(hs_node_id(s, d->value)), ov_str(cls),
			ov_str(hs_node_type_name(s, d->value)), ov_uint(hs_shallow_size(a, d->value)), ov_uint(d->retained),
		};
		out_row(out, v);
	}
}

static void render(const struct hs_analysis *a, const struct hs_contexts *c, uint32_t nshow, enum fmt f)
{
	const struct hs_snapshot *s = a->s;
	struct out *out = out_open(f);
	struct out_table t = dead_table;
	char b1[32];
	uint32_t i, j, k;

	if (out_view(out) == OUT_FLAT && !c->has_tables) /* CSV has no place for the sentence */
		fprintf(stderr, "hsnap: %s: %s\n", s->file, no_tables_text);
	out_kv_str(out, "file", s->file);
	out_field(out, "has_scope_tables", ov_bool(c->has_tables));
	out_kv_u64(out, "dead_retained_size", total_dead(c));
	out_kv_u64(out, "scope_count", c->nscopes);
	out_say(out, "%s\n", "## Dead closure variables: `%s`\n\n", s->file);
	if (!c->has_tables) {
		out_say(out, "  %s.\n", "%s.\n", no_tables_text);
	} else {
		out_say(out, "  %u scopes with dead variables in %u contexts; dead variables retain %s\n\n",
			"%u scopes with dead variables in %u contexts; dead variables retain **%s**\n\n",
			c->nscopes, c->nctx, human_size(total_dead(c), b1, sizeof(b1)));
		if (nshow < c->nscopes)
			out_say(out, "  top %u scopes:\n", "Top %u scopes:\n\n", nshow);
	}
	if (!c->has_tables || !c->nscopes)
		t.views = OUT_TREE | OUT_FLAT; /* people read no empty table */
	out_list_begin(out, "scopes");
	out_table_begin(out, &t);
	for (i = 0; i < nshow; i++) {
		const struct hs_ctx_scope *sc = &c->scopes[i];
		const char *fn = fn_name(a, sc);
		out_obj_begin(out, NULL);
		out_kv_str(out, "script", hs_script_name(a, sc->script));
		out_kv_u64(out, "script_id", hs_node_id(s, sc->script));
		out_field(out, "start", ov_int(sc->start));
		out_field(out, "end", ov_int(sc->end));
		out_field(out, "function_name", fn ? ov_str(fn) : ov_null());
		out_kv_u64(out, "scope_info_id", hs_node_id(s, sc->scope_info));
		out_kv_u64(out, "context_field_count", sc->field_count);
		out_list_begin(out, "contexts");
		for (j = 0; j < sc->nctx; j++) {
			const struct hs_ctx_context *cx = &c->ctx[sc->first_ctx + j];
			out_obj_begin(out, NULL);
			out_kv_u64(out, "id", hs_node_id(s, cx->node));
			out_kv_u64(out, "retained_size", cx->retained);
			out_kv_u64(out, "dead_retained_size", cx->dead_retained);
			out_list_begin(out, "dead");
			for (k = 0; k < cx->ndead; k++)
				dead_row(out, a, sc, cx, &c->dead[cx->first_dead + k], !j && !k, !k);
			out_list_end(out);
			out_obj_end(out);
		}
		out_list_end(out);
		out_obj_end(out);
	}
	out_table_end(out);
	out_list_end(out);
	out_list_begin(out, "scripts_without_scopes");
	for (i = 0; i < c->nno_scopes; i++) {
		char sbuf[96];
		out_obj_begin(out, NULL);
		out_kv_str(out, "script", hs_script_name(a, c->no_scopes[i].script));
		out_kv_u64(out, "script_id", hs_node_id(s, c->no_scopes[i].script));
		out_kv_u64(out, "contexts", c->no_scopes[i].contexts);
		out_obj_end(out);
		if (c->has_tables)
			out_say(out, "%s  script %s @%" PRIu64 ": %" PRIu64 " contexts, no scope table\n",
				"%s- script `%s` @%" PRIu64 ": %" PRIu64 " contexts, no scope table\n", i ? "" : "\n",
				short_script(hs_script_name(a, c->no_scopes[i].script), sbuf, sizeof(sbuf)),
				hs_node_id(s, c->no_scopes[i].script), c->no_scopes[i].contexts);
	}
	out_list_end(out);
	out_close(out);
}

int cmd_contexts(int argc, char **argv)
{
	enum fmt f = FMT_TEXT;
	long ntop = 20;
	int raw = 0, rc;
	struct loaded ld;
	const char *file;
	struct hs_snapshot *s;
	struct hs_analysis a;
	struct hs_contexts cx;
	struct hs_error err = { 0, "" };
	uint32_t nshow;
	const struct opt opts[] = {
		OPT_COUNT("top", &ntop, "N", "scopes to show (default 20; 0: all)"),
		OPT_FORMAT_HTML(&f, "text (default), json, csv, markdown (csv/markdown: one\n"
				"row per dead variable) or html (a page)"),
		OPT_OUTPUT("F", "write to F (created 0600, replaced when complete)"),
		OPT_RAW_SIZES(&raw),
		OPT_END()
	};

	if ((rc = parse_one_file(&help_doc, opts, argc, argv, &file)))
		return rc < 0 ? EXIT_OK : rc;
	cli_no_index = 1; /* the index does not hold the scope tables */
	if ((rc = load_analyzed(file, raw, 0, &ld, &a)))
		return rc;
	s = ld.s;
	if ((rc = hs_contexts_analyze(&cx, &a, &err)) < 0) {
		fprintf(stderr, "hsnap: %s: %s\n", s->file, err.msg);
		hs_analysis_release(&a);
		hs_snapshot_free(s);
		return exit_code_for(rc);
	}
	nshow = ntop == 0 || (uint64_t)ntop > cx.nscopes ? cx.nscopes : (uint32_t)ntop;
	render(&a, &cx, nshow, f);
	hs_contexts_release(&cx);
	hs_analysis_release(&a);
	hs_snapshot_free(s);
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_INPUT;
}
