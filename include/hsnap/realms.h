/* Realms: memory attributed to each native context (main page, iframes, Node
 * vm contexts, workers where present), as DevTools' heap snapshot worker
 * (2026) computes it in calculateNativeContextAttribution and
 * calculateNativeContextSizes (getNativeContextSizes):
 *  - a native context owns itself; an object whose map's meta map has an
 *    internal `native_context` edge to a native context is fixed to it;
 *  - ownership then spreads breadth-first over every edge but shortcut and
 *    weak ones to objects not fixed: reached from one context only, the
 *    object is that context's; from two or more, it is shared;
 *  - never reached: unattributed.
 * Sizes are the shallow sizes DevTools shows (after re-attribution). */
#ifndef HSNAP_REALMS_H
#define HSNAP_REALMS_H
#include <stdint.h>
#include "hsnap/analysis.h"
#include "hsnap/gate.h"

#define HS_REALM_NONE (-1)    /* NO_NATIVE_CONTEXT */
#define HS_REALM_SHARED (-2)  /* SHARED_NATIVE_CONTEXT */

struct hs_realm {
	uint32_t node;            /* ordinal of the native context */
	uint64_t attributed;      /* Σ self sizes of the objects it owns (itself included) */
};

struct hs_realms {
	struct hs_realm *v;       /* in node order, as DevTools lists them */
	uint32_t count;
	uint64_t shared, unattributed;
	int32_t *owner;           /* [node_count] index into v, or HS_REALM_NONE / _SHARED */
};

void hs_realms_compute(struct hs_realms *r, const struct hs_analysis *a);
void hs_realms_release(struct hs_realms *r);
/* DevTools' isNativeContext (on names after propagateDOMState). */
int hs_is_native_context(const struct hs_analysis *a, uint32_t n);
/* The realm's global proxy (`Window / url`, Node's `global`), to tell realms
 * apart: the target of native context nc's internal global_proxy_object
 * edge, or UINT32_MAX. */
uint32_t hs_realm_global(const struct hs_snapshot *s, uint32_t nc);

/* ---- realms matched across snapshots of one process -----------------------
 * What a comparison keeps of one snapshot's realms (the graph can go): per
 * native context its node id, its label (the global's name, else the native
 * context's name with "Detached " when detached), attributed size and the
 * native context's retained size; shared, unattributed and total sizes. */
struct hs_realm_entry {
	uint32_t id;
	char *label;
	uint64_t attributed, retained;
};
struct hs_realm_sizes {
	struct hs_realm_entry *v;   /* as hs_realms lists them */
	uint32_t count;
	uint64_t shared, unattributed, total;
};
void hs_realm_sizes_from(struct hs_realm_sizes *z, const struct hs_analysis *a, const struct hs_realms *r);
void hs_realm_sizes_release(struct hs_realm_sizes *z);

/* Realms over n snapshots, as `hsnap realms S1 .. SN`, diff --realms and
 * growth --realms match them: a realm is one native context id; rows in
 * the order first seen (snapshot 1's realms, (shared), (unattributed), then
 * a later snapshot's new realms); a row's label is the one first seen; a
 * realm absent from a snapshot counts 0 there (present[k] = 0). */
#define HS_REALM_PSEUDO UINT32_MAX  /* the id of (shared) and (unattributed) */
struct hs_realm_track {
	uint32_t id;                /* node id, or HS_REALM_PSEUDO */
	char *label;                /* "(shared)", "(unattributed)" for the pseudo rows */
	uint64_t *attributed;       /* [n] */
	uint64_t *retained;         /* [n]: 0 for the pseudo rows */
	uint8_t *present;           /* [n] */
};
struct hs_realm_series {
	int n;
	struct hs_realm_track *rows;
	uint32_t nrows;
	uint64_t *total;            /* [n]: each snapshot's total size */
};
void hs_realm_series_init(struct hs_realm_series *m, int n);
/* Adds snapshot k (0 <= k < n); add them in order 0 .. n-1 (rows come in the
 * order first seen). */
void hs_realm_series_add(struct hs_realm_series *m, int k, const struct hs_realm_sizes *z);
void hs_realm_series_release(struct hs_realm_series *m);
/* --fail-on's rows (gate.h), one per row of m, growth from snapshot `from`
 * to `to`: self = attributed size, retained = the native context's retained
 * size (pseudo rows: 0), base: the value in `from`; the total row: total
 * size (self and retained).  count and new are 0.  *rows: malloc'd. */
void hs_realm_gate_rows(const struct hs_realm_series *m, int from, int to, struct hs_gate_row *total,
			struct hs_gate_row **rows);

#endif
