/* Realms through the output layer: one snapshot's table (hsnap realms FILE),
 * the realms of a series (hsnap realms S1 .. SN, growth --realms) and of a
 * pair (diff --realms).  The matching is the library's (hsnap/realms.h). */
#ifndef HSNAP_CLI_REALMS_REPORT_H
#define HSNAP_CLI_REALMS_REPORT_H
#include <yajl_gen.h>
#include "cli.h"
#include "hsnap/realms.h"

struct out;
/* hsnap realms FILE: "file", "native_contexts", the sizes. */
void realms_one_out(struct out *o, const struct hs_analysis *a, const struct hs_realms *r);
/* hsnap realms S1 .. SN: "files", "total_sizes" and the people's list of
 * files, then realms_series_table. */
void realms_series_out(struct out *o, const struct hs_realm_series *m, char *const *files);
/* "realms": per realm its attributed size in each snapshot and the growth
 * from the first to the last. */
void realms_series_table(struct out *o, const struct hs_realm_series *m);
/* diff --realms: "realms" with A's and B's attributed and retained sizes
 * (m holds the two snapshots, A first) and their deltas. */
void realms_pair_out(struct out *o, const struct hs_realm_series *m);

#endif
