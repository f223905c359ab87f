/* hsnap verify: integrity checks of a loaded and analysed snapshot, beyond
 * what the loader already rejects. */
#ifndef HSNAP_VERIFY_H
#define HSNAP_VERIFY_H
#include <stddef.h>
#include "hsnap/analysis.h"

enum hs_check_status { HS_CHECK_FAIL, HS_CHECK_OK, HS_CHECK_NOTE };

struct hs_check {
	const char *name;            /* "header counts", "sum check", ... */
	int ok;                      /* enum hs_check_status */
	char detail[256];            /* what was found, one sentence */
};

#define HS_VERIFY_MAX_CHECKS 8

/* Runs every check, in report order, into c[0..]; returns their number.
 * a: the analysis of s with the file's own sizes (raw_sizes), so that the
 * sum check compares the root's retained size with the file's self sizes. */
size_t hs_verify_run(const struct hs_snapshot *s, const struct hs_analysis *a,
		     struct hs_check c[HS_VERIFY_MAX_CHECKS]);

#endif
