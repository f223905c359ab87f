/* Script names for source locations (private to the loader). */
#ifndef HSNAP_SCRIPTS_H
#define HSNAP_SCRIPTS_H
#include "hsnap/snapshot.h"

/* Fills script_node of the locations that lack it (files before 2025 write
 * only a script id): a closure's SharedFunctionInfo points to its Script
 * (internal edges `shared`, then `script_or_debug_info` or `script`, through a
 * DebugInfo where there is one), whose node is named by the script's URL; every
 * location with that script id gets that node.  Never fails. */
void hs_resolve_scripts(struct hs_snapshot *s);

#endif
