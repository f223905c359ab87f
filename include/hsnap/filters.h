/* DevTools' named node filters (HeapSnapshot.createNamedFilter, 2026 worker)
 * and class aggregates over the nodes a filter keeps (buildAggregates and
 * calculateClassesRetainedSize with a filter). */
#ifndef HSNAP_FILTERS_H
#define HSNAP_FILTERS_H
#include <stdint.h>
#include "hsnap/analysis.h"

enum hs_filter_kind {
	HS_FILTER_DETACHED_DOM,      /* objectsRetainedByDetachedDomNodes */
	HS_FILTER_CONSOLE,           /* objectsRetainedByConsole */
	HS_FILTER_EVENT_HANDLERS,    /* objectsRetainedByEventHandlers */
	HS_FILTER_CONTEXTS,          /* objectsRetainedByContexts */
	HS_FILTER_DUPLICATED_STRINGS,/* duplicatedStrings */
	HS_FILTER_SHARED_CONTEXT,    /* sharedNativeContext */
	HS_FILTER_NO_CONTEXT,        /* noNativeContext */
	HS_FILTER_NATIVE_CONTEXT,    /* nativeContext_<id>: attributed to that native context */
	HS_FILTER_COUNT
};

struct hs_filter {
	enum hs_filter_kind kind;
	uint32_t context_id;         /* HS_FILTER_NATIVE_CONTEXT: node id of the native context */
};

/* DevTools' filter names, "" terminated (nativeContext_ takes a node id here,
 * where DevTools' internal name takes a node index). */
extern const char *const hs_filter_names[HS_FILTER_COUNT + 1];
/* Parses a DevTools filter name; 0 or HS_ERR_USAGE. */
int hs_filter_parse(const char *name, struct hs_filter *f, struct hs_error *err);
/* Bit per node: the nodes the filter keeps.  HS_ERR_USAGE when a
 * nativeContext_<id> names no native context. */
int hs_filter_nodes(const struct hs_analysis *a, const struct hs_filter *f, uint64_t **bits,
		    struct hs_error *err);
/* Class rows (indexed like a->classes.cls) over the kept nodes only. */
struct hs_class *hs_filter_classes(const struct hs_analysis *a, const uint64_t *bits);



/* DevTools' class keys (classKeyInternal): an `object` node with a location
 * is keyed by (script id, line, column, class name), every other node by its
 * class name.  Rows 0 .. classes-1 are the classes' location-less rows, the
 * others one per (class, location); aggregates as buildAggregates +
 * calculateClassesRetainedSize per key, over the nodes bits keeps (NULL: all). */
struct hs_site_row {
	uint32_t cls;
	int has_loc;
	uint32_t script_id, line, column, script_node; /* as in struct hs_location */
};
struct hs_sites {
	struct hs_site_row *row;
	struct hs_class *agg;
	uint32_t n;
	uint32_t *row_of;        /* [node_count] */
};
void hs_sites_build(struct hs_sites *out, const struct hs_analysis *a, const uint64_t *bits);
void hs_sites_release(struct hs_sites *s);
#endif
