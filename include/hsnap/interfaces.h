/* Interface definitions of plain objects, as DevTools'
 * inferInterfaceDefinitions and applyInterfaceDefinitions (HeapSnapshot.ts):
 * the `{a, b}` names given to the plain `Object`s that share properties,
 * and DevTools' property-name formatting (formatPropertyName,
 * #plainObjectName).  The class names (classes.h) are built on this. */
#ifndef HSNAP_INTERFACES_H
#define HSNAP_INTERFACES_H
#include <stddef.h>
#include <stdint.h>
#include "hsnap/snapshot.h"

#define HS_IFACE_NONE 0xffffffffu

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

/* A plain object: type object named "Object" (string object_str). */
int hs_is_plain_object(const struct hs_snapshot *s, uint32_t n, uint32_t object_str);
/* inferInterfaceDefinitions over the plain objects of s (object_str: the
 * string "Object"): the candidates seen on >= max(2, plain/1000) objects. */
void hs_interfaces_infer(struct hs_interfaces *out, const struct hs_snapshot *s, uint32_t object_str);

/* applyInterfaceDefinitions: the definition (index into ifs) that plain
 * object n matches best, or HS_IFACE_NONE.  ifs must outlive the matcher. */
struct hs_iface_matcher;
struct hs_iface_matcher *hs_iface_matcher_new(const struct hs_snapshot *s, const struct hs_interfaces *ifs);
uint32_t hs_iface_match(struct hs_iface_matcher *m, uint32_t n);
void hs_iface_matcher_free(struct hs_iface_matcher *m);

/* DevTools' display name of a plain object: `{a, b, …, z}`.  Writes at most
 * cap bytes (NUL-terminated); returns the full length. */
size_t hs_plain_object_name(const struct hs_snapshot *s, uint32_t n, char *out, size_t cap);
/* Length of a UTF-8 string in UTF-16 code units (JavaScript's .length). */
size_t hs_utf16_len(const char *s, size_t len);

#endif
