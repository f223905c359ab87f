/* libhsnap umbrella header. */
#ifndef HSNAP_H
#define HSNAP_H
#define HSNAP_VERSION "0.1.0"
#include "hsnap/error.h"
#include "hsnap/snapshot.h"
#include "hsnap/graph.h"
#include "hsnap/dominators.h"
#include "hsnap/classes.h"
#include "hsnap/analysis.h"
#include "hsnap/diff.h"
#include "hsnap/gate.h"
#include "hsnap/values.h"
#include "hsnap/containers.h"
#include "hsnap/owners.h"
#endif
