/* Realms through the output layer (realms_report.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "output.h"
#include "realms_report.h"
#include "hsnap/contexts.h"
#include "alloc.h"

/* ---- one snapshot ------------------------------------------------------- */

/* people's columns, CSV's (keys), then the tree's */
static const struct out_col one_cols[] = {
	{ "realm", "name", 'l', OUT_HUMAN | OUT_FLAT }, { "id", NULL, 'r', OUT_HUMAN },
	{ NULL, "id", 'r', OUT_FLAT }, { "global", "global", 'l', OUT_HUMAN | OUT_FLAT },
	{ "attributed", "attributed_size", 'r', OUT_HUMAN | OUT_FLAT },
	{ "share", "share", 'r', OUT_HUMAN | OUT_FLAT },
	{ "retained", "retained_size", 'r', OUT_HUMAN | OUT_FLAT },
	{ "self", "self_size", 'r', OUT_HUMAN | OUT_FLAT },
	{ NULL, "id", 'r', OUT_TREE }, { NULL, "name", 'l', OUT_TREE },
	{ NULL, "attributed_size", 'r', OUT_TREE }, { NULL, "retained_size", 'r', OUT_TREE },
	{ NULL, "self_size", 'r', OUT_TREE },
};
static const struct out_table one_table = { .key = "native_contexts", OUT_COLS(one_cols), .indent = 2 };

static void one_row(struct out *o, const struct hs_analysis *a, uint32_t n, uint64_t attributed, uint64_t total)
{
	const struct hs_snapshot *s = a->s;
	uint32_t gp = hs_realm_global(s, n);
	char name[1100], id[32], gl[300];
	int det;
	const char *nm = hs_raw_name(a, n, &det);

	snprintf(name, sizeof(name), "%s%s", det ? "Detached " : "", nm);
	snprintf(id, sizeof(id), "@%" PRIu32, s->node_id[n]);
	gl[0] = '\0';
	if (gp != UINT32_MAX)
		snprintf(gl, sizeof(gl), "%.200s @%" PRIu32, hs_node_name(s, gp), s->node_id[gp]);
	{
		struct out_val v[13] = {
			ov_str(name), ov_str(id), ov_uint(s->node_id[n]), ov_str(gl), ov_bytes(attributed),
			ov_percent(attributed, total), ov_bytes(a->dom.retained[n]), ov_bytes(hs_shallow_size(a, n)),
			ov_uint(s->node_id[n]), ov_str(name), ov_uint(attributed), ov_uint(a->dom.retained[n]),
			ov_uint(hs_shallow_size(a, n)),
		};
		out_row_open(o, v);
	}
	if (gp != UINT32_MAX) {
		out_obj_begin(o, "global");
		out_kv_u64(o, "id", s->node_id[gp]);
		out_kv_str(o, "name", hs_node_name(s, gp));
		out_obj_end(o);
	} else {
		out_field(o, "global", ov_null());
	}
	out_row_close(o);
}

/* (shared) and (unattributed): rows of the people's table and CSV only */
static void one_pseudo_row(struct out *o, const char *name, uint64_t v, uint64_t total)
{
	struct out_val c[13] = {
		ov_str(name), ov_str(""), ov_none(), ov_str(""), ov_bytes(v), ov_percent(v, total),
		ov_str(""), ov_str(""), ov_none(), ov_none(), ov_none(), ov_none(), ov_none(),
	};
	out_row_only(o, OUT_HUMAN | OUT_FLAT, c);
}

void realms_one_out(struct out *o, const struct hs_analysis *a, const struct hs_realms *r)
{
	char b1[32], b2[32], b3[32];
	uint64_t total = r->shared + r->unattributed;
	uint32_t i;

	for (i = 0; i < r->count; i++)
		total += r->v[i].attributed;
	out_kv_str(o, "file", a->s->file);
	out_say(o, "%s\n", "## Realms (native contexts): `%s`\n\n", a->s->file);
	out_say(o, "  %u native contexts; shared %s, unattributed %s, total %s\n\n",
		"%u native contexts; shared %s, unattributed %s, total %s\n\n", r->count,
		human_size(r->shared, b1, sizeof(b1)), human_size(r->unattributed, b2, sizeof(b2)),
		human_size(a->stats.total, b3, sizeof(b3)));
	out_table_begin(o, &one_table);
	for (i = 0; i < r->count; i++)
		one_row(o, a, r->v[i].node, r->v[i].attributed, total);
	one_pseudo_row(o, "(shared)", r->shared, total);
	one_pseudo_row(o, "(unattributed)", r->unattributed, total);
	out_table_end(o);
	out_kv_u64(o, "shared_size", r->shared);
	out_kv_u64(o, "unattributed_size", r->unattributed);
	out_kv_u64(o, "total_size", a->stats.total);
}

/* ---- a series ------------------------------------------------------------ */

/* columns: realm, id (people: @N; CSV: N), per snapshot #k (people: size or
 * "-"; CSV: bytes or empty), growth; the tree: id (or null), label, then the
 * row's attributed_sizes and growth as fields */
struct series_cols {
	struct out_col *cols;
	char (*heads)[16];
	struct out_table t;
};

static void series_cols_init(struct series_cols *sc, int n)
{
	int k, c = 0, nc = 2 * n + 6;

	HS_CALLOC_ARRAY(sc->cols, (size_t)nc);
	HS_CALLOC_ARRAY(sc->heads, (size_t)n);
	sc->cols[c++] = (struct out_col){ "realm", "realm", 'l', OUT_HUMAN | OUT_FLAT };
	sc->cols[c++] = (struct out_col){ "id", NULL, 'r', OUT_HUMAN };
	sc->cols[c++] = (struct out_col){ NULL, "id", 'r', OUT_FLAT };
	for (k = 0; k < n; k++) {
		snprintf(sc->heads[k], sizeof(sc->heads[k]), "#%d", k + 1);
		sc->cols[c++] = (struct out_col){ sc->heads[k], NULL, 'r', OUT_HUMAN };
		sc->cols[c++] = (struct out_col){ NULL, sc->heads[k], 'r', OUT_FLAT };
	}
	sc->cols[c++] = (struct out_col){ "growth", "growth", 'r', OUT_HUMAN | OUT_FLAT };
	sc->cols[c++] = (struct out_col){ NULL, "id", 'r', OUT_TREE };
	sc->cols[c++] = (struct out_col){ NULL, "label", 'l', OUT_TREE };
	memset(&sc->t, 0, sizeof(sc->t));
	sc->t.key = "realms";
	sc->t.ncols = nc;
	sc->t.cols = sc->cols;
	sc->t.indent = 2;
}

static void series_row(struct out *o, const struct hs_realm_series *m, const struct hs_realm_track *x,
		       struct out_val *v)
{
	int64_t growth = (int64_t)x->attributed[m->n - 1] - (int64_t)x->attributed[0];
	char idb[32];
	int k, c = 0;

	snprintf(idb, sizeof(idb), "@%u", x->id);
	v[c++] = ov_str(x->label);
	v[c++] = x->id == HS_REALM_PSEUDO ? ov_str("") : ov_str(idb);
	v[c++] = x->id == HS_REALM_PSEUDO ? ov_none() : ov_uint(x->id);
	for (k = 0; k < m->n; k++) {
		v[c++] = x->present[k] ? ov_bytes(x->attributed[k]) : ov_str("-");
		v[c++] = x->present[k] ? ov_uint(x->attributed[k]) : ov_none();
	}
	v[c++] = ov_signed_bytes(growth);
	v[c++] = x->id == HS_REALM_PSEUDO ? ov_null() : ov_uint(x->id);
	v[c++] = ov_str(x->label);
	out_row_open(o, v);
	out_list_begin(o, "attributed_sizes");
	for (k = 0; k < m->n; k++)
		out_field(o, NULL, x->present[k] ? ov_uint(x->attributed[k]) : ov_null());
	out_list_end(o);
	out_field(o, "growth", ov_int(growth));
	out_row_close(o);
}

void realms_series_table(struct out *o, const struct hs_realm_series *m)
{
	struct series_cols sc;
	struct out_val *v;
	uint32_t j;

	series_cols_init(&sc, m->n);
	HS_ALLOC_ARRAY(v, (size_t)sc.t.ncols);
	out_table_begin(o, &sc.t);
	for (j = 0; j < m->nrows; j++)
		series_row(o, m, &m->rows[j], v);
	out_table_end(o);
	out_flush(o);
	free(v);
	free(sc.cols);
	free(sc.heads);
}

void realms_series_out(struct out *o, const struct hs_realm_series *m, char *const *files)
{
	int k;

	out_list_begin(o, "files");
	for (k = 0; k < m->n; k++)
		out_kv_str(o, NULL, files[k]);
	out_list_end(o);
	out_list_begin(o, "total_sizes");
	for (k = 0; k < m->n; k++)
		out_kv_u64(o, NULL, m->total[k]);
	out_list_end(o);
	out_say(o, OUT_SKIP, "## Realms over %d snapshots\n\n", m->n);
	for (k = 0; k < m->n; k++)
		out_say(o, "#%d %s\n", "- #%d `%s`\n", k + 1, files[k]);
	out_say(o, "\n", NULL);
	realms_series_table(o, m);
}

/* ---- a pair (diff --realms) ------------------------------------------------ */

static const struct out_col pair_cols[] = {
	{ "Realm", "label", 'l', 0 }, { "Id", NULL, 'r', OUT_HUMAN }, { NULL, "id", 'r', OUT_DATA },
	{ "Attributed A", "attributed_a", 'r', 0 }, { "Attributed B", "attributed_b", 'r', 0 },
	{ "Δ Attributed", "attributed_delta", 'r', 0 }, { "Retained A", "retained_a", 'r', 0 },
	{ "Retained B", "retained_b", 'r', 0 }, { "Δ Retained", "retained_delta", 'r', 0 },
};
static const struct out_table pair_table = { .key = "realms", OUT_COLS(pair_cols), .indent = 2 };

static int64_t delta(uint64_t a, uint64_t b)
{
	if (b >= a)
		return b - a > (uint64_t)INT64_MAX ? INT64_MAX : (int64_t)(b - a);
	return a - b > (uint64_t)INT64_MAX ? -INT64_MAX : -(int64_t)(a - b);
}

static void pair_row(struct out *o, const struct hs_realm_track *x, const char *idb)
{
	int pseudo = x->id == HS_REALM_PSEUDO;
	struct out_val v[9] = {
		ov_str(x->label), ov_str(idb), pseudo ? ov_null() : ov_uint(x->id),
		x->present[0] ? ov_bytes(x->attributed[0]) : ov_null(),
		x->present[1] ? ov_bytes(x->attributed[1]) : ov_null(),
		ov_signed_bytes(delta(x->attributed[0], x->attributed[1])),
		pseudo || !x->present[0] ? ov_null() : ov_bytes(x->retained[0]),
		pseudo || !x->present[1] ? ov_null() : ov_bytes(x->retained[1]),
		pseudo ? ov_null() : ov_signed_bytes(delta(x->retained[0], x->retained[1])),
	};

	out_row(o, v);
}

void realms_pair_out(struct out *o, const struct hs_realm_series *m)
{
	uint32_t j;

	out_say(o, "\nRealms (native contexts, matched by id; attributed and retained sizes)\n",
		"\n### Realms (native contexts)\n\n");
	out_table_begin(o, &pair_table);
	for (j = 0; j < m->nrows; j++) {
		char idb[32] = "";
		if (m->rows[j].id != HS_REALM_PSEUDO)
			snprintf(idb, sizeof(idb), "@%u", m->rows[j].id);
		pair_row(o, &m->rows[j], idb);
	}
	out_table_end(o);
}
