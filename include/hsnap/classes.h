/* DevTools class names per node and per-class aggregates.
 * Class names follow JSHeapSnapshot.calculateObjectNames: hidden -> (system),
 * code -> (compiled code), closure -> Function, regexp -> RegExp,
 * object/native -> the node name (`<tag attr>` -> `<tag>`, detached natives
 * prefixed `Detached `), other types -> `(<type>)`; plain `Object`s get the
 * `{a, b, …}` interface DevTools infers (inferInterfaceDefinitions +
 * applyInterfaceDefinitions).  Aggregates follow buildAggregates +
 * calculateClassesRetainedSize, keyed by class name. */
#ifndef HSNAP_CLASSES_H
#define HSNAP_CLASSES_H
#include <stdint.h>
#include "hsnap/snapshot.h"
#include "hsnap/dominators.h"

struct hs_class {
	uint64_t count;          /* objects with self_size > 0 */
	uint64_t self_size;
	uint64_t retained_size;  /* without double counting nested instances */
	int32_t distance;        /* minimum distance of its objects */
};

/* DevTools interface definition: plain objects having all `props` (as
 * property edges) are named `name` (e.g. "{a, b}"). */
struct hs_interface {
	char *name;
	char **props;
	uint32_t nprops;
};
struct hs_interfaces {
	struct hs_interface *v;  /* most common first; earlier wins ties */
	uint32_t count;
};
void hs_interfaces_copy(struct hs_interfaces *dst, const struct hs_interfaces *src);
void hs_interfaces_release(struct hs_interfaces *ifs);

struct hs_classes {
	struct hs_strtab names;  /* class id -> name */
	struct hs_class *cls;    /* [names.count] */
	uint32_t *class_of;      /* [node_count] class id per node */
	uint32_t n_interfaces;   /* interface definitions used */
	struct hs_interfaces interfaces;
};

/* DOM state of every node (detachedness 0/1/2 propagated as DevTools'
 * propagateDOMState); the class names read it (`Detached <div>`). */
void hs_dom_state(const struct hs_snapshot *s, uint8_t *out);

/* class_of and names.  `given`: interface definitions to apply instead of
 * inferring them from this snapshot (NULL: infer, as DevTools' Summary). */
void hs_classes_name(struct hs_classes *c, const struct hs_snapshot *s,
		     const uint8_t *dom_state, const struct hs_interfaces *given);
/* Aggregates over nodes with self_size > 0. */
void hs_classes_aggregate(struct hs_classes *c, const struct hs_snapshot *s,
			  const uint64_t *self_size, const struct hs_dominators *d,
			  const int32_t *distance);
void hs_classes_release(struct hs_classes *c);
/* The same aggregates keyed by row_of[node] (nrows rows) over the nodes the
 * bit set keeps (NULL: all); a node left out does not hide the nested
 * objects of its row.  Returns nrows rows (at least one; free() them). */
struct hs_class *hs_class_rows(const struct hs_snapshot *s, const uint64_t *self_size,
			       const struct hs_dominators *d, const int32_t *distance,
			       const uint32_t *row_of, uint32_t nrows, const uint64_t *bits);
static inline const char *hs_class_name(const struct hs_classes *c, uint32_t id)
{
	return hs_str(&c->names, id);
}

/* DevTools' display name of a plain object: `{a, b, …, z}`.  Writes at most
 * cap bytes (NUL-terminated); returns the full length. */
size_t hs_plain_object_name(const struct hs_snapshot *s, uint32_t n, char *out, size_t cap);
/* Length of a UTF-8 string in UTF-16 code units (JavaScript's .length). */
size_t hs_utf16_len(const char *s, size_t len);

#endif
