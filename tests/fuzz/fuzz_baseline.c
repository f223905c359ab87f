/* libFuzzer target for JSON baselines (`hsnap diff BASELINE.json B`): each
 * input is parsed with hs_side_from_summary_text.  A failure must carry a
 * status and a message; a baseline that loads is diffed against itself (no
 * row may differ, none may have new/deleted objects) and against an empty
 * side (every present class is a row), and its class counts and self sizes
 * must add up below 2^63 as the loader promises.  Everything is freed, so
 * LeakSanitizer checks the error paths.
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh SECONDS baseline. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include "hsnap/hsnap.h"
#include "hsnap/diff.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct hs_class_names ns;
	struct hs_side a, empty;
	struct hs_diff d;
	struct hs_error err;
	uint64_t count = 0, self = 0;
	uint32_t g, present = 0;
	int rc;

	memset(&err, 0, sizeof(err));
	hs_class_names_init(&ns);
	rc = hs_side_from_summary_text(&a, &ns, "fuzz.json", (const char *)data, size, &err);
	if (rc != 0) {
		if (rc > 0 || err.status != rc || !err.msg[0] || a.rows || a.file)
			abort();
		hs_class_names_release(&ns);
		return 0;
	}
	if (!a.is_baseline || a.nobjects)
		abort();
	for (g = 0; g < a.nrows; g++) {
		if (!a.rows[g].present)
			continue;
		present++;
		if (__builtin_add_overflow(count, a.rows[g].count, &count) ||
		    __builtin_add_overflow(self, a.rows[g].self_size, &self))
			abort();
	}
	if (count > INT64_MAX || self > INT64_MAX || a.total_size > INT64_MAX)
		abort();
	hs_diff_compute(&d, &a, &a);
	if (d.nrows || d.has_ids)
		abort();
	hs_diff_release(&d);
	memset(&empty, 0, sizeof(empty));
	empty.is_baseline = 1;
	hs_diff_compute(&d, &a, &empty);
	{
		uint32_t i, changed = 0;
		for (g = 0; g < a.nrows; g++)
			changed += a.rows[g].present && (a.rows[g].count || a.rows[g].self_size || a.rows[g].retained_size);
		if (d.nrows != changed)
			abort();
		for (i = 0; i < d.nrows; i++)
			if (d.rows[i].gid >= ns.names.count || d.rows[i].count_b || d.rows[i].added)
				abort();
	}
	(void)present;
	hs_diff_release(&d);
	hs_side_release(&a);
	hs_class_names_release(&ns);
	return 0;
}
