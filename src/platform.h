/* What the modules ask the system, one copy each: monotonic time (progress,
 * timings, deadlines) and how many threads to use by default. */
#ifndef HSNAP_PLATFORM_H
#define HSNAP_PLATFORM_H
#include <stdint.h>

/* Seconds / milliseconds of CLOCK_MONOTONIC. */
double hs_now(void);
int64_t hs_now_ms(void);

/* Threads for a parallel phase: `requested` when above 0 (--jobs N), else
 * the online cores (1 when the system does not say: 0 means "all cores",
 * as README.md documents for --jobs); at most max (a module's own limit,
 * at least 1). */
int hs_jobs(int requested, int max);

#endif
