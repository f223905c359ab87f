/* Growing containers across a snapshot series (hsnap growth): collection
 * while the snapshots are loaded one at a time, then the report, with the
 * holder path and what each container accumulates taken from the last
 * snapshot (read again: from its index when there is one). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include "cli.h"
#include "containers_report.h"
#include "output.h"
#include "hsnap/owners.h"
#include "hsnap/paths.h"
#include "alloc.h"
#include "sort.h"

#define PATH_STEPS 4

void cgrow_hook(void *ctx, const struct hs_analysis *a)
{
	struct cgrow *c = ctx;
	struct hs_containers cur;

	if (!c->enabled)
		return;
	hs_containers_measure(a->s, 1, &cur);
	if (c->cur == c->n - 1) { /* the last snapshot is read first: kept for the end */
		c->last = cur;
		return;
	}
	if (c->cur == 0)
		hs_growing_start(&c->g, &cur);
	else
		hs_growing_step(&c->g, &cur);
	hs_containers_release(&cur);
}

static const struct cgrow *g_sort;

static int64_t growth_of(const struct cgrow *c, size_t i)
{
	const struct hs_growing *g = &c->g;
	return (int64_t)g->held[i * g->steps + g->steps - 1] - (int64_t)g->held[i * g->steps];
}

static int order_cmp(const void *x, const void *y)
{
	size_t i = *(const size_t *)x, j = *(const size_t *)y;
	int64_t a = growth_of(g_sort, i), b = growth_of(g_sort, j);
	if (a != b)
		return a > b ? -1 : 1;
	return g_sort->g.id[i] < g_sort->g.id[j] ? -1 : g_sort->g.id[i] > g_sort->g.id[j];
}

static int u32_cmp(const void *x, const void *y)
{
	uint32_t a = *(const uint32_t *)x, b = *(const uint32_t *)y;
	return a < b ? -1 : a > b;
}

/* The class most of container n's counted values belong to, and how many. */
static uint32_t accumulates(const struct hs_analysis *a, uint32_t n, uint32_t kind, uint32_t *count)
{
	const struct hs_snapshot *s = a->s;
	uint32_t t = hs_container_table(s, n, kind), e, *cls, m = 0, i, best = UINT32_MAX, run;

	*count = 0;
	if (t == UINT32_MAX || hs_edge_end(s, t) == hs_edge_begin(s, t))
		return UINT32_MAX;
	HS_ALLOC_ARRAY(cls, hs_edge_end(s, t) - hs_edge_begin(s, t));
	for (e = hs_edge_begin(s, t); e < hs_edge_end(s, t); e++)
		if (hs_container_counts_edge(s, kind, e))
			cls[m++] = a->classes.class_of[s->edge_to[e]];
	hs_sort(cls, m, sizeof(*cls), u32_cmp);
	for (i = 0; i < m; i += run) {
		for (run = 1; i + run < m && cls[i + run] == cls[i]; run++)
			;
		/* a tie (a Map's keys and values): the class that is not a V8
		 * internal such as (string) */
		if (run > *count || (run == *count && best != UINT32_MAX &&
				     hs_class_name(&a->classes, best)[0] == '(' &&
				     hs_class_name(&a->classes, cls[i])[0] != '(')) {
			*count = run;
			best = cls[i];
		}
	}
	free(cls);
	return best;
}

/* "… A .b C .d" for the last PATH_STEPS steps of n's shortest path. */
static void holder_path(const struct hs_analysis *a, uint32_t n, char *buf, size_t len)
{
	const struct hs_snapshot *s = a->s;
	uint32_t edges[PATH_STEPS], k, plen;
	int trunc;
	size_t o = 0;

	buf[0] = '\0';
	if (!a->parent_edge)
		return;
	plen = hs_path_shortest(s, a->parent_edge, n, PATH_STEPS, edges, &trunc);
	if (!plen) {
		snprintf(buf, len, a->distance && a->distance[n] == HS_NO_DISTANCE ? "(unreachable)" : "(a GC root)");
		return;
	}
	if (trunc)
		o += (size_t)snprintf(buf + o, len - o, "… ");
	for (k = 0; k < plen && o < len; k++) {
		char eb[160], fl[320];
		uint32_t from = hs_edge_source(s, edges[k]), cnt, f;
		const char *name = hs_path_node_name(a, from);
		/* a closure context says whose variables it holds: the variable
		 * (->history) is then the line of code to look for */
		fl[0] = '\0';
		if (!strncmp(name, "system / Context", 16) && (f = hs_context_owner(a, from, &cnt)) != UINT32_MAX) {
			char fn[300];
			snprintf(fl, sizeof(fl), " (of %.260s%s)", function_label(s, f, fn, sizeof(fn)),
				 cnt > 1 ? " and others" : "");
		}
		o += (size_t)snprintf(buf + o, len - o, "%s%s%s %s", k ? " " : "", name, fl,
				      hs_edge_label(s, edges[k], 0, eb, sizeof(eb)));
	}
}

struct shown {
	size_t i;
	char label[400], path[1200], acc[300];
	uint64_t retained;
	int have_last;
};

static void describe(struct cgrow *c, struct shown *sh, size_t nshown)
{
	struct hs_snapshot *s = NULL;
	struct loaded ld;
	struct hs_analysis own;
	const struct hs_analysis *a = c->last_a; /* the caller's, when it keeps it */
	size_t k;

	if (a) {
		s = (struct hs_snapshot *)a->s;
	} else if (!strcmp(c->last_path, "-") || load_snapshot(c->last_path, NULL, &ld)) {
		return; /* standard input cannot be read twice: no paths */
	} else if (s = ld.s, analyze_snapshot(&ld, c->raw, 1, &own)) {
		hs_snapshot_free(s);
		return;
	} else {
		a = &own;
	}
	for (k = 0; k < nshown; k++) {
		size_t i = sh[k].i;
		uint32_t n = c->g.node[i], cnt, cls;
		if (n >= s->node_count || hs_node_id(s, n) != c->g.id[i])
			continue; /* the file changed since: say nothing wrong */
		node_label(a, n, sh[k].label, sizeof(sh[k].label));
		holder_path(a, n, sh[k].path, sizeof(sh[k].path));
		cls = accumulates(a, n, c->g.kind[i], &cnt);
		if (cls != UINT32_MAX) {
			char b[32];
			snprintf(sh[k].acc, sizeof(sh[k].acc), "%s (%s)", hs_class_name(&a->classes, cls),
				 group_digits(cnt, b, sizeof(b)));
		}
		sh[k].retained = a->dom.retained[n];
		sh[k].have_last = 1;
	}
	if (a != &own)
		return; /* not ours */
	hs_analysis_release(&own);
	hs_snapshot_free(s);
}

void cgrow_finish(struct cgrow *c)
{
	if (!c->enabled)
		return;
	hs_growing_step(&c->g, &c->last);
	hs_containers_release(&c->last);
}

/* People see the series as "1 → 2 → 3", CSV as "1 2 3", JSON as an array
 * (a field of the open row, as the ones after it). */
static const struct out_col cont_cols[] = {
	{ "Container", "container", 'l', OUT_HUMAN | OUT_FLAT }, { NULL, "id", 'r', OUT_TREE },
	{ "Kind", "kind", 'l', 0 }, { NULL, "label", 'l', OUT_TREE },
	{ "Held per snapshot", NULL, 'r', OUT_HUMAN }, { NULL, "held", 'r', OUT_FLAT },
	{ "Δ Held", "held_growth", 'r', OUT_HUMAN | OUT_FLAT },
	{ "Retained (last)", "retained_last", 'r', OUT_HUMAN | OUT_FLAT },
	{ "Holds mostly", "holds_mostly", 'l', OUT_HUMAN | OUT_FLAT },
	{ "Held by", "held_by", 'l', OUT_HUMAN | OUT_FLAT },
};
/* the rows go into the "containers" list, which JSON has even when empty */
static const struct out_table cont_table = { .key = NULL, OUT_COLS(cont_cols), .indent = 2 };

static void held_text(const struct cgrow *c, size_t i, int machine, char *series, size_t len)
{
	size_t o = 0;
	uint32_t st;

	series[0] = '\0';
	for (st = 0; st < c->g.steps && o < len; st++) {
		char b[32];
		uint32_t v = c->g.held[i * c->g.steps + st];
		if (machine)
			snprintf(b, sizeof(b), "%u", v);
		else
			group_digits(v, b, sizeof(b));
		o += (size_t)snprintf(series + o, len - o, "%s%s", st ? (machine ? " " : " → ") : "", b);
	}
}

static void cont_row(struct out *o, const struct cgrow *c, const struct shown *sh)
{
	size_t i = sh->i;
	uint32_t st;
	char human[512], machine[512];
	const char *kind = hs_container_kind_name(c->g.kind[i]);
	struct out_val v[10];

	held_text(c, i, 0, human, sizeof(human));
	held_text(c, i, 1, machine, sizeof(machine));
	v[0] = ov_str(sh->label); v[1] = ov_uint(c->g.id[i]);
	v[2] = ov_str(kind); v[3] = ov_str(sh->label);
	v[4] = ov_str(human); v[5] = ov_str(machine);
	v[6] = ov_signed(growth_of(c, i));
	v[7] = sh->have_last ? ov_bytes(sh->retained) : ov_none();
	v[8] = ov_str(sh->acc); v[9] = ov_str(sh->path);
	out_row_open(o, v);
	out_list_begin(o, "held");
	for (st = 0; st < c->g.steps; st++)
		out_field(o, NULL, ov_uint(c->g.held[i * c->g.steps + st]));
	out_list_end(o);
	out_field(o, "held_growth", ov_int(growth_of(c, i)));
	out_field(o, "retained_size_last", sh->have_last ? ov_uint(sh->retained) : ov_null());
	out_kv_str(o, "holds_mostly", sh->acc);
	out_kv_str(o, "held_by", sh->path);
	out_row_close(o);
}

static void cgrow_write(const struct cgrow *c, const struct shown *sh, size_t nshown, struct out *o)
{
	size_t k;

	out_say(o, "\n%zu containers grew at every step (matched by id); top %zu by growth\n",
		"\n%zu containers grew at every step (matched by id); top %zu by growth\n\n", c->g.n, nshown);
	out_field(o, "containers_total", ov_uint(c->g.n));
	out_list_begin(o, "containers");
	if (nshown) {
		out_table_begin(o, &cont_table);
		for (k = 0; k < nshown; k++)
			cont_row(o, c, &sh[k]);
		out_table_end(o);
	}
	out_list_end(o);
}

void cgrow_out(struct cgrow *c, struct out *o)
{
	size_t *order, nshown, k;
	struct shown *sh;

	if (!c->enabled)
		return;
	HS_ALLOC_ARRAY(order, c->g.n ? c->g.n : 1);
	for (k = 0; k < c->g.n; k++)
		order[k] = k;
	g_sort = c;
	hs_sort(order, c->g.n, sizeof(*order), order_cmp);
	nshown = c->g.n < (size_t)c->top ? c->g.n : (size_t)c->top;
	HS_CALLOC_ARRAY(sh, nshown ? nshown : 1);
	for (k = 0; k < nshown; k++) {
		sh[k].i = order[k];
		snprintf(sh[k].label, sizeof(sh[k].label), "%s @%" PRIu64, hs_container_kind_name(c->g.kind[order[k]]),
			 c->g.id[order[k]]);
	}
	if (nshown)
		describe(c, sh, nshown);
	cgrow_write(c, sh, nshown, o);
	free(sh);
	free(order);
}

void cgrow_report(struct cgrow *c, enum fmt f, yajl_gen json)
{
	struct out *o = out_open_on(f, json);

	cgrow_out(c, o);
	out_close(o);
}

void cgrow_release(struct cgrow *c)
{
	hs_growing_release(&c->g);
	hs_containers_release(&c->last);
}
