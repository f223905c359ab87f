/* libFuzzer target for the hsnap loader and the analyses behind it.
 *
 * Each input is loaded with hs_snapshot_load_mem twice: whole (chunk 0) and
 * fed in odd-sized chunks chosen from the first byte (1..128 plus a few
 * awkward sizes up to 4093), so every parser state is also crossed at a
 * chunk boundary.  Both loads must agree on success/failure, and the chunked
 * one must equal a load in the same chunks without the strings' fast path
 * (outcome, message, string table).  When the input loads, the full
 * analysis pipeline runs (graph, DOM state, shallow sizes,
 * dominators, distances, class names, aggregates, statistics), then (see
 * FUZZ_SIDE_ALWAYS) the diff side extraction and a self-diff.  Everything
 * is freed, so LeakSanitizer sees any leak on the success and error paths.
 *
 * Build: tests/fuzz/build.sh; run: tests/fuzz/run.sh SECONDS. */
#include <stdint.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <stdio.h>
#include "hsnap/hsnap.h"
#include "hsnap/snapshot.h"
#include "hsnap/analysis.h"
#include "hsnap/diff.h"
#include "hsnap/contexts.h"
#include "hsnap/realms.h"
#include "hsnap/filters.h"

/* The diff side extraction has a fixed cost of ~0.5 ms per call under ASan
 * whatever the input size (its radix sort allocates and clears a 512 KiB
 * digit-count table per call, a large mmapped block for ASan), which would
 * triple the time per execution.  By default it runs on one loaded input in
 * four (input sizes that are multiples of 4; any mutation that inserts or
 * removes a byte changes that); -DFUZZ_SIDE_ALWAYS=1 runs it on every loaded
 * input. */
#ifndef FUZZ_SIDE_ALWAYS
#define FUZZ_SIDE_ALWAYS 0
#endif

static void analyse(const struct hs_snapshot *s, int raw, int side_stage)
{
	struct hs_analysis a;
	struct hs_analysis_opts o;
	struct hs_error err;
	memset(&a, 0, sizeof a);
	memset(&o, 0, sizeof o);
	memset(&err, 0, sizeof err);
	o.raw_sizes = raw;
	o.jobs = 1; /* no threads per execution */
	if (hs_analysis_run(&a, s, &o, &err) != 0) {
		hs_analysis_release(&a);
		return;
	}
	/* Invariants that hold for every analysed graph. */
	if (a.dom.idom && a.dom.retained && s->node_count) {
		uint32_t r = s->root;
		if (a.dom.idom[r] != r) abort();
		for (uint32_t n = 0; n < s->node_count; n++) {
			if (a.dom.idom[n] >= s->node_count) abort();
			if (a.dom.retained[n] > a.dom.retained[r]) abort();
		}
	}
	/* The 2026 analyses: dead closure variables (the scope tables are the
	 * only input they read unchecked by the loader), realms, every named
	 * filter and DevTools' site rows. */
	{
		struct hs_contexts cx;
		struct hs_realms rl;
		struct hs_sites st;
		if (hs_contexts_analyze(&cx, &a, &err) == 0) {
			for (uint32_t i = 0; i < cx.nscopes; i++)
				if (cx.scopes[i].first_ctx + cx.scopes[i].nctx > cx.nctx) abort();
			for (uint32_t i = 0; i < cx.nctx; i++)
				if (cx.ctx[i].first_dead + cx.ctx[i].ndead > cx.ndead || cx.ctx[i].node >= s->node_count) abort();
			for (uint32_t i = 0; i < cx.ndead; i++)
				if (cx.dead[i].value >= s->node_count || cx.dead[i].name >= s->strings.count) abort();
			hs_contexts_release(&cx);
		} else if (!err.msg[0]) {
			abort();
		}
		hs_realms_compute(&rl, &a);
		{
			uint64_t sum = rl.shared + rl.unattributed;
			for (uint32_t i = 0; i < rl.count; i++)
				sum += rl.v[i].attributed;
			uint64_t all = 0;
			for (uint32_t n = 0; n < s->node_count; n++)
				all += hs_shallow_size(&a, n);
			if (sum != all) abort(); /* every node is attributed exactly once */
		}
		for (int k = 0; k < HS_FILTER_COUNT; k++) {
			struct hs_filter f;
			uint64_t *bits = NULL;
			char name[64];
			snprintf(name, sizeof name, "%s", k == HS_FILTER_NATIVE_CONTEXT ? "nativeContext_0" : hs_filter_names[k]);
			if (k == HS_FILTER_NATIVE_CONTEXT && rl.count)
				snprintf(name, sizeof name, "nativeContext_%u", s->node_id[rl.v[0].node]);
			if (hs_filter_parse(name, &f, &err) != 0) abort();
			if (hs_filter_nodes(&a, &f, &bits, &err) == 0) {
				free(hs_filter_classes(&a, bits));
				free(bits);
			} else if (k != HS_FILTER_NATIVE_CONTEXT || rl.count) {
				abort();
			}
		}
		hs_realms_release(&rl);
		hs_sites_build(&st, &a, NULL);
		hs_sites_release(&st);
	}
	if (!side_stage) {
		hs_analysis_release(&a);
		return;
	}
	struct hs_class_names ns;
	struct hs_side side;
	struct hs_diff d;
	memset(&side, 0, sizeof side);
	memset(&d, 0, sizeof d);
	hs_class_names_init(&ns);
	hs_side_from_analysis(&side, &ns, &a);
	hs_diff_compute(&d, &side, &side);
	if (d.nrows != 0) abort(); /* a snapshot never differs from itself */
	hs_diff_release(&d);
	hs_side_release(&side);
	hs_class_names_release(&ns);
	hs_analysis_release(&a);
}

extern int hs_load_fast_strings; /* src/load_internal.h: 0 turns the path off */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const size_t odd[] = { 1, 2, 3, 7, 13, 61, 127, 4093 };
	struct hs_snapshot *s = NULL, *s2 = NULL;
	struct hs_error err, err2;
	memset(&err, 0, sizeof err);
	memset(&err2, 0, sizeof err2);

	int rc = hs_snapshot_load_mem("fuzz", data, size, 0, &s, &err);
	if (rc == 0 && s) {
		/* DevTools' re-attributed shallow sizes, or the file's raw sizes
		 * (--raw-sizes), chosen by bit 2 of the size; the side stage on
		 * sizes that are multiples of 4. */
		analyse(s, (size >> 2) & 1, FUZZ_SIDE_ALWAYS || (size & 3) == 0);
	} else if (err.msg[0] == '\0' || rc >= 0) {
		abort(); /* failure without a message or a status */
	}

	size_t chunk = 1;
	if (size > 0) {
		uint8_t b = data[0];
		chunk = (b & 0x80) ? odd[b & 7] : (size_t)(b & 0x7f) + 1;
	}
	int rc2 = hs_snapshot_load_mem("fuzz", data, size, chunk, &s2, &err2);
	if ((rc == 0) != (rc2 == 0)) {
		fprintf(stderr, "whole: %d %s / chunk %zu: %d %s\n", rc, err.msg,
			chunk, rc2, err2.msg);
		abort(); /* chunking changed the outcome */
	}
	if (rc2 == 0 && s2 && s &&
	    (s->node_count != s2->node_count || s->edge_count != s2->edge_count))
		abort();
	/* the strings' fast path (src/load_strings.c) against yajl alone, in
	 * the same chunks: the same outcome, message and string table */
	{
		struct hs_snapshot *s3 = NULL;
		struct hs_error err3;
		memset(&err3, 0, sizeof err3);
		hs_load_fast_strings = 0;
		int rc3 = hs_snapshot_load_mem("fuzz", data, size, chunk, &s3, &err3);
		hs_load_fast_strings = 1;
		if (rc3 != rc2 || strcmp(err3.msg, err2.msg)) {
			fprintf(stderr, "fast strings: %d %s / yajl alone: %d %s\n", rc2, err2.msg, rc3, err3.msg);
			abort();
		}
		if (s3 && s2) {
			uint32_t i;
			if (s3->strings.count != s2->strings.count)
				abort();
			for (i = 0; i < s3->strings.count; i++)
				if (hs_strlen(&s3->strings, i) != hs_strlen(&s2->strings, i) ||
				    memcmp(hs_str(&s3->strings, i), hs_str(&s2->strings, i), hs_strlen(&s2->strings, i)))
					abort();
		}
		if (s3) hs_snapshot_free(s3);
	}
	if (s) hs_snapshot_free(s);
	if (s2) hs_snapshot_free(s2);
	return 0;
}
