/* DOM state of every node, as DevTools' propagateDOMState: the
 * detachedness a snapshot records (0 unknown, 1 attached, 2 detached),
 * spread from natives over strong edges to other natives. */
#ifndef HSNAP_DOM_STATE_H
#define HSNAP_DOM_STATE_H
#include <stdint.h>
#include "hsnap/snapshot.h"

/* out: [node_count]; the class names read it (`Detached <div>`). */
void hs_dom_state(const struct hs_snapshot *s, uint8_t *out);

#endif
