/* Growing containers in `hsnap growth` (see containers_report.c). */
#ifndef HSNAP_CONTAINERS_REPORT_H
#define HSNAP_CONTAINERS_REPORT_H
#include "cli.h"
#include "hsnap/containers.h"

struct cgrow {
	int enabled;           /* --containers N > 0 */
	long top;              /* containers shown */
	int n, cur;            /* snapshots; the one being loaded (set before each load) */
	int raw;
	const char *last_path; /* the last snapshot, read again for paths */
	const struct hs_analysis *last_a; /* or its analysis, when the caller keeps it */
	struct hs_containers last;
	struct hs_growing g;
};

/* load_side hook (side_opts.hook): measures the containers of snapshot c->cur. */
void cgrow_hook(void *ctx, const struct hs_analysis *a);
/* After every snapshot was loaded: the last step of the series. */
void cgrow_finish(struct cgrow *c);
struct out;
/* The section, written through the output layer (output.h). */
void cgrow_out(struct cgrow *c, struct out *o);
/* The same for callers not on the output layer yet (leaks): in format f, or
 * into the open JSON map json when not NULL. */
void cgrow_report(struct cgrow *c, enum fmt f, yajl_gen json);
void cgrow_release(struct cgrow *c);

#endif
