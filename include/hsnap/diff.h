/* Comparisons between snapshots on compact per-snapshot tables, so that only
 * one snapshot's graph needs to be in memory at a time.
 *
 * A side is built from an analysed snapshot (class rows plus the sorted
 * (class, id) keys of every counted object) or from a JSON baseline written
 * by `hsnap summary --format json` (class rows only).  Class ids are global
 * across sides through struct hs_class_names. */
#ifndef HSNAP_DIFF_H
#define HSNAP_DIFF_H
#include <stdint.h>
#include "hsnap/analysis.h"

struct hs_class_names {
	struct hs_strtab names;  /* gid -> name */
	struct hs_strset set;    /* interns the names */
};
void hs_class_names_init(struct hs_class_names *ns);
uint32_t hs_class_names_intern(struct hs_class_names *ns, const char *name, size_t len);
void hs_class_names_release(struct hs_class_names *ns);

struct hs_class_row {
	uint64_t count, self_size, retained_size;
	int present;
};

struct hs_side {
	char *file;
	int is_baseline;           /* no object ids: new/deleted unknown */
	uint64_t node_count, total_size;
	struct hs_class_row *rows; /* [nrows] indexed by gid */
	uint32_t nrows;
	uint64_t *objects;         /* sorted (gid << 32 | low 32 bits of the V8 id) of counted objects */
	uint32_t *objects_hi;      /* NULL unless the snapshot has ids beyond 32 bits: the high
				    * halves, objects sorted by (objects[i], objects_hi[i]) */
	uint64_t nobjects;
};

/* From an analysed snapshot (counted objects: self_size > 0, as DevTools). */
void hs_side_from_analysis(struct hs_side *side, struct hs_class_names *ns,
			   const struct hs_analysis *a);
/* The same with class rows only, no object keys (growth over N snapshots). */
void hs_side_rows_from_analysis(struct hs_side *side, struct hs_class_names *ns,
				const struct hs_analysis *a);
/* hs_side_from_analysis in two parts, the object keys first: they read no
 * retained size, so they can be found beside the class aggregation
 * (hs_analysis_opts.beside_aggregates), once the class names are final.
 * keys gets only the object keys (its other fields zero); they interned a's
 * class names in the order hs_side_rows_from_analysis then does, so the
 * gids are those of hs_side_from_analysis.  hs_side_take_objects moves them
 * into side (from hs_side_rows_from_analysis of the same analysis and ns)
 * and leaves keys empty. */
void hs_side_objects_from_analysis(struct hs_side *keys, struct hs_class_names *ns,
				   const struct hs_analysis *a);
void hs_side_take_objects(struct hs_side *side, struct hs_side *keys);
/* The same over the nodes a filter keeps (bits, hsnap/filters.h): cls the
 * filter's class rows (hs_filter_classes), the objects of kept nodes only;
 * node_count and total_size stay the whole snapshot's. */
struct hs_class;
void hs_side_from_filter(struct hs_side *side, struct hs_class_names *ns, const struct hs_analysis *a,
			 const struct hs_class *cls, const uint64_t *bits);
/* From `hsnap summary --format json` output: a file, an open input (see
 * src/input.h; read to its end, not closed), or text in memory.  Nesting
 * deeper than 64 levels, a class listed twice and counts or self sizes that
 * add up past 2^63 - 1 are errors; with duplicate keys the last one counts,
 * as in JSON.parse. */
int hs_side_from_summary_json(struct hs_side *side, struct hs_class_names *ns,
			      const char *path, struct hs_error *err);
struct hs_input;
int hs_side_from_summary_input(struct hs_side *side, struct hs_class_names *ns, struct hs_input *in,
			       const char *name, struct hs_error *err);
int hs_side_from_summary_text(struct hs_side *side, struct hs_class_names *ns, const char *name,
			      const char *text, size_t len, struct hs_error *err);
/* 1 when the file looks like an hsnap summary JSON rather than a snapshot
 * (its first key is not one of a heap snapshot's); the _text form takes the
 * first bytes of the input (hs_input_peek). */
int hs_is_summary_json(const char *path);
int hs_is_summary_text(const unsigned char *buf, size_t len);
void hs_side_release(struct hs_side *side);

struct hs_diff_row {
	uint32_t gid;
	uint64_t count_a, count_b, self_a, self_b, retained_a, retained_b;
	uint64_t added, deleted;    /* by id within the class (0 with a baseline) */
};

struct hs_diff {
	struct hs_diff_row *rows;   /* classes where anything differs */
	uint32_t nrows;
	uint64_t shared_ids;        /* objects matched by (class, id) */
	uint64_t shared_js_ids;     /* of which JS objects (odd ids) */
	uint64_t b_old_ids;         /* B's JS objects with ids <= A's largest JS id:
				     * in one process these existed at A, so
				     * nearly all of them match */
	int has_ids;                /* both sides are snapshots */
};

/* How the object ids of two snapshot sides relate, to tell whether they come
 * from one process and which is older.  V8 gives new objects ever larger ids
 * (JS objects odd ones), so the side with the smaller largest JS id is the
 * older; in one process nearly every JS object of the newer side whose id is
 * at most the older's largest existed then, and matches it by (class, id). */
struct hs_id_overlap {
	uint64_t max_js_a, max_js_b; /* largest odd id of each side (0: none) */
	uint64_t old;                /* JS objects of the newer side with ids <= the older's largest */
	uint64_t matched;            /* of which the older side has (class, id) */
};
void hs_id_overlap(const struct hs_side *a, const struct hs_side *b, struct hs_id_overlap *o);

/* DevTools' calculateSnapshotDiff over the sorted keys, plus the class rows. */
void hs_diff_compute(struct hs_diff *d, const struct hs_side *a, const struct hs_side *b);
void hs_diff_release(struct hs_diff *d);

#endif
