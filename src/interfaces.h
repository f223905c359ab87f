/* Private: interface definitions of plain objects (interfaces.c), used by
 * the class names (classes.c).  The public part (struct hs_interfaces, copy,
 * release, hs_plain_object_name, hs_utf16_len) is in hsnap/classes.h. */
#ifndef HSNAP_INTERFACES_H
#define HSNAP_INTERFACES_H
#include <stdint.h>
#include "hsnap/classes.h"

#define HS_IFACE_NONE 0xffffffffu

/* A plain object: type object named "Object" (string object_str). */
int hs_is_plain_object(const struct hs_snapshot *s, uint32_t n, uint32_t object_str);
/* inferInterfaceDefinitions over the plain objects of s. */
void hs_interfaces_infer(struct hs_interfaces *out, const struct hs_snapshot *s, uint32_t object_str);

/* applyInterfaceDefinitions: the definition (index into ifs) that plain
 * object n matches best, or HS_IFACE_NONE.  ifs must outlive the matcher. */
struct hs_iface_matcher;
struct hs_iface_matcher *hs_iface_matcher_new(const struct hs_snapshot *s, const struct hs_interfaces *ifs);
uint32_t hs_iface_match(struct hs_iface_matcher *m, uint32_t n);
void hs_iface_matcher_free(struct hs_iface_matcher *m);

#endif
