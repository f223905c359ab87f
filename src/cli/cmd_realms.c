/* hsnap realms: memory per native context (DevTools' getNativeContextSizes). */
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "hsnap/contexts.h"
#include "hsnap/realms.h"
#include "vec.h"

static const char usage_text[] =
	"Usage: hsnap realms [options] FILE\n"
	"\n"
	"Memory attributed to each native context (realm): the main page and each\n"
	"iframe in Chrome, the main context and each vm context in Node, as DevTools\n"
	"attributes it.  An object belongs to a realm when its map's meta map names\n"
	"that native context, or when only that realm's objects reach it (over all\n"
	"edges but weak and shortcut ones); reached from several realms it is shared;\n"
	"from none, unattributed.  Sizes are shallow sizes; retained is the native\n"
	"context object's own retained size.\n"
	"\n"
	"Options:\n"
	"  --format FMT     text (default), json, csv or markdown\n"
	"  --top N          accepted for uniformity; every realm is listed\n"
	"  --raw-sizes      the file's shallow sizes (no DevTools re-attribution)\n"
	"  -h, --help       show this help\n";

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

int cmd_realms(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "top", required_argument, NULL, 't' }, { "format", required_argument, NULL, 'f' },
		{ "raw-sizes", no_argument, NULL, 'r' }, { "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	enum fmt f = FMT_TEXT;
	long ntop = 0;
	int raw = 0, c, rc;
	struct hs_snapshot *s;
	struct hs_analysis a;
	struct hs_realms r;
	char b1[32], b2[32], b3[32];

	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 't': if (parse_count("realms", "--top", optarg, &ntop)) return EXIT_USAGE; break;
		case 'f': if (parse_format("realms", optarg, &f)) return EXIT_USAGE; break;
		case 'r': raw = 1; break;
		case 'h': fputs(usage_text, stdout); return EXIT_OK;
		case ':': return usage_error("realms", "option '%s' needs a value", argv[optind - 1]);
		default: return usage_error("realms", "unknown option '%s'", argv[optind - 1]);
		}
	}
	if (argc - optind != 1)
		return usage_error("realms", "expected one FILE, got %d", argc - optind);
	if ((rc = load_snapshot(argv[optind], &s)))
		return rc;
	warn_snapshot(s);
	if ((rc = analyze_snapshot(s, raw, &a))) {
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
