/* The on-disk index: the model, dominators, retained sizes and class tables
 * of one snapshot in a versioned binary file beside it (SNAPSHOT.hsnapidx),
 * mapped read-only on the next run instead of parsing and analysing again
 * (like Eclipse MAT's index files).
 *
 * An index is tied to its snapshot by the file's size, mtime and the crc32 of
 * its first and last 64 KiB; a mismatch makes it stale.  Nothing in it is
 * trusted: the header, the section table and every section carry crc32s, and
 * every offset, node, edge, string and class index is range-checked before a
 * single array is used.  The dominator tree is not proven acyclic; every walk
 * over it is bounded instead (docs/ARCHITECTURE.md, "The index"). */
#ifndef HSNAP_INDEX_H
#define HSNAP_INDEX_H
#include <stdint.h>
#include "hsnap/snapshot.h"
#include "hsnap/analysis.h"

struct hs_index_key {
	uint64_t size;
	int64_t mtime_sec, mtime_nsec;
	uint32_t head_crc, tail_crc;
};

/* SNAPSHOT.hsnapidx (malloc'd). */
char *hs_index_path(const char *snapshot_path);
/* Identity of a snapshot file.  0 or HS_ERR_IO. */
int hs_index_key(const char *snapshot_path, struct hs_index_key *k, struct hs_error *err);

/* Writes s and a (a default analysis: inferred interfaces, distances and
 * parent edges present) to index_path through a temporary file renamed into
 * place, so readers never see a partial index.  0, or HS_ERR_IO with err->msg
 * and errno set (the temporary file is removed). */
int hs_index_write(const char *index_path, const struct hs_index_key *k,
		   const struct hs_snapshot *s, const struct hs_analysis *a,
		   struct hs_error *err);

enum hs_index_state {
	HS_INDEX_OK = 0,
	HS_INDEX_ABSENT = 1,  /* no index file */
	HS_INDEX_STALE = 2,   /* built from another version of the snapshot */
	HS_INDEX_BAD = 3      /* corrupt, truncated, foreign or another version */
};

/* Maps index_path and checks it against k and against itself (jobs threads
 * for the checksums, 0: all cores).  HS_INDEX_OK: *out is a snapshot whose
 * arrays live in the mapping (freed with hs_snapshot_free), named `name` in
 * messages.  Otherwise err->msg says why, and nothing is allocated. */
enum hs_index_state hs_index_open(const char *index_path, const struct hs_index_key *k,
				  int jobs, const char *name, struct hs_snapshot **out,
				  struct hs_error *err);

/* Fills a from s's index (arrays in the mapping; hs_analysis_release knows
 * not to free them).  1 when s came from an index, 0 otherwise. */
int hs_index_analysis(const struct hs_snapshot *s, struct hs_analysis *a);

/* Replaces a's class names and aggregates by the ones `given` interface
 * definitions produce (diff and growth name the older snapshots with the
 * newest one's definitions, as DevTools' Comparison view does). */
void hs_analysis_rename(struct hs_analysis *a, const struct hs_interfaces *given);

#endif
