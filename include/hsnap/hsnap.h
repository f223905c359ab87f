/* libhsnap umbrella header: the whole public API. */
#ifndef HSNAP_H
#define HSNAP_H
#include "hsnap/version.h"
#include "hsnap/error.h"
#include "hsnap/strtab.h"
#include "hsnap/snapshot.h"
#include "hsnap/graph.h"
#include "hsnap/dominators.h"
#include "hsnap/shallow.h"
#include "hsnap/distances.h"
#include "hsnap/classes.h"
#include "hsnap/analysis.h"
#include "hsnap/paths.h"
#include "hsnap/diff.h"
#include "hsnap/gate.h"
#include "hsnap/values.h"
#include "hsnap/containers.h"
#include "hsnap/owners.h"
#include "hsnap/contexts.h"
#include "hsnap/realms.h"
#include "hsnap/filters.h"
#include "hsnap/index.h"
#endif
