/* Which functions a closure context belongs to: the closures whose internal
 * `context` edge points at a `system / Context`, so that a context at the top
 * of a report can be labelled with the function(s) whose variables it holds. */
#ifndef HSNAP_OWNERS_H
#define HSNAP_OWNERS_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/analysis.h"

struct hs_context_owners {
	uint64_t *pairs;   /* context ordinal << 32 | closure ordinal, sorted */
	size_t n;
};

/* The closure with the lowest ordinal whose context is ctx, and in *count how
 * many closures share it; UINT32_MAX (count 0) when none points at it.  The
 * table is built on the first call and kept in a->owners (freed by
 * hs_analysis_release). */
uint32_t hs_context_owner(const struct hs_analysis *a, uint32_t ctx, uint32_t *count);
void hs_context_owners_release(struct hs_context_owners *o);

#endif
