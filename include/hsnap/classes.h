/* DevTools class names per node and per-class aggregates.
 * Class names follow JSHeapSnapshot.calculateObjectNames: hidden -> (system),
 * code -> (compiled code), closure -> Function, regexp -> RegExp,
 * object/native -> the node name (`<tag attr>` -> `<tag>`, detached natives
 * prefixed `Detached `), other types -> `(<type>)`; plain `Object`s get the
 * `{a, b, …}` interface DevTools infers (hsnap/interfaces.h).  Aggregates
 * follow buildAggregates + calculateClassesRetainedSize, keyed by class
 * name. */
#ifndef HSNAP_CLASSES_H
#define HSNAP_CLASSES_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/snapshot.h"
#include "hsnap/dominators.h"
#include "hsnap/interfaces.h"

struct hs_class {
	uint64_t count;          /* objects with self_size > 0 */
	uint64_t self_size;
	uint64_t retained_size;  /* without double counting nested instances */
	int32_t distance;        /* minimum distance of its objects */
};

struct hs_classes {
	struct hs_strtab names;  /* class id -> name */
	struct hs_class *cls;    /* [names.count] */
	uint32_t *class_of;      /* [node_count] class id per node */
	uint32_t n_interfaces;   /* interface definitions used */
	struct hs_interfaces interfaces;
};

/* class_of and names; dom_state from hs_dom_state (dom_state.h) or NULL.
 * `given`: interface definitions to apply instead of inferring them from
 * this snapshot (NULL: infer, as DevTools' Summary). */
void hs_classes_name(struct hs_classes *c, const struct hs_snapshot *s,
		     const uint8_t *dom_state, const struct hs_interfaces *given);
/* Aggregates over nodes with self_size > 0. */
void hs_classes_aggregate(struct hs_classes *c, const struct hs_snapshot *s,
			  const struct hs_sizes *self_size, const struct hs_dominators *d,
			  const int32_t *distance);
void hs_classes_release(struct hs_classes *c);
/* The same aggregates keyed by row_of[node] (nrows rows) over the nodes the
 * bit set keeps (NULL: all); a node left out does not hide the nested
 * objects of its row.  Returns nrows rows (at least one; free() them). */
struct hs_class *hs_class_rows(const struct hs_snapshot *s, const struct hs_sizes *self_size,
			       const struct hs_dominators *d, const int32_t *distance,
			       const uint32_t *row_of, uint32_t nrows, const uint64_t *bits);
static inline const char *hs_class_name(const struct hs_classes *c, uint32_t id)
{
	return hs_str(&c->names, id);
}

/* ---- function rows (--by function; classes_fn.c) ------------------------
 * The class table with the Function class (closures) split by function:
 * each closure's row is keyed "NAME (URL:LINE:COL)", the closure's name
 * ("(anonymous)" when it has none), its script's URL as the snapshot names
 * it (HS_UNKNOWN_SCRIPT when the snapshot does not) and its 1-based line and
 * column; "NAME (no location)" without a location (a key keeps at most
 * 1024 bytes of a name and 4096 of a URL).  Other classes keep their rows
 * and ids; the Function row stays, empty. */
#define HS_UNKNOWN_SCRIPT "(unknown script)"
/* out: c's names plus the function keys, class_of with closures re-keyed,
 * and the rows aggregated as hs_classes_aggregate (distance may be NULL). */
void hs_classes_by_function(struct hs_classes *out, const struct hs_classes *c, const struct hs_snapshot *s,
			    const struct hs_sizes *self, const struct hs_dominators *d, const int32_t *distance);
/* Closure n's key into buf (snprintf's contract: returns its length). */
size_t hs_function_key(const struct hs_snapshot *s, uint32_t n, char *buf, size_t len);
/* A function key taken apart: the name is key[0..name_len), script (NULL:
 * no location) points into the key, line/column 1-based (0: none). */
struct hs_fn_key {
	size_t name_len;
	const char *script;
	size_t script_len;
	uint32_t line, column;
};
/* 1 when key has a function key's form (filling k), else 0.  The name ends
 * at the first " (": a script path may hold one, a function name not. */
int hs_function_key_parse(const char *key, struct hs_fn_key *k);
/* 1 when a user's `sel` names function row `key`: the whole key, the
 * function's name alone, or the key with its script's path cut at a '/'
 * ("onMessage (lib/chat.js:78:20)" for "onMessage (/app/lib/chat.js:78:20)",
 * as text output prints it). */
int hs_function_key_selects(const char *key, const char *sel);

#endif
