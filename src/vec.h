/* Transitional: vec.h was split into alloc.h (allocation, growth, bit sets)
 * and sort.h (hs_sort and the shared comparators).  Include those; this file
 * goes once no source includes it. */
#ifndef HSNAP_VEC_H
#define HSNAP_VEC_H
#include "alloc.h"
#include "sort.h"
#endif
