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

#endif
