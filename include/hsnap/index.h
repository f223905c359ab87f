/* The on-disk index: the model, dominators, retained sizes and class tables
 * of one snapshot in a versioned binary file beside it (SNAPSHOT.hsnapidx),
 * mapped read-only on the next run instead of parsing and analysing again
 * (like Eclipse MAT's index files).
 *
 * An index is tied to its snapshot by the file's size, mtime, change time
 * (ctime), inode number and the CRC-32C of its first and last 64 KiB; a
 * mismatch makes it stale (docs/files.md says exactly what that detects;
 * hs_index_compare checks fully).  Nothing in it is trusted: the header, the
 * section table and every section carry CRC-32Cs, and every offset, node,
 * edge, string and class index is range-checked before a single array is
 * used, on a private copy of those pages, so that a later change of the file
 * cannot change what was checked.  The dominator tree is not proven acyclic;
 * every walk over it is bounded instead (docs/ARCHITECTURE.md, "The index"). */
#ifndef HSNAP_INDEX_H
#define HSNAP_INDEX_H
#include <stdint.h>
#include "hsnap/snapshot.h"
#include "hsnap/analysis.h"

struct hs_index_key {
	uint64_t size;
	int64_t mtime_sec, mtime_nsec;
	uint32_t head_crc, tail_crc;
	uint64_t ino;
	int64_t ctime_sec, ctime_nsec;
	/* not part of the identity: what the index file's mode and group are
	 * derived from (docs/files.md) */
	uint32_t mode, uid, gid;
};

/* SNAPSHOT.hsnapidx (malloc'd). */
char *hs_index_path(const char *snapshot_path);
/* Identity of a snapshot file.  0 or HS_ERR_IO. */
int hs_index_key(const char *snapshot_path, struct hs_index_key *k, struct hs_error *err);

/* Writes s and a (a default analysis: inferred interfaces, distances and
 * parent edges present) to index_path through a temporary file in the same
 * folder (created O_EXCL, never through a symlink) renamed into place, so
 * readers never see a partial index.  The file gets mode 0600 plus the
 * snapshot's group and other read bits (k->mode), and the snapshot's group.
 * An existing index_path that is not a regular file is never replaced.  0, or
 * HS_ERR_IO with err->msg and errno set (the temporary file is removed):
 * ENOSPC (or less than 256 MiB would stay free), EFBIG (larger than
 * RLIMIT_FSIZE; SIGXFSZ must be ignored by the caller), EEXIST (index_path is
 * not a regular file), or what open/write/rename gave. */
int hs_index_write(const char *index_path, const struct hs_index_key *k,
		   const struct hs_snapshot *s, const struct hs_analysis *a,
		   struct hs_error *err);

enum hs_index_state {
	HS_INDEX_OK = 0,
	HS_INDEX_ABSENT = 1,  /* no index file */
	HS_INDEX_STALE = 2,   /* built from another version of the snapshot */
	HS_INDEX_BAD = 3,     /* corrupt, truncated, foreign or another version */
	HS_INDEX_BLOCKED = 4  /* index_path is a directory, symlink, FIFO, device
				 or socket, or its name is too long: hsnap neither
				 reads nor replaces it */
};

/* Maps index_path and checks it against k and against itself (jobs threads
 * for the checksums, 0: all cores).  HS_INDEX_OK: *out is a snapshot whose
 * arrays are lent by the index (raw sections in the mapping, packed ones
 * decoded; all freed with hs_snapshot_free), named `name` in
 * messages.  Otherwise err->msg says why, and nothing is allocated. */
enum hs_index_state hs_index_open(const char *index_path, const struct hs_index_key *k,
				  int jobs, const char *name, struct hs_snapshot **out,
				  struct hs_error *err);

/* hs_index_open, but the analysis' packed sections (shallow and retained
 * sizes, idom, distances, parent edges, class ids) are only checksummed
 * now, and decoded and range-checked (checksummed again) by the first
 * hs_index_analysis_for that needs them, as is the dominator tree CSR
 * derived from idom: a command that never asks for the analysis, or for its
 * distances, never pays for them. */
enum hs_index_state hs_index_open_lazy(const char *index_path, const struct hs_index_key *k,
				       int jobs, const char *name, struct hs_snapshot **out,
				       struct hs_error *err);

/* Compares s's index (s from hs_index_open) with what writing fresh and fa
 * (a default analysis of a fresh parse of the same file) would give, section
 * by section.  1 when identical; 0 with err->msg naming the first section
 * that differs. */
int hs_index_compare(const struct hs_snapshot *s, const struct hs_snapshot *fresh,
		     const struct hs_analysis *fa, struct hs_error *err);

/* Async-signal-safe: removes the temporary file hs_index_write is writing,
 * if any (for the CLI's SIGINT/SIGTERM/SIGHUP handlers). */
void hs_index_abandon(void);

/* Fills a from s's index: its arrays are lent by the index, each marked
 * in a->borrowed (hs_analysis_release gives them back instead of freeing
 * them).  1 when s came from an index, 0 otherwise (also when a section
 * decoded now fails its checks). */
int hs_index_analysis(const struct hs_snapshot *s, struct hs_analysis *a);

/* What an analysis from the index is to have besides the dominators,
 * sizes and classes (as hs_analysis_opts asks a fresh one): */
#define HS_INDEX_NEED_DISTANCES 1u  /* a->distance */
#define HS_INDEX_NEED_PARENTS 2u    /* a->parent_edge (with distances) */
/* hs_index_analysis with only what `need` asks for: the arrays not asked
 * for are NULL, as in a fresh analysis, and stay undecoded (from
 * hs_index_open_lazy; thread-safe).  1: filled; 0: s has no index; -1: a
 * section decoded now failed its checks (err says which; a is empty, the
 * model stays sound: analyse s instead). */
int hs_index_analysis_for(const struct hs_snapshot *s, struct hs_analysis *a, unsigned need,
			  struct hs_error *err);
/* Bit (1 << section id, src/index_format.h) per packed or derived section
 * of s's index that has been decoded (derived) so far, and per one that
 * hs_index_open_lazy deferred and nothing has asked for yet (for tests and
 * HSNAP_TRACE_INDEX). */
uint64_t hs_index_decoded(const struct hs_snapshot *s);
uint64_t hs_index_pending(const struct hs_snapshot *s);
/* The name of section id (as docs/ARCHITECTURE.md's table), or NULL. */
const char *hs_index_section_name(uint32_t id);

/* Gives back what the index lent (hs_snapshot_free calls it through
 * s->index_release, which hs_index_open sets): s's borrowed arrays
 * become NULL, the decoded arrays are freed and the mapping is unmapped.
 * Nothing when s has no index. */
void hs_index_release(struct hs_snapshot *s);
/* The same for an analysis (hs_analysis_release calls it through
 * a->index_disown, which hs_index_analysis sets): the arrays marked in
 * a->borrowed become NULL. */
void hs_index_disown(struct hs_analysis *a);

/* Replaces a's class names and aggregates by the ones `given` interface
 * definitions produce (diff and growth name the older snapshots with the
 * newest one's definitions, as DevTools' Comparison view does). */
void hs_analysis_rename(struct hs_analysis *a, const struct hs_interfaces *given);

#endif
